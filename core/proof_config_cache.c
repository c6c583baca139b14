/* The canonical N-Quads of the last proof configuration canonicalised for eddsa-rdfc-2022.
 * Every credential of a batch carries the same proof options (suite, created, verification
 * method, purpose) under the same @context, and canonicalising them takes a JSON-LD
 * expansion, toRdf and RDFC-1.0 each time (about 20 us of an RDF proof's 170). The entry is
 * keyed on the exact input: a copy of the configuration (with its @context), compared with
 * json_equal, which is exact for strings, arrays and objects; a configuration holding anything
 * else (a number: json_equal has 0.0 equal to -0.0, which RDF tells apart) is never cached.
 * The contexts are the bundled ones, fixed for the process, so an equal input has an equal
 * canonical form. One entry, shared by the threads under a lock; what fails to be cached is
 * simply computed again. */
#include "core/proof_config_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *cached_config; /* NULL: empty */
static sc_buf cached_nquads;  /* its canonical N-Quads */

bool sc_proof_config_cacheable(const json_t *config) {
  if (json_is_string(config))
    return true;
  if (json_is_array(config)) {
    for (size_t i = 0; i < json_array_size(config); i++)
      if (!sc_proof_config_cacheable(json_array_get(config, i)))
        return false;
    return true;
  }
  if (!json_is_object(config))
    return false;
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)config, key, value) {
    if (!sc_proof_config_cacheable(value))
      return false;
  }
  return true;
}

bool sc_proof_config_cache_get(const json_t *config, sc_buf *out, bool *found) {
  bool ok = true;
  *found = false;
  pthread_mutex_lock(&lock);
  if (cached_config && json_equal(cached_config, (json_t *)config)) {
    ok = sc_buf_append(out, cached_nquads.data, cached_nquads.len);
    *found = ok;
  }
  pthread_mutex_unlock(&lock);
  return ok;
}

void sc_proof_config_cache_put(const json_t *config, const sc_buf *nquads) {
  size_t failures = sc_alloc_failure_count(); /* json_deep_copy may leave a member out */
  json_t *copy = json_deep_copy(config);
  sc_buf text = {0};
  if (!copy || sc_alloc_failure_count() != failures ||
      !sc_buf_append(&text, nquads->data, nquads->len)) {
    json_decref(copy);
    sc_buf_free(&text);
    return; /* out of memory: simply not cached */
  }
  pthread_mutex_lock(&lock);
  json_t *old_config = cached_config;
  sc_buf old_nquads = cached_nquads;
  cached_config = copy;
  cached_nquads = text;
  pthread_mutex_unlock(&lock);
  json_decref(old_config);
  sc_buf_free(&old_nquads);
}
