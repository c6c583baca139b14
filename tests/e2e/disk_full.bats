#!/usr/bin/env bats
# A roster run on a disk that fills up: it stops with an I/O error (74), says how much is
# recorded but maybe not written and how to finish, and the same command run again writes
# everything, signing nothing twice. The full disk is a small tmpfs over out/ (needs root and
# the right to mount; skipped otherwise).
load helpers

teardown() {
  umount "$WORK/home/out" 2>/dev/null || true
  rm -rf "$WORK"
}

@test "a disk that fills up mid-roster stops with 74, says how to finish, and the re-run completes" {
  make_home
  $PYTHON - >"$WORK/roster.csv" <<'PY'
print("id,name,email")
for i in range(40):
    print(f"L-{i:03d},Learner {i},learner{i}@example.org")
PY
  mount -t tmpfs -o size=600k tmpfs "$WORK/home/out" 2>/dev/null || skip "cannot mount a tmpfs here"
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
  [ "$status" -eq 74 ]
  [[ "$output" == *"No space left on device"* ]]
  [[ "$output" == *"recorded in the registry, but"* ]]
  [[ "$output" == *"run the same command again: it signs nothing twice and writes what is missing"* ]]
  recorded=$(sc list --home "$WORK/home" | wc -l)
  [ "$recorded" -gt 0 ]
  umount "$WORK/home/out" # the files written there are gone with it: all must be rewritten
  run sc issue --home "$WORK/home" --roster "$WORK/roster.csv" --template ai-fundamentals -j 2
  [ "$status" -eq 0 ]
  [[ "$output" == *"$((40 - recorded)) issued, 0 already issued, $recorded repaired"* ]]
  [ "$(find "$WORK/home/out" -maxdepth 1 -name '*.pdf' | wc -l)" -eq 40 ]
  [ "$(sc list --home "$WORK/home" | wc -l)" -eq 40 ]
}
