/* What a credential claims, pulled out for the verdict line and the JSON report. */
#include "verifier/verifier.h"

#include <string.h>

static const char *string_at(const json_t *object, const char *key) {
  return json_string_value(json_object_get(object, key));
}

/* OB 3.0 carries the learner's name as a plain (unhashed) IdentityObject of type "name". */
static const char *recipient_name(const json_t *subject) {
  size_t i;
  json_t *identity;
  json_array_foreach(json_object_get(subject, "identifier"), i, identity) {
    const char *type = string_at(identity, "identityType");
    if (type && strcmp(type, "name") == 0 && json_is_false(json_object_get(identity, "hashed")))
      return string_at(identity, "identityHash");
  }
  return string_at(subject, "name");
}

void sc_credential_summarize(const json_t *credential, sc_credential_summary *s) {
  memset(s, 0, sizeof *s);
  const json_t *issuer = json_object_get(credential, "issuer");
  const json_t *subject = json_object_get(credential, "credentialSubject");
  if (json_is_array(subject))
    subject = json_array_get(subject, 0);
  s->id = string_at(credential, "id");
  s->issuer_id = json_is_string(issuer) ? json_string_value(issuer) : string_at(issuer, "id");
  s->issuer_name = string_at(issuer, "name");
  s->recipient_name = recipient_name(subject);
  /* A language map gives the name in the command line's language (else English). */
  s->achievement_name =
      sc_json_text(json_object_get(json_object_get(subject, "achievement"), "name"),
                   sc_lang_process());
  if (!s->achievement_name)
    s->achievement_name = string_at(credential, "name");
  s->valid_from = string_at(credential, "validFrom");
  s->valid_until = string_at(credential, "validUntil");
  /* VC 1.1 names its validity period issuanceDate and expirationDate. */
  if (!s->valid_from && !json_object_get(credential, "validFrom"))
    s->valid_from = string_at(credential, "issuanceDate");
  if (!s->valid_until && !json_object_get(credential, "validUntil"))
    s->valid_until = string_at(credential, "expirationDate");
}
