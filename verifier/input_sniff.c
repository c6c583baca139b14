/*
 * What an input is, told by its content (never by its file name): a certificate PDF, a baked
 * badge (PNG or SVG), a PNG or JPEG image, credential JSON, or the text of a QR code /
 * verification URL.
 */
#include "verifier/verifier.h"

#include <ctype.h>
#include <string.h>

/* Scanned text is short; anything longer than a QR code can hold plus slack is not QR text. */
#define QR_TEXT_SNIFF_MAX ((size_t)16 << 10)

static bool starts_with(const uint8_t *data, size_t len, const char *prefix, size_t n) {
  return len >= n && memcmp(data, prefix, n) == 0;
}

static bool is_blank(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Case-insensitive search of an ASCII needle. */
static bool contains_nocase(const uint8_t *data, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; len >= n && i <= len - n; i++) {
    size_t k = 0;
    while (k < n && tolower(data[i + k]) == needle[k])
      k++;
    if (k == n)
      return true;
  }
  return false;
}

/* Printable text (and white space) only: QR text and URLs hold no control bytes. */
static bool is_text(const uint8_t *data, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (data[i] < 0x20 && !is_blank(data[i]))
      return false;
  return true;
}

static bool looks_like_qr_text(const uint8_t *data, size_t len) {
  if (len > QR_TEXT_SNIFF_MAX || !is_text(data, len))
    return false;
  return contains_nocase(data, len, "/v/") || contains_nocase(data, len, "/c/") ||
         contains_nocase(data, len < 8 ? len : 8, "https://") ||
         contains_nocase(data, len < 7 ? len : 7, "http://");
}

int sc_input_sniff(const uint8_t *data, size_t len, sc_input_kind *kind, sc_error *err) {
  static const char png[] = "\x89PNG\r\n\x1a\n";
  if (starts_with(data, len, "%PDF-", 5)) {
    *kind = SC_INPUT_PDF;
    return SC_OK;
  }
  if (starts_with(data, len, png, 8) || starts_with(data, len, "\xff\xd8\xff", 3)) {
    /* A baked badge carries its credential; any other image may show a QR code. */
    sc_buf probe = {0};
    bool baked = sc_badge_png_credential(data, len, &probe, NULL) == SC_OK;
    sc_buf_free(&probe);
    *kind = baked ? SC_INPUT_BADGE : SC_INPUT_IMAGE;
    return SC_OK;
  }
  size_t start = 0;
  while (start < len && is_blank(data[start]))
    start++;
  if (start < len && data[start] == '<' && sc_badge_svg_is(data + start, len - start)) {
    *kind = SC_INPUT_BADGE;
    return SC_OK;
  }
  /* An array is not a credential, but the JSON intake says so more precisely than "unknown
   * input" would (nesting, duplicates, the line and column). */
  if (start < len && (data[start] == '{' || data[start] == '[')) {
    *kind = SC_INPUT_JSON;
    return SC_OK;
  }
  if (start < len && looks_like_qr_text(data + start, len - start)) {
    *kind = SC_INPUT_QR;
    return SC_OK;
  }
  return sc_fail(err, SC_EDATA, "%s: not a credential, certificate PDF, badge, QR text or image",
                 start == len ? "empty input" : "input");
}
