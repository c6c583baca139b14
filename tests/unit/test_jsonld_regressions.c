/* Inputs that once broke JSON-LD processing (found by tests/fuzz/fuzz_jsonld.c), kept in
 * tests/fuzz/regressions-jsonld/: each must end in a dataset or a clean SC_EDATA, in safe mode
 * and out of it, and the dataset must canonicalize or be refused by the work limit. */
#include "test_support.h"

#include <dirent.h>

static void replays_jsonld_regressions(void **state) {
  (void)state;
  const char *dir = "tests/fuzz/regressions-jsonld";
  DIR *d = opendir(dir);
  assert_non_null(d);
  size_t count = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    json_t *doc = NULL;
    sc_error err = {0};
    if (sc_json_load_file(path, &doc, &err) != SC_OK)
      continue; /* not JSON: the fuzz target stops there too */
    for (int safe = 0; safe < 2; safe++) {
      sc_jsonld_options opts = {.safe_mode = safe == 1};
      sc_rdf_dataset dataset = {0};
      int rc = sc_jsonld_to_rdf(doc, &opts, &dataset, &err);
      if (rc != SC_OK && rc != SC_EDATA)
        fail_msg("%s: %d %s", path, rc, err.message);
      if (rc == SC_OK) {
        sc_buf out = {0};
        rc = sc_rdfc_canonicalize(&dataset, NULL, &out, NULL, &err);
        assert_true(rc == SC_OK || rc == SC_EDATA);
        sc_buf_free(&out);
      }
      sc_rdf_dataset_free(&dataset);
    }
    json_decref(doc);
    count++;
  }
  closedir(d);
  assert_true(count >= 1);
}

static void an_empty_context_array_is_no_context(void **state) {
  (void)state;
  json_t *doc = json_pack("{s:[], s:s, s:s}", "@context", "@id", "urn:x:1",
                          "http://example.org/p", "v");
  sc_rdf_dataset dataset = {0};
  sc_error err = {0};
  assert_int_equal(sc_jsonld_to_rdf(doc, NULL, &dataset, &err), SC_OK);
  assert_int_equal(dataset.count, 1);
  sc_rdf_dataset_free(&dataset);
  json_decref(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(replays_jsonld_regressions),
      cmocka_unit_test(an_empty_context_array_is_no_context),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
