/* The canonical N-Quads of the last proof configuration canonicalised for eddsa-rdfc-2022.
 * Every credential of a batch carries the same proof options (suite, created, verification
 * method, purpose) under the same @context, and canonicalising them takes a JSON-LD
 * expansion, toRdf and RDFC-1.0 each time: about a fifth of an RDF proof's cost. The entry is
 * keyed on the exact input: the configuration (with its @context) dumped with sorted keys,
 * reals kept apart from integers, so an equal key means an equal JSON value and so an equal
 * canonical form (the contexts are the bundled ones, fixed for the process). One entry, shared
 * by the threads under a lock; what fails to be cached is simply computed again. */
#include "core/proof_config_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *cached_key;     /* NULL: empty */
static sc_buf cached_nquads; /* its canonical N-Quads */

char *sc_proof_config_key(const json_t *config) {
  return json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
                                JSON_REAL_PRECISION(17));
}

bool sc_proof_config_cache_get(const char *key, sc_buf *out, bool *found) {
  bool ok = true;
  *found = false;
  pthread_mutex_lock(&lock);
  if (cached_key && strcmp(cached_key, key) == 0) {
    ok = sc_buf_append(out, cached_nquads.data, cached_nquads.len);
    *found = ok;
  }
  pthread_mutex_unlock(&lock);
  return ok;
}

void sc_proof_config_cache_put(const char *key, const sc_buf *nquads) {
  size_t key_len = strlen(key) + 1;
  char *key_copy = malloc(key_len);
  if (key_copy)
    memcpy(key_copy, key, key_len);
  sc_buf copy = {0};
  if (!key_copy || !sc_buf_append(&copy, nquads->data, nquads->len)) {
    free(key_copy);
    sc_buf_free(&copy);
    return; /* out of memory: simply not cached */
  }
  pthread_mutex_lock(&lock);
  char *old_key = cached_key;
  sc_buf old = cached_nquads;
  cached_key = key_copy;
  cached_nquads = copy;
  pthread_mutex_unlock(&lock);
  free(old_key);
  sc_buf_free(&old);
}
