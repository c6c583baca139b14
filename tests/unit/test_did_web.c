/* core/did_web.c: the did:web grammar (lower-case host, percent-encoded port, path segments)
 * and where a DID's document lives, shared by init, publishing and the verifier. */
#include "test_support.h"

static void accepts_hosts_ports_and_segments(void **state) {
  (void)state;
  const char *good[] = {"acme.example",
                        "localhost",
                        "127.0.0.1%3A8443",
                        "acme.example%3A8443:issuers:ai_1",
                        "a-b.example:Issuers:AI.v2-x",
                        "xn--bcher-kva.example"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    sc_error err = {0};
    if (sc_did_web_id_check(good[i], &err) != SC_OK)
      fail_msg("%s refused: %s", good[i], err.message);
  }
}

static void the_host_is_lower_case_letters_digits_dots_and_hyphens(void **state) {
  (void)state;
  const char *bad[] = {"Acme.example",      "acme.Example",   "-acme.example",
                       "acme.example-",     ".acme.example",  "acme.example.",
                       "acme_corp.example", "acme.example/x", "",
                       "acme example",      "acme.example?x"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    sc_error err = {0};
    if (sc_did_web_id_check(bad[i], &err) != SC_EDATA)
      fail_msg("'%s' accepted", bad[i]);
    assert_non_null(strstr(err.message, "lower-case host name"));
  }
  assert_int_equal(sc_did_web_id_check(NULL, NULL), SC_EDATA);
}

static void a_port_is_percent_encoded_digits(void **state) {
  (void)state;
  const char *bad[] = {"acme.example%3A", "acme.example%3Ax", "acme.example%3a8443",
                       "acme.example%3A84%3A43"};
  assert_int_equal(sc_did_web_id_check("acme.example%3A8443", NULL), SC_OK);
  /* "host:8443" is a path segment, not a port: the document is at /8443/did.json. */
  char host[64], path[64];
  assert_int_equal(
      sc_did_web_location("did:web:acme.example:8443", host, sizeof host, path, sizeof path, NULL),
      SC_OK);
  assert_string_equal(path, "/8443/did.json");
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (sc_did_web_id_check(bad[i], NULL) != SC_EDATA)
      fail_msg("'%s' accepted", bad[i]);
}

static void path_segments_are_plain_and_never_climb(void **state) {
  (void)state;
  const char *bad[] = {"acme.example:",     "acme.example::a",   "acme.example:..",
                       "acme.example:.",    "acme.example:a:..", "acme.example:a/b",
                       "acme.example:a%2F", "acme.example:a b"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    sc_error err = {0};
    if (sc_did_web_id_check(bad[i], &err) != SC_EDATA)
      fail_msg("'%s' accepted", bad[i]);
  }
  sc_error err = {0};
  assert_int_equal(sc_did_web_id_check("acme.example:..", &err), SC_EDATA);
  assert_non_null(strstr(err.message, "a path segment is letters"));
}

static void the_document_lives_where_the_did_says(void **state) {
  (void)state;
  static const struct {
    const char *did, *host, *path;
  } cases[] = {
      {"did:web:acme.example", "acme.example", "/.well-known/did.json"},
      {"did:web:acme.example:issuers:ai", "acme.example", "/issuers/ai/did.json"},
      {"did:web:localhost%3A8443", "localhost:8443", "/.well-known/did.json"},
      {"did:web:127.0.0.1%3A9:u:Ana_1", "127.0.0.1:9", "/u/Ana_1/did.json"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char host[64], path[64];
    sc_error err = {0};
    if (sc_did_web_location(cases[i].did, host, sizeof host, path, sizeof path, &err) != SC_OK)
      fail_msg("%s: %s", cases[i].did, err.message);
    assert_string_equal(host, cases[i].host);
    assert_string_equal(path, cases[i].path);
  }
}

static void a_location_names_the_did_it_refuses(void **state) {
  (void)state;
  char host[64], path[16];
  sc_error err = {0};
  assert_int_equal(sc_did_web_location("did:key:z6Mk", host, sizeof host, path, sizeof path, &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "not a did:web DID"));
  assert_int_equal(
      sc_did_web_location("did:web:Acme.example", host, sizeof host, path, sizeof path, &err),
      SC_EDATA);
  assert_non_null(strstr(err.message, "did:web:Acme.example: expected a lower-case host name"));
  assert_int_equal(sc_did_web_location("did:web:acme.example:a-rather-long-segment", host,
                                       sizeof host, path, sizeof path, &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "DID too long"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(accepts_hosts_ports_and_segments),
      cmocka_unit_test(the_host_is_lower_case_letters_digits_dots_and_hyphens),
      cmocka_unit_test(a_port_is_percent_encoded_digits),
      cmocka_unit_test(path_segments_are_plain_and_never_climb),
      cmocka_unit_test(the_document_lives_where_the_did_says),
      cmocka_unit_test(a_location_names_the_did_it_refuses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
