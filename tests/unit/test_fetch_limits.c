/* What bounds the verifier's fetching: the per-host gate (verifier/fetch_gate.c), the
 * verification's deadline in sc_fetch (fetch.c), and the sizes of what it keeps — the cache
 * folder (cache.c) and the memo of verified lists (status_memo.c). The network tests use a
 * loopback TCP socket of their own that never answers, and count the connections it got. */
#include "test_support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "verifier/status_internal.h"
#include "verifier/verifier.h"

static void assert_mentions(const char *text, const char *what) {
  if (!strstr(text, what))
    fail_msg("expected '%s' in: %s", what, text);
}

/* ---------------------------------------------------------------- a silent listener */

typedef struct listener {
  int fd;
  int port;
  char url[96];
} listener;

/* Listens on 127.0.0.1 at a free port and never accepts: the kernel completes connections
 * into the backlog, where accept can count them, and no byte ever comes back. */
static listener listen_silently(void) {
  listener l = {.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)};
  assert_true(l.fd >= 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  assert_int_equal(bind(l.fd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal(listen(l.fd, 16), 0);
  assert_int_equal(getsockname(l.fd, (struct sockaddr *)&addr, &len), 0);
  l.port = ntohs(addr.sin_port);
  snprintf(l.url, sizeof l.url, "http://127.0.0.1:%d/status/1/revocation", l.port);
  return l;
}

/* The connections that reached the listener so far (each taken and closed). */
static int connections(listener *l) {
  int n = 0, fd;
  while ((fd = accept(l->fd, NULL, NULL)) >= 0) {
    close(fd);
    n++;
  }
  assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
  return n;
}

static void fetch_fails(const char *url, const sc_fetch_limits *limits, const char *mention) {
  sc_buf body = {0};
  sc_error err = {0};
  assert_int_equal(sc_fetch(url, true, limits, &body, &err), SC_ESTATUS);
  assert_mentions(err.message, mention);
  assert_null(body.data);
}

/* ---------------------------------------------------------------- the deadline */

static void fetch_after_the_deadline_makes_no_connection(void **state) {
  (void)state;
  listener l = listen_silently();
  sc_fetch_limits limits = {.deadline_ms = sc_monotonic_ms() - 1};
  fetch_fails(l.url, &limits, "ran out");
  assert_int_equal(connections(&l), 0);
  close(l.fd);
}

static void silent_server_ends_in_status_unknown_at_the_deadline(void **state) {
  (void)state;
  listener l = listen_silently();
  sc_fetch_limits limits = {.deadline_ms = sc_monotonic_ms() + 300};
  sc_buf body = {0};
  sc_error err = {0};
  assert_int_equal(sc_fetch(l.url, true, &limits, &body, &err), SC_ESTATUS);
  assert_null(body.data);
  assert_int_equal(connections(&l), 1); /* it did try, and gave up */
  close(l.fd);
}

static void budget_start_sets_a_deadline_in_the_future(void **state) {
  (void)state;
  sc_status_source src = {.fetch_budget_ms = 2000};
  int64_t before = sc_monotonic_ms();
  sc_fetch_budget_start(&src);
  assert_true(src.fetch_deadline_ms >= before + 2000);
  src.fetch_budget_ms = 0; /* the default */
  sc_fetch_budget_start(&src);
  assert_true(src.fetch_deadline_ms >= before + SC_FETCH_BUDGET_MS);
}

/* ---------------------------------------------------------------- the per-host gate */

static void gate_lets_two_fetches_per_host_at_once(void **state) {
  (void)state;
  sc_fetch_gate *gate = sc_fetch_gate_new(2);
  assert_non_null(gate);
  sc_error err = {0};
  int64_t soon = sc_monotonic_ms() + 50;
  assert_int_equal(sc_fetch_gate_enter(gate, "https://a.example/1", soon, &err), SC_OK);
  assert_int_equal(sc_fetch_gate_enter(gate, "https://a.example/2", soon, &err), SC_OK);
  /* The same host however it is written: case, user info. */
  assert_int_equal(sc_fetch_gate_enter(gate, "https://u@A.EXAMPLE/3", soon, &err), SC_ESTATUS);
  assert_mentions(err.message, "a.example");
  /* Another host, or another port of it, is another gate. */
  assert_int_equal(sc_fetch_gate_enter(gate, "https://b.example/1", soon, &err), SC_OK);
  assert_int_equal(sc_fetch_gate_enter(gate, "https://a.example:8443/1", soon, &err), SC_OK);
  sc_fetch_gate_leave(gate, "https://a.example/1");
  assert_int_equal(sc_fetch_gate_enter(gate, "https://a.example/4", soon, &err), SC_OK);
  sc_fetch_gate_leave(gate, "https://a.example/2");
  sc_fetch_gate_leave(gate, "https://a.example/4");
  sc_fetch_gate_leave(gate, "https://b.example/1");
  sc_fetch_gate_leave(gate, "https://a.example:8443/1");
  sc_fetch_gate_free(gate);
}

typedef struct waiter {
  sc_fetch_gate *gate;
  int rc;
} waiter;

static void *wait_for_slot(void *arg) {
  waiter *w = arg;
  w->rc = sc_fetch_gate_enter(w->gate, "https://a.example/3", sc_monotonic_ms() + 30000, NULL);
  return NULL;
}

static void gate_waiter_gets_a_slot_given_back(void **state) {
  (void)state;
  sc_fetch_gate *gate = sc_fetch_gate_new(1);
  assert_int_equal(sc_fetch_gate_enter(gate, "https://a.example/1", sc_monotonic_ms(), NULL),
                   SC_OK);
  waiter w = {.gate = gate, .rc = -1};
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, wait_for_slot, &w), 0);
  nanosleep(&(struct timespec){.tv_nsec = 50000000},
            NULL); /* most likely waiting by now; if not, it finds the slot free */
  sc_fetch_gate_leave(gate, "https://a.example/1");
  pthread_join(thread, NULL);
  assert_int_equal(w.rc, SC_OK);
  sc_fetch_gate_leave(gate, "https://a.example/3");
  sc_fetch_gate_free(gate);
}

static void fetch_waits_at_a_full_gate_without_connecting(void **state) {
  (void)state;
  listener l = listen_silently();
  sc_fetch_gate *gate = sc_fetch_gate_new(1);
  assert_int_equal(sc_fetch_gate_enter(gate, l.url, sc_monotonic_ms(), NULL), SC_OK);
  sc_fetch_limits limits = {.deadline_ms = sc_monotonic_ms() + 200, .gate = gate};
  fetch_fails(l.url, &limits, "already under way");
  assert_int_equal(connections(&l), 0);
  sc_fetch_gate_leave(gate, l.url);
  sc_fetch_gate_free(gate);
  close(l.fd);
}

/* ---------------------------------------------------------------- the cache folder */

typedef struct folder_use {
  size_t files, bytes;
} folder_use;

static folder_use use_of(const char *dir) {
  folder_use u = {0};
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    char path[PATH_MAX];
    struct stat st;
    if (e->d_name[0] != '.' &&
        sc_path_format(path, sizeof path, SC_ENOINPUT, NULL, "%s/%s", dir, e->d_name) == SC_OK &&
        stat(path, &st) == 0) {
      u.files++;
      u.bytes += (size_t)st.st_size;
    }
  }
  closedir(d);
  return u;
}

static void put(const char *dir, int n, size_t size, const sc_cache_limits *limits) {
  char url[64];
  snprintf(url, sizeof url, "https://acme.example/status/%d", n);
  sc_buf body = {0};
  for (size_t i = 0; i < size; i++)
    assert_true(sc_buf_append(&body, "x", 1));
  sc_error err = {0};
  if (sc_cache_put(dir, url, 1764547200, &body, limits, &err) != SC_OK)
    fail_msg("cache put %d: %s", n, err.message);
  sc_buf_free(&body);
}

static bool cached(const char *dir, int n) {
  char url[64];
  snprintf(url, sizeof url, "https://acme.example/status/%d", n);
  sc_buf body = {0};
  bool fresh = false;
  bool hit = sc_cache_get(dir, url, 1764547200, &body, &fresh, NULL, 0, NULL) == SC_OK;
  sc_buf_free(&body);
  return hit;
}

static void cache_stays_within_its_limits_after_many_lists(void **state) {
  (void)state;
  char dir[64];
  assert_true(make_temp_dir(dir, "cache"));
  sc_cache_limits limits = {.max_bytes = 1000, .max_entries = 5};
  for (int n = 0; n < 60; n++) {
    put(dir, n, 150 + (size_t)(n % 3) * 100, &limits);
    folder_use u = use_of(dir);
    assert_true(u.files <= 5);
    assert_true(u.bytes <= 1000);
    assert_true(cached(dir, n)); /* the copy just stored stays */
  }
  assert_int_equal(remove_temp_dir(dir), 0);
}

static void cache_evicts_the_least_recently_used(void **state) {
  (void)state;
  char dir[64];
  assert_true(make_temp_dir(dir, "cache"));
  sc_cache_limits limits = {.max_bytes = 100000, .max_entries = 3};
  put(dir, 1, 10, &limits);
  put(dir, 2, 10, &limits);
  put(dir, 3, 10, &limits);
  assert_true(cached(dir, 1)); /* used again: now 2 is the least recently used */
  put(dir, 4, 10, &limits);
  assert_true(cached(dir, 1));
  assert_false(cached(dir, 2));
  assert_true(cached(dir, 3));
  assert_true(cached(dir, 4));
  assert_int_equal(remove_temp_dir(dir), 0);
}

static void cache_refuses_a_document_larger_than_itself(void **state) {
  (void)state;
  char dir[64];
  assert_true(make_temp_dir(dir, "cache"));
  sc_cache_limits limits = {.max_bytes = 100, .max_entries = 3};
  put(dir, 1, 50, &limits);
  sc_buf body = {0};
  for (int i = 0; i < 101; i++)
    assert_true(sc_buf_append(&body, "x", 1));
  sc_error err = {0};
  assert_int_not_equal(
      sc_cache_put(dir, "https://acme.example/big", 1764547200, &body, &limits, &err), SC_OK);
  assert_mentions(err.message, "larger than the cache");
  sc_buf_free(&body);
  assert_true(cached(dir, 1)); /* nothing was evicted for it */
  assert_int_equal(use_of(dir).files, 1);
  assert_int_equal(remove_temp_dir(dir), 0);
}

/* ---------------------------------------------------------------- the memo */

static void memo_put(sc_status_memo *memo, int n, size_t bits) {
  char url[64];
  snprintf(url, sizeof url, "https://acme.example/status/%d", n);
  uint8_t *zeros = calloc(1, bits);
  assert_non_null(zeros);
  sc_status_memo_put(memo, url, "did:key:z6Mk", SC_PURPOSE_REVOCATION, zeros, bits, "network", INT64_MAX);
  free(zeros);
}

static bool memo_has(sc_status_memo *memo, int n) {
  char url[64];
  snprintf(url, sizeof url, "https://acme.example/status/%d", n);
  sc_status_memo_view view;
  return sc_status_memo_read(memo, url, 0, 0, &view);
}

static void memo_stays_within_its_limits_after_many_lists(void **state) {
  (void)state;
  sc_status_memo *memo = sc_status_memo_new(3600);
  assert_non_null(memo);
  sc_status_memo_limit(memo, 4, 20000);
  for (int n = 0; n < 50; n++) {
    memo_put(memo, n, 2000 + (size_t)(n % 4) * 2000);
    size_t bytes = 0;
    assert_true(sc_status_memo_count(memo, &bytes) <= 4);
    assert_true(bytes <= 20000);
    assert_true(memo_has(memo, n));
  }
  memo_put(memo, 99, 30000); /* larger than the whole memo: not kept, nothing evicted */
  assert_false(memo_has(memo, 99));
  assert_true(memo_has(memo, 49));
  sc_status_memo_free(memo);
}

static void memo_evicts_the_least_recently_used(void **state) {
  (void)state;
  sc_status_memo *memo = sc_status_memo_new(3600);
  sc_status_memo_limit(memo, 3, 0);
  memo_put(memo, 1, 16);
  memo_put(memo, 2, 16);
  memo_put(memo, 3, 16);
  assert_true(memo_has(memo, 1)); /* used again: now 2 is the least recently used */
  memo_put(memo, 4, 16);
  assert_true(memo_has(memo, 1));
  assert_false(memo_has(memo, 2));
  assert_true(memo_has(memo, 3));
  assert_true(memo_has(memo, 4));
  sc_status_memo_free(memo);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fetch_after_the_deadline_makes_no_connection),
      cmocka_unit_test(silent_server_ends_in_status_unknown_at_the_deadline),
      cmocka_unit_test(budget_start_sets_a_deadline_in_the_future),
      cmocka_unit_test(gate_lets_two_fetches_per_host_at_once),
      cmocka_unit_test(gate_waiter_gets_a_slot_given_back),
      cmocka_unit_test(fetch_waits_at_a_full_gate_without_connecting),
      cmocka_unit_test(cache_stays_within_its_limits_after_many_lists),
      cmocka_unit_test(cache_evicts_the_least_recently_used),
      cmocka_unit_test(cache_refuses_a_document_larger_than_itself),
      cmocka_unit_test(memo_stays_within_its_limits_after_many_lists),
      cmocka_unit_test(memo_evicts_the_least_recently_used),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
