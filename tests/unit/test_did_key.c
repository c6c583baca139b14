/* Multikey and did:key: the CCG seed -> DID vectors, the Multikey decoding table and the
 * verification-method parsing cases in tests/vectors/did-key/. */
#include "test_support.h"

#include <openssl/evp.h>

static void hex_to_bytes(const char *hex, uint8_t *out, size_t len) {
  sc_buf buf = {0};
  sc_error err = {0};
  assert_int_equal(sc_hex_decode(hex, strlen(hex), &buf, &err), SC_OK);
  assert_int_equal(buf.len, len);
  memcpy(out, buf.data, len);
  sc_buf_free(&buf);
}

static void assert_error_mentions(const sc_error *err, const char *what) {
  if (!strstr(err->message, what))
    fail_msg("message '%s' does not mention '%s'", err->message, what);
}

static void refuses_a_did_out_too_small_for_the_did(void **state) {
  (void)state;
  uint8_t pub[32] = {1};
  char *did = sc_did_key_encode(pub), *vm = sc_did_key_verification_method(did);
  char small[16];
  sc_error err = {0};
  assert_int_equal(sc_did_key_resolve_vm(vm, pub, small, sizeof small, &err), SC_EDATA);
  assert_error_mentions(&err, "longer than 15");
  free(vm);
  free(did);
}

static void derives_did_from_seed_per_ccg_vectors(void **state) {
  (void)state;
  json_t *vectors = load_vector_json("did-key/did-key-spec-ed25519-x25519.json");
  const char *did;
  json_t *entry;
  size_t checked = 0;
  json_object_foreach(vectors, did, entry) {
    uint8_t seed[32], pub[32];
    hex_to_bytes(json_string_value(json_object_get(entry, "seed")), seed, 32);
    sc_error err = {0};
    EVP_PKEY *key = sc_ed25519_from_seed(seed, &err);
    assert_non_null(key);
    assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
    EVP_PKEY_free(key);
    char *encoded = sc_did_key_encode(pub);
    assert_string_equal(encoded, did);
    free(encoded);
    /* The key pair gives the raw key either as publicKeyBase58 or as a JWK (base64url). */
    json_t *pair = json_object_get(entry, "verificationKeyPair");
    const char *raw58 = json_string_value(json_object_get(pair, "publicKeyBase58"));
    json_t *jwk = json_object_get(pair, "privateKeyJwk");
    if (raw58) {
      char *ours = sc_base58btc_encode(pub, 32);
      assert_string_equal(ours, raw58);
      free(ours);
    } else {
      char *x = sc_base64url_encode(pub, 32), *d = sc_base64url_encode(seed, 32);
      assert_string_equal(x, json_string_value(json_object_get(jwk, "x")));
      assert_string_equal(d, json_string_value(json_object_get(jwk, "d")));
      free(x);
      free(d);
    }
    checked++;
  }
  assert_int_equal(checked, 5);
  json_decref(vectors);
}

static void decodes_every_multikey_in_the_table(void **state) {
  (void)state;
  json_t *table = load_vector_json("did-key/ed25519-multikey-decoding-table.json");
  json_t *entries = json_object_get(table, "entries");
  assert_true(json_array_size(entries) >= 10);
  size_t i;
  json_t *e;
  json_array_foreach(entries, i, e) {
    const char *multikey = json_string_value(json_object_get(e, "publicKeyMultibase"));
    const char *did = json_string_value(json_object_get(e, "did"));
    const char *vm = json_string_value(json_object_get(e, "verificationMethodId"));
    uint8_t expected[32], pub[32], from_did[32], from_vm[32];
    hex_to_bytes(json_string_value(json_object_get(e, "rawPublicKeyHex")), expected, 32);
    sc_error err = {0};
    assert_int_equal(sc_multikey_decode(multikey, pub, &err), SC_OK);
    assert_memory_equal(pub, expected, 32);
    assert_int_equal(sc_did_key_decode(did, from_did, &err), SC_OK);
    assert_memory_equal(from_did, expected, 32);
    char did_out[256] = "";
    assert_int_equal(sc_did_key_resolve_vm(vm, from_vm, did_out, sizeof did_out, &err), SC_OK);
    assert_memory_equal(from_vm, expected, 32);
    assert_string_equal(did_out, did);
    char *mk = sc_multikey_encode(pub), *d = sc_did_key_encode(pub);
    char *v = sc_did_key_verification_method(d);
    assert_string_equal(mk, multikey);
    assert_string_equal(d, did);
    assert_string_equal(v, vm);
    free(mk);
    free(d);
    free(v);
  }
  json_decref(table);
}

static void derives_table_keys_from_their_seeds(void **state) {
  (void)state;
  json_t *table = load_vector_json("did-key/ed25519-multikey-decoding-table.json");
  size_t i, seeded = 0;
  json_t *e;
  json_array_foreach(json_object_get(table, "entries"), i, e) {
    const char *seed_hex = json_string_value(json_object_get(e, "seedHex"));
    if (!seed_hex)
      continue;
    uint8_t seed[32], pub[32], expected[32];
    hex_to_bytes(seed_hex, seed, 32);
    hex_to_bytes(json_string_value(json_object_get(e, "rawPublicKeyHex")), expected, 32);
    sc_error err = {0};
    EVP_PKEY *key = sc_ed25519_from_seed(seed, &err);
    assert_non_null(key);
    assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
    EVP_PKEY_free(key);
    assert_true(json_is_true(json_object_get(e, "derivedPublicKeyMatches")));
    assert_memory_equal(pub, expected, 32);
    seeded++;
  }
  assert_true(seeded >= 10);
  json_decref(table);
}

/* The two "implementation-defined" cases are decided here (docs/data-integrity.md): a bare
 * did:key stands for its one key, as real credentials use it; the versioned form is rejected. */
static void follows_every_parsing_case(void **state) {
  (void)state;
  json_t *doc = load_vector_json("did-key/did-key-parsing-cases.json");
  size_t i, accepted = 0, rejected = 0;
  json_t *c;
  json_array_foreach(json_object_get(doc, "cases"), i, c) {
    const char *input = json_string_value(json_object_get(c, "input"));
    const char *expect = json_string_value(json_object_get(c, "expect"));
    uint8_t pub[32];
    sc_error err = {0};
    int rc = sc_did_key_resolve_vm(input, pub, NULL, 0, &err);
    bool bare_did = strcmp(expect, "implementation-defined") == 0 && !strchr(input + 8, ':');
    if (strcmp(expect, "accept") == 0 || bare_did) {
      assert_int_equal(rc, SC_OK);
      uint8_t expected[32];
      const char *hex = json_string_value(json_object_get(c, "rawPublicKeyHex"));
      if (hex) {
        hex_to_bytes(hex, expected, 32);
        assert_memory_equal(pub, expected, 32);
      }
      accepted++;
    } else {
      if (rc != SC_EDATA)
        fail_msg("case %zu '%s' (%s) gave %d", i, input, expect, rc);
      assert_true(strlen(err.message) > 10);
      rejected++;
    }
  }
  assert_int_equal(accepted, 2);
  assert_int_equal(rejected, 8);
  json_decref(doc);
}

static void rejects_other_key_types_naming_them(void **state) {
  (void)state;
  uint8_t pub[32];
  sc_error err = {0};
  assert_int_equal(
      sc_did_key_decode("did:key:z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p", pub, &err),
      SC_EDATA);
  assert_error_mentions(&err, "X25519");
  assert_int_equal(
      sc_did_key_decode("did:key:zDnaewCdcZ4ERAPqpnobQrwXcCRqCw7tWR95DSnQPaMhwJJnv", pub, &err),
      SC_EDATA);
  assert_error_mentions(&err, "P-256");
}

static void rejects_wrong_key_lengths(void **state) {
  (void)state;
  uint8_t pub[32];
  sc_error err = {0};
  assert_int_equal(
      sc_did_key_decode("did:key:z2DQXex1MkDcBCF99h1CnTDB83tS7FAzWSBxzDJY1hJS4Gx", pub, &err),
      SC_EDATA);
  assert_error_mentions(&err, "31 bytes");
  assert_int_equal(
      sc_did_key_decode("did:key:zQecYcE4B9ZdTBMiojnCZiWPMekrcvggiViu1njmzQ7qy5WbR", pub, &err),
      SC_EDATA);
  assert_error_mentions(&err, "33 bytes");
}

static void rejects_non_base58_multikeys(void **state) {
  (void)state;
  uint8_t pub[32];
  sc_error err = {0};
  assert_int_equal(sc_multikey_decode("u7QGwDY2Tjn93PVFWWq02piP1NE9_XRlg-c8-jhJiDqKBDw", pub, &err),
                   SC_EDATA);
  assert_error_mentions(&err, "must start with 'z'");
  assert_int_equal(
      sc_multikey_decode("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0", pub, &err), SC_EDATA);
  assert_error_mentions(&err, "invalid character");
  assert_int_equal(sc_multikey_decode("", pub, &err), SC_EDATA);
  assert_int_equal(sc_multikey_decode("z", pub, &err), SC_EDATA);
}

static void rejects_malformed_dids(void **state) {
  (void)state;
  uint8_t pub[32];
  sc_error err = {0};
  const char *vm = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
  assert_int_equal(sc_did_key_decode("did:web:example.com", pub, &err), SC_EDATA);
  assert_error_mentions(&err, "did:key:");
  assert_int_equal(
      sc_did_key_decode("DID:KEY:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", pub, &err),
      SC_EDATA);
  assert_int_equal(sc_did_key_decode("did:key:", pub, &err), SC_EDATA);
  assert_int_equal(sc_did_key_decode(NULL, pub, &err), SC_EDATA);
  char with_fragment[200];
  snprintf(with_fragment, sizeof with_fragment, "%s#%s", vm, vm + 8);
  assert_int_equal(sc_did_key_decode(with_fragment, pub, &err), SC_EDATA);
  assert_error_mentions(&err, "fragment");
  assert_int_equal(sc_did_key_resolve_vm(NULL, pub, NULL, 0, &err), SC_EDATA);
  char empty_fragment[200];
  snprintf(empty_fragment, sizeof empty_fragment, "%s#", vm);
  assert_int_equal(sc_did_key_resolve_vm(empty_fragment, pub, NULL, 0, &err), SC_EDATA);
  assert_error_mentions(&err, "does not repeat");
}

static void survives_very_long_input(void **state) {
  (void)state;
  size_t len = 100000;
  char *text = malloc(len + 1);
  assert_non_null(text);
  memcpy(text, "did:key:z", 9);
  memset(text + 9, '6', len - 9);
  text[len] = '\0';
  uint8_t pub[32];
  sc_error err = {0};
  assert_int_equal(sc_did_key_decode(text, pub, &err), SC_EDATA);
  text[len / 2] = '#';
  assert_int_equal(sc_did_key_resolve_vm(text, pub, NULL, 0, &err), SC_EDATA);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(derives_did_from_seed_per_ccg_vectors),
      cmocka_unit_test(refuses_a_did_out_too_small_for_the_did),
      cmocka_unit_test(decodes_every_multikey_in_the_table),
      cmocka_unit_test(derives_table_keys_from_their_seeds),
      cmocka_unit_test(follows_every_parsing_case),
      cmocka_unit_test(rejects_other_key_types_naming_them),
      cmocka_unit_test(rejects_wrong_key_lengths),
      cmocka_unit_test(rejects_non_base58_multikeys),
      cmocka_unit_test(rejects_malformed_dids),
      cmocka_unit_test(survives_very_long_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
