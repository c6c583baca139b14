/* The HTTP service's answers, driven through sc_http_handle and the helpers of
 * service/http_internal.h: escaping, ETags, the bearer scheme, unreadable payloads and what
 * check messages may tell a client. */
#include "test_support.h"

#include "service/http_internal.h"

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
                         .path = "/credentials/issue",
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
                         .path = "/credentials/issue",
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(c1_controls_and_line_separators_become_replacement_characters),
      cmocka_unit_test(letters_sharing_a_first_byte_with_controls_stay),
      cmocka_unit_test(if_none_match_compares_entity_tags_exactly),
      cmocka_unit_test(the_bearer_scheme_name_is_case_insensitive),
      cmocka_unit_test(an_authorization_with_a_nul_or_a_control_character_is_refused),
      cmocka_unit_test(json_that_is_no_credential_is_a_400_page_claiming_nothing),
      cmocka_unit_test(messages_never_show_local_folders_or_fetch_errors),
  };
  return cmocka_run_group_tests_name("http_service", tests, NULL, NULL);
}
