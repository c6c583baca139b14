/* skillcert worker: take roster rows from the registry's queue and issue them, on as many
 * machines as share the registry (docs/registry.md "The queue"). */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char worker_synopsis[] =
    "skillcert worker [--template NAME] [-j N] [--batch N] [--once | --until-empty]\n"
    "                        [--home DIR] [--registry URI] [--passphrase-file FILE] [--no-pdf]\n"
    "                        [--qr auto|embed|link]";

static const char worker_description[] =
    "Takes jobs that `skillcert issue --roster FILE --queue` put into the registry (PostgreSQL),\n"
    "a batch at a time, and issues them as `issue --roster` does: signs, renders, records each\n"
    "credential and writes its files to the home's out/ (shared by every machine), then marks\n"
    "the jobs done. Any number of workers, on any number of machines, may run at once: none\n"
    "takes another's job, and the jobs of a worker that stops (even killed) go back to the queue.\n";

static const char worker_epilogue[] =
    "Without --once or --until-empty the worker waits for new jobs (every 2 s) until stopped.\n"
    "Workers do not publish: run `skillcert publish` (cron) for the status lists.\n"
    "Exit status: 0 done, 64 a bad flag or a registry without a queue (SQLite), 74 the\n"
    "registry unreachable, 70 internal.\n";

#define POLL_SECONDS 2

typedef struct worker_args {
  const char *home, *template_name, *qr;
  sc_passphrase_source passphrase;
  sc_qr_mode qr_mode;
  int jobs, batch;
  bool once, until_empty, no_pdf;
} worker_args;

/* One job's values, owned: the rows of a batch outlive the statement that read them. */
typedef struct taken_job {
  char *learner_id, *achievement_file, *name, *email, *did, *valid_until, *language, *roster;
  size_t line;
  bool look_up; /* its credential may be in the registry already */
} taken_job;

/* The jobs of one run of the batch pipeline: taken --batch at a time, up to CLAIMS_PER_RUN
 * times, so that the pipeline stays full from one take to the next while a take stays small
 * enough that workers finish a queue at about the same moment. The pipeline drains at the end
 * of a run, when the run's jobs are marked done (their files durable): its threads idle for
 * the last chunk's commit, sync and the finish, tens of milliseconds. At 8 takes a run (2,048
 * jobs) that was a few per cent of two workers' rate; at 64 (16,384 jobs, about 2 s of a
 * worker's time) it is under one. A worker stopped mid-run leaves its claims to the others,
 * who look up each of those jobs' credentials before issuing: a longer run only makes that
 * look-up longer. */
#define CLAIMS_PER_RUN 64

struct worker_run;
typedef struct taken_batch {
  taken_job *jobs;
  size_t count, cap, next;
  size_t claims, total; /* takes in this run, jobs taken in all of them */
  size_t max_claims;
  size_t per_claim;
  struct worker_run *run;
} taken_batch;

static char *copy(const char *s) {
  return s ? strdup(s) : NULL;
}

static void free_jobs(taken_batch *b) {
  for (size_t i = 0; i < b->count; i++) {
    taken_job *j = &b->jobs[i];
    free(j->learner_id), free(j->achievement_file), free(j->name), free(j->email);
    free(j->did), free(j->valid_until), free(j->language), free(j->roster);
  }
  b->count = b->next = 0;
}

static int keep_job(void *ctx, const sc_queued_row *row) {
  taken_batch *b = ctx;
  if (b->count == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    taken_job *jobs = realloc(b->jobs, cap * sizeof *jobs);
    if (!jobs)
      return SC_ESOFTWARE;
    b->jobs = jobs, b->cap = cap;
  }
  taken_job *j = &b->jobs[b->count++];
  *j = (taken_job){copy(row->learner_id), copy(row->achievement_file), copy(row->name),
                   copy(row->email), copy(row->did), copy(row->valid_until), copy(row->language),
                   copy(row->roster), row->line, row->look_up};
  return j->learner_id && j->name && j->email && j->roster ? SC_OK : SC_ESOFTWARE;
}

static int take(taken_batch *b, sc_error *err);

/* The pipeline copies what it keeps of a row, so the jobs of one take are freed at the next. */
static int next_row(void *ctx, sc_roster_row *row, sc_error *err) {
  taken_batch *b = ctx;
  *row = (sc_roster_row){0};
  if (b->next == b->count && b->claims < b->max_claims) {
    int rc = take(b, err);
    if (rc != SC_OK)
      return rc;
  }
  if (b->next == b->count)
    return SC_OK; /* line 0: the end */
  const taken_job *j = &b->jobs[b->next++];
  *row = (sc_roster_row){.line = j->line ? j->line : 1,
                         .name = j->name,
                         .email = j->email,
                         .id = j->learner_id,
                         .did = j->did,
                         .valid_until = j->valid_until,
                         .achievement = j->achievement_file,
                         .language = j->language,
                         .known_unissued = !j->look_up};
  return SC_OK;
}

/* A name no installed font can draw refuses its row only, as `issue --roster` does. */
static int refuse_row(void *ctx, const sc_roster_row *row, sc_error *err) {
  return sc_pdf_check_text(ctx, row->name, "name", err);
}

typedef struct worker_run {
  cli_issuing is; /* is.reg: the worker's one connection: its number, the queue, its status list */
  int64_t number;
} worker_run;

static int open_worker(const worker_args *a, worker_run *run, sc_error *err) {
  int rc = cli_home_open(a->home, &run->is.home, err);
  const char *name = a->template_name ? a->template_name : run->is.home.default_template;
  if (rc == SC_OK && !name)
    rc = sc_fail(err, SC_EUSAGE, "worker: --template NAME is needed (the home has no default)");
  if (rc == SC_OK)
    rc = cli_issuing_template(&run->is, name, a->no_pdf, NULL, err);
  if (rc == SC_OK)
    rc = sc_registry_open(&run->is.home, &run->is.reg, err);
  if (rc == SC_OK)
    rc = sc_registry_worker_join(run->is.reg, &run->number, err);
  if (rc == SC_OK)
    rc = sc_home_load_key(&run->is.home, &a->passphrase, &run->is.key, err);
  cli_issuing_ready(&run->is, a->no_pdf, a->qr_mode);
  return rc;
}

static int take(taken_batch *b, sc_error *err) {
  free_jobs(b);
  size_t taken = 0;
  int rc = sc_registry_take_jobs(b->run->is.reg, b->run->number, sc_template_name(b->run->is.tpl),
                                 b->per_claim, keep_job, b, &taken, err);
  b->claims = taken ? b->claims + 1 : b->max_claims; /* an empty take ends the run */
  b->total += taken;
  return rc == SC_ESOFTWARE && !err->message[0] ? sc_oom(err) : rc;
}

/* One run: take, issue, take more while the pipeline works, then mark the run's jobs done once
 * their files are written. *taken 0: the queue had nothing for this worker. */
static int work_batch(const worker_args *a, worker_run *run, size_t *taken, sc_error *err) {
  taken_batch batch = {.run = run,
                       .per_claim = (size_t)a->batch,
                       .max_claims = a->once ? 1 : CLAIMS_PER_RUN};
  int rc = take(&batch, err);
  *taken = batch.total;
  if (rc != SC_OK || !batch.count) {
    free_jobs(&batch);
    free(batch.jobs);
    return rc;
  }
  /* Messages name the first take's roster: the jobs' own strings are freed at the next take. */
  char roster[PATH_MAX];
  snprintf(roster, sizeof roster, "%s", batch.jobs[0].roster);
  sc_batch_options opts = {.roster_path = roster,
                           .workers = a->jobs,
                           .now = (int64_t)time(NULL),
                           .refuse = run->is.renderer ? refuse_row : NULL,
                           .refuse_ctx = run->is.renderer,
                           .next_row = next_row,
                           .rows_ctx = &batch,
                           .shared_output = true,
                           .registry = run->is.reg};
  sc_batch_progress done = {0};
  rc = sc_batch_issue(&run->is.ctx, &opts, NULL, NULL, &done, err);
  *taken = batch.total;
  size_t finished = 0;
  if (rc == SC_OK)
    rc = sc_registry_jobs_finish(run->is.reg, run->number, &finished, err);
  if (rc == SC_OK)
    fprintf(stderr,
            "skillcert: worker %lld: %zu job%s in %.1f s: %zu issued, %zu already issued, "
            "%zu repaired, %zu refused\n",
            (long long)run->number, batch.total, batch.total == 1 ? "" : "s", done.seconds,
            done.issued, done.skipped, done.repaired, done.refused);
  free_jobs(&batch);
  free(batch.jobs);
  return rc;
}

static int parse_args(int argc, char **argv, worker_args *a) {
  const cli_option options[] = {
      CLI_OPT_STRING("template", 0, &a->template_name, "NAME",
                     "take the jobs queued with this template (default: the home's\n"
                     "defaultTemplate)"),
      CLI_OPT_INT("jobs", 'j', &a->jobs, "N", 1, 256,
                  "signing and rendering threads (default: the number of cores)"),
      CLI_OPT_INT("batch", 0, &a->batch, "N", 1, 100000,
                  "jobs taken at a time (default 256)"),
      CLI_OPT_FLAG("once", 0, &a->once, "take one batch, issue it and stop"),
      CLI_OPT_FLAG("until-empty", 0, &a->until_empty,
                   "stop when the queue has no job left for this worker"),
      CLI_OPT_HOME(&a->home),
      CLI_OPT_REGISTRY(),
      CLI_OPT_PASSPHRASE_FILE(&a->passphrase),
      CLI_OPT_FLAG("no-pdf", 0, &a->no_pdf, "issue the JSON credentials only"),
      CLI_OPT_STRING("qr", 0, &a->qr, "MODE",
                     "what the QR code holds: auto, embed or link (as for issue)"),
  };
  const cli_command command = {"worker", worker_synopsis, worker_description, CLI_ROWS(options),
                               worker_epilogue};
  int first = 0;
  int rc = cli_parse(&command, argc, argv, &first);
  if (rc != SC_OK)
    return rc;
  if (first != argc)
    return cli_usage_error("worker", "unexpected argument '%s'", argv[first]);
  if (a->once && a->until_empty)
    return cli_usage_error("worker", "give one of --once and --until-empty, not both");
  if (a->qr && sc_qr_mode_parse(a->qr, &a->qr_mode) != SC_OK)
    return cli_usage_error("worker", "--qr expects auto, embed or link, got '%s'", a->qr);
  return SC_OK;
}

int cmd_worker(int argc, char **argv) {
  worker_args a = {.batch = 256};
  int rc = parse_args(argc, argv, &a);
  if (rc != SC_OK)
    return cli_parse_exit(rc);
  if (!a.jobs) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    a.jobs = cores > 0 && cores < 256 ? (int)cores : 1;
  }
  sc_error err = {0};
  worker_run run = {0};
  rc = open_worker(&a, &run, &err);
  for (bool more = true; rc == SC_OK && more;) {
    size_t taken = 0;
    rc = work_batch(&a, &run, &taken, &err);
    if (rc == SC_OK && !taken && !a.once && !a.until_empty)
      sleep(POLL_SECONDS);
    more = !a.once && (taken || !a.until_empty);
  }
  cli_issuing_close(&run.is);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
