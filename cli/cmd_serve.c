/* skillcert serve: the verification service behind every QR code (verifier/http_*.c), and,
 * with --issue-token-file, the VC API issue route signing with the home's key. */
#include "cli/cli.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char serve_help[] =
    "usage: skillcert serve [--listen HOST:PORT] [--home DIR] [--public DIR] [--trust FILE]\n"
    "                       [--threads N] [--issue-token-file FILE [--passphrase-file FILE]]\n"
    "                       [--base-url URL] [--allow-http] [--offline] [--did-doc FILE]\n"
    "                       [--max-connections-per-ip N] [--request-timeout SECONDS] [--quiet]\n"
    "\n"
    "Serves the verification page of every certificate (GET /V/<payload>, GET /C/<uuid>), a\n"
    "page to paste a QR text or upload a certificate (GET /, POST /verify), the W3C VC API\n"
    "(POST /credentials/verify; POST /credentials/issue with --issue-token-file), the issuer's\n"
    "public/ folder (/status/..., /.well-known/did.json, /issuer.json, /c/...) and /healthz.\n"
    "Prints the URL it listens on, then logs one line per request on stderr. SIGTERM or\n"
    "SIGINT stop it: requests in flight finish first. See docs/serve.md.\n"
    "\n"
    "  --listen HOST:PORT      address to listen on (default 127.0.0.1:8080; port 0 = any)\n"
    "  --home DIR              trust this home's issuer, serve its public/ folder, link to its\n"
    "                          verifyUrl\n"
    "  --public DIR            serve and read status lists from DIR instead of <home>/public\n"
    "                          (a readable folder)\n"
    "  --trust FILE            trust list (default: as for skillcert verify)\n"
    "  --threads N             worker threads (default: the number of cores)\n"
    "  --thread-per-connection one thread per connection instead of a pool (slower)\n"
    "  --issue-token-file FILE enable POST /credentials/issue for clients that send\n"
    "                          'Authorization: Bearer <the file's first line>'; needs --home;\n"
    "                          mode 0600, like a passphrase file\n"
    "  --passphrase-file FILE  the signing key's passphrase (for issuing)\n"
    "  --base-url URL          how clients reach this service, http(s)://HOST... (default:\n"
    "                          the home's verifyUrl, else http://HOST:PORT)\n"
    "  --allow-http            fetch remote status lists over http:// too (tests, intranets)\n"
    "  --did-doc FILE          the DID document of a did:web issuer, instead of fetching it\n"
    "  --offline               never fetch: local folders and the cache only\n"
    "  --max-connections-per-ip N  connections from one client address (default 64; behind a\n"
    "                          reverse proxy, up to 512: every client then has its address)\n"
    "  --request-timeout SECONDS  a request (headers and body) must arrive within (default 60)\n"
    "  --quiet                 no request log\n";

typedef struct serve_args {
  const char *home, *public_dir, *trust_path, *token_file, *base_url, *did_doc;
  sc_passphrase_source passphrase;
  sc_http_server_options server;
  sc_status_source status;
} serve_args;

/* Links on the pages are built from it, so it must be a web address with a host. */
static bool is_base_url(const char *url) {
  size_t scheme = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
  return scheme && url[scheme] != '\0' && url[scheme] != '/' && !strpbrk(url, " \t\r\n");
}

/* A --public that cannot be served is a mistake to report now, not as 404s later. */
static int check_public_dir(const char *dir, sc_error *err) {
  struct stat st;
  if (stat(dir, &st) != 0)
    return sc_fail(err, SC_ENOINPUT, "--public: %s: %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode) || access(dir, R_OK | X_OK) != 0)
    return sc_fail(err, SC_ENOINPUT, "--public: %s: not a readable folder", dir);
  return SC_OK;
}

static int check_args(const serve_args *a) {
  if (a->token_file && !a->home)
    return cli_usage_error("serve", "--issue-token-file needs --home DIR (the signing key)");
  if (a->base_url && !is_base_url(a->base_url))
    return cli_usage_error("serve", "--base-url: expected http:// or https:// and a host, got '%s'",
                           a->base_url);
  sc_error err = {0};
  if (a->public_dir && check_public_dir(a->public_dir, &err) != SC_OK)
    return cli_error(&err);
  return SC_OK;
}

static int parse_args(int argc, char **argv, serve_args *a) {
  enum {
    O_LISTEN = 1,
    O_PUBLIC,
    O_TRUST,
    O_THREADS,
    O_TPC,
    O_TOKEN,
    O_BASE,
    O_HTTP,
    O_OFF,
    O_Q,
    O_DIDDOC,
    O_PER_IP,
    O_REQ_TIMEOUT
  };
  static const struct option options[] = {
      {"listen", required_argument, NULL, O_LISTEN},
      {"home", required_argument, NULL, OPT_HOME},
      {"public", required_argument, NULL, O_PUBLIC},
      {"trust", required_argument, NULL, O_TRUST},
      {"threads", required_argument, NULL, O_THREADS},
      {"thread-per-connection", no_argument, NULL, O_TPC},
      {"issue-token-file", required_argument, NULL, O_TOKEN},
      {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
      {"base-url", required_argument, NULL, O_BASE},
      {"allow-http", no_argument, NULL, O_HTTP},
      {"offline", no_argument, NULL, O_OFF},
      {"quiet", no_argument, NULL, O_Q},
      {"did-doc", required_argument, NULL, O_DIDDOC},
      {"max-connections-per-ip", required_argument, NULL, O_PER_IP},
      {"request-timeout", required_argument, NULL, O_REQ_TIMEOUT},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  int option;
  while ((option = cli_getopt(argc, argv, "", options)) != -1) {
    switch (option) {
    case O_LISTEN:
      a->server.listen = optarg;
      break;
    case OPT_HOME:
      a->home = optarg;
      break;
    case O_PUBLIC:
      a->public_dir = optarg;
      break;
    case O_TRUST:
      a->trust_path = optarg;
      break;
    case O_THREADS:
      a->server.threads = (unsigned)atoi(optarg);
      if (a->server.threads < 1 || a->server.threads > 1024)
        return cli_usage_error("serve", "--threads: expected a number from 1 to 1024");
      break;
    case O_TPC:
      a->server.thread_per_connection = true;
      break;
    case O_TOKEN:
      a->token_file = optarg;
      break;
    case OPT_PASSPHRASE_FILE:
      a->passphrase.file = optarg;
      break;
    case O_BASE:
      a->base_url = optarg;
      break;
    case O_HTTP:
      a->status.allow_http = true;
      break;
    case O_OFF:
      a->status.offline = true;
      break;
    case O_DIDDOC:
      a->did_doc = optarg;
      break;
    case O_Q:
      a->server.quiet = true;
      break;
    case O_PER_IP:
      a->server.max_connections_per_ip = (unsigned)atoi(optarg);
      if (a->server.max_connections_per_ip < 1 || a->server.max_connections_per_ip > 512)
        return cli_usage_error("serve",
                               "--max-connections-per-ip: expected a number from 1 to 512");
      break;
    case O_REQ_TIMEOUT:
      a->server.request_seconds = (unsigned)atoi(optarg);
      if (a->server.request_seconds < 1 || a->server.request_seconds > 3600)
        return cli_usage_error("serve", "--request-timeout: expected seconds from 1 to 3600");
      break;
    case OPT_HELP:
      return -1;
    default:
      return cli_option_error("serve", argv, "");
    }
  }
  if (optind != argc)
    return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
  return check_args(a);
}

/* ---------------------------------------------------------------- issuing */

/* What POST /credentials/issue needs, shared by the server's threads. */
typedef struct issuer_state {
  const sc_home *home;
  EVP_PKEY *key;
  pthread_mutex_t lock; /* one issue at a time: the registry and public/ are written */
} issuer_state;

/* Keeps err's message (formatting it into itself would be undefined behaviour) under a new
 * code: the request, not the server, was wrong. */
static int recode(sc_error *err, int code) {
  err->code = code;
  return code;
}

/* credential.credentialSubject: {"name", "email", "did"?, "achievement": {OB Achievement}},
 * or options.template naming a certificate design whose achievement is used. */
static int request_achievement(const issuer_state *st, const json_t *subject, const json_t *options,
                               json_t **out, sc_error *err) {
  const json_t *template_value = json_object_get(options, "template");
  const char *template_name = json_string_value(template_value);
  const json_t *given = json_object_get(subject, "achievement");
  if (template_value && !template_name)
    return sc_fail(err, SC_EDATA, "options.template: expected the name of a certificate design");
  if (template_name) {
    char dir[PATH_MAX];
    sc_template *tpl = NULL;
    int rc = sc_template_find(st->home, template_name, dir, sizeof dir, err);
    if (rc == SC_OK)
      rc = sc_template_load(dir, &tpl, err);
    if (rc == SC_OK)
      *out = json_deep_copy(sc_template_achievement(tpl));
    sc_template_free(tpl);
    if (rc != SC_OK)
      return rc == SC_ENOINPUT || rc == SC_ECONFIG ? recode(err, SC_EUSAGE) : rc;
    return *out ? SC_OK : sc_oom(err);
  }
  if (!json_is_object(given))
    return sc_fail(err, SC_EDATA,
                   "credential.credentialSubject.achievement: expected an Open "
                   "Badges 3.0 Achievement object (or options.template)");
  if (!(*out = json_deep_copy(given)))
    return sc_oom(err);
  int rc = sc_json_nfc(*out, "achievement", err);
  if (rc == SC_OK)
    rc = sc_achievement_check(*out, "credential.credentialSubject.achievement", err);
  return rc == SC_OK ? SC_OK : recode(err, SC_EDATA);
}

/* object[key] as text: *out NULL when absent; SC_EDATA naming where.key when it is there but
 * not a string, holds a NUL, or is not what `issue` accepts from its flags and rosters
 * (sc_text_check: UTF-8 without control characters, at most max_chars characters). */
static int optional_text(const json_t *object, const char *where, const char *key, size_t max_chars,
                         const char **out, sc_error *err) {
  const json_t *value = json_object_get(object, key);
  *out = NULL;
  if (!value)
    return SC_OK;
  char field[96];
  snprintf(field, sizeof field, "%s.%s", where, key);
  if (!json_is_string(value))
    return sc_fail(err, SC_EDATA, "%s: expected a string", field);
  const char *text = json_string_value(value);
  if (strlen(text) != json_string_length(value))
    return sc_fail(err, SC_EDATA, "%s: must not contain NUL characters", field);
  int rc = sc_text_check(text, field, max_chars, err);
  if (rc == SC_OK)
    *out = text;
  return rc;
}

static int request_fields(const json_t *credential, const json_t *options, sc_issue_request *req,
                          sc_error *err) {
  static const char subject_at[] = "credential.credentialSubject";
  const json_t *subject = json_object_get(credential, "credentialSubject");
  if (!json_is_object(subject))
    return sc_fail(err, SC_EDATA, "%s: expected an object with name and email", subject_at);
  int rc = optional_text(subject, subject_at, "name", SC_MAX_NAME_CHARS, &req->recipient.name, err);
  if (rc == SC_OK)
    rc =
        optional_text(subject, subject_at, "email", SC_MAX_EMAIL_CHARS, &req->recipient.email, err);
  if (rc == SC_OK)
    rc = optional_text(subject, subject_at, "id", SC_MAX_DID_CHARS, &req->recipient.did, err);
  if (rc == SC_OK)
    rc = optional_text(credential, "credential", "validUntil", 64, &req->valid_until, err);
  if (rc == SC_OK)
    rc = optional_text(options, "options", "learnerId", SC_MAX_ID_CHARS, &req->learner_id, err);
  if (rc != SC_OK)
    return rc;
  req->now = (int64_t)time(NULL);
  if (!req->recipient.name || !*req->recipient.name)
    return sc_fail(err, SC_EDATA, "%s.name: expected the learner's name", subject_at);
  if (!req->recipient.email || !sc_is_email(req->recipient.email))
    return sc_fail(err, SC_EDATA, "%s.email: expected an e-mail address", subject_at);
  return SC_OK;
}

/* A learner id seen before with this achievement: the credential issued then. */
static int existing_credential(sc_registry *reg, const sc_issue_request *req, json_t **out,
                               sc_error *err) {
  json_t *row = NULL;
  const char *achievement_id = json_string_value(json_object_get(req->achievement, "id"));
  int rc = sc_registry_find(reg, req->learner_id, achievement_id, &row, err);
  if (rc != SC_OK || !row)
    return rc;
  char *text = sc_registry_credential_text(reg, json_string_value(json_object_get(row, "id")), err);
  json_decref(row);
  if (!text)
    return err->code ? err->code : SC_ESOFTWARE;
  rc = sc_json_parse(text, strlen(text), "registry", out, err);
  free(text);
  return rc;
}

/* The sequence of `skillcert issue` for one learner without a template: reserve a status
 * slot, sign, record, write, publish the list it touched. */
static int issue_locked(issuer_state *st, sc_issue_request *req, json_t **out, sc_error *err) {
  sc_issue_context ctx = {st->home, st->key, NULL, NULL};
  sc_registry *reg = NULL;
  sc_prepared p = {0};
  int rc = sc_registry_open(st->home, &reg, err);
  if (rc == SC_OK && req->learner_id)
    rc = existing_credential(reg, req, out, err);
  if (rc == SC_OK && !*out) {
    rc = sc_registry_reserve_index(reg, &req->status_list, &req->status_index, err);
    if (rc == SC_OK)
      rc = sc_issue_prepare(&ctx, req, &p, err);
    if (rc == SC_OK)
      rc = sc_issue_record(reg, &ctx, req, &p, err);
    if (rc == SC_OK)
      rc = sc_issue_write(&ctx, &p, err);
    sc_publish_options publish = {.now = req->now};
    if (rc == SC_OK)
      rc = sc_publish_lists(st->home, st->key, reg, &req->status_list, 1, &publish, err);
    if (rc == SC_OK)
      rc = sc_publish_key_document(st->home, err);
    if (rc == SC_OK)
      *out = json_incref(p.credential);
  }
  sc_prepared_free(&p);
  sc_registry_close(reg);
  return rc;
}

static int issue_credential(void *cls, const json_t *credential, const json_t *options,
                            json_t **signed_credential, sc_error *err) {
  issuer_state *st = cls;
  sc_issue_request req = {0};
  json_t *achievement = NULL;
  *signed_credential = NULL;
  int rc = request_fields(credential, options, &req, err);
  if (rc == SC_OK)
    rc = request_achievement(st, json_object_get(credential, "credentialSubject"), options,
                             &achievement, err);
  req.achievement = achievement;
  if (rc == SC_OK) {
    pthread_mutex_lock(&st->lock);
    int lock_fd = -1;
    rc = sc_home_lock(st->home, &lock_fd, err); /* a CLI issue may be running */
    if (rc == SC_OK) {
      rc = issue_locked(st, &req, signed_credential, err);
      sc_home_unlock(lock_fd);
    }
    pthread_mutex_unlock(&st->lock);
  }
  json_decref(achievement);
  return rc;
}

/* ---------------------------------------------------------------- setup */

typedef struct serve_run {
  cli_verifier verifier; /* trust list, --home, the memo of verified status lists */
  char public_dir[PATH_MAX];
  char base_url[512];
  char token[256];
  issuer_state issuer;
  sc_http_config cfg;
} serve_run;

/* The token file is refused like a passphrase file when others can reach it: whoever holds
 * the token can sign credentials in the issuer's name. */
static int read_token(const char *path, char *token, size_t size, sc_error *err) {
  char raw[1024];
  size_t len = 0;
  int rc = sc_secret_file_read(path, "token file", raw, sizeof raw - 1, &len, err);
  raw[len] = '\0';
  size_t first_line = strcspn(raw, "\r\n"); /* a NUL byte ends it too */
  bool ends_well = first_line < len && (raw[first_line] == '\r' || raw[first_line] == '\n');
  if (rc == SC_OK && (first_line < 16 || first_line >= size || (first_line < len && !ends_well)))
    rc = sc_fail(err, SC_EUSAGE, "%s: the token must be 16 to %zu characters on the first line",
                 path, size - 1);
  if (rc == SC_OK)
    snprintf(token, size, "%.*s", (int)first_line, raw);
  OPENSSL_cleanse(raw, sizeof raw);
  return rc;
}

static int use_home(serve_args *a, serve_run *run, sc_error *err) {
  cli_verifier_args setup = {a->trust_path, a->home, a->did_doc, 5};
  int rc = cli_verifier_open(&run->verifier, &setup, &a->status, err);
  if (rc != SC_OK || !a->home)
    return rc;
  if (!a->public_dir)
    snprintf(run->public_dir, sizeof run->public_dir, "%s", run->verifier.public_dir);
  if (!a->base_url && run->verifier.home.verify_url)
    snprintf(run->base_url, sizeof run->base_url, "%s", run->verifier.home.verify_url);
  return rc;
}

static int set_up(serve_args *a, serve_run *run, sc_error *err) {
  if (a->public_dir) {
    snprintf(run->public_dir, sizeof run->public_dir, "%s", a->public_dir);
    a->status.local = run->public_dir; /* laid out like public/: status lists by URL path */
  }
  int rc = use_home(a, run, err);
  if (a->base_url)
    snprintf(run->base_url, sizeof run->base_url, "%s", a->base_url);
  if (rc == SC_OK && a->token_file)
    rc = read_token(a->token_file, run->token, sizeof run->token, err);
  if (rc == SC_OK && a->token_file)
    rc = sc_home_load_key(&run->verifier.home, &a->passphrase, &run->issuer.key, err);
  run->issuer.home = &run->verifier.home;
  bool home = run->verifier.has_home;
  run->cfg = (sc_http_config){
      .trust = run->verifier.trust,
      .status = &a->status,
      .did_doc = a->did_doc,
      .home_issuer = home ? run->verifier.home.issuer_id : NULL,
      .home_keys = home ? json_object_get(run->verifier.home.config, "keys") : NULL,
      .memo = run->verifier.memo,
      .keys = run->verifier.keys,
      .public_dir = run->public_dir[0] ? run->public_dir : NULL,
      .base_url = run->base_url[0] ? run->base_url : NULL,
      .issue_token = a->token_file ? run->token : NULL,
      .issue = a->token_file ? issue_credential : NULL,
      .issue_ctx = &run->issuer,
  };
  if (rc == SC_OK)
    rc = sc_http_config_init(&run->cfg, err);
  return rc;
}

static void tear_down(serve_run *run) {
  EVP_PKEY_free(run->issuer.key);
  cli_verifier_close(&run->verifier);
  OPENSSL_cleanse(run->token, sizeof run->token);
}

/* Runs until SIGTERM or SIGINT. The signals are blocked before the server's threads start
 * (they inherit the mask), so only sigwait here ever sees them. */
static int run_server(serve_args *a, serve_run *run, sc_error *err) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  sc_http_server *server = NULL;
  unsigned port = 0;
  int rc = sc_http_start(&run->cfg, &a->server, &server, &port, err);
  if (rc != SC_OK)
    return rc;
  const char *listen = a->server.listen ? a->server.listen : "127.0.0.1:8080";
  const char *colon = strrchr(listen, ':');
  if (!run->base_url[0]) /* links on the page point back here */
    snprintf(run->base_url, sizeof run->base_url, "http://%.*s:%u", (int)(colon - listen), listen,
             port);
  run->cfg.base_url = run->base_url;
  printf("listening on http://%.*s:%u\n", (int)(colon - listen), listen, port);
  fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  fprintf(stderr, "skillcert: serve: %s: finishing requests in flight\n",
          sig == SIGINT ? "SIGINT" : "SIGTERM");
  sc_http_stop(server, 10);
  return SC_OK;
}

int cmd_serve(int argc, char **argv) {
  serve_args a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc == -1)
    return fputs(serve_help, stdout), SC_OK;
  if (rc != SC_OK)
    return rc;
  sc_error err = {0};
  serve_run run = {0};
  pthread_mutex_init(&run.issuer.lock, NULL);
  rc = set_up(&a, &run, &err);
  if (rc == SC_OK)
    rc = run_server(&a, &run, &err);
  tear_down(&run);
  pthread_mutex_destroy(&run.issuer.lock);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
