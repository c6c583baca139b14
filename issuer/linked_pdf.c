/* The certificate PDF that `mail --pdf link` publishes at <home>/public/pdf/<uuid>.pdf, and its
 * withdrawal when the credential is revoked or suspended (docs/mail.md). */
#include "issuer/issuer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int sc_linked_pdf_path(const sc_home *home, const char *id, char *out, size_t size, sc_error *err) {
  char name[64];
  const char *uuid = strncmp(id, "urn:uuid:", 9) == 0 ? id + 9 : id;
  if ((size_t)snprintf(name, sizeof name, "pdf/%s.pdf", uuid) >= sizeof name)
    return sc_fail(err, SC_EDATA, "%s: not a credential id (urn:uuid:…)", id);
  return sc_home_path(home, "public", name, out, size, err);
}

int sc_linked_pdf_withdraw(const sc_home *home, const char *id, bool *removed, sc_error *err) {
  char path[PATH_MAX];
  *removed = false;
  int rc = sc_linked_pdf_path(home, id, path, sizeof path, err);
  if (rc != SC_OK)
    return rc;
  if (unlink(path) == 0)
    *removed = true;
  else if (errno != ENOENT) /* never linked, or withdrawn already */
    return sc_fail(err, SC_EIO, "%s: cannot remove: %s", path, strerror(errno));
  return SC_OK;
}
