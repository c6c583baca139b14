/* The processed-context cache of JSON-LD Context Processing (see jsonld_internal.h). A fixed
 * table with linear probing; when it fills, every entry is dropped at once, which keeps the
 * memory bounded and the code short (the contexts of real credentials fill a few dozen). */
#include "core/jsonld_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
  jl_context *active; /* NULL: a free slot */
  json_t *local;
  char *base_url;
  unsigned flags;
  jl_context *result;
} cache_entry;

#define SLOTS (2 * JL_CACHE_ENTRIES)
static cache_entry table[SLOTS];
static size_t used;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* A hash of what a local context says, not where it is: an inline context of one document
 * finds the entry made by another document's equal one. */
static size_t local_hash(const json_t *local) {
  if (!local)
    return 0; /* the first item of an empty array */
  if (json_is_string(local)) {
    size_t h = 1469598103934665603u;
    for (const char *p = json_string_value(local); *p; p++)
      h = (h ^ (unsigned char)*p) * 1099511628211u;
    return h;
  }
  size_t h = (size_t)json_typeof(local) * 31u;
  if (json_is_array(local))
    return h + json_array_size(local) * 7u + local_hash(json_array_get(local, 0));
  return h + json_object_size(local);
}

static size_t slot_of(const jl_cache_key *key) {
  size_t h = (size_t)(uintptr_t)key->active * 2654435761u;
  h ^= local_hash(key->local) + key->flags * 97u;
  return h % SLOTS;
}

static bool same_base(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static bool matches(const cache_entry *e, const jl_cache_key *key) {
  return e->active == key->active && e->flags == key->flags && same_base(e->base_url, key->base_url) &&
         (e->local == key->local || json_equal(e->local, (json_t *)key->local));
}

jl_context *jl_cache_get(const jl_cache_key *key) {
  jl_context *found = NULL;
  pthread_mutex_lock(&lock);
  for (size_t i = slot_of(key); table[i].active; i = (i + 1) % SLOTS)
    if (matches(&table[i], key)) {
      found = jl_context_ref(table[i].result);
      break;
    }
  pthread_mutex_unlock(&lock);
  return found;
}

static void drop_all(void) {
  for (size_t i = 0; i < SLOTS; i++) {
    if (!table[i].active)
      continue;
    jl_context_unref(table[i].active);
    json_decref(table[i].local);
    free(table[i].base_url);
    jl_context_unref(table[i].result);
    table[i] = (cache_entry){0};
  }
  used = 0;
}

void jl_cache_put(const jl_cache_key *key, jl_context *result) {
  char *base = key->base_url ? jl_strdup(key->base_url) : NULL;
  if (key->base_url && !base)
    return; /* out of memory: simply not cached */
  pthread_mutex_lock(&lock);
  if (used >= JL_CACHE_ENTRIES)
    drop_all();
  size_t i = slot_of(key);
  while (table[i].active && !matches(&table[i], key))
    i = (i + 1) % SLOTS;
  if (table[i].active) {
    free(base); /* another thread put it first */
  } else {
    table[i] = (cache_entry){.active = jl_context_ref((jl_context *)key->active),
                             .local = json_incref((json_t *)key->local),
                             .base_url = base,
                             .flags = key->flags,
                             .result = jl_context_ref(result)};
    used++;
  }
  pthread_mutex_unlock(&lock);
}

static jl_context *empty;
static pthread_once_t empty_once = PTHREAD_ONCE_INIT;

static void make_empty(void) { empty = jl_context_new(NULL); }

jl_context *jl_empty_context(void) {
  pthread_once(&empty_once, make_empty);
  return jl_context_ref(empty);
}
