/*
 * service/service.h — `skillcert serve`: the HTTP service above the issuer and the verifier.
 *
 * The page behind every QR code, the W3C VC API (verify, and issue with a home's key) and the
 * issuer's public/ folder (docs/serve.md). The route handler is a plain function of a request
 * (no sockets), so tests and the fuzz target drive it directly; http_server.c puts
 * libmicrohttpd around it. It depends on issuer/ and verifier/ (and through them on keys/ and
 * core/); only cli/ depends on it.
 */
#ifndef SKILLCERT_SERVICE_H
#define SKILLCERT_SERVICE_H

#include <pthread.h>

#include "core/core.h"
#include "issuer/issuer.h"
#include "verifier/verifier.h"

#define SC_HTTP_MAX_BODY ((size_t)1 << 20)   /* JSON bodies: a credential is ~2 KB */
#define SC_HTTP_MAX_UPLOAD ((size_t)8 << 20) /* POST /verify: a certificate PDF */

/* POST /credentials/issue (a credential the client composed, issuer/'s sc_issue_given) and
 * POST /certificates (name, e-mail and design: sc_issue_one) sign with a home's key, one
 * request at a time (the registry and public/ are written) and under the home's issuance lock
 * (a CLI `issue` may be running beside the service). */
typedef struct sc_http_issuer {
  const sc_home *home;
  EVP_PKEY *key;
  pthread_mutex_t lock;
} sc_http_issuer;

/* Fills issuer for home and key (both borrowed; they must outlive it). */
void sc_http_issuer_init(sc_http_issuer *issuer, const sc_home *home, EVP_PKEY *key);
void sc_http_issuer_destroy(sc_http_issuer *issuer);

/* A per-client rate limit on misses: the tries that failed, which its user counts; a client
 * with misses_per_minute of them in the current minute gets 429 until the minute is over. A
 * bounded table of clients; safe to share between threads. One per kind of route:
 * GET /claim/… counts links that open nothing (docs/claim.md), the wallet routes their 4xx
 * answers (docs/wallets.md#security), so neither holds up the other. */
#define SC_HTTP_CLAIM_MISSES_PER_MINUTE 10
#define SC_HTTP_WALLET_FAILURES_PER_MINUTE 20
typedef struct sc_http_limiter sc_http_limiter;
/* A table remembering at most slots clients (the least recently seen give way). */
sc_http_limiter *sc_http_limiter_new(unsigned misses_per_minute, size_t slots);
void sc_http_limiter_free(sc_http_limiter *limiter);

/* Registry handles kept open between requests (service/http_registry_pool.c): a claim page,
 * a wallet route or an issue request borrows one instead of connecting anew (on PostgreSQL a
 * connection costs milliseconds). At most idle_max handles wait; a waiting one is checked
 * before it is lent, and replaced when its connection was lost. Safe to share between
 * threads; home is borrowed and must outlive the pool. */
typedef struct sc_http_registry_pool sc_http_registry_pool;
sc_http_registry_pool *sc_http_registry_pool_new(const sc_home *home, size_t idle_max);
void sc_http_registry_pool_free(sc_http_registry_pool *pool);
/* How many handles wait in the pool now (for tests). */
size_t sc_http_registry_pool_idle(sc_http_registry_pool *pool);

typedef struct sc_http_config {
  const sc_trust_list *trust;     /* NULL = nobody trusted */
  const sc_status_source *status; /* where status lists and link-mode credentials come from */
  const char *public_dir;         /* the published folder served as static files; NULL = none */
  const char *base_url;           /* how clients reach us, for links ("https://verify.acme") */
  const char *issue_token;        /* NULL = POST /credentials/issue and /certificates are off
                                     (404) */
  bool require_trust;             /* --require-trust: the API fails an untrusted issuer (else
                                     a warning) */
  const char *did_doc;            /* --did-doc: the document of did:web issuers (NULL = fetch) */
  const char *home_issuer;        /* --home: its issuer ... */
  const json_t *home_keys;        /* ... and skillcert.json keys, for did:web and retirements */
  sc_status_memo *memo;           /* verified status lists shared by the workers (may be NULL) */
  sc_key_cache *keys;             /* public keys made once, shared by the workers (may be NULL) */
  sc_http_issuer *issuer;         /* NULL = the issue routes answer 401 */
  sc_http_limiter *claim_limiter; /* misses on /claim/ per client; NULL = /claim/ answers 404 */
  sc_http_limiter *wallet_limiter; /* failed tries at the wallet routes per client; NULL = those
                                      routes are off (404), as without wallets */
  const sc_home *home; /* --home: its templates give the page the issuer's logo (NULL = none) */
  sc_http_registry_pool *registry; /* home's registry handles (NULL = one opened per request) */
  bool wallets; /* --wallets: the VC-API exchanges and OpenID4VCI routes that deliver the home's
                   credentials into wallets (docs/wallets.md); they sign with issuer */
  char csp[192]; /* the Content-Security-Policy, with the page style's hash (sc_http_config_init) */
} sc_http_config;

/* Computes cfg->csp; call once after filling cfg. */
int sc_http_config_init(sc_http_config *cfg, sc_error *err);

typedef struct sc_http_request {
  const char *method;        /* "GET", "POST" … */
  const char *path;          /* percent-decoded path, without the query */
  bool download;             /* ?download=1 */
  const char *content_type;  /* NULL when absent */
  const char *authorization; /* the Authorization header, NULL when absent */
  size_t authorization_len;  /* its length in bytes, so a NUL inside shows; 0 = strlen */
  const char *if_none_match; /* NULL when absent */
  const char *accept_language; /* the Accept-Language header, NULL when absent */
  const char *lang_query;      /* ?lang=id: the reader's choice (the page's language switch) */
  const uint8_t *body;       /* raw body (JSON routes) */
  size_t body_len;
  const char *form_qr;      /* POST /verify: the pasted QR text (form field "qr") */
  const uint8_t *form_file; /* POST /verify: the uploaded file (form field "file") */
  size_t form_file_len;
  const char *client;       /* the client's address ("192.0.2.1"; "" or NULL when unknown): the
                               /claim/ rate limit and the wallet routes' failed tries count by it */
  int64_t now;
} sc_http_request;

typedef struct sc_http_response {
  int status;
  const char *content_type; /* static string */
  const char *cache_control;
  const char *allow;        /* 405: the allowed methods */
  const char *disposition;  /* Content-Disposition, static string or NULL */
  const char *authenticate; /* 401: WWW-Authenticate */
  bool security_headers;    /* HTML: CSP and friends (nosniff etc. go on every answer) */
  const char *vary;         /* Vary: the request headers the answer depends on, or NULL */
  bool no_body;             /* 304, HEAD */
  bool noindex;             /* X-Robots-Tag: noindex (the claim pages: their address is a secret) */
  unsigned retry_after;     /* 429: Retry-After seconds; 0 = none */
  char etag[72];
  /* A 5xx answer's reason for the operator, appended to the request's log line and never sent
   * to the client ("" = none): a claim page says "Busy", the log says the registry is down. */
  char log_note[192];
  sc_buf body;
} sc_http_response;

/* Answers one request. Never fails: every problem becomes an HTTP status. */
void sc_http_handle(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res);
void sc_http_response_free(sc_http_response *res);

typedef struct sc_http_server_options {
  const char *listen;              /* "127.0.0.1:8080", "[::1]:8080"; port 0 = any free port */
  unsigned threads;                /* worker threads; 0 = the number of cores */
  bool thread_per_connection;      /* instead of a pool (measured slower: docs/serve.md) */
  unsigned max_connections;        /* 0 = 512 */
  unsigned max_connections_per_ip; /* from one client address; 0 = 64 */
  unsigned timeout_seconds;        /* idle connection timeout; 0 = 15 */
  unsigned request_seconds;        /* a request (headers and body) must arrive within; 0 = 60 */
  bool quiet;                      /* no request log */
} sc_http_server_options;

typedef struct sc_http_server sc_http_server;

/* Starts serving cfg (which must outlive the server) in background threads; *port is the
 * port bound. */
int sc_http_start(const sc_http_config *cfg, const sc_http_server_options *opts,
                  sc_http_server **out, unsigned *port, sc_error *err);
/* Stops accepting, lets requests in flight finish (at most grace_seconds), then stops. */
void sc_http_stop(sc_http_server *server, unsigned grace_seconds);

#endif
