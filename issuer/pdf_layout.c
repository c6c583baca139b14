/* Fitting a text block into its box (docs/templates.md, "Text boxes"): shrink, wrap, shrink
 * again, and as the last resort cut with an ellipsis, so that no text ever leaves its box. */
#include "issuer/pdf_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define MM 2.834645669f /* points per millimetre */
#define SHRINK 0.94f    /* one step down in size */
#define ELLIPSIS "\xE2\x80\xA6"

sc_box sc_text_box(const sc_tpl_text *block) {
  float w = block->max_width;
  float left = block->align == SC_ALIGN_LEFT     ? block->x
               : block->align == SC_ALIGN_CENTER ? block->x - w / 2
                                                 : block->x - w;
  float top = block->y - SC_TEXT_ASCENT * block->size / MM;
  return (sc_box){left, top, left + w, top + block->height};
}

static float ascent_of(const sc_tpl_text *block) {
  return block->ascent > SC_TEXT_ASCENT ? block->ascent : SC_TEXT_ASCENT;
}

static float descent_of(const sc_tpl_text *block) {
  return block->descent > SC_TEXT_DESCENT ? block->descent : SC_TEXT_DESCENT;
}

float sc_text_lines_height(const sc_tpl_text *block, float size, size_t n) {
  float lines = n ? (float)(n - 1) * block->line_height : 0;
  return (ascent_of(block) + lines + descent_of(block)) * size / MM;
}

/* The block as its text needs it: tall fonts (Arabic's deep descents, CJK's high ascents) get
 * their own ascent and descent, and lines no closer than one font height, so wrapped lines
 * never overlap and the first line's top stays inside the box. */
static sc_tpl_text for_text(sc_pdf_renderer *r, const sc_tpl_text *block, const char *text,
                            const sc_text_style *style) {
  sc_tpl_text fitted = *block;
  sc_text_vertical(r, text, style, &fitted.ascent, &fitted.descent);
  float font_height = ascent_of(&fitted) + descent_of(&fitted);
  if (fitted.line_height < font_height)
    fitted.line_height = font_height;
  return fitted;
}

/* How many lines at size the box holds (max_lines at most). */
static size_t lines_that_fit(const sc_tpl_text *block, float size) {
  size_t n = 0;
  while (n < (size_t)block->max_lines &&
         sc_text_lines_height(block, size, n + 1) <= block->height + 0.01f)
    n++;
  return n;
}

void sc_text_lines_free(sc_text_lines *l) {
  for (size_t i = 0; i < l->count; i++)
    free(l->items[i]);
  free(l->items);
  free(l->starts);
  l->items = NULL;
  l->starts = NULL;
  l->count = 0;
}

static bool lines_push(sc_text_lines *l, const char *text, size_t start, size_t len) {
  char **grown = realloc(l->items, (l->count + 1) * sizeof *grown);
  if (grown)
    l->items = grown;
  size_t *starts = grown ? realloc(l->starts, (l->count + 1) * sizeof *starts) : NULL;
  if (starts)
    l->starts = starts;
  if (!starts || !(l->items[l->count] = strndup(text + start, len)))
    return false;
  l->starts[l->count++] = start;
  return true;
}

static int width_of(sc_pdf_renderer *r, const char *text, size_t len, const char *suffix,
                    const sc_text_style *style, float *width, sc_error *err) {
  size_t extra = suffix ? strlen(suffix) : 0;
  char *copy = malloc(len + extra + 1);
  if (!copy)
    return sc_oom(err);
  memcpy(copy, text, len);
  memcpy(copy + len, suffix ? suffix : "", extra + 1);
  int rc = sc_text_width(r, copy, style, width, err);
  free(copy);
  return rc;
}

/* The length of the longest run of whole grapheme clusters at the start of text[0..len) that is
 * at most limit wide (with suffix after it): at least one cluster when suffix is NULL, maybe none
 * with a suffix. Text without spaces (Chinese, Japanese, Thai) breaks here. */
static int grapheme_prefix(sc_pdf_renderer *r, const char *text, size_t len, const char *suffix,
                           const sc_text_style *style, float limit, size_t *out, sc_error *err) {
  utf8proc_int32_t prev = -1, state = 0;
  size_t best = 0;
  for (size_t at = 0; at <= len;) {
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t step = at < len ? utf8proc_iterate((const utf8proc_uint8_t *)text + at,
                                                        (utf8proc_ssize_t)(len - at), &cp)
                                     : 0;
    bool boundary =
        at == len ||
        (prev >= 0 && (step < 0 || cp < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state)));
    if (boundary && at > 0) {
      float width = 0;
      int rc = width_of(r, text, at, suffix, style, &width, err);
      if (rc != SC_OK)
        return rc;
      if (width > limit && (best || suffix))
        break;
      best = at;
      if (width > limit)
        break;
    }
    if (at == len)
      break;
    prev = step > 0 ? cp : -1;
    at += step > 0 ? (size_t)step : 1;
  }
  *out = best;
  return SC_OK;
}

/* Greedy wrap at spaces to limit points. A word wider than the limit is broken between grapheme
 * clusters when break_words, else kept whole on its own line (and *fits cleared). */
static int wrap(sc_pdf_renderer *r, const char *text, const sc_text_style *style, float limit,
                bool break_words, sc_text_lines *out, bool *fits, sc_error *err) {
  *fits = true;
  size_t at = 0, total = strlen(text);
  while (at < total && text[at] == ' ')
    at++;
  while (at < total) {
    size_t best = 0; /* length of the longest run of whole words from at that fits */
    for (size_t end = at;;) {
      const char *space = strchr(text + end + 1, ' ');
      size_t len = space ? (size_t)(space - text) - at : total - at;
      float width = 0;
      int rc = width_of(r, text + at, len, NULL, style, &width, err);
      if (rc != SC_OK)
        return rc;
      if (width > limit)
        break;
      best = len;
      if (!space)
        break;
      end = (size_t)(space - text);
    }
    if (!best) { /* the first word alone is too wide */
      const char *space = strchr(text + at, ' ');
      size_t word = space ? (size_t)(space - text) - at : total - at;
      int rc = SC_OK;
      if (break_words)
        rc = grapheme_prefix(r, text + at, word, NULL, style, limit, &best, err);
      else
        best = word, *fits = false;
      if (rc != SC_OK)
        return rc;
    }
    size_t len = best;
    while (len && text[at + len - 1] == ' ')
      len--;
    if (!lines_push(out, text, at, len))
      return sc_oom(err);
    at += best;
    while (at < total && text[at] == ' ')
      at++;
  }
  return SC_OK;
}

/* The sizes tried: from size down in 6 % steps, ending exactly at floor. */
static float smaller(float size, float floor) {
  return size * SHRINK < floor ? floor : size * SHRINK;
}

/* One line, from size down to min_size; *done when it fits. */
static int fit_one_line(sc_pdf_renderer *r, const sc_tpl_text *block, const char *text,
                        sc_text_style *style, sc_text_lines *out, bool *done, sc_error *err) {
  float limit = block->max_width * MM;
  size_t start = 0, len = strlen(text);
  while (start < len && text[start] == ' ')
    start++;
  while (len > start && text[len - 1] == ' ')
    len--;
  *done = false;
  for (style->size = block->size;; style->size = smaller(style->size, block->min_size)) {
    float width = 0;
    int rc = width_of(r, text + start, len - start, NULL, style, &width, err);
    if (rc != SC_OK)
      return rc;
    if (width <= limit && lines_that_fit(block, style->size) >= 1) {
      *done = true;
      return lines_push(out, text, start, len - start) ? SC_OK : sc_oom(err);
    }
    if (style->size <= block->min_size)
      return SC_OK;
  }
}

/* Wrapped lines, from size `from` down to `floor`; *done when they fit the box. */
static int fit_wrapped(sc_pdf_renderer *r, const sc_tpl_text *block, const char *text,
                       bool break_words, float from, float floor, sc_text_style *style,
                       sc_text_lines *out, bool *done, sc_error *err) {
  *done = false;
  for (style->size = from;; style->size = smaller(style->size, floor)) {
    bool fits;
    int rc = wrap(r, text, style, block->max_width * MM, break_words, out, &fits, err);
    if (rc != SC_OK)
      return rc;
    if (fits && out->count <= lines_that_fit(block, style->size)) {
      *done = true;
      return SC_OK;
    }
    sc_text_lines_free(out);
    if (style->size <= floor)
      return SC_OK;
  }
}

/* The last resort, at wrap_min_size: the lines that fit, the last one cut to end in "…". */
static int fit_cut(sc_pdf_renderer *r, const sc_tpl_text *block, const char *text,
                   sc_text_style *style, sc_text_lines *out, sc_error *err) {
  bool fits;
  style->size = block->wrap_min_size;
  int rc = wrap(r, text, style, block->max_width * MM, true, out, &fits, err);
  size_t keep = lines_that_fit(block, style->size);
  if (rc != SC_OK || out->count <= keep)
    return rc;
  const char *rest = text + out->starts[keep ? keep - 1 : 0];
  while (out->count > (keep ? keep - 1 : 0))
    free(out->items[--out->count]);
  size_t len = 0;
  rc = grapheme_prefix(r, rest, strlen(rest), ELLIPSIS, style, block->max_width * MM, &len, err);
  while (rc == SC_OK && len && rest[len - 1] == ' ')
    len--;
  char *cut = rc == SC_OK ? malloc(len + sizeof ELLIPSIS) : NULL;
  if (rc == SC_OK && !cut)
    return sc_oom(err);
  if (rc == SC_OK) {
    memcpy(cut, rest, len);
    memcpy(cut + len, ELLIPSIS, sizeof ELLIPSIS);
    bool pushed = lines_push(out, cut, 0, strlen(cut));
    if (pushed)
      out->starts[out->count - 1] = (size_t)(rest - text);
    free(cut);
    rc = pushed ? SC_OK : sc_oom(err);
  }
  return rc;
}

/* Whether the block shows a value `verify` looks for whole on the page (docs/verify.md): the
 * recipient's or the achievement's name, which a cut would make fail. */
static bool shown_whole(const sc_tpl_text *block) {
  return strstr(block->text, "{{recipient.name}}") || strstr(block->text, "{{achievement.name}}");
}

int sc_text_fit(sc_pdf_renderer *r, const sc_tpl_text *template_block, const char *text,
                sc_text_style *style, sc_text_lines *out, sc_error *err) {
  sc_tpl_text fitted = for_text(r, template_block, text, style);
  const sc_tpl_text *block = &fitted;
  bool done = false;
  float floor = block->wrap_min_size;
  int rc = fit_one_line(r, block, text, style, out, &done, err);
  if (rc == SC_OK && !done)
    rc = fit_wrapped(r, block, text, false, block->size, floor, style, out, &done, err);
  if (rc == SC_OK && !done)
    rc = fit_wrapped(r, block, text, true, block->size, floor, style, out, &done, err);
  /* A name too long for a box designed for shorter ones (an older template, made for one
   * line) rather takes as many lines as the box's height holds, down to the smallest size a
   * template may set, than is cut. */
  sc_tpl_text relaxed = *block;
  relaxed.max_lines = 10;
  if (rc == SC_OK && !done && shown_whole(block))
    rc =
        fit_wrapped(r, &relaxed, text, true, block->size, SC_TEXT_MIN_SIZE, style, out, &done, err);
  if (rc == SC_OK && !done)
    rc = fit_cut(r, block, text, style, out, err);
  out->size = style->size;
  out->baseline = sc_text_box(block).top + ascent_of(block) * style->size / MM;
  out->pitch = block->line_height * style->size;
  return rc;
}
