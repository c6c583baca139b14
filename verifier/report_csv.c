/*
 * verify --report: one CSV row per input (RFC 4180: every field quoted by libcsv, CRLF line
 * ends). Credentials are hostile and reports get opened in spreadsheets, so a cell that would
 * start a formula (= + - @ or a tab/CR) gets a leading apostrophe (OWASP "CSV injection").
 */
#include "verifier/verifier.h"

#include <csv.h>
#include <string.h>

static bool starts_formula(const char *text) {
  return text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL;
}

static int put_field(FILE *out, const char *text, bool last, sc_error *err) {
  text = text ? text : "";
  int rc = SC_OK;
  if (starts_formula(text)) {
    sc_buf guarded = {0};
    if (!sc_buf_append_byte(&guarded, '\'') || !sc_buf_append_str(&guarded, text))
      rc = sc_oom(err);
    else if (csv_fwrite(out, guarded.data, guarded.len) != 0)
      rc = sc_fail(err, SC_EIO, "report: cannot write");
    sc_buf_free(&guarded);
  } else if (csv_fwrite(out, text, strlen(text)) != 0) {
    rc = sc_fail(err, SC_EIO, "report: cannot write");
  }
  if (rc == SC_OK && fputs(last ? "\r\n" : ",", out) == EOF)
    rc = sc_fail(err, SC_EIO, "report: cannot write");
  return rc;
}

/* Why the verdict is what it is: the failed check that set the exit code. */
static const char *reason(const sc_verification *v) {
  const sc_check *first = NULL;
  for (size_t i = 0; i < v->check_count; i++) {
    const sc_check *check = &v->checks[i];
    if (check->state != SC_CHECK_FAILED)
      continue;
    if (check->code == v->exit_code)
      return check->message;
    first = first ? first : check;
  }
  return v->exit_code != SC_OK && first ? first->message : "";
}

void sc_report_csv_header(FILE *out) {
  fputs("input,verdict,exit code,recipient,achievement,issuer,reason\r\n", out);
}

int sc_report_csv_row(FILE *out, const char *input, const sc_verification *v, sc_error *err) {
  char code[16];
  snprintf(code, sizeof code, "%d", v->exit_code);
  const sc_credential_summary *s = &v->summary;
  const char *fields[] = {input,
                          sc_verdict_word(v->exit_code),
                          code,
                          s->recipient_name,
                          s->achievement_name,
                          s->issuer_name ? s->issuer_name : s->issuer_id,
                          reason(v)};
  size_t count = sizeof fields / sizeof fields[0];
  int rc = SC_OK;
  for (size_t i = 0; i < count && rc == SC_OK; i++)
    rc = put_field(out, fields[i], i + 1 == count, err);
  if (rc == SC_OK && ferror(out))
    rc = sc_fail(err, SC_EIO, "report: cannot write");
  return rc;
}
