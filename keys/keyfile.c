/*
 * Signing keys on disk: PKCS#8 PEM, encrypted with PBES2 (scrypt + AES-256-CBC) unless the
 * user asked for no passphrase, always mode 0600. Loading refuses files that group or others
 * can reach, and tells a wrong passphrase apart from a file that is not an Ed25519 key.
 */
#include "keys/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* scrypt cost, see docs/keys.md. N = 2^14 with r = 8 uses 16 MiB, the most OpenSSL 3.0 lets
 * PBES2 use (its default 32 MiB cap rejects N = 2^15, r = 8 both when encrypting and when
 * decrypting, so such a file would not open with `openssl pkey` either); p = 2 doubles the work
 * to about 0.1 s per derivation instead. */
#define SCRYPT_N 16384
#define SCRYPT_R 8
#define SCRYPT_P 2
#define SCRYPT_SALT_BYTES 16

#define KEYFILE_MAX_BYTES 65536 /* an Ed25519 PKCS#8 PEM is about 250 bytes */
#define PEM_ENCRYPTED "ENCRYPTED PRIVATE KEY"
#define PEM_PLAIN "PRIVATE KEY"

/* ---------------------------------------------------------------- permissions */

static const char *exposure(mode_t mode) {
  if (mode & (S_IRGRP | S_IROTH))
    return "readable by others";
  if (mode & (S_IWGRP | S_IWOTH))
    return "writable by others";
  return "accessible by others";
}

static int check_stat(const char *path, const struct stat *st, sc_error *err) {
  if (!S_ISREG(st->st_mode))
    return sc_fail(err, SC_ENOINPUT, "%s: not a regular file", path);
  if (st->st_mode & (S_IRWXG | S_IRWXO))
    return sc_fail(err, SC_EPERM, "%s: %s (mode %04o); run chmod 600 %s", path,
                   exposure(st->st_mode), (unsigned)(st->st_mode & 07777), path);
  return SC_OK;
}

int sc_keyfile_check_mode(const char *path, sc_error *err) {
  struct stat st;
  if (stat(path, &st) != 0)
    return sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
  return check_stat(path, &st, err);
}

/* ---------------------------------------------------------------- reading */

static int read_fd(int fd, const char *path, char *data, size_t *len, sc_error *err) {
  for (;;) {
    ssize_t n = read(fd, data + *len, KEYFILE_MAX_BYTES + 1 - *len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
    if (n == 0)
      return SC_OK;
    *len += (size_t)n;
    if (*len > KEYFILE_MAX_BYTES)
      return sc_fail(err, SC_EDATA, "%s: larger than %d bytes, not a key file", path,
                     KEYFILE_MAX_BYTES);
  }
}

/* Reads a key file into a NUL-terminated buffer of KEYFILE_MAX_BYTES + 1 bytes in the secure
 * heap, which the caller frees with free_secret() (it may hold an unencrypted key). check_mode:
 * verify the permissions of the opened file itself, so that nothing can swap the file in between.
 */
static int read_secret_file(const char *path, bool check_mode, char **out, sc_error *err) {
  sc_secrets_protect();
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
  struct stat st;
  int rc = SC_OK;
  if (fstat(fd, &st) != 0)
    rc = sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
  else if (check_mode)
    rc = check_stat(path, &st, err);
  char *data = NULL;
  size_t len = 0;
  if (rc == SC_OK && !(data = OPENSSL_secure_zalloc(KEYFILE_MAX_BYTES + 1)))
    rc = sc_oom(err);
  if (rc == SC_OK)
    rc = read_fd(fd, path, data, &len, err);
  close(fd);
  if (rc != SC_OK) {
    if (data)
      OPENSSL_secure_clear_free(data, KEYFILE_MAX_BYTES + 1);
    return rc;
  }
  data[len] = '\0';
  *out = data;
  return SC_OK;
}

static void free_secret(char *data) {
  if (data)
    OPENSSL_secure_clear_free(data, KEYFILE_MAX_BYTES + 1);
}

int sc_keyfile_is_encrypted(const char *path, bool *encrypted, sc_error *err) {
  char *data = NULL;
  int rc = read_secret_file(path, false, &data, err);
  if (rc != SC_OK)
    return rc;
  *encrypted = strstr(data, "-----BEGIN " PEM_ENCRYPTED "-----") != NULL;
  free_secret(data);
  return SC_OK;
}

/* ---------------------------------------------------------------- decoding */

/* DER of an EncryptedPrivateKeyInfo → PrivateKeyInfo. Any failure after the outer structure
 * parsed means the passphrase is wrong: a wrong key almost always breaks the CBC padding, and
 * otherwise yields bytes that do not parse as a PrivateKeyInfo. */
static int decrypt_pkcs8(const char *path, const unsigned char *der, long len,
                         const char *passphrase, PKCS8_PRIV_KEY_INFO **out, sc_error *err) {
  if (!passphrase)
    return sc_fail(err, SC_EUSAGE,
                   "%s: key is encrypted: give --passphrase-file or set "
                   "SKILLCERT_PASSPHRASE_FILE",
                   path);
  X509_SIG *sealed = d2i_X509_SIG(NULL, &der, len);
  if (!sealed)
    return sc_fail(err, SC_EDATA, "%s: damaged encrypted private key", path);
  *out = PKCS8_decrypt(sealed, passphrase, (int)strlen(passphrase));
  X509_SIG_free(sealed);
  if (!*out)
    return sc_fail(err, SC_EPERM, "%s: wrong passphrase", path);
  return SC_OK;
}

static int decode_key(const char *path, const char *pem_name, const unsigned char *der, long len,
                      const char *passphrase, EVP_PKEY **key, sc_error *err) {
  PKCS8_PRIV_KEY_INFO *info = NULL;
  int rc = SC_OK;
  if (strcmp(pem_name, PEM_ENCRYPTED) == 0)
    rc = decrypt_pkcs8(path, der, len, passphrase, &info, err);
  else if (strcmp(pem_name, PEM_PLAIN) == 0 && !(info = d2i_PKCS8_PRIV_KEY_INFO(NULL, &der, len)))
    rc = sc_fail(err, SC_EDATA, "%s: damaged private key", path);
  else if (strcmp(pem_name, PEM_PLAIN) != 0)
    rc = sc_fail(err, SC_EDATA, "%s: holds a \"%s\", not a PKCS#8 private key", path, pem_name);
  if (rc != SC_OK)
    return rc;
  *key = EVP_PKCS82PKEY(info);
  PKCS8_PRIV_KEY_INFO_free(info); /* wipes the key bytes it held */
  if (!*key)
    return sc_fail(err, SC_EDATA, "%s: not a private key OpenSSL can read", path);
  if (!sc_is_ed25519(*key)) {
    int rc2 = sc_fail(err, SC_EDATA, "%s: a %s key, not an Ed25519 key", path,
                      EVP_PKEY_get0_type_name(*key) ? EVP_PKEY_get0_type_name(*key) : "unknown");
    EVP_PKEY_free(*key);
    *key = NULL;
    return rc2;
  }
  return SC_OK;
}

static int decode_pem(const char *path, const char *data, size_t len, const char *passphrase,
                      EVP_PKEY **key, sc_error *err) {
  BIO *bio = BIO_new_mem_buf(data, (int)len);
  if (!bio)
    return sc_oom(err);
  char *name = NULL, *header = NULL;
  unsigned char *der = NULL;
  long der_len = 0;
  int rc = PEM_read_bio(bio, &name, &header, &der, &der_len)
               ? decode_key(path, name, der, der_len, passphrase, key, err)
               : sc_fail(err, SC_EDATA, "%s: not a PEM file", path);
  BIO_free(bio);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_clear_free(der, der_len > 0 ? (size_t)der_len : 0);
  return rc;
}

int sc_keyfile_load(const char *path, const char *passphrase, EVP_PKEY **key, sc_error *err) {
  *key = NULL;
  char *data = NULL;
  int rc = read_secret_file(path, true, &data, err);
  if (rc == SC_OK)
    rc = decode_pem(path, data, strlen(data), passphrase, key, err);
  free_secret(data);
  ERR_clear_error(); /* failures were reported in err; leave nothing for later callers */
  return rc;
}

/* ---------------------------------------------------------------- encoding and saving */

static X509_SIG *seal_pkcs8(PKCS8_PRIV_KEY_INFO *info, const char *passphrase) {
  X509_ALGOR *pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, SCRYPT_SALT_BYTES, NULL,
                                          SCRYPT_N, SCRYPT_R, SCRYPT_P);
  if (!pbe)
    return NULL;
  X509_SIG *sealed = PKCS8_set0_pbe(passphrase, (int)strlen(passphrase), info, pbe);
  if (!sealed)
    X509_ALGOR_free(pbe); /* PKCS8_set0_pbe owns pbe only when it succeeds */
  return sealed;
}

/* Writes the PEM into bio (a secure memory BIO, wiped when freed). */
static int write_pem(BIO *bio, EVP_PKEY *key, const char *passphrase, sc_error *err) {
  PKCS8_PRIV_KEY_INFO *info = EVP_PKEY2PKCS8(key);
  if (!info)
    return sc_fail(err, SC_ESOFTWARE, "cannot encode the private key as PKCS#8");
  int ok = 0;
  if (passphrase) {
    X509_SIG *sealed = seal_pkcs8(info, passphrase);
    ok = sealed && PEM_write_bio_PKCS8(bio, sealed);
    X509_SIG_free(sealed);
  } else {
    ok = PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, info);
  }
  PKCS8_PRIV_KEY_INFO_free(info);
  return ok ? SC_OK : sc_fail(err, SC_ESOFTWARE, "cannot encrypt the private key");
}

static int check_savable(const char *path, EVP_PKEY *key, const char *passphrase, sc_error *err) {
  if (!key || !sc_is_ed25519(key))
    return sc_fail(err, SC_ESOFTWARE, "%s: only Ed25519 keys are saved", path);
  if (passphrase && !*passphrase)
    return sc_fail(err, SC_EUSAGE, "%s: empty passphrase", path);
  struct stat st;
  /* A window remains between this check and the rename; the keys folder is the issuer's own,
   * and the check is there to stop mistakes (overwriting the only copy of a key), not rivals. */
  if (lstat(path, &st) == 0)
    return sc_fail(err, SC_ECANTCREAT, "%s: already exists; not overwriting a key file", path);
  if (errno != ENOENT)
    return sc_fail(err, SC_ECANTCREAT, "%s: %s", path, strerror(errno));
  return SC_OK;
}

int sc_keyfile_save(const char *path, EVP_PKEY *key, const char *passphrase, sc_error *err) {
  sc_secrets_protect();
  int rc = check_savable(path, key, passphrase, err);
  if (rc != SC_OK)
    return rc;
  BIO *bio = BIO_new(BIO_s_secmem());
  if (!bio)
    return sc_oom(err);
  rc = write_pem(bio, key, passphrase, err);
  char *pem = NULL;
  long len = BIO_get_mem_data(bio, &pem);
  if (rc == SC_OK && (len <= 0 || !pem))
    rc = sc_fail(err, SC_ESOFTWARE, "cannot encode the private key as PEM");
  if (rc == SC_OK)
    rc = sc_write_file_atomic(path, pem, (size_t)len, 0600, err);
  if (pem && len > 0)
    OPENSSL_cleanse(pem, (size_t)len);
  BIO_free(bio);
  ERR_clear_error();
  return rc;
}

char *sc_public_pem(EVP_PKEY *key, sc_error *err) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (!bio) {
    sc_oom(err);
    return NULL;
  }
  char *out = NULL;
  char *pem = NULL;
  long len = 0;
  if (!PEM_write_bio_PUBKEY(bio, key) || (len = BIO_get_mem_data(bio, &pem)) <= 0) {
    sc_fail(err, SC_ESOFTWARE, "cannot encode the public key as PEM");
  } else if ((out = malloc((size_t)len + 1))) {
    memcpy(out, pem, (size_t)len);
    out[len] = '\0';
  } else {
    sc_oom(err);
  }
  BIO_free(bio);
  ERR_clear_error();
  return out;
}
