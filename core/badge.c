/*
 * Open Badges 3.0 baked badges (OB 3.0 section 5.3, "Baking"): the credential inside a PNG, as
 * one iTXt chunk with the keyword "openbadgecredential" (uncompressed, no language tag), or
 * inside an SVG, as the text of an <openbadges:credential> element. Reading and writing both
 * live here, beside each other, so that what skillcert bakes it can always read back.
 */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define KEYWORD "openbadgecredential"
#define SVG_OPEN "<openbadges:credential"
#define SVG_CLOSE "</openbadges:credential>"
#define SVG_NS "xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static uint32_t read_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void write_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
  p[3] = (uint8_t)v;
}

bool sc_badge_png_is(const uint8_t *png, size_t len) {
  return len >= 8 && memcmp(png, png_signature, 8) == 0;
}

/* The text of an openbadgecredential iTXt chunk's data (len bytes): keyword NUL, compression
 * flag, method, language NUL, translated keyword NUL, text. */
static int itxt_text(const uint8_t *data, size_t len, sc_buf *json, sc_error *err) {
  size_t k = sizeof KEYWORD; /* keyword and its NUL */
  if (len < k + 2)
    return sc_fail(err, SC_EDATA, "baked PNG: the openbadgecredential chunk is cut short");
  if (data[k] != 0)
    return sc_fail(err, SC_EDATA,
                   "baked PNG: the openbadgecredential chunk is compressed (Open Badges 3.0 bakes "
                   "it uncompressed)");
  size_t p = k + 2;
  for (int field = 0; field < 2; field++) { /* language tag, translated keyword */
    const uint8_t *nul = memchr(data + p, 0, len - p);
    if (!nul)
      return sc_fail(err, SC_EDATA, "baked PNG: the openbadgecredential chunk is malformed");
    p = (size_t)(nul - data) + 1;
  }
  return sc_buf_append(json, data + p, len - p) ? SC_OK : sc_oom(err);
}

int sc_badge_png_credential(const uint8_t *png, size_t len, sc_buf *json, sc_error *err) {
  if (!sc_badge_png_is(png, len))
    return sc_fail(err, SC_EDATA, "not a PNG image");
  for (size_t i = 8; i + 12 <= len;) {
    uint32_t n = read_be32(png + i);
    if (n > len - i - 12)
      return sc_fail(err, SC_EDATA, "baked PNG: a chunk runs past the end of the file");
    const uint8_t *type = png + i + 4, *data = png + i + 8;
    if (memcmp(type, "iTXt", 4) == 0 && n >= sizeof KEYWORD &&
        memcmp(data, KEYWORD, sizeof KEYWORD) == 0) {
      uLong crc = crc32(crc32(0L, Z_NULL, 0), type, n + 4);
      if (crc != read_be32(data + n))
        return sc_fail(err, SC_EDATA, "baked PNG: the openbadgecredential chunk's CRC is wrong");
      return itxt_text(data, n, json, err);
    }
    if (memcmp(type, "IEND", 4) == 0)
      break;
    i += 12 + (size_t)n;
  }
  return sc_fail(err, SC_EDATA, "PNG image without a baked credential (no openbadgecredential "
                                "iTXt chunk)");
}

int sc_badge_png_bake(const uint8_t *png, size_t len, const char *credential, sc_buf *out,
                      sc_error *err) {
  if (!sc_badge_png_is(png, len) || len < 8 + 25 || memcmp(png + 12, "IHDR", 4) != 0)
    return sc_fail(err, SC_EDATA, "the badge image is not a PNG");
  size_t text = strlen(credential);
  size_t data_len = sizeof KEYWORD + 2 + 1 + 1 + text; /* keyword NUL, flag, method, 2 NULs */
  if (data_len > 0x7fffffffu)
    return sc_fail(err, SC_EDATA, "the credential is too large to bake");
  /* The new chunk goes right after IHDR; an openbadgecredential chunk already there (a badge
   * baked before) is left out, so a badge holds one credential. */
  size_t after_ihdr = 8 + 12 + 13;
  bool ok = sc_buf_append(out, png, after_ihdr);
  uint8_t head[8];
  write_be32(head, (uint32_t)data_len);
  memcpy(head + 4, "iTXt", 4);
  uint8_t *chunk = malloc(4 + data_len);
  if (!chunk)
    return sc_oom(err);
  memcpy(chunk, "iTXt", 4);
  memcpy(chunk + 4, KEYWORD, sizeof KEYWORD);
  memset(chunk + 4 + sizeof KEYWORD, 0, 4); /* flag 0, method 0, no language, no translation */
  memcpy(chunk + 4 + sizeof KEYWORD + 4, credential, text);
  uint8_t crc[4];
  write_be32(crc, (uint32_t)crc32(crc32(0L, Z_NULL, 0), chunk, (uInt)(4 + data_len)));
  ok = ok && sc_buf_append(out, head, 4) && sc_buf_append(out, chunk, 4 + data_len) &&
       sc_buf_append(out, crc, 4);
  free(chunk);
  for (size_t i = after_ihdr; ok && i + 12 <= len;) {
    uint32_t n = read_be32(png + i);
    if (n > len - i - 12)
      return sc_fail(err, SC_EDATA, "the badge image is a damaged PNG");
    bool baked = memcmp(png + i + 4, "iTXt", 4) == 0 && n >= sizeof KEYWORD &&
                 memcmp(png + i + 8, KEYWORD, sizeof KEYWORD) == 0;
    if (!baked)
      ok = sc_buf_append(out, png + i, 12 + (size_t)n);
    i += 12 + (size_t)n;
  }
  return ok ? SC_OK : sc_oom(err);
}

/* ---------------------------------------------------------------- SVG */

static const char *find(const uint8_t *data, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; len >= n && i <= len - n; i++)
    if (memcmp(data + i, needle, n) == 0)
      return (const char *)data + i;
  return NULL;
}

bool sc_badge_svg_is(const uint8_t *svg, size_t len) {
  return find(svg, len < 4096 ? len : 4096, "<svg") != NULL;
}

/* XML character data: the five predefined entities and numeric references. */
static int xml_unescape(const char *s, size_t len, sc_buf *out, sc_error *err) {
  static const struct {
    const char *entity;
    char c;
  } entities[] = {{"&quot;", '"'}, {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&apos;", '\''}};
  for (size_t i = 0; i < len;) {
    if (s[i] != '&') {
      if (!sc_buf_append_byte(out, (unsigned char)s[i++]))
        return sc_oom(err);
      continue;
    }
    size_t k = 0;
    while (k < 5 && strncmp(s + i, entities[k].entity, strlen(entities[k].entity)) != 0)
      k++;
    if (k < 5) {
      if (!sc_buf_append_byte(out, (unsigned char)entities[k].c))
        return sc_oom(err);
      i += strlen(entities[k].entity);
      continue;
    }
    if (i + 2 < len && s[i + 1] == '#') {
      char *end = NULL;
      bool hex = s[i + 2] == 'x';
      long code = strtol(s + i + (hex ? 3 : 2), &end, hex ? 16 : 10);
      if (end && *end == ';' && code > 0 && code < 0x110000) {
        char utf8[5] = {0};
        if (code < 0x80)
          utf8[0] = (char)code;
        else if (code < 0x800)
          utf8[0] = (char)(0xc0 | code >> 6), utf8[1] = (char)(0x80 | (code & 63));
        else if (code < 0x10000)
          utf8[0] = (char)(0xe0 | code >> 12), utf8[1] = (char)(0x80 | ((code >> 6) & 63)),
          utf8[2] = (char)(0x80 | (code & 63));
        else
          utf8[0] = (char)(0xf0 | code >> 18), utf8[1] = (char)(0x80 | ((code >> 12) & 63)),
          utf8[2] = (char)(0x80 | ((code >> 6) & 63)), utf8[3] = (char)(0x80 | (code & 63));
        if (!sc_buf_append_str(out, utf8))
          return sc_oom(err);
        i = (size_t)(end - s) + 1;
        continue;
      }
    }
    return sc_fail(err, SC_EDATA, "baked SVG: an unknown XML entity in the credential");
  }
  return SC_OK;
}

int sc_badge_svg_credential(const uint8_t *svg, size_t len, sc_buf *json, sc_error *err) {
  const char *open = find(svg, len, SVG_OPEN);
  if (!open)
    return sc_fail(err, SC_EDATA,
                   "SVG image without a baked credential (no <openbadges:credential> element)");
  const char *end = (const char *)svg + len;
  const char *gt = memchr(open, '>', (size_t)(end - open));
  if (!gt || gt[-1] == '/')
    return sc_fail(err, SC_EDATA, "baked SVG: the <openbadges:credential> element is empty");
  const char *body = gt + 1;
  const char *close = find((const uint8_t *)body, (size_t)(end - body), SVG_CLOSE);
  if (!close)
    return sc_fail(err, SC_EDATA, "baked SVG: <openbadges:credential> is not closed");
  while (body < close && (*body == ' ' || *body == '\n' || *body == '\r' || *body == '\t'))
    body++;
  if ((size_t)(close - body) >= 9 && memcmp(body, "<![CDATA[", 9) == 0) {
    const char *cdata_end = find((const uint8_t *)body, (size_t)(close - body), "]]>");
    if (!cdata_end)
      return sc_fail(err, SC_EDATA, "baked SVG: the credential's CDATA section is not closed");
    return sc_buf_append(json, body + 9, (size_t)(cdata_end - body - 9)) ? SC_OK : sc_oom(err);
  }
  return xml_unescape(body, (size_t)(close - body), json, err);
}

int sc_badge_svg_bake(const uint8_t *svg, size_t len, const char *credential, sc_buf *out,
                      sc_error *err) {
  const char *root = find(svg, len, "<svg");
  const char *end = (const char *)svg + len;
  const char *gt = root ? memchr(root, '>', (size_t)(end - root)) : NULL;
  if (!gt || gt[-1] == '/')
    return sc_fail(err, SC_EDATA, "the badge image is not an SVG document with content");
  if (find(svg, len, SVG_OPEN))
    return sc_fail(err, SC_EDATA, "the badge image already holds a baked credential");
  if (strstr(credential, "]]>"))
    return sc_fail(err, SC_EDATA, "the credential holds ']]>' and cannot go in a CDATA section");
  bool has_ns = find((const uint8_t *)root, (size_t)(gt - root), "xmlns:openbadges=") != NULL;
  /* The namespace on the root element, the credential as its first child. */
  bool ok = sc_buf_append(out, svg, (size_t)(gt - (const char *)svg));
  if (ok && !has_ns)
    ok = sc_buf_append_str(out, " " SVG_NS);
  ok = ok && sc_buf_append_str(out, ">\n" SVG_OPEN "><![CDATA[") &&
       sc_buf_append_str(out, credential) && sc_buf_append_str(out, "]]>" SVG_CLOSE) &&
       sc_buf_append(out, gt + 1, (size_t)(end - gt - 1));
  return ok ? SC_OK : sc_oom(err);
}
