/* public/c/<uuid>.json for credentials issued before issuing wrote one for every credential
 * (only link-mode ones had it): `skillcert publish` writes the missing ones from the registry,
 * so the /C/<uuid> address printed under a re-rendered certificate's QR code is found. */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct backfill {
  const sc_home *home;
  sc_registry *reg;
  size_t written;
  sc_error *err;
} backfill;

static int publish_missing(void *ctx, const json_t *row) {
  backfill *b = ctx;
  const char *id = json_string_value(json_object_get(row, "id"));
  const char *uuid = sc_uuid_of_urn(id);
  if (!uuid)
    return SC_OK; /* no /C/ address to serve it under */
  char name[64], path[PATH_MAX];
  snprintf(name, sizeof name, "%s.json", uuid);
  int rc = sc_home_path(b->home, "public/c", name, path, sizeof path, b->err);
  if (rc != SC_OK || access(path, F_OK) == 0)
    return rc; /* already published: issuing wrote these exact bytes */
  char *text = sc_registry_credential_text(b->reg, id, b->err);
  if (!text)
    return b->err ? b->err->code : SC_ESOFTWARE;
  rc = sc_mkdir_parent(path, 0755, b->err);
  if (rc == SC_OK)
    rc = sc_write_file_atomic(path, text, strlen(text), 0644, b->err);
  free(text);
  b->written += rc == SC_OK;
  return rc;
}

/* Issuing writes public/c/<uuid>.json for every credential, so once a home has been filled in
 * it stays complete: this marker makes the scan of the whole registry (a million rows for a
 * large provider) happen once, not at every `publish` after a revocation. */
#define BACKFILL_DONE ".public-c-complete"

int sc_publish_credentials(const sc_home *home, sc_registry *reg, size_t *written, sc_error *err) {
  *written = 0;
  char done[PATH_MAX];
  int rc = sc_path_format(done, sizeof done, SC_ECANTCREAT, err, "%s/%s", home->root, BACKFILL_DONE);
  if (rc != SC_OK || access(done, F_OK) == 0)
    return rc;
  backfill b = {home, reg, 0, err};
  sc_registry_filter all = {0};
  rc = sc_registry_each(reg, &all, publish_missing, &b, err);
  *written = b.written;
  if (rc == SC_OK)
    rc = sc_write_file_atomic(done, "", 0, 0644, err);
  return rc;
}
