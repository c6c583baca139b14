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
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof *migrations))

int sc_registry_exec(sc_registry *reg, const char *sql, sc_error *err) {
  return reg->driver->exec(reg, sql, err);
}

/* Runs the migrations this database has not seen, each in its own transaction. */
static int migrate(sc_registry *reg, sc_error *err) {
  int version = 0;
  int rc = reg->driver->schema_version(reg, &version, err);
  if (rc != SC_OK)
    return rc;
  if (version > SCHEMA_VERSION)
    return sc_fail(err, SC_ECONFIG,
                   "%s: schema version %d is newer than this skillcert knows (%d); upgrade "
                   "skillcert",
                   reg->path, version, SCHEMA_VERSION);
  for (; version < SCHEMA_VERSION; version++) {
    if ((rc = reg->driver->begin_write(reg, err)) != SC_OK)
      return rc;
    if ((rc = sc_registry_exec(reg, migrations[version], err)) != SC_OK ||
        (rc = reg->driver->set_schema_version(reg, version + 1, err)) != SC_OK) {
      sc_registry_rollback(reg);
      return sc_error_prefix(err, "migrating the registry to version %d", version + 1);
    }
    if ((rc = sc_registry_commit(reg, err)) != SC_OK)
      return rc;
  }
  return SC_OK;
}

int sc_registry_open(const sc_home *home, sc_registry **out, sc_error *err) {
  *out = NULL;
  sc_registry *reg = calloc(1, sizeof *reg);
  if (!reg)
    return sc_oom(err);
  reg->driver = &sc_registry_sqlite;
  int rc = sc_path_format(reg->path, sizeof reg->path, SC_ECANTCREAT, err, "%s/registry.db",
                          home->root);
  if (rc != SC_OK) {
    free(reg);
    return rc;
  }
  memcpy(reg->target, reg->path, sizeof reg->target);
  rc = reg->driver->connect(reg, err);
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
    reg->driver->finalize(reg->stmts[i]);
  if (reg->conn)
    reg->driver->disconnect(reg);
  free(reg->reserved.slots);
  free(reg);
}

/* A cached statement not reset after its last row keeps its read snapshot open; a transaction
 * begun on top of it would read, or try to write, that old state. */
static void reset_statements(sc_registry *reg) {
  for (size_t i = 0; i < sizeof reg->stmts / sizeof *reg->stmts; i++)
    if (reg->stmts[i])
      reg->driver->reset(reg->stmts[i]);
}

int sc_registry_begin(sc_registry *reg, sc_error *err) {
  reset_statements(reg);
  return reg->driver->begin_write(reg, err);
}

int sc_registry_begin_read(sc_registry *reg, sc_error *err) {
  reset_statements(reg);
  return reg->driver->begin_read(reg, err);
}

int sc_registry_commit(sc_registry *reg, sc_error *err) {
  return sc_registry_exec(reg, "COMMIT", err);
}

void sc_registry_rollback(sc_registry *reg) {
  sc_error ignored = {0};
  reg->driver->exec(reg, "ROLLBACK", &ignored);
}

/* Prepared statements are kept for the life of the handle: a batch inserts thousands. */
sc_sql_stmt *sc_registry_stmt(sc_registry *reg, enum sc_registry_stmt which, const char *sql,
                              sc_error *err) {
  sc_sql_stmt **slot = &reg->stmts[which];
  if (!*slot && !(*slot = reg->driver->prepare(reg, sql, err)))
    return NULL;
  reg->driver->reset(*slot);
  return *slot;
}

int sc_sql_step(sc_registry *reg, sc_sql_stmt *stmt, const char *what, bool *row, sc_error *err) {
  return reg->driver->step(stmt, what, row, NULL, err);
}

void sc_sql_bind_text(sc_registry *reg, sc_sql_stmt *stmt, int i, const char *text) {
  reg->driver->bind_text(stmt, i, text);
}

void sc_sql_bind_int64(sc_registry *reg, sc_sql_stmt *stmt, int i, int64_t value) {
  reg->driver->bind_int64(stmt, i, value);
}

int64_t sc_sql_int64(sc_registry *reg, sc_sql_stmt *stmt, int i) {
  return reg->driver->column_int64(stmt, i);
}
