/*
 * The QR payload codec (docs/design.md "The QR code", docs/qr-payload.md):
 *   <VERIFY-URL>/V/1<BASE32>  raw DEFLATE (preset dictionary v1) of the credential's JCS form
 *   <VERIFY-URL>/C/<UUID>     link mode: the credential is published by the issuer
 * Everything is upper case so the QR code can use alphanumeric mode. Scanned text is hostile:
 * the decoder bounds the text, the inflated size and the JSON it accepts.
 */
#include "core/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A QR code holds at most 4,296 alphanumeric characters; anything much longer is not one. */
#define QR_TEXT_MAX ((size_t)16 << 10)
#define UUID_LEN 36

/* ---------------------------------------------------------------- encoding */

/* Appends verify_url upper-cased, without a trailing '/'. Only printable ASCII: the URL is
 * printed in a QR code and typed into browsers. */
static int append_base_url(sc_buf *out, const char *verify_url, sc_error *err) {
  size_t len = verify_url ? strlen(verify_url) : 0;
  while (len > 0 && verify_url[len - 1] == '/')
    len--;
  if (len == 0)
    return sc_fail(err, SC_EDATA, "verify_url: empty; expected the verification page's URL");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)verify_url[i];
    if (c <= ' ' || c >= 0x7f)
      return sc_fail(err, SC_EDATA,
                     "verify_url: character at offset %zu is not printable ASCII (0x%02x)", i, c);
    if (!sc_buf_append_byte(out, (unsigned char)toupper(c)))
      return sc_oom(err);
  }
  return SC_OK;
}

/* Raw DEFLATE (no zlib header: every byte counts in a QR code) with the v1 dictionary. */
static int deflate_with_dictionary(const char *data, size_t len, sc_buf *out, sc_error *err) {
  if (len > SC_JSON_MAX_BYTES) /* also keeps zlib's 32-bit lengths safe */
    return sc_fail(err, SC_EDATA, "QR payload: credential larger than %zu bytes",
                   SC_JSON_MAX_BYTES);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return sc_oom(err);
  size_t dict_len = 0;
  const uint8_t *dict = sc_qr_dictionary_v1(&dict_len);
  int rc = SC_OK;
  uLong bound = deflateBound(&zs, (uLong)len);
  unsigned char *space = malloc(bound);
  if (!space || deflateSetDictionary(&zs, dict, (uInt)dict_len) != Z_OK) {
    rc = sc_oom(err);
  } else {
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = space;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
      rc = sc_fail(err, SC_ESOFTWARE, "QR payload: DEFLATE did not finish");
    else if (!sc_buf_append(out, space, zs.total_out))
      rc = sc_oom(err);
  }
  free(space);
  deflateEnd(&zs);
  return rc;
}

static int append_payload(sc_buf *out, const json_t *credential, sc_error *err) {
  sc_error jcs_err = {0};
  char *canonical = sc_jcs(credential, &jcs_err);
  if (!canonical)
    return sc_fail(err, jcs_err.code, "QR payload: %s", jcs_err.message);
  sc_buf packed = {0};
  int rc = deflate_with_dictionary(canonical, strlen(canonical), &packed, err);
  free(canonical);
  if (rc != SC_OK) {
    sc_buf_free(&packed);
    return rc;
  }
  char *text = sc_base32_encode(packed.data, packed.len);
  sc_buf_free(&packed);
  if (!text)
    return sc_oom(err);
  bool appended = sc_buf_append_str(out, text);
  free(text);
  return appended ? SC_OK : sc_oom(err);
}

char *sc_qr_payload_encode(const json_t *credential, const char *verify_url, sc_error *err) {
  sc_buf out = {0};
  static const char marker[] = {'/', 'V', '/', SC_QR_PAYLOAD_VERSION, '\0'};
  int rc = append_base_url(&out, verify_url, err);
  if (rc == SC_OK && !sc_buf_append_str(&out, marker))
    rc = sc_oom(err);
  if (rc == SC_OK)
    rc = append_payload(&out, credential, err);
  if (rc != SC_OK) {
    sc_buf_free(&out);
    return NULL;
  }
  return sc_buf_take(&out);
}

char *sc_qr_link_encode(const char *verify_url, const char *uuid, sc_error *err) {
  if (!uuid || !sc_uuid_valid(uuid, strlen(uuid))) {
    sc_fail(err, SC_EDATA, "credential id: expected a UUID (8-4-4-4-12 hexadecimal digits)");
    return NULL;
  }
  sc_buf out = {0};
  int rc = append_base_url(&out, verify_url, err);
  if (rc == SC_OK && !sc_buf_append_str(&out, "/C/"))
    rc = sc_oom(err);
  for (size_t i = 0; rc == SC_OK && i < UUID_LEN; i++)
    if (!sc_buf_append_byte(&out, (unsigned char)toupper((unsigned char)uuid[i])))
      rc = sc_oom(err);
  if (rc != SC_OK) {
    sc_buf_free(&out);
    return NULL;
  }
  return sc_buf_take(&out);
}

/* ---------------------------------------------------------------- decoding */

/* Inflates a raw DEFLATE stream made with the v1 dictionary into out, under
 * sc_inflate_capped's rules: at most SC_QR_MAX_INFLATED bytes (a few hundred bytes can inflate
 * to gigabytes), a whole stream, nothing after its end. */
static int inflate_with_dictionary(const sc_buf *packed, sc_buf *out, sc_error *err) {
  size_t dict_len = 0;
  const uint8_t *dict = sc_qr_dictionary_v1(&dict_len);
  sc_inflate_options o = {.format = SC_INFLATE_RAW,
                          .max_out = SC_QR_MAX_INFLATED,
                          .dictionary = dict,
                          .dictionary_len = dict_len,
                          .what = "QR payload"};
  return sc_inflate_capped(packed->data, packed->len, &o, out, err);
}

static int decode_embedded(const char *text, size_t len, sc_qr_content *out, sc_error *err) {
  if (len == 0)
    return sc_fail(err, SC_EDATA, "QR payload: nothing after /V/; expected version '%c'",
                   SC_QR_PAYLOAD_VERSION);
  unsigned char version = (unsigned char)text[0];
  if (version != SC_QR_PAYLOAD_VERSION) {
    if (isprint(version))
      return sc_fail(err, SC_EDATA, "unknown QR payload version '%c'", version);
    return sc_fail(err, SC_EDATA, "unknown QR payload version (byte 0x%02x)", version);
  }
  if (len == 1)
    return sc_fail(err, SC_EDATA, "QR payload: empty after the version");
  sc_buf packed = {0}, json = {0};
  int rc = sc_base32_decode(text + 1, len - 1, &packed, err);
  if (rc != SC_OK)
    sc_error_prefix(err, "QR payload");
  else
    rc = inflate_with_dictionary(&packed, &json, err);
  if (rc == SC_OK)
    rc = sc_json_parse((const char *)json.data, json.len, "QR payload", &out->credential, err);
  if (rc == SC_OK && !json_is_object(out->credential)) {
    json_decref(out->credential);
    out->credential = NULL;
    rc = sc_fail(err, SC_EDATA, "QR payload: not a JSON object, so not a credential");
  }
  sc_buf_free(&packed);
  sc_buf_free(&json);
  if (rc == SC_OK)
    out->kind = SC_QR_EMBEDDED;
  return rc;
}

static int decode_link(const char *text, size_t len, sc_qr_content *out, sc_error *err) {
  if (!sc_uuid_valid(text, len))
    return sc_fail(err, SC_EDATA,
                   "QR link: expected a credential UUID (8-4-4-4-12 hexadecimal digits) after /C/");
  for (size_t i = 0; i < UUID_LEN; i++)
    out->uuid[i] = (char)tolower((unsigned char)text[i]);
  out->uuid[UUID_LEN] = '\0';
  out->kind = SC_QR_LINK;
  return SC_OK;
}

/* The last "/V/" or "/C/" in any case: the base URL may contain either, the payload (base32
 * or a UUID) cannot contain '/'. Returns its offset, or len when there is none. */
static size_t find_marker(const char *text, size_t len) {
  for (size_t i = len; i >= 3; i--) {
    const char *m = text + i - 3;
    char kind = (char)toupper((unsigned char)m[1]);
    if (m[0] == '/' && m[2] == '/' && (kind == 'V' || kind == 'C'))
      return i - 3;
  }
  return len;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int sc_qr_payload_decode(const char *text, sc_qr_content *out, sc_error *err) {
  memset(out, 0, sizeof *out);
  if (!text)
    return sc_fail(err, SC_EDATA, "QR text: missing");
  /* Scanner apps add a line end; a URL never holds white space. */
  size_t len = strnlen(text, QR_TEXT_MAX + 1);
  if (len > QR_TEXT_MAX)
    return sc_fail(err, SC_EDATA, "QR text: longer than %zu bytes, so not from a QR code",
                   QR_TEXT_MAX);
  while (len > 0 && is_space(text[len - 1]))
    len--;
  while (len > 0 && is_space(*text)) {
    text++;
    len--;
  }
  size_t at = find_marker(text, len);
  if (at == len)
    return sc_fail(err, SC_EDATA, "QR text: no /V/ (embedded credential) or /C/ (link) part");
  if (at >= sizeof out->base_url)
    return sc_fail(err, SC_EDATA, "QR text: the URL before /%c/ is longer than %zu bytes",
                   text[at + 1], sizeof out->base_url - 1);
  memcpy(out->base_url, text, at);
  out->base_url[at] = '\0';
  const char *rest = text + at + 3;
  size_t rest_len = len - at - 3;
  if (toupper((unsigned char)text[at + 1]) == 'V')
    return decode_embedded(rest, rest_len, out, err);
  return decode_link(rest, rest_len, out, err);
}

void sc_qr_content_free(sc_qr_content *content) {
  if (!content)
    return;
  json_decref(content->credential);
  content->credential = NULL;
}
