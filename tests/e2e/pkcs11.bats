#!/usr/bin/env bats
# Keys in a PKCS#11 token (docs/keys.md "Keys in an HSM"), against a SoftHSM2 token that lives
# in the test's own folder.
load helpers

ACH=${ROOT:-.}/templates/ai-fundamentals/achievement.json
TOKEN_PIN=246810 # distinctive, so that a message holding it would be caught

softhsm_module() {
  local m
  for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
    /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
    [ -f "$m" ] && { echo "$m"; return 0; }
  done
  return 1
}

setup() {
  work_setup
  unset SKILLCERT_PIN_FILE
  command -v softhsm2-util >/dev/null || skip "softhsm2 is not installed (scripts/debian-packages-test)"
  MODULE=$(softhsm_module) || skip "no libsofthsm2.so"
  mkdir "$WORK/tokens"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$WORK" >"$WORK/softhsm2.conf"
  export SOFTHSM2_CONF=$WORK/softhsm2.conf
  # When SKILLCERT is the sanitizer build (tests/run.sh): SoftHSM2's own leak is not ours to
  # report (tests/lsan-softhsm2.supp); the suppression needs the slow unwinder to see its frames.
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
  export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan-softhsm2.supp
  softhsm2-util --init-token --free --label test --pin "$TOKEN_PIN" --so-pin 5678 >/dev/null
  printf '%s\n' "$TOKEN_PIN" >"$WORK/pin"
  chmod 600 "$WORK/pin"
}

# The URI of key LABEL in the test token, its PIN in $WORK/pin.
uri() {
  echo "pkcs11:token=test;object=$1?module-path=$MODULE&pin-source=file:$WORK/pin"
}

token_home() {
  sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example --key "$(uri "${1:-k1}")" \
    >/dev/null
}

issuer_id() {
  $PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["issuer"]["id"])' "$WORK/home/skillcert.json"
}

verify_valid() { # credential…
  sc trust add "$(issuer_id)" --name Acme --trust "$WORK/trust.json" >/dev/null
  local cred
  for cred in "$@"; do
    run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" "$cred"
    [ "$status" -eq 0 ]
    [[ "$output" == VALID* ]]
  done
}

# No file of the home holds a private key.
no_private_key_file() {
  [ -z "$(find "$WORK/home" -name '*.pem')" ]
  run grep -rl "PRIVATE KEY" "$WORK/home"
  [ "$status" -eq 1 ]
}

@test "init --key makes the key in the token; credentials it signs there verify" {
  token_home
  grep -q "\"key\": \"pkcs11:token=test;object=k1?" "$WORK/home/skillcert.json"
  cred=$(sc issue --home "$WORK/home" --name "Zoë Łukasiewicz" --email zoe@example.org \
    --achievement "$ACH" | head -1)
  verify_valid "$cred"
}

@test "a home whose key is in the token holds no private key file" {
  token_home
  sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH" >/dev/null
  no_private_key_file
}

@test "key import moves the home's key into the token, keeping its did" {
  sc init "$WORK/home" --name Acme --url https://acme.example --no-passphrase >/dev/null
  before=$(issuer_id)
  run sc key import "$WORK/home/keys/signing-key-1.pem" --home "$WORK/home" --to "$(uri moved)"
  [ "$status" -eq 0 ]
  [[ "$output" == *"still holds the private key"* ]]
  [ "$(issuer_id)" = "$before" ]
  rm "$WORK/home/keys/signing-key-1.pem"
  no_private_key_file
  cred=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH" | head -1)
  verify_valid "$cred"
}

@test "key import of a new key makes it the current one; importing over a token key is refused" {
  token_home
  sc key generate -o "$WORK/new.pem" --no-passphrase >/dev/null
  run sc key import "$WORK/new.pem" --home "$WORK/home" --to "$(uri imported)"
  [ "$status" -eq 0 ]
  [ "$(issuer_id)" = "$(sc key list --home "$WORK/home" --json | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)[-1]["did"])')" ]
  run sc key import "$WORK/new.pem" --home "$WORK/home" --to "$(uri k1)"
  [ "$status" -eq 73 ]
  [[ "$output" == *"already holds a key the URI names"* ]]
}

@test "key rotate --to makes a new key in the token; both keys' credentials verify" {
  token_home k1
  old=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH" | head -1)
  old_id=$(issuer_id)
  run sc key rotate --home "$WORK/home" --to "$(uri k2)"
  [ "$status" -eq 0 ]
  [ "$(issuer_id)" != "$old_id" ]
  [ "$(sc key list --home "$WORK/home" --json | $PYTHON -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ]
  new=$(sc issue --home "$WORK/home" --name Bob --email bob@example.org --achievement "$ACH" | head -1)
  sc trust add "$old_id" --name Acme --trust "$WORK/trust.json" >/dev/null
  verify_valid "$old" "$new"
  no_private_key_file
  # The same key again is not a new key.
  run sc key rotate --home "$WORK/home" --to "$(uri k2)"
  [ "$status" -eq 64 ]
  [[ "$output" == *"already key 2 of this issuer home"* ]]
}

@test "key rotate without --to leaves the token for a new key file; key retire names a token key by its URI" {
  token_home
  run sc key rotate --home "$WORK/home" --no-passphrase
  [ "$status" -eq 0 ]
  [ -f "$WORK/home/keys/signing-key-2.pem" ]
  cred=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH" | head -1)
  verify_valid "$cred"
  run sc key retire "$(uri k1)" --after 2026-01-01 --home "$WORK/home"
  [ "$status" -eq 0 ]
  [ "$(sc key list --home "$WORK/home" --json | $PYTHON -c 'import json,sys; k=json.load(sys.stdin)[0]; print(k["key"].split("?")[0], k["status"])')" = "pkcs11:token=test;object=k1 retired after 2026-01-01T00:00:00Z" ]
}

@test "a wrong PIN is a clear error that does not show the PIN" {
  token_home
  printf '975319\n' >"$WORK/pin"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH"
  [ "$status" -eq 77 ]
  [[ "$output" == *"token 'test': wrong PIN (from the key URI's pin-source)"* ]]
  [[ "$output" != *975319* ]]
  [[ "$output" != *"$TOKEN_PIN"* ]]
}

@test "a PIN file others can read is refused" {
  token_home
  chmod 644 "$WORK/pin"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH"
  [ "$status" -eq 77 ]
  [[ "$output" == *"$WORK/pin: PIN file accessible by others (mode 0644); run chmod 600"* ]]
  [[ "$output" != *"$TOKEN_PIN"* ]]
}

@test "the PIN comes from SKILLCERT_PIN_FILE when the URI names no pin-source; pin-value is refused" {
  run sc init "$WORK/home" --name Acme --url https://acme.example \
    --key "pkcs11:token=test;object=k1?module-path=$MODULE"
  [ "$status" -eq 64 ]
  [[ "$output" == *"needs a PIN"*"SKILLCERT_PIN_FILE"* ]]
  [ ! -e "$WORK/home" ]
  SKILLCERT_PIN_FILE=$WORK/pin sc init "$WORK/home" --name Acme --url https://acme.example \
    --key "pkcs11:token=test;object=k1?module-path=$MODULE" >/dev/null
  run sc init "$WORK/home2" --name Acme --url https://acme.example \
    --key "pkcs11:token=test;object=k1?module-path=$MODULE&pin-value=$TOKEN_PIN"
  [ "$status" -eq 78 ]
  [[ "$output" == *"pin-value would store the PIN in skillcert.json"* ]]
  [[ "$output" != *"$TOKEN_PIN"* ]]
}

@test "a batch of 200 with -j 2 is signed in the token, every credential" {
  token_home
  $PYTHON -c '
print("id,name,email")
for i in range(200): print(f"L-{i:05d},Learner {i},learner{i}@example.org")' >"$WORK/roster.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2 --no-pdf
  [ "$status" -eq 0 ]
  [[ "$output" == *"200 issued"* ]]
  [ "$(find "$WORK/home/out" -name '*.json' | wc -l)" -eq 200 ]
  # shellcheck disable=SC2046 # the paths hold no spaces
  verify_valid $(find "$WORK/home/out" -name '*.json' | sort | sed -n '1p;100p;200p')
}

@test "issuing with a token key is clean under ASan+UBSan" {
  token_home
  [ -x "$SKILLCERT_SAN" ] || skip "no sanitizer build ($SKILLCERT_SAN)"
  ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 run "$SKILLCERT_SAN" issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$ACH"
  [ "$status" -eq 0 ]
}
