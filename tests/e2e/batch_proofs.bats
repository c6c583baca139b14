#!/usr/bin/env bats
# The proofs of a JSON batch: signed with the shared proof options (whose canonical form is
# cached, core/proof_config_cache.c) by two workers, every credential's two proofs verify and
# the eddsa-rdfc-2022 proofs carry one configuration.
load helpers

# Issues $WORK/roster.csv as JSON with two workers; there are N credentials, left in files,
# and every one verifies with both its proofs.
issue_and_verify() { # N
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals --no-pdf \
    -j 2 >/dev/null
  files=("$WORK"/home/out/*.json)
  [ "${#files[@]}" -eq "$1" ]
  run sc verify -v --home "$WORK/home" "${files[@]}"
  [ "$status" -eq 0 ]
  [ "$(grep -c 'all 2 proofs verify (eddsa-rdfc-2022,eddsa-jcs-2022)' <<<"$output")" -eq "$1" ]
}

@test "issue: every credential of a -j 2 JSON batch verifies with both proofs" {
  make_home
  $PYTHON - >"$WORK/roster.csv" <<'PY'
print("id,name,email")
for i in range(24):
    print(f"L-{i:05d},Zoë Łukasiewicz {i},learner{i}@example.org")
PY
  issue_and_verify 24
  # One proof configuration for the whole batch: the same created and verificationMethod.
  $PYTHON - "${files[@]}" <<'PY'
import json, sys
configs = set()
for path in sys.argv[1:]:
    proof = json.load(open(path))["proof"][0]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022", path
    configs.add((proof["created"], proof["verificationMethod"]))
assert len(configs) == 1, configs
PY
}

# The batch makes each achievement with the template's badge once and shares it between its
# credentials (and between their JSON-LD expansions, core/jsonld_memo.c): each credential
# still carries its own achievement with the image and verifies with both proofs.
@test "issue: a batch mixing the template's achievement and a roster's own gives each credential its achievement with the badge image" {
  make_home
  $PYTHON - >"$WORK/roster.csv" <<'PY'
print("id,name,email,achievement")
for i in range(12):
    print(f"L-{i:05d},Ada Lovelace {i},learner{i}@example.org,{'responsible-ai' if i % 3 == 0 else ''}")
PY
  issue_and_verify 12
  $PYTHON - "${files[@]}" <<'PY'
import json, sys
kinds = {}
for path in sys.argv[1:]:
    subject = json.load(open(path))["credentialSubject"]
    achievement = subject["achievement"]
    i = int(subject["identifier"][0]["identityHash"].rsplit(" ", 1)[1])
    want = "responsible-ai" if i % 3 == 0 else "ai-fundamentals"
    assert achievement["id"].endswith("/achievements/" + want), (path, achievement["id"])
    assert achievement["image"] == {"id": "https://acme.example/badges/ai-fundamentals.png",
                                    "type": "Image"}, achievement
    assert list(achievement)[-1] == "image", list(achievement) # where a per-credential copy put it
    kinds[want] = kinds.get(want, 0) + 1
assert kinds == {"responsible-ai": 4, "ai-fundamentals": 8}, kinds
PY
}
