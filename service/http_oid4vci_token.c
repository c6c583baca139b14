/* POST /oid4vci/token (OpenID4VCI 1.0 §6, RFC 6749 §5): a pre-authorized code, with the PIN
 * (tx_code) when the offer asked for one, for an access token and a c_nonce. A code is used
 * once; SC_WALLET_MAX_ATTEMPTS wrong PINs use it up; tries per client are counted. The answer
 * is never cached, and no code, PIN or token is written anywhere but the registry's hashes. */
#include "service/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#define PRE_AUTHORIZED "urn:ietf:params:oauth:grant-type:pre-authorized_code"
#define FORM_TYPE "application/x-www-form-urlencoded"

/* The value of name in an application/x-www-form-urlencoded body, decoded ('+' is a space),
 * into out; false when absent, malformed or longer than size - 1. */
static bool form_value(const uint8_t *body, size_t len, const char *name, char *out, size_t size) {
  size_t name_len = strlen(name), i = 0;
  while (i < len) {
    size_t end = i;
    while (end < len && body[end] != '&')
      end++;
    if (end - i > name_len && memcmp(body + i, name, name_len) == 0 && body[i + name_len] == '=') {
      size_t o = 0;
      for (size_t p = i + name_len + 1; p < end; p++) {
        int c = body[p];
        if (c == '%') {
          int hi = p + 2 < end ? sc_hex_digit(body[p + 1]) : -1;
          int lo = hi >= 0 ? sc_hex_digit(body[p + 2]) : -1;
          if (lo < 0)
            return false;
          c = hi * 16 + lo;
          p += 2;
        } else if (c == '+') {
          c = ' ';
        }
        if (c == 0 || o + 1 >= size)
          return false;
        out[o++] = (char)c;
      }
      out[o] = 0;
      return true;
    }
    i = end + 1;
  }
  return false;
}

typedef struct token_ctx {
  const char *code, *pin;
  int64_t now;
  sc_wallet_secret offer;
  bool found, pin_ok, won;
  char token[SC_WALLET_SECRET_SIZE], nonce[SC_WALLET_SECRET_SIZE];
} token_ctx;

static bool pin_matches(const token_ctx *t, sc_error *err) {
  if (!t->offer.tx_code_hash[0])
    return true; /* the offer asked for none */
  char hash[72];
  if (!t->pin || sc_wallet_pin_hash(t->code, t->pin, hash, err) != SC_OK)
    return false;
  return CRYPTO_memcmp(hash, t->offer.tx_code_hash, 64) == 0;
}

/* One registry visit: read the offer, check the PIN (counting a wrong one), use the code up,
 * and record the access token and c_nonce it buys. */
static int redeem(void *p, sc_registry *reg, sc_error *err) {
  token_ctx *t = p;
  int rc = sc_registry_wallet_get(reg, t->code, SC_WALLET_OFFER, &t->offer, &t->found, err);
  if (rc != SC_OK || !t->found || t->offer.used || t->offer.expires_at <= t->now)
    return rc;
  if (!(t->pin_ok = pin_matches(t, err)))
    return sc_registry_wallet_failed(reg, t->code, SC_WALLET_OFFER, err);
  rc = sc_registry_begin(reg, err);
  if (rc != SC_OK)
    return rc;
  rc = sc_registry_wallet_use(reg, t->code, SC_WALLET_OFFER, t->now, &t->won, err);
  sc_wallet_secret token = {.kind = SC_WALLET_TOKEN, .expires_at = t->now + SC_WALLET_TOKEN_TTL};
  sc_wallet_secret nonce = {.kind = SC_WALLET_NONCE, .expires_at = t->now + SC_WALLET_TOKEN_TTL};
  snprintf(token.credential, sizeof token.credential, "%s", t->offer.credential);
  snprintf(nonce.credential, sizeof nonce.credential, "%s", t->offer.credential);
  if (rc == SC_OK && t->won)
    rc = sc_wallet_secret_new(t->token, err);
  if (rc == SC_OK && t->won)
    rc = sc_wallet_secret_new(t->nonce, err);
  if (rc == SC_OK && t->won)
    rc = sc_registry_wallet_put(reg, t->token, &token, err);
  if (rc == SC_OK && t->won)
    rc = sc_registry_wallet_put(reg, t->nonce, &nonce, err);
  if (rc == SC_OK)
    return sc_registry_commit(reg, err);
  sc_registry_rollback(reg);
  return rc;
}

static bool form_type(const sc_http_request *req) {
  return req->content_type && strncasecmp(req->content_type, FORM_TYPE, strlen(FORM_TYPE)) == 0;
}

static void token_answer(const sc_http_config *cfg, const sc_http_request *req,
                         sc_http_response *res) {
  char grant[128], code[SC_WALLET_SECRET_SIZE + 1], pin[16];
  token_ctx t = {.now = req->now};
  sc_error err = {0};
  if (!form_type(req) || !req->body ||
      !form_value(req->body, req->body_len, "grant_type", grant, sizeof grant)) {
    http_oauth_error(res, 400, "invalid_request",
                     "expected an application/x-www-form-urlencoded body with grant_type");
    return;
  }
  if (strcmp(grant, PRE_AUTHORIZED) != 0) {
    http_oauth_error(res, 400, "unsupported_grant_type",
                     "only the pre-authorized code grant is supported");
    return;
  }
  if (!form_value(req->body, req->body_len, "pre-authorized_code", code, sizeof code)) {
    http_oauth_error(res, 400, "invalid_request", "pre-authorized_code is missing");
    return;
  }
  t.code = code;
  t.pin = form_value(req->body, req->body_len, "tx_code", pin, sizeof pin) ? pin : NULL;
  int rc = http_wallet_locked(cfg, false, redeem, &t, &err);
  if (rc != SC_OK)
    http_oauth_error(res, 503, "temporarily_unavailable", "try again later");
  else if (!t.found || t.offer.used || t.offer.expires_at <= req->now || (t.pin_ok && !t.won))
    http_oauth_error(res, 400, "invalid_grant",
                     "the pre-authorized code is unknown, used or expired");
  else if (!t.pin_ok)
    http_oauth_error(res, 400, "invalid_grant", "the tx_code (PIN) is wrong or missing");
  else
    http_answer_json(res, 200,
                     json_pack("{s:s, s:s, s:i, s:s, s:i}", "access_token", t.token, "token_type",
                               "Bearer", "expires_in", SC_WALLET_TOKEN_TTL, "c_nonce", t.nonce,
                               "c_nonce_expires_in", SC_WALLET_TOKEN_TTL));
  OPENSSL_cleanse(code, sizeof code);
  OPENSSL_cleanse(pin, sizeof pin);
  OPENSSL_cleanse(t.token, sizeof t.token);
}

void http_oid4vci_token(const sc_http_config *cfg, const sc_http_request *req,
                        sc_http_response *res) {
  http_oid4vci_limited(cfg, req, res, token_answer);
}
