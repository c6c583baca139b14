/* The learner's Open Badge: the template's badge image with the signed credential baked in
 * (core/badge.c), as PNG or SVG (render --badge). A template whose badge is a PNG still gives an
 * SVG badge: an SVG that shows the PNG and the achievement's name. */
#include "issuer/issuer.h"
#include "issuer/pdf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool append_xml_text(sc_buf *out, const char *text) {
  for (const char *p = text ? text : ""; *p; p++) {
    const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : NULL;
    if (!(e ? sc_buf_append_str(out, e) : sc_buf_append_byte(out, (unsigned char)*p)))
      return false;
  }
  return true;
}

/* A 512×512 SVG showing the PNG (as a data: URI) above the achievement's name. */
static int svg_around_png(const sc_buf *png, const char *title, sc_buf *svg, sc_error *err) {
  char *b64 = sc_base64url_encode(png->data, png->len);
  if (!b64)
    return sc_oom(err);
  /* data: URIs take standard base64: base64url with + and / back, padded */
  for (char *c = b64; *c; c++)
    *c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
  bool ok = sc_buf_append_str(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                                   "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"512\" "
                                   "height=\"512\" viewBox=\"0 0 512 512\">\n<title>") &&
            append_xml_text(svg, title) &&
            sc_buf_append_str(svg, "</title>\n<circle cx=\"256\" cy=\"256\" r=\"250\" "
                                   "fill=\"#FBF8F1\" stroke=\"#1B2A4A\" stroke-width=\"8\"/>\n"
                                   "<image x=\"136\" y=\"96\" width=\"240\" height=\"240\" "
                                   "xlink:href=\"data:image/png;base64,") &&
            sc_buf_append_str(svg, b64);
  size_t pad = (4 - strlen(b64) % 4) % 4;
  for (size_t i = 0; ok && i < pad; i++)
    ok = sc_buf_append_byte(svg, '=');
  ok = ok && sc_buf_append_str(svg, "\"/>\n<text x=\"256\" y=\"400\" text-anchor=\"middle\" "
                                    "font-family=\"sans-serif\" font-size=\"28\" "
                                    "font-weight=\"bold\" fill=\"#1B2A4A\">") &&
       append_xml_text(svg, title) && sc_buf_append_str(svg, "</text>\n</svg>\n");
  free(b64);
  return ok ? SC_OK : sc_oom(err);
}

int sc_badge_render(const sc_template *tpl, const json_t *credential, const char *text,
                    bool svg, sc_buf *out, sc_error *err) {
  if (!tpl->badge_file[0])
    return sc_fail(err, SC_EUSAGE,
                   "template %s has no badge image (give it \"badge\" or a \"logo\" in "
                   "template.json)",
                   tpl->name ? tpl->name : tpl->dir);
  char path[PATH_MAX + 300];
  snprintf(path, sizeof path, "%s/%s", tpl->dir, tpl->badge_file);
  sc_buf image = {0}, wrapped = {0};
  int rc = sc_read_file(path, (size_t)4 << 20, &image, err);
  bool image_svg = ends_with(tpl->badge_file, ".svg");
  if (rc == SC_OK && svg && !image_svg) {
    const json_t *subject = json_object_get(credential, "credentialSubject");
    const char *title =
        sc_json_text(json_object_get(json_object_get(subject, "achievement"), "name"), NULL);
    rc = svg_around_png(&image, title ? title : "Open Badge", &wrapped, err);
    sc_buf_free(&image);
    image = wrapped;
    wrapped = (sc_buf){0};
  } else if (rc == SC_OK && !svg && image_svg) {
    rc = sc_fail(err, SC_EUSAGE, "template %s's badge is an SVG (%s): ask for --badge svg",
                 tpl->name ? tpl->name : tpl->dir, tpl->badge_file);
  }
  if (rc == SC_OK)
    rc = svg ? sc_badge_svg_bake(image.data, image.len, text, out, err)
             : sc_badge_png_bake(image.data, image.len, text, out, err);
  if (rc != SC_OK)
    sc_error_prefix(err, "%s", path);
  sc_buf_free(&image);
  return rc;
}
