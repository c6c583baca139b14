/* The verification page: what an employer sees after scanning the QR code. Mobile first, no
 * script, no external resources, one inline style allowed by its hash; every field from the
 * credential is escaped and isolated (<bdi dir="auto">) so right-to-left names show right. */
#include "service/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* Colours meet WCAG AA (at least 4.5:1 for text): white on #0b6b2e is 6.8:1, on #a3001b 7.4:1;
 * #5c3b00 on #fff1cc is 9.6:1; #1f2328 on white 15:1; links #0b4fa8 on white 7.6:1. */
static const char style[] =
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1f2328;background:#fff}"
    "main{max-width:40rem;margin:0 auto;padding:1rem}"
    ".verdict{border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1.25rem}"
    ".verdict p{margin:.25rem 0;overflow-wrap:anywhere}.verdict "
    ".word{font-size:1.6rem;font-weight:700;margin:0}"
    ".ok{background:#0b6b2e;color:#fff}.bad{background:#a3001b;color:#fff}"
    ".warn{background:#fff1cc;color:#5c3b00;border:2px solid #8a5a00}"
    "h1{font-size:1.5rem;margin:.5rem 0 0}h2{font-size:1.2rem;margin:.25rem 0}"
    ".lead{margin:0;color:#4a5058}"
    "dl{margin:1rem 0}dt{font-weight:600;margin-top:.75rem}dd{margin:0;overflow-wrap:anywhere}"
    "a{color:#0b4fa8}.actions a{display:block;margin:.5rem 0;padding:.75rem 1rem;"
    "border:2px solid #0b4fa8;border-radius:.5rem;text-align:center;font-weight:600;"
    "text-decoration:none}"
    "details{margin:1rem 0}li{overflow-wrap:anywhere}"
    "label{display:block;font-weight:600;margin:1rem 0 .25rem}"
    "textarea,input{width:100%;box-sizing:border-box;font:inherit}"
    "textarea{min-height:6rem}button{margin-top:1rem;padding:.75rem 1.5rem;font:inherit;"
    "font-weight:600;color:#fff;background:#0b4fa8;border:0;border-radius:.5rem}"
    "footer{margin-top:2rem;font-size:.9rem;color:#4a5058}"
    ".lang{text-align:right;font-size:.9rem}.logo img{max-height:4rem;max-width:12rem}";

const char *http_page_style(void) {
  return style;
}

/* The page being written in lang; ok turns false once memory runs out and stays so. */
typedef struct page {
  sc_buf *out;
  bool ok;
  const char *lang;
} page;

/* The page's words in its reader's language (xgettext: --keyword=T). */
#define T(text) sc_tr(p->lang, text)

static void put(page *p, const char *html) {
  p->ok = p->ok && sc_buf_append_str(p->out, html);
}

static void put_text(page *p, const char *text) {
  p->ok = p->ok && http_escape(p->out, text ? text : "");
}

/* Untrusted text, isolated in its own direction. */
static void put_field(page *p, const char *text) {
  put(p, "<bdi dir=\"auto\">");
  put_text(p, text);
  put(p, "</bdi>");
}

const char *http_request_lang(const sc_http_request *req) {
  const char *chosen = req->lang_query ? sc_lang_match(req->lang_query, 0) : NULL;
  return chosen ? chosen : sc_lang_accept(req->accept_language);
}

/* title and, when given, " — " and the issuer's name (untrusted: escaped). */
static void head(page *p, const char *title, const char *issuer) {
  put(p, "<!doctype html>\n<html lang=\"");
  put(p, p->lang);
  put(p, "\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta name=\"robots\" content=\"noindex\"><title>");
  put_text(p, title);
  put(p, " — ");
  put_text(p, issuer && *issuer ? issuer : "skillcert");
  put(p, "</title><style>");
  put(p, style);
  put(p, "</style></head>\n<body><main>\n");
}

/* Links to the same page in every other language (?lang=…); path NULL: none (a form's
 * answer has no address to come back to). */
static void language_switch(page *p, const char *path) {
  if (!path)
    return;
  put(p, "<nav class=\"lang\" aria-label=\"");
  put_text(p, T("Language"));
  put(p, "\">");
  for (size_t i = 0; sc_languages[i].tag; i++) {
    if (strcmp(sc_languages[i].tag, p->lang) == 0)
      continue;
    put(p, "<a href=\"");
    put_text(p, path);
    put(p, "?lang=");
    put(p, sc_languages[i].tag);
    put(p, "\" hreflang=\"");
    put(p, sc_languages[i].tag);
    put(p, "\" lang=\"");
    put(p, sc_languages[i].tag);
    put(p, "\">");
    put_text(p, sc_languages[i].native_name);
    put(p, "</a> ");
  }
  put(p, "</nav>\n");
}

static void foot(page *p) {
  put(p, "<footer><p><a href=\"/?lang=");
  put(p, p->lang);
  put(p, "\">");
  put_text(p, T("Verify another certificate"));
  put(p, "</a></p><p>");
  put_text(p, T("Checked: the issuer's signature, who the issuer is, the dates of validity and "
                "whether the issuer has revoked the certificate."));
  put(p, "</p></footer>\n</main></body></html>\n");
}

static void finish(page *p, int status, sc_http_response *res) {
  if (!p->ok) {
    http_answer(res, 500, HTTP_TEXT, "out of memory\n");
    return;
  }
  res->status = status;
  res->content_type = HTTP_HTML;
  res->security_headers = true;
  res->vary = "Accept-Language";
}

/* ---------------------------------------------------------------- the verdict */

typedef struct verdict_words {
  const char *css, *mark, *word, *plain, *holds;
} verdict_words;

/* The verdict in plain words: a headline, a sentence, and whether the certificate still holds
 * (the "Still valid?" line). */
static verdict_words words_for(int code) {
  switch (code) {
  case SC_OK:
    return (verdict_words){"ok", "✓", N_("Valid certificate"),
                           N_("Genuine, current, and issued by an organisation this service "
                              "trusts."),
                           N_("Yes: not revoked or suspended, and within its dates.")};
  case SC_EREVOKED:
    return (verdict_words){"bad", "✗", N_("Revoked"),
                           N_("The issuer has revoked this certificate. It is no longer valid."),
                           N_("No: the issuer has revoked it.")};
  case SC_ESUSPENDED:
    return (verdict_words){"warn", "⚠", N_("Suspended"),
                           N_("The issuer has suspended this certificate. It is not valid now."),
                           N_("Not now: the issuer has suspended it.")};
  case SC_EEXPIRED:
    return (verdict_words){"warn", "⚠", N_("Expired or not yet valid"),
                           N_("The certificate is genuine but not valid on today's date."),
                           N_("No: not valid on today's date.")};
  case SC_EUNTRUSTED:
    return (verdict_words){"warn", "⚠", N_("Issuer not recognised"),
                           N_("The signature is intact, but the issuer is not on this service's "
                              "list of trusted issuers. Anyone can sign a certificate."),
                           N_("Unknown: the issuer is not one this service knows.")};
  case SC_ESTATUS:
    return (verdict_words){"warn", "⚠", N_("Status could not be checked"),
                           N_("We could not find out whether the issuer has revoked this "
                              "certificate. Try again later."),
                           N_("Unknown: the issuer's revocation list could not be read.")};
  case SC_EINVALID:
    return (verdict_words){"bad", "✗", N_("Not genuine"),
                           N_("This certificate has been altered or was not signed by its "
                              "issuer. Do not rely on it."),
                           N_("No: it is not genuine.")};
  case SC_ENOINPUT:
    return (verdict_words){"bad", "✗", N_("Certificate not found"),
                           N_("There is no certificate at this address."), NULL};
  default:
    return (verdict_words){"bad", "✗", N_("Not a readable certificate"),
                           N_("This is not a certificate we can read: the code may be damaged or "
                              "incomplete."),
                           NULL};
  }
}

static void verdict_box(page *p, const sc_verification *v) {
  verdict_words w = words_for(v->exit_code);
  put(p, "<section class=\"verdict ");
  put(p, w.css);
  put(p, "\" role=\"status\"><p class=\"word\">");
  put(p, w.mark);
  put(p, " ");
  put_text(p, T(w.word));
  put(p, "</p><p>");
  put_text(p, T(w.plain));
  put(p, "</p></section>\n");
}

static const json_t *achievement_of(const json_t *credential) {
  const json_t *subject = json_object_get(credential, "credentialSubject");
  if (json_is_array(subject))
    subject = json_array_get(subject, 0);
  return json_object_get(subject, "achievement");
}

static void definition(page *p, const char *term, const char *value) {
  if (!value || !*value)
    return;
  put(p, "<dt>");
  put_text(p, term);
  put(p, "</dt><dd>");
  put_field(p, value);
  put(p, "</dd>");
}

/* A date-time as the reader says it: "4 Desember 2026". */
static void date_definition(page *p, const char *term, const char *when) {
  char day[SC_DATE_LONG_SIZE];
  if (when && sc_date_long(when, p->lang, day))
    definition(p, term, day);
}

/* The issuer's logo from its template (with --home): an <img> of a data: URL,
 * the only images the page's Content-Security-Policy allows. */
#define LOGO_MAX_BYTES ((size_t)256 << 10)

static void logo(page *p, const sc_http_config *cfg, const sc_verification *v) {
  sc_buf png = {0};
  if (!http_issuer_logo(cfg, v->credential, &png))
    return;
  char *b64 = png.len <= LOGO_MAX_BYTES ? malloc(4 * ((png.len + 2) / 3) + 1) : NULL;
  if (b64) {
    EVP_EncodeBlock((unsigned char *)b64, png.data, (int)png.len);
    put(p, "<p class=\"logo\"><img alt=\"\" src=\"data:image/png;base64,");
    put(p, b64);
    put(p, "\"></p>\n");
  }
  free(b64);
  sc_buf_free(&png);
}

/* Who, what, when, by whom and whether it still holds: the plain words an HR reader needs. */
static void claim(page *p, const sc_verification *v) {
  const sc_credential_summary *s = &v->summary;
  const json_t *achievement = achievement_of(v->credential);
  if (v->exit_code != SC_OK) {
    put(p, "<p class=\"lead\">");
    put_text(p, T("The certificate claims (not confirmed):"));
    put(p, "</p>");
  }
  put(p, "<h1>");
  put_field(p, s->recipient_name ? s->recipient_name : T("(no name)"));
  put(p, "</h1><p class=\"lead\">");
  put_text(p, T("has earned"));
  put(p, "</p><h2>");
  const char *name = sc_cred_text(achievement, "name", p->lang);
  put_field(p, name ? name : s->achievement_name ? s->achievement_name : T("(no achievement)"));
  put(p, "</h2>");
  const char *description = sc_cred_text(achievement, "description", p->lang);
  if (description) {
    put(p, "<p>");
    put_field(p, description);
    put(p, "</p>");
  }
  put(p, "<dl>");
  if (v->trusted_as) {
    definition(p, T("Issued by"), v->trusted_as);
  } else if (s->issuer_name) {
    put(p, "<dt>");
    put_text(p, T("Issued by"));
    put(p, "</dt><dd>");
    put_field(p, s->issuer_name);
    put(p, " ");
    put_text(p, T("(as the certificate claims; not on the trust list)"));
    put(p, "</dd>");
  }
  date_definition(p, T("Issued on"), s->valid_from);
  if (s->valid_until)
    date_definition(p, T("Valid until"), s->valid_until);
  else
    definition(p, T("Valid until"), T("No end date"));
  verdict_words w = words_for(v->exit_code);
  if (w.holds)
    definition(p, T("Still valid?"), T(w.holds));
  const char *criteria =
      sc_cred_text(json_object_get(achievement, "criteria"), "narrative", p->lang);
  definition(p, T("Criteria"), criteria);
  put(p, "</dl>\n");
}

/* LinkedIn's add-certification link (sc_linkedin_url), certUrl this page's own address. */
static void linkedin_link(page *p, const sc_http_config *cfg, const char *own_path,
                          const sc_verification *v) {
  const sc_credential_summary *s = &v->summary;
  sc_buf url = {0}, cert = {0};
  bool ok = !cfg->base_url ||
            (sc_buf_append_str(&cert, cfg->base_url) && sc_buf_append_str(&cert, own_path));
  sc_linkedin_cert c = {.name = s->achievement_name ? s->achievement_name : "",
                        .organization = v->trusted_as ? v->trusted_as : "",
                        .issued = s->valid_from,
                        .expires = s->valid_until,
                        .cert_url = cfg->base_url ? (const char *)cert.data : NULL,
                        .cert_id = s->id ? s->id : ""};
  ok = ok && sc_linkedin_url(&url, &c);
  sc_buf_free(&cert);
  if (ok) {
    put(p, "<a href=\"");
    put_text(p, (const char *)url.data);
    put(p, "\" rel=\"noopener noreferrer\">");
    put_text(p, T("Add to LinkedIn profile"));
    put(p, "</a>");
  }
  p->ok = p->ok && ok;
  sc_buf_free(&url);
}

/* The page's own address: the /V/ or /C/ path it was asked for. A form post (POST /verify) has
 * none, so it gets the /V/ path of the credential it verified, when that stays short enough
 * to be a link; NULL when there is none (no download or LinkedIn link then). */
#define OWN_PATH_MAX 8192

static char *own_path(const sc_http_request *req, const sc_verification *v) {
  const char *path = req->path;
  bool addressed = path && (path[1] == 'V' || path[1] == 'v' || path[1] == 'C' || path[1] == 'c') &&
                   path[2] == '/';
  if (addressed)
    return strdup(path);
  if (!v->credential)
    return NULL;
  /* The encoder wants a base URL; "X" is one letter to cut off again. */
  char *url = sc_qr_payload_encode(v->credential, "X", NULL);
  if (!url || strlen(url) > OWN_PATH_MAX) {
    free(url);
    return NULL;
  }
  memmove(url, url + 1, strlen(url)); /* the terminating NUL moves too */
  return url;
}

static void actions(page *p, const sc_http_config *cfg, const char *path,
                    const sc_verification *v) {
  if (!path)
    return;
  put(p, "<p class=\"actions\"><a href=\"");
  put_text(p, path);
  put(p, "?download=1\" download=\"credential.json\">");
  put_text(p, T("Download the credential (JSON)"));
  put(p, "</a>");
  if (v->exit_code == SC_OK)
    linkedin_link(p, cfg, path, v);
  put(p, "</p>\n");
}

/* A check's message without the command a terminal user would type next (the CLI's advice,
 * such as "add it with: skillcert trust add …"): the page has no command line to offer. */
static void put_message(page *p, const char *message) {
  static const char *const advice[] = {" (add it with:", " (run skillcert", "; run skillcert"};
  size_t len = message ? strlen(message) : 0;
  for (size_t i = 0; i < sizeof advice / sizeof advice[0]; i++) {
    const char *at = message ? strstr(message, advice[i]) : NULL;
    if (at && (size_t)(at - message) < len)
      len = (size_t)(at - message);
  }
  char *cut = message ? strndup(message, len) : NULL;
  put_field(p, cut ? cut : "");
  free(cut);
}

/* DIDs, proofs, status-list indexes and every check: folded away for the expert. */
static void technical_details(page *p, const sc_verification *v) {
  const sc_credential_summary *s = &v->summary;
  put(p, "<details><summary>");
  put_text(p, T("Technical details"));
  put(p, "</summary><dl>");
  definition(p, T("Credential ID"), s->id);
  definition(p, T("Issuer ID"), s->issuer_id);
  definition(p, T("Valid from"), s->valid_from);
  definition(p, T("Valid until"), s->valid_until);
  put(p, "</dl><ul>");
  for (size_t i = 0; i < v->check_count; i++) {
    const sc_check *c = &v->checks[i];
    put(p, "<li>");
    put(p, c->state == SC_CHECK_PASSED    ? "✓ "
           : c->state == SC_CHECK_FAILED  ? "✗ "
           : c->state == SC_CHECK_WARNING ? "! "
                                          : "– ");
    put_text(p, c->name);
    put(p, ": ");
    put_message(p, c->message); /* scrubbed: http_scrub_messages */
    put(p, "</li>");
  }
  put(p, "</ul></details>\n");
}

/* What the verdict page and the claim page both open with: the head, the language switch
 * (to lang_path), the issuer's logo, the verdict and what the credential claims. Whether v is
 * readable (JSON that is no credential claims nothing). */
static bool verdict_top(page *p, const sc_http_config *cfg, const sc_verification *v,
                        const char *lang_path) {
  verdict_words w = words_for(v->exit_code);
  bool readable = http_readable(v);
  const char *issuer = !readable ? NULL : v->trusted_as ? v->trusted_as : v->summary.issuer_name;
  head(p, sc_tr(p->lang, w.word), issuer);
  language_switch(p, lang_path);
  if (readable)
    logo(p, cfg, v);
  verdict_box(p, v);
  if (readable)
    claim(p, v);
  return readable;
}

void http_page_verdict(const sc_http_config *cfg, const sc_http_request *req,
                       const sc_verification *v, int status, sc_http_response *res) {
  page p = {&res->body, true, http_request_lang(req)};
  sc_buf_reset(&res->body);
  char *path = http_readable(v) ? own_path(req, v) : NULL;
  if (verdict_top(&p, cfg, v, path))
    actions(&p, cfg, path, v);
  technical_details(&p, v);
  foot(&p);
  free(path);
  finish(&p, status, res);
}

/* ---------------------------------------------------------------- the claim page */

static void download_link(page *p, const char *path, const char *file, const char *words) {
  put(p, "<a href=\"");
  put_text(p, path);
  put(p, "/");
  put(p, file);
  put(p, "\" download=\"");
  put(p, file);
  put(p, "\">");
  put_text(p, words);
  put(p, "</a>");
}

/* The learner's downloads and links. LinkedIn gets the public page (/C/<uuid>), never the
 * claim address. */
static void claim_actions(page *p, const sc_http_config *cfg, const http_claim_page *cp,
                          const sc_verification *v) {
  put(p, "<h2>");
  put_text(p, T("Your certificate"));
  put(p, "</h2><p class=\"actions\">");
  if (cp->pdf)
    download_link(p, cp->path, "certificate.pdf", T("Download the certificate (PDF)"));
  download_link(p, cp->path, "credential.json", T("Download the credential (JSON)"));
  if (cp->badge)
    download_link(p, cp->path, "badge.png", T("Download the Open Badge (PNG)"));
  if (v->exit_code == SC_OK)
    linkedin_link(p, cfg, cp->verify_path, v);
  put(p, "</p>\n");
  if (cfg->base_url) {
    put(p, "<p>");
    put_text(p, T("Anyone can check it at:"));
    put(p, " <a href=\"");
    put_text(p, cp->verify_path);
    put(p, "\">");
    put_text(p, cfg->base_url);
    put_text(p, cp->verify_path);
    put(p, "</a></p>\n");
  }
  put(p, cp->wallet_html);
  put(p, "<p class=\"lead\">");
  put_text(p, T("This page's address is yours alone: do not share it. Share the link above "
                "instead."));
  put(p, "</p>\n");
}

void http_page_claim(const sc_http_config *cfg, const sc_http_request *req,
                     const sc_verification *v, const http_claim_page *cp, sc_http_response *res) {
  page p = {&res->body, true, http_request_lang(req)};
  sc_buf_reset(&res->body);
  bool readable = verdict_top(&p, cfg, v, cp->path);
  claim_actions(&p, cfg, cp, v);
  technical_details(&p, v);
  foot(&p);
  finish(&p, readable ? 200 : 500, res);
}

/* ---------------------------------------------------------------- other pages */

void http_page_home(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res) {
  (void)cfg;
  page home = {&res->body, true, http_request_lang(req)};
  page *p = &home;
  sc_buf_reset(&res->body);
  head(p, T("Verify a certificate"), NULL);
  language_switch(p, "/");
  put(p, "<h1>");
  put_text(p, T("Verify a certificate"));
  put(p, "</h1><p class=\"lead\">");
  put_text(p, T("Scan the QR code on the certificate with your phone's camera, or paste the "
                "text of the QR code here, or upload the certificate's PDF or its credential "
                "file."));
  /* The answer comes in the same language: the form carries it in its address. */
  put(p, "</p><form method=\"post\" action=\"/verify?lang=");
  put(p, p->lang);
  put(p, "\" enctype=\"multipart/form-data\"><label for=\"qr\">");
  put_text(p, T("QR code text, verification link, or the code printed under the QR code"));
  put(p, "</label><textarea id=\"qr\" name=\"qr\" autocomplete=\"off\" spellcheck=\"false\">"
         "</textarea><label for=\"file\">");
  put_text(p, T("or a file: PDF certificate, credential JSON, or photo of the QR code"));
  put(p, "</label><input id=\"file\" name=\"file\" type=\"file\" "
         "accept=\".pdf,.json,.png,.jpg,.jpeg,application/pdf,application/json,image/png,"
         "image/jpeg\"><button type=\"submit\">");
  put_text(p, T("Verify"));
  put(p, "</button></form>\n");
  foot(p);
  finish(p, 200, res);
  res->cache_control = "public, max-age=300";
}

void http_page_error(const sc_http_request *req, int status, const char *title, const char *text,
                     sc_http_response *res) {
  page p = {&res->body, true, req ? http_request_lang(req) : SC_LANG_DEFAULT};
  title = sc_tr(p.lang, title);
  text = sc_tr(p.lang, text);
  sc_buf_reset(&res->body);
  head(&p, title, NULL);
  put(&p, "<h1>");
  put_text(&p, title);
  put(&p, "</h1><p>");
  put_text(&p, text);
  put(&p, "</p>\n");
  foot(&p);
  finish(&p, status, res);
}
