/*
 * The QR code of a rendered page, found quickly: zbar scanning a whole A4 page at 150 dpi
 * (2.2 million pixels) was 40 % of `verify` on a PDF. A QR code is a large square where dark
 * and light alternate every few pixels in both directions, which text lines (short) and plain
 * areas (no alternation) are not; so the page is cut into tiles, tiles busy both ways are
 * grouped, and only groups at least BLOCK_MIN_TILES tiles tall and wide are scanned. When
 * none holds a code, the whole page is scanned, as before: this only makes it faster.
 */
#include "verifier/verifier.h"

#include <stdlib.h>
#include <string.h>

#define TILE 24           /* pixels: 8 modules of a 50 mm code at 150 dpi */
#define SAMPLE_EVERY 4    /* rows and columns looked at inside a tile */
#define BUSY_CROSSINGS 12 /* dark/light changes along the sampled lines, each way */
#define BLOCK_MIN_TILES 5 /* 120 px = 20 mm at 150 dpi; skillcert's codes are 30 mm or more */
#define MARGIN_TILES 1    /* around a group: the quiet zone and a tile cut in half */
#define MAX_CANDIDATES 8
#define DARK 128

typedef struct tile_box {
  unsigned x0, y0, x1, y1; /* tiles, inclusive */
} tile_box;

static bool dark(const sc_pdf_page *page, unsigned x, unsigned y) {
  return page->grey[(size_t)y * page->width + x] < DARK;
}

static bool tile_busy(const sc_pdf_page *page, unsigned tx, unsigned ty) {
  unsigned x0 = tx * TILE, y0 = ty * TILE;
  unsigned x1 = x0 + TILE < page->width ? x0 + TILE : page->width;
  unsigned y1 = y0 + TILE < page->height ? y0 + TILE : page->height;
  unsigned across = 0, down = 0;
  for (unsigned y = y0 + SAMPLE_EVERY / 2; y < y1; y += SAMPLE_EVERY)
    for (unsigned x = x0 + 1; x < x1; x++)
      across += dark(page, x, y) != dark(page, x - 1, y);
  for (unsigned x = x0 + SAMPLE_EVERY / 2; x < x1; x += SAMPLE_EVERY)
    for (unsigned y = y0 + 1; y < y1; y++)
      down += dark(page, x, y) != dark(page, x, y - 1);
  return across >= BUSY_CROSSINGS && down >= BUSY_CROSSINGS;
}

/* Grows the group of busy tiles that holds (tx, ty) by flood fill (stack of tile indexes),
 * marking them seen, and returns its bounding box. */
static tile_box group_of(unsigned char *state, unsigned *stack, unsigned cols, unsigned rows,
                         unsigned tx, unsigned ty) {
  tile_box box = {tx, ty, tx, ty};
  size_t top = 0;
  stack[top++] = ty * cols + tx;
  state[ty * cols + tx] = 2;
  while (top > 0) {
    unsigned at = stack[--top], x = at % cols, y = at / cols;
    box.x0 = x < box.x0 ? x : box.x0;
    box.x1 = x > box.x1 ? x : box.x1;
    box.y0 = y < box.y0 ? y : box.y0;
    box.y1 = y > box.y1 ? y : box.y1;
    const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
    for (int i = 0; i < 4; i++) {
      long nx = (long)x + dx[i], ny = (long)y + dy[i];
      if (nx < 0 || ny < 0 || nx >= (long)cols || ny >= (long)rows)
        continue;
      unsigned next = (unsigned)ny * cols + (unsigned)nx;
      if (state[next] == 1) {
        state[next] = 2;
        stack[top++] = next;
      }
    }
  }
  return box;
}

/* Up to MAX_CANDIDATES boxes of busy tiles large enough to be a QR code. */
static size_t find_candidates(const sc_pdf_page *page, tile_box *found) {
  unsigned cols = (page->width + TILE - 1) / TILE, rows = (page->height + TILE - 1) / TILE;
  unsigned char *state = calloc((size_t)cols * rows, 1); /* 0 quiet, 1 busy, 2 grouped */
  unsigned *stack = malloc((size_t)cols * rows * sizeof *stack);
  size_t count = 0;
  if (!state || !stack) {
    free(state);
    free(stack);
    return 0;
  }
  for (unsigned ty = 0; ty < rows; ty++)
    for (unsigned tx = 0; tx < cols; tx++)
      state[ty * cols + tx] = tile_busy(page, tx, ty);
  for (unsigned ty = 0; ty < rows && count < MAX_CANDIDATES; ty++) {
    for (unsigned tx = 0; tx < cols && count < MAX_CANDIDATES; tx++) {
      if (state[ty * cols + tx] != 1)
        continue;
      tile_box box = group_of(state, stack, cols, rows, tx, ty);
      if (box.x1 - box.x0 + 1 >= BLOCK_MIN_TILES && box.y1 - box.y0 + 1 >= BLOCK_MIN_TILES)
        found[count++] = box;
    }
  }
  free(state);
  free(stack);
  return count;
}

/* zbar on the pixels of box (plus the margin) only. */
static int scan_box(const sc_pdf_page *page, tile_box box, unsigned step, sc_buf *text) {
  unsigned x0 = box.x0 > MARGIN_TILES ? (box.x0 - MARGIN_TILES) * TILE : 0;
  unsigned y0 = box.y0 > MARGIN_TILES ? (box.y0 - MARGIN_TILES) * TILE : 0;
  unsigned x1 = (box.x1 + 1 + MARGIN_TILES) * TILE, y1 = (box.y1 + 1 + MARGIN_TILES) * TILE;
  x1 = x1 < page->width ? x1 : page->width;
  y1 = y1 < page->height ? y1 : page->height;
  unsigned width = x1 - x0, height = y1 - y0;
  unsigned char *crop = malloc((size_t)width * height);
  if (!crop)
    return SC_ESOFTWARE;
  for (unsigned y = 0; y < height; y++)
    memcpy(crop + (size_t)y * width, page->grey + (size_t)(y0 + y) * page->width + x0, width);
  int rc = sc_grey_read_qr(crop, width, height, step, text, NULL);
  free(crop);
  return rc;
}

int sc_page_read_qr(const sc_pdf_page *page, unsigned step, sc_buf *text, sc_error *err) {
  tile_box candidates[MAX_CANDIDATES];
  size_t count = find_candidates(page, candidates);
  for (size_t i = 0; i < count; i++) {
    if (scan_box(page, candidates[i], step, text) == SC_OK)
      return SC_OK;
  }
  return sc_grey_read_qr(page->grey, page->width, page->height, step, text, err);
}
