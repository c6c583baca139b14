/* skillcert trust: the issuers this verifier trusts, with the names to show for them. */
#include "cli/cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char trust_help[] =
    "usage: skillcert trust add DID --name NAME [--trust FILE]\n"
    "       skillcert trust remove DID_OR_NAME [--trust FILE]\n"
    "       skillcert trust retire DID --after DATE [--trust FILE]\n"
    "       skillcert trust list [--trust FILE]\n"
    "\n"
    "The trust list names each issuer you trust and the identifiers (DIDs) it signs with.\n"
    "`skillcert verify` uses it to say who issued a credential; an issuer not on it makes\n"
    "verification exit 5. Default file: $SKILLCERT_TRUST, else\n"
    "$XDG_CONFIG_HOME/skillcert/trust.json (~/.config/skillcert/trust.json).\n"
    "\n"
    "retire marks a listed DID (an issuer's old did:key) as retired after DATE (YYYY-MM-DD =\n"
    "00:00:00Z that day, or a date-time with zone): proofs its key made later are refused,\n"
    "credentials it signed before keep verifying.\n";

/* A list that does not exist yet is empty (add creates it), unless must_exist: listing a file
 * named with --trust that is not there is a mistake worth saying (exit 66). Anything else that
 * cannot be read — a folder, no permission — is an error too. */
static int load_or_new(const char *path, bool must_exist, sc_trust_list **list, sc_error *err) {
  if (!must_exist && access(path, F_OK) != 0 && errno == ENOENT) {
    *list = sc_trust_new();
    return *list ? SC_OK : sc_oom(err);
  }
  return sc_trust_load(path, list, err);
}

static void print_list(const sc_trust_list *list) {
  for (size_t i = 0; i < sc_trust_count(list); i++) {
    const json_t *ids;
    const char *name = sc_trust_entry(list, i, &ids);
    printf("%s\n", name);
    size_t j;
    json_t *id;
    json_array_foreach(ids, j, id) {
      const char *retired = json_string_value(json_object_get(id, "retiredAfter"));
      printf("  %s%s%s\n", sc_trust_id(id), retired ? "  retired after " : "",
             retired ? retired : "");
    }
  }
}

/* Makes sure the folder of the default list exists before the first save. */
static void make_parent(const char *path) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  for (char *p = dir + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      mkdir(dir, 0755);
      *p = '/';
    }
  }
}

int cmd_trust(int argc, char **argv) {
  enum { OPT_NAME = 1, OPT_TRUST, OPT_AFTER };
  static const struct option options[] = {
      {"name", required_argument, NULL, OPT_NAME},
      {"trust", required_argument, NULL, OPT_TRUST},
      {"after", required_argument, NULL, OPT_AFTER},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  const char *name = NULL, *path = NULL, *after = NULL;
  int option;
  while ((option = cli_getopt(argc, argv, "", options)) != -1) {
    if (option == OPT_NAME)
      name = optarg;
    else if (option == OPT_TRUST)
      path = optarg;
    else if (option == OPT_AFTER)
      after = optarg;
    else if (option == OPT_HELP)
      return fputs(trust_help, stdout), SC_OK;
    else
      return cli_option_error("trust", argv, "");
  }
  if (optind >= argc)
    return cli_usage_error("trust", "expected a subcommand: add, remove or list");
  const char *sub = argv[optind];
  const char *target = optind + 1 < argc ? argv[optind + 1] : NULL;
  bool is_list = strcmp(sub, "list") == 0, is_retire = strcmp(sub, "retire") == 0;
  if (!is_list && !is_retire && strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0)
    return cli_usage_error("trust", "'%s' is not a trust subcommand (add, remove, retire, list)",
                           sub);
  if (!is_list && (!target || optind + 2 != argc))
    return cli_usage_error("trust", "%s: expected one DID", sub);
  if (strcmp(sub, "add") == 0 && (!name || !*name))
    return cli_usage_error("trust", "add: --name NAME is required");
  char retired_after[21] = "";
  sc_error err = {0};
  if (is_retire && !after)
    return cli_usage_error("trust", "retire: --after DATE is required");
  if (is_retire && sc_retirement_parse(after, retired_after, &err) != SC_OK)
    return cli_usage_error("trust", "retire: %s", err.message);

  char default_path[PATH_MAX];
  if (!path && cli_default_trust_path(default_path, sizeof default_path, &err) != SC_OK)
    return cli_usage_error("trust", "%s", err.message);
  bool must_exist = is_list && path;
  path = path ? path : default_path;
  sc_trust_list *list = NULL;
  int rc = load_or_new(path, must_exist, &list, &err);
  if (rc == SC_OK && is_list)
    print_list(list);
  else if (rc == SC_OK && strcmp(sub, "add") == 0)
    rc = sc_trust_add(list, target, name, &err);
  else if (rc == SC_OK && is_retire)
    rc = sc_trust_retire(list, target, retired_after, &err);
  else if (rc == SC_OK)
    rc = sc_trust_remove(list, target, &err);
  if (rc == SC_OK && !is_list) {
    make_parent(path);
    rc = sc_trust_save(list, path, &err);
  }
  sc_trust_free(list);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
