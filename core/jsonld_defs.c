/* Term definitions compiled for lookup (see jl_def in jsonld_internal.h). Expansion asks for a
 * term's definition and then for several of its entries, for every key and value of every
 * document: as jansson objects that was a score of hash lookups per property. A context that
 * Context Processing has finished (jl_context_freeze) gets one table, term → jl_def with the
 * entries already read, so expansion makes one lookup per term instead. */
#include "core/jsonld_internal.h"
#include "core/hash_words.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct def_slot {
  const char *term; /* NULL: free; borrowed from the context's terms object */
  size_t hash;
  jl_def def;
} def_slot;

struct jl_defs {
  def_slot *slots;
  size_t mask; /* slots - 1, a power of two minus one */
};

/* From the length and the first and last 16 bytes: terms are short, and the IRIs looked up
 * as terms (every @id and type value is) are long, so hashing every byte cost more than the
 * lookups it served. Terms that share both ends are told apart by strcmp. */
static size_t term_hash(const char *term) {
  size_t len = strlen(term);
  size_t h = sc_hash_mix(0, len);
  h = sc_hash_mix(h, sc_hash_word_at(term, len));
  if (len > 8)
    h = sc_hash_mix(h, sc_hash_word_at(term + 8, len - 8));
  if (len > 16) {
    h = sc_hash_mix(h, sc_hash_word_at(term + len - 16, 8));
    h = sc_hash_mix(h, sc_hash_word_at(term + len - 8, 8));
  }
  return h;
}

static unsigned container_bit(const char *keyword) {
  static const struct {
    const char *name;
    unsigned bit;
  } bits[] = {
      {"@list", JL_C_LIST}, {"@set", JL_C_SET},     {"@index", JL_C_INDEX},      {"@id", JL_C_ID},
      {"@type", JL_C_TYPE}, {"@graph", JL_C_GRAPH}, {"@language", JL_C_LANGUAGE}};
  for (size_t i = 0; keyword && i < sizeof bits / sizeof *bits; i++)
    if (strcmp(keyword, bits[i].name) == 0)
      return bits[i].bit;
  return 0;
}

void jl_def_read(const json_t *definition, jl_def *out) {
  *out = (jl_def){.json = definition};
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)definition, key, v) {
    if (strcmp(key, "@id") == 0) {
      out->id = json_string_value(v);
      out->id_json = out->id ? v : NULL;
    } else if (strcmp(key, "@type") == 0) {
      out->type = json_string_value(v);
      out->type_json = out->type ? v : NULL;
    } else if (strcmp(key, "@container") == 0) {
      size_t i;
      json_t *item;
      if (json_is_string(v))
        out->containers |= container_bit(json_string_value(v));
      json_array_foreach(v, i, item) {
        out->containers |= container_bit(json_string_value(item));
      }
    } else if (strcmp(key, "@reverse") == 0) {
      out->reverse = json_is_true(v);
    } else if (strcmp(key, "@prefix") == 0) {
      out->prefix = json_is_true(v);
    } else if (strcmp(key, "@language") == 0) {
      out->language = v;
    } else if (strcmp(key, "@direction") == 0) {
      out->direction = v;
    } else if (strcmp(key, "@context") == 0) {
      out->context = v;
    } else if (strcmp(key, "@base") == 0) {
      out->base = json_string_value(v);
    } else if (strcmp(key, "@index") == 0) {
      out->index = json_string_value(v);
    }
  }
  out->id_is_keyword = out->id && jl_is_keyword(out->id);
  out->id_is_absolute = out->id && jl_is_absolute_iri(out->id);
}

static jl_defs *defs_build(const json_t *terms) {
  size_t size = 16;
  while (size < 2 * json_object_size(terms))
    size *= 2;
  jl_defs *defs = jl_malloc(sizeof *defs);
  def_slot *slots = jl_calloc(size, sizeof *slots);
  if (!defs || !slots) {
    free(defs);
    free(slots);
    return NULL;
  }
  defs->slots = slots;
  defs->mask = size - 1;
  const char *term;
  json_t *definition;
  json_object_foreach((json_t *)terms, term, definition) {
    size_t h = term_hash(term), i = h & defs->mask;
    while (slots[i].term)
      i = (i + 1) & defs->mask;
    slots[i].term = term;
    slots[i].hash = h;
    jl_def_read(definition, &slots[i].def);
  }
  return defs;
}

void jl_defs_free(jl_defs *defs) {
  if (!defs)
    return;
  free(defs->slots);
  free(defs);
}

void jl_context_freeze(jl_context *ctx) {
  if (ctx && !ctx->defs)
    ctx->defs = defs_build(ctx->terms); /* NULL when out of memory: lookups read the JSON */
}

const jl_def *jl_def_find(const jl_context *ctx, const char *term, jl_def *scratch) {
  if (!term)
    return NULL;
  const jl_defs *defs = ctx->defs;
  if (!defs) {
    const json_t *definition = json_object_get(ctx->terms, term);
    if (!definition)
      return NULL;
    jl_def_read(definition, scratch);
    return scratch;
  }
  size_t h = term_hash(term);
  for (size_t i = h & defs->mask; defs->slots[i].term; i = (i + 1) & defs->mask)
    if (defs->slots[i].hash == h && strcmp(defs->slots[i].term, term) == 0)
      return &defs->slots[i].def;
  return NULL;
}
