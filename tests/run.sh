#!/bin/sh
# Runs every test suite and ends with one line: "N passed, N failed".
# The lint suite (shellcheck and the bare-`!` check over every shell and bats file) runs first.
# Unit tests (cmocka, TAP output) and the end-to-end tests (bats, which include the HTTP
# service's) run in the normal and in the ASan+UBSan build: a leak, an overflow or undefined
# behaviour in the binary makes the test that ran it fail (ASAN_OPTIONS below). The layer check
# (scripts/check-layers.sh) reads the sanitizer build's archives.
set -u
cd "$(dirname "$0")/.." || exit 1
out=tests/out
mkdir -p "$out"
: >"$out/all.tap"
status=0

run_suite() { # name, command...
  name=$1
  shift
  echo "== $name" >&2
  "$@" >"$out/$name.tap" 2>"$out/$name.err" || status=1
  cat "$out/$name.tap" >>"$out/all.tap"
  grep -E '^not ok' "$out/$name.tap" >&2
  if ! grep -qE '^(ok|not ok)' "$out/$name.tap"; then
    echo "not ok - $name produced no test results" >>"$out/all.tap"
    cat "$out/$name.err" >&2
  fi
  return 0
}

export CMOCKA_MESSAGE_OUTPUT=TAP
# exitcode: a leak found at exit is a failing exit status, whatever the program returned.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite lint sh tests/lint.sh
for build in build build-san; do
  for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    run_suite "$(basename "$build")-$(basename "$t")" "$t"
  done
done
run_suite layers ./scripts/check-layers.sh build-san
if ls tests/e2e/*.bats >/dev/null 2>&1; then
  SKILLCERT="$PWD/build/skillcert" run_suite e2e bats --tap tests/e2e
  SKILLCERT="$PWD/build-san/skillcert" run_suite e2e-san bats --tap tests/e2e
  # The registry's end-to-end tests again with every home's registry in PostgreSQL.
  SKILLCERT="$PWD/build/skillcert" SKILLCERT_TEST_REGISTRY=postgresql run_suite e2e-postgresql \
    bats --tap tests/e2e/status_changes.bats tests/e2e/concurrency.bats tests/e2e/batch.bats \
    tests/e2e/batch_dictionary.bats \
    tests/e2e/mail.bats tests/e2e/claim.bats tests/e2e/wallets.bats
fi
# What an employer's phone shows after scanning: headless Chromium against `skillcert serve`.
SKILLCERT="$PWD/build/skillcert" run_suite browser sh tests/browser/run.sh

# cmocka writes a skipped test as "not ok N # SKIP", bats as "ok N name # skip reason": a skip
# is neither a pass nor a failure.
skipped=$(grep -ciE '^(not )?ok .*# skip' "$out/all.tap")
passed=$(grep -E '^ok' "$out/all.tap" | grep -civE '# skip')
failed=$(grep -E '^not ok' "$out/all.tap" | grep -civE '# skip')
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
