#!/bin/sh
# Browser test of `skillcert serve`: headless Chromium opens the URL decoded from a rendered
# certificate's QR code (pdftoppm -r 150 + zbarimg), the DOM must show the valid verdict and
# the recipient's name; a revoked certificate must show the red verdict. Screenshots at phone
# size go to tests/out/ (and, with --docs, to docs/screenshot-valid.png and -revoked.png).
# Prints TAP. Needs: chromium, pdftoppm, zbarimg, curl.
set -eu
cd "$(dirname "$0")/../.."
. scripts/listening-url.sh
SKILLCERT=${SKILLCERT:-$PWD/build/skillcert}
out=tests/out
mkdir -p "$out"
work=$(mktemp -d)
server=""
# shellcheck disable=SC2317 # cleanup runs from the EXIT trap, which shellcheck does not follow
cleanup() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
unset SKILLCERT_PASSPHRASE_FILE SKILLCERT_TRUST SKILLCERT_HOME

home="$work/home"
"$SKILLCERT" init "$home" --name "Acme AI Academy" --url https://acme.example --no-passphrase >/dev/null
valid=$("$SKILLCERT" issue --home "$home" --name "Zoë Łukasiewicz" --email zoe@example.org \
  --template ai-fundamentals | sed -n 2p)
revoked=$("$SKILLCERT" issue --home "$home" --name "Omar Haddad" --email omar@example.org \
  --template ai-fundamentals | sed -n 2p)
"$SKILLCERT" revoke --home "$home" "$(basename "$revoked" .pdf)" --reason "issued in error" >/dev/null

"$SKILLCERT" serve --home "$home" --offline --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
base=$(listening_url "$work/serve.out")

# The QR code's URL (HTTPS://ACME.EXAMPLE/V/1… embedded, or …/C/<uuid> linking) pointed at
# this server.
local_url() {
  pdftoppm -r 150 -png -singlefile "$1" "$work/page"
  text=$(zbarimg -q --raw "$work/page.png" 2>/dev/null | head -n 1)
  echo "$base/${text#*://*/}"
}

chrome() { # extra arguments... URL
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile-$$-$(date +%s%N)" --window-size=412,915 \
    "$@" 2>/dev/null
}

n=0
status=0
check() { # description, command...
  n=$((n + 1))
  desc=$1
  shift
  if "$@"; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; status=1; fi
}

echo "1..6"
url=$(local_url "$valid")
chrome --dump-dom "$url" >"$work/valid.html"
check "valid certificate: the DOM shows the green verdict" grep -q 'class="verdict ok"' "$work/valid.html"
check "valid certificate: the DOM shows the recipient's name" grep -q 'Zoë Łukasiewicz' "$work/valid.html"
chrome --screenshot="$out/browser-valid.png" "$url" >/dev/null
url=$(local_url "$revoked")
chrome --dump-dom "$url" >"$work/revoked.html"
check "revoked certificate: the DOM shows the red verdict" grep -q 'class="verdict bad".*Revoked' "$work/revoked.html"
chrome --screenshot="$out/browser-revoked.png" "$url" >/dev/null
# A phone set to Indonesian sends Accept-Language: id and gets the page in Indonesian.
url=$(local_url "$valid")
chrome --accept-lang=id --dump-dom "$url" >"$work/valid-id.html"
check "a browser asking for Indonesian gets lang=id" grep -q '<html lang="id">' "$work/valid-id.html"
check "a browser asking for Indonesian reads 'Sertifikat sah'" grep -q 'Sertifikat sah' "$work/valid-id.html"
check "screenshots saved" test -s "$out/browser-valid.png" -a -s "$out/browser-revoked.png"
if [ "${1:-}" = "--docs" ]; then
  cp "$out/browser-valid.png" docs/screenshot-valid.png
  cp "$out/browser-revoked.png" docs/screenshot-revoked.png
fi
exit $status
