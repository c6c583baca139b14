/* skillcert issue: sign a credential for one learner, or for every learner of a roster. */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char issue_help[] =
    "usage: skillcert issue --name NAME --email EMAIL (--achievement FILE | --template NAME)\n"
    "                       [--did DID] [--valid-until DATE] [--id-from LEARNER_ID]\n"
    "       skillcert issue --roster FILE --template NAME [-j N] [--map COLUMN=FIELD]...\n"
    "                       [--dry-run]\n"
    "       common: [--home DIR] [--passphrase-file FILE] [--no-publish]\n"
    "\n"
    "Builds Open Badges 3.0 credentials, signs them with the issuer's key (Data Integrity,\n"
    "eddsa-jcs-2022), records them in the registry and writes out/<uuid>.json; with a template\n"
    "also the PDF certificate out/<uuid>.pdf with its QR code. Prints the path of each file.\n"
    "\n"
    "One learner:\n"
    "  --name NAME            the learner's name, in any script (stored NFC-normalised)\n"
    "  --email EMAIL          the learner's e-mail; only a salted SHA-256 of it is stored\n"
    "  --achievement FILE     the Open Badges 3.0 Achievement (JSON); no PDF\n"
    "  --template NAME        a certificate design: its achievement, and a PDF\n"
    "  --did DID              the learner's own DID, if they gave one\n"
    "  --valid-until DATE     expiry: YYYY-MM-DD (end of that day, UTC) or a date-time with\n"
    "                         a time zone (2027-06-30T17:00:00Z); must be in the future\n"
    "  --id-from LEARNER_ID   your id for the learner: issuing the same achievement to the same\n"
    "                         id again prints the existing credential instead of a new one\n"
    "\n"
    "A roster (CSV or JSON Lines; columns name, email, id, optional did, valid_until,\n"
    "achievement; see docs/roster.md):\n"
    "  --roster FILE          every row is validated first; nothing is issued if any is wrong\n"
    "  -j, --jobs N           worker threads (default: the number of cores)\n"
    "  --map COLUMN=FIELD     read FIELD from a column named otherwise (repeatable)\n"
    "  --dry-run              validate only\n"
    "Re-running a roster issues nothing twice and repairs files an interrupted run left out.\n"
    "Writes out/manifest.csv (id, name, email, json, pdf, qr_url) for a mail merge.\n"
    "\n"
    "Every credential gets a random slot in the issuer's status lists; the lists it touches\n"
    "are published to public/ at once unless --no-publish.\n"
    "\n"
    "Values must be UTF-8 without control characters; names and ids at most 256 characters,\n"
    "e-mails 254. Exit status: 0 done, 64 a bad flag or flag value, 65 bad roster data or a\n"
    "name the fonts cannot draw (nothing is issued), 66 roster not readable, 70 internal.\n";

typedef struct issue_args {
  sc_issue_request req;
  sc_passphrase_source passphrase;
  const char *home, *achievement, *template_name, *roster;
  const char *maps[64];
  size_t map_count;
  int jobs;
  bool dry_run, no_publish;
} issue_args;

/* The whole value must be the number: "2x" is a typo, not 2. */
static bool parse_jobs(const char *text, int *jobs) {
  char *end;
  errno = 0;
  long n = strtol(text, &end, 10);
  if (errno || end == text || *end || n < 1 || n > 256)
    return false;
  *jobs = (int)n;
  return true;
}

static int parse_args(int argc, char **argv, issue_args *a) {
  enum { O_NAME = 1, O_EMAIL, O_ACH, O_DID, O_UNTIL, O_ID, O_TPL, O_ROSTER, O_MAP, O_DRY, O_NOPUB };
  static const struct option options[] = {
      {"name", required_argument, NULL, O_NAME},
      {"email", required_argument, NULL, O_EMAIL},
      {"achievement", required_argument, NULL, O_ACH},
      {"did", required_argument, NULL, O_DID},
      {"valid-until", required_argument, NULL, O_UNTIL},
      {"id-from", required_argument, NULL, O_ID},
      {"template", required_argument, NULL, O_TPL},
      {"roster", required_argument, NULL, O_ROSTER},
      {"map", required_argument, NULL, O_MAP},
      {"dry-run", no_argument, NULL, O_DRY},
      {"no-publish", no_argument, NULL, O_NOPUB},
      {"jobs", required_argument, NULL, 'j'},
      {"home", required_argument, NULL, OPT_HOME},
      {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  int option;
  while ((option = cli_getopt(argc, argv, "j:", options)) != -1) {
    switch (option) {
    case O_NAME:
      a->req.recipient.name = optarg;
      break;
    case O_EMAIL:
      a->req.recipient.email = optarg;
      break;
    case O_ACH:
      a->achievement = optarg;
      break;
    case O_DID:
      a->req.recipient.did = optarg;
      break;
    case O_UNTIL:
      a->req.valid_until = optarg;
      break;
    case O_ID:
      a->req.learner_id = optarg;
      break;
    case O_TPL:
      a->template_name = optarg;
      break;
    case O_ROSTER:
      a->roster = optarg;
      break;
    case O_DRY:
      a->dry_run = true;
      break;
    case O_NOPUB:
      a->no_publish = true;
      break;
    case OPT_HOME:
      a->home = optarg;
      break;
    case OPT_PASSPHRASE_FILE:
      a->passphrase.file = optarg;
      break;
    case OPT_HELP:
      return -1;
    case O_MAP:
      if (a->map_count == sizeof a->maps / sizeof *a->maps || !strchr(optarg, '='))
        return cli_usage_error("issue", "--map: expected COLUMN=FIELD (at most 64)");
      a->maps[a->map_count++] = optarg;
      break;
    case 'j':
      if (!parse_jobs(optarg, &a->jobs))
        return cli_usage_error("issue", "-j: expected a number of workers from 1 to 256, got '%s'",
                               optarg);
      break;
    default:
      return cli_option_error("issue", argv, "j:");
    }
  }
  if (optind != argc)
    return cli_usage_error("issue", "unexpected argument '%s'", argv[optind]);
  return SC_OK;
}

static int check_args(const issue_args *a) {
  if (a->roster) {
    if (!a->template_name)
      return cli_usage_error("issue", "--roster needs --template NAME");
    if (a->req.recipient.name || a->req.recipient.email || a->achievement)
      return cli_usage_error("issue", "--roster takes names and e-mails from the file");
    return SC_OK;
  }
  if (a->dry_run || a->map_count || a->jobs)
    return cli_usage_error("issue", "--dry-run, --map and -j go with --roster");
  if (!a->req.recipient.name || !a->req.recipient.email)
    return cli_usage_error("issue", "--name and --email are required (or give --roster FILE)");
  if (!a->achievement == !a->template_name)
    return cli_usage_error("issue", "give one of --achievement FILE or --template NAME");
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
  sc_home home;
  sc_template *tpl;
  json_t *achievement;
  EVP_PKEY *key;
  sc_pdf_renderer *renderer;
  sc_registry *reg;
  int lock;
  sc_issue_context ctx;
} issue_run;

static int open_run(const issue_args *a, issue_run *run, bool need_key, sc_error *err) {
  run->lock = -1;
  int rc = sc_home_open(a->home, &run->home, err);
  char dir[PATH_MAX];
  if (rc == SC_OK && a->template_name) {
    rc = sc_template_find(&run->home, a->template_name, dir, sizeof dir, err);
    if (rc == SC_OK)
      rc = sc_template_load(dir, &run->tpl, err);
    if (rc == SC_OK && !(run->renderer = sc_pdf_renderer_new(err)))
      rc = err->code ? err->code : SC_ESOFTWARE;
  } else if (rc == SC_OK) {
    rc = sc_achievement_load(a->achievement, &run->achievement, err);
  }
  if (rc == SC_OK && need_key)
    rc = sc_home_lock(&run->home, &run->lock, err);
  if (rc == SC_OK && need_key)
    rc = sc_home_load_key(&run->home, &a->passphrase, &run->key, err);
  run->ctx = (sc_issue_context){&run->home, run->key, run->tpl, run->renderer};
  return rc;
}

static void close_run(issue_run *run) {
  sc_registry_close(run->reg);
  sc_pdf_renderer_free(run->renderer);
  EVP_PKEY_free(run->key);
  json_decref(run->achievement);
  sc_template_free(run->tpl);
  sc_home_unlock(run->lock);
  sc_home_close(&run->home);
}

static void print_paths(const issue_run *run, const char *json, const char *pdf) {
  printf("%s\n", json);
  if (run->tpl && pdf)
    printf("%s\n", pdf);
}

/* --id-from given and issued before: show it, and rewrite its files if they went missing. */
static int reissue_existing(issue_run *run, const json_t *row, sc_error *err) {
  const char *id = json_string_value(json_object_get(row, "id"));
  const char *json_path = json_string_value(json_object_get(row, "json_path"));
  const char *pdf_path = json_string_value(json_object_get(row, "pdf_path"));
  fprintf(stderr, "skillcert: issue: already issued as %s; nothing new was signed\n", id);
  int rc = SC_OK;
  if (access(json_path, R_OK) != 0 || (run->tpl && (!pdf_path || access(pdf_path, R_OK) != 0))) {
    char *text = sc_registry_credential_text(run->reg, id, err);
    sc_prepared p;
    rc = text ? sc_issue_prepare_existing(&run->ctx, text, strlen(text), &p, err) : err->code;
    if (rc == SC_OK) {
      rc = sc_issue_write(&run->ctx, &p, err);
      sc_prepared_free(&p);
    }
    free(text);
  }
  if (rc == SC_OK)
    print_paths(run, json_path, pdf_path);
  return rc;
}

static int issue_single(issue_run *run, sc_issue_request *req, sc_error *err) {
  const json_t *achievement = run->tpl ? sc_template_achievement(run->tpl) : run->achievement;
  req->achievement = achievement;
  int rc =
      run->renderer ? sc_pdf_check_text(run->renderer, req->recipient.name, "--name", err) : SC_OK;
  if (rc == SC_OK)
    rc = sc_registry_open(&run->home, &run->reg, err);
  if (rc == SC_OK && req->learner_id) {
    json_t *row = NULL;
    const char *achievement_id = json_string_value(json_object_get(achievement, "id"));
    rc = sc_registry_find(run->reg, req->learner_id, achievement_id, &row, err);
    if (rc == SC_OK && row) {
      rc = reissue_existing(run, row, err);
      json_decref(row);
      return rc;
    }
  }
  if (rc == SC_OK)
    rc = sc_registry_reserve_index(run->reg, &req->status_list, &req->status_index, err);
  sc_prepared p = {0};
  if (rc == SC_OK)
    rc = sc_issue_prepare(&run->ctx, req, &p, err);
  if (rc == SC_OK && (rc = sc_issue_record(run->reg, &run->ctx, req, &p, err)) == SC_OK)
    rc = sc_issue_write(&run->ctx, &p, err);
  if (rc == SC_OK)
    print_paths(run, p.json_path, p.pdf_path);
  sc_prepared_free(&p);
  return rc;
}

/* public/ is never behind the registry: the lists a run touched go out with it. */
static int publish_after(issue_run *run, const issue_args *a, sc_error *err) {
  if (a->no_publish || a->dry_run)
    return SC_OK;
  if (a->roster)
    return cli_publish_home(&run->home, run->key, 0, err);
  sc_publish_options opts = {.now = (int64_t)time(NULL)};
  int rc = sc_publish_lists(&run->home, run->key, run->reg, &a->req.status_list, 1, &opts, err);
  return rc == SC_OK ? sc_publish_key_document(&run->home, err) : rc;
}

int cmd_issue(int argc, char **argv) {
  issue_args a = {.req.now = (int64_t)time(NULL)};
  int rc = parse_args(argc, argv, &a);
  if (rc == -1)
    return fputs(issue_help, stdout), SC_OK;
  if (rc != SC_OK || (rc = check_args(&a)) != SC_OK)
    return rc;
  sc_error err = {0};
  if (!a.roster && check_values(&a, &err) != SC_OK)
    return cli_error(&err);
  issue_run run = {0};
  rc = open_run(&a, &run, !a.dry_run, &err);
  if (rc == SC_OK && a.roster) {
    cli_roster_job job = {.roster = a.roster,
                          .maps = a.maps,
                          .map_count = a.map_count,
                          .jobs = a.jobs,
                          .dry_run = a.dry_run,
                          .now = a.req.now};
    rc = cli_issue_roster(&run.ctx, run.renderer, &job, &err);
  } else if (rc == SC_OK) {
    rc = issue_single(&run, &a.req, &err);
  }
  if (rc == SC_OK && (a.roster || a.req.status_list > 0)) /* nothing new, nothing to publish */
    rc = publish_after(&run, &a, &err);
  close_run(&run);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
