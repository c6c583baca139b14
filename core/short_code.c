/* The short typeable code printed under a certificate's QR code (docs/qr-payload.md "The
 * short code"): the first 60 bits of the credential's UUID in Crockford base32, 12 symbols in
 * three groups, XXXX-XXXX-XXXX. It is derived from the UUID, so nothing has to be stored to
 * find the credential again: the published file public/c/<uuid>.json whose name starts with
 * those 60 bits (15 hexadecimal digits) is the one. */
#include "core/core.h"

#include <ctype.h>
#include <string.h>

static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* A symbol's value as people type it: any case, O for 0, I and L for 1; -1 otherwise. */
static int crockford_value(unsigned char c) {
  c = (unsigned char)toupper(c);
  if (c == 'O')
    c = '0';
  else if (c == 'I' || c == 'L')
    c = '1';
  const char *at = c ? strchr(CROCKFORD, c) : NULL;
  return at ? (int)(at - CROCKFORD) : -1;
}

/* Writes the low symbols * width bits of bits, most significant first, one alphabet symbol per
 * width bits, with a '-' after the symbols whose remaining count is dash_a or dash_b; then a
 * NUL. Both directions (UUID to code, code to UUID prefix) spell their result this way. */
static void spell(uint64_t bits, int symbols, int width, const char *alphabet, int dash_a,
                  int dash_b, char *out) {
  uint64_t mask = ((uint64_t)1 << width) - 1;
  for (int i = symbols - 1; i >= 0; i--) {
    *out++ = alphabet[(bits >> (width * i)) & mask];
    if (i == dash_a || i == dash_b)
      *out++ = '-';
  }
  *out = '\0';
}

int sc_short_code_of_uuid(const char *uuid, char code[SC_SHORT_CODE_SIZE]) {
  uint64_t bits = 0;
  int digits = 0;
  for (const char *p = uuid; p && *p && digits < 15; p++) {
    if (*p == '-')
      continue;
    int v = sc_hex_digit((unsigned char)*p);
    if (v < 0)
      return SC_EDATA;
    bits = bits << 4 | (uint64_t)v;
    digits++;
  }
  if (digits < 15)
    return SC_EDATA;
  spell(bits, 12, 5, CROCKFORD, 8, 4, code);
  return SC_OK;
}

int sc_short_code_uuid_prefix(const char *text, char prefix[SC_SHORT_CODE_PREFIX_SIZE]) {
  uint64_t bits = 0;
  int symbols = 0;
  for (const char *p = text; p && *p; p++) {
    if (*p == '-' || *p == ' ')
      continue;
    int v = crockford_value((unsigned char)*p);
    if (v < 0 || ++symbols > 12)
      return SC_EDATA;
    bits = bits << 5 | (uint64_t)v;
  }
  if (symbols != 12)
    return SC_EDATA;
  spell(bits, 15, 4, "0123456789abcdef", 7, 3, prefix); /* as a UUID writes them: 8-4-3 */
  return SC_OK;
}
