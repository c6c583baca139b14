#!/bin/sh
# make-deb.sh ROOT VERSION OUT.deb — turns a `make install DESTDIR=ROOT PREFIX=/usr` tree into a
# Debian package with dpkg-deb: compresses the man pages, adds the systemd unit and its
# /etc/default file, computes Depends with dpkg-shlibdeps (plus the fonts the PDFs are drawn
# with, which no library dependency names), and writes DEBIAN/control, conffiles, postinst, postrm.
set -eu
root=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)

[ -x "$root/usr/bin/skillcert" ] || { echo "make-deb.sh: $root/usr/bin/skillcert: not installed there" >&2; exit 66; }

# Debian policy: man pages gzip-compressed with -n (no name or time: reproducible).
find "$root/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9nf {} +

install -D -m 0644 "$here/packaging/skillcert-serve.service" "$root/lib/systemd/system/skillcert-serve.service"
install -D -m 0644 "$here/packaging/default-skillcert" "$root/etc/default/skillcert"
install -D -m 0644 "$here/packaging/copyright" "$root/usr/share/doc/skillcert/copyright"

# dpkg-shlibdeps reads debian/control from its working folder: give it a minimal one.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: skillcert\n\nPackage: skillcert\nArchitecture: any\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e"$root/usr/bin/skillcert" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "make-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 70; }
# The fonts skillcert draws certificates with (issuer/pdf_fonts.c): Latin, Greek, Cyrillic
# (DejaVu), Chinese and Japanese (Droid fallback), Korean (Nanum). ca-certificates is only
# recommended: without it HTTPS fetches (status lists, did:web) fail, verifying local files works.
depends="$shlibs, fonts-dejavu-core, fonts-droid-fallback, fonts-nanum"

mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: skillcert
Version: $version
Architecture: $arch
Maintainer: skillcert maintainers <skillcert@localhost>
Installed-Size: $size
Depends: $depends
Recommends: ca-certificates
Section: utils
Priority: optional
Description: issue and verify tamper-evident certificates for AI skills
 skillcert turns a roster of learners into signed W3C Verifiable Credentials /
 Open Badges 3.0 (Data Integrity, Ed25519), printable PDF certificates with a
 QR code and baked badges, revokes them and publishes Bitstring Status Lists.
 It verifies credentials (JSON, PDF, QR text or a photo) and runs the
 verification service (skillcert serve, systemd unit skillcert-serve).
CONTROL
echo /etc/default/skillcert >"$root/DEBIAN/conffiles"

# The unit is installed but not enabled or started: it needs a home first (/etc/default/skillcert).
cat >"$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
  if systemctl is-active --quiet skillcert-serve.service; then
    systemctl restart skillcert-serve.service || true
  fi
fi
SCRIPT
cat >"$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop skillcert-serve.service >/dev/null 2>&1 || true
fi
SCRIPT
cat >"$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
fi
SCRIPT
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"

dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
