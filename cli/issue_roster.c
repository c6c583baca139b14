/* `skillcert issue --roster`: validate everything, then issue with a progress bar. */
#include "cli/cli.h"

#include <string.h>
#include <unistd.h>

static void print_problem(void *ctx, const char *problem) {
  (void)ctx;
  sc_text_put(problem, stderr); /* it quotes the roster's values */
  fputc('\n', stderr);
}

/* A name no installed font can draw refuses its row only: it is reported while the roster is
 * validated, and the batch issues every other row. */
typedef struct font_check {
  sc_pdf_renderer *renderer;
  const char *roster;
  size_t refused;
} font_check;

static int check_row(void *ctx, const sc_roster_row *row, sc_error *err) {
  (void)err;
  font_check *check = ctx;
  if (!row->name) /* the missing column is reported with the header */
    return SC_OK;
  sc_error why = {0};
  if (sc_pdf_check_text(check->renderer, row->name, "name", &why) == SC_OK)
    return SC_OK;
  check->refused++;
  fprintf(stderr, "%s:%zu: %s: this row is refused, the others are issued\n", check->roster,
          row->line, why.message);
  return SC_OK;
}

/* The same judgement in the batch, which skips the rows reported above. */
static int refuse_row(void *ctx, const sc_roster_row *row, sc_error *err) {
  const font_check *check = ctx;
  return row->name ? sc_pdf_check_text(check->renderer, row->name, "name", err) : SC_OK;
}

static const char *plural(size_t n) {
  return n == 1 ? "" : "s";
}

static void draw_bar(void *ctx, const sc_batch_progress *p) {
  const size_t *total = ctx;
  static const int width = 30;
  double fraction = *total ? (double)p->done / (double)*total : 1.0;
  double rate = p->seconds > 0 ? (double)p->done / p->seconds : 0;
  double eta = rate > 0 ? (double)(*total - p->done) / rate : 0;
  int filled = (int)(fraction * width);
  fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.0f/s  ETA %d:%02d ", filled,
          "##############################", width - filled, "", p->done, *total, rate,
          (int)eta / 60, (int)eta % 60);
  if (p->done == *total)
    fputc('\n', stderr);
}

static int default_jobs(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 && cores < 256 ? (int)cores : 1;
}

/* A run that stopped early loses nothing: what it signed is in the registry, and the same
 * command skips it or rewrites its missing files. The operator should hear that. */
static void say_how_to_finish(const sc_batch_progress *done) {
  size_t unwritten = done->recorded > done->issued ? done->recorded - done->issued : 0;
  if (unwritten)
    fprintf(stderr,
            "skillcert: issue: %zu more credential%s %s recorded in the registry, but %s files "
            "may not all be written\n",
            unwritten, plural(unwritten), unwritten == 1 ? "is" : "are",
            unwritten == 1 ? "its" : "their");
  fprintf(stderr, "skillcert: issue: once the problem is fixed, run the same command again: it "
                  "signs nothing twice and writes what is missing\n");
}

int cli_issue_roster(const sc_issue_context *ctx, sc_pdf_renderer *renderer,
                     const cli_roster_job *job, sc_error *err) {
  sc_roster_options roster = {.maps = job->maps, .map_count = job->map_count, .home = ctx->home};
  sc_roster_summary summary = {0};
  /* --no-pdf: no renderer, and no fonts that must draw the names. */
  font_check fonts = {renderer, job->roster, 0};
  int rc = sc_roster_validate(job->roster, &roster, renderer ? check_row : NULL, print_problem,
                              &fonts, &summary, err);
  if (rc != SC_OK) {
    if (summary.problems)
      sc_fail(err, rc, "%s: %zu problem%s in %zu row%s; nothing was issued", job->roster,
              summary.problems, plural(summary.problems), summary.rows, plural(summary.rows));
    return rc;
  }
  if (job->dry_run && fonts.refused)
    return sc_fail(err, SC_EDATA,
                   "%s: %zu row%s, %zu of them refused (a name no installed font "
                   "can draw); the others are valid",
                   job->roster, summary.rows, plural(summary.rows), fonts.refused);
  if (job->dry_run) {
    printf("%s: %zu row%s, all valid\n", job->roster, summary.rows, plural(summary.rows));
    return SC_OK;
  }
  if (job->queue)
    return cli_queue_roster(ctx, job, err);
  sc_batch_options opts = {.roster_path = job->roster,
                           .roster = roster,
                           .workers = job->jobs ? job->jobs : default_jobs(),
                           .now = job->now,
                           .refuse = renderer ? refuse_row : NULL,
                           .refuse_ctx = &fonts};
  size_t total = summary.rows;
  bool tty = isatty(STDERR_FILENO);
  sc_batch_progress done = {0};
  rc = sc_batch_issue(ctx, &opts, tty ? draw_bar : NULL, &total, &done, err);
  fprintf(stderr,
          "%s%zu row%s in %.1f s: %zu issued, %zu already issued, %zu repaired, %zu refused\n",
          tty ? "" : "skillcert: issue: ", done.done, plural(done.done), done.seconds, done.issued,
          done.skipped, done.repaired, done.refused);
  if (rc == SC_OK)
    printf("%s/out/manifest.csv\n", ctx->home->root);
  if (rc == SC_OK && done.run_id[0])
    fprintf(stderr, "skillcert: issue: run %s (skillcert mail --roster-run %s)\n", done.run_id,
            done.run_id);
  else
    say_how_to_finish(&done);
  if (rc == SC_OK && done.refused)
    rc = sc_fail(err, SC_EDATA,
                 "%s: %zu row%s refused (a name no installed font can draw, reported above); "
                 "every other row was issued",
                 job->roster, done.refused, plural(done.refused));
  return rc;
}
