#!/bin/sh
# Installs the Debian packages listed in scripts/debian-packages that are missing.
# Quick when everything is present: it asks dpkg first and calls apt-get only if needed.
set -eu
list="$(dirname "$0")/debian-packages"
missing=""
for pkg in $(grep -v '^#' "$list"); do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $pkg"
  fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
