/* The expansion memo (core/jsonld_memo.c): an object declared shared with sc_jsonld_share, as a
 * batch declares the achievement every credential embeds, is expanded once and its expanded
 * form reused, and the canonical form of a document is the same byte for byte as without it. */
#include "test_support.h"

#include "core/jsonld_internal.h"

/* An Open Badges credential as `issue` builds one (without proofs), embedding achievement. */
static json_t *credential(const char *name, const char *index, json_t *achievement) {
  json_t *doc = json_pack(
      "{s:[s,s], s:s, s:[s,s], s:{s:s,s:[s],s:s,s:s}, s:s, s:s,"
      " s:{s:[s], s:[{s:s,s:s,s:b,s:s}], s:O},"
      " s:{s:s,s:s,s:s,s:s,s:s}}",
      "@context", "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "id",
      "urn:uuid:0004c6d1-9e64-4e37-adcc-92412181f7c8", "type", "VerifiableCredential",
      "OpenBadgeCredential", "issuer", "id", "did:key:z6MkszxGrQ5Zd6WhekqL8r1E5X6YgMp6jr7GMpVmxP24Viyt",
      "type", "Profile", "name", "Bench Academy", "url", "https://bench.example", "validFrom",
      "2026-12-05T00:11:09Z", "name", "AI Fundamentals", "credentialSubject", "type",
      "AchievementSubject", "identifier", "type", "IdentityObject", "identityType", "name",
      "hashed", 0, "identityHash", name, "achievement", achievement, "credentialStatus", "id",
      "https://bench.example/status/1/revocation#1", "type", "BitstringStatusListEntry",
      "statusPurpose", "revocation", "statusListIndex", index, "statusListCredential",
      "https://bench.example/status/1/revocation");
  assert_non_null(doc);
  return doc;
}

static json_t *achievement(void) {
  json_t *a = json_pack(
      "{s:s, s:[s], s:s, s:s, s:s, s:{s:s}, s:[{s:[s],s:s,s:s,s:s}], s:{s:s,s:s}}", "id",
      "https://bench.example/achievements/ai-fundamentals", "type", "Achievement",
      "achievementType", "Certificate", "name", "AI Fundamentals", "description",
      "Awarded for completing the 12-hour AI Fundamentals course.", "criteria", "narrative",
      "Completed all six modules.", "alignment", "type", "Alignment", "targetName",
      "Artificial intelligence: fundamentals", "targetUrl",
      "https://esco.ec.europa.eu/en/classification/skills", "targetFramework", "ESCO", "image",
      "id", "https://bench.example/badges/ai-fundamentals.png", "type", "Image");
  assert_non_null(a);
  return a;
}

static char *canonical(const json_t *doc) {
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_jsonld_canonical_nquads(doc, &out, &err), SC_OK);
  assert_true(sc_buf_append(&out, "", 1));
  return (char *)out.data;
}

/* What the document gives with a copy of the achievement nobody declared shared. */
static char *canonical_unshared(const char *name, const char *index, const json_t *shared) {
  json_t *copy = json_deep_copy(shared);
  json_t *doc = credential(name, index, copy);
  char *text = canonical(doc);
  json_decref(doc);
  json_decref(copy);
  return text;
}

static void a_shared_achievement_is_expanded_once_and_canonicalizes_the_same(void **state) {
  (void)state;
  json_t *shared = achievement();
  sc_jsonld_share(shared);
  const char *names[] = {"Ada Lovelace 1", "Дмитрий Иванов 2", "Zoë Łukasiewicz 3"};
  const char *indexes[] = {"1", "2", "3"};
  size_t hits_before = jl_memo_hits();
  for (size_t i = 0; i < 3; i++) {
    json_t *doc = credential(names[i], indexes[i], shared);
    char *memoized = canonical(doc), *fresh = canonical_unshared(names[i], indexes[i], shared);
    assert_string_equal(memoized, fresh);
    assert_non_null(strstr(memoized, "AI Fundamentals"));
    free(memoized);
    free(fresh);
    json_decref(doc);
  }
  /* Expanded by the first document, reused by the two others. */
  assert_int_equal(jl_memo_hits() - hits_before, 2);
  sc_jsonld_unshare(shared);
  json_decref(shared);
}

static void a_shared_achievement_changed_in_place_is_expanded_afresh(void **state) {
  (void)state;
  json_t *shared = achievement();
  sc_jsonld_share(shared);
  json_t *doc = credential("Ada Lovelace", "7", shared);
  char *first = canonical(doc);
  json_object_set_new(shared, "name", json_string("Prompt Engineering"));
  size_t hits_before = jl_memo_hits();
  char *changed = canonical(doc), *fresh = canonical_unshared("Ada Lovelace", "7", shared);
  assert_int_equal(jl_memo_hits(), hits_before);
  assert_string_equal(changed, fresh);
  assert_non_null(strstr(changed, "Prompt Engineering"));
  assert_string_not_equal(changed, first);
  free(first);
  free(changed);
  free(fresh);
  json_decref(doc);
  sc_jsonld_unshare(shared);
  json_decref(shared);
}

static void unsharing_releases_every_reference_the_memo_held(void **state) {
  (void)state;
  json_t *shared = achievement();
  sc_jsonld_share(shared);
  sc_jsonld_share(shared); /* nested: the second unshare releases it */
  json_t *doc = credential("Ada Lovelace", "7", shared);
  free(canonical(doc));
  free(canonical(doc));
  json_decref(doc);
  sc_jsonld_unshare(shared);
  assert_true(shared->refcount > 1);
  sc_jsonld_unshare(shared);
  assert_int_equal(shared->refcount, 1);
  json_decref(shared);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_shared_achievement_is_expanded_once_and_canonicalizes_the_same),
      cmocka_unit_test(a_shared_achievement_changed_in_place_is_expanded_afresh),
      cmocka_unit_test(unsharing_releases_every_reference_the_memo_held),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
