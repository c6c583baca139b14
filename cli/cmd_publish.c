/* skillcert publish: refresh every status list and the issuer's key document in public/. */
#include "cli/cli.h"

static const char publish_description[] =
    "Writes, atomically, every status list as a signed BitstringStatusListCredential to\n"
    "public/status/<list>/<revocation|suspension>, and the issuer's public key document\n"
    "(public/issuer.json, or public/.well-known/did.json for a did:web issuer), and writes\n"
    "public/c/<uuid>.json for any credential in the registry that has none yet (issued by an\n"
    "older version; the first publish of a home only, marked by .public-c-complete), which\n"
    "serve answers as /C/<uuid>. Verifiers trust a list until its\n"
    "validUntil: publish at least that often (cron).\n";

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

/* Only here, not after every issue: it reads the whole registry. */
static int publish_credentials(const sc_home *home, sc_error *err) {
  sc_registry *reg = NULL;
  size_t written = 0;
  int rc = sc_registry_open(home, &reg, err);
  if (rc == SC_OK)
    rc = sc_publish_credentials(home, reg, &written, err);
  if (rc == SC_OK && written)
    fprintf(stderr, "skillcert: published %zu credential%s under public/c/\n", written,
            written == 1 ? "" : "s");
  sc_registry_close(reg);
  return rc;
}

int cmd_publish(int argc, char **argv) {
  const char *home_dir = NULL;
  sc_passphrase_source passphrase = {0};
  int64_t ttl = 0;
  const cli_option options[] = {
      CLI_OPT_DURATION("ttl", 0, &ttl, "DURATION",
                       "how long the lists stay valid: seconds, or Nm, Nh, Nd\n"
                       "(default: statusTtl in skillcert.json, else 1d)"),
      CLI_OPT_HOME(&home_dir),
      CLI_OPT_REGISTRY(),
      CLI_OPT_PASSPHRASE_FILE(&passphrase),
  };
  const cli_command command = {
      "publish", "skillcert publish [--ttl DURATION] [--home DIR] [--passphrase-file FILE]",
      publish_description, CLI_ROWS(options),
      "public/ can be served by any static web server at the home's publicUrl.\n"};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first != argc)
    return cli_usage_error("publish", "unexpected argument '%s'", argv[first]);
  sc_error err = {0};
  sc_home home;
  EVP_PKEY *key = NULL;
  int rc = cli_home_open(home_dir, &home, &err);
  if (rc == SC_OK)
    rc = sc_home_load_key(&home, &passphrase, &key, &err);
  if (rc == SC_OK)
    rc = cli_publish_home(&home, key, ttl, &err);
  if (rc == SC_OK)
    rc = publish_credentials(&home, &err);
  if (rc == SC_OK)
    printf("%s/public\n", home.root);
  EVP_PKEY_free(key);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
