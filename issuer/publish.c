/* Publishing: the signed status lists and the issuer's key document, written into public/
 * so that any static web server can serve them. */
#include "issuer/issuer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"

static int make_dirs(const char *path, sc_error *err) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
      return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", dir, strerror(errno));
    *p = '/';
  }
  return SC_OK;
}

static int stage_json(const char *path, const json_t *doc, sc_file_group *files, sc_error *err) {
  char *text = json_dumps(doc, JSON_INDENT(2));
  sc_buf out = {0};
  int rc = text && sc_buf_append_str(&out, text) && sc_buf_append_byte(&out, '\n')
               ? make_dirs(path, err)
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
                       const char *purpose, uint8_t *bits, const sc_publish_options *opts,
                       sc_file_group *files, sc_error *err) {
  memset(bits, 0, SC_STATUS_LIST_SIZE / 8);
  int rc = sc_registry_status_bits(reg, list, purpose, bits, err);
  char *encoded = rc == SC_OK ? sc_status_list_encode(bits, SC_STATUS_LIST_SIZE / 8, err) : NULL;
  char *url = sc_status_list_url(home, list, purpose);
  json_t *doc = encoded && url ? list_credential(home, url, purpose, encoded, opts) : NULL;
  if (rc == SC_OK && !doc)
    rc = err && err->code ? err->code : sc_oom(err);
  if (rc == SC_OK)
    rc = sign(home, key, doc, err);
  char path[PATH_MAX];
  if (rc == SC_OK)
    rc = sc_path_format(path, sizeof path, SC_ECANTCREAT, err, "%s/public/status/%lld/%s",
                        home->root, (long long)list, purpose);
  if (rc == SC_OK)
    rc = stage_json(path, doc, files, err);
  json_decref(doc);
  free(encoded);
  free(url);
  return rc;
}

int sc_publish_lists(const sc_home *home, EVP_PKEY *key, sc_registry *reg, const int64_t *lists,
                     size_t count, const sc_publish_options *opts, sc_error *err) {
  json_t *all = NULL;
  int rc = SC_OK;
  if (!count) {
    if ((rc = sc_registry_lists(reg, &all, err)) != SC_OK)
      return rc;
    count = json_array_size(all);
  }
  uint8_t *bits = malloc(SC_STATUS_LIST_SIZE / 8);
  if (!bits)
    rc = sc_oom(err);
  /* The lists are renamed into place only once all are on disk: a failure half-way leaves
   * the previous publication whole. */
  sc_file_group files = {0};
  for (size_t i = 0; rc == SC_OK && i < count; i++) {
    int64_t list = all ? (int64_t)json_integer_value(json_array_get(all, i)) : lists[i];
    rc = publish_one(home, key, reg, list, "revocation", bits, opts, &files, err);
    if (rc == SC_OK)
      rc = publish_one(home, key, reg, list, "suspension", bits, opts, &files, err);
  }
  rc = finish_files(&files, rc, err);
  free(bits);
  json_decref(all);
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

/* did:web §3.2: "did:web:host" is served at /.well-known/did.json, "did:web:host:a:b" at
 * /a/b/did.json; public/ is published at the host's root. */
static int key_document_path(const sc_home *home, char *path, size_t size, sc_error *err) {
  if (strncmp(home->issuer_id, "did:web:", 8) != 0)
    return sc_path_format(path, size, SC_ECANTCREAT, err, "%s/public/issuer.json", home->root);
  const char *segments = strchr(home->issuer_id + 8, ':');
  char sub[PATH_MAX];
  int rc = sc_path_format(sub, sizeof sub, SC_ECANTCREAT, err, "%s",
                          segments ? segments : "/.well-known");
  if (rc != SC_OK)
    return rc;
  for (char *c = sub; *c; c++)
    if (*c == ':')
      *c = '/';
  return sc_path_format(path, size, SC_ECANTCREAT, err, "%s/public%s/did.json", home->root, sub);
}

int sc_publish_key_document(const sc_home *home, sc_error *err) {
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
