#!/usr/bin/env bats
# Real-world credentials (tests/vectors/credentials/, INDEX.md and PROVENANCE.md there) from the
# 1EdTech validator, the Digital Credentials Consortium, the Learner Credential Wallet and the
# VC Data Integrity test suite: `skillcert verify` gives each the verdict its source expects,
# offline, with the bundled contexts and the saved supporting documents (--documents), except
# the ones listed with their reason in tests/data/corpus/exceptions.tsv.
load helpers

CORPUS=$VECTORS/credentials

setup() {
  work_setup
  # The saved DID documents and status lists, by URL.
  mkdir -p "$WORK/documents"
  ln -s "$CORPUS/supporting" "$WORK/documents/supporting"
  cp "$ROOT/tests/data/corpus/documents.json" "$WORK/documents/"
  # Trust is a separate question (the sources' issuer registries): every issuer that can be
  # named is trusted, so that the verdict is about the credential.
  "$PYTHON" - "$CORPUS" >"$WORK/issuers" <<'EOF'
import json, re, sys
corpus = sys.argv[1]
seen = set()
for line in open(corpus + "/INDEX.md", encoding="utf-8"):
    cells = [c.strip() for c in line.split("|")]
    if len(cells) < 8 or "/" not in cells[1] or not cells[1].endswith((".json", ".1ob")):
        continue
    try:
        doc = json.load(open(corpus + "/" + cells[1], encoding="utf-8"))
    except ValueError:
        continue
    issuer = doc.get("issuer") if isinstance(doc, dict) else None
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if isinstance(issuer, str) and re.match(r"^(did:|https://)", issuer) and issuer not in seen:
        seen.add(issuer)
        print(issuer)
EOF
  while read -r issuer; do
    "$SKILLCERT" trust add "$issuer" --name "corpus issuer" >/dev/null
  done <"$WORK/issuers"
}

# The exit code INDEX.md's verdict asks for: 0 for a credential that verifies, "fail" for one
# that must not (any of 1-6 or 65), 6 when the source expects a status error, "any" for unknown.
expected() {
  case "$1" in
  *"status error"*) echo 6 ;;
  verify*) echo 0 ;;
  fail*) echo fail ;;
  *) echo any ;;
  esac
}

@test "every real-world credential gets the verdict its source expects, or a listed exception" {
  local file verdict code want listed mismatches=0 checked=0
  : >"$WORK/differ"
  while IFS=$'\t' read -r file verdict; do
    # Validity is judged on a fixed day so the verdicts do not change as credentials expire.
    code=0
    "$SKILLCERT" verify --offline --at 2025-06-01T00:00:00Z --documents "$WORK/documents" \
      "$CORPUS/$file" >"$WORK/out" 2>&1 || code=$?
    checked=$((checked + 1))
    want=$(expected "$verdict")
    if [ "$want" = any ] || [ "$want" = "$code" ] || { [ "$want" = fail ] && [ "$code" -ne 0 ]; }; then
      continue
    fi
    echo "$file	$code" >>"$WORK/differ"
    listed=$(awk -F'\t' -v f="$file" -v c="$code" '$1 == f && $2 == c' "$ROOT/tests/data/corpus/exceptions.tsv")
    if [ -z "$listed" ]; then
      echo "not listed: $file: source expects '$verdict', skillcert exits $code: $(head -n 1 "$WORK/out")"
      mismatches=$((mismatches + 1))
    fi
  done < <("$PYTHON" - "$CORPUS/INDEX.md" <<'EOF'
import sys
for line in open(sys.argv[1], encoding="utf-8"):
    cells = [c.strip() for c in line.split("|")]
    if len(cells) >= 8 and "/" in cells[1] and cells[1] != "file":
        print(cells[1] + "\t" + cells[4])
EOF
)
  [ "$checked" -ge 90 ]
  # Every listed exception still differs (the list never claims more than is true).
  while IFS=$'\t' read -r file code _; do
    case "$file" in '#'* | '') continue ;; esac
    if ! grep -qxF "$file	$code" "$WORK/differ"; then
      echo "listed but no longer an exception: $file ($code)"
      mismatches=$((mismatches + 1))
    fi
  done <"$ROOT/tests/data/corpus/exceptions.tsv"
  [ "$mismatches" -eq 0 ]
}
