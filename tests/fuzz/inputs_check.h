/*
 * tests/fuzz/inputs_check.h — what the PDF and image fuzz targets check, shared with the unit
 * test that replays their corpora (tests/unit/test_inputs.c), so an input that breaks a fuzz
 * target fails `make test` through the same code.
 */
#ifndef SKILLCERT_INPUTS_CHECK_H
#define SKILLCERT_INPUTS_CHECK_H

#include <stdbool.h>

#include "core/core.h"
#include "verifier/verifier.h"

/* A failure is SC_EDATA (or out of memory) with a message; a success is at most
 * SC_JSON_MAX_BYTES of output. */
static inline bool fuzz_outcome_sane(int rc, const sc_error *err, const sc_buf *out, size_t max) {
  if (rc == SC_OK)
    return out->len <= max;
  return (rc == SC_EDATA || rc == SC_ESOFTWARE) && err->code == rc && err->message[0] != '\0' &&
         out->len == 0;
}

static inline bool fuzz_check_pdf_extract(const uint8_t *data, size_t size) {
  sc_buf json = {0};
  sc_error err = {0};
  int rc = sc_pdf_extract_credential(data, size, &json, &err);
  bool sane = fuzz_outcome_sane(rc, &err, &json, SC_JSON_MAX_BYTES);
  sc_buf_free(&json);
  return sane;
}

static inline bool fuzz_check_image_qr(const uint8_t *data, size_t size) {
  sc_buf text = {0};
  sc_error err = {0};
  int rc = sc_image_read_qr(data, size, &text, &err);
  bool sane = fuzz_outcome_sane(rc, &err, &text, (size_t)64 << 10);
  sc_buf_free(&text);
  return sane;
}

#endif
