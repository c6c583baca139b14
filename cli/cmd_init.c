/* skillcert init: create an issuer home. */
#include "cli/cli.h"

static const char init_help[] =
    "usage: skillcert init DIR --name NAME --url URL [--verify-url URL] [--public-url URL]\n"
    "                      [--did-web HOST[:PATH...]]\n"
    "                      [--passphrase-file FILE | --no-passphrase]\n"
    "\n"
    "Creates an issuer home in DIR: skillcert.json (the issuer profile), keys/ (a new Ed25519\n"
    "signing key, encrypted with a passphrase unless --no-passphrase), templates/, public/\n"
    "and out/. The issuer's identifier is the did:key of that key, or did:web:HOST[:PATH...]\n"
    "with --did-web (its DID document, written by publish, lists every key).\n"
    "\n"
    "  --name NAME             the issuer's name as certificates show it\n"
    "  --url URL               the issuer's web site (https://)\n"
    "  --verify-url URL        where QR codes point (default: --url)\n"
    "  --public-url URL        where public/ (status lists, key document) is served\n"
    "                          (default: --url)\n"
    "  --did-web HOST[:PATH]   be did:web:HOST[:PATH]; serve public/ at https://HOST/ so that\n"
    "                          /.well-known/did.json (or /PATH/did.json) is found\n"
    "  --passphrase-file FILE  read the new key's passphrase from FILE\n"
    "  --no-passphrase         store the key unencrypted (demos and tests only)\n"
    "\n"
    "Without --passphrase-file, $SKILLCERT_PASSPHRASE_FILE is used, else the passphrase is\n"
    "asked twice on the terminal.\n";

int cmd_init(int argc, char **argv) {
  enum { OPT_NAME = 1, OPT_URL, OPT_VERIFY_URL, OPT_PUBLIC_URL, OPT_DID_WEB };
  static const struct option options[] = {
      {"name", required_argument, NULL, OPT_NAME},
      {"url", required_argument, NULL, OPT_URL},
      {"verify-url", required_argument, NULL, OPT_VERIFY_URL},
      {"public-url", required_argument, NULL, OPT_PUBLIC_URL},
      {"did-web", required_argument, NULL, OPT_DID_WEB},
      {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
      {"no-passphrase", no_argument, NULL, OPT_NO_PASSPHRASE},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  sc_passphrase_source passphrase = {0};
  sc_home_init_options opts = {.passphrase = &passphrase};
  int option;
  while ((option = cli_getopt(argc, argv, "", options)) != -1) {
    if (option == OPT_NAME)
      opts.name = optarg;
    else if (option == OPT_URL)
      opts.url = optarg;
    else if (option == OPT_VERIFY_URL)
      opts.verify_url = optarg;
    else if (option == OPT_PUBLIC_URL)
      opts.public_url = optarg;
    else if (option == OPT_DID_WEB)
      opts.did_web = optarg;
    else if (option == OPT_HELP)
      return fputs(init_help, stdout), SC_OK;
    else if (!cli_passphrase_option(option, optarg, &passphrase))
      return cli_option_error("init", argv, "");
  }
  if (optind != argc - 1)
    return cli_usage_error("init", "expected one folder (DIR)");
  if (passphrase.none && passphrase.file)
    return cli_usage_error("init", "--no-passphrase and --passphrase-file exclude each other");
  const char *dir = argv[optind];
  sc_error err = {0};
  if (sc_home_init(dir, &opts, &err) != SC_OK)
    return cli_error(&err);
  sc_home home;
  if (sc_home_open(dir, &home, &err) != SC_OK)
    return cli_error(&err);
  printf("Initialized issuer home in %s\n", home.root);
  printf("  issuer  %s\n  id      %s\n  key     %s (%s)\n", home.issuer_name, home.issuer_id,
         home.key_path, passphrase.none ? "not encrypted" : "encrypted");
  sc_home_close(&home);
  return SC_OK;
}
