/* PDF certificates: determinism, attachment, fonts and their refusals, size, QR codes. */
#include "test_support.h"

#include "issuer/issuer.h"
#include "issuer/pdf_internal.h"

typedef struct fixture {
  sc_template *tpl;
  sc_pdf_renderer *renderer;
} fixture;

static int setup(void **state) {
  static fixture f;
  sc_error err = {0};
  char dir[PATH_MAX];
  if (sc_template_find(NULL, "ai-fundamentals", dir, sizeof dir, &err) != SC_OK ||
      sc_template_load(dir, &f.tpl, &err) != SC_OK || !(f.renderer = sc_pdf_renderer_new(&err))) {
    fprintf(stderr, "setup: %s\n", err.message);
    return -1;
  }
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  sc_pdf_renderer_free(f->renderer);
  sc_template_free(f->tpl);
  return 0;
}

static json_t *credential_for(const fixture *f, const char *name) {
  json_t *cred =
      json_pack("{s:s, s:{s:s, s:s}, s:s, s:{s:[{s:s, s:s}], s:O}}", "id",
                "urn:uuid:5b1c0d36-8f0e-4b8a-9d6e-2f4c1a7e9b30", "issuer", "id",
                "did:key:z6MkExample", "name", "Acme AI Academy", "validFrom",
                "2026-11-28T01:47:56Z", "credentialSubject", "identifier", "identityType", "name",
                "identityHash", name, "achievement", sc_template_achievement(f->tpl));
  assert_non_null(cred);
  return cred;
}

static const char qr_text[] = "HTTPS://VERIFY.EXAMPLE.ORG/C/5B1C0D36-8F0E-4B8A-9D6E-2F4C1A7E9B30";

/* Renders the certificate of cred (released here) with the QR code of qr. */
static int render_credential(fixture *f, json_t *cred, const char *qr, sc_buf *pdf, sc_error *err) {
  char *json = json_dumps(cred, JSON_COMPACT);
  sc_certificate cert = {cred, json, strlen(json), qr, NULL, NULL, NULL};
  int rc = sc_pdf_render(f->renderer, f->tpl, &cert, pdf, err);
  free(json);
  json_decref(cred);
  return rc;
}

static int render(fixture *f, const char *name, sc_buf *pdf, sc_error *err) {
  return render_credential(f, credential_for(f, name), qr_text, pdf, err);
}

static bool contains(const sc_buf *buf, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= buf->len; i++)
    if (memcmp(buf->data + i, needle, n) == 0)
      return true;
  return false;
}

static size_t occurrences(const sc_buf *buf, const char *needle) {
  size_t n = strlen(needle), count = 0;
  for (size_t i = 0; i + n <= buf->len; i++)
    count += memcmp(buf->data + i, needle, n) == 0;
  return count;
}

static void renders_identical_bytes_for_the_same_input(void **state) {
  fixture *f = *state;
  sc_buf first = {0}, second = {0}, third = {0};
  sc_error err = {0};
  assert_int_equal(render(f, "Zoë Łukasiewicz", &first, &err), SC_OK);
  assert_int_equal(render(f, "王小明", &second, &err), SC_OK); /* other glyphs in between */
  assert_int_equal(render(f, "Zoë Łukasiewicz", &third, &err), SC_OK);
  assert_true(first.len > 1000);
  assert_int_equal(first.len, third.len);
  assert_memory_equal(first.data, third.data, first.len);
  sc_buf_free(&first);
  sc_buf_free(&second);
  sc_buf_free(&third);
}

/* The renderer keeps recently compressed streams; what it reuses must be what a renderer
 * that never saw them writes, also after the cache has turned over. */
static void a_renderer_with_cached_streams_writes_what_a_fresh_one_writes(void **state) {
  fixture *f = *state;
  sc_buf warm = {0}, fresh = {0}, other = {0};
  sc_error err = {0};
  static const char *const names[] = {"Ada Lovelace",         "Дмитрий Иванов", "Ζωή Παπαδοπούλου",
                                      "Nguyễn Thị Minh Khai", "山田太郎",       "김민준",
                                      "Grace Hopper",         "Alan Turing"};
  for (int round = 0; round < 3; round++)
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
      assert_int_equal(render(f, names[i], &other, &err), SC_OK);
  assert_int_equal(render(f, "Zoë Łukasiewicz", &warm, &err), SC_OK);
  sc_pdf_renderer *kept = f->renderer;
  assert_non_null(f->renderer = sc_pdf_renderer_new(&err));
  assert_int_equal(render(f, "Zoë Łukasiewicz", &fresh, &err), SC_OK);
  sc_pdf_renderer_free(f->renderer);
  f->renderer = kept;
  assert_int_equal(warm.len, fresh.len);
  assert_memory_equal(warm.data, fresh.data, warm.len);
  sc_buf_free(&warm);
  sc_buf_free(&fresh);
  sc_buf_free(&other);
}

/* A certificate like render()'s, for another credential id and date. */
static int render_other(fixture *f, const char *id, const char *date, sc_buf *pdf, sc_error *err) {
  json_t *cred = credential_for(f, "Zoë Łukasiewicz");
  json_object_set_new(cred, "id", json_string(id));
  json_object_set_new(cred, "validFrom", json_string(date));
  return render_credential(f, cred, qr_text, pdf, err);
}

/* In a batch, certificates differ in their ids (and, across days, their dates' digits): the
 * digits must not make the fonts that draw them differ, or every certificate compresses
 * those fonts again. */
static void certificates_differing_in_id_and_date_reuse_every_font_stream(void **state) {
  fixture *f = *state;
  sc_buf pdf = {0};
  sc_error err = {0};
  assert_int_equal(render_other(f, "urn:uuid:00000000-0000-4000-8000-000000000000",
                                "2026-01-01T00:00:00Z", &pdf, &err),
                   SC_OK);
  uint64_t before = f->renderer->flate.misses;
  assert_int_equal(render_other(f, "urn:uuid:9f8e7d6c-5b4a-4321-8fed-cba987654321",
                                "2027-01-31T23:59:59Z", &pdf, &err),
                   SC_OK);
  assert_int_equal(f->renderer->flate.misses, before);
  sc_buf_free(&pdf);
}

static void expect_inflates_to(const sc_buf *packed, const char *text) {
  unsigned char back[256];
  uLongf len = sizeof back;
  assert_int_equal(uncompress(back, &len, packed->data, (uLong)packed->len), Z_OK);
  assert_int_equal(len, strlen(text));
  assert_memory_equal(back, text, len);
}

static void stream_cache_tells_apart_streams_of_equal_length(void **state) {
  (void)state;
  sc_flate f = {0};
  sc_error err = {0};
  const sc_buf *packed;
  const char *a = "<0001> <0041>\n", *b = "<0001> <0042>\n";
  for (int round = 0; round < 2; round++) {
    assert_int_equal(sc_flate_cached(&f, a, strlen(a), &packed, &err), SC_OK);
    expect_inflates_to(packed, a);
    assert_int_equal(sc_flate_cached(&f, b, strlen(b), &packed, &err), SC_OK);
    expect_inflates_to(packed, b);
  }
  for (int i = 0; i < 3 * SC_FLATE_CACHE; i++) { /* turn the cache over */
    char other[32];
    snprintf(other, sizeof other, "stream %d", i);
    assert_int_equal(sc_flate_cached(&f, other, strlen(other), &packed, &err), SC_OK);
    expect_inflates_to(packed, other);
  }
  assert_int_equal(sc_flate_cached(&f, a, strlen(a), &packed, &err), SC_OK);
  expect_inflates_to(packed, a);
  sc_flate_free(&f);
}

static void attaches_the_credential_with_a_proper_file_spec(void **state) {
  fixture *f = *state;
  sc_buf pdf = {0};
  sc_error err = {0};
  assert_int_equal(render(f, "Ada Lovelace", &pdf, &err), SC_OK);
  assert_true(contains(&pdf, "/Type /Filespec"));
  assert_false(contains(&pdf, "/Type /F\n"));
  assert_true(contains(&pdf, "(credential.json)"));
  assert_true(contains(&pdf, "/EmbeddedFiles"));
  assert_true(contains(&pdf, "/Subtype /application#2Fjson"));
  assert_true(contains(&pdf, "/CreationDate (D:20261128014756Z"));
  sc_buf_free(&pdf);
}

/* U+1F680 (rocket): no installed font has it. (U+1F600 is drawn: DejaVu Sans, in the chain,
 * has the Emoticons block.) */
static void check_text_refuses_emoji_naming_the_field(void **state) {
  fixture *f = *state;
  sc_error err = {0};
  assert_int_equal(sc_pdf_check_text(f->renderer, "Zoë \xF0\x9F\x9A\x80", "recipient name", &err),
                   SC_EDATA);
  assert_string_equal(err.message, "recipient name: cannot draw U+1F680 (no font has it)");
  assert_int_equal(sc_pdf_check_text(f->renderer, "a\x01z", "name", &err), SC_EDATA);
}

static void check_text_accepts_every_supported_script(void **state) {
  fixture *f = *state;
  static const char *const names[] = {
      "Zoë Łukasiewicz", "Nguyễn Thị Minh Khai", "Анна Каренина", "Ελένη Παπαδοπούλου",
      "דוד בן גוריון",   "محمد بن سلمان",        "王小明",        "山田 太郎",
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    sc_error err = {0};
    if (sc_pdf_check_text(f->renderer, names[i], "name", &err) != SC_OK)
      fail_msg("%s: %s", names[i], err.message);
  }
}

static void render_refuses_a_name_no_font_can_draw(void **state) {
  fixture *f = *state;
  sc_buf pdf = {0};
  sc_error err = {0};
  assert_int_equal(render(f, "\xF0\x9F\x9A\x80 Rocket", &pdf, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "recipient name: cannot draw U+1F680"));
  sc_buf_free(&pdf);
  assert_int_equal(render(f, "Ada Lovelace", &pdf, &err), SC_OK); /* renderer still usable */
  sc_buf_free(&pdf);
}

static void latin_and_cjk_certificates_stay_small(void **state) {
  fixture *f = *state;
  sc_buf pdf = {0};
  sc_error err = {0};
  assert_int_equal(render(f, "Zoë Łukasiewicz", &pdf, &err), SC_OK);
  assert_in_range(pdf.len, 1000, 120 * 1024);
  assert_int_equal(render(f, "王小明 山田太郎", &pdf, &err), SC_OK);
  assert_in_range(pdf.len, 1000, 300 * 1024);
  sc_buf_free(&pdf);
}

/* Renders with qr, rasterises at 150 dpi (pdftoppm) and scans (zbarimg): the same text. */
static void scan_round_trip(fixture *f, const char *qr) {
  sc_buf pdf = {0};
  sc_error err = {0};
  if (render_credential(f, credential_for(f, "Ada Lovelace"), qr, &pdf, &err) != SC_OK)
    fail_msg("render: %s", err.message);
  char dir[64], path[96], command[3 * 64 + 128], scanned[4096] = "";
  assert_true(make_temp_dir(dir, "qr"));
  snprintf(path, sizeof path, "%s/c.pdf", dir);
  assert_int_equal(sc_write_file_atomic(path, pdf.data, pdf.len, 0600, &err), SC_OK);
  snprintf(
      command, sizeof command,
      "pdftoppm -r 150 -png -singlefile %s/c.pdf %s/c && zbarimg --raw -q %s/c.png 2>/dev/null",
      dir, dir, dir);
  FILE *scan = popen(command, "r");
  assert_non_null(scan);
  size_t n = fread(scanned, 1, sizeof scanned - 1, scan);
  pclose(scan);
  scanned[n] = '\0';
  while (n && scanned[n - 1] == '\n')
    scanned[--n] = '\0';
  assert_string_equal(scanned, qr);
  assert_int_equal(remove_temp_dir(dir), 0);
  sc_buf_free(&pdf);
}

static void qr_code_scans_back_to_its_text(void **state) {
  fixture *f = *state;
  scan_round_trip(f, qr_text);
  /* Near the largest code the design allows (version 20-M holds 970 alphanumerics). */
  char big[951] = "HTTPS://VERIFY.EXAMPLE.ORG/V/1";
  for (size_t i = strlen(big); i < sizeof big - 1; i++)
    big[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(i * 7) % 32];
  big[sizeof big - 1] = '\0';
  scan_round_trip(f, big);
}

static void qr_uses_the_smallest_version_at_level_m(void **state) {
  (void)state;
  sc_qr_code qr;
  sc_error err = {0};
  assert_int_equal(sc_qr_make(qr_text, SC_QR_MAX_VERSION, &qr, &err), SC_OK);
  /* 66 alphanumeric characters: version 4 holds 90 at level M, version 3 only 61. */
  assert_int_equal(qr.version, 4);
  assert_int_equal(qr.width, 17 + 4 * qr.version);
  sc_qr_free(&qr);
}

static void qr_refuses_text_above_the_maximum_version(void **state) {
  (void)state;
  char text[1200];
  memset(text, 'A', sizeof text - 1);
  text[sizeof text - 1] = '\0';
  sc_qr_code qr;
  sc_error err = {0};
  assert_int_equal(sc_qr_make(text, 20, &qr, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "needs QR version"));
  assert_non_null(strstr(err.message, "(max 20)"));
  assert_null(qr.modules);
}

/* Renders the certificate of the fixture's credential with the home's verify URL (or none). */
static void render_with_verify_url(fixture *f, const char *verify_url, sc_buf *pdf) {
  json_t *cred = credential_for(f, "Zoë Łukasiewicz");
  char *json = json_dumps(cred, JSON_COMPACT);
  sc_certificate cert = {cred, json, strlen(json), qr_text, NULL, verify_url, NULL};
  sc_error err = {0};
  assert_int_equal(sc_pdf_render(f->renderer, f->tpl, &cert, pdf, &err), SC_OK);
  free(json);
  json_decref(cred);
}

/* https://verify.example.org/C/<uuid> as libharu writes it: every '/' escaped as \057 */
static const char short_link[] = "/URI (https:\\057\\057verify.example.org\\057C\\057"
                                 "5b1c0d36-8f0e-4b8a-9d6e-2f4c1a7e9b30)";

static void qr_code_and_printed_url_link_to_the_verification_page(void **state) {
  fixture *f = *state;
  sc_buf pdf = {0};
  render_with_verify_url(f, "https://verify.example.org/", &pdf);
  /* two links (the code, the URL under it), both without a border */
  assert_int_equal(occurrences(&pdf, short_link), 2);
  assert_true(contains(&pdf, "/Border [ 0 0 0 ]"));
  sc_buf_free(&pdf);
}

static void without_a_verify_url_no_link_is_added(void **state) {
  fixture *f = *state;
  sc_buf pdf = {0};
  render_with_verify_url(f, NULL, &pdf);
  assert_false(contains(&pdf, "/URI"));
  assert_false(contains(&pdf, "/Annots"));
  sc_buf_free(&pdf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(renders_identical_bytes_for_the_same_input),
      cmocka_unit_test(a_renderer_with_cached_streams_writes_what_a_fresh_one_writes),
      cmocka_unit_test(stream_cache_tells_apart_streams_of_equal_length),
      cmocka_unit_test(certificates_differing_in_id_and_date_reuse_every_font_stream),
      cmocka_unit_test(attaches_the_credential_with_a_proper_file_spec),
      cmocka_unit_test(check_text_refuses_emoji_naming_the_field),
      cmocka_unit_test(check_text_accepts_every_supported_script),
      cmocka_unit_test(render_refuses_a_name_no_font_can_draw),
      cmocka_unit_test(latin_and_cjk_certificates_stay_small),
      cmocka_unit_test(qr_code_scans_back_to_its_text),
      cmocka_unit_test(qr_uses_the_smallest_version_at_level_m),
      cmocka_unit_test(qr_refuses_text_above_the_maximum_version),
      cmocka_unit_test(qr_code_and_printed_url_link_to_the_verification_page),
      cmocka_unit_test(without_a_verify_url_no_link_is_added),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
