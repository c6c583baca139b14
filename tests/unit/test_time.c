/* Date-times as the VC data model writes them: instants with offsets, not strings. */
#include "test_support.h"

static int64_t parse_ok(const char *text, bool require_offset) {
  int64_t t = 0;
  sc_error err = {0};
  assert_int_equal(sc_time_parse(text, require_offset, &t, &err), SC_OK);
  return t;
}

static void parses_utc_instant(void **state) {
  (void)state;
  assert_int_equal(parse_ok("1970-01-01T00:00:00Z", true), 0);
  assert_int_equal(parse_ok("2026-11-28T01:47:56Z", true), 1795830476);
}

static void applies_offsets_to_reach_the_same_instant(void **state) {
  (void)state;
  assert_int_equal(parse_ok("2026-11-28T03:47:56+02:00", true),
                   parse_ok("2026-11-28T01:47:56Z", true));
  assert_int_equal(parse_ok("2026-11-27T20:17:56-05:30", true),
                   parse_ok("2026-11-28T01:47:56Z", true));
}

/* A fraction rounds up, so the W3C vector credential-validuntil-ms-ok (validUntil
 * 01:20:18.477Z) is still valid at 01:20:18 and no longer at 01:20:19. */
static void rounds_a_fraction_of_a_second_up(void **state) {
  (void)state;
  assert_int_equal(parse_ok("2026-11-28T01:47:56.001Z", true),
                   parse_ok("2026-11-28T01:47:57Z", true));
  assert_int_equal(parse_ok("2026-11-28T01:47:56.999Z", true),
                   parse_ok("2026-11-28T01:47:57Z", true));
  assert_int_equal(parse_ok("2026-11-28T01:47:56.000Z", true),
                   parse_ok("2026-11-28T01:47:56Z", true));
  assert_int_equal(parse_ok("2026-12-31T23:59:59.5Z", true),
                   parse_ok("2027-01-01T00:00:00Z", true));
}

static void accepts_missing_zone_only_when_allowed(void **state) {
  (void)state;
  int64_t t;
  sc_error err = {0};
  assert_int_equal(parse_ok("2026-11-28T01:47:56", false), 1795830476);
  assert_int_equal(sc_time_parse("2026-11-28T01:47:56", true, &t, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "time zone"));
}

static void rejects_impossible_dates(void **state) {
  (void)state;
  const char *bad[] = {
      "2026-02-29T00:00:00Z",     "2026-13-01T00:00:00Z",     "2026-11-28T24:00:00Z",
      "2026-11-28 01:47:56Z",     "2026-11-28T01:47Z",        "26-11-28T01:47:56Z",
      "2026-11-28T01:47:56+2:00", "2026-11-28T01:47:56Zjunk", "",
      "2026-11-28T01:47:56.Z"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int64_t t;
    sc_error err = {0};
    assert_int_equal(sc_time_parse(bad[i], false, &t, &err), SC_EDATA);
  }
  assert_int_equal(parse_ok("2024-02-29T00:00:00Z", true), 1709164800);
}

static void formats_round_trip(void **state) {
  (void)state;
  char out[21], date[11];
  sc_time_format(1795830476, out);
  assert_string_equal(out, "2026-11-28T01:47:56Z");
  sc_date_format(1795830476, date);
  assert_string_equal(date, "2026-11-28");
  sc_time_format(-1, out);
  assert_string_equal(out, "1969-12-31T23:59:59Z");
}

static void uuid_is_version_4(void **state) {
  (void)state;
  char a[37], b[37];
  assert_int_equal(sc_uuid_v4(a, NULL), SC_OK);
  assert_int_equal(sc_uuid_v4(b, NULL), SC_OK);
  assert_int_equal(strlen(a), 36);
  assert_int_equal(a[14], '4');
  assert_non_null(strchr("89ab", a[19]));
  assert_string_not_equal(a, b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_utc_instant),
      cmocka_unit_test(applies_offsets_to_reach_the_same_instant),
      cmocka_unit_test(rounds_a_fraction_of_a_second_up),
      cmocka_unit_test(accepts_missing_zone_only_when_allowed),
      cmocka_unit_test(rejects_impossible_dates),
      cmocka_unit_test(formats_round_trip),
      cmocka_unit_test(uuid_is_version_4),
  };
  return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
