/* The registry's records: credentials issued and the events that change their status. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_COLUMNS                                                                                \
  "c.id, c.learner_id, c.achievement_id, c.recipient_name, c.email_hash, c.status_list, "          \
  "c.status_index, c.sha256, c.issued_at, c.valid_until, c.template, c.json_path, c.pdf_path, "    \
  "c.qr_text, c.status, c.language"

static void bind_text(sqlite3_stmt *stmt, int i, const char *text) {
  if (text)
    sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(stmt, i);
}

/* learner id + U+001F + achievement id: the unit separator cannot occur in either. */
static char *idempotency_key(const char *learner_id, const char *achievement_id) {
  if (!learner_id)
    return NULL;
  size_t n = strlen(learner_id) + strlen(achievement_id) + 2;
  char *key = malloc(n);
  if (key)
    snprintf(key, n, "%s\x1f%s", learner_id, achievement_id);
  return key;
}

static int add_event(sc_registry *reg, const char *id, const char *kind, const char *reason,
                     const char *at, sc_error *err) {
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_INSERT_EVENT,
      "INSERT INTO events (credential_id, kind, reason, at) VALUES (?, ?, ?, ?)", err);
  if (!stmt)
    return err->code;
  bind_text(stmt, 1, id);
  bind_text(stmt, 2, kind);
  bind_text(stmt, 3, reason);
  bind_text(stmt, 4, at);
  return sqlite3_step(stmt) == SQLITE_DONE ? SC_OK
                                           : sc_registry_sql_error(reg, err, "recording an event");
}

static void bind_record(sqlite3_stmt *stmt, const sc_issued_record *rec, const char *key,
                        const char *sha256) {
  bind_text(stmt, 1, rec->id);
  bind_text(stmt, 2, rec->learner_id);
  bind_text(stmt, 3, rec->achievement_id);
  bind_text(stmt, 4, key);
  bind_text(stmt, 5, rec->recipient_name);
  bind_text(stmt, 6, rec->email_hash);
  sqlite3_bind_int64(stmt, 7, rec->status_list);
  sqlite3_bind_int64(stmt, 8, rec->status_index);
  bind_text(stmt, 9, sha256);
  bind_text(stmt, 10, rec->issued_at);
  bind_text(stmt, 11, rec->valid_until);
  bind_text(stmt, 12, rec->template_name);
  bind_text(stmt, 13, rec->json_path);
  bind_text(stmt, 14, rec->pdf_path);
  bind_text(stmt, 15, rec->qr_text);
  bind_text(stmt, 16, rec->credential_json);
  bind_text(stmt, 17, rec->language);
}

static int insert_credential(sc_registry *reg, const sc_issued_record *rec, const char *key,
                             const char *sha256, sc_error *err) {
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_INSERT_CREDENTIAL,
      "INSERT INTO credentials (id, learner_id, achievement_id, idempotency_key, recipient_name,"
      " email_hash, status_list, status_index, sha256, issued_at, valid_until, template,"
      " json_path, pdf_path, qr_text, credential, language)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      err);
  if (!stmt)
    return err->code;
  bind_record(stmt, rec, key, sha256);
  int step = sqlite3_step(stmt);
  if (step == SQLITE_DONE)
    return SC_OK;
  if (sqlite3_extended_errcode(reg->db) == SQLITE_CONSTRAINT_UNIQUE && key)
    return sc_fail(err, SC_EUSAGE, "%s: learner '%s' already has achievement %s", reg->path,
                   rec->learner_id, rec->achievement_id);
  return sc_registry_sql_error(reg, err, "recording a credential");
}

int sc_registry_insert(sc_registry *reg, const sc_issued_record *rec, sc_error *err) {
  uint8_t digest[32];
  bool hashed = sc_sha256(rec->credential_json, strlen(rec->credential_json), digest) == SC_OK;
  char *sha256 = hashed ? sc_hex_encode(digest, sizeof digest) : NULL;
  char *key = idempotency_key(rec->learner_id, rec->achievement_id);
  int rc = !sha256 || (rec->learner_id && !key) ? sc_oom(err) : SC_OK;
  if (rc == SC_OK)
    rc = insert_credential(reg, rec, key, sha256, err);
  if (rc == SC_OK)
    rc = add_event(reg, rec->id, "issued", NULL, rec->issued_at, err);
  if (rc == SC_OK)
    sc_index_set_remove(&reg->reserved, rec->status_list, rec->status_index);
  free(sha256);
  free(key);
  return rc;
}

/* A text column as a JSON string. Rows written before intake checked every value may hold
 * invalid UTF-8, which jansson refuses: shown with U+FFFD rather than not at all. */
static json_t *text_to_json(sqlite3_stmt *stmt, int column) {
  const char *text = (const char *)sqlite3_column_text(stmt, column);
  size_t len = (size_t)sqlite3_column_bytes(stmt, column);
  json_t *value = json_stringn(text, len);
  if (value || !text)
    return value;
  char *repaired = sc_text_repair_utf8(text, len);
  value = repaired ? json_string(repaired) : NULL;
  free(repaired);
  return value;
}

static json_t *row_to_json(sqlite3_stmt *stmt) {
  json_t *row = json_object();
  int columns = sqlite3_column_count(stmt);
  for (int i = 0; row && i < columns; i++) {
    const char *name = sqlite3_column_name(stmt, i);
    json_t *value = NULL;
    if (sqlite3_column_type(stmt, i) == SQLITE_INTEGER)
      value = json_integer(sqlite3_column_int64(stmt, i));
    else if (sqlite3_column_type(stmt, i) == SQLITE_TEXT)
      value = text_to_json(stmt, i);
    else
      value = json_null();
    if (json_object_set_new(row, name, value) != 0) {
      json_decref(row);
      return NULL;
    }
  }
  return row;
}

/* The statement is reset before returning: a statement left stepping keeps its read snapshot
 * open, and a write on that connection after another command committed would then fail at once
 * with "database is locked" instead of waiting its turn. */
static int fetch_one(sc_registry *reg, sqlite3_stmt *stmt, json_t **row, sc_error *err) {
  *row = NULL;
  int step = sqlite3_step(stmt);
  int rc = SC_OK;
  if (step == SQLITE_ROW)
    rc = (*row = row_to_json(stmt)) ? SC_OK : sc_oom(err);
  else if (step != SQLITE_DONE)
    rc = sc_registry_sql_error(reg, err, "reading a credential");
  sqlite3_reset(stmt);
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
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_GET, "SELECT " ROW_COLUMNS " FROM credentials c WHERE c.id = ?", err);
  if (!stmt)
    return err->code;
  bind_text(stmt, 1, urn);
  return fetch_one(reg, stmt, row, err);
}

int sc_registry_find(sc_registry *reg, const char *learner_id, const char *achievement_id,
                     json_t **row, sc_error *err) {
  char *key = idempotency_key(learner_id, achievement_id);
  if (!key)
    return sc_oom(err);
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_FIND, "SELECT " ROW_COLUMNS " FROM credentials c WHERE c.idempotency_key = ?", err);
  int rc = stmt ? SC_OK : err->code;
  if (rc == SC_OK) {
    bind_text(stmt, 1, key);
    rc = fetch_one(reg, stmt, row, err);
  }
  free(key);
  return rc;
}

char *sc_registry_credential_text(sc_registry *reg, const char *id, sc_error *err) {
  char urn[128];
  normalize_id(id, urn, sizeof urn);
  sqlite3_stmt *stmt =
      sc_registry_stmt(reg, STMT_TEXT, "SELECT credential FROM credentials WHERE id = ?", err);
  if (!stmt)
    return NULL;
  bind_text(stmt, 1, urn);
  /* Not there (SC_EUSAGE) is told apart from a registry that cannot be read. */
  int step = sqlite3_step(stmt);
  const unsigned char *column = step == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
  char *text = column ? strdup((const char *)column) : NULL;
  if (step == SQLITE_DONE)
    sc_fail(err, SC_EUSAGE, "%s: no credential %s", reg->path, urn);
  else if (step != SQLITE_ROW)
    sc_registry_sql_error(reg, err, "reading a credential");
  else if (!text)
    sc_oom(err);
  sqlite3_reset(stmt);
  return text;
}

int sc_registry_events(sc_registry *reg, const char *id, json_t **events, sc_error *err) {
  char urn[128];
  normalize_id(id, urn, sizeof urn);
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_EVENTS, "SELECT kind, reason, at FROM events WHERE credential_id = ? ORDER BY seq",
      err);
  if (!stmt)
    return err->code;
  bind_text(stmt, 1, urn);
  *events = json_array();
  int step;
  while (*events && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (json_array_append_new(*events, row_to_json(stmt)) != 0) {
      json_decref(*events);
      *events = NULL;
    }
  }
  sqlite3_reset(stmt);
  return *events ? SC_OK : sc_oom(err);
}

int sc_registry_each(sc_registry *reg, const sc_registry_filter *filter,
                     int (*each)(void *ctx, const json_t *row), void *ctx, sc_error *err) {
  static const char sql[] =
      "SELECT * FROM (SELECT " ROW_COLUMNS ", c.rowid AS rowid_ FROM credentials c"
      " WHERE (?1 IS NULL OR c.achievement_id = ?1)"
      " AND (?2 IS NULL OR instr(c.recipient_name, ?2) > 0)"
      " AND (?3 IS NULL OR c.learner_id = ?3)"
      " AND (?4 IS NULL OR c.status = ?4))"
      " ORDER BY rowid_";
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return sc_registry_sql_error(reg, err, "listing credentials");
  bind_text(stmt, 1, filter->achievement_id);
  bind_text(stmt, 2, filter->name_contains);
  bind_text(stmt, 3, filter->learner_id);
  bind_text(stmt, 4, filter->by_status ? sc_status_word(filter->status) : NULL);
  int rc = SC_OK, step;
  while (rc == SC_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
    json_t *row = row_to_json(stmt);
    if (!row) {
      rc = sc_oom(err);
      break;
    }
    json_object_del(row, "rowid_");
    rc = each(ctx, row);
    json_decref(row);
  }
  if (rc == SC_OK && step != SQLITE_DONE)
    rc = sc_registry_sql_error(reg, err, "listing credentials");
  sqlite3_finalize(stmt);
  return rc;
}
