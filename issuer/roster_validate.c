/* Roster validation: reads the whole roster once and reports every problem, one line each,
 * "FILE:LINE: field: what is wrong", so a provider can fix the file in one go. */
#include "issuer/roster_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The ids seen so far, as 16 bytes of SHA-256 each (the first 8 place it in an open-addressing
 * table, the other 8 check it): 24 bytes a learner instead of the ids themselves. */
typedef struct id_slot {
  uint64_t bucket, check;
  size_t line; /* 0: empty slot */
} id_slot;

typedef struct id_set {
  id_slot *slots;
  size_t cap, count;
} id_set;

/* One achievement file: loaded once however many rows name it. */
typedef struct achievement_entry {
  char *path;
  char *problem; /* NULL when the file is a valid achievement */
} achievement_entry;

typedef struct validation {
  sc_roster *roster;
  id_set ids;
  achievement_entry *achievements;
  size_t achievement_count;
  int64_t now;
  sc_roster_row_check_fn check;
  void *ctx;
  unsigned refused; /* bit per field of the current row already reported as unusable */
} validation;

static bool field_refused(const validation *v, int field) {
  return v->refused & (1u << field);
}

static uint64_t read_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}

static bool id_set_grow(id_set *set) {
  size_t cap = set->cap ? set->cap * 2 : 1024;
  id_slot *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return false;
  for (size_t i = 0; i < set->cap; i++) {
    if (!set->slots[i].line)
      continue;
    size_t j = set->slots[i].bucket & (cap - 1);
    while (slots[j].line)
      j = (j + 1) & (cap - 1);
    slots[j] = set->slots[i];
  }
  free(set->slots);
  set->slots = slots;
  set->cap = cap;
  return true;
}

/* Adds id seen on line; *first gets the line of an earlier row with the same id (0: new). */
static int id_set_add(id_set *set, const char *id, size_t line, size_t *first, sc_error *err) {
  *first = 0;
  uint8_t digest[32];
  if (sc_sha256(id, strlen(id), digest) != SC_OK)
    return sc_fail(err, SC_ESOFTWARE, "SHA-256 failed");
  if ((set->count + 1) * 2 > set->cap && !id_set_grow(set))
    return sc_oom(err);
  uint64_t bucket = read_u64(digest), check = read_u64(digest + 8);
  size_t j = bucket & (set->cap - 1);
  for (; set->slots[j].line; j = (j + 1) & (set->cap - 1)) {
    if (set->slots[j].bucket == bucket && set->slots[j].check == check) {
      *first = set->slots[j].line;
      return SC_OK;
    }
  }
  set->slots[j] = (id_slot){bucket, check, line};
  set->count++;
  return SC_OK;
}

/* Loads the file unless it was loaded before; *problem is NULL for a valid achievement. */
static int achievement_problem(validation *v, const char *path, const char **problem,
                               sc_error *err) {
  for (size_t i = 0; i < v->achievement_count; i++) {
    if (strcmp(v->achievements[i].path, path) == 0) {
      *problem = v->achievements[i].problem;
      return SC_OK;
    }
  }
  achievement_entry *grown =
      realloc(v->achievements, (v->achievement_count + 1) * sizeof *v->achievements);
  if (!grown)
    return sc_oom(err);
  v->achievements = grown;
  achievement_entry *entry = &grown[v->achievement_count];
  *entry = (achievement_entry){strdup(path), NULL};
  if (!entry->path)
    return sc_oom(err);
  v->achievement_count++;
  char what[sizeof(sc_error){0}.message] = "";
  struct stat st;
  sc_error load_err = {0};
  json_t *achievement = NULL;
  /* Only regular files: a device or FIFO named in a roster must not block the reader. */
  if (stat(path, &st) != 0)
    snprintf(what, sizeof what, "%s: file not found", path);
  else if (!S_ISREG(st.st_mode))
    snprintf(what, sizeof what, "%s: not a regular file", path);
  else if (sc_achievement_load(path, &achievement, &load_err) != SC_OK)
    snprintf(what, sizeof what, "%s", load_err.message);
  json_decref(achievement);
  if (what[0] && !(entry->problem = strdup(what)))
    return sc_oom(err);
  *problem = entry->problem;
  return SC_OK;
}

static int check_name(validation *v, const sc_roster_row *row, sc_error *err) {
  if (v->roster->missing_column[FIELD_NAME] || field_refused(v, FIELD_NAME))
    return SC_OK;
  if (!row->name || !*row->name)
    return roster_problem(v->roster, err, row->line,
                          "name: empty (the learner's name is required)");
  return SC_OK;
}

static int check_email(validation *v, const sc_roster_row *row, sc_error *err) {
  if (v->roster->missing_column[FIELD_EMAIL] || field_refused(v, FIELD_EMAIL))
    return SC_OK;
  if (!row->email || !*row->email)
    return roster_problem(
        v->roster, err, row->line, "email: empty (an e-mail address is required%s)",
        v->roster->id_from_email ? "; without an id it identifies the learner" : "");
  if (!sc_is_email(row->email))
    return roster_problem(v->roster, err, row->line,
                          "email: '%s' is not an e-mail address (expected e.g. ann@example.org)",
                          row->email);
  return SC_OK;
}

/* Without an id the e-mail identifies the learner: two rows with one address would be one
 * learner twice. The reader made the id from the e-mail; an unusable e-mail was reported. */
static int check_email_as_id(validation *v, const sc_roster_row *row, sc_error *err) {
  if (!row->id || field_refused(v, FIELD_EMAIL) || !sc_is_email(row->email))
    return SC_OK;
  size_t first;
  int rc = id_set_add(&v->ids, row->id, row->line, &first, err);
  if (rc == SC_OK && first)
    rc = roster_problem(v->roster, err, row->line,
                        "email: '%s' is already the e-mail of line %zu (without an id column the "
                        "e-mail identifies the learner)",
                        row->email, first);
  return rc;
}

static int check_id(validation *v, const sc_roster_row *row, sc_error *err) {
  if (v->roster->id_from_email)
    return check_email_as_id(v, row, err);
  if (v->roster->missing_column[FIELD_ID] || field_refused(v, FIELD_ID))
    return SC_OK;
  if (!row->id || !*row->id)
    return roster_problem(v->roster, err, row->line,
                          "id: empty (the provider's learner id is required)");
  size_t first;
  int rc = id_set_add(&v->ids, row->id, row->line, &first, err);
  if (rc == SC_OK && first)
    rc = roster_problem(v->roster, err, row->line, "id: '%s' is already the id of line %zu",
                        row->id, first);
  return rc;
}

static int check_did(validation *v, const sc_roster_row *row, sc_error *err) {
  if (row->did && *row->did && !field_refused(v, FIELD_DID) && strncmp(row->did, "did:", 4) != 0)
    return roster_problem(v->roster, err, row->line,
                          "did: expected a DID (did:method:...), got '%s'", row->did);
  return SC_OK;
}

static int check_valid_until(validation *v, const sc_roster_row *row, sc_error *err) {
  if (!row->valid_until || !*row->valid_until || field_refused(v, FIELD_VALID_UNTIL))
    return SC_OK;
  int64_t until;
  sc_error date_err = {0};
  if (sc_valid_until_parse(row->valid_until, v->now, &until, &date_err) != SC_OK)
    return roster_problem(v->roster, err, row->line, "valid_until: %s", date_err.message);
  return SC_OK;
}

static int check_language(validation *v, const sc_roster_row *row, sc_error *err) {
  if (!row->language || !*row->language || field_refused(v, FIELD_LANGUAGE) ||
      sc_lang_match(row->language, 0))
    return SC_OK;
  char known[128] = "";
  for (size_t i = 0; sc_languages[i].tag; i++)
    snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
             sc_languages[i].tag);
  return roster_problem(v->roster, err, row->line, "language: expected one of %s, got '%s'",
                        known, row->language);
}

static int check_achievement(validation *v, const sc_roster_row *row, sc_error *err) {
  if (!row->achievement || field_refused(v, FIELD_ACHIEVEMENT))
    return SC_OK;
  const char *problem = NULL;
  int rc = achievement_problem(v, row->achievement, &problem, err);
  if (rc == SC_OK && problem)
    rc = roster_problem(v->roster, err, row->line, "achievement: %s", problem);
  return rc;
}

/* The caller's check (skillcert: can the fonts draw the name) sees only a name that is there
 * and already passed the text checks, so no row is judged twice or against a missing column. */
static int check_extra(validation *v, const sc_roster_row *row, sc_error *err) {
  if (!v->check || v->roster->missing_column[FIELD_NAME] || field_refused(v, FIELD_NAME) ||
      !row->name || !*row->name)
    return SC_OK;
  sc_error check_err = {0};
  if (v->check(v->ctx, row, &check_err) == SC_OK)
    return SC_OK;
  return roster_problem(v->roster, err, row->line, "%s", check_err.message);
}

/* Every value must be UTF-8 without control characters and not too long; a value refused
 * here is not judged again by the checks below. */
static int check_texts(validation *v, const sc_roster_row *row, sc_error *err) {
  static const size_t max_chars[FIELD_COUNT] = {
      SC_MAX_NAME_CHARS, SC_MAX_EMAIL_CHARS, SC_MAX_ID_CHARS, SC_MAX_DID_CHARS, 64, PATH_MAX, 35};
  const roster_record *rec = &v->roster->current;
  v->refused = rec->nul_fields; /* reported by the reader */
  int rc = SC_OK;
  for (int f = 0; rc == SC_OK && f < FIELD_COUNT; f++) {
    sc_error text_err = {0};
    /* A name also follows the name rules (no bidi controls, a visible letter). */
    int (*check)(const char *, const char *, size_t, sc_error *) =
        f == FIELD_NAME ? sc_name_check : sc_text_check;
    if (!rec->fields[f] || field_refused(v, f) ||
        check(rec->fields[f], roster_field_name(f), max_chars[f], &text_err) == SC_OK)
      continue;
    v->refused |= 1u << f;
    rc = roster_problem(v->roster, err, row->line, "%s", text_err.message);
  }
  return rc;
}

static int check_row(validation *v, const sc_roster_row *row, sc_error *err) {
  /* A row with too few or too many fields was reported by the reader; its values are not
   * where the header says, so judging them would only add noise ("id: empty"). */
  if (roster_row_misshapen(v->roster))
    return SC_OK;
  int (*const checks[])(validation *, const sc_roster_row *, sc_error *) = {
      check_texts, check_name,        check_email,       check_id,
      check_did,   check_valid_until, check_achievement, check_language, check_extra};
  int rc = SC_OK;
  for (size_t i = 0; rc == SC_OK && i < sizeof checks / sizeof checks[0]; i++)
    rc = checks[i](v, row, err);
  return rc;
}

static void count_only(void *ctx, const char *problem) {
  (void)ctx;
  (void)problem;
}

static void validation_free(validation *v) {
  for (size_t i = 0; i < v->achievement_count; i++) {
    free(v->achievements[i].path);
    free(v->achievements[i].problem);
  }
  free(v->achievements);
  free(v->ids.slots);
  sc_roster_close(v->roster);
}

int sc_roster_validate(const char *path, const sc_roster_options *opts,
                       sc_roster_row_check_fn check, sc_roster_report_fn report, void *ctx,
                       sc_roster_summary *summary, sc_error *err) {
  sc_roster_summary counts = {0, 0};
  validation v = {.now = (int64_t)time(NULL), .check = check, .ctx = ctx};
  int rc = roster_open_reporting(path, opts, report ? report : count_only, ctx, &v.roster, err);
  sc_roster_row row;
  while (rc == SC_OK && (rc = roster_next_record(v.roster, &row, err)) == SC_OK && row.line) {
    counts.rows++;
    rc = check_row(&v, &row, err);
  }
  if (rc == SC_OK && counts.rows == 0 && !v.roster->broken)
    rc = roster_problem(v.roster, err, 0, "no learners");
  counts.problems = v.roster ? v.roster->problems : 0;
  validation_free(&v);
  if (summary)
    *summary = counts;
  if (rc == SC_OK && counts.problems)
    rc = sc_fail(err, SC_EDATA, "%s: %zu problem%s in %zu learner%s", path, counts.problems,
                 counts.problems == 1 ? "" : "s", counts.rows, counts.rows == 1 ? "" : "s");
  return rc;
}
