/* W3C Bitstring Status List v1.0 codec: encodedList = 'u' + base64url(GZIP(bitstring)), bit i
 * being the (i % 8)-th most significant bit of byte i / 8. zlib does the GZIP; this file adds
 * the limits a verifier needs against hostile lists (bombs, wrong framing, short lists). */
#include "core/core.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define GZIP_WINDOW_BITS 31 /* 15 (32 KiB window) + 16: GZIP framing, not zlib */
#define GZIP_LEVEL 9
#define INFLATE_CHUNK ((size_t)64 << 10)
#define MAX_STATUS_SIZE 32 /* the value is returned in an unsigned */

/* ---------------------------------------------------------------- encoding */

/* GZIP of bits into out. zlib writes mtime 0 and a fixed OS byte when no header is set, so
 * the same bits always give the same bytes. */
static int gzip_bits(const uint8_t *bits, size_t len, sc_buf *out, sc_error *err) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (len > UINT_MAX)
    return sc_fail(err, SC_EDATA, "status list of %zu bytes is too large to compress", len);
  if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, GZIP_WINDOW_BITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return sc_oom(err);
  uLong bound = deflateBound(&z, (uLong)len);
  unsigned char *data = bound <= UINT_MAX ? malloc(bound) : NULL;
  if (!data) {
    deflateEnd(&z);
    return sc_oom(err);
  }
  z.next_in = (Bytef *)(uintptr_t)bits;
  z.avail_in = (uInt)len;
  z.next_out = data;
  z.avail_out = (uInt)bound;
  int zrc = deflate(&z, Z_FINISH);
  size_t produced = bound - z.avail_out;
  deflateEnd(&z);
  int rc = SC_OK;
  if (zrc != Z_STREAM_END)
    rc = sc_fail(err, SC_ESOFTWARE, "status list: GZIP compression failed (zlib %d)", zrc);
  else if (!sc_buf_append(out, data, produced))
    rc = sc_oom(err);
  free(data);
  return rc;
}

char *sc_status_list_encode(const uint8_t *bits, size_t len, sc_error *err) {
  sc_buf gz = {0};
  if (gzip_bits(bits, len, &gz, err) != SC_OK) {
    sc_buf_free(&gz);
    return NULL;
  }
  char *encoded = sc_multibase_encode('u', gz.data, gz.len);
  sc_buf_free(&gz);
  if (!encoded)
    sc_oom(err);
  return encoded;
}

/* ---------------------------------------------------------------- decoding */

/* Only GZIP is the standard's framing; the other two DEFLATE framings are named so that
 * whoever made the list learns what went wrong. */
static int require_gzip(const sc_buf *compressed, sc_error *err) {
  const unsigned char *d = compressed->data;
  if (compressed->len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
    return SC_OK;
  if (compressed->len >= 2 && (d[0] & 0x0f) == 8 && ((d[0] << 8) | d[1]) % 31 == 0)
    return sc_fail(err, SC_EDATA,
                   "encodedList: a zlib stream (header %02x %02x), but the standard requires "
                   "GZIP (header 1f 8b)",
                   d[0], d[1]);
  return sc_fail(err, SC_EDATA,
                 "encodedList: not a GZIP stream (no 1f 8b header; raw DEFLATE and "
                 "uncompressed lists are not accepted)");
}

/* Inflates one GZIP member into bits, under sc_inflate_capped's rules. */
static int gunzip_capped(const sc_buf *compressed, sc_buf *bits, sc_error *err) {
  sc_inflate_options o = {
      .format = SC_INFLATE_GZIP, .max_out = SC_STATUS_LIST_MAX_BYTES, .what = "encodedList"};
  return sc_inflate_capped(compressed->data, compressed->len, &o, bits, err);
}

static int require_length(size_t len, size_t min_entries, unsigned status_size, sc_error *err) {
  size_t entries = len / status_size * 8 + len % status_size * 8 / status_size;
  if (entries < min_entries)
    return sc_fail(err, SC_EDATA, "status list too short: %zu entries, at least %zu required",
                   entries, min_entries);
  return SC_OK;
}

int sc_status_list_decode(const char *encoded, size_t min_entries, unsigned status_size,
                          sc_buf *bits, sc_error *err) {
  if (status_size == 0 || status_size > MAX_STATUS_SIZE)
    return sc_fail(err, SC_EDATA, "statusSize %u: expected 1 to %d bits", status_size,
                   MAX_STATUS_SIZE);
  if (!encoded || encoded[0] != 'u')
    return sc_fail(err, SC_EDATA,
                   "encodedList: expected multibase 'u' (base64url without padding)");
  sc_buf compressed = {0};
  int rc = sc_base64url_decode(encoded + 1, strlen(encoded + 1), &compressed, err);
  if (rc != SC_OK)
    sc_error_prefix(err, "encodedList");
  if (rc == SC_OK)
    rc = require_gzip(&compressed, err);
  bits->len = 0;
  if (rc == SC_OK)
    rc = gunzip_capped(&compressed, bits, err);
  if (rc == SC_OK)
    rc = require_length(bits->len, min_entries, status_size, err);
  sc_buf_free(&compressed);
  if (rc != SC_OK)
    sc_buf_free(bits);
  return rc;
}

/* ---------------------------------------------------------------- entries */

static unsigned bit_at(const uint8_t *bits, size_t i) {
  return (bits[i / 8] >> (7 - i % 8)) & 1u;
}

int sc_status_list_get(const uint8_t *bits, size_t len, size_t index, unsigned status_size,
                       unsigned *value, sc_error *err) {
  if (status_size == 0 || status_size > MAX_STATUS_SIZE)
    return sc_fail(err, SC_EDATA, "statusSize %u: expected 1 to %d bits", status_size,
                   MAX_STATUS_SIZE);
  size_t entries = len / status_size * 8 + len % status_size * 8 / status_size;
  if (index >= entries)
    return sc_fail(err, SC_EDATA, "status list index %zu is out of range: the list has %zu entries",
                   index, entries);
  unsigned v = 0;
  for (unsigned b = 0; b < status_size; b++)
    v = (v << 1) | bit_at(bits, index * status_size + b);
  *value = v;
  return SC_OK;
}

void sc_status_list_set(uint8_t *bits, size_t index, bool value) {
  uint8_t mask = (uint8_t)(0x80u >> (index % 8));
  if (value)
    bits[index / 8] |= mask;
  else
    bits[index / 8] &= (uint8_t)~mask;
}
