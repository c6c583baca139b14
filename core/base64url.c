/* base64url without padding (RFC 4648 section 5): multibase 'u', status lists, JWK. OpenSSL
 * does the base64 arithmetic; this file maps the URL-safe alphabet and enforces the strict,
 * canonical, unpadded form. */
#include "core/core.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* Work in blocks so OpenSSL's int lengths never overflow and no input-sized copy is made. */
enum { BLOCK_BYTES = 3 * 1024, BLOCK_CHARS = 4 * 1024 };

static int symbol_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

static char to_url_safe(char c) {
  return c == '+' ? '-' : c == '/' ? '_' : c;
}

static char to_standard(char c) {
  return c == '-' ? '+' : c == '_' ? '/' : c;
}

char *sc_base64url_encode(const uint8_t *data, size_t len) {
  if (len > (SIZE_MAX - 3) / 4)
    return NULL;
  char *text = malloc((len * 4 + 2) / 3 + 1);
  if (!text)
    return NULL;
  size_t out = 0;
  unsigned char block[BLOCK_CHARS + 1];
  for (size_t done = 0; done < len; done += BLOCK_BYTES) {
    size_t n = len - done < BLOCK_BYTES ? len - done : BLOCK_BYTES;
    int chars = EVP_EncodeBlock(block, data + done, (int)n);
    for (int i = 0; i < chars && block[i] != '='; i++)
      text[out++] = to_url_safe((char)block[i]);
  }
  text[out] = '\0';
  return text;
}

static int check_symbols(const char *text, size_t len, sc_error *err) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '=')
      return sc_fail(err, SC_EDATA, "base64url: padding '=' at offset %zu is not accepted", i);
    if (symbol_value((unsigned char)text[i]) < 0)
      return sc_fail(err, SC_EDATA, "base64url: invalid character at offset %zu", i);
  }
  size_t rest = len % 4;
  if (rest == 1)
    return sc_fail(err, SC_EDATA, "base64url: length %zu is not a whole number of bytes", len);
  /* Canonical form only: the unused low bits of the last character must be zero. */
  int unused_mask = rest == 2 ? 0x0f : rest == 3 ? 0x03 : 0;
  if (len && (symbol_value((unsigned char)text[len - 1]) & unused_mask))
    return sc_fail(err, SC_EDATA, "base64url: non-zero trailing bits in the last character");
  return SC_OK;
}

/* Decodes one block of at most BLOCK_CHARS characters, restoring the padding OpenSSL wants. */
static bool decode_block(const char *text, size_t n, sc_buf *out) {
  unsigned char in[BLOCK_CHARS + 1], bytes[BLOCK_BYTES];
  size_t padded = (n + 3) / 4 * 4;
  for (size_t i = 0; i < n; i++)
    in[i] = (unsigned char)to_standard(text[i]);
  memset(in + n, '=', padded - n);
  int got = EVP_DecodeBlock(bytes, in, (int)padded);
  if (got < 0)
    return false;
  /* EVP_DecodeBlock counts the padding as zero bytes; drop them. */
  return sc_buf_append(out, bytes, (size_t)got - (padded - n));
}

int sc_base64url_decode(const char *text, size_t len, sc_buf *out, sc_error *err) {
  int rc = check_symbols(text, len, err);
  if (rc)
    return rc;
  size_t start = out->len;
  if (!sc_buf_reserve(out, len / 4 * 3 + 3)) /* then decode_block fails only if OpenSSL does */
    return sc_oom(err);
  for (size_t done = 0; done < len; done += BLOCK_CHARS) {
    size_t n = len - done < BLOCK_CHARS ? len - done : BLOCK_CHARS;
    if (!decode_block(text + done, n, out)) {
      out->len = start;
      if (out->data)
        out->data[start] = '\0';
      return sc_fail(err, SC_ESOFTWARE, "base64url: OpenSSL refused validated input");
    }
  }
  return SC_OK;
}
