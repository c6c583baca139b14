/*
 * core/jsonld_internal.h — shared by the JSON-LD 1.1 files of core/ (jsonld_*.c); not public.
 *
 * An active context holds its term definitions in a jansson object (term → definition object),
 * so that copying a context — which context processing does for every scoped context — is a
 * shallow copy: definitions are never changed once made, only replaced. A definition object
 * has the entries "@id" (string or null), "@reverse" (true when reverse), "@type",
 * "@container" (array of keywords), "@language"/"@direction" (present when the term sets them,
 * null allowed), "@context" (the scoped context, unprocessed), "@base" (the URL it came from),
 * "@index", "@nest", "@prefix" and "@protected".
 */
#ifndef SKILLCERT_JSONLD_INTERNAL_H
#define SKILLCERT_JSONLD_INTERNAL_H

#include "core/core.h"

#include <stdatomic.h>

/* Allocations here are counted when they fail (core's sc_alloc_checked): the entry points
 * compare sc_alloc_failure_count() before and after and answer "out of memory" rather than a
 * dataset with a term missing; the context cache keeps no context built while memory ran out. */
#define jl_malloc(n) sc_alloc_checked(malloc(n))
#define jl_calloc(n, size) sc_alloc_checked(calloc(n, size))
#define jl_strdup(s) ((char *)sc_alloc_checked(strdup(s)))
#define jl_strndup(s, n) ((char *)sc_alloc_checked(strndup(s, n)))

typedef struct jl_context {
  atomic_int refs; /* contexts are shared between threads through the cache */
  char *base;          /* NULL: no base IRI */
  char *original_base; /* the document's base, restored by a null context */
  char *vocab;         /* NULL: no vocabulary mapping */
  char *language;      /* default language, or NULL */
  char *direction;     /* default base direction ("ltr", "rtl"), or NULL */
  json_t *terms;       /* term → definition object */
  struct jl_context *previous; /* the context before a non-propagated (type-scoped) one */
  struct jl_defs *defs; /* the terms compiled for lookup once frozen (jsonld_defs.c), or NULL */
} jl_context;

/* A term definition with its entries already read (jsonld_defs.c): strings and values are
 * borrowed from the definition object, alive as long as the context. */
enum {
  JL_C_LIST = 1,
  JL_C_SET = 2,
  JL_C_INDEX = 4,
  JL_C_ID = 8,
  JL_C_TYPE = 16,
  JL_C_GRAPH = 32,
  JL_C_LANGUAGE = 64,
};
typedef struct jl_def {
  const json_t *json;          /* the definition object */
  const char *id;              /* "@id" (NULL: mapped to null, or none) */
  const char *type;            /* "@type", or NULL */
  json_t *id_json, *type_json; /* the same as JSON strings, for a reference instead of a copy */
  unsigned containers;         /* JL_C_… bits of "@container" */
  bool reverse, prefix;        /* "@reverse": true, "@prefix": true */
  bool id_is_keyword;          /* id is a keyword (a keyword alias) */
  bool id_is_absolute;         /* id is an absolute IRI */
  const json_t *language;      /* "@language" when given (null allowed), else NULL */
  const json_t *direction;     /* "@direction" likewise */
  const json_t *context;       /* the scoped context, or NULL */
  const char *base;            /* "@base", or NULL */
  const char *index;           /* "@index", or NULL */
} jl_def;
typedef struct jl_defs jl_defs;
void jl_def_read(const json_t *definition, jl_def *out);
/* The definition of term in ctx, or NULL. From the frozen table when there is one; otherwise
 * read into *scratch (the context is still being built, or memory ran out). */
const jl_def *jl_def_find(const jl_context *ctx, const char *term, jl_def *scratch);
/* Context Processing is done with ctx: it never changes again, so its terms are compiled. */
void jl_context_freeze(jl_context *ctx);
void jl_defs_free(jl_defs *defs);

typedef struct jl_state {
  const sc_jsonld_options *opts;
  sc_error *err;
  size_t remote_depth; /* contexts loaded, against a loop of contexts that include each other */
  const char *remote[32]; /* the URLs being loaded, outermost first (remote contexts, 4.1.2) */
  bool memo; /* may use the expansion memo: the expanded form is read, never changed */
  /* A property's one value may be kept as it is, not in an array of one: toRdf reads either
   * shape, and the array was two allocations and two frees per value. Never in the expanded
   * form sc_jsonld_expand returns. */
  bool lone_values;
} jl_state;

/* Error helpers: every JSON-LD error message starts with the error code of the JSON-LD 1.1
 * API ("invalid term definition", …) so that callers and tests can tell them apart. */
int jl_fail(jl_state *st, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Contexts (jsonld_context.c). */
jl_context *jl_context_new(const char *base);
jl_context *jl_context_ref(jl_context *ctx);
void jl_context_unref(jl_context *ctx);
const json_t *jl_term(const jl_context *ctx, const char *term); /* its definition or NULL */
bool jl_container_has(const json_t *definition, const char *keyword);
/* Context Processing (4.1.2): *out is a new reference. */
int jl_process_context(jl_state *st, jl_context *active, const json_t *local, const char *base_url,
                       bool override_protected, bool propagate, bool validate_scoped,
                       jl_context **out);
/* The processed-context cache (jsonld_cache.c): Context Processing is a pure function of the
 * active context, the local context and the flags, and credentials use the same few contexts
 * again and again, so results are kept (at most JL_CACHE_ENTRIES, then all are dropped).
 * Entries hold references to the active context, the local context and the result, so no
 * pointer in a key can be freed and reused while it is cached. Thread-safe. */
#define JL_CACHE_ENTRIES 1024
typedef struct jl_cache_key {
  const jl_context *active;
  const json_t *local;
  const char *base_url;
  unsigned flags; /* override_protected | propagate << 1 | validate_scoped << 2 */
} jl_cache_key;
jl_context *jl_cache_get(const jl_cache_key *key); /* a new reference, or NULL */
void jl_cache_put(const jl_cache_key *key, jl_context *result);
/* The empty context with no base IRI, shared by every document processed without a base. */
jl_context *jl_empty_context(void);

/* IRI Expansion (5.2.2) against an active context: a new string in *out, or NULL when value
 * expands to nothing (a null mapping or a keyword-like string). */
int jl_expand_iri(jl_state *st, jl_context *active, const char *value, bool document_relative,
                  bool vocab, char **out);

/* The same without a copy: *out is borrowed (from value or from active, which must outlive
 * its use) unless it had to be made, when it is also in *owned, the caller's to free. */
int jl_expand_iri_ref(jl_state *st, jl_context *active, const char *value, bool document_relative,
                      bool vocab, const char **out, char **owned);

/* IRIs (jsonld_iri.c). */
bool jl_is_keyword(const char *s);
bool jl_has_keyword_form(const char *s); /* "@" followed by letters only */
bool jl_is_absolute_iri(const char *s);  /* scheme ":" and no white space */
bool jl_is_blank_label(const char *s);   /* "_:" … */
bool jl_ends_with_gen_delim(const char *s);
/* RFC 3986 5.2 reference resolution: a new string. base may be NULL (ref is returned). */
char *jl_resolve_iri(const char *base, const char *ref);

/* The expansion memo (jsonld_memo.c). A batch signs thousands of credentials that embed the
 * same achievement object (one json_t, shared by reference), and expansion is a pure function
 * of the element, the active context, the active property, the base URL and the options; so
 * for an object declared shared (sc_jsonld_share) the expanded form is kept per slot and
 * reused while the object still equals the deep copy taken when it was declared (compared on
 * every use: a changed object is expanded afresh, never wrongly). Only toRdf uses it
 * (jl_state.memo): its expanded form is read and dropped, never changed, so one kept value can
 * be part of many documents' expanded forms at once. Entries hold references to all they are
 * keyed by, so no address in a key can be freed and reused while it is kept. Thread-safe. */
typedef struct jl_memo_key {
  const json_t *element;
  const jl_context *active;
  const char *active_property, *base_url;
  const sc_jsonld_options *opts;
} jl_memo_key;
bool jl_memo_eligible(const json_t *element); /* an object while any is declared shared */
json_t *jl_memo_get(const jl_memo_key *key);  /* a new reference, or NULL */
void jl_memo_put(const jl_memo_key *key, json_t *expanded);
size_t jl_memo_hits(void); /* expanded forms reused since the process started (for tests) */

/* Expansion (jsonld_expand.c): *out is a new reference (an array), never NULL on success. */
int jl_expand_document(jl_state *st, const json_t *input, json_t **out);

/* jsonld_canonical.c: the toRdf of sc_jsonld_canonical_nquads (safe mode, the bundled
 * contexts, no base) into dataset; and with the canonical N-Quads appended to out, the quads
 * kept in dataset (jsonld_shape.c learns its templates from them). */
int jl_canonical_quads(const json_t *document, sc_rdf_dataset *dataset, sc_error *err);
int jl_canonical_nquads_keeping(const json_t *document, sc_rdf_dataset *dataset, sc_buf *out,
                                sc_error *err);

#endif
