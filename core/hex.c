/* Hexadecimal: lower case out, either case in. */
#include "core/core.h"

#include <stdlib.h>

int sc_hex_digit(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void hex_write(const uint8_t *data, size_t len, char *text) {
  static const char DIGITS[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    text[2 * i] = DIGITS[data[i] >> 4];
    text[2 * i + 1] = DIGITS[data[i] & 0x0f];
  }
  text[len * 2] = '\0';
}

char *sc_hex_encode(const uint8_t *data, size_t len) {
  if (len > (SIZE_MAX - 1) / 2)
    return NULL;
  char *text = malloc(len * 2 + 1);
  if (text)
    hex_write(data, len, text);
  return text;
}

int sc_sha256_hex(const void *data, size_t len, char out[SC_AT_LEAST(SC_SHA256_HEX_SIZE)]) {
  uint8_t digest[32];
  int rc = sc_sha256(data, len, digest);
  if (rc == SC_OK)
    hex_write(digest, sizeof digest, out);
  else
    out[0] = '\0';
  return rc;
}

int sc_hex_decode(const char *text, size_t len, sc_buf *out, sc_error *err) {
  if (len % 2)
    return sc_fail(err, SC_EDATA, "hex: odd number of digits (%zu)", len);
  /* Checked first so that out is left untouched on error. */
  for (size_t i = 0; i < len; i++)
    if (sc_hex_digit((unsigned char)text[i]) < 0)
      return sc_fail(err, SC_EDATA, "hex: invalid character at offset %zu", i);
  for (size_t i = 0; i < len; i += 2) {
    int byte = sc_hex_digit((unsigned char)text[i]) << 4 | sc_hex_digit((unsigned char)text[i + 1]);
    if (!sc_buf_append_byte(out, (unsigned char)byte))
      return sc_oom(err);
  }
  return SC_OK;
}
