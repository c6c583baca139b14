/* skillcert template: placeholder until the template previewer lands (this session). */
#include "cli/cli.h"

int cmd_template(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("skillcert: template: not built yet\n", stderr);
  return SC_ESOFTWARE;
}
