/*
 * The trust list: the issuers a verifier trusts, each a display name and the DIDs it signs
 * under. A JSON file (docs/trust-list.md) validated strictly on load, because a typo in a trust
 * list silently trusts nobody or the wrong party; errors name the field that is wrong.
 */
#include "keys/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRUST_VERSION 1

/* issuers: a JSON array of {"name": string, "ids": [id, …]}, always in that shape (loading
 * rebuilds each entry), so saving writes the members in a stable order. An id is a DID string,
 * or {"id": DID, "retiredAfter": date-time} for a key that must not sign after that time. */
struct sc_trust_list {
  json_t *issuers;
};

sc_trust_list *sc_trust_new(void) {
  sc_trust_list *list = calloc(1, sizeof *list);
  if (list && !(list->issuers = json_array())) {
    free(list);
    return NULL;
  }
  return list;
}

void sc_trust_free(sc_trust_list *list) {
  if (list) {
    json_decref(list->issuers);
    free(list);
  }
}

size_t sc_trust_count(const sc_trust_list *list) {
  return json_array_size(list->issuers);
}

static const char *entry_name(const json_t *entry) {
  return json_string_value(json_object_get(entry, "name"));
}

static json_t *entry_ids(const json_t *entry) {
  return json_object_get(entry, "ids");
}

const char *sc_trust_entry(const sc_trust_list *list, size_t i, const json_t **ids) {
  const json_t *entry = json_array_get(list->issuers, i);
  if (ids)
    *ids = entry ? entry_ids(entry) : NULL;
  return entry ? entry_name(entry) : NULL;
}

/* ---------------------------------------------------------------- lookups */

const char *sc_trust_id(const json_t *item) {
  return json_is_object(item) ? json_string_value(json_object_get(item, "id"))
                              : json_string_value(item);
}

/* Index of the entry holding id (and of id within it), or -1. */
static long find_id(const sc_trust_list *list, const char *id, size_t *position) {
  for (size_t i = 0; i < json_array_size(list->issuers); i++) {
    const json_t *ids = entry_ids(json_array_get(list->issuers, i));
    for (size_t j = 0; j < json_array_size(ids); j++) {
      if (strcmp(sc_trust_id(json_array_get(ids, j)), id) == 0) {
        if (position)
          *position = j;
        return (long)i;
      }
    }
  }
  return -1;
}

static long find_name(const sc_trust_list *list, const char *name) {
  for (size_t i = 0; i < json_array_size(list->issuers); i++)
    if (strcmp(entry_name(json_array_get(list->issuers, i)), name) == 0)
      return (long)i;
  return -1;
}

const char *sc_trust_lookup(const sc_trust_list *list, const char *id) {
  if (!list || !id)
    return NULL;
  long i = find_id(list, id, NULL);
  return i < 0 ? NULL : entry_name(json_array_get(list->issuers, (size_t)i));
}

const char *sc_trust_retired_after(const sc_trust_list *list, const char *id) {
  size_t position = 0;
  long i = list && id ? find_id(list, id, &position) : -1;
  if (i < 0)
    return NULL;
  const json_t *item =
      json_array_get(entry_ids(json_array_get(list->issuers, (size_t)i)), position);
  return json_string_value(json_object_get(item, "retiredAfter"));
}

/* ---------------------------------------------------------------- DID syntax */

static bool is_method_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_idchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '%' || c == ':';
}

/* W3C DID syntax: "did:" method-name ":" method-specific-id, where the id is idchars and
 * colons and does not end with a colon. A DID URL (path, query, #fragment) is not a DID. */
static bool is_did(const char *text) {
  if (strncmp(text, "did:", 4) != 0)
    return false;
  const char *p = text + 4;
  const char *method = p;
  while (is_method_char(*p))
    p++;
  if (p == method || *p != ':')
    return false;
  const char *id = ++p;
  while (is_idchar(*p))
    p++;
  return *p == '\0' && p > id && p[-1] != ':';
}

/* An https URL issuer id (Open Badges issuers are often profiles at https URLs, their keys
 * https key ids in a controller document): scheme, a host, no fragment, no white space. */
static bool is_https_id(const char *text) {
  if (strncmp(text, "https://", 8) != 0 || !text[8] || text[8] == '/')
    return false;
  for (const char *p = text; *p; p++)
    if ((unsigned char)*p <= 0x20 || *p == '#' || *p == '"' || *p == '<' || *p == '>')
      return false;
  return true;
}

/* What the trust list can name: a DID, or an https issuer id. */
static bool is_issuer_id(const char *text) {
  return is_did(text) || is_https_id(text);
}

/* ---------------------------------------------------------------- building entries */

static json_t *new_entry(const char *name) {
  json_t *entry = json_object();
  if (entry && (json_object_set_new(entry, "name", json_string(name)) != 0 ||
                json_object_set_new(entry, "ids", json_array()) != 0)) {
    json_decref(entry);
    return NULL;
  }
  return entry;
}

/* A DID with its retirement, or the plain DID string when it has none. */
static json_t *new_id(const char *id, const char *retired_after) {
  if (!retired_after)
    return json_string(id);
  return json_pack("{s:s, s:s}", "id", id, "retiredAfter", retired_after);
}

/* Adds id to entry i; the caller checked id is a DID and listed nowhere. */
static int append_id(sc_trust_list *list, size_t i, const char *id, const char *retired_after,
                     sc_error *err) {
  json_t *ids = entry_ids(json_array_get(list->issuers, i));
  return json_array_append_new(ids, new_id(id, retired_after)) == 0 ? SC_OK : sc_oom(err);
}

static int add_entry(sc_trust_list *list, const char *name, size_t *index, sc_error *err) {
  json_t *entry = new_entry(name);
  if (!entry || json_array_append_new(list->issuers, entry) != 0)
    return sc_oom(err);
  *index = json_array_size(list->issuers) - 1;
  return SC_OK;
}

int sc_trust_add(sc_trust_list *list, const char *id, const char *name, sc_error *err) {
  if (!id || !is_issuer_id(id))
    return sc_fail(err, SC_EUSAGE,
                   "\"%s\" is not a DID or an https issuer id (expected did:<method>:<id> or "
                   "https://host/…)",
                   id ? id : "");
  if (!name || !*name)
    return sc_fail(err, SC_EUSAGE, "an issuer name is needed to trust %s", id);
  long owner = find_id(list, id, NULL);
  if (owner >= 0) {
    const char *current = entry_name(json_array_get(list->issuers, (size_t)owner));
    if (strcmp(current, name) == 0)
      return SC_OK; /* already there: adding again changes nothing */
    return sc_fail(err, SC_EUSAGE, "%s is already trusted as \"%s\"; remove it first", id, current);
  }
  long found = find_name(list, name);
  size_t index = (size_t)found;
  if (found < 0) {
    int rc = add_entry(list, name, &index, err);
    if (rc != SC_OK)
      return rc;
  }
  return append_id(list, index, id, NULL, err);
}

int sc_trust_retire(sc_trust_list *list, const char *id, const char *retired_after, sc_error *err) {
  int64_t epoch = 0;
  if (!retired_after || sc_time_parse(retired_after, true, &epoch, NULL) != SC_OK)
    return sc_fail(err, SC_EUSAGE, "retiredAfter: expected a date-time with zone, got '%s'",
                   retired_after ? retired_after : "");
  size_t position = 0;
  long i = id ? find_id(list, id, &position) : -1;
  if (i < 0)
    return sc_fail(err, SC_EUSAGE, "%s is not in the trust list: add it first",
                   id ? id : "(no DID)");
  json_t *item = new_id(id, retired_after);
  json_t *ids = entry_ids(json_array_get(list->issuers, (size_t)i));
  return item && json_array_set_new(ids, position, item) == 0 ? SC_OK : sc_oom(err);
}

int sc_trust_remove(sc_trust_list *list, const char *id_or_name, sc_error *err) {
  if (!id_or_name || !*id_or_name)
    return sc_fail(err, SC_EUSAGE, "name a DID or an issuer to remove from the trust list");
  size_t position = 0;
  long i = find_id(list, id_or_name, &position);
  if (i >= 0) {
    json_t *ids = entry_ids(json_array_get(list->issuers, (size_t)i));
    json_array_remove(ids, position);
    if (json_array_size(ids) == 0) /* an issuer with no DID left trusts nothing */
      json_array_remove(list->issuers, (size_t)i);
    return SC_OK;
  }
  i = find_name(list, id_or_name);
  if (i < 0)
    return sc_fail(err, SC_EUSAGE, "\"%s\" is neither a trusted DID nor an issuer name",
                   id_or_name);
  json_array_remove(list->issuers, (size_t)i);
  return SC_OK;
}

/* ---------------------------------------------------------------- loading */

/* Fails on any member of object not in allowed (NULL-terminated); where names the object. */
static int only_known_members(const char *path, const char *where, const json_t *object,
                              const char *const *allowed, sc_error *err) {
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)object, key, value) {
    bool known = false;
    for (const char *const *a = allowed; *a && !known; a++)
      known = strcmp(*a, key) == 0;
    if (!known)
      return sc_fail(err, SC_EDATA, "%s: %s%sunexpected member \"%s\"", path, where,
                     *where ? ": " : "", key);
  }
  return SC_OK;
}

/* ids[j] as an object: exactly "id" and "retiredAfter" (a date-time with zone). */
static int load_retired_id(const char *path, size_t i, size_t j, const json_t *item,
                           const char **retired_after, sc_error *err) {
  static const char *const members[] = {"id", "retiredAfter", NULL};
  char where[64];
  snprintf(where, sizeof where, "issuers[%zu].ids[%zu]", i, j);
  int rc = only_known_members(path, where, item, members, err);
  int64_t epoch = 0;
  *retired_after = json_string_value(json_object_get(item, "retiredAfter"));
  if (rc == SC_OK &&
      (!*retired_after || sc_time_parse(*retired_after, true, &epoch, NULL) != SC_OK))
    return sc_fail(err, SC_EDATA, "%s: %s.retiredAfter: expected a date-time with zone", path,
                   where);
  return rc;
}

static int load_ids(const char *path, size_t i, const json_t *ids, sc_trust_list *list,
                    size_t index, sc_error *err) {
  if (!json_is_array(ids) || json_array_size(ids) == 0)
    return sc_fail(err, SC_EDATA, "%s: issuers[%zu].ids: expected a non-empty array of DIDs", path,
                   i);
  for (size_t j = 0; j < json_array_size(ids); j++) {
    const json_t *item = json_array_get(ids, j);
    const char *id = sc_trust_id(item);
    const char *retired_after = NULL;
    if (!id || !is_issuer_id(id))
      return sc_fail(err, SC_EDATA,
                     "%s: issuers[%zu].ids[%zu]: expected a DID or https issuer id string or "
                     "{\"id\": …, \"retiredAfter\": date-time}",
                     path, i, j);
    if (json_is_object(item) && load_retired_id(path, i, j, item, &retired_after, err) != SC_OK)
      return err ? err->code : SC_EDATA;
    long owner = find_id(list, id, NULL);
    if (owner >= 0)
      return sc_fail(err, SC_EDATA, "%s: issuers[%zu].ids[%zu]: %s is already listed under %s",
                     path, i, j, id, entry_name(json_array_get(list->issuers, (size_t)owner)));
    int rc = append_id(list, index, id, retired_after, err);
    if (rc != SC_OK)
      return rc;
  }
  return SC_OK;
}

static int load_entry(const char *path, size_t i, const json_t *entry, sc_trust_list *list,
                      sc_error *err) {
  static const char *const members[] = {"name", "ids", NULL};
  char where[64];
  snprintf(where, sizeof where, "issuers[%zu]", i);
  if (!json_is_object(entry))
    return sc_fail(err, SC_EDATA, "%s: %s: expected an object with \"name\" and \"ids\"", path,
                   where);
  int rc = only_known_members(path, where, entry, members, err);
  if (rc != SC_OK)
    return rc;
  const char *name = json_string_value(json_object_get(entry, "name"));
  if (!name || !*name)
    return sc_fail(err, SC_EDATA, "%s: %s.name: expected a non-empty string", path, where);
  if (find_name(list, name) >= 0)
    return sc_fail(err, SC_EDATA, "%s: %s.name: \"%s\" is listed twice", path, where, name);
  size_t index = 0;
  rc = add_entry(list, name, &index, err);
  return rc == SC_OK ? load_ids(path, i, json_object_get(entry, "ids"), list, index, err) : rc;
}

static int load_document(const char *path, const json_t *root, sc_trust_list *list, sc_error *err) {
  static const char *const members[] = {"version", "issuers", NULL};
  if (!json_is_object(root))
    return sc_fail(err, SC_EDATA, "%s: expected an object with \"version\" and \"issuers\"", path);
  int rc = only_known_members(path, "", root, members, err);
  if (rc != SC_OK)
    return rc;
  const json_t *version = json_object_get(root, "version");
  if (!json_is_number(version) || json_number_value(version) != TRUST_VERSION)
    return sc_fail(err, SC_EDATA, "%s: version: expected %d", path, TRUST_VERSION);
  const json_t *issuers = json_object_get(root, "issuers");
  if (!json_is_array(issuers))
    return sc_fail(err, SC_EDATA, "%s: issuers: expected an array", path);
  for (size_t i = 0; i < json_array_size(issuers) && rc == SC_OK; i++)
    rc = load_entry(path, i, json_array_get(issuers, i), list, err);
  return rc;
}

int sc_trust_load(const char *path, sc_trust_list **out, sc_error *err) {
  *out = NULL;
  json_t *root = NULL;
  int rc = sc_json_load_file(path, &root, err);
  if (rc != SC_OK)
    return rc;
  sc_trust_list *list = sc_trust_new();
  rc = list ? load_document(path, root, list, err) : sc_oom(err);
  json_decref(root);
  if (rc != SC_OK) {
    sc_trust_free(list);
    return rc;
  }
  *out = list;
  return SC_OK;
}

/* ---------------------------------------------------------------- saving */

int sc_trust_save(const sc_trust_list *list, const char *path, sc_error *err) {
  json_t *root = json_object();
  if (!root || json_object_set_new(root, "version", json_integer(TRUST_VERSION)) != 0 ||
      json_object_set(root, "issuers", list->issuers) != 0) {
    json_decref(root);
    return sc_oom(err);
  }
  /* Members keep the order they were added in (version, issuers; name, ids); entries keep the
   * order of the file and of later additions, so saving twice gives the same bytes. */
  char *text = json_dumps(root, JSON_INDENT(2));
  json_decref(root);
  if (!text)
    return sc_oom(err);
  sc_buf out = {0};
  int rc = sc_buf_append_str(&out, text) && sc_buf_append_byte(&out, '\n')
               ? sc_write_file_atomic(path, out.data, out.len, 0644, err)
               : sc_oom(err);
  free(text);
  sc_buf_free(&out);
  return rc;
}
