/* base58btc (the Bitcoin alphabet), as used by Multikey, did:key and proofValue. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static const char ALPHABET[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Base58 is quadratic in the input length; the values it carries here (keys, signatures) are
 * under 100 characters, so a generous cap keeps hostile input from costing seconds of CPU. */
enum { MAX_DECODE_CHARS = 4096, MAX_ENCODE_BYTES = 1 << 20 };

static int digit_value(unsigned char c) {
  const char *hit = c ? strchr(ALPHABET, c) : NULL;
  return hit ? (int)(hit - ALPHABET) : -1;
}

char *sc_base58btc_encode(const uint8_t *data, size_t len) {
  if (len > MAX_ENCODE_BYTES)
    return NULL;
  size_t zeros = 0;
  while (zeros < len && data[zeros] == 0)
    zeros++;
  /* log(256)/log(58) < 1.38: digits needed for the non-zero part, most significant first. */
  size_t cap = (len - zeros) * 138 / 100 + 1;
  uint8_t *digits = calloc(cap, 1);
  char *text = digits ? malloc(zeros + cap + 1) : NULL;
  if (!text) {
    free(digits);
    return NULL;
  }
  size_t used = 0; /* digits in use, counted from the end of the array */
  for (size_t i = zeros; i < len; i++) {
    unsigned carry = data[i];
    size_t j = 0;
    for (; (carry || j < used) && j < cap; j++) {
      carry += 256u * digits[cap - 1 - j];
      digits[cap - 1 - j] = (uint8_t)(carry % 58);
      carry /= 58;
    }
    used = j;
  }
  memset(text, '1', zeros);
  size_t out = zeros;
  for (size_t j = cap - used; j < cap; j++)
    text[out++] = ALPHABET[digits[j]];
  text[out] = '\0';
  free(digits);
  return text;
}

int sc_base58btc_decode(const char *text, size_t len, sc_buf *out, sc_error *err) {
  if (len > MAX_DECODE_CHARS)
    return sc_fail(err, SC_EDATA, "base58btc: %zu characters is more than the %d accepted", len,
                   MAX_DECODE_CHARS);
  size_t zeros = 0;
  while (zeros < len && text[zeros] == '1')
    zeros++;
  /* log(58)/log(256) < 0.733: bytes needed for the rest, most significant first. */
  size_t cap = (len - zeros) * 733 / 1000 + 1;
  uint8_t *bytes = calloc(cap, 1);
  if (!bytes)
    return sc_oom(err);
  size_t used = 0;
  for (size_t i = zeros; i < len; i++) {
    int value = digit_value((unsigned char)text[i]);
    if (value < 0) {
      free(bytes);
      return sc_fail(err, SC_EDATA, "base58btc: invalid character at offset %zu", i);
    }
    unsigned carry = (unsigned)value;
    size_t j = 0;
    for (; (carry || j < used) && j < cap; j++) {
      carry += 58u * bytes[cap - 1 - j];
      bytes[cap - 1 - j] = (uint8_t)(carry & 0xff);
      carry >>= 8;
    }
    used = j;
  }
  bool ok = true;
  for (size_t i = 0; i < zeros && ok; i++)
    ok = sc_buf_append_byte(out, 0);
  ok = ok && sc_buf_append(out, bytes + cap - used, used);
  free(bytes);
  return ok ? SC_OK : sc_oom(err);
}
