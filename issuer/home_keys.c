/* Key rotation and retirement in the issuer's home: skillcert.json "keys" lists every key the
 * issuer ever signed with, oldest first; the last is current. Old keys stay listed so that the
 * credentials they signed keep verifying, until (and unless) they are retired. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

static json_t *home_keys(const sc_home *home) {
  return json_object_get(home->config, "keys");
}

static const char *key_member(const json_t *entry, const char *name) {
  return json_string_value(json_object_get(entry, name));
}

/* The first keys/signing-key-N.pem that neither skillcert.json nor the folder has. */
static void next_key_file(const sc_home *home, char *out, size_t size) {
  for (size_t n = json_array_size(home_keys(home)) + 1;; n++) {
    char path[PATH_MAX + 64];
    snprintf(out, size, "keys/signing-key-%zu.pem", n);
    snprintf(path, sizeof path, "%s/%s", home->root, out);
    size_t i;
    json_t *entry;
    bool listed = false;
    json_array_foreach(home_keys(home), i, entry) listed |=
        key_member(entry, "file") && strcmp(key_member(entry, "file"), out) == 0;
    if (!listed && access(path, F_OK) != 0)
      return;
  }
}

/* file: a key file in the home, or the pkcs11: URI of a key in a token (stored as "key"). */
static int append_key(sc_home *home, const char *did, const char *file, sc_error *err) {
  char created[21];
  sc_time_format((int64_t)time(NULL), created);
  json_t *entry = json_pack("{s:s, s:s, s:s}", "did", did, sc_pkcs11_is_uri(file) ? "key" : "file",
                            file, "created", created);
  if (!entry || json_array_append_new(home_keys(home), entry) != 0)
    return sc_oom(err);
  /* A did:key issuer is its key: the new key brings a new issuer id. A did:web issuer keeps
   * its id; its DID document lists the new key next to the old ones. */
  if (strncmp(home->issuer_id, "did:key:", 8) == 0 &&
      json_object_set_new(json_object_get(home->config, "issuer"), "id", json_string(did)) != 0)
    return sc_oom(err);
  return SC_OK;
}

/* Rotating hands signing to a new key, so it is for whoever controls the current one: the
 * current key must open. An encrypted one is opened with the passphrase of src (with
 * --no-passphrase, of $SKILLCERT_PASSPHRASE_FILE or the terminal), kept in passphrase. */
static int open_current_key(const sc_home *home, const sc_passphrase_source *src, char *passphrase,
                            sc_error *err) {
  if (sc_home_key_in_token(home)) { /* opening it in the token proves the PIN */
    EVP_PKEY *key = NULL;
    int rc = sc_pkcs11_key_open(home->key_path, &key, err);
    EVP_PKEY_free(key);
    return rc;
  }
  bool encrypted = false;
  int rc = sc_keyfile_is_encrypted(home->key_path, &encrypted, err);
  if (rc == SC_OK && encrypted) {
    sc_passphrase_source ask = *src;
    ask.none = false;
    rc = sc_passphrase_read(&ask, false, passphrase, err);
    if (rc != SC_OK)
      sc_error_prefix(err, "%s: the current key is encrypted, and rotating needs its passphrase",
                      home->key_path);
  }
  EVP_PKEY *key = NULL;
  if (rc == SC_OK)
    rc = sc_keyfile_load(home->key_path, encrypted ? passphrase : NULL, &key, err);
  EVP_PKEY_free(key);
  return rc;
}

/* The new key's passphrase: the current key's when it had one (the issuer keeps one secret),
 * else asked as for a new key. NULL with --no-passphrase. */
static int new_key_passphrase(const sc_passphrase_source *src, char *passphrase, const char **out,
                              sc_error *err) {
  *out = NULL;
  if (src->none)
    return SC_OK;
  int rc = passphrase[0] ? SC_OK : sc_passphrase_read(src, true, passphrase, err);
  if (rc == SC_OK)
    *out = passphrase;
  return rc;
}

static int write_new_key(sc_home *home, const char *passphrase, char **new_did, sc_error *err) {
  char file[64];
  next_key_file(home, file, sizeof file);
  EVP_PKEY *key = sc_key_generate(err);
  if (!key)
    return err ? err->code : SC_ESOFTWARE;
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  int rc = sc_ed25519_public(key, pub, err);
  if (rc == SC_OK && !(*new_did = sc_did_key_encode(pub)))
    rc = sc_oom(err);
  /* The key file first: a config naming a key that was never written would stop issuance. */
  if (rc == SC_OK)
    rc = sc_home_save_new_key(home->root, key, passphrase, file, err);
  if (rc == SC_OK)
    rc = append_key(home, *new_did, file, err);
  if (rc == SC_OK)
    rc = sc_home_save_config(home, err);
  EVP_PKEY_free(key);
  return rc;
}

int sc_home_rotate_key(sc_home *home, const sc_passphrase_source *src, char **new_did,
                       sc_error *err) {
  *new_did = NULL;
  if (!json_is_array(home_keys(home)))
    return sc_fail(err, SC_ECONFIG, "%s/%s: keys: expected an array", home->root, SC_HOME_CONFIG);
  char passphrase[SC_PASSPHRASE_MAX] = "";
  const char *new_passphrase = NULL;
  int rc = open_current_key(home, src, passphrase, err);
  if (rc == SC_OK)
    rc = new_key_passphrase(src, passphrase, &new_passphrase, err);
  if (rc == SC_OK)
    rc = write_new_key(home, new_passphrase, new_did, err);
  sc_passphrase_wipe(passphrase);
  if (rc != SC_OK) {
    free(*new_did);
    *new_did = NULL;
  }
  return rc;
}

/* ---------------------------------------------------------------- keys in a token */

static bool listed_did(const sc_home *home, const char *did, size_t *index) {
  size_t i;
  json_t *entry;
  json_array_foreach(home_keys(home), i, entry) {
    const char *each = key_member(entry, "did");
    if (each && strcmp(each, did) == 0) {
      *index = i;
      return true;
    }
  }
  return false;
}

/* The token's key (made or imported by sc_pkcs11_key_make) and its did:key. */
static int token_key(const char *uri, EVP_PKEY *import, char **did, sc_error *err) {
  EVP_PKEY *key = NULL;
  bool made = false;
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  int rc = sc_pkcs11_key_make(uri, import, &key, &made, err);
  if (rc == SC_OK)
    rc = sc_ed25519_public(key, pub, err);
  if (rc == SC_OK && !(*did = sc_did_key_encode(pub)))
    rc = sc_oom(err);
  EVP_PKEY_free(key); /* logs out; the key stays in the token */
  return rc;
}

/* Appends the token's key as the current one; a key the home already lists is refused (it
 * would sign under an old entry's dates and retirement). */
static int append_token_key(sc_home *home, const char *uri, const char *did, sc_error *err) {
  size_t index = 0;
  if (listed_did(home, did, &index))
    return sc_fail(err, SC_EUSAGE, "%s is already key %zu of this issuer home (see skillcert key "
                                   "list); the token key to rotate to must be a new one",
                   did, index + 1);
  int rc = append_key(home, did, uri, err);
  return rc == SC_OK ? sc_home_save_config(home, err) : rc;
}

int sc_home_rotate_key_to(sc_home *home, const sc_passphrase_source *src, const char *uri,
                          char **new_did, sc_error *err) {
  *new_did = NULL;
  if (!json_is_array(home_keys(home)))
    return sc_fail(err, SC_ECONFIG, "%s/%s: keys: expected an array", home->root, SC_HOME_CONFIG);
  if (!sc_pkcs11_is_uri(uri))
    return sc_fail(err, SC_EUSAGE, "--to: expected a pkcs11: URI, got '%.40s'", uri);
  char passphrase[SC_PASSPHRASE_MAX] = "";
  int rc = open_current_key(home, src, passphrase, err);
  sc_passphrase_wipe(passphrase);
  if (rc == SC_OK)
    rc = token_key(uri, NULL, new_did, err);
  if (rc == SC_OK)
    rc = append_token_key(home, uri, *new_did, err);
  if (rc != SC_OK) {
    free(*new_did);
    *new_did = NULL;
  }
  return rc;
}

static int load_key_file(const char *file, const sc_passphrase_source *src, EVP_PKEY **key,
                         sc_error *err) {
  bool encrypted = false;
  char passphrase[SC_PASSPHRASE_MAX] = "";
  int rc = sc_keyfile_is_encrypted(file, &encrypted, err);
  if (rc == SC_OK && encrypted) {
    sc_passphrase_source ask = *src;
    ask.none = false;
    rc = sc_passphrase_read(&ask, false, passphrase, err);
  }
  if (rc == SC_OK)
    rc = sc_keyfile_load(file, encrypted ? passphrase : NULL, key, err);
  sc_passphrase_wipe(passphrase);
  return rc;
}

/* A listed key moves into the token: its entry names the URI instead of its file. */
static int move_entry(sc_home *home, size_t index, const char *uri, sc_error *err) {
  json_t *entry = json_array_get(home_keys(home), index);
  if (json_object_set_new(entry, "key", json_string(uri)) != 0)
    return sc_oom(err);
  json_object_del(entry, "file");
  return sc_home_save_config(home, err);
}

int sc_home_import_key(sc_home *home, const char *file, const sc_passphrase_source *src,
                       const char *uri, char **did, bool *moved, sc_error *err) {
  *did = NULL;
  *moved = false;
  if (!json_is_array(home_keys(home)))
    return sc_fail(err, SC_ECONFIG, "%s/%s: keys: expected an array", home->root, SC_HOME_CONFIG);
  if (!sc_pkcs11_is_uri(uri))
    return sc_fail(err, SC_EUSAGE, "--to: expected a pkcs11: URI, got '%.40s'", uri);
  EVP_PKEY *key = NULL;
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  int rc = load_key_file(file, src, &key, err);
  if (rc == SC_OK)
    rc = sc_ed25519_public(key, pub, err);
  char *file_did = rc == SC_OK ? sc_did_key_encode(pub) : NULL;
  if (rc == SC_OK && !file_did)
    rc = sc_oom(err);
  size_t index = 0;
  *moved = rc == SC_OK && listed_did(home, file_did, &index);
  /* A key new to the home becomes the current one: that hands signing over, as rotating does,
   * so the current key must open first. */
  char passphrase[SC_PASSPHRASE_MAX] = "";
  if (rc == SC_OK && !*moved)
    rc = open_current_key(home, src, passphrase, err);
  sc_passphrase_wipe(passphrase);
  if (rc == SC_OK)
    rc = token_key(uri, key, did, err);
  EVP_PKEY_free(key);
  if (rc == SC_OK && strcmp(*did, file_did) != 0)
    rc = sc_fail(err, SC_ESOFTWARE, "the token's key is not the imported one");
  if (rc == SC_OK)
    rc = *moved ? move_entry(home, index, uri, err) : append_token_key(home, uri, *did, err);
  free(file_did);
  if (rc != SC_OK) {
    free(*did);
    *did = NULL;
  }
  return rc;
}

/* ---------------------------------------------------------------- finding and retiring */

static bool key_matches(const json_t *entry, const char *ref) {
  const char *did = key_member(entry, "did");
  const char *file = key_member(entry, "file");
  const char *token_uri = key_member(entry, "key");
  if (token_uri && strcmp(token_uri, ref) == 0)
    return true;
  const char *base = file ? strrchr(file, '/') : NULL;
  return (did && (strcmp(did, ref) == 0 ||
                  (strncmp(did, "did:key:", 8) == 0 && strcmp(did + 8, ref) == 0))) ||
         (file && strcmp(file, ref) == 0) || (base && strcmp(base + 1, ref) == 0);
}

int sc_home_find_key(const sc_home *home, const char *ref, size_t *index, sc_error *err) {
  size_t i;
  json_t *entry;
  json_array_foreach(home_keys(home), i, entry) {
    if (ref && key_matches(entry, ref)) {
      *index = i;
      return SC_OK;
    }
  }
  return sc_fail(err, SC_EUSAGE,
                 "'%s' names no key of this issuer (give its did:key, Multikey, file or token URI; see "
                 "skillcert key list)",
                 ref ? ref : "");
}

static bool is_plain_date(const char *text) {
  static const char shape[] = "dddd-dd-dd";
  if (strlen(text) != sizeof shape - 1)
    return false;
  for (size_t i = 0; shape[i]; i++)
    if (shape[i] == 'd' ? (text[i] < '0' || text[i] > '9') : text[i] != shape[i])
      return false;
  return true;
}

int sc_retirement_parse(const char *text, char out[SC_AT_LEAST(SC_TIME_SIZE)], sc_error *err) {
  char full[64];
  if (!text)
    text = "";
  if (is_plain_date(text))
    snprintf(full, sizeof full, "%sT00:00:00Z", text);
  else
    snprintf(full, sizeof full, "%s", text);
  int64_t epoch = 0;
  if (sc_time_parse(full, true, &epoch, NULL) != SC_OK)
    return sc_fail(err, SC_EUSAGE,
                   "--after: expected YYYY-MM-DD or a date-time with zone "
                   "(2026-11-28T09:00:00Z), got '%s'",
                   text);
  sc_time_format(epoch, out);
  return SC_OK;
}

static int set_retirement(json_t *entry, const char *date, const char *reason, sc_error *err) {
  if (json_object_set_new(entry, "retiredAfter", json_string(date)) != 0)
    return sc_oom(err);
  if (reason && *reason && json_object_set_new(entry, "retiredReason", json_string(reason)) != 0)
    return sc_oom(err);
  return SC_OK;
}

int sc_home_retire_key(sc_home *home, const char *ref, const char *date, const char *reason,
                       sc_error *err) {
  char when[21];
  size_t index = 0;
  int rc = sc_retirement_parse(date, when, err);
  if (rc == SC_OK)
    rc = sc_home_find_key(home, ref, &index, err);
  if (rc != SC_OK)
    return rc;
  json_t *entry = json_array_get(home_keys(home), index);
  /* The current key signs everything issued next: retiring it would make new credentials
   * fail. A new key has to take over first. */
  if (index + 1 == json_array_size(home_keys(home)))
    return sc_fail(err, SC_EUSAGE,
                   "%s is the current signing key: run 'skillcert key rotate' first, then "
                   "retire it",
                   key_member(entry, "did"));
  rc = set_retirement(entry, when, reason, err);
  return rc == SC_OK ? sc_home_save_config(home, err) : rc;
}
