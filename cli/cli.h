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
#include "service/service.h"
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
int cmd_mail(int argc, char **argv);
int cmd_claim(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_wallet(int argc, char **argv);

/* Publishes every status list and the key document of home (cmd_publish.c). */
int cli_publish_home(const sc_home *home, EVP_PKEY *key, int64_t ttl, sc_error *err);

/* Prints "skillcert: <message>" on stderr and returns err->code. */
int cli_error(const sc_error *err);
/* Prints "skillcert: <command>: <message>" and the hint to --help; returns SC_EUSAGE. */
/* sc_home_open, then --registry (cli_registry) over the home's "registry" setting. */
int cli_home_open(const char *dir, sc_home *home, sc_error *err);
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- options (options.c)
 * Every command declares its options in one table of cli_option rows; cli_parse parses argv
 * from it (getopt_long underneath), checks each value as its kind says, and answers --help
 * with cli_help, which prints the table. A bad value is a usage error naming the option as it
 * was typed and what was expected. */
typedef enum cli_option_kind {
  CLI_FLAG,     /* bool: set when given */
  CLI_STRING,   /* const char *: the last value given */
  CLI_INT,      /* int: a whole number from min to max ("4x", " 4", "+4" are refused) */
  CLI_UNSIGNED, /* unsigned: the same, into an unsigned */
  CLI_DURATION, /* int64_t seconds: N, Nm, Nh or Nd, more than 0, at most 10 years */
  CLI_LIST,     /* cli_list: every value given, in order */
  CLI_HEADING,  /* not an option: a heading in --help (help is its text) */
} cli_option_kind;

/* A repeatable option's values: items has room for max of them. */
typedef struct cli_list {
  const char **items;
  size_t max;
  size_t count;
} cli_list;

typedef struct cli_option {
  const char *name; /* the long name, without "--" */
  char letter;      /* the short letter, or 0 */
  cli_option_kind kind;
  void *value;             /* where the value goes; its type is the kind's */
  const char *placeholder; /* "FILE", "N" in --help; NULL for a flag */
  const char *help;        /* one line ('\n' continues it, aligned) */
  long long min, max;      /* CLI_INT, CLI_UNSIGNED */
} cli_option;

/* Rows with the value's type checked by the compiler (_Generic has no default). */
// clang-format off
#define CLI_OPT_FLAG(long_name, short_letter, place, text)                                       \
  {.name = long_name, .letter = short_letter, .kind = CLI_FLAG,                                 \
   .value = _Generic((place), bool *: (place)), .help = text}
#define CLI_OPT_STRING(long_name, short_letter, place, meta, text)                               \
  {.name = long_name, .letter = short_letter, .kind = CLI_STRING,                               \
   .value = _Generic((place), const char **: (place)), .placeholder = meta, .help = text}
#define CLI_OPT_INT(long_name, short_letter, place, meta, low, high, text)                       \
  {.name = long_name, .letter = short_letter, .kind = CLI_INT,                                  \
   .value = _Generic((place), int *: (place)), .placeholder = meta, .help = text, .min = low,    \
   .max = high}
#define CLI_OPT_UNSIGNED(long_name, short_letter, place, meta, low, high, text)                  \
  {.name = long_name, .letter = short_letter, .kind = CLI_UNSIGNED,                             \
   .value = _Generic((place), unsigned *: (place)), .placeholder = meta, .help = text,          \
   .min = low, .max = high}
#define CLI_OPT_DURATION(long_name, short_letter, place, meta, text)                             \
  {.name = long_name, .letter = short_letter, .kind = CLI_DURATION,                             \
   .value = _Generic((place), int64_t *: (place)), .placeholder = meta, .help = text}
#define CLI_OPT_LIST(long_name, short_letter, place, meta, text)                                 \
  {.name = long_name, .letter = short_letter, .kind = CLI_LIST,                                 \
   .value = _Generic((place), cli_list *: (place)), .placeholder = meta, .help = text}
#define CLI_OPT_HEADING(text) {.kind = CLI_HEADING, .help = text}

/* --registry URI, for the commands that use the registry: a PostgreSQL registry instead of
 * the home's "registry" setting (docs/registry.md). Opened homes take it (cli_home_open). */
extern const char *cli_registry;
#define CLI_OPT_REGISTRY()                                                                       \
  CLI_OPT_STRING("registry", 0, &cli_registry, "URI",                                            \
                 "the registry: postgresql://… (default: the home's \"registry\"\n"               \
                 "setting, else <home>/registry.db)")

/* The options every command that opens a home, or loads its key, takes alike. */
#define CLI_OPT_HOME(place)                                                                      \
  CLI_OPT_STRING("home", 0, place, "DIR",                                                        \
                 "the issuer home (default: found from the current folder)")
#define CLI_OPT_PASSPHRASE_FILE(source)                                                          \
  CLI_OPT_STRING("passphrase-file", 0, &(source)->file, "FILE",                                  \
                 "read the key's passphrase from FILE")
#define CLI_OPT_NO_PASSPHRASE(source)                                                            \
  CLI_OPT_FLAG("no-passphrase", 0, &(source)->none,                                              \
               "store the key unencrypted (demos and tests only)")

// clang-format on

typedef struct cli_command {
  const char *name;        /* as in messages: "serve", "key" */
  const char *synopsis;    /* the usage lines, after "usage: " */
  const char *description; /* what it does, before the options; ends with '\n' */
  const cli_option *options;
  size_t option_count;
  const char *epilogue; /* after the options (exit statuses, notes); ends with '\n', or NULL */
} cli_command;

#define CLI_ROWS(table) (table), (sizeof(table) / sizeof *(table))

/* cli_parse's answer to --help: the help is on stdout, and the command exits 0. */
enum { CLI_HELP_SHOWN = -1 };
/* The exit status of a command whose parsing stopped with rc (not SC_OK). */
static inline int cli_parse_exit(int rc) {
  return rc == CLI_HELP_SHOWN ? SC_OK : rc;
}

/* Parses argv[1..] (argv[0] is the command) into the table's places. SC_OK with
 * *first_operand the index of the first non-option argument (options and operands may mix);
 * CLI_HELP_SHOWN after printing the help; SC_EUSAGE after printing one message: an unknown
 * option or a missing value (cli_option_error), or a bad value naming the option. */
int cli_parse(const cli_command *cmd, int argc, char **argv, int *first_operand);
/* usage, description, one line per option, epilogue. */
void cli_help(const cli_command *cmd, FILE *out);
/* After getopt_long returned '?' or ':', names the option once: "skillcert: <command>:
 * unknown option '--bogus'", "option '--name' needs a value", "option '--json' takes no value". */
int cli_option_error(const char *command, char **argv, const char *shortopts);
/* "3600", "90m", "12h", "7d" → seconds (digits and one unit only; at most 10 years). */
int cli_parse_duration(const char *text, int64_t *seconds);

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
  bool queue; /* into the registry's queue, for `skillcert worker` (queue_roster.c) */
  int64_t now;
} cli_roster_job;

/* The validated roster into the queue; prints how many rows were queued (queue_roster.c). */
int cli_queue_roster(const sc_issue_context *ctx, const cli_roster_job *job, sc_error *err);

/* Validates the roster (every problem on stderr), then, unless dry_run, issues it with a
 * progress bar on a terminal and a summary line otherwise. */
int cli_issue_roster(const sc_issue_context *ctx, sc_pdf_renderer *renderer,
                     const cli_roster_job *job, sc_error *err);

/* What `issue` and `worker` hold while issuing from a home (issuing.c): each opens it step by
 * step (the home with cli_home_open, the key, the registry), then calls cli_issuing_ready. */
typedef struct cli_issuing {
  sc_home home;
  sc_template *tpl;
  EVP_PKEY *key;
  sc_pdf_renderer *renderer; /* NULL with --no-pdf */
  sc_registry *reg;
  sc_issue_context ctx; /* set by cli_issuing_ready */
} cli_issuing;

/* Finds template name (the home's first) and loads it, with a renderer unless no_pdf. origin,
 * when not NULL, prefixes an error finding it: where the name came from. */
int cli_issuing_template(cli_issuing *is, const char *name, bool no_pdf, const char *origin,
                         sc_error *err);
/* is->ctx from what is loaded. */
void cli_issuing_ready(cli_issuing *is, bool no_pdf, sc_qr_mode qr_mode);
/* Frees everything is holds (each part may be missing). */
void cli_issuing_close(cli_issuing *is);

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
  sc_fetch_gate *gate; /* per-host limit on concurrent fetches (status->gate) */
} cli_verifier;

/* Loads the trust list and --home (trusting its issuer, reading its public/ through status). */
int cli_verifier_open(cli_verifier *v, const cli_verifier_args *a, sc_status_source *status,
                      sc_error *err);
/* Points opts at v (trust, status, did:web keys, retirements, memo); v must not move. */
void cli_verifier_options(cli_verifier *v, int64_t now, sc_verify_options *opts);
void cli_verifier_close(cli_verifier *v);

/* What LinkedIn's "add certification" link names (mail_compose.c); strings borrowed. */
typedef struct cli_mail_words {
  const char *achievement, *issuer;
  const char *issued_at;     /* validFrom: LinkedIn's issue year and month */
  const char *verify_link;   /* <verify-url>/C/<uuid>; NULL = none */
  const char *credential_id; /* urn:uuid:… */
} cli_mail_words;
/* LinkedIn's add-certification link, NUL-terminated, appended to url. */
int cli_mail_linkedin_url(const cli_mail_words *w, sc_buf *url, sc_error *err);
/* The built-in subject, plain text and HTML in language (NULL = English), with placeholders
 * for sc_mail_build, each NUL-terminated; pdf_attached chooses the "Attached:" sentence. */
int cli_mail_builtin_texts(const char *language, bool pdf_attached, sc_buf *subject, sc_buf *text,
                           sc_buf *html, sc_error *err);

#endif
