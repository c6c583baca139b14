/*
 * keys/keys.h — signing keys on disk, passphrases, and the trust list.
 *
 * Private keys are PKCS#8 PEM files, encrypted with a passphrase unless the user asked
 * otherwise, always mode 0600; a key file that group or others can read is refused.
 */
#ifndef SKILLCERT_KEYS_H
#define SKILLCERT_KEYS_H

#include <sys/stat.h>

#include "core/core.h"

/* ---------------------------------------------------------------- secrets in memory
 * (secret_memory.c) */

/* Called before a private key, a passphrase or a token is read or made (the functions below
 * call it themselves): from then on the process writes no core dump (RLIMIT_CORE 0,
 * PR_SET_DUMPABLE 0) and OpenSSL keeps private keys in its secure heap (locked, excluded from
 * dumps). Idempotent and thread-safe; see docs/keys.md. */
void sc_secrets_protect(void);
/* A new Ed25519 signing key, made after sc_secrets_protect (its seed is wiped). */
EVP_PKEY *sc_key_generate(sc_error *err);

/* ---------------------------------------------------------------- passphrases (passphrase.c) */

#define SC_PASSPHRASE_MAX 1024

/* Where a passphrase comes from, in this order: file, $SKILLCERT_PASSPHRASE_FILE, a no-echo
 * prompt on the terminal (asked twice when confirming a new one). */
typedef struct sc_passphrase_source {
  const char *file; /* --passphrase-file, or NULL */
  bool none;        /* --no-passphrase: keys are stored unencrypted */
} sc_passphrase_source;

/* Fills out with the passphrase, without its trailing newline.
 * confirm: ask twice on a terminal (for a new key). Fails with SC_EUSAGE when there is no
 * source (no file, no variable, no terminal). The caller wipes out with sc_passphrase_wipe. */
int sc_passphrase_read(const sc_passphrase_source *src, bool confirm,
                       char out[SC_AT_LEAST(SC_PASSPHRASE_MAX)], sc_error *err);
void sc_passphrase_wipe(char *passphrase);
/* Reads the file holding a secret (a passphrase, a token; "-" = standard input) into buf, at
 * most cap bytes (*len == cap: the file may be longer). Refuses what cannot hold a secret: a
 * folder (SC_ENOINPUT), or a regular file group or others can reach (SC_EPERM, "<path>: <what>
 * accessible by others (mode 0644); run chmod 600 <path>"). Pipes pass: they have no
 * meaningful mode. The caller wipes buf. */
int sc_secret_file_read(const char *path, const char *what, char *buf, size_t cap, size_t *len,
                        sc_error *err);

/* ---------------------------------------------------------------- key files (keyfile.c) */

/* Writes key to path as PKCS#8 PEM, mode 0600, atomically. passphrase NULL = unencrypted;
 * otherwise PBES2 with scrypt and AES-256-CBC (parameters in docs/keys.md). Refuses to
 * overwrite an existing file (SC_ECANTCREAT). */
int sc_keyfile_save(const char *path, EVP_PKEY *key, const char *passphrase, sc_error *err);
/* True when the file holds an encrypted private key (so a passphrase is needed). */
int sc_keyfile_is_encrypted(const char *path, bool *encrypted, sc_error *err);
/* Loads an Ed25519 private key. Refuses (SC_EPERM) a file readable or writable by group or
 * others; SC_EPERM for a wrong passphrase; SC_ENOINPUT when missing; SC_EDATA when it is
 * not an Ed25519 private key. passphrase may be NULL for an unencrypted file. */
int sc_keyfile_load(const char *path, const char *passphrase, EVP_PKEY **key, sc_error *err);
/* Checks that path is a regular file with no group/other permission bits. */
int sc_keyfile_check_mode(const char *path, sc_error *err);
/* The public key as SubjectPublicKeyInfo PEM (a new string). */
char *sc_public_pem(EVP_PKEY *key, sc_error *err);

/* ---------------------------------------------------------------- keys in a PKCS#11 token
 * (pkcs11_token.c, pkcs11_key.c; docs/keys.md "Keys in an HSM")
 *
 * A key in a token is named by an RFC 7512 URI: "pkcs11:token=T;object=LABEL[;id=%XX…]
 * [?module-path=/path/module.so&pin-source=file:/path/pin]". Without module-path, the modules
 * registered with p11-kit are searched. The PIN comes from the pin-source file, else from
 * $SKILLCERT_PIN_FILE; such a file that group or others can reach is refused (SC_EPERM), and a
 * pin-value in the URI is refused (SC_ECONFIG). A wrong PIN is SC_EPERM. The key is Ed25519
 * (CKK_EC_EDWARDS), signing with CKM_EDDSA. */

/* Does ref name a key in a token ("pkcs11:…")? */
bool sc_pkcs11_is_uri(const char *ref);
/* Opens the token's key: key is its public half, which signs in the token (from any number
 * of threads; core's sc_signer calls it). Freeing the key logs out and unloads the module. */
int sc_pkcs11_key_open(const char *uri, EVP_PKEY **key, sc_error *err);
/* Makes the key the URI names: with import NULL, opens the token's key when it holds one, else
 * generates a new pair there (non-extractable); with import (an Ed25519 private key), writes
 * it into the token, refusing (SC_ECANTCREAT) when the token already holds a key the URI names.
 * *made: a new key was written into the token. key is as sc_pkcs11_key_open gives it. */
int sc_pkcs11_key_make(const char *uri, EVP_PKEY *import, EVP_PKEY **key, bool *made,
                       sc_error *err);

/* ---------------------------------------------------------------- a home's keys (home_key.c) */

/* The public key vm names when it is one of an issuer home's keys: keys is skillcert.json's
 * "keys" ([{"did": "did:key:z6Mk…"}, …]) and vm "<issuer_id>#<multikey>" or "<the key's
 * did:key>#<multikey>". SC_EINVALID "VM is not a key of this issuer home" otherwise. */
int sc_home_key_resolve(const char *issuer_id, const json_t *keys, const char *vm,
                        uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err);

/* ---------------------------------------------------------------- trust list (trust.c) */

/* A trust list names the issuers a verifier trusts: a display name and the identifiers
 * (DIDs) under which each issuer signs. Format: docs/trust-list.md. */
typedef struct sc_trust_list sc_trust_list;

sc_trust_list *sc_trust_new(void);
/* Loads a trust list file; SC_ENOINPUT when missing, SC_EDATA (with the field) when bad. */
int sc_trust_load(const char *path, sc_trust_list **out, sc_error *err);
int sc_trust_save(const sc_trust_list *list, const char *path, sc_error *err);
/* Adds id under name (an existing entry with that name gains the id). */
int sc_trust_add(sc_trust_list *list, const char *id, const char *name, sc_error *err);
/* Removes id (or, when it names an entry, the whole entry); SC_EUSAGE when absent. */
int sc_trust_remove(sc_trust_list *list, const char *id_or_name, sc_error *err);
/* The display name of the trusted issuer that owns id, or NULL. */
const char *sc_trust_lookup(const sc_trust_list *list, const char *id);
/* Marks id (already listed) as retired after the date-time retired_after (with zone): proofs
 * its key made later are refused. SC_EUSAGE when id is not listed or the time is bad. */
int sc_trust_retire(sc_trust_list *list, const char *id, const char *retired_after, sc_error *err);
/* The retiredAfter date-time of id, or NULL when it is not retired (or not listed). */
const char *sc_trust_retired_after(const sc_trust_list *list, const char *id);
/* The DID of an item of an entry's ids: the string itself, or the object's "id". */
const char *sc_trust_id(const json_t *item);
size_t sc_trust_count(const sc_trust_list *list);
/* Entry i: its name and its ids as a JSON array (borrowed). */
const char *sc_trust_entry(const sc_trust_list *list, size_t i, const json_t **ids);
void sc_trust_free(sc_trust_list *list);

#endif
