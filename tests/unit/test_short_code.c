/* The short code under a certificate's QR code (core/short_code.c): the first 60 bits of the
 * UUID in Crockford base32, read back from what a person types. */
#include "test_support.h"

static void the_code_is_the_first_60_bits_of_the_uuid(void **state) {
  (void)state;
  char code[SC_SHORT_CODE_SIZE];
  assert_int_equal(sc_short_code_of_uuid("00000000-0000-4000-8000-000000000000", code), SC_OK);
  assert_string_equal(code, "0000-0000-0100"); /* the version nibble 4 is the 13th digit */
  /* 0xfffffffffffffff: all 60 bits set */
  assert_int_equal(sc_short_code_of_uuid("ffffffff-ffff-ffff-8000-000000000000", code), SC_OK);
  assert_string_equal(code, "ZZZZ-ZZZZ-ZZZZ");
  assert_int_equal(sc_short_code_of_uuid("52a44239-b556-4a2b-b57d-020234b16009", code), SC_OK);
  assert_string_equal(code, "AAJ4-4EDN-AS52");
  assert_int_equal(sc_short_code_of_uuid("52a4", code), SC_EDATA);
}

static void a_typed_code_gives_back_the_uuid_prefix(void **state) {
  (void)state;
  char prefix[SC_SHORT_CODE_PREFIX_SIZE];
  assert_int_equal(sc_short_code_uuid_prefix("AAJ4-4EDN-AS52", prefix), SC_OK);
  assert_string_equal(prefix, "52a44239-b556-4a2");
  /* any case, no hyphens, spaces, O for 0 and I/L for 1 */
  assert_int_equal(sc_short_code_uuid_prefix("aaj4 4edn as52", prefix), SC_OK);
  assert_string_equal(prefix, "52a44239-b556-4a2");
  assert_int_equal(sc_short_code_uuid_prefix("OOOO-OOOO-OOOl", prefix), SC_OK);
  assert_string_equal(prefix, "00000000-0000-001");
}

static void what_is_not_a_code_is_refused(void **state) {
  (void)state;
  char prefix[SC_SHORT_CODE_PREFIX_SIZE];
  assert_int_equal(sc_short_code_uuid_prefix("AAJ4-4EDN-AS5", prefix), SC_EDATA);   /* 11 */
  assert_int_equal(sc_short_code_uuid_prefix("AAJ4-4EDN-AS522", prefix), SC_EDATA); /* 13 */
  assert_int_equal(sc_short_code_uuid_prefix("AAJ4-4EDN-AS5U", prefix), SC_EDATA);  /* no U */
  assert_int_equal(sc_short_code_uuid_prefix("", prefix), SC_EDATA);
  assert_int_equal(sc_short_code_uuid_prefix("cert.pdf", prefix), SC_EDATA);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_code_is_the_first_60_bits_of_the_uuid),
      cmocka_unit_test(a_typed_code_gives_back_the_uuid_prefix),
      cmocka_unit_test(what_is_not_a_code_is_refused),
  };
  return cmocka_run_group_tests_name("short_code", tests, NULL, NULL);
}
