/* keys/pkcs11_internal.h — shared by pkcs11_token.c (module, token, PIN) and pkcs11_key.c (the
 * key objects and signing). Not a public header: keys.h is. */
#ifndef SKILLCERT_KEYS_PKCS11_INTERNAL_H
#define SKILLCERT_KEYS_PKCS11_INTERNAL_H

#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

#include "keys/keys.h"

/* A token reached through a URI: its module loaded and initialised, its slot found, logged
 * in (when it asks for a PIN) through session, which stays open as long as the token is held
 * (the login lasts while the application has a session open). */
typedef struct p11_token {
  P11KitUri *uri;
  CK_FUNCTION_LIST *module;  /* the module signing goes to */
  CK_FUNCTION_LIST **loaded; /* what was loaded: one module (module-path), or all registered */
  bool loaded_one;
  CK_SLOT_ID slot;
  CK_SESSION_HANDLE session; /* read/write, logged in */
  char label[33];            /* the token's label, for messages */
} p11_token;

/* Parses the URI, loads its module, finds the token, opens a session and logs in. */
int p11_token_open(const char *uri, p11_token *token, sc_error *err);
void p11_token_close(p11_token *token);
/* "token 'test'": the failing call and what the module said (never the URI's query). */
int p11_fail(sc_error *err, int code, const p11_token *token, const char *what, CK_RV rv);

#endif
