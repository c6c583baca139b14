/* Packing against a registry dictionary (form 0x02, schema 10; docs/registry.md "Packed
 * credentials"). A batch's credentials differ from each other only in a few dozen bytes (the
 * ids, the name, the dates, the proof), so the batch's first credential is the best dictionary
 * for the rest: zstd with it keeps ≈ 340 B of a 3.3 KB credential in ≈ 5 µs, where DEFLATE with
 * the QR dictionary keeps ≈ 890 B in ≈ 28 µs (docs/benchmarks.md). The dictionary is stored
 * once, in the dictionaries table, in the transaction of the first credential packed with it;
 * a credential names it by id:
 *
 *   0x02 | the dictionary's id (unsigned LEB128) | one zstd frame (content size, checksum)
 *
 * The frame's checksum catches a damaged row; the dictionary's SHA-256, checked when it is
 * loaded, a damaged dictionary. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define PACK_ZSTD_LEVEL 3 /* level 1 is no faster on 3 KB, 5 no smaller (docs/benchmarks.md) */
#define DDICT_CACHE 16    /* dictionaries kept for reading: a registry has one per batch */
#define ID_MAX_BYTES 10   /* LEB128 of a 64-bit id */

typedef struct ddict_slot {
  int64_t id; /* 0: empty */
  ZSTD_DDict *ddict;
} ddict_slot;

struct sc_registry_packing {
  /* Writing: the dictionary the handle's batch offered (bytes NULL: none). */
  char *bytes;
  size_t len;
  char sha256[SC_SHA256_HEX_SIZE];
  int64_t id;       /* its row; 0: not yet stored or looked up */
  bool unconfirmed; /* id came from a transaction not yet committed */
  ZSTD_CDict *cdict;
  ZSTD_CCtx *cctx;
  /* Reading: the dictionaries met so far, the oldest replaced first. */
  ZSTD_DCtx *dctx;
  ddict_slot cache[DDICT_CACHE];
  size_t oldest;
};

static sc_registry_packing *packing_of(sc_registry *reg, sc_error *err) {
  if (!reg->packing && !(reg->packing = calloc(1, sizeof *reg->packing)))
    sc_oom(err);
  return reg->packing;
}

static void forget_dictionary(sc_registry_packing *p) {
  ZSTD_freeCDict(p->cdict);
  free(p->bytes);
  p->cdict = NULL;
  p->bytes = NULL;
  p->len = 0;
  p->id = 0;
  p->unconfirmed = false;
}

void sc_registry_packing_free(sc_registry *reg) {
  sc_registry_packing *p = reg->packing;
  if (!p)
    return;
  forget_dictionary(p);
  ZSTD_freeCCtx(p->cctx);
  ZSTD_freeDCtx(p->dctx);
  for (size_t i = 0; i < DDICT_CACHE; i++)
    ZSTD_freeDDict(p->cache[i].ddict);
  free(p);
  reg->packing = NULL;
}

/* The compression context keeps the dictionary and the frame's parameters for every credential
 * the handle packs with it: ZSTD_compress2 resets only the session. */
static int prepare_context(sc_registry_packing *p, sc_error *err) {
  if (!p->cctx && !(p->cctx = ZSTD_createCCtx()))
    return sc_oom(err);
  ZSTD_CCtx_reset(p->cctx, ZSTD_reset_session_and_parameters);
  if (ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_checksumFlag, 1)) ||
      ZSTD_isError(ZSTD_CCtx_setParameter(p->cctx, ZSTD_c_contentSizeFlag, 1)) ||
      ZSTD_isError(ZSTD_CCtx_refCDict(p->cctx, p->cdict)))
    return sc_fail(err, SC_ESOFTWARE, "registry: setting up zstd failed");
  return SC_OK;
}

int sc_registry_offer_dictionary(sc_registry *reg, const char *text, size_t len, sc_error *err) {
  sc_registry_packing *p = packing_of(reg, err);
  if (!p)
    return err->code;
  if (p->bytes)
    return SC_OK; /* the batch has its dictionary */
  if (!(p->bytes = malloc(len ? len : 1)))
    return sc_oom(err);
  memcpy(p->bytes, text, len);
  p->len = len;
  if (sc_sha256_hex(p->bytes, len, p->sha256) != SC_OK ||
      !(p->cdict = ZSTD_createCDict(p->bytes, len, PACK_ZSTD_LEVEL))) {
    forget_dictionary(p);
    return sc_oom(err);
  }
  int rc = prepare_context(p, err);
  if (rc != SC_OK)
    forget_dictionary(p);
  return rc;
}

void sc_registry_drop_dictionary(sc_registry *reg) {
  if (reg->packing)
    forget_dictionary(reg->packing);
}

/* A dictionary whose row went with a rolled-back transaction is forgotten, not stored again
 * later: the credential it was made from was not recorded either, and a signed credential
 * must not sit in the registry without its row (its status slot may go to another). The
 * batch's next chunk offers its own first credential. The dictionaries read are dropped too:
 * one read inside the transaction may be gone, and SQLite gives its id to the next row. */
void sc_registry_packing_transaction_end(sc_registry *reg, bool committed) {
  sc_registry_packing *p = reg->packing;
  if (!p)
    return;
  bool stored_here = p->unconfirmed;
  p->unconfirmed = false;
  if (committed)
    return;
  if (stored_here)
    forget_dictionary(p);
  for (size_t i = 0; i < DDICT_CACHE; i++) {
    ZSTD_freeDDict(p->cache[i].ddict);
    p->cache[i] = (ddict_slot){0};
  }
}

/* Insert-or-get by SHA-256, in the caller's transaction: a credential naming the row commits
 * with it or not at all. Two workers on one PostgreSQL that declare the same bytes share the
 * row (the second waits for the first's commit, then finds it). */
static int store_dictionary(sc_registry *reg, sc_registry_packing *p, sc_error *err) {
  sc_sql_stmt *insert = sc_registry_stmt(reg, STMT_DICTIONARY_INSERT,
                                         "INSERT INTO dictionaries (sha256, bytes) VALUES ($1, $2)"
                                         " ON CONFLICT (sha256) DO NOTHING",
                                         err);
  if (!insert)
    return err->code;
  reg->driver->bind_text(insert, 1, p->sha256);
  reg->driver->bind_blob(insert, 2, p->bytes, p->len);
  bool row = false;
  int rc = sc_sql_step(reg, insert, "storing a dictionary", &row, err);
  sc_sql_stmt *find = rc == SC_OK
                          ? sc_registry_stmt(reg, STMT_DICTIONARY_ID,
                                             "SELECT id FROM dictionaries WHERE sha256 = $1", err)
                          : NULL;
  if (rc == SC_OK && !find)
    rc = err->code;
  if (rc == SC_OK) {
    reg->driver->bind_text(find, 1, p->sha256);
    rc = sc_sql_step(reg, find, "looking up a dictionary", &row, err);
  }
  if (rc == SC_OK && !row)
    rc = sc_fail(err, SC_ESOFTWARE, "%s: a dictionary just stored is not there", reg->path);
  if (rc == SC_OK) {
    p->id = sc_sql_int64(reg, find, 0);
    p->unconfirmed = true;
    sc_test_crash_point("dictionary"); /* the row written, its transaction not committed */
  }
  if (find)
    reg->driver->reset(find);
  return rc;
}

static size_t put_id(uint8_t *out, uint64_t id) {
  size_t n = 0;
  do {
    out[n++] = (uint8_t)((id & 0x7f) | (id > 0x7f ? 0x80 : 0));
    id >>= 7;
  } while (id);
  return n;
}

int sc_registry_pack_stored(sc_registry *reg, const char *text, size_t len, sc_buf *out,
                            sc_error *err) {
  sc_registry_packing *p = reg->packing;
  if (!p || !p->bytes)
    return sc_registry_pack(text, len, out, err);
  if (!p->id) {
    int rc = store_dictionary(reg, p, err);
    if (rc != SC_OK)
      return rc;
  }
  size_t bound = 1 + ID_MAX_BYTES + ZSTD_compressBound(len);
  if (!sc_buf_reserve(out, bound))
    return sc_oom(err);
  uint8_t *at = out->data + out->len;
  size_t head = 0;
  at[head++] = SC_PACK_ZSTD_DICTIONARY;
  head += put_id(at + head, (uint64_t)p->id);
  size_t n = ZSTD_compress2(p->cctx, at + head, bound - head, text, len);
  if (ZSTD_isError(n))
    return sc_fail(err, SC_ESOFTWARE, "registry: compressing a credential failed: %s",
                   ZSTD_getErrorName(n));
  out->len += head + n;
  out->data[out->len] = 0;
  return SC_OK;
}

/* --------------------------------------------------------------------------------- reading */

static bool get_id(const uint8_t *data, size_t len, int64_t *id, size_t *used) {
  uint64_t value = 0;
  for (size_t i = 0; i < len && i < ID_MAX_BYTES; i++) {
    value |= (uint64_t)(data[i] & 0x7f) << (7 * i);
    if (!(data[i] & 0x80)) {
      *used = i + 1;
      *id = (int64_t)value;
      return value > 0 && value <= INT64_MAX && (i < 9 || data[i] <= 1);
    }
  }
  return false;
}

/* The dictionary's bytes, checked against its SHA-256, as a decompression dictionary. */
static int load_dictionary(sc_registry *reg, int64_t id, const char *credential, ZSTD_DDict **out,
                           sc_error *err) {
  sc_sql_stmt *stmt = sc_registry_stmt(reg, STMT_DICTIONARY_GET,
                                       "SELECT bytes, sha256 FROM dictionaries WHERE id = $1", err);
  if (!stmt)
    return err->code;
  sc_sql_bind_int64(reg, stmt, 1, id);
  bool row = false;
  int rc = sc_sql_step(reg, stmt, "reading a dictionary", &row, err);
  size_t len = 0, sha_len = 0;
  const uint8_t *bytes = row ? reg->driver->column_blob(stmt, 0, &len) : NULL;
  const char *sha256 = row ? reg->driver->column_text(stmt, 1, &sha_len) : NULL;
  char actual[SC_SHA256_HEX_SIZE] = "";
  if (rc == SC_OK && !row)
    rc = sc_fail(err, SC_EDATA,
                 "%s: credential %s is packed with dictionary %lld, which the registry does not "
                 "hold",
                 reg->path, credential, (long long)id);
  else if (rc == SC_OK && (!bytes || !sha256 || sc_sha256_hex(bytes, len, actual) != SC_OK ||
                           strlen(actual) != sha_len || memcmp(actual, sha256, sha_len) != 0))
    rc = sc_fail(err, SC_EDATA,
                 "%s: dictionary %lld (of credential %s) is damaged: its bytes do not match its "
                 "SHA-256",
                 reg->path, (long long)id, credential);
  else if (rc == SC_OK && !(*out = ZSTD_createDDict(bytes, len)))
    rc = sc_oom(err);
  reg->driver->reset(stmt);
  return rc;
}

static int find_dictionary(sc_registry *reg, sc_registry_packing *p, int64_t id,
                           const char *credential, ZSTD_DDict **out, sc_error *err) {
  for (size_t i = 0; i < DDICT_CACHE; i++) {
    if (p->cache[i].id == id) {
      *out = p->cache[i].ddict;
      return SC_OK;
    }
  }
  int rc = load_dictionary(reg, id, credential, out, err);
  if (rc != SC_OK)
    return rc;
  ddict_slot *slot = &p->cache[p->oldest];
  p->oldest = (p->oldest + 1) % DDICT_CACHE;
  ZSTD_freeDDict(slot->ddict);
  *slot = (ddict_slot){.id = id, .ddict = *out};
  return SC_OK;
}

static char *damaged(sc_registry *reg, const char *credential, const char *why, sc_error *err) {
  sc_fail(err, SC_EDATA, "%s: credential %s: its stored text is damaged (%s)", reg->path,
          credential, why);
  return NULL;
}

/* The frame says how long the text is; more than SC_JSON_MAX_BYTES, or a frame that does not
 * say, is refused before anything is allocated for it. */
char *sc_registry_unpack_zstd(sc_registry *reg, const char *credential, const uint8_t *data,
                              size_t len, sc_error *err) {
  int64_t id = 0;
  size_t used = 0;
  if (!get_id(data, len, &id, &used))
    return damaged(reg, credential, "no dictionary id", err);
  data += used;
  len -= used;
  unsigned long long size = ZSTD_getFrameContentSize(data, len);
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    return damaged(reg, credential, "not a zstd frame with its size", err);
  if (size > SC_JSON_MAX_BYTES) {
    sc_fail(err, SC_EDATA,
            "%s: credential %s: its stored text would be %llu bytes, over the %zu "
            "a credential may have",
            reg->path, credential, size, SC_JSON_MAX_BYTES);
    return NULL;
  }
  sc_registry_packing *p = packing_of(reg, err);
  ZSTD_DDict *ddict = NULL;
  if (!p || (!p->dctx && !(p->dctx = ZSTD_createDCtx()))) {
    sc_oom(err);
    return NULL;
  }
  if (find_dictionary(reg, p, id, credential, &ddict, err) != SC_OK)
    return NULL;
  char *text = malloc((size_t)size + 1);
  if (!text) {
    sc_oom(err);
    return NULL;
  }
  size_t n = ZSTD_decompress_usingDDict(p->dctx, text, (size_t)size, data, len, ddict);
  if (ZSTD_isError(n) || n != size) {
    free(text);
    return damaged(reg, credential, ZSTD_isError(n) ? ZSTD_getErrorName(n) : "a wrong size", err);
  }
  text[n] = 0;
  return text;
}
