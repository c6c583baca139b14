/* A cheap hash from a few 8-byte words of a string, for the hash tables of core that key on
 * long IRIs (jsonld_defs.c's term table, rdfc.c's duplicate quads): hashing every byte of each
 * IRI cost more than the lookups it served. Internal to core/. */
#ifndef SKILLCERT_HASH_WORDS_H
#define SKILLCERT_HASH_WORDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* h with v folded in. */
static inline size_t sc_hash_mix(size_t h, uint64_t v) {
  h = (h ^ v) * 0x9e3779b97f4a7c15u;
  return h ^ (h >> 29);
}

/* Up to 8 bytes of text from at (zeros past n). */
static inline uint64_t sc_hash_word_at(const char *at, size_t n) {
  uint64_t w = 0;
  memcpy(&w, at, n < 8 ? n : 8);
  return w;
}

#endif
