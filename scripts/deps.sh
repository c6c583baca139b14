#!/bin/sh
# Installs the missing Debian packages of the lists named (default: scripts/debian-packages,
# what skillcert needs to build and run; `make test` adds scripts/debian-packages-test).
# Quick when everything is present: it asks dpkg first and calls apt-get only if needed.
set -eu
[ $# -gt 0 ] || set -- "$(dirname "$0")/debian-packages"
missing=""
for list in "$@"; do
  while read -r pkg; do
    case $pkg in '' | '#'*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing="$missing $pkg"
    fi
  done <"$list"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
# $missing is a space-separated list of package names: split on purpose.
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
