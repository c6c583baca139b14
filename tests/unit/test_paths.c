/* Paths are never cut (a cut path names another file); text for a person is cut visibly. */
#include "issuer/issuer.h"
#include "test_support.h"

#include <limits.h>

static void a_path_that_fits_is_formatted(void **state) {
  (void)state;
  char path[16];
  sc_error err = {0};
  assert_int_equal(sc_path_format(path, sizeof path, SC_ECANTCREAT, &err, "%s/%s", "a", "b.json"),
                   SC_OK);
  assert_string_equal(path, "a/b.json");
}

static void a_path_too_long_fails_with_its_start_and_leaves_no_path(void **state) {
  (void)state;
  char path[16];
  sc_error err = {0};
  assert_int_equal(sc_path_format(path, sizeof path, SC_ENOINPUT, &err, "%s/%s", "folder",
                                  "a-long-file-name.json"),
                   SC_ENOINPUT);
  assert_string_equal(path, "");
  assert_int_equal(strncmp(err.message, "folder/a-lon...: ", 17), 0);
  assert_non_null(strstr(err.message, "path too long (more than 15 bytes)"));
}

static void the_exact_fit_is_a_path_one_more_byte_is_not(void **state) {
  (void)state;
  char path[4];
  assert_int_equal(sc_path_format(path, sizeof path, SC_EUSAGE, NULL, "%s", "abc"), SC_OK);
  assert_int_equal(sc_path_format(path, sizeof path, SC_EUSAGE, NULL, "%s", "abcd"), SC_EUSAGE);
}

static void a_cut_message_ends_with_dots(void **state) {
  (void)state;
  char text[8];
  const char *volatile digits = "0123456789"; /* unknown to GCC, which would refuse the cut */
  int n = snprintf(text, sizeof text, "%s", digits);
  assert_false(sc_text_mark_cut(text, sizeof text, n));
  assert_string_equal(text, "0123...");
  n = snprintf(text, sizeof text, "%s", "0123");
  assert_true(sc_text_mark_cut(text, sizeof text, n));
  assert_string_equal(text, "0123");
}

static void a_prefixed_error_too_long_shows_it_was_cut(void **state) {
  (void)state;
  sc_error err = {0};
  char long_text[600];
  memset(long_text, 'x', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  sc_fail(&err, SC_EDATA, "%s", long_text);
  sc_error_prefix(&err, "roster.csv:3");
  assert_int_equal(strncmp(err.message, "roster.csv:3: xxx", 17), 0);
  size_t len = strlen(err.message);
  assert_int_equal(len, sizeof err.message - 1);
  assert_string_equal(err.message + len - 3, "...");
}

static void a_home_path_too_long_is_an_error(void **state) {
  (void)state;
  sc_home home;
  memset(&home, 0, sizeof home);
  memset(home.root, 'h', sizeof home.root - 1);
  char path[PATH_MAX];
  sc_error err = {0};
  assert_int_equal(sc_home_path(&home, "out", "x.json", path, sizeof path, &err), SC_ECANTCREAT);
  assert_non_null(strstr(err.message, "path too long"));
  assert_int_equal(sc_home_path(&home, "out", "x.json", path, 8, &err), SC_ECANTCREAT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_path_that_fits_is_formatted),
      cmocka_unit_test(a_path_too_long_fails_with_its_start_and_leaves_no_path),
      cmocka_unit_test(the_exact_fit_is_a_path_one_more_byte_is_not),
      cmocka_unit_test(a_cut_message_ends_with_dots),
      cmocka_unit_test(a_prefixed_error_too_long_shows_it_was_cut),
      cmocka_unit_test(a_home_path_too_long_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
