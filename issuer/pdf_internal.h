/*
 * issuer/pdf_internal.h — shared by template.c and the PDF renderer (pdf_*.c), not public.
 *
 * The renderer draws text with its own font handling instead of libharu's font objects:
 * libharu 2.3.0 embeds whole tables, re-reads the font file for every document, writes a
 * broken ToUnicode CMap and cannot shape. Here fontconfig finds the fonts (once per
 * renderer), HarfBuzz shapes every run, and every font file used becomes one
 * Type0/Identity-H font per document whose hb-subset program holds only the glyphs drawn
 * (glyph ids kept, so CID = glyph id), with a ToUnicode map and ActualText spans.
 */
#ifndef SKILLCERT_PDF_INTERNAL_H
#define SKILLCERT_PDF_INTERNAL_H

#include <fontconfig/fontconfig.h>
#include <fribidi.h>
#include <hb.h>
#include <hpdf.h>
#include <stdint.h>
#include <zlib.h>

#include "issuer/issuer.h"

/* ---------------------------------------------------------------- template layout (template.c) */

typedef struct sc_rgb {
  float r, g, b;
} sc_rgb;

typedef enum sc_align { SC_ALIGN_LEFT, SC_ALIGN_CENTER, SC_ALIGN_RIGHT } sc_align;

typedef struct sc_tpl_text {
  char *text;          /* with {{placeholders}} */
  float x, y;          /* mm from the top-left corner; y is the first baseline at full size */
  float size;          /* points */
  float min_size;      /* one line shrinks down to this before the text wraps */
  float wrap_min_size; /* wrapped lines shrink down to this (<= min_size) */
  float max_width;     /* mm, the box's width (a default from the page when not given) */
  float height;        /* mm, the box's height from its top (y - ascent at size) */
  int max_lines;       /* at most this many lines */
  float line_height;   /* multiple of size */
  /* Set only while a text is fitted (pdf_layout.c), 0 otherwise: the largest ascent and descent
   * (multiples of size) of the fonts that draw that text, when above SC_TEXT_ASCENT/_DESCENT
   * (Noto Naskh Arabic descends 0.63, Noto CJK rises 1.15). */
  float ascent, descent;
  sc_align align;
  sc_rgb color;
  int family; /* 0 sans, 1 serif */
  bool bold;
} sc_tpl_text;

/* Every text block has a box (mm, top-left origin) that its text never leaves, whatever its
 * length (pdf_layout.c): the renderer shrinks, wraps and at last cuts the text to fit, and
 * `skillcert template check` refuses boxes that overlap each other, rules, the logo or the QR
 * code, or leave the page (template_check.c). A line at size s takes SC_TEXT_ASCENT * s above
 * its baseline and SC_TEXT_DESCENT * s below (Noto 1.07/0.29, as pdftotext -bbox reports
 * them); text in taller fonts takes their own (sc_text_vertical, pdf_layout.c). */
#define SC_TEXT_ASCENT 1.07f
#define SC_TEXT_DESCENT 0.3f
#define SC_TEXT_MIN_SIZE 4.0f /* points: the smallest size a template may set */

typedef struct sc_box {
  float left, top, right, bottom; /* mm */
} sc_box;

typedef struct sc_tpl_rect {
  float x, y, w, h; /* mm, top-left origin */
  sc_rgb color;
  float stroke; /* mm; 0 = filled */
} sc_tpl_rect;

/* A logo decoded once: 8-bit RGB and (when not opaque) alpha planes, Flate-compressed for the
 * PDF when the first certificate is drawn (pdf_image.c says why then). */
typedef struct sc_logo_streams sc_logo_streams;
typedef struct sc_logo {
  uint32_t width, height;    /* pixels */
  sc_logo_streams *streams; /* the planes and their compressed form: made and kept by
                               pdf_image.c, shared by the threads drawing with one template */
} sc_logo;

struct sc_template {
  char *name;
  char dir[PATH_MAX];
  json_t *achievement;
  float page_w, page_h; /* points, landscape */
  sc_rgb background;
  sc_tpl_rect *rects; /* borders and bands, drawn in order */
  size_t rect_count;
  sc_tpl_text *texts;
  size_t text_count;
  sc_logo logo;                         /* logo.width == 0 when none */
  char badge_file[256];                 /* the badge image (PNG or SVG) in dir, "" when none:
                                           template.json "badge", else the logo's file */
  float logo_x, logo_y, logo_w, logo_h; /* mm */
  float qr_x, qr_y, qr_size;            /* mm, the square including its quiet zone */
  sc_rgb qr_url_color;                  /* the verification URL printed under it */
  char language[8];                     /* template.json "language": its words' language
                                           unless the credential's roster row names one */
  char *font_files[4]; /* template.json "fonts": its own font files by style (sans, sans-bold,
                          serif, serif-bold; see sc_font_slot), NULL for the system's */
  sc_qr_mode qr_mode;                   /* "qr": {"mode"}; UNSET when absent */
};

/* ---------------------------------------------------------------- logo (pdf_image.c) */

int sc_logo_decode(const unsigned char *png, size_t len, const char *what, sc_logo *logo,
                   sc_error *err);
void sc_logo_free(sc_logo *logo);
/* Draws the logo into the box (points, bottom-left origin). */
int sc_logo_draw(HPDF_Doc doc, HPDF_Page page, const sc_logo *logo, float x, float y, float w,
                 float h, sc_error *err);

/* ---------------------------------------------------------------- fonts (pdf_fonts.c) */

/* The four styles a template's text uses; each has its own fallback chain of fonts. */
enum { SC_SLOT_SANS, SC_SLOT_SANS_BOLD, SC_SLOT_SERIF, SC_SLOT_SERIF_BOLD, SC_SLOT_COUNT };

static inline int sc_font_slot(int family, bool bold) {
  return (family == 1 ? SC_SLOT_SERIF : SC_SLOT_SANS) + (bold ? 1 : 0);
}

/* What one glyph drawn in the current document stands for (its ToUnicode entry). */
typedef struct sc_glyph_text {
  uint32_t gid;
  uint8_t len; /* 0: no entry (a glyph only ever drawn inside an ActualText span) */
  uint32_t text[6];
} sc_glyph_text;

/* One font file (a face of it, for .ttc collections), loaded once per renderer, with the
 * glyphs the current document draws from it. */
typedef struct sc_face {
  char *path;
  unsigned index; /* face in a collection */
  hb_face_t *face;
  hb_font_t *font; /* scale = units per em: positions come back in font units */
  unsigned upem, glyph_count;
  bool cff;       /* outlines in a CFF table (OpenType/CFF, e.g. Noto CJK), else glyf */
  uint16_t *cids; /* a CID-keyed CFF font's CID by glyph id; NULL: the code is the glyph id */
  char ps_name[64];
  int ascent, descent, cap_height, bbox[4]; /* font units */
  /* this document */
  hb_set_t *used;       /* glyph ids drawn */
  sc_glyph_text *texts; /* by order of first use */
  size_t text_count, text_cap;
  hb_map_t *text_of; /* gid -> index in texts */
  bool digits_added; /* the hexadecimal digits are in (pdf_fonts.c: add_digits) */
  /* the last subset made, reused while the same glyphs are drawn */
  hb_set_t *subset_glyphs;
  sc_buf subset;
} sc_face;

/* pdf_fontconfig.c: the fonts fontconfig offers for one style, best first, each with the
 * characters it has; loaded (sc_face) only when a character needs it. */
typedef struct sc_font_chain {
  FcFontSet *set;
  int *face; /* per entry: index in the renderer's faces, -1 not loaded, -2 unusable */
} sc_font_chain;

/* *held: this renderer counts among fontconfig's users (released by sc_font_chains_free). */
int sc_font_chains_load(sc_font_chain chains[SC_SLOT_COUNT], bool *held, sc_error *err);
void sc_font_chains_free(sc_font_chain chains[SC_SLOT_COUNT], bool *held);

/* ---------------------------------------------------------------- compression (pdf_flate.c) */

#define SC_FLATE_CACHE 12

typedef struct sc_flate_entry {
  unsigned char *raw; /* the stream's bytes, the key */
  size_t raw_len;
  sc_buf packed;
  uint64_t used; /* for least-recently-used replacement */
} sc_flate_entry;

/* One deflate state, reused, and recently compressed streams. */
typedef struct sc_flate {
  z_stream z;
  bool ready;
  int level;
  sc_flate_entry cache[SC_FLATE_CACHE];
  uint64_t clock;
  uint64_t misses; /* streams compressed because the cache did not hold them */
  sc_buf scratch;  /* the last stream compressed without caching */
} sc_flate;

int sc_flate_compress(sc_flate *f, int level, const void *data, size_t len, sc_buf *out,
                      sc_error *err);
/* *packed: the compressed bytes, from the cache when these exact bytes were seen recently;
 * valid until the next call. */
int sc_flate_cached(sc_flate *f, const void *data, size_t len, const sc_buf **packed,
                    sc_error *err);
void sc_flate_free(sc_flate *f);

struct sc_pdf_renderer {
  sc_face **faces; /* every font file loaded so far (system and template fonts) */
  size_t face_count, face_cap;
  sc_font_chain chains[SC_SLOT_COUNT];
  bool fontconfig_held;
  int brand[SC_SLOT_COUNT]; /* the template's own font per style (a face index), or -1 */
  hb_buffer_t *buffer;
  struct sc_width_entry *widths; /* pdf_text.c: widths of lines shaped before, SC_WIDTH_CACHE */
  sc_flate flate;
  sc_buf page_content;
  HPDF_Doc doc;
  HPDF_STATUS hpdf_error; /* set by libharu's error handler */
  HPDF_STATUS hpdf_detail;
  const char *lang; /* the document being drawn's language (sc_pdf_render) */
};

/* The face that draws cp in a style, or -1. keep: the face of the text around it (or -1),
 * kept when it has cp, so marks, joiners, spaces and punctuation stay in their run. */
int sc_font_pick(sc_pdf_renderer *r, int slot, uint32_t cp, int keep);
/* The face for a font file (loaded on first use); SC_EDATA when it is no usable font. */
int sc_font_face_of_file(sc_pdf_renderer *r, const char *path, unsigned index, int *face,
                         sc_error *err);
/* Is path a font the renderer can use (TrueType or OpenType, glyf or CFF outlines)? */
int sc_font_file_check(const char *path, sc_error *err);
/* The template's own fonts (template.json "fonts") come first in their styles. */
int sc_fonts_for_template(sc_pdf_renderer *r, const sc_template *tpl, sc_error *err);
/* Records that this document draws gid of face, standing for text (len 0: nothing, when the
 * glyph is drawn inside an ActualText span); *mapped: the text its ToUnicode entry gives. */
int sc_font_use_glyph(sc_pdf_renderer *r, int face, uint32_t gid, const uint32_t *text, size_t len,
                      const sc_glyph_text **mapped, sc_error *err);
void sc_font_use_reset(sc_pdf_renderer *r);
/* pdf_fonts_pdf.c: writes the used fonts into the document and registers them as /SCn. */
int sc_fonts_finish(sc_pdf_renderer *r, HPDF_Page page, sc_error *err);
/* pdf_cff.c: the CIDs of a CID-keyed CFF font's glyphs (NULL: not CID-keyed, or unreadable). */
uint16_t *sc_cff_cids(hb_face_t *face, unsigned glyphs);
/* The character code (CID) that draws gid: its CID in a CID-keyed CFF font, else gid. */
static inline uint32_t sc_face_code(const sc_face *f, uint32_t gid) {
  return f->cids && gid < f->glyph_count ? f->cids[gid] : gid;
}
/* The advance of gid in thousandths of an em, as the PDF's /W array gives it. */
int sc_face_pdf_width(const sc_face *f, uint32_t gid);
/* Resource name for face n. */
void sc_font_resource(int face, char out[12]);
/* pdf_subset.c: the font program of face holding only the glyphs used (glyph ids kept). */
int sc_font_subset(sc_face *face, const sc_buf **program, sc_error *err);

/* ---------------------------------------------------------------- text (pdf_text.c) */

typedef struct sc_text_style {
  int family;
  bool bold;
  float size;
  sc_rgb color;
} sc_text_style;

/* A template's fixed lines and the prefixes its wrapping tries are measured again for every
 * certificate: their widths (in ems, per style) are kept, direct-mapped by a hash. */
#define SC_WIDTH_CACHE 512
typedef struct sc_width_entry {
  char *text; /* NULL: empty */
  int slot;
  double ems;
} sc_width_entry;
void sc_width_cache_free(sc_pdf_renderer *r);

/* pdf_text.c: a line shaped. */
/* A glyph to draw, in visual order; positions in the face's font units. */
typedef struct sc_shaped_glyph {
  int face;
  uint32_t gid;
  int32_t advance, x_offset, y_offset;
  uint32_t cluster; /* index in the line's code points of its cluster's first one */
  uint32_t run;     /* index of its run */
} sc_shaped_glyph;

typedef struct sc_text_run {
  size_t start, len; /* code points of the line */
  int face;
  FriBidiLevel level; /* odd: right to left */
} sc_text_run;

typedef struct sc_shaped_line {
  FriBidiChar *text; /* logical order */
  FriBidiStrIndex length;
  FriBidiLevel *levels;
  int *faces; /* per code point */
  sc_text_run *runs;
  size_t run_count;
  sc_shaped_glyph *glyphs;
  size_t count, cap;
} sc_shaped_line;

/* The line shaped in slot's fonts; SC_EDATA naming field when a character has no font. */
int sc_shape_line(sc_pdf_renderer *r, const char *text, int slot, const char *field,
                  sc_shaped_line *line, sc_error *err);
void sc_line_free(sc_shaped_line *line);
/* Characters that steer layout and show nothing (HarfBuzz removes them): they need no font. */
bool sc_is_ignorable(uint32_t cp);

/* Width in points of text (UTF-8, one line) in style; SC_EDATA when a character cannot be drawn. */
int sc_text_width(sc_pdf_renderer *r, const char *text, const sc_text_style *style, float *width,
                  sc_error *err);
/* Draws one line with its left end at (x, y) points from the bottom-left. */
int sc_text_draw(sc_pdf_renderer *r, HPDF_Page page, const char *text, const sc_text_style *style,
                 float x, float y, sc_error *err);
/* The largest ascent and descent (multiples of the size, descent positive) of the fonts that
 * draw text's characters in style's font; characters no font has are left to sc_text_width. */
void sc_text_vertical(sc_pdf_renderer *r, const char *text, const sc_text_style *style,
                      float *ascent, float *descent);
/* For tests: the glyph ids a line is drawn with (visual order) and the file of the face of
 * the first glyph. */
int sc_text_glyphs(sc_pdf_renderer *r, const char *text, const sc_text_style *style, uint32_t *gids,
                   size_t cap, size_t *count, const char **font_file, sc_error *err);

/* ---------------------------------------------------------------- text boxes (pdf_layout.c) */

/* The box of a text block (mm). */
sc_box sc_text_box(const sc_tpl_text *block);
/* The height (mm) that n lines at size take. */
float sc_text_lines_height(const sc_tpl_text *block, float size, size_t n);

typedef struct sc_text_lines {
  char **items;
  size_t *starts; /* where each line starts in the text (a cut line: where its text does) */
  size_t count;
  float size;     /* points: the size they are drawn at */
  float baseline; /* mm from the page's top: the first line's baseline */
  float pitch;    /* points from one baseline to the next */
} sc_text_lines;

/* Fits text into block's box: one line shrunk from size to min_size; else lines wrapped at
 * spaces, shrunk from size to wrap_min_size; else words broken between grapheme clusters too
 * (for the recipient's or achievement's name: down to SC_TEXT_MIN_SIZE, never cut); else, at
 * wrap_min_size, as many lines as fit with the last one cut and ending in "…". */
int sc_text_fit(sc_pdf_renderer *r, const sc_tpl_text *block, const char *text,
                sc_text_style *style, sc_text_lines *out, sc_error *err);
void sc_text_lines_free(sc_text_lines *lines);

/* ---------------------------------------------------------------- document parts */

/* pdf_flate.c: a stream object holding data Flate-compressed; shared: data likely to recur
 * in the next certificates (font programs, ToUnicode maps), so kept compressed. */
HPDF_Dict sc_pdf_flate_stream(sc_pdf_renderer *r, const void *data, size_t len, bool shared,
                              sc_error *err);
/* pdf_flate.c: a stream object for bytes already Flate-compressed. */
HPDF_Dict sc_pdf_packed_stream(HPDF_Doc doc, const void *packed, size_t len);
/* pdf_flate.c: all bytes of a libharu memory stream into out. */
int sc_pdf_stream_bytes(HPDF_Stream stream, sc_buf *out, sc_error *err);
/* pdf_flate.c: compresses what was drawn on the page (call once, when it is finished). */
int sc_pdf_compress_page(sc_pdf_renderer *r, HPDF_Page page, sc_error *err);

/* pdf_attach.c: the exact bytes as embedded file credential.json (Names/EmbeddedFiles, /AF). */
int sc_pdf_attach(sc_pdf_renderer *r, const char *name, const char *data, size_t len,
                  sc_error *err);
/* pdf_qr_link.c: the QR code as a link to <verify_url>/C/<uuid>, and that URL printed (and
 * linked) under it; nothing when verify_url is NULL or "" or the id is no urn:uuid. */
int sc_pdf_qr_link(sc_pdf_renderer *r, HPDF_Page page, const sc_template *tpl,
                   const char *verify_url, const json_t *credential, sc_error *err);
/* pdf_meta.c: title, author, subject, creation date (from validFrom) as UTF-16 strings. */
int sc_pdf_metadata(HPDF_Doc doc, const json_t *credential, const char *lang, sc_error *err);
/* pdf_meta.c: a PDF text string (UTF-16BE with BOM, hex) for UTF-8 text. */
HPDF_Binary sc_pdf_text_string(HPDF_MMgr mmgr, const char *utf8);

/* Fields of the credential that the page shows ("" when absent). */
const char *sc_cred_recipient_name(const json_t *credential);
/* The achievement's key in lang: a plain string, or the lang entry of a VC 2.0 language map. */
const char *sc_cred_achievement(const json_t *credential, const char *key, const char *lang);
const char *sc_cred_issuer_name(const json_t *credential);

/* template_placeholders.c: the {{placeholders}} of template text, each with its value for a
 * signed credential ("" when the credential has none; scratch holds formatted values). */
#define SC_PLACEHOLDER_SCRATCH SC_DATE_LONG_SIZE
typedef struct sc_placeholder {
  const char *name; /* "recipient.name" for {{recipient.name}} */
  /* lang: the certificate's language (dates written out, language maps) */
  const char *(*value)(const json_t *credential, const char *lang,
                       char scratch[SC_PLACEHOLDER_SCRATCH]);
} sc_placeholder;

extern const sc_placeholder sc_placeholders[]; /* ends with {NULL, NULL} */
/* The placeholder called name[0..len), or NULL. */
const sc_placeholder *sc_placeholder_find(const char *name, size_t len);
/* "{{recipient.name}}, {{achievement.name}}, ..." for messages (cut to size). */
void sc_placeholder_names(char *out, size_t size);

#endif
