/* The renderer's font files (HarfBuzz faces, loaded once) and which of their glyphs the
 * current document draws, with the text each stands for. */
#include "issuer/pdf_internal.h"

#include <hb-ot.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sc_pdf_fonts_load(sc_pdf_renderer *r, sc_error *err);
void sc_pdf_fonts_free(sc_pdf_renderer *r);

int sc_pdf_fonts_load(sc_pdf_renderer *r, sc_error *err) {
  for (int i = 0; i < SC_SLOT_COUNT; i++)
    r->brand[i] = -1;
  r->buffer = hb_buffer_create();
  if (!hb_buffer_allocation_successful(r->buffer))
    return sc_oom(err);
  return sc_font_chains_load(r->chains, &r->fontconfig_held, err);
}

static void face_free(sc_face *f) {
  if (!f)
    return;
  hb_font_destroy(f->font);
  hb_face_destroy(f->face);
  hb_set_destroy(f->used);
  hb_set_destroy(f->subset_glyphs);
  hb_map_destroy(f->text_of);
  free(f->texts);
  free(f->cids);
  sc_buf_free(&f->subset);
  free(f->path);
  free(f);
}

void sc_pdf_fonts_free(sc_pdf_renderer *r) {
  for (size_t i = 0; i < r->face_count; i++)
    face_free(r->faces[i]);
  free(r->faces);
  r->faces = NULL;
  r->face_count = r->face_cap = 0;
  sc_font_chains_free(r->chains, &r->fontconfig_held);
  hb_buffer_destroy(r->buffer);
  r->buffer = NULL;
}

static bool has_table(hb_face_t *face, hb_tag_t tag) {
  hb_blob_t *blob = hb_face_reference_table(face, tag);
  bool has = hb_blob_get_length(blob) > 0;
  hb_blob_destroy(blob);
  return has;
}

static int16_t be16(const char *p) {
  return (int16_t)(((unsigned)(unsigned char)p[0] << 8) | (unsigned char)p[1]);
}

/* The head table's bounding box of all glyphs, and the metrics the font descriptor wants. */
static void read_metrics(sc_face *f) {
  hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
  unsigned len = 0;
  const char *data = hb_blob_get_data(head, &len);
  for (int i = 0; i < 4; i++)
    f->bbox[i] = len >= 44 ? be16(data + 36 + 2 * i) : (i < 2 ? 0 : (int)f->upem);
  hb_blob_destroy(head);
  hb_position_t v;
  f->ascent = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)
                  ? v
                  : f->bbox[3];
  f->descent = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)
                   ? v
                   : f->bbox[1];
  f->cap_height =
      hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v) ? v : f->ascent;
}

/* The PostScript name, made safe for a PDF name ("Font" when the font has none). */
static void read_name(sc_face *f) {
  unsigned size = sizeof f->ps_name;
  hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &size,
                      f->ps_name);
  size_t out = 0;
  for (const char *c = f->ps_name; *c; c++)
    if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
        *c == '-' || *c == '_')
      f->ps_name[out++] = *c;
  f->ps_name[out] = '\0';
  if (!out)
    snprintf(f->ps_name, sizeof f->ps_name, "Font");
}

static int face_open(const char *path, unsigned index, sc_face **out, sc_error *err) {
  sc_face *f = calloc(1, sizeof *f);
  if (!f || !(f->path = strdup(path)))
    return free(f), sc_oom(err);
  f->index = index;
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
  if (!blob) {
    face_free(f);
    return sc_fail(err, SC_EDATA, "font %s: cannot read it", path);
  }
  f->face = hb_face_create(blob, index);
  hb_blob_destroy(blob);
  f->glyph_count = hb_face_get_glyph_count(f->face);
  f->upem = hb_face_get_upem(f->face);
  f->cff = has_table(f->face, HB_TAG('C', 'F', 'F', ' '));
  if (!f->glyph_count || (!f->cff && !has_table(f->face, HB_TAG('g', 'l', 'y', 'f')))) {
    face_free(f);
    return sc_fail(err, SC_EDATA,
                   "font %s: not a TrueType or OpenType font with TrueType or CFF outlines", path);
  }
  if (f->cff)
    f->cids = sc_cff_cids(f->face, f->glyph_count);
  f->font = hb_font_create(f->face);
  hb_font_set_scale(f->font, (int)f->upem, (int)f->upem);
  f->used = hb_set_create();
  f->subset_glyphs = hb_set_create();
  f->text_of = hb_map_create();
  if (!hb_set_allocation_successful(f->used) || !hb_map_allocation_successful(f->text_of) ||
      !hb_set_allocation_successful(f->subset_glyphs)) {
    face_free(f);
    return sc_oom(err);
  }
  read_metrics(f);
  read_name(f);
  *out = f;
  return SC_OK;
}

int sc_font_face_of_file(sc_pdf_renderer *r, const char *path, unsigned index, int *face,
                         sc_error *err) {
  for (size_t i = 0; i < r->face_count; i++)
    if (r->faces[i]->index == index && strcmp(r->faces[i]->path, path) == 0)
      return *face = (int)i, SC_OK;
  if (r->face_count == r->face_cap) {
    size_t cap = r->face_cap ? 2 * r->face_cap : 8;
    sc_face **grown = realloc(r->faces, cap * sizeof *grown);
    if (!grown)
      return sc_oom(err);
    r->faces = grown;
    r->face_cap = cap;
  }
  sc_face *f = NULL;
  int rc = face_open(path, index, &f, err);
  if (rc != SC_OK)
    return rc;
  r->faces[r->face_count] = f;
  *face = (int)r->face_count++;
  return SC_OK;
}

static int add_glyph(sc_face *f, uint32_t gid, const uint32_t *text, size_t len, sc_error *err) {
  if (f->text_count == f->text_cap) {
    size_t cap = f->text_cap ? 2 * f->text_cap : 32;
    sc_glyph_text *grown = realloc(f->texts, cap * sizeof *grown);
    if (!grown)
      return sc_oom(err);
    f->texts = grown;
    f->text_cap = cap;
  }
  sc_glyph_text *g = &f->texts[f->text_count];
  memset(g, 0, sizeof *g);
  g->gid = gid;
  g->len = (uint8_t)(len < 6 ? len : 6);
  if (g->len)
    memcpy(g->text, text, g->len * sizeof *text);
  hb_set_add(f->used, gid);
  hb_map_set(f->text_of, gid, (unsigned)f->text_count++);
  return hb_map_allocation_successful(f->text_of) && hb_set_allocation_successful(f->used)
             ? SC_OK
             : sc_oom(err);
}

/* Dates and credential ids differ from one certificate to the next only in their digits.
 * With all of 0-9 and a-f added the first time a font draws a digit, a font that draws
 * only such text has the same subset in every certificate of a batch, so its program is
 * reused (pdf_subset.c, pdf_flate.c) instead of made again. */
static int add_digits(sc_face *f, sc_error *err) {
  static const char digits[] = "0123456789abcdef";
  f->digits_added = true;
  for (const char *c = digits; *c; c++) {
    uint32_t cp = (uint32_t)*c;
    hb_codepoint_t gid;
    int rc = hb_font_get_nominal_glyph(f->font, cp, &gid) && !hb_set_has(f->used, gid)
                 ? add_glyph(f, gid, &cp, 1, err)
                 : SC_OK;
    if (rc != SC_OK)
      return rc;
  }
  return SC_OK;
}

int sc_font_use_glyph(sc_pdf_renderer *r, int face, uint32_t gid, const uint32_t *text, size_t len,
                      const sc_glyph_text **mapped, sc_error *err) {
  sc_face *f = r->faces[face];
  bool digit = len == 1 && text[0] >= '0' && text[0] <= '9';
  int rc = digit && !f->digits_added ? add_digits(f, err) : SC_OK;
  if (rc == SC_OK && !hb_set_has(f->used, gid))
    rc = add_glyph(f, gid, text, len, err);
  if (rc != SC_OK)
    return rc;
  sc_glyph_text *g = &f->texts[hb_map_get(f->text_of, gid)];
  if (g->len == 0 && len > 0) { /* first drawn inside a span, now on its own */
    g->len = (uint8_t)(len < 6 ? len : 6);
    memcpy(g->text, text, g->len * sizeof *text);
  }
  *mapped = g;
  return SC_OK;
}

void sc_font_use_reset(sc_pdf_renderer *r) {
  for (size_t i = 0; i < r->face_count; i++) {
    sc_face *f = r->faces[i];
    hb_set_clear(f->used);
    hb_map_clear(f->text_of);
    f->text_count = 0;
    f->digits_added = false;
  }
}

void sc_font_resource(int face, char out[12]) {
  snprintf(out, 12, "SC%d", face);
}

int sc_face_pdf_width(const sc_face *f, uint32_t gid) {
  hb_position_t advance = hb_font_get_glyph_h_advance(f->font, gid);
  return (int)((double)advance * 1000.0 / f->upem + (advance < 0 ? -0.5 : 0.5));
}

int sc_fonts_for_template(sc_pdf_renderer *r, const sc_template *tpl, sc_error *err) {
  bool changed = false;
  for (int slot = 0; slot < SC_SLOT_COUNT; slot++) {
    int before = r->brand[slot];
    r->brand[slot] = -1;
    const char *file = tpl ? tpl->font_files[slot] : NULL;
    int rc = file ? sc_font_face_of_file(r, file, 0, &r->brand[slot], err) : SC_OK;
    if (rc != SC_OK)
      return rc;
    changed = changed || r->brand[slot] != before;
  }
  if (changed) /* widths measured in another template's fonts */
    sc_width_cache_free(r);
  return SC_OK;
}

int sc_font_file_check(const char *path, sc_error *err) {
  sc_face *f = NULL;
  int rc = face_open(path, 0, &f, err);
  face_free(f);
  return rc;
}
