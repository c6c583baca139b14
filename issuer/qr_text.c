/* What a certificate's QR code says: the whole signed credential (embedded mode) or a link to
 * the issuer's published copy, as --qr / the template / the home ask; auto embeds only when
 * the code's printed modules stay large enough to scan as reliably as a link-mode code
 * (docs/qr-payload.md "Choosing the mode", measured in docs/qr-scanning.md). */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define URN_UUID "urn:uuid:"
#define QR_QUIET_MODULES 4 /* as drawn by pdf_render.c */

int sc_qr_mode_parse(const char *text, sc_qr_mode *mode) {
  static const struct {
    const char *name;
    sc_qr_mode mode;
  } names[] = {{"auto", SC_QR_MODE_AUTO}, {"embed", SC_QR_MODE_EMBED}, {"link", SC_QR_MODE_LINK}};
  for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(text, names[i].name) == 0) {
      *mode = names[i].mode;
      return SC_OK;
    }
  }
  return SC_EDATA;
}

const char *sc_qr_mode_name(sc_qr_mode mode) {
  switch (mode) {
  case SC_QR_MODE_EMBED:
    return "embed";
  case SC_QR_MODE_LINK:
    return "link";
  default:
    return "auto";
  }
}

int sc_qr_auto_max_version(float size_mm) {
  int best = 0;
  for (int version = 1; version <= SC_QR_MAX_VERSION; version++) {
    int modules = 17 + 4 * version + 2 * QR_QUIET_MODULES;
    if (size_mm / (float)modules >= SC_QR_EMBED_MIN_MODULE_MM)
      best = version;
  }
  return best;
}

sc_qr_mode sc_qr_mode_resolve(sc_qr_mode cli, const sc_template *tpl, const sc_home *home) {
  if (cli != SC_QR_MODE_UNSET)
    return cli;
  if (tpl && sc_template_qr_mode(tpl) != SC_QR_MODE_UNSET)
    return sc_template_qr_mode(tpl);
  if (home && home->qr_mode != SC_QR_MODE_UNSET)
    return home->qr_mode;
  return SC_QR_MODE_AUTO;
}

/* The UUID of the credential's "id" (urn:uuid:…), which link mode serves it under. */
static const char *credential_uuid(const json_t *credential, sc_error *err) {
  const char *id = json_string_value(json_object_get(credential, "id"));
  if (!id || strncmp(id, URN_UUID, strlen(URN_UUID)) != 0) {
    sc_fail(err, SC_EDATA, "credential id: expected \"urn:uuid:<UUID>\" for a link-mode QR code");
    return NULL;
  }
  return id + strlen(URN_UUID);
}

/* SC_OK when text fits max_version, SC_EDATA when it needs a larger QR code, else the error.
 * The code made to find out is handed to the caller (qr) instead of being made twice. */
static int fits_qr_code(const char *text, int max_version, sc_qr_code *qr, sc_error *err) {
  sc_qr_code made;
  memset(&made, 0, sizeof made);
  int rc = max_version < 1 ? sc_fail(err, SC_EDATA, "QR code: no version is small enough")
                           : sc_qr_make(text, max_version, &made, err);
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

static int link_text(const json_t *credential, const char *verify_url, char **text,
                     bool *link_mode, sc_qr_code *qr, sc_error *err) {
  sc_error local = {0};
  const char *uuid = credential_uuid(credential, err);
  if (!uuid)
    return SC_EDATA;
  *text = sc_qr_link_encode(verify_url, uuid, &local);
  if (!*text)
    return pass_on(err, &local);
  *link_mode = true;
  return qr ? fits_qr_code(*text, SC_QR_MAX_VERSION, qr, err) : SC_OK;
}

int sc_qr_text_for(const json_t *credential, const char *verify_url, sc_qr_mode mode,
                   float size_mm, char **text, bool *link_mode, sc_qr_code *qr, sc_error *err) {
  *text = NULL;
  *link_mode = false;
  if (mode == SC_QR_MODE_LINK)
    return link_text(credential, verify_url, text, link_mode, qr, err);
  sc_error local = {0};
  char *embedded = sc_qr_payload_encode(credential, verify_url, &local);
  if (!embedded)
    return pass_on(err, &local);
  int max_version = mode == SC_QR_MODE_EMBED ? SC_QR_MAX_VERSION : sc_qr_auto_max_version(size_mm);
  sc_error fit_err = {0};
  int rc = fits_qr_code(embedded, max_version, qr, &fit_err);
  if (rc == SC_OK) {
    *text = embedded;
    return SC_OK;
  }
  free(embedded);
  if (rc != SC_EDATA) /* not "too large": a real failure */
    return sc_fail(err, rc, "QR code: %s", fit_err.message);
  if (mode == SC_QR_MODE_EMBED)
    return sc_fail(err, SC_EDATA,
                   "QR code (--qr embed): the credential does not fit any QR code (%s); use "
                   "--qr auto or --qr link",
                   fit_err.message);
  return link_text(credential, verify_url, text, link_mode, qr, err);
}

int sc_qr_text_of_stored(sc_registry *reg, const char *id, const char *verify_url,
                         sc_qr_mode mode, float size_mm, char **text, sc_error *err) {
  *text = NULL;
  char *stored = sc_registry_credential_text(reg, id, err);
  if (!stored)
    return err->code; /* NULL comes with err set */
  json_t *credential = json_loads(stored, 0, NULL);
  free(stored);
  if (!credential)
    return sc_fail(err, SC_EDATA, "%s: the stored credential is not JSON", id);
  bool link_mode = false;
  int rc = sc_qr_text_for(credential, verify_url, mode, size_mm, text, &link_mode, NULL, err);
  json_decref(credential);
  return rc;
}
