/* The per-credential path of a batch, made cheaper without changing a byte: the indented text
 * of a credential (core/json_indent.c) against jansson's json_dumps; a credential built with
 * the batch's shared issuer Profile and signed with a worker's own signer, against one built
 * and signed the one-off way. */
#include "test_home_support.h"

#include <ftw.h>

#define DUMPS_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(17))

/* Fails the test, showing both texts, when sc_json_append_indented differs from json_dumps. */
static void assert_same_as_dumps(const json_t *value, const char *what) {
  char *expected = json_dumps(value, DUMPS_FLAGS);
  assert_non_null(expected);
  sc_buf actual = {0};
  sc_error err = {0};
  if (sc_json_append_indented(value, 0, &actual, &err) != SC_OK)
    fail_msg("%s: %s", what, err.message);
  if (actual.len != strlen(expected) || memcmp(actual.data, expected, actual.len) != 0)
    fail_msg("%s: differs from json_dumps:\n%s\n---\n%s", what, (const char *)actual.data,
             expected);
  sc_buf_free(&actual);
  free(expected);
}

static size_t documents_compared;

static int compare_vector_file(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)ftw;
  size_t len = strlen(path);
  if (flag != FTW_F || len < 5 || strcmp(path + len - 5, ".json") != 0)
    return 0;
  /* jansson's own reader keeps integers as integers, which the strict reader makes reals. */
  json_t *value = json_load_file(path, 0, NULL);
  if (value) {
    assert_same_as_dumps(value, path);
    documents_compared++;
  }
  json_decref(value);
  return 0;
}

static void writes_the_vector_documents_as_json_dumps_does(void **state) {
  (void)state;
  documents_compared = 0;
  assert_int_equal(nftw(vectors_dir(), compare_vector_file, 16, FTW_PHYS), 0);
  assert_true(documents_compared > 100);
}

static void escapes_strings_and_keys_as_json_dumps_does(void **state) {
  (void)state;
  json_t *value = json_object();
  const char tricky[] = "q\"b\\s/ \b\f\n\r\t \x01\x1f\x7f é → 𝄞 \xe2\x80\xa8 end";
  json_object_set_new(value, tricky, json_string(tricky));
  json_object_set_new(value, "nul", json_stringn("a\0b", 3));
  json_object_setn_new(value, "k\0ey", 4, json_true());
  json_object_set_new(value, "", json_string(""));
  assert_same_as_dumps(value, "escapes");
  json_decref(value);
}

/* Strings are scanned eight bytes at a time (core/text_escape.c): every character that needs
 * an escape, and bytes next to the boundaries (0x1f, 0x20, 0x7f, 0x80, 0xff in UTF-8 text), at
 * every position of strings of every length up to 40, as json_dumps writes them. */
static void escapes_a_character_at_every_position_of_a_string_as_json_dumps_does(void **state) {
  (void)state;
  static const char *const specials[] = {"\"",   "\\",       "\n",       "\x01",        "\x1f",
                                         " ",    "!",        "#",        "[",           "]",
                                         "\x7f", "\xc2\x80", "\xc3\xbf", "\xef\xbf\xbf"};
  for (size_t k = 0; k < sizeof specials / sizeof *specials; k++) {
    for (size_t len = 1; len <= 40; len++) {
      for (size_t at = 0; at < len; at++) {
        char text[64] = "";
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
          const char *piece = i == at ? specials[k] : "a";
          memcpy(text + n, piece, strlen(piece));
          n += strlen(piece);
        }
        json_t *value = json_pack("[s]", text);
        assert_non_null(value);
        assert_same_as_dumps(value, "escape position");
        json_decref(value);
      }
    }
  }
}

static void lays_out_nesting_and_scalars_as_json_dumps_does(void **state) {
  (void)state;
  json_t *value =
      json_pack("{s:[], s:{}, s:[[], {}, [i, [i, {s:[]}]]], s:I, s:I, s:i, s:b, s:b, s:n, s:[o]}",
                "empty array", "empty object", "nested", 1, 2, "inner", "min",
                (json_int_t)INT64_MIN, "max", (json_int_t)INT64_MAX, "zero", 0, "yes", 1, "no", 0,
                "nothing", "one", json_pack("{s:s}", "deep", "x"));
  assert_non_null(value);
  assert_same_as_dumps(value, "nesting");
  json_t *array = json_pack("[s, i, {s:[s]}]", "top-level array", -7, "a", "b");
  assert_same_as_dumps(array, "array");
  json_decref(array);
  json_decref(value);
}

/* Reals are jansson's to print (its %.17g rules): the whole text comes from json_dumps, also
 * when the real is deep inside, after text was already written. */
static void leaves_reals_to_json_dumps(void **state) {
  (void)state;
  json_t *value = json_pack("{s:s, s:{s:[i, f, f, f]}}", "before", "text", "inner", "numbers", 1,
                            0.1, 1e300, -2.0);
  assert_same_as_dumps(value, "reals");
  json_decref(value);
}

/* A random tree of every kind of value jansson prints itself, with strings drawn from the
 * bytes that need escapes and multi-byte characters. */
static json_t *random_value(unsigned *seed, int depth);

static json_t *random_string(unsigned *seed) {
  static const char *const pieces[] = {"a",    "Z",    " ",    "\"", "\\", "/", "\n",        "\t",
                                       "\x01", "\x1f", "\x7f", "é",  "€",  "𝄞", "urn:uuid:", "0"};
  char text[64] = "";
  size_t len = 0;
  for (int n = rand_r(seed) % 8; n > 0; n--) {
    const char *piece = pieces[(unsigned)rand_r(seed) % (sizeof pieces / sizeof *pieces)];
    size_t piece_len = strlen(piece);
    memcpy(text + len, piece, piece_len);
    len += piece_len;
  }
  return json_stringn(text, len);
}

static json_t *random_container(unsigned *seed, int depth, bool object) {
  json_t *container = object ? json_object() : json_array();
  for (int n = rand_r(seed) % 5; n > 0; n--) {
    json_t *item = random_value(seed, depth + 1);
    if (object) {
      json_t *key = random_string(seed);
      json_object_set_new(container, json_string_value(key), item);
      json_decref(key);
    } else {
      json_array_append_new(container, item);
    }
  }
  return container;
}

static json_t *random_value(unsigned *seed, int depth) {
  switch (depth > 6 ? rand_r(seed) % 5 : rand_r(seed) % 7) {
  case 0:
    return random_string(seed);
  case 1:
    return json_integer((json_int_t)rand_r(seed) - RAND_MAX / 2);
  case 2:
    return json_true();
  case 3:
    return json_false();
  case 4:
    return json_null();
  case 5:
    return random_container(seed, depth, false);
  default:
    return random_container(seed, depth, true);
  }
}

static void writes_random_trees_as_json_dumps_does(void **state) {
  (void)state;
  unsigned seed = 13;
  for (int i = 0; i < 2000; i++) {
    json_t *value = random_container(&seed, 0, i % 2 == 0);
    char what[32];
    snprintf(what, sizeof what, "random tree %d", i);
    assert_same_as_dumps(value, what);
    json_decref(value);
  }
}

static void appends_after_what_the_buffer_holds(void **state) {
  (void)state;
  sc_buf out = {0};
  assert_true(sc_buf_append_str(&out, "prefix:"));
  json_t *value = json_pack("{s:[i]}", "b", 1);
  assert_int_equal(sc_json_append_indented(value, 4000, &out, NULL), SC_OK);
  assert_string_equal((const char *)out.data, "prefix:{\n  \"b\": [\n    1\n  ]\n}");
  json_t *real = json_pack("{s:f}", "r", 0.5);
  assert_int_equal(sc_json_append_indented(real, 0, &out, NULL), SC_OK);
  assert_string_equal((const char *)out.data,
                      "prefix:{\n  \"b\": [\n    1\n  ]\n}{\n  \"r\": 0.5\n}");
  json_decref(real);
  json_decref(value);
  sc_buf_free(&out);
}

static void refuses_a_bare_scalar(void **state) {
  (void)state;
  sc_buf out = {0};
  json_t *scalar = json_string("x");
  sc_error err = {0};
  assert_int_equal(sc_json_append_indented(scalar, 0, &out, &err), SC_ESOFTWARE);
  assert_int_equal(out.len, 0);
  json_decref(scalar);
  sc_buf_free(&out);
}

static sc_home home;
static EVP_PKEY *key;
static char home_dir[64];

static int open_home(void **state) {
  (void)state;
  sc_error err = {0};
  if (!make_temp_dir(home_dir, "issuepath") || open_acme_home(home_dir, &home, &key, &err) != SC_OK)
    return -1;
  return 0;
}

static int close_home(void **state) {
  (void)state;
  EVP_PKEY_free(key);
  sc_home_close(&home);
  return remove_temp_dir(home_dir);
}

static json_t *achievement(void) {
  return json_pack("{s:s, s:[s], s:s, s:s, s:{s:s}}", "id", "https://acme.example/a/1", "type",
                   "Achievement", "name", "Safe Ladders", "description", "Climbs safely.",
                   "criteria", "narrative", "Climb.");
}

static sc_issue_request request(const json_t *what) {
  return (sc_issue_request){.recipient = {.name = "Zoë Łukasiewicz", .email = "zoe@example.org"},
                            .achievement = what,
                            .now = 1790000000,
                            .learner_id = "L1"};
}

/* The credential embeds the shared Profile itself (no copy), and its text is the text of one
 * built with its own Profile: the random parts (id, the e-mail's salt and hash) taken over
 * from the other, every byte is the same. */
static void a_shared_issuer_profile_leaves_the_credential_bytes_unchanged(void **state) {
  (void)state;
  json_t *what = achievement();
  json_t *issuer = sc_credential_issuer(&home);
  assert_non_null(issuer);
  sc_issue_request own = request(what), shared = request(what);
  shared.issuer = issuer;
  sc_error err = {0};
  json_t *a = sc_credential_build(&home, &own, &err);
  json_t *b = sc_credential_build(&home, &shared, &err);
  assert_non_null(a);
  assert_non_null(b);
  assert_ptr_equal(json_object_get(b, "issuer"), issuer);
  assert_ptr_not_equal(json_object_get(a, "issuer"), issuer);
  json_object_set(b, "id", json_object_get(a, "id"));
  json_object_set(b, "credentialSubject", json_object_get(a, "credentialSubject"));
  char *text_a = json_dumps(a, DUMPS_FLAGS), *text_b = json_dumps(b, DUMPS_FLAGS);
  assert_string_equal(text_a, text_b);
  assert_non_null(strstr(text_a, "\"issuer\": {\n    \"id\": \"did:"));
  free(text_a);
  free(text_b);
  json_decref(a);
  json_decref(b);
  assert_int_equal(issuer->refcount, 1); /* the credentials let go of it */
  json_decref(issuer);
  json_decref(what);
}

/* The credential as json_pack made it before it was built member by member: the same
 * format strings, fed the built credential's random parts (id, salt, e-mail hash). */
static json_t *as_json_pack_made_it(const json_t *built, const sc_issue_request *req,
                                    const char *valid_until, const json_t *status) {
  const json_t *subject = json_object_get(built, "credentialSubject");
  const json_t *email = json_array_get(json_object_get(subject, "identifier"), 1);
  json_t *name_id = json_pack("{s:s, s:s, s:b, s:s}", "type", "IdentityObject", "identityType",
                              "name", "hashed", false, "identityHash", req->recipient.name);
  json_t *email_id = json_pack("{s:s, s:s, s:b, s:s}", "type", "IdentityObject", "identityType",
                               "emailAddress", "hashed", true, "identityHash",
                               json_string_value(json_object_get(email, "identityHash")));
  json_object_set_new(email_id, "salt",
                      json_string(json_string_value(json_object_get(email, "salt"))));
  json_t *holder = json_pack("{s:[s], s:[o, o], s:O}", "type", "AchievementSubject", "identifier",
                             name_id, email_id, "achievement", req->achievement);
  if (req->recipient.did)
    json_object_set_new(holder, "id", json_string(req->recipient.did));
  json_t *credential =
      json_pack("{s:[s, s], s:s, s:[s, s], s:o, s:s, s:s*, s:s, s:o}", "@context",
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "id",
                json_string_value(json_object_get(built, "id")), "type", "VerifiableCredential",
                "OpenBadgeCredential", "issuer", sc_credential_issuer(&home), "validFrom",
                json_string_value(json_object_get(built, "validFrom")), "validUntil", valid_until,
                "name", "Safe Ladders", "credentialSubject", holder);
  if (status)
    json_object_set_new(
        credential, "credentialStatus",
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "id",
                  json_string_value(json_object_get(status, "id")), "type",
                  "BitstringStatusListEntry", "statusPurpose", "revocation", "statusListIndex",
                  "4711", "statusListCredential",
                  json_string_value(json_object_get(status, "statusListCredential"))));
  assert_non_null(credential);
  return credential;
}

/* Building the credential and its status entry member by member (sc_json_put) instead of
 * through json_pack changes no byte: with and without a DID, an expiry and a status entry. */
static void a_credential_built_member_by_member_has_the_bytes_json_pack_gave(void **state) {
  (void)state;
  json_t *what = achievement();
  for (int variant = 0; variant < 2; variant++) {
    sc_issue_request req = request(what);
    if (variant == 1) {
      req.recipient.did = "did:example:zoe";
      req.valid_until = "2099-12-31";
    }
    sc_error err = {0};
    json_t *built = sc_credential_build(&home, &req, &err);
    assert_non_null(built);
    if (variant == 1)
      assert_int_equal(sc_credential_add_status(&home, 3, 4711, built, &err), SC_OK);
    const json_t *status = json_object_get(built, "credentialStatus");
    assert_true(variant == 0 || json_is_object(status));
    json_t *expected =
        as_json_pack_made_it(built, &req, variant == 1 ? "2099-12-31T23:59:59Z" : NULL, status);
    char *text_built = json_dumps(built, DUMPS_FLAGS),
         *text_expected = json_dumps(expected, DUMPS_FLAGS);
    assert_string_equal(text_built, text_expected);
    free(text_built);
    free(text_expected);
    json_decref(expected);
    json_decref(built);
  }
  assert_int_equal(what->refcount, 1); /* every credential let go of the achievement */
  json_decref(what);
}

/* A worker's own signer (sc_issue_context.signer) signs both proofs, for credential after
 * credential, and each verifies; the file's bytes are the indented text of the credential. */
static void a_worker_signer_signs_credentials_that_verify(void **state) {
  (void)state;
  json_t *what = achievement();
  sc_error err = {0};
  sc_signer *signer = sc_signer_new(key, &err);
  assert_non_null(signer);
  sc_issue_context ctx = {.home = &home, .key = key, .signer = signer};
  for (int i = 0; i < 3; i++) {
    sc_issue_request req = request(what);
    sc_prepared p;
    if (sc_issue_prepare(&ctx, &req, &p, &err) != SC_OK)
      fail_msg("prepare: %s", err.message);
    sc_di_result result;
    if (sc_di_verify(p.credential, NULL, &result, NULL, &err) != SC_OK)
      fail_msg("verify: %s", err.message);
    assert_int_equal(result.proofs, 2);
    assert_string_equal(result.cryptosuites, "eddsa-rdfc-2022,eddsa-jcs-2022");
    char *dumped = json_dumps(p.credential, DUMPS_FLAGS);
    assert_int_equal(p.json.len, strlen(dumped) + 1);
    assert_memory_equal(p.json.data, dumped, strlen(dumped));
    assert_int_equal(p.json.data[p.json.len - 1], '\n');
    free(dumped);
    sc_prepared_free(&p);
  }
  sc_signer_free(signer);
  json_decref(what);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(writes_the_vector_documents_as_json_dumps_does),
      cmocka_unit_test(escapes_strings_and_keys_as_json_dumps_does),
      cmocka_unit_test(escapes_a_character_at_every_position_of_a_string_as_json_dumps_does),
      cmocka_unit_test(lays_out_nesting_and_scalars_as_json_dumps_does),
      cmocka_unit_test(leaves_reals_to_json_dumps),
      cmocka_unit_test(writes_random_trees_as_json_dumps_does),
      cmocka_unit_test(appends_after_what_the_buffer_holds),
      cmocka_unit_test(refuses_a_bare_scalar),
  };
  const struct CMUnitTest issuing[] = {
      cmocka_unit_test(a_shared_issuer_profile_leaves_the_credential_bytes_unchanged),
      cmocka_unit_test(a_worker_signer_signs_credentials_that_verify),
      cmocka_unit_test(a_credential_built_member_by_member_has_the_bytes_json_pack_gave),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  return failed + cmocka_run_group_tests(issuing, open_home, close_home);
}
