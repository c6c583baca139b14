/* Which language to speak: a tag matched against the languages skillcert has (BCP 47 prefix
 * matching, RFC 4647 §3.4 "lookup": "id-ID" → "id"), an Accept-Language header weighed by its
 * q-values (RFC 9110 §12.5.4), the command line's environment (gettext's order), and dates
 * written out in a language ("4 Desember 2026"). Month names come from the catalogues, not
 * from the system's locales, which a fresh machine may not have. */
#include "core/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *sc_lang_match(const char *tag, size_t len) {
  if (!tag)
    return NULL;
  if (len == 0)
    len = strlen(tag);
  for (size_t i = 0; sc_languages[i].tag; i++) {
    size_t n = strlen(sc_languages[i].tag);
    if (len >= n && strncasecmp(tag, sc_languages[i].tag, n) == 0 &&
        (len == n || tag[n] == '-' || tag[n] == '_' || tag[n] == '.' || tag[n] == '@'))
      return sc_languages[i].tag;
  }
  return NULL;
}

static const char *skip_space(const char *p) {
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* "q=0.8" (after the ';'): the weight in thousandths; -1 when malformed. */
static int weight_of(const char *p, const char *end) {
  p = skip_space(p);
  if (end - p < 3 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=')
    return -1;
  p += 2;
  if (*p != '0' && *p != '1')
    return -1;
  int q = (*p++ - '0') * 1000;
  if (p < end && *p == '.') {
    p++;
    for (int scale = 100; p < end && isdigit((unsigned char)*p) && scale > 0; scale /= 10)
      q += (*p++ - '0') * scale;
  }
  p = skip_space(p);
  return p == end && q <= 1000 ? q : -1;
}

const char *sc_lang_accept(const char *header) {
  const char *best = NULL;
  int best_q = 0;
  for (const char *p = header; p && *p;) {
    const char *end = strchr(p, ',');
    if (!end)
      end = p + strlen(p);
    const char *range = skip_space(p);
    size_t len = strcspn(range, ";, \t");
    if (range + len > end)
      len = (size_t)(end - range);
    const char *semi = memchr(range, ';', (size_t)(end - range));
    int q = semi ? weight_of(semi + 1, end) : 1000;
    const char *lang = sc_lang_match(range, len);
    if (lang && q > best_q) { /* equal weights: the first listed wins */
      best = lang;
      best_q = q;
    }
    p = *end ? end + 1 : end;
  }
  return best ? best : SC_LANG_DEFAULT;
}

/* gettext's order: LC_ALL, LC_MESSAGES, LANG name the locale; in the C/POSIX locale the
 * messages stay English (so LC_ALL=C keeps scripts and tests stable); otherwise $LANGUAGE,
 * a colon-separated list of preferences, comes first. */
const char *sc_lang_environment(void) {
  const char *locale = NULL;
  const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (size_t i = 0; i < 3 && !locale; i++) {
    const char *value = getenv(names[i]);
    if (value && *value)
      locale = value;
  }
  if (!locale || strcmp(locale, "C") == 0 || strcmp(locale, "POSIX") == 0)
    return SC_LANG_DEFAULT;
  const char *language = getenv("LANGUAGE");
  for (const char *p = language; p && *p;) {
    size_t len = strcspn(p, ":");
    const char *lang = sc_lang_match(p, len);
    if (lang)
      return lang;
    p += len + (p[len] == ':');
  }
  const char *lang = sc_lang_match(locale, 0);
  return lang ? lang : SC_LANG_DEFAULT;
}

static const char *process_lang = SC_LANG_DEFAULT;

void sc_lang_set_process(const char *lang) {
  const char *known = sc_lang_match(lang, 0);
  process_lang = known ? known : SC_LANG_DEFAULT;
}

const char *sc_lang_process(void) {
  return process_lang;
}

static const char *const month_names[] = {
    NC_("month", "January"), NC_("month", "February"), NC_("month", "March"),
    NC_("month", "April"),   NC_("month", "May"),      NC_("month", "June"),
    NC_("month", "July"),    NC_("month", "August"),   NC_("month", "September"),
    NC_("month", "October"), NC_("month", "November"), NC_("month", "December")};

bool sc_date_long(const char *date_time, const char *lang,
                  char out[SC_AT_LEAST(SC_DATE_LONG_SIZE)]) {
  int y, m, d;
  out[0] = '\0';
  if (!date_time || sscanf(date_time, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 ||
      d > 31)
    return false;
  /* "4 December 2026" and "4 Desember 2026": day, month, year in both languages so far; a
   * language that orders them otherwise translates the pattern. */
  const char *pattern = sc_trc(lang, "date", "{day} {month} {year}");
  const char *month = sc_trc(lang, "month", month_names[m - 1]);
  size_t used = 0;
  for (const char *p = pattern; *p && used + 1 < SC_DATE_LONG_SIZE;) {
    char piece[64];
    const char *text = piece;
    if (strncmp(p, "{day}", 5) == 0) {
      snprintf(piece, sizeof piece, "%d", d);
      p += 5;
    } else if (strncmp(p, "{month}", 7) == 0) {
      text = month;
      p += 7;
    } else if (strncmp(p, "{year}", 6) == 0) {
      snprintf(piece, sizeof piece, "%d", y);
      p += 6;
    } else {
      piece[0] = *p++;
      piece[1] = '\0';
    }
    int n = snprintf(out + used, SC_DATE_LONG_SIZE - used, "%s", text);
    used = n > 0 && used + (size_t)n < SC_DATE_LONG_SIZE ? used + (size_t)n : SC_DATE_LONG_SIZE - 1;
  }
  return true;
}

/* The text of one VC 2.0 value: a string, or a language value object {"@value", "@language"}. */
static const char *value_text(const json_t *value, const char **language) {
  *language = NULL;
  if (json_is_string(value))
    return json_string_value(value);
  *language = json_string_value(json_object_get(value, "@language"));
  return json_string_value(json_object_get(value, "@value"));
}

const char *sc_json_text(const json_t *value, const char *lang) {
  const char *language;
  if (!json_is_array(value))
    return value_text(value, &language);
  const char *wanted = lang ? lang : SC_LANG_DEFAULT;
  const char *fallback = NULL, *english = NULL, *plain = NULL;
  size_t i;
  const json_t *item;
  json_array_foreach(value, i, item) {
    const char *text = value_text(item, &language);
    if (!text)
      continue;
    const char *known = language ? sc_lang_match(language, 0) : NULL;
    if (known && strcmp(known, wanted) == 0)
      return text;
    if (known && strcmp(known, SC_LANG_DEFAULT) == 0 && !english)
      english = text;
    if (!language && !plain)
      plain = text;
    if (!fallback)
      fallback = text;
  }
  return plain ? plain : english ? english : fallback;
}
