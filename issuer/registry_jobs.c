/* The queue: roster rows waiting in the registry, taken by `skillcert worker` processes on any
 * number of machines (docs/registry.md "The queue").
 *
 * Workers take jobs by claims: a claim is one row of job_claims naming a range of seq of one
 * template and the worker holding it, so a take writes one row however many jobs it takes, and
 * the job rows are written once, when they are done. Takes of one template take turns with
 * each other and with queueing (a transaction-level advisory lock), so two never claim the same
 * job and a range never passes over a job still being queued. A worker holds its number as a
 * session advisory lock: a worker that is killed lets go of it with its connection, and its
 * claims are taken over whole by the next take. A job is marked done only after its credential
 * is committed and its files are on disk; a credential is recorded once per (learner,
 * achievement) by the registry's UNIQUE key, so a job taken again after a crash finds its
 * credential and only rewrites what is missing. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Session advisory locks (classid WORKER_CLASS, objid the worker's number). */
#define WORKER_CLASS "21316"
/* Transaction advisory locks (classid QUEUE_CLASS, objid the template's hash): queueing and
 * taking jobs of one template take turns. */
#define QUEUE_CLASS "21318"

bool sc_registry_is_shared(const sc_registry *reg) {
  return reg->driver->postgres;
}

int sc_registry_queue(sc_registry *reg, const sc_queued_row *row, bool *added, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_QUEUE_JOB,
      /* The template's queue lock first (TAKE_LOCK_SQL), held until the queueing commits. */
      "INSERT INTO jobs (learner_id, achievement, achievement_file, template, name, email, did,"
      " valid_until, language, roster, line) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT),"
      " CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS TEXT),"
      " CAST($8 AS TEXT), CAST($9 AS TEXT), CAST($10 AS TEXT), CAST($11 AS BIGINT)"
      " FROM (SELECT pg_advisory_xact_lock(" QUEUE_CLASS ", hashtext(CAST($4 AS TEXT)))) t"
      " ON CONFLICT (learner_id, achievement) DO NOTHING RETURNING seq",
      err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  d->bind_text(stmt, 1, row->learner_id);
  d->bind_text(stmt, 2, row->achievement);
  d->bind_text(stmt, 3, row->achievement_file);
  d->bind_text(stmt, 4, row->template_name);
  d->bind_text(stmt, 5, row->name);
  d->bind_text(stmt, 6, row->email);
  d->bind_text(stmt, 7, row->did && *row->did ? row->did : NULL);
  d->bind_text(stmt, 8, row->valid_until && *row->valid_until ? row->valid_until : NULL);
  d->bind_text(stmt, 9, row->language && *row->language ? row->language : NULL);
  d->bind_text(stmt, 10, row->roster);
  d->bind_int64(stmt, 11, (int64_t)row->line);
  *added = false;
  int rc = sc_sql_step(reg, stmt, "queueing a job", added, err);
  d->reset(stmt);
  return rc;
}

/* Workers take the oldest queued jobs of a template by index (TAKE_NEW_CLAIM_SQL); with the
 * statistics of an empty table the planner would read and sort the whole queue for each take instead. */
int sc_registry_queue_analyze(sc_registry *reg, sc_error *err) {
  return reg->driver->postgres ? sc_registry_exec(reg, "ANALYZE jobs", err) : SC_OK;
}

int sc_registry_worker_join(sc_registry *reg, int64_t *worker, sc_error *err) {
  if (!reg->driver->postgres)
    return sc_fail(err, SC_EUSAGE,
                   "%s: the queue needs a PostgreSQL registry (several processes take jobs at "
                   "once); with SQLite, issue the roster with `skillcert issue --roster`",
                   reg->path);
  sc_sql_stmt *stmt = reg->driver->prepare(
      reg,
      "SELECT n, pg_advisory_lock(" WORKER_CLASS ", CAST(n AS INTEGER)) IS NULL FROM"
      " (SELECT nextval('skillcert_workers') AS n WHERE CAST($1 AS BIGINT) IS NOT NULL) t",
      err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, 0);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "joining the workers", &row, err);
  *worker = row ? reg->driver->column_int64(stmt, 0) : 0;
  reg->driver->finalize(stmt);
  if (rc == SC_OK && !*worker)
    rc = sc_fail(err, SC_ESOFTWARE, "%s: no worker number", reg->path);
  return rc;
}

static const char *text_or_null(sc_registry *reg, sc_sql_stmt *stmt, int i) {
  return reg->driver->column_type(stmt, i) == SC_SQL_NULL ? NULL
                                                          : reg->driver->column_text(stmt, i, NULL);
}

/* The workers alive: the numbers held as session advisory locks (a killed worker's went with
 * its connection). */
#define LIVE_WORKERS                                                                               \
  "ARRAY(SELECT CAST(CAST(l.objid AS TEXT) AS BIGINT) FROM pg_locks l"                             \
  " WHERE l.locktype = 'advisory'"                                                                 \
  " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"            \
  " AND l.classid = " WORKER_CLASS " AND l.objsubid = 2 AND l.granted)"

/* Takes and queueing of one template take turns (a transaction-level advisory lock, QUEUE_CLASS
 * and the template's hash): a take then never claims a range in which a job is still to be
 * committed, so a claim's range holds exactly the jobs the take read. */
#define TAKE_LOCK_SQL                                                                              \
  "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" QUEUE_CLASS ", hashtext(CAST($1 AS TEXT)))) t"

/* One claim of a worker that stopped (its number is held no more), now this worker's. */
#define TAKE_DEAD_CLAIM_SQL                                                                        \
  "UPDATE job_claims SET worker = $1, takes = takes + 1 WHERE id = (SELECT k.id FROM job_claims k" \
  " WHERE k.state = 'taken' AND k.template = $2 AND k.worker <> ALL (" LIVE_WORKERS ")"            \
  " ORDER BY k.id LIMIT 1) RETURNING lo, hi, takes"

/* A new claim: the next queued jobs past every claim of the template, up to $3. */
#define TAKE_NEW_CLAIM_SQL                                                                         \
  "INSERT INTO job_claims (template, lo, hi, worker)"                                              \
  " SELECT CAST($2 AS TEXT), min(seq), max(seq), CAST($1 AS BIGINT) FROM"                          \
  " (SELECT seq FROM jobs WHERE template = $2 AND state = 'queued' AND seq >"                      \
  " coalesce((SELECT max(hi) FROM job_claims WHERE template = $2), 0) ORDER BY seq"                \
  " LIMIT $3) s HAVING count(*) > 0 RETURNING lo, hi, takes"

/* A claim's jobs, each with whether its credential may be recorded already: always for a
 * claim taken over from a stopped worker (it may have committed some, and this statement's
 * snapshot may predate that), else when its learner had it when the job was taken. The look-up
 * names both columns of the credentials' UNIQUE (learner_id, achievement), so that it is one
 * index probe per job whatever the statistics: joined to achievements instead, a plan made
 * while the table looked empty hashed every credential at every take. */
#define CLAIM_JOBS_SQL                                                                             \
  "SELECT learner_id, achievement, achievement_file, template, name, email, did, valid_until,"    \
  " language, roster, line, CAST(CAST($4 AS INTEGER) > 1 OR EXISTS (SELECT 1 FROM credentials c"  \
  " WHERE c.learner_id = j.learner_id AND c.achievement ="                                         \
  " (SELECT a.id FROM achievements a WHERE a.iri = j.achievement)) AS INTEGER)"                    \
  " FROM jobs j WHERE j.template = $1 AND j.seq BETWEEN $2 AND $3 AND j.state = 'queued'"          \
  " ORDER BY j.seq"

typedef struct claim {
  int64_t lo, hi, takes;
} claim;

/* Runs a claiming statement; *got is false when it claimed nothing. */
static int claim_step(sc_registry *reg, sc_sql_stmt *stmt, claim *c, bool *got, sc_error *err) {
  const sc_registry_driver *d = reg->driver;
  int rc = sc_sql_step(reg, stmt, "taking jobs", got, err);
  if (rc == SC_OK && *got)
    *c = (claim){d->column_int64(stmt, 0), d->column_int64(stmt, 1), d->column_int64(stmt, 2)};
  d->reset(stmt);
  return rc;
}

static int each_claimed_job(sc_registry *reg, const char *template_name, const claim *c,
                            int (*each)(void *ctx, const sc_queued_row *row), void *ctx,
                            size_t *taken, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(reg, STMT_CLAIM_JOBS, CLAIM_JOBS_SQL, err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  d->bind_text(stmt, 1, template_name);
  d->bind_int64(stmt, 2, c->lo);
  d->bind_int64(stmt, 3, c->hi);
  d->bind_int64(stmt, 4, c->takes);
  bool row = false;
  int rc;
  while ((rc = sc_sql_step(reg, stmt, "taking jobs", &row, err)) == SC_OK && row) {
    sc_queued_row job = {
        .learner_id = text_or_null(reg, stmt, 0),
        .achievement = text_or_null(reg, stmt, 1),
        .achievement_file = text_or_null(reg, stmt, 2),
        .template_name = text_or_null(reg, stmt, 3),
        .name = text_or_null(reg, stmt, 4),
        .email = text_or_null(reg, stmt, 5),
        .did = text_or_null(reg, stmt, 6),
        .valid_until = text_or_null(reg, stmt, 7),
        .language = text_or_null(reg, stmt, 8),
        .roster = text_or_null(reg, stmt, 9),
        .line = (size_t)d->column_int64(stmt, 10),
        .look_up = d->column_int64(stmt, 11) != 0,
    };
    (*taken)++;
    if ((rc = each(ctx, &job)) != SC_OK)
      break;
  }
  d->reset(stmt);
  return rc;
}

/* Claims per take at the most: stopped workers' claims beyond it wait for the next take. */
#define CLAIMS_PER_TAKE 16

static int claim_by(sc_registry *reg, enum sc_registry_stmt which, const char *sql, int64_t worker,
                    const char *template_name, size_t room, claim *c, bool *got, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(reg, which, sql, err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, worker);
  reg->driver->bind_text(stmt, 2, template_name);
  if (which == STMT_TAKE_NEW_CLAIM)
    reg->driver->bind_int64(stmt, 3, (int64_t)room);
  return claim_step(reg, stmt, c, got, err);
}

/* Under the template's queue lock: claims of stopped workers first, one at a time while the
 * take has room (a claim's range counts as full), then one new claim for the rest. A claim is a
 * range of seq, so claiming 256 jobs writes one row, not 256. */
static int lock_template_queue(sc_registry *reg, const char *template_name, sc_error *err) {
  sc_sql_stmt *lock = sc_registry_stmt(reg, STMT_TAKE_LOCK, TAKE_LOCK_SQL, err);
  if (!lock)
    return err->code;
  reg->driver->bind_text(lock, 1, template_name);
  bool row = false;
  int rc = sc_sql_step(reg, lock, "taking jobs", &row, err);
  reg->driver->reset(lock);
  return rc;
}

static int claim_ranges(sc_registry *reg, int64_t worker, const char *template_name, size_t max,
                        claim claims[CLAIMS_PER_TAKE], size_t *n, sc_error *err) {
  int rc = lock_template_queue(reg, template_name, err);
  size_t room = max;
  bool got = true;
  while (rc == SC_OK && got && room > 0 && *n < CLAIMS_PER_TAKE - 1) {
    claim *c = &claims[*n];
    rc = claim_by(reg, STMT_TAKE_DEAD_CLAIM, TAKE_DEAD_CLAIM_SQL, worker, template_name, 0, c,
                  &got, err);
    if (rc == SC_OK && got) {
      uint64_t span = (uint64_t)(c->hi - c->lo) + 1;
      room = span >= room ? 0 : room - (size_t)span;
      (*n)++;
    }
  }
  if (rc == SC_OK && room > 0) {
    rc = claim_by(reg, STMT_TAKE_NEW_CLAIM, TAKE_NEW_CLAIM_SQL, worker, template_name, room,
                  &claims[*n], &got, err);
    *n += rc == SC_OK && got;
  }
  return rc;
}

/* The claims are made in one short transaction holding the template's lock; their jobs are
 * read after it commits, so that takes of many workers wait for each other only as long as
 * claiming takes. No job of the template can enter a claimed range after the claim: queueing
 * waits for the lock and then draws its seq past every one claimed. */
int sc_registry_take_jobs(sc_registry *reg, int64_t worker, const char *template_name, size_t max,
                          int (*each)(void *ctx, const sc_queued_row *row), void *ctx,
                          size_t *taken, sc_error *err) {
  *taken = 0;
  if (!reg->driver->postgres)
    return sc_fail(err, SC_EUSAGE, "%s: the queue needs a PostgreSQL registry", reg->path);
  claim claims[CLAIMS_PER_TAKE];
  size_t n = 0;
  int rc = reg->driver->begin_issue(reg, err);
  if (rc == SC_OK)
    rc = claim_ranges(reg, worker, template_name, max, claims, &n, err);
  if (rc == SC_OK)
    rc = sc_registry_commit(reg, err);
  if (rc != SC_OK) {
    sc_registry_rollback(reg);
    return rc;
  }
  /* A failure from here leaves the claims taken by this worker; it stops, and they are taken
   * over with the look-up. */
  for (size_t i = 0; rc == SC_OK && i < n; i++)
    rc = each_claimed_job(reg, template_name, &claims[i], each, ctx, taken, err);
  return rc;
}

/* The jobs of worker's claims: done with their credential's id when the registry holds one, else
 * refused (a name no installed font can draw), then the claims done. A done job forgets the
 * learner's name, address and DID: the credential holds what it must (the name, the address
 * only as a salted hash), and the registry keeps no address (docs/mail.md; `mail` reads them
 * from the roster given again). The learner id and achievement stay: they keep a roster queued
 * again from adding the job twice. No column these updates change is indexed, so they are HOT
 * updates: a new version of the row in its own page, no index entry. */
#define FINISH_JOBS_SQL                                                                            \
  "UPDATE jobs SET state = 'done', credential = c.id, name = '', email = '', did = NULL"           \
  " FROM job_claims k, credentials c, achievements a"                                              \
  " WHERE k.worker = $1 AND k.state = 'taken' AND jobs.template = k.template"                      \
  " AND jobs.seq BETWEEN k.lo AND k.hi AND jobs.state = 'queued' AND a.iri = jobs.achievement"     \
  " AND c.achievement = a.id AND c.learner_id = jobs.learner_id RETURNING jobs.seq"
#define REFUSE_JOBS_SQL                                                                            \
  "UPDATE jobs SET state = 'refused' FROM job_claims k WHERE k.worker = $1 AND k.state = 'taken'" \
  " AND jobs.template = k.template AND jobs.seq BETWEEN k.lo AND k.hi AND jobs.state = 'queued'"
#define CLAIMS_DONE_SQL "UPDATE job_claims SET state = 'done' WHERE worker = $1 AND state = 'taken'"

/* Runs one of the finish's statements for worker's claims; *rows: the rows it returned. */
static int finish_step(sc_registry *reg, enum sc_registry_stmt which, const char *sql,
                       int64_t worker, size_t *rows, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(reg, which, sql, err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, worker);
  bool row = false;
  int rc;
  while ((rc = sc_sql_step(reg, stmt, "finishing jobs", &row, err)) == SC_OK && row)
    (*rows)++;
  reg->driver->reset(stmt);
  return rc;
}

static int finish_claims(sc_registry *reg, int64_t worker, size_t *done, sc_error *err) {
  size_t unused = 0;
  int rc = finish_step(reg, STMT_FINISH_JOBS, FINISH_JOBS_SQL, worker, done, err);
  if (rc == SC_OK)
    rc = finish_step(reg, STMT_REFUSE_JOBS, REFUSE_JOBS_SQL, worker, &unused, err);
  if (rc == SC_OK)
    rc = finish_step(reg, STMT_CLAIMS_DONE, CLAIMS_DONE_SQL, worker, &unused, err);
  return rc;
}

int sc_registry_jobs_finish(sc_registry *reg, int64_t worker, size_t *done, sc_error *err) {
  *done = 0;
  int rc = reg->driver->begin_issue(reg, err);
  if (rc == SC_OK)
    rc = finish_claims(reg, worker, done, err);
  if (rc == SC_OK)
    rc = sc_registry_commit(reg, err);
  if (rc != SC_OK) {
    sc_registry_rollback(reg);
    *done = 0;
  }
  return rc;
}

int sc_registry_queue_counts(sc_registry *reg, sc_queue_counts *counts, sc_error *err) {
  *counts = (sc_queue_counts){0};
  sc_sql_stmt *stmt = reg->driver->prepare(
      reg,
      "SELECT CASE WHEN j.state = 'queued' AND EXISTS (SELECT 1 FROM job_claims k"
      " WHERE k.state = 'taken' AND k.template = j.template AND j.seq BETWEEN k.lo AND k.hi)"
      " THEN 'taken' ELSE j.state END, count(*) FROM jobs j WHERE CAST($1 AS BIGINT) IS NOT NULL"
      " GROUP BY 1",
      err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, 0);
  bool row = false;
  int rc;
  while ((rc = sc_sql_step(reg, stmt, "counting jobs", &row, err)) == SC_OK && row) {
    const char *state = reg->driver->column_text(stmt, 0, NULL);
    int64_t n = reg->driver->column_int64(stmt, 1);
    if (strcmp(state, "queued") == 0)
      counts->queued = n;
    else if (strcmp(state, "taken") == 0)
      counts->taken = n;
    else if (strcmp(state, "done") == 0)
      counts->done = n;
    else
      counts->refused = n;
  }
  reg->driver->finalize(stmt);
  return rc;
}
