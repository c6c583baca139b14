/* base32, RFC 4648 section 6 alphabet, without padding: the QR payload's text form. */
#include "core/core.h"

#include <stdlib.h>

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int symbol_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z') /* decoders accept lower case: people retype codes */
    return c - 'a';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

char *sc_base32_encode(const uint8_t *data, size_t len) {
  if (len > (SIZE_MAX - 8) / 8 * 5)
    return NULL;
  size_t chars = (len * 8 + 4) / 5;
  char *text = malloc(chars + 1);
  if (!text)
    return NULL;
  uint32_t bits = 0;
  int nbits = 0;
  size_t out = 0;
  for (size_t i = 0; i < len; i++) {
    bits = (bits << 8 | data[i]) & 0xfff; /* at most 12 pending bits */
    nbits += 8;
    while (nbits >= 5) {
      nbits -= 5;
      text[out++] = ALPHABET[(bits >> nbits) & 31];
    }
  }
  if (nbits > 0)
    text[out++] = ALPHABET[(bits << (5 - nbits)) & 31];
  text[out] = '\0';
  return text;
}

/* Lengths mod 8 of 1, 3 or 6 characters cannot come from whole bytes. */
static bool valid_length(size_t len) {
  size_t rest = len % 8;
  return rest != 1 && rest != 3 && rest != 6;
}

static int check_symbols(const char *text, size_t len, sc_error *err) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '=')
      return sc_fail(err, SC_EDATA, "base32: padding '=' at offset %zu is not accepted", i);
    if (symbol_value((unsigned char)text[i]) < 0)
      return sc_fail(err, SC_EDATA, "base32: invalid character at offset %zu", i);
  }
  if (!valid_length(len))
    return sc_fail(err, SC_EDATA, "base32: length %zu is not a whole number of bytes", len);
  return SC_OK;
}

/* Leaves out as it was before a failed decode. */
static void truncate_to(sc_buf *out, size_t len) {
  out->len = len;
  if (out->data)
    out->data[len] = '\0';
}

int sc_base32_decode(const char *text, size_t len, sc_buf *out, sc_error *err) {
  int rc = check_symbols(text, len, err);
  if (rc)
    return rc;
  size_t start = out->len;
  uint32_t bits = 0;
  int nbits = 0;
  for (size_t i = 0; i < len; i++) {
    bits = (bits << 5 | (uint32_t)symbol_value((unsigned char)text[i])) &
           0xfff; /* at most 12 pending bits */
    nbits += 5;
    if (nbits >= 8) {
      nbits -= 8;
      if (!sc_buf_append_byte(out, (unsigned char)(bits >> nbits))) {
        truncate_to(out, start);
        return sc_oom(err);
      }
    }
  }
  /* Canonical form only: the unused low bits of the last symbol must be zero, so that every
   * byte string has exactly one encoding. */
  if (bits & ((1u << nbits) - 1)) {
    truncate_to(out, start);
    return sc_fail(err, SC_EDATA, "base32: non-zero trailing bits in the last character");
  }
  return SC_OK;
}
