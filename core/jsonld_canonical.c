/* JSON-LD document → RDF dataset → RDFC-1.0 canonical N-Quads: what RDF-based Data Integrity
 * cryptosuites hash. */
#include "core/core.h"

int sc_jsonld_canonical_nquads(const json_t *document, sc_buf *out, sc_error *err) {
  sc_jsonld_options opts = {.safe_mode = true};
  sc_rdf_dataset dataset = {0};
  int rc = sc_jsonld_to_rdf(document, &opts, &dataset, err);
  if (!rc)
    rc = sc_rdfc_canonicalize(&dataset, NULL, out, NULL, err);
  sc_rdf_dataset_free(&dataset);
  return rc;
}
