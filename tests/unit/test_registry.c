/* The registry: schema, records, idempotency, append-only events, status-list indexes. */
#include "test_registry_support.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "issuer/registry_internal.h"

static sc_issued_record sample(const char *id, const char *learner, int64_t index) {
  return (sc_issued_record){.id = id,
                            .learner_id = learner,
                            .achievement_id = "https://a.example/ai",
                            .recipient_name = "Zoë",
                            .email_hash = "sha256$00",
                            .status_list = 1,
                            .status_index = index,
                            .issued_at = "2026-11-28T00:00:00Z",
                            .json_path = "/x.json",
                            .credential_json = "{\"id\":1}"};
}

static void insert_ok(fixture *f, const char *id, const char *learner) {
  int64_t list, index;
  sc_error err = {0};
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = sample(id, learner, index);
  rec.status_list = list;
  int rc = sc_registry_insert(f->reg, &rec, &err);
  if (rc != SC_OK)
    fprintf(stderr, "%s\n", err.message);
  assert_int_equal(rc, SC_OK);
}

/* Sets the registry's schema version back to version and opens it again, which runs the
 * migrations after it once more. */
static void reopen_at_version(fixture *f, int version) {
  sc_error err = {0};
  char sql[64];
  snprintf(sql, sizeof sql,
           f->reg->driver->postgres ? "UPDATE skillcert_schema SET version = %d"
                                    : "PRAGMA user_version = %d",
           version);
  assert_int_equal(sc_registry_exec(f->reg, sql, &err), SC_OK);
  sc_registry_close(f->reg);
  if (sc_registry_open(&f->home, &f->reg, &err) != SC_OK)
    fail_msg("reopening: %s", err.message);
}

static void records_a_credential_and_finds_it_by_id_or_learner(void **state) {
  fixture *f = *state;
  insert_ok(f, "urn:uuid:6885869a-6f80-460d-bbbd-65168c287a12", "L-1");
  json_t *row = NULL;
  sc_error err = {0};
  assert_int_equal(sc_registry_get(f->reg, "6885869A-6F80-460D-BBBD-65168C287A12", &row, &err),
                   SC_OK);
  assert_non_null(row);
  assert_string_equal(json_string_value(json_object_get(row, "recipient_name")), "Zoë");
  assert_string_equal(json_string_value(json_object_get(row, "status")), "active");
  assert_int_equal(strlen(json_string_value(json_object_get(row, "sha256"))), 64);
  json_decref(row);
  assert_int_equal(sc_registry_find(f->reg, "L-1", "https://a.example/ai", &row, &err), SC_OK);
  assert_non_null(row);
  json_decref(row);
  assert_int_equal(sc_registry_find(f->reg, "L-2", "https://a.example/ai", &row, &err), SC_OK);
  assert_null(row);
  char *text =
      sc_registry_credential_text(f->reg, "urn:uuid:6885869a-6f80-460d-bbbd-65168c287a12", &err);
  assert_string_equal(text, "{\"id\":1}");
  free(text);
}

static void refuses_the_same_learner_and_achievement_twice(void **state) {
  fixture *f = *state;
  insert_ok(f, "urn:uuid:1", "L-1");
  int64_t list, index;
  sc_error err = {0};
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = sample("urn:uuid:2", "L-1", index);
  rec.status_list = list;
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_EUSAGE);
  assert_non_null(strstr(err.message, "already has"));
  /* one-off credentials have no learner id and never collide */
  insert_ok(f, "urn:uuid:3", NULL);
  insert_ok(f, "urn:uuid:4", NULL);
}

static void events_are_append_only(void **state) {
  fixture *f = *state;
  insert_ok(f, "urn:uuid:1", "L-1");
  json_t *events = NULL;
  sc_error err = {0};
  assert_int_equal(
      sc_registry_change_status(f->reg, "urn:uuid:1", SC_CHANGE_SUSPEND, "check", NULL, &err),
      SC_OK);
  assert_int_equal(sc_registry_events(f->reg, "urn:uuid:1", &events, &err), SC_OK);
  assert_int_equal(json_array_size(events), 2); /* "issued" comes from issued_at, first */
  assert_string_equal(json_string_value(json_object_get(json_array_get(events, 0), "kind")),
                      "issued");
  assert_string_equal(json_string_value(json_object_get(json_array_get(events, 1), "kind")),
                      "suspended");
  json_decref(events);
  if (f->uri[0]) { /* PostgreSQL: through the registry's own connection */
    assert_int_not_equal(sc_registry_exec(f->reg, "UPDATE events SET kind = 'revoked'", &err),
                         SC_OK);
    assert_int_not_equal(sc_registry_exec(f->reg, "DELETE FROM events", &err), SC_OK);
    return;
  }
  sqlite3 *db;
  char path[128];
  snprintf(path, sizeof path, "%s/registry.db", f->dir);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET kind = 'revoked'", 0, 0, 0), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db, "DELETE FROM events", 0, 0, 0), SQLITE_OK);
  sqlite3_close(db);
}

static void reserved_indexes_are_unique_and_in_range(void **state) {
  fixture *f = *state;
  enum { N = 3000 };
  static int64_t seen[N];
  sc_error err = {0};
  for (int i = 0; i < N; i++) {
    int64_t list;
    assert_int_equal(sc_registry_reserve_index(f->reg, &list, &seen[i], &err), SC_OK);
    assert_int_equal(list, 1);
    assert_true(seen[i] >= 0 && seen[i] < SC_STATUS_LIST_SIZE);
    for (int j = 0; j < i; j++)
      assert_int_not_equal(seen[i], seen[j]);
  }
  /* drawn at random: not simply counting up */
  int ascending = 0;
  for (int i = 1; i < N; i++)
    ascending += seen[i] == seen[i - 1] + 1;
  assert_true(ascending < N / 10);
}

/* Fills status list 1 by SQL, as other processes would have, except the slots [first, first +
 * n) and the seed's own: rows copied from the seed credential. */
static void fill_list_but(fixture *f, int64_t first, int64_t n) {
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO credentials (id, learner_id, achievement, recipient_name, email_hash,"
           " status_list, status_index, issued_at, json_path, credential)"
           " WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
           " SELECT 'urn:uuid:fill-' || i, 'F' || i, c.achievement, c.recipient_name,"
           " c.email_hash, c.status_list, i, c.issued_at, c.json_path, c.credential"
           " FROM n, credentials c WHERE c.id = 'urn:uuid:seed' AND i <> c.status_index"
           " AND (i < %lld OR i >= %lld)",
           SC_STATUS_LIST_SIZE - 1, (long long)first, (long long)(first + n));
  sc_error err = {0};
  /* PostgreSQL's per-row generation bump, 131,071 times on one row in one statement, would
   * walk an ever longer chain of row versions: minutes. The list's generation is not tested. */
  const char *trigger = "credentials_issued_bump_generation";
  char toggle[128];
  if (f->reg->driver->postgres) {
    snprintf(toggle, sizeof toggle, "ALTER TABLE credentials DISABLE TRIGGER %s", trigger);
    assert_int_equal(sc_registry_exec(f->reg, toggle, &err), SC_OK);
  }
  assert_int_equal(sc_registry_exec(f->reg, sql, &err), SC_OK);
  if (f->reg->driver->postgres) {
    snprintf(toggle, sizeof toggle, "ALTER TABLE credentials ENABLE TRIGGER %s", trigger);
    assert_int_equal(sc_registry_exec(f->reg, toggle, &err), SC_OK);
  }
}

/* A batch's handle reads its list's taken slots once, after many draws (registry_index.c): the
 * slots it had drawn and not yet inserted then, inserted later, must stay taken. With a list
 * all but full, every draw must land on one of the few free slots, each once, and the next
 * draw on a new list. */
static void a_handle_drawing_many_never_draws_a_slot_it_has_inserted(void **state) {
  fixture *f = *state;
  enum { FIRST = 1000, FREE = 200, EARLY = 70 };
  sc_error err = {0};
  int64_t list, seed_index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &seed_index, &err), SC_OK);
  sc_issued_record seed = sample("urn:uuid:seed", "seed", seed_index);
  seed.status_list = list;
  assert_int_equal(sc_registry_insert(f->reg, &seed, &err), SC_OK);
  fill_list_but(f, FIRST, FREE);
  int free_slots = FREE - (seed_index >= FIRST && seed_index < FIRST + FREE);
  static int64_t drawn[FREE];
  char id[64], learner[32];
  for (int i = 0; i < free_slots; i++) {
    assert_int_equal(sc_registry_reserve_index(f->reg, &list, &drawn[i], &err), SC_OK);
    assert_int_equal(list, 1);
    assert_true(drawn[i] >= FIRST && drawn[i] < FIRST + FREE && drawn[i] != seed_index);
    for (int j = 0; j < i; j++)
      assert_int_not_equal(drawn[i], drawn[j]);
    if (i + 1 == EARLY) /* the early draws are inserted only now, after the map was read */
      for (int j = 0; j < EARLY; j++) {
        snprintf(id, sizeof id, "urn:uuid:early-%d", j);
        snprintf(learner, sizeof learner, "E%d", j);
        sc_issued_record rec = sample(id, learner, drawn[j]);
        assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
      }
  }
  int64_t index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  assert_int_equal(list, 2);
}

/* The handle adds a batch's achievement once and remembers it (registry_records.c): one added
 * in a transaction that rolled back is gone from the table, and must be added again. */
static void an_achievement_added_in_a_rolled_back_transaction_is_added_again(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  int64_t list, index; /* drawn before the transaction, as a batch does */
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  assert_int_equal(sc_registry_begin_issue(f->reg, &err), SC_OK);
  sc_issued_record rec = sample("urn:uuid:rolled-back", "L1", index);
  rec.status_list = list;
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  sc_registry_rollback(f->reg);
  sc_registry_release_index(f->reg, list, index);
  insert_ok(f, "urn:uuid:after", "L1");
  json_t *row = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L1", "https://a.example/ai", &row, &err), SC_OK);
  assert_non_null(row);
  assert_string_equal(json_string_value(json_object_get(row, "id")), "urn:uuid:after");
  json_decref(row);
}

/* A batch's transaction (sc_registry_begin_issue) records its credentials in one COPY on
 * PostgreSQL (registry_copy.c): every field comes back byte for byte, NULLs as NULLs, whatever
 * backslashes, tabs or line ends a value holds. */
static void a_batch_transaction_records_every_field_as_given(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  int64_t list, index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = sample("urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f01", "L\\1\t", index);
  rec.status_list = list;
  rec.recipient_name = "Zoë \\N \\\\ a\tb\nc\rd";
  rec.template_name = "t\\x41";
  rec.pdf_path = "/out/a\\b.pdf";
  rec.language = "de";
  rec.credential_json = "{\"name\":\"a\\\\b\\n\\t\",\n\t\"x\":\"\\\\N\"}\n";
  assert_int_equal(sc_registry_begin_issue(f->reg, &err), SC_OK);
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  assert_int_equal(sc_registry_commit(f->reg, &err), SC_OK);
  json_t *row = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L\\1\t", "https://a.example/ai", &row, &err), SC_OK);
  assert_non_null(row);
  assert_string_equal(json_string_value(json_object_get(row, "id")), rec.id);
  assert_string_equal(json_string_value(json_object_get(row, "recipient_name")), rec.recipient_name);
  assert_string_equal(json_string_value(json_object_get(row, "template")), rec.template_name);
  assert_string_equal(json_string_value(json_object_get(row, "pdf_path")), rec.pdf_path);
  assert_string_equal(json_string_value(json_object_get(row, "language")), "de");
  assert_true(json_is_null(json_object_get(row, "valid_until")));
  assert_int_equal(json_integer_value(json_object_get(row, "status_index")), index);
  json_decref(row);
  char *text = sc_registry_credential_text(f->reg, rec.id, &err);
  assert_non_null(text);
  assert_string_equal(text, rec.credential_json);
  free(text);
}

/* The same learner twice in one batch transaction: refused (by the INSERT, or by the COPY at
 * the commit), naming the learner, and nothing of the transaction recorded. */
static void a_learner_twice_in_one_batch_transaction_is_refused_and_nothing_recorded(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  int64_t list, first, second;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &first, &err), SC_OK);
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &second, &err), SC_OK);
  sc_issued_record a = sample("urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f02", "L-twice", first);
  sc_issued_record b = sample("urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f03", "L-twice", second);
  a.status_list = b.status_list = list;
  assert_int_equal(sc_registry_begin_issue(f->reg, &err), SC_OK);
  assert_int_equal(sc_registry_insert(f->reg, &a, &err), SC_OK);
  int rc = sc_registry_insert(f->reg, &b, &err);
  if (rc == SC_OK)
    rc = sc_registry_commit(f->reg, &err);
  if (rc != SC_EUSAGE || !strstr(err.message, "L-twice"))
    fail_msg("%d %s", rc, err.message);
  sc_registry_rollback(f->reg);
  json_t *row = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L-twice", "https://a.example/ai", &row, &err), SC_OK);
  assert_null(row);
}

/* A credential names a status list the registry has, whether recorded alone (an INSERT) or in a
 * batch's transaction (on PostgreSQL one COPY, checked once for the statement): refused
 * otherwise, naming the list, and nothing recorded. */
static void a_credential_naming_a_status_list_the_registry_lacks_is_refused(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  int64_t list, index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = sample("urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f21", "L-nolist", index);
  rec.status_list = list + 1000;
  assert_int_not_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  if (f->reg->driver->postgres && !strstr(err.message, "status list"))
    fail_msg("%s", err.message);
  err = (sc_error){0};
  assert_int_equal(sc_registry_begin_issue(f->reg, &err), SC_OK);
  int rc = sc_registry_insert(f->reg, &rec, &err);
  if (rc == SC_OK)
    rc = sc_registry_commit(f->reg, &err);
  assert_int_not_equal(rc, SC_OK);
  if (f->reg->driver->postgres && !strstr(err.message, "status list"))
    fail_msg("%s", err.message);
  sc_registry_rollback(f->reg);
  json_t *row = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L-nolist", "https://a.example/ai", &row, &err), SC_OK);
  assert_null(row);
}

/* What a credential's references rest on never changes: a status list or achievement is never
 * deleted nor renumbered, and a credential keeps its list, slot and achievement (schema 16, run
 * twice here). */
static void status_lists_achievements_and_a_credentials_slot_never_change(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  reopen_at_version(f, 15); /* migration 16 again: each of its steps can run twice */
  insert_ok(f, "urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f22", "L-kept");
  const char *refused[] = {
      "DELETE FROM status_lists",
      "UPDATE status_lists SET id = id + 1000",
      "DELETE FROM achievements",
      "UPDATE achievements SET id = id + 1000",
      "UPDATE credentials SET status_index = status_index + 1",
      "UPDATE credentials SET status_list = status_list + 1",
      "UPDATE credentials SET achievement = achievement + 1",
  };
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    err = (sc_error){0};
    if (sc_registry_exec(f->reg, refused[i], &err) == SC_OK)
      fail_msg("not refused: %s", refused[i]);
  }
  /* what may change still does: a list's generation, a credential's status */
  assert_int_equal(sc_registry_exec(f->reg, "UPDATE status_lists SET generation = generation + 1",
                                    &err),
                   SC_OK);
  assert_int_equal(
      sc_registry_change_status(f->reg, "urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f22",
                                SC_CHANGE_REVOKE, "check", NULL, &err),
      SC_OK);
}

/* Publishing republishes a list whose generation moved: a batch's transaction moves it (on
 * PostgreSQL once per COPY, on SQLite once per row), and a rolled-back one does not. */
static void a_batch_transaction_moves_its_lists_generation_and_a_rolled_back_one_does_not(
    void **state) {
  fixture *f = *state;
  sc_error err = {0};
  int64_t list, index[3], before = 0, after = 0, published = 0;
  for (int i = 0; i < 3; i++)
    assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index[i], &err), SC_OK);
  assert_int_equal(sc_registry_list_generation(f->reg, list, &before, &published, &err), SC_OK);
  const char *ids[] = {"urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f11",
                       "urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f12",
                       "urn:uuid:0c6c5fd6-5d0e-4f4c-9d0b-4c1b9a1e0f13"};
  const char *learners[] = {"G1", "G2", "G3"};
  assert_int_equal(sc_registry_begin_issue(f->reg, &err), SC_OK);
  sc_issued_record rec = sample(ids[2], learners[2], index[2]);
  rec.status_list = list;
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  sc_registry_rollback(f->reg);
  assert_int_equal(sc_registry_list_generation(f->reg, list, &after, &published, &err), SC_OK);
  assert_int_equal(after, before);
  assert_int_equal(sc_registry_begin_issue(f->reg, &err), SC_OK);
  for (int i = 0; i < 2; i++) {
    rec = sample(ids[i], learners[i], index[i]);
    rec.status_list = list;
    assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  }
  assert_int_equal(sc_registry_commit(f->reg, &err), SC_OK);
  assert_int_equal(sc_registry_list_generation(f->reg, list, &after, &published, &err), SC_OK);
  assert_true(after > before);
}

static void schema_is_versioned_and_a_newer_one_is_refused(void **state) {
  fixture *f = *state;
  sc_registry_close(f->reg);
  f->reg = NULL;
  char path[128];
  snprintf(path, sizeof path, "%s/registry.db", f->dir);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL);
  assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(stmt, 0), SC_REGISTRY_SCHEMA_VERSION);
  sqlite3_finalize(stmt);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", 0, 0, 0), SQLITE_OK);
  sqlite3_close(db);
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&f->home, &f->reg, &err), SC_ECONFIG);
  assert_non_null(strstr(err.message, "newer"));
}

/* tests/data/registry-v3.db was made by skillcert at schema 3 (3 roster credentials with PDFs,
 * one without, one revoked). Upgrading keeps every credential byte for byte, its SHA-256,
 * status, slot and events, and the lists' generations. */
static void a_schema_3_registry_is_upgraded_keeping_every_credential_and_event(void **state) {
  fixture *f = *state;
  sc_registry_close(f->reg);
  f->reg = NULL;
  char path[128], command[512];
  snprintf(path, sizeof path, "%s/registry.db", f->dir);
  remove(path);
  snprintf(command, sizeof command, "cp tests/data/registry-v3.db '%s'", path);
  assert_int_equal(system(command), 0);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *stmt;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT id, credential, sha256, status, status_list,"
                                      " status_index, learner_id FROM credentials ORDER BY rowid",
                                      -1, &stmt, NULL),
                   SQLITE_OK);
  char *ids[8], *texts[8], *hashes[8], *statuses[8];
  int64_t slots[8];
  int n = 0;
  while (n < 8 && sqlite3_step(stmt) == SQLITE_ROW) {
    ids[n] = strdup((const char *)sqlite3_column_text(stmt, 0));
    texts[n] = strdup((const char *)sqlite3_column_text(stmt, 1));
    hashes[n] = strdup((const char *)sqlite3_column_text(stmt, 2));
    statuses[n] = strdup((const char *)sqlite3_column_text(stmt, 3));
    slots[n] = sqlite3_column_int64(stmt, 4) << 32 | sqlite3_column_int64(stmt, 5);
    n++;
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  assert_int_equal(n, 4);

  sc_error err = {0};
  assert_int_equal(sc_registry_open(&f->home, &f->reg, &err), SC_OK);
  int revoked = 0;
  for (int i = 0; i < n; i++) {
    char *text = sc_registry_credential_text(f->reg, ids[i], &err);
    assert_non_null(text);
    assert_string_equal(text, texts[i]);
    free(text);
    json_t *row = NULL, *events = NULL;
    assert_int_equal(sc_registry_get(f->reg, ids[i], &row, &err), SC_OK);
    assert_non_null(row);
    assert_string_equal(json_string_value(json_object_get(row, "sha256")), hashes[i]);
    assert_string_equal(json_string_value(json_object_get(row, "status")), statuses[i]);
    assert_int_equal(json_integer_value(json_object_get(row, "status_list")) << 32 |
                         json_integer_value(json_object_get(row, "status_index")),
                     slots[i]);
    assert_int_equal(sc_registry_events(f->reg, ids[i], &events, &err), SC_OK);
    bool is_revoked = strcmp(statuses[i], "revoked") == 0;
    revoked += is_revoked;
    assert_int_equal(json_array_size(events), is_revoked ? 2 : 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, 0), "kind")),
                        "issued");
    if (is_revoked)
      assert_string_equal(json_string_value(json_object_get(json_array_get(events, 1), "reason")),
                          "cheated");
    json_decref(row);
    json_decref(events);
    free(ids[i]), free(texts[i]), free(hashes[i]), free(statuses[i]);
  }
  assert_int_equal(revoked, 1);
  json_t *row = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L2",
                                    "https://fixture.example/achievements/ai-fundamentals", &row,
                                    &err),
                   SC_OK);
  assert_non_null(row);
  json_decref(row);
  int64_t generation = 0, published = 0;
  assert_int_equal(sc_registry_list_generation(f->reg, 1, &generation, &published, &err), SC_OK);
  assert_int_equal(generation, 5);
  assert_int_equal(published, 5);
  /* and it goes on working: a new credential, a second one for L2 refused */
  insert_ok(f, "urn:uuid:6885869a-6f80-460d-bbbd-65168c287a99", "L-new");
  assert_int_equal(sc_registry_list_generation(f->reg, 1, &generation, &published, &err), SC_OK);
  assert_int_equal(generation, 6);
}

static int count_row(void *ctx, const json_t *row);

/* tests/data/home-v9.tar.gz: a home made by skillcert at schema 9 (3 roster credentials
 * without PDFs, stored in form 0x01). Upgrading to 10 adds the dictionaries table, and every
 * old row reads back as the bytes of its file; a batch's credentials then go in as 0x02 beside
 * them. */
static int check_text_matches_file(void *ctx, const json_t *row) {
  fixture *f = ctx;
  sc_error err = {0};
  const char *id = json_string_value(json_object_get(row, "id"));
  char *text = sc_registry_credential_text(f->reg, id, &err);
  assert_non_null(text);
  char path[256];
  snprintf(path, sizeof path, "%s/out/%s.json", f->dir, id + strlen("urn:uuid:"));
  sc_buf file = {0};
  assert_int_equal(sc_read_file(path, SC_JSON_MAX_BYTES, &file, &err), SC_OK);
  assert_int_equal(file.len, strlen(text));
  assert_memory_equal(file.data, text, file.len);
  char hex[SC_SHA256_HEX_SIZE];
  assert_int_equal(sc_sha256_hex(file.data, file.len, hex), SC_OK);
  assert_string_equal(json_string_value(json_object_get(row, "sha256")), hex);
  sc_buf_free(&file);
  free(text);
  return 0;
}

static void a_schema_9_registry_is_upgraded_and_its_form_1_rows_still_read(void **state) {
  fixture *f = *state;
  sc_registry_close(f->reg);
  f->reg = NULL;
  char path[128], command[512];
  snprintf(path, sizeof path, "%s/registry.db", f->dir);
  remove(path);
  snprintf(command, sizeof command, "tar xzf tests/data/home-v9.tar.gz -C '%s' registry.db out",
           f->dir);
  assert_int_equal(system(command), 0);
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&f->home, &f->reg, &err), SC_OK);
  int n = 0;
  sc_registry_filter all = {0};
  assert_int_equal(sc_registry_each(f->reg, &all, count_row, &n, &err), SC_OK);
  assert_int_equal(n, 3);
  assert_int_equal(sc_registry_each(f->reg, &all, check_text_matches_file, f, &err), SC_OK);
  /* a batch after the upgrade */
  const char *text = "{\"id\":\"urn:uuid:6885869a-6f80-460d-bbbd-65168c287a99\"}";
  assert_int_equal(sc_registry_offer_dictionary(f->reg, text, strlen(text), &err), SC_OK);
  assert_int_equal(sc_registry_begin(f->reg, &err), SC_OK);
  int64_t list, index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = sample("urn:uuid:6885869a-6f80-460d-bbbd-65168c287a99", "L-new", index);
  rec.achievement_id = "https://acme.example/achievements/ai-fundamentals";
  rec.status_list = list;
  rec.credential_json = text;
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  assert_int_equal(sc_registry_commit(f->reg, &err), SC_OK);
  char *back = sc_registry_credential_text(f->reg, rec.id, &err);
  assert_non_null(back);
  assert_string_equal(back, text);
  free(back);
  sc_registry_close(f->reg);
  f->reg = NULL;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *stmt;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT hex(substr(credential, 1, 1)), count(*),"
                                      " (SELECT count(*) FROM dictionaries),"
                                      " (SELECT user_version FROM pragma_user_version)"
                                      " FROM credentials GROUP BY 1 ORDER BY 1",
                                      -1, &stmt, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "01");
  assert_int_equal(sqlite3_column_int(stmt, 1), 3);
  assert_int_equal(sqlite3_column_int(stmt, 2), 1);
  assert_int_equal(sqlite3_column_int(stmt, 3), SC_REGISTRY_SCHEMA_VERSION);
  assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "02");
  assert_int_equal(sqlite3_column_int(stmt, 1), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

static int count_row(void *ctx, const json_t *row) {
  (void)row;
  (*(int *)ctx)++;
  return 0;
}

static void lists_by_filter(void **state) {
  fixture *f = *state;
  insert_ok(f, "urn:uuid:1", "L-1");
  insert_ok(f, "urn:uuid:2", "L-2");
  int n = 0;
  sc_error err = {0};
  sc_registry_filter all = {0};
  assert_int_equal(sc_registry_each(f->reg, &all, count_row, &n, &err), SC_OK);
  assert_int_equal(n, 2);
  n = 0;
  sc_registry_filter one = {.learner_id = "L-2", .by_status = true, .status = SC_STATUS_ACTIVE};
  assert_int_equal(sc_registry_each(f->reg, &one, count_row, &n, &err), SC_OK);
  assert_int_equal(n, 1);
  n = 0;
  sc_registry_filter none = {.by_status = true, .status = SC_STATUS_REVOKED};
  assert_int_equal(sc_registry_each(f->reg, &none, count_row, &n, &err), SC_OK);
  assert_int_equal(n, 0);
}

/* The error convention (core/core.h): a NULL return comes with err set to why, whatever err
 * held before, so callers use err->code instead of guessing. */
static void a_null_credential_text_comes_with_err_set_to_why(void **state) {
  fixture *f = *state;
  static const char id[] = "urn:uuid:6885869a-6f80-460d-bbbd-65168c287a12";
  insert_ok(f, id, "L-1");
  sc_error err = {SC_EPERM, "stale message from an earlier call"};
  assert_null(
      sc_registry_credential_text(f->reg, "urn:uuid:00000000-0000-4000-8000-000000000000", &err));
  assert_int_equal(err.code, SC_EUSAGE);
  assert_non_null(strstr(err.message, "no credential urn:uuid:00000000"));
  char *text = sc_registry_credential_text(f->reg, id, &err); /* prepares the statement */
  assert_non_null(text);
  free(text);
  /* A registry that cannot be read is not "no such credential". */
  char path[128];
  snprintf(path, sizeof path, "%s/registry.db", f->dir);
  sqlite3 *other = NULL;
  assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
  assert_int_equal(
      sqlite3_exec(other, "DROP TABLE events; DROP TABLE credentials;", NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close(other);
  err = (sc_error){SC_EUSAGE, "stale"};
  assert_null(sc_registry_credential_text(f->reg, id, &err));
  assert_int_equal(err.code, SC_ESOFTWARE);
  assert_non_null(strstr(err.message, "reading a credential"));
}

/* A read leaves no snapshot behind: a change after another command's commit waits for the
 * write lock (busy timeout) instead of failing at once with "database is locked". */
static void a_change_after_a_read_is_not_refused_when_another_command_wrote(void **state) {
  fixture *f = *state;
  insert_ok(f, "urn:uuid:1", "L-1");
  insert_ok(f, "urn:uuid:2", "L-2");
  sc_registry *other = NULL;
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&f->home, &other, &err), SC_OK);
  json_t *row = NULL;
  assert_int_equal(sc_registry_get(f->reg, "urn:uuid:1", &row, &err), SC_OK);
  assert_non_null(row);
  json_decref(row);
  assert_int_equal(
      sc_registry_change_status(other, "urn:uuid:2", SC_CHANGE_REVOKE, "x", NULL, &err), SC_OK);
  if (sc_registry_change_status(f->reg, "urn:uuid:1", SC_CHANGE_REVOKE, "y", NULL, &err) != SC_OK)
    fail_msg("%s", err.message);
  json_t *again = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L-2", "https://a.example/ai", &again, &err), SC_OK);
  json_decref(again);
  assert_int_equal(
      sc_registry_change_status(other, "urn:uuid:1", SC_CHANGE_REVOKE, "z", NULL, &err), SC_EUSAGE);
  int64_t list, index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_registry_close(other);
}

/* Two processes issuing into one PostgreSQL registry each draw from a status list of their own,
 * so no index can be drawn twice; a list whose holder stopped is taken up again, not left
 * half full. */
static void processes_sharing_a_postgres_registry_lease_their_own_status_lists(void **state) {
  fixture *f = *state;
  sc_registry *other = NULL, *third = NULL;
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&f->home, &other, &err), SC_OK);
  int64_t list_a, list_b, list_c, index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list_a, &index, &err), SC_OK);
  assert_int_equal(sc_registry_reserve_index(other, &list_b, &index, &err), SC_OK);
  assert_int_not_equal(list_a, list_b);
  for (int i = 0; i < 200; i++) { /* each keeps to its own */
    int64_t list;
    assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
    assert_int_equal(list, list_a);
    assert_int_equal(sc_registry_reserve_index(other, &list, &index, &err), SC_OK);
    assert_int_equal(list, list_b);
  }
  sc_registry_close(other); /* its lease ends with its connection */
  assert_int_equal(sc_registry_open(&f->home, &third, &err), SC_OK);
  assert_int_equal(sc_registry_reserve_index(third, &list_c, &index, &err), SC_OK);
  assert_int_equal(list_c, list_b);
  sc_registry_close(third);
}

/* A password in the URI never reaches a message: the server is named without it. */
static void a_postgres_password_is_never_in_a_message(void **state) {
  (void)state;
  char dir[64], uri[512], command[128], port[16];
  assert_true(make_temp_dir(dir, "registry"));
  snprintf(command, sizeof command, "cat %s/port", pg_dir);
  assert_int_equal(run_line(command, port, sizeof port), 0);
  snprintf(uri, sizeof uri, "postgresql://skillcert:s3cret-pw@/no_such_db?host=%s/sock&port=%s",
           pg_dir, port);
  sc_home home = {.registry = uri};
  snprintf(home.root, sizeof home.root, "%s", dir);
  sc_registry *reg = NULL;
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&home, &reg, &err), SC_EIO);
  assert_null(reg);
  assert_null(strstr(err.message, "s3cret-pw"));
  assert_non_null(strstr(err.message, "postgresql://skillcert:***@/no_such_db"));
  assert_int_equal(remove_temp_dir(dir), 0);
}

/* A "registry" that is no postgresql:// URI is a configuration error, not a file name. */
static void a_registry_setting_that_is_no_postgres_uri_is_refused(void **state) {
  (void)state;
  sc_home home = {.registry = "/var/lib/skillcert/registry.db"};
  snprintf(home.root, sizeof home.root, "/nonexistent");
  sc_registry *reg = NULL;
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&home, &reg, &err), SC_ECONFIG);
  assert_non_null(strstr(err.message, "expected a postgresql:// URI"));
}

/* ---------------------------------------------------------------- the queue (PostgreSQL) */

static sc_queued_row queued(const char *learner) {
  return (sc_queued_row){.learner_id = learner,
                         .achievement = "https://a.example/ai",
                         .template_name = "ai-fundamentals",
                         .name = "Zoë",
                         .email = "zoe@example.org",
                         .roster = "roster.csv",
                         .line = 2};
}

static void queue_rows(fixture *f, int n) {
  sc_error err = {0};
  char learner[32];
  assert_int_equal(sc_registry_begin(f->reg, &err), SC_OK);
  for (int i = 0; i < n; i++) {
    snprintf(learner, sizeof learner, "L%d", i);
    sc_queued_row row = queued(learner);
    bool added = false;
    assert_int_equal(sc_registry_queue(f->reg, &row, &added, &err), SC_OK);
  }
  assert_int_equal(sc_registry_commit(f->reg, &err), SC_OK);
}

/* The learners a take returned, as a string "L0,L3,…". */
static int remember(void *ctx, const sc_queued_row *row) {
  char *seen = ctx;
  strcat(seen, row->learner_id);
  strcat(seen, ",");
  return SC_OK;
}

static void queueing_the_same_learner_and_achievement_again_adds_no_job(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  sc_queued_row row = queued("L1");
  bool added = false;
  assert_int_equal(sc_registry_queue(f->reg, &row, &added, &err), SC_OK);
  assert_true(added);
  row.name = "Zoë again";
  assert_int_equal(sc_registry_queue(f->reg, &row, &added, &err), SC_OK);
  assert_false(added);
  sc_queue_counts counts;
  assert_int_equal(sc_registry_queue_counts(f->reg, &counts, &err), SC_OK);
  assert_int_equal(counts.queued, 1);
}

static void two_workers_never_take_the_same_job(void **state) {
  fixture *f = *state;
  queue_rows(f, 10);
  sc_registry *other = NULL;
  sc_error err = {0};
  int64_t a = 0, b = 0;
  assert_int_equal(sc_registry_open(&f->home, &other, &err), SC_OK);
  assert_int_equal(sc_registry_worker_join(f->reg, &a, &err), SC_OK);
  assert_int_equal(sc_registry_worker_join(other, &b, &err), SC_OK);
  assert_int_not_equal(a, b);
  char seen_a[256] = "", seen_b[256] = "";
  size_t taken = 0;
  assert_int_equal(sc_registry_take_jobs(f->reg, a, "ai-fundamentals", 4, remember, seen_a, &taken,
                                         &err), SC_OK);
  assert_int_equal(taken, 4);
  assert_int_equal(sc_registry_take_jobs(other, b, "ai-fundamentals", 100, remember, seen_b, &taken,
                                         &err), SC_OK);
  assert_int_equal(taken, 6);
  assert_string_equal(seen_a, "L0,L1,L2,L3,");
  assert_string_equal(seen_b, "L4,L5,L6,L7,L8,L9,");
  assert_int_equal(sc_registry_take_jobs(f->reg, a, "ai-fundamentals", 100, remember, seen_a,
                                         &taken, &err), SC_OK);
  assert_int_equal(taken, 0); /* all are taken by live workers */
  sc_registry_close(other);
}

/* A worker that stops (its connection ends, as when it is killed) leaves its jobs to others. */
static void the_jobs_of_a_stopped_worker_go_back_to_the_queue(void **state) {
  fixture *f = *state;
  queue_rows(f, 3);
  sc_registry *other = NULL;
  sc_error err = {0};
  int64_t a = 0, b = 0;
  char seen[256] = "";
  size_t taken = 0;
  assert_int_equal(sc_registry_open(&f->home, &other, &err), SC_OK);
  assert_int_equal(sc_registry_worker_join(other, &b, &err), SC_OK);
  assert_int_equal(sc_registry_take_jobs(other, b, "ai-fundamentals", 2, remember, seen, &taken,
                                         &err), SC_OK);
  sc_registry_close(other);
  assert_int_equal(sc_registry_worker_join(f->reg, &a, &err), SC_OK);
  /* The server ends the closed connection's session (and drops its lock) a moment later. */
  for (int tries = 0; tries < 100; tries++) {
    seen[0] = 0;
    assert_int_equal(sc_registry_take_jobs(f->reg, a, "ai-fundamentals", 100, remember, seen,
                                           &taken, &err), SC_OK);
    if (strcmp(seen, "L2,") != 0) /* L2 alone: L0 and L1 still look taken */
      break;
    char give_back[96]; /* L2's claim, so that the next take has it again */
    snprintf(give_back, sizeof give_back, "DELETE FROM job_claims WHERE worker = %lld",
             (long long)a);
    assert_int_equal(sc_registry_exec(f->reg, give_back, &err), SC_OK);
    nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
  }
  assert_int_equal(taken, 3);
  assert_string_equal(seen, "L0,L1,L2,");
}

/* Queueing and taking jobs of one template take turns: a take waits while a job is being
 * queued, so that a claim's range never passes over a job committed after the take read. */
static void a_take_waits_for_jobs_being_queued(void **state) {
  fixture *f = *state;
  queue_rows(f, 1);
  sc_registry *other = NULL;
  sc_error err = {0};
  int64_t w = 0;
  char seen[256] = "";
  size_t taken = 0;
  assert_int_equal(sc_registry_open(&f->home, &other, &err), SC_OK);
  assert_int_equal(sc_registry_worker_join(other, &w, &err), SC_OK);
  assert_int_equal(sc_registry_exec(other, "SET lock_timeout = '300ms'", &err), SC_OK);
  assert_int_equal(sc_registry_begin(f->reg, &err), SC_OK);
  sc_queued_row row = queued("L1");
  bool added = false;
  assert_int_equal(sc_registry_queue(f->reg, &row, &added, &err), SC_OK);
  assert_true(added);
  /* L1's transaction is open: the take waits for it, here until its lock_timeout. */
  assert_int_not_equal(sc_registry_take_jobs(other, w, "ai-fundamentals", 100, remember, seen,
                                             &taken, &err),
                       SC_OK);
  assert_int_equal(taken, 0);
  assert_int_equal(sc_registry_commit(f->reg, &err), SC_OK);
  seen[0] = 0;
  assert_int_equal(sc_registry_take_jobs(other, w, "ai-fundamentals", 100, remember, seen,
                                         &taken, &err), SC_OK);
  assert_string_equal(seen, "L0,L1,");
  sc_registry_close(other);
}

/* A registry of schema 14 held jobs by state: opened by schema 15, a job a worker of the old
 * scheme held is queued again, and takes start at the first queued job, past the done ones. */
static void opening_an_older_registry_queues_again_the_jobs_old_workers_held(void **state) {
  fixture *f = *state;
  queue_rows(f, 4);
  sc_error err = {0};
  assert_int_equal(sc_registry_exec(f->reg,
                                    "DELETE FROM job_claims;"
                                    "UPDATE jobs SET state = 'done' WHERE learner_id = 'L0';"
                                    "UPDATE jobs SET state = 'taken', worker = 99"
                                    " WHERE learner_id = 'L1';"
                                    "UPDATE jobs SET state = 'refused' WHERE learner_id = 'L3';",
                                    &err),
                   SC_OK);
  reopen_at_version(f, 14);
  int64_t w = 0;
  char seen[256] = "";
  size_t taken = 0;
  assert_int_equal(sc_registry_worker_join(f->reg, &w, &err), SC_OK);
  assert_int_equal(sc_registry_take_jobs(f->reg, w, "ai-fundamentals", 100, remember, seen,
                                         &taken, &err), SC_OK);
  assert_string_equal(seen, "L1,L2,");
}

/* A job is done with its credential's id; one without a credential (a refused row) is not
 * left taken for ever. */
static void finished_jobs_name_their_credential(void **state) {
  fixture *f = *state;
  queue_rows(f, 2);
  sc_error err = {0};
  int64_t w = 0;
  char seen[256] = "";
  size_t taken = 0, done = 0;
  assert_int_equal(sc_registry_worker_join(f->reg, &w, &err), SC_OK);
  assert_int_equal(sc_registry_take_jobs(f->reg, w, "ai-fundamentals", 10, remember, seen, &taken,
                                         &err), SC_OK);
  insert_ok(f, "urn:uuid:00000000-0000-4000-8000-000000000001", "L0");
  assert_int_equal(sc_registry_jobs_finish(f->reg, w, &done, &err), SC_OK);
  assert_int_equal(done, 1);
  sc_queue_counts counts;
  assert_int_equal(sc_registry_queue_counts(f->reg, &counts, &err), SC_OK);
  assert_int_equal(counts.done, 1);
  assert_int_equal(counts.refused, 1);
  assert_int_equal(counts.taken, 0);
}

/* The job's row of L0 as "name|email|did|state". */
static void job_fields(fixture *f, const char *learner, char *out, size_t size) {
  sc_error err = {0};
  const sc_registry_driver *d = f->reg->driver;
  sc_sql_stmt *stmt = d->prepare(
      f->reg, "SELECT name, email, coalesce(did, ''), state FROM jobs WHERE learner_id = $1", &err);
  assert_non_null(stmt);
  d->bind_text(stmt, 1, learner);
  bool row = false;
  assert_int_equal(sc_sql_step(f->reg, stmt, "job", &row, &err), SC_OK);
  assert_true(row);
  snprintf(out, size, "%s|%s|%s|%s", d->column_text(stmt, 0, NULL), d->column_text(stmt, 1, NULL),
           d->column_text(stmt, 2, NULL), d->column_text(stmt, 3, NULL));
  d->finalize(stmt);
}

/* The registry keeps no learner's address (docs/mail.md): a job that is done forgets the
 * name, e-mail address and DID its roster row gave; a refused one keeps them for the operator
 * to correct the row. */
static void a_done_job_keeps_no_name_address_or_did(void **state) {
  fixture *f = *state;
  queue_rows(f, 2);
  sc_error err = {0};
  int64_t w = 0;
  char seen[256] = "", fields[512];
  size_t taken = 0, done = 0;
  assert_int_equal(sc_registry_worker_join(f->reg, &w, &err), SC_OK);
  assert_int_equal(sc_registry_take_jobs(f->reg, w, "ai-fundamentals", 10, remember, seen, &taken,
                                         &err), SC_OK);
  job_fields(f, "L0", fields, sizeof fields);
  assert_non_null(strstr(fields, "@"));
  insert_ok(f, "urn:uuid:00000000-0000-4000-8000-000000000001", "L0");
  assert_int_equal(sc_registry_jobs_finish(f->reg, w, &done, &err), SC_OK);
  job_fields(f, "L0", fields, sizeof fields);
  assert_string_equal(fields, "|||done");
  job_fields(f, "L1", fields, sizeof fields);
  assert_non_null(strstr(fields, "@"));
  assert_non_null(strstr(fields, "|refused"));
}

/* A registry of schema 10 whose done jobs still hold names and addresses loses them when a
 * skillcert of schema 11 opens it; queued and refused jobs keep theirs. */
static void opening_an_older_registry_clears_its_done_jobs_personal_fields(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  assert_int_equal(
      sc_registry_exec(f->reg,
                       "INSERT INTO jobs (learner_id, achievement, template, name, email, did,"
                       " roster, line, state) VALUES"
                       " ('L0', 'https://a.example/ai', 't', 'Zoë', 'zoe@example.org',"
                       "  'did:example:zoe', 'r.csv', 2, 'done'),"
                       " ('L1', 'https://a.example/ai', 't', 'Ann', 'ann@example.org',"
                       "  NULL, 'r.csv', 3, 'queued');",
                       &err),
      SC_OK);
  reopen_at_version(f, 10);
  char fields[512];
  job_fields(f, "L0", fields, sizeof fields);
  assert_string_equal(fields, "|||done");
  job_fields(f, "L1", fields, sizeof fields);
  assert_string_equal(fields, "Ann|ann@example.org||queued");
}

/* The stored text of a credential column, by learner. */
static void stored_column(fixture *f, const char *column, const char *learner, char *out,
                          size_t size) {
  sc_error err = {0};
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT %s FROM credentials WHERE learner_id = $1", column);
  const sc_registry_driver *d = f->reg->driver;
  sc_sql_stmt *stmt = d->prepare(f->reg, sql, &err);
  assert_non_null(stmt);
  d->bind_text(stmt, 1, learner);
  bool row = false;
  assert_int_equal(sc_sql_step(f->reg, stmt, "column", &row, &err), SC_OK);
  assert_true(row);
  const char *text = d->column_text(stmt, 0, NULL);
  snprintf(out, size, "%s", text ? text : "(null)");
  d->finalize(stmt);
}

/* Asserts the stored text of a credential column. */
static void assert_stored(fixture *f, const char *column, const char *learner,
                          const char *expected) {
  char stored[PATH_MAX];
  stored_column(f, column, learner, stored, sizeof stored);
  assert_string_equal(stored, expected);
}

/* A file in the home is stored relative to it and read back joined to the home as this
 * process opened it; a file outside the home is kept whole. */
static void file_paths_are_stored_relative_to_the_home(void **state) {
  fixture *f = *state;
  char json[PATH_MAX + 64], pdf[PATH_MAX + 64];
  snprintf(json, sizeof json, "%s/out/a.json", f->home.root);
  snprintf(pdf, sizeof pdf, "%s/out/a.pdf", f->home.root);
  int64_t list, index;
  sc_error err = {0};
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  sc_issued_record rec = sample("urn:uuid:00000000-0000-4000-8000-00000000000a", "L-a", index);
  rec.status_list = list;
  rec.json_path = json;
  rec.pdf_path = pdf;
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  insert_ok(f, "urn:uuid:00000000-0000-4000-8000-00000000000b", "L-b"); /* "/x.json" */
  assert_stored(f, "json_path", "L-a", "out/a.json");
  assert_stored(f, "pdf_path", "L-a", "out/a.pdf");
  assert_stored(f, "json_path", "L-b", "/x.json");
  json_t *row = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L-a", "https://a.example/ai", &row, &err), SC_OK);
  assert_string_equal(json_string_value(json_object_get(row, "json_path")), json);
  assert_string_equal(json_string_value(json_object_get(row, "pdf_path")), pdf);
  json_decref(row);
  assert_int_equal(sc_registry_find(f->reg, "L-b", "https://a.example/ai", &row, &err), SC_OK);
  assert_string_equal(json_string_value(json_object_get(row, "json_path")), "/x.json");
  assert_true(json_is_null(json_object_get(row, "pdf_path")));
  json_decref(row);
}

/* A registry of schema 13 stored whole paths, naming the home as its issuing process had it:
 * opened by schema 14, each file in a folder named out becomes out/<name>, wherever that
 * home was, and reads back under the home as opened now; other paths stay. */
static void opening_an_older_registry_makes_its_file_paths_relative(void **state) {
  fixture *f = *state;
  insert_ok(f, "urn:uuid:00000000-0000-4000-8000-00000000000c", "L-c");
  insert_ok(f, "urn:uuid:00000000-0000-4000-8000-00000000000d", "L-d");
  insert_ok(f, "urn:uuid:00000000-0000-4000-8000-00000000000e", "L-e");
  sc_error err = {0};
  assert_int_equal(
      sc_registry_exec(f->reg,
                       "UPDATE credentials SET json_path = '/old/place/home/out/c.json',"
                       " pdf_path = '/old/place/home/out/c.pdf' WHERE learner_id = 'L-c';"
                       "UPDATE credentials SET json_path = 'rel/home/out/d.json'"
                       " WHERE learner_id = 'L-d';"
                       "UPDATE credentials SET json_path = '/elsewhere/output/e.json'"
                       " WHERE learner_id = 'L-e';",
                       &err),
      SC_OK);
  reopen_at_version(f, 13);
  char expected[PATH_MAX + 64];
  assert_stored(f, "json_path", "L-c", "out/c.json");
  assert_stored(f, "pdf_path", "L-c", "out/c.pdf");
  assert_stored(f, "json_path", "L-d", "out/d.json");
  assert_stored(f, "json_path", "L-e", "/elsewhere/output/e.json");
  json_t *row = NULL;
  assert_int_equal(sc_registry_find(f->reg, "L-c", "https://a.example/ai", &row, &err), SC_OK);
  snprintf(expected, sizeof expected, "%s/out/c.json", f->home.root);
  assert_string_equal(json_string_value(json_object_get(row, "json_path")), expected);
  json_decref(row);
}

/* Workers insert credentials while another command holds the write lock: an issuing
 * transaction does not take it (indexes come from leased lists), so workers never queue
 * behind one lock. lock_timeout makes a wait fail instead of hanging the test. */
static void issuing_does_not_wait_for_the_global_write_lock(void **state) {
  fixture *f = *state;
  sc_registry *other = NULL;
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&f->home, &other, &err), SC_OK);
  assert_int_equal(sc_registry_exec(other, "SET lock_timeout = '2s'", &err), SC_OK);
  int64_t list, index;
  assert_int_equal(sc_registry_reserve_index(other, &list, &index, &err), SC_OK);
  assert_int_equal(sc_registry_begin(f->reg, &err), SC_OK); /* holds the write lock */
  sc_issued_record rec = sample("urn:uuid:00000000-0000-4000-8000-000000000002", "L9", index);
  rec.status_list = list;
  assert_int_equal(sc_registry_begin_issue(other, &err), SC_OK);
  assert_int_equal(sc_registry_insert(other, &rec, &err), SC_OK);
  assert_int_equal(sc_registry_commit(other, &err), SC_OK);
  sc_registry_rollback(f->reg);
  sc_registry_close(other);
}

/* One publisher at a time across machines: a second waits for the first's lock. */
static void publishing_holds_a_lock_across_machines(void **state) {
  fixture *f = *state;
  sc_registry *other = NULL;
  sc_error err = {0};
  assert_int_equal(sc_registry_open(&f->home, &other, &err), SC_OK);
  assert_int_equal(sc_registry_exec(other, "SET lock_timeout = '100ms'", &err), SC_OK);
  assert_int_equal(sc_registry_publish_lock(f->reg, &err), SC_OK);
  assert_int_not_equal(sc_registry_publish_lock(other, &err), SC_OK); /* times out */
  sc_registry_publish_unlock(f->reg);
  assert_int_equal(sc_registry_publish_lock(other, &err), SC_OK);
  sc_registry_publish_unlock(other);
  sc_registry_close(other);
}

/* PRAGMA synchronous of the handle's SQLite connection: 1 NORMAL, 2 FULL. */
static int sqlite_synchronous(sc_registry *reg) {
  sqlite3_stmt *stmt = NULL;
  assert_int_equal(sqlite3_prepare_v2(reg->conn, "PRAGMA synchronous", -1, &stmt, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
  int value = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  return value;
}

/* A batch's commits are not synced while its writers sync the log: on SQLite the handle gives
 * the WAL's descriptor and commits with synchronous = NORMAL, then goes back to FULL; commits
 * made meanwhile are there. PostgreSQL's commits stay durable: no log to sync. */
static void deferred_durability_gives_the_log_to_sync_and_ends_with_durable_commits(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  int log = 123;
  assert_int_equal(sc_registry_defer_durability(f->reg, &log, &err), SC_OK);
  if (f->reg->driver->postgres) {
    assert_int_equal(log, -1);
    assert_int_equal(sc_registry_durable_commits(f->reg, &log, &err), SC_OK);
    return;
  }
  assert_true(log >= 0);
  struct stat wal, opened;
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s-wal", f->reg->target);
  assert_int_equal(stat(path, &wal), 0);
  assert_int_equal(fstat(log, &opened), 0);
  assert_true(wal.st_ino == opened.st_ino && wal.st_dev == opened.st_dev);
  assert_int_equal(sqlite_synchronous(f->reg), 1);
  int64_t list, index;
  assert_int_equal(sc_registry_reserve_index(f->reg, &list, &index, &err), SC_OK);
  assert_int_equal(sc_registry_begin_issue(f->reg, &err), SC_OK);
  sc_issued_record rec = sample("urn:uuid:5b0c6f0e-7d44-4b8e-9d0b-0e1f2a3b4c5d", "D1", index);
  rec.status_list = list;
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
  assert_int_equal(sc_registry_commit(f->reg, &err), SC_OK);
  assert_int_equal(fdatasync(log), 0);
  int kept = log;
  assert_int_equal(sc_registry_durable_commits(f->reg, &log, &err), SC_OK);
  assert_int_equal(log, -1);
  assert_int_equal(fcntl(kept, F_GETFD), -1); /* closed */
  assert_int_equal(sqlite_synchronous(f->reg), 2);
  json_t *row = NULL;
  assert_int_equal(sc_registry_get(f->reg, rec.id, &row, &err), SC_OK);
  assert_non_null(row);
  json_decref(row);
}

/* SQLite has one issuing process per home: no queue, said plainly. */
static void a_sqlite_registry_has_no_workers(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  int64_t w = 0;
  assert_int_equal(sc_registry_worker_join(f->reg, &w, &err), SC_EUSAGE);
  assert_non_null(strstr(err.message, "needs a PostgreSQL registry"));
}

int main(void) {
  const struct CMUnitTest sqlite[] = {
      cmocka_unit_test_setup_teardown(records_a_credential_and_finds_it_by_id_or_learner, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(refuses_the_same_learner_and_achievement_twice, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(events_are_append_only, setup, teardown),
      cmocka_unit_test_setup_teardown(opening_an_older_registry_clears_its_done_jobs_personal_fields,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(reserved_indexes_are_unique_and_in_range, setup, teardown),
      cmocka_unit_test_setup_teardown(a_handle_drawing_many_never_draws_a_slot_it_has_inserted,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          an_achievement_added_in_a_rolled_back_transaction_is_added_again, setup, teardown),
      cmocka_unit_test_setup_teardown(a_batch_transaction_records_every_field_as_given, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          a_batch_transaction_moves_its_lists_generation_and_a_rolled_back_one_does_not, setup,
          teardown),
      cmocka_unit_test_setup_teardown(
          deferred_durability_gives_the_log_to_sync_and_ends_with_durable_commits, setup,
          teardown),
      cmocka_unit_test_setup_teardown(
          a_learner_twice_in_one_batch_transaction_is_refused_and_nothing_recorded, setup,
          teardown),
      cmocka_unit_test_setup_teardown(schema_is_versioned_and_a_newer_one_is_refused, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(lists_by_filter, setup, teardown),
      cmocka_unit_test_setup_teardown(
          a_credential_naming_a_status_list_the_registry_lacks_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(
          status_lists_achievements_and_a_credentials_slot_never_change, setup, teardown),
      cmocka_unit_test_setup_teardown(
          a_schema_3_registry_is_upgraded_keeping_every_credential_and_event, setup, teardown),
      cmocka_unit_test_setup_teardown(a_null_credential_text_comes_with_err_set_to_why, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          a_change_after_a_read_is_not_refused_when_another_command_wrote, setup, teardown),
      cmocka_unit_test(a_registry_setting_that_is_no_postgres_uri_is_refused),
      cmocka_unit_test_setup_teardown(a_sqlite_registry_has_no_workers, setup, teardown),
      cmocka_unit_test_setup_teardown(file_paths_are_stored_relative_to_the_home, setup, teardown),
      cmocka_unit_test_setup_teardown(opening_an_older_registry_makes_its_file_paths_relative,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          a_schema_9_registry_is_upgraded_and_its_form_1_rows_still_read, setup, teardown),
  };
  /* The same behaviour from the PostgreSQL back-end (the tests that reach into the SQLite
   * file itself stay above). */
  const struct CMUnitTest postgres[] = {
      cmocka_unit_test_setup_teardown(records_a_credential_and_finds_it_by_id_or_learner, setup_pg,
                                      teardown),
      cmocka_unit_test_setup_teardown(refuses_the_same_learner_and_achievement_twice, setup_pg,
                                      teardown),
      cmocka_unit_test_setup_teardown(events_are_append_only, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(reserved_indexes_are_unique_and_in_range, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(a_handle_drawing_many_never_draws_a_slot_it_has_inserted,
                                      setup_pg, teardown),
      cmocka_unit_test_setup_teardown(
          an_achievement_added_in_a_rolled_back_transaction_is_added_again, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(a_batch_transaction_records_every_field_as_given, setup_pg,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          a_batch_transaction_moves_its_lists_generation_and_a_rolled_back_one_does_not, setup_pg,
          teardown),
      cmocka_unit_test_setup_teardown(
          deferred_durability_gives_the_log_to_sync_and_ends_with_durable_commits, setup_pg,
          teardown),
      cmocka_unit_test_setup_teardown(
          a_learner_twice_in_one_batch_transaction_is_refused_and_nothing_recorded, setup_pg,
          teardown),
      cmocka_unit_test_setup_teardown(lists_by_filter, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(
          a_credential_naming_a_status_list_the_registry_lacks_is_refused, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(
          status_lists_achievements_and_a_credentials_slot_never_change, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(
          a_change_after_a_read_is_not_refused_when_another_command_wrote, setup_pg, teardown),
      cmocka_unit_test(a_postgres_password_is_never_in_a_message),
      cmocka_unit_test_setup_teardown(
          processes_sharing_a_postgres_registry_lease_their_own_status_lists, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(queueing_the_same_learner_and_achievement_again_adds_no_job,
                                      setup_pg, teardown),
      cmocka_unit_test_setup_teardown(two_workers_never_take_the_same_job, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(the_jobs_of_a_stopped_worker_go_back_to_the_queue, setup_pg,
                                      teardown),
      cmocka_unit_test_setup_teardown(finished_jobs_name_their_credential, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(a_take_waits_for_jobs_being_queued, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(
          opening_an_older_registry_queues_again_the_jobs_old_workers_held, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(a_done_job_keeps_no_name_address_or_did, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(opening_an_older_registry_clears_its_done_jobs_personal_fields,
                                      setup_pg, teardown),
      cmocka_unit_test_setup_teardown(issuing_does_not_wait_for_the_global_write_lock, setup_pg,
                                      teardown),
      cmocka_unit_test_setup_teardown(publishing_holds_a_lock_across_machines, setup_pg, teardown),
      cmocka_unit_test_setup_teardown(file_paths_are_stored_relative_to_the_home, setup_pg,
                                      teardown),
      cmocka_unit_test_setup_teardown(opening_an_older_registry_makes_its_file_paths_relative,
                                      setup_pg, teardown),
  };
  int failed = cmocka_run_group_tests_name("registry (SQLite)", sqlite, NULL, NULL);
  return failed + cmocka_run_group_tests_name("registry (PostgreSQL)", postgres, start_postgres,
                                              stop_postgres);
}
