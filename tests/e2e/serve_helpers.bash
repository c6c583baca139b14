# Helpers for serve.bats: a server on a free loopback port, and QR payloads of certificates.
# shellcheck shell=bash
# The variables set here (SERVER_PID, URL, CRED, PDF) are read by the .bats files that load this.
# shellcheck disable=SC2034
# shellcheck source=scripts/listening-url.sh
. "$BATS_TEST_DIRNAME/../../scripts/listening-url.sh"

# Starts `skillcert serve ARGS...` on 127.0.0.1:0; sets SERVER_PID and URL (http://127.0.0.1:N).
start_server() {
  "$SKILLCERT" serve --listen 127.0.0.1:0 "$@" >"$WORK/serve.out" 2>"$WORK/serve.log" &
  SERVER_PID=$!
  URL=$(listening_url "$WORK/serve.out")
  [ -n "$URL" ] || { cat "$WORK/serve.log" >&2; return 1; }
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# The text of the QR code of a PDF certificate (rendered at 150 dpi, read by zbarimg).
qr_of_pdf() {
  pdftoppm -r 150 -png -singlefile "$1" "$WORK/qr-page"
  zbarimg -q --raw "$WORK/qr-page.png" 2>/dev/null | head -n 1
}

# The path of a PDF certificate's QR code: "/V/1ABC…", or "/C/<uuid>" for a credential too large
# to embed (link mode).
vpath_of_pdf() {
  local text
  text=$(qr_of_pdf "$1")
  echo "/${text#*://*/}"
}

# HTTP status of a GET (extra curl arguments allowed).
status_of() {
  curl -s -o /dev/null -w '%{http_code}' "$@"
}

# Issues a certificate with a PDF from the demo template; sets CRED (json) and PDF.
issue_pdf() { # name [extra issue args...]
  local name=$1
  shift
  local out
  out=$(sc issue --home "$WORK/home" --name "$name" --email learner@example.org \
    --template ai-fundamentals "$@")
  CRED=$(echo "$out" | sed -n 1p)
  PDF=$(echo "$out" | sed -n 2p)
}

uuid_of() {
  basename "$1" .json
}
