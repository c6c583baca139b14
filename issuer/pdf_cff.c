/* CID-keyed CFF fonts (Noto CJK): the CID of every glyph, read from the CFF charset. Their
 * subsets need not keep glyph ids (65,535 of them, most empty, in every certificate): a PDF
 * addresses a CID-keyed font's glyphs by CID, and hb-subset keeps each glyph's CID. */
#include "issuer/pdf_internal.h"

#include <stdlib.h>

typedef struct cff {
  const unsigned char *p;
  size_t len;
} cff;

static uint32_t get(const cff *c, size_t at, unsigned size) {
  uint32_t v = 0;
  for (unsigned i = 0; i < size; i++)
    v = v << 8 | (at + i < c->len ? c->p[at + i] : 0);
  return v;
}

/* The INDEX at `at`: where its first element's data starts and ends, and where it ends. */
static bool index_first(const cff *c, size_t at, size_t *start, size_t *end, size_t *next) {
  uint32_t count = get(c, at, 2);
  if (count == 0) {
    *start = *end = *next = at + 2;
    return at + 2 <= c->len;
  }
  unsigned size = (unsigned)get(c, at + 2, 1);
  if (size < 1 || size > 4)
    return false;
  size_t base = at + 3 + (size_t)(count + 1) * size - 1;
  *start = base + get(c, at + 3, size);
  *end = base + get(c, at + 3 + size, size);
  *next = base + get(c, at + 3 + (size_t)count * size, size);
  return *start <= *end && *end <= *next && *next <= c->len;
}

/* Walks the Top DICT [at, end): is its first operator ROS (CID-keyed), and the charset offset. */
static bool top_dict(const cff *c, size_t at, size_t end, bool *cid_keyed, uint32_t *charset) {
  int32_t operand = 0;
  bool first = true;
  *cid_keyed = false;
  *charset = 0;
  while (at < end) {
    unsigned b0 = c->p[at];
    if (b0 <= 21) { /* an operator */
      unsigned op = b0 == 12 && at + 1 < end ? 1200u + c->p[++at] : b0;
      if (first)
        *cid_keyed = op == 1230;
      if (op == 15)
        *charset = (uint32_t)operand;
      first = false;
      at++;
    } else if (b0 == 28) {
      operand = (int16_t)get(c, at + 1, 2);
      at += 3;
    } else if (b0 == 29) {
      operand = (int32_t)get(c, at + 1, 4);
      at += 5;
    } else if (b0 == 30) { /* a real: nibbles up to an 0xf one */
      while (++at < end && (c->p[at] & 0x0F) != 0x0F && (c->p[at] & 0xF0) != 0xF0)
        ;
      at++;
    } else if (b0 >= 32 && b0 <= 246) {
      operand = (int32_t)b0 - 139;
      at++;
    } else if (b0 >= 247 && b0 <= 250) {
      operand = ((int32_t)b0 - 247) * 256 + (at + 1 < end ? c->p[at + 1] : 0) + 108;
      at += 2;
    } else if (b0 >= 251 && b0 <= 254) {
      operand = -((int32_t)b0 - 251) * 256 - (at + 1 < end ? c->p[at + 1] : 0) - 108;
      at += 2;
    } else {
      return false;
    }
  }
  return true;
}

/* The charset (formats 0, 1 and 2) into cids[gid]; glyph 0 is CID 0. */
static bool read_charset(const cff *c, size_t at, uint16_t *cids, unsigned glyphs) {
  unsigned format = (unsigned)get(c, at, 1), gid = 1;
  at++;
  while (gid < glyphs) {
    if (at >= c->len)
      return false;
    if (format == 0) {
      cids[gid++] = (uint16_t)get(c, at, 2);
      at += 2;
      continue;
    }
    if (format != 1 && format != 2)
      return false;
    uint32_t first = get(c, at, 2), left = get(c, at + 2, format == 1 ? 1 : 2);
    at += format == 1 ? 3 : 4;
    for (uint32_t k = 0; k <= left && gid < glyphs; k++)
      cids[gid++] = (uint16_t)(first + k);
  }
  return true;
}

uint16_t *sc_cff_cids(hb_face_t *face, unsigned glyphs) {
  hb_blob_t *blob = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
  unsigned len = 0;
  cff c = {(const unsigned char *)hb_blob_get_data(blob, &len), 0};
  c.len = len;
  size_t name_at = len >= 4 ? get(&c, 2, 1) : len, s, e, top_at;
  bool cid_keyed = false;
  uint32_t charset = 0;
  uint16_t *cids = NULL;
  if (len >= 4 && index_first(&c, name_at, &s, &e, &top_at) &&
      index_first(&c, top_at, &s, &e, &name_at) && top_dict(&c, s, e, &cid_keyed, &charset) &&
      cid_keyed && charset > 2 && (cids = calloc(glyphs ? glyphs : 1, sizeof *cids)) &&
      !read_charset(&c, charset, cids, glyphs)) {
    free(cids);
    cids = NULL;
  }
  hb_blob_destroy(blob);
  return cids;
}
