/*
 * issuer/roster_internal.h — shared by the roster reader's files (roster.c, roster_csv.c,
 * roster_jsonl.c, roster_validate.c); not part of the public interface.
 */
#ifndef SKILLCERT_ROSTER_INTERNAL_H
#define SKILLCERT_ROSTER_INTERNAL_H

#include <csv.h>
#include <stdio.h>

#include "issuer/issuer.h"

/* The fields a roster row can carry, in the order sc_roster_row lists them. */
enum roster_field {
  FIELD_NAME,
  FIELD_EMAIL,
  FIELD_ID,
  FIELD_DID,
  FIELD_VALID_UNTIL,
  FIELD_ACHIEVEMENT,
  FIELD_LANGUAGE,
  FIELD_COUNT,
  FIELD_UNKNOWN = -1,
};

#define ROSTER_KNOWN_FIELDS "name, email, id, did, valid_until, achievement"
#define ROSTER_CHUNK_BYTES ((size_t)64 << 10)  /* read size: memory stays at about this */
#define ROSTER_MAX_ROW_BYTES ((size_t)1 << 20) /* a longer row is an unclosed quote */
#define ROSTER_MAX_COLUMNS 256

/* One row as read: the values of the known fields (owned, NULL when absent) and the line. */
typedef struct roster_record {
  size_t line;
  char *fields[FIELD_COUNT];
  size_t columns;      /* CSV: how many columns the row had */
  unsigned nul_fields; /* bit per field whose value held U+0000 (cut there) */
  bool too_long;       /* CSV: longer than ROSTER_MAX_ROW_BYTES (its values are not kept) */
} roster_record;

/* A few completed rows waiting for sc_roster_next (several only when rows end with a bare CR,
 * so that one fed line holds more than one row). */
typedef struct roster_queue {
  roster_record *items;
  size_t head, count, cap;
} roster_queue;

typedef enum roster_format { ROSTER_CSV, ROSTER_JSONL } roster_format;

struct sc_roster {
  char path[PATH_MAX];
  char dir[PATH_MAX]; /* the roster's folder */
  FILE *file;
  roster_format format;
  const sc_roster_options *opts;
  /* Validation collects row problems through report; sc_roster_next without it stops at the
   * first one. */
  sc_roster_report_fn report;
  void *report_ctx;
  size_t problems;
  /* Input: one chunk of the file at a time. */
  unsigned char chunk[ROSTER_CHUNK_BYTES];
  size_t chunk_len, chunk_pos;
  bool eof, done;
  bool broken; /* stopped early: the rest of the file cannot be read as rows */
  size_t line; /* line of the next byte to be consumed */
  /* CSV state. */
  struct csv_parser csv;
  bool csv_ready, header_done, no_header;
  int column_field[ROSTER_MAX_COLUMNS]; /* field of each header column, or FIELD_UNKNOWN */
  size_t columns, header_line;
  size_t header_columns;            /* as many as the header had, even past ROSTER_MAX_COLUMNS */
  bool missing_column[FIELD_COUNT]; /* reported once at the header, not again per row */
  char *header[ROSTER_MAX_COLUMNS]; /* the header's names while it is being read */
  roster_record building;           /* the row libcsv is delivering fields of */
  size_t building_columns, row_start;
  size_t row_field_bytes; /* the delivered fields of the row being read, with separators */
  int callback_error;     /* set inside libcsv callbacks, which cannot return one */
  bool too_many_columns;
  roster_queue queue;
  /* JSON Lines state. */
  sc_buf jsonl_line;
  /* The row handed out last: its strings live until the next call. */
  roster_record current;
  char achievement_path[PATH_MAX];
  /* A row without an id: the learner id made from its e-mail (roster_learner_id). */
  bool id_from_email;
  char email_id[80];
};

/* Field index of a name ("Email " → FIELD_EMAIL), after the --map renames; FIELD_UNKNOWN
 * when none. */
int roster_field_of(const sc_roster *r, const char *name, size_t len);
const char *roster_field_name(int field);

/* A problem in a row or the header: reported and counted when validating (returns SC_OK so
 * reading goes on), else SC_EDATA "FILE:LINE: message" (line 0: "FILE: message"). */
int roster_problem(sc_roster *r, sc_error *err, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void roster_record_free(roster_record *rec);
/* A NUL-terminated copy of value without surrounding whitespace; NULL when out of memory. */
char *roster_copy_value(const char *value, size_t len);
/* Refills the chunk when it is used up; false at the end of the file. */
bool roster_fill(sc_roster *r, sc_error *err, int *rc);

int roster_csv_start(sc_roster *r, sc_error *err);
int roster_csv_next(sc_roster *r, roster_record *out, sc_error *err);
void roster_csv_free(sc_roster *r);

int roster_jsonl_next(sc_roster *r, roster_record *out, sc_error *err);

/* Opens for validation: header and row problems go to report instead of failing. */
int roster_open_reporting(const char *path, const sc_roster_options *opts,
                          sc_roster_report_fn report, void *ctx, sc_roster **out, sc_error *err);
/* The current row is too long or has another number of fields than the header (reported by
 * the reader), so its values cannot be judged. */
bool roster_row_misshapen(const sc_roster *r);
/* SC_OK with out->line == 0 at the end. */
int roster_next_record(sc_roster *r, sc_roster_row *row, sc_error *err);

#endif
