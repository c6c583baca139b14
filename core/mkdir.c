/* mkdir -p, once: every caller that needs a folder (publishing, the fetch cache, the default
 * trust list) gets it made the same way and hears why when it cannot be. */
#include "core/core.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MKDIR_PATH_MAX 4096

/* One level: made, or already a folder (a symlink to one counts). A file, or a symlink that
 * leads nowhere, where the folder should be is said so: the write that follows would only say
 * "No such file or directory" about a path below it. */
static int make_level(const char *dir, unsigned mode, sc_error *err) {
  if (mkdir(dir, (mode_t)mode) == 0)
    return SC_OK;
  if (errno != EEXIST)
    return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", dir, strerror(errno));
  struct stat st;
  if (stat(dir, &st) != 0)
    return sc_fail(err, SC_ECANTCREAT,
                   "%s: cannot create a folder there: it is a link that leads nowhere (%s)", dir,
                   strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return sc_fail(err, SC_ECANTCREAT, "%s: cannot create a folder there: it is a file", dir);
  return SC_OK;
}

int sc_mkdir_p(const char *dir, unsigned mode, sc_error *err) {
  char partial[MKDIR_PATH_MAX];
  size_t len = strlen(dir);
  if (len == 0)
    return SC_OK;
  if (len >= sizeof partial)
    return sc_fail(err, SC_ECANTCREAT, "%.64s...: path too long", dir);
  memcpy(partial, dir, len + 1);
  while (len > 1 && partial[len - 1] == '/')
    partial[--len] = '\0';
  for (char *p = partial + 1; *p; p++) {
    if (*p != '/' || p[-1] == '/')
      continue;
    *p = '\0';
    int rc = make_level(partial, mode, err);
    *p = '/';
    if (rc != SC_OK)
      return rc;
  }
  return make_level(partial, mode, err);
}

int sc_mkdir_parent(const char *path, unsigned mode, sc_error *err) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path)
    return SC_OK;
  char dir[MKDIR_PATH_MAX];
  if ((size_t)(slash - path) >= sizeof dir)
    return sc_fail(err, SC_ECANTCREAT, "%.64s...: path too long", path);
  snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  return sc_mkdir_p(dir, mode, err);
}
