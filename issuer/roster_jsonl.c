/* JSON Lines rosters: each non-blank line one JSON object whose members are the row's fields
 * (string values). Lines are parsed by the strict JSON intake, one at a time. */
#include "issuer/roster_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Reads the next physical line into r->jsonl_line (without its newline); *line_no gets its
 * number. false at the end of the file. */
static bool read_line(sc_roster *r, size_t *line_no, sc_error *err, int *rc) {
  sc_buf_reset(&r->jsonl_line);
  *line_no = r->line;
  bool any = false;
  while (roster_fill(r, err, rc)) {
    any = true;
    const unsigned char *start = r->chunk + r->chunk_pos;
    size_t left = r->chunk_len - r->chunk_pos;
    const unsigned char *newline = memchr(start, '\n', left);
    size_t len = newline ? (size_t)(newline - start) : left;
    if (r->jsonl_line.len + len > ROSTER_MAX_ROW_BYTES) {
      r->done = r->broken = true;
      *rc = roster_problem(r, err, *line_no, "line longer than %zu bytes", ROSTER_MAX_ROW_BYTES);
      return false;
    }
    if (!sc_buf_append(&r->jsonl_line, start, len)) {
      *rc = sc_oom(err);
      return false;
    }
    r->chunk_pos += len + (newline != NULL);
    if (newline) {
      r->line++;
      return true;
    }
  }
  return any && *rc == SC_OK;
}

static bool is_blank(const sc_buf *line) {
  for (size_t i = 0; i < line->len; i++) {
    if (!isspace(line->data[i]))
      return false;
  }
  return true;
}

/* The strict parser names its source, line and column ("@:1:17: what"); on one line only
 * the column matters. */
static int json_problem(sc_roster *r, size_t line, const char *message, sc_error *err) {
  int column = 0, rest = 0;
  if (sscanf(message, "@:%*d:%d: %n", &column, &rest) >= 1 && rest > 0)
    return roster_problem(r, err, line, "invalid JSON at column %d: %s", column, message + rest);
  return roster_problem(r, err, line, "invalid JSON: %s",
                        strncmp(message, "@: ", 3) == 0 ? message + 3 : message);
}

static int take_member(sc_roster *r, roster_record *out, const char *key, const json_t *value,
                       sc_error *err) {
  int field = roster_field_of(r, key, strlen(key));
  if (field == FIELD_UNKNOWN)
    return roster_problem(r, err, out->line,
                          "%s: unknown field (known fields: %s; --map '%s=FIELD' renames it)", key,
                          ROSTER_KNOWN_FIELDS, key);
  if (!json_is_string(value))
    return roster_problem(r, err, out->line, "%s: expected a string", key);
  if (out->fields[field])
    return roster_problem(r, err, out->line, "%s: a second member gives field %s", key,
                          roster_field_name(field));
  const char *text = json_string_value(value);
  size_t len = json_string_length(value);
  if (memchr(text, '\0', len)) {
    out->nul_fields |= 1u << field; /* reported here, not again as an empty value */
    return roster_problem(r, err, out->line, "%s: contains a NUL character", key);
  }
  if (!(out->fields[field] = roster_copy_value(text, len)))
    return sc_oom(err);
  return SC_OK;
}

/* Parses one line into out; *skip when the line gave no row (reported when validating). */
static int parse_line(sc_roster *r, size_t line_no, roster_record *out, bool *skip, sc_error *err) {
  json_t *object = NULL;
  sc_error parse_err = {0};
  *skip = true;
  if (sc_json_parse((const char *)r->jsonl_line.data, r->jsonl_line.len, "@", &object,
                    &parse_err) != SC_OK)
    return parse_err.code == SC_EDATA ? json_problem(r, line_no, parse_err.message, err)
                                      : sc_fail(err, parse_err.code, "%s", parse_err.message);
  int rc = SC_OK;
  if (!json_is_object(object)) {
    rc = roster_problem(r, err, line_no, "expected a JSON object with the fields %s",
                        ROSTER_KNOWN_FIELDS);
  } else {
    *skip = false;
    out->line = line_no;
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value) {
      if ((rc = take_member(r, out, key, value, err)) != SC_OK)
        break;
    }
  }
  json_decref(object);
  return rc;
}

int roster_jsonl_next(sc_roster *r, roster_record *out, sc_error *err) {
  int rc = SC_OK;
  size_t line_no;
  while (!r->done && rc == SC_OK) {
    if (!read_line(r, &line_no, err, &rc)) {
      r->done = true;
      break;
    }
    if (is_blank(&r->jsonl_line))
      continue;
    bool skip;
    rc = parse_line(r, line_no, out, &skip, err);
    if (rc == SC_OK && !skip)
      return SC_OK;
    roster_record_free(out);
  }
  return rc;
}
