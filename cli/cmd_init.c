/* skillcert init: create an issuer home. */
#include "cli/cli.h"

#include <string.h>

static const char init_synopsis[] =
    "skillcert init DIR --name NAME --url URL [--verify-url URL] [--public-url URL]\n"
    "                      [--did-web HOST[:PATH...]]\n"
    "                      [--passphrase-file FILE | --no-passphrase | --key pkcs11:URI]";

static const char init_description[] =
    "Creates an issuer home in DIR: skillcert.json (the issuer profile), keys/ (a new Ed25519\n"
    "signing key, encrypted with a passphrase unless --no-passphrase), templates/, public/\n"
    "and out/. The issuer's identifier is the did:key of that key, or did:web:HOST[:PATH...]\n"
    "with --did-web (its DID document, written by publish, lists every key).\n";

static const char init_epilogue[] =
    "Without --passphrase-file, $SKILLCERT_PASSPHRASE_FILE is used, else the passphrase is\n"
    "asked twice on the terminal.\n";

int cmd_init(int argc, char **argv) {
  sc_passphrase_source passphrase = {0};
  sc_home_init_options opts = {.passphrase = &passphrase};
  const cli_option options[] = {
      CLI_OPT_STRING("name", 0, &opts.name, "NAME", "the issuer's name as certificates show it"),
      CLI_OPT_STRING("url", 0, &opts.url, "URL", "the issuer's web site (https://)"),
      CLI_OPT_STRING("verify-url", 0, &opts.verify_url, "URL",
                     "where QR codes point (default: --url)"),
      CLI_OPT_STRING("public-url", 0, &opts.public_url, "URL",
                     "where public/ (status lists, key document) is served\n(default: --url)"),
      CLI_OPT_STRING("proofs", 0, &opts.proofs, "both|rdfc|jcs",
                     "proofs on each credential (default both: eddsa-rdfc-2022, then\n"
                     "eddsa-jcs-2022)"),
      CLI_OPT_STRING("qr", 0, &opts.qr, "auto|embed|link",
                     "what certificates' QR codes hold unless the template or issue --qr\n"
                     "says otherwise (skillcert.json \"qr\"; default auto)"),
      CLI_OPT_FLAG("suspension", 0, &opts.suspension,
                   "credentials can be suspended too (a second status entry: leaves the\n"
                   "Open Badges 3.0 schema, which allows one)"),
      CLI_OPT_STRING("did-web", 0, &opts.did_web, "HOST[:PATH]",
                     "be did:web:HOST[:PATH]; serve public/ at https://HOST/ so that\n"
                     "/.well-known/did.json (or /PATH/did.json) is found"),
      CLI_OPT_STRING("passphrase-file", 0, &passphrase.file, "FILE",
                     "read the new key's passphrase from FILE"),
      CLI_OPT_NO_PASSPHRASE(&passphrase),
      CLI_OPT_STRING("key", 0, &opts.key_uri, "pkcs11:URI",
                     "sign with the key this RFC 7512 URI names in a PKCS#11 token\n"
                     "(made there when the token holds none); no key file is written"),
  };
  const cli_command command = {"init", init_synopsis, init_description, CLI_ROWS(options),
                               init_epilogue};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first != argc - 1)
    return cli_usage_error("init", "expected one folder (DIR)");
  if (passphrase.none && passphrase.file)
    return cli_usage_error("init", "--no-passphrase and --passphrase-file exclude each other");
  if (opts.key_uri && !sc_pkcs11_is_uri(opts.key_uri))
    return cli_usage_error("init", "--key expects a pkcs11: URI (RFC 7512)");
  if (opts.key_uri && (passphrase.none || passphrase.file))
    return cli_usage_error("init", "--key: a key in a token has no passphrase (its PIN guards it)");
  if (opts.proofs && strcmp(opts.proofs, "both") && strcmp(opts.proofs, "rdfc") &&
      strcmp(opts.proofs, "jcs"))
    return cli_usage_error("init", "--proofs expects both, rdfc or jcs, got '%s'", opts.proofs);
  sc_qr_mode qr_mode;
  if (opts.qr && sc_qr_mode_parse(opts.qr, &qr_mode) != SC_OK)
    return cli_usage_error("init", "--qr expects auto, embed or link, got '%s'", opts.qr);
  const char *dir = argv[first];
  sc_error err = {0};
  if (sc_home_init(dir, &opts, &err) != SC_OK)
    return cli_error(&err);
  sc_home home;
  if (sc_home_open(dir, &home, &err) != SC_OK)
    return cli_error(&err);
  printf("Initialized issuer home in %s\n", home.root);
  printf("  issuer  %s\n  id      %s\n  key     %s (%s)\n", home.issuer_name, home.issuer_id,
         home.key_path,
         sc_home_key_in_token(&home) ? "in a PKCS#11 token"
         : passphrase.none           ? "not encrypted"
                                     : "encrypted");
  sc_home_close(&home);
  return SC_OK;
}
