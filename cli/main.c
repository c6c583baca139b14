/* skillcert: issue and verify tamper-evident certificates for AI skills. */
#include "cli/cli.h"

#include <string.h>

static const struct command {
  const char *name;
  sc_command_fn run;
  const char *summary;
} commands[] = {
    {"init", cmd_init, "create an issuer home with a new signing key"},
    {"key", cmd_key, "generate a key, or show the issuer's public key and DID"},
    {"issue", cmd_issue, "issue a signed credential to one learner"},
    {"render", cmd_render, "render the PDF certificate of a signed credential again"},
    {"revoke", cmd_revoke, "revoke credentials (final) and publish the change"},
    {"suspend", cmd_suspend, "suspend credentials and publish the change"},
    {"reinstate", cmd_reinstate, "reinstate suspended credentials and publish the change"},
    {"publish", cmd_publish, "write signed status lists and the key document into public/"},
    {"mail", cmd_mail, "e-mail learners their certificates (PDF, credential, badge, links)"},
    {"claim", cmd_claim, "make or revoke a learner's claim link (their certificate's own page)"},
    {"wallet", cmd_wallet, "make the links that put a credential into a learner's wallet"},
    {"list", cmd_list, "list the credentials in the registry"},
    {"inspect", cmd_inspect, "show what the registry records for one credential"},
    {"verify", cmd_verify,
     "verify a credential, PDF, QR text or photo: authentic, current, not revoked"},
    {"serve", cmd_serve, "serve verification pages, the VC API and public/ over HTTP"},
    {"worker", cmd_worker, "take queued roster rows from a shared registry and issue them"},
    {"trust", cmd_trust, "manage the list of issuers this verifier trusts"},
    {"template", cmd_template, "list certificate designs, or preview one as PDF and PNG"},
};

static void usage(FILE *out) {
  fputs("usage: skillcert [--version] [--help] <command> [<args>]\n\ncommands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fputs("\n'skillcert <command> --help' tells more; 'man skillcert' tells all.\n", out);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return SC_EUSAGE;
  }
  sc_lang_set_process(sc_lang_environment()); /* before any thread: messages' language */
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
    usage(stdout);
    return SC_OK;
  }
  if (strcmp(name, "--version") == 0) {
    printf("skillcert %s\n", SC_VERSION);
    return SC_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
    if (strcmp(name, commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  }
  fprintf(stderr, "skillcert: '%s' is not a command. See 'skillcert --help'.\n", name);
  return SC_EUSAGE;
}
