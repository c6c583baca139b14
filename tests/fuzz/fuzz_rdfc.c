/* libFuzzer target: N-Quads parsing, then RDFC-1.0 canonicalization; the canonical output must
 * parse again and canonicalize to itself (a fixed point). */
#include "core/core.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sc_rdf_dataset dataset = {0};
  if (sc_nquads_parse((const char *)data, size, "fuzz", &dataset, NULL) != SC_OK) {
    sc_rdf_dataset_free(&dataset);
    return 0;
  }
  sc_buf once = {0}, twice = {0};
  sc_rdfc_options limits = {.max_work = 20000};
  if (sc_rdfc_canonicalize(&dataset, &limits, &once, NULL, NULL) == SC_OK) {
    sc_rdf_dataset again = {0};
    if (sc_nquads_parse(once.data ? (char *)once.data : "", once.len, "canonical", &again, NULL) !=
            SC_OK ||
        sc_rdfc_canonicalize(&again, &limits, &twice, NULL, NULL) != SC_OK ||
        once.len != twice.len || (once.len && memcmp(once.data, twice.data, once.len) != 0))
      __builtin_trap();
    sc_rdf_dataset_free(&again);
  }
  sc_buf_free(&once);
  sc_buf_free(&twice);
  sc_rdf_dataset_free(&dataset);
  return 0;
}
