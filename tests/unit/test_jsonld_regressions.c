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

/* Term definitions are compiled when Context Processing is done with a context
 * (jsonld_defs.c); inside a context array the context a remote context gives is still being
 * built (the next item defines more terms in it), so it must not be compiled then. A term
 * defined after the remote context is seen by expansion beside the remote context's own, with
 * the bundled loader (cached contexts) and with a loader of the caller's (not cached). */
static const json_t *vc_only(void *ctx, const char *url) {
  return sc_jsonld_bundled_context(ctx, url);
}

static void a_term_defined_after_a_remote_context_is_used(void **state) {
  (void)state;
  /* no type: a type-scoped context would make a new context and hide a stale one */
  json_t *doc = json_pack("{s:[s,{s:s}], s:s, s:s, s:s}", "@context",
                          "https://www.w3.org/ns/credentials/v2", "laterTerm",
                          "https://example.org/later", "id", "urn:x:1", "laterTerm", "a", "name",
                          "b");
  for (int loader = 0; loader < 2; loader++) {
    for (int pass = 0; pass < 2; pass++) { /* the second pass finds the contexts cached */
      sc_jsonld_options opts = {.safe_mode = true, .load = loader ? vc_only : NULL};
      sc_rdf_dataset dataset = {0};
      sc_error err = {0};
      assert_int_equal(sc_jsonld_to_rdf(doc, &opts, &dataset, &err), SC_OK);
      sc_buf out = {0};
      assert_int_equal(sc_rdfc_canonicalize(&dataset, NULL, &out, NULL, &err), SC_OK);
      assert_non_null(strstr((char *)out.data, "<urn:x:1> <https://example.org/later> \"a\" .\n"));
      assert_non_null(strstr((char *)out.data, "<urn:x:1> <https://schema.org/name> \"b\" .\n"));
      sc_buf_free(&out);
      sc_rdf_dataset_free(&dataset);
    }
  }
  json_decref(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(replays_jsonld_regressions),
      cmocka_unit_test(an_empty_context_array_is_no_context),
      cmocka_unit_test(a_term_defined_after_a_remote_context_is_used),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
