/* The credentialStatus entries every credential carries (W3C Bitstring Status List): one
 * slot, two lists, so that a certificate can be suspended and reinstated as well as revoked. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *sc_status_list_url(const sc_home *home, int64_t list, sc_purpose purpose) {
  const char *word = sc_purpose_word(purpose);
  size_t base = strlen(home->public_url);
  while (base && home->public_url[base - 1] == '/')
    base--;
  size_t n = base + strlen(word) + 48;
  char *url = malloc(n);
  if (url)
    snprintf(url, n, "%.*s/status/%lld/%s", (int)base, home->public_url, (long long)list, word);
  return url;
}

static json_t *entry(const sc_home *home, int64_t list, int64_t index, sc_purpose purpose) {
  char *url = sc_status_list_url(home, list, purpose);
  if (!url)
    return NULL;
  char id[1024], number[24];
  snprintf(id, sizeof id, "%s#%lld", url, (long long)index);
  snprintf(number, sizeof number, "%lld", (long long)index);
  json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "BitstringStatusListEntry",
                          "statusPurpose", sc_purpose_word(purpose), "statusListIndex", number,
                          "statusListCredential", url);
  free(url);
  return out;
}

int sc_credential_add_status(const sc_home *home, int64_t list, int64_t index, json_t *credential,
                             sc_error *err) {
  json_t *entries = json_pack("[o, o]", entry(home, list, index, SC_PURPOSE_REVOCATION),
                              entry(home, list, index, SC_PURPOSE_SUSPENSION));
  if (!entries || json_object_set_new(credential, "credentialStatus", entries) != 0)
    return sc_oom(err);
  return SC_OK;
}
