/* Shared by the unit tests: cmocka, and where the conformance vectors live. */
#ifndef SKILLCERT_TEST_SUPPORT_H
#define SKILLCERT_TEST_SUPPORT_H

#include <dirent.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

/* ---------------------------------------------------------------- scratch folders */

/* A new folder /tmp/skillcert-<name>-XXXXXX in dir; false when it cannot be made. */
static inline bool make_temp_dir(char dir[static 64], const char *name) {
  snprintf(dir, 64, "/tmp/skillcert-%s-XXXXXX", name);
  return mkdtemp(dir) != NULL;
}

static inline int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

/* Removes dir and everything below it; 0 on success. */
static inline int remove_temp_dir(const char *dir) {
  return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* tests/vectors from the project root (tests/vectors/README.md), or $SKILLCERT_VECTORS. */
static inline const char *vectors_dir(void) {
  const char *dir = getenv("SKILLCERT_VECTORS");
  return dir && *dir ? dir : "tests/vectors";
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

/* Runs check on every file of a fuzz corpus dir (dot files skipped) and returns how many ran;
 * a file the check refuses fails the test, naming the file. Corpora are replayed in every
 * `make test`, so a seed or regression input stays checked under ASan and UBSan. */
typedef bool (*corpus_check)(void *ctx, const uint8_t *data, size_t len);

static inline size_t replay_corpus(const char *dir, corpus_check check, void *ctx) {
  DIR *d = opendir(dir);
  if (!d)
    fail_msg("cannot open %s (tests run from the project root)", dir);
  size_t count = 0;
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    if (entry->d_name[0] == '.')
      continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
    sc_buf input = {0};
    sc_error err = {0};
    if (sc_read_file(path, (size_t)1 << 20, &input, &err) != SC_OK)
      fail_msg("%s: %s", path, err.message);
    if (!check(ctx, input.data ? input.data : (const uint8_t *)"", input.len))
      fail_msg("%s: the fuzz check failed on this input", path);
    sc_buf_free(&input);
    count++;
  }
  closedir(d);
  return count;
}

#endif
