/* skillcert list and skillcert inspect: what the registry knows. */
#include "cli/cli.h"

#include <string.h>

static const char list_help[] =
    "usage: skillcert list [--json] [--status active|revoked|suspended] [--achievement ID]\n"
    "                      [--name TEXT] [--learner ID] [--home DIR]\n"
    "\n"
    "Lists the credentials in the registry, oldest first: id, status, date, recipient and\n"
    "achievement. --json prints one JSON object per line (JSON Lines) with every column.\n";

static const char inspect_help[] =
    "usage: skillcert inspect [--json] [--home DIR] ID\n"
    "\n"
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
  int rc = sc_home_open(home_dir, home, err);
  if (rc == SC_OK)
    rc = sc_registry_open(home, reg, err);
  return rc;
}

int cmd_list(int argc, char **argv) {
  enum { O_JSON = 1, O_STATUS, O_ACH, O_NAME, O_LEARNER };
  static const struct option options[] = {
      {"json", no_argument, NULL, O_JSON},
      {"status", required_argument, NULL, O_STATUS},
      {"achievement", required_argument, NULL, O_ACH},
      {"name", required_argument, NULL, O_NAME},
      {"learner", required_argument, NULL, O_LEARNER},
      {"home", required_argument, NULL, OPT_HOME},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  sc_registry_filter filter = {0};
  const char *home_dir = NULL;
  bool as_json = false;
  int option;
  while ((option = cli_getopt(argc, argv, "", options)) != -1) {
    switch (option) {
    case O_JSON:
      as_json = true;
      break;
    case O_STATUS:
      filter.status = optarg;
      break;
    case O_ACH:
      filter.achievement_id = optarg;
      break;
    case O_NAME:
      filter.name_contains = optarg;
      break;
    case O_LEARNER:
      filter.learner_id = optarg;
      break;
    case OPT_HOME:
      home_dir = optarg;
      break;
    case OPT_HELP:
      return fputs(list_help, stdout), SC_OK;
    default:
      return cli_option_error("list", argv, "");
    }
  }
  if (optind != argc)
    return cli_usage_error("list", "unexpected argument '%s'", argv[optind]);
  if (filter.status && strcmp(filter.status, "active") && strcmp(filter.status, "revoked") &&
      strcmp(filter.status, "suspended"))
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

int cmd_inspect(int argc, char **argv) {
  static const struct option options[] = {
      {"json", no_argument, NULL, 'J'},
      {"home", required_argument, NULL, OPT_HOME},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  const char *home_dir = NULL;
  bool as_json = false;
  int option;
  while ((option = cli_getopt(argc, argv, "", options)) != -1) {
    if (option == 'J')
      as_json = true;
    else if (option == OPT_HOME)
      home_dir = optarg;
    else if (option == OPT_HELP)
      return fputs(inspect_help, stdout), SC_OK;
    else
      return cli_option_error("inspect", argv, "");
  }
  if (optind != argc - 1)
    return cli_usage_error("inspect", "expected one credential id");
  sc_error err = {0};
  sc_home home = {0};
  sc_registry *reg = NULL;
  json_t *row = NULL, *events = NULL;
  int rc = open_registry(home_dir, &home, &reg, &err);
  if (rc == SC_OK)
    rc = sc_registry_get(reg, argv[optind], &row, &err);
  if (rc == SC_OK && !row)
    rc = sc_fail(&err, SC_EUSAGE, "inspect: no credential %s in %s/registry.db", argv[optind],
                 home.root);
  if (rc == SC_OK)
    rc = sc_registry_events(reg, argv[optind], &events, &err);
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
