/* skillcert publish: refresh every status list and the issuer's key document in public/. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static const char publish_help[] =
    "usage: skillcert publish [--ttl DURATION] [--home DIR] [--passphrase-file FILE]\n"
    "\n"
    "Writes, atomically, every status list as a signed BitstringStatusListCredential to\n"
    "public/status/<list>/<revocation|suspension>, and the issuer's public key document\n"
    "(public/issuer.json, or public/.well-known/did.json for a did:web issuer). Verifiers\n"
    "trust a list until its validUntil: publish at least that often (cron).\n"
    "\n"
    "  --ttl DURATION  how long the lists stay valid: seconds, or Nm, Nh, Nd\n"
    "                  (default: statusTtl in skillcert.json, else 1d)\n"
    "\n"
    "public/ can be served by any static web server at the home's publicUrl.\n";

int cli_parse_duration(const char *text, int64_t *seconds) {
  char *end = NULL;
  long long n = strtoll(text, &end, 10);
  int64_t unit = !*end                   ? 1
                 : strcmp(end, "m") == 0 ? 60
                 : strcmp(end, "h") == 0 ? 3600
                 : strcmp(end, "d") == 0 ? 86400
                                         : 0;
  if (end == text || n <= 0 || !unit || n > 10LL * 365 * 86400 / unit)
    return SC_EUSAGE;
  *seconds = (int64_t)n * unit;
  return SC_OK;
}

int cli_publish_home(const sc_home *home, EVP_PKEY *key, int64_t ttl, sc_error *err) {
  sc_registry *reg = NULL;
  int rc = sc_registry_open(home, &reg, err);
  sc_publish_options opts = {.now = (int64_t)time(NULL), .ttl = ttl};
  if (rc == SC_OK)
    rc = sc_publish_lists(home, key, reg, NULL, 0, &opts, err);
  if (rc == SC_OK)
    rc = sc_publish_key_document(home, err);
  sc_registry_close(reg);
  return rc;
}

int cmd_publish(int argc, char **argv) {
  static const struct option options[] = {
      {"ttl", required_argument, NULL, 't'},
      {"home", required_argument, NULL, OPT_HOME},
      {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  const char *home_dir = NULL;
  sc_passphrase_source passphrase = {0};
  int64_t ttl = 0;
  int option;
  while ((option = cli_getopt(argc, argv, "", options)) != -1) {
    if (option == 't' && cli_parse_duration(optarg, &ttl) != SC_OK)
      return cli_usage_error("publish", "--ttl: expected seconds or Nm, Nh, Nd (e.g. 12h)");
    else if (option == OPT_HOME)
      home_dir = optarg;
    else if (option == OPT_PASSPHRASE_FILE)
      passphrase.file = optarg;
    else if (option == OPT_HELP)
      return fputs(publish_help, stdout), SC_OK;
    else if (option != 't')
      return cli_option_error("publish", argv, "");
  }
  if (optind != argc)
    return cli_usage_error("publish", "unexpected argument '%s'", argv[optind]);
  sc_error err = {0};
  sc_home home;
  EVP_PKEY *key = NULL;
  int rc = sc_home_open(home_dir, &home, &err);
  if (rc == SC_OK)
    rc = sc_home_load_key(&home, &passphrase, &key, &err);
  if (rc == SC_OK)
    rc = cli_publish_home(&home, key, ttl, &err);
  if (rc == SC_OK)
    printf("%s/public\n", home.root);
  EVP_PKEY_free(key);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
