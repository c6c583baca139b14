/* Replays the HTTP fuzz target's seeds (tests/fuzz/corpus/fuzz_http_verify/) through the same
 * handler and properties as `make fuzz`, so they are checked under ASan and UBSan in every
 * `make test`: no 5xx for bad input, a content type and a body, no script in any HTML page. */
#include "test_support.h"

#include <dirent.h>

#include "tests/fuzz/fuzz_http_verify.c"

static void replays_the_http_fuzz_corpus(void **state) {
  (void)state;
  assert_int_equal(LLVMFuzzerInitialize(NULL, NULL), 0);
  const char *corpus = "tests/fuzz/corpus/fuzz_http_verify";
  DIR *dir = opendir(corpus);
  assert_non_null(dir);
  size_t replayed = 0;
  struct dirent *entry;
  while ((entry = readdir(dir))) {
    if (entry->d_name[0] == '.')
      continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", corpus, entry->d_name);
    sc_buf seed = {0};
    assert_int_equal(sc_read_file(path, (size_t)1 << 20, &seed, NULL), SC_OK);
    LLVMFuzzerTestOneInput(seed.data ? seed.data : (const uint8_t *)"", seed.len); /* traps */
    sc_buf_free(&seed);
    replayed++;
  }
  closedir(dir);
  assert_true(replayed >= 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(replays_the_http_fuzz_corpus),
  };
  return cmocka_run_group_tests_name("http_corpus", tests, NULL, NULL);
}
