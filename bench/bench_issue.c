/*
 * Issuance throughput on one core: credentials built and signed per second — with one
 * eddsa-jcs-2022 proof (issue-json) and with the default proof set of eddsa-rdfc-2022 and
 * eddsa-jcs-2022 (issue-json-set) — and the whole of `skillcert issue` without a template,
 * file write included (issue-json-file).
 */
#include "bench/bench_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct issue_ctx {
  bench_home *bh;
  char *verification_method;
  sc_signer *signer; /* set up once, as a batch would */
} issue_ctx;

/* What sc_issue_prepare does before serializing: build, then sign with proof.created =
 * validFrom (with a signer set up once, as a batch would). */
static int build_and_sign(void *opaque, sc_error *err) {
  issue_ctx *ctx = opaque;
  sc_issue_request req = bench_request(ctx->bh);
  json_t *credential = sc_credential_build(&ctx->bh->home, &req, err);
  if (!credential)
    return err->code ? err->code : SC_ESOFTWARE;
  sc_proof_options opts = {
      .verification_method = ctx->verification_method,
      .created = json_string_value(json_object_get(credential, "validFrom")),
  };
  int rc = sc_di_sign_with(credential, ctx->signer, &opts, NULL, err);
  json_decref(credential);
  return rc;
}

/* What a home signs by default: build, then the proof set eddsa-rdfc-2022 + eddsa-jcs-2022. */
static int build_and_sign_set(void *opaque, sc_error *err) {
  issue_ctx *ctx = opaque;
  sc_issue_request req = bench_request(ctx->bh);
  json_t *credential = sc_credential_build(&ctx->bh->home, &req, err);
  if (!credential)
    return err->code ? err->code : SC_ESOFTWARE;
  int rc = sc_issue_sign(&ctx->bh->home, ctx->bh->key, credential, SC_PROOFS_BOTH,
                         json_string_value(json_object_get(credential, "validFrom")), err);
  json_decref(credential);
  return rc;
}

/* What issuing one credential without a template costs: build, sign, serialize, write. */
static int issue_to_file(void *opaque, sc_error *err) {
  issue_ctx *ctx = opaque;
  sc_issue_request req = bench_request(ctx->bh);
  sc_issue_context issue = {.home = &ctx->bh->home, .key = ctx->bh->key};
  sc_prepared p;
  int rc = sc_issue_prepare(&issue, &req, &p, err);
  if (rc != SC_OK)
    return rc;
  rc = sc_issue_write(&issue, &p, err);
  sc_prepared_free(&p);
  return rc;
}

/* With an argument, runs only the measurement of that name (handy under a profiler). */
static bool wanted(int argc, char **argv, const char *name) {
  return argc < 2 || strcmp(argv[1], name) == 0;
}

/* The signature alone, through the library, over the 64 bytes eddsa-jcs-2022 signs (two
 * SHA-256 hashes): how far the per-call setup puts us from `openssl speed`. */
static int sign_only(void *opaque, sc_error *err) {
  issue_ctx *ctx = opaque;
  static const uint8_t hashes[64] = {1, 2, 3};
  uint8_t sig[SC_ED25519_SIGNATURE_BYTES];
  return sc_ed25519_sign(ctx->bh->key, hashes, sizeof hashes, sig, err);
}

int main(int argc, char **argv) {
  bench_home bh;
  bench_home_open(&bh);
  issue_ctx ctx = {.bh = &bh,
                   .verification_method = sc_did_key_verification_method(bh.home.key_did)};
  if (!ctx.verification_method)
    bench_die("verification method", NULL);
  sc_error err = {0};
  if (!(ctx.signer = sc_signer_new(bh.key, &err)))
    bench_die("signer", &err);
  if (wanted(argc, argv, "sc-ed25519-sign"))
    bench_report("sc-ed25519-sign", bench_rate("sc-ed25519-sign", sign_only, &ctx), "sign/s");
  if (wanted(argc, argv, "issue-json"))
    bench_report("issue-json", bench_rate("issue-json", build_and_sign, &ctx), "cred/s");
  if (wanted(argc, argv, "issue-json-set"))
    bench_report("issue-json-set", bench_rate("issue-json-set", build_and_sign_set, &ctx),
                 "cred/s");
  if (wanted(argc, argv, "issue-json-file"))
    bench_report("issue-json-file", bench_rate("issue-json-file", issue_to_file, &ctx), "cred/s");
  free(ctx.verification_method);
  sc_signer_free(ctx.signer);
  bench_home_close(&bh);
  return 0;
}
