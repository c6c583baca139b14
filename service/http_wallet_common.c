/* What the wallet routes share: whether they are on, the service's domain, the count of tries
 * per client, and the lock a re-issue takes. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>

bool http_wallets_on(const sc_http_config *cfg) {
  return cfg->wallets && cfg->issuer && cfg->issuer->home && cfg->base_url;
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

#define RATE_CLIENTS 256 /* clients remembered; the least recent makes room */
#define RATE_WINDOW 60   /* seconds */
/* Failed tries per client and window at the exchange, token and credential routes. Only
 * failures count, so that many learners behind one address (a school's network, a reverse
 * proxy) are not held up by each other's successes. */
#define RATE_FAILURES 20

typedef struct rate_slot {
  char client[64];
  int64_t window_start, last_seen;
  unsigned tries;
} rate_slot;

static rate_slot rate_table[RATE_CLIENTS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;

static rate_slot *rate_find(const char *client) {
  rate_slot *oldest = &rate_table[0];
  for (size_t i = 0; i < RATE_CLIENTS; i++) {
    rate_slot *s = &rate_table[i];
    if (s->client[0] && strcmp(s->client, client) == 0)
      return s;
    if (s->last_seen < oldest->last_seen)
      oldest = s;
  }
  memset(oldest, 0, sizeof *oldest);
  snprintf(oldest->client, sizeof oldest->client, "%s", client);
  return oldest;
}

/* The client's slot, its window restarted when a minute has passed; under rate_lock. */
static rate_slot *rate_slot_of(const sc_http_request *req) {
  rate_slot *s = rate_find(req->client && req->client[0] ? req->client : "-");
  if (req->now - s->window_start >= RATE_WINDOW) {
    s->window_start = req->now;
    s->tries = 0;
  }
  s->last_seen = req->now;
  return s;
}

bool http_wallet_rate_ok(const sc_http_request *req) {
  pthread_mutex_lock(&rate_lock);
  bool ok = rate_slot_of(req)->tries < RATE_FAILURES;
  pthread_mutex_unlock(&rate_lock);
  return ok;
}

void http_wallet_rate_count(const sc_http_request *req, const sc_http_response *res) {
  if (res->status < 400 || res->status >= 500 || res->status == 429)
    return;
  pthread_mutex_lock(&rate_lock);
  rate_slot_of(req)->tries++;
  pthread_mutex_unlock(&rate_lock);
}

void http_wallet_rate_reset(void) {
  pthread_mutex_lock(&rate_lock);
  memset(rate_table, 0, sizeof rate_table);
  pthread_mutex_unlock(&rate_lock);
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
    rc = sc_registry_open(issuer->home, &reg, err);
  if (rc == SC_OK)
    rc = fn(ctx, reg, err);
  sc_registry_close(reg);
  if (signing)
    sc_home_unlock(lock_fd);
  pthread_mutex_unlock(&issuer->lock);
  return rc;
}
