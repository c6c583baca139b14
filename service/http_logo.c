/* The issuer's logo on the verification page. A home's credentials name their template through
 * the achievement's badge image (<publicUrl>/badges/<template>.png, issuer/badge_image.c); the
 * template's logo (template.json "logo") is shown above the verdict. Another issuer's
 * credential never gets the home's logo: anyone could name that template. */
#include "service/http_internal.h"

#include <limits.h>
#include <string.h>

#define LOGO_MAX ((size_t)256 << 10)

/* The template name in ".../badges/<name>.png" (or .svg): plain letters, digits, - _ . */
static bool template_of(const json_t *credential, char *name, size_t size) {
  const json_t *subject = json_object_get(credential, "credentialSubject");
  const json_t *image = json_object_get(json_object_get(subject, "achievement"), "image");
  const char *url = json_is_string(image) ? json_string_value(image)
                                          : json_string_value(json_object_get(image, "id"));
  const char *slash = url ? strrchr(url, '/') : NULL;
  if (!slash || slash - url < 7 || strncmp(slash - 7, "/badges", 7) != 0)
    return false;
  const char *start = slash + 1, *dot = strrchr(start, '.');
  size_t len = dot ? (size_t)(dot - start) : 0;
  if (len == 0 || len >= size || start[0] == '.')
    return false;
  for (size_t i = 0; i < len; i++) {
    char c = start[i];
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
    if (!plain)
      return false;
  }
  memcpy(name, start, len);
  name[len] = '\0';
  return true;
}

static const char *issuer_id(const json_t *credential) {
  const json_t *issuer = json_object_get(credential, "issuer");
  return json_is_string(issuer) ? json_string_value(issuer)
                                : json_string_value(json_object_get(issuer, "id"));
}

bool http_issuer_logo(const sc_http_config *cfg, const json_t *credential, sc_buf *png) {
  const char *issuer = issuer_id(credential);
  char name[128], dir[PATH_MAX], path[PATH_MAX + 160];
  if (!cfg->home || !cfg->home_issuer || !issuer || strcmp(issuer, cfg->home_issuer) != 0 ||
      !template_of(credential, name, sizeof name) ||
      sc_template_find(cfg->home, name, dir, sizeof dir, NULL) != SC_OK)
    return false;
  snprintf(path, sizeof path, "%s/template.json", dir);
  json_t *layout = json_load_file(path, 0, NULL);
  const char *file = json_string_value(json_object_get(json_object_get(layout, "logo"), "file"));
  size_t n = file ? strlen(file) : 0;
  bool ok =
      n > 4 && n < 128 && !strchr(file, '/') && file[0] != '.' && strcmp(file + n - 4, ".png") == 0;
  if (ok)
    snprintf(path, sizeof path, "%s/%s", dir, file);
  json_decref(layout);
  return ok && sc_read_file(path, LOGO_MAX, png, NULL) == SC_OK && png->len > 0;
}
