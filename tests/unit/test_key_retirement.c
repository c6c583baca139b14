/* did:web resolution, retired keys (DID document, trust list, issuer home) and the dates and
 * identifiers key rotation accepts. */
#include "test_support.h"

#include "issuer/issuer.h"
#include "keys/keys.h"
#include "verifier/verifier.h"

#include <openssl/evp.h>
#include <unistd.h>

#define WEB "did:web:acme.example"
#define OLD_CREATED "2026-03-01T10:00:00Z"

typedef struct fixture {
  char dir[64];
  char doc[128];
  char trust[128];
  char multikey[64];
  char vm[256];
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
} fixture;

static void public_key_of_seed(uint8_t seed_byte, uint8_t pub[SC_ED25519_PUBLIC_BYTES]) {
  uint8_t seed[32];
  memset(seed, seed_byte, sizeof seed);
  EVP_PKEY *key = sc_ed25519_from_seed(seed, NULL);
  assert_non_null(key);
  assert_int_equal(sc_ed25519_public(key, pub, NULL), SC_OK);
  EVP_PKEY_free(key);
}

/* Writes the DID document of WEB with the fixture's key; mutate (may be NULL) edits it first. */
static void write_doc(fixture *f, void (*mutate)(json_t *doc, json_t *method)) {
  json_t *method = json_pack("{s:s, s:s, s:s, s:s}", "id", f->vm, "type", "Multikey", "controller",
                             WEB, "publicKeyMultibase", f->multikey);
  json_t *doc = json_pack("{s:s, s:[O], s:[s]}", "id", WEB, "verificationMethod", method,
                          "assertionMethod", f->vm);
  assert_non_null(doc);
  if (mutate)
    mutate(doc, json_array_get(json_object_get(doc, "verificationMethod"), 0));
  assert_int_equal(json_dump_file(doc, f->doc, 0), 0);
  json_decref(method);
  json_decref(doc);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  if (!make_temp_dir(f->dir, "retire"))
    return -1;
  snprintf(f->doc, sizeof f->doc, "%s/did.json", f->dir);
  snprintf(f->trust, sizeof f->trust, "%s/trust.json", f->dir);
  public_key_of_seed(7, f->pub);
  char *multikey = sc_multikey_encode(f->pub);
  if (!multikey)
    return -1;
  snprintf(f->multikey, sizeof f->multikey, "%s", multikey);
  snprintf(f->vm, sizeof f->vm, "%s#%s", WEB, multikey);
  free(multikey);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  remove_temp_dir(f->dir);
  free(f);
  return 0;
}

/* ---------------------------------------------------------------- did:web URLs */

static void did_web_urls_follow_the_method_spec(void **state) {
  (void)state;
  char url[256];
  assert_int_equal(sc_did_web_url("did:web:acme.example", url, sizeof url, NULL), SC_OK);
  assert_string_equal(url, "https://acme.example/.well-known/did.json");
  assert_int_equal(sc_did_web_url("did:web:acme.example:issuers:ai", url, sizeof url, NULL), SC_OK);
  assert_string_equal(url, "https://acme.example/issuers/ai/did.json");
  assert_int_equal(sc_did_web_url("did:web:localhost%3A8443", url, sizeof url, NULL), SC_OK);
  assert_string_equal(url, "https://localhost:8443/.well-known/did.json");
}

static void did_web_urls_refuse_what_could_leave_the_site(void **state) {
  (void)state;
  char url[256];
  const char *bad[] = {"did:key:z6Mk",
                       "did:web:",
                       "did:web:a.example:..:etc",
                       "did:web:a.example%2Fevil",
                       "did:web:a.example::x",
                       "did:web:a.example:"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(sc_did_web_url(bad[i], url, sizeof url, NULL), SC_EDATA);
}

/* "did:web:Acme.example" is another DID than did:web:acme.example (DIDs compare as strings),
 * yet would load acme.example's document: the verifier refuses it, as `init --did-web` does. */
static void did_web_urls_refuse_what_init_would_refuse(void **state) {
  (void)state;
  char url[256];
  const char *bad[] = {"did:web:Acme.example", "did:web:acme.EXAMPLE:issuers",
                       "did:web:-acme.example", "did:web:acme.example.", "did:web:acme.example%3A"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    sc_error err = {0};
    if (sc_did_web_url(bad[i], url, sizeof url, &err) != SC_EDATA)
      fail_msg("%s was accepted as %s", bad[i], url);
    assert_non_null(strstr(err.message, bad[i]));
  }
}

/* ---------------------------------------------------------------- resolving */

static void resolves_a_did_web_method_from_its_document(void **state) {
  fixture *f = *state;
  write_doc(f, NULL);
  sc_did_web r = {.doc_path = f->doc};
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  assert_int_equal(sc_did_web_resolve(&r, f->vm, pub, NULL), SC_OK);
  assert_memory_equal(pub, f->pub, sizeof pub);
  sc_did_web_free(&r);
}

static void resolves_did_key_methods_without_a_document(void **state) {
  fixture *f = *state;
  char *did = sc_did_key_encode(f->pub);
  char *vm = sc_did_key_verification_method(did);
  sc_did_web r = {0};
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  assert_int_equal(sc_did_web_resolve(&r, vm, pub, NULL), SC_OK);
  assert_memory_equal(pub, f->pub, sizeof pub);
  free(vm);
  free(did);
}

static void refuses_a_document_of_another_did(void **state) {
  fixture *f = *state;
  write_doc(f, NULL);
  char other[300];
  snprintf(other, sizeof other, "did:web:evil.example#%s", f->multikey);
  sc_did_web r = {.doc_path = f->doc};
  sc_error err = {0};
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  assert_int_equal(sc_did_web_resolve(&r, other, pub, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "id is did:web:acme.example, not did:web:evil.example"));
  sc_did_web_free(&r);
}

static void drop_assertion(json_t *doc, json_t *method) {
  (void)method;
  json_object_set_new(doc, "assertionMethod", json_array());
}

static void other_controller(json_t *doc, json_t *method) {
  (void)doc;
  json_object_set_new(method, "controller", json_string("did:web:evil.example"));
}

static void refuses_a_key_the_did_does_not_authorize(void **state) {
  fixture *f = *state;
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  sc_error err = {0};
  write_doc(f, drop_assertion);
  sc_did_web r = {.doc_path = f->doc};
  assert_int_equal(sc_did_web_resolve(&r, f->vm, pub, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "assertionMethod"));
  sc_did_web_free(&r);
  write_doc(f, other_controller);
  assert_int_equal(sc_did_web_resolve(&r, f->vm, pub, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "controller is did:web:evil.example"));
  sc_did_web_free(&r);
}

/* ---------------------------------------------------------------- retired keys */

static void revoke_early(json_t *doc, json_t *method) {
  (void)doc;
  json_object_set_new(method, "revoked", json_string("2026-02-01T00:00:00Z"));
}

static void revoked_in_the_document_refuses_later_proofs_only(void **state) {
  fixture *f = *state;
  write_doc(f, revoke_early);
  sc_did_web r = {.doc_path = f->doc};
  sc_key_check_ctx ctx = {.did_web = &r};
  sc_error err = {0};
  assert_int_equal(sc_key_check(&ctx, f->vm, OLD_CREATED, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "was retired on 2026-02-01T00:00:00Z (the DID document)"));
  assert_int_equal(sc_key_check(&ctx, f->vm, "2026-01-31T23:59:59Z", NULL), SC_OK);
  assert_int_equal(sc_key_check(&ctx, f->vm, "", NULL), SC_EINVALID); /* no created time */
  sc_did_web_free(&r);
}

static void the_earliest_retirement_of_all_sources_counts(void **state) {
  fixture *f = *state;
  char *did = sc_did_key_encode(f->pub);
  char *vm = sc_did_key_verification_method(did);
  sc_trust_list *trust = sc_trust_new();
  assert_int_equal(sc_trust_add(trust, did, "Acme", NULL), SC_OK);
  assert_int_equal(sc_trust_retire(trust, did, "2026-06-01T00:00:00Z", NULL), SC_OK);
  json_t *keys = json_pack("[{s:s, s:s}]", "did", did, "retiredAfter", "2026-02-01T00:00:00Z");
  sc_key_check_ctx ctx = {.trust = trust};
  assert_int_equal(sc_key_check(&ctx, vm, OLD_CREATED, NULL), SC_OK);
  ctx.home_keys = keys;
  sc_error err = {0};
  assert_int_equal(sc_key_check(&ctx, vm, OLD_CREATED, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "(issuer home)"));
  json_decref(keys);
  sc_trust_free(trust);
  free(vm);
  free(did);
}

static void trust_list_retirements_survive_save_and_load(void **state) {
  fixture *f = *state;
  char *did = sc_did_key_encode(f->pub);
  sc_trust_list *list = sc_trust_new();
  assert_int_equal(sc_trust_add(list, did, "Acme", NULL), SC_OK);
  assert_int_equal(sc_trust_retire(list, did, "2026-02-01T00:00:00Z", NULL), SC_OK);
  assert_int_equal(sc_trust_save(list, f->trust, NULL), SC_OK);
  sc_trust_free(list);
  assert_int_equal(sc_trust_load(f->trust, &list, NULL), SC_OK);
  assert_string_equal(sc_trust_lookup(list, did), "Acme");
  assert_string_equal(sc_trust_retired_after(list, did), "2026-02-01T00:00:00Z");
  assert_int_equal(sc_trust_retire(list, "did:key:z6MkNotListed", "2026-02-01T00:00:00Z", NULL),
                   SC_EUSAGE);
  sc_trust_free(list);
  free(did);
}

static void trust_list_refuses_bad_retirements(void **state) {
  fixture *f = *state;
  const char *bad[] = {
      "{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [{\"id\": \"" WEB
      "\", \"retiredAfter\": \"soon\"}]}]}",
      "{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [{\"id\": \"" WEB
      "\", \"revoked\": \"2026-02-01T00:00:00Z\"}]}]}",
      "{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [{\"retiredAfter\": "
      "\"2026-02-01T00:00:00Z\"}]}]}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    FILE *out = fopen(f->trust, "w");
    assert_non_null(out);
    fputs(bad[i], out);
    fclose(out);
    sc_trust_list *list = NULL;
    sc_error err = {0};
    assert_int_equal(sc_trust_load(f->trust, &list, &err), SC_EDATA);
    assert_non_null(strstr(err.message, "issuers[0].ids[0]"));
    assert_null(list);
  }
}

/* ---------------------------------------------------------------- dates and identifiers */

static void retirement_dates_are_days_or_date_times(void **state) {
  (void)state;
  char out[21];
  assert_int_equal(sc_retirement_parse("2026-11-28", out, NULL), SC_OK);
  assert_string_equal(out, "2026-11-28T00:00:00Z");
  assert_int_equal(sc_retirement_parse("2026-11-28T10:00:00+02:00", out, NULL), SC_OK);
  assert_string_equal(out, "2026-11-28T08:00:00Z");
  assert_int_equal(sc_retirement_parse("2026-11-28T10:00:00", out, NULL), SC_EUSAGE);
  assert_int_equal(sc_retirement_parse("28/11/2026", out, NULL), SC_EUSAGE);
}

static void did_web_ids_are_hosts_ports_and_segments(void **state) {
  (void)state;
  assert_int_equal(sc_did_web_check("acme.example", NULL), SC_OK);
  assert_int_equal(sc_did_web_check("acme.example%3A8443:issuers:ai_1", NULL), SC_OK);
  const char *bad[] = {"Acme.example",    "-acme.example",   "acme.example:",  "acme.example::a",
                       "acme.example:..", "acme.example%3A", "acme.example/x", ""};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(sc_did_web_check(bad[i], NULL), SC_EUSAGE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(did_web_urls_follow_the_method_spec),
      cmocka_unit_test(did_web_urls_refuse_what_could_leave_the_site),
      cmocka_unit_test(did_web_urls_refuse_what_init_would_refuse),
      cmocka_unit_test_setup_teardown(resolves_a_did_web_method_from_its_document, setup, teardown),
      cmocka_unit_test_setup_teardown(resolves_did_key_methods_without_a_document, setup, teardown),
      cmocka_unit_test_setup_teardown(refuses_a_document_of_another_did, setup, teardown),
      cmocka_unit_test_setup_teardown(refuses_a_key_the_did_does_not_authorize, setup, teardown),
      cmocka_unit_test_setup_teardown(revoked_in_the_document_refuses_later_proofs_only, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(the_earliest_retirement_of_all_sources_counts, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(trust_list_retirements_survive_save_and_load, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(trust_list_refuses_bad_retirements, setup, teardown),
      cmocka_unit_test(retirement_dates_are_days_or_date_times),
      cmocka_unit_test(did_web_ids_are_hosts_ports_and_segments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
