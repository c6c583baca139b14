/* Text into a URL's query or into HTML: the one percent-encoder and the one plain HTML escaper
 * that the links and mails of issuer/, service/ and cli/ share. */
#include "core/core.h"

bool sc_buf_append_url_encoded(sc_buf *out, const char *text) {
  static const char hex[] = "0123456789ABCDEF";
  bool ok = true;
  for (const unsigned char *p = (const unsigned char *)text; ok && *p; p++) {
    unsigned char c = *p;
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    char triple[3] = {'%', hex[c >> 4], hex[c & 15]};
    ok = unreserved ? sc_buf_append_byte(out, c) : sc_buf_append(out, triple, 3);
  }
  return ok;
}

bool sc_buf_append_html_escaped(sc_buf *out, const char *text) {
  bool ok = true;
  for (const char *p = text; ok && *p; p++) {
    const char *entity = *p == '<'    ? "&lt;"
                         : *p == '>'  ? "&gt;"
                         : *p == '&'  ? "&amp;"
                         : *p == '"'  ? "&quot;"
                         : *p == '\'' ? "&#39;"
                                      : NULL;
    ok = entity ? sc_buf_append_str(out, entity) : sc_buf_append_byte(out, (unsigned char)*p);
  }
  return ok;
}
