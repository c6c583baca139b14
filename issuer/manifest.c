/* out/manifest.csv: one row per learner of the last batch, for a mail merge. */
#include "issuer/batch_internal.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sc_manifest_open(sc_batch *b) {
  if (b->opts->shared_output)
    return SC_OK;
  int rc = b->opts->manifest ? sc_path_format(b->manifest_path, sizeof b->manifest_path,
                                              SC_ECANTCREAT, &b->err, "%s", b->opts->manifest)
                              : sc_path_format(b->manifest_path, sizeof b->manifest_path,
                                              SC_ECANTCREAT, &b->err, "%s/out/manifest.csv",
                                              b->ctx->home->root);
  if (rc != SC_OK)
    return rc;
  snprintf(b->manifest_tmp, sizeof b->manifest_tmp, "%s.partial", b->manifest_path);
  b->manifest = fopen(b->manifest_tmp, "w");
  if (!b->manifest)
    return sc_fail(&b->err, SC_ECANTCREAT, "%s: cannot create: %s", b->manifest_tmp,
                   strerror(errno));
  fputs("id,name,email,json,pdf,qr_url\r\n", b->manifest);
  return SC_OK;
}

/* RFC 4180 fields, quoted by libcsv when they need it. */
static void put_field(FILE *out, const char *value, bool last) {
  value = value ? value : "";
  if (strpbrk(value, ",\"\r\n"))
    csv_fwrite(out, value, strlen(value));
  else
    fputs(value, out);
  fputs(last ? "\r\n" : ",", out);
}

static int manifest_row(sc_batch *b, const char *name, const char *email, const char *id,
                        const char *json_path, const char *pdf_path, const char *qr_text);

int sc_manifest_add(sc_batch *b, const char *name, const char *email, const char *id,
                    const char *json_path, const char *pdf_path, const char *qr_text) {
  return b->manifest ? manifest_row(b, name, email, id, json_path, pdf_path, qr_text) : SC_OK;
}

static int manifest_row(sc_batch *b, const char *name, const char *email, const char *id,
                    const char *json_path, const char *pdf_path, const char *qr_text) {
  const char *fields[] = {id, name, email, json_path, pdf_path, qr_text};
  size_t n = sizeof fields / sizeof *fields;
  for (size_t i = 0; i < n; i++)
    put_field(b->manifest, fields[i], i + 1 == n);
  /* stdio wrote (and failed) while buffering: errno still holds why */
  return ferror(b->manifest)
             ? sc_fail(&b->err, SC_EIO, "%s: cannot write: %s", b->manifest_tmp, strerror(errno))
             : SC_OK;
}

int sc_manifest_close(sc_batch *b) {
  if (!b->manifest)
    return SC_OK;
  bool ok = fflush(b->manifest) == 0 && fsync(fileno(b->manifest)) == 0;
  int why = errno;
  if (fclose(b->manifest) != 0 && ok) {
    ok = false;
    why = errno;
  }
  b->manifest = NULL;
  if (ok && rename(b->manifest_tmp, b->manifest_path) != 0) {
    ok = false;
    why = errno;
  }
  if (!ok) {
    unlink(b->manifest_tmp);
    return sc_fail(&b->err, SC_EIO, "%s: cannot write: %s", b->manifest_path, strerror(why));
  }
  return SC_OK;
}

void sc_manifest_abort(sc_batch *b) {
  if (b->manifest) {
    fclose(b->manifest);
    b->manifest = NULL;
    unlink(b->manifest_tmp);
  }
}
