/* skillcert verify: is this credential authentic, current, not revoked, and from an issuer we
 * trust — whatever form it reached us in? */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_INPUT_BYTES ((size_t)32 << 20) /* a scanned certificate photo can be large */

static const char verify_description[] =
    "INPUT is a credential (JSON), a PDF certificate, the text of its QR code or the\n"
    "verification URL, a PNG or JPEG photo or scan of the certificate or its QR code, a\n"
    "credential id (<uuid> or urn:uuid:<uuid>, or the code XXXX-XXXX-XXXX printed under the\n"
    "QR code, as the certificate prints them: looked up as\n"
    "c/<uuid>.json in the --status folder, else in the --home's public/), or - for\n"
    "standard input; the kind is told by content, not by name. Checks: strict JSON, VC 2.0 /\n"
    "Open Badges 3.0 shape, the eddsa-jcs-2022 proof and that its key is the issuer's, the\n"
    "validity period, that the issuer is trusted, and revocation and suspension through the\n"
    "issuer's published status lists; for a PDF, that its page shows that credential (name,\n"
    "achievement, QR code; docs/verify.md). Prints a one-line verdict, then one line per check;\n"
    "with several inputs, one verdict line each and a summary (every check with -v).\n";

static const char verify_epilogue[] =
    "Status lists and did:web documents are fetched with libcurl (HTTPS, 5 s to connect,\n"
    "15 s in all, 1 MiB, 3 redirects) and cached under $XDG_CACHE_HOME/skillcert/ until\n"
    "their validUntil. $SKILLCERT_CA_FILE names extra certificate authorities (PEM).\n"
    "\n"
    "exit status:\n"
    "   0  valid\n"
    "   1  signature or content invalid, or a PDF page that does not show its credential\n"
    "   2  revoked\n"
    "   3  suspended\n"
    "   4  expired or not yet valid\n"
    "   5  issuer not trusted\n"
    "   6  revocation status could not be checked\n"
    "  64  usage error\n"
    "  65  input malformed or not a credential\n"
    "  66  input not readable\n"
    "  70  internal error\n"
    "  73  --report: its folder cannot be written (checked before verifying)\n"
    "  74  --report: the file could not be written (the verdicts were printed)\n"
    "Where several of 1-6 apply, the lowest wins; 64-70 stop verification early. With several\n"
    "inputs the status is the lowest non-zero code of any of them.\n";

typedef struct verify_args {
  const char *trust_path, *home, *at, *report, *did_doc, *documents;
  bool json, verbose;
  sc_status_source status;
  char **inputs;
  int input_count;
  const char *public_dir; /* where a credential id is looked up: --status DIR, else --home's */
} verify_args;

static int parse_args(int argc, char **argv, verify_args *a) {
  const cli_option options[] = {
      CLI_OPT_STRING("trust", 0, &a->trust_path, "FILE",
                     "trust list (default: $SKILLCERT_TRUST, else\n"
                     "~/.config/skillcert/trust.json when it exists)"),
      CLI_OPT_STRING("home", 0, &a->home, "DIR",
                     "also trust this issuer home's issuer and read its public/ folder"),
      CLI_OPT_STRING("status", 0, &a->status.local, "PATH",
                     "status lists from PATH: a list credential file, or a folder laid out\n"
                     "like public/ (status/<list>/<purpose>, c/<uuid>.json)"),
      CLI_OPT_STRING("documents", 0, &a->documents, "DIR",
                     "documents by URL, offline: DIR/documents.json maps the URLs of\n"
                     "status lists, DID and controller documents to files in DIR"),
      CLI_OPT_FLAG("offline", 0, &a->status.offline,
                   "no network: local folders and the cache only (says how old)"),
      CLI_OPT_FLAG("allow-http", 0, &a->status.allow_http,
                   "allow http:// URLs (tests, intranets); HTTPS only otherwise"),
      CLI_OPT_STRING("did-doc", 0, &a->did_doc, "FILE",
                     "the DID document of a did:web issuer, instead of fetching it"),
      CLI_OPT_FLAG("verbose", 'v', &a->verbose,
                   "with several inputs, every check of each (one verdict line each otherwise)"),
      CLI_OPT_FLAG("json", 0, &a->json,
                   "print one JSON object per input, shaped like the VC API response"),
      CLI_OPT_STRING("report", 0, &a->report, "FILE",
                     "also write one CSV row per input (input, verdict, exit code,\n"
                     "recipient, achievement, issuer, reason)"),
      CLI_OPT_STRING("at", 0, &a->at, "TIME",
                     "judge validity at TIME instead of now: a date-time with zone in\n"
                     "whole seconds, e.g. 2030-01-01T00:00:00Z"),
  };
  const cli_command command = {"verify", "skillcert verify [options] INPUT...", verify_description,
                               CLI_ROWS(options), verify_epilogue};
  int first = 0; /* the first input */
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return parsed;
  if (first == argc)
    return cli_usage_error("verify", "expected an input (a credential, PDF, QR text, image or -)");
  a->inputs = argv + first;
  a->input_count = argc - first;
  return SC_OK;
}

static int judge_time(const verify_args *a, int64_t *now, sc_error *err) {
  *now = (int64_t)time(NULL); /* status lists are always judged by the real clock */
  if (!a->at)
    return SC_OK;
  /* Credential times are compared as whole seconds rounded up (sc_time_parse), which is
   * exact only against a whole-second instant: a fractional --at is refused, not rounded. */
  if (strchr(a->at, '.'))
    return sc_fail(err, SC_EUSAGE,
                   "verify: --at: '%s' has a fraction of a second (give whole "
                   "seconds, e.g. 2030-01-01T00:00:00Z)",
                   a->at);
  sc_error parse_err = {0}; /* not err itself: sc_fail must not read what it writes */
  int rc = sc_time_parse(a->at, true, now, &parse_err);
  return rc == SC_OK ? SC_OK : sc_fail(err, SC_EUSAGE, "verify: --at: %s", parse_err.message);
}

/* A scanned QR text or verification URL is given as the argument itself, not a file name. */
static bool is_qr_text(const char *input) {
  return access(input, F_OK) != 0 &&
         (strstr(input, "://") || strstr(input, "/V/") || strstr(input, "/v/") ||
          strstr(input, "/C/") || strstr(input, "/c/"));
}

/* A credential id as the certificate prints it, <uuid> or urn:uuid:<uuid> (not a file of that
 * name); uuid gets it in lower case, as public/c/ names its files. */
static bool is_credential_id(const char *input, char uuid[37]) {
  const char *text = strncasecmp(input, "urn:uuid:", 9) == 0 ? input + 9 : input;
  if (access(input, F_OK) == 0 || !sc_uuid_valid(text, strlen(text)))
    return false;
  for (size_t i = 0; i <= 36; i++)
    uuid[i] = (char)tolower((unsigned char)text[i]);
  return true;
}

/* <public>/c/<uuid>.json, where issuing publishes every credential. */
static int read_published(const char *public_dir, const char *uuid, sc_buf *data, sc_error *err) {
  if (!public_dir)
    return sc_fail(err, SC_EUSAGE,
                   "a credential id: give --home DIR or --status DIR (a folder laid out like "
                   "public/) to look it up in");
  char path[PATH_MAX];
  int rc = sc_path_format(path, sizeof path, SC_ENOINPUT, err, "%s/c/%s.json", public_dir, uuid);
  if (rc == SC_OK && access(path, F_OK) != 0)
    return sc_fail(err, SC_ENOINPUT, "no credential %s is published in %s/c/", uuid, public_dir);
  return rc == SC_OK ? sc_read_file(path, MAX_INPUT_BYTES, data, err) : rc;
}

/* The short code printed under the QR code, XXXX-XXXX-XXXX (not a file of that name). */
static bool is_short_code(const char *input) {
  char prefix[SC_SHORT_CODE_PREFIX_SIZE];
  return access(input, F_OK) != 0 && sc_short_code_uuid_prefix(input, prefix) == SC_OK;
}

static int read_input(const char *input, const verify_args *a, sc_buf *data, sc_error *err) {
  char uuid[37];
  if (is_credential_id(input, uuid))
    return read_published(a->public_dir, uuid, data, err);
  if (is_short_code(input)) {
    if (!a->public_dir)
      return sc_fail(err, SC_EUSAGE,
                     "a certificate code: give --home DIR or --status DIR (a folder laid out "
                     "like public/) to look it up in");
    int rc = sc_published_find_code(a->public_dir, input, uuid, err);
    return rc == SC_OK ? read_published(a->public_dir, uuid, data, err) : rc;
  }
  if (is_qr_text(input))
    return sc_buf_append_str(data, input) ? SC_OK : sc_oom(err);
  return sc_read_file(input, MAX_INPUT_BYTES, data, err);
}

/* Why an input stopped before there was a credential to report on, naming the input unless
 * the reason already does (file errors start with the path). */
static void print_stopped(const char *source, const sc_verification *v) {
  const char *why = v->check_count ? v->checks[v->check_count - 1].message : "verification failed";
  size_t n = strlen(source);
  fputs("skillcert: ", stderr);
  if (strncmp(why, source, n) != 0 || why[n] != ':') {
    sc_text_put(source, stderr);
    fputs(": ", stderr);
  }
  sc_text_put(why, stderr);
  fputc('\n', stderr);
}

static int verify_one(const char *input, const sc_verify_options *opts, const verify_args *a,
                      FILE *report) {
  const char *source = strcmp(input, "-") == 0 ? "<stdin>" : is_qr_text(input) ? "QR text" : input;
  sc_buf data = {0}, json = {0};
  sc_error err = {0};
  char describe[128] = "";
  sc_verification v = {0};
  int rc = read_input(input, a, &data, &err);
  if (rc == SC_OK)
    rc = sc_input_to_credential(data.data, data.len, opts, &json, describe, sizeof describe, &err);
  if (rc == SC_OK) {
    sc_verify_json((const char *)json.data, json.len, source, opts, &v);
    sc_check_pdf_page(&v, data.data, data.len); /* a PDF's page must show that credential */
    rc = v.exit_code;
    if (*describe && strncmp(describe, "JSON", 4) != 0)
      snprintf(v.source, sizeof v.source, "%s (%s)", source, describe);
  } else {
    sc_verification_fail(&v, source, &err);
  }
  /* With several inputs each verdict line says which input it is about. */
  const char *label = a->input_count > 1 ? input : NULL;
  if (a->json)
    sc_report_json(&v, stdout, NULL);
  else if (label && !a->verbose) /* many inputs: one line each, then a summary */
    sc_report_line(&v, label, stdout);
  else if (v.credential || label)
    sc_report_text(&v, label, stdout);
  else /* nothing to report but why it stopped */
    print_stopped(source, &v);
  sc_error report_err = {0};
  if (report && sc_report_csv_row(report, source, &v, &report_err) != SC_OK)
    rc = cli_error(&report_err);
  sc_verification_free(&v);
  sc_buf_free(&json);
  sc_buf_free(&data);
  return rc;
}

/* --report: rows gather in memory and the file is written once at the end, under a temporary
 * name renamed into place, so a reader never sees half a report and an old one stays whole
 * until the new one is complete. */
typedef struct csv_report {
  FILE *out;
  char *text;
  size_t len;
} csv_report;

/* Said before anything is verified: a report that could not be written would waste the run. */
static int check_report_path(const char *path, sc_error *err) {
  char dir[PATH_MAX];
  const char *slash = strrchr(path, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: is a directory", path);
  if (access(dir, W_OK) != 0)
    return sc_fail(err, SC_ECANTCREAT, "%s: cannot create: %s", path, strerror(errno));
  return SC_OK;
}

static int open_report(const char *path, csv_report *r, sc_error *err) {
  int rc = check_report_path(path, err);
  if (rc == SC_OK && !(r->out = open_memstream(&r->text, &r->len)))
    rc = sc_oom(err);
  if (rc == SC_OK)
    sc_report_csv_header(r->out);
  return rc;
}

/* Writes the report when save, and frees it either way. */
static int close_report(const char *path, csv_report *r, bool save, sc_error *err) {
  int rc = SC_OK;
  if (r->out && fclose(r->out) != 0)
    rc = sc_oom(err);
  if (rc == SC_OK && save && r->out)
    rc = sc_write_file_atomic(path, r->text, r->len, 0644, err);
  free(r->text);
  return rc;
}

/* How many inputs got each verdict, for the summary line after several inputs. */
typedef struct verdict_tally {
  int count[SC_ESOFTWARE + 1];
  int inputs;
} verdict_tally;

static void tally_add(verdict_tally *t, int exit_code) {
  t->inputs++;
  t->count[exit_code >= 0 && exit_code <= SC_ESOFTWARE ? exit_code : SC_ESOFTWARE]++;
}

/* "12 inputs: 9 valid, 2 revoked, 1 not a credential" — verdicts in exit-code order. */
static void print_tally(const verdict_tally *t, FILE *out) {
  fprintf(out, "%d %s", t->inputs, sc_tr(sc_lang_process(), "inputs:"));
  const char *sep = " ";
  for (int code = 0; code <= SC_ESOFTWARE; code++) {
    if (!t->count[code])
      continue;
    fprintf(out, "%s%d ", sep, t->count[code]);
    for (const char *w = sc_tr(sc_lang_process(), sc_verdict_word(code)); *w; w++)
      fputc(tolower((unsigned char)*w), out);
    sep = ", ";
  }
  fputc('\n', out);
}

static int worst(int a, int b) {
  if (!a || !b)
    return a ? a : b;
  return a < b ? a : b;
}

/* Where a credential id is looked up: the --status folder, else --home's public/, else none. */
static const char *lookup_folder(const verify_args *a, const cli_verifier *verifier) {
  struct stat st;
  if (a->status.local && stat(a->status.local, &st) == 0 && S_ISDIR(st.st_mode))
    return a->status.local;
  return verifier->has_home ? verifier->public_dir : NULL;
}

int cmd_verify(int argc, char **argv) {
  verify_args a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc != SC_OK)
    return cli_parse_exit(rc);
  sc_error err = {0};
  cli_verifier verifier = {0}; /* closed even when judge_time fails before it opens */
  cli_verifier_args setup = {a.trust_path, a.home, a.did_doc, 60};
  sc_verify_options opts = {.clock = (int64_t)time(NULL)};
  csv_report report = {0};
  rc = judge_time(&a, &opts.now, &err);
  if (rc != SC_OK) /* nothing is set up yet, so nothing to close */
    return cli_error(&err);
  rc = cli_verifier_open(&verifier, &setup, &a.status, &err);
  if (rc == SC_OK && a.documents)
    rc = sc_source_documents_open(&a.status, a.documents, &err);
  cli_verifier_options(&verifier, opts.now, &opts);
  a.public_dir = lookup_folder(&a, &verifier);
  if (rc == SC_OK && a.report)
    rc = open_report(a.report, &report, &err);
  int status = rc;
  verdict_tally tally = {0};
  for (int i = 0; rc == SC_OK && i < a.input_count; i++) {
    sc_fetch_budget_start(&a.status); /* each input gets the whole budget for its fetches */
    int one = verify_one(a.inputs[i], &opts, &a, report.out);
    tally_add(&tally, one);
    status = worst(status, one);
  }
  if (rc == SC_OK && a.input_count > 1 && !a.json)
    print_tally(&tally, stdout);
  int saved = close_report(a.report, &report, rc == SC_OK, &err);
  rc = rc == SC_OK ? saved : rc;
  cli_verifier_close(&verifier);
  json_decref(a.status.documents);
  return rc == SC_OK ? status : cli_error(&err);
}
