/* The content-stream operators that draw a shaped line (pdf_text.c): TJ arrays of glyph codes
 * placed where HarfBuzz put them, and ActualText spans where glyphs and characters do not
 * correspond one to one, so text extraction returns what was written. */
#include "issuer/pdf_internal.h"

#include <hpdf_pages.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static void put_glyph(writer *w, const sc_face *f, const sc_shaped_glyph *g, double target,
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
static size_t cluster_end(const sc_shaped_line *line, const sc_shaped_glyph *g) {
  const sc_text_run *run = &line->runs[g->run];
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
static size_t cluster_text(const sc_shaped_line *line, const sc_shaped_glyph *g, uint32_t *text,
                           size_t cap) {
  size_t len = 0, to = cluster_end(line, g);
  for (size_t k = g->cluster; k < to && len < cap; k++)
    if (!sc_is_ignorable(line->text[k]))
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
static int use_cluster(sc_pdf_renderer *r, const sc_shaped_line *line, size_t first, size_t end,
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
  sc_shaped_glyph notdef = {.face = face};
  close_array(w);
  put(w, "3 Tr\n");
  put_glyph(w, f, &notdef, target, size);
  close_array(w);
  put(w, "0 Tr\n");
}

static void put_span_glyphs(writer *w, const sc_face *f, const sc_shaped_line *line,
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

static void put_segment(writer *w, const sc_face *f, const sc_shaped_line *line, const segment *seg,
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

static int draw_glyphs(sc_pdf_renderer *r, writer *w, const sc_shaped_line *line, float size,
                       sc_error *err) {
  int current = -1;
  segment seg = {0};
  for (size_t i = 0; i < line->count;) {
    const sc_shaped_glyph *g = &line->glyphs[i];
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
  sc_shaped_line line;
  int rc = sc_shape_line(r, text, sc_font_slot(style->family, style->bold), "text", &line, err);
  if (rc != SC_OK || line.count == 0) {
    sc_line_free(&line);
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
  sc_line_free(&line);
  return rc;
}
