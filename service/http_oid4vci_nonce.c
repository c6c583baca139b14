/* c_nonces (OpenID4VCI 1.0 §7): single-use values a wallet's proof JWT must name, so that a
 * proof cannot be replayed. Given at the token endpoint, with every invalid_proof and
 * invalid_nonce error, and by POST /oid4vci/nonce. Only their hashes are kept. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct nonce_ctx {
  const char *credential;
  int64_t now;
  char *out;
} nonce_ctx;

static int put_nonce(void *p, sc_registry *reg, sc_error *err) {
  nonce_ctx *n = p;
  sc_wallet_secret s = {.kind = SC_WALLET_NONCE, .expires_at = n->now + SC_WALLET_TOKEN_TTL};
  snprintf(s.credential, sizeof s.credential, "%s", n->credential ? n->credential : "");
  int rc = sc_wallet_secret_new(n->out, err);
  if (rc == SC_OK)
    rc = sc_registry_wallet_purge(reg, n->now, err);
  return rc == SC_OK ? sc_registry_wallet_put(reg, n->out, &s, err) : rc;
}

int http_oid4vci_new_nonce(const sc_http_config *cfg, const char *credential, int64_t now,
                           char out[SC_AT_LEAST(SC_WALLET_SECRET_SIZE)], sc_error *err) {
  nonce_ctx n = {credential, now, out};
  return http_wallet_locked(cfg, false, put_nonce, &n, err);
}

/* POST /oid4vci/nonce: {"c_nonce"}, never cached. */
void http_oid4vci_nonce(const sc_http_config *cfg, const sc_http_request *req,
                        sc_http_response *res) {
  char nonce[SC_WALLET_SECRET_SIZE];
  sc_error err = {0};
  unsigned wait = http_wallet_rate_wait(cfg, req);
  if (wait) {
    http_oauth_error(res, 429, "slow_down", "too many failed tries: wait a minute");
    res->retry_after = wait;
  } else if (http_oid4vci_new_nonce(cfg, NULL, req->now, nonce, &err) != SC_OK) {
    http_oauth_error(res, 503, "temporarily_unavailable", "no nonce can be made now");
  } else {
    http_answer_json(res, 200, json_pack("{s:s}", "c_nonce", nonce));
  }
  res->cache_control = "no-store";
}
