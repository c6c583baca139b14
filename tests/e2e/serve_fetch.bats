#!/usr/bin/env bats
# skillcert serve fetches nothing a forged credential points at: no status list and no did:web
# document is loaded for an issuer that is not on the trust list (otherwise anyone could make
# the service connect to any host and port, and read the connection error in the answer).
load helpers
load serve_helpers

# A TCP listener on a free loopback port that records every connection in $WORK/knocks.
start_listener() {
  : >"$WORK/knocks"
  $PYTHON - "$WORK/knocks" "$WORK/listener.port" <<'PY' &
import socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(16)
open(sys.argv[2], "w").write(str(server.getsockname()[1]))
while True:
    conn, _ = server.accept()
    with open(sys.argv[1], "a") as knocks:
        knocks.write("knock\n")
    conn.close()
PY
  LISTENER_PID=$!
  for _ in $(seq 50); do [ -s "$WORK/listener.port" ] && break; sleep 0.1; done
  PORT=$(cat "$WORK/listener.port")
}

teardown() {
  stop_server
  if [ -n "${LISTENER_PID:-}" ]; then kill "$LISTENER_PID" 2>/dev/null || true; fi
}

# Issues a credential from $WORK/evil, posts it to a server over $WORK/home's trust and checks
# the answer: not verified, holding MESSAGE, and no connection reached the listener.
post_evil_credential() { # message
  local cred
  cred=$(sc issue --home "$WORK/evil" --name "Mallory" --email m@example.org \
    --template ai-fundamentals --no-publish | head -n 1)
  start_server --home "$WORK/home"
  printf '{"verifiableCredential": %s}' "$(cat "$cred")" >"$WORK/body.json"
  run curl -s -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "$URL/credentials/verify"
  [[ "$output" == *"$1"* ]]
  [[ "$output" == *'"verified": false'* ]]
  [ ! -s "$WORK/knocks" ]
}

@test "serve: an untrusted credential's status list URL is never fetched" {
  make_home
  start_listener
  sc init "$WORK/evil" --name "Evil" --url "https://127.0.0.1:$PORT" --no-passphrase >/dev/null
  post_evil_credential "not checked: the issuer is not trusted"
}

@test "serve: an untrusted did:web issuer's DID document is never fetched" {
  make_home
  start_listener
  sc init "$WORK/evil" --name "Evil" --url "https://127.0.0.1:$PORT" \
    --did-web "127.0.0.1%3A$PORT" --no-passphrase >/dev/null
  post_evil_credential "its DID document is not loaded: the issuer is not on the trust list"
}
