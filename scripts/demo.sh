#!/bin/sh
# The provider's job end to end on bundled data: set up an issuer, issue credentials to
# learners whose names are written in several scripts, verify each, then tamper with one.
set -eu
cd "$(dirname "$0")/.."
sc=./build/skillcert
demo=demo

rm -rf "$demo"
echo "== 1. An issuer home (no passphrase: this is a demo)"
$sc init "$demo" --name "Acme AI Academy" --url https://acme.example --no-passphrase

echo
echo "== 2. Issue one credential per learner"
tail -n +2 examples/learners.tsv | while IFS="$(printf '\t')" read -r name email achievement; do
  $sc issue --home "$demo" --name "$name" --email "$email" \
    --achievement "templates/$achievement/achievement.json"
done

echo
echo "== 3. Verify each (the home's own issuer is trusted with --home)"
for cred in "$demo"/out/*.json; do
  $sc verify --home "$demo" "$cred" | head -n 1
done

echo
echo "== 4. Change one character of a copy and verify again"
first=$(ls "$demo"/out/*.json | head -n 1)
sed 's/"AI Fundamentals"/"AI Fundamentalz"/; s/"Prompt Engineering"/"Prompt Engineerinj"/; s/"Responsible AI"/"Responsible AJ"/' \
  "$first" >"$demo/tampered.json"
status=0
$sc verify --home "$demo" "$demo/tampered.json" || status=$?
echo "(exit status $status: 1 means the signature or content is invalid)"
[ "$status" -eq 1 ]

echo
echo "Credentials are in $demo/out/. Try: $sc verify --home $demo --json $first"
