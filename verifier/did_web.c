/* Verification methods in controller documents: did:web (DID Web Method, W3C CCG: the DID
 * names a web location whose did.json lists the issuer's keys) and https key ids (W3C
 * Controlled Identifiers 1.0: "https://issuer.example/keys#key-1" is a method of the document
 * at https://issuer.example/keys). The document comes from --did-doc, from the verifier's own
 * issuer home, or through the status source (--documents, local folders, cache, then HTTPS),
 * and is checked before any key in it is used: its id must be the controller, the method must
 * be an Ed25519 key the controller controls (Multikey, Ed25519VerificationKey2020 or 2018,
 * JsonWebKey with an OKP Ed25519 key) and that it authorizes for assertions — listed under
 * assertionMethod, by reference or embedded there. */
#include "verifier/verifier.h"

#include <stdio.h>
#include <string.h>

/* The grammar and the mapping are core's (sc_did_web_location); the document is fetched over
 * HTTPS. */
int sc_did_web_url(const char *did, char *url, size_t size, sc_error *err) {
  char host[256], path[1024];
  int rc = sc_did_web_location(did, host, sizeof host, path, sizeof path, err);
  int n = rc == SC_OK ? snprintf(url, size, "https://%s%s", host, path) : 0;
  if (rc == SC_OK && (n < 0 || (size_t)n >= size))
    rc = sc_fail(err, SC_EDATA, "%s: DID too long", did);
  return rc;
}

/* body keeps the document's text and origin where it came from, for the cache once the
 * document checks out. */
static int read_document(sc_did_web *r, const char *did, json_t **doc, char *where, sc_buf *body,
                         char origin[256], sc_error *err) {
  int rc;
  if (r->doc_path) {
    snprintf(where, 256, "%s", r->doc_path);
    rc = sc_read_file(r->doc_path, SC_JSON_MAX_BYTES, body, err);
  } else {
    char url[1024];
    /* an https controller is its own document's URL */
    rc = strncmp(did, "https://", 8) == 0
             ? (snprintf(url, sizeof url, "%s", did) < (int)sizeof url
                    ? SC_OK
                    : sc_fail(err, SC_EDATA, "%s: URL too long", did))
             : sc_did_web_url(did, url, sizeof url, err);
    sc_text_mark_cut(where, 256, snprintf(where, 256, "%s", url));
    if (rc == SC_OK && !r->source)
      rc = sc_fail(err, SC_ESTATUS, "%s: no way to load the DID document (give --did-doc FILE)",
                   did);
    if (rc == SC_OK)
      rc = sc_source_load(r->source, url, r->now, body, origin, 256, err);
  }
  if (rc != SC_OK)
    return rc;
  if (r->doc_path)
    return sc_json_parse((const char *)body->data, body->len, where, doc, err);
  /* A fetched document that is not JSON: the key could not be checked (6), and the parser's
   * words, which quote what the URL answered, are not repeated. */
  if (sc_json_parse((const char *)body->data, body->len, where, doc, NULL) != SC_OK)
    return sc_fail(err, SC_ESTATUS, "%s: the DID document is not strict JSON", where);
  return SC_OK;
}

/* The DID document of did, loaded once per DID and kept in r. */
static int load_document(sc_did_web *r, const char *did, sc_error *err) {
  if (r->doc && strcmp(r->doc_did, did) == 0)
    return SC_OK;
  json_decref(r->doc);
  r->doc = NULL;
  r->doc_did[0] = '\0';
  char where[256], origin[256] = "";
  json_t *doc = NULL;
  sc_buf body = {0};
  int rc = read_document(r, did, &doc, where, &body, origin, err);
  const char *id = json_string_value(json_object_get(doc, "id"));
  /* What a fetched document says is not quoted back (serve would show it to anyone). */
  if (rc == SC_OK && (!id || strcmp(id, did) != 0))
    rc = r->doc_path ? sc_fail(err, SC_EINVALID, "%s: the DID document's id is %s, not %s", where,
                               id ? id : "missing", did)
                     : sc_fail(err, SC_EINVALID, "%s: the DID document's id is not %s", where, did);
  if (rc == SC_OK && !r->doc_path)
    sc_source_keep(r->source, where, r->now, &body, origin);
  sc_buf_free(&body);
  if (rc != SC_OK) {
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

static bool ed25519_key_type(const char *type) {
  static const char *const types[] = {"Multikey", "Ed25519VerificationKey2020",
                                      "Ed25519VerificationKey2018", "JsonWebKey2020", "JsonWebKey"};
  for (size_t i = 0; type && i < sizeof types / sizeof *types; i++)
    if (strcmp(type, types[i]) == 0)
      return true;
  return false;
}

/* quote: the document is a local file (--did-doc), whose values may be shown. */
static int check_method(const json_t *method, const char *did, const char *vm, bool quote,
                        sc_error *err) {
  const char *type = json_string_value(json_object_get(method, "type"));
  const char *controller = json_string_value(json_object_get(method, "controller"));
  if (!ed25519_key_type(type))
    return quote ? sc_fail(err, SC_EINVALID, "%s: type is %s, expected Multikey", vm,
                           type ? type : "missing")
                 : sc_fail(err, SC_EINVALID, "%s: type is not Multikey", vm);
  if (!controller || strcmp(controller, did) != 0)
    return quote ? sc_fail(err, SC_EINVALID, "%s: controller is %s, not %s", vm,
                           controller ? controller : "missing", did)
                 : sc_fail(err, SC_EINVALID, "%s: controller is not %s", vm, did);
  return SC_OK;
}

/* The Ed25519 public key of a checked method, in whichever form it is written. */
static int method_key(const json_t *method, const char *vm, uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                      sc_error *err) {
  const char *multikey = json_string_value(json_object_get(method, "publicKeyMultibase"));
  if (multikey)
    return sc_multikey_decode(multikey, pub, err);
  sc_buf raw = {0};
  int rc;
  const char *base58 = json_string_value(json_object_get(method, "publicKeyBase58"));
  const json_t *jwk = json_object_get(method, "publicKeyJwk");
  const char *x = json_string_value(json_object_get(jwk, "x"));
  const char *kty = json_string_value(json_object_get(jwk, "kty"));
  const char *crv = json_string_value(json_object_get(jwk, "crv"));
  if (base58)
    rc = sc_base58btc_decode(base58, strlen(base58), &raw, err);
  else if (x && kty && crv && strcmp(kty, "OKP") == 0 && strcmp(crv, "Ed25519") == 0)
    rc = sc_base64url_decode(x, strlen(x), &raw, err);
  else
    return sc_fail(err, SC_EINVALID,
                   "%s: expected an Ed25519 key (publicKeyMultibase, publicKeyBase58 or an OKP "
                   "Ed25519 publicKeyJwk)", vm);
  if (rc == SC_OK && raw.len != SC_ED25519_PUBLIC_BYTES)
    rc = sc_fail(err, SC_EINVALID, "%s: the key is %zu bytes, expected 32", vm, raw.len);
  if (rc == SC_OK)
    memcpy(pub, raw.data, SC_ED25519_PUBLIC_BYTES);
  sc_buf_free(&raw);
  return rc == SC_EDATA ? SC_EINVALID : rc;
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
  const json_t *asserted = find_in(json_object_get(r->doc, "assertionMethod"), did, vm);
  if (!method && json_is_object(asserted))
    method = asserted; /* embedded in assertionMethod: defined and authorized there at once */
  if (!method) {
    sc_fail(err, SC_EINVALID, "%s is not in the DID document of %s", vm, did);
    return NULL;
  }
  if (!json_is_object(method) || check_method(method, did, vm, r->doc_path != NULL, err) != SC_OK) {
    if (!json_is_object(method))
      sc_fail(err, SC_EINVALID, "%s: expected a verification method object", vm);
    return NULL;
  }
  /* The proofs checked here are assertionMethod proofs: the DID must authorize the key for that. */
  if (!asserted) {
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
  bool controlled = strncmp(vm, "did:web:", 8) == 0 || strncmp(vm, "https://", 8) == 0;
  if (!controlled)
    return sc_did_key_resolve_vm(vm, pub, NULL, 0, err);
  if (is_home_method(r, vm))
    return sc_home_key_resolve(r->home_issuer, r->home_keys, vm, pub, err);
  if (r->only_trusted && !is_listed(r->trust, vm))
    return sc_fail(err, SC_ESTATUS, "%.*s: " SC_DID_WEB_NOT_TRUSTED, (int)strcspn(vm, "#"), vm);
  const json_t *method = sc_did_web_method(r, vm, err);
  if (!method)
    return err ? err->code : SC_EINVALID;
  return method_key(method, vm, pub, err);
}

void sc_did_web_free(sc_did_web *r) {
  json_decref(r->doc);
  r->doc = NULL;
  r->doc_did[0] = '\0';
}
