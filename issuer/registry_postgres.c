/* The PostgreSQL back-end, through libpq: `registry` in skillcert.json (or --registry) names a
 * postgresql:// URI, and every machine that names it shares one registry. The SQL is the
 * SQLite back-end's (parameters $1, $2, …); results come as text, bytea as binary. Writers
 * take turns as on SQLite: a write transaction begins by taking one advisory lock, so a status
 * change that reads then writes is never interleaved with another (docs/registry.md). */
#include "issuer/registry_internal.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
/* pg_advisory_xact_lock key of the registry's write lock: "skillcrt" in ASCII. */
#define WRITE_LOCK_KEY "8317134337402360948"

typedef struct pg_conn {
  PGconn *pg;
  unsigned next_name; /* prepared statements are named s1, s2, … on this connection */
} pg_conn;

struct sc_sql_stmt {
  sc_registry *reg;
  char name[16];
  char *sql;
  int params; /* the highest $N */
  bool prepared;
  char *values[MAX_PARAMS];
  int lengths[MAX_PARAMS];
  int formats[MAX_PARAMS];
  PGresult *res;
  int row, rows;
  unsigned char *blob; /* the last bytea read, unescaped */
};

static PGconn *pg_of(sc_registry *reg) {
  return ((pg_conn *)reg->conn)->pg;
}

/* The server unreachable, out of resources or shutting down, a deadlock: the database's
 * trouble (74), as SQLite's busy or full disk. */
static bool is_io_state(const char *state) {
  return !state || strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
         strncmp(state, "57", 2) == 0 || strncmp(state, "58", 2) == 0 ||
         strncmp(state, "40", 2) == 0;
}

/* libpq's messages end with a newline (and may have more lines): the first line is kept. */
static int result_error(sc_registry *reg, const PGresult *res, const char *what, sc_error *err) {
  const char *message = res ? PQresultErrorMessage(res) : PQerrorMessage(pg_of(reg));
  if (!message || !*message)
    message = PQerrorMessage(pg_of(reg));
  int len = (int)strcspn(message, "\n");
  const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
  if (what)
    return sc_fail(err, is_io_state(state) ? SC_EIO : SC_ESOFTWARE, "%s: %s: %.*s", reg->path, what,
                   len, message);
  return sc_fail(err, is_io_state(state) ? SC_EIO : SC_ESOFTWARE, "%s: %.*s", reg->path, len,
                 message);
}

static bool result_ok(const PGresult *res) {
  ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
}

static int exec(sc_registry *reg, const char *sql, sc_error *err) {
  PGresult *res = PQexec(pg_of(reg), sql);
  int rc = result_ok(res) ? SC_OK : result_error(reg, res, NULL, err);
  PQclear(res);
  return rc;
}

/* Notices (e.g. "relation already exists, skipping") are not for the user. */
static void quiet(void *arg, const char *message) {
  (void)arg, (void)message;
}

static int connect(sc_registry *reg, sc_error *err) {
  pg_conn *c = calloc(1, sizeof *c);
  if (!c)
    return sc_oom(err);
  c->pg = PQconnectdb(reg->target);
  reg->conn = c;
  if (!c->pg)
    return sc_oom(err);
  if (PQstatus(c->pg) != CONNECTION_OK) {
    const char *message = PQerrorMessage(c->pg);
    return sc_fail(err, SC_EIO, "%s: cannot connect: %.*s", reg->path, (int)strcspn(message, "\n"),
                   message);
  }
  PQsetNoticeProcessor(c->pg, quiet, NULL);
  /* UTC text for any timestamp the server makes; the registry stores its own as text. */
  return exec(reg, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'", err);
}

static void disconnect(sc_registry *reg) {
  pg_conn *c = reg->conn;
  PQfinish(c->pg);
  free(c);
  reg->conn = NULL;
}

static bool idle(sc_registry *reg) {
  PGconn *pg = pg_of(reg);
  return PQstatus(pg) == CONNECTION_OK && PQtransactionStatus(pg) == PQTRANS_IDLE;
}

static int begin_write(sc_registry *reg, sc_error *err) {
  return exec(reg, "BEGIN; SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")", err);
}

/* Inserting credentials needs no turn: each process draws indexes from a list it leases, so two
 * never insert the same slot, and the generation trigger updates that list's row only. */
static int begin_issue(sc_registry *reg, sc_error *err) {
  return exec(reg, "BEGIN", err);
}

/* One snapshot for everything read until commit, as SQLite's read transaction. */
static int begin_read(sc_registry *reg, sc_error *err) {
  return exec(reg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
}

/* The first value of sql's first row, or 0 when it has none. */
static int query_number(sc_registry *reg, const char *sql, int *out, sc_error *err) {
  PGresult *res = PQexec(pg_of(reg), sql);
  int rc = result_ok(res) ? SC_OK : result_error(reg, res, "reading the schema version", err);
  *out = rc == SC_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? atoi(PQgetvalue(res, 0, 0))
                                                                       : 0;
  PQclear(res);
  return rc;
}

/* An empty database (no skillcert_schema table yet) is version 0. */
static int schema_version(sc_registry *reg, int *version, sc_error *err) {
  int exists = 0;
  int rc = query_number(reg,
                        "SELECT count(*) FROM pg_tables WHERE tablename = 'skillcert_schema'"
                        " AND schemaname = current_schema()",
                        &exists, err);
  *version = 0;
  return rc == SC_OK && exists
             ? query_number(reg, "SELECT max(version) FROM skillcert_schema", version, err)
             : rc;
}

static int set_schema_version(sc_registry *reg, int version, sc_error *err) {
  char sql[160];
  snprintf(sql, sizeof sql,
           "CREATE TABLE IF NOT EXISTS skillcert_schema (version INTEGER NOT NULL);"
           "DELETE FROM skillcert_schema; INSERT INTO skillcert_schema VALUES (%d)",
           version);
  return exec(reg, sql, err);
}

static int highest_parameter(const char *sql) {
  int highest = 0;
  for (const char *p = sql; *p; p++)
    if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
      int n = (int)strtol(p + 1, NULL, 10);
      highest = n > highest ? n : highest;
    }
  return highest;
}

static sc_sql_stmt *prepare(sc_registry *reg, const char *sql, sc_error *err) {
  sc_sql_stmt *s = calloc(1, sizeof *s);
  if (!s || !(s->sql = strdup(sql))) {
    free(s);
    sc_oom(err);
    return NULL;
  }
  s->reg = reg;
  s->params = highest_parameter(sql);
  if (s->params > MAX_PARAMS) {
    free(s->sql);
    free(s);
    sc_fail(err, SC_ESOFTWARE, "%s: a query with more than %d parameters", reg->path, MAX_PARAMS);
    return NULL;
  }
  s->row = -1;
  snprintf(s->name, sizeof s->name, "s%u", ++((pg_conn *)reg->conn)->next_name);
  return s;
}

static void clear_result(sc_sql_stmt *s) {
  PQclear(s->res);
  s->res = NULL;
  s->row = -1;
  s->rows = 0;
  PQfreemem(s->blob);
  s->blob = NULL;
}

static void reset(sc_sql_stmt *s) {
  clear_result(s);
  for (int i = 0; i < MAX_PARAMS; i++) {
    free(s->values[i]);
    s->values[i] = NULL;
    s->lengths[i] = 0;
    s->formats[i] = 0;
  }
}

static void finalize(sc_sql_stmt *s) {
  if (!s)
    return;
  reset(s);
  if (s->prepared && s->reg->conn) {
    char sql[32];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
    PQclear(PQexec(pg_of(s->reg), sql));
  }
  free(s->sql);
  free(s);
}

static void set_value(sc_sql_stmt *s, int i, char *value, int length, int format) {
  if (i < 1 || i > MAX_PARAMS) {
    free(value);
    return;
  }
  free(s->values[i - 1]);
  s->values[i - 1] = value;
  s->lengths[i - 1] = length;
  s->formats[i - 1] = format;
}

static void bind_text(sc_sql_stmt *s, int i, const char *text) {
  set_value(s, i, text ? strdup(text) : NULL, 0, 0);
}

static void bind_int64(sc_sql_stmt *s, int i, int64_t value) {
  char *text = malloc(24);
  if (text)
    snprintf(text, 24, "%lld", (long long)value);
  set_value(s, i, text, 0, 0);
}

static void bind_blob(sc_sql_stmt *s, int i, const void *data, size_t len) {
  char *copy = malloc(len ? len : 1);
  if (copy)
    memcpy(copy, data, len);
  set_value(s, i, copy, (int)len, 1);
}

static int run(sc_sql_stmt *s, const char *what, bool *unique, sc_error *err) {
  PGconn *pg = pg_of(s->reg);
  if (!s->prepared) {
    PGresult *res = PQprepare(pg, s->name, s->sql, s->params, NULL);
    int rc = result_ok(res) ? SC_OK : result_error(s->reg, res, what, err);
    PQclear(res);
    if (rc != SC_OK)
      return rc;
    s->prepared = true;
  }
  s->res = PQexecPrepared(pg, s->name, s->params, (const char *const *)s->values, s->lengths,
                          s->formats, 0);
  if (result_ok(s->res)) {
    s->rows = PQntuples(s->res);
    return SC_OK;
  }
  const char *state = s->res ? PQresultErrorField(s->res, PG_DIAG_SQLSTATE) : NULL;
  if (unique)
    *unique = state && strcmp(state, "23505") == 0;
  int rc = result_error(s->reg, s->res, what, err);
  clear_result(s);
  return rc;
}

static int step(sc_sql_stmt *s, const char *what, bool *row, bool *unique, sc_error *err) {
  *row = false;
  if (unique)
    *unique = false;
  if (!s->res) {
    int rc = run(s, what, unique, err);
    if (rc != SC_OK)
      return rc;
  }
  PQfreemem(s->blob);
  s->blob = NULL;
  if (s->row + 1 < s->rows) {
    s->row++;
    *row = true;
  } else {
    s->row = s->rows;
  }
  return SC_OK;
}

/* Rows in COPY's text format (registry_records.c stages them) into table's columns: one
 * statement for a chunk's credentials, however many. A UNIQUE violation is told apart
 * (*unique) and its detail ("Key (learner_id, achievement)=(L1, 1) already exists.") kept in
 * the message: it names the row. */
static int copy_in(sc_registry *reg, const char *sql, const char *rows, size_t len, bool *unique,
                   sc_error *err) {
  PGconn *pg = pg_of(reg);
  *unique = false;
  PGresult *res = PQexec(pg, sql);
  if (PQresultStatus(res) != PGRES_COPY_IN) {
    int rc = result_error(reg, res, "recording credentials", err);
    PQclear(res);
    return rc;
  }
  PQclear(res);
  bool sent = true;
  for (size_t at = 0; sent && at < len;) { /* PQputCopyData takes an int length */
    int piece = len - at > (1u << 30) ? 1 << 30 : (int)(len - at);
    sent = PQputCopyData(pg, rows + at, piece) == 1;
    at += (size_t)piece;
  }
  int ended = PQputCopyEnd(pg, sent ? NULL : "skillcert: sending the rows failed");
  int rc = SC_OK;
  while ((res = PQgetResult(pg))) {
    if (rc == SC_OK && (ended != 1 || !result_ok(res))) {
      const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
      *unique = state && strcmp(state, "23505") == 0;
      rc = result_error(reg, res, "recording credentials", err);
      size_t n = strlen(err->message);
      if (detail && n < sizeof err->message)
        sc_text_mark_cut(err->message + n, sizeof err->message - n,
                         snprintf(err->message + n, sizeof err->message - n, " (%.*s)",
                                  (int)strcspn(detail, "\n"), detail));
    }
    PQclear(res);
  }
  return rc;
}

/* Session-level advisory locks (classid LEASE_CLASS, objid the list): held until released or
 * until the connection ends, however the process ends. */
#define LEASE_CLASS "21315" /* 'S' 'C' */

static int lease_list(sc_registry *reg, int64_t list, bool *leased, sc_error *err) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(%s, %lld)", LEASE_CLASS, (long long)list);
  PGresult *res = PQexec(pg_of(reg), sql);
  int rc = result_ok(res) ? SC_OK : result_error(reg, res, "leasing a status list", err);
  *leased = rc == SC_OK && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
  PQclear(res);
  return rc;
}

static void release_list(sc_registry *reg, int64_t list) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%s, %lld)", LEASE_CLASS, (long long)list);
  PQclear(PQexec(pg_of(reg), sql));
}

static int column_count(sc_sql_stmt *s) {
  return s->res ? PQnfields(s->res) : 0;
}

static const char *column_name(sc_sql_stmt *s, int i) {
  return PQfname(s->res, i);
}

static bool on_row(const sc_sql_stmt *s) {
  return s->res && s->row >= 0 && s->row < s->rows;
}

static sc_sql_type column_type(sc_sql_stmt *s, int i) {
  if (!on_row(s) || PQgetisnull(s->res, s->row, i))
    return SC_SQL_NULL;
  switch (PQftype(s->res, i)) {
  case OID_INT8:
  case OID_INT4:
  case OID_INT2:
    return SC_SQL_INT;
  case OID_BYTEA:
    return SC_SQL_BLOB;
  default:
    return SC_SQL_TEXT;
  }
}

static int64_t column_int64(sc_sql_stmt *s, int i) {
  return on_row(s) && !PQgetisnull(s->res, s->row, i)
             ? strtoll(PQgetvalue(s->res, s->row, i), NULL, 10)
             : 0;
}

static const char *column_text(sc_sql_stmt *s, int i, size_t *len) {
  bool null = !on_row(s) || PQgetisnull(s->res, s->row, i);
  if (len)
    *len = null ? 0 : (size_t)PQgetlength(s->res, s->row, i);
  return null ? NULL : PQgetvalue(s->res, s->row, i);
}

static const uint8_t *column_blob(sc_sql_stmt *s, int i, size_t *len) {
  *len = 0;
  if (!on_row(s) || PQgetisnull(s->res, s->row, i))
    return NULL;
  PQfreemem(s->blob);
  s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i), len);
  return s->blob;
}

/* PostgreSQL registries begin at schema 4: versions 1 to 3 are SQLite history, with nothing
 * to do here; 4 creates the schema SQLite's migrations arrive at (registry_sqlite_schema.c). */
static const char *const migrations[SC_REGISTRY_SCHEMA_VERSION] = {
    "SELECT 1",
    "SELECT 1",
    "SELECT 1",
    "CREATE TABLE status_lists ("
    "  id BIGSERIAL PRIMARY KEY,"
    "  size BIGINT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  generation BIGINT NOT NULL DEFAULT 0,"
    "  published_generation BIGINT NOT NULL DEFAULT 0);"
    "CREATE TABLE achievements ("
    "  id BIGSERIAL PRIMARY KEY,"
    "  iri TEXT NOT NULL UNIQUE);"
    "CREATE TABLE credentials ("
    "  seq BIGSERIAL PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  learner_id TEXT,"
    "  achievement BIGINT NOT NULL REFERENCES achievements(id),"
    "  recipient_name TEXT NOT NULL,"
    "  email_hash TEXT NOT NULL,"
    "  status_list BIGINT NOT NULL REFERENCES status_lists(id),"
    "  status_index BIGINT NOT NULL CHECK (status_index >= 0),"
    "  issued_at TEXT NOT NULL,"
    "  valid_until TEXT,"
    "  template TEXT,"
    "  json_path TEXT NOT NULL,"
    "  pdf_path TEXT,"
    "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked','suspended')),"
    "  credential BYTEA NOT NULL,"
    "  UNIQUE (learner_id, achievement),"
    "  UNIQUE (status_list, status_index));"
    "CREATE TABLE events ("
    "  seq BIGSERIAL PRIMARY KEY,"
    "  credential BIGINT NOT NULL REFERENCES credentials(seq),"
    "  kind TEXT NOT NULL CHECK (kind IN ('issued','revoked','suspended','reinstated')),"
    "  reason TEXT,"
    "  at TEXT NOT NULL);"
    "CREATE INDEX events_by_credential ON events(credential);"
    "CREATE INDEX credentials_not_active ON credentials(status_list, status_index)"
    "  WHERE status <> 'active';"
    "CREATE FUNCTION skillcert_events_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    "  $$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$;"
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events"
    "  FOR EACH ROW EXECUTE FUNCTION skillcert_events_append_only();"
    "CREATE FUNCTION skillcert_bump_generation() RETURNS trigger LANGUAGE plpgsql AS"
    "  $$ BEGIN UPDATE status_lists SET generation = generation + 1"
    "  WHERE id = NEW.status_list; RETURN NULL; END $$;"
    "CREATE TRIGGER credentials_issued_bump_generation AFTER INSERT ON credentials"
    "  FOR EACH ROW EXECUTE FUNCTION skillcert_bump_generation();"
    "CREATE TRIGGER credentials_status_bump_generation AFTER UPDATE OF status ON credentials"
    "  FOR EACH ROW EXECUTE FUNCTION skillcert_bump_generation();",
    /* 4 → 5: as SQLite's: the certificate's language when the roster named one. */
    "ALTER TABLE credentials ADD COLUMN language TEXT;",
    /* 5 → 6 (mailings): as SQLite's: `skillcert mail`'s send log. */
    "CREATE TABLE mailings ("
    "  credential TEXT PRIMARY KEY,"
    "  state TEXT NOT NULL CHECK (state IN ('queued','sent','failed')),"
    "  attempts BIGINT NOT NULL DEFAULT 0,"
    "  answer TEXT,"
    "  at TEXT NOT NULL);",
    /* 6 → 7: the queue (as SQLite's), and the numbers that name workers (never reused). */
    "CREATE TABLE jobs ("
    "  seq BIGSERIAL PRIMARY KEY,"
    "  learner_id TEXT NOT NULL,"
    "  achievement TEXT NOT NULL,"
    "  achievement_file TEXT,"
    "  template TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  email TEXT NOT NULL,"
    "  did TEXT,"
    "  valid_until TEXT,"
    "  language TEXT,"
    "  roster TEXT NOT NULL,"
    "  line BIGINT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','taken','done','refused')),"
    "  worker BIGINT,"
    "  credential TEXT,"
    "  UNIQUE (learner_id, achievement));"
    "CREATE INDEX jobs_waiting ON jobs(state, seq) WHERE state <> 'done';"
    "CREATE SEQUENCE skillcert_workers;",
    /* 7 → 8 (claims): as SQLite's: the learners' claim links, by the SHA-256 of the token. */
    "CREATE TABLE claims ("
    "  token_hash TEXT PRIMARY KEY,"
    "  credential TEXT NOT NULL REFERENCES credentials(id),"
    "  via TEXT NOT NULL CHECK (via IN ('mail','link')),"
    "  created BIGINT NOT NULL,"
    "  expires BIGINT NOT NULL,"
    "  revoked BIGINT);"
    "CREATE INDEX claims_by_credential ON claims(credential);",
    /* 8 → 9 (wallets): as SQLite's: re-issued copies and the wallet flows' secrets. */
    "ALTER TABLE credentials ADD COLUMN reissued_from TEXT;"
    "CREATE INDEX credentials_reissued ON credentials(reissued_from)"
    "  WHERE reissued_from IS NOT NULL;"
    "CREATE TABLE wallet_secrets ("
    "  hash TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('exchange','offer','token','nonce')),"
    "  credential TEXT NOT NULL,"
    "  challenge TEXT,"
    "  tx_code_hash TEXT,"
    "  expires_at BIGINT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','used')),"
    "  attempts BIGINT NOT NULL DEFAULT 0);"
    "CREATE INDEX wallet_secrets_expiry ON wallet_secrets(expires_at);",
    /* 9 → 10 (batch dictionaries): as SQLite's: what credentials of form 0x02 are packed with. */
    "CREATE TABLE dictionaries ("
    "  id BIGSERIAL PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE,"
    "  bytes BYTEA NOT NULL);",
    /* 10 → 11: done jobs forget the learner's name, address and DID (as SQLite's). */
    JOBS_FORGET_DONE,
    /* 11 → 12: an insert bumps each list it touched once per statement, not once per row: a
     * batch's chunk is one COPY (registry_copy.c), and a row trigger updating the list's row
     * for each credential was an eighth of the server's time. The bump still tells publishing
     * that the list changed; status changes keep their row trigger. */
    "DROP TRIGGER IF EXISTS credentials_issued_bump_generation ON credentials;"
    "CREATE OR REPLACE FUNCTION skillcert_bump_generations_issued() RETURNS trigger"
    "  LANGUAGE plpgsql AS"
    "  $$ BEGIN UPDATE status_lists SET generation = generation + 1"
    "  WHERE id IN (SELECT DISTINCT status_list FROM issued); RETURN NULL; END $$;"
    "CREATE TRIGGER credentials_issued_bump_generation AFTER INSERT ON credentials"
    "  REFERENCING NEW TABLE AS issued"
    "  FOR EACH STATEMENT EXECUTE FUNCTION skillcert_bump_generations_issued();",
    /* 12 → 13: the queue's indexes as the takes read them (as SQLite's): the queued jobs in
     * order, so that a take reads the next 256 of them and not every job done before them (the
     * planner ran the old (state, seq) index's work on the primary key, skipping the done ones
     * at every take); the taken ones by worker, for finishing a worker's jobs and finding
     * those of stopped workers. */
    "DROP INDEX IF EXISTS jobs_waiting;"
    "CREATE INDEX IF NOT EXISTS jobs_queued ON jobs(seq) WHERE state = 'queued';"
    "CREATE INDEX IF NOT EXISTS jobs_taken ON jobs(worker, seq) WHERE state = 'taken';",
    /* 13 → 14: a credential's file paths relative to the home (as SQLite's 13 → 14): workers
     * on several machines mount the shared out/ under homes at different paths, and each reads
     * out/<name> against its own. */
    "UPDATE credentials SET json_path = regexp_replace(json_path, '^.*/out/([^/]+)$', 'out/\\1')"
    "  WHERE json_path ~ '/out/[^/]+$';"
    "UPDATE credentials SET pdf_path = regexp_replace(pdf_path, '^.*/out/([^/]+)$', 'out/\\1')"
    "  WHERE pdf_path ~ '/out/[^/]+$';",
    /* 14 → 15: jobs are taken by claims (registry.md "The queue"): a take writes one row of
     * job_claims naming a range of seq of one template, instead of locking and updating each job,
     * and no index holds a job's state, so marking a job done is a HOT update. Jobs a worker of
     * the old scheme held go back to the queue (stop the workers before upgrading); the jobs
     * done or refused before the first queued one of each template are covered by a finished
     * claim, so that takes start there. Each step can run again (the tests run it twice). */
    JOB_CLAIMS_MIGRATION("BIGSERIAL PRIMARY KEY")
    "ALTER TABLE jobs SET (fillfactor = 50);",
    /* 15 → 16: a credential's status list and achievement are checked once per statement, not
     * once per row (registry.md "Integrity"). The two foreign keys ran a query of their own for
     * each row a COPY inserted: 8 of its 20 µs a credential, measured. The statement's check
     * reads each list and achievement the statement names once; the rows it checks against are
     * never deleted nor renumbered, and a credential's list, slot and achievement never change,
     * so nothing can break the reference later, which is what the foreign keys also guarded. */
    "ALTER TABLE credentials DROP CONSTRAINT IF EXISTS credentials_achievement_fkey,"
    "  DROP CONSTRAINT IF EXISTS credentials_status_list_fkey;"
    "CREATE OR REPLACE FUNCTION skillcert_bump_generations_issued() RETURNS trigger"
    "  LANGUAGE plpgsql AS $$ DECLARE missing BIGINT; BEGIN"
    "  SELECT i.status_list INTO missing FROM (SELECT DISTINCT status_list FROM issued) i"
    "    WHERE NOT EXISTS (SELECT 1 FROM status_lists s WHERE s.id = i.status_list) LIMIT 1;"
    "  IF FOUND THEN RAISE foreign_key_violation USING MESSAGE ="
    "    format('a credential names status list %s, which the registry does not have', missing);"
    "  END IF;"
    "  SELECT i.achievement INTO missing FROM (SELECT DISTINCT achievement FROM issued) i"
    "    WHERE NOT EXISTS (SELECT 1 FROM achievements a WHERE a.id = i.achievement) LIMIT 1;"
    "  IF FOUND THEN RAISE foreign_key_violation USING MESSAGE ="
    "    format('a credential names achievement %s, which the registry does not have', missing);"
    "  END IF;"
    "  UPDATE status_lists SET generation = generation + 1"
    "  WHERE id IN (SELECT DISTINCT status_list FROM issued); RETURN NULL; END $$;"
    "CREATE OR REPLACE FUNCTION skillcert_refuse() RETURNS trigger LANGUAGE plpgsql AS"
    "  $$ BEGIN RAISE restrict_violation USING MESSAGE = TG_ARGV[0]; END $$;"
    "DROP TRIGGER IF EXISTS status_lists_kept ON status_lists;"
    "CREATE TRIGGER status_lists_kept BEFORE DELETE OR UPDATE OF id ON status_lists"
    "  FOR EACH ROW EXECUTE FUNCTION skillcert_refuse('status lists are never deleted nor renumbered');"
    "DROP TRIGGER IF EXISTS achievements_kept ON achievements;"
    "CREATE TRIGGER achievements_kept BEFORE DELETE OR UPDATE OF id ON achievements"
    "  FOR EACH ROW EXECUTE FUNCTION skillcert_refuse('achievements are never deleted nor renumbered');"
    "DROP TRIGGER IF EXISTS credentials_slot_kept ON credentials;"
    "CREATE TRIGGER credentials_slot_kept"
    "  BEFORE UPDATE OF status_list, status_index, achievement ON credentials"
    "  FOR EACH ROW EXECUTE FUNCTION skillcert_refuse("
    "  'a credential''s status list, status index and achievement never change');",
};

const sc_registry_driver sc_registry_postgres = {
    .name = "PostgreSQL",
    .postgres = true,
    .migrations = migrations,
    .connect = connect,
    .disconnect = disconnect,
    .exec = exec,
    .idle = idle,
    .begin_write = begin_write,
    .begin_read = begin_read,
    .begin_issue = begin_issue,
    .schema_version = schema_version,
    .set_schema_version = set_schema_version,
    .prepare = prepare,
    .finalize = finalize,
    .reset = reset,
    .bind_text = bind_text,
    .bind_int64 = bind_int64,
    .bind_blob = bind_blob,
    .step = step,
    .lease_list = lease_list,
    .release_list = release_list,
    .copy_in = copy_in,
    .column_count = column_count,
    .column_name = column_name,
    .column_type = column_type,
    .column_int64 = column_int64,
    .column_text = column_text,
    .column_blob = column_blob,
};
