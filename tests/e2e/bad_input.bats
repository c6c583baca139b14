#!/usr/bin/env bats
# Whatever arrives at the verifier, it answers with a clear message and the right exit code.
load helpers

expect_malformed() {
  run sc verify "$1"
  [ "$status" -eq 65 ]
  [[ "$output" == "skillcert: "* || "$output" == "NOT A CREDENTIAL"* ]]
}

@test "an empty file exits 65" {
  : >"$WORK/empty.json"
  expect_malformed "$WORK/empty.json"
}

@test "text that is not JSON exits 65 with line and column" {
  printf '{\n  "a": nope\n}\n' >"$WORK/x.json"
  expect_malformed "$WORK/x.json"
  [[ "$output" == *"x.json:2:"* ]]
}

@test "duplicate keys exit 65" {
  printf '{"proof": 1, "proof": 2}' >"$WORK/x.json"
  expect_malformed "$WORK/x.json"
  [[ "$output" == *"duplicate"* ]]
}

@test "a 100 MB input is refused without being read" {
  truncate -s 100M "$WORK/big.json"
  expect_malformed "$WORK/big.json"
  [[ "$output" == *"limit"* ]]
}

@test "nesting 10,000 deep is refused" {
  $PYTHON -c 'print("[" * 10000 + "]" * 10000)' >"$WORK/deep.json"
  expect_malformed "$WORK/deep.json"
  [[ "$output" == *"deep"* || "$output" == *"depth"* ]]
}

@test "invalid UTF-8 is refused" {
  printf '{"name": "\xff\xfe"}' >"$WORK/x.json"
  expect_malformed "$WORK/x.json"
  [[ "$output" == *"UTF-8"* ]]
}

@test "a credential with no proof exits 65" {
  expect_malformed "$VECTORS/eddsa-jcs-2022/unsigned.json"
  [[ "$output" == *"no proof"* ]]
}

@test "a JSON value that is not an object exits 65" {
  echo '[1, 2, 3]' >"$WORK/x.json"
  expect_malformed "$WORK/x.json"
}

@test "a missing file exits 66" {
  run sc verify "$WORK/nope.json"
  [ "$status" -eq 66 ]
  [[ "$output" == "skillcert: "*"nope.json"* ]]
}

@test "usage errors exit 64" {
  run sc verify
  [ "$status" -eq 64 ]
  run sc verify --bogus x
  [ "$status" -eq 64 ]
  run sc frobnicate
  [ "$status" -eq 64 ]
}

@test "--json reports unreadable input in the same shape" {
  run sc verify --json "$WORK/nope.json"
  [ "$status" -eq 66 ]
  echo "$output" | $PYTHON -c 'import json,sys; r=json.load(sys.stdin); assert r["verified"] is False and r["errors"]'
}

@test "the W3C signed example verifies its proof but its issuer is untrusted" {
  run sc verify "$VECTORS/eddsa-jcs-2022/signedJCS.json"
  [[ "$output" == *"✓ proof"* ]]
}

@test "an unreadable --did-doc is refused at once, naming the file" {
  echo '{}' >"$WORK/c.json"
  run sc verify --did-doc "$WORK/missing-did.json" "$WORK/c.json"
  [ "$status" -eq 66 ]
  [[ "$output" == "skillcert: --did-doc $WORK/missing-did.json: No such file or directory"* ]]
}

@test "verify: a --status path that does not exist is refused at once, naming it" {
  echo '{}' >"$WORK/c.json"
  run sc verify --status "$WORK/no-such-public" "$WORK/c.json"
  [ "$status" -eq 66 ]
  [[ "$output" == "skillcert: --status $WORK/no-such-public: No such file or directory"* ]]
}

@test "verify: trust list --trust with a missing file or a folder exits 66" {
  run sc trust list --trust "$WORK/missing.json"
  [ "$status" -eq 66 ]
  [[ "$output" == "skillcert: $WORK/missing.json: No such file or directory"* ]]
  mkdir "$WORK/folder"
  run sc trust list --trust "$WORK/folder"
  [ "$status" -eq 66 ]
  [[ "$output" == "skillcert: $WORK/folder: is a directory"* ]]
  run sc verify --trust "$WORK/folder" "$WORK/folder"
  [ "$status" -eq 66 ]
  # with no list at all nobody is trusted, and adding creates the file
  run sc trust list
  [ "$status" -eq 0 ]
  sc trust add did:web:acme.example --name Acme --trust "$WORK/new.json"
  [ -f "$WORK/new.json" ]
}

@test "trust add says which folder of the default list it cannot create" {
  # A link that leads nowhere stands where the default list's folder (XDG_CONFIG_HOME/skillcert)
  # must go: the list is not there (so add starts a new one), and its folder cannot be made.
  mkdir -p "$WORK/config"
  ln -s "$WORK/unmounted/skillcert" "$WORK/config/skillcert"
  run sc trust add did:web:acme.example --name Acme
  [ "$status" -eq 73 ]
  [[ "$output" == "skillcert: $WORK/config/skillcert: cannot create a folder there: it is a link that leads nowhere"* ]]
  run sc trust add did:web:acme.example --name Acme --trust "$WORK/new/deeper/trust.json"
  [ "$status" -eq 0 ]
  [ -f "$WORK/new/deeper/trust.json" ]
}

@test "a trust list path too long for the system is refused, not cut to another file" {
  long=$(printf 'd%.0s' $(seq 5000))
  export SKILLCERT_TRUST="$WORK/$long/trust.json"
  printf '{}' >"$WORK/c.json"
  run sc verify "$WORK/c.json"
  [ "$status" -eq 64 ]
  [[ "$output" == *"...: path too long (more than 4095 bytes)"* ]]
  run sc trust list
  [ "$status" -eq 64 ]
  [[ "$output" == *"path too long"* ]]
}
