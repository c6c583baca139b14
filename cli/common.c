/* Helpers shared by the commands: error printing and the options several commands take. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

void cli_default_trust_path(char *out) {
  const char *explicit_path = getenv("SKILLCERT_TRUST");
  const char *config = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");
  if (explicit_path && *explicit_path)
    snprintf(out, PATH_MAX, "%s", explicit_path);
  else if (config && *config)
    snprintf(out, PATH_MAX, "%s/skillcert/trust.json", config);
  else
    snprintf(out, PATH_MAX, "%s/.config/skillcert/trust.json", home ? home : ".");
}
