/* RFC 8785 canonical JSON and ECMAScript number printing, against the conformance vectors in
 * jcs/ (cyberphone's input/output pairs, the ES6 number sample, derived edge cases) and the
 * canonical documents of the eddsa-jcs-2022 derived vectors. */
#include "test_support.h"

#include <inttypes.h>
#include <math.h>

static char *canonical_of_text(const char *text) {
  json_t *value = NULL;
  sc_error err = {0};
  if (sc_json_parse(text, strlen(text), "test", &value, &err) != SC_OK)
    fail_msg("cannot parse %s: %s", text, err.message);
  char *canonical = sc_jcs(value, &err);
  if (!canonical)
    fail_msg("cannot canonicalize %s: %s", text, err.message);
  json_decref(value);
  return canonical;
}

static void assert_canonical(const char *text, const char *expected) {
  char *canonical = canonical_of_text(text);
  assert_string_equal(canonical, expected);
  free(canonical);
}

static void canonicalizes_cyberphone_inputs_byte_for_byte(void **state) {
  (void)state;
  static const char *const names[] = {"arrays",  "french", "structures",
                                      "unicode", "values", "weird"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char path[128];
    snprintf(path, sizeof path, "jcs/input/%s.json", names[i]);
    json_t *input = load_vector_json(path);
    snprintf(path, sizeof path, "jcs/output/%s.json", names[i]);
    sc_buf expected = {0};
    read_vector(path, &expected);
    sc_buf actual = {0};
    sc_error err = {0};
    if (sc_jcs_append(input, &actual, &err) != SC_OK)
      fail_msg("%s: %s", names[i], err.message);
    if (actual.len != expected.len || memcmp(actual.data, expected.data, actual.len) != 0)
      fail_msg("%s: got %s\nexpected %s", names[i], actual.data, expected.data);
    sc_buf_free(&actual);
    sc_buf_free(&expected);
    json_decref(input);
  }
}

/* Each line is "<IEEE-754 bits in hex>,<Number.prototype.toString output>"; returns the number
 * of lines checked. */
static size_t check_number_file(const char *relative) {
  sc_buf file = {0};
  read_vector(relative, &file);
  size_t lines = 0;
  char *save = NULL;
  for (char *line = strtok_r((char *)file.data, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    char *comma = strchr(line, ',');
    if (!comma)
      fail_msg("%s: line %zu has no comma", relative, lines + 1);
    *comma = '\0';
    uint64_t bits = strtoull(line, NULL, 16);
    double value;
    memcpy(&value, &bits, sizeof value);
    char text[32];
    size_t len = sc_ecma_number(value, text, sizeof text);
    if (strcmp(text, comma + 1) != 0 || len != strlen(comma + 1))
      fail_msg("%s: bits %s: got %s, expected %s", relative, line, text, comma + 1);
    lines++;
  }
  sc_buf_free(&file);
  return lines;
}

static void prints_official_es6_number_sample(void **state) {
  (void)state;
  assert_int_equal(check_number_file("jcs/es6-numbers/es6testfile100m-lines-00001-01000.txt"),
                   1000);
  assert_int_equal(check_number_file("jcs/es6-numbers/es6testfile100m-lines-02169-04168.txt"),
                   2000);
}

static void prints_powers_of_two_like_v8(void **state) {
  (void)state;
  assert_int_equal(check_number_file("jcs/es6-numbers/derived-powers-of-two-v8.txt"), 6190);
}

static void prints_negative_zero_as_zero(void **state) {
  (void)state;
  char text[32];
  assert_int_equal(sc_ecma_number(-0.0, text, sizeof text), 1);
  assert_string_equal(text, "0");
}

static void refuses_a_buffer_too_small_for_every_number(void **state) {
  (void)state;
  char text[SC_ECMA_NUMBER_SIZE] = "x";
  assert_int_equal(sc_ecma_number(1.0, text, 8), 0);
  assert_string_equal(text, "");
}

/* Kept local so that this test does not depend on the encodings under test elsewhere. */
static void decode_hex(const char *hex, sc_buf *out) {
  assert_non_null(hex);
  for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
    char pair[3] = {hex[i], hex[i + 1], '\0'};
    assert_true(sc_buf_append_byte(out, (unsigned char)strtoul(pair, NULL, 16)));
  }
}

static void handles_derived_edge_cases(void **state) {
  (void)state;
  json_t *index = load_vector_json("jcs/derived/index.json");
  json_t *cases = json_object_get(index, "cases");
  assert_true(json_array_size(cases) >= 11);
  size_t i;
  json_t *item;
  json_array_foreach(cases, i, item) {
    const char *file = json_string_value(json_object_get(item, "file"));
    const char *expect = json_string_value(json_object_get(item, "expect"));
    assert_non_null(file);
    assert_non_null(expect);
    char path[256];
    snprintf(path, sizeof path, "jcs/derived/%s", file);
    sc_buf raw = {0};
    read_vector(path, &raw);
    json_t *value = NULL;
    sc_error err = {0};
    int rc = sc_json_parse((const char *)raw.data, raw.len, file, &value, &err);
    if (strcmp(expect, "reject") == 0) {
      if (rc != SC_EDATA)
        fail_msg("%s: expected rejection, got %d", file, rc);
      assert_null(value);
      assert_non_null(strstr(err.message, file));
    } else {
      if (rc != SC_OK)
        fail_msg("%s: %s", file, err.message);
      sc_buf expected = {0}, actual = {0};
      decode_hex(json_string_value(json_object_get(item, "expectedOutputHex")), &expected);
      assert_int_equal(sc_jcs_append(value, &actual, &err), SC_OK);
      if (actual.len != expected.len || memcmp(actual.data, expected.data, actual.len) != 0)
        fail_msg("%s: got %s, expected %s", file, actual.data, expected.data);
      sc_buf_free(&expected);
      sc_buf_free(&actual);
    }
    json_decref(value);
    sc_buf_free(&raw);
  }
  json_decref(index);
}

/* The derived eddsa-jcs-2022 vectors give the canonical document that was signed; the proof
 * taken out, ours must be identical (p02 stresses JCS, p03 holds integers beyond 2^53). */
static void canonicalizes_signed_vector_documents_like_the_signer(void **state) {
  (void)state;
  json_t *index = load_vector_json("eddsa-jcs-2022/derived/index.json");
  static const char *const names[] = {"p01-ob3-openbadgecredential", "p02-jcs-stress",
                                      "p03-integer-beyond-2-53", "p04-proof-without-context",
                                      "p05-plain-json-no-context"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    json_t *vector = json_object_get(json_object_get(index, "vectors"), names[i]);
    const char *file = json_string_value(json_object_get(vector, "securedDocumentFile"));
    const char *expected = json_string_value(
        json_object_get(json_object_get(vector, "intermediates"), "canonicalDocument"));
    assert_non_null(file);
    assert_non_null(expected);
    char path[256];
    snprintf(path, sizeof path, "eddsa-jcs-2022/derived/%s", file);
    json_t *document = load_vector_json(path);
    assert_int_equal(json_object_del(document, "proof"), 0);
    sc_error err = {0};
    char *canonical = sc_jcs(document, &err);
    assert_non_null(canonical);
    if (strcmp(canonical, expected) != 0)
      fail_msg("%s: got %s\nexpected %s", names[i], canonical, expected);
    free(canonical);
    json_decref(document);
  }
  json_decref(index);
}

static void sorts_keys_by_utf16_code_units_not_utf8_bytes(void **state) {
  (void)state;
  /* U+1F600 (surrogates D83D DE00) sorts before U+FB33 and U+E000 in UTF-16, after them in
   * UTF-8; U+00E9 and ASCII keep code point order; a prefix sorts first. */
  assert_canonical("{\"\\ue000\":1,\"\\ufb33\":2,\"\\ud83d\\ude00\":3,\"\\u00e9\":4,\"a\":5,"
                   "\"ab\":6,\"\\ud7ff\":7}",
                   "{\"a\":5,\"ab\":6,\"\xc3\xa9\":4,\"\xed\x9f\xbf\":7,\"\xf0\x9f\x98\x80\":3,"
                   "\"\xee\x80\x80\":1,\"\xef\xac\xb3\":2}");
}

static void sorts_keys_of_large_objects(void **state) {
  (void)state;
  json_t *object = json_object();
  assert_non_null(object);
  for (int i = 99; i >= 0; i--) {
    char key[16];
    snprintf(key, sizeof key, "k%02d", i);
    assert_int_equal(json_object_set_new(object, key, json_integer(i)), 0);
  }
  sc_error err = {0};
  char *canonical = sc_jcs(object, &err);
  assert_non_null(canonical);
  assert_memory_equal(canonical, "{\"k00\":0,\"k01\":1,\"k02\":2,", 24);
  assert_non_null(strstr(canonical, "\"k98\":98,\"k99\":99}"));
  free(canonical);
  json_decref(object);
}

static void escapes_only_what_rfc8785_requires(void **state) {
  (void)state;
  assert_canonical("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\\u007f\\u2028\\u00e9\"",
                   "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\xe2\x80\xa8\xc3\xa9\"");
}

static void keeps_nul_in_strings_and_keys_built_in_code(void **state) {
  (void)state;
  json_t *object = json_object();
  assert_int_equal(json_object_setn_new(object, "k\0z", 3, json_stringn("a\0b", 3)), 0);
  sc_error err = {0};
  char *canonical = sc_jcs(object, &err);
  assert_string_equal(canonical, "{\"k\\u0000z\":\"a\\u0000b\"}");
  free(canonical);
  json_decref(object);
}

static void serializes_integers_as_the_double_they_round_to(void **state) {
  (void)state;
  json_t *array = json_pack("[I,I,I,f,b,b,n,{},[]]", (json_int_t)9007199254740993LL,
                            (json_int_t)-42, (json_int_t)0, -0.0, 1, 0);
  assert_non_null(array);
  sc_error err = {0};
  char *canonical = sc_jcs(array, &err);
  assert_string_equal(canonical, "[9007199254740992,-42,0,0,true,false,null,{},[]]");
  free(canonical);
  json_decref(array);
}

static void formats_numbers_read_from_text(void **state) {
  (void)state;
  assert_canonical(
      "[1.0,4.50,2e-3,1E30,1e21,1e20,1e-7,-0,333333333.33333329,295147905179352825856]",
      "[1,4.5,0.002,1e+30,1e+21,100000000000000000000,1e-7,0,333333333.3333333,"
      "295147905179352830000]");
}

static void appends_to_existing_buffer(void **state) {
  (void)state;
  sc_buf out = {0};
  assert_true(sc_buf_append_str(&out, "prefix:"));
  json_t *value = json_pack("{s:i}", "b", 1);
  assert_int_equal(sc_jcs_append(value, &out, NULL), SC_OK);
  assert_string_equal((const char *)out.data, "prefix:{\"b\":1}");
  json_decref(value);
  sc_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(canonicalizes_cyberphone_inputs_byte_for_byte),
      cmocka_unit_test(prints_official_es6_number_sample),
      cmocka_unit_test(prints_powers_of_two_like_v8),
      cmocka_unit_test(prints_negative_zero_as_zero),
      cmocka_unit_test(refuses_a_buffer_too_small_for_every_number),
      cmocka_unit_test(handles_derived_edge_cases),
      cmocka_unit_test(canonicalizes_signed_vector_documents_like_the_signer),
      cmocka_unit_test(sorts_keys_by_utf16_code_units_not_utf8_bytes),
      cmocka_unit_test(sorts_keys_of_large_objects),
      cmocka_unit_test(escapes_only_what_rfc8785_requires),
      cmocka_unit_test(keeps_nul_in_strings_and_keys_built_in_code),
      cmocka_unit_test(serializes_integers_as_the_double_they_round_to),
      cmocka_unit_test(formats_numbers_read_from_text),
      cmocka_unit_test(appends_to_existing_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
