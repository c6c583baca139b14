/* The one error type of skillcert: a code (sc_code) and a message for humans. */
#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sc_fail(sc_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}

int sc_error_prefix(sc_error *err, const char *fmt, ...) {
  if (!err)
    return SC_ESOFTWARE;
  char prefix[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  char joined[sizeof err->message];
  sc_text_mark_cut(joined, sizeof joined, snprintf(joined, sizeof joined, "%s: %s", prefix, err->message));
  memcpy(err->message, joined, sizeof joined);
  return err->code;
}

bool sc_text_mark_cut(char *out, size_t size, int n) {
  if (n >= 0 && (size_t)n < size)
    return true;
  static const char mark[] = "...";
  if (size >= sizeof mark)
    memcpy(out + size - sizeof mark, mark, sizeof mark);
  return false;
}

int sc_oom(sc_error *err) {
  return sc_fail(err, SC_ESOFTWARE, "out of memory");
}

void sc_error_clear(sc_error *err) {
  if (err) {
    err->code = SC_OK;
    err->message[0] = '\0';
  }
}
