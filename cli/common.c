/* Helpers shared by the commands: error printing and the options several commands take. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_error(const sc_error *err) {
  fprintf(stderr, "skillcert: %s\n", err->message[0] ? err->message : "unknown error");
  return err->code ? err->code : SC_ESOFTWARE;
}

int cli_usage_error(const char *command, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "skillcert: %s: ", command);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'skillcert %s --help'.\n", command);
  return SC_EUSAGE;
}

bool cli_passphrase_option(int option, const char *arg, sc_passphrase_source *src) {
  if (option == OPT_PASSPHRASE_FILE) {
    src->file = arg;
    return true;
  }
  if (option == OPT_NO_PASSPHRASE) {
    src->none = true;
    return true;
  }
  return false;
}

int cli_default_trust_path(char *out, size_t size, sc_error *err) {
  const char *explicit_path = getenv("SKILLCERT_TRUST");
  const char *config = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");
  if (explicit_path && *explicit_path)
    return sc_path_format(out, size, SC_EUSAGE, err, "%s", explicit_path);
  if (config && *config)
    return sc_path_format(out, size, SC_EUSAGE, err, "%s/skillcert/trust.json", config);
  return sc_path_format(out, size, SC_EUSAGE, err, "%s/.config/skillcert/trust.json",
                        home ? home : ".");
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts) {
  opterr = 0; /* cli_option_error reports a bad option once, in skillcert's format */
  return getopt_long(argc, argv, shortopts, longopts, NULL);
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
