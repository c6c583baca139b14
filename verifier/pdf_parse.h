/*
 * verifier/pdf_parse.h — a small, strict PDF object reader for hostile input (pdf_parse.c),
 * used by pdf_extract.c. It never builds an object tree: a value is an offset into the file,
 * read on demand, so memory stays bounded by the object index and every scan is linear.
 *
 * Supported: classic cross-reference tables and xref streams for finding the trailer (the
 * objects themselves are found by scanning the file, so a broken xref does not matter),
 * incremental updates (the last definition of an object wins). Not supported: objects inside
 * compressed object streams (/Type /ObjStm), encrypted files.
 */
#ifndef SKILLCERT_PDF_PARSE_H
#define SKILLCERT_PDF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

#define PDF_NONE SIZE_MAX /* "no such value" offset */
#define PDF_MAX_DEPTH 32  /* nesting of arrays and dictionaries */
#define PDF_NAME_MAX 127  /* longest name or small string we decode */

typedef struct pdf_object {
  uint32_t num;
  uint32_t order;      /* position in the file, so the last definition wins */
  size_t body;         /* offset of the object's value */
  size_t stream;       /* offset of the stream data, PDF_NONE when not a stream */
  size_t stream_limit; /* where "endstream" was found (or the file's end) */
} pdf_object;

typedef struct pdf_file {
  const uint8_t *data;
  size_t len;
  pdf_object *objects; /* sorted by (num, order) */
  size_t count;
  size_t trailer; /* the last trailer dictionary (or xref stream dictionary) */
  bool has_object_streams;
} pdf_file;

/* Indexes every "N G obj" of data. SC_EDATA when it is not a PDF, SC_ESOFTWARE on OOM. */
int pdf_open(pdf_file *pdf, const uint8_t *data, size_t len, sc_error *err);
void pdf_close(pdf_file *pdf);

/* The body offset of object num's last definition, or NULL. */
const pdf_object *pdf_find(const pdf_file *pdf, uint32_t num);

/* Offset of the first byte of the next token at or after at (white space and comments
 * skipped). */
size_t pdf_skip_space(const pdf_file *pdf, size_t at);
/* The end of the value starting at at, or PDF_NONE when it is malformed or too deep. */
size_t pdf_skip_value(const pdf_file *pdf, size_t at);

/* When the value at at is an indirect reference "N G R", follows it (a few hops at most) to
 * the referenced object's body; otherwise returns at. PDF_NONE when the object is missing.
 * obj (may be NULL) receives the object resolved to, or NULL for a direct value. */
size_t pdf_resolve(const pdf_file *pdf, size_t at, const pdf_object **obj);

/* The value of key (without '/') in the dictionary at at, resolved; PDF_NONE when absent
 * or when at is not a dictionary. */
size_t pdf_dict_get(const pdf_file *pdf, size_t at, const char *key);
/* The same, and obj receives the object the value was resolved to (NULL when direct). */
size_t pdf_dict_get_object(const pdf_file *pdf, size_t at, const char *key, const pdf_object **obj);

bool pdf_is_dict(const pdf_file *pdf, size_t at);
bool pdf_is_array(const pdf_file *pdf, size_t at);
/* Offset of the first element of the array at at (after '['); iterate with pdf_next_element
 * until PDF_NONE (end of array or malformed). */
size_t pdf_array_first(const pdf_file *pdf, size_t at);
size_t pdf_next_element(const pdf_file *pdf, size_t element);

/* Is the value at at the name /name? */
bool pdf_is_name(const pdf_file *pdf, size_t at, const char *name);
/* The non-negative integer at at. */
bool pdf_integer(const pdf_file *pdf, size_t at, int64_t *value);
/* Decodes a literal or hex string of at most PDF_NAME_MAX bytes into out (NUL-terminated);
 * UTF-16BE with a byte-order mark is turned into ASCII when it is ASCII. false otherwise. */
bool pdf_small_string(const pdf_file *pdf, size_t at, char out[PDF_NAME_MAX + 1]);
/* Writes the name at at (without '/') into out, or false. */
bool pdf_name(const pdf_file *pdf, size_t at, char out[PDF_NAME_MAX + 1]);

#endif
