/*
 * Any form a certificate takes, turned into the credential JSON to verify: the JSON itself,
 * a PDF's credential.json attachment, a QR code's embedded credential (decoded offline), a
 * link-mode QR code's published credential (<base>/c/<uuid>.json through the status source),
 * or the QR code in a photo or scan.
 */
#include "verifier/verifier.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DESCRIBE_LEN 128
#define URL_MAX 640

/* "<base>/c/<uuid>.json" with the scheme and host lower-cased (QR codes are upper case; those
 * two are case-insensitive), the rest of the base as scanned. */
static int link_url(const sc_qr_content *qr, char *url, size_t size, sc_error *err) {
  if (qr->base_url[0] == '\0')
    return sc_fail(err, SC_EDATA, "QR code (link mode): no URL before /C/%s", qr->uuid);
  size_t len = strlen(qr->base_url);
  while (len > 0 && qr->base_url[len - 1] == '/')
    len--;
  const char *scheme_end = strstr(qr->base_url, "://");
  size_t host_end = scheme_end ? (size_t)(scheme_end - qr->base_url) + 3 : 0;
  host_end += strcspn(qr->base_url + host_end, "/");
  if (len + sizeof "/c/.json" + strlen(qr->uuid) > size)
    return sc_fail(err, SC_EDATA, "QR code (link mode): URL too long");
  for (size_t i = 0; i < len; i++)
    url[i] = (char)(i < host_end ? tolower((unsigned char)qr->base_url[i]) : qr->base_url[i]);
  snprintf(url + len, size - len, "/c/%s.json", qr->uuid);
  return SC_OK;
}

/* A published credential must be the one the QR code names. */
static int check_linked_id(const sc_buf *json, const char *uuid, const char *url, sc_error *err) {
  json_t *cred = NULL;
  if (sc_json_parse((const char *)json->data, json->len, url, &cred, NULL) != SC_OK)
    return SC_OK; /* malformed JSON is reported by the verification itself */
  const char *id = json_string_value(json_object_get(cred, "id"));
  size_t id_len = id ? strlen(id) : 0, uuid_len = strlen(uuid);
  bool same = id_len >= uuid_len && strcasecmp(id + id_len - uuid_len, uuid) == 0 &&
              (id_len == uuid_len || id[id_len - uuid_len - 1] == ':');
  int rc = same ? SC_OK
                : sc_fail(err, SC_EDATA, "QR code names credential %s but %s holds %s", uuid, url,
                          id ? id : "a credential without an id");
  json_decref(cred);
  return rc;
}

static int load_linked(const sc_qr_content *qr, const sc_verify_options *opts, sc_buf *json,
                       char *describe, size_t describe_size, const char *prefix,
                       sc_error *err) {
  char url[URL_MAX];
  int rc = link_url(qr, url, sizeof url, err);
  if (rc != SC_OK)
    return rc;
  sc_text_mark_cut(describe, describe_size,
                   snprintf(describe, describe_size, "%sQR code (link mode: %s)", prefix, url));
  if (!opts || !opts->status)
    return sc_fail(err, SC_ENOINPUT,
                   "QR code (link mode): the credential is at %s, and no "
                   "source to load it from was given",
                   url);
  /* serve: a QR text is anyone's input, and its URL anywhere; only copies at hand (public/,
   * the cache) are read, never the network. */
  sc_status_source source = *opts->status;
  source.offline |= opts->status_only_if_trusted;
  char origin[256] = "";
  rc = sc_source_load(&source, url, opts->now, json, origin, sizeof origin, err);
  if (rc != SC_OK && opts->status_only_if_trusted) {
    return sc_fail(err, SC_ENOINPUT,
                   "QR code (link mode): %s is not published here, and this service does not "
                   "fetch credentials from elsewhere",
                   url);
  } else if (rc != SC_OK) {
    /* Not a status problem: the credential itself could not be read. */
    if (err) {
      err->code = SC_ENOINPUT;
      sc_error_prefix(err, "QR code (link mode): cannot load %s", url);
    }
    return SC_ENOINPUT;
  }
  rc = check_linked_id(json, qr->uuid, url, err);
  if (rc == SC_OK) /* the credential the QR code names, though not verified yet */
    sc_source_keep(opts->status, url, opts->now, json, origin);
  return rc;
}

/* QR text → credential JSON (embedded: the JCS form that was compressed; link: loaded). */
static int from_qr_text(const uint8_t *data, size_t len, const sc_verify_options *opts,
                        sc_buf *json, char *describe, size_t describe_size, const char *prefix,
                       sc_error *err) {
  if (memchr(data, 0, len))
    return sc_fail(err, SC_EDATA, "QR text: contains a NUL byte");
  sc_buf text = {0};
  if (!sc_buf_append(&text, data, len) || !text.data)
    return sc_oom(err);
  sc_qr_content qr;
  int rc = sc_qr_payload_decode((const char *)text.data, &qr, err);
  sc_buf_free(&text);
  if (rc == SC_OK && qr.kind == SC_QR_LINK) {
    rc = load_linked(&qr, opts, json, describe, describe_size, prefix, err);
  } else if (rc == SC_OK) {
    snprintf(describe, describe_size, "%sQR code (embedded credential)", prefix);
    char *canonical = sc_jcs(qr.credential, err);
    rc = !canonical ? (err ? err->code : SC_EDATA)
                    : (sc_buf_append_str(json, canonical) ? SC_OK : sc_oom(err));
    free(canonical);
  }
  sc_qr_content_free(&qr);
  return rc;
}

static int from_image(const uint8_t *data, size_t len, const sc_verify_options *opts, sc_buf *json,
                      char *describe, size_t describe_size, sc_error *err) {
  sc_buf text = {0};
  snprintf(describe, describe_size, "image");
  int rc = sc_image_read_qr(data, len, &text, err);
  if (rc == SC_OK)
    rc = from_qr_text(text.data, text.len, opts, json, describe, describe_size, "image → ", err);
  sc_buf_free(&text);
  return rc;
}

/* A PDF without its attachment (printed to PDF again, issue 12 §4): the credential comes from
 * the QR code on its first page, rendered by poppler, as from a photo. 150 dpi first (a page
 * at 150 dpi reads every code skillcert prints), 300 when that finds none. */
#define PAGE_DPI 150
#define PAGE_DPI_RETRY 300

static int read_page_qr(const uint8_t *data, size_t len, unsigned dpi, sc_buf *text,
                        sc_error *err) {
  sc_pdf_page page;
  int rc = sc_pdf_page_read(data, len, dpi, &page, err);
  if (rc == SC_OK)
    rc = sc_page_read_qr(&page, 1, text, err);
  sc_pdf_page_free(&page);
  return rc;
}

static int from_pdf_page(const uint8_t *data, size_t len, const sc_verify_options *opts,
                         sc_buf *json, char *describe, size_t describe_size, sc_error *err) {
  sc_buf text = {0};
  snprintf(describe, describe_size, "PDF certificate without its attachment");
  int rc = read_page_qr(data, len, PAGE_DPI, &text, NULL);
  if (rc != SC_OK)
    rc = read_page_qr(data, len, PAGE_DPI_RETRY, &text, err);
  if (rc != SC_OK && err)
    sc_error_prefix(err, "PDF has no credential.json attachment, and no QR code could be read "
                         "on its page");
  if (rc == SC_OK)
    rc = from_qr_text(text.data, text.len, opts, json, describe, describe_size,
                      "PDF certificate without its attachment, from its QR code → ", err);
  sc_buf_free(&text);
  return rc;
}

static int from_badge(const uint8_t *data, size_t len, sc_buf *json, char *describe,
                      size_t describe_size, sc_error *err) {
  bool png = sc_badge_png_is(data, len);
  snprintf(describe, describe_size, "Open Badges %s badge (baked credential)", png ? "PNG" : "SVG");
  return png ? sc_badge_png_credential(data, len, json, err)
             : sc_badge_svg_credential(data, len, json, err);
}

int sc_input_to_credential(const uint8_t *data, size_t len, const sc_verify_options *opts,
                           sc_buf *json, char *describe, size_t describe_size, sc_error *err) {
  sc_input_kind kind;
  char scratch[DESCRIBE_LEN];
  if (!describe) {
    describe = scratch;
    describe_size = sizeof scratch;
  }
  snprintf(describe, describe_size, "input");
  sc_buf_reset(json);
  /* A credential saved by a Windows editor starts with a byte order mark; the JSON after it
   * is what was signed. */
  size_t bom = sc_utf8_bom_length(data, len);
  data += bom;
  len -= bom;
  int rc = sc_input_sniff(data, len, &kind, err);
  if (rc != SC_OK)
    return rc;
  switch (kind) {
  case SC_INPUT_JSON:
    snprintf(describe, describe_size, "credential JSON");
    rc = sc_buf_append(json, data, len) ? SC_OK : sc_oom(err);
    break;
  case SC_INPUT_PDF:
    snprintf(describe, describe_size, "PDF certificate (credential.json attachment)");
    rc = sc_pdf_lacks_attachment(data, len)
             ? from_pdf_page(data, len, opts, json, describe, describe_size, err)
             : sc_pdf_extract_credential(data, len, json, err);
    break;
  case SC_INPUT_QR:
    rc = from_qr_text(data, len, opts, json, describe, describe_size, "", err);
    break;
  case SC_INPUT_IMAGE:
    rc = from_image(data, len, opts, json, describe, describe_size, err);
    break;
  case SC_INPUT_BADGE:
    rc = from_badge(data, len, json, describe, describe_size, err);
    break;
  }
  if (rc != SC_OK)
    sc_buf_reset(json);
  return rc;
}
