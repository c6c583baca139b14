/* The status list cache: one file per URL, named by the hex SHA-256 of the URL, holding the
 * document exactly as fetched (so its proof still verifies). The file's mtime is when it was
 * fetched; the document's own validUntil says how long it may be used without asking again. */
#include "verifier/status_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CACHE_MAX_BYTES SC_JSON_MAX_BYTES

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
  if (origin) {
    char fetched[21], age[32];
    sc_time_format((int64_t)st.st_mtime, fetched);
    format_age(now - (int64_t)st.st_mtime, age, sizeof age);
    sc_text_mark_cut(origin, origin_size,
                     snprintf(origin, origin_size, "cache, fetched %s (%s ago)", fetched, age));
  }
  return SC_OK;
}

static int make_cache_dir(const char *dir, sc_error *err) {
  char partial[SC_STATUS_PATH_MAX];
  snprintf(partial, sizeof partial, "%s", dir);
  /* mkdir -p: each missing level, private to the user (what was fetched says what they check) */
  for (char *p = partial + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(partial, 0700) != 0 && errno != EEXIST)
      return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", partial, strerror(errno));
    *p = '/';
  }
  if (mkdir(partial, 0700) != 0 && errno != EEXIST)
    return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", partial, strerror(errno));
  return SC_OK;
}

int sc_cache_put(const char *dir, const char *url, int64_t now, const sc_buf *body, sc_error *err) {
  char path[SC_STATUS_PATH_MAX];
  int rc = make_cache_dir(dir, err);
  if (rc == SC_OK)
    rc = cache_path(dir, url, path, err);
  if (rc == SC_OK)
    rc = sc_write_file_atomic(path, body->data, body->len, 0600, err);
  if (rc != SC_OK)
    return rc;
  /* The fetch time is the verification's clock (which tests and --at may move), not the
   * file system's. */
  struct timespec times[2] = {{.tv_sec = (time_t)now}, {.tv_sec = (time_t)now}};
  if (utimensat(AT_FDCWD, path, times, 0) != 0)
    return sc_fail(err, SC_EIO, "%s: cannot set the fetch time: %s", path, strerror(errno));
  return SC_OK;
}
