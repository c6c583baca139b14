/* Shared by the unit tests: cmocka, and where the conformance vectors live. */
#ifndef SKILLCERT_TEST_SUPPORT_H
#define SKILLCERT_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

/* ../shared/vectors from the project root, or $SKILLCERT_VECTORS. */
static inline const char *vectors_dir(void) {
  const char *dir = getenv("SKILLCERT_VECTORS");
  return dir && *dir ? dir : "../shared/vectors";
}

/* Reads vectors_dir()/relative into out (NUL-terminated); fails the test when missing. */
static inline void read_vector(const char *relative, sc_buf *out) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", vectors_dir(), relative);
  sc_error err = {0};
  if (sc_read_file(path, (size_t)64 << 20, out, &err) != SC_OK)
    fail_msg("cannot read vector %s: %s", path, err.message);
}

static inline json_t *load_vector_json(const char *relative) {
  sc_buf raw = {0};
  read_vector(relative, &raw);
  json_t *value = NULL;
  sc_error err = {0};
  if (sc_json_parse((const char *)raw.data, raw.len, relative, &value, &err) != SC_OK)
    fail_msg("cannot parse vector %s: %s", relative, err.message);
  sc_buf_free(&raw);
  return value;
}

#endif
