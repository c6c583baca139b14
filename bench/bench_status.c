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

int main(void) {
  bench_home bh;
  bench_home_open(&bh);
  bench_verify_ctx ctx = {.opts = {.now = (int64_t)time(NULL)}};
  bench_issue_published(&bh, &ctx.credential);
  char public_dir[PATH_MAX], cache_dir[PATH_MAX];
  sc_error path_err = {0};
  if (sc_path_format(public_dir, sizeof public_dir, SC_ECANTCREAT, &path_err, "%s/public",
                     bh.home.root) != SC_OK ||
      sc_path_format(cache_dir, sizeof cache_dir, SC_ECANTCREAT, &path_err, "%s/cache", bh.dir) != SC_OK) /* never ~/.cache */
    bench_die("paths", &path_err);
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
