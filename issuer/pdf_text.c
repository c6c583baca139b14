/* One line of text: bidi reordering and Arabic shaping (FriBidi), a font for every character,
 * widths, and the content-stream operators that draw it. */
#include "issuer/pdf_internal.h"

#include <fribidi.h>
#include <hpdf_pages.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* A glyph to draw, in visual order. */
typedef struct shaped_glyph {
  int font;
  uint16_t gid; /* in the font file */
  uint32_t cp;  /* what was drawn (a presentation form for Arabic) */
} shaped_glyph;

typedef struct shaped_line {
  shaped_glyph *glyphs;
  size_t count;
  bool reordered; /* visual order or characters differ from the logical text */
} shaped_line;

/* Characters that steer layout but have no glyph of their own. */
static bool is_layout_control(uint32_t cp) {
  return cp == 0xFEFF || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069);
}

static bool is_arabic_presentation(uint32_t cp) {
  return (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF);
}

static bool needs_bidi(const FriBidiChar *text, FriBidiStrIndex n) {
  for (FriBidiStrIndex i = 0; i < n; i++) {
    FriBidiCharType type = fribidi_get_bidi_type(text[i]);
    if (FRIBIDI_IS_RTL(type) || FRIBIDI_IS_ARABIC(type) || is_layout_control(text[i]))
      return true;
  }
  return false;
}

/* UTF-8 to code points in visual order, Arabic letters in their contextual forms. */
static FriBidiChar *visual_order(const char *text, FriBidiStrIndex *n, bool *reordered) {
  size_t len = strlen(text);
  FriBidiChar *logical = malloc((len + 1) * sizeof *logical);
  FriBidiChar *visual = malloc((len + 1) * sizeof *visual);
  if (!logical || !visual) {
    free(logical);
    free(visual);
    return NULL;
  }
  *n = fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text, (FriBidiStrIndex)len, logical);
  *reordered = needs_bidi(logical, *n);
  FriBidiParType base = FRIBIDI_PAR_ON;
  if (!*reordered || !fribidi_log2vis(logical, *n, &base, visual, NULL, NULL, NULL)) {
    free(visual);
    return logical;
  }
  free(logical);
  return visual;
}

static int shape(sc_pdf_renderer *r, const char *text, int family, bool bold, const char *field,
                 shaped_line *line, sc_error *err) {
  FriBidiStrIndex n = 0;
  memset(line, 0, sizeof *line);
  FriBidiChar *visual = visual_order(text, &n, &line->reordered);
  if (!visual || !(line->glyphs = malloc(((size_t)n + 1) * sizeof *line->glyphs))) {
    free(visual);
    return sc_oom(err);
  }
  for (FriBidiStrIndex i = 0; i < n; i++) {
    uint32_t cp = visual[i];
    if (is_layout_control(cp))
      continue;
    int font = cp >= 0x20 && (cp < 0x7F || cp > 0x9F) ? sc_font_pick(r, family, bold, cp) : -1;
    if (font < 0) {
      free(visual);
      free(line->glyphs);
      line->glyphs = NULL;
      return sc_fail(err, SC_EDATA, "%s: cannot draw U+%04X (no font has it)", field, cp);
    }
    line->glyphs[line->count++] = (shaped_glyph){font, sc_ttf_glyph(&r->fonts[font], cp), cp};
  }
  free(visual);
  return SC_OK;
}

int sc_pdf_check_text(sc_pdf_renderer *renderer, const char *text, const char *field,
                      sc_error *err) {
  /* Text that is not UTF-8 or holds control characters is refused as such, not as code points
   * no font has (which a misread byte sequence would give). */
  int rc = sc_text_check(text, field, 0, err);
  if (rc != SC_OK)
    return rc;
  shaped_line line;
  /* Sans regular's chain (DejaVu Sans, then Droid) is part of every family's chain. */
  rc = shape(renderer, text, 0, false, field, &line, err);
  free(line.glyphs);
  return rc;
}

int sc_text_width(sc_pdf_renderer *r, const char *text, const sc_text_style *style, float *width,
                  sc_error *err) {
  shaped_line line;
  int rc = shape(r, text, style->family, style->bold, "text", &line, err);
  double units = 0;
  for (size_t i = 0; rc == SC_OK && i < line.count; i++) {
    const sc_ttf *font = &r->fonts[line.glyphs[i].font];
    units += (double)sc_ttf_advance(font, line.glyphs[i].gid) / font->units_per_em;
  }
  free(line.glyphs);
  *width = (float)(units * style->size);
  return rc;
}

/* What the glyph stands for (its ToUnicode entry). Arabic presentation forms map back to
 * their letters (NFKC). The page holds RTL text in visual order, and extractors such as
 * pdftotext reverse RTL runs character by character, so a ligature's letters (lam-alef) are
 * listed in visual order too. */
static size_t glyph_text(uint32_t cp, uint32_t out[4]) {
  out[0] = cp;
  if (!is_arabic_presentation(cp))
    return 1;
  utf8proc_uint8_t utf8[8] = {0};
  if (utf8proc_encode_char((utf8proc_int32_t)cp, utf8) <= 0)
    return 1;
  utf8proc_uint8_t *nfkc = utf8proc_NFKC(utf8);
  size_t n = 0;
  for (utf8proc_ssize_t at = 0, step; nfkc && nfkc[at] && n < 4; at += step) {
    utf8proc_int32_t c;
    step = utf8proc_iterate(nfkc + at, -1, &c);
    if (step <= 0)
      break;
    out[n++] = (uint32_t)c;
  }
  free(nfkc);
  for (size_t i = 0; i < n / 2; i++) {
    uint32_t t = out[i];
    out[i] = out[n - 1 - i];
    out[n - 1 - i] = t;
  }
  return n ? n : (out[0] = cp, 1);
}

static bool put(HPDF_Stream stream, const char *text) {
  return HPDF_Stream_WriteStr(stream, text) == HPDF_OK;
}

static int draw_runs(sc_pdf_renderer *r, HPDF_Stream stream, const shaped_line *line,
                     const sc_text_style *style, sc_error *err) {
  int current = -1;
  char buf[64];
  for (size_t i = 0; i < line->count; i++) {
    const shaped_glyph *g = &line->glyphs[i];
    if (g->font != current) {
      char key[8];
      sc_font_resource(g->font, key);
      snprintf(buf, sizeof buf, "%s/%s %.2f Tf <", current < 0 ? "" : "> Tj\n", key, style->size);
      if (!put(stream, buf))
        return sc_oom(err);
      current = g->font;
    }
    uint32_t text[4];
    size_t text_len = glyph_text(g->cp, text);
    uint16_t code;
    int rc = sc_font_use_glyph(r, g->font, g->gid, text, text_len, &code, err);
    if (rc != SC_OK)
      return rc;
    snprintf(buf, sizeof buf, "%04X", code);
    if (!put(stream, buf))
      return sc_oom(err);
  }
  return current < 0 || put(stream, "> Tj\n") ? SC_OK : sc_oom(err);
}

int sc_text_draw(sc_pdf_renderer *r, HPDF_Page page, const char *text, const sc_text_style *style,
                 float x, float y, sc_error *err) {
  shaped_line line;
  int rc = shape(r, text, style->family, style->bold, "text", &line, err);
  if (rc != SC_OK || line.count == 0) {
    free(line.glyphs);
    return rc;
  }
  HPDF_Stream stream = ((HPDF_PageAttr)page->attr)->stream;
  char buf[160];
  snprintf(buf, sizeof buf, "q %.3f %.3f %.3f rg\n", style->color.r, style->color.g,
           style->color.b);
  bool ok = put(stream, buf);
  snprintf(buf, sizeof buf, "BT %.2f %.2f Td\n", x, y);
  ok = ok && put(stream, buf);
  rc = ok ? draw_runs(r, stream, &line, style, err) : sc_oom(err);
  if (rc == SC_OK && !(put(stream, "ET\n") && put(stream, "Q\n")))
    rc = sc_oom(err);
  free(line.glyphs);
  return rc;
}
