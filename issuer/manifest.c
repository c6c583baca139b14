/* out/manifest.csv: one row per learner of the last batch, for a mail merge; and the run's
 * record, out/runs/<run id>: the credential ids of its rows, one a line, which
 * `mail --roster-run` mails (docs/mail.md). Only ids: the addresses stay in the roster. */
#include "issuer/batch_internal.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The run's id from its start time, "-2", "-3", … added when a run of the same second exists
 * (one issuing process per home: .issue.lock). */
static int open_run(sc_batch *b) {
  char dir[PATH_MAX];
  int rc = sc_path_format(dir, sizeof dir, SC_ECANTCREAT, &b->err, "%s/out/runs",
                          b->ctx->home->root);
  if (rc == SC_OK)
    rc = sc_mkdir_p(dir, 0700, &b->err);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char stamp[24];
  strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  for (int n = 1; rc == SC_OK; n++) {
    if (n == 1)
      snprintf(b->progress.run_id, sizeof b->progress.run_id, "%s", stamp);
    else
      snprintf(b->progress.run_id, sizeof b->progress.run_id, "%s-%d", stamp, n);
    rc = sc_path_format(b->run_path, sizeof b->run_path, SC_ECANTCREAT, &b->err, "%s/%s", dir,
                        b->progress.run_id);
    snprintf(b->run_tmp, sizeof b->run_tmp, "%s.partial", b->run_path);
    if (rc == SC_OK && access(b->run_path, F_OK) != 0 && access(b->run_tmp, F_OK) != 0)
      break;
  }
  if (rc == SC_OK && !(b->run = fopen(b->run_tmp, "w")))
    rc = sc_fail(&b->err, SC_ECANTCREAT, "%s: cannot create: %s", b->run_tmp, strerror(errno));
  if (rc != SC_OK)
    b->progress.run_id[0] = '\0';
  return rc;
}

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
  return open_run(b);
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
  if (b->run)
    fprintf(b->run, "%s\n", id);
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

/* Flushes, closes and renames tmp to path; false with errno when any step failed. */
static bool finish(FILE *f, const char *tmp, const char *path) {
  bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
  int why = errno;
  if (fclose(f) != 0 && ok) {
    ok = false;
    why = errno;
  }
  if (ok && rename(tmp, path) != 0) {
    ok = false;
    why = errno;
  }
  if (!ok)
    unlink(tmp);
  errno = why;
  return ok;
}

static int close_run(sc_batch *b) {
  FILE *f = b->run;
  b->run = NULL;
  if (f && !finish(f, b->run_tmp, b->run_path)) {
    b->progress.run_id[0] = '\0';
    return sc_fail(&b->err, SC_EIO, "%s: cannot write: %s", b->run_path, strerror(errno));
  }
  return SC_OK;
}

int sc_manifest_close(sc_batch *b) {
  int rc = close_run(b);
  if (rc != SC_OK || !b->manifest)
    return rc;
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
  if (b->run) {
    fclose(b->run);
    b->run = NULL;
    unlink(b->run_tmp);
    b->progress.run_id[0] = '\0';
  }
  if (b->manifest) {
    fclose(b->manifest);
    b->manifest = NULL;
    unlink(b->manifest_tmp);
  }
}
