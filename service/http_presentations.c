/* POST /presentations/verify (W3C VC API): a Verifiable Presentation whose proof, of purpose
 * authentication, binds the verifier's challenge and domain, and each credential it carries
 * verified as POST /credentials/verify does. Answers {"verified", "presentationResult",
 * "credentialResults", "errors"}: 200 when everything verifies, 422 when something does not,
 * 400 (with {"verified": false, "errors"}) for a request that cannot be read. */
#include "service/http_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define VC2_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define VC1_CONTEXT "https://www.w3.org/2018/credentials/v1"
/* A presentation is one request: its credentials are verified one after another. */
#define MAX_PRESENTED_CREDENTIALS 32

typedef struct vp_result {
  json_t *checks, *warnings, *errors;
} vp_result;

static void vp_error(vp_result *r, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void vp_error(vp_result *r, const char *check, const char *fmt, ...) {
  char message[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  json_array_append_new(r->errors, json_pack("{s:s, s:s}", "check", check, "message", message));
}

static void vp_passed(vp_result *r, const char *check) {
  json_array_append_new(r->checks, json_string(check));
}

/* VC 2.0 §4.13 (VC 1.1 §4.10): the base context first, type holding VerifiablePresentation. */
static bool check_shape(const json_t *vp, vp_result *r) {
  const char *first = json_string_value(json_array_get(json_object_get(vp, "@context"), 0));
  if (!first || (strcmp(first, VC2_CONTEXT) != 0 && strcmp(first, VC1_CONTEXT) != 0)) {
    vp_error(r, "presentation", "@context: a presentation's @context starts with %s or %s",
             VC2_CONTEXT, VC1_CONTEXT);
    return false;
  }
  const json_t *type = json_object_get(vp, "type");
  if (!json_is_array(type) || !sc_json_has_string(type, "VerifiablePresentation")) {
    vp_error(r, "presentation", "type: expected an array containing VerifiablePresentation");
    return false;
  }
  vp_passed(r, "presentation");
  return true;
}

static const char *holder_of(const json_t *vp) {
  const json_t *holder = json_object_get(vp, "holder");
  return json_string_value(json_is_object(holder) ? json_object_get(holder, "id") : holder);
}

/* The proof, of purpose authentication, with a key of the holder when one is named. */
static void check_proof(const sc_http_config *cfg, int64_t now, const json_t *vp, vp_result *r) {
  http_verifier hv;
  http_verifier_init(&hv, cfg, now);
  sc_di_verify_options opts = {.expected_purpose = "authentication",
                               .resolver = hv.opts.resolver,
                               .resolver_ctx = hv.opts.resolver_ctx,
                               .keys = cfg->keys};
  sc_di_result di = {0};
  sc_error err = {0};
  if (sc_di_verify(vp, &opts, &di, NULL, &err) != SC_OK) {
    vp_error(r, "proof", "%s", err.message);
  } else {
    vp_passed(r, "proof");
    const char *holder = holder_of(vp);
    size_t controller = strcspn(di.verification_method, "#");
    if (holder &&
        (strlen(holder) != controller || strncmp(holder, di.verification_method, controller) != 0))
      vp_error(r, "holder", "signed by %.*s, which is not the holder %s", (int)controller,
               di.verification_method, holder);
    else if (holder)
      vp_passed(r, "holder");
  }
  http_verifier_free(&hv);
}

/* options.challenge / options.domain against the same member of every proof. */
static void check_binding(const json_t *vp, const json_t *options, const char *name, vp_result *r) {
  const char *expected = json_string_value(json_object_get(options, name));
  if (!expected)
    return;
  const json_t *proofs = json_object_get(vp, "proof");
  size_t n = json_is_array(proofs) ? json_array_size(proofs) : 1;
  for (size_t i = 0; i < n; i++) {
    const json_t *proof = json_is_array(proofs) ? json_array_get(proofs, i) : proofs;
    const char *got = json_string_value(json_object_get(proof, name));
    if (!got) {
      vp_error(r, name, "the presentation's proof has no %s (expected '%.200s')", name, expected);
      return;
    }
    if (strcmp(got, expected) != 0) {
      vp_error(r, name, "the proof's %s '%.200s' is not the one expected ('%.200s')", name, got,
               expected);
      return;
    }
  }
  vp_passed(r, name);
}

static json_t *presentation_result(const sc_http_config *cfg, int64_t now, const json_t *vp,
                                   const json_t *options, unsigned checks, bool *verified) {
  vp_result r = {json_array(), json_array(), json_array()};
  if (r.checks && r.warnings && r.errors && check_shape(vp, &r)) {
    bool proof_wanted = checks == 0 || (checks & SC_VERIFY_PROOF);
    if (proof_wanted && !json_object_get(vp, "proof"))
      vp_error(&r, "proof", "the presentation has no proof");
    else if (proof_wanted)
      check_proof(cfg, now, vp, &r);
    check_binding(vp, options, "challenge", &r);
    check_binding(vp, options, "domain", &r);
  }
  *verified = r.errors && json_array_size(r.errors) == 0;
  json_t *out = json_pack("{s:b, s:o, s:o, s:o}", "verified", *verified, "checks", r.checks,
                          "warnings", r.warnings, "errors", r.errors);
  return out;
}

/* The first error of a credential's report, for the summary of the presentation. */
static const char *first_error(const json_t *report) {
  const char *message = json_string_value(
      json_object_get(json_array_get(json_object_get(report, "errors"), 0), "message"));
  return message ? message : "it did not verify";
}

static json_t *credential_results(const sc_http_config *cfg, int64_t now, const json_t *vp,
                                  unsigned checks, json_t *errors, bool *verified) {
  json_t *given = json_object_get(vp, "verifiableCredential");
  json_t *list = json_is_array(given) ? json_incref(given)
                 : given              ? json_pack("[O]", given)
                                      : json_array();
  json_t *results = json_array();
  for (size_t i = 0; list && results && i < json_array_size(list); i++) {
    char source[48];
    snprintf(source, sizeof source, "verifiableCredential[%zu]", i);
    json_t *credential = json_array_get(list, i);
    int code = SC_EDATA;
    json_t *report = NULL;
    if (json_is_object(credential))
      report = http_verify_credential(cfg, now, credential, source, checks, &code);
    else
      report = json_pack("{s:b, s:s, s:[], s:[], s:[{s:s, s:s}]}", "verified", 0, "input", source,
                         "checks", "warnings", "errors", "check", "credential", "message",
                         "expected a credential object (enveloped credentials are not "
                         "verified here)");
    if (code != SC_OK) {
      *verified = false;
      json_array_append_new(
          errors, json_pack("{s:s, s:s}", "check", source, "message", first_error(report)));
    }
    json_array_append_new(results, report ? report : json_null());
  }
  json_decref(list);
  return results;
}

/* options: an object whose challenge and domain, when given, are strings. */
static int read_options(const json_t *options, unsigned *checks, sc_error *err) {
  int rc = http_verify_checks(options, checks, err);
  const char *names[] = {"challenge", "domain"};
  for (size_t i = 0; rc == SC_OK && i < 2; i++) {
    const json_t *value = json_object_get(options, names[i]);
    if (value && !json_is_string(value))
      rc = sc_fail(err, SC_EDATA, "options.%s: expected a string", names[i]);
  }
  return rc;
}

static size_t credential_count(const json_t *vp) {
  const json_t *given = json_object_get(vp, "verifiableCredential");
  return json_is_array(given) ? json_array_size(given) : given ? 1 : 0;
}

void http_api_presentations(const sc_http_config *cfg, const sc_http_request *req,
                            sc_http_response *res) {
  json_t *body = NULL;
  const json_t *vp = NULL;
  sc_error err = {0};
  unsigned checks = 0;
  int rc = http_read_body(req, "verifiablePresentation", &body, &vp, &err);
  const json_t *options = json_object_get(body, "options");
  if (rc == SC_OK)
    rc = read_options(options, &checks, &err);
  if (rc == SC_OK && credential_count(vp) > MAX_PRESENTED_CREDENTIALS)
    rc = sc_fail(&err, SC_EDATA,
                 "verifiablePresentation.verifiableCredential: at most %d credentials",
                 MAX_PRESENTED_CREDENTIALS);
  if (rc != SC_OK) {
    http_request_error(res, 400, err.message);
    json_decref(body);
    return;
  }
  bool presentation_ok = false, credentials_ok = true;
  json_t *presentation = presentation_result(cfg, req->now, vp, options, checks, &presentation_ok);
  json_t *errors = json_deep_copy(json_object_get(presentation, "errors"));
  json_t *credentials =
      errors ? credential_results(cfg, req->now, vp, checks, errors, &credentials_ok) : NULL;
  bool verified = presentation_ok && credentials_ok;
  json_t *answer =
      presentation && errors && credentials
          ? json_pack("{s:b, s:O, s:O, s:O}", "verified", verified, "presentationResult",
                      presentation, "credentialResults", credentials, "errors", errors)
          : NULL;
  http_answer_json(res, verified ? 200 : 422, answer);
  json_decref(presentation);
  json_decref(errors);
  json_decref(credentials);
  json_decref(body);
}
