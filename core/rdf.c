/* RDF datasets: terms and quads with owned, length-counted strings (core.h "RDF"). */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

sc_rdf_term sc_rdf_iri(const char *iri) {
  return (sc_rdf_term){.kind = SC_RDF_IRI, .value = (char *)iri, .len = strlen(iri)};
}

sc_rdf_term sc_rdf_blank(const char *label) {
  return (sc_rdf_term){.kind = SC_RDF_BLANK, .value = (char *)label, .len = strlen(label)};
}

sc_rdf_term sc_rdf_literal(const char *value, size_t len, const char *datatype,
                           const char *language) {
  return (sc_rdf_term){.kind = SC_RDF_LITERAL,
                       .value = (char *)value,
                       .len = len,
                       .datatype = (char *)datatype,
                       .language = (char *)language};
}

static char *copy_bytes(const char *data, size_t len) {
  char *copy = malloc(len + 1);
  if (copy) {
    if (len)
      memcpy(copy, data, len);
    copy[len] = '\0';
  }
  return copy;
}

static void term_free(sc_rdf_term *term) {
  free(term->value);
  free(term->datatype);
  free(term->language);
  *term = (sc_rdf_term){0};
}

/* A deep copy; the default graph has no strings. */
static bool term_copy(const sc_rdf_term *from, sc_rdf_term *to) {
  *to = (sc_rdf_term){.kind = from->kind, .len = from->len};
  if (from->kind == SC_RDF_DEFAULT_GRAPH)
    return true;
  to->value = copy_bytes(from->value ? from->value : "", from->value ? from->len : 0);
  if (from->datatype)
    to->datatype = copy_bytes(from->datatype, strlen(from->datatype));
  if (from->language)
    to->language = copy_bytes(from->language, strlen(from->language));
  if (!to->value || (from->datatype && !to->datatype) || (from->language && !to->language)) {
    term_free(to);
    return false;
  }
  return true;
}

static void quad_free(sc_rdf_quad *quad) {
  term_free(&quad->subject);
  term_free(&quad->predicate);
  term_free(&quad->object);
  term_free(&quad->graph);
}

bool sc_rdf_dataset_add(sc_rdf_dataset *dataset, const sc_rdf_quad *quad) {
  if (dataset->count == dataset->cap) {
    size_t cap = dataset->cap ? dataset->cap * 2 : 16;
    sc_rdf_quad *grown = realloc(dataset->quads, cap * sizeof *grown);
    if (!grown)
      return false;
    dataset->quads = grown;
    dataset->cap = cap;
  }
  sc_rdf_quad *copy = &dataset->quads[dataset->count];
  *copy = (sc_rdf_quad){0};
  if (!term_copy(&quad->subject, &copy->subject) ||
      !term_copy(&quad->predicate, &copy->predicate) ||
      !term_copy(&quad->object, &copy->object) || !term_copy(&quad->graph, &copy->graph)) {
    quad_free(copy);
    return false;
  }
  dataset->count++;
  return true;
}

void sc_rdf_dataset_free(sc_rdf_dataset *dataset) {
  for (size_t i = 0; i < dataset->count; i++)
    quad_free(&dataset->quads[i]);
  free(dataset->quads);
  *dataset = (sc_rdf_dataset){0};
}
