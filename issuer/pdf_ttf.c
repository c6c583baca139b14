/* TrueType reading (cmap, metrics) and subsetting: only the glyphs drawn, renumbered. */
#include "issuer/pdf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t u16(const unsigned char *p) {
  return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t u32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, uint16_t v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v) {
  put16(p, (uint16_t)(v >> 16));
  put16(p + 2, (uint16_t)v);
}

/* Finds a table; *len gets its length. 0 when absent or out of bounds. */
static uint32_t find_table(const sc_ttf *f, const char *tag, uint32_t *len) {
  uint16_t count = u16(f->data + 4);
  for (uint16_t i = 0; i < count && 12 + 16u * (i + 1u) <= f->len; i++) {
    const unsigned char *entry = f->data + 12 + 16 * i;
    uint32_t offset = u32(entry + 8), length = u32(entry + 12);
    if (memcmp(entry, tag, 4) == 0 && offset <= f->len && length <= f->len - offset) {
      if (len)
        *len = length;
      return offset;
    }
  }
  return 0;
}

/* The best Unicode cmap subtable: full repertoire (format 12) first, then BMP (format 4). */
static void pick_cmap(sc_ttf *f, uint32_t cmap, uint32_t cmap_len) {
  uint16_t count = cmap_len >= 4 ? u16(f->data + cmap + 2) : 0;
  for (int want = 12; want >= 4; want -= 8) {
    for (uint16_t i = 0; i < count && 4 + 8u * (i + 1u) <= cmap_len; i++) {
      const unsigned char *rec = f->data + cmap + 4 + 8 * i;
      uint16_t platform = u16(rec), encoding = u16(rec + 2);
      uint32_t sub = cmap + u32(rec + 4);
      bool unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
      if (unicode && sub + 16 <= f->len && u16(f->data + sub) == want) {
        f->cmap_sub = sub;
        f->cmap_format = (uint16_t)want;
        return;
      }
    }
  }
}

static void read_name(sc_ttf *f, const char *path) {
  uint32_t len = 0, name = find_table(f, "name", &len);
  uint16_t count = len >= 6 ? u16(f->data + name + 2) : 0;
  uint32_t strings = name + (len >= 6 ? u16(f->data + name + 4) : 0);
  for (uint16_t i = 0; i < count && 6 + 12u * (i + 1u) <= len; i++) {
    const unsigned char *rec = f->data + name + 6 + 12 * i;
    uint16_t platform = u16(rec), id = u16(rec + 6), n = u16(rec + 8), off = u16(rec + 10);
    if (id != 6 || (platform != 1 && platform != 3) || strings + off + n > f->len)
      continue;
    size_t step = platform == 3 ? 2 : 1, out = 0;
    for (size_t k = step - 1; k < n && out + 1 < sizeof f->name; k += step) {
      unsigned char c = f->data[strings + off + k];
      if (c > 32 && c < 127 && !strchr("()<>[]{}/%#", c))
        f->name[out++] = (char)c;
    }
    f->name[out] = '\0';
    if (out)
      return;
  }
  const char *base = strrchr(path, '/');
  snprintf(f->name, sizeof f->name, "%s", base ? base + 1 : path);
  char *dot = strchr(f->name, '.');
  if (dot)
    *dot = '\0';
}

static int parse_tables(sc_ttf *f, const char *path, sc_error *err) {
  uint32_t head_len = 0, hhea_len = 0, maxp_len = 0, cmap_len = 0, hmtx_len = 0, loca_len = 0;
  uint32_t os2_len = 0, cmap;
  if (f->len < 12 || (u32(f->data) != 0x00010000 && memcmp(f->data, "true", 4) != 0))
    return sc_fail(err, SC_ECONFIG, "%s: not a TrueType font", path);
  f->head = find_table(f, "head", &head_len);
  f->hhea = find_table(f, "hhea", &hhea_len);
  f->maxp = find_table(f, "maxp", &maxp_len);
  f->hmtx = find_table(f, "hmtx", &hmtx_len);
  f->loca = find_table(f, "loca", &loca_len);
  f->glyf = find_table(f, "glyf", &f->glyf_len);
  f->os2 = find_table(f, "OS/2", &os2_len);
  f->cvt = find_table(f, "cvt ", &f->cvt_len);
  f->fpgm = find_table(f, "fpgm", &f->fpgm_len);
  f->prep = find_table(f, "prep", &f->prep_len);
  cmap = find_table(f, "cmap", &cmap_len);
  if (!f->head || head_len < 54 || !f->hhea || hhea_len < 36 || !f->maxp || maxp_len < 6 ||
      !f->hmtx || !f->loca || !f->glyf || !cmap)
    return sc_fail(err, SC_ECONFIG, "%s: a required TrueType table is missing", path);
  f->units_per_em = u16(f->data + f->head + 18);
  for (int i = 0; i < 4; i++)
    f->bbox[i] = (int16_t)u16(f->data + f->head + 36 + 2 * i);
  f->loca_long = (int16_t)u16(f->data + f->head + 50);
  f->ascent = (int16_t)u16(f->data + f->hhea + 4);
  f->descent = (int16_t)u16(f->data + f->hhea + 6);
  f->num_hmetrics = u16(f->data + f->hhea + 34);
  f->num_glyphs = u16(f->data + f->maxp + 4);
  f->cap_height = f->ascent;
  if (f->os2 && os2_len >= 90 && u16(f->data + f->os2) >= 2)
    f->cap_height = (int16_t)u16(f->data + f->os2 + 88);
  if (!f->units_per_em || !f->num_hmetrics || f->num_hmetrics > f->num_glyphs ||
      hmtx_len < 4u * f->num_hmetrics + 2u * (f->num_glyphs - f->num_hmetrics) ||
      loca_len < (f->loca_long ? 4u : 2u) * (f->num_glyphs + 1u))
    return sc_fail(err, SC_ECONFIG, "%s: inconsistent TrueType metrics", path);
  pick_cmap(f, cmap, cmap_len);
  if (!f->cmap_format)
    return sc_fail(err, SC_ECONFIG, "%s: no Unicode cmap", path);
  read_name(f, path);
  return SC_OK;
}

int sc_ttf_load(const char *path, sc_ttf *font, sc_error *err) {
  memset(font, 0, sizeof *font);
  sc_buf raw = {0};
  int rc = sc_read_file(path, (size_t)32 << 20, &raw, err);
  if (rc != SC_OK)
    return sc_fail(err, SC_ECONFIG,
                   "font %s cannot be read (install fonts-dejavu-core and "
                   "fonts-droid-fallback)",
                   path);
  font->data = raw.data;
  font->len = raw.len;
  rc = parse_tables(font, path, err);
  if (rc != SC_OK)
    sc_ttf_free(font);
  return rc;
}

void sc_ttf_free(sc_ttf *font) {
  free(font->data);
  memset(font, 0, sizeof *font);
}

static uint16_t glyph_format4(const sc_ttf *f, uint32_t cp) {
  if (cp > 0xFFFF)
    return 0;
  const unsigned char *t = f->data + f->cmap_sub;
  uint16_t segs = u16(t + 6) / 2;
  if (f->cmap_sub + 16 + 8u * segs > f->len)
    return 0;
  const unsigned char *ends = t + 14, *starts = ends + 2 * segs + 2;
  const unsigned char *deltas = starts + 2 * segs, *ranges = deltas + 2 * segs;
  size_t lo = 0, hi = segs;
  while (lo < hi) { /* first segment whose end >= cp */
    size_t mid = (lo + hi) / 2;
    if (u16(ends + 2 * mid) < cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == segs || u16(starts + 2 * lo) > cp)
    return 0;
  uint16_t delta = u16(deltas + 2 * lo), range = u16(ranges + 2 * lo);
  if (range == 0)
    return (uint16_t)(cp + delta);
  size_t at = (size_t)(ranges + 2 * lo - f->data) + range + 2 * (cp - u16(starts + 2 * lo));
  if (at + 2 > f->len)
    return 0;
  uint16_t gid = u16(f->data + at);
  return gid ? (uint16_t)(gid + delta) : 0;
}

static uint16_t glyph_format12(const sc_ttf *f, uint32_t cp) {
  const unsigned char *t = f->data + f->cmap_sub;
  uint32_t groups = u32(t + 12);
  if (groups > (f->len - f->cmap_sub - 16) / 12)
    return 0;
  size_t lo = 0, hi = groups;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const unsigned char *g = t + 16 + 12 * mid;
    if (u32(g + 4) < cp)
      lo = mid + 1;
    else if (u32(g) > cp)
      hi = mid;
    else
      return (uint16_t)(u32(g + 8) + (cp - u32(g)));
  }
  return 0;
}

uint16_t sc_ttf_glyph(const sc_ttf *font, uint32_t cp) {
  uint16_t gid = font->cmap_format == 12 ? glyph_format12(font, cp) : glyph_format4(font, cp);
  return gid < font->num_glyphs ? gid : 0;
}

uint16_t sc_ttf_advance(const sc_ttf *f, uint16_t gid) {
  uint16_t i = gid < f->num_hmetrics ? gid : (uint16_t)(f->num_hmetrics - 1);
  return u16(f->data + f->hmtx + 4u * i);
}

static int16_t left_bearing(const sc_ttf *f, uint16_t gid) {
  if (gid < f->num_hmetrics)
    return (int16_t)u16(f->data + f->hmtx + 4u * gid + 2);
  return (int16_t)u16(f->data + f->hmtx + 4u * f->num_hmetrics + 2u * (gid - f->num_hmetrics));
}

/* Bytes of glyph gid inside glyf (len 0 for an empty glyph). */
static const unsigned char *glyph_data(const sc_ttf *f, uint16_t gid, uint32_t *len) {
  uint32_t start, end;
  if (f->loca_long) {
    start = u32(f->data + f->loca + 4u * gid);
    end = u32(f->data + f->loca + 4u * gid + 4);
  } else {
    start = 2u * u16(f->data + f->loca + 2u * gid);
    end = 2u * u16(f->data + f->loca + 2u * gid + 2);
  }
  *len = end > start && end <= f->glyf_len ? end - start : 0;
  return f->data + f->glyf + start;
}

enum {
  ARGS_ARE_WORDS = 0x1,
  HAVE_SCALE = 0x8,
  MORE_COMPONENTS = 0x20,
  HAVE_XY_SCALE = 0x40,
  HAVE_2X2 = 0x80
};

/* Index of original gid in glyphs[0..*count), appending it when new. */
static uint16_t subset_index(const sc_ttf *f, uint16_t *glyphs, size_t *count, uint16_t gid) {
  for (size_t i = 0; i < *count; i++)
    if (glyphs[i] == gid)
      return (uint16_t)i;
  if (*count >= f->num_glyphs)
    return 0;
  glyphs[*count] = gid;
  return (uint16_t)(*count)++;
}

/* Copies glyph data, renumbering the components of a composite glyph. */
static bool copy_glyph(const sc_ttf *f, uint16_t *glyphs, size_t *count, uint16_t gid,
                       sc_buf *glyf) {
  uint32_t len;
  const unsigned char *src = glyph_data(f, gid, &len);
  size_t at = glyf->len;
  if (len && !sc_buf_append(glyf, src, len))
    return false;
  if (len >= 10 && (int16_t)u16(src) < 0) {
    size_t p = 10;
    uint16_t flags;
    do {
      if (p + 4 > len)
        break;
      flags = u16(src + p);
      uint16_t component = u16(src + p + 2);
      put16(glyf->data + at + p + 2, subset_index(f, glyphs, count, component));
      p += 4 + ((flags & ARGS_ARE_WORDS) ? 4 : 2);
      p += (flags & HAVE_SCALE) ? 2 : (flags & HAVE_XY_SCALE) ? 4 : (flags & HAVE_2X2) ? 8 : 0;
    } while (flags & MORE_COMPONENTS);
  }
  static const unsigned char pad[3] = {0};
  return sc_buf_append(glyf, pad, (4 - glyf->len % 4) % 4);
}

typedef struct table {
  const char *tag;
  const unsigned char *data;
  size_t len;
} table;

/* The sum of the big-endian 32-bit words, the last one padded with zeros. Whole words go
 * through a plain loop the compiler can vectorise: with a copy per word this was an eighth of
 * the time to render a certificate. */
static uint32_t checksum(const unsigned char *p, size_t len) {
  uint32_t sum = 0;
  size_t whole = len & ~(size_t)3;
  for (size_t i = 0; i < whole; i += 4)
    sum += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
  if (whole < len) {
    unsigned char word[4] = {0};
    memcpy(word, p + whole, len - whole);
    sum += u32(word);
  }
  return sum;
}

static bool write_font(table *tables, size_t n, sc_buf *out) {
  unsigned char header[12] = {0, 1, 0, 0};
  uint16_t power = 1, log = 0;
  while (power * 2 <= n)
    power *= 2, log++;
  put16(header + 4, (uint16_t)n);
  put16(header + 6, (uint16_t)(power * 16));
  put16(header + 8, log);
  put16(header + 10, (uint16_t)(n * 16 - power * 16));
  if (!sc_buf_append(out, header, 12))
    return false;
  uint32_t offset = 12 + 16 * (uint32_t)n;
  for (size_t i = 0; i < n; i++) {
    unsigned char entry[16];
    memcpy(entry, tables[i].tag, 4);
    put32(entry + 4, checksum(tables[i].data, tables[i].len));
    put32(entry + 8, offset);
    put32(entry + 12, (uint32_t)tables[i].len);
    if (!sc_buf_append(out, entry, 16))
      return false;
    offset += (uint32_t)((tables[i].len + 3) & ~(size_t)3);
  }
  static const unsigned char pad[3] = {0};
  size_t head_at = 0;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(tables[i].tag, "head") == 0)
      head_at = out->len;
    if ((tables[i].len && !sc_buf_append(out, tables[i].data, tables[i].len)) ||
        !sc_buf_append(out, pad, (4 - tables[i].len % 4) % 4))
      return false;
  }
  put32(out->data + head_at + 8, 0xB1B0AFBAu - checksum(out->data, out->len));
  return true;
}

int sc_ttf_subset(const sc_ttf *f, uint16_t *glyphs, size_t *count, sc_buf *out, sc_error *err) {
  sc_buf glyf = {0}, loca = {0}, hmtx = {0};
  unsigned char head[54], hhea[36], maxp[32] = {0};
  bool ok = true;
  for (size_t i = 0; ok && i < *count; i++) { /* count grows as components are found */
    unsigned char offset[4], metric[4];
    put32(offset, (uint32_t)glyf.len);
    put16(metric, sc_ttf_advance(f, glyphs[i]));
    put16(metric + 2, (uint16_t)left_bearing(f, glyphs[i]));
    ok = sc_buf_append(&loca, offset, 4) && sc_buf_append(&hmtx, metric, 4) &&
         copy_glyph(f, glyphs, count, glyphs[i], &glyf);
  }
  unsigned char end[4];
  put32(end, (uint32_t)glyf.len);
  ok = ok && sc_buf_append(&loca, end, 4);
  memcpy(head, f->data + f->head, sizeof head);
  put16(head + 50, 1); /* long loca offsets */
  memcpy(hhea, f->data + f->hhea, sizeof hhea);
  put16(hhea + 34, (uint16_t)*count);
  uint32_t maxp_len = u32(f->data + f->maxp) == 0x00010000 ? 32 : 6;
  memcpy(maxp, f->data + f->maxp, maxp_len);
  put16(maxp + 4, (uint16_t)*count);
  table tables[9];
  size_t n = 0;
  if (f->cvt)
    tables[n++] = (table){"cvt ", f->data + f->cvt, f->cvt_len};
  if (f->fpgm)
    tables[n++] = (table){"fpgm", f->data + f->fpgm, f->fpgm_len};
  tables[n++] = (table){"glyf", glyf.data, glyf.len};
  tables[n++] = (table){"head", head, sizeof head};
  tables[n++] = (table){"hhea", hhea, sizeof hhea};
  tables[n++] = (table){"hmtx", hmtx.data, hmtx.len};
  tables[n++] = (table){"loca", loca.data, loca.len};
  tables[n++] = (table){"maxp", maxp, maxp_len};
  if (f->prep)
    tables[n++] = (table){"prep", f->data + f->prep, f->prep_len};
  ok = ok && write_font(tables, n, out);
  sc_buf_free(&glyf);
  sc_buf_free(&loca);
  sc_buf_free(&hmtx);
  return ok ? SC_OK : sc_oom(err);
}
