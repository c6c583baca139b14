/* Worker threads, the writer threads, and the queues between them and the batch's main thread. */
#include "issuer/batch_internal.h"

#include <stdint.h>
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

/* With q->lock held: waits until the queue holds at least wanted jobs, or is closed. */
static void queue_wait(sc_queue *q, size_t wanted) {
  q->wanted = wanted;
  while (q->count < q->wanted && !q->closed) {
    q->waiting++;
    pthread_cond_wait(&q->ready, &q->lock);
    q->waiting--;
  }
}

/* With q->lock held: takes the jobs from the head through last (taken of them). */
static sc_job *queue_detach(sc_queue *q, sc_job *last, size_t taken) {
  sc_job *job = q->head;
  if (last) {
    q->head = last->next;
    if (!q->head)
      q->tail = NULL;
    last->next = NULL;
    q->count -= taken;
  }
  return job;
}

/* Waits for the queue to hold at least wanted jobs (or to close); takes the first jobs, at
 * most most of them. wanted 0: takes what there is without waiting. */
static sc_job *queue_take(sc_queue *q, size_t wanted, size_t most) {
  pthread_mutex_lock(&q->lock);
  if (wanted)
    queue_wait(q, wanted);
  sc_job *last = q->head;
  size_t taken = last ? 1 : 0;
  if (most >= q->count) { /* all of them */
    last = q->tail;
    taken = q->count;
  }
  for (; taken < most && last && last->next; taken++)
    last = last->next;
  sc_job *job = queue_detach(q, last, taken);
  pthread_mutex_unlock(&q->lock);
  return job;
}

sc_job *sc_queue_pop(sc_queue *q) {
  return queue_take(q, 1, 1);
}

sc_job *sc_queue_pop_all(sc_queue *q, size_t wanted) {
  return queue_take(q, wanted ? wanted : 1, SIZE_MAX);
}

sc_job *sc_queue_pop_up_to(sc_queue *q, size_t wanted, size_t most) {
  return queue_take(q, wanted ? wanted : 1, most ? most : 1);
}

/* The first chunk queued: the jobs up to and including the first that ends a chunk. The main
 * thread queues whole chunks (sc_queue_push_all), so a chunk is never split between two
 * writers. */
static sc_job *queue_take_chunk(sc_queue *q, bool wait) {
  pthread_mutex_lock(&q->lock);
  if (wait)
    queue_wait(q, 1);
  sc_job *last = q->head;
  size_t taken = last ? 1 : 0;
  for (; last && !last->ends_chunk && last->next; taken++)
    last = last->next;
  sc_job *job = queue_detach(q, last, taken);
  pthread_mutex_unlock(&q->lock);
  return job;
}

sc_job *sc_queue_pop_chunk(sc_queue *q) {
  return queue_take_chunk(q, true);
}

sc_job *sc_queue_pop_chunk_now(sc_queue *q) {
  return queue_take_chunk(q, false);
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
    /* Past the worker only the bytes and the fields copied out of the tree are used
     * (sc_prepared): let the tree go here, in parallel, instead of holding ≈ 20 KB a job
     * through the registry's and the writers' queues. */
    json_decref(job->prepared.credential);
    job->prepared.credential = NULL;
    sc_queue_push(&b->done, job);
  }
  sc_pdf_renderer_free(ctx.renderer);
  sc_signer_free(ctx.signer);
  return NULL;
}

/* Once staged, a credential's bytes are in the files: released here, not by the main thread
 * when the job comes back, which records every chunk and must not be kept from the registry.
 * What the manifest needs (id, paths, QR text) stays. */
void sc_release_staged(sc_prepared *p) {
  sc_buf_free(&p->json);
  sc_buf_free(&p->pdf);
}

/* The writer's chunks: the one being staged, and the one committed before it, whose names
 * become durable with the next commit's sync (sc_file_group_commit_names_later). */
typedef struct writer_state {
  sc_file_group files;
  sc_job *staged[SC_CHUNK_MAX], *named[SC_CHUNK_MAX];
  size_t staged_count, named_count;
} writer_state;

/* The chunk committed last is done: its names are durable now. */
static void hand_back_named(sc_batch *b, writer_state *w) {
  sc_queue_push_all(&b->done, w->named, w->named_count);
  w->named_count = 0;
}

/* A chunk's files are staged as its jobs arrive and committed together with its last one;
 * when the commit fails, every job of the chunk reports it. The commit's sync of the data
 * makes the previous chunk's names durable too: that chunk goes back then, and this one waits
 * for the next commit (or for sc_file_group_sync_names, when no chunk follows at once). */
static void commit_staged(sc_batch *b, writer_state *w) {
  sc_error err = {0};
  int rc = sc_file_group_commit_names_later(&w->files, &err);
  hand_back_named(b, w);
  for (size_t i = 0; i < w->staged_count; i++) {
    if (rc != SC_OK && w->staged[i]->rc == SC_OK) {
      w->staged[i]->rc = rc;
      w->staged[i]->err = err;
    }
  }
  if (sc_file_group_names_pending(&w->files)) {
    memcpy(w->named, w->staged, w->staged_count * sizeof *w->staged);
    w->named_count = w->staged_count;
  } else { /* a failed commit leaves nothing pending: what it named is synced */
    sc_queue_push_all(&b->done, w->staged, w->staged_count);
  }
  w->staged_count = 0;
}

/* Takes the next chunk's jobs. A chunk whose names are pending is not held while the writer
 * waits: when nothing is queued, its names are synced on their own and it goes back. */
static sc_job *next_writes(sc_batch *b, writer_state *w) {
  sc_job *jobs = w->named_count ? sc_queue_pop_chunk_now(&b->writes) : NULL;
  if (!jobs && w->named_count) {
    sc_file_group_sync_names(&w->files);
    hand_back_named(b, w);
  }
  return jobs ? jobs : sc_queue_pop_chunk(&b->writes);
}

static void *writer_main(void *arg) {
  sc_batch *b = arg;
  writer_state state = {0}, *w = &state;
  /* The registry names its log only while its commits are not synced (a batch without a
   * registry, as the tests' zeroed one, has none). */
  const char *log_path = b->reg ? sc_registry_log_path(b->reg) : NULL;
  if (log_path)
    sc_file_group_sync_also(&w->files, b->registry_log, log_path);
  for (sc_job *job, *next; (job = next_writes(b, w));) {
    for (; job; job = next) {
      next = job->next;
      job->rc = sc_issue_stage(b->ctx, &job->prepared, &w->files, &job->err);
      sc_release_staged(&job->prepared);
      w->staged[w->staged_count++] = job;
      if (job->ends_chunk || w->staged_count == b->chunk_size)
        commit_staged(b, w);
    }
  }
  if (w->staged_count)
    commit_staged(b, w);
  sc_file_group_sync_names(&w->files);
  hand_back_named(b, w);
  return NULL;
}

/* How far ahead the main thread may run. The workers' share must outlast the main thread's
 * longest stretch away from the todo queue: it sleeps until half a chunk is back, and when
 * that fills the chunk it records all of it and commits (on PostgreSQL, waiting for the
 * server's flush) before it hands out another row. With one chunk and a few jobs queued, what
 * was left after the half chunk came back (about half a chunk) ran out during that commit and
 * both workers waited (docs/benchmarks.md, "fifth pass"); two chunks leave a chunk and a half.
 * Each writer holds a chunk whose names wait for its next commit and the one it writes, and
 * one more chunk waits for either: signing goes on while they wait for the disk. */
void sc_batch_set_bounds(sc_batch *b, int workers) {
  b->max_at_workers = 2 * b->chunk_size + 4 * (size_t)workers;
  b->max_at_writer = (2 * SC_WRITERS + 1) * b->chunk_size;
}

int sc_workers_start(sc_batch *b) {
  queue_init(&b->todo);
  queue_init(&b->writes);
  queue_init(&b->done);
  for (; b->writer_count < SC_WRITERS; b->writer_count++) {
    if (pthread_create(&b->writers[b->writer_count], NULL, writer_main, b) != 0) {
      sc_workers_stop(b);
      return sc_fail(&b->err, SC_ESOFTWARE, "cannot start the writer threads");
    }
  }
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
  for (int i = 0; i < b->writer_count; i++)
    pthread_join(b->writers[i], NULL);
  b->writer_count = 0;
  queue_destroy(&b->todo);
  queue_destroy(&b->writes);
  queue_destroy(&b->done);
}
