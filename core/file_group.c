/* Files that are written together and become visible together, each whole or not at all.
 *
 * Every file goes to a temporary name beside its target. The commit then makes the data
 * durable, renames the files into place and syncs each folder once, in that order: a name
 * never points at data that a crash could lose, so no reader, before or after a crash, sees
 * half a file. A group of a few files (a key, a status list) syncs each file; a larger one
 * (a batch's chunk) syncs the whole filesystem once with syncfs(), which writes every file
 * back in one pass and pays the journal commit once instead of once per file: that is what
 * lets a batch write files at the rate it signs them (docs/benchmarks.md). */
#define _GNU_SOURCE /* syncfs */
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* From this many files on, one syncfs() is cheaper than an fsync per file. */
#define SYNCFS_FROM 8

struct sc_staged_file {
  char *path, *tmp; /* tmp NULL: linked to its final name at the commit (sc_file_group_add_same) */
  int fd; /* open until the commit; -1 for a hard link to the file staged before it */
  size_t same; /* with tmp NULL: the file whose data it links to */
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
  g->count++;
  return SC_OK;
}

/* A temporary name beside path that nothing uses yet, for a hard link. */
static char *link_name(const char *path) {
  static unsigned counter;
  size_t size = strlen(path) + 48;
  char *name = malloc(size);
  for (int tries = 0; name && tries < 100; tries++) {
    snprintf(name, size, "%s.tmp.%ld.%u", path, (long)getpid(),
             __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    if (access(name, F_OK) != 0)
      return name;
  }
  free(name);
  return NULL;
}

static size_t folder_length(const char *path);

/* Once a hard link between two folders worked in this group, the next ones between the same
 * folders are made at the commit, straight to their final names. */
static bool same_folders(const char *a, const char *b) {
  size_t n = folder_length(a);
  return n == folder_length(b) && strncmp(a, b, n) == 0;
}

static bool linked_before(const sc_file_group *g, const char *source, const char *path) {
  for (size_t i = g->count; i-- > 1;) {
    const struct sc_staged_file *f = &g->files[i];
    if (f->fd < 0) /* the last link staged: a batch's previous credential's */
      return same_folders(f->path, path) &&
             same_folders(g->files[f->tmp ? i - 1 : f->same].path, source);
  }
  return false;
}

int sc_file_group_add_same(sc_file_group *g, const char *path, const void *data, size_t len,
                           unsigned mode, sc_error *err) {
  if (g->count == 0 || !grow(g))
    return g->count == 0 ? sc_file_group_add(g, path, data, len, mode, err) : sc_oom(err);
  struct sc_staged_file *f = &g->files[g->count];
  const struct sc_staged_file *same = &g->files[g->count - 1];
  f->path = strdup(path);
  if (f->path && same->tmp && linked_before(g, same->path, path)) {
    /* Linked to its final name once its source has its own: no temporary, no second rename. */
    f->tmp = NULL;
    f->fd = -1;
    f->same = g->count - 1;
    g->count++;
    return SC_OK;
  }
  f->tmp = f->path ? link_name(path) : NULL;
  if (!f->path || !f->tmp) {
    free(f->path);
    free(f->tmp);
    return sc_oom(err);
  }
  if (link(same->tmp, f->tmp) != 0) { /* another filesystem, or one without hard links */
    free(f->path);
    free(f->tmp);
    return sc_file_group_add(g, path, data, len, mode, err);
  }
  f->fd = -1;
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
  size_t count = 0;
  for (size_t i = 0; i < g->count; i++) {
    const char *path = g->files[i].path;
    bool seen = false;
    for (size_t k = 0; k < count && !seen; k++)
      seen = same_folders(synced[k], path);
    if (seen)
      continue;
    sync_folder(path, folder_length(path));
    if (count < 4)
      synced[count++] = path;
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
    if (g->files[i].tmp)
      unlink(g->files[i].tmp);
  }
  release(g);
}

/* A file staged by sc_file_group_add_same without a temporary: a hard link to its source,
 * which is whole under its final name by now. A name already there (a file rewritten by a
 * re-run) is replaced atomically: a link to a temporary name, renamed over it. */
static int link_into_place(const sc_file_group *g, const struct sc_staged_file *f) {
  const char *source = g->files[f->same].path;
  if (link(source, f->path) == 0)
    return 0;
  if (errno != EEXIST)
    return errno;
  char *tmp = link_name(f->path);
  int rc = !tmp ? ENOMEM : link(source, tmp) != 0 || rename(tmp, f->path) != 0 ? errno : 0;
  if (rc && tmp)
    unlink(tmp);
  free(tmp);
  return rc;
}

/* SKILLCERT_TEST_CRASH_AT=<point>:<n> kills the process with SIGKILL at that point of the
 * n-th commit of a group of SYNCFS_FROM or more files (a batch's chunk): "synced" after the data
 * is durable and before any rename, "renamed" after the renames and before the folders are
 * synced. The crash tests (tests/e2e/batch.bats) use it to stop a batch exactly inside the
 * window a kill -9 hits only by chance. */
static void crash_point(const char *point) {
  static unsigned commits[2];
  const char *at = getenv("SKILLCERT_TEST_CRASH_AT");
  size_t len = strlen(point);
  if (!at || strncmp(at, point, len) != 0 || at[len] != ':')
    return;
  unsigned *seen = &commits[point[0] == 'r'];
  if (++*seen == (unsigned)strtoul(at + len + 1, NULL, 10))
    raise(SIGKILL);
}

/* Makes the staged data durable before any name points at it. fdatasync is enough for a new
 * file (its size is data it needs); syncfs, when it works, covers the whole group at once
 * (and, since Linux 5.8, reports a write-back error of any file of the filesystem: then each
 * file is synced on its own, which says whether it was one of ours). */
static int sync_data(sc_file_group *g, size_t *failed) {
  *failed = 0;
  int first_fd = -1;
  for (size_t i = 0; i < g->count && first_fd < 0; i++)
    first_fd = g->files[i].fd;
  if (g->count >= SYNCFS_FROM && first_fd >= 0 && syncfs(first_fd) == 0)
    return 0;
  for (size_t i = 0; i < g->count; i++) {
    if (g->files[i].fd >= 0 && fdatasync(g->files[i].fd) != 0) {
      *failed = i;
      return errno;
    }
  }
  return 0;
}

int sc_file_group_commit(sc_file_group *g, sc_error *err) {
  size_t failed;
  int rc = sync_data(g, &failed);
  for (size_t i = 0; i < g->count; i++) {
    struct sc_staged_file *f = &g->files[i];
    if (f->fd >= 0 && close(f->fd) != 0 && !rc) {
      rc = errno;
      failed = i;
    }
    f->fd = -1;
  }
  if (rc) {
    sc_fail(err, SC_EIO, "%s: cannot write: %s", g->files[failed].path, strerror(rc));
    sc_file_group_abort(g);
    return SC_EIO;
  }
  if (g->count >= SYNCFS_FROM)
    crash_point("synced");
  for (size_t i = 0; i < g->count; i++) {
    const struct sc_staged_file *f = &g->files[i];
    int failed_with = !f->tmp ? link_into_place(g, f) : rename(f->tmp, f->path) != 0 ? errno : 0;
    if (failed_with) {
      sc_fail(err, SC_EIO, "%s: cannot write: %s", f->path, strerror(failed_with));
      sync_folders(g); /* what was renamed stays: each of those files is whole */
      sc_file_group_abort(g);
      return SC_EIO;
    }
  }
  if (g->count >= SYNCFS_FROM)
    crash_point("renamed");
  sync_folders(g);
  release(g);
  return SC_OK;
}
