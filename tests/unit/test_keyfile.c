/* Key files: PKCS#8 PEM on disk, encryption, permissions, and the errors a user can meet. */
#include "test_support.h"

#include "keys/keys.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

/* The encrypted key file is made once (scrypt takes ~0.1 s) and shared by the tests. */
typedef struct fixture {
  char dir[64];
  char encrypted[128]; /* saved with passphrase "correct horse" */
  EVP_PKEY *key;
} fixture;

static const char *const passphrase = "correct horse";

static void path_in(const fixture *f, const char *name, char *out, size_t size) {
  snprintf(out, size, "%s/%s", f->dir, name);
}

static void write_text(const char *path, const char *text, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  assert_int_equal(chmod(path, mode), 0);
}

static void public_bytes(EVP_PKEY *key, unsigned char pub[32]) {
  size_t len = 32;
  assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &len), 1);
  assert_int_equal(len, 32);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  if (!make_temp_dir(f->dir, "keyfile"))
    return -1;
  path_in(f, "signing.pem", f->encrypted, sizeof f->encrypted);
  f->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  sc_error err = {0};
  if (!f->key || sc_keyfile_save(f->encrypted, f->key, passphrase, &err) != SC_OK)
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  remove_temp_dir(f->dir);
  EVP_PKEY_free(f->key);
  free(f);
  return 0;
}

static void encrypted_round_trip_keeps_the_key(void **state) {
  fixture *f = *state;
  EVP_PKEY *loaded = NULL;
  sc_error err = {0};
  assert_int_equal(sc_keyfile_load(f->encrypted, passphrase, &loaded, &err), SC_OK);
  unsigned char want[32], got[32];
  public_bytes(f->key, want);
  public_bytes(loaded, got);
  assert_memory_equal(want, got, 32);
  assert_int_equal(EVP_PKEY_eq(f->key, loaded), 1);
  EVP_PKEY_free(loaded);
}

static void saved_file_is_private_encrypted_pkcs8_with_scrypt(void **state) {
  fixture *f = *state;
  struct stat st;
  assert_int_equal(stat(f->encrypted, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  sc_buf pem = {0};
  assert_int_equal(sc_read_file(f->encrypted, 4096, &pem, NULL), SC_OK);
  assert_non_null(strstr((char *)pem.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  /* The DER names PBES2 with scrypt and AES-256-CBC: decode it and look at the OIDs. */
  BIO *bio = BIO_new_mem_buf(pem.data, (int)pem.len);
  X509_SIG *sig = PEM_read_bio_PKCS8(bio, NULL, NULL, NULL);
  assert_non_null(sig);
  const X509_ALGOR *alg = NULL;
  X509_SIG_get0(sig, &alg, NULL);
  const ASN1_OBJECT *oid = NULL;
  int param_type = 0;
  const void *param = NULL;
  X509_ALGOR_get0(&oid, &param_type, &param, alg);
  assert_int_equal(OBJ_obj2nid(oid), NID_pbes2);
  assert_int_equal(param_type, V_ASN1_SEQUENCE);
  PBE2PARAM *pbe2 = ASN1_item_unpack(param, ASN1_ITEM_rptr(PBE2PARAM));
  assert_non_null(pbe2);
  assert_int_equal(OBJ_obj2nid(pbe2->keyfunc->algorithm), NID_id_scrypt);
  assert_int_equal(OBJ_obj2nid(pbe2->encryption->algorithm), NID_aes_256_cbc);
  SCRYPT_PARAMS *kdf =
      ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter);
  assert_non_null(kdf);
  assert_int_equal(ASN1_INTEGER_get(kdf->costParameter), 16384);
  assert_int_equal(ASN1_INTEGER_get(kdf->blockSize), 8);
  assert_int_equal(ASN1_INTEGER_get(kdf->parallelizationParameter), 2);
  assert_int_equal(ASN1_STRING_length(kdf->salt), 16);
  SCRYPT_PARAMS_free(kdf);
  PBE2PARAM_free(pbe2);
  X509_SIG_free(sig);
  BIO_free(bio);
  sc_buf_free(&pem);
}

static void is_encrypted_tells_encrypted_from_plain(void **state) {
  fixture *f = *state;
  char plain[256];
  path_in(f, "plain-check.pem", plain, sizeof plain);
  sc_error err = {0};
  assert_int_equal(sc_keyfile_save(plain, f->key, NULL, &err), SC_OK);
  bool encrypted = false;
  assert_int_equal(sc_keyfile_is_encrypted(f->encrypted, &encrypted, &err), SC_OK);
  assert_true(encrypted);
  assert_int_equal(sc_keyfile_is_encrypted(plain, &encrypted, &err), SC_OK);
  assert_false(encrypted);
  char missing[256];
  path_in(f, "absent.pem", missing, sizeof missing);
  assert_int_equal(sc_keyfile_is_encrypted(missing, &encrypted, &err), SC_ENOINPUT);
}

static void unencrypted_round_trip_keeps_the_key(void **state) {
  fixture *f = *state;
  char plain[256];
  path_in(f, "plain.pem", plain, sizeof plain);
  sc_error err = {0};
  assert_int_equal(sc_keyfile_save(plain, f->key, NULL, &err), SC_OK);
  sc_buf pem = {0};
  assert_int_equal(sc_read_file(plain, 4096, &pem, NULL), SC_OK);
  assert_non_null(strstr((char *)pem.data, "-----BEGIN PRIVATE KEY-----"));
  sc_buf_free(&pem);
  EVP_PKEY *loaded = NULL;
  assert_int_equal(sc_keyfile_load(plain, NULL, &loaded, &err), SC_OK);
  assert_int_equal(EVP_PKEY_eq(f->key, loaded), 1);
  EVP_PKEY_free(loaded);
  /* A passphrase given for a plain file is not needed, and not an error. */
  assert_int_equal(sc_keyfile_load(plain, "unused", &loaded, &err), SC_OK);
  EVP_PKEY_free(loaded);
}

static void wrong_passphrase_is_refused_with_eperm(void **state) {
  fixture *f = *state;
  EVP_PKEY *loaded = NULL;
  sc_error err = {0};
  assert_int_equal(sc_keyfile_load(f->encrypted, "correct horsf", &loaded, &err), SC_EPERM);
  assert_null(loaded);
  assert_non_null(strstr(err.message, "wrong passphrase"));
  assert_null(strstr(err.message, "horsf"));
  assert_int_equal(ERR_peek_error(), 0); /* nothing left in OpenSSL's error queue */
}

static void encrypted_key_without_passphrase_is_a_usage_error(void **state) {
  fixture *f = *state;
  EVP_PKEY *loaded = NULL;
  sc_error err = {0};
  assert_int_equal(sc_keyfile_load(f->encrypted, NULL, &loaded, &err), SC_EUSAGE);
  assert_null(loaded);
  assert_non_null(strstr(err.message, "--passphrase-file"));
  assert_non_null(strstr(err.message, "SKILLCERT_PASSPHRASE_FILE"));
}

static void missing_file_is_enoinput(void **state) {
  fixture *f = *state;
  char missing[256];
  path_in(f, "nothing-here.pem", missing, sizeof missing);
  EVP_PKEY *loaded = NULL;
  sc_error err = {0};
  assert_int_equal(sc_keyfile_load(missing, NULL, &loaded, &err), SC_ENOINPUT);
  assert_null(loaded);
  assert_non_null(strstr(err.message, "nothing-here.pem"));
}

static void file_readable_by_others_is_refused(void **state) {
  fixture *f = *state;
  char plain[256];
  path_in(f, "exposed.pem", plain, sizeof plain);
  sc_error err = {0};
  assert_int_equal(sc_keyfile_save(plain, f->key, NULL, &err), SC_OK);
  EVP_PKEY *loaded = NULL;

  assert_int_equal(chmod(plain, 0644), 0);
  assert_int_equal(sc_keyfile_load(plain, NULL, &loaded, &err), SC_EPERM);
  assert_null(loaded);
  assert_non_null(strstr(err.message, "readable by others (mode 0644)"));
  assert_non_null(strstr(err.message, "chmod 600"));

  assert_int_equal(chmod(plain, 0640), 0);
  assert_int_equal(sc_keyfile_load(plain, NULL, &loaded, &err), SC_EPERM);
  assert_non_null(strstr(err.message, "mode 0640"));

  assert_int_equal(chmod(plain, 0620), 0);
  assert_int_equal(sc_keyfile_check_mode(plain, &err), SC_EPERM);
  assert_non_null(strstr(err.message, "writable by others"));

  assert_int_equal(chmod(plain, 0600), 0);
  assert_int_equal(sc_keyfile_check_mode(plain, &err), SC_OK);
  assert_int_equal(sc_keyfile_load(plain, NULL, &loaded, &err), SC_OK);
  EVP_PKEY_free(loaded);
}

static void check_mode_refuses_a_directory(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  assert_int_equal(sc_keyfile_check_mode(f->dir, &err), SC_ENOINPUT);
  assert_non_null(strstr(err.message, "not a regular file"));
}

static void save_refuses_to_overwrite(void **state) {
  fixture *f = *state;
  sc_buf before = {0}, after = {0};
  assert_int_equal(sc_read_file(f->encrypted, 4096, &before, NULL), SC_OK);
  EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
  assert_non_null(other);
  sc_error err = {0};
  assert_int_equal(sc_keyfile_save(f->encrypted, other, NULL, &err), SC_ECANTCREAT);
  assert_non_null(strstr(err.message, "already exists"));
  assert_int_equal(sc_read_file(f->encrypted, 4096, &after, NULL), SC_OK);
  assert_int_equal(before.len, after.len);
  assert_memory_equal(before.data, after.data, before.len);
  EVP_PKEY_free(other);
  sc_buf_free(&before);
  sc_buf_free(&after);
}

static void non_ed25519_key_is_edata(void **state) {
  fixture *f = *state;
  char path[256];
  path_in(f, "x25519.pem", path, sizeof path);
  EVP_PKEY *x25519 = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
  assert_non_null(x25519);
  BIO *bio = BIO_new(BIO_s_mem());
  assert_int_equal(PEM_write_bio_PrivateKey(bio, x25519, NULL, NULL, 0, NULL, NULL), 1);
  char *pem = NULL;
  long len = BIO_get_mem_data(bio, &pem);
  sc_error err = {0};
  assert_int_equal(sc_write_file_atomic(path, pem, (size_t)len, 0600, &err), SC_OK);
  BIO_free(bio);
  EVP_PKEY_free(x25519);
  EVP_PKEY *loaded = NULL;
  assert_int_equal(sc_keyfile_load(path, NULL, &loaded, &err), SC_EDATA);
  assert_null(loaded);
  assert_non_null(strstr(err.message, "not an Ed25519 key"));
}

static void public_key_pem_is_not_private(void **state) {
  fixture *f = *state;
  char path[256];
  path_in(f, "public.pem", path, sizeof path);
  sc_error err = {0};
  char *pub = sc_public_pem(f->key, &err);
  assert_non_null(pub);
  assert_non_null(strstr(pub, "-----BEGIN PUBLIC KEY-----"));
  /* The public key loads back as the same key. */
  BIO *bio = BIO_new_mem_buf(pub, -1);
  EVP_PKEY *back = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
  assert_non_null(back);
  assert_int_equal(EVP_PKEY_eq(f->key, back), 1);
  EVP_PKEY_free(back);
  BIO_free(bio);
  /* And it is refused as a signing key. */
  write_text(path, pub, 0600);
  free(pub);
  EVP_PKEY *loaded = NULL;
  assert_int_equal(sc_keyfile_load(path, NULL, &loaded, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "not a PKCS#8 private key"));
}

static void garbage_file_is_edata(void **state) {
  fixture *f = *state;
  char path[256];
  path_in(f, "garbage.pem", path, sizeof path);
  write_text(path, "hello, this is not a key\n", 0600);
  EVP_PKEY *loaded = NULL;
  sc_error err = {0};
  assert_int_equal(sc_keyfile_load(path, NULL, &loaded, &err), SC_EDATA);
  assert_null(loaded);
  assert_int_equal(ERR_peek_error(), 0);
}

static void empty_passphrase_is_not_used_to_save(void **state) {
  fixture *f = *state;
  char path[256];
  path_in(f, "empty-pass.pem", path, sizeof path);
  sc_error err = {0};
  assert_int_equal(sc_keyfile_save(path, f->key, "", &err), SC_EUSAGE);
  assert_int_equal(access(path, F_OK), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(encrypted_round_trip_keeps_the_key),
      cmocka_unit_test(saved_file_is_private_encrypted_pkcs8_with_scrypt),
      cmocka_unit_test(is_encrypted_tells_encrypted_from_plain),
      cmocka_unit_test(unencrypted_round_trip_keeps_the_key),
      cmocka_unit_test(wrong_passphrase_is_refused_with_eperm),
      cmocka_unit_test(encrypted_key_without_passphrase_is_a_usage_error),
      cmocka_unit_test(missing_file_is_enoinput),
      cmocka_unit_test(file_readable_by_others_is_refused),
      cmocka_unit_test(check_mode_refuses_a_directory),
      cmocka_unit_test(save_refuses_to_overwrite),
      cmocka_unit_test(non_ed25519_key_is_edata),
      cmocka_unit_test(public_key_pem_is_not_private),
      cmocka_unit_test(garbage_file_is_edata),
      cmocka_unit_test(empty_passphrase_is_not_used_to_save),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
