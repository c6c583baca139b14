#!/bin/sh
# Batch issuance: `skillcert issue --roster R --template ai-fundamentals -j 2` on a fresh home,
# for a roster of 1,000 rows and one of 10,000 (BENCH_BATCH_ROWS overrides the larger), with
# PDFs. Each run is timed by /usr/bin/time (wall seconds, peak RSS of the process), which
# covers the whole command: roster validation, issuing, the manifest and publishing the
# status lists it touched. Then build/bench/bench_batch (sc_batch_issue, -j 2) issues 100,000
# JSON-only credentials (BENCH_BATCH_JSON_ROWS) and 10,000 with PDFs (BENCH_BATCH_PDF_ROWS),
# each with its rate, the rate of its last tenth over its first tenth, and its peak RSS.
# Everything is written under build/bench-tmp (BENCH_BATCH_DIR): the machine's disk, not a
# tmpfs /tmp, so the syncs cost what they cost in use. No run's files are deleted until every
# run is measured (BENCH_KEEP_HOMES): on ext4 without a journal, creating files in the minutes
# after many were deleted is several times slower (docs/benchmarks.md, "Deleting skews the next
# run"), and a run would otherwise measure the previous run's cleanup. Prints, for bench/run.sh:
#   batch-1k-wall <s> s / batch-1k-rss <MB> MB / batch-10k-wall <s> s / batch-10k-rss <MB> MB
#   batch-rss-10k-vs-1k <RSS(10k) / RSS(1k)> x
#   batch-100k-json <cred/s> cred/s / batch-100k-json-flat <x> x / batch-100k-json-rss <MB> MB
#   batch-10k-pdf <cred/s> cred/s / batch-10k-pdf-flat <x> x / batch-10k-pdf-rss <MB> MB
# Usage: bench/batch.sh (from anywhere; needs build/skillcert and build/bench/bench_batch).
set -eu
cd "$(dirname "$0")/.."
bin=build/skillcert
jobs=${BENCH_BATCH_JOBS:-2}
big=${BENCH_BATCH_ROWS:-10000}
[ -x "$bin" ] || { echo "batch: $bin missing; run 'make'" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "batch: /usr/bin/time missing (Debian package 'time')" >&2; exit 1; }

base=${BENCH_BATCH_DIR:-$PWD/build/bench-tmp}
mkdir -p "$base"
work=$(mktemp -d "$base/skillcert-batch-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Names in Latin with diacritics, Cyrillic and Greek, so the fonts' fallbacks are exercised
# the way a real class list would.
make_roster() { # rows file
  awk -v rows="$1" 'BEGIN {
    split("Zoë Łukasiewicz|Дмитрий Иванов|Ada Lovelace|Νίκος Παπαδόπουλος|José Álvarez", names, "|")
    print "name,email,id"
    for (i = 1; i <= rows; i++)
      printf "%s %d,learner%d@example.org,L%07d\n", names[(i - 1) % 5 + 1], i, i, i
  }' > "$2"
}

# Prints "<wall s> <peak RSS KB>" of one run on a fresh home.
run_batch() { # rows label
  home="$work/home-$2"
  "$bin" init "$home" --name "Bench Academy" --url https://bench.example --no-passphrase >/dev/null
  make_roster "$1" "$work/roster-$2.csv"
  SKILLCERT_TEMPLATES="$PWD/templates" /usr/bin/time -o "$work/time-$2" -f '%e %M' \
    "$bin" issue --home "$home" --roster "$work/roster-$2.csv" --template ai-fundamentals \
    -j "$jobs" >/dev/null 2>"$work/stderr-$2" || {
    cat "$work/stderr-$2" >&2
    exit 1
  }
  issued=$(find "$home/out" -name '*.pdf' | wc -l)
  [ "$issued" -eq "$1" ] || { echo "batch: $2: $issued PDFs for $1 rows" >&2; exit 1; }
  cat "$work/time-$2"
}

small=$(run_batch 1000 1k)
large=$(run_batch "$big" 10k)
echo "$small $large" | awk '{
  printf "batch-1k-wall %.1f s\n", $1
  printf "batch-1k-rss %.1f MB\n", $2 / 1024
  printf "batch-10k-wall %.1f s\n", $3
  printf "batch-10k-rss %.1f MB\n", $4 / 1024
  printf "batch-rss-10k-vs-1k %.3f x\n", $4 / $2
}'
# The pipeline alone, at scale: rate, flatness, memory (bench/bench_batch.c).
[ -x build/bench/bench_batch ] || { echo "batch: build/bench/bench_batch missing; run 'make bench'" >&2; exit 1; }
export BENCH_KEEP_HOMES=1
TMPDIR="$work" build/bench/bench_batch batch-100k-json "${BENCH_BATCH_JSON_ROWS:-100000}" json "$jobs"
TMPDIR="$work" build/bench/bench_batch batch-10k-pdf "${BENCH_BATCH_PDF_ROWS:-10000}" pdf "$jobs"
