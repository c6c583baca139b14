/* Shared by the registry's files only. The registry's logic (records, status changes, status
 * slots, migrations) is written once against a small SQL driver (sc_registry_driver); a back-end
 * (registry_sqlite.c, registry_postgres.c) implements the driver. SQL text is written to run on
 * both: parameters are $1, $2, … in order of first use, casts are CAST(… AS …). */
#ifndef SKILLCERT_REGISTRY_INTERNAL_H
#define SKILLCERT_REGISTRY_INTERNAL_H

#include <limits.h>

#include "issuer/issuer.h"

enum sc_registry_stmt {
  STMT_INSERT_CREDENTIAL,
  STMT_INSERT_ACHIEVEMENT,
  STMT_INSERT_EVENT,
  STMT_GET,
  STMT_FIND,
  STMT_TEXT,
  STMT_EVENTS,
  STMT_INDEX_TAKEN,
  STMT_CURRENT_LIST,
  STMT_LIST_COUNT,
  STMT_NEW_LIST,
  STMT_STATUS_OF,
  STMT_SET_STATUS,
  STMT_STATUS_BITS,
  STMT_LIST_GENERATION,
  STMT_MARK_PUBLISHED,
  STMT_QUEUE_JOB,
  STMT_TAKE_LOCK,
  STMT_TAKE_DEAD_CLAIM,
  STMT_TAKE_NEW_CLAIM,
  STMT_CLAIM_JOBS,
  STMT_FINISH_JOBS,
  STMT_REFUSE_JOBS,
  STMT_CLAIMS_DONE,
  STMT_WALLET_PUT,
  STMT_WALLET_GET,
  STMT_WALLET_USE,
  STMT_WALLET_FAILED,
  STMT_WALLET_PURGE,
  STMT_REISSUED_FROM,
  STMT_DICTIONARY_INSERT,
  STMT_DICTIONARY_ID,
  STMT_DICTIONARY_GET,
  STMT_COUNT
};

/* The schema version this skillcert writes (docs/registry.md "Versions and migrations"). */
#define SC_REGISTRY_SCHEMA_VERSION 16

typedef enum sc_sql_type { SC_SQL_NULL, SC_SQL_INT, SC_SQL_TEXT, SC_SQL_BLOB } sc_sql_type;

typedef struct sc_sql_stmt sc_sql_stmt; /* the back-end's prepared statement */

/* One back-end. Statements: prepare, bind (1-based; a NULL text binds NULL; values are copied),
 * step (row or done), read columns (0-based; valid until the next step or reset), reset (also
 * clears the bindings). Errors come as "PATH: WHAT: message" with a sysexits code: the
 * database's trouble (busy, full, unreachable) SC_EIO, anything else SC_ESOFTWARE. */
typedef struct sc_registry_driver {
  const char *name; /* "SQLite", "PostgreSQL" */
  bool postgres;    /* for the few statements whose SQL differs */
  /* Entry i takes the schema from version i to i + 1, run in one write transaction. */
  const char *const *migrations;
  int (*connect)(sc_registry *reg, sc_error *err);
  void (*disconnect)(sc_registry *reg);
  int (*exec)(sc_registry *reg, const char *sql, sc_error *err);
  /* True when no transaction is open on the connection and it is usable. */
  bool (*idle)(sc_registry *reg);
  int (*begin_write)(sc_registry *reg, sc_error *err);
  int (*begin_read)(sc_registry *reg, sc_error *err);
  /* A write that inserts credentials only, with indexes from leased lists: on PostgreSQL no
   * global lock, so that workers do not wait for each other (NULL: begin_write). */
  int (*begin_issue)(sc_registry *reg, sc_error *err);
  int (*schema_version)(sc_registry *reg, int *version, sc_error *err);
  int (*set_schema_version)(sc_registry *reg, int version, sc_error *err); /* in a transaction */
  sc_sql_stmt *(*prepare)(sc_registry *reg, const char *sql, sc_error *err);
  void (*finalize)(sc_sql_stmt *stmt);
  void (*reset)(sc_sql_stmt *stmt);
  void (*bind_text)(sc_sql_stmt *stmt, int i, const char *text);
  void (*bind_int64)(sc_sql_stmt *stmt, int i, int64_t value);
  void (*bind_blob)(sc_sql_stmt *stmt, int i, const void *data, size_t len);
  /* SC_OK and *row (true: a row to read; false: done), or an error; *unique is set when the
   * error is a UNIQUE constraint refusing the row. */
  int (*step)(sc_sql_stmt *stmt, const char *what, bool *row, bool *unique, sc_error *err);
  /* Status-list leases, for a registry several processes issue into at once (PostgreSQL): a
   * process draws indexes only from a list it holds, so two never draw the same one; a lease
   * ends with the connection, so a killed process leaves none behind. NULL: no leasing (a
   * SQLite registry has one issuing process: <home>/.issue.lock). */
  int (*lease_list)(sc_registry *reg, int64_t list, bool *leased, sc_error *err);
  void (*release_list)(sc_registry *reg, int64_t list);
  /* Rows in COPY's text format through the COPY ... FROM STDIN sql, in one statement (NULL:
   * none; a batch then inserts row by row). *unique: a UNIQUE constraint refused a row. */
  int (*copy_in)(sc_registry *reg, const char *sql, const char *rows, size_t len, bool *unique,
                 sc_error *err);
  /* Commits not synced until the file whose descriptor it gives (*log) is (NULL: commits are
   * always durable). defer false: synced again. */
  int (*defer_durability)(sc_registry *reg, bool defer, int *log, sc_error *err);
  int (*column_count)(sc_sql_stmt *stmt);
  const char *(*column_name)(sc_sql_stmt *stmt, int i);
  sc_sql_type (*column_type)(sc_sql_stmt *stmt, int i);
  int64_t (*column_int64)(sc_sql_stmt *stmt, int i);
  const char *(*column_text)(sc_sql_stmt *stmt, int i, size_t *len);
  const uint8_t *(*column_blob)(sc_sql_stmt *stmt, int i, size_t *len);
} sc_registry_driver;

extern const sc_registry_driver sc_registry_sqlite;
extern const sc_registry_driver sc_registry_postgres;
extern const char *const sc_registry_sqlite_migrations[SC_REGISTRY_SCHEMA_VERSION];
/* What the registry stores for a credential file's path: relative to reg's home when inside it,
 * else path itself (a pointer into path, or path). */
const char *sc_registry_stored_path(const sc_registry *reg, const char *path);
/* Migration 10 → 11 on both back-ends. */
#define JOBS_FORGET_DONE "UPDATE jobs SET name = '', email = '', did = NULL WHERE state = 'done';"
/* 14 → 15 of both back-ends (registry.md "The queue"), but for the claims' key column. */
#define JOB_CLAIMS_MIGRATION(ID_COLUMN)                                                            \
  "CREATE TABLE IF NOT EXISTS job_claims ("                                                        \
  "  id " ID_COLUMN ","                                                                            \
  "  template TEXT NOT NULL,"                                                                      \
  "  lo BIGINT NOT NULL,"                                                                          \
  "  hi BIGINT NOT NULL,"                                                                          \
  "  worker BIGINT,"                                                                               \
  "  takes INTEGER NOT NULL DEFAULT 1,"                                                            \
  "  state TEXT NOT NULL DEFAULT 'taken' CHECK (state IN ('taken','done')));"                      \
  "CREATE INDEX IF NOT EXISTS job_claims_by_end ON job_claims(template, hi);"                      \
  "CREATE INDEX IF NOT EXISTS job_claims_taken ON job_claims(template, id) WHERE state = 'taken';" \
  "UPDATE jobs SET state = 'queued', worker = NULL WHERE state = 'taken';"                         \
  "INSERT INTO job_claims (template, lo, hi, state)"                                               \
  "  SELECT j.template, min(j.seq), coalesce((SELECT min(q.seq) FROM jobs q"                       \
  "  WHERE q.template = j.template AND q.state = 'queued') - 1, max(j.seq)), 'done'"               \
  "  FROM jobs j WHERE j.state <> 'queued'"                                                        \
  "  AND NOT EXISTS (SELECT 1 FROM job_claims c WHERE c.template = j.template)"                    \
  "  GROUP BY j.template;"                                                                         \
  "DROP INDEX IF EXISTS jobs_queued;"                                                              \
  "DROP INDEX IF EXISTS jobs_taken;"                                                               \
  "CREATE INDEX IF NOT EXISTS jobs_by_template ON jobs(template, seq);"


typedef struct sc_registry_packing sc_registry_packing;

/* Indexes handed out but not yet inserted: an open-addressing set of (list << 32 | index). */
typedef struct sc_index_set {
  uint64_t *slots; /* 0 = empty; entries are stored + 1 */
  size_t cap, count;
} sc_index_set;

struct sc_registry {
  const sc_registry_driver *driver;
  void *conn;                 /* the back-end's connection */
  char path[PATH_MAX + 16];   /* what messages name: the file, or the server (no password) */
  char target[PATH_MAX + 16]; /* what the back-end opens: a file, or a postgresql:// URI */
  char log_path[PATH_MAX + 20]; /* the log sc_registry_defer_durability gave; "" when none */
  /* The home as this process opened it. A credential's file paths are stored relative to it
   * ("out/<uuid>.json") and read back joined to it, so that a home moved, opened from another
   * folder, or mounted elsewhere on another worker's machine still finds its files. */
  char home_root[PATH_MAX];
  sc_sql_stmt *stmts[STMT_COUNT];
  sc_index_set reserved;
  int64_t current_list;         /* 0 = not looked up yet */
  int64_t current_used;         /* credentials + reservations in current_list */
  /* The slots of current_list taken, once a handle draws many from it (registry_index.c):
   * NULL until then. Valid only while no other process draws from that list, which leasing
   * (PostgreSQL) and the home's issue lock (SQLite) ensure. */
  uint8_t *taken_map;
  int64_t taken_map_list;
  unsigned draws_in_list;
  /* The achievement IRI known to be in the achievements table (registry_records.c), and whether
   * it was added in the open transaction (then forgotten if that rolls back). */
  char *known_achievement;
  int64_t known_achievement_id; /* its row; 0: not looked up */
  bool known_achievement_unconfirmed;
  /* A batch's transaction on a back-end with copy_in: its credentials are kept here as COPY
   * rows and sent in one statement at the commit (registry_records.c). */
  bool staging;
  sc_buf staged;
  size_t staged_rows;
  sc_registry_packing *packing; /* zstd state, made when first needed (registry_dictionaries.c) */
};

int sc_registry_exec(sc_registry *reg, const char *sql, sc_error *err);
/* The cached statement `which` (prepared from sql the first time), reset and unbound. */
sc_sql_stmt *sc_registry_stmt(sc_registry *reg, enum sc_registry_stmt which, const char *sql,
                              sc_error *err);
/* One step of stmt: SC_OK with *row, or the error ("PATH: WHAT: …"). */
int sc_sql_step(sc_registry *reg, sc_sql_stmt *stmt, const char *what, bool *row, sc_error *err);
void sc_sql_bind_text(sc_registry *reg, sc_sql_stmt *stmt, int i, const char *text);
void sc_sql_bind_int64(sc_registry *reg, sc_sql_stmt *stmt, int i, int64_t value);
int64_t sc_sql_int64(sc_registry *reg, sc_sql_stmt *stmt, int i);
/* The stored form of a credential (registry_pack.c, docs/registry.md "Packed credentials"):
 * its first byte names the form. */
#define SC_PACK_DEFLATE_QR_V1 0x01   /* raw DEFLATE (RFC 1951), the QR dictionary v1 preset */
#define SC_PACK_ZSTD_DICTIONARY 0x02 /* zstd, a dictionary of the dictionaries table */
/* text[0..len) in form 0x01, appended to out. */
int sc_registry_pack(const char *text, size_t len, sc_buf *out, sc_error *err);
/* The form a credential inserted through reg is stored in: 0x02 with the dictionary the
 * handle's batch offered (sc_registry_offer_dictionary; its row is written in the current
 * transaction the first time), 0x01 when it has none. */
int sc_registry_pack_stored(sc_registry *reg, const char *text, size_t len, sc_buf *out,
                            sc_error *err);
/* Any form back, a NUL-terminated string of at most SC_JSON_MAX_BYTES (NULL with an SC_EDATA
 * error naming credential: a form this skillcert does not know, a missing dictionary, damage).
 * reg finds the dictionaries; NULL reads form 0x01 only. */
char *sc_registry_unpack(sc_registry *reg, const char *credential, const uint8_t *data, size_t len,
                         sc_error *err);
char *sc_registry_unpack_zstd(sc_registry *reg, const char *credential, const uint8_t *data,
                              size_t len, sc_error *err);
/* A transaction ended: a dictionary stored or found in it stays only if it committed. */
void sc_registry_packing_transaction_end(sc_registry *reg, bool committed);
void sc_registry_packing_free(sc_registry *reg);
bool sc_index_set_remove(sc_index_set *set, int64_t list, int64_t index);
/* Drops the taken-slot map: the handle is about to be used under another lock or list. */
void sc_registry_forget_taken(sc_registry *reg);
/* A transaction ended: what was learned inside it about the achievements table stays only if it
 * committed (registry_records.c). */
void sc_registry_records_transaction_end(sc_registry *reg, bool committed);
/* registry_copy.c: a credential kept for the commit's COPY (reg->staging), its achievement's
 * row id given; the staged rows sent (before the COMMIT); staging ended with the transaction. */
int sc_registry_stage_credential(sc_registry *reg, const sc_issued_record *rec, int64_t achievement,
                                 const sc_buf *packed, sc_error *err);
int sc_registry_flush_staged(sc_registry *reg, sc_error *err);
void sc_registry_staging_end(sc_registry *reg);

#endif
