/* The queue: roster rows waiting in the registry, taken by `skillcert worker` processes on any
 * number of machines (docs/registry.md "The queue").
 *
 * A job is taken with FOR UPDATE SKIP LOCKED (two workers never take the same one) and marked
 * with the worker's number; the worker holds that number as a session advisory lock, so a
 * worker that is killed lets go of it with its connection, and its jobs count as queued again.
 * A job is marked done only after its credential is committed and its files are on disk; a
 * credential is recorded once per (learner, achievement) by the registry's UNIQUE key, so a job
 * taken again after a crash finds its credential and only rewrites what is missing. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Session advisory locks (classid WORKER_CLASS, objid the worker's number). */
#define WORKER_CLASS "21316"

bool sc_registry_is_shared(const sc_registry *reg) {
  return reg->driver->postgres;
}

int sc_registry_queue(sc_registry *reg, const sc_queued_row *row, bool *added, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_QUEUE_JOB,
      "INSERT INTO jobs (learner_id, achievement, achievement_file, template, name, email, did,"
      " valid_until, language, roster, line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
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

/* Workers take the oldest queued jobs by index (TAKE_SQL); with the statistics of an empty
 * table the planner would read and sort the whole queue for each take instead. */
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

/* A job taken by a worker whose number nobody holds any more is queued again: that worker
 * stopped (killed, its machine gone) with the job unfinished. Each job comes with whether its
 * credential may be in the registry already, so that a worker looks up only those, not every
 * job (one statement fewer per credential): a job queued when its learner already had the
 * credential, or one a stopped worker held — for that one the answer of this statement could
 * be stale (its snapshot may predate the stopped worker's last commit, while pg_locks shows the
 * worker gone), so it is always looked up again, in a statement of its own. The workers alive
 * are read from pg_locks once per take (`live`), and the workers holding jobs by skipping
 * through jobs_taken (`holders`: one index probe per worker), so that a take does not read
 * every job the live workers hold to find those of a stopped one. */
#define TAKE_SQL                                                                                   \
  "WITH RECURSIVE live AS MATERIALIZED (SELECT CAST(CAST(l.objid AS TEXT) AS BIGINT) AS worker"    \
  " FROM pg_locks l WHERE l.locktype = 'advisory'"                                                 \
  " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"            \
  " AND l.classid = " WORKER_CLASS " AND l.objsubid = 2 AND l.granted),"                           \
  " holders(worker) AS (SELECT min(worker) FROM jobs WHERE state = 'taken' UNION ALL"              \
  " SELECT (SELECT min(j.worker) FROM jobs j WHERE j.state = 'taken' AND j.worker > h.worker)"     \
  " FROM holders h WHERE h.worker IS NOT NULL),"                                                   \
  " dead AS (SELECT seq, state FROM jobs j WHERE j.state = 'taken' AND j.template = $2"            \
  " AND j.worker = ANY (ARRAY(SELECT worker FROM holders WHERE worker IS NOT NULL"                \
  " AND worker NOT IN (SELECT worker FROM live))) ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED),"  \
  " queued AS (SELECT seq, state FROM jobs j WHERE j.state = 'queued' AND j.template = $2"          \
  " ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED),"                                               \
  " taken AS (UPDATE jobs SET state = 'taken', worker = $1 WHERE seq = ANY (ARRAY("               \
  " SELECT seq FROM dead UNION ALL SELECT seq FROM queued LIMIT $3)) RETURNING seq, learner_id,"   \
  " achievement, achievement_file, template, name, email, did, valid_until, language, roster,"    \
  " line)"                                                                                         \
  " SELECT learner_id, achievement, achievement_file, template, name, email, did, valid_until,"   \
  " language, roster, line, CAST(seq IN (SELECT seq FROM dead) OR EXISTS (SELECT 1"                \
  " FROM credentials c JOIN achievements a ON a.id = c.achievement"                                \
  " WHERE c.learner_id = taken.learner_id AND a.iri = taken.achievement) AS INTEGER)"              \
  " FROM taken ORDER BY seq"

int sc_registry_take_jobs(sc_registry *reg, int64_t worker, const char *template_name, size_t max,
                          int (*each)(void *ctx, const sc_queued_row *row), void *ctx,
                          size_t *taken, sc_error *err) {
  *taken = 0;
  sc_sql_stmt *stmt = sc_registry_stmt(reg, STMT_TAKE_JOBS, TAKE_SQL, err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  d->bind_int64(stmt, 1, worker);
  d->bind_text(stmt, 2, template_name);
  d->bind_int64(stmt, 3, (int64_t)max);
  /* One statement, committed on its own: the jobs are ours once it returns. */
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

/* A done job forgets the learner's name, address and DID: the credential holds what it must
 * (the name, the address only as a salted hash), and the registry keeps no address (docs/mail.md;
 * `mail` reads them from the roster given again). The learner id and achievement stay: they
 * keep a roster queued again from adding the job twice. */
int sc_registry_jobs_finish(sc_registry *reg, int64_t worker, size_t *done, sc_error *err) {
  const sc_registry_driver *d = reg->driver;
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_FINISH_JOBS,
      "UPDATE jobs SET state = 'done', credential = c.id, name = '', email = '', did = NULL"
      " FROM credentials c, achievements a"
      " WHERE jobs.worker = $1 AND jobs.state = 'taken' AND a.iri = jobs.achievement"
      " AND c.achievement = a.id AND c.learner_id = jobs.learner_id RETURNING jobs.seq",
      err);
  if (!stmt)
    return err->code;
  d->bind_int64(stmt, 1, worker);
  bool row = false;
  int rc;
  *done = 0;
  while ((rc = sc_sql_step(reg, stmt, "finishing jobs", &row, err)) == SC_OK && row)
    (*done)++;
  d->reset(stmt);
  if (rc != SC_OK)
    return rc;
  sc_sql_stmt *refused = sc_registry_stmt(
      reg, STMT_REFUSE_JOBS,
      "UPDATE jobs SET state = 'refused' WHERE worker = $1 AND state = 'taken'", err);
  if (!refused)
    return err->code;
  d->bind_int64(refused, 1, worker);
  rc = sc_sql_step(reg, refused, "finishing jobs", &row, err);
  d->reset(refused);
  return rc;
}

int sc_registry_queue_counts(sc_registry *reg, sc_queue_counts *counts, sc_error *err) {
  *counts = (sc_queue_counts){0};
  sc_sql_stmt *stmt = reg->driver->prepare(
      reg, "SELECT state, count(*) FROM jobs WHERE CAST($1 AS BIGINT) IS NOT NULL GROUP BY state",
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
