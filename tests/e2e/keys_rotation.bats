#!/usr/bin/env bats
# did:web issuers, key rotation and key retirement (docs/keys.md, docs/trust-list.md).
load helpers

ACH=${ROOT:-.}/templates/ai-fundamentals/achievement.json

web_home() {
  sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example \
    --did-web "${1:-acme.example}" --no-passphrase >/dev/null
}

issue_as() { # name → path of the credential
  sc issue --home "$WORK/home" --name "$1" --email "$1@example.org" --achievement "$ACH"
}

# Verifies with the published did:web document and the home's status lists.
verify_web() {
  run sc verify --trust "$WORK/trust.json" --did-doc "$WORK/home/public/.well-known/did.json" \
    --status "$WORK/home/public" "$@"
}

vm_of() {
  $PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["proof"][0]["verificationMethod"])' "$1"
}

@test "init --did-web makes a did:web issuer that signs with <did>#<multikey>" {
  web_home
  grep -q '"id": "did:web:acme.example"' "$WORK/home/skillcert.json"
  grep -q '"did": "did:key:z6Mk' "$WORK/home/skillcert.json"
  cred=$(issue_as ann)
  did=$($PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][0]["did"])' "$WORK/home/skillcert.json")
  [ "$(vm_of "$cred")" = "did:web:acme.example#${did#did:key:}" ]
}

@test "init --did-web refuses what is not a host name" {
  run sc init "$WORK/home" --name A --url https://a.example --did-web Acme.Example --no-passphrase
  [ "$status" -eq 64 ]
  [[ "$output" == *"--did-web"*"lower-case host"* ]]
  run sc init "$WORK/home2" --name A --url https://a.example --did-web 'a.example:..' --no-passphrase
  [ "$status" -eq 64 ]
}

@test "publish writes .well-known/did.json with the key, and verify uses it" {
  web_home
  cred=$(issue_as ann)
  sc publish --home "$WORK/home" >/dev/null
  doc="$WORK/home/public/.well-known/did.json"
  [ "$($PYTHON -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"], d["verificationMethod"][0]["type"], d["assertionMethod"][0])' "$doc")" = "did:web:acme.example Multikey $(vm_of "$cred")" ]
  sc trust add did:web:acme.example --name Acme --trust "$WORK/trust.json"
  verify_web "$cred"
  [ "$status" -eq 0 ]
  [[ "$output" == VALID* ]]
  # The same document found in a folder laid out like public/ (as served at the host).
  run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" --offline "$cred"
  [ "$status" -eq 0 ]
}

@test "a did:web DID with a path publishes at <path>/did.json" {
  web_home acme.example:issuers:ai
  cred=$(issue_as ann)
  sc publish --home "$WORK/home" >/dev/null
  [ -f "$WORK/home/public/issuers/ai/did.json" ]
  sc trust add did:web:acme.example:issuers:ai --name Acme --trust "$WORK/trust.json"
  run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" --offline "$cred"
  [ "$status" -eq 0 ]
}

@test "a did:web document with another id or without the key fails with the reason" {
  web_home
  cred=$(issue_as ann)
  sc trust add did:web:acme.example --name Acme --trust "$WORK/trust.json"
  doc="$WORK/home/public/.well-known/did.json"
  sed 's/"id": "did:web:acme.example"/"id": "did:web:evil.example"/' "$doc" >"$WORK/wrong-id.json"
  run sc verify --trust "$WORK/trust.json" --did-doc "$WORK/wrong-id.json" --status "$WORK/home/public" "$cred"
  [ "$status" -eq 1 ]
  [[ "$output" == *"id is did:web:evil.example, not did:web:acme.example"* ]]
  $PYTHON -c 'import json,sys; d=json.load(open(sys.argv[1])); d["verificationMethod"]=[]; json.dump(d,open(sys.argv[2],"w"))' "$doc" "$WORK/no-vm.json"
  run sc verify --trust "$WORK/trust.json" --did-doc "$WORK/no-vm.json" --status "$WORK/home/public" "$cred"
  [ "$status" -eq 1 ]
  [[ "$output" == *"is not in the DID document of did:web:acme.example"* ]]
}

@test "did:web rotation: credentials from before and after verify with the one document" {
  web_home
  a=$(issue_as ann)
  run sc key rotate --home "$WORK/home" --no-passphrase
  [ "$status" -eq 0 ]
  [[ "$output" == *"nothing changes for them"* ]]
  [ -f "$WORK/home/keys/signing-key-2.pem" ]
  b=$(issue_as bo)
  [ "$(vm_of "$a")" != "$(vm_of "$b")" ]
  grep -q '"id": "did:web:acme.example"' "$WORK/home/skillcert.json"
  sc trust add did:web:acme.example --name Acme --trust "$WORK/trust.json"
  verify_web "$a" "$b"
  [ "$status" -eq 0 ]
  run sc verify --home "$WORK/home" "$a" "$b"
  [ "$status" -eq 0 ]
}

@test "did:web retirement: proofs made after the date fail, earlier ones verify" {
  web_home
  a=$(issue_as ann)
  sc key rotate --home "$WORK/home" --no-passphrase >/dev/null
  b=$(issue_as bo)
  sc trust add did:web:acme.example --name Acme --trust "$WORK/trust.json"
  # Retired long after A was signed: A keeps verifying.
  sc key retire signing-key-1.pem --after 2999-01-01 --reason "routine" --home "$WORK/home" >/dev/null
  grep -q '"revoked": "2999-01-01T00:00:00Z"' "$WORK/home/public/.well-known/did.json"
  verify_web "$a"
  [ "$status" -eq 0 ]
  # Retired before A was signed: A's proof was made by a retired key.
  sc key retire signing-key-1.pem --after 2000-01-01 --home "$WORK/home" >/dev/null
  verify_web "$a"
  [ "$status" -eq 1 ]
  [[ "$output" == *"was retired on 2000-01-01T00:00:00Z (the DID document); this proof was made after that"* ]]
  verify_web "$b"
  [ "$status" -eq 0 ]
  run sc verify --home "$WORK/home" "$a"
  [ "$status" -eq 1 ]
  [[ "$output" == *"retired on 2000-01-01T00:00:00Z (issuer home)"* ]]
}

@test "did:key rotation: the issuer id follows the key and both DIDs stay trusted" {
  make_home
  old=$($PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["issuer"]["id"])' "$WORK/home/skillcert.json")
  a=$(issue_as ann)
  run sc key rotate --home "$WORK/home" --no-passphrase
  [ "$status" -eq 0 ]
  new=$($PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["issuer"]["id"])' "$WORK/home/skillcert.json")
  [ "$old" != "$new" ]
  [[ "$output" == *"skillcert trust add $new --name \"Acme AI Academy\""* ]]
  grep -q "$new#" "$WORK/home/public/issuer.json"
  grep -q "$old#" "$WORK/home/public/issuer.json"
  b=$(issue_as bo)
  [ "$(vm_of "$b")" = "$new#${new#did:key:}" ]
  sc trust add "$old" --name Acme --trust "$WORK/trust.json"
  sc trust add "$new" --name Acme --trust "$WORK/trust.json"
  # Both verify fully: the lists, now signed with the new key, are accepted for the credential
  # of the old key because the trust list files both DIDs under one issuer.
  for cred in "$a" "$b"; do
    run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" "$cred"
    [ "$status" -eq 0 ]
    [[ "$output" == *"✓ trust        issuer is trusted as \"Acme\""* ]]
    run sc verify --home "$WORK/home" "$cred"
    [ "$status" -eq 0 ]
  done
  # A list signed by a key the trust list does not file under the same issuer is refused.
  sc trust remove "$new" --trust "$WORK/trust.json"
  sc trust add "$new" --name "Someone else" --trust "$WORK/trust.json"
  run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" "$a"
  [ "$status" -eq 6 ]
}

@test "did:key retirement through the trust list and through --home" {
  make_home
  old=$($PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["issuer"]["id"])' "$WORK/home/skillcert.json")
  a=$(issue_as ann)
  sc key rotate --home "$WORK/home" --no-passphrase >/dev/null
  sc trust add "$old" --name Acme --trust "$WORK/trust.json"
  run sc trust retire "$old" --after 2999-01-01 --trust "$WORK/trust.json"
  [ "$status" -eq 0 ]
  run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" "$a"
  [[ "$output" == *"✓ proof"* ]]
  sc trust retire "$old" --after 2000-01-01T00:00:00Z --trust "$WORK/trust.json"
  run sc trust list --trust "$WORK/trust.json"
  [[ "$output" == *"$old  retired after 2000-01-01T00:00:00Z"* ]]
  run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" "$a"
  [ "$status" -eq 1 ]
  [[ "$output" == *"was retired on 2000-01-01T00:00:00Z (trust list); this proof was made after that"* ]]
  # The issuer's own home knows the retirement too.
  run sc key retire "$old" --after 2000-01-01 --home "$WORK/home"
  [ "$status" -eq 0 ]
  [[ "$output" == *"skillcert trust retire $old --after 2000-01-01T00:00:00Z"* ]]
  grep -q '"revoked": "2000-01-01T00:00:00Z"' "$WORK/home/public/issuer.json"
  run sc verify --home "$WORK/home" "$a"
  [ "$status" -eq 1 ]
  [[ "$output" == *"(issuer home)"* ]]
}

@test "key retire refuses the current key, unknown keys and bad dates" {
  make_home
  run sc key retire signing-key-1.pem --after 2026-01-01 --home "$WORK/home"
  [ "$status" -eq 64 ]
  [[ "$output" == *"current signing key: run 'skillcert key rotate' first"* ]]
  sc key rotate --home "$WORK/home" --no-passphrase >/dev/null
  run sc key retire z6MkNotAKey --after 2026-01-01 --home "$WORK/home"
  [ "$status" -eq 64 ]
  [[ "$output" == *"names no key of this issuer"* ]]
  run sc key retire signing-key-1.pem --after tomorrow --home "$WORK/home"
  [ "$status" -eq 64 ]
  run sc key retire signing-key-1.pem --home "$WORK/home"
  [ "$status" -eq 64 ]
}

@test "key list shows every key with its status; rotate keeps the encryption asked for" {
  printf 'secret one\n' >"$WORK/pass"
  chmod 600 "$WORK/pass"
  sc init "$WORK/home" --name Acme --url https://acme.example --passphrase-file "$WORK/pass" >/dev/null
  sc key rotate --home "$WORK/home" --passphrase-file "$WORK/pass" >/dev/null
  grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$WORK/home/keys/signing-key-2.pem"
  [ "$(stat -c %a "$WORK/home/keys/signing-key-2.pem")" = 600 ]
  # the encrypted current key still opens first: its passphrase from the variable
  SKILLCERT_PASSPHRASE_FILE="$WORK/pass" sc key rotate --home "$WORK/home" --no-passphrase >/dev/null
  grep -q 'BEGIN PRIVATE KEY' "$WORK/home/keys/signing-key-3.pem"
  sc key retire signing-key-1.pem --after 2026-01-01 --reason "laptop lost" --home "$WORK/home" >/dev/null
  run sc key list --home "$WORK/home"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 3 ]
  [[ "${lines[0]}" == "retired after 2026-01-01T00:00:00Z"*"signing-key-1.pem"*"laptop lost" ]]
  [[ "${lines[1]}" == active*"signing-key-2.pem" ]]
  [[ "${lines[2]}" == current*"signing-key-3.pem" ]]
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH"
  [ "$status" -eq 0 ]
}

@test "key rotate with a wrong passphrase writes nothing and exits 77" {
  printf 'right\n' >"$WORK/pass"
  printf 'wrong\n' >"$WORK/wpass"
  chmod 600 "$WORK/pass" "$WORK/wpass"
  sc init "$WORK/home" --name Acme --url https://acme.example --passphrase-file "$WORK/pass" >/dev/null
  cp "$WORK/home/skillcert.json" "$WORK/before.json"
  run sc key rotate --home "$WORK/home" --passphrase-file "$WORK/wpass"
  [ "$status" -eq 77 ]
  [[ "$output" == *"signing-key-1.pem: wrong passphrase"* ]]
  [ ! -e "$WORK/home/keys/signing-key-2.pem" ]
  cmp "$WORK/home/skillcert.json" "$WORK/before.json"
  run sc key rotate --home "$WORK/home" --no-passphrase </dev/null
  [ "$status" -eq 64 ]
  [[ "$output" == *"the current key is encrypted, and rotating needs its passphrase"* ]]
  [ ! -e "$WORK/home/keys/signing-key-2.pem" ]
  sc key rotate --home "$WORK/home" --passphrase-file "$WORK/pass" >/dev/null
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH" \
    --passphrase-file "$WORK/pass"
  [ "$status" -eq 0 ]
}
