/* Growable byte buffers. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

bool sc_buf_reserve(sc_buf *buf, size_t extra) {
  if (extra > SIZE_MAX - buf->len - 1)
    return false;
  size_t need = buf->len + extra + 1; /* room for the NUL */
  if (need <= buf->cap)
    return true;
  size_t cap = buf->cap ? buf->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  unsigned char *data = realloc(buf->data, cap);
  if (!data) {
    sc_alloc_note_failure(); /* callers that ignore the false still learn it (alloc_watch.c) */
    return false;
  }
  buf->data = data;
  buf->cap = cap;
  return true;
}

bool sc_buf_append(sc_buf *buf, const void *data, size_t len) {
  if (!sc_buf_reserve(buf, len))
    return false;
  if (len)
    memcpy(buf->data + buf->len, data, len);
  buf->len += len;
  buf->data[buf->len] = '\0';
  return true;
}

bool sc_buf_append_str(sc_buf *buf, const char *s) {
  return sc_buf_append(buf, s, strlen(s));
}

/* Byte by byte is how escapers and decoders write: the common case stays a store. */
bool sc_buf_append_byte(sc_buf *buf, unsigned char byte) {
  if (buf->len + 1 < buf->cap) {
    buf->data[buf->len++] = byte;
    buf->data[buf->len] = '\0';
    return true;
  }
  return sc_buf_append(buf, &byte, 1);
}

void sc_buf_reset(sc_buf *buf) {
  buf->len = 0;
  if (buf->data)
    buf->data[0] = '\0';
}

void sc_buf_free(sc_buf *buf) {
  free(buf->data);
  buf->data = NULL;
  buf->len = buf->cap = 0;
}

char *sc_buf_take(sc_buf *buf) {
  if (!buf->data) {
    if (!sc_buf_reserve(buf, 0))
      return NULL;
    buf->data[0] = '\0'; /* a fresh buffer holds nothing yet, not even its NUL */
  }
  char *s = (char *)buf->data;
  buf->data = NULL;
  buf->len = buf->cap = 0;
  return s;
}
