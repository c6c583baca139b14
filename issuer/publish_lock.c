/* The home's publishing lock: one publisher at a time reads the registry and renames lists into
 * public/, so a list made from an older registry state is never renamed over a newer one. */
#define _GNU_SOURCE /* F_OFD_SETLKW */
#include "issuer/issuer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* An open file description lock (Linux 3.15+), not a classic POSIX one: it belongs to this
 * descriptor, so two threads of one process (the HTTP service) exclude each other too, and
 * closing some other descriptor of the file cannot drop it. Like a POSIX lock it is honoured
 * over NFS by a working lock manager. */
int sc_home_publish_lock(const sc_home *home, int *fd, sc_error *err) {
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/.publish.lock", home->root) >= (int)sizeof path)
    return sc_fail(err, SC_ECANTCREAT, "%s: path too long", home->root);
  *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (*fd < 0)
    return sc_fail(err, SC_ECANTCREAT, "%s: %s", path, strerror(errno));
  struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
  int rc;
  while ((rc = fcntl(*fd, F_OFD_SETLKW, &whole)) != 0 && errno == EINTR)
    continue;
  if (rc == 0)
    return SC_OK;
  int saved = errno;
  close(*fd);
  *fd = -1;
  return sc_fail(err, SC_EIO, "%s: cannot take the publishing lock: %s", path, strerror(saved));
}

void sc_home_publish_unlock(int fd) {
  if (fd >= 0)
    close(fd);
}
