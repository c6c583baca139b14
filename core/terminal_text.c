/* Untrusted text on a terminal. Names, reasons and file names come from credentials, rosters,
 * the registry and the command line; a control character in them would drive the terminal
 * (ESC sequences, C1 CSI), a line separator would forge a line, and a bidi override would show
 * "gpj.exe" as "exe.jpg" or reorder a verdict. Each such character, and each byte that is not
 * UTF-8, is shown as U+FFFD — what serve's HTML page shows for the same characters. */
#include "core/core.h"

#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* The code point at p and its length in bytes; 0 when p does not start a well-formed UTF-8
 * sequence (overlong, surrogate, beyond U+10FFFF, cut short). */
static size_t decode(const unsigned char *p, uint32_t *cp) {
  if (p[0] < 0x80) {
    *cp = p[0];
    return 1;
  }
  size_t len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
  if (len == 0 || p[0] > 0xf4)
    return 0;
  uint32_t value = p[0] & (0x7f >> len);
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
      return 0;
    value = value << 6 | (p[i] & 0x3f);
  }
  static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < least[len] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
    return 0;
  *cp = value;
  return len;
}

bool sc_text_unsafe_char(uint32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Length of the run of bytes at p that can go out as they are. */
static size_t safe_run(const unsigned char *p) {
  size_t run = 0;
  for (;;) {
    if (p[run] >= 0x20 && p[run] < 0x7f) { /* ASCII, most of any text: no decoding */
      run++;
      continue;
    }
    uint32_t cp;
    size_t len = p[run] ? decode(p + run, &cp) : 0;
    if (len == 0 || sc_text_unsafe_char(cp))
      return run;
    run += len;
  }
}

/* Length of the unsafe character or stray byte at p (not at its end). */
static size_t unsafe_length(const unsigned char *p) {
  uint32_t cp;
  size_t len = decode(p, &cp);
  return len ? len : 1;
}

bool sc_text_append_safe(sc_buf *out, const char *text) {
  const unsigned char *p = (const unsigned char *)(text ? text : "");
  while (*p) {
    size_t run = safe_run(p);
    if (run && !sc_buf_append(out, p, run))
      return false;
    p += run;
    if (!*p)
      break;
    if (!sc_buf_append_str(out, REPLACEMENT))
      return false;
    p += unsafe_length(p);
  }
  return true;
}

void sc_text_put(const char *text, FILE *out) {
  const unsigned char *p = (const unsigned char *)(text ? text : "");
  while (*p) {
    size_t run = safe_run(p);
    fwrite(p, 1, run, out);
    p += run;
    if (!*p)
      break;
    fputs(REPLACEMENT, out);
    p += unsafe_length(p);
  }
}
