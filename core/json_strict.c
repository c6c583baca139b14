/* Strict JSON intake (I-JSON, RFC 7493) on top of jansson.
 *
 * jansson already refuses invalid UTF-8 (also UTF-8-encoded surrogates), lone \uXXXX
 * surrogates, numbers that overflow a double and, with JSON_REJECT_DUPLICATES, duplicate names
 * compared after unescaping. What is added here: the size limit, a depth limit enforced before
 * jansson sees the bytes (its own limit is 2048 and it recurses), a clear message for empty
 * input, and messages in the "<source>:<line>:<column>: <what>" form. */
#include "core/core.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Every number becomes a real: RFC 8785 treats all numbers as IEEE-754 doubles. */
#define STRICT_FLAGS                                                                               \
  (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL | JSON_DECODE_ANY)

/* Longest duplicate name quoted in full in an error message. */
#define KEY_QUOTE_MAX 64

static const char *source_name(const char *source) {
  return source && *source ? source : "<input>";
}

static bool is_continuation_byte(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

/* 1-based line and column of the byte at offset, columns counted in characters as jansson
 * counts them. */
static void locate(const char *data, size_t offset, int *line, int *column) {
  *line = 1;
  *column = 0;
  for (size_t i = 0; i <= offset; i++) {
    if (data[i] == '\n') {
      ++*line;
      *column = 0;
    } else if (!is_continuation_byte((unsigned char)data[i])) {
      ++*column;
    }
  }
}

/* Only JSON whitespace (RFC 8259: space, tab, line feed, carriage return). */
static bool is_blank(const char *data, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r')
      return false;
  return true;
}

/* Offset of the first '[' or '{' that opens level SC_JSON_MAX_DEPTH + 1, or SIZE_MAX. Brackets
 * inside strings do not count. Refusing deep input here keeps a hostile 10,000-level document
 * from ever reaching jansson's recursive parser. */
static size_t find_too_deep(const char *data, size_t len) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = data[i];
    if (in_string) {
      if (c == '\\')
        i++; /* the escaped character cannot end the string */
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > SC_JSON_MAX_DEPTH)
        return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return SIZE_MAX;
}

/* Copies the decoded key into out for a message: at most KEY_QUOTE_MAX bytes cut at a
 * character boundary, control characters shown as '?'. */
static void quote_key(const char *key, size_t len, char *out, size_t out_size) {
  size_t n = len < out_size - 4 ? len : out_size - 4;
  while (n < len && n > 0 && is_continuation_byte((unsigned char)key[n]))
    n--;
  for (size_t i = 0; i < n; i++)
    out[i] = (unsigned char)key[i] < 0x20 ? '?' : key[i];
  strcpy(out + n, n < len ? "..." : "");
}

/* Offset of the quote opening the string whose closing quote is at close, or SIZE_MAX: the
 * first '"' going back that is not escaped (preceded by an even number of backslashes). */
static size_t string_start(const char *data, size_t close) {
  for (size_t i = close; i-- > 0;) {
    if (data[i] != '"')
      continue;
    size_t backslashes = 0;
    while (backslashes < i && data[i - 1 - backslashes] == '\\')
      backslashes++;
    if (backslashes % 2 == 0)
      return i;
  }
  return SIZE_MAX;
}

/* jansson reports a duplicate name just after the closing quote of its second occurrence and
 * quotes it undecoded. This decodes the name, so that "\u0061" is reported as 'a', and points
 * at where it starts. False when the name cannot be found (jansson's message is kept). */
static bool fail_duplicate_key(const char *data, size_t end, const char *source, sc_error *err) {
  size_t start = string_start(data, end - 1);
  if (start == SIZE_MAX)
    return false;
  json_t *key = json_loadb(data + start, end - start, JSON_DECODE_ANY, NULL);
  if (!json_is_string(key)) {
    json_decref(key);
    return false;
  }
  char quoted[KEY_QUOTE_MAX + 4];
  quote_key(json_string_value(key), json_string_length(key), quoted, sizeof quoted);
  json_decref(key);
  int line, column;
  locate(data, start, &line, &column);
  sc_fail(err, SC_EDATA, "%s:%d:%d: duplicate object key '%s'", source, line, column, quoted);
  return true;
}

static int fail_from_jansson(const char *data, size_t len, const char *source,
                             const json_error_t *jerr, sc_error *err) {
  enum json_error_code code = json_error_code(jerr);
  /* jansson's reader fails without a message only when its first buffer cannot be allocated. */
  if (code == json_error_out_of_memory || (jerr->line < 0 && !jerr->text[0]))
    return sc_oom(err);
  if (code == json_error_duplicate_key && jerr->position >= 2 && (size_t)jerr->position <= len &&
      data[jerr->position - 1] == '"' &&
      fail_duplicate_key(data, (size_t)jerr->position, source, err))
    return SC_EDATA;
  const char *what = code == json_error_invalid_utf8 ? "invalid UTF-8: " : "";
  return sc_fail(err, SC_EDATA, "%s:%d:%d: %s%s", source, jerr->line, jerr->column, what,
                 jerr->text);
}

/* jansson reports a failed allocation inside a string as a syntax error ("string or '}'
 * expected"), and may return a document missing a piece it could not store; its allocations go
 * through here so that sc_json_parse can tell. */
static _Thread_local bool json_allocation_failed;

static void *json_allocate(size_t size) {
  void *p = malloc(size);
  if (!p) {
    json_allocation_failed = true;
    sc_alloc_note_failure();
  }
  return p;
}

__attribute__((constructor)) static void use_json_allocate(void) {
  json_set_alloc_funcs(json_allocate, free);
}

int sc_json_parse(const char *data, size_t len, const char *source, json_t **out, sc_error *err) {
  *out = NULL;
  source = source_name(source);
  /* Checked first, so that oversized input costs nothing more than this comparison. */
  if (len > SC_JSON_MAX_BYTES)
    return sc_fail(err, SC_EDATA, "%s: %zu bytes, larger than the limit of %zu bytes", source, len,
                   SC_JSON_MAX_BYTES);
  if (len == 0 || is_blank(data, len))
    return sc_fail(err, SC_EDATA, "%s: empty input, expected a JSON value", source);
  size_t too_deep = find_too_deep(data, len);
  if (too_deep != SIZE_MAX) {
    int line, column;
    locate(data, too_deep, &line, &column);
    return sc_fail(err, SC_EDATA, "%s:%d:%d: nested deeper than the limit of %d levels", source,
                   line, column, SC_JSON_MAX_DEPTH);
  }
  json_error_t jerr;
  json_allocation_failed = false;
  json_t *value = json_loadb(data, len, STRICT_FLAGS, &jerr);
  if (json_allocation_failed) { /* even a value returned may lack what could not be stored */
    json_decref(value);
    return sc_oom(err);
  }
  if (!value)
    return fail_from_jansson(data, len, source, &jerr, err);
  *out = value;
  return SC_OK;
}

size_t sc_utf8_bom_length(const void *data, size_t len) {
  return len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int sc_json_load_file(const char *path, json_t **out, sc_error *err) {
  *out = NULL;
  sc_buf raw = {0};
  int rc = sc_read_file(path, SC_JSON_MAX_BYTES, &raw, err);
  size_t bom = rc == SC_OK ? sc_utf8_bom_length(raw.data, raw.len) : 0;
  if (rc == SC_OK)
    rc = sc_json_parse((const char *)raw.data + bom, raw.len - bom,
                       strcmp(path, "-") ? path : "<stdin>", out, err);
  sc_buf_free(&raw);
  return rc;
}
