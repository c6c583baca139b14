/* libFuzzer target: strict JSON intake, then RFC 8785 canonicalisation of what it accepted. */
#include "tests/fuzz/fuzz_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fuzz_check_json_jcs(data, size))
    __builtin_trap();
  return 0;
}
