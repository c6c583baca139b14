/* base58btc, base64url, base32, hex and multibase: known vectors, strictness, round trips. */
#include "test_support.h"

typedef char *(*encode_fn)(const uint8_t *, size_t);
typedef int (*decode_fn)(const char *, size_t, sc_buf *, sc_error *);

static void assert_encodes(encode_fn encode, const char *bytes, size_t len, const char *text) {
  char *got = encode((const uint8_t *)bytes, len);
  assert_non_null(got);
  assert_string_equal(got, text);
  free(got);
}

static void assert_decodes(decode_fn decode, const char *text, const char *bytes, size_t len) {
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(decode(text, strlen(text), &out, &err), SC_OK);
  assert_int_equal(out.len, len);
  if (len)
    assert_memory_equal(out.data, bytes, len);
  sc_buf_free(&out);
}

/* Rejects with SC_EDATA, a message containing why, and leaves the output buffer as it was. */
static void assert_rejects(decode_fn decode, const char *text, const char *why) {
  sc_buf out = {0};
  assert_true(sc_buf_append_str(&out, "kept"));
  sc_error err = {0};
  assert_int_equal(decode(text, strlen(text), &out, &err), SC_EDATA);
  if (!strstr(err.message, why))
    fail_msg("'%s': message '%s' does not mention '%s'", text, err.message, why);
  assert_int_equal(out.len, 4);
  assert_string_equal((char *)out.data, "kept");
  sc_buf_free(&out);
}

static void round_trips(encode_fn encode, decode_fn decode) {
  uint8_t data[300];
  sc_error err = {0};
  for (size_t len = 0; len <= sizeof data; len += (len < 40 ? 1 : 37)) {
    assert_int_equal(sc_random_bytes(data, len, &err), SC_OK);
    if (len > 2)
      data[0] = data[1] = 0; /* leading zero bytes are special in base58 */
    char *text = encode(data, len);
    assert_non_null(text);
    sc_buf out = {0};
    assert_int_equal(decode(text, strlen(text), &out, &err), SC_OK);
    assert_int_equal(out.len, len);
    if (len)
      assert_memory_equal(out.data, data, len);
    sc_buf_free(&out);
    free(text);
  }
}

/* ---------------------------------------------------------------- base58btc */

static void base58_encodes_known_values(void **state) {
  (void)state;
  assert_encodes(sc_base58btc_encode, "", 0, "");
  assert_encodes(sc_base58btc_encode, "Hello World!", 12, "2NEpo7TZRRrLZSi2U");
  assert_encodes(sc_base58btc_encode, "The quick brown fox jumps over the lazy dog.", 44,
                 "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z");
  assert_encodes(sc_base58btc_encode, "\0\0\x01", 3, "112");
  assert_encodes(sc_base58btc_encode, "\0", 1, "1");
  assert_encodes(sc_base58btc_encode, "\0\0\0", 3, "111");
  assert_encodes(sc_base58btc_encode, "\xff", 1, "5Q");
}

static void base58_decodes_known_values(void **state) {
  (void)state;
  assert_decodes(sc_base58btc_decode, "2NEpo7TZRRrLZSi2U", "Hello World!", 12);
  assert_decodes(sc_base58btc_decode, "112", "\0\0\x01", 3);
  assert_decodes(sc_base58btc_decode, "111", "\0\0\0", 3);
  assert_decodes(sc_base58btc_decode, "", "", 0);
  assert_decodes(sc_base58btc_decode, "5Q", "\xff", 1);
}

static void base58_rejects_characters_outside_the_alphabet(void **state) {
  (void)state;
  assert_rejects(sc_base58btc_decode, "2NEpo0", "invalid character at offset 5");
  assert_rejects(sc_base58btc_decode, "O", "invalid character");
  assert_rejects(sc_base58btc_decode, "I", "invalid character");
  assert_rejects(sc_base58btc_decode, "l", "invalid character");
  assert_rejects(sc_base58btc_decode, "ab+", "invalid character");
  assert_rejects(sc_base58btc_decode, "ab ", "invalid character");
  assert_rejects(sc_base58btc_decode, "\xc3\xa9", "invalid character");
}

static void base58_rejects_embedded_nul(void **state) {
  (void)state;
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_base58btc_decode("2N\0po", 5, &out, &err), SC_EDATA);
  sc_buf_free(&out);
}

static void base58_refuses_oversized_input(void **state) {
  (void)state;
  size_t len = 100000;
  char *text = malloc(len + 1);
  assert_non_null(text);
  memset(text, 'z', len);
  text[len] = '\0';
  assert_rejects(sc_base58btc_decode, text, "characters");
  free(text);
}

static void base58_round_trips(void **state) {
  (void)state;
  round_trips(sc_base58btc_encode, sc_base58btc_decode);
}

/* ---------------------------------------------------------------- base64url */

static void base64url_encodes_rfc4648_vectors_without_padding(void **state) {
  (void)state;
  assert_encodes(sc_base64url_encode, "", 0, "");
  assert_encodes(sc_base64url_encode, "f", 1, "Zg");
  assert_encodes(sc_base64url_encode, "fo", 2, "Zm8");
  assert_encodes(sc_base64url_encode, "foo", 3, "Zm9v");
  assert_encodes(sc_base64url_encode, "foob", 4, "Zm9vYg");
  assert_encodes(sc_base64url_encode, "fooba", 5, "Zm9vYmE");
  assert_encodes(sc_base64url_encode, "foobar", 6, "Zm9vYmFy");
  assert_encodes(sc_base64url_encode, "\xfb\xff\xbf", 3, "-_-_");
}

static void base64url_decodes_rfc4648_vectors(void **state) {
  (void)state;
  assert_decodes(sc_base64url_decode, "", "", 0);
  assert_decodes(sc_base64url_decode, "Zg", "f", 1);
  assert_decodes(sc_base64url_decode, "Zm8", "fo", 2);
  assert_decodes(sc_base64url_decode, "Zm9v", "foo", 3);
  assert_decodes(sc_base64url_decode, "Zm9vYmE", "fooba", 5);
  assert_decodes(sc_base64url_decode, "-_-_", "\xfb\xff\xbf", 3);
  assert_decodes(sc_base64url_decode, "AAAA", "\0\0\0", 3);
}

static void base64url_rejects_padding_and_standard_alphabet(void **state) {
  (void)state;
  assert_rejects(sc_base64url_decode, "Zg==", "padding");
  assert_rejects(sc_base64url_decode, "Zm8=", "padding");
  assert_rejects(sc_base64url_decode, "+/+/", "invalid character at offset 0");
  assert_rejects(sc_base64url_decode, "Zm9v Zg", "invalid character");
  assert_rejects(sc_base64url_decode, "Zm9v\n", "invalid character");
}

static void base64url_rejects_impossible_length(void **state) {
  (void)state;
  assert_rejects(sc_base64url_decode, "Z", "whole number of bytes");
  assert_rejects(sc_base64url_decode, "Zm9vY", "whole number of bytes");
}

static void base64url_rejects_non_canonical_trailing_bits(void **state) {
  (void)state;
  assert_rejects(sc_base64url_decode, "Zh", "trailing bits");  /* "Zg" is canonical */
  assert_rejects(sc_base64url_decode, "Zm9", "trailing bits"); /* "Zm8" is canonical */
}

static void base64url_handles_input_longer_than_one_block(void **state) {
  (void)state;
  size_t len = 10000;
  uint8_t *data = malloc(len);
  assert_non_null(data);
  for (size_t i = 0; i < len; i++)
    data[i] = (uint8_t)(i * 7 + 3);
  char *text = sc_base64url_encode(data, len);
  assert_non_null(text);
  assert_int_equal(strlen(text), (len * 4 + 2) / 3);
  assert_null(strchr(text, '='));
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_base64url_decode(text, strlen(text), &out, &err), SC_OK);
  assert_int_equal(out.len, len);
  assert_memory_equal(out.data, data, len);
  sc_buf_free(&out);
  free(text);
  free(data);
}

static void base64url_round_trips(void **state) {
  (void)state;
  round_trips(sc_base64url_encode, sc_base64url_decode);
}

/* ---------------------------------------------------------------- base32 */

static void base32_encodes_rfc4648_vectors_without_padding(void **state) {
  (void)state;
  assert_encodes(sc_base32_encode, "", 0, "");
  assert_encodes(sc_base32_encode, "f", 1, "MY");
  assert_encodes(sc_base32_encode, "fo", 2, "MZXQ");
  assert_encodes(sc_base32_encode, "foo", 3, "MZXW6");
  assert_encodes(sc_base32_encode, "foob", 4, "MZXW6YQ");
  assert_encodes(sc_base32_encode, "fooba", 5, "MZXW6YTB");
  assert_encodes(sc_base32_encode, "foobar", 6, "MZXW6YTBOI");
  assert_encodes(sc_base32_encode, "\xff\xff\xff\xff\xff", 5, "77777777");
}

static void base32_decodes_either_case(void **state) {
  (void)state;
  assert_decodes(sc_base32_decode, "MZXW6YTBOI", "foobar", 6);
  assert_decodes(sc_base32_decode, "mzxw6ytboi", "foobar", 6);
  assert_decodes(sc_base32_decode, "MzXw6YtBoI", "foobar", 6);
  assert_decodes(sc_base32_decode, "MY", "f", 1);
  assert_decodes(sc_base32_decode, "", "", 0);
}

static void base32_rejects_padding_and_invalid_characters(void **state) {
  (void)state;
  assert_rejects(sc_base32_decode, "MY======", "padding");
  assert_rejects(sc_base32_decode, "MZXW6===", "padding");
  assert_rejects(sc_base32_decode, "MZ1Q", "invalid character at offset 2");
  assert_rejects(sc_base32_decode, "MZ8Q", "invalid character");
  assert_rejects(sc_base32_decode, "MZ0Q", "invalid character");
  assert_rejects(sc_base32_decode, "MZ-Q", "invalid character");
}

static void base32_rejects_impossible_length(void **state) {
  (void)state;
  assert_rejects(sc_base32_decode, "M", "whole number of bytes");
  assert_rejects(sc_base32_decode, "MZX", "whole number of bytes");
  assert_rejects(sc_base32_decode, "MZXW6Y", "whole number of bytes");
  assert_rejects(sc_base32_decode, "MZXW6YTBM", "whole number of bytes");
}

static void base32_rejects_non_canonical_trailing_bits(void **state) {
  (void)state;
  assert_rejects(sc_base32_decode, "MZ", "trailing bits");      /* "MY" is canonical */
  assert_rejects(sc_base32_decode, "MZXR", "trailing bits");    /* "MZXQ" */
  assert_rejects(sc_base32_decode, "MZXW7", "trailing bits");   /* "MZXW6" */
  assert_rejects(sc_base32_decode, "MZXW6YR", "trailing bits"); /* "MZXW6YQ" */
}

static void base32_round_trips(void **state) {
  (void)state;
  round_trips(sc_base32_encode, sc_base32_decode);
}

/* ---------------------------------------------------------------- hex */

static void hex_encodes_lower_case_and_decodes_either_case(void **state) {
  (void)state;
  assert_encodes(sc_hex_encode, "\x00\xab\xff\x10", 4, "00abff10");
  assert_encodes(sc_hex_encode, "", 0, "");
  assert_decodes(sc_hex_decode, "00ABff10", "\x00\xab\xff\x10", 4);
}

static void hex_rejects_odd_length_and_non_digits(void **state) {
  (void)state;
  assert_rejects(sc_hex_decode, "abc", "odd");
  assert_rejects(sc_hex_decode, "0g", "invalid character at offset 1");
  assert_rejects(sc_hex_decode, "0x12", "invalid character");
}

static void hex_round_trips(void **state) {
  (void)state;
  round_trips(sc_hex_encode, sc_hex_decode);
}

/* ---------------------------------------------------------------- multibase */

static void multibase_encodes_with_header(void **state) {
  (void)state;
  char *z = sc_multibase_encode('z', (const uint8_t *)"Hello World!", 12);
  char *u = sc_multibase_encode('u', (const uint8_t *)"foob", 4);
  assert_string_equal(z, "z2NEpo7TZRRrLZSi2U");
  assert_string_equal(u, "uZm9vYg");
  assert_null(sc_multibase_encode('m', (const uint8_t *)"f", 1));
  free(z);
  free(u);
}

static void multibase_decodes_both_headers(void **state) {
  (void)state;
  sc_buf out = {0};
  sc_error err = {0};
  char header = 0;
  assert_int_equal(sc_multibase_decode("z2NEpo7TZRRrLZSi2U", &header, &out, &err), SC_OK);
  assert_int_equal(header, 'z');
  assert_int_equal(out.len, 12);
  assert_memory_equal(out.data, "Hello World!", 12);
  sc_buf_reset(&out);
  assert_int_equal(sc_multibase_decode("uZm9vYg", &header, &out, &err), SC_OK);
  assert_int_equal(header, 'u');
  assert_int_equal(out.len, 4);
  assert_memory_equal(out.data, "foob", 4);
  sc_buf_free(&out);
}

static void multibase_rejects_other_headers_and_empty(void **state) {
  (void)state;
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_multibase_decode("mZm9vYg==", NULL, &out, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "header 'm'"));
  assert_int_equal(sc_multibase_decode("", NULL, &out, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "empty"));
  assert_int_equal(sc_multibase_decode("z0", NULL, &out, &err), SC_EDATA);
  assert_int_equal(sc_multibase_decode("uZg=", NULL, &out, &err), SC_EDATA);
  assert_int_equal(out.len, 0);
  sc_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(base58_encodes_known_values),
      cmocka_unit_test(base58_decodes_known_values),
      cmocka_unit_test(base58_rejects_characters_outside_the_alphabet),
      cmocka_unit_test(base58_rejects_embedded_nul),
      cmocka_unit_test(base58_refuses_oversized_input),
      cmocka_unit_test(base58_round_trips),
      cmocka_unit_test(base64url_encodes_rfc4648_vectors_without_padding),
      cmocka_unit_test(base64url_decodes_rfc4648_vectors),
      cmocka_unit_test(base64url_rejects_padding_and_standard_alphabet),
      cmocka_unit_test(base64url_rejects_impossible_length),
      cmocka_unit_test(base64url_rejects_non_canonical_trailing_bits),
      cmocka_unit_test(base64url_handles_input_longer_than_one_block),
      cmocka_unit_test(base64url_round_trips),
      cmocka_unit_test(base32_encodes_rfc4648_vectors_without_padding),
      cmocka_unit_test(base32_decodes_either_case),
      cmocka_unit_test(base32_rejects_padding_and_invalid_characters),
      cmocka_unit_test(base32_rejects_impossible_length),
      cmocka_unit_test(base32_rejects_non_canonical_trailing_bits),
      cmocka_unit_test(base32_round_trips),
      cmocka_unit_test(hex_encodes_lower_case_and_decodes_either_case),
      cmocka_unit_test(hex_rejects_odd_length_and_non_digits),
      cmocka_unit_test(hex_round_trips),
      cmocka_unit_test(multibase_encodes_with_header),
      cmocka_unit_test(multibase_decodes_both_headers),
      cmocka_unit_test(multibase_rejects_other_headers_and_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
