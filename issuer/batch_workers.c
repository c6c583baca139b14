/* Worker threads, the writer thread, and the queues between them and the batch's main thread. */
#include "issuer/batch_internal.h"

#include <stdlib.h>
#include <string.h>

void sc_queue_push(sc_queue *q, sc_job *job) {
  job->next = NULL;
  pthread_mutex_lock(&q->lock);
  if (q->tail)
    q->tail->next = job;
  else
    q->head = job;
  q->tail = job;
  pthread_cond_signal(&q->ready);
  pthread_mutex_unlock(&q->lock);
}

sc_job *sc_queue_pop(sc_queue *q) {
  pthread_mutex_lock(&q->lock);
  while (!q->head && !q->closed)
    pthread_cond_wait(&q->ready, &q->lock);
  sc_job *job = q->head;
  if (job) {
    q->head = job->next;
    if (!q->head)
      q->tail = NULL;
  }
  pthread_mutex_unlock(&q->lock);
  return job;
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

/* Each worker owns its PDF renderer: libharu documents are not shared between threads. */
static void *worker_main(void *arg) {
  sc_batch *b = arg;
  sc_issue_context ctx = *b->ctx;
  sc_error renderer_err = {0};
  ctx.renderer = sc_issue_makes_pdf(&ctx) ? sc_pdf_renderer_new(&renderer_err) : NULL;
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
    sc_queue_push(&b->done, jobs[i]);
  }
}

static void *writer_main(void *arg) {
  sc_batch *b = arg;
  sc_file_group files = {0};
  sc_job *staged[SC_CHUNK], *job;
  size_t n = 0;
  while ((job = sc_queue_pop(&b->writes))) {
    job->rc = sc_issue_stage(b->ctx, &job->prepared, &files, &job->err);
    staged[n++] = job;
    if (job->ends_chunk || n == SC_CHUNK) {
      commit_chunk_files(b, &files, staged, n);
      n = 0;
    }
  }
  if (n)
    commit_chunk_files(b, &files, staged, n);
  return NULL;
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
  /* A chunk being written, the next one filling, and a few jobs per worker: rendering goes on
   * while the writer waits for the disk. */
  b->max_in_flight = 2 * SC_CHUNK + 4 * (size_t)n;
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
