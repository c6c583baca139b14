/* The QR mask choice (qr_mask.c): the bit-row penalty against a plain cell-by-cell one, the
 * eight masks derived from mask 0 against the symbols libqrencode makes for them, and
 * sc_qr_make's code against libqrencode's own. */
#include "test_support.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "issuer/qr_internal.h"

extern QRcode *QRcode_encodeMask(QRinput *input, int mask);

/* ------------------------------------------------ the penalty, cell by cell, for reference */

static int dark_at(const QRcode *c, int x, int y, bool column) {
  return column ? c->data[x * c->width + y] & 1 : c->data[y * c->width + x] & 1;
}

/* N1 and N3 of row (or column) y; outside the symbol counts as light. */
static int line_reference(const QRcode *c, int y, bool column) {
  int w = c->width, penalty = 0;
  for (int x = 0; x < w;) { /* N1: runs */
    int end = x;
    while (end < w && dark_at(c, end, y, column) == dark_at(c, x, y, column))
      end++;
    if (end - x >= 5)
      penalty += 3 + (end - x - 5);
    x = end;
  }
  for (int f = 1; f <= 2; f++) { /* N3: 1:1:3:1:1 at module widths 1 and 2 */
    static const int pattern[] = {1, 0, 1, 1, 1, 0, 1};
    for (int x = 0; x + 7 * f <= w; x++) {
      bool match = true;
      for (int k = 0; k < 7 * f && match; k++)
        match = dark_at(c, x + k, y, column) == pattern[k / f];
      if (!match || (x > 0 && dark_at(c, x - 1, y, column)) ||
          (x + 7 * f < w && dark_at(c, x + 7 * f, y, column)))
        continue;
      bool before = true, after = true;
      for (int k = 1; k <= 4 * f; k++) {
        before = before && (x - k < 0 || !dark_at(c, x - k, y, column));
        after = after && (x + 7 * f + k - 1 >= w || !dark_at(c, x + 7 * f + k - 1, y, column));
      }
      if (before || after)
        penalty += 40;
    }
  }
  return penalty;
}

static int penalty_reference(const QRcode *c) {
  int w = c->width, penalty = 0, darks = 0;
  for (int i = 0; i < w; i++)
    penalty += line_reference(c, i, false) + line_reference(c, i, true);
  for (int y = 0; y < w; y++) {
    for (int x = 0; x < w; x++) {
      darks += dark_at(c, x, y, false);
      if (x + 1 < w && y + 1 < w) {
        int sum = dark_at(c, x, y, false) + dark_at(c, x + 1, y, false) +
                  dark_at(c, x, y + 1, false) + dark_at(c, x + 1, y + 1, false);
        if (sum == 0 || sum == 4)
          penalty += 3;
      }
    }
  }
  int cells = w * w, percent = (200 * darks + cells) / cells / 2;
  return penalty + abs(percent - 50) / 5 * 10;
}

/* ------------------------------------------------ payloads */

/* A payload of len characters: upper-case alphanumeric (as skillcert's URLs) or any bytes. */
static char *payload(unsigned seed, size_t len, bool alphanumeric) {
  static const char an[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:";
  char *text = malloc(len + 1);
  assert_non_null(text);
  for (size_t i = 0; i < len; i++) {
    seed = seed * 1103515245u + 12345u;
    text[i] = alphanumeric ? an[(seed >> 16) % (sizeof an - 1)] : (char)(33 + (seed >> 16) % 94);
  }
  text[len] = '\0';
  return text;
}

static QRcode *encode_with_mask(const char *text, bool alphanumeric, int mask) {
  QRinput *input = QRinput_new2(0, QR_ECLEVEL_M);
  assert_non_null(input);
  assert_int_equal(QRinput_append(input, alphanumeric ? QR_MODE_AN : QR_MODE_8, (int)strlen(text),
                                  (const unsigned char *)text),
                   0);
  QRcode *code = QRcode_encodeMask(input, mask);
  assert_non_null(code);
  QRinput_free(input);
  return code;
}

/* ------------------------------------------------ tests */

static void penalty_matches_a_cell_by_cell_count(void **state) {
  (void)state;
  for (unsigned seed = 1; seed <= 40; seed++) {
    char *text = payload(seed, 20 + seed * 15, seed % 2);
    for (int mask = 0; mask < 8; mask++) {
      QRcode *code = encode_with_mask(text, seed % 2, mask);
      assert_int_equal(sc_qr_penalty(code->data, code->width), penalty_reference(code));
      QRcode_free(code);
    }
    free(text);
  }
}

static void best_mask_is_the_lowest_penalty_of_libqrencodes_eight_symbols(void **state) {
  (void)state;
  for (unsigned seed = 1; seed <= 40; seed++) {
    char *text = payload(seed * 7, 30 + seed * 14, seed % 3 != 0);
    int lowest = -1, best = -1;
    QRcode *mask0 = NULL;
    for (int mask = 0; mask < 8; mask++) {
      QRcode *code = encode_with_mask(text, seed % 3 != 0, mask);
      int penalty = penalty_reference(code);
      if (best < 0 || penalty < lowest) {
        lowest = penalty;
        best = mask;
      }
      if (mask == 0)
        mask0 = code;
      else
        QRcode_free(code);
    }
    assert_int_equal(sc_qr_best_mask(mask0->data, mask0->width), best);
    QRcode_free(mask0);
    free(text);
  }
}

/* sc_qr_make's code is libqrencode's for the mask chosen; it mostly is libqrencode's own
 * choice too (libqrencode also counts 1:1:3:1:1 patterns wider than 2 modules). */
static void qr_make_gives_libqrencodes_symbol_for_the_chosen_mask(void **state) {
  (void)state;
  int same_as_libqrencode = 0, runs = 40;
  for (int seed = 1; seed <= runs; seed++) {
    char *text = payload((unsigned)seed * 13, 50 + (size_t)seed * 20, true);
    sc_qr_code qr;
    sc_error err = {0};
    assert_int_equal(sc_qr_make(text, SC_QR_MAX_VERSION, &qr, &err), SC_OK);
    bool found = false;
    for (int mask = 0; mask < 8 && !found; mask++) {
      QRcode *code = encode_with_mask(text, true, mask);
      found = code->width == qr.width;
      for (int i = 0; found && i < qr.width * qr.width; i++)
        found = (code->data[i] & 1) == qr.modules[i];
      QRcode_free(code);
    }
    assert_true(found);
    QRcode *own = encode_with_mask(text, true, -1);
    bool same = own->width == qr.width;
    for (int i = 0; same && i < qr.width * qr.width; i++)
      same = (own->data[i] & 1) == qr.modules[i];
    same_as_libqrencode += same;
    QRcode_free(own);
    sc_qr_free(&qr);
    free(text);
  }
  print_message("same symbol as libqrencode's own mask choice: %d of %d\n", same_as_libqrencode, runs);
  assert_true(same_as_libqrencode >= runs * 9 / 10);
}

static void penalty_refuses_widths_it_cannot_hold(void **state) {
  (void)state;
  unsigned char cell = 1;
  assert_int_equal(sc_qr_penalty(&cell, 0), -1);
  assert_int_equal(sc_qr_penalty(&cell, SC_QR_PENALTY_MAX_WIDTH + 1), -1);
  assert_int_equal(sc_qr_best_mask(&cell, SC_QR_PENALTY_MAX_WIDTH + 1), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(penalty_matches_a_cell_by_cell_count),
      cmocka_unit_test(best_mask_is_the_lowest_penalty_of_libqrencodes_eight_symbols),
      cmocka_unit_test(qr_make_gives_libqrencodes_symbol_for_the_chosen_mask),
      cmocka_unit_test(penalty_refuses_widths_it_cannot_hold),
  };
  return cmocka_run_group_tests_name("qr_mask", tests, NULL, NULL);
}
