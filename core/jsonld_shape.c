/* Canonical N-Quads by shape: a batch signs thousands of credentials that differ only in a few
 * strings (the learner's name and hashed address, the id, the dates, the status index). Their
 * JSON-LD expansion and toRdf give the same quads every time with those strings in the same
 * places, so a batch learns the quads of its first credential once, as a template with a hole
 * for each string, and fills the holes for the others; RDFC-1.0 still runs on every credential
 * (its blank-node labels depend on the values). The result must be the bytes the full
 * transformation gives, so a template is used only where that is shown, not assumed:
 *
 * - the shape of a document is its JSON with the strings it may vary left out ("slots": any
 *   string not under @context, type, @type or another keyword); everything else — keys, their
 *   order, arrays' lengths, numbers, booleans, the types, the contexts — must be identical;
 * - what JSON-LD does with each slot is found by running toRdf on a copy of the first document
 *   whose slots hold unique sentinel IRIs: a slot whose sentinel comes out as a whole literal is
 *   a LITERAL (any string gives that literal: JSON-LD copies strings into literals
 *   unchanged); as a whole IRI, an IRI (kept as it is: absolute, no base applies); anything
 *   else — gone, inside a longer term, in a datatype, both — is FIXED: later documents must
 *   hold the first one's value there;
 * - the template is then checked: filled with the first document's own values it must give
 *   exactly the quads the full transformation gave that document, or the shape is not used;
 * - a later document uses the template only when its FIXED slots hold the first document's
 *   values; its IRI slots hold absolute IRIs of plain ASCII with the same scheme (so expansion
 *   takes the same branch: a scheme that were a term would make a compact IRI) and the same
 *   "//" after it; and its slots are equal to each other exactly where the first document's
 *   were (equal IRIs merge nodes, equal values merge quads: with the same pattern the merging
 *   is the one the check saw).
 * Anything else takes the full transformation. tests/unit/test_jsonld_shape.c compares both on
 * thousands of varied documents. */
#include "core/jsonld_internal.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHAPES 8    /* a batch has one shape per achievement and set of optional fields */
#define MAX_SLOTS 256   /* a credential has about 25 */
#define SENTINEL_HEAD "urn:x-skillcert-slot:"

typedef enum slot_kind { SLOT_FIXED, SLOT_LITERAL, SLOT_IRI } slot_kind;

typedef struct slot_value {
  const char *text;
  size_t len;
} slot_value;

/* A document walked: its shape and the values of its slots, in document order. */
typedef struct walked {
  sc_buf shape;
  slot_value slots[MAX_SLOTS];
  size_t count;
  bool ok; /* false: too many slots, or memory ran out */
} walked;

typedef struct slot_rule {
  slot_kind kind;
  char *fixed;      /* FIXED: the value every document must hold; IRI: its "scheme:" */
  size_t fixed_len; /* of fixed */
  bool slashes;     /* IRI: "//" follows the scheme */
  int same_as;       /* the first earlier slot with an equal value in the first document, or -1 */
} slot_rule;

/* For each term of a template quad: the slot it holds, or -1 for the template's own term. */
typedef struct quad_slots {
  int subject, predicate, object, graph;
} quad_slots;

typedef struct shape {
  char *text; /* the shape walked */
  size_t len;
  bool usable;
  size_t slot_count;
  slot_rule *rules;
  sc_rdf_dataset quads; /* the template */
  quad_slots *holes;
} shape;

struct sc_jsonld_shapes {
  pthread_mutex_t lock;
  char sentinel[64]; /* SENTINEL_HEAD and a random word, so no real value can look like one */
  size_t sentinel_len;
  shape shapes[MAX_SHAPES];
  size_t count;
  sc_jsonld_shape_stats stats;
};

/* ---------------------------------------------------------------- walking a document */

static bool is_slot_key(const char *key) {
  if (!key)
    return false;
  if (key[0] == '@')
    return strcmp(key, "@id") == 0 || strcmp(key, "@value") == 0;
  return strcmp(key, "type") != 0;
}

/* tag, len in decimal, ':' and the text: written for every key and fixed string of every
 * credential of a batch, so without snprintf. */
static void put_counted(walked *w, char tag, const char *text, size_t len) {
  char head[24];
  size_t at = sizeof head;
  head[--at] = ':';
  size_t n = len;
  do
    head[--at] = (char)('0' + n % 10);
  while ((n /= 10) && at > 1);
  head[--at] = tag;
  w->ok = w->ok && sc_buf_append(&w->shape, head + at, sizeof head - at) &&
          sc_buf_append(&w->shape, text, len);
}

static void walk(walked *w, const json_t *value, const char *key, bool in_context);

static void walk_object(walked *w, const json_t *object, bool in_context) {
  const char *key;
  const json_t *member;
  w->ok = w->ok && sc_buf_append_byte(&w->shape, '{');
  json_object_foreach((json_t *)object, key, member) {
    put_counted(w, 'k', key, strlen(key));
    walk(w, member, key, in_context || strcmp(key, "@context") == 0);
  }
  w->ok = w->ok && sc_buf_append_byte(&w->shape, '}');
}

static void walk(walked *w, const json_t *value, const char *key, bool in_context) {
  char number[40];
  size_t i;
  const json_t *item;
  switch (json_typeof(value)) {
  case JSON_OBJECT:
    walk_object(w, value, in_context);
    return;
  case JSON_ARRAY:
    w->ok = w->ok && sc_buf_append_byte(&w->shape, '[');
    json_array_foreach(value, i, item) walk(w, item, key, in_context);
    w->ok = w->ok && sc_buf_append_byte(&w->shape, ']');
    return;
  case JSON_STRING:
    if (!in_context && is_slot_key(key)) {
      if (w->count == MAX_SLOTS) {
        w->ok = false;
        return;
      }
      w->slots[w->count++] = (slot_value){json_string_value(value), json_string_length(value)};
      w->ok = w->ok && sc_buf_append_byte(&w->shape, 'S');
    } else {
      put_counted(w, 's', json_string_value(value), json_string_length(value));
    }
    return;
  case JSON_INTEGER:
    snprintf(number, sizeof number, "i%" JSON_INTEGER_FORMAT ";", json_integer_value(value));
    break;
  case JSON_REAL:
    snprintf(number, sizeof number, "r%.17g;", json_real_value(value));
    break;
  case JSON_TRUE:
  case JSON_FALSE:
  default:
    number[0] = json_is_true(value) ? 't' : json_is_false(value) ? 'f' : 'n';
    number[1] = '\0';
    break;
  }
  w->ok = w->ok && sc_buf_append_str(&w->shape, number);
}

static void walk_document(walked *w, const json_t *document) {
  memset(w, 0, sizeof *w);
  w->ok = true;
  walk(w, document, NULL, false);
}

/* ---------------------------------------------------------------- values */

static bool same_value(slot_value a, const char *text, size_t len) {
  return a.len == len && memcmp(a.text, text, len) == 0;
}

static int first_equal(const walked *w, size_t i) {
  for (size_t j = 0; j < i; j++)
    if (same_value(w->slots[j], w->slots[i].text, w->slots[i].len))
      return (int)j;
  return -1;
}

/* "scheme:" of an absolute IRI of plain ASCII without spaces or the characters an IRI may
 * not hold, else 0. Stricter than JSON-LD: a value this refuses takes the full transformation. */
static size_t plain_iri_scheme(const char *text, size_t len) {
  size_t scheme = 0;
  while (scheme < len && text[scheme] != ':')
    scheme++;
  if (scheme == 0 || scheme == len ||
      !((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z')))
    return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (i < scheme ? !(alnum || c == '+' || c == '-' || c == '.')
                   : !(alnum || strchr("-._~:/?#[]@!$&'()*+,;=%", c)))
      return 0;
  }
  return scheme + 1;
}

static bool has_slashes(const char *text, size_t len, size_t scheme_len) {
  return len >= scheme_len + 2 && text[scheme_len] == '/' && text[scheme_len + 1] == '/';
}

/* ---------------------------------------------------------------- learning a shape */

static void shape_free(shape *s) {
  for (size_t i = 0; s->rules && i < s->slot_count; i++)
    free(s->rules[i].fixed);
  free(s->rules);
  free(s->holes);
  free(s->text);
  sc_rdf_dataset_free(&s->quads);
  memset(s, 0, sizeof *s);
}

/* Replaces, in value (a copy of the document), slot i by the sentinel of i where replace[i];
 * the slots are met in the order walk() meets them. False when memory ran out. */
static bool with_sentinels(const sc_jsonld_shapes *shapes, json_t *value, const char *key,
                           bool in_context, const bool *replace, size_t *next) {
  size_t i;
  json_t *item;
  const char *name;
  if (json_is_object(value)) {
    json_object_foreach(value, name, item) {
      if (!with_sentinels(shapes, item, name, in_context || strcmp(name, "@context") == 0,
                          replace, next))
        return false;
    }
  } else if (json_is_array(value)) {
    json_array_foreach(value, i, item) {
      if (!with_sentinels(shapes, item, key, in_context, replace, next))
        return false;
    }
  } else if (json_is_string(value) && !in_context && is_slot_key(key)) {
    size_t slot = (*next)++;
    char sentinel[96];
    snprintf(sentinel, sizeof sentinel, "%s%zu", shapes->sentinel, slot);
    if (replace[slot] && json_string_set(value, sentinel) != 0)
      return false;
  }
  return true;
}

static int probe(const sc_jsonld_shapes *shapes, const json_t *document, const bool *replace,
                 sc_rdf_dataset *quads, sc_error *err) {
  json_t *copy = json_deep_copy(document);
  size_t next = 0;
  if (!copy || !with_sentinels(shapes, copy, NULL, false, replace, &next)) {
    json_decref(copy);
    return sc_oom(err);
  }
  int rc = jl_canonical_quads(copy, quads, err);
  json_decref(copy);
  return rc;
}

/* The slot a whole term names (its value is the sentinel of that slot), or -1. */
static int sentinel_slot(const sc_jsonld_shapes *shapes, const char *text, size_t len) {
  if (len <= shapes->sentinel_len || memcmp(text, shapes->sentinel, shapes->sentinel_len) != 0)
    return -1;
  int slot = 0;
  for (size_t i = shapes->sentinel_len; i < len; i++) {
    if (text[i] < '0' || text[i] > '9' || slot > MAX_SLOTS)
      return -1;
    slot = slot * 10 + (text[i] - '0');
  }
  return slot < MAX_SLOTS ? slot : -1;
}

static bool mentions_sentinel(const sc_jsonld_shapes *shapes, const char *text, size_t len) {
  const char *word = shapes->sentinel + strlen(SENTINEL_HEAD); /* the random part */
  size_t word_len = shapes->sentinel_len - strlen(SENTINEL_HEAD);
  for (size_t i = 0; text && i + word_len <= len; i++)
    if (memcmp(text + i, word, word_len) == 0)
      return true;
  return false;
}

typedef struct seen {
  unsigned literal, iri;
} seen;

static void look_at(const sc_jsonld_shapes *shapes, const sc_rdf_term *t, seen *slots,
                    bool *stray) {
  if (t->kind == SC_RDF_DEFAULT_GRAPH)
    return;
  int slot = t->kind == SC_RDF_BLANK ? -1 : sentinel_slot(shapes, t->value, t->len);
  /* A string becomes a literal's lexical form unchanged, whatever datatype or language its
   * term gives it (only numbers and booleans are rewritten, and @json values are serialized:
   * then the sentinel is not the whole form). */
  if (slot >= 0 && t->kind == SC_RDF_LITERAL)
    slots[slot].literal++;
  else if (slot >= 0 && t->kind == SC_RDF_IRI)
    slots[slot].iri++;
  else if (mentions_sentinel(shapes, t->value, t->len))
    *stray = true;
  if (t->kind == SC_RDF_LITERAL &&
      (mentions_sentinel(shapes, t->datatype, t->datatype ? strlen(t->datatype) : 0) ||
       mentions_sentinel(shapes, t->language, t->language ? strlen(t->language) : 0)))
    *stray = true;
}

/* Sorts the slots into LITERAL, IRI and FIXED from a probe with every slot a sentinel. A
 * sentinel found inside a longer term cannot be told apart by slot cheaply: then the shape is
 * not used (stray). */
static int classify(const sc_jsonld_shapes *shapes, const json_t *document, const walked *w,
                    slot_rule *rules, bool *stray, sc_error *err) {
  bool replace[MAX_SLOTS];
  for (size_t i = 0; i < w->count; i++)
    replace[i] = true;
  sc_rdf_dataset quads = {0};
  int rc = probe(shapes, document, replace, &quads, err);
  seen *slots = rc == SC_OK ? calloc(w->count + 1, sizeof *slots) : NULL;
  if (rc == SC_OK && !slots)
    rc = sc_oom(err);
  for (size_t q = 0; rc == SC_OK && q < quads.count; q++) {
    const sc_rdf_quad *quad = &quads.quads[q];
    look_at(shapes, &quad->subject, slots, stray);
    look_at(shapes, &quad->predicate, slots, stray);
    look_at(shapes, &quad->object, slots, stray);
    look_at(shapes, &quad->graph, slots, stray);
  }
  for (size_t i = 0; rc == SC_OK && i < w->count; i++) {
    bool literal = slots[i].literal && !slots[i].iri;
    bool iri = slots[i].iri && !slots[i].literal;
    rules[i].kind = literal ? SLOT_LITERAL : iri ? SLOT_IRI : SLOT_FIXED;
  }
  free(slots);
  sc_rdf_dataset_free(&quads);
  return rc;
}

/* The rules' details from the first document's values (whose quads are full). An IRI slot
 * whose value there is not a plain absolute IRI that comes out unchanged (a term a
 * vocabulary-typed property expands, a compact IRI) becomes FIXED: the sentinel showed where
 * an absolute IRI goes, not what that value becomes. False when memory ran out. */
static bool is_iri_of(const sc_rdf_dataset *quads, slot_value v) {
  for (size_t q = 0; q < quads->count; q++) {
    const sc_rdf_term *terms[] = {&quads->quads[q].subject, &quads->quads[q].object,
                                  &quads->quads[q].graph};
    for (size_t t = 0; t < 3; t++)
      if (terms[t]->kind == SC_RDF_IRI && same_value(v, terms[t]->value, terms[t]->len))
        return true;
  }
  return false;
}

static bool fill_rules(const walked *w, const sc_rdf_dataset *full, slot_rule *rules) {
  for (size_t i = 0; i < w->count; i++) {
    slot_rule *r = &rules[i];
    slot_value v = w->slots[i];
    r->same_as = first_equal(w, i);
    size_t scheme = r->kind == SLOT_IRI ? plain_iri_scheme(v.text, v.len) : 0;
    if (r->kind == SLOT_IRI && (!scheme || !is_iri_of(full, v)))
      r->kind = SLOT_FIXED; /* a compact IRI or a term: kept as the first document has it */
    if (r->kind == SLOT_IRI) {
      r->slashes = has_slashes(v.text, v.len, scheme);
      v.len = scheme; /* only "scheme:" is kept */
    }
    if (r->kind != SLOT_LITERAL) {
      if (!(r->fixed = malloc(v.len + 1)))
        return false;
      memcpy(r->fixed, v.text, v.len);
      r->fixed_len = v.len;
    }
  }
  return true;
}

static int hole_of(const sc_jsonld_shapes *shapes, const shape *s, const sc_rdf_term *t) {
  if (t->kind != SC_RDF_IRI && t->kind != SC_RDF_LITERAL)
    return -1;
  int slot = sentinel_slot(shapes, t->value, t->len);
  return slot >= 0 && (size_t)slot < s->slot_count ? slot : -1;
}

static bool find_holes(const sc_jsonld_shapes *shapes, shape *s) {
  if (!(s->holes = calloc(s->quads.count + 1, sizeof *s->holes)))
    return false;
  for (size_t q = 0; q < s->quads.count; q++) {
    const sc_rdf_quad *quad = &s->quads.quads[q];
    s->holes[q] = (quad_slots){hole_of(shapes, s, &quad->subject),
                               hole_of(shapes, s, &quad->predicate),
                               hole_of(shapes, s, &quad->object), hole_of(shapes, s, &quad->graph)};
  }
  return true;
}

/* ---------------------------------------------------------------- filling a template */

static sc_rdf_term filled(const sc_rdf_term *t, int hole, const walked *w) {
  sc_rdf_term out = *t;
  if (hole >= 0) {
    out.value = (char *)w->slots[hole].text;
    out.len = w->slots[hole].len;
  }
  return out;
}

static int fill(const shape *s, const walked *w, sc_rdf_dataset *out, sc_error *err) {
  for (size_t q = 0; q < s->quads.count; q++) {
    const sc_rdf_quad *t = &s->quads.quads[q];
    const quad_slots *h = &s->holes[q];
    sc_rdf_quad quad = {filled(&t->subject, h->subject, w), filled(&t->predicate, h->predicate, w),
                        filled(&t->object, h->object, w), filled(&t->graph, h->graph, w)};
    if (!sc_rdf_dataset_add(out, &quad))
      return sc_oom(err);
  }
  return SC_OK;
}

static bool same_text(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_term(const sc_rdf_term *a, const sc_rdf_term *b) {
  return a->kind == b->kind && a->len == b->len &&
         (a->len == 0 || memcmp(a->value, b->value, a->len) == 0) &&
         same_text(a->datatype, b->datatype) && same_text(a->language, b->language);
}

static bool same_quads(const sc_rdf_dataset *a, const sc_rdf_dataset *b) {
  if (a->count != b->count)
    return false;
  for (size_t q = 0; q < a->count; q++) {
    const sc_rdf_quad *x = &a->quads[q], *y = &b->quads[q];
    if (!same_term(&x->subject, &y->subject) || !same_term(&x->predicate, &y->predicate) ||
        !same_term(&x->object, &y->object) || !same_term(&x->graph, &y->graph))
      return false;
  }
  return true;
}

/* Learns the shape of document w (whose quads by the full transformation are full) into s:
 * usable or not, it is kept, so a shape that cannot be used is not probed again. */
static int learn(const sc_jsonld_shapes *shapes, const json_t *document, const walked *w,
                 const sc_rdf_dataset *full, shape *s, sc_error *err) {
  memset(s, 0, sizeof *s);
  if (!(s->text = malloc(w->shape.len + 1)) || !(s->rules = calloc(w->count + 1, sizeof *s->rules)))
    return sc_oom(err);
  memcpy(s->text, w->shape.data, w->shape.len);
  s->len = w->shape.len;
  s->slot_count = w->count;
  bool stray = false;
  int rc = classify(shapes, document, w, s->rules, &stray, err);
  if (rc != SC_OK || stray)
    return rc; /* kept, not usable */
  if (!fill_rules(w, full, s->rules))
    return sc_oom(err);
  bool replace[MAX_SLOTS];
  for (size_t i = 0; i < w->count; i++)
    replace[i] = s->rules[i].kind != SLOT_FIXED;
  if ((rc = probe(shapes, document, replace, &s->quads, err)) != SC_OK)
    return rc;
  if (!find_holes(shapes, s))
    return sc_oom(err);
  sc_rdf_dataset check = {0};
  rc = fill(s, w, &check, err);
  s->usable = rc == SC_OK && same_quads(&check, full);
  sc_rdf_dataset_free(&check);
  return rc;
}

/* ---------------------------------------------------------------- using a shape */

static bool fits(const shape *s, const walked *w) {
  if (!s->usable || s->slot_count != w->count)
    return false;
  for (size_t i = 0; i < w->count; i++) {
    const slot_rule *r = &s->rules[i];
    slot_value v = w->slots[i];
    if (r->kind == SLOT_FIXED && !same_value(v, r->fixed, r->fixed_len))
      return false;
    if (r->kind == SLOT_IRI &&
        (plain_iri_scheme(v.text, v.len) != r->fixed_len ||
         memcmp(v.text, r->fixed, r->fixed_len) != 0 ||
         has_slashes(v.text, v.len, r->fixed_len) != r->slashes))
      return false;
    if (first_equal(w, i) != r->same_as)
      return false;
  }
  return true;
}

static shape *find_shape(sc_jsonld_shapes *shapes, const walked *w) {
  for (size_t i = 0; i < shapes->count; i++) {
    shape *s = &shapes->shapes[i];
    if (s->len == w->shape.len && memcmp(s->text, w->shape.data, s->len) == 0)
      return s;
  }
  return NULL;
}

/* ---------------------------------------------------------------- the table */

sc_jsonld_shapes *sc_jsonld_shapes_new(void) {
  sc_jsonld_shapes *shapes = calloc(1, sizeof *shapes);
  unsigned char word[8];
  if (!shapes || RAND_bytes(word, sizeof word) != 1) {
    free(shapes);
    return NULL;
  }
  int n = snprintf(shapes->sentinel, sizeof shapes->sentinel, "%s", SENTINEL_HEAD);
  for (size_t i = 0; i < sizeof word; i++)
    n += snprintf(shapes->sentinel + n, sizeof shapes->sentinel - (size_t)n, "%02x", word[i]);
  snprintf(shapes->sentinel + n, sizeof shapes->sentinel - (size_t)n, ":");
  shapes->sentinel_len = strlen(shapes->sentinel);
  pthread_mutex_init(&shapes->lock, NULL);
  return shapes;
}

void sc_jsonld_shapes_free(sc_jsonld_shapes *shapes) {
  if (!shapes)
    return;
  for (size_t i = 0; i < shapes->count; i++)
    shape_free(&shapes->shapes[i]);
  pthread_mutex_destroy(&shapes->lock);
  free(shapes);
}

void sc_jsonld_shapes_stats(sc_jsonld_shapes *shapes, sc_jsonld_shape_stats *stats) {
  pthread_mutex_lock(&shapes->lock);
  *stats = shapes->stats;
  pthread_mutex_unlock(&shapes->lock);
}

/* Under the lock: the document's shape, learnt now if it is new and there is room. The
 * document's canonical form is then made on the way (*done). */
static int shape_for(sc_jsonld_shapes *shapes, const json_t *document, const walked *w,
                     shape **found, bool *done, sc_buf *out, sc_error *err) {
  *found = find_shape(shapes, w);
  if (*found || shapes->count == MAX_SHAPES)
    return SC_OK;
  sc_rdf_dataset full = {0};
  int rc = jl_canonical_nquads_keeping(document, &full, out, err);
  *done = true;
  shape *s = &shapes->shapes[shapes->count];
  if (rc == SC_OK && (rc = learn(shapes, document, w, &full, s, err)) == SC_OK)
    shapes->count++;
  else
    shape_free(s);
  sc_rdf_dataset_free(&full);
  if (rc == SC_OK)
    shapes->stats.shapes += 1, shapes->stats.usable += s->usable;
  return rc;
}

int sc_jsonld_canonical_nquads_shaped(sc_jsonld_shapes *shapes, const json_t *document,
                                      sc_buf *out, sc_error *err) {
  if (!shapes)
    return sc_jsonld_canonical_nquads(document, out, err);
  walked *w = malloc(sizeof *w);
  if (!w)
    return sc_oom(err);
  walk_document(w, document);
  shape *s = NULL;
  bool done = false;
  int rc = SC_OK;
  pthread_mutex_lock(&shapes->lock);
  if (w->ok)
    rc = shape_for(shapes, document, w, &s, &done, out, err);
  bool use = rc == SC_OK && !done && s && fits(s, w);
  shapes->stats.filled += use;
  shapes->stats.full += rc == SC_OK && !use;
  pthread_mutex_unlock(&shapes->lock);
  sc_rdf_dataset quads = {0};
  if (rc == SC_OK && use && (rc = fill(s, w, &quads, err)) == SC_OK)
    rc = sc_rdfc_canonicalize(&quads, NULL, out, NULL, err);
  else if (rc == SC_OK && !done)
    rc = jl_canonical_nquads_keeping(document, &quads, out, err);
  sc_rdf_dataset_free(&quads);
  sc_buf_free(&w->shape);
  free(w);
  return rc;
}
