#!/bin/sh
# Re-extracts po/skillcert.pot from the sources (sc_tr, sc_trc and N_ calls) and from the fixed
# words of the shipped templates (their "text" blocks, placeholders and all: the renderer looks
# each block up whole), then merges it into every po/<lang>.po (msgmerge keeps what is
# translated and marks what changed as fuzzy). docs/translations.md.
set -eu
cd "$(dirname "$0")/.."
words=$(mktemp -d)
trap 'rm -rf "$words"' EXIT
# The templates' words as N_("...") lines, so that xgettext reads them like the C sources.
for t in templates/*/template.json; do
  jq -r --arg file "$t" '.text[].text | select(test("^\\s*\\{\\{[a-z._]+\\}\\}\\s*$") | not)
      | "/* TRANSLATORS: certificate words, " + $file + " */ N_(" + (. | tojson) + ");"' "$t"
done >"$words/template_words.c"
xgettext --from-code=UTF-8 --language=C --keyword=sc_tr:2 --keyword=sc_trc:2c,3 --keyword=N_ --keyword=NC_:1c,2 --keyword=T \
  --add-comments=TRANSLATORS: --package-name=skillcert --msgid-bugs-address=https://github.com/skillcert/skillcert/issues \
  --sort-by-file -o po/skillcert.pot \
  core/*.c issuer/*.c verifier/*.c service/*.c cli/*.c "$words/template_words.c"
# The generated file's temporary name is no source a translator can open.
sed -i "s|$words/template_words.c:[0-9]*|templates/*/template.json|g" po/skillcert.pot
for po in po/*.po; do
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" po/skillcert.pot
done
