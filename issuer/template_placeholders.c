/* The placeholders a template's text may hold, each with the credential field it shows: the
 * one table that template.c checks layouts against, the renderer fills from, and
 * docs/templates.md must list (test_template.c compares them). */
#include "issuer/pdf_internal.h"

#include <stdio.h>
#include <string.h>

static const char *recipient_name(const json_t *cred, const char *lang,
                                  char scratch[SC_PLACEHOLDER_SCRATCH]) {
  (void)scratch, (void)lang;
  return sc_cred_recipient_name(cred);
}

static const char *achievement_name(const json_t *cred, const char *lang,
                                    char scratch[SC_PLACEHOLDER_SCRATCH]) {
  (void)scratch;
  return sc_cred_achievement(cred, "name", lang);
}

static const char *achievement_description(const json_t *cred, const char *lang,
                                           char scratch[SC_PLACEHOLDER_SCRATCH]) {
  (void)scratch;
  return sc_cred_achievement(cred, "description", lang);
}

static const char *issuer_name(const json_t *cred, const char *lang,
                               char scratch[SC_PLACEHOLDER_SCRATCH]) {
  (void)scratch, (void)lang;
  return sc_cred_issuer_name(cred);
}

/* The date part (YYYY-MM-DD) of a date-time field; "" when absent. */
static const char *day_of(const json_t *cred, const char *field,
                          char scratch[SC_PLACEHOLDER_SCRATCH]) {
  const char *when = json_string_value(json_object_get(cred, field));
  if (!when || strlen(when) < 10)
    return "";
  snprintf(scratch, SC_PLACEHOLDER_SCRATCH, "%.10s", when);
  return scratch;
}

static const char *date(const json_t *cred, const char *lang,
                        char scratch[SC_PLACEHOLDER_SCRATCH]) {
  (void)lang;
  return day_of(cred, "validFrom", scratch);
}

/* The date written out in the certificate's language: "4 Desember 2026" (core/language.c:
 * month names come from the catalogue, not from the system's locales). */
static const char *long_day_of(const json_t *cred, const char *field, const char *lang,
                               char scratch[SC_PLACEHOLDER_SCRATCH]) {
  sc_date_long(json_string_value(json_object_get(cred, field)), lang, scratch);
  return scratch;
}

static const char *date_long(const json_t *cred, const char *lang,
                             char scratch[SC_PLACEHOLDER_SCRATCH]) {
  return long_day_of(cred, "validFrom", lang, scratch);
}

static const char *valid_until_long(const json_t *cred, const char *lang,
                                    char scratch[SC_PLACEHOLDER_SCRATCH]) {
  return long_day_of(cred, "validUntil", lang, scratch);
}

static const char *valid_until(const json_t *cred, const char *lang,
                               char scratch[SC_PLACEHOLDER_SCRATCH]) {
  (void)lang;
  return day_of(cred, "validUntil", scratch);
}

static const char *credential_id(const json_t *cred, const char *lang,
                                 char scratch[SC_PLACEHOLDER_SCRATCH]) {
  (void)scratch, (void)lang;
  const char *id = json_string_value(json_object_get(cred, "id"));
  return id ? id : "";
}

const sc_placeholder sc_placeholders[] = {
    {"recipient.name", recipient_name},
    {"achievement.name", achievement_name},
    {"achievement.description", achievement_description},
    {"issuer.name", issuer_name},
    {"date", date},
    {"date.long", date_long},
    {"valid_until", valid_until},
    {"valid_until.long", valid_until_long},
    {"credential.id", credential_id},
    {NULL, NULL},
};

const sc_placeholder *sc_placeholder_find(const char *name, size_t len) {
  for (const sc_placeholder *p = sc_placeholders; p->name; p++)
    if (strlen(p->name) == len && strncmp(p->name, name, len) == 0)
      return p;
  return NULL;
}

void sc_placeholder_names(char *out, size_t size) {
  size_t used = 0;
  out[0] = '\0';
  for (const sc_placeholder *p = sc_placeholders; p->name && used < size; p++) {
    int n = snprintf(out + used, size - used, "%s{{%s}}", used ? ", " : "", p->name);
    used += n > 0 ? (size_t)n : 0;
  }
}
