/*
 * Verification throughput on one core: sc_verify_json on the text of an issued credential,
 * with a trust list naming its issuer, so every check of the pipeline runs and passes.
 */
#include "bench/bench_support.h"
#include "verifier/verifier.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The signature check alone, through the library, on 64 bytes like eddsa-jcs-2022's. */
typedef struct signature_ctx {
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  uint8_t hashes[64];
  uint8_t sig[SC_ED25519_SIGNATURE_BYTES];
} signature_ctx;

static int verify_signature_only(void *opaque, sc_error *err) {
  signature_ctx *ctx = opaque;
  return sc_ed25519_verify(ctx->pub, ctx->hashes, sizeof ctx->hashes, ctx->sig, sizeof ctx->sig,
                           err);
}

static void bench_signature_only(const bench_home *bh) {
  signature_ctx ctx = {.hashes = {1, 2, 3}};
  sc_error err = {0};
  if (sc_ed25519_public(bh->key, ctx.pub, &err) != SC_OK ||
      sc_ed25519_sign(bh->key, ctx.hashes, sizeof ctx.hashes, ctx.sig, &err) != SC_OK)
    bench_die("sign", &err);
  bench_report("sc-ed25519-verify", bench_rate("sc-ed25519-verify", verify_signature_only, &ctx),
               "verify/s");
}

int main(void) {
  bench_home bh;
  bench_home_open(&bh);
  bench_signature_only(&bh);
  sc_error err = {0};
  sc_issue_request req = bench_request(&bh);
  sc_issue_context issue = {.home = &bh.home, .key = bh.key};
  sc_prepared issued;
  if (sc_issue_prepare(&issue, &req, &issued, &err) != SC_OK)
    bench_die("issue", &err);
  bench_verify_ctx ctx = {.opts = {.now = (int64_t)time(NULL)}, .credential = issued.json};
  issued.json = (sc_buf){0}; /* the text of the file sc_issue_write would write */
  sc_prepared_free(&issued);
  sc_trust_list *trust = sc_trust_new();
  if (!trust || sc_trust_add(trust, bh.home.issuer_id, bh.home.issuer_name, &err) != SC_OK)
    bench_die("trust list", &err);
  ctx.opts.trust = trust;
  /* As `verify` and `serve` do: the issuer's key is made into an OpenSSL key once. */
  ctx.opts.keys = sc_key_cache_new();
  bench_report("verify-json", bench_rate("verify-json", bench_verify_once, &ctx), "verify/s");
  sc_key_cache_free(ctx.opts.keys);
  sc_trust_free(trust);
  sc_buf_free(&ctx.credential);
  bench_home_close(&bh);
  return 0;
}
