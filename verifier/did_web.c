/* did:web verification methods (DID Web Method, W3C CCG): the DID names a web location whose
 * did.json lists the issuer's keys. The document comes from --did-doc, from the verifier's
 * own issuer home, or through the status source (local folders, cache, then HTTPS), and is
 * checked before any key in it is used: its id must be the DID, the method must be a Multikey
 * the DID controls and that the DID authorizes for assertions. */
#include "verifier/verifier.h"

#include <stdio.h>
#include <string.h>

static bool is_web_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == ':';
}

/* A path segment that could climb out of the published folder, or an empty one. */
static bool has_bad_segment(const char *path) {
  for (const char *seg = path; *seg == ':'; seg = seg + 1 + strcspn(seg + 1, ":")) {
    size_t len = strcspn(seg + 1, ":");
    if (len == 0 || (len <= 2 && strspn(seg + 1, ".") == len))
      return true;
  }
  return false;
}

/* The host, with a port written %3A<digits> turned back into ":<digits>". */
static bool decode_host(const char *id, size_t len, char *host, size_t size) {
  if (len == 0 || len >= size)
    return false;
  memcpy(host, id, len);
  host[len] = '\0';
  char *port = strstr(host, "%3A");
  if (port) {
    size_t digits = strspn(port + 3, "0123456789");
    if (digits == 0 || port[3 + digits] != '\0')
      return false;
    port[0] = ':';
    memmove(port + 1, port + 3, digits + 1);
  }
  for (const char *c = host; *c; c++)
    if (!is_web_char(*c) || *c == '_' || (*c == ':' && c != port))
      return false;
  return true;
}

int sc_did_web_url(const char *did, char *url, size_t size, sc_error *err) {
  if (!did || strncmp(did, "did:web:", 8) != 0)
    return sc_fail(err, SC_EDATA, "'%s' is not a did:web DID", did ? did : "");
  const char *id = did + 8;
  size_t host_len = strcspn(id, ":");
  const char *path = id + host_len;
  char host[256];
  bool ok = decode_host(id, host_len, host, sizeof host) && !has_bad_segment(path);
  for (const char *c = path; ok && *c; c++)
    ok = is_web_char(*c);
  if (!ok)
    return sc_fail(err, SC_EDATA, "%s: not a did:web DID skillcert can resolve", did);
  /* "did:web:host" lives at /.well-known/did.json, "did:web:host:a:b" at /a/b/did.json. */
  int n = snprintf(url, size, "https://%s%s/did.json", host, *path ? path : "/.well-known");
  if (n < 0 || (size_t)n >= size)
    return sc_fail(err, SC_EDATA, "%s: DID too long", did);
  for (char *c = url + 8 + strlen(host); *c; c++)
    if (*c == ':')
      *c = '/';
  return SC_OK;
}

enum { DOC_URL_MAX = 1024 };

/* where (where_size bytes) receives what was read, for messages: the file or the URL. */
static int read_document(sc_did_web *r, const char *did, json_t **doc, char *where,
                         size_t where_size, sc_error *err) {
  sc_buf body = {0};
  int rc;
  if (r->doc_path) {
    sc_text_mark_cut(where, where_size, snprintf(where, where_size, "%s", r->doc_path));
    rc = sc_read_file(r->doc_path, SC_JSON_MAX_BYTES, &body, err);
  } else {
    char url[DOC_URL_MAX];
    rc = sc_did_web_url(did, url, sizeof url, err);
    sc_text_mark_cut(where, where_size, snprintf(where, where_size, "%s", url));
    if (rc == SC_OK && !r->source)
      rc = sc_fail(err, SC_ESTATUS, "%s: no way to load the DID document (give --did-doc FILE)",
                   did);
    if (rc == SC_OK)
      rc = sc_source_load(r->source, url, r->now, &body, NULL, 0, err);
  }
  if (rc == SC_OK)
    rc = sc_json_parse((const char *)body.data, body.len, where, doc, err);
  sc_buf_free(&body);
  return rc;
}

/* The DID document of did, loaded once per DID and kept in r. */
static int load_document(sc_did_web *r, const char *did, sc_error *err) {
  if (r->doc && strcmp(r->doc_did, did) == 0)
    return SC_OK;
  json_decref(r->doc);
  r->doc = NULL;
  r->doc_did[0] = '\0';
  char where[DOC_URL_MAX];
  json_t *doc = NULL;
  int rc = read_document(r, did, &doc, where, sizeof where, err);
  if (rc != SC_OK)
    return rc;
  const char *id = json_string_value(json_object_get(doc, "id"));
  if (!id || strcmp(id, did) != 0) {
    rc = sc_fail(err, SC_EINVALID, "%s: the DID document's id is %s, not %s", where,
                 id ? id : "missing", did);
    json_decref(doc);
    return rc;
  }
  r->doc = doc;
  snprintf(r->doc_did, sizeof r->doc_did, "%s", did);
  return SC_OK;
}

/* Method ids may be absolute ("did:web:h#k") or relative to the document ("#k"). */
static bool names_method(const json_t *value, const char *did, const char *vm) {
  const char *id = json_string_value(json_is_object(value) ? json_object_get(value, "id") : value);
  const char *fragment = strchr(vm, '#');
  return id && (strcmp(id, vm) == 0 || (id[0] == '#' && fragment && strcmp(id, fragment) == 0 &&
                                        strncmp(vm, did, (size_t)(fragment - vm)) == 0));
}

static const json_t *find_in(const json_t *list, const char *did, const char *vm) {
  size_t i;
  json_t *item;
  json_array_foreach(list, i, item) {
    if (names_method(item, did, vm))
      return item;
  }
  return NULL;
}

static int check_method(const json_t *method, const char *did, const char *vm, sc_error *err) {
  const char *type = json_string_value(json_object_get(method, "type"));
  const char *controller = json_string_value(json_object_get(method, "controller"));
  if (!type || strcmp(type, "Multikey") != 0)
    return sc_fail(err, SC_EINVALID, "%s: type is %s, expected Multikey", vm,
                   type ? type : "missing");
  if (!controller || strcmp(controller, did) != 0)
    return sc_fail(err, SC_EINVALID, "%s: controller is %s, not %s", vm,
                   controller ? controller : "missing", did);
  return SC_OK;
}

const json_t *sc_did_web_method(sc_did_web *r, const char *vm, sc_error *err) {
  char did[512];
  size_t len = strcspn(vm, "#");
  if (len >= sizeof did || vm[len] != '#')
    return sc_fail(err, SC_EINVALID, "%s: expected a DID URL with a #fragment", vm), NULL;
  snprintf(did, sizeof did, "%.*s", (int)len, vm);
  if (load_document(r, did, err) != SC_OK)
    return NULL;
  const json_t *method = find_in(json_object_get(r->doc, "verificationMethod"), did, vm);
  if (!method) {
    sc_fail(err, SC_EINVALID, "%s is not in the DID document of %s", vm, did);
    return NULL;
  }
  if (!json_is_object(method) || check_method(method, did, vm, err) != SC_OK) {
    if (!json_is_object(method))
      sc_fail(err, SC_EINVALID, "%s: expected a verification method object", vm);
    return NULL;
  }
  /* The proofs checked here are assertionMethod proofs: the DID must authorize the key for that. */
  if (!find_in(json_object_get(r->doc, "assertionMethod"), did, vm)) {
    sc_fail(err, SC_EINVALID, "%s is not listed under assertionMethod in the DID document", vm);
    return NULL;
  }
  return method;
}

/* --home's own did:web issuer: its skillcert.json knows every key, published or not. */
static bool is_home_method(const sc_did_web *r, const char *vm) {
  size_t len = r->home_issuer ? strlen(r->home_issuer) : 0;
  return len && strncmp(vm, r->home_issuer, len) == 0 && vm[len] == '#';
}

/* The DID part of the verification method vm is on list. */
static bool is_listed(const sc_trust_list *list, const char *vm) {
  char did[512];
  size_t len = strcspn(vm, "#");
  if (!list || len >= sizeof did)
    return false;
  memcpy(did, vm, len);
  did[len] = '\0';
  return sc_trust_lookup(list, did) != NULL;
}

int sc_did_web_resolve(void *ctx, const char *vm, uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                       sc_error *err) {
  sc_did_web *r = ctx;
  if (!vm)
    return sc_fail(err, SC_EDATA, "expected a DID URL string");
  if (strncmp(vm, "did:web:", 8) != 0)
    return sc_did_key_resolve_vm(vm, pub, NULL, 0, err);
  if (is_home_method(r, vm))
    return sc_home_key_resolve(r->home_issuer, r->home_keys, vm, pub, err);
  if (r->only_trusted && !is_listed(r->trust, vm))
    return sc_fail(err, SC_ESTATUS, "%.*s: " SC_DID_WEB_NOT_TRUSTED, (int)strcspn(vm, "#"), vm);
  const json_t *method = sc_did_web_method(r, vm, err);
  if (!method)
    return err ? err->code : SC_EINVALID;
  const char *multikey = json_string_value(json_object_get(method, "publicKeyMultibase"));
  if (!multikey)
    return sc_fail(err, SC_EINVALID, "%s: publicKeyMultibase: expected a Multikey string", vm);
  return sc_multikey_decode(multikey, pub, err);
}

void sc_did_web_free(sc_did_web *r) {
  json_decref(r->doc);
  r->doc = NULL;
  r->doc_did[0] = '\0';
}
