/* RDFC-1.0 and N-Quads: every test of the W3C rdf-canon suite (vectors rdf-canon/tests,
 * PROVENANCE.md there) as its own cmocka test, then the parser's and serializer's edges. */
#include "test_support.h"

#define SUITE "rdf-canon/tests/"


static void load_dataset(const char *relative, sc_rdf_dataset *dataset) {
  char path[512];
  snprintf(path, sizeof path, SUITE "%s", relative);
  sc_buf text = {0};
  read_vector(path, &text);
  sc_error err = {0};
  if (sc_nquads_parse((const char *)text.data, text.len, relative, dataset, &err) != SC_OK)
    fail_msg("%s", err.message);
  sc_buf_free(&text);
}

/* One manifest entry: an evaluation test compares the canonical N-Quads byte for byte, a map
 * test the issued identifiers, and the negative test must be refused (its poison graph). */
static void passes_w3c_rdf_canon_entry(void **state) {
  const json_t *entry = *state;
  const char *type = json_string_value(json_object_get(entry, "type"));
  const char *action = json_string_value(json_object_get(entry, "action"));
  const char *result = json_string_value(json_object_get(entry, "result"));
  const char *hash = json_string_value(json_object_get(entry, "hashAlgorithm"));
  sc_rdf_dataset dataset = {0};
  load_dataset(action, &dataset);
  sc_rdfc_options opts = {.hash = hash && strcmp(hash, "SHA384") == 0 ? SC_RDFC_SHA384
                                                                      : SC_RDFC_SHA256};
  sc_buf out = {0};
  json_t *issued = NULL;
  sc_error err = {0};
  int rc = sc_rdfc_canonicalize(&dataset, &opts, &out, &issued, &err);
  if (strcmp(type, "rdfc:RDFC10NegativeEvalTest") == 0) {
    assert_int_equal(rc, SC_EDATA);
    assert_non_null(strstr(err.message, "too costly"));
  } else if (rc != SC_OK) {
    fail_msg("%s: %s", action, err.message);
  } else if (strcmp(type, "rdfc:RDFC10MapTest") == 0) {
    json_t *expected = NULL;
    char path[512];
    snprintf(path, sizeof path, SUITE "%s", result);
    expected = load_vector_json(path);
    if (!json_equal(expected, issued)) {
      char *got = json_dumps(issued, JSON_SORT_KEYS);
      fail_msg("%s: issued identifiers %s", action, got);
    }
    json_decref(expected);
  } else {
    sc_buf want = {0};
    char path[512];
    snprintf(path, sizeof path, SUITE "%s", result);
    read_vector(path, &want);
    if (want.len != out.len || (out.len && memcmp(want.data, out.data, out.len) != 0))
      fail_msg("%s: got\n%s\nwant\n%s", action, out.data ? (char *)out.data : "",
               want.data ? (char *)want.data : "");
    sc_buf_free(&want);
  }
  json_decref(issued);
  sc_buf_free(&out);
  sc_rdf_dataset_free(&dataset);
}

static void nquads_syntax_errors_name_the_line(void **state) {
  (void)state;
  static const struct {
    const char *text, *expected;
  } cases[] = {
      {"<http://a/s> <http://a/p> <http://a/o> .\n<http://a/s> <http://a/p> \"x .\n", ":2: "},
      {"<http://a/s> <http://a/p> <http://a/o>\n", "a graph name or '.'"},
      {"\"lit\" <http://a/p> <http://a/o> .\n", "a subject"},
      {"<http://a/s> _:p <http://a/o> .\n", "a predicate IRI"},
      {"<relative> <http://a/p> <http://a/o> .\n", "an absolute IRI"},
      {"<http://a/s> <http://a/p> \"a\\qb\" .\n", "one of"},
      {"<http://a/s> <http://a/p> \"\\uD800\" .\n", "Unicode scalar value"},
      /* found by fuzz_rdfc: an escaped control character in an IRI was written back raw */
      {"<urn:ex:s\\U00000008> <http://a/p> <http://a/o> .\n", "an IRI without spaces"},
      /* found by fuzz_rdfc: eight digits past U+10FFFF overflowed a signed int */
      {"<http://a/s> <http://a/p> \"\\UF8000000\" .\n", "Unicode scalar value"},
      {"<http://a/s> <http://a/p> <http://a/o> . x\n", "end of the line"},
      {"<http://a/s> <http://a/p> \"x\"^^\"y\" .\n", "datatype IRI"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    sc_rdf_dataset dataset = {0};
    sc_error err = {0};
    assert_int_equal(sc_nquads_parse(cases[i].text, strlen(cases[i].text), "t.nq", &dataset, &err),
                     SC_EDATA);
    if (!strstr(err.message, cases[i].expected) || strncmp(err.message, "t.nq:", 5) != 0)
      fail_msg("case %zu: %s", i, err.message);
    sc_rdf_dataset_free(&dataset);
  }
}

static void literals_round_trip_with_canonical_escapes(void **state) {
  (void)state;
  const char text[] = "<http://a/s> <http://a/p> \"q\\\"\\\\\\u0000\\u001f\\t\\u00e9\\U0001F600\"@en-GB <http://a/g> .\n";
  sc_rdf_dataset dataset = {0};
  sc_error err = {0};
  assert_int_equal(sc_nquads_parse(text, sizeof text - 1, "t.nq", &dataset, &err), SC_OK);
  assert_int_equal(dataset.count, 1);
  const sc_rdf_term *o = &dataset.quads[0].object;
  assert_int_equal(o->len, 1 + 1 + 1 + 1 + 1 + 1 + 2 + 4);
  assert_int_equal(o->value[3], '\0');
  assert_string_equal(o->language, "en-GB");
  sc_buf out = {0};
  assert_true(sc_nquads_append_quad(&dataset.quads[0], NULL, NULL, &out));
  assert_string_equal((char *)out.data, "<http://a/s> <http://a/p> \"q\\\"\\\\\\u0000\\u001F\\t\xc3\xa9\xf0\x9f\x98\x80\"@en-GB <http://a/g> .\n");
  sc_buf_free(&out);
  sc_rdf_dataset_free(&dataset);
}

/* A literal whose escapes make it six times longer, then a long datatype and a graph name:
 * the writer reserves a quad's room from the unescaped lengths, so what follows the escapes
 * must find room again (ASan sees an overflow otherwise). */
static void escaped_literal_before_a_graph_name(void **state) {
  (void)state;
  sc_buf text = {0}, want = {0};
  sc_buf_append_str(&text, "<http://a/s> <http://a/p> \"");
  sc_buf_append_str(&want, "<http://a/s> <http://a/p> \"");
  for (int i = 0; i < 300; i++) {
    sc_buf_append_str(&text, "\\u0001");
    sc_buf_append_str(&want, "\\u0001");
  }
  /* a datatype longer than the slack the escapes' growth leaves */
  sc_buf datatype = {0};
  sc_buf_append_str(&datatype, "\"^^<http://a/");
  for (int i = 0; i < 3000; i++)
    sc_buf_append_byte(&datatype, 't');
  sc_buf_append_str(&datatype, "> <http://a/g> .\n");
  sc_buf_append(&text, datatype.data, datatype.len);
  sc_buf_append(&want, datatype.data, datatype.len);
  sc_buf_free(&datatype);
  sc_rdf_dataset dataset = {0};
  sc_error err = {0};
  assert_int_equal(sc_nquads_parse((char *)text.data, text.len, "t.nq", &dataset, &err), SC_OK);
  sc_buf out = {0};
  sc_buf_append_str(&out, "x"); /* a buffer already holding something, nearly full */
  assert_true(sc_nquads_append_quad(&dataset.quads[0], NULL, NULL, &out));
  assert_string_equal((char *)out.data + 1, (char *)want.data);
  sc_buf_free(&out);
  sc_buf_free(&text);
  sc_buf_free(&want);
  sc_rdf_dataset_free(&dataset);
}

static void duplicate_quads_are_one(void **state) {
  (void)state;
  const char text[] = "_:x <http://a/p> \"1\" .\n_:x <http://a/p> \"1\" .\n";
  sc_rdf_dataset dataset = {0};
  sc_error err = {0};
  assert_int_equal(sc_nquads_parse(text, sizeof text - 1, "t.nq", &dataset, &err), SC_OK);
  sc_buf out = {0};
  assert_int_equal(sc_rdfc_canonicalize(&dataset, NULL, &out, NULL, &err), SC_OK);
  assert_string_equal((char *)out.data, "_:c14n0 <http://a/p> \"1\" .\n");
  sc_buf_free(&out);
  sc_rdf_dataset_free(&dataset);
}

/* Duplicates are found on the quads, not on their lines: a quad is a duplicate exactly when
 * it would write the same line (an explicit xsd:string is the plain string; a language tag's
 * case and a datatype make different lines). */
static void quads_equal_as_text_are_one(void **state) {
  (void)state;
  const char text[] =
      "<http://a/s> <http://a/p> \"x\" .\n"
      "<http://a/s> <http://a/p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> .\n"
      "<http://a/s> <http://a/p> \"x\"@en .\n"
      "<http://a/s> <http://a/p> \"x\"@EN .\n"
      "<http://a/s> <http://a/p> \"x\"^^<http://a/t> .\n"
      "<http://a/s> <http://a/p> <http://x> .\n"
      "_:b <http://a/p> _:c <http://a/g> .\n"
      "_:b <http://a/p> _:c <http://a/g> .\n"
      "_:b <http://a/p> _:c .\n";
  sc_rdf_dataset dataset = {0};
  sc_error err = {0};
  assert_int_equal(sc_nquads_parse(text, sizeof text - 1, "t.nq", &dataset, &err), SC_OK);
  sc_buf out = {0};
  assert_int_equal(sc_rdfc_canonicalize(&dataset, NULL, &out, NULL, &err), SC_OK);
  assert_string_equal((char *)out.data, "<http://a/s> <http://a/p> \"x\" .\n"
                                        "<http://a/s> <http://a/p> \"x\"@EN .\n"
                                        "<http://a/s> <http://a/p> \"x\"@en .\n"
                                        "<http://a/s> <http://a/p> \"x\"^^<http://a/t> .\n"
                                        "<http://a/s> <http://a/p> <http://x> .\n"
                                        "_:c14n0 <http://a/p> _:c14n1 .\n"
                                        "_:c14n0 <http://a/p> _:c14n1 <http://a/g> .\n");
  sc_buf_free(&out);
  sc_rdf_dataset_free(&dataset);
}

static void work_limit_is_configurable(void **state) {
  (void)state;
  /* A ring of four blank nodes needs Hash N-Degree Quads: a budget of 1 step refuses it. */
  const char text[] = "_:a <http://a/p> _:b .\n_:b <http://a/p> _:c .\n_:c <http://a/p> _:d .\n"
                      "_:d <http://a/p> _:a .\n";
  sc_rdf_dataset dataset = {0};
  sc_error err = {0};
  assert_int_equal(sc_nquads_parse(text, sizeof text - 1, "t.nq", &dataset, &err), SC_OK);
  sc_buf out = {0};
  sc_rdfc_options tight = {.max_work = 1};
  assert_int_equal(sc_rdfc_canonicalize(&dataset, &tight, &out, NULL, &err), SC_EDATA);
  sc_buf_reset(&out);
  assert_int_equal(sc_rdfc_canonicalize(&dataset, NULL, &out, NULL, &err), SC_OK);
  assert_non_null(strstr((char *)out.data, "_:c14n3"));
  sc_buf_free(&out);
  sc_rdf_dataset_free(&dataset);
}

int main(void) {
  json_t *manifest = load_vector_json(SUITE "manifest.jsonld");
  json_t *entries = json_object_get(manifest, "entries");
  size_t n = json_array_size(entries);
  struct CMUnitTest *tests = calloc(n + 6, sizeof *tests);
  char **names = calloc(n, sizeof *names);
  for (size_t i = 0; i < n; i++) {
    json_t *entry = json_array_get(entries, i);
    const char *id = json_string_value(json_object_get(entry, "id"));
    const char *name = json_string_value(json_object_get(entry, "name"));
    size_t len = strlen(id) + strlen(name) + 32;
    names[i] = malloc(len);
    snprintf(names[i], len, "w3c_rdf_canon_%s_%s", id + 1, name);
    tests[i] = (struct CMUnitTest){names[i], passes_w3c_rdf_canon_entry, NULL, NULL, entry};
  }
  tests[n] = (struct CMUnitTest)cmocka_unit_test(nquads_syntax_errors_name_the_line);
  tests[n + 1] = (struct CMUnitTest)cmocka_unit_test(literals_round_trip_with_canonical_escapes);
  tests[n + 2] = (struct CMUnitTest)cmocka_unit_test(duplicate_quads_are_one);
  tests[n + 3] = (struct CMUnitTest)cmocka_unit_test(work_limit_is_configurable);
  tests[n + 4] = (struct CMUnitTest)cmocka_unit_test(quads_equal_as_text_are_one);
  tests[n + 5] = (struct CMUnitTest)cmocka_unit_test(escaped_literal_before_a_graph_name);
  int failed = _cmocka_run_group_tests("rdfc", tests, n + 6, NULL, NULL);
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  free(tests);
  json_decref(manifest);
  return failed;
}
