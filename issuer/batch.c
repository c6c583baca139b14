/* The batch runner: a roster in, a signed credential and a PDF per learner out.
 *
 * The main thread reads the roster (streaming), asks the registry what was issued before,
 * hands work to the workers, records finished credentials in chunk transactions and hands
 * each recorded chunk to the writer thread. Workers sign and render; the writer writes a
 * chunk's files as one group (batch_workers.c), so that waiting for the disk overlaps the
 * rendering of the next chunk; only the main thread touches the registry. A row counts as done once
 * its files are on disk after its chunk committed, so a run killed at any moment and run again
 * finishes the job exactly once. */
#include "issuer/batch_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


static double elapsed(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Temporary files of a run that was killed mid-write: never renamed, so never valid. */
static void remove_stale_temporaries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *entry;
  while ((entry = readdir(d))) {
    if (strstr(entry->d_name, ".tmp.")) {
      char path[PATH_MAX];
      if (sc_path_format(path, sizeof path, SC_ECANTCREAT, NULL, "%s/%s", dir, entry->d_name) == SC_OK)
        unlink(path);
    }
  }
  closedir(d);
}

static int finish_write(sc_batch *b, sc_job *job) {
  if (job->rc != SC_OK)
    return sc_batch_job_failed(b, job);
  int rc = sc_manifest_add(b, job->name, job->email, job->prepared.id, job->prepared.json_path,
                           job->prepared.pdf_path ? job->prepared.pdf_path : "",
                           job->prepared.qr_text);
  b->progress.done++;
  if (job->kind == SC_JOB_REPAIR)
    b->progress.repaired++;
  else
    b->progress.issued++;
  sc_job_free(job);
  return rc;
}

/* Records the chunk in one transaction, then hands it to the writer, which writes its files
 * as one group. */
static int commit_chunk(sc_batch *b) {
  if (!b->chunk_len)
    return SC_OK;
  /* The batch's credentials are stored against its first committed one (registry_pack.c). */
  const sc_buf *first = &b->chunk[0]->prepared.json;
  int rc = sc_registry_offer_dictionary(b->reg, (const char *)first->data, first->len, &b->err);
  if (rc == SC_OK)
    rc = sc_registry_begin_issue(b->reg, &b->err);
  for (size_t i = 0; rc == SC_OK && i < b->chunk_len; i++)
    rc = sc_issue_record(b->reg, b->ctx, &b->chunk[i]->req, &b->chunk[i]->prepared, &b->err);
  if (rc == SC_OK)
    rc = sc_registry_commit(b->reg, &b->err);
  if (rc != SC_OK) {
    sc_registry_rollback(b->reg);
    for (size_t i = 0; i < b->chunk_len; i++) {
      sc_registry_release_index(b->reg, b->chunk[i]->req.status_list,
                                b->chunk[i]->req.status_index);
      sc_job_free(b->chunk[i]);
    }
    b->in_flight -= b->chunk_len;
    b->chunk_len = 0;
    return rc;
  }
  b->progress.recorded += b->chunk_len;
  b->at_writer += b->chunk_len;
  for (size_t i = 0; i < b->chunk_len; i++) {
    b->chunk[i]->kind = SC_JOB_WRITE;
    b->chunk[i]->ends_chunk = i + 1 == b->chunk_len;
  }
  sc_queue_push_all(&b->writes, b->chunk, b->chunk_len);
  b->chunk_len = 0;
  return SC_OK;
}

/* Moves one finished job on: a signed one into the chunk, a written one into the manifest. */
static int collect_job(sc_batch *b, sc_job *job) {
  b->in_flight--;
  if (job->kind == SC_JOB_WRITE)
    b->at_writer--;
  if (job->kind == SC_JOB_WRITE || job->kind == SC_JOB_REPAIR)
    return finish_write(b, job);
  if (job->rc != SC_OK)
    return sc_batch_job_failed(b, job);
  b->chunk[b->chunk_len++] = job;
  b->in_flight++; /* it comes back as a write */
  return b->chunk_len == b->chunk_size ? commit_chunk(b) : SC_OK;
}

/* Takes the jobs the workers and the writer have finished, a batch of them at a time: the
 * main thread sleeps until half a chunk is back (or all it waits for, when fewer are
 * out), so it is woken a few times per chunk instead of once per credential. It takes a chunk
 * at most: then it records at most one chunk before it hands out rows again. (Taking all, after
 * a long commit had let more than a chunk pile up, it recorded two in a row, and the workers'
 * queue ran dry during the second: docs/benchmarks.md, "fifth pass".) Each job is moved on
 * even after one fails, as drain() does after an error. */
static int collect(sc_batch *b) {
  size_t out = b->in_flight - b->chunk_len; /* with the workers or the writer: all come back */
  size_t at_once = b->chunk_size / 2;
  int rc = SC_OK;
  for (sc_job *job = sc_queue_pop_up_to(&b->done, out < at_once ? out : at_once, b->chunk_size),
              *next;
       job; job = next) {
    next = job->next;
    int job_rc = collect_job(b, job);
    if (rc == SC_OK)
      rc = job_rc;
  }
  if (b->progress_fn) {
    b->progress.seconds = elapsed(&b->started);
    b->progress_fn(b->progress_ctx, &b->progress);
  }
  return rc;
}

/* Waits for work to come back, committing a partial chunk when nothing else would. */
static int drain(sc_batch *b, size_t keep) {
  int rc = SC_OK;
  while (rc == SC_OK && b->in_flight > keep) {
    if (b->chunk_len && b->in_flight == b->chunk_len)
      rc = commit_chunk(b);
    else
      rc = collect(b);
  }
  return rc;
}

/* Waits while the workers have more queued than they need to stay busy, or the writer more
 * chunks than it needs to overlap its syncs with the signing. The two are bounded apart: a
 * chunk waiting for the disk must not hold back the jobs that keep the workers going. */
static int make_room(sc_batch *b) {
  int rc = SC_OK;
  while (rc == SC_OK && (b->in_flight - b->chunk_len - b->at_writer > b->max_at_workers ||
                         b->at_writer > b->max_at_writer)) {
    if (b->chunk_len && b->in_flight == b->chunk_len)
      rc = commit_chunk(b);
    else
      rc = collect(b);
  }
  return rc;
}

static int submit(sc_batch *b, sc_job *job) {
  b->in_flight++;
  sc_queue_push(&b->todo, job);
  return make_room(b);
}

static int process_row(sc_batch *b, const sc_roster_row *row) {
  const sc_achievement_cache *cached = NULL;
  int rc = sc_batch_achievement(b, row, &cached);
  if (rc != SC_OK)
    return rc;
  const json_t *achievement = cached->achievement;
  const char *achievement_id = json_string_value(json_object_get(achievement, "id"));
  json_t *existing = NULL;
  if (!row->known_unissued && !cached->none_issued)
    rc = sc_registry_find(b->reg, row->id, achievement_id, &existing, &b->err);
  if (rc != SC_OK)
    return rc;
  if (existing) {
    rc = sc_batch_existing(b, row, existing);
    json_decref(existing);
    return rc == SC_OK ? make_room(b) : rc; /* a repair is queued like a new credential */
  }
  sc_error refusal = {0};
  if (b->opts->refuse && b->opts->refuse(b->opts->refuse_ctx, row, &refusal) != SC_OK) {
    b->progress.refused++; /* only this row: the rest of the roster is issued */
    b->progress.done++;
    return SC_OK;
  }
  sc_job *job = sc_job_new_issue(b, row, achievement);
  if (!job)
    return sc_oom(&b->err);
  rc = sc_registry_reserve_index(b->reg, &job->req.status_list, &job->req.status_index, &b->err);
  if (rc != SC_OK) {
    sc_job_free(job);
    return rc;
  }
  return submit(b, job);
}

static int next_row(sc_batch *b, sc_roster *roster, sc_roster_row *row) {
  if (b->opts->next_row)
    return b->opts->next_row(b->opts->rows_ctx, row, &b->err);
  return sc_roster_next(roster, row, &b->err);
}

static int run_roster(sc_batch *b) {
  sc_roster *roster = NULL;
  int rc = b->opts->next_row
               ? SC_OK
               : sc_roster_open(b->opts->roster_path, &b->opts->roster, &roster, &b->err);
  sc_roster_row row;
  while (rc == SC_OK && (rc = next_row(b, roster, &row)) == SC_OK && row.line)
    rc = process_row(b, &row);
  sc_roster_close(roster);
  int drained = drain(b, 0);
  if (rc == SC_OK)
    rc = drained;
  if (rc == SC_OK)
    rc = commit_chunk(b);
  if (rc == SC_OK)
    rc = drain(b, 0);
  return rc;
}

int sc_batch_issue(const sc_issue_context *ctx, const sc_batch_options *opts,
                   sc_batch_progress_fn progress, void *progress_ctx, sc_batch_progress *final,
                   sc_error *err) {
  sc_batch b = {.ctx = ctx,
                .opts = opts,
                .progress_fn = progress,
                .progress_ctx = progress_ctx,
                .chunk_size = sc_issue_makes_pdf(ctx) ? SC_CHUNK_PDF : SC_CHUNK_JSON,
                .registry_log = -1};
  clock_gettime(CLOCK_MONOTONIC, &b.started);
  char out_dir[PATH_MAX], linked_dir[PATH_MAX];
  int rc = sc_path_format(out_dir, sizeof out_dir, SC_ECANTCREAT, &b.err, "%s/out", ctx->home->root);
  if (rc == SC_OK)
    rc = sc_path_format(linked_dir, sizeof linked_dir, SC_ECANTCREAT, &b.err, "%s/public/c",
                        ctx->home->root);
  if (rc == SC_OK && !opts->shared_output) {
    remove_stale_temporaries(out_dir);
    remove_stale_temporaries(linked_dir);
    /* The badge the credentials' achievement image points to is there before any of them. */
    rc = sc_publish_badge_image(ctx->home, ctx->tpl, &b.err);
  }
  if (rc == SC_OK && opts->registry)
    b.reg = opts->registry;
  else if (rc == SC_OK)
    rc = sc_registry_open(ctx->home, &b.reg, &b.err);
  /* The main thread's commits are not synced: the writers sync the registry's log with each
   * chunk's files, before naming them (docs/registry.md, "Deferred durability"). */
  if (rc == SC_OK)
    rc = sc_registry_defer_durability(b.reg, &b.registry_log, &b.err);
  if (rc == SC_OK)
    rc = sc_batch_share_issuer(&b);
  if (rc == SC_OK)
    rc = sc_manifest_open(&b);
  b.shapes = sc_jsonld_shapes_new(); /* a speed-up: without it, each credential in full */
  if (rc == SC_OK)
    rc = sc_workers_start(&b);
  if (rc == SC_OK) {
    rc = run_roster(&b);
    if (rc != SC_OK) /* let the workers finish what they hold, then stop them */
      drain(&b, 0);
    sc_workers_stop(&b);
  }
  sc_error log_err = {0};
  if (b.reg && sc_registry_durable_commits(b.reg, &b.registry_log, &log_err) != SC_OK &&
      rc == SC_OK) {
    rc = log_err.code;
    b.err = log_err;
  }
  if (b.reg) /* a worker's handle lives on: its next batch has its own dictionary */
    sc_registry_drop_dictionary(b.reg);
  if (rc == SC_OK)
    rc = sc_manifest_close(&b);
  sc_manifest_abort(&b);
  sc_batch_release(&b);
  b.progress.seconds = elapsed(&b.started);
  if (final)
    *final = b.progress;
  if (rc != SC_OK && err)
    *err = b.err;
  return rc;
}
