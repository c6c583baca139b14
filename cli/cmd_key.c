/* skillcert key: generate a key file, or show the issuer's public key. Never private material. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static const char key_help[] =
    "usage: skillcert key generate -o FILE [--passphrase-file FILE | --no-passphrase]\n"
    "       skillcert key show [--home DIR] [--json]\n"
    "\n"
    "generate  writes a new Ed25519 private key to FILE (PKCS#8 PEM, mode 0600, encrypted\n"
    "          unless --no-passphrase) and prints its did:key.\n"
    "show      prints the issuer's did:key, its Multikey and the public key as PEM.\n"
    "          No private key material is ever printed.\n";

static const struct option key_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"home", required_argument, NULL, OPT_HOME},
    {"json", no_argument, NULL, 'j'},
    {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
    {"no-passphrase", no_argument, NULL, OPT_NO_PASSPHRASE},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

typedef struct key_args {
  const char *output, *home;
  bool json;
  sc_passphrase_source passphrase;
} key_args;

static int save_new_key(EVP_PKEY *key, const key_args *args, sc_error *err) {
  if (args->passphrase.none)
    return sc_keyfile_save(args->output, key, NULL, err);
  char passphrase[SC_PASSPHRASE_MAX];
  int rc = sc_passphrase_read(&args->passphrase, true, passphrase, err);
  if (rc == SC_OK)
    rc = sc_keyfile_save(args->output, key, passphrase, err);
  sc_passphrase_wipe(passphrase);
  return rc;
}

static int key_generate(const key_args *args) {
  if (!args->output)
    return cli_usage_error("key", "generate: -o FILE is required");
  sc_error err = {0};
  EVP_PKEY *key = sc_ed25519_generate(&err);
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  char *did = NULL;
  int rc = key ? sc_ed25519_public(key, pub, &err) : err.code;
  if (rc == SC_OK)
    rc = save_new_key(key, args, &err);
  if (rc == SC_OK && !(did = sc_did_key_encode(pub)))
    rc = sc_oom(&err);
  if (rc == SC_OK)
    printf("%s\n", did);
  free(did);
  EVP_PKEY_free(key);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

/* The public key is recovered from the DID, so showing it needs no passphrase. */
static int key_show(const key_args *args) {
  sc_error err = {0};
  sc_home home;
  if (sc_home_open(args->home, &home, &err) != SC_OK)
    return cli_error(&err);
  uint8_t pub[SC_ED25519_PUBLIC_BYTES];
  int rc = sc_did_key_decode(home.key_did, pub, &err);
  EVP_PKEY *key = NULL;
  char *multikey = NULL, *pem = NULL;
  if (rc == SC_OK && !(key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, sizeof pub)))
    rc = sc_fail(&err, SC_ESOFTWARE, "cannot load the public key");
  if (rc == SC_OK && (!(multikey = sc_multikey_encode(pub)) || !(pem = sc_public_pem(key, &err))))
    rc = err.code ? err.code : sc_oom(&err);
  if (rc == SC_OK && args->json) {
    json_t *out = json_pack("{s:s, s:s, s:s, s:s}", "issuer", home.issuer_id, "did", home.key_did,
                            "publicKeyMultibase", multikey, "publicKeyPem", pem);
    if (out)
      json_dumpf(out, stdout, JSON_INDENT(2)), fputc('\n', stdout);
    json_decref(out);
  } else if (rc == SC_OK) {
    printf("issuer     %s\ndid        %s\nmultikey   %s\n%s", home.issuer_id, home.key_did,
           multikey, pem);
  }
  free(multikey);
  free(pem);
  EVP_PKEY_free(key);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

int cmd_key(int argc, char **argv) {
  key_args args = {0};
  int option;
  while ((option = getopt_long(argc, argv, "o:", key_options, NULL)) != -1) {
    if (option == 'o')
      args.output = optarg;
    else if (option == OPT_HOME)
      args.home = optarg;
    else if (option == 'j')
      args.json = true;
    else if (option == OPT_HELP)
      return fputs(key_help, stdout), SC_OK;
    else if (!cli_passphrase_option(option, optarg, &args.passphrase))
      return cli_usage_error("key", "unknown option");
  }
  if (optind != argc - 1)
    return cli_usage_error("key", "expected a subcommand: generate or show");
  const char *sub = argv[optind];
  if (strcmp(sub, "generate") == 0)
    return key_generate(&args);
  if (strcmp(sub, "show") == 0)
    return key_show(&args);
  return cli_usage_error("key", "'%s' is not a key subcommand (generate, show)", sub);
}
