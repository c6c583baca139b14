/* Shared by the batch runner's files only. */
#ifndef SKILLCERT_BATCH_INTERNAL_H
#define SKILLCERT_BATCH_INTERNAL_H

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "issuer/issuer.h"

/* Credentials per registry transaction, and per group of files written: each chunk costs a
 * transaction, a syncfs() and two hand-offs, and dirties pages of structures that take their
 * entries at random places (the registry's indexes on the credential id and the status slot,
 * the hashed folders out/ and public/c), whose number grows with what is already issued until
 * each entry dirties a page of its own. Larger groups share those pages: JSON-only chunks of
 * 512 (3 KB a credential) keep a 100,000-row batch's last tenth as fast as its first, where 128
 * lost 16-20 % (docs/benchmarks.md, "JSON batches, seventh pass"); with PDFs (40 KB each) 32
 * keep the writers' backlog small. */
#define SC_CHUNK_PDF 32
#define SC_CHUNK_JSON 512
#define SC_CHUNK_MAX SC_CHUNK_JSON
/* Writer threads, each writing whole chunks: one stages a chunk's files while the other waits
 * for its sync, so the disk's flush latency is paid once per two chunks on the batch's critical
 * path (docs/benchmarks.md, "JSON batches, sixth pass"). */
#define SC_WRITERS 2

typedef enum sc_job_kind {
  SC_JOB_ISSUE,  /* build, sign, render (a worker) */
  SC_JOB_REPAIR, /* re-render an earlier credential from the registry and write its files */
  SC_JOB_WRITE,  /* write the files of a recorded credential (the writer) */
} sc_job_kind;

typedef struct sc_job {
  sc_job_kind kind;
  size_t line; /* roster line, for messages */
  sc_issue_request req;
  char *name, *email, *did, *valid_until, *learner_id; /* owned copies of the row */
  const char *language; /* sc_languages' own tag, not a copy (NULL = the template's) */
  json_t *achievement; /* a reference to the batch's shared, read-only achievement */
  char *existing;                                      /* SC_JOB_REPAIR: credential text */
  sc_prepared prepared;
  int rc;
  sc_error err;
  bool ends_chunk; /* SC_JOB_WRITE: the writer commits its files with the chunk's */
  struct sc_job *next;
} sc_job;

typedef struct sc_queue {
  sc_job *head, *tail;
  size_t count;           /* jobs queued */
  size_t wanted, waiting; /* what the waiting threads wait for, and how many wait */
  pthread_mutex_t lock;
  pthread_cond_t ready;
  bool closed;
} sc_queue;

typedef struct sc_achievement_cache {
  char *path;
  json_t *achievement;
  /* The registry held no credential of this achievement when the batch began, and no other
   * process issues meanwhile (a SQLite home's issue lock): no row needs looking up. */
  bool none_issued;
  struct sc_achievement_cache *next;
} sc_achievement_cache;

typedef struct sc_batch {
  const sc_issue_context *ctx;
  const sc_batch_options *opts;
  sc_registry *reg;
  /* The registry's log while its commits are not synced (sc_registry_defer_durability): each
   * writer's file group syncs it before naming a chunk's files; -1 when commits are durable. */
  int registry_log;
  sc_queue todo, writes, done;
  pthread_t *threads;
  int thread_count;
  pthread_t writers[SC_WRITERS];
  int writer_count;
  size_t in_flight;                    /* jobs handed out and not yet finished */
  size_t at_writer;                    /* of those, recorded and with the writer */
  size_t max_at_workers, max_at_writer; /* how far each may be ahead */
  sc_job *chunk[SC_CHUNK_MAX];
  size_t chunk_len, chunk_size; /* chunk_size: SC_CHUNK_PDF or SC_CHUNK_JSON */
  sc_achievement_cache *achievements;
  sc_jsonld_shapes *shapes; /* the workers' canonical-form templates (NULL: none could be made) */
  json_t *issuer; /* the issuer Profile every credential embeds, shared like the achievement */
  FILE *manifest;
  char manifest_path[PATH_MAX], manifest_tmp[PATH_MAX + 16];
  FILE *run;                                      /* out/runs/<id>: the run's credential ids */
  char run_path[PATH_MAX], run_tmp[PATH_MAX + 16];
  sc_batch_progress progress;
  sc_batch_progress_fn progress_fn;
  void *progress_ctx;
  struct timespec started;
  sc_error err;
} sc_batch;

/* batch_jobs.c */
sc_job *sc_job_new_issue(sc_batch *b, const sc_roster_row *row, const json_t *achievement);
void sc_job_free(sc_job *job);
int sc_batch_achievement(sc_batch *b, const sc_roster_row *row, const sc_achievement_cache **entry);
int sc_batch_existing(sc_batch *b, const sc_roster_row *row, const json_t *existing);
int sc_batch_job_failed(sc_batch *b, sc_job *job);
int sc_batch_share_issuer(sc_batch *b);
void sc_batch_release(sc_batch *b);

/* batch_workers.c */
void sc_queue_push(sc_queue *q, sc_job *job);
void sc_queue_push_all(sc_queue *q, sc_job **jobs, size_t n); /* in order, one hand-off */
sc_job *sc_queue_pop(sc_queue *q); /* blocks; NULL once closed and empty */
/* Waits for at least wanted jobs (fewer once closed) and takes every job queued: a list
 * linked by next. Several threads may pop one job at a time; only one may wait for more. */
sc_job *sc_queue_pop_all(sc_queue *q, size_t wanted);
sc_job *sc_queue_pop_up_to(sc_queue *q, size_t wanted, size_t most); /* the first most jobs */
/* The first whole chunk queued (through the job with ends_chunk): waits for one, or NULL once
 * closed and empty; _now never waits. What the writers take. */
sc_job *sc_queue_pop_chunk(sc_queue *q);
sc_job *sc_queue_pop_chunk_now(sc_queue *q);
/* Sets max_at_workers and max_at_writer for b->chunk_size and this many workers. */
void sc_batch_set_bounds(sc_batch *b, int workers);
/* The writer's, once a job's files are staged: releases its bytes (the worker let the tree go). */
void sc_release_staged(sc_prepared *p);
int sc_workers_start(sc_batch *b);
void sc_workers_stop(sc_batch *b);

/* manifest.c */
int sc_manifest_open(sc_batch *b);
int sc_manifest_add(sc_batch *b, const char *name, const char *email, const char *id,
                    const char *json_path, const char *pdf_path, const char *qr_text);
int sc_manifest_close(sc_batch *b);  /* renames the finished manifest into place */
void sc_manifest_abort(sc_batch *b); /* removes an unfinished one */

#endif
