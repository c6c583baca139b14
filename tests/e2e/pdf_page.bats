#!/usr/bin/env bats
# verify compares what a PDF certificate's page shows (the name, the achievement, the QR code)
# with the credential attached to it (docs/verify.md, "What the page shows"): a page changed
# after issuing, or a credential attached to another certificate, is INVALID (exit 1).
load helpers

FORGE=$BATS_TEST_DIRNAME/pdf_page.py

# Issues a certificate (ai-fundamentals) to NAME with EMAIL; sets JSON and PDF to its files.
issue_pdf() { # name email
  local paths
  paths=$(sc issue --home "$WORK/home" --name "$1" --email "$2" --template ai-fundamentals)
  JSON=$(sed -n 1p <<<"$paths")
  PDF=$(sed -n 2p <<<"$paths")
}

# Writes OUT: the page of PDF with the attachment replaced by CREDENTIAL.
attach() { # pdf credential out
  qpdf "$1" --add-attachment "$2" --key=credential.json --filename=credential.json --replace \
    -- "$3"
}

verify_home() {
  run sc verify --home "$WORK/home" "$@"
}

@test "an untouched certificate passes the page check and stays VALID" {
  make_home
  issue_pdf "Zoë Łukasiewicz" z@example.org
  verify_home "$PDF"
  [ "$status" -eq 0 ]
  [[ "$output" == *"✓ page"*"the page shows the credential's name, achievement and QR code"* ]]
}

@test "genuine certificates pass in every shipped design, in many scripts, with long wrapped names" {
  make_home
  local long="Her Serene Highness Princess Maria Fernanda de los Ángeles Rodríguez-Villanueva y García de la Concepción del Valle"
  for name in "محمد بن سلمان" "דוד בן גוריון" "王小明 山田太郎" "김민준" "Nguyễn Thị Minh Khai" "$long"; do
    for t in ai-fundamentals prompt-engineering responsible-ai; do
      PDF=$(sc issue --home "$WORK/home" --name "$name" --email n@example.org --template "$t" | sed -n 2p)
      verify_home "$PDF"
      [ "$status" -eq 0 ] || { echo "$t: $name: $output"; return 1; }
    done
  done
}

@test "a certificate whose visible name was changed is INVALID and the page check says so" {
  make_home
  issue_pdf "Zoë Łukasiewicz" z@example.org
  "$FORGE" reverse "$PDF" forged.pdf 34.00 # the name line of ai-fundamentals
  pdftotext forged.pdf - | grep -qF "zciweisakuŁ ëoZ"
  qpdf --show-attachment=credential.json forged.pdf | cmp - "$JSON"
  verify_home forged.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == "INVALID — "* ]]
  [[ "$output" == *"✓ proof"* ]]
  [[ "$output" == *"✗ page"*"the page does not show the credential's name (\"Zoë Łukasiewicz\")"* ]]
}

@test "a certificate whose achievement name was changed is INVALID, though its description names it" {
  make_home
  issue_pdf "Ann Lee" a@example.org
  "$FORGE" reverse "$PDF" forged.pdf 20.00 # the achievement line of ai-fundamentals
  pdftotext forged.pdf - | grep -qF "AI Fundamentals course" # the description still says it
  verify_home forged.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"✗ page"*"the page does not show the credential's achievement (\"AI Fundamentals\")"* ]]
}

@test "a certificate whose QR code belongs to another credential is INVALID" {
  HOME_FLAGS="--qr embed" make_home
  issue_pdf "Ann Lee" a@example.org
  local first_json=$JSON first_id
  first_id=$(jq -r .id "$JSON")
  issue_pdf "Ann Lee" other@example.org # same name, same course: only the QR code differs
  attach "$PDF" "$first_json" swapped.pdf
  verify_home swapped.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"✗ page"*"the QR code on the page holds another credential ($(jq -r .id "$JSON")), not this one"* ]]
  [[ "$output" != *"$first_id"*"not this one"* ]]
}

@test "a byte order mark before a forged PDF does not skip the page check" {
  make_home
  issue_pdf "Ann Lee" a@example.org
  "$FORGE" reverse "$PDF" forged.pdf 34.00
  { printf '\xef\xbb\xbf'; cat forged.pdf; } >bom.pdf
  verify_home bom.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"✗ page"*"the page does not show the credential's name (\"Ann Lee\")"* ]]
}

@test "one learner's credential attached to another learner's certificate is INVALID" {
  make_home
  issue_pdf "Ann Lee" a@example.org
  local ann=$JSON
  issue_pdf "Bob Smith" b@example.org
  attach "$PDF" "$ann" bob-page-ann-credential.pdf
  verify_home bob-page-ann-credential.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == "INVALID — the page does not show the credential's name (\"Ann Lee\")"* ]]
}

@test "verify --report says which part of the page disagrees" {
  make_home
  issue_pdf "Ann Lee" a@example.org
  "$FORGE" reverse "$PDF" name.pdf 34.00
  "$FORGE" reverse "$PDF" course.pdf 20.00
  verify_home --report report.csv "$PDF" name.pdf course.pdf
  [ "$status" -eq 1 ]
  grep -qF "\"$PDF\",\"VALID\",\"0\"" report.csv
  local row='"INVALID","1","Ann Lee","AI Fundamentals","Acme AI Academy"'
  grep -qF "\"name.pdf\",$row,\"the page does not show the credential's name (\"\"Ann Lee\"\")\"" report.csv
  grep -qF "\"course.pdf\",$row,\"the page does not show the credential's achievement (\"\"AI Fundamentals\"\")\"" report.csv
}

@test "a PDF made by another tool needs only show the name, in any layout and letter case" {
  make_home
  issue_pdf "Ann Lee" a@example.org
  "$FORGE" foreign page.pdf "Word 2016" "Certificate of completion" "awarded to" "ANN LEE"
  attach page.pdf "$JSON" foreign.pdf
  verify_home foreign.pdf
  [ "$status" -eq 0 ]
  [[ "$output" == *"✓ page"*"the page shows the credential's name (a PDF not made by skillcert"* ]]
  "$FORGE" foreign page.pdf "Word 2016" "Certificate of completion" "awarded to" "Joanne Leeds"
  attach page.pdf "$JSON" foreign-other.pdf
  verify_home foreign-other.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"✗ page"*"the page does not show the credential's name (\"Ann Lee\")"* ]]
}

@test "a PDF made by another tool that shows another credential's QR code is INVALID" {
  HOME_FLAGS="--qr embed" make_home
  issue_pdf "Ann Lee" a@example.org
  local ann=$JSON
  issue_pdf "Ann Lee" other@example.org
  # Another tool's page (Creator changed) with skillcert's drawing of the other credential.
  qpdf "$PDF" --qdf --object-streams=disable qdf.pdf
  sed -i 's/\/Creator (skillcert)/\/Creator (Word)/' qdf.pdf
  fix-qdf qdf.pdf >recreated.pdf
  [ "$(pdfinfo recreated.pdf | sed -n 's/^Creator: *//p')" = Word ]
  attach recreated.pdf "$ann" foreign.pdf
  verify_home foreign.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"✗ page"*"the QR code on the page holds another credential"* ]]
}

@test "the page check leaks nothing and stays defined (sanitizer build)" {
  make_home
  issue_pdf "Ann Lee" a@example.org
  "$FORGE" reverse "$PDF" forged.pdf 34.00
  "$FORGE" foreign page.pdf "Word 2016" "Ann Lee"
  attach page.pdf "$JSON" foreign.pdf
  run sc_san verify --home "$WORK/home" "$PDF" foreign.pdf
  [ "$status" -eq 0 ]
  run sc_san verify --home "$WORK/home" forged.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"✗ page"* ]]
  [[ "$output" != *Sanitizer* ]]
}

@test "a link-mode QR code (/C/<uuid>) must name the attached credential" {
  make_home
  # Criteria too long (and too random to compress) for an embedded payload: link mode.
  mkdir -p "$WORK/home/templates"
  cp -R "$ROOT/templates/ai-fundamentals" "$WORK/home/templates/long"
  "$PYTHON" - "$WORK/home/templates/long/achievement.json" <<'PY'
import json, random, sys
random.seed(1)
achievement = json.load(open(sys.argv[1]))
achievement["criteria"]["narrative"] = " ".join(
    "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.randint(3, 9)))
    for _ in range(220))
json.dump(achievement, open(sys.argv[1], "w"))
PY
  local paths
  paths=$(sc issue --home "$WORK/home" --name "Ann Lee" --email a@example.org --template long)
  local first_json first_pdf
  first_json=$(sed -n 1p <<<"$paths")
  first_pdf=$(sed -n 2p <<<"$paths")
  pdftoppm -r 150 -png -singlefile "$first_pdf" page
  zbarimg -q --raw page.png 2>/dev/null | grep -q "/C/"
  verify_home "$first_pdf"
  [ "$status" -eq 0 ]
  paths=$(sc issue --home "$WORK/home" --name "Ann Lee" --email b@example.org --template long)
  attach "$(sed -n 2p <<<"$paths")" "$first_json" swapped.pdf
  verify_home swapped.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"✗ page"*"the QR code on the page links to credential "*", not to this one ($(jq -r .id "$first_json"))"* ]]
}
