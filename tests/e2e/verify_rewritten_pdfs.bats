#!/usr/bin/env bats
# A certificate rewritten by other PDF tools still verifies: libqpdf reads the file, so a
# linearized file, compressed object streams and an incremental update give the same verdict
# as the PDF as issued.
load helpers

# Issues a credential and renders it to $WORK/cert.pdf; ORIGINAL_STATUS and ORIGINAL_OUTPUT
# are what `verify` says of it, with the file name taken out.
certificate() {
  make_home
  issue_one
  sc render --home "$WORK/home" --template ai-fundamentals -o "$WORK/cert.pdf" "$CRED"
  run sc verify --home "$WORK/home" "$WORK/cert.pdf"
  ORIGINAL_STATUS=$status
  ORIGINAL_OUTPUT=${output//$WORK\/cert.pdf/PDF}
  [[ "$output" == *"✓ proof        all 2 proofs verify"* ]]
}

# verify gives the rewritten PDF the original's exit code and report. With "but-page", the
# page line may differ: the page check says a PDF changed after skillcert wrote it is "not made
# by skillcert" and skips the layout check, still with a ✓.
assert_same_verdict() {
  run sc verify --home "$WORK/home" "$1"
  [ "$status" -eq "$ORIGINAL_STATUS" ]
  local got=${output//$1/PDF} want=$ORIGINAL_OUTPUT
  if [ "${2:-}" = but-page ]; then
    [[ "$got" == *"✓ page "* ]]
    got=$(grep -v '✓ page ' <<<"$got")
    want=$(grep -v '✓ page ' <<<"$want")
  fi
  [ "$got" = "$want" ]
}

@test "a linearized certificate (qpdf --linearize) verifies as issued" {
  certificate
  qpdf --linearize "$WORK/cert.pdf" "$WORK/linear.pdf"
  qpdf --check-linearization "$WORK/linear.pdf"
  assert_same_verdict "$WORK/linear.pdf"
}

@test "a certificate with compressed object streams verifies as issued" {
  certificate
  qpdf --object-streams=generate "$WORK/cert.pdf" "$WORK/objstm.pdf"
  grep -aq '/ObjStm' "$WORK/objstm.pdf"
  assert_same_verdict "$WORK/objstm.pdf"
}

@test "a linearized certificate with object streams verifies as issued" {
  certificate
  qpdf --linearize --object-streams=generate "$WORK/cert.pdf" "$WORK/both.pdf"
  assert_same_verdict "$WORK/both.pdf"
}

@test "an incrementally updated certificate verifies as issued" {
  certificate
  "$PYTHON" "$BATS_TEST_DIRNAME/append_revision.py" "$WORK/cert.pdf" "$WORK/updated.pdf"
  [ "$(grep -ac '%%EOF' "$WORK/updated.pdf")" -eq 2 ]
  qpdf --check "$WORK/updated.pdf"
  qpdf --show-object=trailer "$WORK/updated.pdf" | grep -q '/Prev'
  assert_same_verdict "$WORK/updated.pdf" but-page
}

@test "a truncated certificate gives a clear error, not a crash" {
  certificate
  head -c 3000 "$WORK/cert.pdf" >"$WORK/cut.pdf"
  run sc verify --home "$WORK/home" "$WORK/cut.pdf"
  [ "$status" -eq 65 ]
  [[ "$output" == *"cut.pdf: PDF: the file cannot be read"* ]]
  [[ "$output" != *WARNING* ]] # qpdf's own warnings stay quiet
}
