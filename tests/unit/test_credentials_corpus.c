/* Real-world credentials (vectors credentials/, INDEX.md and PROVENANCE.md there): the proofs of
 * each one verify, or fail, as the INDEX's "signature (computed)" column says. Keys: did:key
 * from the DID itself, did:web from the DID documents in credentials/supporting/, and the
 * 1EdTech test issuer's unresolvable https key ids from the Multikey in their fragment, as the
 * INDEX's own check did. One cmocka test per credential. */
#include "test_support.h"

#define CORPUS "credentials/"

typedef struct corpus_entry {
  char file[512];
  char signature[160]; /* the INDEX column, cut at its first '[' */
  char name[600];
} corpus_entry;

/* did:web DIDs of the supporting documents. */
static const struct {
  const char *did, *file;
} did_web_documents[] = {
    {"did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf",
     "supporting/dcc-vc-test-fixtures/dids/oidf/did.json"},
    {"did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy",
     "supporting/dcc-vc-test-fixtures/dids/legacy/did.json"},
    {"did:web:digitalcredentials.github.io:dcc-did-web", "supporting/dcc-did-web/did.json"},
    {"did:web:digitalcredentials.github.io:dcc-did-web:multikey",
     "supporting/dcc-did-web/multikey/did.json"},
    {"did:web:digitalcredentials.github.io:dcc-did-web:issuer-registry-client-test",
     "supporting/dcc-did-web/issuer-registry-client-test/did.json"},
};

/* The publicKeyMultibase of verification method vm in a DID document. */
static int key_from_document(const json_t *doc, const char *vm, uint8_t pub[32], sc_error *err) {
  static const char *const relations[] = {"verificationMethod", "assertionMethod",
                                          "authentication"};
  const char *fragment = strchr(vm, '#');
  for (size_t r = 0; r < 3; r++) {
    json_t *methods = json_object_get(doc, relations[r]);
    size_t i;
    json_t *method;
    json_array_foreach(methods, i, method) {
      const char *id = json_string_value(json_object_get(method, "id"));
      if (!id || !(strcmp(id, vm) == 0 || (fragment && strcmp(id, fragment) == 0)))
        continue;
      const char *multikey = json_string_value(json_object_get(method, "publicKeyMultibase"));
      if (multikey)
        return sc_multikey_decode(multikey, pub, err);
    }
  }
  return sc_fail(err, SC_EDATA, "%s is not in its DID document", vm);
}

static int corpus_resolver(void *ctx, const char *vm, uint8_t pub[32], sc_error *err) {
  (void)ctx;
  if (strncmp(vm, "did:key:", 8) == 0)
    return sc_did_key_resolve_vm(vm, pub, NULL, 0, err);
  for (size_t i = 0; i < sizeof did_web_documents / sizeof *did_web_documents; i++) {
    size_t n = strlen(did_web_documents[i].did);
    if (strncmp(vm, did_web_documents[i].did, n) == 0 && vm[n] == '#') {
      char path[512];
      snprintf(path, sizeof path, CORPUS "%s", did_web_documents[i].file);
      json_t *doc = load_vector_json(path);
      int rc = key_from_document(doc, vm, pub, err);
      json_decref(doc);
      return rc;
    }
  }
  const char *fragment = strchr(vm, '#');
  if (strncmp(vm, "https://", 8) == 0 && fragment && strncmp(fragment + 1, "z6Mk", 4) == 0)
    return sc_multikey_decode(fragment + 1, pub, err);
  return sc_fail(err, SC_EDATA, "cannot resolve %s offline", vm);
}

static bool expects_valid(const char *signature) {
  return strcmp(signature, "valid") == 0 || strcmp(signature, "valid + valid") == 0;
}

static void proofs_get_the_index_verdict(void **state) {
  const corpus_entry *entry = *state;
  char path[700];
  snprintf(path, sizeof path, "%s/" CORPUS "%s", vectors_dir(), entry->file);
  json_t *credential = NULL;
  sc_error err = {0};
  int rc = sc_json_load_file(path, &credential, &err);
  if (!rc) {
    sc_di_verify_options opts = {.resolver = corpus_resolver};
    rc = sc_di_verify(credential, &opts, NULL, NULL, &err);
  }
  json_decref(credential);
  if (expects_valid(entry->signature) && rc != SC_OK)
    fail_msg("%s: expected its proofs to verify: %s", entry->file, err.message);
  if (!expects_valid(entry->signature) && rc == SC_OK)
    fail_msg("%s: expected '%s', but every proof verifies", entry->file, entry->signature);
}

static void trim(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
    s[--n] = '\0';
  size_t lead = strspn(s, " ");
  memmove(s, s + lead, strlen(s + lead) + 1);
}

/* The rows of INDEX.md's table: file is column 1, the computed signature column 6. */
static size_t read_index(corpus_entry **out) {
  sc_buf raw = {0};
  read_vector(CORPUS "INDEX.md", &raw);
  size_t count = 0, cap = 128;
  corpus_entry *entries = calloc(cap, sizeof *entries);
  char *save = NULL;
  for (char *line = strtok_r((char *)raw.data, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    if (strncmp(line, "| ", 2) != 0 || strncmp(line, "| file", 6) == 0)
      continue;
    char *cells[8] = {0};
    size_t n = 0;
    for (char *p = line + 1; n < 8 && p && *p; n++) {
      cells[n] = p;
      p = strchr(p, '|');
      if (p)
        *p++ = '\0';
    }
    if (n < 7 || !strstr(cells[0], "/"))
      continue;
    corpus_entry *e = &entries[count];
    snprintf(e->file, sizeof e->file, "%s", cells[0]);
    snprintf(e->signature, sizeof e->signature, "%s", cells[5]);
    char *bracket = strchr(e->signature, '[');
    if (bracket)
      *bracket = '\0';
    trim(e->file);
    trim(e->signature);
    const char *ext = strrchr(e->file, '.');
    if (ext && strcmp(ext, ".png") == 0)
      continue; /* baked badges: read by verify's input layer, not here */
    snprintf(e->name, sizeof e->name, "corpus_%s", e->file);
    if (++count == cap)
      entries = realloc(entries, (cap *= 2) * sizeof *entries);
  }
  sc_buf_free(&raw);
  *out = entries;
  return count;
}

int main(void) {
  corpus_entry *entries = NULL;
  size_t n = read_index(&entries);
  struct CMUnitTest *tests = calloc(n ? n : 1, sizeof *tests);
  for (size_t i = 0; i < n; i++)
    tests[i] =
        (struct CMUnitTest){entries[i].name, proofs_get_the_index_verdict, NULL, NULL, &entries[i]};
  int failed = _cmocka_run_group_tests("credentials_corpus", tests, n, NULL, NULL);
  free(tests);
  free(entries);
  return failed;
}
