/* A certificate e-mail as an RFC 5322 / MIME message (docs/mail.md): multipart/mixed holding a
 * multipart/alternative (text/plain and text/html, UTF-8, base64) and the attachments (base64).
 * Names and the subject go into headers as RFC 2047 encoded-words when they are not plain
 * ASCII; every line ends in CRLF, as SMTP wants. */
#include "issuer/issuer.h"

#include <string.h>
#include <time.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 (RFC 4648 section 4, padded) of data[0..len), no line breaks. */
static bool append_base64(sc_buf *out, const uint8_t *data, size_t len) {
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16;
    if (i + 1 < len)
      v |= (uint32_t)data[i + 1] << 8;
    if (i + 2 < len)
      v |= data[i + 2];
    char quad[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < len ? b64[v >> 6 & 63] : '=',
                    i + 2 < len ? b64[v & 63] : '='};
    if (!sc_buf_append(out, quad, 4))
      return false;
  }
  return true;
}

/* A body part's base64: lines of 76 characters (RFC 2045 6.8). */
static bool append_base64_lines(sc_buf *out, const void *data, size_t len) {
  const uint8_t *p = data;
  for (size_t i = 0; i < len; i += 57)
    if (!append_base64(out, p + i, len - i < 57 ? len - i : 57) || !sc_buf_append_str(out, "\r\n"))
      return false;
  return true;
}

static bool plain_ascii(const char *text) {
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    if (*p < 0x20 || *p > 0x7e)
      return false;
  return true;
}

/* text as encoded-words "=?UTF-8?B?…?=", each at most 75 characters (RFC 2047 2), split between
 * characters, never inside one; folded onto continuation lines. */
static bool append_encoded_words(sc_buf *out, const char *text) {
  size_t len = strlen(text), start = 0;
  while (start < len) {
    size_t end = start;
    /* 45 bytes of UTF-8 make 60 base64 characters: with "=?UTF-8?B?" and "?=", 72. */
    while (end < len && end - start < 45) {
      size_t next = end + 1;
      while (next < len && ((unsigned char)text[next] & 0xc0) == 0x80)
        next++;
      if (next - start > 45)
        break;
      end = next;
    }
    if (end == start)
      end = start + 1;
    if ((start > 0 && !sc_buf_append_str(out, "\r\n ")) || !sc_buf_append_str(out, "=?UTF-8?B?") ||
        !append_base64(out, (const uint8_t *)text + start, end - start) ||
        !sc_buf_append_str(out, "?="))
      return false;
    start = end;
  }
  return true;
}

/* A header value that is free text (a subject): as is when plain ASCII, else encoded. */
static bool append_text_value(sc_buf *out, const char *text) {
  return plain_ascii(text) ? sc_buf_append_str(out, text) : append_encoded_words(out, text);
}

/* "Name" <addr>: the name quoted when plain ASCII, encoded-words otherwise (RFC 2047 5(3)). */
static bool append_mailbox(sc_buf *out, const char *name, const char *addr) {
  bool ok = true;
  if (name && *name) {
    if (plain_ascii(name)) {
      ok = sc_buf_append_byte(out, '"');
      for (const char *p = name; ok && *p; p++)
        ok = (*p == '"' || *p == '\\' ? sc_buf_append_byte(out, '\\') : true) &&
             sc_buf_append_byte(out, (unsigned char)*p);
      ok = ok && sc_buf_append_byte(out, '"');
    } else {
      ok = append_encoded_words(out, name);
    }
    ok = ok && sc_buf_append_byte(out, ' ');
  }
  return ok && sc_buf_append_byte(out, '<') && sc_buf_append_str(out, addr) &&
         sc_buf_append_byte(out, '>');
}

/* RFC 5322 3.3 in UTC: "Fri, 04 Dec 2026 22:13:43 +0000" (English names, whatever the locale). */
static void format_date(int64_t epoch, char out[40]) {
  static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = (time_t)epoch;
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
           months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool append_header(sc_buf *out, const char *name, const char *value) {
  return sc_buf_append_str(out, name) && sc_buf_append_str(out, ": ") &&
         sc_buf_append_str(out, value) && sc_buf_append_str(out, "\r\n");
}

static bool append_text_part(sc_buf *out, const char *boundary, const char *type,
                             const char *text) {
  return sc_buf_append_str(out, "--") && sc_buf_append_str(out, boundary) &&
         sc_buf_append_str(out, "\r\nContent-Type: ") && sc_buf_append_str(out, type) &&
         sc_buf_append_str(out, "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n") &&
         append_base64_lines(out, text, strlen(text));
}

static bool append_attachment(sc_buf *out, const char *boundary, const sc_mail_attachment *a) {
  return sc_buf_append_str(out, "--") && sc_buf_append_str(out, boundary) &&
         sc_buf_append_str(out, "\r\nContent-Type: ") && sc_buf_append_str(out, a->content_type) &&
         sc_buf_append_str(out, "; name=\"") && sc_buf_append_str(out, a->filename) &&
         sc_buf_append_str(out, "\"\r\nContent-Disposition: attachment; filename=\"") &&
         sc_buf_append_str(out, a->filename) &&
         sc_buf_append_str(out, "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n") &&
         append_base64_lines(out, a->data, a->len);
}

/* What goes into a header must not end it: no CR, LF or other control character. */
static int check_header_text(const char *text, const char *field, sc_error *err) {
  return text ? sc_text_check(text, field, 998, err) : SC_OK;
}

static int check_message(const sc_mail_message *m, sc_error *err) {
  if (!sc_is_email(m->from_addr))
    return sc_fail(err, SC_EUSAGE, "sender: '%s' is not an e-mail address", m->from_addr);
  if (!sc_is_email(m->to_addr))
    return sc_fail(err, SC_EDATA, "recipient: not an e-mail address");
  int rc = check_header_text(m->from_name, "sender name", err);
  if (rc == SC_OK)
    rc = check_header_text(m->to_name, "recipient name", err);
  if (rc == SC_OK)
    rc = check_header_text(m->subject, "subject", err);
  for (size_t i = 0; rc == SC_OK && i < m->attachment_count; i++)
    if (!plain_ascii(m->attachments[i].filename) || strpbrk(m->attachments[i].filename, "\"\\"))
      rc = sc_fail(err, SC_ESOFTWARE, "attachment name '%s' is not plain",
                   m->attachments[i].filename);
  return rc;
}

/* The subject, text and html with their placeholders filled in (mail_texts.c). */
typedef struct filled {
  sc_buf subject, text, html;
} filled;

static void filled_free(filled *f) {
  sc_buf_free(&f->subject);
  sc_buf_free(&f->text);
  sc_buf_free(&f->html);
}

static int fill(const sc_mail_message *m, filled *f, sc_error *err) {
  int rc = sc_mail_expand(m->subject, m, false, false, &f->subject, err);
  if (rc == SC_OK)
    rc = sc_mail_expand(m->text, m, false, true, &f->text, err);
  if (rc == SC_OK)
    rc = sc_mail_expand(m->html, m, true, true, &f->html, err);
  if (rc == SC_OK && !(sc_buf_append_byte(&f->subject, '\0') &&
                       sc_buf_append_byte(&f->text, '\0') && sc_buf_append_byte(&f->html, '\0')))
    rc = sc_oom(err);
  return rc;
}

static int build(const sc_mail_message *m, sc_buf *out, sc_error *err);

int sc_mail_build(const sc_mail_message *given, sc_buf *out, sc_error *err) {
  filled f = {{0}, {0}, {0}};
  int rc = fill(given, &f, err);
  sc_mail_message m = *given;
  m.subject = (const char *)f.subject.data;
  m.text = (const char *)f.text.data;
  m.html = (const char *)f.html.data;
  if (rc == SC_OK)
    rc = build(&m, out, err);
  filled_free(&f);
  return rc;
}

static int build(const sc_mail_message *m, sc_buf *out, sc_error *err) {
  int rc = check_message(m, err);
  if (rc != SC_OK)
    return rc;
  char uuid[SC_UUID_SIZE], mixed[64], alternative[64], date[40];
  if ((rc = sc_uuid_v4(uuid, err)) != SC_OK)
    return rc;
  /* Boundaries cannot occur in base64 text (it has no '='-led runs of this shape). */
  snprintf(mixed, sizeof mixed, "=_mixed_%s", uuid);
  snprintf(alternative, sizeof alternative, "=_alt_%s", uuid);
  format_date(m->date, date);
  const char *domain = strchr(m->from_addr, '@') + 1;
  bool ok = sc_buf_append_str(out, "From: ") && append_mailbox(out, m->from_name, m->from_addr) &&
            sc_buf_append_str(out, "\r\nTo: ") && append_mailbox(out, m->to_name, m->to_addr) &&
            sc_buf_append_str(out, "\r\nSubject: ") && append_text_value(out, m->subject) &&
            sc_buf_append_str(out, "\r\n") && append_header(out, "Date", date) &&
            sc_buf_append_str(out, "Message-ID: <") && sc_buf_append_str(out, uuid) &&
            sc_buf_append_byte(out, '@') && sc_buf_append_str(out, domain) &&
            sc_buf_append_str(out, ">\r\n") && append_header(out, "MIME-Version", "1.0") &&
            (!m->language || append_header(out, "Content-Language", m->language)) &&
            sc_buf_append_str(out, "Content-Type: multipart/mixed; boundary=\"") &&
            sc_buf_append_str(out, mixed) && sc_buf_append_str(out, "\"\r\n\r\n--") &&
            sc_buf_append_str(out, mixed) &&
            sc_buf_append_str(out, "\r\nContent-Type: multipart/alternative; boundary=\"") &&
            sc_buf_append_str(out, alternative) && sc_buf_append_str(out, "\"\r\n\r\n") &&
            append_text_part(out, alternative, "text/plain", m->text) &&
            append_text_part(out, alternative, "text/html", m->html) &&
            sc_buf_append_str(out, "--") && sc_buf_append_str(out, alternative) &&
            sc_buf_append_str(out, "--\r\n");
  for (size_t i = 0; ok && i < m->attachment_count; i++)
    ok = append_attachment(out, mixed, &m->attachments[i]);
  ok = ok && sc_buf_append_str(out, "--") && sc_buf_append_str(out, mixed) &&
       sc_buf_append_str(out, "--\r\n");
  return ok ? SC_OK : sc_oom(err);
}
