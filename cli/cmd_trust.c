/* skillcert trust: the issuers this verifier trusts, with the names to show for them. */
#include "cli/cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char trust_description[] =
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
    sc_text_put(name, stdout); /* a trust list may come from elsewhere */
    fputc('\n', stdout);
    size_t j;
    json_t *id;
    json_array_foreach(ids, j, id) {
      const char *retired = json_string_value(json_object_get(id, "retiredAfter"));
      printf("  %s%s%s\n", sc_trust_id(id), retired ? "  retired after " : "",
             retired ? retired : "");
    }
  }
}

int cmd_trust(int argc, char **argv) {
  const char *name = NULL, *path = NULL, *after = NULL;
  const cli_option options[] = {
      CLI_OPT_STRING("name", 0, &name, "NAME", "add: the issuer's name, as verify shows it"),
      CLI_OPT_STRING("trust", 0, &path, "FILE", "the trust list (default: see above)"),
      CLI_OPT_STRING("after", 0, &after, "DATE", "retire: refuse proofs made after DATE"),
  };
  const cli_command command = {"trust",
                               "skillcert trust add DID --name NAME [--trust FILE]\n"
                               "       skillcert trust remove DID_OR_NAME [--trust FILE]\n"
                               "       skillcert trust retire DID --after DATE [--trust FILE]\n"
                               "       skillcert trust list [--trust FILE]",
                               trust_description, CLI_ROWS(options), NULL};
  int first = 0; /* the subcommand */
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first >= argc)
    return cli_usage_error("trust", "expected a subcommand: add, remove or list");
  const char *sub = argv[first];
  const char *target = first + 1 < argc ? argv[first + 1] : NULL;
  bool is_list = strcmp(sub, "list") == 0, is_retire = strcmp(sub, "retire") == 0;
  if (!is_list && !is_retire && strcmp(sub, "add") != 0 && strcmp(sub, "remove") != 0)
    return cli_usage_error("trust", "'%s' is not a trust subcommand (add, remove, retire, list)",
                           sub);
  if (!is_list && (!target || first + 2 != argc))
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
    rc = sc_mkdir_parent(path, 0755, &err); /* the default list's folder, before the first save */
    if (rc == SC_OK)
      rc = sc_trust_save(list, path, &err);
  }
  sc_trust_free(list);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
