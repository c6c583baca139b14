#!/usr/bin/env bats
# Issuing one credential and verifying it: the verdicts and exit codes of docs/design.md
# ("Verifying: pipeline and exit codes").
load helpers

@test "issue writes a signed credential to out/ and prints its path" {
  make_home
  issue_one
  [[ "$CRED" == "$WORK/home/out/"*.json ]]
  [ -f "$CRED" ]
  grep -q '"cryptosuite": "eddsa-jcs-2022"' "$CRED"
  grep -q '"identityType": "emailAddress"' "$CRED"
  run ! grep -q 'zoe@example.org' "$CRED"
}

@test "an issued credential validates against the Open Badges 3.0 JSON schema" {
  make_home
  issue_one
  issue_one "Ann" "$ROOT/tests/data/achievement-with-numbers.json"
  for f in "$WORK"/home/out/*.json; do
    # One credentialStatus object (revocation) by default, as the schema wants.
    $PYTHON - "$VECTORS/ob3/ob_v3p0_achievementcredential_schema.json" "$f" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
credential = json.load(open(sys.argv[2]))
assert credential["credentialStatus"]["statusPurpose"] == "revocation", credential["credentialStatus"]
assert [p["cryptosuite"] for p in credential["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
jsonschema.Draft201909Validator(schema).validate(credential)
PY
  done
}

@test "a home with suspension gives two status entries, each valid against the schema's CredentialStatus" {
  HOME_FLAGS=--suspension make_home
  issue_one
  $PYTHON - "$VECTORS/ob3/ob_v3p0_achievementcredential_schema.json" "$CRED" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
credential = json.load(open(sys.argv[2]))
entries = credential.pop("credentialStatus")
assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"], entries
for entry in entries:
    jsonschema.Draft201909Validator({**schema, **schema["$defs"]["CredentialStatus"]}).validate(entry)
jsonschema.Draft201909Validator(schema).validate(credential)
PY
}

@test "a home's proofs setting picks the suites: rdfc, jcs, or both" {
  for proofs in rdfc jcs; do
    rm -rf "${WORK:?}/home"
    sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example --no-passphrase \
      --proofs "$proofs" >/dev/null
    issue_one
    run sc verify --home "$WORK/home" "$CRED"
    [ "$status" -eq 0 ]
    [[ "$output" == *"eddsa-$proofs-2022 signature verifies (1 proof)"* ]]
  done
  run sc init "$WORK/other" --name A --url https://a.example --no-passphrase --proofs all
  [ "$status" -eq 64 ]
  [[ "$output" == *"--proofs expects both, rdfc or jcs, got 'all'"* ]]
}

@test "suspending a credential issued without a suspension entry says so" {
  make_home
  issue_one
  id=$($PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$CRED")
  run sc suspend --home "$WORK/home" "$id" --reason "under review"
  [ "$status" -eq 64 ]
  [[ "$output" == *"has no suspension status entry"* ]]
  run sc revoke --home "$WORK/home" "$id" --reason "plagiarism"
  [ "$status" -eq 0 ]
}

@test "every property and type of an issued credential is defined by its two contexts" {
  make_home
  issue_one
  # A JSON-LD processor reads each name through the credential's @context; a name neither
  # context defines (as 1EdTechJsonSchemaValidator2019 was, from the OB extensions context)
  # is dropped or refused. Scoped contexts are merged here: a looser check, but it catches
  # any name defined nowhere.
  $PYTHON - "$VECTORS/contexts/credentials-v2.jsonld" \
    "$VECTORS/contexts/ob-v3p0-context-3.0.3.spec-repo.json" "$CRED" <<'PY'
import json, sys
def terms(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                terms(value, found)
            elif not key.startswith("@"):
                found.add(key)
                terms(value, found)
    elif isinstance(node, list):
        for item in node:
            terms(item, found)
    return found
defined = set()
for path in sys.argv[1:3]:
    terms(json.load(open(path))["@context"], defined)
def used(node, out):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                continue
            if not key.startswith("@"):
                out.add(key)
            if key == "type":
                out.update(value if isinstance(value, list) else [value])
            used(value, out)
    elif isinstance(node, list):
        for item in node:
            used(item, out)
    return out
credential = json.load(open(sys.argv[3]))
undefined = sorted(used(credential, set()) - defined)
assert not undefined, undefined
PY
}

@test "a home's templates give achievements ids under the issuer's own URL" {
  sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example/ --no-passphrase >/dev/null
  cred=$(sc issue --home "$WORK/home" --name "Ann" --email ann@example.org \
    --template ai-fundamentals | head -n 1)
  $PYTHON - "$cred" "$WORK/home/templates/responsible-ai/achievement.json" <<'PY'
import json, sys
achievement = json.load(open(sys.argv[1]))["credentialSubject"]["achievement"]
assert achievement["id"] == "https://acme.example/achievements/ai-fundamentals", achievement["id"]
assert json.load(open(sys.argv[2]))["id"] == "https://acme.example/achievements/responsible-ai"
PY
}

@test "a valid credential from a trusted issuer exits 0 with the verdict first" {
  make_home
  issue_one
  run sc verify --home "$WORK/home" "$CRED"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "VALID — Zoë Łukasiewicz: AI Fundamentals, issued by Acme AI Academy on "* ]]
  [[ "$output" == *"✓ proof"* ]]
}

@test "names are stored NFC-normalised" {
  make_home
  issue_one $'Zoe\xcc\x88'
  run sc verify --home "$WORK/home" --json "$CRED"
  [ "$status" -eq 0 ]
  [[ "$output" == *'"recipient": "Zoë"'* ]]
}

@test "without a trust list an otherwise valid credential exits 5 and names the DID to add" {
  make_home
  issue_one
  run sc verify "$CRED"
  [ "$status" -eq 5 ]
  [[ "$output" == "UNTRUSTED ISSUER"* ]]
  did=$(grep -o 'did:key:z6Mk[1-9A-HJ-NP-Za-km-z]*' "$WORK/home/skillcert.json" | head -1)
  [[ "$output" == *"skillcert trust add $did"* ]]
}

@test "a trust list names the issuer in the verdict" {
  make_home
  issue_one
  did=$(sc key show --home "$WORK/home" --json | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["issuer"])')
  sc trust add "$did" --name "Acme (verified by HR)" --trust "$WORK/trust.json"
  run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" "$CRED"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"issued by Acme (verified by HR) on"* ]]
  # the default list is used when --trust is not given
  sc trust add "$did" --name "Acme default"
  run sc verify --status "$WORK/home/public" "$CRED"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"issued by Acme default on"* ]]
}

@test "verify: a trust list starting with a UTF-8 byte order mark is read" {
  make_home
  issue_one
  did=$(sc key show --home "$WORK/home" --json | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["issuer"])')
  sc trust add "$did" --name "Acme" --trust "$WORK/plain.json"
  { printf '\xef\xbb\xbf'; cat "$WORK/plain.json"; } >"$WORK/trust.json"
  run sc verify --trust "$WORK/trust.json" --status "$WORK/home/public" "$CRED"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"issued by Acme on"* ]]
  run sc trust list --trust "$WORK/trust.json"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$did"* ]]
}

@test "verify --json prints the VC API shape" {
  make_home
  issue_one
  run sc verify --home "$WORK/home" --json "$CRED"
  [ "$status" -eq 0 ]
  echo "$output" | $PYTHON -c '
import json, sys
r = json.load(sys.stdin)
assert r["verified"] is True, r
assert "proof" in r["checks"] and r["errors"] == [], r
assert r["credential"]["trustedAs"] == "Acme AI Academy", r'
}

@test "verify reads a credential from stdin" {
  make_home
  issue_one
  run sh -c "'$SKILLCERT' verify --home '$WORK/home' - < '$CRED'"
  [ "$status" -eq 0 ]
}

@test "an expired credential exits 4; one judged before its validFrom exits 4 too" {
  make_home
  CRED=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json" --valid-until 2099-01-01)
  run sc verify --home "$WORK/home" --at 2100-01-01T00:00:00Z "$CRED"
  [ "$status" -eq 4 ]
  [[ "$output" == "EXPIRED"* ]]
  run sc verify --home "$WORK/home" --at 2000-01-01T00:00:00+02:00 "$CRED"
  [ "$status" -eq 4 ]
  run sc verify --home "$WORK/home" --at 2098-12-31T12:00:00-05:00 "$CRED"
  [ "$status" -eq 0 ]
}

@test "verify: --at with an invalid time exits 64 with the parse error, not a crash" {
  make_home
  issue_one
  for at in 2030-01-01 yesterday; do
    run sc verify --home "$WORK/home" --at "$at" "$CRED"
    [ "$status" -eq 64 ]
    [[ "$output" == "skillcert: verify: --at: '$at' "* ]]
  done
}

@test "--valid-until in the past or malformed is a usage error" {
  make_home
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json" --valid-until 2001-01-01
  [ "$status" -eq 64 ]
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json" --valid-until 2099-13-01
  [ "$status" -ne 0 ]
  [[ "$output" == *"--valid-until"* ]]
}

@test "an achievement missing a required field is refused naming the field" {
  make_home
  $PYTHON -c 'import json,sys; a=json.load(open(sys.argv[1])); del a["criteria"]; json.dump(a, open(sys.argv[2],"w"))' \
    "$ROOT/templates/ai-fundamentals/achievement.json" "$WORK/a.json"
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$WORK/a.json"
  [ "$status" -eq 65 ]
  [[ "$output" == *"a.json: criteria"* ]]
}

@test "a bad e-mail address is refused" {
  make_home
  run sc issue --home "$WORK/home" --name Ann --email not-an-address \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json"
  [ "$status" -eq 64 ]
  [[ "$output" == *"--email"* ]]
}

@test "every single change to a signed credential makes it invalid" {
  make_home
  CRED=$(sc issue --home "$WORK/home" --name "Zoë" --email zoe@example.org \
    --achievement "$ROOT/tests/data/achievement-with-numbers.json" --valid-until 2099-01-01)
  $PYTHON "$ROOT/tests/e2e/tamper.py" "$CRED" "$WORK/t" >"$WORK/cases"
  count=0
  while read -r file expected label; do
    code=0
    sc verify --home "$WORK/home" "$file" >/dev/null 2>&1 || code=$?
    if [ "$code" -ne "$expected" ]; then
      echo "$label: exit $code, expected $expected" >&2
      return 1
    fi
    count=$((count + 1))
  done <"$WORK/cases"
  [ "$count" -gt 100 ]
}

@test "a proof by another key fails; re-signed as another issuer it is untrusted" {
  make_home
  issue_one
  sc init "$WORK/mallory" --name "Acme AI Academy" --url https://acme.example --no-passphrase >/dev/null
  other=$(sc issue --home "$WORK/mallory" --name "Zoë Łukasiewicz" --email zoe@example.org \
    --achievement "$ROOT/templates/ai-fundamentals/achievement.json")
  # Mallory's proof on Acme's credential: the key is not the issuer's.
  $PYTHON -c 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
a["proof"]=b["proof"]; json.dump(a, open(sys.argv[3],"w"))' "$CRED" "$other" "$WORK/swapped.json"
  run sc verify --home "$WORK/home" "$WORK/swapped.json"
  [ "$status" -eq 1 ]
  # Mallory's own credential claims Acme's name: sound proof, untrusted issuer.
  run sc verify --home "$WORK/home" "$other"
  [ "$status" -eq 5 ]
  [[ "$output" == *"as the credential claims"* ]]
}

@test "issue --no-publish signs and records but publishes no status list, only the credential's own page file" {
  make_home
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals \
    --no-publish
  [ "$status" -eq 0 ]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.json' | wc -l)" -eq 1 ]
  [ "$(sc list --home "$WORK/home" | wc -l)" -eq 1 ]
  # public/c/<uuid>.json serves <verify-url>/C/<uuid>, printed under the QR code
  uuid=$(basename "$(find "$WORK/home/out" -maxdepth 1 -name '*.json')" .json)
  [ "$(find "$WORK/home/public" -type f)" = "$WORK/home/public/c/$uuid.json" ]
}

@test "issue: --name that is not UTF-8 or holds a control character says so once, exit 64" {
  make_home
  run sc issue --home "$WORK/home" --name $'X\xff\xfe' --email a@b.org --template ai-fundamentals
  [ "$status" -eq 64 ]
  [ "$output" = "skillcert: --name: not valid UTF-8 text (byte 2)" ]
  run sc issue --home "$WORK/home" --name $'X\nY' --email a@b.org --template ai-fundamentals
  [ "$status" -eq 64 ]
  [ "$output" = "skillcert: --name: contains a control character (U+000A) at column 2" ]
  run sc issue --home "$WORK/home" --name Ann --email $'a\xc3@b.org' --template ai-fundamentals
  [ "$status" -eq 64 ]
  [ "$output" = "skillcert: --email: not valid UTF-8 text (byte 2)" ]
  [ -z "$(ls "$WORK/home/out")" ]
}

@test "issue: a --name over 256 characters is refused before anything is signed" {
  make_home
  run sc issue --home "$WORK/home" --name "$(printf 'A%.0s' {1..100000})" --email a@b.org \
    --template ai-fundamentals
  [ "$status" -eq 64 ]
  [ "$output" = "skillcert: --name: longer than 256 characters" ]
  run sc issue --home "$WORK/home" --name "$(printf 'W%.0s' {1..256})" --email a@b.org \
    --template ai-fundamentals
  [ "$status" -eq 0 ]
}

@test "issue: --valid-until shows what was typed and what is expected; past or malformed exit 64" {
  make_home
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals \
    --valid-until 31/12/2099
  [ "$status" -eq 64 ]
  [ "$output" = "skillcert: --valid-until: '31/12/2099' is not a date (YYYY-MM-DD) or a date-time with a time zone (e.g. 2027-06-30T17:00:00Z)" ]
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals \
    --valid-until 2099-13-01
  [ "$status" -eq 64 ]
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals \
    --valid-until 2020-01-01
  [ "$status" -eq 64 ]
  [ "$output" = "skillcert: --valid-until: 2020-01-01 is not in the future" ]
}

@test "verify shows bidi overrides, separators and C1 controls of a credential as U+FFFD" {
  make_home
  # An issuer's own achievement name may hold them (a learner's name may not): signed here.
  jq '.name = "AI \u202eevil\u2028VALID\u0085x\u2066y"' \
    "$ROOT/templates/ai-fundamentals/achievement.json" >"$WORK/a.json"
  cred=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org --achievement "$WORK/a.json")
  grep -q '\\u202e\|‮' "$cred" # the credential does hold the override
  run sc verify --home "$WORK/home" "$cred"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "VALID — Ann: AI �evil�VALID�x�y, issued by "* ]]
  for c in $'\u202e' $'\u2028' $'\u0085' $'\u2066'; do
    [[ "$output" != *"$c"* ]]
  done
  # The same characters in an input's name, and in a reason that `inspect` shows.
  cp "$cred" "$WORK/x"$'\u202e'"nosj.json"
  run sc verify --home "$WORK/home" "$cred" "$WORK/x"$'\u202e'"nosj.json"
  [[ "$output" == *"x�nosj.json: VALID"* ]]
  [[ "$output" != *$'\u202e'* ]]
  id=$(basename "$cred" .json)
  sc revoke --home "$WORK/home" "$id" --reason "cheating"$'\u202e'" (appeal lost)" >/dev/null
  run sc inspect --home "$WORK/home" "$id"
  [[ "$output" == *"cheating� (appeal lost)"* ]]
  [[ "$output" != *$'\u202e'* ]]
}

@test "issue --name refuses bidi controls and names with no visible letter, naming the column" {
  make_home
  run sc issue --home "$WORK/home" --name $'Ann\u202enhoj' --email a@b.org --template ai-fundamentals
  [ "$status" -eq 64 ]
  [ "$output" = "skillcert: --name: contains a bidi control (U+202E) at column 4, which would reorder the text around it" ]
  for name in $'\u00a0\u200b' $'\u200c\u200d\u2060\ufeff' $'\u0301\u0308' $'\u00a0'; do
    run sc issue --home "$WORK/home" --name "$name" --email a@b.org --template ai-fundamentals
    [ "$status" -eq 64 ]
    [[ "$output" == "skillcert: --name: has no visible letter"* ]]
  done
  # A letter with combining marks, a joiner, a no-break space: an ordinary name.
  sc issue --home "$WORK/home" --name $'Zoe\u0308\u00a0Ł\u200dx' --email a@b.org --template ai-fundamentals >/dev/null
  [ "$(find "$WORK"/home/out -name "*.json" | wc -l)" -eq 1 ]
}

@test "a template's badge is the achievement's image, published under public/badges/" {
  make_home
  CRED=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals |
    head -n 1)
  image=$($PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))["credentialSubject"]["achievement"]["image"]["id"])' "$CRED")
  [ "$image" = "https://acme.example/badges/ai-fundamentals.png" ]
  cmp "$WORK/home/public/badges/ai-fundamentals.png" "$ROOT/templates/ai-fundamentals/logo.png"
  # an achievement given as a file names no template, so no image is made up
  issue_one
  run "$PYTHON" -c 'import json,sys; sys.exit("image" in json.load(open(sys.argv[1]))["credentialSubject"]["achievement"])' "$CRED"
  [ "$status" -eq 0 ]
}
