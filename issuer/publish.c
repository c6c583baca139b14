/* Publishing: the signed status lists and the issuer's key document, written into public/
 * so that any static web server can serve them. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"

static int stage_json(const char *path, const json_t *doc, sc_file_group *files, sc_error *err) {
  char *text = json_dumps(doc, JSON_INDENT(2));
  sc_buf out = {0};
  int rc = text && sc_buf_append_str(&out, text) && sc_buf_append_byte(&out, '\n')
               ? sc_mkdir_parent(path, 0755, err)
               : sc_oom(err);
  if (rc == SC_OK)
    rc = sc_file_group_add(files, path, out.data, out.len, 0644, err);
  free(text);
  sc_buf_free(&out);
  return rc;
}

/* Commits what was staged, or removes it after a failure. */
static int finish_files(sc_file_group *files, int rc, sc_error *err) {
  if (rc == SC_OK)
    return sc_file_group_commit(files, err);
  sc_file_group_abort(files);
  return rc;
}

static int64_t ttl_of(const sc_home *home, const sc_publish_options *opts) {
  if (opts->ttl > 0)
    return opts->ttl;
  json_int_t configured = json_integer_value(json_object_get(home->config, "statusTtl"));
  return configured > 0 ? (int64_t)configured : SC_STATUS_TTL_DEFAULT;
}

/* A BitstringStatusListCredential (W3C Bitstring Status List §2.2), signed like every
 * credential of this issuer. */
static json_t *list_credential(const sc_home *home, const char *url, const char *purpose,
                               const char *encoded, const sc_publish_options *opts) {
  char from[21], until[21], subject_id[1100];
  sc_time_format(opts->now, from);
  sc_time_format(opts->now + ttl_of(home, opts), until);
  snprintf(subject_id, sizeof subject_id, "%s#list", url);
  return json_pack("{s:[s], s:s, s:[s, s], s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "@context",
                   VC_CONTEXT, "id", url, "type", "VerifiableCredential",
                   "BitstringStatusListCredential", "issuer", home->issuer_id, "validFrom", from,
                   "validUntil", until, "credentialSubject", "id", subject_id, "type",
                   "BitstringStatusList", "statusPurpose", purpose, "encodedList", encoded);
}

static int sign(const sc_home *home, EVP_PKEY *key, json_t *doc, sc_error *err) {
  char *vm = sc_home_verification_method(home);
  if (!vm)
    return sc_oom(err);
  sc_proof_options proof = {.verification_method = vm,
                            .created = json_string_value(json_object_get(doc, "validFrom"))};
  int rc = sc_di_sign(doc, key, &proof, NULL, err);
  free(vm);
  return rc;
}

static int publish_one(const sc_home *home, EVP_PKEY *key, sc_registry *reg, int64_t list,
                       sc_purpose purpose, uint8_t *bits, const sc_publish_options *opts,
                       sc_file_group *files, sc_error *err) {
  memset(bits, 0, SC_STATUS_LIST_SIZE / 8);
  const char *word = sc_purpose_word(purpose);
  char *encoded = NULL, *url = NULL;
  json_t *doc = NULL;
  int rc = sc_registry_status_bits(reg, list, purpose, bits, err);
  if (rc == SC_OK && !(encoded = sc_status_list_encode(bits, SC_STATUS_LIST_SIZE / 8, err)))
    rc = err ? err->code : SC_ESOFTWARE; /* NULL comes with err set */
  if (rc == SC_OK && (!(url = sc_status_list_url(home, list, purpose)) ||
                      !(doc = list_credential(home, url, word, encoded, opts))))
    rc = sc_oom(err);
  if (rc == SC_OK)
    rc = sign(home, key, doc, err);
  char path[PATH_MAX];
  if (rc == SC_OK)
    rc = sc_path_format(path, sizeof path, SC_ECANTCREAT, err, "%s/public/status/%lld/%s",
                        home->root, (long long)list, word);
  if (rc == SC_OK)
    rc = stage_json(path, doc, files, err);
  json_decref(doc);
  free(encoded);
  free(url);
  return rc;
}

/* What one publication reads from its snapshot: the lists and the generation of each; -1
 * for a list whose published files are already newer than this snapshot. */
typedef struct publication {
  int64_t *lists, *generations;
  size_t count;
} publication;

static int plan(sc_registry *reg, const int64_t *lists, size_t count, publication *pub,
                sc_error *err) {
  json_t *all = NULL;
  if (!count) {
    int rc = sc_registry_lists(reg, &all, err);
    if (rc != SC_OK)
      return rc;
    count = json_array_size(all);
  }
  pub->lists = calloc(count ? count : 1, sizeof *pub->lists);
  pub->generations = calloc(count ? count : 1, sizeof *pub->generations);
  int rc = pub->lists && pub->generations ? SC_OK : sc_oom(err);
  for (size_t i = 0; rc == SC_OK && i < count; i++) {
    pub->lists[i] = all ? (int64_t)json_integer_value(json_array_get(all, i)) : lists[i];
    int64_t published = 0;
    rc = sc_registry_list_generation(reg, pub->lists[i], &pub->generations[i], &published, err);
    if (rc == SC_OK && pub->generations[i] < published)
      pub->generations[i] = -1;
  }
  pub->count = count;
  json_decref(all);
  return rc;
}

/* Signs and stages both lists of every list in pub, all read from one snapshot. */
static int stage_all(const sc_home *home, EVP_PKEY *key, sc_registry *reg, const int64_t *lists,
                     size_t count, const sc_publish_options *opts, publication *pub,
                     sc_file_group *files, sc_error *err) {
  uint8_t *bits = malloc(SC_STATUS_LIST_SIZE / 8);
  int rc = bits ? sc_registry_begin_read(reg, err) : sc_oom(err);
  if (rc != SC_OK) {
    free(bits);
    return rc;
  }
  rc = plan(reg, lists, count, pub, err);
  for (size_t i = 0; rc == SC_OK && i < pub->count; i++) {
    if (pub->generations[i] < 0)
      continue;
    rc = publish_one(home, key, reg, pub->lists[i], SC_PURPOSE_REVOCATION, bits, opts, files, err);
    if (rc == SC_OK)
      rc = publish_one(home, key, reg, pub->lists[i], SC_PURPOSE_SUSPENSION, bits, opts, files, err);
  }
  if (rc == SC_OK)
    rc = sc_registry_commit(reg, err);
  else
    sc_registry_rollback(reg);
  free(bits);
  return rc;
}

static int record(sc_registry *reg, const publication *pub, sc_error *err) {
  int rc = sc_registry_begin(reg, err);
  for (size_t i = 0; rc == SC_OK && i < pub->count; i++) {
    if (pub->generations[i] >= 0)
      rc = sc_registry_mark_published(reg, pub->lists[i], pub->generations[i], err);
  }
  if (rc == SC_OK)
    return sc_registry_commit(reg, err);
  sc_registry_rollback(reg);
  return rc;
}

/* Under the home's publishing lock: read the lists and their generations from one snapshot,
 * rename the signed lists into place, record which generation they show, and only then let the
 * next publisher in. A publisher that read before a revocation committed has therefore either
 * renamed its lists before the revoking command reads, or waits and reads after it. */
int sc_publish_lists(const sc_home *home, EVP_PKEY *key, sc_registry *reg, const int64_t *lists,
                     size_t count, const sc_publish_options *opts, sc_error *err) {
  int lock = -1;
  int rc = sc_home_publish_lock(home, &lock, err);
  if (rc != SC_OK)
    return rc;
  if ((rc = sc_registry_publish_lock(reg, err)) != SC_OK) {
    sc_home_publish_unlock(lock);
    return rc;
  }
  publication pub = {0};
  /* The lists are renamed into place only once all are on disk: a failure half-way leaves
   * the previous publication whole. */
  sc_file_group files = {0};
  rc = stage_all(home, key, reg, lists, count, opts, &pub, &files, err);
  rc = finish_files(&files, rc, err);
  if (rc == SC_OK)
    rc = record(reg, &pub, err);
  sc_registry_publish_unlock(reg);
  sc_home_publish_unlock(lock);
  free(pub.lists);
  free(pub.generations);
  return rc;
}

/* One key as a Multikey verification method. A did:key is its own controller; a did:web
 * issuer controls all its keys. A retired key carries the date as "revoked" (Controlled
 * Identifiers v1.0 §2.2.1), so verifiers refuse proofs it made after that. */
static json_t *verification_method(const sc_home *home, const json_t *entry, char *id,
                                   size_t size) {
  const char *did = json_string_value(json_object_get(entry, "did"));
  const char *retired = json_string_value(json_object_get(entry, "retiredAfter"));
  if (!did || strncmp(did, "did:key:", 8) != 0)
    return NULL;
  bool web = strncmp(home->issuer_id, "did:web:", 8) == 0;
  const char *multikey = did + strlen("did:key:");
  snprintf(id, size, "%s#%s", web ? home->issuer_id : did, multikey);
  json_t *method = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "type", "Multikey", "controller",
                             web ? home->issuer_id : did, "publicKeyMultibase", multikey);
  if (method && retired && json_object_set_new(method, "revoked", json_string(retired)) != 0) {
    json_decref(method);
    return NULL;
  }
  return method;
}

/* Each key of the issuer as a Multikey verification method. */
static json_t *verification_methods(const sc_home *home, json_t *ids) {
  json_t *methods = json_array();
  size_t i;
  json_t *entry;
  json_array_foreach(json_object_get(home->config, "keys"), i, entry) {
    char id[512];
    json_t *method = methods ? verification_method(home, entry, id, sizeof id) : NULL;
    if (method && (json_array_append_new(methods, method) != 0 ||
                   json_array_append_new(ids, json_string(id)) != 0)) {
      json_decref(methods);
      return NULL;
    }
  }
  return methods;
}

/* public/ is published at the host's root, so a did:web document goes where its DID says
 * (sc_did_web_location); a did:key issuer's profile is public/issuer.json. */
static int key_document_path(const sc_home *home, char *path, size_t size, sc_error *err) {
  if (strncmp(home->issuer_id, "did:web:", 8) != 0)
    return sc_path_format(path, size, SC_ECANTCREAT, err, "%s/public/issuer.json", home->root);
  char host[256], sub[PATH_MAX];
  int rc = sc_did_web_location(home->issuer_id, host, sizeof host, sub, sizeof sub, err);
  if (rc != SC_OK)
    return rc;
  return sc_path_format(path, size, SC_ECANTCREAT, err, "%s/public%s", home->root, sub);
}

static int write_key_document(const sc_home *home, sc_error *err) {
  bool web = strncmp(home->issuer_id, "did:web:", 8) == 0;
  json_t *ids = json_array();
  json_t *methods = ids ? verification_methods(home, ids) : NULL;
  json_t *doc = NULL;
  if (methods && web)
    doc = json_pack("{s:[s, s], s:s, s:o, s:O}", "@context", "https://www.w3.org/ns/did/v1",
                    "https://w3id.org/security/multikey/v1", "id", home->issuer_id,
                    "verificationMethod", methods, "assertionMethod", ids);
  else if (methods)
    doc = json_pack("{s:s, s:[s], s:s, s:s, s:o, s:O}", "id", home->issuer_id, "type", "Profile",
                    "name", home->issuer_name, "url", home->issuer_url, "verificationMethod",
                    methods, "assertionMethod", ids);
  json_decref(ids);
  if (!doc)
    return sc_oom(err);
  char path[PATH_MAX];
  sc_file_group files = {0};
  int rc = key_document_path(home, path, sizeof path, err);
  if (rc == SC_OK)
    rc = stage_json(path, doc, &files, err);
  json_decref(doc);
  return finish_files(&files, rc, err);
}

/* Under the publishing lock, from skillcert.json as it is now rather than as it was when this
 * command opened the home: a `publish` that opened the home before a `key rotate` saved the new
 * key cannot replace the rotation's document with one that lacks that key. */
int sc_publish_key_document(const sc_home *home, sc_error *err) {
  int lock = -1;
  int rc = sc_home_publish_lock(home, &lock, err);
  if (rc != SC_OK)
    return rc;
  sc_home current;
  rc = sc_home_open(home->root, &current, err);
  if (rc == SC_OK) {
    rc = write_key_document(&current, err);
    sc_home_close(&current);
  }
  sc_home_publish_unlock(lock);
  return rc;
}
