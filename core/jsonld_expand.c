/* JSON-LD 1.1 Expansion (API 5.1 Expansion Algorithm and 5.3 Value Expansion), without the
 * framing options. Values are jansson values; every function returns a new reference.
 *
 * Keys and strings are made with jansson's _nocheck functions: every one is a keyword or comes
 * from strings of the (already parsed, so valid UTF-8) document and contexts, joined at ASCII
 * delimiters, and the UTF-8 check of each key and IRI was a tenth of a credential's expansion. */
#include "core/jsonld_internal.h"

#include <stdlib.h>
#include <string.h>

static int expand(jl_state *st, jl_context *active, const char *active_property,
                  const json_t *element, const char *base_url, bool from_map, json_t **out);
/* The same with the definition of active_property in active already looked up (pdef, NULL
 * when it has none): the hot path passes it down instead of looking it up at every level. */
static int expand_def(jl_state *st, jl_context *active, const char *active_property,
                      const jl_def *pdef, const json_t *element, const char *base_url,
                      bool from_map, json_t **out);

/* Appends value (stolen) to the array at obj[key], creating it; arrays are spliced in. */
static void add_value(json_t *obj, const char *key, json_t *value) {
  json_t *array = json_object_get(obj, key);
  if (!array && json_is_array(value) && value->refcount == 1) {
    json_object_set_new_nocheck(obj, key, value); /* ours alone (not a memo's): kept, not copied */
    return;
  }
  if (!array && !json_is_array(value)) {
    array = json_array();
    json_array_append_new(array, value);
    json_object_set_new_nocheck(obj, key, array);
    return;
  }
  if (!json_is_array(array)) {
    json_t *fresh = json_array();
    if (array)
      json_array_append(fresh, array);
    json_object_set_new_nocheck(obj, key, fresh);
    array = fresh;
  }
  if (json_is_array(value))
    json_array_extend(array, value);
  else
    json_array_append(array, value);
  json_decref(value);
}

static json_t *as_array(const json_t *value) {
  if (json_is_array(value))
    return json_incref((json_t *)value);
  json_t *array = json_array();
  json_array_append(array, (json_t *)value);
  return array;
}

static bool is_scalar(const json_t *v) {
  return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

static bool is_value_object(const json_t *v) {
  return json_is_object(v) && json_object_get(v, "@value");
}

static bool is_list_object(const json_t *v) {
  return json_is_object(v) && json_object_get(v, "@list");
}

static bool is_graph_object(const json_t *v) {
  if (!json_is_object(v) || !json_object_get(v, "@graph"))
    return false;
  const char *key;
  json_t *x;
  json_object_foreach((json_t *)v, key, x) {
    if (strcmp(key, "@graph") && strcmp(key, "@id") && strcmp(key, "@index") &&
        strcmp(key, "@context"))
      return false;
  }
  return true;
}

static const char *def_string(const json_t *def, const char *key) {
  return def ? json_string_value(json_object_get(def, key)) : NULL;
}

/* An object's entries sorted by key (keys and values borrowed): in the caller's room[SORT_ROOM]
 * when they fit (nearly every object of a credential), else in a new array; NULL only when out
 * of memory. The values come with the keys, so no entry is looked up again. Free with
 * free_keys. */
#define SORT_ROOM 24
typedef struct keyed {
  const char *key;
  const json_t *value;
} keyed;

static keyed *sorted_keys(const json_t *obj, size_t *count, keyed *room) {
  *count = json_object_size(obj);
  keyed *keys = *count <= SORT_ROOM ? room : jl_malloc((*count ? *count : 1) * sizeof *keys);
  if (!keys) {
    *count = 0; /* counted as a failure: the caller's caller answers "out of memory" */
    return NULL;
  }
  size_t i = 0;
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    keys[i++] = (keyed){key, v};
  }
  for (size_t a = 1; a < *count; a++)
    for (size_t b = a; b > 0 && strcmp(keys[b - 1].key, keys[b].key) > 0; b--) {
      keyed t = keys[b];
      keys[b] = keys[b - 1];
      keys[b - 1] = t;
    }
  return keys;
}

static void free_keys(keyed *keys, keyed *room) {
  if (keys != room)
    free(keys);
}

/* ---------------------------------------------------------------- value expansion (5.3) */

/* {key: value}, value stolen (json_pack parses its format string on every call). */
static json_t *object_with(const char *key, json_t *value) {
  json_t *object = json_object();
  json_object_set_new_nocheck(object, key, value);
  return object;
}

/* def: the definition of active_property in active, or NULL. */
static int expand_value_def(jl_state *st, jl_context *active, const jl_def *def,
                            const json_t *value, json_t **out) {
  const char *type = def ? def->type : NULL;
  if (type && json_is_string(value) && (strcmp(type, "@id") == 0 || strcmp(type, "@vocab") == 0)) {
    const char *iri = NULL;
    char *owned = NULL;
    int rc = jl_expand_iri_ref(st, active, json_string_value(value), true,
                               strcmp(type, "@vocab") == 0, &iri, &owned);
    if (rc)
      return rc;
    *out = object_with("@id", iri ? json_string_nocheck(iri) : json_null());
    free(owned);
    return SC_OK;
  }
  json_t *result = object_with("@value", json_incref((json_t *)value));
  /* strings of the definition are shared (a reference), not copied for every value */
  if (type && strcmp(type, "@id") && strcmp(type, "@vocab") && strcmp(type, "@none")) {
    json_object_set_new_nocheck(result, "@type", json_incref(def->type_json));
  } else if (json_is_string(value)) {
    const json_t *lang = def ? def->language : NULL;
    const char *language = lang ? json_string_value(lang) : active->language;
    const json_t *dir = def ? def->direction : NULL;
    const char *direction = dir ? json_string_value(dir) : active->direction;
    if (language)
      json_object_set_new_nocheck(result, "@language", lang ? json_incref((json_t *)lang)
                                                            : json_string_nocheck(language));
    if (direction)
      json_object_set_new_nocheck(result, "@direction", dir ? json_incref((json_t *)dir)
                                                             : json_string_nocheck(direction));
  }
  *out = result;
  return SC_OK;
}

static int expand_value(jl_state *st, jl_context *active, const char *active_property,
                        const json_t *value, json_t **out) {
  jl_def scratch;
  return expand_value_def(st, active, jl_def_find(active, active_property, &scratch), value, out);
}

/* ---------------------------------------------------------------- keywords (5.1.2 step 13.4) */

typedef struct entry_ctx {
  jl_state *st;
  jl_context *active, *type_scoped;
  const char *active_property;
  const char *base_url;
  const char *input_type;
  json_t *result;
  json_t *nests; /* array of nesting keys */
} entry_ctx;

/* Safe mode: "the <kind> '<name>' <problem>" is an error; without it, nothing. */
static bool safe_fail(entry_ctx *e, int *rc, const char *kind, const char *name,
                      const char *problem) {
  if (!e->st->opts || !e->st->opts->safe_mode)
    return false;
  *rc = sc_fail(e->st->err, SC_EDATA, "the %s '%s' %s", kind, name, problem);
  return true;
}

#define NOT_DEFINED "is not defined by the credential's contexts"

/* One type (a string item): its IRI as a string in *out, or NULL when it expands to nothing.
 * An IRI that is the item itself is the item (a reference), not a copy. */
static int expand_type_value(entry_ctx *e, const json_t *item, json_t **out) {
  const char *text = json_string_value(item), *iri = NULL;
  char *owned = NULL;
  *out = NULL;
  /* A defined term (as most types are) expands to its definition's @id, as IRI Expansion with
   * vocab would find it: that JSON string is shared, not copied. */
  jl_def scratch;
  const jl_def *def = text[0] == '@' ? NULL : jl_def_find(e->type_scoped, text, &scratch);
  int rc = SC_OK;
  if (def) {
    if (def->id && !def->id_is_absolute && !jl_is_blank_label(def->id) && !def->id_is_keyword &&
        safe_fail(e, &rc, "type", text, NOT_DEFINED))
      return rc;
    *out = def->id_json ? json_incref(def->id_json) : NULL;
    return SC_OK;
  }
  if ((rc = jl_expand_iri_ref(e->st, e->type_scoped, text, true, true, &iri, &owned)))
    return rc;
  if (iri && !jl_is_absolute_iri(iri) && !jl_is_blank_label(iri) && !jl_is_keyword(iri) &&
      safe_fail(e, &rc, "type", text, NOT_DEFINED)) {
    free(owned);
    return rc;
  }
  if (iri)
    *out = iri == text ? json_incref((json_t *)item) : json_string_nocheck(iri);
  free(owned);
  return SC_OK;
}

static int expand_type_values(entry_ctx *e, const json_t *value, json_t **out) {
  if (!json_is_string(value) && !json_is_array(value))
    return jl_fail(e->st, "invalid type value", "@type must be a string or an array of strings");
  if (json_is_string(value)) {
    json_t *one = NULL;
    int rc = expand_type_value(e, value, &one);
    if (!rc)
      *out = one ? one : json_array();
    return rc;
  }
  json_t *expanded = json_array();
  size_t i;
  json_t *item;
  int rc = SC_OK;
  json_array_foreach(value, i, item) {
    if (!json_is_string(item)) {
      rc = jl_fail(e->st, "invalid type value", "@type must be a string or an array of strings");
      break;
    }
    json_t *one = NULL;
    if ((rc = expand_type_value(e, item, &one)))
      break;
    if (one)
      json_array_append_new(expanded, one);
  }
  if (rc) {
    json_decref(expanded);
    return rc;
  }
  *out = expanded;
  return SC_OK;
}

static int expand_reverse(entry_ctx *e, const json_t *value) {
  if (!json_is_object(value))
    return jl_fail(e->st, "invalid @reverse value", "@reverse must be an object");
  json_t *expanded = NULL;
  int rc = expand(e->st, e->active, "@reverse", value, e->base_url, false, &expanded);
  if (rc || !json_is_object(expanded)) {
    json_decref(expanded);
    return rc;
  }
  const char *property;
  json_t *items;
  json_t *double_reverse = json_object_get(expanded, "@reverse");
  if (double_reverse) {
    json_object_foreach(double_reverse, property, items) {
      add_value(e->result, property, json_incref(items));
    }
  }
  json_object_foreach(expanded, property, items) {
    if (strcmp(property, "@reverse") == 0)
      continue;
    json_t *map = json_object_get(e->result, "@reverse");
    if (!map) {
      map = json_object();
      json_object_set_new_nocheck(e->result, "@reverse", map);
    }
    json_t *all = as_array(items); /* a lone value (jl_state.lone_values) or an array */
    size_t i;
    json_t *item;
    json_array_foreach(all, i, item) {
      if (is_value_object(item) || is_list_object(item)) {
        int failed = jl_fail(e->st, "invalid reverse property value", "'%s'", property);
        json_decref(all);
        json_decref(expanded); /* property points into it */
        return failed;
      }
      add_value(map, property, json_incref(item));
    }
    json_decref(all);
  }
  json_decref(expanded);
  return SC_OK;
}

/* @included holds node objects only: a string, a value object or a list object is an error
 * (checked before expansion, which would drop a free-floating value silently). */
static int check_included(entry_ctx *e, const json_t *value) {
  json_t *items = as_array(value);
  size_t i;
  json_t *item;
  int rc = SC_OK;
  json_array_foreach(items, i, item) {
    const char *key;
    json_t *v;
    if (!json_is_object(item)) {
      rc = jl_fail(e->st, "invalid @included value", "@included must hold node objects");
      break;
    }
    json_object_foreach(item, key, v) {
      char *p = NULL;
      if (!rc && !jl_expand_iri(e->st, e->active, key, false, true, &p) && p &&
          (strcmp(p, "@value") == 0 || strcmp(p, "@list") == 0))
        rc = jl_fail(e->st, "invalid @included value", "@included must hold node objects");
      free(p);
    }
  }
  json_decref(items);
  return rc;
}

static int expand_keyword(entry_ctx *e, const char *key, const char *prop, const json_t *value) {
  jl_state *st = e->st;
  if (e->active_property && strcmp(e->active_property, "@reverse") == 0)
    return jl_fail(st, "invalid reverse property map", "keyword '%s' inside @reverse", prop);
  if (json_object_get(e->result, prop) && strcmp(prop, "@included") && strcmp(prop, "@type"))
    return jl_fail(st, "colliding keywords", "'%s' given twice (through '%s')", prop, key);
  json_t *expanded = NULL;
  int rc = SC_OK;
  if (strcmp(prop, "@id") == 0) {
    if (!json_is_string(value))
      return jl_fail(st, "invalid @id value", "@id must be a string");
    const char *text = json_string_value(value), *iri = NULL;
    char *owned = NULL;
    if ((rc = jl_expand_iri_ref(st, e->active, text, true, false, &iri, &owned)))
      return rc;
    if (iri && !jl_is_absolute_iri(iri) && !jl_is_blank_label(iri) &&
        safe_fail(e, &rc, "id", text, "is a relative IRI")) {
      free(owned);
      return rc;
    }
    /* the IRI that is the value itself is the value (a reference), not a copy */
    expanded = !iri ? json_null() : iri == text ? json_incref((json_t *)value) : json_string_nocheck(iri);
    free(owned);
  } else if (strcmp(prop, "@type") == 0) {
    if ((rc = expand_type_values(e, value, &expanded)))
      return rc;
    json_t *existing = json_object_get(e->result, "@type");
    if (existing) {
      json_t *merged = as_array(existing);
      json_t *copy = json_copy(merged);
      json_decref(merged);
      if (json_is_array(expanded))
        json_array_extend(copy, expanded);
      else
        json_array_append(copy, expanded);
      json_decref(expanded);
      expanded = copy;
    }
  } else if (strcmp(prop, "@graph") == 0) {
    json_t *g = NULL;
    if ((rc = expand(st, e->active, "@graph", value, e->base_url, false, &g)))
      return rc;
    expanded = g ? as_array(g) : json_array();
    json_decref(g);
  } else if (strcmp(prop, "@included") == 0) {
    if ((rc = check_included(e, value)))
      return rc;
    json_t *inc = NULL;
    if ((rc = expand(st, e->active, e->active_property, value, e->base_url, false, &inc)))
      return rc;
    expanded = inc ? as_array(inc) : json_array();
    json_decref(inc);
    size_t i;
    json_t *item;
    json_array_foreach(expanded, i, item) {
      if (!json_is_object(item) || is_value_object(item) || is_list_object(item) ||
          json_object_get(item, "@set")) {
        json_decref(expanded);
        return jl_fail(st, "invalid @included value", "@included must hold node objects");
      }
    }
    json_t *existing = json_object_get(e->result, "@included");
    if (existing) {
      json_t *all = json_copy(existing);
      json_array_extend(all, expanded);
      json_decref(expanded);
      expanded = all;
    }
  } else if (strcmp(prop, "@value") == 0) {
    if (e->input_type && strcmp(e->input_type, "@json") == 0) {
      expanded = json_incref((json_t *)value);
    } else if (!json_is_null(value) && !is_scalar(value)) {
      return jl_fail(st, "invalid value object value", "@value must be a string, number, boolean or null");
    } else {
      expanded = json_incref((json_t *)value);
    }
    json_object_set_new_nocheck(e->result, "@value", expanded);
    return SC_OK;
  } else if (strcmp(prop, "@language") == 0) {
    if (!json_is_string(value))
      return jl_fail(st, "invalid language-tagged string", "@language must be a string");
    expanded = json_incref((json_t *)value);
  } else if (strcmp(prop, "@direction") == 0) {
    const char *d = json_string_value(value);
    if (!d || (strcmp(d, "ltr") && strcmp(d, "rtl")))
      return jl_fail(st, "invalid base direction", "@direction must be \"ltr\" or \"rtl\"");
    expanded = json_incref((json_t *)value);
  } else if (strcmp(prop, "@index") == 0) {
    if (!json_is_string(value))
      return jl_fail(st, "invalid @index value", "@index must be a string");
    expanded = json_incref((json_t *)value);
  } else if (strcmp(prop, "@list") == 0) {
    if (!e->active_property || strcmp(e->active_property, "@graph") == 0)
      return SC_OK;
    json_t *l = NULL;
    if ((rc = expand(st, e->active, e->active_property, value, e->base_url, false, &l)))
      return rc;
    expanded = l ? as_array(l) : json_array();
    json_decref(l);
  } else if (strcmp(prop, "@set") == 0) {
    if ((rc = expand(st, e->active, e->active_property, value, e->base_url, false, &expanded)))
      return rc;
  } else if (strcmp(prop, "@reverse") == 0) {
    return expand_reverse(e, value);
  } else if (strcmp(prop, "@nest") == 0) {
    json_array_append_new(e->nests, json_string_nocheck(key));
    return SC_OK;
  } else {
    return SC_OK; /* framing keywords and @context: nothing to expand */
  }
  if (expanded)
    json_object_set_new_nocheck(e->result, prop, expanded);
  return SC_OK;
}

/* ---------------------------------------------------------------- maps (step 13.7–13.8) */

static int expand_language_map(entry_ctx *e, const json_t *def, const json_t *value, json_t **out) {
  json_t *result = json_array();
  json_t *dir = json_object_get(def, "@direction");
  const char *direction = dir ? json_string_value(dir) : e->active->direction;
  size_t count;
  keyed room[SORT_ROOM];
  keyed *keys = sorted_keys(value, &count, room);
  int rc = SC_OK;
  for (size_t k = 0; !rc && k < count; k++) {
    const char *language = keys[k].key;
    char *expanded_lang = NULL;
    if ((rc = jl_expand_iri(e->st, e->active, language, false, true, &expanded_lang)))
      break;
    bool none = strcmp(language, "@none") == 0 || (expanded_lang && strcmp(expanded_lang, "@none") == 0);
    free(expanded_lang);
    json_t *items = as_array(keys[k].value);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
      if (json_is_null(item))
        continue;
      if (!json_is_string(item)) {
        rc = jl_fail(e->st, "invalid language map value", "language '%s'", language);
        break;
      }
      json_t *v = json_pack("{s:O}", "@value", item);
      if (!none)
        json_object_set_new_nocheck(v, "@language", json_string_nocheck(language));
      if (direction)
        json_object_set_new_nocheck(v, "@direction", json_string_nocheck(direction));
      json_array_append_new(result, v);
    }
    json_decref(items);
  }
  free_keys(keys, room);
  if (rc) {
    json_decref(result);
    return rc;
  }
  *out = result;
  return SC_OK;
}

static int index_item(entry_ctx *e, const char *key, const json_t *def, const char *index,
                      const char *expanded_index, json_t *item) {
  const char *index_key = def_string(def, "@index");
  bool none = expanded_index && strcmp(expanded_index, "@none") == 0;
  int rc = SC_OK;
  if (jl_container_has(def, "@index") && index_key && strcmp(index_key, "@index") && !none) {
    json_t *re_expanded = NULL;
    json_t *index_value = json_string_nocheck(index);
    rc = expand_value(e->st, e->active, index_key, index_value, &re_expanded);
    json_decref(index_value);
    char *prop = NULL;
    if (!rc)
      rc = jl_expand_iri(e->st, e->active, index_key, false, true, &prop);
    if (!rc && prop) {
      json_t *values = json_array();
      json_array_append(values, re_expanded);
      json_t *existing = json_object_get(item, prop);
      if (existing) {
        json_t *arr = as_array(existing);
        json_array_extend(values, arr);
        json_decref(arr);
      }
      json_object_set_new_nocheck(item, prop, values);
      if (is_value_object(item) && json_object_size(item) > 1)
        rc = jl_fail(e->st, "invalid value object", "an indexed value of '%s' has other entries", key);
    }
    free(prop);
    json_decref(re_expanded);
  } else if (jl_container_has(def, "@index") && !json_object_get(item, "@index") && !none) {
    json_object_set_new_nocheck(item, "@index", json_string_nocheck(index));
  } else if (jl_container_has(def, "@id") && !json_object_get(item, "@id") && !none) {
    char *iri = NULL;
    rc = jl_expand_iri(e->st, e->active, index, true, false, &iri);
    if (!rc)
      json_object_set_new_nocheck(item, "@id", iri ? json_string_nocheck(iri) : json_null());
    free(iri);
  } else if (jl_container_has(def, "@type") && !none) {
    json_t *types = json_array();
    json_array_append_new(types, json_string_nocheck(expanded_index));
    json_t *existing = json_object_get(item, "@type");
    if (existing) {
      json_t *arr = as_array(existing);
      json_array_extend(types, arr);
      json_decref(arr);
    }
    json_object_set_new_nocheck(item, "@type", types);
  }
  return rc;
}

static int expand_index_map(entry_ctx *e, const char *key, const json_t *def, const json_t *value,
                            json_t **out) {
  json_t *result = json_array();
  size_t count;
  keyed room[SORT_ROOM];
  keyed *keys = sorted_keys(value, &count, room);
  int rc = SC_OK;
  bool id_or_type = jl_container_has(def, "@id") || jl_container_has(def, "@type");
  for (size_t k = 0; !rc && k < count; k++) {
    const char *index = keys[k].key;
    jl_context *map_ctx = jl_context_ref(id_or_type && e->active->previous ? e->active->previous
                                                                           : e->active);
    if (jl_container_has(def, "@type")) {
      const json_t *tdef = jl_term(map_ctx, index);
      json_t *scoped = tdef ? json_object_get(tdef, "@context") : NULL;
      if (scoped) {
        jl_context *next = NULL;
        rc = jl_process_context(e->st, map_ctx, scoped, def_string(tdef, "@base"), false, true, true,
                                &next);
        jl_context_unref(map_ctx);
        map_ctx = next;
        if (rc)
          break;
      }
    } else {
      jl_context_unref(map_ctx);
      map_ctx = jl_context_ref(e->active);
    }
    char *expanded_index = NULL;
    rc = jl_expand_iri(e->st, e->active, index, false, true, &expanded_index);
    json_t *items = NULL;
    if (!rc)
      rc = expand(e->st, map_ctx, key, keys[k].value, e->base_url, true, &items);
    jl_context_unref(map_ctx);
    json_t *arr = items ? as_array(items) : json_array();
    json_decref(items);
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
      if (rc)
        break;
      json_t *it = json_copy(item);
      if (jl_container_has(def, "@graph") && !is_graph_object(it)) {
        json_t *g = json_pack("{s:[O]}", "@graph", it);
        json_decref(it);
        it = g;
      }
      rc = index_item(e, key, def, index, expanded_index, it);
      json_array_append_new(result, it);
    }
    json_decref(arr);
    free(expanded_index);
  }
  free_keys(keys, room);
  if (rc) {
    json_decref(result);
    return rc;
  }
  *out = result;
  return SC_OK;
}

/* ---------------------------------------------------------------- entries (step 13) */

/* expand(), through the memo for an object the caller declared shared (sc_jsonld_share) when
 * the expanded form is only read (see jsonld_internal.h). Only this path uses it: what
 * expand_property does with the value wraps or appends it, never changes it. A value expanded
 * while memory ran out is not kept. */
static int expand_memoized(jl_state *st, jl_context *active, const char *key, const jl_def *def,
                           const json_t *value, const char *base_url, json_t **out) {
  bool usable = st->memo && st->remote_depth == 0 && (!st->opts || !st->opts->load) &&
                jl_memo_eligible(value);
  if (!usable)
    return expand_def(st, active, key, def, value, base_url, false, out);
  jl_memo_key memo = {.element = value, .active = active, .active_property = key,
                      .base_url = base_url, .opts = st->opts};
  if ((*out = jl_memo_get(&memo)))
    return SC_OK;
  size_t failures = sc_alloc_failure_count();
  int rc = expand_def(st, active, key, def, value, base_url, false, out);
  if (rc == SC_OK && *out && sc_alloc_failure_count() == failures)
    jl_memo_put(&memo, *out);
  return rc;
}

/* def: the definition of key in e->active, or NULL. */
static int expand_property(entry_ctx *e, const char *key, const char *prop, const jl_def *def,
                           const json_t *value) {
  const char *type = def ? def->type : NULL;
  unsigned containers = def ? def->containers : 0;
  json_t *expanded = NULL;
  int rc = SC_OK;
  if (type && strcmp(type, "@json") == 0) {
    expanded = object_with("@value", json_incref((json_t *)value));
    json_object_set_new_nocheck(expanded, "@type", json_string_nocheck("@json"));
  } else if ((containers & JL_C_LANGUAGE) && json_is_object(value)) {
    rc = expand_language_map(e, def->json, value, &expanded);
  } else if ((containers & (JL_C_INDEX | JL_C_TYPE | JL_C_ID)) && json_is_object(value)) {
    rc = expand_index_map(e, key, def->json, value, &expanded);
  } else {
    rc = expand_memoized(e->st, e->active, key, def, value, e->base_url, &expanded);
  }
  if (rc || !expanded || json_is_null(expanded)) {
    json_decref(expanded);
    return rc;
  }
  if ((containers & JL_C_LIST) && !is_list_object(expanded)) {
    json_t *l = object_with("@list", as_array(expanded));
    json_decref(expanded);
    expanded = l;
  }
  if ((containers & JL_C_GRAPH) && !(containers & (JL_C_ID | JL_C_INDEX))) {
    json_t *arr = as_array(expanded), *graphs = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
      json_array_append_new(graphs, json_pack("{s:[O]}", "@graph", item));
    }
    json_decref(arr);
    json_decref(expanded);
    expanded = graphs;
  }
  if (def && def->reverse) {
    json_t *map = json_object_get(e->result, "@reverse");
    if (!map) {
      map = json_object();
      json_object_set_new_nocheck(e->result, "@reverse", map);
    }
    json_t *arr = as_array(expanded);
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
      if (is_value_object(item) || is_list_object(item)) {
        rc = jl_fail(e->st, "invalid reverse property value", "'%s'", key);
        break;
      }
      add_value(map, prop, json_incref(item));
    }
    json_decref(arr);
    json_decref(expanded);
    return rc;
  }
  if (e->st->lone_values && !json_is_array(expanded) && !json_object_get(e->result, prop)) {
    json_object_set_new_nocheck(e->result, prop, expanded); /* see jl_state.lone_values */
    return SC_OK;
  }
  add_value(e->result, prop, expanded);
  return SC_OK;
}

/* keys: an object's entries sorted by key (count of them). */
static int expand_sorted_entries(entry_ctx *e, const keyed *keys, size_t count) {
  int rc = SC_OK;
  for (size_t k = 0; !rc && k < count; k++) {
    const char *key = keys[k].key;
    const json_t *value = keys[k].value;
    if (key[0] == '@' && strcmp(key, "@context") == 0)
      continue;
    const char *prop = NULL;
    char *owned = NULL;
    /* A defined term (nearly every key) expands to its definition's @id, as IRI Expansion
     * would find it: looked up once, for the IRI and for expand_property. */
    jl_def scratch;
    const jl_def *def = key[0] == '@' ? NULL : jl_def_find(e->active, key, &scratch);
    bool absolute = def && def->id_is_absolute;
    if (def)
      prop = def->id;
    else if ((rc = jl_expand_iri_ref(e->st, e->active, key, false, true, &prop, &owned)))
      break;
    bool keyword = prop && !absolute && jl_is_keyword(prop);
    if (!prop || (!absolute && !strchr(prop, ':') && !keyword)) {
      if (!safe_fail(e, &rc, "property", key, NOT_DEFINED))
        rc = SC_OK;
      free(owned);
      continue;
    }
    if (keyword)
      rc = expand_keyword(e, key, prop, value);
    else if (!absolute && !jl_is_absolute_iri(prop) && !jl_is_blank_label(prop) &&
             safe_fail(e, &rc, "property", key, "expands to a relative IRI"))
      ;
    else
      rc = expand_property(e, key, prop,
                           def ? def : jl_def_find(e->active, key, &scratch), value);
    free(owned);
  }
  return rc;
}

static int expand_entries(entry_ctx *e, const json_t *element) {
  size_t count;
  keyed room[SORT_ROOM];
  keyed *keys = sorted_keys(element, &count, room);
  int rc = expand_sorted_entries(e, keys, count);
  free_keys(keys, room);
  return rc;
}

/* Nested properties (step 14): each value of a nesting key is expanded into the same result. */
static int expand_nests(entry_ctx *e, const json_t *element) {
  int rc = SC_OK;
  for (size_t n = 0; !rc && n < json_array_size(e->nests); n++) {
    const char *nest_key = json_string_value(json_array_get(e->nests, n));
    json_t *values = as_array(json_object_get(element, nest_key));
    size_t i;
    json_t *nested;
    json_array_foreach(values, i, nested) {
      if (!json_is_object(nested)) {
        rc = jl_fail(e->st, "invalid @nest value", "'%s' must hold objects", nest_key);
        break;
      }
      const char *k;
      json_t *v;
      json_object_foreach(nested, k, v) {
        char *p = NULL;
        jl_expand_iri(e->st, e->active, k, false, true, &p);
        bool is_value = p && strcmp(p, "@value") == 0;
        free(p);
        if (is_value)
          rc = jl_fail(e->st, "invalid @nest value", "'%s' holds a value object", nest_key);
      }
      if (rc)
        break;
      json_t *outer = e->nests;
      e->nests = json_array();
      rc = expand_entries(e, nested);
      if (!rc)
        rc = expand_nests(e, nested);
      json_decref(e->nests);
      e->nests = outer;
      if (rc)
        break;
    }
    json_decref(values);
  }
  return rc;
}

/* ---------------------------------------------------------------- the result (steps 15–20) */

/* The keyword entries of a result object, read in one pass over its few entries (each
 * json_object_get hashes its key: a dozen of them per object was a tenth of expansion). */
typedef struct result_keywords {
  json_t *value, *type, *set, *list, *index, *language, *direction, *id;
  const char *other; /* a key that a value object cannot have, or NULL */
} result_keywords;

static void read_keywords(const json_t *result, result_keywords *k) {
  *k = (result_keywords){0};
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)result, key, v) {
    json_t **slot = NULL;
    if (key[0] == '@') {
      switch (key[1]) {
      case 'v': slot = strcmp(key, "@value") == 0 ? &k->value : NULL; break;
      case 't': slot = strcmp(key, "@type") == 0 ? &k->type : NULL; break;
      case 's': slot = strcmp(key, "@set") == 0 ? &k->set : NULL; break;
      case 'l': slot = strcmp(key, "@list") == 0       ? &k->list
                       : strcmp(key, "@language") == 0 ? &k->language
                                                       : NULL; break;
      case 'i': slot = strcmp(key, "@index") == 0 ? &k->index : strcmp(key, "@id") == 0 ? &k->id : NULL; break;
      case 'd': slot = strcmp(key, "@direction") == 0 ? &k->direction : NULL; break;
      default: break;
      }
    }
    if (slot)
      *slot = v;
    bool value_key = slot == &k->direction || slot == &k->index || slot == &k->language ||
                     slot == &k->type || slot == &k->value;
    if (!value_key && !k->other)
      k->other = key;
  }
}

static int finish_value_object(jl_state *st, json_t *result, const result_keywords *k,
                               json_t **out) {
  if (k->other)
    return jl_fail(st, "invalid value object", "a value object cannot have '%s'", k->other);
  json_t *type = k->type;
  json_t *value = k->value;
  if (type && (k->language || k->direction))
    return jl_fail(st, "invalid value object", "a typed value cannot have a language or direction");
  if (json_is_string(type) && strcmp(json_string_value(type), "@json") == 0) {
    *out = json_incref(result);
    return SC_OK;
  }
  if (json_is_null(value)) {
    *out = NULL;
    return SC_OK;
  }
  if (!json_is_string(value) && k->language)
    return jl_fail(st, "invalid language-tagged value", "only strings can have a language");
  if (type && (!json_is_string(type) || !jl_is_absolute_iri(json_string_value(type))))
    return jl_fail(st, "invalid typed value", "the type of a value must be an IRI");
  *out = json_incref(result);
  return SC_OK;
}

static int finish(jl_state *st, const char *active_property, json_t *result, json_t **out) {
  *out = NULL;
  result_keywords k;
  read_keywords(result, &k);
  if (k.value) {
    json_t *fin = NULL;
    int rc = finish_value_object(st, result, &k, &fin);
    if (rc)
      return rc;
    result = fin;
    if (!result)
      return SC_OK;
  } else {
    json_incref(result);
    if (k.type && !json_is_array(k.type))
      json_object_set_new_nocheck(result, "@type", as_array(k.type));
    if (k.set || k.list) {
      size_t n = json_object_size(result);
      if (n > 2 || (n == 2 && !k.index)) {
        json_decref(result);
        return jl_fail(st, "invalid set or list object", "@set and @list allow only @index beside them");
      }
      if (k.set) {
        json_t *inner = json_incref(k.set);
        json_decref(result);
        result = inner;
        read_keywords(result, &k); /* another value now: its own entries */
      }
    }
  }
  if (json_is_object(result) && json_object_size(result) == 1 && k.language) {
    json_decref(result);
    return SC_OK;
  }
  if (!active_property || (active_property[0] == '@' && strcmp(active_property, "@graph") == 0)) {
    if (json_is_object(result) &&
        (json_object_size(result) == 0 || k.value || k.list ||
         (json_object_size(result) == 1 && k.id))) {
      json_decref(result);
      return SC_OK;
    }
  }
  *out = result;
  return SC_OK;
}

/* ---------------------------------------------------------------- the algorithm (5.1.2) */

static int expand_array(jl_state *st, jl_context *active, const char *active_property,
                        const jl_def *def, const json_t *element, const char *base_url,
                        bool from_map, json_t **out) {
  json_t *result = json_array();
  bool list = def && (def->containers & JL_C_LIST);
  size_t i;
  json_t *item;
  json_array_foreach(element, i, item) {
    json_t *expanded = NULL;
    int rc = expand_def(st, active, active_property, def, item, base_url, from_map, &expanded);
    if (rc) {
      json_decref(result);
      return rc;
    }
    if (list && json_is_array(expanded))
      expanded = object_with("@list", expanded);
    if (json_is_array(expanded))
      json_array_extend(result, expanded);
    else if (expanded && !json_is_null(expanded))
      json_array_append(result, expanded);
    json_decref(expanded);
  }
  *out = result;
  return SC_OK;
}

/* Does element revert a non-propagated context (step 7)? Not for value objects and not for a
 * lone @id. */
/* What a key expands to (IRI Expansion with vocab), in *out, borrowed unless also in *owned.
 * A defined term (nearly every key) gives its definition's @id, as the general path would,
 * with one lookup. */
static int expand_key(jl_state *st, jl_context *active, const char *key, const char **out,
                      char **owned) {
  *owned = NULL;
  if (key[0] != '@') {
    jl_def scratch;
    const jl_def *def = jl_def_find(active, key, &scratch);
    if (def) {
      *out = def->id;
      return SC_OK;
    }
  }
  return jl_expand_iri_ref(st, active, key, false, true, out, owned);
}

static bool reverts_context(jl_state *st, jl_context *active, const json_t *element) {
  const char *key;
  json_t *v;
  size_t n = 0;
  bool only_id = true, has_value = false;
  json_object_foreach((json_t *)element, key, v) {
    const char *p = NULL;
    char *owned = NULL;
    expand_key(st, active, key, &p, &owned);
    if (p && strcmp(p, "@value") == 0)
      has_value = true;
    if (!p || strcmp(p, "@id") != 0)
      only_id = false;
    free(owned);
    n++;
  }
  return !has_value && !(n == 1 && only_id);
}

static int apply_type_scoped(jl_state *st, jl_context **active, jl_context *type_scoped,
                             const keyed *keys, size_t count,
                             char **input_type) {
  int rc = SC_OK;
  bool first = true;
  for (size_t k = 0; !rc && k < count; k++) {
    const char *p = NULL;
    char *owned = NULL;
    if ((rc = expand_key(st, *active, keys[k].key, &p, &owned)))
      break;
    bool is_type = p && strcmp(p, "@type") == 0;
    free(owned);
    if (!is_type)
      continue;
    json_t *values = as_array(keys[k].value);
    size_t nv = json_array_size(values);
    const char **terms = jl_malloc((nv ? nv : 1) * sizeof *terms);
    size_t nt = 0;
    for (size_t i = 0; terms && i < nv; i++)
      if (json_is_string(json_array_get(values, i)))
        terms[nt++] = json_string_value(json_array_get(values, i));
    for (size_t a = 1; a < nt; a++)
      for (size_t b = a; b > 0 && strcmp(terms[b - 1], terms[b]) > 0; b--) {
        const char *t = terms[b];
        terms[b] = terms[b - 1];
        terms[b - 1] = t;
      }
    for (size_t i = 0; !rc && i < nt; i++) {
      jl_def scratch;
      const jl_def *tdef = jl_def_find(type_scoped, terms[i], &scratch);
      const json_t *scoped = tdef ? tdef->context : NULL;
      if (!scoped)
        continue;
      jl_context *next = NULL;
      rc = jl_process_context(st, *active, scoped, tdef->base, false, false, true, &next);
      if (!rc) {
        jl_context_unref(*active);
        *active = next;
      }
    }
    free(terms);
    if (!rc && first && nv > 0) {
      const json_t *last = json_array_get(values, nv - 1);
      if (json_is_string(last))
        rc = jl_expand_iri(st, *active, json_string_value(last), false, true, input_type);
      first = false;
    }
    json_decref(values);
  }
  return rc;
}

static int expand_object(jl_state *st, jl_context *active_in, const char *active_property,
                         const jl_def *pdef, const json_t *element, const char *base_url,
                         bool from_map, json_t **out) {
  jl_context *active = jl_context_ref(active_in);
  const json_t *property_scoped = pdef ? pdef->context : NULL;
  int rc = SC_OK;
  if (active->previous && !from_map && reverts_context(st, active, element)) {
    jl_context *prev = jl_context_ref(active->previous);
    jl_context_unref(active);
    active = prev;
  }
  if (property_scoped) {
    jl_context *next = NULL;
    rc = jl_process_context(st, active, property_scoped, pdef->base, true, true, true, &next);
    jl_context_unref(active);
    active = next;
  }
  json_t *local = json_object_get(element, "@context");
  if (!rc && local) {
    jl_context *next = NULL;
    rc = jl_process_context(st, active, local, base_url, false, true, true, &next);
    jl_context_unref(active);
    active = next;
  }
  jl_context *type_scoped = jl_context_ref(active);
  char *input_type = NULL;
  size_t count;
  keyed room[SORT_ROOM];
  keyed *keys = sorted_keys(element, &count, room); /* once for both passes */
  if (!rc)
    rc = apply_type_scoped(st, &active, type_scoped, keys, count, &input_type);
  entry_ctx e = {.st = st,
                 .active = active,
                 .type_scoped = type_scoped,
                 .active_property = active_property,
                 .base_url = base_url,
                 .input_type = input_type,
                 .result = json_object(),
                 .nests = json_array()};
  if (!rc)
    rc = expand_sorted_entries(&e, keys, count);
  free_keys(keys, room);
  if (!rc)
    rc = expand_nests(&e, element);
  if (!rc)
    rc = finish(st, active_property, e.result, out);
  json_decref(e.result);
  json_decref(e.nests);
  free(input_type);
  jl_context_unref(type_scoped);
  jl_context_unref(active);
  return rc;
}

static int expand_def(jl_state *st, jl_context *active, const char *active_property,
                      const jl_def *pdef, const json_t *element, const char *base_url,
                      bool from_map, json_t **out) {
  *out = NULL;
  if (!element || json_is_null(element))
    return SC_OK;
  if (json_is_array(element))
    return expand_array(st, active, active_property, pdef, element, base_url, from_map, out);
  if (!json_is_object(element)) {
    if (!active_property || (active_property[0] == '@' && strcmp(active_property, "@graph") == 0))
      return SC_OK; /* a free-floating scalar */
    const json_t *scoped = pdef ? pdef->context : NULL;
    if (!scoped)
      return expand_value_def(st, active, pdef, element, out);
    jl_context *next = NULL;
    int rc = jl_process_context(st, active, scoped, pdef->base, true, true, true, &next);
    if (!rc)
      rc = expand_value(st, next, active_property, element, out);
    jl_context_unref(next);
    return rc;
  }
  return expand_object(st, active, active_property, pdef, element, base_url, from_map, out);
}

static int expand(jl_state *st, jl_context *active, const char *active_property,
                  const json_t *element, const char *base_url, bool from_map, json_t **out) {
  jl_def scratch;
  return expand_def(st, active, active_property, jl_def_find(active, active_property, &scratch),
                    element, base_url, from_map, out);
}

int jl_expand_document(jl_state *st, const json_t *input, json_t **out) {
  const char *base = st->opts ? st->opts->base : NULL;
  jl_context *active = base ? jl_context_new(base) : jl_empty_context();
  if (!active)
    return sc_oom(st->err);
  int rc = SC_OK;
  if (st->opts && st->opts->expand_context) {
    const json_t *ctx = st->opts->expand_context;
    json_t *inner = json_is_object(ctx) ? json_object_get(ctx, "@context") : NULL;
    jl_context *next = NULL;
    rc = jl_process_context(st, active, inner ? inner : ctx, base, false, true, true, &next);
    jl_context_unref(active);
    active = next;
  }
  json_t *expanded = NULL;
  if (!rc)
    rc = expand(st, active, NULL, input, base, false, &expanded);
  jl_context_unref(active);
  if (rc)
    return rc;
  if (json_is_object(expanded) && json_object_size(expanded) == 1 &&
      json_object_get(expanded, "@graph")) {
    json_t *g = json_incref(json_object_get(expanded, "@graph"));
    json_decref(expanded);
    expanded = g;
  }
  if (!expanded)
    expanded = json_array();
  if (!json_is_array(expanded)) {
    json_t *arr = json_array();
    json_array_append_new(arr, expanded);
    expanded = arr;
  }
  *out = expanded;
  return SC_OK;
}

int sc_jsonld_expand(const json_t *input, const sc_jsonld_options *opts, json_t **out,
                     sc_error *err) {
  jl_state st = {.opts = opts, .err = err};
  *out = NULL;
  size_t failures = sc_alloc_failure_count();
  int rc = jl_expand_document(&st, input, out);
  if (sc_alloc_failure_count() != failures) {
    json_decref(*out);
    *out = NULL;
    return sc_oom(err);
  }
  return rc;
}
