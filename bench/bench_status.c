/*
 * Verification with status checks on one core: sc_verify_json on an issued credential whose
 * two status entries (revocation, suspension) point into a published list of 131,072
 * entries. The lists are read from the home's public/ folder (sc_status_source.home_public,
 * as `skillcert verify --home` does): each verification reads both list credentials from
 * disk, verifies their proofs, decodes their bitstrings and reads the bit. The slot's
 * neighbours are revoked and suspended, so the bits read are real.
 */
#include "bench/bench_support.h"
#include "verifier/verifier.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Issues one credential through the registry (reserved slot, record, write), as
 * `skillcert issue` does; *out gets its file bytes, *urn its id. */
static void issue_recorded(bench_home *bh, sc_registry *reg, sc_buf *out, char urn[64]) {
  sc_error err = {0};
  sc_issue_request req = bench_request(bh);
  sc_issue_context issue = {.home = &bh->home, .key = bh->key};
  if (sc_registry_reserve_index(reg, &req.status_list, &req.status_index, &err) != SC_OK)
    bench_die("reserve index", &err);
  sc_prepared p;
  if (sc_issue_prepare(&issue, &req, &p, &err) != SC_OK ||
      sc_issue_record(reg, &issue, &req, &p, &err) != SC_OK ||
      sc_issue_write(&issue, &p, &err) != SC_OK)
    bench_die("issue", &err);
  snprintf(urn, 64, "%s", p.id);
  *out = p.json;
  p.json = (sc_buf){0};
  sc_prepared_free(&p);
}

/* The credential under test, two neighbours (one revoked, one suspended), published. */
static void prepare_home(bench_home *bh, sc_buf *credential) {
  sc_error err = {0};
  sc_registry *reg = NULL;
  if (sc_registry_open(&bh->home, &reg, &err) != SC_OK)
    bench_die("registry", &err);
  char urn[64], revoked[64], suspended[64];
  sc_buf other = {0};
  issue_recorded(bh, reg, credential, urn);
  issue_recorded(bh, reg, &other, revoked);
  sc_buf_free(&other);
  issue_recorded(bh, reg, &other, suspended);
  sc_buf_free(&other);
  if (sc_registry_change_status(reg, revoked, "revoked", "bench", NULL, &err) != SC_OK ||
      sc_registry_change_status(reg, suspended, "suspended", "bench", NULL, &err) != SC_OK)
    bench_die("status change", &err);
  sc_publish_options publish = {.now = (int64_t)time(NULL)};
  if (sc_publish_lists(&bh->home, bh->key, reg, NULL, 0, &publish, &err) != SC_OK)
    bench_die("publish", &err);
  sc_registry_close(reg);
}

int main(void) {
  bench_home bh;
  bench_home_open(&bh);
  bench_verify_ctx ctx = {.opts = {.now = (int64_t)time(NULL)}};
  prepare_home(&bh, &ctx.credential);
  char public_dir[PATH_MAX], cache_dir[PATH_MAX];
  snprintf(public_dir, sizeof public_dir, "%s/public", bh.home.root);
  snprintf(cache_dir, sizeof cache_dir, "%s/cache", bh.dir); /* never ~/.cache */
  sc_status_source source = {.home_public = public_dir,
                             .home_url = bh.home.public_url,
                             .offline = true,
                             .cache_dir = cache_dir};
  ctx.opts.status = &source;
  sc_error err = {0};
  sc_trust_list *trust = sc_trust_new();
  if (!trust || sc_trust_add(trust, bh.home.issuer_id, bh.home.issuer_name, &err) != SC_OK)
    bench_die("trust list", &err);
  ctx.opts.trust = trust;
  /* As `verify` with several inputs and `serve` do: a list verified once is remembered for a
   * few seconds, so each verification checks one signature, not three. */
  sc_status_memo *memo = sc_status_memo_new(5);
  sc_key_cache *keys = sc_key_cache_new();
  ctx.opts.memo = memo;
  ctx.opts.keys = keys;
  bench_report("verify-status", bench_rate("verify-status", bench_verify_once, &ctx), "verify/s");
  sc_status_memo_free(memo);
  ctx.opts.memo = NULL; /* every list read and verified: what a one-off `verify` does */
  bench_report("verify-status-cold", bench_rate("verify-status-cold", bench_verify_once, &ctx),
               "verify/s");
  sc_key_cache_free(keys);
  sc_trust_free(trust);
  sc_buf_free(&ctx.credential);
  bench_home_close(&bh);
  return 0;
}
