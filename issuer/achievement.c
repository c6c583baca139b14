/* Open Badges 3.0 Achievement objects: what a credential says the learner achieved. */
#include "issuer/issuer.h"

#include <string.h>

static int require_text(const json_t *object, const char *key, const char *source, sc_error *err) {
  const char *value = json_string_value(json_object_get(object, key));
  if (!value || !*value)
    return sc_fail(err, SC_EDATA, "%s: %s: expected a non-empty string", source, key);
  return SC_OK;
}

int sc_achievement_check(const json_t *achievement, const char *source, sc_error *err) {
  if (!json_is_object(achievement))
    return sc_fail(err, SC_EDATA, "%s: expected an Achievement object", source);
  if (!sc_url_valid(json_string_value(json_object_get(achievement, "id"))))
    return sc_fail(err, SC_EDATA, "%s: id: expected a URI (e.g. https://acme.example/a/ai-101)",
                   source);
  if (!sc_json_has_string(json_object_get(achievement, "type"), "Achievement"))
    return sc_fail(err, SC_EDATA, "%s: type: expected [\"Achievement\"]", source);
  int rc = require_text(achievement, "name", source, err);
  if (rc == SC_OK)
    rc = require_text(achievement, "description", source, err);
  if (rc != SC_OK)
    return rc;
  const json_t *criteria = json_object_get(achievement, "criteria");
  if (!json_is_object(criteria) || (!json_is_string(json_object_get(criteria, "narrative")) &&
                                    !json_is_string(json_object_get(criteria, "id"))))
    return sc_fail(err, SC_EDATA, "%s: criteria: expected an object with narrative or id", source);
  const json_t *kind = json_object_get(achievement, "achievementType");
  if (kind && !json_is_string(kind))
    return sc_fail(err, SC_EDATA, "%s: achievementType: expected a string", source);
  return SC_OK;
}

int sc_achievement_load(const char *path, json_t **out, sc_error *err) {
  json_t *achievement = NULL;
  int rc = sc_json_load_file(path, &achievement, err);
  if (rc == SC_OK)
    rc = sc_json_nfc(achievement, path, err);
  if (rc == SC_OK)
    rc = sc_achievement_check(achievement, path, err);
  if (rc != SC_OK) {
    json_decref(achievement);
    return rc;
  }
  *out = achievement;
  return SC_OK;
}
