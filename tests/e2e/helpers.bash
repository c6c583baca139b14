# Shared by the end-to-end tests: a fresh temporary folder per test and the binary under test.
# shellcheck shell=bash
# The variables set here (VECTORS, PYTHON, CRED, …) are read by the .bats files that load this.
# shellcheck disable=SC2034
# `run ! cmd` (a command that must fail) needs bats 1.5.
bats_require_minimum_version 1.5.0
SKILLCERT=${SKILLCERT:-$BATS_TEST_DIRNAME/../../build/skillcert}
ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
VECTORS=${SKILLCERT_VECTORS:-$ROOT/tests/vectors}
# Debian's python3 has python3-jsonschema; a pyenv python on PATH may not.
PYTHON=/usr/bin/python3

# Every test runs in a fresh $WORK. A file with a setup() of its own calls work_setup first.
work_setup() {
  WORK=$(mktemp -d)
  export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/cache
  unset SKILLCERT_PASSPHRASE_FILE SKILLCERT_TRUST SKILLCERT_HOME
  cd "$WORK" || return 1
}

setup() {
  work_setup
}

teardown() {
  rm -rf "$WORK"
}

sc() {
  "$SKILLCERT" "$@"
}

# An issuer home without a passphrase, at $WORK/home.
# HOME_FLAGS: more init options, e.g. --suspension in the files that suspend credentials.
make_home() {
  # shellcheck disable=SC2086 # HOME_FLAGS is a list of options
  sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example --no-passphrase \
    ${HOME_FLAGS:-} >/dev/null
  use_test_registry "$WORK/home"
}

# SKILLCERT_TEST_REGISTRY=postgresql (make test runs the registry's files a second time so):
# every home these tests make keeps its registry in a new database of a throwaway PostgreSQL
# cluster (tests/pg/cluster.sh), started once per file.
if [ "${SKILLCERT_TEST_REGISTRY:-}" = postgresql ]; then
  setup_file() {
    PG_DIR=$(mktemp -d)
    export PG_DIR
    "$ROOT/tests/pg/cluster.sh" start "$PG_DIR" >/dev/null
  }
  teardown_file() {
    "$ROOT/tests/pg/cluster.sh" stop "$PG_DIR"
    rm -rf "$PG_DIR"
  }
fi

# With SKILLCERT_TEST_REGISTRY=postgresql, points the home at a new database ("registry").
use_test_registry() { # home
  [ "${SKILLCERT_TEST_REGISTRY:-}" = postgresql ] || return 0
  local uri
  uri=$("$ROOT/tests/pg/cluster.sh" createdb "$PG_DIR" "t$(date +%s%N)")
  $PYTHON - "$1/skillcert.json" "$uri" <<'PY'
import json, sys
path, uri = sys.argv[1], sys.argv[2]
config = json.load(open(path))
config["registry"] = uri
json.dump(config, open(path, "w"), indent=2)
PY
}

# Issues one credential and sets CRED to its path.
issue_one() {
  CRED=$(sc issue --home "$WORK/home" --name "${1:-Zoë Łukasiewicz}" --email zoe@example.org \
    --achievement "${2:-$ROOT/templates/ai-fundamentals/achievement.json}")
}

# The ASan+UBSan build (make test builds it before the e2e tests): leaks and undefined
# behaviour on a path make it exit 1 instead of the code under test.
SKILLCERT_SAN=${SKILLCERT_SAN:-$ROOT/build-san/skillcert}
sc_san() {
  [ -x "$SKILLCERT_SAN" ] || skip "no sanitizer build ($SKILLCERT_SAN)"
  ASAN_OPTIONS=detect_leaks=1 "$SKILLCERT_SAN" "$@"
}

# A CSV roster of N learners in $WORK/roster.csv (ids L-00000…; names in several scripts).
roster() { # N: a CSV roster of N learners in $WORK/roster.csv
  $PYTHON - "$1" >"$WORK/roster.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("id,name,email")
names = ["Zoë Łukasiewicz", "Дмитрий Иванов", "Ελένη Παπαδοπούλου", "Nguyễn Thị Minh Khai", "José Álvarez"]
for i in range(n):
    print(f"L-{i:05d},{names[i % len(names)]} {i},learner{i}@example.org")
PY
}

# Runs a check until it passes, for up to 5 s, then once more for its status: for what a
# server does just after its reply (its log line is written once the response is sent), which a
# busy machine (the sanitizer build) may delay past any fixed sleep.
eventually() {
  local _
  for _ in $(seq 50); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}
