/* The service's routes: which function answers which method and path. No sockets here, so
 * the tests and the fuzz target call sc_http_handle directly. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

void http_answer(sc_http_response *res, int status, const char *type, const char *text) {
  res->status = status;
  res->content_type = type;
  sc_buf_reset(&res->body);
  if (!sc_buf_append_str(&res->body, text))
    sc_buf_reset(&res->body);
}

void sc_http_response_free(sc_http_response *res) {
  sc_buf_free(&res->body);
}

int sc_http_config_init(sc_http_config *cfg, sc_error *err) {
  const char *style = http_page_style();
  uint8_t digest[32];
  if (sc_sha256(style, strlen(style), digest) != 0)
    return sc_fail(err, SC_ESOFTWARE, "cannot hash the page style");
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, digest, sizeof digest);
  /* No script at all; the one inline style by its hash; images only as data: URLs. */
  snprintf(cfg->csp, sizeof cfg->csp,
           "default-src 'none'; style-src 'sha256-%.*s'; img-src data:; form-action 'self'; "
           "base-uri 'none'; frame-ancestors 'none'",
           n, (const char *)b64);
  return SC_OK;
}

static const char *skip_list_space(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == ',')
    p++;
  return p;
}

/* If-None-Match (RFC 9110 §13.1.2): "*", or a comma-separated list of entity tags, each
 * "opaque" or W/"opaque". True when the list names etag (a quoted strong tag) under the weak
 * comparison: the opaque parts are equal, W/ or not. Anything malformed matches nothing. */
static bool if_none_match_names(const char *header, const char *etag) {
  const char *p = skip_list_space(header);
  if (p[0] == '*' && *skip_list_space(p + 1) == '\0')
    return true;
  size_t etag_len = strlen(etag);
  while (*p) {
    if (strncmp(p, "W/", 2) == 0)
      p += 2;
    const char *close = *p == '"' ? strchr(p + 1, '"') : NULL;
    if (!close)
      return false;
    const char *after = close + 1;
    if (*after && *after != ',' && *after != ' ' && *after != '\t')
      return false; /* "tag"x: not an entity tag */
    size_t len = (size_t)(after - p);
    if (len == etag_len && memcmp(p, etag, len) == 0)
      return true;
    p = skip_list_space(after);
  }
  return false;
}

void http_apply_etag(const sc_http_request *req, sc_http_response *res) {
  uint8_t digest[32];
  if (sc_sha256(res->body.data ? (const void *)res->body.data : "", res->body.len, digest) != 0)
    return;
  char *hex = sc_hex_encode(digest, 16); /* the first 128 bits are plenty to tell versions apart */
  if (!hex)
    return;
  snprintf(res->etag, sizeof res->etag, "\"%s\"", hex);
  free(hex);
  if (req->if_none_match && if_none_match_names(req->if_none_match, res->etag)) {
    res->status = 304;
    res->no_body = true;
  }
}

static bool has_prefix_nocase(const char *path, const char *prefix) {
  return strncasecmp(path, prefix, strlen(prefix)) == 0;
}

static void method_not_allowed(const sc_http_request *req, const char *allow,
                               sc_http_response *res) {
  http_page_error(req, 405, N_("Method not allowed"),
                  N_("This address does not answer that method."), res);
  res->allow = allow;
}

/* GET /V/<payload> and /C/<uuid>: the verdict page (or ?download=1: the credential JSON). */
static void verdict_route(const sc_http_config *cfg, const sc_http_request *req,
                          sc_http_response *res) {
  sc_verification v = {0};
  if (has_prefix_nocase(req->path, "/V/"))
    http_verify_payload(cfg, req->now, req->path + 3, &v);
  else
    http_verify_link(cfg, req->now, req->path + 3, &v);
  if (req->download && http_readable(&v)) {
    char *text = json_dumps(v.credential, JSON_INDENT(2));
    http_answer(res, text ? 200 : 500, HTTP_JSON, text ? text : "{}");
    res->disposition = "attachment; filename=\"credential.json\"";
    free(text);
  } else {
    http_page_verdict(cfg, req, &v, http_page_status(&v), res);
  }
  res->cache_control = "no-cache";
  sc_verification_free(&v);
}

/* The credential a typed short code names (docs/qr-payload.md "The short code"), or a typed
 * credential id, <uuid> or urn:uuid:<uuid>: its UUID in lower case. SC_EDATA when text is
 * neither; SC_ENOINPUT (err, may be NULL, says why) when it is a code that names nothing
 * published here. */
static int typed_credential(const sc_http_config *cfg, const char *text, char uuid[37],
                            sc_error *err) {
  const char *id = strncasecmp(text, "urn:uuid:", 9) == 0 ? text + 9 : text;
  if (sc_uuid_valid(id, strlen(id))) {
    for (size_t i = 0; i <= 36; i++)
      uuid[i] = (char)(id[i] >= 'A' && id[i] <= 'F' ? id[i] - 'A' + 'a' : id[i]);
    return SC_OK;
  }
  char prefix[SC_SHORT_CODE_PREFIX_SIZE];
  if (sc_short_code_uuid_prefix(text, prefix) != SC_OK)
    return SC_EDATA;
  return sc_published_find_code(cfg->public_dir, text, uuid, err) == SC_OK ? SC_OK : SC_ENOINPUT;
}

/* GET /K/<code>: the verdict page of the credential a short code names, as /C/<uuid>. */
static void code_route(const sc_http_config *cfg, const sc_http_request *req,
                       sc_http_response *res) {
  char uuid[37], path[40];
  if (typed_credential(cfg, req->path + 3, uuid, NULL) != SC_OK) {
    http_page_error(req, 404, N_("Not found"), N_("No certificate with this code is published here."), res);
    return;
  }
  snprintf(path, sizeof path, "/C/%s", uuid);
  sc_http_request as_link = *req;
  as_link.path = path;
  verdict_route(cfg, &as_link, res);
}

/* POST /verify: the form of GET /: pasted QR text or an uploaded PDF / JSON / image. */
static void form_route(const sc_http_config *cfg, const sc_http_request *req,
                       sc_http_response *res) {
  sc_verification v = {0};
  char uuid[37];
  sc_error err = {0};
  int typed = SC_EDATA;
  if (req->form_file && req->form_file_len > 0) {
    http_verify_input(cfg, req->now, req->form_file, req->form_file_len, "upload", &v);
  } else if (req->form_qr && *req->form_qr &&
             (typed = typed_credential(cfg, req->form_qr, uuid, NULL)) != SC_EDATA) {
    /* the short code or the credential id printed under the QR code, typed in; the lookup's
     * own message names the local folder, which an answer to the network does not */
    if (typed == SC_OK) {
      http_verify_link(cfg, req->now, uuid, &v);
    } else {
      sc_fail(&err, SC_ENOINPUT, "no certificate with this code is published here");
      sc_verification_fail(&v, "form", &err);
    }
  } else if (req->form_qr && *req->form_qr) {
    http_verify_input(cfg, req->now, (const uint8_t *)req->form_qr, strlen(req->form_qr), "QR text",
                      &v);
  } else {
    sc_fail(&err, SC_EDATA, "nothing to verify: paste the QR text or choose a file");
    sc_verification_fail(&v, "form", &err);
  }
  http_page_verdict(cfg, req, &v, http_readable(&v) ? 200 : 400, res);
  res->cache_control = "no-store";
  sc_verification_free(&v);
}

static bool is(const sc_http_request *req, const char *method) {
  return strcmp(req->method, method) == 0;
}

static bool get_or_head(const sc_http_request *req) {
  return is(req, "GET") || is(req, "HEAD");
}

/* Routes answering GET (and HEAD). */
static bool route_get(const sc_http_config *cfg, const sc_http_request *req,
                      sc_http_response *res) {
  const char *path = req->path;
  if (has_prefix_nocase(path, "/V/") || has_prefix_nocase(path, "/C/")) {
    if (path[1] == 'c' && http_static_route(path))
      return false; /* lower-case /c/<uuid>.json is the published file */
    get_or_head(req) ? verdict_route(cfg, req, res) : method_not_allowed(req, "GET, HEAD", res);
  } else if (has_prefix_nocase(path, "/K/")) {
    get_or_head(req) ? code_route(cfg, req, res) : method_not_allowed(req, "GET, HEAD", res);
  } else if (strncmp(path, "/claim/", 7) == 0) {
    get_or_head(req) ? http_claim_route(cfg, req, res) : method_not_allowed(req, "GET, HEAD", res);
    res->cache_control = "no-store";
    res->noindex = true;
  } else if (strcmp(path, "/") == 0) {
    get_or_head(req) ? http_page_home(cfg, req, res) : method_not_allowed(req, "GET, HEAD", res);
  } else if (http_wallets_on(cfg) && (strcmp(path, "/.well-known/openid-credential-issuer") == 0 ||
                                      strcmp(path, "/.well-known/oauth-authorization-server") == 0)) {
    if (!get_or_head(req))
      method_not_allowed(req, "GET, HEAD", res);
    else if (strcmp(path, "/.well-known/openid-credential-issuer") == 0)
      http_oid4vci_issuer_metadata(cfg, req, res);
    else
      http_oid4vci_server_metadata(cfg, req, res);
  } else if (strcmp(path, "/healthz") == 0) {
    get_or_head(req) ? http_answer(res, 200, HTTP_TEXT, "ok\n")
                     : method_not_allowed(req, "GET, HEAD", res);
    res->cache_control = "no-store";
  } else {
    return false;
  }
  return true;
}

static bool route_post(const sc_http_config *cfg, const sc_http_request *req,
                       sc_http_response *res) {
  const char *path = req->path;
  void (*answer)(const sc_http_config *, const sc_http_request *, sc_http_response *) = NULL;
  if (strcmp(path, "/verify") == 0)
    answer = form_route;
  else if (strcmp(path, "/credentials/verify") == 0)
    answer = http_api_verify;
  else if (strcmp(path, "/presentations/verify") == 0)
    answer = http_api_presentations;
  else if (strcmp(path, "/credentials/issue") == 0 && cfg->issue_token)
    answer = http_api_issue;
  else if (strcmp(path, "/certificates") == 0 && cfg->issue_token)
    answer = http_api_certificates;
  else if (http_wallets_on(cfg) && strncmp(path, "/exchanges/", 11) == 0)
    answer = http_wallet_exchange;
  else if (http_wallets_on(cfg) && strcmp(path, "/oid4vci/token") == 0)
    answer = http_oid4vci_token;
  else if (http_wallets_on(cfg) && strcmp(path, "/oid4vci/credential") == 0)
    answer = http_oid4vci_credential;
  else if (http_wallets_on(cfg) && strcmp(path, "/oid4vci/nonce") == 0)
    answer = http_oid4vci_nonce;
  else
    return false;
  is(req, "POST") ? answer(cfg, req, res) : method_not_allowed(req, "POST", res);
  return true;
}

void sc_http_handle(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res) {
  memset(res, 0, sizeof *res);
  res->cache_control = "no-store";
  if (!req->method || !req->path || req->path[0] != '/') {
    http_page_error(req, 400, N_("Bad request"), N_("The request has no valid path."), res);
  } else if (route_get(cfg, req, res) || route_post(cfg, req, res)) {
    /* answered */
  } else if (http_static_route(req->path)) {
    get_or_head(req) ? http_static_serve(cfg, req, res) : method_not_allowed(req, "GET, HEAD", res);
  } else {
    http_page_error(req, 404, N_("Not found"), N_("There is nothing at this address."), res);
  }
  if (is(req, "HEAD"))
    res->no_body = true;
}
