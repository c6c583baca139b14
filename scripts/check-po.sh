#!/bin/sh
# Fails when a translation (po/<lang>.po, or those named) has an untranslated or fuzzy entry,
# or lacks an entry of po/skillcert.pot: every language skillcert ships is complete.
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- po/*.po
status=0
for po in "$@"; do
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
  case $stats in
  *untranslated* | *fuzzy*)
    echo "$po: incomplete: $stats" >&2
    status=1
    ;;
  esac
  # Entries of the template that the .po has not got at all (msgmerge not run since).
  missing=$(msgcmp --use-untranslated "$po" po/skillcert.pot 2>&1 | grep -c 'this message is used but not defined' || true)
  if [ "$missing" -ne 0 ]; then
    echo "$po: $missing messages of po/skillcert.pot are missing (run make pot)" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "translations complete: $*"
exit $status
