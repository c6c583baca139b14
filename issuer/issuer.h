/*
 * issuer/issuer.h — the issuer's side: its home folder, credential assembly and issuance.
 */
#ifndef SKILLCERT_ISSUER_H
#define SKILLCERT_ISSUER_H

#include <limits.h>

#include "core/core.h"
#include "keys/keys.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* ---------------------------------------------------------------- the home (home.c) */

#define SC_HOME_CONFIG "skillcert.json"

typedef struct sc_home_init_options {
  const char *name;       /* issuer display name, required */
  const char *url;        /* issuer web site, https, required */
  const char *verify_url; /* base of the QR code URLs; NULL = url */
  const sc_passphrase_source *passphrase;
} sc_home_init_options;

typedef struct sc_home {
  char root[PATH_MAX];
  json_t *config;        /* skillcert.json */
  const char *issuer_id; /* borrowed from config */
  const char *issuer_name;
  const char *issuer_url;
  const char *verify_url;
  char key_path[PATH_MAX]; /* the current signing key */
  const char *key_did;     /* its did:key */
} sc_home;

/* Creates the home in dir (which must not exist or be empty) with a new signing key. */
int sc_home_init(const char *dir, const sc_home_init_options *opts, sc_error *err);
/* Finds the home: dir when given, else the nearest folder upward from the current one that
 * holds skillcert.json, then $SKILLCERT_HOME. */
int sc_home_open(const char *dir, sc_home *home, sc_error *err);
void sc_home_close(sc_home *home);
/* Path of a file inside the home ("out", "x.json" → "<root>/out/x.json"). */
int sc_home_path(const sc_home *home, const char *sub, const char *name, char *out, sc_error *err);
/* Loads the current signing key, asking for the passphrase when the file is encrypted. */
int sc_home_load_key(const sc_home *home, const sc_passphrase_source *src, EVP_PKEY **key,
                     sc_error *err);

/* ---------------------------------------------------------------- text intake (text.c) */

/* NFC-normalises UTF-8 text (a new string). SC_EDATA naming field when the text is not
 * valid UTF-8 or holds U+0000. */
char *sc_text_nfc(const char *text, size_t len, const char *field, sc_error *err);
/* Replaces every string inside value with its NFC form, in place. */
int sc_json_nfc(json_t *value, const char *field, sc_error *err);

/* ---------------------------------------------------------------- achievements (achievement.c) */

/* Checks an Open Badges 3.0 Achievement object: id (a URI), type containing "Achievement",
 * name, description, criteria (with id or narrative); errors name the file and field. */
int sc_achievement_check(const json_t *achievement, const char *source, sc_error *err);
/* Loads, NFC-normalises and checks an achievement JSON file. */
int sc_achievement_load(const char *path, json_t **out, sc_error *err);

/* ---------------------------------------------------------------- credentials (credential_build.c)
 */

typedef struct sc_recipient {
  const char *name;  /* display name as given (NFC-normalised here) */
  const char *email; /* stored only as a salted SHA-256 */
  const char *did;   /* optional: the learner's own DID */
} sc_recipient;

typedef struct sc_issue_request {
  sc_recipient recipient;
  const json_t *achievement; /* checked Achievement */
  const char *valid_until;   /* NULL, "YYYY-MM-DD" (end of that day, UTC) or a date-time */
  int64_t now;               /* validFrom, seconds since the epoch */
} sc_issue_request;

/* Builds the unsigned OpenBadgeCredential. */
json_t *sc_credential_build(const sc_home *home, const sc_issue_request *req, sc_error *err);
/* The recipient's e-mail as an OB 3.0 identity hash: "sha256$" + hex(SHA-256(email + salt)),
 * with the address trimmed and lower-cased first. out holds 72 bytes. */
int sc_email_hash(const char *email, const char *salt, char *out, sc_error *err);

/* ---------------------------------------------------------------- issuance (issue.c) */

/* Builds, signs and writes one credential to out/<uuid>.json; path_out gets the path. */
int sc_issue_one(const sc_home *home, EVP_PKEY *key, const sc_issue_request *req, char *path_out,
                 sc_error *err);

#endif
