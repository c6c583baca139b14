/* The two ways a credential goes into a wallet, made ready for one credential
 * (docs/wallets.md): a VC-API exchange for the Learner Credential Wallet (its deep link carries
 * the exchange's URL and a challenge) and an OpenID4VCI credential offer with a pre-authorized
 * code (and, when asked, a PIN the learner gets separately). Only hashes of the secrets are
 * recorded; the links holding them are returned, never logged. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#define OFFER_CONFIGURATION "OpenBadgeCredential_ldp_vc" /* http_oid4vci_metadata.c's */

static char *take_string(sc_buf *b) {
  if (!sc_buf_append(b, "", 1)) {
    sc_buf_free(b);
    return NULL;
  }
  return (char *)b->data; /* the buffer's bytes become the string */
}

/* <prefix>issuer=…&auth_type=bearer&challenge=…&vc_request_url=<base>/exchanges/<id> */
static char *lcw_link(const char *prefix, const sc_wallet_offer_options *o, const char *exchange,
                      const char *challenge) {
  sc_buf b = {0}, url = {0};
  bool ok = sc_buf_append_str(&url, o->base_url) && sc_buf_append_str(&url, "/exchanges/") &&
            sc_buf_append_str(&url, exchange) && sc_buf_append(&url, "", 1) &&
            sc_buf_append_str(&b, prefix) && sc_buf_append_str(&b, "issuer=") &&
            sc_buf_append_url_encoded(&b, o->issuer_name ? o->issuer_name : o->base_url) &&
            sc_buf_append_str(&b, "&auth_type=bearer&challenge=") &&
            sc_buf_append_url_encoded(&b, challenge) && sc_buf_append_str(&b, "&vc_request_url=") &&
            sc_buf_append_url_encoded(&b, (const char *)url.data);
  sc_buf_free(&url);
  if (!ok) {
    sc_buf_free(&b);
    return NULL;
  }
  return take_string(&b);
}

/* openid-credential-offer://?credential_offer=<the offer object, URL-encoded> (OpenID4VCI 1.0
 * §4.1): by value, so a wallet needs no further request to read it. pin_len 0: no PIN. */
static char *offer_uri(const sc_wallet_offer_options *o, const char *code, size_t pin_len) {
  json_t *grant = json_pack("{s:s}", "pre-authorized_code", code);
  if (grant && pin_len)
    json_object_set_new(grant, "tx_code",
                        json_pack("{s:s, s:i, s:s}", "input_mode", "numeric", "length",
                                  (int)pin_len, "description",
                                  "The PIN you were given with this offer"));
  json_t *offer = grant ? json_pack("{s:s, s:[s], s:{s:o}}", "credential_issuer", o->base_url,
                                    "credential_configuration_ids", OFFER_CONFIGURATION, "grants",
                                    "urn:ietf:params:oauth:grant-type:pre-authorized_code", grant)
                        : NULL;
  char *text = offer ? json_dumps(offer, JSON_COMPACT) : NULL;
  json_decref(offer);
  if (!text)
    return NULL;
  sc_buf b = {0};
  bool ok = sc_buf_append_str(&b, "openid-credential-offer://?credential_offer=") &&
            sc_buf_append_url_encoded(&b, text);
  free(text);
  if (!ok) {
    sc_buf_free(&b);
    return NULL;
  }
  return take_string(&b);
}

static int make_pin(const sc_wallet_offer_options *o, char pin[8], sc_error *err) {
  if (o->pin_value) {
    size_t n = strlen(o->pin_value);
    if (n < 4 || n > 7 || strspn(o->pin_value, "0123456789") != n)
      return sc_fail(err, SC_EUSAGE, "PIN: expected 4 to 7 digits");
    memcpy(pin, o->pin_value, n + 1);
    return SC_OK;
  }
  uint8_t random[6];
  int rc = sc_random_bytes(random, sizeof random, err);
  for (size_t i = 0; rc == SC_OK && i < 6; i++)
    pin[i] = (char)('0' + random[i] % 10); /* a bias of 6/256 per digit: harmless for a PIN that
                                              is tried at most SC_WALLET_MAX_ATTEMPTS times */
  pin[6] = 0;
  return rc;
}

/* The credential must exist and be active: a revoked one is not delivered anywhere. */
static int check_credential(sc_registry *reg, const char *id, char urn[128], sc_error *err) {
  json_t *row = NULL;
  int rc = sc_registry_get(reg, id, &row, err);
  if (rc != SC_OK)
    return rc;
  const char *status = json_string_value(json_object_get(row, "status"));
  const char *stored = json_string_value(json_object_get(row, "id"));
  if (!row)
    rc = sc_fail(err, SC_EDATA, "no credential %s in the registry", id);
  else if (!status || strcmp(status, "active") != 0)
    rc = sc_fail(err, SC_EDATA, "%s is %s: only an active credential goes into a wallet", stored,
                 status ? status : "in an unknown state");
  else
    snprintf(urn, 128, "%s", stored);
  json_decref(row);
  return rc;
}

int sc_wallet_offer_create(sc_registry *reg, const char *credential_id,
                           const sc_wallet_offer_options *opts, sc_wallet_offer *out,
                           sc_error *err) {
  memset(out, 0, sizeof *out);
  if (!opts->base_url || !*opts->base_url)
    return sc_fail(err, SC_EUSAGE, "the service's base URL is needed for a wallet offer");
  char urn[128], exchange[SC_WALLET_SECRET_SIZE], code[SC_WALLET_SECRET_SIZE];
  sc_wallet_secret ex = {.kind = SC_WALLET_EXCHANGE}, of = {.kind = SC_WALLET_OFFER};
  int64_t ttl = opts->ttl > 0 ? opts->ttl : SC_WALLET_OFFER_TTL;
  int rc = check_credential(reg, credential_id, urn, err);
  if (rc == SC_OK && opts->pin)
    rc = make_pin(opts, out->pin, err);
  if (rc == SC_OK)
    rc = sc_wallet_secret_new(exchange, err);
  if (rc == SC_OK)
    rc = sc_wallet_secret_new(ex.challenge, err);
  if (rc == SC_OK)
    rc = sc_wallet_secret_new(code, err);
  if (rc == SC_OK && out->pin[0])
    rc = sc_wallet_pin_hash(code, out->pin, of.tx_code_hash, err);
  snprintf(ex.credential, sizeof ex.credential, "%s", urn);
  snprintf(of.credential, sizeof of.credential, "%s", urn);
  ex.expires_at = of.expires_at = out->expires_at = opts->now + ttl;
  if (rc == SC_OK)
    rc = sc_registry_begin(reg, err);
  if (rc == SC_OK) {
    rc = sc_registry_wallet_purge(reg, opts->now, err);
    if (rc == SC_OK)
      rc = sc_registry_wallet_put(reg, exchange, &ex, err);
    if (rc == SC_OK)
      rc = sc_registry_wallet_put(reg, code, &of, err);
    if (rc == SC_OK)
      rc = sc_registry_commit(reg, err);
    else
      sc_registry_rollback(reg);
  }
  if (rc == SC_OK) {
    out->lcw_link = lcw_link("https://lcw.app/request.html?", opts, exchange, ex.challenge);
    out->lcw_deep_link = lcw_link("dccrequest://request?", opts, exchange, ex.challenge);
    out->offer_uri = offer_uri(opts, code, strlen(out->pin));
    if (!out->lcw_link || !out->lcw_deep_link || !out->offer_uri)
      rc = sc_oom(err);
  }
  OPENSSL_cleanse(exchange, sizeof exchange);
  OPENSSL_cleanse(code, sizeof code);
  if (rc != SC_OK)
    sc_wallet_offer_free(out);
  return rc;
}

void sc_wallet_offer_free(sc_wallet_offer *offer) {
  free(offer->lcw_link);
  free(offer->lcw_deep_link);
  free(offer->offer_uri);
  memset(offer, 0, sizeof *offer);
}
