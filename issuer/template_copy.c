/* `skillcert init` gives every home its own copy of the shipped designs, so that a provider
 * edits theirs without touching the installed ones. */
#include "issuer/issuer.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ASSET_BYTES ((size_t)8 << 20)

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

static int copy_template(const char *from_dir, const char *to_dir, sc_error *err) {
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
    rc = copy_file(from, to, err);
  }
  closedir(dir);
  return rc;
}

int sc_templates_install(const char *home_root, sc_error *err) {
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
    rc = copy_template(from, to, err);
  }
  closedir(dir);
  return rc;
}
