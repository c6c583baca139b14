/*
 * The RDF side of Data Integrity on one core: RDFC-1.0 canonicalization of an issued Open
 * Badges credential (JSON-LD toRdf with the bundled contexts, then RDFC-1.0), signing it with
 * eddsa-rdfc-2022, and verifying that proof. Prints the canonical N-Quads with --nquads and the
 * signed credential with --signed (for the Node peer in bench/node_rdfc.mjs).
 */
#include "bench/bench_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct rdfc_ctx {
  json_t *unsigned_credential;
  sc_rdf_dataset dataset; /* the credential's dataset, for the RDFC stage alone */
  json_t *signed_credential;
  EVP_PKEY *key;
  const char *vm;
  sc_key_cache *keys;
} rdfc_ctx;

static int canonicalize_once(void *opaque, sc_error *err) {
  rdfc_ctx *ctx = opaque;
  sc_buf out = {0};
  int rc = sc_jsonld_canonical_nquads(ctx->unsigned_credential, &out, err);
  sc_buf_free(&out);
  return rc;
}

/* The three stages apart, so that the next engineer sees where the time goes: expansion,
 * expansion plus toRdf (toRdf alone is the difference), and RDFC-1.0 of a ready dataset. */
static int expand_once(void *opaque, sc_error *err) {
  rdfc_ctx *ctx = opaque;
  sc_jsonld_options opts = {.safe_mode = true};
  json_t *expanded = NULL;
  int rc = sc_jsonld_expand(ctx->unsigned_credential, &opts, &expanded, err);
  json_decref(expanded);
  return rc;
}

static int to_rdf_once(void *opaque, sc_error *err) {
  rdfc_ctx *ctx = opaque;
  sc_jsonld_options opts = {.safe_mode = true};
  sc_rdf_dataset dataset = {0};
  int rc = sc_jsonld_to_rdf(ctx->unsigned_credential, &opts, &dataset, err);
  sc_rdf_dataset_free(&dataset);
  return rc;
}

static int rdfc_once(void *opaque, sc_error *err) {
  rdfc_ctx *ctx = opaque;
  sc_buf out = {0};
  int rc = sc_rdfc_canonicalize(&ctx->dataset, NULL, &out, NULL, err);
  sc_buf_free(&out);
  return rc;
}

static void report_stage(const char *name, double microseconds) {
  printf("%s %.1f us\n", name, microseconds);
  fflush(stdout);
}

static int sign_once(void *opaque, sc_error *err) {
  rdfc_ctx *ctx = opaque;
  json_t *copy = json_deep_copy(ctx->unsigned_credential);
  sc_proof_options opts = {.verification_method = ctx->vm, .cryptosuite = SC_EDDSA_RDFC_2022};
  int rc = sc_di_sign(copy, ctx->key, &opts, NULL, err);
  json_decref(copy);
  return rc;
}

static int verify_once(void *opaque, sc_error *err) {
  rdfc_ctx *ctx = opaque;
  /* As verify and serve do: the issuer's key is made into an OpenSSL key once. */
  sc_di_verify_options opts = {.keys = ctx->keys};
  return sc_di_verify(ctx->signed_credential, &opts, NULL, NULL, err);
}

int main(int argc, char **argv) {
  bench_home bh;
  bench_home_open(&bh);
  sc_error err = {0};
  sc_issue_request req = bench_request(&bh);
  sc_issue_context issue = {.home = &bh.home, .key = bh.key};
  sc_prepared issued;
  if (sc_issue_prepare(&issue, &req, &issued, &err) != SC_OK)
    bench_die("issue", &err);
  json_t *credential = NULL;
  if (sc_json_parse((const char *)issued.json.data, issued.json.len, "issued", &credential, &err))
    bench_die("parse", &err);
  sc_prepared_free(&issued);
  json_t *proof = json_array_get(json_object_get(credential, "proof"), 0);
  rdfc_ctx ctx = {.key = bh.key,
                  .keys = sc_key_cache_new(),
                  .vm = json_string_value(json_object_get(proof, "verificationMethod"))};
  char *vm = strdup(ctx.vm);
  ctx.vm = vm;
  json_object_del(credential, "proof");
  ctx.unsigned_credential = credential;
  ctx.signed_credential = json_deep_copy(credential);
  sc_proof_options opts = {.verification_method = vm, .cryptosuite = SC_EDDSA_RDFC_2022};
  if (sc_di_sign(ctx.signed_credential, bh.key, &opts, NULL, &err) != SC_OK)
    bench_die("sign rdfc", &err);
  if (argc > 1 && strcmp(argv[1], "--signed") == 0) {
    json_dumpf(ctx.signed_credential, stdout, JSON_INDENT(2));
  } else if (argc > 1 && strcmp(argv[1], "--nquads") == 0) {
    sc_buf out = {0};
    if (sc_jsonld_canonical_nquads(credential, &out, &err))
      bench_die("canonicalize", &err);
    fwrite(out.data, 1, out.len, stdout);
    sc_buf_free(&out);
  } else if (argc > 1 && strcmp(argv[1], "--verify-loop") == 0) {
    for (int i = 0; i < 200; i++) /* for a profiler: verification alone */
      if (verify_once(&ctx, &err))
        bench_die("verify", &err);
  } else if (argc > 1 && strcmp(argv[1], "--canon-loop") == 0) {
    long loops = argc > 2 ? atol(argv[2]) : 200;
    for (long i = 0; i < loops; i++) /* for a profiler: canonicalization alone */
      if (canonicalize_once(&ctx, &err))
        bench_die("canonicalize", &err);
  } else {
    bench_report("rdfc-canon", bench_rate("rdfc-canon", canonicalize_once, &ctx), "canon/s");
    sc_jsonld_options to_rdf_opts = {.safe_mode = true};
    if (sc_jsonld_to_rdf(credential, &to_rdf_opts, &ctx.dataset, &err))
      bench_die("toRdf", &err);
    double expand = 1e6 / bench_rate("rdfc-stage-expand", expand_once, &ctx);
    double expand_to_rdf = 1e6 / bench_rate("rdfc-stage-tordf", to_rdf_once, &ctx);
    report_stage("rdfc-stage-expand", expand);
    report_stage("rdfc-stage-tordf", expand_to_rdf - expand);
    report_stage("rdfc-stage-rdfc", 1e6 / bench_rate("rdfc-stage-rdfc", rdfc_once, &ctx));
    bench_report("issue-json-rdfc", bench_rate("issue-json-rdfc", sign_once, &ctx), "sign/s");
    bench_report("verify-json-rdfc", bench_rate("verify-json-rdfc", verify_once, &ctx),
                 "verify/s");
  }
  free(vm);
  sc_rdf_dataset_free(&ctx.dataset);
  sc_key_cache_free(ctx.keys);
  json_decref(ctx.signed_credential);
  json_decref(credential);
  bench_home_close(&bh);
  return 0;
}
