/* libFuzzer target: JSON-LD 1.1 toRdf with the bundled contexts (safe mode off and on), then
 * RDFC-1.0 of whatever dataset came out. Any input must end in a dataset or a clean error;
 * a dataset must canonicalize or be refused by the work limit. */
#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *doc = NULL;
  if (sc_json_parse((const char *)data, size, "fuzz", &doc, NULL) != SC_OK)
    return 0;
  for (int safe = 0; safe < 2; safe++) {
    sc_jsonld_options opts = {.safe_mode = safe == 1};
    sc_rdf_dataset dataset = {0};
    sc_error err = {0};
    int rc = sc_jsonld_to_rdf(doc, &opts, &dataset, &err);
    if (rc != SC_OK && (rc != SC_EDATA || !err.message[0]))
      __builtin_trap(); /* an error must be SC_EDATA with a message */
    if (rc == SC_OK) {
      sc_buf out = {0};
      sc_rdfc_options limits = {.max_work = 20000};
      rc = sc_rdfc_canonicalize(&dataset, &limits, &out, NULL, &err);
      if (rc != SC_OK && rc != SC_EDATA)
        __builtin_trap();
      sc_buf_free(&out);
    }
    sc_rdf_dataset_free(&dataset);
  }
  json_decref(doc);
  return 0;
}
