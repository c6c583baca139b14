/* Secrets in memory: a process that read or made a key, a passphrase or a token writes no
 * core dump, keeps private keys in OpenSSL's secure heap, and wipes the seeds it used. Each
 * check runs in a child process, so that it starts from a process no earlier check protected
 * (dumpability is inherited and cannot be turned back on here). */
#include "test_support.h"

#include "keys/keys.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* RFC 8410 section 10.3: an unencrypted Ed25519 private key. */
static const char rfc8410_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
    "-----END PRIVATE KEY-----\n";

static void write_private(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

static bool core_dumps_off(void) {
  struct rlimit core = {1, 1};
  return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 && getrlimit(RLIMIT_CORE, &core) == 0 &&
         core.rlim_cur == 0 && core.rlim_max == 0;
}

/* Exit codes of the child: 0 all well, 2 it started protected already (the check would
 * prove nothing), 3 the action failed, 4 core dumps were still possible afterwards. */
typedef bool (*secret_action)(const char *dir);

static void runs_protected_after(secret_action action) {
  char dir[64];
  assert_true(make_temp_dir(dir, "secrets"));
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    signal(SIGSEGV, SIG_DFL); /* a crash is this child's failure, not a test for cmocka to run on */
    signal(SIGABRT, SIG_DFL);
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1)
      _exit(2);
    if (!action(dir))
      _exit(3);
    _exit(core_dumps_off() ? 0 : 4);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  remove_temp_dir(dir);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static bool load_key(const char *dir) {
  char path[128];
  snprintf(path, sizeof path, "%s/key.pem", dir);
  write_private(path, rfc8410_key);
  EVP_PKEY *key = NULL;
  if (sc_keyfile_load(path, NULL, &key, NULL) != SC_OK)
    return false;
  /* The loaded key's private half lives in the secure heap, and nothing else is left there. */
  bool in_secure_heap = CRYPTO_secure_malloc_initialized() && CRYPTO_secure_used() > 0;
  EVP_PKEY_free(key);
  return in_secure_heap && CRYPTO_secure_used() == 0;
}

static bool read_passphrase(const char *dir) {
  char path[128], passphrase[SC_PASSPHRASE_MAX];
  snprintf(path, sizeof path, "%s/pass", dir);
  write_private(path, "correct horse\n");
  sc_passphrase_source src = {.file = path};
  bool ok = sc_passphrase_read(&src, false, passphrase, NULL) == SC_OK;
  sc_passphrase_wipe(passphrase);
  return ok;
}

static bool read_token(const char *dir) {
  char path[128], token[64];
  size_t len = 0;
  snprintf(path, sizeof path, "%s/token", dir);
  write_private(path, "secret-token-for-tests-0123456789\n");
  bool ok = sc_secret_file_read(path, "token file", token, sizeof token, &len, NULL) == SC_OK;
  OPENSSL_cleanse(token, sizeof token);
  return ok;
}

static bool generate_key(const char *dir) {
  (void)dir;
  EVP_PKEY *key = sc_key_generate(NULL);
  EVP_PKEY_free(key);
  return key != NULL;
}

static void loading_a_key_file_turns_core_dumps_off(void **state) {
  (void)state;
  runs_protected_after(load_key);
}

static void reading_a_passphrase_turns_core_dumps_off(void **state) {
  (void)state;
  runs_protected_after(read_passphrase);
}

static void reading_a_token_file_turns_core_dumps_off(void **state) {
  (void)state;
  runs_protected_after(read_token);
}

static void generating_a_signing_key_turns_core_dumps_off(void **state) {
  (void)state;
  runs_protected_after(generate_key);
}

static void the_seed_is_wiped_once_the_key_is_made(void **state) {
  (void)state;
  uint8_t seed[32], copy[32], zeros[32] = {0};
  for (int i = 0; i < 32; i++)
    seed[i] = copy[i] = (uint8_t)(0xa5 ^ i);
  EVP_PKEY *taken = sc_ed25519_take_seed(seed, NULL);
  EVP_PKEY *made = sc_ed25519_from_seed(copy, NULL);
  assert_non_null(taken);
  assert_non_null(made);
  assert_memory_equal(seed, zeros, sizeof seed);
  uint8_t pub_taken[32], pub_made[32];
  assert_int_equal(sc_ed25519_public(taken, pub_taken, NULL), SC_OK);
  assert_int_equal(sc_ed25519_public(made, pub_made, NULL), SC_OK);
  assert_memory_equal(pub_taken, pub_made, 32); /* the same key, only the seed is gone */
  EVP_PKEY_free(taken);
  EVP_PKEY_free(made);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(loading_a_key_file_turns_core_dumps_off),
      cmocka_unit_test(reading_a_passphrase_turns_core_dumps_off),
      cmocka_unit_test(reading_a_token_file_turns_core_dumps_off),
      cmocka_unit_test(generating_a_signing_key_turns_core_dumps_off),
      cmocka_unit_test(the_seed_is_wiped_once_the_key_is_made),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
