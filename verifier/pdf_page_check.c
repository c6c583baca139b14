/*
 * The "page" check of a PDF certificate: the signed credential is the attachment, but a person
 * reads the page, so the page must show that credential — the recipient's name, the
 * achievement's name, and a QR code holding it or linking to it (docs/verify.md, "What the
 * page shows"). The page is read by poppler (pdf_page.cc), the QR code by zbar.
 *
 * skillcert's own PDFs (Creator "skillcert") must show all three. A PDF made by another tool
 * may lay its page out in any way, so it must only show the recipient's name, and a skillcert
 * QR code on it, if there is one, must be this credential's.
 */
#include "verifier/verifier.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* 150 dpi reads a version-20 code of 50 mm (docs/pdf.md), scanning every other line. A
 * skillcert page whose code is not found so is tried again at 300 dpi, every line (a smaller
 * code: 30 mm at the least). */
#define PAGE_DPI 150
#define PAGE_SCAN_STEP 2
#define PAGE_DPI_RETRY 300

typedef struct page_problem {
  char text[512];
  bool qr_matched; /* a QR code on the page holds or names this very credential */
} page_problem;

static bool problem(page_problem *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool problem(page_problem *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->text, sizeof p->text, fmt, ap);
  va_end(ap);
  return true;
}

/* The length of text's first max bytes or less, not cutting a UTF-8 sequence: credential
 * values quoted in a message must stay UTF-8 for the JSON report. */
static int utf8_cut(const char *text, size_t max) {
  size_t len = strlen(text);
  if (len <= max)
    return (int)len;
  while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
    max--;
  return (int)max;
}

/* ---------------------------------------------------------------- text */

static bool is_line_break(utf8proc_int32_t c) {
  return c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x85 || c == 0x2028 ||
         c == 0x2029;
}

static bool is_space(utf8proc_int32_t c) {
  utf8proc_category_t cat = utf8proc_category(c);
  return c == '\t' || is_line_break(c) || cat == UTF8PROC_CATEGORY_ZS ||
         cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

/* Text as compared: NFKC (a ligature or an Arabic presentation form is its letters), case
 * folded (a certificate may print the name in capitals), without the invisible bidi marks
 * pdftotext puts around right-to-left runs, and every run of white space one character, none
 * at the ends: '\n' when it held a line break, else ' '. NULL when text is not UTF-8 or
 * memory ran out. */
static char *comparable(const char *text) {
  utf8proc_uint8_t *mapped = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text, 0, &mapped,
                                    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
  if (n < 0)
    return NULL;
  char *out = (char *)mapped;
  size_t w = 0;
  char pending = 0;
  for (utf8proc_ssize_t r = 0; r < n;) {
    utf8proc_int32_t c;
    utf8proc_ssize_t len = utf8proc_iterate(mapped + r, n - r, &c);
    if (len <= 0)
      break;
    if (is_space(c)) {
      if (w > 0 && pending != '\n')
        pending = is_line_break(c) ? '\n' : ' ';
    } else {
      if (pending)
        out[w++] = pending;
      pending = 0;
      memmove(out + w, mapped + r, (size_t)len);
      w += (size_t)len;
    }
    r += len;
  }
  out[w] = '\0';
  return out;
}

/* The page's text three times: with its line breaks, with every line break a space (a name
 * wrapped at a space), and with every line break dropped (a name without spaces, Chinese or
 * Japanese, that the renderer broke between characters: docs/templates.md, "Text boxes");
 * line_start[i]: a line starts at joined[i]. NULL members when memory ran out. */
typedef struct page_text {
  char *lines;
  char *flat;
  char *joined;
  bool *line_start;
} page_text;

static page_text page_text_of(const char *text) {
  page_text t = {comparable(text), comparable(text), comparable(text), NULL};
  for (char *nl = t.flat ? strchr(t.flat, '\n') : NULL; nl; nl = strchr(nl, '\n'))
    *nl = ' ';
  size_t len = t.joined ? strlen(t.joined) : 0, w = 0;
  if (t.joined && (t.line_start = calloc(len + 1, sizeof *t.line_start)))
    for (size_t r = 0; r <= len; r++) {
      if (t.joined[r] == '\n')
        t.line_start[w] = true;
      else
        t.joined[w++] = t.joined[r];
    }
  return t;
}

static void page_text_free(page_text *t) {
  free(t->lines);
  free(t->flat);
  free(t->joined);
  free(t->line_start);
}

/* A letter, mark or digit: a name found next to one is part of a longer word ("Ann" in
 * "Joanne"), not the name. */
static bool is_word_char(utf8proc_int32_t c) {
  switch (utf8proc_category(c)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return true;
  default:
    return false;
  }
}

/* The code point that ends just before text + at (UTF-8 continuation bytes are 10xxxxxx). */
static utf8proc_int32_t char_before(const char *text, size_t at) {
  if (at == 0)
    return -1;
  size_t start = at - 1;
  while (start > 0 && ((unsigned char)text[start] & 0xC0) == 0x80)
    start--;
  utf8proc_int32_t c = -1;
  utf8proc_iterate((const utf8proc_uint8_t *)text + start, (utf8proc_ssize_t)(at - start), &c);
  return c;
}

/* Whether the page shows wanted (comparable): as whole lines (own PDFs, where a name is a text
 * block of its own, so a course named in the description does not stand for the title), or
 * as whole words (other PDFs: "Ann" is not shown by "Joanne"). */
static bool shows(const page_text *page, const char *wanted, bool whole_lines) {
  size_t len = strlen(wanted);
  if (len == 0)
    return true;
  for (const char *at = strstr(page->flat, wanted); at; at = strstr(at + 1, wanted)) {
    size_t start = (size_t)(at - page->flat), end = start + len;
    bool starts, ends;
    if (whole_lines) {
      starts = start == 0 || page->lines[start - 1] == '\n';
      ends = page->lines[end] == '\0' || page->lines[end] == '\n';
    } else {
      utf8proc_int32_t after = -1;
      if (at[len])
        utf8proc_iterate((const utf8proc_uint8_t *)at + len, -1, &after);
      starts = !is_word_char(char_before(page->flat, start));
      ends = after < 0 || !is_word_char(after);
    }
    if (starts && ends)
      return true;
  }
  /* Broken between characters: whole lines only (a skillcert page), since without the
   * breaks word boundaries are gone. */
  for (const char *at = whole_lines ? strstr(page->joined, wanted) : NULL; at;
       at = strstr(at + 1, wanted)) {
    size_t start = (size_t)(at - page->joined), end = start + len;
    if ((start == 0 || page->line_start[start]) && (!at[len] || page->line_start[end]))
      return true;
  }
  return false;
}

/* True with a problem when the page does not show value (the credential's field "what") in
 * either order of its text (page[0], page[1]). */
static bool text_problem(const page_text page[2], const char *value, const char *what,
                         bool whole_lines, page_problem *p) {
  if (!value)
    return false; /* the credential has none: nothing for the page to show */
  char *wanted = comparable(value);
  if (wanted) /* a name is one line in the credential; a line break in it counts as a space */
    for (char *nl = strchr(wanted, '\n'); nl; nl = strchr(nl, '\n'))
      *nl = ' ';
  bool found =
      wanted && (shows(&page[0], wanted, whole_lines) || shows(&page[1], wanted, whole_lines));
  free(wanted);
  return !found && problem(p, "the page does not show the credential's %s (\"%.*s\")", what,
                           utf8_cut(value, 150), value);
}

/* ---------------------------------------------------------------- QR code */

/* A link's UUID names the credential whose id is urn:uuid:<UUID> (input.c's rule). */
static bool id_has_uuid(const char *id, const char *uuid) {
  size_t id_len = id ? strlen(id) : 0, uuid_len = strlen(uuid);
  return id_len >= uuid_len && strcasecmp(id + id_len - uuid_len, uuid) == 0 &&
         (id_len == uuid_len || id[id_len - uuid_len - 1] == ':');
}

static bool payload_problem(const sc_verification *v, const sc_buf *text, bool own,
                            page_problem *p) {
  sc_buf terminated = {0};
  sc_error err = {0};
  sc_qr_content qr;
  memset(&qr, 0, sizeof qr);
  if (!sc_buf_append(&terminated, text->data, text->len) || !sc_buf_append(&terminated, "", 1))
    return problem(p, "out of memory reading the QR code");
  int rc = memchr(text->data, 0, text->len)
               ? sc_fail(&err, SC_EDATA, "contains a NUL byte")
               : sc_qr_payload_decode((const char *)terminated.data, &qr, &err);
  sc_buf_free(&terminated);
  bool found = false;
  const char *id = v->summary.id;
  if (rc != SC_OK)
    /* Another tool's QR code may well be a link to its own site. */
    found = own && problem(p, "the QR code on the page is not a skillcert payload (%.*s)",
                           utf8_cut(err.message, 200), err.message);
  else if (qr.kind == SC_QR_LINK && !id_has_uuid(id, qr.uuid))
    found = problem(p, "the QR code on the page links to credential %s, not to this one (%.*s)",
                    qr.uuid, utf8_cut(id ? id : "without an id", 100), id ? id : "without an id");
  else if (qr.kind == SC_QR_EMBEDDED && !json_equal(qr.credential, v->credential)) {
    const char *other = json_string_value(json_object_get(qr.credential, "id"));
    other = other ? other : "without an id";
    found = problem(p, "the QR code on the page holds another credential (%.*s), not this one",
                    utf8_cut(other, 100), other);
  }
  sc_qr_content_free(&qr);
  return found;
}

/* Whether text decodes as a skillcert QR payload (payload_problem has compared it already). */
static bool qr_is_skillcert_payload(const sc_buf *text) {
  sc_buf terminated = {0};
  sc_qr_content qr;
  memset(&qr, 0, sizeof qr);
  bool ok = !memchr(text->data, 0, text->len) && sc_buf_append(&terminated, text->data, text->len) &&
            sc_buf_append(&terminated, "", 1) &&
            sc_qr_payload_decode((const char *)terminated.data, &qr, NULL) == SC_OK;
  sc_qr_content_free(&qr);
  sc_buf_free(&terminated);
  return ok;
}

static bool qr_problem(const sc_verification *v, const sc_pdf_page *page, const uint8_t *pdf,
                       size_t len, bool own, page_problem *p) {
  sc_buf text = {0};
  int rc = sc_page_read_qr(page, PAGE_SCAN_STEP, &text, NULL);
  if (rc != SC_OK && own) {
    sc_pdf_page sharper;
    if (sc_pdf_page_read(pdf, len, PAGE_DPI_RETRY, &sharper, NULL) == SC_OK)
      rc = sc_page_read_qr(&sharper, 1, &text, NULL);
    sc_pdf_page_free(&sharper);
  }
  bool found;
  if (rc != SC_OK)
    found = own && problem(p, "no QR code could be read on the page");
  else
    found = payload_problem(v, &text, own, p);
  p->qr_matched = rc == SC_OK && !found && qr_is_skillcert_payload(&text);
  sc_buf_free(&text);
  return found;
}

/* ---------------------------------------------------------------- the check */

/* An achievement named in several languages (a VC 2.0 language map) is shown in the
 * certificate's one language: any of its names will do. */
static bool achievement_problem(const sc_verification *v, const page_text text[2], bool own,
                                page_problem *p) {
  const json_t *subject = json_object_get(v->credential, "credentialSubject");
  const json_t *names = json_object_get(json_object_get(subject, "achievement"), "name");
  if (!json_is_array(names))
    return text_problem(text, v->summary.achievement_name, "achievement", own, p);
  size_t i;
  const json_t *item;
  json_array_foreach(names, i, item) {
    page_problem ignored = *p;
    const char *name = json_string_value(json_object_get(item, "@value"));
    if (name && !text_problem(text, name, "achievement", own, &ignored))
      return false;
  }
  return text_problem(text, sc_json_text(names, NULL), "achievement", own, p);
}

static bool page_problem_of(const sc_verification *v, const sc_pdf_page *page, const uint8_t *pdf,
                            size_t len, bool own, page_problem *p) {
  page_text text[2] = {page_text_of(page->text), page_text_of(page->text_drawn)};
  bool found;
  if (!text[0].lines || !text[0].flat || !text[0].line_start || !text[1].lines || !text[1].flat ||
      !text[1].line_start) {
    found = problem(p, "the page's text cannot be read");
  } else {
    const sc_credential_summary *s = &v->summary;
    found = text_problem(text, s->recipient_name, "name", own, p) ||
            (own && achievement_problem(v, text, own, p));
  }
  page_text_free(&text[0]);
  page_text_free(&text[1]);
  return found || qr_problem(v, page, pdf, len, own, p);
}

/* Whether the input was taken for a PDF, told exactly as sc_input_to_credential tells it (a
 * byte order mark skipped first): a PDF read for its attachment must not escape its page. */
static bool is_pdf_input(const uint8_t *data, size_t len) {
  size_t bom = sc_utf8_bom_length(data, len);
  sc_input_kind kind;
  return sc_input_sniff(data + bom, len - bom, &kind, NULL) == SC_OK && kind == SC_INPUT_PDF;
}

void sc_check_pdf_page(sc_verification *v, const uint8_t *data, size_t len) {
  if (!is_pdf_input(data, len) || !json_is_object(v->credential) || v->exit_code >= SC_EUSAGE)
    return;
  sc_pdf_page page;
  sc_error err = {0};
  if (sc_pdf_page_read(data, len, PAGE_DPI, &page, &err) != SC_OK) {
    char message[512];
    sc_text_mark_cut(message, sizeof message,
                     snprintf(message, sizeof message, "the page cannot be read: %s", err.message));
    sc_verification_record(v, "page", SC_CHECK_FAILED, SC_EINVALID, message);
    return;
  }
  bool own = strcmp(page.creator, "skillcert") == 0;
  page_problem p = {{0}, false};
  if (page_problem_of(v, &page, data, len, own, &p))
    sc_verification_record(v, "page", SC_CHECK_FAILED, SC_EINVALID, p.text);
  else if (p.qr_matched && sc_pdf_lacks_attachment(data, len)) /* read from the page's QR */
    sc_verification_record(v, "page", SC_CHECK_WARNING, SC_OK,
                           "the PDF has no credential.json attachment (printed to PDF again?): "
                           "the credential was read from the page's QR code, so there was no "
                           "attachment to compare the page with; the page shows its name");
  else
    sc_verification_record(v, "page", SC_CHECK_PASSED, SC_OK,
                           own ? "the page shows the credential's name, achievement and QR code"
                               : "the page shows the credential's name (a PDF not made by "
                                 "skillcert: its layout is not checked)");
  sc_pdf_page_free(&page);
}
