/* `skillcert template check`: a layout whose text boxes overlap each other, a rule, the logo or
 * the QR code, or leave the page, is refused (docs/templates.md, "Text boxes"). Every box holds
 * its text whatever its length (pdf_layout.c), so boxes that stay apart keep the text apart. */
#include "issuer/pdf_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM 2.834645669f   /* points per millimetre */
#define THIN 2.0f         /* mm: a filled shape this thin is a rule */
#define QR_URL_SPACE 7.0f /* mm under the QR code for its printed URL and short code (pdf_qr_link.c) */
#define SLACK 0.01f       /* mm of rounding */

typedef struct obstacle {
  char name[64];
  sc_box box;
  bool band; /* a large filled shape: text may sit on it, but not across its edge */
} obstacle;

typedef struct checker {
  void (*problem)(void *ctx, const char *sentence);
  void *ctx;
  size_t count;
} checker;

static void report(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(checker *c, const char *fmt, ...) {
  char sentence[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(sentence, sizeof sentence, fmt, ap);
  va_end(ap);
  c->count++;
  c->problem(c->ctx, sentence);
}

static float overlap(float a0, float a1, float b0, float b1) {
  float lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi - lo;
}

/* How far a and b overlap: the smaller of the two extents, <= SLACK when they do not. */
static float depth(sc_box a, sc_box b) {
  float x = overlap(a.left, a.right, b.left, b.right),
        y = overlap(a.top, a.bottom, b.top, b.bottom);
  return x < y ? x : y;
}

static bool inside(sc_box inner, sc_box outer) {
  return inner.left >= outer.left - SLACK && inner.right <= outer.right + SLACK &&
         inner.top >= outer.top - SLACK && inner.bottom <= outer.bottom + SLACK;
}

/* "text[3] "{{recipient.name}}"", the text cut to fit. */
static void block_name(const sc_template *tpl, size_t i, char out[80]) {
  snprintf(out, 80, "text[%zu] \"%.40s%s\"", i, tpl->texts[i].text,
           strlen(tpl->texts[i].text) > 40 ? "..." : "");
}

static size_t add(obstacle *list, size_t n, const char *name, sc_box box, bool band) {
  snprintf(list[n].name, sizeof list[n].name, "%s", name);
  list[n].box = box;
  list[n].band = band;
  return n + 1;
}

/* The rules, bands, logo and QR code: what text boxes must keep clear of. */
static size_t obstacles(const sc_template *tpl, obstacle *list) {
  size_t n = 0;
  for (size_t i = 0; i < tpl->rect_count; i++) {
    const sc_tpl_rect *s = &tpl->rects[i];
    char name[48];
    sc_box box = {s->x, s->y, s->x + s->w, s->y + s->h};
    if (s->stroke > 0) { /* a frame: its four lines, inside the box */
      snprintf(name, sizeof name, "shapes[%zu] (a frame)", i);
      n = add(list, n, name, (sc_box){box.left, box.top, box.right, box.top + s->stroke}, false);
      n = add(list, n, name, (sc_box){box.left, box.bottom - s->stroke, box.right, box.bottom},
              false);
      n = add(list, n, name, (sc_box){box.left, box.top, box.left + s->stroke, box.bottom}, false);
      n = add(list, n, name, (sc_box){box.right - s->stroke, box.top, box.right, box.bottom},
              false);
    } else {
      bool thin = s->w <= THIN || s->h <= THIN;
      snprintf(name, sizeof name, "shapes[%zu] (%s)", i, thin ? "a rule" : "a band");
      n = add(list, n, name, box, !thin);
    }
  }
  if (tpl->logo.width)
    n = add(
        list, n, "the logo",
        (sc_box){tpl->logo_x, tpl->logo_y, tpl->logo_x + tpl->logo_w, tpl->logo_y + tpl->logo_h},
        false);
  return add(list, n, "the QR code and its URL",
             (sc_box){tpl->qr_x, tpl->qr_y, tpl->qr_x + tpl->qr_size,
                      tpl->qr_y + tpl->qr_size + QR_URL_SPACE},
             false);
}

static void check_block(checker *c, const sc_template *tpl, size_t i, const obstacle *list,
                        size_t n) {
  char name[80], other[80];
  block_name(tpl, i, name);
  sc_box box = sc_text_box(&tpl->texts[i]);
  sc_box page = {0, 0, tpl->page_w / MM, tpl->page_h / MM};
  if (!inside(box, page))
    report(c, "%s: its box (%.1f, %.1f)-(%.1f, %.1f) mm leaves the page (%.0f x %.0f mm)", name,
           box.left, box.top, box.right, box.bottom, page.right, page.bottom);
  for (size_t j = i + 1; j < tpl->text_count; j++) {
    float d = depth(box, sc_text_box(&tpl->texts[j]));
    if (d > SLACK) {
      block_name(tpl, j, other);
      report(c, "%s overlaps %s by %.1f mm", name, other, d);
    }
  }
  const char *reported = NULL; /* a frame's four lines are one obstacle */
  for (size_t k = 0; k < n; k++) {
    float d = depth(box, list[k].box);
    if (d <= SLACK || (list[k].band && inside(box, list[k].box)) ||
        (reported && strcmp(reported, list[k].name) == 0))
      continue;
    report(c, "%s %s %s by %.1f mm", name, list[k].band ? "straddles the edge of" : "overlaps",
           list[k].name, d);
    reported = list[k].name;
  }
}

size_t sc_template_check_layout(const sc_template *tpl,
                                void (*problem)(void *ctx, const char *sentence), void *ctx) {
  checker c = {problem, ctx, 0};
  obstacle *list = calloc(tpl->rect_count * 4 + 2, sizeof *list);
  if (!list) {
    report(&c, "out of memory");
    return c.count;
  }
  size_t n = obstacles(tpl, list);
  for (size_t i = 0; i < tpl->text_count; i++)
    check_block(&c, tpl, i, list, n);
  free(list);
  return c.count;
}
