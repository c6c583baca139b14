#!/usr/bin/env bats
# Many machines, one roster: workers sharing one PostgreSQL registry, killed (SIGKILL) at random
# moments and started again, end with exactly one credential per learner, no status index used
# twice, every file whole, and every revocation made meanwhile in the published list.
# PostgreSQL only (a throwaway cluster, tests/pg/cluster.sh); skipped with the reason when no
# cluster can start. The roster has 10,000 rows, 2,000 with SKILLCERT_QUICK=1 or under the
# sanitizer build (build-san), where signing is several times slower.

load helpers
bats_require_minimum_version 1.5.0

teardown() {
  if [ -n "${PG:-}" ]; then
    "$ROOT/tests/pg/cluster.sh" stop "$PG"
    rm -rf "$PG"
  fi
  rm -rf "$WORK"
}

rows() {
  case "${SKILLCERT:-}" in */build-san/*) echo 2000 && return ;; esac
  [ "${SKILLCERT_QUICK:-0}" = 1 ] && echo 2000 || echo 10000
}

start_worker() { # the binary itself, not through sc(): $! must be the worker, to be killed
  "$SKILLCERT" worker --home "$WORK/home" --registry "$URI" --no-pdf --until-empty -j 1 --batch 64 \
    2>>"$WORK/workers.log" &
  echo $! >>"$WORK/pids"
}

alive_workers() {
  local pid
  while read -r pid; do
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
  done <"$WORK/pids"
}

sql() {
  psql "$URI" -Atc "$1"
}

@test "three workers killed at random moments and restarted issue every queued row exactly once" {
  command -v psql >/dev/null || skip "no psql (Debian package postgresql-client)"
  PG=$(mktemp -d) # its own: the cluster runs as nobody when the tests run as root
  "$ROOT/tests/pg/cluster.sh" start "$PG" >/dev/null 2>&1 ||
    skip "no PostgreSQL cluster could start (tests/pg/cluster.sh; Debian package postgresql)"
  URI=$("$ROOT/tests/pg/cluster.sh" createdb "$PG" crash)
  make_home
  n=$(rows)
  $PYTHON - "$n" >"$WORK/roster.csv" <<'PY'
import sys
print("name,email,id")
for i in range(int(sys.argv[1])):
    print(f"Learner {i},learner{i}@example.org,L{i:05d}")
PY
  run sc issue --home "$WORK/home" --registry "$URI" --roster "$WORK/roster.csv" --queue --no-pdf
  [ "$status" -eq 0 ]
  [[ "$output" == *"$n queued"* ]]
  # Queued twice, the roster adds nothing.
  run sc issue --home "$WORK/home" --registry "$URI" --roster "$WORK/roster.csv" --queue --no-pdf
  [[ "$output" == *": 0 queued, $n already in the queue"* ]]

  : >"$WORK/pids"
  for _ in 1 2 3; do start_worker; done
  : >"$WORK/revoked"
  for round in 1 2 3 4 5; do
    sleep "$($PYTHON -c 'import random; print(round(random.uniform(0.3, 1.5), 2))')"
    victim=$(alive_workers | shuf -n 1)
    [ -z "$victim" ] || kill -9 "$victim" 2>/dev/null || true # it may have ended just now
    start_worker
    if [ "$round" -eq 2 ] || [ "$round" -eq 4 ]; then # revoke a few of those issued so far
      sql "SELECT id FROM credentials ORDER BY random() LIMIT 3" >"$WORK/some"
      sc revoke --home "$WORK/home" --registry "$URI" --from "$WORK/some" --reason "crash test" \
        >/dev/null 2>&1
      cat "$WORK/some" >>"$WORK/revoked"
    fi
  done
  while read -r pid; do wait "$pid" || true; done <"$WORK/pids"
  # The jobs of the workers killed last go back to the queue once the server has ended their
  # sessions (a moment after the kill): run workers until nothing is left.
  for _ in $(seq 20); do
    [ "$(sql "SELECT count(*) FROM jobs WHERE state <> 'done'")" -eq 0 ] && break
    sc worker --home "$WORK/home" --registry "$URI" --no-pdf --until-empty -j 2 2>>"$WORK/workers.log"
    sleep 0.5
  done
  # Every worker that was not killed ended cleanly: only summary lines, no error, no sanitizer
  # report (the killed ones print nothing — except that a sanitizer build killed during its exit
  # leak check leaves LeakSanitizer's tracer saying it lost the thread, which is no report).
  odd=$(grep -v -e '^skillcert: worker [0-9]*: [0-9]* jobs\? in ' \
    -e '^==[0-9]*==Unable to get registers from thread [0-9]*\.$' "$WORK/workers.log" || true)
  [ -z "$odd" ] || { echo "$odd"; false; }

  [ "$(sql "SELECT count(*) FROM jobs WHERE state <> 'done'")" -eq 0 ]
  [ "$(sql "SELECT count(*) FROM jobs WHERE credential IS NULL")" -eq 0 ]
  # exactly one credential per learner
  [ "$(sql "SELECT count(*) FROM credentials")" -eq "$n" ]
  [ "$(sql "SELECT count(DISTINCT learner_id) FROM credentials")" -eq "$n" ]
  # no (list, index) used twice
  [ "$(sql "SELECT count(DISTINCT (status_list, status_index)) FROM credentials")" -eq "$n" ]
  # every credential's file present and byte for byte what the registry holds
  sc list --home "$WORK/home" --registry "$URI" --json >"$WORK/list.jsonl"
  $PYTHON - "$WORK/list.jsonl" "$n" <<'PY'
import hashlib, json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
assert len(rows) == int(sys.argv[2]), len(rows)
for row in rows:
    data = open(row["json_path"], "rb").read()
    assert hashlib.sha256(data).hexdigest() == row["sha256"], row["json_path"]
PY
  [ "$(find "$WORK/home/out" -name '*.json' ! -name '*.tmp.*' | wc -l)" -eq "$n" ]

  # every revocation made during the run is in the published lists
  [ "$(sort -u "$WORK/revoked" | wc -l)" -ge 3 ]
  sc publish --home "$WORK/home" --registry "$URI" >/dev/null
  sql "SELECT status_list, status_index FROM credentials WHERE status = 'revoked'" >"$WORK/slots"
  [ "$(wc -l <"$WORK/slots")" -eq "$(sort -u "$WORK/revoked" | wc -l)" ]
  $PYTHON - "$WORK/home/public/status" "$WORK/slots" <<'PY'
import base64, gzip, json, sys
for line in open(sys.argv[2]):
    lst, index = map(int, line.strip().split("|"))
    doc = json.load(open(f"{sys.argv[1]}/{lst}/revocation"))
    encoded = doc["credentialSubject"]["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert bits[index // 8] >> (7 - index % 8) & 1, (lst, index)
PY
}

@test "a worker takes jobs whose learners were issued before and reports them already issued" {
  command -v psql >/dev/null || skip "no psql (Debian package postgresql-client)"
  PG=$(mktemp -d)
  "$ROOT/tests/pg/cluster.sh" start "$PG" >/dev/null 2>&1 ||
    skip "no PostgreSQL cluster could start (tests/pg/cluster.sh; Debian package postgresql)"
  URI=$("$ROOT/tests/pg/cluster.sh" createdb "$PG" before)
  make_home
  printf 'name,email,id\n' >"$WORK/roster.csv"
  for i in 1 2 3 4 5 6; do printf 'Learner %s,l%s@example.org,L%s\n' "$i" "$i" "$i"; done >>"$WORK/roster.csv"
  head -4 "$WORK/roster.csv" >"$WORK/first.csv" # L1-L3 issued directly, without the queue
  sc issue --home "$WORK/home" --registry "$URI" --roster "$WORK/first.csv" --no-pdf >/dev/null
  sc issue --home "$WORK/home" --registry "$URI" --roster "$WORK/roster.csv" --queue --no-pdf >/dev/null
  run sc worker --home "$WORK/home" --registry "$URI" --no-pdf --until-empty
  [ "$status" -eq 0 ]
  [[ "$output" == *"6 jobs"*": 3 issued, 3 already issued, 0 repaired, 0 refused"* ]]
  [ "$(sql "SELECT count(*) FROM credentials")" -eq 6 ]
  [ "$(sql "SELECT count(*) FROM jobs WHERE state = 'done' AND credential IS NOT NULL")" -eq 6 ]
}

@test "a SQLite home refuses --queue and worker with exit 64, saying what to do instead" {
  make_home
  [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ] || skip "the home's registry is PostgreSQL here"
  printf 'name,email,id\nZoë,zoe@example.org,L1\n' >"$WORK/roster.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --queue --no-pdf
  [ "$status" -eq 64 ]
  [[ "$output" == *"--queue needs a PostgreSQL registry"*"issue the roster without --queue"* ]]
  [ ! -e "$WORK/home/out/manifest.csv" ] # nothing was issued
  run sc worker --home "$WORK/home" --no-pdf --once
  [ "$status" -eq 64 ]
  [[ "$output" == *"the queue needs a PostgreSQL registry"* ]]
  run sc issue --home "$WORK/home" --name X --email x@example.org --queue
  [ "$status" -eq 64 ]
  [[ "$output" == *"--queue"*"go with --roster"* ]]
}
