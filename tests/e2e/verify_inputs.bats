#!/usr/bin/env bats
# `skillcert verify INPUT` takes a certificate in every form it comes in, told apart by content:
# the credential JSON, the PDF (its credential.json attachment), the QR text or URL, a photo of
# the certificate, stdin. Each form must give the same verdict as the JSON inside it.
load helpers

setup_file() {
  CERT_DIR=$(mktemp -d)
  export CERT_DIR
  # an embedded QR code (the home's "qr"), so that the QR text and photos verify offline
  "$SKILLCERT" init "$CERT_DIR/home" --name "Acme AI Academy" --url https://acme.example \
    --no-passphrase --qr embed >/dev/null
  "$SKILLCERT" template preview ai-fundamentals --home "$CERT_DIR/home" \
    -o "$CERT_DIR/cert.pdf" >/dev/null
  pdfdetach -save 1 -o "$CERT_DIR/credential.json" "$CERT_DIR/cert.pdf"
  # 150 dpi, as a phone or scanner sees a printed page, and as the other QR tests read it
  pdftoppm -r 150 -png -singlefile "$CERT_DIR/cert.pdf" "$CERT_DIR/page"
  zbarimg -q --raw "$CERT_DIR/page.png" 2>/dev/null | tr -d '\n' >"$CERT_DIR/qr.txt"
}

teardown_file() {
  rm -rf "$CERT_DIR"
}

json_status() {
  run sc verify "$CERT_DIR/credential.json"
  echo "$status"
}

@test "a PDF certificate gives the verdict of its attached credential" {
  expected=$(json_status)
  run sc verify "$CERT_DIR/cert.pdf"
  [ "$status" -eq "$expected" ]
  [ "$status" -ne 65 ]
}

@test "a PDF without credential.json is verified from the QR code on its page, and says so" {
  qpdf --empty --pages "$CERT_DIR/cert.pdf" -- "$WORK/bare.pdf"
  expected=$(json_status)
  run sc verify "$WORK/bare.pdf"
  [ "$status" -eq "$expected" ]
  [[ "$output" == *"no credential.json attachment"* ]]
}

@test "the file name does not matter: a PDF called .json is still a PDF" {
  cp "$CERT_DIR/cert.pdf" "$WORK/looks-like.json"
  expected=$(json_status)
  run sc verify "$WORK/looks-like.json"
  [ "$status" -eq "$expected" ]
}

@test "QR text on stdin is verified offline" {
  [ -s "$CERT_DIR/qr.txt" ]
  expected=$(json_status)
  run sh -c "'$SKILLCERT' verify - <'$CERT_DIR/qr.txt'"
  [ "$status" -eq "$expected" ]
}

@test "a photo of the certificate (rotated, noisy JPEG) is verified through its QR code" {
  convert "$CERT_DIR/cert.png" -resize 200% -colorspace Gray -background white -rotate 4 \
    -attenuate 0.3 +noise Gaussian -quality 70 "$WORK/photo.jpg" 2>/dev/null
  expected=$(json_status)
  run sc verify "$WORK/photo.jpg"
  [ "$status" -eq "$expected" ]
}

@test "a PDF whose attachment was replaced by a tampered credential is INVALID" {
  sed 's/Fundamentals/Fundamentalz/' "$CERT_DIR/credential.json" >"$WORK/credential.json"
  run ! cmp -s "$WORK/credential.json" "$CERT_DIR/credential.json"
  qpdf "$CERT_DIR/cert.pdf" --add-attachment "$WORK/credential.json" --replace -- "$WORK/forged.pdf"
  run sc verify "$WORK/forged.pdf"
  [ "$status" -eq 1 ]
}

@test "an image without a QR code exits 65" {
  convert -size 64x64 xc:white "$WORK/blank.png" 2>/dev/null
  run sc verify "$WORK/blank.png"
  [ "$status" -eq 65 ]
  [[ "$output" == *"no QR code"* ]]
}

@test "--report writes one CSV row per input" {
  printf 'hello' >"$WORK/junk.txt"
  run sc verify --report "$WORK/report.csv" "$CERT_DIR/cert.pdf" "$CERT_DIR/credential.json" \
    "$WORK/junk.txt"
  [ -f "$WORK/report.csv" ]
  [ "$(head -n 1 "$WORK/report.csv" | tr -d '\r')" = \
    "input,verdict,exit code,recipient,achievement,issuer,reason" ]
  [ "$(wc -l <"$WORK/report.csv")" -eq 4 ]
  grep -q '"65"' "$WORK/report.csv"
  grep -q 'junk.txt' "$WORK/report.csv"
}

@test "verify: with several inputs each verdict line names its input" {
  : >"$WORK/empty"
  printf 'hello' >"$WORK/junk.txt"
  run sc verify "$CERT_DIR/credential.json" "$WORK/empty" "$WORK/junk.txt"
  [ "$status" -ne 0 ]
  [[ "$output" == "$CERT_DIR/credential.json: "[A-Z]*" — "* ]]
  [[ "$output" == *$'\n'"$WORK/empty: NOT A CREDENTIAL — empty input: "* ]]
  [[ "$output" == *$'\n'"$WORK/junk.txt: NOT A CREDENTIAL — input: not a credential"* ]]
}

@test "verify: several inputs give one verdict line each and a summary; -v adds every check" {
  : >"$WORK/empty"
  run sc verify "$CERT_DIR/credential.json" "$CERT_DIR/credential.json" "$WORK/empty"
  [ "$status" -ne 0 ]
  [ "${#lines[@]}" -eq 4 ]
  [[ "${lines[3]}" == "3 inputs: 2 "*", 1 not a credential" ]]
  [[ "$output" != *"  ✓ "* ]]
  run sc verify -v "$CERT_DIR/credential.json" "$WORK/empty"
  [ "$status" -ne 0 ]
  [[ "$output" == *$'\n'"  ✓ proof"* ]]
  [[ "${lines[-1]}" == "2 inputs: 1 "*", 1 not a credential" ]]
}

@test "verify: a single input that is not a credential is named in the error" {
  : >"$WORK/empty"
  run sc verify "$WORK/empty"
  [ "$status" -eq 65 ]
  [ "$output" = "skillcert: $WORK/empty: empty input: not a credential, certificate PDF, badge, QR text or image" ]
}

@test "verify: a credential JSON with a UTF-8 byte order mark is read like one without" {
  expected=$(json_status)
  { printf '\xef\xbb\xbf'; cat "$CERT_DIR/credential.json"; } >"$WORK/bom.json"
  run sc verify "$WORK/bom.json"
  [ "$status" -eq "$expected" ]
  [ "$status" -ne 65 ]
}

@test "verify: --report replaces the file by rename, never writing into the old one" {
  echo "old report" >"$WORK/old.csv"
  ln "$WORK/old.csv" "$WORK/report.csv" # an in-place write would change old.csv too
  run sc verify --report "$WORK/report.csv" "$CERT_DIR/credential.json"
  [ "$(cat "$WORK/old.csv")" = "old report" ]
  [ "$(head -n 1 "$WORK/report.csv" | tr -d '\r')" = \
    "input,verdict,exit code,recipient,achievement,issuer,reason" ]
  [ -z "$(find "$WORK" -mindepth 1 -maxdepth 1 -name '*tmp*')" ]
}

@test "verify: --report into a folder that does not exist fails before verifying" {
  run sc verify --report "$WORK/no-such-dir/report.csv" "$CERT_DIR/credential.json"
  [ "$status" -eq 73 ]
  [[ "$output" == "skillcert: $WORK/no-such-dir/report.csv: cannot create: No such file or directory" ]]
}

@test "the bundled JSON-LD contexts are the pinned bytes, and every URL maps to one of them" {
  cd "$ROOT/contexts"
  run sha256sum --check --strict SHA256SUMS
  [ "$status" -eq 0 ]
  run "$PYTHON" -c 'import json, os; m = json.load(open("contexts.json")); missing = [f for f in m.values() if not os.path.isfile(f)]; print(missing); assert not missing'
  [ "$status" -eq 0 ]
}
