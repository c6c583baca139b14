/* The claim page's "Add to a wallet" section (docs/wallets.md): a new Learner Credential
 * Wallet exchange and OpenID4VCI offer for the credential, each as a link and a QR code. The
 * codes are inline <svg> elements: the page's Content-Security-Policy allows no image from
 * anywhere but data: URLs, and an inline SVG is no image fetch at all. The links hold the
 * secrets, so the page is answered with no-store, and nothing here is logged. The offer has
 * no PIN: the page is the learner's already (a PIN is for offers sent by another channel:
 * `skillcert wallet offer --pin`). The link opens the app (dccrequest://); the QR code holds the
 * https://lcw.app form, which a phone's camera opens in the app or, without it, on the page to
 * install it. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>

#define QUIET_ZONE 4 /* modules of white around the code (ISO/IEC 18004) */

/* One <path> of unit squares for the dark modules, a row's runs merged. */
int http_qr_svg(const char *text, const char *title, sc_buf *html, sc_error *err) {
  sc_qr_code qr = {0};
  int rc = sc_qr_make(text, SC_QR_MAX_VERSION, &qr, err);
  if (rc != SC_OK)
    return rc;
  int size = qr.width + 2 * QUIET_ZONE;
  char line[160];
  snprintf(line, sizeof line,
           "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"240\" "
           "height=\"240\" role=\"img\" shape-rendering=\"crispEdges\"><title>",
           size, size);
  bool ok = sc_buf_append_str(html, line) && http_escape(html, title) &&
            sc_buf_append_str(html, "</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                                    "<path fill=\"#000\" d=\"");
  for (int y = 0; ok && y < qr.width; y++) {
    for (int x = 0; ok && x < qr.width;) {
      if (!qr.modules[y * qr.width + x]) {
        x++;
        continue;
      }
      int run = 1;
      while (x + run < qr.width && qr.modules[y * qr.width + x + run])
        run++;
      snprintf(line, sizeof line, "M%d %dh%dv1h-%dz", x + QUIET_ZONE, y + QUIET_ZONE, run, run);
      ok = sc_buf_append_str(html, line);
      x += run;
    }
  }
  ok = ok && sc_buf_append_str(html, "\"/></svg>");
  sc_qr_free(&qr);
  return ok ? SC_OK : sc_oom(err);
}

typedef struct section_ctx {
  const sc_http_config *cfg;
  const char *credential_id;
  int64_t now;
  sc_wallet_offer offer;
} section_ctx;

static int create_offer(void *p, sc_registry *reg, sc_error *err) {
  section_ctx *s = p;
  sc_wallet_offer_options o = {.base_url = s->cfg->base_url,
                               .issuer_name = s->cfg->issuer->home->issuer_name,
                               .now = s->now};
  return sc_wallet_offer_create(reg, s->credential_id, &o, &s->offer, err);
}

static bool append_link(sc_buf *html, const char *href, const char *text) {
  return sc_buf_append_str(html, "<p><a href=\"") && http_escape(html, href) &&
         sc_buf_append_str(html, "\">") && http_escape(html, text) &&
         sc_buf_append_str(html, "</a></p>");
}

static int append_way(sc_buf *html, const char *lang, const char *heading, const char *hint,
                      const char *link, const char *link_text, const char *qr_text, sc_error *err) {
  bool ok = sc_buf_append_str(html, "<div class=\"wallet\"><h3>") &&
            http_escape(html, sc_tr(lang, heading)) && sc_buf_append_str(html, "</h3><p>") &&
            http_escape(html, sc_tr(lang, hint)) && sc_buf_append_str(html, "</p>") &&
            append_link(html, link, sc_tr(lang, link_text));
  int rc = ok ? http_qr_svg(qr_text, sc_tr(lang, heading), html, err) : sc_oom(err);
  if (rc == SC_OK && !sc_buf_append_str(html, "</div>"))
    rc = sc_oom(err);
  return rc;
}

int sc_wallet_section_html(const sc_http_config *cfg, const char *credential_id, const char *lang,
                           int64_t now, sc_buf *html, sc_error *err) {
  if (!http_wallets_on(cfg))
    return SC_OK;
  section_ctx s = {.cfg = cfg, .credential_id = credential_id, .now = now};
  int rc = http_wallet_locked(cfg, false, create_offer, &s, err);
  if (rc != SC_OK)
    return rc;
  bool ok = sc_buf_append_str(html, "<section class=\"wallets\"><h2>") &&
            http_escape(html, sc_tr(lang, N_("Add to a wallet"))) &&
            sc_buf_append_str(html, "</h2>");
  rc = ok ? SC_OK : sc_oom(err);
  if (rc == SC_OK)
    rc = append_way(html, lang, N_("Learner Credential Wallet"),
                    N_("On your phone, open the link or scan the code with the wallet."),
                    s.offer.lcw_deep_link, N_("Open in the Learner Credential Wallet"),
                    s.offer.lcw_link, err);
  if (rc == SC_OK)
    rc = append_way(html, lang, N_("OpenID4VCI wallet"),
                    N_("Scan the code with a wallet that takes OpenID4VCI credential offers."),
                    s.offer.offer_uri, N_("Open the credential offer"), s.offer.offer_uri, err);
  if (rc == SC_OK && !sc_buf_append_str(html, "</section>"))
    rc = sc_oom(err);
  sc_wallet_offer_free(&s.offer);
  return rc;
}
