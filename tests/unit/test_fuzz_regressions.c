/*
 * Replays every fuzz seed (tests/fuzz/corpus/<target>/) and every input that once broke
 * something (tests/fuzz/regressions/) through the fuzz targets' own checks
 * (tests/fuzz/fuzz_checks.h): strict parse + JCS (which must be idempotent) and the whole
 * verification pipeline. In the sanitizer build this is a small fuzz run under ASan+UBSan.
 */
#include "test_support.h"

#include "tests/fuzz/fuzz_checks.h"

#define FUZZ_DIR "tests/fuzz"
#define REPLAY_MAX_BYTES ((size_t)1 << 20)

/* Both targets' properties on one input: strict parse + idempotent JCS, and the whole
 * verification pipeline with the fuzz trust list (ctx). */
static bool check_both(void *ctx, const uint8_t *data, size_t len) {
  return fuzz_check_json_jcs(data, len) && fuzz_check_verify(data, len, ctx);
}

/* The regression folder may be empty (nothing was ever found); seed folders never are. */
static size_t replay_dir(const char *dir) {
  sc_trust_list *trust = fuzz_trust_list();
  assert_non_null(trust);
  size_t count = replay_corpus(dir, check_both, trust);
  sc_trust_free(trust);
  return count;
}

static void replays_regressions_through_parse_jcs_and_verify(void **state) {
  (void)state;
  replay_dir(FUZZ_DIR "/regressions");
}

static void replays_json_jcs_corpus_through_parse_jcs_and_verify(void **state) {
  (void)state;
  assert_true(replay_dir(FUZZ_DIR "/corpus/fuzz_json_jcs") >= 10);
}

static void replays_verify_corpus_through_parse_jcs_and_verify(void **state) {
  (void)state;
  assert_true(replay_dir(FUZZ_DIR "/corpus/fuzz_verify") >= 10);
}

static int verify_seed(const char *name) {
  char path[512];
  snprintf(path, sizeof path, FUZZ_DIR "/corpus/fuzz_verify/%s", name);
  sc_buf input = {0};
  sc_error err = {0};
  if (sc_read_file(path, REPLAY_MAX_BYTES, &input, &err) != SC_OK)
    fail_msg("%s: %s", path, err.message);
  sc_trust_list *trust = fuzz_trust_list();
  assert_non_null(trust);
  sc_verify_options opts = {.trust = trust, .now = FUZZ_NOW};
  sc_verification result;
  memset(&result, 0, sizeof result);
  int rc = sc_verify_json((const char *)input.data, input.len, name, &opts, &result);
  sc_verification_free(&result);
  sc_trust_free(trust);
  sc_buf_free(&input);
  return rc;
}

/* The fuzz target only reaches the trust and validity checks when the seeds are valid for
 * the fixed time and trusted issuers it uses; these pin that down. */
static void verify_seeds_issued_by_skillcert_are_valid_at_the_fuzz_time(void **state) {
  (void)state;
  assert_int_equal(verify_seed("skillcert-issued-1.json"), SC_OK);
  assert_int_equal(verify_seed("skillcert-issued-3.json"), SC_OK);
}

static void verify_seed_valid_until_2027_is_expired_at_the_fuzz_time(void **state) {
  (void)state;
  assert_int_equal(verify_seed("skillcert-issued-2.json"), SC_EEXPIRED);
}

static void verify_seed_with_tampered_document_is_invalid(void **state) {
  (void)state;
  assert_int_equal(verify_seed("w3c-derived-n01-tampered-document.json"), SC_EINVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(replays_regressions_through_parse_jcs_and_verify),
      cmocka_unit_test(replays_json_jcs_corpus_through_parse_jcs_and_verify),
      cmocka_unit_test(replays_verify_corpus_through_parse_jcs_and_verify),
      cmocka_unit_test(verify_seeds_issued_by_skillcert_are_valid_at_the_fuzz_time),
      cmocka_unit_test(verify_seed_valid_until_2027_is_expired_at_the_fuzz_time),
      cmocka_unit_test(verify_seed_with_tampered_document_is_invalid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
