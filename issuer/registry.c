/* The registry database, whichever back-end holds it: opening, running the back-end's forward
 * migrations, transactions, the statement cache. */
#include "issuer/registry_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sc_registry_exec(sc_registry *reg, const char *sql, sc_error *err) {
  return reg->driver->exec(reg, sql, err);
}

/* Runs the migrations this database has not seen, each in its own transaction. */
static int migrate(sc_registry *reg, sc_error *err) {
  int version = 0;
  int rc = reg->driver->schema_version(reg, &version, err);
  if (rc != SC_OK)
    return rc;
  const int SCHEMA_VERSION = SC_REGISTRY_SCHEMA_VERSION;
  if (version > SCHEMA_VERSION)
    return sc_fail(err, SC_ECONFIG,
                   "%s: schema version %d is newer than this skillcert knows (%d); upgrade "
                   "skillcert",
                   reg->path, version, SCHEMA_VERSION);
  /* Each step re-reads the version under the write lock: another process opening the same
   * registry at the same moment may have run it already. */
  for (; version < SCHEMA_VERSION; version++) {
    if ((rc = reg->driver->begin_write(reg, err)) != SC_OK)
      return rc;
    int now = version;
    if ((rc = reg->driver->schema_version(reg, &now, err)) != SC_OK) {
      sc_registry_rollback(reg);
      return rc;
    }
    if (now > version) {
      version = now - 1;
      if ((rc = sc_registry_commit(reg, err)) != SC_OK)
        return rc;
      continue;
    }
    if ((rc = sc_registry_exec(reg, reg->driver->migrations[version], err)) != SC_OK ||
        (rc = reg->driver->set_schema_version(reg, version + 1, err)) != SC_OK) {
      sc_registry_rollback(reg);
      return sc_error_prefix(err, "migrating the registry to version %d", version + 1);
    }
    if ((rc = sc_registry_commit(reg, err)) != SC_OK)
      return rc;
  }
  return SC_OK;
}

static bool is_postgres_uri(const char *uri) {
  return strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0;
}

/* What messages call a PostgreSQL registry: the URI up to its query, without the password. */
static void uri_for_messages(const char *uri, char *out, size_t size) {
  const char *rest = strstr(uri, "://") + 3;
  size_t authority = strcspn(rest, "/?");
  const char *at = memchr(rest, '@', authority);
  const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
  size_t query = strcspn(uri, "?");
  if (colon)
    snprintf(out, size, "%.*s:***%.*s", (int)(colon - uri), uri, (int)(uri + query - at), at);
  else
    snprintf(out, size, "%.*s", (int)query, uri);
}

/* <home>/registry.db, or the PostgreSQL database home->registry names. */
static int choose_backend(const sc_home *home, sc_registry *reg, sc_error *err) {
  if (!home->registry || !*home->registry) {
    reg->driver = &sc_registry_sqlite;
    int rc = sc_path_format(reg->path, sizeof reg->path, SC_ECANTCREAT, err, "%s/registry.db",
                            home->root);
    memcpy(reg->target, reg->path, sizeof reg->target);
    return rc;
  }
  if (!is_postgres_uri(home->registry))
    return sc_fail(err, SC_ECONFIG,
                   "registry: expected a postgresql:// URI (or none, for %s/registry.db)",
                   home->root);
  if (strlen(home->registry) >= sizeof reg->target)
    return sc_fail(err, SC_ECONFIG, "registry: the URI is too long");
  reg->driver = &sc_registry_postgres;
  snprintf(reg->target, sizeof reg->target, "%s", home->registry);
  uri_for_messages(home->registry, reg->path, sizeof reg->path);
  return SC_OK;
}

int sc_registry_open(const sc_home *home, sc_registry **out, sc_error *err) {
  *out = NULL;
  sc_registry *reg = calloc(1, sizeof *reg);
  if (!reg)
    return sc_oom(err);
  int rc = choose_backend(home, reg, err);
  if (rc != SC_OK) {
    free(reg);
    return rc;
  }
  snprintf(reg->home_root, sizeof reg->home_root, "%s", home->root);
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
  sc_registry_packing_free(reg);
  sc_registry_forget_taken(reg);
  free(reg->known_achievement);
  sc_buf_free(&reg->staged);
  free(reg->reserved.slots);
  free(reg);
}

int sc_registry_defer_durability(sc_registry *reg, int *log, sc_error *err) {
  *log = -1;
  return reg->driver->defer_durability ? reg->driver->defer_durability(reg, true, log, err) : SC_OK;
}

int sc_registry_durable_commits(sc_registry *reg, int *log, sc_error *err) {
  if (*log < 0)
    return SC_OK;
  int rc = reg->driver->defer_durability(reg, false, log, err);
  if (fdatasync(*log) != 0 && rc == SC_OK)
    rc = sc_fail(err, SC_EIO, "%s: cannot sync its log: %s", reg->path, strerror(errno));
  close(*log);
  *log = -1;
  reg->log_path[0] = '\0';
  return rc;
}

const char *sc_registry_log_path(const sc_registry *reg) {
  return reg->log_path[0] ? reg->log_path : NULL;
}

/* A cached statement not reset after its last row keeps its read snapshot open; a transaction
 * begun on top of it would read, or try to write, that old state. */
static void reset_statements(sc_registry *reg) {
  for (size_t i = 0; i < sizeof reg->stmts / sizeof *reg->stmts; i++)
    if (reg->stmts[i])
      reg->driver->reset(reg->stmts[i]);
}

int sc_registry_ping(sc_registry *reg, sc_error *err) {
  int version = 0;
  int rc = reg->driver->schema_version(reg, &version, err);
  if (rc == SC_OK && version != SC_REGISTRY_SCHEMA_VERSION)
    rc = sc_fail(err, SC_ECONFIG, "%s: schema version %d, not %d: opened again", reg->path,
                 version, SC_REGISTRY_SCHEMA_VERSION);
  return rc;
}

bool sc_registry_settle(sc_registry *reg) {
  reset_statements(reg);
  if (reg->driver->release_list && reg->current_list)
    reg->driver->release_list(reg, reg->current_list);
  reg->current_list = 0;
  reg->current_used = 0;
  sc_registry_forget_taken(reg); /* its next user may not hold the home's issue lock */
  return reg->reserved.count == 0 && reg->driver->idle(reg);
}

int sc_registry_begin(sc_registry *reg, sc_error *err) {
  reset_statements(reg);
  return reg->driver->begin_write(reg, err);
}

int sc_registry_begin_issue(sc_registry *reg, sc_error *err) {
  reset_statements(reg);
  int rc = reg->driver->begin_issue ? reg->driver->begin_issue(reg, err)
                                    : reg->driver->begin_write(reg, err);
  reg->staging = rc == SC_OK && reg->driver->copy_in; /* until the transaction ends */
  return rc;
}

int sc_registry_begin_read(sc_registry *reg, sc_error *err) {
  reset_statements(reg);
  return reg->driver->begin_read(reg, err);
}

/* What the handle learned or kept inside a transaction (a dictionary's row, the batch's
 * achievement, staged COPY rows) stays only if it committed. */
static void transaction_ended(sc_registry *reg, bool committed) {
  sc_registry_packing_transaction_end(reg, committed);
  sc_registry_records_transaction_end(reg, committed);
}

int sc_registry_commit(sc_registry *reg, sc_error *err) {
  int rc = sc_registry_flush_staged(reg, err); /* the caller rolls back when it fails */
  if (rc == SC_OK)
    rc = sc_registry_exec(reg, "COMMIT", err);
  if (rc == SC_OK) /* a failed COMMIT is followed by a rollback, which says so */
    transaction_ended(reg, true);
  return rc;
}

void sc_registry_rollback(sc_registry *reg) {
  sc_error ignored = {0};
  reg->driver->exec(reg, "ROLLBACK", &ignored);
  transaction_ended(reg, false);
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

/* One publisher at a time across machines: <home>/.publish.lock keeps apart the publishers of
 * one home, this the machines that share a PostgreSQL registry (each with its own public/ or
 * one shared). Session-scoped: released by sc_registry_publish_unlock or when the connection
 * ends, however the process ends. SQLite: the home's lock is the only one needed. */
#define PUBLISH_LOCK "21317, 1"

int sc_registry_publish_lock(sc_registry *reg, sc_error *err) {
  if (!reg->driver->postgres)
    return SC_OK;
  int rc = reg->driver->exec(reg, "SELECT pg_advisory_lock(" PUBLISH_LOCK ")", err);
  return rc == SC_OK ? SC_OK : sc_error_prefix(err, "taking the publishing lock");
}

void sc_registry_publish_unlock(sc_registry *reg) {
  sc_error ignored = {0};
  if (reg->driver->postgres)
    reg->driver->exec(reg, "SELECT pg_advisory_unlock(" PUBLISH_LOCK ")", &ignored);
}
