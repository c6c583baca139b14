/* The reader's language: Accept-Language with q-values, tags matched by prefix, the command
 * line's environment as gettext reads it, and VC 2.0 language maps. */
#include "test_support.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void accept_language_picks_the_best_weighted_language_skillcert_speaks(void **state) {
  (void)state;
  assert_string_equal(sc_lang_accept("id"), "id");
  assert_string_equal(sc_lang_accept("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7"), "id");
  assert_string_equal(sc_lang_accept("en-GB,en;q=0.9,id;q=0.8"), "en");
  assert_string_equal(sc_lang_accept("fr;q=1, en;q=0.2, id;q=0.5"), "id");
  assert_string_equal(sc_lang_accept("ID"), "id");
  assert_string_equal(sc_lang_accept("id;q=0, en;q=0.1"), "en"); /* q=0: not acceptable */
}

static void accept_language_falls_back_to_english(void **state) {
  (void)state;
  assert_string_equal(sc_lang_accept(NULL), "en");
  assert_string_equal(sc_lang_accept(""), "en");
  assert_string_equal(sc_lang_accept("fr-FR, de;q=0.5"), "en");
  assert_string_equal(sc_lang_accept("idx, ind"), "en");    /* not "id" */
  assert_string_equal(sc_lang_accept("id;q=banana"), "en"); /* malformed weight */
  assert_string_equal(sc_lang_accept(",,;;q=,"), "en");
}

static void tags_match_by_their_primary_language(void **state) {
  (void)state;
  assert_string_equal(sc_lang_match("id_ID.UTF-8", 0), "id");
  assert_string_equal(sc_lang_match("en-US", 0), "en");
  assert_null(sc_lang_match("ind", 0));
  assert_null(sc_lang_match("", 0));
  assert_null(sc_lang_match(NULL, 0));
}

static void the_c_locale_keeps_the_command_line_english(void **state) {
  (void)state;
  setenv("LANGUAGE", "id", 1);
  setenv("LC_ALL", "C", 1);
  assert_string_equal(sc_lang_environment(), "en");
  setenv("LC_ALL", "C.UTF-8", 1);
  assert_string_equal(sc_lang_environment(), "id"); /* LANGUAGE outside the C locale */
  unsetenv("LANGUAGE");
  unsetenv("LC_ALL");
  setenv("LC_MESSAGES", "id_ID.UTF-8", 1);
  setenv("LANG", "en_GB.UTF-8", 1);
  assert_string_equal(sc_lang_environment(), "id");
  unsetenv("LC_MESSAGES");
  assert_string_equal(sc_lang_environment(), "en");
  unsetenv("LANG");
}

static void language_maps_give_the_readers_text(void **state) {
  (void)state;
  json_t *names = json_pack("[{s:s, s:s}, {s:s, s:s}]", "@value", "AI Fundamentals", "@language",
                            "en", "@value", "Dasar-Dasar AI", "@language", "id-ID");
  assert_string_equal(sc_json_text(names, "id"), "Dasar-Dasar AI");
  assert_string_equal(sc_json_text(names, "en"), "AI Fundamentals");
  assert_string_equal(sc_json_text(names, NULL), "AI Fundamentals");
  json_t *plain = json_string("Plain");
  assert_string_equal(sc_json_text(plain, "id"), "Plain");
  json_t *one = json_pack("{s:s, s:s}", "@value", "Satu", "@language", "id");
  assert_string_equal(sc_json_text(one, "en"), "Satu");
  assert_null(sc_json_text(NULL, "en"));
  json_decref(names);
  json_decref(plain);
  json_decref(one);
}

static void months_come_from_the_catalogue_not_the_system_locale(void **state) {
  (void)state;
  char out[SC_DATE_LONG_SIZE];
  assert_true(sc_date_long("2026-12-04T09:00:00Z", "en", out));
  assert_string_equal(out, "4 December 2026");
  assert_false(sc_date_long("04/12/2026", "en", out));
  assert_string_equal(out, "");
  assert_false(sc_date_long("2026-13-01", "en", out));
  assert_true(sc_lang_has_catalogue("id"));
  assert_true(sc_date_long("2026-12-04T09:00:00Z", "id", out));
  assert_string_equal(out, "4 Desember 2026");
  assert_true(sc_date_long("2027-05-31", "id", out));
  assert_string_equal(out, "31 Mei 2027");
}

static void words_are_looked_up_in_the_language_asked_for(void **state) {
  (void)state;
  assert_string_equal(sc_tr("id", "Scan to verify"), "Pindai untuk memverifikasi");
  assert_string_equal(sc_tr("en", "Scan to verify"), "Scan to verify");
  assert_string_equal(sc_tr(NULL, "Scan to verify"), "Scan to verify");
  assert_string_equal(sc_tr("id", "No such message in the catalogue"),
                      "No such message in the catalogue");
  assert_string_equal(sc_tr("id", ""), ""); /* not the catalogue's header */
  assert_string_equal(sc_trc("id", "month", "May"), "Mei");
  assert_string_equal(sc_trc("id", "no-such-context", "May"), "May");
  assert_string_equal(sc_tr("id", "Valid until {{valid_until.long}}"),
                      "Berlaku hingga {{valid_until.long}}");
}

/* The catalogues msgfmt built: <build>/locale, the folder beside <build>/tests. */
static void use_the_build_catalogues(void) {
  char exe[PATH_MAX], dir[PATH_MAX + 16];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return;
  *slash = '\0';
  snprintf(dir, sizeof dir, "%s/../locale", exe);
  setenv("SKILLCERT_LOCALEDIR", dir, 1);
}

int main(void) {
  use_the_build_catalogues(); /* before the first lookup loads the catalogues */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(accept_language_picks_the_best_weighted_language_skillcert_speaks),
      cmocka_unit_test(accept_language_falls_back_to_english),
      cmocka_unit_test(tags_match_by_their_primary_language),
      cmocka_unit_test(the_c_locale_keeps_the_command_line_english),
      cmocka_unit_test(language_maps_give_the_readers_text),
      cmocka_unit_test(months_come_from_the_catalogue_not_the_system_locale),
      cmocka_unit_test(words_are_looked_up_in_the_language_asked_for),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
