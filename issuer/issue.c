/* Issuing: build and sign in memory, record in the registry, then write the files.
 *
 * The registry is the source of truth and the files in out/ are derived from it: a credential
 * is recorded (with its exact bytes) before its files are written, so a crash between the two
 * leaves a row whose files the next run rewrites, never a file nobody knows about. */
#include "issuer/issuer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Credentials are stored indented for people; verifiers re-canonicalize, so the layout does
 * not matter to the signature. Reals keep 17 digits, which round-trips every double: the text
 * of json_dumps(JSON_INDENT(2) | JSON_REAL_PRECISION(17)), written without its detours
 * (core/json_indent.c). A credential with both proofs is ≈ 3.3 KB: room for it (a 4 KB buffer)
 * is reserved at once instead of doubling from 64 bytes. */
#define CREDENTIAL_TEXT_HINT 3500

static int serialize(const json_t *credential, sc_buf *out, sc_error *err) {
  int rc = sc_json_append_indented(credential, CREDENTIAL_TEXT_HINT, out, err);
  return rc != SC_OK ? rc : sc_buf_append_byte(out, '\n') ? SC_OK : sc_oom(err);
}

static int sign_credential(const sc_issue_context *ctx, json_t *credential, sc_error *err) {
  sc_home_proof_set proofs;
  int rc = sc_home_proofs(ctx->home, &proofs, err);
  const char *created = json_string_value(json_object_get(credential, "validFrom"));
  if (rc == SC_OK && ctx->signer)
    return sc_issue_sign_with(ctx->home, ctx->signer, ctx->shapes, credential, proofs, created,
                              err);
  return rc ? rc : sc_issue_sign(ctx->home, ctx->key, credential, proofs, created, err);
}

/* <home>/out/<uuid>.<extension>, allocated to its length. */
static int out_file(const sc_issue_context *ctx, const char *uuid, const char *extension,
                    char **out, sc_error *err) {
  char name[64], path[PATH_MAX];
  snprintf(name, sizeof name, "%s.%s", uuid, extension);
  int rc = sc_home_path(ctx->home, "out", name, path, sizeof path, err);
  return rc == SC_OK && !(*out = strdup(path)) ? sc_oom(err) : rc;
}

static int name_files(const sc_issue_context *ctx, sc_prepared *p, sc_error *err) {
  const char *id = json_string_value(json_object_get(p->credential, "id"));
  if (!id || strncmp(id, "urn:uuid:", 9) != 0 || strlen(id + 9) != 36 || strchr(id + 9, '/'))
    return sc_fail(err, SC_EDATA, "credential id: expected urn:uuid:<UUID>");
  snprintf(p->id, sizeof p->id, "%s", id);
  snprintf(p->uuid, sizeof p->uuid, "%s", id + 9);
  int rc = out_file(ctx, p->uuid, "json", &p->json_path, err);
  return rc == SC_OK && sc_issue_makes_pdf(ctx) ? out_file(ctx, p->uuid, "pdf", &p->pdf_path, err)
                                                : rc;
}

bool sc_issue_makes_pdf(const sc_issue_context *ctx) {
  return ctx->tpl && !ctx->no_pdf;
}

/* The QR code and the certificate, for a credential already signed and serialized. */
static int render(const sc_issue_context *ctx, sc_prepared *p, const char *language,
                  sc_error *err) {
  if (!sc_issue_makes_pdf(ctx))
    return SC_OK;
  sc_qr_mode mode = sc_qr_mode_resolve(ctx->qr_mode, ctx->tpl, ctx->home);
  int rc = sc_qr_text_for(p->credential, ctx->home->verify_url, mode,
                          sc_template_qr_size(ctx->tpl), &p->qr_text, &p->link_mode, &p->qr, err);
  if (rc != SC_OK)
    return rc;
  sc_certificate cert = {.credential = p->credential,
                         .credential_json = (const char *)p->json.data,
                         .credential_json_len = p->json.len,
                         .qr_text = p->qr_text,
                         .qr = &p->qr,
                         .verify_url = ctx->home->verify_url,
                         .language = language};
  return sc_pdf_render(ctx->renderer, ctx->tpl, &cert, &p->pdf, err);
}

static const char *subject_string(const json_t *credential, const char *type) {
  size_t i;
  json_t *identity;
  const json_t *subject = json_object_get(credential, "credentialSubject");
  json_array_foreach(json_object_get(subject, "identifier"), i, identity) {
    const char *kind = json_string_value(json_object_get(identity, "identityType"));
    if (kind && strcmp(kind, type) == 0)
      return json_string_value(json_object_get(identity, "identityHash"));
  }
  return NULL;
}

static char *copy_of(const char *text, bool *ok) {
  char *copy = text ? strdup(text) : NULL;
  *ok = *ok && (!text || copy);
  return copy;
}

/* The fields sc_issue_record stores, copied while the tree is at hand (sc_prepared). */
static int copy_record_fields(sc_prepared *p, sc_error *err) {
  const json_t *subject = json_object_get(p->credential, "credentialSubject");
  bool ok = true;
  p->achievement_id = copy_of(
      json_string_value(json_object_get(json_object_get(subject, "achievement"), "id")), &ok);
  p->recipient_name = copy_of(subject_string(p->credential, "name"), &ok);
  p->email_hash = copy_of(subject_string(p->credential, "emailAddress"), &ok);
  p->issued_at = copy_of(json_string_value(json_object_get(p->credential, "validFrom")), &ok);
  p->valid_until = copy_of(json_string_value(json_object_get(p->credential, "validUntil")), &ok);
  return ok ? SC_OK : sc_oom(err);
}

/* What a signed credential's bytes lead to, new or from the registry: file names, the QR code
 * and the certificate. */
static int finish(const sc_issue_context *ctx, sc_prepared *p, const char *language, int rc,
                  sc_error *err) {
  if (rc == SC_OK)
    rc = name_files(ctx, p, err);
  if (rc == SC_OK)
    rc = render(ctx, p, language, err);
  if (rc != SC_OK)
    sc_prepared_free(p);
  return rc;
}

int sc_issue_prepare(const sc_issue_context *ctx, const sc_issue_request *req, sc_prepared *p,
                     sc_error *err) {
  memset(p, 0, sizeof *p);
  p->credential = sc_credential_build(ctx->home, req, err);
  if (!p->credential)
    return err ? err->code : SC_ESOFTWARE; /* NULL comes with err set */
  int rc = req->status_list > 0 ? sc_credential_add_status(ctx->home, req->status_list,
                                                           req->status_index, p->credential, err)
                                : SC_OK;
  if (rc == SC_OK && ctx->tpl)
    rc = sc_add_badge_image(ctx->home, ctx->tpl, p->credential, err);
  if (rc == SC_OK)
    rc = sign_credential(ctx, p->credential, err);
  if (rc == SC_OK)
    rc = serialize(p->credential, &p->json, err);
  if (rc == SC_OK) /* a new credential is recorded; one from the registry only rewritten */
    rc = copy_record_fields(p, err);
  return finish(ctx, p, req->language, rc, err);
}

int sc_issue_prepare_existing(const sc_issue_context *ctx, const char *json, size_t len,
                              const char *language, sc_prepared *p, sc_error *err) {
  memset(p, 0, sizeof *p);
  int rc = sc_json_parse(json, len, "credential", &p->credential, err);
  if (rc == SC_OK && !sc_buf_append(&p->json, json, len))
    rc = sc_oom(err);
  return finish(ctx, p, language, rc, err);
}

int sc_issue_record(sc_registry *reg, const sc_issue_context *ctx, const sc_issue_request *req,
                    const sc_prepared *p, sc_error *err) {
  sc_issued_record rec = {
      .id = p->id,
      .learner_id = req->learner_id,
      .achievement_id = p->achievement_id,
      .recipient_name = p->recipient_name,
      .email_hash = p->email_hash,
      .status_list = req->status_list,
      .status_index = req->status_index,
      .issued_at = p->issued_at,
      .valid_until = p->valid_until,
      .template_name = ctx->tpl ? sc_template_name(ctx->tpl) : NULL,
      .language = req->language,
      .json_path = p->json_path,
      .pdf_path = sc_issue_makes_pdf(ctx) ? p->pdf_path : NULL,
      .qr_text = p->qr_text,
      .credential_json = (const char *)p->json.data,
  };
  if (!rec.achievement_id || !rec.recipient_name || !rec.email_hash || !rec.issued_at)
    return sc_fail(err, SC_ESOFTWARE, "%s: credential lacks the fields the registry records",
                   p->id);
  return sc_registry_insert(reg, &rec, err);
}

/* Every credential is published as public/c/<uuid>.json: a link-mode QR code points there,
 * and every certificate prints <verify-url>/C/<uuid> under its QR code for when a scan fails
 * (docs/design.md "The QR code"). Staged with the credential's own files, under the home's
 * issue lock, so no directory is scanned and no index kept to find it. */
static int make_linked_folder(const sc_issue_context *ctx, sc_error *err) {
  char dir[PATH_MAX];
  int rc = sc_path_format(dir, sizeof dir, SC_ECANTCREAT, err, "%s/public/c", ctx->home->root);
  if (rc == SC_OK && mkdir(dir, 0755) != 0 && errno != EEXIST)
    rc = sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", dir, strerror(errno));
  return rc;
}

static int stage_linked(const sc_issue_context *ctx, const sc_prepared *p, sc_file_group *files,
                        sc_error *err) {
  /* public/c is made by the group's first credential (out/<uuid>.json is its only file so
   * far), not asked for again by each of a chunk's 128. */
  int rc = files->count == 1 ? make_linked_folder(ctx, err) : SC_OK;
  if (rc != SC_OK)
    return rc;
  char name[64], path[PATH_MAX];
  snprintf(name, sizeof name, "%s.json", p->uuid);
  rc = sc_home_path(ctx->home, "public/c", name, path, sizeof path, err);
  /* The same bytes as out/<uuid>.json, staged just before: a hard link to it. */
  return rc == SC_OK ? sc_file_group_add_same(files, path, p->json.data, p->json.len, 0644, err)
                     : rc;
}

int sc_issue_stage(const sc_issue_context *ctx, const sc_prepared *p, sc_file_group *files,
                   sc_error *err) {
  int rc = sc_file_group_add(files, p->json_path, p->json.data, p->json.len, 0644, err);
  if (rc == SC_OK)
    rc = stage_linked(ctx, p, files, err);
  if (rc == SC_OK && sc_issue_makes_pdf(ctx))
    rc = sc_file_group_add(files, p->pdf_path, p->pdf.data, p->pdf.len, 0644, err);
  return rc;
}

int sc_issue_write(const sc_issue_context *ctx, const sc_prepared *p, sc_error *err) {
  sc_file_group files = {0};
  int rc = sc_issue_stage(ctx, p, &files, err);
  if (rc != SC_OK) {
    sc_file_group_abort(&files);
    return rc;
  }
  return sc_file_group_commit(&files, err);
}

void sc_prepared_free(sc_prepared *p) {
  json_decref(p->credential);
  p->credential = NULL;
  free(p->achievement_id);
  free(p->recipient_name);
  free(p->email_hash);
  free(p->issued_at);
  free(p->valid_until);
  p->achievement_id = p->recipient_name = p->email_hash = p->issued_at = p->valid_until = NULL;
  free(p->json_path);
  free(p->pdf_path);
  p->json_path = p->pdf_path = NULL;
  sc_buf_free(&p->json);
  sc_buf_free(&p->pdf);
  free(p->qr_text);
  p->qr_text = NULL;
  sc_qr_free(&p->qr);
}

int sc_home_lock(const sc_home *home, int *fd, sc_error *err) {
  char path[PATH_MAX];
  *fd = -1;
  int rc = sc_path_format(path, sizeof path, SC_ECANTCREAT, err, "%s/.issue.lock", home->root);
  if (rc != SC_OK)
    return rc;
  *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (*fd < 0)
    return sc_fail(err, SC_ECANTCREAT, "%s: %s", path, strerror(errno));
  struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  if (fcntl(*fd, F_SETLK, &whole) == 0) /* released when the descriptor closes */
    return SC_OK;
  close(*fd);
  *fd = -1;
  return sc_fail(err, SC_EIO, "%s: another skillcert command is issuing in this home; wait for it",
                 home->root);
}

void sc_home_unlock(int fd) {
  if (fd >= 0)
    close(fd);
}
