/* Keys that sign elsewhere (core's attached signers) and keys in a PKCS#11 token (keys/pkcs11_*):
 * the URI rules that need no token, and, when SoftHSM2 is installed, signing from several
 * threads at once through the session pool. */
#include "test_support.h"

#include "keys/keys.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

/* Under LeakSanitizer: SoftHSM2 2.6.1 leaks an ASN1 object per EdDSA C_SignInit (fixed
 * upstream, softhsm/SoftHSMv2 #858 and #863); see tests/lsan-softhsm2.supp. Only frames in the
 * module are suppressed. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libsofthsm2.so\n";
}
/* The suppression sees the module's frames only with the slow unwinder (libcrypto and
 * SoftHSM2 keep no frame pointers). */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "fast_unwind_on_malloc=0";
}

/* ---------------------------------------------------------------- attached signers */

typedef struct fake_token {
  EVP_PKEY *private_key; /* what the "token" holds */
  int signatures, releases;
} fake_token;

static int fake_sign(void *ctx, const uint8_t *msg, size_t len,
                     uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err) {
  fake_token *token = ctx;
  token->signatures++;
  return sc_ed25519_sign(token->private_key, msg, len, sig, err);
}

static void fake_release(void *ctx) {
  ((fake_token *)ctx)->releases++;
}

static EVP_PKEY *public_half(EVP_PKEY *key, uint8_t pub[SC_ED25519_PUBLIC_BYTES]) {
  assert_int_equal(sc_ed25519_public(key, pub, NULL), SC_OK);
  EVP_PKEY *half =
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, SC_ED25519_PUBLIC_BYTES);
  assert_non_null(half);
  return half;
}

static void attached_signer_signs_for_a_public_key(void **state) {
  (void)state;
  fake_token token = {.private_key = sc_ed25519_generate(NULL)};
  assert_non_null(token.private_key);
  uint8_t pub[SC_ED25519_PUBLIC_BYTES], sig[SC_ED25519_SIGNATURE_BYTES];
  EVP_PKEY *half = public_half(token.private_key, pub);
  assert_false(sc_ed25519_signs_elsewhere(half));
  assert_int_equal(sc_ed25519_attach_signer(half, fake_sign, &token, fake_release, NULL), SC_OK);
  assert_true(sc_ed25519_signs_elsewhere(half));
  static const uint8_t msg[] = "a credential's hashes";
  sc_signer *signer = sc_signer_new(half, NULL);
  assert_non_null(signer);
  assert_string_equal(sc_signer_engine(signer), "external");
  assert_int_equal(sc_signer_sign(signer, msg, sizeof msg, sig, NULL), SC_OK);
  assert_int_equal(sc_ed25519_verify(pub, msg, sizeof msg, sig, sizeof sig, NULL), SC_OK);
  assert_int_equal(sc_ed25519_sign(half, msg, sizeof msg, sig, NULL), SC_OK);
  assert_int_equal(token.signatures, 2);
  sc_signer_free(signer);
  assert_int_equal(token.releases, 0); /* the key still holds the signer */
  EVP_PKEY_free(half);
  assert_int_equal(token.releases, 1);
  EVP_PKEY_free(token.private_key);
}

/* Without a signer attached, a public key cannot sign (OpenSSL refuses), rather than signing
 * with something else. */
static void public_key_without_signer_cannot_sign(void **state) {
  (void)state;
  EVP_PKEY *key = sc_ed25519_generate(NULL);
  uint8_t pub[SC_ED25519_PUBLIC_BYTES], sig[SC_ED25519_SIGNATURE_BYTES];
  EVP_PKEY *half = public_half(key, pub);
  sc_error err = {0};
  static const uint8_t msg[] = "x";
  assert_int_not_equal(sc_ed25519_sign(half, msg, sizeof msg, sig, &err), SC_OK);
  EVP_PKEY_free(half);
  EVP_PKEY_free(key);
}

/* ---------------------------------------------------------------- URIs */

static void pin_value_in_the_uri_is_refused_without_showing_it(void **state) {
  (void)state;
  EVP_PKEY *key = NULL;
  sc_error err = {0};
  assert_int_equal(sc_pkcs11_key_open("pkcs11:token=t;object=k?pin-value=314159", &key, &err),
                   SC_ECONFIG);
  assert_null(key);
  assert_non_null(strstr(err.message, "pin-value would store the PIN"));
  assert_null(strstr(err.message, "314159"));
}

static void uri_naming_no_key_is_refused(void **state) {
  (void)state;
  EVP_PKEY *key = NULL;
  sc_error err = {0};
  assert_int_equal(sc_pkcs11_key_open("pkcs11:token=t", &key, &err), SC_ECONFIG);
  assert_non_null(strstr(err.message, "names no key"));
  assert_int_equal(sc_pkcs11_key_open("pkcs11:token=t;object=k;bogus%zz", &key, &err), SC_ECONFIG);
  assert_non_null(strstr(err.message, "not a PKCS#11 URI"));
  assert_false(sc_pkcs11_is_uri("keys/signing-key-1.pem"));
  assert_true(sc_pkcs11_is_uri("pkcs11:token=t;object=k"));
}

static void missing_module_is_a_config_error(void **state) {
  (void)state;
  EVP_PKEY *key = NULL;
  sc_error err = {0};
  assert_int_equal(
      sc_pkcs11_key_open("pkcs11:token=t;object=k?module-path=/nonexistent/module.so", &key, &err),
      SC_ECONFIG);
  assert_non_null(strstr(err.message, "/nonexistent/module.so: cannot load it"));
}

/* ---------------------------------------------------------------- a SoftHSM2 token */

static const char *softhsm_module(void) {
  static const char *const paths[] = {"/usr/lib/softhsm/libsofthsm2.so",
                                      "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", NULL};
  for (size_t i = 0; paths[i]; i++)
    if (access(paths[i], R_OK) == 0)
      return paths[i];
  return NULL;
}

typedef struct thread_job {
  EVP_PKEY *key;
  const uint8_t *pub;
  int failures;
} thread_job;

static void *sign_many(void *arg) {
  thread_job *job = arg;
  sc_signer *signer = sc_signer_new(job->key, NULL);
  for (int i = 0; signer && i < 50; i++) {
    uint8_t msg[8] = {(uint8_t)i}, sig[SC_ED25519_SIGNATURE_BYTES];
    if (sc_signer_sign(signer, msg, sizeof msg, sig, NULL) != SC_OK ||
        sc_ed25519_verify(job->pub, msg, sizeof msg, sig, sizeof sig, NULL) != SC_OK)
      job->failures++;
  }
  sc_signer_free(signer);
  return NULL;
}

/* Batch workers sign at once: each signature borrows a session of its own. */
static void token_key_signs_from_four_threads(void **state) {
  (void)state;
  const char *module = softhsm_module();
  char dir[64], cmd[512], path[128], uri[512];
  if (!module || system("command -v softhsm2-util >/dev/null") != 0)
    skip();
  assert_true(make_temp_dir(dir, "pkcs11"));
  snprintf(path, sizeof path, "%s/softhsm2.conf", dir);
  FILE *conf = fopen(path, "w");
  assert_non_null(conf);
  fprintf(conf, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", dir);
  fclose(conf);
  setenv("SOFTHSM2_CONF", path, 1);
  snprintf(cmd, sizeof cmd,
           "softhsm2-util --init-token --free --label unit --pin 1234 --so-pin 5678 >/dev/null");
  assert_int_equal(system(cmd), 0);
  snprintf(path, sizeof path, "%s/pin", dir);
  FILE *pin = fopen(path, "w");
  assert_non_null(pin);
  fputs("1234\n", pin);
  fclose(pin);
  chmod(path, 0600);
  snprintf(uri, sizeof uri, "pkcs11:token=unit;object=k?module-path=%s&pin-source=file:%s", module,
           path);
  EVP_PKEY *key = NULL;
  bool made = false;
  sc_error err = {0};
  assert_int_equal(sc_pkcs11_key_make(uri, NULL, &key, &made, &err), SC_OK);
  assert_true(made);
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  assert_int_equal(sc_ed25519_public(key, pub, NULL), SC_OK);
  pthread_t threads[4];
  thread_job jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (thread_job){key, pub, 0};
    assert_int_equal(pthread_create(&threads[i], NULL, sign_many, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(jobs[i].failures, 0);
  }
  EVP_PKEY_free(key);
  unsetenv("SOFTHSM2_CONF");
  remove_temp_dir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(attached_signer_signs_for_a_public_key),
      cmocka_unit_test(public_key_without_signer_cannot_sign),
      cmocka_unit_test(pin_value_in_the_uri_is_refused_without_showing_it),
      cmocka_unit_test(uri_naming_no_key_is_refused),
      cmocka_unit_test(missing_module_is_a_config_error),
      cmocka_unit_test(token_key_signs_from_four_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
