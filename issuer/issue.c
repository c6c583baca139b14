/* Issuing one credential: build, sign, write. */
#include "issuer/issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Credentials are stored indented for people; verifiers re-canonicalize, so the layout does
 * not matter to the signature. Reals keep 17 digits, which round-trips every double. */
static int write_credential(const char *path, const json_t *credential, sc_error *err) {
  char *text = json_dumps(credential, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
  if (!text)
    return sc_oom(err);
  sc_buf out = {0};
  int rc = sc_buf_append_str(&out, text) && sc_buf_append_byte(&out, '\n')
               ? sc_write_file_atomic(path, out.data, out.len, 0644, err)
               : sc_oom(err);
  free(text);
  sc_buf_free(&out);
  return rc;
}

static int sign_credential(const sc_home *home, EVP_PKEY *key, json_t *credential, sc_error *err) {
  char *vm = sc_did_key_verification_method(home->key_did);
  if (!vm)
    return sc_oom(err);
  char created[21];
  json_t *from = json_object_get(credential, "validFrom");
  snprintf(created, sizeof created, "%s", json_string_value(from));
  sc_proof_options opts = {.verification_method = vm, .created = created};
  int rc = sc_di_sign(credential, key, &opts, NULL, err);
  free(vm);
  return rc;
}

int sc_issue_one(const sc_home *home, EVP_PKEY *key, const sc_issue_request *req, char *path_out,
                 sc_error *err) {
  json_t *credential = sc_credential_build(home, req, err);
  if (!credential)
    return err ? err->code : SC_ESOFTWARE;
  int rc = sign_credential(home, key, credential, err);
  const char *id = json_string_value(json_object_get(credential, "id"));
  if (rc == SC_OK) {
    char name[64];
    snprintf(name, sizeof name, "%s.json", id + strlen("urn:uuid:"));
    rc = sc_home_path(home, "out", name, path_out, err);
  }
  if (rc == SC_OK)
    rc = write_credential(path_out, credential, err);
  json_decref(credential);
  return rc;
}
