#!/usr/bin/env bats
# skillcert serve: verdict pages, the VC API, uploads, public/ files, safety limits and a
# graceful stop, driven with curl against a server on a free loopback port.
load helpers
# These tests suspend credentials: their homes give credentials a suspension entry.
export HOME_FLAGS=--suspension
load serve_helpers

# One issuer home with certificates in every state, shared by the tests of this file (PDF
# rendering is the slow part), and one server over it.
setup_file() {
  export FIX=$BATS_FILE_TMPDIR/fix
  mkdir -p "$FIX"
  export XDG_CONFIG_HOME=$FIX/config XDG_CACHE_HOME=$FIX/cache
  unset SKILLCERT_PASSPHRASE_FILE SKILLCERT_TRUST SKILLCERT_HOME
  WORK=$FIX
  local s="$SKILLCERT"
  "$s" init "$FIX/home" --name "Acme AI Academy" --url https://acme.example --no-passphrase --suspension >/dev/null
  "$s" init "$FIX/other" --name "Unknown Academy" --url https://other.example --no-passphrase >/dev/null
  # Expires a few seconds from now (issued first, so that even a slow sanitizer build issues
  # it in time); setup waits below until it has expired.
  local soon_epoch soon
  soon_epoch=$(($(date -u +%s) + 5))
  soon=$(date -u -d "@$soon_epoch" +%Y-%m-%dT%H:%M:%SZ)
  for who in expired valid revoked suspended; do
    local extra=()
    [ "$who" = expired ] && extra=(--valid-until "$soon")
    "$s" issue --home "$FIX/home" --name "Zoë $who" --email z@example.org \
      --template ai-fundamentals "${extra[@]}" >"$FIX/$who.paths"
  done
  "$s" issue --home "$FIX/other" --name "Zoë untrusted" --email z@example.org \
    --template ai-fundamentals >"$FIX/untrusted.paths"
  # Hostile text: markup in the name, a bidi override in the achievement's name (a learner's
  # name may not hold one: issuer/text.c's name rules).
  cp -r "$FIX/home/templates/ai-fundamentals" "$FIX/home/templates/hostile"
  jq '.name = "AI \u202eevil"' "$FIX/home/templates/ai-fundamentals/achievement.json" \
    >"$FIX/home/templates/hostile/achievement.json"
  "$s" issue --home "$FIX/home" --name '<script>alert(1)</script> "Eve"' \
    --email e@example.org --template hostile >"$FIX/hostile.paths"
  "$s" revoke --home "$FIX/home" "$(basename "$(sed -n 1p "$FIX/revoked.paths")" .json)" \
    --reason "exam misconduct" >/dev/null
  "$s" suspend --home "$FIX/home" "$(basename "$(sed -n 1p "$FIX/suspended.paths")" .json)" \
    --reason "under review" >/dev/null
  # A tampered copy as a QR code would carry it (render refuses to draw a forged credential).
  sed 's/Zoë valid/Zoë forged/' "$(sed -n 1p "$FIX/valid.paths")" >"$FIX/tampered.json"
  "$BATS_TEST_DIRNAME/qr_path.py" "$FIX/tampered.json" >"$FIX/tampered.vpath"
  # The /V/ (embedded) path of each credential, made from its JSON: with two proofs and a badge
  # image most credentials are now too long for an embedded QR code, so their PDFs link (/C/,
  # tested below) instead.
  for who in valid revoked suspended expired untrusted hostile; do
    "$BATS_TEST_DIRNAME/qr_path.py" "$(sed -n 1p "$FIX/$who.paths")" >"$FIX/$who.vpath"
  done
  # Link mode: credentials published under public/c/ (a genuine one and a tampered one).
  # Issuing published every credential there already (out/<uuid>.json and public/c/<uuid>.json
  # are one file under two names).
  for who in valid revoked; do
    cmp "$(sed -n 1p "$FIX/$who.paths")" "$FIX/home/public/c/$(basename "$(sed -n 1p "$FIX/$who.paths")")"
  done
  cp "$FIX/tampered.json" "$FIX/home/public/c/00000000-0000-4000-8000-000000000001.json"
  ln -s /etc/passwd "$FIX/home/public/status/evil"
  printf 'secret-token-for-tests-0123456789\n' >"$FIX/token"
  chmod 600 "$FIX/token"
  while [ "$(date -u +%s)" -le "$soon_epoch" ]; do sleep 0.5; done # the expired one has
  start_server --home "$FIX/home" --offline --issue-token-file "$FIX/token"
  export URL SERVER_PID
}

teardown_file() {
  stop_server
}

setup() {
  WORK=$(mktemp -d)
}

teardown() {
  rm -rf "$WORK"
}

# `! cmd` does not fail a bats test (errexit ignores it); this does.
refute() {
  if "$@"; then
    return 1
  fi
}

page() { # path → body in $WORK/page, status in $CODE
  CODE=$(curl -s -o "$WORK/page" -w '%{http_code}' "$URL$1")
}

id_of() {
  basename "$(sed -n 1p "$FIX/$1.paths")" .json
}

@test "valid /V/ page: green verdict, name, achievement, issuer, dates, actions" {
  page "$(cat "$FIX/valid.vpath")"
  [ "$CODE" = 200 ]
  grep -q 'class="verdict ok"' "$WORK/page"
  grep -q 'Valid certificate' "$WORK/page"
  grep -q 'Zoë valid' "$WORK/page"
  grep -q 'AI Fundamentals' "$WORK/page"
  grep -q '<dt>Issued by</dt><dd><bdi dir="auto">Acme AI Academy</bdi>' "$WORK/page"
  grep -q '<dt>Issued on</dt>' "$WORK/page"
  grep -q '<dt>Criteria</dt>' "$WORK/page"
  grep -q 'https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&amp;name=AI%20Fundamentals&amp;organizationName=Acme%20AI%20Academy&amp;issueYear=' "$WORK/page"
  grep -q 'certId=urn%3Auuid%3A' "$WORK/page"
  grep -q '?download=1' "$WORK/page"
  refute grep -qi '<script' "$WORK/page"
}

@test "valid page: security headers and a CSP that allows only the hashed style" {
  headers=$(curl -s -D - -o /dev/null "$URL$(cat "$FIX/valid.vpath")")
  [[ "$headers" == *"Content-Security-Policy: default-src 'none'; style-src 'sha256-"* ]]
  [[ "$headers" == *"X-Content-Type-Options: nosniff"* ]]
  [[ "$headers" == *"Referrer-Policy: no-referrer"* ]]
  [[ "$headers" == *"X-Frame-Options: DENY"* ]]
  # The hash in the CSP is the hash of the page's one <style> element.
  page "$(cat "$FIX/valid.vpath")"
  style=$(sed -n 's/.*<style>\(.*\)<\/style>.*/\1/p' "$WORK/page")
  hash=$(printf '%s' "$style" | openssl dgst -sha256 -binary | base64)
  [[ "$headers" == *"'sha256-$hash'"* ]]
}

@test "the QR URL works in any letter case and downloads the credential JSON" {
  vpath=$(cat "$FIX/valid.vpath")
  page "$(echo "$vpath" | tr '[:upper:]' '[:lower:]')"
  [ "$CODE" = 200 ]
  grep -q 'Valid certificate' "$WORK/page"
  curl -s -D "$WORK/h" -o "$WORK/c.json" "$URL$vpath?download=1"
  grep -qi '^Content-Type: application/json' "$WORK/h"
  grep -qi '^Content-Disposition: attachment' "$WORK/h"
  sc verify --home "$FIX/home" --offline "$WORK/c.json"
}

@test "revoked, suspended, expired, untrusted, tampered: each says why" {
  page "$(cat "$FIX/revoked.vpath")"
  grep -q 'class="verdict bad"' "$WORK/page"
  grep -q 'Revoked' "$WORK/page"
  page "$(cat "$FIX/suspended.vpath")"
  grep -q 'class="verdict warn"' "$WORK/page"
  grep -q 'Suspended' "$WORK/page"
  page "$(cat "$FIX/expired.vpath")"
  grep -q 'Expired or not yet valid' "$WORK/page"
  page "$(cat "$FIX/untrusted.vpath")"
  grep -q 'Issuer not recognised' "$WORK/page"
  grep -q 'not on the trust list' "$WORK/page"
  page "$(cat "$FIX/tampered.vpath")"
  grep -q 'class="verdict bad"' "$WORK/page"
  grep -q 'Not genuine' "$WORK/page"
  refute grep -q 'Add to LinkedIn' "$WORK/page"
}

@test "garbage payloads are a readable 400 page, never a crash" {
  for p in /V/ /V/1 /V/1AAAA /V/9ABC /V/1%00%00 "/V/$(head -c 3000 /dev/zero | tr '\0' 'A')"; do
    page "$p"
    [ "$CODE" = 400 ]
    grep -q 'Not a readable certificate' "$WORK/page"
  done
  [ "$(status_of "$URL/healthz")" = 200 ]
}

@test "a hostile name is shown as text: markup escaped, bidi overrides neutralised" {
  page "$(cat "$FIX/hostile.vpath")"
  [ "$CODE" = 200 ]
  grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &quot;Eve&quot;' "$WORK/page"
  refute grep -qi '<script' "$WORK/page"
  refute grep -q $'\u202e' "$WORK/page"
}

@test "/C/<uuid> link mode: valid, revoked, tampered, unknown, malformed" {
  page "/C/$(id_of valid | tr '[:lower:]' '[:upper:]')"
  [ "$CODE" = 200 ]
  grep -q 'Valid certificate' "$WORK/page"
  page "/C/$(id_of revoked)"
  grep -q 'Revoked' "$WORK/page"
  page /C/00000000-0000-4000-8000-000000000001
  grep -q 'Not genuine' "$WORK/page"
  page /C/11111111-1111-4111-8111-111111111111
  [ "$CODE" = 404 ]
  page /C/not-a-uuid
  [ "$CODE" = 400 ]
}

@test "VC API verify: 200 verified, 422 with reasons, 400 for bad requests" {
  body() { printf '{"verifiableCredential": %s, "options": {}}' "$(cat "$1")"; }
  body "$(sed -n 1p "$FIX/valid.paths")" >"$WORK/valid.json"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$WORK/valid.json" "$URL/credentials/verify")
  [ "$code" = 200 ]
  jq -e '.verified == true and (.checks | index("proof")) and .errors == []' "$WORK/r"
  body "$FIX/tampered.json" >"$WORK/t.json"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' --data-binary @"$WORK/t.json" "$URL/credentials/verify")
  [ "$code" = 422 ]
  jq -e '.verified == false and (.errors | length) > 0' "$WORK/r"
  body "$(sed -n 1p "$FIX/revoked.paths")" >"$WORK/rv.json"
  curl -s --data-binary @"$WORK/rv.json" "$URL/credentials/verify" | jq -e '.verdict == "REVOKED"'
  # A signed credential with a wrong field is content invalid (verify's exit 1): 422, not 400.
  jq '.issuer = 5 | {verifiableCredential: .}' "$(sed -n 1p "$FIX/valid.paths")" >"$WORK/i5.json"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' --data-binary @"$WORK/i5.json" "$URL/credentials/verify")
  [ "$code" = 422 ]
  jq -e '.errors[] | select(.check == "credential") | .message | test("^issuer:")' "$WORK/r"
  for bad in '' 'not json' '[]' '{}' '{"verifiableCredential": 1}' '{"verifiableCredential": {}}' \
    '{"a":1,"a":2}'; do
    code=$(curl -s -o "$WORK/r" -w '%{http_code}' --data-binary "$bad" "$URL/credentials/verify")
    [ "$code" = 400 ]
    jq -e '.verified == false and (.errors | length) > 0' "$WORK/r"
  done
}

@test "POST /certificates: 401 without the token, 201 with it, and the credential verifies" {
  req='{"credential": {"credentialSubject": {"name": "Ana Lima", "email": "ana@example.org"}}, "options": {"template": "ai-fundamentals"}}'
  [ "$(status_of --data-binary "$req" "$URL/certificates")" = 401 ]
  [ "$(status_of -H 'Authorization: Bearer wrong' --data-binary "$req" "$URL/certificates")" = 401 ]
  code=$(curl -s -o "$WORK/cred" -w '%{http_code}' \
    -H "Authorization: Bearer $(cat "$FIX/token")" --data-binary "$req" "$URL/certificates")
  [ "$code" = 201 ]
  jq -e '.credentialSubject.identifier[] | select(.identityHash == "Ana Lima")' "$WORK/cred"
  jq -e '.credentialStatus | length == 2' "$WORK/cred"
  printf '{"verifiableCredential": %s}' "$(cat "$WORK/cred")" >"$WORK/v.json"
  curl -s --data-binary @"$WORK/v.json" "$URL/credentials/verify" | jq -e '.verified == true'
  sc list --home "$FIX/home" | grep -q 'Ana Lima'
  # An achievement given inline, and requests that are wrong.
  ach=$(cat "$ROOT/templates/ai-fundamentals/achievement.json")
  inline="{\"credential\": {\"credentialSubject\": {\"name\": \"Bo\", \"email\": \"bo@example.org\", \"achievement\": $ach}}}"
  [ "$(status_of -H "Authorization: Bearer $(cat "$FIX/token")" --data-binary "$inline" "$URL/certificates")" = 201 ]
  for bad in '{}' '{"credential": {"credentialSubject": {"name": "X"}}}' \
    '{"credential": {"credentialSubject": {"name": "X", "email": "x@example.org"}}}'; do
    [ "$(status_of -H "Authorization: Bearer $(cat "$FIX/token")" --data-binary "$bad" "$URL/certificates")" = 400 ]
  done
}

# POST /credentials/issue: the client's credential, signed as it is.
vc_issue() { # body → answer in $WORK/r, status printed
  curl -s -o "$WORK/r" -w '%{http_code}' -H "Authorization: Bearer $(cat "$FIX/token")" \
    --data-binary "$1" "$URL/credentials/issue"
}

# A VC 2.0 credential of another kind than a badge, with claims skillcert never writes.
alumni_credential() {
  jq -n '{"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    type: ["VerifiableCredential", "ExampleAlumniCredential"],
    name: "Alumni of Example University",
    validFrom: "2026-01-01T00:00:00Z",
    credentialSubject: {id: "did:example:ebfeb1f712ebc6f1c276e12ec21",
      alumniOf: {id: "did:example:c276e12ec21ebfeb1f712ebc6f1", name: "Example University"}}}'
}

verifies() { # credential file → the service's verify says verified
  jq '{verifiableCredential: .}' "$1" >"$WORK/verify.json"
  curl -s --data-binary @"$WORK/verify.json" "$URL/credentials/verify" >"$WORK/verified.json"
  jq -e '.verified == true' "$WORK/verified.json"
}

@test "VC API issue: another kind of credential is signed as given, with both proofs or either alone" {
  alumni_credential >"$WORK/given.json"
  home_issuer=$(jq -r .issuer.id "$FIX/home/skillcert.json")
  for suite in '' eddsa-rdfc-2022 eddsa-jcs-2022; do
    options='{}'
    [ -n "$suite" ] && options="{\"cryptosuite\": \"$suite\"}"
    [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json"), \"options\": $options}")" = 201 ]
    jq .verifiableCredential "$WORK/r" >"$WORK/signed.json"
    # Unchanged apart from proof, issuer and id.
    diff <(jq -S 'del(.proof, .issuer, .id)' "$WORK/signed.json") <(jq -S . "$WORK/given.json")
    [ "$(jq -r .issuer "$WORK/signed.json")" = "$home_issuer" ]
    jq -e '.id | test("^urn:uuid:[0-9a-f-]{36}$")' "$WORK/signed.json"
    jq -e 'has("credentialStatus") | not' "$WORK/signed.json"
    if [ -z "$suite" ]; then
      jq -e '[.proof[].cryptosuite] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]' "$WORK/signed.json"
    else
      jq -e --arg s "$suite" '.proof | type == "object" and .cryptosuite == $s' "$WORK/signed.json"
    fi
    verifies "$WORK/signed.json"
    # Recorded in the registry, its file written.
    id=$(jq -r .id "$WORK/signed.json")
    sc list --home "$FIX/home" | grep -q "$id"
    cmp <(jq -S . "$FIX/home/out/${id#urn:uuid:}.json") <(jq -S . "$WORK/signed.json")
  done
}

@test "VC API issue: the home's issuer object and an id are kept, status only when asked, VC 1.1 gets the Data Integrity context" {
  home_issuer=$(jq -r .issuer.id "$FIX/home/skillcert.json")
  alumni_credential | jq --arg i "$home_issuer" '.issuer = {id: $i, name: "Acme"} | .id = "https://acme.example/alumni/7"' >"$WORK/given.json"
  [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json"), \"options\": {\"credentialStatus\": {\"type\": \"BitstringStatusListEntry\"}}}")" = 201 ]
  jq .verifiableCredential "$WORK/r" >"$WORK/signed.json"
  diff <(jq -S 'del(.proof, .credentialStatus)' "$WORK/signed.json") <(jq -S . "$WORK/given.json")
  jq -e '[.credentialStatus] | flatten | .[0].type == "BitstringStatusListEntry"' "$WORK/signed.json"
  verifies "$WORK/signed.json"
  jq -e '.checks | index("status")' "$WORK/verified.json"
  # The same id again is a conflict, not a second credential.
  [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json")}")" = 409 ]
  # VC 1.1: the Data Integrity context is appended, nothing else changes.
  v11='{"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"], "issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:abc"}}'
  [ "$(vc_issue "{\"credential\": $v11}")" = 201 ]
  jq .verifiableCredential "$WORK/r" >"$WORK/signed.json"
  jq -e '.["@context"] == ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"]' "$WORK/signed.json"
  verifies "$WORK/signed.json"
}

@test "VC API issue: an undefined term is a 422 naming it, another issuer a 400 naming both, never a silent rewrite" {
  home_issuer=$(jq -r .issuer.id "$FIX/home/skillcert.json")
  v11='{"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"], "issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:abc", "favouriteColour": "blue"}}'
  [ "$(vc_issue "{\"credential\": $v11}")" = 422 ]
  jq -e '.errors[0].message | test("favouriteColour")' "$WORK/r"
  alumni_credential | jq '.issuer = "did:example:someone-else"' >"$WORK/given.json"
  [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json")}")" = 400 ]
  jq -e --arg h "$home_issuer" '.errors[0].message | test("did:example:someone-else") and contains($h)' "$WORK/r"
  # The data model: a wrong type or subject is a 422 naming the field.
  alumni_credential | jq '.type = ["ExampleAlumniCredential"]' >"$WORK/given.json"
  [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json")}")" = 422 ]
  jq -e '.errors[0].message | test("^credential.type: ")' "$WORK/r"
  alumni_credential | jq '.credentialSubject = {}' >"$WORK/given.json"
  [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json")}")" = 422 ]
  jq -e '.errors[0].message | test("^credential.credentialSubject: ")' "$WORK/r"
  alumni_credential | jq '.validUntil = "31/12/2099"' >"$WORK/given.json"
  [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json")}")" = 422 ]
  jq -e '.errors[0].message | test("^credential.validUntil: ")' "$WORK/r"
  alumni_credential | jq '.validUntil = "2025-01-01T00:00:00Z"' >"$WORK/given.json"
  [ "$(vc_issue "{\"credential\": $(cat "$WORK/given.json")}")" = 422 ]
  jq -e '.errors[0].message | test("^credential.validUntil: earlier than validFrom")' "$WORK/r"
  # Requests this route does not take: 400 with errors, never a 500, never a flag named.
  given=$(alumni_credential | jq -c .)
  for bad in '' 'x' '[]' '{}' '{"credential": 1}' \
    "{\"credential\": $given, \"options\": {\"cryptosuite\": \"rsa\"}}" \
    "{\"credential\": $given, \"options\": {\"template\": \"ai-fundamentals\"}}" \
    "{\"credential\": $given, \"options\": {\"credentialStatus\": {\"type\": \"StatusList2021Entry\"}}}" \
    "{\"credential\": $(alumni_credential | jq -c '.proof = {}')}"; do
    [ "$(vc_issue "$bad")" = 400 ]
    jq -e '.errors | length > 0' "$WORK/r"
    refute grep -q -- '--' "$WORK/r"
  done
  # The learner shortcut's shape is no credential here: refused, not turned into a badge.
  [ "$(vc_issue '{"credential": {"credentialSubject": {"name": "Ana", "email": "ana@example.org"}}}')" = 422 ]
}

@test "issue routes: an Authorization header with a control character is a 401" {
  for bad in $'\x01' $'\x7f' $'\x1b[0m'; do
    code=$(curl -s -o "$WORK/r" -w '%{http_code}' -H "Authorization: Bearer $(cat "$FIX/token")$bad" \
      --data-binary '{"credential": {}}' "$URL/certificates")
    [ "$code" = 401 ]
  done
}

@test "POST /certificates: a wrong request is a 400 that names the field" {
  issue_status() {
    curl -s -o "$WORK/r" -w '%{http_code}' -H "Authorization: Bearer $(cat "$FIX/token")" \
      --data-binary "$1" "$URL/certificates"
  }
  subject='"name": "Ana Lima", "email": "ana@example.org"'
  template='"options": {"template": "ai-fundamentals"}'
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject}}, \"options\": {\"template\": \"nope\"}}")" = 400 ]
  jq -e '.error | test("nope")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject, \"achievement\": {\"id\": \"x\"}}}}")" = 400 ]
  jq -e '.error | test("credential.credentialSubject.achievement")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject}}, \"options\": {\"template\": 5}}")" = 400 ]
  jq -e '.error | test("options.template")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject}, \"validUntil\": 5}, $template}")" = 400 ]
  jq -e '.error | test("credential.validUntil: expected a string")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject}}, \"options\": {\"template\": \"ai-fundamentals\", \"learnerId\": 5}}")" = 400 ]
  jq -e '.error | test("options.learnerId: expected a string")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {\"name\": \"A\\u0000B\", \"email\": \"a@example.org\"}}, $template}")" = 400 ]
  jq -e '.error | test("credential.credentialSubject.name: must not contain NUL")' "$WORK/r"
  # The same checks as `issue --name` and a roster: control characters (C1 too) and length.
  for name in 'A\u0007B' 'A\nB' '\u0085Ada'; do
    [ "$(issue_status "{\"credential\": {\"credentialSubject\": {\"name\": \"$name\", \"email\": \"a@example.org\"}}, $template}")" = 400 ]
    jq -e '.error | test("credential.credentialSubject.name: contains a control character")' "$WORK/r"
  done
  long=$(printf 'x%.0s' $(seq 257))
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {\"name\": \"$long\", \"email\": \"a@example.org\"}}, $template}")" = 400 ]
  jq -e '.error | test("credential.credentialSubject.name: longer than 256 characters")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": 5}, $template}")" = 400 ]
  jq -e '.error | test("credential.credentialSubject")' "$WORK/r"
  # Checks shared with `issue` name the JSON field, never a command-line flag.
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject}, \"validUntil\": \"2001-01-01\"}, $template}")" = 400 ]
  jq -e '.error | test("^credential.validUntil: 2001-01-01 is not in the future")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject}, \"validUntil\": \"31/12/2099\"}, $template}")" = 400 ]
  jq -e '.error | test("^credential.validUntil: ")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {$subject, \"id\": \"nodid\"}}, $template}")" = 400 ]
  jq -e '.error | test("^credential.credentialSubject.id: expected a DID")' "$WORK/r"
  # The name rules of rosters and `issue --name`: no bidi controls, a visible letter.
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {\"name\": \"Ann\\u202Enhoj\", \"email\": \"a@example.org\"}}, $template}")" = 400 ]
  jq -e '.error | test("^credential.credentialSubject.name: contains a bidi control \\(U\\+202E\\) at column 4")' "$WORK/r"
  [ "$(issue_status "{\"credential\": {\"credentialSubject\": {\"name\": \"\\u00a0\\u200b\", \"email\": \"a@example.org\"}}, $template}")" = 400 ]
  jq -e '.error | test("^credential.credentialSubject.name: has no visible letter")' "$WORK/r"
  refute grep -q -- '--' "$WORK/r"
}

@test "answers never show where public/ is kept, nor the origin of a status list" {
  printf '{"verifiableCredential": %s}' "$(cat "$(sed -n 1p "$FIX/revoked.paths")")" >"$WORK/rv.json"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' --data-binary @"$WORK/rv.json" "$URL/credentials/verify")
  [ "$code" = 422 ]
  jq -e '.errors[] | select(.check == "status") | .message | test("^revoked \\(list .*, index [0-9]+\\)$")' "$WORK/r"
  refute grep -qF "$FIX" "$WORK/r"
  refute grep -q 'from home' "$WORK/r"
  page "$(cat "$FIX/revoked.vpath")"
  grep -q 'Revoked' "$WORK/page"
  refute grep -qF "$FIX" "$WORK/page"
  refute grep -q 'from home' "$WORK/page"
}

@test "a status list that cannot be fetched is said neutrally, without the fetch error" {
  # The other home's lists are not published anywhere this offline server can read; a server
  # of its own trusts that issuer (lists of untrusted issuers are never fetched at all).
  local cred
  cred=$(sed -n 1p "$FIX/untrusted.paths")
  sc trust add --trust "$WORK/trust.json" "$(jq -r .issuer.id "$cred")" --name Other >/dev/null
  printf '{"verifiableCredential": %s}' "$(cat "$cred")" >"$WORK/u.json"
  local shared_url=$URL shared_pid=$SERVER_PID
  start_server --home "$FIX/home" --offline --trust "$WORK/trust.json"
  curl -s -o "$WORK/r" --data-binary @"$WORK/u.json" "$URL/credentials/verify"
  stop_server
  URL=$shared_url SERVER_PID=$shared_pid
  jq -e '[.errors[], .warnings[] | select(.check == "status")] | length > 0' "$WORK/r"
  jq -e '.errors[] | select(.check == "status") | .message | test("^status list https://other.example/[^ ]*: the status list could not be fetched$")' "$WORK/r"
  refute grep -q 'offline and\|cache' "$WORK/r"
}

@test "an upload's page links to the credential's own /V/ address" {
  curl -s -o "$WORK/r" -F "qr=HTTPS://ACME.EXAMPLE$(cat "$FIX/valid.vpath")" "$URL/verify"
  grep -q 'Valid certificate' "$WORK/r"
  refute grep -q '/verify?download=1' "$WORK/r"
  refute grep -q 'certUrl=[^&]*%2Fverify&' "$WORK/r"
  href=$(sed -n 's/.*<a href="\(\/V\/[^"?]*\)?download=1".*/\1/p' "$WORK/r")
  [ -n "$href" ]
  grep -q "certUrl=[^&]*%2FV%2F1" "$WORK/r"
  curl -s -o "$WORK/c.json" "$URL$href?download=1"
  sc verify --home "$FIX/home" --offline "$WORK/c.json"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' -F "file=@$(sed -n 2p "$FIX/valid.paths")" "$URL/verify")
  [ "$code" = 200 ]
  grep -q '<a href="/V/1[0-9A-Z]*?download=1"' "$WORK/r"
}

@test "a serve holding the signing key and the issue token writes no core dump" {
  # The shared server loaded the home's key and read the token at start.
  grep -E '^Max core file size +0 +0 ' "/proc/$SERVER_PID/limits"
  # Not dumpable: /proc hands its memory-revealing files to root, whoever runs it.
  [ "$(stat -c %u "/proc/$SERVER_PID/environ")" = 0 ]
}

@test "issue routes are absent without --issue-token-file" {
  start_server --home "$FIX/home" --offline --quiet
  [ "$(status_of --data-binary '{}' "$URL/credentials/issue")" = 404 ]
  [ "$(status_of --data-binary '{}' "$URL/certificates")" = 404 ]
  stop_server
}

# A serve that should refuse to start: one that listens instead is stopped after 10 s (124).
serve_briefly() { # binary args...
  local bin=$1
  shift
  timeout 10 "$bin" serve "$@"
}

@test "serve refuses an empty, short or shared token file before listening" {
  [ -x "$SKILLCERT_SAN" ] || skip "no sanitizer build"
  : >"$WORK/tok"
  chmod 600 "$WORK/tok"
  run serve_briefly "$SKILLCERT_SAN" --home "$FIX/home" --offline --issue-token-file "$WORK/tok" --listen 127.0.0.1:0
  [ "$status" -eq 64 ]
  [[ "$output" == *"the token must be 16 to 255 characters on the first line"* ]]
  printf 'short\n' >"$WORK/tok"
  run serve_briefly "$SKILLCERT" --home "$FIX/home" --offline --issue-token-file "$WORK/tok" --listen 127.0.0.1:0
  [ "$status" -eq 64 ]
  # A control character: the service refuses every Authorization holding one (401).
  printf 'secret-token\tfor-tests-0123456789\n' >"$WORK/tok"
  run serve_briefly "$SKILLCERT" --home "$FIX/home" --offline --issue-token-file "$WORK/tok" --listen 127.0.0.1:0
  [ "$status" -eq 64 ]
  [[ "$output" == *"the token holds a control character (byte 13)"* ]]
  printf 'secret-token-for-tests-0123456789\n' >"$WORK/tok"
  chmod 644 "$WORK/tok"
  run serve_briefly "$SKILLCERT" --home "$FIX/home" --offline --issue-token-file "$WORK/tok" --listen 127.0.0.1:0
  [ "$status" -eq 77 ]
  [[ "$output" == *"token file accessible by others (mode 0644); run chmod 600"* ]]
}

@test "serve refuses a --public that is not a readable folder and a --base-url that is not http(s)" {
  run serve_briefly "$SKILLCERT" --public /nonexistent --offline --listen 127.0.0.1:0
  [ "$status" -eq 66 ]
  [[ "$output" == "skillcert: --public: /nonexistent: No such file or directory" ]]
  run serve_briefly "$SKILLCERT" --public "$FIX/token" --offline --listen 127.0.0.1:0
  [ "$status" -eq 66 ]
  [[ "$output" == *"not a readable folder"* ]]
  for bad in ftp://x http:// https:///path 'https://a b'; do
    run serve_briefly "$SKILLCERT" --base-url "$bad" --offline --listen 127.0.0.1:0
    [ "$status" -eq 64 ]
    [[ "$output" == *"--base-url: expected http:// or https:// and a host"* ]]
  done
}

@test "upload: PDF and JSON files, pasted QR text, and an empty form" {
  page /
  [ "$CODE" = 200 ]
  grep -q 'enctype="multipart/form-data"' "$WORK/page"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' -F "file=@$(sed -n 2p "$FIX/valid.paths")" "$URL/verify")
  [ "$code" = 200 ]
  grep -q 'Valid certificate' "$WORK/r"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' -F "file=@$(sed -n 1p "$FIX/revoked.paths")" "$URL/verify")
  [ "$code" = 200 ]
  grep -q 'Revoked' "$WORK/r"
  curl -s -o "$WORK/r" -F "qr=HTTPS://ACME.EXAMPLE$(cat "$FIX/valid.vpath")" "$URL/verify"
  grep -q 'Valid certificate' "$WORK/r"
  curl -s -o "$WORK/r" --data-urlencode "qr=$(cat "$FIX/tampered.vpath")" "$URL/verify"
  grep -q 'Not genuine' "$WORK/r"
  [ "$(status_of -F 'qr=' "$URL/verify")" = 400 ]
}

@test "upload: a PDF whose page shows another name is not genuine, and the page check says so" {
  "$BATS_TEST_DIRNAME/pdf_page.py" reverse "$(sed -n 2p "$FIX/valid.paths")" "$WORK/forged.pdf" 34.00
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' -F "file=@$WORK/forged.pdf" "$URL/verify")
  [ "$code" = 200 ]
  grep -q 'Not genuine' "$WORK/r"
  grep -q '✗ page: <bdi dir="auto">the page does not show' "$WORK/r"
  grep -q 'the page does not show the credential.*s name (.*Zoë valid.*)' "$WORK/r"
  curl -s -o "$WORK/r" -F "file=@$(sed -n 2p "$FIX/valid.paths")" "$URL/verify"
  grep -q 'Valid certificate' "$WORK/r"
  grep -q 'the page shows the credential.*s name, achievement and QR code' "$WORK/r"
}

@test "static public/ files: content type, caching headers, ETag and 304" {
  lists=("$FIX"/home/public/status/*/revocation)
  list=${lists[0]#"$FIX/home/public/"}
  curl -s -D "$WORK/h" -o "$WORK/list" "$URL/$list"
  grep -q '^HTTP/1.1 200' "$WORK/h"
  grep -qi '^Content-Type: application/json' "$WORK/h"
  grep -qi '^Cache-Control: public, max-age=' "$WORK/h"
  cmp "$WORK/list" "$FIX/home/public/$list"
  etag=$(sed -n 's/^ETag: //Ip' "$WORK/h" | tr -d '\r')
  [ -n "$etag" ]
  [ "$(status_of -H "If-None-Match: $etag" "$URL/$list")" = 304 ]
  [ "$(status_of -H 'If-None-Match: "other"' "$URL/$list")" = 200 ]
  [ "$(status_of "$URL/issuer.json")" = 200 ]
  [ "$(status_of "$URL/c/$(id_of valid).json")" = 200 ]
  [ "$(status_of "$URL/status/999/revocation")" = 404 ]
}

@test "no path traversal out of public/: .., %2e%2e, absolute, symlink out" {
  for p in /status/../../skillcert.json /status/%2e%2e/%2e%2e/skillcert.json \
    /c/..%2f..%2fskillcert.json /status//etc/passwd /status/evil /c/%2e%2e/registry.db \
    /.well-known/../../skillcert.json /status/./../keys/signing-key-1.pem; do
    code=$(curl -s --path-as-is -o "$WORK/r" -w '%{http_code}' "$URL$p")
    [ "$code" = 400 ] || [ "$code" = 404 ]
    refute grep -q 'root:' "$WORK/r"
    refute grep -q 'issuerName\|PRIVATE KEY' "$WORK/r"
  done
}

@test "oversized bodies and headers are refused" {
  head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$WORK/big"
  [ "$(status_of --data-binary @"$WORK/big" "$URL/credentials/verify")" = 413 ]
  head -c $((9 * 1024 * 1024)) /dev/zero >"$WORK/huge.pdf"
  [ "$(status_of -F "file=@$WORK/huge.pdf" "$URL/verify")" = 413 ]
  long=$(head -c 40000 /dev/zero | tr '\0' 'x')
  code=$(status_of -H "X-Long: $long" "$URL/healthz")
  [ "$code" = 431 ] || [ "$code" = 414 ] || [ "$code" = 413 ]
  code=$(status_of "$URL/V/1$long")
  [ "$code" = 414 ] || [ "$code" = 431 ]
  [ "$(status_of "$URL/healthz")" = 200 ]
}

@test "other methods get 405 with Allow" {
  curl -s -D "$WORK/h" -o /dev/null -X DELETE "$URL$(cat "$FIX/valid.vpath")"
  grep -q '^HTTP/1.1 405' "$WORK/h"
  grep -qi '^Allow: GET, HEAD' "$WORK/h"
  curl -s -D "$WORK/h" -o /dev/null -X PUT --data '{}' "$URL/credentials/verify"
  grep -q '^HTTP/1.1 405' "$WORK/h"
  grep -qi '^Allow: POST' "$WORK/h"
  [ "$(status_of -X GET "$URL/credentials/verify")" = 405 ]
  [ "$(status_of -X POST --data x "$URL/issuer.json")" = 405 ]
  [ "$(status_of -I "$URL/healthz")" = 200 ]
}

@test "the request log has one line per request and never the QR payload" {
  vpath=$(cat "$FIX/valid.vpath")
  status_of "$URL$vpath" >/dev/null
  eventually grep -qE '^[0-9-]+T[0-9:]+Z GET /V/… 200 [0-9.]+ms$' "$FIX/serve.log"
  refute grep -qF "${vpath:3:40}" "$FIX/serve.log"
}

@test "SIGTERM: the request in flight finishes, then the server exits 0" {
  start_server --home "$FIX/home" --offline
  printf '{"verifiableCredential": %s}' "$(cat "$(sed -n 1p "$FIX/valid.paths")")" >"$WORK/v.json"
  # ~3 KB at 1 KB/s: the upload is still running when the signal arrives.
  curl -s -o "$WORK/r" -w '%{http_code}' --limit-rate 1K --data-binary @"$WORK/v.json" \
    "$URL/credentials/verify" >"$WORK/code" &
  client=$!
  sleep 1
  kill -TERM "$SERVER_PID"
  wait "$client"
  [ "$(cat "$WORK/code")" = 200 ]
  jq -e '.verified == true' "$WORK/r"
  wait "$SERVER_PID"
  SERVER_PID=
  refute curl -s -o /dev/null "$URL/healthz"
}

@test "VC API verify: an untrusted issuer is a warning, a failure with --require-trust; the page stays amber" {
  jq '{verifiableCredential: .}' "$(sed -n 1p "$FIX/untrusted.paths")" >"$WORK/u.json"
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' --data-binary @"$WORK/u.json" "$URL/credentials/verify")
  [ "$code" = 200 ]
  jq -e '.verified == true and (.warnings[] | select(.check == "trust") | .message | test("not on this service.s trust list"))' "$WORK/r"
  refute grep -q -- '--trust' "$WORK/r"
  page "$(cat "$FIX/untrusted.vpath")"
  grep -q 'class="verdict warn"' "$WORK/page"
  grep -q 'Issuer not recognised' "$WORK/page"
  local default_url=$URL default_pid=$SERVER_PID
  start_server --home "$FIX/home" --offline --quiet --require-trust
  code=$(curl -s -o "$WORK/r" -w '%{http_code}' --data-binary @"$WORK/u.json" "$URL/credentials/verify")
  stop_server
  URL=$default_url SERVER_PID=$default_pid
  [ "$code" = 422 ]
  jq -e '.verified == false and (.errors[] | select(.check == "trust"))' "$WORK/r"
}
