/* Shaping: the glyphs a certificate draws are the glyphs HarfBuzz's own hb-shape gives for
 * the same text and font file (Devanagari conjuncts, Arabic joining, Thai marks). */
#include "test_support.h"

#include "issuer/issuer.h"
#include "issuer/pdf_internal.h"

#include <stdio.h>

static int setup(void **state) {
  sc_error err = {0};
  sc_pdf_renderer *r = sc_pdf_renderer_new(&err);
  if (!r) {
    fprintf(stderr, "setup: %s\n", err.message);
    return -1;
  }
  *state = r;
  return 0;
}

static int teardown(void **state) {
  sc_pdf_renderer_free(*state);
  return 0;
}

/* "[60|88|27]" from hb-shape --no-glyph-names into gids; the count. */
static size_t hb_shape_glyphs(const char *font_file, const char *text, uint32_t *gids, size_t cap) {
  char command[PATH_MAX + 512];
  snprintf(command, sizeof command,
           "hb-shape --output-format=text --no-positions --no-clusters --no-glyph-names "
           "'%s' '%s'",
           font_file, text);
  FILE *p = popen(command, "r");
  assert_non_null(p);
  char out[4096] = "";
  size_t len = fread(out, 1, sizeof out - 1, p);
  out[len] = '\0';
  assert_int_equal(pclose(p), 0);
  size_t n = 0;
  for (char *c = out; *c && n < cap; c++)
    if (*c >= '0' && *c <= '9')
      gids[n++] = (uint32_t)strtoul(c, &c, 10);
  return n;
}

static void assert_shaped_like_hb_shape(sc_pdf_renderer *r, const char *text, int family, bool bold,
                                        const char *font_name) {
  sc_text_style style = {family, bold, 20, {0, 0, 0}};
  uint32_t drawn[64], expected[64];
  size_t count = 0;
  const char *file = NULL;
  sc_error err = {0};
  if (sc_text_glyphs(r, text, &style, drawn, 64, &count, &file, &err) != SC_OK)
    fail_msg("%s: %s", text, err.message);
  assert_non_null(file);
  if (!strstr(file, font_name))
    fail_msg("%s: drawn with %s, expected %s", text, file, font_name);
  size_t n = hb_shape_glyphs(file, text, expected, 64);
  assert_true(n > 0);
  if (n != count || memcmp(drawn, expected, n * sizeof *drawn) != 0) {
    char a[512] = "", b[512] = "";
    for (size_t i = 0; i < count; i++)
      snprintf(a + strlen(a), sizeof a - strlen(a), "%u ", drawn[i]);
    for (size_t i = 0; i < n; i++)
      snprintf(b + strlen(b), sizeof b - strlen(b), "%u ", expected[i]);
    fail_msg("%s: drew %s, hb-shape gives %s", text, a, b);
  }
}

/* क्ष is one conjunct glyph, not क + ् + ष. */
static void devanagari_conjunct_is_drawn_as_hb_shape_shapes_it(void **state) {
  assert_shaped_like_hb_shape(*state, "क्षत्रिय", 0, false, "NotoSansDevanagari-Regular");
  assert_shaped_like_hb_shape(*state, "क्षत्रिय", 1, true, "NotoSerifDevanagari-Bold");
}

/* Initial, medial and final forms, right to left. */
static void arabic_joining_is_drawn_as_hb_shape_shapes_it(void **state) {
  assert_shaped_like_hb_shape(*state, "محمد", 0, false, "NotoSansArabic-Regular");
  assert_shaped_like_hb_shape(*state, "محمد", 0, true, "NotoSansArabic-Bold");
}

/* Stacked marks above and below. */
static void thai_marks_are_drawn_as_hb_shape_shapes_them(void **state) {
  assert_shaped_like_hb_shape(*state, "สมศักดิ์", 0, false, "NotoSansThai-Regular");
  assert_shaped_like_hb_shape(*state, "สมศักดิ์", 1, false, "NotoSerifThai-Regular");
}

static void cjk_names_use_noto_cjk_with_its_bold(void **state) {
  assert_shaped_like_hb_shape(*state, "王小明", 0, true, "NotoSansCJK-Bold.ttc");
  assert_shaped_like_hb_shape(*state, "김민준", 1, false, "NotoSerifCJK-Regular.ttc");
}

static void every_listed_script_has_a_font(void **state) {
  static const char *const names[] = {
      "Zoë Łukasiewicz", "Nguyễn Thị Minh Khai",
      "Siti Nurhaliza",  "ꦱꦸꦒꦶꦪꦺꦴ",
      "محمد بن سلمان",   "דוד בן גוריון",
      "अनुष्का शर्मा",      "রবীন্দ্রনাথ ঠাকুর",
      "முத்துலட்சுமி",     "สมศักดิ์ ใจดี",
      "王小明",          "山田 太郎",
      "すずき はなこ",   "김민준",
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    sc_error err = {0};
    if (sc_pdf_check_text(*state, names[i], "name", &err) != SC_OK)
      fail_msg("%s: %s", names[i], err.message);
  }
}

/* A renderer serving several templates measures a line in the fonts of the template at hand,
 * not in those of the template it measured the line for before. */
static void widths_follow_the_templates_own_fonts(void **state) {
  sc_pdf_renderer *r = *state;
  static sc_template brand; /* only its fonts matter here */
  brand.font_files[SC_SLOT_SANS] = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  sc_text_style style = {0, false, 20, {0, 0, 0}};
  float system = 0, own = 0, again = 0;
  sc_error err = {0};
  assert_int_equal(sc_fonts_for_template(r, NULL, &err), SC_OK);
  assert_int_equal(sc_text_width(r, "Zoë Łukasiewicz", &style, &system, &err), SC_OK);
  assert_int_equal(sc_fonts_for_template(r, &brand, &err), SC_OK);
  assert_int_equal(sc_text_width(r, "Zoë Łukasiewicz", &style, &own, &err), SC_OK);
  assert_int_equal(sc_fonts_for_template(r, NULL, &err), SC_OK);
  assert_int_equal(sc_text_width(r, "Zoë Łukasiewicz", &style, &again, &err), SC_OK);
  assert_true(own > system * 1.05f); /* DejaVu Sans Bold is wider than Noto Sans */
  assert_true(again == system);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(devanagari_conjunct_is_drawn_as_hb_shape_shapes_it),
      cmocka_unit_test(arabic_joining_is_drawn_as_hb_shape_shapes_it),
      cmocka_unit_test(thai_marks_are_drawn_as_hb_shape_shapes_them),
      cmocka_unit_test(cjk_names_use_noto_cjk_with_its_bold),
      cmocka_unit_test(every_listed_script_has_a_font),
      cmocka_unit_test(widths_follow_the_templates_own_fonts),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
