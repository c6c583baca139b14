/* Canonical N-Quads by shape (core/jsonld_shape.c): a batch's documents made from a template
 * learnt from the first of their shape are byte for byte what the full transformation gives;
 * values that JSON-LD would treat differently (a relative or blank-node id, another scheme,
 * values that become equal) take the full transformation; a changed type is another shape;
 * the table stays bounded; threads share it. Every case compares with
 * sc_jsonld_canonical_nquads, including its errors. */
#include "test_support.h"

#include <pthread.h>

/* An Open Badges credential as `issue --roster` builds it, without its proofs. */
static const char CREDENTIAL[] =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\",\"https://purl.imsg"
    "lobal.org/spec/ob/v3p0/context-3.0.3.json\"],\"id\":\"urn:uuid:83a4c0aa-9e"
    "3f-4708-a2c1-96ce45f9b7fa\",\"type\":[\"VerifiableCredential\",\"OpenBadgeCr"
    "edential\"],\"issuer\":{\"id\":\"did:key:z6MkfTLSgJCY7KC6NMQTeg1zsJE1H73QxcF"
    "hFjSKU5xASpEn\",\"type\":[\"Profile\"],\"name\":\"Bench Academy\",\"url\":\"https:"
    "//bench.example\"},\"validFrom\":\"2026-12-05T02:51:20Z\",\"name\":\"AI Fundam"
    "entals\",\"credentialSubject\":{\"type\":[\"AchievementSubject\"],\"identifier"
    "\":[{\"type\":\"IdentityObject\",\"identityType\":\"name\",\"hashed\":false,\"iden"
    "tityHash\":\"Ada Lovelace\"},{\"type\":\"IdentityObject\",\"identityType\":\"ema"
    "ilAddress\",\"hashed\":true,\"identityHash\":\"sha256$7db08fab7b5680eeca863e"
    "eafcced160e2590c293424f53a84526b8b27119f42\",\"salt\":\"b24bdd3d4761c13969"
    "536c36c36aabb0\"}],\"achievement\":{\"id\":\"https://bench.example/achieveme"
    "nts/ai-fundamentals\",\"type\":[\"Achievement\"],\"achievementType\":\"Certifi"
    "cate\",\"name\":\"AI Fundamentals\",\"description\":\"Awarded for completing t"
    "he 12-hour AI Fundamentals course: how machine learning models are tra"
    "ined, evaluated and deployed, and where they fail.\",\"criteria\":{\"narra"
    "tive\":\"Completed all six modules and scored at least 80% on the procto"
    "red final assessment.\"},\"alignment\":[{\"type\":[\"Alignment\"],\"targetName"
    "\":\"Artificial intelligence: fundamentals\",\"targetUrl\":\"https://esco.ec"
    ".europa.eu/en/classification/skills\",\"targetFramework\":\"ESCO\",\"targetT"
    "ype\":\"ceasn:Competency\"}],\"image\":{\"id\":\"https://bench.example/badges/"
    "ai-fundamentals.png\",\"type\":\"Image\"}}},\"credentialStatus\":{\"id\":\"https"
    "://bench.example/status/1/revocation#78392\",\"type\":\"BitstringStatusLis"
    "tEntry\",\"statusPurpose\":\"revocation\",\"statusListIndex\":\"78392\",\"status"
    "ListCredential\":\"https://bench.example/status/1/revocation\"}}";

static json_t *base(void) {
  json_error_t e;
  json_t *doc = json_loads(CREDENTIAL, 0, &e);
  assert_non_null(doc);
  return doc;
}

/* Sets the string at path ("credentialSubject/identifier/1/salt": object keys and array
 * indexes) to value (len bytes, may hold U+0000). */
static void set_at(json_t *doc, const char *path, const char *value, size_t len) {
  char copy[256];
  snprintf(copy, sizeof copy, "%s", path);
  json_t *node = doc, *parent = NULL;
  char *last = NULL, *rest = NULL; /* strtok_r: the threads' test calls this at once */
  for (char *part = strtok_r(copy, "/", &rest); part; part = strtok_r(NULL, "/", &rest)) {
    parent = node;
    last = part;
    node = json_is_array(node) ? json_array_get(node, strtoul(part, NULL, 10))
                               : json_object_get(node, part);
  }
  assert_non_null(parent);
  json_t *s = json_stringn(value, len);
  assert_non_null(s);
  if (json_is_array(parent))
    assert_int_equal(json_array_set_new(parent, strtoul(last, NULL, 10), s), 0);
  else
    assert_int_equal(json_object_set_new(parent, last, s), 0);
}

static void set(json_t *doc, const char *path, const char *value) {
  set_at(doc, path, value, strlen(value));
}

/* The shaped and the full transformation agree: the same result code, the same bytes. */
static void assert_same(sc_jsonld_shapes *shapes, const json_t *doc) {
  sc_buf full = {0}, shaped = {0};
  sc_error e1 = {0}, e2 = {0};
  int rc1 = sc_jsonld_canonical_nquads(doc, &full, &e1);
  int rc2 = sc_jsonld_canonical_nquads_shaped(shapes, doc, &shaped, &e2);
  assert_int_equal(rc2, rc1);
  if (rc1 == SC_OK) {
    if (full.len != shaped.len || memcmp(full.data, shaped.data, full.len) != 0) {
      char *text = json_dumps(doc, JSON_COMPACT);
      fail_msg("differs for %s\nfull:\n%.*s\nshaped:\n%.*s", text, (int)full.len,
               (const char *)full.data, (int)shaped.len, (const char *)shaped.data);
    }
  } else {
    assert_string_equal(e2.message, e1.message);
  }
  sc_buf_free(&full);
  sc_buf_free(&shaped);
}

static sc_jsonld_shape_stats stats_of(sc_jsonld_shapes *shapes) {
  sc_jsonld_shape_stats s;
  sc_jsonld_shapes_stats(shapes, &s);
  return s;
}

static const char *const NAMES[] = {
    "Ada Lovelace", "Zoë Łukasiewicz", "Дмитрий Иванов", "Νίκος Παπαδόπουλος", "李小龍",
    "O'Brien \"Junior\"", "back\\slash", "line\nbreak\ttab\rreturn", "émoji 🎓", "  spaced  ",
    "", "urn:uuid:not-an-id", "https://example.org/looks-like-an-iri", "_:b0", "@id"};

/* The learner's values of row i, as a batch varies them. */
static void vary(json_t *doc, unsigned i) {
  char text[128];
  snprintf(text, sizeof text, "urn:uuid:%08x-9e3f-4708-a2c1-%012x", i * 2654435761u, i);
  set(doc, "id", text);
  snprintf(text, sizeof text, "2026-12-%02uT%02u:%02u:%02uZ", 1 + i % 28, i % 24, i % 60, i % 59);
  set(doc, "validFrom", text);
  set(doc, "credentialSubject/identifier/0/identityHash", NAMES[i % (sizeof NAMES / sizeof *NAMES)]);
  snprintf(text, sizeof text, "sha256$%064x", i * 7919u);
  set(doc, "credentialSubject/identifier/1/identityHash", text);
  snprintf(text, sizeof text, "%032x", i * 104729u);
  set(doc, "credentialSubject/identifier/1/salt", text);
  snprintf(text, sizeof text, "%u", (i * 48271u) % 131072u);
  set(doc, "credentialStatus/statusListIndex", text);
  char id[200]; /* the list's URL and text */
  snprintf(id, sizeof id, "https://bench.example/status/1/revocation#%s", text);
  set(doc, "credentialStatus/id", id);
}

static void documents_of_one_shape_are_filled_from_the_template_byte_for_byte(void **state) {
  (void)state;
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  assert_non_null(shapes);
  for (unsigned i = 0; i < 300; i++) {
    json_t *doc = base();
    vary(doc, i);
    assert_same(shapes, doc);
    json_decref(doc);
  }
  sc_jsonld_shape_stats s = stats_of(shapes);
  assert_int_equal(s.shapes, 1);
  assert_int_equal(s.usable, 1);
  /* The names "", "_:b0"… are literals here: any string is; the first document is learnt. */
  assert_int_equal(s.filled, 299);
  sc_jsonld_shapes_free(shapes);
}

static void a_name_holding_u0000_is_filled_too(void **state) {
  (void)state;
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  for (unsigned i = 0; i < 3; i++) {
    json_t *doc = base();
    vary(doc, i);
    set_at(doc, "credentialSubject/identifier/0/identityHash", "nul\0inside", 10);
    assert_same(shapes, doc);
    json_decref(doc);
  }
  assert_int_equal(stats_of(shapes).filled, 2);
  sc_jsonld_shapes_free(shapes);
}

/* Each of these, given to a template learnt from ordinary documents, would not come out as
 * the template has it: they take the full transformation (and its error, if it has one). */
static void ids_jsonld_would_treat_differently_take_the_full_transformation(void **state) {
  (void)state;
  static const char *const IDS[] = {
      "relative/id",                 /* safe mode: a relative id is an error */
      "_:b0",                        /* a blank node, not an IRI */
      "https://example.org/c/1",     /* another scheme: "https" could have been a term */
      "urn:uuid:has space",          /* not a plain IRI */
      "urn:uuid:ünïcode",            /* not plain ASCII */
      "urn",                         /* no scheme: relative */
      "urn://authority/path",        /* the same scheme with "//": another branch of expansion */
      "urn:uuid:<angle>",            /* a character an IRI may not hold */
  };
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  json_t *first = base();
  assert_same(shapes, first);
  json_decref(first);
  for (size_t i = 0; i < sizeof IDS / sizeof *IDS; i++) {
    json_t *doc = base();
    vary(doc, (unsigned)i + 1);
    set(doc, "id", IDS[i]);
    assert_same(shapes, doc);
    json_decref(doc);
  }
  sc_jsonld_shape_stats s = stats_of(shapes);
  assert_int_equal(s.filled, 0);
  assert_int_equal(s.full, 1 + sizeof IDS / sizeof *IDS);
  sc_jsonld_shapes_free(shapes);
}

/* Two values equal where the first document's were not (here the credential's id becomes its
 * status entry's id: one node) are not filled in. */
static void values_that_become_equal_take_the_full_transformation(void **state) {
  (void)state;
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  json_t *doc = base();
  vary(doc, 1);
  assert_same(shapes, doc);
  set(doc, "credentialStatus/id", json_string_value(json_object_get(doc, "id")));
  assert_same(shapes, doc);
  vary(doc, 2);
  set(doc, "credentialSubject/identifier/1/salt",
      json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(
                                                           doc, "credentialSubject"),
                                                       "identifier"),
                                        1),
                        "identityHash")));
  assert_same(shapes, doc);
  assert_int_equal(stats_of(shapes).filled, 0);
  json_decref(doc);
  sc_jsonld_shapes_free(shapes);
}

static void a_changed_type_key_or_achievement_is_another_shape(void **state) {
  (void)state;
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  json_t *doc = base();
  assert_same(shapes, doc);
  json_t *type = json_object_get(doc, "type");
  assert_int_equal(json_array_set_new(type, 1, json_string("AchievementCredential")), 0);
  assert_same(shapes, doc); /* another type: another shape */
  json_object_set_new(json_object_get(doc, "credentialSubject"), "id",
                      json_string("did:example:learner"));
  assert_same(shapes, doc); /* another key: another shape */
  set(doc, "credentialSubject/achievement/criteria/narrative", "Passed a different exam.");
  assert_same(shapes, doc); /* a literal slot: the same shape, filled */
  set(doc, "credentialSubject/achievement/alignment/0/targetType", "ceasn:Credential");
  assert_same(shapes, doc); /* a compact IRI the first document had fixed: full */
  set(doc, "credentialSubject/id", "did:example:other-learner");
  assert_same(shapes, doc);
  sc_jsonld_shape_stats s = stats_of(shapes);
  assert_int_equal(s.shapes, 3);
  assert_true(s.filled >= 1);
  json_decref(doc);
  sc_jsonld_shapes_free(shapes);
}

static void the_table_keeps_at_most_eight_shapes(void **state) {
  (void)state;
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  for (int i = 0; i < 20; i++) {
    json_t *doc = base();
    char key[32];
    snprintf(key, sizeof key, "extra%d", i);
    json_object_set_new(json_object_get(doc, "credentialSubject"), "name", json_string(key));
    for (int k = 0; k < i; k++) /* a longer identifier array each time: a new shape */
      json_array_append(json_object_get(json_object_get(doc, "credentialSubject"), "identifier"),
                        json_array_get(json_object_get(json_object_get(doc, "credentialSubject"),
                                                       "identifier"),
                                       0));
    assert_same(shapes, doc);
    json_decref(doc);
  }
  assert_int_equal(stats_of(shapes).shapes, 8);
  sc_jsonld_shapes_free(shapes);
}

typedef struct thread_run {
  sc_jsonld_shapes *shapes;
  unsigned first;
} thread_run;

static void *sign_rows(void *arg) {
  thread_run *run = arg;
  for (unsigned i = run->first; i < run->first + 100; i++) {
    json_t *doc = base();
    vary(doc, i);
    assert_same(run->shapes, doc);
    json_decref(doc);
  }
  return NULL;
}

static void threads_share_one_table(void **state) {
  (void)state;
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  thread_run runs[3] = {{shapes, 0}, {shapes, 1000}, {shapes, 2000}};
  pthread_t threads[3];
  for (int i = 0; i < 3; i++)
    assert_int_equal(pthread_create(&threads[i], NULL, sign_rows, &runs[i]), 0);
  for (int i = 0; i < 3; i++)
    pthread_join(threads[i], NULL);
  sc_jsonld_shape_stats s = stats_of(shapes);
  assert_int_equal(s.shapes, 1);
  assert_int_equal(s.filled + s.full, 300);
  sc_jsonld_shapes_free(shapes);
}

/* Random documents: every slot of the credential given a value drawn from a pool of ordinary
 * and awkward ones, each compared with the full transformation. */
static void random_values_agree_with_the_full_transformation(void **state) {
  (void)state;
  static const char *const POOL[] = {
      "urn:uuid:0004c6d1-9e64-4e37-adcc-92412181f7c8", "urn:uuid:1", "urn:isbn:0451450523",
      "did:key:z6MkszxGrQ5Zd6WhekqL8r1E5X6YgMp6jr7GMpVmxP24Viyt", "did:web:example.org",
      "https://bench.example", "https://bench.example/x#1", "http://a.example/b?c=d",
      "mailto:a@example.org", "relative", "#frag", "", "Profile", "name", "emailAddress",
      "2026-12-05T00:00:00Z", "not a date", "42", "ceasn:Competency", "xsd:string",
      "Zoë \"quoted\"", "tab\there", "_:b1", "@type", "Certificate"};
  static const char *const PATHS[] = {
      "id", "issuer/id", "issuer/name", "issuer/url", "validFrom", "name",
      "credentialSubject/identifier/0/identityHash", "credentialSubject/identifier/1/identityHash",
      "credentialSubject/identifier/1/salt", "credentialSubject/identifier/0/identityType",
      "credentialSubject/achievement/id", "credentialSubject/achievement/name",
      "credentialSubject/achievement/achievementType", "credentialSubject/achievement/image/id",
      "credentialSubject/achievement/alignment/0/targetUrl",
      "credentialSubject/achievement/alignment/0/targetType", "credentialStatus/id",
      "credentialStatus/statusListIndex", "credentialStatus/statusListCredential",
      "credentialStatus/statusPurpose"};
  unsigned seed = 12345;
  sc_jsonld_shapes *shapes = sc_jsonld_shapes_new();
  for (int n = 0; n < 1500; n++) {
    json_t *doc = base();
    vary(doc, (unsigned)n);
    int changes = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 3;
    for (int c = 0; c < changes; c++) {
      seed = seed * 1103515245u + 12345u;
      const char *path = PATHS[(seed >> 16) % (sizeof PATHS / sizeof *PATHS)];
      seed = seed * 1103515245u + 12345u;
      set(doc, path, POOL[(seed >> 16) % (sizeof POOL / sizeof *POOL)]);
    }
    assert_same(shapes, doc);
    json_decref(doc);
  }
  sc_jsonld_shape_stats s = stats_of(shapes);
  assert_true(s.filled > 500); /* most documents change nothing but the learner's values */
  sc_jsonld_shapes_free(shapes);
}

static void without_a_table_it_is_the_full_transformation(void **state) {
  (void)state;
  json_t *doc = base();
  assert_same(NULL, doc);
  json_decref(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(documents_of_one_shape_are_filled_from_the_template_byte_for_byte),
      cmocka_unit_test(a_name_holding_u0000_is_filled_too),
      cmocka_unit_test(ids_jsonld_would_treat_differently_take_the_full_transformation),
      cmocka_unit_test(values_that_become_equal_take_the_full_transformation),
      cmocka_unit_test(a_changed_type_key_or_achievement_is_another_shape),
      cmocka_unit_test(the_table_keeps_at_most_eight_shapes),
      cmocka_unit_test(threads_share_one_table),
      cmocka_unit_test(random_values_agree_with_the_full_transformation),
      cmocka_unit_test(without_a_table_it_is_the_full_transformation),
  };
  return cmocka_run_group_tests_name("jsonld shapes", tests, NULL, NULL);
}
