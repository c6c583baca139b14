#!/usr/bin/env bats
# The reader's language (docs/translations.md): the verification page follows Accept-Language
# and ?lang=, certificates are written in the roster's language with dates like
# "31 Desember 2030", achievements named in two languages issue and verify, the CLI's verdict
# follows LANGUAGE, and the Indonesian catalogue is complete.
load helpers
load serve_helpers

setup() {
  work_setup
  sc init "$WORK/home" --name "Acme AI Academy" --url https://acme.example --no-passphrase >/dev/null
}

teardown() {
  stop_server
  rm -rf "$WORK"
}

# Issues one certificate from a roster row; sets CRED and PDF.
issue_row() { # language valid_until [achievement]
  printf 'name,email,language,valid_until,achievement\nSiti Rahma,siti@example.org,%s,%s,%s\n' \
    "$1" "$2" "${3:-}" >"$WORK/roster.csv"
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals >/dev/null
  CRED=$(find "$WORK/home/out" -name '*.json' | head -n 1)
  PDF=${CRED%.json}.pdf
}

@test "Accept-Language: id gives the verification page in Indonesian with lang=id" {
  issue_pdf "Siti Rahma"
  start_server --home "$WORK/home"
  local path
  path=$(vpath_of_pdf "$PDF")
  curl -s -H 'Accept-Language: id-ID,id;q=0.9,en;q=0.8' "$URL$path" >"$WORK/page"
  grep -q '<html lang="id">' "$WORK/page"
  grep -q 'Sertifikat sah' "$WORK/page"
  grep -q '<dt>Diterbitkan oleh</dt>' "$WORK/page"
  grep -q '<title>Sertifikat sah — Acme AI Academy</title>' "$WORK/page"
  curl -s -H 'Accept-Language: fr, en;q=0.5' "$URL$path" >"$WORK/page-en"
  grep -q '<html lang="en">' "$WORK/page-en"
  grep -q 'Valid certificate' "$WORK/page-en"
  curl -s -D "$WORK/h" -o /dev/null "$URL/"
  grep -qi '^Vary: Accept-Language' "$WORK/h"
}

@test "the language switch links ?lang= and ?lang= wins over Accept-Language" {
  issue_pdf "Siti Rahma"
  start_server --home "$WORK/home"
  local path
  path=$(vpath_of_pdf "$PDF")
  curl -s -H 'Accept-Language: en' "$URL$path" >"$WORK/page"
  grep -qF "href=\"$path?lang=id\"" "$WORK/page"
  curl -s -H 'Accept-Language: en' "$URL$path?lang=id" >"$WORK/page-id"
  grep -q '<html lang="id">' "$WORK/page-id"
  grep -qF "href=\"$path?lang=en\"" "$WORK/page-id"
  curl -s "$URL/?lang=id" >"$WORK/home-id"
  grep -q 'Verifikasi sertifikat' "$WORK/home-id"
  grep -q 'action="/verify?lang=id"' "$WORK/home-id"
  # The form's answer keeps the language; so do the error pages.
  curl -s -F "file=@$CRED" "$URL/verify?lang=id" >"$WORK/upload-id"
  grep -q '<html lang="id">' "$WORK/upload-id"
  grep -q 'Sertifikat sah' "$WORK/upload-id"
  curl -s -H 'Accept-Language: id' "$URL/nothing-here" >"$WORK/404-id"
  grep -q '<html lang="id">' "$WORK/404-id"
  grep -q '<h1>Tidak ditemukan</h1>' "$WORK/404-id"
}

@test "the page speaks plainly: technical details folded, no command to type, the issuer's logo" {
  issue_pdf "Siti Rahma"
  sc trust add did:web:other.example --name Other --trust "$WORK/other-trust.json" >/dev/null
  start_server --public "$WORK/home/public" --trust "$WORK/other-trust.json"
  local path
  path=$(vpath_of_pdf "$PDF")
  curl -s "$URL$path" >"$WORK/page"
  grep -q 'Issuer not recognised' "$WORK/page"
  run grep -q 'skillcert trust add' "$WORK/page"
  [ "$status" -ne 0 ]
  # DIDs come only after the <details> that folds them away.
  local details did
  details=$(grep -bo '<details>' "$WORK/page" | head -n 1 | cut -d: -f1)
  did=$(grep -bo 'did:key:' "$WORK/page" | head -n 1 | cut -d: -f1)
  [ -n "$details" ] && [ -n "$did" ] && [ "$did" -gt "$details" ]
  grep -q '<summary>Technical details</summary>' "$WORK/page"
  run grep -q '<p class="logo">' "$WORK/page" # another issuer's page: no home, no logo
  [ "$status" -ne 0 ]
  stop_server
  start_server --home "$WORK/home"
  curl -s "$URL$path" >"$WORK/page"
  grep -q '<p class="logo"><img alt="" src="data:image/png;base64,' "$WORK/page"
}

@test "a certificate with language id is written in Indonesian with dates like 31 Desember 2030" {
  issue_row id 2030-12-31
  pdftotext "$PDF" "$WORK/pdf.txt"
  grep -q 'SERTIFIKAT PENGHARGAAN' "$WORK/pdf.txt"
  grep -q 'Berlaku hingga 31 Desember 2030' "$WORK/pdf.txt"
  run grep -q 'December' "$WORK/pdf.txt"
  [ "$status" -ne 0 ]
  sc verify --home "$WORK/home" "$PDF"
  # The registry keeps the language: render writes the same PDF again, and so does a rerun of
  # the roster that repairs a lost PDF.
  cp "$PDF" "$WORK/first.pdf"
  sc render --home "$WORK/home" -o "$WORK/again.pdf" "$CRED" >/dev/null
  cmp "$WORK/first.pdf" "$WORK/again.pdf"
  rm "$PDF"
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals >/dev/null
  cmp "$WORK/first.pdf" "$PDF"
}

@test "a roster's unknown language is refused with its line" {
  printf 'name,email,language\nSiti Rahma,siti@example.org,klingon\n' >"$WORK/roster.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [[ "$output" == *"roster.csv:2"*"language: expected one of en, id, got 'klingon'"* ]]
}

@test "an achievement named in two languages issues, verifies, and shows the reader's name" {
  mkdir -p "$WORK/home/achievements"
  jq '.id = "https://acme.example/a/ai-bilingual"
      | .name = [{"@value": "AI Fundamentals", "@language": "en"},
                 {"@value": "Dasar-Dasar AI", "@language": "id"}]' \
    "$WORK/home/templates/ai-fundamentals/achievement.json" >"$WORK/home/achievements/bi.json"
  issue_row id "" bi.json
  [ "$(jq -c '.credentialSubject.achievement.name | map(.["@language"])' "$CRED")" = '["en","id"]' ]
  pdftotext "$PDF" - | grep -q 'Dasar-Dasar AI'
  run sc verify --home "$WORK/home" "$CRED"
  [ "$status" -eq 0 ]
  [[ "$output" == *"eddsa-rdfc-2022"* ]]
  [[ "$output" == "VALID — Siti Rahma: AI Fundamentals,"* ]]
  sc verify --home "$WORK/home" "$PDF"
  start_server --home "$WORK/home"
  curl -s -H 'Accept-Language: id' "$URL/C/$(uuid_of "$CRED")" >"$WORK/page"
  grep -q '<h2><bdi dir="auto">Dasar-Dasar AI</bdi></h2>' "$WORK/page"
  curl -s -H 'Accept-Language: en' "$URL/C/$(uuid_of "$CRED")" >"$WORK/page"
  grep -q '<h2><bdi dir="auto">AI Fundamentals</bdi></h2>' "$WORK/page"
}

@test "the CLI's verdict follows LANGUAGE, and LC_ALL=C keeps it English" {
  issue_pdf "Siti Rahma"
  LC_ALL='' LC_MESSAGES='' LANG=C.UTF-8 LANGUAGE=id "$SKILLCERT" verify --home "$WORK/home" "$CRED" >"$WORK/out"
  grep -q '^SAH — Siti Rahma: AI Fundamentals, diterbitkan oleh Acme AI Academy pada ' "$WORK/out"
  LC_ALL=C LANGUAGE=id "$SKILLCERT" verify --home "$WORK/home" "$CRED" >"$WORK/out"
  grep -q '^VALID — Siti Rahma' "$WORK/out"
}

@test "a damaged catalogue means English or the next catalogue found, never a crash" {
  issue_pdf "Siti Rahma"
  local mo="$BATS_TEST_DIRNAME/../../build/locale/id/LC_MESSAGES/skillcert.mo"
  mkdir -p "$WORK/locale/id/LC_MESSAGES"
  # The tables intact (msgfmt's header: count at byte 8, the translations' table at 16), the
  # strings they point at cut off: every lookup misses.
  local count translations
  read -r count _ translations < <(od -An -tu4 -j8 -N12 "$mo")
  head -c $((translations + 8 * count)) "$mo" >"$WORK/locale/id/LC_MESSAGES/skillcert.mo"
  SKILLCERT_LOCALEDIR=$WORK/locale LC_ALL='' LANG=C.UTF-8 LANGUAGE=id \
    "$SKILLCERT" verify --home "$WORK/home" "$CRED" >"$WORK/out"
  grep -q '^VALID — Siti Rahma' "$WORK/out"
  # Not a catalogue at all: skipped, so the one beside the program answers.
  head -c 4096 /dev/urandom >"$WORK/locale/id/LC_MESSAGES/skillcert.mo"
  SKILLCERT_LOCALEDIR=$WORK/locale LC_ALL='' LANG=C.UTF-8 LANGUAGE=id \
    "$SKILLCERT" verify --home "$WORK/home" "$CRED" >"$WORK/out"
  grep -q '^SAH — Siti Rahma' "$WORK/out"
}

@test "the Indonesian catalogue has no untranslated or fuzzy entry" {
  run "$BATS_TEST_DIRNAME/../../scripts/check-po.sh"
  [ "$status" -eq 0 ]
  printf '\nmsgid "Not translated yet"\nmsgstr ""\n' >"$WORK/id.po"
  cat "$BATS_TEST_DIRNAME/../../po/id.po" "$WORK/id.po" >"$WORK/incomplete.po"
  run "$BATS_TEST_DIRNAME/../../scripts/check-po.sh" "$WORK/incomplete.po"
  [ "$status" -ne 0 ]
  [[ "$output" == *"untranslated"* ]]
}
