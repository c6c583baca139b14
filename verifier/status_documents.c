/* A folder of documents by URL (verify --documents DIR): DIR/documents.json maps each URL a
 * credential names — status lists, did:web DID documents, controller documents, linked
 * credentials — to a file in DIR, so that credentials from anywhere can be verified offline
 * with what was saved beside them. */
#include "verifier/status_internal.h"
#include "verifier/verifier.h"

#include <stdio.h>
#include <string.h>

/* A file name inside the folder: relative, no "..", no back-slash. */
static bool inside(const char *file) {
  if (!*file || file[0] == '/' || strchr(file, '\\'))
    return false;
  for (const char *seg = file; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL)
    if (strncmp(seg, "..", 2) == 0 && (seg[2] == '/' || seg[2] == '\0'))
      return false;
  return true;
}

int sc_source_documents_open(sc_status_source *src, const char *dir, sc_error *err) {
  char path[SC_STATUS_PATH_MAX];
  if (snprintf(path, sizeof path, "%s/documents.json", dir) >= (int)sizeof path)
    return sc_fail(err, SC_EUSAGE, "--documents %s: the path is too long", dir);
  json_t *map = NULL;
  int rc = sc_json_load_file(path, &map, err);
  if (rc)
    return rc;
  if (!json_is_object(map)) {
    json_decref(map);
    return sc_fail(err, SC_EDATA, "%s: expected an object mapping URLs to files", path);
  }
  const char *url;
  json_t *file;
  json_object_foreach(map, url, file) {
    if (!json_is_string(file) || !inside(json_string_value(file))) {
      json_decref(map);
      return sc_fail(err, SC_EDATA, "%s: \"%.200s\": expected a file name inside %s", path, url,
                     dir);
    }
  }
  src->documents_dir = dir;
  src->documents = map;
  return SC_OK;
}
