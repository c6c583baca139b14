/* Text from users is kept exactly as given, in Unicode Normalization Form C, so that the same
 * name typed on two keyboards becomes the same bytes in the credential. */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

char *sc_text_nfc(const char *text, size_t len, const char *field, sc_error *err) {
  if (memchr(text, '\0', len)) {
    sc_fail(err, SC_EDATA, "%s: contains a NUL character", field);
    return NULL;
  }
  utf8proc_uint8_t *nfc = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &nfc,
                                    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (n < 0) {
    sc_fail(err, n == UTF8PROC_ERROR_NOMEM ? SC_ESOFTWARE : SC_EDATA, "%s: %s", field,
            n == UTF8PROC_ERROR_NOMEM ? "out of memory" : "not valid UTF-8 text");
    return NULL;
  }
  return (char *)nfc;
}

static int nfc_string(json_t *string, const char *field, sc_error *err) {
  char *nfc = sc_text_nfc(json_string_value(string), json_string_length(string), field, err);
  if (!nfc)
    return err ? err->code : SC_EDATA;
  int rc = json_string_set(string, nfc) == 0 ? SC_OK : sc_oom(err);
  free(nfc);
  return rc;
}

int sc_json_nfc(json_t *value, const char *field, sc_error *err) {
  int rc = SC_OK;
  if (json_is_string(value))
    return nfc_string(value, field, err);
  if (json_is_array(value)) {
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
      if ((rc = sc_json_nfc(item, field, err)) != SC_OK)
        return rc;
    }
  } else if (json_is_object(value)) {
    /* Keys are vocabulary terms (ASCII), so only the values are normalised. */
    const char *key;
    json_t *item;
    json_object_foreach(value, key, item) {
      if ((rc = sc_json_nfc(item, key, err)) != SC_OK)
        return rc;
    }
  }
  return rc;
}

static bool is_control(utf8proc_int32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Characters that reorder or break the text around them: the bidi embeddings, overrides and
 * isolates, and the line and paragraph separators. A name holding one can show as another
 * name ("Ann\u202Enhoj" shows as "Annjohn"), on a terminal, a page or a PDF. */
static bool is_bidi_or_separator(utf8proc_int32_t cp) {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
         cp == 0x2029;
}

static bool is_letter(utf8proc_int32_t cp) {
  utf8proc_category_t category = utf8proc_category(cp);
  return category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO;
}

/* The rules shared by sc_text_check and sc_name_check; columns count characters from 1. */
static int check_text(const char *text, const char *field, size_t max_chars, bool name,
                      sc_error *err) {
  const utf8proc_uint8_t *start = (const utf8proc_uint8_t *)text, *p = start;
  size_t chars = 0;
  bool letter = false;
  for (utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(text); left > 0; chars++) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n < 0)
      return sc_fail(err, SC_EDATA, "%s: not valid UTF-8 text (byte %zu)", field,
                     (size_t)(p - start) + 1);
    if (is_control(cp))
      return sc_fail(err, SC_EDATA, "%s: contains a control character (U+%04X) at column %zu",
                     field, (unsigned)cp, chars + 1);
    if (name && is_bidi_or_separator(cp))
      return sc_fail(err, SC_EDATA,
                     "%s: contains a %s (U+%04X) at column %zu, which would reorder the text "
                     "around it",
                     field, cp >= 0x2028 && cp <= 0x2029 ? "line separator" : "bidi control",
                     (unsigned)cp, chars + 1);
    if (max_chars && chars == max_chars)
      return sc_fail(err, SC_EDATA, "%s: longer than %zu characters", field, max_chars);
    letter = letter || is_letter(cp);
    p += n;
    left -= n;
  }
  if (name && chars && !letter)
    return sc_fail(err, SC_EDATA,
                   "%s: has no visible letter (only spaces, invisible characters or combining "
                   "marks)",
                   field);
  return SC_OK;
}

int sc_text_check(const char *text, const char *field, size_t max_chars, sc_error *err) {
  return check_text(text, field, max_chars, false, err);
}

int sc_name_check(const char *text, const char *field, size_t max_chars, sc_error *err) {
  return check_text(text, field, max_chars, true, err);
}

char *sc_text_repair_utf8(const char *text, size_t len) {
  static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
  /* Each bad byte grows to three. */
  char *out = malloc(len * 3 + 1);
  if (!out)
    return NULL;
  size_t at = 0;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
  for (size_t i = 0; i < len;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
    if (n <= 0 || cp == 0) {
      memcpy(out + at, replacement, 3);
      at += 3;
      i++;
    } else {
      memcpy(out + at, p + i, (size_t)n);
      at += (size_t)n;
      i += (size_t)n;
    }
  }
  out[at] = '\0';
  return out;
}
