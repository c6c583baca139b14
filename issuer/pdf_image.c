/* The template's logo: decoded once when the template loads (8-bit PNG, any colour type, not
 * interlaced), which also checks it, and Flate-compressed as RGB and alpha planes when the
 * first certificate is drawn, so each certificate after it only copies bytes. (libharu's PNG
 * loader decodes and recompresses per document, which cost more than the rest of the page, and
 * stores the pixels without a predictor: 2.5 times larger.) The compression waits for the
 * first certificate because most loads draw none: serve loads the template for each claim page
 * view and badge, where compressing a 160 px logo at level 9 was 77 % of the view's CPU. */
#include "issuer/pdf_internal.h"

#include <hpdf_pages.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct sc_logo_streams {
  pthread_mutex_t lock; /* the first drawing compresses; the threads of a batch share a logo */
  unsigned char *rgb_plane, *alpha_plane; /* raw; alpha_plane NULL when opaque */
  bool packed;
  sc_buf rgb, alpha; /* Flate streams, once packed */
};

typedef struct png_info {
  uint32_t width, height;
  int color_type, channels;
  unsigned char palette[256][4]; /* RGBA */
  sc_buf idat;
} png_info;

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int read_chunks(const unsigned char *png, size_t len, png_info *info, const char *what,
                       sc_error *err) {
  for (size_t i = 0; i < 256; i++)
    info->palette[i][3] = 255;
  for (size_t at = 8; at + 12 <= len;) {
    uint32_t n = be32(png + at);
    const unsigned char *type = png + at + 4, *data = png + at + 8;
    if (n > len - at - 12)
      break;
    if (memcmp(type, "IHDR", 4) == 0 && n >= 13) {
      info->width = be32(data);
      info->height = be32(data + 4);
      info->color_type = data[9];
      if (data[8] != 8 || data[12] != 0 || data[10] != 0)
        return sc_fail(err, SC_EDATA, "%s: use an 8-bit, non-interlaced PNG", what);
    } else if (memcmp(type, "PLTE", 4) == 0) {
      for (uint32_t i = 0; i < n / 3 && i < 256; i++)
        memcpy(info->palette[i], data + 3 * i, 3);
    } else if (memcmp(type, "tRNS", 4) == 0 && info->color_type == 3) {
      for (uint32_t i = 0; i < n && i < 256; i++)
        info->palette[i][3] = data[i];
    } else if (memcmp(type, "IDAT", 4) == 0 && !sc_buf_append(&info->idat, data, n)) {
      return sc_oom(err);
    }
    at += 12 + (size_t)n;
  }
  static const int channels[7] = {1, 0, 3, 1, 2, 0, 4};
  if (!info->width || !info->height || info->width > 4096 || info->height > 4096 ||
      info->color_type > 6 || !channels[info->color_type] || !info->idat.len)
    return sc_fail(err, SC_EDATA, "%s: not a PNG image skillcert can read", what);
  info->channels = channels[info->color_type];
  return SC_OK;
}

static unsigned char paeth(unsigned char a, unsigned char b, unsigned char c) {
  int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes the PNG row filters in place; rows are stride bytes plus the filter byte. */
static bool unfilter(unsigned char *raw, uint32_t rows, size_t stride, int bpp) {
  for (uint32_t y = 0; y < rows; y++) {
    unsigned char *row = raw + y * (stride + 1), filter = row[0], *cur = row + 1;
    const unsigned char *up = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
    for (size_t x = 0; x < stride; x++) {
      unsigned char a = x >= (size_t)bpp ? cur[x - bpp] : 0, b = up ? up[x] : 0;
      unsigned char c = up && x >= (size_t)bpp ? up[x - bpp] : 0;
      switch (filter) {
      case 0:
        break;
      case 1:
        cur[x] = (unsigned char)(cur[x] + a);
        break;
      case 2:
        cur[x] = (unsigned char)(cur[x] + b);
        break;
      case 3:
        cur[x] = (unsigned char)(cur[x] + ((a + b) >> 1));
        break;
      case 4:
        cur[x] = (unsigned char)(cur[x] + paeth(a, b, c));
        break;
      default:
        return false;
      }
    }
  }
  return true;
}

static void to_planes(const png_info *info, const unsigned char *raw, size_t stride,
                      unsigned char *rgb, unsigned char *alpha, bool *opaque) {
  *opaque = true;
  for (uint32_t y = 0; y < info->height; y++) {
    const unsigned char *row = raw + y * (stride + 1) + 1;
    for (uint32_t x = 0; x < info->width; x++) {
      const unsigned char *px = row + (size_t)x * (size_t)info->channels;
      unsigned char rgba[4] = {px[0], px[0], px[0], 255};
      if (info->color_type == 2 || info->color_type == 6)
        memcpy(rgba, px, 3);
      if (info->color_type == 3)
        memcpy(rgba, info->palette[px[0]], 4);
      if (info->color_type == 4 || info->color_type == 6)
        rgba[3] = px[info->channels - 1];
      size_t i = (size_t)y * info->width + x;
      memcpy(rgb + 3 * i, rgba, 3);
      alpha[i] = rgba[3];
      *opaque = *opaque && rgba[3] == 255;
    }
  }
}

static bool deflate_into(sc_buf *out, const unsigned char *data, size_t len) {
  uLongf size = compressBound((uLong)len);
  out->data = malloc(size + 1);
  if (!out->data || compress2(out->data, &size, data, (uLong)len, 9) != Z_OK)
    return false;
  out->len = out->cap = size;
  return true;
}

int sc_logo_decode(const unsigned char *png, size_t len, const char *what, sc_logo *logo,
                   sc_error *err) {
  png_info info = {0};
  memset(logo, 0, sizeof *logo);
  int rc = read_chunks(png, len, &info, what, err);
  size_t stride = rc == SC_OK ? (size_t)info.width * (size_t)info.channels : 0;
  uLongf raw_len = (uLongf)((stride + 1) * info.height);
  size_t pixels = (size_t)info.width * info.height;
  unsigned char *raw = rc == SC_OK ? malloc(raw_len) : NULL;
  unsigned char *rgb = rc == SC_OK ? malloc(3 * pixels) : NULL, *alpha = malloc(pixels + 1);
  if (rc == SC_OK && (!raw || !rgb || !alpha))
    rc = sc_oom(err);
  if (rc == SC_OK &&
      (uncompress(raw, &raw_len, info.idat.data, (uLong)info.idat.len) != Z_OK ||
       raw_len != (stride + 1) * info.height || !unfilter(raw, info.height, stride, info.channels)))
    rc = sc_fail(err, SC_EDATA, "%s: damaged PNG data", what);
  bool opaque = true;
  if (rc == SC_OK)
    to_planes(&info, raw, stride, rgb, alpha, &opaque);
  if (rc == SC_OK && !(logo->streams = calloc(1, sizeof *logo->streams)))
    rc = sc_oom(err);
  if (rc == SC_OK) {
    pthread_mutex_init(&logo->streams->lock, NULL);
    logo->width = info.width;
    logo->height = info.height;
    logo->streams->rgb_plane = rgb;
    logo->streams->alpha_plane = opaque ? NULL : alpha;
    rgb = NULL;
    alpha = opaque ? alpha : NULL;
  }
  free(raw);
  free(rgb);
  free(alpha);
  sc_buf_free(&info.idat);
  if (rc != SC_OK)
    sc_logo_free(logo);
  return rc;
}

void sc_logo_free(sc_logo *logo) {
  sc_logo_streams *s = logo->streams;
  if (s) {
    pthread_mutex_destroy(&s->lock);
    free(s->rgb_plane);
    free(s->alpha_plane);
    sc_buf_free(&s->rgb);
    sc_buf_free(&s->alpha);
    free(s);
  }
  memset(logo, 0, sizeof *logo);
}

/* The Flate streams, made by the first caller; false when out of memory (tried again by the
 * next). */
static bool pack(const sc_logo *logo) {
  sc_logo_streams *s = logo->streams;
  size_t pixels = (size_t)logo->width * logo->height;
  pthread_mutex_lock(&s->lock);
  if (!s->packed) {
    s->packed = deflate_into(&s->rgb, s->rgb_plane, 3 * pixels) &&
                (!s->alpha_plane || deflate_into(&s->alpha, s->alpha_plane, pixels));
    if (!s->packed) {
      sc_buf_free(&s->rgb);
      sc_buf_free(&s->alpha);
    }
  }
  bool packed = s->packed;
  pthread_mutex_unlock(&s->lock);
  return packed;
}

/* An image XObject whose data is already Flate-compressed. */
static HPDF_Dict image_object(HPDF_Doc doc, const sc_logo *logo, const sc_buf *data,
                              const char *colors) {
  HPDF_Dict image = sc_pdf_packed_stream(doc, data->data, data->len);
  if (!image)
    return NULL;
  HPDF_STATUS st = HPDF_Dict_AddName(image, "Type", "XObject");
  st |= HPDF_Dict_AddName(image, "Subtype", "Image");
  st |= HPDF_Dict_AddNumber(image, "Width", (HPDF_INT32)logo->width);
  st |= HPDF_Dict_AddNumber(image, "Height", (HPDF_INT32)logo->height);
  st |= HPDF_Dict_AddName(image, "ColorSpace", colors);
  st |= HPDF_Dict_AddNumber(image, "BitsPerComponent", 8);
  return st == HPDF_OK ? image : NULL;
}

int sc_logo_draw(HPDF_Doc doc, HPDF_Page page, const sc_logo *logo, float x, float y, float w,
                 float h, sc_error *err) {
  if (!pack(logo))
    return sc_oom(err);
  const sc_logo_streams *s = logo->streams;
  HPDF_Dict image = image_object(doc, logo, &s->rgb, "DeviceRGB");
  HPDF_Dict mask = s->alpha.len ? image_object(doc, logo, &s->alpha, "DeviceGray") : NULL;
  HPDF_Dict resources = HPDF_Page_GetInheritableItem(page, "Resources", HPDF_OCLASS_DICT);
  HPDF_Dict xobjects = HPDF_Dict_New(doc->mmgr);
  if (!image || (s->alpha.len && !mask) || !resources || !xobjects ||
      (mask && HPDF_Dict_Add(image, "SMask", mask) != HPDF_OK) ||
      HPDF_Dict_Add(xobjects, "Logo", image) != HPDF_OK ||
      HPDF_Dict_Add(resources, "XObject", xobjects) != HPDF_OK)
    return sc_fail(err, SC_ESOFTWARE, "PDF: cannot add the logo: out of memory");
  char ops[128];
  snprintf(ops, sizeof ops, "q %.3f 0 0 %.3f %.3f %.3f cm /Logo Do Q\n", w, h, x, y);
  HPDF_Stream stream = ((HPDF_PageAttr)page->attr)->stream;
  return HPDF_Stream_WriteStr(stream, ops) == HPDF_OK ? SC_OK : sc_oom(err);
}
