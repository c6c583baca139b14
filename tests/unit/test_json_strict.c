/* Strict JSON intake: limits, what is refused, and messages that say where. */
#include "test_support.h"

#include <math.h>
#include <time.h>
#include <unistd.h>

/* Parses data expecting SC_EDATA, leaving the error in err. */
static void expect_rejected(const char *data, size_t len, sc_error *err) {
  json_t *value = (json_t *)1;
  int rc = sc_json_parse(data, len, "in.json", &value, err);
  if (rc != SC_EDATA)
    fail_msg("expected SC_EDATA for %.40s, got %d", data, rc);
  assert_null(value);
  assert_int_equal(err->code, SC_EDATA);
}

static json_t *expect_parsed(const char *data, size_t len) {
  json_t *value = NULL;
  sc_error err = {0};
  if (sc_json_parse(data, len, "in.json", &value, &err) != SC_OK)
    fail_msg("expected %.40s to parse: %s", data, err.message);
  assert_non_null(value);
  return value;
}

#define REJECT(literal, err) expect_rejected(literal, sizeof literal - 1, err)

static void rejects_empty_input(void **state) {
  (void)state;
  sc_error err = {0};
  REJECT("", &err);
  assert_string_equal(err.message, "in.json: empty input, expected a JSON value");
  REJECT(" \n\t\r ", &err);
  assert_non_null(strstr(err.message, "empty input"));
}

static void rejects_text_that_is_not_json(void **state) {
  (void)state;
  sc_error err = {0};
  REJECT("{\n  \"a\": 1,\n  nope\n}", &err);
  assert_true(strncmp(err.message, "in.json:3:", 10) == 0);
  REJECT("[1] x", &err);
  assert_true(strncmp(err.message, "in.json:1:", 10) == 0);
  REJECT("01", &err);
  REJECT("[1,]", &err);
  REJECT("{'a':1}", &err);
  REJECT("\"tab\there\"", &err);
  REJECT("\xef\xbb\xbf{}", &err); /* a byte order mark is not JSON (RFC 8259 8.1) */
}

static void rejects_duplicate_keys_naming_the_key_and_its_place(void **state) {
  (void)state;
  sc_error err = {0};
  REJECT("{\n  \"name\": 1,\n  \"x\": {\"name\": 2},\n  \"name\": 3\n}", &err);
  assert_string_equal(err.message, "in.json:4:3: duplicate object key 'name'");
}

static void rejects_duplicate_keys_after_unescaping(void **state) {
  (void)state;
  sc_error err = {0};
  REJECT("{\"a\":1,\"\\u0061\":2}", &err);
  assert_string_equal(err.message, "in.json:1:8: duplicate object key 'a'");
  REJECT("{\"\\\\\\\"\":1,\"\\u005c\\u0022\":2}", &err); /* \" after unescaping, both times */
  assert_string_equal(err.message, "in.json:1:11: duplicate object key '\\\"'");
  REJECT("{\"x\":0,\"a\\\"b\":1,\"a\\\"b\":2}", &err); /* an escaped quote in the name */
  assert_string_equal(err.message, "in.json:1:17: duplicate object key 'a\"b'");
}

static void rejects_deep_nesting_before_parsing(void **state) {
  (void)state;
  enum { DEEP = 10000 };
  char *deep = malloc(2 * DEEP);
  assert_non_null(deep);
  memset(deep, '[', DEEP);
  memset(deep + DEEP, ']', DEEP);
  sc_error err = {0};
  clock_t start = clock();
  expect_rejected(deep, 2 * DEEP, &err);
  assert_true(clock() - start < CLOCKS_PER_SEC / 10);
  assert_string_equal(err.message, "in.json:1:65: nested deeper than the limit of 64 levels");
  free(deep);
}

/* depth arrays nested, the innermost holding inner. */
static char *nested(int depth, const char *inner) {
  size_t len = 2 * (size_t)depth + strlen(inner);
  char *text = malloc(len + 1);
  assert_non_null(text);
  memset(text, '[', (size_t)depth);
  memcpy(text + depth, inner, strlen(inner));
  memset(text + depth + strlen(inner), ']', (size_t)depth);
  text[len] = '\0';
  return text;
}

static void accepts_nesting_up_to_the_limit(void **state) {
  (void)state;
  char *text = nested(SC_JSON_MAX_DEPTH, "1");
  json_decref(expect_parsed(text, strlen(text)));
  free(text);
  text = nested(SC_JSON_MAX_DEPTH - 1, "{\"a\":1}");
  json_decref(expect_parsed(text, strlen(text)));
  free(text);
  text = nested(SC_JSON_MAX_DEPTH, "{\"a\":1}");
  sc_error err = {0};
  expect_rejected(text, strlen(text), &err);
  assert_string_equal(err.message, "in.json:1:65: nested deeper than the limit of 64 levels");
  free(text);
}

static void ignores_brackets_inside_strings_when_measuring_depth(void **state) {
  (void)state;
  char text[300];
  memset(text, '[', sizeof text);
  text[0] = '"';
  text[1] = '\\';
  text[2] = '"'; /* an escaped quote does not end the string */
  text[sizeof text - 2] = '"';
  text[sizeof text - 1] = '\0';
  json_t *value = expect_parsed(text, strlen(text));
  assert_true(json_is_string(value));
  assert_int_equal(json_string_length(value), sizeof text - 4);
  json_decref(value);
}

static void refuses_100_megabytes_by_size_alone(void **state) {
  (void)state;
  size_t len = (size_t)100 << 20;
  /* Deeply nested and not JSON at all: a parse would report something else. */
  char *huge = malloc(len);
  assert_non_null(huge);
  memset(huge, '[', len);
  sc_error err = {0};
  clock_t start = clock();
  expect_rejected(huge, len, &err);
  assert_true(clock() - start < CLOCKS_PER_SEC / 100);
  assert_string_equal(err.message,
                      "in.json: 104857600 bytes, larger than the limit of 8388608 bytes");
  free(huge);
}

static void accepts_input_of_exactly_the_size_limit(void **state) {
  (void)state;
  char *text = malloc(SC_JSON_MAX_BYTES);
  assert_non_null(text);
  memset(text, 'x', SC_JSON_MAX_BYTES);
  text[0] = text[SC_JSON_MAX_BYTES - 1] = '"';
  json_t *value = expect_parsed(text, SC_JSON_MAX_BYTES);
  assert_int_equal(json_string_length(value), SC_JSON_MAX_BYTES - 2);
  json_decref(value);
  sc_error err = {0};
  text[SC_JSON_MAX_BYTES - 1] = 'x';
  expect_rejected(text, SC_JSON_MAX_BYTES + 0, &err); /* unterminated string, but in size */
  assert_null(strstr(err.message, "limit"));
  free(text);
}

static void rejects_invalid_utf8_with_its_place(void **state) {
  (void)state;
  sc_error err = {0};
  REJECT("{\n\"s\":\"\xff\xfe\"}", &err);
  assert_true(strncmp(err.message, "in.json:2:", 10) == 0);
  assert_non_null(strstr(err.message, "invalid UTF-8"));
  REJECT("\"\xed\xa0\x80\"", &err);     /* UTF-8-encoded surrogate */
  REJECT("\"\xc0\x80\"", &err);         /* overlong NUL */
  REJECT("\"\xf4\x90\x80\x80\"", &err); /* above U+10FFFF */
  REJECT("\"\xe2\x82\"", &err);         /* truncated sequence */
}

static void rejects_lone_surrogate_escapes(void **state) {
  (void)state;
  sc_error err = {0};
  REJECT("\"\\ud800\"", &err);
  assert_true(strncmp(err.message, "in.json:1:", 10) == 0);
  REJECT("\"\\udc00x\"", &err);
  REJECT("\"\\ud800\\u0041\"", &err);
  REJECT("\"\\udc00\\ud800\"", &err);
  json_t *pair = expect_parsed("\"\\ud834\\udd1e\"", 14);
  assert_string_equal(json_string_value(pair), "\xf0\x9d\x84\x9e");
  json_decref(pair);
}

static void rejects_numbers_beyond_a_double(void **state) {
  (void)state;
  sc_error err = {0};
  REJECT("[1e400]", &err);
  assert_true(strncmp(err.message, "in.json:1:", 10) == 0);
  REJECT("-1e400", &err);
  char big[400];
  memset(big, '9', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  expect_rejected(big, strlen(big), &err);
}

static void reads_every_number_as_a_double(void **state) {
  (void)state;
  json_t *value = expect_parsed("[-0,9007199254740993,1e-400,2]", 30);
  for (size_t i = 0; i < json_array_size(value); i++)
    assert_true(json_is_real(json_array_get(value, i)));
  assert_true(signbit(json_real_value(json_array_get(value, 0))));
  assert_true(json_real_value(json_array_get(value, 1)) == 9007199254740992.0);
  assert_true(json_real_value(json_array_get(value, 2)) == 0.0); /* underflow, as in JS */
  json_decref(value);
}

static void keeps_nul_inside_strings(void **state) {
  (void)state;
  json_t *value = expect_parsed("{\"s\":\"a\\u0000b\"}", 16);
  json_t *s = json_object_get(value, "s");
  assert_int_equal(json_string_length(s), 3);
  assert_memory_equal(json_string_value(s), "a\0b", 3);
  json_decref(value);
}

static void accepts_any_value_at_top_level(void **state) {
  (void)state;
  json_t *value = expect_parsed(" \"text\" ", 8);
  assert_string_equal(json_string_value(value), "text");
  json_decref(value);
  value = expect_parsed("null", 4);
  assert_true(json_is_null(value));
  json_decref(value);
  value = expect_parsed("3", 1);
  assert_true(json_is_real(value));
  json_decref(value);
}

static void loads_files_and_names_them_in_errors(void **state) {
  (void)state;
  char path[] = "/tmp/skillcert-json-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  const char text[] = "{\"a\": 1,\n \"a\": 2}";
  assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
  close(fd);
  json_t *value = (json_t *)1;
  sc_error err = {0};
  assert_int_equal(sc_json_load_file(path, &value, &err), SC_EDATA);
  assert_null(value);
  char expected[128];
  snprintf(expected, sizeof expected, "%s:2:2: duplicate object key 'a'", path);
  assert_string_equal(err.message, expected);
  unlink(path);
  assert_int_equal(sc_json_load_file(path, &value, &err), SC_ENOINPUT);
  assert_null(value);
}

static void loads_a_vector_file(void **state) {
  (void)state;
  char path[512];
  snprintf(path, sizeof path, "%s/jcs/input/structures.json", vectors_dir());
  json_t *value = NULL;
  sc_error err = {0};
  assert_int_equal(sc_json_load_file(path, &value, &err), SC_OK);
  assert_true(json_is_object(value));
  json_decref(value);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rejects_empty_input),
      cmocka_unit_test(rejects_text_that_is_not_json),
      cmocka_unit_test(rejects_duplicate_keys_naming_the_key_and_its_place),
      cmocka_unit_test(rejects_duplicate_keys_after_unescaping),
      cmocka_unit_test(rejects_deep_nesting_before_parsing),
      cmocka_unit_test(accepts_nesting_up_to_the_limit),
      cmocka_unit_test(ignores_brackets_inside_strings_when_measuring_depth),
      cmocka_unit_test(refuses_100_megabytes_by_size_alone),
      cmocka_unit_test(accepts_input_of_exactly_the_size_limit),
      cmocka_unit_test(rejects_invalid_utf8_with_its_place),
      cmocka_unit_test(rejects_lone_surrogate_escapes),
      cmocka_unit_test(rejects_numbers_beyond_a_double),
      cmocka_unit_test(reads_every_number_as_a_double),
      cmocka_unit_test(keeps_nul_inside_strings),
      cmocka_unit_test(accepts_any_value_at_top_level),
      cmocka_unit_test(loads_files_and_names_them_in_errors),
      cmocka_unit_test(loads_a_vector_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
