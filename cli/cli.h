/*
 * cli/cli.h — the skillcert command line: one thin file per command over the libraries.
 */
#ifndef SKILLCERT_CLI_H
#define SKILLCERT_CLI_H

#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <time.h>

#include "core/core.h"
#include "issuer/issuer.h"
#include "keys/keys.h"
#include "verifier/verifier.h"

#define SC_VERSION "0.1.0"

typedef int (*sc_command_fn)(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_issue(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_suspend(int argc, char **argv);
int cmd_reinstate(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* "3600", "90m", "12h", "7d" → seconds (cmd_publish.c). */
int cli_parse_duration(const char *text, int64_t *seconds);
/* Publishes every status list and the key document of home (cmd_publish.c). */
int cli_publish_home(const sc_home *home, EVP_PKEY *key, int64_t ttl, sc_error *err);

/* Prints "skillcert: <message>" on stderr and returns err->code. */
int cli_error(const sc_error *err);
/* Prints "skillcert: <command>: <message>" and the hint to --help; returns SC_EUSAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* getopt_long without getopt's own messages: on '?', call cli_option_error, which names the
 * option once as "skillcert: <command>: unknown option '--bogus'" (or that it needs a value). */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);
int cli_option_error(const char *command, char **argv, const char *shortopts);
/* Common long options: --passphrase-file and --no-passphrase fill src. Returns true when
 * the option was one of them. */
bool cli_passphrase_option(int option, const char *arg, sc_passphrase_source *src);
/* The default trust list: $SKILLCERT_TRUST, else $XDG_CONFIG_HOME/skillcert/trust.json, else
 * ~/.config/skillcert/trust.json, into out (size bytes): SC_EUSAGE when it does not fit. */
int cli_default_trust_path(char *out, size_t size, sc_error *err);

/* A roster run of `skillcert issue --roster` (issue_roster.c). */
typedef struct cli_roster_job {
  const char *roster;
  const char *const *maps;
  size_t map_count;
  int jobs; /* 0 = the number of cores */
  bool dry_run;
  int64_t now;
} cli_roster_job;

/* Validates the roster (every problem on stderr), then, unless dry_run, issues it with a
 * progress bar on a terminal and a summary line otherwise. */
int cli_issue_roster(const sc_issue_context *ctx, sc_pdf_renderer *renderer,
                     const cli_roster_job *job, sc_error *err);

/* What verify and serve set up before verifying (verifier_setup.c). */
typedef struct cli_verifier_args {
  const char *trust_path; /* --trust, NULL = the default list */
  const char *home;       /* --home, may be NULL */
  const char *did_doc;    /* --did-doc, may be NULL */
  double memo_ttl;        /* seconds a verified status list is reused */
} cli_verifier_args;

typedef struct cli_verifier {
  sc_home home;
  bool has_home;
  sc_trust_list *trust;
  char public_dir[PATH_MAX]; /* --home's public/ */
  const char *did_doc;
  sc_status_source *status;
  sc_did_web did_web;
  sc_key_check_ctx key_check;
  sc_status_memo *memo;
  sc_key_cache *keys;
} cli_verifier;

/* Loads the trust list and --home (trusting its issuer, reading its public/ through status). */
int cli_verifier_open(cli_verifier *v, const cli_verifier_args *a, sc_status_source *status,
                      sc_error *err);
/* Points opts at v (trust, status, did:web keys, retirements, memo); v must not move. */
void cli_verifier_options(cli_verifier *v, int64_t now, sc_verify_options *opts);
void cli_verifier_close(cli_verifier *v);

/* Option values shared by several commands. */
enum { OPT_PASSPHRASE_FILE = 1000, OPT_NO_PASSPHRASE, OPT_HOME, OPT_HELP };

#endif
