/* JSON-LD 1.1 to RDF: Node Map Generation (API 7.2) and Deserialize JSON-LD to RDF (8.1–8.3)
 * over the expanded form. */
#include "core/jsonld_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    return strdup(json_string_value(known));
  char label[32];
  snprintf(label, sizeof label, "_:b%zu", rs->counter++);
  if (old)
    json_object_set_new(rs->labels, old, json_string(label));
  return strdup(label);
}

static void append_unique(json_t *obj, const char *key, json_t *value /* borrowed */) {
  json_t *array = json_object_get(obj, key);
  if (!array) {
    array = json_array();
    json_object_set_new(obj, key, array);
  }
  size_t i;
  json_t *v;
  json_array_foreach(array, i, v) {
    if (json_equal(v, value))
      return;
  }
  json_array_append(array, value);
}

static void append_always(json_t *obj, const char *key, json_t *value /* borrowed */) {
  json_t *array = json_object_get(obj, key);
  if (!array) {
    array = json_array();
    json_object_set_new(obj, key, array);
  }
  json_array_append(array, value);
}

/* ---------------------------------------------------------------- node map (7.2.2) */

static int node_map(rdf_state *rs, const json_t *element, json_t *map, const char *graph_name,
                    const json_t *subject_ref, const char *active_subject,
                    const char *active_property, json_t *list);

static int node_map_node(rdf_state *rs, json_t *element, json_t *map, const char *graph_name,
                         const json_t *subject_ref, const char *active_subject,
                         const char *active_property, json_t *list) {
  json_t *graph = json_object_get(map, graph_name);
  const char *given = json_string_value(json_object_get(element, "@id"));
  char *id = NULL;
  if (json_is_null(json_object_get(element, "@id")))
    return SC_OK; /* an id that expanded to nothing */
  id = given && !jl_is_blank_label(given) ? strdup(given) : new_label(rs, given);
  if (!json_object_get(graph, id))
    json_object_set_new(graph, id, json_pack("{s:s}", "@id", id));
  json_t *node = json_object_get(graph, id);
  int rc = SC_OK;
  if (subject_ref) {
    append_unique(node, active_property, (json_t *)subject_ref);
  } else if (active_property) {
    json_t *reference = json_pack("{s:s}", "@id", id);
    if (list)
      append_always(list, "@list", reference);
    else
      append_unique(json_object_get(json_object_get(map, graph_name), active_subject),
                    active_property, reference);
    json_decref(reference);
  }
  json_t *types = json_object_get(element, "@type");
  size_t i;
  json_t *t;
  json_array_foreach(types, i, t) {
    append_unique(node, "@type", t);
  }
  json_t *index = json_object_get(element, "@index");
  if (index) {
    json_t *existing = json_object_get(node, "@index");
    if (existing && !json_equal(existing, index))
      rc = jl_fail(rs->st, "conflicting indexes", "node %s has two indexes", id);
    json_object_set(node, "@index", index);
  }
  json_t *reverse = json_incref(json_object_get(element, "@reverse"));
  if (!rc && reverse) {
    json_t *ref = json_pack("{s:s}", "@id", id);
    const char *property;
    json_t *values;
    json_object_foreach(reverse, property, values) {
      json_array_foreach(values, i, t) {
        if (!rc)
          rc = node_map(rs, t, map, graph_name, ref, NULL, property, NULL);
      }
    }
    json_decref(ref);
  }
  json_decref(reverse);
  json_t *g = json_incref(json_object_get(element, "@graph"));
  if (!rc && g) {
    if (!json_object_get(map, id))
      json_object_set_new(map, id, json_object());
    rc = node_map(rs, g, map, id, NULL, NULL, NULL, NULL);
  }
  json_decref(g);
  json_t *included = json_incref(json_object_get(element, "@included"));
  if (!rc && included) {
    rc = node_map(rs, included, map, graph_name, NULL, NULL, NULL, NULL);
  }
  json_decref(included);
  /* the remaining properties, in order */
  size_t count = json_object_size(element);
  const char **keys = malloc((count ? count : 1) * sizeof *keys);
  size_t n = 0;
  const char *key;
  json_t *v;
  json_object_foreach(element, key, v) {
    if (strcmp(key, "@id") && strcmp(key, "@type") && strcmp(key, "@index") &&
        strcmp(key, "@reverse") && strcmp(key, "@graph") && strcmp(key, "@included"))
      keys[n++] = key;
  }
  for (size_t a = 1; a < n; a++)
    for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
      const char *tmp = keys[b];
      keys[b] = keys[b - 1];
      keys[b - 1] = tmp;
    }
  for (size_t k = 0; !rc && k < n; k++) {
    char *property = jl_is_blank_label(keys[k]) ? new_label(rs, keys[k]) : strdup(keys[k]);
    node = json_object_get(json_object_get(map, graph_name), id);
    if (!json_object_get(node, property))
      json_object_set_new(node, property, json_array());
    rc = node_map(rs, json_object_get(element, keys[k]), map, graph_name, NULL, id, property, NULL);
    free(property);
  }
  free(keys);
  free(id);
  return rc;
}

static int node_map(rdf_state *rs, const json_t *element, json_t *map, const char *graph_name,
                    const json_t *subject_ref, const char *active_subject,
                    const char *active_property, json_t *list) {
  if (json_is_array(element)) {
    size_t i;
    json_t *item;
    json_array_foreach(element, i, item) {
      int rc = node_map(rs, item, map, graph_name, subject_ref, active_subject, active_property, list);
      if (rc)
        return rc;
    }
    return SC_OK;
  }
  if (!json_is_object(element))
    return SC_OK;
  if (!json_object_get(map, graph_name))
    json_object_set_new(map, graph_name, json_object());
  /* The expanded document is read, never changed: only an element whose types name blank
   * nodes is copied, to relabel them. */
  json_t *copy = json_incref((json_t *)element);
  json_t *types = json_object_get(copy, "@type");
  bool blank_type = false;
  size_t i;
  json_t *t;
  json_array_foreach(types, i, t) {
    blank_type = blank_type || jl_is_blank_label(json_string_value(t));
  }
  if (blank_type) {
    json_decref(copy);
    copy = json_copy((json_t *)element);
    types = json_copy(types);
    json_object_set_new(copy, "@type", types);
    json_array_foreach(types, i, t) {
      if (jl_is_blank_label(json_string_value(t))) {
        char *label = new_label(rs, json_string_value(t));
        json_array_set_new(types, i, json_string(label));
        free(label);
      }
    }
  }
  int rc = SC_OK;
  json_t *subject_node = active_subject
                             ? json_object_get(json_object_get(map, graph_name), active_subject)
                             : NULL;
  if (json_object_get(copy, "@value")) {
    if (list)
      append_always(list, "@list", copy);
    else
      append_unique(subject_node, active_property, copy);
  } else if (json_object_get(copy, "@list")) {
    json_t *result = json_pack("{s:[]}", "@list");
    rc = node_map(rs, json_object_get(copy, "@list"), map, graph_name, subject_ref, active_subject,
                  active_property, result);
    if (list)
      append_always(list, "@list", result);
    else
      append_always(subject_node, active_property, result);
    json_decref(result);
  } else {
    rc = node_map_node(rs, copy, map, graph_name, subject_ref, active_subject, active_property, list);
  }
  json_decref(copy);
  return rc;
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

/* XSD canonical double as JSON-LD writes it: "1.1E0", "1.0E21". */
static void format_double(double v, char *out, size_t size) {
  char raw[64];
  snprintf(raw, sizeof raw, "%.15e", v);
  char *e = strchr(raw, 'e');
  int exponent = atoi(e + 1);
  *e = '\0';
  size_t len = strlen(raw);
  while (len > 0 && raw[len - 1] == '0')
    raw[--len] = '\0';
  if (len > 0 && raw[len - 1] == '.')
    raw[len++] = '0', raw[len] = '\0';
  snprintf(out, size, "%sE%d", raw, exponent);
}

static int list_to_rdf(emit_ctx *ec, const json_t *list, sc_rdf_term *head, char **head_label);

/* Object to RDF (8.2): *has is false when the item gives no term. Strings the term borrows
 * are kept in *keep (freed by the caller). */
static int object_to_rdf(emit_ctx *ec, const json_t *item, sc_rdf_term *out, bool *has, char **keep,
                         char **keep2) {
  *has = false;
  if (json_object_get(item, "@list")) {
    int rc = list_to_rdf(ec, json_object_get(item, "@list"), out, keep);
    *has = rc == SC_OK;
    return rc;
  }
  if (!json_object_get(item, "@value")) {
    const char *id = json_string_value(json_object_get(item, "@id"));
    if (!well_formed(id))
      return SC_OK;
    *out = term_of(id);
    *has = true;
    return SC_OK;
  }
  json_t *value = json_object_get(item, "@value");
  const char *datatype = json_string_value(json_object_get(item, "@type"));
  const char *language = json_string_value(json_object_get(item, "@language"));
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
      format_double(v, number, sizeof number);
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
  const char *direction = json_string_value(json_object_get(item, "@direction"));
  const char *mode = ec->rs->st->opts ? ec->rs->st->opts->rdf_direction : NULL;
  if (direction && mode && strcmp(mode, "i18n-datatype") == 0) {
    size_t n = 64 + (language ? strlen(language) : 0);
    *keep2 = malloc(n);
    snprintf(*keep2, n, "https://www.w3.org/ns/i18n#%s_%s", language ? language : "", direction);
    for (char *c = *keep2 + strlen("https://www.w3.org/ns/i18n#"); *c != '_'; c++)
      if (*c >= 'A' && *c <= 'Z')
        *c = (char)(*c - 'A' + 'a'); /* the language part is lower case */
    datatype = *keep2;
    language = NULL;
  }
  if (!*keep && text == number) {
    *keep = strdup(number);
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
  char **labels = calloc(n, sizeof *labels);
  for (size_t i = 0; i < n; i++)
    labels[i] = new_label(ec->rs, NULL);
  int rc = SC_OK;
  for (size_t i = 0; !rc && i < n; i++) {
    sc_rdf_term object;
    bool has = false;
    char *keep = NULL, *keep2 = NULL;
    rc = object_to_rdf(ec, json_array_get(list, i), &object, &has, &keep, &keep2);
    if (!rc && has)
      rc = emit(ec, term_of(labels[i]), sc_rdf_iri(RDF_NS "first"), object);
    free(keep);
    free(keep2);
    if (!rc)
      rc = emit(ec, term_of(labels[i]), sc_rdf_iri(RDF_NS "rest"),
                i + 1 < n ? term_of(labels[i + 1]) : sc_rdf_iri(RDF_NS "nil"));
  }
  *head_label = strdup(labels[0]);
  *head = term_of(*head_label);
  for (size_t i = 0; i < n; i++)
    free(labels[i]);
  free(labels);
  return rc;
}

static int property_to_rdf(emit_ctx *ec, const char *subject, const char *property,
                           const json_t *values) {
  size_t i;
  json_t *item;
  int rc = SC_OK;
  if (strcmp(property, "@type") == 0) {
    json_array_foreach(values, i, item) {
      const char *type = json_string_value(item);
      if (!rc && well_formed(type))
        rc = emit(ec, term_of(subject), sc_rdf_iri(RDF_NS "type"), term_of(type));
    }
    return rc;
  }
  if (jl_is_keyword(property) || jl_is_blank_label(property) || !jl_is_absolute_iri(property))
    return SC_OK;
  json_array_foreach(values, i, item) {
    sc_rdf_term object;
    bool has = false;
    char *keep = NULL, *keep2 = NULL;
    if (!rc)
      rc = object_to_rdf(ec, item, &object, &has, &keep, &keep2);
    if (!rc && has)
      rc = emit(ec, term_of(subject), sc_rdf_iri(property), object);
    free(keep);
    free(keep2);
  }
  return rc;
}

static const char **sorted_object_keys(const json_t *obj, size_t *n) {
  *n = json_object_size(obj);
  const char **keys = malloc((*n ? *n : 1) * sizeof *keys);
  size_t i = 0;
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    keys[i++] = key;
  }
  for (size_t a = 1; a < *n; a++)
    for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
      const char *t = keys[b];
      keys[b] = keys[b - 1];
      keys[b - 1] = t;
    }
  return keys;
}

static int graph_to_rdf(emit_ctx *ec, const json_t *graph) {
  size_t ns;
  const char **subjects = sorted_object_keys(graph, &ns);
  int rc = SC_OK;
  for (size_t s = 0; !rc && s < ns; s++) {
    if (!well_formed(subjects[s]))
      continue;
    const json_t *node = json_object_get(graph, subjects[s]);
    size_t np;
    const char **properties = sorted_object_keys(node, &np);
    for (size_t p = 0; !rc && p < np; p++)
      rc = property_to_rdf(ec, subjects[s], properties[p], json_object_get(node, properties[p]));
    free(properties);
  }
  free(subjects);
  return rc;
}

int sc_jsonld_to_rdf(const json_t *input, const sc_jsonld_options *opts, sc_rdf_dataset *dataset,
                     sc_error *err) {
  jl_state st = {.opts = opts, .err = err};
  json_t *expanded = NULL;
  int rc = jl_expand_document(&st, input, &expanded);
  if (rc)
    return rc;
  rdf_state rs = {.st = &st, .labels = json_object()};
  json_t *map = json_pack("{s:{}}", "@default");
  rc = node_map(&rs, expanded, map, "@default", NULL, NULL, NULL, NULL);
  size_t ng;
  const char **graphs = sorted_object_keys(map, &ng);
  for (size_t g = 0; !rc && g < ng; g++) {
    bool is_default = strcmp(graphs[g], "@default") == 0;
    if (!is_default && !well_formed(graphs[g]))
      continue;
    emit_ctx ec = {.rs = &rs, .dataset = dataset};
    if (!is_default)
      ec.graph = term_of(graphs[g]);
    rc = graph_to_rdf(&ec, json_object_get(map, graphs[g]));
  }
  free(graphs);
  json_decref(map);
  json_decref(rs.labels);
  json_decref(expanded);
  return rc;
}
