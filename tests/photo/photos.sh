#!/usr/bin/env bash
# The photo suite (issue 12 §3, docs/qr-scanning.md): renders certificates, makes phone-like
# photos of them with ImageMagick under ten conditions, and counts which decode.
#
#   tests/photo/photos.sh [--sets auto|all] [--work DIR] [--table FILE]
#
# Sets of certificates (each: the certificates' QR mode, version and printed size):
#   auto       6 certificates issued with the default --qr auto (3 templates x 2 learners), the
#              code printed 50 mm wide as the shipped templates do: the goal is >= 58 of 60
#   embed-50 … embed-100   6 certificates with --qr embed, the code 50, 60 … 100 mm wide
#              (a copy of ai-fundamentals with a larger "qr"), to find the smallest module
#              that scans as reliably as a link-mode code (SC_QR_EMBED_MIN_MODULE_MM)
# Decoders: "skillcert" is `skillcert verify` on the photo (ZXing-C++, then zbar) and counts a
# photo when the verdict is VALID; "zbar" is zbarimg alone, counting it when it reads the text
# the certificate's QR code holds.
# Prints one line per set and decoder: "SET DECODER N/TOTAL", then the table when --table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sc="${SKILLCERT:-$root/build/skillcert}"
sets=auto
work=
table=
while [ $# -gt 0 ]; do
  case $1 in
  --sets) sets=$2; shift 2 ;;
  --work) work=$2; shift 2 ;;
  --table) table=$2; shift 2 ;;
  *) echo "photos.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
[ -x "$sc" ] || { echo "photos.sh: build $sc first (make all)" >&2; exit 66; }
# ImageMagick's own convert (a stand-in may come first on PATH).
convert=convert
[ -x /usr/bin/convert ] && convert=/usr/bin/convert
if ! command -v pdftoppm >/dev/null || ! command -v "$convert" >/dev/null; then
  echo "photos.sh: needs poppler-utils (pdftoppm) and imagemagick" >&2
  exit 69
fi
command -v zbarimg >/dev/null || { echo "photos.sh: needs zbar-tools (zbarimg)" >&2; exit 69; }

cleanup=
if [ -z "$work" ]; then
  work=$(mktemp -d)
  cleanup=$work
fi
trap '[ -n "$cleanup" ] && rm -rf "$cleanup"' EXIT
mkdir -p "$work"
home="$work/home"
"$sc" init "$home" --name "Acme AI Academy" --url https://acme.example --no-passphrase >/dev/null

# A copy of ai-fundamentals whose QR code is size mm wide at the bottom right, inside the frame;
# the text and rules it would cover are left out (a code printed over text does not scan).
big_template() { # size
  local dir="$home/templates/qr-$1"
  mkdir -p "$dir"
  cp "$root/templates/ai-fundamentals/"* "$dir/"
  python3 - "$dir/template.json" "$1" <<'PY'
import json, sys
path, size = sys.argv[1], float(sys.argv[2])
t = json.load(open(path))
x, y = 297 - 16 - size, 210 - 16 - size
def clear(item):
    w = item.get("max_width", item.get("width", 120))
    left = item["x"] - (w / 2 if item.get("align") == "center" else 0)
    top = item["y"] - item.get("size", item.get("height", 0))
    bottom = item["y"] + item.get("height", 2)
    return left + w < x - 3 or bottom < y - 3 or top > y + size + 3
t["text"] = [i for i in t["text"] if clear(i)]
t["shapes"] = [s for s in t.get("shapes", []) if s.get("stroke") or clear(s)]
t["qr"] = {"x": x, "y": y, "size": size}
json.dump(t, open(path, "w"), indent=1)
PY
}

# Issues one certificate into set; records "pdf<TAB>qr text" in $work/SET.list.
issue_into() { # set name template [issue args...]
  local set=$1 name=$2 template=$3
  shift 3
  local out pdf qr
  out=$("$sc" issue --home "$home" --name "$name" --email "learner@example.org" \
    --template "$template" "$@")
  pdf=$(echo "$out" | sed -n 2p)
  # what the QR code holds, read from a sharp 300 dpi rendering
  pdftoppm -png -gray -singlefile -r 300 "$pdf" "$work/sharp" 2>/dev/null
  qr=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$work/sharp.png" 2>/dev/null | head -1)
  rm -f "$work/sharp.png"
  printf '%s\t%s\n' "$pdf" "$qr" >>"$work/$set.list"
}

learners=("Zoë Łukasiewicz" "Alexandra Konstantinidou")
# Six for each embedded set, as many certificates as the auto set: names of several lengths and
# scripts, so the credentials (and their QR versions) differ a little.
embed_learners=("Zoë Łukasiewicz" "Alexandra Konstantinidou" "Ada Lovelace" "Nguyễn Thị Minh Khai"
  "Jean-Baptiste Poquelin" "Σωκράτης Παπαδόπουλος")
make_set() { # set
  case $1 in
  auto)
    for t in ai-fundamentals prompt-engineering responsible-ai; do
      for n in "${learners[@]}"; do issue_into auto "$n" "$t"; done
    done ;;
  embed-50)
    for n in "${embed_learners[@]}"; do issue_into embed-50 "$n" ai-fundamentals --qr embed; done ;;
  embed-*)
    big_template "${1#embed-}"
    for n in "${embed_learners[@]}"; do issue_into "$1" "$n" "qr-${1#embed-}" --qr embed; done ;;
  esac
}

# The page as a photo of width px: pdftoppm's anti-aliased rendering, grey.
page_png() { # pdf width out
  pdftoppm -png -gray -singlefile -scale-to-x "$2" -scale-to-y -1 "$1" "${3%.png}"
}

conditions=(rotate perspective blur1 blur2 jpeg60 lowcontrast page1000 page1920 page3000 screen)

# One photo of pdf under condition into out (a PNG or JPEG).
photo() { # pdf condition out
  local pdf=$1 cond=$2 out=$3 base="$work/base-$$.png"
  case $cond in
  page1000 | page1920 | page3000)
    page_png "$pdf" "${cond#page}" "$out"
    return ;;
  esac
  page_png "$pdf" 1920 "$base"
  case $cond in
  rotate) "$convert" "$base" -background white -rotate 17 "$out" ;;
  perspective)
    # the phone held lower and to the left of the page: a trapezoid, one side 12 % shorter
    "$convert" "$base" -virtual-pixel white -background white -distort Perspective \
      '0,0 60,110  1919,0 1830,20  0,1357 20,1300  1919,1357 1880,1200' "$out" ;;
  blur1) "$convert" "$base" -blur 0x1 "$out" ;;
  blur2) "$convert" "$base" -blur 0x2 "$out" ;;
  jpeg60) "$convert" "$base" -quality 60 "$out" ;;
  lowcontrast) "$convert" "$base" +level 35%,75% "$out" ;; # ink at 35 % grey, paper at 75 %
  screen)
    # a photo of the code on a screen: the screen's pixel grid against the camera's (moiré,
    # by resampling without a filter), a brighter gamma, sensor noise and a slight blur
    "$convert" "$base" -filter point -resize 83% -resize 1920x -gamma 1.5 \
      -attenuate 0.4 +noise Gaussian -blur 0x0.6 "$out" ;;
  esac
  rm -f "$base"
}

ext_of() { [ "$1" = jpeg60 ] && echo jpg || echo png; }

# Counts of set x decoder x condition go to $work/counts: "SET DECODER CONDITION OK".
run_set() { # set
  local set=$1 pdf qr cond img i=0
  while IFS=$'\t' read -r pdf qr; do
    i=$((i + 1))
    for cond in "${conditions[@]}"; do
      img="$work/$set-$i-$cond.$(ext_of "$cond")"
      photo "$pdf" "$cond" "$img"
      local ok=0
      "$sc" verify --home "$home" "$img" >/dev/null 2>&1 && ok=1
      echo "$set skillcert $cond $ok" >>"$work/counts"
      ok=0
      local got
      got=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$img" 2>/dev/null | head -1 || true)
      [ -n "$got" ] && [ "${got^^}" = "${qr^^}" ] && ok=1
      echo "$set zbar $cond $ok" >>"$work/counts"
      rm -f "$img"
    done
  done <"$work/$set.list"
}

# The QR version of a set's first certificate (from its text, as libqrencode would choose).
version_of() { # set
  local qr
  qr=$(sed -n '1s/^[^\t]*\t//p' "$work/$1.list")
  if command -v qrencode >/dev/null; then
    qrencode -l M -t ASCII -m 0 "$qr" 2>/dev/null | wc -l | awk '{ print ($1 - 17) / 4 }'
  else
    echo "?"
  fi
}

case $sets in
auto) set_list=(auto) ;;
all) set_list=(auto embed-50 embed-60 embed-70 embed-80 embed-90 embed-100) ;;
*) read -r -a set_list <<<"${sets//,/ }" ;;
esac
: >"$work/counts"
for s in "${set_list[@]}"; do
  make_set "$s"
  run_set "$s"
done

summary() { # set decoder → "n/total"
  awk -v s="$1" -v d="$2" '$1 == s && $2 == d { n++; ok += $4 } END { printf "%d/%d", ok, n }' \
    "$work/counts"
}
decoders=(skillcert zbar)
for s in "${set_list[@]}"; do
  for d in "${decoders[@]}"; do
    echo "$s $d $(summary "$s" "$d")"
  done
done

if [ -n "$table" ]; then
  {
    printf '| set | QR version | size | module | decoder |'
    for c in "${conditions[@]}"; do printf ' %s |' "$c"; done
    printf ' total |\n|---|---|---|---|---|'
    for c in "${conditions[@]}"; do printf -- '---|'; done
    printf -- '---|\n'
    for s in "${set_list[@]}"; do
      local_size=50
      [[ $s == embed-* ]] && local_size=${s#embed-}
      v=$(version_of "$s")
      module=$(awk -v z="$local_size" -v v="$v" 'BEGIN { if (v == "?") print "?"; else printf "%.2f mm", z / (17 + 4 * v + 8) }')
      for d in "${decoders[@]}"; do
        printf '| %s | %s | %s mm | %s | %s |' "$s" "$v" "$local_size" "$module" "$d"
        for c in "${conditions[@]}"; do
          printf ' %s |' "$(awk -v s="$s" -v d="$d" -v c="$c" '$1 == s && $2 == d && $3 == c { n++; ok += $4 } END { printf "%d/%d", ok, n }' "$work/counts")"
        done
        printf ' **%s** |\n' "$(summary "$s" "$d")"
      done
    done
  } >"$table"
fi
