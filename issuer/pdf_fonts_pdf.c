/* The PDF objects of the fonts a document uses: per face a Type0 font over a CIDFontType2
 * (TrueType outlines, FontFile2) or CIDFontType0 (CFF outlines, FontFile3 /OpenType), its
 * hb-subset program, widths and ToUnicode map. CIDs are glyph ids (the subset keeps them). */
#include "issuer/pdf_internal.h"

#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int compare_gid(const void *a, const void *b) {
  uint32_t x = ((const sc_glyph_text *)a)->gid, y = ((const sc_glyph_text *)b)->gid;
  return x < y ? -1 : x > y;
}

/* The CMap from glyph codes (= gids) back to the text they show; glyphs drawn only inside
 * ActualText spans have no entry. */
static HPDF_Dict to_unicode(sc_pdf_renderer *r, const sc_face *f, sc_error *err) {
  sc_glyph_text *texts = malloc((f->text_count + 1) * sizeof *texts);
  if (!texts)
    return sc_oom(err), NULL;
  size_t n = 0;
  for (size_t i = 0; i < f->text_count; i++)
    if (f->texts[i].len) {
      texts[n] = f->texts[i];
      texts[n++].gid = sc_face_code(f, f->texts[i].gid); /* the code, here */
    }
  qsort(texts, n, sizeof *texts, compare_gid); /* the same map for the same glyphs */
  sc_buf cmap = {0};
  bool ok = sc_buf_append_str(&cmap, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
                                     "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering "
                                     "(UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS "
                                     "def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
                                     "endcodespacerange\n");
  for (size_t start = 0; ok && start < n; start += 100) {
    size_t end = start + 100 < n ? start + 100 : n;
    char line[32];
    snprintf(line, sizeof line, "%zu beginbfchar\n", end - start);
    ok = sc_buf_append_str(&cmap, line);
    for (size_t i = start; ok && i < end; i++) {
      snprintf(line, sizeof line, "<%04X> <", (unsigned)texts[i].gid);
      ok = sc_buf_append_str(&cmap, line);
      for (size_t k = 0; ok && k < texts[i].len; k++)
        ok = append_utf16(&cmap, texts[i].text[k]);
      ok = ok && sc_buf_append_str(&cmap, ">\n");
    }
    ok = ok && sc_buf_append_str(&cmap, "endbfchar\n");
  }
  ok = ok && sc_buf_append_str(&cmap, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
                                      "end\nend\n");
  free(texts);
  HPDF_Dict stream = ok ? sc_pdf_flate_stream(r, cmap.data, cmap.len, true, err) : NULL;
  if (!ok)
    sc_oom(err);
  sc_buf_free(&cmap);
  return stream;
}

/* "ABCDEF+Name": the subset tag comes from the glyph set, so equal subsets get equal tags. */
static void subset_name(const sc_face *f, char *out, size_t size) {
  uint32_t hash = 2166136261u;
  for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(f->used, &g);)
    hash = (hash ^ g) * 16777619u;
  char tag[7];
  for (int i = 0; i < 6; i++, hash /= 26)
    tag[i] = (char)('A' + hash % 26);
  tag[6] = '\0';
  snprintf(out, size, "%s+%s", tag, f->ps_name);
}

static int scaled(const sc_face *f, int value) {
  return (int)((double)value * 1000.0 / f->upem + (value < 0 ? -0.5 : 0.5));
}

static HPDF_Dict descriptor(HPDF_Doc doc, const sc_face *f, const char *name, HPDF_Dict program) {
  HPDF_Dict d = HPDF_Dict_New(doc->mmgr);
  if (!d || failed(HPDF_Xref_Add(doc->xref, d)))
    return NULL;
  HPDF_Box box = {(HPDF_REAL)scaled(f, f->bbox[0]), (HPDF_REAL)scaled(f, f->bbox[1]),
                  (HPDF_REAL)scaled(f, f->bbox[2]), (HPDF_REAL)scaled(f, f->bbox[3])};
  HPDF_STATUS st = HPDF_Dict_AddName(d, "Type", "FontDescriptor");
  st |= HPDF_Dict_AddName(d, "FontName", name);
  st |= HPDF_Dict_AddNumber(d, "Flags", 4); /* symbolic: glyphs are addressed by id */
  st |= HPDF_Dict_Add(d, "FontBBox", HPDF_Box_Array_New(doc->mmgr, box));
  st |= HPDF_Dict_AddNumber(d, "ItalicAngle", 0);
  st |= HPDF_Dict_AddNumber(d, "Ascent", scaled(f, f->ascent));
  st |= HPDF_Dict_AddNumber(d, "Descent", scaled(f, f->descent));
  st |= HPDF_Dict_AddNumber(d, "CapHeight", scaled(f, f->cap_height));
  st |= HPDF_Dict_AddNumber(d, "StemV", 80);
  st |= HPDF_Dict_Add(d, f->cff ? "FontFile3" : "FontFile2", program);
  return st == HPDF_OK ? d : NULL;
}

/* /W [c [w] c' [w w ...] ...]: the widths of the glyphs used by code, consecutive ones
 * together. */
static HPDF_STATUS add_widths(HPDF_Doc doc, const sc_face *f, HPDF_Array w) {
  HPDF_STATUS st = HPDF_OK;
  HPDF_Array run = NULL;
  hb_codepoint_t last = HB_SET_VALUE_INVALID;
  for (hb_codepoint_t g = HB_SET_VALUE_INVALID; st == HPDF_OK && hb_set_next(f->used, &g);) {
    uint32_t code = sc_face_code(f, g);
    if (!run || code != last + 1) {
      if (!(run = HPDF_Array_New(doc->mmgr)))
        return HPDF_FAILD_TO_ALLOC_MEM;
      st |= HPDF_Array_AddNumber(w, (HPDF_INT32)code);
      st |= HPDF_Array_Add(w, run);
    }
    st |= HPDF_Array_AddNumber(run, sc_face_pdf_width(f, g));
    last = code;
  }
  return st;
}

static HPDF_Dict cid_font(HPDF_Doc doc, const sc_face *f, const char *name, HPDF_Dict desc) {
  HPDF_Dict cid = HPDF_Dict_New(doc->mmgr);
  HPDF_Dict info = HPDF_Dict_New(doc->mmgr);
  HPDF_Array w = HPDF_Array_New(doc->mmgr);
  if (!cid || !info || !w || failed(HPDF_Xref_Add(doc->xref, cid)))
    return NULL;
  HPDF_STATUS st = HPDF_Dict_Add(info, "Registry", HPDF_String_New(doc->mmgr, "Adobe", NULL));
  st |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(doc->mmgr, "Identity", NULL));
  st |= HPDF_Dict_AddNumber(info, "Supplement", 0);
  st |= add_widths(doc, f, w);
  st |= HPDF_Dict_AddName(cid, "Type", "Font");
  st |= HPDF_Dict_AddName(cid, "Subtype", f->cff ? "CIDFontType0" : "CIDFontType2");
  st |= HPDF_Dict_AddName(cid, "BaseFont", name);
  st |= HPDF_Dict_Add(cid, "CIDSystemInfo", info);
  st |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
  st |= HPDF_Dict_Add(cid, "W", w);
  if (!f->cff) /* a CFF font maps CIDs to glyphs itself (its charset) */
    st |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
  return st == HPDF_OK ? cid : NULL;
}

static HPDF_Dict program_stream(sc_pdf_renderer *r, sc_face *f, sc_error *err) {
  const sc_buf *program = NULL;
  if (sc_font_subset(f, &program, err) != SC_OK)
    return NULL;
  HPDF_Dict file = sc_pdf_flate_stream(r, program->data, program->len, true, err);
  if (!file)
    return NULL;
  HPDF_STATUS st = f->cff
                       ? HPDF_Dict_AddName(file, "Subtype", f->cids ? "CIDFontType0C" : "OpenType")
                       : HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)program->len);
  return failed(st) ? NULL : file;
}

static HPDF_Dict type0_font(sc_pdf_renderer *r, sc_face *f, sc_error *err) {
  HPDF_Doc doc = r->doc;
  char name[96];
  subset_name(f, name, sizeof name);
  HPDF_Dict file = program_stream(r, f, err);
  HPDF_Dict desc = NULL, cid = NULL, font_dict = NULL, cmap = NULL;
  HPDF_Array descendants = NULL; /* made last: an object added to nothing would leak */
  if (file)
    desc = descriptor(doc, f, name, file);
  if (desc)
    cid = cid_font(doc, f, name, desc);
  if (cid)
    cmap = to_unicode(r, f, err);
  if (cmap && (font_dict = HPDF_Dict_New(doc->mmgr)) &&
      !failed(HPDF_Xref_Add(doc->xref, font_dict)) && (descendants = HPDF_Array_New(doc->mmgr))) {
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
  if (!err || err->code == SC_OK) /* else the step that failed said why */
    sc_fail(err, SC_ESOFTWARE, "cannot write font %s into the PDF: out of memory", f->ps_name);
  return NULL;
}

int sc_fonts_finish(sc_pdf_renderer *r, HPDF_Page page, sc_error *err) {
  HPDF_Dict resources = HPDF_Page_GetInheritableItem(page, "Resources", HPDF_OCLASS_DICT);
  HPDF_Dict fonts = HPDF_Dict_New(r->doc->mmgr);
  if (!resources || !fonts || failed(HPDF_Dict_Add(resources, "Font", fonts)))
    return sc_fail(err, SC_ESOFTWARE, "cannot add fonts to the page: out of memory");
  for (size_t i = 0; i < r->face_count; i++) {
    if (hb_set_is_empty(r->faces[i]->used))
      continue;
    HPDF_Dict font = type0_font(r, r->faces[i], err);
    char key[12];
    sc_font_resource((int)i, key);
    if (!font)
      return err ? err->code : SC_ESOFTWARE; /* NULL comes with err set */
    if (failed(HPDF_Dict_Add(fonts, key, font)))
      return sc_fail(err, SC_ESOFTWARE, "cannot add fonts to the page: out of memory");
  }
  return SC_OK;
}
