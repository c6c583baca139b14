/* Open Badges 3.0 baked badges (core/badge.c): what skillcert bakes it reads back, and it reads
 * the badges others bake (1EdTech's validator sample, vectors credentials/). */
#include "test_support.h"

#include <zlib.h>

#define SAMPLE_PNG                                                                                \
  "credentials/1edtech-validator-ob30/inspector-vc/src/test/resources/ob30/simple-json.png"

/* A 1x1 PNG: signature, IHDR, IDAT, IEND (CRCs computed here). */
static void tiny_png(sc_buf *out) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  sc_buf_append(out, sig, 8);
  struct {
    const char *type;
    uint8_t data[16];
    uint32_t len;
  } chunks[] = {
      {"IHDR", {0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0}, 13},
      {"IDAT", {0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01}, 10},
      {"IEND", {0}, 0},
  };
  for (size_t i = 0; i < 3; i++) {
    uint8_t head[8] = {0, 0, 0, (uint8_t)chunks[i].len};
    memcpy(head + 4, chunks[i].type, 4);
    sc_buf_append(out, head, 8);
    sc_buf_append(out, chunks[i].data, chunks[i].len);
    uLong crc = crc32(crc32(0L, Z_NULL, 0), head + 4, 4);
    crc = crc32(crc, chunks[i].data, chunks[i].len);
    uint8_t c[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
    sc_buf_append(out, c, 4);
  }
}

static const char credential[] = "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
                                 "\"name\":\"Zo\xc3\xab & <\\\"friends\\\">\"}";

static void baked_png_reads_back_and_rebaking_replaces(void **state) {
  (void)state;
  sc_buf png = {0}, baked = {0}, again = {0}, json = {0};
  sc_error err = {0};
  tiny_png(&png);
  assert_int_equal(sc_badge_png_credential(png.data, png.len, &json, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "no openbadgecredential"));
  assert_int_equal(sc_badge_png_bake(png.data, png.len, credential, &baked, &err), SC_OK);
  assert_int_equal(sc_badge_png_credential(baked.data, baked.len, &json, &err), SC_OK);
  assert_string_equal((char *)json.data, credential);
  assert_int_equal(sc_badge_png_bake(baked.data, baked.len, "{\"b\":2}", &again, &err), SC_OK);
  sc_buf_reset(&json);
  assert_int_equal(sc_badge_png_credential(again.data, again.len, &json, &err), SC_OK);
  assert_string_equal((char *)json.data, "{\"b\":2}");
  assert_int_equal(again.len, png.len + (baked.len - png.len) - (sizeof credential - 1) + 7);
  sc_buf_free(&png), sc_buf_free(&baked), sc_buf_free(&again), sc_buf_free(&json);
}

static void damaged_baked_png_is_refused_naming_why(void **state) {
  (void)state;
  sc_buf png = {0}, baked = {0}, json = {0};
  sc_error err = {0};
  tiny_png(&png);
  assert_int_equal(sc_badge_png_bake(png.data, png.len, credential, &baked, &err), SC_OK);
  baked.data[8 + 25 + 8 + 25] ^= 1; /* a byte of the credential text */
  assert_int_equal(sc_badge_png_credential(baked.data, baked.len, &json, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "CRC"));
  baked.data[8 + 25 + 8 + 25] ^= 1;
  baked.data[8 + 25 + 8 + 20] = 1; /* the compression flag */
  assert_int_equal(sc_badge_png_credential(baked.data, baked.len, &json, &err), SC_EDATA);
  sc_buf_reset(&baked);
  assert_int_equal(sc_badge_png_credential(png.data, 20, &json, &err), SC_EDATA);
  sc_buf_free(&png), sc_buf_free(&baked), sc_buf_free(&json);
}

static void reads_the_1edtech_baked_png(void **state) {
  (void)state;
  sc_buf png = {0}, json = {0};
  read_vector(SAMPLE_PNG, &png);
  sc_error err = {0};
  assert_int_equal(sc_badge_png_credential(png.data, png.len, &json, &err), SC_OK);
  json_t *value = NULL;
  assert_int_equal(sc_json_parse((char *)json.data, json.len, "badge", &value, &err), SC_OK);
  assert_true(sc_json_has_string(json_object_get(value, "type"), "OpenBadgeCredential"));
  json_decref(value);
  sc_buf_free(&png), sc_buf_free(&json);
}

static void baked_svg_reads_back_and_escaped_text_too(void **state) {
  (void)state;
  const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>\n";
  sc_buf baked = {0}, json = {0}, twice = {0};
  sc_error err = {0};
  assert_int_equal(sc_badge_svg_credential((const uint8_t *)svg, strlen(svg), &json, &err), SC_EDATA);
  assert_int_equal(
      sc_badge_svg_bake((const uint8_t *)svg, strlen(svg), credential, &baked, &err), SC_OK);
  assert_non_null(strstr((char *)baked.data, "xmlns:openbadges="));
  assert_true(sc_badge_svg_is(baked.data, baked.len));
  assert_int_equal(sc_badge_svg_credential(baked.data, baked.len, &json, &err), SC_OK);
  assert_string_equal((char *)json.data, credential);
  assert_int_equal(sc_badge_svg_bake(baked.data, baked.len, credential, &twice, &err), SC_EDATA);
  const char escaped[] = "<svg><openbadges:credential>{&quot;a&quot;:&quot;&lt;&#233;&gt;&quot;}"
                         "</openbadges:credential></svg>";
  sc_buf_reset(&json);
  assert_int_equal(
      sc_badge_svg_credential((const uint8_t *)escaped, strlen(escaped), &json, &err), SC_OK);
  assert_string_equal((char *)json.data, "{\"a\":\"<\xc3\xa9>\"}");
  sc_buf_free(&baked), sc_buf_free(&json), sc_buf_free(&twice);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(baked_png_reads_back_and_rebaking_replaces),
      cmocka_unit_test(damaged_baked_png_is_refused_naming_why),
      cmocka_unit_test(reads_the_1edtech_baked_png),
      cmocka_unit_test(baked_svg_reads_back_and_escaped_text_too),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
