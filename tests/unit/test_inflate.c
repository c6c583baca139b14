/* core/inflate.c: the one capped inflater behind the QR payload, status lists and PDF
 * attachments, and its one rule: a whole stream, at most the cap, nothing after it. */
#include "test_support.h"

#include <zlib.h>

static const int window_bits[] = {
    [SC_INFLATE_ZLIB] = 15, [SC_INFLATE_GZIP] = 31, [SC_INFLATE_RAW] = -15};

/* data compressed in format, optionally with a preset dictionary (raw only). */
static void pack(sc_inflate_format format, const void *data, size_t len, const char *dictionary,
                 sc_buf *out) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, window_bits[format], 8, Z_DEFAULT_STRATEGY),
                   Z_OK);
  if (dictionary)
    assert_int_equal(deflateSetDictionary(&zs, (const Bytef *)dictionary, (uInt)strlen(dictionary)),
                     Z_OK);
  uLong bound = deflateBound(&zs, (uLong)len);
  unsigned char *space = malloc(bound);
  assert_non_null(space);
  zs.next_in = (Bytef *)data;
  zs.avail_in = (uInt)len;
  zs.next_out = space;
  zs.avail_out = (uInt)bound;
  assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
  assert_true(sc_buf_append(out, space, zs.total_out));
  deflateEnd(&zs);
  free(space);
}

static int unpack(sc_inflate_format format, const sc_buf *in, size_t cap, const char *dictionary,
                  sc_buf *out, sc_error *err) {
  sc_inflate_options o = {.format = format,
                          .max_out = cap,
                          .dictionary = (const uint8_t *)dictionary,
                          .dictionary_len = dictionary ? strlen(dictionary) : 0,
                          .what = "test input"};
  return sc_inflate_capped(in->data, in->len, &o, out, err);
}

static void expect_refused(sc_inflate_format format, const sc_buf *in, size_t cap,
                           const char *mention) {
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(unpack(format, in, cap, NULL, &out, &err), SC_EDATA);
  if (!strstr(err.message, mention))
    fail_msg("'%s' does not mention '%s'", err.message, mention);
  sc_buf_free(&out);
}

static void inflates_every_format_byte_exact(void **state) {
  (void)state;
  static const char text[] = "{\"credentialSubject\": {\"name\": \"Zo\xc3\xab\"}}";
  for (int f = SC_INFLATE_ZLIB; f <= SC_INFLATE_RAW; f++) {
    sc_buf packed = {0}, out = {0};
    pack((sc_inflate_format)f, text, strlen(text), NULL, &packed);
    assert_int_equal(unpack((sc_inflate_format)f, &packed, 1024, NULL, &out, NULL), SC_OK);
    assert_int_equal(out.len, strlen(text));
    assert_memory_equal(out.data, text, out.len);
    sc_buf_free(&packed);
    sc_buf_free(&out);
  }
}

static void the_cap_itself_is_accepted_one_byte_more_is_not(void **state) {
  (void)state;
  size_t cap = 100000; /* several 16 KiB chunks */
  char *zeros = calloc(1, cap + 1);
  assert_non_null(zeros);
  for (int f = SC_INFLATE_ZLIB; f <= SC_INFLATE_RAW; f++) {
    sc_buf exact = {0}, over = {0}, out = {0};
    pack((sc_inflate_format)f, zeros, cap, NULL, &exact);
    pack((sc_inflate_format)f, zeros, cap + 1, NULL, &over);
    assert_int_equal(unpack((sc_inflate_format)f, &exact, cap, NULL, &out, NULL), SC_OK);
    assert_int_equal(out.len, cap);
    expect_refused((sc_inflate_format)f, &over, cap,
                   "test input inflates to more than 100000 bytes");
    sc_buf_free(&exact);
    sc_buf_free(&over);
    sc_buf_free(&out);
  }
  free(zeros);
}

static void a_bomb_stops_at_the_cap(void **state) {
  (void)state;
  size_t big = (size_t)64 << 20;
  char *zeros = calloc(1, big);
  assert_non_null(zeros);
  sc_buf packed = {0}, out = {0};
  pack(SC_INFLATE_GZIP, zeros, big, NULL, &packed);
  free(zeros);
  assert_true(packed.len < 128 << 10);
  assert_int_equal(unpack(SC_INFLATE_GZIP, &packed, 1 << 20, NULL, &out, NULL), SC_EDATA);
  assert_true(out.len <= 1 << 20); /* it never held the whole */
  sc_buf_free(&packed);
  sc_buf_free(&out);
}

static void trailing_data_is_refused_in_every_format(void **state) {
  (void)state;
  static const char *const names[] = {"zlib", "GZIP", "DEFLATE"};
  for (int f = SC_INFLATE_ZLIB; f <= SC_INFLATE_RAW; f++) {
    sc_buf packed = {0};
    pack((sc_inflate_format)f, "hello", 5, NULL, &packed);
    assert_true(sc_buf_append(&packed, "junk", 4));
    char mention[96];
    snprintf(mention, sizeof mention,
             "test input: 4 bytes of trailing data after the end of the %s stream", names[f]);
    expect_refused((sc_inflate_format)f, &packed, 1024, mention);
    sc_buf_free(&packed);
  }
}

static void a_second_gzip_member_is_trailing_data(void **state) {
  (void)state;
  sc_buf packed = {0};
  pack(SC_INFLATE_GZIP, "one", 3, NULL, &packed);
  pack(SC_INFLATE_GZIP, "two", 3, NULL, &packed);
  expect_refused(SC_INFLATE_GZIP, &packed, 1024, "trailing data after the end of the GZIP stream");
  sc_buf_free(&packed);
}

static void a_truncated_stream_is_refused(void **state) {
  (void)state;
  static const char *const names[] = {"zlib", "GZIP", "DEFLATE"};
  char text[4096];
  for (size_t i = 0; i < sizeof text; i++)
    text[i] = (char)('a' + (i * 7919) % 26);
  for (int f = SC_INFLATE_ZLIB; f <= SC_INFLATE_RAW; f++) {
    sc_buf packed = {0};
    pack((sc_inflate_format)f, text, sizeof text, NULL, &packed);
    char mention[64];
    snprintf(mention, sizeof mention, "test input: broken %s stream (truncated)", names[f]);
    for (size_t keep = 0; keep < packed.len; keep += 1 + packed.len / 7) {
      sc_buf cut = {0};
      assert_true(sc_buf_append(&cut, packed.data, keep));
      expect_refused((sc_inflate_format)f, &cut, sizeof text, keep ? mention : "test input");
      sc_buf_free(&cut);
    }
    sc_buf_free(&packed);
  }
}

static void corrupt_data_is_refused_with_zlibs_reason(void **state) {
  (void)state;
  sc_buf junk = {0};
  assert_true(sc_buf_append_str(&junk, "this is not compressed"));
  expect_refused(SC_INFLATE_ZLIB, &junk, 1024, "test input: not a valid zlib stream (corrupt:");
  expect_refused(SC_INFLATE_GZIP, &junk, 1024, "test input: not a valid GZIP stream (corrupt:");
  sc_buf_free(&junk);
}

static void a_preset_dictionary_is_used_for_raw_deflate(void **state) {
  (void)state;
  static const char dictionary[] = "\"credentialSubject\"\"OpenBadgeCredential\"";
  static const char text[] = "{\"type\": \"OpenBadgeCredential\", \"credentialSubject\": {}}";
  sc_buf packed = {0}, out = {0};
  pack(SC_INFLATE_RAW, text, strlen(text), dictionary, &packed);
  assert_int_equal(unpack(SC_INFLATE_RAW, &packed, 1024, dictionary, &out, NULL), SC_OK);
  assert_int_equal(out.len, strlen(text));
  assert_memory_equal(out.data, text, out.len);
  sc_buf_free(&out);
  sc_error err = {0};
  assert_int_equal(unpack(SC_INFLATE_RAW, &packed, 1024, NULL, &out, &err), SC_EDATA);
  sc_buf_free(&out);
  sc_buf_free(&packed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(inflates_every_format_byte_exact),
      cmocka_unit_test(the_cap_itself_is_accepted_one_byte_more_is_not),
      cmocka_unit_test(a_bomb_stops_at_the_cap),
      cmocka_unit_test(trailing_data_is_refused_in_every_format),
      cmocka_unit_test(a_second_gzip_member_is_trailing_data),
      cmocka_unit_test(a_truncated_stream_is_refused),
      cmocka_unit_test(corrupt_data_is_refused_with_zlibs_reason),
      cmocka_unit_test(a_preset_dictionary_is_used_for_raw_deflate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
