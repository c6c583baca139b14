/* libFuzzer target: the status list decoder on hostile encodedList values and hostile GZIP
 * streams (see tests/fuzz/status_list_check.h for the input format and the properties). */
#include "tests/fuzz/status_list_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fuzz_check_status_list(data, size))
    __builtin_trap();
  return 0;
}
