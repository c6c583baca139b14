/* The claims table (schema 8; docs/claim.md): the learners' claim tokens, kept as the SHA-256
 * of the token only. A lookup hashes what it is given and asks for that hash, so the stored
 * values never meet a token in a comparison whose timing could leak them. */
#include "issuer/registry_internal.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#define HASH_HEX 65

static const char *via_name(sc_claim_via via) {
  return via == SC_CLAIM_VIA_MAIL ? "mail" : "link";
}

static int token_hash(const char *token, char out[HASH_HEX], sc_error *err) {
  if (sc_sha256_hex(token, strlen(token), out) != SC_OK)
    return sc_fail(err, SC_ESOFTWARE, "cannot hash a claim token");
  return SC_OK;
}

/* Runs sql (no rows) with its parameters: texts first ($1…), then integers. */
static int run(sc_registry *reg, const char *sql, const char *what, const char *const *texts,
               size_t text_count, const int64_t *ints, size_t int_count, sc_error *err) {
  sc_sql_stmt *stmt = reg->driver->prepare(reg, sql, err);
  if (!stmt)
    return err->code;
  for (size_t i = 0; i < text_count; i++)
    reg->driver->bind_text(stmt, (int)i + 1, texts[i]);
  for (size_t i = 0; i < int_count; i++)
    reg->driver->bind_int64(stmt, (int)(text_count + i) + 1, ints[i]);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, what, &row, err);
  reg->driver->finalize(stmt);
  return rc;
}

/* The credential's id as the registry writes it (urn:uuid:…); SC_EDATA when there is none. */
static int recorded_id(sc_registry *reg, const char *id, char out[128], sc_error *err) {
  json_t *row = NULL;
  int rc = sc_registry_get(reg, id, &row, err);
  const char *recorded = json_string_value(json_object_get(row, "id"));
  if (rc == SC_OK && !recorded)
    rc = sc_fail(err, SC_EDATA, "%s: no such credential in the registry", id);
  if (rc == SC_OK)
    snprintf(out, 128, "%s", recorded);
  json_decref(row);
  return rc;
}

static int new_token(char token[SC_CLAIM_TOKEN_LEN + 1], sc_error *err) {
  uint8_t random[32];
  int rc = sc_random_bytes(random, sizeof random, err);
  char *text = rc == SC_OK ? sc_base64url_encode(random, sizeof random) : NULL;
  OPENSSL_cleanse(random, sizeof random);
  if (rc != SC_OK)
    return rc;
  if (!text)
    return sc_oom(err);
  memcpy(token, text, SC_CLAIM_TOKEN_LEN + 1);
  OPENSSL_cleanse(text, SC_CLAIM_TOKEN_LEN);
  free(text);
  return SC_OK;
}

int sc_registry_claim_create(sc_registry *reg, const char *id, sc_claim_via via, bool replace,
                             int64_t now, int64_t expires, char token[SC_CLAIM_TOKEN_LEN + 1],
                             sc_error *err) {
  char urn[128], hash[HASH_HEX];
  int rc = recorded_id(reg, id, urn, err);
  if (rc == SC_OK)
    rc = new_token(token, err);
  if (rc == SC_OK)
    rc = token_hash(token, hash, err);
  if (rc != SC_OK || (rc = sc_registry_begin(reg, err)) != SC_OK)
    return rc;
  if (replace) {
    const char *texts[] = {urn, via_name(via)};
    rc = run(reg,
             "UPDATE claims SET revoked = $3 WHERE credential = $1 AND via = $2"
             " AND revoked IS NULL",
             "revoking the old claim link", texts, 2, &now, 1, err);
  }
  if (rc == SC_OK) {
    const char *texts[] = {hash, urn, via_name(via)};
    const int64_t times[] = {now, expires};
    rc = run(reg,
             "INSERT INTO claims (token_hash, credential, via, created, expires)"
             " VALUES ($1, $2, $3, $4, $5)",
             "recording a claim link", texts, 3, times, 2, err);
  }
  if (rc != SC_OK) {
    sc_registry_rollback(reg);
    return rc;
  }
  return sc_registry_commit(reg, err);
}

/* Runs an UPDATE that revokes in its own transaction; *count: the rows it changed, one
 * returned for each (no separate COUNT of the same rows first). */
static int revoke(sc_registry *reg, const char *where, const char *value, int64_t now,
                  size_t *count, sc_error *err) {
  char update[160];
  snprintf(update, sizeof update,
           "UPDATE claims SET revoked = $2 WHERE %s = $1 AND revoked IS NULL RETURNING 1", where);
  int rc = sc_registry_begin(reg, err);
  if (rc != SC_OK)
    return rc;
  sc_sql_stmt *stmt = reg->driver->prepare(reg, update, err);
  rc = stmt ? SC_OK : err->code;
  size_t changed = 0;
  if (stmt) {
    reg->driver->bind_text(stmt, 1, value);
    reg->driver->bind_int64(stmt, 2, now);
    bool row = false;
    while ((rc = sc_sql_step(reg, stmt, "revoking claim links", &row, err)) == SC_OK && row)
      changed++;
    reg->driver->finalize(stmt);
  }
  if (rc != SC_OK) {
    sc_registry_rollback(reg);
    return rc;
  }
  if (count)
    *count = changed;
  return sc_registry_commit(reg, err);
}

int sc_registry_claim_revoke(sc_registry *reg, const char *id, int64_t now, size_t *count,
                             sc_error *err) {
  char urn[128];
  int rc = recorded_id(reg, id, urn, err);
  return rc == SC_OK ? revoke(reg, "credential", urn, now, count, err) : rc;
}

int sc_registry_claim_revoke_token(sc_registry *reg, const char *token, int64_t now, bool *found,
                                   sc_error *err) {
  char hash[HASH_HEX];
  size_t count = 0;
  *found = false;
  if (!sc_claim_token_form(token))
    return SC_OK;
  int rc = token_hash(token, hash, err);
  if (rc == SC_OK)
    rc = revoke(reg, "token_hash", hash, now, &count, err);
  *found = count > 0;
  return rc;
}

int sc_registry_claim_find(sc_registry *reg, const char *token, int64_t now, char *id, size_t size,
                           sc_error *err) {
  char hash[HASH_HEX];
  if (!sc_claim_token_form(token))
    return sc_fail(err, SC_ENOINPUT, "no such claim link");
  int rc = token_hash(token, hash, err);
  sc_sql_stmt *stmt =
      rc == SC_OK ? reg->driver->prepare(reg,
                                         "SELECT credential FROM claims WHERE token_hash = $1"
                                         " AND revoked IS NULL AND expires > $2",
                                         err)
                  : NULL;
  if (!stmt)
    return err->code;
  reg->driver->bind_text(stmt, 1, hash);
  reg->driver->bind_int64(stmt, 2, now);
  bool row = false;
  rc = sc_sql_step(reg, stmt, "looking up a claim link", &row, err);
  size_t len = 0;
  const char *credential = rc == SC_OK && row ? reg->driver->column_text(stmt, 0, &len) : NULL;
  if (rc == SC_OK && (!credential || len >= size))
    rc = sc_fail(err, SC_ENOINPUT, "no such claim link");
  if (rc == SC_OK)
    snprintf(id, size, "%s", credential);
  reg->driver->finalize(stmt);
  return rc;
}
