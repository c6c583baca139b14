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

int sc_add_badge_image(const sc_home *home, const sc_template *tpl, json_t *credential,
                       sc_error *err) {
  json_t *subject = json_object_get(credential, "credentialSubject");
  json_t *achievement = json_object_get(subject, "achievement");
  if (!json_is_object(achievement) || json_object_get(achievement, "image") || !tpl ||
      !tpl->badge_file[0] || !tpl->name || !home->public_url)
    return SC_OK; /* no badge, or the achievement names its own image */
  size_t failures = sc_alloc_failure_count(); /* a deep copy may come back with a hole */
  char *url = sc_badge_image_url(home, tpl);
  /* A copy: the achievement object may be the template's, shared by every credential. */
  json_t *copy = url ? json_deep_copy(achievement) : NULL;
  json_t *image = url ? json_pack("{s:s,s:s}", "id", url, "type", "Image") : NULL;
  int rc = url && copy && image && sc_alloc_failure_count() == failures ? SC_OK : sc_oom(err);
  if (rc == SC_OK && json_object_set_new(copy, "image", image) != 0)
    rc = sc_oom(err); /* json_object_set_new took image either way */
  else if (rc != SC_OK)
    json_decref(image);
  if (rc == SC_OK && json_object_set_new(subject, "achievement", copy) != 0)
    rc = sc_oom(err);
  else if (rc != SC_OK)
    json_decref(copy);
  free(url);
  return rc;
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
