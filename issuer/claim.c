/* Claim links (docs/claim.md): the home's setting for how long one works, and the form of a
 * token and of its link. The tokens themselves are in registry_claims.c. */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>

int sc_claim_days(const sc_home *home, int *days, sc_error *err) {
  *days = SC_CLAIM_DEFAULT_DAYS;
  const json_t *claim = json_object_get(home->config, "claim");
  const json_t *value = json_object_get(claim, "days");
  if (!claim)
    return SC_OK;
  if (!json_is_object(claim) || (value && !json_is_integer(value)) ||
      (value && (json_integer_value(value) < 1 || json_integer_value(value) > SC_CLAIM_MAX_DAYS)))
    return sc_fail(err, SC_ECONFIG,
                   "%s/" SC_HOME_CONFIG ": claim.days: expected a whole number of days from 1 "
                   "to %d",
                   home->root, SC_CLAIM_MAX_DAYS);
  if (value)
    *days = (int)json_integer_value(value);
  return SC_OK;
}

bool sc_claim_token_form(const char *text) {
  if (!text || strlen(text) != SC_CLAIM_TOKEN_LEN)
    return false;
  for (const char *p = text; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '_'))
      return false;
  return true;
}

char *sc_claim_url(const char *base, const char *token) {
  size_t len = strlen(base);
  while (len && base[len - 1] == '/')
    len--;
  size_t size = len + sizeof "/claim/" + strlen(token);
  char *url = malloc(size);
  if (url)
    snprintf(url, size, "%.*s/claim/%s", (int)len, base, token);
  return url;
}
