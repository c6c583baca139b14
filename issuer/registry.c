/* The registry database: opening, the versioned schema and its forward migrations,
 * transactions. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each entry takes the schema from version i to i + 1. Append only: a released migration is
 * never edited, because homes in the field have already run it. */
static const char *const migrations[] = {
    /* 0 → 1: credentials, their status-list slots, and the append-only event log. */
    "CREATE TABLE status_lists ("
    "  id INTEGER PRIMARY KEY,"
    "  size INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE credentials ("
    "  id TEXT PRIMARY KEY,"
    "  learner_id TEXT,"
    "  achievement_id TEXT NOT NULL,"
    "  idempotency_key TEXT UNIQUE,"
    "  recipient_name TEXT NOT NULL,"
    "  email_hash TEXT NOT NULL,"
    "  status_list INTEGER NOT NULL REFERENCES status_lists(id),"
    "  status_index INTEGER NOT NULL CHECK (status_index >= 0),"
    "  sha256 TEXT NOT NULL,"
    "  issued_at TEXT NOT NULL,"
    "  valid_until TEXT,"
    "  template TEXT,"
    "  json_path TEXT NOT NULL,"
    "  pdf_path TEXT,"
    "  qr_text TEXT,"
    "  credential TEXT NOT NULL,"
    "  UNIQUE (status_list, status_index));"
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  credential_id TEXT NOT NULL REFERENCES credentials(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('issued','revoked','suspended','reinstated')),"
    "  reason TEXT,"
    "  at TEXT NOT NULL);"
    "CREATE INDEX events_by_credential ON events(credential_id, seq);"
    "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
    "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",
    /* 1 → 2: the current status kept on the credential (derived from the events, kept in step
     * in the same transaction) so that publishing a million-entry list is one indexed scan. */
    "ALTER TABLE credentials ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
    "  CHECK (status IN ('active','revoked','suspended'));"
    "UPDATE credentials SET status = coalesce((SELECT CASE kind WHEN 'reinstated' THEN 'active'"
    "  ELSE kind END FROM events e WHERE e.credential_id = credentials.id AND e.kind != 'issued'"
    "  ORDER BY seq DESC LIMIT 1), 'active');"
    "CREATE INDEX credentials_by_list_status ON credentials(status_list, status);",
    /* 2 → 3: each status list's generation, bumped by triggers (so in the same transaction as
     * the change, whoever writes it) with every issuance and status change on the list; and
     * the generation its published files were made from, so that a publisher holding an older
     * snapshot never replaces a newer list (docs/status.md). */
    "ALTER TABLE status_lists ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE status_lists ADD COLUMN published_generation INTEGER NOT NULL DEFAULT 0;"
    "CREATE TRIGGER credentials_issued_bump_generation AFTER INSERT ON credentials BEGIN"
    "  UPDATE status_lists SET generation = generation + 1 WHERE id = NEW.status_list; END;"
    "CREATE TRIGGER credentials_status_bump_generation AFTER UPDATE OF status ON credentials"
    "  BEGIN UPDATE status_lists SET generation = generation + 1 WHERE id = NEW.status_list;"
    "  END;",
    /* 3 → 4: the language a certificate was written in when the roster named one (NULL = the
     * template's), so that `render` and a batch's repair write the same PDF again. */
    "ALTER TABLE credentials ADD COLUMN language TEXT;",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof *migrations))

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

int sc_registry_sql_error(sc_registry *reg, sc_error *err, const char *what) {
  int code = sqlite3_errcode(reg->db);
  return sc_fail(err, is_io_error(code) ? SC_EIO : SC_ESOFTWARE, "%s: %s: %s", reg->path, what,
                 sqlite3_errmsg(reg->db));
}

int sc_registry_exec(sc_registry *reg, const char *sql, sc_error *err) {
  char *message = NULL;
  if (sqlite3_exec(reg->db, sql, NULL, NULL, &message) == SQLITE_OK)
    return SC_OK;
  int rc = sc_fail(err, is_io_error(sqlite3_errcode(reg->db)) ? SC_EIO : SC_ESOFTWARE, "%s: %s",
                   reg->path, message ? message : "SQL error");
  sqlite3_free(message);
  return rc;
}

static int schema_version(sc_registry *reg, int *version, sc_error *err) {
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(reg->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return sc_registry_sql_error(reg, err, "reading the schema version");
  *version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  return SC_OK;
}

/* Runs the migrations this database has not seen, each in its own transaction. */
static int migrate(sc_registry *reg, sc_error *err) {
  int version = 0;
  int rc = schema_version(reg, &version, err);
  if (rc != SC_OK)
    return rc;
  if (version > SCHEMA_VERSION)
    return sc_fail(err, SC_ECONFIG,
                   "%s: schema version %d is newer than this skillcert knows (%d); upgrade "
                   "skillcert",
                   reg->path, version, SCHEMA_VERSION);
  for (; version < SCHEMA_VERSION; version++) {
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", version + 1);
    if ((rc = sc_registry_exec(reg, "BEGIN IMMEDIATE", err)) != SC_OK)
      return rc;
    if ((rc = sc_registry_exec(reg, migrations[version], err)) != SC_OK ||
        (rc = sc_registry_exec(reg, bump, err)) != SC_OK) {
      sc_registry_rollback(reg);
      return sc_error_prefix(err, "migrating the registry to version %d", version + 1);
    }
    if ((rc = sc_registry_exec(reg, "COMMIT", err)) != SC_OK)
      return rc;
  }
  return SC_OK;
}

/* WAL lets readers (list, inspect, the server) work while a batch writes; FULL sync makes
 * every committed chunk survive a power cut, which is what "reported done" promises; a busy
 * timeout lets two commands on one home take turns instead of failing. Every write
 * transaction is short (a status change, a chunk of 32 credentials), so the timeout is only
 * reached when something holds the database far longer than skillcert ever does. */
#define BUSY_TIMEOUT_MS 60000

static int configure(sc_registry *reg, sc_error *err) {
  sqlite3_busy_timeout(reg->db, BUSY_TIMEOUT_MS);
  return sc_registry_exec(reg,
                          "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                          "PRAGMA foreign_keys = ON;",
                          err);
}

int sc_registry_open(const sc_home *home, sc_registry **out, sc_error *err) {
  *out = NULL;
  sc_registry *reg = calloc(1, sizeof *reg);
  if (!reg)
    return sc_oom(err);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sc_path_format(reg->path, sizeof reg->path, SC_ECANTCREAT, err, "%s/registry.db",
                          home->root);
  if (rc != SC_OK) {
    free(reg);
    return rc;
  }
  if (sqlite3_open_v2(reg->path, &reg->db, flags, NULL) != SQLITE_OK)
    rc = sc_fail(err, SC_ECANTCREAT, "%s: cannot open: %s", reg->path,
                 reg->db ? sqlite3_errmsg(reg->db) : "out of memory");
  if (rc == SC_OK)
    rc = configure(reg, err);
  if (rc == SC_OK)
    rc = migrate(reg, err);
  if (rc != SC_OK) {
    sc_registry_close(reg);
    return rc;
  }
  *out = reg;
  return SC_OK;
}

void sc_registry_close(sc_registry *reg) {
  if (!reg)
    return;
  for (size_t i = 0; i < sizeof reg->stmts / sizeof *reg->stmts; i++)
    sqlite3_finalize(reg->stmts[i]);
  sqlite3_close(reg->db);
  free(reg->reserved.slots);
  free(reg);
}

/* A cached statement not reset after its last row keeps its read snapshot open; a transaction
 * begun on top of it would read, or try to write, that old state. */
static void reset_statements(sc_registry *reg) {
  for (size_t i = 0; i < sizeof reg->stmts / sizeof *reg->stmts; i++)
    if (reg->stmts[i])
      sqlite3_reset(reg->stmts[i]);
}

/* IMMEDIATE takes the write lock up front, waiting (busy timeout) while another command holds
 * it: a transaction that read first and then wrote could not wait, because its snapshot may be
 * stale, and would fail at once with "database is locked". */
int sc_registry_begin(sc_registry *reg, sc_error *err) {
  reset_statements(reg);
  return sc_registry_exec(reg, "BEGIN IMMEDIATE", err);
}

/* DEFERRED: the snapshot is taken by the first read and kept until commit, so everything
 * read in between is one consistent state; writers go on meanwhile (WAL). */
int sc_registry_begin_read(sc_registry *reg, sc_error *err) {
  reset_statements(reg);
  return sc_registry_exec(reg, "BEGIN DEFERRED", err);
}

int sc_registry_commit(sc_registry *reg, sc_error *err) {
  return sc_registry_exec(reg, "COMMIT", err);
}

void sc_registry_rollback(sc_registry *reg) {
  sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Prepared statements are kept for the life of the handle: a batch inserts thousands. */
sqlite3_stmt *sc_registry_stmt(sc_registry *reg, enum sc_registry_stmt which, const char *sql,
                               sc_error *err) {
  sqlite3_stmt **slot = &reg->stmts[which];
  if (!*slot && sqlite3_prepare_v2(reg->db, sql, -1, slot, NULL) != SQLITE_OK) {
    sc_registry_sql_error(reg, err, "preparing a query");
    return NULL;
  }
  sqlite3_reset(*slot);
  sqlite3_clear_bindings(*slot);
  return *slot;
}
