/* The verifier's shared cache of OpenSSL keys: same verdicts as without it, across evictions
 * and threads. */
#include "test_support.h"

#include <openssl/evp.h>
#include <pthread.h>

typedef struct signed_message {
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  uint8_t sig[SC_ED25519_SIGNATURE_BYTES];
  uint8_t msg[64];
} signed_message;

static void make_signed(signed_message *m, uint8_t seed_byte) {
  uint8_t seed[32];
  memset(seed, seed_byte, sizeof seed);
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_from_seed(seed, &err);
  assert_non_null(key);
  memset(m->msg, seed_byte ^ 0x5a, sizeof m->msg);
  assert_int_equal(sc_ed25519_public(key, m->pub, &err), SC_OK);
  assert_int_equal(sc_ed25519_sign(key, m->msg, sizeof m->msg, m->sig, &err), SC_OK);
  EVP_PKEY_free(key);
}

static int verify(sc_key_cache *cache, const signed_message *m) {
  return sc_ed25519_verify_cached(cache, m->pub, m->msg, sizeof m->msg, m->sig, sizeof m->sig,
                                  NULL);
}

static void gives_the_same_verdicts_as_without_it(void **state) {
  (void)state;
  sc_key_cache *cache = sc_key_cache_new();
  signed_message m;
  make_signed(&m, 1);
  assert_int_equal(verify(cache, &m), SC_OK);
  assert_int_equal(verify(cache, &m), SC_OK); /* now from the cache */
  m.sig[10] ^= 1;
  assert_int_equal(verify(cache, &m), SC_EINVALID);
  assert_int_equal(verify(NULL, &m), SC_EINVALID);
  m.sig[10] ^= 1;
  m.msg[0] ^= 1;
  assert_int_equal(verify(cache, &m), SC_EINVALID);
  assert_int_equal(sc_ed25519_verify_cached(cache, m.pub, m.msg, sizeof m.msg, m.sig, 63, NULL),
                   SC_EINVALID);
  sc_key_cache_free(cache);
}

static void keeps_answering_right_after_evicting_keys(void **state) {
  (void)state;
  sc_key_cache *cache = sc_key_cache_new();
  enum { KEYS = 80 }; /* more than the cache holds */
  static signed_message m[KEYS];
  for (int i = 0; i < KEYS; i++)
    make_signed(&m[i], (uint8_t)(i + 1));
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < KEYS; i++) {
      assert_int_equal(verify(cache, &m[i]), SC_OK);
      signed_message wrong = m[i];
      memcpy(wrong.pub, m[(i + 1) % KEYS].pub, sizeof wrong.pub); /* another key's signature */
      assert_int_equal(verify(cache, &wrong), SC_EINVALID);
    }
  }
  sc_key_cache_free(cache);
}

typedef struct worker {
  sc_key_cache *cache;
  const signed_message *m;
  int failures;
} worker;

static void *verify_many(void *arg) {
  worker *w = arg;
  for (int i = 0; i < 300; i++)
    w->failures += verify(w->cache, &w->m[i % 4]) != SC_OK;
  return NULL;
}

static void is_shared_by_threads(void **state) {
  (void)state;
  sc_key_cache *cache = sc_key_cache_new();
  signed_message m[4];
  for (int i = 0; i < 4; i++)
    make_signed(&m[i], (uint8_t)(100 + i));
  pthread_t threads[4];
  worker workers[4];
  for (int i = 0; i < 4; i++) {
    workers[i] = (worker){cache, m, 0};
    assert_int_equal(pthread_create(&threads[i], NULL, verify_many, &workers[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(workers[i].failures, 0);
  }
  sc_key_cache_free(cache);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(gives_the_same_verdicts_as_without_it),
      cmocka_unit_test(keeps_answering_right_after_evicting_keys),
      cmocka_unit_test(is_shared_by_threads),
  };
  return cmocka_run_group_tests_name("key_cache", tests, NULL, NULL);
}
