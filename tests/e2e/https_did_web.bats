#!/usr/bin/env bats
# A did:web issuer served over real HTTPS on loopback: the verifier resolves the issuer's key from
# /.well-known/did.json and reads the status lists over TLS, trusting a test CA given in
# $SKILLCERT_CA_FILE — no --home, no --did-doc, no --status.
load helpers
load serve_helpers

setup_file() {
  export TLS=$BATS_FILE_TMPDIR/tls
  mkdir -p "$TLS"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=test-ca \
    -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\n' >"$TLS/ext"
  openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
    -CAcreateserial -days 2 -extfile "$TLS/ext" -out "$TLS/server.pem" 2>/dev/null
}

start_https() { # serves $1 on $PORT; waits until it listens
  "$PYTHON" "$ROOT/tests/e2e/https_server.py" "$1" "$TLS/server.pem" "$TLS/server.key" \
    "$PORT" >"$WORK/server.out" 2>&1 3>&- &
  SERVER=$!
  for _ in $(seq 50); do
    grep -qx "$PORT" "$WORK/server.out" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$WORK/server.out" >&2
  return 1
}

teardown() {
  stop_server
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}

@test "did:web over HTTPS: key and status lists fetched, revocation seen with a fresh cache" {
  PORT=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  did="did:web:127.0.0.1%3A$PORT"
  sc init "$WORK/home" --name "Acme AI Academy" --url "https://127.0.0.1:$PORT" \
    --did-web "127.0.0.1%3A$PORT" --no-passphrase >/dev/null
  cred=$(sc issue --home "$WORK/home" --name "Zoë" --email z@example.org --template ai-fundamentals | head -1)
  sc publish --home "$WORK/home" >/dev/null
  [ -f "$WORK/home/public/.well-known/did.json" ]
  start_https "$WORK/home/public"
  sc trust add "$did" --name "Acme AI Academy"

  # Without the test CA the TLS handshake fails: nothing can be checked (6), never valid.
  run sc verify "$cred"
  [ "$status" -eq 6 ]

  export SKILLCERT_CA_FILE=$TLS/ca.pem
  run sc verify "$cred"
  [ "$status" -eq 0 ]
  [[ "$output" == *"✓ proof"* ]]
  [[ "$output" == *"✓ status"* ]]

  sc revoke --home "$WORK/home" "$(sc list --home "$WORK/home" | cut -d' ' -f1)" --reason test
  run sc verify "$cred"
  [ "$status" -eq 0 ] # the cached list is trusted until its validUntil
  XDG_CACHE_HOME=$WORK/fresh-cache run sc verify "$cred"
  [ "$status" -eq 2 ]
}

free_port() {
  $PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A trusted issuer's published files replaced by what an internal service might answer; serve
# must not repeat any of it. Sets ANSWER to its answer to the credential CRED.
answer_with_internal_reply() { # file under public/ to replace...
  for file in "$@"; do
    printf 'SECRETWORD internal=1\n' >"$WORK/home/public/$file"
  done
  start_https "$WORK/home/public"
  export SKILLCERT_CA_FILE=$TLS/ca.pem
  start_server --trust "$WORK/trust.json"
  printf '{"verifiableCredential": %s}' "$(cat "$CRED")" >"$WORK/body.json"
  ANSWER=$(curl -s -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "$URL/credentials/verify")
}

@test "serve: nothing of a fetched status list is echoed into the answer" {
  PORT=$(free_port)
  sc init "$WORK/home" --name "Acme AI Academy" --url "https://127.0.0.1:$PORT" \
    --no-passphrase >/dev/null
  CRED=$(sc issue --home "$WORK/home" --name "Zoë" --email z@example.org \
    --template ai-fundamentals | head -1)
  sc publish --home "$WORK/home" >/dev/null
  sc trust add "$(jq -r '.issuer.id // .issuer' "$CRED")" --name "Acme" --trust "$WORK/trust.json"
  answer_with_internal_reply status/1/revocation status/1/suspension
  [[ "$ANSWER" == *'"verified": false'* ]]
  [[ "$ANSWER" == *"not a current status list of this issuer"* ]]
  [[ "$ANSWER" != *SECRETWORD* ]]
  # Nothing that failed its check was cached.
  [ -z "$(ls -A "$XDG_CACHE_HOME/skillcert" 2>/dev/null)" ]
}

# The issuer's server completes TLS and then hangs (each fetch alone may take 15 s, the two
# lists 30 s): the answer comes within the budget, the guard is far below the 30 s.
@test "serve: a hanging status list server ends in status unknown within the fetch budget" {
  PORT=$(free_port)
  sc init "$WORK/home" --name "Acme AI Academy" --url "https://127.0.0.1:$PORT" \
    --no-passphrase >/dev/null
  CRED=$(sc issue --home "$WORK/home" --name "Zoë" --email z@example.org \
    --template ai-fundamentals | head -1)
  sc publish --home "$WORK/home" >/dev/null
  sc trust add "$(jq -r '.issuer.id // .issuer' "$CRED")" --name "Acme" --trust "$WORK/trust.json"
  SLOW_SECONDS=60 start_https "$WORK/home/public"
  export SKILLCERT_CA_FILE=$TLS/ca.pem
  start_server --trust "$WORK/trust.json" --fetch-budget 3
  printf '{"verifiableCredential": %s}' "$(cat "$CRED")" >"$WORK/body.json"
  run timeout 20 curl -s -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "$URL/credentials/verify"
  [ "$status" -eq 0 ]
  [[ "$output" == *'"verified": false'* ]]
  [[ "$output" == *"the status list could not be fetched"* ]]
}

@test "serve: nothing of a fetched DID document is echoed into the answer" {
  PORT=$(free_port)
  sc init "$WORK/home" --name "Acme AI Academy" --url "https://127.0.0.1:$PORT" \
    --did-web "127.0.0.1%3A$PORT" --no-passphrase >/dev/null
  CRED=$(sc issue --home "$WORK/home" --name "Zoë" --email z@example.org \
    --template ai-fundamentals | head -1)
  sc publish --home "$WORK/home" >/dev/null
  sc trust add "did:web:127.0.0.1%3A$PORT" --name "Acme" --trust "$WORK/trust.json"
  answer_with_internal_reply .well-known/did.json
  [[ "$ANSWER" == *'"verified": false'* ]]
  [[ "$ANSWER" != *SECRETWORD* ]]
}
