/* Small questions asked of JSON values all over the vocabulary. */
#include "core/core.h"

#include <string.h>

bool sc_json_has_string(const json_t *value, const char *wanted) {
  if (json_is_string(value))
    return strcmp(json_string_value(value), wanted) == 0;
  size_t i;
  json_t *item;
  json_array_foreach(value, i, item) {
    if (json_is_string(item) && strcmp(json_string_value(item), wanted) == 0)
      return true;
  }
  return false;
}

static bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
static size_t scheme_length(const char *text) {
  if (!is_alpha(text[0]))
    return 0;
  size_t n = 1;
  while (is_alpha(text[n]) || (text[n] >= '0' && text[n] <= '9') ||
         (text[n] && strchr("+-.", text[n])))
    n++;
  return n;
}

bool sc_url_valid(const char *text) {
  if (!text)
    return false;
  size_t n = scheme_length(text);
  if (n == 0 || text[n] != ':' || text[n + 1] == '\0')
    return false;
  for (const unsigned char *p = (const unsigned char *)text + n + 1; *p; p++) {
    if (*p <= 0x20 || *p == 0x7f || strchr("\"<>\\^`{|}", *p))
      return false;
  }
  return true;
}

/* Members set one by one, in order, instead of through json_pack, which parses its format
 * string on every call: building a batch's credential that way (a dozen objects) cost more
 * than serializing it (docs/benchmarks.md, "fifth pass"). Each steals value, even when it
 * fails; a NULL value (what json_string gives for text that is not UTF-8, or out of memory)
 * fails. */
bool sc_json_put(json_t *object, const char *key, json_t *value) {
  return json_object_set_new_nocheck(object, key, value) == 0;
}

bool sc_json_put_text(json_t *object, const char *key, const char *text) {
  return sc_json_put(object, key, json_string(text));
}

json_t *sc_json_one(json_t *item) {
  json_t *array = item ? json_array() : NULL;
  if (array && json_array_append_new(array, item) == 0)
    return array;
  json_decref(array);
  if (!array)
    json_decref(item);
  return NULL;
}

json_t *sc_json_pair(json_t *first, json_t *second) {
  json_t *array = sc_json_one(first);
  if (array && json_array_append_new(array, second) == 0)
    return array;
  json_decref(array); /* a failed append released second */
  if (!array)
    json_decref(second);
  return NULL;
}
