/* The credentialStatus entries every credential carries (W3C Bitstring Status List): one
 * slot, two lists, so that a certificate can be suspended and reinstated as well as revoked. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *sc_status_list_url(const sc_home *home, int64_t list, const char *purpose) {
  size_t base = strlen(home->public_url);
  while (base && home->public_url[base - 1] == '/')
    base--;
  size_t n = base + strlen(purpose) + 48;
  char *url = malloc(n);
  if (url)
    snprintf(url, n, "%.*s/status/%lld/%s", (int)base, home->public_url, (long long)list, purpose);
  return url;
}

static json_t *entry(const sc_home *home, int64_t list, int64_t index, const char *purpose) {
  char *url = sc_status_list_url(home, list, purpose);
  if (!url)
    return NULL;
  char id[1024], number[24];
  snprintf(id, sizeof id, "%s#%lld", url, (long long)index);
  snprintf(number, sizeof number, "%lld", (long long)index);
  json_t *out =
      json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "BitstringStatusListEntry",
                "statusPurpose", purpose, "statusListIndex", number, "statusListCredential", url);
  free(url);
  return out;
}

int sc_credential_add_status(const sc_home *home, int64_t list, int64_t index, json_t *credential,
                             sc_error *err) {
  json_t *entries = json_pack("[o, o]", entry(home, list, index, "revocation"),
                              entry(home, list, index, "suspension"));
  if (!entries || json_object_set_new(credential, "credentialStatus", entries) != 0)
    return sc_oom(err);
  return SC_OK;
}
