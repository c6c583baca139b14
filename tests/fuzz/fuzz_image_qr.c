/* libFuzzer target: sc_image_read_qr on hostile PNG and JPEG images
 * (see tests/fuzz/inputs_check.h for the properties checked). */
#include "tests/fuzz/inputs_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fuzz_check_image_qr(data, size))
    __builtin_trap();
  return 0;
}
