/* Font programs holding only the glyphs a document draws, made by hb-subset. */
#include "issuer/pdf_internal.h"

#include <hb-subset.h>

/* A PDF viewer needs outlines and metrics only: the layout tables (shaping is done) and the
 * hinting programs are left out, which also makes the subset several times faster to make. */
static const hb_tag_t dropped[] = {
    HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
    HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
    HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('v', 'h', 'e', 'a'),
    HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'), HB_TAG('m', 'o', 'r', 'x'),
    HB_TAG('S', 'T', 'A', 'T'), HB_TAG('m', 'e', 't', 'a'), HB_TAG('g', 'a', 's', 'p'),
    HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'), HB_TAG('V', 'D', 'M', 'X'),
    HB_TAG('P', 'C', 'L', 'T')};

static int make_subset(sc_face *f, sc_error *err) {
  hb_subset_input_t *input = hb_subset_input_create_or_fail();
  if (!input)
    return sc_oom(err);
  /* Glyph ids are kept (the others become empty), so the content stream's codes, written
   * while the page is drawn, are the glyph ids of the subset (CIDToGIDMap /Identity). A
   * CID-keyed CFF font is addressed by CID, which hb-subset keeps: its glyphs are renumbered. */
  hb_subset_input_set_flags(input, (f->cids ? 0u : (unsigned)HB_SUBSET_FLAGS_RETAIN_GIDS) |
                                       HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
  hb_set_union(hb_subset_input_glyph_set(input), f->used);
  hb_set_t *tables = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
    hb_set_add(tables, dropped[i]);
  hb_face_t *subset = hb_subset_or_fail(f->face, input);
  hb_subset_input_destroy(input);
  if (!subset)
    return sc_fail(err, SC_EDATA, "font %s: hb-subset cannot subset it", f->path);
  /* A CID-keyed font goes in as its bare CFF table (FontFile3 /CIDFontType0C): viewers read
   * its CIDs from the CFF charset. */
  hb_blob_t *blob = f->cids ? hb_face_reference_table(subset, HB_TAG('C', 'F', 'F', ' '))
                            : hb_face_reference_blob(subset);
  unsigned len = 0;
  const char *data = hb_blob_get_data(blob, &len);
  sc_buf_reset(&f->subset);
  bool ok = len > 0 && sc_buf_append(&f->subset, data, len);
  hb_blob_destroy(blob);
  hb_face_destroy(subset);
  if (!ok)
    return len ? sc_oom(err) : sc_fail(err, SC_EDATA, "font %s: hb-subset made nothing", f->path);
  hb_set_set(f->subset_glyphs, f->used);
  return hb_set_allocation_successful(f->subset_glyphs) ? SC_OK : sc_oom(err);
}

int sc_font_subset(sc_face *f, const sc_buf **program, sc_error *err) {
  int rc =
      f->subset.len && hb_set_is_equal(f->subset_glyphs, f->used) ? SC_OK : make_subset(f, err);
  *program = &f->subset;
  return rc;
}
