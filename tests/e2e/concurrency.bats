#!/usr/bin/env bats
# Commands on one home at the same time: they wait their turn, none fails with "database is
# locked", and public/ always shows every committed status change.
load helpers
# These tests suspend credentials: their homes give credentials a suspension entry.
# shellcheck disable=SC2034 # read by helpers.bash (make_home)
HOME_FLAGS=--suspension
bats_require_minimum_version 1.5.0

# Issues N one-off credentials to $WORK/home; their ids in $WORK/ids.
issue_many() {
  make_home
  for i in $(seq 1 "$1"); do
    sc issue --home "$WORK/home" --name "Learner $i" --email "l$i@example.org" \
      --achievement "$ROOT/templates/ai-fundamentals/achievement.json" >/dev/null
  done
  sc list --home "$WORK/home" | cut -d' ' -f1 >"$WORK/ids"
}

# Fails naming the first id whose credential does not verify as REVOKED against public/.
assert_all_revoked() {
  local id out
  for id in "$@"; do
    out=$(sc verify --home "$WORK/home" "$WORK/home/out/${id#urn:uuid:}.json" 2>&1) || true
    if [[ "$out" != REVOKED* ]]; then
      echo "revoked in the registry but public/ says: ${out%%$'\n'*} ($id)" >&2
      return 1
    fi
  done
}

@test "publish racing revoke: the revocation is in public/ after every one of 300 trials" {
  issue_many 300
  local lost=0 id
  while read -r id; do
    (sleep "0.0$((RANDOM % 4))"; sc publish --home "$WORK/home" >/dev/null) &
    sleep "0.0$((RANDOM % 4))"
    sc revoke --home "$WORK/home" "$id" --reason "race" >/dev/null 2>"$WORK/revoke.err" ||
      cat "$WORK/revoke.err" >>"$WORK/errors"
    wait
    assert_all_revoked "$id" 2>>"$WORK/errors" || lost=$((lost + 1))
  done <"$WORK/ids"
  cat "$WORK/errors" 2>/dev/null || true
  [ "$lost" -eq 0 ]
  [ "$(sc list --home "$WORK/home" --status revoked | wc -l)" -eq 300 ]
}

@test "30 pairs of concurrent revokes of distinct ids: every one succeeds and is published" {
  issue_many 60
  mapfile -t ids <"$WORK/ids"
  local failed=0 i
  for ((i = 0; i < 30; i++)); do
    sc revoke --home "$WORK/home" "${ids[2 * i]}" --reason a >/dev/null 2>>"$WORK/errors" &
    local first=$!
    sc suspend --home "$WORK/home" "${ids[2 * i + 1]}" --reason b >/dev/null 2>>"$WORK/errors" &
    local second=$!
    wait "$first" || failed=$((failed + 1))
    wait "$second" || failed=$((failed + 1))
  done
  cat "$WORK/errors"
  [ "$failed" -eq 0 ]
  run ! grep -i "locked" "$WORK/errors"
  [ "$(sc list --home "$WORK/home" --status revoked | wc -l)" -eq 30 ]
  [ "$(sc list --home "$WORK/home" --status suspended | wc -l)" -eq 30 ]
  for ((i = 0; i < 30; i++)); do
    assert_all_revoked "${ids[2 * i]}"
    run sc verify --home "$WORK/home" "$WORK/home/out/${ids[2 * i + 1]#urn:uuid:}.json"
    [ "$status" -eq 3 ]
  done
}

@test "revokes while a roster of 3000 rows is issued: every one succeeds and is published" {
  issue_many 40
  "$PYTHON" -c "
print('name,email,id')
for i in range(3000): print(f'Learner {i},r{i}@example.org,R{i}')" >"$WORK/roster.csv"
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2 \
    >"$WORK/roster.out" 2>&1 &
  local roster=$! failed=0 id
  while read -r id; do
    sc revoke --home "$WORK/home" "$id" --reason "during a batch" >/dev/null 2>>"$WORK/errors" ||
      failed=$((failed + 1))
  done <"$WORK/ids"
  wait "$roster" || { cat "$WORK/roster.out"; false; }
  cat "$WORK/errors"
  [ "$failed" -eq 0 ]
  [ "$(sc list --home "$WORK/home" --status revoked | wc -l)" -eq 40 ]
  [ "$(sc list --home "$WORK/home" | wc -l)" -eq 3040 ]
  mapfile -t ids <"$WORK/ids"
  assert_all_revoked "${ids[@]}"
}

@test "an id named in a message is never cut short" {
  make_home
  local id=urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
  run sc revoke --home "$WORK/home" "$id" --reason "unknown"
  [ "$status" -eq 65 ]
  [[ "$output" == *"argument '$id'"* ]]
}
