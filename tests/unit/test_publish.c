/* Publishing status lists: each list records the registry generation it was made from, and a
 * publisher whose snapshot is older than what is already published leaves the newer list. */
#include "test_home_support.h"

typedef struct fixture {
  char dir[64];
  sc_home home;
  EVP_PKEY *key;
  sc_registry *reg;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || !make_temp_dir(f->dir, "publish"))
    return -1;
  sc_error err = {0};
  if (open_acme_home(f->dir, &f->home, &f->key, &err) != SC_OK ||
      sc_registry_open(&f->home, &f->reg, &err) != SC_OK) {
    fprintf(stderr, "setup: %s\n", err.message);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  sc_registry_close(f->reg);
  EVP_PKEY_free(f->key);
  sc_home_close(&f->home);
  int rc = remove_temp_dir(f->dir);
  free(f);
  return rc;
}

/* Issues a credential into the fixture's registry; returns its list. */
static int64_t insert(fixture *f, const char *id) {
  int64_t list, index;
  sc_error err = {0};
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = {.id = id,
                          .achievement_id = "https://acme.example/ai",
                          .recipient_name = "Zoë",
                          .email_hash = "sha256$00",
                          .status_list = list,
                          .status_index = index,
                          .issued_at = "2026-11-28T00:00:00Z",
                          .json_path = "/x.json",
                          .credential_json = "{}"};
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  return list;
}

static void generations(fixture *f, int64_t list, int64_t *generation, int64_t *published) {
  sc_error err = {0};
  if (sc_registry_list_generation(f->reg, list, generation, published, &err) != SC_OK)
    fail_msg("%s", err.message);
}

static void publish_all(fixture *f) {
  sc_publish_options opts = {.now = 1764288000};
  sc_error err = {0};
  if (sc_publish_lists(&f->home, f->key, f->reg, NULL, 0, &opts, &err) != SC_OK)
    fail_msg("%s", err.message);
}

static void issuance_and_each_status_change_bump_the_generation(void **state) {
  fixture *f = *state;
  int64_t list = insert(f, "urn:uuid:1"), generation, published;
  generations(f, list, &generation, &published);
  assert_int_equal(generation, 1);
  assert_int_equal(published, 0);
  insert(f, "urn:uuid:2");
  sc_error err = {0};
  assert_int_equal(sc_registry_change_status(f->reg, "urn:uuid:1", SC_CHANGE_SUSPEND, "x", NULL, &err),
                   SC_OK);
  assert_int_equal(sc_registry_change_status(f->reg, "urn:uuid:1", SC_CHANGE_REINSTATE, NULL, NULL, &err),
                   SC_OK);
  /* a refused change is rolled back with its bump */
  assert_int_equal(sc_registry_change_status(f->reg, "urn:uuid:1", SC_CHANGE_REINSTATE, NULL, NULL, &err),
                   SC_EUSAGE);
  generations(f, list, &generation, &published);
  assert_int_equal(generation, 4);
}

static void publishing_records_the_generation_the_lists_show(void **state) {
  fixture *f = *state;
  int64_t list = insert(f, "urn:uuid:1"), generation, published;
  sc_error err = {0};
  assert_int_equal(sc_registry_change_status(f->reg, "urn:uuid:1", SC_CHANGE_REVOKE, "x", NULL, &err),
                   SC_OK);
  publish_all(f);
  generations(f, list, &generation, &published);
  assert_int_equal(generation, 2);
  assert_int_equal(published, 2);
  /* the record never goes back */
  assert_int_equal(sc_registry_mark_published(f->reg, list, 1, &err), SC_OK);
  generations(f, list, &generation, &published);
  assert_int_equal(published, 2);
}

static void a_snapshot_older_than_the_published_list_does_not_replace_it(void **state) {
  fixture *f = *state;
  int64_t list = insert(f, "urn:uuid:1");
  publish_all(f);
  /* a newer publication (another machine's, say) is out, made from generation 9 */
  sc_error err = {0};
  assert_int_equal(sc_registry_mark_published(f->reg, list, 9, &err), SC_OK);
  char path[PATH_MAX];
  assert_int_equal(sc_path_format(path, sizeof path, SC_ECANTCREAT, &err,
                                  "%s/public/status/%lld/revocation", f->home.root, (long long)list),
                   SC_OK);
  FILE *newer = fopen(path, "w");
  assert_non_null(newer);
  fputs("newer\n", newer);
  fclose(newer);
  publish_all(f); /* this registry is at generation 1 */
  sc_buf text = {0};
  assert_int_equal(sc_read_file(path, 1024, &text, &err), SC_OK);
  assert_int_equal(text.len, 6);
  assert_memory_equal(text.data, "newer\n", 6);
  sc_buf_free(&text);
}

static void the_key_document_lists_a_key_rotated_after_the_home_was_opened(void **state) {
  fixture *f = *state; /* f->home was opened before the rotation */
  sc_home rotating;
  sc_error err = {0};
  assert_int_equal(sc_home_open(f->home.root, &rotating, &err), SC_OK);
  sc_passphrase_source none = {.none = true};
  char *new_did = NULL;
  if (sc_home_rotate_key(&rotating, &none, &new_did, &err) != SC_OK)
    fail_msg("%s", err.message);
  sc_home_close(&rotating);
  assert_int_equal(sc_publish_key_document(&f->home, &err), SC_OK);
  char path[PATH_MAX];
  assert_int_equal(sc_path_format(path, sizeof path, SC_ECANTCREAT, &err, "%s/public/issuer.json",
                                  f->home.root),
                   SC_OK);
  sc_buf text = {0};
  assert_int_equal(sc_read_file(path, 1 << 20, &text, &err), SC_OK);
  assert_true(sc_buf_append_byte(&text, '\0'));
  assert_non_null(strstr((const char *)text.data, new_did + strlen("did:key:")));
  sc_buf_free(&text);
  free(new_did);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(issuance_and_each_status_change_bump_the_generation, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(publishing_records_the_generation_the_lists_show, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_snapshot_older_than_the_published_list_does_not_replace_it,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          the_key_document_lists_a_key_rotated_after_the_home_was_opened, setup, teardown),
  };
  return cmocka_run_group_tests_name("publish", tests, NULL, NULL);
}
