/*
 * A PKCS#11 token named by an RFC 7512 URI: p11-kit parses the URI and loads the module (the
 * URI's module-path, else every module registered with p11-kit), the first token whose
 * description matches is used, and a session logs in with the PIN.
 *
 * The PIN is a secret like a key's passphrase: it comes from the file the URI's pin-source
 * names (file:/path or a path), else from $SKILLCERT_PIN_FILE, read like a passphrase file (a
 * file group or others can reach is refused). A pin-value in the URI is refused: the URI is
 * stored in skillcert.json, which is not a secret. No message ever holds the PIN, and none
 * holds the URI either (its pin-source is harmless, but a refused pin-value is not).
 */
#include "keys/pkcs11_internal.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#define PIN_ENV "SKILLCERT_PIN_FILE"
#define PIN_MAX 256

int p11_fail(sc_error *err, int code, const p11_token *token, const char *what, CK_RV rv) {
  const char *reason = p11_kit_strerror(rv);
  if (token && token->label[0])
    return sc_fail(err, code, "PKCS#11 token '%s': %s (%s, 0x%lx)", token->label, what,
                   reason ? reason : "unknown error", (unsigned long)rv);
  return sc_fail(err, code, "PKCS#11: %s (%s, 0x%lx)", what, reason ? reason : "unknown error",
                 (unsigned long)rv);
}

/* ---------------------------------------------------------------- the URI */

static int parse_uri(const char *text, p11_token *token, sc_error *err) {
  if (!(token->uri = p11_kit_uri_new()))
    return sc_oom(err);
  int rc = p11_kit_uri_parse(text, P11_KIT_URI_FOR_OBJECT_ON_TOKEN_AND_MODULE, token->uri);
  if (rc != P11_KIT_URI_OK)
    return sc_fail(err, SC_ECONFIG, "key URI: not a PKCS#11 URI (RFC 7512): %s",
                   p11_kit_uri_message(rc));
  if (p11_kit_uri_get_pin_value(token->uri))
    return sc_fail(err, SC_ECONFIG,
                   "key URI: pin-value would store the PIN in skillcert.json; use "
                   "pin-source=file:/path (a file of mode 0600) or set " PIN_ENV);
  if (!p11_kit_uri_get_attribute(token->uri, CKA_LABEL) &&
      !p11_kit_uri_get_attribute(token->uri, CKA_ID))
    return sc_fail(err, SC_ECONFIG, "key URI: names no key: add object=LABEL or id=%%XX…");
  return SC_OK;
}

/* ---------------------------------------------------------------- modules and tokens */

static int load_modules(p11_token *token, sc_error *err) {
  const char *path = p11_kit_uri_get_module_path(token->uri);
  if (!path) {
    token->loaded = p11_kit_modules_load_and_initialize(0);
    if (!token->loaded)
      return sc_fail(err, SC_ECONFIG,
                     "PKCS#11: no module registered with p11-kit could be loaded (%s); add "
                     "?module-path=/path/to/module.so to the key URI",
                     p11_kit_message() ? p11_kit_message() : "no detail");
    return SC_OK;
  }
  CK_FUNCTION_LIST *module = p11_kit_module_load(path, 0);
  if (!module)
    return sc_fail(err, SC_ECONFIG, "PKCS#11 module %s: cannot load it (%s)", path,
                   p11_kit_message() ? p11_kit_message() : "no detail");
  CK_RV rv = p11_kit_module_initialize(module);
  if (rv != CKR_OK) {
    p11_kit_module_release(module);
    return sc_fail(err, SC_ECONFIG, "PKCS#11 module %s: cannot initialise it (%s)", path,
                   p11_kit_strerror(rv));
  }
  if (!(token->loaded = calloc(2, sizeof *token->loaded))) {
    p11_kit_module_finalize(module);
    p11_kit_module_release(module);
    return sc_oom(err);
  }
  token->loaded[0] = module;
  token->loaded_one = true;
  return SC_OK;
}

static void copy_label(const CK_TOKEN_INFO *info, char out[33]) {
  memcpy(out, info->label, 32);
  out[32] = '\0';
  for (size_t n = 32; n > 0 && out[n - 1] == ' '; n--)
    out[n - 1] = '\0';
}

/* The first slot of module whose token the URI describes; false when none. */
static bool find_in_module(p11_token *token, CK_FUNCTION_LIST *module, CK_TOKEN_INFO *found) {
  CK_ULONG count = 0;
  if (module->C_GetSlotList(CK_TRUE, NULL, &count) != CKR_OK || count == 0)
    return false;
  CK_SLOT_ID *slots = calloc(count, sizeof *slots);
  bool matched = false;
  if (slots && module->C_GetSlotList(CK_TRUE, slots, &count) == CKR_OK) {
    for (CK_ULONG i = 0; i < count && !matched; i++) {
      if (module->C_GetTokenInfo(slots[i], found) != CKR_OK ||
          !p11_kit_uri_match_token_info(token->uri, found))
        continue;
      token->module = module;
      token->slot = slots[i];
      copy_label(found, token->label);
      matched = true;
    }
  }
  free(slots);
  return matched;
}

static int find_token(p11_token *token, CK_TOKEN_INFO *info, sc_error *err) {
  for (size_t i = 0; token->loaded[i]; i++)
    if (find_in_module(token, token->loaded[i], info))
      return SC_OK;
  CK_TOKEN_INFO *want = p11_kit_uri_get_token_info(token->uri);
  char label[33] = "";
  if (want)
    copy_label(want, label);
  return sc_fail(err, SC_ECONFIG,
                 "PKCS#11: no token matches the key URI (token=%s); is the module right and the "
                 "token initialised?",
                 label[0] ? label : "(any)");
}

/* ---------------------------------------------------------------- the PIN */

/* "file:/p", "file:///p" or a plain path → the path; NULL for another scheme. */
static const char *pin_path(const char *source) {
  if (strncmp(source, "file://", 7) == 0)
    return source + 7;
  if (strncmp(source, "file:", 5) == 0)
    return source + 5;
  return strchr(source, ':') ? NULL : source;
}

static int accept_pin(const char *path, char *buf, size_t len, size_t *pin_len, sc_error *err) {
  if (len >= 1 && buf[len - 1] == '\n')
    len -= (len >= 2 && buf[len - 2] == '\r') ? 2 : 1;
  if (len == 0)
    return sc_fail(err, SC_EDATA, "%s: empty PIN", path);
  if (len >= PIN_MAX)
    return sc_fail(err, SC_EDATA, "%s: PIN longer than %d bytes", path, PIN_MAX - 1);
  *pin_len = len;
  return SC_OK;
}

/* Reads the PIN into pin (PIN_MAX + 2 bytes; the caller wipes it); *from names its source. */
static int read_pin(const p11_token *token, char *pin, size_t *len, const char **from,
                    sc_error *err) {
  const char *source = p11_kit_uri_get_pin_source(token->uri);
  const char *env = getenv(PIN_ENV);
  const char *path = source ? pin_path(source) : (env && *env ? env : NULL);
  *from = source ? "the key URI's pin-source" : PIN_ENV;
  if (source && (!path || !*path))
    return sc_fail(err, SC_ECONFIG, "key URI: pin-source: expected file:/path to a PIN file");
  if (!path)
    return sc_fail(err, SC_EUSAGE,
                   "PKCS#11 token '%s' needs a PIN: add pin-source=file:/path to the key URI or "
                   "set " PIN_ENV " (a file of mode 0600)",
                   token->label);
  size_t got = 0;
  int rc = sc_secret_file_read(path, "PIN file", pin, PIN_MAX + 1, &got, err);
  if (rc == SC_OK)
    rc = accept_pin(path, pin, got, len, err);
  return rc;
}

static int login(p11_token *token, const CK_TOKEN_INFO *info, sc_error *err) {
  if (!(info->flags & CKF_LOGIN_REQUIRED))
    return SC_OK;
  char *pin = OPENSSL_secure_zalloc(PIN_MAX + 2);
  if (!pin)
    return sc_oom(err);
  size_t len = 0;
  const char *from = NULL;
  int rc = read_pin(token, pin, &len, &from, err);
  CK_RV rv = rc == SC_OK ? token->module->C_Login(token->session, CKU_USER, (CK_UTF8CHAR *)pin, len)
                         : CKR_OK;
  OPENSSL_secure_clear_free(pin, PIN_MAX + 2);
  if (rc != SC_OK || rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
    return rc;
  if (rv == CKR_PIN_INCORRECT)
    return sc_fail(err, SC_EPERM, "PKCS#11 token '%s': wrong PIN (from %s)", token->label, from);
  if (rv == CKR_PIN_LOCKED)
    return sc_fail(err, SC_EPERM, "PKCS#11 token '%s': the PIN is locked (too many wrong tries)",
                   token->label);
  return p11_fail(err, SC_EPERM, token, "cannot log in", rv);
}

static int open_session(p11_token *token, sc_error *err) {
  CK_RV rv = token->module->C_OpenSession(token->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
                                          NULL, &token->session);
  if (rv == CKR_TOKEN_WRITE_PROTECTED) /* signing needs no write access */
    rv = token->module->C_OpenSession(token->slot, CKF_SERIAL_SESSION, NULL, NULL, &token->session);
  if (rv != CKR_OK) {
    token->session = CK_INVALID_HANDLE;
    return p11_fail(err, SC_EIO, token, "cannot open a session", rv);
  }
  return SC_OK;
}

int p11_token_open(const char *uri, p11_token *token, sc_error *err) {
  sc_secrets_protect();
  memset(token, 0, sizeof *token);
  token->session = CK_INVALID_HANDLE;
  CK_TOKEN_INFO info;
  int rc = parse_uri(uri, token, err);
  if (rc == SC_OK)
    rc = load_modules(token, err);
  if (rc == SC_OK)
    rc = find_token(token, &info, err);
  if (rc == SC_OK)
    rc = open_session(token, err);
  if (rc == SC_OK)
    rc = login(token, &info, err);
  if (rc != SC_OK)
    p11_token_close(token);
  return rc;
}

void p11_token_close(p11_token *token) {
  if (token->module && token->session != CK_INVALID_HANDLE)
    token->module->C_CloseSession(token->session);
  token->session = CK_INVALID_HANDLE;
  if (token->loaded && token->loaded_one) {
    p11_kit_module_finalize(token->loaded[0]);
    p11_kit_module_release(token->loaded[0]);
    free(token->loaded);
  } else if (token->loaded) {
    p11_kit_modules_finalize_and_release(token->loaded);
  }
  token->loaded = NULL;
  token->module = NULL;
  if (token->uri)
    p11_kit_uri_free(token->uri);
  token->uri = NULL;
}
