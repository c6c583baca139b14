/* Certificate designs: finding a template folder and loading template.json strictly
 * (docs/templates.md). Positions are millimetres from the page's top-left corner. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "issuer/pdf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SC_PREFIX
#define SC_PREFIX "/usr/local"
#endif

#define MM 2.834645669f /* points per millimetre */

/* ---------------------------------------------------------------- finding */

static bool is_template_dir(const char *dir) {
  char path[PATH_MAX];
  struct stat st;
  return sc_path_format(path, sizeof path, SC_ENOINPUT, NULL, "%s/template.json", dir) == SC_OK &&
         stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *dir) {
  struct stat st;
  return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_dir(char dirs[][PATH_MAX], size_t max, size_t *count, const char *dir) {
  char real[PATH_MAX];
  if (!is_dir(dir) || !realpath(dir, real) || *count >= max)
    return;
  for (size_t i = 0; i < *count; i++)
    if (strcmp(dirs[i], real) == 0)
      return;
  snprintf(dirs[(*count)++], PATH_MAX, "%s", real);
}

size_t sc_template_search_path(const sc_home *home, char dirs[][PATH_MAX], size_t max) {
  size_t count = 0;
  char path[PATH_MAX + 32];
  if (home) {
    snprintf(path, sizeof path, "%s/templates", home->root);
    add_dir(dirs, max, &count, path);
  }
  const char *env = getenv("SKILLCERT_TEMPLATES");
  if (env && *env) {
    add_dir(dirs, max, &count, env);
    return count; /* an explicit choice replaces the built-in places */
  }
  add_dir(dirs, max, &count, SC_PREFIX "/share/skillcert/templates");
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
      *slash = '\0';
    snprintf(path, sizeof path, "%s/../templates", exe); /* build/skillcert */
    add_dir(dirs, max, &count, path);
    snprintf(path, sizeof path, "%s/../../templates", exe); /* build/tests/test_x */
    add_dir(dirs, max, &count, path);
  }
  add_dir(dirs, max, &count, "templates");
  return count;
}

int sc_template_find(const sc_home *home, const char *name, char *dir_out, size_t dir_size,
                     sc_error *err) {
  if (!name || !*name || name[0] == '.' || strchr(name, '/'))
    return sc_fail(err, SC_EUSAGE, "template: '%s' is not a template name", name ? name : "");
  char dirs[8][PATH_MAX];
  size_t count = sc_template_search_path(home, dirs, 8);
  for (size_t i = 0; i < count; i++) {
    int n = snprintf(dir_out, dir_size, "%s/%s", dirs[i], name);
    if (n >= 0 && (size_t)n < dir_size && is_template_dir(dir_out))
      return SC_OK;
  }
  return sc_fail(err, SC_ENOINPUT,
                 "template '%s' not found (see `skillcert template list`; $SKILLCERT_TEMPLATES "
                 "sets the folder of shipped templates)",
                 name);
}

/* ---------------------------------------------------------------- strict reading */

typedef struct reader {
  const char *file;
  sc_error *err;
} reader;

static int bad(reader *rd, const char *field, const char *expected) {
  return sc_fail(rd->err, SC_EDATA, "%s: %s: expected %s", rd->file, field, expected);
}

/* Every key of object must be one of allowed (NULL-terminated). */
static int known_keys(reader *rd, const json_t *object, const char *where,
                      const char *const *allowed) {
  const char *key;
  const json_t *value;
  json_object_foreach((json_t *)object, key, value) {
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++)
      ok = strcmp(*a, key) == 0;
    if (!ok) {
      (void)value;
      return sc_fail(rd->err, SC_EDATA, "%s: %s%s%s: unknown field", rd->file, where,
                     *where ? "." : "", key);
    }
  }
  return SC_OK;
}

static int number(reader *rd, const json_t *object, const char *where, const char *key, float lo,
                  float hi, float fallback, bool required, float *out) {
  const json_t *value = json_object_get(object, key);
  char field[96], range[64];
  snprintf(field, sizeof field, "%s.%s", where, key);
  snprintf(range, sizeof range, "a number from %g to %g", lo, hi);
  if (!value) {
    *out = fallback;
    return required ? bad(rd, field, range) : SC_OK;
  }
  if (!json_is_number(value) || json_number_value(value) < lo || json_number_value(value) > hi)
    return bad(rd, field, range);
  *out = (float)json_number_value(value);
  return SC_OK;
}

static int color(reader *rd, const json_t *object, const char *where, const char *key,
                 const char *fallback, sc_rgb *out) {
  const json_t *value = json_object_get(object, key);
  const char *text = value ? json_string_value(value) : fallback;
  char field[96];
  snprintf(field, sizeof field, "%s.%s", where, key);
  unsigned r, g, b;
  int used = 0;
  if (!text || strlen(text) != 7 || sscanf(text, "#%2x%2x%2x%n", &r, &g, &b, &used) != 3 ||
      used != 7)
    return bad(rd, field, "a colour \"#RRGGBB\"");
  *out = (sc_rgb){r / 255.0f, g / 255.0f, b / 255.0f};
  return SC_OK;
}

static int page_size(reader *rd, const json_t *root, sc_template *tpl) {
  const json_t *page = json_object_get(root, "page");
  static const char *const keys[] = {"size", "orientation", NULL};
  if (!json_is_object(page))
    return bad(rd, "page", "an object {\"size\": \"A4\" or \"Letter\"}");
  int rc = known_keys(rd, page, "page", keys);
  const char *size = json_string_value(json_object_get(page, "size"));
  const char *orientation = json_string_value(json_object_get(page, "orientation"));
  if (rc != SC_OK)
    return rc;
  if (json_object_get(page, "orientation") && (!orientation || strcmp(orientation, "landscape")))
    return bad(rd, "page.orientation", "\"landscape\" (certificates are landscape)");
  if (size && strcmp(size, "A4") == 0)
    tpl->page_w = 297 * MM, tpl->page_h = 210 * MM;
  else if (size && strcmp(size, "Letter") == 0)
    tpl->page_w = 792, tpl->page_h = 612;
  else
    return bad(rd, "page.size", "\"A4\" or \"Letter\"");
  return SC_OK;
}

static int read_shape(reader *rd, const json_t *item, const char *where, const sc_template *tpl,
                      sc_tpl_rect *out) {
  static const char *const keys[] = {"x", "y", "width", "height", "color", "stroke", NULL};
  float w = tpl->page_w / MM, h = tpl->page_h / MM;
  if (!json_is_object(item))
    return bad(rd, where, "an object");
  int rc = known_keys(rd, item, where, keys);
  if (rc == SC_OK)
    rc = number(rd, item, where, "x", 0, w, 0, true, &out->x);
  if (rc == SC_OK)
    rc = number(rd, item, where, "y", 0, h, 0, true, &out->y);
  if (rc == SC_OK)
    rc = number(rd, item, where, "width", 0.1f, w, 0, true, &out->w);
  if (rc == SC_OK)
    rc = number(rd, item, where, "height", 0.1f, h, 0, true, &out->h);
  if (rc == SC_OK)
    rc = number(rd, item, where, "stroke", 0, 20, 0, false, &out->stroke);
  if (rc == SC_OK)
    rc = color(rd, item, where, "color", NULL, &out->color);
  return rc;
}

static int check_placeholders(reader *rd, const char *text, const char *where) {
  for (const char *p = strstr(text, "{{"); p; p = strstr(p + 2, "{{")) {
    const char *end = strstr(p, "}}");
    if (end && sc_placeholder_find(p + 2, (size_t)(end - p - 2)))
      continue;
    char known[512];
    sc_placeholder_names(known, sizeof known);
    return sc_fail(rd->err, SC_EDATA, "%s: %s.text: unknown placeholder near \"%.30s\" (known: %s)",
                   rd->file, where, p, known);
  }
  return SC_OK;
}

static int text_style(reader *rd, const json_t *item, const char *where, sc_tpl_text *out) {
  const char *align = json_string_value(json_object_get(item, "align"));
  const char *font = json_string_value(json_object_get(item, "font"));
  const json_t *bold = json_object_get(item, "bold");
  char field[96];
  if (json_object_get(item, "align")) {
    if (!align || (strcmp(align, "left") && strcmp(align, "center") && strcmp(align, "right")))
      return snprintf(field, sizeof field, "%s.align", where),
             bad(rd, field, "\"left\", \"center\" or \"right\"");
    out->align = align[0] == 'l'   ? SC_ALIGN_LEFT
                 : align[0] == 'c' ? SC_ALIGN_CENTER
                                   : SC_ALIGN_RIGHT;
  }
  if (json_object_get(item, "font")) {
    if (!font || (strcmp(font, "sans") && strcmp(font, "serif")))
      return snprintf(field, sizeof field, "%s.font", where),
             bad(rd, field, "\"sans\" or \"serif\"");
    out->family = strcmp(font, "serif") == 0;
  }
  if (bold && !json_is_boolean(bold))
    return snprintf(field, sizeof field, "%s.bold", where), bad(rd, field, "true or false");
  out->bold = json_is_true(bold);
  return color(rd, item, where, "color", "#000000", &out->color);
}

/* Every block gets a box: without max_width, the page's width from the anchor to 10 mm from
 * the page's edge (both edges for centred text); without height, max_lines at full size. */
static int text_box(reader *rd, const json_t *item, const char *where, const sc_template *tpl,
                    sc_tpl_text *out) {
  char field[96];
  float page_w = tpl->page_w / MM, margin = 10;
  if (out->max_width <= 0) {
    out->max_width = out->align == SC_ALIGN_LEFT    ? page_w - margin - out->x
                     : out->align == SC_ALIGN_RIGHT ? out->x - margin
                     : out->x < page_w - out->x     ? 2 * (out->x - margin)
                                                    : 2 * (page_w - out->x - margin);
    if (out->max_width < 5)
      return snprintf(field, sizeof field, "%s.max_width", where),
             bad(rd, field, "a width in mm (x is too close to the page's edge for the default)");
  }
  float one_line = sc_text_lines_height(out, out->size, 1);
  float fallback = sc_text_lines_height(out, out->size, (size_t)out->max_lines);
  return number(rd, item, where, "height", one_line, tpl->page_h / MM, fallback, false,
                &out->height);
}

static int read_text(reader *rd, const json_t *item, const char *where, const sc_template *tpl,
                     sc_tpl_text *out) {
  static const char *const keys[] = {
      "text",          "x",         "y",      "size",      "min_size",
      "wrap_min_size", "max_width", "height", "max_lines", "line_height",
      "align",         "color",     "font",   "bold",      NULL};
  float lines = 1;
  if (!json_is_object(item))
    return bad(rd, where, "an object");
  int rc = known_keys(rd, item, where, keys);
  const char *text = json_string_value(json_object_get(item, "text"));
  char field[96];
  snprintf(field, sizeof field, "%s.text", where);
  if (rc == SC_OK && (!text || !*text))
    rc = bad(rd, field, "a non-empty string");
  if (rc == SC_OK)
    rc = check_placeholders(rd, text, where);
  if (rc == SC_OK && !(out->text = strdup(text)))
    rc = sc_oom(rd->err);
  if (rc == SC_OK)
    rc = number(rd, item, where, "x", 0, tpl->page_w / MM, 0, true, &out->x);
  if (rc == SC_OK)
    rc = number(rd, item, where, "y", 0, tpl->page_h / MM, 0, true, &out->y);
  if (rc == SC_OK)
    rc = number(rd, item, where, "size", 4, 96, 0, true, &out->size);
  if (rc == SC_OK)
    rc = number(rd, item, where, "min_size", 4, out->size, out->size * 0.6f, false, &out->min_size);
  if (rc == SC_OK)
    rc = number(rd, item, where, "wrap_min_size", 4, out->min_size, out->min_size, false,
                &out->wrap_min_size);
  if (rc == SC_OK)
    rc = number(rd, item, where, "max_width", 0, tpl->page_w / MM, 0, false, &out->max_width);
  bool has_height = json_object_get(item, "height") != NULL;
  if (rc == SC_OK)
    rc = number(rd, item, where, "max_lines", 1, 10, has_height ? 10 : 1, false, &lines);
  if (rc == SC_OK)
    rc = number(rd, item, where, "line_height", 0.8f, 3, 1.25f, false, &out->line_height);
  out->max_lines = (int)lines;
  if (rc == SC_OK)
    rc = text_style(rd, item, where, out);
  return rc == SC_OK ? text_box(rd, item, where, tpl, out) : rc;
}

static int read_list(reader *rd, const json_t *root, const char *key, bool required,
                     sc_template *tpl) {
  const json_t *list = json_object_get(root, key);
  bool texts = strcmp(key, "text") == 0;
  if (!list && !required)
    return SC_OK;
  if (!json_is_array(list) || (required && json_array_size(list) == 0))
    return bad(rd, key, "an array of objects");
  size_t n = json_array_size(list);
  void *items = calloc(n ? n : 1, texts ? sizeof(sc_tpl_text) : sizeof(sc_tpl_rect));
  if (!items)
    return sc_oom(rd->err);
  if (texts)
    tpl->texts = items;
  else
    tpl->rects = items;
  for (size_t i = 0; i < n; i++) {
    char where[48];
    snprintf(where, sizeof where, "%s[%zu]", key, i);
    int rc = texts ? read_text(rd, json_array_get(list, i), where, tpl, &tpl->texts[i])
                   : read_shape(rd, json_array_get(list, i), where, tpl, &tpl->rects[i]);
    *(texts ? &tpl->text_count : &tpl->rect_count) = i + 1;
    if (rc != SC_OK)
      return rc;
  }
  return SC_OK;
}

static int read_logo(reader *rd, const json_t *root, sc_template *tpl) {
  const json_t *logo = json_object_get(root, "logo");
  static const char *const keys[] = {"file", "x", "y", "width", "height", NULL};
  if (!logo)
    return SC_OK;
  if (!json_is_object(logo))
    return bad(rd, "logo", "an object");
  const char *file = json_string_value(json_object_get(logo, "file"));
  int rc = known_keys(rd, logo, "logo", keys);
  if (rc == SC_OK && (!file || !*file || strchr(file, '/') || file[0] == '.'))
    rc = bad(rd, "logo.file", "the name of a PNG file in the template folder");
  if (rc == SC_OK)
    rc = number(rd, logo, "logo", "x", 0, tpl->page_w / MM, 0, true, &tpl->logo_x);
  if (rc == SC_OK)
    rc = number(rd, logo, "logo", "y", 0, tpl->page_h / MM, 0, true, &tpl->logo_y);
  if (rc == SC_OK)
    rc = number(rd, logo, "logo", "width", 1, tpl->page_w / MM, 0, true, &tpl->logo_w);
  if (rc == SC_OK)
    rc = number(rd, logo, "logo", "height", 1, tpl->page_h / MM, 0, true, &tpl->logo_h);
  if (rc != SC_OK)
    return rc;
  if (!tpl->badge_file[0])
    snprintf(tpl->badge_file, sizeof tpl->badge_file, "%s", file);
  char path[PATH_MAX];
  rc = sc_path_format(path, sizeof path, SC_EDATA, rd->err, "%s/%s", tpl->dir, file);
  if (rc != SC_OK)
    return rc;
  sc_buf png = {0};
  rc = sc_read_file(path, (size_t)2 << 20, &png, rd->err);
  if (rc == SC_OK && (png.len < 8 || memcmp(png.data, "\x89PNG\r\n\x1a\n", 8) != 0))
    rc = sc_fail(rd->err, SC_EDATA, "%s: logo.file: %s is not a PNG image", rd->file, file);
  if (rc == SC_OK)
    rc = sc_logo_decode(png.data, png.len, path, &tpl->logo, rd->err);
  sc_buf_free(&png);
  return rc;
}

static int read_qr(reader *rd, const json_t *root, sc_template *tpl) {
  const json_t *qr = json_object_get(root, "qr");
  static const char *const keys[] = {"x", "y", "size", "url_color", "mode", NULL};
  if (!json_is_object(qr))
    return bad(rd, "qr", "an object {\"x\", \"y\", \"size\"} (millimetres)");
  int rc = known_keys(rd, qr, "qr", keys);
  if (rc == SC_OK)
    rc = number(rd, qr, "qr", "size", 30, 120, 50, false, &tpl->qr_size);
  if (rc == SC_OK)
    rc = number(rd, qr, "qr", "x", 0, tpl->page_w / MM - tpl->qr_size, 0, true, &tpl->qr_x);
  if (rc == SC_OK)
    rc = number(rd, qr, "qr", "y", 0, tpl->page_h / MM - tpl->qr_size, 0, true, &tpl->qr_y);
  if (rc == SC_OK) /* the verification URL under the code: readable on the page's ground */
    rc = color(rd, qr, "qr", "url_color", "#4A5560", &tpl->qr_url_color);
  const json_t *mode = json_object_get(qr, "mode");
  if (rc == SC_OK && mode &&
      (!json_is_string(mode) || sc_qr_mode_parse(json_string_value(mode), &tpl->qr_mode) != SC_OK))
    rc = bad(rd, "qr.mode", "\"auto\", \"embed\" or \"link\"");
  return rc;
}

/* "badge": the image of the Open Badge (render --badge), a PNG or SVG file in the folder;
 * without it the logo serves. */
static int read_badge(reader *rd, const json_t *root, sc_template *tpl) {
  const json_t *badge = json_object_get(root, "badge");
  if (!badge)
    return SC_OK;
  const char *file = json_string_value(badge);
  size_t n = file ? strlen(file) : 0;
  if (!file || !*file || strchr(file, '/') || file[0] == '.' || n >= sizeof tpl->badge_file ||
      (n < 5 || (strcmp(file + n - 4, ".png") != 0 && strcmp(file + n - 4, ".svg") != 0)))
    return bad(rd, "badge", "the name of a .png or .svg file in the template folder");
  snprintf(tpl->badge_file, sizeof tpl->badge_file, "%s", file);
  return SC_OK;
}

/* "language": the language of the certificate's words and dates ("id"); default English. */
static int read_language(reader *rd, const json_t *root, sc_template *tpl) {
  const json_t *value = json_object_get(root, "language");
  const char *lang = value ? sc_lang_match(json_string_value(value), 0) : SC_LANG_DEFAULT;
  if (!lang) {
    char known[128] = "";
    for (size_t i = 0; sc_languages[i].tag; i++)
      snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
               sc_languages[i].tag);
    return sc_fail(rd->err, SC_EDATA, "%s: language: expected one of %s", rd->file, known);
  }
  snprintf(tpl->language, sizeof tpl->language, "%s", lang);
  return SC_OK;
}

/* One date style per certificate: {{date}} and {{valid_until}} (2026-12-04) or their .long
 * forms (4 December 2026), not both. */
static int one_date_style(reader *rd, const sc_template *tpl) {
  const char *short_form = NULL, *long_form = NULL;
  for (size_t i = 0; i < tpl->text_count; i++) {
    const char *t = tpl->texts[i].text;
    if (!short_form && (strstr(t, "{{date}}") || strstr(t, "{{valid_until}}")))
      short_form = t;
    if (!long_form && (strstr(t, "{{date.long}}") || strstr(t, "{{valid_until.long}}")))
      long_form = t;
  }
  if (short_form && long_form)
    return sc_fail(rd->err, SC_EDATA,
                   "%s: text: \"%.40s\" and \"%.40s\" write dates in two styles; use "
                   "{{date}} and {{valid_until}}, or {{date.long}} and {{valid_until.long}}",
                   rd->file, short_form, long_form);
  return SC_OK;
}

/* "fonts": the template's own font files by style, e.g. {"serif": "fonts/Brand.ttf",
 * "serif-bold": "fonts/Brand-Bold.ttf"}, relative to the template folder. Each comes first
 * in its style; characters it lacks are drawn by the system's fonts. */
static int read_fonts(reader *rd, const json_t *root, sc_template *tpl) {
  static const char *const keys[] = {"sans", "sans-bold", "serif", "serif-bold", NULL};
  static const int slots[] = {SC_SLOT_SANS, SC_SLOT_SANS_BOLD, SC_SLOT_SERIF, SC_SLOT_SERIF_BOLD};
  const json_t *fonts = json_object_get(root, "fonts");
  if (!fonts)
    return SC_OK;
  if (!json_is_object(fonts))
    return bad(rd, "fonts", "an object {\"sans\", \"sans-bold\", \"serif\", \"serif-bold\"}");
  int rc = known_keys(rd, fonts, "fonts", keys);
  for (int i = 0; rc == SC_OK && keys[i]; i++) {
    const json_t *value = json_object_get(fonts, keys[i]);
    const char *file = json_string_value(value);
    char field[32], path[PATH_MAX];
    snprintf(field, sizeof field, "fonts.%s", keys[i]);
    if (!value)
      continue;
    if (!file || !*file || file[0] == '/' || strstr(file, ".."))
      return bad(rd, field, "a font file (.ttf, .otf, .ttc) inside the template folder");
    rc = sc_path_format(path, sizeof path, SC_EDATA, rd->err, "%s/%s", tpl->dir, file);
    if (rc == SC_OK)
      rc = sc_font_file_check(path, rd->err);
    if (rc != SC_OK)
      return sc_error_prefix(rd->err, "%s: %s", rd->file, field);
    if (!(tpl->font_files[slots[i]] = strdup(path)))
      return sc_oom(rd->err);
  }
  return rc;
}

static int read_layout(reader *rd, const json_t *root, sc_template *tpl) {
  static const char *const keys[] = {"description", "page", "background", "shapes",   "logo",  "badge",
                                     "qr",          "text", "language",   "fonts",    NULL};
  if (!json_is_object(root))
    return bad(rd, "(top level)", "an object");
  if (json_object_get(root, "description") && !json_is_string(json_object_get(root, "description")))
    return bad(rd, "description", "a string");
  int rc = known_keys(rd, root, "", keys);
  if (rc == SC_OK)
    rc = page_size(rd, root, tpl);
  if (rc == SC_OK)
    rc = color(rd, root, "", "background", "#FFFFFF", &tpl->background);
  if (rc == SC_OK)
    rc = read_list(rd, root, "shapes", false, tpl);
  if (rc == SC_OK)
    rc = read_list(rd, root, "text", true, tpl);
  if (rc == SC_OK)
    rc = one_date_style(rd, tpl);
  if (rc == SC_OK)
    rc = read_language(rd, root, tpl);
  if (rc == SC_OK)
    rc = read_badge(rd, root, tpl);
  if (rc == SC_OK)
    rc = read_logo(rd, root, tpl);
  if (rc == SC_OK)
    rc = read_qr(rd, root, tpl);
  if (rc == SC_OK)
    rc = read_fonts(rd, root, tpl);
  return rc;
}

int sc_template_load(const char *dir, sc_template **out, sc_error *err) {
  *out = NULL;
  sc_template *tpl = calloc(1, sizeof *tpl);
  if (!tpl)
    return sc_oom(err);
  if (sc_path_format(tpl->dir, sizeof tpl->dir, SC_ENOINPUT, err, "%s", dir) != SC_OK) {
    free(tpl);
    return err ? err->code : SC_ENOINPUT;
  }
  size_t len = strlen(tpl->dir);
  while (len > 1 && tpl->dir[len - 1] == '/')
    tpl->dir[--len] = '\0';
  const char *base = strrchr(tpl->dir, '/');
  char file[PATH_MAX + 32], achievement[PATH_MAX + 32];
  snprintf(file, sizeof file, "%s/template.json", tpl->dir);
  snprintf(achievement, sizeof achievement, "%s/achievement.json", tpl->dir);
  json_t *root = NULL;
  reader rd = {file, err};
  int rc = (tpl->name = strdup(base ? base + 1 : tpl->dir)) ? SC_OK : sc_oom(err);
  if (rc == SC_OK)
    rc = sc_json_load_file(file, &root, err);
  if (rc == SC_OK)
    rc = read_layout(&rd, root, tpl);
  if (rc == SC_OK)
    rc = sc_achievement_load(achievement, &tpl->achievement, err);
  json_decref(root);
  if (rc != SC_OK) {
    sc_template_free(tpl);
    return rc;
  }
  *out = tpl;
  return SC_OK;
}

const char *sc_template_name(const sc_template *tpl) {
  return tpl->name;
}

const char *sc_template_language(const sc_template *tpl) {
  return tpl->language[0] ? tpl->language : SC_LANG_DEFAULT;
}

const json_t *sc_template_achievement(const sc_template *tpl) {
  return tpl->achievement;
}

float sc_template_qr_size(const sc_template *tpl) {
  return tpl ? tpl->qr_size : 50; /* no template: the default printed size */
}

sc_qr_mode sc_template_qr_mode(const sc_template *tpl) {
  return tpl->qr_mode;
}

void sc_template_free(sc_template *tpl) {
  if (!tpl)
    return;
  for (size_t i = 0; i < tpl->text_count; i++)
    free(tpl->texts[i].text);
  free(tpl->texts);
  free(tpl->rects);
  sc_logo_free(&tpl->logo);
  for (size_t i = 0; i < sizeof tpl->font_files / sizeof *tpl->font_files; i++)
    free(tpl->font_files[i]);
  free(tpl->name);
  json_decref(tpl->achievement);
  free(tpl);
}
