#!/usr/bin/env bats
# skillcert serve fetches nothing a forged credential points at: no status list and no did:web
# document is loaded for an issuer that is not on the trust list (otherwise anyone could make
# the service connect to any host and port, and read the connection error in the answer).
load helpers
load serve_helpers

# A TCP listener on a free loopback port that records every connection in $WORK/knocks and
# closes it, or with "hold" keeps it open without a word (a slow server).
start_listener() { # [hold]
  : >"$WORK/knocks"
  $PYTHON - "$WORK/knocks" "$WORK/listener.port" "${1:-close}" <<'PY' &
import socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(16)
open(sys.argv[2], "w").write(str(server.getsockname()[1]))
held = []
while True:
    conn, _ = server.accept()
    with open(sys.argv[1], "a") as knocks:
        knocks.write("knock\n")
    if sys.argv[3] == "hold":
        held.append(conn)
    else:
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
# the answer: VERIFIED (default false), holding MESSAGE, and no connection reached the listener.
post_evil_credential() { # message [verified]
  local cred
  cred=$(sc issue --home "$WORK/evil" --name "Mallory" --email m@example.org \
    --template ai-fundamentals --no-publish | head -n 1)
  start_server --home "$WORK/home"
  printf '{"verifiableCredential": %s}' "$(cat "$cred")" >"$WORK/body.json"
  run curl -s -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "$URL/credentials/verify"
  [[ "$output" == *"$1"* ]]
  [[ "$output" == *"\"verified\": ${2:-false}"* ]]
  [ ! -s "$WORK/knocks" ]
}

@test "serve: an untrusted credential's status list URL is never fetched" {
  make_home
  start_listener
  sc init "$WORK/evil" --name "Evil" --url "https://127.0.0.1:$PORT" --no-passphrase >/dev/null
  # An issuer off the trust list is only a warning to an API client (serve --require-trust
  # makes it a failure); its status stays unchecked, said so.
  post_evil_credential "not checked: the issuer is not trusted" true
}

@test "serve: an untrusted did:web issuer's DID document is never fetched" {
  make_home
  start_listener
  sc init "$WORK/evil" --name "Evil" --url "https://127.0.0.1:$PORT" \
    --did-web "127.0.0.1%3A$PORT" --no-passphrase >/dev/null
  post_evil_credential "its DID document is not loaded: the issuer is not on the trust list"
}

# A home whose status lists are published at the listener, its issuer on $WORK/trust.json, and
# a credential it issued (CRED); nothing of it is published locally.
trusted_issuer_at_listener() {
  sc init "$WORK/evil" --name "Evil" --url "https://127.0.0.1:$PORT" --no-passphrase >/dev/null
  CRED=$(sc issue --home "$WORK/evil" --name "Mallory" --email m@example.org \
    --template ai-fundamentals --no-publish | head -n 1)
  sc trust add "$(jq -r '.issuer.id // .issuer' "$CRED")" --name "Evil" \
    --trust "$WORK/trust.json" >/dev/null
}

post_credential() { # file
  printf '{"verifiableCredential": %s}' "$(cat "$1")" >"$WORK/body.json"
  run timeout 8 curl -s -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "$URL/credentials/verify"
}

@test "serve: a forged credential of a trusted issuer makes no connection" {
  start_listener
  trusted_issuer_at_listener
  jq '.credentialSubject.achievement.name = "Forged"' "$CRED" >"$WORK/forged.json"
  start_server --trust "$WORK/trust.json"
  post_credential "$WORK/forged.json"
  [[ "$output" == *'"verified": false'* ]]
  [[ "$output" == *"not checked: the proof did not verify"* ]]
  [ ! -s "$WORK/knocks" ]
}

@test "serve: a slow status list server ends in status unknown within the fetch budget" {
  start_listener hold
  trusted_issuer_at_listener
  start_server --trust "$WORK/trust.json" --fetch-budget 2
  # The listener never completes TLS: each of the two lists alone would give up after its 5 s
  # connect timeout, 10 s together; the guard is above the budget and below that sum.
  post_credential "$CRED"
  [ "$status" -eq 0 ]
  [[ "$output" == *'"verified": false'* ]]
  [[ "$output" == *"the status list could not be fetched"* ]]
  [ -s "$WORK/knocks" ]
}

@test "serve: --fetch-budget takes seconds from 1 to 300" {
  run "$SKILLCERT" serve --listen 127.0.0.1:0 --fetch-budget 0
  [ "$status" -eq 64 ]
  [[ "$output" == *"--fetch-budget"* ]]
}

@test "serve: a pasted link-mode QR text is not fetched from where it points" {
  make_home
  start_listener
  start_server --home "$WORK/home"
  run curl -s -F "qr=HTTPS://127.0.0.1:$PORT/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4BC" \
    "$URL/verify"
  [[ "$output" == *"this service does not fetch credentials from elsewhere"* ]]
  [ ! -s "$WORK/knocks" ]
}
