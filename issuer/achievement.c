/* Open Badges 3.0 Achievement objects: what a credential says the learner achieved. */
#include "issuer/issuer.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {"@value": "…", "@language": "id"}: a non-empty text and a BCP 47-shaped tag. */
static bool language_value(const json_t *item) {
  const char *text = json_string_value(json_object_get(item, "@value"));
  const char *tag = json_string_value(json_object_get(item, "@language"));
  if (!json_is_object(item) || json_object_size(item) != 2 || !text || !*text || !tag || !*tag)
    return false;
  for (const char *c = tag; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          (*c == '-' && c != tag && c[1])))
      return false;
  return true;
}

/* A non-empty string, or the same text in several languages (VC 2.0 §11.1): a language value
 * object or an array of them. */
static int require_text(const json_t *object, const char *key, const char *source, sc_error *err) {
  const json_t *value = json_object_get(object, key);
  bool ok = json_is_string(value) ? *json_string_value(value) != '\0' : language_value(value);
  if (json_is_array(value)) {
    size_t i;
    const json_t *item;
    ok = json_array_size(value) > 0;
    json_array_foreach(value, i, item) ok = ok && language_value(item);
  }
  if (!ok)
    return sc_fail(err, SC_EDATA,
                   "%s: %s: expected a non-empty string, or [{\"@value\": \"…\", \"@language\": "
                   "\"en\"}, …] (the text in several languages)",
                   source, key);
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

/* ---------------------------------------------------------------- a roster's achievement */

/* Is path (already resolved) dir itself or inside it? */
static bool inside(const char *path, const char *dir) {
  size_t n = strlen(dir);
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* A ".." segment would climb out of the folder before any symbolic link is looked at. */
static bool climbs(const char *value) {
  for (const char *p = value; (p = strstr(p, "..")); p += 2)
    if ((p == value || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
      return true;
  return false;
}

static bool ends_with_json(const char *value) {
  size_t n = strlen(value);
  return n >= 5 && strcmp(value + n - 5, ".json") == 0;
}

/* The real path of HOME/sub, or "" when the folder does not exist. */
static void home_folder(const sc_home *home, const char *sub, char out[PATH_MAX]) {
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/%s", home->root, sub);
  if (!realpath(path, out))
    out[0] = '\0';
}

static int not_in_home(const char *value, sc_error *err) {
  return sc_fail(err, SC_EDATA,
                 "'%s' is not in the issuer home's achievements/ or templates/ folder (give a "
                 "template name, or a file in HOME/achievements/)",
                 value);
}

static int locate_template(const sc_home *home, const char *value, char *out, sc_error *err) {
  char dir[PATH_MAX];
  if (sc_template_find(home, value, dir, sizeof dir, NULL) != SC_OK)
    return sc_fail(err, SC_EDATA,
                   "no template named '%s' (give a template name, or a .json file in "
                   "HOME/achievements/)",
                   value);
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/achievement.json", dir);
  if (!realpath(path, out)) /* absolute: a batch reads it from any folder */
    return sc_fail(err, SC_EDATA, "%s: file not found", path);
  return SC_OK;
}

int sc_achievement_locate(const sc_home *home, const char *value, char *out, sc_error *err) {
  if (!home)
    return sc_fail(err, SC_EDATA, "'%s': achievements are named only for an issuer home", value);
  if (!strchr(value, '/') && !ends_with_json(value))
    return locate_template(home, value, out, err);
  char achievements[PATH_MAX], templates[PATH_MAX], candidate[PATH_MAX * 2], real[PATH_MAX];
  home_folder(home, "achievements", achievements);
  home_folder(home, "templates", templates);
  /* Judged on the text first: whether a file outside exists is none of the roster's business. */
  bool absolute = value[0] == '/';
  if (climbs(value) || (absolute && !(achievements[0] && inside(value, achievements)) &&
                        !(templates[0] && inside(value, templates))))
    return not_in_home(value, err);
  if (absolute)
    snprintf(candidate, sizeof candidate, "%s", value);
  else
    snprintf(candidate, sizeof candidate, "%s/achievements/%s", home->root, value);
  if (strlen(candidate) >= PATH_MAX)
    return sc_fail(err, SC_EDATA, "'%s': path too long", value);
  if (!realpath(candidate, real))
    return sc_fail(err, SC_EDATA, "%s: file not found", candidate);
  /* A symbolic link inside may still point out (to /etc/passwd): the real path decides. */
  if (!(achievements[0] && inside(real, achievements)) &&
      !(templates[0] && inside(real, templates)))
    return not_in_home(value, err);
  snprintf(out, PATH_MAX, "%s", real);
  return SC_OK;
}
