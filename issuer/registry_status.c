/* Status changes: revoke, suspend, reinstate; and the bitstrings they publish. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

bool sc_status_change_allowed(sc_status_change change, sc_status status) {
  switch (change) {
  case SC_CHANGE_REVOKE:
    return status != SC_STATUS_REVOKED;
  case SC_CHANGE_SUSPEND:
    return status == SC_STATUS_ACTIVE;
  case SC_CHANGE_REINSTATE:
    return status == SC_STATUS_SUSPENDED;
  }
  return false;
}

static int current_status(sc_registry *reg, const char *urn, sc_status *status, int64_t *list,
                          sc_error *err) {
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_STATUS_OF, "SELECT status, status_list FROM credentials WHERE id = ?", err);
  if (!stmt)
    return err->code;
  sqlite3_bind_text(stmt, 1, urn, -1, SQLITE_STATIC);
  int step = sqlite3_step(stmt);
  bool known = false;
  if (step == SQLITE_ROW) {
    known = sc_status_parse((const char *)sqlite3_column_text(stmt, 0), status);
    *list = sqlite3_column_int64(stmt, 1);
  }
  int rc = step == SQLITE_ROW || step == SQLITE_DONE
               ? SC_OK
               : sc_registry_sql_error(reg, err, "reading a status");
  sqlite3_reset(stmt);
  if (step == SQLITE_DONE)
    return sc_fail(err, SC_EDATA, "no credential %s in %s", urn, reg->path);
  if (rc == SC_OK && !known) /* the schema's CHECK allows only the three words */
    return sc_fail(err, SC_ECONFIG, "%s: %s has an unknown status", reg->path, urn);
  return rc;
}

static int write_change(sc_registry *reg, const char *urn, sc_status_change change,
                        const char *reason, sc_error *err) {
  char now[21];
  sc_time_format((int64_t)time(NULL), now);
  sqlite3_stmt *stmt =
      sc_registry_stmt(reg, STMT_SET_STATUS, "UPDATE credentials SET status = ? WHERE id = ?", err);
  if (!stmt)
    return err->code;
  sqlite3_bind_text(stmt, 1, sc_status_word(sc_status_after(change)), -1, SQLITE_STATIC);
  sqlite3_bind_text(stmt, 2, urn, -1, SQLITE_STATIC);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    return sc_registry_sql_error(reg, err, "changing a status");
  sqlite3_stmt *event = sc_registry_stmt(
      reg, STMT_INSERT_EVENT,
      "INSERT INTO events (credential_id, kind, reason, at) VALUES (?, ?, ?, ?)", err);
  if (!event)
    return err->code;
  sqlite3_bind_text(event, 1, urn, -1, SQLITE_STATIC);
  sqlite3_bind_text(event, 2, sc_status_change_word(change), -1, SQLITE_STATIC);
  if (reason)
    sqlite3_bind_text(event, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text(event, 4, now, -1, SQLITE_TRANSIENT);
  return sqlite3_step(event) == SQLITE_DONE ? SC_OK
                                            : sc_registry_sql_error(reg, err, "recording an event");
}

int sc_registry_change_status(sc_registry *reg, const char *id, sc_status_change change,
                              const char *reason, int64_t list_out[1], sc_error *err) {
  char urn[128];
  sc_status status = SC_STATUS_ACTIVE;
  const char *bare = strncmp(id, "urn:uuid:", 9) == 0 ? id + 9 : id;
  snprintf(urn, sizeof urn, "urn:uuid:%s", bare);
  for (char *p = urn + 9; *p; p++)
    *p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
  int64_t list = 0;
  int rc = sc_registry_begin(reg, err);
  if (rc == SC_OK)
    rc = current_status(reg, urn, &status, &list, err);
  if (rc == SC_OK && !sc_status_change_allowed(change, status))
    rc = sc_fail(err, SC_EUSAGE, "%s is %s: cannot be %s%s", urn, sc_status_word(status),
                 sc_status_change_word(change),
                 status == SC_STATUS_REVOKED ? " (revocation is final)" : "");
  if (rc == SC_OK)
    rc = write_change(reg, urn, change, reason, err);
  if (rc == SC_OK)
    rc = sc_registry_commit(reg, err);
  if (rc != SC_OK)
    sc_registry_rollback(reg);
  else if (list_out)
    list_out[0] = list;
  return rc;
}

int sc_registry_status_bits(sc_registry *reg, int64_t list, sc_purpose purpose, uint8_t *bits,
                            sc_error *err) {
  const char *status = sc_status_word(sc_purpose_status(purpose));
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_STATUS_BITS,
      "SELECT status_index FROM credentials WHERE status_list = ? AND status = ?", err);
  if (!stmt)
    return err->code;
  sqlite3_bind_int64(stmt, 1, list);
  sqlite3_bind_text(stmt, 2, status, -1, SQLITE_STATIC);
  int step;
  while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
    sc_status_list_set(bits, (size_t)sqlite3_column_int64(stmt, 0), true);
  sqlite3_reset(stmt);
  return step == SQLITE_DONE ? SC_OK : sc_registry_sql_error(reg, err, "reading statuses");
}

int sc_registry_lists(sc_registry *reg, json_t **lists, sc_error *err) {
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2(reg->db, "SELECT id FROM status_lists ORDER BY id", -1, &stmt, NULL) !=
      SQLITE_OK)
    return sc_registry_sql_error(reg, err, "listing status lists");
  *lists = json_array();
  int step = SQLITE_DONE;
  while (*lists && (step = sqlite3_step(stmt)) == SQLITE_ROW)
    json_array_append_new(*lists, json_integer(sqlite3_column_int64(stmt, 0)));
  int rc = !*lists               ? sc_oom(err)
           : step != SQLITE_DONE ? sc_registry_sql_error(reg, err, "listing status lists")
                                 : SC_OK;
  sqlite3_finalize(stmt);
  if (rc != SC_OK) {
    json_decref(*lists);
    *lists = NULL;
  }
  return rc;
}

int sc_registry_list_generation(sc_registry *reg, int64_t list, int64_t *generation,
                                int64_t *published, sc_error *err) {
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_LIST_GENERATION,
      "SELECT generation, published_generation FROM status_lists WHERE id = ?", err);
  if (!stmt)
    return err->code;
  sqlite3_bind_int64(stmt, 1, list);
  int step = sqlite3_step(stmt);
  if (step == SQLITE_ROW) {
    *generation = sqlite3_column_int64(stmt, 0);
    *published = sqlite3_column_int64(stmt, 1);
  }
  sqlite3_reset(stmt);
  if (step == SQLITE_DONE)
    return sc_fail(err, SC_EDATA, "%s: no status list %lld", reg->path, (long long)list);
  return step == SQLITE_ROW ? SC_OK : sc_registry_sql_error(reg, err, "reading a generation");
}

/* max(): a record never goes back, whatever order two publishers record in. */
int sc_registry_mark_published(sc_registry *reg, int64_t list, int64_t generation, sc_error *err) {
  sqlite3_stmt *stmt = sc_registry_stmt(
      reg, STMT_MARK_PUBLISHED,
      "UPDATE status_lists SET published_generation = max(published_generation, ?) WHERE id = ?",
      err);
  if (!stmt)
    return err->code;
  sqlite3_bind_int64(stmt, 1, generation);
  sqlite3_bind_int64(stmt, 2, list);
  int step = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return step == SQLITE_DONE ? SC_OK : sc_registry_sql_error(reg, err, "recording a publication");
}
