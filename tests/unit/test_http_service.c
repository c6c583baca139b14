/* The HTTP service's answers, driven through sc_http_handle and the helpers of
 * service/http_internal.h: escaping, ETags, the bearer scheme, unreadable payloads and what
 * check messages may tell a client. */
#include "test_support.h"

#include "service/http_internal.h"

#include <openssl/evp.h>

#define NOW 1798761600 /* 2027-01-01 */
#define TOKEN "a-token-of-sixteen-or-more"

/* ---------------------------------------------------------------- helpers */

static char *escaped(const char *text) {
  sc_buf out = {0};
  assert_true(http_escape(&out, text));
  assert_true(sc_buf_append_byte(&out, '\0'));
  return (char *)out.data;
}

static bool body_has(const sc_http_response *res, const char *text) {
  sc_buf copy = {0};
  bool found = sc_buf_append(&copy, res->body.data, res->body.len) &&
               sc_buf_append_byte(&copy, '\0') && strstr((const char *)copy.data, text);
  sc_buf_free(&copy);
  return found;
}

/* A public/ folder holding issuer.json, and a config serving it. */
typedef struct service {
  char dir[64];
  sc_http_config cfg;
} service;

static void service_open(service *s) {
  assert_true(make_temp_dir(s->dir, "http"));
  char path[128];
  snprintf(path, sizeof path, "%s/issuer.json", s->dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("{\"id\":\"did:key:z6Mk\"}\n", f);
  fclose(f);
  s->cfg = (sc_http_config){.public_dir = s->dir, .base_url = "https://verify.example"};
  assert_int_equal(sc_http_config_init(&s->cfg, NULL), SC_OK);
}

static void service_close(service *s) {
  assert_int_equal(remove_temp_dir(s->dir), 0);
}

static int get(const service *s, const char *path, const char *if_none_match,
               sc_http_response *res) {
  sc_http_request req = {.method = "GET", .path = path, .if_none_match = if_none_match, .now = NOW};
  sc_http_handle(&s->cfg, &req, res);
  return res->status;
}

/* ---------------------------------------------------------------- escaping */

static void c1_controls_and_line_separators_become_replacement_characters(void **state) {
  (void)state;
  char *out = escaped("A\xc2\x85"
                      "B\xe2\x80\xa8"
                      "C\xe2\x80\xa9"
                      "D\xc2\x80\xc2\x9f"
                      "E");
  assert_string_equal(out, "A\xef\xbf\xbd"
                           "B\xef\xbf\xbd"
                           "C\xef\xbf\xbd"
                           "D\xef\xbf\xbd\xef\xbf\xbd"
                           "E");
  free(out);
}

static void letters_sharing_a_first_byte_with_controls_stay(void **state) {
  (void)state;
  /* © and ° start with 0xc2 like the C1 controls; — and … start with 0xe2 like U+2028. */
  char *out = escaped("\xc2\xa9 \xc2\xb0 \xe2\x80\x94 \xe2\x80\xa6 <b>\x01");
  assert_string_equal(out, "\xc2\xa9 \xc2\xb0 \xe2\x80\x94 \xe2\x80\xa6 &lt;b&gt;\xef\xbf\xbd");
  free(out);
}

/* ---------------------------------------------------------------- ETag */

static void if_none_match_compares_entity_tags_exactly(void **state) {
  (void)state;
  service s;
  service_open(&s);
  sc_http_response res;
  assert_int_equal(get(&s, "/issuer.json", NULL, &res), 200);
  char etag[72], header[256];
  snprintf(etag, sizeof etag, "%s", res.etag);
  sc_http_response_free(&res);
  assert_int_equal(strlen(etag), 34); /* "…" around 32 hex digits: 128 bits of SHA-256 */

/* The header patterns are this test's own table of formats, each with at most one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  const char *matching[] = {"%s", "\"other\", %s", "W/%s", "\"a\",W/%s , \"b\"", "*", " * "};
  for (size_t i = 0; i < sizeof matching / sizeof *matching; i++) {
    snprintf(header, sizeof header, matching[i], etag);
    assert_int_equal(get(&s, "/issuer.json", header, &res), 304);
    sc_http_response_free(&res);
  }
  const char *other[] = {"x%sx", "%sx", "x%s", "\"other\"", "", "W/", "*, %s", "%.33s"};
  for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
    snprintf(header, sizeof header, other[i], etag);
    assert_int_equal(get(&s, "/issuer.json", header, &res), 200);
    sc_http_response_free(&res);
  }
#pragma GCC diagnostic pop
  service_close(&s);
}

/* ---------------------------------------------------------------- bearer */

/* An authorized request gets past the bearer check to the request's own fields: this empty
 * credential is then refused as a bad request (400), never as unauthorized (401). */
static int issue_with(const char *authorization) {
  sc_http_issuer issuer = {0};
  sc_http_config cfg = {.issue_token = TOKEN, .issuer = &issuer};
  static const char body[] = "{\"credential\": {}}";
  sc_http_request req = {.method = "POST",
                         .path = "/certificates",
                         .authorization = authorization,
                         .body = (const uint8_t *)body,
                         .body_len = strlen(body),
                         .now = NOW};
  sc_http_response res;
  sc_http_handle(&cfg, &req, &res);
  int status = res.status;
  sc_http_response_free(&res);
  return status;
}

static int issue_with_bytes(const char *token, const char *authorization, size_t len) {
  sc_http_issuer issuer = {0};
  sc_http_config cfg = {.issue_token = token, .issuer = &issuer};
  static const char body[] = "{\"credential\": {}}";
  sc_http_request req = {.method = "POST",
                         .path = "/certificates",
                         .authorization = authorization,
                         .authorization_len = len,
                         .body = (const uint8_t *)body,
                         .body_len = strlen(body),
                         .now = NOW};
  sc_http_response res;
  sc_http_handle(&cfg, &req, &res);
  int status = res.status;
  sc_http_response_free(&res);
  return status;
}

static void an_authorization_with_a_nul_or_a_control_character_is_refused(void **state) {
  (void)state;
  static const char with_nul[] = "Bearer " TOKEN "\0and more";
  assert_int_equal(issue_with_bytes(TOKEN, with_nul, sizeof with_nul - 1), 401);
  /* the token alone is authorized: the empty credential is then a bad request, not 401 */
  assert_int_equal(issue_with_bytes(TOKEN, with_nul, strlen(with_nul)), 400);
  /* Even a token file that held a control character does not let one through. */
  static const char odd[] = "token\twith-a-tab-0123456789";
  assert_int_equal(issue_with_bytes(odd, "Bearer token\twith-a-tab-0123456789", 0), 401);
  assert_int_equal(issue_with_bytes(TOKEN, "Bearer " TOKEN "\x7f", 0), 401);
  assert_int_equal(issue_with_bytes(TOKEN, "Bearer " TOKEN "\r\n", 0), 401);
}

static void the_bearer_scheme_name_is_case_insensitive(void **state) {
  (void)state;
  assert_int_equal(issue_with("Bearer " TOKEN), 400);
  assert_int_equal(issue_with("bearer " TOKEN), 400);
  assert_int_equal(issue_with("BEARER " TOKEN), 400);
  assert_int_equal(issue_with("bEaReR " TOKEN), 400);
  assert_int_equal(issue_with("bearer wrong-token-of-some-length"), 401);
  assert_int_equal(issue_with("Basic " TOKEN), 401);
  assert_int_equal(issue_with("bearer" TOKEN), 401);
  assert_int_equal(issue_with(NULL), 401);
}

/* ---------------------------------------------------------------- the VC API, in-process */

#define VC2 "https://www.w3.org/ns/credentials/v2"

/* POSTs body (taken) to path; the answer parsed, and its status. */
static json_t *post(const sc_http_config *cfg, const char *path, json_t *body, int *status) {
  char *text = json_dumps(body, 0);
  json_decref(body);
  assert_non_null(text);
  sc_http_request req = {.method = "POST",
                         .path = path,
                         .body = (const uint8_t *)text,
                         .body_len = strlen(text),
                         .now = NOW};
  sc_http_response res;
  sc_http_handle(cfg, &req, &res);
  *status = res.status;
  json_t *answer = json_loadb((const char *)res.body.data, res.body.len, 0, NULL);
  assert_non_null(answer);
  sc_http_response_free(&res);
  free(text);
  return answer;
}

/* A holder with a did:key, who is also the (untrusted) issuer of the credential presented. */
typedef struct holder {
  EVP_PKEY *key;
  char *did, *vm;
} holder;

static void holder_new(holder *h) {
  sc_error err = {0};
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  h->key = sc_ed25519_generate(&err);
  assert_non_null(h->key);
  assert_int_equal(sc_ed25519_public(h->key, pub, &err), SC_OK);
  h->did = sc_did_key_encode(pub);
  h->vm = sc_did_key_verification_method(h->did);
  assert_non_null(h->vm);
}

static void holder_free(holder *h) {
  EVP_PKEY_free(h->key);
  free(h->did);
  free(h->vm);
}

static json_t *credential_of(const holder *h) {
  json_t *vc = json_pack("{s:[s], s:[s], s:s, s:s, s:s, s:{s:s}}", "@context", VC2, "type",
                         "VerifiableCredential", "id",
                         "urn:uuid:9f8d8a4e-2f7e-4c7c-9a57-0d6f1f0c1e2a", "issuer", h->did,
                         "validFrom", "2026-01-01T00:00:00Z", "credentialSubject", "id", h->did);
  sc_error err = {0};
  sc_proof_options opts = {.verification_method = h->vm, .cryptosuite = SC_EDDSA_RDFC_2022};
  assert_int_equal(sc_di_sign(vc, h->key, &opts, NULL, &err), SC_OK);
  return vc;
}

/* A presentation of the holder's credential, signed for authentication with challenge and
 * domain in its proof (sc_proof_options carries them). */
static json_t *presentation_of(const holder *h, const char *challenge, const char *domain) {
  json_t *vp =
      json_pack("{s:[s], s:[s], s:s, s:[o]}", "@context", VC2, "type", "VerifiablePresentation",
                "holder", h->did, "verifiableCredential", credential_of(h));
  sc_error err = {0};
  sc_proof_options opts = {.verification_method = h->vm,
                           .cryptosuite = SC_EDDSA_RDFC_2022,
                           .proof_purpose = "authentication",
                           .challenge = challenge,
                           .domain = domain};
  assert_int_equal(sc_di_sign(vp, h->key, &opts, NULL, &err), SC_OK);
  return vp;
}

static bool has_error_of(const json_t *answer, const char *check) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(answer, "errors"), i, e) {
    const char *name = json_string_value(json_object_get(e, "check"));
    if (name && strcmp(name, check) == 0)
      return true;
  }
  return false;
}

static void a_presentation_signed_for_authentication_with_the_challenge_verifies(void **state) {
  (void)state;
  holder h;
  holder_new(&h);
  sc_http_config cfg = {0};
  int status = 0;
  json_t *answer = post(&cfg, "/presentations/verify",
                        json_pack("{s:o, s:{s:s, s:s}}", "verifiablePresentation",
                                  presentation_of(&h, "c-123", "verifier.example"), "options",
                                  "challenge", "c-123", "domain", "verifier.example"),
                        &status);
  assert_int_equal(status, 200);
  assert_true(json_is_true(json_object_get(answer, "verified")));
  const json_t *presentation = json_object_get(answer, "presentationResult");
  assert_true(json_is_true(json_object_get(presentation, "verified")));
  assert_true(sc_json_has_string(json_object_get(presentation, "checks"), "challenge"));
  assert_true(sc_json_has_string(json_object_get(presentation, "checks"), "domain"));
  const json_t *results = json_object_get(answer, "credentialResults");
  assert_int_equal(json_array_size(results), 1);
  assert_true(json_is_true(json_object_get(json_array_get(results, 0), "verified")));
  assert_int_equal(json_array_size(json_object_get(answer, "errors")), 0);
  json_decref(answer);
  holder_free(&h);
}

static void a_wrong_or_missing_challenge_or_domain_is_not_verified_and_named(void **state) {
  (void)state;
  holder h;
  holder_new(&h);
  sc_http_config cfg = {0};
  int status = 0;
  json_t *vp = presentation_of(&h, "c-123", NULL);
  json_t *answer = post(
      &cfg, "/presentations/verify",
      json_pack("{s:O, s:{s:s}}", "verifiablePresentation", vp, "options", "challenge", "another"),
      &status);
  assert_int_equal(status, 422);
  assert_true(json_is_false(json_object_get(answer, "verified")));
  assert_true(has_error_of(answer, "challenge"));
  assert_false(has_error_of(answer, "domain"));
  json_decref(answer);
  answer = post(&cfg, "/presentations/verify",
                json_pack("{s:O, s:{s:s, s:s}}", "verifiablePresentation", vp, "options",
                          "challenge", "c-123", "domain", "verifier.example"),
                &status);
  assert_int_equal(status, 422);
  assert_true(has_error_of(answer, "domain"));
  assert_false(has_error_of(answer, "challenge"));
  json_decref(answer);
  /* A proof of the credential's purpose (assertionMethod) does not authenticate a holder. */
  json_t *asserted = json_pack("{s:[s], s:[s], s:s}", "@context", VC2, "type",
                               "VerifiablePresentation", "holder", h.did);
  sc_error err = {0};
  sc_proof_options opts = {.verification_method = h.vm, .cryptosuite = SC_EDDSA_RDFC_2022};
  assert_int_equal(sc_di_sign(asserted, h.key, &opts, NULL, &err), SC_OK);
  answer = post(&cfg, "/presentations/verify",
                json_pack("{s:o}", "verifiablePresentation", asserted), &status);
  assert_int_equal(status, 422);
  assert_true(has_error_of(answer, "proof"));
  json_decref(answer);
  /* Nor does a presentation without any proof. */
  answer = post(&cfg, "/presentations/verify",
                json_pack("{s:{s:[s], s:[s]}}", "verifiablePresentation", "@context", VC2, "type",
                          "VerifiablePresentation"),
                &status);
  assert_int_equal(status, 422);
  assert_true(has_error_of(answer, "proof"));
  json_decref(answer);
  json_decref(vp);
  holder_free(&h);
}

static void bad_presentation_requests_are_400_with_errors(void **state) {
  (void)state;
  sc_http_config cfg = {0};
  const char *bodies[] = {"{}", "{\"verifiablePresentation\": 1}",
                          "{\"verifiablePresentation\": {}, \"options\": 5}",
                          "{\"verifiablePresentation\": {}, \"options\": {\"challenge\": 5}}",
                          "{\"verifiablePresentation\": {}, \"options\": {\"checks\": [\"x\"]}}"};
  for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
    int status = 0;
    json_t *answer = post(&cfg, "/presentations/verify", json_loads(bodies[i], 0, NULL), &status);
    assert_int_equal(status, 400);
    assert_true(json_is_false(json_object_get(answer, "verified")));
    assert_true(json_array_size(json_object_get(answer, "errors")) > 0);
    json_decref(answer);
  }
}

static void options_checks_runs_and_reports_only_the_checks_asked_for(void **state) {
  (void)state;
  holder h;
  holder_new(&h);
  sc_http_config cfg = {0};
  int status = 0;
  json_t *answer = post(&cfg, "/credentials/verify",
                        json_pack("{s:o, s:{s:[s]}}", "verifiableCredential", credential_of(&h),
                                  "options", "checks", "proof"),
                        &status);
  assert_int_equal(status, 200);
  const json_t *checks = json_object_get(answer, "checks");
  assert_true(sc_json_has_string(checks, "proof"));
  assert_false(sc_json_has_string(checks, "validity"));
  assert_false(sc_json_has_string(checks, "trust"));
  assert_false(sc_json_has_string(checks, "credential"));
  assert_int_equal(json_array_size(json_object_get(answer, "warnings")), 0);
  json_decref(answer);
  /* status alone: no proof, validity or trust reported */
  answer = post(&cfg, "/credentials/verify",
                json_pack("{s:o, s:{s:[s]}}", "verifiableCredential", credential_of(&h), "options",
                          "checks", "status"),
                &status);
  assert_false(sc_json_has_string(json_object_get(answer, "checks"), "proof"));
  assert_false(has_error_of(answer, "trust"));
  json_decref(answer);
  holder_free(&h);
}

static void an_untrusted_issuer_is_a_warning_unless_trust_is_required(void **state) {
  (void)state;
  holder h;
  holder_new(&h);
  sc_http_config cfg = {0};
  int status = 0;
  json_t *answer = post(&cfg, "/credentials/verify",
                        json_pack("{s:o}", "verifiableCredential", credential_of(&h)), &status);
  assert_int_equal(status, 200);
  assert_true(json_is_true(json_object_get(answer, "verified")));
  char *text = json_dumps(json_object_get(answer, "warnings"), 0);
  assert_non_null(strstr(text, "not on this service's trust list"));
  assert_null(strstr(text, "--")); /* no command-line flag named */
  free(text);
  json_decref(answer);
  cfg.require_trust = true;
  answer = post(&cfg, "/credentials/verify",
                json_pack("{s:o}", "verifiableCredential", credential_of(&h)), &status);
  assert_int_equal(status, 422);
  assert_true(has_error_of(answer, "trust"));
  json_decref(answer);
  holder_free(&h);
}

/* ---------------------------------------------------------------- unreadable payloads */

static void json_that_is_no_credential_is_a_400_page_claiming_nothing(void **state) {
  (void)state;
  service s;
  service_open(&s);
  const char *texts[] = {"{}", "{\"a\": 1}", "{\"credentialSubject\": {}}"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    json_t *doc = json_loads(texts[i], 0, NULL);
    assert_non_null(doc);
    char *url = sc_qr_payload_encode(doc, "X", NULL);
    assert_non_null(url);
    sc_http_response res;
    assert_int_equal(get(&s, url + 1, NULL, &res), 400);
    assert_true(body_has(&res, "Not a readable certificate"));
    assert_false(body_has(&res, "(no name)"));
    assert_false(body_has(&res, "has earned"));
    assert_false(body_has(&res, "download=1"));
    sc_http_response_free(&res);
    sc_http_request download = {.method = "GET", .path = url + 1, .download = true, .now = NOW};
    sc_http_handle(&s.cfg, &download, &res);
    assert_int_equal(res.status, 400);
    sc_http_response_free(&res);
    sc_http_request form = {.method = "POST", .path = "/verify", .form_qr = url, .now = NOW};
    sc_http_handle(&s.cfg, &form, &res);
    assert_int_equal(res.status, 400);
    assert_false(body_has(&res, "(no name)"));
    sc_http_response_free(&res);
    free(url);
    json_decref(doc);
  }
  service_close(&s);
}

/* ---------------------------------------------------------------- what messages tell */

static void add_check(sc_verification *v, const char *name, int code, const char *message) {
  sc_check *c = &v->checks[v->check_count++];
  c->name = name;
  c->state = code ? SC_CHECK_FAILED : SC_CHECK_PASSED;
  c->code = code;
  snprintf(c->message, sizeof c->message, "%s", message);
}

/* Status messages come without origins from the verifier itself (remote_messages, tested in
 * test_status_check.c); the scrubber handles the rest. */
static void messages_never_show_local_folders_or_fetch_errors(void **state) {
  (void)state;
  sc_http_config cfg = {.public_dir = "/srv/acme/public"};
  sc_verification v = {0};
  add_check(&v, "status", SC_ESTATUS, "issuer: expected an id, to match the status lists against");
  add_check(&v, "issuer", SC_ESTATUS, "did:web:acme.example: /home/x/.cache/skillcert/ab: denied");
  add_check(&v, "input", SC_EDATA, "/srv/acme/public/c/x.json: not JSON (/srv/acme/public)");
  add_check(&v, "proof", SC_ESTATUS,
            "proof 1: verificationMethod: did:web:evil.example: " SC_DID_WEB_NOT_TRUSTED);
  add_check(&v, "proof", SC_OK, "valid signature");
  http_scrub_messages(&cfg, &v);
  assert_string_equal(v.checks[0].message,
                      "issuer: expected an id, to match the status lists against");
  assert_string_equal(v.checks[1].message, "a document this check needs could not be fetched");
  assert_string_equal(v.checks[2].message, "public/c/x.json: not JSON (public)");
  assert_string_equal(v.checks[3].message,
                      "proof 1: verificationMethod: did:web:evil.example: " SC_DID_WEB_NOT_TRUSTED);
  assert_string_equal(v.checks[4].message, "valid signature");
}

/* ---------------------------------------------------------------- the reader's language */

static int get_in(const service *s, const char *path, const char *accept, const char *lang,
                  sc_http_response *res) {
  sc_http_request req = {
      .method = "GET", .path = path, .accept_language = accept, .lang_query = lang, .now = NOW};
  sc_http_handle(&s->cfg, &req, res);
  return res->status;
}

static void the_page_language_is_lang_then_accept_language_then_english(void **state) {
  (void)state;
  service s;
  service_open(&s);
  struct {
    const char *accept, *query, *html;
  } cases[] = {
      {"id-ID,id;q=0.9,en;q=0.5", NULL, "<html lang=\"id\">"},
      {"fr, en;q=0.4, id;q=0.6", NULL, "<html lang=\"id\">"},
      {"id", "en", "<html lang=\"en\">"},      /* the switch wins */
      {"id", "klingon", "<html lang=\"id\">"}, /* an unknown choice is no choice */
      {"de", NULL, "<html lang=\"en\">"},
      {NULL, NULL, "<html lang=\"en\">"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    sc_http_response res;
    assert_int_equal(get_in(&s, "/", cases[i].accept, cases[i].query, &res), 200);
    if (!body_has(&res, cases[i].html))
      fail_msg("Accept-Language %s, ?lang=%s: no %s", cases[i].accept, cases[i].query,
               cases[i].html);
    assert_string_equal(res.vary, "Accept-Language");
    sc_http_response_free(&res);
  }
  sc_http_response res;
  assert_int_equal(get_in(&s, "/", "id", NULL, &res), 200);
  assert_true(body_has(&res, "action=\"/verify?lang=id\""));
  assert_true(body_has(&res, "href=\"/?lang=en\" hreflang=\"en\""));
  sc_http_response_free(&res);
  assert_int_equal(get_in(&s, "/no-such-page", "id", NULL, &res), 404);
  assert_true(body_has(&res, "<html lang=\"id\">"));
  sc_http_response_free(&res);
  service_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_page_language_is_lang_then_accept_language_then_english),
      cmocka_unit_test(c1_controls_and_line_separators_become_replacement_characters),
      cmocka_unit_test(letters_sharing_a_first_byte_with_controls_stay),
      cmocka_unit_test(if_none_match_compares_entity_tags_exactly),
      cmocka_unit_test(the_bearer_scheme_name_is_case_insensitive),
      cmocka_unit_test(an_authorization_with_a_nul_or_a_control_character_is_refused),
      cmocka_unit_test(json_that_is_no_credential_is_a_400_page_claiming_nothing),
      cmocka_unit_test(messages_never_show_local_folders_or_fetch_errors),
      cmocka_unit_test(a_presentation_signed_for_authentication_with_the_challenge_verifies),
      cmocka_unit_test(a_wrong_or_missing_challenge_or_domain_is_not_verified_and_named),
      cmocka_unit_test(bad_presentation_requests_are_400_with_errors),
      cmocka_unit_test(options_checks_runs_and_reports_only_the_checks_asked_for),
      cmocka_unit_test(an_untrusted_issuer_is_a_warning_unless_trust_is_required),
  };
  return cmocka_run_group_tests_name("http_service", tests, NULL, NULL);
}
