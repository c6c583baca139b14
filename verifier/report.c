/* Reports: a verdict a person reads in a second, and JSON for programs. */
#include "verifier/verifier.h"

#include <stdlib.h>
#include <string.h>

const char *sc_verdict_word(int exit_code) {
  switch (exit_code) {
  case SC_OK:
    return N_("VALID");
  case SC_EINVALID:
    return N_("INVALID");
  case SC_EREVOKED:
    return N_("REVOKED");
  case SC_ESUSPENDED:
    return N_("SUSPENDED");
  case SC_EEXPIRED:
    return N_("EXPIRED");
  case SC_EUNTRUSTED:
    return N_("UNTRUSTED ISSUER");
  case SC_ESTATUS:
    return N_("STATUS UNKNOWN");
  case SC_EDATA:
    return N_("NOT A CREDENTIAL");
  case SC_ENOINPUT:
    return N_("UNREADABLE");
  default:
    return N_("ERROR");
  }
}

/* Credential text is untrusted: characters that would drive or reorder the terminal are
 * shown as U+FFFD instead (sc_text_put). */
static void put_text(const char *text, FILE *out) {
  sc_text_put(text, out);
}

static const sc_check *first_failure(const sc_verification *v) {
  for (size_t i = 0; i < v->check_count; i++) {
    if (v->checks[i].state == SC_CHECK_FAILED && v->checks[i].code == v->exit_code)
      return &v->checks[i];
  }
  return NULL;
}

/* The verdict line speaks the command line's language (sc_lang_process: LANGUAGE, LC_MESSAGES
 * …; English under LC_ALL=C); the JSON and CSV reports keep the English words programs match. */
#define T(text) sc_tr(sc_lang_process(), text)

static void put_claim(const sc_verification *v, FILE *out) {
  const sc_credential_summary *s = &v->summary;
  const json_t *subject = json_object_get(v->credential, "credentialSubject");
  const char *achievement = sc_json_text(
      json_object_get(json_object_get(subject, "achievement"), "name"), sc_lang_process());
  put_text(s->recipient_name ? s->recipient_name : T("(no name)"), out);
  fputs(": ", out);
  put_text(achievement           ? achievement
           : s->achievement_name ? s->achievement_name
                                 : T("(no achievement)"),
           out);
  fputs(", ", out);
  fputs(T("issued by"), out);
  fputc(' ', out);
  put_text(v->trusted_as ? v->trusted_as : s->issuer_name ? s->issuer_name : T("(unnamed)"), out);
  if (!v->trusted_as) {
    fputc(' ', out);
    fputs(T("(as the credential claims)"), out);
  }
  if (s->valid_from && strlen(s->valid_from) >= 10) {
    fprintf(out, " %s %.10s", T("on"), s->valid_from);
  }
}

static void put_verdict(const sc_verification *v, FILE *out) {
  fprintf(out, "%s — ", T(sc_verdict_word(v->exit_code)));
  const sc_check *failure = first_failure(v);
  /* The claim is worth showing once the signature holds (codes 2-6); a forged credential's
   * claim is not. */
  if (v->exit_code == SC_OK || !failure ||
      (v->exit_code >= SC_EREVOKED && v->exit_code <= SC_ESTATUS)) {
    put_claim(v, out);
    if (failure) {
      fputs("; ", out);
      put_text(failure->message, out);
    }
  } else {
    put_text(failure->message, out);
  }
  fputc('\n', out);
}

void sc_report_line(const sc_verification *v, const char *input, FILE *out) {
  if (input) {
    put_text(input, out); /* a file name can hold control characters too */
    fputs(": ", out);
  }
  put_verdict(v, out);
}

void sc_report_text(const sc_verification *v, const char *input, FILE *out) {
  sc_report_line(v, input, out);
  for (size_t i = 0; i < v->check_count; i++) {
    const sc_check *c = &v->checks[i];
    const char *mark = c->state == SC_CHECK_PASSED    ? "✓"
                       : c->state == SC_CHECK_FAILED  ? "✗"
                       : c->state == SC_CHECK_WARNING ? "!"
                                                      : "-";
    fprintf(out, "  %s %-12s ", mark, c->name);
    put_text(c->message, out);
    fputc('\n', out);
  }
}

static json_t *summary_json(const sc_verification *v) {
  const sc_credential_summary *s = &v->summary;
  return json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "id", s->id, "issuer",
                   s->issuer_id, "issuerName", s->issuer_name, "trustedAs", v->trusted_as,
                   "recipient", s->recipient_name, "achievement", s->achievement_name, "validFrom",
                   s->valid_from, "validUntil", s->valid_until);
}

static int add_checks(const sc_verification *v, json_t *checks, json_t *errors, json_t *skipped) {
  for (size_t i = 0; i < v->check_count; i++) {
    const sc_check *c = &v->checks[i];
    int rc = 0;
    if (c->state == SC_CHECK_PASSED)
      rc = json_array_append_new(checks, json_string(c->name));
    else if (c->state == SC_CHECK_WARNING)
      rc = json_array_append_new(skipped,
                                 json_pack("{s:s, s:s}", "check", c->name, "message", c->message));
    else
      rc = json_array_append_new(c->state == SC_CHECK_FAILED ? errors : skipped,
                                 json_pack("{s:s, s:i, s:s}", "check", c->name, "code",
                                           c->state == SC_CHECK_FAILED ? c->code : 0, "message",
                                           c->message));
    if (rc != 0)
      return -1;
  }
  return 0;
}

json_t *sc_report_object(const sc_verification *v) {
  json_t *checks = json_array(), *errors = json_array(), *warnings = json_array();
  json_t *report = NULL;
  if (checks && errors && warnings && add_checks(v, checks, errors, warnings) == 0)
    report = json_pack("{s:b, s:s, s:i, s:s, s:O, s:O, s:O, s:o}", "verified", v->exit_code == 0,
                       "verdict", sc_verdict_word(v->exit_code), "exitCode", v->exit_code, "input",
                       v->source, "checks", checks, "warnings", warnings, "errors", errors,
                       "credential", v->credential ? summary_json(v) : json_null());
  json_decref(checks);
  json_decref(errors);
  json_decref(warnings);
  return report;
}

int sc_report_json(const sc_verification *v, FILE *out, sc_error *err) {
  json_t *report = sc_report_object(v);
  if (!report)
    return sc_oom(err);
  int rc = json_dumpf(report, out, JSON_INDENT(2)) == 0
               ? SC_OK
               : sc_fail(err, SC_EIO, "cannot write report");
  fputc('\n', out);
  json_decref(report);
  return rc;
}
