/* Ed25519 public keys already turned into OpenSSL keys, shared by a verifier's threads.
 *
 * Making an EVP_PKEY from 32 raw bytes (a provider lookup and an import) is about a tenth of a
 * signature check, and a verifier checks the same few issuers' keys again and again. An
 * EVP_PKEY is safe to use from several threads at once once made; the table itself is guarded. */
#include "core/core.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 32

struct sc_key_cache {
  pthread_mutex_t lock;
  uint8_t pub[SLOTS][SC_ED25519_PUBLIC_BYTES];
  EVP_PKEY *key[SLOTS];
  size_t next; /* the slot the next new key takes (round robin) */
};

sc_key_cache *sc_key_cache_new(void) {
  sc_key_cache *cache = calloc(1, sizeof *cache);
  if (cache)
    pthread_mutex_init(&cache->lock, NULL);
  return cache;
}

void sc_key_cache_free(sc_key_cache *cache) {
  if (!cache)
    return;
  for (size_t i = 0; i < SLOTS; i++)
    EVP_PKEY_free(cache->key[i]);
  pthread_mutex_destroy(&cache->lock);
  free(cache);
}

/* A new reference to the cached key, or NULL. */
static EVP_PKEY *lookup(sc_key_cache *cache, const uint8_t pub[SC_ED25519_PUBLIC_BYTES]) {
  EVP_PKEY *found = NULL;
  pthread_mutex_lock(&cache->lock);
  for (size_t i = 0; i < SLOTS && !found; i++) {
    if (cache->key[i] && memcmp(cache->pub[i], pub, SC_ED25519_PUBLIC_BYTES) == 0 &&
        EVP_PKEY_up_ref(cache->key[i]) == 1)
      found = cache->key[i];
  }
  pthread_mutex_unlock(&cache->lock);
  return found;
}

static void remember(sc_key_cache *cache, const uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                     EVP_PKEY *key) {
  if (EVP_PKEY_up_ref(key) != 1)
    return;
  pthread_mutex_lock(&cache->lock);
  size_t slot = cache->next++ % SLOTS;
  EVP_PKEY_free(cache->key[slot]);
  memcpy(cache->pub[slot], pub, SC_ED25519_PUBLIC_BYTES);
  cache->key[slot] = key;
  pthread_mutex_unlock(&cache->lock);
}

int sc_ed25519_verify_cached(sc_key_cache *cache, const uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                             const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len,
                             sc_error *err) {
  if (!cache)
    return sc_ed25519_verify(pub, msg, len, sig, sig_len, err);
  if (sig_len != SC_ED25519_SIGNATURE_BYTES)
    return sc_ed25519_verify_key(NULL, msg, len, sig, sig_len, err);
  EVP_PKEY *key = lookup(cache, pub);
  if (!key) {
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, SC_ED25519_PUBLIC_BYTES);
    if (!key) { /* any 32 bytes are taken as an Ed25519 public key: only memory can fail */
      ERR_clear_error();
      return sc_oom(err);
    }
    remember(cache, pub, key);
  }
  int rc = sc_ed25519_verify_key(key, msg, len, sig, sig_len, err);
  EVP_PKEY_free(key);
  return rc;
}
