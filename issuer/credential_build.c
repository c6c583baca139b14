/* Assembles the Open Badges 3.0 OpenBadgeCredential of docs/design.md "The credential". */
#include "issuer/issuer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define OB_CONTEXT "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

#define UUID_BYTES 16
#define SALT_BYTES 16

bool sc_is_email(const char *email) {
  const char *at = strchr(email, '@');
  return at && at != email && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
         !strpbrk(email, " \t\r\n<>\"");
}

int sc_email_hash(const char *email, const char *salt, char out[SC_AT_LEAST(SC_EMAIL_HASH_SIZE)],
                  sc_error *err) {
  while (isspace((unsigned char)*email))
    email++;
  size_t len = strlen(email);
  while (len && isspace((unsigned char)email[len - 1]))
    len--;
  sc_buf input = {0};
  for (size_t i = 0; i < len; i++) {
    if (!sc_buf_append_byte(&input, (unsigned char)tolower((unsigned char)email[i]))) {
      sc_buf_free(&input);
      return sc_oom(err);
    }
  }
  char hex[SC_SHA256_HEX_SIZE];
  int rc = sc_buf_append_str(&input, salt) && sc_sha256_hex(input.data, input.len, hex) == SC_OK
               ? SC_OK
               : sc_oom(err);
  sc_buf_free(&input);
  if (rc == SC_OK)
    snprintf(out, SC_EMAIL_HASH_SIZE, "sha256$%s", hex);
  return rc;
}

int sc_valid_until_parse(const char *text, int64_t now, int64_t *until, sc_error *err) {
  char full[64];
  size_t len = strlen(text);
  /* "YYYY-MM-DD" means the end of that day in UTC; anything else must be a full date-time. */
  snprintf(full, sizeof full, len == 10 ? "%sT23:59:59Z" : "%s", text);
  if (len >= 40 || sc_time_parse(full, true, until, NULL) != SC_OK)
    return sc_fail(err, SC_EDATA,
                   "'%.40s' is not a date (YYYY-MM-DD) or a date-time with a time zone (e.g. "
                   "2027-06-30T17:00:00Z)",
                   text);
  if (*until <= now)
    return sc_fail(err, SC_EDATA, "%s is not in the future", text);
  return SC_OK;
}

const sc_issue_fields sc_issue_flag_names = {"--name", "--email", "--did", "--valid-until"};
const sc_issue_fields sc_issue_json_names = {
    "credential.credentialSubject.name", "credential.credentialSubject.email",
    "credential.credentialSubject.id", "credential.validUntil"};

/* The flag's value was checked by `issue`; a roster's by validation. Still refused here, as a
 * usage error, in case a library caller skipped both. */
static int resolve_valid_until(const char *text, int64_t now, const sc_issue_fields *fields,
                               char *out, sc_error *err) {
  int64_t until;
  if (sc_valid_until_parse(text, now, &until, err) != SC_OK) {
    sc_error_prefix(err, "%s", fields->valid_until);
    return err ? (err->code = SC_EUSAGE) : SC_EUSAGE;
  }
  sc_time_format(until, out);
  return SC_OK;
}

/* Built member by member (sc_json_put), not by json_pack: see core/json_util.c. */
static json_t *identity(const char *type, const char *value, bool hashed, const char *salt) {
  json_t *id = json_object();
  bool ok = id && sc_json_put(id, "type", json_string_nocheck("IdentityObject")) &&
            sc_json_put_text(id, "identityType", type) &&
            sc_json_put(id, "hashed", json_boolean(hashed)) &&
            sc_json_put_text(id, "identityHash", value) &&
            (!salt || sc_json_put_text(id, "salt", salt));
  if (!ok)
    json_decref(id);
  return ok ? id : NULL;
}

static json_t *subject(const sc_recipient *who, const sc_issue_fields *fields,
                       const json_t *achievement, const uint8_t salt_bytes[SALT_BYTES],
                       sc_error *err) {
  if (!who->email || !sc_is_email(who->email)) {
    sc_fail(err, SC_EUSAGE, "%s: expected an e-mail address, got '%s'", fields->email,
            who->email ? who->email : "");
    return NULL;
  }
  char hash[SC_EMAIL_HASH_SIZE];
  char *salt = NULL;
  json_t *out = NULL;
  if ((salt = sc_hex_encode(salt_bytes, SALT_BYTES)) &&
      sc_email_hash(who->email, salt, hash, err) == SC_OK) {
    out = json_object();
    bool ok = out &&
              sc_json_put(out, "type", sc_json_one(json_string_nocheck("AchievementSubject"))) &&
              sc_json_put(out, "identifier",
                          sc_json_pair(identity("name", who->name, false, NULL),
                                       identity("emailAddress", hash, true, salt))) &&
              sc_json_put(out, "achievement", json_incref((json_t *)achievement)) &&
              (!who->did || sc_json_put_text(out, "id", who->did));
    if (!ok) {
      json_decref(out);
      out = NULL;
      sc_oom(err);
    }
  } else if (!salt) { /* sc_email_hash set err itself when it failed */
    sc_oom(err);
  }
  free(salt);
  return out;
}

static int check_recipient(const sc_recipient *who, const sc_issue_fields *fields, sc_error *err) {
  if (!who->name || !*who->name)
    return sc_fail(err, SC_EUSAGE, "%s: the recipient's name is required", fields->name);
  if (sc_name_check(who->name, fields->name, SC_MAX_NAME_CHARS, err) != SC_OK)
    return err ? (err->code = SC_EUSAGE) : SC_EUSAGE;
  if (who->did && strncmp(who->did, "did:", 4) != 0)
    return sc_fail(err, SC_EUSAGE, "%s: expected a DID (did:method:...), got '%s'", fields->did,
                   who->did);
  return SC_OK;
}

json_t *sc_credential_issuer(const sc_home *home) {
  return json_pack("{s:s, s:[s], s:s, s:s}", "id", home->issuer_id, "type", "Profile", "name",
                   home->issuer_name, "url", home->issuer_url);
}

/* Key order here is only for people reading the file; the signature covers the JCS form.
 * No credentialSchema: see docs/decisions.md. */
static json_t *assemble(const sc_home *home, const sc_issue_request *req, const char *uuid,
                        const char *valid_until, json_t *holder) {
  char valid_from[21], urn[64];
  sc_time_format(req->now, valid_from);
  snprintf(urn, sizeof urn, "urn:uuid:%s", uuid);
  /* An achievement named in several languages (a language map) names the credential in
   * English (else its first). */
  const char *title = sc_json_text(json_object_get(req->achievement, "name"), NULL);
  /* A batch's shared Profile by reference (no copy to make and free per credential). */
  json_t *issuer = req->issuer ? json_incref((json_t *)req->issuer) : sc_credential_issuer(home);
  if (!issuer) {
    json_decref(holder);
    return NULL;
  }
  json_t *credential = json_object();
  bool ok =
      credential &&
      sc_json_put(credential, "@context",
                  sc_json_pair(json_string_nocheck(VC_CONTEXT), json_string_nocheck(OB_CONTEXT))) &&
      sc_json_put_text(credential, "id", urn) &&
      sc_json_put(credential, "type",
                  sc_json_pair(json_string_nocheck("VerifiableCredential"),
                               json_string_nocheck("OpenBadgeCredential"))) &&
      sc_json_put(credential, "issuer", json_incref(issuer)) &&
      sc_json_put_text(credential, "validFrom", valid_from) &&
      (!*valid_until || sc_json_put_text(credential, "validUntil", valid_until)) &&
      sc_json_put_text(credential, "name", title ? title : "Achievement") &&
      sc_json_put(credential, "credentialSubject", json_incref(holder));
  json_decref(issuer); /* held by the credential, when it was made */
  json_decref(holder);
  if (!ok)
    json_decref(credential);
  return ok ? credential : NULL;
}

json_t *sc_credential_build(const sc_home *home, const sc_issue_request *req, sc_error *err) {
  sc_error_clear(err);
  const sc_issue_fields *fields = req->fields ? req->fields : &sc_issue_flag_names;
  if (check_recipient(&req->recipient, fields, err) != SC_OK)
    return NULL;
  char uuid[37], valid_until[21] = "";
  if (req->valid_until && resolve_valid_until(req->valid_until, req->now, fields, valid_until, err))
    return NULL;
  /* One draw from the generator for the credential id and the e-mail salt. */
  uint8_t random[UUID_BYTES + SALT_BYTES];
  if (sc_random_bytes(random, sizeof random, err) != SC_OK)
    return NULL;
  sc_uuid_v4_format(random, uuid);
  char *name = sc_text_nfc(req->recipient.name, strlen(req->recipient.name), fields->name, err);
  if (!name)
    return NULL;
  sc_recipient who = req->recipient;
  who.name = name;
  json_t *holder = subject(&who, fields, req->achievement, random + UUID_BYTES, err);
  free(name);
  if (!holder)
    return NULL;
  json_t *credential = assemble(home, req, uuid, valid_until, holder); /* steals holder */
  if (!credential)
    sc_oom(err);
  return credential;
}
