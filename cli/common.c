/* Helpers shared by the commands: error printing and the options several commands take. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *cli_registry;

int cli_home_open(const char *dir, sc_home *home, sc_error *err) {
  int rc = sc_home_open(dir, home, err);
  if (rc == SC_OK && cli_registry)
    home->registry = cli_registry;
  return rc;
}

int cli_error(const sc_error *err) {
  /* Messages quote what was given (a roster value, a file name): shown safely. */
  fputs("skillcert: ", stderr);
  sc_text_put(err->message[0] ? err->message : "unknown error", stderr);
  fputc('\n', stderr);
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
