/* Worker threads, the writer thread, and the queues between them and the batch's main thread. */
#include "issuer/batch_internal.h"

#include <stdlib.h>
#include <string.h>

/* Appends n jobs (a list linked by next) with one lock: a chunk moves between threads as one
 * hand-off, not one per credential. A waiter is woken only once what it waits for is there,
 * so a thread that waits for several jobs is not woken, in vain, by each. */
static void queue_append(sc_queue *q, sc_job *head, sc_job *tail, size_t n) {
  pthread_mutex_lock(&q->lock);
  if (q->tail)
    q->tail->next = head;
  else
    q->head = head;
  q->tail = tail;
  q->count += n;
  if (q->waiting && q->count >= q->wanted && n > 1)
    pthread_cond_broadcast(&q->ready);
  else if (q->waiting && q->count >= q->wanted)
    pthread_cond_signal(&q->ready);
  pthread_mutex_unlock(&q->lock);
}

void sc_queue_push(sc_queue *q, sc_job *job) {
  job->next = NULL;
  queue_append(q, job, job, 1);
}

void sc_queue_push_all(sc_queue *q, sc_job **jobs, size_t n) {
  if (!n)
    return;
  for (size_t i = 0; i + 1 < n; i++)
    jobs[i]->next = jobs[i + 1];
  jobs[n - 1]->next = NULL;
  queue_append(q, jobs[0], jobs[n - 1], n);
}

/* Waits for the queue to hold at least wanted jobs (or to close); takes one, or all. */
static sc_job *queue_take(sc_queue *q, size_t wanted, bool all) {
  pthread_mutex_lock(&q->lock);
  q->wanted = wanted ? wanted : 1;
  while (q->count < q->wanted && !q->closed) {
    q->waiting++;
    pthread_cond_wait(&q->ready, &q->lock);
    q->waiting--;
  }
  sc_job *job = q->head;
  if (job && all) {
    q->head = q->tail = NULL;
    q->count = 0;
  } else if (job) {
    q->head = job->next;
    if (!q->head)
      q->tail = NULL;
    job->next = NULL;
    q->count--;
  }
  pthread_mutex_unlock(&q->lock);
  return job;
}

sc_job *sc_queue_pop(sc_queue *q) {
  return queue_take(q, 1, false);
}

sc_job *sc_queue_pop_all(sc_queue *q, size_t wanted) {
  return queue_take(q, wanted, true);
}

static void queue_close(sc_queue *q) {
  pthread_mutex_lock(&q->lock);
  q->closed = true;
  pthread_cond_broadcast(&q->ready);
  pthread_mutex_unlock(&q->lock);
}

static void queue_init(sc_queue *q) {
  memset(q, 0, sizeof *q);
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->ready, NULL);
}

static void queue_destroy(sc_queue *q) {
  sc_job *job;
  while ((job = q->head)) {
    q->head = job->next;
    sc_job_free(job);
  }
  pthread_mutex_destroy(&q->lock);
  pthread_cond_destroy(&q->ready);
}

static void run_job(const sc_issue_context *ctx, sc_job *job) {
  switch (job->kind) {
  case SC_JOB_ISSUE:
    job->rc = sc_issue_prepare(ctx, &job->req, &job->prepared, &job->err);
    break;
  case SC_JOB_REPAIR:
    job->rc = sc_issue_prepare_existing(ctx, job->existing, strlen(job->existing), job->language,
                                        &job->prepared, &job->err);
    if (job->rc == SC_OK)
      job->rc = sc_issue_write(ctx, &job->prepared, &job->err);
    break;
  case SC_JOB_WRITE: /* the writer's */
    break;
  }
}

/* Each worker owns its PDF renderer (libharu documents are not shared between threads) and its
 * signer (an OpenSSL context set up once, not per credential; without one, when it cannot be
 * made, each credential makes its own and reports the error). */
static void *worker_main(void *arg) {
  sc_batch *b = arg;
  sc_issue_context ctx = *b->ctx;
  sc_error renderer_err = {0};
  ctx.renderer = sc_issue_makes_pdf(&ctx) ? sc_pdf_renderer_new(&renderer_err) : NULL;
  ctx.signer = ctx.key ? sc_signer_new(ctx.key, NULL) : NULL;
  ctx.shapes = b->shapes;
  sc_job *job;
  while ((job = sc_queue_pop(&b->todo))) {
    if (sc_issue_makes_pdf(&ctx) && !ctx.renderer) {
      job->rc = renderer_err.code; /* NULL comes with err set */
      job->err = renderer_err;
    } else {
      run_job(&ctx, job);
    }
    sc_queue_push(&b->done, job);
  }
  sc_pdf_renderer_free(ctx.renderer);
  sc_signer_free(ctx.signer);
  return NULL;
}

/* A chunk's files are staged as its jobs arrive and committed together with its last one;
 * when the commit fails, every job of the chunk reports it. */
static void commit_chunk_files(sc_batch *b, sc_file_group *files, sc_job **jobs, size_t n) {
  sc_error err = {0};
  int rc = sc_file_group_commit(files, &err);
  for (size_t i = 0; i < n; i++) {
    if (rc != SC_OK && jobs[i]->rc == SC_OK) {
      jobs[i]->rc = rc;
      jobs[i]->err = err;
    }
  }
  sc_queue_push_all(&b->done, jobs, n);
}

/* Once staged, a credential's tree and bytes are in the files: released here, not by the main
 * thread when the job comes back. Freeing a credential's jansson tree is a few percent of a
 * batch's CPU, and the main thread, which records every chunk, is the one that must not be
 * kept from the registry. What the manifest needs (id, paths, QR text) stays. */
void sc_release_staged(sc_prepared *p) {
  json_decref(p->credential);
  p->credential = NULL;
  sc_buf_free(&p->json);
  sc_buf_free(&p->pdf);
}

static void *writer_main(void *arg) {
  sc_batch *b = arg;
  sc_file_group files = {0};
  sc_job *staged[SC_CHUNK_MAX], *job, *next;
  size_t n = 0;
  while ((job = sc_queue_pop_all(&b->writes, 1))) {
    for (; job; job = next) {
      next = job->next;
      job->rc = sc_issue_stage(b->ctx, &job->prepared, &files, &job->err);
      sc_release_staged(&job->prepared);
      staged[n++] = job;
      if (job->ends_chunk || n == b->chunk_size) {
        commit_chunk_files(b, &files, staged, n);
        n = 0;
      }
    }
  }
  if (n)
    commit_chunk_files(b, &files, staged, n);
  return NULL;
}

/* How far ahead the main thread may run. The workers' share must outlast the main thread's
 * longest stretch away from the todo queue: it sleeps until half a chunk is back, and when
 * that fills the chunk it records all of it and waits for the registry's commit (its WAL
 * fsync) before it hands out another row. With one chunk and a few jobs queued, what was left
 * after the half chunk came back (about half a chunk) ran out during that commit and both
 * workers waited (docs/benchmarks.md, "fifth pass"); two chunks leave a chunk and a half. The
 * writer holds a chunk being synced and the next one waiting: signing goes on while it waits
 * for the disk. */
void sc_batch_set_bounds(sc_batch *b, int workers) {
  b->max_at_workers = 2 * b->chunk_size + 4 * (size_t)workers;
  b->max_at_writer = 2 * b->chunk_size;
}

int sc_workers_start(sc_batch *b) {
  queue_init(&b->todo);
  queue_init(&b->writes);
  queue_init(&b->done);
  if (pthread_create(&b->writer, NULL, writer_main, b) != 0) {
    sc_workers_stop(b);
    return sc_fail(&b->err, SC_ESOFTWARE, "cannot start the writer thread");
  }
  b->writer_started = true;
  int n = b->opts->workers > 0 ? b->opts->workers : 1;
  sc_batch_set_bounds(b, n);
  b->threads = calloc((size_t)n, sizeof *b->threads);
  if (!b->threads)
    return sc_oom(&b->err);
  for (; b->thread_count < n; b->thread_count++) {
    if (pthread_create(&b->threads[b->thread_count], NULL, worker_main, b) != 0) {
      sc_workers_stop(b);
      return sc_fail(&b->err, SC_ESOFTWARE, "cannot start worker threads");
    }
  }
  return SC_OK;
}

void sc_workers_stop(sc_batch *b) {
  queue_close(&b->todo);
  for (int i = 0; i < b->thread_count; i++)
    pthread_join(b->threads[i], NULL);
  free(b->threads);
  b->threads = NULL;
  b->thread_count = 0;
  queue_close(&b->writes);
  if (b->writer_started)
    pthread_join(b->writer, NULL);
  b->writer_started = false;
  queue_destroy(&b->todo);
  queue_destroy(&b->writes);
  queue_destroy(&b->done);
}
