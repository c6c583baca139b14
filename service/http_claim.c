/* GET /claim/<token>: the learner's own page (docs/claim.md), reached from the link in their
 * e-mail: the verdict on their stored credential, their name and achievement, and downloads
 * (/certificate.pdf, /credential.json, /badge.png under the same path). A token that opens
 * nothing — unknown, expired, revoked, or no token at all — gets one and the same 404 page,
 * so the answer says nothing about which; such misses are counted per client
 * (http_limiter.c). Every answer is no-store and noindex: its address is the learner's
 * secret (and Referrer-Policy: no-referrer, on every answer, keeps it out of other sites). */
#include "service/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLAIM_PREFIX "/claim/"
#define CLAIM_MAX_FILE ((size_t)64 << 20)

typedef enum claim_part { PART_PAGE, PART_PDF, PART_JSON, PART_BADGE, PART_NONE } claim_part;

static const char *const part_names[] = {"", "certificate.pdf", "credential.json", "badge.png"};

/* One claim being answered: the token's credential, from the registry. */
typedef struct claim {
  char token[SC_CLAIM_TOKEN_LEN + 1];
  claim_part part;
  char id[128];
  json_t *row;
  char *text; /* the stored credential */
} claim;

static void claim_free(claim *c) {
  json_decref(c->row);
  free(c->text);
}

/* /claim/<token>[/<part>] → c->token and c->part; false when the path is no such thing. */
static bool parse_path(const char *path, claim *c) {
  const char *token = path + strlen(CLAIM_PREFIX);
  size_t len = strcspn(token, "/");
  if (len != SC_CLAIM_TOKEN_LEN)
    return false;
  memcpy(c->token, token, len);
  c->token[len] = '\0';
  if (!sc_claim_token_form(c->token))
    return false;
  const char *rest = token[len] ? token + len + 1 : NULL;
  c->part = PART_NONE;
  if (!rest)
    c->part = PART_PAGE;
  for (int i = PART_PDF; rest && i <= PART_BADGE; i++)
    if (strcmp(rest, part_names[i]) == 0)
      c->part = (claim_part)i;
  return c->part != PART_NONE;
}

static void not_found(const sc_http_request *req, sc_http_response *res) {
  http_page_error(req, 404, N_("Not found"),
                  N_("This claim link does not open a certificate: it may have expired, or the "
                     "issuer may have replaced it with a newer one. Ask the issuer for a new "
                     "link."),
                  res);
}

/* The token's credential: SC_OK with c filled, SC_ENOINPUT when the token opens nothing,
 * anything else the registry's trouble. */
static int look_up(const sc_http_config *cfg, const sc_http_request *req, claim *c,
                   sc_error *err_out) {
  sc_registry *reg = NULL;
  sc_error err = {0};
  int rc = http_registry_take(cfg->registry, cfg->home, &reg, &err);
  if (rc == SC_OK)
    rc = sc_registry_claim_find(reg, c->token, req->now, c->id, sizeof c->id, &err);
  if (rc == SC_OK)
    rc = sc_registry_get(reg, c->id, &c->row, &err);
  if (rc == SC_OK && !c->row)
    rc = SC_ENOINPUT;
  if (rc == SC_OK && !(c->text = sc_registry_credential_text(reg, c->id, &err)))
    rc = err.code ? err.code : SC_ESOFTWARE;
  http_registry_give(cfg->registry, reg, rc);
  *err_out = err;
  return rc;
}

static const char *row_text(const json_t *row, const char *key) {
  return json_string_value(json_object_get(row, key));
}

/* The credential's UUID: its id without "urn:uuid:" (the PDF's name, the public page's path). */
static const char *bare_id(const claim *c) {
  return c->id + (strncmp(c->id, "urn:uuid:", 9) == 0 ? 9 : 0);
}

/* out/<uuid>.pdf, as `issue` wrote it (and `render` writes it again); false when none. */
static bool pdf_path(const sc_http_config *cfg, const claim *c, char path[PATH_MAX]) {
  char name[160];
  snprintf(name, sizeof name, "%s.pdf", bare_id(c));
  return row_text(c->row, "pdf_path") &&
         sc_home_path(cfg->home, "out", name, path, PATH_MAX, NULL) == SC_OK &&
         access(path, R_OK) == 0;
}

/* The credential's template, loaded (NULL when it is gone). */
static sc_template *template_of(const sc_http_config *cfg, const claim *c) {
  const char *name = row_text(c->row, "template");
  char dir[PATH_MAX];
  sc_template *tpl = NULL;
  if (name && sc_template_find(cfg->home, name, dir, sizeof dir, NULL) == SC_OK)
    sc_template_load(dir, &tpl, NULL);
  return tpl;
}

static void download(const claim *c, const sc_http_config *cfg, const sc_http_request *req,
                     sc_http_response *res) {
  sc_buf_reset(&res->body);
  bool ok = false;
  if (c->part == PART_JSON) {
    ok = sc_buf_append_str(&res->body, c->text);
    res->content_type = HTTP_JSON;
    res->disposition = "attachment; filename=\"credential.json\"";
  } else if (c->part == PART_PDF) {
    char path[PATH_MAX];
    ok = pdf_path(cfg, c, path) && sc_read_file(path, CLAIM_MAX_FILE, &res->body, NULL) == SC_OK;
    res->content_type = "application/pdf";
    res->disposition = "attachment; filename=\"certificate.pdf\"";
  } else {
    sc_template *tpl = template_of(cfg, c);
    json_t *credential = NULL;
    ok = tpl && sc_json_parse(c->text, strlen(c->text), "registry", &credential, NULL) == SC_OK &&
         sc_badge_render(tpl, credential, c->text, false, &res->body, NULL) == SC_OK;
    json_decref(credential);
    sc_template_free(tpl);
    res->content_type = "image/png";
    res->disposition = "attachment; filename=\"badge.png\"";
  }
  if (!ok) { /* the file is gone (a PDF never made, a template removed) */
    res->disposition = NULL;
    http_page_error(req, 404, N_("Not found"), N_("There is nothing at this address."), res);
    return;
  }
  res->status = 200;
}

/* The verdict on the stored credential. The registry knows a revocation or suspension before
 * the published status list does (publish may not have run): it is believed. */
static void verify_stored(const sc_http_config *cfg, const sc_http_request *req, const claim *c,
                          sc_verification *v) {
  http_verify_input(cfg, req->now, (const uint8_t *)c->text, strlen(c->text), "registry", v);
  const char *status = row_text(c->row, "status");
  bool passed = v->exit_code == SC_OK || v->exit_code == SC_ESTATUS;
  if (passed && status && strcmp(status, "revoked") == 0)
    v->exit_code = SC_EREVOKED;
  else if (passed && status && strcmp(status, "suspended") == 0)
    v->exit_code = SC_ESUSPENDED;
}

static void page(const claim *c, const sc_http_config *cfg, const sc_http_request *req,
                 sc_http_response *res) {
  sc_verification v = {0};
  verify_stored(cfg, req, c, &v);
  char path[sizeof CLAIM_PREFIX + SC_CLAIM_TOKEN_LEN], verify[160], pdf[PATH_MAX];
  snprintf(path, sizeof path, CLAIM_PREFIX "%s", c->token);
  snprintf(verify, sizeof verify, "/C/%s", bare_id(c));
  sc_template *tpl = template_of(cfg, c);
  sc_buf wallet = {0};
  sc_error err = {0};
  bool wallet_ok =
      sc_wallet_section_html(cfg, c->id, http_request_lang(req), req->now, &wallet, &err) == SC_OK;
  http_claim_page claim_page = {.path = path,
                                .verify_path = verify,
                                .pdf = pdf_path(cfg, c, pdf),
                                .badge = tpl != NULL,
                                .wallet_html = wallet_ok && wallet.data ? (char *)wallet.data : ""};
  http_page_claim(cfg, req, &v, &claim_page, res);
  sc_buf_free(&wallet);
  sc_template_free(tpl);
  sc_verification_free(&v);
}

void http_claim_route(const sc_http_config *cfg, const sc_http_request *req,
                      sc_http_response *res) {
  claim c = {0};
  unsigned wait =
      cfg->claim_limiter ? http_limiter_wait(cfg->claim_limiter, req->client, req->now) : 0;
  if (wait) {
    http_page_error(req, 429, N_("Too many tries"),
                    N_("Too many links from here opened nothing. Wait a minute and try again."),
                    res);
    res->retry_after = wait;
  } else if (!cfg->home || !cfg->claim_limiter || !parse_path(req->path, &c)) {
    not_found(req, res);
  } else {
    sc_error err = {0};
    int rc = look_up(cfg, req, &c, &err);
    if (rc == SC_ENOINPUT) {
      not_found(req, res);
    } else if (rc != SC_OK) {
      http_page_error(req, 503, N_("Busy"), N_("The service cannot answer now; try again shortly."),
                      res);
      snprintf(res->log_note, sizeof res->log_note, "%.*s", (int)sizeof res->log_note - 1,
               err.message);
    }
    else if (c.part == PART_PAGE)
      page(&c, cfg, req, res);
    else
      download(&c, cfg, req, res);
  }
  if (res->status == 404 && cfg->claim_limiter && !c.row)
    http_limiter_miss(cfg->claim_limiter, req->client, req->now);
  res->cache_control = "no-store";
  res->noindex = true;
  claim_free(&c);
}
