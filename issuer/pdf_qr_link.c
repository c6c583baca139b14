/* The way back to the verification page when a QR scan fails (issue 12 §3): the QR code is a
 * clickable link, and under it the short verification URL <verify-url>/C/<uuid> is printed
 * and clickable too, with the short code XXXX-XXXX-XXXX on the line under it for typing. It is
 * the link-mode address, which `skillcert serve` answers for every
 * credential since issuing writes public/c/<uuid>.json for each one. */
#include "issuer/pdf_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM 2.834645669f      /* points per millimetre */
#define URL_SIZE 6.5f        /* points; small print that a person can still type */
#define URL_MIN_SIZE 4.0f    /* below this the printed URL is elided in the middle instead */
#define URL_GAP 1.2f         /* baseline under the QR square, in multiples of the size */
#define CODE_PITCH (SC_TEXT_ASCENT + SC_TEXT_DESCENT + 0.05f) /* URL line to code line: the
                                                              fonts' height, never overlapping */
#define PAGE_MARGIN (2 * MM) /* no URL closer to the page's edge than this: printers trim it */
#define ELLIPSIS "\xE2\x80\xA6"

/* "<verify-url>/C/<uuid>" with the UUID in lower case. */
static char *short_url(const char *verify_url, const char *uuid) {
  size_t base = strlen(verify_url);
  while (base && verify_url[base - 1] == '/')
    base--;
  char *url = malloc(base + 3 + 36 + 1);
  if (!url)
    return NULL;
  memcpy(url, verify_url, base);
  memcpy(url + base, "/C/", 3);
  for (size_t i = 0; i <= 36; i++)
    url[base + 3 + i] = (char)tolower((unsigned char)uuid[i]);
  return url;
}

/* What is printed: the URL without its scheme (the link keeps it), in the largest size down
 * to URL_MIN_SIZE that fits limit; at the minimum, characters are cut from the middle. */
static int fit_text(sc_pdf_renderer *r, const char *url, float limit, sc_text_style *style,
                    char **out, float *width, sc_error *err) {
  const char *shown = strstr(url, "://") ? strstr(url, "://") + 3 : url;
  size_t len = strlen(shown);
  char *text = malloc(len + sizeof ELLIPSIS); /* the text, or a shorter one and the ellipsis */
  if (!text)
    return sc_oom(err);
  memcpy(text, shown, len + 1);
  int rc = SC_OK;
  for (style->size = URL_SIZE; rc == SC_OK; style->size *= 0.94f) {
    rc = sc_text_width(r, text, style, width, err);
    if (rc != SC_OK || *width <= limit || style->size * 0.94f < URL_MIN_SIZE)
      break;
  }
  /* Printable ASCII only (a verify URL is), so cutting bytes never splits a character. */
  for (size_t cut = 1; rc == SC_OK && *width > limit && cut + 8 < len; cut++) {
    size_t keep_head = (len - cut) / 2, keep_tail = len - cut - keep_head;
    snprintf(text, len + sizeof ELLIPSIS, "%.*s" ELLIPSIS "%s", (int)keep_head, shown,
             shown + len - keep_tail);
    rc = sc_text_width(r, text, style, width, err);
  }
  if (rc != SC_OK)
    free(text);
  else
    *out = text;
  return rc;
}

static void link_rect(HPDF_Page page, HPDF_Rect rect, const char *url) {
  HPDF_Annotation link = HPDF_Page_CreateURILinkAnnot(page, rect, url);
  if (link)
    HPDF_LinkAnnot_SetBorderStyle(link, 0, 0, 0); /* a link, not a box around the code */
}

/* The short code (docs/qr-payload.md "The short code") on the line under the URL, centred
 * under the code: what a person types into the service's page or `skillcert verify`. */
static int draw_code(sc_pdf_renderer *r, HPDF_Page page, const char *uuid,
                     const sc_text_style *url_style, float centre, float baseline, sc_error *err) {
  char code[SC_SHORT_CODE_SIZE], line[SC_SHORT_CODE_SIZE + 32];
  if (baseline - url_style->size * 0.3f < PAGE_MARGIN || sc_short_code_of_uuid(uuid, code) != SC_OK)
    return SC_OK; /* no room, or no UUID to derive it from */
  snprintf(line, sizeof line, "%s %s", sc_tr(r->lang, N_("code")), code);
  sc_text_style style = *url_style;
  float width = 0;
  int rc = sc_text_width(r, line, &style, &width, err);
  return rc == SC_OK ? sc_text_draw(r, page, line, &style, centre - width / 2, baseline, err) : rc;
}

int sc_pdf_qr_link(sc_pdf_renderer *r, HPDF_Page page, const sc_template *tpl,
                   const char *verify_url, const json_t *credential, sc_error *err) {
  if (!verify_url || !*verify_url)
    return SC_OK; /* offline issuance: no address to print or link to */
  const char *uuid = sc_uuid_of_urn(json_string_value(json_object_get(credential, "id")));
  if (!uuid)
    return SC_OK; /* not a urn:uuid id: the credential has no /C/ page */
  char *url = short_url(verify_url, uuid);
  if (!url)
    return sc_oom(err);
  float size = tpl->qr_size * MM, left = tpl->qr_x * MM, top = tpl->page_h - tpl->qr_y * MM;
  link_rect(page, (HPDF_Rect){left, top - size, left + size, top}, url);
  sc_text_style style = {0, false, URL_SIZE, tpl->qr_url_color};
  char *text = NULL;
  float width = 0;
  int rc = fit_text(r, url, size, &style, &text, &width, err);
  float x = left + (size - width) / 2, baseline = top - size - style.size * URL_GAP;
  if (rc == SC_OK && baseline - style.size * 0.3f >= PAGE_MARGIN) { /* else no room under it */
    rc = sc_text_draw(r, page, text, &style, x, baseline, err);
    link_rect(page, (HPDF_Rect){x, baseline - style.size * 0.3f, x + width, baseline + style.size},
              url);
    if (rc == SC_OK)
      rc = draw_code(r, page, uuid, &style, left + size / 2, baseline - style.size * CODE_PITCH, err);
  }
  free(text);
  free(url);
  return rc;
}
