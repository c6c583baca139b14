/* Internal to core: the cache of a proof configuration's canonical N-Quads
 * (proof_config_cache.c), used by data_integrity.c. */
#ifndef SC_PROOF_CONFIG_CACHE_H
#define SC_PROOF_CONFIG_CACHE_H

#include "core/core.h"

/* Whether config (its @context included) may be cached: strings, arrays and objects only. */
bool sc_proof_config_cacheable(const json_t *config);
/* Appends the cached canonical N-Quads of config to out and sets *found; false: out of
 * memory. */
bool sc_proof_config_cache_get(const json_t *config, sc_buf *out, bool *found);
/* Remembers nquads as the canonical form of config, in place of the entry before. */
void sc_proof_config_cache_put(const json_t *config, const sc_buf *nquads);

#endif
