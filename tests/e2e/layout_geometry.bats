#!/usr/bin/env bats
# Every text block fits its box (docs/templates.md, "Text boxes"): names from 1 character to the
# longest a roster accepts, in several scripts, long issuer and achievement names, in every
# shipped template, never overlap each other, cross a rule, the logo or the QR code, or leave the
# page (layout_geometry.py reads the words' boxes with pdftotext -bbox-layout).
load helpers

GEOMETRY=$BATS_TEST_DIRNAME/layout_geometry.py
LENGTHS="1 20 51 80 256" # 256: SC_MAX_NAME_CHARS, the longest name a roster accepts
LONG_ISSUER="Lembaga Sertifikasi Profesi Kecerdasan Buatan Nusantara Raya Indonesia"
LONG_ACHIEVEMENT="Dasar-Dasar Kecerdasan Buatan untuk Profesional Layanan Publik dan Pemerintahan Daerah"

# The templates' fixed words in Indonesian, most of them longer than the English.
INDONESIAN='{
  "CERTIFICATE OF ACHIEVEMENT": "SERTIFIKAT PENGHARGAAN ATAS PENCAPAIAN",
  "This certifies that": "Dengan ini menyatakan bahwa",
  "has successfully completed": "telah berhasil menyelesaikan",
  "Issued by": "Diterbitkan oleh", "Issuer": "Penerbit", "Date of issue": "Tanggal penerbitan",
  "Valid until {{valid_until}}": "Berlaku sampai dengan {{valid_until}}",
  "Credential {{credential.id}}": "Nomor kredensial {{credential.id}}",
  "Scan to verify": "Pindai untuk memverifikasi",
  "SKILL": "SERTIFIKAT", "CERTIFICATE": "SERTIFIKAT KEAHLIAN",
  "CERTIFICATE OF COMPLETION": "SERTIFIKAT PENYELESAIAN PELATIHAN",
  "Awarded to": "Diberikan kepada", "for successfully completing": "karena telah berhasil menyelesaikan",
  "PROFESSIONAL CREDENTIAL": "KREDENSIAL PROFESIONAL",
  "This is to certify that": "Dengan ini menyatakan bahwa",
  "has demonstrated the knowledge and judgement required for": "telah menunjukkan pengetahuan dan penilaian yang diperlukan untuk"
}'

# A home at $WORK/home; with "long", a 70-character issuer name, every template's achievement
# renamed to an 86-character title with a description of four long sentences, and the fixed
# words in Indonesian.
layout_home() { # [long]
  local issuer="Acme AI Academy"
  [ "${1:-}" = long ] && issuer=$LONG_ISSUER
  sc init "$WORK/home" --name "$issuer" --url https://acme.example --no-passphrase >/dev/null
  [ "${1:-}" = long ] || return 0
  local description="Peserta telah menyelesaikan pelatihan selama dua belas jam tentang cara model pembelajaran mesin dilatih, dievaluasi, dan diterapkan. Pelatihan ini juga membahas di mana model gagal dan bagaimana risiko dikelola. Penilaian akhir mencakup studi kasus dari layanan publik. Sertifikat ini berlaku dua tahun."
  for a in "$WORK"/home/templates/*/achievement.json; do
    jq --arg n "$LONG_ACHIEVEMENT" --arg d "$description" '.name = $n | .description = $d' "$a" >"$a.new"
    mv "$a.new" "$a"
  done
  for t in "$WORK"/home/templates/*/template.json; do
    jq --argjson words "$INDONESIAN" '.text[].text |= ($words[.] // .)' "$t" >"$t.new"
    mv "$t.new" "$t"
  done
}

# Renders TEMPLATE with NAME into OUT.pdf and checks its geometry.
render_and_check() { # template name out
  run sc template preview "$1" --home "$WORK/home" --no-png -o "$3.pdf" --name "$2"
  [ "$status" -eq 0 ] || { echo "$1: ${#2} characters: $output"; return 1; }
  run "$GEOMETRY" check "$WORK/home/templates/$1/template.json" "$3.pdf" "$2"
  [ "$status" -eq 0 ] || { echo "$1: a name of ${#2} characters ($2):"; echo "$output"; return 1; }
}

# Every length of SCRIPT in every template; skipped, naming the script, when no font draws it.
check_script() { # script [long]
  layout_home "${2:-}"
  local probe
  probe=$("$GEOMETRY" name "$1" 1)
  run sc template preview ai-fundamentals --home "$WORK/home" --no-png -o probe.pdf --name "$probe"
  [ "$status" -eq 0 ] || skip "no font draws $1 names: $output"
  for t in ai-fundamentals prompt-engineering responsible-ai; do
    for n in $LENGTHS; do
      render_and_check "$t" "$("$GEOMETRY" name "$1" "$n")" "$t-$1-$n"
    done
  done
}

@test "Latin names of 1 to 256 characters fit every template without overlapping" {
  check_script latin
}

@test "Indonesian names of 1 to 256 characters fit every template without overlapping" {
  check_script indonesian
}

@test "Arabic names of 1 to 256 characters fit every template without overlapping" {
  check_script arabic
}

@test "CJK names without spaces of 1 to 256 characters fit every template without overlapping" {
  check_script cjk
}

@test "a long issuer name, achievement title and description, and Indonesian words fit every template" {
  check_script indonesian long
}

@test "a name wrapped at spaces or between CJK characters verifies (the page check finds it)" {
  make_home
  local name
  for name in "$("$GEOMETRY" name indonesian 107)" "$("$GEOMETRY" name cjk 80)"; do
    for t in ai-fundamentals prompt-engineering responsible-ai; do
      PDF=$(sc issue --home "$WORK/home" --name "$name" --email n@example.org --template "$t" | sed -n 2p)
      [ "$(pdftotext -raw "$PDF" - | grep -cxF "$name")" -eq 0 ] # not on one line: wrapped
      run sc verify --home "$WORK/home" "$PDF"
      [ "$status" -eq 0 ] || { echo "$t: $output"; return 1; }
    done
  done
}

@test "the geometry check catches a rule through a name" {
  make_home
  local tpl=$WORK/home/templates/ai-fundamentals/template.json
  # Move the gold rule up into the name's line.
  jq '.shapes[2].y = 94' "$tpl" >"$tpl.new" && mv "$tpl.new" "$tpl"
  sc template preview ai-fundamentals --home "$WORK/home" --no-png -o ruled.pdf --name "Ann Lee"
  run "$GEOMETRY" check "$tpl" ruled.pdf
  [ "$status" -eq 1 ]
  [[ "$output" == *"'Ann' crosses the rule"* ]]
}

@test "template check passes the shipped templates" {
  for t in ai-fundamentals prompt-engineering responsible-ai; do
    run sc template check "$t"
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf '%s: layout OK\n%s: e-mail texts OK' "$t" "$t")" ]
  done
}

@test "template check refuses overlapping boxes and a rule through a box, naming the blocks" {
  make_home
  local tpl=$WORK/home/templates/ai-fundamentals/template.json
  # The issuer's label moved up into the issuer's box; the gold rule moved into the name's box.
  jq '.text[7].y = 174 | .shapes[2].y = 94' "$tpl" >"$tpl.new" && mv "$tpl.new" "$tpl"
  run sc template check ai-fundamentals --home "$WORK/home"
  [ "$status" -eq 65 ]
  [[ "$output" == *'template ai-fundamentals: text[2] "{{recipient.name}}" overlaps shapes[2] (a rule) by'* ]]
  [[ "$output" == *'template ai-fundamentals: text[6] "{{issuer.name}}" overlaps text[7] "Issued by" by'* ]]
  [[ "$output" == *"2 layout problems ($WORK/home/templates/ai-fundamentals/template.json)"* ]]
}

@test "template check refuses a box that leaves the page" {
  make_home
  local tpl=$WORK/home/templates/prompt-engineering/template.json
  jq '.text[3].max_width = 230' "$tpl" >"$tpl.new" && mv "$tpl.new" "$tpl"
  run sc template check prompt-engineering --home "$WORK/home"
  [ "$status" -eq 65 ]
  [[ "$output" == *'text[3] "CERTIFICATE OF COMPLETION": its box (82.0, 33.1)-(312.0, 39.4) mm leaves the page (297 x 210 mm)'* ]]
}

@test "an older template's one-line name box keeps a long name whole, smaller, clear of the rule" {
  make_home
  local tpl=$WORK/home/templates/ai-fundamentals/template.json
  # The name block as homes made before text boxes have it: one line, no height.
  jq '.text[2] |= (del(.height, .wrap_min_size) | .max_width = 190)' "$tpl" >"$tpl.new"
  mv "$tpl.new" "$tpl"
  for n in 107 256; do
    render_and_check ai-fundamentals "$("$GEOMETRY" name indonesian "$n")" "old-$n"
  done
}
