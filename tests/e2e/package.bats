#!/usr/bin/env bats
# make deb: the Debian package (scripts/make-deb.sh, packaging/). The package is built once for
# the file (a whole packager's build into its own BUILD folder), then inspected.
load helpers

unset MAKEFLAGS MFLAGS MAKELEVEL CFLAGS WARN DEVELOPER

setup_file() {
  # The package is a packager's build of its own; the sanitizer pass would only build it again.
  case "${SKILLCERT:-}" in */build-san/*) export PACKAGE_SKIPPED=1 && return 0 ;; esac
  export DEB_BUILD=$BATS_FILE_TMPDIR/b
  make -C "$ROOT" --no-print-directory BUILD="$DEB_BUILD" deb >"$BATS_FILE_TMPDIR/make.log" 2>&1 ||
    { tail -20 "$BATS_FILE_TMPDIR/make.log" >&3; return 1; }
  DEB=$(ls "$DEB_BUILD"/skillcert_*.deb)
  export DEB
}

setup() {
  [ -z "${PACKAGE_SKIPPED:-}" ] || skip "make deb is checked in the normal pass"
  work_setup
}

version() {
  sed -n 's/^#define SC_VERSION "\(.*\)"/\1/p' "$ROOT/cli/cli.h"
}

@test "make deb builds skillcert_VERSION_ARCH.deb" {
  [ "$DEB" = "$DEB_BUILD/skillcert_$(version)_$(dpkg --print-architecture).deb" ]
  [ -s "$DEB" ]
}

@test "the package holds the binary, the man page, the templates, the unit and its defaults" {
  run dpkg-deb -c "$DEB"
  [ "$status" -eq 0 ]
  for f in ./usr/bin/skillcert ./usr/share/man/man1/skillcert.1.gz \
    ./usr/share/skillcert/templates/ai-fundamentals/template.json \
    ./lib/systemd/system/skillcert-serve.service ./etc/default/skillcert \
    ./usr/share/doc/skillcert/copyright; do
    [[ "$output" == *" $f"$'\n'* || "$output" == *" $f" ]] || { echo "missing $f"; return 1; }
  done
  [[ "$output" == *"-rwxr-xr-x root/root"*"./usr/bin/skillcert"* ]]
  # Every shipped template, as make install copies them.
  for t in "$ROOT"/templates/*/; do
    [[ "$output" == *"./usr/share/skillcert/templates/$(basename "$t")/"* ]]
  done
  # Nothing of the build or of a home.
  [[ "$output" != *".o"$'\n'* && "$output" != *"/usr/local"* && "$output" != *"DEBIAN"* ]]
}

@test "the control fields: name, version, architecture, library and font dependencies, conffile" {
  run dpkg-deb -f "$DEB" Package Version Architecture Section
  [ "$status" -eq 0 ]
  [[ "$output" == *"Package: skillcert"* ]]
  [[ "$output" == *"Version: $(version)"* ]]
  [[ "$output" == *"Architecture: $(dpkg --print-architecture)"* ]]
  run dpkg-deb -f "$DEB" Depends
  # dpkg-shlibdeps' versioned libraries, and the fonts no library names.
  [[ "$output" == *"libc6 (>= "* && "$output" == *"libcurl4"* && "$output" == *"libmicrohttpd12"* ]]
  [[ "$output" == *"fonts-dejavu-core"* && "$output" == *"fonts-droid-fallback"* ]]
  [[ "$output" == *"fonts-nanum"* ]]
  run dpkg-deb -f "$DEB" Recommends
  [ "$output" = ca-certificates ] # HTTPS fetches; verifying local files works without
  run dpkg-deb -I "$DEB" conffiles
  [ "$output" = /etc/default/skillcert ]
  run dpkg-deb -I "$DEB" postinst
  [[ "$output" == *"daemon-reload"* ]]
}

@test "every package named in Depends is one this Debian has installed" {
  deps=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/(.*//; s/ //g')
  for p in $deps; do
    dpkg -s "$p" >/dev/null 2>&1 || { echo "not installed: $p"; return 1; }
  done
}

@test "the extracted binary runs, finds its libraries and the packaged templates, looks in /usr" {
  dpkg-deb -x "$DEB" "$WORK/root"
  run "$WORK/root/usr/bin/skillcert" --version
  [ "$status" -eq 0 ]
  [ "$output" = "skillcert $(version)" ]
  run ldd "$WORK/root/usr/bin/skillcert"
  [[ "$output" != *"not found"* ]]
  # Built with PREFIX=/usr: the shipped templates are looked for under /usr/share.
  grep -aq '/usr/share/skillcert/templates' "$WORK/root/usr/bin/skillcert"
  run ! grep -aq '/usr/local/share/skillcert' "$WORK/root/usr/bin/skillcert"
  SKILLCERT_TEMPLATES=$WORK/root/usr/share/skillcert/templates \
    run "$WORK/root/usr/bin/skillcert" template list
  [ "$status" -eq 0 ]
  [[ "$output" == *"ai-fundamentals"* ]]
  run sh -c "zcat '$WORK/root/usr/share/man/man1/skillcert.1.gz' | head -20"
  [[ "$output" == *".TH"* ]]
}

@test "the systemd unit is hardened and reads /etc/default/skillcert" {
  dpkg-deb -x "$DEB" "$WORK/root"
  unit=$WORK/root/lib/systemd/system/skillcert-serve.service
  for line in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes \
    StateDirectory=skillcert CacheDirectory=skillcert LimitCORE=0 \
    EnvironmentFile=-/etc/default/skillcert; do
    grep -qx "$line" "$unit" || { echo "missing $line"; return 1; }
  done
  # shellcheck disable=SC2016 # the unit's own variables, literally
  grep -q '^ExecStart=/usr/bin/skillcert serve --listen ${SKILLCERT_LISTEN} $SKILLCERT_SERVE_ARGS$' "$unit"
  # The defaults name both variables the unit uses, and options serve knows.
  # shellcheck disable=SC1091
  . "$WORK/root/etc/default/skillcert"
  [ -n "$SKILLCERT_LISTEN" ] && [ -n "$SKILLCERT_SERVE_ARGS" ]
  for opt in $SKILLCERT_SERVE_ARGS; do
    case $opt in --*) sc serve --help 2>&1 | grep -q -- "$opt" || { echo "unknown $opt"; return 1; } ;; esac
  done
}

@test "systemd-analyze verify accepts the unit" {
  command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed (package systemd)"
  dpkg-deb -x "$DEB" "$WORK/root"
  # The unit names /usr/bin/skillcert, which verify wants to exist: point it at the extracted one.
  mkdir "$WORK/units"
  sed "s|/usr/bin/skillcert|$WORK/root/usr/bin/skillcert|" \
    "$WORK/root/lib/systemd/system/skillcert-serve.service" >"$WORK/units/skillcert-serve.service"
  run systemd-analyze verify --man=no "$WORK/units/skillcert-serve.service"
  echo "$output"
  [ "$status" -eq 0 ]
}
