/* Claim tokens in the registry (docs/claim.md), on SQLite and on PostgreSQL: made, found by
 * their hash only, expired, revoked one by one or per credential, replaced by a new mail. */
#include "test_registry_support.h"

#include <sqlite3.h>

#include "issuer/registry_internal.h"

static void insert(fixture *f, const char *id, const char *learner) {
  int64_t list, index;
  sc_error err = {0};
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = {.id = id,
                          .learner_id = learner,
                          .achievement_id = "https://a.example/ai",
                          .recipient_name = "Zoë",
                          .email_hash = "sha256$00",
                          .status_list = list,
                          .status_index = index,
                          .issued_at = "2026-11-28T00:00:00Z",
                          .json_path = "/x.json",
                          .credential_json = "{\"id\":1}"};
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
}

#define ID_A "urn:uuid:0b9c3b8e-6f8a-4d0e-9a51-1a2b3c4d5e6f"
#define ID_B "urn:uuid:1c9c3b8e-6f8a-4d0e-9a51-1a2b3c4d5e6f"

/* The registry fixture with two credentials for the tokens to open. */
static int seeded(int rc, void **state) {
  if (rc != 0)
    return rc;
  insert(*state, ID_A, "learner-a");
  insert(*state, ID_B, "learner-b");
  return 0;
}

static int setup_claims(void **state) {
  return seeded(setup(state), state);
}

static int setup_claims_pg(void **state) {
  return seeded(setup_pg(state), state);
}

#define NOW ((int64_t)1800000000)
#define DAY ((int64_t)86400)

static void make(fixture *f, const char *id, sc_claim_via via, bool replace,
                 char token[SC_CLAIM_TOKEN_LEN + 1]) {
  sc_error err = {0};
  assert_int_equal(
      sc_registry_claim_create(f->reg, id, via, replace, NOW, NOW + 90 * DAY, token, &err), SC_OK);
}

/* SC_OK and the id, or the lookup's code. */
static int find(fixture *f, const char *token, int64_t now, char id[128]) {
  sc_error err = {0};
  id[0] = 0;
  return sc_registry_claim_find(f->reg, token, now, id, 128, &err);
}

static void a_token_is_43_base64url_characters_and_opens_its_credential_only(void **state) {
  fixture *f = *state;
  char a[SC_CLAIM_TOKEN_LEN + 1], b[SC_CLAIM_TOKEN_LEN + 1], id[128];
  make(f, "0b9c3b8e-6f8a-4d0e-9a51-1a2b3c4d5e6f", SC_CLAIM_VIA_MAIL, false, a); /* bare UUID */
  make(f, ID_B, SC_CLAIM_VIA_MAIL, false, b);
  assert_int_equal(strlen(a), 43);
  assert_true(sc_claim_token_form(a) && sc_claim_token_form(b));
  assert_string_not_equal(a, b);
  assert_int_equal(find(f, a, NOW + 1, id), SC_OK);
  assert_string_equal(id, ID_A);
  assert_int_equal(find(f, b, NOW + 1, id), SC_OK);
  assert_string_equal(id, ID_B);
}

static void only_the_hash_of_a_token_is_stored(void **state) {
  fixture *f = *state;
  char token[SC_CLAIM_TOKEN_LEN + 1];
  make(f, ID_A, SC_CLAIM_VIA_LINK, false, token);
  sc_error err = {0};
  sc_sql_stmt *stmt = f->reg->driver->prepare(f->reg, "SELECT token_hash FROM claims", &err);
  assert_non_null(stmt);
  bool row = false;
  assert_int_equal(sc_sql_step(f->reg, stmt, "test", &row, &err), SC_OK);
  assert_true(row);
  const char *stored = f->reg->driver->column_text(stmt, 0, NULL);
  uint8_t digest[32];
  sc_sha256(token, strlen(token), digest);
  char *hex = sc_hex_encode(digest, 32);
  assert_string_equal(stored, hex);
  assert_null(strstr(stored, token));
  free(hex);
  f->reg->driver->finalize(stmt);
}

static void an_unknown_a_malformed_an_expired_and_a_revoked_token_open_nothing(void **state) {
  fixture *f = *state;
  char token[SC_CLAIM_TOKEN_LEN + 1], other[SC_CLAIM_TOKEN_LEN + 1], id[128];
  make(f, ID_A, SC_CLAIM_VIA_MAIL, false, token);
  make(f, ID_A, SC_CLAIM_VIA_LINK, false, other);
  char unknown[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  assert_int_equal(find(f, unknown, NOW, id), SC_ENOINPUT);
  assert_int_equal(find(f, "short", NOW, id), SC_ENOINPUT);
  assert_int_equal(find(f, "' OR 1=1 --AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NOW, id), SC_ENOINPUT);
  assert_int_equal(find(f, token, NOW + 90 * DAY - 1, id), SC_OK);
  assert_int_equal(find(f, token, NOW + 90 * DAY, id), SC_ENOINPUT); /* expired */
  bool found = false;
  sc_error err = {0};
  assert_int_equal(sc_registry_claim_revoke_token(f->reg, token, NOW + 5, &found, &err), SC_OK);
  assert_true(found);
  assert_int_equal(find(f, token, NOW + 6, id), SC_ENOINPUT);
  assert_int_equal(find(f, other, NOW + 6, id), SC_OK); /* the other token still works */
  assert_int_equal(sc_registry_claim_revoke_token(f->reg, token, NOW + 7, &found, &err), SC_OK);
  assert_false(found); /* revoked already */
}

static void revoking_a_credential_revokes_all_its_tokens_and_no_others(void **state) {
  fixture *f = *state;
  char t1[SC_CLAIM_TOKEN_LEN + 1], t2[SC_CLAIM_TOKEN_LEN + 1], tb[SC_CLAIM_TOKEN_LEN + 1];
  char id[128];
  make(f, ID_A, SC_CLAIM_VIA_MAIL, false, t1);
  make(f, ID_A, SC_CLAIM_VIA_LINK, false, t2);
  make(f, ID_B, SC_CLAIM_VIA_LINK, false, tb);
  size_t count = 0;
  sc_error err = {0};
  assert_int_equal(sc_registry_claim_revoke(f->reg, ID_A, NOW + 1, &count, &err), SC_OK);
  assert_int_equal(count, 2);
  assert_int_equal(find(f, t1, NOW + 2, id), SC_ENOINPUT);
  assert_int_equal(find(f, t2, NOW + 2, id), SC_ENOINPUT);
  assert_int_equal(find(f, tb, NOW + 2, id), SC_OK);
  assert_int_equal(sc_registry_claim_revoke(f->reg, "urn:uuid:ffffffff-6f8a-4d0e-9a51-1a2b3c4d5e6f",
                                            NOW, &count, &err),
                   SC_EDATA);
}

static void a_new_mail_replaces_the_mailed_token_but_not_a_given_link(void **state) {
  fixture *f = *state;
  char old[SC_CLAIM_TOKEN_LEN + 1], link[SC_CLAIM_TOKEN_LEN + 1], fresh[SC_CLAIM_TOKEN_LEN + 1];
  char id[128];
  make(f, ID_A, SC_CLAIM_VIA_MAIL, false, old);
  make(f, ID_A, SC_CLAIM_VIA_LINK, false, link);
  make(f, ID_A, SC_CLAIM_VIA_MAIL, true, fresh);
  assert_int_equal(find(f, old, NOW + 1, id), SC_ENOINPUT);
  assert_int_equal(find(f, link, NOW + 1, id), SC_OK);
  assert_int_equal(find(f, fresh, NOW + 1, id), SC_OK);
  assert_string_equal(id, ID_A);
}

static void a_token_for_no_credential_is_refused(void **state) {
  fixture *f = *state;
  char token[SC_CLAIM_TOKEN_LEN + 1];
  sc_error err = {0};
  assert_int_equal(sc_registry_claim_create(f->reg, "urn:uuid:ffffffff-6f8a-4d0e-9a51-1a2b3c4d5e6f",
                                            SC_CLAIM_VIA_LINK, false, NOW, NOW + DAY, token, &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "no such credential"));
}

static void the_claim_days_setting_is_read_and_checked(void **state) {
  (void)state;
  sc_home home = {.root = "/h"};
  int days = 0;
  sc_error err = {0};
  assert_int_equal(sc_claim_days(&home, &days, &err), SC_OK);
  assert_int_equal(days, SC_CLAIM_DEFAULT_DAYS);
  home.config = json_pack("{s:{s:i}}", "claim", "days", 30);
  assert_int_equal(sc_claim_days(&home, &days, &err), SC_OK);
  assert_int_equal(days, 30);
  json_decref(home.config);
  home.config = json_pack("{s:{s:i}}", "claim", "days", 0);
  assert_int_equal(sc_claim_days(&home, &days, &err), SC_ECONFIG);
  assert_non_null(strstr(err.message, "claim.days"));
  json_decref(home.config);
  home.config = json_pack("{s:{s:s}}", "claim", "days", "30");
  assert_int_equal(sc_claim_days(&home, &days, &err), SC_ECONFIG);
  json_decref(home.config);
  char *url = sc_claim_url("https://v.example/", "TOKEN");
  assert_string_equal(url, "https://v.example/claim/TOKEN");
  free(url);
}

#define BOTH(test) cmocka_unit_test_setup_teardown(test, setup_claims, teardown)
#define BOTH_PG(test) cmocka_unit_test_setup_teardown(test, setup_claims_pg, teardown)

int main(void) {
  const struct CMUnitTest sqlite[] = {
      BOTH(a_token_is_43_base64url_characters_and_opens_its_credential_only),
      BOTH(only_the_hash_of_a_token_is_stored),
      BOTH(an_unknown_a_malformed_an_expired_and_a_revoked_token_open_nothing),
      BOTH(revoking_a_credential_revokes_all_its_tokens_and_no_others),
      BOTH(a_new_mail_replaces_the_mailed_token_but_not_a_given_link),
      BOTH(a_token_for_no_credential_is_refused),
      cmocka_unit_test(the_claim_days_setting_is_read_and_checked),
  };
  const struct CMUnitTest postgres[] = {
      BOTH_PG(a_token_is_43_base64url_characters_and_opens_its_credential_only),
      BOTH_PG(only_the_hash_of_a_token_is_stored),
      BOTH_PG(an_unknown_a_malformed_an_expired_and_a_revoked_token_open_nothing),
      BOTH_PG(revoking_a_credential_revokes_all_its_tokens_and_no_others),
      BOTH_PG(a_new_mail_replaces_the_mailed_token_but_not_a_given_link),
      BOTH_PG(a_token_for_no_credential_is_refused),
  };
  int failed = cmocka_run_group_tests_name("claims (SQLite)", sqlite, NULL, NULL);
  return failed + cmocka_run_group_tests_name("claims (PostgreSQL)", postgres, start_postgres,
                                              stop_postgres);
}
