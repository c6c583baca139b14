/* The one capped inflater: a QR payload, a status list's bitstring and a PDF attachment are
 * all a few hundred bytes that could inflate to gigabytes, so each is read through here with
 * the same rules (core.h, sc_inflate_capped). */
#include "core/core.h"

#include <limits.h>
#include <string.h>
#include <zlib.h>

static int window_bits(sc_inflate_format format) {
  switch (format) {
  case SC_INFLATE_GZIP:
    return 16 + 15;
  case SC_INFLATE_RAW:
    return -15;
  default:
    return 15;
  }
}

static const char *format_name(sc_inflate_format format) {
  return format == SC_INFLATE_GZIP ? "GZIP" : format == SC_INFLATE_RAW ? "DEFLATE" : "zlib";
}

static int start(z_stream *zs, const sc_inflate_options *o, sc_error *err) {
  memset(zs, 0, sizeof *zs);
  if (inflateInit2(zs, window_bits(o->format)) != Z_OK)
    return sc_oom(err);
  if (o->dictionary && o->format == SC_INFLATE_RAW &&
      inflateSetDictionary(zs, o->dictionary, (uInt)o->dictionary_len) != Z_OK) {
    inflateEnd(zs);
    return sc_fail(err, SC_ESOFTWARE, "%s: cannot set the DEFLATE dictionary", o->what);
  }
  return SC_OK;
}

/* What stopped the stream when it did not end well. */
static int stream_problem(const z_stream *zs, int z, const sc_inflate_options *o, sc_error *err) {
  if (z == Z_MEM_ERROR)
    return sc_oom(err);
  if (z == Z_BUF_ERROR) /* all input read, no end of stream */
    return sc_fail(err, SC_EDATA, "%s: broken %s stream (truncated)", o->what,
                   format_name(o->format));
  return sc_fail(err, SC_EDATA, "%s: not a valid %s stream (corrupt: %s)", o->what,
                 format_name(o->format), zs->msg ? zs->msg : "needs a dictionary");
}

int sc_inflate_capped(const uint8_t *in, size_t len, const sc_inflate_options *o, sc_buf *out,
                      sc_error *err) {
  if (len > UINT_MAX)
    return sc_fail(err, SC_EDATA, "%s: %zu compressed bytes is too large", o->what, len);
  z_stream zs;
  int rc = start(&zs, o, err);
  if (rc != SC_OK)
    return rc;
  zs.next_in = (Bytef *)in;
  zs.avail_in = (uInt)len;
  size_t made = 0;
  unsigned char chunk[16384];
  int z = Z_OK;
  while (rc == SC_OK && z == Z_OK) {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    z = inflate(&zs, Z_NO_FLUSH);
    size_t got = sizeof chunk - zs.avail_out;
    if (z != Z_OK && z != Z_STREAM_END)
      rc = stream_problem(&zs, z, o, err);
    else if ((made += got) > o->max_out)
      rc = sc_fail(err, SC_EDATA, "%s inflates to more than %zu bytes", o->what, o->max_out);
    else if (!sc_buf_append(out, chunk, got))
      rc = sc_oom(err);
  }
  if (rc == SC_OK && zs.avail_in != 0)
    rc = sc_fail(err, SC_EDATA, "%s: %u bytes of trailing data after the end of the %s stream",
                 o->what, zs.avail_in, format_name(o->format));
  inflateEnd(&zs);
  return rc;
}
