/*
 * The text of the QR code in a photo or scan (PNG or JPEG): the image is decoded to 8-bit grey
 * (libpng's simplified API, libjpeg) and handed to ZXing-C++ (zxing_qr.cc), then, when it
 * finds nothing, to zbar with only QR codes enabled (docs/qr-scanning.md). Images
 * are hostile: their dimensions are checked from the header before any pixel is decoded,
 * libjpeg's errors come back through longjmp instead of exit(), and progressive JPEGs with
 * absurd numbers of scans are stopped.
 */
#include "verifier/verifier.h"

#include <limits.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
/* jpeglib.h needs FILE and size_t first. */
#include <jpeglib.h>
#include <zbar.h>

#define IMAGE_MAX_PIXELS ((uint64_t)40 * 1000 * 1000) /* a 40-megapixel phone photo */
#define IMAGE_MAX_SIDE 65500u                         /* JPEG's own limit */
#define JPEG_MAX_SCANS 1000                           /* a real progressive JPEG has about 10 */

typedef struct grey_image {
  unsigned char *pixels; /* width * height bytes, row after row */
  unsigned width, height;
} grey_image;

static int check_size(uint64_t width, uint64_t height, sc_error *err) {
  if (width == 0 || height == 0 || width > IMAGE_MAX_SIDE || height > IMAGE_MAX_SIDE ||
      width * height > IMAGE_MAX_PIXELS)
    return sc_fail(err, SC_EDATA,
                   "image: %llu x %llu pixels; at most %llu megapixels "
                   "and %u pixels a side are read",
                   (unsigned long long)width, (unsigned long long)height,
                   (unsigned long long)(IMAGE_MAX_PIXELS / 1000000), IMAGE_MAX_SIDE);
  return SC_OK;
}

/* ---------------------------------------------------------------- PNG */

static int read_png(const uint8_t *data, size_t len, grey_image *out, sc_error *err) {
  png_image png;
  memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data, len))
    return sc_fail(err, SC_EDATA, "PNG: %s", png.message);
  int rc = check_size(png.width, png.height, err);
  if (rc != SC_OK) {
    png_image_free(&png);
    return rc;
  }
  png.format = PNG_FORMAT_GRAY;
  out->width = png.width;
  out->height = png.height;
  out->pixels = malloc(PNG_IMAGE_SIZE(png));
  if (!out->pixels) {
    png_image_free(&png);
    return sc_oom(err);
  }
  /* Transparent parts become white paper, not black. */
  const png_color white = {255, 255, 255};
  if (!png_image_finish_read(&png, &white, out->pixels, 0, NULL))
    return sc_fail(err, SC_EDATA, "PNG: %s", png.message); /* finish_read freed png */
  return SC_OK;
}

/* ---------------------------------------------------------------- JPEG */

typedef struct jpeg_failure {
  struct jpeg_error_mgr mgr; /* first, so libjpeg's pointer is also ours */
  jmp_buf escape;
  char message[JMSG_LENGTH_MAX];
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo) {
  jpeg_failure *failure = (jpeg_failure *)cinfo->err;
  failure->mgr.format_message(cinfo, failure->message);
  longjmp(failure->escape, 1);
}

static void jpeg_quiet(j_common_ptr cinfo) {
  (void)cinfo; /* warnings (e.g. a truncated photo) are not printed; the scan decides */
}

static void jpeg_count_scans(j_common_ptr cinfo) {
  j_decompress_ptr d = (j_decompress_ptr)cinfo;
  if (d->input_scan_number > JPEG_MAX_SCANS) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    snprintf(failure->message, sizeof failure->message, "more than %d scans", JPEG_MAX_SCANS);
    longjmp(failure->escape, 1);
  }
}

/* Everything libjpeg may longjmp out of; out and the decompressor live in the caller. */
static int decode_jpeg(struct jpeg_decompress_struct *cinfo, const uint8_t *data, size_t len,
                       grey_image *out, sc_error *err) {
  jpeg_mem_src(cinfo, data, (unsigned long)len);
  jpeg_read_header(cinfo, TRUE);
  int rc = check_size(cinfo->image_width, cinfo->image_height, err);
  if (rc != SC_OK)
    return rc;
  cinfo->out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(cinfo);
  if (cinfo->output_components != 1)
    return sc_fail(err, SC_EDATA, "JPEG: cannot be read as grey");
  out->width = cinfo->output_width;
  out->height = cinfo->output_height;
  out->pixels = malloc((size_t)out->width * out->height);
  if (!out->pixels)
    return sc_oom(err);
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW row = out->pixels + (size_t)cinfo->output_scanline * out->width;
    if (jpeg_read_scanlines(cinfo, &row, 1) != 1)
      return sc_fail(err, SC_EDATA, "JPEG: cannot decode row %u", cinfo->output_scanline);
  }
  jpeg_finish_decompress(cinfo);
  return SC_OK;
}

static int read_jpeg(const uint8_t *data, size_t len, grey_image *out, sc_error *err) {
  struct jpeg_decompress_struct cinfo;
  struct jpeg_progress_mgr progress = {.progress_monitor = jpeg_count_scans};
  jpeg_failure failure;
  memset(&failure, 0, sizeof failure);
  if (len > ULONG_MAX)
    return sc_fail(err, SC_EDATA, "JPEG: too large");
  cinfo.err = jpeg_std_error(&failure.mgr);
  failure.mgr.error_exit = jpeg_fail;
  failure.mgr.output_message = jpeg_quiet;
  if (setjmp(failure.escape)) {
    jpeg_destroy_decompress(&cinfo);
    return sc_fail(err, SC_EDATA, "JPEG: %s", failure.message);
  }
  jpeg_create_decompress(&cinfo);
  cinfo.progress = &progress;
  int rc = decode_jpeg(&cinfo, data, len, out, err);
  jpeg_destroy_decompress(&cinfo);
  return rc;
}

/* ---------------------------------------------------------------- zbar */

/* step: scan every step-th row and column (zbar's density); 1 for photos. */
static int scan_qr(const grey_image *grey, unsigned step, sc_buf *text, sc_error *err) {
  zbar_image_scanner_t *scanner = zbar_image_scanner_create();
  zbar_image_t *image = zbar_image_create();
  if (!scanner || !image) {
    if (scanner)
      zbar_image_scanner_destroy(scanner);
    if (image)
      zbar_image_destroy(image);
    return sc_oom(err);
  }
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  /* The bytes as encoded: no guessing of character sets. */
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_X_DENSITY, (int)step);
  zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_Y_DENSITY, (int)step);
  zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(image, grey->width, grey->height);
  zbar_image_set_data(image, grey->pixels, (unsigned long)grey->width * grey->height, NULL);
  int found = zbar_scan_image(scanner, image);
  const zbar_symbol_t *symbol = found > 0 ? zbar_image_first_symbol(image) : NULL;
  while (symbol && zbar_symbol_get_type(symbol) != ZBAR_QRCODE)
    symbol = zbar_symbol_next(symbol);
  int rc = SC_OK;
  if (found < 0)
    rc = sc_fail(err, SC_ESOFTWARE, "image: the QR scanner failed");
  else if (!symbol)
    rc = sc_fail(err, SC_EDATA, "image: no QR code found (%u x %u pixels)", grey->width,
                 grey->height);
  else if (!sc_buf_append(text, zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol)))
    rc = sc_oom(err);
  zbar_image_destroy(image);
  zbar_image_scanner_destroy(scanner);
  return rc;
}

/* ZXing first (it reads photos zbar cannot), zbar as the fallback. step 1 means a photo:
 * ZXing then also tries rotations and harder binarization. */
static int read_grey(const grey_image *grey, unsigned step, sc_buf *text, sc_error *err) {
  int rc = sc_zxing_read_qr(grey->pixels, grey->width, grey->height, step <= 1, text);
  if (rc == SC_ESOFTWARE)
    return sc_oom(err);
  if (rc == SC_OK)
    return SC_OK;
  return scan_qr(grey, step ? step : 1, text, err);
}

int sc_grey_read_qr(const unsigned char *pixels, unsigned width, unsigned height, unsigned step,
                    sc_buf *text, sc_error *err) {
  sc_buf_reset(text);
  const grey_image grey = {(unsigned char *)pixels, width, height};
  return read_grey(&grey, step, text, err);
}

int sc_image_read_qr(const uint8_t *image, size_t len, sc_buf *text, sc_error *err) {
  grey_image grey = {0};
  int rc;
  sc_buf_reset(text);
  if (len >= 8 && memcmp(image, "\x89PNG\r\n\x1a\n", 8) == 0)
    rc = read_png(image, len, &grey, err);
  else if (len >= 3 && memcmp(image, "\xff\xd8\xff", 3) == 0)
    rc = read_jpeg(image, len, &grey, err);
  else
    rc = sc_fail(err, SC_EDATA, "image: neither PNG nor JPEG");
  if (rc == SC_OK)
    rc = read_grey(&grey, 1, text, err);
  free(grey.pixels);
  return rc;
}
