/* What the wallet routes share: whether they are on, the service's domain, the count of failed
 * tries per client, and the lock a re-issue takes. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>

bool http_wallets_on(const sc_http_config *cfg) {
  return cfg->wallets && cfg->wallet_limiter && cfg->issuer && cfg->issuer->home && cfg->base_url;
}

void http_wallet_domain(const sc_http_config *cfg, char *out, size_t size) {
  const char *url = cfg->base_url ? cfg->base_url : "";
  const char *host = strstr(url, "://");
  host = host ? host + 3 : url;
  snprintf(out, size, "%.*s", (int)strcspn(host, "/?#"), host);
}

void http_oauth_error(sc_http_response *res, int status, const char *code, const char *text) {
  http_answer_json(res, status, json_pack("{s:s, s:s}", "error", code, "error_description", text));
}

/* ---------------------------------------------------------------- tries per client */

/* The exchange, token and credential routes count their failed tries per client in
 * cfg->wallet_limiter (http_limiter.c); the nonce route only checks them. */
unsigned http_wallet_rate_wait(const sc_http_config *cfg, const sc_http_request *req) {
  return http_limiter_wait(cfg->wallet_limiter, req->client, req->now);
}

void http_wallet_rate_count(const sc_http_config *cfg, const sc_http_request *req,
                            const sc_http_response *res) {
  if (res->status >= 400 && res->status < 500 && res->status != 429)
    http_limiter_miss(cfg->wallet_limiter, req->client, req->now);
}

void http_oid4vci_limited(const sc_http_config *cfg, const sc_http_request *req,
                          sc_http_response *res, http_route_fn *answer) {
  unsigned wait = http_wallet_rate_wait(cfg, req);
  if (wait) {
    http_oauth_error(res, 429, "slow_down", "too many failed tries: wait a minute");
    res->retry_after = wait;
  } else {
    answer(cfg, req, res);
    http_wallet_rate_count(cfg, req, res);
  }
  res->cache_control = "no-store";
}

/* ---------------------------------------------------------------- the lock */

int http_wallet_locked(const sc_http_config *cfg, bool signing,
                       int (*fn)(void *ctx, sc_registry *reg, sc_error *err), void *ctx,
                       sc_error *err) {
  sc_http_issuer *issuer = cfg->issuer;
  pthread_mutex_lock(&issuer->lock);
  int lock_fd = -1;
  sc_registry *reg = NULL;
  int rc = signing ? sc_home_lock(issuer->home, &lock_fd, err) : SC_OK;
  if (rc == SC_OK)
    rc = http_registry_take(cfg->registry, issuer->home, &reg, err);
  if (rc == SC_OK)
    rc = fn(ctx, reg, err);
  http_registry_give(cfg->registry, reg, rc);
  if (signing)
    sc_home_unlock(lock_fd);
  pthread_mutex_unlock(&issuer->lock);
  return rc;
}
