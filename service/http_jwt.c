/* The OpenID4VCI proof of possession (OpenID4VCI 1.0 Appendix F.1, "jwt" proof type): a
 * compact JWS the wallet signs with the key its credential will be bound to. Only what skillcert
 * takes is accepted: typ "openid4vci-proof+jwt", alg EdDSA (Ed25519), kid a did:key
 * verification method, aud the credential issuer, a fresh iat and a nonce; the caller checks
 * the nonce against the ones it handed out. Small on purpose: base64url, the strict JSON
 * parser and one Ed25519 verification, no general JOSE library. */
#include "service/http_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PROOF_TYP "openid4vci-proof+jwt"
#define MAX_JWT_BYTES 8192
#define IAT_PAST_SECONDS 300  /* a proof signed up to five minutes ago */
#define IAT_FUTURE_SECONDS 60 /* clocks a minute ahead of ours */

/* Part i (0 header, 1 payload) of jwt decoded as a strict JSON object. */
static int decode_part(const char *part, size_t len, const char *name, json_t **out,
                       sc_error *err) {
  sc_buf raw = {0};
  int rc = sc_base64url_decode(part, len, &raw, err);
  if (rc != SC_OK) {
    sc_buf_free(&raw);
    return sc_fail(err, SC_EINVALID, "proof: the JWT %s is not base64url", name);
  }
  rc = sc_json_parse(raw.data ? (const char *)raw.data : "", raw.len, name, out, err);
  sc_buf_free(&raw);
  if (rc != SC_OK || !json_is_object(*out)) {
    json_decref(*out);
    *out = NULL;
    return sc_fail(err, SC_EINVALID, "proof: the JWT %s is not a JSON object", name);
  }
  return SC_OK;
}

static const char *member(const json_t *object, const char *key) {
  return json_string_value(json_object_get(object, key));
}

/* The header: typ, alg, and the key by kid alone (a jwk or x5c beside it would be a second,
 * unchecked key). */
static int check_header(const json_t *header, http_proof *out, uint8_t pub[32], sc_error *err) {
  const char *typ = member(header, "typ"), *alg = member(header, "alg");
  const char *kid = member(header, "kid");
  if (!typ || strcmp(typ, PROOF_TYP) != 0)
    return sc_fail(err, SC_EINVALID, "proof: the JWT header's typ must be \"%s\"", PROOF_TYP);
  if (!alg || strcmp(alg, "EdDSA") != 0)
    return sc_fail(err, SC_EINVALID, "proof: the JWT header's alg must be \"EdDSA\"");
  if (json_object_get(header, "jwk") || json_object_get(header, "x5c"))
    return sc_fail(err, SC_EINVALID, "proof: the JWT header names its key by kid only");
  if (!kid || strncmp(kid, "did:key:", 8) != 0 || !strchr(kid, '#'))
    return sc_fail(err, SC_EINVALID,
                   "proof: the JWT header's kid must be a did:key verification method");
  sc_error why = {0};
  if (sc_did_key_resolve_vm(kid, pub, out->did, sizeof out->did, &why) != SC_OK)
    return sc_fail(err, SC_EINVALID, "proof: kid: %s", why.message);
  return SC_OK;
}

static int check_payload(const json_t *payload, const char *audience, int64_t now, http_proof *out,
                         sc_error *err) {
  const json_t *aud = json_object_get(payload, "aud");
  bool aud_ok = json_is_string(aud) ? strcmp(json_string_value(aud), audience) == 0
                                    : json_is_array(aud) && sc_json_has_string(aud, audience);
  if (!aud_ok)
    return sc_fail(err, SC_EINVALID, "proof: the JWT's aud must be the credential issuer %s",
                   audience);
  const json_t *iat = json_object_get(payload, "iat");
  double at = json_number_value(iat);
  if (!json_is_number(iat) || !isfinite(at) || at < (double)(now - IAT_PAST_SECONDS) ||
      at > (double)(now + IAT_FUTURE_SECONDS))
    return sc_fail(err, SC_EINVALID, "proof: the JWT's iat is missing or not recent");
  const char *nonce = member(payload, "nonce");
  if (!nonce || !*nonce || strlen(nonce) >= sizeof out->nonce)
    return sc_fail(err, SC_EINVALID, "proof: the JWT has no nonce (the c_nonce given)");
  snprintf(out->nonce, sizeof out->nonce, "%s", nonce);
  return SC_OK;
}

int http_proof_jwt_check(const char *jwt, const char *audience, int64_t now, http_proof *out,
                         sc_error *err) {
  memset(out, 0, sizeof *out);
  size_t len = jwt ? strlen(jwt) : 0;
  const char *dot1 = jwt ? strchr(jwt, '.') : NULL;
  const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
  if (!jwt || len > MAX_JWT_BYTES || !dot1 || !dot2 || strchr(dot2 + 1, '.'))
    return sc_fail(err, SC_EINVALID, "proof: expected a compact JWT (three parts)");
  json_t *header = NULL, *payload = NULL;
  uint8_t pub[32];
  sc_buf sig = {0};
  int rc = decode_part(jwt, (size_t)(dot1 - jwt), "header", &header, err);
  if (rc == SC_OK)
    rc = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1), "payload", &payload, err);
  if (rc == SC_OK)
    rc = check_header(header, out, pub, err);
  if (rc == SC_OK && sc_base64url_decode(dot2 + 1, strlen(dot2 + 1), &sig, err) != SC_OK)
    rc = sc_fail(err, SC_EINVALID, "proof: the JWT signature is not base64url");
  /* the signature first: nothing of an unsigned payload is believed */
  if (rc == SC_OK && sc_ed25519_verify(pub, (const uint8_t *)jwt, (size_t)(dot2 - jwt), sig.data,
                                       sig.len, err) != SC_OK)
    rc = sc_fail(err, SC_EINVALID, "proof: the JWT signature does not verify with kid's key");
  if (rc == SC_OK)
    rc = check_payload(payload, audience, now, out, err);
  sc_buf_free(&sig);
  json_decref(header);
  json_decref(payload);
  return rc;
}
