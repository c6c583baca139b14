/*
 * verifier/status_internal.h — shared by the status source (status_source.c) and its cache
 * (cache.c); not part of the verifier's interface.
 */
#ifndef SKILLCERT_STATUS_INTERNAL_H
#define SKILLCERT_STATUS_INTERNAL_H

#include "verifier/verifier.h"

#define SC_STATUS_PATH_MAX 4096

/* The cache folder: src->cache_dir, else $XDG_CACHE_HOME/skillcert, else ~/.cache/skillcert. */
int sc_cache_dir(const sc_status_source *src, char *out, size_t size, sc_error *err);

/* The cached copy of url when there is one: 0 and body filled; SC_ENOINPUT when there is
 * none (or it is unreadable or not JSON). fresh: now is before the document's validUntil.
 * origin (origin_size bytes; may be NULL) says when it was fetched, e.g. "cache, fetched …
 * (3 h ago)". */
int sc_cache_get(const char *dir, const char *url, int64_t now, sc_buf *body, bool *fresh,
                 char *origin, size_t origin_size, sc_error *err);

typedef struct sc_cache_limits {
  size_t max_bytes;   /* every cached document together; 0 = SC_CACHE_MAX_BYTES */
  size_t max_entries; /* 0 = SC_CACHE_MAX_ENTRIES */
} sc_cache_limits;

/* Stores body as the cached copy of url, fetched at now (the file's mtime); the folder is
 * created 0700 when missing. Then the least recently used other copies are removed until the
 * folder is within limits (NULL = the defaults); a body over max_bytes is not stored. */
int sc_cache_put(const char *dir, const char *url, int64_t now, const sc_buf *body,
                 const sc_cache_limits *limits, sc_error *err);

/* The file name of url's cached copy: hex SHA-256 of the URL. */
int sc_cache_name(const char *url, char name[SC_AT_LEAST(65)], sc_error *err);

/* The ETag and Last-Modified body was served with, kept next to url's cached copy (stored
 * after the copy, which passed its checks); none given removes what was kept. */
int sc_cache_validators_put(const char *dir, const char *url, const sc_buf *body,
                            const sc_fetch_validators *v, sc_error *err);
/* The validators kept for url, when they were served with exactly body (the cached copy):
 * true and v filled; false (v empty) when there are none or they belong to another version. */
bool sc_cache_validators_get(const char *dir, const char *url, const sc_buf *body,
                             sc_fetch_validators *v);
/* A cached copy the server confirmed unchanged: its fetch time becomes now. */
int sc_cache_refresh(const char *dir, const char *url, int64_t now, sc_error *err);

#endif
