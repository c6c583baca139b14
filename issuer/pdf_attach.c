/* libharu builds PDF objects in memory: a failure to make or add one is memory that ran out.
 *
 * The signed credential as an embedded file. libharu 2.3.0's HPDF_AttachFile reads from disk
 * and writes the file specification with /Type /F (it must be /Filespec), which qpdf flags;
 * so the objects are built here: EmbeddedFile stream, Filespec, Names/EmbeddedFiles, /AF. */
#include "issuer/pdf_internal.h"

#include <hpdf_catalog.h>
#include <stdio.h>

static HPDF_Dict embedded_file(sc_pdf_renderer *r, const char *data, size_t len, sc_error *err) {
  HPDF_Doc doc = r->doc;
  HPDF_Dict file = sc_pdf_flate_stream(r, data, len, false, err);
  HPDF_Dict params = file ? HPDF_Dict_New(doc->mmgr) : NULL; /* file is the xref's already */
  if (!params)
    return NULL;
  HPDF_STATUS st = HPDF_Dict_AddName(file, "Type", "EmbeddedFile");
  st |= HPDF_Dict_AddName(file, "Subtype", "application/json");
  st |= HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)len);
  st |= HPDF_Dict_Add(file, "Params", params);
  return st == HPDF_OK ? file : NULL;
}

static HPDF_Dict file_spec(HPDF_Doc doc, const char *name, HPDF_Dict file) {
  HPDF_Dict spec = HPDF_Dict_New(doc->mmgr);
  if (!spec || HPDF_Xref_Add(doc->xref, spec) != HPDF_OK) /* which frees spec when it fails */
    return NULL;
  HPDF_Dict ef = HPDF_Dict_New(doc->mmgr);
  if (!ef)
    return NULL;
  HPDF_STATUS st = HPDF_Dict_AddName(spec, "Type", "Filespec");
  st |= HPDF_Dict_Add(spec, "F", HPDF_String_New(doc->mmgr, name, NULL));
  st |= HPDF_Dict_Add(spec, "UF", HPDF_String_New(doc->mmgr, name, NULL));
  st |= HPDF_Dict_Add(spec, "Desc",
                      sc_pdf_text_string(doc->mmgr, "The signed verifiable credential "
                                                    "(Open Badges 3.0)"));
  st |= HPDF_Dict_AddName(spec, "AFRelationship", "Source");
  st |= HPDF_Dict_Add(ef, "F", file);
  st |= HPDF_Dict_Add(ef, "UF", file);
  st |= HPDF_Dict_Add(spec, "EF", ef);
  return st == HPDF_OK ? spec : NULL;
}

int sc_pdf_attach(sc_pdf_renderer *r, const char *name, const char *data, size_t len,
                  sc_error *err) {
  HPDF_Doc doc = r->doc;
  HPDF_Dict file = embedded_file(r, data, len, err);
  HPDF_Dict spec = file ? file_spec(doc, name, file) : NULL;
  HPDF_Dict names = spec ? HPDF_Dict_New(doc->mmgr) : NULL;
  HPDF_Dict tree = names ? HPDF_Dict_New(doc->mmgr) : NULL;
  HPDF_Array list = tree ? HPDF_Array_New(doc->mmgr) : NULL;
  HPDF_Array af = list ? HPDF_Array_New(doc->mmgr) : NULL;
  if (!af) { /* what was made belongs to nothing yet */
    if (list)
      HPDF_Array_Free(list);
    if (tree)
      HPDF_Dict_Free(tree);
    if (names)
      HPDF_Dict_Free(names);
    return sc_fail(err, SC_ESOFTWARE, "cannot attach %s: out of memory", name);
  }
  HPDF_STATUS st = HPDF_Array_Add(list, HPDF_String_New(doc->mmgr, name, NULL));
  st |= HPDF_Array_Add(list, spec);
  st |= HPDF_Dict_Add(tree, "Names", list);
  st |= HPDF_Dict_Add(names, "EmbeddedFiles", tree);
  st |= HPDF_Dict_Add(doc->catalog, "Names", names);
  st |= HPDF_Array_Add(af, spec);
  st |= HPDF_Dict_Add(doc->catalog, "AF", af);
  if (st != HPDF_OK)
    return sc_fail(err, SC_ESOFTWARE, "cannot attach %s: out of memory", name);
  return SC_OK;
}
