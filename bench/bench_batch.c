/*
 * A whole batch, as `skillcert issue --roster R --template ai-fundamentals -j 2` runs it:
 * sc_batch_issue on a fresh home with a roster of N learners, JSON only or with PDFs, on
 * the real disk (the home is under $TMPDIR, which bench/batch.sh points at build/). Prints
 *   <name> <credentials/s> cred/s            the whole run
 *   <name>-flat <rate(last 10 %) / rate(first 10 %)> x
 *   <name>-rss <peak RSS> MB
 *   <name>-cpu-bound <rows x JOBS / CPU seconds> cred/s   what JOBS idle cores would give
 * A rate that falls as the registry and out/ grow shows in -flat; memory that grows with
 * the roster in -rss.
 *
 * Usage: bench_batch NAME ROWS json|pdf [JOBS]
 */
#include "bench/bench_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TEMPLATE "templates/ai-fundamentals"

typedef struct flat_clock {
  size_t rows;
  double start, at_first_tenth, at_last_tenth_start, end;
} flat_clock;

/* Notes when the first tenth of the rows is done, and when the last tenth begins. */
static void on_progress(void *ctx, const sc_batch_progress *p) {
  flat_clock *c = ctx;
  double now = bench_now();
  if (!c->at_first_tenth && p->done * 10 >= c->rows)
    c->at_first_tenth = now;
  if (!c->at_last_tenth_start && p->done * 10 >= c->rows * 9)
    c->at_last_tenth_start = now;
}

/* User and system time of the whole process, every thread. */
static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void write_roster(const char *path, long rows) {
  static const char *const names[] = {"Zoë Łukasiewicz", "Дмитрий Иванов", "Ada Lovelace",
                                      "Νίκος Παπαδόπουλος", "José Álvarez"};
  FILE *f = fopen(path, "w");
  if (!f)
    bench_die(path, NULL);
  fputs("name,email,id\n", f);
  for (long i = 1; i <= rows; i++)
    fprintf(f, "%s %ld,learner%ld@example.org,L%07ld\n", names[(i - 1) % 5], i, i, i);
  if (fclose(f) != 0)
    bench_die(path, NULL);
}

int main(int argc, char **argv) {
  if (argc < 4 || (strcmp(argv[3], "json") != 0 && strcmp(argv[3], "pdf") != 0)) {
    fprintf(stderr, "usage: bench_batch NAME ROWS json|pdf [JOBS]\n");
    return 2;
  }
  const char *name = argv[1];
  long rows = strtol(argv[2], NULL, 10);
  bool pdf = strcmp(argv[3], "pdf") == 0;
  int jobs = argc > 4 ? atoi(argv[4]) : 2;
  if (rows < 10 || jobs < 1) {
    fprintf(stderr, "bench_batch: ROWS at least 10, JOBS at least 1\n");
    return 2;
  }
  bench_home bh;
  bench_home_open(&bh);
  sc_error err = {0};
  sc_template *tpl = NULL;
  if (sc_template_load(TEMPLATE, &tpl, &err) != SC_OK)
    bench_die(TEMPLATE, &err);
  char roster[PATH_MAX];
  if (sc_path_format(roster, sizeof roster, SC_ECANTCREAT, &err, "%s/roster.csv", bh.dir) != SC_OK)
    bench_die("roster", &err);
  write_roster(roster, rows);
  sc_issue_context ctx = {.home = &bh.home, .key = bh.key, .tpl = tpl, .no_pdf = !pdf};
  sc_batch_options opts = {.roster_path = roster, .workers = jobs, .now = (int64_t)time(NULL)};
  double cpu_start = cpu_seconds();
  flat_clock clock = {.rows = (size_t)rows, .start = bench_now()};
  sc_batch_progress done = {0};
  if (sc_batch_issue(&ctx, &opts, on_progress, &clock, &done, &err) != SC_OK)
    bench_die(name, &err);
  clock.end = bench_now();
  double cpu = cpu_seconds() - cpu_start;
  if ((long)done.issued != rows) {
    fprintf(stderr, "bench: %s: %zu issued of %ld\n", name, done.issued, rows);
    return 1;
  }
  double first = clock.at_first_tenth - clock.start;
  double last = clock.end - clock.at_last_tenth_start;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  char line[128];
  bench_report(name, (double)rows / (clock.end - clock.start), "cred/s");
  snprintf(line, sizeof line, "%s-flat", name);
  printf("%s %.3f x\n", line, last > 0 ? first / last : 0.0);
  snprintf(line, sizeof line, "%s-rss", name);
  bench_report(line, (double)ru.ru_maxrss / 1024, "MB");
  /* openssl speed divides by its CPU time, so a loaded machine does not lower it; this is the
   * same view of the batch: the rate its CPU cost would give on `jobs` idle cores. */
  snprintf(line, sizeof line, "%s-cpu-bound", name);
  bench_report(line, cpu > 0 ? (double)rows * jobs / cpu : 0, "cred/s");
  sc_template_free(tpl);
  bench_home_close(&bh);
  return 0;
}
