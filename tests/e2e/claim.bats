#!/usr/bin/env bats
# Claim links (docs/claim.md): `mail --dry-run` puts one in each message, `serve --home` opens
# the learner's page and downloads from it, a revoked link is a 404 like any unknown one, and
# the request log never holds a token.

load helpers
load serve_helpers

teardown() {
  stop_server
  rm -rf "$WORK"
}

issue_roster() {
  make_home
  printf '%s\n' 'name,email,id' 'Anita Sharma,anita@example.org,L1' \
    'John Smith,john@example.org,L2' >"$WORK/roster.csv"
  sc issue --home "$WORK/home" --roster "$WORK/roster.csv" >/dev/null 2>&1
}

mail_dry() {
  sc mail --home "$WORK/home" --roster "$WORK/roster.csv" --from certs@acme.example \
    --dry-run "$WORK/eml" "$@" >/dev/null 2>&1
}

# The claim path (/claim/<token>) in the plain text of the message to ADDRESS, and checks that
# the HTML part carries the same link.
claim_path_for() { # address
  "$PYTHON" - "$WORK/eml" "$1" <<'PY'
import email, glob, re, sys
from email import policy
for path in glob.glob(sys.argv[1] + "/*.eml"):
    m = email.message_from_bytes(open(path, "rb").read(), policy=policy.default)
    if m["To"].addresses[0].addr_spec != sys.argv[2]:
        continue
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    links = re.findall(r"https://acme\.example(/claim/[A-Za-z0-9_-]{43})\b", text)
    assert len(links) == 1, text
    assert "https://acme.example" + links[0] in html
    print(links[0])
PY
}

@test "a mailed claim link opens the learner's page; its PDF verifies; a revoked link is a 404" {
  issue_roster
  mail_dry
  anita=$(claim_path_for anita@example.org)
  john=$(claim_path_for john@example.org)
  [ -n "$anita" ] && [ -n "$john" ] && [ "$anita" != "$john" ]
  start_server --home "$WORK/home"
  curl -s -D "$WORK/headers" "$URL$anita" >"$WORK/page.html"
  grep -q '^HTTP/1.1 200' "$WORK/headers"
  grep -qi '^Cache-Control: no-store' "$WORK/headers"
  grep -qi '^Referrer-Policy: no-referrer' "$WORK/headers"
  grep -qi '^X-Robots-Tag: noindex' "$WORK/headers"
  grep -q 'Anita Sharma' "$WORK/page.html"
  run ! grep -q 'John Smith' "$WORK/page.html"
  grep -q 'Valid certificate' "$WORK/page.html"
  grep -q 'certificate.pdf' "$WORK/page.html"
  grep -q 'CERTIFICATION_NAME' "$WORK/page.html"
  # the LinkedIn link names the public page, never the claim address
  run ! grep -o 'linkedin[^"]*claim' "$WORK/page.html"
  curl -s "$URL$john" | grep -q 'John Smith'

  curl -s -D "$WORK/pdf.headers" -o "$WORK/certificate.pdf" "$URL$anita/certificate.pdf"
  grep -qi '^Content-Disposition: attachment; filename="certificate.pdf"' "$WORK/pdf.headers"
  run sc verify --home "$WORK/home" "$WORK/certificate.pdf"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(status_of "$URL$anita/badge.png")" = 200 ]
  curl -s -o "$WORK/credential.json" "$URL$anita/credential.json"
  run sc verify --home "$WORK/home" "$WORK/credential.json"
  [ "$status" -eq 0 ]

  sc claim revoke --home "$WORK/home" "https://acme.example$anita" 2>/dev/null
  curl -s -D "$WORK/gone.headers" "$URL$anita" >"$WORK/gone.html"
  grep -q '^HTTP/1.1 404' "$WORK/gone.headers"
  curl -s "$URL/claim/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" >"$WORK/unknown.html"
  cmp "$WORK/gone.html" "$WORK/unknown.html"
  [ "$(status_of "$URL$anita/certificate.pdf")" = 404 ]
  [ "$(status_of "$URL$john")" = 200 ]

  stop_server
  for token in "${anita#/claim/}" "${john#/claim/}"; do
    run ! grep -qF "$token" "$WORK/serve.log"
  done
  grep -q '/claim/…' "$WORK/serve.log"
}

@test "claim link prints a new link per credential and warns it is a secret; revoke --all-for ends them" {
  issue_roster
  l1=$(sc list --home "$WORK/home" --learner L1 --json | jq -r .id)
  l2=$(sc list --home "$WORK/home" --learner L2 --json | jq -r .id)
  sc claim link --home "$WORK/home" "$l1" "$l2" >"$WORK/links" 2>"$WORK/links.err"
  grep -q 'secret for that learner only' "$WORK/links.err"
  run cat "$WORK/links"
  [ "${#lines[@]}" -eq 2 ]
  [[ "${lines[0]}" == "$l1  https://acme.example/claim/"* ]]
  link1=${lines[0]##*https://acme.example}
  link2=${lines[1]##*https://acme.example}
  [[ "$link1" =~ ^/claim/[A-Za-z0-9_-]{43}$ ]]
  start_server --home "$WORK/home"
  [ "$(status_of "$URL$link1")" = 200 ]
  run sc claim revoke --home "$WORK/home" --all-for L1
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"1 link revoked"* ]]
  [ "$(status_of "$URL$link1")" = 404 ]
  [ "$(status_of "$URL$link2")" = 200 ]
}

@test "a revoked credential's claim page says it is revoked" {
  issue_roster
  mail_dry
  anita=$(claim_path_for anita@example.org)
  id=$(sc list --home "$WORK/home" --learner L1 --json | jq -r .id)
  sc revoke --home "$WORK/home" "$id" --reason "exam misconduct" >/dev/null
  start_server --home "$WORK/home"
  curl -s "$URL$anita" >"$WORK/page.html"
  grep -q 'Revoked' "$WORK/page.html"
  run ! grep -q 'CERTIFICATION_NAME' "$WORK/page.html"
}

@test "a resend replaces the mailed link: the old one is a 404" {
  issue_roster
  mail_dry
  old=$(claim_path_for anita@example.org)
  rm -rf "$WORK/eml"
  mail_dry --resend
  new=$(claim_path_for anita@example.org)
  [ "$old" != "$new" ]
  start_server --home "$WORK/home"
  [ "$(status_of "$URL$old")" = 404 ]
  [ "$(status_of "$URL$new")" = 200 ]
}

@test "a wrong claim.days setting stops mail and claim link, naming the setting" {
  issue_roster
  jq '.claim = {"days": 0}' "$WORK/home/skillcert.json" >"$WORK/c.json"
  mv "$WORK/c.json" "$WORK/home/skillcert.json"
  run sc mail --home "$WORK/home" --roster "$WORK/roster.csv" --from certs@acme.example \
    --dry-run "$WORK/eml"
  [ "$status" -eq 78 ]
  [[ "$output" == *"claim.days"* ]]
  run sc claim link --home "$WORK/home" "$(sc list --home "$WORK/home" --learner L1 --json | jq -r .id)"
  [ "$status" -eq 78 ]
  [[ "$output" == *"claim.days"* ]]
}
