/* eddsa-rdfc-2022 against the W3C vc-di-eddsa test vectors (vectors eddsa-rdfc-2022/,
 * PROVENANCE.md there): canonical forms, hashes and the signature byte for byte, proof sets
 * and chains (B.5), and a proof set of both suites made by skillcert. */
#include "test_support.h"

#include <openssl/evp.h>

#define VEC "eddsa-rdfc-2022/"

static char *vector_text(const char *name) {
  sc_buf raw = {0};
  read_vector(name, &raw);
  char *text = sc_buf_take(&raw);
  sc_buf_free(&raw);
  return text;
}

/* The Ed25519 key of a keyPair.json (privateKeyMultibase: 0x80 0x26 + 32-byte seed). */
static EVP_PKEY *vector_key(const json_t *pair) {
  sc_buf raw = {0};
  sc_error err = {0};
  const char *priv = json_string_value(json_object_get(pair, "privateKeyMultibase"));
  assert_int_equal(sc_multibase_decode(priv, NULL, &raw, &err), SC_OK);
  assert_int_equal(raw.len, 34);
  assert_int_equal(raw.data[0], 0x80);
  assert_int_equal(raw.data[1], 0x26);
  EVP_PKEY *key = sc_ed25519_from_seed(raw.data + 2, &err);
  assert_non_null(key);
  sc_buf_free(&raw);
  return key;
}

static void canonical_document_matches_the_spec_vector(void **state) {
  (void)state;
  json_t *unsigned_doc = load_vector_json(VEC "unsigned.json");
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_jsonld_canonical_nquads(unsigned_doc, &out, &err), SC_OK);
  char *want = vector_text(VEC "canonDocDataInt.txt");
  assert_string_equal((char *)out.data, want);
  free(want);
  sc_buf_reset(&out);
  json_t *config = load_vector_json(VEC "proofConfigDataInt.json");
  assert_int_equal(sc_jsonld_canonical_nquads(config, &out, &err), SC_OK);
  want = vector_text(VEC "proofCanonDataInt.txt");
  assert_string_equal((char *)out.data, want);
  free(want);
  sc_buf_free(&out);
  json_decref(config);
  json_decref(unsigned_doc);
}

static void signing_reproduces_the_spec_signature(void **state) {
  (void)state;
  json_t *doc = load_vector_json(VEC "unsigned.json");
  json_t *pair = load_vector_json(VEC "keyPair.json");
  json_t *config = load_vector_json(VEC "proofConfigDataInt.json");
  EVP_PKEY *key = vector_key(pair);
  sc_proof_options opts = {
      .verification_method = json_string_value(json_object_get(config, "verificationMethod")),
      .created = json_string_value(json_object_get(config, "created")),
      .cryptosuite = SC_EDDSA_RDFC_2022};
  sc_di_trace trace = {0};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, key, &opts, &trace, &err), SC_OK);
  char *doc_hash = sc_hex_encode(trace.document_hash, 32);
  char *config_hash = sc_hex_encode(trace.proof_config_hash, 32);
  char *want_doc = vector_text(VEC "docHashDataInt.txt");
  char *want_config = vector_text(VEC "proofHashDataInt.txt");
  assert_non_null(strstr(want_doc, doc_hash));
  assert_non_null(strstr(want_config, config_hash));
  json_t *proof = json_array_get(json_object_get(doc, "proof"), 0);
  char *want_sig = vector_text(VEC "sigBTC58DataInt.txt");
  const char *got_sig = json_string_value(json_object_get(proof, "proofValue"));
  assert_non_null(strstr(want_sig, got_sig));
  assert_string_equal(json_string_value(json_object_get(proof, "cryptosuite")), "eddsa-rdfc-2022");
  free(doc_hash), free(config_hash), free(want_doc), free(want_config), free(want_sig);
  sc_di_trace_free(&trace);
  EVP_PKEY_free(key);
  json_decref(config);
  json_decref(pair);
  json_decref(doc);
}

static void spec_signed_credential_verifies_and_tampering_fails(void **state) {
  (void)state;
  json_t *signed_doc = load_vector_json(VEC "signedDataInt.json");
  sc_di_result result;
  sc_error err = {0};
  assert_int_equal(sc_di_verify(signed_doc, NULL, &result, NULL, &err), SC_OK);
  assert_string_equal(result.cryptosuites, "eddsa-rdfc-2022");
  json_object_set_new(json_object_get(signed_doc, "credentialSubject"), "alumniOf",
                      json_string("The School of Forgery"));
  assert_int_equal(sc_di_verify(signed_doc, NULL, &result, NULL, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "does not verify"));
  json_decref(signed_doc);
}

static void undefined_term_makes_the_proof_invalid(void **state) {
  (void)state;
  /* Safe mode: a property no context defines would be dropped from the signed statements,
   * so the credential is invalid rather than silently partly signed. */
  json_t *signed_doc = load_vector_json(VEC "signedDataInt.json");
  /* The VC 2.0 context maps unknown terms with its @vocab; the VC 1.1 context does not. */
  json_object_set_new(signed_doc, "@context",
                      json_pack("[s,s]", "https://www.w3.org/2018/credentials/v1",
                                "https://w3id.org/security/data-integrity/v2"));
  json_object_set_new(signed_doc, "notInAnyContext", json_string("x"));
  sc_error err = {0};
  assert_int_equal(sc_di_verify(signed_doc, NULL, NULL, NULL, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "is not defined by the credential's contexts"));
  json_decref(signed_doc);
}

static void proof_sets_and_chains_of_the_spec_verify(void **state) {
  (void)state;
  static const char *const files[] = {"signedProofSet1.json", "signedProofSet2.json",
                                      "signedProofChain1.json", "signedProofChain2.json"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[256];
    snprintf(path, sizeof path, VEC "proof-set-chain/%s", files[i]);
    json_t *doc = load_vector_json(path);
    sc_di_result result;
    sc_error err = {0};
    if (sc_di_verify(doc, NULL, &result, NULL, &err) != SC_OK)
      fail_msg("%s: %s", files[i], err.message);
    json_decref(doc);
  }
}

static void chain_naming_a_missing_proof_is_invalid(void **state) {
  (void)state;
  json_t *doc = load_vector_json(VEC "proof-set-chain/signedProofChain2.json");
  json_t *last = json_array_get(json_object_get(doc, "proof"), 3);
  json_object_set_new(last, "previousProof", json_string("urn:uuid:not-there"));
  sc_error err = {0};
  assert_int_equal(sc_di_verify(doc, NULL, NULL, NULL, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "names no proof"));
  /* and dropping a proof the chain covers breaks the chained signature */
  json_decref(doc);
  doc = load_vector_json(VEC "proof-set-chain/signedProofChain2.json");
  json_array_remove(json_object_get(doc, "proof"), 1);
  assert_int_equal(sc_di_verify(doc, NULL, NULL, NULL, &err), SC_EINVALID);
  json_decref(doc);
}

static void proof_set_of_both_suites_verifies(void **state) {
  (void)state;
  json_t *doc = load_vector_json(VEC "unsigned.json");
  json_t *pair = load_vector_json(VEC "keyPair.json");
  EVP_PKEY *key = vector_key(pair);
  const char *vm = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#"
                   "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
  sc_proof_options rdfc = {.verification_method = vm, .cryptosuite = SC_EDDSA_RDFC_2022};
  sc_proof_options jcs = {.verification_method = vm, .add_to_set = true};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, key, &rdfc, NULL, &err), SC_OK);
  assert_int_equal(sc_di_sign(doc, key, &jcs, NULL, &err), SC_OK);
  sc_di_result result;
  assert_int_equal(sc_di_verify(doc, NULL, &result, NULL, &err), SC_OK);
  assert_int_equal(result.proofs, 2);
  assert_string_equal(result.cryptosuites, "eddsa-rdfc-2022,eddsa-jcs-2022");
  EVP_PKEY_free(key);
  json_decref(pair);
  json_decref(doc);
}

static void unknown_suites_are_refused_by_name(void **state) {
  (void)state;
  json_t *doc = load_vector_json(VEC "signedDataInt.json");
  json_t *proof = json_object_get(doc, "proof");
  if (json_is_array(proof))
    proof = json_array_get(proof, 0);
  json_object_set_new(proof, "cryptosuite", json_string("ecdsa-sd-2023"));
  sc_error err = {0};
  assert_int_equal(sc_di_verify(doc, NULL, NULL, NULL, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "'ecdsa-sd-2023' is not supported"));
  json_object_set_new(proof, "type", json_string("BbsBlsSignature2020"));
  assert_int_equal(sc_di_verify(doc, NULL, NULL, NULL, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "'BbsBlsSignature2020' is not supported"));
  json_decref(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(canonical_document_matches_the_spec_vector),
      cmocka_unit_test(signing_reproduces_the_spec_signature),
      cmocka_unit_test(spec_signed_credential_verifies_and_tampering_fails),
      cmocka_unit_test(undefined_term_makes_the_proof_invalid),
      cmocka_unit_test(proof_sets_and_chains_of_the_spec_verify),
      cmocka_unit_test(chain_naming_a_missing_proof_is_invalid),
      cmocka_unit_test(proof_set_of_both_suites_verifies),
      cmocka_unit_test(unknown_suites_are_refused_by_name),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
