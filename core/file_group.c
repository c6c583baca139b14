/* Files that are written together and become visible together, each whole or not at all.
 *
 * Every file is written without a name (O_TMPFILE: an inode in its target's folder that no
 * directory lists; where the filesystem cannot, under a temporary name beside its target). The
 * commit then makes the data durable, gives each file its final name (a hard link to the
 * unnamed inode, or a rename) and syncs each folder once, in that order: a name never points at
 * data that a crash could lose, so no reader, before or after a crash, sees half a file. An
 * unnamed file costs one directory entry instead of a temporary one, its removal and a rename,
 * and a crash leaves nothing behind to clean up. A group of a few files (a key, a status list)
 * syncs each file; a larger one (a batch's chunk) syncs the whole filesystem once with syncfs(),
 * which writes every file back in one pass and pays the journal commit once instead of once per
 * file: that is what lets a batch write files at the rate it signs them (docs/benchmarks.md). */
#define _GNU_SOURCE /* syncfs */
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* From this many files on, one syncfs() is cheaper than an fsync per file. */
#define SYNCFS_FROM 8

struct sc_staged_file {
  /* tmp NULL: unnamed (O_TMPFILE), or linked to its final name at the commit
   * (sc_file_group_add_same) */
  char *path, *tmp;
  int fd;       /* open until the commit; -1 for a hard link to the file staged before it */
  bool unnamed; /* written through fd, which has no name until the commit links one */
  size_t same;  /* linked at the commit: the file whose data it links to */
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

static size_t folder_length(const char *path);

/* Set once a filesystem refused O_TMPFILE (EOPNOTSUPP; EISDIR before Linux 3.11), or when
 * /proc/self/fd, through which an unprivileged process names such a file, is missing (a
 * chroot or container without /proc): then files go to temporary names as before.
 * SKILLCERT_TEST_NO_O_TMPFILE=1 makes every file go that way, so the tests cover both. */
static int tmpfile_refused;
static pthread_once_t proc_checked = PTHREAD_ONCE_INIT;

static void check_proc(void) {
  if (access("/proc/self/fd", X_OK) != 0)
    __atomic_store_n(&tmpfile_refused, 1, __ATOMIC_RELAXED);
}

static bool unnamed_wanted(void) {
  const char *test = getenv("SKILLCERT_TEST_NO_O_TMPFILE");
  pthread_once(&proc_checked, check_proc);
  return !__atomic_load_n(&tmpfile_refused, __ATOMIC_RELAXED) && !(test && *test == '1');
}

/* An unnamed file in path's folder, or -1 (then the caller names a temporary). */
static int open_unnamed(const char *path, unsigned mode) {
#ifdef O_TMPFILE
  char dir[PATH_MAX];
  size_t n = folder_length(path);
  if (!unnamed_wanted() || n >= sizeof dir)
    return -1;
  snprintf(dir, sizeof dir, "%.*s", (int)(n ? n : 1), n ? path : ".");
  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR))
    __atomic_store_n(&tmpfile_refused, 1, __ATOMIC_RELAXED);
  return fd;
#else
  (void)path, (void)mode;
  return -1;
#endif
}

/* Gives the unnamed file open as fd the name path (which must not exist). Linking by the
 * descriptor itself needs CAP_DAC_READ_SEARCH; anyone may link its /proc/self/fd entry. */
static int link_unnamed(int fd, const char *path) {
  if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0)
    return 0;
  if (errno == EEXIST)
    return errno;
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
}

/* A temporary name beside path (path.tmp.XXXXXX), created and open as *fd. */
static char *open_named(const char *path, int *fd) {
  size_t n = strlen(path);
  char *tmp = malloc(n + sizeof ".tmp.XXXXXX");
  if (!tmp)
    return NULL;
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
  *fd = mkstemp(tmp);
  return tmp;
}

int sc_file_group_add(sc_file_group *g, const char *path, const void *data, size_t len,
                      unsigned mode, sc_error *err) {
  if (!grow(g))
    return sc_oom(err);
  struct sc_staged_file *f = &g->files[g->count];
  f->path = strdup(path);
  f->tmp = NULL;
  f->fd = f->path ? open_unnamed(path, mode) : -1;
  f->unnamed = f->fd >= 0;
  if (f->path && !f->unnamed)
    f->tmp = open_named(path, &f->fd);
  if (!f->path || (!f->unnamed && !f->tmp)) {
    free(f->path);
    free(f->tmp);
    return sc_oom(err);
  }
  int saved = f->fd < 0 ? errno : 0;
  if (!saved && (fchmod(f->fd, (mode_t)mode) != 0 || write_all(f->fd, data, len) != 0))
    saved = errno;
  if (saved) {
    if (f->fd >= 0) {
      close(f->fd);
      if (f->tmp)
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

/* Once a hard link between two folders worked in this group, the next ones between the same
 * folders are made at the commit, straight to their final names. */
static bool same_folders(const char *a, const char *b) {
  size_t n = folder_length(a);
  return n == folder_length(b) && strncmp(a, b, n) == 0;
}

/* (An unnamed file keeps its fd until the commit: it is a source, never taken for a link.) */
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
  f->unnamed = false;
  if (f->path && (same->tmp || same->unnamed) && linked_before(g, same->path, path)) {
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
  /* The first copy of a group tries the link now: another filesystem, or one without hard
   * links, writes the copy out instead. */
  int linked = same->unnamed ? link_unnamed(same->fd, f->tmp) : link(same->tmp, f->tmp) ? errno : 0;
  if (linked != 0) {
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

/* Empties the group of its files; the folders whose names are pending stay. */
static void release(sc_file_group *g) {
  for (size_t i = 0; i < g->count; i++) {
    free(g->files[i].path);
    free(g->files[i].tmp);
  }
  free(g->files);
  g->files = NULL;
  g->count = g->cap = 0;
}

/* Names an unnamed file, and closes it. A name already there (a file rewritten by a re-run) is
 * replaced atomically: the file is linked to a temporary name, renamed over it. */
static int name_unnamed(struct sc_staged_file *f) {
  int rc = link_unnamed(f->fd, f->path);
  if (rc == EEXIST) {
    char *tmp = link_name(f->path);
    rc = !tmp ? ENOMEM : link_unnamed(f->fd, tmp) || rename(tmp, f->path) != 0 ? errno : 0;
    if (rc && tmp)
      unlink(tmp);
    free(tmp);
  }
  if (close(f->fd) != 0 && !rc)
    rc = errno;
  f->fd = -1;
  return rc;
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

static bool device_synced(const sc_file_group *g, unsigned long long device) {
  for (size_t k = 0; k < g->synced_count; k++)
    if (g->synced_device[k] == device)
      return true;
  return false;
}

/* One syncfs per filesystem the group's written files are on: a file copied to another mount
 * (sc_file_group_add_same where no hard link can reach) is not covered by the first file's.
 * False when one fails, or the files span more filesystems than are noted. */
static bool syncfs_each_filesystem(sc_file_group *g) {
  size_t max = sizeof g->synced_device / sizeof *g->synced_device;
  for (size_t i = 0; i < g->count; i++) {
    struct stat st;
    int fd = g->files[i].fd;
    if (fd < 0)
      continue;
    if (fstat(fd, &st) != 0)
      return false;
    if (device_synced(g, (unsigned long long)st.st_dev))
      continue;
    if (g->synced_count == max || syncfs(fd) != 0)
      return false;
    g->synced_device[g->synced_count++] = (unsigned long long)st.st_dev;
  }
  return g->synced_count > 0;
}

/* Makes the staged data durable before any name points at it. fdatasync is enough for a new
 * file (its size is data it needs); syncfs, when it works, covers the whole group at once
 * (and, since Linux 5.8, reports a write-back error of any file of the filesystem: then each
 * file is synced on its own, which says whether it was one of ours). */
static int sync_data(sc_file_group *g, size_t *failed) {
  *failed = 0;
  g->synced_count = 0;
  if (g->count >= SYNCFS_FROM && syncfs_each_filesystem(g))
    return 0;
  g->synced_count = 0;
  for (size_t i = 0; i < g->count; i++) {
    if (g->files[i].fd >= 0 && fdatasync(g->files[i].fd) != 0) {
      *failed = i;
      return errno;
    }
  }
  return 0;
}

/* also_device 0: its filesystem is unknown, so it always gets an fdatasync of its own. */
void sc_file_group_sync_also(sc_file_group *g, int fd, const char *name) {
  struct stat st;
  g->syncs_also = fd >= 0;
  g->also_fd = fd;
  g->also_device = g->syncs_also && fstat(fd, &st) == 0 ? (unsigned long long)st.st_dev : 0;
  g->also_name = name;
}

/* The file outside the group, after the group's data: nothing to do when a syncfs of its
 * filesystem has just covered it. */
static int sync_also(const sc_file_group *g) {
  if (!g->syncs_also || (g->also_device && device_synced(g, g->also_device)))
    return 0;
  return fdatasync(g->also_fd) == 0 ? 0 : errno;
}

/* The folders of the names the previous commit_names_later gave: synced now, or forgotten
 * when a syncfs of their filesystem (g->synced_device) has covered them since. */
static void settle_names(sc_file_group *g) {
  for (size_t i = 0; i < g->unsynced_count; i++) {
    if (!device_synced(g, g->unsynced_device[i]))
      sync_folder(g->unsynced[i], strlen(g->unsynced[i]));
    free(g->unsynced[i]);
    g->unsynced[i] = NULL;
  }
  g->unsynced_count = 0;
}

void sc_file_group_sync_names(sc_file_group *g) {
  g->synced_count = 0;
  settle_names(g);
}

bool sc_file_group_names_pending(const sc_file_group *g) {
  return g->unsynced_count > 0;
}

/* Notes each folder of the group once, to be synced later. A folder that cannot be noted
 * (out of memory, or a fifth folder) is synced now. */
static void defer_folders(sc_file_group *g) {
  for (size_t i = 0; i < g->count; i++) {
    const char *path = g->files[i].path;
    size_t len = folder_length(path);
    const char *folder = len ? path : ".";
    len = len ? len : 1;
    bool seen = false;
    for (size_t k = 0; k < g->unsynced_count && !seen; k++)
      seen = strlen(g->unsynced[k]) == len && strncmp(g->unsynced[k], folder, len) == 0;
    if (seen)
      continue;
    char *copy = g->unsynced_count < 4 ? strndup(folder, len) : NULL;
    struct stat st;
    if (copy && stat(copy, &st) == 0) {
      g->unsynced_device[g->unsynced_count] = (unsigned long long)st.st_dev;
      g->unsynced[g->unsynced_count++] = copy;
    } else {
      free(copy);
      sync_folder(folder, len);
    }
  }
}

static int commit(sc_file_group *g, bool names_later, sc_error *err) {
  size_t failed;
  int rc = sync_data(g, &failed); /* on failure it leaves no filesystem counted as synced */
  int also = rc ? 0 : sync_also(g);
  if (also) {
    sc_fail(err, SC_EIO, "%s: cannot sync: %s", g->also_name ? g->also_name : "a file",
            strerror(also));
    g->synced_count = 0;
    sc_file_group_abort(g);
    return SC_EIO;
  }
  settle_names(g); /* the previous commit's names */
  for (size_t i = 0; i < g->count; i++) {
    struct sc_staged_file *f = &g->files[i];
    if (f->unnamed)
      continue; /* closed once it has its name */
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
    sc_test_crash_point("synced"); /* the data durable, no file named yet */
  for (size_t i = 0; i < g->count; i++) {
    struct sc_staged_file *f = &g->files[i];
    int failed_with = f->unnamed                     ? name_unnamed(f)
                      : !f->tmp                      ? link_into_place(g, f)
                      : rename(f->tmp, f->path) != 0 ? errno
                                                     : 0;
    if (failed_with) {
      sc_fail(err, SC_EIO, "%s: cannot write: %s", f->path, strerror(failed_with));
      sync_folders(g); /* what was renamed stays: each of those files is whole */
      sc_file_group_abort(g);
      return SC_EIO;
    }
  }
  if (g->count >= SYNCFS_FROM)
    sc_test_crash_point("renamed"); /* named, the folders not yet synced */
  if (names_later)
    defer_folders(g);
  else
    sync_folders(g);
  release(g);
  return SC_OK;
}

int sc_file_group_commit(sc_file_group *g, sc_error *err) {
  return commit(g, false, err);
}

int sc_file_group_commit_names_later(sc_file_group *g, sc_error *err) {
  return commit(g, true, err);
}
