/* `skillcert init` gives every home its own copy of the shipped designs, so that a provider
 * edits theirs without touching the installed ones. The shipped achievements carry ids under a
 * placeholder origin; each copy gets an id under the issuer's own URL, because OB 3.0 wants an
 * Achievement id to be unique to that achievement, and two providers' "AI Fundamentals" are
 * not the same achievement. */
#include "issuer/issuer.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ASSET_BYTES ((size_t)8 << 20)
#define SHIPPED_ORIGIN "https://academy.example/"

static bool is_regular(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0 && S_ISREG(st.st_mode); /* links are not followed out */
}

static int copy_file(const char *from, const char *to, sc_error *err) {
  sc_buf data = {0};
  int rc = sc_read_file(from, MAX_ASSET_BYTES, &data, err);
  if (rc == SC_OK)
    rc = sc_write_file_atomic(to, data.data, data.len, 0644, err);
  sc_buf_free(&data);
  return rc;
}

/* The achievement of template `name` with its placeholder id replaced by
 * <issuer_url>/achievements/<name>; an id the template's author set is kept. */
static int copy_achievement(const char *from, const char *to, const char *issuer_url,
                            const char *name, sc_error *err) {
  json_t *achievement = NULL;
  int rc = sc_json_load_file(from, &achievement, err);
  const char *id = json_string_value(json_object_get(achievement, "id"));
  if (rc == SC_OK && id && strncmp(id, SHIPPED_ORIGIN, strlen(SHIPPED_ORIGIN)) == 0) {
    size_t base = strlen(issuer_url);
    while (base > 0 && issuer_url[base - 1] == '/')
      base--;
    char own[PATH_MAX];
    snprintf(own, sizeof own, "%.*s/achievements/%s", (int)base, issuer_url, name);
    if (json_object_set_new(achievement, "id", json_string(own)) != 0)
      rc = sc_oom(err);
  }
  char *text = rc == SC_OK ? json_dumps(achievement, JSON_INDENT(2)) : NULL;
  if (rc == SC_OK && !text)
    rc = sc_oom(err);
  if (rc == SC_OK) {
    size_t len = strlen(text);
    text[len] = '\n'; /* in the NUL's place: the file ends with a line break */
    rc = sc_write_file_atomic(to, text, len + 1, 0644, err);
  }
  free(text);
  json_decref(achievement);
  return rc;
}

static int copy_template(const char *from_dir, const char *to_dir, const char *issuer_url,
                         const char *name, sc_error *err) {
  if (mkdir(to_dir, 0755) != 0 && errno != EEXIST)
    return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", to_dir, strerror(errno));
  DIR *dir = opendir(from_dir);
  if (!dir)
    return sc_fail(err, SC_ENOINPUT, "%s: cannot read: %s", from_dir, strerror(errno));
  int rc = SC_OK;
  struct dirent *entry;
  while (rc == SC_OK && (entry = readdir(dir))) {
    char from[PATH_MAX], to[PATH_MAX];
    if (entry->d_name[0] == '.' ||
        snprintf(from, sizeof from, "%s/%s", from_dir, entry->d_name) >= (int)sizeof from ||
        snprintf(to, sizeof to, "%s/%s", to_dir, entry->d_name) >= (int)sizeof to ||
        !is_regular(from))
      continue;
    rc = strcmp(entry->d_name, "achievement.json") == 0
             ? copy_achievement(from, to, issuer_url, name, err)
             : copy_file(from, to, err);
  }
  closedir(dir);
  return rc;
}

int sc_templates_install(const char *home_root, const char *issuer_url, sc_error *err) {
  char dirs[8][PATH_MAX];
  size_t count = sc_template_search_path(NULL, dirs, 8);
  if (!count) /* nothing shipped here (an unusual install): the home starts without designs */
    return SC_OK;
  DIR *dir = opendir(dirs[0]);
  if (!dir)
    return SC_OK;
  int rc = SC_OK;
  struct dirent *entry;
  while (rc == SC_OK && (entry = readdir(dir))) {
    char from[PATH_MAX], to[PATH_MAX], probe[PATH_MAX];
    if (entry->d_name[0] == '.' ||
        snprintf(from, sizeof from, "%s/%s", dirs[0], entry->d_name) >= (int)sizeof from ||
        snprintf(probe, sizeof probe, "%s/template.json", from) >= (int)sizeof probe ||
        snprintf(to, sizeof to, "%s/templates/%s", home_root, entry->d_name) >= (int)sizeof to ||
        !is_regular(probe))
      continue;
    rc = copy_template(from, to, issuer_url, entry->d_name, err);
  }
  closedir(dir);
  return rc;
}
