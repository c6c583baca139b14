/* The expansion memo (see jsonld_internal.h): a few objects declared shared, each with the
 * expanded form it had last and what that expansion was keyed by. An expanded form is used
 * only when the object still equals the deep copy taken when it was declared, so the memo can
 * make expansion faster, never different. */
#include "core/jsonld_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct memo_options {
  sc_jsonld_load_fn load;
  void *load_ctx;
  const json_t *expand_context;
  bool safe_mode;
  const char *base; /* compared by content, not kept: see same_options */
} memo_options;

typedef struct memo_entry {
  json_t *element;  /* held; NULL: a free slot */
  json_t *snapshot; /* a deep copy of it, taken when it was declared shared */
  size_t shares;    /* how many times it was declared, less the times it was released */
  /* The last expansion, or expanded NULL: */
  jl_context *active; /* held, so that its address is not reused while kept */
  char *active_property, *base_url, *options_base;
  memo_options opts;
  json_t *expanded;
} memo_entry;

#define MEMO_SLOTS 8 /* a batch declares one achievement per achievement file of its roster */
static memo_entry table[MEMO_SLOTS];
static atomic_int shared_count;
static atomic_size_t hits;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static bool same_string(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static memo_options options_of(const sc_jsonld_options *opts) {
  if (!opts)
    return (memo_options){0};
  return (memo_options){.load = opts->load,
                        .load_ctx = opts->load_ctx,
                        .expand_context = opts->expand_context,
                        .safe_mode = opts->safe_mode,
                        .base = opts->base};
}

static bool same_options(const memo_entry *e, const sc_jsonld_options *opts) {
  memo_options o = options_of(opts);
  return e->opts.load == o.load && e->opts.load_ctx == o.load_ctx &&
         e->opts.expand_context == o.expand_context && e->opts.safe_mode == o.safe_mode &&
         same_string(e->options_base, o.base);
}

/* The entry of element, or with element NULL a free one. */
static memo_entry *find(const json_t *element) {
  for (size_t i = 0; i < MEMO_SLOTS; i++)
    if (table[i].element == element)
      return &table[i];
  return NULL;
}

static void forget_expansion(memo_entry *e) {
  jl_context_unref(e->active);
  free(e->active_property);
  free(e->base_url);
  free(e->options_base);
  json_decref(e->expanded);
  e->active = NULL;
  e->active_property = e->base_url = e->options_base = NULL;
  e->opts = (memo_options){0};
  e->expanded = NULL;
}

void sc_jsonld_share(const json_t *object) {
  if (!json_is_object(object))
    return;
  json_t *snapshot = json_deep_copy(object); /* outside the lock: it is the long part */
  if (!snapshot)
    return; /* out of memory: simply not kept */
  pthread_mutex_lock(&lock);
  memo_entry *e = find(object);
  if (e) {
    e->shares++;
  } else if ((e = find(NULL)) != NULL) {
    *e = (memo_entry){.element = json_incref((json_t *)object), .snapshot = snapshot, .shares = 1};
    snapshot = NULL;
    atomic_fetch_add(&shared_count, 1);
  }
  pthread_mutex_unlock(&lock);
  json_decref(snapshot); /* already shared, or no free slot (then it is not memoized) */
}

void sc_jsonld_unshare(const json_t *object) {
  memo_entry old = {0};
  pthread_mutex_lock(&lock);
  memo_entry *e = object ? find(object) : NULL;
  if (e && --e->shares == 0) {
    old = *e;
    *e = (memo_entry){0};
    atomic_fetch_sub(&shared_count, 1);
  }
  pthread_mutex_unlock(&lock);
  if (old.element) {
    forget_expansion(&old);
    json_decref(old.snapshot);
    json_decref(old.element);
  }
}

bool jl_memo_eligible(const json_t *element) {
  return atomic_load(&shared_count) > 0 && json_is_object(element);
}

json_t *jl_memo_get(const jl_memo_key *key) {
  json_t *snapshot = NULL, *expanded = NULL;
  pthread_mutex_lock(&lock);
  memo_entry *e = key->element ? find(key->element) : NULL;
  if (e && e->expanded && e->active == key->active &&
      same_string(e->active_property, key->active_property) &&
      same_string(e->base_url, key->base_url) && same_options(e, key->opts)) {
    snapshot = json_incref(e->snapshot);
    expanded = json_incref(e->expanded);
  }
  pthread_mutex_unlock(&lock);
  bool same = snapshot && json_equal(snapshot, (json_t *)key->element);
  json_decref(snapshot);
  if (same) {
    atomic_fetch_add(&hits, 1);
    return expanded;
  }
  json_decref(expanded);
  return NULL;
}

void jl_memo_put(const jl_memo_key *key, json_t *expanded) {
  memo_options opts = options_of(key->opts);
  char *property = key->active_property ? strdup(key->active_property) : NULL;
  char *base_url = key->base_url ? strdup(key->base_url) : NULL;
  char *options_base = opts.base ? strdup(opts.base) : NULL;
  if ((key->active_property && !property) || (key->base_url && !base_url) ||
      (opts.base && !options_base)) {
    free(property);
    free(base_url);
    free(options_base);
    return; /* out of memory: simply not kept */
  }
  memo_entry old = {0};
  pthread_mutex_lock(&lock);
  memo_entry *e = key->element ? find(key->element) : NULL;
  /* Kept only while the object equals its snapshot: one changed in place is not kept. */
  bool keep = e && json_equal(e->snapshot, (json_t *)key->element);
  if (keep) {
    old = *e;
    e->active = jl_context_ref((jl_context *)key->active);
    e->active_property = property;
    e->base_url = base_url;
    e->options_base = options_base;
    e->opts = opts;
    e->opts.base = NULL;
    e->expanded = json_incref(expanded);
    property = base_url = options_base = NULL;
  }
  pthread_mutex_unlock(&lock);
  if (keep)
    forget_expansion(&old);
  free(property);
  free(base_url);
  free(options_base);
}

size_t jl_memo_hits(void) {
  return atomic_load(&hits);
}
