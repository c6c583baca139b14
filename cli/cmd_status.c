/* skillcert revoke, suspend, reinstate: change a credential's status and publish it. */
#include "cli/cli.h"

#include <string.h>

static const char status_help[] =
    "usage: skillcert revoke ID... --reason TEXT [--from FILE]\n"
    "       skillcert suspend ID... --reason TEXT [--from FILE]\n"
    "       skillcert reinstate ID... [--reason TEXT] [--from FILE]\n"
    "       common: [--home DIR] [--passphrase-file FILE] [--no-publish]\n"
    "\n"
    "Records the change in the registry (with its reason and time) and publishes the status\n"
    "lists it touches, so public/ is never behind the registry. Revocation is final;\n"
    "a suspended credential can be reinstated. ID is urn:uuid:… or the bare UUID;\n"
    "--from FILE reads one ID per line (blank lines and # comments are skipped).\n";

typedef struct status_args {
  const char *kind; /* "revoked", "suspended", "reinstated" */
  const char *reason, *from, *home;
  bool no_publish;
  sc_passphrase_source passphrase;
} status_args;

typedef struct touched_lists {
  int64_t ids[64];
  size_t count;
  bool overflow; /* more than fit: publish every list */
} touched_lists;

static void touch(touched_lists *t, int64_t list) {
  for (size_t i = 0; i < t->count; i++) {
    if (t->ids[i] == list)
      return;
  }
  if (t->count < sizeof t->ids / sizeof *t->ids)
    t->ids[t->count++] = list;
  else
    t->overflow = true;
}

static int change_one(sc_registry *reg, const status_args *a, const char *id, touched_lists *t) {
  sc_error err = {0};
  int64_t list = 0;
  if (sc_registry_change_status(reg, id, a->kind, a->reason, &list, &err) != SC_OK)
    return cli_error(&err);
  touch(t, list);
  printf("%s %s\n", a->kind, id);
  return SC_OK;
}

static int change_from_file(sc_registry *reg, const status_args *a, touched_lists *t) {
  FILE *in = strcmp(a->from, "-") == 0 ? stdin : fopen(a->from, "r");
  if (!in) {
    fprintf(stderr, "skillcert: %s: cannot read\n", a->from);
    return SC_ENOINPUT;
  }
  char line[512];
  int worst = SC_OK;
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *id = line + strspn(line, " \t");
    if (!*id || *id == '#')
      continue;
    int rc = change_one(reg, a, id, t);
    worst = worst ? worst : rc;
  }
  if (in != stdin)
    fclose(in);
  return worst;
}

static int publish(const sc_home *home, sc_registry *reg, const status_args *a,
                   const touched_lists *t, sc_error *err) {
  if (a->no_publish || !t->count)
    return SC_OK;
  EVP_PKEY *key = NULL;
  int rc = sc_home_load_key(home, &a->passphrase, &key, err);
  sc_publish_options opts = {.now = (int64_t)time(NULL)};
  if (rc == SC_OK)
    rc = sc_publish_lists(home, key, reg, t->ids, t->overflow ? 0 : t->count, &opts, err);
  EVP_PKEY_free(key);
  return rc;
}

static int run(int argc, char **argv, status_args *a) {
  enum { O_REASON = 1, O_FROM, O_NO_PUBLISH };
  static const struct option options[] = {
      {"reason", required_argument, NULL, O_REASON},
      {"from", required_argument, NULL, O_FROM},
      {"no-publish", no_argument, NULL, O_NO_PUBLISH},
      {"home", required_argument, NULL, OPT_HOME},
      {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  const char *command = argv[0];
  int option;
  while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
    switch (option) {
    case O_REASON:
      a->reason = optarg;
      break;
    case O_FROM:
      a->from = optarg;
      break;
    case O_NO_PUBLISH:
      a->no_publish = true;
      break;
    case OPT_HOME:
      a->home = optarg;
      break;
    case OPT_PASSPHRASE_FILE:
      a->passphrase.file = optarg;
      break;
    case OPT_HELP:
      return fputs(status_help, stdout), SC_OK;
    default:
      return cli_usage_error(command, "unknown option");
    }
  }
  if (optind == argc && !a->from)
    return cli_usage_error(command, "expected credential ids (or --from FILE)");
  if (strcmp(a->kind, "reinstated") != 0 && (!a->reason || !*a->reason))
    return cli_usage_error(command, "--reason TEXT is required: it is recorded with the change");
  sc_error err = {0};
  sc_home home;
  sc_registry *reg = NULL;
  int rc = sc_home_open(a->home, &home, &err);
  if (rc == SC_OK)
    rc = sc_registry_open(&home, &reg, &err);
  if (rc != SC_OK) {
    sc_home_close(&home);
    return cli_error(&err);
  }
  touched_lists touched = {0};
  int worst = SC_OK;
  for (int i = optind; i < argc; i++) {
    int one = change_one(reg, a, argv[i], &touched);
    worst = worst ? worst : one;
  }
  if (a->from) {
    int file = change_from_file(reg, a, &touched);
    worst = worst ? worst : file;
  }
  rc = publish(&home, reg, a, &touched, &err);
  if (rc != SC_OK)
    worst = cli_error(&err);
  sc_registry_close(reg);
  sc_home_close(&home);
  return worst;
}

int cmd_revoke(int argc, char **argv) {
  status_args a = {.kind = "revoked"};
  return run(argc, argv, &a);
}

int cmd_suspend(int argc, char **argv) {
  status_args a = {.kind = "suspended"};
  return run(argc, argv, &a);
}

int cmd_reinstate(int argc, char **argv) {
  status_args a = {.kind = "reinstated"};
  return run(argc, argv, &a);
}
