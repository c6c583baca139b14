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
 * NULL, 256 bytes) says where it came from, e.g. "cache, 3 min old". */
int sc_source_load(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                   char *origin, sc_error *err);

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
 * code. describe (128 bytes) says what it was, e.g. "PDF certificate". */
int sc_input_to_credential(const uint8_t *data, size_t len, const sc_verify_options *opts,
                           sc_buf *json, char *describe, sc_error *err);

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
