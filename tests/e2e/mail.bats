#!/usr/bin/env bats
# skillcert mail (docs/mail.md): certificates e-mailed to a real SMTP server (aiosmtpd,
# tests/e2e/smtp_server.py), the received messages parsed with Python's email package.

load helpers
load serve_helpers

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

start_smtp() { # [smtp_server.py options...]
  mkdir -p "$WORK/smtp"
  "$PYTHON" "$ROOT/tests/e2e/smtp_server.py" "$WORK/smtp" "$@" >"$WORK/smtp.log" 2>&1 3>&- &
  SMTP_PID=$!
  for _ in $(seq 100); do
    [ -f "$WORK/smtp/port" ] && break
    sleep 0.1
  done
  SMTP_URL="smtp://127.0.0.1:$(cat "$WORK/smtp/port")"
}

teardown() {
  [ -z "${SMTP_PID:-}" ] || kill "$SMTP_PID" 2>/dev/null || true
  stop_server
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

# The plain text and HTML of one .eml, and its attachments' names, as Python's email reads them.
body_of() { # FILE plain|html
  "$PYTHON" -c 'import email, sys
from email import policy
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
print(m.get_body((sys.argv[2],)).get_content())' "$1" "$2"
}
attachments_of() { # FILE
  "$PYTHON" -c 'import email, sys
from email import policy
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=policy.default)
print(" ".join(sorted(p.get_filename() for p in m.iter_attachments())))' "$1"
}
eml_of() { grep -l "^To: .*<$1>" "$2"/*.eml; } # ADDRESS DIR

@test "mail --roster-run mails the credentials of that issue run only" {
  issue_roster
  # A second run: a new learner; issue prints the run's id.
  printf '%s\n' 'name,email,id,language' 'Mei Lin,mei@example.org,L4,' >"$WORK/more.csv"
  run sc issue --home "$WORK/home" --roster "$WORK/more.csv"
  echo "$output"
  [ "$status" -eq 0 ]
  run_id=$(sed -n 's/^skillcert: issue: run \([^ ]*\) .*/\1/p' <<<"$output")
  [ -n "$run_id" ]
  [ "$(wc -l <"$WORK/home/out/runs/$run_id")" -eq 1 ]
  cat "$WORK/roster.csv" <(tail -1 "$WORK/more.csv") >"$WORK/all.csv"
  run sc mail --home "$WORK/home" --roster "$WORK/all.csv" --from certs@acme.example \
    --dry-run "$WORK/eml" --roster-run "$run_id"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(emls "$WORK/eml")" -eq 1 ]
  grep -q '^To: "Mei Lin" <mei@example.org>' "$WORK/eml"/*.eml
  # The first run's three.
  for f in "$WORK/home/out/runs"/*; do
    [ "${f##*/}" = "$run_id" ] || first=${f##*/}
  done
  run sc mail --home "$WORK/home" --roster "$WORK/all.csv" --from certs@acme.example \
    --dry-run "$WORK/eml2" --roster-run "$first"
  [ "$status" -eq 0 ]
  [ "$(emls "$WORK/eml2")" -eq 3 ]
  run mail --dry-run "$WORK/eml3" --roster-run 19990101T000000Z
  echo "$output"
  [ "$status" -eq 66 ]
  [[ "$output" == *"--roster-run 19990101T000000Z: no such run"* ]]
}

@test "an unknown credential id stops mail before anything is sent" {
  issue_roster
  id=$(sc list --home "$WORK/home" --json --learner L3 | jq -r .id)
  run mail --dry-run "$WORK/eml" "$id" urn:uuid:00000000-0000-4000-8000-000000000000
  echo "$output"
  [ "$status" -eq 65 ]
  [[ "$output" == *"urn:uuid:00000000-0000-4000-8000-000000000000: no such credential in the registry"* ]]
  [ ! -e "$WORK/eml" ] || [ "$(emls "$WORK/eml")" -eq 0 ]
}

@test "the template's mail.json gives the words, in the certificate's recorded language" {
  issue_roster
  # The roster given to mail has no language column: Layla's certificate was written in
  # Indonesian (the registry recorded it), so her mail is in Indonesian.
  cut -d, -f1-3 "$WORK/roster.csv" >"$WORK/nolang.csv"
  run sc mail --home "$WORK/home" --roster "$WORK/nolang.csv" --from certs@acme.example \
    --dry-run "$WORK/eml"
  echo "$output"
  [ "$status" -eq 0 ]
  layla=$(eml_of layla@example.org "$WORK/eml")
  run body_of "$layla" plain
  [[ "$output" == *"Selamat: Acme AI Academy memberikan Anda AI Fundamentals."* ]]
  # The template's claim line, in Indonesian, with the learner's own link filled in.
  [[ "$output" =~ https://acme\.example/claim/[A-Za-z0-9_-]{43} ]]
  run body_of "$(eml_of john@example.org "$WORK/eml")" plain
  [[ "$output" == *"Congratulations: Acme AI Academy has awarded you AI Fundamentals."* ]]
  [[ "$output" =~ https://acme\.example/claim/[A-Za-z0-9_-]{43} ]]
  [[ "$output" != *"{"* ]]
}

@test "mail.json placeholders are HTML-escaped in HTML and never read twice" {
  make_home
  printf '%s\n' 'name,email,id' '"Ann <b>{verify_url}</b> & Co",ann@example.org,L1' \
    >"$WORK/roster.csv"
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" >/dev/null 2>&1
  run mail --dry-run "$WORK/eml"
  [ "$status" -eq 0 ]
  f=$(eml_of ann@example.org "$WORK/eml")
  run body_of "$f" html
  echo "$output"
  [[ "$output" == *"<p>Hello Ann &lt;b&gt;{verify_url}&lt;/b&gt; &amp; Co,</p>"* ]]
  run body_of "$f" plain
  [[ "$output" == *"Hello Ann <b>{verify_url}</b> & Co,"* ]]
}

@test "an unknown placeholder in mail.json is named by template check and stops mail" {
  issue_roster
  tpl="$WORK/home/templates/ai-fundamentals"
  sed -i 's/{claim_url}/{claim_link}/' "$tpl/mail.json"
  run sc template check ai-fundamentals --home "$WORK/home"
  echo "$output"
  [ "$status" -eq 65 ]
  [[ "$output" == *"$tpl/mail.json: en.text: unknown placeholder {claim_link}"* ]]
  run mail --dry-run "$WORK/eml"
  [ "$status" -eq 65 ]
  [[ "$output" == *"unknown placeholder {claim_link}"* ]]
  [ ! -e "$WORK/eml" ] || [ "$(emls "$WORK/eml")" -eq 0 ]
}

@test "without mail.json the built-in words (po/) are used" {
  issue_roster
  rm "$WORK/home/templates/ai-fundamentals/mail.json"
  run mail --dry-run "$WORK/eml"
  [ "$status" -eq 0 ]
  run body_of "$(eml_of layla@example.org "$WORK/eml")" plain
  echo "$output"
  [[ "$output" == *"Anda telah dianugerahi"* || "$output" == *"Halo"* ]]
  run body_of "$(eml_of john@example.org "$WORK/eml")" plain
  [[ "$output" == *"You have been awarded:"* ]]
  [[ "$output" == *"Attached: your certificate (PDF)"* ]]
  [[ "$output" =~ "Claim your credential: https://acme.example/claim/"[A-Za-z0-9_-]{43} ]]
  [[ "$output" != *"{"* ]]
}

@test "--pdf link puts the PDF in public/pdf/, serve serves it, the mail links it; --pdf none" {
  issue_roster
  start_smtp
  run mail --smtp "$SMTP_URL" --pdf link
  echo "$output"
  [ "$status" -eq 0 ]
  f=$(eml_of john@example.org "$WORK/smtp")
  [ "$(attachments_of "$f")" = "badge.png credential.json" ]
  uuid=$(sc list --home "$WORK/home" --json --learner L3 | jq -r .id | cut -c10-)
  run body_of "$f" plain
  [[ "$output" == *"https://acme.example/pdf/$uuid.pdf"* ]]
  cmp "$WORK/home/out/$uuid.pdf" "$WORK/home/public/pdf/$uuid.pdf"
  start_server --home "$WORK/home" --offline
  [ "$(curl -s -o "$WORK/got.pdf" -w '%{http_code} %{content_type}' "$URL/pdf/$uuid.pdf")" = \
    "200 application/pdf" ]
  cmp "$WORK/got.pdf" "$WORK/home/public/pdf/$uuid.pdf"
  # Revoked: not mailed, and its linked PDF stays withdrawn from public/ (revoke withdrew it).
  sc revoke --home "$WORK/home" --reason "test" "urn:uuid:$uuid" >/dev/null 2>&1
  run mail --smtp "$SMTP_URL" --pdf link
  echo "$output"
  [ "$status" -eq 0 ]
  [ ! -e "$WORK/home/public/pdf/$uuid.pdf" ]
  [[ "$output" == *"revoked: not mailed"* ]]
  run mail --dry-run "$WORK/eml" --pdf none --resend
  [ "$status" -eq 0 ]
  f=$(eml_of anita@example.org "$WORK/eml")
  [ "$(attachments_of "$f")" = "badge.png credential.json" ]
  run body_of "$f" plain
  [[ "$output" != *"/pdf/"* && "$output" != *"(PDF)"* ]]
  run mail --dry-run "$WORK/eml" --pdf mail
  [ "$status" -eq 64 ]
}

uuid_of_learner() { sc list --home "$WORK/home" --json --learner "$1" | jq -r .id | cut -c10-; }

@test "revoke and suspend withdraw the linked PDF at once (serve: 404); reinstate does not" {
  HOME_FLAGS=--suspension issue_roster
  start_smtp
  run mail --smtp "$SMTP_URL" --pdf link
  [ "$status" -eq 0 ]
  revoked=$(uuid_of_learner L3)
  suspended=$(uuid_of_learner L1)
  [ -f "$WORK/home/public/pdf/$revoked.pdf" ] && [ -f "$WORK/home/public/pdf/$suspended.pdf" ]
  start_server --home "$WORK/home" --offline
  [ "$(status_of "$URL/pdf/$revoked.pdf")" = 200 ]
  run sc revoke --home "$WORK/home" --reason "test" "$revoked"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"urn:uuid:$revoked: its linked PDF was withdrawn from public/pdf/"* ]]
  [ ! -e "$WORK/home/public/pdf/$revoked.pdf" ]
  [ "$(status_of "$URL/pdf/$revoked.pdf")" = 404 ]
  run sc suspend --home "$WORK/home" --reason "test" "$suspended"
  [ "$status" -eq 0 ]
  [ ! -e "$WORK/home/public/pdf/$suspended.pdf" ]
  [ "$(status_of "$URL/pdf/$suspended.pdf")" = 404 ]
  # the third learner's link is untouched
  [ -f "$WORK/home/public/pdf/$(uuid_of_learner L2).pdf" ]
  # reinstating does not publish it again; the next mail --pdf link --resend does
  run sc reinstate --home "$WORK/home" "$suspended"
  [ "$status" -eq 0 ]
  [ ! -e "$WORK/home/public/pdf/$suspended.pdf" ]
  run mail --smtp "$SMTP_URL" --pdf link --resend "urn:uuid:$suspended"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(status_of "$URL/pdf/$suspended.pdf")" = 200 ]
  # a revoked credential never linked: nothing to withdraw, nothing said
  run sc revoke --home "$WORK/home" --reason "test" "$(uuid_of_learner L2)"
  [ "$status" -eq 0 ]
  run sc revoke --home "$WORK/home" --reason "again" "$suspended"
  [ "$status" -eq 0 ]
  [ ! -e "$WORK/home/public/pdf/$suspended.pdf" ]
}

@test "a linked PDF revoke cannot remove is named (exit 74); the revocation stands" {
  issue_roster
  start_smtp
  run mail --smtp "$SMTP_URL" --pdf link
  [ "$status" -eq 0 ]
  uuid=$(uuid_of_learner L3)
  # a non-empty folder in the file's place: unlink fails, even for root
  rm "$WORK/home/public/pdf/$uuid.pdf"
  mkdir -p "$WORK/home/public/pdf/$uuid.pdf/inside"
  run sc revoke --home "$WORK/home" --reason "test" "$uuid"
  echo "$output"
  [ "$status" -eq 74 ]
  [[ "$output" == *"$WORK/home/public/pdf/$uuid.pdf: cannot remove"* ]]
  [[ "$output" == *"1 revoked"* ]]
  [ "$(sc list --home "$WORK/home" --json --learner L3 | jq -r .status)" = revoked ]
  run sc verify --home "$WORK/home" "$WORK/home/out/$uuid.json"
  [ "$status" -eq 2 ]
}

# A self-signed certificate for 127.0.0.1, made for the test.
make_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
  printf 'certs\ns3cret-Pa55\n' >"$WORK/auth"
  chmod 600 "$WORK/auth"
}

@test "SMTPS (implicit TLS) with --smtp-ca and --smtp-auth sends every message" {
  issue_roster
  make_cert
  start_smtp --tls smtps --cert "$WORK/cert.pem" --key "$WORK/key.pem" --auth certs:s3cret-Pa55
  url="smtps://127.0.0.1:$(cat "$WORK/smtp/port")"
  run mail --smtp "$url" --smtp-ca "$WORK/cert.pem" --smtp-auth "$WORK/auth"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
  [[ "$output" != *"s3cret"* ]]
}

@test "STARTTLS with --smtp-ca and --smtp-auth sends every message" {
  issue_roster
  make_cert
  start_smtp --tls starttls --cert "$WORK/cert.pem" --key "$WORK/key.pem" --auth certs:s3cret-Pa55
  run mail --smtp "$SMTP_URL" --starttls --smtp-ca "$WORK/cert.pem" --smtp-auth "$WORK/auth"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
}

@test "a server whose certificate is not trusted stops mail: nothing sent, nothing recorded" {
  issue_roster
  make_cert
  start_smtp --tls smtps --cert "$WORK/cert.pem" --key "$WORK/key.pem"
  url="smtps://127.0.0.1:$(cat "$WORK/smtp/port")"
  run mail --smtp "$url"
  echo "$output"
  [ "$status" -eq 78 ]
  [[ "$output" == *"not trusted"*"--smtp-ca"* ]]
  [ "$(received)" -eq 0 ]
  if [ "${SKILLCERT_TEST_REGISTRY:-}" != postgresql ]; then
    [ "$(sqlite3 "$WORK/home/registry.db" "SELECT count(*) FROM mailings WHERE state = 'sent'")" = 0 ]
  fi
  # Nothing counts as sent: with the CA trusted, every learner gets theirs.
  run mail --smtp "$url" --smtp-ca "$WORK/cert.pem"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
  [ "$(grep -c '  sent$' <<<"$output")" -eq 3 ]
}

@test "a credentials file at 0644 is refused with exit 77, printing no secret" {
  issue_roster
  make_cert
  start_smtp --tls smtps --cert "$WORK/cert.pem" --key "$WORK/key.pem" --auth certs:s3cret-Pa55
  chmod 644 "$WORK/auth"
  run mail --smtp "smtps://127.0.0.1:$(cat "$WORK/smtp/port")" --smtp-ca "$WORK/cert.pem" \
    --smtp-auth "$WORK/auth"
  echo "$output"
  [ "$status" -eq 77 ]
  [[ "$output" != *"s3cret"* ]]
  [ "$(received)" -eq 0 ]
}

@test "a connection dropped half-way: the re-run sends only the rest" {
  issue_roster
  start_smtp
  # The server drops Layla's connection every time: her send fails after the retries.
  echo layla@example.org >"$WORK/smtp/drop-always"
  run mail --smtp "$SMTP_URL"
  echo "$output"
  [ "$status" -eq 74 ]
  [ "$(received)" -eq 2 ]
  rm "$WORK/smtp/drop-always"
  run mail --smtp "$SMTP_URL"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(received)" -eq 3 ]
  [ "$(grep -c '  sent before$' <<<"$output")" -eq 2 ]
  grep -q layla@example.org "$WORK/smtp/003.rcpt"
}

@test "a server that wants a login not given stops mail (530), recording nothing as sent" {
  issue_roster
  make_cert
  start_smtp --tls smtps --cert "$WORK/cert.pem" --key "$WORK/key.pem" --auth certs:s3cret-Pa55
  run mail --smtp "smtps://127.0.0.1:$(cat "$WORK/smtp/port")" --smtp-ca "$WORK/cert.pem"
  echo "$output"
  [ "$status" -eq 78 ]
  [[ "$output" == *"530"* ]]
  [ "$(received)" -eq 0 ]
  [[ "$output" != *"  failed"* ]] # one stop, not a failure per learner
}
