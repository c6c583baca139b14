/* did:key for Ed25519 keys: "did:key:" + Multikey, and its one verification method
 * "did:key:<mb>#<mb>". Only the Ed25519 form is accepted (VC-DI-EDDSA 2.1.1). */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char PREFIX[] = "did:key:";
#define PREFIX_LEN (sizeof PREFIX - 1)
enum { MAX_DID = 255 }; /* longest DID read; an Ed25519 did:key is 56 characters */

char *sc_did_key_encode(const uint8_t pub[SC_ED25519_PUBLIC_BYTES]) {
  char *multikey = sc_multikey_encode(pub);
  if (!multikey)
    return NULL;
  size_t len = PREFIX_LEN + strlen(multikey) + 1;
  char *did = malloc(len);
  if (did)
    snprintf(did, len, "%s%s", PREFIX, multikey);
  free(multikey);
  return did;
}

int sc_did_key_decode(const char *did, uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err) {
  if (!did || strncmp(did, PREFIX, PREFIX_LEN) != 0)
    return sc_fail(err, SC_EDATA, "did:key: '%.80s' does not start with \"did:key:\"",
                   did ? did : "");
  const char *value = did + PREFIX_LEN;
  if (strchr(value, '#'))
    return sc_fail(err, SC_EDATA,
                   "did:key: a DID has no #fragment (that is a verification "
                   "method URL)");
  if (strchr(value, ':'))
    return sc_fail(err, SC_EDATA,
                   "did:key: versioned form did:key:<version>:<key> is not supported");
  if (strlen(did) > MAX_DID)
    return sc_fail(err, SC_EDATA, "did:key: longer than %d characters", MAX_DID);
  int rc = sc_multikey_decode(value, pub, err);
  return rc ? sc_error_prefix(err, "did:key") : SC_OK;
}

char *sc_did_key_verification_method(const char *did) {
  if (!did || strncmp(did, PREFIX, PREFIX_LEN) != 0)
    return NULL;
  const char *value = did + PREFIX_LEN;
  size_t len = strlen(did) + 1 + strlen(value) + 1;
  char *vm = malloc(len);
  if (vm)
    snprintf(vm, len, "%s#%s", did, value);
  return vm;
}

int sc_did_key_resolve_vm(const char *vm, uint8_t pub[SC_ED25519_PUBLIC_BYTES], char *did_out,
                          size_t did_size, sc_error *err) {
  const char *hash = vm ? strchr(vm, '#') : NULL;
  /* A bare DID is strictly not a verification method URL (CID 3.3), but real credentials use
   * one (1EdTech's validator samples, the W3C Bitstring Status List examples) and a did:key
   * has exactly one key, so the DID stands for it (docs/data-integrity.md). */
  if (!hash) {
    int rc = sc_did_key_decode(vm, pub, err);
    if (!rc && did_out)
      snprintf(did_out, MAX_DID + 1, "%s", vm);
    return rc;
  }
  size_t did_len = (size_t)(hash - vm);
  if (did_len > MAX_DID)
    return sc_fail(err, SC_EDATA, "verification method: DID longer than %d characters", MAX_DID);
  char did[MAX_DID + 1];
  memcpy(did, vm, did_len);
  did[did_len] = '\0';
  int rc = sc_did_key_decode(did, pub, err);
  if (rc)
    return rc;
  if (strcmp(hash + 1, did + PREFIX_LEN) != 0)
    return sc_fail(err, SC_EDATA,
                   "verification method: fragment '#%.60s' does not repeat the key of %s", hash + 1,
                   did);
  if (did_out && did_len >= did_size)
    return sc_fail(err, SC_EDATA, "verification method: DID longer than %zu characters",
                   did_size ? did_size - 1 : 0);
  if (did_out)
    memcpy(did_out, did, did_len + 1);
  return SC_OK;
}
