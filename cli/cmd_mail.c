/* skillcert mail: each learner's certificate by e-mail (docs/mail.md). The addresses come from
 * the roster given again: the registry keeps only a salted hash of each, and a credential is
 * mailed only to the address whose hash it carries. Every send is recorded in the registry
 * before (queued) and after (sent or failed), so that a re-run sends only what was not sent. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#define MAIL_MAX_ATTEMPTS 3 /* per run, for temporary failures (4xx, a dropped connection) */
#define MAIL_MAX_FILE (64 << 20)

static const char mail_description[] =
    "E-mails each learner of ROSTER their certificate: the PDF, the signed credential (JSON) and\n"
    "the baked Open Badge (PNG) attached, the learner's claim link (their certificate's own\n"
    "page on serve, docs/claim.md; a new message's link replaces the last one), the\n"
    "verification link and an \"Add to LinkedIn\" link, in the learner's language (the\n"
    "roster's language column, else the certificate's).\n"
    "The address is the roster's, and only when it is the one the credential was issued to\n"
    "(its salted hash matches). Given CREDENTIAL ids, only those are mailed. Revoked and\n"
    "suspended credentials are not mailed.\n"
    "\n"
    "Every send is recorded in the registry (queued, then sent or failed): a re-run sends only\n"
    "what was not sent; --resend sends again. A temporary refusal (4xx) or a dropped\n"
    "connection is retried with a growing pause; a permanent one (5xx) is recorded as failed\n"
    "with the server's answer.\n";

static const char mail_epilogue[] =
    "\n"
    "The credentials file holds the user name on its first line and the password on the\n"
    "second, and must not be readable by others (chmod 600).\n"
    "Exit status: 0 when every learner's mail was sent (or had been), 74 when any failed.\n";

typedef struct mail_run {
  sc_home home;
  sc_registry *reg;
  const char *roster, *from, *dry_dir;
  const char *maps[64]; /* --map, as issue --roster took them */
  cli_list map_list;
  const char *const *ids;
  size_t id_count;
  bool *id_found; /* ids[i] is a credential of a roster learner */
  bool resend;
  int rate; /* messages per minute; 0 = no limit */
  sc_smtp_config smtp;
  struct timespec last_send;
  bool sent_before;
  char tpl_name[256];
  sc_template *tpl; /* the last template used (for the badge) */
  int claim_days;   /* how long a claim link works (skillcert.json "claim": {"days"}) */
  size_t sent, skipped, failed, not_mailed;
} mail_run;

typedef struct mail_item {
  const json_t *row; /* the registry's row */
  const sc_roster_row *learner;
  json_t *credential;
  sc_buf json, pdf, badge, message;
} mail_item;

static void item_free(mail_item *it) {
  json_decref(it->credential);
  sc_buf_free(&it->json);
  sc_buf_free(&it->pdf);
  sc_buf_free(&it->badge);
  sc_buf_free(&it->message);
}

static const char *row_text(const json_t *row, const char *key) {
  return json_string_value(json_object_get(row, key));
}

/* The identifier's salt and hash in the credential: the address it was issued to. */
static bool address_matches(const json_t *credential, const char *email) {
  const json_t *ids =
      json_object_get(json_object_get(credential, "credentialSubject"), "identifier");
  size_t i;
  const json_t *id;
  json_array_foreach(ids, i, id) {
    const char *salt = row_text(id, "salt"), *hash = row_text(id, "identityHash");
    char mine[SC_EMAIL_HASH_SIZE];
    if (salt && hash && sc_email_hash(email, salt, mine, NULL) == SC_OK && strcmp(mine, hash) == 0)
      return true;
  }
  return false;
}

static bool wanted(mail_run *run, const char *id) {
  if (run->id_count == 0)
    return true;
  for (size_t i = 0; i < run->id_count; i++) {
    const char *want = run->ids[i];
    const char *bare = strncmp(want, "urn:uuid:", 9) == 0 ? want + 9 : want;
    if (strcasecmp(bare, id + (strncmp(id, "urn:uuid:", 9) == 0 ? 9 : 0)) == 0)
      return run->id_found[i] = true;
  }
  return false;
}

/* The template's badge with the credential baked in; none when the template is gone. */
static void bake_badge(mail_run *run, mail_item *it) {
  const char *name = row_text(it->row, "template");
  if (!name)
    return;
  if (!run->tpl || strcmp(run->tpl_name, name) != 0) {
    sc_template_free(run->tpl);
    run->tpl = NULL;
    char dir[PATH_MAX];
    if (sc_template_find(&run->home, name, dir, sizeof dir, NULL) == SC_OK &&
        sc_template_load(dir, &run->tpl, NULL) == SC_OK)
      snprintf(run->tpl_name, sizeof run->tpl_name, "%s", name);
  }
  if (run->tpl)
    sc_badge_render(run->tpl, it->credential, (const char *)it->json.data, false, &it->badge, NULL);
}

static int load_files(mail_run *run, mail_item *it, sc_error *err) {
  const char *id = row_text(it->row, "id");
  char *text = sc_registry_credential_text(run->reg, id, err);
  if (!text)
    return err->code;
  bool ok = sc_buf_append_str(&it->json, text);
  free(text);
  if (!ok)
    return sc_oom(err);
  int rc = sc_json_parse((const char *)it->json.data, it->json.len, id, &it->credential, err);
  char name[64], path[PATH_MAX];
  snprintf(name, sizeof name, "%s.pdf", id + 9);
  if (rc == SC_OK && row_text(it->row, "pdf_path") &&
      (rc = sc_home_path(&run->home, "out", name, path, sizeof path, err)) == SC_OK)
    rc = sc_read_file(path, MAIL_MAX_FILE, &it->pdf, err);
  if (rc == SC_OK)
    bake_badge(run, it);
  return rc;
}

static const char *language_of(const mail_item *it) {
  const char *tag = it->learner->language && *it->learner->language ? it->learner->language
                                                                    : row_text(it->row, "language");
  return tag ? sc_lang_match(tag, 0) : NULL;
}

/* A new claim link for the message; the one the credential's last message carried stops
 * working (a resend replaces it). NULL with err set on failure. */
static char *claim_link(mail_run *run, const char *id, sc_error *err) {
  char token[SC_CLAIM_TOKEN_LEN + 1];
  int64_t now = (int64_t)time(NULL);
  if (sc_registry_claim_create(run->reg, id, SC_CLAIM_VIA_MAIL, true, now,
                               now + (int64_t)run->claim_days * 86400, token, err) != SC_OK)
    return NULL;
  char *url = sc_claim_url(run->home.verify_url, token);
  OPENSSL_cleanse(token, sizeof token);
  if (!url)
    sc_oom(err);
  return url;
}

static int build_message(mail_run *run, mail_item *it, sc_error *err) {
  const char *id = row_text(it->row, "id");
  char *claim = claim_link(run, id, err);
  if (!claim)
    return err->code;
  char *verify = NULL;
  if (run->home.verify_url) {
    size_t n = strlen(run->home.verify_url) + strlen(id) + 8;
    if ((verify = malloc(n)))
      snprintf(verify, n, "%s%s/C/%s", run->home.verify_url,
               run->home.verify_url[strlen(run->home.verify_url) - 1] == '/' ? "" : "", id + 9);
  }
  const json_t *achievement =
      json_object_get(json_object_get(it->credential, "credentialSubject"), "achievement");
  const char *lang = language_of(it);
  cli_mail_words w = {.language = lang,
                      .name = row_text(it->row, "recipient_name"),
                      .achievement = sc_json_text(json_object_get(achievement, "name"), lang),
                      .issuer = run->home.issuer_name,
                      .issued_at = row_text(it->credential, "validFrom"),
                      .verify_link = verify,
                      .credential_id = id,
                      .claim_link = claim};
  if (!w.achievement)
    w.achievement = "";
  sc_buf subject = {0}, text = {0}, html = {0};
  int rc = cli_mail_compose(&w, &subject, &text, &html, err);
  sc_mail_attachment files[3] = {
      {"credential.json", "application/json", it->json.data, it->json.len}};
  size_t count = 1;
  if (it->pdf.len)
    files[count++] =
        (sc_mail_attachment){"certificate.pdf", "application/pdf", it->pdf.data, it->pdf.len};
  if (it->badge.len)
    files[count++] = (sc_mail_attachment){"badge.png", "image/png", it->badge.data, it->badge.len};
  sc_mail_message m = {.from_name = run->home.issuer_name,
                       .from_addr = run->from,
                       .to_name = w.name,
                       .to_addr = it->learner->email,
                       .subject = (const char *)subject.data,
                       .text = (const char *)text.data,
                       .html = (const char *)html.data,
                       .language = lang,
                       .attachments = files,
                       .attachment_count = count,
                       .date = (int64_t)time(NULL),
                       .claim_url = claim};
  if (rc == SC_OK)
    rc = sc_mail_build(&m, &it->message, err);
  free(verify);
  free(claim);
  sc_buf_free(&subject);
  sc_buf_free(&text);
  sc_buf_free(&html);
  return rc;
}

/* --rate: waits until 60/N seconds have passed since the last send. */
static void pace(mail_run *run) {
  if (run->rate <= 0 || !run->sent_before)
    return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double gap = 60.0 / run->rate;
  double since = (double)(now.tv_sec - run->last_send.tv_sec) +
                 (double)(now.tv_nsec - run->last_send.tv_nsec) / 1e9;
  if (since < gap) {
    double wait = gap - since;
    struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
    nanosleep(&ts, NULL);
  }
}

static void note_send(mail_run *run) {
  clock_gettime(CLOCK_MONOTONIC, &run->last_send);
  run->sent_before = true;
}

/* Sends with retries, recording queued before each try and the outcome after. */
static int deliver(mail_run *run, mail_item *it, sc_mailing *log, sc_error *err) {
  const char *id = row_text(it->row, "id");
  for (int attempt = 1;; attempt++) {
    pace(run);
    log->state = SC_MAIL_QUEUED;
    log->attempts++;
    int rc = sc_registry_mailing_put(run->reg, id, log, (int64_t)time(NULL), err);
    if (rc != SC_OK)
      return rc;
    sc_smtp_outcome outcome;
    rc = sc_smtp_send(&run->smtp, run->from, it->learner->email, &it->message, &outcome,
                      log->answer, sizeof log->answer, err);
    note_send(run);
    if (rc != SC_OK) {
      log->state = SC_MAIL_FAILED;
      snprintf(log->answer, sizeof log->answer, "%s", err->message);
      sc_registry_mailing_put(run->reg, id, log, (int64_t)time(NULL), NULL);
      return rc;
    }
    bool retry = outcome == SC_SMTP_TEMPORARY && attempt < MAIL_MAX_ATTEMPTS;
    log->state = outcome == SC_SMTP_SENT ? SC_MAIL_SENT : SC_MAIL_FAILED;
    if ((rc = sc_registry_mailing_put(run->reg, id, log, (int64_t)time(NULL), err)) != SC_OK)
      return rc;
    if (!retry)
      return SC_OK;
    struct timespec backoff = {1L << (attempt - 1), 0}; /* 1 s, 2 s, … */
    nanosleep(&backoff, NULL);
  }
}

static void report(const char *id, const char *what, const char *answer) {
  printf("%s  %s", id, what);
  if (answer && *answer) {
    fputs(": ", stdout);
    sc_text_put(answer, stdout);
  }
  fputc('\n', stdout);
}

static int write_eml(mail_run *run, const mail_item *it, sc_error *err) {
  char path[PATH_MAX];
  int rc = sc_path_format(path, sizeof path, SC_ECANTCREAT, err, "%s/%s.eml", run->dry_dir,
                          row_text(it->row, "id") + 9);
  if (rc == SC_OK)
    rc = sc_mkdir_p(run->dry_dir, 0700, err);
  /* 0600: the file holds the learner's address and certificate. */
  return rc == SC_OK ? sc_write_file_atomic(path, it->message.data, it->message.len, 0600, err)
                     : rc;
}

/* One credential of a learner: skipped, written (--dry-run) or sent. */
static int mail_one(mail_run *run, const sc_roster_row *learner, const json_t *row, sc_error *err) {
  const char *id = row_text(row, "id");
  if (!wanted(run, id))
    return SC_OK;
  const char *status = row_text(row, "status");
  if (!status || strcmp(status, "active") != 0) {
    run->not_mailed++;
    report(id, status ? status : "?", "not mailed");
    return SC_OK;
  }
  sc_mailing log = {0};
  int rc = run->dry_dir ? SC_OK : sc_registry_mailing_get(run->reg, id, &log, err);
  if (rc != SC_OK)
    return rc;
  if (!run->resend && (log.state == SC_MAIL_SENT || log.state == SC_MAIL_QUEUED)) {
    run->skipped++;
    report(id,
           log.state == SC_MAIL_SENT ? "sent before"
                                     : "queued by a run that stopped "
                                       "(perhaps sent): give --resend",
           NULL);
    return SC_OK;
  }
  mail_item it = {.row = row, .learner = learner};
  rc = load_files(run, &it, err);
  if (rc == SC_OK && !address_matches(it.credential, learner->email)) {
    run->not_mailed++;
    fprintf(stderr,
            "skillcert: mail: %s:%zu: the address is not the one %s was issued to: "
            "not mailed\n",
            run->roster, learner->line, id);
  } else if (rc == SC_OK && (rc = build_message(run, &it, err)) == SC_OK) {
    if (run->dry_dir) {
      if ((rc = write_eml(run, &it, err)) == SC_OK)
        run->sent++, report(id, "written", NULL);
    } else if ((rc = deliver(run, &it, &log, err)) == SC_OK) {
      bool sent = log.state == SC_MAIL_SENT;
      sent ? run->sent++ : run->failed++;
      report(id, sent ? "sent" : "failed", sent ? NULL : log.answer);
    }
  }
  item_free(&it);
  return rc;
}

static int collect(void *ctx, const json_t *row) {
  return json_array_append(ctx, (json_t *)row) == 0 ? SC_OK : SC_ESOFTWARE;
}

/* Every credential of the roster row's learner (by learner id). */
static int mail_learner(mail_run *run, const sc_roster_row *learner, sc_error *err) {
  if (!learner->id || !*learner->id || !learner->email || !*learner->email) {
    fprintf(stderr,
            "skillcert: mail: %s:%zu: no id or e-mail: cannot tell whose credential "
            "to send where; skipped\n",
            run->roster, learner->line);
    run->not_mailed++;
    return SC_OK;
  }
  json_t *rows = json_array();
  sc_registry_filter filter = {.learner_id = learner->id};
  int rc = rows ? sc_registry_each(run->reg, &filter, collect, rows, err) : sc_oom(err);
  size_t i;
  json_t *row;
  json_array_foreach(rows, i, row) {
    if (rc == SC_OK)
      rc = mail_one(run, learner, row, err);
  }
  json_decref(rows);
  return rc;
}

static int mail_roster(mail_run *run, sc_error *err) {
  sc_roster *roster = NULL;
  sc_roster_options opts = {
      .maps = run->maps, .map_count = run->map_list.count, .home = &run->home};
  int rc = sc_roster_open(run->roster, &opts, &roster, err);
  sc_roster_row row;
  while (rc == SC_OK && (rc = sc_roster_next(roster, &row, err)) == SC_OK && row.line != 0)
    rc = mail_learner(run, &row, err);
  sc_roster_close(roster);
  return rc;
}

static int check_args(const mail_run *run, const char *smtp) {
  if (!run->roster)
    return cli_usage_error("mail", "give --roster FILE: the learners' addresses (the registry "
                                   "keeps only their hashes)");
  if (!run->from)
    return cli_usage_error("mail", "give --from ADDRESS, the sender's e-mail address");
  if (!sc_is_email(run->from))
    return cli_usage_error("mail", "--from expects an e-mail address (name@example.org), got '%s'",
                           run->from);
  if (!run->dry_dir && !smtp)
    return cli_usage_error("mail", "give --smtp URL (or --dry-run DIR to write .eml files)");
  return SC_OK;
}

int cmd_mail(int argc, char **argv) {
  mail_run run = {0};
  run.map_list = (cli_list){run.maps, sizeof run.maps / sizeof *run.maps, 0};
  const char *home_dir = NULL, *smtp = NULL;
  bool starttls = false;
  const cli_option options[] = {
      CLI_OPT_STRING("roster", 0, &run.roster, "FILE",
                     "the roster the credentials were issued from: the addresses"),
      CLI_OPT_LIST("map", 0, &run.map_list, "COLUMN=FIELD",
                   "rename a roster column, as issue --roster was given"),
      CLI_OPT_STRING("from", 0, &run.from, "ADDRESS", "the sender's address"),
      CLI_OPT_STRING("smtp", 0, &smtp, "URL", "the mail server: smtps://HOST[:PORT] or smtp://…"),
      CLI_OPT_FLAG("starttls", 0, &starttls, "with smtp://: require STARTTLS"),
      CLI_OPT_STRING("smtp-auth", 0, &run.smtp.auth_file, "FILE",
                     "user name and password for the server (a 0600 file)"),
      CLI_OPT_STRING("smtp-ca", 0, &run.smtp.ca_file, "FILE",
                     "trust the server's certificate from this CA bundle"),
      CLI_OPT_INT("rate", 0, &run.rate, "N", 1, 100000, "send at most N messages a minute"),
      CLI_OPT_FLAG("resend", 0, &run.resend, "send again what was sent (or queued) before"),
      CLI_OPT_STRING("dry-run", 0, &run.dry_dir, "DIR",
                     "write one DIR/<uuid>.eml per learner instead of sending"),
      CLI_OPT_HOME(&home_dir),
      CLI_OPT_REGISTRY(),
  };
  const cli_command command = {
      "mail",
      "skillcert mail --roster FILE --from ADDRESS (--smtp URL | --dry-run DIR)\n"
      "                      [--map COLUMN=FIELD]... [--starttls] [--smtp-auth FILE]\n"
      "                      [--rate N] [--resend]\n"
      "                      [--home DIR] [CREDENTIAL...]",
      mail_description, CLI_ROWS(options), mail_epilogue};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if ((parsed = check_args(&run, smtp)) != SC_OK)
    return parsed;
  for (size_t i = 0; i < run.map_list.count; i++)
    if (!strchr(run.maps[i], '='))
      return cli_usage_error("mail", "--map expects COLUMN=FIELD, got '%s'", run.maps[i]);
  run.ids = (const char *const *)argv + first;
  run.id_count = (size_t)(argc - first);
  run.smtp.url = smtp;
  run.smtp.starttls = starttls;
  sc_error err = {0};
  int rc = cli_home_open(home_dir, &run.home, &err);
  if (rc == SC_OK)
    rc = sc_claim_days(&run.home, &run.claim_days, &err);
  if (rc == SC_OK)
    rc = sc_registry_open(&run.home, &run.reg, &err);
  if (rc == SC_OK && !(run.id_found = calloc(run.id_count + 1, sizeof *run.id_found)))
    rc = sc_oom(&err);
  if (rc == SC_OK)
    rc = mail_roster(&run, &err);
  for (size_t i = 0; rc == SC_OK && i < run.id_count; i++)
    if (!run.id_found[i]) {
      /* An id no learner of the roster has: its address is not known here. */
      fprintf(stderr, "skillcert: mail: %s: no credential of a learner in %s: not mailed\n",
              run.ids[i], run.roster);
      run.not_mailed++;
    }
  free(run.id_found);
  if (rc == SC_OK)
    fprintf(stderr, "skillcert: mail: %zu %s, %zu sent before, %zu failed, %zu not mailed\n",
            run.sent, run.dry_dir ? "written" : "sent", run.skipped, run.failed, run.not_mailed);
  sc_template_free(run.tpl);
  sc_registry_close(run.reg);
  sc_home_close(&run.home);
  if (rc != SC_OK)
    return cli_error(&err);
  return run.failed ? SC_EIO : SC_OK;
}
