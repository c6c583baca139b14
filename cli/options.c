/* Option parsing from one table per command (cli.h: cli_option, cli_command): the table says
 * each option's names, kind, where its value goes and one line of help; parsing, value checks
 * and --help all come from it, so they cannot drift apart. */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Long options get values past every short letter, so the two never meet. */
enum { LONG_BASE = 256, MAX_ROWS = 48 };

/* ---------------------------------------------------------------- values */

/* Digits only, an optional leading '-': no spaces, no '+', no "4x", no "0x10". */
static bool parse_whole(const char *text, long long *out) {
  const char *digits = text[0] == '-' ? text + 1 : text;
  if (!*digits || strspn(digits, "0123456789") != strlen(digits))
    return false;
  errno = 0;
  long long n = strtoll(text, NULL, 10);
  if (errno == ERANGE)
    return false;
  *out = n;
  return true;
}

int cli_parse_duration(const char *text, int64_t *seconds) {
  size_t digits = strspn(text, "0123456789");
  const char *suffix = text + digits;
  int64_t unit = !*suffix                   ? 1
                 : strcmp(suffix, "m") == 0 ? 60
                 : strcmp(suffix, "h") == 0 ? 3600
                 : strcmp(suffix, "d") == 0 ? 86400
                                            : 0;
  if (!digits || digits > 12 || !unit)
    return SC_EUSAGE;
  long long n = strtoll(text, NULL, 10);
  if (n <= 0 || n > 10LL * 365 * 86400 / unit)
    return SC_EUSAGE;
  *seconds = (int64_t)n * unit;
  return SC_OK;
}

/* How the user named the option: "-j" or "--jobs", so the message matches what was typed. */
static void typed_name(const cli_option *row, bool by_letter, char *out, size_t size) {
  if (by_letter)
    snprintf(out, size, "-%c", row->letter);
  else
    snprintf(out, size, "--%s", row->name);
}

static int store_number(const cli_command *cmd, const cli_option *row, const char *typed,
                        const char *arg) {
  long long n = 0;
  if (!parse_whole(arg, &n) || n < row->min || n > row->max)
    return cli_usage_error(cmd->name, "%s expects a whole number from %lld to %lld, got '%s'",
                           typed, row->min, row->max, arg);
  if (row->kind == CLI_INT)
    *(int *)row->value = (int)n;
  else
    *(unsigned *)row->value = (unsigned)n;
  return SC_OK;
}

static int store_list(const cli_command *cmd, const cli_option *row, const char *typed,
                      const char *arg) {
  cli_list *list = row->value;
  if (list->count == list->max)
    return cli_usage_error(cmd->name, "%s can be given at most %zu times", typed, list->max);
  list->items[list->count++] = arg;
  return SC_OK;
}

static int store(const cli_command *cmd, const cli_option *row, bool by_letter, const char *arg) {
  char typed[64];
  typed_name(row, by_letter, typed, sizeof typed);
  switch (row->kind) {
  case CLI_FLAG:
    *(bool *)row->value = true;
    return SC_OK;
  case CLI_STRING:
    *(const char **)row->value = arg;
    return SC_OK;
  case CLI_INT:
  case CLI_UNSIGNED:
    return store_number(cmd, row, typed, arg);
  case CLI_DURATION:
    if (cli_parse_duration(arg, row->value) != SC_OK)
      return cli_usage_error(cmd->name,
                             "%s expects a duration: seconds, or Nm, Nh, Nd up to 10 years "
                             "(e.g. 12h), got '%s'",
                             typed, arg);
    return SC_OK;
  case CLI_LIST:
    return store_list(cmd, row, typed, arg);
  case CLI_HEADING:
    break;
  }
  return cli_usage_error(cmd->name, "%s: internal error: bad option table", typed);
}

/* ---------------------------------------------------------------- getopt */

static int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                      int *longindex) {
  opterr = 0; /* cli_option_error reports a bad option once, in skillcert's format */
  *longindex = -1;
  return getopt_long(argc, argv, shortopts, longopts, longindex);
}

/* getopt leaves what went wrong in optopt (0 for an unknown long option, else the option's
 * value) and the option itself just before optind. */
int cli_option_error(const char *command, char **argv, const char *shortopts) {
  const char *arg = optind > 0 ? argv[optind - 1] : "";
  if (strncmp(arg, "--", 2) == 0) {
    const char *eq = strchr(arg, '=');
    int name_len = eq ? (int)(eq - arg) : (int)strlen(arg);
    if (!optopt)
      return cli_usage_error(command, "unknown option '%.*s'", name_len, arg);
    if (eq)
      return cli_usage_error(command, "option '%.*s' takes no value", name_len, arg);
    return cli_usage_error(command, "option '%s' needs a value", arg);
  }
  if (optopt > 0 && optopt < 256 && optopt != ':' && strchr(shortopts, optopt))
    return cli_usage_error(command, "option '-%c' needs a value", optopt);
  if (optopt > 32 && optopt < 127)
    return cli_usage_error(command, "unknown option '-%c'", optopt);
  return cli_usage_error(command, "unknown option '%s'", arg);
}

/* getopt_long's tables from ours: --help is every command's, and is not a row. */
static size_t build_getopt_tables(const cli_command *cmd, struct option *longopts,
                                  char *shortopts) {
  size_t n = 0, s = 0;
  shortopts[s++] = ':'; /* a missing value is ':', told apart from an unknown option */
  for (size_t i = 0; i < cmd->option_count && n < MAX_ROWS; i++) {
    const cli_option *row = &cmd->options[i];
    if (row->kind == CLI_HEADING)
      continue;
    int has_arg = row->kind == CLI_FLAG ? no_argument : required_argument;
    longopts[n++] = (struct option){row->name, has_arg, NULL, LONG_BASE + (int)i};
    if (row->letter) {
      shortopts[s++] = row->letter;
      if (has_arg == required_argument)
        shortopts[s++] = ':';
    }
  }
  longopts[n++] = (struct option){"help", no_argument, NULL, LONG_BASE + MAX_ROWS};
  longopts[n] = (struct option){NULL, 0, NULL, 0};
  shortopts[s] = '\0';
  return n;
}

static const cli_option *row_of(const cli_command *cmd, int option, bool *by_letter) {
  *by_letter = option < LONG_BASE;
  for (size_t i = 0; i < cmd->option_count; i++) {
    const cli_option *row = &cmd->options[i];
    if (row->kind == CLI_HEADING)
      continue;
    if (*by_letter ? row->letter == option : (int)i == option - LONG_BASE)
      return row;
  }
  return NULL;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, int *first_operand) {
  struct option longopts[MAX_ROWS + 2];
  char shortopts[2 * MAX_ROWS + 2];
  if (cmd->option_count > MAX_ROWS)
    return cli_usage_error(cmd->name, "internal error: too many options");
  build_getopt_tables(cmd, longopts, shortopts);
  int option, longindex;
  while ((option = cli_getopt(argc, argv, shortopts, longopts, &longindex)) != -1) {
    if (option == LONG_BASE + MAX_ROWS) {
      cli_help(cmd, stdout);
      return CLI_HELP_SHOWN;
    }
    bool by_letter;
    const cli_option *row = option == '?' || option == ':' ? NULL : row_of(cmd, option, &by_letter);
    if (!row)
      return cli_option_error(cmd->name, argv, shortopts + 1);
    int rc = store(cmd, row, by_letter && longindex < 0, optarg);
    if (rc != SC_OK)
      return rc;
  }
  *first_operand = optind;
  return SC_OK;
}

/* ---------------------------------------------------------------- help */

enum { HELP_COLUMN = 26 };

/* "  -j, --jobs N" or "  --home DIR". */
static int option_label(const cli_option *row, char *out, size_t size) {
  char letter[8] = "";
  if (row->letter)
    snprintf(letter, sizeof letter, "-%c, ", row->letter);
  return snprintf(out, size, "  %s--%s%s%s", letter, row->name, row->placeholder ? " " : "",
                  row->placeholder ? row->placeholder : "");
}

/* The help text, continuation lines (after '\n') aligned under its first. */
static void print_help_text(const char *help, FILE *out) {
  for (const char *line = help; line;) {
    const char *next = strchr(line, '\n');
    int len = next ? (int)(next - line) : (int)strlen(line);
    fprintf(out, "%.*s\n", len, line);
    line = next ? next + 1 : NULL;
    if (line)
      fprintf(out, "%*s", HELP_COLUMN, "");
  }
}

void cli_help(const cli_command *cmd, FILE *out) {
  fprintf(out, "usage: %s\n", cmd->synopsis);
  if (cmd->description)
    fprintf(out, "\n%s", cmd->description);
  bool after_heading = false;
  for (size_t i = 0; i < cmd->option_count; i++) {
    const cli_option *row = &cmd->options[i];
    if (row->kind == CLI_HEADING) {
      fprintf(out, "\n%s\n", row->help);
      after_heading = true;
      continue;
    }
    if (i == 0 && !after_heading)
      fputc('\n', out);
    char label[128];
    int width = option_label(row, label, sizeof label);
    if (width < HELP_COLUMN)
      fprintf(out, "%-*s", HELP_COLUMN, label);
    else
      fprintf(out, "%s\n%*s", label, HELP_COLUMN, "");
    print_help_text(row->help, out);
  }
  if (cmd->epilogue)
    fprintf(out, "\n%s", cmd->epilogue);
}
