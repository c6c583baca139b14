/* The Bitstring Status List codec (core/status_list.c) against the W3C and 1EdTech lists and
 * the derived expectations in tests/vectors/status-list/, and against hostile lists. */
#include "test_support.h"

#include <dirent.h>
#include <zlib.h>

#include "tests/fuzz/status_list_check.h"

#define EXPECTATIONS "status-list/derived/bitstring-expectations.json"
#define MIN SC_STATUS_LIST_MIN_ENTRIES

static void assert_error_mentions(const sc_error *err, const char *what) {
  if (!strstr(err->message, what))
    fail_msg("message '%s' does not mention '%s'", err->message, what);
}

static char *sha256_hex(const sc_buf *bits) {
  uint8_t digest[32];
  assert_int_equal(sc_sha256(bits->data, bits->len, digest), SC_OK);
  return sc_hex_encode(digest, sizeof digest);
}

static void assert_sha256(const sc_buf *bits, const json_t *expected) {
  char *hex = sha256_hex(bits);
  assert_string_equal(hex,
                      json_string_value(json_object_get(expected, "sha256OfDecodedBitstring")));
  free(hex);
}

/* Decodes a list that must decode; fails the test with the message otherwise. */
static void decode_ok(const char *encoded, unsigned status_size, sc_buf *bits) {
  sc_error err = {0};
  if (sc_status_list_decode(encoded, MIN, status_size, bits, &err) != SC_OK)
    fail_msg("decode failed: %s", err.message);
}

static size_t count_set_bits(const sc_buf *bits) {
  size_t n = 0;
  for (size_t i = 0; i < bits->len; i++)
    n += (size_t)__builtin_popcount(bits->data[i]);
  return n;
}

static json_t *derived_list(const json_t *expectations, const char *name) {
  size_t i;
  json_t *list;
  json_array_foreach(json_object_get(expectations, "derivedLists"), i, list) {
    if (strcmp(json_string_value(json_object_get(list, "name")), name) == 0)
      return list;
  }
  fail_msg("no derived list named %s", name);
  return NULL;
}

/* ---------------------------------------------------------------- the official lists */

static void decodes_w3c_example_list_as_all_zero(void **state) {
  (void)state;
  json_t *expectations = load_vector_json(EXPECTATIONS);
  json_t *credential = load_vector_json("status-list/bsl-ex3-status-list-credential.json");
  const json_t *official = json_array_get(json_object_get(expectations, "officialListsDecoded"), 0);
  const char *encoded = json_string_value(
      json_object_get(json_object_get(credential, "credentialSubject"), "encodedList"));
  assert_string_equal(encoded, json_string_value(json_object_get(official, "encodedList")));
  sc_buf bits = {0};
  decode_ok(encoded, 1, &bits);
  assert_int_equal(bits.len, 16384);
  assert_int_equal(count_set_bits(&bits), 0);
  assert_sha256(&bits, official);
  sc_buf_free(&bits);
  json_decref(credential);
  json_decref(expectations);
}

static void decodes_1edtech_list_with_only_index_23_set(void **state) {
  (void)state;
  json_t *expectations = load_vector_json(EXPECTATIONS);
  json_t *credential = load_vector_json("status-list/1edtech-testlist-index23-revoked.json");
  const json_t *official = json_array_get(json_object_get(expectations, "officialListsDecoded"), 1);
  const char *encoded = json_string_value(
      json_object_get(json_object_get(credential, "credentialSubject"), "encodedList"));
  sc_buf bits = {0};
  decode_ok(encoded, 1, &bits);
  assert_int_equal(bits.len, 16384);
  assert_int_equal(count_set_bits(&bits), 1);
  unsigned value = 9;
  assert_int_equal(sc_status_list_get(bits.data, bits.len, 23, 1, &value, NULL), SC_OK);
  assert_int_equal(value, 1);
  assert_int_equal(sc_status_list_get(bits.data, bits.len, 22, 1, &value, NULL), SC_OK);
  assert_int_equal(value, 0);
  assert_int_equal(bits.data[2], 0x01); /* MSB-first: index 23 is the last bit of byte 2 */
  assert_sha256(&bits, official);
  sc_buf_free(&bits);
  json_decref(credential);
  json_decref(expectations);
}

/* ---------------------------------------------------------------- the derived lists */

static void reads_every_expected_status(const json_t *list) {
  unsigned size = (unsigned)json_number_value(json_object_get(list, "statusSize"));
  sc_buf bits = {0};
  decode_ok(json_string_value(json_object_get(list, "encodedList")), size, &bits);
  assert_int_equal(bits.len * 8, (size_t)json_number_value(json_object_get(list, "lengthBits")));
  assert_sha256(&bits, list);
  size_t i;
  json_t *expected;
  json_array_foreach(json_object_get(list, "expected"), i, expected) {
    size_t index =
        strtoul(json_string_value(json_object_get(expected, "statusListIndex")), NULL, 10);
    unsigned value = 99;
    assert_int_equal(sc_status_list_get(bits.data, bits.len, index, size, &value, NULL), SC_OK);
    if (value != (unsigned)json_number_value(json_object_get(expected, "status")))
      fail_msg("index %zu: got %u", index, value);
  }
  sc_buf_free(&bits);
}

static void reads_set_indices_of_derived_revocation_list(void **state) {
  (void)state;
  json_t *expectations = load_vector_json(EXPECTATIONS);
  const json_t *list = derived_list(expectations, "revocation-statusSize1");
  reads_every_expected_status(list);
  sc_buf bits = {0};
  decode_ok(json_string_value(json_object_get(list, "encodedList")), 1, &bits);
  assert_int_equal(count_set_bits(&bits), json_array_size(json_object_get(list, "setIndices")));
  sc_buf_free(&bits);
  json_decref(expectations);
}

static void reads_two_bit_values_first_bit_most_significant(void **state) {
  (void)state;
  json_t *expectations = load_vector_json(EXPECTATIONS);
  reads_every_expected_status(derived_list(expectations, "message-statusSize2"));
  json_decref(expectations);
}

static void refuses_list_shorter_than_131072_entries(void **state) {
  (void)state;
  json_t *expectations = load_vector_json(EXPECTATIONS);
  const json_t *list = derived_list(expectations, "too-short-8192-bits");
  sc_buf bits = {0};
  sc_error err = {0};
  assert_int_equal(sc_status_list_decode(json_string_value(json_object_get(list, "encodedList")),
                                         MIN, 1, &bits, &err),
                   SC_EDATA);
  assert_string_equal(err.message, "status list too short: 8192 entries, at least 131072 required");
  assert_null(bits.data);
  json_decref(expectations);
}

static void two_bit_list_needs_twice_the_bits(void **state) {
  (void)state;
  json_t *expectations = load_vector_json(EXPECTATIONS);
  const json_t *list = derived_list(expectations, "revocation-statusSize1");
  sc_buf bits = {0};
  sc_error err = {0};
  assert_int_equal(sc_status_list_decode(json_string_value(json_object_get(list, "encodedList")),
                                         MIN, 2, &bits, &err),
                   SC_EDATA);
  assert_error_mentions(&err, "65536 entries");
  json_decref(expectations);
}

static void refuses_index_beyond_the_list(void **state) {
  (void)state;
  json_t *expectations = load_vector_json(EXPECTATIONS);
  const json_t *list = derived_list(expectations, "revocation-statusSize1");
  sc_buf bits = {0};
  decode_ok(json_string_value(json_object_get(list, "encodedList")), 1, &bits);
  unsigned value = 0;
  sc_error err = {0};
  assert_int_equal(sc_status_list_get(bits.data, bits.len, 131072, 1, &value, &err), SC_EDATA);
  assert_error_mentions(&err, "index 131072 is out of range");
  assert_int_equal(sc_status_list_get(bits.data, bits.len, SIZE_MAX, 1, &value, &err), SC_EDATA);
  assert_int_equal(sc_status_list_get(bits.data, bits.len, 65536, 2, &value, &err), SC_EDATA);
  assert_int_equal(sc_status_list_get(bits.data, bits.len, 65535, 2, &value, &err), SC_OK);
  assert_int_equal(value, 1); /* bits 131070, 131071: 0 then 1 */
  sc_buf_free(&bits);
  json_decref(expectations);
}

/* ---------------------------------------------------------------- encoding */

static void encoding_round_trips_bits(void **state) {
  (void)state;
  static const size_t set[] = {0, 1, 7, 8, 15, 23, 4095, 94567, 131071};
  uint8_t *bits = calloc(MIN / 8, 1);
  assert_non_null(bits);
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
    sc_status_list_set(bits, set[i], true);
  sc_status_list_set(bits, 4095, false);
  sc_status_list_set(bits, 4095, true);
  sc_error err = {0};
  char *encoded = sc_status_list_encode(bits, MIN / 8, &err);
  assert_non_null(encoded);
  assert_int_equal(encoded[0], 'u');
  assert_null(strchr(encoded, '='));
  sc_buf decoded = {0};
  decode_ok(encoded, 1, &decoded);
  assert_int_equal(decoded.len, MIN / 8);
  assert_memory_equal(decoded.data, bits, MIN / 8);
  assert_int_equal(decoded.data[0], 0xc1); /* firstBytesHex c18101 in the expectations */
  assert_int_equal(decoded.data[1], 0x81);
  assert_int_equal(decoded.data[2], 0x01);
  char *again = sc_status_list_encode(bits, MIN / 8, &err);
  assert_string_equal(again, encoded); /* deterministic: mtime 0 */
  free(again);
  free(encoded);
  sc_buf_free(&decoded);
  free(bits);
}

static void encoding_writes_gzip_with_zero_mtime(void **state) {
  (void)state;
  uint8_t *bits = calloc(MIN / 8, 1);
  assert_non_null(bits);
  char *encoded = sc_status_list_encode(bits, MIN / 8, NULL);
  assert_non_null(encoded);
  sc_buf gz = {0};
  assert_int_equal(sc_base64url_decode(encoded + 1, strlen(encoded + 1), &gz, NULL), SC_OK);
  static const uint8_t header[8] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
  assert_memory_equal(gz.data, header, sizeof header);
  assert_true(gz.len < 100); /* level 9: an empty list is tiny */
  sc_buf_free(&gz);
  free(encoded);
  free(bits);
}

/* ---------------------------------------------------------------- hostile lists */

/* 'u' + base64url of data compressed with windowBits (31 GZIP, 15 zlib, -15 raw DEFLATE). */
static char *compress_and_encode(const uint8_t *data, size_t len, int window_bits) {
  z_stream z;
  memset(&z, 0, sizeof z);
  assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  uLong bound = deflateBound(&z, len);
  uint8_t *out = malloc(bound);
  assert_non_null(out);
  z.next_in = (Bytef *)(uintptr_t)data;
  z.avail_in = (uInt)len;
  z.next_out = out;
  z.avail_out = (uInt)bound;
  assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
  char *encoded = sc_multibase_encode('u', out, bound - z.avail_out);
  deflateEnd(&z);
  free(out);
  return encoded;
}

static void assert_refused(const char *encoded, const char *why) {
  sc_buf bits = {0};
  sc_error err = {0};
  assert_int_equal(sc_status_list_decode(encoded, MIN, 1, &bits, &err), SC_EDATA);
  assert_error_mentions(&err, why);
  assert_null(bits.data);
}

static void refuses_zlib_stream_instead_of_gzip(void **state) {
  (void)state;
  uint8_t *bits = calloc(MIN / 8, 1);
  assert_non_null(bits);
  char *zlib_list = compress_and_encode(bits, MIN / 8, 15);
  assert_refused(zlib_list, "a zlib stream");
  char *raw_list = compress_and_encode(bits, MIN / 8, -15);
  assert_refused(raw_list, "not a GZIP stream");
  free(raw_list);
  free(zlib_list);
  free(bits);
}

static void refuses_gzip_bomb(void **state) {
  (void)state;
  size_t len = SC_STATUS_LIST_MAX_BYTES + 1;
  uint8_t *zeros = calloc(len, 1);
  assert_non_null(zeros);
  char *bomb = compress_and_encode(zeros, len, 31);
  assert_true(strlen(bomb) < 40000); /* 16 MiB of zeros in a few KiB */
  assert_refused(bomb, "inflates to more than 16777216 bytes");
  free(bomb);
  /* Exactly at the cap is still a list. */
  char *at_cap = compress_and_encode(zeros, SC_STATUS_LIST_MAX_BYTES, 31);
  sc_buf bits = {0};
  decode_ok(at_cap, 1, &bits);
  assert_int_equal(bits.len, SC_STATUS_LIST_MAX_BYTES);
  sc_buf_free(&bits);
  free(at_cap);
  free(zeros);
}

static void refuses_bad_base64url_and_other_headers(void **state) {
  (void)state;
  assert_refused("uH4sI+AAAAA", "invalid character");
  assert_refused("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA=",
                 "padding");
  assert_refused("zH4sIAAAAAAAAA", "expected multibase 'u'");
  assert_refused("", "expected multibase 'u'");
  assert_refused("u", "not a GZIP stream");
}

static void refuses_truncated_and_trailing_gzip(void **state) {
  (void)state;
  uint8_t *bits = calloc(MIN / 8, 1);
  assert_non_null(bits);
  char *good = compress_and_encode(bits, MIN / 8, 31);
  sc_buf gz = {0};
  assert_int_equal(sc_base64url_decode(good + 1, strlen(good + 1), &gz, NULL), SC_OK);
  char *truncated = sc_multibase_encode('u', gz.data, gz.len - 4);
  assert_refused(truncated, "broken GZIP stream");
  assert_true(sc_buf_append(&gz, "junk", 4));
  char *trailing = sc_multibase_encode('u', gz.data, gz.len);
  assert_refused(trailing, "after the end of the GZIP stream");
  free(trailing);
  free(truncated);
  sc_buf_free(&gz);
  free(good);
  free(bits);
}

static void refuses_unusable_status_size(void **state) {
  (void)state;
  uint8_t byte = 0xff;
  unsigned value;
  sc_error err = {0};
  assert_int_equal(sc_status_list_get(&byte, 1, 0, 0, &value, &err), SC_EDATA);
  assert_error_mentions(&err, "statusSize 0");
  assert_int_equal(sc_status_list_get(&byte, 1, 0, 8, &value, &err), SC_OK);
  assert_int_equal(value, 0xff);
}

/* ---------------------------------------------------------------- the fuzz corpus */

static bool status_list_check(void *ctx, const uint8_t *data, size_t len) {
  (void)ctx;
  return fuzz_check_status_list(data, len);
}

static void replays_fuzz_corpus_through_the_fuzz_check(void **state) {
  (void)state;
  assert_true(replay_corpus("tests/fuzz/corpus/fuzz_status_list", status_list_check, NULL) >= 10);
}

/* The words of statuses and purposes are converted in one place (status_words.c). */
static void status_words_round_trip_and_refuse_others(void **state) {
  (void)state;
  for (int p = SC_PURPOSE_REVOCATION; p <= SC_PURPOSE_SUSPENSION; p++) {
    sc_purpose back;
    assert_true(sc_purpose_parse(sc_purpose_word((sc_purpose)p), &back));
    assert_int_equal(back, p);
  }
  for (int st = SC_STATUS_ACTIVE; st <= SC_STATUS_SUSPENDED; st++) {
    sc_status back;
    assert_true(sc_status_parse(sc_status_word((sc_status)st), &back));
    assert_int_equal(back, st);
  }
  for (int c = SC_CHANGE_REVOKE; c <= SC_CHANGE_REINSTATE; c++) {
    sc_status_change back;
    assert_true(sc_status_change_parse(sc_status_change_word((sc_status_change)c), &back));
    assert_int_equal(back, c);
  }
  assert_string_equal(sc_purpose_word(SC_PURPOSE_REVOCATION), "revocation");
  assert_string_equal(sc_status_word(SC_STATUS_SUSPENDED), "suspended");
  assert_string_equal(sc_status_change_word(SC_CHANGE_REINSTATE), "reinstated");
  sc_purpose purpose = SC_PURPOSE_SUSPENSION;
  sc_status status = SC_STATUS_REVOKED;
  assert_false(sc_purpose_parse("refresh", &purpose));
  assert_false(sc_purpose_parse("Revocation", &purpose));
  assert_false(sc_purpose_parse(NULL, &purpose));
  assert_false(sc_status_parse("reinstated", &status));
  assert_int_equal(purpose, SC_PURPOSE_SUSPENSION); /* untouched when refused */
  assert_int_equal(status, SC_STATUS_REVOKED);
  assert_int_equal(sc_status_after(SC_CHANGE_REINSTATE), SC_STATUS_ACTIVE);
  assert_int_equal(sc_status_after(SC_CHANGE_REVOKE), SC_STATUS_REVOKED);
  assert_int_equal(sc_purpose_status(SC_PURPOSE_SUSPENSION), SC_STATUS_SUSPENDED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decodes_w3c_example_list_as_all_zero),
      cmocka_unit_test(decodes_1edtech_list_with_only_index_23_set),
      cmocka_unit_test(reads_set_indices_of_derived_revocation_list),
      cmocka_unit_test(reads_two_bit_values_first_bit_most_significant),
      cmocka_unit_test(refuses_list_shorter_than_131072_entries),
      cmocka_unit_test(two_bit_list_needs_twice_the_bits),
      cmocka_unit_test(refuses_index_beyond_the_list),
      cmocka_unit_test(encoding_round_trips_bits),
      cmocka_unit_test(encoding_writes_gzip_with_zero_mtime),
      cmocka_unit_test(refuses_zlib_stream_instead_of_gzip),
      cmocka_unit_test(refuses_gzip_bomb),
      cmocka_unit_test(refuses_bad_base64url_and_other_headers),
      cmocka_unit_test(refuses_truncated_and_trailing_gzip),
      cmocka_unit_test(refuses_unusable_status_size),
      cmocka_unit_test(replays_fuzz_corpus_through_the_fuzz_check),
      cmocka_unit_test(status_words_round_trip_and_refuse_others),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
