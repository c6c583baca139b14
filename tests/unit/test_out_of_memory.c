/*
 * Running out of memory: every allocation an operation makes is made to fail in turn (the
 * first, then the second, … until the operation no longer allocates that many), and each run
 * must end with SC_ESOFTWARE "out of memory" — no crash, no other verdict, and (under ASan) no
 * leak. The allocations counted are the project's own malloc, calloc, realloc, strdup and
 * strndup (this program is linked with -Wl,--wrap for them, see the Makefile), which include
 * jansson's and OpenSSL's: core/json_strict.c and core/crypto.c hand them the project's
 * allocator (json_set_alloc_funcs, CRYPTO_set_mem_functions).
 */
#include "issuer/issuer.h"
#include "keys/keys.h"
#include "test_support.h"
#include "verifier/verifier.h"

#include <execinfo.h>
#include <openssl/evp.h>
#include <time.h>

/* ---------------------------------------------------------------- the failing allocator */

static long allocations; /* counted since the last arm() */
static long fail_at;     /* the allocation that fails (1-based); 0 = none */
static bool failed;      /* whether it was reached */

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *old, size_t size);
char *__real_strdup(const char *text);
char *__real_strndup(const char *text, size_t max);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *old, size_t size);
char *__wrap_strdup(const char *text);
char *__wrap_strndup(const char *text, size_t max);

static bool should_fail(void) {
  if (fail_at == 0 || ++allocations != fail_at)
    return false;
  failed = true;
  const char *trace = getenv("OOM_TRACE"); /* N: where allocation N is, for a failed test */
  if (trace && atol(trace) == fail_at) {
    void *frames[32];
    backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
  }
  return true;
}

void *__wrap_malloc(size_t size) {
  return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size) {
  return should_fail() ? NULL : __real_calloc(count, size);
}

void *__wrap_realloc(void *old, size_t size) {
  return should_fail() ? NULL : __real_realloc(old, size);
}

char *__wrap_strdup(const char *text) {
  return should_fail() ? NULL : __real_strdup(text);
}

char *__wrap_strndup(const char *text, size_t max) {
  return should_fail() ? NULL : __real_strndup(text, max);
}

static void arm(long n) {
  allocations = 0;
  fail_at = n;
  failed = false;
}

/* ---------------------------------------------------------------- the operations */

typedef struct fixture {
  char dir[64];
  sc_home home;
  EVP_PKEY *key;
  json_t *achievement;
  sc_buf credential; /* an issued credential's file bytes */
  sc_trust_list *trust;
  sc_template *tpl;           /* for issue_one_with_pdf */
  sc_pdf_renderer *renderer;  /* idem */
  char public_dir[PATH_MAX];  /* the home's public/, with its status lists published */
} fixture;

typedef int (*operation)(fixture *f, char *message, size_t size);

static int issue(fixture *f, bool pdf, char *message, size_t size) {
  sc_error err = {0};
  sc_issue_request req = {.recipient = {.name = "Ada Lovelace", .email = "ada@example.org"},
                          .achievement = f->achievement,
                          .now = (int64_t)time(NULL)};
  sc_issue_context ctx = {.home = &f->home, .key = f->key};
  if (pdf) {
    ctx.tpl = f->tpl;
    ctx.renderer = f->renderer;
  }
  sc_registry *reg = NULL;
  sc_prepared p = {0};
  bool prepared = false;
  int rc = sc_registry_open(&f->home, &reg, &err);
  if (rc == SC_OK)
    rc = sc_registry_reserve_index(reg, &req.status_list, &req.status_index, &err);
  if (rc == SC_OK)
    prepared = (rc = sc_issue_prepare(&ctx, &req, &p, &err)) == SC_OK;
  if (rc == SC_OK)
    rc = sc_issue_record(reg, &ctx, &req, &p, &err);
  if (rc == SC_OK)
    rc = sc_issue_write(&ctx, &p, &err);
  if (rc == SC_OK && f->credential.len == 0)
    sc_buf_append(&f->credential, p.json.data, p.json.len);
  if (prepared)
    sc_prepared_free(&p);
  sc_registry_close(reg);
  snprintf(message, size, "%s", err.message);
  return rc;
}

static int issue_one(fixture *f, char *message, size_t size) {
  return issue(f, false, message, size);
}

static int issue_one_with_pdf(fixture *f, char *message, size_t size) {
  return issue(f, true, message, size);
}

static int verify(fixture *f, bool with_status, char *message, size_t size) {
  sc_status_source status = {.home_public = f->public_dir,
                             .home_url = f->home.public_url,
                             .offline = true,
                             .cache_dir = f->dir};
  sc_verify_options opts = {
      .trust = f->trust, .now = (int64_t)time(NULL), .status = with_status ? &status : NULL};
  sc_verification v;
  int rc = sc_verify_json((const char *)f->credential.data, f->credential.len, "credential", &opts,
                          &v);
  message[0] = '\0';
  for (size_t i = 0; i < v.check_count; i++)
    if (v.checks[i].state == SC_CHECK_FAILED && !message[0])
      snprintf(message, size, "%s", v.checks[i].message);
  sc_verification_free(&v);
  return rc;
}

static int verify_one(fixture *f, char *message, size_t size) {
  return verify(f, false, message, size);
}

static int verify_one_with_its_status_list(fixture *f, char *message, size_t size) {
  return verify(f, true, message, size);
}

/* Runs op with the 1st, 2nd, … allocation failing until a run reaches no failing allocation.
 * A run whose allocation failed ends with SC_ESOFTWARE "out of memory", or with the very result
 * of a run without failure (a library may do without: OpenSSL skips caching a fetched
 * algorithm). Returns how many allocations the operation makes. */
static long fail_each_allocation(fixture *f, operation op, const char *what) {
  char expected[512], message[512];
  arm(0);
  int success = op(f, expected, sizeof expected); /* also warms up one-time setups */
  long tolerated = 0;
  for (long n = 1;; n++) {
    arm(n);
    int rc = op(f, message, sizeof message);
    bool reached = failed;
    arm(0);
    if (!reached) {
      assert_int_equal(rc, success);
      print_message("# %s: %ld allocations, each failed in turn (%ld of them done without)\n", what,
                    n - 1, tolerated);
      return n - 1;
    }
    if (rc == success && strcmp(message, expected) == 0)
      tolerated++;
    else if (rc != SC_ESOFTWARE || !strstr(message, "out of memory"))
      fail_msg("%s, allocation %ld failing: exit %d, \"%s\" (expected %d \"out of memory\"; "
               "OOM_TRACE=%ld shows where it is)",
               what, n, rc, message, SC_ESOFTWARE, n);
  }
}

static int setup(void **state) {
  static fixture f;
  sc_error err = {0};
  sc_passphrase_source none = {.none = true};
  sc_home_init_options opts = {
      .name = "Acme AI Academy", .url = "https://acme.example", .passphrase = &none};
  char root[PATH_MAX];
  if (!make_temp_dir(f.dir, "oom") ||
      sc_path_format(root, sizeof root, SC_ECANTCREAT, &err, "%s/home", f.dir) != SC_OK ||
      sc_home_init(root, &opts, &err) != SC_OK || sc_home_open(root, &f.home, &err) != SC_OK ||
      sc_home_load_key(&f.home, &none, &f.key, &err) != SC_OK ||
      sc_achievement_load("templates/ai-fundamentals/achievement.json", &f.achievement, &err) !=
          SC_OK)
    fail_msg("setup: %s", err.message);
  f.trust = sc_trust_new();
  if (!f.trust || sc_trust_add(f.trust, f.home.issuer_id, f.home.issuer_name, &err) != SC_OK)
    fail_msg("trust list: %s", err.message);
  if (sc_template_load("templates/ai-fundamentals", &f.tpl, &err) != SC_OK ||
      !(f.renderer = sc_pdf_renderer_new(&err)) ||
      sc_path_format(f.public_dir, sizeof f.public_dir, SC_ECANTCREAT, &err, "%s/public",
                     f.home.root) != SC_OK)
    fail_msg("template: %s", err.message);
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  sc_pdf_renderer_free(f->renderer);
  sc_template_free(f->tpl);
  sc_trust_free(f->trust);
  sc_buf_free(&f->credential);
  json_decref(f->achievement);
  EVP_PKEY_free(f->key);
  sc_home_close(&f->home);
  remove_temp_dir(f->dir);
  return 0;
}

static void issuing_says_out_of_memory_whichever_allocation_fails(void **state) {
  assert_true(fail_each_allocation(*state, issue_one, "issuing one credential") > 0);
}

static void issuing_with_a_pdf_says_out_of_memory_whichever_allocation_fails(void **state) {
  assert_true(fail_each_allocation(*state, issue_one_with_pdf, "issuing one credential and PDF") > 0);
}

/* The credential issued first, its status list published (as `skillcert publish` does). */
static void publish_status_lists(fixture *f) {
  char message[512];
  if (f->credential.len == 0)
    assert_int_equal(issue_one(f, message, sizeof message), SC_OK);
  sc_error err = {0};
  sc_registry *reg = NULL;
  sc_publish_options publish = {.now = (int64_t)time(NULL)};
  if (sc_registry_open(&f->home, &reg, &err) != SC_OK ||
      sc_publish_lists(&f->home, f->key, reg, NULL, 0, &publish, &err) != SC_OK)
    fail_msg("publish: %s", err.message);
  sc_registry_close(reg);
}

static void verifying_with_status_says_out_of_memory_whichever_allocation_fails(void **state) {
  fixture *f = *state;
  publish_status_lists(f);
  char message[512];
  assert_int_equal(verify_one_with_its_status_list(f, message, sizeof message), SC_OK);
  assert_true(fail_each_allocation(f, verify_one_with_its_status_list,
                                   "verifying one credential and its status list") > 0);
}

static void verifying_says_out_of_memory_whichever_allocation_fails(void **state) {
  fixture *f = *state;
  char message[512];
  if (f->credential.len == 0)
    assert_int_equal(issue_one(f, message, sizeof message), SC_OK);
  assert_true(fail_each_allocation(f, verify_one, "parsing and verifying one credential") > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(issuing_says_out_of_memory_whichever_allocation_fails),
      cmocka_unit_test(verifying_says_out_of_memory_whichever_allocation_fails),
      cmocka_unit_test(issuing_with_a_pdf_says_out_of_memory_whichever_allocation_fails),
      cmocka_unit_test(verifying_with_status_says_out_of_memory_whichever_allocation_fails),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
