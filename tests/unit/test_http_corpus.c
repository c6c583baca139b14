/* Replays the HTTP fuzz target's seeds (tests/fuzz/corpus/fuzz_http_verify/) through the same
 * handler and properties as `make fuzz`, so they are checked under ASan and UBSan in every
 * `make test`: no 5xx for bad input, a content type and a body, no script in any HTML page. */
#include "test_support.h"

#include "tests/fuzz/fuzz_http_verify.c"

static bool http_check(void *ctx, const uint8_t *data, size_t len) {
  (void)ctx;
  return LLVMFuzzerTestOneInput(data, len) == 0; /* a violated property traps */
}

static void replays_the_http_fuzz_corpus(void **state) {
  (void)state;
  assert_int_equal(LLVMFuzzerInitialize(NULL, NULL), 0);
  assert_true(replay_corpus("tests/fuzz/corpus/fuzz_http_verify", http_check, NULL) >= 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(replays_the_http_fuzz_corpus),
  };
  return cmocka_run_group_tests_name("http_corpus", tests, NULL, NULL);
}
