/*
 * Writes the seed corpus of fuzz_image_qr: one small QR code (the text below) as PNG and JPEG
 * in every layout the decoders take a different way through — PNG grey at 1, 2, 4, 8 and 16
 * bits, grey with alpha, RGB, RGBA, a palette with and without transparency, Adam7 interlacing;
 * JPEG baseline and progressive, grey, 4:2:0 and 4:4:4 colour, restart markers, optimised and
 * arithmetic coding, CMYK. libpng, libjpeg and zbar are not instrumented (Debian's builds), so
 * the fuzzer cannot find these layouts by itself: its mutations start from them.
 *
 * Usage: image_corpus DIR   (`make fuzz-corpus` writes tests/fuzz/corpus/fuzz_image_qr/)
 */
#include <png.h>
#include <stdbool.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* jpeglib.h needs FILE and size_t first. */
#include <jpeglib.h>

#define TEXT "SKILLCERT FUZZ SEED"
#define SCALE 2 /* pixels per module */
#define QUIET 4 /* modules of white around the code */

typedef struct picture {
  unsigned char *grey; /* width * height, 0 black, 255 white */
  unsigned width, height;
} picture;

static picture qr_picture(void) {
  QRcode *code = QRcode_encodeString(TEXT, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!code)
    exit(1);
  picture p;
  p.width = p.height = (unsigned)(code->width + 2 * QUIET) * SCALE;
  p.grey = malloc((size_t)p.width * p.height);
  if (!p.grey)
    exit(1);
  for (unsigned y = 0; y < p.height; y++)
    for (unsigned x = 0; x < p.width; x++) {
      int mx = (int)(x / SCALE) - QUIET, my = (int)(y / SCALE) - QUIET;
      bool dark = mx >= 0 && my >= 0 && mx < code->width && my < code->width &&
                  (code->data[my * code->width + mx] & 1);
      p.grey[(size_t)y * p.width + x] = dark ? 0 : 255;
    }
  QRcode_free(code);
  return p;
}

static FILE *create(const char *dir, const char *name) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
    exit(1);
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(1);
  }
  return f;
}

/* ---------------------------------------------------------------- PNG */

typedef struct png_layout {
  const char *name;
  int color_type, bit_depth, interlace;
  bool transparent; /* a tRNS chunk */
} png_layout;

/* One sample of grey value v (0..255) at the layout's depth, packed into row. */
static void put_sample(unsigned char *row, size_t index, int depth, unsigned v) {
  if (depth == 16) {
    row[2 * index] = row[2 * index + 1] = (unsigned char)v;
  } else if (depth == 8) {
    row[index] = (unsigned char)v;
  } else {
    unsigned max = (1u << depth) - 1, per_byte = 8u / (unsigned)depth;
    unsigned shift = (unsigned)depth * (per_byte - 1 - (unsigned)(index % per_byte));
    row[index / per_byte] |= (unsigned char)((v * max / 255) << shift);
  }
}

static void write_png(const char *dir, const picture *p, const png_layout *l) {
  FILE *f = create(dir, l->name);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  if (!png || !info || setjmp(png_jmpbuf(png)))
    exit(1);
  png_init_io(png, f);
  png_set_IHDR(png, info, p->width, p->height, l->bit_depth, l->color_type, l->interlace,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  int channels = 1;
  if (l->color_type == PNG_COLOR_TYPE_PALETTE) {
    png_color palette[2] = {{0, 0, 0}, {255, 255, 255}};
    png_set_PLTE(png, info, palette, 2);
    if (l->transparent) {
      png_byte alpha[2] = {255, 0}; /* white is see-through: the reader puts paper behind */
      png_set_tRNS(png, info, alpha, 2, NULL);
    }
  } else if (l->color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
    channels = 2;
  } else if (l->color_type == PNG_COLOR_TYPE_RGB) {
    channels = 3;
  } else if (l->color_type == PNG_COLOR_TYPE_RGB_ALPHA) {
    channels = 4;
  }
  if (l->transparent && l->color_type == PNG_COLOR_TYPE_GRAY) {
    png_color_16 white = {.gray = (png_uint_16)((1u << l->bit_depth) - 1)};
    png_set_tRNS(png, info, NULL, 0, &white);
  }
  png_write_info(png, info);
  size_t row_bytes = png_get_rowbytes(png, info);
  unsigned char *rows = calloc(p->height, row_bytes);
  png_bytep *pointers = malloc(p->height * sizeof *pointers);
  if (!rows || !pointers)
    exit(1);
  for (unsigned y = 0; y < p->height; y++) {
    unsigned char *row = rows + y * row_bytes;
    pointers[y] = row;
    for (unsigned x = 0; x < p->width; x++) {
      unsigned v = p->grey[(size_t)y * p->width + x];
      if (l->color_type == PNG_COLOR_TYPE_PALETTE) { /* 8 bits: index 0 black, 1 white */
        row[x] = v ? 1 : 0;
        continue;
      }
      for (int c = 0; c < channels; c++) {
        bool alpha = (channels == 2 && c == 1) || (channels == 4 && c == 3);
        put_sample(row, (size_t)x * (size_t)channels + (size_t)c, l->bit_depth, alpha ? 255 : v);
      }
    }
  }
  png_write_image(png, pointers);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  free(pointers);
  free(rows);
  fclose(f);
}

/* ---------------------------------------------------------------- JPEG */

typedef struct jpeg_layout {
  const char *name;
  J_COLOR_SPACE space;
  bool progressive, optimize, arithmetic;
  int restart_rows;
  int h_sampling; /* of the first component: 2 = 4:2:0 */
} jpeg_layout;

static void write_jpeg(const char *dir, const picture *p, const jpeg_layout *l) {
  FILE *f = create(dir, l->name);
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr errors;
  c.err = jpeg_std_error(&errors);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, f);
  c.image_width = p->width;
  c.image_height = p->height;
  c.in_color_space = l->space;
  c.input_components = l->space == JCS_GRAYSCALE ? 1 : l->space == JCS_CMYK ? 4 : 3;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 85, TRUE);
  if (l->space != JCS_GRAYSCALE && l->space != JCS_CMYK) {
    c.comp_info[0].h_samp_factor = c.comp_info[0].v_samp_factor = l->h_sampling;
  }
  if (l->progressive)
    jpeg_simple_progression(&c);
  c.optimize_coding = l->optimize;
  c.arith_code = l->arithmetic;
  c.restart_in_rows = l->restart_rows;
  jpeg_start_compress(&c, TRUE);
  unsigned char *row = malloc((size_t)p->width * (size_t)c.input_components);
  if (!row)
    exit(1);
  while (c.next_scanline < c.image_height) {
    const unsigned char *grey = p->grey + (size_t)c.next_scanline * p->width;
    for (unsigned x = 0; x < p->width; x++)
      for (int k = 0; k < c.input_components; k++)
        row[(size_t)x * (size_t)c.input_components + (size_t)k] =
            l->space == JCS_CMYK ? (unsigned char)(255 - grey[x]) * (k == 3) : grey[x];
    JSAMPROW rows[1] = {row};
    jpeg_write_scanlines(&c, rows, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  free(row);
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 64;
  }
  picture p = qr_picture();
  const png_layout pngs[] = {
      {"grey8.png", PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, false},
      {"grey1.png", PNG_COLOR_TYPE_GRAY, 1, PNG_INTERLACE_NONE, false},
      {"grey2.png", PNG_COLOR_TYPE_GRAY, 2, PNG_INTERLACE_NONE, false},
      {"grey4-trns.png", PNG_COLOR_TYPE_GRAY, 4, PNG_INTERLACE_NONE, true},
      {"grey16.png", PNG_COLOR_TYPE_GRAY, 16, PNG_INTERLACE_NONE, false},
      {"grey-alpha8.png", PNG_COLOR_TYPE_GRAY_ALPHA, 8, PNG_INTERLACE_NONE, false},
      {"rgb8.png", PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE, false},
      {"rgb16.png", PNG_COLOR_TYPE_RGB, 16, PNG_INTERLACE_NONE, false},
      {"rgba8.png", PNG_COLOR_TYPE_RGB_ALPHA, 8, PNG_INTERLACE_NONE, false},
      {"palette8.png", PNG_COLOR_TYPE_PALETTE, 8, PNG_INTERLACE_NONE, false},
      {"palette8-trns.png", PNG_COLOR_TYPE_PALETTE, 8, PNG_INTERLACE_NONE, true},
      {"grey8-adam7.png", PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_ADAM7, false},
      {"rgba8-adam7.png", PNG_COLOR_TYPE_RGB_ALPHA, 8, PNG_INTERLACE_ADAM7, false},
  };
  for (size_t i = 0; i < sizeof pngs / sizeof *pngs; i++)
    write_png(argv[1], &p, &pngs[i]);
  const jpeg_layout jpegs[] = {
      {"grey.jpg", JCS_GRAYSCALE, false, false, false, 0, 1},
      {"grey-progressive.jpg", JCS_GRAYSCALE, true, false, false, 0, 1},
      {"colour-420.jpg", JCS_RGB, false, false, false, 0, 2},
      {"colour-444-optimized.jpg", JCS_RGB, false, true, false, 0, 1},
      {"colour-420-progressive.jpg", JCS_RGB, true, false, false, 0, 2},
      {"colour-restart.jpg", JCS_RGB, false, false, false, 1, 2},
      {"grey-arithmetic.jpg", JCS_GRAYSCALE, false, false, true, 0, 1},
      {"cmyk.jpg", JCS_CMYK, false, false, false, 0, 1},
  };
  for (size_t i = 0; i < sizeof jpegs / sizeof *jpegs; i++)
    write_jpeg(argv[1], &p, &jpegs[i]);
  free(p.grey);
  return 0;
}
