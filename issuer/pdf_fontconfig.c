/* Which installed fonts draw the certificate's text: one fontconfig query per style, made
 * once per renderer (a batch renders thousands of PDFs with the same renderer). */
#include "issuer/pdf_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* fontconfig's configuration is process-wide: read when the first renderer starts, released
 * (FcFini) when the last one ends, so a finished process leaves nothing allocated. */
static pthread_mutex_t fontconfig_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned fontconfig_users;

static bool fontconfig_hold(void) {
  pthread_mutex_lock(&fontconfig_lock);
  bool ok = fontconfig_users > 0 || FcInit();
  if (ok)
    fontconfig_users++;
  pthread_mutex_unlock(&fontconfig_lock);
  return ok;
}

static void fontconfig_release(void) {
  pthread_mutex_lock(&fontconfig_lock);
  if (fontconfig_users > 0 && --fontconfig_users == 0)
    FcFini();
  pthread_mutex_unlock(&fontconfig_lock);
}

/* Noto first, a script's own family for every script a name may be written in, then what
 * fontconfig adds; fontconfig ranks the families in this order (they are bound strongly),
 * and FcFontSort's trimming drops every font that adds no character to those before it. */
static const char *const sans_families[] = {"Noto Sans",         "Noto Sans Devanagari",
                                            "Noto Sans Bengali", "Noto Sans Tamil",
                                            "Noto Sans Thai",    "Noto Sans Javanese",
                                            "Noto Sans Arabic",  "Noto Sans Hebrew",
                                            "Noto Sans CJK SC",  "Noto Sans CJK JP",
                                            "Noto Sans CJK KR",  "DejaVu Sans",
                                            "sans-serif",        NULL};
static const char *const serif_families[] = {"Noto Serif",
                                             "Noto Serif Devanagari",
                                             "Noto Serif Bengali",
                                             "Noto Serif Tamil",
                                             "Noto Serif Thai",
                                             "Noto Sans Javanese",
                                             "Noto Naskh Arabic",
                                             "Noto Sans Arabic",
                                             "Noto Serif Hebrew",
                                             "Noto Serif CJK SC",
                                             "Noto Serif CJK JP",
                                             "Noto Serif CJK KR",
                                             "DejaVu Serif",
                                             "serif",
                                             NULL};

static FcFontSet *sorted_fonts(const char *const *families, bool bold) {
  FcPattern *pattern = FcPatternCreate();
  if (!pattern)
    return NULL;
  bool ok = true;
  for (const char *const *f = families; ok && *f; f++)
    ok = FcPatternAddString(pattern, FC_FAMILY, (const FcChar8 *)*f);
  ok = ok && FcPatternAddInteger(pattern, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  ok = ok && FcPatternAddInteger(pattern, FC_SLANT, FC_SLANT_ROMAN);
  ok = ok && FcPatternAddBool(pattern, FC_SCALABLE, FcTrue);
  FcFontSet *set = NULL;
  if (ok && FcConfigSubstitute(NULL, pattern, FcMatchPattern)) {
    FcDefaultSubstitute(pattern);
    FcResult result;
    set = FcFontSort(NULL, pattern, FcTrue, NULL, &result);
  }
  FcPatternDestroy(pattern);
  return set;
}

int sc_font_chains_load(sc_font_chain chains[SC_SLOT_COUNT], bool *held, sc_error *err) {
  if (!(*held = fontconfig_hold()))
    return sc_fail(err, SC_ECONFIG, "fonts: fontconfig cannot read its configuration");
  for (int slot = 0; slot < SC_SLOT_COUNT; slot++) {
    bool serif = slot == SC_SLOT_SERIF || slot == SC_SLOT_SERIF_BOLD;
    bool bold = slot == SC_SLOT_SANS_BOLD || slot == SC_SLOT_SERIF_BOLD;
    sc_font_chain *c = &chains[slot];
    c->set = sorted_fonts(serif ? serif_families : sans_families, bold);
    if (!c->set || c->set->nfont == 0)
      return sc_fail(err, SC_ECONFIG,
                     "fonts: fontconfig finds no font (install fonts-noto-core and "
                     "fonts-noto-cjk)");
    c->face = malloc((size_t)c->set->nfont * sizeof *c->face);
    if (!c->face)
      return sc_oom(err);
    for (int i = 0; i < c->set->nfont; i++)
      c->face[i] = -1;
  }
  return SC_OK;
}

void sc_font_chains_free(sc_font_chain chains[SC_SLOT_COUNT], bool *held) {
  for (int slot = 0; slot < SC_SLOT_COUNT; slot++) {
    if (chains[slot].set)
      FcFontSetDestroy(chains[slot].set);
    free(chains[slot].face);
    memset(&chains[slot], 0, sizeof chains[slot]);
  }
  if (*held)
    fontconfig_release();
  *held = false;
}

/* The chain's first font that has cp, loaded; -1 when none has it. Colour (bitmap) fonts and
 * files that are neither TrueType nor CFF outlines are skipped: they cannot be embedded. */
static int chain_pick(sc_pdf_renderer *r, sc_font_chain *c, uint32_t cp) {
  for (int i = 0; i < c->set->nfont; i++) {
    if (c->face[i] == -2)
      continue;
    FcPattern *font = c->set->fonts[i];
    FcCharSet *chars = NULL;
    if (FcPatternGetCharSet(font, FC_CHARSET, 0, &chars) != FcResultMatch ||
        !FcCharSetHasChar(chars, cp))
      continue;
    if (c->face[i] == -1) {
      FcChar8 *file = NULL;
      int index = 0;
      FcBool color = FcFalse;
      FcPatternGetInteger(font, FC_INDEX, 0, &index);
      FcPatternGetBool(font, FC_COLOR, 0, &color);
      sc_error ignored = {0};
      if (color || FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch ||
          sc_font_face_of_file(r, (const char *)file, (unsigned)index, &c->face[i], &ignored) !=
              SC_OK) {
        c->face[i] = -2;
        continue;
      }
    }
    hb_codepoint_t gid;
    if (hb_font_get_nominal_glyph(r->faces[c->face[i]]->font, cp, &gid))
      return c->face[i];
  }
  return -1;
}

int sc_font_pick(sc_pdf_renderer *r, int slot, uint32_t cp, int keep) {
  hb_codepoint_t gid;
  if (keep >= 0 && hb_font_get_nominal_glyph(r->faces[keep]->font, cp, &gid))
    return keep;
  int brand = r->brand[slot];
  if (brand >= 0 && hb_font_get_nominal_glyph(r->faces[brand]->font, cp, &gid))
    return brand;
  return chain_pick(r, &r->chains[slot], cp);
}
