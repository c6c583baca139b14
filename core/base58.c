/* base58btc (the Bitcoin alphabet), as used by Multikey, did:key and proofValue.
 *
 * Base conversion is quadratic in the length, so both directions work on wide limbs instead
 * of single digits: the encoder keeps base-58 digits five to a uint32_t (58^5 < 2^30) and
 * feeds the input four bytes at a time; the decoder keeps bytes four to a uint32_t and feeds
 * the text five characters at a time. A 64-byte signature takes ~40 times fewer inner steps
 * than digit by digit. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static const char ALPHABET[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Digit value of each ASCII character, -1 where it is not in the alphabet. */
static const signed char DIGIT[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  -1, -1, -1, -1, -1, -1, -1, 9,
    10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1, 22, 23, 24, 25, 26, 27, 28, 29,
    30, 31, 32, -1, -1, -1, -1, -1, -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44,
    45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1};

/* Base58 is quadratic in the input length; the values it carries here (keys, signatures) are
 * under 100 characters, so a generous cap keeps hostile input from costing seconds of CPU. */
enum { MAX_DECODE_CHARS = 4096, MAX_ENCODE_BYTES = 1 << 20 };

#define DIGITS_PER_LIMB 5
#define LIMB_BASE 656356768u /* 58^5 */
#define BYTES_PER_LIMB 4
/* Limbs kept on the stack; larger values (never a key or a signature) use the heap. */
#define STACK_LIMBS 64

static const uint32_t POW58[DIGITS_PER_LIMB + 1] = {1, 58, 3364, 195112, 11316496, LIMB_BASE};

static int digit_value(unsigned char c) {
  return c < 128 ? DIGIT[c] : -1;
}

/* limbs[0..used) hold a number, most significant limb last; sets it to value * mul + add. */
static size_t multiply_add(uint32_t *limbs, size_t used, uint64_t mul, uint64_t add,
                           uint64_t base) {
  uint64_t carry = add;
  for (size_t j = 0; j < used; j++) {
    uint64_t t = (uint64_t)limbs[j] * mul + carry;
    limbs[j] = (uint32_t)(t % base);
    carry = t / base;
  }
  while (carry) {
    limbs[used++] = (uint32_t)(carry % base);
    carry /= base;
  }
  return used;
}

static uint32_t *limbs_alloc(uint32_t *on_stack, size_t count) {
  return count <= STACK_LIMBS ? on_stack : malloc(count * sizeof(uint32_t));
}

/* Writes the base-58 digits of limbs[0..used) (non-zero) to text, without leading zeros. */
static size_t write_digits(const uint32_t *limbs, size_t used, char *text) {
  size_t out = 0;
  for (size_t j = used; j-- > 0;) {
    char group[DIGITS_PER_LIMB];
    uint32_t limb = limbs[j];
    for (int d = DIGITS_PER_LIMB - 1; d >= 0; d--) {
      group[d] = ALPHABET[limb % 58];
      limb /= 58;
    }
    int first = 0;
    while (out == 0 && first < DIGITS_PER_LIMB - 1 && group[first] == '1')
      first++; /* the top limb's leading zero digits */
    memcpy(text + out, group + first, (size_t)(DIGITS_PER_LIMB - first));
    out += (size_t)(DIGITS_PER_LIMB - first);
  }
  return out;
}

char *sc_base58btc_encode(const uint8_t *data, size_t len) {
  if (len > MAX_ENCODE_BYTES)
    return NULL;
  size_t zeros = 0;
  while (zeros < len && data[zeros] == 0)
    zeros++;
  /* log(256)/log(58) < 1.38: digits needed for the non-zero part. */
  size_t digits_cap = (len - zeros) * 138 / 100 + 1;
  size_t limbs_cap = digits_cap / DIGITS_PER_LIMB + 2;
  uint32_t on_stack[STACK_LIMBS];
  uint32_t *limbs = limbs_alloc(on_stack, limbs_cap);
  char *text = limbs ? malloc(zeros + limbs_cap * DIGITS_PER_LIMB + 1) : NULL;
  if (!text) {
    if (limbs != on_stack)
      free(limbs);
    return NULL;
  }
  size_t used = 0;
  /* The first chunk takes what is left over so that the others are whole words. */
  size_t i = zeros, chunk = (len - zeros) % BYTES_PER_LIMB;
  for (chunk = chunk ? chunk : BYTES_PER_LIMB; i < len; i += chunk, chunk = BYTES_PER_LIMB) {
    uint64_t word = 0;
    for (size_t k = 0; k < chunk; k++)
      word = word << 8 | data[i + k];
    used = multiply_add(limbs, used, (uint64_t)1 << (8 * chunk), word, LIMB_BASE);
  }
  memset(text, '1', zeros);
  size_t out = zeros + write_digits(limbs, used, text + zeros);
  text[out] = '\0';
  if (limbs != on_stack)
    free(limbs);
  return text;
}

/* The offset of the first character outside the alphabet, or len. */
static size_t first_invalid(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (digit_value((unsigned char)text[i]) < 0)
      return i;
  return len;
}

/* Appends the big-endian bytes of limbs[0..used) (non-zero), without leading zeros. */
static bool append_bytes(const uint32_t *limbs, size_t used, sc_buf *out) {
  bool started = false;
  for (size_t j = used; j-- > 0;) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      uint8_t byte = (uint8_t)(limbs[j] >> shift);
      started = started || byte != 0;
      if (started && !sc_buf_append_byte(out, byte))
        return false;
    }
  }
  return true;
}

int sc_base58btc_decode(const char *text, size_t len, sc_buf *out, sc_error *err) {
  if (len > MAX_DECODE_CHARS)
    return sc_fail(err, SC_EDATA, "base58btc: %zu characters is more than the %d accepted", len,
                   MAX_DECODE_CHARS);
  size_t bad = first_invalid(text, len);
  if (bad < len)
    return sc_fail(err, SC_EDATA, "base58btc: invalid character at offset %zu", bad);
  size_t zeros = 0;
  while (zeros < len && text[zeros] == '1')
    zeros++;
  /* log(58)/log(256) < 0.733: bytes needed for the rest. */
  size_t limbs_cap = ((len - zeros) * 733 / 1000 + 1) / BYTES_PER_LIMB + 2;
  uint32_t on_stack[STACK_LIMBS];
  uint32_t *limbs = limbs_alloc(on_stack, limbs_cap);
  if (!limbs)
    return sc_oom(err);
  size_t used = 0;
  size_t i = zeros, chunk = (len - zeros) % DIGITS_PER_LIMB;
  for (chunk = chunk ? chunk : DIGITS_PER_LIMB; i < len; i += chunk, chunk = DIGITS_PER_LIMB) {
    uint64_t group = 0;
    for (size_t k = 0; k < chunk; k++)
      group = group * 58 + (uint64_t)digit_value((unsigned char)text[i + k]);
    used = multiply_add(limbs, used, POW58[chunk], group, (uint64_t)1 << 32);
  }
  bool ok = true;
  for (size_t k = 0; k < zeros && ok; k++)
    ok = sc_buf_append_byte(out, 0);
  ok = ok && append_bytes(limbs, used, out);
  if (limbs != on_stack)
    free(limbs);
  return ok ? SC_OK : sc_oom(err);
}
