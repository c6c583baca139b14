/* GET /claim/<token> driven through sc_http_handle (docs/claim.md): a token shows its own
 * learner's certificate only; unknown, malformed, expired and revoked tokens get one and the
 * same 404; the downloads carry the stored bytes; a client past its misses gets 429. */
#include "test_home_support.h"

#include <time.h>

#include "service/service.h"

typedef struct fixture {
  char dir[64];
  sc_home home;
  EVP_PKEY *key;
  sc_registry *reg;
  sc_trust_list *trust;
  sc_status_source status;
  char public_dir[PATH_MAX];
  sc_http_config cfg;
  char anita[64], john[64]; /* credential ids */
} fixture;

/* The clock of the requests: now, as the status lists published at setup are current now. */
static int64_t NOW;

static void issue(fixture *f, sc_issue_context *ctx, const char *name, const char *learner,
                  char id[64]) {
  sc_issue_request req = {.recipient = {.name = name, .email = "l@example.org"},
                          .achievement = sc_template_achievement(ctx->tpl),
                          .now = NOW - 60,
                          .learner_id = learner};
  sc_prepared p = {0};
  sc_error err = {0};
  if (sc_issue_one(f->reg, ctx, &req, true, &p, &err) != SC_OK)
    fail_msg("issue: %s", err.message);
  snprintf(id, 64, "%s", p.id);
  sc_prepared_free(&p);
}

static int setup(void **state) {
  NOW = (int64_t)time(NULL);
  fixture *f = calloc(1, sizeof *f);
  if (!f || !make_temp_dir(f->dir, "claim-page"))
    return -1;
  char tpl_dir[PATH_MAX];
  sc_error err = {0};
  sc_template *tpl = NULL;
  sc_pdf_renderer *renderer = NULL;
  if (open_acme_home(f->dir, &f->home, &f->key, &err) != SC_OK ||
      sc_registry_open(&f->home, &f->reg, &err) != SC_OK ||
      sc_template_find(&f->home, "ai-fundamentals", tpl_dir, sizeof tpl_dir, &err) != SC_OK ||
      sc_template_load(tpl_dir, &tpl, &err) != SC_OK || !(renderer = sc_pdf_renderer_new(&err))) {
    fprintf(stderr, "setup: %s\n", err.message);
    return -1;
  }
  sc_issue_context ctx = {
      .home = &f->home, .key = f->key, .tpl = tpl, .renderer = renderer, .qr_mode = SC_QR_MODE_UNSET};
  issue(f, &ctx, "Anita Sharma", "L1", f->anita);
  issue(f, &ctx, "John Smith", "L2", f->john);
  sc_pdf_renderer_free(renderer);
  sc_template_free(tpl);
  f->trust = sc_trust_new();
  sc_trust_add(f->trust, f->home.issuer_id, "Acme", &err);
  snprintf(f->public_dir, sizeof f->public_dir, "%s/public", f->home.root);
  f->status = (sc_status_source){
      .home_public = f->public_dir, .home_url = f->home.public_url, .offline = true};
  f->cfg = (sc_http_config){.trust = f->trust,
                            .status = &f->status,
                            .public_dir = f->public_dir,
                            .base_url = "https://acme.example",
                            .home_issuer = f->home.issuer_id,
                            .home_keys = json_object_get(f->home.config, "keys"),
                            .home = &f->home,
                            .claim_limiter = sc_http_limiter_new(3, 64)};
  if (sc_http_config_init(&f->cfg, &err) != SC_OK)
    return -1;
  /* The requests' clock starts after the status lists were published: under the sanitizers
   * setting up takes seconds, and a list published after the clock would not be valid yet. */
  NOW = (int64_t)time(NULL);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  sc_http_limiter_free(f->cfg.claim_limiter);
  sc_trust_free(f->trust);
  sc_registry_close(f->reg);
  EVP_PKEY_free(f->key);
  sc_home_close(&f->home);
  int rc = remove_temp_dir(f->dir);
  free(f);
  return rc;
}

static void token_for(fixture *f, const char *id, int64_t expires, char token[44]) {
  sc_error err = {0};
  if (sc_registry_claim_create(f->reg, id, SC_CLAIM_VIA_MAIL, false, NOW - 60, expires, token,
                               &err) != SC_OK)
    fail_msg("token: %s", err.message);
}

/* GET path from client at now; res is the caller's to free. */
static int get_from(fixture *f, const char *path, const char *client, int64_t now,
                    sc_http_response *res) {
  sc_http_request req = {.method = "GET", .path = path, .client = client, .now = now};
  sc_http_handle(&f->cfg, &req, res);
  return res->status;
}

static int get_claim(fixture *f, const char *token, const char *part, sc_http_response *res) {
  char path[128];
  snprintf(path, sizeof path, "/claim/%s%s", token, part);
  return get_from(f, path, "192.0.2.1", NOW, res);
}

static bool body_has(const sc_http_response *res, const char *text) {
  char *body = strndup(res->body.data ? (const char *)res->body.data : "", res->body.len);
  bool found = strstr(body, text) != NULL;
  free(body);
  return found;
}

static void a_token_shows_its_own_learners_certificate_only(void **state) {
  fixture *f = *state;
  char anita[44], john[44];
  token_for(f, f->anita, NOW + 86400, anita);
  token_for(f, f->john, NOW + 86400, john);
  sc_http_response res;
  assert_int_equal(get_claim(f, anita, "", &res), 200);
  assert_true(body_has(&res, "Anita Sharma"));
  assert_false(body_has(&res, "John Smith"));
  if (!body_has(&res, "Valid certificate"))
    fail_msg("%.*s", (int)res.body.len, (const char *)res.body.data);
  assert_true(body_has(&res, "/certificate.pdf"));
  assert_true(body_has(&res, "/badge.png"));
  assert_true(body_has(&res, "CERTIFICATION_NAME"));
  assert_string_equal(res.cache_control, "no-store");
  assert_true(res.noindex && res.security_headers);
  sc_http_response_free(&res);
  assert_int_equal(get_claim(f, john, "", &res), 200);
  assert_true(body_has(&res, "John Smith"));
  assert_false(body_has(&res, "Anita Sharma"));
  sc_http_response_free(&res);
}

static void unknown_malformed_expired_and_revoked_tokens_get_the_same_404(void **state) {
  fixture *f = *state;
  char expired[44], revoked[44];
  token_for(f, f->anita, NOW - 1, expired);
  token_for(f, f->anita, NOW + 86400, revoked);
  sc_error err = {0};
  size_t count = 0;
  assert_int_equal(sc_registry_claim_revoke(f->reg, f->anita, NOW - 30, &count, &err), SC_OK);
  const char *tokens[] = {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", expired, revoked};
  sc_http_response first;
  char path[128];
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "/claim/%s", tokens[i]);
    sc_http_response res;
    /* a fresh client each time: the misses are counted per client */
    char client[32];
    snprintf(client, sizeof client, "198.51.100.%zu", i);
    assert_int_equal(get_from(f, path, client, NOW, &res), 404);
    assert_string_equal(res.cache_control, "no-store");
    assert_true(res.noindex);
    if (i == 0) {
      first = res;
      continue;
    }
    assert_int_equal(res.body.len, first.body.len);
    assert_memory_equal(res.body.data, first.body.data, first.body.len);
    sc_http_response_free(&res);
  }
  sc_http_response res;
  assert_int_equal(get_from(f, "/claim/short", "198.51.100.9", NOW, &res), 404);
  assert_memory_equal(res.body.data, first.body.data, first.body.len);
  sc_http_response_free(&res);
  snprintf(path, sizeof path, "/claim/%s/certificate.pdf", revoked);
  assert_int_equal(get_from(f, path, "198.51.100.10", NOW, &res), 404);
  assert_memory_equal(res.body.data, first.body.data, first.body.len);
  sc_http_response_free(&res);
  sc_http_response_free(&first);
}

static void downloads_carry_the_stored_bytes_as_attachments(void **state) {
  fixture *f = *state;
  char token[44];
  token_for(f, f->anita, NOW + 86400, token);
  sc_error err = {0};
  char *stored = sc_registry_credential_text(f->reg, f->anita, &err);
  assert_non_null(stored);
  sc_http_response res;
  assert_int_equal(get_claim(f, token, "/credential.json", &res), 200);
  assert_int_equal(res.body.len, strlen(stored));
  assert_memory_equal(res.body.data, stored, res.body.len);
  assert_string_equal(res.disposition, "attachment; filename=\"credential.json\"");
  assert_true(res.noindex);
  sc_http_response_free(&res);
  free(stored);

  char pdf_path[PATH_MAX], name[64];
  snprintf(name, sizeof name, "%s.pdf", f->anita + 9);
  assert_int_equal(sc_home_path(&f->home, "out", name, pdf_path, sizeof pdf_path, &err), SC_OK);
  sc_buf pdf = {0};
  assert_int_equal(sc_read_file(pdf_path, 64 << 20, &pdf, &err), SC_OK);
  assert_int_equal(get_claim(f, token, "/certificate.pdf", &res), 200);
  assert_string_equal(res.content_type, "application/pdf");
  assert_string_equal(res.disposition, "attachment; filename=\"certificate.pdf\"");
  assert_int_equal(res.body.len, pdf.len);
  assert_memory_equal(res.body.data, pdf.data, pdf.len);
  sc_http_response_free(&res);
  sc_buf_free(&pdf);

  assert_int_equal(get_claim(f, token, "/badge.png", &res), 200);
  assert_string_equal(res.content_type, "image/png");
  assert_string_equal(res.disposition, "attachment; filename=\"badge.png\"");
  assert_true(res.body.len > 8);
  assert_memory_equal(res.body.data, "\x89PNG\r\n\x1a\n", 8);
  sc_http_response_free(&res);
}

static void a_client_past_its_misses_gets_429_until_the_minute_is_over(void **state) {
  fixture *f = *state;
  char token[44];
  token_for(f, f->anita, NOW + 86400, token);
  char good[128];
  snprintf(good, sizeof good, "/claim/%s", token);
  sc_http_response res;
  for (int i = 0; i < 3; i++) { /* the fixture's limit: 3 misses a minute */
    assert_int_equal(
        get_from(f, "/claim/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "203.0.113.7", NOW, &res),
        404);
    sc_http_response_free(&res);
  }
  assert_int_equal(get_from(f, good, "203.0.113.7", NOW + 10, &res), 429); /* even a good one */
  assert_int_equal(res.retry_after, 50);
  assert_string_equal(res.cache_control, "no-store");
  sc_http_response_free(&res);
  assert_int_equal(get_from(f, good, "203.0.113.8", NOW + 10, &res), 200); /* another client */
  sc_http_response_free(&res);
  assert_int_equal(get_from(f, good, "203.0.113.7", NOW + 60, &res), 200); /* a new minute */
  sc_http_response_free(&res);
  /* good tokens are no misses */
  for (int i = 0; i < 5; i++) {
    assert_int_equal(get_from(f, good, "203.0.113.9", NOW, &res), 200);
    sc_http_response_free(&res);
  }
}

static void the_limiter_stays_bounded_under_a_flood_of_clients(void **state) {
  fixture *f = *state;
  sc_http_response res;
  char client[32];
  for (int i = 0; i < 2000; i++) { /* the table has 64 slots */
    snprintf(client, sizeof client, "10.0.%d.%d", i / 256, i % 256);
    assert_int_equal(get_from(f, "/claim/x", client, NOW, &res), 404);
    sc_http_response_free(&res);
  }
  for (int i = 0; i < 3; i++) {
    get_from(f, "/claim/x", "203.0.113.50", NOW, &res);
    sc_http_response_free(&res);
  }
  assert_int_equal(get_from(f, "/claim/x", "203.0.113.50", NOW, &res), 429);
  sc_http_response_free(&res);
}

static void without_a_home_or_a_limiter_claim_paths_are_404(void **state) {
  fixture *f = *state;
  char token[44];
  token_for(f, f->anita, NOW + 86400, token);
  char path[128];
  snprintf(path, sizeof path, "/claim/%s", token);
  sc_http_limiter *limiter = f->cfg.claim_limiter;
  f->cfg.claim_limiter = NULL;
  sc_http_response res;
  assert_int_equal(get_from(f, path, "192.0.2.1", NOW, &res), 404);
  sc_http_response_free(&res);
  f->cfg.claim_limiter = limiter;
  sc_http_request post = {.method = "POST", .path = path, .client = "192.0.2.1", .now = NOW};
  sc_http_handle(&f->cfg, &post, &res);
  assert_int_equal(res.status, 405);
  assert_true(res.noindex);
  sc_http_response_free(&res);
}

/* A registry that cannot be reached gives the learner "Busy" (503) and the operator the reason,
 * in the log note that serve appends to the request's log line; the page says nothing of it. */
static void an_unreachable_registry_is_503_with_its_reason_for_the_log(void **state) {
  fixture *f = *state;
  char token[44];
  token_for(f, f->anita, NOW + 86400, token);
  f->home.registry = "postgresql://nobody@/none?host=/nonexistent-skillcert-socket";
  sc_http_response res;
  assert_int_equal(get_claim(f, token, "", &res), 503);
  assert_true(body_has(&res, "Busy"));
  assert_false(body_has(&res, "nonexistent"));
  assert_non_null(strstr(res.log_note, "postgresql://nobody@/none"));
  sc_http_response_free(&res);
  f->home.registry = NULL;
  assert_int_equal(get_claim(f, token, "", &res), 200);
  assert_string_equal(res.log_note, "");
  sc_http_response_free(&res);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(an_unreachable_registry_is_503_with_its_reason_for_the_log,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(a_token_shows_its_own_learners_certificate_only, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(unknown_malformed_expired_and_revoked_tokens_get_the_same_404,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(downloads_carry_the_stored_bytes_as_attachments, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_client_past_its_misses_gets_429_until_the_minute_is_over,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(the_limiter_stays_bounded_under_a_flood_of_clients, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(without_a_home_or_a_limiter_claim_paths_are_404, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
