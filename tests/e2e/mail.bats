#!/usr/bin/env bats
# skillcert mail (docs/mail.md): certificates e-mailed to a real SMTP server (aiosmtpd,
# tests/e2e/smtp_server.py), the received messages parsed with Python's email package.

load helpers

# A home with three learners issued from $WORK/roster.csv: a Devanagari name, an Arabic one
# (whose certificate is in Indonesian), a Latin one.
issue_roster() {
  make_home
  printf '%s\n' 'name,email,id,language' \
    'अनीता शर्मा,anita@example.org,L1,' \
    'ليلى حداد,layla@example.org,L2,id' \
    'John Smith,john@example.org,L3,' >"$WORK/roster.csv"
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" >/dev/null 2>&1
}

start_smtp() {
  mkdir -p "$WORK/smtp"
  "$PYTHON" "$ROOT/tests/e2e/smtp_server.py" "$WORK/smtp" >"$WORK/smtp.log" 2>&1 3>&- &
  SMTP_PID=$!
  for _ in $(seq 100); do
    [ -f "$WORK/smtp/port" ] && break
    sleep 0.1
  done
  SMTP_URL="smtp://127.0.0.1:$(cat "$WORK/smtp/port")"
}

teardown() {
  [ -z "${SMTP_PID:-}" ] || kill "$SMTP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}

mail() {
  sc mail --home "$WORK/home" --roster "$WORK/roster.csv" --from certs@acme.example "$@"
}

# How many .eml files DIR holds (default: what the SMTP server received).
emls() { find "${1:-$WORK/smtp}" -maxdepth 1 -name '*.eml' | wc -l; }
received() { emls; }

# Checks every .eml in DIR: To matches the roster (the name decoded from its encoded-words),
# the subject, the three attachments, the links; prints "<address> <subject>" per message.
check_messages() { # DIR
  "$PYTHON" - "$1" <<'PY'
import email, glob, json, sys
from email import policy
names = {"anita@example.org": "अनीता शर्मा", "layla@example.org": "ليلى حداد",
         "john@example.org": "John Smith"}
for path in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    raw = open(path, "rb").read()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(b < 128 for b in head), "a raw byte in the headers: " + path
    m = email.message_from_bytes(raw, policy=policy.default)
    to = m["To"].addresses[0]
    assert to.display_name == names[to.addr_spec], (to.display_name, to.addr_spec)
    if to.addr_spec != "john@example.org":
        assert b"=?UTF-8?B?" in head
    assert m["Message-ID"] and m["Date"] and m["From"].addresses[0].addr_spec == "certs@acme.example"
    parts = {p.get_filename(): p for p in m.iter_attachments()}
    assert set(parts) == {"certificate.pdf", "credential.json", "badge.png"}, parts.keys()
    assert parts["certificate.pdf"].get_content().startswith(b"%PDF-")
    assert parts["badge.png"].get_content().startswith(b"\x89PNG")
    cred = json.loads(parts["credential.json"].get_content())
    uuid = cred["id"][9:]
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    assert "https://acme.example/C/" + uuid in text and "https://acme.example/C/" + uuid in html
    assert "linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in text
    assert "certId=urn%3Auuid%3A" + uuid in text
    assert names[to.addr_spec] in text
    print(to.addr_spec, m["Subject"])
PY
}

@test "mail --dry-run writes one .eml per learner, with the attachments, links and encoded names" {
  issue_roster
  run mail --dry-run "$WORK/eml"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(emls "$WORK/eml")" -eq 3 ]
  for f in "$WORK/eml"/*.eml; do [ "$(stat -c %a "$f")" = 600 ]; done
  run check_messages "$WORK/eml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"anita@example.org Your certificate: AI Fundamentals"* ]]
  # The roster's language: Layla's mail is in Indonesian.
  [[ "$output" == *"layla@example.org Sertifikat Anda: AI Fundamentals"* ]]
}

@test "mail sends each learner's certificate once; a re-run sends nothing; --resend sends again" {
  issue_roster
  start_smtp
  run mail --smtp "$SMTP_URL"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
  run check_messages "$WORK/smtp"
  echo "$output"
  [ "$status" -eq 0 ]
  # Each message went to its learner alone.
  for n in 001 002 003; do
    rcpt=$(cat "$WORK/smtp/$n.rcpt")
    grep -q "^To: .*<$rcpt>" "$WORK/smtp/$n.eml"
  done
  run mail --smtp "$SMTP_URL"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
  [ "$(grep -c '  sent before$' <<<"$output")" -eq 3 ]
  id=$(sc list --home "$WORK/home" --json --learner L3 | jq -r .id)
  run mail --smtp "$SMTP_URL" --resend "$id"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 4 ]
  grep -q '^To: "John Smith" <john@example.org>' "$WORK/smtp/004.eml"
}

@test "a revoked credential is not mailed" {
  issue_roster
  start_smtp
  id=$(sc list --home "$WORK/home" --json --learner L1 | jq -r .id)
  sc revoke --home "$WORK/home" --reason "test" "$id" >/dev/null 2>&1
  run mail --smtp "$SMTP_URL"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 2 ]
  [[ "$output" == *"$id  revoked: not mailed"* ]]
  run ! grep -l anita@example.org "$WORK/smtp"/*.rcpt
}

@test "a recipient the server refuses (550) is recorded as failed with its answer" {
  issue_roster
  start_smtp
  echo anita@example.org >"$WORK/smtp/refuse"
  run mail --smtp "$SMTP_URL"
  echo "$output"
  [ "$status" -eq 74 ]
  [ "$(received)" -eq 2 ]
  [[ "$output" == *"failed: 550 5.1.1 <anita@example.org>: Recipient address rejected"* ]]
  if [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ]; then
    run sqlite3 "$WORK/home/registry.db" "SELECT state, attempts, answer FROM mailings m
      JOIN credentials c ON c.id = m.credential WHERE c.learner_id = 'L1'"
    [[ "$output" == "failed|1|550 5.1.1 <anita@example.org>: Recipient address rejected"* ]]
  fi
  # Failed is not sent: once the address is accepted, a re-run sends it (and only it).
  rm "$WORK/smtp/refuse"
  run mail --smtp "$SMTP_URL"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
}

@test "a temporary refusal (451) and a dropped connection are retried, and sent once" {
  issue_roster
  start_smtp
  echo john@example.org >"$WORK/smtp/busy"
  echo layla@example.org >"$WORK/smtp/drop"
  run mail --smtp "$SMTP_URL"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
  [ "$(cat "$WORK/smtp"/*.rcpt | sort | uniq -d)" = "" ]
  if [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ]; then
    run sqlite3 "$WORK/home/registry.db" "SELECT c.learner_id, m.state, m.attempts FROM mailings m
      JOIN credentials c ON c.id = m.credential ORDER BY c.learner_id"
    echo "$output"
    [ "$output" = "$(printf 'L1|sent|1\nL2|sent|2\nL3|sent|2')" ]
  fi
}

@test "a roster address that is not the credential's is not mailed" {
  issue_roster
  sed -i 's/john@example.org/mallory@example.org/' "$WORK/roster.csv"
  run mail --dry-run "$WORK/eml"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(emls "$WORK/eml")" -eq 2 ]
  [[ "$output" == *"roster.csv:4: the address is not the one"*"not mailed"* ]]
  run ! grep -rl mallory "$WORK/eml"
}

@test "an SMTP credentials file others can read is refused" {
  issue_roster
  start_smtp
  printf 'user\nsecret\n' >"$WORK/auth"
  chmod 644 "$WORK/auth"
  run mail --smtp "$SMTP_URL" --smtp-auth "$WORK/auth"
  echo "$output"
  [ "$status" -eq 77 ]
  [[ "$output" == *"chmod 600"* ]]
  [ "$(received)" -eq 0 ]
}

@test "--starttls refuses a server that offers no STARTTLS, sending nothing in clear" {
  issue_roster
  start_smtp
  run mail --smtp "$SMTP_URL" --starttls
  echo "$output"
  [ "$status" -eq 78 ]
  [[ "$output" == *"STARTTLS"* || "$output" == *"SSL"* ]]
  [ "$(received)" -eq 0 ]
}

@test "a send queued by a run that stopped is not sent again without --resend" {
  [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ] || skip "the crash is simulated in SQLite"
  issue_roster
  start_smtp
  id=$(sc list --home "$WORK/home" --json --learner L3 | jq -r .id)
  sqlite3 "$WORK/home/registry.db" \
    "INSERT INTO mailings (credential, state, attempts, at) VALUES ('$id', 'queued', 1, 'x')"
  run mail --smtp "$SMTP_URL"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 2 ]
  [[ "$output" == *"$id  queued by a run that stopped (perhaps sent): give --resend"* ]]
  run mail --smtp "$SMTP_URL" --resend "$id"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
}

@test "a credential id given that is no roster learner's is reported, not mailed" {
  issue_roster
  head -3 "$WORK/roster.csv" >"$WORK/two.csv"
  id=$(sc list --home "$WORK/home" --json --learner L3 | jq -r .id)
  run sc mail --home "$WORK/home" --roster "$WORK/two.csv" --from certs@acme.example \
    --dry-run "$WORK/eml" "$id"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"$id: no credential of a learner in $WORK/two.csv (no address for it): not mailed"* ]]
  [ ! -e "$WORK/eml" ] || [ "$(emls "$WORK/eml")" -eq 0 ]
}
