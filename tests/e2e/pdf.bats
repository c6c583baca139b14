#!/usr/bin/env bats
# PDF certificates through `skillcert template preview` (and `render` for an issued credential):
# qpdf-clean files, the attached credential, extractable names in many scripts, the QR code.
load helpers

# The name line as pdftotext prints it, without the bidi marks (U+202B, U+202C) it adds
# around right-to-left runs.
name_in_pdf() {
  pdftotext "$1" - | sed 's/\xe2\x80\xab//g; s/\xe2\x80\xac//g' | grep -qxF "$2"
}

@test "template list shows the three shipped designs" {
  run sc template list
  [ "$status" -eq 0 ]
  [[ "$output" == *ai-fundamentals*"AI Fundamentals"* ]]
  [[ "$output" == *prompt-engineering* ]]
  [[ "$output" == *responsible-ai* ]]
}

@test "template list and preview also look in the home's templates/" {
  make_home
  mkdir -p "$WORK/home/templates"
  cp -R "$ROOT/templates/responsible-ai" "$WORK/home/templates/house-style"
  run sc template list --home "$WORK/home"
  [ "$status" -eq 0 ]
  [[ "$output" == *house-style* ]]
  run sc template preview house-style --home "$WORK/home" --no-png -o h.pdf
  [ "$status" -eq 0 ]
  name_in_pdf h.pdf "Acme AI Academy"
}

@test "template preview writes a qpdf-clean PDF and a PNG next to it" {
  for t in ai-fundamentals prompt-engineering responsible-ai; do
    run sc template preview "$t" -o "$t.pdf"
    [ "$status" -eq 0 ]
    [ -s "$t.pdf" ]
    [ -s "$t.png" ]
    run qpdf --check "$t.pdf"
    [ "$status" -eq 0 ]
    [[ "$output" != *WARNING* ]]
    [[ "$output" == *"No syntax or stream encoding errors"* ]]
  done
}

@test "template preview of an unknown template fails with a clear message" {
  run sc template preview no-such-design
  [ "$status" -eq 66 ]
  [[ "$output" == *"template 'no-such-design' not found"* ]]
}

@test "the attached credential.json comes back byte for byte and verifies" {
  make_home
  issue_one
  sc render --home "$WORK/home" --template ai-fundamentals -o cert.pdf "$CRED"
  qpdf --show-attachment=credential.json cert.pdf >via-qpdf.json
  cmp via-qpdf.json "$CRED"
  mkdir detached
  pdfdetach -saveall -o detached cert.pdf
  cmp detached/credential.json "$CRED"
  run sc verify --home "$WORK/home" detached/credential.json
  [ "$status" -ne 1 ] # 6 without a status source; the signature is what matters here
  [[ "$output" == *"✓ proof        all 2 proofs verify (eddsa-rdfc-2022,eddsa-jcs-2022)"* ]]
}

@test "rendering is deterministic: the same credential gives the same bytes" {
  make_home
  issue_one
  sc render --home "$WORK/home" --template prompt-engineering -o a.pdf "$CRED"
  sc render --home "$WORK/home" --template prompt-engineering -o b.pdf "$CRED"
  cmp a.pdf b.pdf
}

@test "pdftotext gives back shaped names in every script: Latin, Indonesian, Javanese, Arabic, Hebrew, Indic, Thai, CJK" {
  names=("Zoë Łukasiewicz" "Nguyễn Thị Minh Khai" "Siti Nurhaliza Dewi" "ꦱꦸꦒꦶꦪꦺꦴ ꦥꦿꦧꦮꦺꦴ"
    "Анна Каренина" "Ελένη Παπαδοπούλου" "דוד בן גוריון" "לָאָה כֹּהֵן" "محمد بن سلمان" "فاطمة الزهراء"
    "مُحَمَّد عَلِيٌّ حسن"
    "क्षत्रिय अनुष्का शर्मा" "রবীন্দ্রনাথ ঠাকুর" "முத்துலட்சுமி ரெட்டி" "สมศักดิ์ ใจดี"
    "王小明" "山田 太郎" "すずき はなこ" "김민준" "Office ﬁnance")
  for n in "${names[@]}"; do
    sc template preview ai-fundamentals --no-png --name "$n" -o n.pdf >/dev/null
    name_in_pdf n.pdf "$n" || { echo "not found: $n"; pdftotext n.pdf - | head -5; false; }
  done
}

@test "a name no font can draw is refused, never dropped" {
  run sc template preview ai-fundamentals --no-png --name "Rocket 🚀 Man" -o r.pdf
  [ "$status" -eq 65 ]
  [[ "$output" == *"recipient name: cannot draw U+1F680 (no font has it)"* ]]
  [ ! -e r.pdf ]
  run sc template preview ai-fundamentals --no-png --name "Unassigned \u0378" -o u.pdf
  run sc template preview ai-fundamentals --no-png --name $'Unassigned \xcd\xb8' -o u.pdf
  [ "$status" -eq 65 ]
  [[ "$output" == *"cannot draw U+0378"* ]]
}

@test "the QR code scans back (pdftoppm -r 150, zbarimg) to the credential's QR text" {
  sc template preview responsible-ai --no-png -o q.pdf >/dev/null
  pdftoppm -r 150 -png -singlefile q.pdf q
  text=$(zbarimg --raw -q q.png 2>/dev/null)
  [[ "$text" =~ ^HTTPS://VERIFY\.EXAMPLE\.ORG/(V/1[A-Z2-7]+|C/[0-9A-F-]{36})$ ]]
  # The payload inflates to the attached credential (link mode: the URL names its id).
  qpdf --show-attachment=credential.json q.pdf >c.json
  if [[ "$text" == */C/* ]]; then
    grep -qi "urn:uuid:${text##*/C/}" c.json
  fi
}

@test "certificates stay small: Latin under 120 KB, CJK under 300 KB" {
  sc template preview ai-fundamentals --no-png --name "Zoë Łukasiewicz" -o l.pdf >/dev/null
  sc template preview ai-fundamentals --no-png --name "王小明 山田太郎 鈴木一郎" -o c.pdf >/dev/null
  [ "$(stat -c %s l.pdf)" -le 122880 ]
  [ "$(stat -c %s c.pdf)" -le 307200 ]
}

@test "a template may name its own font files; characters they lack come from the system's" {
  make_home
  mkdir -p "$WORK/home/templates"
  cp -R "$ROOT/templates/ai-fundamentals" "$WORK/home/templates/brand"
  mkdir "$WORK/home/templates/brand/fonts"
  cp /usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf "$WORK/home/templates/brand/fonts/Brand-Bold.ttf"
  $PYTHON - "$WORK/home/templates/brand/template.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["fonts"] = {"serif-bold": "fonts/Brand-Bold.ttf", "sans-bold": "fonts/Brand-Bold.ttf"}
json.dump(t, open(sys.argv[1], "w"))
PY
  run sc template preview brand --home "$WORK/home" --no-png --name "Zoë 王小明" -o b.pdf
  [ "$status" -eq 0 ]
  run pdffonts b.pdf
  [[ "$output" == *"+DejaVuSerif-Bold "*"CID TrueType"* ]]
  [[ "$output" == *"+NotoSerifCJK"*"CID Type 0C "* ]] # 王小明: not in the brand font
  name_in_pdf b.pdf "Zoë 王小明"
  echo "not a font" >"$WORK/home/templates/brand/fonts/Brand-Bold.ttf"
  run sc template preview brand --home "$WORK/home" --no-png -o c.pdf
  [ "$status" -eq 65 ]
  [[ "$output" == *"template.json: fonts.sans-bold: font "*"Brand-Bold.ttf: not a TrueType or OpenType font"* ]]
  [ ! -e c.pdf ]
}

@test "template --help documents list and preview" {
  run sc template --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"template list"* ]]
  [[ "$output" == *"template preview NAME"* ]]
}

@test "an output that cannot be created exits 73 and leaks nothing (sanitizer build)" {
  make_home
  issue_one
  run sc_san key generate -o /nonexistent/k.pem --no-passphrase
  [ "$status" -eq 73 ]
  run sc_san render --home "$WORK/home" --template ai-fundamentals "$CRED" -o /nonexistent/r.pdf
  [ "$status" -eq 73 ]
  run sc_san template preview ai-fundamentals --no-png -o /nonexistent/x.pdf
  [ "$status" -eq 73 ]
}

@test "render refuses a tampered credential, a foreign one, and a PDF given as the credential" {
  make_home
  issue_one "Learner 6"
  sc render --home "$WORK/home" --template ai-fundamentals -o ok.pdf "$CRED" >/dev/null
  sed 's/Learner 6/Learner X/' "$CRED" >forged.json
  run sc render --home "$WORK/home" --template ai-fundamentals -o forged.pdf forged.json
  [ "$status" -eq 1 ]
  [[ "$output" == *"forged.json: refusing to render: the credential's proof does not verify"* ]]
  [ ! -e forged.pdf ]
  sc init "$WORK/other" --name Other --url https://other.example --no-passphrase >/dev/null
  run sc render --home "$WORK/other" --template ai-fundamentals -o foreign.pdf "$CRED"
  [ "$status" -eq 1 ]
  [[ "$output" == *"not a key of this issuer home"* ]]
  run sc render --home "$WORK/home" --template ai-fundamentals -o again.pdf ok.pdf
  [ "$status" -eq 65 ]
  [[ "$output" == *"ok.pdf: expected a credential JSON, not a PDF"* ]]
}

@test "render --badge bakes the credential into a PNG and an SVG badge that verify reads" {
  make_home
  json=$(sc issue --home "$WORK/home" --name "Zoë Łukasiewicz" --email zoe@example.org \
    --template ai-fundamentals | head -n 1)
  run sc render --home "$WORK/home" --badge png "$json"
  [ "$status" -eq 0 ]
  png=$output
  [[ "$png" == *.badge.png ]]
  run sc render --home "$WORK/home" --badge svg -o "$WORK/badge.svg" "$json"
  [ "$status" -eq 0 ]
  for badge in "$png" "$WORK/badge.svg"; do
    run sc verify --home "$WORK/home" "$badge"
    [ "$status" -eq 0 ]
    [[ "$output" == "VALID — Zoë Łukasiewicz: AI Fundamentals"* ]]
  done
  # The PNG is still an image; a changed name inside the baked credential does not verify.
  run file "$png"
  [[ "$output" == *"PNG image data"* ]]
  sed 's/Zo\xc3\xab/Zoe/' "$WORK/badge.svg" >"$WORK/forged.svg"
  run sc verify --home "$WORK/home" "$WORK/forged.svg"
  [ "$status" -eq 1 ]
  run sc render --home "$WORK/home" --badge gif "$json"
  [ "$status" -eq 64 ]
  [[ "$output" == *"--badge expects png or svg, got 'gif'"* ]]
}
