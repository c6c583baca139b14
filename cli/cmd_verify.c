/* skillcert verify: is this credential authentic, current and from an issuer we trust? */
#include "cli/cli.h"

#include <string.h>
#include <time.h>

static const char verify_help[] =
    "usage: skillcert verify [--trust FILE] [--home DIR] [--json] [--at TIME] FILE.json|-\n"
    "\n"
    "Verifies a credential: strict JSON, VC 2.0 / Open Badges 3.0 shape, the eddsa-jcs-2022\n"
    "proof and that its key is the issuer's, the validity period, and that the issuer is\n"
    "trusted. Prints a one-line verdict, then one line per check (or JSON with --json).\n"
    "\n"
    "  --trust FILE  trust list to use (default: $SKILLCERT_TRUST or\n"
    "                ~/.config/skillcert/trust.json when it exists)\n"
    "  --home DIR    also trust the issuer of this issuer home\n"
    "  --json        print one JSON object shaped like the VC API verify response\n"
    "  --at TIME     judge validity at TIME (a date-time with zone) instead of now\n"
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
    "Where several of 1-6 apply, the lowest wins; 64-70 stop verification early.\n";

typedef struct verify_args {
  const char *trust_path, *home, *at, *input;
  bool json;
} verify_args;

static int parse_args(int argc, char **argv, verify_args *args) {
  enum { OPT_TRUST = 1, OPT_JSON, OPT_AT };
  static const struct option options[] = {
      {"trust", required_argument, NULL, OPT_TRUST}, {"home", required_argument, NULL, OPT_HOME},
      {"json", no_argument, NULL, OPT_JSON},         {"at", required_argument, NULL, OPT_AT},
      {"help", no_argument, NULL, OPT_HELP},         {NULL, 0, NULL, 0},
  };
  int option;
  while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
    if (option == OPT_TRUST)
      args->trust_path = optarg;
    else if (option == OPT_HOME)
      args->home = optarg;
    else if (option == OPT_JSON)
      args->json = true;
    else if (option == OPT_AT)
      args->at = optarg;
    else if (option == OPT_HELP)
      return -1;
    else
      return cli_usage_error("verify", "unknown option");
  }
  if (optind != argc - 1)
    return cli_usage_error("verify", "expected one input (a credential file, or - for stdin)");
  args->input = argv[optind];
  return SC_OK;
}

/* The trust list: --trust, or the default file when it exists, plus the --home issuer. */
static int build_trust(const verify_args *args, sc_trust_list **out, sc_error *err) {
  char default_path[PATH_MAX];
  cli_default_trust_path(default_path);
  int rc = args->trust_path ? sc_trust_load(args->trust_path, out, err)
                            : sc_trust_load(default_path, out, err);
  if (rc == SC_ENOINPUT && !args->trust_path) { /* no default list yet: nobody trusted */
    sc_error_clear(err);
    *out = sc_trust_new();
    rc = *out ? SC_OK : sc_oom(err);
  }
  if (rc != SC_OK || !args->home)
    return rc;
  sc_home home;
  rc = sc_home_open(args->home, &home, err);
  if (rc == SC_OK && !sc_trust_lookup(*out, home.issuer_id)) /* the list's name wins */
    rc = sc_trust_add(*out, home.issuer_id, home.issuer_name, err);
  sc_home_close(&home);
  return rc;
}

static int judge_time(const verify_args *args, int64_t *now, sc_error *err) {
  *now = (int64_t)time(NULL);
  if (!args->at)
    return SC_OK;
  int rc = sc_time_parse(args->at, true, now, err);
  return rc == SC_OK ? SC_OK : sc_fail(err, SC_EUSAGE, "verify: --at: %s", err->message);
}

int cmd_verify(int argc, char **argv) {
  verify_args args = {0};
  int rc = parse_args(argc, argv, &args);
  if (rc == -1)
    return fputs(verify_help, stdout), SC_OK;
  if (rc != SC_OK)
    return rc;
  sc_error err = {0};
  sc_verify_options opts = {0};
  sc_trust_list *trust = NULL;
  sc_buf input = {0};
  if ((rc = judge_time(&args, &opts.now, &err)) != SC_OK ||
      (rc = build_trust(&args, &trust, &err)) != SC_OK) {
    sc_trust_free(trust);
    return cli_error(&err);
  }
  opts.trust = trust;
  sc_verification result = {0};
  const char *source = strcmp(args.input, "-") == 0 ? "<stdin>" : args.input;
  rc = sc_read_file(args.input, SC_JSON_MAX_BYTES, &input, &err);
  if (rc == SC_OK)
    rc = sc_verify_json((const char *)input.data, input.len, source, &opts, &result);
  if (err.code != SC_OK && !args.json)
    cli_error(&err);
  if (args.json) {
    if (err.code != SC_OK) {
      snprintf(result.source, sizeof result.source, "%s", source);
      result.exit_code = rc;
      result.check_count = 1;
      result.checks[0] = (sc_check){"readable", SC_CHECK_FAILED, rc, ""};
      snprintf(result.checks[0].message, sizeof result.checks[0].message, "%s", err.message);
    }
    sc_report_json(&result, stdout, NULL);
  } else if (err.code == SC_OK) {
    sc_report_text(&result, stdout);
  }
  sc_verification_free(&result);
  sc_buf_free(&input);
  sc_trust_free(trust);
  return rc;
}
