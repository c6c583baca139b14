#!/bin/sh
# Benchmarks skillcert against `openssl speed ed25519` on the same machine, in the same run.
# Prints one comment line about the machine, then one line per measurement:
#   bench <name> <value> <unit> ratio <r> vs <reference>
# BENCH_SECONDS (default 3) sets how long each measurement runs. Built by `make bench`.
set -eu
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-3}
export BENCH_SECONDS="$seconds"
for bin in build/bench/bench_issue build/bench/bench_verify; do
  [ -x "$bin" ] || { echo "bench: $bin missing; run 'make bench'" >&2; exit 1; }
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "# nproc $(nproc) cpu ${cpu:-unknown} $(openssl version | cut -d' ' -f1-2) $(date -u +%Y-%m-%dT%H:%M:%SZ)"

# The table ends with: " 253 bits EdDSA (Ed25519)   0.0001s   0.0001s  19673.7   7750.0"
# (sign s, verify s, sign/s, verify/s). Prints "sign/s verify/s".
openssl_rates() {
  openssl speed -seconds "$seconds" ed25519 2>/dev/null |
    awk '/EdDSA \(Ed25519\)/ { print $(NF-1), $NF }'
}

# Shared machines drift by 10-20 % within a minute, so openssl runs before and after ours
# and the reference is the mean of the two.
before=$(openssl_rates)
issue=$(build/bench/bench_issue)
verify_out=$(build/bench/bench_verify)
after=$(openssl_rates)
if [ -z "$before" ] || [ -z "$after" ]; then
  echo "bench: could not read Ed25519 rates from 'openssl speed'" >&2
  exit 1
fi
echo "# openssl speed ed25519 sign/s verify/s: before $before, after $after"
sign=$(echo "$before $after" | awk '{ printf "%.1f", ($1 + $3) / 2 }')
verify=$(echo "$before $after" | awk '{ printf "%.1f", ($2 + $4) / 2 }')

# Reads "<name> <value> <unit>" lines and prints them with the ratio to reference.
with_ratio() { # reference-name reference-rate
  awk -v ref="$1" -v rate="$2" '{ printf "bench %s %s %s ratio %.2f vs %s\n", $1, $2, $3, $2 / rate, ref }'
}

echo "openssl-ed25519-sign $sign sign/s" | with_ratio openssl-ed25519-sign "$sign"
echo "openssl-ed25519-verify $verify verify/s" | with_ratio openssl-ed25519-verify "$verify"
# The benchmarks' output was captured above, so a failing one stops the run (set -e).
echo "$issue" | with_ratio openssl-ed25519-sign "$sign"
echo "$verify_out" | with_ratio openssl-ed25519-verify "$verify"
