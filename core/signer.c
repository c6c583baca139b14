/* How a key signs. Three engines behind one sc_signer:
 * - a key held elsewhere (a PKCS#11 token, keys/pkcs11.c) signs through the function attached
 *   to its EVP_PKEY;
 * - a key held in memory signs with libsodium's crypto_sign_detached: Ed25519 signing is
 *   deterministic (RFC 8032 5.1.6), so its signature is byte for byte the one OpenSSL makes,
 *   in less than half the time (docs/benchmarks.md, "JSON batches, sixth pass"). Signing is
 *   most of an issuance's CPU. The 64-byte secret (seed and public key) lives in OpenSSL's
 *   secure heap like the key itself: locked, left out of core dumps, wiped when freed;
 * - OpenSSL's EVP_DigestSign, when libsodium cannot start or the key will not give up its
 *   seed (a provider's key).
 * Verification never comes here: crypto.c decides every signature's validity with OpenSSL. */
#include "core/core.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- keys that sign elsewhere
 *
 * A key held in a token (keys/pkcs11.c) reaches OpenSSL as its public half only; the way to
 * sign with it rides along in the EVP_PKEY's ex_data, so that every caller that hands a key
 * around (issue, batch, publish, serve) works unchanged. */

typedef struct external_signer {
  sc_external_sign_fn sign;
  void *ctx;
  void (*release)(void *ctx);
} external_signer;

static int external_index = -1;
static pthread_once_t external_once = PTHREAD_ONCE_INIT;

/* Called by OpenSSL when the key is freed (its last reference). */
static void external_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                          void *argp) {
  (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
  external_signer *ext = ptr;
  if (ext && ext->release)
    ext->release(ext->ctx);
  free(ext);
}

static void make_external_index(void) {
  external_index = EVP_PKEY_get_ex_new_index(0, NULL, NULL, NULL, external_free);
}

static external_signer *external_of(const EVP_PKEY *key) {
  pthread_once(&external_once, make_external_index);
  return external_index < 0 ? NULL : EVP_PKEY_get_ex_data(key, external_index);
}

int sc_ed25519_attach_signer(EVP_PKEY *key, sc_external_sign_fn sign, void *ctx,
                             void (*release)(void *ctx), sc_error *err) {
  pthread_once(&external_once, make_external_index);
  external_signer *ext = calloc(1, sizeof *ext);
  if (!ext)
    return sc_oom(err);
  *ext = (external_signer){sign, ctx, release};
  if (external_index < 0 || EVP_PKEY_set_ex_data(key, external_index, ext) != 1) {
    free(ext);
    return sc_openssl_fail(err, SC_ESOFTWARE, "cannot attach a signer to the key");
  }
  return SC_OK;
}

bool sc_ed25519_signs_elsewhere(const EVP_PKEY *key) {
  return key && external_of(key) != NULL;
}

/* ---------------------------------------------------------------- a signer
 *
 * The key, and the engine set up for it once: OpenSSL 3's per-call setup (context allocation,
 * algorithm fetch, key export to the provider) is ~5 % of an Ed25519 signature; libsodium's
 * secret is expanded from the seed once. A key that signs elsewhere has neither: ext does the
 * work. */
struct sc_signer {
  EVP_PKEY *key;
  external_signer *ext;
  uint8_t *sodium_secret; /* crypto_sign_SECRETKEYBYTES, in the secure heap; or NULL */
  EVP_MD_CTX *ctx;        /* OpenSSL's engine, when libsodium's is not set up */
};

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static bool sodium_ready;

static void start_sodium(void) {
  sodium_ready = sodium_init() >= 0;
}

/* libsodium's secret for key: its seed expanded, checked against the key's public half. False
 * (and nothing kept) when libsodium cannot start, the key's seed cannot be read, or the two
 * libraries disagree on the public key. */
static bool sodium_setup(sc_signer *signer) {
  pthread_once(&sodium_once, start_sodium);
  uint8_t *seed = OPENSSL_secure_malloc(crypto_sign_SEEDBYTES);
  uint8_t *secret = OPENSSL_secure_malloc(crypto_sign_SECRETKEYBYTES);
  uint8_t pub[crypto_sign_PUBLICKEYBYTES], want[SC_ED25519_PUBLIC_BYTES];
  size_t seed_len = crypto_sign_SEEDBYTES, want_len = sizeof want;
  bool ok = sodium_ready && seed && secret &&
            EVP_PKEY_get_raw_private_key(signer->key, seed, &seed_len) == 1 &&
            seed_len == crypto_sign_SEEDBYTES &&
            EVP_PKEY_get_raw_public_key(signer->key, want, &want_len) == 1 &&
            want_len == sizeof want && crypto_sign_seed_keypair(pub, secret, seed) == 0 &&
            memcmp(pub, want, sizeof want) == 0;
  ERR_clear_error(); /* a key that will not export its seed is not an error: OpenSSL signs */
  OPENSSL_secure_clear_free(seed, crypto_sign_SEEDBYTES);
  if (!ok) {
    OPENSSL_secure_clear_free(secret, crypto_sign_SECRETKEYBYTES);
    return false;
  }
  signer->sodium_secret = secret;
  return true;
}

/* Ed25519 is one-shot: no message digest (NULL md), the whole message at once. */
static bool openssl_setup(sc_signer *signer) {
  if (!signer->ctx && !(signer->ctx = EVP_MD_CTX_new()))
    return false;
  EVP_MD_CTX_reset(signer->ctx);
  return EVP_DigestSignInit(signer->ctx, NULL, NULL, NULL, signer->key) == 1;
}

static sc_signer *signer_new(EVP_PKEY *key, bool sodium, sc_error *err) {
  if (!key || !sc_is_ed25519(key)) {
    sc_fail(err, SC_EUSAGE, "the signing key is not an Ed25519 key");
    return NULL;
  }
  sc_signer *signer = calloc(1, sizeof *signer);
  if (!signer) {
    sc_oom(err);
    return NULL;
  }
  if (EVP_PKEY_up_ref(key) != 1) {
    free(signer);
    sc_openssl_fail(err, SC_ESOFTWARE, "cannot hold the signing key");
    return NULL;
  }
  signer->key = key;
  signer->ext = external_of(key);
  if (signer->ext || (sodium && sodium_setup(signer)))
    return signer;
  if (!openssl_setup(signer)) {
    sc_signer_free(signer);
    sc_openssl_fail(err, SC_ESOFTWARE, "cannot set up Ed25519 signing");
    return NULL;
  }
  return signer;
}

sc_signer *sc_signer_new(EVP_PKEY *key, sc_error *err) {
  return signer_new(key, true, err);
}

sc_signer *sc_signer_new_openssl(EVP_PKEY *key, sc_error *err) {
  return signer_new(key, false, err);
}

const char *sc_signer_engine(const sc_signer *signer) {
  return signer->ext ? "external" : signer->sodium_secret ? "libsodium" : "openssl";
}

void sc_signer_free(sc_signer *signer) {
  if (!signer)
    return;
  OPENSSL_secure_clear_free(signer->sodium_secret, crypto_sign_SECRETKEYBYTES);
  EVP_MD_CTX_free(signer->ctx);
  EVP_PKEY_free(signer->key);
  free(signer);
}

static bool openssl_sign(sc_signer *signer, const uint8_t *msg, size_t len,
                         uint8_t sig[SC_ED25519_SIGNATURE_BYTES]) {
  size_t sig_len = SC_ED25519_SIGNATURE_BYTES;
  return EVP_DigestSign(signer->ctx, sig, &sig_len, msg, len) == 1 &&
         sig_len == SC_ED25519_SIGNATURE_BYTES;
}

int sc_signer_sign(sc_signer *signer, const uint8_t *msg, size_t len,
                   uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err) {
  if (signer->ext)
    return signer->ext->sign(signer->ext->ctx, msg, len, sig, err);
  if (signer->sodium_secret) /* fails only for a message over crypto_sign_MESSAGEBYTES_MAX */
    return crypto_sign_detached(sig, NULL, msg, len, signer->sodium_secret) == 0
               ? SC_OK
               : sc_fail(err, SC_ESOFTWARE, "Ed25519 signing failed (libsodium)");
  if (openssl_sign(signer, msg, len, sig))
    return SC_OK;
  /* OpenSSL 3.0 lets a one-shot context sign again; should a later version refuse, set the
   * context up afresh and try once more. */
  ERR_clear_error();
  if (openssl_setup(signer) && openssl_sign(signer, msg, len, sig))
    return SC_OK;
  return sc_openssl_fail(err, SC_ESOFTWARE, "Ed25519 signing failed");
}

int sc_ed25519_sign(EVP_PKEY *key, const uint8_t *msg, size_t len,
                    uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err) {
  if (!key || !sc_is_ed25519(key))
    return sc_fail(err, SC_EUSAGE, "the signing key is not an Ed25519 key");
  /* One signature: libsodium's setup (the seed expanded, a scalar multiplication) would cost
   * about what the signature costs, so OpenSSL signs it (or the token). */
  sc_signer *signer = sc_signer_new_openssl(key, err);
  if (!signer)
    return err ? err->code : SC_ESOFTWARE;
  int rc = sc_signer_sign(signer, msg, len, sig, err);
  sc_signer_free(signer);
  return rc;
}

