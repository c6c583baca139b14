/* POST /credentials/issue (W3C VC API): signs the credential the client composed, as it is.
 * Nothing is rewritten silently: the credential must already follow the VC data model (2.0,
 * or 1.1 with the Data Integrity context, added when absent) and define every term it uses
 * (JSON-LD safe mode), its issuer must be the home's; only an absent issuer or id is filled
 * in, and the status entries asked for and the proofs added. 400: the request is wrong;
 * 422: the credential is not a valid one; answers {"errors": [{"message"}]}. */
#include "service/http_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define VC2_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define VC1_CONTEXT "https://www.w3.org/2018/credentials/v1"
#define DI_CONTEXT "https://w3id.org/security/data-integrity/v2"

static void issue_errors(sc_http_response *res, int status, const char *message) {
  http_answer_json(res, status, json_pack("{s:[{s:s}]}", "errors", "message", message));
}

typedef struct issue_options {
  bool cryptosuite_given;
  sc_home_proof_set proofs;
  bool status;
} issue_options;

/* options.credentialStatus: true, or {"type": "BitstringStatusListEntry"} (the VC API's form). */
static int read_status_option(const json_t *value, bool *status, sc_error *err) {
  const char *type = json_string_value(json_object_get(value, "type"));
  if (json_is_boolean(value))
    *status = json_is_true(value);
  else if (json_is_object(value) && type && strcmp(type, "BitstringStatusListEntry") == 0)
    *status = true;
  else
    return sc_fail(err, SC_EDATA,
                   "options.credentialStatus: expected true or {\"type\": "
                   "\"BitstringStatusListEntry\"}");
  return SC_OK;
}

static int read_options(const json_t *options, issue_options *out, sc_error *err) {
  if (options && !json_is_object(options))
    return sc_fail(err, SC_EDATA, "options: expected an object");
  const char *key;
  const json_t *value;
  json_object_foreach((json_t *)options, key, value) {
    if (strcmp(key, "credentialStatus") == 0) {
      int rc = read_status_option(value, &out->status, err);
      if (rc != SC_OK)
        return rc;
    } else if (strcmp(key, "cryptosuite") == 0) {
      const char *suite = json_string_value(value);
      if (!suite || (strcmp(suite, "eddsa-rdfc-2022") && strcmp(suite, "eddsa-jcs-2022")))
        return sc_fail(err, SC_EDATA,
                       "options.cryptosuite: expected \"eddsa-rdfc-2022\" or \"eddsa-jcs-2022\"");
      out->cryptosuite_given = true;
      out->proofs = strcmp(suite, "eddsa-rdfc-2022") == 0 ? SC_PROOFS_RDFC : SC_PROOFS_JCS;
    } else {
      return sc_fail(err, SC_EDATA,
                     "options.%s: not an option of this route (expected cryptosuite or "
                     "credentialStatus)",
                     key);
    }
  }
  return SC_OK;
}

/* The issuer: absent → the home's id; the home's id as a string or an object's id → kept;
 * anything else is another issuer, which this service cannot sign for. */
static int settle_issuer(const sc_home *home, json_t *credential, sc_error *err) {
  json_t *issuer = json_object_get(credential, "issuer");
  if (!issuer)
    return json_object_set_new(credential, "issuer", json_string(home->issuer_id)) ? sc_oom(err)
                                                                                   : SC_OK;
  const json_t *id = json_is_object(issuer) ? json_object_get(issuer, "id") : issuer;
  if (!json_is_string(id))
    return sc_fail(err, SC_EDATA,
                   "credential.issuer: expected an id string or an object with an id");
  if (strcmp(json_string_value(id), home->issuer_id) != 0)
    return sc_fail(err, SC_EDATA,
                   "credential.issuer: '%.200s' is another issuer; this service signs as %s",
                   json_string_value(id), home->issuer_id);
  return SC_OK;
}

static int settle_id(json_t *credential, sc_error *err) {
  if (json_object_get(credential, "id"))
    return SC_OK;
  char uuid[37], urn[48];
  int rc = sc_uuid_v4(uuid, err);
  if (rc != SC_OK)
    return rc;
  snprintf(urn, sizeof urn, "urn:uuid:%s", uuid);
  return json_object_set_new(credential, "id", json_string(urn)) ? sc_oom(err) : SC_OK;
}

static bool is_vc1(const json_t *credential) {
  const char *first = json_string_value(json_array_get(json_object_get(credential, "@context"), 0));
  return first && strcmp(first, VC1_CONTEXT) == 0;
}

/* VC 1.1's context does not define the Data Integrity proof: its context goes last. */
static int settle_context(json_t *credential, sc_error *err) {
  json_t *context = json_object_get(credential, "@context");
  if (!is_vc1(credential) || sc_json_has_string(context, DI_CONTEXT))
    return SC_OK;
  return json_array_append_new(context, json_string(DI_CONTEXT)) ? sc_oom(err) : SC_OK;
}

/* Every term defined (safe mode), with the contexts bundled with skillcert: what a
 * eddsa-rdfc-2022 verifier will need, and what jcs leaves unchecked. */
static int check_terms(const json_t *credential, sc_error *err) {
  sc_rdf_dataset dataset = {0};
  sc_jsonld_options opts = {.safe_mode = true};
  int rc = sc_jsonld_to_rdf(credential, &opts, &dataset, err);
  sc_rdf_dataset_free(&dataset);
  if (rc != SC_OK)
    sc_error_prefix(err, "credential");
  return rc == SC_OK ? SC_OK : SC_EINVALID;
}

/* The dates a verifier reads (VC 2.0 validFrom, validUntil; VC 1.1 issuanceDate,
 * expirationDate): date-times with a time zone, the period not ending before it starts. */
static int check_dates(const json_t *credential, sc_error *err) {
  static const char *const names[] = {"validFrom", "validUntil", "issuanceDate", "expirationDate"};
  int64_t at[4] = {0};
  bool given[4] = {false};
  for (size_t i = 0; i < 4; i++) {
    const json_t *value = json_object_get(credential, names[i]);
    if (!value)
      continue;
    sc_error why = {0};
    if (!json_is_string(value) || sc_time_parse(json_string_value(value), true, &at[i], &why))
      return sc_fail(err, SC_EINVALID, "credential.%s: expected a date-time with a time zone%s%s",
                     names[i], why.code ? ": " : "", why.code ? why.message : "");
    given[i] = true;
  }
  for (size_t from = 0; from < 4; from += 2)
    if (given[from] && given[from + 1] && at[from] > at[from + 1])
      return sc_fail(err, SC_EINVALID, "credential.%s: earlier than %s", names[from + 1],
                     names[from]);
  return SC_OK;
}

static void field_error(sc_error *err) {
  char joined[sizeof err->message];
  sc_text_mark_cut(joined, sizeof joined, snprintf(joined, sizeof joined, "credential.%s", err->message));
  memcpy(err->message, joined, sizeof joined);
}

/* The credential as it will be signed, or the reason it cannot be: SC_EDATA (400) for a
 * request this route does not take, SC_EINVALID (422) for a credential that is not valid. */
static int prepare(const sc_home *home, json_t *credential, const issue_options *o, sc_error *err) {
  if (json_object_get(credential, "proof"))
    return sc_fail(err, SC_EDATA, "credential.proof: the credential to issue must not have one");
  if (o->status && json_object_get(credential, "credentialStatus"))
    return sc_fail(err, SC_EDATA,
                   "credential.credentialStatus: the credential has one already, and "
                   "options.credentialStatus asks for another");
  int rc = settle_issuer(home, credential, err);
  if (rc == SC_OK)
    rc = settle_id(credential, err);
  if (rc == SC_OK && !json_is_array(json_object_get(credential, "@context")))
    rc = sc_fail(err, SC_EINVALID, "credential.@context: expected an array of contexts");
  if (rc == SC_OK)
    rc = settle_context(credential, err);
  if (rc == SC_OK && (rc = sc_credential_content_check(credential, err)) != SC_OK)
    field_error(err); /* "issuer: …" → "credential.issuer: …" */
  if (rc == SC_OK)
    rc = check_dates(credential, err);
  if (rc == SC_OK && o->status && is_vc1(credential))
    rc = sc_fail(err, SC_EINVALID,
                 "options.credentialStatus: a BitstringStatusListEntry needs a VC 2.0 "
                 "credential (its context defines it; VC 1.1's does not)");
  if (rc == SC_OK)
    rc = check_terms(credential, err);
  return rc;
}

/* One request at a time, under the home's lock (a CLI issue may be running). */
static int issue_locked(const sc_http_config *cfg, json_t *credential,
                        const sc_given_options *opts, sc_error *err) {
  sc_http_issuer *issuer = cfg->issuer;
  pthread_mutex_lock(&issuer->lock);
  int lock_fd = -1;
  sc_registry *reg = NULL;
  int rc = sc_home_lock(issuer->home, &lock_fd, err);
  if (rc == SC_OK)
    rc = http_registry_take(cfg->registry, issuer->home, &reg, err);
  if (rc == SC_OK)
    rc = sc_issue_given(reg, issuer->home, issuer->key, credential, opts, err);
  http_registry_give(cfg->registry, reg, rc);
  sc_home_unlock(lock_fd);
  pthread_mutex_unlock(&issuer->lock);
  return rc;
}

static int issue_status(int rc) {
  switch (rc) {
  case SC_EDATA:
    return 400;
  case SC_EINVALID:
    return 422;
  case SC_EUSAGE:
    return 409; /* the id was issued already */
  case SC_EIO:
  case SC_ECONFIG:
    return 503; /* another command holds the home, or the home is misconfigured */
  default:
    return 500;
  }
}

/* The request's problems are the client's to read; the server's name files of the home (a
 * registry, a lock, skillcert.json), which a client has no business seeing. */
static const char *client_message(int rc, const sc_error *err) {
  if (issue_status(rc) < 500)
    return err->message;
  if (rc == SC_EIO)
    return "the credential could not be issued now (the issuer's home is busy or cannot be "
           "written): try again later";
  return "the credential could not be issued: the service's home has a problem (see its "
         "operator)";
}

void http_api_issue(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res) {
  if (!cfg->issuer || !http_authorized(cfg, req)) {
    issue_errors(res, 401, "a valid bearer token is required");
    res->authenticate = "Bearer realm=\"skillcert\"";
    return;
  }
  const sc_home *home = cfg->issuer->home;
  json_t *body = NULL, *credential = NULL;
  const json_t *given = NULL;
  sc_error err = {0};
  issue_options o = {0};
  int rc = http_read_body(req, "credential", &body, &given, &err);
  if (rc == SC_OK)
    rc = read_options(json_object_get(body, "options"), &o, &err);
  if (rc == SC_OK && !o.cryptosuite_given)
    rc = sc_home_proofs(home, &o.proofs, &err);
  if (rc == SC_OK && !(credential = json_deep_copy(given)))
    rc = sc_oom(&err);
  if (rc == SC_OK)
    rc = prepare(home, credential, &o, &err);
  sc_given_options opts = {.proofs = o.proofs, .status = o.status, .now = (int64_t)time(NULL)};
  if (rc == SC_OK)
    rc = issue_locked(cfg, credential, &opts, &err);
  if (rc == SC_OK)
    http_answer_json(res, 201, json_pack("{s:O}", "verifiableCredential", credential));
  else
    issue_errors(res, issue_status(rc), client_message(rc, &err));
  json_decref(credential);
  json_decref(body);
}
