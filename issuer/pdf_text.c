/* One line of text: a font for every character, runs of one font, direction and script, the
 * order of the runs on the line (FriBidi), each run shaped by HarfBuzz, and the
 * content-stream operators that draw the glyphs (with ActualText where glyphs and characters
 * do not correspond one to one, so text extraction returns what was written). */
#include "issuer/pdf_internal.h"

#include <fribidi.h>
#include <hpdf_pages.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A glyph to draw, in visual order; positions in the face's font units. */
typedef struct shaped_glyph {
  int face;
  uint32_t gid;
  int32_t advance, x_offset, y_offset;
  uint32_t cluster; /* index in the line's code points of its cluster's first one */
  uint32_t run;     /* index of its run */
} shaped_glyph;

typedef struct text_run {
  size_t start, len; /* code points of the line */
  int face;
  FriBidiLevel level; /* odd: right to left */
} text_run;

typedef struct shaped_line {
  FriBidiChar *text; /* logical order */
  FriBidiStrIndex length;
  FriBidiLevel *levels;
  int *faces; /* per code point */
  text_run *runs;
  size_t run_count;
  shaped_glyph *glyphs;
  size_t count, cap;
} shaped_line;

static void line_free(shaped_line *line) {
  free(line->text);
  free(line->levels);
  free(line->faces);
  free(line->runs);
  free(line->glyphs);
  memset(line, 0, sizeof *line);
}

/* Characters that steer layout and show nothing (HarfBuzz removes them): they need no font. */
static bool is_ignorable(uint32_t cp) {
  return cp == 0xFEFF || cp == 0x00AD || cp == 0x034F || cp == 0x061C ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2069) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static bool is_rtl_or_control(uint32_t cp) {
  FriBidiCharType type = fribidi_get_bidi_type(cp);
  return FRIBIDI_IS_RTL(type) || FRIBIDI_IS_ARABIC(type) || is_ignorable(cp);
}

/* Embedding levels (all 0 for text with nothing right-to-left in it, the usual case). */
static bool bidi_levels(shaped_line *line) {
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
static int pick_faces(sc_pdf_renderer *r, shaped_line *line, int slot, const char *field,
                      sc_error *err) {
  hb_unicode_funcs_t *u = hb_unicode_funcs_get_default();
  int last = -1;
  for (FriBidiStrIndex i = 0; i < line->length; i++) {
    uint32_t cp = line->text[i];
    line->faces[i] = -1;
    if (is_ignorable(cp))
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
static bool split_runs(shaped_line *line) {
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
    text_run *last = line->run_count ? &line->runs[line->run_count - 1] : NULL;
    if (last && last->face == line->faces[i] && last->level == line->levels[i] &&
        (s == HB_SCRIPT_INVALID || script == HB_SCRIPT_INVALID || s == script)) {
      last->len++;
      if (s != HB_SCRIPT_INVALID)
        script = s;
      continue;
    }
    line->runs[line->run_count++] = (text_run){(size_t)i, 1, line->faces[i], line->levels[i]};
    script = s;
  }
  return true;
}

/* The runs' visual order (rule L2 of the bidi algorithm, runs being of one level). */
static void reorder_runs(size_t *order, const text_run *runs, size_t n) {
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

static bool shape_run(sc_pdf_renderer *r, shaped_line *line, size_t index) {
  const text_run *run = &line->runs[index];
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
    shaped_glyph *grown = realloc(line->glyphs, cap * sizeof *grown);
    if (!grown)
      return false;
    line->glyphs = grown;
    line->cap = cap;
  }
  for (unsigned i = 0; i < n; i++)
    line->glyphs[line->count++] =
        (shaped_glyph){run->face,       info[i].codepoint, pos[i].x_advance, pos[i].x_offset,
                       pos[i].y_offset, info[i].cluster,   (uint32_t)index};
  return true;
}

static int shape(sc_pdf_renderer *r, const char *text, int slot, const char *field,
                 shaped_line *line, sc_error *err) {
  memset(line, 0, sizeof *line);
  size_t len = strlen(text);
  line->text = malloc((len + 1) * sizeof *line->text);
  line->levels = calloc(len + 1, sizeof *line->levels);
  line->faces = malloc((len + 1) * sizeof *line->faces);
  if (!line->text || !line->levels || !line->faces)
    return line_free(line), sc_oom(err);
  line->length =
      fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, text, (FriBidiStrIndex)len, line->text);
  int rc = pick_faces(r, line, slot, field, err);
  if (rc != SC_OK)
    return line_free(line), rc;
  size_t *order = NULL;
  bool ok = bidi_levels(line) && split_runs(line) &&
            (order = malloc((line->run_count + 1) * sizeof *order));
  if (ok)
    reorder_runs(order, line->runs, line->run_count);
  for (size_t i = 0; ok && i < line->run_count; i++)
    ok = shape_run(r, line, order[i]);
  free(order);
  return ok ? SC_OK : (line_free(line), sc_oom(err));
}

int sc_pdf_check_text(sc_pdf_renderer *renderer, const char *text, const char *field,
                      sc_error *err) {
  /* Text that is not UTF-8 or holds control characters is refused as such, not as code points
   * no font has (which a misread byte sequence would give). */
  int rc = sc_text_check(text, field, 0, err);
  if (rc != SC_OK)
    return rc;
  shaped_line line;
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
  line_free(&line);
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
  shaped_line line;
  int rc = shape(r, text, slot, "text", &line, err);
  *ems = 0;
  for (size_t i = 0; rc == SC_OK && i < line.count; i++)
    *ems += (double)line.glyphs[i].advance / r->faces[line.glyphs[i].face]->upem;
  line_free(&line);
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

int sc_text_glyphs(sc_pdf_renderer *r, const char *text, const sc_text_style *style, uint32_t *gids,
                   size_t cap, size_t *count, const char **font_file, sc_error *err) {
  shaped_line line;
  int rc = shape(r, text, sc_font_slot(style->family, style->bold), "text", &line, err);
  *count = 0;
  *font_file = NULL;
  for (size_t i = 0; rc == SC_OK && i < line.count && i < cap; i++)
    gids[(*count)++] = line.glyphs[i].gid;
  if (rc == SC_OK && line.count)
    *font_file = r->faces[line.glyphs[0].face]->path;
  line_free(&line);
  return rc;
}

/* ---------------------------------------------------------------- the content stream */

typedef struct writer {
  HPDF_Stream stream;
  bool ok, in_array;   /* inside "[ ... ] TJ" */
  bool in_string;      /* inside a "<...>" of glyph codes in that array */
  double pdf_pen, pen; /* where the PDF and HarfBuzz put the next glyph, in 1/1000 em */
} writer;

static void put(writer *w, const char *text) {
  w->ok = w->ok && HPDF_Stream_WriteStr(w->stream, text) == HPDF_OK;
}

static void open_array(writer *w) {
  if (!w->in_array)
    put(w, "[");
  w->in_array = true;
}

static void close_array(writer *w) {
  if (w->in_string)
    put(w, ">");
  w->in_string = false;
  if (w->in_array)
    put(w, "] TJ\n");
  w->in_array = false;
}

static void append_utf16(char *hex, size_t size, const uint32_t *text, size_t len) {
  size_t at = 0;
  for (size_t i = 0; i < len && at + 9 < size; i++) {
    uint32_t cp = text[i];
    if (cp >= 0x10000) {
      cp -= 0x10000;
      at += (size_t)snprintf(hex + at, size - at, "%04X%04X", 0xD800 + (cp >> 10),
                             0xDC00 + (cp & 0x3FF));
    } else {
      at += (size_t)snprintf(hex + at, size - at, "%04X", cp);
    }
  }
}

/* One glyph with its origin at target (1/1000 em from the line's start), raised by its
 * y offset. */
static void put_glyph(writer *w, const sc_face *f, const shaped_glyph *g, double target,
                      float size) {
  char buf[64];
  if (g->y_offset) {
    close_array(w);
    snprintf(buf, sizeof buf, "%.3f Ts\n", g->y_offset * 1000.0 / f->upem * size / 1000.0);
    put(w, buf);
  }
  open_array(w);
  if (fabs(target - w->pdf_pen) >= 0.05) { /* a TJ number moves left by n/1000 em */
    snprintf(buf, sizeof buf, "%s%.2f", w->in_string ? ">" : "", w->pdf_pen - target);
    put(w, buf);
    w->in_string = false;
  }
  /* Glyphs that follow one another unmoved share one string: "<00260028>". */
  snprintf(buf, sizeof buf, "%s%04X", w->in_string ? "" : "<", (unsigned)sc_face_code(f, g->gid));
  put(w, buf);
  w->in_string = true;
  w->pdf_pen = target + sc_face_pdf_width(f, g->gid);
  if (g->y_offset) {
    close_array(w);
    put(w, "0 Ts\n");
  }
}

static bool same_text(const uint32_t *a, size_t a_len, const uint32_t *b, size_t b_len) {
  return a_len == b_len && memcmp(a, b, a_len * sizeof *a) == 0;
}

/* The code point of the cluster whose own glyph gid is (ToUnicode for a glyph of a cluster
 * of several), or 0. */
static uint32_t nominal_char(const sc_face *f, uint32_t gid, const uint32_t *text, size_t len) {
  for (size_t i = 0; i < len; i++) {
    hb_codepoint_t own;
    if (hb_font_get_nominal_glyph(f->font, text[i], &own) && own == gid)
      return text[i];
  }
  return 0;
}

/* The end of the cluster that starts at code point `cluster` in its run. */
static size_t cluster_end(const shaped_line *line, const shaped_glyph *g) {
  const text_run *run = &line->runs[g->run];
  size_t end = run->start + run->len;
  for (size_t i = 0; i < line->count; i++)
    if (line->glyphs[i].run == g->run && line->glyphs[i].cluster > g->cluster &&
        line->glyphs[i].cluster < end)
      end = line->glyphs[i].cluster;
  return end;
}

/* Consecutive clusters drawn together: one ActualText span when any needs one. A cluster
 * whose last glyph does not end where the next cluster starts (a mark moved back over its
 * base) takes the next cluster in too: extractors take a span's text to end where its last
 * glyph ends, and a gap there reads as a space. */
typedef struct segment {
  size_t first, end; /* glyphs */
  uint32_t text[128];
  size_t len;
  bool span;
} segment;

/* The cluster's text, in visual order for a right-to-left run (extractors reverse those). */
static size_t cluster_text(const shaped_line *line, const shaped_glyph *g, uint32_t *text,
                           size_t cap) {
  size_t len = 0, to = cluster_end(line, g);
  for (size_t k = g->cluster; k < to && len < cap; k++)
    if (!is_ignorable(line->text[k]))
      text[len++] = line->text[k];
  bool rtl = line->runs[g->run].level % 2;
  for (size_t a = 0, b = len ? len - 1 : 0; rtl && a < b; a++, b--) {
    uint32_t t = text[a];
    text[a] = text[b];
    text[b] = t;
  }
  return len;
}

/* Records the glyphs of a cluster for the fonts' ToUnicode maps; *span: the glyphs' entries
 * do not spell the text, or a glyph is moved, so the cluster needs an ActualText span. */
static int use_cluster(sc_pdf_renderer *r, const shaped_line *line, size_t first, size_t end,
                       const uint32_t *text, size_t len, bool *span, sc_error *err) {
  const sc_face *f = r->faces[line->glyphs[first].face];
  uint32_t spelled[64];
  size_t spelled_len = 0;
  bool moved = false;
  for (size_t i = first; i < end; i++) {
    uint32_t gid = line->glyphs[i].gid, own = 0;
    const sc_glyph_text *mapped;
    bool whole = end - first == 1;
    if (!whole)
      own = nominal_char(f, gid, text, len);
    int rc = sc_font_use_glyph(r, line->glyphs[i].face, gid, whole ? text : &own,
                               whole ? len : own != 0, &mapped, err);
    if (rc != SC_OK)
      return rc;
    for (size_t k = 0; k < mapped->len && spelled_len < 64; k++)
      spelled[spelled_len++] = mapped->text[k];
    moved = moved || line->glyphs[i].y_offset != 0 || line->glyphs[i].x_offset != 0;
  }
  *span = len > 0 && (moved || !same_text(spelled, spelled_len, text, len));
  const sc_glyph_text *notdef; /* the span's bounds (put_bound), with no text of their own */
  return *span ? sc_font_use_glyph(r, line->glyphs[first].face, 0, NULL, 0, &notdef, err) : SC_OK;
}

/* An ActualText span's text is placed by extractors from the origin of its first glyph to
 * the end of its last one, on the baseline of the first: a mark raised, lowered or moved
 * over its base would leave a gap read as a space, an overlap that splits the word, or a
 * line of its own. So a span starts and ends with an invisible (Tr 3) .notdef glyph on the
 * baseline at the cluster's start and ending at its end. */
static void put_bound(writer *w, const sc_face *f, int face, double target, float size) {
  shaped_glyph notdef = {.face = face};
  close_array(w);
  put(w, "3 Tr\n");
  put_glyph(w, f, &notdef, target, size);
  close_array(w);
  put(w, "0 Tr\n");
}

static void put_span_glyphs(writer *w, const sc_face *f, const shaped_line *line,
                            const segment *seg, float size) {
  double scale = 1000.0 / f->upem, end = w->pen;
  for (size_t i = seg->first; i < seg->end; i++)
    end += line->glyphs[i].advance * scale;
  int face = line->glyphs[seg->first].face;
  put_bound(w, f, face, w->pen, size);
  for (size_t i = seg->first; i < seg->end; i++) {
    put_glyph(w, f, &line->glyphs[i], w->pen + line->glyphs[i].x_offset * scale, size);
    w->pen += line->glyphs[i].advance * scale;
  }
  put_bound(w, f, face, end - sc_face_pdf_width(f, 0), size);
}

static void put_segment(writer *w, const sc_face *f, const shaped_line *line, const segment *seg,
                        float size) {
  if (!seg->span) {
    double scale = 1000.0 / f->upem;
    for (size_t i = seg->first; i < seg->end; i++) {
      put_glyph(w, f, &line->glyphs[i], w->pen + line->glyphs[i].x_offset * scale, size);
      w->pen += line->glyphs[i].advance * scale;
    }
    return;
  }
  char hex[4 * 128 + 8] = "";
  append_utf16(hex, sizeof hex, seg->text, seg->len);
  close_array(w);
  put(w, "/Span <</ActualText <FEFF");
  put(w, hex);
  put(w, ">>> BDC\n");
  put_span_glyphs(w, f, line, seg, size);
  close_array(w);
  put(w, "EMC\n");
}

static int draw_glyphs(sc_pdf_renderer *r, writer *w, const shaped_line *line, float size,
                       sc_error *err) {
  int current = -1;
  segment seg = {0};
  for (size_t i = 0; i < line->count;) {
    const shaped_glyph *g = &line->glyphs[i];
    if (g->face != current) {
      char key[12], buf[48];
      sc_font_resource(g->face, key);
      close_array(w);
      snprintf(buf, sizeof buf, "/%s %.2f Tf\n", key, size);
      put(w, buf);
      current = g->face;
    }
    size_t end = i + 1;
    while (end < line->count && line->glyphs[end].run == g->run &&
           line->glyphs[end].cluster == g->cluster)
      end++;
    if (seg.end == seg.first)
      seg = (segment){.first = i};
    uint32_t text[64];
    size_t len = cluster_text(line, g, text, 64);
    bool span;
    int rc = use_cluster(r, line, i, end, text, len, &span, err);
    if (rc != SC_OK)
      return rc;
    for (size_t k = 0; k < len && seg.len < 128; k++)
      seg.text[seg.len++] = text[k];
    seg.span = seg.span || span || seg.len == 128;
    seg.end = end;
    const sc_face *f = r->faces[g->face];
    put_segment(w, f, line, &seg, size);
    seg.first = seg.end;
    i = end;
  }
  close_array(w);
  return w->ok ? SC_OK : sc_oom(err);
}

int sc_text_draw(sc_pdf_renderer *r, HPDF_Page page, const char *text, const sc_text_style *style,
                 float x, float y, sc_error *err) {
  shaped_line line;
  int rc = shape(r, text, sc_font_slot(style->family, style->bold), "text", &line, err);
  if (rc != SC_OK || line.count == 0) {
    line_free(&line);
    return rc;
  }
  writer w = {.stream = ((HPDF_PageAttr)page->attr)->stream, .ok = true};
  char buf[160];
  snprintf(buf, sizeof buf, "q %.3f %.3f %.3f rg\nBT %.2f %.2f Td\n", style->color.r,
           style->color.g, style->color.b, x, y);
  put(&w, buf);
  rc = w.ok ? draw_glyphs(r, &w, &line, style->size, err) : sc_oom(err);
  put(&w, "ET\nQ\n");
  if (rc == SC_OK && !w.ok)
    rc = sc_oom(err);
  line_free(&line);
  return rc;
}
