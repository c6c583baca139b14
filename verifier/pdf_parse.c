/*
 * A small PDF object reader for hostile input (see pdf_parse.h). The file is indexed by one
 * linear walk: every "N G obj" becomes an entry pointing at its value, stream data is skipped
 * up to "endstream", and the last "trailer" (or /Type /XRef stream) is remembered. Every
 * later read scans from an offset with bounds checks and a nesting limit.
 */
#include "verifier/pdf_parse.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REFERENCE_HOPS 8

/* ---------------------------------------------------------------- characters */

static bool is_space(uint8_t c) {
  return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static bool is_delimiter(uint8_t c) {
  return strchr("()<>[]{}/%", c) != NULL && c != 0;
}

static bool is_regular(uint8_t c) {
  return !is_space(c) && !is_delimiter(c);
}

static bool is_digit(uint8_t c) {
  return c >= '0' && c <= '9';
}

static size_t regular_end(const pdf_file *pdf, size_t at) {
  while (at < pdf->len && is_regular(pdf->data[at]))
    at++;
  return at;
}

/* Is the keyword word (a whole token) at at? */
static bool keyword_at(const pdf_file *pdf, size_t at, const char *word) {
  size_t n = strlen(word);
  return at <= pdf->len && pdf->len - at >= n && memcmp(pdf->data + at, word, n) == 0 &&
         regular_end(pdf, at) == at + n;
}

size_t pdf_skip_space(const pdf_file *pdf, size_t at) {
  while (at < pdf->len) {
    if (is_space(pdf->data[at])) {
      at++;
    } else if (pdf->data[at] == '%') {
      while (at < pdf->len && pdf->data[at] != '\n' && pdf->data[at] != '\r')
        at++;
    } else {
      break;
    }
  }
  return at;
}

/* An unsigned integer token of at most max_digits digits at at; its end in *end. */
static bool unsigned_at(const pdf_file *pdf, size_t at, size_t max_digits, uint64_t *value,
                        size_t *end) {
  size_t stop = regular_end(pdf, at);
  if (stop == at || stop - at > max_digits)
    return false;
  uint64_t v = 0;
  for (size_t i = at; i < stop; i++) {
    if (!is_digit(pdf->data[i]))
      return false;
    v = v * 10 + (uint64_t)(pdf->data[i] - '0');
  }
  *value = v;
  *end = stop;
  return true;
}

/* "N G <keyword>" at at ("N G R" a reference, "N G obj" an object header): the object number
 * and where the keyword ends. */
static bool numbered_keyword_at(const pdf_file *pdf, size_t at, const char *keyword, uint32_t *num,
                                size_t *end) {
  uint64_t n = 0, gen = 0;
  size_t after = 0;
  if (!unsigned_at(pdf, at, 10, &n, &after) || n > UINT32_MAX)
    return false;
  size_t g = pdf_skip_space(pdf, after);
  if (g == after || !unsigned_at(pdf, g, 5, &gen, &after))
    return false;
  size_t k = pdf_skip_space(pdf, after);
  if (k == after || !keyword_at(pdf, k, keyword))
    return false;
  *num = (uint32_t)n;
  *end = k + strlen(keyword);
  return true;
}

static bool reference_at(const pdf_file *pdf, size_t at, uint32_t *num, size_t *end) {
  return numbered_keyword_at(pdf, at, "R", num, end);
}

/* ---------------------------------------------------------------- values */

/* The end of a literal string starting at '(' at at, or PDF_NONE. */
static size_t literal_string_end(const pdf_file *pdf, size_t at, size_t *reached) {
  size_t nesting = 0;
  for (size_t i = at; i < pdf->len; i++) {
    uint8_t c = pdf->data[i];
    if (c == '\\') {
      i++;
    } else if (c == '(') {
      nesting++;
    } else if (c == ')' && --nesting == 0) {
      return i + 1;
    }
  }
  *reached = pdf->len;
  return PDF_NONE;
}

static size_t hex_string_end(const pdf_file *pdf, size_t at, size_t *reached) {
  for (size_t i = at + 1; i < pdf->len; i++) {
    uint8_t c = pdf->data[i];
    if (c == '>')
      return i + 1;
    if (sc_hex_digit(c) < 0 && !is_space(c)) {
      *reached = i;
      return PDF_NONE;
    }
  }
  *reached = pdf->len;
  return PDF_NONE;
}

static size_t value_end(const pdf_file *pdf, size_t at, unsigned depth, size_t *reached);

/* Elements up to close (']' or '>' of ">>"); dictionaries must alternate name and value. */
static size_t container_end(const pdf_file *pdf, size_t at, bool dict, unsigned depth,
                            size_t *reached) {
  for (size_t n = 0;; n++) {
    at = pdf_skip_space(pdf, at);
    if (at > *reached)
      *reached = at;
    if (at >= pdf->len)
      return PDF_NONE;
    if (!dict && pdf->data[at] == ']')
      return at + 1;
    if (dict && pdf->data[at] == '>')
      return at + 1 < pdf->len && pdf->data[at + 1] == '>' ? at + 2 : PDF_NONE;
    if (dict && n % 2 == 0 && pdf->data[at] != '/')
      return PDF_NONE; /* a key that is not a name */
    at = value_end(pdf, at, depth + 1, reached);
    if (at == PDF_NONE)
      return PDF_NONE;
  }
}

/* Numbers, references, names, true/false/null. */
static size_t token_value_end(const pdf_file *pdf, size_t at) {
  uint32_t num = 0;
  size_t end = regular_end(pdf, at);
  if (end == at)
    return PDF_NONE;
  uint8_t c = pdf->data[at];
  if (is_digit(c) || c == '+' || c == '-' || c == '.') {
    size_t ref_end = 0;
    if (reference_at(pdf, at, &num, &ref_end))
      return ref_end;
    for (size_t i = at; i < end; i++)
      if (!is_digit(pdf->data[i]) && strchr("+-.", pdf->data[i]) == NULL)
        return PDF_NONE;
    return end;
  }
  if (keyword_at(pdf, at, "true") || keyword_at(pdf, at, "false") || keyword_at(pdf, at, "null"))
    return end;
  return PDF_NONE;
}

/* The end of the value at at; *reached is raised to the farthest byte examined, so that a
 * caller recovering from an error can resume there and keep the whole walk linear. */
static size_t value_end(const pdf_file *pdf, size_t at, unsigned depth, size_t *reached) {
  at = pdf_skip_space(pdf, at);
  if (at > *reached)
    *reached = at;
  if (at >= pdf->len || depth > PDF_MAX_DEPTH)
    return PDF_NONE;
  size_t end = PDF_NONE;
  switch (pdf->data[at]) {
  case '/':
    end = regular_end(pdf, at + 1);
    break;
  case '(':
    end = literal_string_end(pdf, at, reached);
    break;
  case '[':
    end = container_end(pdf, at + 1, false, depth, reached);
    break;
  case '<':
    if (at + 1 < pdf->len && pdf->data[at + 1] == '<')
      end = container_end(pdf, at + 2, true, depth, reached);
    else
      end = hex_string_end(pdf, at, reached);
    break;
  default:
    end = token_value_end(pdf, at);
  }
  if (end != PDF_NONE && end > *reached)
    *reached = end;
  return end;
}

size_t pdf_skip_value(const pdf_file *pdf, size_t at) {
  size_t reached = at;
  return at == PDF_NONE ? PDF_NONE : value_end(pdf, at, 0, &reached);
}

/* ---------------------------------------------------------------- dictionaries, arrays */

bool pdf_is_dict(const pdf_file *pdf, size_t at) {
  return at < pdf->len && pdf->len - at >= 2 && pdf->data[at] == '<' && pdf->data[at + 1] == '<';
}

bool pdf_is_array(const pdf_file *pdf, size_t at) {
  return at < pdf->len && pdf->data[at] == '[';
}

/* The unresolved value of key in the dictionary at at. */
static size_t dict_lookup(const pdf_file *pdf, size_t at, const char *key) {
  if (at == PDF_NONE)
    return PDF_NONE;
  at = pdf_skip_space(pdf, at);
  if (!pdf_is_dict(pdf, at))
    return PDF_NONE;
  size_t key_len = strlen(key);
  at += 2;
  for (;;) {
    at = pdf_skip_space(pdf, at);
    if (at >= pdf->len || pdf->data[at] != '/')
      return PDF_NONE; /* the end ">>" or malformed */
    size_t name_end = regular_end(pdf, at + 1);
    size_t value = pdf_skip_space(pdf, name_end);
    if (name_end - at - 1 == key_len && memcmp(pdf->data + at + 1, key, key_len) == 0)
      return value;
    at = pdf_skip_value(pdf, value);
    if (at == PDF_NONE)
      return PDF_NONE;
  }
}

size_t pdf_dict_get(const pdf_file *pdf, size_t at, const char *key) {
  return pdf_resolve(pdf, dict_lookup(pdf, at, key), NULL);
}

size_t pdf_dict_get_object(const pdf_file *pdf, size_t at, const char *key,
                           const pdf_object **obj) {
  return pdf_resolve(pdf, dict_lookup(pdf, at, key), obj);
}

size_t pdf_array_first(const pdf_file *pdf, size_t at) {
  if (at == PDF_NONE || !pdf_is_array(pdf, at))
    return PDF_NONE;
  at = pdf_skip_space(pdf, at + 1);
  return at < pdf->len && pdf->data[at] != ']' ? at : PDF_NONE;
}

size_t pdf_next_element(const pdf_file *pdf, size_t element) {
  size_t end = pdf_skip_value(pdf, element);
  if (end == PDF_NONE)
    return PDF_NONE;
  end = pdf_skip_space(pdf, end);
  return end < pdf->len && pdf->data[end] != ']' ? end : PDF_NONE;
}

/* ---------------------------------------------------------------- scalars */

bool pdf_name(const pdf_file *pdf, size_t at, char out[PDF_NAME_MAX + 1]) {
  if (at >= pdf->len || pdf->data[at] != '/')
    return false;
  size_t end = regular_end(pdf, at + 1), n = 0;
  for (size_t i = at + 1; i < end; i++) {
    int c = pdf->data[i];
    if (c == '#' && i + 2 < end && sc_hex_digit(pdf->data[i + 1]) >= 0 &&
        sc_hex_digit(pdf->data[i + 2]) >= 0) {
      c = sc_hex_digit(pdf->data[i + 1]) * 16 + sc_hex_digit(pdf->data[i + 2]);
      i += 2;
    }
    if (n == PDF_NAME_MAX)
      return false;
    out[n++] = (char)c;
  }
  out[n] = '\0';
  return true;
}

bool pdf_is_name(const pdf_file *pdf, size_t at, const char *name) {
  char buf[PDF_NAME_MAX + 1];
  return pdf_name(pdf, at, buf) && strcmp(buf, name) == 0;
}

bool pdf_integer(const pdf_file *pdf, size_t at, int64_t *value) {
  uint64_t v = 0;
  size_t end = 0;
  if (at >= pdf->len || !unsigned_at(pdf, at, 18, &v, &end))
    return false;
  *value = (int64_t)v;
  return true;
}

/* One escape of a literal string at data[*i] (just after the backslash). -1: none (a line
 * continuation). */
static int literal_escape(const pdf_file *pdf, size_t *i, size_t end) {
  static const char from[] = "nrtbf()\\", to[] = "\n\r\t\b\f()\\";
  uint8_t c = pdf->data[*i];
  const char *hit = c ? strchr(from, c) : NULL;
  if (hit)
    return to[hit - from];
  if (c >= '0' && c <= '7') {
    int v = 0;
    for (int k = 0; k < 3 && *i < end && pdf->data[*i] >= '0' && pdf->data[*i] <= '7'; k++)
      v = v * 8 + (pdf->data[(*i)++] - '0');
    (*i)--;
    return v & 0xff;
  }
  if (c == '\r' && *i + 1 < end && pdf->data[*i + 1] == '\n')
    (*i)++;
  return c == '\r' || c == '\n' ? -1 : c;
}

/* Raw bytes of a literal "(…)" or hex "<…>" string; false when longer than the buffer. */
static bool string_bytes(const pdf_file *pdf, size_t at, uint8_t *out, size_t *n) {
  size_t end = pdf_skip_value(pdf, at), cap = *n;
  *n = 0;
  if (end == PDF_NONE || (pdf->data[at] != '(' && pdf->data[at] != '<') || pdf_is_dict(pdf, at))
    return false;
  bool literal = pdf->data[at] == '(';
  int pending = -1; /* hex: the high nibble waiting for its pair */
  for (size_t i = at + 1; i + 1 < end; i++) {
    int c = pdf->data[i];
    if (literal && c == '\\' && (++i, (c = literal_escape(pdf, &i, end - 1)) < 0))
      continue;
    if (!literal) {
      if (is_space((uint8_t)c))
        continue;
      if (pending < 0) {
        pending = sc_hex_digit((uint8_t)c);
        continue;
      }
      c = pending * 16 + sc_hex_digit((uint8_t)c);
      pending = -1;
    }
    if (*n == cap)
      return false;
    out[(*n)++] = (uint8_t)c;
  }
  if (pending >= 0) { /* an odd number of hex digits: the last one is followed by 0 */
    if (*n == cap)
      return false;
    out[(*n)++] = (uint8_t)(pending * 16);
  }
  return true;
}

bool pdf_small_string(const pdf_file *pdf, size_t at, char out[PDF_NAME_MAX + 1]) {
  uint8_t raw[2 * PDF_NAME_MAX + 2];
  size_t n = sizeof raw;
  if (at >= pdf->len || !string_bytes(pdf, at, raw, &n))
    return false;
  size_t o = 0;
  if (n >= 2 && raw[0] == 0xfe && raw[1] == 0xff) { /* UTF-16BE: keep it only when ASCII */
    if (n % 2 != 0)
      return false;
    for (size_t i = 2; i < n; i += 2) {
      if (raw[i] != 0 || raw[i + 1] >= 0x80 || o == PDF_NAME_MAX)
        return false;
      out[o++] = (char)raw[i + 1];
    }
  } else {
    if (n > PDF_NAME_MAX)
      return false;
    memcpy(out, raw, n);
    o = n;
  }
  out[o] = '\0';
  return strlen(out) == o; /* a NUL inside is not a file name */
}

/* ---------------------------------------------------------------- the object index */

static int compare_objects(const void *a, const void *b) {
  const pdf_object *x = a, *y = b;
  if (x->num != y->num)
    return x->num < y->num ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

const pdf_object *pdf_find(const pdf_file *pdf, uint32_t num) {
  size_t lo = 0, hi = pdf->count; /* the first entry with a number above num */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pdf->objects[mid].num <= num)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo > 0 && pdf->objects[lo - 1].num == num ? &pdf->objects[lo - 1] : NULL;
}

size_t pdf_resolve(const pdf_file *pdf, size_t at, const pdf_object **obj) {
  if (obj)
    *obj = NULL;
  for (int hop = 0; at != PDF_NONE && hop <= MAX_REFERENCE_HOPS; hop++) {
    at = pdf_skip_space(pdf, at);
    uint32_t num = 0;
    size_t end = 0;
    if (!reference_at(pdf, at, &num, &end))
      return at < pdf->len ? at : PDF_NONE;
    const pdf_object *target = pdf_find(pdf, num);
    if (!target)
      return PDF_NONE;
    if (obj)
      *obj = target;
    at = target->body;
  }
  return PDF_NONE; /* references pointing at references, too many times */
}

/* "N G obj" at at: the object number and where its value starts. */
static bool object_header_at(const pdf_file *pdf, size_t at, uint32_t *num, size_t *body) {
  return numbered_keyword_at(pdf, at, "obj", num, body);
}

/* Offset of the next occurrence of word at or after at, or the file's length. (memmem is a
 * GNU extension.) */
static size_t find_keyword(const pdf_file *pdf, size_t at, const char *word) {
  size_t n = strlen(word);
  while (at < pdf->len && pdf->len - at >= n) {
    const uint8_t *hit = memchr(pdf->data + at, word[0], pdf->len - at - n + 1);
    if (!hit)
      break;
    at = (size_t)(hit - pdf->data);
    if (memcmp(hit, word, n) == 0)
      return at;
    at++;
  }
  return pdf->len;
}

/* After a stream's dictionary: the data starts after "stream" and its end of line. */
static void locate_stream(const pdf_file *pdf, pdf_object *obj, size_t keyword) {
  size_t data = keyword + 6;
  if (data < pdf->len && pdf->data[data] == '\r')
    data++;
  if (data < pdf->len && pdf->data[data] == '\n')
    data++;
  obj->stream = data;
  obj->stream_limit = find_keyword(pdf, data, "endstream");
}

static int add_object(pdf_file *pdf, size_t *cap, const pdf_object *obj, sc_error *err) {
  if (pdf->count == *cap) {
    size_t grown = *cap ? *cap * 2 : 64;
    pdf_object *more = realloc(pdf->objects, grown * sizeof *more);
    if (!more)
      return sc_oom(err);
    pdf->objects = more;
    *cap = grown;
  }
  pdf->objects[pdf->count++] = *obj;
  return SC_OK;
}

/* Indexes the object whose header ends at body; returns where the walk goes on. */
static size_t index_object(pdf_file *pdf, uint32_t num, size_t body, size_t *cap, int *rc,
                           sc_error *err) {
  size_t reached = body;
  size_t end = value_end(pdf, body, 0, &reached);
  if (end == PDF_NONE)
    return reached > body ? reached : body; /* malformed: resume past what was examined */
  pdf_object obj = {.num = num, .order = (uint32_t)pdf->count, .body = body, .stream = PDF_NONE};
  size_t next = end, after = pdf_skip_space(pdf, end);
  if (pdf_is_dict(pdf, pdf_skip_space(pdf, body)) && keyword_at(pdf, after, "stream")) {
    locate_stream(pdf, &obj, after);
    next = obj.stream_limit + 9;
    size_t type = dict_lookup(pdf, body, "Type");
    if (type != PDF_NONE && pdf_is_name(pdf, type, "ObjStm"))
      pdf->has_object_streams = true;
    if (type != PDF_NONE && pdf_is_name(pdf, type, "XRef"))
      pdf->trailer = pdf_skip_space(pdf, body);
  }
  *rc = add_object(pdf, cap, &obj, err);
  return next;
}

/* One pass over the file; objects inside strings or stream data are never looked at. */
static int walk(pdf_file *pdf, sc_error *err) {
  size_t cap = 0, at = 0;
  int rc = SC_OK;
  while (rc == SC_OK && (at = pdf_skip_space(pdf, at)) < pdf->len) {
    uint32_t num = 0;
    size_t body = 0;
    if (keyword_at(pdf, at, "trailer")) {
      size_t dict = pdf_skip_space(pdf, at + 7);
      if (pdf_is_dict(pdf, dict))
        pdf->trailer = dict;
      at += 7;
    } else if (object_header_at(pdf, at, &num, &body)) {
      at = index_object(pdf, num, body, &cap, &rc, err);
    } else {
      size_t end = regular_end(pdf, at);
      at = end > at ? end : at + 1;
    }
  }
  return rc;
}

int pdf_open(pdf_file *pdf, const uint8_t *data, size_t len, sc_error *err) {
  memset(pdf, 0, sizeof *pdf);
  pdf->data = data;
  pdf->len = len;
  pdf->trailer = PDF_NONE;
  if (len < 5 || memcmp(data, "%PDF-", 5) != 0)
    return sc_fail(err, SC_EDATA, "not a PDF: it does not start with %%PDF-");
  if (len >= UINT32_MAX)
    return sc_fail(err, SC_EDATA, "PDF: larger than 4 GB");
  int rc = walk(pdf, err);
  if (rc != SC_OK) {
    pdf_close(pdf);
    return rc;
  }
  if (pdf->count > 0)
    qsort(pdf->objects, pdf->count, sizeof *pdf->objects, compare_objects);
  return SC_OK;
}

void pdf_close(pdf_file *pdf) {
  free(pdf->objects);
  pdf->objects = NULL;
  pdf->count = 0;
}
