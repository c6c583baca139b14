/* service/http_internal.h — what the files of the HTTP service share (not a public API). */
#ifndef SKILLCERT_HTTP_INTERNAL_H
#define SKILLCERT_HTTP_INTERNAL_H

#include "service/service.h"

#define HTTP_JSON "application/json"
#define HTTP_HTML "text/html; charset=utf-8"
#define HTTP_TEXT "text/plain; charset=utf-8"

/* Sets status, type and a copy of text as the body (an empty body when memory runs out). */
void http_answer(sc_http_response *res, int status, const char *type, const char *text);
/* Sets res->etag to a strong ETag of the body; answers 304 without a body when the request's
 * If-None-Match names it. */
void http_apply_etag(const sc_http_request *req, sc_http_response *res);
/* Appends text HTML-escaped: & < > " ' as entities; the C0 and C1 control characters
 * (U+0000–U+001F, U+007F–U+009F), the line and paragraph separators (U+2028, U+2029) and the
 * bidi embedding/override/isolate characters (U+202A–U+202E, U+2066–U+2069) as U+FFFD, so a
 * name cannot break or reorder the text around it. False when out of memory. */
bool http_escape(sc_buf *out, const char *text);

/* The page's inline style (one <style> element; its SHA-256 is in the CSP). */
const char *http_page_style(void);

/* http_page.c: the verdict page for v (reason: why there is no credential, when v has none). */
void http_page_verdict(const sc_http_config *cfg, const sc_http_request *req,
                       const sc_verification *v, int status, sc_http_response *res);
/* The page to paste a QR text or upload a file. */
void http_page_home(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res);
/* http_logo.c: the logo of the home's template that issued credential (PNG bytes into png):
 * only for the home's own credentials (issuer == cfg->home_issuer), found by the achievement's
 * badge image (<publicUrl>/badges/<template>.png). False when there is none. */
bool http_issuer_logo(const sc_http_config *cfg, const json_t *credential, sc_buf *png);
/* The reader's language: ?lang= when skillcert speaks it, else the best of Accept-Language,
 * else English. */
const char *http_request_lang(const sc_http_request *req);
/* The text of object[key] in lang (a plain string or a VC 2.0 language map); NULL when none. */
#define sc_cred_text(object, key, lang) sc_json_text(json_object_get((object), (key)), (lang))
/* A short HTML error page (404, 405, 413 …): title and text (msgids, marked N_) in req's
 * language (req NULL: English). */
void http_page_error(const sc_http_request *req, int status, const char *title, const char *text,
                     sc_http_response *res);

/* http_claim.c: GET /claim/<token> (the learner's page) and its downloads
 * /claim/<token>/certificate.pdf, /credential.json, /badge.png (docs/claim.md). */
void http_claim_route(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res);
/* What the claim page shows besides the verdict (http_page.c). */
typedef struct http_claim_page {
  const char *path;        /* /claim/<token>: where the downloads are */
  const char *verify_path; /* /C/<uuid>: the public page, LinkedIn's certUrl */
  bool pdf, badge;         /* the downloads there are (the JSON always is) */
  const char *wallet_html; /* the "Add to a wallet" section, "" = none */
} http_claim_page;
void http_page_claim(const sc_http_config *cfg, const sc_http_request *req,
                     const sc_verification *v, const http_claim_page *claim, sc_http_response *res);
/* http_wallet_section.c: the claim page's "Add to a wallet" section for credential_id,
 * appended to html in lang (nothing when no wallet is offered). */
int sc_wallet_section_html(const sc_http_config *cfg, const char *credential_id, const char *lang,
                           int64_t now, sc_buf *html, sc_error *err);
/* http_limiter.c: the seconds client must wait before its next try (0: none), and a try that
 * missed. */
unsigned http_limiter_wait(sc_http_limiter *limiter, const char *client, int64_t now);
void http_limiter_miss(sc_http_limiter *limiter, const char *client, int64_t now);

/* http_static.c: GET of a file under cfg->public_dir; false when path is not a public route. */
bool http_static_route(const char *path);
void http_static_serve(const sc_http_config *cfg, const sc_http_request *req,
                       sc_http_response *res);
/* Reads <public_dir>/<relative> when it resolves (symlinks too) to a regular file inside
 * public_dir. SC_ENOINPUT when missing or outside; SC_EDATA when over max bytes. */
int http_public_read(const char *public_dir, const char *relative, size_t max, sc_buf *out,
                     sc_error *err);

/* http_api.c: the W3C VC API routes (verify here, issue in http_vc_issue.c, presentations in
 * http_presentations.c) and the learner shortcut POST /certificates. */
void http_api_verify(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res);
void http_api_issue(const sc_http_config *cfg, const sc_http_request *req, sc_http_response *res);
void http_api_presentations(const sc_http_config *cfg, const sc_http_request *req,
                            sc_http_response *res);
void http_api_certificates(const sc_http_config *cfg, const sc_http_request *req,
                           sc_http_response *res);
/* What the API routes share. Answers doc (taken) as JSON with status (500 when NULL). */
void http_answer_json(sc_http_response *res, int status, json_t *doc);
/* A verify route's answer to a request it could not read: {"verified": false, "errors": […]}. */
void http_request_error(sc_http_response *res, int status, const char *message);
/* The body as a strict JSON object (*body, the caller's) holding an object under key
 * (*member, borrowed from it); SC_EDATA saying what was expected. */
int http_read_body(const sc_http_request *req, const char *key, json_t **body,
                   const json_t **member, sc_error *err);
/* A valid "Authorization: Bearer <the issue token>". */
bool http_authorized(const sc_http_config *cfg, const sc_http_request *req);
/* options (may be NULL) and its "checks" as sc_verify_check bits (0 = all); SC_EDATA naming
 * what is wrong. */
int http_verify_checks(const json_t *options, unsigned *checks, sc_error *err);
/* Verifies one credential as POST /credentials/verify does (trust a warning unless
 * cfg->require_trust; with checks, only those reported): its report (a new reference, NULL
 * when out of memory) and the verdict's exit code. */
json_t *http_verify_credential(const sc_http_config *cfg, int64_t now, json_t *credential,
                               const char *source, unsigned checks, int *exit_code);

/* http_issue.c: signs the credential a POST /certificates body asks for. credential is
 * the body's "credential" object, options its "options" (may be NULL). On success *signed is
 * the signed credential (the caller's). SC_EUSAGE / SC_EDATA: the request is wrong (400, with
 * the reason); anything else is the server's problem. Called from several threads at once. */
int http_issue_credential(const sc_http_config *cfg, const json_t *credential, const json_t *options,
                          json_t **signed_credential, sc_error *err);

/* http_registry_pool.c: a registry handle of home for one request, from pool when it has one
 * (pool may be NULL: a new handle), and back after the request, whose result rc decides
 * whether the handle is kept. */
int http_registry_take(sc_http_registry_pool *pool, const sc_home *home, sc_registry **reg,
                       sc_error *err);
void http_registry_give(sc_http_registry_pool *pool, sc_registry *reg, int rc);

/* http_verify.c: the verification behind the pages: any input → v (always filled). */
void http_verify_input(const sc_http_config *cfg, int64_t now, const uint8_t *data, size_t len,
                       const char *source, sc_verification *v);
/* Link mode: the credential published as public/c/<uuid>.json. */
void http_verify_link(const sc_http_config *cfg, int64_t now, const char *uuid, sc_verification *v);
/* Embedded payload of a /V/ URL. */
void http_verify_payload(const sc_http_config *cfg, int64_t now, const char *payload,
                         sc_verification *v);
/* v holds a credential that could be read (whatever its verdict): not a 64–70 stop, such as
 * JSON that is not a credential. */
bool http_readable(const sc_verification *v);
/* The HTTP status of a verdict page: 200 when readable, 404 when there is nothing at the
 * address, else 400. */
int http_page_status(const sc_verification *v);
/* Rewrites v's check messages for an answer to the network: no local folder (public/ is
 * "public") and no fetch error text of a DID document or linked credential (a neutral
 * sentence instead). Status messages come without origins already (remote_messages). */
void http_scrub_messages(const sc_http_config *cfg, sc_verification *v);
/* The options of one verification. The did:web resolver keeps the document it loaded, so each
 * request gets its own (the workers run at once); the status-list memo is shared. */
typedef struct http_verifier {
  sc_verify_options opts;
  sc_status_source status; /* cfg->status with this request's fetch deadline */
  sc_did_web did_web;
  sc_key_check_ctx key_check;
} http_verifier;

/* hv must not move while its opts are used: they point into it. */
void http_verifier_init(http_verifier *hv, const sc_http_config *cfg, int64_t now);
void http_verifier_free(http_verifier *hv);

/* ---------------------------------------------------------------- wallets (docs/wallets.md) */

/* http_wallet_section.c: appends the claim page's "Add to a wallet" section for credential_id
 * (a new LCW exchange and OpenID4VCI offer, each as a link and a QR code drawn as inline SVG,
 * which the page's CSP allows). Nothing is appended when cfg has no wallets. */
int sc_wallet_section_html(const sc_http_config *cfg, const char *credential_id, const char *lang,
                           int64_t now, sc_buf *html, sc_error *err);
/* Appends text's QR code as an inline <svg> (title: its accessible name). */
int http_qr_svg(const char *text, const char *title, sc_buf *html, sc_error *err);

/* http_jwt.c: an OpenID4VCI proof JWT checked (typ, alg EdDSA, kid a did:key verification
 * method, its signature, aud == audience, iat within minutes of now, a nonce): the DID of its
 * key and its nonce (for the caller to match against the c_nonce it gave). SC_EINVALID saying
 * what is wrong. */
typedef struct http_proof {
  char did[128];
  char nonce[64];
} http_proof;
int http_proof_jwt_check(const char *jwt, const char *audience, int64_t now, http_proof *out,
                         sc_error *err);

/* http_wallet_common.c: what the wallet routes share. */
/* Are the wallet routes on (--wallets, with a home and its key)? */
bool http_wallets_on(const sc_http_config *cfg);
/* The service's domain (the host of base_url), which a DIDAuth proof must name. */
void http_wallet_domain(const sc_http_config *cfg, char *out, size_t size);
/* The seconds req's client must wait before it may try a wallet route again (answer 429 with
 * Retry-After): 0 unless it failed SC_HTTP_WALLET_FAILURES_PER_MINUTE times this minute
 * (cfg->wallet_limiter). */
unsigned http_wallet_rate_wait(const sc_http_config *cfg, const sc_http_request *req);
/* Counts res as a failed try of req's client when it is a 4xx answer (429 aside). */
void http_wallet_rate_count(const sc_http_config *cfg, const sc_http_request *req,
                            const sc_http_response *res);
/* Runs fn on the home's registry under the issuer's lock and, when signing, the home's lock
 * (the same order as POST /credentials/issue), so a re-issue and a CLI command never
 * interleave. */
int http_wallet_locked(const sc_http_config *cfg, bool signing,
                       int (*fn)(void *ctx, sc_registry *reg, sc_error *err), void *ctx,
                       sc_error *err);
/* An OAuth-style JSON error {"error": code, "error_description": text} with status. */
void http_oauth_error(sc_http_response *res, int status, const char *code, const char *text);
/* An OpenID4VCI route that spends a secret (token, credential): 429 "slow_down" with
 * Retry-After while req's client is held back, else answer(), a failed answer counted; never
 * cached. */
typedef void http_route_fn(const sc_http_config *cfg, const sc_http_request *req,
                           sc_http_response *res);
void http_oid4vci_limited(const sc_http_config *cfg, const sc_http_request *req,
                          sc_http_response *res, http_route_fn *answer);

/* The routes: POST /exchanges/<id> (http_wallet_exchange.c); GET
 * /.well-known/openid-credential-issuer and /.well-known/oauth-authorization-server
 * (http_oid4vci_metadata.c); POST /oid4vci/token (http_oid4vci_token.c); POST
 * /oid4vci/credential (http_oid4vci_credential.c). */
void http_wallet_exchange(const sc_http_config *cfg, const sc_http_request *req,
                          sc_http_response *res);
void http_oid4vci_issuer_metadata(const sc_http_config *cfg, const sc_http_request *req,
                                  sc_http_response *res);
void http_oid4vci_server_metadata(const sc_http_config *cfg, const sc_http_request *req,
                                  sc_http_response *res);
void http_oid4vci_token(const sc_http_config *cfg, const sc_http_request *req,
                        sc_http_response *res);
void http_oid4vci_credential(const sc_http_config *cfg, const sc_http_request *req,
                             sc_http_response *res);
/* POST /oid4vci/nonce (http_oid4vci_nonce.c); and a new c_nonce for credential (NULL: any),
 * recorded, into out. */
void http_oid4vci_nonce(const sc_http_config *cfg, const sc_http_request *req,
                        sc_http_response *res);
int http_oid4vci_new_nonce(const sc_http_config *cfg, const char *credential, int64_t now,
                           char out[SC_AT_LEAST(SC_WALLET_SECRET_SIZE)], sc_error *err);

#endif
