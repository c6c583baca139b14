/* The registry's packed forms of a credential (issuer/registry_pack.c, 0x01: DEFLATE with the
 * QR dictionary, compressed with a small window for speed, read back with the full one;
 * issuer/registry_dictionaries.c, 0x02: zstd with a batch's dictionary, on both back-ends). */
#include "test_registry_support.h"

#include "issuer/registry_internal.h"

static void assert_round_trips(const char *text) {
  sc_error err = {0};
  sc_buf packed = {0};
  assert_int_equal(sc_registry_pack(text, strlen(text), &packed, &err), SC_OK);
  char *back = sc_registry_unpack(NULL, "urn:uuid:test", packed.data, packed.len, &err);
  assert_non_null(back);
  assert_string_equal(back, text);
  free(back);
  sc_buf_free(&packed);
}

/* A credential the size of a batch's compresses to well under a third of its bytes. */
static void a_typical_credential_round_trips_and_shrinks(void **state) {
  (void)state;
  const char *text =
      "{\n  \"@context\": [\n    \"https://www.w3.org/ns/credentials/v2\",\n"
      "    \"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"\n  ],\n"
      "  \"type\": [\n    \"VerifiableCredential\",\n    \"OpenBadgeCredential\"\n  ],\n"
      "  \"credentialSubject\": {\n    \"type\": [\n      \"AchievementSubject\"\n    ]\n  }\n}\n";
  assert_round_trips(text);
  sc_error err = {0};
  sc_buf packed = {0};
  assert_int_equal(sc_registry_pack(text, strlen(text), &packed, &err), SC_OK);
  assert_true(packed.len < strlen(text) / 3);
  sc_buf_free(&packed);
}

/* Far larger than the 8 KB window the packer uses, with repeats further apart than it: still
 * read back byte for byte. */
static void a_credential_larger_than_the_window_round_trips(void **state) {
  (void)state;
  sc_buf text = {0};
  assert_true(sc_buf_append_str(&text, "{\"description\": \""));
  uint32_t x = 12345;
  for (int i = 0; i < 60000; i++) {
    x = x * 1103515245u + 12345u;
    assert_true(sc_buf_append_byte(&text, (unsigned char)('a' + (x >> 16) % 26)));
  }
  assert_true(sc_buf_append_str(&text, "\"}\n"));
  assert_round_trips((const char *)text.data);
  sc_buf_free(&text);
}

/* ------------------------------------------------------------- form 0x02: batch dictionaries */

/* Two credentials of one batch: they differ in ids, name, dates and proof only. */
static char *batch_credential(int n) {
  enum { SIZE = 2048 };
  char *text = malloc(SIZE);
  assert_non_null(text);
  int len = snprintf(
      text, SIZE,
      "{\n  \"@context\": [\n    \"https://www.w3.org/ns/credentials/v2\",\n"
      "    \"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json\"\n  ],\n"
      "  \"id\": \"urn:uuid:%08x-6f80-460d-bbbd-65168c287a12\",\n"
      "  \"type\": [\"VerifiableCredential\", \"OpenBadgeCredential\"],\n"
      "  \"issuer\": {\"id\": \"did:key:z6MkqHdLtbtTVb52dCxPPXNRJsDfHrKYL8dCPsw37Be3RCPM\","
      " \"name\": \"Acme AI Academy\"},\n  \"validFrom\": \"2026-12-05T03:%02d:10Z\",\n"
      "  \"credentialSubject\": {\"type\": [\"AchievementSubject\"], \"name\": \"Learner %d\","
      " \"achievement\": {\"id\": \"https://acme.example/achievements/ai-fundamentals\","
      " \"name\": \"AI Fundamentals\", \"description\": \"Knows what a model is, how it is"
      " trained and evaluated, and where it fails.\"}},\n  \"proof\": {\"type\":"
      " \"DataIntegrityProof\", \"cryptosuite\": \"eddsa-jcs-2022\", \"proofValue\":"
      " \"z%08x%08xAbCdEfGhJkLmNpQrStUvWxYz\"}\n}\n",
      (unsigned)n * 2654435761u, n % 60, n, (unsigned)n * 40503u, (unsigned)n * 2246822519u);
  assert_true(len > 0 && len < SIZE);
  return text;
}

/* Packs text in a write transaction (the dictionary row, when first needed, goes with it). */
static void pack_committed(fixture *f, const char *text, sc_buf *packed) {
  sc_error err = {0};
  assert_int_equal(sc_registry_begin(f->reg, &err), SC_OK);
  assert_int_equal(sc_registry_pack_stored(f->reg, text, strlen(text), packed, &err), SC_OK);
  assert_int_equal(sc_registry_commit(f->reg, &err), SC_OK);
}

static int64_t count(fixture *f, const char *sql) {
  sc_error err = {0};
  sc_sql_stmt *stmt = f->reg->driver->prepare(f->reg, sql, &err);
  assert_non_null(stmt);
  bool row = false;
  assert_int_equal(sc_sql_step(f->reg, stmt, "counting", &row, &err), SC_OK);
  assert_true(row);
  int64_t n = f->reg->driver->column_int64(stmt, 0);
  f->reg->driver->finalize(stmt);
  return n;
}

static void assert_unpacks_to(fixture *f, const sc_buf *packed, const char *text) {
  sc_error err = {0};
  char *back = sc_registry_unpack(f->reg, "urn:uuid:x", packed->data, packed->len, &err);
  if (!back)
    fail_msg("%s", err.message);
  assert_string_equal(back, text);
  free(back);
}

/* Returns the error sc_registry_unpack gives for packed (which it must refuse). */
static sc_error refused(fixture *f, const uint8_t *data, size_t len) {
  sc_error err = {0};
  char *back = sc_registry_unpack(f->reg, "urn:uuid:refused-one", data, len, &err);
  assert_null(back);
  assert_int_equal(err.code, SC_EDATA);
  assert_non_null(strstr(err.message, "urn:uuid:refused-one"));
  return err;
}

/* A batch's credentials, packed against its first, read back byte for byte, from a second
 * handle too (which finds the dictionary in the table), and keep under half of what form 0x01
 * keeps. Without a dictionary a handle still writes 0x01. */
static void a_batch_dictionary_round_trips_in_form_2_and_keeps_less_than_form_1(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  char *first = batch_credential(1), *other = batch_credential(2);
  sc_buf plain = {0}, packed = {0};
  pack_committed(f, other, &plain);
  assert_int_equal(plain.data[0], SC_PACK_DEFLATE_QR_V1);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, first, strlen(first), &err), SC_OK);
  pack_committed(f, other, &packed);
  assert_int_equal(packed.data[0], SC_PACK_ZSTD_DICTIONARY);
  assert_true(packed.len * 2 < plain.len);
  assert_unpacks_to(f, &packed, other);
  assert_unpacks_to(f, &plain, other);
  sc_registry *second = NULL;
  assert_int_equal(sc_registry_open(&f->home, &second, &err), SC_OK);
  char *back = sc_registry_unpack(second, "urn:uuid:x", packed.data, packed.len, &err);
  assert_non_null(back);
  assert_string_equal(back, other);
  free(back);
  sc_registry_close(second);
  sc_registry_drop_dictionary(f->reg);
  sc_buf after = {0};
  pack_committed(f, other, &after);
  assert_int_equal(after.data[0], SC_PACK_DEFLATE_QR_V1);
  sc_buf_free(&plain), sc_buf_free(&packed), sc_buf_free(&after);
  free(first), free(other);
}

/* Every credential of a batch names the one dictionary row, stored with the first of them; a
 * second batch with the same first credential finds it (insert-or-get by SHA-256). */
static void a_batch_stores_its_dictionary_once(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  char *first = batch_credential(1);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, first, strlen(first), &err), SC_OK);
  assert_int_equal(count(f, "SELECT count(*) FROM dictionaries"), 0);
  for (int i = 1; i <= 5; i++) {
    char *text = batch_credential(i);
    sc_buf packed = {0};
    pack_committed(f, text, &packed);
    assert_unpacks_to(f, &packed, text);
    sc_buf_free(&packed);
    free(text);
  }
  assert_int_equal(count(f, "SELECT count(*) FROM dictionaries"), 1);
  char *second = batch_credential(2); /* offered later in the batch: the first one stays */
  assert_int_equal(sc_registry_offer_dictionary(f->reg, second, strlen(second), &err), SC_OK);
  sc_registry_drop_dictionary(f->reg);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, first, strlen(first), &err), SC_OK);
  sc_buf packed = {0};
  pack_committed(f, first, &packed);
  assert_int_equal(count(f, "SELECT count(*) FROM dictionaries"), 1);
  sc_buf_free(&packed);
  free(first), free(second);
}

/* A chunk rolled back takes the dictionary row with it, and the handle forgets the dictionary
 * (a credential never recorded must not be kept as one): the next chunk stores its credentials
 * on their own until its own first credential is offered, so none names a row that is not
 * there. */
static void a_rolled_back_dictionary_is_forgotten_and_the_next_offer_taken(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  char *first = batch_credential(1), *other = batch_credential(2);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, first, strlen(first), &err), SC_OK);
  sc_buf lost = {0}, alone = {0}, packed = {0};
  assert_int_equal(sc_registry_begin(f->reg, &err), SC_OK);
  assert_int_equal(sc_registry_pack_stored(f->reg, first, strlen(first), &lost, &err), SC_OK);
  assert_int_equal(lost.data[0], SC_PACK_ZSTD_DICTIONARY);
  sc_registry_rollback(f->reg);
  assert_int_equal(count(f, "SELECT count(*) FROM dictionaries"), 0);
  pack_committed(f, other, &alone);
  assert_int_equal(alone.data[0], SC_PACK_DEFLATE_QR_V1);
  assert_unpacks_to(f, &alone, other);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, other, strlen(other), &err), SC_OK);
  pack_committed(f, other, &packed);
  assert_int_equal(packed.data[0], SC_PACK_ZSTD_DICTIONARY);
  assert_int_equal(count(f, "SELECT count(*) FROM dictionaries"), 1);
  assert_unpacks_to(f, &packed, other);
  sc_buf_free(&lost), sc_buf_free(&alone), sc_buf_free(&packed);
  free(first), free(other);
}

/* A dictionary read inside a transaction that rolls back is not trusted after it: on SQLite
 * the next dictionary stored gets the same id, and its credentials read back with their own. */
static void a_dictionary_read_in_a_rolled_back_transaction_is_read_again(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  char *a = batch_credential(1), *b = batch_credential(500), *text = batch_credential(2);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, a, strlen(a), &err), SC_OK);
  sc_buf lost = {0}, packed = {0};
  assert_int_equal(sc_registry_begin(f->reg, &err), SC_OK);
  assert_int_equal(sc_registry_pack_stored(f->reg, text, strlen(text), &lost, &err), SC_OK);
  assert_unpacks_to(f, &lost, text); /* loads dictionary a */
  sc_registry_rollback(f->reg);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, b, strlen(b), &err), SC_OK);
  pack_committed(f, text, &packed);
  assert_unpacks_to(f, &packed, text);
  sc_buf_free(&lost), sc_buf_free(&packed);
  free(a), free(b), free(text);
}

/* More dictionaries than the handle keeps (16), read in turn and again: each is loaded again
 * when it was dropped, and every text comes back. */
static void more_dictionaries_than_the_cache_holds_all_read_back(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  enum { N = 20 };
  sc_buf packed[N] = {0};
  char *texts[N];
  for (int i = 0; i < N; i++) {
    char *dictionary = batch_credential(100 + i);
    texts[i] = batch_credential(200 + i);
    sc_registry_drop_dictionary(f->reg); /* a new batch */
    assert_int_equal(sc_registry_offer_dictionary(f->reg, dictionary, strlen(dictionary), &err),
                     SC_OK);
    pack_committed(f, texts[i], &packed[i]);
    free(dictionary);
  }
  assert_int_equal(count(f, "SELECT count(*) FROM dictionaries"), N);
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < N; i++)
      assert_unpacks_to(f, &packed[i], texts[i]);
  for (int i = 0; i < N; i++) {
    sc_buf_free(&packed[i]);
    free(texts[i]);
  }
}

/* A damaged row, an unknown form, a row naming a dictionary that is not there: SC_EDATA naming
 * the credential, never garbage. The frame's checksum catches a changed byte anywhere. */
static void a_damaged_row_is_a_data_error_naming_the_credential(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  char *first = batch_credential(1), *other = batch_credential(2);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, first, strlen(first), &err), SC_OK);
  sc_buf packed = {0};
  pack_committed(f, other, &packed);
  for (size_t at = 2; at < packed.len; at++) {
    packed.data[at] ^= 0x20;
    refused(f, packed.data, packed.len);
    packed.data[at] ^= 0x20;
  }
  refused(f, packed.data, packed.len - 1); /* cut short */
  refused(f, packed.data, 2);
  refused(f, packed.data, 1);
  refused(f, packed.data, 0);
  const uint8_t unknown[] = {0x07, 0x01, 0x02};
  sc_error e = refused(f, unknown, sizeof unknown);
  assert_non_null(strstr(e.message, "does not know"));
  const uint8_t no_id[] = {0x02, 0x80, 0x80};
  refused(f, no_id, sizeof no_id);
  packed.data[1] = 0x7f; /* dictionary 127: not there */
  e = refused(f, packed.data, packed.len);
  assert_non_null(strstr(e.message, "does not hold"));
  sc_buf_free(&packed);
  free(first), free(other);
}

/* A dictionary whose bytes were changed is refused by its SHA-256 before any credential is
 * decompressed with it. */
static void a_damaged_dictionary_is_a_data_error(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  char *first = batch_credential(1), *other = batch_credential(2);
  assert_int_equal(sc_registry_offer_dictionary(f->reg, first, strlen(first), &err), SC_OK);
  sc_buf packed = {0};
  pack_committed(f, other, &packed);
  sc_registry *second = NULL;
  assert_int_equal(sc_registry_open(&f->home, &second, &err), SC_OK);
  assert_int_equal(
      sc_registry_exec(second,
                       "UPDATE dictionaries SET sha256 = "
                       "'0000000000000000000000000000000000000000000000000000000000000000'",
                       &err),
      SC_OK);
  char *back = sc_registry_unpack(second, "urn:uuid:damaged", packed.data, packed.len, &err);
  assert_null(back);
  assert_int_equal(err.code, SC_EDATA);
  assert_non_null(strstr(err.message, "damaged"));
  assert_non_null(strstr(err.message, "urn:uuid:damaged"));
  sc_registry_close(second);
  sc_buf_free(&packed);
  free(first), free(other);
}

/* A frame that says it holds more than a credential may (SC_JSON_MAX_BYTES) is refused before
 * anything is allocated for it. */
static void a_frame_over_the_size_limit_is_refused(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  char *first = batch_credential(1);
  size_t big = SC_JSON_MAX_BYTES + 1;
  char *text = malloc(big + 1);
  assert_non_null(text);
  memset(text, ' ', big);
  text[big] = 0;
  assert_int_equal(sc_registry_offer_dictionary(f->reg, first, strlen(first), &err), SC_OK);
  sc_buf packed = {0};
  pack_committed(f, text, &packed);
  sc_error e = refused(f, packed.data, packed.len);
  assert_non_null(strstr(e.message, "over"));
  sc_buf_free(&packed);
  free(text), free(first);
}

#define BOTH(test) cmocka_unit_test_setup_teardown(test, setup, teardown)
#define BOTH_PG(test) cmocka_unit_test_setup_teardown(test, setup_pg, teardown)
#define DICTIONARY_TESTS(X)                                                                        \
  X(a_batch_dictionary_round_trips_in_form_2_and_keeps_less_than_form_1),                          \
      X(a_batch_stores_its_dictionary_once),                                                       \
      X(a_rolled_back_dictionary_is_forgotten_and_the_next_offer_taken),                           \
      X(a_dictionary_read_in_a_rolled_back_transaction_is_read_again),                             \
      X(more_dictionaries_than_the_cache_holds_all_read_back),                                     \
      X(a_damaged_row_is_a_data_error_naming_the_credential),                                      \
      X(a_damaged_dictionary_is_a_data_error), X(a_frame_over_the_size_limit_is_refused)

int main(void) {
  const struct CMUnitTest form1[] = {
      cmocka_unit_test(a_typical_credential_round_trips_and_shrinks),
      cmocka_unit_test(a_credential_larger_than_the_window_round_trips),
  };
  const struct CMUnitTest sqlite[] = {DICTIONARY_TESTS(BOTH)};
  const struct CMUnitTest postgres[] = {DICTIONARY_TESTS(BOTH_PG)};
  int failed = cmocka_run_group_tests_name("registry pack (0x01)", form1, NULL, NULL);
  failed += cmocka_run_group_tests_name("registry dictionaries (SQLite)", sqlite, NULL, NULL);
  return failed + cmocka_run_group_tests_name("registry dictionaries (PostgreSQL)", postgres,
                                              start_postgres, stop_postgres);
}
