/* The issuer's public/ folder over HTTP: status lists, key documents, link-mode credentials,
 * certificates that `mail --pdf link` linked (public/pdf/<uuid>.pdf).
 * Nothing outside public/ is ever served: the path is checked by its segments, and the file
 * opened is checked again after resolving symlinks. */
#include "service/http_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

#define STATIC_MAX_BYTES SC_JSON_MAX_BYTES
#define PDF_MAX_BYTES ((size_t)64 << 20) /* as `mail` reads them */

bool http_static_route(const char *path) {
  return strncmp(path, "/status/", 8) == 0 || strncmp(path, "/c/", 3) == 0 ||
         strncmp(path, "/pdf/", 5) == 0 ||
         strcmp(path, "/.well-known/did.json") == 0 || strcmp(path, "/issuer.json") == 0;
}

/* A relative path of plain segments: no empty, "." or ".." segment, no backslash. */
static bool plain_relative(const char *relative) {
  if (!*relative || *relative == '/' || strchr(relative, '\\'))
    return false;
  for (const char *seg = relative; seg;) {
    const char *end = strchr(seg, '/');
    size_t len = end ? (size_t)(end - seg) : strlen(seg);
    if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
      return false;
    seg = end ? end + 1 : NULL;
  }
  return true;
}

int http_public_read(const char *public_dir, const char *relative, size_t max, sc_buf *out,
                     sc_error *err) {
  char root[PATH_MAX], joined[PATH_MAX], resolved[PATH_MAX];
  if (!plain_relative(relative))
    return sc_fail(err, SC_ENOINPUT, "not a path inside public/");
  if (!realpath(public_dir, root))
    return sc_fail(err, SC_ENOINPUT, "%s: cannot resolve", public_dir);
  if (snprintf(joined, sizeof joined, "%s/%s", root, relative) >= (int)sizeof joined)
    return sc_fail(err, SC_ENOINPUT, "path too long");
  if (!realpath(joined, resolved))
    return sc_fail(err, SC_ENOINPUT, "not found");
  size_t root_len = strlen(root);
  struct stat st;
  if (strncmp(resolved, root, root_len) != 0 || resolved[root_len] != '/' ||
      stat(resolved, &st) != 0 || !S_ISREG(st.st_mode))
    return sc_fail(err, SC_ENOINPUT, "not found"); /* a symlink out of public/ is not there */
  return sc_read_file(resolved, max, out, err);
}

static const char *cache_control_for(const char *path) {
  if (strncmp(path, "/status/", 8) == 0)
    return "public, max-age=300"; /* a revocation shows within five minutes */
  return "public, max-age=3600";
}

void http_static_serve(const sc_http_config *cfg, const sc_http_request *req,
                       sc_http_response *res) {
  const char *relative = req->path + 1;
  if (!plain_relative(relative)) {
    http_page_error(req, 400, N_("Bad request"), N_("That path is not allowed."), res);
    return;
  }
  sc_error err = {0};
  bool pdf = strncmp(req->path, "/pdf/", 5) == 0;
  if (!cfg->public_dir ||
      http_public_read(cfg->public_dir, relative, pdf ? PDF_MAX_BYTES : STATIC_MAX_BYTES,
                       &res->body, &err) != SC_OK) {
    http_page_error(req, 404, N_("Not found"), N_("There is nothing at this address."), res);
    return;
  }
  res->status = 200;
  res->content_type = pdf ? "application/pdf" : HTTP_JSON;
  res->cache_control = cache_control_for(req->path);
  http_apply_etag(req, res);
}
