/* Data Integrity proofs: the eddsa-jcs-2022 and eddsa-rdfc-2022 cryptosuites (W3C VC-DI-EDDSA
 * v1.0 sections 3.2 and 3.3), verification of Ed25519Signature2020, proof sets and chains
 * (VC-DATA-INTEGRITY v1.0 section 4). See docs/data-integrity.md for the rules enforced. */
#include "core/core.h"
#include "core/proof_config_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROOF_TYPE "DataIntegrityProof"
#define PROOF_TYPE_2020 "Ed25519Signature2020"

const char *sc_cryptosuite_name(sc_cryptosuite suite) {
  switch (suite) {
  case SC_EDDSA_RDFC_2022:
    return SC_CRYPTOSUITE_RDFC;
  case SC_ED25519_SIGNATURE_2020:
    return PROOF_TYPE_2020;
  case SC_EDDSA_JCS_2022:
    break;
  }
  return SC_CRYPTOSUITE;
}

/* The two canonical forms and their hashes for one proof. */
typedef struct hashes {
  sc_buf canonical_document;
  sc_buf canonical_config;
  uint8_t document_hash[32];
  uint8_t config_hash[32];
} hashes;

static void hashes_free(hashes *h) {
  sc_buf_free(&h->canonical_document);
  sc_buf_free(&h->canonical_config);
}

void sc_di_trace_free(sc_di_trace *trace) {
  if (!trace)
    return;
  sc_buf_free(&trace->canonical_document);
  sc_buf_free(&trace->canonical_proof_config);
  memset(trace, 0, sizeof *trace);
}

/* Hands the intermediates over to the caller's trace (when one was given). */
static void fill_trace(sc_di_trace *trace, hashes *h,
                       const uint8_t sig[SC_ED25519_SIGNATURE_BYTES]) {
  if (!trace)
    return;
  sc_di_trace_free(trace);
  trace->canonical_document = h->canonical_document;
  trace->canonical_proof_config = h->canonical_config;
  memset(&h->canonical_document, 0, sizeof h->canonical_document);
  memset(&h->canonical_config, 0, sizeof h->canonical_config);
  memcpy(trace->document_hash, h->document_hash, 32);
  memcpy(trace->proof_config_hash, h->config_hash, 32);
  memcpy(trace->signature, sig, SC_ED25519_SIGNATURE_BYTES);
}

/* What is hashed, seen without copies: the document without member doc_omit and with
 * @context replaced by doc_context (when not NULL); the proof configuration without member
 * config_omit; for the RDF suites with the document's @context when it has none of its own
 * (their Proof Configuration sets proofConfig.@context so: without it no term is defined). */
typedef struct hash_input {
  const json_t *document;
  const char *doc_omit;
  const json_t *doc_context;
  const json_t *config;
  const char *config_omit;
  sc_cryptosuite suite;
  sc_jsonld_shapes *shapes; /* signing a batch: its shapes (may be NULL) */
} hash_input;

/* The @context the proof configuration is hashed with: its own, else the document's. */
static const json_t *config_context(const hash_input *in) {
  if (json_object_get(in->config, "@context"))
    return NULL;
  return in->doc_context ? in->doc_context : json_object_get(in->document, "@context");
}

/* eddsa-jcs-2022 hashes the proof configuration as the proof gives it: a proof without
 * @context is hashed without one, as the reference implementation (Digital Bazaar's
 * eddsa-jcs-2022-cryptosuite) signs and verifies it (vector p04 of eddsa-jcs-2022/derived). */
static int canonical_jcs(const hash_input *in, hashes *h, sc_error *err) {
  /* Sized once for a credential (≈ 2.5 KB canonical, a 4 KB buffer), not doubled from 64
   * bytes. */
  if (!sc_buf_reserve(&h->canonical_document, 3000))
    return sc_oom(err);
  int rc = sc_jcs_append_object_view(in->config, in->config_omit, NULL, NULL,
                                     &h->canonical_config, err);
  if (!rc)
    rc = sc_jcs_append_object_view(in->document, in->doc_omit, in->doc_context ? "@context" : NULL,
                                   in->doc_context, &h->canonical_document, err);
  return rc;
}

/* A shallow copy of object without omit and with key set to value (when not NULL). */
static json_t *object_view_copy(const json_t *object, const char *omit, const char *key,
                                const json_t *value) {
  json_t *copy = json_copy((json_t *)object);
  if (copy && omit)
    json_object_del(copy, omit);
  if (copy && key && value && json_object_set(copy, key, (json_t *)value)) {
    json_decref(copy);
    copy = NULL;
  }
  return copy;
}

/* The canonical N-Quads of a proof configuration, from the cache when a configuration equal
 * to it was the last one canonicalised (proof_config_cache.c). */
static int canonical_config_nquads(const json_t *config, sc_buf *out, sc_error *err) {
  bool cacheable = sc_proof_config_cacheable(config), found = false;
  if (cacheable && !sc_proof_config_cache_get(config, out, &found))
    return sc_oom(err);
  if (found)
    return SC_OK;
  int rc = sc_jsonld_canonical_nquads(config, out, err);
  if (!rc && cacheable)
    sc_proof_config_cache_put(config, out);
  return rc;
}

static int canonical_rdfc(const hash_input *in, hashes *h, sc_error *err) {
  const json_t *context = config_context(in);
  size_t failures = sc_alloc_failure_count(); /* json_copy may return a copy missing a member */
  json_t *config = object_view_copy(in->config, in->config_omit, "@context", context);
  json_t *document = object_view_copy(in->document, in->doc_omit, "@context", in->doc_context);
  int rc = config && document && sc_alloc_failure_count() == failures ? SC_OK : sc_oom(err);
  if (!rc && (rc = canonical_config_nquads(config, &h->canonical_config, err)))
    sc_error_prefix(err, "the proof's JSON-LD");
  if (!rc &&
      (rc = sc_jsonld_canonical_nquads_shaped(in->shapes, document, &h->canonical_document, err)))
    sc_error_prefix(err, "the document's JSON-LD");
  json_decref(config);
  json_decref(document);
  return rc;
}

/* hashData = SHA-256(canonical proof config) || SHA-256(canonical document): VC-DI-EDDSA 3.2.4
 * and 3.3.4 (the same order for Ed25519Signature2020), the proof configuration's hash first. */
static int hash_data(const hash_input *in, hashes *h, uint8_t out[64], sc_error *err) {
  int rc = in->suite == SC_EDDSA_JCS_2022 ? canonical_jcs(in, h, err) : canonical_rdfc(in, h, err);
  if (rc)
    return rc;
  if (sc_sha256(h->canonical_config.data, h->canonical_config.len, h->config_hash) ||
      sc_sha256(h->canonical_document.data, h->canonical_document.len, h->document_hash))
    return sc_oom(err);
  memcpy(out, h->config_hash, 32);
  memcpy(out + 32, h->document_hash, 32);
  return SC_OK;
}

/* ---------------------------------------------------------------- signing */

static bool set_string(json_t *object, const char *key, const char *value) {
  return json_object_set_new(object, key, json_string(value)) == 0;
}

/* Proof configuration, VC-DI-EDDSA 3.3.5, in the key order people expect to read. */
static json_t *proof_config(const json_t *document, const sc_proof_options *opts,
                            const char *created) {
  json_t *config = json_object();
  const char *purpose = opts->proof_purpose ? opts->proof_purpose : SC_PROOF_PURPOSE;
  bool ok = config && set_string(config, "type", PROOF_TYPE) &&
            set_string(config, "cryptosuite", sc_cryptosuite_name(opts->cryptosuite)) &&
            set_string(config, "created", created) &&
            set_string(config, "verificationMethod", opts->verification_method) &&
            set_string(config, "proofPurpose", purpose) &&
            (!opts->challenge || set_string(config, "challenge", opts->challenge)) &&
            (!opts->domain || set_string(config, "domain", opts->domain));
  /* Create Proof step 2: the proof carries the document's @context, so a verifier can tell
   * contexts appended later from the signed ones. A deep copy: proof and document stay
   * independent values. */
  json_t *context = json_object_get(document, "@context");
  /* Only for JCS: an RDF proof is hashed with the document's @context anyway, and the W3C
   * eddsa-rdfc-2022 vectors carry none in the proof. */
  if (ok && context && !opts->omit_context && opts->cryptosuite == SC_EDDSA_JCS_2022)
    ok = json_object_set_new(config, "@context", json_deep_copy(context)) == 0;
  if (!ok)
    json_decref(config);
  return ok ? config : NULL;
}

static int check_sign_inputs(const json_t *document, const sc_proof_options *opts, sc_error *err) {
  if (!json_is_object(document))
    return sc_fail(err, SC_EUSAGE, "data integrity: the document to sign is not a JSON object");
  if (!opts || (opts->cryptosuite != SC_EDDSA_JCS_2022 && opts->cryptosuite != SC_EDDSA_RDFC_2022))
    return sc_fail(err, SC_EUSAGE, "data integrity: skillcert signs with eddsa-jcs-2022 or "
                                   "eddsa-rdfc-2022 only");
  if (json_object_get(document, "proof") && !opts->add_to_set)
    return sc_fail(err, SC_EUSAGE,
                   "data integrity: the document already has a proof (take it out to make a "
                   "proof set)");
  if (!opts || !opts->verification_method || !*opts->verification_method)
    return sc_fail(err, SC_EUSAGE, "data integrity: a verificationMethod is required to sign");
  int64_t epoch;
  if (opts->created && sc_time_parse(opts->created, true, &epoch, err))
    return sc_error_prefix(err, "data integrity: proof created");
  return SC_OK;
}

static sc_cryptosuite opts_suite(const json_t *config) {
  const char *cs = json_string_value(json_object_get(config, "cryptosuite"));
  return cs && strcmp(cs, SC_CRYPTOSUITE_RDFC) == 0 ? SC_EDDSA_RDFC_2022 : SC_EDDSA_JCS_2022;
}

/* Signs the configuration and document; adds proofValue to config. */
static int sign_config(json_t *document, json_t *config, sc_signer *signer,
                       sc_jsonld_shapes *shapes, sc_di_trace *trace, sc_error *err) {
  hashes h = {0};
  uint8_t data[64], sig[SC_ED25519_SIGNATURE_BYTES];
  /* A proof of a set covers the document without the other proofs. */
  hash_input in = {.document = document,
                   .doc_omit = "proof",
                   .config = config,
                   .suite = opts_suite(config),
                   .shapes = shapes};
  int rc = hash_data(&in, &h, data, err);
  if (!rc)
    rc = sc_signer_sign(signer, data, sizeof data, sig, err);
  char *value = rc ? NULL : sc_multibase_encode('z', sig, sizeof sig);
  if (!rc && (!value || json_object_set_new(config, "proofValue", json_string(value))))
    rc = sc_oom(err);
  if (!rc)
    fill_trace(trace, &h, sig);
  free(value);
  hashes_free(&h);
  return rc;
}

int sc_di_sign_with(json_t *document, sc_signer *signer, const sc_proof_options *opts,
                    sc_di_trace *trace, sc_error *err) {
  int rc = check_sign_inputs(document, opts, err);
  if (rc)
    return rc;
  if (!signer)
    return sc_fail(err, SC_EUSAGE, "data integrity: no signer");
  char now[21];
  if (!opts->created)
    sc_time_format((int64_t)time(NULL), now);
  json_t *proof = proof_config(document, opts, opts->created ? opts->created : now);
  if (!proof)
    return sc_oom(err);
  rc = sign_config(document, proof, signer, opts->shapes, trace, err);
  if (rc) {
    json_decref(proof);
    return rc;
  }
  /* Open Badges 3.0 requires proof to be an array. */
  /* The _new calls take their value's reference even when they fail. */
  json_t *existing = json_object_get(document, "proof");
  if (json_is_array(existing))
    return json_array_append_new(existing, proof) ? sc_oom(err) : SC_OK;
  json_t *set = json_array();
  if (!set || (existing && json_array_append(set, existing))) {
    json_decref(proof);
    json_decref(set);
    return sc_oom(err);
  }
  if (json_array_append_new(set, proof)) {
    json_decref(set);
    return sc_oom(err);
  }
  return json_object_set_new(document, "proof", set) ? sc_oom(err) : SC_OK;
}

int sc_di_sign(json_t *document, EVP_PKEY *key, const sc_proof_options *opts, sc_di_trace *trace,
               sc_error *err) {
  int rc = check_sign_inputs(document, opts, err);
  if (rc)
    return rc;
  sc_signer *signer = sc_signer_new(key, err);
  if (!signer)
    return err ? err->code : SC_EUSAGE;
  rc = sc_di_sign_with(document, signer, opts, trace, err);
  sc_signer_free(signer);
  return rc;
}

/* ---------------------------------------------------------------- verifying: the rules */

/* A required string member equal to one value; names what was expected. */
static int require_value(const json_t *proof, const char *name, const char *expected,
                         const char *what, sc_error *err) {
  json_t *member = json_object_get(proof, name);
  if (!member)
    return sc_fail(err, SC_EINVALID, "%s is missing (expected %s)", name, expected);
  if (!json_is_string(member))
    return sc_fail(err, SC_EINVALID, "%s is not a string (expected %s)", name, expected);
  if (strcmp(json_string_value(member), expected) != 0)
    return sc_fail(err, SC_EINVALID, "%s '%.80s' %s (expected %s)", name, json_string_value(member),
                   what, expected);
  return SC_OK;
}

static int check_created(const json_t *proof, sc_error *err) {
  json_t *created = json_object_get(proof, "created");
  if (!created)
    return SC_OK; /* optional in Data Integrity */
  if (!json_is_string(created))
    return sc_fail(err, SC_EINVALID, "created is not a string (expected an XML Schema dateTime)");
  int64_t epoch;
  sc_error ignored = {0};
  if (sc_time_parse(json_string_value(created), false, &epoch, &ignored))
    return sc_fail(err, SC_EINVALID, "created '%.64s' is not a valid XML Schema dateTime",
                   json_string_value(created));
  return SC_OK;
}

/* proofValue: multibase base58btc ('z' only, VC-DI-EDDSA 2.2.1) of exactly 64 bytes. */
static int decode_proof_value(const json_t *proof, uint8_t sig[SC_ED25519_SIGNATURE_BYTES],
                              sc_error *err) {
  const char *value = json_string_value(json_object_get(proof, "proofValue"));
  if (!value)
    return sc_fail(err, SC_EINVALID, "proofValue is missing or not a string");
  if (value[0] != 'z')
    return sc_fail(err, SC_EINVALID,
                   "proofValue must be multibase base58btc (header 'z'), found header '%.1s'",
                   value);
  sc_buf bytes = {0};
  int rc = sc_multibase_decode(value, NULL, &bytes, err);
  if (rc == SC_EDATA) {
    sc_error_prefix(err, "proofValue");
    rc = err ? (err->code = SC_EINVALID) : SC_EINVALID;
  } else if (!rc && bytes.len != SC_ED25519_SIGNATURE_BYTES)
    rc = sc_fail(err, SC_EINVALID, "proofValue decodes to %zu bytes, expected a %d-byte signature",
                 bytes.len, SC_ED25519_SIGNATURE_BYTES);
  if (!rc)
    memcpy(sig, bytes.data, SC_ED25519_SIGNATURE_BYTES);
  sc_buf_free(&bytes);
  return rc;
}

/* VC-DI-EDDSA 3.3.5 (Proof Configuration) and VC-DATA-INTEGRITY 4.4 steps 4-5. */
/* Which suite made the proof: DataIntegrityProof with a cryptosuite skillcert knows, or
 * Ed25519Signature2020; anything else is refused by name. */
static int proof_suite(const json_t *proof, sc_cryptosuite *suite, sc_error *err) {
  const char *type = json_string_value(json_object_get(proof, "type"));
  if (type && strcmp(type, PROOF_TYPE_2020) == 0) {
    *suite = SC_ED25519_SIGNATURE_2020;
    return SC_OK;
  }
  int rc = require_value(proof, "type", PROOF_TYPE, "is not supported", err);
  if (rc) {
    if (err && type)
      snprintf(err->message, sizeof err->message,
               "type '%.80s' is not supported (expected DataIntegrityProof or Ed25519Signature2020)",
               type);
    return rc;
  }
  const char *cs = json_string_value(json_object_get(proof, "cryptosuite"));
  if (cs && strcmp(cs, SC_CRYPTOSUITE_RDFC) == 0) {
    *suite = SC_EDDSA_RDFC_2022;
    return SC_OK;
  }
  *suite = SC_EDDSA_JCS_2022;
  rc = require_value(proof, "cryptosuite", SC_CRYPTOSUITE, "is not supported", err);
  if (rc && err && cs)
    snprintf(err->message, sizeof err->message,
             "cryptosuite '%.80s' is not supported (expected eddsa-rdfc-2022 or eddsa-jcs-2022)", cs);
  return rc;
}

static int check_rules(const json_t *proof, const char *purpose, sc_cryptosuite *suite,
                       sc_error *err) {
  int rc = proof_suite(proof, suite, err);
  if (!rc && !json_is_string(json_object_get(proof, "verificationMethod")))
    rc = sc_fail(err, SC_EINVALID, "verificationMethod is missing or not a string");
  if (!rc)
    rc = require_value(proof, "proofPurpose", purpose, "is not the purpose asked for", err);
  if (!rc)
    rc = check_created(proof, err);
  return rc;
}

/* ---------------------------------------------------------------- verifying: @context */

static size_t context_length(const json_t *context) {
  return json_is_array(context) ? json_array_size(context) : 1;
}

static const json_t *context_item(const json_t *context, size_t i) {
  return json_is_array(context) ? json_array_get(context, i) : context;
}

/* Verify Proof step 4.1: the document's @context starts with all of the proof's, in order. */
static bool context_starts_with(const json_t *document_context, const json_t *proof_context) {
  size_t n = context_length(proof_context);
  if (!document_context || context_length(document_context) < n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!json_equal((json_t *)context_item(document_context, i),
                    (json_t *)context_item(proof_context, i)))
      return false;
  return true;
}

/* The unsecured document to hash is the secured one without proof; when the proof carries
 * @context, step 4.2 sets the document's @context to it (contexts appended after signing are
 * not covered). Fills in->doc_context. */
static int document_context(const json_t *secured, const json_t *proof, hash_input *in,
                            sc_error *err) {
  json_t *proof_context = json_object_get(proof, "@context");
  if (!proof_context)
    return SC_OK;
  if (!context_starts_with(json_object_get(secured, "@context"), proof_context))
    return sc_fail(err, SC_EINVALID,
                   "the document @context does not start with the proof's @context, in order");
  in->doc_context = proof_context;
  return SC_OK;
}

/* ---------------------------------------------------------------- verifying: one proof */

static int resolve_did_key(void *ctx, const char *vm, uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                           sc_error *err) {
  (void)ctx;
  return sc_did_key_resolve_vm(vm, pub, NULL, 0, err);
}

static int resolve_key(const json_t *proof, const sc_di_verify_options *opts,
                       uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err) {
  const char *vm = json_string_value(json_object_get(proof, "verificationMethod"));
  sc_key_resolver resolver = opts && opts->resolver ? opts->resolver : resolve_did_key;
  int rc = resolver(opts ? opts->resolver_ctx : NULL, vm, pub, err);
  if (rc && err)
    sc_error_prefix(err, "verificationMethod");
  /* A key that cannot be read makes the proof invalid; other failures keep their code. */
  if (rc == SC_EDATA)
    rc = err ? (err->code = SC_EINVALID) : SC_EINVALID;
  return rc;
}

/* Hashes and checks the signature of one proof against the unsecured document (secured
 * without its proof), and the proof options (the proof without proofValue, Verify Proof
 * steps 2-3). */
static int check_signature_of(const json_t *secured, const char *doc_omit, const json_t *proof,
                              sc_cryptosuite suite, const sc_di_verify_options *opts,
                              const uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_di_trace *trace,
                              sc_error *err) {
  hash_input in = {.document = secured,
                   .doc_omit = doc_omit,
                   .config = proof,
                   .config_omit = "proofValue",
                   .suite = suite};
  int rc = document_context(secured, proof, &in, err);
  if (rc)
    return rc;
  hashes h = {0};
  uint8_t data[64], pub[SC_ED25519_PUBLIC_BYTES];
  rc = hash_data(&in, &h, data, err);
  if (rc == SC_EDATA && err)
    err->code = rc = SC_EINVALID; /* a document JCS cannot express cannot verify */
  if (!rc)
    rc = resolve_key(proof, opts, pub, err);
  sc_error verify_err = {0};
  if (!rc && sc_ed25519_verify_cached(opts ? opts->keys : NULL, pub, data, sizeof data, sig,
                                      SC_ED25519_SIGNATURE_BYTES, &verify_err) == SC_ESOFTWARE)
    rc = sc_fail(err, SC_ESOFTWARE, "%s", verify_err.message);
  else if (!rc && verify_err.code)
    rc = sc_fail(err, SC_EINVALID,
                 "the signature does not verify (document or proof changed after signing, or "
                 "not signed by %.200s)",
                 json_string_value(json_object_get(proof, "verificationMethod")));
  fill_trace(trace, &h, sig);
  hashes_free(&h);
  return rc;
}

/* The document a proof of a chain covers (VC-DATA-INTEGRITY 4.3, Verify Proof Sets and
 * Chains): the document with only the proofs its previousProof names, in *chained (a new
 * reference); NULL when the proof names none. */
static int chain_document(const json_t *secured, const json_t *proof, const json_t *proofs,
                          json_t **chained, sc_error *err) {
  *chained = NULL;
  json_t *previous = json_object_get(proof, "previousProof");
  if (!previous)
    return SC_OK;
  json_t *ids = json_is_array(previous) ? json_incref(previous) : json_pack("[O]", previous);
  json_t *matching = json_array();
  size_t i;
  json_t *id;
  int rc = SC_OK;
  json_array_foreach(ids, i, id) {
    const json_t *found = NULL;
    for (size_t k = 0; json_is_string(id) && k < json_array_size(proofs) && !found; k++)
      if (json_equal(json_object_get(json_array_get(proofs, k), "id"), id))
        found = json_array_get(proofs, k);
    if (!found) {
      rc = sc_fail(err, SC_EINVALID, "previousProof '%.100s' names no proof of the set",
                   json_is_string(id) ? json_string_value(id) : "(not a string)");
      break;
    }
    json_array_append(matching, (json_t *)found);
  }
  if (!rc) {
    *chained = json_copy((json_t *)secured);
    json_object_set(*chained, "proof", matching);
  }
  json_decref(matching);
  json_decref(ids);
  return rc;
}

static int verify_one(const json_t *secured, const json_t *proof, const json_t *proofs,
                      const sc_di_verify_options *opts, sc_cryptosuite *suite, sc_di_trace *trace,
                      sc_error *err) {
  if (!json_is_object(proof))
    return sc_fail(err, SC_EINVALID, "not a JSON object");
  const char *purpose = opts && opts->expected_purpose ? opts->expected_purpose : SC_PROOF_PURPOSE;
  uint8_t sig[SC_ED25519_SIGNATURE_BYTES];
  int rc = check_rules(proof, purpose, suite, err);
  if (!rc)
    rc = decode_proof_value(proof, sig, err);
  json_t *chained = NULL;
  if (!rc)
    rc = chain_document(secured, proof, proofs, &chained, err);
  /* A chained proof covers the document with its previous proofs as "proof"; a proof of a
   * set covers the document without any. */
  if (!rc)
    rc = check_signature_of(chained ? chained : secured, chained ? NULL : "proof", proof, *suite,
                            opts, sig, trace, err);
  json_decref(chained);
  return rc;
}

static void fill_result(sc_di_result *result, const json_t *first, size_t proofs) {
  if (!result)
    return;
  memset(result, 0, sizeof *result);
  result->proofs = proofs;
  const char *vm = json_string_value(json_object_get(first, "verificationMethod"));
  const char *created = json_string_value(json_object_get(first, "created"));
  snprintf(result->verification_method, sizeof result->verification_method, "%s", vm ? vm : "");
  snprintf(result->created, sizeof result->created, "%s", created ? created : "");
}

int sc_di_verify(const json_t *secured, const sc_di_verify_options *opts, sc_di_result *result,
                 sc_di_trace *trace, sc_error *err) {
  if (result)
    memset(result, 0, sizeof *result);
  if (!json_is_object(secured))
    return sc_fail(err, SC_EDATA, "data integrity: the secured document is not a JSON object");
  json_t *proofs = json_object_get(secured, "proof");
  bool is_set = json_is_array(proofs);
  size_t count = is_set ? json_array_size(proofs) : 1;
  if (!proofs || count == 0)
    return sc_fail(err, SC_EDATA, "data integrity: the document has no proof");
  if (!is_set && !json_is_object(proofs))
    return sc_fail(err, SC_EINVALID, "data integrity: proof is neither an object nor an array");
  /* Every proof is checked against the document without "proof", which the canonical form
   * leaves out (sc_jcs_append_object_view) instead of copying the document. */
  int rc = SC_OK;
  json_t *set = is_set ? json_incref(proofs) : json_pack("[O]", proofs);
  char suites[96] = "";
  for (size_t i = 0; i < count && !rc; i++) {
    const json_t *proof = json_array_get(set, i);
    sc_cryptosuite suite = SC_EDDSA_JCS_2022;
    rc = verify_one(secured, proof, set, opts, &suite, i == 0 ? trace : NULL, err);
    if (rc && err)
      sc_error_prefix(err, "proof %zu", i + 1);
    size_t used = strlen(suites);
    snprintf(suites + used, sizeof suites - used, "%s%s", i ? "," : "", sc_cryptosuite_name(suite));
  }
  json_decref(set);
  fill_result(result, is_set ? json_array_get(proofs, 0) : proofs, rc ? 0 : count);
  if (result && !rc)
    snprintf(result->cryptosuites, sizeof result->cryptosuites, "%s", suites);
  return rc;
}
