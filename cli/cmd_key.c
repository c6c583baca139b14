/* skillcert key: generate a key file, show the issuer's public key, rotate and retire the
 * issuer's keys. Never prints private material. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static const char key_synopsis[] =
    "skillcert key generate -o FILE [--passphrase-file FILE | --no-passphrase]\n"
    "       skillcert key show [--home DIR] [--json]\n"
    "       skillcert key list [--home DIR] [--json]\n"
    "       skillcert key rotate [--home DIR] [--passphrase-file FILE | --no-passphrase]\n"
    "                            [--to pkcs11:URI]\n"
    "       skillcert key import FILE --to pkcs11:URI [--home DIR] [--passphrase-file FILE]\n"
    "       skillcert key retire KEY --after DATE [--reason TEXT] [--home DIR]";

static const char key_description[] =
    "generate  writes a new Ed25519 private key to FILE (PKCS#8 PEM, mode 0600, encrypted\n"
    "          unless --no-passphrase) and prints its did:key.\n"
    "show      prints the issuer's did:key, its Multikey and the public key as PEM.\n"
    "          No private key material is ever printed.\n"
    "list      the issuer's keys, oldest first, with their status (current, active,\n"
    "          retired after DATE).\n"
    "rotate    makes a new signing key (keys/signing-key-N.pem) the current one and\n"
    "          re-publishes the key document. Older keys stay listed, so what they signed\n"
    "          keeps verifying. A did:key issuer's id becomes the new key's did:key: verifiers\n"
    "          add it to their trust list (the command prints how). The current key must\n"
    "          open first (exit 77 for a wrong passphrase); the new key gets the same\n"
    "          passphrase, or none with --no-passphrase. With --to, the new key is the one\n"
    "          the RFC 7512 URI names in a PKCS#11 token, generated there when the token\n"
    "          holds none; no key file is written.\n"
    "import    writes the Ed25519 key in FILE into the PKCS#11 token under --to's URI. A key\n"
    "          the home lists then signs from the token (FILE is left alone: remove it or\n"
    "          keep it offline); another key becomes the current one, as with rotate.\n"
    "retire    refuses proofs KEY (a did:key, Multikey or key file name) makes after DATE\n"
    "          (YYYY-MM-DD = 00:00:00Z that day, or a date-time with zone); credentials it\n"
    "          signed before keep verifying. The key document carries the date as \"revoked\".\n"
    "          The current key cannot be retired: rotate first.\n";

typedef struct key_args {
  const char *output, *home, *after, *reason, *target, *to;
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
  EVP_PKEY *key = sc_key_generate(&err);
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
  if (rc == SC_OK && !(multikey = sc_multikey_encode(pub)))
    rc = sc_oom(&err);
  if (rc == SC_OK && !(pem = sc_public_pem(key, &err)))
    rc = err.code;
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

/* Where the key document was written, for the user. */
static const char *key_document_name(const sc_home *home) {
  return strncmp(home->issuer_id, "did:web:", 8) == 0 ? "the DID document" : "public/issuer.json";
}

/* Re-opens the home after skillcert.json changed, and publishes the key document at once. */
static int reopen_and_publish(sc_home *home, sc_error *err) {
  char root[PATH_MAX];
  snprintf(root, sizeof root, "%s", home->root);
  sc_home_close(home);
  int rc = sc_home_open(root, home, err);
  return rc == SC_OK ? sc_publish_key_document(home, err) : rc;
}

/* The current key as the user knows it: its file inside the home, or its token URI. */
static const char *key_name(const sc_home *home) {
  return sc_home_key_in_token(home) ? home->key_path : home->key_path + strlen(home->root) + 1;
}

static void print_rotation(const sc_home *home, const char *old_issuer, const char *did) {
  printf("New signing key %s\n  did     %s\n", key_name(home), did);
  printf("Published %s with %zu keys.\n", key_document_name(home),
         json_array_size(json_object_get(home->config, "keys")));
  if (strncmp(home->issuer_id, "did:key:", 8) == 0)
    printf("The issuer id changed from %s to %s.\nVerifiers must now trust the new key:\n"
           "  skillcert trust add %s --name \"%s\"\n",
           old_issuer, home->issuer_id, did, home->issuer_name);
  else
    printf("The issuer stays %s: once public/ is served, verifiers find the new key in its DID "
           "document; nothing changes for them.\n",
           home->issuer_id);
}

static int key_rotate(const key_args *args) {
  sc_error err = {0};
  sc_home home;
  int lock = -1;
  char *did = NULL, old_issuer[512] = "";
  int rc = sc_home_open(args->home, &home, &err);
  if (rc != SC_OK)
    return cli_error(&err);
  snprintf(old_issuer, sizeof old_issuer, "%s", home.issuer_id);
  rc = sc_home_lock(&home, &lock, &err);
  if (rc == SC_OK)
    rc = args->to ? sc_home_rotate_key_to(&home, &args->passphrase, args->to, &did, &err)
                  : sc_home_rotate_key(&home, &args->passphrase, &did, &err);
  if (rc == SC_OK)
    rc = reopen_and_publish(&home, &err);
  if (rc == SC_OK)
    print_rotation(&home, old_issuer, did);
  if (lock >= 0)
    sc_home_unlock(lock);
  free(did);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

static int key_import(const key_args *args) {
  if (!args->target)
    return cli_usage_error("key", "import: expected the key FILE to import");
  if (!args->to)
    return cli_usage_error("key", "import: --to pkcs11:URI is required");
  sc_error err = {0};
  sc_home home;
  int lock = -1;
  bool moved = false;
  char *did = NULL, old_issuer[512] = "";
  int rc = sc_home_open(args->home, &home, &err);
  if (rc != SC_OK)
    return cli_error(&err);
  snprintf(old_issuer, sizeof old_issuer, "%s", home.issuer_id);
  rc = sc_home_lock(&home, &lock, &err);
  if (rc == SC_OK)
    rc = sc_home_import_key(&home, args->target, &args->passphrase, args->to, &did, &moved, &err);
  if (rc == SC_OK)
    rc = reopen_and_publish(&home, &err);
  if (rc == SC_OK && moved)
    printf("Imported %s into the token: the home now signs with it there.\n"
           "%s still holds the private key: keep it offline as a backup, or remove it.\n",
           did, args->target);
  else if (rc == SC_OK)
    print_rotation(&home, old_issuer, did);
  if (lock >= 0)
    sc_home_unlock(lock);
  free(did);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

static int key_retire(const key_args *args) {
  if (!args->target)
    return cli_usage_error("key", "retire: expected the key to retire (did:key, Multikey or file)");
  if (!args->after)
    return cli_usage_error("key", "retire: --after DATE is required");
  sc_error err = {0};
  sc_home home;
  int lock = -1;
  size_t index = 0;
  int rc = sc_home_open(args->home, &home, &err);
  if (rc != SC_OK)
    return cli_error(&err);
  rc = sc_home_lock(&home, &lock, &err);
  if (rc == SC_OK)
    rc = sc_home_retire_key(&home, args->target, args->after, args->reason, &err);
  if (rc == SC_OK)
    rc = reopen_and_publish(&home, &err);
  if (rc == SC_OK)
    rc = sc_home_find_key(&home, args->target, &index, &err);
  if (rc == SC_OK) {
    const json_t *entry = json_array_get(json_object_get(home.config, "keys"), index);
    const char *did = json_string_value(json_object_get(entry, "did"));
    const char *when = json_string_value(json_object_get(entry, "retiredAfter"));
    printf("Retired %s: proofs it makes after %s are refused.\nPublished %s.\n", did, when,
           key_document_name(&home));
    if (strncmp(home.issuer_id, "did:key:", 8) == 0)
      printf("Verifiers that trust it through a trust list should run:\n"
             "  skillcert trust retire %s --after %s\n",
             did, when);
  }
  if (lock >= 0)
    sc_home_unlock(lock);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

static const char *key_status(const json_t *entry, bool current, char *out, size_t size) {
  const char *retired = json_string_value(json_object_get(entry, "retiredAfter"));
  if (retired)
    snprintf(out, size, "retired after %s", retired);
  else
    snprintf(out, size, "%s", current ? "current" : "active");
  return out;
}

static int key_list(const key_args *args) {
  sc_error err = {0};
  sc_home home;
  if (sc_home_open(args->home, &home, &err) != SC_OK)
    return cli_error(&err);
  const json_t *keys = json_object_get(home.config, "keys");
  json_t *out = args->json ? json_array() : NULL;
  size_t i;
  json_t *entry;
  json_array_foreach(keys, i, entry) {
    char status[64];
    key_status(entry, i + 1 == json_array_size(keys), status, sizeof status);
    const char *did = json_string_value(json_object_get(entry, "did"));
    const char *file = json_string_value(json_object_get(entry, "file"));
    const char *token_uri = json_string_value(json_object_get(entry, "key"));
    const char *reason = json_string_value(json_object_get(entry, "retiredReason"));
    if (out)
      json_array_append_new(
          out, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s?}", "did", did, "file", file,
                         "key", token_uri, "created",
                         json_string_value(json_object_get(entry, "created")), "status", status,
                         "retiredAfter", json_string_value(json_object_get(entry, "retiredAfter")),
                         "retiredReason", reason));
    else
      printf("%-34s %s  %s%s%s\n", status, did ? did : "?", file ? file : token_uri ? token_uri : "?",
             reason ? "  reason: " : "", reason ? reason : "");
  }
  if (out)
    json_dumpf(out, stdout, JSON_INDENT(2)), fputc('\n', stdout);
  json_decref(out);
  sc_home_close(&home);
  return SC_OK;
}

int cmd_key(int argc, char **argv) {
  key_args args = {0};
  const cli_option options[] = {
      CLI_OPT_STRING("output", 'o', &args.output, "FILE", "generate: the new key file"),
      CLI_OPT_HOME(&args.home),
      CLI_OPT_FLAG("json", 0, &args.json, "show, list: print JSON"),
      CLI_OPT_STRING("after", 0, &args.after, "DATE", "retire: refuse proofs made after DATE"),
      CLI_OPT_STRING("reason", 0, &args.reason, "TEXT", "retire: why, kept in skillcert.json"),
      CLI_OPT_STRING("to", 0, &args.to, "pkcs11:URI",
                     "rotate, import: the key in a PKCS#11 token (RFC 7512 URI)"),
      CLI_OPT_PASSPHRASE_FILE(&args.passphrase),
      CLI_OPT_NO_PASSPHRASE(&args.passphrase),
  };
  const cli_command command = {"key", key_synopsis, key_description, CLI_ROWS(options), NULL};
  int first = 0; /* the subcommand */
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first >= argc)
    return cli_usage_error("key",
                           "expected a subcommand: generate, show, list, rotate, import or retire");
  const char *sub = argv[first];
  bool takes_target = strcmp(sub, "retire") == 0 || strcmp(sub, "import") == 0;
  if (argc - first > (takes_target ? 2 : 1))
    return cli_usage_error("key", "%s: unexpected argument '%s'", sub,
                           argv[first + (takes_target ? 2 : 1)]);
  args.target = takes_target && first + 1 < argc ? argv[first + 1] : NULL;
  if (args.passphrase.none && args.passphrase.file)
    return cli_usage_error("key", "--no-passphrase and --passphrase-file exclude each other");
  if (strcmp(sub, "generate") == 0)
    return key_generate(&args);
  if (strcmp(sub, "show") == 0)
    return key_show(&args);
  if (strcmp(sub, "list") == 0)
    return key_list(&args);
  if (strcmp(sub, "rotate") == 0)
    return key_rotate(&args);
  if (strcmp(sub, "import") == 0)
    return key_import(&args);
  if (takes_target)
    return key_retire(&args);
  return cli_usage_error(
      "key", "'%s' is not a key subcommand (generate, show, list, rotate, import, retire)", sub);
}
