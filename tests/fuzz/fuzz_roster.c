/* libFuzzer target: roster intake. The input is written to a file (the reader takes a path),
 * read row by row with sc_roster_next, then validated with sc_roster_validate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "issuer/issuer.h"

/* Counts the problems validation reports and checks each is a located message. */
typedef struct fuzz_roster_reports {
  size_t count;
  bool sane;
} fuzz_roster_reports;

static void fuzz_roster_report(void *ctx, const char *problem) {
  fuzz_roster_reports *reports = ctx;
  reports->count++;
  reports->sane = reports->sane && problem && strchr(problem, ':') != NULL;
}

/* Reading: rows come with increasing lines, errors are SC_EDATA with a message. */
static bool fuzz_roster_read_is_sane(const char *path) {
  sc_roster *roster = NULL;
  sc_error err = {0};
  int rc = sc_roster_open(path, NULL, &roster, &err);
  if (rc != SC_OK)
    return rc == SC_EDATA && roster == NULL && err.message[0];
  sc_roster_row row;
  size_t last = 0;
  bool sane = true;
  while (sane && (rc = sc_roster_next(roster, &row, &err)) == SC_OK && row.line) {
    sane = row.line >= last; /* rows ended by a bare CR may share a line */
    last = row.line;
  }
  sc_roster_close(roster);
  return sane && (rc == SC_OK || (rc == SC_EDATA && err.message[0]));
}

/* Validation: SC_OK exactly when nothing was reported; the summary counts the reports. */
static bool fuzz_roster_validate_is_sane(const char *path) {
  fuzz_roster_reports reports = {0, true};
  sc_roster_summary summary = {0, 0};
  sc_error err = {0};
  int rc = sc_roster_validate(path, NULL, NULL, fuzz_roster_report, &reports, &summary, &err);
  if (rc != SC_OK && rc != SC_EDATA)
    return false;
  return reports.sane && summary.problems == reports.count && (rc == SC_OK) == (reports.count == 0);
}

/* Writes the input to path, then reads and validates it. */
static bool fuzz_check_roster(const uint8_t *data, size_t size, const char *path) {
  FILE *file = fopen(path, "wb");
  if (!file)
    return false;
  bool written = fwrite(data, 1, size, file) == size;
  if (fclose(file) != 0 || !written)
    return false;
  return fuzz_roster_read_is_sane(path) && fuzz_roster_validate_is_sane(path);
}

#ifndef FUZZ_ROSTER_CHECK_ONLY
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One scratch file for the whole run, in its own folder (achievement paths in an input are
 * relative to it); libFuzzer offers no teardown, so it stays behind in $TMPDIR. */
static char roster_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  char dir[] = "/tmp/fuzz-roster-XXXXXX";
  if (!mkdtemp(dir))
    abort();
  snprintf(roster_path, sizeof roster_path, "%s/roster", dir);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!fuzz_check_roster(data, size, roster_path))
    __builtin_trap();
  return 0;
}
#endif
