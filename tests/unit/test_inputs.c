/*
 * Every form a certificate takes: sniffing by content, the PDF attachment reader (built PDFs
 * with every supported shape, and hostile ones), QR codes in PNG and photo-like JPEG images
 * (tests/data/inputs/, made by make-fixtures.sh), the dispatch to credential JSON including
 * link mode through a home's public/ folder, and the CSV report rows.
 */
#include "test_support.h"

#include <dirent.h>
#include <png.h>
#include <qpdf/qpdf-c.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tests/fuzz/inputs_check.h"
#include "verifier/verifier.h"

#define INPUTS "tests/data/inputs/"
#define CREDENTIAL "{\"id\":\"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e\",\"x\":\"\\u00e9\"}"

static void assert_error_mentions(const sc_error *err, const char *text) {
  if (!strstr(err->message, text))
    fail_msg("expected the error to mention \"%s\", got \"%s\"", text, err->message);
}

static void read_input(const char *name, sc_buf *out) {
  char path[256];
  snprintf(path, sizeof path, INPUTS "%s", name);
  sc_error err = {0};
  if (sc_read_file(path, (size_t)16 << 20, out, &err) != SC_OK)
    fail_msg("%s: %s", path, err.message);
}

/* ---------------------------------------------------------------- sniffing */

static sc_input_kind sniffed(const char *data, size_t len) {
  sc_input_kind kind = (sc_input_kind)-1;
  sc_error err = {0};
  if (sc_input_sniff((const uint8_t *)data, len, &kind, &err) != SC_OK)
    fail_msg("sniffing \"%.20s\" failed: %s", data, err.message);
  return kind;
}

static void sniffs_pdf_png_and_jpeg_by_their_magic_bytes(void **state) {
  (void)state;
  assert_int_equal(sniffed("%PDF-1.7\n", 9), SC_INPUT_PDF);
  assert_int_equal(sniffed("\x89PNG\r\n\x1a\n\0\0", 10), SC_INPUT_IMAGE);
  assert_int_equal(sniffed("\xff\xd8\xff\xe0", 4), SC_INPUT_IMAGE);
}

static void sniffs_json_after_white_space(void **state) {
  (void)state;
  assert_int_equal(sniffed("{}", 2), SC_INPUT_JSON);
  assert_int_equal(sniffed(" \r\n\t{\"a\":1}", 11), SC_INPUT_JSON);
}

static void sniffs_qr_text_and_urls_in_any_letter_case(void **state) {
  (void)state;
  assert_int_equal(sniffed("HTTPS://VERIFY.EXAMPLE.ORG/V/1ABC", 33), SC_INPUT_QR);
  assert_int_equal(sniffed("https://x.example/c/0f8f\n", 25), SC_INPUT_QR);
  assert_int_equal(sniffed("/V/1ABC", 7), SC_INPUT_QR);
  /* an array goes to the JSON intake, whose message is more precise than "unknown input" */
  assert_int_equal(sniffed(" [1,2]", 6), SC_INPUT_JSON);
  assert_int_equal(sniffed("Https://example.org/verify", 26), SC_INPUT_QR);
  assert_int_equal(sniffed("http://localhost:8080/", 22), SC_INPUT_QR);
}

static void refuses_what_is_none_of_the_forms(void **state) {
  (void)state;
  const char *bad[] = {"", "   \n", "hello world", "ftp://example.org/file", "GIF89a"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sc_input_kind kind;
    sc_error err = {0};
    assert_int_equal(sc_input_sniff((const uint8_t *)bad[i], strlen(bad[i]), &kind, &err),
                     SC_EDATA);
    assert_error_mentions(&err, "not a credential, certificate PDF, badge, QR text or image");
  }
  sc_input_kind kind;
  sc_error err = {0};
  assert_int_equal(sc_input_sniff((const uint8_t *)"/v/\0\x01", 5, &kind, &err), SC_EDATA);
}

/* ---------------------------------------------------------------- building PDFs */

typedef struct pdf_spec {
  const char *filter;      /* "" = none, else e.g. "/FlateDecode" or "[/FlateDecode]" */
  bool direct_length;      /* /Length 123 instead of 6 0 R */
  bool compress;           /* deflate the data (for /FlateDecode) */
  const char *name;        /* the name tree key and /F, "(credential.json)" */
  const char *names_extra; /* appended inside the /Names array */
  const char *trailer_extra;
  long length_delta;        /* added to the true /Length */
  const char *after_stream; /* bytes after the deflated data, inside /Length */
} pdf_spec;

static void append_fmt(sc_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append_fmt(sc_buf *out, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  assert_true(sc_buf_append_str(out, line));
}

static void deflate_into(const void *data, size_t len, sc_buf *out) {
  uLongf size = compressBound((uLong)len);
  unsigned char *space = malloc(size);
  assert_non_null(space);
  assert_int_equal(compress2(space, &size, data, (uLong)len, 9), Z_OK);
  assert_true(sc_buf_append(out, space, size));
  free(space);
}

/* Objects 5 (the embedded file stream) and 6 (its length), also used by incremental updates. */
static void append_file_objects(sc_buf *pdf, const pdf_spec *spec, const void *data, size_t len) {
  sc_buf stream = {0};
  if (spec->compress)
    deflate_into(data, len, &stream);
  if (spec->compress && spec->after_stream)
    assert_true(sc_buf_append_str(&stream, spec->after_stream));
  else if (!spec->compress)
    assert_true(sc_buf_append(&stream, data, len));
  long length = (long)stream.len + spec->length_delta;
  append_fmt(pdf, "5 0 obj\n<< /Type /EmbeddedFile /Subtype /application#2Fjson ");
  if (spec->direct_length)
    append_fmt(pdf, "/Length %ld ", length);
  else
    append_fmt(pdf, "/Length 6 0 R ");
  append_fmt(pdf, "%s%s >>\nstream\r\n", spec->filter[0] ? "/Filter " : "", spec->filter);
  assert_true(sc_buf_append(pdf, stream.data, stream.len));
  append_fmt(pdf, "\nendstream\nendobj\n6 0 obj\n%ld\nendobj\n", length);
  sc_buf_free(&stream);
}

static void build_pdf(const pdf_spec *spec, const char *data, sc_buf *pdf) {
  const char *name = spec->name ? spec->name : "(credential.json)";
  append_fmt(pdf, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
  append_fmt(pdf, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> "
                  ">>\nendobj\n");
  append_fmt(pdf, "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
  append_fmt(pdf, "3 0 obj\n<< /Names [%s 4 0 R%s] >>\nendobj\n", name,
             spec->names_extra ? spec->names_extra : "");
  append_fmt(pdf,
             "4 0 obj\n<< /Type /Filespec /F %s /UF %s /EF << /F 5 0 R /UF 5 0 R >> "
             ">>\nendobj\n",
             name, name);
  append_file_objects(pdf, spec, data, strlen(data));
  append_fmt(pdf,
             "xref\n0 7\n0000000000 65535 f\r\ntrailer\n<< /Size 7 /Root 1 0 R %s>>\n"
             "startxref\n0\n%%%%EOF\n",
             spec->trailer_extra ? spec->trailer_extra : "");
}

static int extract(const sc_buf *pdf, sc_buf *json, sc_error *err) {
  return sc_pdf_extract_credential(pdf->data, pdf->len, json, err);
}

static void assert_extracts(const pdf_spec *spec) {
  sc_buf pdf = {0}, json = {0};
  sc_error err = {0};
  build_pdf(spec, CREDENTIAL, &pdf);
  if (extract(&pdf, &json, &err) != SC_OK)
    fail_msg("extraction failed: %s", err.message);
  assert_int_equal(json.len, strlen(CREDENTIAL));
  assert_memory_equal(json.data, CREDENTIAL, json.len);
  sc_buf_free(&pdf);
  sc_buf_free(&json);
}

static void assert_refused(const sc_buf *pdf, const char *mention) {
  sc_buf json = {0};
  sc_error err = {0};
  assert_int_equal(extract(pdf, &json, &err), SC_EDATA);
  assert_error_mentions(&err, mention);
  assert_int_equal(json.len, 0);
  sc_buf_free(&json);
}

static void assert_spec_refused(const pdf_spec *spec, const char *mention) {
  sc_buf pdf = {0};
  build_pdf(spec, CREDENTIAL, &pdf);
  assert_refused(&pdf, mention);
  sc_buf_free(&pdf);
}

/* ---------------------------------------------------------------- PDF extraction */

static void extracts_a_flate_attachment_byte_exact(void **state) {
  (void)state;
  assert_extracts(&(pdf_spec){.filter = "/FlateDecode", .compress = true});
  assert_extracts(&(pdf_spec){.filter = "[ /FlateDecode ]", .compress = true});
}

static void extracts_an_unfiltered_attachment_with_a_direct_length(void **state) {
  (void)state;
  assert_extracts(&(pdf_spec){.filter = "", .direct_length = true});
  assert_extracts(&(pdf_spec){.filter = "[]", .direct_length = false});
}

static void finds_the_name_as_hex_or_utf16_string(void **state) {
  (void)state;
  assert_extracts(&(pdf_spec){.filter = "", .name = "<63726564656E7469616C2E6A736F6E>"});
  assert_extracts(&(pdf_spec){.filter = "",
                              .name = "<FEFF00630072006500640065006E0074006900"
                                      "61006C002E006A0073006F006E>"});
  assert_extracts(&(pdf_spec){.filter = "", .name = "(credential\\056json)"});
}

static void extracts_through_name_tree_kids(void **state) {
  (void)state;
  sc_buf pdf = {0}, json = {0};
  sc_error err = {0};
  build_pdf(&(pdf_spec){.filter = ""}, CREDENTIAL, &pdf);
  /* An incremental update: the tree root becomes a node whose kid is a leaf. */
  append_fmt(&pdf, "3 0 obj\n<< /Kids [7 0 R] >>\nendobj\n7 0 obj\n<< /Limits [(a)(z)] "
                   "/Names [(credential.json) 4 0 R] >>\nendobj\n");
  append_fmt(&pdf, "trailer\n<< /Size 8 /Root 1 0 R >>\n%%%%EOF\n");
  assert_int_equal(extract(&pdf, &json, &err), SC_OK);
  assert_string_equal((const char *)json.data, CREDENTIAL);
  sc_buf_free(&pdf);
  sc_buf_free(&json);
}

static void extracts_a_replaced_attachment(void **state) {
  (void)state;
  /* Someone swapped the attachment (an incremental update redefines objects 5 and 6): the
   * new bytes come out, and the signature check is what catches the swap. */
  const char *forged = "{\"id\":\"urn:uuid:forged\"}";
  sc_buf pdf = {0}, json = {0};
  sc_error err = {0};
  pdf_spec spec = {.filter = "/FlateDecode", .compress = true};
  build_pdf(&spec, CREDENTIAL, &pdf);
  append_file_objects(&pdf, &spec, forged, strlen(forged));
  append_fmt(&pdf, "trailer\n<< /Size 7 /Root 1 0 R >>\n%%%%EOF\n");
  assert_int_equal(extract(&pdf, &json, &err), SC_OK);
  assert_string_equal((const char *)json.data, forged);
  sc_buf_free(&pdf);
  sc_buf_free(&json);
}

static void says_clearly_when_a_pdf_has_no_attachment(void **state) {
  (void)state;
  const char *plain = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                      "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                      "trailer\n<< /Size 3 /Root 1 0 R >>\n%%EOF\n";
  sc_buf pdf = {0};
  assert_true(sc_buf_append_str(&pdf, plain));
  assert_refused(&pdf, "PDF has no credential.json attachment");
  sc_buf_free(&pdf);
  assert_spec_refused(&(pdf_spec){.filter = "", .name = "(photo.jpg)"},
                      "PDF has no credential.json attachment");
}

/* The name tree says credential.json, the file specification says otherwise: both names of the
 * specification are read (qpdf's returned strings are copied before the next call). */
static void refuses_a_file_specification_for_another_name(void **state) {
  (void)state;
  sc_buf pdf = {0};
  build_pdf(&(pdf_spec){.filter = ""}, CREDENTIAL, &pdf);
  append_fmt(&pdf, "4 0 obj\n<< /Type /Filespec /F (photo.jpg) /UF (picture.jpg) "
                   "/EF << /F 5 0 R >> >>\nendobj\ntrailer\n<< /Size 7 /Root 1 0 R >>\n");
  assert_refused(&pdf, "is a file specification for \"picture.jpg\"");
  sc_buf_free(&pdf);
}

static void refuses_unsupported_filters_by_name(void **state) {
  (void)state;
  assert_spec_refused(&(pdf_spec){.filter = "/LZWDecode"}, "/LZWDecode");
  assert_spec_refused(&(pdf_spec){.filter = "[/ASCIIHexDecode /FlateDecode]"}, "filter");
}

static void refuses_two_attachments_named_credential_json(void **state) {
  (void)state;
  assert_spec_refused(&(pdf_spec){.filter = "", .names_extra = " (credential.json) 4 0 R"},
                      "2 attachments named credential.json");
}

/* A wrong /Length is recovered the way PDF readers recover it (qpdf finds "endstream"): the
 * stream's true bytes come out, and the signature check judges them. */
static void assert_recovers_length(long length_delta) {
  sc_buf pdf = {0}, json = {0};
  sc_error err = {0};
  build_pdf(&(pdf_spec){.filter = "", .length_delta = length_delta}, CREDENTIAL, &pdf);
  if (extract(&pdf, &json, &err) != SC_OK)
    fail_msg("extraction failed: %s", err.message);
  /* qpdf's recovered length may keep the end-of-line before "endstream". */
  assert_true(json.len >= strlen(CREDENTIAL) && json.len <= strlen(CREDENTIAL) + 2);
  assert_memory_equal(json.data, CREDENTIAL, strlen(CREDENTIAL));
  sc_buf_free(&pdf);
  sc_buf_free(&json);
}

static void recovers_a_stream_whose_length_is_wrong(void **state) {
  (void)state;
  assert_recovers_length(-3);
  assert_recovers_length(100000);
}

static void refuses_corrupt_flate_data(void **state) {
  (void)state;
  assert_spec_refused(&(pdf_spec){.filter = "/FlateDecode", .compress = false}, "corrupt");
}

/* Bytes after the end of the zlib stream are not part of the credential, yet would travel with
 * it: refused, as after a QR payload's or a status list's stream (sc_inflate_capped). */
static void refuses_bytes_after_the_flate_stream(void **state) {
  (void)state;
  assert_spec_refused(
      &(pdf_spec){.filter = "/FlateDecode", .compress = true, .after_stream = "hidden"},
      "6 bytes of trailing data after the end of the zlib stream");
}

static void refuses_an_attachment_inflating_beyond_the_json_limit(void **state) {
  (void)state;
  size_t big = SC_JSON_MAX_BYTES + 1;
  char *zeros = calloc(1, big + 1);
  assert_non_null(zeros);
  memset(zeros, ' ', big);
  sc_buf pdf = {0};
  build_pdf(&(pdf_spec){.filter = "/FlateDecode", .compress = true}, zeros, &pdf);
  free(zeros);
  assert_true(pdf.len < 64 << 10); /* a bomb: small file, huge content */
  assert_refused(&pdf, "inflates to more than");
  sc_buf_free(&pdf);
}

static void refuses_encrypted_pdfs(void **state) {
  (void)state;
  assert_spec_refused(&(pdf_spec){.filter = "", .trailer_extra = "/Encrypt << /V 4 >> "},
                      "encrypt");
}

/* The PDF rewritten by libqpdf as qpdf --object-streams=generate rewrites it: objects in
 * compressed object streams, a cross-reference stream. (Linearizing needs a page, which these
 * PDFs lack: tests/e2e/verify_rewritten_pdfs.bats linearizes a real certificate.) */
static void rewrite_with_object_streams(const sc_buf *in, sc_buf *out) {
  qpdf_data q = qpdf_init();
  qpdf_silence_errors(q);
  qpdf_set_suppress_warnings(q, QPDF_TRUE);
  assert_false(qpdf_read_memory(q, "test", (const char *)in->data, in->len, NULL) & QPDF_ERRORS);
  assert_false(qpdf_init_write_memory(q) & QPDF_ERRORS);
  qpdf_set_object_stream_mode(q, qpdf_o_generate);
  assert_false(qpdf_write(q) & QPDF_ERRORS);
  assert_true(sc_buf_append(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q)));
  qpdf_cleanup(&q);
}

static bool contains(const sc_buf *buf, const char *text) {
  size_t n = strlen(text);
  for (size_t i = 0; i + n <= buf->len; i++)
    if (memcmp(buf->data + i, text, n) == 0)
      return true;
  return false;
}

static void extracts_from_compressed_object_streams(void **state) {
  (void)state;
  sc_buf pdf = {0}, rewritten = {0}, json = {0};
  sc_error err = {0};
  build_pdf(&(pdf_spec){.filter = "/FlateDecode", .compress = true}, CREDENTIAL, &pdf);
  rewrite_with_object_streams(&pdf, &rewritten);
  assert_true(contains(&rewritten, "/ObjStm"));
  if (extract(&rewritten, &json, &err) != SC_OK)
    fail_msg("extraction failed: %s", err.message);
  assert_string_equal((const char *)json.data, CREDENTIAL);
  sc_buf_free(&pdf);
  sc_buf_free(&rewritten);
  sc_buf_free(&json);
}

static void a_broken_object_stream_fails_clearly(void **state) {
  (void)state;
  sc_buf pdf = {0};
  assert_true(sc_buf_append_str(&pdf, "%PDF-1.5\n7 0 obj\n<< /Type /ObjStm /N 1 /First 4 "
                                      "/Length 3 >>\nstream\nabc\nendstream\nendobj\n"
                                      "8 0 obj\n<< /Type /XRef /Root 1 0 R /Length 0 >>\n"
                                      "stream\n\nendstream\nendobj\n"));
  assert_refused(&pdf, "PDF");
  sc_buf_free(&pdf);
}

static void survives_name_tree_cycles(void **state) {
  (void)state;
  sc_buf pdf = {0};
  build_pdf(&(pdf_spec){.filter = ""}, CREDENTIAL, &pdf);
  append_fmt(&pdf, "3 0 obj\n<< /Kids [3 0 R] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n");
  assert_refused(&pdf, "cycle");
  sc_buf_free(&pdf);
}

static void every_truncation_of_a_pdf_fails_safely(void **state) {
  (void)state;
  sc_buf pdf = {0};
  build_pdf(&(pdf_spec){.filter = "/FlateDecode", .compress = true}, CREDENTIAL, &pdf);
  for (size_t len = 0; len < pdf.len; len++)
    assert_true(fuzz_check_pdf_extract(pdf.data, len));
  sc_buf_free(&pdf);
}

static void garbage_and_deep_nesting_fail_safely(void **state) {
  (void)state;
  sc_buf pdf = {0};
  assert_true(sc_buf_append_str(&pdf, "%PDF-1.7\n1 0 obj\n"));
  for (int i = 0; i < 100000; i++)
    assert_true(sc_buf_append_str(&pdf, "[<<"));
  assert_true(sc_buf_append_str(&pdf, "\n2 0 obj (unterminated 3 0 obj << /Names"));
  uint32_t seed = 12345;
  for (int i = 0; i < 200000; i++) {
    seed = seed * 1103515245u + 12345u;
    assert_true(sc_buf_append_byte(&pdf, (unsigned char)(seed >> 16)));
  }
  assert_refused(&pdf, "PDF");
  sc_buf_free(&pdf);
}

/* ---------------------------------------------------------------- images */

static void assert_reads_qr(const char *image_name) {
  sc_buf image = {0}, expected = {0}, text = {0};
  sc_error err = {0};
  read_input(image_name, &image);
  read_input("qr.txt", &expected);
  if (sc_image_read_qr(image.data, image.len, &text, &err) != SC_OK)
    fail_msg("%s: %s", image_name, err.message);
  assert_string_equal((const char *)text.data, (const char *)expected.data);
  sc_buf_free(&image);
  sc_buf_free(&expected);
  sc_buf_free(&text);
}

static void reads_the_qr_code_of_a_png(void **state) {
  (void)state;
  assert_reads_qr("qr.png");
}

static void reads_the_qr_code_of_a_photo_like_jpeg(void **state) {
  (void)state;
  assert_reads_qr("qr-photo.jpg"); /* scaled 70 %, rotated 4°, noisy */
}

static void says_when_an_image_has_no_qr_code(void **state) {
  (void)state;
  unsigned char white[64 * 48];
  memset(white, 255, sizeof white);
  png_image png = {
      .version = PNG_IMAGE_VERSION, .width = 64, .height = 48, .format = PNG_FORMAT_GRAY};
  png_alloc_size_t size = 0;
  assert_true(png_image_write_get_memory_size(png, size, 0, white, 0, NULL));
  unsigned char *encoded = malloc(size);
  assert_non_null(encoded);
  assert_true(png_image_write_to_memory(&png, encoded, &size, 0, white, 0, NULL));
  sc_buf text = {0};
  sc_error err = {0};
  assert_int_equal(sc_image_read_qr(encoded, size, &text, &err), SC_EDATA);
  assert_error_mentions(&err, "no QR code found");
  free(encoded);
  sc_buf_free(&text);
}

/* Puts big-endian v at p. */
static void put_be(unsigned char *p, uint32_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; i--, v >>= 8)
    p[i] = (unsigned char)v;
}

static void refuses_images_of_hostile_dimensions_before_decoding(void **state) {
  (void)state;
  sc_buf image = {0}, text = {0};
  sc_error err = {0};
  read_input("qr.png", &image); /* IHDR: width at 16, height at 20, CRC of 12..29 at 29 */
  put_be(image.data + 16, 60000, 4);
  put_be(image.data + 20, 60000, 4);
  put_be(image.data + 29, (uint32_t)crc32(0, image.data + 12, 17), 4);
  assert_int_equal(sc_image_read_qr(image.data, image.len, &text, &err), SC_EDATA);
  assert_error_mentions(&err, "60000 x 60000");
  sc_buf_free(&image);

  read_input("qr-photo.jpg", &image);
  size_t sof = 2;
  while (sof + 9 < image.len && !(image.data[sof] == 0xff && (image.data[sof + 1] & 0xf0) == 0xc0 &&
                                  image.data[sof + 1] != 0xc4 && image.data[sof + 1] != 0xc8 &&
                                  image.data[sof + 1] != 0xcc))
    sof++;
  assert_true(sof + 9 < image.len);
  put_be(image.data + sof + 5, 65000, 2); /* height */
  put_be(image.data + sof + 7, 65000, 2); /* width */
  assert_int_equal(sc_image_read_qr(image.data, image.len, &text, &err), SC_EDATA);
  assert_error_mentions(&err, "65000 x 65000");
  sc_buf_free(&image);
  sc_buf_free(&text);
}

static void truncated_and_damaged_images_fail_safely(void **state) {
  (void)state;
  const char *names[] = {"qr.png", "qr-photo.jpg"};
  for (size_t n = 0; n < 2; n++) {
    sc_buf image = {0};
    read_input(names[n], &image);
    for (size_t len = 0; len < image.len; len += 1 + len / 8)
      assert_true(fuzz_check_image_qr(image.data, len));
    for (size_t at = 0; at < image.len; at += 97) {
      image.data[at] ^= 0x5a; /* damage accumulates */
      assert_true(fuzz_check_image_qr(image.data, image.len));
    }
    sc_buf_free(&image);
  }
}

/* ---------------------------------------------------------------- dispatch */

static int to_credential(const void *data, size_t len, const sc_verify_options *opts, sc_buf *json,
                         char *describe, sc_error *err) {
  return sc_input_to_credential(data, len, opts, json, describe, 128, err);
}

static void passes_json_through_and_pdfs_to_their_attachment(void **state) {
  (void)state;
  sc_buf json = {0}, pdf = {0};
  sc_error err = {0};
  char describe[128];
  assert_int_equal(to_credential("{\"a\":1}", 7, NULL, &json, describe, &err), SC_OK);
  assert_string_equal((const char *)json.data, "{\"a\":1}");
  assert_string_equal(describe, "credential JSON");
  build_pdf(&(pdf_spec){.filter = "/FlateDecode", .compress = true}, CREDENTIAL, &pdf);
  assert_int_equal(to_credential(pdf.data, pdf.len, NULL, &json, describe, &err), SC_OK);
  assert_string_equal((const char *)json.data, CREDENTIAL);
  assert_string_equal(describe, "PDF certificate (credential.json attachment)");
  sc_buf_free(&json);
  sc_buf_free(&pdf);
}

static void decodes_embedded_qr_text_and_images_offline(void **state) {
  (void)state;
  sc_buf qr = {0}, json = {0}, image = {0};
  sc_error err = {0};
  char describe[128];
  read_input("qr.txt", &qr);
  assert_int_equal(to_credential(qr.data, qr.len, NULL, &json, describe, &err), SC_OK);
  assert_string_equal(describe, "QR code (embedded credential)");
  json_t *cred = NULL;
  assert_int_equal(sc_json_parse((const char *)json.data, json.len, "qr", &cred, &err), SC_OK);
  assert_non_null(json_object_get(cred, "proof"));
  json_decref(cred);
  read_input("qr-photo.jpg", &image);
  sc_buf again = {0};
  assert_int_equal(to_credential(image.data, image.len, NULL, &again, describe, &err), SC_OK);
  assert_string_equal(describe, "image → QR code (embedded credential)");
  assert_string_equal((const char *)again.data, (const char *)json.data);
  sc_buf_free(&qr);
  sc_buf_free(&json);
  sc_buf_free(&image);
  sc_buf_free(&again);
}

/* A home public/ folder in a temporary directory holding c/<uuid>.json. */
typedef struct published {
  char dir[64], public_dir[128], file[256];
} published;

static void publish(published *p, const char *uuid, const char *content) {
  assert_true(make_temp_dir(p->dir, "inputs"));
  snprintf(p->public_dir, sizeof p->public_dir, "%s/public", p->dir);
  assert_int_equal(mkdir(p->public_dir, 0700), 0);
  char c_dir[160];
  snprintf(c_dir, sizeof c_dir, "%s/c", p->public_dir);
  assert_int_equal(mkdir(c_dir, 0700), 0);
  snprintf(p->file, sizeof p->file, "%s/%s.json", c_dir, uuid);
  FILE *f = fopen(p->file, "w");
  assert_non_null(f);
  fputs(content, f);
  fclose(f);
}

static void unpublish(published *p) {
  remove_temp_dir(p->dir);
}

static void loads_link_mode_credentials_from_the_published_folder(void **state) {
  (void)state;
  published p;
  publish(&p, "0f8fad5b-d9cb-469f-a165-70867728950e", CREDENTIAL);
  char cache[128];
  snprintf(cache, sizeof cache, "%s/cache", p.dir);
  sc_status_source src = {.home_public = p.public_dir,
                          .home_url = "https://acme.example",
                          .offline = true,
                          .cache_dir = cache};
  sc_verify_options opts = {.status = &src};
  const char *text = "HTTPS://ACME.EXAMPLE/C/0F8FAD5B-D9CB-469F-A165-70867728950E\n";
  sc_buf json = {0};
  sc_error err = {0};
  char describe[128];
  if (to_credential(text, strlen(text), &opts, &json, describe, &err) != SC_OK)
    fail_msg("link mode: %s", err.message);
  assert_string_equal((const char *)json.data, CREDENTIAL);
  assert_string_equal(describe,
                      "QR code (link mode: "
                      "https://acme.example/c/0f8fad5b-d9cb-469f-a165-70867728950e.json)");
  /* Without a source, and for a credential that is not published, the input is unreadable. */
  assert_int_equal(to_credential(text, strlen(text), NULL, &json, describe, &err), SC_ENOINPUT);
  const char *other = "HTTPS://ACME.EXAMPLE/C/11111111-2222-4333-8444-555555555555";
  assert_int_equal(to_credential(other, strlen(other), &opts, &json, describe, &err), SC_ENOINPUT);
  assert_error_mentions(&err, "cannot load https://acme.example/c/11111111");
  assert_int_equal(json.len, 0);
  sc_buf_free(&json);
  unpublish(&p); /* the cache folder too */
}

static void refuses_a_published_credential_with_another_id(void **state) {
  (void)state;
  published p;
  publish(&p, "11111111-2222-4333-8444-555555555555", CREDENTIAL);
  sc_status_source src = {.home_public = p.public_dir,
                          .home_url = "https://acme.example",
                          .offline = true,
                          .cache_dir = p.dir};
  sc_verify_options opts = {.status = &src};
  const char *text = "https://acme.example/c/11111111-2222-4333-8444-555555555555";
  sc_buf json = {0};
  sc_error err = {0};
  assert_int_equal(to_credential(text, strlen(text), &opts, &json, NULL, &err), SC_EDATA);
  assert_error_mentions(&err, "holds urn:uuid:0f8fad5b");
  sc_buf_free(&json);
  unpublish(&p);
}

/* ---------------------------------------------------------------- CSV report */

static char *csv_of(const sc_verification *v, const char *input) {
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  assert_non_null(out);
  sc_report_csv_header(out);
  sc_error err = {0};
  assert_int_equal(sc_report_csv_row(out, input, v, &err), SC_OK);
  fclose(out);
  return text;
}

static void writes_rfc4180_rows_with_quotes_commas_and_line_breaks(void **state) {
  (void)state;
  sc_verification v;
  memset(&v, 0, sizeof v);
  v.exit_code = SC_EREVOKED;
  v.summary.recipient_name = "Zoë \"Zed\" Łukasiewicz";
  v.summary.achievement_name = "AI, Fundamentals";
  v.summary.issuer_id = "did:key:z6Mk";
  v.check_count = 2;
  v.checks[0] = (sc_check){.name = "proof", .state = SC_CHECK_PASSED};
  v.checks[1] = (sc_check){.name = "status", .state = SC_CHECK_FAILED, .code = SC_EREVOKED};
  snprintf(v.checks[1].message, sizeof v.checks[1].message, "revoked on 2025-01-02\nby admin");
  char *csv = csv_of(&v, "certs/a b.pdf");
  assert_string_equal(csv, "input,verdict,exit code,recipient,achievement,issuer,reason\r\n"
                           "\"certs/a b.pdf\",\"REVOKED\",\"2\",\"Zoë \"\"Zed\"\" Łukasiewicz\","
                           "\"AI, Fundamentals\",\"did:key:z6Mk\",\"revoked on 2025-01-02\n"
                           "by admin\"\r\n");
  free(csv);
}

static void defuses_cells_that_would_start_a_spreadsheet_formula(void **state) {
  (void)state;
  sc_verification v;
  memset(&v, 0, sizeof v);
  v.summary.recipient_name = "=HYPERLINK(\"http://evil\")";
  v.summary.issuer_name = "@SUM(A1)";
  char *csv = csv_of(&v, "-");
  assert_non_null(strstr(csv, "\"'=HYPERLINK(\"\"http://evil\"\")\""));
  assert_non_null(strstr(csv, "\"'@SUM(A1)\""));
  assert_non_null(strstr(csv, "\"'-\",\"VALID\",\"0\""));
  free(csv);
}

/* ---------------------------------------------------------------- fuzz corpora */

static bool pdf_check(void *ctx, const uint8_t *data, size_t len) {
  (void)ctx;
  return fuzz_check_pdf_extract(data, len);
}

static bool image_check(void *ctx, const uint8_t *data, size_t len) {
  (void)ctx;
  return fuzz_check_image_qr(data, len);
}

static void replays_the_pdf_and_image_fuzz_corpora(void **state) {
  (void)state;
  assert_true(replay_corpus("tests/fuzz/corpus/fuzz_pdf_extract", pdf_check, NULL) >= 3);
  assert_true(replay_corpus("tests/fuzz/corpus/fuzz_image_qr", image_check, NULL) >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sniffs_pdf_png_and_jpeg_by_their_magic_bytes),
      cmocka_unit_test(sniffs_json_after_white_space),
      cmocka_unit_test(sniffs_qr_text_and_urls_in_any_letter_case),
      cmocka_unit_test(refuses_what_is_none_of_the_forms),
      cmocka_unit_test(extracts_a_flate_attachment_byte_exact),
      cmocka_unit_test(extracts_an_unfiltered_attachment_with_a_direct_length),
      cmocka_unit_test(finds_the_name_as_hex_or_utf16_string),
      cmocka_unit_test(extracts_through_name_tree_kids),
      cmocka_unit_test(extracts_a_replaced_attachment),
      cmocka_unit_test(says_clearly_when_a_pdf_has_no_attachment),
      cmocka_unit_test(refuses_a_file_specification_for_another_name),
      cmocka_unit_test(refuses_unsupported_filters_by_name),
      cmocka_unit_test(refuses_two_attachments_named_credential_json),
      cmocka_unit_test(recovers_a_stream_whose_length_is_wrong),
      cmocka_unit_test(refuses_corrupt_flate_data),
      cmocka_unit_test(refuses_bytes_after_the_flate_stream),
      cmocka_unit_test(refuses_an_attachment_inflating_beyond_the_json_limit),
      cmocka_unit_test(refuses_encrypted_pdfs),
      cmocka_unit_test(extracts_from_compressed_object_streams),
      cmocka_unit_test(a_broken_object_stream_fails_clearly),
      cmocka_unit_test(survives_name_tree_cycles),
      cmocka_unit_test(every_truncation_of_a_pdf_fails_safely),
      cmocka_unit_test(garbage_and_deep_nesting_fail_safely),
      cmocka_unit_test(reads_the_qr_code_of_a_png),
      cmocka_unit_test(reads_the_qr_code_of_a_photo_like_jpeg),
      cmocka_unit_test(says_when_an_image_has_no_qr_code),
      cmocka_unit_test(refuses_images_of_hostile_dimensions_before_decoding),
      cmocka_unit_test(truncated_and_damaged_images_fail_safely),
      cmocka_unit_test(passes_json_through_and_pdfs_to_their_attachment),
      cmocka_unit_test(decodes_embedded_qr_text_and_images_offline),
      cmocka_unit_test(loads_link_mode_credentials_from_the_published_folder),
      cmocka_unit_test(refuses_a_published_credential_with_another_id),
      cmocka_unit_test(writes_rfc4180_rows_with_quotes_commas_and_line_breaks),
      cmocka_unit_test(defuses_cells_that_would_start_a_spreadsheet_formula),
      cmocka_unit_test(replays_the_pdf_and_image_fuzz_corpora),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
