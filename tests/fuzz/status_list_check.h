/*
 * tests/fuzz/status_list_check.h — what the status list fuzz target checks, shared with the
 * unit test that replays its corpus (tests/unit/test_status_list.c), so an input that breaks
 * the fuzz target fails `make test` through the same code.
 *
 * Input: an encodedList as text; or, when the first byte is 0x01, the rest is taken as the
 * compressed bytes themselves and wrapped as 'u' + base64url, so that mutations reach the
 * GZIP framing and the inflater instead of dying in base64url.
 */
#ifndef SKILLCERT_STATUS_LIST_CHECK_H
#define SKILLCERT_STATUS_LIST_CHECK_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define FUZZ_STATUS_RAW 0x01
#define FUZZ_STATUS_ROUND_TRIP_MAX ((size_t)64 << 10) /* re-encode only small lists: speed */

static inline char *fuzz_status_text(const uint8_t *data, size_t size) {
  if (size > 0 && data[0] == FUZZ_STATUS_RAW)
    return sc_multibase_encode('u', data + 1, size - 1);
  char *text = malloc(size + 1);
  if (text) {
    memcpy(text, data, size);
    text[size] = '\0'; /* an embedded NUL just ends the text early */
  }
  return text;
}

/* Encoding the decoded bits and decoding again gives the same bits. */
static inline bool fuzz_status_round_trips(const sc_buf *bits, unsigned status_size) {
  if (bits->len > FUZZ_STATUS_ROUND_TRIP_MAX)
    return true;
  char *again = sc_status_list_encode(bits->data, bits->len, NULL);
  sc_buf twice = {0};
  bool same = again && sc_status_list_decode(again, 1, status_size, &twice, NULL) == SC_OK &&
              twice.len == bits->len && memcmp(twice.data, bits->data, bits->len) == 0;
  sc_buf_free(&twice);
  free(again);
  return same;
}

/* Reads are in range exactly when the index is below len * 8 / status_size. */
static inline bool fuzz_status_reads_are_bounded(const sc_buf *bits, unsigned status_size) {
  size_t entries = bits->len * 8 / status_size;
  unsigned value = 0;
  return sc_status_list_get(bits->data, bits->len, entries - 1, status_size, &value, NULL) ==
             SC_OK &&
         value < (1u << status_size) &&
         sc_status_list_get(bits->data, bits->len, entries, status_size, &value, NULL) == SC_EDATA;
}

/* Decoding fails with SC_EDATA and a message, or gives a list within the limits. */
static inline bool fuzz_check_status_list(const uint8_t *data, size_t size) {
  char *text = fuzz_status_text(data, size);
  if (!text)
    return true; /* out of memory is not a finding */
  unsigned status_size = size % 2 ? 1 : 2;
  sc_buf bits = {0};
  sc_error err = {0};
  int rc = sc_status_list_decode(text, 1, status_size, &bits, &err);
  bool sane;
  if (rc != SC_OK)
    sane = rc == SC_EDATA && err.message[0] != '\0' && bits.data == NULL;
  else
    sane = bits.len * 8 >= status_size && bits.len <= SC_STATUS_LIST_MAX_BYTES &&
           fuzz_status_reads_are_bounded(&bits, status_size) &&
           fuzz_status_round_trips(&bits, status_size);
  sc_buf_free(&bits);
  free(text);
  return sane;
}

#endif
