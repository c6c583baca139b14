/*
 * Replays every fuzz seed (tests/fuzz/corpus/<target>/) and every input that once broke
 * something (tests/fuzz/regressions/) through the fuzz targets' own checks
 * (tests/fuzz/fuzz_checks.h): strict parse + JCS (which must be idempotent) and the whole
 * verification pipeline. In the sanitizer build this is a small fuzz run under ASan+UBSan.
 */
#include "test_support.h"

#include <dirent.h>

#include "tests/fuzz/fuzz_checks.h"

#define FUZZ_DIR "tests/fuzz"
#define REPLAY_MAX_BYTES ((size_t)1 << 20)

typedef bool (*input_check)(const sc_buf *input, const sc_trust_list *trust);

static bool check_parse_and_jcs(const sc_buf *input, const sc_trust_list *trust) {
  (void)trust;
  return fuzz_check_json_jcs(input->data, input->len);
}

static bool check_verify(const sc_buf *input, const sc_trust_list *trust) {
  return fuzz_check_verify(input->data, input->len, trust);
}

static bool check_both(const sc_buf *input, const sc_trust_list *trust) {
  return check_parse_and_jcs(input, trust) && check_verify(input, trust);
}

/* Runs check on every regular file of dir (dot files skipped); returns how many ran. */
static size_t replay_dir(const char *dir, input_check check) {
  sc_trust_list *trust = fuzz_trust_list();
  assert_non_null(trust);
  DIR *d = opendir(dir);
  if (!d)
    fail_msg("cannot open %s (tests run from the project root)", dir);
  size_t count = 0;
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    if (entry->d_name[0] == '.')
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
    sc_buf input = {0};
    sc_error err = {0};
    if (sc_read_file(path, REPLAY_MAX_BYTES, &input, &err) != SC_OK)
      fail_msg("%s: %s", path, err.message);
    if (!check(&input, trust))
      fail_msg("%s: the fuzz check failed on this input", path);
    sc_buf_free(&input);
    count++;
  }
  closedir(d);
  sc_trust_free(trust);
  return count;
}

static void replays_regressions_through_parse_jcs_and_verify(void **state) {
  (void)state;
  replay_dir(FUZZ_DIR "/regressions", check_both);
}

static void replays_json_jcs_corpus_through_parse_jcs_and_verify(void **state) {
  (void)state;
  assert_true(replay_dir(FUZZ_DIR "/corpus/fuzz_json_jcs", check_both) >= 10);
}

static void replays_verify_corpus_through_parse_jcs_and_verify(void **state) {
  (void)state;
  assert_true(replay_dir(FUZZ_DIR "/corpus/fuzz_verify", check_both) >= 10);
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
