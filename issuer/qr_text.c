/* What a certificate's QR code says: the whole signed credential when it fits a QR code of
 * version SC_QR_MAX_VERSION at level M, else a link to the issuer's published copy
 * (docs/design.md "The QR code", docs/qr-payload.md). */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>

#define URN_UUID "urn:uuid:"

/* The UUID of the credential's "id" (urn:uuid:…), which link mode serves it under. */
static const char *credential_uuid(const json_t *credential, sc_error *err) {
  const char *id = json_string_value(json_object_get(credential, "id"));
  if (!id || strncmp(id, URN_UUID, strlen(URN_UUID)) != 0) {
    sc_fail(err, SC_EDATA, "credential id: expected \"urn:uuid:<UUID>\" for a link-mode QR code");
    return NULL;
  }
  return id + strlen(URN_UUID);
}

/* SC_OK when text fits, SC_EDATA when it needs a larger QR code, else the error. The code
 * made to find out is handed to the caller (qr) instead of being made twice. */
static int fits_qr_code(const char *text, sc_qr_code *qr, sc_error *err) {
  sc_qr_code made;
  memset(&made, 0, sizeof made);
  int rc = sc_qr_make(text, SC_QR_MAX_VERSION, &made, err);
  if (rc == SC_OK && qr)
    *qr = made;
  else if (rc == SC_OK)
    sc_qr_free(&made);
  return rc;
}

/* The encoders return NULL with the reason in an sc_error that the caller may not have given:
 * they always get a local one, passed on from here. */
static int pass_on(sc_error *err, const sc_error *local) {
  return sc_fail(err, local->code, "%s", local->message);
}

int sc_qr_text_for(const json_t *credential, const char *verify_url, char **text, bool *link_mode,
                   sc_qr_code *qr, sc_error *err) {
  *text = NULL;
  *link_mode = false;
  sc_error local = {0};
  char *embedded = sc_qr_payload_encode(credential, verify_url, &local);
  if (!embedded)
    return pass_on(err, &local);
  sc_error fit_err = {0};
  int rc = fits_qr_code(embedded, qr, &fit_err);
  if (rc == SC_OK) {
    *text = embedded;
    return SC_OK;
  }
  free(embedded);
  if (rc != SC_EDATA) /* not "too large": a real failure */
    return sc_fail(err, rc, "QR code: %s", fit_err.message);
  const char *uuid = credential_uuid(credential, err);
  if (!uuid)
    return SC_EDATA;
  *text = sc_qr_link_encode(verify_url, uuid, &local);
  if (!*text)
    return pass_on(err, &local);
  *link_mode = true;
  return qr ? fits_qr_code(*text, qr, err) : SC_OK;
}
