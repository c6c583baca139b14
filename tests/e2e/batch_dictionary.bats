#!/usr/bin/env bats
# A batch's credentials are stored against a registry dictionary, the batch's first credential
# (form 0x02, docs/registry.md "Packed credentials"): one dictionary row per batch, stored in
# the transaction of its first chunk; every path that reads a credential back (list, inspect,
# publish, verify by id) gets its exact bytes; a registry of schema 9 (form 0x01 rows) is
# upgraded and still reads.
load helpers

registry_uri() {
  $PYTHON -c 'import json, sys; print(json.load(open(sys.argv[1])).get("registry", ""))' \
    "$WORK/home/skillcert.json"
}

# One number from the home's registry, SQLite or PostgreSQL: sql SQLITE_QUERY PG_QUERY.
sql() {
  local uri
  uri=$(registry_uri)
  if [ -n "$uri" ]; then psql "$uri" -Atc "$2"; else sqlite3 "$WORK/home/registry.db" "$1"; fi
}

dictionaries() {
  sql "SELECT count(*) FROM dictionaries" "SELECT count(*) FROM dictionaries"
}

credentials_in_form() { # 1 or 2
  sql "SELECT count(*) FROM credentials WHERE hex(substr(credential, 1, 1)) = '0$1'" \
    "SELECT count(*) FROM credentials WHERE get_byte(credential, 0) = $1"
}

# `sc list` has N rows, each with the SHA-256 of its file: the registry's text is the file's.
assert_listed() { # N
  sc list --home "$WORK/home" --json >"$WORK/list.jsonl"
  [ "$(wc -l <"$WORK/list.jsonl")" -eq "$1" ]
  $PYTHON - "$WORK/list.jsonl" <<'PY'
import hashlib, json, sys
for line in open(sys.argv[1]):
    row = json.loads(line)
    assert hashlib.sha256(open(row["json_path"], "rb").read()).hexdigest() == row["sha256"], row["id"]
PY
}

# publish writes public/c/<uuid>.json from the registry for every credential without one: the
# registry's text, byte for byte the out/ file.
assert_published_from_the_registry() { # N
  rm -rf "$WORK/home/public/c" "$WORK/home/.public-c-complete"
  sc publish --home "$WORK/home" >/dev/null
  [ "$(find "$WORK/home/public/c" -name '*.json' | wc -l)" -eq "$1" ]
  local file
  for file in "$WORK"/home/out/*.json; do
    cmp "$file" "$WORK/home/public/c/$(basename "$file")"
  done
}

first_uuid() {
  basename "$(find "$WORK/home/out" -maxdepth 1 -name '*.json' | sort | head -1)" .json
}

@test "a batch's credentials are stored against one dictionary and read back by every path" {
  make_home
  roster 300
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals \
    --no-pdf -j 2
  [ "$status" -eq 0 ]
  [ "$(dictionaries)" -eq 1 ]
  [ "$(credentials_in_form 2)" -eq 300 ]
  assert_listed 300
  uuid=$(first_uuid)
  run sc inspect --home "$WORK/home" --json "$uuid"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$(sha256sum "$WORK/home/out/$uuid.json" | cut -d' ' -f1)"* ]]
  assert_published_from_the_registry 300
  run sc verify --home "$WORK/home" "$uuid"
  [ "$status" -eq 0 ]
  # A single credential needs no dictionary row: it is stored on its own (form 0x01).
  issue_one
  [ "$(dictionaries)" -eq 1 ]
  [ "$(credentials_in_form 1)" -eq 1 ]
  # A second batch has its own dictionary.
  roster 310
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals \
    --no-pdf -j 2
  [ "$status" -eq 0 ]
  [ "$(dictionaries)" -eq 2 ]
  assert_listed 311
}

@test "a batch killed after storing its dictionary, before its chunk commits, runs again to the end" {
  make_home
  roster 1300  # more than two chunks of 512
  # SIGKILL right after the dictionary row is written in the first chunk's transaction.
  run env SKILLCERT_TEST_CRASH_AT=dictionary:1 "$SKILLCERT" issue --home "$WORK/home" \
    --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf -j 2
  [ "$status" -eq 137 ]
  [ "$(dictionaries)" -eq 0 ] # went with the transaction
  [ "$(sql "SELECT count(*) FROM credentials" "SELECT count(*) FROM credentials")" -eq 0 ]
  # Killed after the first chunk's renames: its credentials name a committed dictionary.
  run env SKILLCERT_TEST_CRASH_AT=renamed:1 "$SKILLCERT" issue --home "$WORK/home" \
    --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf -j 2
  [ "$status" -eq 137 ]
  [ "$(dictionaries)" -eq 1 ]
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf
  [ "$status" -eq 0 ]
  [ "$(dictionaries)" -eq 2 ] # the run that finished had its own
  [ "$(credentials_in_form 2)" -eq 1300 ]
  assert_listed 1300
  assert_published_from_the_registry 1300
}

@test "a registry made at schema 9 is upgraded and its credentials still list, inspect, publish and verify" {
  [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ] || skip "the schema-9 home is a SQLite one"
  make_home
  # tests/data/home-v9.tar.gz: made by skillcert at schema 9 (3 credentials, form 0x01): its
  # registry, configuration, key and credential files over a new home's templates.
  tar xzf "$ROOT/tests/data/home-v9.tar.gz" -C "$WORK/home"
  [ "$(sqlite3 "$WORK/home/registry.db" "PRAGMA user_version")" -eq 9 ]
  # The registry records its files by absolute path, and the fixture was made in another
  # folder: point them at this home, as if it had been upgraded where it was made.
  old=$(sqlite3 "$WORK/home/registry.db" "SELECT json_path FROM credentials LIMIT 1")
  old=${old%/out/*}
  sqlite3 "$WORK/home/registry.db" \
    "UPDATE credentials SET json_path = replace(json_path, '$old', '$WORK/home'),
                            pdf_path = replace(pdf_path, '$old', '$WORK/home')"
  [ "$(sqlite3 "$WORK/home/registry.db" "PRAGMA user_version")" -eq 9 ]
  assert_listed 3
  [ "$(sqlite3 "$WORK/home/registry.db" "PRAGMA user_version")" -eq 16 ]
  [ "$(credentials_in_form 1)" -eq 3 ]
  for file in "$WORK"/home/out/*.json; do
    run sc inspect --home "$WORK/home" --json "$(basename "$file" .json)"
    [ "$status" -eq 0 ]
    [[ "$output" == *"$(sha256sum "$file" | cut -d' ' -f1)"* ]]
  done
  assert_published_from_the_registry 3
  for file in "$WORK"/home/out/*.json; do
    run sc verify --home "$WORK/home" "$(basename "$file" .json)"
    [ "$status" -eq 0 ]
  done
  # A batch after the upgrade: its rows in form 0x02 beside the old ones.
  roster 5
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals \
    --no-pdf
  [ "$status" -eq 0 ]
  [ "$(credentials_in_form 2)" -eq 5 ]
  assert_listed 8
}

@test "a damaged registry dictionary is a clear error naming the credential, not a crash" {
  [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ] || skip "damages the SQLite file"
  make_home
  roster 3
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf \
    >/dev/null
  uuid=$(first_uuid)
  sqlite3 "$WORK/home/registry.db" "UPDATE dictionaries SET bytes = x'00'"
  run sc inspect --home "$WORK/home" "$uuid"
  [ "$status" -eq 65 ]
  [[ "$output" == *"urn:uuid:$uuid"* ]]
  [[ "$output" == *"damaged"* ]]
  sqlite3 "$WORK/home/registry.db" "DELETE FROM dictionaries"
  run sc inspect --home "$WORK/home" "$uuid"
  [ "$status" -eq 65 ]
  [[ "$output" == *"does not hold"* ]]
}

@test "workers on one PostgreSQL registry store their credentials against dictionaries of their own" {
  [ "${SKILLCERT_TEST_REGISTRY:-}" = postgresql ] || skip "workers need a PostgreSQL registry"
  make_home
  roster 300
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --queue --no-pdf
  [ "$status" -eq 0 ]
  sc worker --home "$WORK/home" --no-pdf --until-empty -j 1 --batch 64 2>"$WORK/w1.log" &
  first=$!
  sc worker --home "$WORK/home" --no-pdf --until-empty -j 1 --batch 64 2>"$WORK/w2.log"
  wait "$first"
  [ "$(credentials_in_form 2)" -eq 300 ]
  [ "$(dictionaries)" -ge 1 ] # one per worker's run: a few, not one per credential
  [ "$(dictionaries)" -le 10 ]
  assert_listed 300
  assert_published_from_the_registry 300
}
