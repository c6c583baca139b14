/* The SQLite back-end: <home>/registry.db, embedded, the default. */
#include "issuer/registry_internal.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sc_sql_stmt {
  sqlite3_stmt *stmt;
  sc_registry *reg;
};

static sqlite3 *db_of(sc_registry *reg) {
  return reg->conn;
}

/* The disk's problems (full, failing, read-only, locked) are I/O errors (74), not ours (70). */
static bool is_io_error(int code) {
  switch (code) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
  case SQLITE_FULL:
  case SQLITE_IOERR:
  case SQLITE_READONLY:
  case SQLITE_CANTOPEN:
    return true;
  default:
    return false;
  }
}

static int sql_error(sc_registry *reg, sc_error *err, const char *what) {
  int code = sqlite3_errcode(db_of(reg));
  return sc_fail(err, is_io_error(code) ? SC_EIO : SC_ESOFTWARE, "%s: %s: %s", reg->path, what,
                 sqlite3_errmsg(db_of(reg)));
}

static int exec(sc_registry *reg, const char *sql, sc_error *err) {
  char *message = NULL;
  if (sqlite3_exec(db_of(reg), sql, NULL, NULL, &message) == SQLITE_OK)
    return SC_OK;
  int rc = sc_fail(err, is_io_error(sqlite3_errcode(db_of(reg))) ? SC_EIO : SC_ESOFTWARE, "%s: %s",
                   reg->path, message ? message : "SQL error");
  sqlite3_free(message);
  return rc;
}

/* WAL lets readers (list, inspect, the server) work while a batch writes; FULL sync makes
 * every committed chunk survive a power cut, which is what "reported done" promises; a busy
 * timeout lets two commands on one home take turns instead of failing. Every write
 * transaction is short (a status change, a chunk of 32 credentials, 128 without PDFs), so the timeout is only
 * reached when something holds the database far longer than skillcert ever does. */
#define BUSY_TIMEOUT_MS 60000

/* skillcert_pack(text): the stored form of a credential, for the migration to schema 4. */
static void pack_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *text = (const char *)sqlite3_value_text(argv[0]);
  sc_buf packed = {0};
  sc_error err = {0};
  if (!text)
    sqlite3_result_null(ctx);
  else if (sc_registry_pack(text, (size_t)sqlite3_value_bytes(argv[0]), &packed, &err) != SC_OK)
    sqlite3_result_error(ctx, err.message, -1);
  else
    sqlite3_result_blob64(ctx, packed.data, packed.len, SQLITE_TRANSIENT);
  sc_buf_free(&packed);
}

static int connect(sc_registry *reg, sc_error *err) {
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(reg->target, &db, flags, NULL) != SQLITE_OK) {
    int rc = sc_fail(err, SC_ECANTCREAT, "%s: cannot open: %s", reg->path,
                     db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return rc;
  }
  reg->conn = db;
  sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
  if (sqlite3_create_function(db, "skillcert_pack", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                              pack_function, NULL, NULL) != SQLITE_OK)
    return sql_error(reg, err, "registering skillcert_pack");
  return exec(reg,
              "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
              "PRAGMA foreign_keys = ON;",
              err);
}

/* The WAL file beside the database: it exists while a connection is open (this one ran the
 * migrations), and keeps its inode when a checkpoint starts it over. Commits with synchronous
 * = NORMAL are written to it and not synced; checkpoints still sync it before they copy it
 * back, so a commit is lost only by a power cut before the next sync, and SQLite's recovery
 * then stops at the first frame missing: no later commit survives an earlier one. */
static int defer_durability(sc_registry *reg, bool defer, int *log, sc_error *err) {
  if (!defer)
    return exec(reg, "PRAGMA synchronous = FULL", err);
  snprintf(reg->log_path, sizeof reg->log_path, "%s-wal", reg->target);
  *log = open(reg->log_path, O_RDONLY | O_CLOEXEC);
  int rc = *log < 0 ? SC_OK /* durable commits, as before */
                    : exec(reg, "PRAGMA synchronous = NORMAL", err);
  if (rc != SC_OK || *log < 0) {
    if (*log >= 0)
      close(*log);
    *log = -1;
    reg->log_path[0] = '\0';
  }
  return rc;
}

static void disconnect(sc_registry *reg) {
  sqlite3_close(db_of(reg));
  reg->conn = NULL;
}

static bool idle(sc_registry *reg) {
  return sqlite3_get_autocommit(db_of(reg)) != 0;
}

/* IMMEDIATE takes the write lock up front, waiting (busy timeout) while another command holds
 * it: a transaction that read first and then wrote could not wait, because its snapshot may be
 * stale, and would fail at once with "database is locked". */
static int begin_write(sc_registry *reg, sc_error *err) {
  return exec(reg, "BEGIN IMMEDIATE", err);
}

/* DEFERRED: the snapshot is taken by the first read and kept until commit, so everything
 * read in between is one consistent state; writers go on meanwhile (WAL). */
static int begin_read(sc_registry *reg, sc_error *err) {
  return exec(reg, "BEGIN DEFERRED", err);
}

static int schema_version(sc_registry *reg, int *version, sc_error *err) {
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(db_of(reg), "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return sql_error(reg, err, "reading the schema version");
  *version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  return SC_OK;
}

static int set_schema_version(sc_registry *reg, int version, sc_error *err) {
  char bump[64];
  snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", version);
  return exec(reg, bump, err);
}

/* The registry's SQL numbers parameters as PostgreSQL does, $1, $2, …; SQLite reads "$2" as a
 * name, numbered by first appearance, but "?2" as parameter 2. (No statement has a '$' in a
 * string literal.) */
static char *sqlite_parameters(const char *sql) {
  char *copy = strdup(sql);
  for (char *p = copy; p && *p; p++)
    if (*p == '$' && p[1] >= '0' && p[1] <= '9')
      *p = '?';
  return copy;
}

static sc_sql_stmt *prepare(sc_registry *reg, const char *sql, sc_error *err) {
  sc_sql_stmt *s = calloc(1, sizeof *s);
  char *text = sqlite_parameters(sql);
  if (!s || !text) {
    free(s);
    free(text);
    sc_oom(err);
    return NULL;
  }
  s->reg = reg;
  int prepared = sqlite3_prepare_v2(db_of(reg), text, -1, &s->stmt, NULL);
  free(text);
  if (prepared != SQLITE_OK) {
    sql_error(reg, err, "preparing a query");
    free(s);
    return NULL;
  }
  return s;
}

static void finalize(sc_sql_stmt *s) {
  if (s)
    sqlite3_finalize(s->stmt);
  free(s);
}

static void reset(sc_sql_stmt *s) {
  sqlite3_reset(s->stmt);
  sqlite3_clear_bindings(s->stmt);
}

static void bind_text(sc_sql_stmt *s, int i, const char *text) {
  if (text)
    sqlite3_bind_text(s->stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(s->stmt, i);
}

static void bind_int64(sc_sql_stmt *s, int i, int64_t value) {
  sqlite3_bind_int64(s->stmt, i, value);
}

static void bind_blob(sc_sql_stmt *s, int i, const void *data, size_t len) {
  sqlite3_bind_blob64(s->stmt, i, data, len, SQLITE_TRANSIENT);
}

static int step(sc_sql_stmt *s, const char *what, bool *row, bool *unique, sc_error *err) {
  int rc = sqlite3_step(s->stmt);
  *row = rc == SQLITE_ROW;
  if (unique)
    *unique = false;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return SC_OK;
  int extended = sqlite3_extended_errcode(db_of(s->reg));
  if (unique)
    *unique = extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY;
  int code = sql_error(s->reg, err, what);
  sqlite3_reset(s->stmt); /* a failed statement must not keep its snapshot */
  return code;
}

static int column_count(sc_sql_stmt *s) {
  return sqlite3_column_count(s->stmt);
}

static const char *column_name(sc_sql_stmt *s, int i) {
  return sqlite3_column_name(s->stmt, i);
}

static sc_sql_type column_type(sc_sql_stmt *s, int i) {
  switch (sqlite3_column_type(s->stmt, i)) {
  case SQLITE_INTEGER:
    return SC_SQL_INT;
  case SQLITE_TEXT:
    return SC_SQL_TEXT;
  case SQLITE_BLOB:
    return SC_SQL_BLOB;
  default:
    return SC_SQL_NULL;
  }
}

static int64_t column_int64(sc_sql_stmt *s, int i) {
  return sqlite3_column_int64(s->stmt, i);
}

static const char *column_text(sc_sql_stmt *s, int i, size_t *len) {
  const char *text = (const char *)sqlite3_column_text(s->stmt, i);
  if (len)
    *len = (size_t)sqlite3_column_bytes(s->stmt, i);
  return text;
}

static const uint8_t *column_blob(sc_sql_stmt *s, int i, size_t *len) {
  const uint8_t *data = sqlite3_column_blob(s->stmt, i);
  *len = (size_t)sqlite3_column_bytes(s->stmt, i);
  return data;
}

const sc_registry_driver sc_registry_sqlite = {
    .name = "SQLite",
    .postgres = false,
    .migrations = sc_registry_sqlite_migrations,
    .connect = connect,
    .disconnect = disconnect,
    .exec = exec,
    .idle = idle,
    .begin_write = begin_write,
    .begin_read = begin_read,
    .schema_version = schema_version,
    .set_schema_version = set_schema_version,
    .prepare = prepare,
    .finalize = finalize,
    .reset = reset,
    .bind_text = bind_text,
    .bind_int64 = bind_int64,
    .bind_blob = bind_blob,
    .step = step,
    .defer_durability = defer_durability,
    .column_count = column_count,
    .column_name = column_name,
    .column_type = column_type,
    .column_int64 = column_int64,
    .column_text = column_text,
    .column_blob = column_blob,
};
