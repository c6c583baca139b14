/* JSON-LD document → RDF dataset → RDFC-1.0 canonical N-Quads: what RDF-based Data Integrity
 * cryptosuites hash. */
#include "core/jsonld_internal.h"

int jl_canonical_quads(const json_t *document, sc_rdf_dataset *dataset, sc_error *err) {
  sc_jsonld_options opts = {.safe_mode = true};
  return sc_jsonld_to_rdf(document, &opts, dataset, err);
}

int jl_canonical_nquads_keeping(const json_t *document, sc_rdf_dataset *dataset, sc_buf *out,
                            sc_error *err) {
  int rc = jl_canonical_quads(document, dataset, err);
  return rc ? rc : sc_rdfc_canonicalize(dataset, NULL, out, NULL, err);
}

int sc_jsonld_canonical_nquads(const json_t *document, sc_buf *out, sc_error *err) {
  sc_rdf_dataset dataset = {0};
  int rc = jl_canonical_nquads_keeping(document, &dataset, out, err);
  sc_rdf_dataset_free(&dataset);
  return rc;
}
