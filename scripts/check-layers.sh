#!/bin/sh
# Checks that dependencies point one way: cli → service → issuer, verifier → keys → core
# (see README "Layout"). Two guards, TAP output, one test per layer and guard:
#  - includes: a folder's #include "x/..." lines name only itself and the layers below it;
#  - symbols: the undefined symbols of a layer's archive (BUILD/libLAYER.a) are defined by no
#    layer it may not call (skipped when the archives are not built).
# Usage: scripts/check-layers.sh [BUILD]   (BUILD defaults to build)
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}

allowed() { # layer: the layers it may use
  case $1 in
  core) echo "" ;;
  keys) echo "core" ;;
  issuer | verifier) echo "keys core" ;;
  service) echo "issuer verifier keys core" ;;
  cli) echo "service verifier issuer keys core" ;;
  esac
}
layers="core keys issuer verifier service cli"
n=0
failed=0

report() { # ok (0/1), description, details
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
  else
    failed=1
    echo "not ok $n - $2"
    printf '%s\n' "$3" | sed 's/^/# /'
  fi
}

# includes
for layer in $layers; do
  [ -d "$layer" ] || continue
  ok="$layer $(allowed "$layer")"
  bad=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]+/' "$layer"/*.c "$layer"/*.cc \
    "$layer"/*.h 2>/dev/null | while IFS= read -r line; do
    target=$(printf '%s\n' "$line" | sed -E 's/.*#[[:space:]]*include[[:space:]]*"([a-z_]+)\/.*/\1/')
    case " $ok " in *" $target "*) ;; *) printf '%s\n' "$line" ;; esac
  done)
  [ -z "$bad" ]
  report $? "layer $layer includes only: $ok" "$bad"
done

# symbols: what each archive defines, then what each one needs from a layer it may not call
defined() { nm -g --defined-only "$build/lib$1.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
for layer in $layers; do
  [ -f "$build/lib$layer.a" ] || continue
  ok="$layer $(allowed "$layer")"
  undefined=$(nm -g --undefined-only "$build/lib$layer.a" 2>/dev/null | awk '{ print $NF }' | sort -u)
  bad=""
  for other in $layers; do
    case " $ok " in *" $other "*) continue ;; esac
    [ -f "$build/lib$other.a" ] || continue
    wrong=$(defined "$other" | comm -12 - "$(printf '%s\n' "$undefined" >"$build/.layer-undef" && echo "$build/.layer-undef")")
    [ -n "$wrong" ] && bad="$bad$(printf '%s\n' "$wrong" | sed "s/^/$layer calls $other: /")
"
  done
  rm -f "$build/.layer-undef"
  [ -z "$bad" ]
  report $? "lib$layer.a calls only: $ok" "$bad"
done

echo "1..$n"
exit $failed
