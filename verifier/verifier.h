/*
 * verifier/verifier.h — the verification pipeline and its report.
 *
 * A verification runs named checks in order and keeps every result, so the report can say
 * what passed as well as what failed. Its exit code is the lowest non-zero verdict among
 * 1–6, or the 64–70 code that stopped it early (DESIGN.md, "verify: exit codes").
 */
#ifndef SKILLCERT_VERIFIER_H
#define SKILLCERT_VERIFIER_H

#include <stdio.h>

#include "core/core.h"
#include "keys/keys.h"

typedef enum sc_check_state {
  SC_CHECK_PASSED,
  SC_CHECK_FAILED,
  SC_CHECK_SKIPPED,
  SC_CHECK_WARNING, /* passed, with something the reader should know */
} sc_check_state;

typedef struct sc_check {
  const char *name; /* "well-formed", "credential", "proof", "issuer", "validity", "trust" … */
  sc_check_state state;
  int code; /* the verdict when failed */
  char message[512];
} sc_check;

#define SC_MAX_CHECKS 16

/* What the credential says, for the verdict line (borrowed from credential; may be NULL). */
typedef struct sc_credential_summary {
  const char *id;
  const char *issuer_id;
  const char *issuer_name; /* as the credential claims it */
  const char *recipient_name;
  const char *achievement_name;
  const char *valid_from;
  const char *valid_until;
} sc_credential_summary;

typedef struct sc_verification {
  int exit_code;
  sc_check checks[SC_MAX_CHECKS];
  size_t check_count;
  json_t *credential; /* owned; NULL when the input was not JSON */
  sc_credential_summary summary;
  const char *trusted_as; /* the trust list's name for the issuer, borrowed from the list */
  char source[256];       /* what was verified, for messages */
} sc_verification;

/* Where status lists (and link-mode credentials, did:web documents) come from
 * (status_source.c, fetch.c, cache.c). */
typedef struct sc_status_source {
  const char *local;       /* --status: a list credential file, or a folder laid out like public/ */
  const char *home_public; /* --home: that home's public/ folder ... */
  const char *home_url;    /* ... which is served at this URL (skillcert.json publicUrl) */
  bool offline;            /* --offline: only local folders and the cache */
  bool allow_http;         /* --allow-http: http:// URLs too (tests, intranets) */
  const char *cache_dir;   /* NULL = $XDG_CACHE_HOME/skillcert, else ~/.cache/skillcert */
} sc_status_source;

typedef struct sc_fetch_limits {
  long connect_timeout_ms; /* 0 = 5000 */
  long total_timeout_ms;   /* 0 = 15000 */
  size_t max_bytes;        /* 0 = 1 MiB */
  long max_redirects;      /* 3 */
} sc_fetch_limits;

/* GETs url with libcurl: HTTPS only unless allow_http, the limits above; SC_ESTATUS with the
 * reason on any failure (DNS, TLS, timeout, HTTP status, size). */
int sc_fetch(const char *url, bool allow_http, const sc_fetch_limits *limits, sc_buf *body,
             sc_error *err);

/* Loads the document at url through src: local folder or file, home public/, cache (fresh
 * until the document's validUntil), then the network (stored in the cache). origin (may be
 * NULL; origin_size bytes) says where it came from, e.g. "cache, 3 min old". */
int sc_source_load(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                   char *origin, size_t origin_size, sc_error *err);

/* Status lists already verified and decoded, shared by the verifications of one process
 * (status_memo.c); thread-safe. An entry serves while its list is within validUntil and for at
 * most ttl seconds after it was read, so a re-published list is seen within ttl. */
typedef struct sc_status_memo sc_status_memo;

typedef struct sc_status_memo_view {
  char list_issuer[512];
  char purpose[32];
  char origin[300];
  unsigned value;
  bool in_range;
} sc_status_memo_view;

sc_status_memo *sc_status_memo_new(double ttl_seconds);
void sc_status_memo_free(sc_status_memo *memo);
/* True on a fresh entry for url; view then holds the bit at index and what the list said. */
bool sc_status_memo_read(sc_status_memo *memo, const char *url, int64_t clock, size_t index,
                         sc_status_memo_view *view);
void sc_status_memo_put(sc_status_memo *memo, const char *url, const char *list_issuer,
                        const char *purpose, const uint8_t *bits, size_t len, const char *origin,
                        int64_t valid_until);

typedef struct sc_verify_options {
  const sc_trust_list *trust;     /* NULL = nobody is trusted */
  int64_t now;                    /* the instant to judge the credential's validity at */
  int64_t clock;                  /* the real time, for status-list freshness and the cache
                                     (verify --at changes now, not this); 0 = now */
  const sc_status_source *status; /* NULL = status entries cannot be checked (exit 6) */
  sc_key_resolver resolver;       /* NULL = did:key only */
  void *resolver_ctx;
  /* Called once the proof verifies: SC_EINVALID (with the reason) when the key was retired
   * before the proof's created time (skillcert key retire). NULL = no key is retired. */
  int (*key_check)(void *ctx, const char *verification_method, const char *created, sc_error *err);
  void *key_check_ctx;
  sc_status_memo *memo; /* NULL = every list is read and verified each time */
  sc_key_cache *keys;   /* NULL = every public key is made afresh */
  /* serve: no status list is read or fetched for an issuer that is not on the trust list, so
   * a forged credential cannot make the service connect wherever its URLs point. */
  bool status_only_if_trusted;
  /* serve: status messages for a remote client. Where a list was found (a local path, the
   * cache) is left out, and a list that could not be loaded is said to be so without the
   * reason, which would be a path or the network's error text. */
  bool remote_messages;
} sc_verify_options;

/* Verifies a credential given as JSON text. Always fills result (free it with
 * sc_verification_free) and returns result->exit_code. */
int sc_verify_json(const char *data, size_t len, const char *source, const sc_verify_options *opts,
                   sc_verification *result);
/* The same for a credential the caller already parsed with sc_json_parse (strict intake is the
 * caller's promise); result takes its own reference. */
int sc_verify_value(json_t *credential, const char *source, const sc_verify_options *opts,
                    sc_verification *result);
/* Fills result as the report of an input that never became a credential: one failed "input"
 * check with err's code and message. */
void sc_verification_fail(sc_verification *result, const char *source, const sc_error *err);
void sc_verification_free(sc_verification *result);

/* ---------------------------------------------------------------- status checks (status_check.c)
 */

/* Checks every credentialStatus entry of credential (BitstringStatusListEntry, purposes
 * revocation and suspension): loads the list credential through opts->status, verifies its
 * proof, that its issuer is the credential's, its validity, its purpose, and reads the bit.
 * Records one "status" check in v: SC_EREVOKED, SC_ESUSPENDED, SC_ESTATUS (with the reason)
 * or passed. */
void sc_check_status(sc_verification *v, const json_t *credential, const sc_verify_options *opts);

/* ---------------------------------------------------------------- inputs (input*.c) */

typedef enum sc_input_kind {
  SC_INPUT_JSON,  /* a credential */
  SC_INPUT_PDF,   /* a certificate: its credential.json attachment */
  SC_INPUT_QR,    /* QR text or verification URL */
  SC_INPUT_IMAGE, /* PNG or JPEG photo/scan of a certificate or its QR code */
} sc_input_kind;

/* Tells by content (not by name) what bytes are. SC_EDATA when none of the above. */
int sc_input_sniff(const uint8_t *data, size_t len, sc_input_kind *kind, sc_error *err);
/* The exact bytes of the embedded file credential.json of a PDF. SC_EDATA "PDF has no
 * credential.json attachment" when there is none. */
int sc_pdf_extract_credential(const uint8_t *pdf, size_t len, sc_buf *json, sc_error *err);
/* The text of the first QR code found in a PNG or JPEG image (zbar). */
int sc_image_read_qr(const uint8_t *image, size_t len, sc_buf *text, sc_error *err);
/* Turns any input into credential JSON text: JSON as is, a PDF's attachment, a QR payload
 * decoded (link mode: loaded through opts->status from <base>/c/<uuid>.json), an image's QR
 * code. describe (describe_size bytes; may be NULL) says what it was, e.g. "PDF certificate",
 * cut with "..." when it does not fit. */
int sc_input_to_credential(const uint8_t *data, size_t len, const sc_verify_options *opts,
                           sc_buf *json, char *describe, size_t describe_size, sc_error *err);

/* verify --report (report_csv.c): RFC 4180 CSV, CRLF line ends, every field quoted; columns
 * input, verdict, exit code, recipient, achievement, issuer, reason. Cells that would start a
 * spreadsheet formula get a leading apostrophe. SC_EIO when writing fails. */
void sc_report_csv_header(FILE *out);
int sc_report_csv_row(FILE *out, const char *input, const sc_verification *v, sc_error *err);

/* Fills summary with pointers into credential. */
void sc_credential_summarize(const json_t *credential, sc_credential_summary *summary);

/* The one-word verdict of an exit code: "VALID", "INVALID", "REVOKED" … */
const char *sc_verdict_word(int exit_code);

/* Human report: the verdict line first, then one line per check. input (may be NULL) is
 * named at the start of the verdict line, "INPUT: VALID — …", for reports of several inputs. */
void sc_report_text(const sc_verification *result, const char *input, FILE *out);
/* One JSON object shaped like the VC API verify response (docs/verify.md). */
int sc_report_json(const sc_verification *result, FILE *out, sc_error *err);
/* That report as a JSON object (a new reference), or NULL when memory ran out. */
json_t *sc_report_object(const sc_verification *result);

/* ---------------------------------------------------------------- HTTP service (http_*.c) */

/* `skillcert serve` (docs/serve.md): the page behind every QR code, the W3C VC API, and the
 * issuer's public/ folder. The route handler is a plain function of a request (no sockets),
 * so tests and the fuzz target drive it directly; http_server.c puts libmicrohttpd around it. */

#define SC_HTTP_MAX_BODY ((size_t)1 << 20)   /* JSON bodies: a credential is ~2 KB */
#define SC_HTTP_MAX_UPLOAD ((size_t)8 << 20) /* POST /verify: a certificate PDF */

/* Signs a credential for POST /credentials/issue. request is the body's "credential" object,
 * options its "options" (may be NULL). On success *signed is the signed credential (owned by
 * the caller). SC_EUSAGE / SC_EDATA: the request is wrong (400, with the reason); anything
 * else is the server's problem (500). Called from several threads at once. */
typedef int (*sc_http_issue_fn)(void *ctx, const json_t *request, const json_t *options,
                                json_t **signed_credential, sc_error *err);

typedef struct sc_http_config {
  const sc_trust_list *trust;     /* NULL = nobody trusted */
  const sc_status_source *status; /* where status lists and link-mode credentials come from */
  const char *public_dir;         /* the published folder served as static files; NULL = none */
  const char *base_url;           /* how clients reach us, for links ("https://verify.acme") */
  const char *issue_token;        /* NULL = POST /credentials/issue is off (404) */
  const char *did_doc;            /* --did-doc: the document of did:web issuers (NULL = fetch) */
  const char *home_issuer;        /* --home: its issuer ... */
  const json_t *home_keys;        /* ... and skillcert.json keys, for did:web and retirements */
  sc_status_memo *memo;           /* verified status lists shared by the workers (may be NULL) */
  sc_key_cache *keys;             /* public keys made once, shared by the workers (may be NULL) */
  sc_http_issue_fn issue;
  void *issue_ctx;
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
  const char *if_none_match; /* NULL when absent */
  const uint8_t *body;       /* raw body (JSON routes) */
  size_t body_len;
  const char *form_qr;      /* POST /verify: the pasted QR text (form field "qr") */
  const uint8_t *form_file; /* POST /verify: the uploaded file (form field "file") */
  size_t form_file_len;
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
  bool no_body;             /* 304, HEAD */
  char etag[72];
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

/* ---------------------------------------------------------------- did:web and retired keys
 * (did_web.c, key_check.c; docs/keys.md) */

/* Resolves did:web verification methods (and did:key ones, as the default does). */
typedef struct sc_did_web {
  const char *doc_path;           /* --did-doc FILE: the document of any did:web DID asked for */
  const sc_status_source *source; /* else fetched from the did:web URL through this (cache,
                                     --offline, --allow-http, --status folders like public/) */
  int64_t now;
  const char *home_issuer; /* --home: a did:web issuer whose keys are known locally ... */
  const json_t *home_keys; /* ... from its skillcert.json "keys" (borrowed) */
  /* serve: documents are loaded only for DIDs on trust (the rest could point the service at
   * any host); such a DID's key then "could not be checked" (SC_ESTATUS), with a message
   * ending in SC_DID_WEB_NOT_TRUSTED. */
  bool only_trusted;
  const sc_trust_list *trust; /* NULL = nobody is trusted */
  json_t *doc;                /* the last document loaded (owned; sc_did_web_free) */
  char doc_did[512];
} sc_did_web;

/* How sc_did_web_resolve ends the message of a DID it would not load (only_trusted). */
#define SC_DID_WEB_NOT_TRUSTED "its DID document is not loaded: the issuer is not on the trust list"

/* "did:web:acme.example" → "https://acme.example/.well-known/did.json";
 * "did:web:acme.example%3A8443:u:a" → "https://acme.example:8443/u/a/did.json". */
int sc_did_web_url(const char *did, char *url, size_t size, sc_error *err);
/* An sc_key_resolver; ctx is an sc_did_web. */
int sc_did_web_resolve(void *ctx, const char *verification_method,
                       uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err);
/* The verification method object vm names in its DID document (borrowed from r), after the
 * document's id, the method's type (Multikey), controller and assertionMethod listing are
 * checked; NULL with the reason in err. */
const json_t *sc_did_web_method(sc_did_web *r, const char *vm, sc_error *err);
void sc_did_web_free(sc_did_web *r);

/* Where key retirements are read from, for sc_key_check. */
typedef struct sc_key_check_ctx {
  sc_did_web *did_web;        /* "revoked" of did:web verification methods (may be NULL) */
  const sc_trust_list *trust; /* retiredAfter of trust list ids (may be NULL) */
  const char *home_issuer;    /* --home: its issuer id ... */
  const json_t *home_keys;    /* ... and skillcert.json keys[].retiredAfter (may be NULL) */
} sc_key_check_ctx;

/* The sc_verify_options key_check hook: SC_EINVALID "key … was retired on …; this proof was
 * made after that" when any source retires the key at or before the proof's created time
 * (the earliest retirement counts); ctx is an sc_key_check_ctx. */
int sc_key_check(void *ctx, const char *verification_method, const char *created, sc_error *err);

#endif
