#!/usr/bin/env bats
# When a QR scan fails, a link still works (issue 12 §3): the certificate prints the short
# verification URL <verify-url>/C/<uuid> under its QR code, the code and the URL are links to
# it, and `skillcert serve` answers it for every credential issued, embedded QR code or not.
load helpers
load serve_helpers

teardown() {
  stop_server
  rm -rf "$WORK"
}

# A home whose credentials fit an embedded QR code (one proof): before, only link-mode
# credentials were published, so these had no /C/ page.
make_embedded_home() {
  sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example --no-passphrase \
    --proofs jcs --qr embed "$@" >/dev/null
}

# The URLs of a PDF's link annotations, one a line, unescaped.
link_uris() {
  qpdf --qdf --object-streams=disable "$1" - | grep -a '^ */URI (' | sed 's/^ *\/URI (//; s/)$//'
}

@test "every issued credential is published as public/c/<uuid>.json, embedded QR code or not" {
  make_embedded_home
  issue_pdf "Zoë Łukasiewicz" --template responsible-ai
  [[ "$(vpath_of_pdf "$PDF")" == /V/1* ]] # embedded: the credential is in the QR code
  cmp "$CRED" "$WORK/home/public/c/$(uuid_of "$CRED").json"
}

@test "the certificate prints its short verification URL under the QR code, and links it" {
  make_embedded_home
  issue_pdf "Zoë Łukasiewicz" --template responsible-ai
  local uuid
  uuid=$(uuid_of "$CRED")
  pdftotext "$PDF" - | grep -qxF "acme.example/C/$uuid"
  run link_uris "$PDF"
  [ "$status" -eq 0 ]
  # the QR code and the printed URL: two links to the same page, drawn without a border
  [ "${#lines[@]}" -eq 2 ]
  [ "${lines[0]}" = "https://acme.example/C/$uuid" ]
  [ "${lines[1]}" = "https://acme.example/C/$uuid" ]
  [ "$(grep -ao '/Border \[ *0 *0 *0 *\]' "$PDF" | wc -l)" -eq 2 ]
}

@test "the printed URL sits under the QR code within its width and overlaps no other text, in every shipped design" {
  make_home
  for design in ai-fundamentals prompt-engineering responsible-ai; do
    out=$(sc issue --home "$WORK/home" --name "Alexandra Konstantinidous" \
      --email a@example.org --template "$design")
    pdftotext -bbox "$(echo "$out" | sed -n 2p)" "$WORK/$design.html"
    "$PYTHON" - "$ROOT/templates/$design/template.json" "$WORK/$design.html" <<'PY'
import json, re, sys
MM = 72 / 25.4
qr = json.load(open(sys.argv[1]))["qr"]
left, top, size = qr["x"] * MM, qr["y"] * MM, qr.get("size", 50) * MM
words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
    r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', open(sys.argv[2]).read())]
url = [w for w in words if "/C/" in w[4]]
assert len(url) == 1, url
x0, y0, x1, y1, _ = url[0]
assert left - 0.5 <= x0 and x1 <= left + size + 0.5, ("wider than the QR code", url, left, size)
assert top + size <= y0 and y1 <= top + size + 12, ("not right under the QR code", url)
for other in words:
    if other is not url[0]:
        assert other[2] <= x0 or other[0] >= x1 or other[3] <= y0 or other[1] >= y1, ("overlaps", other)
PY
  done
}

@test "a long verify URL is shortened in the middle on the page; the link keeps it whole" {
  make_embedded_home --verify-url https://verification-service.a-rather-long-academy-name.example/certificates/check
  issue_pdf "Zoë Łukasiewicz" --template responsible-ai
  local uuid text
  uuid=$(uuid_of "$CRED")
  text=$(pdftotext "$PDF" - | grep -F '…')
  [[ "$text" == verification-service.* ]]
  [[ "$text" == *"${uuid: -6}" ]]
  [ "$(link_uris "$PDF" | sort -u)" = \
    "https://verification-service.a-rather-long-academy-name.example/certificates/check/C/$uuid" ]
}

@test "serve: /C/<uuid> of an embedded-QR certificate is its verdict page; an unknown id is 404" {
  make_embedded_home
  issue_pdf "Zoë Łukasiewicz" --template responsible-ai
  local uuid
  uuid=$(uuid_of "$CRED")
  start_server --home "$WORK/home" --offline
  [ "$(curl -s -o "$WORK/page" -w '%{http_code}' "$URL/C/$uuid")" = 200 ]
  grep -q 'Zoë Łukasiewicz' "$WORK/page"
  grep -q 'Valid certificate' "$WORK/page"
  [ "$(status_of "$URL/C/11111111-1111-4111-8111-111111111111")" = 404 ]
}

@test "verify <uuid> or urn:uuid:<UUID> looks the credential up in the home's public/ or a --status folder" {
  make_embedded_home
  issue_pdf "Zoë Łukasiewicz" --template responsible-ai
  local uuid
  uuid=$(uuid_of "$CRED")
  run sc verify --home "$WORK/home" --offline "$uuid"
  [ "$status" -eq 0 ]
  [[ "$output" == VALID*"Zoë Łukasiewicz"* ]]
  run sc verify --home "$WORK/home" --offline "urn:uuid:${uuid^^}"
  [ "$status" -eq 0 ]
  cp -R "$WORK/home/public" "$WORK/copy"
  run sc verify --status "$WORK/copy" --offline "$uuid"
  [ "$status" -eq 5 ] # found and genuine; the issuer is not trusted without --home
  [[ "$output" == *"Zoë Łukasiewicz"* ]]
  run sc verify --home "$WORK/home" --offline 11111111-1111-4111-8111-111111111111
  [ "$status" -eq 66 ]
  [[ "$output" == *"no credential 11111111-1111-4111-8111-111111111111 is published in $WORK/home/public/c/"* ]]
  run sc verify --offline "$uuid"
  [ "$status" -eq 64 ]
  [[ "$output" == *"give --home DIR or --status DIR"* ]]
}

@test "publish writes public/c/<uuid>.json for a credential issued without one, byte for byte" {
  make_embedded_home
  issue_pdf "Zoë Łukasiewicz" --template responsible-ai
  local published
  published="$WORK/home/public/c/$(uuid_of "$CRED").json"
  rm "$published" # as an older version left an embedded-QR credential
  run sc publish --home "$WORK/home"
  [ "$status" -eq 0 ]
  [[ "$output" == *"published 1 credential under public/c/"* ]]
  cmp "$CRED" "$published"
  run sc publish --home "$WORK/home"
  [ "$status" -eq 0 ]
  [ "$output" = "$WORK/home/public" ] # nothing missing: nothing said
}
