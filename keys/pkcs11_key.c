/*
 * An Ed25519 key in a PKCS#11 token: found by the URI's object (CKA_LABEL) and id (CKA_ID),
 * made there (C_GenerateKeyPair, CKM_EC_EDWARDS_KEY_PAIR_GEN) or imported into it
 * (C_CreateObject), and signing there (CKM_EDDSA). The private key never leaves the token:
 * OpenSSL gets the public half, with this file's signer attached (core's
 * sc_ed25519_attach_signer), so issuing, batches, publishing and serving use it unchanged.
 *
 * Signing from several threads (batch workers): each signature borrows a session from a
 * small pool, opening one when none is idle, so that threads sign in parallel when the token
 * can (SoftHSM2 can; the login holds for every session of the process). A single session
 * behind a mutex would serialise them; bench/bench_pkcs11.c measures both.
 */
#include "keys/pkcs11_internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define POOL_MAX 16 /* idle sessions kept; more threads than this open and close their own */

typedef struct p11_key {
  p11_token token;
  CK_OBJECT_HANDLE private_key;
  pthread_mutex_t lock; /* guards idle */
  CK_SESSION_HANDLE idle[POOL_MAX];
  size_t idle_count;
} p11_key;

/* CKA_EC_PARAMS for Ed25519: the DER of OID 1.3.101.112 (RFC 8410), and the PKCS#11 3.0
 * printable-string form, for tokens that know only one of them. */
static const CK_BYTE ed25519_oid[] = {0x06, 0x03, 0x2b, 0x65, 0x70};
static const CK_BYTE ed25519_name[] = {0x13, 0x0c, 'e', 'd', 'w', 'a', 'r',
                                       'd',  's',  '2', '5', '5', '1', '9'};

/* ---------------------------------------------------------------- finding objects */

/* The URI's object= and id= as template entries (borrowed from the URI); how many. */
static CK_ULONG naming_attributes(const p11_token *token, CK_ATTRIBUTE out[2]) {
  CK_ULONG n = 0;
  CK_ATTRIBUTE *label = p11_kit_uri_get_attribute(token->uri, CKA_LABEL);
  CK_ATTRIBUTE *id = p11_kit_uri_get_attribute(token->uri, CKA_ID);
  if (label)
    out[n++] = *label;
  if (id)
    out[n++] = *id;
  return n;
}

/* Up to 2 handles of Ed25519 objects of class klass that the URI names; *count how many. */
static int find_objects(const p11_token *token, CK_OBJECT_CLASS klass, CK_OBJECT_HANDLE found[2],
                        CK_ULONG *count, sc_error *err) {
  CK_KEY_TYPE type = CKK_EC_EDWARDS;
  CK_ATTRIBUTE templ[4] = {{CKA_CLASS, &klass, sizeof klass}, {CKA_KEY_TYPE, &type, sizeof type}};
  CK_ULONG n = 2 + naming_attributes(token, templ + 2);
  CK_FUNCTION_LIST *m = token->module;
  CK_RV rv = m->C_FindObjectsInit(token->session, templ, n);
  *count = 0;
  if (rv == CKR_OK) {
    rv = m->C_FindObjects(token->session, found, 2, count);
    m->C_FindObjectsFinal(token->session);
  }
  return rv == CKR_OK ? SC_OK : p11_fail(err, SC_EIO, token, "cannot search for the key", rv);
}

static int find_one(const p11_token *token, CK_OBJECT_CLASS klass, CK_OBJECT_HANDLE *out,
                    sc_error *err) {
  CK_OBJECT_HANDLE found[2];
  CK_ULONG count = 0;
  int rc = find_objects(token, klass, found, &count, err);
  const char *what = klass == CKO_PRIVATE_KEY ? "private" : "public";
  if (rc == SC_OK && count == 0)
    return sc_fail(err, SC_ECONFIG, "PKCS#11 token '%s': no Ed25519 %s key matches the key URI",
                   token->label, what);
  if (rc == SC_OK && count > 1)
    return sc_fail(err, SC_ECONFIG,
                   "PKCS#11 token '%s': several Ed25519 %s keys match the key URI; name one "
                   "with id=",
                   token->label, what);
  *out = found[0];
  return rc;
}

/* CKA_EC_POINT: the DER OCTET STRING of the 32 bytes (PKCS#11 3.0), or the bare 32 bytes. */
static int read_public(const p11_token *token, CK_OBJECT_HANDLE object,
                       uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err) {
  CK_BYTE point[64];
  CK_ATTRIBUTE attr = {CKA_EC_POINT, point, sizeof point};
  CK_RV rv = token->module->C_GetAttributeValue(token->session, object, &attr, 1);
  if (rv != CKR_OK)
    return p11_fail(err, SC_EIO, token, "cannot read the public key", rv);
  const CK_BYTE *raw = point;
  if (attr.ulValueLen == 34 && point[0] == 0x04 && point[1] == 32)
    raw = point + 2;
  else if (attr.ulValueLen != 32)
    return sc_fail(err, SC_EDATA,
                   "PKCS#11 token '%s': the public key's CKA_EC_POINT is %lu bytes, not an "
                   "Ed25519 point",
                   token->label, (unsigned long)attr.ulValueLen);
  memcpy(pub, raw, SC_ED25519_PUBLIC_BYTES);
  return SC_OK;
}

/* ---------------------------------------------------------------- signing */

static int take_session(p11_key *key, CK_SESSION_HANDLE *session, sc_error *err) {
  pthread_mutex_lock(&key->lock);
  bool pooled = key->idle_count > 0;
  if (pooled)
    *session = key->idle[--key->idle_count];
  pthread_mutex_unlock(&key->lock);
  if (pooled)
    return SC_OK;
  CK_RV rv =
      key->token.module->C_OpenSession(key->token.slot, CKF_SERIAL_SESSION, NULL, NULL, session);
  return rv == CKR_OK ? SC_OK : p11_fail(err, SC_EIO, &key->token, "cannot open a session", rv);
}

/* A session whose operation failed may be left mid-operation: it is closed, not pooled. */
static void give_back(p11_key *key, CK_SESSION_HANDLE session, bool healthy) {
  pthread_mutex_lock(&key->lock);
  bool keep = healthy && key->idle_count < POOL_MAX;
  if (keep)
    key->idle[key->idle_count++] = session;
  pthread_mutex_unlock(&key->lock);
  if (!keep)
    key->token.module->C_CloseSession(session);
}

static int token_sign(void *ctx, const uint8_t *msg, size_t len,
                      uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err) {
  p11_key *key = ctx;
  CK_SESSION_HANDLE session;
  int rc = take_session(key, &session, err);
  if (rc != SC_OK)
    return rc;
  CK_FUNCTION_LIST *m = key->token.module;
  CK_MECHANISM eddsa = {CKM_EDDSA, NULL, 0};
  CK_ULONG sig_len = SC_ED25519_SIGNATURE_BYTES;
  CK_RV rv = m->C_SignInit(session, &eddsa, key->private_key);
  if (rv == CKR_OK)
    rv = m->C_Sign(session, (CK_BYTE *)msg, len, sig, &sig_len);
  give_back(key, session, rv == CKR_OK);
  if (rv != CKR_OK)
    return p11_fail(err, SC_ESOFTWARE, &key->token, "Ed25519 signing failed", rv);
  if (sig_len != SC_ED25519_SIGNATURE_BYTES)
    return sc_fail(err, SC_ESOFTWARE, "PKCS#11 token '%s': a %lu-byte signature, not Ed25519's 64",
                   key->token.label, (unsigned long)sig_len);
  return SC_OK;
}

static void key_release(void *ctx) {
  p11_key *key = ctx;
  if (!key)
    return;
  for (size_t i = 0; i < key->idle_count; i++)
    key->token.module->C_CloseSession(key->idle[i]);
  pthread_mutex_destroy(&key->lock);
  p11_token_close(&key->token);
  free(key);
}

/* ---------------------------------------------------------------- making keys in the token */

static int generate_with(p11_token *token, const CK_BYTE *params, CK_ULONG params_len, CK_RV *rv) {
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ATTRIBUTE pub[5] = {{CKA_TOKEN, &yes, sizeof yes},
                         {CKA_VERIFY, &yes, sizeof yes},
                         {CKA_EC_PARAMS, (void *)params, params_len}};
  /* The private key takes its CKA_EC_PARAMS from the public template: a token may refuse
   * the attribute in the private one as read-only (SoftHSM2 does). */
  CK_ATTRIBUTE priv[7] = {{CKA_TOKEN, &yes, sizeof yes},
                          {CKA_PRIVATE, &yes, sizeof yes},
                          {CKA_SENSITIVE, &yes, sizeof yes},
                          {CKA_EXTRACTABLE, &no, sizeof no},
                          {CKA_SIGN, &yes, sizeof yes}};
  CK_ULONG pub_n = 3 + naming_attributes(token, pub + 3);
  CK_ULONG priv_n = 5 + naming_attributes(token, priv + 5);
  CK_MECHANISM gen = {CKM_EC_EDWARDS_KEY_PAIR_GEN, NULL, 0};
  CK_OBJECT_HANDLE made_pub, made_priv;
  *rv = token->module->C_GenerateKeyPair(token->session, &gen, pub, pub_n, priv, priv_n, &made_pub,
                                         &made_priv);
  return *rv == CKR_OK ? SC_OK : SC_EIO;
}

/* A token that does not take one form of the curve's name may take the other. */
static bool curve_refused(CK_RV rv) {
  return rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_CURVE_NOT_SUPPORTED ||
         rv == CKR_DOMAIN_PARAMS_INVALID || rv == CKR_TEMPLATE_INCONSISTENT;
}

static int generate(p11_token *token, sc_error *err) {
  CK_RV rv = CKR_OK;
  if (generate_with(token, ed25519_oid, sizeof ed25519_oid, &rv) == SC_OK ||
      (curve_refused(rv) && generate_with(token, ed25519_name, sizeof ed25519_name, &rv) == SC_OK))
    return SC_OK;
  return p11_fail(err, SC_EIO, token, "cannot generate an Ed25519 key pair", rv);
}

static CK_RV create_public(p11_token *token, const uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                           const CK_BYTE *params, CK_ULONG params_len) {
  CK_OBJECT_CLASS klass = CKO_PUBLIC_KEY;
  CK_KEY_TYPE type = CKK_EC_EDWARDS;
  CK_BBOOL yes = CK_TRUE;
  CK_BYTE point[2 + SC_ED25519_PUBLIC_BYTES] = {0x04, SC_ED25519_PUBLIC_BYTES};
  memcpy(point + 2, pub, SC_ED25519_PUBLIC_BYTES);
  CK_ATTRIBUTE templ[8] = {{CKA_CLASS, &klass, sizeof klass},
                           {CKA_KEY_TYPE, &type, sizeof type},
                           {CKA_TOKEN, &yes, sizeof yes},
                           {CKA_VERIFY, &yes, sizeof yes},
                           {CKA_EC_PARAMS, (void *)params, params_len},
                           {CKA_EC_POINT, point, sizeof point}};
  CK_ULONG n = 6 + naming_attributes(token, templ + 6);
  CK_OBJECT_HANDLE made;
  return token->module->C_CreateObject(token->session, templ, n, &made);
}

static CK_RV create_private(p11_token *token, uint8_t *seed, const CK_BYTE *params,
                            CK_ULONG params_len, CK_OBJECT_HANDLE *made) {
  CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
  CK_KEY_TYPE type = CKK_EC_EDWARDS;
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ATTRIBUTE templ[11] = {{CKA_CLASS, &klass, sizeof klass},
                            {CKA_KEY_TYPE, &type, sizeof type},
                            {CKA_TOKEN, &yes, sizeof yes},
                            {CKA_PRIVATE, &yes, sizeof yes},
                            {CKA_SENSITIVE, &yes, sizeof yes},
                            {CKA_EXTRACTABLE, &no, sizeof no},
                            {CKA_SIGN, &yes, sizeof yes},
                            {CKA_EC_PARAMS, (void *)params, params_len},
                            {CKA_VALUE, seed, 32}};
  CK_ULONG n = 9 + naming_attributes(token, templ + 9);
  return token->module->C_CreateObject(token->session, templ, n, made);
}

/* The private key's seed (RFC 8032's 32-byte secret, what CKA_VALUE holds) in secure memory. */
static int import_pair(p11_token *token, EVP_PKEY *source, sc_error *err) {
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  int rc = sc_ed25519_public(source, pub, err);
  if (rc != SC_OK)
    return rc;
  uint8_t *seed = OPENSSL_secure_malloc(32);
  size_t seed_len = 32;
  if (!seed)
    return sc_oom(err);
  if (EVP_PKEY_get_raw_private_key(source, seed, &seed_len) != 1 || seed_len != 32) {
    OPENSSL_secure_clear_free(seed, 32);
    return sc_openssl_fail(err, SC_EDATA, "the key to import has no Ed25519 private key");
  }
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  CK_RV rv = create_private(token, seed, ed25519_oid, sizeof ed25519_oid, &private_key);
  const CK_BYTE *params = ed25519_oid;
  CK_ULONG params_len = sizeof ed25519_oid;
  if (curve_refused(rv)) {
    params = ed25519_name;
    params_len = sizeof ed25519_name;
    rv = create_private(token, seed, params, params_len, &private_key);
  }
  OPENSSL_secure_clear_free(seed, 32);
  if (rv != CKR_OK)
    return p11_fail(err, SC_EIO, token, "cannot import the private key", rv);
  rv = create_public(token, pub, params, params_len);
  if (rv == CKR_OK)
    return SC_OK;
  /* Half a pair would stop the next import under this label: take the private key out again. */
  token->module->C_DestroyObject(token->session, private_key);
  return p11_fail(err, SC_EIO, token, "cannot import the public key", rv);
}

/* ---------------------------------------------------------------- the key as OpenSSL sees it */

/* One signature, checked with the public key: a private and a public object that are not a
 * pair (an import gone wrong, a mislabelled object) would otherwise sign credentials nobody
 * can verify. */
static int check_pair(p11_key *key, EVP_PKEY *pkey, sc_error *err) {
  static const uint8_t probe[] = "skillcert: does the token's key pair match?";
  uint8_t sig[SC_ED25519_SIGNATURE_BYTES];
  int rc = token_sign(key, probe, sizeof probe, sig, err);
  if (rc == SC_OK &&
      sc_ed25519_verify_key(pkey, probe, sizeof probe, sig, sizeof sig, NULL) != SC_OK)
    rc = sc_fail(err, SC_EDATA,
                 "PKCS#11 token '%s': the private and public keys the URI names are not a pair",
                 key->token.label);
  return rc;
}

/* Wraps the opened token's key (found by the URI) as an EVP_PKEY; takes key over. */
static int wrap(p11_key *key, EVP_PKEY **out, sc_error *err) {
  CK_OBJECT_HANDLE public_key;
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  int rc = find_one(&key->token, CKO_PRIVATE_KEY, &key->private_key, err);
  if (rc == SC_OK)
    rc = find_one(&key->token, CKO_PUBLIC_KEY, &public_key, err);
  if (rc == SC_OK)
    rc = read_public(&key->token, public_key, pub, err);
  EVP_PKEY *pkey = NULL;
  if (rc == SC_OK && !(pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub)))
    rc = sc_openssl_fail(err, SC_EDATA, "the token's public key is not an Ed25519 key");
  if (rc == SC_OK)
    rc = check_pair(key, pkey, err);
  if (rc == SC_OK)
    rc = sc_ed25519_attach_signer(pkey, token_sign, key, key_release, err);
  if (rc != SC_OK) {
    EVP_PKEY_free(pkey);
    key_release(key);
    return rc;
  }
  *out = pkey;
  return SC_OK;
}

static int open_key(const char *uri, p11_key **out, sc_error *err) {
  p11_key *key = calloc(1, sizeof *key);
  if (!key)
    return sc_oom(err);
  int rc = p11_token_open(uri, &key->token, err);
  if (rc != SC_OK) {
    free(key);
    return rc;
  }
  pthread_mutex_init(&key->lock, NULL);
  *out = key;
  return SC_OK;
}

/* Does the token already hold a private key the URI names? */
static int holds_key(p11_key *key, bool *holds, sc_error *err) {
  CK_OBJECT_HANDLE found[2];
  CK_ULONG count = 0;
  int rc = find_objects(&key->token, CKO_PRIVATE_KEY, found, &count, err);
  *holds = count > 0;
  return rc;
}

bool sc_pkcs11_is_uri(const char *ref) {
  return ref && strncmp(ref, "pkcs11:", 7) == 0;
}

int sc_pkcs11_key_open(const char *uri, EVP_PKEY **out, sc_error *err) {
  *out = NULL;
  p11_key *key = NULL;
  int rc = open_key(uri, &key, err);
  return rc == SC_OK ? wrap(key, out, err) : rc;
}

int sc_pkcs11_key_make(const char *uri, EVP_PKEY *import, EVP_PKEY **out, bool *made,
                       sc_error *err) {
  *out = NULL;
  *made = false;
  p11_key *key = NULL;
  bool holds = false;
  int rc = open_key(uri, &key, err);
  if (rc != SC_OK)
    return rc;
  rc = holds_key(key, &holds, err);
  if (rc == SC_OK && holds && import)
    rc = sc_fail(err, SC_ECANTCREAT,
                 "PKCS#11 token '%s' already holds a key the URI names; not importing over it "
                 "(give another object= label)",
                 key->token.label);
  if (rc == SC_OK && !holds)
    rc = import ? import_pair(&key->token, import, err) : generate(&key->token, err);
  if (rc != SC_OK) {
    key_release(key);
    return rc;
  }
  *made = !holds;
  return wrap(key, out, err);
}
