/* `skillcert mail`'s send log (the mailings table, schema 6; docs/mail.md): what was queued,
 * sent or failed for each credential, so that a re-run sends only what was not sent. */
#include "issuer/registry_internal.h"

#include <string.h>

static const char *const state_names[] = {"", "queued", "sent", "failed"};

const char *sc_mail_state_name(sc_mail_state state) {
  return state <= SC_MAIL_FAILED ? state_names[state] : "";
}

int sc_registry_mailing_get(sc_registry *reg, const char *id, sc_mailing *out, sc_error *err) {
  memset(out, 0, sizeof *out);
  sc_sql_stmt *stmt = reg->driver->prepare(
      reg, "SELECT state, attempts, answer FROM mailings WHERE credential = $1", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, id);
  bool found = false;
  int rc = sc_sql_step(reg, stmt, "reading the send log", &found, err);
  if (rc == SC_OK && found) {
    size_t len = 0;
    const char *state = reg->driver->column_text(stmt, 0, &len);
    for (int s = SC_MAIL_QUEUED; s <= SC_MAIL_FAILED; s++)
      if (state && strcmp(state, state_names[s]) == 0)
        out->state = (sc_mail_state)s;
    out->attempts = (int)reg->driver->column_int64(stmt, 1);
    const char *answer = reg->driver->column_text(stmt, 2, &len);
    snprintf(out->answer, sizeof out->answer, "%s", answer ? answer : "");
  }
  reg->driver->finalize(stmt);
  return rc;
}

int sc_registry_mailing_put(sc_registry *reg, const char *id, const sc_mailing *m, int64_t now,
                            sc_error *err) {
  char at[SC_TIME_SIZE];
  sc_time_format(now, at);
  int rc = sc_registry_begin(reg, err);
  if (rc != SC_OK)
    return rc;
  sc_sql_stmt *stmt = reg->driver->prepare(
      reg,
      "INSERT INTO mailings (credential, state, attempts, answer, at) VALUES ($1, $2, $3, $4, $5)"
      " ON CONFLICT (credential) DO UPDATE SET state = excluded.state,"
      " attempts = excluded.attempts, answer = excluded.answer, at = excluded.at",
      err);
  if (!stmt) {
    sc_registry_rollback(reg);
    return err->code;
  }
  reg->driver->bind_text(stmt, 1, id);
  reg->driver->bind_text(stmt, 2, sc_mail_state_name(m->state));
  reg->driver->bind_int64(stmt, 3, m->attempts);
  reg->driver->bind_text(stmt, 4, m->answer[0] ? m->answer : NULL);
  reg->driver->bind_text(stmt, 5, at);
  bool row = false;
  rc = sc_sql_step(reg, stmt, "recording a mailing", &row, err);
  reg->driver->finalize(stmt);
  if (rc != SC_OK) {
    sc_registry_rollback(reg);
    return rc;
  }
  return sc_registry_commit(reg, err);
}
