/*
 * The credential.json attachment of a PDF certificate, found the way PDF readers find it:
 * trailer /Root → /Names → /EmbeddedFiles name tree → the file specification named
 * credential.json → /EF /F → the embedded file stream, unfiltered or /FlateDecode.
 * The verifier does not link libharu (docs/design.md "Layers"), so this reads the file with
 * pdf_parse.c, which is written for hostile input. docs/verify-inputs.md lists what is supported.
 */
#include "verifier/pdf_parse.h"
#include "verifier/verifier.h"

#include <stdlib.h>
#include <string.h>

#define ATTACHMENT "credential.json"
#define NAME_TREE_MAX_DEPTH 16
#define NAME_TREE_MAX_NODES 4096

typedef struct name_search {
  const pdf_file *pdf;
  uint32_t visited[NAME_TREE_MAX_NODES]; /* object numbers of the nodes seen: no cycles */
  size_t visits;
  size_t matches;
  size_t spec; /* the file specification of the last match */
} name_search;

/* Adds why an object might be unreadable when the file has object streams. */
static int unreadable(const pdf_file *pdf, sc_error *err, const char *what) {
  if (pdf->has_object_streams)
    return sc_fail(err, SC_EDATA,
                   "PDF: %s not found; the file keeps objects in compressed object streams, "
                   "which skillcert does not read (qpdf --object-streams=disable rewrites it)",
                   what);
  return sc_fail(err, SC_EDATA, "PDF: %s not found", what);
}

static bool visited_before(name_search *s, const pdf_object *node) {
  if (!node)
    return false; /* a direct dictionary cannot form a cycle */
  for (size_t i = 0; i < s->visits; i++)
    if (s->visited[i] == node->num)
      return true;
  return false;
}

/* The /Names array of a node: pairs of (name string, file specification). */
static void match_names(name_search *s, size_t node) {
  size_t names = pdf_dict_get(s->pdf, node, "Names");
  for (size_t key = pdf_array_first(s->pdf, names); key != PDF_NONE;) {
    size_t value = pdf_next_element(s->pdf, key);
    if (value == PDF_NONE)
      break;
    char name[PDF_NAME_MAX + 1];
    if (pdf_small_string(s->pdf, key, name) && strcmp(name, ATTACHMENT) == 0) {
      s->matches++;
      s->spec = pdf_resolve(s->pdf, value, NULL);
    }
    key = pdf_next_element(s->pdf, value);
  }
}

static int search_node(name_search *s, size_t node, const pdf_object *obj, unsigned depth,
                       sc_error *err) {
  if (depth > NAME_TREE_MAX_DEPTH || s->visits == NAME_TREE_MAX_NODES)
    return sc_fail(err, SC_EDATA,
                   "PDF: the /EmbeddedFiles name tree is deeper than %d levels "
                   "or has more than %d nodes",
                   NAME_TREE_MAX_DEPTH, NAME_TREE_MAX_NODES);
  if (visited_before(s, obj))
    return sc_fail(err, SC_EDATA, "PDF: the /EmbeddedFiles name tree has a cycle");
  if (obj)
    s->visited[s->visits++] = obj->num;
  if (!pdf_is_dict(s->pdf, node))
    return sc_fail(err, SC_EDATA, "PDF: an /EmbeddedFiles name tree node is not a dictionary");
  match_names(s, node);
  size_t kids = pdf_dict_get(s->pdf, node, "Kids");
  for (size_t kid = pdf_array_first(s->pdf, kids); kid != PDF_NONE;
       kid = pdf_next_element(s->pdf, kid)) {
    const pdf_object *child_obj = NULL;
    size_t child = pdf_resolve(s->pdf, kid, &child_obj);
    if (child == PDF_NONE)
      return unreadable(s->pdf, err, "an /EmbeddedFiles name tree node");
    int rc = search_node(s, child, child_obj, depth + 1, err);
    if (rc != SC_OK)
      return rc;
  }
  return SC_OK;
}

/* The file specification named credential.json in the catalog's /EmbeddedFiles. */
static int find_file_spec(const pdf_file *pdf, size_t *spec, sc_error *err) {
  if (pdf->trailer == PDF_NONE)
    return unreadable(pdf, err, "the trailer (damaged file?)");
  if (pdf_dict_get(pdf, pdf->trailer, "Encrypt") != PDF_NONE)
    return sc_fail(err, SC_EDATA, "PDF is encrypted; skillcert reads unencrypted certificates");
  size_t root = pdf_dict_get(pdf, pdf->trailer, "Root");
  if (root == PDF_NONE)
    return unreadable(pdf, err, "the document catalog (/Root)");
  const pdf_object *tree_obj = NULL;
  size_t names = pdf_dict_get(pdf, root, "Names");
  size_t tree = pdf_dict_get_object(pdf, names, "EmbeddedFiles", &tree_obj);
  if (tree == PDF_NONE)
    return sc_fail(err, SC_EDATA, "PDF has no " ATTACHMENT " attachment (no embedded files)");
  name_search *s = calloc(1, sizeof *s);
  if (!s)
    return sc_oom(err);
  s->pdf = pdf;
  s->spec = PDF_NONE;
  int rc = search_node(s, tree, tree_obj, 0, err);
  if (rc == SC_OK && s->matches == 0)
    rc = sc_fail(err, SC_EDATA, "PDF has no " ATTACHMENT " attachment");
  else if (rc == SC_OK && s->matches > 1)
    rc = sc_fail(err, SC_EDATA, "PDF has %zu attachments named " ATTACHMENT "; expected one",
                 s->matches);
  *spec = s->spec;
  free(s);
  return rc;
}

/* The embedded file stream of the file specification, checked to name credential.json. */
static int embedded_stream(const pdf_file *pdf, size_t spec, const pdf_object **file,
                           sc_error *err) {
  char f[PDF_NAME_MAX + 1] = "", uf[PDF_NAME_MAX + 1] = "";
  if (spec == PDF_NONE || !pdf_is_dict(pdf, spec))
    return unreadable(pdf, err, "the file specification of " ATTACHMENT);
  pdf_small_string(pdf, pdf_dict_get(pdf, spec, "F"), f);
  pdf_small_string(pdf, pdf_dict_get(pdf, spec, "UF"), uf);
  if (strcmp(f, ATTACHMENT) != 0 && strcmp(uf, ATTACHMENT) != 0)
    return sc_fail(err, SC_EDATA,
                   "PDF: the attachment listed as " ATTACHMENT " is a file "
                   "specification for \"%s\"",
                   uf[0] ? uf : f);
  size_t ef = pdf_dict_get(pdf, spec, "EF");
  size_t stream = pdf_dict_get_object(pdf, ef, "F", file);
  if (stream == PDF_NONE)
    stream = pdf_dict_get_object(pdf, ef, "UF", file);
  if (stream == PDF_NONE || !*file || (*file)->stream == PDF_NONE)
    return unreadable(pdf, err, "the embedded file stream (/EF /F) of " ATTACHMENT);
  size_t type = pdf_dict_get(pdf, stream, "Type");
  if (type != PDF_NONE && !pdf_is_name(pdf, type, "EmbeddedFile"))
    return sc_fail(err, SC_EDATA, "PDF: " ATTACHMENT "'s stream is not /Type /EmbeddedFile");
  return SC_OK;
}

/* The stream's raw data, bounded by /Length, which must end at "endstream". */
static int stream_data(const pdf_file *pdf, const pdf_object *file, const uint8_t **data,
                       size_t *len, sc_error *err) {
  int64_t length = -1;
  if (!pdf_integer(pdf, pdf_dict_get(pdf, file->body, "Length"), &length))
    return sc_fail(err, SC_EDATA, "PDF: " ATTACHMENT "'s stream has no valid /Length");
  if (file->stream > pdf->len || (uint64_t)length > pdf->len - file->stream)
    return sc_fail(err, SC_EDATA,
                   "PDF: " ATTACHMENT "'s stream /Length %lld runs past the end "
                   "of the file",
                   (long long)length);
  size_t end = pdf_skip_space(pdf, file->stream + (size_t)length);
  if (end != file->stream_limit)
    return sc_fail(err, SC_EDATA,
                   "PDF: " ATTACHMENT "'s stream /Length %lld does not end at "
                   "endstream",
                   (long long)length);
  *data = pdf->data + file->stream;
  *len = (size_t)length;
  return SC_OK;
}

static bool is_null(const pdf_file *pdf, size_t at) {
  return pdf_skip_value(pdf, at) == at + 4 && memcmp(pdf->data + at, "null", 4) == 0;
}

/* true when the stream is /FlateDecode, false when unfiltered; SC_EDATA for anything else. */
static int stream_filter(const pdf_file *pdf, const pdf_object *file, bool *flate, sc_error *err) {
  size_t filter = pdf_dict_get(pdf, file->body, "Filter");
  size_t only = pdf_array_first(pdf, filter);
  if (only != PDF_NONE && pdf_next_element(pdf, only) == PDF_NONE)
    filter = only; /* [/FlateDecode] */
  else if (pdf_is_array(pdf, filter) && only == PDF_NONE)
    filter = PDF_NONE; /* [] */
  *flate = filter != PDF_NONE;
  size_t parms = pdf_dict_get(pdf, file->body, "DecodeParms");
  char name[PDF_NAME_MAX + 1] = "?";
  if (filter != PDF_NONE && !pdf_is_name(pdf, filter, "FlateDecode")) {
    pdf_name(pdf, filter, name);
    return sc_fail(err, SC_EDATA,
                   "PDF: " ATTACHMENT " uses the filter /%s; skillcert reads "
                   "unfiltered or /FlateDecode attachments",
                   name);
  }
  if (parms != PDF_NONE && !is_null(pdf, parms))
    return sc_fail(err, SC_EDATA,
                   "PDF: " ATTACHMENT " has /DecodeParms (a predictor), "
                   "which skillcert does not read");
  return SC_OK;
}

/* zlib inflate under sc_inflate_capped's rules: at most SC_JSON_MAX_BYTES out, a whole
 * stream, nothing after its end (bytes hidden there would not be part of the credential). */
static int inflate_capped(const uint8_t *data, size_t len, sc_buf *out, sc_error *err) {
  sc_inflate_options o = {
      .format = SC_INFLATE_ZLIB, .max_out = SC_JSON_MAX_BYTES, .what = "PDF: " ATTACHMENT};
  return sc_inflate_capped(data, len, &o, out, err);
}

static int extract(const pdf_file *pdf, sc_buf *json, sc_error *err) {
  size_t spec = PDF_NONE;
  const pdf_object *file = NULL;
  const uint8_t *data = NULL;
  size_t len = 0;
  bool flate = false;
  int rc = find_file_spec(pdf, &spec, err);
  if (rc == SC_OK)
    rc = embedded_stream(pdf, spec, &file, err);
  if (rc == SC_OK)
    rc = stream_data(pdf, file, &data, &len, err);
  if (rc == SC_OK)
    rc = stream_filter(pdf, file, &flate, err);
  if (rc != SC_OK || flate)
    return rc == SC_OK ? inflate_capped(data, len, json, err) : rc;
  if (len > SC_JSON_MAX_BYTES)
    return sc_fail(err, SC_EDATA, "PDF: " ATTACHMENT " is larger than %zu bytes",
                   SC_JSON_MAX_BYTES);
  return sc_buf_append(json, data, len) ? SC_OK : sc_oom(err);
}

int sc_pdf_extract_credential(const uint8_t *pdf_data, size_t len, sc_buf *json, sc_error *err) {
  pdf_file pdf;
  sc_buf_reset(json);
  int rc = pdf_open(&pdf, pdf_data, len, err);
  if (rc != SC_OK)
    return rc;
  rc = extract(&pdf, json, err);
  pdf_close(&pdf);
  if (rc != SC_OK)
    sc_buf_reset(json);
  return rc;
}
