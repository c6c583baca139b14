/* The batch's pipeline between its threads (issuer/batch.c, batch_workers.c): how far the main
 * thread may run ahead of the workers and of the writer, and what the writer hands back. */
#include "test_home_support.h"

#include <sys/stat.h>

#include "issuer/batch_internal.h"

/* The main thread sleeps until half a chunk is back; when that fills the chunk, it records the
 * whole chunk (and waits for the registry's commit) before it hands out another row. What the
 * workers hold then must outlast that: more than a chunk. */
static void the_workers_hold_more_than_a_chunk_once_half_a_chunk_came_back(void **state) {
  (void)state;
  size_t sizes[] = {SC_CHUNK_JSON, SC_CHUNK_PDF};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    for (int workers = 1; workers <= 8; workers++) {
      sc_batch b = {.chunk_size = sizes[i]};
      sc_batch_set_bounds(&b, workers);
      assert_true(b.max_at_workers - b.chunk_size / 2 > b.chunk_size);
      /* Each writer: a chunk being synced and one whose names wait; and one more waiting. */
      assert_true(b.max_at_writer >= (2 * SC_WRITERS + 1) * b.chunk_size);
    }
  }
}

/* The main thread takes at most a chunk of finished jobs at a time, so that it records at
 * most one chunk before it hands out rows again: the first ones, in order, the rest left. */
static void a_pop_takes_the_first_jobs_up_to_its_limit(void **state) {
  (void)state;
  sc_batch b = {.opts = &(sc_batch_options){.workers = 1}, .chunk_size = SC_CHUNK_JSON};
  sc_job jobs[5] = {{.line = 1}, {.line = 2}, {.line = 3}, {.line = 4}, {.line = 5}};
  sc_job *list[5] = {&jobs[0], &jobs[1], &jobs[2], &jobs[3], &jobs[4]};
  sc_queue *q = &b.done;
  memset(q, 0, sizeof *q);
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->ready, NULL);
  sc_queue_push_all(q, list, 5);
  size_t line = 1, n = 0;
  for (sc_job *job = sc_queue_pop_up_to(q, 2, 3); job; job = job->next, n++)
    assert_int_equal(job->line, line++);
  assert_int_equal(n, 3);
  assert_int_equal(q->count, 2);
  n = 0;
  for (sc_job *job = sc_queue_pop_up_to(q, 1, 3); job; job = job->next, n++)
    assert_int_equal(job->line, line++);
  assert_int_equal(n, 2);
  assert_int_equal(q->count, 0);
  assert_null(q->head);
  assert_null(q->tail);
  sc_queue_push_all(q, list, 2); /* the queue works on after being emptied */
  assert_int_equal(sc_queue_pop(q)->line, 1);
  assert_int_equal(sc_queue_pop_all(q, 1)->line, 2);
  pthread_mutex_destroy(&q->lock);
  pthread_cond_destroy(&q->ready);
}

/* The writers take whole chunks: two writers never share one, so each chunk's files are
 * committed as one group by the writer that staged them. */
static void a_writer_takes_one_whole_chunk_at_a_time(void **state) {
  (void)state;
  sc_queue q;
  memset(&q, 0, sizeof q);
  pthread_mutex_init(&q.lock, NULL);
  pthread_cond_init(&q.ready, NULL);
  sc_job jobs[5] = {{.line = 1}, {.line = 2}, {.line = 3, .ends_chunk = true}, {.line = 4},
                    {.line = 5, .ends_chunk = true}};
  sc_job *first[3] = {&jobs[0], &jobs[1], &jobs[2]}, *second[2] = {&jobs[3], &jobs[4]};
  sc_queue_push_all(&q, first, 3);
  sc_queue_push_all(&q, second, 2);
  size_t line = 1, n = 0;
  for (sc_job *job = sc_queue_pop_chunk(&q); job; job = job->next, n++)
    assert_int_equal(job->line, line++);
  assert_int_equal(n, 3);
  assert_int_equal(q.count, 2);
  n = 0;
  for (sc_job *job = sc_queue_pop_chunk_now(&q); job; job = job->next, n++)
    assert_int_equal(job->line, line++);
  assert_int_equal(n, 2);
  assert_int_equal(q.count, 0);
  assert_null(q.head);
  assert_null(q.tail);
  assert_null(sc_queue_pop_chunk_now(&q)); /* nothing queued: no wait */
  pthread_mutex_destroy(&q.lock);
  pthread_cond_destroy(&q.ready);
}

static char dir[64];

static int make_dir(void **state) {
  (void)state;
  return make_temp_dir(dir, "pipeline") ? 0 : -1;
}

static int remove_dir(void **state) {
  (void)state;
  return remove_temp_dir(dir);
}

/* A recorded job as commit_chunk hands it to the writer: a credential tree and its bytes. */
static sc_job *recorded_job(const sc_home *home, int i, bool ends_chunk) {
  sc_job *job = calloc(1, sizeof *job);
  assert_non_null(job);
  job->kind = SC_JOB_WRITE;
  job->ends_chunk = ends_chunk;
  snprintf(job->prepared.uuid, sizeof job->prepared.uuid, "00000000-0000-4000-8000-%012d", i);
  snprintf(job->prepared.id, sizeof job->prepared.id, "urn:uuid:%s", job->prepared.uuid);
  char name[64];
  snprintf(name, sizeof name, "%s.json", job->prepared.uuid);
  sc_error err = {0};
  char path[PATH_MAX];
  assert_int_equal(sc_home_path(home, "out", name, path, sizeof path, &err), SC_OK);
  job->prepared.json_path = strdup(path);
  assert_non_null(job->prepared.json_path);
  job->prepared.credential = json_pack("{ss}", "id", job->prepared.id);
  assert_non_null(job->prepared.credential);
  assert_true(sc_buf_append_str(&job->prepared.json, "{\"id\": \"x\"}\n"));
  return job;
}

/* The writer frees the bytes the files were made from: the main thread, which records every
 * chunk, only files the manifest's line and frees what is left. */
static void the_writer_hands_back_written_jobs_without_their_bytes(void **state) {
  (void)state;
  sc_home home;
  EVP_PKEY *key = NULL;
  sc_error err = {0};
  assert_int_equal(open_acme_home(dir, &home, &key, &err), SC_OK);
  sc_issue_context ctx = {.home = &home};
  sc_batch_options opts = {.workers = 1};
  sc_batch b = {.ctx = &ctx, .opts = &opts, .chunk_size = SC_CHUNK_JSON};
  assert_int_equal(sc_workers_start(&b), SC_OK);
  sc_job *jobs[3];
  for (int i = 0; i < 3; i++)
    jobs[i] = recorded_job(&home, i, i == 2);
  sc_queue_push_all(&b.writes, jobs, 3);
  size_t back = 0;
  for (sc_job *job = sc_queue_pop_all(&b.done, 3), *next; job; job = next) {
    next = job->next;
    assert_int_equal(job->rc, SC_OK);
    assert_int_equal(job->prepared.json.len, 0);
    struct stat st;
    assert_int_equal(stat(job->prepared.json_path, &st), 0); /* written all the same */
    assert_int_equal(st.st_size, strlen("{\"id\": \"x\"}\n"));
    sc_job_free(job);
    back++;
  }
  assert_int_equal(back, 3);
  sc_workers_stop(&b);
  EVP_PKEY_free(key);
  sc_home_close(&home);
}

/* A worker lets a signed credential's tree go before the job waits for the registry and the
 * writers, and hands back what they use: the bytes and the fields the registry records. */
static void a_worker_hands_back_an_issued_job_with_its_bytes_and_fields_but_no_tree(void **state) {
  (void)state;
  sc_home home;
  EVP_PKEY *key = NULL;
  sc_error err = {0};
  assert_int_equal(open_acme_home(dir, &home, &key, &err), SC_OK);
  json_t *achievement = NULL;
  assert_int_equal(
      sc_achievement_load("templates/ai-fundamentals/achievement.json", &achievement, &err),
      SC_OK);
  sc_issue_context ctx = {.home = &home, .key = key};
  sc_batch_options opts = {.workers = 1, .now = 1767225600 /* 2026-01-01 */};
  sc_batch b = {.ctx = &ctx, .opts = &opts, .chunk_size = SC_CHUNK_JSON};
  sc_roster_row row = {.line = 2, .name = "Ada Lovelace", .email = "ada@example.org", .id = "L1",
                       .valid_until = "2030-01-01T00:00:00Z"};
  sc_job *job = sc_job_new_issue(&b, &row, achievement);
  assert_non_null(job);
  assert_int_equal(sc_workers_start(&b), SC_OK);
  sc_queue_push(&b.todo, job);
  job = sc_queue_pop(&b.done);
  assert_non_null(job);
  assert_int_equal(job->rc, SC_OK);
  assert_null(job->prepared.credential);
  assert_non_null(strstr((const char *)job->prepared.json.data, job->prepared.id));
  assert_string_equal(job->prepared.achievement_id,
                      json_string_value(json_object_get(achievement, "id")));
  assert_string_equal(job->prepared.issued_at, "2026-01-01T00:00:00Z");
  assert_string_equal(job->prepared.valid_until, "2030-01-01T00:00:00Z");
  assert_non_null(job->prepared.recipient_name);
  assert_non_null(strstr((const char *)job->prepared.json.data, job->prepared.recipient_name));
  assert_non_null(job->prepared.email_hash);
  sc_job_free(job);
  sc_workers_stop(&b);
  json_decref(achievement);
  EVP_PKEY_free(key);
  sc_home_close(&home);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_workers_hold_more_than_a_chunk_once_half_a_chunk_came_back),
      cmocka_unit_test(a_pop_takes_the_first_jobs_up_to_its_limit),
      cmocka_unit_test(a_writer_takes_one_whole_chunk_at_a_time),
      cmocka_unit_test_setup_teardown(the_writer_hands_back_written_jobs_without_their_bytes,
                                      make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(
          a_worker_hands_back_an_issued_job_with_its_bytes_and_fields_but_no_tree, make_dir,
          remove_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
