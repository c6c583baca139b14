/* skillcert serve: the verification service behind every QR code (service/), and,
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

static const char serve_synopsis[] =
    "skillcert serve [--listen HOST:PORT] [--home DIR] [--public DIR] [--trust FILE]\n"
    "                       [--threads N] [--issue-token-file FILE [--passphrase-file FILE]]\n"
    "                       [--wallets]\n"
    "                       [--base-url URL] [--allow-http] [--offline] [--did-doc FILE]\n"
    "                       [--max-connections-per-ip N] [--request-timeout SECONDS]\n"
    "                       [--fetch-budget SECONDS] [--require-trust] [--quiet]";

static const char serve_description[] =
    "Serves the verification page of every certificate (GET /V/<payload>, GET /C/<uuid>), a\n"
    "page to paste a QR text or upload a certificate (GET /, POST /verify), the W3C VC API\n"
    "(POST /credentials/verify, POST /presentations/verify; POST /credentials/issue and the\n"
    "learner shortcut POST /certificates with --issue-token-file), with --wallets the routes\n"
    "that deliver credentials into wallets (POST /exchanges/<id>, OpenID4VCI), the issuer's\n"
    "public/ folder (/status/..., /.well-known/did.json, /issuer.json, /c/...) and /healthz.\n"
    "Prints the URL it listens on, then logs one line per request on stderr. SIGTERM or\n"
    "SIGINT stop it: requests in flight finish first. See docs/serve.md.\n";

typedef struct serve_args {
  const char *home, *public_dir, *trust_path, *token_file, *base_url, *did_doc;
  sc_passphrase_source passphrase;
  sc_http_server_options server;
  sc_status_source status;
  bool require_trust;
  bool wallets;
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
  if (a->wallets && !a->home)
    return cli_usage_error("serve", "--wallets needs --home DIR (the signing key)");
  if (a->base_url && !is_base_url(a->base_url))
    return cli_usage_error("serve", "--base-url: expected http:// or https:// and a host, got '%s'",
                           a->base_url);
  sc_error err = {0};
  if (a->public_dir && check_public_dir(a->public_dir, &err) != SC_OK)
    return cli_error(&err);
  return SC_OK;
}

static int parse_args(int argc, char **argv, serve_args *a) {
  unsigned fetch_budget = 0;
  const cli_option options[] = {
      CLI_OPT_STRING("listen", 0, &a->server.listen, "HOST:PORT",
                     "address to listen on (default 127.0.0.1:8080; port 0 = any)"),
      CLI_OPT_STRING("home", 0, &a->home, "DIR",
                     "trust this home's issuer, serve its public/ folder, link to its\n"
                     "verifyUrl"),
      CLI_OPT_STRING("public", 0, &a->public_dir, "DIR",
                     "serve and read status lists from DIR instead of <home>/public\n"
                     "(a readable folder)"),
      CLI_OPT_STRING("trust", 0, &a->trust_path, "FILE",
                     "trust list (default: as for skillcert verify)"),
      CLI_OPT_UNSIGNED("threads", 0, &a->server.threads, "N", 1, 256,
                       "worker threads, 1 to 256 (default: the number of cores)"),
      CLI_OPT_FLAG("thread-per-connection", 0, &a->server.thread_per_connection,
                   "one thread per connection instead of a pool (slower)"),
      CLI_OPT_STRING("issue-token-file", 0, &a->token_file, "FILE",
                     "enable POST /credentials/issue and /certificates for clients that send\n"
                     "'Authorization: Bearer <the file's first line>'; needs --home;\n"
                     "mode 0600, like a passphrase file"),
      CLI_OPT_FLAG("wallets", 0, &a->wallets,
                   "deliver the home's credentials into wallets: VC-API exchanges\n"
                   "(Learner Credential Wallet) and OpenID4VCI; needs --home\n"
                   "(docs/wallets.md)"),
      CLI_OPT_STRING("passphrase-file", 0, &a->passphrase.file, "FILE",
                     "the signing key's passphrase (for issuing)"),
      CLI_OPT_STRING("base-url", 0, &a->base_url, "URL",
                     "how clients reach this service, http(s)://HOST... (default:\n"
                     "the home's verifyUrl, else http://HOST:PORT)"),
      CLI_OPT_FLAG("allow-http", 0, &a->status.allow_http,
                   "fetch remote status lists over http:// too (tests, intranets)"),
      CLI_OPT_STRING("did-doc", 0, &a->did_doc, "FILE",
                     "the DID document of a did:web issuer, instead of fetching it"),
      CLI_OPT_FLAG("offline", 0, &a->status.offline,
                   "never fetch: local folders and the cache only"),
      CLI_OPT_UNSIGNED("max-connections-per-ip", 0, &a->server.max_connections_per_ip, "N", 1, 512,
                       "connections from one client address (default 64; behind a\n"
                       "reverse proxy, up to 512: every client then has its address)"),
      CLI_OPT_UNSIGNED("request-timeout", 0, &a->server.request_seconds, "SECONDS", 1, 3600,
                       "a request (headers and body) must arrive within (default 60)"),
      CLI_OPT_UNSIGNED("fetch-budget", 0, &fetch_budget, "SECONDS", 1, 300,
                       "all fetches of one verification (status lists, DID document)\n"
                       "end within (default 10); then the status is unknown"),
      CLI_OPT_FLAG("require-trust", 0, &a->require_trust,
                   "the VC API fails a credential whose issuer is not on the trust\n"
                   "list (default: verified, with a warning)"),
      CLI_OPT_FLAG("quiet", 0, &a->server.quiet, "no request log"),
  };
  const cli_command command = {"serve", serve_synopsis, serve_description, CLI_ROWS(options), NULL};
  int first = 0;
  int rc = cli_parse(&command, argc, argv, &first);
  if (rc != SC_OK)
    return rc;
  if (first != argc)
    return cli_usage_error("serve", "unexpected argument '%s'", argv[first]);
  if (fetch_budget)
    a->status.fetch_budget_ms = (long)fetch_budget * 1000;
  return check_args(a);
}

/* ---------------------------------------------------------------- setup */

typedef struct serve_run {
  cli_verifier verifier; /* trust list, --home, the memo of verified status lists */
  char public_dir[PATH_MAX];
  char base_url[512];
  char *token; /* TOKEN_BYTES in OpenSSL's secure heap (read after sc_secrets_protect) */
  EVP_PKEY *issuer_key;
  sc_http_issuer issuer;          /* with --issue-token-file */
  sc_http_limiter *claim_limiter; /* with --home: GET /claim/… (docs/claim.md) */
  sc_http_limiter *wallet_limiter; /* with --wallets: their failed tries (docs/wallets.md) */
  sc_http_registry_pool *registry; /* with --home: its registry's handles, kept between requests */
  sc_http_config cfg;
} serve_run;

#define TOKEN_BYTES 256
/* Registry handles kept open between requests: enough for the requests that use the registry
 * at once (the signing ones take turns under the issuer's lock), few enough that many serve
 * processes do not exhaust a PostgreSQL server's connections (docs/deploy.md). */
#define REGISTRY_HANDLES_KEPT 4

/* The token file is refused like a passphrase file when others can reach it: whoever holds
 * the token can sign credentials in the issuer's name. */
static int read_token(const char *path, char **out, sc_error *err) {
  const size_t size = TOKEN_BYTES;
  char raw[1024];
  size_t len = 0;
  int rc = sc_secret_file_read(path, "token file", raw, sizeof raw - 1, &len, err);
  raw[len] = '\0';
  size_t first_line = strcspn(raw, "\r\n"); /* a NUL byte ends it too */
  bool ends_well = first_line < len && (raw[first_line] == '\r' || raw[first_line] == '\n');
  if (rc == SC_OK && (first_line < 16 || first_line >= size || (first_line < len && !ends_well)))
    rc = sc_fail(err, SC_EUSAGE, "%s: the token must be 16 to %zu characters on the first line",
                 path, size - 1);
  for (size_t i = 0; rc == SC_OK && i < first_line; i++) /* no client could send it (401) */
    if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f)
      rc = sc_fail(err, SC_EUSAGE, "%s: the token holds a control character (byte %zu)", path,
                   i + 1);
  if (rc == SC_OK && !(*out = OPENSSL_secure_zalloc(size)))
    rc = sc_oom(err);
  if (rc == SC_OK)
    memcpy(*out, raw, first_line);
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
    rc = read_token(a->token_file, &run->token, err);
  bool signs = a->token_file || a->wallets;
  if (rc == SC_OK && signs)
    rc = sc_home_load_key(&run->verifier.home, &a->passphrase, &run->issuer_key, err);
  if (rc == SC_OK && signs)
    sc_http_issuer_init(&run->issuer, &run->verifier.home, run->issuer_key);
  bool home = run->verifier.has_home;
  if (rc == SC_OK && home &&
      !(run->claim_limiter = sc_http_limiter_new(SC_HTTP_CLAIM_MISSES_PER_MINUTE, 4096)))
    rc = sc_oom(err);
  if (rc == SC_OK && home &&
      !(run->registry = sc_http_registry_pool_new(&run->verifier.home, REGISTRY_HANDLES_KEPT)))
    rc = sc_oom(err);
  if (rc == SC_OK && a->wallets &&
      !(run->wallet_limiter = sc_http_limiter_new(SC_HTTP_WALLET_FAILURES_PER_MINUTE, 4096)))
    rc = sc_oom(err);
  run->cfg = (sc_http_config){
      .trust = run->verifier.trust,
      .status = &a->status,
      .did_doc = a->did_doc,
      .home_issuer = home ? run->verifier.home.issuer_id : NULL,
      .home = home ? &run->verifier.home : NULL,
      .home_keys = home ? json_object_get(run->verifier.home.config, "keys") : NULL,
      .memo = run->verifier.memo,
      .keys = run->verifier.keys,
      .public_dir = run->public_dir[0] ? run->public_dir : NULL,
      .base_url = run->base_url[0] ? run->base_url : NULL,
      .issue_token = a->token_file ? run->token : NULL,
      .issuer = run->issuer.home ? &run->issuer : NULL,
      .require_trust = a->require_trust,
      .claim_limiter = run->claim_limiter,
      .wallet_limiter = run->wallet_limiter,
      .registry = run->registry,
      .wallets = a->wallets,
  };
  if (rc == SC_OK)
    rc = sc_http_config_init(&run->cfg, err);
  return rc;
}

static void tear_down(serve_run *run) {
  if (run->issuer.home)
    sc_http_issuer_destroy(&run->issuer);
  EVP_PKEY_free(run->issuer_key);
  sc_http_registry_pool_free(run->registry); /* before the home it borrows */
  cli_verifier_close(&run->verifier);
  sc_http_limiter_free(run->claim_limiter);
  sc_http_limiter_free(run->wallet_limiter);
  OPENSSL_secure_clear_free(run->token, TOKEN_BYTES);
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
  if (rc != SC_OK)
    return cli_parse_exit(rc);
  sc_error err = {0};
  serve_run run = {0};
  rc = set_up(&a, &run, &err);
  if (rc == SC_OK)
    rc = run_server(&a, &run, &err);
  tear_down(&run);
  return rc == SC_OK ? SC_OK : cli_error(&err);
}
