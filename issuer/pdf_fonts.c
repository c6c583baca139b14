/* The renderer's fonts: which font draws a character, which glyphs a document uses, and the
 * Type0 / CIDFontType2 / FontFile2 / ToUnicode objects written for them. */
#include "issuer/pdf_internal.h"

#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One entry per font slot; the fallback chains in sc_font_pick decide who draws what. */
static const char *const font_files[SC_FONT_COUNT] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
};

int sc_pdf_fonts_load(sc_pdf_renderer *r, sc_error *err);
void sc_pdf_fonts_free(sc_pdf_renderer *r);

int sc_pdf_fonts_load(sc_pdf_renderer *r, sc_error *err) {
  for (int i = 0; i < SC_FONT_COUNT; i++) {
    int rc = sc_ttf_load(font_files[i], &r->fonts[i], err);
    if (rc != SC_OK)
      return rc;
    r->use[i].map = calloc(r->fonts[i].num_glyphs, sizeof *r->use[i].map);
    r->use[i].glyphs = calloc(16, sizeof *r->use[i].glyphs);
    if (!r->use[i].map || !r->use[i].glyphs)
      return sc_oom(err);
    r->use[i].cap = 16;
    r->use[i].count = 1; /* .notdef */
  }
  return SC_OK;
}

void sc_pdf_fonts_free(sc_pdf_renderer *r) {
  for (int i = 0; i < SC_FONT_COUNT; i++) {
    sc_ttf_free(&r->fonts[i]);
    free(r->use[i].map);
    free(r->use[i].glyphs);
    memset(&r->use[i], 0, sizeof r->use[i]);
  }
}

int sc_font_pick(const sc_pdf_renderer *r, int family, bool bold, uint32_t cp) {
  int chain[4], n = 0;
  if (family == 1)
    chain[n++] = bold ? SC_FONT_SERIF_BOLD : SC_FONT_SERIF;
  chain[n++] = bold ? SC_FONT_SANS_BOLD : SC_FONT_SANS;
  chain[n++] = SC_FONT_CJK;
  chain[n++] = SC_FONT_HANGUL;
  for (int i = 0; i < n; i++)
    if (sc_ttf_glyph(&r->fonts[chain[i]], cp))
      return chain[i];
  return -1;
}

static int add_glyph(sc_font_use *use, uint16_t gid, const uint32_t *text, size_t text_len,
                     sc_error *err) {
  if (use->count == use->cap) {
    sc_glyph_use *grown = realloc(use->glyphs, 2 * use->cap * sizeof *grown);
    if (!grown)
      return sc_oom(err);
    use->glyphs = grown;
    use->cap *= 2;
  }
  sc_glyph_use *g = &use->glyphs[use->count];
  memset(g, 0, sizeof *g);
  g->orig = gid;
  g->text_len = (uint8_t)(text_len < 4 ? text_len : 4);
  memcpy(g->text, text, g->text_len * sizeof *text);
  use->map[gid] = (uint16_t)use->count++;
  return SC_OK;
}

/* Dates and credential ids differ from one certificate to the next only in their digits.
 * With all of 0-9 and a-f added the first time a font draws a digit, in this order, that
 * font's subset is the same in every certificate of a batch, so its compressed program is
 * reused (pdf_flate.c) instead of compressed again; it costs the few of these glyphs a page
 * would not have drawn anyway. */
static int add_digits(sc_pdf_renderer *r, int font, sc_error *err) {
  static const char digits[] = "0123456789abcdef";
  sc_font_use *use = &r->use[font];
  use->digits_added = true;
  for (const char *c = digits; *c; c++) {
    uint32_t cp = (uint32_t)*c;
    uint16_t gid = sc_ttf_glyph(&r->fonts[font], cp);
    int rc = gid && !use->map[gid] ? add_glyph(use, gid, &cp, 1, err) : SC_OK;
    if (rc != SC_OK)
      return rc;
  }
  return SC_OK;
}

int sc_font_use_glyph(sc_pdf_renderer *r, int font, uint16_t gid, const uint32_t *text,
                      size_t text_len, uint16_t *new_gid, sc_error *err) {
  sc_font_use *use = &r->use[font];
  bool digit = text_len == 1 && text[0] >= '0' && text[0] <= '9';
  int rc = digit && !use->digits_added ? add_digits(r, font, err) : SC_OK;
  if (rc == SC_OK && !use->map[gid])
    rc = add_glyph(use, gid, text, text_len, err);
  *new_gid = use->map[gid];
  return rc;
}

void sc_font_use_reset(sc_pdf_renderer *r) {
  for (int i = 0; i < SC_FONT_COUNT; i++) {
    sc_font_use *use = &r->use[i];
    for (size_t k = 1; k < use->count; k++)
      use->map[use->glyphs[k].orig] = 0;
    use->count = 1;
    use->digits_added = false;
  }
}

void sc_font_resource(int font, char out[8]) {
  snprintf(out, 8, "SC%d", font);
}

/* ---------------------------------------------------------------- PDF objects */

static bool failed(HPDF_STATUS status) {
  return status != HPDF_OK;
}

static bool append_utf16(sc_buf *out, uint32_t cp) {
  char hex[12];
  if (cp >= 0x10000) {
    cp -= 0x10000;
    snprintf(hex, sizeof hex, "%04X%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
  } else {
    snprintf(hex, sizeof hex, "%04X", cp);
  }
  return sc_buf_append_str(out, hex);
}

/* The CMap from glyph codes (= new gids) back to the text they show. */
static HPDF_Dict to_unicode(sc_pdf_renderer *r, const sc_font_use *use, sc_error *err) {
  sc_buf cmap = {0};
  bool ok = sc_buf_append_str(&cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
                                     "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering "
                                     "(UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS "
                                     "def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
                                     "endcodespacerange\n");
  for (size_t start = 1; ok && start < use->count; start += 100) {
    size_t end = start + 100 < use->count ? start + 100 : use->count;
    char line[32];
    snprintf(line, sizeof line, "%zu beginbfchar\n", end - start);
    ok = sc_buf_append_str(&cmap, line);
    for (size_t i = start; ok && i < end; i++) {
      snprintf(line, sizeof line, "<%04zX> <", i);
      ok = sc_buf_append_str(&cmap, line);
      for (size_t k = 0; ok && k < use->glyphs[i].text_len; k++)
        ok = append_utf16(&cmap, use->glyphs[i].text[k]);
      ok = ok && sc_buf_append_str(&cmap, ">\n");
    }
    ok = ok && sc_buf_append_str(&cmap, "endbfchar\n");
  }
  ok = ok && sc_buf_append_str(&cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
                                      "end\nend\n");
  HPDF_Dict stream = ok ? sc_pdf_flate_stream(r, cmap.data, cmap.len, true, err) : NULL;
  if (!ok)
    sc_oom(err);
  sc_buf_free(&cmap);
  return stream;
}

/* "ABCDEF+Name": the subset tag comes from the glyph list, so equal subsets get equal tags. */
static void subset_name(const sc_ttf *font, const uint16_t *glyphs, size_t count, char *out,
                        size_t size) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < count; i++)
    hash = (hash ^ glyphs[i]) * 16777619u;
  char tag[7];
  for (int i = 0; i < 6; i++, hash /= 26)
    tag[i] = (char)('A' + hash % 26);
  tag[6] = '\0';
  snprintf(out, size, "%s+%s", tag, font->name);
}

static int scaled(const sc_ttf *font, int value) {
  return (int)((double)value * 1000.0 / font->units_per_em + (value < 0 ? -0.5 : 0.5));
}

static HPDF_Dict descriptor(HPDF_Doc doc, const sc_ttf *font, const char *name, HPDF_Dict program) {
  HPDF_Dict d = HPDF_Dict_New(doc->mmgr);
  if (!d || failed(HPDF_Xref_Add(doc->xref, d)))
    return NULL;
  HPDF_Box box = {(HPDF_REAL)scaled(font, font->bbox[0]), (HPDF_REAL)scaled(font, font->bbox[1]),
                  (HPDF_REAL)scaled(font, font->bbox[2]), (HPDF_REAL)scaled(font, font->bbox[3])};
  HPDF_STATUS st = HPDF_Dict_AddName(d, "Type", "FontDescriptor");
  st |= HPDF_Dict_AddName(d, "FontName", name);
  st |= HPDF_Dict_AddNumber(d, "Flags", 4); /* symbolic: glyphs are addressed by id */
  st |= HPDF_Dict_Add(d, "FontBBox", HPDF_Box_Array_New(doc->mmgr, box));
  st |= HPDF_Dict_AddNumber(d, "ItalicAngle", 0);
  st |= HPDF_Dict_AddNumber(d, "Ascent", scaled(font, font->ascent));
  st |= HPDF_Dict_AddNumber(d, "Descent", scaled(font, font->descent));
  st |= HPDF_Dict_AddNumber(d, "CapHeight", scaled(font, font->cap_height));
  st |= HPDF_Dict_AddNumber(d, "StemV", 80);
  st |= HPDF_Dict_Add(d, "FontFile2", program);
  return st == HPDF_OK ? d : NULL;
}

static HPDF_Dict cid_font(HPDF_Doc doc, const sc_ttf *font, const sc_font_use *use,
                          const char *name, HPDF_Dict desc) {
  HPDF_Dict cid = HPDF_Dict_New(doc->mmgr);
  HPDF_Dict info = HPDF_Dict_New(doc->mmgr);
  HPDF_Array w = HPDF_Array_New(doc->mmgr), widths = HPDF_Array_New(doc->mmgr);
  if (!cid || !info || !w || !widths || failed(HPDF_Xref_Add(doc->xref, cid)))
    return NULL;
  HPDF_STATUS st = HPDF_Dict_Add(info, "Registry", HPDF_String_New(doc->mmgr, "Adobe", NULL));
  st |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(doc->mmgr, "Identity", NULL));
  st |= HPDF_Dict_AddNumber(info, "Supplement", 0);
  st |= HPDF_Array_AddNumber(w, 0);
  st |= HPDF_Array_Add(w, widths);
  for (size_t i = 0; i < use->count; i++)
    st |= HPDF_Array_AddNumber(widths, scaled(font, sc_ttf_advance(font, use->glyphs[i].orig)));
  st |= HPDF_Dict_AddName(cid, "Type", "Font");
  st |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
  st |= HPDF_Dict_AddName(cid, "BaseFont", name);
  st |= HPDF_Dict_Add(cid, "CIDSystemInfo", info);
  st |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
  st |= HPDF_Dict_Add(cid, "W", w);
  st |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
  return st == HPDF_OK ? cid : NULL;
}

static HPDF_Dict type0_font(sc_pdf_renderer *r, int index, sc_error *err) {
  HPDF_Doc doc = r->doc;
  const sc_ttf *font = &r->fonts[index];
  const sc_font_use *use = &r->use[index];
  uint16_t *glyphs = calloc(font->num_glyphs, sizeof *glyphs);
  if (!glyphs)
    return sc_oom(err), NULL;
  size_t count = use->count;
  for (size_t i = 0; i < count; i++)
    glyphs[i] = use->glyphs[i].orig;
  char name[96];
  subset_name(font, glyphs, count, name, sizeof name);
  sc_buf program = {0};
  int rc = sc_ttf_subset(font, glyphs, &count, &program, err);
  free(glyphs);
  HPDF_Dict file =
      rc == SC_OK ? sc_pdf_flate_stream(r, program.data, program.len, true, err) : NULL;
  HPDF_Dict desc = NULL, cid = NULL, font_dict = NULL, cmap = NULL;
  HPDF_Array descendants = NULL; /* made last: an object added to nothing would leak */
  if (file && !failed(HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)program.len)))
    desc = descriptor(doc, font, name, file);
  if (desc)
    cid = cid_font(doc, font, use, name, desc);
  if (cid)
    cmap = to_unicode(r, use, err);
  sc_buf_free(&program);
  if (rc != SC_OK)
    return NULL;
  if (cmap && (font_dict = HPDF_Dict_New(doc->mmgr)) &&
      !failed(HPDF_Xref_Add(doc->xref, font_dict)) &&
      (descendants = HPDF_Array_New(doc->mmgr))) {
    HPDF_STATUS st = HPDF_Dict_AddName(font_dict, "Type", "Font");
    st |= HPDF_Dict_AddName(font_dict, "Subtype", "Type0");
    st |= HPDF_Dict_AddName(font_dict, "BaseFont", name);
    st |= HPDF_Dict_AddName(font_dict, "Encoding", "Identity-H");
    st |= HPDF_Array_Add(descendants, cid);
    st |= HPDF_Dict_Add(font_dict, "DescendantFonts", descendants);
    st |= HPDF_Dict_Add(font_dict, "ToUnicode", cmap);
    if (st == HPDF_OK)
      return font_dict;
  }
  if (!err || err->code == SC_OK) /* else to_unicode said why (out of memory) */
    sc_fail(err, SC_ESOFTWARE, "cannot write font %s into the PDF: out of memory",
            font->name);
  return NULL;
}

int sc_fonts_finish(sc_pdf_renderer *r, HPDF_Page page, sc_error *err) {
  HPDF_Dict resources = HPDF_Page_GetInheritableItem(page, "Resources", HPDF_OCLASS_DICT);
  HPDF_Dict fonts = HPDF_Dict_New(r->doc->mmgr);
  if (!resources || !fonts || failed(HPDF_Dict_Add(resources, "Font", fonts)))
    return sc_fail(err, SC_ESOFTWARE, "cannot add fonts to the page: out of memory");
  for (int i = 0; i < SC_FONT_COUNT; i++) {
    if (r->use[i].count <= 1)
      continue;
    HPDF_Dict font = type0_font(r, i, err);
    char key[8];
    sc_font_resource(i, key);
    if (!font)
      return err ? err->code : SC_ESOFTWARE; /* NULL comes with err set */
    if (failed(HPDF_Dict_Add(fonts, key, font)))
      return sc_fail(err, SC_ESOFTWARE, "cannot add fonts to the page: out of memory");
  }
  return SC_OK;
}
