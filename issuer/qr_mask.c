/* The QR mask penalty (ISO/IEC 18004 §7.8.3, as libqrencode scores it), on bit rows.
 *
 * libqrencode picks the mask by scoring all eight masked symbols cell by cell with run-length
 * arrays; for the embedded credential's QR code (version 15-20) that was 37 % of a PDF's CPU
 * time. The same score computed on 128-bit rows and columns, a whole line per operation,
 * costs a tenth of that, so qr.c asks libqrencode for each of the eight candidate symbols
 * and keeps the one that scores lowest: the mask the standard's rule picks, and the code
 * libqrencode made for it.
 *
 * Scores, per row and per column: N1, 3 + (n - 5) for each run of n >= 5 modules of one
 * colour; N3, 40 for each 1:1:3:1:1 dark-light-dark-light-dark pattern (module widths 1 and
 * 2: libqrencode also counts wider ones, which a data area of this size all but never holds)
 * with 4 light modules (times the width) before or after it, the quiet zone counting as
 * light; N2, 3 for each 2x2 block of one colour; N4, 10 for each 5 % the share of dark
 * modules is away from half. */
#include "issuer/qr_internal.h"

#include <stdbool.h>
#include <stdlib.h>

__extension__ typedef unsigned __int128 line_bits;

#define PAD 8 /* light modules around each line: room for the 4 x 2 light ones of N3 */

static int popcount(line_bits x) {
  return __builtin_popcountll((unsigned long long)x) +
         __builtin_popcountll((unsigned long long)(x >> 64));
}

/* Bits first..last (inclusive) set. */
static line_bits span(int first, int last) {
  line_bits ones = ~(line_bits)0;
  return (ones >> (127 - last)) & (ones << first);
}

/* N1 of one line: dark holds module i at bit PAD + i. */
static int runs_penalty(line_bits dark, int width) {
  line_bits same_as_next = ~(dark ^ (dark >> 1)) & span(PAD, PAD + width - 2);
  line_bits five = same_as_next & (same_as_next >> 1) & (same_as_next >> 2) &
                   (same_as_next >> 3) & span(PAD, PAD + width - 5);
  line_bits starts = five & ~(five << 1);
  /* a run of n >= 5 holds n - 4 windows of five and one start: (n - 4) + 2 = 3 + (n - 5) */
  return popcount(five) + 2 * popcount(starts);
}

/* N3 of one line for patterns of module width f. */
static int finder_like_penalty(line_bits dark, line_bits light, int f) {
  static const int pattern[] = {1, 0, 1, 1, 1, 0, 1}; /* 1:1:3:1:1 */
  line_bits core = ~(line_bits)0;
  for (int k = 0; k < 7 * f; k++)
    core &= pattern[k / f] ? dark >> k : light >> k;
  core &= (light << 1) & (light >> (7 * f)); /* exactly f wide at both ends */
  line_bits before = ~(line_bits)0, after = ~(line_bits)0;
  for (int k = 1; k <= 4 * f; k++)
    before &= light << k;
  for (int k = 0; k < 4 * f; k++)
    after &= light >> (7 * f + k);
  return 40 * popcount(core & (before | after));
}

static int line_penalty(line_bits dark, int width) {
  line_bits light = ~dark & span(0, width + 2 * PAD - 1);
  return runs_penalty(dark, width) + finder_like_penalty(dark, light, 1) +
         finder_like_penalty(dark, light, 2);
}

/* N2 of two neighbouring rows. */
static int blocks_penalty(line_bits upper, line_bits lower, int width) {
  line_bits inside = span(PAD, PAD + width - 2);
  line_bits dark = upper & (upper >> 1) & lower & (lower >> 1);
  line_bits light = ~(upper | (upper >> 1) | lower | (lower >> 1));
  return 3 * popcount((dark | light) & inside);
}

/* The penalty of a symbol held as rows and columns (bit PAD + i of each is module i). */
static int bits_penalty(const line_bits *rows, const line_bits *cols, int width) {
  int penalty = 0;
  long darks = 0;
  for (int i = 0; i < width; i++) {
    penalty += line_penalty(rows[i], width) + line_penalty(cols[i], width);
    darks += popcount(rows[i]);
  }
  for (int y = 0; y + 1 < width; y++)
    penalty += blocks_penalty(rows[y], rows[y + 1], width);
  long cells = (long)width * width;
  long percent = (200 * darks + cells) / cells / 2; /* rounded, as libqrencode rounds it */
  return penalty + (int)(labs(percent - 50) / 5) * 10;
}

typedef struct symbol_bits {
  line_bits rows[SC_QR_PENALTY_MAX_WIDTH], cols[SC_QR_PENALTY_MAX_WIDTH];
} symbol_bits;

static void set_module(symbol_bits *s, int x, int y, bool dark) {
  line_bits row_bit = (line_bits)1 << (PAD + x), col_bit = (line_bits)1 << (PAD + y);
  s->rows[y] = dark ? s->rows[y] | row_bit : s->rows[y] & ~row_bit;
  s->cols[x] = dark ? s->cols[x] | col_bit : s->cols[x] & ~col_bit;
}

/* dark: modules with bit 0 set; data: the masked ones (libqrencode marks the others 0x80). */
static void read_symbol(const unsigned char *modules, int width, symbol_bits *dark,
                        symbol_bits *data) {
  for (int y = 0; y < width; y++) {
    for (int x = 0; x < width; x++) {
      unsigned char m = modules[y * width + x];
      if (m & 1)
        set_module(dark, x, y, true);
      if (data && !(m & 0x80))
        set_module(data, x, y, true);
    }
  }
}

int sc_qr_penalty(const unsigned char *modules, int width) {
  if (width <= 0 || width > SC_QR_PENALTY_MAX_WIDTH)
    return -1;
  symbol_bits dark = {0};
  read_symbol(modules, width, &dark, NULL);
  return bits_penalty(dark.rows, dark.cols, width);
}

/* ---------------------------------------------------------------- the eight masks */

/* Does mask m flip the data module at column x, row y? (ISO/IEC 18004 Table 10, i = row.) */
static bool flips(int m, int x, int y) {
  switch (m) {
  case 0: return (x + y) % 2 == 0;
  case 1: return y % 2 == 0;
  case 2: return x % 3 == 0;
  case 3: return (x + y) % 3 == 0;
  case 4: return (y / 2 + x / 3) % 2 == 0;
  case 5: return (x * y) % 2 + (x * y) % 3 == 0;
  case 6: return ((x * y) % 2 + (x * y) % 3) % 2 == 0;
  default: return ((x * y) % 3 + (x + y) % 2) % 2 == 0;
  }
}

/* Every mask repeats every 12 modules along a row and along a column, and from one line to
 * the twelfth after it: the line's flips are its first 12, copied along, in place (bit
 * PAD + i for module i). */
static line_bits flips_along(int m, int fixed, bool row, int width) {
  line_bits period = 0;
  for (int i = 0; i < 12; i++)
    if (row ? flips(m, i, fixed) : flips(m, fixed, i))
      period |= (line_bits)1 << i;
  for (int shift = 12; shift < 128; shift *= 2)
    period |= period << shift;
  return (period << PAD) & span(PAD, PAD + width - 1);
}

/* The 15 bits of format information for error correction level M and each mask. */
static const unsigned format_m[8] = {0x5412, 0x5125, 0x5e7c, 0x5b4b,
                                     0x45f9, 0x40ce, 0x4f97, 0x4aa0};

/* Both copies of the format information, where libqrencode puts them (least bit first). */
static void write_format(symbol_bits *s, int width, int m) {
  unsigned format = format_m[m];
  for (int i = 0; i < 8; i++, format >>= 1) {
    set_module(s, width - 1 - i, 8, format & 1);
    set_module(s, 8, i < 6 ? i : i + 1, format & 1);
  }
  for (int i = 0; i < 7; i++, format >>= 1) {
    set_module(s, 8, width - 7 + i, format & 1);
    set_module(s, i == 0 ? 7 : 6 - i, 8, format & 1);
  }
}

int sc_qr_best_mask(const unsigned char *modules, int width) {
  if (width < 21 || width > SC_QR_PENALTY_MAX_WIDTH)
    return -1;
  symbol_bits *bits = calloc(3, sizeof *bits); /* 5 KB each: off the worker's stack */
  if (!bits)
    return -1;
  symbol_bits *dark0 = &bits[0], *data = &bits[1], *masked = &bits[2];
  read_symbol(modules, width, dark0, data);
  line_bits row_flips[8][12], col_flips[8][12]; /* line i's are those of line i % 12 */
  for (int m = 0; m < 8; m++) {
    for (int i = 0; i < 12; i++) {
      row_flips[m][i] = flips_along(m, i, true, width);
      col_flips[m][i] = flips_along(m, i, false, width);
    }
  }
  int best = -1, lowest = 0;
  for (int m = 0; m < 8; m++) {
    for (int i = 0; i < width; i++) { /* undo mask 0, apply mask m */
      line_bits row = row_flips[0][i % 12] ^ row_flips[m][i % 12];
      line_bits col = col_flips[0][i % 12] ^ col_flips[m][i % 12];
      masked->rows[i] = dark0->rows[i] ^ (data->rows[i] & row);
      masked->cols[i] = dark0->cols[i] ^ (data->cols[i] & col);
    }
    write_format(masked, width, m);
    int penalty = bits_penalty(masked->rows, masked->cols, width);
    if (best < 0 || penalty < lowest) {
      best = m;
      lowest = penalty;
    }
  }
  free(bits);
  return best;
}
