/* Flate compression of the certificate's streams, done here rather than by libharu.
 *
 * libharu sets up and tears down a 256 KB zlib state for every stream it compresses, and a
 * certificate has ten of them. A renderer keeps one deflate state and resets it per stream,
 * and keeps the compressed form of recent streams keyed by their bytes: in a batch, the font
 * subsets and ToUnicode maps of the texts every certificate shares (achievement, issuer,
 * labels) are the same from one certificate to the next, so only the recipient's font and
 * the page itself are compressed again. zlib's output depends only on its input and
 * settings, so a cached stream is byte for byte what compressing it again would give. */
#include "issuer/pdf_internal.h"

#include <hpdf_pages.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAX_RAW (512 * 1024) /* larger streams (a big CJK subset) are not kept */

void sc_flate_free(sc_flate *f) {
  if (f->ready)
    deflateEnd(&f->z);
  for (size_t i = 0; i < SC_FLATE_CACHE; i++) {
    free(f->cache[i].raw);
    sc_buf_free(&f->cache[i].packed);
  }
  sc_buf_free(&f->scratch);
  memset(f, 0, sizeof *f);
}

static int start(sc_flate *f, int level, sc_error *err) {
  int zrc = f->ready ? deflateReset(&f->z) : deflateInit(&f->z, level);
  if (zrc == Z_OK && f->ready && f->level != level)
    zrc = deflateParams(&f->z, level, Z_DEFAULT_STRATEGY); /* nothing pending after a reset */
  if (zrc == Z_MEM_ERROR)
    return sc_oom(err);
  if (zrc != Z_OK)
    return sc_fail(err, SC_ESOFTWARE, "PDF: zlib cannot start (%d)", zrc);
  f->ready = true;
  f->level = level;
  return SC_OK;
}

int sc_flate_compress(sc_flate *f, int level, const void *data, size_t len, sc_buf *out,
                      sc_error *err) {
  int rc = start(f, level, err);
  if (rc != SC_OK)
    return rc;
  sc_buf_reset(out);
  size_t bound = deflateBound(&f->z, (uLong)len);
  if (!sc_buf_reserve(out, bound))
    return sc_oom(err);
  f->z.next_in = (Bytef *)(uintptr_t)data; /* zlib's API is not const; it only reads */
  f->z.avail_in = (uInt)len;
  f->z.next_out = out->data;
  f->z.avail_out = (uInt)bound;
  int zrc = deflate(&f->z, Z_FINISH);
  if (zrc != Z_STREAM_END)
    return sc_fail(err, SC_ESOFTWARE, "PDF: zlib failed (%d)", zrc);
  out->len = bound - f->z.avail_out;
  out->data[out->len] = '\0';
  return SC_OK;
}

static sc_flate_entry *find(sc_flate *f, const void *data, size_t len) {
  for (size_t i = 0; i < SC_FLATE_CACHE; i++) {
    sc_flate_entry *e = &f->cache[i];
    if (e->raw && e->raw_len == len && memcmp(e->raw, data, len) == 0)
      return e;
  }
  return NULL;
}

static sc_flate_entry *least_recently_used(sc_flate *f) {
  sc_flate_entry *oldest = &f->cache[0];
  for (size_t i = 1; i < SC_FLATE_CACHE; i++)
    if (f->cache[i].used < oldest->used)
      oldest = &f->cache[i];
  return oldest;
}

int sc_flate_cached(sc_flate *f, const void *data, size_t len, const sc_buf **packed,
                    sc_error *err) {
  sc_flate_entry *e = find(f, data, len);
  if (!e) {
    if (len > CACHE_MAX_RAW) {
      f->misses++;
      *packed = &f->scratch;
      return sc_flate_compress(f, Z_DEFAULT_COMPRESSION, data, len, &f->scratch, err);
    }
    f->misses++;
    e = least_recently_used(f);
    free(e->raw);
    e->raw = malloc(len ? len : 1);
    e->raw_len = len;
    if (!e->raw)
      return sc_oom(err);
    memcpy(e->raw, data, len);
    int rc = sc_flate_compress(f, Z_DEFAULT_COMPRESSION, data, len, &e->packed, err);
    if (rc != SC_OK) {
      free(e->raw);
      e->raw = NULL;
      return rc;
    }
  }
  e->used = ++f->clock;
  *packed = &e->packed;
  return SC_OK;
}

/* libharu drops a /Filter key of a stream it did not compress itself; its write_fn hook
 * writes extra entries into the dictionary, so the key goes there. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream) {
  (void)dict;
  return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

HPDF_Dict sc_pdf_packed_stream(HPDF_Doc doc, const void *packed, size_t len) {
  HPDF_Dict stream = HPDF_DictStream_New(doc->mmgr, doc->xref);
  if (!stream || HPDF_Stream_Write(stream->stream, packed, (HPDF_UINT)len) != HPDF_OK)
    return NULL;
  stream->write_fn = write_flate_filter;
  return stream;
}

HPDF_Dict sc_pdf_flate_stream(sc_pdf_renderer *r, const void *data, size_t len, bool shared,
                              sc_error *err) {
  const sc_buf *packed = &r->flate.scratch;
  int rc = shared ? sc_flate_cached(&r->flate, data, len, &packed, err)
                  : sc_flate_compress(&r->flate, Z_DEFAULT_COMPRESSION, data, len,
                                      &r->flate.scratch, err);
  if (rc != SC_OK)
    return NULL;
  HPDF_Dict stream = sc_pdf_packed_stream(r->doc, packed->data, packed->len);
  if (!stream)
    sc_fail(err, SC_ESOFTWARE, "PDF: cannot add a stream: out of memory");
  return stream;
}

/* Reads a libharu memory stream through its buffers: HPDF_ReadFromStream copies byte by byte. */
int sc_pdf_stream_bytes(HPDF_Stream stream, sc_buf *out, sc_error *err) {
  sc_buf_reset(out);
  for (HPDF_UINT i = 0, n = HPDF_MemStream_GetBufCount(stream); i < n; i++) {
    HPDF_UINT len = 0;
    HPDF_BYTE *part = HPDF_MemStream_GetBufPtr(stream, i, &len);
    if (!part || !sc_buf_append(out, part, len))
      return sc_oom(err);
  }
  return SC_OK;
}

int sc_pdf_compress_page(sc_pdf_renderer *r, HPDF_Page page, sc_error *err) {
  HPDF_PageAttr attr = page->attr;
  HPDF_Stream content = attr->stream;
  sc_buf *raw = &r->page_content;
  int rc = sc_pdf_stream_bytes(content, raw, err);
  if (rc != SC_OK)
    return rc;
  /* Mostly the QR code's thousands of "x y w 1 re": zlib's level 2 gets 28 KB to 8 KB in a
   * quarter of the time level 6 takes to get it to 6.4 KB. */
  rc = sc_flate_compress(&r->flate, 2, raw->data, raw->len, &r->flate.scratch, err);
  if (rc != SC_OK)
    return rc;
  HPDF_MemStream_FreeData(content);
  if (HPDF_Stream_Write(content, r->flate.scratch.data, (HPDF_UINT)r->flate.scratch.len) != HPDF_OK)
    return sc_fail(err, SC_ESOFTWARE, "PDF: cannot write the page: out of memory");
  attr->contents->write_fn = write_flate_filter;
  return SC_OK;
}
