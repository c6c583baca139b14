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

char *sc_hex_encode(const uint8_t *data, size_t len) {
  static const char DIGITS[] = "0123456789abcdef";
  if (len > (SIZE_MAX - 1) / 2)
    return NULL;
  char *text = malloc(len * 2 + 1);
  if (!text)
    return NULL;
  for (size_t i = 0; i < len; i++) {
    text[2 * i] = DIGITS[data[i] >> 4];
    text[2 * i + 1] = DIGITS[data[i] & 0x0f];
  }
  text[len * 2] = '\0';
  return text;
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
