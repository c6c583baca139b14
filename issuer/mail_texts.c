/* The words of a certificate e-mail with their placeholders ({name}, {claim_url}, …): a
 * template's mail.json (docs/templates.md "E-mail texts") and the expansion sc_mail_build
 * applies to every message, the built-in texts too. Expansion is one pass: a value is put in as
 * it is (HTML-escaped in HTML) and never read for placeholders again, so a learner named
 * "{verify_url}" stays that. A line using a placeholder without a value (no claim page yet) is
 * left out whole. */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAIL_JSON_MAX (1 << 20)

const char *const sc_mail_placeholders[] = {"name",          "achievement", "issuer",
                                            "credential_id", "verify_url",  "linkedin_url",
                                            "claim_url",     "pdf_url",     NULL};

/* The value of placeholder name[0..len) in m, *known false for no placeholder of that name. */
static const char *value_of(const sc_mail_message *m, const char *name, size_t len, bool *known) {
  const char *values[] = {m->to_name,    m->achievement,  m->from_name, m->credential_id,
                          m->verify_url, m->linkedin_url, m->claim_url, m->pdf_url};
  for (size_t i = 0; sc_mail_placeholders[i]; i++)
    if (strlen(sc_mail_placeholders[i]) == len && memcmp(sc_mail_placeholders[i], name, len) == 0) {
      *known = true;
      return values[i];
    }
  *known = false;
  return NULL;
}

/* At p: "{word}" where word is [a-z_]+; its length without braces, 0 when p starts none. */
static size_t placeholder_at(const char *p) {
  if (*p != '{')
    return 0;
  size_t n = 1;
  while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '_')
    n++;
  return n > 1 && p[n] == '}' ? n - 1 : 0;
}

int sc_mail_placeholders_check(const char *text, const char *where, sc_error *err) {
  static const sc_mail_message none = {0};
  for (const char *p = text; *p; p++) {
    size_t n = placeholder_at(p);
    bool known;
    if (n && (value_of(&none, p + 1, n, &known), !known)) {
      char list[256] = "";
      for (size_t i = 0; sc_mail_placeholders[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s{%s}", i ? ", " : "",
                 sc_mail_placeholders[i]);
      return sc_fail(err, SC_EDATA, "%s: unknown placeholder {%.*s}; expected one of %s", where,
                     (int)n, p + 1, list);
    }
  }
  return SC_OK;
}

static bool append_escaped(sc_buf *out, const char *text, bool html) {
  return html ? sc_buf_append_html_escaped(out, text) : sc_buf_append_str(out, text);
}

/* Does line[0..len) use a placeholder that has no value? */
static bool line_wants_missing(const char *line, size_t len, const sc_mail_message *m) {
  for (size_t i = 0; i < len; i++) {
    size_t n = placeholder_at(line + i);
    bool known;
    if (n && i + n + 2 <= len && !value_of(m, line + i + 1, n, &known) && known)
      return true;
  }
  return false;
}

static bool blank(const char *line, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return false;
  return true;
}

/* out ends with a blank line (or is empty): a left-out line's blank neighbour is dropped too. */
static bool ends_blank(const sc_buf *out) {
  return out->len == 0 || (out->len >= 4 && memcmp(out->data + out->len - 4, "\r\n\r\n", 4) == 0);
}

static bool expand_line(sc_buf *out, const char *line, size_t len, const sc_mail_message *m,
                        bool html) {
  bool ok = true;
  for (size_t i = 0; ok && i < len;) {
    size_t n = placeholder_at(line + i);
    bool known = false;
    const char *value = n && i + n + 2 <= len ? value_of(m, line + i + 1, n, &known) : NULL;
    if (known) {
      ok = append_escaped(out, value ? value : "", html);
      i += n + 2;
    } else {
      ok = sc_buf_append_byte(out, (unsigned char)line[i++]);
    }
  }
  return ok;
}

int sc_mail_expand(const char *text, const sc_mail_message *m, bool html, bool lines, sc_buf *out,
                   sc_error *err) {
  int rc = sc_mail_placeholders_check(text, "e-mail text", err);
  bool ok = true, dropped = false;
  for (const char *line = text; rc == SC_OK && ok && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    size_t body = len && line[len - 1] == '\r' ? len - 1 : len;
    if (lines && line_wants_missing(line, body, m)) {
      dropped = true;
    } else if (!(lines && dropped && blank(line, body) && ends_blank(out))) {
      dropped = false;
      ok = expand_line(out, line, body, m, html) && (!end || sc_buf_append_str(out, "\r\n"));
    } else {
      dropped = false;
    }
    line = end ? end + 1 : line + len;
  }
  if (rc == SC_OK && !ok)
    rc = sc_oom(err);
  return rc;
}

void sc_mail_texts_free(sc_mail_texts *t) {
  free(t->subject);
  free(t->text);
  free(t->html);
  *t = (sc_mail_texts){0};
}

/* A text field: a string, or an array of strings (lines, joined with newlines). */
static int text_field(const json_t *entry, const char *key, const char *where, char **out,
                      sc_error *err) {
  const json_t *value = json_object_get(entry, key);
  sc_buf joined = {0};
  bool ok = true;
  if (json_is_string(value)) {
    ok = sc_buf_append_str(&joined, json_string_value(value));
  } else if (json_is_array(value) && json_array_size(value) > 0) {
    size_t i;
    const json_t *line;
    json_array_foreach(value, i, line) {
      if (!json_is_string(line)) {
        sc_buf_free(&joined);
        return sc_fail(err, SC_EDATA, "%s.%s[%zu]: expected a string (a line)", where, key, i);
      }
      ok = ok && (i == 0 || sc_buf_append_byte(&joined, '\n')) &&
           sc_buf_append_str(&joined, json_string_value(line));
    }
  } else {
    return sc_fail(err, SC_EDATA, "%s.%s: expected a string or an array of lines", where, key);
  }
  if (!ok || !sc_buf_append_byte(&joined, '\0')) {
    sc_buf_free(&joined);
    return sc_oom(err);
  }
  char field[160];
  snprintf(field, sizeof field, "%s.%s", where, key);
  int rc = sc_mail_placeholders_check((const char *)joined.data, field, err);
  if (rc == SC_OK && strcmp(key, "subject") == 0 && strpbrk((const char *)joined.data, "\r\n"))
    rc = sc_fail(err, SC_EDATA, "%s: expected one line", field);
  if (rc != SC_OK) {
    sc_buf_free(&joined);
    return rc;
  }
  *out = (char *)joined.data; /* NUL-terminated above; the caller frees it */
  return SC_OK;
}

/* One language's entry: {"subject", "text", "html"}, all three, nothing else. */
static int read_entry(const json_t *entry, const char *where, sc_mail_texts *out, sc_error *err) {
  if (!json_is_object(entry))
    return sc_fail(err, SC_EDATA, "%s: expected an object with subject, text and html", where);
  const char *key;
  const json_t *value;
  json_object_foreach((json_t *)entry, key, value) {
    if (strcmp(key, "subject") != 0 && strcmp(key, "text") != 0 && strcmp(key, "html") != 0)
      return sc_fail(err, SC_EDATA, "%s: unknown field \"%s\" (expected subject, text, html)",
                     where, key);
  }
  sc_mail_texts t = {0};
  int rc = text_field(entry, "subject", where, &t.subject, err);
  if (rc == SC_OK)
    rc = text_field(entry, "text", where, &t.text, err);
  if (rc == SC_OK)
    rc = text_field(entry, "html", where, &t.html, err);
  if (rc != SC_OK)
    sc_mail_texts_free(&t);
  else
    out->subject = t.subject, out->text = t.text, out->html = t.html;
  return rc;
}

int sc_mail_texts_load(const char *template_dir, const char *language,
                       const char *template_language, sc_mail_texts *out, sc_error *err) {
  *out = (sc_mail_texts){0};
  char path[PATH_MAX];
  int rc = sc_path_format(path, sizeof path, SC_ENOINPUT, err, "%s/mail.json", template_dir);
  if (rc != SC_OK || access(path, F_OK) != 0)
    return rc; /* no mail.json: the built-in texts */
  json_t *root = NULL;
  if ((rc = sc_json_load_file(path, &root, err)) != SC_OK)
    return rc;
  if (!json_is_object(root) || json_object_size(root) == 0) {
    json_decref(root);
    return sc_fail(err, SC_EDATA, "%s: expected an object of languages ({\"en\": {…}})", path);
  }
  const char *key, *wanted[] = {language, template_language, SC_LANG_DEFAULT};
  const json_t *entry;
  const json_t *chosen[4] = {NULL, NULL, NULL, NULL}; /* [3]: the file's first language */
  json_object_foreach(root, key, entry) {
    char where[PATH_MAX + 64];
    snprintf(where, sizeof where, "%s: %s", path, key);
    const char *tag = sc_lang_match(key, 0);
    sc_mail_texts t = {0};
    if (!tag || strcmp(tag, key) != 0)
      rc = sc_fail(err, SC_EDATA, "%s: not a language skillcert speaks (\"en\", \"id\", …)", where);
    else if ((rc = read_entry(entry, where, &t, err)) == SC_OK)
      sc_mail_texts_free(&t); /* every language is checked, whichever is used */
    if (rc != SC_OK)
      break;
    for (size_t i = 0; i < 3; i++)
      if (wanted[i] && strcmp(wanted[i], tag) == 0)
        chosen[i] = entry;
    if (!chosen[3]) {
      chosen[3] = entry;
      snprintf(out->language, sizeof out->language, "%s", tag);
    }
  }
  for (size_t i = 0; rc == SC_OK && i < 4; i++)
    if (chosen[i]) {
      if (i < 3)
        snprintf(out->language, sizeof out->language, "%s", wanted[i]);
      rc = read_entry(chosen[i], path, out, err);
      break;
    }
  json_decref(root);
  return rc;
}
