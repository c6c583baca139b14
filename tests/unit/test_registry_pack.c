/* The registry's packed form of a credential (issuer/registry_pack.c): compressed with a small
 * window for speed, read back with the full one. */
#include "test_support.h"

#include "issuer/registry_internal.h"

static void assert_round_trips(const char *text) {
  sc_error err = {0};
  sc_buf packed = {0};
  assert_int_equal(sc_registry_pack(text, strlen(text), &packed, &err), SC_OK);
  char *back = sc_registry_unpack(NULL, "urn:uuid:test", packed.data, packed.len, &err);
  assert_non_null(back);
  assert_string_equal(back, text);
  free(back);
  sc_buf_free(&packed);
}

/* A credential the size of a batch's compresses to well under a third of its bytes. */
static void a_typical_credential_round_trips_and_shrinks(void **state) {
  (void)state;
  const char *text =
      "{\n  \"@context\": [\n    \"https://www.w3.org/ns/credentials/v2\",\n"
      "    \"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"\n  ],\n"
      "  \"type\": [\n    \"VerifiableCredential\",\n    \"OpenBadgeCredential\"\n  ],\n"
      "  \"credentialSubject\": {\n    \"type\": [\n      \"AchievementSubject\"\n    ]\n  }\n}\n";
  assert_round_trips(text);
  sc_error err = {0};
  sc_buf packed = {0};
  assert_int_equal(sc_registry_pack(text, strlen(text), &packed, &err), SC_OK);
  assert_true(packed.len < strlen(text) / 3);
  sc_buf_free(&packed);
}

/* Far larger than the 8 KB window the packer uses, with repeats further apart than it: still
 * read back byte for byte. */
static void a_credential_larger_than_the_window_round_trips(void **state) {
  (void)state;
  sc_buf text = {0};
  assert_true(sc_buf_append_str(&text, "{\"description\": \""));
  uint32_t x = 12345;
  for (int i = 0; i < 60000; i++) {
    x = x * 1103515245u + 12345u;
    assert_true(sc_buf_append_byte(&text, (unsigned char)('a' + (x >> 16) % 26)));
  }
  assert_true(sc_buf_append_str(&text, "\"}\n"));
  assert_round_trips((const char *)text.data);
  sc_buf_free(&text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_typical_credential_round_trips_and_shrinks),
      cmocka_unit_test(a_credential_larger_than_the_window_round_trips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
