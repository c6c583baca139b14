/*
 * The verify routes of `skillcert serve` on one core, without the network: sc_http_handle
 * answering POST /credentials/verify (the issued credential in a VC API body) and
 * GET /V/<payload> (its QR payload) with the configuration `serve --home` builds: trust list,
 * the home's published status lists, the shared memo of verified lists and the key cache.
 * Each answer is the full one a client receives (JSON report, HTML page). What this leaves
 * out — libmicrohttpd and the kernel's TCP path — is what serve-verify adds on top.
 * `bench_serve_handler NAME` runs only that measurement, for a profiler.
 */
#define _GNU_SOURCE /* memmem */
#include "bench/bench_support.h"
#include "service/service.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct handler_ctx {
  const sc_http_config *cfg;
  sc_http_request req;
  const char *expect; /* a piece of the body every answer must hold */
} handler_ctx;

static bool wanted(int argc, char **argv, const char *name) {
  return argc < 2 || strcmp(argv[1], name) == 0;
}

static int handle_once(void *opaque, sc_error *err) {
  handler_ctx *ctx = opaque;
  sc_http_response res = {0};
  ctx->req.now = (int64_t)time(NULL);
  sc_http_handle(ctx->cfg, &ctx->req, &res);
  int rc = SC_OK;
  if (res.status != 200 || !res.body.data ||
      !memmem(res.body.data, res.body.len, ctx->expect, strlen(ctx->expect)))
    rc = sc_fail(err, SC_ESOFTWARE, "%s %s answered %d without \"%s\"", ctx->req.method,
                 ctx->req.path, res.status, ctx->expect);
  sc_http_response_free(&res);
  return rc;
}

/* The VC API body and the /V/ path for the credential text. */
static void make_requests(const sc_buf *credential, sc_buf *body, char **qr) {
  sc_error err = {0};
  json_t *parsed = NULL;
  if (sc_json_parse((const char *)credential->data, credential->len, "credential", &parsed, &err) !=
      SC_OK)
    bench_die("credential", &err);
  *qr = sc_qr_payload_encode(parsed, "https://verify.bench.example", &err);
  json_decref(parsed);
  if (!*qr)
    bench_die("QR payload", &err);
  static const char head[] = "{\"verifiableCredential\": ", tail[] = ", \"options\": {}}";
  if (!sc_buf_append(body, head, strlen(head)) ||
      !sc_buf_append(body, credential->data, credential->len) ||
      !sc_buf_append(body, tail, strlen(tail)))
    bench_die("request body", NULL);
}

int main(int argc, char **argv) {
  bench_home bh;
  bench_home_open(&bh);
  sc_buf credential = {0}, body = {0};
  bench_issue_published(&bh, &credential);
  char *qr = NULL;
  make_requests(&credential, &body, &qr);
  char public_dir[PATH_MAX], cache_dir[PATH_MAX];
  sc_error path_err = {0};
  if (sc_path_format(public_dir, sizeof public_dir, SC_ECANTCREAT, &path_err, "%s/public",
                     bh.home.root) != SC_OK ||
      sc_path_format(cache_dir, sizeof cache_dir, SC_ECANTCREAT, &path_err, "%s/cache", bh.dir) != SC_OK)
    bench_die("paths", &path_err);
  sc_status_source source = {.home_public = public_dir,
                             .home_url = bh.home.public_url,
                             .offline = true,
                             .cache_dir = cache_dir};
  sc_error err = {0};
  sc_trust_list *trust = sc_trust_new();
  if (!trust || sc_trust_add(trust, bh.home.issuer_id, bh.home.issuer_name, &err) != SC_OK)
    bench_die("trust list", &err);
  sc_http_config cfg = {.trust = trust,
                        .status = &source,
                        .public_dir = public_dir,
                        .base_url = "https://verify.bench.example",
                        .home_issuer = bh.home.issuer_id,
                        .memo = sc_status_memo_new(5),
                        .keys = sc_key_cache_new()};
  if (sc_http_config_init(&cfg, &err) != SC_OK)
    bench_die("config", &err);
  handler_ctx api = {.cfg = &cfg,
                     .req = {.method = "POST",
                             .path = "/credentials/verify",
                             .content_type = "application/json",
                             .body = body.data,
                             .body_len = body.len},
                     .expect = "\"verified\": true"};
  if (wanted(argc, argv, "serve-handler-api"))
    bench_report("serve-handler-api", bench_rate("serve-handler-api", handle_once, &api), "req/s");
  handler_ctx page = {
      .cfg = &cfg, .req = {.method = "GET", .path = strstr(qr, "/V/")}, .expect = "Ada Lovelace"};
  if (wanted(argc, argv, "serve-handler-page"))
    bench_report("serve-handler-page", bench_rate("serve-handler-page", handle_once, &page),
                 "req/s");
  sc_status_memo_free(cfg.memo);
  sc_key_cache_free(cfg.keys);
  sc_trust_free(trust);
  free(qr);
  sc_buf_free(&body);
  sc_buf_free(&credential);
  bench_home_close(&bh);
  return 0;
}
