/* JSON-LD 1.1 to RDF: Node Map Generation (API 7.2) and Deserialize JSON-LD to RDF (8.1–8.3)
 * over the expanded form. */
#include "core/jsonld_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Strings made here come from the parsed document (valid UTF-8): jansson's _nocheck functions
 * skip a second UTF-8 check. */
#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD_NS "http://www.w3.org/2001/XMLSchema#"

typedef struct rdf_state {
  jl_state *st;
  json_t *labels; /* old blank node label → new */
  size_t counter;
} rdf_state;

static char *new_label(rdf_state *rs, const char *old) {
  json_t *known = old ? json_object_get(rs->labels, old) : NULL;
  if (known)
    return jl_strdup(json_string_value(known));
  char label[32];
  snprintf(label, sizeof label, "_:b%zu", rs->counter++);
  if (old)
    json_object_set_new_nocheck(rs->labels, old, json_string_nocheck(label));
  return jl_strdup(label);
}

/* ---------------------------------------------------------------- to RDF (8.1–8.3) */

typedef struct emit_ctx {
  rdf_state *rs;
  sc_rdf_dataset *dataset;
  sc_rdf_term graph;
} emit_ctx;

static sc_rdf_term term_of(const char *id) {
  return jl_is_blank_label(id) ? sc_rdf_blank(id + 2) : sc_rdf_iri(id);
}

static bool well_formed(const char *id) {
  return id && (jl_is_blank_label(id) || jl_is_absolute_iri(id));
}

static int emit(emit_ctx *ec, sc_rdf_term s, sc_rdf_term p, sc_rdf_term o) {
  sc_rdf_quad q = {s, p, o, ec->graph};
  return sc_rdf_dataset_add(ec->dataset, &q) ? SC_OK : sc_oom(ec->rs->st->err);
}

static bool well_formed_language(const char *tag) {
  const char *p = tag;
  size_t n = 0;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
    p++, n++;
  if (n < 1 || n > 8)
    return false;
  while (*p == '-') {
    p++;
    n = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
      p++, n++;
    if (n < 1 || n > 8)
      return false;
  }
  return *p == '\0';
}

/* XSD canonical double as JSON-LD writes it: "1.1E0", "1.0E21". A double's %.15e form is at
 * most 23 characters, so raw and out (64 bytes) always hold it. */
static void format_double(double v, char out[static 64]) {
  char raw[32];
  snprintf(raw, sizeof raw, "%.15e", v);
  char *e = strchr(raw, 'e');
  int exponent = atoi(e + 1);
  *e = '\0';
  size_t len = strlen(raw);
  while (len > 0 && raw[len - 1] == '0')
    raw[--len] = '\0';
  if (len > 0 && raw[len - 1] == '.')
    raw[len++] = '0', raw[len] = '\0';
  snprintf(out, 64, "%.24sE%d", raw, exponent);
}

static int list_to_rdf(emit_ctx *ec, const json_t *list, sc_rdf_term *head, char **head_label);

/* The keyword entries of an expanded item, read in one pass over its few entries rather than
 * by a hash lookup for each keyword asked. */
typedef struct item_fields {
  const json_t *value, *list, *id, *type, *language, *direction;
} item_fields;

static void read_item(const json_t *item, item_fields *f) {
  *f = (item_fields){0};
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)item, key, v) {
    if (key[0] != '@')
      continue;
    if (strcmp(key, "@value") == 0)
      f->value = v;
    else if (strcmp(key, "@list") == 0)
      f->list = v;
    else if (strcmp(key, "@id") == 0)
      f->id = v;
    else if (strcmp(key, "@type") == 0)
      f->type = v;
    else if (strcmp(key, "@language") == 0)
      f->language = v;
    else if (strcmp(key, "@direction") == 0)
      f->direction = v;
  }
}

/* Object to RDF (8.2): *has is false when the item gives no term. Strings the term borrows
 * are kept in *keep (freed by the caller). */
static int object_to_rdf(emit_ctx *ec, const item_fields *f, sc_rdf_term *out, bool *has,
                         char **keep, char **keep2) {
  *has = false;
  if (f->list) {
    int rc = list_to_rdf(ec, f->list, out, keep);
    *has = rc == SC_OK;
    return rc;
  }
  if (!f->value) {
    const char *id = json_string_value(f->id);
    if (!well_formed(id))
      return SC_OK;
    *out = term_of(id);
    *has = true;
    return SC_OK;
  }
  const json_t *value = f->value;
  const char *datatype = json_string_value(f->type);
  const char *language = json_string_value(f->language);
  if (datatype && strcmp(datatype, "@json") && !jl_is_absolute_iri(datatype))
    return SC_OK;
  if (language && !well_formed_language(language))
    return SC_OK;
  char number[64];
  const char *text = NULL;
  size_t len = 0;
  if (datatype && strcmp(datatype, "@json") == 0) {
    sc_error err = {0};
    *keep = sc_jcs(value, &err);
    if (!*keep)
      return sc_fail(ec->rs->st->err, SC_EDATA, "a JSON literal cannot be canonicalized: %s",
                     err.message);
    text = *keep;
    len = strlen(text);
    datatype = RDF_NS "JSON";
  } else if (json_is_boolean(value)) {
    text = json_is_true(value) ? "true" : "false";
    len = strlen(text);
    if (!datatype)
      datatype = XSD_NS "boolean";
  } else if (json_is_number(value)) {
    double v = json_number_value(value);
    bool integral = json_is_integer(value) || (isfinite(v) && floor(v) == v && fabs(v) < 1e21);
    if (!integral || (datatype && strcmp(datatype, XSD_NS "double") == 0)) {
      format_double(v, number);
      if (!datatype)
        datatype = XSD_NS "double";
    } else {
      if (json_is_integer(value))
        snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
      else
        snprintf(number, sizeof number, "%.0f", v == 0 ? 0.0 : v);
      if (!datatype)
        datatype = XSD_NS "integer";
    }
    text = number;
    len = strlen(number);
  } else {
    text = json_string_value(value);
    len = json_string_length(value);
    if (!datatype)
      datatype = language ? RDF_NS "langString" : XSD_NS "string";
  }
  const char *direction = json_string_value(f->direction);
  const char *mode = ec->rs->st->opts ? ec->rs->st->opts->rdf_direction : NULL;
  if (direction && mode && strcmp(mode, "i18n-datatype") == 0) {
    size_t n = 64 + (language ? strlen(language) : 0);
    if (!(*keep2 = jl_malloc(n)))
      return sc_oom(ec->rs->st->err);
    snprintf(*keep2, n, "https://www.w3.org/ns/i18n#%s_%s", language ? language : "", direction);
    for (char *c = *keep2 + strlen("https://www.w3.org/ns/i18n#"); *c != '_'; c++)
      if (*c >= 'A' && *c <= 'Z')
        *c = (char)(*c - 'A' + 'a'); /* the language part is lower case */
    datatype = *keep2;
    language = NULL;
  }
  if (!*keep && text == number) {
    *keep = jl_strdup(number);
    text = *keep;
  }
  *out = sc_rdf_literal(text, len, datatype, language);
  *has = true;
  return SC_OK;
}

/* List to RDF (8.3): the head in *head (rdf:nil for an empty list). */
static int list_to_rdf(emit_ctx *ec, const json_t *list, sc_rdf_term *head, char **head_label) {
  size_t n = json_array_size(list);
  if (n == 0) {
    *head = sc_rdf_iri(RDF_NS "nil");
    return SC_OK;
  }
  char **labels = jl_calloc(n, sizeof *labels);
  int rc = labels ? SC_OK : sc_oom(ec->rs->st->err);
  for (size_t i = 0; !rc && i < n; i++)
    if (!(labels[i] = new_label(ec->rs, NULL)))
      rc = sc_oom(ec->rs->st->err);
  for (size_t i = 0; !rc && i < n; i++) {
    sc_rdf_term object;
    bool has = false;
    char *keep = NULL, *keep2 = NULL;
    item_fields f;
    read_item(json_array_get(list, i), &f);
    rc = object_to_rdf(ec, &f, &object, &has, &keep, &keep2);
    if (!rc && has)
      rc = emit(ec, term_of(labels[i]), sc_rdf_iri(RDF_NS "first"), object);
    free(keep);
    free(keep2);
    if (!rc)
      rc = emit(ec, term_of(labels[i]), sc_rdf_iri(RDF_NS "rest"),
                i + 1 < n ? term_of(labels[i + 1]) : sc_rdf_iri(RDF_NS "nil"));
  }
  *head_label = rc ? NULL : jl_strdup(labels[0]);
  if (!rc && !*head_label)
    rc = sc_oom(ec->rs->st->err);
  if (!rc)
    *head = term_of(*head_label);
  for (size_t i = 0; labels && i < n; i++)
    free(labels[i]);
  free(labels);
  return rc;
}

/* ---------------------------------------------------------------- emitting (7.2 + 8.1) */

/* The quads are emitted straight from the expanded form rather than through the node map of
 * API 7.2: a dataset is a set, so a node described in two places gives the same quads either
 * way, and RDFC-1.0 removes the duplicates. Blank node labels are made fresh (b0, b1, …) and
 * kept per input label, as the node map's issuer does. */

static int emit_node(emit_ctx *ec, const json_t *node, char **subject);

static int emit_node_in(emit_ctx *ec, const json_t *nodes, sc_rdf_term graph) {
  sc_rdf_term saved = ec->graph;
  ec->graph = graph;
  int rc = SC_OK;
  json_t *array = json_is_array(nodes) ? json_incref((json_t *)nodes) : json_pack("[O]", nodes);
  size_t i;
  json_t *item;
  json_array_foreach(array, i, item) {
    item_fields f;
    read_item(item, &f);
    if (rc || !json_is_object(item) || f.value || f.list)
      continue; /* free-floating values and lists name no subject */
    char *subject = NULL;
    rc = emit_node(ec, item, &subject);
    free(subject);
  }
  json_decref(array);
  ec->graph = saved;
  return rc;
}

/* An item's object term (8.2), emitting what it holds: a node's own quads, a list's. */
static int item_object(emit_ctx *ec, const json_t *item, sc_rdf_term *out, bool *has, char **keep,
                       char **keep2) {
  item_fields f;
  read_item(item, &f);
  if (json_is_object(item) && !f.value && !f.list) {
    int rc = emit_node(ec, item, keep);
    *has = !rc && *keep && well_formed(*keep);
    if (*has)
      *out = term_of(*keep);
    return rc;
  }
  return object_to_rdf(ec, &f, out, has, keep, keep2);
}

/* subject_ok: subject is well formed (checked once per node, not per property). */
static int emit_property(emit_ctx *ec, const char *subject, bool subject_ok, const char *property,
                         const json_t *values) {
  bool usable = subject_ok && !jl_is_keyword(property) && !jl_is_blank_label(property) &&
                jl_is_absolute_iri(property);
  int rc = SC_OK;
  /* a property's values: an array, or one value as it is (jl_state.lone_values) */
  size_t n = json_is_array(values) ? json_array_size(values) : 1;
  for (size_t i = 0; i < n; i++) {
    const json_t *item = json_is_array(values) ? json_array_get(values, i) : values;
    sc_rdf_term object;
    bool has = false;
    char *keep = NULL, *keep2 = NULL;
    rc = item_object(ec, item, &object, &has, &keep, &keep2);
    if (!rc && has && usable)
      rc = emit(ec, term_of(subject), sc_rdf_iri(property), object);
    free(keep);
    free(keep2);
    if (rc)
      break;
  }
  return rc;
}

static int emit_reverse(emit_ctx *ec, const char *subject, const json_t *reverse) {
  const char *property;
  json_t *values;
  int rc = SC_OK;
  json_object_foreach((json_t *)reverse, property, values) {
    size_t n = json_is_array(values) ? json_array_size(values) : 1; /* see emit_property */
    for (size_t i = 0; i < n; i++) {
      const json_t *item = json_is_array(values) ? json_array_get(values, i) : values;
      char *other = NULL;
      if (!rc)
        rc = emit_node(ec, item, &other);
      if (!rc && other && well_formed(other) && well_formed(subject) &&
          jl_is_absolute_iri(property) && !jl_is_blank_label(property))
        rc = emit(ec, term_of(other), sc_rdf_iri(property), term_of(subject));
      free(other);
    }
  }
  return rc;
}

/* A node object: its subject in *subject (a new string), its quads emitted. */
static int emit_node(emit_ctx *ec, const json_t *node, char **subject) {
  item_fields f;
  read_item(node, &f);
  const json_t *id = f.id;
  *subject = NULL;
  if (json_is_null(id))
    return SC_OK; /* an id that expanded to nothing (a keyword-like string): no node at all */
  const char *given = json_string_value(id);
  *subject = given && !jl_is_blank_label(given) ? jl_strdup(given) : new_label(ec->rs, given);
  if (!*subject)
    return sc_oom(ec->rs->st->err);
  int rc = SC_OK;
  bool subject_ok = well_formed(*subject); /* checked once, not for every type and property */
  size_t i;
  json_t *t;
  json_array_foreach((json_t *)f.type, i, t) {
    const char *type = json_string_value(t);
    char *relabelled = jl_is_blank_label(type) ? new_label(ec->rs, type) : NULL;
    if (!rc && subject_ok && well_formed(relabelled ? relabelled : type))
      rc = emit(ec, term_of(*subject), sc_rdf_iri(RDF_NS "type"),
                term_of(relabelled ? relabelled : type));
    free(relabelled);
  }
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)node, key, value) {
    if (rc)
      break;
    if (key[0] == '@') { /* keywords: a property IRI never starts with '@' */
      if (strcmp(key, "@reverse") == 0)
        rc = emit_reverse(ec, *subject, value);
      else if (strcmp(key, "@graph") == 0)
        rc = subject_ok ? emit_node_in(ec, value, term_of(*subject)) : SC_OK;
      else if (strcmp(key, "@included") == 0)
        rc = emit_node_in(ec, value, ec->graph);
    }
    else if (jl_is_blank_label(key)) {
      char *property = new_label(ec->rs, key); /* a blank node property: dropped, but its
                                                * values are still nodes of the graph */
      rc = emit_property(ec, *subject, subject_ok, property, value);
      free(property);
    } else {
      rc = emit_property(ec, *subject, subject_ok, key, value);
    }
  }
  return rc;
}

int sc_jsonld_to_rdf(const json_t *input, const sc_jsonld_options *opts, sc_rdf_dataset *dataset,
                     sc_error *err) {
  jl_state st = {.opts = opts, .err = err, .memo = true, .lone_values = true};
  json_t *expanded = NULL;
  size_t failures = sc_alloc_failure_count();
  int rc = jl_expand_document(&st, input, &expanded);
  if (sc_alloc_failure_count() != failures) {
    json_decref(expanded);
    return sc_oom(err); /* the expanded form may be missing a piece */
  }
  if (rc)
    return rc;
  rdf_state rs = {.st = &st, .labels = json_object()};
  emit_ctx ec = {.rs = &rs, .dataset = dataset};
  rc = emit_node_in(&ec, expanded, (sc_rdf_term){0});
  json_decref(rs.labels);
  json_decref(expanded);
  if (rc == SC_OK && sc_alloc_failure_count() != failures)
    rc = sc_oom(err);
  return rc;
}
