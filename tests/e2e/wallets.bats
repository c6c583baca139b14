#!/usr/bin/env bats
# Credentials delivered into wallets (docs/wallets.md), each flow against a wallet written in
# Python from independent libraries (wallet_client.py: pyld, python3-cryptography, PyJWT): the
# Learner Credential Wallet's VC-API exchange and OpenID4VCI's pre-authorized code flow, and
# what must fail: a replayed challenge, a wrong domain, a wrong nonce, a wrong PIN, an expired
# offer, a reused code.

load helpers
load serve_helpers

WALLET="$BATS_TEST_DIRNAME/wallet_client.py"

setup() {
  work_setup
  make_home
  CRED=$(sc issue --home "$WORK/home" --name "Ada Lovelace" --email ada@example.org --no-pdf |
    sed -n 1p)
  ID=$(jq -r .id "$CRED")
  PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  BASE=http://127.0.0.1:$PORT
  "$SKILLCERT" serve --home "$WORK/home" --wallets --listen "127.0.0.1:$PORT" --base-url "$BASE" \
    >"$WORK/serve.out" 2>"$WORK/serve.log" &
  # shellcheck disable=SC2034 # stop_server (serve_helpers.bash) stops it
  SERVER_PID=$!
  [ -n "$(listening_url "$WORK/serve.out")" ] || { cat "$WORK/serve.log" >&2; return 1; }
}

teardown() {
  stop_server
  rm -rf "$WORK"
}

offer() { # [wallet offer options...]: sets LCW, OFFER, PIN
  sc wallet offer "$ID" --home "$WORK/home" --base-url "$BASE" "$@" >"$WORK/offer.txt"
  LCW=$(sed -n 's/^lcw: //p' "$WORK/offer.txt")
  OFFER=$(sed -n 's/^openid4vci: //p' "$WORK/offer.txt")
  PIN=$(sed -n 's/^pin: //p' "$WORK/offer.txt")
}

wallet() {
  "$PYTHON" "$WALLET" "$@"
}

@test "the Learner Credential Wallet gets the credential re-issued to its DID, and it verifies" {
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --out "$WORK/copy.json" --bare
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(jq -r .id "$WORK/copy.json")" != "$ID" ]
  # the same status entries as the original
  [ "$(jq -c .credentialStatus "$WORK/copy.json")" = "$(jq -c .credentialStatus "$CRED")" ]
  run sc verify --home "$WORK/home" "$WORK/copy.json"
  [ "$status" -eq 0 ]
  [[ "$output" == VALID* ]]
  # recorded as a copy, under the learner's name
  run sc list --home "$WORK/home" --name "Ada Lovelace"
  [ "$(echo "$output" | wc -l)" -eq 2 ]
  run sc inspect --json --home "$WORK/home" "$(jq -r .id "$WORK/copy.json")"
  [ "$(echo "$output" | jq -r .reissued_from)" = "$ID" ]
}

@test "a DIDAuth as the Learner Credential Wallet signs it from the link is taken" {
  # VC 1.1, Ed25519Signature2020, the link's challenge, no domain, posted bare (DCC's lcw-mock)
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --out "$WORK/copy.json" --lcw-style --bare
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  run sc verify --home "$WORK/home" "$WORK/copy.json"
  [ "$status" -eq 0 ]
}

@test "the VC API's form of the presentation is taken too" {
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --out "$WORK/copy.json"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "a replayed DIDAuth presentation gets nothing: the exchange is used up" {
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --save-vp "$WORK/vp.json"
  [ "$status" -eq 0 ]
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --post-vp "$WORK/vp.json"
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq .status)" -eq 410 ]
}

@test "a presentation signed for an earlier challenge is refused by a new exchange" {
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --save-vp "$WORK/vp.json"
  [ "$status" -eq 0 ]
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --post-vp "$WORK/vp.json"
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq .status)" -eq 422 ]
  [[ "$output" == *"challenge is not this exchange"* ]]
}

@test "a presentation for another domain is refused" {
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --domain evil.example
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq .status)" -eq 422 ]
  [[ "$output" == *"domain is not 127.0.0.1:$PORT"* ]]
}

@test "an OpenID4VCI wallet redeems the offer with its PIN and gets the credential bound to its key" {
  offer --pin
  [ -n "$PIN" ]
  run wallet oid4vci "$OFFER" --pin "$PIN" --key "$WORK/wallet.key" --out "$WORK/copy.json"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  run sc verify --home "$WORK/home" "$WORK/copy.json"
  [ "$status" -eq 0 ]
}

@test "a wrong PIN is refused, and five of them use the offer up" {
  offer --pin
  for _ in 1 2 3 4 5; do
    run wallet oid4vci "$OFFER" --pin 000000x --key "$WORK/wallet.key"
    [ "$status" -eq 1 ]
    [ "$(echo "$output" | jq -r .answer.error)" = invalid_grant ]
  done
  run wallet oid4vci "$OFFER" --pin "$PIN" --key "$WORK/wallet.key"
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq -r .answer.error)" = invalid_grant ]
}

@test "a proof with a wrong nonce is refused with a fresh c_nonce" {
  offer
  run wallet oid4vci "$OFFER" --nonce not-the-c-nonce --key "$WORK/wallet.key"
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq -r .answer.error)" = invalid_nonce ]
  [ -n "$(echo "$output" | jq -r .answer.c_nonce)" ]
}

@test "a pre-authorized code is redeemed once" {
  offer
  run wallet oid4vci "$OFFER" --token-only --key "$WORK/wallet.key"
  [ "$status" -eq 0 ]
  run wallet oid4vci "$OFFER" --token-only --key "$WORK/wallet.key"
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq -r .answer.error)" = invalid_grant ]
}

@test "an expired offer and an expired exchange are refused" {
  offer --ttl 1
  sleep 2
  run wallet oid4vci "$OFFER" --key "$WORK/wallet.key"
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq -r .answer.error)" = invalid_grant ]
  run wallet lcw "$LCW" --key "$WORK/wallet.key"
  [ "$status" -eq 1 ]
  [ "$(echo "$output" | jq .status)" -eq 410 ]
}

@test "revoking the original revokes the wallet's copy, and no new offer is made for it" {
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --out "$WORK/copy.json"
  [ "$status" -eq 0 ]
  sc revoke "$ID" --home "$WORK/home" --reason "issued in error" >/dev/null
  run sc verify --home "$WORK/home" "$WORK/copy.json"
  [ "$status" -ne 0 ]
  [[ "$output" == REVOKED* ]]
  [ "$(sc list --home "$WORK/home" --status revoked | wc -l)" -eq 2 ]
  # no new offer for a revoked credential
  run sc wallet offer "$ID" --home "$WORK/home" --base-url "$BASE"
  [ "$status" -eq 65 ]
}

@test "revoking a wallet's copy revokes the original and withdraws the original's linked PDF" {
  offer
  run wallet oid4vci "$OFFER" --key "$WORK/wallet.key" --out "$WORK/copy.json"
  [ "$status" -eq 0 ]
  # the original's PDF as `mail --pdf link` publishes it (docs/mail.md)
  mkdir -p "$WORK/home/public/pdf"
  echo "%PDF-1.7" >"$WORK/home/public/pdf/${ID#urn:uuid:}.pdf"
  sc revoke "$(jq -r .id "$WORK/copy.json")" --home "$WORK/home" --reason "lost phone" >/dev/null 2>&1
  run sc verify --home "$WORK/home" "$CRED"
  [[ "$output" == REVOKED* ]]
  [ ! -e "$WORK/home/public/pdf/${ID#urn:uuid:}.pdf" ]
}

@test "revoking an original and its copy in one command revokes the family once" {
  offer
  run wallet lcw "$LCW" --key "$WORK/wallet.key" --out "$WORK/copy.json"
  [ "$status" -eq 0 ]
  run sc revoke "$ID" "$(jq -r .id "$WORK/copy.json")" --home "$WORK/home" --reason "fraud"
  [ "$status" -eq 0 ] || { echo "$output"; false; }
  [ "$(sc list --home "$WORK/home" --status revoked | wc -l)" -eq 2 ]
}

@test "the request log names no exchange id, code, PIN, token or challenge" {
  offer --pin
  wallet lcw "$LCW" --key "$WORK/wallet.key" >/dev/null
  wallet oid4vci "$OFFER" --pin "$PIN" --key "$WORK/wallet.key" >"$WORK/answer.json"
  stop_server
  exchange=${LCW##*exchanges%2F}
  challenge=${LCW#*challenge=}
  challenge=${challenge%%&*}
  code=$(echo "$OFFER" | "$PYTHON" -c 'import json, sys, urllib.parse as u; q = u.parse_qs(u.urlparse(sys.stdin.read().strip()).query); print(json.loads(q["credential_offer"][0])["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"])')
  [ -n "$exchange" ] && [ -n "$challenge" ] && [ -n "$code" ]
  grep -q "POST /exchanges/" "$WORK/serve.log"
  run ! grep -e "$exchange" -e "$challenge" -e "$code" -e "$PIN" "$WORK/serve.log"
  # the registry keeps hashes only
  if [ -f "$WORK/home/registry.db" ]; then
    run ! grep -a -e "$exchange" -e "$code" "$WORK/home/registry.db"
  fi
}

@test "20 failed tries in a minute get 429 with Retry-After; claim misses are counted apart" {
  for _ in $(seq 20); do
    run curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/oid4vci/token"
    [ "$output" = 400 ]
  done
  run curl -s -D "$WORK/headers" -o /dev/null -w '%{http_code}' -X POST "$BASE/oid4vci/nonce"
  [ "$output" = 429 ]
  grep -Eiq '^Retry-After: [1-9][0-9]?' "$WORK/headers"
  # the claim page's limit is a table of its own: this client's misses there start at 0
  run curl -s -o /dev/null -w '%{http_code}' "$BASE/claim/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
  [ "$output" = 404 ]
}

@test "without --wallets the wallet routes are not there" {
  stop_server
  start_server --home "$WORK/home"
  run curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/oid4vci/token"
  [ "$output" = 404 ]
  run curl -s -o /dev/null -w '%{http_code}' "$URL/.well-known/openid-credential-issuer"
  [ "$output" = 404 ]
}

@test "wallet offer --qr-dir writes both QR codes, which decode to the links" {
  offer --qr-dir "$WORK"
  [ "$(zbarimg -q --raw "$WORK/lcw.png")" = "$LCW" ]
  [ "$(zbarimg -q --raw "$WORK/openid4vci.png")" = "$OFFER" ]
}
