#!/bin/sh
# Many machines, one roster (issue 13 §2): the same --no-pdf roster (BENCH_WORKER_ROWS, default
# 10,000) issued two ways on fresh homes, under build/bench-tmp (the machine's disk):
#   issue-sqlite-1     one `skillcert issue --roster R -j 2 --no-pdf --no-publish` process, SQLite
#   worker-2-postgres  `issue --roster R --queue` (not timed), then two `skillcert worker -j 1
#                      --until-empty --no-pdf` processes at once against one PostgreSQL cluster
#                      (tests/pg/cluster.sh, durable: fsync on, as SQLite's synchronous=FULL),
#                      timed from their start until both have stopped
# BENCH_WORKER_JOBS sets each worker's -j (default 1). The SQLite run comes first: right after
# another run's cleanup it pays for ext4's recently_deleted scan (docs/benchmarks.md), so leave a
# few minutes between runs.
# Prints "issue-sqlite-1 <cred/s> cred/s", "worker-2-postgres <cred/s> cred/s" and
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

"$bin" init "$work/sqlite" --name "Bench Academy" --url https://bench.example --no-passphrase >/dev/null
cpu0=$(reaped $$)
start=$(now)
"$bin" issue --home "$work/sqlite" --roster "$work/roster.csv" --template ai-fundamentals \
  --no-pdf --no-publish -j 2 >/dev/null 2>"$work/sqlite.log" || { cat "$work/sqlite.log" >&2; exit 1; }
sqlite_s=$(echo "$start $(now)" | awk '{ print $2 - $1 }')
sqlite_cpu=$(($(reaped $$) - cpu0))

SKILLCERT_PG_DURABLE=1 tests/pg/cluster.sh start "$pg" >/dev/null
uri=$(tests/pg/cluster.sh createdb "$pg" bench)
"$bin" init "$work/pg" --name "Bench Academy" --url https://bench.example --no-passphrase >/dev/null
"$bin" issue --home "$work/pg" --registry "$uri" --roster "$work/roster.csv" \
  --template ai-fundamentals --no-pdf --queue >/dev/null
postmaster=$(head -1 "$pg/data/postmaster.pid")
cpu0=$(reaped $$) server0=$(reaped "$postmaster")
start=$(now)
"$bin" worker --home "$work/pg" --registry "$uri" --template ai-fundamentals --no-pdf -j "${BENCH_WORKER_JOBS:-1}" --batch "${BENCH_WORKER_BATCH:-256}" \
  --until-empty 2>"$work/w1.log" &
w1=$!
"$bin" worker --home "$work/pg" --registry "$uri" --template ai-fundamentals --no-pdf -j "${BENCH_WORKER_JOBS:-1}" --batch "${BENCH_WORKER_BATCH:-256}" \
  --until-empty 2>"$work/w2.log" &
w2=$!
failed=0
wait "$w1" || failed=1
wait "$w2" || failed=1
[ "$failed" -eq 0 ] || { cat "$work/w1.log" "$work/w2.log" >&2; exit 1; }
pg_s=$(echo "$start $(now)" | awk '{ print $2 - $1 }')
workers_cpu=$(($(reaped $$) - cpu0))
sleep 1 # the backends end a moment after their workers
server_cpu=$(($(reaped "$postmaster") - server0))
issued=$(find "$work/pg/out" -name '*.json' ! -name '*.tmp.*' | wc -l)
[ "$issued" -eq "$rows" ] || { echo "worker: $issued credentials for $rows rows" >&2; exit 1; }

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
