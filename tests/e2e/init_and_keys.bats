#!/usr/bin/env bats
# The issuer's home and its signing key.
load helpers

@test "init creates the home layout with a private key only its owner can read" {
  run sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example --no-passphrase
  [ "$status" -eq 0 ]
  for d in keys templates public out; do [ -d "$WORK/home/$d" ]; done
  [ -f "$WORK/home/skillcert.json" ]
  [ "$(stat -c %a "$WORK/home/keys/signing-key-1.pem")" = 600 ]
  [ "$(stat -c %a "$WORK/home/keys")" = 700 ]
  grep -q '"id": "did:key:z6Mk' "$WORK/home/skillcert.json"
  # the shipped designs are copied in, for the provider to adapt
  for t in ai-fundamentals prompt-engineering responsible-ai; do
    [ -f "$WORK/home/templates/$t/template.json" ]
    [ -f "$WORK/home/templates/$t/achievement.json" ]
  done
}

@test "init refuses a folder that is already a home" {
  make_home
  run sc init "$WORK/home" --name X --url https://x.example --no-passphrase
  [ "$status" -eq 73 ]
  [[ "$output" == *"already an issuer home"* ]]
}

@test "init requires an https issuer URL" {
  run sc init "$WORK/home" --name X --url http://x.example --no-passphrase
  [ "$status" -eq 64 ]
  [[ "$output" == *"--url: expected an https:// URL"* ]]
}

@test "key show prints the DID, Multikey and public PEM but never private material" {
  make_home
  run sc key show --home "$WORK/home"
  [ "$status" -eq 0 ]
  [[ "$output" == *"did:key:z6Mk"* ]]
  [[ "$output" == *"BEGIN PUBLIC KEY"* ]]
  [[ "$output" != *"PRIVATE"* ]]
}

@test "a passphrase-protected key is encrypted on disk and signs with the passphrase" {
  printf 'correct horse battery staple\n' >"$WORK/pass"
  chmod 600 "$WORK/pass"
  run sc init "$WORK/home" --name "Acme" --url https://acme.example --passphrase-file "$WORK/pass"
  [ "$status" -eq 0 ]
  grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$WORK/home/keys/signing-key-1.pem"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json" --passphrase-file "$WORK/pass"
  [ "$status" -eq 0 ]
  SKILLCERT_PASSPHRASE_FILE="$WORK/pass" sc issue --home "$WORK/home" --name Bo \
    --email bo@example.org --achievement "$ROOT/templates/ai-fundamentals/achievement.json"
}

@test "a wrong passphrase is refused with a clear error" {
  printf 'right\n' >"$WORK/pass"
  printf 'wrong\n' >"$WORK/bad"
  chmod 600 "$WORK/pass" "$WORK/bad"
  sc init "$WORK/home" --name "Acme" --url https://acme.example --passphrase-file "$WORK/pass"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json" --passphrase-file "$WORK/bad"
  [ "$status" -eq 77 ]
  [[ "$output" == "skillcert: "*"passphrase"* ]]
  [[ "$output" != *"wrong"$'\n'* ]]
}

@test "an encrypted key with no passphrase source is refused, not prompted, without a terminal" {
  printf 'right\n' >"$WORK/pass"
  chmod 600 "$WORK/pass"
  sc init "$WORK/home" --name "Acme" --url https://acme.example --passphrase-file "$WORK/pass"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json" </dev/null
  [ "$status" -eq 64 ]
  [[ "$output" == *"passphrase"* ]]
}

@test "a key file readable by others is refused" {
  make_home
  chmod 644 "$WORK/home/keys/signing-key-1.pem"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json"
  [ "$status" -eq 77 ]
  [[ "$output" == *"chmod 600"* ]]
}

@test "a missing key file is reported by name" {
  make_home
  rm "$WORK/home/keys/signing-key-1.pem"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json"
  [ "$status" -eq 66 ]
  [[ "$output" == *"signing-key-1.pem"* ]]
}

@test "key generate writes a 0600 key and prints its did:key" {
  run sc key generate -o "$WORK/new.pem" --no-passphrase
  [ "$status" -eq 0 ]
  [[ "$output" == did:key:z6Mk* ]]
  [ "$(stat -c %a "$WORK/new.pem")" = 600 ]
}

@test "commands are found from inside the home without --home" {
  make_home
  mkdir -p "$WORK/home/out/sub"
  cd "$WORK/home/out/sub"
  run sc key show
  [ "$status" -eq 0 ]
  [[ "$output" == *"did:key:"* ]]
}

@test "every command answers --help" {
  for c in init key issue verify trust; do
    run sc "$c" --help
    [ "$status" -eq 0 ]
    [[ "$output" == usage:* ]]
  done
}

@test "--public-url decides where credentials point for their status lists" {
  run sc init "$WORK/home" --name Acme --url https://acme.example \
    --public-url https://cdn.acme.example/pub --no-passphrase
  [ "$status" -eq 0 ]
  cred=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals | head -1)
  grep -q '"statusListCredential": "https://cdn.acme.example/pub/status/1/revocation"' "$cred"
  run sc verify --home "$WORK/home" "$cred"
  [ "$status" -eq 0 ]
  run sc init "$WORK/other" --name Acme --url https://acme.example --public-url http://x.example --no-passphrase
  [ "$status" -eq 64 ]
}

@test "init with no passphrase source creates nothing, and a re-run works" {
  run sc init "$WORK/h" --name A --url https://a.example </dev/null
  [ "$status" -eq 64 ]
  [ ! -e "$WORK/h" ]
  printf 'x\n' >"$WORK/p644"
  chmod 644 "$WORK/p644"
  run sc init "$WORK/h" --name A --url https://a.example --passphrase-file "$WORK/p644"
  [ "$status" -eq 77 ]
  [ ! -e "$WORK/h" ]
  : >"$WORK/empty"
  chmod 600 "$WORK/empty"
  run sc init "$WORK/h" --name A --url https://a.example --passphrase-file "$WORK/empty"
  [ "$status" -eq 65 ]
  [ ! -e "$WORK/h" ]
  run sc init "$WORK/h" --name A --url https://a.example --passphrase-file "$WORK"
  [ "$status" -eq 66 ]
  run sc init "$WORK/h" --name A --url https://a.example --passphrase-file "$WORK/missing"
  [ "$status" -eq 66 ]
  SKILLCERT_PASSPHRASE_FILE="$WORK/missing" run sc init "$WORK/h" --name A --url https://a.example
  [ "$status" -eq 66 ]
  [[ "$output" == *"SKILLCERT_PASSPHRASE_FILE"* ]]
  [ ! -e "$WORK/h" ]
  run sc init "$WORK/h" --name A --url https://a.example --no-passphrase
  [ "$status" -eq 0 ]
}

@test "a failed init removes what it made and keeps what was there before" {
  mkdir -p "$WORK/h/keys"
  echo mine >"$WORK/h/keys/signing-key-1.pem"
  echo notes >"$WORK/h/notes.txt"
  run sc init "$WORK/h" --name A --url https://a.example --no-passphrase
  [ "$status" -eq 73 ]
  [ "$(cat "$WORK/h/keys/signing-key-1.pem")" = mine ]
  [ -f "$WORK/h/notes.txt" ]
  for d in templates public out; do [ ! -e "$WORK/h/$d" ]; done
  [ ! -e "$WORK/h/skillcert.json" ]
}

@test "a bad option is reported once, in skillcert's format, naming the option" {
  for c in init issue verify key render serve revoke publish list trust template; do
    run sc "$c" --bogus
    [ "$status" -eq 64 ]
    [ "${lines[0]}" = "skillcert: $c: unknown option '--bogus'" ]
    [ "${#lines[@]}" -eq 2 ]
  done
  run sc init "$WORK/h" --name
  [ "${lines[0]}" = "skillcert: init: option '--name' needs a value" ]
  run sc key list --json=yes
  [ "${lines[0]}" = "skillcert: key: option '--json' takes no value" ]
  run sc key generate -o
  [ "${lines[0]}" = "skillcert: key: option '-o' needs a value" ]
}

@test "a --home path too long for the system is refused whole, not cut to another folder" {
  long=$(printf 'h%.0s' $(seq 5000))
  run sc list --home "$WORK/$long"
  [ "$status" -eq 78 ]
  [[ "$output" == *"...: path too long (more than 4095 bytes)"* ]]
}
