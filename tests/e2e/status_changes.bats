#!/usr/bin/env bats
# Revoke, suspend, reinstate and publish: the registry's events and what verifiers then see.
load helpers
# These tests suspend credentials: their homes give credentials a suspension entry.
# shellcheck disable=SC2034 # read by helpers.bash (make_home)
HOME_FLAGS=--suspension

setup_issued() { # issues N credentials to $WORK/home; their ids in $WORK/ids
  make_home
  for i in $(seq 1 "$1"); do
    sc issue --home "$WORK/home" --name "Learner $i" --email "l$i@example.org" \
      --template ai-fundamentals --id-from "L$i" >/dev/null
  done
  sc list --home "$WORK/home" | cut -d' ' -f1 >"$WORK/ids"
}

verify_id() { # id → runs verify on its credential with the home's public/
  local uuid=${1#urn:uuid:}
  run sc verify --home "$WORK/home" "$WORK/home/out/$uuid.json"
}

@test "each state verifies with its exit code: active 0, revoked 2, suspended 3, reinstated 0" {
  setup_issued 3
  a=$(sed -n 1p "$WORK/ids"); b=$(sed -n 2p "$WORK/ids"); c=$(sed -n 3p "$WORK/ids")
  sc revoke --home "$WORK/home" "$a" --reason "plagiarism"
  sc suspend --home "$WORK/home" "$b" --reason "under review"
  verify_id "$a"; [ "$status" -eq 2 ]; [[ "${lines[0]}" == REVOKED* ]]
  verify_id "$b"; [ "$status" -eq 3 ]; [[ "${lines[0]}" == SUSPENDED* ]]
  verify_id "$c"; [ "$status" -eq 0 ]
  sc reinstate --home "$WORK/home" "$b"
  verify_id "$b"; [ "$status" -eq 0 ]
}

@test "revocation is final; reinstate only undoes a suspension" {
  setup_issued 2
  a=$(sed -n 1p "$WORK/ids"); b=$(sed -n 2p "$WORK/ids")
  run sc reinstate --home "$WORK/home" "$a"
  [ "$status" -eq 64 ]
  [[ "$output" == *"is active: cannot be reinstated"* ]]
  sc suspend --home "$WORK/home" "$a" --reason "check"
  sc revoke --home "$WORK/home" "$a" --reason "confirmed"
  run sc reinstate --home "$WORK/home" "$a"
  [ "$status" -eq 64 ]
  [[ "$output" == *"revocation is final"* ]]
  run sc suspend --home "$WORK/home" "$a" --reason "again"
  [ "$status" -eq 64 ]
  verify_id "$a"; [ "$status" -eq 2 ]
  run sc revoke --home "$WORK/home" "$b"
  [ "$status" -eq 64 ]
  [[ "$output" == *"--reason"* ]]
}

@test "every change is an event with its reason and time" {
  setup_issued 1
  a=$(sed -n 1p "$WORK/ids")
  sc suspend --home "$WORK/home" "$a" --reason "complaint received"
  sc reinstate --home "$WORK/home" "$a" --reason "complaint withdrawn"
  sc revoke --home "$WORK/home" "$a" --reason "certificate sold online"
  run sc inspect --home "$WORK/home" "$a"
  [ "$status" -eq 0 ]
  [[ "$output" == *"issued"* ]]
  [[ "$output" == *"suspended  complaint received"* ]]
  [[ "$output" == *"reinstated complaint withdrawn"* ]]
  [[ "$output" == *"revoked    certificate sold online"* ]]
  [ "$(sc list --home "$WORK/home" --status revoked | wc -l)" -eq 1 ]
}

@test "mass revocation from a file: an unknown id changes nothing and is named by FILE:LINE" {
  setup_issued 4
  { printf '\xef\xbb\xbf'; echo "# fraud ring"; head -3 "$WORK/ids"; echo; echo "urn:uuid:00000000-0000-4000-8000-000000000000"; } >"$WORK/revoke.txt"
  run sc revoke --home "$WORK/home" --from "$WORK/revoke.txt" --reason "fraud ring"
  [ "$status" -eq 65 ]
  [[ "$output" == *"revoke.txt:6: no credential 'urn:uuid:00000000-0000-4000-8000-000000000000'"* ]]
  sc list --home "$WORK/home" --status revoked >"$WORK/revoked" # not piped: its status counts
  [ ! -s "$WORK/revoked" ]
  sed -i '$d' "$WORK/revoke.txt" # the BOM before the comment line is skipped
  run sc revoke --home "$WORK/home" --from "$WORK/revoke.txt" --reason "fraud ring"
  [ "$status" -eq 0 ]
  [[ "$output" == *"3 revoked"* ]]
  [ "$(sc list --home "$WORK/home" --status revoked | wc -l)" -eq 3 ]
  verify_id "$(sed -n 4p "$WORK/ids")"; [ "$status" -eq 0 ]
}

@test "a BOM before the first id of a --from file is not part of the id" {
  setup_issued 1
  { printf '\xef\xbb\xbf'; cat "$WORK/ids"; } >"$WORK/bom.txt"
  run sc suspend --home "$WORK/home" --from "$WORK/bom.txt" --reason "review"
  [ "$status" -eq 0 ]
  [ "$(sc list --home "$WORK/home" --status suspended | wc -l)" -eq 1 ]
}

@test "the same id twice is changed once; an unknown id is a data error (65)" {
  setup_issued 1
  a=$(sed -n 1p "$WORK/ids")
  run sc revoke --home "$WORK/home" "$a" "$a" --reason "twice"
  [ "$status" -eq 0 ]
  [[ "$output" == *"1 revoked"* ]]
  run sc suspend --home "$WORK/home" not-an-id --reason x
  [ "$status" -eq 65 ]
  [[ "$output" == *"argument 'not-an-id': no credential 'not-an-id'"* ]]
}

@test "--from a folder or a missing file is unreadable input (66)" {
  setup_issued 1
  run sc revoke --home "$WORK/home" --from "$WORK" --reason x
  [ "$status" -eq 66 ]
  run sc revoke --home "$WORK/home" --from "$WORK/missing.txt" --reason x
  [ "$status" -eq 66 ]
}

@test "a reason that is not UTF-8 text or holds control characters is refused" {
  setup_issued 1
  a=$(sed -n 1p "$WORK/ids")
  run sc suspend --home "$WORK/home" "$a" --reason $'bad\xff'
  [ "$status" -eq 64 ]
  [[ "$output" == *"--reason: expected UTF-8 text"* ]]
  run sc suspend --home "$WORK/home" "$a" --reason $'two\nlines'
  [ "$status" -eq 64 ]
  [[ "$output" == *"--reason: control characters are not allowed"* ]]
  sc list --home "$WORK/home" --status suspended >"$WORK/suspended" # not piped: its status counts
  [ ! -s "$WORK/suspended" ]
  sc inspect --home "$WORK/home" "$a" >/dev/null
}

@test "publishing twice with no change writes the same list apart from the dates" {
  setup_issued 2
  sc revoke --home "$WORK/home" "$(sed -n 1p "$WORK/ids")" --reason x
  sc publish --home "$WORK/home" >/dev/null
  cp "$WORK/home/public/status/1/revocation" "$WORK/first"
  sleep 1
  sc publish --home "$WORK/home" >/dev/null
  strip='del d["validFrom"], d["validUntil"], d["proof"]'
  a=$($PYTHON -c "import json,sys; d=json.load(open(sys.argv[1])); $strip; print(json.dumps(d, sort_keys=True))" "$WORK/first")
  b=$($PYTHON -c "import json,sys; d=json.load(open(sys.argv[1])); $strip; print(json.dumps(d, sort_keys=True))" "$WORK/home/public/status/1/revocation")
  [ "$a" = "$b" ]
  run ! cmp -s "$WORK/first" "$WORK/home/public/status/1/revocation"
}

@test "the published list is a signed BitstringStatusListCredential whose bit is the revoked index" {
  setup_issued 2
  a=$(sed -n 1p "$WORK/ids")
  sc revoke --home "$WORK/home" "$a" --reason x
  index=$(sc inspect --home "$WORK/home" --json "$a" | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["status_index"])')
  $PYTHON - "$WORK/home/public/status/1/revocation" "$index" <<'PY'
import base64, gzip, json, sys
doc = json.load(open(sys.argv[1]))
index = int(sys.argv[2])
assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"], doc["type"]
assert doc["proof"][0]["cryptosuite"] == "eddsa-jcs-2022"
subject = doc["credentialSubject"]
assert subject["statusPurpose"] == "revocation"
encoded = subject["encodedList"]
assert encoded[0] == "u"
bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
assert len(bits) * 8 >= 131072, len(bits)
set_bits = [i for i in range(len(bits) * 8) if bits[i // 8] >> (7 - i % 8) & 1]
assert set_bits == [index], (set_bits, index)
PY
  # the list verifies as a credential of the same issuer
  run sc verify --home "$WORK/home" "$WORK/home/public/status/1/revocation"
  [[ "$output" == *"✓ proof"* ]]
}

@test "a list signed by another issuer is refused (exit 6)" {
  setup_issued 1
  sc init "$WORK/other" --name Other --url https://acme.example --no-passphrase >/dev/null
  sc issue --home "$WORK/other" --name X --email x@example.org --template ai-fundamentals >/dev/null
  rm -rf "$WORK/home/public/status"
  cp -r "$WORK/other/public/status" "$WORK/home/public/status"
  verify_id "$(sed -n 1p "$WORK/ids")"
  [ "$status" -eq 6 ]
  [[ "$output" == *"status"*"not by the credential's issuer"* ]]
}

@test "an unreachable status list exits 6, never valid" {
  setup_issued 1
  a=$(sed -n 1p "$WORK/ids")
  run sc verify --home "$WORK/home" --offline "$WORK/home/out/${a#urn:uuid:}.json"
  [ "$status" -eq 0 ]
  rm -rf "$WORK/home/public/status"
  run sc verify --home "$WORK/home" --offline "$WORK/home/out/${a#urn:uuid:}.json"
  [ "$status" -eq 6 ]
  [[ "${lines[0]}" == "STATUS UNKNOWN"* ]]
}
