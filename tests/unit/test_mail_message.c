/* Certificate e-mails as MIME (issuer/mail_message.c): names in headers as RFC 2047
 * encoded-words split between characters, CRLF lines, nothing that could end a header. */
#include "test_support.h"

#include "issuer/issuer.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static sc_mail_message message(const char *to_name) {
  static const sc_mail_attachment files[] = {{"credential.json", "application/json", "{}", 2}};
  return (sc_mail_message){.from_name = "Acme AI Academy",
                           .from_addr = "certs@acme.example",
                           .to_name = to_name,
                           .to_addr = "learner@example.org",
                           .subject = "Your certificate: AI Fundamentals",
                           .text = "Hello",
                           .html = "<p>Hello</p>",
                           .attachments = files,
                           .attachment_count = 1,
                           .date = 1796428800};
}

/* The To header, continuation lines joined ("\r\n " removed). */
static char *to_header(const char *msg) {
  const char *start = strstr(msg, "\r\nTo: ") + 6;
  const char *end = start;
  while (!(end[0] == '\r' && end[1] == '\n' && end[2] != ' '))
    end++;
  return strndup(start, (size_t)(end - start));
}

static void a_long_non_latin_name_is_split_between_characters(void **state) {
  (void)state;
  /* 33 Devanagari characters of 3 bytes: 99 bytes, more than one encoded-word holds. */
  const char *name = "अनीता शर्मा अनीता शर्मा अनीता शर्मा";
  sc_mail_message m = message(name);
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_mail_build(&m, &out, &err), SC_OK);
  char *to = to_header((const char *)out.data);
  char decoded[512] = "";
  int words = 0;
  for (char *w = strstr(to, "=?UTF-8?B?"); w; w = strstr(w, "=?UTF-8?B?")) {
    char *end = strstr(w + 10, "?=");
    assert_non_null(end);
    assert_true(end + 2 - w <= 75); /* RFC 2047 2: an encoded-word is at most 75 characters */
    unsigned char bytes[129];
    int n = EVP_DecodeBlock(bytes, (unsigned char *)w + 10, (int)(end - w - 10));
    assert_true(n > 0);
    while (n > 0 && end[-1] == '=' && bytes[n - 1] == 0) /* EVP_DecodeBlock keeps padding */
      n--, end--;
    /* each word is whole UTF-8: it neither starts nor ends inside a character */
    assert_true((bytes[0] & 0xc0) != 0x80);
    bytes[n] = '\0';
    assert_int_equal(sc_text_check((char *)bytes, "word", 0, &err), SC_OK);
    strncat(decoded, (char *)bytes, (size_t)n);
    words++;
    w = strstr(w + 10, "?=") + 2;
  }
  assert_true(words >= 2);
  assert_string_equal(decoded, name);
  assert_non_null(strstr(to, "<learner@example.org>"));
  free(to);
  sc_buf_free(&out);
}

static void every_line_ends_in_crlf(void **state) {
  (void)state;
  sc_mail_message m = message("John Smith");
  sc_buf out = {0};
  assert_int_equal(sc_mail_build(&m, &out, NULL), SC_OK);
  const char *p = (const char *)out.data;
  size_t line = 0;
  for (size_t i = 0; i < out.len; i++, line++) {
    if (p[i] == '\n') {
      assert_true(i > 0 && p[i - 1] == '\r');
      line = 0;
    }
    assert_true(line < 998);
  }
  assert_non_null(strstr(p, "\r\nTo: \"John Smith\" <learner@example.org>\r\n"));
  assert_non_null(strstr(p, "\r\nDate: Sat, 05 Dec 2026 00:00:00 +0000\r\n"));
  sc_buf_free(&out);
}

static void a_quote_in_a_plain_name_is_escaped(void **state) {
  (void)state;
  sc_mail_message m = message("Jo \"JJ\" Smith");
  sc_buf out = {0};
  assert_int_equal(sc_mail_build(&m, &out, NULL), SC_OK);
  assert_non_null(strstr((char *)out.data, "To: \"Jo \\\"JJ\\\" Smith\" <learner@example.org>"));
  sc_buf_free(&out);
}

static void a_line_break_in_a_name_or_subject_is_refused(void **state) {
  (void)state;
  sc_buf out = {0};
  sc_error err = {0};
  sc_mail_message m = message("Eve\r\nBcc: everyone@example.org");
  assert_int_equal(sc_mail_build(&m, &out, &err), SC_EDATA);
  assert_int_equal(out.len, 0);
  m = message("Eve");
  m.subject = "Hi\nBcc: everyone@example.org";
  assert_int_equal(sc_mail_build(&m, &out, &err), SC_EDATA);
  m = message("Eve");
  m.to_addr = "eve@example.org>\r\nBcc: x@example.org";
  assert_int_equal(sc_mail_build(&m, &out, &err), SC_EDATA);
  assert_int_equal(out.len, 0);
  sc_buf_free(&out);
}

/* The text/plain part of msg, decoded. */
static char *plain_part(const char *msg) {
  const char *start = strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n");
  assert_non_null(start);
  start = strstr(start, "\r\n\r\n") + 4;
  const char *end = strstr(start, "\r\n--");
  char *b64 = strndup(start, (size_t)(end - start)), *w = b64;
  for (const char *r = b64; *r; r++) /* the base64 lines joined */
    if (*r != '\r' && *r != '\n')
      *w++ = *r;
  *w = '\0';
  unsigned char *text = calloc(1, strlen(b64) + 1);
  assert_true(EVP_DecodeBlock(text, (unsigned char *)b64, (int)strlen(b64)) >= 0);
  free(b64);
  return (char *)text;
}

static void the_claim_link_is_filled_in_when_given_and_its_line_left_out_when_not(void **state) {
  (void)state;
  sc_mail_message m = message("Ada");
  m.subject = "Your certificate: {achievement}";
  m.achievement = "AI Fundamentals";
  m.text = "Hello {name}\nClaim it: {claim_url}\nBye\n";
  sc_buf out = {0};
  assert_int_equal(sc_mail_build(&m, &out, NULL), SC_OK);
  assert_true(sc_buf_append_byte(&out, 0));
  assert_non_null(strstr((char *)out.data, "\r\nSubject: Your certificate: AI Fundamentals\r\n"));
  char *text = plain_part((char *)out.data);
  assert_non_null(strstr(text, "Hello Ada\r\nBye\r\n"));
  assert_null(strstr(text, "Claim"));
  free(text);
  sc_buf_free(&out);
  m.claim_url = "https://acme.example/claim/abc";
  assert_int_equal(sc_mail_build(&m, &out, NULL), SC_OK);
  assert_true(sc_buf_append_byte(&out, 0));
  text = plain_part((char *)out.data);
  assert_non_null(strstr(text, "Hello Ada\r\nClaim it: https://acme.example/claim/abc\r\nBye"));
  free(text);
  sc_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_long_non_latin_name_is_split_between_characters),
      cmocka_unit_test(every_line_ends_in_crlf),
      cmocka_unit_test(a_quote_in_a_plain_name_is_escaped),
      cmocka_unit_test(a_line_break_in_a_name_or_subject_is_refused),
      cmocka_unit_test(the_claim_link_is_filled_in_when_given_and_its_line_left_out_when_not),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
