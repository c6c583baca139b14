/*
 * bench/bench_support.h — what the benchmark programs share: a throw-away issuer home, a
 * timed loop, and the result line bench/run.sh turns into "bench <name> <value> <unit> ratio …".
 */
#ifndef SKILLCERT_BENCH_SUPPORT_H
#define SKILLCERT_BENCH_SUPPORT_H

#include "issuer/issuer.h"
#include "verifier/verifier.h"

/* An issuer home in a new temporary folder, opened, with its key and an achievement loaded. */
typedef struct bench_home {
  char dir[PATH_MAX]; /* the temporary folder, removed by bench_home_close */
  sc_home home;
  EVP_PKEY *key;
  json_t *achievement;
} bench_home;

/* Exits with a message on any failure: a benchmark that half works measures nothing. */
void bench_home_open(bench_home *bh);
void bench_home_close(bench_home *bh);

/* A request for one learner, valid from now. */
sc_issue_request bench_request(const bench_home *bh);

/* Issues a credential through the registry (as `skillcert issue` does) and two neighbours,
 * revokes one neighbour and suspends the other, and publishes the status lists into the home's
 * public/ folder. *credential gets the text of the credential under test. */
void bench_issue_published(bench_home *bh, sc_buf *credential);

/* One unit of work; returns SC_OK or a code (which stops the benchmark). */
typedef int (*bench_step)(void *ctx, sc_error *err);

/* A monotonic clock in seconds. */
double bench_now(void);
/* $BENCH_SECONDS, or 3: how long each measurement runs. */
double bench_seconds(void);

/* Runs step for about $BENCH_SECONDS (default 3) seconds after a short warm-up and returns
 * the rate in steps per second. */
double bench_rate(const char *name, bench_step step, void *ctx);

/* Prints "<name> <rate> <unit>" for bench/run.sh. */
void bench_report(const char *name, double rate, const char *unit);

/* Prints the error and exits 1. */
void bench_die(const char *what, const sc_error *err) __attribute__((noreturn));

/* One credential's text and the options to verify it with: the step of verify-json and
 * verify-status. */
typedef struct bench_verify_ctx {
  sc_buf credential;
  sc_verify_options opts;
} bench_verify_ctx;

/* A bench_step: verifies ctx (a bench_verify_ctx) once; anything but valid is a failure. */
int bench_verify_once(void *ctx, sc_error *err);

#endif
