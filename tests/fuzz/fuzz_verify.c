/* libFuzzer target: the whole JSON verification pipeline, with a trust list and a fixed time. */
#include "tests/fuzz/fuzz_checks.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Built once: the trust list is read-only during the run. libFuzzer offers no teardown, so
 * it lives until exit (LeakSanitizer does not report memory still referenced at exit). */
static sc_trust_list *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  trust = fuzz_trust_list();
  if (!trust)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fuzz_check_verify(data, size, trust))
    __builtin_trap();
  return 0;
}
