/* Templates: finding them, loading the shipped ones, strict errors naming file and field. */
#include "test_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include "issuer/issuer.h"
#include "issuer/pdf_internal.h"

static const char achievement[] =
    "{\"id\": \"https://a.example/x\", \"type\": [\"Achievement\"], \"name\": \"X\", "
    "\"description\": \"Y\", \"criteria\": {\"narrative\": \"Z\"}}";

static const char minimal[] =
    "{\"page\": {\"size\": \"A4\"}, \"text\": [{\"text\": \"{{recipient.name}}\", \"x\": 20, "
    "\"y\": 30, \"size\": 20}], \"qr\": {\"x\": 10, \"y\": 10}}";

static void write_text(const char *dir, const char *name, const char *text) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Loads a template made of layout + the sample achievement; returns the code, err filled. */
static int load_layout(const char *layout, sc_error *err) {
  char dir[64];
  assert_true(make_temp_dir(dir, "template"));
  write_text(dir, "template.json", layout);
  write_text(dir, "achievement.json", achievement);
  sc_template *tpl = NULL;
  int rc = sc_template_load(dir, &tpl, err);
  sc_template_free(tpl);
  remove_temp_dir(dir);
  return rc;
}

static void loads_the_three_shipped_templates(void **state) {
  (void)state;
  const char *names[] = {"ai-fundamentals", "prompt-engineering", "responsible-ai"};
  for (size_t i = 0; i < 3; i++) {
    char dir[PATH_MAX];
    sc_template *tpl = NULL;
    sc_error err = {0};
    if (sc_template_find(NULL, names[i], dir, sizeof dir, &err) != SC_OK ||
        sc_template_load(dir, &tpl, &err) != SC_OK)
      fail_msg("%s: %s", names[i], err.message);
    assert_string_equal(sc_template_name(tpl), names[i]);
    assert_non_null(json_string_value(json_object_get(sc_template_achievement(tpl), "name")));
    sc_template_free(tpl);
  }
}

static void accepts_a_minimal_layout(void **state) {
  (void)state;
  sc_error err = {0};
  if (load_layout(minimal, &err) != SC_OK)
    fail_msg("%s", err.message);
}

static void rejects_an_unknown_field_naming_file_and_field(void **state) {
  (void)state;
  sc_error err = {0};
  assert_int_equal(load_layout("{\"page\": {\"size\": \"A4\"}, \"colour\": \"#000000\"}", &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "template.json: colour: unknown field"));
}

static void rejects_a_page_size_other_than_a4_or_letter(void **state) {
  (void)state;
  sc_error err = {0};
  assert_int_equal(load_layout("{\"page\": {\"size\": \"A3\"}}", &err), SC_EDATA);
  assert_non_null(strstr(err.message, "page.size: expected \"A4\" or \"Letter\""));
  assert_int_equal(
      load_layout("{\"page\": {\"size\": \"A4\", \"orientation\": \"portrait\"}}", &err), SC_EDATA);
  assert_non_null(strstr(err.message, "page.orientation"));
}

static void rejects_an_unknown_placeholder(void **state) {
  (void)state;
  sc_error err = {0};
  assert_int_equal(load_layout("{\"page\": {\"size\": \"A4\"}, \"text\": [{\"text\": "
                               "\"{{recipient.email}}\", \"x\": 1, \"y\": 1, \"size\": 9}]}",
                               &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "text[0].text: unknown placeholder"));
}

static void rejects_bad_numbers_and_colours_with_their_path(void **state) {
  (void)state;
  sc_error err = {0};
  assert_int_equal(load_layout("{\"page\": {\"size\": \"A4\"}, \"text\": [{\"text\": \"a\", "
                               "\"x\": 500, \"y\": 1, \"size\": 9}]}",
                               &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "text[0].x: expected a number from 0 to 297"));
  assert_int_equal(load_layout("{\"page\": {\"size\": \"A4\"}, \"text\": [{\"text\": \"a\", "
                               "\"x\": 5, \"y\": 1, \"size\": 9, \"color\": \"red\"}]}",
                               &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "text[0].color: expected a colour"));
}

static void rejects_a_template_without_a_valid_achievement(void **state) {
  (void)state;
  char dir[64];
  assert_true(make_temp_dir(dir, "template"));
  write_text(dir, "template.json", minimal);
  write_text(dir, "achievement.json", "{\"id\": \"https://a.example/x\"}");
  sc_template *tpl = NULL;
  sc_error err = {0};
  assert_int_equal(sc_template_load(dir, &tpl, &err), SC_EDATA);
  assert_null(tpl);
  assert_non_null(strstr(err.message, "achievement.json"));
  remove_temp_dir(dir);
}

static void find_prefers_the_home_and_refuses_paths(void **state) {
  (void)state;
  char root[64], dir[PATH_MAX + 32], found[PATH_MAX];
  assert_true(make_temp_dir(root, "home"));
  snprintf(dir, sizeof dir, "%s/templates", root);
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(dir, sizeof dir, "%s/templates/ai-fundamentals", root);
  assert_int_equal(mkdir(dir, 0700), 0);
  write_text(dir, "template.json", minimal);
  sc_home home = {0};
  snprintf(home.root, sizeof home.root, "%s", root);
  sc_error err = {0};
  assert_int_equal(sc_template_find(&home, "ai-fundamentals", found, sizeof found, &err), SC_OK);
  assert_non_null(strstr(found, root));
  assert_int_equal(sc_template_find(NULL, "ai-fundamentals", found, sizeof found, &err), SC_OK);
  assert_null(strstr(found, root));
  assert_int_equal(sc_template_find(&home, "../etc", found, sizeof found, &err), SC_EUSAGE);
  assert_int_equal(sc_template_find(&home, "no-such-template", found, sizeof found, &err), SC_ENOINPUT);
  remove_temp_dir(root);
}

/* ---------------------------------------------------------------- placeholders */

/* docs/templates.md's table of placeholders lists exactly the renderer's table: none missing,
 * none the loader would refuse. */
static void the_documented_placeholders_are_the_known_ones(void **state) {
  (void)state;
  sc_buf doc = {0};
  sc_error err = {0};
  if (sc_read_file("docs/templates.md", 1 << 20, &doc, &err) != SC_OK)
    fail_msg("%s", err.message);
  assert_true(sc_buf_append_byte(&doc, '\0'));
  const char *section = strstr((const char *)doc.data, "### Placeholders");
  assert_non_null(section);
  const char *table = strstr(section, "\n|");
  const char *table_end = table ? strstr(table, "\n\n") : NULL;
  assert_non_null(table_end);
  size_t documented = 0;
  for (const char *p = strstr(table, "`{{"); p && p < table_end; p = strstr(p + 3, "`{{")) {
    const char *close = strstr(p, "}}`");
    assert_non_null(close);
    if (!sc_placeholder_find(p + 3, (size_t)(close - p - 3)))
      fail_msg("docs/templates.md documents %.*s, which templates cannot use", (int)(close - p + 3),
               p);
    documented++;
  }
  size_t known = 0;
  for (const sc_placeholder *ph = sc_placeholders; ph->name; ph++, known++) {
    char quoted[64];
    snprintf(quoted, sizeof quoted, "`{{%s}}`", ph->name);
    const char *at = strstr(table, quoted);
    if (!at || at > table_end)
      fail_msg("docs/templates.md does not document %s", quoted);
  }
  assert_int_equal(documented, known);
  sc_buf_free(&doc);
}

static void every_known_placeholder_is_accepted_in_a_layout(void **state) {
  (void)state;
  for (const sc_placeholder *ph = sc_placeholders; ph->name; ph++) {
    char layout[512];
    snprintf(layout, sizeof layout,
             "{\"page\": {\"size\": \"A4\"}, \"text\": [{\"text\": \"a {{%s}} b\", \"x\": 20, "
             "\"y\": 30, \"size\": 20}], \"qr\": {\"x\": 10, \"y\": 10}}",
             ph->name);
    sc_error err = {0};
    if (load_layout(layout, &err) != SC_OK)
      fail_msg("{{%s}}: %s", ph->name, err.message);
  }
}

static void one_date_style_per_certificate(void **state) {
  (void)state;
  sc_error err = {0};
  const char *mixed = "{\"page\": {\"size\": \"A4\"}, \"qr\": {\"x\": 10, \"y\": 10}, \"text\": ["
                      "{\"text\": \"{{date.long}}\", \"x\": 20, \"y\": 30, \"size\": 12},"
                      "{\"text\": \"Valid until {{valid_until}}\", \"x\": 20, \"y\": 40, "
                      "\"size\": 8}]}";
  assert_int_equal(load_layout(mixed, &err), SC_EDATA);
  if (!strstr(err.message, "template.json: text: \"Valid until {{valid_until}}\" and "
                           "\"{{date.long}}\" write dates in two styles"))
    fail_msg("%s", err.message);
  const char *long_only = "{\"page\": {\"size\": \"A4\"}, \"qr\": {\"x\": 10, \"y\": 10}, "
                          "\"text\": [{\"text\": \"{{date.long}}\", \"x\": 20, \"y\": 30, "
                          "\"size\": 12}, {\"text\": \"Valid until {{valid_until.long}}\", "
                          "\"x\": 20, \"y\": 40, \"size\": 8}]}";
  if (load_layout(long_only, &err) != SC_OK)
    fail_msg("%s", err.message);
}

static void a_template_names_a_language_skillcert_speaks(void **state) {
  (void)state;
  sc_error err = {0};
  char layout[512];
#define LANGUAGE_LAYOUT                                                                            \
  "{\"page\": {\"size\": \"A4\"}, \"qr\": {\"x\": 10, \"y\": 10}, \"language\": %s, "              \
  "\"text\": [{\"text\": \"x\", \"x\": 20, \"y\": 30, \"size\": 12}]}"
  snprintf(layout, sizeof layout, LANGUAGE_LAYOUT, "\"id\"");
  if (load_layout(layout, &err) != SC_OK)
    fail_msg("%s", err.message);
  snprintf(layout, sizeof layout, LANGUAGE_LAYOUT, "\"tlh\"");
  assert_int_equal(load_layout(layout, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "language: expected one of en, id"));
  snprintf(layout, sizeof layout, LANGUAGE_LAYOUT, "7");
  assert_int_equal(load_layout(layout, &err), SC_EDATA);
}

/* An achievement's name in several languages: VC 2.0 language value objects, each with text
 * and a language tag; anything else is refused naming the field. */
static void an_achievement_name_may_be_given_in_several_languages(void **state) {
  (void)state;
  const char *good[] = {"[{\"@value\": \"AI Fundamentals\", \"@language\": \"en\"}, "
                        "{\"@value\": \"Dasar-Dasar AI\", \"@language\": \"id-ID\"}]",
                        "{\"@value\": \"Dasar-Dasar AI\", \"@language\": \"id\"}",
                        "\"AI Fundamentals\""};
  const char *bad[] = {"[]",
                       "[{\"@value\": \"x\"}]",
                       "[{\"@value\": \"\", \"@language\": \"en\"}]",
                       "[{\"@value\": \"x\", \"@language\": \"e n\"}]",
                       "[{\"@value\": \"x\", \"@language\": \"en-\"}]",
                       "[{\"@value\": \"x\", \"@language\": \"en\", \"@direction\": \"ltr\"}]",
                       "[\"AI Fundamentals\"]",
                       "\"\"",
                       "7"};
  for (size_t i = 0; i < sizeof good / sizeof *good + sizeof bad / sizeof *bad; i++) {
    bool ok = i < sizeof good / sizeof *good;
    const char *name = ok ? good[i] : bad[i - sizeof good / sizeof *good];
    char text[512];
    snprintf(text, sizeof text,
             "{\"id\": \"https://acme.example/a/1\", \"type\": [\"Achievement\"], \"name\": %s, "
             "\"description\": \"d\", \"criteria\": {\"narrative\": \"n\"}}",
             name);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    sc_error err = {0};
    int rc = sc_achievement_check(doc, "a.json", &err);
    if (ok && rc != SC_OK)
      fail_msg("%s: %s", name, err.message);
    if (!ok && (rc != SC_EDATA || !strstr(err.message, "a.json: name: expected")))
      fail_msg("%s was accepted (%s)", name, err.message);
    json_decref(doc);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(loads_the_three_shipped_templates),
      cmocka_unit_test(one_date_style_per_certificate),
      cmocka_unit_test(an_achievement_name_may_be_given_in_several_languages),
      cmocka_unit_test(a_template_names_a_language_skillcert_speaks),
      cmocka_unit_test(accepts_a_minimal_layout),
      cmocka_unit_test(rejects_an_unknown_field_naming_file_and_field),
      cmocka_unit_test(rejects_a_page_size_other_than_a4_or_letter),
      cmocka_unit_test(rejects_an_unknown_placeholder),
      cmocka_unit_test(the_documented_placeholders_are_the_known_ones),
      cmocka_unit_test(every_known_placeholder_is_accepted_in_a_layout),
      cmocka_unit_test(rejects_bad_numbers_and_colours_with_their_path),
      cmocka_unit_test(rejects_a_template_without_a_valid_achievement),
      cmocka_unit_test(find_prefers_the_home_and_refuses_paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
