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
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_STATUS_OF,
      /* a copy re-issued to a wallet carries its original's status entries: the list that
       * changes is the original's */
      "SELECT c.status, coalesce(r.status_list, c.status_list) FROM credentials c"
      " LEFT JOIN credentials r ON r.id = c.reissued_from WHERE c.id = $1",
      err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, urn);
  bool row = false, known = false;
  int rc = sc_sql_step(reg, stmt, "reading a status", &row, err);
  if (row) {
    known = sc_status_parse(reg->driver->column_text(stmt, 0, NULL), status);
    *list = reg->driver->column_int64(stmt, 1);
  }
  reg->driver->reset(stmt);
  if (rc == SC_OK && !row)
    return sc_fail(err, SC_EDATA, "no credential %s in %s", urn, reg->path);
  if (rc == SC_OK && !known) /* the schema's CHECK allows only the three words */
    return sc_fail(err, SC_ECONFIG, "%s: %s has an unknown status", reg->path, urn);
  return rc;
}

/* The rows of the credential whose id is the parameter: its original (itself, unless it is a
 * re-issued copy) and the original's copies. */
#define FAMILY_OF(param)                                                                          \
  "(id = (SELECT coalesce(reissued_from, id) FROM credentials WHERE id = " param ")"             \
  " OR reissued_from = (SELECT coalesce(reissued_from, id) FROM credentials WHERE id = " param   \
  "))"

static int write_change(sc_registry *reg, const char *urn, sc_status_change change,
                        const char *reason, sc_error *err) {
  char now[21];
  sc_time_format((int64_t)time(NULL), now);
  /* The whole family changes together: the original and every copy re-issued to a wallet
   * (docs/wallets.md "Revocation"), since the copies share the original's status entries. */
  sc_sql_stmt *stmt = sc_registry_stmt(reg, STMT_SET_STATUS,
                                       "UPDATE credentials SET status = $1 WHERE " FAMILY_OF("$2"),
                                       err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  d->bind_text(stmt, 1, sc_status_word(sc_status_after(change)));
  d->bind_text(stmt, 2, urn);
  bool row;
  int rc = sc_sql_step(reg, stmt, "changing a status", &row, err);
  if (rc != SC_OK)
    return rc;
  sc_sql_stmt *event = sc_registry_stmt(reg, STMT_INSERT_EVENT,
                                        "INSERT INTO events (credential, kind, reason, at)"
                                        " SELECT seq, $2, $3, $4 FROM credentials WHERE "
                                        FAMILY_OF("$1") " ORDER BY seq",
                                        err);
  if (!event)
    return err->code;
  d->bind_text(event, 1, urn);
  d->bind_text(event, 2, sc_status_change_word(change));
  d->bind_text(event, 3, reason);
  d->bind_text(event, 4, now);
  return sc_sql_step(reg, event, "recording an event", &row, err);
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

int sc_registry_family(sc_registry *reg, const char *id, json_t **ids, sc_error *err) {
  sc_sql_stmt *stmt = reg->driver->prepare(
      reg, "SELECT id FROM credentials WHERE " FAMILY_OF("$1") " ORDER BY seq", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, id);
  *ids = json_array();
  bool row = false;
  int rc = SC_OK;
  while (*ids &&
         (rc = sc_sql_step(reg, stmt, "reading a credential's family", &row, err)) == SC_OK && row)
    json_array_append_new(*ids, json_string(reg->driver->column_text(stmt, 0, NULL)));
  if (rc == SC_OK && !*ids)
    rc = sc_oom(err);
  reg->driver->finalize(stmt);
  if (rc != SC_OK) {
    json_decref(*ids);
    *ids = NULL;
  }
  return rc;
}

int sc_registry_status_bits(sc_registry *reg, int64_t list, sc_purpose purpose, uint8_t *bits,
                            sc_error *err) {
  const char *status = sc_status_word(sc_purpose_status(purpose));
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_STATUS_BITS,
      /* status != 'active' lets the query use the small index of those credentials only */
      "SELECT status_index FROM credentials"
      " WHERE status_list = $1 AND status = $2 AND status != 'active'",
      err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, list);
  reg->driver->bind_text(stmt, 2, status);
  bool row = false;
  int rc;
  while ((rc = sc_sql_step(reg, stmt, "reading statuses", &row, err)) == SC_OK && row)
    sc_status_list_set(bits, (size_t)reg->driver->column_int64(stmt, 0), true);
  reg->driver->reset(stmt);
  return rc;
}

int sc_registry_lists(sc_registry *reg, json_t **lists, sc_error *err) {
  sc_sql_stmt *stmt = reg->driver->prepare(reg, "SELECT id FROM status_lists ORDER BY id", err);
  if (!stmt)
    return err->code;
  *lists = json_array();
  bool row = false;
  int rc = SC_OK;
  while (*lists && (rc = sc_sql_step(reg, stmt, "listing status lists", &row, err)) == SC_OK && row)
    json_array_append_new(*lists, json_integer(reg->driver->column_int64(stmt, 0)));
  if (rc == SC_OK && !*lists)
    rc = sc_oom(err);
  reg->driver->finalize(stmt);
  if (rc != SC_OK) {
    json_decref(*lists);
    *lists = NULL;
  }
  return rc;
}

int sc_registry_list_generation(sc_registry *reg, int64_t list, int64_t *generation,
                                int64_t *published, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_LIST_GENERATION,
      "SELECT generation, published_generation FROM status_lists WHERE id = $1", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, list);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "reading a generation", &row, err);
  if (row) {
    *generation = reg->driver->column_int64(stmt, 0);
    *published = reg->driver->column_int64(stmt, 1);
  }
  reg->driver->reset(stmt);
  if (rc == SC_OK && !row)
    return sc_fail(err, SC_EDATA, "%s: no status list %lld", reg->path, (long long)list);
  return rc;
}

/* The greater of the two: a record never goes back, whatever order two publishers record in
 * (max() of two values in SQLite, GREATEST in PostgreSQL). */
int sc_registry_mark_published(sc_registry *reg, int64_t list, int64_t generation, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_MARK_PUBLISHED,
      reg->driver->postgres
          ? "UPDATE status_lists SET published_generation = GREATEST(published_generation, $1)"
            " WHERE id = $2"
          : "UPDATE status_lists SET published_generation = max(published_generation, $1)"
            " WHERE id = $2",
      err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, generation);
  reg->driver->bind_int64(stmt, 2, list);
  bool row;
  int rc = sc_sql_step(reg, stmt, "recording a publication", &row, err);
  reg->driver->reset(stmt);
  return rc;
}
