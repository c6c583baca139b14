#!/bin/sh
# serve-verify: `skillcert serve` under wrk on loopback (10 s, 2 threads, 50 connections)
# against POST /credentials/verify, GET /V/<payload> and the learner's claim page GET
# /claim/<token> (with its CPU per request against the verify page's). Prints bench lines:
#   requests/s with the ratio to twice the openssl Ed25519 verify rate (two cores), p99
#   latency with the ratio to the 20 ms target, and the count of errors and non-2xx answers.
# Then the same load against build/bench/bench_serve_floor (jansson's parse of the body and one
# Ed25519 verification, nothing else): serve-floor-api is the most any verifier built on these
# libraries reaches on this machine, and serve-verify-api-vs-floor how much of it serve gets.
# Usage: bench/bench_serve.sh OPENSSL_VERIFY_RATE   (bench/run.sh passes it)
# SERVE_SECONDS (default 10) and SERVE_FLAGS (extra serve options, e.g. --thread-per-connection).
set -eu
cd "$(dirname "$0")/.."
. scripts/listening-url.sh
rate=${1:?usage: bench_serve.sh OPENSSL_VERIFY_RATE}
seconds=${SERVE_SECONDS:-10}
command -v wrk >/dev/null || { echo "bench: wrk missing (make deps)" >&2; exit 1; }
work=$(mktemp -d)
server=""
floor=""
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "$floor" ] && kill -TERM "$floor" 2>/dev/null && wait "$floor" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
unset SKILLCERT_PASSPHRASE_FILE SKILLCERT_TRUST SKILLCERT_HOME
s=build/skillcert
$s init "$work/home" --name "Bench Academy" --url https://bench.example --no-passphrase >/dev/null
# --qr embed: the page of a QR code that holds the whole credential (the heavier page; the
# shipped templates print link codes by default, whose /C/ page reads public/c/).
paths=$($s issue --home "$work/home" --name "Zoë Bench" --email b@example.org --template ai-fundamentals \
  --qr embed)
json=$(echo "$paths" | sed -n 1p)
pdf=$(echo "$paths" | sed -n 2p)
pdftoppm -r 150 -png -singlefile "$pdf" "$work/page"
qr=$(zbarimg -q --raw "$work/page.png" 2>/dev/null | head -n 1)
printf '{"verifiableCredential": %s, "options": {}}' "$(cat "$json")" >"$work/body.json"

# shellcheck disable=SC2086
$s serve --home "$work/home" --offline --quiet --listen 127.0.0.1:0 ${SERVE_FLAGS:-} >"$work/out" 2>"$work/err" &
server=$!
base=$(listening_url "$work/out")

# wrk reports through done(): requests/s, p99 in ms, non-2xx answers, socket errors, requests.
cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.3f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout,
    summary.requests))
end
LUA
cat "$work/report.lua" >"$work/post.lua"
cat >>"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

# CPU seconds (user + system) the process has used so far.
cpu_seconds() { # pid
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# Prints the rate, p99 and errors, and the server's CPU time per request (steadier than the
# rate on a shared machine) in units of one openssl verification; leaves the latter in $cpu.
measure() { # name script url server-pid
  before=$(cpu_seconds "$4")
  result=$(wrk -t2 -c50 -d"${seconds}s" -s "$2" "$3" | sed -n 's/^RESULT //p')
  after=$(cpu_seconds "$4")
  cpu=$(echo "$result $before $after" | awk '{ printf "%.1f", ($7 - $6) * 1e6 / $5 }')
  echo "$result $cpu" | awk -v name="$1" -v rate="$rate" '{
    printf "bench %s %s req/s ratio %.2f vs 2x-openssl-ed25519-verify\n", name, $1, $1 / (2 * rate)
    printf "bench %s-p99 %s ms ratio %.2f vs target-20ms\n", name, $2, $2 / 20
    printf "bench %s-errors %d count ratio %d vs zero\n", name, $3 + $4, $3 + $4
    printf "bench %s-cpu %s us/req ratio %.2f vs openssl-ed25519-verify-time\n", name, $6, $6 * rate / 1e6 }'
}

measure serve-verify-api "$work/post.lua" "$base/credentials/verify" "$server"
api_cpu=$cpu
measure serve-verify-page "$work/report.lua" "$base/V/${qr#*/V/}" "$server"
page_cpu=$cpu
# The learner's claim page of the same credential: the verdict as above, plus the registry
# lookup (a handle from serve's pool) and the page with its downloads and the template's logo.
claim=$($s claim link --home "$work/home" "$(basename "$json" .json)" 2>/dev/null | grep -o '/claim/[A-Za-z0-9_-]*' | head -n 1)
[ -n "$claim" ] || { echo "bench: no claim link" >&2; exit 1; }
measure serve-claim-page "$work/report.lua" "$base$claim" "$server"
echo "$cpu $page_cpu" | awk '{ printf "bench serve-claim-page-vs-verify-page %.2f x ratio %.2f vs serve-verify-page-cpu\n", $1 / $2, $1 / $2 }'
kill -TERM "$server" && wait "$server" 2>/dev/null
server=""

build/bench/bench_serve_floor >"$work/floor" &
floor=$!
measure serve-floor-api "$work/post.lua" "$(listening_url "$work/floor")/credentials/verify" "$floor"
echo "$cpu $api_cpu" | awk '{ printf "bench serve-verify-api-vs-floor %.2f share ratio %.2f vs serve-floor-api-cpu\n", $1 / $2, $1 / $2 }'
