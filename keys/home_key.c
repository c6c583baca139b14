/* The keys of an issuer home, as skillcert.json lists them: which one a proof names. Used by
 * `render` (a credential must be this home's) and by the verifier for a did:web home whose
 * keys are known locally. */
#include "keys/keys.h"

#include <string.h>

/* vm's DID part (before '#') is want. */
static bool names(const char *vm, size_t did_len, const char *want) {
  return want && strlen(want) == did_len && strncmp(vm, want, did_len) == 0;
}

int sc_home_key_resolve(const char *issuer_id, const json_t *keys, const char *vm,
                        uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err) {
  const char *hash = vm ? strchr(vm, '#') : NULL;
  size_t i;
  json_t *entry;
  json_array_foreach(keys, i, entry) {
    const char *did = json_string_value(json_object_get(entry, "did"));
    if (!hash || !did || strncmp(did, "did:key:", 8) != 0 || strcmp(did + 8, hash + 1) != 0)
      continue;
    size_t did_len = (size_t)(hash - vm);
    if (names(vm, did_len, did) || names(vm, did_len, issuer_id))
      return sc_did_key_decode(did, pub, err);
  }
  return sc_fail(err, SC_EINVALID, "%s is not a key of this issuer home", vm ? vm : "(none)");
}
