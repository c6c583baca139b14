/* Shared by the benchmark programs: a temporary issuer home and a timed loop. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "bench/bench_support.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#define ACHIEVEMENT "templates/ai-fundamentals/achievement.json"
#define WARMUP_SECONDS 0.3

void bench_die(const char *what, const sc_error *err) {
  fprintf(stderr, "bench: %s: %s\n", what, err ? err->message : "failed");
  exit(1);
}

void bench_home_open(bench_home *bh) {
  memset(bh, 0, sizeof *bh);
  const char *tmp = getenv("TMPDIR");
  snprintf(bh->dir, sizeof bh->dir, "%s/skillcert-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(bh->dir))
    bench_die("mkdtemp", NULL);
  char root[PATH_MAX];
  sc_error err = {0};
  if (sc_path_format(root, sizeof root, SC_ECANTCREAT, &err, "%s/home", bh->dir) != SC_OK)
    bench_die("home", &err);
  sc_passphrase_source no_passphrase = {.none = true};
  sc_home_init_options opts = {
      .name = "Bench Academy", .url = "https://bench.example", .passphrase = &no_passphrase,
      .suspension = true /* bench_issue_published suspends a credential */};
  if (sc_home_init(root, &opts, &err) != SC_OK)
    bench_die("init", &err);
  if (sc_home_open(root, &bh->home, &err) != SC_OK)
    bench_die("open home", &err);
  if (sc_home_load_key(&bh->home, &no_passphrase, &bh->key, &err) != SC_OK)
    bench_die("load key", &err);
  if (sc_achievement_load(ACHIEVEMENT, &bh->achievement, &err) != SC_OK)
    bench_die(ACHIEVEMENT, &err);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* With BENCH_KEEP_HOMES set the folder stays, for the caller to remove when every measurement
 * is done: on ext4 without a journal (this machine's disk) the inode allocator skips inodes
 * freed in the last 1 to 6 minutes (recently_deleted() in fs/ext4/ialloc.c), so deleting a
 * finished run's 20,000 files makes the next run's file creation several times slower, and
 * the next figure would measure the previous cleanup (docs/benchmarks.md). */
void bench_home_close(bench_home *bh) {
  EVP_PKEY_free(bh->key);
  json_decref(bh->achievement);
  sc_home_close(&bh->home);
  const char *keep = getenv("BENCH_KEEP_HOMES");
  if (!keep || !*keep)
    nftw(bh->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

sc_issue_request bench_request(const bench_home *bh) {
  return (sc_issue_request){
      .recipient = {.name = "Ada Lovelace", .email = "ada@example.org"},
      .achievement = bh->achievement,
      .now = (int64_t)time(NULL),
  };
}

/* Issues one credential through the registry (reserved slot, record, write), as
 * `skillcert issue` does; *out gets its file bytes, *urn its id. */
static void issue_recorded(bench_home *bh, sc_registry *reg, sc_buf *out, char urn[64]) {
  sc_error err = {0};
  sc_issue_request req = bench_request(bh);
  sc_issue_context issue = {.home = &bh->home, .key = bh->key};
  if (sc_registry_reserve_index(reg, &req.status_list, &req.status_index, &err) != SC_OK)
    bench_die("reserve index", &err);
  sc_prepared p;
  if (sc_issue_prepare(&issue, &req, &p, &err) != SC_OK ||
      sc_issue_record(reg, &issue, &req, &p, &err) != SC_OK ||
      sc_issue_write(&issue, &p, &err) != SC_OK)
    bench_die("issue", &err);
  snprintf(urn, 64, "%s", p.id);
  *out = p.json;
  p.json = (sc_buf){0};
  sc_prepared_free(&p);
}

void bench_issue_published(bench_home *bh, sc_buf *credential) {
  sc_error err = {0};
  sc_registry *reg = NULL;
  if (sc_registry_open(&bh->home, &reg, &err) != SC_OK)
    bench_die("registry", &err);
  char urn[64], revoked[64], suspended[64];
  sc_buf other = {0};
  issue_recorded(bh, reg, credential, urn);
  issue_recorded(bh, reg, &other, revoked);
  sc_buf_free(&other);
  issue_recorded(bh, reg, &other, suspended);
  sc_buf_free(&other);
  if (sc_registry_change_status(reg, revoked, SC_CHANGE_REVOKE, "bench", NULL, &err) != SC_OK ||
      sc_registry_change_status(reg, suspended, SC_CHANGE_SUSPEND, "bench", NULL, &err) != SC_OK)
    bench_die("status change", &err);
  sc_publish_options publish = {.now = (int64_t)time(NULL)};
  if (sc_publish_lists(&bh->home, bh->key, reg, NULL, 0, &publish, &err) != SC_OK)
    bench_die("publish", &err);
  sc_registry_close(reg);
}

double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_seconds(void) {
  const char *text = getenv("BENCH_SECONDS");
  double seconds = text ? strtod(text, NULL) : 0;
  return seconds > 0 ? seconds : 3.0;
}

/* Runs step until `seconds` have passed; returns how many steps ran. Reading the clock costs
 * tens of nanoseconds against tens of microseconds per step, so it is read every time. */
static long run_for(const char *name, bench_step step, void *ctx, double seconds, double *took) {
  sc_error err = {0};
  double start = bench_now(), elapsed = 0;
  long steps = 0;
  while (elapsed < seconds) {
    if (step(ctx, &err) != SC_OK)
      bench_die(name, &err);
    steps++;
    elapsed = bench_now() - start;
  }
  *took = elapsed;
  return steps;
}

double bench_rate(const char *name, bench_step step, void *ctx) {
  double took;
  run_for(name, step, ctx, WARMUP_SECONDS, &took);
  long steps = run_for(name, step, ctx, bench_seconds(), &took);
  return (double)steps / took;
}

void bench_report(const char *name, double rate, const char *unit) {
  printf("%s %.1f %s\n", name, rate, unit);
  fflush(stdout);
}

int bench_verify_once(void *opaque, sc_error *err) {
  bench_verify_ctx *ctx = opaque;
  sc_verification result;
  memset(&result, 0, sizeof result);
  int rc = sc_verify_json((const char *)ctx->credential.data, ctx->credential.len, "bench",
                          &ctx->opts, &result);
  if (rc != SC_OK)
    sc_fail(err, rc, "verification did not pass (exit %d): %s", rc,
            result.check_count ? result.checks[result.check_count - 1].message : "");
  sc_verification_free(&result);
  return rc;
}
