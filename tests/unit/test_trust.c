/* The trust list: loading and strict validation, lookups, changes, and saving. */
#include "test_support.h"

#include "keys/keys.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACME_KEY "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
#define ACME_WEB "did:web:acme.example"
#define OTHER_KEY "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"

static const char *const two_issuers =
    "{\"version\": 1, \"issuers\": ["
    "{\"name\": \"Acme AI Academy\", \"ids\": [\"" ACME_KEY "\", \"" ACME_WEB "\"]},"
    "{\"ids\": [\"" OTHER_KEY "\"], \"name\": \"Other School\"}]}";

typedef struct fixture {
  char dir[64];
  char path[128];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  if (!make_temp_dir(f->dir, "trust"))
    return -1;
  snprintf(f->path, sizeof f->path, "%s/trust.json", f->dir);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  remove_temp_dir(f->dir);
  free(f);
  return 0;
}

static void write_text(const char *path, const char *text) {
  sc_error err = {0};
  assert_int_equal(sc_write_file_atomic(path, text, strlen(text), 0644, &err), SC_OK);
}

static sc_trust_list *load_text(const fixture *f, const char *text) {
  write_text(f->path, text);
  sc_trust_list *list = NULL;
  sc_error err = {0};
  if (sc_trust_load(f->path, &list, &err) != SC_OK)
    fail_msg("cannot load: %s", err.message);
  return list;
}

static char *read_text(const char *path) {
  sc_buf buf = {0};
  assert_int_equal(sc_read_file(path, 1 << 20, &buf, NULL), SC_OK);
  return sc_buf_take(&buf);
}

static void load_reads_every_issuer_and_id(void **state) {
  sc_trust_list *list = load_text(*state, two_issuers);
  assert_int_equal(sc_trust_count(list), 2);
  const json_t *ids = NULL;
  assert_string_equal(sc_trust_entry(list, 0, &ids), "Acme AI Academy");
  assert_int_equal(json_array_size(ids), 2);
  assert_string_equal(json_string_value(json_array_get(ids, 1)), ACME_WEB);
  assert_string_equal(sc_trust_entry(list, 1, &ids), "Other School");
  assert_int_equal(json_array_size(ids), 1);
  assert_null(sc_trust_entry(list, 2, &ids));
  assert_null(ids);
  sc_trust_free(list);
}

static void lookup_matches_exact_ids_only(void **state) {
  sc_trust_list *list = load_text(*state, two_issuers);
  assert_string_equal(sc_trust_lookup(list, ACME_KEY), "Acme AI Academy");
  assert_string_equal(sc_trust_lookup(list, ACME_WEB), "Acme AI Academy");
  assert_string_equal(sc_trust_lookup(list, OTHER_KEY), "Other School");
  assert_null(sc_trust_lookup(list, "did:web:ACME.example"));
  assert_null(sc_trust_lookup(list, ACME_KEY "#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"));
  assert_null(sc_trust_lookup(list, "did:key:z6Mk"));
  assert_null(sc_trust_lookup(list, "Acme AI Academy"));
  assert_null(sc_trust_lookup(list, ""));
  sc_trust_free(list);
}

static void save_then_load_gives_the_same_list_and_bytes(void **state) {
  fixture *f = *state;
  sc_trust_list *list = load_text(f, two_issuers);
  sc_error err = {0};
  assert_int_equal(sc_trust_save(list, f->path, &err), SC_OK);
  char *first = read_text(f->path);
  sc_trust_list *again = NULL;
  assert_int_equal(sc_trust_load(f->path, &again, &err), SC_OK);
  assert_int_equal(sc_trust_count(again), 2);
  assert_string_equal(sc_trust_lookup(again, ACME_WEB), "Acme AI Academy");
  assert_int_equal(sc_trust_save(again, f->path, &err), SC_OK);
  char *second = read_text(f->path);
  assert_string_equal(first, second);
  /* Pretty-printed, members in a fixed order (the second entry had ids before name). */
  assert_non_null(strstr(first, "{\n  \"version\": 1,\n  \"issuers\": [\n"));
  assert_non_null(strstr(first, "\"name\": \"Other School\",\n      \"ids\": ["));
  assert_int_equal(first[strlen(first) - 1], '\n');
  struct stat st;
  assert_int_equal(stat(f->path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0644);
  free(first);
  free(second);
  sc_trust_free(list);
  sc_trust_free(again);
}

static void new_list_saves_an_empty_valid_file(void **state) {
  fixture *f = *state;
  sc_trust_list *list = sc_trust_new();
  assert_non_null(list);
  assert_int_equal(sc_trust_count(list), 0);
  sc_error err = {0};
  assert_int_equal(sc_trust_save(list, f->path, &err), SC_OK);
  sc_trust_free(list);
  assert_int_equal(sc_trust_load(f->path, &list, &err), SC_OK);
  assert_int_equal(sc_trust_count(list), 0);
  sc_trust_free(list);
}

static void add_to_existing_name_extends_that_entry(void **state) {
  sc_trust_list *list = load_text(*state, two_issuers);
  sc_error err = {0};
  assert_int_equal(sc_trust_add(list, "did:web:learn.acme.example", "Acme AI Academy", &err),
                   SC_OK);
  assert_int_equal(sc_trust_count(list), 2);
  const json_t *ids = NULL;
  sc_trust_entry(list, 0, &ids);
  assert_int_equal(json_array_size(ids), 3);
  assert_string_equal(sc_trust_lookup(list, "did:web:learn.acme.example"), "Acme AI Academy");
  /* A new name makes a new entry at the end. */
  assert_int_equal(sc_trust_add(list, "did:web:third.example", "Third", &err), SC_OK);
  assert_int_equal(sc_trust_count(list), 3);
  assert_string_equal(sc_trust_entry(list, 2, NULL), "Third");
  /* Adding the same id under the same name again changes nothing. */
  assert_int_equal(sc_trust_add(list, ACME_KEY, "Acme AI Academy", &err), SC_OK);
  sc_trust_entry(list, 0, &ids);
  assert_int_equal(json_array_size(ids), 3);
  sc_trust_free(list);
}

static void add_refuses_an_id_owned_by_another_issuer(void **state) {
  sc_trust_list *list = load_text(*state, two_issuers);
  sc_error err = {0};
  assert_int_equal(sc_trust_add(list, ACME_KEY, "Other School", &err), SC_EUSAGE);
  assert_non_null(strstr(err.message, "already trusted as \"Acme AI Academy\""));
  assert_string_equal(sc_trust_lookup(list, ACME_KEY), "Acme AI Academy");
  sc_trust_free(list);
}

static void add_refuses_what_is_neither_a_did_nor_an_https_issuer_id(void **state) {
  (void)state;
  sc_trust_list *list = sc_trust_new();
  sc_error err = {0};
  assert_int_equal(sc_trust_add(list, "http://acme.example", "Acme", &err), SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "https://acme.example/issuers/1#key-1", "Acme", &err),
                   SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "https:///x", "Acme", &err), SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164", "Acme", &err),
                   SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "did:key:", "Acme", &err), SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "did::abc", "Acme", &err), SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "did:Key:abc", "Acme", &err), SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "did:web:a.example#key-1", "Acme", &err), SC_EUSAGE);
  assert_int_equal(sc_trust_add(list, "did:web:a.example", "", &err), SC_EUSAGE);
  assert_int_equal(sc_trust_count(list), 0);
  /* an Open Badges issuer profile at an https URL, whose keys are https key ids */
  assert_int_equal(sc_trust_add(list, "https://acme.example/issuers/1", "Acme", &err), SC_OK);
  assert_string_equal(sc_trust_lookup(list, "https://acme.example/issuers/1"), "Acme");
  sc_trust_free(list);
}

static void remove_takes_out_an_id_or_a_whole_entry(void **state) {
  sc_trust_list *list = load_text(*state, two_issuers);
  sc_error err = {0};
  assert_int_equal(sc_trust_remove(list, ACME_WEB, &err), SC_OK);
  assert_null(sc_trust_lookup(list, ACME_WEB));
  assert_string_equal(sc_trust_lookup(list, ACME_KEY), "Acme AI Academy");
  /* Removing its last id removes the entry. */
  assert_int_equal(sc_trust_remove(list, ACME_KEY, &err), SC_OK);
  assert_int_equal(sc_trust_count(list), 1);
  /* Removing by name removes every id. */
  assert_int_equal(sc_trust_remove(list, "Other School", &err), SC_OK);
  assert_int_equal(sc_trust_count(list), 0);
  assert_null(sc_trust_lookup(list, OTHER_KEY));
  assert_int_equal(sc_trust_remove(list, "Other School", &err), SC_EUSAGE);
  assert_non_null(strstr(err.message, "Other School"));
  sc_trust_free(list);
}

static void missing_file_is_enoinput(void **state) {
  fixture *f = *state;
  char path[256];
  snprintf(path, sizeof path, "%s/absent.json", f->dir);
  sc_trust_list *list = NULL;
  sc_error err = {0};
  assert_int_equal(sc_trust_load(path, &list, &err), SC_ENOINPUT);
  assert_null(list);
}

/* Each malformed file fails with SC_EDATA and a message naming the field. */
static void malformed_files_name_the_field(void **state) {
  fixture *f = *state;
  static const struct {
    const char *text;
    const char *field;
  } cases[] = {
      {"[]", "expected an object"},
      {"{\"issuers\": []}", "version: expected 1"},
      {"{\"version\": 2, \"issuers\": []}", "version: expected 1"},
      {"{\"version\": \"1\", \"issuers\": []}", "version: expected 1"},
      {"{\"version\": 1}", "issuers: expected an array"},
      {"{\"version\": 1, \"issuers\": {}}", "issuers: expected an array"},
      {"{\"version\": 1, \"issuers\": [], \"issuer\": []}", "unexpected member \"issuer\""},
      {"{\"version\": 1, \"issuers\": [\"did:web:a.example\"]}", "issuers[0]: expected an object"},
      {"{\"version\": 1, \"issuers\": [{\"ids\": [\"did:web:a.example\"]}]}",
       "issuers[0].name: expected a non-empty string"},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"\", \"ids\": [\"did:web:a.example\"]}]}",
       "issuers[0].name: expected a non-empty string"},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"A\"}]}",
       "issuers[0].ids: expected a non-empty"},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": []}]}",
       "issuers[0].ids: expected a non-empty"},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [\"did:web:a.example\"]},"
       "{\"name\": \"B\", \"ids\": [\"did:web:b.example\"]},"
       "{\"name\": \"C\", \"ids\": [7]}]}",
       "issuers[2].ids[0]: expected a DID or https issuer id string"},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [\"did:web:a.example\", "
       "\"web:b.example\"]}]}",
       "issuers[0].ids[1]: expected a DID or https issuer id string"},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [\"did:web:a.example\"], "
       "\"url\": \"x\"}]}",
       "issuers[0]: unexpected member \"url\""},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [\"did:web:a.example\"]},"
       "{\"name\": \"A\", \"ids\": [\"did:web:b.example\"]}]}",
       "issuers[1].name: \"A\" is listed twice"},
      {"{\"version\": 1, \"issuers\": [{\"name\": \"A\", \"ids\": [\"did:web:a.example\"]},"
       "{\"name\": \"B\", \"ids\": [\"did:web:a.example\"]}]}",
       "issuers[1].ids[0]: did:web:a.example is already listed under A"},
      {"{\"version\": 1, \"issuers\": []", NULL}, /* not JSON: the parser's message */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    write_text(f->path, cases[i].text);
    sc_trust_list *list = NULL;
    sc_error err = {0};
    int rc = sc_trust_load(f->path, &list, &err);
    if (rc != SC_EDATA)
      fail_msg("case %zu: expected SC_EDATA, got %d (%s)", i, rc, err.message);
    assert_null(list);
    assert_non_null(strstr(err.message, f->path));
    if (cases[i].field && !strstr(err.message, cases[i].field))
      fail_msg("case %zu: message \"%s\" does not contain \"%s\"", i, err.message, cases[i].field);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(load_reads_every_issuer_and_id),
      cmocka_unit_test(lookup_matches_exact_ids_only),
      cmocka_unit_test(save_then_load_gives_the_same_list_and_bytes),
      cmocka_unit_test(new_list_saves_an_empty_valid_file),
      cmocka_unit_test(add_to_existing_name_extends_that_entry),
      cmocka_unit_test(add_refuses_an_id_owned_by_another_issuer),
      cmocka_unit_test(add_refuses_what_is_neither_a_did_nor_an_https_issuer_id),
      cmocka_unit_test(remove_takes_out_an_id_or_a_whole_entry),
      cmocka_unit_test(missing_file_is_enoinput),
      cmocka_unit_test(malformed_files_name_the_field),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
