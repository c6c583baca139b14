/* CSV rosters (RFC 4180) through libcsv. libcsv pushes fields and rows to callbacks; the file
 * is fed to it one physical line at a time, so that the line a row starts on is known and
 * only the rows of that one line are ever queued: memory stays flat whatever the file size. */
#include "issuer/roster_internal.h"

#include <stdlib.h>
#include <string.h>

static void free_header(sc_roster *r) {
  for (size_t i = 0; i < ROSTER_MAX_COLUMNS; i++) {
    free(r->header[i]);
    r->header[i] = NULL;
  }
}

static bool queue_push(roster_queue *q, roster_record *rec) {
  if (q->head + q->count == q->cap) {
    if (q->head > 0) { /* slide down before growing */
      memmove(q->items, q->items + q->head, q->count * sizeof *q->items);
      q->head = 0;
    } else {
      size_t cap = q->cap ? q->cap * 2 : 4;
      roster_record *items = realloc(q->items, cap * sizeof *items);
      if (!items)
        return false;
      q->items = items;
      q->cap = cap;
    }
  }
  q->items[q->head + q->count++] = *rec;
  memset(rec, 0, sizeof *rec);
  return true;
}

static bool queue_pop(roster_queue *q, roster_record *out) {
  if (q->count == 0)
    return false;
  *out = q->items[q->head++];
  if (--q->count == 0)
    q->head = 0;
  return true;
}

static void on_header_field(sc_roster *r, const char *data, size_t len, size_t column) {
  if (!(r->header[column] = roster_copy_value(data, len)))
    r->callback_error = SC_ESOFTWARE;
}

static void on_row_field(sc_roster *r, const char *data, size_t len, size_t column) {
  int field = column < r->columns ? r->column_field[column] : FIELD_UNKNOWN;
  if (field == FIELD_UNKNOWN)
    return;
  if (memchr(data, '\0', len))
    r->building.nul_fields |= 1u << field;
  if (!(r->building.fields[field] = roster_copy_value(data, len)))
    r->callback_error = SC_ESOFTWARE;
}

static void on_field(void *data, size_t len, void *ctx) {
  sc_roster *r = ctx;
  size_t column = r->building_columns++;
  r->row_field_bytes += len + 1;
  if (r->callback_error || column >= ROSTER_MAX_COLUMNS)
    return;
  const char *text = data ? data : "";
  if (r->header_done)
    on_row_field(r, text, len, column);
  else
    on_header_field(r, text, len, column);
}

/* Maps the header's columns to fields; a second column for the same field is ignored here
 * and reported by report_header. */
static void map_header(sc_roster *r) {
  r->header_columns = r->building_columns;
  r->columns = r->building_columns < ROSTER_MAX_COLUMNS ? r->building_columns : ROSTER_MAX_COLUMNS;
  bool taken[FIELD_COUNT] = {false};
  for (size_t i = 0; i < r->columns; i++) {
    const char *name = r->header[i] ? r->header[i] : "";
    int field = roster_field_of(r, name, strlen(name));
    if (field != FIELD_UNKNOWN && taken[field])
      field = FIELD_UNKNOWN;
    if (field != FIELD_UNKNOWN)
      taken[field] = true;
    r->column_field[i] = field;
  }
}

static void on_row(int terminator, void *ctx) {
  (void)terminator;
  sc_roster *r = ctx;
  if (!r->callback_error && !r->header_done) {
    r->header_done = true;
    r->header_line = r->row_start;
    map_header(r);
  } else if (!r->callback_error) {
    r->building.line = r->row_start;
    r->building.columns = r->building_columns;
    r->building.too_long = r->row_field_bytes > ROSTER_MAX_ROW_BYTES;
    if (!queue_push(&r->queue, &r->building))
      r->callback_error = SC_ESOFTWARE;
  }
  roster_record_free(&r->building);
  r->building.nul_fields = 0;
  r->building.too_long = false;
  r->building_columns = 0;
  r->row_field_bytes = 0;
}

/* Feeds one physical line (or what the current chunk holds of it) to libcsv. A malformed
 * file stops the reading: libcsv cannot resynchronise after a stray quote. */
static int feed_line(sc_roster *r, sc_error *err) {
  if (r->csv.pstate == 0) /* between rows: a row beginning now begins on this line */
    r->row_start = r->line;
  const unsigned char *start = r->chunk + r->chunk_pos;
  const unsigned char *newline = memchr(start, '\n', r->chunk_len - r->chunk_pos);
  size_t len = newline ? (size_t)(newline - start) + 1 : r->chunk_len - r->chunk_pos;
  size_t fed = csv_parse(&r->csv, start, len, on_field, on_row, r);
  size_t error_line = r->line;
  r->chunk_pos += len;
  r->line += newline != NULL;
  if (r->callback_error)
    return sc_oom(err);
  if (fed != len) {
    r->done = r->broken = true;
    return roster_problem(r, err, error_line,
                          "malformed CSV: a quote inside an unquoted field or text after a "
                          "closing quote (RFC 4180: quote the whole field, double inner quotes)");
  }
  /* A row still open past the limit is nearly always a quote never closed: reading stops. What
   * counts is the row's own bytes (fields delivered plus the one libcsv is collecting), so rows
   * ending in a bare CR, many to a "line", are measured one by one. */
  if (r->csv.pstate != 0 && r->row_field_bytes + r->csv.entry_pos > ROSTER_MAX_ROW_BYTES) {
    r->done = r->broken = true;
    return roster_problem(r, err, r->row_start, "row longer than %zu bytes (a quote not closed?)",
                          ROSTER_MAX_ROW_BYTES);
  }
  return SC_OK;
}

static int finish(sc_roster *r, sc_error *err) {
  r->done = true;
  int status = csv_fini(&r->csv, on_field, on_row, r);
  if (r->callback_error)
    return sc_oom(err);
  r->broken = status != 0;
  if (status != 0)
    return roster_problem(r, err, r->row_start, "a quoted field is not closed (missing \")");
  return SC_OK;
}

/* Feeds lines until a row is queued, the header is read (when want_header) or the file ends. */
static int pump(sc_roster *r, bool want_header, sc_error *err) {
  int rc = SC_OK;
  while (rc == SC_OK && !r->done && r->queue.count == 0 && !(want_header && r->header_done)) {
    if (roster_fill(r, err, &rc))
      rc = feed_line(r, err);
    else if (rc == SC_OK)
      rc = finish(r, err);
  }
  return rc;
}

static int report_header(sc_roster *r, sc_error *err) {
  if (r->header_columns > ROSTER_MAX_COLUMNS) {
    /* One clear problem instead of one per column and per row: nothing after it is read. */
    r->done = r->broken = true;
    return roster_problem(r, err, r->header_line, "the header has %zu columns; at most %d are read",
                          r->header_columns, ROSTER_MAX_COLUMNS);
  }
  int rc = SC_OK;
  bool present[FIELD_COUNT] = {false};
  for (size_t i = 0; rc == SC_OK && i < r->columns; i++) {
    const char *name = r->header[i] ? r->header[i] : "";
    int field = roster_field_of(r, name, strlen(name));
    if (r->column_field[i] != FIELD_UNKNOWN)
      present[r->column_field[i]] = true;
    else if (!*name)
      rc = roster_problem(r, err, r->header_line, "column %zu: has no name (known fields: %s)",
                          i + 1, ROSTER_KNOWN_FIELDS);
    else if (field != FIELD_UNKNOWN)
      rc = roster_problem(r, err, r->header_line, "%s: a second column gives field %s (column %zu)",
                          name, roster_field_name(field), i + 1);
    else
      rc = roster_problem(r, err, r->header_line,
                          "%s: unknown column (known fields: %s; --map '%s=FIELD' renames it)",
                          name, ROSTER_KNOWN_FIELDS, name);
  }
  /* Without an id column the e-mail identifies the learner (roster_learner_id). */
  r->missing_column[FIELD_ID] = !present[FIELD_ID];
  for (int f = FIELD_NAME; rc == SC_OK && f <= FIELD_EMAIL; f++) {
    r->missing_column[f] = !present[f];
    if (!present[f])
      rc = roster_problem(r, err, r->header_line,
                          "%s: missing column (required: name, email; id optional)",
                          roster_field_name(f));
  }
  return rc;
}

/* How many of the header's columns name a known field when split at delim: the header line
 * as far as the first chunk holds it, quoted names respected (their quotes removed). */
static size_t known_columns(const sc_roster *r, unsigned char delim) {
  const unsigned char *p = r->chunk + r->chunk_pos, *end = r->chunk + r->chunk_len;
  size_t known = 0;
  bool quoted = false;
  for (const unsigned char *start = p;; p++) {
    bool line_ended = p == end || (!quoted && (*p == '\n' || *p == '\r'));
    if (!line_ended && *p == '"')
      quoted = !quoted;
    if (!line_ended && (quoted || *p != delim))
      continue;
    const unsigned char *from = start, *to = p;
    while (from < to && (*from == ' ' || *from == '\t' || *from == '"'))
      from++;
    while (to > from && (to[-1] == ' ' || to[-1] == '\t' || to[-1] == '"'))
      to--;
    known += roster_field_of(r, (const char *)from, (size_t)(to - from)) != FIELD_UNKNOWN;
    if (line_ended)
      return known;
    start = p + 1;
  }
}

/* Spreadsheets save "CSV" with the list separator of the user's locale: a semicolon in most of
 * Europe and in Indonesia, sometimes a tab. The delimiter is the one that splits the header
 * into the most known column names; a comma when none does (the header is then reported). */
static unsigned char detect_delimiter(const sc_roster *r) {
  static const unsigned char candidates[] = {',', ';', '\t'};
  unsigned char best = ',';
  size_t best_known = 0;
  for (size_t i = 0; i < sizeof candidates; i++) {
    size_t known = known_columns(r, candidates[i]);
    if (known > best_known) {
      best = candidates[i];
      best_known = known;
    }
  }
  return best;
}

int roster_csv_start(sc_roster *r, sc_error *err) {
  if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    return sc_oom(err);
  csv_set_delim(&r->csv, detect_delimiter(r));
  r->csv_ready = true;
  int rc = pump(r, true, err);
  if (rc == SC_OK && !r->header_done)
    r->no_header = true; /* an empty file: no learners, which validation reports */
  else if (rc == SC_OK)
    rc = report_header(r, err);
  free_header(r);
  return rc;
}

/* Problems of the row's shape; values are judged by validation. */
static int check_shape(sc_roster *r, const roster_record *rec, sc_error *err) {
  int rc = SC_OK;
  if (rec->too_long)
    return roster_problem(r, err, rec->line, "row longer than %zu bytes", ROSTER_MAX_ROW_BYTES);
  if (rec->columns != r->columns)
    rc = roster_problem(r, err, rec->line, "row has %zu fields, the header has %zu", rec->columns,
                        r->columns);
  for (int f = 0; rc == SC_OK && f < FIELD_COUNT; f++) {
    if (rec->nul_fields & (1u << f))
      rc = roster_problem(r, err, rec->line, "%s: contains a NUL character", roster_field_name(f));
  }
  return rc;
}

int roster_csv_next(sc_roster *r, roster_record *out, sc_error *err) {
  int rc = pump(r, false, err);
  if (rc != SC_OK || !queue_pop(&r->queue, out))
    return rc;
  return check_shape(r, out, err);
}

void roster_csv_free(sc_roster *r) {
  if (r->csv_ready)
    csv_free(&r->csv);
  free_header(r);
  roster_record_free(&r->building);
  roster_record tmp;
  while (queue_pop(&r->queue, &tmp))
    roster_record_free(&tmp);
  free(r->queue.items);
}
