/* N-Quads: a parser for N-Quads 1.1 documents (the RDFC-1.0 test inputs, and datasets given
 * by hand) and the canonical serialization RDFC-1.0 hashes and outputs (RDF 1.2 N-Quads
 * "canonical form"). */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---------------------------------------------------------------- serializing */

/* RDF 1.2 canonical N-Triples/N-Quads: in a literal, \b \t \n \f \r \" \\ are written as
 * ECHAR, the other C0 controls and U+007F as \uXXXX in upper case; nothing else is escaped. */
static bool needs_escape(unsigned char c) { return c < 0x20 || c == 0x7f || c == '"' || c == '\\'; }

/* Runs of bytes that need no escape (nearly all of a credential's text) are copied at once. */
static bool append_literal_text(sc_buf *out, const char *text, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  size_t plain = 0; /* the start of the run not yet copied */
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (!needs_escape(c))
      continue;
    if (!sc_buf_append(out, text + plain, i - plain))
      return false;
    plain = i + 1;
    const char *echar = NULL;
    switch (c) {
    case '\b': echar = "\\b"; break;
    case '\t': echar = "\\t"; break;
    case '\n': echar = "\\n"; break;
    case '\f': echar = "\\f"; break;
    case '\r': echar = "\\r"; break;
    case '"': echar = "\\\""; break;
    case '\\': echar = "\\\\"; break;
    default: break;
    }
    bool ok;
    if (echar) {
      ok = sc_buf_append(out, echar, 2);
    } else {
      char uchar[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      ok = sc_buf_append(out, uchar, sizeof uchar);
    }
    if (!ok)
      return false;
  }
  return sc_buf_append(out, text + plain, len - plain);
}

/* The writer below reserves room for a whole quad once and then copies each piece with a
 * known length: a line was a dozen calls that each checked the room again, and a strlen for
 * every label and datatype. */

static char *put(char *at, const char *text, size_t len) {
  memcpy(at, text, len);
  return at + len;
}

/* Bytes of text that need no escape, from the start. */
static size_t plain_prefix(const char *text, size_t len) {
  size_t i = 0;
  while (i < len && !needs_escape((unsigned char)text[i]))
    i++;
  return i;
}

/* The most a term can take written (escapes aside, which take the slow path), or 0 for the
 * default graph. */
static size_t term_room(const sc_rdf_term *term, size_t label_len, size_t datatype_len,
                        size_t language_len) {
  switch (term->kind) {
  case SC_RDF_IRI:
    return term->len + 2;
  case SC_RDF_BLANK:
    return label_len + 2;
  case SC_RDF_LITERAL:
    return term->len + 2 + (term->language ? language_len + 1 : datatype_len + 4);
  case SC_RDF_DEFAULT_GRAPH:
    break;
  }
  return 0;
}

typedef struct term_text {
  const char *label; /* a blank node's label */
  size_t label_len, datatype_len, language_len;
  bool show_datatype; /* a literal's datatype is written (not xsd:string) */
  bool plain;         /* a literal with nothing to escape */
} term_text;

static void measure_term(const sc_rdf_term *term, sc_rdf_label_fn blank_label, void *ctx,
                         term_text *t) {
  *t = (term_text){0};
  if (term->kind == SC_RDF_BLANK) {
    t->label = blank_label ? blank_label(ctx, term) : term->value;
    t->label_len = strlen(t->label);
  } else if (term->kind == SC_RDF_LITERAL) {
    t->plain = plain_prefix(term->value, term->len) == term->len;
    if (term->language)
      t->language_len = strlen(term->language);
    else if (term->datatype && strcmp(term->datatype, SC_RDF_XSD_STRING) != 0) {
      t->show_datatype = true;
      t->datatype_len = strlen(term->datatype);
    }
  }
}

/* Writes term at the end of out (room reserved); a literal that needs escapes is written
 * through append_literal_text, and room for the rest of the term reserved again. */
static bool write_term(sc_buf *out, const sc_rdf_term *term, const term_text *t) {
  char *at = (char *)out->data + out->len;
  switch (term->kind) {
  case SC_RDF_IRI:
    *at++ = '<';
    at = put(at, term->value, term->len);
    *at++ = '>';
    break;
  case SC_RDF_BLANK:
    at = put(at, "_:", 2);
    at = put(at, t->label, t->label_len);
    break;
  case SC_RDF_LITERAL:
    *at++ = '"';
    if (t->plain) {
      at = put(at, term->value, term->len);
    } else {
      out->len = (size_t)(at - (char *)out->data);
      if (!append_literal_text(out, term->value, term->len) ||
          !sc_buf_reserve(out, t->language_len + t->datatype_len + 8))
        return false;
      at = (char *)out->data + out->len;
    }
    *at++ = '"';
    if (term->language) {
      *at++ = '@';
      at = put(at, term->language, t->language_len);
    } else if (t->show_datatype) {
      at = put(at, "^^<", 3);
      at = put(at, term->datatype, t->datatype_len);
      *at++ = '>';
    }
    break;
  case SC_RDF_DEFAULT_GRAPH:
    break;
  }
  out->len = (size_t)(at - (char *)out->data);
  return true;
}

bool sc_nquads_append_quad(const sc_rdf_quad *quad, sc_rdf_label_fn blank_label, void *ctx,
                           sc_buf *out) {
  const sc_rdf_term *terms[4] = {&quad->subject, &quad->predicate, &quad->object, &quad->graph};
  for (int i = 0; i < 4; i++) {
    term_text text;
    measure_term(terms[i], blank_label, ctx, &text);
    /* the term, its space, and ".\n" should it be the last */
    if (!sc_buf_reserve(out, term_room(terms[i], text.label_len, text.datatype_len,
                                       text.language_len) + 3) ||
        !write_term(out, terms[i], &text))
      return false;
    if (i < 3 || terms[i]->kind != SC_RDF_DEFAULT_GRAPH)
      out->data[out->len++] = ' ';
  }
  memcpy(out->data + out->len, ".\n", 2);
  out->len += 2;
  out->data[out->len] = '\0';
  return true;
}

/* ---------------------------------------------------------------- parsing */

typedef struct nq_parser {
  const char *p, *end;
  const char *source;
  size_t line;
  sc_error *err;
} nq_parser;

static int nq_fail(nq_parser *ps, const char *expected) {
  return sc_fail(ps->err, SC_EDATA, "%s:%zu: expected %s", ps->source, ps->line, expected);
}

static void skip_blanks(nq_parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
    ps->p++;
}

/* Skips blank lines and comments between statements, counting lines. */
static void skip_to_statement(nq_parser *ps) {
  while (ps->p < ps->end) {
    char c = *ps->p;
    if (c == ' ' || c == '\t' || c == '\r') {
      ps->p++;
    } else if (c == '\n') {
      ps->p++;
      ps->line++;
    } else if (c == '#') {
      while (ps->p < ps->end && *ps->p != '\n' && *ps->p != '\r')
        ps->p++;
    } else {
      return;
    }
  }
}

/* \uXXXX or \UXXXXXXXX at ps->p (after the backslash and letter were seen). */
static int read_uchar(nq_parser *ps, int digits, sc_buf *out) {
  if (ps->end - ps->p < digits)
    return nq_fail(ps, "hexadecimal digits after \\u or \\U");
  uint32_t code = 0; /* eight hex digits fill 32 bits: unsigned, so \UFFFFFFFF wraps nowhere */
  for (int i = 0; i < digits; i++) {
    int d = sc_hex_digit((unsigned char)ps->p[i]);
    if (d < 0)
      return nq_fail(ps, "hexadecimal digits after \\u or \\U");
    code = code * 16 + (uint32_t)d;
  }
  ps->p += digits;
  if (code > 0x10FFFF || !utf8proc_codepoint_valid((utf8proc_int32_t)code))
    return nq_fail(ps, "a Unicode scalar value in \\u or \\U");
  utf8proc_uint8_t bytes[4];
  utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)code, bytes);
  return sc_buf_append(out, bytes, (size_t)n) ? SC_OK : sc_oom(ps->err);
}

/* An escape after a backslash: UCHAR always, ECHAR only where allow_echar (literals). */
static int read_escape(nq_parser *ps, bool allow_echar, sc_buf *out) {
  if (ps->p >= ps->end)
    return nq_fail(ps, "an escape after '\\'");
  char c = *ps->p++;
  if (c == 'u')
    return read_uchar(ps, 4, out);
  if (c == 'U')
    return read_uchar(ps, 8, out);
  static const char from[] = "tbnrf\"'\\";
  static const char to[] = "\t\b\n\r\f\"'\\";
  const char *hit = allow_echar ? strchr(from, c) : NULL;
  if (!hit || !c)
    return nq_fail(ps, allow_echar ? "one of \\t \\b \\n \\r \\f \\\" \\' \\\\ \\u \\U"
                                   : "\\u or \\U in an IRI");
  return sc_buf_append_byte(out, (unsigned char)to[hit - from]) ? SC_OK : sc_oom(ps->err);
}

static int read_iri(nq_parser *ps, sc_buf *out) {
  ps->p++; /* '<' */
  while (ps->p < ps->end && *ps->p != '>') {
    unsigned char c = (unsigned char)*ps->p;
    if (c <= 0x20 || strchr("<\"{}|^`", c))
      return nq_fail(ps, "an IRI without spaces or <\"{}|^`");
    int rc;
    if (c == '\\') {
      ps->p++;
      rc = read_escape(ps, false, out);
    } else {
      ps->p++;
      rc = sc_buf_append_byte(out, c) ? SC_OK : sc_oom(ps->err);
    }
    if (rc)
      return rc;
  }
  if (ps->p >= ps->end)
    return nq_fail(ps, "'>' closing the IRI");
  ps->p++;
  /* \u escapes must not bring in what an IRI cannot hold (RDF 1.1 N-Triples 2.3): the
   * canonical form writes IRIs as they are. */
  for (size_t i = 0; i < out->len; i++)
    if (out->data[i] <= 0x20 || strchr("<>\"{}|^`\\", out->data[i]))
      return nq_fail(ps, "an IRI without spaces, control characters or <>\"{}|^`\\");
  if (!strchr((const char *)out->data ? (const char *)out->data : "", ':'))
    return nq_fail(ps, "an absolute IRI");
  return SC_OK;
}

/* A blank node label's characters (PN_CHARS and '.'; a final '.' ends the statement). */
static int read_blank(nq_parser *ps, sc_buf *out) {
  ps->p += 2; /* "_:" */
  const char *start = ps->p;
  while (ps->p < ps->end) {
    unsigned char c = (unsigned char)*ps->p;
    if (c <= 0x20 || strchr("<>\"{}|^`\\#", c))
      break;
    ps->p++;
  }
  while (ps->p > start && ps->p[-1] == '.')
    ps->p--;
  if (ps->p == start)
    return nq_fail(ps, "a blank node label after _:");
  return sc_buf_append(out, start, (size_t)(ps->p - start)) ? SC_OK : sc_oom(ps->err);
}

static int read_string(nq_parser *ps, sc_buf *out) {
  ps->p++; /* '"' */
  while (ps->p < ps->end && *ps->p != '"') {
    char c = *ps->p++;
    if (c == '\n' || c == '\r')
      return nq_fail(ps, "'\"' closing the literal before the end of the line");
    int rc = c == '\\' ? read_escape(ps, true, out)
                       : (sc_buf_append_byte(out, (unsigned char)c) ? SC_OK : sc_oom(ps->err));
    if (rc)
      return rc;
  }
  if (ps->p >= ps->end)
    return nq_fail(ps, "'\"' closing the literal");
  ps->p++;
  return SC_OK;
}

static int read_langtag(nq_parser *ps, char **language) {
  const char *start = ++ps->p; /* after '@' */
  while (ps->p < ps->end &&
         ((*ps->p >= 'a' && *ps->p <= 'z') || (*ps->p >= 'A' && *ps->p <= 'Z') ||
          (*ps->p >= '0' && *ps->p <= '9') || *ps->p == '-'))
    ps->p++;
  if (ps->p == start || *start == '-' || (*start >= '0' && *start <= '9'))
    return nq_fail(ps, "a language tag after '@'");
  size_t len = (size_t)(ps->p - start);
  *language = malloc(len + 1);
  if (!*language)
    return sc_oom(ps->err);
  memcpy(*language, start, len);
  (*language)[len] = '\0';
  return SC_OK;
}

/* One term into *term (strings owned by term); what says which kinds are allowed. */
enum { ALLOW_IRI = 1, ALLOW_BLANK = 2, ALLOW_LITERAL = 4 };

static void owned_term_free(sc_rdf_term *term) {
  free(term->value);
  free(term->datatype);
  free(term->language);
  *term = (sc_rdf_term){0};
}

static int read_term(nq_parser *ps, int allow, const char *expected, sc_rdf_term *term) {
  skip_blanks(ps);
  sc_buf text = {0};
  int rc;
  if (ps->p < ps->end && *ps->p == '<' && (allow & ALLOW_IRI)) {
    term->kind = SC_RDF_IRI;
    rc = read_iri(ps, &text);
  } else if (ps->end - ps->p >= 2 && ps->p[0] == '_' && ps->p[1] == ':' && (allow & ALLOW_BLANK)) {
    term->kind = SC_RDF_BLANK;
    rc = read_blank(ps, &text);
  } else if (ps->p < ps->end && *ps->p == '"' && (allow & ALLOW_LITERAL)) {
    term->kind = SC_RDF_LITERAL;
    rc = read_string(ps, &text);
    if (!rc && ps->p < ps->end && *ps->p == '@') {
      rc = read_langtag(ps, &term->language);
    } else if (!rc && ps->end - ps->p >= 2 && ps->p[0] == '^' && ps->p[1] == '^') {
      ps->p += 2;
      sc_buf datatype = {0};
      rc = ps->p < ps->end && *ps->p == '<' ? read_iri(ps, &datatype)
                                            : nq_fail(ps, "a datatype IRI after ^^");
      term->datatype = rc ? NULL : sc_buf_take(&datatype);
      sc_buf_free(&datatype);
      if (!rc && !term->datatype)
        rc = sc_oom(ps->err);
    }
  } else {
    return nq_fail(ps, expected);
  }
  term->len = text.len;
  term->value = rc ? NULL : sc_buf_take(&text);
  sc_buf_free(&text);
  if (!rc && !term->value)
    rc = sc_oom(ps->err);
  if (rc)
    owned_term_free(term);
  return rc;
}

static int read_statement(nq_parser *ps, sc_rdf_dataset *dataset) {
  sc_rdf_quad quad = {0};
  int rc = read_term(ps, ALLOW_IRI | ALLOW_BLANK, "a subject (IRI or blank node)", &quad.subject);
  if (!rc)
    rc = read_term(ps, ALLOW_IRI, "a predicate IRI", &quad.predicate);
  if (!rc)
    rc = read_term(ps, ALLOW_IRI | ALLOW_BLANK | ALLOW_LITERAL, "an object", &quad.object);
  skip_blanks(ps);
  if (!rc && ps->p < ps->end && *ps->p != '.')
    rc = read_term(ps, ALLOW_IRI | ALLOW_BLANK, "a graph name or '.'", &quad.graph);
  skip_blanks(ps);
  if (!rc && (ps->p >= ps->end || *ps->p != '.'))
    rc = nq_fail(ps, "'.' ending the statement");
  if (!rc) {
    ps->p++;
    skip_blanks(ps);
    if (ps->p < ps->end && *ps->p != '\n' && *ps->p != '\r' && *ps->p != '#')
      rc = nq_fail(ps, "the end of the line after '.'");
  }
  if (!rc && !sc_rdf_dataset_add(dataset, &quad))
    rc = sc_oom(ps->err);
  owned_term_free(&quad.subject);
  owned_term_free(&quad.predicate);
  owned_term_free(&quad.object);
  owned_term_free(&quad.graph);
  return rc;
}

int sc_nquads_parse(const char *text, size_t len, const char *source, sc_rdf_dataset *dataset,
                    sc_error *err) {
  nq_parser ps = {.p = text, .end = text + len, .source = source, .line = 1, .err = err};
  for (;;) {
    skip_to_statement(&ps);
    if (ps.p >= ps.end)
      return SC_OK;
    int rc = read_statement(&ps, dataset);
    if (rc)
      return rc;
  }
}
