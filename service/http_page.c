/* The verification page: what an employer sees after scanning the QR code. Mobile first, no
 * script, no external resources, one inline style allowed by its hash; every field from the
 * credential is escaped and isolated (<bdi dir="auto">) so right-to-left names show right. */
#include "service/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "footer{margin-top:2rem;font-size:.9rem;color:#4a5058}";

const char *http_page_style(void) {
  return style;
}

/* The page being written; ok turns false once memory runs out and stays so. */
typedef struct page {
  sc_buf *out;
  bool ok;
} page;

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

static void head(page *p, const char *title) {
  put(p, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta name=\"robots\" content=\"noindex\"><title>");
  put_text(p, title);
  put(p, " — skillcert</title><style>");
  put(p, style);
  put(p, "</style></head>\n<body><main>\n");
}

static void foot(page *p) {
  put(p, "<footer><p><a href=\"/\">Verify another certificate</a></p>"
         "<p>Checked by skillcert: signature (eddsa-jcs-2022), issuer, validity period and the "
         "issuer's revocation list.</p></footer>\n</main></body></html>\n");
}

static void finish(page *p, int status, sc_http_response *res) {
  if (!p->ok) {
    http_answer(res, 500, HTTP_TEXT, "out of memory\n");
    return;
  }
  res->status = status;
  res->content_type = HTTP_HTML;
  res->security_headers = true;
}

/* ---------------------------------------------------------------- the verdict */

typedef struct verdict_words {
  const char *css, *word, *plain;
} verdict_words;

static verdict_words words_for(int code) {
  switch (code) {
  case SC_OK:
    return (verdict_words){"ok", "✓ Valid certificate",
                           "Genuine, current, and issued by an organisation this service "
                           "trusts."};
  case SC_EREVOKED:
    return (verdict_words){"bad", "✗ Revoked",
                           "The issuer has revoked this certificate. It is no longer valid."};
  case SC_ESUSPENDED:
    return (verdict_words){"warn", "⚠ Suspended",
                           "The issuer has suspended this certificate. It is not valid now."};
  case SC_EEXPIRED:
    return (verdict_words){"warn", "⚠ Expired or not yet valid",
                           "The certificate is genuine but not valid on today's date."};
  case SC_EUNTRUSTED:
    return (verdict_words){"warn", "⚠ Issuer not recognised",
                           "The signature is intact, but the issuer is not on this service's "
                           "list of trusted issuers. Anyone can sign a certificate."};
  case SC_ESTATUS:
    return (verdict_words){"warn", "⚠ Status could not be checked",
                           "We could not find out whether the issuer has revoked this "
                           "certificate. Try again later."};
  case SC_EINVALID:
    return (verdict_words){"bad", "✗ Not genuine",
                           "This certificate has been altered or was not signed by its "
                           "issuer. Do not rely on it."};
  case SC_ENOINPUT:
    return (verdict_words){"bad", "✗ Certificate not found",
                           "There is no certificate at this address."};
  default:
    return (verdict_words){"bad", "✗ Not a readable certificate",
                           "This is not a certificate we can read: the code may be damaged or "
                           "incomplete."};
  }
}

static const sc_check *first_failure(const sc_verification *v) {
  for (size_t i = 0; i < v->check_count; i++) {
    if (v->checks[i].state == SC_CHECK_FAILED && v->checks[i].code == v->exit_code)
      return &v->checks[i];
  }
  return NULL;
}

static void verdict_box(page *p, const sc_verification *v) {
  verdict_words w = words_for(v->exit_code);
  put(p, "<section class=\"verdict ");
  put(p, w.css);
  put(p, "\" role=\"status\"><p class=\"word\">");
  put(p, w.word);
  put(p, "</p><p>");
  put(p, w.plain);
  put(p, "</p>");
  const sc_check *failure = first_failure(v);
  if (failure && v->exit_code != SC_OK) {
    put(p, "<p>Why: ");
    put_field(p, failure->message); /* scrubbed: http_scrub_messages */
    put(p, "</p>");
  }
  put(p, "</section>\n");
}

static const char *string_at(const json_t *object, const char *key) {
  return json_string_value(json_object_get(object, key));
}

static const json_t *achievement_of(const json_t *credential) {
  const json_t *subject = json_object_get(credential, "credentialSubject");
  if (json_is_array(subject))
    subject = json_array_get(subject, 0);
  return json_object_get(subject, "achievement");
}

static void definition(page *p, const char *term, const char *value, size_t max_chars) {
  if (!value || !*value)
    return;
  put(p, "<dt>");
  put(p, term);
  put(p, "</dt><dd>");
  if (max_chars && strlen(value) >= max_chars) {
    char cut[32];
    snprintf(cut, sizeof cut, "%.*s", (int)max_chars, value);
    put_field(p, cut);
  } else {
    put_field(p, value);
  }
  put(p, "</dd>");
}

static void claim(page *p, const sc_verification *v) {
  const sc_credential_summary *s = &v->summary;
  const json_t *achievement = achievement_of(v->credential);
  if (v->exit_code != SC_OK)
    put(p, "<p class=\"lead\">The certificate claims (not confirmed):</p>");
  put(p, "<h1>");
  put_field(p, s->recipient_name ? s->recipient_name : "(no name)");
  put(p, "</h1><p class=\"lead\">has earned</p><h2>");
  put_field(p, s->achievement_name ? s->achievement_name : "(no achievement)");
  put(p, "</h2>");
  const char *description = string_at(achievement, "description");
  if (description) {
    put(p, "<p>");
    put_field(p, description);
    put(p, "</p>");
  }
  put(p, "<dl>");
  definition(p, "Criteria", string_at(json_object_get(achievement, "criteria"), "narrative"), 0);
  if (v->trusted_as) {
    definition(p, "Issued by", v->trusted_as, 0);
  } else if (s->issuer_name) {
    put(p, "<dt>Issued by</dt><dd>");
    put_field(p, s->issuer_name);
    put(p, " (as the certificate claims; not on the trust list)</dd>");
  }
  definition(p, "Issued on", s->valid_from, 10);
  definition(p, "Expires", s->valid_until, 10);
  definition(p, "Credential ID", s->id, 0);
  put(p, "</dl>\n");
}

/* https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&… (LinkedIn's
 * add-certification link), every value URL-encoded. */
static void linkedin_link(page *p, const sc_http_config *cfg, const char *own_path,
                          const sc_verification *v) {
  const sc_credential_summary *s = &v->summary;
  sc_buf url = {0};
  bool ok = sc_buf_append_str(&url, "https://www.linkedin.com/profile/add?startTask="
                                    "CERTIFICATION_NAME&name=") &&
            http_url_encode(&url, s->achievement_name ? s->achievement_name : "") &&
            sc_buf_append_str(&url, "&organizationName=") &&
            http_url_encode(&url, v->trusted_as ? v->trusted_as : "");
  int year = 0, month = 0;
  if (ok && s->valid_from && sscanf(s->valid_from, "%4d-%2d", &year, &month) == 2) {
    char date[64];
    snprintf(date, sizeof date, "&issueYear=%d&issueMonth=%d", year, month);
    ok = sc_buf_append_str(&url, date);
  }
  if (ok && s->valid_until && sscanf(s->valid_until, "%4d-%2d", &year, &month) == 2) {
    char date[64];
    snprintf(date, sizeof date, "&expirationYear=%d&expirationMonth=%d", year, month);
    ok = sc_buf_append_str(&url, date);
  }
  if (ok && cfg->base_url) {
    sc_buf cert = {0};
    ok = sc_buf_append_str(&cert, cfg->base_url) && sc_buf_append_str(&cert, own_path) &&
         sc_buf_append_str(&url, "&certUrl=") && http_url_encode(&url, (char *)cert.data);
    sc_buf_free(&cert);
  }
  ok = ok && sc_buf_append_str(&url, "&certId=") && http_url_encode(&url, s->id ? s->id : "");
  if (ok) {
    put(p, "<a href=\"");
    put_text(p, (const char *)url.data);
    put(p, "\" rel=\"noopener noreferrer\">Add to LinkedIn profile</a>");
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
  /* The encoder wants a base URL; "X" is one letter to cut off again. */
  char *url = sc_qr_payload_encode(v->credential, "X", NULL);
  if (!url || strlen(url) > OWN_PATH_MAX) {
    free(url);
    return NULL;
  }
  memmove(url, url + 1, strlen(url)); /* the terminating NUL moves too */
  return url;
}

static void actions(page *p, const sc_http_config *cfg, const sc_http_request *req,
                    const sc_verification *v) {
  char *path = own_path(req, v);
  if (!path)
    return;
  put(p, "<p class=\"actions\"><a href=\"");
  put_text(p, path);
  put(p, "?download=1\" download=\"credential.json\">Download the credential (JSON)</a>");
  if (v->exit_code == SC_OK)
    linkedin_link(p, cfg, path, v);
  put(p, "</p>\n");
  free(path);
}

static void check_list(page *p, const sc_verification *v) {
  put(p, "<details><summary>What was checked</summary><ul>");
  for (size_t i = 0; i < v->check_count; i++) {
    const sc_check *c = &v->checks[i];
    put(p, "<li>");
    put(p, c->state == SC_CHECK_PASSED    ? "✓ "
           : c->state == SC_CHECK_FAILED  ? "✗ "
           : c->state == SC_CHECK_WARNING ? "! "
                                          : "– ");
    put_text(p, c->name);
    put(p, ": ");
    put_field(p, c->message);
    put(p, "</li>");
  }
  put(p, "</ul></details>\n");
}

void http_page_verdict(const sc_http_config *cfg, const sc_http_request *req,
                       const sc_verification *v, int status, sc_http_response *res) {
  page p = {&res->body, true};
  sc_buf_reset(&res->body);
  verdict_words w = words_for(v->exit_code);
  head(&p, w.word + 4); /* the title without the ✓, ✗ or ⚠ mark (3 bytes and a space) */
  verdict_box(&p, v);
  if (http_readable(v)) { /* JSON that is no credential claims nothing */
    claim(&p, v);
    actions(&p, cfg, req, v);
  }
  check_list(&p, v);
  foot(&p);
  finish(&p, status, res);
}

/* ---------------------------------------------------------------- other pages */

void http_page_home(const sc_http_config *cfg, sc_http_response *res) {
  (void)cfg;
  page p = {&res->body, true};
  sc_buf_reset(&res->body);
  head(&p, "Verify a certificate");
  put(&p, "<h1>Verify a certificate</h1>"
          "<p class=\"lead\">Scan the QR code on the certificate with your phone's camera, or "
          "paste the text of the QR code here, or upload the certificate's PDF or its "
          "credential file.</p>"
          "<form method=\"post\" action=\"/verify\" enctype=\"multipart/form-data\">"
          "<label for=\"qr\">QR code text or verification link</label>"
          "<textarea id=\"qr\" name=\"qr\" autocomplete=\"off\" spellcheck=\"false\"></textarea>"
          "<label for=\"file\">or a file: PDF certificate, credential JSON, or photo of the "
          "QR code</label>"
          "<input id=\"file\" name=\"file\" type=\"file\" "
          "accept=\".pdf,.json,.png,.jpg,.jpeg,application/pdf,application/json,image/png,"
          "image/jpeg\">"
          "<button type=\"submit\">Verify</button></form>\n");
  foot(&p);
  finish(&p, 200, res);
  res->cache_control = "public, max-age=300";
}

void http_page_error(int status, const char *title, const char *text, sc_http_response *res) {
  page p = {&res->body, true};
  sc_buf_reset(&res->body);
  head(&p, title);
  put(&p, "<h1>");
  put_text(&p, title);
  put(&p, "</h1><p>");
  put_text(&p, text);
  put(&p, "</p>\n");
  foot(&p);
  finish(&p, status, res);
}
