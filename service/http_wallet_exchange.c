/* POST /exchanges/<id>: the VC-API exchange the Learner Credential Wallet is sent to
 * (docs/wallets.md "Learner Credential Wallet"). An empty body (or {}) answers the
 * VerifiablePresentationRequest: a DIDAuthentication query with the exchange's challenge and
 * the service's domain. A body holding a presentation (the VC API's {"verifiablePresentation"}
 * or, as the LCW posts it, the presentation itself) must be a DIDAuth: a proof of purpose
 * authentication by a key of its holder (a did:key), binding the exchange's challenge and, when
 * it names one, the service's domain. Then the exchange is used up and the credential, re-issued to
 * the holder, comes back inside a presentation. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define VC2_CONTEXT "https://www.w3.org/ns/credentials/v2"

static void exchange_error(sc_http_response *res, int status, const char *message) {
  http_answer_json(res, status, json_pack("{s:[{s:s}]}", "errors", "message", message));
}

static bool secret_shaped(const char *id) {
  size_t n = strlen(id);
  return n >= 16 && n < SC_WALLET_SECRET_SIZE &&
         strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

typedef struct exchange_ctx {
  const sc_http_config *cfg;
  const char *id;
  const char *holder;
  int64_t now;
  sc_wallet_secret secret;
  bool found, won;
  json_t *credential;
} exchange_ctx;

static int read_secret(void *p, sc_registry *reg, sc_error *err) {
  exchange_ctx *x = p;
  return sc_registry_wallet_get(reg, x->id, SC_WALLET_EXCHANGE, &x->secret, &x->found, err);
}

static int count_failure(void *p, sc_registry *reg, sc_error *err) {
  exchange_ctx *x = p;
  return sc_registry_wallet_failed(reg, x->id, SC_WALLET_EXCHANGE, err);
}

/* Uses the exchange up and re-issues, under the home's lock: of two wallets posting at once,
 * one gets the credential. */
static int use_and_reissue(void *p, sc_registry *reg, sc_error *err) {
  exchange_ctx *x = p;
  int rc = sc_registry_wallet_use(reg, x->id, SC_WALLET_EXCHANGE, x->now, &x->won, err);
  if (rc != SC_OK || !x->won)
    return rc;
  return sc_wallet_reissue(reg, x->cfg->issuer->home, x->cfg->issuer->key, x->secret.credential,
                           x->holder, x->now, &x->credential, err);
}

static void answer_request(const sc_http_config *cfg, const exchange_ctx *x,
                           sc_http_response *res) {
  char domain[256], endpoint[1024];
  http_wallet_domain(cfg, domain, sizeof domain);
  snprintf(endpoint, sizeof endpoint, "%s/exchanges/%s", cfg->base_url, x->id);
  json_t *vpr = json_pack("{s:{s:[{s:s, s:[{s:s}]}], s:s, s:s, s:{s:[{s:s, s:s}]}}}",
                          "verifiablePresentationRequest", "query", "type", "DIDAuthentication",
                          "acceptedMethods", "method", "key", "challenge", x->secret.challenge,
                          "domain", domain, "interact", "service", "type",
                          "UnmediatedHttpPresentationService2021", "serviceEndpoint", endpoint);
  http_answer_json(res, 200, vpr);
}

static const char *holder_of(const json_t *vp) {
  const json_t *holder = json_object_get(vp, "holder");
  return json_string_value(json_is_object(holder) ? json_object_get(holder, "id") : holder);
}

/* Every proof names the challenge and the domain. */
static int check_binding(const json_t *vp, const char *challenge, const char *domain,
                         sc_error *err) {
  const json_t *proofs = json_object_get(vp, "proof");
  size_t n = json_is_array(proofs) ? json_array_size(proofs) : 1;
  for (size_t i = 0; i < n; i++) {
    const json_t *proof = json_is_array(proofs) ? json_array_get(proofs, i) : proofs;
    const char *c = json_string_value(json_object_get(proof, "challenge"));
    const char *d = json_string_value(json_object_get(proof, "domain"));
    if (!c || strcmp(c, challenge) != 0)
      return sc_fail(err, SC_EINVALID, "the proof's challenge is not this exchange's");
    /* The Learner Credential Wallet, given the challenge in the link, signs no domain (DCC's
     * lcw-mock shows its DIDAuth): a missing domain is taken, a wrong one is not. */
    if (d && strcmp(d, domain) != 0)
      return sc_fail(err, SC_EINVALID, "the proof's domain is not %s", domain);
  }
  return SC_OK;
}

/* A DIDAuth presentation: its shape, its holder, its proof and what the proof binds. */
static int check_didauth(const sc_http_config *cfg, const json_t *vp, const char *challenge,
                         sc_error *err) {
  if (!json_is_object(vp) ||
      !sc_json_has_string(json_object_get(vp, "type"), "VerifiablePresentation"))
    return sc_fail(err, SC_EDATA, "expected a VerifiablePresentation");
  const char *holder = holder_of(vp);
  if (!holder || strncmp(holder, "did:key:", 8) != 0 || strlen(holder) >= 128)
    return sc_fail(err, SC_EINVALID, "the presentation's holder must be a did:key");
  if (!json_object_get(vp, "proof"))
    return sc_fail(err, SC_EINVALID, "the presentation has no proof");
  sc_di_verify_options opts = {.expected_purpose = "authentication", .keys = cfg->keys};
  sc_di_result di = {0};
  sc_error why = {0};
  if (sc_di_verify(vp, &opts, &di, NULL, &why) != SC_OK)
    return sc_fail(err, SC_EINVALID, "the presentation's proof does not verify: %s", why.message);
  size_t controller = strcspn(di.verification_method, "#");
  if (strlen(holder) != controller || strncmp(holder, di.verification_method, controller) != 0)
    return sc_fail(err, SC_EINVALID, "the proof is not signed by a key of the holder");
  char domain[256];
  http_wallet_domain(cfg, domain, sizeof domain);
  return check_binding(vp, challenge, domain, err);
}

/* The body: nothing or {} (the request), {"verifiablePresentation": …} or a presentation. */
static int read_presentation(const sc_http_request *req, json_t **body, const json_t **vp,
                             sc_error *err) {
  *body = NULL;
  *vp = NULL;
  if (!req->body || req->body_len == 0)
    return SC_OK;
  int rc = sc_json_parse((const char *)req->body, req->body_len, "request body", body, err);
  if (rc != SC_OK)
    return rc;
  if (!json_is_object(*body))
    return sc_fail(err, SC_EDATA, "request body: expected a JSON object");
  const json_t *wrapped = json_object_get(*body, "verifiablePresentation");
  *vp = wrapped ? wrapped : json_object_size(*body) ? *body : NULL;
  return SC_OK;
}

static void answer_credential(json_t *credential, sc_http_response *res) {
  json_t *vp = json_pack("{s:[s], s:[s], s:[o]}", "@context", VC2_CONTEXT, "type",
                         "VerifiablePresentation", "verifiableCredential", credential);
  http_answer_json(res, 200, json_pack("{s:o}", "verifiablePresentation", vp));
}

static void present(const sc_http_config *cfg, exchange_ctx *x, const json_t *vp,
                    sc_http_response *res) {
  sc_error err = {0};
  int rc = check_didauth(cfg, vp, x->secret.challenge, &err);
  if (rc != SC_OK) {
    sc_error ignored = {0};
    http_wallet_locked(cfg, false, count_failure, x, &ignored);
    exchange_error(res, rc == SC_EDATA ? 400 : 422, err.message);
    return;
  }
  x->holder = holder_of(vp);
  rc = http_wallet_locked(cfg, true, use_and_reissue, x, &err);
  if (rc == SC_OK && !x->won)
    exchange_error(res, 410, "this exchange is over: ask for a new link");
  else if (rc == SC_OK)
    answer_credential(x->credential, res);
  else if (rc == SC_EUSAGE)
    exchange_error(res, 409, err.message); /* the credential is no longer active */
  else
    exchange_error(res, 503, "the credential could not be issued now: try again later");
}

static void exchange_answer(const sc_http_config *cfg, const sc_http_request *req,
                            sc_http_response *res) {
  exchange_ctx x = {.cfg = cfg, .id = req->path + strlen("/exchanges/"), .now = req->now};
  sc_error err = {0};
  if (secret_shaped(x.id) && http_wallet_locked(cfg, false, read_secret, &x, &err) != SC_OK) {
    exchange_error(res, 503, "the exchange cannot be read now: try again later");
    return;
  }
  if (!x.found) {
    exchange_error(res, 404, "no such exchange");
    return;
  }
  if (x.secret.used || x.secret.expires_at <= req->now) {
    exchange_error(res, 410, "this exchange is over: ask for a new link");
    return;
  }
  json_t *body = NULL;
  const json_t *vp = NULL;
  if (read_presentation(req, &body, &vp, &err) != SC_OK)
    exchange_error(res, 400, err.message);
  else if (!vp)
    answer_request(cfg, &x, res);
  else
    present(cfg, &x, vp, res);
  json_decref(body);
}

void http_wallet_exchange(const sc_http_config *cfg, const sc_http_request *req,
                          sc_http_response *res) {
  unsigned wait = http_wallet_rate_wait(cfg, req);
  if (wait) {
    exchange_error(res, 429, "too many failed tries: wait a minute");
    res->retry_after = wait;
    return;
  }
  exchange_answer(cfg, req, res);
  http_wallet_rate_count(cfg, req, res);
}
