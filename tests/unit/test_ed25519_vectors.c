/* SHA-256 and Ed25519: RFC 8032 7.1, Wycheproof and CCTV vectors in tests/vectors/ed25519/.
 * The point of the edge-case vectors is that our verify path gives exactly OpenSSL's answer:
 * skillcert has no Ed25519 of its own. Signing goes through libsodium when it can (core/signer.c):
 * both engines must give the vectors' bytes, and each other's for any message. */
#include "test_support.h"

#include <openssl/evp.h>

static size_t hex_to_buf(const char *hex, sc_buf *out) {
  sc_error err = {0};
  sc_buf_reset(out);
  if (sc_hex_decode(hex, strlen(hex), out, &err) != SC_OK)
    fail_msg("bad hex in vector: %s", err.message);
  return out->len;
}

static bool has_flag(json_t *flags, const char *name) {
  size_t i;
  json_t *flag;
  json_array_foreach(flags, i, flag) {
    if (strcmp(json_string_value(flag), name) == 0)
      return true;
  }
  return false;
}

static void hashes_sha256_known_values(void **state) {
  (void)state;
  uint8_t digest[32];
  assert_int_equal(sc_sha256("", 0, digest), SC_OK);
  char *hex = sc_hex_encode(digest, 32);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  free(hex);
  assert_int_equal(sc_sha256("abc", 3, digest), SC_OK);
  hex = sc_hex_encode(digest, 32);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  free(hex);  char text[SC_SHA256_HEX_SIZE]; /* the same digest, hex-encoded without allocating */
  assert_int_equal(sc_sha256_hex("abc", 3, text), SC_OK);
  assert_string_equal(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void signs_and_verifies_rfc8032_vectors(void **state) {
  (void)state;
  json_t *doc = load_vector_json("ed25519/rfc8032-7.1-ed25519.json");
  sc_buf seed = {0}, pub = {0}, msg = {0}, sig = {0};
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(doc, "vectors"), i, v) {
    assert_int_equal(hex_to_buf(json_string_value(json_object_get(v, "secretKey")), &seed), 32);
    assert_int_equal(hex_to_buf(json_string_value(json_object_get(v, "publicKey")), &pub), 32);
    assert_int_equal(hex_to_buf(json_string_value(json_object_get(v, "signature")), &sig), 64);
    hex_to_buf(json_string_value(json_object_get(v, "message")), &msg);
    sc_error err = {0};
    EVP_PKEY *key = sc_ed25519_from_seed(seed.data, &err);
    assert_non_null(key);
    uint8_t derived[32], ours[64];
    assert_int_equal(sc_ed25519_public(key, derived, &err), SC_OK);
    assert_memory_equal(derived, pub.data, 32);
    assert_int_equal(sc_ed25519_sign(key, msg.data, msg.len, ours, &err), SC_OK);
    assert_memory_equal(ours, sig.data, 64);
    sc_signer *engines[2] = {sc_signer_new(key, &err), sc_signer_new_openssl(key, &err)};
    assert_string_equal(sc_signer_engine(engines[0]), "libsodium");
    assert_string_equal(sc_signer_engine(engines[1]), "openssl");
    for (int e = 0; e < 2; e++) {
      memset(ours, 0, sizeof ours);
      assert_int_equal(sc_signer_sign(engines[e], msg.data, msg.len, ours, &err), SC_OK);
      assert_memory_equal(ours, sig.data, 64);
      sc_signer_free(engines[e]);
    }
    assert_int_equal(sc_ed25519_verify(pub.data, msg.data, msg.len, ours, 64, &err), SC_OK);
    ours[i % 64] ^= 0x01;
    assert_int_equal(sc_ed25519_verify(pub.data, msg.data, msg.len, ours, 64, &err), SC_EINVALID);
    EVP_PKEY_free(key);
  }
  assert_int_equal(i, 5);
  sc_buf_free(&seed);
  sc_buf_free(&pub);
  sc_buf_free(&msg);
  sc_buf_free(&sig);
  json_decref(doc);
}

static void matches_every_wycheproof_verdict(void **state) {
  (void)state;
  json_t *doc = load_vector_json("ed25519/wycheproof-ed25519_test.json");
  sc_buf pub = {0}, msg = {0}, sig = {0};
  size_t g, t, valid = 0, invalid = 0;
  json_t *group, *test;
  json_array_foreach(json_object_get(doc, "testGroups"), g, group) {
    hex_to_buf(json_string_value(json_object_get(json_object_get(group, "publicKey"), "pk")), &pub);
    assert_int_equal(pub.len, 32);
    json_array_foreach(json_object_get(group, "tests"), t, test) {
      hex_to_buf(json_string_value(json_object_get(test, "msg")), &msg);
      hex_to_buf(json_string_value(json_object_get(test, "sig")), &sig);
      const char *result = json_string_value(json_object_get(test, "result"));
      sc_error err = {0};
      int rc = sc_ed25519_verify(pub.data, msg.data, msg.len, sig.data, sig.len, &err);
      /* Only "valid" and "invalid" occur in this file ("acceptable": none). */
      if (strcmp(result, "valid") == 0) {
        if (rc != SC_OK)
          fail_msg("tcId %.0f: valid signature rejected: %s",
                   json_number_value(json_object_get(test, "tcId")), err.message);
        valid++;
      } else {
        assert_string_equal(result, "invalid");
        if (rc != SC_EINVALID)
          fail_msg("tcId %.0f: invalid signature gave %d",
                   json_number_value(json_object_get(test, "tcId")), rc);
        invalid++;
      }
    }
  }
  assert_int_equal(valid, 88);
  assert_int_equal(invalid, 63);
  sc_buf_free(&pub);
  sc_buf_free(&msg);
  sc_buf_free(&sig);
  json_decref(doc);
}

/* OpenSSL 3.0 follows ref10: it rejects a non-canonical R and any signature whose check needs
 * the cofactor (low_order_residue), and accepts everything else in CCTV. */
static void matches_openssl_on_every_cctv_edge_case(void **state) {
  (void)state;
  json_t *doc = load_vector_json("ed25519/cctv-ed25519vectors.json");
  sc_buf pub = {0}, sig = {0};
  size_t i, accepted = 0, rejected = 0;
  json_t *v;
  json_array_foreach(doc, i, v) {
    hex_to_buf(json_string_value(json_object_get(v, "key")), &pub);
    hex_to_buf(json_string_value(json_object_get(v, "sig")), &sig);
    const char *msg = json_string_value(json_object_get(v, "msg"));
    json_t *flags = json_object_get(v, "flags");
    bool openssl_accepts =
        !has_flag(flags, "non_canonical_R") && !has_flag(flags, "low_order_residue");
    sc_error err = {0};
    int rc =
        sc_ed25519_verify(pub.data, (const uint8_t *)msg, strlen(msg), sig.data, sig.len, &err);
    if (rc != (openssl_accepts ? SC_OK : SC_EINVALID))
      fail_msg("CCTV vector %zu: got %d, OpenSSL's rule says %s", i, rc,
               openssl_accepts ? "accept" : "reject");
    if (rc == SC_OK)
      accepted++;
    else
      rejected++;
  }
  assert_int_equal(accepted, 208);
  assert_int_equal(rejected, 706);
  sc_buf_free(&pub);
  sc_buf_free(&sig);
  json_decref(doc);
}

static void rejects_signatures_of_the_wrong_length(void **state) {
  (void)state;
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_generate(&err);
  assert_non_null(key);
  uint8_t pub[32], sig[65] = {0};
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  assert_int_equal(sc_ed25519_sign(key, (const uint8_t *)"m", 1, sig, &err), SC_OK);
  assert_int_equal(sc_ed25519_verify(pub, (const uint8_t *)"m", 1, sig, 64, &err), SC_OK);
  assert_int_equal(sc_ed25519_verify(pub, (const uint8_t *)"m", 1, sig, 63, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "63 bytes"));
  assert_int_equal(sc_ed25519_verify(pub, (const uint8_t *)"m", 1, sig, 65, &err), SC_EINVALID);
  assert_int_equal(sc_ed25519_verify(pub, (const uint8_t *)"m", 1, sig, 0, &err), SC_EINVALID);
  assert_int_equal(sc_ed25519_verify(pub, (const uint8_t *)"n", 1, sig, 64, &err), SC_EINVALID);
  EVP_PKEY_free(key);
}

static void both_signing_engines_give_the_same_bytes_for_any_message(void **state) {
  (void)state;
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_generate(&err);
  assert_non_null(key);
  sc_signer *sodium = sc_signer_new(key, &err), *openssl = sc_signer_new_openssl(key, &err);
  assert_non_null(sodium);
  assert_non_null(openssl);
  assert_string_equal(sc_signer_engine(sodium), "libsodium");
  uint8_t msg[1500], pub[32], a[64], b[64];
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  for (size_t len = 0; len <= sizeof msg; len += 1 + len / 3) {
    assert_int_equal(sc_random_bytes(msg, sizeof msg, &err), SC_OK);
    assert_int_equal(sc_signer_sign(sodium, msg, len, a, &err), SC_OK);
    assert_int_equal(sc_signer_sign(openssl, msg, len, b, &err), SC_OK);
    assert_memory_equal(a, b, 64);
    assert_int_equal(sc_ed25519_verify(pub, msg, len, a, 64, &err), SC_OK);
  }
  sc_signer_free(sodium);
  sc_signer_free(openssl);
  EVP_PKEY_free(key);
}

static void a_public_key_alone_cannot_sign(void **state) {
  (void)state;
  uint8_t pub[32] = {0};
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_generate(&err);
  assert_non_null(key);
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  EVP_PKEY *public_only = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub);
  assert_non_null(public_only);
  /* OpenSSL sets a context up for a public key; the signature is what fails. */
  sc_signer *signer = sc_signer_new(public_only, &err);
  uint8_t sig[64];
  if (signer) {
    assert_string_equal(sc_signer_engine(signer), "openssl");
    assert_int_equal(sc_signer_sign(signer, (const uint8_t *)"m", 1, sig, &err), SC_ESOFTWARE);
    sc_signer_free(signer);
  }
  assert_int_equal(err.code, SC_ESOFTWARE);
  assert_non_null(strstr(err.message, "Ed25519 sign"));
  EVP_PKEY_free(public_only);
  EVP_PKEY_free(key);
}

static void generates_distinct_keys(void **state) {
  (void)state;
  sc_error err = {0};
  EVP_PKEY *a = sc_ed25519_generate(&err), *b = sc_ed25519_generate(&err);
  assert_non_null(a);
  assert_non_null(b);
  uint8_t pa[32], pb[32];
  assert_int_equal(sc_ed25519_public(a, pa, &err), SC_OK);
  assert_int_equal(sc_ed25519_public(b, pb, &err), SC_OK);
  assert_memory_not_equal(pa, pb, 32);
  EVP_PKEY_free(a);
  EVP_PKEY_free(b);
}

static void refuses_keys_that_are_not_ed25519(void **state) {
  (void)state;
  EVP_PKEY *x25519 = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
  assert_non_null(x25519);
  uint8_t pub[32], sig[64];
  sc_error err = {0};
  assert_int_equal(sc_ed25519_public(x25519, pub, &err), SC_EUSAGE);
  assert_int_equal(sc_ed25519_sign(x25519, (const uint8_t *)"m", 1, sig, &err), SC_EUSAGE);
  assert_int_equal(sc_ed25519_public(NULL, pub, &err), SC_EUSAGE);
  EVP_PKEY_free(x25519);
}

static void fills_random_bytes(void **state) {
  (void)state;
  uint8_t a[64] = {0}, b[64] = {0};
  sc_error err = {0};
  assert_int_equal(sc_random_bytes(a, sizeof a, &err), SC_OK);
  assert_int_equal(sc_random_bytes(b, sizeof b, &err), SC_OK);
  assert_memory_not_equal(a, b, sizeof a);
  assert_int_equal(sc_random_bytes(a, 0, &err), SC_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hashes_sha256_known_values),
      cmocka_unit_test(signs_and_verifies_rfc8032_vectors),
      cmocka_unit_test(matches_every_wycheproof_verdict),
      cmocka_unit_test(matches_openssl_on_every_cctv_edge_case),
      cmocka_unit_test(rejects_signatures_of_the_wrong_length),
      cmocka_unit_test(both_signing_engines_give_the_same_bytes_for_any_message),
      cmocka_unit_test(a_public_key_alone_cannot_sign),
      cmocka_unit_test(generates_distinct_keys),
      cmocka_unit_test(refuses_keys_that_are_not_ed25519),
      cmocka_unit_test(fills_random_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
