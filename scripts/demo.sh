#!/bin/sh
# The provider's whole job on bundled data, then the employer's side: set up an issuer, issue a
# 20-learner roster (names in many scripts) with PDF certificates, verify every credential,
# tamper with one, revoke one, suspend another, verify each state from the PDF and from the QR
# code text, and write each learner's e-mail with their claim link.
set -eu
cd "$(dirname "$0")/.."
sc=./build/skillcert
demo=demo

say() { printf '\n== %s\n' "$*"; }

rm -rf "$demo"
say "1. An issuer home (no passphrase: this is a demo; real homes encrypt the key)"
$sc init "$demo" --name "Acme AI Academy" --url https://acme.example --no-passphrase --suspension

say "2. Issue the bundled roster (examples/roster.csv) with PDF certificates"
$sc issue --home "$demo" --roster examples/roster.csv --template ai-fundamentals

say "3. Verify every credential (the home's own issuer is trusted with --home)"
for cred in "$demo"/out/*.json; do
  $sc verify --home "$demo" "$cred" | head -n 1
done

say "4. Change one character of a copy and verify again"
for first in "$demo"/out/*.json; do break; done # the first credential
sed 's/"AI Fundamentals"/"AI Fundamentalz"/' "$first" >"$demo/tampered.json"
status=0
$sc verify --home "$demo" "$demo/tampered.json" >"$demo/tampered.txt" || status=$?
head -n 1 "$demo/tampered.txt"
echo "(exit status $status: 1 means the signature or content is invalid)"
[ "$status" -eq 1 ]

say "5. Revoke one certificate, suspend another (each change publishes the status lists)"
revoked=$(sed -n 2p "$demo/out/manifest.csv" | cut -d, -f1)
suspended=$(sed -n 3p "$demo/out/manifest.csv" | cut -d, -f1)
$sc revoke --home "$demo" "$revoked" --reason "assessment found to be plagiarised"
$sc suspend --home "$demo" "$suspended" --reason "under review after a complaint"
$sc publish --home "$demo"

say "6. Verify each state from the PDF and from the QR code text"
for id in "$revoked" "$suspended" "$(sed -n 4p "$demo/out/manifest.csv" | cut -d, -f1)"; do
  uuid=${id#urn:uuid:}
  qr=$(grep "^$id," "$demo/out/manifest.csv" | cut -d, -f6 | tr -d '\r')
  printf 'PDF: '
  $sc verify --home "$demo" "$demo/out/$uuid.pdf" | head -n 1 || true
  printf 'QR:  '
  $sc verify --home "$demo" "$qr" | head -n 1 || true
done

say "7. The verification service behind the QR codes"
path_of() { grep "^$1," "$demo/out/manifest.csv" | cut -d, -f6 | tr -d '\r' | sed 's|^HTTPS://[^/]*||'; }
valid=$(sed -n 4p "$demo/out/manifest.csv" | cut -d, -f1)
echo "Start it (no private key needed to verify):"
echo "  $sc serve --home $demo --listen 127.0.0.1:8080"
echo "then open, as a phone would after scanning the QR code:"
echo "  valid:   http://127.0.0.1:8080$(path_of "$valid")"
echo "  revoked: http://127.0.0.1:8080$(path_of "$revoked")"
echo "Deploying it behind a TLS reverse proxy with systemd: docs/deploy.md"

say "8. Deliver: one e-mail per learner (PDF, credential, badge, their own claim link)"
$sc mail --home "$demo" --roster examples/roster.csv --from certificates@acme.example \
  --dry-run "$demo/mail" 2>&1 >/dev/null | tail -n 1
echo "($demo/mail/<uuid>.eml; with --smtp smtps://HOST they are sent: docs/mail.md)"
claim=$($sc claim link --home "$demo" "$valid" 2>/dev/null | awk '{print $2}')
echo "A learner's own page, with serve running:  http://127.0.0.1:8080/claim/${claim##*/}"
echo "(serve --wallets adds \"Add to a wallet\": Learner Credential Wallet, OpenID4VCI; docs/wallets.md)"

say "Done"
echo "PDF certificates and credentials: $demo/out/ (manifest: $demo/out/manifest.csv)"
echo "Published status lists and key document: $demo/public/"
echo "Try: $sc verify --home $demo --json $first"
