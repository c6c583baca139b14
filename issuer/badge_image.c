/* The achievement's image (Open Badges 3.0 Achievement.image): the template's badge, published
 * at <publicUrl>/badges/<template>.<png|svg> beside the status lists, so that wallets and
 * backpacks show the badge the certificate shows. */
#include "issuer/issuer.h"
#include "issuer/pdf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *extension(const sc_template *tpl) {
  const char *dot = strrchr(tpl->badge_file, '.');
  return dot ? dot + 1 : "png";
}

char *sc_badge_image_url(const sc_home *home, const sc_template *tpl) {
  if (!tpl || !tpl->badge_file[0] || !tpl->name || !home->public_url)
    return NULL;
  size_t base = strlen(home->public_url);
  while (base && home->public_url[base - 1] == '/')
    base--;
  size_t n = base + strlen(tpl->name) + 32;
  char *url = malloc(n);
  if (url)
    snprintf(url, n, "%.*s/badges/%s.%s", (int)base, home->public_url, tpl->name, extension(tpl));
  return url;
}

json_t *sc_achievement_with_image(const sc_home *home, const sc_template *tpl,
                                  const json_t *achievement, sc_error *err) {
  if (!json_is_object(achievement) || json_object_get(achievement, "image") || !tpl ||
      !tpl->badge_file[0] || !tpl->name || !home->public_url)
    return json_incref((json_t *)achievement); /* no badge, or it names its own image */
  size_t failures = sc_alloc_failure_count(); /* a deep copy may come back with a hole */
  char *url = sc_badge_image_url(home, tpl);
  /* A copy: the achievement object may be the template's, shared by every credential. */
  json_t *copy = url ? json_deep_copy(achievement) : NULL;
  json_t *image = url ? json_pack("{s:s,s:s}", "id", url, "type", "Image") : NULL;
  free(url);
  bool whole = copy && image && sc_alloc_failure_count() == failures;
  if (!whole)
    json_decref(image);
  else if (json_object_set_new(copy, "image", image) != 0) /* it took image either way */
    whole = false;
  if (!whole) {
    json_decref(copy);
    sc_oom(err);
    return NULL;
  }
  return copy;
}

int sc_add_badge_image(const sc_home *home, const sc_template *tpl, json_t *credential,
                       sc_error *err) {
  json_t *subject = json_object_get(credential, "credentialSubject");
  json_t *achievement = json_object_get(subject, "achievement");
  json_t *with_image = sc_achievement_with_image(home, tpl, achievement, err);
  if (!with_image && achievement)
    return SC_ESOFTWARE; /* sc_oom set err */
  if (with_image == achievement) {
    json_decref(with_image);
    return SC_OK;
  }
  return json_object_set_new(subject, "achievement", with_image) == 0 ? SC_OK : sc_oom(err);
}

int sc_publish_badge_image(const sc_home *home, const sc_template *tpl, sc_error *err) {
  if (!tpl || !tpl->badge_file[0] || !tpl->name)
    return SC_OK;
  char source[PATH_MAX], name[300], target[PATH_MAX];
  sc_buf image = {0}, published = {0};
  int rc = sc_path_format(source, sizeof source, SC_EDATA, err, "%s/%s", tpl->dir, tpl->badge_file);
  if (rc == SC_OK)
    rc = sc_path_format(name, sizeof name, SC_EDATA, err, "badges/%s.%s", tpl->name,
                        extension(tpl));
  if (rc == SC_OK)
    rc = sc_home_path(home, "public", name, target, sizeof target, err);
  if (rc == SC_OK)
    rc = sc_read_file(source, (size_t)4 << 20, &image, err);
  /* Written only when missing or changed: public/ is served, and caches key on its files. */
  bool same = rc == SC_OK && sc_read_file(target, (size_t)4 << 20, &published, NULL) == SC_OK &&
              published.len == image.len && memcmp(published.data, image.data, image.len) == 0;
  if (rc == SC_OK && !same)
    rc = sc_mkdir_parent(target, 0755, err);
  if (rc == SC_OK && !same)
    rc = sc_write_file_atomic(target, image.data, image.len, 0644, err);
  sc_buf_free(&image);
  sc_buf_free(&published);
  return rc;
}
