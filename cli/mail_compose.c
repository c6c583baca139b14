/* The words and links of a certificate e-mail (docs/mail.md), in the learner's language: a
 * greeting, what was awarded and by whom, the learner's claim link (docs/claim.md), the
 * verification link, "Add to LinkedIn". */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static bool url_encode(sc_buf *out, const char *text) {
  static const char hex[] = "0123456789ABCDEF";
  bool ok = true;
  for (const unsigned char *p = (const unsigned char *)text; ok && *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~", *p))
      ok = sc_buf_append_byte(out, *p);
    else
      ok = sc_buf_append_byte(out, '%') && sc_buf_append_byte(out, (unsigned char)hex[*p >> 4]) &&
           sc_buf_append_byte(out, (unsigned char)hex[*p & 15]);
  }
  return ok;
}

static bool html_escape(sc_buf *out, const char *text) {
  bool ok = true;
  for (const char *p = text; ok && *p; p++) {
    switch (*p) {
    case '<':
      ok = sc_buf_append_str(out, "&lt;");
      break;
    case '>':
      ok = sc_buf_append_str(out, "&gt;");
      break;
    case '&':
      ok = sc_buf_append_str(out, "&amp;");
      break;
    case '"':
      ok = sc_buf_append_str(out, "&quot;");
      break;
    default:
      ok = sc_buf_append_byte(out, (unsigned char)*p);
    }
  }
  return ok;
}

/* LinkedIn's add-certification link (as serve's page builds it), every value URL-encoded. */
static bool linkedin_url(sc_buf *url, const cli_mail_words *w) {
  int year = 0, month = 0;
  bool ok = sc_buf_append_str(url, "https://www.linkedin.com/profile/add?startTask="
                                   "CERTIFICATION_NAME&name=") &&
            url_encode(url, w->achievement) && sc_buf_append_str(url, "&organizationName=") &&
            url_encode(url, w->issuer);
  if (ok && w->issued_at && sscanf(w->issued_at, "%4d-%2d", &year, &month) == 2) {
    char date[64];
    snprintf(date, sizeof date, "&issueYear=%d&issueMonth=%d", year, month);
    ok = sc_buf_append_str(url, date);
  }
  if (ok && w->verify_link)
    ok = sc_buf_append_str(url, "&certUrl=") && url_encode(url, w->verify_link);
  return ok && sc_buf_append_str(url, "&certId=") && url_encode(url, w->credential_id);
}

static bool compose_text(sc_buf *t, const cli_mail_words *w, const char *linkedin) {
  const char *l = w->language;
  bool ok = sc_buf_append_str(t, sc_tr(l, "Hello")) && sc_buf_append_str(t, " ") &&
            sc_buf_append_str(t, w->name) && sc_buf_append_str(t, ",\r\n\r\n") &&
            sc_buf_append_str(t, sc_tr(l, "You have been awarded:")) &&
            sc_buf_append_str(t, "\r\n  ") && sc_buf_append_str(t, w->achievement) &&
            sc_buf_append_str(t, "\r\n") && sc_buf_append_str(t, sc_tr(l, "Issued by:")) &&
            sc_buf_append_str(t, " ") && sc_buf_append_str(t, w->issuer) &&
            sc_buf_append_str(t, "\r\n\r\n") &&
            sc_buf_append_str(t, sc_tr(l, "Attached: your certificate (PDF), the signed "
                                          "credential (JSON) and your Open Badge (PNG).")) &&
            sc_buf_append_str(t, "\r\n\r\n");
  if (ok && w->claim_link)
    ok = sc_buf_append_str(t, sc_tr(l, "Your certificate's page, with the downloads (this link "
                                       "is for you alone):")) &&
         sc_buf_append_str(t, "\r\n") && sc_buf_append_str(t, w->claim_link) &&
         sc_buf_append_str(t, "\r\n\r\n");
  if (ok && w->verify_link)
    ok = sc_buf_append_str(t, sc_tr(l, "Anyone can check it at:")) &&
         sc_buf_append_str(t, "\r\n") && sc_buf_append_str(t, w->verify_link) &&
         sc_buf_append_str(t, "\r\n\r\n");
  return ok && sc_buf_append_str(t, sc_tr(l, "Add to LinkedIn profile")) &&
         sc_buf_append_str(t, ":\r\n") && sc_buf_append_str(t, linkedin) &&
         sc_buf_append_str(t, "\r\n");
}

static bool compose_html(sc_buf *h, const cli_mail_words *w, const char *linkedin) {
  const char *l = w->language;
  bool ok = sc_buf_append_str(h, "<!DOCTYPE html>\r\n<html lang=\"") &&
            sc_buf_append_str(h, l ? l : "en") &&
            sc_buf_append_str(h, "\"><head><meta charset=\"utf-8\"></head><body>\r\n<p>") &&
            html_escape(h, sc_tr(l, "Hello")) && sc_buf_append_str(h, " ") &&
            html_escape(h, w->name) && sc_buf_append_str(h, ",</p>\r\n<p>") &&
            html_escape(h, sc_tr(l, "You have been awarded:")) && sc_buf_append_str(h, " <b>") &&
            html_escape(h, w->achievement) && sc_buf_append_str(h, "</b><br>") &&
            html_escape(h, sc_tr(l, "Issued by:")) && sc_buf_append_str(h, " ") &&
            html_escape(h, w->issuer) && sc_buf_append_str(h, "</p>\r\n<p>") &&
            html_escape(h, sc_tr(l, "Attached: your certificate (PDF), the signed credential "
                                    "(JSON) and your Open Badge (PNG).")) &&
            sc_buf_append_str(h, "</p>\r\n");
  if (ok && w->claim_link)
    ok = sc_buf_append_str(h, "<p>") &&
         html_escape(h, sc_tr(l, "Your certificate's page, with the downloads (this link is for "
                                 "you alone):")) &&
         sc_buf_append_str(h, " <a href=\"") && html_escape(h, w->claim_link) &&
         sc_buf_append_str(h, "\">") && html_escape(h, w->claim_link) &&
         sc_buf_append_str(h, "</a></p>\r\n");
  if (ok && w->verify_link)
    ok = sc_buf_append_str(h, "<p>") && html_escape(h, sc_tr(l, "Anyone can check it at:")) &&
         sc_buf_append_str(h, " <a href=\"") && html_escape(h, w->verify_link) &&
         sc_buf_append_str(h, "\">") && html_escape(h, w->verify_link) &&
         sc_buf_append_str(h, "</a></p>\r\n");
  return ok && sc_buf_append_str(h, "<p><a href=\"") && html_escape(h, linkedin) &&
         sc_buf_append_str(h, "\">") && html_escape(h, sc_tr(l, "Add to LinkedIn profile")) &&
         sc_buf_append_str(h, "</a></p>\r\n</body></html>\r\n");
}

int cli_mail_compose(const cli_mail_words *w, sc_buf *subject, sc_buf *text, sc_buf *html,
                     sc_error *err) {
  sc_buf linkedin = {0};
  bool ok = linkedin_url(&linkedin, w) &&
            sc_buf_append_str(subject, sc_tr(w->language, "Your certificate")) &&
            sc_buf_append_str(subject, ": ") && sc_buf_append_str(subject, w->achievement) &&
            compose_text(text, w, (const char *)linkedin.data) &&
            compose_html(html, w, (const char *)linkedin.data);
  sc_buf_free(&linkedin);
  return ok ? SC_OK : sc_oom(err);
}
