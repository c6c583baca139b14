/*
 * RDF Dataset Canonicalization, W3C RDFC-1.0 (Recommendation, 21 May 2024), section 4.
 *
 * Blank nodes are numbered once (their index in state.nodes); identifier issuers are arrays
 * indexed by that number, so copying one (Hash N-Degree Quads copies them for each
 * permutation) is a memcpy. The work of Hash N-Degree Quads is counted (calls plus
 * permutations) and bounded by opts->max_work: a dataset built to make it exponential (a
 * "poison" graph, the suite's test074) is refused instead of hanging.
 */
#include "core/core.h"
#include "core/hash_words.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HASH_HEX_MAX (2 * 48 + 1) /* SHA-384 */

typedef struct rdfc_node {
  const char *label; /* borrowed from the dataset */
  size_t *quads;     /* indexes of the (distinct) quads it occurs in */
  size_t nquads, cap;
  char first_hash[HASH_HEX_MAX];
  char canonical[24]; /* "c14n<n>", once issued: written once, not per line */
} rdfc_node;

/* An identifier issuer (RDFC-1.0 4.5): ids[node] is the number issued (-1: none yet); order
 * lists the nodes in the order their identifiers were issued. */
typedef struct rdfc_issuer {
  long *ids;
  size_t *order;
  size_t count;
} rdfc_issuer;

typedef struct numbered_line {
  const char *text;
  size_t index;
} numbered_line;

/* Every quad as a line, all in one buffer (NUL-separated): offsets[i] is quad i's line;
 * sorted holds them in code point order. */
typedef struct line_set {
  sc_buf text;
  size_t *offsets;
  numbered_line *sorted;
} line_set;

typedef struct rdfc_state {
  const sc_rdf_dataset *dataset;
  bool *duplicate; /* quads equal to an earlier one, left out (a dataset is a set) */
  rdfc_node *nodes;
  size_t count;
  size_t *table; /* open addressing: label → node index + 1 */
  size_t table_size;
  rdfc_issuer canonical;
  const EVP_MD *md;
  size_t work, max_work;
  /* term_node[3 * q + c]: the node of quad q's subject (c = 0), object (1) or graph (2), so
   * that a label is found by the term's place rather than by hashing its label again. */
  long *term_node;
  const sc_rdf_quad *quad;    /* the quad sc_nquads_append_quad is writing */
  size_t reference;           /* Hash First Degree Quads: the node written as _:a */
  EVP_MD_CTX *md_ctx;         /* one hashing context for the many short hashes */
  sc_buf scratch;             /* lines of Hash First Degree Quads, reused for every node */
  const char **scratch_lines;
  size_t *scratch_offsets, *scratch_lens;
  size_t scratch_cap;
  sc_error *err;
} rdfc_state;

/* ---------------------------------------------------------------- blank node table */

static size_t label_hash(const char *label) {
  size_t h = 1469598103934665603u;
  for (; *label; label++)
    h = (h ^ (unsigned char)*label) * 1099511628211u;
  return h;
}

static long node_find(const rdfc_state *st, const char *label) {
  for (size_t i = label_hash(label) & (st->table_size - 1);; i = (i + 1) & (st->table_size - 1)) {
    if (!st->table[i])
      return -1;
    if (strcmp(st->nodes[st->table[i] - 1].label, label) == 0)
      return (long)st->table[i] - 1;
  }
}

static bool node_add_quad(rdfc_state *st, const char *label, size_t quad) {
  size_t i = label_hash(label) & (st->table_size - 1);
  while (st->table[i] && strcmp(st->nodes[st->table[i] - 1].label, label) != 0)
    i = (i + 1) & (st->table_size - 1);
  if (!st->table[i]) {
    st->nodes[st->count] = (rdfc_node){.label = label};
    st->table[i] = ++st->count;
  }
  rdfc_node *node = &st->nodes[st->table[i] - 1];
  if (node->nquads && node->quads[node->nquads - 1] == quad)
    return true; /* the same node twice in one quad: the quad is listed once */
  if (node->nquads == node->cap) {
    size_t cap = node->cap ? node->cap * 2 : 4;
    size_t *grown = realloc(node->quads, cap * sizeof *grown);
    if (!grown)
      return false;
    node->quads = grown;
    node->cap = cap;
  }
  node->quads[node->nquads++] = quad;
  return true;
}

/* ---------------------------------------------------------------- issuers */

static bool issuer_init(rdfc_issuer *issuer, size_t n) {
  issuer->ids = malloc((n ? n : 1) * sizeof *issuer->ids);
  issuer->order = malloc((n ? n : 1) * sizeof *issuer->order);
  issuer->count = 0;
  for (size_t i = 0; issuer->ids && i < n; i++)
    issuer->ids[i] = -1;
  return issuer->ids && issuer->order;
}

static void issuer_free(rdfc_issuer *issuer) {
  free(issuer->ids);
  free(issuer->order);
  *issuer = (rdfc_issuer){0};
}

static bool issuer_copy(rdfc_issuer *to, const rdfc_issuer *from, size_t n) {
  if (!issuer_init(to, n))
    return false;
  memcpy(to->ids, from->ids, (n ? n : 1) * sizeof *to->ids);
  memcpy(to->order, from->order, (n ? n : 1) * sizeof *to->order);
  to->count = from->count;
  return true;
}

static long issuer_issue(rdfc_issuer *issuer, size_t node) {
  if (issuer->ids[node] < 0) {
    issuer->ids[node] = (long)issuer->count;
    issuer->order[issuer->count++] = node;
  }
  return issuer->ids[node];
}

/* ---------------------------------------------------------------- hashing */

/* The hex digest of the concatenation of pieces[0..n) (lengths in lens): the pieces are fed
 * to one reused context, never joined into a copy first. */
static int hash_pieces(rdfc_state *st, const char *const *pieces, const size_t *lens, size_t count,
                       char out[HASH_HEX_MAX]) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  size_t failures = sc_alloc_failure_count();
  if (!st->md_ctx && !(st->md_ctx = EVP_MD_CTX_new()))
    return sc_oom(st->err);
  bool ok = EVP_DigestInit_ex2(st->md_ctx, st->md, NULL) == 1;
  for (size_t i = 0; ok && i < count; i++)
    ok = EVP_DigestUpdate(st->md_ctx, pieces[i], lens[i]) == 1;
  if (!ok || EVP_DigestFinal_ex(st->md_ctx, digest, &n) != 1)
    return sc_alloc_failure_count() != failures
               ? sc_oom(st->err)
               : sc_openssl_fail(st->err, SC_ESOFTWARE, "cannot hash with OpenSSL");
  static const char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < n; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  out[2 * n] = '\0';
  return SC_OK;
}

static int hash_hex(rdfc_state *st, const void *data, size_t len, char out[HASH_HEX_MAX]) {
  const char *piece = data;
  return hash_pieces(st, &piece, &len, 1, out);
}

/* "<prefix><n>" into out (at least 24 bytes): the labels and identifiers of RDFC-1.0, written
 * without a printf per line. */
static void format_id(char *out, const char *prefix, long n) {
  size_t len = strlen(prefix);
  memcpy(out, prefix, len);
  char digits[24];
  size_t d = 0;
  unsigned long v = (unsigned long)n;
  do
    digits[d++] = (char)('0' + v % 10);
  while ((v /= 10) && d < sizeof digits);
  while (d)
    out[len++] = digits[--d];
  out[len] = '\0';
}

/* The node of a blank term of the quad being written (st->quad). */
static long node_of_term(const rdfc_state *st, const sc_rdf_term *blank) {
  const sc_rdf_quad *q = st->quad;
  size_t base = 3 * (size_t)(q - st->dataset->quads);
  return st->term_node[base + (blank == &q->subject ? 0 : blank == &q->object ? 1 : 2)];
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *first_degree_label(void *ctx, const sc_rdf_term *blank) {
  const rdfc_state *st = ctx;
  return node_of_term(st, blank) == (long)st->reference ? "a" : "z";
}

/* Room for n lines in st->scratch_lines, _offsets and _lens. */
static bool reserve_scratch_lines(rdfc_state *st, size_t n) {
  if (n <= st->scratch_cap)
    return true;
  const char **lines = realloc(st->scratch_lines, n * sizeof *lines);
  if (lines)
    st->scratch_lines = lines;
  size_t *offsets = realloc(st->scratch_offsets, n * sizeof *offsets);
  if (offsets)
    st->scratch_offsets = offsets;
  size_t *lens = realloc(st->scratch_lens, n * sizeof *lens);
  if (lens)
    st->scratch_lens = lens;
  if (!lines || !offsets || !lens)
    return false;
  st->scratch_cap = n;
  return true;
}

/* 4.6 Hash First Degree Quads: each quad of the node with the node as _:a and every other
 * blank node as _:z, the lines sorted and hashed together. The lines are written into one
 * reused buffer (NUL-separated) and fed to the hash one by one, in sorted order. */
static int hash_first_degree(rdfc_state *st, size_t index) {
  rdfc_node *node = &st->nodes[index];
  size_t n = node->nquads;
  if (!reserve_scratch_lines(st, n))
    return sc_oom(st->err);
  size_t *offsets = st->scratch_offsets, *lens = st->scratch_lens;
  sc_buf_reset(&st->scratch);
  st->reference = index;
  bool ok = true;
  for (size_t i = 0; ok && i < n; i++) {
    offsets[i] = st->scratch.len;
    st->quad = &st->dataset->quads[node->quads[i]];
    ok = sc_nquads_append_quad(st->quad, first_degree_label, st, &st->scratch) &&
         sc_buf_append_byte(&st->scratch, '\0');
  }
  int rc = ok ? SC_OK : sc_oom(st->err);
  if (!rc) {
    for (size_t i = 0; i < n; i++)
      st->scratch_lines[i] = (const char *)st->scratch.data + offsets[i];
    qsort(st->scratch_lines, n, sizeof *st->scratch_lines, compare_strings);
    for (size_t i = 0; i < n; i++)
      lens[i] = strlen(st->scratch_lines[i]);
    rc = hash_pieces(st, st->scratch_lines, lens, n, node->first_hash);
  }
  return rc;
}

/* 4.7 Hash Related Blank Node. position is 's', 'o' or 'g'. */
static int hash_related(rdfc_state *st, size_t related, const sc_rdf_quad *quad,
                        const rdfc_issuer *issuer, char position, char out[HASH_HEX_MAX]) {
  char id[32];
  const char *identifier = id;
  if (st->canonical.ids[related] >= 0)
    format_id(id, "_:c14n", st->canonical.ids[related]);
  else if (issuer->ids[related] >= 0)
    format_id(id, "_:b", issuer->ids[related]);
  else
    identifier = st->nodes[related].first_hash;
  /* position, then "<predicate>" unless in the graph, then the identifier: fed in pieces */
  char where[1] = {position};
  const char *pieces[5] = {where, "<", quad->predicate.value, ">", identifier};
  size_t lens[5] = {1, 1, quad->predicate.len, 1, strlen(identifier)};
  if (position == 'g')
    lens[1] = lens[2] = lens[3] = 0;
  return hash_pieces(st, pieces, lens, 5, out);
}

/* ---------------------------------------------------------------- Hash N-Degree Quads */

/* Related blank nodes grouped by their related hash (the map H of 4.8.3 step 3). */
typedef struct related_entry {
  char hash[HASH_HEX_MAX];
  size_t node;
} related_entry;

static int compare_related(const void *a, const void *b) {
  const related_entry *x = a, *y = b;
  int c = strcmp(x->hash, y->hash);
  return c ? c : (x->node > y->node) - (x->node < y->node);
}

static bool spend_work(rdfc_state *st) {
  if (++st->work <= st->max_work)
    return true;
  sc_fail(st->err, SC_EDATA,
          "the dataset is too costly to canonicalize: its blank nodes need more than %zu steps "
          "of RDFC-1.0's Hash N-Degree Quads (a graph built to exhaust a verifier?)",
          st->max_work);
  return false;
}

static int collect_related(rdfc_state *st, size_t node, const rdfc_issuer *issuer,
                           related_entry **out, size_t *count) {
  rdfc_node *n = &st->nodes[node];
  size_t cap = n->nquads * 3 + 1;
  related_entry *entries = malloc(cap * sizeof *entries);
  if (!entries)
    return sc_oom(st->err);
  size_t used = 0;
  for (size_t q = 0; q < n->nquads; q++) {
    const sc_rdf_quad *quad = &st->dataset->quads[n->quads[q]];
    const sc_rdf_term *components[3] = {&quad->subject, &quad->object, &quad->graph};
    static const char positions[3] = {'s', 'o', 'g'};
    for (int c = 0; c < 3; c++) {
      if (components[c]->kind != SC_RDF_BLANK || strcmp(components[c]->value, n->label) == 0)
        continue;
      size_t related = (size_t)st->term_node[3 * n->quads[q] + (size_t)c];
      int rc = hash_related(st, related, quad, issuer, positions[c], entries[used].hash);
      if (rc) {
        free(entries);
        return rc;
      }
      entries[used++].node = related;
    }
  }
  qsort(entries, used, sizeof *entries, compare_related);
  *out = entries;
  *count = used;
  return SC_OK;
}

/* The next permutation of perm[0..n) in lexicographic order; false after the last. */
static bool next_permutation(size_t *perm, size_t n) {
  if (n < 2)
    return false;
  size_t i = n - 1;
  while (i > 0 && perm[i - 1] >= perm[i])
    i--;
  if (i == 0)
    return false;
  size_t j = n - 1;
  while (perm[j] <= perm[i - 1])
    j--;
  size_t t = perm[i - 1];
  perm[i - 1] = perm[j];
  perm[j] = t;
  for (size_t a = i, b = n - 1; a < b; a++, b--) {
    t = perm[a];
    perm[a] = perm[b];
    perm[b] = t;
  }
  return true;
}

/* Code point order of two paths (ASCII, so byte order is code point order). */
static int path_compare(const sc_buf *a, const sc_buf *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = n ? memcmp(a->data, b->data, n) : 0;
  return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* 4.8.3 steps 5.4.4.3 and 5.4.5.5: a path at least as long as the chosen one and greater
 * than it cannot win, so the permutation is abandoned. */
static bool path_loses(const sc_buf *path, const sc_buf *chosen) {
  return chosen->len && path->len >= chosen->len && path_compare(path, chosen) > 0;
}

static int hash_n_degree(rdfc_state *st, size_t node, rdfc_issuer *issuer,
                         char out[HASH_HEX_MAX]);

/* One permutation of a group of related nodes (4.8.3 step 5.4): the path it gives, and the
 * issuer it leaves, in path and *copy. Returns SC_OK with *lost set when it cannot beat chosen. */
static int try_permutation(rdfc_state *st, const size_t *nodes, size_t n, const rdfc_issuer *issuer,
                           const sc_buf *chosen, sc_buf *path, rdfc_issuer *copy, bool *lost) {
  size_t total = st->count;
  size_t *recursion = malloc((n ? n : 1) * sizeof *recursion);
  size_t recursions = 0;
  int rc = recursion && issuer_copy(copy, issuer, total) ? SC_OK : sc_oom(st->err);
  char id[32];
  *lost = false;
  for (size_t i = 0; !rc && i < n && !*lost; i++) {
    size_t related = nodes[i];
    if (st->canonical.ids[related] >= 0) {
      format_id(id, "_:c14n", st->canonical.ids[related]);
    } else {
      if (copy->ids[related] < 0)
        recursion[recursions++] = related;
      format_id(id, "_:b", issuer_issue(copy, related));
    }
    if (!sc_buf_append_str(path, id))
      rc = sc_oom(st->err);
    *lost = path_loses(path, chosen);
  }
  for (size_t i = 0; !rc && i < recursions && !*lost; i++) {
    char result[HASH_HEX_MAX];
    rc = hash_n_degree(st, recursion[i], copy, result);
    if (rc)
      break;
    format_id(id, "_:b", issuer_issue(copy, recursion[i]));
    if (!sc_buf_append_str(path, id) || !sc_buf_append_byte(path, '<') ||
        !sc_buf_append_str(path, result) || !sc_buf_append_byte(path, '>'))
      rc = sc_oom(st->err);
    *lost = path_loses(path, chosen);
  }
  free(recursion);
  return rc;
}

/* The shortest path over every permutation of one group (4.8.3 step 5): appended to data;
 * issuer becomes the chosen permutation's issuer. */
static int choose_path(rdfc_state *st, size_t *nodes, size_t n, rdfc_issuer *issuer, sc_buf *data) {
  sc_buf chosen = {0};
  rdfc_issuer chosen_issuer = {0};
  bool have = false;
  int rc = SC_OK;
  do {
    if (!spend_work(st)) {
      rc = SC_EDATA;
      break;
    }
    sc_buf path = {0};
    rdfc_issuer copy = {0};
    bool lost = false;
    rc = try_permutation(st, nodes, n, issuer, &chosen, &path, &copy, &lost);
    if (!rc && !lost && (!have || path_compare(&path, &chosen) < 0)) {
      sc_buf_free(&chosen);
      issuer_free(&chosen_issuer);
      chosen = path;
      chosen_issuer = copy;
      have = true;
    } else {
      sc_buf_free(&path);
      issuer_free(&copy);
    }
  } while (!rc && next_permutation(nodes, n));
  if (!rc && !sc_buf_append(data, chosen.data ? chosen.data : (const unsigned char *)"", chosen.len))
    rc = sc_oom(st->err);
  if (!rc) {
    issuer_free(issuer);
    *issuer = chosen_issuer;
  } else {
    issuer_free(&chosen_issuer);
  }
  sc_buf_free(&chosen);
  return rc;
}

static int compare_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* 4.8 Hash N-Degree Quads: the hash in out, and issuer updated in place. */
static int hash_n_degree(rdfc_state *st, size_t node, rdfc_issuer *issuer, char out[HASH_HEX_MAX]) {
  if (!spend_work(st))
    return SC_EDATA;
  related_entry *related = NULL;
  size_t count = 0;
  int rc = collect_related(st, node, issuer, &related, &count);
  sc_buf data = {0};
  size_t *group = malloc((count ? count : 1) * sizeof *group);
  if (!rc && !group)
    rc = sc_oom(st->err);
  for (size_t i = 0; !rc && i < count;) {
    size_t j = i, n = 0;
    /* A node related through two quads in the same way is listed twice, as in the reference
     * implementation; the permutations skip repeats. */
    for (; j < count && strcmp(related[j].hash, related[i].hash) == 0; j++)
      group[n++] = related[j].node;
    qsort(group, n, sizeof *group, compare_size); /* the first permutation */
    if (!sc_buf_append_str(&data, related[i].hash))
      rc = sc_oom(st->err);
    if (!rc)
      rc = choose_path(st, group, n, issuer, &data);
    i = j;
  }
  if (!rc)
    rc = hash_hex(st, data.data ? data.data : (const unsigned char *)"", data.len, out);
  free(group);
  free(related);
  sc_buf_free(&data);
  return rc;
}

/* ---------------------------------------------------------------- the algorithm (4.4) */

typedef struct hashed_node {
  const char *hash;
  size_t node;
} hashed_node;

static int compare_hashed(const void *a, const void *b) {
  const hashed_node *x = a, *y = b;
  int c = strcmp(x->hash, y->hash);
  return c ? c : (x->node > y->node) - (x->node < y->node);
}

typedef struct path_result {
  char hash[HASH_HEX_MAX];
  rdfc_issuer issuer;
} path_result;

static int compare_path_result(const void *a, const void *b) {
  return strcmp(((const path_result *)a)->hash, ((const path_result *)b)->hash);
}

/* Step 5: the nodes that share a first-degree hash, told apart by Hash N-Degree Quads. */
static int issue_shared_group(rdfc_state *st, const hashed_node *group, size_t n) {
  path_result *results = calloc(n, sizeof *results);
  size_t made = 0;
  int rc = results ? SC_OK : sc_oom(st->err);
  for (size_t i = 0; !rc && i < n; i++) {
    if (st->canonical.ids[group[i].node] >= 0)
      continue;
    path_result *r = &results[made];
    if (!issuer_init(&r->issuer, st->count)) {
      rc = sc_oom(st->err);
      break;
    }
    made++;
    issuer_issue(&r->issuer, group[i].node);
    rc = hash_n_degree(st, group[i].node, &r->issuer, r->hash);
  }
  if (!rc) {
    qsort(results, made, sizeof *results, compare_path_result);
    for (size_t i = 0; i < made; i++)
      for (size_t k = 0; k < results[i].issuer.count; k++)
        issuer_issue(&st->canonical, results[i].issuer.order[k]);
  }
  for (size_t i = 0; i < made; i++)
    issuer_free(&results[i].issuer);
  free(results);
  return rc;
}

static int issue_canonical_ids(rdfc_state *st) {
  hashed_node *sorted = malloc((st->count ? st->count : 1) * sizeof *sorted);
  if (!sorted)
    return sc_oom(st->err);
  int rc = SC_OK;
  for (size_t i = 0; !rc && i < st->count; i++) {
    rc = hash_first_degree(st, i);
    sorted[i] = (hashed_node){st->nodes[i].first_hash, i};
  }
  if (!rc)
    qsort(sorted, st->count, sizeof *sorted, compare_hashed);
  /* Step 4: a unique first-degree hash names its node at once, in hash order. */
  for (size_t i = 0; !rc && i < st->count; i++) {
    bool unique = (i == 0 || strcmp(sorted[i - 1].hash, sorted[i].hash) != 0) &&
                  (i + 1 == st->count || strcmp(sorted[i + 1].hash, sorted[i].hash) != 0);
    if (unique)
      issuer_issue(&st->canonical, sorted[i].node);
  }
  for (size_t i = 0; !rc && i < st->count;) {
    size_t j = i + 1;
    while (j < st->count && strcmp(sorted[j].hash, sorted[i].hash) == 0)
      j++;
    if (j - i > 1)
      rc = issue_shared_group(st, &sorted[i], j - i);
    i = j;
  }
  free(sorted);
  return rc;
}

/* ---------------------------------------------------------------- set-up and output */

static const char *canonical_label(void *ctx, const sc_rdf_term *blank) {
  const rdfc_state *st = ctx;
  return st->nodes[node_of_term(st, blank)].canonical;
}

static void line_set_free(line_set *set) {
  sc_buf_free(&set->text);
  free(set->offsets);
  free(set->sorted);
  *set = (line_set){0};
}

static int compare_lines(const void *a, const void *b) {
  const numbered_line *x = a, *y = b;
  int c = strcmp(x->text, y->text);
  return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The datatype a literal's line shows: none for a language-tagged string or xsd:string. */
static const char *shown_datatype(const sc_rdf_term *t) {
  if (t->language || !t->datatype || strcmp(t->datatype, SC_RDF_XSD_STRING) == 0)
    return NULL;
  return t->datatype;
}

static bool same_text(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* Do two terms give the same N-Quads text? (The canonical form is one text per term.) */
static bool same_term(const sc_rdf_term *a, const sc_rdf_term *b) {
  if (a->kind != b->kind)
    return false;
  if (a->kind == SC_RDF_DEFAULT_GRAPH)
    return true;
  if (a->len != b->len || (a->len && memcmp(a->value, b->value, a->len) != 0))
    return false;
  return a->kind != SC_RDF_LITERAL ||
         (same_text(a->language, b->language) && same_text(shown_datatype(a), shown_datatype(b)));
}

static bool same_quad(const sc_rdf_quad *a, const sc_rdf_quad *b) {
  return same_term(&a->subject, &b->subject) && same_term(&a->predicate, &b->predicate) &&
         same_term(&a->object, &b->object) && same_term(&a->graph, &b->graph);
}

/* A hash of a quad from each term's kind, length and first and last 8 bytes: a byte-by-byte
 * hash of every IRI cost more than the sort it replaced. Equal quads hash equal; the rare
 * collision only costs a comparison. */
static size_t quad_hash(const sc_rdf_quad *q) {
  const sc_rdf_term *terms[4] = {&q->subject, &q->predicate, &q->object, &q->graph};
  size_t h = 0;
  for (int t = 0; t < 4; t++) {
    size_t len = terms[t]->len;
    h = sc_hash_mix(h, (uint64_t)terms[t]->kind | (uint64_t)len << 8);
    if (len) {
      h = sc_hash_mix(h, sc_hash_word_at(terms[t]->value, len));
      h = sc_hash_mix(h, sc_hash_word_at(terms[t]->value + (len > 8 ? len - 8 : 0), len));
    }
  }
  return h;
}

/* Marks the quads equal to an earlier one (a dataset is a set) by a hash table of the quads
 * themselves: no line is written for it. */
static bool mark_duplicates(rdfc_state *st) {
  size_t n = st->dataset->count, size = 16;
  while (size < 2 * n)
    size *= 2;
  size_t *slots = calloc(size, sizeof *slots); /* quad index + 1; 0: free */
  if (!slots)
    return false;
  for (size_t q = 0; q < n; q++) {
    const sc_rdf_quad *quad = &st->dataset->quads[q];
    size_t i = quad_hash(quad) & (size - 1);
    while (slots[i] && !same_quad(&st->dataset->quads[slots[i] - 1], quad))
      i = (i + 1) & (size - 1);
    if (slots[i])
      st->duplicate[q] = true;
    else
      slots[i] = q + 1;
  }
  free(slots);
  return true;
}

/* About the size of the dataset's N-Quads (escapes aside): one allocation for the lines
 * rather than a dozen doublings. */
static size_t estimated_size(const sc_rdf_dataset *dataset) {
  size_t size = 0;
  for (size_t i = 0; i < dataset->count; i++) {
    const sc_rdf_term *terms[4] = {&dataset->quads[i].subject, &dataset->quads[i].predicate,
                                   &dataset->quads[i].object, &dataset->quads[i].graph};
    for (int t = 0; t < 4; t++)
      size += terms[t]->len + 8 + (terms[t]->datatype ? strlen(terms[t]->datatype) + 4 : 0) +
              (terms[t]->language ? strlen(terms[t]->language) + 1 : 0);
  }
  return size;
}

/* The lines of the quads, duplicates left out, blank nodes labelled by label_fn; sorted. */
static bool build_lines(rdfc_state *st, sc_rdf_label_fn label_fn, line_set *set, size_t *count) {
  size_t n = st->dataset->count;
  set->offsets = malloc((n ? n : 1) * sizeof *set->offsets);
  set->sorted = malloc((n ? n : 1) * sizeof *set->sorted);
  if (!set->offsets || !set->sorted)
    return false;
  if (!sc_buf_reserve(&set->text, estimated_size(st->dataset)))
    return false;
  size_t made = 0;
  for (size_t i = 0; i < n; i++) {
    if (st->duplicate[i])
      continue;
    st->quad = &st->dataset->quads[i];
    set->offsets[made++] = set->text.len;
    if (!sc_nquads_append_quad(st->quad, label_fn, st, &set->text) ||
        !sc_buf_append_byte(&set->text, '\0'))
      return false;
  }
  for (size_t i = 0; i < made; i++)
    set->sorted[i] = (numbered_line){(const char *)set->text.data + set->offsets[i], i};
  qsort(set->sorted, made, sizeof *set->sorted, compare_lines);
  *count = made;
  return true;
}

/* Marks the quads equal to an earlier one and builds the blank node to quads map (4.4.2). */
static int map_blank_nodes(rdfc_state *st) {
  size_t n = st->dataset->count;
  st->duplicate = calloc(n ? n : 1, sizeof *st->duplicate);
  size_t slots = 1; /* at most one node per blank term: sized by them, not by 3 per quad */
  for (size_t q = 0; q < n; q++) {
    const sc_rdf_quad *quad = &st->dataset->quads[q];
    slots += (quad->subject.kind == SC_RDF_BLANK) + (quad->object.kind == SC_RDF_BLANK) +
             (quad->graph.kind == SC_RDF_BLANK);
  }
  st->table_size = 16;
  while (st->table_size < 2 * slots)
    st->table_size *= 2;
  st->table = calloc(st->table_size, sizeof *st->table);
  st->nodes = calloc(slots, sizeof *st->nodes);
  if (!st->duplicate || !st->table || !st->nodes || !mark_duplicates(st))
    return sc_oom(st->err);
  for (size_t q = 0; q < n; q++) {
    if (st->duplicate[q])
      continue;
    const sc_rdf_quad *quad = &st->dataset->quads[q];
    const sc_rdf_term *components[3] = {&quad->subject, &quad->object, &quad->graph};
    for (int c = 0; c < 3; c++)
      if (components[c]->kind == SC_RDF_BLANK && !node_add_quad(st, components[c]->value, q))
        return sc_oom(st->err);
  }
  /* Every blank term's node (a duplicate's are those of its first). */
  st->term_node = malloc((n ? 3 * n : 1) * sizeof *st->term_node);
  if (!st->term_node)
    return sc_oom(st->err);
  for (size_t q = 0; q < n; q++) {
    const sc_rdf_quad *quad = &st->dataset->quads[q];
    const sc_rdf_term *components[3] = {&quad->subject, &quad->object, &quad->graph};
    for (int c = 0; c < 3; c++)
      st->term_node[3 * q + (size_t)c] =
          components[c]->kind == SC_RDF_BLANK ? node_find(st, components[c]->value) : -1;
  }
  return SC_OK;
}

/* The canonical lines, sorted, duplicates written once. */
static int write_output(rdfc_state *st, sc_buf *out) {
  for (size_t i = 0; i < st->count; i++)
    format_id(st->nodes[i].canonical, "c14n", st->canonical.ids[i]);
  line_set canonical = {0};
  size_t n = 0;
  /* reserved only when something follows: an empty dataset leaves out as it was */
  int rc = build_lines(st, canonical_label, &canonical, &n) &&
                   (n == 0 || sc_buf_reserve(out, canonical.text.len))
               ? SC_OK
               : sc_oom(st->err);
  const numbered_line *lines = canonical.sorted;
  for (size_t i = 0; !rc && i < n; i++)
    if (!sc_buf_append_str(out, lines[i].text))
      rc = sc_oom(st->err);
  line_set_free(&canonical);
  return rc;
}

static int issued_map(rdfc_state *st, json_t **issued) {
  json_t *map = json_object();
  for (size_t i = 0; map && i < st->count; i++) {
    if (json_object_set_new(map, st->nodes[i].label, json_string(st->nodes[i].canonical)) != 0) {
      json_decref(map);
      map = NULL;
    }
  }
  *issued = map;
  return map ? SC_OK : sc_oom(st->err);
}

static void line_set_free(line_set *set);

static void state_free(rdfc_state *st) {
  EVP_MD_CTX_free(st->md_ctx);
  sc_buf_free(&st->scratch);
  free(st->scratch_lines);
  free(st->scratch_offsets);
  free(st->scratch_lens);
  free(st->term_node);
  for (size_t i = 0; st->nodes && i < st->count; i++)
    free(st->nodes[i].quads);
  free(st->nodes);
  free(st->table);
  free(st->duplicate);
  issuer_free(&st->canonical);
}

int sc_rdfc_canonicalize(const sc_rdf_dataset *dataset, const sc_rdfc_options *opts, sc_buf *out,
                         json_t **issued, sc_error *err) {
  rdfc_state st = {
      .dataset = dataset,
      .md = opts && opts->hash == SC_RDFC_SHA384 ? sc_md_sha384() : sc_md_sha256(),
      .max_work = opts && opts->max_work ? opts->max_work : SC_RDFC_DEFAULT_WORK,
      .err = err,
  };
  if (issued)
    *issued = NULL;
  int rc = map_blank_nodes(&st);
  if (!rc && !issuer_init(&st.canonical, st.count))
    rc = sc_oom(err);
  if (!rc)
    rc = issue_canonical_ids(&st);
  if (!rc)
    rc = write_output(&st, out);
  if (!rc && issued)
    rc = issued_map(&st, issued);
  state_free(&st);
  return rc;
}
