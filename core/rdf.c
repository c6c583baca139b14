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

/* The quads' strings are kept in chunks of a few kilobytes owned by the dataset (a list, newest
 * first), freed together: toRdf adds a quad for every property value of every credential, and
 * one allocation per string (later per quad) was a good part of its time. */
struct sc_rdf_chunk {
  struct sc_rdf_chunk *next;
  size_t used, size;
  char data[];
};

#define CHUNK_BYTES 4096

/* Room for size bytes in the dataset's newest chunk (a new chunk when it has not), or NULL. */
static char *chunk_room(sc_rdf_dataset *dataset, size_t size) {
  struct sc_rdf_chunk *c = dataset->chunks;
  if (!c || c->size - c->used < size) {
    size_t room = size > CHUNK_BYTES ? size : CHUNK_BYTES;
    if (!(c = malloc(sizeof *c + room)))
      return NULL;
    *c = (struct sc_rdf_chunk){.next = dataset->chunks, .size = room};
    dataset->chunks = c;
  }
  char *at = c->data + c->used;
  c->used += size;
  return at;
}

static size_t term_bytes(const sc_rdf_term *term) {
  if (term->kind == SC_RDF_DEFAULT_GRAPH)
    return 0;
  return (term->value ? term->len : 0) + 1 + (term->datatype ? strlen(term->datatype) + 1 : 0) +
         (term->language ? strlen(term->language) + 1 : 0);
}

static char *put_bytes(char **at, const char *data, size_t len) {
  char *copy = *at;
  if (len)
    memcpy(copy, data, len);
  copy[len] = '\0';
  *at += len + 1;
  return copy;
}

/* A copy of from whose strings are placed at *at; the default graph has no strings. */
static sc_rdf_term term_place(const sc_rdf_term *from, char **at) {
  sc_rdf_term to = {.kind = from->kind, .len = from->len};
  if (from->kind == SC_RDF_DEFAULT_GRAPH)
    return to;
  to.value = put_bytes(at, from->value ? from->value : "", from->value ? from->len : 0);
  if (from->datatype)
    to.datatype = put_bytes(at, from->datatype, strlen(from->datatype));
  if (from->language)
    to.language = put_bytes(at, from->language, strlen(from->language));
  return to;
}

bool sc_rdf_dataset_add(sc_rdf_dataset *dataset, const sc_rdf_quad *quad) {
  if (dataset->count == dataset->cap) {
    size_t cap = dataset->cap ? dataset->cap * 2 : 64;
    sc_rdf_quad *grown = realloc(dataset->quads, cap * sizeof *grown);
    if (!grown)
      return false;
    dataset->quads = grown;
    dataset->cap = cap;
  }
  /* +1: a subject that is the default graph (never made by the parsers) still gets "" */
  size_t size = term_bytes(&quad->subject) + term_bytes(&quad->predicate) +
                term_bytes(&quad->object) + term_bytes(&quad->graph) + 1;
  char *at = chunk_room(dataset, size);
  if (!at)
    return false;
  sc_rdf_quad *copy = &dataset->quads[dataset->count];
  copy->subject = term_place(&quad->subject, &at);
  if (!copy->subject.value)
    copy->subject.value = put_bytes(&at, "", 0);
  copy->predicate = term_place(&quad->predicate, &at);
  copy->object = term_place(&quad->object, &at);
  copy->graph = term_place(&quad->graph, &at);
  dataset->count++;
  return true;
}

void sc_rdf_dataset_free(sc_rdf_dataset *dataset) {
  for (struct sc_rdf_chunk *c = dataset->chunks, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(dataset->quads);
  *dataset = (sc_rdf_dataset){0};
}
