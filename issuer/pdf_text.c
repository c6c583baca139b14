/* One line of text: a font for every character, runs of one font, direction and script, the
 * order of the runs on the line (FriBidi), each run shaped by HarfBuzz; widths. Drawing the
 * shaped line is pdf_text_draw.c. */
#include "issuer/pdf_internal.h"

#include <utf8proc.h>

#include <fribidi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sc_line_free(sc_shaped_line *line) {
  free(line->text);
  free(line->levels);
  free(line->faces);
  free(line->runs);
  free(line->glyphs);
  memset(line, 0, sizeof *line);
}

/* Characters that steer layout and show nothing (HarfBuzz removes them): they need no font. */
bool sc_is_ignorable(uint32_t cp) {
  return cp == 0xFEFF || cp == 0x00AD || cp == 0x034F || cp == 0x061C ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2069) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static bool is_rtl_or_control(uint32_t cp) {
  FriBidiCharType type = fribidi_get_bidi_type(cp);
  return FRIBIDI_IS_RTL(type) || FRIBIDI_IS_ARABIC(type) || sc_is_ignorable(cp);
}

/* Embedding levels (all 0 for text with nothing right-to-left in it, the usual case). */
static bool bidi_levels(sc_shaped_line *line) {
  FriBidiStrIndex n = line->length;
  bool bidi = false;
  for (FriBidiStrIndex i = 0; i < n && !bidi; i++)
    bidi = is_rtl_or_control(line->text[i]);
  if (!bidi)
    return true;
  FriBidiCharType *types = malloc((size_t)n * sizeof *types);
  FriBidiBracketType *brackets = malloc((size_t)n * sizeof *brackets);
  bool ok = types && brackets;
  if (ok) {
    fribidi_get_bidi_types(line->text, n, types);
    fribidi_get_bracket_types(line->text, n, types, brackets);
    FriBidiParType base = FRIBIDI_PAR_ON;
    ok = fribidi_get_par_embedding_levels_ex(types, brackets, n, &base, line->levels) != 0;
  }
  free(types);
  free(brackets);
  return ok;
}

static bool is_common(hb_unicode_funcs_t *u, uint32_t cp) {
  hb_script_t script = hb_unicode_script(u, cp);
  return script == HB_SCRIPT_COMMON || script == HB_SCRIPT_INHERITED || script == HB_SCRIPT_UNKNOWN;
}

/* A face for every code point: marks, spaces and punctuation stay with the face before them
 * when it has them; ignorables take their neighbour's. */
static int pick_faces(sc_pdf_renderer *r, sc_shaped_line *line, int slot, const char *field,
                      sc_error *err) {
  hb_unicode_funcs_t *u = hb_unicode_funcs_get_default();
  int last = -1;
  for (FriBidiStrIndex i = 0; i < line->length; i++) {
    uint32_t cp = line->text[i];
    line->faces[i] = -1;
    if (sc_is_ignorable(cp))
      continue;
    int face = cp >= 0x20 && (cp < 0x7F || cp > 0x9F)
                   ? sc_font_pick(r, slot, cp, is_common(u, cp) ? last : -1)
                   : -1;
    if (face < 0)
      return sc_fail(err, SC_EDATA, "%s: cannot draw U+%04X (no font has it)", field, cp);
    line->faces[i] = last = face;
  }
  for (FriBidiStrIndex i = 0, next = -1; i < line->length; i++) {
    if (line->faces[i] >= 0)
      continue;
    for (FriBidiStrIndex k = i; next < 0 && k < line->length; k++)
      next = line->faces[k];
    line->faces[i] = i > 0 && line->faces[i - 1] >= 0 ? line->faces[i - 1] : next;
    next = -1;
  }
  return SC_OK;
}

/* Runs of one face, level and script, in logical order. */
static bool split_runs(sc_shaped_line *line) {
  hb_unicode_funcs_t *u = hb_unicode_funcs_get_default();
  line->runs = malloc(((size_t)line->length + 1) * sizeof *line->runs);
  if (!line->runs)
    return false;
  hb_script_t script = HB_SCRIPT_INVALID;
  for (FriBidiStrIndex i = 0; i < line->length; i++) {
    if (line->faces[i] < 0)
      continue; /* only ignorables: nothing to draw */
    hb_script_t s =
        is_common(u, line->text[i]) ? HB_SCRIPT_INVALID : hb_unicode_script(u, line->text[i]);
    sc_text_run *last = line->run_count ? &line->runs[line->run_count - 1] : NULL;
    if (last && last->face == line->faces[i] && last->level == line->levels[i] &&
        (s == HB_SCRIPT_INVALID || script == HB_SCRIPT_INVALID || s == script)) {
      last->len++;
      if (s != HB_SCRIPT_INVALID)
        script = s;
      continue;
    }
    line->runs[line->run_count++] = (sc_text_run){(size_t)i, 1, line->faces[i], line->levels[i]};
    script = s;
  }
  return true;
}

/* The runs' visual order (rule L2 of the bidi algorithm, runs being of one level). */
static void reorder_runs(size_t *order, const sc_text_run *runs, size_t n) {
  int max = 0, min_odd = 127;
  for (size_t i = 0; i < n; i++) {
    order[i] = i;
    max = runs[i].level > max ? runs[i].level : max;
    if (runs[i].level % 2 && runs[i].level < min_odd)
      min_odd = runs[i].level;
  }
  for (int level = max; level >= min_odd && level > 0; level--)
    for (size_t i = 0; i < n;) {
      if (runs[order[i]].level < level) {
        i++;
        continue;
      }
      size_t end = i;
      while (end < n && runs[order[end]].level >= level)
        end++;
      for (size_t a = i, b = end - 1; a < b; a++, b--) {
        size_t t = order[a];
        order[a] = order[b];
        order[b] = t;
      }
      i = end;
    }
}

static bool shape_run(sc_pdf_renderer *r, sc_shaped_line *line, size_t index) {
  const sc_text_run *run = &line->runs[index];
  hb_buffer_t *buf = r->buffer;
  hb_buffer_clear_contents(buf);
  hb_buffer_add_utf32(buf, line->text, line->length, (unsigned)run->start, (int)run->len);
  hb_buffer_set_direction(buf, run->level % 2 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
  hb_buffer_set_flags(buf, HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES);
  hb_buffer_guess_segment_properties(buf); /* script from the run's letters */
  const sc_face *f = r->faces[run->face];
  hb_shape(f->font, buf, NULL, 0);
  unsigned n = 0;
  const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
  const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
  if (line->count + n > line->cap) {
    size_t cap = 2 * (line->count + n);
    sc_shaped_glyph *grown = realloc(line->glyphs, cap * sizeof *grown);
    if (!grown)
      return false;
    line->glyphs = grown;
    line->cap = cap;
  }
  for (unsigned i = 0; i < n; i++)
    line->glyphs[line->count++] =
        (sc_shaped_glyph){run->face,       info[i].codepoint, pos[i].x_advance, pos[i].x_offset,
                          pos[i].y_offset, info[i].cluster,   (uint32_t)index};
  return true;
}

int sc_shape_line(sc_pdf_renderer *r, const char *text, int slot, const char *field,
                  sc_shaped_line *line, sc_error *err) {
  memset(line, 0, sizeof *line);
  size_t len = strlen(text);
  line->text = malloc((len + 1) * sizeof *line->text);
  line->levels = calloc(len + 1, sizeof *line->levels);
  line->faces = malloc((len + 1) * sizeof *line->faces);
  if (!line->text || !line->levels || !line->faces)
    return sc_line_free(line), sc_oom(err);
  line->length =
      fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text, (FriBidiStrIndex)len, line->text);
  int rc = pick_faces(r, line, slot, field, err);
  if (rc != SC_OK)
    return sc_line_free(line), rc;
  size_t *order = NULL;
  bool ok = bidi_levels(line) && split_runs(line) &&
            (order = malloc((line->run_count + 1) * sizeof *order));
  if (ok)
    reorder_runs(order, line->runs, line->run_count);
  for (size_t i = 0; ok && i < line->run_count; i++)
    ok = shape_run(r, line, order[i]);
  free(order);
  return ok ? SC_OK : (sc_line_free(line), sc_oom(err));
}

int sc_pdf_check_text(sc_pdf_renderer *renderer, const char *text, const char *field,
                      sc_error *err) {
  /* Text that is not UTF-8 or holds control characters is refused as such, not as code points
   * no font has (which a misread byte sequence would give). */
  int rc = sc_text_check(text, field, 0, err);
  if (rc != SC_OK)
    return rc;
  sc_shaped_line line;
  memset(&line, 0, sizeof line);
  size_t len = strlen(text);
  line.text = malloc((len + 1) * sizeof *line.text);
  line.faces = malloc((len + 1) * sizeof *line.faces);
  if (!line.text || !line.faces)
    rc = sc_oom(err);
  if (rc == SC_OK) {
    line.length =
        fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text, (FriBidiStrIndex)len, line.text);
    /* Sans regular's chain holds every script's family: the fonts of all styles together. */
    rc = pick_faces(renderer, &line, SC_SLOT_SANS, field, err);
  }
  sc_line_free(&line);
  return rc;
}

static uint32_t text_hash(const char *text, int slot) {
  uint32_t hash = 2166136261u ^ (uint32_t)slot;
  for (const unsigned char *c = (const unsigned char *)text; *c; c++)
    hash = (hash ^ *c) * 16777619u;
  return hash;
}

void sc_width_cache_free(sc_pdf_renderer *r) {
  for (size_t i = 0; r->widths && i < SC_WIDTH_CACHE; i++)
    free(r->widths[i].text);
  free(r->widths);
  r->widths = NULL;
}

static int shaped_width(sc_pdf_renderer *r, const char *text, int slot, double *ems,
                        sc_error *err) {
  sc_shaped_line line;
  int rc = sc_shape_line(r, text, slot, "text", &line, err);
  *ems = 0;
  for (size_t i = 0; rc == SC_OK && i < line.count; i++)
    *ems += (double)line.glyphs[i].advance / r->faces[line.glyphs[i].face]->upem;
  sc_line_free(&line);
  return rc;
}

int sc_text_width(sc_pdf_renderer *r, const char *text, const sc_text_style *style, float *width,
                  sc_error *err) {
  int slot = sc_font_slot(style->family, style->bold);
  if (!r->widths && !(r->widths = calloc(SC_WIDTH_CACHE, sizeof *r->widths)))
    return sc_oom(err);
  sc_width_entry *e = &r->widths[text_hash(text, slot) % SC_WIDTH_CACHE];
  double ems = 0;
  int rc = SC_OK;
  if (e->text && e->slot == slot && strcmp(e->text, text) == 0) {
    ems = e->ems;
  } else if ((rc = shaped_width(r, text, slot, &ems, err)) == SC_OK) {
    char *copy = strdup(text); /* not kept when out of memory: only slower */
    if (copy) {
      free(e->text);
      *e = (sc_width_entry){copy, slot, ems};
    }
  }
  *width = (float)(ems * style->size);
  return rc;
}

void sc_text_vertical(sc_pdf_renderer *r, const char *text, const sc_text_style *style,
                      float *ascent, float *descent) {
  int slot = sc_font_slot(style->family, style->bold), last = -1;
  *ascent = *descent = 0;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
  for (utf8proc_int32_t cp; *p;) {
    utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
    if (n <= 0)
      break;
    p += n;
    int face = cp >= 0x20 && !sc_is_ignorable((uint32_t)cp) ? sc_font_pick(r, slot, (uint32_t)cp, -1)
                                                              : -1;
    if (face < 0 || face == last)
      continue;
    const sc_face *f = r->faces[face];
    float up = (float)f->ascent / (float)f->upem, down = -(float)f->descent / (float)f->upem;
    *ascent = up > *ascent ? up : *ascent;
    *descent = down > *descent ? down : *descent;
    last = face;
  }
}

int sc_text_glyphs(sc_pdf_renderer *r, const char *text, const sc_text_style *style, uint32_t *gids,
                   size_t cap, size_t *count, const char **font_file, sc_error *err) {
  sc_shaped_line line;
  int rc = sc_shape_line(r, text, sc_font_slot(style->family, style->bold), "text", &line, err);
  *count = 0;
  *font_file = NULL;
  for (size_t i = 0; rc == SC_OK && i < line.count && i < cap; i++)
    gids[(*count)++] = line.glyphs[i].gid;
  if (rc == SC_OK && line.count)
    *font_file = r->faces[line.glyphs[0].face]->path;
  sc_line_free(&line);
  return rc;
}
