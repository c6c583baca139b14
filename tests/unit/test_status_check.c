/* The "status" check (verifier/status_check.c) and where lists come from (status_source.c,
 * cache.c, fetch.c): hand-built status list credentials signed by a fresh key, credentials of
 * that key's did:key carrying a revocation and a suspension entry, and a loopback HTTP server
 * (tests/e2e/status_server.py) for the network path. */
#include "test_support.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "verifier/status_internal.h"
#include "verifier/verifier.h"

#define BASE "https://acme.example"
#define REVOCATION_URL BASE "/status/1/revocation"
#define SUSPENSION_URL BASE "/status/1/suspension"
#define UNREACHABLE_URL "https://127.0.0.1:1/status/1/revocation"
#define LIST_BYTES (SC_STATUS_LIST_MIN_ENTRIES / 8)
#define INDEX 94567
#define PYTHON "/usr/bin/python3"

typedef struct issuer_key {
  EVP_PKEY *key;
  char *did;
  char *vm;
} issuer_key;

typedef struct fixture {
  char dir[64];
  char public_dir[128];
  char cache_dir[128];
  issuer_key issuer, stranger;
  int64_t now;
  sc_status_source src;
  sc_verify_options opts;
} fixture;

static void assert_mentions(const char *text, const char *what) {
  if (!strstr(text, what))
    fail_msg("'%s' does not mention '%s'", text, what);
}

static void make_key(issuer_key *k, uint8_t seed_byte) {
  uint8_t seed[32];
  memset(seed, seed_byte, sizeof seed);
  sc_error err = {0};
  k->key = sc_ed25519_from_seed(seed, &err);
  assert_non_null(k->key);
  uint8_t pub[32];
  assert_int_equal(sc_ed25519_public(k->key, pub, &err), SC_OK);
  k->did = sc_did_key_encode(pub);
  assert_non_null(k->did);
  k->vm = sc_did_key_verification_method(k->did);
  assert_non_null(k->vm);
}

static void free_key(issuer_key *k) {
  EVP_PKEY_free(k->key);
  free(k->did);
  free(k->vm);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  assert_true(make_temp_dir(f->dir, "status"));
  snprintf(f->public_dir, sizeof f->public_dir, "%s/public", f->dir);
  snprintf(f->cache_dir, sizeof f->cache_dir, "%s/cache/skillcert", f->dir);
  make_key(&f->issuer, 1);
  make_key(&f->stranger, 2);
  assert_int_equal(sc_time_parse("2026-12-01T00:00:00Z", true, &f->now, NULL), SC_OK);
  f->src = (sc_status_source){.local = f->public_dir, .cache_dir = f->cache_dir};
  f->opts = (sc_verify_options){.now = f->now, .status = &f->src};
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  assert_int_equal(remove_temp_dir(f->dir), 0);
  free_key(&f->issuer);
  free_key(&f->stranger);
  free(f);
  return 0;
}

/* ---------------------------------------------------------------- building documents */

static void sign(json_t *doc, const issuer_key *k) {
  sc_proof_options po = {.verification_method = k->vm, .created = "2026-11-28T02:00:00Z"};
  sc_error err = {0};
  if (sc_di_sign(doc, k->key, &po, NULL, &err) != SC_OK)
    fail_msg("sign: %s", err.message);
}

static char *encoded_list(long set_index) {
  uint8_t *bits = calloc(LIST_BYTES, 1);
  assert_non_null(bits);
  if (set_index >= 0)
    sc_status_list_set(bits, (size_t)set_index, true);
  char *encoded = sc_status_list_encode(bits, LIST_BYTES, NULL);
  assert_non_null(encoded);
  free(bits);
  return encoded;
}

/* 'u' + base64url of bits compressed with windowBits (31 GZIP, 15 zlib). */
static char *compressed_list(size_t bytes, int window_bits) {
  uint8_t *bits = calloc(bytes, 1);
  assert_non_null(bits);
  z_stream z;
  memset(&z, 0, sizeof z);
  assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  uLong bound = deflateBound(&z, bytes);
  uint8_t *out = malloc(bound);
  assert_non_null(out);
  z.next_in = bits;
  z.avail_in = (uInt)bytes;
  z.next_out = out;
  z.avail_out = (uInt)bound;
  assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
  char *encoded = sc_multibase_encode('u', out, bound - z.avail_out);
  deflateEnd(&z);
  free(out);
  free(bits);
  return encoded;
}

typedef struct list_spec {
  const char *url;
  const char *purpose;
  const char *encoded; /* NULL: a list of SC_STATUS_LIST_MIN_ENTRIES with set_index set */
  long set_index;      /* -1: none */
  const issuer_key *signer;
  const char *issuer; /* NULL: the signer's DID */
  int64_t valid_until_offset;
  bool no_valid_until; /* a list that never expires: every use after the first asks again */
} list_spec;

/* A signed BitstringStatusListCredential as skillcert publish makes it. */
static json_t *make_list(const fixture *f, list_spec s) {
  char from[21], until[21], subject_id[256];
  sc_time_format(f->now - 3600, from);
  sc_time_format(f->now + (s.valid_until_offset ? s.valid_until_offset : 86400), until);
  snprintf(subject_id, sizeof subject_id, "%s#list", s.url);
  char *generated = s.encoded ? NULL : encoded_list(s.set_index);
  json_t *list =
      json_pack("{s:[s], s:s, s:[s,s], s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "@context",
                "https://www.w3.org/ns/credentials/v2", "id", s.url, "type", "VerifiableCredential",
                "BitstringStatusListCredential", "issuer", s.issuer ? s.issuer : s.signer->did,
                "validFrom", from, "validUntil", until, "credentialSubject", "id", subject_id,
                "type", "BitstringStatusList", "statusPurpose", s.purpose, "encodedList",
                s.encoded ? s.encoded : generated);
  assert_non_null(list);
  free(generated);
  if (s.no_valid_until)
    json_object_del(list, "validUntil");
  sign(list, s.signer);
  return list;
}

static void write_json(const char *path, const json_t *doc) {
  char *text = json_dumps(doc, JSON_COMPACT);
  assert_non_null(text);
  char folder[512];
  snprintf(folder, sizeof folder, "%s", path);
  for (char *p = folder + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      mkdir(folder, 0700);
      *p = '/';
    }
  }
  assert_int_equal(sc_write_file_atomic(path, text, strlen(text), 0644, NULL), SC_OK);
  free(text);
}

/* Publishes list into the fixture's public/ folder at the path of its URL. */
static void publish(const fixture *f, json_t *list) {
  const char *url = json_string_value(json_object_get(list, "id"));
  char path[512];
  snprintf(path, sizeof path, "%s%s", f->public_dir, strstr(url, "/status/"));
  write_json(path, list);
  json_decref(list);
}

static void publish_both(const fixture *f, long revoked, long suspended) {
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .set_index = revoked,
                                      .signer = &f->issuer}));
  publish(f, make_list(f, (list_spec){.url = SUSPENSION_URL,
                                      .purpose = "suspension",
                                      .set_index = suspended,
                                      .signer = &f->issuer}));
}

static json_t *entry(const char *purpose, const char *list_url, json_t *index) {
  char id[256];
  snprintf(id, sizeof id, "%s#%s", list_url,
           json_is_string(index) ? json_string_value(index) : "n");
  return json_pack("{s:s, s:s, s:s, s:o, s:s}", "id", id, "type", "BitstringStatusListEntry",
                   "statusPurpose", purpose, "statusListIndex", index, "statusListCredential",
                   list_url);
}

/* A signed credential of the fixture's issuer with the given credentialStatus (taken). */
static json_t *credential_with(const fixture *f, json_t *status) {
  json_t *cred =
      json_pack("{s:[s,s], s:s, s:[s,s], s:{s:s, s:[s], s:s}, s:s, s:{s:[s], s:{s:s, s:[s], s:s}}}",
                "@context", "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "id",
                "urn:uuid:3c7fc3a2-f023-48e3-bb15-22ebb06ee4bc", "type", "VerifiableCredential",
                "OpenBadgeCredential", "issuer", "id", f->issuer.did, "type", "Profile", "name",
                "Acme AI Academy", "validFrom", "2026-11-28T02:00:00Z", "credentialSubject", "type",
                "AchievementSubject", "achievement", "id", "https://acme.example/achievements/ai",
                "type", "Achievement", "name", "AI Fundamentals");
  assert_non_null(cred);
  if (status)
    json_object_set_new(cred, "credentialStatus", status);
  sign(cred, &f->issuer);
  return cred;
}

static json_t *credential_at(const fixture *f, const char *index) {
  return credential_with(f, json_pack("[o, o]",
                                      entry("revocation", REVOCATION_URL, json_string(index)),
                                      entry("suspension", SUSPENSION_URL, json_string(index))));
}

/* Runs the check alone and returns the one "status" check it recorded. */
static sc_check run_check(const fixture *f, const json_t *cred, int *exit_code) {
  sc_verification v;
  memset(&v, 0, sizeof v);
  sc_check_status(&v, cred, &f->opts);
  assert_int_equal(v.check_count, 1);
  assert_string_equal(v.checks[0].name, "status");
  *exit_code = v.exit_code;
  return v.checks[0];
}

static void expect(const fixture *f, const json_t *cred, int code, const char *mention) {
  int exit_code = -1;
  sc_check check = run_check(f, cred, &exit_code);
  if (exit_code != code)
    fail_msg("exit %d, expected %d: %s", exit_code, code, check.message);
  assert_int_equal(check.state, code == SC_OK ? SC_CHECK_PASSED : SC_CHECK_FAILED);
  assert_int_equal(check.code, code);
  assert_mentions(check.message, mention);
}

/* ---------------------------------------------------------------- verdicts */

static void active_credential_passes(void **state) {
  fixture *f = *state;
  publish_both(f, 5, 6);
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_OK, "not revoked or suspended (2 lists checked)");
  json_decref(cred);
}

static void revoked_credential_exits_2(void **state) {
  fixture *f = *state;
  publish_both(f, INDEX, -1);
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_EREVOKED, "revoked (list " REVOCATION_URL ", index 94567, from file ");
  json_decref(cred);
}

static void suspended_credential_exits_3(void **state) {
  fixture *f = *state;
  publish_both(f, -1, INDEX);
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_ESUSPENDED, "suspended (list " SUSPENSION_URL ", index 94567");
  json_decref(cred);
}

static void revocation_outranks_suspension(void **state) {
  fixture *f = *state;
  publish_both(f, INDEX, INDEX);
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_EREVOKED, "revoked");
  json_decref(cred);
}

static void revocation_outranks_unreadable_suspension_list(void **state) {
  fixture *f = *state;
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .set_index = INDEX,
                                      .signer = &f->issuer}));
  f->src.offline = true; /* the suspension list is nowhere */
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_EREVOKED, "revoked");
  json_decref(cred);
}

static void credential_without_status_is_skipped(void **state) {
  fixture *f = *state;
  json_t *cred = credential_with(f, NULL);
  int exit_code = -1;
  sc_check check = run_check(f, cred, &exit_code);
  assert_int_equal(exit_code, SC_OK);
  assert_int_equal(check.state, SC_CHECK_SKIPPED);
  assert_string_equal(check.message, "credential has no credentialStatus");
  json_decref(cred);
}

static void numeric_index_is_accepted_with_warning(void **state) {
  fixture *f = *state;
  publish_both(f, -1, -1);
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_real(23)));
  int exit_code = -1;
  sc_check check = run_check(f, cred, &exit_code);
  assert_int_equal(exit_code, SC_OK);
  assert_int_equal(check.state, SC_CHECK_WARNING);
  assert_mentions(check.message, "statusListIndex is a JSON number");
  json_decref(cred);
  cred = credential_with(f, entry("revocation", REVOCATION_URL, json_real(2.5)));
  expect(f, cred, SC_ESTATUS, "statusListIndex: expected a decimal string");
  json_decref(cred);
}

static void other_purposes_are_skipped_with_a_note(void **state) {
  fixture *f = *state;
  publish_both(f, -1, -1);
  json_t *cred =
      credential_with(f, json_pack("[o, o]", entry("revocation", REVOCATION_URL, json_string("7")),
                                   entry("message", BASE "/status/9/message", json_string("7"))));
  expect(f, cred, SC_OK, "1 entry of purpose message not checked");
  json_decref(cred);
}

/* ---------------------------------------------------------------- the memo of verified lists */

static void memo_answers_a_second_check_without_reading_the_list(void **state) {
  fixture *f = *state;
  f->opts.memo = sc_status_memo_new(60);
  publish_both(f, -1, -1);
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_OK, "not revoked or suspended (2 lists checked)");
  f->src.offline = true;
  f->src.local = "/nonexistent"; /* the lists are gone: only the memo can answer now */
  f->src.home_public = NULL;
  expect(f, cred, SC_OK, "not revoked or suspended (2 lists checked)");
  json_decref(cred);
  sc_status_memo_free(f->opts.memo);
  f->opts.memo = NULL;
}

static void memo_entries_expire_so_a_revocation_is_seen(void **state) {
  fixture *f = *state;
  f->opts.memo = sc_status_memo_new(0); /* every entry is already stale */
  publish_both(f, -1, -1);
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_OK, "2 lists checked");
  publish_both(f, INDEX, -1);
  expect(f, cred, SC_EREVOKED, "revoked");
  json_decref(cred);
  sc_status_memo_free(f->opts.memo);
  f->opts.memo = NULL;
}

static void memo_does_not_lend_a_list_to_another_issuer(void **state) {
  fixture *f = *state;
  f->opts.memo = sc_status_memo_new(60);
  publish_both(f, -1, -1);
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_OK, "2 lists checked");
  json_t *foreign = credential_at(f, "94567");
  json_object_set_new(foreign, "issuer",
                      json_string("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"));
  int exit_code = -1;
  run_check(f, foreign, &exit_code);
  assert_int_equal(exit_code, SC_ESTATUS);
  json_decref(foreign);
  json_decref(cred);
  sc_status_memo_free(f->opts.memo);
  f->opts.memo = NULL;
}

/* ---------------------------------------------------------------- lists that are not trusted */

static void list_of_another_issuer_is_refused(void **state) {
  fixture *f = *state;
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .set_index = -1,
                                      .signer = &f->stranger}));
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("94567")));
  expect(f, cred, SC_ESTATUS, "not by the credential's issuer");
  json_decref(cred);
}

static void list_claiming_the_issuer_but_signed_by_another_key_is_refused(void **state) {
  fixture *f = *state;
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .set_index = -1,
                                      .signer = &f->stranger,
                                      .issuer = f->issuer.did}));
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("94567")));
  expect(f, cred, SC_ESTATUS, "not by the issuer");
  json_decref(cred);
}

static void tampered_list_is_refused(void **state) {
  fixture *f = *state;
  json_t *list = make_list(f, (list_spec){.url = REVOCATION_URL,
                                          .purpose = "revocation",
                                          .set_index = INDEX,
                                          .signer = &f->issuer});
  char *clean = encoded_list(-1);
  json_object_set_new(json_object_get(list, "credentialSubject"), "encodedList",
                      json_string(clean));
  free(clean);
  publish(f, list);
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("94567")));
  expect(f, cred, SC_ESTATUS, "its proof does not verify");
  json_decref(cred);
}

static void expired_list_is_refused(void **state) {
  fixture *f = *state;
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .set_index = -1,
                                      .signer = &f->issuer,
                                      .valid_until_offset = -60}));
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("94567")));
  expect(f, cred, SC_ESTATUS, "status list expired on 2026-11-30T23:59:00Z; publish again");
  json_decref(cred);
}

static void list_of_the_wrong_purpose_is_refused(void **state) {
  fixture *f = *state;
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "suspension",
                                      .set_index = -1,
                                      .signer = &f->issuer}));
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("94567")));
  expect(f, cred, SC_ESTATUS, "this list is not for revocation");
  json_decref(cred);
}

static void index_beyond_the_list_is_refused(void **state) {
  fixture *f = *state;
  publish_both(f, -1, -1);
  json_t *cred = credential_at(f, "131072");
  expect(f, cred, SC_ESTATUS, "index 131072 is out of range");
  json_decref(cred);
}

/* A revocation list whose encodedList is given. */
static void expect_list_refused(fixture *f, const char *encoded, const char *mention) {
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .encoded = encoded,
                                      .signer = &f->issuer}));
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("5")));
  expect(f, cred, SC_ESTATUS, mention);
  json_decref(cred);
}

/* Bitstring Status List asks issuers for at least 131,072 entries (herd privacy), but lists
 * of 100,000 are in use (the Digital Credentials Consortium's) and the reference verifier reads
 * them: a short list is read; an index past its end is refused. */
static void short_list_is_read_and_an_index_past_its_end_refused(void **state) {
  fixture *f = *state;
  char *encoded = compressed_list(1024, 31);
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .encoded = encoded,
                                      .signer = &f->issuer}));
  json_t *cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("5")));
  expect(f, cred, SC_OK, "not revoked");
  json_decref(cred);
  cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("8192")));
  expect(f, cred, SC_ESTATUS, "8192");
  json_decref(cred);
  free(encoded);
}

static void bad_base64url_list_is_refused(void **state) {
  expect_list_refused(*state, "uH4sI*AAAA", "base64url: invalid character");
}

static void zlib_list_is_refused(void **state) {
  char *encoded = compressed_list(LIST_BYTES, 15);
  expect_list_refused(*state, encoded, "a zlib stream");
  free(encoded);
}

static void gzip_bomb_list_is_refused(void **state) {
  char *encoded = compressed_list(SC_STATUS_LIST_MAX_BYTES + 4096, 31);
  expect_list_refused(*state, encoded, "inflates to more than 16777216 bytes");
  free(encoded);
}

static void http_list_url_is_fetched_only_with_allow_http(void **state) {
  fixture *f = *state;
  json_t *cred = credential_with(
      f, entry("revocation", "http://acme.example/status/1/revocation", json_string("5")));
  expect(f, cred, SC_ESTATUS, "only https:// is allowed");
  /* A local copy needs no network, so no HTTPS either: the list's proof is what counts. */
  publish(f, make_list(f, (list_spec){.url = "http://acme.example/status/1/revocation",
                                      .purpose = "revocation",
                                      .set_index = -1,
                                      .signer = &f->issuer}));
  expect(f, cred, SC_OK, "not revoked or suspended (1 list checked)");
  json_decref(cred);
}

/* ---------------------------------------------------------------- sources and the cache */

static void no_status_source_exits_6(void **state) {
  fixture *f = *state;
  f->opts.status = NULL;
  json_t *cred = credential_at(f, "5");
  expect(f, cred, SC_ESTATUS, "no way to check status");
  json_decref(cred);
}

static void unreachable_list_without_cache_exits_6(void **state) {
  fixture *f = *state;
  json_t *cred = credential_with(f, entry("revocation", UNREACHABLE_URL, json_string("5")));
  expect(f, cred, SC_ESTATUS, "status list " UNREACHABLE_URL ": " UNREACHABLE_URL ": ");
  json_decref(cred);
}

/* serve's answers (remote_messages): no origin of a list, no fetch error text; what a list
 * that was found failed on stays. */
static void remote_messages_leave_out_origins_and_fetch_errors(void **state) {
  fixture *f = *state;
  f->opts.remote_messages = true;
  int exit_code = -1;
  /* A list not found (nothing is published yet): no path, no network error text. */
  json_t *cred = credential_with(f, entry("revocation", UNREACHABLE_URL, json_string("5")));
  sc_check check = run_check(f, cred, &exit_code);
  assert_int_equal(exit_code, SC_ESTATUS);
  assert_string_equal(check.message,
                      "status list " UNREACHABLE_URL ": the status list could not be fetched");
  json_decref(cred);
  /* A list found but refused: the reason stays, where it was found goes. */
  publish(f, make_list(f, (list_spec){.url = REVOCATION_URL,
                                      .purpose = "revocation",
                                      .set_index = -1,
                                      .signer = &f->stranger,
                                      .issuer = f->issuer.did}));
  cred = credential_with(f, entry("revocation", REVOCATION_URL, json_string("94567")));
  check = run_check(f, cred, &exit_code);
  assert_int_equal(exit_code, SC_ESTATUS);
  assert_mentions(check.message, "status list " REVOCATION_URL ": ");
  assert_mentions(check.message, "not by the issuer");
  assert_null(strstr(check.message, f->public_dir));
  json_decref(cred);
  /* Revoked: the list and index, not where the list came from. */
  publish_both(f, INDEX, -1);
  cred = credential_at(f, "94567");
  check = run_check(f, cred, &exit_code);
  assert_int_equal(exit_code, SC_EREVOKED);
  assert_string_equal(check.message, "revoked (list " REVOCATION_URL ", index 94567)");
  json_decref(cred);
}

static void offline_without_cache_exits_6(void **state) {
  fixture *f = *state;
  f->src.offline = true;
  json_t *cred = credential_with(f, entry("revocation", UNREACHABLE_URL, json_string("5")));
  expect(f, cred, SC_ESTATUS, "offline and " UNREACHABLE_URL " is not in the cache");
  json_decref(cred);
}

static void cache_it(const fixture *f, json_t *list, int64_t fetched_at) {
  const char *url = json_string_value(json_object_get(list, "id"));
  char *text = json_dumps(list, JSON_COMPACT);
  sc_buf body = {0};
  assert_true(sc_buf_append_str(&body, text));
  assert_int_equal(sc_cache_put(f->cache_dir, url, fetched_at, &body, NULL, NULL), SC_OK);
  sc_buf_free(&body);
  free(text);
  json_decref(list);
}

static void offline_uses_the_cache_and_says_how_old(void **state) {
  fixture *f = *state;
  cache_it(f,
           make_list(f, (list_spec){.url = UNREACHABLE_URL,
                                    .purpose = "revocation",
                                    .set_index = 5,
                                    .signer = &f->issuer}),
           f->now - 3 * 3600);
  f->src.offline = true;
  json_t *cred = credential_with(f, entry("revocation", UNREACHABLE_URL, json_string("5")));
  expect(f, cred, SC_EREVOKED, "from cache, fetched 2026-11-30T21:00:00Z (3 h ago)");
  json_decref(cred);
}

static void cache_is_used_until_valid_until(void **state) {
  fixture *f = *state;
  cache_it(f,
           make_list(f, (list_spec){.url = UNREACHABLE_URL,
                                    .purpose = "revocation",
                                    .set_index = -1,
                                    .signer = &f->issuer}),
           f->now);
  json_t *cred = credential_with(f, entry("revocation", UNREACHABLE_URL, json_string("5")));
  f->opts.now = f->now + 86399; /* still fresh: the network (unreachable) is not asked */
  expect(f, cred, SC_OK, "not revoked or suspended (1 list checked)");
  f->opts.now = f->now + 86400; /* validUntil reached: ask the network, which fails */
  expect(f, cred, SC_ESTATUS, "Couldn't connect");
  f->src.offline = true; /* offline, the stale copy is loaded but not trusted */
  expect(f, cred, SC_ESTATUS,
         "(cache, fetched 2026-12-01T00:00:00Z (1 d ago)): status list expired");
  json_decref(cred);
}

static void cache_file_is_named_by_url_hash_in_private_folder(void **state) {
  fixture *f = *state;
  cache_it(f,
           make_list(f, (list_spec){.url = UNREACHABLE_URL,
                                    .purpose = "revocation",
                                    .set_index = -1,
                                    .signer = &f->issuer}),
           f->now);
  char name[65], path[512];
  assert_int_equal(sc_cache_name(UNREACHABLE_URL, name, NULL), SC_OK);
  snprintf(path, sizeof path, "%s/%s", f->cache_dir, name);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal((long long)st.st_mtime, (long long)f->now);
  assert_int_equal(stat(f->cache_dir, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0700);
}

static void local_file_serves_the_url_it_names(void **state) {
  fixture *f = *state;
  json_t *list = make_list(f, (list_spec){.url = REVOCATION_URL,
                                          .purpose = "revocation",
                                          .set_index = INDEX,
                                          .signer = &f->issuer});
  char path[256];
  snprintf(path, sizeof path, "%s/list.json", f->dir);
  write_json(path, list);
  json_decref(list);
  f->src.local = path;
  f->src.offline = true;
  json_t *cred = credential_at(f, "94567"); /* the suspension list is not that file */
  expect(f, cred, SC_EREVOKED, "from file ");
  json_decref(cred);
  cred = credential_with(f, entry("suspension", SUSPENSION_URL, json_string("5")));
  expect(f, cred, SC_ESTATUS, "offline and " SUSPENSION_URL " is not in the cache");
  json_decref(cred);
}

static void home_public_folder_serves_its_public_url(void **state) {
  fixture *f = *state;
  publish_both(f, INDEX, -1);
  f->src = (sc_status_source){.home_public = f->public_dir,
                              .home_url = BASE "/",
                              .offline = true,
                              .cache_dir = f->cache_dir};
  json_t *cred = credential_at(f, "94567");
  expect(f, cred, SC_EREVOKED, "from home ");
  json_decref(cred);
}

static void folder_paths_cannot_climb_out(void **state) {
  fixture *f = *state;
  sc_buf body = {0};
  char origin[256];
  f->src.offline = true;
  assert_int_equal(sc_source_load(&f->src, BASE "/status/../../../../../../../../etc/passwd",
                                  f->now, &body, origin, sizeof origin, NULL),
                   SC_ESTATUS);
  assert_null(body.data);
}

/* ---------------------------------------------------------------- the network */

typedef struct server {
  pid_t pid;
  int port;
  int pipe; /* kept open while the server runs, so its stdout never breaks */
} server;

static server start_server(const char *folder) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(PYTHON, PYTHON, "tests/e2e/status_server.py", folder, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  char line[32] = "";
  size_t used = 0;
  while (used < sizeof line - 1 && !strchr(line, '\n')) { /* the whole first line */
    ssize_t n = read(fds[0], line + used, sizeof line - 1 - used);
    if (n <= 0)
      break;
    used += (size_t)n;
  }
  server s = {.pid = pid, .port = strchr(line, '\n') ? atoi(line) : 0, .pipe = fds[0]};
  if (s.port <= 0)
    fail_msg("the test HTTP server (" PYTHON " tests/e2e/status_server.py) did not start");
  return s;
}

static void stop_server(server s) {
  kill(s.pid, SIGTERM);
  waitpid(s.pid, NULL, 0);
  close(s.pipe);
}

static void fetch_fails(const char *url, bool allow_http, const sc_fetch_limits *limits,
                        const char *mention) {
  sc_buf body = {0};
  sc_error err = {0};
  assert_int_equal(sc_fetch(url, allow_http, limits, &body, &err), SC_ESTATUS);
  assert_mentions(err.message, mention);
  assert_mentions(err.message, url);
  assert_null(body.data);
}

static void fetch_obeys_protocol_status_size_and_redirect_limits(void **state) {
  fixture *f = *state;
  publish_both(f, -1, -1);
  server s = start_server(f->public_dir);
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/status/1/revocation", s.port);
  sc_buf body = {0};
  sc_error err = {0};
  assert_int_equal(sc_fetch(url, true, NULL, &body, &err), SC_OK);
  assert_mentions((const char *)body.data, "BitstringStatusListCredential");
  sc_buf_free(&body);
  fetch_fails(url, false, NULL, "only https:// is allowed");
  snprintf(url, sizeof url, "http://127.0.0.1:%d/status/2/revocation", s.port);
  fetch_fails(url, true, NULL, "HTTP 404");
  snprintf(url, sizeof url, "http://127.0.0.1:%d/big", s.port);
  fetch_fails(url, true, NULL, "larger than 1 MiB");
  snprintf(url, sizeof url, "http://127.0.0.1:%d/redirect-loop", s.port);
  fetch_fails(url, true, NULL, "redirect");
  stop_server(s);
}

static void network_list_is_cached_and_reused(void **state) {
  fixture *f = *state;
  publish_both(f, -1, INDEX);
  server s = start_server(f->public_dir);
  char revocation[128], suspension[128];
  snprintf(revocation, sizeof revocation, "http://127.0.0.1:%d/status/1/revocation", s.port);
  snprintf(suspension, sizeof suspension, "http://127.0.0.1:%d/status/1/suspension", s.port);
  /* The lists name their https URLs; served here under http ones, so republish with those. */
  publish(f, make_list(f, (list_spec){.url = revocation,
                                      .purpose = "revocation",
                                      .set_index = -1,
                                      .signer = &f->issuer}));
  publish(f, make_list(f, (list_spec){.url = suspension,
                                      .purpose = "suspension",
                                      .set_index = INDEX,
                                      .signer = &f->issuer}));
  f->src = (sc_status_source){.cache_dir = f->cache_dir};
  json_t *cred =
      credential_with(f, json_pack("[o, o]", entry("revocation", revocation, json_string("94567")),
                                   entry("suspension", suspension, json_string("94567"))));
  expect(f, cred, SC_ESTATUS, "only https:// is allowed"); /* not without allow_http */
  f->src.allow_http = true;
  expect(f, cred, SC_ESUSPENDED, "from network)");
  stop_server(s);
  expect(f, cred, SC_ESUSPENDED, "from cache, fetched 2026-12-01T00:00:00Z (0 s ago)");
  json_decref(cred);
}

/* Only a list that checked out is kept: whatever else a URL answered is not written to disk. */
static void fetched_list_that_fails_its_check_is_not_cached(void **state) {
  fixture *f = *state;
  server s = start_server(f->public_dir);
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/status/1/revocation", s.port);
  json_t *list = make_list(
      f, (list_spec){.url = url, .purpose = "revocation", .set_index = -1, .signer = &f->issuer});
  json_object_set_new(list, "name", json_string("changed after signing"));
  publish(f, list);
  f->src = (sc_status_source){.cache_dir = f->cache_dir, .allow_http = true};
  json_t *cred = credential_with(f, entry("revocation", url, json_string("94567")));
  expect(f, cred, SC_ESTATUS, "its proof does not verify");
  stop_server(s);
  char name[65], path[256];
  assert_int_equal(sc_cache_name(url, name, NULL), SC_OK);
  snprintf(path, sizeof path, "%s/%s", f->cache_dir, name);
  assert_int_not_equal(access(path, F_OK), 0);
  json_decref(cred);
}

/* The last line of the test server's request log: "PATH IF-NONE-MATCH" (or "-"). */
static void last_request(const char *log, char *line, size_t size) {
  FILE *f = fopen(log, "r");
  assert_non_null(f);
  line[0] = '\0';
  char next[512];
  while (fgets(next, sizeof next, f))
    snprintf(line, size, "%s", next);
  fclose(f);
}

/* A cached list that is no longer fresh (here: it has no validUntil) is asked for with the ETag
 * it came with; the server's 304 makes the cached copy serve again, checked as ever. Validators
 * that belong to another version than the cached copy are not sent. */
static void stale_cached_list_is_revalidated_with_its_etag(void **state) {
  fixture *f = *state;
  char log[300];
  snprintf(log, sizeof log, "%s/requests.log", f->dir);
  setenv("STATUS_SERVER_LOG", log, 1);
  server s = start_server(f->public_dir);
  unsetenv("STATUS_SERVER_LOG");
  char url[128], line[512];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/status/1/suspension", s.port);
  publish(f, make_list(f, (list_spec){.url = url,
                                      .purpose = "suspension",
                                      .set_index = INDEX,
                                      .signer = &f->issuer,
                                      .no_valid_until = true}));
  f->src = (sc_status_source){.cache_dir = f->cache_dir, .allow_http = true};
  json_t *cred = credential_with(f, entry("suspension", url, json_string("94567")));
  expect(f, cred, SC_ESUSPENDED, "from network)");
  last_request(log, line, sizeof line);
  assert_mentions(line, "/status/1/suspension -");
  expect(f, cred, SC_ESUSPENDED, "from " SC_ORIGIN_NOT_MODIFIED ")");
  last_request(log, line, sizeof line);
  assert_mentions(line, "/status/1/suspension \"");
  /* Another version in the cache than the validators were sent with: an unconditional GET. */
  char name[65], path[300];
  assert_int_equal(sc_cache_name(url, name, NULL), SC_OK);
  snprintf(path, sizeof path, "%s/%s", f->cache_dir, name);
  assert_int_equal(sc_write_file_atomic(path, "{}", 2, 0600, NULL), SC_OK);
  expect(f, cred, SC_ESUSPENDED, "from network)");
  last_request(log, line, sizeof line);
  assert_mentions(line, "/status/1/suspension -");
  stop_server(s);
  json_decref(cred);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(active_credential_passes, setup, teardown),
      cmocka_unit_test_setup_teardown(revoked_credential_exits_2, setup, teardown),
      cmocka_unit_test_setup_teardown(suspended_credential_exits_3, setup, teardown),
      cmocka_unit_test_setup_teardown(revocation_outranks_suspension, setup, teardown),
      cmocka_unit_test_setup_teardown(revocation_outranks_unreadable_suspension_list, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(credential_without_status_is_skipped, setup, teardown),
      cmocka_unit_test_setup_teardown(numeric_index_is_accepted_with_warning, setup, teardown),
      cmocka_unit_test_setup_teardown(other_purposes_are_skipped_with_a_note, setup, teardown),
      cmocka_unit_test_setup_teardown(memo_answers_a_second_check_without_reading_the_list, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(memo_entries_expire_so_a_revocation_is_seen, setup, teardown),
      cmocka_unit_test_setup_teardown(memo_does_not_lend_a_list_to_another_issuer, setup, teardown),
      cmocka_unit_test_setup_teardown(list_of_another_issuer_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(list_claiming_the_issuer_but_signed_by_another_key_is_refused,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(tampered_list_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(expired_list_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(list_of_the_wrong_purpose_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(index_beyond_the_list_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(short_list_is_read_and_an_index_past_its_end_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_base64url_list_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(zlib_list_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(gzip_bomb_list_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(http_list_url_is_fetched_only_with_allow_http, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(no_status_source_exits_6, setup, teardown),
      cmocka_unit_test_setup_teardown(unreachable_list_without_cache_exits_6, setup, teardown),
      cmocka_unit_test_setup_teardown(remote_messages_leave_out_origins_and_fetch_errors, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(offline_without_cache_exits_6, setup, teardown),
      cmocka_unit_test_setup_teardown(offline_uses_the_cache_and_says_how_old, setup, teardown),
      cmocka_unit_test_setup_teardown(cache_is_used_until_valid_until, setup, teardown),
      cmocka_unit_test_setup_teardown(stale_cached_list_is_revalidated_with_its_etag, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(cache_file_is_named_by_url_hash_in_private_folder, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(local_file_serves_the_url_it_names, setup, teardown),
      cmocka_unit_test_setup_teardown(home_public_folder_serves_its_public_url, setup, teardown),
      cmocka_unit_test_setup_teardown(folder_paths_cannot_climb_out, setup, teardown),
      cmocka_unit_test_setup_teardown(fetch_obeys_protocol_status_size_and_redirect_limits, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(network_list_is_cached_and_reused, setup, teardown),
      cmocka_unit_test_setup_teardown(fetched_list_that_fails_its_check_is_not_cached, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
