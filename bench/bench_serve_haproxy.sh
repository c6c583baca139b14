#!/bin/sh
# serve-haproxy: `skillcert serve` scaled out, as docs/deploy.md deploys it: N identical serve
# processes behind HAProxy (round robin, keep-alive to the backends), under wrk on loopback
# against POST /credentials/verify with one fixed credential. Measures 1 process behind
# HAProxy, then 2, and prints the rates and rate(2)/rate(1).
#   bench serve-haproxy-1 <req/s> req/s ratio 1.00 vs serve-haproxy-1
#   bench serve-haproxy-2 <req/s> req/s ratio <r> vs serve-haproxy-1
# Each serve runs HAPROXY_SERVE_THREADS threads (default 1: one process is then one core's
# worth, and the ratio shows what a second process adds). wrk, HAProxy and the serve
# processes share the machine's cores: on 2 cores the ratio is far below 2 (docs/benchmarks.md).
# HAPROXY_SECONDS (default 10) per measurement.
set -eu
cd "$(dirname "$0")/.."
. scripts/listening-url.sh
seconds=${HAPROXY_SECONDS:-10}
threads=${HAPROXY_SERVE_THREADS:-1}
for tool in wrk haproxy; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (make test-deps)" >&2; exit 1; }
done
work=$(mktemp -d)
pids=""
cleanup() {
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
unset SKILLCERT_PASSPHRASE_FILE SKILLCERT_TRUST SKILLCERT_HOME
s=build/skillcert
$s init "$work/home" --name "Bench Academy" --url https://bench.example --no-passphrase >/dev/null
json=$($s issue --home "$work/home" --name "Zoë Bench" --email b@example.org \
  --template ai-fundamentals --no-pdf | sed -n 1p)
printf '{"verifiableCredential": %s, "options": {}}' "$(cat "$json")" >"$work/body.json"

cat >"$work/post.lua" <<LUA
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %d\n", summary.requests / (summary.duration / 1e6),
    e.status + e.connect + e.read + e.write + e.timeout))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA

# A free loopback port for HAProxy (bound, read, closed: the race with another program is
# accepted in a benchmark).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts N serve processes and HAProxy in front of them; prints HAProxy's URL.
start_cluster() { # n
  i=0
  backends=""
  while [ "$i" -lt "$1" ]; do
    $s serve --home "$work/home" --offline --quiet --threads "$threads" \
      --max-connections-per-ip 512 --listen 127.0.0.1:0 >"$work/serve$i.out" 2>/dev/null &
    pids="$pids $!"
    url=$(listening_url "$work/serve$i.out")
    [ -n "$url" ] || { echo "bench: serve $i did not start" >&2; exit 1; }
    backends="$backends    server s$i ${url#http://} check inter 2s
"
    i=$((i + 1))
  done
  port=$(free_port)
  cat >"$work/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    option http-keep-alive
    http-reuse always
frontend verify
    bind 127.0.0.1:$port
    default_backend serve
backend serve
    balance roundrobin
    option httpchk GET /healthz
$backends
CFG
  haproxy -q -db -f "$work/haproxy.cfg" &
  pids="$pids $!"
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.05
  done
  echo "http://127.0.0.1:$port"
}

stop_cluster() {
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  pids=""
}

measure() { # url; prints "rate errors"
  wrk -t2 -c50 -d"${seconds}s" -s "$work/post.lua" "$1/credentials/verify" | sed -n 's/^RESULT //p'
}

one=$(measure "$(start_cluster 1)")
stop_cluster
two=$(measure "$(start_cluster 2)")
stop_cluster
echo "# serve-haproxy: $(nproc) cores shared by wrk (2 threads), HAProxy (1 thread) and the serve processes ($threads thread(s) each)"
echo "$one $two" | awk '{
  printf "bench serve-haproxy-1 %s req/s ratio 1.00 vs serve-haproxy-1\n", $1
  printf "bench serve-haproxy-2 %s req/s ratio %.2f vs serve-haproxy-1\n", $3, $3 / $1
  printf "bench serve-haproxy-errors %d count ratio %d vs zero\n", $2 + $4, $2 + $4 }'
