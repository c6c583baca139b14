/* Internal to core: the cache of a proof configuration's canonical N-Quads
 * (proof_config_cache.c), used by data_integrity.c. */
#ifndef SC_PROOF_CONFIG_CACHE_H
#define SC_PROOF_CONFIG_CACHE_H

#include "core/core.h"

/* The cache key of a proof configuration (its @context included): a new string, NULL when
 * out of memory. */
char *sc_proof_config_key(const json_t *config);
/* Appends the cached canonical N-Quads of key to out and sets *found; false: out of memory. */
bool sc_proof_config_cache_get(const char *key, sc_buf *out, bool *found);
/* Remembers nquads as the canonical form of key, in place of the entry before. */
void sc_proof_config_cache_put(const char *key, const sc_buf *nquads);

#endif
