/* The indented text of a JSON value, byte for byte what jansson's json_dumps(value,
 * JSON_INDENT(2) | JSON_REAL_PRECISION(17)) prints, written straight into a buffer.
 *
 * Credentials are stored and published in that layout, and their bytes must not change (a
 * re-run compares them by SHA-256). json_dumps builds the same text through a callback per
 * fragment, a hash table of the objects it is inside (keyed by their address printed as text,
 * to detect cycles) and a final copy; for a batch credential that is ≈ 5 % of its CPU. This
 * writes each fragment into a buffer reserved once. Values it does not reproduce itself (reals,
 * which jansson prints with its own %.17g rules, and trees deeper than a credential ever is,
 * where a cycle could hide) go to json_dumps, so the bytes are always jansson's. */
#include "core/core.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDENT 2
#define FLAGS (JSON_INDENT(INDENT) | JSON_REAL_PRECISION(17))
/* Far deeper than any credential (SC_JSON_MAX_DEPTH); beyond it, json_dumps decides. */
#define MAX_DEPTH 128

typedef enum outcome { WRITTEN, NOT_MINE, NO_MEMORY } outcome;

/* Spaces for a new line's indent, a chunk at a time. */
static const char spaces[] = "                                ";

static bool new_line(sc_buf *out, size_t depth) {
  size_t n = depth * INDENT;
  if (!sc_buf_reserve(out, n + 1))
    return false;
  out->data[out->len++] = '\n';
  while (n) {
    size_t chunk = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
    memcpy(out->data + out->len, spaces, chunk);
    out->len += chunk;
    n -= chunk;
  }
  out->data[out->len] = '\0';
  return true;
}

/* jansson escapes " and \, the short forms \b \f \n \r \t, other controls as \u00XX with
 * capitals; everything else (including '/', U+007F and all non-ASCII) is copied. Runs without
 * an escape are appended in one go. */
static bool append_string(const char *text, size_t len, sc_buf *out) {
  return sc_buf_append_json_string(out, text, len, "0123456789ABCDEF");
}

static outcome append_value(const json_t *value, size_t depth, sc_buf *out);

static outcome append_array(const json_t *array, size_t depth, sc_buf *out) {
  size_t n = json_array_size(array);
  if (n == 0)
    return sc_buf_append(out, "[]", 2) ? WRITTEN : NO_MEMORY;
  if (!sc_buf_append_byte(out, '[') || !new_line(out, depth + 1))
    return NO_MEMORY;
  for (size_t i = 0; i < n; i++) {
    outcome done = append_value(json_array_get(array, i), depth + 1, out);
    if (done != WRITTEN)
      return done;
    bool last = i + 1 == n;
    if ((!last && !sc_buf_append_byte(out, ',')) || !new_line(out, last ? depth : depth + 1))
      return NO_MEMORY;
  }
  return sc_buf_append_byte(out, ']') ? WRITTEN : NO_MEMORY;
}

/* Members in the object's insertion order, as jansson iterates them. */
static outcome append_object(const json_t *object, size_t depth, sc_buf *out) {
  void *it = json_object_iter((json_t *)object); /* jansson's iterators take non-const */
  if (!it)
    return sc_buf_append(out, "{}", 2) ? WRITTEN : NO_MEMORY;
  if (!sc_buf_append_byte(out, '{') || !new_line(out, depth + 1))
    return NO_MEMORY;
  while (it) {
    void *next = json_object_iter_next((json_t *)object, it);
    if (!append_string(json_object_iter_key(it), json_object_iter_key_len(it), out) ||
        !sc_buf_append(out, ": ", 2))
      return NO_MEMORY;
    outcome done = append_value(json_object_iter_value(it), depth + 1, out);
    if (done != WRITTEN)
      return done;
    if ((next && !sc_buf_append_byte(out, ',')) || !new_line(out, next ? depth + 1 : depth))
      return NO_MEMORY;
    it = next;
  }
  return sc_buf_append_byte(out, '}') ? WRITTEN : NO_MEMORY;
}

static outcome append_integer(json_int_t number, sc_buf *out) {
  char text[32];
  int len = snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, number);
  return sc_buf_append(out, text, (size_t)len) ? WRITTEN : NO_MEMORY;
}

static outcome append_value(const json_t *value, size_t depth, sc_buf *out) {
  if (depth > MAX_DEPTH)
    return NOT_MINE;
  bool ok;
  switch (json_typeof(value)) {
  case JSON_OBJECT:
    return append_object(value, depth, out);
  case JSON_ARRAY:
    return append_array(value, depth, out);
  case JSON_STRING:
    ok = append_string(json_string_value(value), json_string_length(value), out);
    break;
  case JSON_INTEGER:
    return append_integer(json_integer_value(value), out);
  case JSON_TRUE:
    ok = sc_buf_append(out, "true", 4);
    break;
  case JSON_FALSE:
    ok = sc_buf_append(out, "false", 5);
    break;
  case JSON_NULL:
    ok = sc_buf_append(out, "null", 4);
    break;
  default: /* JSON_REAL */
    return NOT_MINE;
  }
  return ok ? WRITTEN : NO_MEMORY;
}

static int append_dumped(const json_t *value, sc_buf *out, sc_error *err) {
  char *text = json_dumps(value, FLAGS);
  if (!text)
    return sc_fail(err, SC_ESOFTWARE, "cannot serialize the JSON value (a cycle?)");
  bool ok = sc_buf_append_str(out, text);
  free(text);
  return ok ? SC_OK : sc_oom(err);
}

int sc_json_append_indented(const json_t *value, size_t size_hint, sc_buf *out, sc_error *err) {
  if (!json_is_object(value) && !json_is_array(value))
    return sc_fail(err, SC_ESOFTWARE, "no JSON object or array to serialize");
  size_t start = out->len;
  if (size_hint && !sc_buf_reserve(out, size_hint))
    return sc_oom(err);
  switch (append_value(value, 0, out)) {
  case WRITTEN:
    return SC_OK;
  case NO_MEMORY:
    return sc_oom(err);
  case NOT_MINE:
    break;
  }
  out->len = start; /* what was written so far is dropped: jansson writes the whole text */
  out->data[start] = '\0';
  return append_dumped(value, out, err);
}
