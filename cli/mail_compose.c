/* The built-in texts of a certificate e-mail (docs/mail.md), in the learner's language, for a
 * template without mail.json: a greeting, what was awarded and by whom, the PDF's link when it
 * is not attached, the claim link, the verification link, "Add to LinkedIn". They hold
 * placeholders that sc_mail_build fills in; a line whose placeholder has no value (no claim
 * page yet) is left out there. And LinkedIn's link, which is the same whatever the texts. */
#include "cli/cli.h"

/* A translated phrase in a built-in text: as it is in plain text, HTML-escaped in HTML. */
static bool phrase(sc_buf *out, const char *lang, const char *msgid, bool html) {
  return html ? sc_buf_append_html_escaped(out, sc_tr(lang, msgid))
              : sc_buf_append_str(out, sc_tr(lang, msgid));
}

static bool builtin_text(sc_buf *t, const char *l, bool pdf_attached) {
  return phrase(t, l, N_("Hello"), false) && sc_buf_append_str(t, " {name},\n\n") &&
         phrase(t, l, N_("You have been awarded:"), false) &&
         sc_buf_append_str(t, "\n  {achievement}\n") && phrase(t, l, N_("Issued by:"), false) &&
         sc_buf_append_str(t, " {issuer}\n\n") &&
         phrase(t, l,
                pdf_attached ? N_("Attached: your certificate (PDF), the signed credential (JSON) "
                                  "and your Open Badge (PNG).")
                             : N_("Attached: the signed credential (JSON) and your Open Badge "
                                  "(PNG)."),
                false) &&
         sc_buf_append_str(t, "\n") && phrase(t, l, N_("Your certificate (PDF):"), false) &&
         sc_buf_append_str(t, " {pdf_url}\n\n") &&
         phrase(t, l, N_("Claim your credential:"), false) &&
         sc_buf_append_str(t, " {claim_url}\n\n") &&
         phrase(t, l, N_("Anyone can check it at:"), false) &&
         sc_buf_append_str(t, " {verify_url}\n\n") &&
         phrase(t, l, N_("Add to LinkedIn profile"), false) &&
         sc_buf_append_str(t, ": {linkedin_url}\n");
}

/* A paragraph with a link: "<p>Label <a href="{url}">{url}</a></p>" (left out without url). */
static bool link_paragraph(sc_buf *h, const char *l, const char *msgid, const char *url) {
  return sc_buf_append_str(h, "<p>") && phrase(h, l, msgid, true) &&
         sc_buf_append_str(h, " <a href=\"{") && sc_buf_append_str(h, url) &&
         sc_buf_append_str(h, "}\">{") && sc_buf_append_str(h, url) &&
         sc_buf_append_str(h, "}</a></p>\n");
}

static bool builtin_html(sc_buf *h, const char *l, bool pdf_attached) {
  return sc_buf_append_str(h, "<!DOCTYPE html>\n<html lang=\"") &&
         sc_buf_append_str(h, l ? l : "en") &&
         sc_buf_append_str(h, "\"><head><meta charset=\"utf-8\"></head><body>\n<p>") &&
         phrase(h, l, N_("Hello"), true) && sc_buf_append_str(h, " {name},</p>\n<p>") &&
         phrase(h, l, N_("You have been awarded:"), true) &&
         sc_buf_append_str(h, " <b>{achievement}</b><br>") &&
         phrase(h, l, N_("Issued by:"), true) && sc_buf_append_str(h, " {issuer}</p>\n<p>") &&
         phrase(h, l,
                pdf_attached ? N_("Attached: your certificate (PDF), the signed credential (JSON) "
                                  "and your Open Badge (PNG).")
                             : N_("Attached: the signed credential (JSON) and your Open Badge "
                                  "(PNG)."),
                true) &&
         sc_buf_append_str(h, "</p>\n") &&
         link_paragraph(h, l, N_("Your certificate (PDF):"), "pdf_url") &&
         link_paragraph(h, l, N_("Claim your credential:"), "claim_url") &&
         link_paragraph(h, l, N_("Anyone can check it at:"), "verify_url") &&
         sc_buf_append_str(h, "<p><a href=\"{linkedin_url}\">") &&
         phrase(h, l, N_("Add to LinkedIn profile"), true) &&
         sc_buf_append_str(h, "</a></p>\n</body></html>\n");
}

int cli_mail_builtin_texts(const char *language, bool pdf_attached, sc_buf *subject, sc_buf *text,
                           sc_buf *html, sc_error *err) {
  bool ok = phrase(subject, language, N_("Your certificate"), false) &&
            sc_buf_append_str(subject, ": {achievement}") && sc_buf_append_byte(subject, 0) &&
            builtin_text(text, language, pdf_attached) && sc_buf_append_byte(text, 0) &&
            builtin_html(html, language, pdf_attached) && sc_buf_append_byte(html, 0);
  return ok ? SC_OK : sc_oom(err);
}

int cli_mail_linkedin_url(const cli_mail_words *w, sc_buf *url, sc_error *err) {
  sc_linkedin_cert c = {.name = w->achievement,
                        .organization = w->issuer,
                        .issued = w->issued_at,
                        .cert_url = w->verify_link,
                        .cert_id = w->credential_id};
  return sc_linkedin_url(url, &c) && sc_buf_append_byte(url, 0) ? SC_OK : sc_oom(err);
}
