/* Turning roster rows into jobs, and deciding what an earlier run left to do. */
#include "issuer/batch_internal.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *copy(const char *s) {
  return s && *s ? strdup(s) : NULL;
}

sc_job *sc_job_new_issue(sc_batch *b, const sc_roster_row *row, const json_t *achievement) {
  sc_job *job = calloc(1, sizeof *job);
  if (!job)
    return NULL;
  job->kind = SC_JOB_ISSUE;
  job->line = row->line;
  job->name = copy(row->name);
  job->email = copy(row->email);
  job->did = copy(row->did);
  job->valid_until = copy(row->valid_until);
  job->learner_id = copy(row->id);
  job->language = row->language ? sc_lang_match(row->language, 0) : NULL;
  /* Shared, not copied: every credential of the batch links the same achievement, which no
   * thread changes, and jansson counts references atomically (JSON_HAVE_ATOMIC_BUILTINS). */
  job->achievement = json_incref((json_t *)achievement);
  if (!job->name || !job->email || !job->learner_id || !job->achievement ||
      (row->did && *row->did && !job->did) ||
      (row->valid_until && *row->valid_until && !job->valid_until)) {
    sc_job_free(job);
    return NULL;
  }
  job->req = (sc_issue_request){
      .recipient = {.name = job->name, .email = job->email, .did = job->did},
      .achievement = job->achievement,
      .valid_until = job->valid_until,
      .now = b->opts->now,
      .learner_id = job->learner_id,
      .language = job->language,
      .issuer = b->issuer,
  };
  return job;
}

void sc_job_free(sc_job *job) {
  if (!job)
    return;
  free(job->name);
  free(job->email);
  free(job->did);
  free(job->valid_until);
  free(job->learner_id);
  free(job->existing);
  json_decref(job->achievement);
  sc_prepared_free(&job->prepared);
  free(job);
}

/* A row's own achievement file: the reader made it an absolute path inside the home
 * (sc_achievement_locate); a relative one would be relative to the roster's folder. */
static int resolve_path(const sc_batch *b, const char *file, char *out, size_t size) {
  if (file[0] == '/')
    return sc_path_format(out, size, SC_EUSAGE, NULL, "%s", file);
  char roster[PATH_MAX];
  if (sc_path_format(roster, sizeof roster, SC_EUSAGE, NULL, "%s", b->opts->roster_path) != SC_OK)
    return SC_EUSAGE;
  return sc_path_format(out, size, SC_EUSAGE, NULL, "%s/%s", dirname(roster), file);
}

/* What every credential of the batch with this achievement embeds: the achievement with the
 * template's badge as its image, made once (not copied per credential), and declared shared so
 * that eddsa-rdfc-2022's JSON-LD expansion of it is done once too (sc_jsonld_share). */
static int cache_achievement(sc_batch *b, sc_achievement_cache *entry, json_t *loaded) {
  entry->achievement = sc_achievement_with_image(b->ctx->home, b->ctx->tpl, loaded, &b->err);
  json_decref(loaded);
  if (!entry->achievement) {
    free(entry->path);
    free(entry);
    return SC_ESOFTWARE; /* out of memory, err set */
  }
  sc_jsonld_share(entry->achievement);
  entry->next = b->achievements;
  b->achievements = entry;
  /* A first run of a roster (the usual case) then skips a query per row. Shared registries
   * (PostgreSQL) have other issuers: every row is looked up there. */
  const char *iri = json_string_value(json_object_get(entry->achievement, "id"));
  bool any = true;
  if (iri && !sc_registry_is_shared(b->reg) &&
      sc_registry_achievement_issued(b->reg, iri, &any, &b->err) != SC_OK)
    return b->err.code;
  entry->none_issued = !any;
  return SC_OK;
}

int sc_batch_achievement(sc_batch *b, const sc_roster_row *row, const sc_achievement_cache **found) {
  char path[PATH_MAX] = ""; /* "": the template's own achievement */
  bool own = row->achievement && *row->achievement;
  if (own && resolve_path(b, row->achievement, path, sizeof path) != SC_OK)
    return sc_fail(&b->err, SC_EUSAGE, "%s:%zu: achievement: path too long", b->opts->roster_path,
                   row->line);
  for (sc_achievement_cache *c = b->achievements; c; c = c->next) {
    if (strcmp(c->path, path) == 0) {
      *found = c;
      return SC_OK;
    }
  }
  sc_achievement_cache *entry = calloc(1, sizeof *entry);
  if (!entry || !(entry->path = strdup(path))) {
    free(entry);
    return sc_oom(&b->err);
  }
  json_t *loaded = own ? NULL : json_incref((json_t *)sc_template_achievement(b->ctx->tpl));
  if (own && sc_achievement_load(path, &loaded, &b->err) != SC_OK) {
    free(entry->path);
    free(entry);
    return sc_error_prefix(&b->err, "%s:%zu", b->opts->roster_path, row->line);
  }
  int rc = cache_achievement(b, entry, loaded);
  if (rc == SC_OK)
    *found = b->achievements;
  return rc;
}

static bool file_matches(const char *path, const char *sha256_hex) {
  sc_buf data = {0};
  bool same = false;
  if (path && sha256_hex && sc_read_file(path, SC_JSON_MAX_BYTES, &data, NULL) == SC_OK) {
    char hex[SC_SHA256_HEX_SIZE];
    same = sc_sha256_hex(data.data, data.len, hex) == SC_OK && strcmp(hex, sha256_hex) == 0;
  }
  sc_buf_free(&data);
  return same;
}

/* A PDF ends with %%EOF (and perhaps an end of line): one cut short by a full disk or a copy
 * that stopped does not. Reading the last bytes is enough to tell, and cheap for a re-run
 * that checks every file of a large roster. */
static bool pdf_looks_whole(const char *path) {
  int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  if (fd < 0)
    return false;
  struct stat st;
  char tail[32] = {0};
  bool whole = false;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)sizeof tail) {
    ssize_t n = pread(fd, tail, sizeof tail - 1, st.st_size - (off_t)(sizeof tail - 1));
    whole = n == (ssize_t)(sizeof tail - 1) && strstr(tail, "%%EOF") != NULL;
  }
  close(fd);
  return whole;
}

static const char *row_string(const json_t *row, const char *key) {
  return json_string_value(json_object_get(row, key));
}

/* The QR text of an earlier run's certificate, for the manifest: the registry keeps only the
 * credential, from which the text is made again exactly as when it was issued. NULL when the
 * credential has no certificate. */
static int rebuilt_qr_text(sc_batch *b, const char *id, const char *pdf, char **text) {
  *text = NULL;
  if (!pdf || !*pdf)
    return SC_OK;
  /* The mode and printed size of this run, which a re-run of the roster shares. */
  sc_qr_mode mode = sc_qr_mode_resolve(b->ctx->qr_mode, b->ctx->tpl, b->ctx->home);
  return sc_qr_text_of_stored(b->reg, id, b->ctx->home->verify_url, mode,
                              sc_template_qr_size(b->ctx->tpl), text, &b->err);
}

/* public/c/<uuid>.json holds the credential's bytes, like out/: a chunk's commit renames it
 * into place after out/<uuid>.json, so a crash between the two leaves out/ whole and this
 * one missing. */
static bool linked_matches(const sc_batch *b, const char *id, const char *sha256_hex) {
  const char *uuid = sc_uuid_of_urn(id);
  if (!uuid)
    return true; /* not published under /C/ (issuing names every credential urn:uuid:) */
  char name[64], path[PATH_MAX];
  snprintf(name, sizeof name, "%s.json", uuid);
  return sc_home_path(b->ctx->home, "public/c", name, path, sizeof path, NULL) == SC_OK &&
         file_matches(path, sha256_hex);
}

/* Issued by an earlier run: intact files are left alone, missing or damaged ones rewritten
 * from the credential the registry holds. */
int sc_batch_existing(sc_batch *b, const sc_roster_row *row, const json_t *existing) {
  const char *id = row_string(existing, "id");
  const char *pdf = row_string(existing, "pdf_path");
  const char *sha256 = row_string(existing, "sha256");
  bool intact = file_matches(row_string(existing, "json_path"), sha256) &&
                linked_matches(b, id, sha256) &&
                (!sc_issue_makes_pdf(b->ctx) || pdf_looks_whole(pdf));
  if (intact) {
    b->progress.done++;
    b->progress.skipped++;
    char *qr_text = NULL;
    int rc = rebuilt_qr_text(b, id, pdf, &qr_text);
    if (rc == SC_OK)
      rc = sc_manifest_add(b, row->name, row->email, id, row_string(existing, "json_path"),
                           pdf ? pdf : "", qr_text);
    free(qr_text);
    return rc;
  }
  sc_job *job = calloc(1, sizeof *job);
  if (!job || !(job->name = strdup(row->name)) || !(job->email = strdup(row->email))) {
    sc_job_free(job);
    return sc_oom(&b->err);
  }
  if (!(job->existing = sc_registry_credential_text(b->reg, id, &b->err))) {
    sc_job_free(job);
    return b->err.code; /* NULL comes with err set */
  }
  job->kind = SC_JOB_REPAIR;
  job->line = row->line;
  job->language = sc_lang_match(row_string(existing, "language"), 0);
  b->in_flight++;
  sc_queue_push(&b->todo, job);
  return SC_OK;
}

int sc_batch_job_failed(sc_batch *b, sc_job *job) {
  if (job->kind == SC_JOB_ISSUE)
    sc_registry_release_index(b->reg, job->req.status_list, job->req.status_index);
  b->err = job->err;
  int rc = sc_error_prefix(&b->err, "%s:%zu", b->opts->roster_path, job->line);
  sc_job_free(job);
  return rc ? rc : SC_ESOFTWARE;
}

/* The issuer Profile, like the achievement, is one object every credential of the batch
 * embeds, and its JSON-LD expansion is done once (sc_jsonld_share). */
int sc_batch_share_issuer(sc_batch *b) {
  b->issuer = sc_credential_issuer(b->ctx->home);
  if (!b->issuer)
    return sc_oom(&b->err);
  sc_jsonld_share(b->issuer);
  return SC_OK;
}

void sc_batch_release(sc_batch *b) {
  sc_jsonld_shapes_free(b->shapes); /* the workers have stopped */
  b->shapes = NULL;
  /* After an error, signed jobs may wait in a chunk that was never recorded. */
  for (size_t i = 0; i < b->chunk_len; i++)
    sc_job_free(b->chunk[i]);
  b->chunk_len = 0;
  while (b->achievements) {
    sc_achievement_cache *next = b->achievements->next;
    sc_jsonld_unshare(b->achievements->achievement);
    json_decref(b->achievements->achievement);
    free(b->achievements->path);
    free(b->achievements);
    b->achievements = next;
  }
  if (b->issuer) {
    sc_jsonld_unshare(b->issuer);
    json_decref(b->issuer);
    b->issuer = NULL;
  }
  if (b->reg != b->opts->registry)
    sc_registry_close(b->reg);
  b->reg = NULL;
}
