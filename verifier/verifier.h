/*
 * verifier/verifier.h — the verification pipeline and its report.
 *
 * A verification runs named checks in order and keeps every result, so the report can say
 * what passed as well as what failed. Its exit code is the lowest non-zero verdict among
 * 1–6, or the 64–70 code that stopped it early (docs/design.md, "Verifying: pipeline and exit
 * codes").
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

typedef struct sc_fetch_gate sc_fetch_gate;

/* Where status lists (and link-mode credentials, did:web documents) come from
 * (status_source.c, fetch.c, cache.c). */
typedef struct sc_status_source {
  const char *local;       /* --status: a list credential file, or a folder laid out like public/ */
  /* --documents: a folder of documents by URL (status lists, DID documents, controller
   * documents, linked credentials), its documents.json mapping each URL to a file in it;
   * documents is that map, loaded by sc_source_documents_open. Tried before anything else. */
  const char *documents_dir;
  json_t *documents;
  const char *home_public; /* --home: that home's public/ folder ... */
  const char *home_url;    /* ... which is served at this URL (skillcert.json publicUrl) */
  bool offline;            /* --offline: only local folders and the cache */
  bool allow_http;         /* --allow-http: http:// URLs too (tests, intranets) */
  const char *cache_dir;   /* NULL = $XDG_CACHE_HOME/skillcert, else ~/.cache/skillcert */
  size_t cache_max_bytes;  /* the cache folder's documents together; 0 = SC_CACHE_MAX_BYTES */
  size_t cache_max_entries; /* and how many; 0 = SC_CACHE_MAX_ENTRIES */
  /* Every fetch of one verification (status lists, DID documents, a linked credential) ends
   * within one budget: sc_fetch_budget_start sets the deadline on the verification's copy. */
  long fetch_budget_ms;      /* 0 = SC_FETCH_BUDGET_MS */
  int64_t fetch_deadline_ms; /* sc_monotonic_ms() by which fetching stops; 0 = no budget */
  sc_fetch_gate *gate;       /* at most so many fetches at once per host (NULL = no limit) */
} sc_status_source;

#define SC_FETCH_BUDGET_MS 10000L
#define SC_FETCH_PER_HOST 2u
#define SC_CACHE_MAX_BYTES ((size_t)64 << 20)
#define SC_CACHE_MAX_ENTRIES ((size_t)1024)

/* Starts the fetch budget of one verification: fetch_deadline_ms = now + fetch_budget_ms. */
void sc_fetch_budget_start(sc_status_source *src);

typedef struct sc_fetch_limits {
  long connect_timeout_ms; /* 0 = 5000 */
  long total_timeout_ms;   /* 0 = 15000 */
  size_t max_bytes;        /* 0 = 1 MiB */
  long max_redirects;      /* 3 */
  int64_t deadline_ms;     /* sc_monotonic_ms() by which the fetch gives up; 0 = none */
  sc_fetch_gate *gate;     /* waited on (until the deadline) before connecting; may be NULL */
} sc_fetch_limits;

/* GETs url with libcurl: HTTPS only unless allow_http, the limits above; SC_ESTATUS with the
 * reason on any failure (DNS, TLS, timeout, HTTP status, size, the deadline passed). */
int sc_fetch(const char *url, bool allow_http, const sc_fetch_limits *limits, sc_buf *body,
             sc_error *err);

/* What a server said identifies the version it sent (RFC 9110 §8.8): its ETag and
 * Last-Modified, each "" when absent (or not printable ASCII, or too long to keep). */
#define SC_ETAG_MAX 256
typedef struct sc_fetch_validators {
  char etag[SC_ETAG_MAX];
  char last_modified[64];
} sc_fetch_validators;

/* sc_fetch, conditional: with known (may be NULL) set, asks If-None-Match: known->etag and
 * If-Modified-Since: known->last_modified; a 304 answer sets *not_modified and leaves body
 * empty (the caller reuses its copy). got (may be NULL) receives the answer's validators. */
int sc_fetch_conditional(const char *url, bool allow_http, const sc_fetch_limits *limits,
                         const sc_fetch_validators *known, sc_buf *body, sc_fetch_validators *got,
                         bool *not_modified, sc_error *err);

/* CLOCK_MONOTONIC in milliseconds: what fetch deadlines are measured in. */
int64_t sc_monotonic_ms(void);

/* A limit on concurrent fetches per host (host:port of the URL), shared by a process's
 * threads (fetch_gate.c). per_host 0 = SC_FETCH_PER_HOST; NULL when out of memory. */
sc_fetch_gate *sc_fetch_gate_new(unsigned per_host);
void sc_fetch_gate_free(sc_fetch_gate *gate);
/* Takes one of url's host's slots, waiting until deadline_ms (sc_monotonic_ms) for one to be
 * given back; SC_ESTATUS when none was in time. A NULL gate lets everything through. */
int sc_fetch_gate_enter(sc_fetch_gate *gate, const char *url, int64_t deadline_ms, sc_error *err);
void sc_fetch_gate_leave(sc_fetch_gate *gate, const char *url);

/* Loads the document at url through src: local folder or file, home public/, cache (fresh
 * until the document's validUntil), then the network. origin (may be NULL; origin_size bytes)
 * says where it came from, e.g. "cache, 3 min old", or SC_ORIGIN_NETWORK. */
/* Loads DIR/documents.json into src->documents (src->documents_dir = dir): an object whose
 * members map URLs to files of DIR (no "..", no absolute paths). SC_ENOINPUT / SC_EDATA naming
 * the file and the entry. */
int sc_source_documents_open(sc_status_source *src, const char *dir, sc_error *err);
int sc_source_load(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                   char *origin, size_t origin_size, sc_error *err);
#define SC_ORIGIN_NETWORK "network"
/* A stale cached copy the server confirmed unchanged (304 to If-None-Match/If-Modified-Since). */
#define SC_ORIGIN_NOT_MODIFIED "network, not modified since the cached copy"
/* Stores a document sc_source_load fetched (origin SC_ORIGIN_NETWORK) in the cache, once the
 * caller has checked it (a status list's proof, a DID document's id): nothing unchecked is
 * kept. A cached copy the server confirmed (SC_ORIGIN_NOT_MODIFIED) gets its fetch time
 * renewed instead. origin (256 bytes) becomes "network, not cached: …" when the cache could not take it. */
void sc_source_keep(const sc_status_source *src, const char *url, int64_t now, const sc_buf *body,
                    char *origin);
/* The same pair, keeping the validators (ETag, Last-Modified) a fetched document came with:
 * sc_source_load_tagged fills tags (empty unless fetched; may be NULL), sc_source_keep_tagged
 * stores them next to the cached copy once it is kept, so that the copy, when stale, is asked
 * for conditionally and a 304 reuses it (docs/status.md). */
int sc_source_load_tagged(const sc_status_source *src, const char *url, int64_t now, sc_buf *body,
                          char *origin, size_t origin_size, sc_fetch_validators *tags,
                          sc_error *err);
void sc_source_keep_tagged(const sc_status_source *src, const char *url, int64_t now,
                           const sc_buf *body, char *origin, const sc_fetch_validators *tags);

/* Status lists already verified and decoded, shared by the verifications of one process
 * (status_memo.c); thread-safe. An entry serves while its list is within validUntil and for at
 * most ttl seconds after it was read, so a re-published list is seen within ttl. */
typedef struct sc_status_memo sc_status_memo;

typedef struct sc_status_memo_view {
  char list_issuer[512];
  sc_purpose purpose;
  char origin[300];
  unsigned value;
  bool in_range;
} sc_status_memo_view;

#define SC_STATUS_MEMO_MAX_ENTRIES ((size_t)256)
#define SC_STATUS_MEMO_MAX_BYTES ((size_t)32 << 20)

sc_status_memo *sc_status_memo_new(double ttl_seconds);
/* At most max_entries lists of max_bytes together (0 = the defaults above); when a new one
 * would not fit, the least recently used make room. */
void sc_status_memo_limit(sc_status_memo *memo, size_t max_entries, size_t max_bytes);
/* How many entries there are, and (bytes, may be NULL) what they count against max_bytes. */
size_t sc_status_memo_count(sc_status_memo *memo, size_t *bytes);
void sc_status_memo_free(sc_status_memo *memo);
/* True on a fresh entry for url; view then holds the bit at index and what the list said. */
bool sc_status_memo_read(sc_status_memo *memo, const char *url, int64_t clock, size_t index,
                         sc_status_memo_view *view);
void sc_status_memo_put(sc_status_memo *memo, const char *url, const char *list_issuer,
                        sc_purpose purpose, const uint8_t *bits, size_t len, const char *origin,
                        int64_t valid_until);

/* The checks a caller can ask for (the VC API's options.checks); the intake checks
 * ("well-formed", "credential": the data model) always run. */
enum sc_verify_check {
  SC_VERIFY_PROOF = 1,    /* "proof", with "issuer" (whose key signed) and "context" */
  SC_VERIFY_STATUS = 2,   /* "status" */
  SC_VERIFY_VALIDITY = 4, /* "validity" */
  SC_VERIFY_TRUST = 8,    /* "trust" */
};

typedef struct sc_verify_options {
  /* The sc_verify_check bits to run; 0 = all. Status lists are fetched only on the issuer's
   * word, so asking for status without proof still verifies the proof (unreported). */
  unsigned checks;
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
   * a forged credential cannot make the service connect wherever its URLs point (whoever the
   * issuer, nothing is fetched for a credential whose proof did not verify with its key); and
   * a link-mode QR code's credential is read only from local copies, never fetched. */
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
/* The data-model rules the pipeline's "credential" check applies (VC 2.0 or VC 1.1, Open
 * Badges 3.0 when its type says so): @context, type, id, the validity dates, issuer,
 * credentialSubject. SC_EINVALID with the first problem, named by its field ("issuer: ...");
 * SC_OK when there is none. For issuers that check what they are about to sign. */
int sc_credential_content_check(const json_t *credential, sc_error *err);
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
  SC_INPUT_BADGE, /* an Open Badges 3.0 baked badge: PNG or SVG holding the credential */
} sc_input_kind;

/* Tells by content (not by name) what bytes are. SC_EDATA when none of the above. */
int sc_input_sniff(const uint8_t *data, size_t len, sc_input_kind *kind, sc_error *err);
/* The exact bytes of the embedded file credential.json of a PDF. SC_EDATA "PDF has no
 * credential.json attachment" when there is none. */
int sc_pdf_extract_credential(const uint8_t *pdf, size_t len, sc_buf *json, sc_error *err);
/* Whether pdf is a readable PDF with no credential.json attachment at all (as printing to PDF
 * again leaves it): verify then reads the credential from the page's QR code. */
bool sc_pdf_lacks_attachment(const uint8_t *pdf, size_t len);
/* The text of the first QR code found in a PNG or JPEG image (ZXing-C++, then zbar). */
int sc_image_read_qr(const uint8_t *image, size_t len, sc_buf *text, sc_error *err);
/* The same for pixels already decoded: 8-bit grey, width * height bytes row after row. step:
 * zbar looks at every step-th row and column; 1 (as for photos) finds the most, 2 halves the
 * time and is enough for a page rendered from a PDF, whose modules are sharp and 3 px wide. */
int sc_grey_read_qr(const unsigned char *pixels, unsigned width, unsigned height, unsigned step,
                    sc_buf *text, sc_error *err);
/* ZXing-C++ alone (zxing_qr.cc): the bytes of the first QR code in 8-bit grey pixels into text.
 * thorough: also rotations and harder binarization (photos). SC_OK; SC_EDATA when none is
 * found; SC_ESOFTWARE when out of memory. */
int sc_zxing_read_qr(const unsigned char *pixels, unsigned width, unsigned height, bool thorough,
                     sc_buf *text);

/* The UUID (lower case, uuid[37]) of the credential published in <public_dir>/c/ whose short
 * code (core/short_code.c) is code (published_code.c). SC_EDATA when code is not a code, or
 * names more than one; SC_ENOINPUT when none is published (or public_dir is NULL). */
int sc_published_find_code(const char *public_dir, const char *code, char uuid[37],
                           sc_error *err);

/* What the first page of a PDF shows (pdf_page.cc, poppler). Strings are UTF-8, "" when absent;
 * grey is NULL unless a resolution was asked for. */
typedef struct sc_pdf_page {
  char *text;          /* the page's text in reading order, as pdftotext gives it */
  char *text_drawn;    /* the same in the order it is drawn (pdftotext -raw) */
  char *creator;       /* document information /Creator ("skillcert" for skillcert's own PDFs) */
  char *producer;      /* /Producer */
  unsigned char *grey; /* the page rendered at dpi, 8-bit grey, width * height bytes */
  unsigned width, height;
} sc_pdf_page;

/* Reads the first page of pdf with poppler, rendering it at dpi (0 = text only). SC_EDATA
 * when poppler cannot read it; page is then empty. Free with sc_pdf_page_free. */
int sc_pdf_page_read(const uint8_t *pdf, size_t len, unsigned dpi, sc_pdf_page *page,
                     sc_error *err);
void sc_pdf_page_free(sc_pdf_page *page);
/* The text of the QR code on a rendered page (page_qr.c): the busy square areas first, then,
 * when none holds one, the whole page; step as for sc_grey_read_qr. */
int sc_page_read_qr(const sc_pdf_page *page, unsigned step, sc_buf *text, sc_error *err);

/* The "page" check of a PDF input (pdf_page_check.c, docs/verify.md "What the page shows"):
 * the name, the achievement and the QR code the page shows must be the credential's in v.
 * Does nothing unless data is a PDF and v holds a credential; records a failed check with
 * SC_EINVALID naming what disagrees. */
void sc_check_pdf_page(sc_verification *v, const uint8_t *data, size_t len);
/* Adds a check to v the way the pipeline's own checks are added (the verdict follows). */
void sc_verification_record(sc_verification *v, const char *name, sc_check_state state, int code,
                            const char *message);
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
/* The verdict line of sc_report_text alone: one line per input when many are verified. */
void sc_report_line(const sc_verification *result, const char *input, FILE *out);
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
