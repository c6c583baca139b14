/* Untrusted text into HTML (URLs: sc_buf_append_url_encoded). Credential fields are
 * attacker-controlled: a name must show as text, never as markup, and must not reorder the
 * words around it. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Length of a multi-byte character at p that must not reach the page as it is, else 0: the
 * C1 controls (U+0080–U+009F, NEL among them), the line and paragraph separators
 * (U+2028, U+2029) and the bidi embedding, override and isolate characters (U+202A–U+202E,
 * U+2066–U+2069), all in UTF-8. */
static size_t hidden_control(const unsigned char *p) {
  if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
    return 2;
  if (p[0] != 0xe2)
    return 0;
  if (p[1] == 0x80 && p[2] >= 0xa8 && p[2] <= 0xae)
    return 3;
  if (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
    return 3;
  return 0;
}

static const char *entity(unsigned char c) {
  switch (c) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  case '"':
    return "&quot;";
  case '\'':
    return "&#39;";
  default:
    return NULL;
  }
}

/* Bytes that go out as they are: not markup, not a control character, not the first byte of
 * a possible hidden_control character. */
static bool plain(unsigned char c) {
  return c >= 0x20 && c != 0x7f && c != 0xc2 && c != 0xe2 && !entity(c);
}

bool http_escape(sc_buf *out, const char *text) {
  bool ok = true;
  for (const unsigned char *p = (const unsigned char *)text; ok && *p;) {
    size_t run = 0;
    while (plain(p[run]))
      run++;
    if (run) { /* most of a name or a description: copied in one go */
      ok = sc_buf_append(out, p, run);
      p += run;
      continue;
    }
    size_t hidden = hidden_control(p);
    const char *named = entity(*p);
    if (hidden) {
      ok = sc_buf_append_str(out, REPLACEMENT);
      p += hidden;
      continue;
    }
    if (named)
      ok = sc_buf_append_str(out, named);
    else if (*p < 0x20 || *p == 0x7f)
      ok = sc_buf_append_str(out, REPLACEMENT);
    else
      ok = sc_buf_append_byte(out, *p);
    p++;
  }
  return ok;
}
