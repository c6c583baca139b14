#!/usr/bin/env bats
# Rosters as spreadsheets save them: semicolon- or tab-separated, with or without an id column.
load helpers

count_json() {
  find "$WORK/home/out" -maxdepth 1 -name '*.json' | wc -l
}

@test "a semicolon-separated roster is issued, one credential per learner" {
  make_home
  printf 'Name;E-mail;ID\r\n"Lee; Ann";ann@example.org;L-1\r\nBudi Santoso;budi@example.org;L-2\r\nSiti, Rahma;siti@example.org;L-3\r\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals \
    --map E-mail=email -j 2
  [ "$status" -eq 0 ]
  [[ "$output" == *"3 issued"* ]]
  [ "$(count_json)" -eq 3 ]
}

@test "a tab-separated roster is issued" {
  make_home
  printf 'name\temail\tid\nAnn Lee\tann@example.org\tL-1\nBob Ray\tbob@example.org\tL-2\n' >"$WORK/r.tsv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.tsv" --template ai-fundamentals
  [ "$status" -eq 0 ]
  [[ "$output" == *"2 issued"* ]]
  [ "$(count_json)" -eq 2 ]
}

@test "a roster without an id column, run again, issues nothing twice" {
  make_home
  printf 'name;email\nAnn Lee;ann@example.org\nBudi Santoso;budi@example.org\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals
  [ "$status" -eq 0 ]
  [[ "$output" == *"2 issued"* ]]
  # The same learners again, the e-mail in other case: the same learners.
  printf 'name;email\nAnn Lee;ANN@example.org\nBudi Santoso;budi@example.org\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 issued, 2 already issued"* ]]
  [ "$(count_json)" -eq 2 ]
  sc list --home "$WORK/home" --json >"$WORK/list.jsonl"
  [ "$(wc -l <"$WORK/list.jsonl")" -eq 2 ]
  [ -f "$WORK/home/registry.db" ]
  run ! grep -q -i 'ann@example.org' "$WORK/home"/registry.db* # the e-mail is not kept in clear
}

@test "a roster without id and with an empty e-mail is refused naming the line" {
  make_home
  printf 'name,email\nAnn Lee,ann@example.org\nBob Ray,\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals
  [ "$status" -eq 65 ]
  [[ "$output" == *"r.csv:3: email: empty"* ]]
  [ "$(count_json)" -eq 0 ]
}

@test "issue --name without --template renders the PDF with the home's default template" {
  make_home
  run sc issue --home "$WORK/home" --name "Ann Lee" --email ann@example.org
  [ "$status" -eq 0 ]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.pdf' | wc -l)" -eq 1 ]
  [[ "$output" == *".pdf"* ]]
  sc list --home "$WORK/home" --json >"$WORK/list.jsonl"
  grep -q '"template": *"ai-fundamentals"' "$WORK/list.jsonl"
}

@test "the home's defaultTemplate names the template issue --name renders with" {
  make_home
  $PYTHON - "$WORK/home/skillcert.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["defaultTemplate"] = "responsible-ai"
json.dump(config, open(sys.argv[1], "w"))
PY
  run sc issue --home "$WORK/home" --name "Ann Lee" --email ann@example.org
  [ "$status" -eq 0 ]
  sc list --home "$WORK/home" --json >"$WORK/list.jsonl"
  grep -q '"template": *"responsible-ai"' "$WORK/list.jsonl"
}

@test "issue --name --no-pdf makes the JSON credential and no PDF" {
  make_home
  run sc issue --home "$WORK/home" --name "Ann Lee" --email ann@example.org --no-pdf
  [ "$status" -eq 0 ]
  [ "$(count_json)" -eq 1 ]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.pdf' | wc -l)" -eq 0 ]
  [[ "$output" != *".pdf"* ]]
  json=$(find "$WORK/home/out" -maxdepth 1 -name '*.json')
  grep -q '"proof"' "$json" # signed
  # The template was recorded: render makes the PDF later.
  sc render --home "$WORK/home" "$json" -o "$WORK/later.pdf"
  [ "$(head -c 5 "$WORK/later.pdf")" = "%PDF-" ]
}

@test "issue --roster --no-pdf issues JSON only, and a re-run keeps it so" {
  make_home
  printf 'name;email\nAnn Lee;ann@example.org\nBudi Santoso;budi@example.org\n' >"$WORK/r.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals --no-pdf
  [ "$status" -eq 0 ]
  [[ "$output" == *"2 issued"* ]]
  [ "$(count_json)" -eq 2 ]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.pdf' | wc -l)" -eq 0 ]
  run sc issue --home "$WORK/home" --roster "$WORK/r.csv" --template ai-fundamentals --no-pdf
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 issued, 2 already issued, 0 repaired"* ]]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.pdf' | wc -l)" -eq 0 ]
}

@test "a defaultTemplate naming no template is refused, saying where the name came from" {
  make_home
  $PYTHON - "$WORK/home/skillcert.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["defaultTemplate"] = "no-such-design"
json.dump(config, open(sys.argv[1], "w"))
PY
  run sc issue --home "$WORK/home" --name "Ann Lee" --email ann@example.org
  [ "$status" -ne 0 ]
  [[ "$output" == *"defaultTemplate"* ]]
  [[ "$output" == *"no-such-design"* ]]
  [ "$(count_json)" -eq 0 ]
}
