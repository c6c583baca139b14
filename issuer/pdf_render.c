/* The PDF certificate: page, design shapes, logo, QR code, text blocks, attachment. */
#include "issuer/pdf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM 2.834645669f /* points per millimetre */
#define QR_QUIET_MODULES 4

int sc_pdf_fonts_load(sc_pdf_renderer *r, sc_error *err);
void sc_pdf_fonts_free(sc_pdf_renderer *r);

/* libharu reports errors through this callback; the first one is kept and checked. */
static void on_hpdf_error(HPDF_STATUS error, HPDF_STATUS detail, void *ctx) {
  sc_pdf_renderer *r = ctx;
  if (!r->hpdf_error) {
    r->hpdf_error = error;
    r->hpdf_detail = detail;
  }
}

sc_pdf_renderer *sc_pdf_renderer_new(sc_error *err) {
  sc_pdf_renderer *r = calloc(1, sizeof *r);
  if (!r)
    return sc_oom(err), NULL;
  if (sc_pdf_fonts_load(r, err) != SC_OK) {
    sc_pdf_renderer_free(r);
    return NULL;
  }
  r->doc = HPDF_New(on_hpdf_error, r);
  if (!r->doc) {
    sc_pdf_renderer_free(r);
    return sc_oom(err), NULL;
  }
  return r;
}

void sc_pdf_renderer_free(sc_pdf_renderer *renderer) {
  if (!renderer)
    return;
  if (renderer->doc)
    HPDF_Free(renderer->doc);
  sc_width_cache_free(renderer);
  sc_pdf_fonts_free(renderer);
  sc_flate_free(&renderer->flate);
  sc_buf_free(&renderer->page_content);
  free(renderer);
}

static int hpdf_failed(sc_pdf_renderer *r, const char *what, sc_error *err) {
  if (!r->hpdf_error)
    return SC_OK;
  return sc_fail(err, r->hpdf_error == HPDF_FAILD_TO_ALLOC_MEM ? SC_ESOFTWARE : SC_EDATA,
                 "PDF: %s failed (libharu error 0x%04X, detail %u)", what, (unsigned)r->hpdf_error,
                 (unsigned)r->hpdf_detail);
}

/* ---------------------------------------------------------------- placeholders */

/* The block's text with placeholders filled and whitespace made plain spaces; NULL with
 * *omit set when a placeholder it uses has no value (e.g. no validUntil). */
static char *fill(const char *pattern, const json_t *cred, const char *lang, bool *omit) {
  sc_buf out = {0};
  bool ok = true;
  *omit = false;
  for (const char *p = pattern; ok && *p;) {
    const char *open = strstr(p, "{{"), *close = open ? strstr(open, "}}") : NULL;
    if (!close) {
      ok = sc_buf_append_str(&out, p);
      break;
    }
    char scratch[SC_PLACEHOLDER_SCRATCH];
    const sc_placeholder *known = sc_placeholder_find(open + 2, (size_t)(close - open - 2));
    const char *value = known ? known->value(cred, lang, scratch) : ""; /* checked when loaded */
    *omit = *omit || !*value;
    ok = sc_buf_append(&out, p, (size_t)(open - p)) && sc_buf_append_str(&out, value);
    p = close + 2;
  }
  char *text = ok ? sc_buf_take(&out) : NULL;
  sc_buf_free(&out);
  for (char *c = text; c && *c; c++)
    if (*c == '\n' || *c == '\r' || *c == '\t')
      *c = ' ';
  return text;
}

/* ---------------------------------------------------------------- text blocks */

static int draw_block(sc_pdf_renderer *r, HPDF_Page page, const sc_template *tpl,
                      const sc_tpl_text *block, const json_t *cred, sc_error *err) {
  bool omit;
  /* The template's fixed words in the certificate's language: each block is a msgid of
   * po/skillcert.pot, placeholders and all ("Valid until {{valid_until.long}}"). */
  char *text = fill(sc_tr(r->lang, block->text), cred, r->lang, &omit);
  if (!text)
    return sc_oom(err);
  sc_text_style style = {block->family, block->bold, block->size, block->color};
  sc_text_lines l = {0};
  int rc = omit ? SC_OK : sc_text_fit(r, block, text, &style, &l, err);
  for (size_t i = 0; rc == SC_OK && i < l.count; i++) {
    float width = 0;
    rc = sc_text_width(r, l.items[i], &style, &width, err);
    float x = block->x * MM - (block->align == SC_ALIGN_CENTER  ? width / 2
                               : block->align == SC_ALIGN_RIGHT ? width
                                                                : 0);
    float y = tpl->page_h - l.baseline * MM - (float)i * l.pitch;
    if (rc == SC_OK)
      rc = sc_text_draw(r, page, l.items[i], &style, x, y, err);
  }
  sc_text_lines_free(&l);
  free(text);
  return rc;
}

/* ---------------------------------------------------------------- graphics */

static void draw_shapes(HPDF_Page page, const sc_template *tpl) {
  if (tpl->background.r < 1 || tpl->background.g < 1 || tpl->background.b < 1) {
    HPDF_Page_SetRGBFill(page, tpl->background.r, tpl->background.g, tpl->background.b);
    HPDF_Page_Rectangle(page, 0, 0, tpl->page_w, tpl->page_h);
    HPDF_Page_Fill(page);
  }
  for (size_t i = 0; i < tpl->rect_count; i++) {
    const sc_tpl_rect *s = &tpl->rects[i];
    float stroke = s->stroke * MM;
    /* A stroked frame is drawn inside its box, so the box is what the designer sees. */
    float x = s->x * MM + stroke / 2, w = s->w * MM - stroke;
    float y = tpl->page_h - (s->y + s->h) * MM + stroke / 2, h = s->h * MM - stroke;
    if (stroke > 0) {
      HPDF_Page_SetRGBStroke(page, s->color.r, s->color.g, s->color.b);
      HPDF_Page_SetLineWidth(page, stroke);
      HPDF_Page_Rectangle(page, x, y, w, h);
      HPDF_Page_Stroke(page);
    } else {
      HPDF_Page_SetRGBFill(page, s->color.r, s->color.g, s->color.b);
      HPDF_Page_Rectangle(page, x, y, w, h);
      HPDF_Page_Fill(page);
    }
  }
}

/* Writes v in decimal at p; returns the end. */
static char *put_uint(char *p, unsigned v) {
  char digits[10];
  int n = 0;
  do
    digits[n++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  while (n)
    *p++ = digits[--n];
  return p;
}

/* One "x y w 1 re" per horizontal run of dark modules in a row. */
static bool append_row_runs(sc_buf *ops, const unsigned char *cells, int width, int row) {
  for (int col = 0; col < width;) {
    if (!cells[col]) {
      col++;
      continue;
    }
    int start = col;
    while (col < width && cells[col])
      col++;
    char line[48], *p = line;
    p = put_uint(p, (unsigned)start);
    *p++ = ' ';
    p = put_uint(p, (unsigned)row);
    *p++ = ' ';
    p = put_uint(p, (unsigned)(col - start));
    memcpy(p, " 1 re\n", 6);
    if (!sc_buf_append(ops, line, (size_t)(p + 6 - line)))
      return false;
  }
  return true;
}

/* Dark modules as rectangles, one per horizontal run, on a white square that includes the
 * 4-module quiet zone. The runs are written straight into the content stream: through
 * HPDF_Page_Rectangle, which formats four reals and clears a 512-byte buffer per call, they
 * were a sixth of the time to make a certificate. */
static int draw_qr(sc_pdf_renderer *r, HPDF_Page page, const sc_template *tpl,
                   const sc_certificate *cert, sc_error *err) {
  sc_qr_code made = {0};
  if (!cert->qr && sc_qr_make(cert->qr_text, SC_QR_MAX_VERSION, &made, err) != SC_OK)
    return sc_error_prefix(err, "qr_text");
  const sc_qr_code qr = cert->qr ? *cert->qr : made;
  float size = tpl->qr_size * MM, module = size / (float)(qr.width + 2 * QR_QUIET_MODULES);
  float left = tpl->qr_x * MM, top = tpl->page_h - tpl->qr_y * MM;
  HPDF_Page_SetRGBFill(page, 1, 1, 1);
  HPDF_Page_Rectangle(page, left, top - size, size, size);
  HPDF_Page_Fill(page);
  /* In module units (one module = 1, rows growing downwards from the code's top-left corner)
   * every rectangle is a few small integers: the content stream is a third of the size it is
   * in points, and so is the work to compress it. */
  sc_buf *ops = &r->page_content;
  sc_buf_reset(ops);
  char head[160];
  snprintf(head, sizeof head, "q 0 0 0 rg %.4f 0 0 %.4f %.4f %.4f cm\n", module, -module,
           left + QR_QUIET_MODULES * module, top - QR_QUIET_MODULES * module);
  bool ok = sc_buf_append_str(ops, head);
  for (int row = 0; ok && row < qr.width; row++)
    ok = append_row_runs(ops, qr.modules + (size_t)row * (size_t)qr.width, qr.width, row);
  ok = ok && sc_buf_append_str(ops, "f\nQ\n");
  HPDF_Stream stream = ((HPDF_PageAttr)page->attr)->stream;
  ok = ok && HPDF_Stream_Write(stream, ops->data, (HPDF_UINT)ops->len) == HPDF_OK;
  sc_qr_free(&made); /* only what was made here */
  return ok ? SC_OK : sc_oom(err);
}

static int draw_logo(sc_pdf_renderer *r, HPDF_Page page, const sc_template *tpl, sc_error *err) {
  if (!tpl->logo.width)
    return SC_OK;
  return sc_logo_draw(r->doc, page, &tpl->logo, tpl->logo_x * MM,
                      tpl->page_h - (tpl->logo_y + tpl->logo_h) * MM, tpl->logo_w * MM,
                      tpl->logo_h * MM, err);
}

/* ---------------------------------------------------------------- the document */

static int check_names(sc_pdf_renderer *r, const json_t *cred, sc_error *err) {
  int rc = sc_pdf_check_text(r, sc_cred_recipient_name(cred), "recipient name", err);
  if (rc == SC_OK)
    rc = sc_pdf_check_text(r, sc_cred_achievement(cred, "name", r->lang), "achievement name", err);
  if (rc == SC_OK)
    rc = sc_pdf_check_text(r, sc_cred_issuer_name(cred), "issuer name", err);
  return rc;
}

static int draw_page(sc_pdf_renderer *r, const sc_template *tpl, const sc_certificate *cert,
                     sc_error *err) {
  HPDF_Page page = HPDF_AddPage(r->doc);
  if (!page)
    return hpdf_failed(r, "adding a page", err);
  HPDF_Page_SetWidth(page, tpl->page_w);
  HPDF_Page_SetHeight(page, tpl->page_h);
  draw_shapes(page, tpl);
  int rc = draw_logo(r, page, tpl, err);
  if (rc == SC_OK)
    rc = draw_qr(r, page, tpl, cert, err);
  if (rc == SC_OK)
    rc = sc_pdf_qr_link(r, page, tpl, cert->verify_url, cert->credential, err);
  for (size_t i = 0; rc == SC_OK && i < tpl->text_count; i++)
    rc = draw_block(r, page, tpl, &tpl->texts[i], cert->credential, err);
  if (rc == SC_OK)
    rc = sc_fonts_finish(r, page, err);
  if (rc == SC_OK)
    rc = hpdf_failed(r, "drawing the page", err);
  return rc == SC_OK ? sc_pdf_compress_page(r, page, err) : rc;
}

static int save(sc_pdf_renderer *r, sc_buf *pdf, sc_error *err) {
  if (HPDF_SaveToStream(r->doc) != HPDF_OK)
    return hpdf_failed(r, "writing the PDF", err);
  int rc = sc_pdf_stream_bytes(r->doc->stream, pdf, err);
  if (rc == SC_OK && pdf->len != HPDF_GetStreamSize(r->doc))
    rc = sc_fail(err, SC_ESOFTWARE, "PDF: short read");
  return rc;
}

int sc_pdf_render(sc_pdf_renderer *renderer, const sc_template *tpl, const sc_certificate *cert,
                  sc_buf *pdf, sc_error *err) {
  sc_pdf_renderer *r = renderer;
  r->lang = sc_lang_match(cert->language, 0);
  if (!r->lang)
    r->lang = tpl->language[0] ? tpl->language : SC_LANG_DEFAULT;
  int rc = sc_fonts_for_template(r, tpl, err);
  if (rc == SC_OK)
    rc = check_names(r, cert->credential, err);
  if (rc != SC_OK)
    return rc;
  r->hpdf_error = 0;
  HPDF_ResetError(r->doc);
  if (HPDF_NewDoc(r->doc) != HPDF_OK)
    return hpdf_failed(r, "starting a document", err);
  r->doc->pdf_version = HPDF_VER_17;               /* /UF and /AF of the attachment */
  HPDF_SetCompressionMode(r->doc, HPDF_COMP_NONE); /* pdf_flate.c compresses every stream */
  rc = draw_page(r, tpl, cert, err);
  if (rc == SC_OK)
    rc = sc_pdf_metadata(r->doc, cert->credential, r->lang, err);
  if (rc == SC_OK)
    rc = sc_pdf_attach(r, "credential.json", cert->credential_json, cert->credential_json_len, err);
  if (rc == SC_OK)
    rc = save(r, pdf, err);
  HPDF_FreeDoc(r->doc);
  sc_font_use_reset(r);
  return rc;
}
