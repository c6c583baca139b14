/* Roster intake: CSV (RFC 4180 through libcsv) and JSON Lines, column mapping, validation
 * messages with their lines, and streaming. Data: tests/data/rosters/. */
#include "test_support.h"

#include <dirent.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "issuer/issuer.h"

#define FUZZ_ROSTER_CHECK_ONLY
#include "tests/fuzz/fuzz_roster.c"

#define DATA "tests/data/rosters/"
/* A complete row a little over the 1 MiB limit: less than one 64 KiB read over it, which the
 * reader used to let through because the row ended inside that last read. */
#define ROSTER_LIMIT_TEST_BYTES ((size_t)1100000)

/* ---------------------------------------------------------------- helpers */

typedef struct reports {
  char *items[64];
  size_t count;
} reports;

static void collect(void *ctx, const char *problem) {
  reports *r = ctx;
  assert_true(r->count < 64);
  r->items[r->count] = strdup(problem);
  assert_non_null(r->items[r->count]);
  r->count++;
}

static void reports_free(reports *r) {
  for (size_t i = 0; i < r->count; i++)
    free(r->items[i]);
  r->count = 0;
}

static void assert_reports(const reports *got, const char *const *want, size_t n) {
  for (size_t i = 0; i < got->count && i < n; i++)
    assert_string_equal(got->items[i], want[i]);
  assert_int_equal(got->count, n);
}

/* The rosters' issuer home: its achievements/ folder is a link to DATA, so that the rosters
 * there can name the achievement files beside them. */
static sc_home data_home = {.root = DATA "home"};
static const sc_roster_options in_data_home = {.home = &data_home};

/* DATA's real path + name, as sc_achievement_locate gives it. */
static const char *real_data(const char *name) {
  static char out[PATH_MAX * 2];
  char dir[PATH_MAX];
  assert_non_null(realpath(DATA, dir));
  snprintf(out, sizeof out, "%s/%s", dir, name);
  return out;
}

static sc_roster *open_ok(const char *path, const sc_roster_options *opts) {
  if (!opts)
    opts = &in_data_home;
  sc_roster *roster = NULL;
  sc_error err = {0};
  if (sc_roster_open(path, opts, &roster, &err) != SC_OK)
    fail_msg("%s: %s", path, err.message);
  return roster;
}

static void next_ok(sc_roster *roster, sc_roster_row *row) {
  sc_error err = {0};
  if (sc_roster_next(roster, row, &err) != SC_OK)
    fail_msg("next: %s", err.message);
}

static void assert_end(sc_roster *roster) {
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 0);
}

static void write_text(const char *dir, const char *name, const char *text, char *path) {
  snprintf(path, 512, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

static int validate(const char *path, const sc_roster_options *opts, reports *got,
                    sc_roster_summary *summary) {
  sc_error err = {0};
  int rc = sc_roster_validate(path, opts ? opts : &in_data_home, NULL, collect, got, summary, &err);
  if (rc != SC_OK)
    assert_non_null(strstr(err.message, path));
  return rc;
}

/* ---------------------------------------------------------------- CSV features */

static void reads_quoted_fields_with_embedded_comma_quote_and_newline(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "quoted.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 2);
  assert_string_equal(row.name, "Ann Lee");
  next_ok(roster, &row);
  assert_int_equal(row.line, 3);
  assert_string_equal(row.name, "Smith, Bob \"Bobby\"");
  assert_string_equal(row.email, "bob@example.org");
  next_ok(roster, &row);
  assert_int_equal(row.line, 4); /* starts on line 4, ends on line 5 */
  assert_string_equal(row.name, "Cara\nJones");
  assert_string_equal(row.id, "L-3");
  next_ok(roster, &row);
  assert_int_equal(row.line, 6);
  assert_string_equal(row.name, "Dan Ray");
  assert_null(row.did);
  assert_null(row.achievement);
  assert_end(roster);
  sc_roster_close(roster);
}

static void reads_crlf_line_endings_keeping_quoted_crlf(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "crlf.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 2);
  assert_string_equal(row.name, "Ann Lee");
  assert_string_equal(row.id, "L-1"); /* no CR left at the end of the last field */
  next_ok(roster, &row);
  assert_int_equal(row.line, 3);
  assert_string_equal(row.name, "Bo\r\nB");
  assert_string_equal(row.id, "L-2");
  assert_end(roster);
  sc_roster_close(roster);
}

static void skips_utf8_byte_order_mark(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "bom.csv", NULL); /* "\xEF\xBB\xBFname" is the name column */
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 2);
  assert_string_equal(row.name, "Ann Lee");
  assert_end(roster);
  sc_roster_close(roster);
}

static void reads_last_row_without_trailing_newline(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "no-trailing-newline.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  next_ok(roster, &row);
  assert_int_equal(row.line, 3);
  assert_string_equal(row.name, "Bob Ray");
  assert_string_equal(row.id, "L-2");
  assert_end(roster);
  sc_roster_close(roster);
}

static void matches_headers_ignoring_case_and_whitespace(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "headers-case.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_string_equal(row.name, "Ann Lee");
  assert_string_equal(row.email, "ann@example.org");
  assert_string_equal(row.id, "L-1");
  assert_string_equal(row.did, "did:example:ann");
  assert_string_equal(row.valid_until, "2099-12-31");
  /* in the home's achievements/ folder, as a real path */
  assert_string_equal(row.achievement, real_data("achievement.json"));
  sc_roster_close(roster);
}

static void renames_columns_with_map(void **state) {
  (void)state;
  const char *maps[] = {"Full name=name", " mail = Email", "LEARNER=id"};
  sc_roster_options opts = {maps, 3, NULL};
  sc_roster *roster = open_ok(DATA "mapped.csv", &opts);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_string_equal(row.name, "Ann Lee");
  assert_string_equal(row.email, "ann@example.org");
  assert_string_equal(row.id, "L-1");
  sc_roster_close(roster);
}

static void refuses_map_to_unknown_field_as_usage_error(void **state) {
  (void)state;
  const char *bad[] = {"Mail=e-mail"}, *no_eq[] = {"Mail"};
  sc_roster_options opts = {bad, 1, NULL}, opts2 = {no_eq, 1, NULL};
  sc_roster *roster = NULL;
  sc_error err = {0};
  assert_int_equal(sc_roster_open(DATA "mapped.csv", &opts, &roster, &err), SC_EUSAGE);
  assert_null(roster);
  assert_non_null(strstr(err.message, "unknown field 'e-mail'"));
  assert_int_equal(sc_roster_open(DATA "mapped.csv", &opts2, &roster, &err), SC_EUSAGE);
  assert_non_null(strstr(err.message, "COLUMN=FIELD"));
}

static void open_refuses_unknown_column_naming_it_and_the_known_fields(void **state) {
  (void)state;
  sc_roster *roster = NULL;
  sc_error err = {0};
  assert_int_equal(sc_roster_open(DATA "unknown-column.csv", NULL, &roster, &err), SC_EDATA);
  assert_null(roster);
  assert_non_null(strstr(err.message, DATA "unknown-column.csv:1: phone: unknown column"));
  assert_non_null(strstr(err.message, "name, email, id, did, valid_until, achievement"));
}

static void open_refuses_missing_required_column(void **state) {
  (void)state;
  sc_roster *roster = NULL;
  sc_error err = {0};
  assert_int_equal(sc_roster_open(DATA "missing-column.csv", NULL, &roster, &err), SC_EDATA);
  assert_string_equal(err.message, DATA
                      "missing-column.csv:1: email: missing column (required: name, email; id optional)");
}

static void malformed_csv_is_an_error_naming_its_line(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "malformed.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  sc_error err = {0};
  assert_int_equal(sc_roster_next(roster, &row, &err), SC_EDATA);
  assert_int_equal(row.line, 0);
  assert_non_null(strstr(err.message, DATA "malformed.csv:3: malformed CSV"));
  sc_roster_close(roster);
}

static void unclosed_quote_at_the_end_is_an_error(void **state) {
  (void)state;
  reports got = {0};
  assert_int_equal(validate(DATA "unclosed-quote.csv", NULL, &got, NULL), SC_EDATA);
  const char *want[] = {DATA "unclosed-quote.csv:3: a quoted field is not closed (missing \")"};
  assert_reports(&got, want, 1);
  reports_free(&got);
}

static void empty_file_opens_with_no_rows(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "empty.csv", NULL);
  assert_end(roster);
  sc_roster_close(roster);
}

static void missing_file_is_enoinput(void **state) {
  (void)state;
  sc_roster *roster = NULL;
  sc_error err = {0};
  assert_int_equal(sc_roster_open(DATA "no-such.csv", NULL, &roster, &err), SC_ENOINPUT);
  assert_int_equal(validate(DATA "no-such.csv", NULL, &(reports){0}, NULL), SC_ENOINPUT);
}

/* ---------------------------------------------------------------- JSON Lines */

static void reads_json_lines_with_bom_blank_lines_and_crlf(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "learners.jsonl", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 1);
  assert_string_equal(row.name, "Ann Lee");
  assert_null(row.valid_until);
  next_ok(roster, &row);
  assert_int_equal(row.line, 3);
  assert_string_equal(row.name, "Bob \"Bobby\" Ray");
  assert_string_equal(row.valid_until, "2099-01-01T00:00:00Z");
  assert_end(roster);
  sc_roster_close(roster);
}

static void detects_json_lines_by_content_not_by_name(void **state) {
  (void)state;
  char dir[64], path[512];
  assert_true(make_temp_dir(dir, "roster"));
  write_text(dir, "learners.csv", "  \n{\"Name\":\"Ann\",\"email\":\"a@b.org\",\"id\":\"1\"}\n",
             path);
  sc_roster *roster = open_ok(path, NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 2);
  assert_string_equal(row.name, "Ann");
  sc_roster_close(roster);
  assert_int_equal(remove_temp_dir(dir), 0);
}

static void validate_reports_json_lines_problems(void **state) {
  (void)state;
  reports got = {0};
  sc_roster_summary summary;
  assert_int_equal(validate(DATA "bad.jsonl", NULL, &got, &summary), SC_EDATA);
  /* Line 3's id is reported once: a line without a usable id is identified by its e-mail. */
  assert_int_equal(got.count, 3);
  assert_non_null(strstr(got.items[0], DATA "bad.jsonl:2: invalid JSON at column"));
  assert_string_equal(got.items[1], DATA "bad.jsonl:3: id: expected a string");
  assert_non_null(strstr(got.items[2], DATA "bad.jsonl:4: phone: unknown field (known fields:"));
  assert_int_equal(summary.problems, 3);
  reports_free(&got);
}

/* ---------------------------------------------------------------- validation */

static void validate_reports_every_bad_row_with_its_line(void **state) {
  (void)state;
  reports got = {0};
  sc_roster_summary summary;
  assert_int_equal(validate(DATA "bad-rows.csv", NULL, &got, &summary), SC_EDATA);
  char broken[PATH_MAX * 3];
  snprintf(broken, sizeof broken,
           DATA "bad-rows.csv:12: achievement: %s: id: expected a URI (e.g. "
                "https://acme.example/a/ai-101)",
           real_data("broken-achievement.json"));
#define F DATA "bad-rows.csv:"
  const char *want[] = {
      F "3: name: empty (the learner's name is required)",
      F "4: email: 'not-an-email' is not an e-mail address (expected e.g. ann@example.org)",
      F "5: name: contains a control character (U+000A) at column 5",
      F "5: id: empty (the provider's learner id is required)",
      F "7: id: 'L-1' is already the id of line 2",
      F "8: did: expected a DID (did:method:...), got 'key:abc'",
      F "9: valid_until: 2020-01-01 is not in the future",
      F "10: valid_until: '31/12/2099' is not a date (YYYY-MM-DD) or a date-time with a time "
        "zone (e.g. 2027-06-30T17:00:00Z)",
      F "11: achievement: " DATA "home/achievements/missing.json: file not found",
      broken,
      F "13: name: contains a control character (U+0001) at column 3",
      F "14: name: not valid UTF-8 text (byte 2)",
      F "15: row has 3 fields, the header has 6",
  };
#undef F
  assert_reports(&got, want, sizeof want / sizeof want[0]);
  assert_int_equal(summary.rows, 15);
  assert_int_equal(summary.problems, 13);
  reports_free(&got);
}

static void validate_accepts_one_good_row(void **state) {
  (void)state;
  reports got = {0};
  sc_roster_summary summary;
  assert_int_equal(validate(DATA "one-row.csv", NULL, &got, &summary), SC_OK);
  assert_int_equal(got.count, 0);
  assert_int_equal(summary.rows, 1);
  assert_int_equal(validate(DATA "headers-case.csv", NULL, &got, &summary), SC_OK);
  assert_int_equal(validate(DATA "learners.jsonl", NULL, &got, &summary), SC_OK);
  assert_int_equal(summary.rows, 2);
}

static void validate_reports_no_learners_for_empty_file_and_header_only(void **state) {
  (void)state;
  reports got = {0};
  sc_roster_summary summary;
  assert_int_equal(validate(DATA "empty.csv", NULL, &got, &summary), SC_EDATA);
  assert_int_equal(validate(DATA "header-only.csv", NULL, &got, &summary), SC_EDATA);
  const char *want[] = {DATA "empty.csv: no learners", DATA "header-only.csv: no learners"};
  assert_reports(&got, want, 2);
  assert_int_equal(summary.rows, 0);
  reports_free(&got);
}

static void validate_names_the_first_line_of_a_duplicate_id(void **state) {
  (void)state;
  reports got = {0};
  assert_int_equal(validate(DATA "duplicate-ids.csv", NULL, &got, NULL), SC_EDATA);
  const char *want[] = {DATA "duplicate-ids.csv:4: id: 'L-1' is already the id of line 2",
                        DATA "duplicate-ids.csv:5: id: 'L-2' is already the id of line 3"};
  assert_reports(&got, want, 2);
  reports_free(&got);
}

static void validate_reports_header_problems_once_not_per_row(void **state) {
  (void)state;
  reports got = {0};
  assert_int_equal(validate(DATA "missing-column.csv", NULL, &got, NULL), SC_EDATA);
  const char *want[] = {DATA
                        "missing-column.csv:1: email: missing column (required: name, email; id optional)"};
  assert_reports(&got, want, 1);
  reports_free(&got);
  assert_int_equal(validate(DATA "unknown-column.csv", NULL, &got, NULL), SC_EDATA);
  assert_int_equal(got.count, 1);
  assert_non_null(strstr(got.items[0], ":1: phone: unknown column (known fields: name, email"));
  reports_free(&got);
}

static int refuse_bob(void *ctx, const sc_roster_row *row, sc_error *err) {
  (void)ctx;
  if (strstr(row->name, "Bob"))
    return sc_fail(err, SC_EDATA, "name: U+0042 cannot be drawn");
  return SC_OK;
}

static void validate_reports_what_the_callers_check_says(void **state) {
  (void)state;
  reports got = {0};
  sc_error err = {0};
  assert_int_equal(sc_roster_validate(DATA "no-trailing-newline.csv", NULL, refuse_bob, collect,
                                      &got, NULL, &err),
                   SC_EDATA);
  const char *want[] = {DATA "no-trailing-newline.csv:3: name: U+0042 cannot be drawn"};
  assert_reports(&got, want, 1);
  reports_free(&got);
}

/* The check spoils the achievement file after the first row: later rows naming the same
 * file, however written, are only still fine because the file was loaded once and
 * remembered. The context is shared with collect, which sees its first member. */
typedef struct deleting_check {
  reports got;
  const char *achievement;
} deleting_check;

static int delete_achievement(void *ctx, const sc_roster_row *row, sc_error *err) {
  (void)err;
  if (row->line == 2) {
    FILE *f = fopen(((deleting_check *)ctx)->achievement, "w");
    assert_non_null(f);
    fputs("not JSON", f);
    fclose(f);
  }
  return SC_OK;
}

static void validate_loads_each_achievement_file_once(void **state) {
  (void)state;
  char dir[64], sub[128], path[512], achievement[512];
  assert_true(make_temp_dir(dir, "roster"));
  snprintf(sub, sizeof sub, "%s/achievements", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  sc_buf text = {0};
  sc_error err = {0};
  assert_int_equal(sc_read_file(DATA "achievement.json", 1 << 20, &text, &err), SC_OK);
  write_text(sub, "a.json", (const char *)text.data, achievement);
  sc_buf_free(&text);
  write_text(dir, "r.csv",
             "name,email,id,achievement\nAnn,a@x.org,1,a.json\nBob,b@x.org,2,a.json\n"
             "Cy,c@x.org,3,./a.json\n",
             path);
  deleting_check ctx = {{{0}, 0}, achievement};
  sc_home home = {0};
  snprintf(home.root, sizeof home.root, "%s", dir);
  sc_roster_options opts = {.home = &home};
  assert_int_equal(sc_roster_validate(path, &opts, delete_achievement, collect, &ctx, NULL, &err),
                   SC_OK);
  assert_int_equal(ctx.got.count, 0); /* "./a.json" is the same file: not loaded again */
  reports_free(&ctx.got);
  assert_int_equal(remove_temp_dir(dir), 0);
}

/* ---------------------------------------------------------------- intake limits and text */

/* Validates text written to a temporary roster; got collects the problems. */
static int validate_text(const char *name, const char *text, reports *got,
                         sc_roster_row_check_fn check, sc_roster_summary *summary) {
  char dir[64], path[512];
  assert_true(make_temp_dir(dir, "roster"));
  write_text(dir, name, text, path);
  sc_error err = {0};
  int rc = sc_roster_validate(path, NULL, check, collect, got, summary, &err);
  assert_int_equal(remove_temp_dir(dir), 0);
  return rc;
}

/* The problem of got->items[i] after "DIR/FILE:" (the temporary folder varies). */
static const char *problem(const reports *got, size_t i) {
  assert_true(i < got->count);
  const char *colon = strchr(strrchr(got->items[i], '/'), ':');
  assert_non_null(colon);
  return colon + 1;
}

static size_t checked_rows;

static int count_checked_names(void *ctx, const sc_roster_row *row, sc_error *err) {
  (void)ctx;
  (void)err;
  assert_non_null(row->name);
  checked_rows++;
  return SC_OK;
}

static void validate_never_checks_a_row_against_a_missing_name_column(void **state) {
  (void)state;
  reports got = {0};
  checked_rows = 0;
  assert_int_equal(
      validate_text("r.csv", "email,id\na@b.org,L1\n", &got, count_checked_names, NULL), SC_EDATA);
  assert_int_equal(checked_rows, 0);
  assert_int_equal(got.count, 1);
  assert_string_equal(problem(&got, 0), "1: name: missing column (required: name, email; id optional)");
  reports_free(&got);
}

static void validate_refuses_invalid_utf8_in_every_field_once(void **state) {
  (void)state;
  reports got = {0};
  checked_rows = 0;
  assert_int_equal(validate_text("r.csv",
                                 "name,email,id,did\n"
                                 "B,b\xfe@b.org,L2,\n"
                                 "C,c@b.org,L\xc3,\n"
                                 "D,d@b.org,L4,did:x:\xff\n"
                                 "E\xff\xfe,e@b.org,L5,\n",
                                 &got, count_checked_names, NULL),
                   SC_EDATA);
  const char *want[] = {
      "2: email: not valid UTF-8 text (byte 2)", "3: id: not valid UTF-8 text (byte 2)",
      "4: did: not valid UTF-8 text (byte 7)", "5: name: not valid UTF-8 text (byte 2)"};
  assert_int_equal(got.count, 4);
  for (size_t i = 0; i < 4; i++)
    assert_string_equal(problem(&got, i), want[i]);
  /* The refused name is not handed to the font check. */
  assert_int_equal(checked_rows, 3);
  reports_free(&got);
}

static void validate_reports_a_control_character_once(void **state) {
  (void)state;
  reports got = {0};
  checked_rows = 0;
  assert_int_equal(validate_text("r.jsonl",
                                 "{\"name\":\"A\\nB\",\"email\":\"a@b.org\",\"id\":\"L1\"}\n"
                                 "{\"name\":\"C\",\"email\":\"c@b.org\",\"id\":\"L\\u0007\"}\n"
                                 "{\"name\":\"D\\u0000\",\"email\":\"d@b.org\",\"id\":\"L3\"}\n",
                                 &got, count_checked_names, NULL),
                   SC_EDATA);
  assert_int_equal(got.count, 3);
  assert_string_equal(problem(&got, 0),
                      "1: name: contains a control character (U+000A) at column 2");
  assert_string_equal(problem(&got, 1), "2: id: contains a control character (U+0007) at column 2");
  assert_string_equal(problem(&got, 2), "3: name: contains a NUL character"); /* not "empty" */
  assert_int_equal(checked_rows, 1);
  reports_free(&got);
}

/* The JSON Lines reader reuses one record: a NUL in one row must not hide the next rows'
 * problems in that field. */
static void validate_reports_rows_after_a_nul_in_json_lines(void **state) {
  (void)state;
  reports got = {0};
  assert_int_equal(
      validate_text("r.jsonl",
                    "{\"name\":\"A\\u0000B\",\"email\":\"a@b.org\",\"id\":\"\\u0000\"}\n"
                    "{\"name\":\"\",\"email\":\"b@b.org\",\"id\":\"1\"}\n"
                    "{\"name\":\"\\u0007\",\"email\":\"c@b.org\",\"id\":\"1\"}\n",
                    &got, NULL, NULL),
      SC_EDATA);
  assert_int_equal(got.count, 5);
  assert_string_equal(problem(&got, 0), "1: name: contains a NUL character");
  assert_string_equal(problem(&got, 1), "1: id: contains a NUL character");
  assert_string_equal(problem(&got, 2), "2: name: empty (the learner's name is required)");
  assert_string_equal(problem(&got, 3),
                      "3: name: contains a control character (U+0007) at column 1");
  assert_string_equal(problem(&got, 4), "3: id: '1' is already the id of line 2");
  reports_free(&got);
}

static char *repeat(char c, size_t n) {
  char *text = malloc(n + 1);
  assert_non_null(text);
  memset(text, c, n);
  text[n] = '\0';
  return text;
}

static void validate_refuses_values_longer_than_their_limit(void **state) {
  (void)state;
  char *name = repeat('A', SC_MAX_NAME_CHARS + 1), *id = repeat('7', SC_MAX_ID_CHARS + 1);
  char *fits = repeat('B', SC_MAX_NAME_CHARS);
  sc_buf text = {0};
  assert_true(sc_buf_append_str(&text, "name,email,id\n") && sc_buf_append_str(&text, name) &&
              sc_buf_append_str(&text, ",a@b.org,L1\nC,c@b.org,") && sc_buf_append_str(&text, id) &&
              sc_buf_append_str(&text, "\n") && sc_buf_append_str(&text, fits) &&
              sc_buf_append_str(&text, ",d@b.org,L3\n") && sc_buf_append_byte(&text, 0));
  reports got = {0};
  assert_int_equal(validate_text("r.csv", (const char *)text.data, &got, NULL, NULL), SC_EDATA);
  assert_int_equal(got.count, 2);
  assert_string_equal(problem(&got, 0), "2: name: longer than 256 characters");
  assert_string_equal(problem(&got, 1), "3: id: longer than 256 characters");
  reports_free(&got);
  sc_buf_free(&text);
  free(name);
  free(id);
  free(fits);
}

static void validate_refuses_a_complete_row_over_1_mib_and_reads_on(void **state) {
  (void)state;
  char *long_id = repeat('x', ROSTER_LIMIT_TEST_BYTES);
  sc_buf text = {0};
  assert_true(
      sc_buf_append_str(&text, "name,email,id\nA,a@b.org,") && sc_buf_append_str(&text, long_id) &&
      sc_buf_append_str(&text, "\nB,b@b.org,L2\nC,c@b.org,L2\n") && sc_buf_append_byte(&text, 0));
  reports got = {0};
  sc_roster_summary summary;
  assert_int_equal(validate_text("r.csv", (const char *)text.data, &got, NULL, &summary), SC_EDATA);
  assert_int_equal(got.count, 2);
  assert_string_equal(problem(&got, 0), "2: row longer than 1048576 bytes");
  assert_string_equal(problem(&got, 1), "4: id: 'L2' is already the id of line 3");
  assert_int_equal(summary.rows, 3);
  reports_free(&got);
  sc_buf_free(&text);
  free(long_id);
}

static void validate_reports_too_many_columns_once(void **state) {
  (void)state;
  sc_buf text = {0};
  assert_true(sc_buf_append_str(&text, "name,email,id"));
  for (int i = 0; i < 300; i++)
    assert_true(sc_buf_append_str(&text, ",extra"));
  assert_true(sc_buf_append_str(&text, "\nA,a@b.org,L1") && sc_buf_append_byte(&text, 0));
  reports got = {0};
  assert_int_equal(validate_text("r.csv", (const char *)text.data, &got, NULL, NULL), SC_EDATA);
  assert_int_equal(got.count, 1);
  assert_string_equal(problem(&got, 0), "1: the header has 303 columns; at most 256 are read");
  reports_free(&got);
  sc_buf_free(&text);
}

static void validate_reports_a_short_row_only_by_its_shape(void **state) {
  (void)state;
  reports got = {0};
  assert_int_equal(validate_text("r.csv", "name,email,id\nB,b@b.org\n", &got, NULL, NULL),
                   SC_EDATA);
  assert_int_equal(got.count, 1);
  assert_string_equal(problem(&got, 0), "2: row has 2 fields, the header has 3");
  reports_free(&got);
}

static void open_says_why_a_roster_cannot_be_read(void **state) {
  (void)state;
  sc_roster *roster = NULL;
  sc_error err = {0};
  assert_int_equal(sc_roster_open("/nonexistent/r.csv", NULL, &roster, &err), SC_ENOINPUT);
  assert_string_equal(err.message,
                      "/nonexistent/r.csv: cannot open the roster: No such file or directory");
  assert_int_equal(sc_roster_open("tests", NULL, &roster, &err), SC_ENOINPUT);
  assert_string_equal(err.message, "tests: is a directory, not a roster file");
  assert_null(roster);
}

/* ---------------------------------------------------------------- streaming */

#define BIG_ROWS 100000

static long max_rss_kib(void) {
  struct rusage usage;
  assert_int_equal(getrusage(RUSAGE_SELF, &usage), 0);
  return usage.ru_maxrss;
}

static bool under_address_sanitizer(void) {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#else
  return false;
#endif
}

static void streams_100000_rows_one_at_a_time(void **state) {
  (void)state;
  char dir[64], path[512];
  assert_true(make_temp_dir(dir, "roster"));
  snprintf(path, sizeof path, "%s/big.csv", dir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs("name,email,id\r\n", f);
  for (int i = 0; i < BIG_ROWS; i++)
    fprintf(f, "\"Learner %d, with a fairly long family name\",l%d@example.org,ID-%08d\r\n", i, i,
            i);
  assert_int_equal(fclose(f), 0);
  long before = max_rss_kib();
  sc_roster *roster = open_ok(path, NULL);
  sc_roster_row row;
  char id[32];
  for (int i = 0; i < BIG_ROWS; i++) {
    next_ok(roster, &row);
    assert_int_equal(row.line, (size_t)i + 2);
    snprintf(id, sizeof id, "ID-%08d", i);
    assert_string_equal(row.id, id);
  }
  assert_end(roster);
  sc_roster_close(roster);
  /* The file is about 7 MB; holding its rows would show. ASan's quarantine keeps freed
   * memory, so there RSS says nothing. */
  if (!under_address_sanitizer())
    assert_true(max_rss_kib() - before < 4096);
  reports got = {0};
  sc_roster_summary summary;
  assert_int_equal(validate(path, NULL, &got, &summary), SC_OK);
  assert_int_equal(summary.rows, BIG_ROWS);
  assert_int_equal(remove_temp_dir(dir), 0);
}

/* ---------------------------------------------------------------- fuzz seeds */

static void replays_roster_fuzz_corpus(void **state) {
  (void)state;
  char dir[64], path[512];
  assert_true(make_temp_dir(dir, "roster"));
  snprintf(path, sizeof path, "%s/roster", dir);
  const char *corpus = "tests/fuzz/corpus/fuzz_roster";
  DIR *d = opendir(corpus);
  assert_non_null(d);
  size_t count = 0;
  struct dirent *entry;
  while ((entry = readdir(d)) != NULL) {
    if (entry->d_name[0] == '.')
      continue;
    char seed[512];
    snprintf(seed, sizeof seed, "%s/%s", corpus, entry->d_name);
    sc_buf input = {0};
    sc_error err = {0};
    assert_int_equal(sc_read_file(seed, 1 << 20, &input, &err), SC_OK);
    if (!fuzz_check_roster(input.data ? input.data : (const uint8_t *)"", input.len, path))
      fail_msg("%s: the fuzz check failed on this input", seed);
    sc_buf_free(&input);
    count++;
  }
  closedir(d);
  assert_true(count >= 10);
  assert_int_equal(remove_temp_dir(dir), 0);
}

/* The achievement column names the home's achievements or templates, never any file the
 * operator can read: a roster naming /etc/passwd learns nothing of it, not even that it
 * exists. */
static void achievement_values_are_confined_to_the_home(void **state) {
  (void)state;
  char dir[64], sub[128], path[512], link[512], achievement[512];
  assert_true(make_temp_dir(dir, "roster"));
  snprintf(sub, sizeof sub, "%s/achievements", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  sc_buf text = {0};
  sc_error err = {0};
  assert_int_equal(sc_read_file(DATA "achievement.json", 1 << 20, &text, &err), SC_OK);
  write_text(sub, "a.json", (const char *)text.data, achievement);
  sc_buf_free(&text);
  snprintf(link, sizeof link, "%s/passwd.json", sub);
  assert_int_equal(symlink("/etc/passwd", link), 0);
  char roster[2048];
  snprintf(roster, sizeof roster,
           "name,email,id,achievement\n"
           "A,a@x.org,1,/etc/passwd\n"            /* line 2: outside */
           "B,b@x.org,2,../../../../etc/passwd\n" /* 3: climbs out */
           "C,c@x.org,3,passwd.json\n"            /* 4: a link inside pointing out */
           "D,d@x.org,4,/etc/no-such-file.json\n" /* 5: outside, existing or not */
           "E,e@x.org,5,a.json\n"                 /* fine: HOME/achievements/a.json */
           "F,f@x.org,6,%s\n"                     /* fine: absolute, inside */
           "G,g@x.org,7,ai-fundamentals\n"        /* fine: a template name */
           "H,h@x.org,8,no-such-template\n",      /* 9 */
           achievement);
  write_text(dir, "r.csv", roster, path);
  sc_home home = {0};
  snprintf(home.root, sizeof home.root, "%s", dir);
  sc_roster_options opts = {.home = &home};
  reports got = {0};
  assert_int_equal(sc_roster_validate(path, &opts, NULL, collect, &got, NULL, &err), SC_EDATA);
  assert_int_equal(got.count, 5);
  const char *lines[] = {":2: achievement: '/etc/passwd' is not in the issuer home's",
                         ":3: achievement: '../../../../etc/passwd' is not in",
                         ":4: achievement: 'passwd.json' is not in",
                         ":5: achievement: '/etc/no-such-file.json' is not in",
                         ":9: achievement: no template named 'no-such-template'"};
  for (size_t i = 0; i < got.count; i++) {
    assert_non_null(strstr(got.items[i], lines[i]));
    assert_null(strstr(got.items[i], "root")); /* nothing of the file is quoted */
  }
  reports_free(&got);
  assert_int_equal(remove_temp_dir(dir), 0);
}

static void name_check_wants_a_letter_and_no_bidi_control(void **state) {
  (void)state;
  sc_error err = {0};
  const char *fine[] = {"Ann",
                        "Zoe\xcc\x88\xc2\xa0\xc5\x81ukasiewicz",
                        "\xe6\x9d\x8e",
                        "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf",
                        "A\xe2\x80\x8d"
                        "B",
                        "X \xc3\x86 A-12"};
  for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
    assert_int_equal(sc_name_check(fine[i], "name", 256, &err), SC_OK);
  const char *no_letter[] = {"\xc2\xa0",
                             "\xe2\x80\x8b",
                             "\xc2\xa0\xe2\x80\x8b\xe2\x80\x8c",
                             "\xe2\x81\xa0\xef\xbb\xbf",
                             "\xcc\x81\xcc\x88",
                             " ",
                             "42"};
  for (size_t i = 0; i < sizeof no_letter / sizeof *no_letter; i++) {
    assert_int_equal(sc_name_check(no_letter[i], "name", 256, &err), SC_EDATA);
    assert_non_null(strstr(err.message, "name: has no visible letter"));
  }
  assert_int_equal(sc_name_check("Ann\xe2\x80\xaenhoj", "name", 256, &err), SC_EDATA);
  assert_string_equal(err.message, "name: contains a bidi control (U+202E) at column 4, which "
                                   "would reorder the text around it");
  assert_int_equal(sc_name_check("\xc3\xa9\xe2\x81\xa6x", "name", 256, &err), SC_EDATA);
  assert_non_null(strstr(err.message, "(U+2066) at column 2"));
  assert_int_equal(sc_name_check("a\xe2\x80\xa8"
                                 "b",
                                 "name", 256, &err),
                   SC_EDATA);
  assert_non_null(strstr(err.message, "line separator (U+2028) at column 2"));
  /* Other fields keep the plain text rules: a reason may quote right-to-left text. */
  assert_int_equal(sc_text_check("Ann\xe2\x80\xaenhoj", "reason", 0, &err), SC_OK);
  assert_int_equal(sc_text_check("\xc2\xa0", "reason", 0, &err), SC_OK);
}

/* ---------------------------------------------------------------- delimiters and ids */

static void reads_semicolon_separated_roster_with_quoted_commas(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "semicolon.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 2);
  assert_string_equal(row.name, "Ann Lee");
  assert_string_equal(row.email, "ann@example.org");
  assert_string_equal(row.id, "L-1");
  next_ok(roster, &row);
  assert_int_equal(row.line, 3);
  assert_string_equal(row.name, "Smith, Bob; \"Bobby\"");
  assert_string_equal(row.id, "L-2");
  assert_end(roster);
  sc_roster_close(roster);
}

static void reads_tab_separated_roster_with_quoted_semicolons_and_commas(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "tab.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_string_equal(row.name, "Ann Lee");
  assert_string_equal(row.id, "L-1");
  next_ok(roster, &row);
  assert_int_equal(row.line, 3);
  assert_string_equal(row.name, "Bob; Ray, Jr");
  assert_string_equal(row.email, "bob@example.org");
  assert_string_equal(row.id, "L-2");
  assert_end(roster);
  sc_roster_close(roster);
}

static void reads_semicolon_roster_after_a_byte_order_mark_with_quoted_header(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "bom-semicolon.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_int_equal(row.line, 2);
  assert_string_equal(row.name, "Ann Lee");
  assert_string_equal(row.id, "L-1");
  assert_end(roster);
  sc_roster_close(roster);
}

static void header_split_by_no_known_delimiter_is_refused_on_line_1(void **state) {
  (void)state;
  sc_roster *roster = NULL;
  sc_error err = {0};
  assert_int_equal(sc_roster_open(DATA "pipe.csv", NULL, &roster, &err), SC_EDATA);
  assert_null(roster);
  assert_non_null(strstr(err.message, DATA "pipe.csv:1: name|email|id: unknown column"));
  assert_non_null(strstr(err.message, "name, email, id, did, valid_until, achievement"));
}

static void without_id_column_the_email_identifies_the_learner(void **state) {
  (void)state;
  sc_roster *roster = open_ok(DATA "no-id.csv", NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_non_null(row.id);
  assert_true(strncmp(row.id, "email-sha256:", 13) == 0);
  assert_int_equal(strlen(row.id), 13 + 64);
  assert_null(strstr(row.id, "ann")); /* the address is not kept in clear */
  char ann[128];
  snprintf(ann, sizeof ann, "%s", row.id);
  next_ok(roster, &row);
  assert_string_not_equal(row.id, ann);
  assert_end(roster);
  sc_roster_close(roster);
  reports got = {0};
  assert_int_equal(validate(DATA "no-id.csv", NULL, &got, NULL), SC_OK);
  assert_int_equal(got.count, 0);
}

static void without_id_an_empty_or_repeated_email_is_reported_with_its_line(void **state) {
  (void)state;
  reports got = {0};
  assert_int_equal(validate(DATA "no-id-bad.csv", NULL, &got, NULL), SC_EDATA);
  const char *want[] = {
      DATA "no-id-bad.csv:3: email: empty (an e-mail address is required; without an id it "
           "identifies the learner)",
      DATA "no-id-bad.csv:4: email: 'ANN@example.org' is already the e-mail of line 2 (without "
           "an id column the e-mail identifies the learner)"};
  assert_reports(&got, want, 2);
  reports_free(&got);
}

static void json_line_without_id_is_identified_by_its_email(void **state) {
  (void)state;
  char dir[] = "/tmp/test_roster_XXXXXX", path[512];
  assert_non_null(mkdtemp(dir));
  write_text(dir, "r.jsonl", "{\"name\":\"Ann\",\"email\":\"ann@example.org\"}\n", path);
  sc_roster *roster = open_ok(path, NULL);
  sc_roster_row row;
  next_ok(roster, &row);
  assert_non_null(row.id);
  assert_true(strncmp(row.id, "email-sha256:", 13) == 0);
  assert_end(roster);
  sc_roster_close(roster);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_quoted_fields_with_embedded_comma_quote_and_newline),
      cmocka_unit_test(reads_crlf_line_endings_keeping_quoted_crlf),
      cmocka_unit_test(skips_utf8_byte_order_mark),
      cmocka_unit_test(reads_last_row_without_trailing_newline),
      cmocka_unit_test(matches_headers_ignoring_case_and_whitespace),
      cmocka_unit_test(renames_columns_with_map),
      cmocka_unit_test(refuses_map_to_unknown_field_as_usage_error),
      cmocka_unit_test(open_refuses_unknown_column_naming_it_and_the_known_fields),
      cmocka_unit_test(open_refuses_missing_required_column),
      cmocka_unit_test(malformed_csv_is_an_error_naming_its_line),
      cmocka_unit_test(unclosed_quote_at_the_end_is_an_error),
      cmocka_unit_test(empty_file_opens_with_no_rows),
      cmocka_unit_test(missing_file_is_enoinput),
      cmocka_unit_test(reads_json_lines_with_bom_blank_lines_and_crlf),
      cmocka_unit_test(detects_json_lines_by_content_not_by_name),
      cmocka_unit_test(validate_reports_json_lines_problems),
      cmocka_unit_test(validate_reports_every_bad_row_with_its_line),
      cmocka_unit_test(validate_accepts_one_good_row),
      cmocka_unit_test(validate_reports_no_learners_for_empty_file_and_header_only),
      cmocka_unit_test(validate_names_the_first_line_of_a_duplicate_id),
      cmocka_unit_test(validate_reports_header_problems_once_not_per_row),
      cmocka_unit_test(validate_reports_what_the_callers_check_says),
      cmocka_unit_test(validate_loads_each_achievement_file_once),
      cmocka_unit_test(validate_never_checks_a_row_against_a_missing_name_column),
      cmocka_unit_test(validate_refuses_invalid_utf8_in_every_field_once),
      cmocka_unit_test(validate_reports_a_control_character_once),
      cmocka_unit_test(name_check_wants_a_letter_and_no_bidi_control),
      cmocka_unit_test(achievement_values_are_confined_to_the_home),
      cmocka_unit_test(validate_reports_rows_after_a_nul_in_json_lines),
      cmocka_unit_test(validate_refuses_values_longer_than_their_limit),
      cmocka_unit_test(validate_refuses_a_complete_row_over_1_mib_and_reads_on),
      cmocka_unit_test(validate_reports_too_many_columns_once),
      cmocka_unit_test(validate_reports_a_short_row_only_by_its_shape),
      cmocka_unit_test(open_says_why_a_roster_cannot_be_read),
      cmocka_unit_test(streams_100000_rows_one_at_a_time),
      cmocka_unit_test(replays_roster_fuzz_corpus),
      cmocka_unit_test(reads_semicolon_separated_roster_with_quoted_commas),
      cmocka_unit_test(reads_tab_separated_roster_with_quoted_semicolons_and_commas),
      cmocka_unit_test(reads_semicolon_roster_after_a_byte_order_mark_with_quoted_header),
      cmocka_unit_test(header_split_by_no_known_delimiter_is_refused_on_line_1),
      cmocka_unit_test(without_id_column_the_email_identifies_the_learner),
      cmocka_unit_test(without_id_an_empty_or_repeated_email_is_reported_with_its_line),
      cmocka_unit_test(json_line_without_id_is_identified_by_its_email),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
