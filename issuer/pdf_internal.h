/*
 * issuer/pdf_internal.h — shared by template.c and the PDF renderer (pdf_*.c), not public.
 *
 * The renderer draws text with its own TrueType handling instead of libharu's font objects:
 * libharu 2.3.0 embeds whole tables (a 140 KB font program for one Latin name), re-reads the
 * font file for every document, writes a broken ToUnicode CMap and needs 65,536-entry tables
 * for every UTF-8 font. Here every font file becomes one Type0/Identity-H font per document
 * whose subset holds only the glyphs drawn, renumbered, with an exact ToUnicode map.
 */
#ifndef SKILLCERT_PDF_INTERNAL_H
#define SKILLCERT_PDF_INTERNAL_H

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
  char *text;        /* with {{placeholders}} */
  float x, y;        /* mm from the top-left corner; y is the first baseline */
  float size;        /* points */
  float min_size;    /* shrink down to this to fit max_width / max_lines */
  float max_width;   /* mm, 0 = no limit */
  int max_lines;     /* wrap at spaces up to this many lines */
  float line_height; /* multiple of size */
  sc_align align;
  sc_rgb color;
  int family; /* 0 sans, 1 serif */
  bool bold;
} sc_tpl_text;

typedef struct sc_tpl_rect {
  float x, y, w, h; /* mm, top-left origin */
  sc_rgb color;
  float stroke; /* mm; 0 = filled */
} sc_tpl_rect;

/* A logo decoded once: Flate-compressed 8-bit RGB and (when not opaque) alpha planes. */
typedef struct sc_logo {
  uint32_t width, height; /* pixels */
  sc_buf rgb, alpha;
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
  sc_qr_mode qr_mode;                   /* "qr": {"mode"}; UNSET when absent */
};

/* ---------------------------------------------------------------- logo (pdf_image.c) */

int sc_logo_decode(const unsigned char *png, size_t len, const char *what, sc_logo *logo,
                   sc_error *err);
void sc_logo_free(sc_logo *logo);
/* Draws the logo into the box (points, bottom-left origin). */
int sc_logo_draw(HPDF_Doc doc, HPDF_Page page, const sc_logo *logo, float x, float y, float w,
                 float h, sc_error *err);

/* ---------------------------------------------------------------- TrueType (pdf_ttf.c) */

typedef struct sc_ttf {
  unsigned char *data;
  size_t len;
  char name[64];                                              /* PostScript name */
  uint32_t glyf, loca, hmtx, cmap_sub, head, hhea, maxp, os2; /* table offsets */
  uint32_t glyf_len, cvt, cvt_len, fpgm, fpgm_len, prep, prep_len;
  uint16_t cmap_format; /* 4 or 12 */
  uint16_t units_per_em, num_glyphs, num_hmetrics;
  int16_t loca_long;
  int16_t bbox[4], ascent, descent, cap_height;
} sc_ttf;

int sc_ttf_load(const char *path, sc_ttf *font, sc_error *err);
void sc_ttf_free(sc_ttf *font);
uint16_t sc_ttf_glyph(const sc_ttf *font, uint32_t cp);    /* 0 = not in the font */
uint16_t sc_ttf_advance(const sc_ttf *font, uint16_t gid); /* font units */
/* A TrueType font program with glyphs[i] as glyph i (glyphs[0] must be .notdef); composite
 * glyphs' components are appended to glyphs (which must have room for num_glyphs entries). */
int sc_ttf_subset(const sc_ttf *font, uint16_t *glyphs, size_t *count, sc_buf *out, sc_error *err);

/* ---------------------------------------------------------------- fonts (pdf_fonts.c) */

enum {
  SC_FONT_SANS,
  SC_FONT_SANS_BOLD,
  SC_FONT_SERIF,
  SC_FONT_SERIF_BOLD,
  SC_FONT_CJK,
  SC_FONT_HANGUL, /* Debian's DroidSansFallback lacks Hangul syllables */
  SC_FONT_COUNT
};

/* One font file's glyphs used in the current document. */
typedef struct sc_glyph_use {
  uint16_t orig;    /* gid in the font file */
  uint8_t text_len; /* code points the glyph stands for (ToUnicode) */
  uint32_t text[4];
} sc_glyph_use;

typedef struct sc_font_use {
  sc_glyph_use *glyphs; /* by new gid; glyphs[0] is .notdef */
  size_t count, cap;
  uint16_t *map;     /* original gid -> new gid (0 = unused), num_glyphs entries */
  bool digits_added; /* the hexadecimal digits are in (pdf_fonts.c: add_digits) */
} sc_font_use;

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
  sc_ttf fonts[SC_FONT_COUNT];
  sc_font_use use[SC_FONT_COUNT];
  sc_flate flate;
  sc_buf page_content;
  HPDF_Doc doc;
  HPDF_STATUS hpdf_error; /* set by libharu's error handler */
  HPDF_STATUS hpdf_detail;
};

/* The font that draws cp for a family (0 sans, 1 serif) and weight, or -1. */
int sc_font_pick(const sc_pdf_renderer *r, int family, bool bold, uint32_t cp);
/* The new gid for (font, original gid) in this document; text is what the glyph shows. */
int sc_font_use_glyph(sc_pdf_renderer *r, int font, uint16_t gid, const uint32_t *text,
                      size_t text_len, uint16_t *new_gid, sc_error *err);
void sc_font_use_reset(sc_pdf_renderer *r);
/* Writes the used fonts into the document and registers them on the page as /SCn. */
int sc_fonts_finish(sc_pdf_renderer *r, HPDF_Page page, sc_error *err);
/* Resource name for font index n. */
void sc_font_resource(int font, char out[8]);

/* ---------------------------------------------------------------- text (pdf_text.c) */

typedef struct sc_text_style {
  int family;
  bool bold;
  float size;
  sc_rgb color;
} sc_text_style;

/* Width in points of text (UTF-8, one line) in style; SC_EDATA when a character cannot be drawn. */
int sc_text_width(sc_pdf_renderer *r, const char *text, const sc_text_style *style, float *width,
                  sc_error *err);
/* Draws one line with its left end at (x, y) points from the bottom-left. */
int sc_text_draw(sc_pdf_renderer *r, HPDF_Page page, const char *text, const sc_text_style *style,
                 float x, float y, sc_error *err);

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
int sc_pdf_metadata(HPDF_Doc doc, const json_t *credential, sc_error *err);
/* pdf_meta.c: a PDF text string (UTF-16BE with BOM, hex) for UTF-8 text. */
HPDF_Binary sc_pdf_text_string(HPDF_MMgr mmgr, const char *utf8);

/* Fields of the credential that the page shows ("" when absent). */
const char *sc_cred_recipient_name(const json_t *credential);
const char *sc_cred_achievement(const json_t *credential, const char *key);
const char *sc_cred_issuer_name(const json_t *credential);

/* template_placeholders.c: the {{placeholders}} of template text, each with its value for a
 * signed credential ("" when the credential has none; scratch holds formatted values). */
typedef struct sc_placeholder {
  const char *name; /* "recipient.name" for {{recipient.name}} */
  const char *(*value)(const json_t *credential, char scratch[32]);
} sc_placeholder;

extern const sc_placeholder sc_placeholders[]; /* ends with {NULL, NULL} */
/* The placeholder called name[0..len), or NULL. */
const sc_placeholder *sc_placeholder_find(const char *name, size_t len);
/* "{{recipient.name}}, {{achievement.name}}, ..." for messages (cut to size). */
void sc_placeholder_names(char *out, size_t size);

#endif
