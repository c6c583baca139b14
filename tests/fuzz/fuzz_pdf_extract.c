/* libFuzzer target: sc_pdf_extract_credential on hostile PDFs
 * (see tests/fuzz/inputs_check.h for the properties checked). */
#include "tests/fuzz/inputs_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fuzz_check_pdf_extract(data, size))
    __builtin_trap();
  return 0;
}
