/* SHA-256, Ed25519 keys and verification, and randomness, all through OpenSSL's EVP interface.
 * Ed25519 edge cases (non-canonical encodings, small-order points) are decided by OpenSSL alone:
 * every verification goes through here. Signing is in signer.c. */
#include "core/core.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>

/* OpenSSL does not always say that an allocation failed: an Ed25519 verification that could
 * not allocate its SHA-512 context answers "does not verify". Its allocations go through here
 * so that a verdict can be told from a lack of memory. */
static _Thread_local bool crypto_allocation_failed;

static void *crypto_malloc(size_t size, const char *file, int line) {
  (void)file, (void)line;
  void *p = malloc(size);
  crypto_allocation_failed = crypto_allocation_failed || !p;
  if (!p)
    sc_alloc_note_failure();
  return p;
}

static void *crypto_realloc(void *old, size_t size, const char *file, int line) {
  (void)file, (void)line;
  void *p = realloc(old, size);
  crypto_allocation_failed = crypto_allocation_failed || (!p && size);
  if (!p && size)
    sc_alloc_note_failure();
  return p;
}

static void crypto_free(void *p, const char *file, int line) {
  (void)file, (void)line;
  free(p);
}

/* Before main: OpenSSL takes new functions only before its first allocation. */
__attribute__((constructor)) static void use_crypto_allocation(void) {
  CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free);
}

/* OpenSSL's error queue is per thread; leaving stale entries would confuse later callers. */
int sc_openssl_fail(sc_error *err, int code, const char *what) {
  unsigned long e = ERR_peek_last_error();
  bool out_of_memory = false; /* whatever else failed after it */
  for (unsigned long each; (each = ERR_get_error()) != 0;)
    out_of_memory = out_of_memory || ERR_GET_REASON(each) == ERR_R_MALLOC_FAILURE;
  if (out_of_memory)
    return sc_fail(err, SC_ESOFTWARE, "%s: out of memory", what);
  char detail[256] = "no detail";
  if (e)
    ERR_error_string_n(e, detail, sizeof detail);
  ERR_clear_error();
  return sc_fail(err, code, "%s (OpenSSL: %s)", what, detail);
}

/* SHA-256 and SHA-384 fetched from OpenSSL's providers once: with EVP_sha256() every
 * EVP_Digest fetches the algorithm again, which costs more than hashing a short line. */
static EVP_MD *fetched_sha256, *fetched_sha384;
static pthread_once_t digests_once = PTHREAD_ONCE_INIT;

static void fetch_digests(void) {
  fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
  fetched_sha384 = EVP_MD_fetch(NULL, "SHA384", NULL);
}

const EVP_MD *sc_md_sha256(void) {
  pthread_once(&digests_once, fetch_digests);
  return fetched_sha256 ? fetched_sha256 : EVP_sha256();
}

const EVP_MD *sc_md_sha384(void) {
  pthread_once(&digests_once, fetch_digests);
  return fetched_sha384 ? fetched_sha384 : EVP_sha384();
}

int sc_sha256(const void *data, size_t len, uint8_t digest[32]) {
  unsigned int out_len = 0;
  if (EVP_Digest(data, len, digest, &out_len, sc_md_sha256(), NULL) != 1 || out_len != 32) {
    ERR_clear_error();
    return SC_ESOFTWARE;
  }
  return SC_OK;
}

bool sc_is_ed25519(const EVP_PKEY *key) {
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
}

EVP_PKEY *sc_ed25519_from_seed(const uint8_t seed[32], sc_error *err) {
  EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
  if (!key)
    sc_openssl_fail(err, SC_ESOFTWARE, "cannot load an Ed25519 key from its seed");
  return key;
}

EVP_PKEY *sc_ed25519_take_seed(uint8_t seed[32], sc_error *err) {
  EVP_PKEY *key = sc_ed25519_from_seed(seed, err);
  OPENSSL_cleanse(seed, 32);
  return key;
}

/* What EVP_PKEY_Q_keygen does for Ed25519 (32 bytes from the private generator), with the
 * seed in the secure heap when the caller set one up (see keys' sc_secrets_protect) and wiped
 * at once; OpenSSL copies it into secure memory of its own. */
EVP_PKEY *sc_ed25519_generate(sc_error *err) {
  uint8_t *seed = OPENSSL_secure_malloc(32);
  if (!seed) {
    sc_oom(err);
    return NULL;
  }
  EVP_PKEY *key = NULL;
  if (RAND_priv_bytes(seed, 32) != 1)
    sc_openssl_fail(err, SC_ESOFTWARE, "cannot generate an Ed25519 key: no random bytes");
  else
    key = sc_ed25519_take_seed(seed, err);
  OPENSSL_secure_clear_free(seed, 32);
  return key;
}

int sc_ed25519_public(const EVP_PKEY *key, uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err) {
  if (!key || !sc_is_ed25519(key))
    return sc_fail(err, SC_EUSAGE, "the key is not an Ed25519 key");
  size_t len = SC_ED25519_PUBLIC_BYTES;
  if (EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 || len != SC_ED25519_PUBLIC_BYTES)
    return sc_openssl_fail(err, SC_ESOFTWARE, "cannot read the Ed25519 public key");
  return SC_OK;
}

int sc_ed25519_verify_key(EVP_PKEY *key, const uint8_t *msg, size_t len, const uint8_t *sig,
                          size_t sig_len, sc_error *err) {
  if (sig_len != SC_ED25519_SIGNATURE_BYTES)
    return sc_fail(err, SC_EINVALID, "Ed25519 signature is %zu bytes, expected %d", sig_len,
                   SC_ED25519_SIGNATURE_BYTES);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx)
    return sc_oom(err);
  /* Only EVP_DigestVerify's answer is a verdict: a failure to set up (memory) is not. */
  crypto_allocation_failed = false;
  int rc = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1
               ? SC_OK
               : sc_openssl_fail(err, SC_ESOFTWARE, "cannot set up an Ed25519 verification");
  if (rc == SC_OK && EVP_DigestVerify(ctx, sig, sig_len, msg, len) != 1)
    rc = crypto_allocation_failed
             ? sc_openssl_fail(err, SC_ESOFTWARE, "cannot verify an Ed25519 signature: out of memory")
             : sc_openssl_fail(err, SC_EINVALID, "Ed25519 signature does not verify");
  EVP_MD_CTX_free(ctx);
  return rc;
}

int sc_ed25519_verify(const uint8_t pub[SC_ED25519_PUBLIC_BYTES], const uint8_t *msg, size_t len,
                      const uint8_t *sig, size_t sig_len, sc_error *err) {
  if (sig_len != SC_ED25519_SIGNATURE_BYTES)
    return sc_ed25519_verify_key(NULL, msg, len, sig, sig_len, err);
  EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, SC_ED25519_PUBLIC_BYTES);
  if (!key) { /* any 32 bytes are taken as an Ed25519 public key: only memory can fail */
    ERR_clear_error();
    return sc_oom(err);
  }
  int rc = sc_ed25519_verify_key(key, msg, len, sig, sig_len, err);
  EVP_PKEY_free(key);
  return rc;
}

int sc_random_bytes(uint8_t *out, size_t len, sc_error *err) {
  while (len > 0) {
    int chunk = len > (1 << 20) ? (1 << 20) : (int)len;
    if (RAND_bytes(out, chunk) != 1)
      return sc_openssl_fail(err, SC_ESOFTWARE, "the random number generator failed");
    out += chunk;
    len -= (size_t)chunk;
  }
  return SC_OK;
}
