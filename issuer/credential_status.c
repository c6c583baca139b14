/* The credentialStatus of a credential (W3C Bitstring Status List): one slot, in the
 * revocation list and, when the home asks for suspension, in the suspension list too. By
 * default it is one object, as the Open Badges 3.0 schema wants; with suspension it is an array
 * of two entries (which leaves that schema: docs/credentials.md). */
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
  /* Member by member, not by json_pack: it is made for every credential of a batch. */
  json_t *out = json_object();
  bool ok = out && sc_json_put_text(out, "id", id) &&
            sc_json_put(out, "type", json_string_nocheck("BitstringStatusListEntry")) &&
            sc_json_put_text(out, "statusPurpose", sc_purpose_word(purpose)) &&
            sc_json_put_text(out, "statusListIndex", number) &&
            sc_json_put_text(out, "statusListCredential", url);
  free(url);
  if (!ok)
    json_decref(out);
  return ok ? out : NULL;
}

int sc_credential_add_status(const sc_home *home, int64_t list, int64_t index, json_t *credential,
                             sc_error *err) {
  json_t *entries = sc_home_suspension(home)
                        ? sc_json_pair(entry(home, list, index, SC_PURPOSE_REVOCATION),
                                       entry(home, list, index, SC_PURPOSE_SUSPENSION))
                        : entry(home, list, index, SC_PURPOSE_REVOCATION);
  if (!entries || json_object_set_new(credential, "credentialStatus", entries) != 0)
    return sc_oom(err);
  return SC_OK;
}

bool sc_credential_has_status_entry(const json_t *credential, sc_purpose purpose) {
  const json_t *status = json_object_get(credential, "credentialStatus");
  size_t n = json_is_array(status) ? json_array_size(status) : 1;
  for (size_t i = 0; i < n; i++) {
    const json_t *e = json_is_array(status) ? json_array_get(status, i) : status;
    const char *p = json_string_value(json_object_get(e, "statusPurpose"));
    if (p && strcmp(p, sc_purpose_word(purpose)) == 0)
      return true;
  }
  return false;
}
