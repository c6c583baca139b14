/* `skillcert issue --roster FILE --queue`: the validated roster goes into the registry as jobs
 * for `skillcert worker` processes, on this machine or others (docs/registry.md "The queue"). */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#define ROWS_PER_TRANSACTION 500

/* The achievement IRI a row's file names, loaded once per file: the queue's key is the
 * learner and the achievement, as the credentials' is. */
typedef struct iri_cache {
  char *path;
  char *iri;
  struct iri_cache *next;
} iri_cache;

static int row_achievement(iri_cache **cache, const sc_issue_context *ctx, const sc_roster_row *row,
                           const char **iri, sc_error *err) {
  if (!row->achievement || !*row->achievement) {
    *iri = json_string_value(json_object_get(sc_template_achievement(ctx->tpl), "id"));
    return SC_OK;
  }
  for (iri_cache *c = *cache; c; c = c->next)
    if (strcmp(c->path, row->achievement) == 0) {
      *iri = c->iri;
      return SC_OK;
    }
  json_t *achievement = NULL;
  int rc = sc_achievement_load(row->achievement, &achievement, err);
  if (rc != SC_OK)
    return rc;
  iri_cache *entry = calloc(1, sizeof *entry);
  const char *id = json_string_value(json_object_get(achievement, "id"));
  if (entry && id && (entry->path = strdup(row->achievement)) && (entry->iri = strdup(id))) {
    entry->next = *cache;
    *cache = entry;
    *iri = entry->iri;
  } else if (entry) {
    free(entry->path);
    free(entry);
    rc = sc_oom(err);
  } else {
    rc = sc_oom(err);
  }
  json_decref(achievement);
  return rc;
}

static void free_cache(iri_cache *cache) {
  while (cache) {
    iri_cache *next = cache->next;
    free(cache->path);
    free(cache->iri);
    free(cache);
    cache = next;
  }
}

static int queue_rows(sc_registry *reg, sc_roster *roster, const sc_issue_context *ctx,
                      const cli_roster_job *job, size_t *rows, size_t *added, sc_error *err) {
  iri_cache *cache = NULL;
  sc_roster_row row;
  int rc = SC_OK;
  bool open = false;
  while (rc == SC_OK && (rc = sc_roster_next(roster, &row, err)) == SC_OK && row.line) {
    const char *iri = NULL;
    if ((rc = row_achievement(&cache, ctx, &row, &iri, err)) != SC_OK) {
      sc_error_prefix(err, "%s:%zu", job->roster, row.line);
      break;
    }
    if (!open && (rc = sc_registry_begin(reg, err)) != SC_OK)
      break;
    open = true;
    sc_queued_row queued = {.learner_id = row.id,
                            .achievement = iri,
                            .achievement_file =
                                row.achievement && *row.achievement ? row.achievement : NULL,
                            .template_name = sc_template_name(ctx->tpl),
                            .name = row.name,
                            .email = row.email,
                            .did = row.did,
                            .valid_until = row.valid_until,
                            .language = row.language,
                            .roster = job->roster,
                            .line = row.line};
    bool new_job = false;
    rc = sc_registry_queue(reg, &queued, &new_job, err);
    *added += new_job;
    if (rc == SC_OK && ++*rows % ROWS_PER_TRANSACTION == 0) {
      rc = sc_registry_commit(reg, err);
      open = false;
    }
  }
  if (open && rc == SC_OK)
    rc = sc_registry_commit(reg, err);
  else if (open)
    sc_registry_rollback(reg);
  free_cache(cache);
  return rc;
}

int cli_queue_roster(const sc_issue_context *ctx, const cli_roster_job *job, sc_error *err) {
  if (!ctx->tpl)
    return sc_fail(err, SC_EUSAGE, "--queue needs a template (the workers render with it)");
  sc_roster_options options = {.maps = job->maps, .map_count = job->map_count, .home = ctx->home};
  sc_registry *reg = NULL;
  sc_roster *roster = NULL;
  size_t rows = 0, added = 0;
  int rc = sc_registry_open(ctx->home, &reg, err);
  if (rc == SC_OK && !sc_registry_is_shared(reg))
    rc = sc_fail(err, SC_EUSAGE,
                 "--queue needs a PostgreSQL registry (\"registry\" in skillcert.json, or "
                 "--registry URI): workers on several machines share it; with this home's "
                 "SQLite registry, issue the roster without --queue");
  if (rc == SC_OK)
    rc = sc_roster_open(job->roster, &options, &roster, err);
  if (rc == SC_OK)
    rc = queue_rows(reg, roster, ctx, job, &rows, &added, err);
  if (rc == SC_OK && added)
    rc = sc_registry_queue_analyze(reg, err);
  sc_roster_close(roster);
  sc_registry_close(reg);
  if (rc == SC_OK)
    printf("%s: %zu row%s: %zu queued, %zu already in the queue\n", job->roster, rows,
           rows == 1 ? "" : "s", added, rows - added);
  return rc;
}
