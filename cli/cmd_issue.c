/* skillcert issue: sign a credential for one learner. */
#include "cli/cli.h"

#include <time.h>

static const char issue_help[] =
    "usage: skillcert issue --name NAME --email EMAIL --achievement FILE.json\n"
    "                       [--did DID] [--valid-until DATE]\n"
    "                       [--home DIR] [--passphrase-file FILE]\n"
    "\n"
    "Builds an Open Badges 3.0 OpenBadgeCredential for one learner, signs it with the issuer's\n"
    "key (Data Integrity, eddsa-jcs-2022), writes it to out/<uuid>.json in the issuer home and\n"
    "prints that path.\n"
    "\n"
    "  --name NAME            the learner's name, in any script (stored NFC-normalised)\n"
    "  --email EMAIL          the learner's e-mail; only a salted SHA-256 of it is stored\n"
    "  --achievement FILE     the Open Badges 3.0 Achievement (JSON)\n"
    "  --did DID              the learner's own DID, if they gave one\n"
    "  --valid-until DATE     expiry: YYYY-MM-DD (end of that day, UTC) or a date-time\n"
    "  --home DIR             the issuer home (default: found upward from here)\n"
    "  --passphrase-file FILE the signing key's passphrase\n";

int cmd_issue(int argc, char **argv) {
  enum { OPT_NAME = 1, OPT_EMAIL, OPT_ACHIEVEMENT, OPT_DID, OPT_VALID_UNTIL };
  static const struct option options[] = {
      {"name", required_argument, NULL, OPT_NAME},
      {"email", required_argument, NULL, OPT_EMAIL},
      {"achievement", required_argument, NULL, OPT_ACHIEVEMENT},
      {"did", required_argument, NULL, OPT_DID},
      {"valid-until", required_argument, NULL, OPT_VALID_UNTIL},
      {"home", required_argument, NULL, OPT_HOME},
      {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  sc_issue_request req = {.now = (int64_t)time(NULL)};
  sc_passphrase_source passphrase = {0};
  const char *home_dir = NULL, *achievement_path = NULL;
  int option;
  while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
    switch (option) {
    case OPT_NAME:
      req.recipient.name = optarg;
      break;
    case OPT_EMAIL:
      req.recipient.email = optarg;
      break;
    case OPT_ACHIEVEMENT:
      achievement_path = optarg;
      break;
    case OPT_DID:
      req.recipient.did = optarg;
      break;
    case OPT_VALID_UNTIL:
      req.valid_until = optarg;
      break;
    case OPT_HOME:
      home_dir = optarg;
      break;
    case OPT_PASSPHRASE_FILE:
      passphrase.file = optarg;
      break;
    case OPT_HELP:
      return fputs(issue_help, stdout), SC_OK;
    default:
      return cli_usage_error("issue", "unknown option");
    }
  }
  if (optind != argc)
    return cli_usage_error("issue", "unexpected argument '%s'", argv[optind]);
  if (!req.recipient.name || !req.recipient.email || !achievement_path)
    return cli_usage_error("issue", "--name, --email and --achievement are required");

  sc_error err = {0};
  sc_home home;
  json_t *achievement = NULL;
  EVP_PKEY *key = NULL;
  char path[PATH_MAX];
  int rc = sc_home_open(home_dir, &home, &err);
  if (rc != SC_OK)
    return cli_error(&err);
  rc = sc_achievement_load(achievement_path, &achievement, &err);
  req.achievement = achievement;
  if (rc == SC_OK)
    rc = sc_home_load_key(&home, &passphrase, &key, &err);
  if (rc == SC_OK)
    rc = sc_issue_one(&home, key, &req, path, &err);
  if (rc == SC_OK)
    printf("%s\n", path);
  EVP_PKEY_free(key);
  json_decref(achievement);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
