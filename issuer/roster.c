/* Roster intake: opens a CSV or JSON Lines roster, tells them apart by content, maps column
 * names to fields and hands out one row at a time (roster_csv.c, roster_jsonl.c read). */
#include "issuer/roster_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const field_names[FIELD_COUNT] = {
    "name", "email", "id", "did", "valid_until", "achievement", "language"};

const char *roster_field_name(int field) {
  return field >= 0 && field < FIELD_COUNT ? field_names[field] : "?";
}

/* Trims ASCII whitespace around s[0..*len); returns the new start. */
static const char *trim(const char *s, size_t *len) {
  while (*len && isspace((unsigned char)*s)) {
    s++;
    (*len)--;
  }
  while (*len && isspace((unsigned char)s[*len - 1]))
    (*len)--;
  return s;
}

static int field_by_name(const char *name, size_t len) {
  name = trim(name, &len);
  for (int f = 0; f < FIELD_COUNT; f++) {
    if (strlen(field_names[f]) == len && strncasecmp(field_names[f], name, len) == 0)
      return f;
  }
  return FIELD_UNKNOWN;
}

/* Same text, ignoring case and surrounding whitespace. */
static bool same_name(const char *a, size_t alen, const char *b, size_t blen) {
  a = trim(a, &alen);
  b = trim(b, &blen);
  return alen == blen && strncasecmp(a, b, alen) == 0;
}

int roster_field_of(const sc_roster *r, const char *name, size_t len) {
  for (size_t i = 0; r->opts && i < r->opts->map_count; i++) {
    const char *map = r->opts->maps[i], *eq = strchr(map, '=');
    if (same_name(map, (size_t)(eq - map), name, len))
      return field_by_name(eq + 1, strlen(eq + 1));
  }
  return field_by_name(name, len);
}

/* --map values are checked once, before any row: a bad one is a usage error. */
static int check_maps(const sc_roster_options *opts, sc_error *err) {
  for (size_t i = 0; opts && i < opts->map_count; i++) {
    const char *map = opts->maps[i], *eq = map ? strchr(map, '=') : NULL;
    size_t column_len = eq ? (size_t)(eq - map) : 0;
    if (!eq || !*trim(map, &column_len) || column_len == 0)
      return sc_fail(err, SC_EUSAGE, "--map: expected COLUMN=FIELD, got '%s'", map ? map : "");
    if (field_by_name(eq + 1, strlen(eq + 1)) == FIELD_UNKNOWN)
      return sc_fail(err, SC_EUSAGE, "--map: '%s': unknown field '%s' (known fields: %s)", map,
                     eq + 1, ROSTER_KNOWN_FIELDS);
  }
  return SC_OK;
}

int roster_problem(sc_roster *r, sc_error *err, size_t line, const char *fmt, ...) {
  char what[768], text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  int n = line ? snprintf(text, sizeof text, "%s:%zu: %s", r->path, line, what)
               : snprintf(text, sizeof text, "%s: %s", r->path, what);
  sc_text_mark_cut(text, sizeof text, n);
  if (!r->report)
    return sc_fail(err, SC_EDATA, "%s", text);
  r->report(r->report_ctx, text);
  r->problems++;
  return SC_OK;
}

void roster_record_free(roster_record *rec) {
  for (int f = 0; f < FIELD_COUNT; f++) {
    free(rec->fields[f]);
    rec->fields[f] = NULL;
  }
  /* The JSON Lines reader fills the same record again: nothing of this row may carry over. */
  rec->line = 0;
  rec->columns = 0;
  rec->nul_fields = 0;
  rec->too_long = false;
}

bool roster_fill(sc_roster *r, sc_error *err, int *rc) {
  *rc = SC_OK;
  if (r->chunk_pos < r->chunk_len)
    return true;
  if (r->eof)
    return false;
  r->chunk_len = fread(r->chunk, 1, sizeof r->chunk, r->file);
  r->chunk_pos = 0;
  if (r->chunk_len == 0) {
    r->eof = true;
    if (ferror(r->file))
      *rc = sc_fail(err, SC_EIO, "%s: read failed", r->path);
    return false;
  }
  return true;
}

/* Skips a UTF-8 byte order mark and leading whitespace (counting lines), then looks at the
 * first byte: '{' starts a JSON object, so the roster is JSON Lines; anything else is CSV. */
static int detect_format(sc_roster *r, sc_error *err) {
  int rc;
  if (!roster_fill(r, err, &rc))
    return rc;
  r->chunk_pos = sc_utf8_bom_length(r->chunk, r->chunk_len);
  while (roster_fill(r, err, &rc) && isspace(r->chunk[r->chunk_pos])) {
    if (r->chunk[r->chunk_pos] == '\n')
      r->line++;
    r->chunk_pos++;
  }
  if (rc != SC_OK)
    return rc;
  r->format = !r->eof && r->chunk[r->chunk_pos] == '{' ? ROSTER_JSONL : ROSTER_CSV;
  return SC_OK;
}

static int set_paths(sc_roster *r, const char *path, sc_error *err) {
  size_t len = strlen(path);
  if (len >= sizeof r->path)
    return sc_fail(err, SC_ENOINPUT, "%.64s...: path too long", path);
  memcpy(r->path, path, len + 1);
  const char *slash = strrchr(path, '/');
  if (!slash)
    strcpy(r->dir, ".");
  else if (slash == path)
    strcpy(r->dir, "/");
  else
    snprintf(r->dir, sizeof r->dir, "%.*s", (int)(slash - path), path);
  return SC_OK;
}

static int open_file(sc_roster *r, const char *path, sc_error *err) {
  struct stat st;
  if (!(r->file = fopen(path, "rb")))
    return sc_fail(err, SC_ENOINPUT, "%s: cannot open the roster: %s", path, strerror(errno));
  if (fstat(fileno(r->file), &st) == 0 && S_ISDIR(st.st_mode))
    return sc_fail(err, SC_ENOINPUT, "%s: is a directory, not a roster file", path);
  return SC_OK;
}

int roster_open_reporting(const char *path, const sc_roster_options *opts,
                          sc_roster_report_fn report, void *ctx, sc_roster **out, sc_error *err) {
  *out = NULL;
  int rc = check_maps(opts, err);
  if (rc != SC_OK)
    return rc;
  sc_roster *r = calloc(1, sizeof *r);
  if (!r)
    return sc_oom(err);
  r->opts = opts;
  r->report = report;
  r->report_ctx = ctx;
  r->line = 1;
  rc = set_paths(r, path, err);
  if (rc == SC_OK)
    rc = open_file(r, path, err);
  if (rc == SC_OK)
    rc = detect_format(r, err);
  if (rc == SC_OK && r->format == ROSTER_CSV)
    rc = roster_csv_start(r, err);
  if (rc != SC_OK) {
    sc_roster_close(r);
    return rc;
  }
  *out = r;
  return SC_OK;
}

int sc_roster_open(const char *path, const sc_roster_options *opts, sc_roster **out,
                   sc_error *err) {
  return roster_open_reporting(path, opts, NULL, NULL, out, err);
}

/* The achievement a row names: confined to the issuer home (sc_achievement_locate), so that
 * a roster cannot make skillcert read, and quote, any file the operator can read. */
static int resolve_achievement(sc_roster *r, const char *value, const char **out, sc_error *err) {
  *out = NULL;
  sc_error where = {0};
  if (sc_achievement_locate(r->opts ? r->opts->home : NULL, value, r->achievement_path, &where))
    return roster_problem(r, err, r->current.line, "achievement: %s", where.message);
  *out = r->achievement_path;
  return SC_OK;
}

char *roster_copy_value(const char *value, size_t len) {
  value = trim(value, &len);
  char *copy = malloc(len + 1);
  if (copy) {
    memcpy(copy, value, len);
    copy[len] = '\0';
  }
  return copy;
}

/* A row without an id (no id column, or a JSON line without "id") is identified by its
 * e-mail: "email-sha256:" and the SHA-256 of the address in lower case, so that re-running the
 * roster finds the learner again (the registry's idempotency key) while the registry still
 * holds no e-mail address in clear (docs/roster.md). */
static int roster_learner_id(sc_roster *r, const char *email, const char **out, sc_error *err) {
  *out = NULL;
  if (!email || !*email)
    return SC_OK; /* validation reports the empty e-mail */
  size_t len = strlen(email);
  char *lower = malloc(len + 1);
  if (!lower)
    return sc_oom(err);
  for (size_t i = 0; i <= len; i++)
    lower[i] = (char)tolower((unsigned char)email[i]);
  char hex[SC_SHA256_HEX_SIZE];
  int rc = sc_sha256_hex(lower, len, hex);
  free(lower);
  if (rc != SC_OK)
    return sc_fail(err, SC_ESOFTWARE, "SHA-256 failed");
  snprintf(r->email_id, sizeof r->email_id, "email-sha256:%s", hex);
  *out = r->email_id;
  return SC_OK;
}

int roster_next_record(sc_roster *r, sc_roster_row *row, sc_error *err) {
  memset(row, 0, sizeof *row);
  roster_record_free(&r->current);
  int rc = r->format == ROSTER_CSV ? roster_csv_next(r, &r->current, err)
                                   : roster_jsonl_next(r, &r->current, err);
  if (rc != SC_OK || r->current.line == 0)
    return rc;
  char **f = r->current.fields;
  row->line = r->current.line;
  row->name = f[FIELD_NAME];
  row->email = f[FIELD_EMAIL];
  row->id = f[FIELD_ID];
  row->did = f[FIELD_DID];
  row->valid_until = f[FIELD_VALID_UNTIL];
  row->language = f[FIELD_LANGUAGE];
  r->id_from_email = r->format == ROSTER_CSV ? r->missing_column[FIELD_ID] : !f[FIELD_ID];
  if (r->id_from_email)
    rc = roster_learner_id(r, row->email, &row->id, err);
  if (rc == SC_OK && f[FIELD_ACHIEVEMENT] && *f[FIELD_ACHIEVEMENT])
    rc = resolve_achievement(r, f[FIELD_ACHIEVEMENT], &row->achievement, err);
  return rc;
}

bool roster_row_misshapen(const sc_roster *r) {
  return r->format == ROSTER_CSV && r->current.line &&
         (r->current.too_long || r->current.columns != r->columns);
}

int sc_roster_next(sc_roster *roster, sc_roster_row *row, sc_error *err) {
  int rc = roster_next_record(roster, row, err);
  if (rc != SC_OK)
    memset(row, 0, sizeof *row);
  return rc;
}

void sc_roster_close(sc_roster *roster) {
  if (!roster)
    return;
  if (roster->file)
    fclose(roster->file);
  roster_csv_free(roster);
  sc_buf_free(&roster->jsonl_line);
  roster_record_free(&roster->current);
  free(roster);
}
