/* POST /oid4vci/credential (OpenID4VCI 1.0 §8): with the access token as a Bearer token, a
 * credential request for the one configuration offered (ldp_vc) and a jwt proof of possession
 * (http_jwt.c): signed by a did:key, for this issuer, naming a c_nonce given out and not used.
 * The credential is re-issued to the proof's DID (credentialSubject.id). The draft-13 form of
 * the request ("format": "ldp_vc", "proof": {"proof_type": "jwt", "jwt"}) is read too; the
 * answer is 1.0's {"credentials": [{"credential"}]}. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#define CONFIGURATION "OpenBadgeCredential_ldp_vc"

typedef struct credential_ctx {
  const sc_http_config *cfg;
  char token[SC_WALLET_SECRET_SIZE + 1];
  int64_t now;
  http_proof proof;
  sc_wallet_secret grant, nonce;
  bool token_found, nonce_found, won;
  json_t *credential;
} credential_ctx;

/* "Bearer <token>", the token of the shape skillcert makes. */
static bool bearer(const sc_http_request *req, char *out, size_t size) {
  const char *h = req->authorization;
  size_t len = req->authorization_len ? req->authorization_len : h ? strlen(h) : 0;
  if (!h || len < 8 || strncasecmp(h, "Bearer ", 7) != 0 || len - 7 >= size || memchr(h, 0, len))
    return false;
  memcpy(out, h + 7, len - 7);
  out[len - 7] = 0;
  return out[0] != 0;
}

static int read_token(void *p, sc_registry *reg, sc_error *err) {
  credential_ctx *c = p;
  return sc_registry_wallet_get(reg, c->token, SC_WALLET_TOKEN, &c->grant, &c->token_found, err);
}

static int read_nonce(void *p, sc_registry *reg, sc_error *err) {
  credential_ctx *c = p;
  return sc_registry_wallet_get(reg, c->proof.nonce, SC_WALLET_NONCE, &c->nonce, &c->nonce_found,
                                err);
}

/* The nonce and the token used up in one transaction, then the re-issue (home's lock held). */
static int use_and_reissue(void *p, sc_registry *reg, sc_error *err) {
  credential_ctx *c = p;
  bool nonce_won = false;
  int rc = sc_registry_begin(reg, err);
  if (rc != SC_OK)
    return rc;
  rc = sc_registry_wallet_use(reg, c->proof.nonce, SC_WALLET_NONCE, c->now, &nonce_won, err);
  if (rc == SC_OK && nonce_won)
    rc = sc_registry_wallet_use(reg, c->token, SC_WALLET_TOKEN, c->now, &c->won, err);
  if (rc == SC_OK && c->won)
    rc = sc_registry_commit(reg, err);
  else
    sc_registry_rollback(reg);
  if (rc != SC_OK || !c->won)
    return rc;
  return sc_wallet_reissue(reg, c->cfg->issuer->home, c->cfg->issuer->key, c->grant.credential,
                           c->proof.did, c->now, &c->credential, err);
}

/* An error that gives the wallet a fresh c_nonce to try again with. */
static void proof_error(credential_ctx *c, const char *code, const char *text,
                        sc_http_response *res) {
  char nonce[SC_WALLET_SECRET_SIZE];
  sc_error err = {0};
  json_t *doc = json_pack("{s:s, s:s}", "error", code, "error_description", text);
  if (doc && http_oid4vci_new_nonce(c->cfg, c->grant.credential, c->now, nonce, &err) == SC_OK)
    json_object_set_new(doc, "c_nonce", json_string(nonce));
  http_answer_json(res, 400, doc);
}

/* The request's one proof JWT: 1.0's "proofs": {"jwt": [jwt]} or draft 13's "proof". */
static const char *proof_jwt(const json_t *body) {
  const json_t *proofs = json_object_get(json_object_get(body, "proofs"), "jwt");
  if (json_is_array(proofs))
    return json_array_size(proofs) == 1 ? json_string_value(json_array_get(proofs, 0)) : NULL;
  const json_t *proof = json_object_get(body, "proof");
  const char *type = json_string_value(json_object_get(proof, "proof_type"));
  return type && strcmp(type, "jwt") == 0 ? json_string_value(json_object_get(proof, "jwt")) : NULL;
}

static bool configuration_ok(const json_t *body) {
  const char *id = json_string_value(json_object_get(body, "credential_configuration_id"));
  const char *format = json_string_value(json_object_get(body, "format"));
  return id ? strcmp(id, CONFIGURATION) == 0 : format && strcmp(format, "ldp_vc") == 0;
}

static bool token_ok(credential_ctx *c, const sc_http_request *req, sc_http_response *res) {
  sc_error err = {0};
  if (!bearer(req, c->token, sizeof c->token) ||
      http_wallet_locked(c->cfg, false, read_token, c, &err) != SC_OK || !c->token_found ||
      c->grant.used || c->grant.expires_at <= c->now) {
    http_oauth_error(res, 401, "invalid_token", "a valid access token is required");
    res->authenticate = "Bearer error=\"invalid_token\"";
    return false;
  }
  return true;
}

static void answer(credential_ctx *c, const json_t *body, sc_http_response *res) {
  sc_error err = {0};
  const char *jwt = proof_jwt(body);
  if (!configuration_ok(body)) {
    http_oauth_error(res, 400, "unknown_credential_configuration",
                     "expected credential_configuration_id " CONFIGURATION);
  } else if (!jwt) {
    proof_error(c, "invalid_proof", "expected one jwt proof", res);
  } else if (http_proof_jwt_check(jwt, c->cfg->base_url, c->now, &c->proof, &err) != SC_OK) {
    proof_error(c, "invalid_proof", err.message, res);
  } else if (http_wallet_locked(c->cfg, false, read_nonce, c, &err) != SC_OK || !c->nonce_found ||
             c->nonce.used || c->nonce.expires_at <= c->now ||
             (c->nonce.credential[0] && strcmp(c->nonce.credential, c->grant.credential) != 0)) {
    proof_error(c, "invalid_nonce", "the proof's nonce is not a c_nonce given out, or was used",
                res);
  } else {
    int rc = http_wallet_locked(c->cfg, true, use_and_reissue, c, &err);
    if (rc == SC_OK && !c->won)
      proof_error(c, "invalid_nonce", "the nonce or the token was used meanwhile", res);
    else if (rc == SC_OK)
      http_answer_json(res, 200,
                       json_pack("{s:[{s:o}]}", "credentials", "credential", c->credential));
    else if (rc == SC_EUSAGE)
      http_oauth_error(res, 400, "credential_request_denied", err.message);
    else
      http_oauth_error(res, 503, "temporarily_unavailable", "try again later");
  }
}

static void credential_answer(const sc_http_config *cfg, const sc_http_request *req,
                              sc_http_response *res) {
  credential_ctx c = {.cfg = cfg, .now = req->now};
  if (!token_ok(&c, req, res))
    return;
  json_t *body = NULL;
  sc_error err = {0};
  if (!req->body ||
      sc_json_parse((const char *)req->body, req->body_len, "request body", &body, &err) != SC_OK ||
      !json_is_object(body))
    http_oauth_error(res, 400, "invalid_credential_request", "expected a JSON object");
  else
    answer(&c, body, res);
  json_decref(body);
  OPENSSL_cleanse(c.token, sizeof c.token);
}

void http_oid4vci_credential(const sc_http_config *cfg, const sc_http_request *req,
                             sc_http_response *res) {
  http_oid4vci_limited(cfg, req, res, credential_answer);
}
