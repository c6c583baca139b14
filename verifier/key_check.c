/* Retired keys: a key an issuer has retired may still have signed credentials before its
 * retirement, which keep verifying; a proof it made at or after the retirement time is refused.
 * The retirement is read from every source the verifier has — the did:web document ("revoked",
 * Controlled Identifiers v1.0), the trust list (retiredAfter) and the verifier's own issuer
 * home (skillcert.json) — and the earliest one counts. */
#include "verifier/verifier.h"

#include <stdio.h>
#include <string.h>

typedef struct retirement {
  int64_t at;
  char text[64];
  const char *source; /* where it was read, for the message */
} retirement;

/* Keeps the earliest of the retirements seen; a date that does not parse is an error, never
 * silently ignored (it would un-retire the key). */
static int consider(retirement *r, const char *text, const char *source, sc_error *err) {
  int64_t at = 0;
  if (!text)
    return SC_OK;
  if (sc_time_parse(text, true, &at, NULL) != SC_OK)
    return sc_fail(err, SC_EINVALID, "%s: retirement date '%s' is not a date-time with zone",
                   source, text);
  if (!r->source || at < r->at) {
    r->at = at;
    snprintf(r->text, sizeof r->text, "%s", text);
    r->source = source;
  }
  return SC_OK;
}

static const char *home_retirement(const sc_key_check_ctx *c, const char *did,
                                   const char *fragment) {
  bool own_web = c->home_issuer && strcmp(c->home_issuer, did) == 0 &&
                 strncmp(did, "did:web:", 8) == 0 && fragment;
  size_t i;
  json_t *entry;
  json_array_foreach(c->home_keys, i, entry) {
    const char *key = json_string_value(json_object_get(entry, "did"));
    if (key && (strcmp(key, did) == 0 ||
                (own_web && strncmp(key, "did:key:", 8) == 0 && strcmp(key + 8, fragment) == 0)))
      return json_string_value(json_object_get(entry, "retiredAfter"));
  }
  return NULL;
}

static int did_web_retirement(const sc_key_check_ctx *c, const char *did, const char *vm,
                              retirement *r, sc_error *err) {
  if (!c->did_web || strncmp(did, "did:web:", 8) != 0 ||
      (c->home_issuer && strcmp(c->home_issuer, did) == 0))
    return SC_OK;
  const json_t *method = sc_did_web_method(c->did_web, vm, err);
  if (!method)
    return err ? err->code : SC_EINVALID;
  return consider(r, json_string_value(json_object_get(method, "revoked")), "the DID document",
                  err);
}

static int refuse(const retirement *r, const char *vm, const char *created, sc_error *err) {
  if (!created || !*created)
    return sc_fail(err, SC_EINVALID,
                   "key %s was retired on %s (%s) and this proof has no created time", vm, r->text,
                   r->source);
  int64_t made = 0;
  if (sc_time_parse(created, true, &made, NULL) != SC_OK)
    return sc_fail(err, SC_EINVALID, "proof created '%s' is not a date-time with zone", created);
  if (made < r->at)
    return SC_OK;
  return sc_fail(err, SC_EINVALID,
                 "key %s was retired on %s (%s); this proof was made after that (%s)", vm, r->text,
                 r->source, created);
}

int sc_key_check(void *ctx, const char *vm, const char *created, sc_error *err) {
  const sc_key_check_ctx *c = ctx;
  if (!c || !vm)
    return SC_OK;
  char did[512];
  size_t len = strcspn(vm, "#");
  snprintf(did, sizeof did, "%.*s", (int)(len < sizeof did ? len : sizeof did - 1), vm);
  const char *fragment = vm[len] == '#' ? vm + len + 1 : NULL;
  retirement r = {0};
  int rc = did_web_retirement(c, did, vm, &r, err);
  if (rc == SC_OK)
    rc = consider(&r, sc_trust_retired_after(c->trust, did), "trust list", err);
  if (rc == SC_OK)
    rc = consider(&r, home_retirement(c, did, fragment), "issuer home", err);
  if (rc != SC_OK || !r.source)
    return rc;
  return refuse(&r, vm, created, err);
}
