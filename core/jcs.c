/* RFC 8785 JSON Canonicalization Scheme on jansson values.
 *
 * jansson's own dump is not canonical (it escapes differently, prints reals its own way and
 * keeps insertion order), so the serialization is written out here: members sorted by UTF-16
 * code units, minimal string escapes, numbers as ECMAScript prints them (ecma_number.cc). */
#include "core/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Objects with up to this many members sort their keys in a stack array (no allocation);
 * credentials have far fewer per object. */
#define STACK_MEMBERS 32

typedef struct member {
  const char *key;
  size_t key_len;
  json_t *value;
} member;

static int append_value(const json_t *value, sc_buf *out, sc_error *err);

static bool is_continuation_byte(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

/* UTF-8 byte order is code point order, which is UTF-16 code unit order except between a
 * character above U+FFFF (a surrogate pair, units 0xD800-0xDFFF) and one in U+E000-U+FFFF:
 * UTF-16 puts the pair first. So compare bytes, and only where they first differ look at the
 * lead bytes of the two characters: 0xF0+ starts a pair, 0xEE/0xEF start U+E000-U+FFFF. */
static int compare_utf16(const unsigned char *a, size_t a_len, const unsigned char *b,
                         size_t b_len) {
  size_t common = a_len < b_len ? a_len : b_len;
  size_t diff = 0;
  while (diff < common && a[diff] == b[diff])
    diff++;
  if (diff == common)
    return a_len < b_len ? -1 : a_len > b_len;
  /* The bytes before diff are equal, so both differing characters start at the same offset. */
  size_t start = diff;
  while (start > 0 && is_continuation_byte(a[start]))
    start--;
  bool a_pair = a[start] >= 0xF0, b_pair = b[start] >= 0xF0;
  if (a_pair && !b_pair && b[start] >= 0xEE)
    return -1;
  if (b_pair && !a_pair && a[start] >= 0xEE)
    return 1;
  return a[diff] < b[diff] ? -1 : 1;
}

static int compare_members(const void *left, const void *right) {
  const member *a = left, *b = right;
  return compare_utf16((const unsigned char *)a->key, a->key_len, (const unsigned char *)b->key,
                       b->key_len);
}

/* RFC 8785 3.2.2.2: only " and \ and the controls below U+0020 are escaped, with the short
 * forms where JSON has them and lowercase \u00xx otherwise; everything else is copied as
 * UTF-8 (including U+007F and U+2028). Runs needing no escape are appended in one go. */
static bool append_string(const char *text, size_t len, sc_buf *out) {
  return sc_buf_append_json_string(out, text, len, "0123456789abcdef");
}

/* RFC 8785 3.2.2.3: every number is the IEEE-754 double it denotes, printed by ECMAScript's
 * Number::toString; integers are converted like any other number. */
static int append_number(double number, sc_buf *out, sc_error *err) {
  if (!isfinite(number))
    return sc_fail(err, SC_EDATA, "number %g cannot be canonicalized (not finite)", number);
  char text[SC_ECMA_NUMBER_SIZE];
  size_t len = sc_ecma_number(number, text, sizeof text);
  return sc_buf_append(out, text, len) ? SC_OK : sc_oom(err);
}

static int append_array(const json_t *array, sc_buf *out, sc_error *err) {
  if (!sc_buf_append_byte(out, '['))
    return sc_oom(err);
  for (size_t i = 0; i < json_array_size(array); i++) {
    if (i > 0 && !sc_buf_append_byte(out, ','))
      return sc_oom(err);
    int rc = append_value(json_array_get(array, i), out, err);
    if (rc != SC_OK)
      return rc;
  }
  return sc_buf_append_byte(out, ']') ? SC_OK : sc_oom(err);
}

static int append_members(const member *members, size_t count, sc_buf *out, sc_error *err) {
  if (!sc_buf_append_byte(out, '{'))
    return sc_oom(err);
  for (size_t i = 0; i < count; i++) {
    if (i > 0 && !sc_buf_append_byte(out, ','))
      return sc_oom(err);
    if (!append_string(members[i].key, members[i].key_len, out) || !sc_buf_append_byte(out, ':'))
      return sc_oom(err);
    int rc = append_value(members[i].value, out, err);
    if (rc != SC_OK) {
      if (err)
        sc_error_prefix(err, "member '%s'", members[i].key);
      return rc;
    }
  }
  return sc_buf_append_byte(out, '}') ? SC_OK : sc_oom(err);
}

/* Sorts by insertion: objects here have a handful of members, where this beats qsort's
 * indirect calls. */
static void sort_members(member *members, size_t count) {
  for (size_t i = 1; i < count; i++) {
    member item = members[i];
    size_t j = i;
    while (j > 0 && compare_members(&members[j - 1], &item) > 0) {
      members[j] = members[j - 1];
      j--;
    }
    members[j] = item;
  }
}

static bool key_is(const char *key, size_t key_len, const char *name) {
  return name && strlen(name) == key_len && memcmp(key, name, key_len) == 0;
}

/* The members of object seen through a view (see sc_jcs_append_object_view), sorted. */
static int append_object_view(const json_t *object, const char *omit, const char *replace,
                              const json_t *replacement, sc_buf *out, sc_error *err) {
  size_t count = json_object_size(object) + (replace != NULL);
  member on_stack[STACK_MEMBERS];
  member *members = count <= STACK_MEMBERS ? on_stack : malloc(count * sizeof *members);
  if (!members)
    return sc_oom(err);
  size_t n = 0;
  bool replaced = false;
  /* jansson's iterator API takes a non-const object but does not change it. */
  for (void *it = json_object_iter((json_t *)object); it && n < count;
       it = json_object_iter_next((json_t *)object, it)) {
    const char *key = json_object_iter_key(it);
    size_t key_len = json_object_iter_key_len(it);
    if (key_is(key, key_len, omit))
      continue;
    bool swap = key_is(key, key_len, replace);
    replaced = replaced || swap;
    members[n++] =
        (member){key, key_len, swap ? (json_t *)replacement : json_object_iter_value(it)};
  }
  if (replace && !replaced && n < count)
    members[n++] = (member){replace, strlen(replace), (json_t *)replacement};
  sort_members(members, n);
  int rc = append_members(members, n, out, err);
  if (members != on_stack)
    free(members);
  return rc;
}

static int append_object(const json_t *object, sc_buf *out, sc_error *err) {
  return append_object_view(object, NULL, NULL, NULL, out, err);
}

static int append_value(const json_t *value, sc_buf *out, sc_error *err) {
  bool ok;
  switch (json_typeof(value)) {
  case JSON_OBJECT:
    return append_object(value, out, err);
  case JSON_ARRAY:
    return append_array(value, out, err);
  case JSON_STRING:
    ok = append_string(json_string_value(value), json_string_length(value), out);
    break;
  case JSON_INTEGER:
    return append_number((double)json_integer_value(value), out, err);
  case JSON_REAL:
    return append_number(json_real_value(value), out, err);
  case JSON_TRUE:
    ok = sc_buf_append(out, "true", 4);
    break;
  case JSON_FALSE:
    ok = sc_buf_append(out, "false", 5);
    break;
  case JSON_NULL:
    ok = sc_buf_append(out, "null", 4);
    break;
  default:
    return sc_fail(err, SC_ESOFTWARE, "unknown JSON value type");
  }
  return ok ? SC_OK : sc_oom(err);
}

int sc_jcs_append(const json_t *value, sc_buf *out, sc_error *err) {
  if (!value)
    return sc_fail(err, SC_ESOFTWARE, "no JSON value to canonicalize");
  return append_value(value, out, err);
}

int sc_jcs_append_object_view(const json_t *object, const char *omit, const char *replace,
                              const json_t *replacement, sc_buf *out, sc_error *err) {
  if (!json_is_object(object) || (replace && !replacement))
    return sc_fail(err, SC_ESOFTWARE, "no JSON object to canonicalize");
  return append_object_view(object, omit, replace, replacement, out, err);
}

char *sc_jcs(const json_t *value, sc_error *err) {
  sc_buf out = {0};
  if (sc_jcs_append(value, &out, err) != SC_OK) {
    sc_buf_free(&out);
    return NULL;
  }
  char *text = sc_buf_take(&out);
  if (!text)
    sc_oom(err);
  return text;
}
