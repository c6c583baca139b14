/* The credential as the registry keeps it: its exact bytes, compressed; the first byte names
 * the form, so that a better one can come without rewriting old rows.
 *   0x01  DEFLATE with the QR payload's preset dictionary (core/qr_dictionary_v1.c), which
 *         already holds the VC, Open Badges and Data Integrity vocabulary every credential
 *         repeats: a 3.3 KB credential keeps about 0.9 KB. A single `skillcert issue`, the VC
 *         API and the migration to schema 4 write it: it needs no dictionary row.
 *   0x02  zstd with a registry dictionary, a batch's first credential (registry_dictionaries.c):
 *         about 0.35 KB. */
#include "issuer/registry_internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* zlib's default level, an 8 KB window and small hash tables: the dictionary (2.7 KB) and a
 * credential (3 to 4 KB) fit in the window, so the output is the bytes level 6 gives with the
 * full window (and within 0.5 % of level 9), in about 30 us instead of 54 us for level 9 with
 * the full window and memLevel 9; a batch spent 13 % of its CPU here (docs/benchmarks.md). A
 * larger credential only compresses a little less; the reader inflates with the full window,
 * which reads any smaller one. */
#define PACK_LEVEL 6
#define PACK_WINDOW_BITS 13
#define PACK_MEM_LEVEL 6

int sc_registry_pack(const char *text, size_t len, sc_buf *out, sc_error *err) {
  z_stream z = {0};
  if (deflateInit2(&z, PACK_LEVEL, Z_DEFLATED, -PACK_WINDOW_BITS, PACK_MEM_LEVEL,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return sc_oom(err);
  size_t dict_len = 0;
  const uint8_t *dict = sc_qr_dictionary_v1(&dict_len);
  size_t bound = deflateBound(&z, (uLong)len) + 1;
  int rc = deflateSetDictionary(&z, dict, (uInt)dict_len) == Z_OK && sc_buf_reserve(out, bound)
               ? SC_OK
               : sc_oom(err);
  if (rc == SC_OK) {
    out->data[out->len++] = SC_PACK_DEFLATE_QR_V1;
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)len;
    z.next_out = out->data + out->len;
    z.avail_out = (uInt)(bound - 1);
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
      rc = sc_fail(err, SC_ESOFTWARE, "registry: compressing a credential failed");
    else
      out->len += z.total_out;
  }
  deflateEnd(&z);
  return rc;
}

static char *unpack_deflate(const uint8_t *data, size_t len, sc_error *err) {
  size_t dict_len = 0;
  sc_inflate_options o = {.format = SC_INFLATE_RAW,
                          .max_out = SC_JSON_MAX_BYTES,
                          .dictionary = sc_qr_dictionary_v1(&dict_len),
                          .what = "registry: a stored credential"};
  o.dictionary_len = dict_len;
  sc_buf text = {0};
  if (sc_inflate_capped(data, len, &o, &text, err) != SC_OK) {
    sc_buf_free(&text);
    return NULL;
  }
  char *s = sc_buf_take(&text);
  if (!s)
    sc_oom(err);
  return s;
}

char *sc_registry_unpack(sc_registry *reg, const char *credential, const uint8_t *data, size_t len,
                         sc_error *err) {
  if (len >= 1 && data[0] == SC_PACK_DEFLATE_QR_V1)
    return unpack_deflate(data + 1, len - 1, err);
  if (len >= 1 && data[0] == SC_PACK_ZSTD_DICTIONARY && reg)
    return sc_registry_unpack_zstd(reg, credential, data + 1, len - 1, err);
  sc_fail(err, SC_EDATA,
          "%s: credential %s is stored in a form this skillcert does not know (%d); a newer "
          "skillcert may have written it",
          reg ? reg->path : "registry", credential, len ? data[0] : -1);
  return NULL;
}
