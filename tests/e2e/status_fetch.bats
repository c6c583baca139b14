#!/usr/bin/env bats
# Revocation over the network: an issuer home whose publicUrl is a loopback HTTP server
# (tests/e2e/status_server.py serving $WORK), status lists fetched with libcurl, the cache,
# --offline, --home, and HTTPS-only unless --allow-http (docs/status.md).
load helpers
# These tests suspend credentials: their homes give credentials a suspension entry.
export HOME_FLAGS=--suspension

# Serves $WORK at http://127.0.0.1:$PORT/ (the home's public/ is then .../home/public).
start_server() {
  $PYTHON "$ROOT/tests/e2e/status_server.py" "$WORK" >"$WORK/port" 2>/dev/null &
  SERVER_PID=$!
  for _ in $(seq 50); do
    [ -s "$WORK/port" ] && break
    sleep 0.1
  done
  PORT=$(cat "$WORK/port")
  [ -n "$PORT" ]
}

stop_server() {
  if [ -n "${SERVER_PID:-}" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

teardown() {
  stop_server
  rm -rf "$WORK"
}

# A home published at the loopback server; issues one credential (CRED, ID) and publishes
# its lists; its issuer is trusted.
served_home() {
  start_server
  make_home
  $PYTHON - "$WORK/home/skillcert.json" "http://127.0.0.1:$PORT/home/public" <<'PY'
import json, sys
path, url = sys.argv[1], sys.argv[2]
config = json.load(open(path))
config["publicUrl"] = url
json.dump(config, open(path, "w"), indent=2)
PY
  issue_one
  ID=$(basename "$CRED" .json)
  sc publish --home "$WORK/home" >/dev/null
  did=$(grep -o 'did:key:z6Mk[1-9A-HJ-NP-Za-km-z]*' "$WORK/home/skillcert.json" | head -n 1)
  sc trust add "$did" --name "Acme AI Academy" >/dev/null
  grep -q "\"statusListCredential\": \"http://127.0.0.1:$PORT/home/public/status/" "$CRED"
}

@test "status lists are fetched over http with --allow-http: active, then revoked" {
  served_home
  run sc verify --allow-http "$CRED"
  [ "$status" -eq 0 ]
  [[ "$output" == *"not revoked or suspended (2 lists checked)"* ]]
  sc revoke "$ID" --reason "issued in error" --home "$WORK/home" >/dev/null
  rm -rf "$XDG_CACHE_HOME" # the copy fetched above stays fresh until its validUntil
  run sc verify --allow-http "$CRED"
  [ "$status" -eq 2 ]
  [[ "$output" == *"revoked (list http://127.0.0.1:$PORT/home/public/status/1/revocation, index "*", from network)"* ]]
}

@test "a suspended credential exits 3" {
  served_home
  sc suspend "$ID" --reason "under review" --home "$WORK/home" >/dev/null
  run sc verify --allow-http "$CRED"
  [ "$status" -eq 3 ]
  [[ "$output" == *"suspended (list http://127.0.0.1:$PORT/home/public/status/1/suspension"* ]]
}

@test "without --allow-http an http:// status list is not fetched (exit 6)" {
  served_home
  run sc verify "$CRED"
  [ "$status" -eq 6 ]
  [[ "$output" == *"only https:// is allowed"* ]]
  [ ! -d "$XDG_CACHE_HOME/skillcert" ] || [ -z "$(ls "$XDG_CACHE_HOME/skillcert")" ]
}

@test "fetched lists are cached under their URL's SHA-256 and reused offline" {
  served_home
  sc revoke "$ID" --reason "issued in error" --home "$WORK/home" >/dev/null
  sc verify --allow-http "$CRED" >/dev/null || [ $? -eq 2 ]
  url="http://127.0.0.1:$PORT/home/public/status/1/revocation"
  name=$(printf '%s' "$url" | sha256sum | cut -d' ' -f1)
  [ -f "$XDG_CACHE_HOME/skillcert/$name" ]
  [ "$(stat -c %a "$XDG_CACHE_HOME/skillcert")" = 700 ]
  stop_server
  run sc verify --offline "$CRED"
  [ "$status" -eq 2 ]
  [[ "$output" == *"from cache, fetched "*" ago)"* ]]
}

@test "offline without a cached copy exits 6" {
  served_home
  run sc verify --offline "$CRED"
  [ "$status" -eq 6 ]
  [[ "$output" == *"offline and http://127.0.0.1:$PORT/home/public/status/1/"*" is not in the cache"* ]]
}

@test "an unreachable status server exits 6 with the reason" {
  served_home
  stop_server
  run sc verify --allow-http "$CRED"
  [ "$status" -eq 6 ]
  [[ "$output" == *"http://127.0.0.1:$PORT/home/public/status/1/"* ]]
}

@test "--home and --status read the lists from public/ without the network" {
  served_home
  sc revoke "$ID" --reason "issued in error" --home "$WORK/home" >/dev/null
  stop_server
  run sc verify --home "$WORK/home" "$CRED"
  [ "$status" -eq 2 ]
  [[ "$output" == *"from home $WORK/home/public/status/1/revocation"* ]]
  run sc verify --status "$WORK/home/public" --offline "$CRED"
  [ "$status" -eq 2 ]
  [[ "$output" == *"from file $WORK/home/public/status/1/revocation"* ]]
}

@test "a cached list past its validUntil is not trusted" {
  served_home
  sc publish --home "$WORK/home" --ttl 3 >/dev/null # lists valid for three seconds
  run sc verify --allow-http "$CRED" # fills the cache with a list that is still valid
  [ "$status" -eq 0 ] || skip "the machine took more than 3 s to verify: $output"
  stop_server
  sleep 4
  run sc verify --offline "$CRED"
  [ "$status" -eq 6 ]
  [[ "$output" == *"status list expired on "*"; publish again"* ]]
}

@test "a stale cached list is asked for with If-None-Match, and the server's 304 reuses it" {
  export STATUS_SERVER_LOG=$WORK/requests.log
  served_home
  sc publish --home "$WORK/home" --ttl 3 >/dev/null # lists valid for three seconds
  run sc verify --allow-http "$CRED"
  [ "$status" -eq 0 ] || skip "the machine took more than 3 s to verify: $output"
  list=/home/public/status/1/revocation
  [ "$(grep -c "^$list -\$" "$WORK/requests.log")" = 1 ] # the first fetch is unconditional
  sleep 4
  # The cached copy is stale now: asked for again with its ETag; the list is unchanged (304),
  # so the cached copy is used, and found expired, as it is.
  run sc verify --allow-http "$CRED"
  [ "$status" -eq 6 ]
  [[ "$output" == *"network, not modified since the cached copy"* ]]
  [[ "$output" == *"expired"* ]]
  grep -q "^$list \"[0-9a-f]\{32\}\"\$" "$WORK/requests.log"
}
