/* A batch's credentials in one statement: on a back-end with COPY (PostgreSQL), the rows a
 * batch's transaction inserts (sc_registry_begin_issue … sc_registry_commit) are kept as COPY
 * text rows and sent at the commit, instead of one INSERT each. On a server the statement, not
 * the row, is what costs: a chunk of 128 credentials recorded with COPY takes about half the
 * server CPU of 128 prepared INSERTs (docs/benchmarks.md "Workers"). Nothing is recorded
 * unless the whole chunk is: a refused row (a learner already issued) fails the COPY, the
 * commit fails, and the batch rolls the chunk back as before. */
#include "issuer/registry_internal.h"

#include <stdio.h>
#include <string.h>

#define COPY_SQL                                                                                   \
  "COPY credentials (id, learner_id, achievement, recipient_name, email_hash, status_list,"        \
  " status_index, issued_at, valid_until, template, json_path, pdf_path, credential, language,"    \
  " reissued_from) FROM STDIN"

/* A text field of COPY's text format: \N for NULL; backslash, newline, carriage return and tab
 * escaped (every other byte stands for itself), then the column's delimiter. */
static bool append_text(sc_buf *out, const char *text, char delimiter) {
  bool ok = true;
  if (!text)
    ok = sc_buf_append(out, "\\N", 2);
  for (const char *p = text; ok && p && *p; p++) {
    const char *escaped = *p == '\\' ? "\\\\" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r"
                          : *p == '\t' ? "\\t" : NULL;
    ok = escaped ? sc_buf_append(out, escaped, 2) : sc_buf_append_byte(out, (unsigned char)*p);
  }
  return ok && sc_buf_append_byte(out, (unsigned char)delimiter);
}

static bool append_number(sc_buf *out, int64_t value) {
  char text[24];
  snprintf(text, sizeof text, "%lld\t", (long long)value);
  return sc_buf_append_str(out, text);
}

/* bytea's hex input (\x…), its backslash escaped for COPY. */
static bool append_bytes(sc_buf *out, const sc_buf *bytes) {
  static const char hex[] = "0123456789abcdef";
  if (!sc_buf_reserve(out, 4 + 2 * bytes->len) || !sc_buf_append(out, "\\\\x", 3))
    return false;
  for (size_t i = 0; i < bytes->len; i++) {
    sc_buf_append_byte(out, (unsigned char)hex[bytes->data[i] >> 4]);
    sc_buf_append_byte(out, (unsigned char)hex[bytes->data[i] & 15]);
  }
  return sc_buf_append_byte(out, '\t');
}

int sc_registry_stage_credential(sc_registry *reg, const sc_issued_record *rec, int64_t achievement,
                                 const sc_buf *packed, sc_error *err) {
  sc_buf *out = &reg->staged;
  bool ok = append_text(out, rec->id, '\t') && append_text(out, rec->learner_id, '\t') &&
            append_number(out, achievement) && append_text(out, rec->recipient_name, '\t') &&
            append_text(out, rec->email_hash, '\t') && append_number(out, rec->status_list) &&
            append_number(out, rec->status_index) && append_text(out, rec->issued_at, '\t') &&
            append_text(out, rec->valid_until, '\t') &&
            append_text(out, rec->template_name, '\t') &&
            append_text(out, sc_registry_stored_path(reg, rec->json_path), '\t') &&
            append_text(out, sc_registry_stored_path(reg, rec->pdf_path), '\t') &&
            append_bytes(out, packed) &&
            append_text(out, rec->language, '\t') && append_text(out, rec->reissued_from, '\n');
  if (!ok)
    return sc_oom(err);
  reg->staged_rows++;
  return SC_OK;
}

int sc_registry_flush_staged(sc_registry *reg, sc_error *err) {
  if (!reg->staged_rows)
    return SC_OK;
  bool unique = false;
  int rc = reg->driver->copy_in(reg, COPY_SQL, (const char *)reg->staged.data, reg->staged.len,
                                &unique, err);
  sc_buf_reset(&reg->staged);
  reg->staged_rows = 0;
  if (rc != SC_OK && unique) /* the message names the key: a learner issued already */
    rc = err->code = SC_EUSAGE;
  return rc;
}

void sc_registry_staging_end(sc_registry *reg) {
  reg->staging = false;
  sc_buf_reset(&reg->staged);
  reg->staged_rows = 0;
}
