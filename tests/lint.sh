#!/bin/sh
# The lint suite of `make test` (tests/run.sh): shellcheck over every shell script, bats file and
# bats helper, and a check that no bats file uses a bare `!` command. Prints TAP, one line per
# file.
#
# Why the `!` check: bats runs a test under `set -e`, and bash's errexit ignores the status of a
# command negated with `!`, so `! grep -q secret file` in the middle of a test (or of a helper
# it calls) passes whatever grep finds. shellcheck flags it only in the body of a @test
# (SC2314), not in helpers. Write `run ! cmd`, or a `[ ... ]` test, instead.
#
# Settings: shell scripts are checked in the dialect of their shebang; .bats files in shellcheck's
# bats dialect (their `#!/usr/bin/env bats` line); .bash helpers, which have no shebang, carry a
# `# shellcheck shell=bash` directive. tests/e2e/.shellcheckrc says which checks are off there
# and why. -x follows `. file` where a `# shellcheck source=` directive names the file.
set -u
cd "$(dirname "$0")/.." || exit 1

# Every file to check, one per line (no file name here contains a newline).
files() {
  find scripts bench tests .ci -path tests/vectors -prune -o -path tests/out -prune -o \
    -type f \( -name '*.sh' -o -name '*.bats' -o -name '*.bash' -o -path .ci/run \) -print |
    sort
}

# Prints "LINE: TEXT" for each line of a .bats/.bash file, outside here-documents, that starts
# with a `!` command. (After `&&` on the line before it would be ignored by errexit just the same.)
bare_bangs() {
  awk '
    heredoc != "" { if ($0 ~ "^\t*" heredoc "$") heredoc = ""; next }
    {
      if (match($0, /<<-?[ \t]*["\047]?[A-Za-z_][A-Za-z_0-9]*["\047]?/)) {
        tag = substr($0, RSTART, RLENGTH)
        gsub(/<<-?[ \t]*|["\047]/, "", tag)
      } else tag = ""
      if ($0 ~ /^[ \t]*![ \t]/) print FNR ": " $0
      if (tag != "") heredoc = tag
    }' "$1"
}

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "1..1"
  echo "not ok 1 - lint: shellcheck is not installed (scripts/debian-packages lists it)"
  exit 1
fi

total=$(files | wc -l)
echo "1..$total"
n=0
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for f in $(files); do
  n=$((n + 1))
  case $f in
    *.bash) shellcheck -x -s bash "$f" >"$log" 2>&1 ;;
    *) shellcheck -x "$f" >"$log" 2>&1 ;;
  esac
  sc=$?
  case $f in
    *.bats | *.bash) bare_bangs "$f" | sed 's/^/bare ! (asserts nothing; use run ! or [ ... ]): line /' >>"$log" ;;
  esac
  if [ "$sc" -eq 0 ] && [ ! -s "$log" ]; then
    echo "ok $n - lint $f"
  else
    echo "not ok $n - lint $f"
    sed 's/^/# /' "$log"
    status=1
  fi
done
exit $status
