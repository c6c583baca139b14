#!/bin/sh
# Runs every libFuzzer target in build-fuzz/ (built by `make fuzz`) for FUZZ_SECONDS each,
# all targets at the same time (one process each), then prints per target the executions,
# the corpus size and the findings. Exits 1 when any target found something.
#
# Seeds: tests/fuzz/corpus/<target>/ (read only). New inputs go to build-fuzz/corpus/<target>/,
# crashes, leaks, timeouts and out-of-memory inputs to build-fuzz/findings/<target>/; a
# finding worth keeping is copied to tests/fuzz/regressions/ (replayed by `make test`).
# Extra libFuzzer flags can be passed in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-max_len=8192).
set -u
cd "$(dirname "$0")/../.." || exit 1
seconds=${FUZZ_SECONDS:-600}
out=build-fuzz

targets=""
for bin in "$out"/fuzz_*; do
  case "$bin" in *.o) continue ;; esac
  [ -x "$bin" ] && targets="$targets $(basename "$bin")"
done
if [ -z "$targets" ]; then
  echo "fuzz: no targets in $out/; run 'make fuzz'" >&2
  exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

dict_for() { # target: its own dictionary when it has one
  if [ -f "tests/fuzz/$1.dict" ]; then echo "tests/fuzz/$1.dict"; else echo tests/fuzz/json.dict; fi
}

for t in $targets; do
  mkdir -p "$out/corpus/$t" "$out/findings/$t"
  echo "fuzz: $t for ${seconds}s (log: $out/$t.log)"
  # -fork-less single process: stops at the first finding, which is what a CI run wants.
  # FUZZ_FLAGS holds several flags, so it is split into words on purpose.
  # shellcheck disable=SC2086
  "$out/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$(dict_for "$t")" -artifact_prefix="$out/findings/$t/" ${FUZZ_FLAGS:-} \
    "$out/corpus/$t" "tests/fuzz/corpus/$t" >"$out/$t.log" 2>&1 &
done
wait

status=0
for t in $targets; do
  log="$out/$t.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  corpus=$(find "$out/corpus/$t" -mindepth 1 -maxdepth 1 | wc -l)
  seeds=$(find "tests/fuzz/corpus/$t" -mindepth 1 -maxdepth 1 | wc -l)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
  findings=$(find "$out/findings/$t" -mindepth 1 -maxdepth 1 | wc -l)
  echo "fuzz $t executions ${runs:-?} seconds ${secs:-?} seeds $seeds new-corpus $corpus ${cov:-cov: ?} findings $findings"
  if [ "$findings" -ne 0 ]; then
    status=1
    find "$out/findings/$t" -mindepth 1 -maxdepth 1 | sed 's|^|  |'
    grep -E '^(==[0-9]+==ERROR|SUMMARY)' "$log" | sed 's/^/  /'
  fi
done
exit $status
