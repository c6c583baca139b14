/* Secrets in memory: a process that holds a private key, a passphrase or the issue token must
 * not leave them in a core dump (a crash report uploaded somewhere, a core file in a shared
 * folder). sc_secrets_protect is called wherever a secret is about to be read or made. */
#include "keys/keys.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* OpenSSL's secure heap: mlock()ed and MADV_DONTDUMP memory where OpenSSL keeps private keys
 * (an Ed25519 key is 32 bytes) and where skillcert reads key files and keeps the token. Sizes
 * are powers of two, as CRYPTO_secure_malloc_init requires; a key file buffer (64 KiB + 1)
 * rounds up to 128 KiB. */
#define SECURE_HEAP_BYTES ((size_t)512 << 10)
#define SECURE_HEAP_MIN_BYTES 32

static pthread_once_t protected_once = PTHREAD_ONCE_INIT;

/* Each step is best effort: a failure leaves the process no worse off than before, and a
 * refusal to run would only push users to unprotected workarounds. */
static void protect(void) {
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* also keeps other processes of the user from ptrace */
  if (!CRYPTO_secure_malloc_initialized())
    CRYPTO_secure_malloc_init(SECURE_HEAP_BYTES, SECURE_HEAP_MIN_BYTES);
}

void sc_secrets_protect(void) {
  pthread_once(&protected_once, protect);
}

EVP_PKEY *sc_key_generate(sc_error *err) {
  sc_secrets_protect();
  return sc_ed25519_generate(err);
}
