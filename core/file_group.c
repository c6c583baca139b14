/* Files that are written together and become visible together, each whole or not at all.
 *
 * Every file goes to a temporary name beside its target. The commit then makes the data
 * durable (fsync each file: the kernel has been writing them back since they were staged),
 * renames them into place and syncs each folder once. Syncing per group rather than per file
 * is what lets a batch write thousands of certificates a minute: the folder's fsync, as
 * costly as a file's, is paid once for a chunk of credentials instead of twice for each. */
#define _GNU_SOURCE /* sync_file_range */
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sc_staged_file {
  char *path, *tmp;
  int fd; /* open until the commit */
};

static int write_all(int fd, const unsigned char *data, size_t len) {
  while (len) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Starts writing the data back now, so that the commit's fsync mostly waits for nothing. */
static void start_writeback(int fd) {
#ifdef SYNC_FILE_RANGE_WRITE
  sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
  (void)fd;
#endif
}

static bool grow(sc_file_group *g) {
  if (g->count < g->cap)
    return true;
  size_t cap = g->cap ? 2 * g->cap : 8;
  struct sc_staged_file *files = realloc(g->files, cap * sizeof *files);
  if (!files)
    return false;
  g->files = files;
  g->cap = cap;
  return true;
}

int sc_file_group_add(sc_file_group *g, const char *path, const void *data, size_t len,
                      unsigned mode, sc_error *err) {
  if (!grow(g))
    return sc_oom(err);
  struct sc_staged_file *f = &g->files[g->count];
  size_t n = strlen(path);
  f->path = strdup(path);
  f->tmp = malloc(n + sizeof ".tmp.XXXXXX");
  if (!f->path || !f->tmp) {
    free(f->path);
    free(f->tmp);
    return sc_oom(err);
  }
  memcpy(f->tmp, path, n);
  memcpy(f->tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
  f->fd = mkstemp(f->tmp);
  int saved = f->fd < 0 ? errno : 0;
  if (!saved && (fchmod(f->fd, (mode_t)mode) != 0 || write_all(f->fd, data, len) != 0))
    saved = errno;
  if (saved) {
    if (f->fd >= 0) {
      close(f->fd);
      unlink(f->tmp);
    }
    free(f->path);
    free(f->tmp);
    return f->fd < 0 ? sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", path, strerror(saved))
                     : sc_fail(err, SC_EIO, "%s: cannot write: %s", path, strerror(saved));
  }
  start_writeback(f->fd);
  g->count++;
  return SC_OK;
}

/* The length of path's folder part ("a/b/c" -> 3), 0 for a bare name. */
static size_t folder_length(const char *path) {
  const char *slash = strrchr(path, '/');
  return !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
}

static void sync_folder(const char *path, size_t len) {
  char dir[4096];
  if (len == 0 || len >= sizeof dir)
    snprintf(dir, sizeof dir, ".");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)len, path);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

/* fsync each folder once, so that the renames themselves survive a crash. A group's files
 * sit in one or two folders (out/, public/c/); past four, a folder may be synced twice. */
static void sync_folders(const sc_file_group *g) {
  const char *synced[4];
  size_t synced_len[4], count = 0;
  for (size_t i = 0; i < g->count; i++) {
    const char *path = g->files[i].path;
    size_t len = folder_length(path);
    bool seen = false;
    for (size_t k = 0; k < count && !seen; k++)
      seen = synced_len[k] == len && strncmp(synced[k], path, len) == 0;
    if (seen)
      continue;
    sync_folder(path, len);
    if (count < 4) {
      synced[count] = path;
      synced_len[count++] = len;
    }
  }
}

static void release(sc_file_group *g) {
  for (size_t i = 0; i < g->count; i++) {
    free(g->files[i].path);
    free(g->files[i].tmp);
  }
  free(g->files);
  memset(g, 0, sizeof *g);
}

void sc_file_group_abort(sc_file_group *g) {
  for (size_t i = 0; i < g->count; i++) {
    if (g->files[i].fd >= 0)
      close(g->files[i].fd);
    unlink(g->files[i].tmp);
  }
  release(g);
}

int sc_file_group_commit(sc_file_group *g, sc_error *err) {
  for (size_t i = 0; i < g->count; i++) {
    struct sc_staged_file *f = &g->files[i];
    int rc = fsync(f->fd) == 0 ? 0 : errno;
    if (close(f->fd) != 0 && !rc)
      rc = errno;
    f->fd = -1;
    if (rc) {
      sc_fail(err, SC_EIO, "%s: cannot write: %s", f->path, strerror(rc));
      sc_file_group_abort(g);
      return SC_EIO;
    }
  }
  for (size_t i = 0; i < g->count; i++) {
    if (rename(g->files[i].tmp, g->files[i].path) != 0) {
      sc_fail(err, SC_EIO, "%s: cannot write: %s", g->files[i].path, strerror(errno));
      sync_folders(g); /* what was renamed stays: each of those files is whole */
      sc_file_group_abort(g);
      return SC_EIO;
    }
  }
  sync_folders(g);
  release(g);
  return SC_OK;
}
