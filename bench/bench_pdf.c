/*
 * Certificates per second on one core: a credential built and signed, its QR text computed,
 * its PDF rendered with the ai-fundamentals template, and both files written atomically
 * (sc_issue_prepare + sc_issue_write, as a batch worker does). The registry insert is left
 * out: a batch records 32 credentials per transaction on its main thread, not per
 * certificate. Each credential carries a status slot (list 1, a fresh index), so it has the
 * size and QR payload of a real one. Run once per recipient name: Latin, then Cyrillic.
 */
#include "bench/bench_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE "templates/ai-fundamentals"

typedef struct pdf_ctx {
  bench_home *bh;
  sc_issue_context issue;
  const char *name;
  int64_t next_index;
} pdf_ctx;

static int issue_certificate(void *opaque, sc_error *err) {
  pdf_ctx *ctx = opaque;
  sc_issue_request req = bench_request(ctx->bh);
  req.recipient.name = ctx->name;
  req.achievement = sc_template_achievement(ctx->issue.tpl);
  req.status_list = 1;
  req.status_index = ctx->next_index++ % SC_STATUS_LIST_SIZE;
  sc_prepared p;
  int rc = sc_issue_prepare(&ctx->issue, &req, &p, err);
  if (rc != SC_OK)
    return rc;
  rc = sc_issue_write(&ctx->issue, &p, err);
  sc_prepared_free(&p);
  return rc;
}

static void bench_name(pdf_ctx *ctx, const char *bench, const char *name) {
  ctx->name = name;
  sc_error err = {0};
  if (sc_pdf_check_text(ctx->issue.renderer, name, "name", &err) != SC_OK)
    bench_die(bench, &err);
  bench_report(bench, bench_rate(bench, issue_certificate, ctx), "cert/s");
}

/* With an argument, runs only the measurement of that name (handy under a profiler). */
static bool wanted(int argc, char **argv, const char *name) {
  return argc < 2 || strcmp(argv[1], name) == 0;
}

int main(int argc, char **argv) {
  bench_home bh;
  bench_home_open(&bh);
  sc_error err = {0};
  sc_template *tpl = NULL;
  if (sc_template_load(TEMPLATE, &tpl, &err) != SC_OK)
    bench_die(TEMPLATE, &err);
  sc_pdf_renderer *renderer = sc_pdf_renderer_new(&err);
  if (!renderer)
    bench_die("renderer", &err);
  pdf_ctx ctx = {.bh = &bh,
                 .issue = {.home = &bh.home, .key = bh.key, .tpl = tpl, .renderer = renderer}};
  if (wanted(argc, argv, "issue-pdf-latin"))
    bench_name(&ctx, "issue-pdf-latin", "Zoë Łukasiewicz");
  if (wanted(argc, argv, "issue-pdf-cyrillic"))
    bench_name(&ctx, "issue-pdf-cyrillic", "Дмитрий Иванов");
  sc_pdf_renderer_free(renderer);
  sc_template_free(tpl);
  bench_home_close(&bh);
  return 0;
}
