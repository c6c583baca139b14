/* E-mail texts with placeholders (issuer/mail_texts.c): filled in once, HTML-escaped in HTML,
 * a line whose placeholder has no value left out, unknown placeholders named; a template's
 * mail.json chosen by language and checked whole. */
#include "test_support.h"

#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sc_mail_message values(void) {
  return (sc_mail_message){.from_name = "Acme & Co",
                           .from_addr = "certs@acme.example",
                           .to_name = "Ada <Lovelace>",
                           .to_addr = "ada@example.org",
                           .achievement = "AI Fundamentals",
                           .credential_id = "urn:uuid:1",
                           .verify_url = "https://acme.example/C/1",
                           .linkedin_url = "https://www.linkedin.com/profile/add?a=1&b=2"};
}

static char *expand(const char *text, const sc_mail_message *m, bool html) {
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_mail_expand(text, m, html, true, &out, &err), SC_OK);
  assert_true(sc_buf_append_byte(&out, 0));
  return (char *)out.data;
}

static void placeholders_are_filled_in_and_escaped_only_in_html(void **state) {
  (void)state;
  sc_mail_message m = values();
  char *text = expand("Hello {name}, from {issuer}: {linkedin_url}", &m, false);
  assert_string_equal(text, "Hello Ada <Lovelace>, from Acme & Co: "
                            "https://www.linkedin.com/profile/add?a=1&b=2");
  char *html = expand("<p>Hello {name}, from {issuer}</p><a href=\"{linkedin_url}\">", &m, true);
  assert_string_equal(html, "<p>Hello Ada &lt;Lovelace&gt;, from Acme &amp; Co</p>"
                            "<a href=\"https://www.linkedin.com/profile/add?a=1&amp;b=2\">");
  free(text);
  free(html);
}

static void a_value_is_never_read_for_placeholders(void **state) {
  (void)state;
  sc_mail_message m = values();
  m.to_name = "{verify_url} {claim_url}";
  char *text = expand("Hello {name}", &m, false);
  assert_string_equal(text, "Hello {verify_url} {claim_url}");
  free(text);
}

static void a_line_whose_placeholder_has_no_value_is_left_out(void **state) {
  (void)state;
  sc_mail_message m = values();
  const char *body = "Hello {name}\n\nClaim it: {claim_url}\n\nCheck it: {verify_url}\n";
  char *text = expand(body, &m, false);
  /* the claim line and the blank line after it are gone; lines end in CRLF */
  assert_string_equal(text, "Hello Ada <Lovelace>\r\n\r\nCheck it: https://acme.example/C/1\r\n");
  m.claim_url = "https://acme.example/claim/x";
  free(text);
  text = expand(body, &m, false);
  assert_non_null(strstr(text, "Claim it: https://acme.example/claim/x\r\n"));
  free(text);
}

static void an_unknown_placeholder_is_named(void **state) {
  (void)state;
  sc_mail_message m = values();
  sc_buf out = {0};
  sc_error err = {0};
  assert_int_equal(sc_mail_expand("Hi {nmae}", &m, false, true, &out, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "{nmae}"));
  /* braces that are no placeholder stay as they are */
  assert_int_equal(sc_mail_expand("a {b c} {} {", &m, false, true, &out, &err), SC_OK);
  assert_true(sc_buf_append_byte(&out, 0));
  assert_string_equal((char *)out.data, "a {b c} {} {");
  sc_buf_free(&out);
}

static void write_text(const char *dir, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void mail_json_is_chosen_by_language_then_the_templates(void **state) {
  (void)state;
  char dir[64];
  assert_true(make_temp_dir(dir, "mailtexts"));
  sc_mail_texts t = {0};
  sc_error err = {0};
  assert_int_equal(sc_mail_texts_load(dir, "id", "en", &t, &err), SC_OK);
  assert_null(t.subject); /* no mail.json: the built-in texts */
  write_text(
      dir, "mail.json",
      "{\"en\": {\"subject\": \"Yours: {achievement}\", \"text\": [\"Hi {name}\", \"Bye\"],"
      " \"html\": \"<p>Hi {name}</p>\"},"
      " \"id\": {\"subject\": \"Milik Anda\", \"text\": \"Halo\", \"html\": \"<p>Halo</p>\"}}");
  assert_int_equal(sc_mail_texts_load(dir, "id", "en", &t, &err), SC_OK);
  assert_string_equal(t.subject, "Milik Anda");
  assert_string_equal(t.language, "id");
  sc_mail_texts_free(&t);
  assert_int_equal(sc_mail_texts_load(dir, NULL, "en", &t, &err), SC_OK);
  assert_string_equal(t.text, "Hi {name}\nBye");
  assert_string_equal(t.language, "en");
  sc_mail_texts_free(&t);
  /* an unknown placeholder in a language not asked for is still found, with file and field */
  write_text(dir, "mail.json",
             "{\"en\": {\"subject\": \"s\", \"text\": \"t\", \"html\": \"h\"},"
             " \"id\": {\"subject\": \"s\", \"text\": \"t {claim_link}\", \"html\": \"h\"}}");
  assert_int_equal(sc_mail_texts_load(dir, "en", "en", &t, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "mail.json: id.text: unknown placeholder {claim_link}"));
  assert_null(t.subject);
  write_text(dir, "mail.json", "{\"en\": {\"subject\": \"s\", \"text\": \"t\"}}");
  assert_int_equal(sc_mail_texts_load(dir, "en", "en", &t, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "en.html"));
  assert_int_equal(remove_temp_dir(dir), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(placeholders_are_filled_in_and_escaped_only_in_html),
      cmocka_unit_test(a_value_is_never_read_for_placeholders),
      cmocka_unit_test(a_line_whose_placeholder_has_no_value_is_left_out),
      cmocka_unit_test(an_unknown_placeholder_is_named),
      cmocka_unit_test(mail_json_is_chosen_by_language_then_the_templates),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
