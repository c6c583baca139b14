/* The status list cache: one file per URL, named by the hex SHA-256 of the URL, holding the
 * document exactly as fetched (so its proof still verifies). The file's mtime is when it was
 * fetched; the document's own validUntil says how long it may be used without asking again.
 * Its atime is when it was last used: the cache is bounded in bytes and in files, and a store
 * that goes over evicts the least recently used. */
#include "verifier/status_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHE_MAX_BYTES SC_JSON_MAX_BYTES
/* Next to a cached copy: the ETag and Last-Modified it was served with (validators below). */
#define VALIDATORS_SUFFIX ".validators"

int sc_cache_dir(const sc_status_source *src, char *out, size_t size, sc_error *err) {
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  int n;
  if (src && src->cache_dir && *src->cache_dir)
    n = snprintf(out, size, "%s", src->cache_dir);
  else if (xdg && *xdg == '/')
    n = snprintf(out, size, "%s/skillcert", xdg);
  else if (home && *home)
    n = snprintf(out, size, "%s/.cache/skillcert", home);
  else
    return sc_fail(err, SC_ESTATUS, "no cache folder: neither XDG_CACHE_HOME nor HOME is set");
  if (n < 0 || (size_t)n >= size)
    return sc_fail(err, SC_ESTATUS, "cache folder path is too long");
  return SC_OK;
}

int sc_cache_name(const char *url, char name[SC_AT_LEAST(65)], sc_error *err) {
  uint8_t digest[32];
  if (sc_sha256(url, strlen(url), digest) != SC_OK)
    return sc_fail(err, SC_ESOFTWARE, "SHA-256 failed");
  char *hex = sc_hex_encode(digest, sizeof digest);
  if (!hex)
    return sc_oom(err);
  memcpy(name, hex, 65);
  free(hex);
  return SC_OK;
}

static int cache_path(const char *dir, const char *url, char *path, sc_error *err) {
  char name[65];
  int rc = sc_cache_name(url, name, err);
  if (rc != SC_OK)
    return rc;
  if (snprintf(path, SC_STATUS_PATH_MAX, "%s/%s", dir, name) >= SC_STATUS_PATH_MAX)
    return sc_fail(err, SC_ESTATUS, "cache path is too long");
  return SC_OK;
}

/* "3 min", "5 h": how long ago, roughly, as people say it. */
static void format_age(int64_t seconds, char *out, size_t size) {
  if (seconds < 0)
    seconds = 0;
  if (seconds < 60)
    snprintf(out, size, "%lld s", (long long)seconds);
  else if (seconds < 3600)
    snprintf(out, size, "%lld min", (long long)(seconds / 60));
  else if (seconds < 86400)
    snprintf(out, size, "%lld h", (long long)(seconds / 3600));
  else
    snprintf(out, size, "%lld d", (long long)(seconds / 86400));
}

/* The clock itself, not UTIME_NOW: file systems stamp that from a coarse clock (a few ms), so
 * copies used in quick succession would tie and evict in any order. */
static struct timespec last_use_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

/* Fresh while now is before validUntil; a document without one is never fresh. */
static bool is_fresh(const sc_buf *body, int64_t now) {
  json_t *doc = NULL;
  if (sc_json_parse((const char *)body->data, body->len, "cache", &doc, NULL) != SC_OK)
    return false;
  const char *until_text = json_string_value(json_object_get(doc, "validUntil"));
  int64_t until = 0;
  bool fresh = until_text && sc_time_parse(until_text, true, &until, NULL) == SC_OK && now < until;
  json_decref(doc);
  return fresh;
}

int sc_cache_get(const char *dir, const char *url, int64_t now, sc_buf *body, bool *fresh,
                 char *origin, size_t origin_size, sc_error *err) {
  char path[SC_STATUS_PATH_MAX];
  int rc = cache_path(dir, url, path, err);
  if (rc != SC_OK)
    return rc;
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return sc_fail(err, SC_ENOINPUT, "%s is not in the cache", url);
  if (sc_read_file(path, CACHE_MAX_BYTES, body, err) != SC_OK) {
    sc_buf_free(body);
    return sc_fail(err, SC_ENOINPUT, "%s: the cached copy is unreadable", url);
  }
  *fresh = is_fresh(body, now);
  /* Used now: the least recently used copies are the first to go (the mtime stays the fetch
   * time). A copy that cannot be touched is only evicted sooner. */
  struct timespec used[2] = {last_use_now(), {.tv_nsec = UTIME_OMIT}};
  (void)utimensat(AT_FDCWD, path, used, 0);
  if (origin) {
    char fetched[21], age[32];
    sc_time_format((int64_t)st.st_mtime, fetched);
    format_age(now - (int64_t)st.st_mtime, age, sizeof age);
    sc_text_mark_cut(origin, origin_size,
                     snprintf(origin, origin_size, "cache, fetched %s (%s ago)", fetched, age));
  }
  return SC_OK;
}

/* A cache file: the hex SHA-256 of a URL (anything else in the folder is left alone). */
static bool is_cache_name(const char *name) {
  return strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
}

typedef struct cached_file {
  char name[65];
  off_t size;
  struct timespec used;
} cached_file;

static int by_last_use(const void *a, const void *b) {
  const struct timespec *x = &((const cached_file *)a)->used, *y = &((const cached_file *)b)->used;
  if (x->tv_sec != y->tv_sec)
    return x->tv_sec < y->tv_sec ? -1 : 1;
  return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* The cache files of dir (*count of them, the caller frees), with their sizes and last use. */
static cached_file *list_cache(const char *dir, size_t *count) {
  DIR *d = opendir(dir);
  cached_file *files = NULL;
  size_t n = 0, cap = 0;
  struct dirent *entry;
  while (d && (entry = readdir(d))) {
    char path[SC_STATUS_PATH_MAX];
    struct stat st;
    if (!is_cache_name(entry->d_name) ||
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name) >= (int)sizeof path ||
        stat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (n == cap) {
      cached_file *grown = realloc(files, (cap = cap ? cap * 2 : 64) * sizeof *files);
      if (!grown)
        break; /* what was listed is still evicted from */
      files = grown;
    }
    memcpy(files[n].name, entry->d_name, 65);
    files[n].size = st.st_size;
    files[n].used = st.st_atim;
    n++;
  }
  if (d)
    closedir(d);
  *count = n;
  return files;
}

/* Removes the least recently used files until the folder is within both limits; keep (the
 * copy just stored) goes last of all, never. Files another process removed meanwhile only
 * count as gone. */
static void evict(const char *dir, const char *keep, const sc_cache_limits *limits) {
  size_t count = 0;
  cached_file *files = list_cache(dir, &count);
  size_t bytes = 0, entries = count;
  for (size_t i = 0; i < count; i++)
    bytes += (size_t)files[i].size;
  qsort(files, count, sizeof *files, by_last_use);
  for (size_t i = 0; i < count && (bytes > limits->max_bytes || entries > limits->max_entries);
       i++) {
    char path[SC_STATUS_PATH_MAX];
    if (strcmp(files[i].name, keep) == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
    if (unlink(path) == 0 || errno == ENOENT) {
      bytes -= (size_t)files[i].size;
      entries--;
      if (snprintf(path, sizeof path, "%s/%s%s", dir, files[i].name, VALIDATORS_SUFFIX) <
          (int)sizeof path)
        (void)unlink(path);
    }
  }
  free(files);
}

static sc_cache_limits effective_limits(const sc_cache_limits *given) {
  sc_cache_limits l = given ? *given : (sc_cache_limits){0};
  if (!l.max_bytes)
    l.max_bytes = SC_CACHE_MAX_BYTES;
  if (!l.max_entries)
    l.max_entries = SC_CACHE_MAX_ENTRIES;
  return l;
}

int sc_cache_put(const char *dir, const char *url, int64_t now, const sc_buf *body,
                 const sc_cache_limits *given, sc_error *err) {
  sc_cache_limits limits = effective_limits(given);
  if (body->len > limits.max_bytes)
    return sc_fail(err, SC_ECANTCREAT, "larger than the cache (%zu bytes)", limits.max_bytes);
  char path[SC_STATUS_PATH_MAX], name[65];
  int rc = sc_mkdir_p(dir, 0700, err); /* private: what was fetched says what they check */
  if (rc == SC_OK)
    rc = sc_cache_name(url, name, err);
  if (rc == SC_OK && snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
    rc = sc_fail(err, SC_ESTATUS, "cache path is too long");
  if (rc == SC_OK)
    rc = sc_write_file_atomic(path, body->data, body->len, 0600, err);
  if (rc != SC_OK)
    return rc;
  /* The fetch time is the verification's clock (which tests and --at may move), not the
   * file system's; the last use is now. */
  struct timespec times[2] = {last_use_now(), {.tv_sec = (time_t)now}};
  if (utimensat(AT_FDCWD, path, times, 0) != 0)
    return sc_fail(err, SC_EIO, "%s: cannot set the fetch time: %s", path, strerror(errno));
  evict(dir, name, &limits);
  return SC_OK;
}

/* ---------------------------------------------------------------- validators
 * NAME.validators holds, as JSON, the ETag and Last-Modified a server sent with a document and
 * the SHA-256 of that document; it is written after the copy (which passed its checks). The
 * hash binds the pair: validators whose copy another process has replaced meanwhile do not
 * match it and are not used, so a 304 can never stand for a document this cache does not hold. */

static int validators_path(const char *dir, const char *url, char *path, sc_error *err) {
  char name[65];
  int rc = sc_cache_name(url, name, err);
  if (rc == SC_OK &&
      snprintf(path, SC_STATUS_PATH_MAX, "%s/%s%s", dir, name, VALIDATORS_SUFFIX) >=
          SC_STATUS_PATH_MAX)
    rc = sc_fail(err, SC_ESTATUS, "cache path is too long");
  return rc;
}

static char *body_hash(const sc_buf *body) {
  uint8_t digest[32];
  if (sc_sha256(body->data ? (const void *)body->data : "", body->len, digest) != SC_OK)
    return NULL;
  return sc_hex_encode(digest, sizeof digest);
}

int sc_cache_validators_put(const char *dir, const char *url, const sc_buf *body,
                            const sc_fetch_validators *v, sc_error *err) {
  char path[SC_STATUS_PATH_MAX];
  int rc = validators_path(dir, url, path, err);
  if (rc != SC_OK)
    return rc;
  if (!v->etag[0] && !v->last_modified[0]) {
    (void)unlink(path); /* older validators would describe another version */
    return SC_OK;
  }
  char *hash = body_hash(body);
  json_t *doc = hash ? json_pack("{s:s, s:s, s:s}", "sha256", hash, "etag", v->etag,
                                 "lastModified", v->last_modified)
                     : NULL;
  char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
  if (!text)
    rc = sc_oom(err);
  else if ((rc = sc_mkdir_p(dir, 0700, err)) == SC_OK)
    rc = sc_write_file_atomic(path, text, strlen(text), 0600, err);
  free(text);
  json_decref(doc);
  free(hash);
  return rc;
}

bool sc_cache_validators_get(const char *dir, const char *url, const sc_buf *body,
                             sc_fetch_validators *v) {
  *v = (sc_fetch_validators){.etag = "", .last_modified = ""};
  char path[SC_STATUS_PATH_MAX];
  sc_buf raw = {0};
  json_t *doc = NULL;
  char *hash = NULL;
  bool ok = validators_path(dir, url, path, NULL) == SC_OK &&
            sc_read_file(path, 4096, &raw, NULL) == SC_OK &&
            sc_json_parse((const char *)raw.data, raw.len, path, &doc, NULL) == SC_OK &&
            (hash = body_hash(body)) != NULL &&
            json_is_string(json_object_get(doc, "sha256")) &&
            strcmp(json_string_value(json_object_get(doc, "sha256")), hash) == 0;
  const char *etag = json_string_value(json_object_get(doc, "etag"));
  const char *modified = json_string_value(json_object_get(doc, "lastModified"));
  if (ok && etag && strlen(etag) < sizeof v->etag && !strpbrk(etag, "\r\n"))
    snprintf(v->etag, sizeof v->etag, "%s", etag);
  if (ok && modified && strlen(modified) < sizeof v->last_modified && !strpbrk(modified, "\r\n"))
    snprintf(v->last_modified, sizeof v->last_modified, "%s", modified);
  free(hash);
  json_decref(doc);
  sc_buf_free(&raw);
  return v->etag[0] || v->last_modified[0];
}

int sc_cache_refresh(const char *dir, const char *url, int64_t now, sc_error *err) {
  char path[SC_STATUS_PATH_MAX];
  int rc = cache_path(dir, url, path, err);
  if (rc != SC_OK)
    return rc;
  struct timespec times[2] = {last_use_now(), {.tv_sec = (time_t)now}};
  if (utimensat(AT_FDCWD, path, times, 0) != 0)
    return sc_fail(err, SC_EIO, "%s: cannot set the fetch time: %s", path, strerror(errno));
  return SC_OK;
}
