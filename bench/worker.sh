#!/bin/sh
# Many machines, one roster (issue 13 §2): the same --no-pdf roster (BENCH_WORKER_ROWS, default
# 10,000) issued two ways on fresh homes, under build/bench-tmp (the machine's disk):
#   issue-sqlite-1     one `skillcert issue --roster R -j 2 --no-pdf --no-publish` process, SQLite
#   worker-2-postgres  `issue --roster R --queue` (not timed), then two `skillcert worker -j 1
#                      --until-empty --no-pdf` processes at once against one PostgreSQL cluster
#                      (tests/pg/cluster.sh, durable: fsync on, as SQLite's synchronous=FULL),
#                      timed from their start until both have stopped
# BENCH_WORKER_JOBS sets each worker's -j (default 1). Each side runs twice, in the order SQLite,
# PostgreSQL, PostgreSQL, SQLite, and its figures are the means of its two runs: the first run
# pays for ext4's recently_deleted scan after another run's cleanup (docs/benchmarks.md), and
# in this order both sides share that. Still, leave a few minutes between benchmark runs.
# Prints a "# worker runs" line with each run's seconds and CPU, then "issue-sqlite-1 <cred/s> cred/s", "worker-2-postgres <cred/s> cred/s" and
# "worker-2-postgres-vs-sqlite <ratio> x" (target ≥ 0.9). Both use the 2 cores this machine has.
# Then the CPU each took per credential (user + system, from /proc: the processes this shell
# reaped, and the backends the cluster's postmaster reaped): "issue-sqlite-1-cpu <µs>",
# "worker-2-postgres-cpu <µs> = workers <µs> + server <µs>" — robust to a busy machine, where the
# rates are not.
set -eu
cd "$(dirname "$0")/.."
bin=$PWD/build/skillcert
rows=${BENCH_WORKER_ROWS:-10000}
[ -x "$bin" ] || { echo "worker: $bin missing; run 'make'" >&2; exit 1; }
base=${BENCH_BATCH_DIR:-$PWD/build/bench-tmp}
mkdir -p "$base"
work=$(mktemp -d "$base/skillcert-worker-XXXXXX")
pg=$(mktemp -d) # the cluster runs as nobody when run as root: a folder of its own
cleanup() {
  tests/pg/cluster.sh stop "$pg" 2>/dev/null || true
  rm -rf "$work" "$pg"
}
trap cleanup EXIT INT TERM
export SKILLCERT_TEMPLATES="$PWD/templates"

awk -v rows="$rows" 'BEGIN {
  print "name,email,id"
  for (i = 1; i <= rows; i++) printf "Learner %d,learner%d@example.org,L%07d\n", i, i, i
}' >"$work/roster.csv"

now() { date +%s.%N; }
reaped() { awk '{ print $16 + $17 }' "/proc/$1/stat"; } # cutime + cstime, in clock ticks
tick=$(getconf CLK_TCK)

# One SQLite run into home $1: sets seconds and cpu (clock ticks). (No $(…): the processes must
# be reaped by this shell for /proc/$$ to count them.)
run_sqlite() {
  "$bin" init "$1" --name "Bench Academy" --url https://bench.example --no-passphrase >/dev/null
  cpu0=$(reaped $$)
  start=$(now)
  "$bin" issue --home "$1" --roster "$work/roster.csv" --template ai-fundamentals \
    --no-pdf --no-publish -j 2 >/dev/null 2>"$1.log" || { cat "$1.log" >&2; exit 1; }
  seconds=$(echo "$start $(now)" | awk '{ print $2 - $1 }')
  cpu=$(($(reaped $$) - cpu0))
}

# One worker on home $1's queue in database $2, logging to <home>.w$3.log.
work_queue() {
  "$bin" worker --home "$1" --registry "$2" --template ai-fundamentals --no-pdf \
    -j "${BENCH_WORKER_JOBS:-1}" --batch "${BENCH_WORKER_BATCH:-256}" --until-empty \
    2>"$1.w$3.log"
}

# One PostgreSQL run into home $1 and database $2 of the cluster: the queue (not timed), then
# the two workers. Sets seconds, cpu (the workers') and server (the backends'), in clock ticks.
run_postgres() {
  uri=$(tests/pg/cluster.sh createdb "$pg" "$2")
  "$bin" init "$1" --name "Bench Academy" --url https://bench.example --no-passphrase >/dev/null
  "$bin" issue --home "$1" --registry "$uri" --roster "$work/roster.csv" \
    --template ai-fundamentals --no-pdf --queue >/dev/null
  postmaster=$(head -1 "$pg/data/postmaster.pid")
  cpu0=$(reaped $$) server0=$(reaped "$postmaster")
  start=$(now)
  work_queue "$1" "$uri" 1 &
  w1=$!
  work_queue "$1" "$uri" 2 &
  w2=$!
  failed=0
  wait "$w1" || failed=1
  wait "$w2" || failed=1
  [ "$failed" -eq 0 ] || { cat "$1.w1.log" "$1.w2.log" >&2; exit 1; }
  seconds=$(echo "$start $(now)" | awk '{ print $2 - $1 }')
  cpu=$(($(reaped $$) - cpu0))
  sleep 1 # the backends end a moment after their workers
  server=$(($(reaped "$postmaster") - server0))
  issued=$(find "$1/out" -name '*.json' ! -name '*.tmp.*' | wc -l)
  [ "$issued" -eq "$rows" ] || { echo "worker: $issued credentials for $rows rows" >&2; exit 1; }
}

SKILLCERT_PG_DURABLE=1 tests/pg/cluster.sh start "$pg" >/dev/null
# A, B, B, A: whichever side runs first pays for the files deleted before the benchmark
# (ext4's recently_deleted, docs/benchmarks.md); in this order each side runs once early and
# once late, and each figure below is the mean of its two runs.
run_sqlite "$work/sqlite-1"
sqlite_a="$seconds $cpu"
run_postgres "$work/pg-1" bench1
pg_a="$seconds $cpu $server"
run_postgres "$work/pg-2" bench2
pg_b="$seconds $cpu $server"
run_sqlite "$work/sqlite-2"
sqlite_b="$seconds $cpu"
echo "# worker runs (seconds, CPU ticks): sqlite $sqlite_a | postgres $pg_a | postgres $pg_b | sqlite $sqlite_b"
sqlite_s=$(echo "$sqlite_a $sqlite_b" | awk '{ print ($1 + $3) / 2 }')
sqlite_cpu=$(echo "$sqlite_a $sqlite_b" | awk '{ print ($2 + $4) / 2 }')
pg_s=$(echo "$pg_a $pg_b" | awk '{ print ($1 + $4) / 2 }')
workers_cpu=$(echo "$pg_a $pg_b" | awk '{ print ($2 + $5) / 2 }')
server_cpu=$(echo "$pg_a $pg_b" | awk '{ print ($3 + $6) / 2 }')

echo "$rows $sqlite_s $pg_s" | awk '{
  printf "issue-sqlite-1 %.1f cred/s\n", $1 / $2
  printf "worker-2-postgres %.1f cred/s\n", $1 / $3
  printf "worker-2-postgres-vs-sqlite %.3f x\n", $2 / $3
}'
echo "$rows $tick $sqlite_cpu $workers_cpu $server_cpu" | awk '{
  us = 1e6 / $2 / $1
  printf "issue-sqlite-1-cpu %.1f us/cred\n", $3 * us
  printf "worker-2-postgres-cpu %.1f us/cred = workers %.1f + server %.1f\n", ($4 + $5) * us, $4 * us, $5 * us
}'
