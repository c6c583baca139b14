/* skillcert verify: is this credential authentic, current, not revoked, and from an issuer we
 * trust — whatever form it reached us in? */
#include "cli/cli.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_INPUT_BYTES ((size_t)32 << 20) /* a scanned certificate photo can be large */

static const char verify_help[] =
    "usage: skillcert verify [options] INPUT...\n"
    "\n"
    "INPUT is a credential (JSON), a PDF certificate, the text of its QR code or the\n"
    "verification URL, a PNG or JPEG photo or scan of the certificate or its QR code, or - for\n"
    "standard input; the kind is told by content, not by name. Checks: strict JSON, VC 2.0 /\n"
    "Open Badges 3.0 shape, the eddsa-jcs-2022 proof and that its key is the issuer's, the\n"
    "validity period, that the issuer is trusted, and revocation and suspension through the\n"
    "issuer's published status lists. Prints a one-line verdict, then one line per check.\n"
    "\n"
    "  --trust FILE     trust list (default: $SKILLCERT_TRUST, else\n"
    "                   ~/.config/skillcert/trust.json when it exists)\n"
    "  --home DIR       also trust this issuer home's issuer and read its public/ folder\n"
    "  --status PATH    status lists from PATH: a list credential file, or a folder laid out\n"
    "                   like public/ (status/<list>/<purpose>, c/<uuid>.json)\n"
    "  --offline        no network: local folders and the cache only (says how old)\n"
    "  --allow-http     allow http:// URLs (tests, intranets); HTTPS only otherwise\n"
    "  --did-doc FILE   the DID document of a did:web issuer, instead of fetching it\n"
    "  --json           print one JSON object per input, shaped like the VC API response\n"
    "  --report FILE    also write one CSV row per input (input, verdict, exit code,\n"
    "                   recipient, achievement, issuer, reason)\n"
    "  --at TIME        judge validity at TIME (a date-time with zone) instead of now\n"
    "\n"
    "Status lists and did:web documents are fetched with libcurl (HTTPS, 5 s to connect,\n"
    "15 s in all, 1 MiB, 3 redirects) and cached under $XDG_CACHE_HOME/skillcert/ until\n"
    "their validUntil. $SKILLCERT_CA_FILE names extra certificate authorities (PEM).\n"
    "\n"
    "exit status:\n"
    "   0  valid\n"
    "   1  signature or content invalid\n"
    "   2  revoked\n"
    "   3  suspended\n"
    "   4  expired or not yet valid\n"
    "   5  issuer not trusted\n"
    "   6  revocation status could not be checked\n"
    "  64  usage error\n"
    "  65  input malformed or not a credential\n"
    "  66  input not readable\n"
    "  70  internal error\n"
    "Where several of 1-6 apply, the lowest wins; 64-70 stop verification early. With several\n"
    "inputs the status is the lowest non-zero code of any of them.\n";

typedef struct verify_args {
  const char *trust_path, *home, *at, *report, *did_doc;
  bool json;
  sc_status_source status;
  char **inputs;
  int input_count;
} verify_args;

static int parse_args(int argc, char **argv, verify_args *a) {
  enum { O_TRUST = 1, O_JSON, O_AT, O_STATUS, O_OFFLINE, O_HTTP, O_REPORT, O_DIDDOC };
  static const struct option options[] = {
      {"trust", required_argument, NULL, O_TRUST},
      {"home", required_argument, NULL, OPT_HOME},
      {"json", no_argument, NULL, O_JSON},
      {"at", required_argument, NULL, O_AT},
      {"status", required_argument, NULL, O_STATUS},
      {"offline", no_argument, NULL, O_OFFLINE},
      {"allow-http", no_argument, NULL, O_HTTP},
      {"report", required_argument, NULL, O_REPORT},
      {"did-doc", required_argument, NULL, O_DIDDOC},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  int option;
  while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
    switch (option) {
    case O_TRUST:
      a->trust_path = optarg;
      break;
    case OPT_HOME:
      a->home = optarg;
      break;
    case O_JSON:
      a->json = true;
      break;
    case O_AT:
      a->at = optarg;
      break;
    case O_STATUS:
      a->status.local = optarg;
      break;
    case O_OFFLINE:
      a->status.offline = true;
      break;
    case O_HTTP:
      a->status.allow_http = true;
      break;
    case O_REPORT:
      a->report = optarg;
      break;
    case O_DIDDOC:
      a->did_doc = optarg;
      break;
    case OPT_HELP:
      return -1;
    default:
      return cli_usage_error("verify", "unknown option");
    }
  }
  if (optind == argc)
    return cli_usage_error("verify", "expected an input (a credential, PDF, QR text, image or -)");
  a->inputs = argv + optind;
  a->input_count = argc - optind;
  return SC_OK;
}

static int judge_time(const verify_args *a, int64_t *now, sc_error *err) {
  *now = (int64_t)time(NULL); /* status lists are always judged by the real clock */
  if (!a->at)
    return SC_OK;
  int rc = sc_time_parse(a->at, true, now, err);
  if (rc == SC_OK)
    return SC_OK;
  err->code = SC_EUSAGE; /* the message stays: prefixed, not formatted into itself */
  return sc_error_prefix(err, "verify: --at");
}

/* A scanned QR text or verification URL is given as the argument itself, not a file name. */
static bool is_qr_text(const char *input) {
  return access(input, F_OK) != 0 &&
         (strstr(input, "://") || strstr(input, "/V/") || strstr(input, "/v/") ||
          strstr(input, "/C/") || strstr(input, "/c/"));
}

static int read_input(const char *input, sc_buf *data, sc_error *err) {
  if (is_qr_text(input))
    return sc_buf_append_str(data, input) ? SC_OK : sc_oom(err);
  return sc_read_file(input, MAX_INPUT_BYTES, data, err);
}

static int verify_one(const char *input, const sc_verify_options *opts, const verify_args *a,
                      FILE *report) {
  const char *source = strcmp(input, "-") == 0 ? "<stdin>" : is_qr_text(input) ? "QR text" : input;
  sc_buf data = {0}, json = {0};
  sc_error err = {0};
  char describe[128] = "";
  sc_verification v = {0};
  int rc = read_input(input, &data, &err);
  if (rc == SC_OK)
    rc = sc_input_to_credential(data.data, data.len, opts, &json, describe, &err);
  if (rc == SC_OK) {
    rc = sc_verify_json((const char *)json.data, json.len, source, opts, &v);
    if (*describe && strncmp(describe, "JSON", 4) != 0)
      snprintf(v.source, sizeof v.source, "%s (%s)", source, describe);
  } else {
    sc_verification_fail(&v, source, &err);
  }
  if (a->json)
    sc_report_json(&v, stdout, NULL);
  else if (v.credential || a->input_count > 1)
    sc_report_text(&v, stdout);
  else /* nothing to report but why it stopped */
    fprintf(stderr, "skillcert: %s\n",
            v.check_count ? v.checks[v.check_count - 1].message : "verification failed");
  sc_error report_err = {0};
  if (report && sc_report_csv_row(report, source, &v, &report_err) != SC_OK)
    rc = cli_error(&report_err);
  sc_verification_free(&v);
  sc_buf_free(&json);
  sc_buf_free(&data);
  return rc;
}

static int worst(int a, int b) {
  if (!a || !b)
    return a ? a : b;
  return a < b ? a : b;
}

int cmd_verify(int argc, char **argv) {
  verify_args a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc == -1)
    return fputs(verify_help, stdout), SC_OK;
  if (rc != SC_OK)
    return rc;
  sc_error err = {0};
  cli_verifier verifier = {0}; /* closed even when judge_time fails before it opens */
  cli_verifier_args setup = {a.trust_path, a.home, a.did_doc, 60};
  sc_verify_options opts = {.clock = (int64_t)time(NULL)};
  FILE *report = NULL;
  rc = judge_time(&a, &opts.now, &err);
  if (rc == SC_OK)
    rc = cli_verifier_open(&verifier, &setup, &a.status, &err);
  cli_verifier_options(&verifier, opts.now, &opts);
  if (rc == SC_OK && a.report && !(report = fopen(a.report, "w")))
    rc = sc_fail(&err, SC_ECANTCREAT, "%s: cannot create", a.report);
  if (rc == SC_OK && report)
    sc_report_csv_header(report);
  int status = rc;
  for (int i = 0; rc == SC_OK && i < a.input_count; i++)
    status = worst(status, verify_one(a.inputs[i], &opts, &a, report));
  if (report && fclose(report) != 0 && rc == SC_OK)
    rc = sc_fail(&err, SC_EIO, "%s: write failed", a.report);
  cli_verifier_close(&verifier);
  return rc == SC_OK ? status : cli_error(&err);
}
