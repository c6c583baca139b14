/* The registry's records: credentials issued and the events that change their status. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_COLUMNS                                                                                \
  "c.id, c.learner_id, a.iri AS achievement_id, c.recipient_name, c.email_hash, c.status_list, "   \
  "c.status_index, c.issued_at, c.valid_until, c.template, c.json_path, c.pdf_path, c.status, "  \
  "c.language"

const char *sc_registry_stored_path(const sc_registry *reg, const char *path) {
  size_t root = strlen(reg->home_root);
  if (!path || !root || strncmp(path, reg->home_root, root) != 0 || path[root] != '/')
    return path;
  return path + root + 1;
}

static void bind_record(const sc_registry *reg, sc_sql_stmt *stmt, const sc_issued_record *rec,
                        const sc_buf *packed) {
  const sc_registry_driver *d = reg->driver;
  d->bind_text(stmt, 1, rec->id);
  d->bind_text(stmt, 2, rec->learner_id);
  d->bind_text(stmt, 3, rec->achievement_id);
  d->bind_text(stmt, 4, rec->recipient_name);
  d->bind_text(stmt, 5, rec->email_hash);
  d->bind_int64(stmt, 6, rec->status_list);
  d->bind_int64(stmt, 7, rec->status_index);
  d->bind_text(stmt, 8, rec->issued_at);
  d->bind_text(stmt, 9, rec->valid_until);
  d->bind_text(stmt, 10, rec->template_name);
  d->bind_text(stmt, 11, sc_registry_stored_path(reg, rec->json_path));
  d->bind_text(stmt, 12, sc_registry_stored_path(reg, rec->pdf_path));
  d->bind_blob(stmt, 13, packed->data, packed->len);
  d->bind_text(stmt, 14, rec->language);
  d->bind_text(stmt, 15, rec->reissued_from);
}

/* The row holds what cannot be rebuilt: the QR text and the file's SHA-256 come from the
 * credential, its "issued" event from issued_at (docs/registry.md). */
static int insert_credential(sc_registry *reg, const sc_issued_record *rec, const sc_buf *packed,
                             sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_INSERT_CREDENTIAL,
      "INSERT INTO credentials (id, learner_id, achievement, recipient_name, email_hash,"
      " status_list, status_index, issued_at, valid_until, template, json_path, pdf_path,"
      " credential, language, reissued_from) VALUES ($1, $2,"
      " (SELECT id FROM achievements WHERE iri = $3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
      " $14, $15)",
      err);
  if (!stmt)
    return err->code;
  bind_record(reg, stmt, rec, packed);
  bool row, unique;
  int rc = reg->driver->step(stmt, "recording a credential", &row, &unique, err);
  if (rc != SC_OK && unique && rec->learner_id)
    return sc_fail(err, SC_EUSAGE, "%s: learner '%s' already has achievement %s", reg->path,
                   rec->learner_id, rec->achievement_id);
  return rc;
}

/* Achievement IRIs are kept once each: rows and the learner's index hold a small number. A
 * batch's rows share one, so the handle remembers the last one it knows the table holds and
 * adds it once, not once per credential. Rows of the achievements table are never deleted. */
static int add_achievement(sc_registry *reg, const char *iri, sc_error *err) {
  if (reg->known_achievement && strcmp(reg->known_achievement, iri) == 0)
    return SC_OK;
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_INSERT_ACHIEVEMENT,
      "INSERT INTO achievements (iri) VALUES ($1) ON CONFLICT (iri) DO NOTHING", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, iri);
  bool row;
  int rc = sc_sql_step(reg, stmt, "recording an achievement", &row, err);
  char *known = rc == SC_OK ? strdup(iri) : NULL;
  if (known) { /* out of memory: only the saving is lost */
    free(reg->known_achievement);
    reg->known_achievement = known;
    reg->known_achievement_id = 0;
    reg->known_achievement_unconfirmed = true;
  }
  return rc;
}

/* Outside a transaction the row committed at once, and is confirmed at the next commit; a
 * rollback before that only costs one more insert. */
void sc_registry_records_transaction_end(sc_registry *reg, bool committed) {
  sc_registry_staging_end(reg);
  if (!committed && reg->known_achievement_unconfirmed) {
    free(reg->known_achievement);
    reg->known_achievement = NULL;
    reg->known_achievement_id = 0;
  }
  reg->known_achievement_unconfirmed = false;
}

/* The achievements row of iri: its id, 0 when there is none. */
static int achievement_row(sc_registry *reg, const char *iri, int64_t *id, sc_error *err) {
  sc_sql_stmt *stmt = reg->driver->prepare(reg, "SELECT id FROM achievements WHERE iri = $1", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, iri);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "looking up an achievement", &row, err);
  *id = rc == SC_OK && row ? reg->driver->column_int64(stmt, 0) : 0;
  reg->driver->finalize(stmt);
  return rc;
}

/* The row id of the achievement add_achievement made known, looked up once. */
static int known_achievement_id(sc_registry *reg, int64_t *id, sc_error *err) {
  if (!reg->known_achievement_id) {
    int rc = achievement_row(reg, reg->known_achievement, &reg->known_achievement_id, err);
    if (rc != SC_OK)
      return rc;
    if (!reg->known_achievement_id)
      return sc_fail(err, SC_ESOFTWARE, "%s: achievement %s not recorded", reg->path,
                     reg->known_achievement);
  }
  *id = reg->known_achievement_id;
  return SC_OK;
}

int sc_registry_insert(sc_registry *reg, const sc_issued_record *rec, sc_error *err) {
  sc_buf packed = {0};
  int64_t achievement = 0;
  int rc = add_achievement(reg, rec->achievement_id, err);
  if (rc == SC_OK && reg->staging && reg->known_achievement &&
      strcmp(reg->known_achievement, rec->achievement_id) == 0)
    rc = known_achievement_id(reg, &achievement, err);
  if (rc == SC_OK)
    rc = sc_registry_pack_stored(reg, rec->credential_json, strlen(rec->credential_json), &packed,
                                 err);
  if (rc == SC_OK)
    rc = achievement ? sc_registry_stage_credential(reg, rec, achievement, &packed, err)
                     : insert_credential(reg, rec, &packed, err);
  if (rc == SC_OK)
    sc_index_set_remove(&reg->reserved, rec->status_list, rec->status_index);
  sc_buf_free(&packed);
  return rc;
}

/* A text column as a JSON string. Rows written before intake checked every value may hold
 * invalid UTF-8, which jansson refuses: shown with U+FFFD rather than not at all. */
static json_t *text_to_json(const sc_registry_driver *d, sc_sql_stmt *stmt, int column) {
  size_t len = 0;
  const char *text = d->column_text(stmt, column, &len);
  json_t *value = json_stringn(text, len);
  if (value || !text)
    return value;
  char *repaired = sc_text_repair_utf8(text, len);
  value = repaired ? json_string(repaired) : NULL;
  free(repaired);
  return value;
}

/* A stored file path as this process can open it: a relative one joined to the home (schema
 * 14 on; older rows were rewritten by its migration), an absolute one as it is. */
static json_t *path_to_json(const sc_registry *reg, sc_sql_stmt *stmt, int column) {
  const char *stored = reg->driver->column_text(stmt, column, NULL);
  if (!stored || stored[0] == '/' || !reg->home_root[0])
    return text_to_json(reg->driver, stmt, column);
  return json_sprintf("%s/%s", reg->home_root, stored);
}

static bool is_path_column(const char *name) {
  return strcmp(name, "json_path") == 0 || strcmp(name, "pdf_path") == 0;
}

static json_t *row_to_json(const sc_registry *reg, sc_sql_stmt *stmt) {
  const sc_registry_driver *d = reg->driver;
  json_t *row = json_object();
  int columns = d->column_count(stmt);
  for (int i = 0; row && i < columns; i++) {
    const char *name = d->column_name(stmt, i);
    sc_sql_type type = d->column_type(stmt, i);
    json_t *value = NULL;
    if (type == SC_SQL_INT)
      value = json_integer(d->column_int64(stmt, i));
    else if (type == SC_SQL_TEXT && is_path_column(name))
      value = path_to_json(reg, stmt, i);
    else if (type == SC_SQL_TEXT)
      value = text_to_json(d, stmt, i);
    else
      value = json_null();
    if (json_object_set_new(row, name, value) != 0) {
      json_decref(row);
      return NULL;
    }
  }
  return row;
}

/* "sha256": of the credential's bytes (the last column, stored packed), which is what its file
 * must hash to. */
static int add_sha256(sc_registry *reg, sc_sql_stmt *stmt, json_t *row, sc_error *err) {
  int last = reg->driver->column_count(stmt) - 1;
  size_t len = 0;
  const uint8_t *packed = reg->driver->column_blob(stmt, last, &len);
  const char *id = json_string_value(json_object_get(row, "id"));
  char *text = packed ? sc_registry_unpack(reg, id ? id : "?", packed, len, err) : NULL;
  if (!text)
    return packed ? err->code
                  : sc_fail(err, SC_EDATA, "%s: a credential without its text", reg->path);
  char hex[SC_SHA256_HEX_SIZE];
  bool hashed = sc_sha256_hex(text, strlen(text), hex) == SC_OK;
  free(text);
  json_object_del(row, "packed_");
  return hashed && json_object_set_new(row, "sha256", json_string(hex)) == 0 ? SC_OK : sc_oom(err);
}

/* The statement is reset before returning: a statement left stepping keeps its read snapshot
 * open, and a write on that connection after another command committed would then fail at once
 * with "database is locked" instead of waiting its turn. */
static int fetch_one(sc_registry *reg, sc_sql_stmt *stmt, json_t **row, sc_error *err) {
  *row = NULL;
  bool found = false;
  int rc = sc_sql_step(reg, stmt, "reading a credential", &found, err);
  if (rc == SC_OK && found)
    rc = (*row = row_to_json(reg, stmt)) ? SC_OK : sc_oom(err);
  if (rc == SC_OK && found)
    rc = add_sha256(reg, stmt, *row, err);
  reg->driver->reset(stmt);
  if (rc != SC_OK) {
    json_decref(*row);
    *row = NULL;
  }
  return rc;
}

/* Accepts "urn:uuid:…" or the bare UUID, any case, as people paste either. */
static void normalize_id(const char *id, char *out, size_t size) {
  const char *bare = strncmp(id, "urn:uuid:", 9) == 0 ? id + 9 : id;
  snprintf(out, size, "urn:uuid:%s", bare);
  for (char *p = out + 9; *p; p++)
    *p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
}

int sc_registry_get(sc_registry *reg, const char *id, json_t **row, sc_error *err) {
  char urn[128];
  normalize_id(id, urn, sizeof urn);
  sc_sql_stmt *stmt =
      sc_registry_stmt(reg, STMT_GET,
                       "SELECT " ROW_COLUMNS ", c.credential AS packed_ FROM credentials c"
                       " JOIN achievements a ON a.id = c.achievement WHERE c.id = $1",
                       err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, urn);
  return fetch_one(reg, stmt, row, err);
}

int sc_registry_find(sc_registry *reg, const char *learner_id, const char *achievement_id,
                     json_t **row, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(reg, STMT_FIND,
                                       "SELECT " ROW_COLUMNS ", c.credential AS packed_"
                                       " FROM credentials c JOIN achievements a"
                                       " ON a.id = c.achievement"
                                       " WHERE c.learner_id = $1 AND a.iri = $2",
                                       err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, learner_id);
  reg->driver->bind_text(stmt, 2, achievement_id);
  return fetch_one(reg, stmt, row, err);
}

/* The achievements row is written with an achievement's first credential: without one, no
 * credential names it (an index look-up, where looking for a credential would scan them). */
int sc_registry_achievement_issued(sc_registry *reg, const char *achievement_iri, bool *any,
                                   sc_error *err) {
  int64_t id = 0;
  int rc = achievement_row(reg, achievement_iri, &id, err);
  *any = id != 0;
  return rc;
}

int sc_registry_id_taken(sc_registry *reg, const char *id, bool *taken, sc_error *err) {
  sc_sql_stmt *stmt = reg->driver->prepare(reg, "SELECT 1 FROM credentials WHERE id = $1", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, id);
  int rc = sc_sql_step(reg, stmt, "looking up a credential id", taken, err);
  reg->driver->finalize(stmt);
  return rc;
}

char *sc_registry_credential_text(sc_registry *reg, const char *id, sc_error *err) {
  char urn[128];
  normalize_id(id, urn, sizeof urn);
  sc_sql_stmt *stmt =
      sc_registry_stmt(reg, STMT_TEXT, "SELECT credential FROM credentials WHERE id = $1", err);
  if (!stmt)
    return NULL;
  reg->driver->bind_text(stmt, 1, urn);
  /* Not there (SC_EUSAGE) is told apart from a registry that cannot be read. */
  bool found = false;
  int rc = sc_sql_step(reg, stmt, "reading a credential", &found, err);
  size_t len = 0;
  const uint8_t *packed = found ? reg->driver->column_blob(stmt, 0, &len) : NULL;
  char *text = packed ? sc_registry_unpack(reg, urn, packed, len, err) : NULL; /* err set */
  if (rc == SC_OK && !found)
    sc_fail(err, SC_EUSAGE, "%s: no credential %s", reg->path, urn);
  else if (rc == SC_OK && found && !packed)
    sc_fail(err, SC_EDATA, "%s: %s has no stored text", reg->path, urn);
  reg->driver->reset(stmt);
  return text;
}

int sc_registry_events(sc_registry *reg, const char *id, json_t **events, sc_error *err) {
  char urn[128];
  normalize_id(id, urn, sizeof urn);
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_EVENTS,
      /* "issued" is not stored: it is the credential's issued_at, before every change. */
      "SELECT kind, reason, at FROM ("
      " SELECT 0 AS seq, 'issued' AS kind, CAST(NULL AS TEXT) AS reason, issued_at AS at"
      " FROM credentials WHERE id = $1"
      " UNION ALL SELECT e.seq, e.kind, e.reason, e.at FROM events e"
      " JOIN credentials c ON c.seq = e.credential WHERE c.id = $1) t ORDER BY seq",
      err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, urn);
  *events = json_array();
  bool row = false;
  int rc = SC_OK;
  while (*events && (rc = sc_sql_step(reg, stmt, "reading events", &row, err)) == SC_OK && row) {
    if (json_array_append_new(*events, row_to_json(reg, stmt)) != 0) {
      json_decref(*events);
      *events = NULL;
    }
  }
  reg->driver->reset(stmt);
  if (rc != SC_OK) {
    json_decref(*events);
    *events = NULL;
    return rc;
  }
  return *events ? SC_OK : sc_oom(err);
}

/* Every credential the filter lets through, in issue order. instr (SQLite) and strpos
 * (PostgreSQL) are the same test: the name contains the text, byte for byte. */
#define EACH_SQL(contains)                                                                         \
  "SELECT * FROM (SELECT " ROW_COLUMNS ", c.seq AS rowid_, c.credential AS packed_"                \
  " FROM credentials c JOIN achievements a ON a.id = c.achievement"                                \
  " WHERE (CAST($1 AS TEXT) IS NULL OR a.iri = $1)"                                                \
  " AND (CAST($2 AS TEXT) IS NULL OR " contains "(c.recipient_name, $2) > 0)"                      \
  " AND (CAST($3 AS TEXT) IS NULL OR c.learner_id = $3)"                                           \
  " AND (CAST($4 AS TEXT) IS NULL OR c.status = $4)) t"                                            \
  " ORDER BY rowid_"

int sc_registry_each(sc_registry *reg, const sc_registry_filter *filter,
                     int (*each)(void *ctx, const json_t *row), void *ctx, sc_error *err) {
  const sc_registry_driver *d = reg->driver;
  sc_sql_stmt *stmt = d->prepare(reg, d->postgres ? EACH_SQL("strpos") : EACH_SQL("instr"), err);
  if (!stmt)
    return err->code;
  d->bind_text(stmt, 1, filter->achievement_id);
  d->bind_text(stmt, 2, filter->name_contains);
  d->bind_text(stmt, 3, filter->learner_id);
  d->bind_text(stmt, 4, filter->by_status ? sc_status_word(filter->status) : NULL);
  int rc = SC_OK;
  bool more = false;
  while ((rc = sc_sql_step(reg, stmt, "listing credentials", &more, err)) == SC_OK && more) {
    json_t *row = row_to_json(reg, stmt);
    if (!row) {
      rc = sc_oom(err);
      break;
    }
    json_object_del(row, "rowid_");
    rc = add_sha256(reg, stmt, row, err);
    if (rc == SC_OK)
      rc = each(ctx, row);
    json_decref(row);
    if (rc != SC_OK)
      break;
  }
  d->finalize(stmt);
  return rc;
}
