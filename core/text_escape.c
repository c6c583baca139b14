/* Text into a URL's query, into HTML or into a JSON string: the one percent-encoder and the one
 * plain HTML escaper that the links and mails of issuer/, service/ and cli/ share, and the JSON
 * string writer of RFC 8785 (jcs.c) and of the credential files (json_indent.c). */
#include "core/core.h"

#include <stdint.h>
#include <string.h>

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

/* Bytes of a 64-bit word, all set to b. */
#define EVERY_BYTE(b) (0x0101010101010101ULL * (uint64_t)(b))

/* Whether any of the 8 bytes at p needs an escape in a JSON string: a control character (below
 * 0x20), '"' or '\\'. Eight bytes are tested at once (the has-zero-byte and has-less-than
 * tricks of "Bit Twiddling Hacks"), exactly: a word without such a byte is never reported.
 * Every string of every credential passes here twice (its file and its JCS form). */
static bool has_escape(const unsigned char *p) {
  uint64_t word;
  memcpy(&word, p, sizeof word);
  uint64_t quote = word ^ EVERY_BYTE('"'), backslash = word ^ EVERY_BYTE('\\');
  uint64_t found = ((word - EVERY_BYTE(0x20)) & ~word) | ((quote - EVERY_BYTE(1)) & ~quote) |
                   ((backslash - EVERY_BYTE(1)) & ~backslash);
  return (found & EVERY_BYTE(0x80)) != 0;
}

bool sc_buf_append_json_string(sc_buf *out, const char *text, size_t len, const char *hex) {
  if (!sc_buf_reserve(out, len + 2))
    return false;
  out->data[out->len++] = '"';
  size_t run = 0; /* the start of the text not yet copied: runs without an escape go at once */
  for (size_t i = 0; i < len; i++) {
    if (i + 8 <= len && !has_escape((const unsigned char *)text + i)) {
      i += 7; /* the loop's i++ moves past the eighth */
      continue;
    }
    unsigned char c = (unsigned char)text[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    static const char SHORT[] = "\"\"\\\\\bb\ff\nn\rr\tt"; /* the character, its short form */
    const char *pair = NULL;
    for (size_t k = 0; !pair && k + 1 < sizeof SHORT; k += 2)
      pair = SHORT[k] == (char)c ? SHORT + k : NULL;
    char escape[6] = {'\\', pair ? pair[1] : 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
    if (!sc_buf_append(out, text + run, i - run) ||
        !sc_buf_append(out, escape, pair ? 2 : sizeof escape))
      return false;
    run = i + 1;
  }
  return sc_buf_append(out, text + run, len - run) && sc_buf_append_byte(out, '"');
}
