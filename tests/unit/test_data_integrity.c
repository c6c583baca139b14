/* Data Integrity eddsa-jcs-2022: the official W3C vectors, the derived positive and negative
 * vectors of tests/vectors/eddsa-jcs-2022/derived/, round trips, proof sets, tampering. */
#include "test_support.h"

#include <openssl/evp.h>

#define JCS_DIR "eddsa-jcs-2022/"
#define OFFICIAL_VM                                                                                \
  "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#"                                      \
  "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"

static void assert_error_mentions(const sc_error *err, const char *what) {
  if (!strstr(err->message, what))
    fail_msg("message '%s' does not mention '%s'", err->message, what);
}

static void assert_buf_is_vector(const sc_buf *buf, const char *relative) {
  sc_buf expected = {0};
  read_vector(relative, &expected);
  if (buf->len != expected.len || memcmp(buf->data, expected.data, buf->len) != 0)
    fail_msg("%s differs:\n ours: %.*s\n want: %s", relative, (int)buf->len,
             (const char *)buf->data, (const char *)expected.data);
  sc_buf_free(&expected);
}

static void assert_hex_is(const uint8_t *bytes, size_t len, const char *expected_hex) {
  char *hex = sc_hex_encode(bytes, len);
  assert_non_null(hex);
  assert_string_equal(hex, expected_hex);
  free(hex);
}

static void assert_hex_is_vector(const uint8_t *bytes, size_t len, const char *relative) {
  sc_buf expected = {0};
  read_vector(relative, &expected);
  assert_hex_is(bytes, len, (const char *)expected.data);
  sc_buf_free(&expected);
}

/* keyPair.json: privateKeyMultibase is 'z' + base58btc(0x80 0x26 + 32-byte seed). */
static EVP_PKEY *official_key(void) {
  json_t *pair = load_vector_json(JCS_DIR "keyPair.json");
  sc_buf secret = {0};
  sc_error err = {0};
  char header = 0;
  const char *multibase = json_string_value(json_object_get(pair, "privateKeyMultibase"));
  assert_int_equal(sc_multibase_decode(multibase, &header, &secret, &err), SC_OK);
  assert_int_equal(header, 'z');
  assert_int_equal(secret.len, 34);
  assert_int_equal(secret.data[0], 0x80);
  assert_int_equal(secret.data[1], 0x26);
  EVP_PKEY *key = sc_ed25519_from_seed(secret.data + 2, &err);
  assert_non_null(key);
  uint8_t pub[32];
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  char *multikey = sc_multikey_encode(pub);
  assert_string_equal(multikey, json_string_value(json_object_get(pair, "publicKeyMultibase")));
  free(multikey);
  sc_buf_free(&secret);
  json_decref(pair);
  return key;
}

static int verify(const json_t *secured, sc_di_trace *trace, sc_error *err) {
  sc_di_result result;
  return sc_di_verify(secured, NULL, &result, trace, err);
}

/* ---------------------------------------------------------------- official W3C vectors */

static void signing_reproduces_every_official_intermediate(void **state) {
  (void)state;
  EVP_PKEY *key = official_key();
  json_t *document = load_vector_json(JCS_DIR "unsigned.json");
  json_t *config = load_vector_json(JCS_DIR "proofConfigJCS.json");
  sc_proof_options opts = {
      .verification_method = json_string_value(json_object_get(config, "verificationMethod")),
      .created = json_string_value(json_object_get(config, "created")),
  };
  sc_di_trace trace = {0};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(document, key, &opts, &trace, &err), SC_OK);

  assert_buf_is_vector(&trace.canonical_document, JCS_DIR "canonDocJCS.txt");
  assert_buf_is_vector(&trace.canonical_proof_config, JCS_DIR "proofCanonJCS.txt");
  assert_hex_is_vector(trace.document_hash, 32, JCS_DIR "docHashJCS.txt");
  assert_hex_is_vector(trace.proof_config_hash, 32, JCS_DIR "proofHashJCS.txt");
  uint8_t combined[64];
  memcpy(combined, trace.proof_config_hash, 32);
  memcpy(combined + 32, trace.document_hash, 32);
  assert_hex_is_vector(combined, 64, JCS_DIR "combinedHashJCS.txt");
  assert_hex_is_vector(trace.signature, 64, JCS_DIR "sigHexJCS.txt");

  json_t *proofs = json_object_get(document, "proof");
  assert_true(json_is_array(proofs));
  assert_int_equal(json_array_size(proofs), 1);
  sc_buf proof_value = {0};
  assert_true(sc_buf_append_str(
      &proof_value, json_string_value(json_object_get(json_array_get(proofs, 0), "proofValue"))));
  assert_buf_is_vector(&proof_value, JCS_DIR "sigBTC58JCS.txt");
  sc_buf_free(&proof_value);

  /* The whole signed document equals the official one, except that our proof is an array. */
  json_t *official = load_vector_json(JCS_DIR "signedJCS.json");
  assert_true(json_equal(json_array_get(proofs, 0), json_object_get(official, "proof")));
  assert_int_equal(json_object_set(official, "proof", proofs), 0);
  assert_true(json_equal(document, official));

  json_decref(official);
  sc_di_trace_free(&trace);
  json_decref(config);
  json_decref(document);
  EVP_PKEY_free(key);
}

static void verifies_the_official_signed_document(void **state) {
  (void)state;
  json_t *secured = load_vector_json(JCS_DIR "signedJCS.json");
  sc_di_result result;
  sc_di_trace trace = {0};
  sc_error err = {0};
  int rc = sc_di_verify(secured, NULL, &result, &trace, &err);
  if (rc)
    fail_msg("signedJCS.json: %s", err.message);
  assert_int_equal(result.proofs, 1);
  assert_string_equal(result.verification_method, OFFICIAL_VM);
  assert_string_equal(result.created, "2023-02-24T23:36:38Z");
  assert_buf_is_vector(&trace.canonical_document, JCS_DIR "canonDocJCS.txt");
  assert_buf_is_vector(&trace.canonical_proof_config, JCS_DIR "proofCanonJCS.txt");
  sc_di_trace_free(&trace);
  json_decref(secured);
}

/* ---------------------------------------------------------------- derived vectors */

/* Why each negative vector must fail, as the error message should say it. */
static const char *expected_reason(const char *name) {
  static const struct {
    const char *prefix, *reason;
  } reasons[] = {
      {"n01", "does not verify"},
      {"n02", "does not verify"},
      {"n03", "@context does not start with"},
      {"n04", "does not verify"},
      {"n05", "header 'z'"},
      {"n06", "63 bytes"},
      /* relabelled as eddsa-rdfc-2022, it is canonicalized as JSON-LD, where the OB schema
       * validator type is undefined */
      {"n07", "JSON-LD"},
      {"n08", "created"},
      {"n09", "proofPurpose is missing"},
      {"n10", "proofPurpose 'authentication'"},
      /* relabelled Ed25519Signature2020 (an RDF suite), likewise */
      {"n11", "JSON-LD"},
      {"n12", "does not verify"},
  };
  for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    if (strncmp(name, reasons[i].prefix, 3) == 0)
      return reasons[i].reason;
  return NULL;
}

static void assert_trace_matches(const sc_di_trace *trace, json_t *intermediates) {
  const char *canon_doc = json_string_value(json_object_get(intermediates, "canonicalDocument"));
  const char *canon_cfg = json_string_value(json_object_get(intermediates, "canonicalProofConfig"));
  assert_int_equal(trace->canonical_document.len, strlen(canon_doc));
  assert_memory_equal(trace->canonical_document.data, canon_doc, strlen(canon_doc));
  assert_int_equal(trace->canonical_proof_config.len, strlen(canon_cfg));
  assert_memory_equal(trace->canonical_proof_config.data, canon_cfg, strlen(canon_cfg));
  assert_hex_is(trace->document_hash, 32,
                json_string_value(json_object_get(intermediates, "documentHashHex")));
  assert_hex_is(trace->proof_config_hash, 32,
                json_string_value(json_object_get(intermediates, "proofConfigHashHex")));
  uint8_t combined[64];
  memcpy(combined, trace->proof_config_hash, 32);
  memcpy(combined + 32, trace->document_hash, 32);
  assert_hex_is(combined, 64, json_string_value(json_object_get(intermediates, "hashDataHex")));
  assert_hex_is(trace->signature, 64,
                json_string_value(json_object_get(intermediates, "signatureHex")));
}

/* p06 lists no intermediates, only the @context the verified document carries: the proof's,
 * which puts the canonical document back to p01's. */
static void assert_verified_context(const sc_di_trace *trace, json_t *expected) {
  json_t *context = json_object_get(expected, "verifiedDocumentContext");
  assert_non_null(context);
  sc_buf prefix = {0};
  sc_error err = {0};
  assert_true(sc_buf_append_str(&prefix, "{\"@context\":"));
  assert_int_equal(sc_jcs_append(context, &prefix, &err), SC_OK);
  assert_true(trace->canonical_document.len > prefix.len);
  assert_memory_equal(trace->canonical_document.data, prefix.data, prefix.len);
  sc_buf_free(&prefix);
  json_t *index = load_vector_json(JCS_DIR "derived/index.json");
  json_t *p01 = json_object_get(json_object_get(index, "vectors"), "p01-ob3-openbadgecredential");
  assert_trace_matches(trace, json_object_get(p01, "intermediates"));
  json_decref(index);
}

static void check_derived_vector(const char *name, json_t *vector) {
  char path[256];
  snprintf(path, sizeof path, JCS_DIR "derived/%s",
           json_string_value(json_object_get(vector, "securedDocumentFile")));
  json_t *secured = load_vector_json(path); /* parsed from the exact wire bytes */
  bool expected = json_is_true(json_object_get(json_object_get(vector, "expected"), "verified"));
  sc_di_trace trace = {0};
  sc_error err = {0};
  int rc = verify(secured, &trace, &err);
  if (expected) {
    if (rc != SC_OK)
      fail_msg("%s should verify: %s", name, err.message);
    json_t *intermediates = json_object_get(vector, "intermediates");
    if (intermediates)
      assert_trace_matches(&trace, intermediates);
    else
      assert_verified_context(&trace, json_object_get(vector, "expected"));
  } else {
    if (rc != SC_EINVALID)
      fail_msg("%s should fail with SC_EINVALID, got %d (%s)", name, rc, err.message);
    const char *reason = expected_reason(name);
    assert_non_null(reason);
    assert_error_mentions(&err, "proof 1: ");
    assert_error_mentions(&err, reason);
  }
  sc_di_trace_free(&trace);
  json_decref(secured);
}

static void gives_the_expected_verdict_on_every_derived_vector(void **state) {
  (void)state;
  json_t *index = load_vector_json(JCS_DIR "derived/index.json");
  const char *name;
  json_t *vector;
  size_t positive = 0, negative = 0;
  json_object_foreach(json_object_get(index, "vectors"), name, vector) {
    check_derived_vector(name, vector);
    if (name[0] == 'p')
      positive++;
    else
      negative++;
  }
  assert_int_equal(positive, 6);
  assert_int_equal(negative, 12);
  json_decref(index);
}

static void accepts_authentication_purpose_when_asked_for_it(void **state) {
  (void)state;
  json_t *secured = load_vector_json(JCS_DIR "derived/n10-proofPurpose-authentication.json");
  sc_di_verify_options opts = {.expected_purpose = "authentication"};
  sc_di_result result;
  sc_error err = {0};
  assert_int_equal(sc_di_verify(secured, &opts, &result, NULL, &err), SC_OK);
  json_decref(secured);
}

/* ---------------------------------------------------------------- round trips */

static json_t *sample_document(void) {
  json_t *doc = json_pack(
      "{s:[s,s],s:s,s:[s],s:s,s:{s:s,s:f}}", "@context", "https://www.w3.org/ns/credentials/v2",
      "https://www.w3.org/ns/credentials/examples/v2", "id",
      "urn:uuid:0e2a1a7c-8f1e-4c59-9d07-3f6a8c1b2d44", "type", "VerifiableCredential", "issuer",
      "did:example:issuer", "credentialSubject", "name", "Zoë Ångström", "score", 97.5);
  assert_non_null(doc);
  return doc;
}

typedef struct signer {
  EVP_PKEY *key;
  char *vm;
} signer;

static signer fresh_signer(void) {
  sc_error err = {0};
  signer s = {.key = sc_ed25519_generate(&err)};
  assert_non_null(s.key);
  uint8_t pub[32];
  assert_int_equal(sc_ed25519_public(s.key, pub, &err), SC_OK);
  char *did = sc_did_key_encode(pub);
  s.vm = sc_did_key_verification_method(did);
  assert_non_null(s.vm);
  free(did);
  return s;
}

static void signer_free(signer *s) {
  EVP_PKEY_free(s->key);
  free(s->vm);
}

static json_t *proof_of(json_t *doc) {
  return json_array_get(json_object_get(doc, "proof"), 0);
}

static void round_trips_with_a_fresh_key(void **state) {
  (void)state;
  signer s = fresh_signer();
  json_t *doc = sample_document();
  sc_proof_options opts = {.verification_method = s.vm};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, s.key, &opts, NULL, &err), SC_OK);
  json_t *proof = proof_of(doc);
  assert_string_equal(json_string_value(json_object_get(proof, "type")), "DataIntegrityProof");
  assert_string_equal(json_string_value(json_object_get(proof, "cryptosuite")), SC_CRYPTOSUITE);
  assert_string_equal(json_string_value(json_object_get(proof, "proofPurpose")), SC_PROOF_PURPOSE);
  assert_true(json_equal(json_object_get(proof, "@context"), json_object_get(doc, "@context")));
  int64_t created;
  assert_int_equal(
      sc_time_parse(json_string_value(json_object_get(proof, "created")), true, &created, &err),
      SC_OK);
  sc_di_result result;
  assert_int_equal(sc_di_verify(doc, NULL, &result, NULL, &err), SC_OK);
  assert_int_equal(result.proofs, 1);
  assert_string_equal(result.verification_method, s.vm);
  json_decref(doc);
  signer_free(&s);
}

/* Signs sample_document() with eddsa-rdfc-2022, created at `created`, and checks it verifies. */
static json_t *rdfc_signed(const signer *s, const char *created, sc_di_trace *trace) {
  json_t *doc = sample_document();
  sc_proof_options opts = {
      .verification_method = s->vm, .cryptosuite = SC_EDDSA_RDFC_2022, .created = created};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, s->key, &opts, trace, &err), SC_OK);
  sc_di_result result;
  assert_int_equal(sc_di_verify(doc, NULL, &result, NULL, &err), SC_OK);
  return doc;
}

static bool same_bytes(const sc_buf *a, const sc_buf *b) {
  return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* A batch signs every credential with the same proof options, whose canonical form is cached
 * (core/proof_config_cache.c): the cached signing gives the bytes the first, computed one gave
 * (Ed25519 is deterministic), and other options are never served the cached form. */
static void rdfc_signing_with_repeated_proof_options_gives_identical_bytes(void **state) {
  (void)state;
  signer s = fresh_signer(); /* a new verificationMethod: the first signing cannot be cached */
  sc_di_trace first = {0}, again = {0}, later = {0};
  json_t *a = rdfc_signed(&s, "2026-01-02T03:04:05Z", &first);
  json_t *b = rdfc_signed(&s, "2026-01-02T03:04:05Z", &again);
  json_t *c = rdfc_signed(&s, "2026-01-02T03:04:06Z", &later);
  assert_true(json_equal(a, b));
  assert_true(same_bytes(&first.canonical_proof_config, &again.canonical_proof_config));
  assert_memory_equal(first.signature, again.signature, sizeof first.signature);
  assert_false(same_bytes(&first.canonical_proof_config, &later.canonical_proof_config));
  assert_non_null(strstr((const char *)later.canonical_proof_config.data, "03:04:06Z"));
  /* and the cached form is the one canonicalisation gives from scratch */
  json_t *config = json_deep_copy(proof_of(b));
  json_object_del(config, "proofValue");
  json_object_set(config, "@context", json_object_get(b, "@context"));
  sc_buf fresh = {0};
  sc_error err = {0};
  assert_int_equal(sc_jsonld_canonical_nquads(config, &fresh, &err), SC_OK);
  assert_true(same_bytes(&fresh, &again.canonical_proof_config));
  sc_buf_free(&fresh);
  json_decref(config);
  sc_di_trace_free(&first);
  sc_di_trace_free(&again);
  sc_di_trace_free(&later);
  json_decref(a);
  json_decref(b);
  json_decref(c);
  signer_free(&s);
}

static void tampering_one_byte_of_the_proof_value_fails(void **state) {
  (void)state;
  signer s = fresh_signer();
  json_t *doc = sample_document();
  sc_proof_options opts = {.verification_method = s.vm, .created = "2026-01-02T03:04:05Z"};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, s.key, &opts, NULL, &err), SC_OK);
  json_t *proof = proof_of(doc);
  sc_buf sig = {0};
  assert_int_equal(sc_multibase_decode(json_string_value(json_object_get(proof, "proofValue")),
                                       NULL, &sig, &err),
                   SC_OK);
  for (size_t i = 0; i < 64; i += 21) {
    sig.data[i] ^= 0x40;
    char *tampered = sc_multibase_encode('z', sig.data, sig.len);
    assert_int_equal(json_object_set_new(proof, "proofValue", json_string(tampered)), 0);
    free(tampered);
    assert_int_equal(verify(doc, NULL, &err), SC_EINVALID);
    assert_error_mentions(&err, "signature does not verify");
    sig.data[i] ^= 0x40;
  }
  sc_buf_free(&sig);
  json_decref(doc);
  signer_free(&s);
}

static void tampering_the_document_fails(void **state) {
  (void)state;
  signer s = fresh_signer();
  json_t *doc = sample_document();
  sc_proof_options opts = {.verification_method = s.vm};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, s.key, &opts, NULL, &err), SC_OK);
  json_object_set_new(json_object_get(doc, "credentialSubject"), "score", json_real(97.6));
  assert_int_equal(verify(doc, NULL, &err), SC_EINVALID);
  json_decref(doc);
  signer_free(&s);
}

static void omit_context_leaves_the_proof_without_context(void **state) {
  (void)state;
  signer s = fresh_signer();
  json_t *doc = sample_document();
  sc_proof_options opts = {.verification_method = s.vm, .omit_context = true};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, s.key, &opts, NULL, &err), SC_OK);
  assert_null(json_object_get(proof_of(doc), "@context"));
  assert_int_equal(verify(doc, NULL, &err), SC_OK);
  json_decref(doc);
  signer_free(&s);
}

/* ---------------------------------------------------------------- proof sets */

/* Two issuers sign the same document independently; the proofs are then put together. */
static json_t *signed_by_two(signer *a, signer *b) {
  json_t *doc = sample_document();
  json_t *copy = json_deep_copy(doc);
  sc_proof_options oa = {.verification_method = a->vm}, ob = {.verification_method = b->vm};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, a->key, &oa, NULL, &err), SC_OK);
  assert_int_equal(sc_di_sign(copy, b->key, &ob, NULL, &err), SC_OK);
  assert_int_equal(json_array_append(json_object_get(doc, "proof"), proof_of(copy)), 0);
  json_decref(copy);
  return doc;
}

static void verifies_every_proof_of_a_set(void **state) {
  (void)state;
  signer a = fresh_signer(), b = fresh_signer();
  json_t *doc = signed_by_two(&a, &b);
  sc_di_result result;
  sc_error err = {0};
  assert_int_equal(sc_di_verify(doc, NULL, &result, NULL, &err), SC_OK);
  assert_int_equal(result.proofs, 2);
  assert_string_equal(result.verification_method, a.vm);
  json_decref(doc);
  signer_free(&a);
  signer_free(&b);
}

static void fails_a_set_when_one_proof_fails(void **state) {
  (void)state;
  signer a = fresh_signer(), b = fresh_signer();
  json_t *doc = signed_by_two(&a, &b);
  json_t *second = json_array_get(json_object_get(doc, "proof"), 1);
  json_object_set_new(second, "verificationMethod", json_string(a.vm));
  sc_error err = {0};
  assert_int_equal(verify(doc, NULL, &err), SC_EINVALID);
  assert_error_mentions(&err, "proof 2: ");
  json_object_set_new(second, "cryptosuite", json_string("ecdsa-jcs-2019"));
  assert_int_equal(verify(doc, NULL, &err), SC_EINVALID);
  assert_error_mentions(&err, "proof 2: cryptosuite 'ecdsa-jcs-2019' is not supported");
  json_decref(doc);
  signer_free(&a);
  signer_free(&b);
}

/* ---------------------------------------------------------------- refusals */

static void refuses_to_sign_without_what_it_needs(void **state) {
  (void)state;
  signer s = fresh_signer();
  json_t *doc = sample_document();
  sc_error err = {0};
  sc_proof_options none = {0};
  assert_int_equal(sc_di_sign(doc, s.key, &none, NULL, &err), SC_EUSAGE);
  assert_error_mentions(&err, "verificationMethod");
  sc_proof_options bad_time = {.verification_method = s.vm, .created = "yesterday"};
  assert_int_equal(sc_di_sign(doc, s.key, &bad_time, NULL, &err), SC_EDATA);
  assert_error_mentions(&err, "created");
  sc_proof_options no_zone = {.verification_method = s.vm, .created = "2026-01-02T03:04:05"};
  assert_int_equal(sc_di_sign(doc, s.key, &no_zone, NULL, &err), SC_EDATA);
  assert_null(json_object_get(doc, "proof"));
  sc_proof_options ok = {.verification_method = s.vm};
  assert_int_equal(sc_di_sign(doc, s.key, &ok, NULL, &err), SC_OK);
  assert_int_equal(sc_di_sign(doc, s.key, &ok, NULL, &err), SC_EUSAGE);
  assert_error_mentions(&err, "already has a proof");
  json_t *array = json_array();
  assert_int_equal(sc_di_sign(array, s.key, &ok, NULL, &err), SC_EUSAGE);
  json_decref(array);
  json_decref(doc);
  signer_free(&s);
}

static void reports_a_document_without_proof_as_malformed(void **state) {
  (void)state;
  json_t *doc = sample_document();
  sc_error err = {0};
  assert_int_equal(verify(doc, NULL, &err), SC_EDATA);
  assert_error_mentions(&err, "no proof");
  json_object_set_new(doc, "proof", json_array());
  assert_int_equal(verify(doc, NULL, &err), SC_EDATA);
  json_object_set_new(doc, "proof", json_string("z123"));
  assert_int_equal(verify(doc, NULL, &err), SC_EINVALID);
  json_object_set_new(doc, "proof", json_pack("[i]", 1));
  assert_int_equal(verify(doc, NULL, &err), SC_EINVALID);
  assert_error_mentions(&err, "proof 1: not a JSON object");
  json_t *not_object = json_string("x");
  assert_int_equal(verify(not_object, NULL, &err), SC_EDATA);
  json_decref(not_object);
  json_decref(doc);
}

/* Mutates one member of the official signed document's proof and expects a named failure. */
static void expect_proof_rule(const char *member, json_t *value, const char *reason) {
  json_t *secured = load_vector_json(JCS_DIR "signedJCS.json");
  json_t *proof = json_object_get(secured, "proof");
  if (value)
    json_object_set_new(proof, member, value);
  else
    json_object_del(proof, member);
  sc_error err = {0};
  assert_int_equal(verify(secured, NULL, &err), SC_EINVALID);
  assert_error_mentions(&err, reason);
  json_decref(secured);
}

static void names_the_rule_each_broken_proof_breaks(void **state) {
  (void)state;
  expect_proof_rule("type", NULL, "type is missing (expected DataIntegrityProof)");
  expect_proof_rule("cryptosuite", NULL, "cryptosuite is missing (expected eddsa-jcs-2022)");
  expect_proof_rule("cryptosuite", json_integer(7), "cryptosuite is not a string");
  expect_proof_rule("verificationMethod", NULL, "verificationMethod is missing");
  expect_proof_rule("proofValue", NULL, "proofValue is missing");
  expect_proof_rule("proofValue", json_string("z"), "decodes to 0 bytes");
  expect_proof_rule("proofValue", json_string("z0OIl"), "proofValue: base58btc");
  expect_proof_rule("created", json_string("2023-02-30T00:00:00Z"), "created '2023-02-30");
  expect_proof_rule("created", json_true(), "created is not a string");
  expect_proof_rule("previousProof", json_string("urn:uuid:1"), "previousProof");
  /* a bare did:key stands for its key, but the signed proof named the method URL */
  expect_proof_rule("verificationMethod",
                    json_string("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
                    "does not verify");
  expect_proof_rule("@context", json_string("https://example.org/other"),
                    "@context does not start with");
}

static void refuses_proof_context_when_the_document_has_none(void **state) {
  (void)state;
  json_t *secured = load_vector_json(JCS_DIR "signedJCS.json");
  json_object_del(secured, "@context");
  sc_error err = {0};
  assert_int_equal(verify(secured, NULL, &err), SC_EINVALID);
  assert_error_mentions(&err, "@context does not start with");
  json_decref(secured);
}

/* A resolver plugs in for other DID methods: here it maps any method to the official key. */
static int official_key_resolver(void *ctx, const char *vm, uint8_t pub[32], sc_error *err) {
  int *calls = ctx;
  (*calls)++;
  if (strcmp(vm, "https://issuer.example/keys/1") != 0)
    return sc_fail(err, SC_EUNTRUSTED, "unknown key %s", vm);
  return sc_multikey_decode("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", pub, err);
}

static void uses_the_resolver_it_is_given(void **state) {
  (void)state;
  EVP_PKEY *key = official_key();
  json_t *doc = sample_document();
  sc_proof_options opts = {.verification_method = "https://issuer.example/keys/1"};
  sc_error err = {0};
  assert_int_equal(sc_di_sign(doc, key, &opts, NULL, &err), SC_OK);
  assert_int_equal(verify(doc, NULL, &err), SC_EINVALID); /* did:key only by default */
  int calls = 0;
  sc_di_verify_options vopts = {.resolver = official_key_resolver, .resolver_ctx = &calls};
  sc_di_result result;
  assert_int_equal(sc_di_verify(doc, &vopts, &result, NULL, &err), SC_OK);
  assert_int_equal(calls, 1);
  json_object_set_new(proof_of(doc), "verificationMethod", json_string("https://other.example"));
  assert_int_equal(sc_di_verify(doc, &vopts, &result, NULL, &err), SC_EUNTRUSTED);
  json_decref(doc);
  EVP_PKEY_free(key);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(signing_reproduces_every_official_intermediate),
      cmocka_unit_test(verifies_the_official_signed_document),
      cmocka_unit_test(gives_the_expected_verdict_on_every_derived_vector),
      cmocka_unit_test(accepts_authentication_purpose_when_asked_for_it),
      cmocka_unit_test(round_trips_with_a_fresh_key),
      cmocka_unit_test(rdfc_signing_with_repeated_proof_options_gives_identical_bytes),
      cmocka_unit_test(tampering_one_byte_of_the_proof_value_fails),
      cmocka_unit_test(tampering_the_document_fails),
      cmocka_unit_test(omit_context_leaves_the_proof_without_context),
      cmocka_unit_test(verifies_every_proof_of_a_set),
      cmocka_unit_test(fails_a_set_when_one_proof_fails),
      cmocka_unit_test(refuses_to_sign_without_what_it_needs),
      cmocka_unit_test(reports_a_document_without_proof_as_malformed),
      cmocka_unit_test(names_the_rule_each_broken_proof_breaks),
      cmocka_unit_test(refuses_proof_context_when_the_document_has_none),
      cmocka_unit_test(uses_the_resolver_it_is_given),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
