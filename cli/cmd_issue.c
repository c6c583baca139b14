/* skillcert issue: sign a credential for one learner, or for every learner of a roster. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char issue_synopsis[] =
    "skillcert issue --name NAME --email EMAIL [--achievement FILE | --template NAME]\n"
    "                       [--did DID] [--valid-until DATE] [--id-from LEARNER_ID]\n"
    "       skillcert issue --roster FILE [--template NAME] [-j N] [--map COLUMN=FIELD]...\n"
    "                       [--dry-run | --queue]\n"
    "       common: [--home DIR] [--passphrase-file FILE] [--no-publish] [--no-pdf]\n"
    "               [--qr auto|embed|link]";

static const char issue_description[] =
    "Builds Open Badges 3.0 credentials, signs them with the issuer's key (Data Integrity,\n"
    "eddsa-jcs-2022), records them in the registry and writes out/<uuid>.json; with a template\n"
    "also the PDF certificate out/<uuid>.pdf with its QR code. Prints the path of each file.\n"
    "Without --template or --achievement, the home's default template (skillcert.json\n"
    "\"defaultTemplate\", else ai-fundamentals) is used; --no-pdf issues the JSON only.\n";

static const char issue_epilogue[] =
    "Re-running a roster issues nothing twice and repairs files an interrupted run left out.\n"
    "Writes out/manifest.csv (id, name, email, json, pdf, qr_url) for a mail merge.\n"
    "\n"
    "Every credential gets a random slot in the issuer's status lists; the lists it touches\n"
    "are published to public/ at once unless --no-publish. Each credential is also written to\n"
    "public/c/<uuid>.json for <verify-url>/C/<uuid>, the link printed under its QR code.\n"
    "\n"
    "Values must be UTF-8 without control characters; names and ids at most 256 characters,\n"
    "e-mails 254. Exit status: 0 done, 64 a bad flag or flag value, 65 bad roster data or a\n"
    "name the fonts cannot draw (nothing is issued), 66 roster not readable, 70 internal.\n";

typedef struct issue_args {
  sc_issue_request req;
  sc_passphrase_source passphrase;
  const char *home, *achievement, *template_name, *roster, *qr;
  sc_qr_mode qr_mode;
  const char *maps[64];
  size_t map_count;
  int jobs;
  bool dry_run, queue, no_publish, no_pdf;
} issue_args;

static int parse_args(int argc, char **argv, issue_args *a) {
  cli_list maps = {a->maps, sizeof a->maps / sizeof *a->maps, 0};
  const cli_option options[] = {
      CLI_OPT_HEADING("One learner:"),
      CLI_OPT_STRING("name", 0, &a->req.recipient.name, "NAME",
                     "the learner's name, in any script (stored NFC-normalised)"),
      CLI_OPT_STRING("email", 0, &a->req.recipient.email, "EMAIL",
                     "the learner's e-mail; only a salted SHA-256 of it is stored"),
      CLI_OPT_STRING("achievement", 0, &a->achievement, "FILE",
                     "the Open Badges 3.0 Achievement (JSON); no PDF"),
      CLI_OPT_STRING("template", 0, &a->template_name, "NAME",
                     "a certificate design: its achievement, and a PDF\n"
                     "(default: the home's defaultTemplate)"),
      CLI_OPT_STRING("did", 0, &a->req.recipient.did, "DID",
                     "the learner's own DID, if they gave one"),
      CLI_OPT_STRING("valid-until", 0, &a->req.valid_until, "DATE",
                     "expiry: YYYY-MM-DD (end of that day, UTC) or a date-time with\n"
                     "a time zone (2027-06-30T17:00:00Z); must be in the future"),
      CLI_OPT_STRING("id-from", 0, &a->req.learner_id, "LEARNER_ID",
                     "your id for the learner: issuing the same achievement to the same\n"
                     "id again prints the existing credential instead of a new one"),
      CLI_OPT_HEADING("A roster (CSV, semicolon- or tab-separated too, or JSON Lines: name,\n"
                      "email, optional id, did, valid_until, achievement; see docs/roster.md):"),
      CLI_OPT_STRING("roster", 0, &a->roster, "FILE",
                     "every row is validated first; nothing is issued if any is wrong"),
      CLI_OPT_INT("jobs", 'j', &a->jobs, "N", 1, 256,
                  "worker threads (default: the number of cores)"),
      CLI_OPT_LIST("map", 0, &maps, "COLUMN=FIELD",
                   "read FIELD from a column named otherwise (repeatable, 64 times)"),
      CLI_OPT_FLAG("dry-run", 0, &a->dry_run, "validate only"),
      CLI_OPT_FLAG("queue", 0, &a->queue,
                   "put the validated rows into the registry's queue (PostgreSQL) for\n"
                   "`skillcert worker` on any number of machines; issue nothing here"),
      CLI_OPT_HEADING("Both:"),
      CLI_OPT_HOME(&a->home),
      CLI_OPT_REGISTRY(),
      CLI_OPT_PASSPHRASE_FILE(&a->passphrase),
      CLI_OPT_FLAG("no-publish", 0, &a->no_publish,
                   "do not publish the status lists touched (publish later)"),
      CLI_OPT_FLAG("no-pdf", 0, &a->no_pdf,
                   "issue the JSON credentials only: the template gives the achievement,\n"
                   "no PDF is made (`skillcert render` can make it later)"),
      CLI_OPT_STRING("qr", 0, &a->qr, "MODE",
                     "what the QR code holds: auto (default), embed (the whole credential)\n"
                     "or link (its address); default: the template's qr.mode, else the\n"
                     "home's skillcert.json \"qr\", else auto (docs/qr-payload.md)"),
  };
  const cli_command command = {"issue", issue_synopsis, issue_description, CLI_ROWS(options),
                               issue_epilogue};
  int first = 0;
  int rc = cli_parse(&command, argc, argv, &first);
  if (rc != SC_OK)
    return rc;
  a->map_count = maps.count;
  for (size_t i = 0; i < a->map_count; i++)
    if (!strchr(a->maps[i], '='))
      return cli_usage_error("issue", "--map expects COLUMN=FIELD, got '%s'", a->maps[i]);
  if (first != argc)
    return cli_usage_error("issue", "unexpected argument '%s'", argv[first]);
  if (a->qr && sc_qr_mode_parse(a->qr, &a->qr_mode) != SC_OK)
    return cli_usage_error("issue", "--qr expects auto, embed or link, got '%s'", a->qr);
  return SC_OK;
}

static int check_args(const issue_args *a) {
  if (a->roster) {
    if (a->req.recipient.name || a->req.recipient.email || a->achievement)
      return cli_usage_error("issue", "--roster takes names and e-mails from the file");
    return SC_OK;
  }
  if (a->dry_run || a->map_count || a->jobs || a->queue)
    return cli_usage_error("issue", "--dry-run, --queue, --map and -j go with --roster");
  if (!a->req.recipient.name || !a->req.recipient.email)
    return cli_usage_error("issue", "--name and --email are required (or give --roster FILE)");
  if (a->achievement && a->template_name)
    return cli_usage_error("issue", "give one of --achievement FILE or --template NAME, not both");
  return SC_OK;
}

/* One flag's text: UTF-8, no control characters, not too long. A bad value of a flag is a
 * usage error (64), as the same value in a roster file is bad data (65). */
static int check_flag_text(const char *text, const char *flag, size_t max_chars, sc_error *err) {
  if (!text || sc_text_check(text, flag, max_chars, err) == SC_OK)
    return SC_OK;
  return err->code = SC_EUSAGE;
}

/* The learner's values are judged before the home is opened or anything is signed. */
static int check_values(const issue_args *a, sc_error *err) {
  const sc_recipient *who = &a->req.recipient;
  int rc = check_flag_text(who->name, "--name", SC_MAX_NAME_CHARS, err);
  if (rc == SC_OK && who->name && sc_name_check(who->name, "--name", SC_MAX_NAME_CHARS, err))
    rc = err->code = SC_EUSAGE; /* the name rules (issuer/text.c), as for a roster's names */
  if (rc == SC_OK)
    rc = check_flag_text(who->email, "--email", SC_MAX_EMAIL_CHARS, err);
  if (rc == SC_OK)
    rc = check_flag_text(a->req.learner_id, "--id-from", SC_MAX_ID_CHARS, err);
  if (rc == SC_OK)
    rc = check_flag_text(who->did, "--did", SC_MAX_DID_CHARS, err);
  int64_t until;
  if (rc == SC_OK && a->req.valid_until &&
      sc_valid_until_parse(a->req.valid_until, a->req.now, &until, err) != SC_OK) {
    sc_error_prefix(err, "--valid-until");
    rc = err->code = SC_EUSAGE;
  }
  return rc;
}

/* Everything a run needs that comes from the home: loaded once, freed once. */
typedef struct issue_run {
  cli_issuing is;
  json_t *achievement; /* --achievement, instead of a template */
  int lock;
} issue_run;

static int open_run(const issue_args *a, issue_run *run, bool need_key, sc_error *err) {
  run->lock = -1;
  int rc = cli_home_open(a->home, &run->is.home, err);
  /* No --achievement: a template, the one given or the home's default. */
  const char *template_name = a->achievement     ? NULL
                              : a->template_name ? a->template_name
                                                 : run->is.home.default_template;
  if (rc == SC_OK && template_name) {
    const char *origin =
        a->template_name ? NULL : "the home's default template (skillcert.json defaultTemplate)";
    rc = cli_issuing_template(&run->is, template_name, a->no_pdf, origin, err);
  } else if (rc == SC_OK) {
    rc = sc_achievement_load(a->achievement, &run->achievement, err);
  }
  if (rc == SC_OK && need_key)
    rc = sc_home_lock(&run->is.home, &run->lock, err);
  if (rc == SC_OK && need_key)
    rc = sc_home_load_key(&run->is.home, &a->passphrase, &run->is.key, err);
  cli_issuing_ready(&run->is, a->no_pdf, a->qr_mode);
  return rc;
}

static void close_run(issue_run *run) {
  cli_issuing_close(&run->is); /* the registry closed while the home is still locked */
  json_decref(run->achievement);
  sc_home_unlock(run->lock);
}

static void print_paths(const issue_run *run, const char *json, const char *pdf) {
  printf("%s\n", json);
  if (sc_issue_makes_pdf(&run->is.ctx) && pdf)
    printf("%s\n", pdf);
}

/* --id-from given and issued before: show it, and rewrite its files if they went missing. */
static int reissue_existing(issue_run *run, const json_t *row, sc_error *err) {
  const char *id = json_string_value(json_object_get(row, "id"));
  const char *json_path = json_string_value(json_object_get(row, "json_path"));
  const char *pdf_path = json_string_value(json_object_get(row, "pdf_path"));
  fprintf(stderr, "skillcert: issue: already issued as %s; nothing new was signed\n", id);
  int rc = SC_OK;
  bool pdf_missing = !pdf_path || access(pdf_path, R_OK) != 0;
  if (access(json_path, R_OK) != 0 || (sc_issue_makes_pdf(&run->is.ctx) && pdf_missing)) {
    char *text = sc_registry_credential_text(run->is.reg, id, err);
    sc_prepared p;
    const char *language = sc_lang_match(json_string_value(json_object_get(row, "language")), 0);
    rc = text ? sc_issue_prepare_existing(&run->is.ctx, text, strlen(text), language, &p, err)
              : err->code;
    if (rc == SC_OK) {
      rc = sc_issue_write(&run->is.ctx, &p, err);
      sc_prepared_free(&p);
    }
    free(text);
  }
  if (rc == SC_OK)
    print_paths(run, json_path, pdf_path);
  return rc;
}

static int issue_single(issue_run *run, sc_issue_request *req, bool publish, sc_error *err) {
  const json_t *achievement = run->is.tpl ? sc_template_achievement(run->is.tpl) : run->achievement;
  req->achievement = achievement;
  int rc = run->is.renderer
               ? sc_pdf_check_text(run->is.renderer, req->recipient.name, "--name", err)
               : SC_OK;
  if (rc == SC_OK)
    rc = sc_registry_open(&run->is.home, &run->is.reg, err);
  if (rc == SC_OK && req->learner_id) {
    json_t *row = NULL;
    const char *achievement_id = json_string_value(json_object_get(achievement, "id"));
    rc = sc_registry_find(run->is.reg, req->learner_id, achievement_id, &row, err);
    if (rc == SC_OK && row) {
      rc = reissue_existing(run, row, err);
      json_decref(row);
      return rc;
    }
  }
  sc_prepared p = {0};
  if (rc == SC_OK)
    rc = sc_issue_one(run->is.reg, &run->is.ctx, req, publish, &p, err);
  if (rc == SC_OK)
    print_paths(run, p.json_path, p.pdf_path);
  sc_prepared_free(&p);
  return rc;
}

/* public/ is never behind the registry: the lists a roster run touched go out with it (one
 * learner's list is published by sc_issue_one). */
static int publish_after(issue_run *run, const issue_args *a, sc_error *err) {
  if (a->no_publish || a->dry_run)
    return SC_OK;
  return cli_publish_home(&run->is.home, run->is.key, 0, err);
}

int cmd_issue(int argc, char **argv) {
  issue_args a = {.req.now = (int64_t)time(NULL)};
  int rc = parse_args(argc, argv, &a);
  if (rc != SC_OK)
    return cli_parse_exit(rc);
  if ((rc = check_args(&a)) != SC_OK)
    return rc;
  sc_error err = {0};
  if (!a.roster && check_values(&a, &err) != SC_OK)
    return cli_error(&err);
  issue_run run = {0};
  rc = open_run(&a, &run, !a.dry_run && !a.queue, &err);
  if (rc == SC_OK && a.roster) {
    cli_roster_job job = {.roster = a.roster,
                          .maps = a.maps,
                          .map_count = a.map_count,
                          .jobs = a.jobs,
                          .dry_run = a.dry_run,
                          .queue = a.queue,
                          .now = a.req.now};
    rc = cli_issue_roster(&run.is.ctx, run.is.renderer, &job, &err);
  } else if (rc == SC_OK) {
    rc = issue_single(&run, &a.req, !a.no_publish, &err);
  }
  if (rc == SC_OK && a.roster && !a.queue)
    rc = publish_after(&run, &a, &err);
  close_run(&run);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
