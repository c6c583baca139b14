/*
 * The "page" check of a PDF certificate (verifier/pdf_page_check.c, docs/verify.md "What the
 * page shows") on small PDFs built here: Helvetica text lines, a /Creator, no QR code. What
 * counts as showing a name — whole words for other tools' PDFs, whole lines on skillcert's —
 * and what a page without text, or a skillcert page without a QR code, gets.
 */
#include "test_support.h"

#include "issuer/issuer.h"
#include "verifier/verifier.h"

/* A one-page PDF of size (a MediaBox array) with each of lines (Latin-1 text) on a line of
 * its own, and creator. */
static void build_sized_page(const char *creator, const char *size, const char *const *lines,
                             sc_buf *pdf) {
  sc_buf content = {0};
  sc_buf_append_str(&content, "BT /F1 24 Tf 80 480 Td");
  for (size_t i = 0; lines[i]; i++) {
    char line[256];
    snprintf(line, sizeof line, "%s (%s) Tj", i ? " 0 -40 Td" : "", lines[i]);
    sc_buf_append_str(&content, line);
  }
  sc_buf_append_str(&content, " ET");
  char objects[6][512];
  snprintf(objects[0], sizeof objects[0], "<< /Type /Catalog /Pages 2 0 R >>");
  snprintf(objects[1], sizeof objects[1], "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  snprintf(objects[2], sizeof objects[2],
           "<< /Type /Page /Parent 2 0 R /MediaBox %s "
           "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
           size);
  snprintf(objects[3], sizeof objects[3],
           "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  snprintf(objects[4], sizeof objects[4], "<< /Length %zu >>\nstream\n%.*s\nendstream", content.len,
           (int)content.len, (const char *)content.data);
  snprintf(objects[5], sizeof objects[5], "<< /Creator (%s) >>", creator);
  sc_buf_reset(pdf);
  sc_buf_append_str(pdf, "%PDF-1.7\n");
  size_t offsets[6];
  for (size_t i = 0; i < 6; i++) {
    char head[32];
    offsets[i] = pdf->len;
    snprintf(head, sizeof head, "%zu 0 obj\n", i + 1);
    sc_buf_append_str(pdf, head);
    sc_buf_append_str(pdf, objects[i]);
    sc_buf_append_str(pdf, "\nendobj\n");
  }
  size_t xref = pdf->len;
  sc_buf_append_str(pdf, "xref\n0 7\n0000000000 65535 f \n");
  for (size_t i = 0; i < 6; i++) {
    char entry[32];
    snprintf(entry, sizeof entry, "%010zu 00000 n \n", offsets[i]);
    sc_buf_append_str(pdf, entry);
  }
  char trailer[128];
  snprintf(trailer, sizeof trailer,
           "trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
  sc_buf_append_str(pdf, trailer);
  sc_buf_free(&content);
}

/* A landscape A4 page. */
static void build_page(const char *creator, const char *const *lines, sc_buf *pdf) {
  build_sized_page(creator, "[0 0 842 595]", lines, pdf);
}

/* A verification of a credential to name for achievement, as the pipeline leaves it. */
static void credential_for(const char *name, const char *achievement, sc_verification *v) {
  memset(v, 0, sizeof *v);
  v->credential = json_pack("{s:s, s:{s:s, s:{s:s}}}", "id", "urn:uuid:test", "credentialSubject",
                            "name", name, "achievement", "name", achievement);
  assert_non_null(v->credential);
  sc_credential_summarize(v->credential, &v->summary);
}

/* The page check's result for a page of lines made by creator. */
static const sc_check *page_check(const char *creator, const char *const *lines, const char *name,
                                  const char *achievement, sc_verification *v) {
  sc_buf pdf = {0};
  build_page(creator, lines, &pdf);
  credential_for(name, achievement, v);
  sc_check_pdf_page(v, pdf.data, pdf.len);
  sc_buf_free(&pdf);
  assert_int_equal(v->check_count, 1);
  assert_string_equal(v->checks[0].name, "page");
  return &v->checks[0];
}

static void assert_page_passes(const char *creator, const char *const *lines, const char *name,
                               const char *achievement) {
  sc_verification v;
  const sc_check *check = page_check(creator, lines, name, achievement, &v);
  if (check->state != SC_CHECK_PASSED)
    fail_msg("expected the page to show \"%s\": %s", name, check->message);
  assert_int_equal(v.exit_code, SC_OK);
  sc_verification_free(&v);
}

static void assert_page_fails(const char *creator, const char *const *lines, const char *name,
                              const char *achievement, const char *mention) {
  sc_verification v;
  const sc_check *check = page_check(creator, lines, name, achievement, &v);
  assert_int_equal(check->state, SC_CHECK_FAILED);
  assert_int_equal(v.exit_code, SC_EINVALID);
  if (!strstr(check->message, mention))
    fail_msg("expected \"%s\" in: %s", mention, check->message);
  sc_verification_free(&v);
}

static void another_tools_page_needs_only_show_the_name(void **state) {
  (void)state;
  const char *page[] = {"Certificate of completion", "awarded to", "Ann Lee", "for Cooking", NULL};
  assert_page_passes("Word", page, "Ann Lee", "AI Fundamentals");
  const char *capitals[] = {"CERTIFICATE", "ANN LEE", NULL};
  assert_page_passes("Word", capitals, "Ann Lee", "AI Fundamentals");
  const char *sentence[] = {"This certifies that Ann Lee, of Leeds, took the course.", NULL};
  assert_page_passes("Word", sentence, "Ann Lee", "AI Fundamentals");
}

static void a_name_is_found_wrapped_over_two_lines(void **state) {
  (void)state;
  const char *page[] = {"Maria Fernanda de los", "Angeles Rodriguez", "has completed", NULL};
  assert_page_passes("Word", page, "Maria Fernanda de los Angeles Rodriguez", "X");
  assert_page_passes("skillcert-like", page, "Maria  Fernanda de los\nAngeles Rodriguez", "X");
}

static void a_name_inside_a_longer_word_is_not_shown(void **state) {
  (void)state;
  const char *page[] = {"Certificate", "Joanne Leeds", NULL};
  assert_page_fails("Word", page, "Ann Lee", "X",
                    "the page does not show the credential's name (\"Ann Lee\")");
  const char *other[] = {"Certificate", "Bob Smith", NULL};
  assert_page_fails("Word", other, "Ann Lee", "X", "name (\"Ann Lee\")");
}

/* The name quoted in the message is cut to 150 bytes, never inside a UTF-8 sequence: the JSON
 * report needs UTF-8. */
static void a_long_name_is_quoted_as_whole_characters(void **state) {
  (void)state;
  char name[512] = "A";
  for (int i = 0; i < 100; i++)
    strcat(name, "\xc5\x82"); /* ł */
  sc_verification v;
  const char *page[] = {"Bob", NULL};
  const sc_check *check = page_check("Word", page, name, "X", &v);
  assert_int_equal(check->state, SC_CHECK_FAILED);
  json_t *message = json_string(check->message);
  assert_non_null(message); /* jansson accepts only valid UTF-8 */
  json_decref(message);
  sc_verification_free(&v);
}

static void a_page_without_text_shows_no_name(void **state) {
  (void)state;
  const char *page[] = {NULL};
  assert_page_fails("Word", page, "Ann Lee", "X", "name (\"Ann Lee\")");
}

/* On skillcert's own pages the achievement must be a line of its own (the title), not words
 * of the description; and the QR code must be there. */
static void a_skillcert_page_shows_the_achievement_as_its_own_line(void **state) {
  (void)state;
  const char *page[] = {"Ann Lee", "has completed", "Cooking",
                        "Awarded for the 12-hour AI Fundamentals course.", NULL};
  assert_page_fails("skillcert", page, "Ann Lee", "AI Fundamentals",
                    "the page does not show the credential's achievement (\"AI Fundamentals\")");
  const char *title[] = {"Ann Lee", "has completed", "AI Fundamentals", NULL};
  assert_page_fails("skillcert", title, "Ann Lee", "AI Fundamentals",
                    "no QR code could be read on the page");
  const char *inline_name[] = {"Awarded to Ann Lee", "AI Fundamentals", NULL};
  assert_page_fails("skillcert", inline_name, "Ann Lee", "AI Fundamentals", "name (\"Ann Lee\")");
}

/* 200 inches square at 150 dpi would be 900 million pixels: it is read at a lower
 * resolution instead, and its text as any other. */
static void a_huge_page_is_rendered_smaller_not_refused(void **state) {
  (void)state;
  const char *page[] = {"Certificate", "Ann Lee", NULL};
  sc_buf pdf = {0};
  build_sized_page("Word", "[0 0 14400 14400]", page, &pdf);
  sc_verification v;
  credential_for("Ann Lee", "X", &v);
  sc_check_pdf_page(&v, pdf.data, pdf.len);
  assert_int_equal(v.check_count, 1);
  if (v.checks[0].state != SC_CHECK_PASSED)
    fail_msg("%s", v.checks[0].message);
  sc_pdf_page read;
  assert_int_equal(sc_pdf_page_read(pdf.data, pdf.len, 150, &read, NULL), SC_OK);
  assert_true((double)read.width * read.height <= 12e6);
  sc_pdf_page_free(&read);
  sc_verification_free(&v);
  sc_buf_free(&pdf);
}

/* A white A4 page at 150 dpi with text-like stripes and text's QR code of module pixels per
 * module at (left, top). */
static void draw_page(const char *text, unsigned module, unsigned left, unsigned top,
                      sc_pdf_page *page) {
  memset(page, 0, sizeof *page);
  page->width = 1754, page->height = 1240;
  page->grey = malloc((size_t)page->width * page->height);
  assert_non_null(page->grey);
  memset(page->grey, 255, (size_t)page->width * page->height);
  for (unsigned y = 100; y < 125; y++) /* a line of "text": busy across, one line tall */
    for (unsigned x = 200; x < 1500; x++)
      page->grey[(size_t)y * page->width + x] = (x / 3 + y / 5) % 3 ? 255 : 0;
  sc_qr_code qr = {0};
  assert_int_equal(sc_qr_make(text, 20, &qr, NULL), SC_OK);
  for (int my = 0; my < qr.width; my++)
    for (int mx = 0; mx < qr.width; mx++)
      if (qr.modules[my * qr.width + mx])
        for (unsigned y = 0; y < module; y++)
          memset(page->grey + (size_t)(top + (unsigned)my * module + y) * page->width + left +
                     (unsigned)mx * module,
                 0, module);
  sc_qr_free(&qr);
}

/* The QR code is found where it is, or, too small to be looked for, on the whole page; the
 * text is the same either way. */
static void a_pages_qr_code_is_read_wherever_it_is(void **state) {
  (void)state;
  const char *text = "HTTPS://ACME.EXAMPLE/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4BC";
  /* A version-3 code: 29 modules, 145 px at 5 px a module (looked for), 87 px at 3 (not). */
  const unsigned sizes[][3] = {{5, 1300, 700}, {5, 40, 40}, {6, 800, 300}, {3, 900, 900}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    sc_pdf_page page;
    draw_page(text, sizes[i][0], sizes[i][1], sizes[i][2], &page);
    sc_buf read = {0};
    sc_error err = {0};
    if (sc_page_read_qr(&page, 2, &read, &err) != SC_OK)
      fail_msg("case %zu: %s", i, err.message);
    assert_int_equal(read.len, strlen(text));
    assert_memory_equal(read.data, text, read.len);
    sc_buf_free(&read);
    sc_pdf_page_free(&page);
  }
}

static void only_pdfs_with_a_credential_are_checked(void **state) {
  (void)state;
  sc_verification v;
  credential_for("Ann Lee", "X", &v);
  const char json[] = "{\"a\":1}";
  sc_check_pdf_page(&v, (const uint8_t *)json, sizeof json - 1);
  assert_int_equal(v.check_count, 0);
  sc_verification_free(&v);
  memset(&v, 0, sizeof v); /* no credential (the input stopped before) */
  const char *page[] = {"Bob", NULL};
  sc_buf pdf = {0};
  build_page("Word", page, &pdf);
  sc_check_pdf_page(&v, pdf.data, pdf.len);
  assert_int_equal(v.check_count, 0);
  sc_buf_free(&pdf);
}

/* The input path reads a PDF after a UTF-8 byte order mark; so does the page check. */
static void a_pdf_after_a_byte_order_mark_is_checked(void **state) {
  (void)state;
  const char *page[] = {"Bob Smith", NULL};
  sc_buf pdf = {0}, marked = {0};
  build_page("Word", page, &pdf);
  sc_buf_append_str(&marked, "\xef\xbb\xbf");
  sc_buf_append(&marked, pdf.data, pdf.len);
  sc_verification v;
  credential_for("Ann Lee", "X", &v);
  sc_check_pdf_page(&v, marked.data, marked.len);
  assert_int_equal(v.check_count, 1);
  assert_int_equal(v.checks[0].state, SC_CHECK_FAILED);
  sc_verification_free(&v);
  sc_buf_free(&pdf);
  sc_buf_free(&marked);
}

static void a_pdf_poppler_cannot_read_fails_the_check(void **state) {
  (void)state;
  sc_verification v;
  credential_for("Ann Lee", "X", &v);
  const char junk[] = "%PDF-1.7\nnot a pdf at all";
  sc_check_pdf_page(&v, (const uint8_t *)junk, sizeof junk - 1);
  assert_int_equal(v.check_count, 1);
  assert_int_equal(v.checks[0].state, SC_CHECK_FAILED);
  assert_non_null(strstr(v.checks[0].message, "the page cannot be read"));
  sc_verification_free(&v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(another_tools_page_needs_only_show_the_name),
      cmocka_unit_test(a_name_is_found_wrapped_over_two_lines),
      cmocka_unit_test(a_name_inside_a_longer_word_is_not_shown),
      cmocka_unit_test(a_long_name_is_quoted_as_whole_characters),
      cmocka_unit_test(a_page_without_text_shows_no_name),
      cmocka_unit_test(a_skillcert_page_shows_the_achievement_as_its_own_line),
      cmocka_unit_test(a_huge_page_is_rendered_smaller_not_refused),
      cmocka_unit_test(a_pages_qr_code_is_read_wherever_it_is),
      cmocka_unit_test(only_pdfs_with_a_credential_are_checked),
      cmocka_unit_test(a_pdf_after_a_byte_order_mark_is_checked),
      cmocka_unit_test(a_pdf_poppler_cannot_read_fails_the_check),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
