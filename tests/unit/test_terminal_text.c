/* Untrusted text on a terminal (core/terminal_text.c): what could drive or reorder the
 * terminal becomes U+FFFD, everything else passes unchanged. */
#include "test_support.h"

#define FFFD "\xef\xbf\xbd"

static char *safe(const char *text) {
  sc_buf out = {0};
  assert_true(sc_text_append_safe(&out, text));
  return sc_buf_take(&out);
}

static void expect_safe(const char *text, const char *expected) {
  char *got = safe(text);
  assert_string_equal(got, expected);
  free(got);
}

static void ordinary_text_in_any_script_passes_unchanged(void **state) {
  (void)state;
  expect_safe("Zoë Łukasiewicz", "Zoë Łukasiewicz");
  expect_safe("李小龍 · محمد · Ελένη · 🎓", "李小龍 · محمد · Ελένη · 🎓");
  expect_safe("e\xcc\x81 and a\xe2\x80\x8d"
              "b",
              "e\xcc\x81 and a\xe2\x80\x8d"
              "b"); /* combining, ZWJ */
  expect_safe("", "");
}

static void bidi_overrides_and_isolates_are_replaced(void **state) {
  (void)state;
  expect_safe("Eve \xe2\x80\xae"
              "gpj.exe",
              "Eve " FFFD "gpj.exe"); /* U+202E */
  for (unsigned cp = 0x202a; cp <= 0x202e; cp++) {
    char text[8] = {'a', (char)0xe2, (char)0x80, (char)(0x80 | (cp & 0x3f)), 'b', 0};
    expect_safe(text, "a" FFFD "b");
  }
  for (unsigned cp = 0x2066; cp <= 0x2069; cp++) {
    char text[8] = {'a', (char)0xe2, (char)0x81, (char)(0x80 | (cp & 0x3f)), 'b', 0};
    expect_safe(text, "a" FFFD "b");
  }
}

static void line_and_paragraph_separators_are_replaced(void **state) {
  (void)state;
  expect_safe("VALID\xe2\x80\xa8REVOKED\xe2\x80\xa9", "VALID" FFFD "REVOKED" FFFD);
}

static void c0_and_c1_controls_and_del_are_replaced(void **state) {
  (void)state;
  expect_safe("a\x1b[31mred\x07\tb\nc\x7f", "a" FFFD "[31mred" FFFD FFFD "b" FFFD "c" FFFD);
  expect_safe("next\xc2\x85line \xc2\x9b"
              "31m",
              "next" FFFD "line " FFFD "31m"); /* NEL, CSI */
}

static void bytes_that_are_not_utf8_are_replaced_one_by_one(void **state) {
  (void)state;
  expect_safe("a\x9b"
              "b",
              "a" FFFD "b");                     /* a lone 8-bit CSI */
  expect_safe("\xc0\xaf", FFFD FFFD);            /* overlong '/' */
  expect_safe("\xed\xa0\x80", FFFD FFFD FFFD);   /* a surrogate */
  expect_safe("cut \xe2\x80", "cut " FFFD FFFD); /* cut short at the end */
}

static void put_writes_what_append_makes(void **state) {
  (void)state;
  char *mem = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&mem, &len);
  assert_non_null(out);
  sc_text_put("Eve \xe2\x80\xae"
              "evil\x1b",
              out);
  sc_text_put(NULL, out);
  fclose(out);
  assert_string_equal(mem, "Eve " FFFD "evil" FFFD);
  free(mem);
}

static void the_unsafe_set_is_exactly_the_documented_one(void **state) {
  (void)state;
  assert_true(sc_text_unsafe_char(0x00) && sc_text_unsafe_char(0x1f) && sc_text_unsafe_char(0x7f));
  assert_true(sc_text_unsafe_char(0x85) && sc_text_unsafe_char(0x9f));
  assert_true(sc_text_unsafe_char(0x2028) && sc_text_unsafe_char(0x2069));
  assert_false(sc_text_unsafe_char(' ') || sc_text_unsafe_char(0xa0) ||
               sc_text_unsafe_char(0x200d));
  assert_false(sc_text_unsafe_char(0x2027) || sc_text_unsafe_char(0x202f) ||
               sc_text_unsafe_char(0x2065) || sc_text_unsafe_char(0x206a));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ordinary_text_in_any_script_passes_unchanged),
      cmocka_unit_test(bidi_overrides_and_isolates_are_replaced),
      cmocka_unit_test(line_and_paragraph_separators_are_replaced),
      cmocka_unit_test(c0_and_c1_controls_and_del_are_replaced),
      cmocka_unit_test(bytes_that_are_not_utf8_are_replaced_one_by_one),
      cmocka_unit_test(put_writes_what_append_makes),
      cmocka_unit_test(the_unsafe_set_is_exactly_the_documented_one),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
