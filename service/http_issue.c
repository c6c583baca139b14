/* POST /certificates, the learner shortcut: a request read into an sc_issue_request (the same
 * limits as `issue`'s flags and rosters), then issued with issuer/'s sc_issue_one. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void sc_http_issuer_init(sc_http_issuer *issuer, const sc_home *home, EVP_PKEY *key) {
  issuer->home = home;
  issuer->key = key;
  pthread_mutex_init(&issuer->lock, NULL);
}

void sc_http_issuer_destroy(sc_http_issuer *issuer) {
  pthread_mutex_destroy(&issuer->lock);
}

/* Keeps err's message (formatting it into itself would be undefined behaviour) under a new
 * code: the request, not the server, was wrong. */
static int recode(sc_error *err, int code) {
  err->code = code;
  return code;
}

/* credential.credentialSubject: {"name", "email", "did"?, "achievement": {OB Achievement}},
 * or options.template naming a certificate design whose achievement is used. */
static int request_achievement(const sc_http_issuer *issuer, const json_t *subject,
                               const json_t *options, json_t **out, sc_error *err) {
  const json_t *template_value = json_object_get(options, "template");
  const char *template_name = json_string_value(template_value);
  const json_t *given = json_object_get(subject, "achievement");
  if (template_value && !template_name)
    return sc_fail(err, SC_EDATA, "options.template: expected the name of a certificate design");
  if (template_name) {
    char dir[PATH_MAX];
    sc_template *tpl = NULL;
    int rc = sc_template_find(issuer->home, template_name, dir, sizeof dir, err);
    if (rc == SC_OK)
      rc = sc_template_load(dir, &tpl, err);
    if (rc == SC_OK)
      *out = json_deep_copy(sc_template_achievement(tpl));
    sc_template_free(tpl);
    if (rc != SC_OK)
      return rc == SC_ENOINPUT || rc == SC_ECONFIG ? recode(err, SC_EUSAGE) : rc;
    return *out ? SC_OK : sc_oom(err);
  }
  if (!json_is_object(given))
    return sc_fail(err, SC_EDATA,
                   "credential.credentialSubject.achievement: expected an Open "
                   "Badges 3.0 Achievement object (or options.template)");
  if (!(*out = json_deep_copy(given)))
    return sc_oom(err);
  int rc = sc_json_nfc(*out, "achievement", err);
  if (rc == SC_OK)
    rc = sc_achievement_check(*out, "credential.credentialSubject.achievement", err);
  return rc == SC_OK ? SC_OK : recode(err, SC_EDATA);
}

/* object[key] as text: *out NULL when absent; SC_EDATA naming where.key when it is there but
 * not a string, holds a NUL, or is not what `issue` accepts from its flags and rosters
 * (sc_text_check: UTF-8 without control characters, at most max_chars characters). */
static int optional_text(const json_t *object, const char *where, const char *key, size_t max_chars,
                         const char **out, sc_error *err) {
  const json_t *value = json_object_get(object, key);
  *out = NULL;
  if (!value)
    return SC_OK;
  char field[96];
  snprintf(field, sizeof field, "%s.%s", where, key);
  if (!json_is_string(value))
    return sc_fail(err, SC_EDATA, "%s: expected a string", field);
  const char *text = json_string_value(value);
  if (strlen(text) != json_string_length(value))
    return sc_fail(err, SC_EDATA, "%s: must not contain NUL characters", field);
  int rc = sc_text_check(text, field, max_chars, err);
  if (rc == SC_OK)
    *out = text;
  return rc;
}

static int request_fields(const json_t *credential, const json_t *options, sc_issue_request *req,
                          sc_error *err) {
  static const char subject_at[] = "credential.credentialSubject";
  const json_t *subject = json_object_get(credential, "credentialSubject");
  if (!json_is_object(subject))
    return sc_fail(err, SC_EDATA, "%s: expected an object with name and email", subject_at);
  int rc = optional_text(subject, subject_at, "name", SC_MAX_NAME_CHARS, &req->recipient.name, err);
  if (rc == SC_OK)
    rc =
        optional_text(subject, subject_at, "email", SC_MAX_EMAIL_CHARS, &req->recipient.email, err);
  if (rc == SC_OK)
    rc = optional_text(subject, subject_at, "id", SC_MAX_DID_CHARS, &req->recipient.did, err);
  if (rc == SC_OK)
    rc = optional_text(credential, "credential", "validUntil", 64, &req->valid_until, err);
  if (rc == SC_OK)
    rc = optional_text(options, "options", "learnerId", SC_MAX_ID_CHARS, &req->learner_id, err);
  if (rc != SC_OK)
    return rc;
  req->now = (int64_t)time(NULL);
  if (!req->recipient.name || !*req->recipient.name)
    return sc_fail(err, SC_EDATA, "%s.name: expected the learner's name", subject_at);
  if (!req->recipient.email || !sc_is_email(req->recipient.email))
    return sc_fail(err, SC_EDATA, "%s.email: expected an e-mail address", subject_at);
  return SC_OK;
}

/* A learner id seen before with this achievement: the credential issued then. */
static int existing_credential(sc_registry *reg, const sc_issue_request *req, json_t **out,
                               sc_error *err) {
  json_t *row = NULL;
  const char *achievement_id = json_string_value(json_object_get(req->achievement, "id"));
  int rc = sc_registry_find(reg, req->learner_id, achievement_id, &row, err);
  if (rc != SC_OK || !row)
    return rc;
  char *text = sc_registry_credential_text(reg, json_string_value(json_object_get(row, "id")), err);
  json_decref(row);
  if (!text)
    return err->code ? err->code : SC_ESOFTWARE;
  rc = sc_json_parse(text, strlen(text), "registry", out, err);
  free(text);
  return rc;
}

/* A registry handle serves one thread (issuer.h): this request's, borrowed from the pool. */
static int issue_locked(const sc_http_config *cfg, sc_issue_request *req, json_t **out,
                        sc_error *err) {
  sc_http_issuer *issuer = cfg->issuer;
  sc_issue_context ctx = {.home = issuer->home, .key = issuer->key, .qr_mode = SC_QR_MODE_UNSET};
  sc_registry *reg = NULL;
  sc_prepared p = {0};
  int rc = http_registry_take(cfg->registry, issuer->home, &reg, err);
  if (rc == SC_OK && req->learner_id)
    rc = existing_credential(reg, req, out, err);
  if (rc == SC_OK && !*out)
    rc = sc_issue_one(reg, &ctx, req, true, &p, err);
  if (rc == SC_OK && !*out)
    *out = json_incref(p.credential);
  sc_prepared_free(&p);
  http_registry_give(cfg->registry, reg, rc);
  return rc;
}

int http_issue_credential(const sc_http_config *cfg, const json_t *credential,
                          const json_t *options, json_t **signed_credential, sc_error *err) {
  sc_http_issuer *issuer = cfg->issuer;
  sc_issue_request req = {.fields = &sc_issue_json_names}; /* errors name JSON fields */
  json_t *achievement = NULL;
  *signed_credential = NULL;
  int rc = request_fields(credential, options, &req, err);
  if (rc == SC_OK)
    rc = request_achievement(issuer, json_object_get(credential, "credentialSubject"), options,
                             &achievement, err);
  req.achievement = achievement;
  if (rc == SC_OK) {
    pthread_mutex_lock(&issuer->lock);
    int lock_fd = -1;
    rc = sc_home_lock(issuer->home, &lock_fd, err); /* a CLI issue may be running */
    if (rc == SC_OK) {
      rc = issue_locked(cfg, &req, signed_credential, err);
      sc_home_unlock(lock_fd);
    }
    pthread_mutex_unlock(&issuer->lock);
  }
  json_decref(achievement);
  return rc;
}
