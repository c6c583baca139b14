#!/usr/bin/env bats
# Issuing a roster: validation first, idempotent re-runs, resuming after kill -9, the manifest.
load helpers

# Every roster row has exactly one registry row, one intact JSON and one PDF; nothing else.
assert_complete() {
  local n=$1
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.json' | wc -l)" -eq "$n" ]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.pdf' | wc -l)" -eq "$n" ]
  [ -z "$(find "$WORK/home/out" -name '*.tmp.*')" ] # no leftover temporary files
  assert_listed "$n" pdf
  [ -z "$(find "$WORK/home/public/c" -name '*.tmp.*')" ]
}

# `sc list` has N rows, each naming an intact JSON (its recorded sha256) that is also the
# published /C/<uuid> link; with "pdf", each also names a whole PDF.
assert_listed() { # N [pdf]
  # Into a file first: piped, a failing `sc list` would leave the checks below nothing to fail on.
  sc list --home "$WORK/home" --json >"$WORK/list.jsonl"
  [ "$(wc -l <"$WORK/list.jsonl")" -eq "$1" ]
  $PYTHON - "$WORK/list.jsonl" "$WORK/home" "${2:-}" <<'PY'
import hashlib, json, sys
for line in open(sys.argv[1]):
    row = json.loads(line)
    data = open(row["json_path"], "rb").read()
    assert hashlib.sha256(data).hexdigest() == row["sha256"], row["id"]
    uuid = row["id"].rsplit(":", 1)[1]
    linked = open(f"{sys.argv[2]}/public/c/{uuid}.json", "rb").read() # the /C/<uuid> link
    assert linked == data, row["id"]
    if sys.argv[3] == "pdf":
        pdf = open(row["pdf_path"], "rb").read()
        assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-32:], row["id"]
PY
}

# Nothing a crash left is a partial file under a credential's name: every out/*.json parses,
# every out/*.pdf ends with %%EOF, every public/c/*.json parses.
assert_no_partial_file() {
  $PYTHON - "$WORK/home" <<'PY'
import glob, json, sys
home = sys.argv[1]
for path in glob.glob(home + "/out/*.json") + glob.glob(home + "/public/c/*.json"):
    json.load(open(path, "rb"))
for path in glob.glob(home + "/out/*.pdf"):
    assert b"%%EOF" in open(path, "rb").read()[-32:], path
PY
}

@test "a roster is issued with a PDF per learner and a manifest for a mail merge" {
  make_home
  roster 12
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
  [ "$status" -eq 0 ]
  [[ "$output" == *"12 issued"* ]]
  assert_complete 12
  [ "$(wc -l <"$WORK/home/out/manifest.csv")" -eq 13 ]
  head -1 "$WORK/home/out/manifest.csv" | grep -q '^id,name,email,json,pdf,qr_url'
  # --qr auto on the shipped 50 mm code: link mode (docs/qr-payload.md "Choosing the mode")
  grep -q 'HTTPS://ACME.EXAMPLE/C/' "$WORK/home/out/manifest.csv"
}

@test "running the same roster again issues nothing twice" {
  make_home
  roster 10
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
  before=$(find "$WORK/home/out" -mindepth 1 -maxdepth 1 | sort)
  cp "$WORK/home/out/manifest.csv" "$WORK/manifest-first.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 issued, 10 already issued"* ]]
  [ "$(find "$WORK/home/out" -mindepth 1 -maxdepth 1 | sort)" = "$before" ]
  # the manifest has the same rows (in another order: -j 2), QR texts included (made again
  # from the stored credentials)
  cmp <(sort "$WORK/manifest-first.csv") <(sort "$WORK/home/out/manifest.csv")
  assert_complete 10
}

# The registry stores a credential's files relative to the home (registry.md, "Files"), so a
# home moved elsewhere, or named by a relative path from another folder, still has them all.
@test "a home moved to another folder, or named from another one, still finds its files" {
  make_home
  roster 4
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  mv "$WORK/home" "$WORK/moved"
  run sc issue --home "$WORK/moved" --roster "$WORK/roster.csv" --template ai-fundamentals
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 issued, 4 already issued"* ]]
  [[ "$output" == *"already issued, 0 repaired"* ]]
  [ "$(grep -c "$WORK/moved/out/" "$WORK/moved/out/manifest.csv")" -eq 4 ]
  run grep -c "$WORK/home/" "$WORK/moved/out/manifest.csv"
  [ "$output" = 0 ]
  cd "$WORK/moved/out"
  run "$SKILLCERT" issue --home .. --roster ../../roster.csv --template ai-fundamentals
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 issued, 4 already issued"* ]]
  [[ "$output" == *"already issued, 0 repaired"* ]]
}

@test "files lost after issuing are rewritten from the registry, byte for byte" {
  make_home
  roster 4
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  pdfs=("$WORK"/home/out/*.pdf)
  pdf=${pdfs[0]}
  json=${pdf%.pdf}.json
  cp "$pdf" "$WORK/original.pdf"
  cp "$json" "$WORK/original.json"
  rm "$pdf" "$json"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  [[ "$output" == *"1 repaired"* ]]
  cmp "$pdf" "$WORK/original.pdf"
  cmp "$json" "$WORK/original.json"
}

# public/c/<uuid>.json is renamed into place after out/<uuid>.json in the same chunk commit, so a
# crash (or a power cut before the folders are synced) can leave the first without the second;
# a re-run must not take the credential for complete then: its /C/<uuid> link would stay dead.
@test "a credential's public/c copy lost after issuing is rewritten by the next run" {
  make_home
  roster 4
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf
  jsons=("$WORK"/home/out/*.json)
  json=${jsons[0]}
  linked="$WORK/home/public/c/$(basename "$json")"
  cmp "$json" "$linked"
  rm "$linked"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf
  [ "$status" -eq 0 ]
  [[ "$output" == *"1 repaired"* ]]
  cmp "$json" "$linked"
}

# Waits until out/ holds at least N PDFs (the batch is mid-run), then kills it with SIGKILL.
kill_after_pdfs() { # pid N
  for _ in $(seq 1 6000); do # up to a minute on a slow machine
    [ "$(find "$WORK/home/out" -name '*.pdf' 2>/dev/null | wc -l)" -ge "$2" ] && break
    sleep 0.01
  done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

@test "a batch killed with kill -9 and run again ends with exactly one credential per learner" {
  make_home
  roster 900
  for pdfs in 100 400; do
    # the binary itself, not the sc function: kill -9 must hit skillcert, not a subshell
    "$SKILLCERT" issue --home "$WORK/home" --roster "$WORK/roster.csv" \
      --template ai-fundamentals -j 2 >/dev/null 2>&1 &
    kill_after_pdfs $! "$pdfs"
  done
  sc list --home "$WORK/home" >"$WORK/list.txt"
  partial=$(wc -l <"$WORK/list.txt")
  echo "# registry rows after the kills: $partial of 900" >&3
  [ "$partial" -ge 400 ] # both kills landed mid-run
  [ "$partial" -lt 900 ]
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
  [ "$status" -eq 0 ]
  assert_complete 900
}

@test "a batch stopped inside a chunk's file commit and run again ends with one whole credential per learner" {
  make_home
  roster 300
  # SKILLCERT_TEST_CRASH_AT kills the process (SIGKILL) at that point of the n-th chunk's
  # commit: after its files' data is durable and before any rename; after the renames and
  # before the folders are synced.
  for point in synced:2 renamed:4; do
    run env SKILLCERT_TEST_CRASH_AT="$point" "$SKILLCERT" issue --home "$WORK/home" \
      --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
    [ "$status" -eq 137 ]
    assert_no_partial_file
  done
  sc list --home "$WORK/home" >"$WORK/list.txt"
  partial=$(wc -l <"$WORK/list.txt")
  [ "$partial" -ge 96 ] # the second run got past its fourth chunk
  [ "$partial" -lt 300 ]
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
  [ "$status" -eq 0 ]
  [[ "$output" == *"repaired"* ]] # the crashed chunks' recorded credentials got their files
  assert_complete 300
}

# JSON-only batches commit 512 credentials per chunk (32 with PDFs): one transaction, one
# syncfs and one hand-off per 512 (docs/benchmarks.md). The crash points hold there too.
@test "a JSON-only batch stopped inside a chunk's file commit and run again ends with one whole credential per learner" {
  make_home
  roster 1300
  # Stopped right after the renames of a writer's first chunk: that chunk is in place, and
  # the other writer may have named part of the next one (each of its files whole).
  run env SKILLCERT_TEST_CRASH_AT=renamed:1 "$SKILLCERT" issue --home "$WORK/home" \
    --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf -j 2
  [ "$status" -eq 137 ]
  assert_no_partial_file
  named=$(find "$WORK/home/out" -maxdepth 1 -name '*.json' | wc -l)
  [ "$named" -ge 512 ] && [ "$named" -lt 1300 ]
  run env SKILLCERT_TEST_CRASH_AT=synced:1 "$SKILLCERT" issue --home "$WORK/home" \
    --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf -j 2
  [ "$status" -eq 137 ]
  assert_no_partial_file
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf
  [ "$status" -eq 0 ]
  [[ "$output" == *"repaired"* ]]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.json' | wc -l)" -eq 1300 ]
  assert_listed 1300
  [ -z "$(find "$WORK/home" -name '*.tmp.*')" ]
}

@test "a PDF cut short after issuing is rewritten by the next run" {
  make_home
  roster 3
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  pdfs=("$WORK"/home/out/*.pdf)
  pdf=${pdfs[0]}
  cp "$pdf" "$WORK/original.pdf"
  truncate -s "$(($(stat -c %s "$pdf") / 2))" "$pdf"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  [ "$status" -eq 0 ]
  [[ "$output" == *"1 repaired"* ]]
  cmp "$pdf" "$WORK/original.pdf"
}

@test "every problem of a roster is reported with its line, and nothing is issued" {
  make_home
  printf 'id,name,email,valid_until\nA1,Ann,ann@example.org,\nA2,,bo@example.org,\nA3,Cy,not-an-email,\nA1,Di,di@example.org,\nA5,Ed,ed@example.org,2020-13-01\nA6,Fay 🚀,fay@example.org,\n' >"$WORK/bad.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/bad.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [[ "$output" == *"bad.csv:3: name"* ]]
  [[ "$output" == *"bad.csv:4: email"* ]]
  [[ "$output" == *"bad.csv:5: id"* ]]
  [[ "$output" == *"bad.csv:6: valid_until"* ]]
  [[ "$output" == *"bad.csv:7: name: cannot draw U+1F680 (no font has it): this row is refused"* ]]
  [[ "$output" == *"nothing was issued"* ]] # the other problems stop the roster
  [ -z "$(ls "$WORK/home/out")" ]
}

@test "a name no installed font can draw refuses its row only; the rest is issued" {
  make_home
  printf 'id,name,email\nL1,Zoë Łukasiewicz,zoe@example.org\nL2,Fay 🚀,fay@example.org\nL3,अनुष्का शर्मा,anu@example.org\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals --dry-run
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:3: name: cannot draw U+1F680 (no font has it): this row is refused"* ]]
  [[ "$output" == *"3 rows, 1 of them refused"* ]]
  [ -z "$(ls "$WORK/home/out")" ]
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:3: name: cannot draw U+1F680 (no font has it): this row is refused"* ]]
  [[ "$output" == *"2 issued, 0 already issued, 0 repaired, 1 refused"* ]]
  [[ "$output" == *"1 row refused (a name no installed font can draw, reported above); every other row was issued"* ]]
  assert_complete 2
  [ "$(grep -c example.org "$WORK/home/out/manifest.csv")" -eq 2 ]
  run ! grep -q fay@example.org "$WORK/home/out/manifest.csv"
  # Run again: the two issued rows are skipped, the refused one is refused again.
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [[ "$output" == *"0 issued, 2 already issued, 0 repaired, 1 refused"* ]]
  assert_complete 2
}

@test "--dry-run validates without issuing" {
  make_home
  roster 5
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"5 rows, all valid"* ]]
  [ -z "$(ls "$WORK/home/out")" ]
}

@test "--map reads a field from a differently named column" {
  make_home
  printf 'Learner,Full Name,Mail\nX1,Ann Lee,ann@example.org\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals \
    --map Learner=id --map "Full Name=name" --map Mail=email
  [ "$status" -eq 0 ]
  [[ "$(sc list --home "$WORK/home")" == *"Ann Lee"* ]]
}

@test "render gives the same PDF bytes as issuing did" {
  make_home
  run sc issue --home "$WORK/home" --name "Zoë Łukasiewicz" --email z@example.org --template ai-fundamentals
  [ "$status" -eq 0 ]
  json=${lines[0]}
  pdf=${lines[1]}
  sc render --home "$WORK/home" "$json" -o "$WORK/again.pdf"
  cmp "$pdf" "$WORK/again.pdf"
}

@test "an issued PDF passes qpdf --check and carries the credential byte for byte" {
  make_home
  run sc issue --home "$WORK/home" --name "Zoë Łukasiewicz" --email z@example.org --template ai-fundamentals
  json=${lines[0]}
  pdf=${lines[1]}
  run qpdf --check "$pdf"
  [ "$status" -eq 0 ]
  [[ "$output" != *WARNING* ]]
  qpdf --show-attachment=credential.json "$pdf" >"$WORK/attached.json"
  cmp "$json" "$WORK/attached.json"
}

@test "the QR code read back from the printed page is exactly what was encoded" {
  make_home
  run sc issue --home "$WORK/home" --name "Zoë Łukasiewicz" --email z@example.org --template ai-fundamentals --id-from Z1
  pdf=${lines[1]}
  pdftoppm -r 150 -png -singlefile "$pdf" "$WORK/page"
  zbarimg -q --raw "$WORK/page.png" | tr -d '\n' >"$WORK/scanned.txt"
  id=$(sc list --home "$WORK/home" --json | $PYTHON -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
  expected=$(sc inspect --home "$WORK/home" --json "$id" | $PYTHON -c 'import json,sys; print(json.load(sys.stdin)["qr_text"], end="")')
  [ "$(cat "$WORK/scanned.txt")" = "$expected" ]
}

@test "issuing with --id-from twice prints the first credential" {
  make_home
  first=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals --id-from A1 | head -1)
  run sc issue --home "$WORK/home" --name Ann --email ann@example.org --template ai-fundamentals --id-from A1
  [ "$status" -eq 0 ]
  [[ "$output" == *"already issued"* ]]
  [[ "$output" == *"$first"* ]]
  [ "$(sc list --home "$WORK/home" | wc -l)" -eq 1 ]
}

@test "two batches on one home at once: the second is refused, not mixed in" {
  make_home
  roster 300
  "$SKILLCERT" issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals \
    -j 1 >/dev/null 2>&1 &
  pid=$!
  sleep 0.3
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  wait "$pid"
  if [ "$status" -ne 0 ]; then
    [[ "$output" == *"another skillcert command is issuing"* ]]
  fi
  assert_complete 300
}

@test "a credential too large for a QR code is published for link mode with its files, like every credential" {
  make_home
  # An achievement whose description (varied text, so it does not compress away) makes the
  # credential too large for a version-20 QR code. A roster names files in HOME/achievements/.
  mkdir -p "$WORK/home/achievements"
  $PYTHON - >"$WORK/home/achievements/long.json" <<'PY'
import json, random
random.seed(7)
words = ["model", "data", "bias", "audit", "prompt", "vector", "agent", "risk", "eval", "token"]
description = " ".join(random.choice(words) + str(random.randint(0, 999)) for _ in range(400))
print(json.dumps({"id": "https://academy.example/achievements/long", "type": ["Achievement"],
                  "name": "A Very Long Course", "description": description,
                  "criteria": {"narrative": "Completed."}}))
PY
  printf 'id,name,email,achievement\nL-1,Ada Lovelace,ada@example.org,long.json\nL-2,Alan Turing,alan@example.org,\n' >"$WORK/roster.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals
  [ "$status" -eq 0 ]
  linked=$(grep ',Ada Lovelace,' "$WORK/home/out/manifest.csv" | cut -d, -f6 | tr -d '\r')
  [[ "$linked" == HTTPS://ACME.EXAMPLE/C/* ]]
  uuid=$(echo "${linked##*/C/}" | tr '[:upper:]' '[:lower:]')
  cmp "$WORK/home/out/$uuid.json" "$WORK/home/public/c/$uuid.json"
  # every credential is published (the URL under each QR code), embedded or linked
  [ "$(find "$WORK/home/public/c" -mindepth 1 | wc -l)" -eq 2 ]
  [ -z "$(find "$WORK/home/public/c" "$WORK/home/out" -name '*.tmp.*')" ]
  grep ',Alan Turing,' "$WORK/home/out/manifest.csv" | grep -q ',HTTPS://ACME.EXAMPLE/C/'
  run sc verify --home "$WORK/home" "$linked"
  [ "$status" -eq 0 ]
  [[ "$output" == *"VALID"* ]]
}

@test "issue: a roster without a name column is refused with exit 65" {
  make_home
  printf 'email,id\na@b.org,L1\n' >"$WORK/noname.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/noname.csv" --template ai-fundamentals --dry-run
  [ "$status" -eq 65 ]
  [[ "$output" == *"noname.csv:1: name: missing column (required: name, email; id optional)"* ]]
  [[ "$output" == *"1 problem in 1 row; nothing was issued"* ]]
  run sc issue --home "$WORK/home" --roster "$ROOT/tests/data/rosters/mapped.csv" \
    --template ai-fundamentals --dry-run
  [ "$status" -eq 65 ]
  [[ "$output" == *"mapped.csv:1: name: missing column"* ]]
}

@test "issue: invalid UTF-8 in any roster field is refused with exit 65, once per field" {
  make_home
  printf 'name,email,id\nB,b\xfe@b.org,L2\nC,c@b.org,L\xc3\nX\xff\xfe,x@b.org,L4\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:2: email: not valid UTF-8 text (byte 2)"* ]]
  [[ "$output" == *"r.csv:3: id: not valid UTF-8 text (byte 2)"* ]]
  [[ "$output" == *"r.csv:4: name: not valid UTF-8 text (byte 2)"* ]]
  [[ "$output" != *"cannot draw"* ]]
  [[ "$output" == *"3 problems in 3 rows"* ]]
  [ -z "$(ls "$WORK/home/out")" ]
}

@test "issue: a control character in a roster name is reported once, not again as undrawable" {
  make_home
  printf 'name,email,id\n"A\nB",a@b.org,L1\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals --dry-run
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:2: name: contains a control character (U+000A)"* ]]
  [[ "$output" != *"cannot draw"* ]]
}

@test "issue: a roster's achievement column reaches no file outside the home, and quotes none" {
  make_home
  mkdir -p "$WORK/home/achievements"
  ln -s /etc/passwd "$WORK/home/achievements/p.json"
  printf 'id,name,email,achievement\nL-1,Ann,a@b.org,/etc/passwd\nL-2,Bo,b@b.org,../../../../../etc/passwd\nL-3,Cy,c@b.org,p.json\nL-4,Di,d@b.org,responsible-ai\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals --dry-run
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:2: achievement: '/etc/passwd' is not in the issuer home's achievements/ or templates/ folder"* ]]
  [[ "$output" == *"r.csv:3: achievement: '../../../../../etc/passwd' is not in"* ]]
  [[ "$output" == *"r.csv:4: achievement: 'p.json' is not in"* ]]
  [[ "$output" != *"r.csv:5:"* ]] # a template name is fine
  [[ "$output" != *root* ]]
  [[ "$output" == *"3 problems in 4 rows"* ]]
}

@test "issue: a roster name with no visible letter or with a bidi control is refused naming line and column" {
  make_home
  printf 'name,email,id\nAda,a@b.org,L1\n\xc2\xa0\xe2\x80\x8b,b@b.org,L2\n"Ann\xe2\x80\xaenhoj",c@b.org,L3\n\xcc\x81,d@b.org,L4\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals --dry-run
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:3: name: has no visible letter"* ]]
  [[ "$output" == *"r.csv:4: name: contains a bidi control (U+202E) at column 4"* ]]
  [[ "$output" == *"r.csv:5: name: has no visible letter"* ]]
  [[ "$output" != *"r.csv:2:"* ]]
  [[ "$output" != *$'\u202e'* ]] # the message quotes nothing that would reorder the terminal
}

@test "issue: roster values over their length limit, rows over 1 MiB and over 256 columns are refused" {
  make_home
  $PYTHON - "$WORK" <<'PY'
import sys
w = sys.argv[1]
with open(w + "/long.csv", "w") as f:
    f.write("name,email,id\n" + "A" * 200000 + ",a@b.org,L1\nB,b@b.org," + "x" * 1100000 + "\nC,c@b.org,L3\n")
with open(w + "/wide.csv", "w") as f:
    f.write(",".join(["name", "email", "id"] + ["c%d" % i for i in range(300)]) + "\n")
    f.write(",".join(["A", "a@b.org", "L1"] + ["v"] * 300) + "\n")
PY
  run sc issue --home "$WORK/home" --roster "$WORK/long.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [[ "$output" == *"long.csv:2: name: longer than 256 characters"* ]]
  [[ "$output" == *"long.csv:3: row longer than 1048576 bytes"* ]]
  [[ "$output" == *"2 problems in 3 rows"* ]]
  run sc issue --home "$WORK/home" --roster "$WORK/wide.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [ "$(grep -c 'wide.csv:' <<<"$output")" -eq 2 ] # the problem and the summary
  [[ "$output" == *"wide.csv:1: the header has 303 columns; at most 256 are read"* ]]
  [ -z "$(ls "$WORK/home/out")" ]
}

@test "issue: --roster naming a directory or a missing file exits 66 saying why" {
  make_home
  run sc issue --home "$WORK/home" --roster "$WORK" --template ai-fundamentals
  [ "$status" -eq 66 ]
  [[ "$output" == *"$WORK: is a directory, not a roster file"* ]]
  run sc issue --home "$WORK/home" --roster "$WORK/none.csv" --template ai-fundamentals
  [ "$status" -eq 66 ]
  [[ "$output" == *"none.csv: cannot open the roster: No such file or directory"* ]]
}

@test "issue: -j takes a whole number only" {
  make_home
  roster 1
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2x
  [ "$status" -eq 64 ]
  [[ "$output" == *"-j expects a whole number from 1 to 256, got '2x'"* ]]
}

@test "issue: a short roster row is reported by its shape only" {
  make_home
  printf 'name,email,id\nB,b@b.org\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals --dry-run
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:2: row has 2 fields, the header has 3"* ]]
  [[ "$output" != *"id: empty"* ]]
  [[ "$output" == *"1 problem in 1 row;"* ]]
}

@test "list and inspect show a registry value that is not UTF-8 with U+FFFD" {
  [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ] || skip "writes the SQLite file itself"
  make_home
  CRED=$(sc issue --home "$WORK/home" --name Ann --email ann@example.org \
    --template ai-fundamentals --id-from L1 | head -1)
  # A home issued to before every value was checked can hold such bytes.
  $PYTHON - "$WORK/home/registry.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE credentials SET recipient_name = CAST(X'42FE43' AS TEXT), learner_id = CAST(X'4CC3' AS TEXT)")
db.commit()
PY
  run sc list --home "$WORK/home"
  [ "$status" -eq 0 ]
  [[ "$output" == *"B�C"* ]]
  run sc list --home "$WORK/home" --json
  [ "$status" -eq 0 ]
  [[ "$output" == *'"recipient_name":"B�C"'* ]]
  run sc list --home "$WORK/home" --learner $'L\xc3'
  [ "$status" -eq 0 ]
  [[ "$output" == *"B�C"* ]]
  id=$(basename "$CRED" .json)
  run sc inspect --home "$WORK/home" "$id"
  [ "$status" -eq 0 ]
  [[ "$output" == *"L�"* ]]
  run sc inspect --home "$WORK/home" --json "$id"
  [ "$status" -eq 0 ]
}
