#!/bin/sh
# Benchmarks skillcert against `openssl speed ed25519` on the same machine, in the same run.
# Prints one comment line about the machine, then one line per measurement:
#   bench <name> <value> <unit> ratio <r> vs <reference>
# BENCH_SECONDS (default 3) sets how long each measurement runs. Built by `make bench`.
set -eu
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-3}
export BENCH_SECONDS="$seconds"
for bin in build/bench/bench_issue build/bench/bench_verify build/bench/bench_serve_handler \
  build/bench/bench_serve_floor; do
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
handler_out=$(build/bench/bench_serve_handler)
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
echo "$handler_out" | with_ratio openssl-ed25519-verify "$verify"
./bench/bench_serve.sh "$verify"
./bench/bench_serve_haproxy.sh

# ---- issues 3 and 4: certificates, status checks, batches, publishing (docs/benchmarks.md) ----
# Measured after the openssl reference (so the long batch runs do not split it). PDF and status
# figures come with a ratio to their target and, on a comment line, to openssl; batch and
# publish figures with a ratio to their target only (value / target: below 1 is better for
# times and memory, above 1 better for rates).
for bin in build/bench/bench_pdf build/bench/bench_status build/bench/bench_publish build/skillcert; do
  [ -x "$bin" ] || { echo "bench: $bin missing; run 'make bench'" >&2; exit 1; }
done
# Reads "<name> <value> <unit>" lines; prints those named $1 with the ratio value / $2 vs $3.
vs_target() { # name target reference-name
  awk -v name="$1" -v target="$2" -v ref="$3" \
    '$1 == name { printf "bench %s %s %s ratio %.2f vs %s\n", $1, $2, $3, $2 / target, ref }'
}
pdf_out=$(build/bench/bench_pdf)
status_out=$(build/bench/bench_status)
publish_out=$(build/bench/bench_publish)
# The workers' comparison before batch.sh, which deletes its 110,000 files at its exit: file
# creation right after such a deletion costs two to three times the CPU (ext4's recently_deleted,
# docs/benchmarks.md), and in `make bench` on 2026-12-05 it cut the two workers to 0.480 x.
worker_out=$(bench/worker.sh)
batch_out=$(bench/batch.sh)
echo "$pdf_out" | awk -v rate="$sign" '$3 == "cert/s" { printf "# %s %s %s = %.4f x openssl-ed25519-sign\n", $1, $2, $3, $2 / rate }'
echo "$pdf_out" | awk '$3 != "cert/s" { printf "# %s %s %s (one core: the kernel'"'"'s share of it)\n", $1, $2, $3 }'
echo "$pdf_out" | vs_target issue-pdf-latin 250 target-250
echo "$pdf_out" | vs_target issue-pdf-cyrillic 250 target-250
echo "$pdf_out" | vs_target issue-pdf-devanagari 250 target-250
echo "$pdf_out" | vs_target issue-pdf-cjk 250 target-250
echo "$status_out" | with_ratio openssl-ed25519-verify "$verify"
echo "$publish_out" | grep '^#' || true
echo "$publish_out" | vs_target publish-1m-wall 5 target-5s
echo "$publish_out" | vs_target publish-1m-rss 100 target-100MB
echo "$batch_out" | vs_target batch-1k-wall 6 target-6s
echo "$batch_out" | vs_target batch-1k-rss 200 target-200MB
echo "$batch_out" | vs_target batch-10k-wall 60 target-60s
echo "$batch_out" | vs_target batch-10k-rss 200 target-200MB
echo "$batch_out" | vs_target batch-rss-10k-vs-1k 1.10 target-1.10
# Issue 13: batches at the speed of the CPU (docs/benchmarks.md "Batches at the speed of the CPU").
echo "$batch_out" | awk '$1 == "batch-100k-json"' | with_ratio openssl-ed25519-sign "$sign"
echo "$batch_out" | awk -v rate="$sign" '$1 == "batch-100k-json" { printf "# batch-100k-json target: ratio >= 0.40 vs openssl-ed25519-sign (%.0f cred/s here)\n", 0.4 * rate }'
echo "$batch_out" | awk -v rate="$sign" '$1 ~ /-cpu-bound$/ { printf "# %s %s cred/s = %.2f x openssl-ed25519-sign: the rate at this CPU cost on 2 idle cores (openssl speed, too, divides by CPU time)\n", $1, $2, $2 / rate }'
echo "$batch_out" | vs_target batch-10k-pdf 450 target-450
echo "$batch_out" | vs_target batch-100k-json-flat 0.9 target-0.9
echo "$batch_out" | vs_target batch-10k-pdf-flat 0.9 target-0.9
echo "$batch_out" | vs_target batch-100k-json-rss 200 target-200MB
echo "$batch_out" | vs_target batch-10k-pdf-rss 200 target-200MB
# Issue 13 §2: two workers against one PostgreSQL beside one SQLite process (bench/worker.sh,
# run above).
echo "$worker_out" | grep '^#' || true
echo "$worker_out" | awk '$1 !~ /^#/ && $1 != "worker-2-postgres-vs-sqlite" { printf "bench %s %s %s\n", $1, $2, $3 }'
echo "$worker_out" | vs_target worker-2-postgres-vs-sqlite 0.9 target-0.9
# ---- end of issues 3 and 4 ----

# ---- issue 13: signing in a PKCS#11 token (SoftHSM2) beside a key file and openssl speed ----
[ -x build/bench/bench_pkcs11 ] || { echo "bench: build/bench/bench_pkcs11 missing; run 'make bench'" >&2; exit 1; }
before=$(openssl_rates)
pkcs11_out=$(build/bench/bench_pkcs11)
after=$(openssl_rates)
sign=$(echo "$before $after" | awk '{ printf "%.1f", ($1 + $3) / 2 }')
echo "# openssl speed ed25519 sign/s around the pkcs11 run: before $before, after $after"
echo "$pkcs11_out" | grep '^#' || true
echo "$pkcs11_out" | grep -v '^#' | with_ratio openssl-ed25519-sign "$sign"

# ---- issue 11: JSON-LD, RDFC-1.0 and eddsa-rdfc-2022, beside the Node Digital Bazaar stack ----
# bench_rdfc canonicalizes, signs and verifies an issued credential with eddsa-rdfc-2022; the
# Node peer (bench/node: jsonld, rdf-canonize, @digitalbazaar/vc at pinned versions, installed
# from the npm registry into build/node-peer) does the same with the same contexts, in the same
# run, bracketed by openssl as above.
[ -x build/bench/bench_rdfc ] || { echo "bench: build/bench/bench_rdfc missing; run 'make bench'" >&2; exit 1; }
before=$(openssl_rates)
rdfc_out=$(build/bench/bench_rdfc)
build/bench/bench_rdfc --signed >build/bench/signed-rdfc.json
node_out=""
if command -v node >/dev/null && command -v npm >/dev/null; then
  mkdir -p build/node-peer
  cp bench/node/package.json bench/node/node_rdfc.mjs build/node-peer/
  if (cd build/node-peer && npm install --no-audit --no-fund --silent >/dev/null 2>&1); then
    node_out=$(node build/node-peer/node_rdfc.mjs contexts build/bench/signed-rdfc.json "$seconds") ||
      node_out=""
  fi
fi
after=$(openssl_rates)
verify=$(echo "$before $after" | awk '{ printf "%.1f", ($2 + $4) / 2 }')
echo "# openssl speed ed25519 verify/s around the rdfc run: before $before, after $after"
echo "$rdfc_out" | with_ratio openssl-ed25519-verify "$verify"
if [ -n "$node_out" ]; then
  echo "$node_out" | with_ratio openssl-ed25519-verify "$verify"
  # skillcert / Node on the same work: above 1 means skillcert is faster.
  for name in rdfc-canon verify-json-rdfc; do
    ours=$(echo "$rdfc_out" | awk -v n="$name" '$1 == n { print $2 }')
    theirs=$(echo "$node_out" | awk -v n="node-$name" '$1 == n { print $2 }')
    echo "$name-vs-node $ours $theirs" | awk '{ printf "bench %s %.1f x ratio %.2f vs %s\n", $1, $2 / $3, $2 / $3, "node-digital-bazaar" }'
  done
else
  echo "# node peer not measured (node or npm missing, or the npm install failed)"
fi
