/* The W3C CCG VC API: POST /credentials/verify and POST /credentials/issue. Bad input is
 * always a 4xx answer in the shape of the verify response, never a 500. */
#include "service/http_internal.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void answer_json(sc_http_response *res, int status, json_t *doc) {
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
  answer_json(res, status,
              json_pack("{s:b, s:[], s:[], s:[{s:s, s:s}]}", "verified", 0, "checks", "warnings",
                        "errors", "check", "request", "message", message));
}

/* The body as a strict JSON object holding an object under key. */
static int read_body(const sc_http_request *req, const char *key, json_t **body,
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

void http_api_verify(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res) {
  json_t *body = NULL;
  const json_t *credential = NULL;
  sc_error err = {0};
  if (read_body(req, "verifiableCredential", &body, &credential, &err) != SC_OK) {
    request_error(res, 400, err.message);
    json_decref(body);
    return;
  }
  /* The body went through the strict intake already: no second parse. */
  sc_verification v = {0};
  http_verifier hv;
  http_verifier_init(&hv, cfg, req->now);
  sc_verify_value((json_t *)credential, "verifiableCredential", &hv.opts, &v);
  http_verifier_free(&hv);
  http_scrub_messages(cfg, &v);
  answer_json(res, verify_status(v.exit_code), sc_report_object(&v));
  sc_verification_free(&v);
  json_decref(body);
}

/* "Bearer <token>" (the scheme in any letter case, RFC 9110 §11.1), the token compared in
 * constant time through SHA-256 so the length leaks nothing. */
static bool authorized(const sc_http_config *cfg, const sc_http_request *req) {
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
  answer_json(res, status, json_pack("{s:s}", "error", message));
}

void http_api_issue(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res) {
  if (!cfg->issuer || !authorized(cfg, req)) {
    issue_error(res, 401, "a valid bearer token is required");
    res->authenticate = "Bearer realm=\"skillcert\"";
    return;
  }
  json_t *body = NULL, *signed_credential = NULL;
  const json_t *credential = NULL;
  sc_error err = {0};
  int rc = read_body(req, "credential", &body, &credential, &err);
  if (rc == SC_OK) {
    const json_t *options = json_object_get(body, "options");
    rc = http_issue_credential(cfg->issuer, credential, json_is_object(options) ? options : NULL,
                               &signed_credential, &err);
  }
  if (rc == SC_OK && signed_credential)
    answer_json(res, 201, json_incref(signed_credential));
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
