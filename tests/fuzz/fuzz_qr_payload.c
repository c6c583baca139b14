/* libFuzzer target: the QR payload decoder on hostile scanned text and hostile DEFLATE streams
 * (see tests/fuzz/qr_payload_check.h for the input format and the properties checked). */
#include "tests/fuzz/qr_payload_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fuzz_check_qr_payload(data, size))
    __builtin_trap();
  return 0;
}
