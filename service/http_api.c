/* The W3C CCG VC API's verify route, POST /credentials/verify, the learner shortcut POST
 * /certificates, and what the API's routes share (http_vc_issue.c, http_presentations.c). Bad
 * input is always a 4xx answer in the route's own shape, never a 500. */
#include "service/http_internal.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void http_answer_json(sc_http_response *res, int status, json_t *doc) {
  char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
  http_answer(res, text ? status : 500, HTTP_JSON,
              text ? text : "{\"verified\":false,\"errors\":[{\"message\":\"out of memory\"}]}");
  if (res->body.data && text)
    sc_buf_append_byte(&res->body, '\n');
  free(text);
  json_decref(doc);
}

/* A request the API could not even read: the verify response's shape, with the reason. */
static void request_error(sc_http_response *res, int status, const char *message) {
  http_answer_json(res, status,
                   json_pack("{s:b, s:[], s:[], s:[{s:s, s:s}]}", "verified", 0, "checks",
                             "warnings", "errors", "check", "request", "message", message));
}

void http_request_error(sc_http_response *res, int status, const char *message) {
  request_error(res, status, message);
}

/* The body as a strict JSON object holding an object under key. */
int http_read_body(const sc_http_request *req, const char *key, json_t **body,
                   const json_t **member, sc_error *err) {
  *body = NULL;
  if (!req->body || req->body_len == 0)
    return sc_fail(err, SC_EDATA, "the request has no body: expected a JSON object");
  int rc = sc_json_parse((const char *)req->body, req->body_len, "request body", body, err);
  if (rc != SC_OK)
    return rc;
  *member = json_object_get(*body, key);
  if (!json_is_object(*body) || !json_is_object(*member))
    return sc_fail(err, SC_EDATA, "request body: expected an object with \"%s\": {...}", key);
  return SC_OK;
}

static int verify_status(int exit_code) {
  if (exit_code == SC_OK)
    return 200;
  return exit_code < SC_EUSAGE ? 422 : 400; /* 400: malformed, not a credential */
}

static const struct {
  const char *name;
  unsigned bit;
} check_names[] = {{"proof", SC_VERIFY_PROOF},
                   {"status", SC_VERIFY_STATUS},
                   {"validity", SC_VERIFY_VALIDITY},
                   {"trust", SC_VERIFY_TRUST}};

int http_verify_checks(const json_t *options, unsigned *checks, sc_error *err) {
  *checks = 0;
  if (options && !json_is_object(options))
    return sc_fail(err, SC_EDATA, "options: expected an object");
  const json_t *list = json_object_get(options, "checks");
  if (!list)
    return SC_OK;
  if (!json_is_array(list) || json_array_size(list) == 0)
    return sc_fail(err, SC_EDATA, "options.checks: expected a non-empty array of check names");
  for (size_t i = 0; i < json_array_size(list); i++) {
    const char *name = json_string_value(json_array_get(list, i));
    size_t k = 0;
    while (name && k < sizeof check_names / sizeof *check_names &&
           strcmp(name, check_names[k].name) != 0)
      k++;
    if (!name || k == sizeof check_names / sizeof *check_names)
      return sc_fail(err, SC_EDATA,
                     "options.checks[%zu]: expected \"proof\", \"status\", \"validity\" or "
                     "\"trust\"",
                     i);
    *checks |= check_names[k].bit;
  }
  return SC_OK;
}

/* The verdict again after a check changed state: the lowest failed code among 1–6 wins, a
 * 64–70 stop is final (verify.c's rule). */
static void recompute_verdict(sc_verification *v) {
  v->exit_code = SC_OK;
  for (size_t i = 0; i < v->check_count; i++) {
    const sc_check *c = &v->checks[i];
    if (c->state == SC_CHECK_FAILED && (v->exit_code == SC_OK || c->code < v->exit_code))
      v->exit_code = c->code;
  }
}

/* An issuer outside the trust list is a warning to an API client (it decides whom it trusts)
 * unless serve --require-trust; either way the message names no command. The pages keep
 * their amber verdict: they do not come through here. */
static void apply_trust_policy(const sc_http_config *cfg, sc_verification *v) {
  for (size_t i = 0; i < v->check_count; i++) {
    sc_check *c = &v->checks[i];
    if (strcmp(c->name, "trust") != 0 || c->state != SC_CHECK_FAILED || c->code != SC_EUNTRUSTED)
      continue;
    snprintf(c->message, sizeof c->message, "issuer %s is not on this service's trust list",
             v->summary.issuer_id ? v->summary.issuer_id : "(none)");
    if (!cfg->require_trust) {
      c->state = SC_CHECK_WARNING;
      c->code = SC_OK;
    }
  }
  recompute_verdict(v);
}

/* With options.checks, the report lists only what was asked for: the intake checks (which
 * always run) are left out unless they failed. */
static void drop_unasked(sc_verification *v) {
  size_t kept = 0;
  for (size_t i = 0; i < v->check_count; i++) {
    const sc_check *c = &v->checks[i];
    bool intake = strcmp(c->name, "well-formed") == 0 || strcmp(c->name, "credential") == 0;
    if (!intake || c->state == SC_CHECK_FAILED)
      v->checks[kept++] = *c;
  }
  v->check_count = kept;
}

json_t *http_verify_credential(const sc_http_config *cfg, int64_t now, json_t *credential,
                               const char *source, unsigned checks, int *exit_code) {
  sc_verification v = {0};
  http_verifier hv;
  http_verifier_init(&hv, cfg, now);
  hv.opts.checks = checks;
  sc_verify_value(credential, source, &hv.opts, &v);
  http_verifier_free(&hv);
  http_scrub_messages(cfg, &v);
  apply_trust_policy(cfg, &v);
  if (checks)
    drop_unasked(&v);
  *exit_code = v.exit_code;
  json_t *report = sc_report_object(&v);
  sc_verification_free(&v);
  return report;
}

void http_api_verify(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res) {
  json_t *body = NULL;
  const json_t *credential = NULL;
  sc_error err = {0};
  unsigned checks = 0;
  if (http_read_body(req, "verifiableCredential", &body, &credential, &err) != SC_OK ||
      http_verify_checks(json_object_get(body, "options"), &checks, &err) != SC_OK) {
    request_error(res, 400, err.message);
    json_decref(body);
    return;
  }
  /* The body went through the strict intake already: no second parse. */
  int exit_code = SC_OK;
  json_t *report = http_verify_credential(cfg, req->now, (json_t *)credential,
                                          "verifiableCredential", checks, &exit_code);
  http_answer_json(res, verify_status(exit_code), report);
  json_decref(body);
}

/* "Bearer <token>" (the scheme in any letter case, RFC 9110 §11.1), the token compared in
 * constant time through SHA-256 so the length leaks nothing. */
bool http_authorized(const sc_http_config *cfg, const sc_http_request *req) {
  const char *auth = req->authorization;
  if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
    return false;
  /* A NUL would end the token early ("Bearer <token>\0anything" passing as the token), and no
   * control character belongs in a bearer token (RFC 6750 b64token): both are refused. */
  size_t len = req->authorization_len ? req->authorization_len : strlen(auth);
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)auth[i] < 0x20 || auth[i] == 0x7f)
      return false;
  uint8_t given[32], wanted[32];
  const char *token = auth + 7;
  if (sc_sha256(token, len - 7, given) != 0 ||
      sc_sha256(cfg->issue_token, strlen(cfg->issue_token), wanted) != 0)
    return false;
  return CRYPTO_memcmp(given, wanted, sizeof given) == 0;
}

static void issue_error(sc_http_response *res, int status, const char *message) {
  http_answer_json(res, status, json_pack("{s:s}", "error", message));
}

void http_api_certificates(const sc_http_config *cfg, const sc_http_request *req,
                           sc_http_response *res) {
  if (!cfg->issuer || !http_authorized(cfg, req)) {
    issue_error(res, 401, "a valid bearer token is required");
    res->authenticate = "Bearer realm=\"skillcert\"";
    return;
  }
  json_t *body = NULL, *signed_credential = NULL;
  const json_t *credential = NULL;
  sc_error err = {0};
  int rc = http_read_body(req, "credential", &body, &credential, &err);
  if (rc == SC_OK) {
    const json_t *options = json_object_get(body, "options");
    rc = http_issue_credential(cfg, credential, json_is_object(options) ? options : NULL,
                               &signed_credential, &err);
  }
  if (rc == SC_OK && signed_credential)
    http_answer_json(res, 201, json_incref(signed_credential));
  else if (rc == SC_EDATA || rc == SC_EUSAGE)
    issue_error(res, 400, err.message);
  else
    issue_error(res,
                rc == SC_OK        ? 500
                : rc == SC_ECONFIG ? 503
                                   : 500,
                err.code ? err.message : "the credential could not be issued");
  json_decref(signed_credential);
  json_decref(body);
}
