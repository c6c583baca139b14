/* Document information (title, author, subject, dates) and the credential fields the page
 * shows. The dates come from the credential so the same credential gives the same bytes. */
#include "issuer/pdf_internal.h"

#include <fribidi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sc_cred_recipient_name(const json_t *credential) {
  const json_t *subject = json_object_get(credential, "credentialSubject");
  size_t i;
  const json_t *id;
  json_array_foreach(json_object_get(subject, "identifier"), i, id) {
    const char *type = json_string_value(json_object_get(id, "identityType"));
    const char *value = json_string_value(json_object_get(id, "identityHash"));
    if (type && value && strcmp(type, "name") == 0)
      return value;
  }
  const char *name = json_string_value(json_object_get(subject, "name"));
  return name ? name : "";
}

const char *sc_cred_achievement(const json_t *credential, const char *key, const char *lang) {
  const json_t *subject = json_object_get(credential, "credentialSubject");
  const json_t *achievement = json_object_get(subject, "achievement");
  const char *value = sc_json_text(json_object_get(achievement, key), lang);
  return value ? value : "";
}

const char *sc_cred_issuer_name(const json_t *credential) {
  const char *value =
      json_string_value(json_object_get(json_object_get(credential, "issuer"), "name"));
  return value ? value : "";
}

HPDF_Binary sc_pdf_text_string(HPDF_MMgr mmgr, const char *utf8) {
  size_t len = strlen(utf8);
  FriBidiChar *cps = malloc((len + 1) * sizeof *cps);
  unsigned char *out = malloc(4 * len + 2);
  HPDF_Binary value = NULL;
  if (cps && out) {
    FriBidiStrIndex n =
        fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, utf8, (FriBidiStrIndex)len, cps);
    size_t at = 0;
    out[at++] = 0xFE, out[at++] = 0xFF;
    for (FriBidiStrIndex i = 0; i < n; i++) {
      uint32_t cp = cps[i];
      if (cp >= 0x10000) {
        uint32_t high = 0xD800 + ((cp - 0x10000) >> 10);
        out[at++] = (unsigned char)(high >> 8), out[at++] = (unsigned char)high;
        cp = 0xDC00 + ((cp - 0x10000) & 0x3FF);
      }
      out[at++] = (unsigned char)(cp >> 8), out[at++] = (unsigned char)cp;
    }
    value = HPDF_Binary_New(mmgr, out, (HPDF_UINT)at);
  }
  free(cps);
  free(out);
  return value;
}

static int add_text(HPDF_Doc doc, const char *key, const char *text) {
  HPDF_Binary value = sc_pdf_text_string(doc->mmgr, text);
  return value ? HPDF_Dict_Add(doc->info, key, value) : HPDF_FAILD_TO_ALLOC_MEM;
}

static int add_dates(HPDF_Doc doc, const json_t *credential, sc_error *err) {
  const char *valid_from = json_string_value(json_object_get(credential, "validFrom"));
  int64_t epoch = 0;
  if (!valid_from || sc_time_parse(valid_from, false, &epoch, err) != SC_OK)
    return sc_fail(err, SC_EDATA, "credential: validFrom: expected a date-time");
  time_t t = (time_t)epoch;
  struct tm tm;
  if (!gmtime_r(&t, &tm))
    return sc_fail(err, SC_EDATA, "credential: validFrom: out of range");
  HPDF_Date date = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                    tm.tm_sec,         'Z',           0,          0};
  if (HPDF_SetInfoDateAttr(doc, HPDF_INFO_CREATION_DATE, date) != HPDF_OK ||
      HPDF_SetInfoDateAttr(doc, HPDF_INFO_MOD_DATE, date) != HPDF_OK)
    return sc_fail(err, SC_EDATA, "credential: validFrom: %s cannot be a PDF date", valid_from);
  return SC_OK;
}

int sc_pdf_metadata(HPDF_Doc doc, const json_t *credential, const char *lang, sc_error *err) {
  if (HPDF_SetInfoAttr(doc, HPDF_INFO_CREATOR, "skillcert") != HPDF_OK ||
      HPDF_SetInfoAttr(doc, HPDF_INFO_PRODUCER, "skillcert (libharu)") != HPDF_OK || !doc->info)
    return sc_fail(err, SC_ESOFTWARE, "cannot write the PDF document information: out of memory");
  const char *achievement = sc_cred_achievement(credential, "name", lang);
  const char *recipient = sc_cred_recipient_name(credential);
  size_t title_len = strlen(achievement) + strlen(recipient) + 8;
  char *title = malloc(title_len);
  if (!title)
    return sc_oom(err);
  snprintf(title, title_len, "%s \xE2\x80\x94 %s", achievement, recipient);
  const char *id = json_string_value(json_object_get(credential, "id"));
  const char *keys[] = {"Title", "Author", "Subject", "Keywords"};
  const char *values[] = {title, sc_cred_issuer_name(credential),
                          sc_cred_achievement(credential, "description", lang), id ? id : ""};
  HPDF_STATUS st = HPDF_OK;
  for (size_t i = 0; st == HPDF_OK && i < sizeof keys / sizeof *keys; i++)
    st = (HPDF_STATUS)add_text(doc, keys[i], values[i]);
  free(title);
  if (st == HPDF_FAILD_TO_ALLOC_MEM)
    return sc_oom(err);
  if (st != HPDF_OK)
    return sc_fail(err, SC_ESOFTWARE, "cannot write the PDF document information: out of memory");
  return add_dates(doc, credential, err);
}
