/* Multibase with the two headers the standards here use: 'z' base58btc, 'u' base64url. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static char *with_header(char header, char *body) {
  if (!body)
    return NULL;
  size_t len = strlen(body);
  char *text = malloc(len + 2);
  if (text) {
    text[0] = header;
    memcpy(text + 1, body, len + 1);
  }
  free(body);
  return text;
}

char *sc_multibase_encode(char header, const uint8_t *data, size_t len) {
  if (header == 'z')
    return with_header(header, sc_base58btc_encode(data, len));
  if (header == 'u')
    return with_header(header, sc_base64url_encode(data, len));
  return NULL; /* a caller's mistake: only the two headers above exist here */
}

int sc_multibase_decode(const char *text, char *header, sc_buf *out, sc_error *err) {
  if (!text || !*text)
    return sc_fail(err, SC_EDATA, "multibase: empty value");
  if (header)
    *header = text[0];
  size_t len = strlen(text + 1);
  if (text[0] == 'z')
    return sc_base58btc_decode(text + 1, len, out, err);
  if (text[0] == 'u')
    return sc_base64url_decode(text + 1, len, out, err);
  if ((unsigned char)text[0] >= 0x20 && (unsigned char)text[0] < 0x7f)
    return sc_fail(err, SC_EDATA, "multibase: header '%c' is not supported (expected 'z' or 'u')",
                   text[0]);
  return sc_fail(err, SC_EDATA, "multibase: header byte 0x%02x is not supported",
                 (unsigned char)text[0]);
}
