/* The verifications behind the service's pages: a /V/ payload, a /C/ link, an upload. Each
 * one always ends in a filled sc_verification, so the page can say why in plain words. */
#include "service/http_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void http_verifier_init(http_verifier *hv, const sc_http_config *cfg, int64_t now) {
  /* All fetches of one request share one time budget (--fetch-budget). */
  const sc_status_source *status = NULL;
  if (cfg->status) {
    hv->status = *cfg->status;
    sc_fetch_budget_start(&hv->status);
    status = &hv->status;
  }
  hv->did_web = (sc_did_web){.doc_path = cfg->did_doc,
                             .source = status,
                             .now = now,
                             .home_issuer = cfg->home_issuer,
                             .home_keys = cfg->home_keys,
                             .only_trusted = true,
                             .trust = cfg->trust};
  hv->key_check = (sc_key_check_ctx){.did_web = &hv->did_web,
                                     .trust = cfg->trust,
                                     .home_issuer = cfg->home_issuer,
                                     .home_keys = cfg->home_keys};
  hv->opts = (sc_verify_options){.trust = cfg->trust,
                                 .now = now,
                                 .clock = now,
                                 .status = status,
                                 .resolver = sc_did_web_resolve,
                                 .resolver_ctx = &hv->did_web,
                                 .key_check = sc_key_check,
                                 .key_check_ctx = &hv->key_check,
                                 .memo = cfg->memo,
                                 .keys = cfg->keys,
                                 .status_only_if_trusted = true,
                                 .remote_messages = true};
}

void http_verifier_free(http_verifier *hv) {
  sc_did_web_free(&hv->did_web);
}

bool http_readable(const sc_verification *v) {
  return v->credential && v->exit_code < SC_EUSAGE;
}

int http_page_status(const sc_verification *v) {
  if (http_readable(v))
    return 200;
  return v->exit_code == SC_ENOINPUT ? 404 : 400;
}

/* Replaces every occurrence of from in text (size bytes) by to, cutting what no longer fits. */
static void replace_all(char *text, size_t size, const char *from, const char *to) {
  size_t from_len = strlen(from), to_len = strlen(to);
  for (char *at = strstr(text, from); from_len && at; at = strstr(at + to_len, from)) {
    size_t tail = strlen(at + from_len);
    size_t room = size - 1 - (size_t)(at - text);
    size_t kept = to_len > room ? room : to_len;
    size_t tail_kept = tail > room - kept ? room - kept : tail;
    memmove(at + kept, at + from_len, tail_kept);
    memcpy(at, to, kept);
    at[kept + tail_kept] = '\0';
    if (kept < to_len)
      return;
  }
}

void http_scrub_messages(const sc_http_config *cfg, sc_verification *v) {
  for (size_t i = 0; i < v->check_count; i++) {
    sc_check *c = &v->checks[i];
    bool failed = c->state == SC_CHECK_FAILED;
    bool status = strcmp(c->name, "status") == 0; /* said for a client already: remote_messages */
    if (failed && c->code == SC_ESTATUS && !status && !strstr(c->message, SC_DID_WEB_NOT_TRUSTED)) {
      /* A DID document or a linked credential that could not be loaded: the reason names
       * local folders, the cache or the network's error text (not so the refusal to load the
       * document of an untrusted issuer, which says only that). */
      snprintf(c->message, sizeof c->message, "%s",
               "a document this check needs could not be fetched");
      continue;
    }
    if (cfg->public_dir)
      replace_all(c->message, sizeof c->message, cfg->public_dir, "public");
  }
}

void http_verify_input(const sc_http_config *cfg, int64_t now, const uint8_t *data, size_t len,
                       const char *source, sc_verification *v) {
  http_verifier hv;
  http_verifier_init(&hv, cfg, now);
  sc_buf json = {0};
  sc_error err = {0};
  char describe[128] = "";
  if (sc_input_to_credential(data, len, &hv.opts, &json, describe, sizeof describe, &err) ==
      SC_OK) {
    sc_verify_json((const char *)json.data, json.len, source, &hv.opts, v);
    sc_check_pdf_page(v, data, len); /* a PDF's page must show that credential */
  } else
    sc_verification_fail(v, source, &err);
  sc_buf_free(&json);
  http_verifier_free(&hv);
  http_scrub_messages(cfg, v);
}

/* The payload decodes straight to a parsed credential (strict intake inside the codec), which
 * is verified as it is: the hottest route parses each credential once. */
void http_verify_payload(const sc_http_config *cfg, int64_t now, const char *payload,
                         sc_verification *v) {
  sc_buf text = {0};
  sc_error err = {0};
  sc_qr_content content = {0};
  if (!sc_buf_append_str(&text, "/V/") || !sc_buf_append_str(&text, payload)) {
    sc_oom(&err);
  } else if (sc_qr_payload_decode((const char *)text.data, &content, &err) == SC_OK &&
             content.kind != SC_QR_EMBEDDED) {
    sc_fail(&err, SC_EDATA, "not an embedded QR payload");
  }
  if (err.code) {
    sc_verification_fail(v, "QR code", &err);
  } else {
    http_verifier hv;
    http_verifier_init(&hv, cfg, now);
    sc_verify_value(content.credential, "QR code", &hv.opts, v);
    http_verifier_free(&hv);
  }
  sc_qr_content_free(&content);
  sc_buf_free(&text);
  http_scrub_messages(cfg, v);
}

/* A UUID as the QR code prints it (any case): 8-4-4-4-12 hex digits. out gets it lower case. */
static bool parse_uuid(const char *text, char out[37]) {
  if (!sc_uuid_valid(text, strlen(text)))
    return false;
  for (size_t i = 0; i < 36; i++)
    out[i] = (char)tolower((unsigned char)text[i]);
  out[36] = '\0';
  return true;
}

void http_verify_link(const sc_http_config *cfg, int64_t now, const char *uuid_text,
                      sc_verification *v) {
  char uuid[37], relative[64];
  sc_error err = {0};
  sc_buf json = {0};
  if (!parse_uuid(uuid_text, uuid)) {
    sc_fail(&err, SC_EDATA, "the link names no credential: expected a UUID after /C/");
  } else if (!cfg->public_dir) {
    sc_fail(&err, SC_ENOINPUT, "this service publishes no credentials");
  } else {
    snprintf(relative, sizeof relative, "c/%s.json", uuid);
    if (http_public_read(cfg->public_dir, relative, SC_JSON_MAX_BYTES, &json, &err) != SC_OK)
      sc_fail(&err, SC_ENOINPUT, "no credential %s is published here", uuid);
  }
  if (err.code) {
    sc_verification_fail(v, "link", &err);
  } else {
    http_verifier hv;
    http_verifier_init(&hv, cfg, now);
    sc_verify_json((const char *)json.data, json.len, "link", &hv.opts, v);
    http_verifier_free(&hv);
  }
  sc_buf_free(&json);
  http_scrub_messages(cfg, v);
}
