/* A credential given whole (the VC API's POST /credentials/issue): the client composed it, the
 * home signs, records and publishes it. The steps are issue_one.c's — slot, sign, record, write,
 * publish — but nothing is built: whatever the client wrote is kept, except the status entries
 * asked for and the proofs. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *string_member(const json_t *object, const char *key) {
  return json_string_value(json_object_get(object, key));
}

/* The first subject (an array of subjects is allowed). */
static const json_t *first_subject(const json_t *credential) {
  const json_t *subject = json_object_get(credential, "credentialSubject");
  return json_is_array(subject) ? json_array_get(subject, 0) : subject;
}

/* What the registry's "recipient" column shows for a generic credential: the subject's
 * name when it is a string, else its id, else "". */
static const char *recipient_of(const json_t *credential) {
  const json_t *subject = first_subject(credential);
  const char *name = string_member(subject, "name");
  const char *id = string_member(subject, "id");
  return name ? name : id ? id : "";
}

/* out/<uuid>.json for a urn:uuid id; any other id gets a name made of its hash. */
static int file_path(const sc_home *home, const char *id, char *path, size_t size,
                     sc_error *err) {
  char name[80];
  const char *uuid = sc_uuid_of_urn(id);
  if (uuid) {
    snprintf(name, sizeof name, "%s.json", uuid);
  } else {
    uint8_t digest[32];
    char *hex = sc_sha256(id, strlen(id), digest) == 0 ? sc_hex_encode(digest, 16) : NULL;
    if (!hex)
      return sc_oom(err);
    snprintf(name, sizeof name, "%s.json", hex);
    free(hex);
  }
  return sc_home_path(home, "out", name, path, size, err);
}

/* sc_di_sign makes a proof set an array; a single proof is answered as an object, as the VC
 * API's examples and most verifiers expect (both forms verify the same). */
static int sign(const sc_home *home, EVP_PKEY *key, json_t *credential,
                const sc_given_options *opts, sc_error *err) {
  char created[21];
  sc_time_format(opts->now, created);
  int rc = sc_issue_sign(home, key, credential, opts->proofs, created, err);
  json_t *proof = json_object_get(credential, "proof");
  if (rc == SC_OK && json_array_size(proof) == 1 &&
      json_object_set(credential, "proof", json_array_get(proof, 0)) != 0)
    rc = sc_oom(err);
  return rc;
}

static int record(sc_registry *reg, const json_t *credential, const char *text,
                  const char *json_path, int64_t list, int64_t index, const char *now,
                  const sc_given_options *opts, sc_error *err) {
  const char *issued = string_member(credential, "validFrom");
  if (!issued)
    issued = string_member(credential, "issuanceDate");
  const char *until = string_member(credential, "validUntil");
  if (!until)
    until = string_member(credential, "expirationDate");
  const char *achievement =
      string_member(json_object_get(first_subject(credential), "achievement"), "id");
  sc_issued_record rec = {
      .id = string_member(credential, "id"),
      .achievement_id = achievement ? achievement : "",
      .recipient_name = opts->recipient_name ? opts->recipient_name : recipient_of(credential),
      .email_hash = opts->email_hash ? opts->email_hash : "",
      .status_list = list,
      .status_index = index,
      .issued_at = issued ? issued : now,
      .valid_until = until,
      .json_path = json_path,
      .credential_json = text,
      .reissued_from = opts->reissued_from,
  };
  int rc = sc_registry_begin(reg, err);
  if (rc == SC_OK)
    rc = sc_registry_insert(reg, &rec, err);
  if (rc == SC_OK)
    return sc_registry_commit(reg, err);
  sc_registry_rollback(reg);
  return rc;
}

static int write_file(const char *path, const char *text, sc_error *err) {
  sc_file_group files = {0};
  int rc = sc_file_group_add(&files, path, text, strlen(text), 0644, err);
  if (rc != SC_OK) {
    sc_file_group_abort(&files);
    return rc;
  }
  return sc_file_group_commit(&files, err);
}

static int publish(const sc_home *home, EVP_PKEY *key, sc_registry *reg, int64_t list,
                   const sc_given_options *opts, sc_error *err) {
  sc_publish_options publish = {.now = opts->now};
  int rc = sc_publish_lists(home, key, reg, &list, 1, &publish, err);
  return rc == SC_OK ? sc_publish_key_document(home, err) : rc;
}

int sc_issue_given(sc_registry *reg, const sc_home *home, EVP_PKEY *key, json_t *credential,
                   const sc_given_options *opts, sc_error *err) {
  const char *id = string_member(credential, "id");
  if (!id)
    return sc_fail(err, SC_ESOFTWARE, "credential: no id to record it under");
  bool taken = false;
  int rc = sc_registry_id_taken(reg, id, &taken, err);
  if (rc == SC_OK && taken)
    return sc_fail(err, SC_EUSAGE, "id: %s was issued already", id);
  int64_t list = 0, index = 0;
  char path[PATH_MAX], now[21];
  sc_time_format(opts->now, now);
  char *text = NULL;
  if (rc == SC_OK)
    rc = file_path(home, id, path, sizeof path, err);
  if (rc == SC_OK)
    rc = sc_registry_reserve_index(reg, &list, &index, err);
  if (rc == SC_OK && opts->status)
    rc = sc_credential_add_status(home, list, index, credential, err);
  if (rc == SC_OK)
    rc = sign(home, key, credential, opts, err);
  /* The stored bytes are the ones answered: indented, reals with 17 digits (issue.c). */
  if (rc == SC_OK) {
    char *dumped = json_dumps(credential, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    size_t n = dumped ? strlen(dumped) + 2 : 0;
    if (dumped && (text = malloc(n)))
      snprintf(text, n, "%s\n", dumped);
    free(dumped);
    rc = text ? SC_OK : sc_oom(err);
  }
  if (rc == SC_OK)
    rc = record(reg, credential, text, path, list, index, now, opts, err);
  bool recorded = rc == SC_OK; /* then the slot is the credential's; else it goes back */
  if (!recorded && list)
    sc_registry_release_index(reg, list, index);
  if (recorded)
    rc = write_file(path, text, err);
  if (rc == SC_OK)
    rc = publish(home, key, reg, list, opts, err);
  free(text);
  return rc;
}
