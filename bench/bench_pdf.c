/*
 * Certificates per second on one core, as a provider gets them: sc_batch_issue, which
 * `skillcert issue --roster` runs, with one worker (-j 1), and the whole process confined to
 * one processor. The worker builds, signs and renders each certificate; the main thread
 * records them in the registry, 32 to a transaction; the writer thread writes each chunk's
 * JSON and PDF files (temporary name, fsync, rename, one folder sync per chunk), so waiting
 * for the disk overlaps rendering, but every instruction they run, in the kernel too, is
 * paid on the same core.
 *
 * Each measurement issues fresh rosters of learners who share one name (Latin, then
 * Cyrillic) into the same home. Besides the rate it prints the share of the processor time
 * spent in the kernel (creating, writing and syncing files), which depends on the
 * filesystem more than on skillcert.
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include "bench/bench_support.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TEMPLATE "templates/ai-fundamentals"

typedef struct pdf_ctx {
  bench_home *bh;
  sc_issue_context issue;
  int rosters; /* written so far: each gets new learner ids */
} pdf_ctx;

typedef struct cpu_time {
  double user, kernel;
} cpu_time;

static cpu_time cpu_now(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (cpu_time){(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
                    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6};
}

/* One core: this thread and every thread it starts run on the processor it is on now. */
static void pin_to_one_core(void) {
  int cpu = sched_getcpu();
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu < 0 ? 0 : cpu, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0)
    bench_die("sched_setaffinity", NULL);
}

static void write_roster(pdf_ctx *ctx, const char *name, long rows, char *path, size_t size) {
  int n = ++ctx->rosters;
  sc_error err = {0};
  if (sc_path_format(path, size, SC_ECANTCREAT, &err, "%s/roster-%d.csv", ctx->bh->dir, n) != SC_OK)
    bench_die("roster", &err);
  FILE *f = fopen(path, "w");
  if (!f)
    bench_die(path, NULL);
  fputs("name,email,id\n", f);
  for (long i = 0; i < rows; i++)
    fprintf(f, "%s,learner%d-%ld@example.org,R%d-%07ld\n", name, n, i, n, i);
  if (fclose(f) != 0)
    bench_die(path, NULL);
}

/* Issues a roster of rows certificates; returns wall seconds and adds to *cpu. */
static double issue_roster(pdf_ctx *ctx, const char *bench, const char *name, long rows,
                           cpu_time *cpu) {
  char path[PATH_MAX];
  write_roster(ctx, name, rows, path, sizeof path);
  sc_batch_options opts = {.roster_path = path, .workers = 1, .now = (int64_t)time(NULL)};
  sc_batch_progress done = {0};
  sc_error err = {0};
  cpu_time cpu_start = cpu_now();
  double start = bench_now();
  if (sc_batch_issue(&ctx->issue, &opts, NULL, NULL, &done, &err) != SC_OK)
    bench_die(bench, &err);
  double took = bench_now() - start;
  cpu_time cpu_end = cpu_now();
  cpu->user += cpu_end.user - cpu_start.user;
  cpu->kernel += cpu_end.kernel - cpu_start.kernel;
  if ((long)done.issued != rows) {
    fprintf(stderr, "bench: %s: %zu issued of %ld\n", bench, done.issued, rows);
    exit(1);
  }
  return took;
}

static void bench_name(pdf_ctx *ctx, const char *bench, const char *name) {
  sc_error err = {0};
  if (sc_pdf_check_text(ctx->issue.renderer, name, "name", &err) != SC_OK)
    bench_die(bench, &err);
  cpu_time cpu = {0};
  double wall = 0;
  issue_roster(ctx, bench, name, 64, &cpu); /* warm-up: page cache, registry, allocator */
  cpu = (cpu_time){0};
  long rows = 0;
  /* Rosters of 512 rows until the time is up: a batch's steady state, not its start. */
  while (wall < bench_seconds()) {
    wall += issue_roster(ctx, bench, name, 512, &cpu);
    rows += 512;
  }
  bench_report(bench, (double)rows / wall, "cert/s");
  char kernel[96];
  snprintf(kernel, sizeof kernel, "%s-kernel", bench);
  bench_report(kernel, 100 * cpu.kernel / (cpu.user + cpu.kernel), "%-of-cpu");
}

/* With an argument, runs only the measurement of that name (handy under a profiler). */
static bool wanted(int argc, char **argv, const char *name) {
  return argc < 2 || strcmp(argv[1], name) == 0;
}

int main(int argc, char **argv) {
  pin_to_one_core();
  bench_home bh;
  bench_home_open(&bh);
  sc_error err = {0};
  sc_template *tpl = NULL;
  if (sc_template_load(TEMPLATE, &tpl, &err) != SC_OK)
    bench_die(TEMPLATE, &err);
  sc_pdf_renderer *renderer = sc_pdf_renderer_new(&err); /* for the name check only */
  if (!renderer)
    bench_die("renderer", &err);
  pdf_ctx ctx = {.bh = &bh,
                 .issue = {.home = &bh.home, .key = bh.key, .tpl = tpl, .renderer = renderer}};
  if (wanted(argc, argv, "issue-pdf-latin"))
    bench_name(&ctx, "issue-pdf-latin", "Zoë Łukasiewicz");
  if (wanted(argc, argv, "issue-pdf-cyrillic"))
    bench_name(&ctx, "issue-pdf-cyrillic", "Дмитрий Иванов");
  /* Shaped scripts: conjuncts and reordered vowel signs (HarfBuzz), and a CFF font of 65,535
   * glyphs (Noto CJK) subset for every certificate. */
  if (wanted(argc, argv, "issue-pdf-devanagari"))
    bench_name(&ctx, "issue-pdf-devanagari", "क्षत्रिय अनुष्का शर्मा");
  if (wanted(argc, argv, "issue-pdf-cjk"))
    bench_name(&ctx, "issue-pdf-cjk", "山田 太郎 王小明");
  sc_pdf_renderer_free(renderer);
  sc_template_free(tpl);
  bench_home_close(&bh);
  return 0;
}
