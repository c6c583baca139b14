/* The wallet flows' single-use secrets (docs/wallets.md "What is stored"): exchange ids,
 * pre-authorized codes, access tokens and c_nonces, each kept as its SHA-256 only, with what it
 * delivers, when it expires, whether it was used and how many tries failed. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_words[] = {"exchange", "offer", "token", "nonce"};

int sc_wallet_secret_new(char out[SC_AT_LEAST(SC_WALLET_SECRET_SIZE)], sc_error *err) {
  uint8_t random[32];
  int rc = sc_random_bytes(random, sizeof random, err);
  if (rc != SC_OK)
    return rc;
  char *text = sc_base64url_encode(random, sizeof random);
  if (!text)
    return sc_oom(err);
  snprintf(out, SC_WALLET_SECRET_SIZE, "%s", text);
  free(text);
  return SC_OK;
}

static int hash_hex(const char *text, char out[SC_SHA256_HEX_SIZE], sc_error *err) {
  if (sc_sha256_hex(text, strlen(text), out) != SC_OK)
    return sc_fail(err, SC_ESOFTWARE, "cannot hash a wallet secret");
  return SC_OK;
}

int sc_wallet_pin_hash(const char *code, const char *pin, char out[SC_AT_LEAST(72)],
                       sc_error *err) {
  sc_buf joined = {0};
  int rc = sc_buf_append_str(&joined, code) && sc_buf_append_str(&joined, ":") &&
                   sc_buf_append_str(&joined, pin) && sc_buf_append(&joined, "", 1)
               ? hash_hex((const char *)joined.data, out, err)
               : sc_oom(err);
  sc_buf_free(&joined);
  return rc;
}

int sc_registry_wallet_put(sc_registry *reg, const char *secret, const sc_wallet_secret *s,
                           sc_error *err) {
  char hash[SC_SHA256_HEX_SIZE];
  int rc = hash_hex(secret, hash, err);
  if (rc != SC_OK)
    return rc;
  sc_sql_stmt *stmt = sc_registry_stmt(
      reg, STMT_WALLET_PUT,
      "INSERT INTO wallet_secrets (hash, kind, credential, challenge, tx_code_hash, expires_at)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  d->bind_text(stmt, 1, hash);
  d->bind_text(stmt, 2, kind_words[s->kind]);
  d->bind_text(stmt, 3, s->credential);
  d->bind_text(stmt, 4, s->challenge[0] ? s->challenge : NULL);
  d->bind_text(stmt, 5, s->tx_code_hash[0] ? s->tx_code_hash : NULL);
  d->bind_int64(stmt, 6, s->expires_at);
  bool row;
  rc = sc_sql_step(reg, stmt, "recording a wallet secret", &row, err);
  d->reset(stmt);
  return rc;
}

static void copy_text(const sc_registry_driver *d, sc_sql_stmt *stmt, int i, char *out,
                      size_t size) {
  const char *text = d->column_type(stmt, i) == SC_SQL_NULL ? NULL : d->column_text(stmt, i, NULL);
  snprintf(out, size, "%s", text ? text : "");
}

/* The cached statement `which`, with the secret's hash bound to $1 and the kind to $2: how
 * every lookup of one secret starts. NULL (err set) when hashing or preparing failed. */
static sc_sql_stmt *by_secret(sc_registry *reg, enum sc_registry_stmt which, const char *sql,
                              const char *secret, sc_wallet_kind kind, sc_error *err) {
  char hash[SC_SHA256_HEX_SIZE];
  if (hash_hex(secret, hash, err) != SC_OK)
    return NULL;
  sc_sql_stmt *stmt = sc_registry_stmt(reg, which, sql, err);
  if (stmt) {
    reg->driver->bind_text(stmt, 1, hash);
    reg->driver->bind_text(stmt, 2, kind_words[kind]);
  }
  return stmt;
}

int sc_registry_wallet_get(sc_registry *reg, const char *secret, sc_wallet_kind kind,
                           sc_wallet_secret *out, bool *found, sc_error *err) {
  memset(out, 0, sizeof *out);
  *found = false;
  sc_sql_stmt *stmt =
      by_secret(reg, STMT_WALLET_GET,
                "SELECT credential, challenge, tx_code_hash, expires_at, state, attempts"
                " FROM wallet_secrets WHERE hash = $1 AND kind = $2",
                secret, kind, err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  int rc = sc_sql_step(reg, stmt, "reading a wallet secret", found, err);
  if (rc == SC_OK && *found) {
    out->kind = kind;
    copy_text(d, stmt, 0, out->credential, sizeof out->credential);
    copy_text(d, stmt, 1, out->challenge, sizeof out->challenge);
    copy_text(d, stmt, 2, out->tx_code_hash, sizeof out->tx_code_hash);
    out->expires_at = d->column_int64(stmt, 3);
    const char *state = d->column_text(stmt, 4, NULL);
    out->used = !state || strcmp(state, "open") != 0;
    out->attempts = d->column_int64(stmt, 5);
  }
  d->reset(stmt);
  return rc;
}

int sc_registry_wallet_use(sc_registry *reg, const char *secret, sc_wallet_kind kind, int64_t now,
                           bool *won, sc_error *err) {
  *won = false;
  /* One statement: of two requests racing with the same secret, one updates the row, the
   * other finds it used (RETURNING says which). */
  sc_sql_stmt *stmt =
      by_secret(reg, STMT_WALLET_USE,
                "UPDATE wallet_secrets SET state = 'used' WHERE hash = $1 AND kind = $2"
                " AND state = 'open' AND expires_at > $3 RETURNING 1",
                secret, kind, err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  d->bind_int64(stmt, 3, now);
  int rc = sc_sql_step(reg, stmt, "using a wallet secret", won, err);
  if (rc == SC_OK && *won) { /* step to the end, so that the statement is finished */
    bool more = false;
    rc = sc_sql_step(reg, stmt, "using a wallet secret", &more, err);
  }
  d->reset(stmt);
  return rc;
}

int sc_registry_wallet_failed(sc_registry *reg, const char *secret, sc_wallet_kind kind,
                              sc_error *err) {
  sc_sql_stmt *stmt = by_secret(
      reg, STMT_WALLET_FAILED,
      "UPDATE wallet_secrets SET attempts = attempts + 1, state = CASE WHEN attempts + 1 >= $3"
      " THEN 'used' ELSE state END WHERE hash = $1 AND kind = $2",
      secret, kind, err);
  if (!stmt)
    return err->code;
  const sc_registry_driver *d = reg->driver;
  d->bind_int64(stmt, 3, SC_WALLET_MAX_ATTEMPTS);
  bool row;
  int rc = sc_sql_step(reg, stmt, "counting a failed try", &row, err);
  d->reset(stmt);
  return rc;
}

int sc_registry_wallet_purge(sc_registry *reg, int64_t now, sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(reg, STMT_WALLET_PURGE,
                                       "DELETE FROM wallet_secrets WHERE expires_at <= $1", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_int64(stmt, 1, now);
  bool row;
  int rc = sc_sql_step(reg, stmt, "forgetting expired wallet secrets", &row, err);
  reg->driver->reset(stmt);
  return rc;
}

int sc_registry_reissued_from(sc_registry *reg, const char *id, char *out, size_t size,
                              sc_error *err) {
  out[0] = 0;
  sc_sql_stmt *stmt = sc_registry_stmt(reg, STMT_REISSUED_FROM,
                                       "SELECT reissued_from FROM credentials WHERE id = $1", err);
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, id);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "reading a credential's original", &row, err);
  if (rc == SC_OK && row)
    copy_text(reg->driver, stmt, 0, out, size);
  reg->driver->reset(stmt);
  return rc;
}
