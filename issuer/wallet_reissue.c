/* A learner's credential made out again to the DID of their wallet (docs/wallets.md "The
 * copy"): the same claims and the same status entries, a new id, credentialSubject.id the
 * wallet's DID, signed now. The registry records it as a copy of the original, so that a status
 * change of either changes both. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The original's row (*row, the caller's) must be active; root is the credential copies link
 * to (an original's copy links to that original, never to another copy). */
static int find_original(sc_registry *reg, const char *id, char *root, size_t size, json_t **out,
                         sc_error *err) {
  json_t *row = NULL;
  int rc = sc_registry_get(reg, id, &row, err);
  const char *status = json_string_value(json_object_get(row, "status"));
  if (rc == SC_OK && !row)
    rc = sc_fail(err, SC_EDATA, "no credential %s in the registry", id);
  else if (rc == SC_OK && (!status || strcmp(status, "active") != 0))
    rc = sc_fail(err, SC_EUSAGE, "the credential is %s: it is not issued again",
                 status ? status : "in an unknown state");
  if (rc == SC_OK)
    rc = sc_registry_reissued_from(reg, json_string_value(json_object_get(row, "id")), root, size,
                                   err);
  if (rc == SC_OK && !root[0])
    snprintf(root, size, "%s", json_string_value(json_object_get(row, "id")));
  if (rc == SC_OK)
    *out = row;
  else
    json_decref(row);
  return rc;
}

static int make_copy(const char *text, const char *holder_did, json_t **out, sc_error *err) {
  json_error_t jerr;
  json_t *copy = json_loads(text, 0, &jerr);
  if (!copy)
    return sc_fail(err, SC_ESOFTWARE, "the stored credential is not JSON: %s", jerr.text);
  char uuid[SC_UUID_SIZE], id[64];
  int rc = sc_uuid_v4(uuid, err);
  snprintf(id, sizeof id, "urn:uuid:%s", uuid);
  json_t *subject = json_object_get(copy, "credentialSubject");
  if (json_is_array(subject))
    subject = json_array_get(subject, 0);
  if (rc == SC_OK && !json_is_object(subject))
    rc = sc_fail(err, SC_EDATA, "the stored credential has no credentialSubject object");
  if (rc == SC_OK && (json_object_del(copy, "proof") != 0 ||
                      json_object_set_new(copy, "id", json_string(id)) != 0 ||
                      json_object_set_new(subject, "id", json_string(holder_did)) != 0))
    rc = sc_oom(err);
  if (rc != SC_OK) {
    json_decref(copy);
    return rc;
  }
  *out = copy;
  return SC_OK;
}

int sc_wallet_reissue(sc_registry *reg, const sc_home *home, EVP_PKEY *key, const char *original_id,
                      const char *holder_did, int64_t now, json_t **out, sc_error *err) {
  *out = NULL;
  char root[128];
  json_t *row = NULL;
  sc_given_options opts = {.now = now, .reissued_from = root};
  int rc = find_original(reg, original_id, root, sizeof root, &row, err);
  /* the copy is listed under the learner's name, as the original */
  opts.recipient_name = json_string_value(json_object_get(row, "recipient_name"));
  opts.email_hash = json_string_value(json_object_get(row, "email_hash"));
  char *text = rc == SC_OK ? sc_registry_credential_text(reg, original_id, err) : NULL;
  if (rc == SC_OK && !text)
    rc = err->code ? err->code : sc_oom(err);
  json_t *copy = NULL;
  if (rc == SC_OK)
    rc = make_copy(text, holder_did, &copy, err);
  free(text);
  if (rc == SC_OK)
    rc = sc_home_proofs(home, &opts.proofs, err);
  /* status stays false: the copy keeps the original's entries, its own slot goes unused */
  if (rc == SC_OK)
    rc = sc_issue_given(reg, home, key, copy, &opts, err);
  json_decref(row);
  if (rc != SC_OK) {
    json_decref(copy);
    return rc;
  }
  *out = copy;
  return SC_OK;
}
