/*
 * Ed25519 signatures in a PKCS#11 token (SoftHSM2, in a temporary folder) beside the same
 * signature with a key file through OpenSSL, over the 64 bytes eddsa-jcs-2022 signs:
 *   sign-file-key          one thread, the key in memory (sc_signer, as issuing does)
 *   sign-pkcs11            one thread, the key in the token
 *   sign-pkcs11-2-threads  two threads at once, each signature with a session of its own (the
 *                          session pool of keys/pkcs11_key.c, what `issue -j 2` does)
 *   sign-pkcs11-2-mutex    two threads through one lock, which is what a single session behind
 *                          a mutex would give: the pool's reason to exist
 * Prints "# sign-pkcs11 skipped: …" (and nothing else) when SoftHSM2 is not installed.
 */
#include "bench_support.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const uint8_t hashes[64] = {1, 2, 3};

static const char *softhsm_module(void) {
  static const char *const paths[] = {"/usr/lib/softhsm/libsofthsm2.so",
                                      "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", NULL};
  for (size_t i = 0; paths[i]; i++)
    if (access(paths[i], R_OK) == 0)
      return paths[i];
  return NULL;
}

/* A token "bench" in dir, and the URI of a new key in it. */
static void make_token(const char *dir, const char *module, char *uri, size_t size) {
  char path[PATH_MAX], cmd[PATH_MAX + 128];
  snprintf(path, sizeof path, "%s/softhsm2.conf", dir);
  FILE *conf = fopen(path, "w");
  if (!conf)
    bench_die("softhsm2.conf", NULL);
  fprintf(conf, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", dir);
  fclose(conf);
  setenv("SOFTHSM2_CONF", path, 1);
  snprintf(cmd, sizeof cmd,
           "softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 5678 >/dev/null");
  if (system(cmd) != 0)
    bench_die("softhsm2-util --init-token", NULL);
  snprintf(path, sizeof path, "%s/pin", dir);
  FILE *pin = fopen(path, "w");
  if (!pin)
    bench_die("pin file", NULL);
  fputs("1234\n", pin);
  fclose(pin);
  chmod(path, 0600);
  snprintf(uri, size, "pkcs11:token=bench;object=k?module-path=%s&pin-source=file:%s", module,
           path);
}

typedef struct sign_ctx {
  sc_signer *signer;
  pthread_mutex_t *lock; /* NULL: no lock */
} sign_ctx;

static int sign_once(void *opaque, sc_error *err) {
  sign_ctx *ctx = opaque;
  uint8_t sig[SC_ED25519_SIGNATURE_BYTES];
  if (ctx->lock)
    pthread_mutex_lock(ctx->lock);
  int rc = sc_signer_sign(ctx->signer, hashes, sizeof hashes, sig, err);
  if (ctx->lock)
    pthread_mutex_unlock(ctx->lock);
  return rc;
}

static double rate_with(EVP_PKEY *key, pthread_mutex_t *lock, const char *name) {
  sc_error err = {0};
  sign_ctx ctx = {sc_signer_new(key, &err), lock};
  if (!ctx.signer)
    bench_die(name, &err);
  double rate = bench_rate(name, sign_once, &ctx);
  sc_signer_free(ctx.signer);
  return rate;
}

typedef struct thread_ctx {
  EVP_PKEY *key;
  pthread_mutex_t *lock;
  double rate;
} thread_ctx;

static void *thread_main(void *arg) {
  thread_ctx *t = arg;
  t->rate = rate_with(t->key, t->lock, "sign-pkcs11-thread");
  return NULL;
}

/* Two threads sign for the same time; the sum of their rates. */
static double two_threads(EVP_PKEY *key, pthread_mutex_t *lock) {
  pthread_t threads[2];
  thread_ctx ctx[2] = {{key, lock, 0}, {key, lock, 0}};
  for (int i = 0; i < 2; i++)
    if (pthread_create(&threads[i], NULL, thread_main, &ctx[i]) != 0)
      bench_die("pthread_create", NULL);
  for (int i = 0; i < 2; i++)
    pthread_join(threads[i], NULL);
  return ctx[0].rate + ctx[1].rate;
}

int main(void) {
  const char *module = softhsm_module();
  if (!module || system("command -v softhsm2-util >/dev/null") != 0) {
    printf("# sign-pkcs11 skipped: SoftHSM2 is not installed\n");
    return 0;
  }
  char dir[] = "/tmp/skillcert-bench-pkcs11-XXXXXX", uri[PATH_MAX + 256];
  if (!mkdtemp(dir))
    bench_die("mkdtemp", NULL);
  make_token(dir, module, uri, sizeof uri);
  sc_error err = {0};
  EVP_PKEY *file_key = sc_ed25519_generate(&err), *token_key = NULL;
  bool made = false;
  if (!file_key)
    bench_die("key", &err);
  if (sc_pkcs11_key_make(uri, NULL, &token_key, &made, &err) != SC_OK)
    bench_die("token key", &err);
  bench_report("sign-file-key", rate_with(file_key, NULL, "sign-file-key"), "sign/s");
  bench_report("sign-pkcs11", rate_with(token_key, NULL, "sign-pkcs11"), "sign/s");
  bench_report("sign-pkcs11-2-threads", two_threads(token_key, NULL), "sign/s");
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  bench_report("sign-pkcs11-2-mutex", two_threads(token_key, &lock), "sign/s");
  EVP_PKEY_free(token_key);
  EVP_PKEY_free(file_key);
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0)
    return 1;
  return 0;
}
