# shellcheck shell=sh
# Sourced by the scripts that start `skillcert serve --listen 127.0.0.1:0` in the background
# (tests/e2e, tests/browser, bench): the server prints "listening on URL" on stdout once it
# accepts connections.

# Prints the URL announced in FILE (the server's stdout), waiting up to 5 s for it; prints
# nothing if it never came.
listening_url() {
  for _ in $(seq 1 100); do
    grep -q '^listening on ' "$1" 2>/dev/null && break
    sleep 0.05
  done
  sed -n 's/^listening on //p' "$1"
}
