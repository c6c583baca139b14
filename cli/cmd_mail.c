/* skillcert mail: each learner's certificate by e-mail (docs/mail.md). The addresses come from
 * the roster given again: the registry keeps only a salted hash of each, and a credential is
 * mailed only to the address whose hash it carries. Every send is recorded in the registry
 * before (queued) and after (sent or failed), so that a re-run sends only what was not sent. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#define MAIL_MAX_ATTEMPTS 3      /* per run, for temporary failures (4xx, a dropped connection) */
#define MAIL_MAX_FILE (64 << 20) /* the largest PDF read */
/* Many mail servers refuse a message above 10 MB (after base64, 4/3 of the files): a larger
 * one is still sent, with a warning that --pdf link would keep it small. */
#define MAIL_WARN_SIZE (10 << 20)

typedef enum pdf_mode { PDF_ATTACH, PDF_LINK, PDF_NONE } pdf_mode;

static const char mail_description[] =
    "E-mails each learner of ROSTER their certificate: the PDF, the signed credential (JSON) and\n"
    "the baked Open Badge (PNG) attached, the verification link and an \"Add to LinkedIn\"\n"
    "link, in the learner's language (the roster's language column, else the certificate's).\n"
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
  const char *roster, *from, *dry_dir, *roster_run;
  const char *maps[64]; /* --map, as issue --roster took them */
  cli_list map_list;
  const char *const *ids; /* CREDENTIAL operands, or the ids of --roster-run's run */
  size_t id_count;
  char **run_ids; /* --roster-run: read from out/runs/<ID>, owned */
  bool *id_found; /* ids[i] is a credential of a roster learner */
  bool resend;
  int rate; /* messages per minute; 0 = no limit */
  sc_smtp_config smtp;
  struct timespec last_send;
  bool sent_before;
  pdf_mode pdf_mode; /* --pdf */
  char tpl_name[256], tpl_dir[PATH_MAX];
  sc_template *tpl; /* the current credential's template (badge, mail.json); NULL = gone */
  int claim_days;   /* how long a claim link works (skillcert.json "claim": {"days"}) */
  size_t sent, skipped, failed, not_mailed;
} mail_run;

typedef struct mail_item {
  const json_t *row; /* the registry's row */
  const sc_roster_row *learner;
  json_t *credential;
  sc_buf json, pdf, badge, message;
  char language[8];  /* the e-mail's language */
  char pdf_url[512]; /* --pdf link: where public/ serves the PDF; "" = not linked */
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

/* The credential's template into run->tpl (kept from one credential to the next); NULL when
 * it has none or it is gone. */
static void load_template(mail_run *run, const char *name) {
  if (run->tpl && name && strcmp(run->tpl_name, name) == 0)
    return;
  sc_template_free(run->tpl);
  run->tpl = NULL;
  if (name &&
      sc_template_find(&run->home, name, run->tpl_dir, sizeof run->tpl_dir, NULL) == SC_OK &&
      sc_template_load(run->tpl_dir, &run->tpl, NULL) == SC_OK)
    snprintf(run->tpl_name, sizeof run->tpl_name, "%s", name);
}

/* The template's badge with the credential baked in; none when the template is gone. */
static void bake_badge(mail_run *run, mail_item *it) {
  load_template(run, row_text(it->row, "template"));
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
  if (rc == SC_OK && run->pdf_mode != PDF_NONE && row_text(it->row, "pdf_path") &&
      (rc = sc_home_path(&run->home, "out", name, path, sizeof path, err)) == SC_OK)
    rc = sc_read_file(path, MAIL_MAX_FILE, &it->pdf, err);
  if (rc == SC_OK)
    bake_badge(run, it);
  return rc;
}

/* The roster's language column, else the language the certificate was written in (the
 * registry's, schema 5), else its template's; NULL = English. */
static const char *language_of(const mail_run *run, const mail_item *it) {
  const char *tag = it->learner->language && *it->learner->language ? it->learner->language
                                                                    : row_text(it->row, "language");
  if (!tag && run->tpl)
    tag = sc_template_language(run->tpl);
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

/* --pdf link: the PDF into <home>/public/pdf/<uuid>.pdf, which `serve` serves and `publish`
 * users copy with public/, and its URL under publicUrl. Not written by --dry-run. */
static int link_pdf(mail_run *run, mail_item *it, sc_error *err) {
  const char *uuid = row_text(it->row, "id") + 9;
  const char *base = run->home.public_url;
  if (!base || !*base)
    return sc_fail(err, SC_ECONFIG,
                   "--pdf link: the home has no publicUrl (skillcert.json) to link the PDF "
                   "under; use --pdf attach");
  char path[PATH_MAX];
  int rc = sc_linked_pdf_path(&run->home, uuid, path, sizeof path, err);
  if (rc == SC_OK && !run->dry_dir && (rc = sc_mkdir_parent(path, 0755, err)) == SC_OK)
    rc = sc_write_file_atomic(path, it->pdf.data, it->pdf.len, 0644, err);
  if (rc == SC_OK &&
      (size_t)snprintf(it->pdf_url, sizeof it->pdf_url, "%s%spdf/%s.pdf", base,
                       base[strlen(base) - 1] == '/' ? "" : "/", uuid) >= sizeof it->pdf_url)
    rc = sc_fail(err, SC_ECONFIG, "--pdf link: publicUrl is too long");
  return rc;
}

/* The subject, text and HTML with placeholders: the template's mail.json in the learner's
 * language when it has one, else the built-in texts (po/). */
static int mail_texts(mail_run *run, mail_item *it, const char *lang, sc_buf *subject, sc_buf *text,
                      sc_buf *html, sc_error *err) {
  sc_mail_texts t = {0};
  int rc = run->tpl
               ? sc_mail_texts_load(run->tpl_dir, lang, sc_template_language(run->tpl), &t, err)
               : SC_OK;
  if (rc == SC_OK && t.subject) {
    bool ok = sc_buf_append(subject, t.subject, strlen(t.subject) + 1) &&
              sc_buf_append(text, t.text, strlen(t.text) + 1) &&
              sc_buf_append(html, t.html, strlen(t.html) + 1);
    snprintf(it->language, sizeof it->language, "%s", t.language);
    rc = ok ? SC_OK : sc_oom(err);
  } else if (rc == SC_OK) {
    rc = cli_mail_builtin_texts(lang, run->pdf_mode == PDF_ATTACH && it->pdf.len, subject, text,
                                html, err);
  }
  sc_mail_texts_free(&t);
  return rc;
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
  const char *lang = language_of(run, it);
  snprintf(it->language, sizeof it->language, "%s", lang ? lang : SC_LANG_DEFAULT);
  sc_buf subject = {0}, text = {0}, html = {0}, linkedin = {0};
  /* Only now, the address checked: a credential not mailed gets no public PDF. */
  int rc = run->pdf_mode == PDF_LINK && it->pdf.len ? link_pdf(run, it, err) : SC_OK;
  if (rc == SC_OK)
    rc = mail_texts(run, it, lang, &subject, &text, &html, err);
  lang = it->language; /* the texts' language, which names the achievement too */
  const char *achievement_name = sc_json_text(json_object_get(achievement, "name"), lang);
  cli_mail_words w = {.achievement = achievement_name ? achievement_name : "",
                      .issuer = run->home.issuer_name ? run->home.issuer_name : "",
                      .issued_at = row_text(it->credential, "validFrom"),
                      .verify_link = verify,
                      .credential_id = id};
  if (rc == SC_OK)
    rc = cli_mail_linkedin_url(&w, &linkedin, err);
  sc_mail_attachment files[3] = {
      {"credential.json", "application/json", it->json.data, it->json.len}};
  size_t count = 1;
  if (it->pdf.len && run->pdf_mode == PDF_ATTACH)
    files[count++] =
        (sc_mail_attachment){"certificate.pdf", "application/pdf", it->pdf.data, it->pdf.len};
  if (it->badge.len)
    files[count++] = (sc_mail_attachment){"badge.png", "image/png", it->badge.data, it->badge.len};
  sc_mail_message m = {.from_name = run->home.issuer_name,
                       .from_addr = run->from,
                       .to_name = row_text(it->row, "recipient_name"),
                       .to_addr = it->learner->email,
                       .subject = (const char *)subject.data,
                       .text = (const char *)text.data,
                       .html = (const char *)html.data,
                       .language = lang,
                       .achievement = w.achievement,
                       .credential_id = id,
                       .verify_url = verify,
                       .linkedin_url = (const char *)linkedin.data,
                       .pdf_url = it->pdf_url[0] ? it->pdf_url : NULL,
                       .claim_url = claim,
                       .attachments = files,
                       .attachment_count = count,
                       .date = (int64_t)time(NULL)};
  if (rc == SC_OK)
    rc = sc_mail_build(&m, &it->message, err);
  free(verify);
  free(claim);
  sc_buf_free(&subject);
  sc_buf_free(&text);
  sc_buf_free(&html);
  sc_buf_free(&linkedin);
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

/* A revoked or suspended credential's PDF that an earlier --pdf link published is withdrawn
 * from public/pdf/: `revoke` and `suspend` withdraw it themselves, this catches one they could
 * not remove (or a status changed before they did). */
static void withdraw_pdf(mail_run *run, const char *id) {
  bool removed = false;
  sc_error err = {0};
  if (run->dry_dir)
    return;
  if (sc_linked_pdf_withdraw(&run->home, id, &removed, &err) != SC_OK)
    fprintf(stderr, "skillcert: mail: %s: its linked PDF: %s\n", id, err.message);
  else if (removed)
    fprintf(stderr, "skillcert: mail: %s: its linked PDF was withdrawn from public/pdf/\n", id);
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
    withdraw_pdf(run, id);
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
    if (it.message.len > MAIL_WARN_SIZE)
      fprintf(stderr,
              "skillcert: mail: %s: the message is %zu MiB; many mail servers refuse more than "
              "10 MiB (--pdf link sends a link instead of the PDF)\n",
              id, it.message.len >> 20);
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

/* --roster-run ID: the credential ids `issue --roster` recorded in <home>/out/runs/ID, one a
 * line (issuer/manifest.c). */
static int read_run(mail_run *run, sc_error *err) {
  const char *id = run->roster_run;
  if (!*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return sc_fail(err, SC_EUSAGE, "--roster-run: '%s' is not a run id (as issue printed it)", id);
  char name[PATH_MAX], path[PATH_MAX];
  snprintf(name, sizeof name, "runs/%s", id);
  sc_buf text = {0};
  int rc = sc_home_path(&run->home, "out", name, path, sizeof path, err);
  if (rc == SC_OK && access(path, F_OK) != 0)
    return sc_fail(err, SC_ENOINPUT,
                   "--roster-run %s: no such run (%s does not exist; `ls %s/out/runs` lists the "
                   "runs issue --roster recorded)",
                   id, path, run->home.root);
  if (rc == SC_OK)
    rc = sc_read_file(path, MAIL_MAX_FILE, &text, err);
  if (rc == SC_OK && !sc_buf_append_byte(&text, 0))
    rc = sc_oom(err);
  size_t lines = 0;
  for (size_t i = 0; rc == SC_OK && i < text.len; i++)
    lines += text.data[i] == '\n';
  if (rc == SC_OK && !(run->run_ids = calloc(lines + 1, sizeof *run->run_ids)))
    rc = sc_oom(err);
  char *save = NULL;
  for (char *line = rc == SC_OK ? strtok_r((char *)text.data, "\r\n", &save) : NULL;
       rc == SC_OK && line; line = strtok_r(NULL, "\r\n", &save)) {
    if (!(run->run_ids[run->id_count++] = strdup(line)))
      rc = sc_oom(err);
  }
  sc_buf_free(&text);
  run->ids = (const char *const *)run->run_ids;
  return rc;
}

/* Every id given (or of the run) must be a credential of the registry: a typo stops the run
 * before anything is sent. */
static int check_ids(mail_run *run, sc_error *err) {
  for (size_t i = 0; i < run->id_count; i++) {
    json_t *row = NULL;
    int rc = sc_registry_get(run->reg, run->ids[i], &row, err);
    if (rc != SC_OK)
      return rc;
    if (!row)
      return sc_fail(err, SC_EDATA, "%s: no such credential in the registry%s%s%s", run->ids[i],
                     run->roster_run ? " (listed by run " : "",
                     run->roster_run ? run->roster_run : "", run->roster_run ? ")" : "");
    json_decref(row);
  }
  return SC_OK;
}

static int parse_pdf_mode(const char *text, pdf_mode *mode) {
  if (!text || strcmp(text, "attach") == 0)
    *mode = PDF_ATTACH;
  else if (strcmp(text, "link") == 0)
    *mode = PDF_LINK;
  else if (strcmp(text, "none") == 0)
    *mode = PDF_NONE;
  else
    return cli_usage_error("mail", "--pdf expects attach, link or none, got '%s'", text);
  return SC_OK;
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
  const char *home_dir = NULL, *smtp = NULL, *pdf = NULL;
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
      CLI_OPT_STRING("roster-run", 0, &run.roster_run, "ID",
                     "mail the credentials of that issue --roster run (the id it printed)"),
      CLI_OPT_STRING("pdf", 0, &pdf, "MODE",
                     "attach (default), link (a link under publicUrl, the PDF put in public/pdf/) "
                     "or none"),
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
      "                      [--rate N] [--resend] [--pdf attach|link|none]\n"
      "                      [--roster-run ID]"
      "                      [--home DIR] [CREDENTIAL...]",
      mail_description, CLI_ROWS(options), mail_epilogue};
  int first = 0;
  int parsed = cli_parse(&command, argc, argv, &first);
  if (parsed != SC_OK)
    return cli_parse_exit(parsed);
  if ((parsed = check_args(&run, smtp)) != SC_OK || (parsed = parse_pdf_mode(pdf, &run.pdf_mode)))
    return parsed;
  if (run.roster_run && first < argc)
    return cli_usage_error("mail", "give --roster-run ID or CREDENTIAL ids, not both");
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
  if (rc == SC_OK && run.roster_run)
    rc = read_run(&run, &err);
  if (rc == SC_OK && !(run.id_found = calloc(run.id_count + 1, sizeof *run.id_found)))
    rc = sc_oom(&err);
  if (rc == SC_OK)
    rc = check_ids(&run, &err);
  if (rc == SC_OK)
    rc = mail_roster(&run, &err);
  for (size_t i = 0; rc == SC_OK && i < run.id_count; i++)
    if (!run.id_found[i]) {
      /* An id no learner of the roster has: its address is not known here. */
      fprintf(stderr,
              "skillcert: mail: %s: no credential of a learner in %s (no address for it): "
              "not mailed\n",
              run.ids[i], run.roster);
      run.not_mailed++;
    }
  free(run.id_found);
  for (size_t i = 0; run.run_ids && run.run_ids[i]; i++)
    free(run.run_ids[i]);
  free(run.run_ids);
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
