/* skillcert list and skillcert inspect: what the registry knows. */
#include "cli/cli.h"

#include <string.h>

static const char list_description[] =
    "Lists the credentials in the registry, oldest first: id, status, date, recipient and\n"
    "achievement. --json prints one JSON object per line (JSON Lines) with every column.\n";

static const char inspect_description[] =
    "Shows what the registry records for one credential (ID is urn:uuid:… or the bare UUID):\n"
    "its files, status-list slot, hash, and every status change with its reason.\n";

static int print_row(void *ctx, const json_t *row) {
  const bool *as_json = ctx;
  if (*as_json) {
    json_dumpf(row, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    return SC_OK;
  }
  const char *issued = json_string_value(json_object_get(row, "issued_at"));
  printf("%s  %-9s  %.10s  ", json_string_value(json_object_get(row, "id")),
         json_string_value(json_object_get(row, "status")), issued ? issued : "");
  /* Names are the learners' own text: shown safely (sc_text_put). */
  sc_text_put(json_string_value(json_object_get(row, "recipient_name")), stdout);
  fputs("  ", stdout);
  sc_text_put(json_string_value(json_object_get(row, "achievement_id")), stdout);
  fputc('\n', stdout);
  return SC_OK;
}

static int open_registry(const char *home_dir, sc_home *home, sc_registry **reg, sc_error *err) {
  int rc = cli_home_open(home_dir, home, err);
  if (rc == SC_OK)
    rc = sc_registry_open(home, reg, err);
  return rc;
}

int cmd_list(int argc, char **argv) {
  sc_registry_filter filter = {0};
  const char *home_dir = NULL, *status = NULL;
  bool as_json = false;
  const cli_option options[] = {
      CLI_OPT_FLAG("json", 0, &as_json, "one JSON object per line, with every column"),
      CLI_OPT_STRING("status", 0, &status, "STATUS",
                     "only credentials that are active, revoked or suspended"),
      CLI_OPT_STRING("achievement", 0, &filter.achievement_id, "ID",
                     "only this achievement's credentials"),
      CLI_OPT_STRING("name", 0, &filter.name_contains, "TEXT",
                     "only recipients whose name contains TEXT"),
      CLI_OPT_STRING("learner", 0, &filter.learner_id, "ID",
                     "only the learner with this id (issue --id-from)"),
      CLI_OPT_HOME(&home_dir),
      CLI_OPT_REGISTRY(),
  };
  const cli_command command = {
      "list",
      "skillcert list [--json] [--status active|revoked|suspended] [--achievement ID]\n"
      "                      [--name TEXT] [--learner ID] [--home DIR]",
      list_description, CLI_ROWS(options), NULL};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first != argc)
    return cli_usage_error("list", "unexpected argument '%s'", argv[first]);
  filter.by_status = status != NULL;
  if (status && !sc_status_parse(status, &filter.status))
    return cli_usage_error("list", "--status: expected active, revoked or suspended");
  sc_error err = {0};
  sc_home home = {0};
  sc_registry *reg = NULL;
  int rc = open_registry(home_dir, &home, &reg, &err);
  if (rc == SC_OK)
    rc = sc_registry_each(reg, &filter, print_row, &as_json, &err);
  sc_registry_close(reg);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}

static void print_details(const json_t *row, const json_t *events) {
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)row, key, value) {
    if (json_is_string(value)) {
      printf("%-15s ", key);
      sc_text_put(json_string_value(value), stdout);
      fputc('\n', stdout);
    } else if (json_is_integer(value))
      printf("%-15s %lld\n", key, (long long)json_integer_value(value));
  }
  printf("events\n");
  size_t i;
  json_t *event;
  json_array_foreach(events, i, event) {
    const char *reason = json_string_value(json_object_get(event, "reason"));
    printf("  %s  %-10s ", json_string_value(json_object_get(event, "at")),
           json_string_value(json_object_get(event, "kind")));
    sc_text_put(reason, stdout);
    fputc('\n', stdout);
  }
}

/* The QR code's text, made again from the stored credential (the registry keeps only the
 * credential): shown for a credential issued with a certificate. */
static int add_qr_text(sc_registry *reg, const sc_home *home, const char *id, json_t *row,
                       sc_error *err) {
  if (!json_string_value(json_object_get(row, "pdf_path")))
    return SC_OK;
  /* As the certificate was made: the recorded template's mode and printed size, the home's mode
   * (a --qr given to that `issue` is not recorded: docs/qr-payload.md). */
  char dir[PATH_MAX];
  sc_template *tpl = NULL;
  const char *name = json_string_value(json_object_get(row, "template"));
  sc_error ignored = {0};
  if (name && sc_template_find(home, name, dir, sizeof dir, &ignored) == SC_OK)
    (void)sc_template_load(dir, &tpl, &ignored); /* gone since: the defaults */
  char *text = NULL;
  int rc = sc_qr_text_of_stored(reg, id, home->verify_url,
                                sc_qr_mode_resolve(SC_QR_MODE_UNSET, tpl, home),
                                sc_template_qr_size(tpl), &text, err);
  sc_template_free(tpl);
  if (rc == SC_OK && json_object_set_new(row, "qr_text", json_string(text)) != 0)
    rc = sc_oom(err);
  free(text);
  return rc;
}

/* A copy re-issued to a wallet names its original (docs/wallets.md): "reissued_from". */
static int add_original(sc_registry *reg, json_t *row, sc_error *err) {
  char original[128];
  int rc = sc_registry_reissued_from(reg, json_string_value(json_object_get(row, "id")), original,
                                     sizeof original, err);
  if (rc == SC_OK && original[0] &&
      json_object_set_new(row, "reissued_from", json_string(original)) != 0)
    rc = sc_oom(err);
  return rc;
}

int cmd_inspect(int argc, char **argv) {
  const char *home_dir = NULL;
  bool as_json = false;
  const cli_option options[] = {
      CLI_OPT_FLAG("json", 0, &as_json, "print the record and its events as JSON"),
      CLI_OPT_HOME(&home_dir),
      CLI_OPT_REGISTRY(),
  };
  const cli_command command = {"inspect", "skillcert inspect [--json] [--home DIR] ID",
                               inspect_description, CLI_ROWS(options), NULL};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if (first != argc - 1)
    return cli_usage_error("inspect", "expected one credential id");
  sc_error err = {0};
  sc_home home = {0};
  sc_registry *reg = NULL;
  json_t *row = NULL, *events = NULL;
  int rc = open_registry(home_dir, &home, &reg, &err);
  if (rc == SC_OK)
    rc = sc_registry_get(reg, argv[first], &row, &err);
  if (rc == SC_OK && !row)
    rc = sc_fail(&err, SC_EUSAGE, "inspect: no credential %s in %s/registry.db", argv[first],
                 home.root);
  if (rc == SC_OK)
    rc = add_qr_text(reg, &home, argv[first], row, &err);
  if (rc == SC_OK)
    rc = add_original(reg, row, &err);
  if (rc == SC_OK)
    rc = sc_registry_events(reg, argv[first], &events, &err);
  if (rc == SC_OK && as_json) {
    json_object_set(row, "events", events);
    json_dumpf(row, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
  } else if (rc == SC_OK) {
    print_details(row, events);
  }
  json_decref(row);
  json_decref(events);
  sc_registry_close(reg);
  sc_home_close(&home);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
