/* Shared by the registry's files only. */
#ifndef SKILLCERT_REGISTRY_INTERNAL_H
#define SKILLCERT_REGISTRY_INTERNAL_H

#include <sqlite3.h>

#include "issuer/issuer.h"

enum sc_registry_stmt {
  STMT_INSERT_CREDENTIAL,
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
  STMT_COUNT
};

/* Indexes handed out but not yet inserted: an open-addressing set of (list << 32 | index). */
typedef struct sc_index_set {
  uint64_t *slots; /* 0 = empty; entries are stored + 1 */
  size_t cap, count;
} sc_index_set;

struct sc_registry {
  sqlite3 *db;
  char path[PATH_MAX + 16];
  sqlite3_stmt *stmts[STMT_COUNT];
  sc_index_set reserved;
  int64_t current_list; /* 0 = not looked up yet */
  int64_t current_used; /* credentials + reservations in current_list */
};

int sc_registry_sql_error(sc_registry *reg, sc_error *err, const char *what);
int sc_registry_exec(sc_registry *reg, const char *sql, sc_error *err);
sqlite3_stmt *sc_registry_stmt(sc_registry *reg, enum sc_registry_stmt which, const char *sql,
                               sc_error *err);
bool sc_index_set_remove(sc_index_set *set, int64_t list, int64_t index);

#endif
