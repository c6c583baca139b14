/* The QR payload codec: <VERIFY-URL>/V/1<BASE32 of raw DEFLATE with the v1 dictionary of the
 * credential's JCS> and <VERIFY-URL>/C/<UUID> (docs/design.md "The QR code",
 * docs/qr-payload.md). */
#include "test_support.h"

#include <ctype.h>
#include <dirent.h>
#include <openssl/evp.h>
#include <qrencode.h>
#include <zlib.h>

#include "issuer/issuer.h"
#include "tests/fuzz/qr_payload_check.h"

#define VERIFY_URL "https://verify.acme.example/"
#define BASE_UPPER "HTTPS://VERIFY.ACME.EXAMPLE"
#define CREDENTIAL_UUID "3c7fc3a2-f023-48e3-bb15-22ebb06ee4bc"
#define RECIPIENT_NAME "Alexandra Konstantinidous" /* 25 characters, as the brief asks */
/* The v1 dictionary is released: these must never change (docs/qr-payload.md). */
#define DICTIONARY_V1_SHA256 "eb0e28ec92f60cc3cadb565f16b73a1a73e7eb704677d359fadd77f38f4c6136"
#define DICTIONARY_V1_LEN 2758
#define QR_V20_M_ALPHANUMERIC 970 /* ISO/IEC 18004 capacity table */

static void assert_error_mentions(const sc_error *err, const char *what) {
  if (!strstr(err->message, what))
    fail_msg("message '%s' does not mention '%s'", err->message, what);
}

/* ---------------------------------------------------------------- a realistic credential */

static json_t *status_entry(const char *purpose, const char *index) {
  char list[128], id[160];
  snprintf(list, sizeof list, "https://acme.example/status/1/%s", purpose);
  snprintf(id, sizeof id, "%s#%s", list, index);
  return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "BitstringStatusListEntry",
                   "statusPurpose", purpose, "statusListIndex", index, "statusListCredential",
                   list);
}

static json_t *prompt_engineering(void) {
  return json_pack(
      "{s:s, s:[s], s:s, s:s, s:s, s:{s:s}}", "id",
      "https://academy.example/achievements/prompt-engineering", "type", "Achievement",
      "achievementType", "Certificate", "name", "Prompt Engineering", "description",
      "Awarded for completing the 20-hour Prompt Engineering course: designing, testing and "
      "evaluating prompts for large language models in real work.",
      "criteria", "narrative",
      "Built and evaluated a prompt suite for a workplace task and passed the final assessment "
      "with at least 80%.");
}

/* A credential shaped like `skillcert issue` makes, with the two status entries credentials
 * will carry, signed (eddsa-jcs-2022) by a key from a fixed seed. Takes achievement. */
static json_t *signed_credential(json_t *achievement) {
  static const uint8_t seed[32] = {7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_from_seed(seed, &err);
  assert_non_null(key);
  uint8_t pub[32];
  assert_int_equal(sc_ed25519_public(key, pub, &err), SC_OK);
  char *did = sc_did_key_encode(pub);
  char *vm = sc_did_key_verification_method(did);
  assert_non_null(vm);
  json_t *credential = json_pack(
      "{s:[s,s], s:s, s:[s,s], s:{s:s, s:[s], s:s, s:s}, s:s, s:s, s:o,"
      " s:{s:[s], s:[{s:s, s:s, s:b, s:s}, {s:s, s:s, s:b, s:s, s:s}], s:o},"
      " s:[{s:s, s:s}], s:[o, o]}",
      "@context", "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "id",
      "urn:uuid:" CREDENTIAL_UUID, "type", "VerifiableCredential", "OpenBadgeCredential", "issuer",
      "id", did, "type", "Profile", "name", "Acme Training Academy", "url", "https://acme.example",
      "validFrom", "2026-11-28T02:11:23Z", "validUntil", "2028-12-31T23:59:59Z", "name",
      json_incref(json_object_get(achievement, "name")), "credentialSubject", "type",
      "AchievementSubject", "identifier", "type", "IdentityObject", "identityType", "name",
      "hashed", 0, "identityHash", RECIPIENT_NAME, "type", "IdentityObject", "identityType",
      "emailAddress", "hashed", 1, "identityHash",
      "sha256$ddbb8c6fc8673d7fe9013278525104fc76d22fa3cdd5bcc41fb163a2737b5e4e", "salt",
      "96368f120b5b88753beec3fa8fff4e91", "achievement", achievement, "credentialSchema", "id",
      "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
      "ob_v3p0_achievementcredential_schema.json",
      "type", "1EdTechJsonSchemaValidator2019", "credentialStatus",
      status_entry("revocation", "94512"), status_entry("suspension", "3071"));
  assert_non_null(credential);
  sc_proof_options opts = {.verification_method = vm, .created = "2026-11-28T02:11:23Z"};
  assert_int_equal(sc_di_sign(credential, key, &opts, NULL, &err), SC_OK);
  free(vm);
  free(did);
  EVP_PKEY_free(key);
  return credential;
}

static char *encode_ok(const json_t *credential) {
  sc_error err = {0};
  char *text = sc_qr_payload_encode(credential, VERIFY_URL, &err);
  if (!text)
    fail_msg("encode failed: %s", err.message);
  return text;
}

static void decode_fails(const char *text, const char *expected_words) {
  sc_qr_content content;
  sc_error err = {0};
  assert_int_equal(sc_qr_payload_decode(text, &content, &err), SC_EDATA);
  assert_null(content.credential);
  assert_error_mentions(&err, expected_words);
}

/* Raw DEFLATE of data, optionally with the v1 dictionary, as base32. */
static char *packed_base32(const void *data, size_t len, bool with_dictionary, size_t *packed) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  size_t dict_len = 0;
  const uint8_t *dict = sc_qr_dictionary_v1(&dict_len);
  if (with_dictionary)
    assert_int_equal(deflateSetDictionary(&zs, dict, (uInt)dict_len), Z_OK);
  uLong bound = deflateBound(&zs, (uLong)len);
  unsigned char *out = malloc(bound);
  assert_non_null(out);
  zs.next_in = (Bytef *)data;
  zs.avail_in = (uInt)len;
  zs.next_out = out;
  zs.avail_out = (uInt)bound;
  assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
  if (packed)
    *packed = zs.total_out;
  char *text = sc_base32_encode(out, zs.total_out);
  assert_non_null(text);
  deflateEnd(&zs);
  free(out);
  return text;
}

/* BASE_UPPER "/V/1" + the packed data. */
static char *embedded_text(const void *data, size_t len) {
  char *b32 = packed_base32(data, len, true, NULL);
  size_t size = strlen(BASE_UPPER "/V/1") + strlen(b32) + 1;
  char *text = malloc(size);
  assert_non_null(text);
  snprintf(text, size, "%s%s", BASE_UPPER "/V/1", b32);
  free(b32);
  return text;
}

static bool is_qr_alphanumeric(const char *text) {
  for (; *text; text++)
    if (!isdigit((unsigned char)*text) && !isupper((unsigned char)*text) &&
        !strchr(" $%*+-./:", *text))
      return false;
  return true;
}

/* ---------------------------------------------------------------- round trips */

static void round_trip_gives_the_same_signed_credential(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = encode_ok(credential);
  assert_true(strncmp(text, BASE_UPPER "/V/1", strlen(BASE_UPPER "/V/1")) == 0);
  assert_true(is_qr_alphanumeric(text));

  sc_qr_content content;
  sc_error err = {0};
  assert_int_equal(sc_qr_payload_decode(text, &content, &err), SC_OK);
  assert_int_equal(content.kind, SC_QR_EMBEDDED);
  assert_string_equal(content.base_url, BASE_UPPER);
  assert_true(json_equal(content.credential, credential));
  char *original = sc_jcs(credential, &err), *decoded = sc_jcs(content.credential, &err);
  assert_string_equal(decoded, original);
  sc_di_result result;
  assert_int_equal(sc_di_verify(content.credential, NULL, &result, NULL, &err), SC_OK);

  free(original);
  free(decoded);
  sc_qr_content_free(&content);
  free(text);
  json_decref(credential);
}

static void decodes_any_letter_case(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = encode_ok(credential);
  for (char *c = text; *c; c++) /* lower case everything, then "/v/" */
    *c = (char)tolower((unsigned char)*c);
  sc_qr_content content;
  sc_error err = {0};
  assert_int_equal(sc_qr_payload_decode(text, &content, &err), SC_OK);
  assert_string_equal(content.base_url, "https://verify.acme.example");
  assert_true(json_equal(content.credential, credential));
  sc_qr_content_free(&content);
  free(text);
  json_decref(credential);
}

static void decodes_a_scanned_line_with_its_line_end(void **state) {
  (void)state;
  char text[] = "  HTTPS://VERIFY.ACME.EXAMPLE/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4BC\r\n";
  sc_qr_content content;
  sc_error err = {0};
  assert_int_equal(sc_qr_payload_decode(text, &content, &err), SC_OK);
  assert_string_equal(content.uuid, CREDENTIAL_UUID);
}

static void link_mode_round_trips_in_any_case(void **state) {
  (void)state;
  sc_error err = {0};
  char *text = sc_qr_link_encode("https://verify.acme.example//", CREDENTIAL_UUID, &err);
  assert_non_null(text);
  assert_string_equal(text, BASE_UPPER "/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4BC");
  sc_qr_content content;
  assert_int_equal(sc_qr_payload_decode(text, &content, &err), SC_OK);
  assert_int_equal(content.kind, SC_QR_LINK);
  assert_null(content.credential);
  assert_string_equal(content.uuid, CREDENTIAL_UUID);
  assert_string_equal(content.base_url, BASE_UPPER);
  sc_qr_content_free(&content);
  assert_int_equal(sc_qr_payload_decode("https://x.example/c/3c7fc3a2-F023-48e3-bb15-22ebb06ee4bc",
                                        &content, &err),
                   SC_OK);
  assert_string_equal(content.uuid, CREDENTIAL_UUID);
  assert_string_equal(content.base_url, "https://x.example");
  free(text);
}

static void the_last_marker_wins_when_the_base_url_holds_one(void **state) {
  (void)state;
  sc_error err = {0};
  char *text = sc_qr_link_encode("https://acme.example/v/check", CREDENTIAL_UUID, &err);
  assert_non_null(text);
  sc_qr_content content;
  assert_int_equal(sc_qr_payload_decode(text, &content, &err), SC_OK);
  assert_int_equal(content.kind, SC_QR_LINK);
  assert_string_equal(content.base_url, "HTTPS://ACME.EXAMPLE/V/CHECK");
  free(text);
}

/* ---------------------------------------------------------------- encoder input checks */

static void encode_rejects_an_empty_or_non_ascii_verify_url(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  sc_error err = {0};
  assert_null(sc_qr_payload_encode(credential, "/", &err));
  assert_int_equal(err.code, SC_EDATA);
  assert_error_mentions(&err, "verify_url");
  assert_null(sc_qr_payload_encode(credential, "https://v\xc3\xa9rify.example", &err));
  assert_error_mentions(&err, "verify_url");
  assert_null(sc_qr_payload_encode(credential, "https://a b.example", &err));
  json_decref(credential);
}

static void link_encode_rejects_what_is_not_a_uuid(void **state) {
  (void)state;
  sc_error err = {0};
  assert_null(sc_qr_link_encode(VERIFY_URL, "urn:uuid:" CREDENTIAL_UUID, &err));
  assert_int_equal(err.code, SC_EDATA);
  assert_null(sc_qr_link_encode(VERIFY_URL, "3c7fc3a2f023-48e3-bb15-22ebb06ee4bc-", &err));
  assert_null(sc_qr_link_encode(VERIFY_URL, "3c7fc3a2-f023-48e3-bb15-22ebb06ee4bg", &err));
  assert_error_mentions(&err, "UUID");
}

/* ---------------------------------------------------------------- hostile input */

static void rejects_an_unknown_payload_version(void **state) {
  (void)state;
  decode_fails(BASE_UPPER "/V/2ABCDEFGH", "unknown QR payload version '2'");
  decode_fails(BASE_UPPER "/v/", "nothing after /V/");
  decode_fails(BASE_UPPER "/V/1", "empty");
}

static void rejects_bad_base32_characters(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = encode_ok(credential);
  size_t len = strlen(text);
  const char bad[] = {'0', '1', '8', '9', '=', '-', '%'};
  for (size_t i = 0; i < sizeof bad; i++) {
    char saved = text[len / 2];
    text[len / 2] = bad[i];
    decode_fails(text, "base32");
    text[len / 2] = saved;
  }
  free(text);
  json_decref(credential);
}

static void rejects_a_truncated_payload(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = encode_ok(credential);
  size_t prefix = strlen(BASE_UPPER "/V/1");
  /* Cut after whole 5-byte groups (8 symbols) so the base32 itself stays valid. */
  text[prefix + (strlen(text) - prefix) / 2 / 8 * 8] = '\0';
  decode_fails(text, "truncated");
  free(text);
  json_decref(credential);
}

static void rejects_a_deflate_bomb(void **state) {
  (void)state;
  size_t size = (size_t)1 << 20;
  char *spaces = malloc(size);
  assert_non_null(spaces);
  memset(spaces, ' ', size);
  char *text = embedded_text(spaces, size);
  assert_true(strlen(text) < 4096); /* it would fit in a QR code */
  decode_fails(text, "more than 65536 bytes");
  free(text);
  free(spaces);
}

static void accepts_exactly_the_inflated_cap(void **state) {
  (void)state;
  /* A JSON string of SC_QR_MAX_INFLATED bytes in all: a credential may be that large. */
  char *doc = malloc(SC_QR_MAX_INFLATED);
  assert_non_null(doc);
  memset(doc, 'a', SC_QR_MAX_INFLATED);
  memcpy(doc, "{\"a\":\"", 6);
  memcpy(doc + SC_QR_MAX_INFLATED - 2, "\"}", 2);
  char *text = embedded_text(doc, SC_QR_MAX_INFLATED);
  sc_qr_content content;
  sc_error err = {0};
  assert_int_equal(sc_qr_payload_decode(text, &content, &err), SC_OK);
  sc_qr_content_free(&content);
  free(text);
  free(doc);
}

static void rejects_trailing_garbage_after_the_stream(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *canonical = sc_jcs(credential, NULL);
  assert_non_null(canonical);
  char *b32 = packed_base32(canonical, strlen(canonical), true, NULL);
  sc_buf packed = {0};
  assert_int_equal(sc_base32_decode(b32, strlen(b32), &packed, NULL), SC_OK);
  assert_true(sc_buf_append(&packed, "junk!", 5));
  char *tail = sc_base32_encode(packed.data, packed.len);
  char text[4096];
  snprintf(text, sizeof text, "%s/V/1%s", BASE_UPPER, tail);
  decode_fails(text, "trailing data");
  free(tail);
  sc_buf_free(&packed);
  free(b32);
  free(canonical);
  json_decref(credential);
}

static void rejects_garbage_that_is_not_deflate(void **state) {
  (void)state;
  /* 0xff...: block type 3, which DEFLATE reserves. */
  decode_fails(BASE_UPPER "/V/17777777777777777", "not a valid DEFLATE stream");
}

static void rejects_a_payload_that_is_not_json(void **state) {
  (void)state;
  static const char not_json[] = "Alexandra Konstantinidous, AI Fundamentals";
  char *text = embedded_text(not_json, strlen(not_json));
  decode_fails(text, "QR payload");
  free(text);
  text = embedded_text("{\"a\":1,\"a\":2}", 13); /* strict intake: duplicate names */
  decode_fails(text, "QR payload");
  free(text);
  text = embedded_text("[\"VerifiableCredential\"]", 24);
  decode_fails(text, "not a JSON object");
  free(text);
}

static void rejects_text_without_a_payload_part(void **state) {
  (void)state;
  decode_fails("", "no /V/");
  decode_fails("https://verify.acme.example/", "no /V/");
  decode_fails(BASE_UPPER "/X/1ABC", "no /V/");
  decode_fails(BASE_UPPER "/C/", "UUID");
  decode_fails(BASE_UPPER "/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4BC/", "UUID");
  decode_fails(BASE_UPPER "/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4B", "UUID");
}

static void rejects_text_longer_than_any_qr_code(void **state) {
  (void)state;
  size_t size = (size_t)64 << 10;
  char *text = malloc(size + 1);
  assert_non_null(text);
  memset(text, 'A', size);
  memcpy(text, BASE_UPPER "/V/1", strlen(BASE_UPPER "/V/1"));
  text[size] = '\0';
  decode_fails(text, "longer than");
  free(text);
}

/* ---------------------------------------------------------------- the dictionary */

static void dictionary_v1_never_changes(void **state) {
  (void)state;
  size_t len = 0;
  const uint8_t *dict = sc_qr_dictionary_v1(&len);
  assert_int_equal(len, DICTIONARY_V1_LEN);
  uint8_t digest[32];
  assert_int_equal(sc_sha256(dict, len, digest), SC_OK);
  char *hex = sc_hex_encode(digest, sizeof digest);
  assert_string_equal(hex, DICTIONARY_V1_SHA256);
  free(hex);
}

static void dictionary_makes_the_payload_much_shorter(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *canonical = sc_jcs(credential, NULL);
  size_t plain = 0, with_dictionary = 0;
  char *a = packed_base32(canonical, strlen(canonical), false, &plain);
  char *b = packed_base32(canonical, strlen(canonical), true, &with_dictionary);
  print_message("JCS %zu bytes, DEFLATE %zu bytes, with the v1 dictionary %zu bytes\n",
                strlen(canonical), plain, with_dictionary);
  /* Measured 1,050 → 483 bytes when written; a third off is the least a dictionary must do. */
  assert_true(with_dictionary * 3 < plain * 2);
  char *text = encode_ok(credential);
  assert_int_equal(strlen(text), strlen(BASE_UPPER "/V/1") + strlen(b));
  free(text);
  free(a);
  free(b);
  free(canonical);
  json_decref(credential);
}

/* ---------------------------------------------------------------- the shipped templates */

static void shipped_achievements_fit_version_20_at_level_m(void **state) {
  (void)state;
  static const char *const templates[] = {"ai-fundamentals", "prompt-engineering",
                                          "responsible-ai"};
  for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++) {
    char path[256];
    snprintf(path, sizeof path, "templates/%s/achievement.json", templates[i]);
    json_t *achievement = NULL;
    sc_error err = {0};
    assert_int_equal(sc_json_load_file(path, &achievement, &err), SC_OK);
    json_t *credential = signed_credential(achievement);
    char *canonical = sc_jcs(credential, NULL);
    char *text = encode_ok(credential);
    size_t b32 = strlen(text) - strlen(BASE_UPPER "/V/1");
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(qr);
    print_message("%-18s JCS %4zu B  DEFLATE %3zu B  URL %3zu chars  QR version %d-M\n",
                  templates[i], strlen(canonical), b32 * 5 / 8, strlen(text), qr->version);
    assert_true(strlen(text) <= QR_V20_M_ALPHANUMERIC);
    assert_true(qr->version <= 20);
    QRcode_free(qr);
    free(text);
    free(canonical);
    json_decref(credential);
  }
}

/* ---------------------------------------------------------------- choosing the QR text */

/* An achievement whose description DEFLATE cannot shrink (pseudo-random letters), so the
 * embedded payload cannot fit QR version 20. */
static json_t *incompressible_achievement(void) {
  char description[1601];
  uint32_t x = 12345;
  for (size_t i = 0; i + 1 < sizeof description; i++) {
    x = x * 1103515245u + 12345u;
    description[i] = (char)('a' + (x >> 16) % 26);
  }
  description[sizeof description - 1] = '\0';
  json_t *achievement = prompt_engineering();
  json_object_set_new(achievement, "description", json_string(description));
  return achievement;
}

/* Version 18-M at 120 mm: modules of 120 / (89 + 8) = 1.24 mm, above the measured minimum. */
static void qr_text_auto_embeds_when_the_printed_modules_are_large_enough(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = NULL;
  bool link_mode = true;
  sc_error err = {0};
  assert_int_equal(
      sc_qr_text_for(credential, VERIFY_URL, SC_QR_MODE_AUTO, 120, &text, &link_mode, NULL, &err),
      SC_OK);
  assert_false(link_mode);
  char *expected = encode_ok(credential);
  assert_string_equal(text, expected);
  free(expected);
  free(text);
  json_decref(credential);
}

/* The same credential on a 50 mm code would have 0.52 mm modules: auto links. */
static void qr_text_auto_links_when_the_printed_modules_would_be_too_small(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = NULL;
  bool link_mode = false;
  sc_error err = {0};
  assert_int_equal(
      sc_qr_text_for(credential, VERIFY_URL, SC_QR_MODE_AUTO, 50, &text, &link_mode, NULL, &err),
      SC_OK);
  assert_true(link_mode);
  assert_string_equal(text, BASE_UPPER "/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4BC");
  free(text);
  json_decref(credential);
}

static void qr_text_embed_mode_embeds_whatever_the_size(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = NULL;
  bool link_mode = true;
  sc_error err = {0};
  assert_int_equal(
      sc_qr_text_for(credential, VERIFY_URL, SC_QR_MODE_EMBED, 30, &text, &link_mode, NULL, &err),
      SC_OK);
  assert_false(link_mode);
  free(text);
  json_decref(credential);
}

static void qr_text_link_mode_links_whatever_the_size(void **state) {
  (void)state;
  json_t *credential = signed_credential(prompt_engineering());
  char *text = NULL;
  bool link_mode = false;
  sc_error err = {0};
  assert_int_equal(
      sc_qr_text_for(credential, VERIFY_URL, SC_QR_MODE_LINK, 120, &text, &link_mode, NULL, &err),
      SC_OK);
  assert_true(link_mode);
  free(text);
  json_decref(credential);
}

static void qr_text_auto_links_a_credential_too_big_for_the_code(void **state) {
  (void)state;
  json_t *credential = signed_credential(incompressible_achievement());
  char *text = NULL;
  bool link_mode = false;
  sc_error err = {0};
  assert_int_equal(
      sc_qr_text_for(credential, VERIFY_URL, SC_QR_MODE_AUTO, 80, &text, &link_mode, NULL, &err),
      SC_OK);
  assert_true(link_mode); /* 80 mm allows version 20; this credential needs more */
  assert_string_equal(text, BASE_UPPER "/C/3C7FC3A2-F023-48E3-BB15-22EBB06EE4BC");
  free(text);
  json_decref(credential);
}

static void qr_mode_precedence_is_cli_then_template_then_home_then_auto(void **state) {
  (void)state;
  sc_home home = {.qr_mode = SC_QR_MODE_EMBED};
  assert_int_equal(sc_qr_mode_resolve(SC_QR_MODE_LINK, NULL, &home), SC_QR_MODE_LINK);
  assert_int_equal(sc_qr_mode_resolve(SC_QR_MODE_UNSET, NULL, &home), SC_QR_MODE_EMBED);
  assert_int_equal(sc_qr_mode_resolve(SC_QR_MODE_UNSET, NULL, NULL), SC_QR_MODE_AUTO);
  sc_qr_mode mode = SC_QR_MODE_UNSET;
  assert_int_equal(sc_qr_mode_parse("link", &mode), SC_OK);
  assert_int_equal(mode, SC_QR_MODE_LINK);
  assert_int_equal(sc_qr_mode_parse("Link", &mode), SC_EDATA);
}

/* The measured minimum module: 50 mm codes (55 + 4v modules) allow only small versions. */
static void qr_auto_max_version_follows_the_minimum_module(void **state) {
  (void)state;
  for (float size = 30; size <= 120; size += 5) {
    int v = sc_qr_auto_max_version(size);
    if (v > 0)
      assert_true(size / (float)(25 + 4 * v) >= SC_QR_EMBED_MIN_MODULE_MM);
    if (v < 40)
      assert_true(size / (float)(25 + 4 * (v + 1)) < SC_QR_EMBED_MIN_MODULE_MM);
  }
}

static void qr_text_needs_a_urn_uuid_id_for_link_mode(void **state) {
  (void)state;
  json_t *credential = signed_credential(incompressible_achievement());
  json_object_set_new(credential, "id", json_string("https://acme.example/credentials/1"));
  char *text = NULL;
  bool link_mode = false;
  sc_error err = {0};
  assert_int_equal(
      sc_qr_text_for(credential, VERIFY_URL, SC_QR_MODE_LINK, 50, &text, &link_mode, NULL, &err),
      SC_EDATA);
  assert_null(text);
  assert_false(link_mode);
  assert_error_mentions(&err, "urn:uuid:");
  json_decref(credential);
}

/* ---------------------------------------------------------------- the fuzz seeds */

/* Every seed of the fuzz target passes its checks here too, so `make test` catches what
 * `make fuzz` would (a regression input added to the corpus stays tested). */
static void fuzz_corpus_passes_the_fuzz_checks(void **state) {
  (void)state;
  const char *dir_path = "tests/fuzz/corpus/fuzz_qr_payload";
  DIR *dir = opendir(dir_path);
  assert_non_null(dir);
  size_t replayed = 0;
  for (struct dirent *entry; (entry = readdir(dir)) != NULL;) {
    if (entry->d_name[0] == '.')
      continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir_path, entry->d_name);
    sc_buf input = {0};
    sc_error err = {0};
    assert_int_equal(sc_read_file(path, (size_t)1 << 20, &input, &err), SC_OK);
    if (!fuzz_check_qr_payload(input.data, input.len))
      fail_msg("fuzz check fails on %s", path);
    sc_buf_free(&input);
    replayed++;
  }
  closedir(dir);
  assert_true(replayed >= 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trip_gives_the_same_signed_credential),
      cmocka_unit_test(decodes_any_letter_case),
      cmocka_unit_test(decodes_a_scanned_line_with_its_line_end),
      cmocka_unit_test(link_mode_round_trips_in_any_case),
      cmocka_unit_test(the_last_marker_wins_when_the_base_url_holds_one),
      cmocka_unit_test(encode_rejects_an_empty_or_non_ascii_verify_url),
      cmocka_unit_test(link_encode_rejects_what_is_not_a_uuid),
      cmocka_unit_test(rejects_an_unknown_payload_version),
      cmocka_unit_test(rejects_bad_base32_characters),
      cmocka_unit_test(rejects_a_truncated_payload),
      cmocka_unit_test(rejects_a_deflate_bomb),
      cmocka_unit_test(accepts_exactly_the_inflated_cap),
      cmocka_unit_test(rejects_trailing_garbage_after_the_stream),
      cmocka_unit_test(rejects_garbage_that_is_not_deflate),
      cmocka_unit_test(rejects_a_payload_that_is_not_json),
      cmocka_unit_test(rejects_text_without_a_payload_part),
      cmocka_unit_test(rejects_text_longer_than_any_qr_code),
      cmocka_unit_test(dictionary_v1_never_changes),
      cmocka_unit_test(dictionary_makes_the_payload_much_shorter),
      cmocka_unit_test(shipped_achievements_fit_version_20_at_level_m),
      cmocka_unit_test(qr_text_auto_embeds_when_the_printed_modules_are_large_enough),
      cmocka_unit_test(qr_text_auto_links_when_the_printed_modules_would_be_too_small),
      cmocka_unit_test(qr_text_embed_mode_embeds_whatever_the_size),
      cmocka_unit_test(qr_text_link_mode_links_whatever_the_size),
      cmocka_unit_test(qr_mode_precedence_is_cli_then_template_then_home_then_auto),
      cmocka_unit_test(qr_auto_max_version_follows_the_minimum_module),
      cmocka_unit_test(qr_text_auto_links_a_credential_too_big_for_the_code),
      cmocka_unit_test(qr_text_needs_a_urn_uuid_id_for_link_mode),
      cmocka_unit_test(fuzz_corpus_passes_the_fuzz_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
