/* The JSON-LD contexts bundled with skillcert: contexts/ is compiled into the binary
 * (scripts/embed-contexts.sh), byte for byte, with contexts/contexts.json mapping each URL to
 * its file. They are parsed once, on first use, and kept for the life of the process; a URL
 * that is not bundled is never fetched. */
#include "core/core.h"

#include <pthread.h>
#include <string.h>

struct sc_embedded_file {
  const char *name;
  const unsigned char *data;
  size_t len;
};
extern const struct sc_embedded_file sc_embedded_contexts[];

static json_t *bundled; /* URL → document */
static pthread_once_t bundled_once = PTHREAD_ONCE_INIT;

static const struct sc_embedded_file *embedded(const char *name) {
  for (const struct sc_embedded_file *f = sc_embedded_contexts; f->name; f++)
    if (strcmp(f->name, name) == 0)
      return f;
  return NULL;
}

static json_t *parse_embedded(const struct sc_embedded_file *file) {
  json_t *doc = NULL;
  sc_error err = {0};
  if (!file || sc_json_parse((const char *)file->data, file->len, file->name, &doc, &err) != SC_OK)
    return NULL;
  return doc;
}

static void load_bundled(void) {
  json_t *map = parse_embedded(embedded("contexts.json"));
  bundled = json_object();
  const char *url;
  json_t *file;
  json_object_foreach(map, url, file) {
    json_t *doc = json_is_string(file) ? parse_embedded(embedded(json_string_value(file))) : NULL;
    if (doc)
      json_object_set_new(bundled, url, doc);
  }
  json_decref(map);
}

const json_t *sc_jsonld_bundled_context(void *ctx, const char *url) {
  (void)ctx;
  pthread_once(&bundled_once, load_bundled);
  return url ? json_object_get(bundled, url) : NULL;
}
