/* The verifier's VC 2.0 content checks against the W3C VC 2.0 test suite's inputs in
 * tests/vectors/vcdm2/ (PROVENANCE.md there). Those are issuer inputs: each is completed
 * as the suite's issuer would (issuer = the signing key's did:key, placeholder dates
 * replaced), signed with eddsa-jcs-2022 and verified with a trust list naming that key. */
#include "test_support.h"

#include <openssl/evp.h>
#include <time.h>

#include "verifier/verifier.h"

#define VCDM2_DIR "vcdm2"
#define YEAR (365 * 86400)
#define VC_CONTEXT_URL "https://www.w3.org/ns/credentials/v2"

typedef struct signer_fixture {
  EVP_PKEY *key;
  char *did;
  char *vm;
  sc_trust_list *trust;
} signer_fixture;

/* Vectors whose verdict here differs from what their name asks for, and why. The test fails
 * when one of them starts giving another exit code, so the list cannot go stale. */
typedef struct exception {
  const char *file;
  int exit_code;
  const char *why;
} exception;

static const exception exceptions[] = {
    {"credential-type-mapped-nonurl-fail.json", SC_OK,
     "the type maps to a non-URL only through JSON-LD expansion of an embedded context; a JCS "
     "verifier does not process contexts"},
    {"credential-type-unmapped-fail.json", SC_OK,
     "\"@vocab\": null leaves the type unmapped only under JSON-LD processing, which a JCS "
     "verifier does not do"},
    {"credential-proof-ok.json", SC_EINVALID,
     "it carries an Ed25519Signature2020 proof (RDF canonicalization, no verificationMethod); "
     "skillcert verifies every proof of a set as eddsa-jcs-2022 (docs/verify.md), so the set "
     "our proof joins does not verify"},
};

static const exception *exception_for(const char *file) {
  for (size_t i = 0; i < sizeof exceptions / sizeof *exceptions; i++) {
    if (strcmp(exceptions[i].file, file) == 0)
      return &exceptions[i];
  }
  return NULL;
}

static bool ends_with(const char *text, const char *suffix) {
  size_t n = strlen(text), m = strlen(suffix);
  return n >= m && strcmp(text + n - m, suffix) == 0;
}

static int setup(void **state) {
  signer_fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  uint8_t seed[32], pub[32];
  memset(seed, 7, sizeof seed);
  sc_error err = {0};
  f->key = sc_ed25519_from_seed(seed, &err);
  assert_non_null(f->key);
  assert_int_equal(sc_ed25519_public(f->key, pub, &err), SC_OK);
  f->did = sc_did_key_encode(pub);
  f->vm = sc_did_key_verification_method(f->did);
  f->trust = sc_trust_new();
  assert_non_null(f->vm);
  assert_non_null(f->trust);
  assert_int_equal(sc_trust_add(f->trust, f->did, "W3C test issuer", &err), SC_OK);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  signer_fixture *f = *state;
  EVP_PKEY_free(f->key);
  free(f->did);
  free(f->vm);
  sc_trust_free(f->trust);
  free(f);
  return 0;
}

/* What the suite's issuer does before signing: supplies itself as issuer (also as the id of an
 * issuer object without one) and the dates the placeholders stand for. */
static void complete_as_issuer(json_t *doc, const char *did, int64_t now) {
  json_t *issuer = json_object_get(doc, "issuer");
  if (!issuer)
    json_object_set_new(doc, "issuer", json_string(did));
  else if (json_is_object(issuer) && !json_object_get(issuer, "id"))
    json_object_set_new(issuer, "id", json_string(did));
  char past[21], future[21];
  sc_time_format(now - YEAR, past);
  sc_time_format(now + YEAR, future);
  const char *fields[] = {"validFrom", "validUntil"};
  for (size_t i = 0; i < 2; i++) {
    const char *value = json_string_value(json_object_get(doc, fields[i]));
    if (value && strcmp(value, "PAST DATE") == 0)
      json_object_set_new(doc, fields[i], json_string(past));
    else if (value && strcmp(value, "FUTURE DATE") == 0)
      json_object_set_new(doc, fields[i], json_string(future));
  }
}

/* Signs doc; a proof it already had stays, first in the proof set. */
static void sign(json_t *doc, const signer_fixture *f) {
  json_t *existing = json_incref(json_object_get(doc, "proof"));
  json_object_del(doc, "proof");
  sc_proof_options po = {.verification_method = f->vm, .created = "2023-01-01T00:00:00Z"};
  sc_error err = {0};
  if (sc_di_sign(doc, f->key, &po, NULL, &err) != SC_OK)
    fail_msg("sign: %s", err.message);
  if (existing)
    json_array_insert_new(json_object_get(doc, "proof"), 0, existing);
}

/* Completes, signs and verifies the vector file at now. */
static int verify_vector(const signer_fixture *f, const char *file, int64_t now,
                         sc_verification *v) {
  char relative[512];
  snprintf(relative, sizeof relative, VCDM2_DIR "/%s", file);
  json_t *doc = load_vector_json(relative);
  complete_as_issuer(doc, f->did, now);
  sign(doc, f);
  char *text = json_dumps(doc, JSON_COMPACT);
  assert_non_null(text);
  sc_verify_options opts = {.trust = f->trust, .now = now};
  int rc = sc_verify_json(text, strlen(text), file, &opts, v);
  free(text);
  json_decref(doc);
  return rc;
}

static const sc_check *failed_with(const sc_verification *v, int code) {
  for (size_t i = 0; i < v->check_count; i++) {
    if (v->checks[i].state == SC_CHECK_FAILED && v->checks[i].code == code)
      return &v->checks[i];
  }
  return NULL;
}

/* *-ok: no check may fail as invalid (1). Expired or not yet valid (4: the suite's fixed
 * dates lie in the past or far future) and status not checked (6: the suite's
 * CredentialStatusList2017 is no type we support) are verdicts about the credential's time
 * and status, not its content, so they are fine here. */
static void expect_ok(const char *file, const sc_verification *v) {
  const sc_check *bad = failed_with(v, SC_EINVALID);
  if (bad)
    fail_msg("%s: %s failed: %s", file, bad->name, bad->message);
  if (v->exit_code >= SC_EUSAGE)
    fail_msg("%s: stopped with %d: %s", file, v->exit_code, v->checks[v->check_count - 1].message);
}

/* *-fail and *-fail-or-inject (which we do not repair): content invalid (1). */
static void expect_invalid(const char *file, const sc_verification *v) {
  if (v->exit_code != SC_EINVALID)
    fail_msg("%s: exit %d, expected 1 (content invalid)", file, v->exit_code);
}

static void check_vector(const signer_fixture *f, const char *file, int64_t now) {
  sc_verification v;
  int rc = verify_vector(f, file, now, &v);
  const exception *ex = exception_for(file);
  if (ex && rc != ex->exit_code)
    fail_msg("%s: exit %d, the exception list expects %d (%s): update the list", file, rc,
             ex->exit_code, ex->why);
  else if (!ex && ends_with(file, "-ok.json"))
    expect_ok(file, &v);
  else if (!ex && (ends_with(file, "-fail.json") || ends_with(file, "-fail-or-inject.json")))
    expect_invalid(file, &v);
  else if (!ex)
    fail_msg("%s: a vector this test does not classify (-ok, -fail, -fail-or-inject)", file);
  sc_verification_free(&v);
}

static void judges_every_w3c_vcdm2_input(void **state) {
  signer_fixture *f = *state;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/" VCDM2_DIR, vectors_dir());
  DIR *d = opendir(dir);
  if (!d)
    fail_msg("cannot open %s (tests run from the project root)", dir);
  size_t count = 0, exceptions_seen = 0;
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    if (!ends_with(entry->d_name, ".json"))
      continue; /* PROVENANCE.md */
    check_vector(f, entry->d_name, (int64_t)time(NULL));
    exceptions_seen += exception_for(entry->d_name) != NULL;
    count++;
  }
  closedir(d);
  assert_int_equal(exceptions_seen, sizeof exceptions / sizeof *exceptions);
  assert_true(count >= 43);
}

static int64_t at(const char *text) {
  int64_t t = 0;
  assert_int_equal(sc_time_parse(text, true, &t, NULL), SC_OK);
  return t;
}

static int verdict_at(const signer_fixture *f, const char *file, const char *when, char *message) {
  sc_verification v;
  int rc = verify_vector(f, file, at(when), &v);
  const sc_check *validity = NULL;
  for (size_t i = 0; i < v.check_count; i++)
    validity = strcmp(v.checks[i].name, "validity") == 0 ? &v.checks[i] : validity;
  snprintf(message, 512, "%s", validity ? validity->message : "");
  sc_verification_free(&v);
  return rc;
}

/* Fractions of a second count: validUntil 01:20:18.477Z is still valid at 01:20:18. */
static void judges_fractional_seconds_as_instants(void **state) {
  signer_fixture *f = *state;
  char message[512];
  const char *until = "credential-validuntil-ms-ok.json";
  assert_int_equal(verdict_at(f, until, "2023-02-26T01:20:18Z", message), SC_OK);
  assert_int_equal(verdict_at(f, until, "2023-02-26T01:20:19Z", message), SC_EEXPIRED);
  const char *from = "credential-validfrom-ms-ok.json"; /* validFrom 01:02:58.447Z */
  assert_int_equal(verdict_at(f, from, "2023-02-26T01:02:58Z", message), SC_EEXPIRED);
  assert_int_equal(verdict_at(f, from, "2023-02-26T01:02:59Z", message), SC_OK);
}

/* A plain VC 2.0 credential needs neither id nor validFrom. */
static void plain_vc_without_valid_from_is_valid_at_any_time(void **state) {
  signer_fixture *f = *state;
  char message[512];
  assert_int_equal(verdict_at(f, "credential-ok.json", "1971-01-01T00:00:00Z", message), SC_OK);
  assert_non_null(strstr(message, "valid from any time"));
}

static void valid_from_after_valid_until_is_invalid(void **state) {
  signer_fixture *f = *state;
  char message[512];
  assert_int_equal(
      verdict_at(f, "credential-validUntil-validFrom-fail.json", "2030-01-01T00:00:00Z", message),
      SC_EINVALID);
  assert_non_null(strstr(message, "is later than validUntil"));
}

static int verify_doc(const signer_fixture *f, json_t *doc, sc_verification *v) {
  sign(doc, f);
  char *text = json_dumps(doc, JSON_COMPACT);
  assert_non_null(text);
  sc_verify_options opts = {.trust = f->trust, .now = at("2030-01-01T00:00:00Z")};
  int rc = sc_verify_json(text, strlen(text), "test", &opts, v);
  free(text);
  json_decref(doc);
  return rc;
}

static void assert_failure_names(const sc_verification *v, int code, const char *what) {
  const sc_check *check = failed_with(v, code);
  if (!check || !strstr(check->message, what))
    fail_msg("no check failed with %d naming '%s'", code, what);
}

static json_t *open_badge(const char *did) {
  json_t *doc =
      json_pack("{s:[s,s], s:s, s:[s,s], s:s, s:s, s:{s:s, s:{s:s, s:s}}}", "@context",
                VC_CONTEXT_URL, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "id",
                "urn:uuid:8f4c0f4e-4d3e-4a8e-9a43-2f4c3c1e7d10", "type", "VerifiableCredential",
                "OpenBadgeCredential", "issuer", did, "validFrom", "2026-11-28T00:00:00Z",
                "credentialSubject", "type", "AchievementSubject", "achievement", "id",
                "urn:uuid:1", "name", "AI Fundamentals");
  assert_non_null(doc);
  return doc;
}

/* Open Badges 3.0 requires what plain VC 2.0 leaves optional; the message names the field
 * (it used to be an empty "validFrom: "). */
static void open_badge_needs_id_and_valid_from(void **state) {
  signer_fixture *f = *state;
  sc_verification v;
  assert_int_equal(verify_doc(f, open_badge(f->did), &v), SC_OK);
  sc_verification_free(&v);
  const char *required[] = {"validFrom", "id"};
  for (size_t i = 0; i < 2; i++) {
    json_t *doc = open_badge(f->did);
    json_object_del(doc, required[i]);
    assert_int_equal(verify_doc(f, doc, &v), SC_EINVALID);
    assert_failure_names(&v, SC_EINVALID, "an Open Badge must have one");
    sc_verification_free(&v);
  }
}

/* A malformed credentialStatus entry is content (1); a well-formed one of a type we do not
 * support is a status that could not be checked (6). */
static void malformed_status_entry_is_invalid_unsupported_is_unchecked(void **state) {
  signer_fixture *f = *state;
  sc_verification v;
  assert_int_equal(verify_vector(f, "credential-status-missing-type-fail.json", 0, &v),
                   SC_EINVALID);
  assert_failure_names(&v, SC_EINVALID, "credentialStatus.type: missing");
  sc_verification_free(&v);
  assert_int_equal(verify_vector(f, "credential-status-type-nonurl-fail.json", 0, &v), SC_EINVALID);
  assert_failure_names(&v, SC_EINVALID, "credentialStatus.type: expected a string");
  sc_verification_free(&v);
  assert_int_equal(verify_vector(f, "credential-status-ok.json", 0, &v), SC_ESTATUS);
  assert_failure_names(&v, SC_ESTATUS, "CredentialStatusList2017 is not supported");
  sc_verification_free(&v);
}

static void content_failures_name_the_field(void **state) {
  signer_fixture *f = *state;
  const struct {
    const char *file, *what;
  } cases[] = {
      {"credential-context-combo3-fail.json", "@context[1]: expected a URL or an object"},
      {"credential-context-combo4-fail.json", "@context[1]: expected a URL or an object"},
      {"credential-subject-no-claims-fail.json", "credentialSubject: expected at least one claim"},
      {"credential-subject-multiple-empty-fail.json", "credentialSubject[1]: expected an object"},
      {"credential-status-multiple-id-fail.json", "credentialStatus.id: expected one URL"},
      {"credential-status-nonurl-id-fail.json", "credentialStatus.id: expected one URL"},
      {"credential-issuer-no-url-fail.json", "issuer: 'fake-issuer' is not a URL"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    sc_verification v;
    assert_int_equal(verify_vector(f, cases[i].file, 0, &v), SC_EINVALID);
    assert_failure_names(&v, SC_EINVALID, cases[i].what);
    sc_verification_free(&v);
  }
}

static void recognises_urls(void **state) {
  (void)state;
  const char *good[] = {"https://www.w3.org/ns/credentials/v2", "urn:uuid:1", "did:key:z6Mk",
                        "https://example.org/#ExampleCredential", "http://ü.example/ä"};
  const char *bad[] = {"https ://not-a-url/contexts/example/v1",
                       "fake-issuer",
                       "",
                       ":x",
                       "https:",
                       "1http://x",
                       "https://a b",
                       "https://a\tb",
                       "https://a<b>"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    assert_true(sc_url_valid(good[i]));
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    if (sc_url_valid(bad[i]))
      fail_msg("'%s' taken for a URL", bad[i]);
  }
  assert_false(sc_url_valid(NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(recognises_urls),
      cmocka_unit_test_setup_teardown(judges_every_w3c_vcdm2_input, setup, teardown),
      cmocka_unit_test_setup_teardown(judges_fractional_seconds_as_instants, setup, teardown),
      cmocka_unit_test_setup_teardown(plain_vc_without_valid_from_is_valid_at_any_time, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(valid_from_after_valid_until_is_invalid, setup, teardown),
      cmocka_unit_test_setup_teardown(open_badge_needs_id_and_valid_from, setup, teardown),
      cmocka_unit_test_setup_teardown(malformed_status_entry_is_invalid_unsupported_is_unchecked,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(content_failures_name_the_field, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
