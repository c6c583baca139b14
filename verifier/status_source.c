/* Where a public document (a status list) is loaded from, in this order: the --status file or
 * folder, the --home's public/ folder, the cache while fresh, the network (then cached). The
 * local sources come first so that an issuer can check what it is about to publish, and a
 * verifier can work from a copy it was handed. */
#include "verifier/status_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct attempt {
  char note[200]; /* a local place that was tried and had nothing, for the final message */
} attempt;

static bool is_regular_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The path of url after scheme and host ("/status/1/revocation"), without query or fragment;
 * NULL when the URL has none or it could climb out of a folder. */
static bool url_path(const char *url, char *out, size_t size) {
  const char *scheme_end = strstr(url, "://");
  if (!scheme_end)
    return false;
  const char *path = strchr(scheme_end + 3, '/');
  if (!path)
    return false;
  size_t len = strcspn(path, "?#");
  if (len >= size)
    return false;
  memcpy(out, path, len);
  out[len] = '\0';
  /* Percent-escapes and backslashes could hide "..": published paths never need them. */
  if (strstr(out, "/../") || strstr(out, "/./") || strchr(out, '%') || strchr(out, '\\'))
    return false;
  size_t n = strlen(out);
  return !(n >= 3 && strcmp(out + n - 3, "/..") == 0) &&
         !(n >= 2 && strcmp(out + n - 2, "/.") == 0);
}

static int load_file(const char *path, sc_buf *body, char *origin, const char *what,
                     sc_error *err) {
  body->len = 0;
  sc_error read_err = {0};
  int rc = sc_read_file(path, SC_JSON_MAX_BYTES, body, &read_err);
  if (rc != SC_OK) {
    sc_buf_free(body);
    /* memory that ran out is the verifier's failure (70), anything else the list's (6) */
    return sc_fail(err, rc == SC_ESOFTWARE ? rc : SC_ESTATUS, "%s", read_err.message);
  }
  if (origin)
    snprintf(origin, 256, "%s %s", what, path);
  return SC_OK;
}

/* A file given with --status serves the URL it names in its own "id". */
static bool file_serves(const char *path, const char *url) {
  sc_buf raw = {0};
  json_t *doc = NULL;
  bool match = sc_read_file(path, SC_JSON_MAX_BYTES, &raw, NULL) == SC_OK &&
               sc_json_parse((const char *)raw.data, raw.len, path, &doc, NULL) == SC_OK &&
               json_is_string(json_object_get(doc, "id")) &&
               strcmp(json_string_value(json_object_get(doc, "id")), url) == 0;
  json_decref(doc);
  sc_buf_free(&raw);
  return match;
}

/* A folder laid out like public/: the URL's path under it. When public/ is served below the
 * host's root (https://host/skillcert/status/1/…), leading segments are dropped one at a time
 * until a file is found. Returns 1 when loaded, 0 when not there, or an error. */
static int try_folder(const char *folder, const char *url, sc_buf *body, char *origin, attempt *a,
                      sc_error *err) {
  char path[SC_STATUS_PATH_MAX], file[SC_STATUS_PATH_MAX];
  if (!url_path(url, path, sizeof path))
    return 0;
  for (const char *rest = path; rest; rest = strchr(rest + 1, '/')) {
    if (snprintf(file, sizeof file, "%s%s", folder, rest) >= (int)sizeof file)
      continue;
    if (is_regular_file(file))
      return load_file(file, body, origin, "file", err) == SC_OK ? 1 : -1;
  }
  sc_text_mark_cut(a->note, sizeof a->note,
                   snprintf(a->note, sizeof a->note, "not in %s%s", folder, path));
  return 0;
}

/* --documents: the file documents.json maps url to (1), nothing (0), or an error. */
static int try_documents(const sc_status_source *src, const char *url, sc_buf *body,
                         char *origin, sc_error *err) {
  const char *file = json_string_value(json_object_get(src->documents, url));
  char path[SC_STATUS_PATH_MAX];
  if (!file || snprintf(path, sizeof path, "%s/%s", src->documents_dir, file) >= (int)sizeof path)
    return 0;
  return load_file(path, body, origin, "documents", err) == SC_OK ? 1 : -1;
}

static int try_local(const sc_status_source *src, const char *url, sc_buf *body, char *origin,
                     attempt *a, sc_error *err) {
  int found = try_documents(src, url, body, origin, err);
  if (found != 0)
    return found;
  struct stat st;
  if (!src->local || stat(src->local, &st) != 0)
    return 0;
  if (S_ISDIR(st.st_mode))
    return try_folder(src->local, url, body, origin, a, err);
  if (!file_serves(src->local, url))
    return 0;
  return load_file(src->local, body, origin, "file", err) == SC_OK ? 1 : -1;
}

/* The home's public/ folder holds what is (or will be) served at its publicUrl. */
static int try_home(const sc_status_source *src, const char *url, sc_buf *body, char *origin,
                    attempt *a, sc_error *err) {
  if (!src->home_public || !src->home_url)
    return 0;
  size_t base = strlen(src->home_url);
  while (base > 0 && src->home_url[base - 1] == '/')
    base--;
  if (base == 0 || strncmp(url, src->home_url, base) != 0 || url[base] != '/')
    return 0;
  char path[SC_STATUS_PATH_MAX], file[SC_STATUS_PATH_MAX];
  size_t len = strcspn(url + base, "?#");
  if (len >= sizeof path)
    return 0;
  memcpy(path, url + base, len);
  path[len] = '\0';
  if (strstr(path, "/..") || strchr(path, '%') || strchr(path, '\\'))
    return 0;
  if (snprintf(file, sizeof file, "%s%s", src->home_public, path) >= (int)sizeof file)
    return 0;
  if (!is_regular_file(file)) {
    sc_text_mark_cut(a->note, sizeof a->note,
                     snprintf(a->note, sizeof a->note, "not published in %s (run skillcert publish)",
                              file));
    return 0;
  }
  return load_file(file, body, origin, "home", err) == SC_OK ? 1 : -1;
}

/* The network, within the verification's fetch budget and the per-host limit. The copy is
 * not cached here: only what the caller has checked is (sc_source_keep_tagged, with the
 * validators it came with, got). With known validators (of the stale cached copy in body) the
 * request is conditional: a 304 leaves body as it is and sets origin to SC_ORIGIN_NOT_MODIFIED. */
static int try_network(const sc_status_source *src, const char *url,
                       const sc_fetch_validators *known, sc_buf *body, char *origin,
                       sc_fetch_validators *got, const attempt *a, sc_error *err) {
  sc_fetch_limits limits = {.deadline_ms = src->fetch_deadline_ms, .gate = src->gate};
  sc_buf fetched = {0};
  bool not_modified = false;
  int rc = sc_fetch_conditional(url, src->allow_http, &limits, known, &fetched, got,
                                &not_modified, err);
  if (rc != SC_OK) {
    sc_buf_free(body);
    if (a->note[0] && err)
      sc_error_prefix(err, "%s", a->note);
    return rc;
  }
  if (not_modified) {
    sc_buf_free(&fetched);
    snprintf(origin, 256, "%s", SC_ORIGIN_NOT_MODIFIED);
    return SC_OK;
  }
  sc_buf_free(body);
  *body = fetched;
  snprintf(origin, 256, "%s", SC_ORIGIN_NETWORK);
  return SC_OK;
}

/* A cache that cannot be written costs only speed; origin says so. */
void sc_source_keep(const sc_status_source *src, const char *url, int64_t now, const sc_buf *body,
                    char *origin) {
  sc_source_keep_tagged(src, url, now, body, origin, NULL);
}

void sc_source_keep_tagged(const sc_status_source *src, const char *url, int64_t now,
                           const sc_buf *body, char *origin, const sc_fetch_validators *tags) {
  char dir[SC_STATUS_PATH_MAX];
  if (strcmp(origin, SC_ORIGIN_NOT_MODIFIED) == 0) {
    if (sc_cache_dir(src, dir, sizeof dir, NULL) == SC_OK)
      (void)sc_cache_refresh(dir, url, now, NULL); /* else it is only asked about again */
    return;
  }
  if (strcmp(origin, SC_ORIGIN_NETWORK) != 0)
    return;
  sc_error cache_err = {0};
  sc_cache_limits limits = {src->cache_max_bytes, src->cache_max_entries};
  if (sc_cache_dir(src, dir, sizeof dir, &cache_err) != SC_OK ||
      sc_cache_put(dir, url, now, body, &limits, &cache_err) != SC_OK)
    sc_text_mark_cut(origin, 256, snprintf(origin, 256, "network, not cached: %s", cache_err.message));
  else if (tags)
    (void)sc_cache_validators_put(dir, url, body, tags, NULL); /* only speed is at stake */
}

/* origin_size: the caller's buffer; the steps below write at most 256 bytes into a buffer of
 * that size, so a smaller one gets the origin through this copy. */
static int load_into(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                     char origin[static 256], sc_fetch_validators *got, sc_error *err);

int sc_source_load(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                   char *origin, size_t origin_size, sc_error *err) {
  return sc_source_load_tagged(src, url, now, body, origin, origin_size, NULL, err);
}

int sc_source_load_tagged(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                          char *origin, size_t origin_size, sc_fetch_validators *tags,
                          sc_error *err) {
  char full[256] = "";
  sc_fetch_validators ignored;
  int rc = load_into(src, url, now, body, full, tags ? tags : &ignored, err);
  if (origin && origin_size)
    snprintf(origin, origin_size, "%s", full);
  return rc;
}

static int load_into(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                     char origin[static 256], sc_fetch_validators *got, sc_error *err) {
  *got = (sc_fetch_validators){.etag = "", .last_modified = ""};
  origin[0] = '\0';
  attempt a = {{0}};
  int found = try_local(src, url, body, origin, &a, err);
  if (found == 0)
    found = try_home(src, url, body, origin, &a, err);
  if (found != 0)
    return found > 0 ? SC_OK : err && err->code == SC_ESOFTWARE ? SC_ESOFTWARE : SC_ESTATUS;
  char dir[SC_STATUS_PATH_MAX];
  bool have_dir = sc_cache_dir(src, dir, sizeof dir, NULL) == SC_OK;
  bool fresh = false;
  body->len = 0;
  sc_fetch_validators known = {.etag = "", .last_modified = ""};
  bool have_known = false;
  if (have_dir && sc_cache_get(dir, url, now, body, &fresh, origin, 256, NULL) == SC_OK) {
    if (fresh || src->offline)
      return SC_OK;
    /* stale: ask the network whether the list changed since this copy, when it said how */
    have_known = sc_cache_validators_get(dir, url, body, &known);
    if (!have_known)
      sc_buf_free(body);
  }
  if (src->offline)
    return sc_fail(err, SC_ESTATUS, "offline and %s is not in the cache", url);
  return try_network(src, url, have_known ? &known : NULL, body, origin, got, &a, err);
}
