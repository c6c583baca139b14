/* Reading whole files with a size cap, and writing one so that no reader ever sees half. */
#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sc_path_format(char *out, size_t size, int code, sc_error *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, size, fmt, ap);
  va_end(ap);
  if (n >= 0 && (size_t)n < size)
    return SC_OK;
  if (n >= 0)
    sc_text_mark_cut(out, size > 64 ? 64 : size, -1); /* the start is enough to recognise it */
  int rc = sc_fail(err, code, "%s: path too long (more than %zu bytes)", n >= 0 ? out : fmt, size - 1);
  if (size)
    out[0] = '\0'; /* never a usable prefix of the path */
  return rc;
}

static int read_fd(int fd, const char *name, size_t max_bytes, sc_buf *out, sc_error *err) {
  unsigned char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sc_fail(err, SC_ENOINPUT, "%s: %s", name, strerror(errno));
    if (n == 0)
      return SC_OK;
    if (out->len + (size_t)n > max_bytes)
      return sc_fail(err, SC_EDATA, "%s: larger than the limit of %zu bytes", name, max_bytes);
    if (!sc_buf_append(out, chunk, (size_t)n))
      return sc_oom(err);
  }
}

int sc_read_file(const char *path, size_t max_bytes, sc_buf *out, sc_error *err) {
  if (strcmp(path, "-") == 0)
    return read_fd(STDIN_FILENO, "<stdin>", max_bytes, out, err);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sc_fail(err, SC_ENOINPUT, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return sc_fail(err, SC_ENOINPUT, "%s: is a directory", path);
  }
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max_bytes) {
    close(fd);
    return sc_fail(err, SC_EDATA, "%s: %jd bytes, larger than the limit of %zu bytes", path,
                   (intmax_t)st.st_size, max_bytes);
  }
  int rc = read_fd(fd, path, max_bytes, out, err);
  close(fd);
  return rc;
}

int sc_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode,
                         sc_error *err) {
  sc_file_group one = {0};
  int rc = sc_file_group_add(&one, path, data, len, mode, err);
  if (rc != SC_OK) {
    sc_file_group_abort(&one); /* frees the list a failed add leaves allocated */
    return rc;
  }
  return sc_file_group_commit(&one, err);
}
