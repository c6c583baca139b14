/* JSON-LD 1.1 contexts: Context Processing (API 4.1), Create Term Definition (4.2) and IRI
 * Expansion (5.2). Section numbers in comments are those of the JSON-LD 1.1 API. */
#include "core/jsonld_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REMOTE_CONTEXTS 32 /* "context overflow" past this many nested loads; see jl_state */

int jl_fail(jl_state *st, const char *code, const char *fmt, ...) {
  char detail[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  return sc_fail(st->err, SC_EDATA, "%s: %s", code, detail);
}

/* ---------------------------------------------------------------- the context object */

static char *dup_or_null(const char *s) { return s ? jl_strdup(s) : NULL; }

jl_context *jl_context_new(const char *base) {
  jl_context *ctx = jl_calloc(1, sizeof *ctx);
  if (!ctx)
    return NULL;
  ctx->refs = 1;
  ctx->base = dup_or_null(base);
  ctx->original_base = dup_or_null(base);
  ctx->terms = json_object();
  if ((base && (!ctx->base || !ctx->original_base)) || !ctx->terms) {
    jl_context_unref(ctx);
    return NULL;
  }
  return ctx;
}

jl_context *jl_context_ref(jl_context *ctx) {
  if (ctx)
    ctx->refs++;
  return ctx;
}

void jl_context_unref(jl_context *ctx) {
  if (!ctx || --ctx->refs > 0)
    return;
  free(ctx->base);
  free(ctx->original_base);
  free(ctx->vocab);
  free(ctx->language);
  free(ctx->direction);
  json_decref(ctx->terms);
  jl_defs_free(ctx->defs);
  jl_context_unref(ctx->previous);
  free(ctx);
}

static jl_context *context_copy(const jl_context *from) {
  jl_context *ctx = jl_calloc(1, sizeof *ctx);
  if (!ctx)
    return NULL;
  ctx->refs = 1;
  ctx->base = dup_or_null(from->base);
  ctx->original_base = dup_or_null(from->original_base);
  ctx->vocab = dup_or_null(from->vocab);
  ctx->language = dup_or_null(from->language);
  ctx->direction = dup_or_null(from->direction);
  ctx->terms = json_copy(from->terms); /* shallow: definitions are shared, never changed */
  ctx->previous = jl_context_ref(from->previous);
  if (!ctx->terms) {
    jl_context_unref(ctx);
    return NULL;
  }
  return ctx;
}

static void set_string(char **slot, const char *value) {
  free(*slot);
  *slot = dup_or_null(value);
}

const json_t *jl_term(const jl_context *ctx, const char *term) {
  return term ? json_object_get(ctx->terms, term) : NULL;
}

bool jl_container_has(const json_t *definition, const char *keyword) {
  return definition && sc_json_has_string(json_object_get(definition, "@container"), keyword);
}

static bool has_protected_terms(const jl_context *ctx) {
  const char *key;
  json_t *def;
  json_object_foreach(ctx->terms, key, def) {
    if (json_is_true(json_object_get(def, "@protected")))
      return true;
  }
  return false;
}

/* ---------------------------------------------------------------- IRI expansion (5.2) */

static int create_term(jl_state *st, jl_context *active, const json_t *local, const char *term,
                       json_t *defined, const char *base_url, bool protect, bool override_protected,
                       bool validate_scoped);

/* IRI expansion while a local context is being processed (local and defined not NULL): a term
 * of the local context not yet defined is defined first. */
/* The IRI a value expands to, in *out: borrowed (value itself, or a string of a term
 * definition, alive as long as active) or, when it had to be made, also in *owned for the
 * caller to free. Expansion runs for every key and value of a document, so the common cases
 * allocate nothing. */
static int expand_iri_ref(jl_state *st, jl_context *active, const char *value,
                          bool document_relative, bool vocab, const json_t *local, json_t *defined,
                          const char *base_url, const char **out, char **owned) {
  *out = NULL;
  *owned = NULL;
  if (!value)
    return SC_OK;
  if (jl_is_keyword(value)) {
    *out = value;
    return SC_OK;
  }
  if (jl_has_keyword_form(value))
    return SC_OK; /* reserved for future keywords: ignored */
  int rc;
  if (local && json_object_get(local, value) && !json_is_true(json_object_get(defined, value)) &&
      (rc = create_term(st, active, local, value, defined, base_url, false, false, true)))
    return rc;
  jl_def scratch;
  const jl_def *def = jl_def_find(active, value, &scratch);
  const char *mapped = def ? def->id : NULL;
  if (def && def->id_is_keyword) {
    *out = mapped;
    return SC_OK;
  }
  if (vocab && def) {
    *out = mapped; /* NULL for a term mapped to null */
    return SC_OK;
  }
  const char *colon = *value ? strchr(value + 1, ':') : NULL;
  if (colon) {
    size_t plen = (size_t)(colon - value);
    char prefix_buf[128];
    char *prefix = plen < sizeof prefix_buf ? prefix_buf : jl_malloc(plen + 1);
    const char *suffix = colon + 1;
    if (!prefix)
      return sc_oom(st->err);
    memcpy(prefix, value, plen);
    prefix[plen] = '\0';
    if (strcmp(prefix, "_") == 0 || strncmp(suffix, "//", 2) == 0) {
      if (prefix != prefix_buf)
        free(prefix);
      *out = value;
      return SC_OK;
    }
    rc = SC_OK;
    if (local && json_object_get(local, prefix) && !json_is_true(json_object_get(defined, prefix)))
      rc = create_term(st, active, local, prefix, defined, base_url, false, false, true);
    const jl_def *pdef = rc ? NULL : jl_def_find(active, prefix, &scratch);
    if (prefix != prefix_buf)
      free(prefix);
    if (rc)
      return rc;
    const char *piri = pdef ? pdef->id : NULL;
    if (piri && pdef->prefix) {
      size_t n = strlen(piri) + strlen(suffix) + 1;
      if (!(*owned = jl_malloc(n)))
        return sc_oom(st->err);
      snprintf(*owned, n, "%s%s", piri, suffix);
      *out = *owned;
      return SC_OK;
    }
    if (jl_is_absolute_iri(value)) {
      *out = value;
      return SC_OK;
    }
  }
  if (vocab && active->vocab) {
    size_t n = strlen(active->vocab) + strlen(value) + 1;
    if (!(*owned = jl_malloc(n)))
      return sc_oom(st->err);
    snprintf(*owned, n, "%s%s", active->vocab, value);
    *out = *owned;
    return SC_OK;
  }
  if (document_relative && active->base) {
    if (!(*owned = jl_resolve_iri(active->base, value)))
      return sc_oom(st->err);
    *out = *owned;
    return SC_OK;
  }
  *out = value;
  return SC_OK;
}

static int expand_iri_in(jl_state *st, jl_context *active, const char *value, bool document_relative,
                         bool vocab, const json_t *local, json_t *defined, const char *base_url,
                         char **out) {
  const char *ref = NULL;
  char *owned = NULL;
  int rc = expand_iri_ref(st, active, value, document_relative, vocab, local, defined, base_url,
                          &ref, &owned);
  *out = owned ? owned : ref ? jl_strdup(ref) : NULL;
  return rc ? rc : (ref && !*out) ? sc_oom(st->err) : SC_OK;
}

int jl_expand_iri_ref(jl_state *st, jl_context *active, const char *value, bool document_relative,
                      bool vocab, const char **out, char **owned) {
  return expand_iri_ref(st, active, value, document_relative, vocab, NULL, NULL, NULL, out, owned);
}

int jl_expand_iri(jl_state *st, jl_context *active, const char *value, bool document_relative,
                  bool vocab, char **out) {
  return expand_iri_in(st, active, value, document_relative, vocab, NULL, NULL, NULL, out);
}

/* ---------------------------------------------------------------- term definitions (4.2) */

static const char *const definition_keys[] = {"@id",    "@reverse", "@container", "@context",
                                              "@direction", "@index", "@language", "@nest",
                                              "@prefix", "@protected", "@type"};

static bool valid_container(const json_t *container) {
  static const char *const allowed[] = {"@graph", "@id",  "@index", "@language",
                                        "@list",  "@set", "@type"};
  json_t *array = json_is_array(container) ? json_incref((json_t *)container) : json_array();
  if (json_is_string(container))
    json_array_append(array, (json_t *)container);
  bool ok = json_is_array(array) && json_array_size(array) > 0;
  bool has[7] = {0};
  size_t i;
  json_t *item;
  json_array_foreach(array, i, item) {
    size_t k = 0;
    while (ok && k < 7 && !(json_is_string(item) && strcmp(json_string_value(item), allowed[k]) == 0))
      k++;
    if (k == 7)
      ok = false;
    else if (ok)
      has[k] = true;
  }
  size_t count = json_array_size(array);
  json_decref(array);
  if (!ok)
    return false;
  enum { GRAPH, ID, INDEX, LANGUAGE, LIST, SET, TYPE };
  if (count == 1)
    return true;
  if (has[LIST])
    return false; /* @list stands alone */
  if (has[GRAPH] && (has[LANGUAGE] || has[TYPE]))
    return false;
  if (has[GRAPH])
    return !(has[ID] && has[INDEX]) && count <= 3;
  /* @set with one of @index, @id, @type, @language */
  return has[SET] && count == 2;
}

/* The container as an array of strings (a new reference). */
static json_t *container_array(const json_t *container) {
  if (json_is_array(container))
    return json_copy((json_t *)container);
  json_t *array = json_array();
  json_array_append(array, (json_t *)container);
  return array;
}

/* A definition equal to previous apart from @protected? (4.2.2 step 27.1) */
static bool same_definition(const json_t *a, const json_t *b) {
  json_t *x = json_copy((json_t *)a), *y = json_copy((json_t *)b);
  json_object_del(x, "@protected");
  json_object_del(y, "@protected");
  bool same = json_equal(x, y);
  json_decref(x);
  json_decref(y);
  return same;
}

static int define_type_keyword(jl_state *st, const json_t *value) {
  /* 4.2.2 step 4: "@type" may only be given @container @set and @protected. */
  const char *key;
  json_t *v;
  if (!json_is_object(value) || json_object_size(value) == 0)
    return jl_fail(st, "keyword redefinition", "@type can only be given @container and @protected");
  json_object_foreach((json_t *)value, key, v) {
    if (strcmp(key, "@container") == 0 && json_is_string(v) && strcmp(json_string_value(v), "@set") == 0)
      continue;
    if (strcmp(key, "@protected") == 0)
      continue;
    return jl_fail(st, "keyword redefinition", "@type can only be given @container @set and @protected");
  }
  return SC_OK;
}

/* Steps 13–19: the IRI of the term. */
static int term_iri(jl_state *st, jl_context *active, const json_t *local, const char *term,
                    json_t *defined, const char *base_url, const json_t *value, bool simple,
                    json_t *def, bool *done) {
  json_t *id = json_object_get(value, "@id");
  char *iri = NULL;
  int rc = SC_OK;
  *done = false;
  if (id && !(json_is_string(id) && strcmp(json_string_value(id), term) == 0)) {
    if (json_is_null(id)) {
      json_object_set_new(def, "@id", json_null());
      return SC_OK;
    }
    if (!json_is_string(id))
      return jl_fail(st, "invalid IRI mapping", "the @id of term '%s' is not a string", term);
    const char *ids = json_string_value(id);
    if (!jl_is_keyword(ids) && jl_has_keyword_form(ids)) {
      *done = true; /* ignored, with no definition */
      return SC_OK;
    }
    if ((rc = expand_iri_in(st, active, ids, false, true, local, defined, base_url, &iri)))
      return rc;
    if (!iri || (!jl_is_keyword(iri) && !strchr(iri, ':'))) {
      free(iri);
      return jl_fail(st, "invalid IRI mapping", "term '%s' maps to '%s', not an IRI", term, ids);
    }
    if (strcmp(iri, "@context") == 0) {
      free(iri);
      return jl_fail(st, "invalid keyword alias", "term '%s' aliases @context", term);
    }
    const char *colon = strchr(term, ':');
    bool iri_like = (colon && colon != term && colon[1]) || strchr(term, '/');
    if (iri_like) {
      json_object_set_new(defined, term, json_true());
      char *own = NULL;
      rc = expand_iri_in(st, active, term, false, true, local, defined, base_url, &own);
      bool same = !rc && own && strcmp(own, iri) == 0;
      free(own);
      if (!rc && !same)
        rc = jl_fail(st, "invalid IRI mapping", "term '%s' looks like an IRI but maps to another", term);
    } else if (simple && (jl_ends_with_gen_delim(iri) || jl_is_blank_label(iri))) {
      json_object_set_new(def, "@prefix", json_true());
    }
  } else if (strchr(term + 1, ':')) {
    const char *colon = strchr(term + 1, ':');
    char *prefix = jl_strndup(term, (size_t)(colon - term));
    if (json_object_get(local, prefix) &&
        (rc = create_term(st, active, local, prefix, defined, base_url, false, false, true))) {
      free(prefix);
      return rc;
    }
    const json_t *pdef = jl_term(active, prefix);
    const char *piri = pdef ? json_string_value(json_object_get(pdef, "@id")) : NULL;
    free(prefix);
    if (piri) {
      size_t n = strlen(piri) + strlen(colon + 1) + 1;
      iri = jl_malloc(n);
      if (iri)
        snprintf(iri, n, "%s%s", piri, colon + 1);
    } else {
      iri = jl_strdup(term);
    }
  } else if (strchr(term, '/')) {
    if ((rc = expand_iri_in(st, active, term, false, true, local, defined, base_url, &iri)))
      return rc;
    if (!iri || !jl_is_absolute_iri(iri)) {
      free(iri);
      return jl_fail(st, "invalid IRI mapping", "term '%s' is a relative IRI", term);
    }
  } else if (strcmp(term, "@type") == 0) {
    iri = jl_strdup("@type");
  } else if (active->vocab) {
    size_t n = strlen(active->vocab) + strlen(term) + 1;
    iri = jl_malloc(n);
    if (iri)
      snprintf(iri, n, "%s%s", active->vocab, term);
  } else {
    return jl_fail(st, "invalid IRI mapping", "term '%s' has no IRI and there is no @vocab", term);
  }
  if (!rc && iri)
    json_object_set_new(def, "@id", json_string(iri));
  free(iri);
  return rc;
}

static int term_reverse(jl_state *st, jl_context *active, const json_t *local, const char *term,
                        json_t *defined, const char *base_url, const json_t *value, json_t *def,
                        bool *done) {
  json_t *reverse = json_object_get(value, "@reverse");
  *done = false;
  if (json_object_get(value, "@id") || json_object_get(value, "@nest"))
    return jl_fail(st, "invalid reverse property", "term '%s' has @reverse with @id or @nest", term);
  if (!json_is_string(reverse))
    return jl_fail(st, "invalid IRI mapping", "the @reverse of term '%s' is not a string", term);
  if (jl_has_keyword_form(json_string_value(reverse))) {
    *done = true;
    return SC_OK;
  }
  char *iri = NULL;
  int rc = expand_iri_in(st, active, json_string_value(reverse), false, true, local, defined,
                         base_url, &iri);
  if (rc)
    return rc;
  if (!iri || !strchr(iri, ':')) {
    free(iri);
    return jl_fail(st, "invalid IRI mapping", "the @reverse of term '%s' is not an IRI", term);
  }
  json_object_set_new(def, "@id", json_string(iri));
  free(iri);
  json_t *container = json_object_get(value, "@container");
  if (container) {
    const char *c = json_string_value(container);
    if (!json_is_null(container) && !(c && (strcmp(c, "@set") == 0 || strcmp(c, "@index") == 0)))
      return jl_fail(st, "invalid reverse property", "term '%s': a reverse property's container must be @set or @index", term);
    if (c)
      json_object_set_new(def, "@container", container_array(container));
  }
  json_object_set_new(def, "@reverse", json_true());
  return SC_OK;
}

/* Steps 20–26: container, index, scoped context, language, direction, nest, prefix. */
static int term_options(jl_state *st, jl_context *active, const char *term, const json_t *value,
                        const char *base_url, json_t *def) {
  json_t *v;
  if ((v = json_object_get(value, "@container"))) {
    if (!valid_container(v))
      return jl_fail(st, "invalid container mapping", "term '%s'", term);
    json_object_set_new(def, "@container", container_array(v));
    if (jl_container_has(def, "@type")) {
      const char *type = json_string_value(json_object_get(def, "@type"));
      if (!type)
        json_object_set_new(def, "@type", json_string("@id"));
      else if (strcmp(type, "@id") != 0 && strcmp(type, "@vocab") != 0)
        return jl_fail(st, "invalid type mapping", "term '%s' with a @type container", term);
    }
  }
  if ((v = json_object_get(value, "@index"))) {
    char *iri = NULL;
    if (!jl_container_has(def, "@index") || !json_is_string(v))
      return jl_fail(st, "invalid term definition", "@index of term '%s'", term);
    int rc = jl_expand_iri(st, active, json_string_value(v), false, true, &iri);
    bool ok = !rc && iri && jl_is_absolute_iri(iri);
    free(iri);
    if (rc)
      return rc;
    if (!ok)
      return jl_fail(st, "invalid term definition", "@index of term '%s' is not an IRI", term);
    json_object_set(def, "@index", v);
  }
  if ((v = json_object_get(value, "@context"))) {
    jl_context *check = NULL;
    int rc = jl_process_context(st, active, v, base_url, true, true, false, &check);
    jl_context_unref(check);
    if (rc) {
      char inner[sizeof st->err->message];
      snprintf(inner, sizeof inner, "%s", st->err ? st->err->message : "");
      return jl_fail(st, "invalid scoped context", "term '%s': %s", term, inner);
    }
    json_object_set(def, "@context", v);
    if (base_url)
      json_object_set_new(def, "@base", json_string(base_url));
  }
  if ((v = json_object_get(value, "@language")) && !json_object_get(value, "@type")) {
    if (!json_is_null(v) && !json_is_string(v))
      return jl_fail(st, "invalid language mapping", "term '%s'", term);
    json_object_set(def, "@language", v);
  }
  if ((v = json_object_get(value, "@direction")) && !json_object_get(value, "@type")) {
    const char *d = json_string_value(v);
    if (!json_is_null(v) && !(d && (strcmp(d, "ltr") == 0 || strcmp(d, "rtl") == 0)))
      return jl_fail(st, "invalid base direction", "term '%s'", term);
    json_object_set(def, "@direction", v);
  }
  if ((v = json_object_get(value, "@nest"))) {
    const char *n = json_string_value(v);
    if (!n || (jl_is_keyword(n) && strcmp(n, "@nest") != 0))
      return jl_fail(st, "invalid @nest value", "term '%s'", term);
    json_object_set(def, "@nest", v);
  }
  if ((v = json_object_get(value, "@prefix"))) {
    if (strchr(term, ':') || strchr(term, '/'))
      return jl_fail(st, "invalid term definition", "term '%s' cannot be a prefix", term);
    if (!json_is_boolean(v))
      return jl_fail(st, "invalid @prefix value", "term '%s'", term);
    const char *iri = json_string_value(json_object_get(def, "@id"));
    if (json_is_true(v) && iri && jl_is_keyword(iri))
      return jl_fail(st, "invalid term definition", "keyword alias '%s' cannot be a prefix", term);
    json_object_set(def, "@prefix", v);
  }
  return SC_OK;
}

static int check_definition_keys(jl_state *st, const char *term, const json_t *value) {
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)value, key, v) {
    size_t k = 0;
    while (k < sizeof definition_keys / sizeof *definition_keys && strcmp(key, definition_keys[k]))
      k++;
    if (k == sizeof definition_keys / sizeof *definition_keys)
      return jl_fail(st, "invalid term definition", "term '%s' has the entry '%s'", term, key);
  }
  return SC_OK;
}

static int term_type(jl_state *st, jl_context *active, const json_t *local, const char *term,
                     json_t *defined, const char *base_url, const json_t *value, json_t *def) {
  json_t *type = json_object_get(value, "@type");
  if (!type)
    return SC_OK;
  if (!json_is_string(type))
    return jl_fail(st, "invalid type mapping", "the @type of term '%s' is not a string", term);
  char *iri = NULL;
  int rc = expand_iri_in(st, active, json_string_value(type), false, true, local, defined,
                         base_url, &iri);
  if (rc)
    return rc;
  bool ok = iri && (strcmp(iri, "@id") == 0 || strcmp(iri, "@vocab") == 0 ||
                    strcmp(iri, "@json") == 0 || strcmp(iri, "@none") == 0 ||
                    (!jl_is_keyword(iri) && jl_is_absolute_iri(iri)));
  if (ok)
    json_object_set_new(def, "@type", json_string(iri));
  free(iri);
  return ok ? SC_OK
            : jl_fail(st, "invalid type mapping", "the @type of term '%s' is not an IRI", term);
}

static int create_term(jl_state *st, jl_context *active, const json_t *local, const char *term,
                       json_t *defined, const char *base_url, bool protect, bool override_protected,
                       bool validate_scoped) {
  (void)validate_scoped;
  json_t *state = json_object_get(defined, term);
  if (state)
    return json_is_true(state) ? SC_OK
                               : jl_fail(st, "cyclic IRI mapping", "term '%s' depends on itself", term);
  if (!*term)
    return jl_fail(st, "invalid term definition", "the empty string is not a term");
  json_object_set_new(defined, term, json_false());
  const json_t *value = json_object_get(local, term);
  if (strcmp(term, "@type") == 0) {
    int rc = define_type_keyword(st, value);
    if (rc)
      return rc;
  } else if (jl_is_keyword(term)) {
    return jl_fail(st, "keyword redefinition", "'%s' is a keyword", term);
  } else if (jl_has_keyword_form(term)) {
    json_object_set_new(defined, term, json_true());
    return SC_OK; /* reserved form: ignored */
  }
  json_t *previous = json_incref(json_object_get(active->terms, term));
  json_object_del(active->terms, term);
  bool simple = json_is_string(value);
  json_t *expanded_value = NULL;
  if (json_is_null(value))
    expanded_value = json_pack("{s:n}", "@id");
  else if (json_is_string(value))
    expanded_value = json_pack("{s:O}", "@id", value);
  else if (json_is_object(value))
    expanded_value = json_incref((json_t *)value);
  json_t *def = json_object();
  int rc = SC_OK;
  if (!expanded_value)
    rc = jl_fail(st, "invalid term definition", "term '%s' is neither a string nor an object", term);
  json_t *p = expanded_value ? json_object_get(expanded_value, "@protected") : NULL;
  if (!rc && p && !json_is_boolean(p))
    rc = jl_fail(st, "invalid @protected value", "term '%s'", term);
  if (!rc && (p ? json_is_true(p) : protect))
    json_object_set_new(def, "@protected", json_true());
  if (!rc)
    rc = term_type(st, active, local, term, defined, base_url, expanded_value, def);
  bool ignored = false; /* an @id or @reverse of keyword form: no definition at all */
  if (!rc && json_object_get(expanded_value, "@reverse")) {
    rc = term_reverse(st, active, local, term, defined, base_url, expanded_value, def, &ignored);
  } else if (!rc) {
    rc = term_iri(st, active, local, term, defined, base_url, expanded_value, simple, def, &ignored);
    if (!rc && !ignored)
      rc = term_options(st, active, term, expanded_value, base_url, def);
    if (!rc && !ignored)
      rc = check_definition_keys(st, term, expanded_value);
  }
  if (!rc && !ignored) {
    if (!override_protected && previous && json_is_true(json_object_get(previous, "@protected"))) {
      if (!same_definition(def, previous))
        rc = jl_fail(st, "protected term redefinition", "term '%s' is protected", term);
      else
        json_object_set(active->terms, term, previous);
    } else {
      json_object_set(active->terms, term, def);
    }
  }
  if (!rc)
    json_object_set_new(defined, term, json_true());
  json_decref(def);
  json_decref(expanded_value);
  json_decref(previous);
  return rc;
}

/* ---------------------------------------------------------------- context processing (4.1) */

static int load_remote(jl_state *st, const char *url, const json_t **context) {
  sc_jsonld_load_fn load = st->opts && st->opts->load ? st->opts->load : sc_jsonld_bundled_context;
  const json_t *doc = load(st->opts ? st->opts->load_ctx : NULL, url);
  if (!doc)
    return jl_fail(st, "loading remote context failed",
                   "the context %s is not one skillcert has (contexts are never fetched)", url);
  *context = json_object_get(doc, "@context");
  if (!json_is_object(doc) || !*context)
    return jl_fail(st, "invalid remote context", "%s has no @context", url);
  return SC_OK;
}

static int set_base(jl_state *st, jl_context *result, const json_t *value) {
  if (json_is_null(value)) {
    set_string(&result->base, NULL);
    return SC_OK;
  }
  const char *b = json_string_value(value);
  if (!b)
    return jl_fail(st, "invalid base IRI", "@base is not a string");
  if (jl_is_absolute_iri(b)) {
    set_string(&result->base, b);
  } else if (result->base) {
    char *resolved = jl_resolve_iri(result->base, b);
    free(result->base);
    result->base = resolved;
  } else {
    return jl_fail(st, "invalid base IRI", "@base '%s' is relative and there is no base", b);
  }
  return SC_OK;
}

static int set_vocab(jl_state *st, jl_context *result, const json_t *value) {
  if (json_is_null(value)) {
    set_string(&result->vocab, NULL);
    return SC_OK;
  }
  const char *v = json_string_value(value);
  if (!v)
    return jl_fail(st, "invalid vocab mapping", "@vocab is not a string");
  if (!jl_is_blank_label(v) && !jl_is_absolute_iri(v) && !result->base && !result->vocab &&
      strchr(v, ':') == NULL && *v)
    return jl_fail(st, "invalid vocab mapping", "@vocab '%s' is not an IRI", v);
  char *iri = NULL;
  int rc = jl_expand_iri(st, result, v, true, true, &iri);
  if (rc)
    return rc;
  if (!iri || (!jl_is_blank_label(iri) && !strchr(iri, ':'))) {
    free(iri);
    return jl_fail(st, "invalid vocab mapping", "@vocab '%s' is not an IRI", v);
  }
  free(result->vocab);
  result->vocab = iri;
  return SC_OK;
}

static int context_settings(jl_state *st, jl_context *result, const json_t *context, bool remote) {
  json_t *v;
  if ((v = json_object_get(context, "@version")) &&
      !(json_is_number(v) && json_number_value(v) == 1.1))
    return jl_fail(st, "invalid @version value", "@version must be 1.1");
  if ((v = json_object_get(context, "@base")) && !remote) {
    int rc = set_base(st, result, v);
    if (rc)
      return rc;
  }
  if ((v = json_object_get(context, "@vocab"))) {
    int rc = set_vocab(st, result, v);
    if (rc)
      return rc;
  }
  if ((v = json_object_get(context, "@language"))) {
    if (!json_is_null(v) && !json_is_string(v))
      return jl_fail(st, "invalid default language", "@language is not a string");
    set_string(&result->language, json_string_value(v));
  }
  if ((v = json_object_get(context, "@direction"))) {
    const char *d = json_string_value(v);
    if (!json_is_null(v) && !(d && (strcmp(d, "ltr") == 0 || strcmp(d, "rtl") == 0)))
      return jl_fail(st, "invalid base direction", "@direction must be \"ltr\", \"rtl\" or null");
    set_string(&result->direction, d);
  }
  if ((v = json_object_get(context, "@propagate")) && !json_is_boolean(v))
    return jl_fail(st, "invalid @propagate value", "@propagate must be true or false");
  return SC_OK;
}

/* @import (4.1.2 step 5.6): the imported context with context's own entries over it. */
static int import_context(jl_state *st, const json_t *context, const char *base_url, json_t **merged) {
  json_t *import = json_object_get(context, "@import");
  if (!json_is_string(import))
    return jl_fail(st, "invalid @import value", "@import must be a string");
  char *url = jl_resolve_iri(base_url, json_string_value(import));
  const json_t *imported = NULL;
  int rc = url ? load_remote(st, url, &imported) : sc_oom(st->err);
  free(url);
  if (rc)
    return rc;
  if (!json_is_object(imported))
    return jl_fail(st, "invalid remote context", "an imported context must be an object");
  if (json_object_get(imported, "@import"))
    return jl_fail(st, "invalid context entry", "an imported context cannot import another");
  *merged = json_copy((json_t *)imported);
  json_object_update(*merged, (json_t *)context);
  json_object_del(*merged, "@import");
  return SC_OK;
}

static int process_one(jl_state *st, jl_context **result, jl_context *active, const json_t *context,
                       const char *base_url, bool override_protected, bool propagate,
                       bool validate_scoped, bool remote, bool in_array) {
  if (json_is_null(context)) {
    if (!override_protected && has_protected_terms(*result))
      return jl_fail(st, "invalid context nullification", "a context with protected terms cannot be emptied");
    jl_context *fresh = jl_context_new(active->original_base);
    if (!fresh)
      return sc_oom(st->err);
    if (!propagate)
      fresh->previous = jl_context_ref(*result);
    jl_context_unref(*result);
    *result = fresh;
    return SC_OK;
  }
  if (json_is_string(context)) {
    char *url = jl_resolve_iri(base_url, json_string_value(context));
    if (!url)
      return sc_oom(st->err);
    for (size_t i = 0; i < st->remote_depth; i++) {
      if (strcmp(st->remote[i], url) != 0)
        continue;
      free(url);
      if (!validate_scoped)
        return SC_OK; /* a scoped context that includes itself: already being processed */
      return jl_fail(st, "recursive context inclusion", "%s includes itself", st->remote[i]);
    }
    if (st->remote_depth >= MAX_REMOTE_CONTEXTS) {
      free(url);
      return jl_fail(st, "context overflow", "more than %d contexts load each other", MAX_REMOTE_CONTEXTS);
    }
    st->remote[st->remote_depth++] = url;
    const json_t *loaded = NULL;
    int rc = load_remote(st, url, &loaded);
    jl_context *next = NULL;
    if (!rc)
      rc = jl_process_context(st, *result, loaded, url, override_protected, true, validate_scoped, &next);
    st->remote_depth--;
    free(url);
    if (!rc) {
      jl_context_unref(*result);
      *result = next;
    }
    return rc;
  }
  if (!json_is_object(context))
    return jl_fail(st, "invalid local context", "a context must be an object, a string or null");
  json_t *wrapped = in_array ? json_object_get(context, "@context") : NULL;
  if (wrapped)
    /* {"@context": {…}} as an item of a context array: the wrapper is unwrapped, as jsonld.js
     * does and as published credentials rely on (the VC Data Integrity test suite); as the
     * context itself it stays a keyword redefinition (W3C test er56). */
    return process_one(st, result, active, wrapped, base_url, override_protected, propagate,
                       validate_scoped, remote, false);
  json_t *merged = NULL;
  if (json_object_get(context, "@import")) {
    int rc = import_context(st, context, base_url, &merged);
    if (rc)
      return rc;
    context = merged;
  }
  int rc = context_settings(st, *result, context, remote);
  json_t *defined = json_object();
  json_t *protect = json_object_get(context, "@protected");
  if (!rc && protect && !json_is_boolean(protect))
    rc = jl_fail(st, "invalid @protected value", "@protected must be true or false");
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)context, key, value) {
    if (rc)
      break;
    static const char *const skip[] = {"@base",     "@direction", "@import", "@language",
                                       "@propagate", "@protected", "@version", "@vocab"};
    bool skipped = false;
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
      skipped = skipped || strcmp(key, skip[i]) == 0;
    if (!skipped)
      rc = create_term(st, *result, context, key, defined, base_url, json_is_true(protect),
                       override_protected, validate_scoped);
  }
  json_decref(defined);
  json_decref(merged);
  return rc;
}

static int process_uncached(jl_state *st, jl_context *active, const json_t *local,
                            const char *base_url, bool override_protected, bool propagate,
                            bool validate_scoped, jl_context **out);

int jl_process_context(jl_state *st, jl_context *active, const json_t *local, const char *base_url,
                       bool override_protected, bool propagate, bool validate_scoped,
                       jl_context **out) {
  /* Only complete processings are cached: inside a remote context's processing the result
   * depends on which contexts are being loaded (remote), so those are not. */
  jl_cache_key key = {.active = active,
                      .local = local,
                      .base_url = base_url,
                      .flags = (unsigned)override_protected | (unsigned)propagate << 1 |
                               (unsigned)validate_scoped << 2};
  bool cacheable = st->remote_depth == 0 && (!st->opts || !st->opts->load);
  if (cacheable && (*out = jl_cache_get(&key)))
    return SC_OK;
  size_t failures = sc_alloc_failure_count();
  int rc = process_uncached(st, active, local, base_url, override_protected, propagate,
                            validate_scoped, out);
  if (!rc && sc_alloc_failure_count() != failures) {
    jl_context_unref(*out); /* built while memory ran out: something may be missing */
    *out = NULL;
    rc = sc_oom(st->err);
  }
  /* A result at the outermost level is final (inside a remote context's processing the
   * enclosing processing goes on defining terms in it), so its terms are compiled. */
  if (!rc && st->remote_depth == 0)
    jl_context_freeze(*out);
  if (!rc && cacheable)
    jl_cache_put(&key, *out);
  return rc;
}

static int process_uncached(jl_state *st, jl_context *active, const json_t *local,
                            const char *base_url, bool override_protected, bool propagate,
                            bool validate_scoped, jl_context **out) {
  *out = NULL;
  jl_context *result = context_copy(active);
  if (!result)
    return sc_oom(st->err);
  json_t *p = json_is_object(local) ? json_object_get(local, "@propagate") : NULL;
  if (p) {
    if (!json_is_boolean(p)) {
      jl_context_unref(result);
      return jl_fail(st, "invalid @propagate value", "@propagate must be true or false");
    }
    propagate = json_is_true(p);
  }
  if (!propagate && !result->previous)
    result->previous = jl_context_ref(active);
  int rc = SC_OK;
  if (json_is_array(local)) {
    size_t i;
    json_t *item;
    json_array_foreach(local, i, item) {
      if ((rc = process_one(st, &result, active, item, base_url, override_protected, propagate,
                            validate_scoped, st->remote_depth > 0, true)))
        break;
    }
  } else {
    rc = process_one(st, &result, active, local, base_url, override_protected, propagate,
                     validate_scoped, st->remote_depth > 0, false);
  }
  if (rc) {
    jl_context_unref(result);
    return rc;
  }
  *out = result;
  return SC_OK;
}
