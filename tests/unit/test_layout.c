/* Text boxes: fitting text into its box (pdf_layout.c) and refusing layouts whose boxes
 * overlap or leave the page (template_check.c). docs/templates.md, "Text boxes". */
#include "test_support.h"

#include "issuer/issuer.h"
#include "issuer/pdf_internal.h"

#define MM 2.834645669f

static const char achievement[] =
    "{\"id\": \"https://a.example/x\", \"type\": [\"Achievement\"], \"name\": \"X\", "
    "\"description\": \"Y\", \"criteria\": {\"narrative\": \"Z\"}}";

static int setup(void **state) {
  sc_error err = {0};
  sc_pdf_renderer *r = sc_pdf_renderer_new(&err);
  if (!r)
    fprintf(stderr, "setup: %s\n", err.message);
  *state = r;
  return r ? 0 : -1;
}

static int teardown(void **state) {
  sc_pdf_renderer_free(*state);
  return 0;
}

/* The name block of ai-fundamentals as it ships: 190 mm wide, 20 mm high, 34 to 18 pt on one
 * line, down to 8 pt wrapped. */
static sc_tpl_text name_block(void) {
  sc_tpl_text b = {.text = "{{recipient.name}}",
                   .x = 148.5f,
                   .y = 97,
                   .size = 34,
                   .min_size = 18,
                   .wrap_min_size = 8,
                   .max_width = 200,
                   .height = 20,
                   .max_lines = 10,
                   .line_height = 1.25f,
                   .align = SC_ALIGN_CENTER,
                   .bold = true};
  return b;
}

/* Fits text into b; checks every line is within the box's width and the lines within its
 * height; returns the lines (to be freed). */
static sc_text_lines fit(sc_pdf_renderer *r, const sc_tpl_text *b, const char *text) {
  sc_text_style style = {b->family, b->bold, b->size, {0, 0, 0}};
  sc_text_lines lines = {0};
  sc_error err = {0};
  if (sc_text_fit(r, b, text, &style, &lines, &err) != SC_OK)
    fail_msg("%s", err.message);
  assert_true(lines.count >= 1);
  assert_true(lines.size >= SC_TEXT_MIN_SIZE && lines.size <= b->size);
  for (size_t i = 0; i < lines.count; i++) {
    float width = 0;
    assert_int_equal(sc_text_width(r, lines.items[i], &style, &width, &err), SC_OK);
    if (width > b->max_width * MM + 0.01f)
      fail_msg("line %zu (%s) is %.1f pt wide, the box %.1f", i, lines.items[i], width,
               b->max_width * MM);
  }
  sc_box box = sc_text_box(b);
  float top = lines.baseline - SC_TEXT_ASCENT * lines.size / MM;
  assert_true(top >= box.top - 0.01f);
  assert_true(top + sc_text_lines_height(b, lines.size, lines.count) <= box.bottom + 0.01f);
  return lines;
}

static void a_short_name_is_one_line_at_full_size_on_its_baseline(void **state) {
  sc_tpl_text b = name_block();
  sc_text_lines lines = fit(*state, &b, "Ann Lee");
  assert_int_equal(lines.count, 1);
  assert_true(lines.size == b.size);
  assert_true(lines.baseline > b.y - 0.01f && lines.baseline < b.y + 0.01f);
  sc_text_lines_free(&lines);
}

static void a_long_name_shrinks_then_wraps_at_spaces_inside_its_box(void **state) {
  sc_tpl_text b = name_block();
  const char *name = "Muhammad Rizky Pratama Siti Nurhaliza Wijayakusuma Dewi Anggraeni "
                     "Kusumawardhani Bambang Soesatyo Hadiningrat Putri";
  sc_text_lines lines = fit(*state, &b, name);
  assert_true(lines.count >= 2);
  char joined[256] = "";
  for (size_t i = 0; i < lines.count; i++)
    snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s", i ? " " : "",
             lines.items[i]);
  assert_string_equal(joined, name); /* broken at spaces only, nothing cut */
  sc_text_lines_free(&lines);
}

static void text_without_spaces_breaks_between_characters(void **state) {
  sc_tpl_text b = name_block();
  char name[512] = "";
  for (int i = 0; i < 8; i++)
    strcat(name, "王小明山田太郎李華陳美");
  sc_text_lines lines = fit(*state, &b, name);
  assert_true(lines.count >= 2);
  char joined[512] = "";
  for (size_t i = 0; i < lines.count; i++)
    strcat(joined, lines.items[i]);
  assert_string_equal(joined, name);
  sc_text_lines_free(&lines);
}

static void a_break_never_splits_a_grapheme_cluster(void **state) {
  sc_tpl_text b = name_block();
  b.max_width = 30;
  char text[1024] = "";
  for (int i = 0; i < 40; i++)
    strcat(text, "e\xCC\x81"); /* e + combining acute: one cluster */
  sc_text_lines lines = fit(*state, &b, text);
  assert_true(lines.count >= 2);
  for (size_t i = 0; i < lines.count; i++)
    assert_int_equal(lines.items[i][0], 'e'); /* no line starts with the accent */
  sc_text_lines_free(&lines);
}

static void the_last_resort_is_an_ellipsis_inside_the_box(void **state) {
  sc_tpl_text b = name_block();
  b.text = "{{achievement.description}}"; /* a name is never cut (below) */
  b.max_lines = 2;
  char text[2048] = "";
  for (int i = 0; i < 60; i++)
    strcat(text, "Kusumawardhani ");
  sc_text_lines lines = fit(*state, &b, text);
  assert_int_equal(lines.count, 2);
  assert_true(lines.size == b.wrap_min_size);
  assert_string_equal(lines.items[0] + strlen(lines.items[0]) - 3, "ani"); /* whole words */
  const char *last = lines.items[1];
  assert_string_equal(last + strlen(last) - 3, "\xE2\x80\xA6");
  assert_true(strncmp(last, "Kusumawardhani Kusumawardhani", 29) == 0);
  sc_text_lines_free(&lines);
}

static void a_name_in_a_one_line_box_gets_smaller_and_wraps_rather_than_cut(void **state) {
  /* The name block of a home's copy made before boxes: one line, 18 pt at least. */
  sc_tpl_text b = name_block();
  b.max_lines = 1;
  b.wrap_min_size = 18;
  b.max_width = 190;
  b.height = sc_text_lines_height(&b, b.size, 1);
  char name[300] = "";
  while (strlen(name) < 250)
    strcat(name, "Kusumawardhani ");
  name[strlen(name) - 1] = '\0';
  sc_text_lines lines = fit(*state, &b, name);
  assert_true(lines.count >= 2);
  assert_true(lines.size < 18);
  size_t total = 0;
  for (size_t i = 0; i < lines.count; i++) {
    assert_null(strstr(lines.items[i], "\xE2\x80\xA6"));
    total += strlen(lines.items[i]) + 1;
  }
  assert_int_equal(total - 1, strlen(name));
  sc_text_lines_free(&lines);
  b.text = "{{issuer.name}}"; /* any other text is cut */
  lines = fit(*state, &b, name);
  assert_int_equal(lines.count, 1);
  assert_non_null(strstr(lines.items[0], "\xE2\x80\xA6"));
  sc_text_lines_free(&lines);
}

/* ---------------------------------------------------------------- template check */

typedef struct problems {
  char text[2048];
  size_t count;
} problems;

static void collect(void *ctx, const char *sentence) {
  problems *p = ctx;
  snprintf(p->text + strlen(p->text), sizeof p->text - strlen(p->text), "%s\n", sentence);
  p->count++;
}

/* Loads a layout (texts: the "text" array's items) and checks it; fails when it does not load. */
static problems check_layout(const char *shapes, const char *texts) {
  char dir[64], layout[4096];
  assert_true(make_temp_dir(dir, "layout"));
  snprintf(layout, sizeof layout,
           "{\"page\": {\"size\": \"A4\"}, \"shapes\": [%s], \"text\": [%s], "
           "\"qr\": {\"x\": 230, \"y\": 140}}",
           shapes, texts);
  FILE *f = NULL;
  char path[128];
  snprintf(path, sizeof path, "%s/template.json", dir);
  assert_non_null(f = fopen(path, "w"));
  fputs(layout, f);
  fclose(f);
  snprintf(path, sizeof path, "%s/achievement.json", dir);
  assert_non_null(f = fopen(path, "w"));
  fputs(achievement, f);
  fclose(f);
  sc_template *tpl = NULL;
  sc_error err = {0};
  if (sc_template_load(dir, &tpl, &err) != SC_OK)
    fail_msg("%s", err.message);
  problems p = {"", 0};
  size_t n = sc_template_check_layout(tpl, collect, &p);
  assert_int_equal(n, p.count);
  sc_template_free(tpl);
  remove_temp_dir(dir);
  return p;
}

static void the_shipped_templates_pass_the_check(void **state) {
  (void)state;
  const char *names[] = {"ai-fundamentals", "prompt-engineering", "responsible-ai"};
  for (size_t i = 0; i < 3; i++) {
    char dir[PATH_MAX];
    sc_template *tpl = NULL;
    sc_error err = {0};
    assert_int_equal(sc_template_find(NULL, names[i], dir, sizeof dir, &err), SC_OK);
    assert_int_equal(sc_template_load(dir, &tpl, &err), SC_OK);
    problems p = {"", 0};
    if (sc_template_check_layout(tpl, collect, &p))
      fail_msg("%s:\n%s", names[i], p.text);
    sc_template_free(tpl);
  }
}

static void overlapping_boxes_are_refused_naming_both_blocks(void **state) {
  (void)state;
  problems p = check_layout("", "{\"text\": \"{{recipient.name}}\", \"x\": 20, \"y\": 60, "
                                "\"size\": 30, \"max_width\": 150, \"max_lines\": 2},"
                                "{\"text\": \"has completed\", \"x\": 20, \"y\": 70, \"size\": 12, "
                                "\"max_width\": 100}");
  assert_int_equal(p.count, 1);
  assert_non_null(strstr(p.text, "text[0] \"{{recipient.name}}\" overlaps text[1] \"has "
                                 "completed\" by"));
}

static void a_box_across_a_rule_or_leaving_the_page_is_refused(void **state) {
  (void)state;
  problems p =
      check_layout("{\"x\": 20, \"y\": 62, \"width\": 100, \"height\": 0.5, "
                   "\"color\": \"#000000\"}",
                   "{\"text\": \"{{recipient.name}}\", \"x\": 20, \"y\": 60, \"size\": 30, "
                   "\"max_width\": 150},"
                   "{\"text\": \"{{issuer.name}}\", \"x\": 250, \"y\": 20, \"size\": 10, "
                   "\"max_width\": 60}");
  assert_int_equal(p.count, 2);
  assert_non_null(strstr(p.text, "text[0] \"{{recipient.name}}\" overlaps shapes[0] (a rule) by"));
  assert_non_null(strstr(p.text, "text[1] \"{{issuer.name}}\": its box"));
  assert_non_null(strstr(p.text, "leaves the page (297 x 210 mm)"));
}

static void text_on_a_band_passes_but_not_across_its_edge(void **state) {
  (void)state;
  problems p = check_layout("{\"x\": 0, \"y\": 0, \"width\": 297, \"height\": 40, "
                            "\"color\": \"#2E2A6B\"}",
                            "{\"text\": \"CERTIFICATE\", \"x\": 148.5, \"y\": 22, \"size\": 26, "
                            "\"max_width\": 180, \"align\": \"center\"},"
                            "{\"text\": \"ACROSS\", \"x\": 20, \"y\": 41, \"size\": 12, "
                            "\"max_width\": 100}");
  assert_int_equal(p.count, 1);
  assert_non_null(strstr(p.text, "text[1] \"ACROSS\" straddles the edge of shapes[0] (a band)"));
}

static void every_block_gets_a_box_from_the_page_and_its_lines(void **state) {
  (void)state;
  sc_tpl_text left = {.x = 30, .y = 50, .size = 10, .max_lines = 2, .line_height = 1.25f};
  sc_tpl_text centre = {.x = 250,
                        .y = 50,
                        .size = 10,
                        .max_lines = 1,
                        .line_height = 1.25f,
                        .align = SC_ALIGN_CENTER};
  /* template.c's defaults: 10 mm from the page's edges, max_lines at full size */
  char dir[64];
  assert_true(make_temp_dir(dir, "box"));
  FILE *f;
  char path[128];
  snprintf(path, sizeof path, "%s/template.json", dir);
  assert_non_null(f = fopen(path, "w"));
  fputs("{\"page\": {\"size\": \"A4\"}, \"text\": [{\"text\": \"a\", \"x\": 30, \"y\": 50, "
        "\"size\": 10, \"max_lines\": 2}, {\"text\": \"b\", \"x\": 250, \"y\": 50, \"size\": 10, "
        "\"align\": \"center\"}], \"qr\": {\"x\": 10, \"y\": 150}}",
        f);
  fclose(f);
  snprintf(path, sizeof path, "%s/achievement.json", dir);
  assert_non_null(f = fopen(path, "w"));
  fputs(achievement, f);
  fclose(f);
  sc_template *tpl = NULL;
  sc_error err = {0};
  assert_int_equal(sc_template_load(dir, &tpl, &err), SC_OK);
  left.max_width = 297 - 10 - 30;
  centre.max_width = 2 * (297 - 250 - 10);
  left.height = sc_text_lines_height(&left, 10, 2);
  centre.height = sc_text_lines_height(&centre, 10, 1);
  assert_float_equal(tpl->texts[0].max_width, left.max_width, 0.01);
  assert_float_equal(tpl->texts[1].max_width, centre.max_width, 0.01);
  assert_float_equal(tpl->texts[0].height, left.height, 0.01);
  assert_float_equal(tpl->texts[1].height, centre.height, 0.01);
  sc_template_free(tpl);
  remove_temp_dir(dir);
}

static void a_height_below_one_line_is_refused(void **state) {
  (void)state;
  char dir[64], path[128];
  assert_true(make_temp_dir(dir, "short"));
  FILE *f;
  snprintf(path, sizeof path, "%s/template.json", dir);
  assert_non_null(f = fopen(path, "w"));
  fputs("{\"page\": {\"size\": \"A4\"}, \"text\": [{\"text\": \"a\", \"x\": 30, \"y\": 50, "
        "\"size\": 30, \"height\": 5}], \"qr\": {\"x\": 10, \"y\": 150}}",
        f);
  fclose(f);
  snprintf(path, sizeof path, "%s/achievement.json", dir);
  assert_non_null(f = fopen(path, "w"));
  fputs(achievement, f);
  fclose(f);
  sc_template *tpl = NULL;
  sc_error err = {0};
  assert_int_equal(sc_template_load(dir, &tpl, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "template.json: text[0].height: expected a number from 14."));
  sc_template_free(tpl);
  remove_temp_dir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_short_name_is_one_line_at_full_size_on_its_baseline),
      cmocka_unit_test(a_long_name_shrinks_then_wraps_at_spaces_inside_its_box),
      cmocka_unit_test(text_without_spaces_breaks_between_characters),
      cmocka_unit_test(a_break_never_splits_a_grapheme_cluster),
      cmocka_unit_test(the_last_resort_is_an_ellipsis_inside_the_box),
      cmocka_unit_test(a_name_in_a_one_line_box_gets_smaller_and_wraps_rather_than_cut),
      cmocka_unit_test(the_shipped_templates_pass_the_check),
      cmocka_unit_test(overlapping_boxes_are_refused_naming_both_blocks),
      cmocka_unit_test(a_box_across_a_rule_or_leaving_the_page_is_refused),
      cmocka_unit_test(text_on_a_band_passes_but_not_across_its_edge),
      cmocka_unit_test(every_block_gets_a_box_from_the_page_and_its_lines),
      cmocka_unit_test(a_height_below_one_line_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
