/*
 * The credential.json attachment of a PDF certificate, found the way PDF readers find it:
 * trailer /Root → /Names → /EmbeddedFiles name tree → the file specification named
 * credential.json → /EF /F → the embedded file stream, unfiltered or /FlateDecode.
 * The file is read by libqpdf (its C API), so linearized files, compressed object streams,
 * cross-reference streams and incremental updates all read as in any PDF reader. The verifier
 * does not link libharu (docs/design.md "Layers"). docs/verify-inputs.md lists what is read.
 *
 * The stream is taken raw from qpdf and inflated here with sc_inflate_capped, not decoded by
 * qpdf: qpdf would inflate a bomb whole in memory before any cap could apply.
 */
#include "verifier/verifier.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTACHMENT "credential.json"
/* The start of both messages for a PDF without the attachment (sc_pdf_lacks_attachment). */
#define NO_ATTACHMENT "PDF has no " ATTACHMENT " attachment"
#define NAME_TREE_MAX_DEPTH 16
#define NAME_TREE_MAX_NODES 4096

typedef struct name_search {
  qpdf_data q;
  int visited[NAME_TREE_MAX_NODES]; /* object numbers of the nodes seen: no cycles */
  size_t visits;
  size_t matches;
  qpdf_oh spec; /* the file specification of the last match */
} name_search;

/* qpdf's object handle calls report a damaged object through qpdf_has_error, not a return
 * value: the error is taken (and cleared) here so the next call starts clean. */
static bool qpdf_failed(qpdf_data q) {
  if (!qpdf_has_error(q))
    return false;
  (void)qpdf_get_error(q);
  return true;
}

static int damaged(qpdf_data q, sc_error *err, const char *what) {
  qpdf_failed(q);
  return sc_fail(err, SC_EDATA, "PDF: %s not found or damaged", what);
}

static bool is_dict(qpdf_data q, qpdf_oh oh) {
  return qpdf_oh_is_dictionary(q, oh) && !qpdf_failed(q);
}

/* A string returned by qpdf lives until qpdf's next call: copied (cut to fit) before any. */
#define TEXT_MAX 256
static void copy_text(const char *from, char to[TEXT_MAX]) {
  snprintf(to, TEXT_MAX, "%s", from ? from : "");
}

/* A text string's value as UTF-8 (qpdf turns UTF-16 and PDFDocEncoding into it); "" if none. */
static void text_of(qpdf_data q, qpdf_oh oh, char text[TEXT_MAX]) {
  text[0] = '\0';
  if (qpdf_oh_is_string(q, oh) && !qpdf_failed(q))
    copy_text(qpdf_oh_get_utf8_value(q, oh), text);
  if (qpdf_failed(q))
    text[0] = '\0';
}

static bool string_equals(qpdf_data q, qpdf_oh oh, const char *text) {
  char value[TEXT_MAX];
  text_of(q, oh, value);
  return strcmp(value, text) == 0;
}

static bool visited_before(name_search *s, int objid) {
  if (objid == 0)
    return false; /* a direct dictionary cannot form a cycle */
  for (size_t i = 0; i < s->visits; i++)
    if (s->visited[i] == objid)
      return true;
  return false;
}

/* The /Names array of a node: pairs of (name string, file specification). */
static void match_names(name_search *s, qpdf_oh node) {
  qpdf_oh names = qpdf_oh_get_key(s->q, node, "/Names");
  int count = qpdf_oh_is_array(s->q, names) ? qpdf_oh_get_array_n_items(s->q, names) : 0;
  if (qpdf_failed(s->q))
    return;
  for (int i = 0; i + 1 < count; i += 2) {
    if (string_equals(s->q, qpdf_oh_get_array_item(s->q, names, i), ATTACHMENT)) {
      s->matches++;
      s->spec = qpdf_oh_get_array_item(s->q, names, i + 1);
    }
    qpdf_failed(s->q);
  }
}

static int search_node(name_search *s, qpdf_oh node, unsigned depth, sc_error *err) {
  if (depth > NAME_TREE_MAX_DEPTH || s->visits == NAME_TREE_MAX_NODES)
    return sc_fail(err, SC_EDATA,
                   "PDF: the /EmbeddedFiles name tree is deeper than %d levels "
                   "or has more than %d nodes",
                   NAME_TREE_MAX_DEPTH, NAME_TREE_MAX_NODES);
  int objid = qpdf_oh_get_object_id(s->q, node);
  if (visited_before(s, objid))
    return sc_fail(err, SC_EDATA, "PDF: the /EmbeddedFiles name tree has a cycle");
  if (objid != 0)
    s->visited[s->visits++] = objid;
  if (!is_dict(s->q, node))
    return sc_fail(err, SC_EDATA, "PDF: an /EmbeddedFiles name tree node is not a dictionary");
  match_names(s, node);
  qpdf_oh kids = qpdf_oh_get_key(s->q, node, "/Kids");
  int count = qpdf_oh_is_array(s->q, kids) ? qpdf_oh_get_array_n_items(s->q, kids) : 0;
  if (qpdf_failed(s->q))
    return damaged(s->q, err, "the /Kids of an /EmbeddedFiles name tree node");
  for (int i = 0; i < count; i++) {
    int rc = search_node(s, qpdf_oh_get_array_item(s->q, kids, i), depth + 1, err);
    if (rc != SC_OK)
      return rc;
  }
  return SC_OK;
}

/* The file specification named credential.json in the catalog's /EmbeddedFiles. */
static int find_file_spec(qpdf_data q, qpdf_oh *spec, sc_error *err) {
  qpdf_oh root = qpdf_get_root(q);
  if (!is_dict(q, root))
    return damaged(q, err, "the document catalog (/Root)");
  qpdf_oh names = qpdf_oh_get_key(q, root, "/Names");
  qpdf_oh tree = is_dict(q, names) ? qpdf_oh_get_key(q, names, "/EmbeddedFiles") : 0;
  if (qpdf_failed(q) || tree == 0 || qpdf_oh_is_null(q, tree))
    return sc_fail(err, SC_EDATA, NO_ATTACHMENT " (no embedded files)");
  name_search *s = calloc(1, sizeof *s);
  if (!s)
    return sc_oom(err);
  s->q = q;
  int rc = search_node(s, tree, 0, err);
  if (rc == SC_OK && s->matches == 0)
    rc = sc_fail(err, SC_EDATA, NO_ATTACHMENT);
  else if (rc == SC_OK && s->matches > 1)
    rc = sc_fail(err, SC_EDATA, "PDF has %zu attachments named " ATTACHMENT "; expected one",
                 s->matches);
  *spec = s->spec;
  free(s);
  return rc;
}

/* The embedded file stream of the file specification, checked to name credential.json. */
static int embedded_stream(qpdf_data q, qpdf_oh spec, qpdf_oh *file, sc_error *err) {
  if (!is_dict(q, spec))
    return damaged(q, err, "the file specification of " ATTACHMENT);
  char uf[TEXT_MAX], f[TEXT_MAX];
  text_of(q, qpdf_oh_get_key(q, spec, "/UF"), uf);
  text_of(q, qpdf_oh_get_key(q, spec, "/F"), f);
  if (strcmp(uf, ATTACHMENT) != 0 && strcmp(f, ATTACHMENT) != 0)
    return sc_fail(err, SC_EDATA,
                   "PDF: the attachment listed as " ATTACHMENT " is a file "
                   "specification for \"%s\"",
                   uf[0] ? uf : f);
  qpdf_oh ef = qpdf_oh_get_key(q, spec, "/EF");
  *file = is_dict(q, ef) ? qpdf_oh_get_key(q, ef, "/F") : 0;
  if (*file == 0 || !qpdf_oh_is_stream(q, *file))
    *file = is_dict(q, ef) ? qpdf_oh_get_key(q, ef, "/UF") : 0;
  if (*file == 0 || !qpdf_oh_is_stream(q, *file) || qpdf_failed(q))
    return damaged(q, err, "the embedded file stream (/EF /F) of " ATTACHMENT);
  qpdf_oh type = qpdf_oh_get_key(q, qpdf_oh_get_dict(q, *file), "/Type");
  if (!qpdf_oh_is_null(q, type) && !qpdf_oh_is_name_and_equals(q, type, "/EmbeddedFile"))
    return sc_fail(err, SC_EDATA, "PDF: " ATTACHMENT "'s stream is not /Type /EmbeddedFile");
  return qpdf_failed(q) ? damaged(q, err, "the embedded file stream of " ATTACHMENT) : SC_OK;
}

/* The one filter of the stream, or 0 for none: a name, [name] or []. */
static qpdf_oh only_filter(qpdf_data q, qpdf_oh filter, bool *several) {
  *several = false;
  if (!qpdf_oh_is_array(q, filter))
    return qpdf_oh_is_null(q, filter) ? 0 : filter;
  int count = qpdf_oh_get_array_n_items(q, filter);
  *several = count > 1;
  return count == 1 ? qpdf_oh_get_array_item(q, filter, 0) : 0;
}

/* true when the stream is /FlateDecode, false when unfiltered; SC_EDATA for anything else. */
static int stream_filter(qpdf_data q, qpdf_oh file, bool *flate, sc_error *err) {
  qpdf_oh dict = qpdf_oh_get_dict(q, file);
  bool several = false;
  qpdf_oh filter = only_filter(q, qpdf_oh_get_key(q, dict, "/Filter"), &several);
  qpdf_oh parms = qpdf_oh_get_key(q, dict, "/DecodeParms");
  if (qpdf_failed(q))
    return damaged(q, err, "the /Filter of " ATTACHMENT);
  *flate = filter != 0;
  if (several || (filter != 0 && !qpdf_oh_is_name_and_equals(q, filter, "/FlateDecode"))) {
    char name[TEXT_MAX] = "(several)";
    if (!several && qpdf_oh_is_name(q, filter))
      copy_text(qpdf_oh_get_name(q, filter), name);
    qpdf_failed(q);
    return sc_fail(err, SC_EDATA,
                   "PDF: " ATTACHMENT " uses the filter %s; skillcert reads "
                   "unfiltered or /FlateDecode attachments",
                   name);
  }
  if (!qpdf_oh_is_null(q, parms))
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

/* The stream's bytes as stored in the file (qpdf_dl_none: no filter applied). */
static int decoded_stream(qpdf_data q, qpdf_oh file, bool flate, sc_buf *json, sc_error *err) {
  unsigned char *raw = NULL;
  size_t len = 0;
  if (qpdf_oh_get_stream_data(q, file, qpdf_dl_none, NULL, &raw, &len) & QPDF_ERRORS) {
    free(raw);
    return damaged(q, err, "the data of " ATTACHMENT "'s stream");
  }
  int rc = SC_OK;
  if (flate)
    rc = inflate_capped(raw, len, json, err);
  else if (len > SC_JSON_MAX_BYTES)
    rc = sc_fail(err, SC_EDATA, "PDF: " ATTACHMENT " is larger than %zu bytes",
                 SC_JSON_MAX_BYTES);
  else if (!sc_buf_append(json, raw, len))
    rc = sc_oom(err);
  free(raw);
  return rc;
}

static int extract(qpdf_data q, sc_buf *json, sc_error *err) {
  qpdf_oh spec = 0, file = 0;
  bool flate = false;
  int rc = find_file_spec(q, &spec, err);
  if (rc == SC_OK)
    rc = embedded_stream(q, spec, &file, err);
  if (rc == SC_OK)
    rc = stream_filter(q, file, &flate, err);
  return rc == SC_OK ? decoded_stream(q, file, flate, json, err) : rc;
}

static int read_pdf(qpdf_data q, const uint8_t *data, size_t len, sc_error *err) {
  qpdf_silence_errors(q);
  qpdf_set_suppress_warnings(q, QPDF_TRUE);
  if (qpdf_read_memory(q, "PDF", (const char *)data, (unsigned long long)len, NULL) &
      QPDF_ERRORS) {
    char detail[TEXT_MAX];
    copy_text(qpdf_get_error_message_detail(q, qpdf_get_error(q)), detail);
    return sc_fail(err, SC_EDATA, "PDF: the file cannot be read (%s)",
                   detail[0] ? detail : "damaged");
  }
  if (qpdf_is_encrypted(q) || qpdf_failed(q))
    return sc_fail(err, SC_EDATA, "PDF is encrypted; skillcert reads unencrypted certificates");
  return SC_OK;
}

int sc_pdf_extract_credential(const uint8_t *pdf_data, size_t len, sc_buf *json, sc_error *err) {
  sc_buf_reset(json);
  qpdf_data q = qpdf_init();
  if (!q)
    return sc_oom(err);
  int rc = read_pdf(q, pdf_data, len, err);
  if (rc == SC_OK)
    rc = extract(q, json, err);
  qpdf_cleanup(&q);
  if (rc != SC_OK)
    sc_buf_reset(json);
  return rc;
}

bool sc_pdf_lacks_attachment(const uint8_t *pdf_data, size_t len) {
  sc_buf json = {0};
  sc_error err = {0};
  int rc = sc_pdf_extract_credential(pdf_data, len, &json, &err);
  sc_buf_free(&json);
  return rc != SC_OK && strncmp(err.message, NO_ATTACHMENT, strlen(NO_ATTACHMENT)) == 0;
}
