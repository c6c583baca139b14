/* Delivering credentials into wallets (docs/wallets.md): the OpenID4VCI proof JWT check, the
 * single-use secrets of both flows in the registry (SQLite and PostgreSQL), the family of a
 * re-issued copy changing status together, the claim page's wallet section and the count of
 * tries per client. */
#include "test_home_support.h"
#include "test_registry_support.h"

#include <openssl/evp.h>
#include <time.h>

#include "issuer/registry_internal.h"
#include "service/http_internal.h"

#define NOW 1798761600 /* 2027-01-01 */
#define AUDIENCE "https://verify.example"

/* ---------------------------------------------------------------- the proof JWT */

typedef struct jwt_parts {
  const char *header; /* JSON, NULL = a good one */
  const char *payload;
} jwt_parts;

static char *b64(const char *text) {
  return sc_base64url_encode((const uint8_t *)text, strlen(text));
}

/* A compact JWS of the parts, signed by key; kid is key's did:key verification method. */
static char *make_jwt(EVP_PKEY *key, const char *header, const char *payload) {
  uint8_t pub[32], sig[64];
  sc_error err = {0};
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  char *did = sc_did_key_encode(pub);
  char *vm = sc_did_key_verification_method(did);
  char good_header[512], good_payload[512];
  snprintf(good_header, sizeof good_header,
           "{\"typ\":\"openid4vci-proof+jwt\",\"alg\":\"EdDSA\",\"kid\":\"%s\"}", vm);
  snprintf(good_payload, sizeof good_payload,
           "{\"aud\":\"" AUDIENCE "\",\"iat\":%d,\"nonce\":\"n-123\"}", NOW - 5);
  char *h = b64(header ? header : good_header), *p = b64(payload ? payload : good_payload);
  sc_buf signing = {0};
  assert_true(sc_buf_append_str(&signing, h) && sc_buf_append_str(&signing, ".") &&
              sc_buf_append_str(&signing, p));
  assert_int_equal(sc_ed25519_sign(key, signing.data, signing.len, sig, &err), SC_OK);
  char *s = sc_base64url_encode(sig, sizeof sig);
  assert_true(sc_buf_append_str(&signing, ".") && sc_buf_append_str(&signing, s));
  free(h);
  free(p);
  free(s);
  free(did);
  free(vm);
  return (char *)signing.data;
}

static int check(EVP_PKEY *key, const char *header, const char *payload, http_proof *proof,
                 sc_error *err) {
  char *jwt = make_jwt(key, header, payload);
  int rc = http_proof_jwt_check(jwt, AUDIENCE, NOW, proof, err);
  free(jwt);
  return rc;
}

static void a_good_proof_gives_its_did_and_nonce(void **state) {
  (void)state;
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_generate(&err);
  http_proof proof;
  assert_int_equal(check(key, NULL, NULL, &proof, &err), SC_OK);
  assert_string_equal(proof.nonce, "n-123");
  uint8_t pub[32];
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  char *did = sc_did_key_encode(pub);
  assert_string_equal(proof.did, did);
  free(did);
  EVP_PKEY_free(key);
}

static void expect_refused(EVP_PKEY *key, const char *header, const char *payload,
                           const char *why) {
  sc_error err = {0};
  http_proof proof;
  assert_int_equal(check(key, header, payload, &proof, &err), SC_EINVALID);
  if (!strstr(err.message, why))
    fail_msg("expected '%s' in '%s'", why, err.message);
}

static void proofs_that_are_not_what_openid4vci_asks_are_refused(void **state) {
  (void)state;
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_generate(&err);
  uint8_t pub[32];
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  char *did = sc_did_key_encode(pub), *vm = sc_did_key_verification_method(did);
  char header[512], payload[256];
  snprintf(header, sizeof header, "{\"typ\":\"JWT\",\"alg\":\"EdDSA\",\"kid\":\"%s\"}", vm);
  expect_refused(key, header, NULL, "typ must be");
  snprintf(header, sizeof header,
           "{\"typ\":\"openid4vci-proof+jwt\",\"alg\":\"none\",\"kid\":\"%s\"}", vm);
  expect_refused(key, header, NULL, "alg must be");
  snprintf(header, sizeof header,
           "{\"typ\":\"openid4vci-proof+jwt\",\"alg\":\"EdDSA\",\"kid\":\"%s\",\"jwk\":{}}", vm);
  expect_refused(key, header, NULL, "kid only");
  expect_refused(key, "{\"typ\":\"openid4vci-proof+jwt\",\"alg\":\"EdDSA\",\"kid\":\"k1\"}", NULL,
                 "did:key verification method");
  snprintf(payload, sizeof payload,
           "{\"aud\":\"https://other.example\",\"iat\":%d,\"nonce\":\"n\"}", NOW);
  expect_refused(key, NULL, payload, "aud must be");
  snprintf(payload, sizeof payload, "{\"aud\":\"" AUDIENCE "\",\"iat\":%d,\"nonce\":\"n\"}",
           NOW - 3600);
  expect_refused(key, NULL, payload, "iat");
  snprintf(payload, sizeof payload, "{\"aud\":\"" AUDIENCE "\",\"iat\":%d}", NOW);
  expect_refused(key, NULL, payload, "no nonce");
  free(did);
  free(vm);
  EVP_PKEY_free(key);
}

/* Signed by another key than kid names: the signature is checked before anything is read. */
static void a_proof_signed_by_another_key_is_refused(void **state) {
  (void)state;
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_generate(&err), *other = sc_ed25519_generate(&err);
  char *jwt = make_jwt(key, NULL, NULL), *forged = make_jwt(other, NULL, NULL);
  /* key's header and payload with other's signature */
  char *mixed = malloc(strlen(jwt) + 100);
  size_t cut = (size_t)(strrchr(jwt, '.') - jwt);
  snprintf(mixed, strlen(jwt) + 100, "%.*s%s", (int)cut, jwt, strrchr(forged, '.'));
  http_proof proof;
  assert_int_equal(http_proof_jwt_check(mixed, AUDIENCE, NOW, &proof, &err), SC_EINVALID);
  assert_non_null(strstr(err.message, "signature does not verify"));
  assert_int_equal(http_proof_jwt_check("a.b", AUDIENCE, NOW, &proof, &err), SC_EINVALID);
  assert_int_equal(http_proof_jwt_check("!!.??.zz", AUDIENCE, NOW, &proof, &err), SC_EINVALID);
  free(jwt);
  free(forged);
  free(mixed);
  EVP_PKEY_free(key);
  EVP_PKEY_free(other);
}

/* ---------------------------------------------------------------- registry state */

static void put(fixture *f, const char *secret, sc_wallet_kind kind, int64_t expires) {
  sc_wallet_secret s = {.kind = kind, .expires_at = expires};
  snprintf(s.credential, sizeof s.credential, "urn:uuid:1");
  snprintf(s.challenge, sizeof s.challenge, "the-challenge");
  sc_error err = {0};
  assert_int_equal(sc_registry_wallet_put(f->reg, secret, &s, &err), SC_OK);
}

static bool use(fixture *f, const char *secret, sc_wallet_kind kind, int64_t now) {
  bool won = true;
  sc_error err = {0};
  assert_int_equal(sc_registry_wallet_use(f->reg, secret, kind, now, &won, &err), SC_OK);
  return won;
}

static void a_secret_is_used_once_and_only_before_it_expires(void **state) {
  fixture *f = *state;
  put(f, "exchange-1", SC_WALLET_EXCHANGE, NOW + 60);
  put(f, "offer-1", SC_WALLET_OFFER, NOW + 60);
  assert_false(use(f, "exchange-1", SC_WALLET_OFFER, NOW));         /* another kind's secret */
  assert_false(use(f, "exchange-1", SC_WALLET_EXCHANGE, NOW + 60)); /* expired */
  assert_true(use(f, "exchange-1", SC_WALLET_EXCHANGE, NOW));
  assert_false(use(f, "exchange-1", SC_WALLET_EXCHANGE, NOW)); /* replayed */
  sc_wallet_secret s;
  bool found = false;
  sc_error err = {0};
  assert_int_equal(
      sc_registry_wallet_get(f->reg, "exchange-1", SC_WALLET_EXCHANGE, &s, &found, &err), SC_OK);
  assert_true(found && s.used);
  assert_string_equal(s.challenge, "the-challenge");
  assert_string_equal(s.credential, "urn:uuid:1");
  assert_true(use(f, "offer-1", SC_WALLET_OFFER, NOW));
}

static void failed_tries_use_a_secret_up(void **state) {
  fixture *f = *state;
  put(f, "offer-2", SC_WALLET_OFFER, NOW + 60);
  sc_error err = {0};
  for (int i = 0; i < SC_WALLET_MAX_ATTEMPTS; i++)
    assert_int_equal(sc_registry_wallet_failed(f->reg, "offer-2", SC_WALLET_OFFER, &err), SC_OK);
  assert_false(use(f, "offer-2", SC_WALLET_OFFER, NOW));
}

static void only_hashes_are_stored_and_expired_secrets_are_forgotten(void **state) {
  fixture *f = *state;
  put(f, "old-secret", SC_WALLET_TOKEN, NOW - 1);
  put(f, "new-secret", SC_WALLET_TOKEN, NOW + 60);
  sc_error err = {0};
  sc_sql_stmt *stmt = f->reg->driver->prepare(
      f->reg, "SELECT count(*) FROM wallet_secrets WHERE hash LIKE '%secret%'", &err);
  bool row = false;
  assert_int_equal(sc_sql_step(f->reg, stmt, "counting", &row, &err), SC_OK);
  assert_int_equal(f->reg->driver->column_int64(stmt, 0), 0);
  f->reg->driver->finalize(stmt);
  assert_int_equal(sc_registry_wallet_purge(f->reg, NOW, &err), SC_OK);
  sc_wallet_secret s;
  bool found = true;
  assert_int_equal(sc_registry_wallet_get(f->reg, "old-secret", SC_WALLET_TOKEN, &s, &found, &err),
                   SC_OK);
  assert_false(found);
  assert_int_equal(sc_registry_wallet_get(f->reg, "new-secret", SC_WALLET_TOKEN, &s, &found, &err),
                   SC_OK);
  assert_true(found);
}

static void insert(fixture *f, const char *id, const char *original, int64_t *list) {
  int64_t index;
  sc_error err = {0};
  assert_int_equal(sc_registry_reserve_index(f->reg, list, &index, &err), SC_OK);
  sc_issued_record rec = {.id = id,
                          .achievement_id = "https://acme.example/ai",
                          .recipient_name = "Zoë",
                          .email_hash = "sha256$00",
                          .status_list = *list,
                          .status_index = index,
                          .issued_at = "2026-11-28T00:00:00Z",
                          .json_path = "/x.json",
                          .credential_json = "{}",
                          .reissued_from = original};
  assert_int_equal(sc_registry_insert(f->reg, &rec, &err), SC_OK);
}

static const char *status_of(fixture *f, const char *id, json_t **row) {
  sc_error err = {0};
  assert_int_equal(sc_registry_get(f->reg, id, row, &err), SC_OK);
  return json_string_value(json_object_get(*row, "status"));
}

/* A copy carries its original's status entries: suspending the copy suspends the original
 * and the other copies, and the list to publish is the original's. */
static void a_copy_and_its_original_change_status_together(void **state) {
  fixture *f = *state;
  const char *a = "urn:uuid:00000000-0000-4000-8000-00000000000a";
  const char *b = "urn:uuid:00000000-0000-4000-8000-00000000000b";
  const char *c = "urn:uuid:00000000-0000-4000-8000-00000000000c";
  const char *other = "urn:uuid:00000000-0000-4000-8000-00000000000d";
  int64_t list_a, list_b, list_c, list_other, changed = 0;
  insert(f, a, NULL, &list_a);
  insert(f, b, a, &list_b);
  insert(f, c, a, &list_c);
  insert(f, other, NULL, &list_other);
  sc_error err = {0};
  assert_int_equal(sc_registry_change_status(f->reg, b, SC_CHANGE_SUSPEND, "lost", &changed, &err),
                   SC_OK);
  assert_int_equal(changed, list_a);
  json_t *rows[4] = {0};
  assert_string_equal(status_of(f, a, &rows[0]), "suspended");
  assert_string_equal(status_of(f, b, &rows[1]), "suspended");
  assert_string_equal(status_of(f, c, &rows[2]), "suspended");
  assert_string_equal(status_of(f, other, &rows[3]), "active");
  for (int i = 0; i < 4; i++)
    json_decref(rows[i]);
  assert_int_equal(sc_registry_change_status(f->reg, a, SC_CHANGE_REVOKE, "x", NULL, &err), SC_OK);
  assert_string_equal(status_of(f, c, &rows[0]), "revoked");
  json_decref(rows[0]);
  json_t *events = NULL;
  assert_int_equal(sc_registry_events(f->reg, c, &events, &err), SC_OK);
  assert_true(json_array_size(events) >= 2); /* the copy's own record of both changes */
  json_decref(events);
  char original[128];
  assert_int_equal(sc_registry_reissued_from(f->reg, c, original, sizeof original, &err), SC_OK);
  assert_string_equal(original, a);
}

/* The family that a status change changes (and whose linked PDFs revoke withdraws) is the
 * same from any member: the original and its copies, not another credential. */
static void the_family_is_the_original_and_its_copies(void **state) {
  fixture *f = *state;
  const char *a = "urn:uuid:00000000-0000-4000-8000-00000000000a";
  const char *b = "urn:uuid:00000000-0000-4000-8000-00000000000b";
  const char *c = "urn:uuid:00000000-0000-4000-8000-00000000000c";
  const char *other = "urn:uuid:00000000-0000-4000-8000-00000000000d";
  int64_t list;
  insert(f, a, NULL, &list);
  insert(f, b, a, &list);
  insert(f, other, NULL, &list);
  insert(f, c, a, &list);
  sc_error err = {0};
  const char *members[] = {a, c};
  for (size_t m = 0; m < 2; m++) {
    json_t *family = NULL;
    assert_int_equal(sc_registry_family(f->reg, members[m], &family, &err), SC_OK);
    assert_int_equal(json_array_size(family), 3);
    assert_string_equal(json_string_value(json_array_get(family, 0)), a);
    assert_string_equal(json_string_value(json_array_get(family, 1)), b);
    assert_string_equal(json_string_value(json_array_get(family, 2)), c);
    json_decref(family);
  }
  json_t *alone = NULL;
  assert_int_equal(sc_registry_family(f->reg, other, &alone, &err), SC_OK);
  assert_int_equal(json_array_size(alone), 1);
  json_decref(alone);
  assert_int_equal(
      sc_registry_family(f->reg, "urn:uuid:99999999-0000-4000-8000-00000000000a", &alone, &err),
      SC_OK);
  assert_int_equal(json_array_size(alone), 0);
  json_decref(alone);
}

/* ---------------------------------------------------------------- a home that signs */

typedef struct home_fixture {
  char dir[64];
  sc_home home;
  EVP_PKEY *key;
  sc_http_issuer issuer;
  sc_http_config cfg;
  char id[64];
} home_fixture;

static int setup_home(void **state) {
  home_fixture *f = calloc(1, sizeof *f);
  if (!f || !make_temp_dir(f->dir, "wallets-home"))
    return -1;
  sc_error err = {0};
  if (open_acme_home(f->dir, &f->home, &f->key, &err) != SC_OK) {
    fprintf(stderr, "setup: %s\n", err.message);
    return -1;
  }
  sc_http_issuer_init(&f->issuer, &f->home, f->key);
  f->cfg = (sc_http_config){.base_url = "https://verify.example",
                            .issuer = &f->issuer,
                            .home = &f->home,
                            .wallets = true,
                            .wallet_limiter =
                                sc_http_limiter_new(SC_HTTP_WALLET_FAILURES_PER_MINUTE, 64)};
  if (sc_http_config_init(&f->cfg, &err) != SC_OK)
    return -1;
  /* one credential of the home's, given whole */
  snprintf(f->id, sizeof f->id, "urn:uuid:11111111-2222-4333-8444-555555555555");
  json_t *credential = json_pack("{s:[s], s:s, s:[s], s:s, s:s, s:{s:s}}", "@context",
                                 "https://www.w3.org/ns/credentials/v2", "id", f->id, "type",
                                 "VerifiableCredential", "issuer", f->home.issuer_id, "validFrom",
                                 "2026-11-28T00:00:00Z", "credentialSubject", "name", "Ada");
  sc_registry *reg = NULL;
  sc_given_options given = {.now = NOW};
  int rc = sc_registry_open(&f->home, &reg, &err);
  if (rc == SC_OK)
    rc = sc_issue_given(reg, &f->home, f->key, credential, &given, &err);
  sc_registry_close(reg);
  json_decref(credential);
  if (rc != SC_OK) {
    fprintf(stderr, "setup: %s\n", err.message);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown_home(void **state) {
  home_fixture *f = *state;
  sc_http_limiter_free(f->cfg.wallet_limiter);
  sc_http_issuer_destroy(&f->issuer);
  EVP_PKEY_free(f->key);
  sc_home_close(&f->home);
  int rc = remove_temp_dir(f->dir);
  free(f);
  return rc;
}

static bool has(const sc_buf *b, const char *text) {
  sc_buf copy = {0};
  bool found = sc_buf_append(&copy, b->data, b->len) && sc_buf_append_byte(&copy, 0) &&
               strstr((const char *)copy.data, text);
  sc_buf_free(&copy);
  return found;
}

static void the_claim_page_section_has_both_links_and_their_codes(void **state) {
  home_fixture *f = *state;
  sc_buf html = {0};
  sc_error err = {0};
  assert_int_equal(sc_wallet_section_html(&f->cfg, f->id, "en", NOW, &html, &err), SC_OK);
  assert_true(has(&html, "Add to a wallet"));
  assert_true(has(&html, "href=\"dccrequest://request?issuer=Acme&amp;auth_type=bearer"));
  assert_true(has(&html, "vc_request_url=https%3A%2F%2Fverify.example%2Fexchanges%2F"));
  assert_true(has(&html, "href=\"openid-credential-offer://?credential_offer="));
  assert_true(has(&html, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
  assert_false(has(&html, "<img")); /* no image fetch: the CSP allows none */
  sc_buf_free(&html);
  /* a service without wallets adds nothing */
  f->cfg.wallets = false;
  assert_int_equal(sc_wallet_section_html(&f->cfg, f->id, "en", NOW, &html, &err), SC_OK);
  assert_int_equal(html.len, 0);
  /* an unknown credential is an error, not an empty offer */
  f->cfg.wallets = true;
  assert_int_not_equal(sc_wallet_section_html(&f->cfg,
                                              "urn:uuid:99999999-2222-4333-8444-555555555555", "en",
                                              NOW, &html, &err),
                       SC_OK);
  sc_buf_free(&html);
}

static void a_reissued_copy_names_the_wallet_and_keeps_the_claims(void **state) {
  home_fixture *f = *state;
  sc_registry *reg = NULL;
  sc_error err = {0};
  json_t *copy = NULL;
  const char *did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
  assert_int_equal(sc_registry_open(&f->home, &reg, &err), SC_OK);
  assert_int_equal(sc_wallet_reissue(reg, &f->home, f->key, f->id, did, NOW, &copy, &err), SC_OK);
  assert_string_not_equal(json_string_value(json_object_get(copy, "id")), f->id);
  json_t *subject = json_object_get(copy, "credentialSubject");
  assert_string_equal(json_string_value(json_object_get(subject, "id")), did);
  assert_string_equal(json_string_value(json_object_get(subject, "name")), "Ada");
  assert_non_null(json_object_get(copy, "proof"));
  char original[128];
  assert_int_equal(sc_registry_reissued_from(reg, json_string_value(json_object_get(copy, "id")),
                                             original, sizeof original, &err),
                   SC_OK);
  assert_string_equal(original, f->id);
  json_decref(copy);
  /* a revoked original is not issued again */
  assert_int_equal(sc_registry_change_status(reg, f->id, SC_CHANGE_REVOKE, "x", NULL, &err), SC_OK);
  assert_int_equal(sc_wallet_reissue(reg, &f->home, f->key, f->id, did, NOW, &copy, &err),
                   SC_EUSAGE);
  sc_registry_close(reg);
}

/* A client guessing exchange ids is answered 429 after its share of tries in a minute. */
static void a_client_guessing_exchanges_is_slowed_down(void **state) {
  home_fixture *f = *state;
  sc_http_request req = {.method = "POST",
                         .path = "/exchanges/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         .client = "192.0.2.7",
                         .now = NOW};
  sc_http_response res;
  int last = 0, answered_404 = 0;
  for (int i = 0; i < 40; i++) {
    sc_http_handle(&f->cfg, &req, &res);
    last = res.status;
    answered_404 += res.status == 404;
    sc_http_response_free(&res);
  }
  assert_int_equal(last, 429);
  assert_int_equal(answered_404, SC_HTTP_WALLET_FAILURES_PER_MINUTE);
  /* another client is not held up, nor the same one a minute later */
  req.client = "192.0.2.8";
  sc_http_handle(&f->cfg, &req, &res);
  assert_int_equal(res.status, 404);
  sc_http_response_free(&res);
  req.client = "192.0.2.7";
  req.now = NOW + 61;
  sc_http_handle(&f->cfg, &req, &res);
  assert_int_equal(res.status, 404);
  sc_http_response_free(&res);
}

/* The 429 says when to come back (Retry-After), at every wallet route, nonce included. */
static void a_slowed_down_client_is_told_when_to_come_back(void **state) {
  home_fixture *f = *state;
  sc_http_request req = {.method = "POST",
                         .path = "/oid4vci/token",
                         .content_type = "application/x-www-form-urlencoded",
                         .client = "192.0.2.7",
                         .now = NOW};
  sc_http_response res;
  for (int i = 0; i < SC_HTTP_WALLET_FAILURES_PER_MINUTE; i++) {
    sc_http_handle(&f->cfg, &req, &res);
    assert_int_equal(res.status / 100, 4);
    assert_int_not_equal(res.status, 429);
    sc_http_response_free(&res);
  }
  req.now = NOW + 15;
  const char *routes[] = {"/oid4vci/token", "/oid4vci/credential", "/oid4vci/nonce",
                          "/exchanges/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
  for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
    req.path = routes[i];
    sc_http_handle(&f->cfg, &req, &res);
    assert_int_equal(res.status, 429);
    assert_int_equal(res.retry_after, 45);
    sc_http_response_free(&res);
  }
}

/* Each service counts its own clients' failures: the table is the configuration's, not one
 * shared by every service of the process; without one the wallet routes are off. */
static void each_service_counts_failures_in_its_own_table(void **state) {
  home_fixture *f = *state;
  sc_http_config other = f->cfg;
  other.wallet_limiter = sc_http_limiter_new(SC_HTTP_WALLET_FAILURES_PER_MINUTE, 64);
  assert_non_null(other.wallet_limiter);
  sc_http_request req = {.method = "POST",
                         .path = "/exchanges/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         .client = "192.0.2.7",
                         .now = NOW};
  sc_http_response res;
  for (int i = 0; i <= SC_HTTP_WALLET_FAILURES_PER_MINUTE; i++) {
    sc_http_handle(&f->cfg, &req, &res);
    sc_http_response_free(&res);
  }
  sc_http_handle(&f->cfg, &req, &res);
  assert_int_equal(res.status, 429);
  sc_http_response_free(&res);
  sc_http_handle(&other, &req, &res);
  assert_int_equal(res.status, 404);
  sc_http_response_free(&res);
  sc_http_limiter_free(other.wallet_limiter);
  other.wallet_limiter = NULL;
  req.path = "/oid4vci/nonce";
  sc_http_handle(&other, &req, &res);
  assert_int_equal(res.status, 404);
  sc_http_response_free(&res);
}

/* Only failures count: learners behind one address (a school, a reverse proxy) asking for
 * their exchanges' requests are never held up. */
static void successful_tries_do_not_count(void **state) {
  home_fixture *f = *state;
  sc_registry *reg = NULL;
  sc_error err = {0};
  sc_wallet_offer offer = {0};
  sc_wallet_offer_options o = {.base_url = "https://verify.example", .now = NOW};
  assert_int_equal(sc_registry_open(&f->home, &reg, &err), SC_OK);
  assert_int_equal(sc_wallet_offer_create(reg, f->id, &o, &offer, &err), SC_OK);
  sc_registry_close(reg);
  char path[128];
  const char *id = strstr(offer.lcw_link, "exchanges%2F");
  assert_non_null(id);
  snprintf(path, sizeof path, "/exchanges/%s", id + strlen("exchanges%2F"));
  sc_http_request req = {.method = "POST", .path = path, .client = "192.0.2.9", .now = NOW};
  for (int i = 0; i < 50; i++) {
    sc_http_response res;
    sc_http_handle(&f->cfg, &req, &res);
    assert_int_equal(res.status, 200);
    assert_true(has(&res.body, "DIDAuthentication"));
    sc_http_response_free(&res);
  }
  sc_wallet_offer_free(&offer);
}

static void the_metadata_names_the_endpoints(void **state) {
  home_fixture *f = *state;
  sc_http_request req = {
      .method = "GET", .path = "/.well-known/openid-credential-issuer", .now = NOW};
  sc_http_response res;
  sc_http_handle(&f->cfg, &req, &res);
  assert_int_equal(res.status, 200);
  assert_true(
      has(&res.body, "\"credential_endpoint\": \"https://verify.example/oid4vci/credential\""));
  assert_true(has(&res.body, "\"format\": \"ldp_vc\""));
  sc_http_response_free(&res);
  req.path = "/.well-known/oauth-authorization-server";
  sc_http_handle(&f->cfg, &req, &res);
  assert_int_equal(res.status, 200);
  assert_true(has(&res.body, "\"token_endpoint\": \"https://verify.example/oid4vci/token\""));
  sc_http_response_free(&res);
}

int main(void) {
  const struct CMUnitTest jwt_tests[] = {
      cmocka_unit_test(a_good_proof_gives_its_did_and_nonce),
      cmocka_unit_test(proofs_that_are_not_what_openid4vci_asks_are_refused),
      cmocka_unit_test(a_proof_signed_by_another_key_is_refused),
  };
#define STATE_TESTS(s)                                                                             \
  cmocka_unit_test_setup_teardown(a_secret_is_used_once_and_only_before_it_expires, s, teardown),  \
      cmocka_unit_test_setup_teardown(failed_tries_use_a_secret_up, s, teardown),                  \
      cmocka_unit_test_setup_teardown(only_hashes_are_stored_and_expired_secrets_are_forgotten, s, \
                                      teardown),                                                   \
      cmocka_unit_test_setup_teardown(a_copy_and_its_original_change_status_together, s,        \
                                      teardown),                                                   \
      cmocka_unit_test_setup_teardown(the_family_is_the_original_and_its_copies, s, teardown)
  const struct CMUnitTest sqlite[] = {STATE_TESTS(setup)};
  const struct CMUnitTest postgres[] = {STATE_TESTS(setup_pg)};
  const struct CMUnitTest service[] = {
      cmocka_unit_test_setup_teardown(the_claim_page_section_has_both_links_and_their_codes,
                                      setup_home, teardown_home),
      cmocka_unit_test_setup_teardown(a_reissued_copy_names_the_wallet_and_keeps_the_claims,
                                      setup_home, teardown_home),
      cmocka_unit_test_setup_teardown(a_client_guessing_exchanges_is_slowed_down, setup_home,
                                      teardown_home),
      cmocka_unit_test_setup_teardown(a_slowed_down_client_is_told_when_to_come_back, setup_home,
                                      teardown_home),
      cmocka_unit_test_setup_teardown(each_service_counts_failures_in_its_own_table, setup_home,
                                      teardown_home),
      cmocka_unit_test_setup_teardown(successful_tries_do_not_count, setup_home, teardown_home),
      cmocka_unit_test_setup_teardown(the_metadata_names_the_endpoints, setup_home, teardown_home),
  };
  int failed = cmocka_run_group_tests_name("proof JWT", jwt_tests, NULL, NULL);
  failed += cmocka_run_group_tests_name("wallet state (SQLite)", sqlite, NULL, NULL);
  failed += cmocka_run_group_tests_name("wallet routes", service, NULL, NULL);
  return failed + cmocka_run_group_tests_name("wallet state (PostgreSQL)", postgres, start_postgres,
                                              stop_postgres);
}
