/*
 * issuer/issuer.h — the issuer's side: its home folder, credential assembly and issuance.
 */
#ifndef SKILLCERT_ISSUER_H
#define SKILLCERT_ISSUER_H

#include <limits.h>

#include "core/core.h"
#include "keys/keys.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* ---------------------------------------------------------------- the home (home.c) */

#define SC_HOME_CONFIG "skillcert.json"

typedef struct sc_home_init_options {
  const char *name;       /* issuer display name, required */
  const char *url;        /* issuer web site, https, required */
  const char *verify_url; /* base of the QR code URLs; NULL = url */
  const char *public_url; /* where public/ will be served; NULL = url */
  const char *did_web;    /* "acme.example[:path:segments]": the issuer is did:web:<this>;
                             NULL = the first key's did:key */
  const sc_passphrase_source *passphrase;
  const char *key_uri; /* a pkcs11: URI: the first key is that key in a token (made there when
                          it holds none) instead of keys/signing-key-1.pem */
  const char *proofs; /* "both", "rdfc" or "jcs" (skillcert.json "proofs"); NULL = both */
  bool suspension;    /* give credentials a suspension status entry too */
  const char *qr;     /* "auto", "embed" or "link" (skillcert.json "qr"); NULL = not written */
} sc_home_init_options;

#define SC_DEFAULT_TEMPLATE "ai-fundamentals" /* a home whose config names none */

/* What a certificate's QR code holds (docs/qr-payload.md "Choosing the mode"): --qr, the
 * template's "qr": {"mode"}, the home's skillcert.json "qr", in that order; AUTO when none. */
typedef enum sc_qr_mode {
  SC_QR_MODE_UNSET = 0,
  SC_QR_MODE_AUTO,  /* embedded when its modules are at least SC_QR_EMBED_MIN_MODULE_MM */
  SC_QR_MODE_EMBED, /* always the credential (any version up to 40) */
  SC_QR_MODE_LINK,  /* always the link */
} sc_qr_mode;

typedef struct sc_home {
  char root[PATH_MAX];
  json_t *config;        /* skillcert.json */
  const char *issuer_id; /* borrowed from config */
  const char *issuer_name;
  const char *issuer_url;
  const char *verify_url;
  const char *public_url;       /* where public/ is served: status lists, key documents */
  const char *default_template; /* "defaultTemplate", else SC_DEFAULT_TEMPLATE: what `issue`
                                   renders with when given no --template or --achievement */
  const char *registry;         /* "registry": a postgresql:// URI of a shared registry;
                                   NULL = <root>/registry.db (docs/registry.md) */
  char key_path[PATH_MAX];      /* the current signing key: its file, or (keys[].key) the
                                   pkcs11: URI of a key in a token */
  const char *key_did;          /* its did:key */
  sc_qr_mode qr_mode;           /* skillcert.json "qr"; UNSET when absent */
} sc_home;

/* Creates the home in dir (which must not exist or be empty) with a new signing key. The
 * passphrase is read before anything is created; on failure, what this call created is
 * removed again. */
int sc_home_init(const char *dir, const sc_home_init_options *opts, sc_error *err);
/* Finds the home: dir when given, else the nearest folder upward from the current one that
 * holds skillcert.json, then $SKILLCERT_HOME. */
int sc_home_open(const char *dir, sc_home *home, sc_error *err);
void sc_home_close(sc_home *home);
/* Path of a file inside the home ("out", "x.json" → "<root>/out/x.json") into out (size
 * bytes); SC_ECANTCREAT when it does not fit. */
int sc_home_path(const sc_home *home, const char *sub, const char *name, char *out, size_t size,
                 sc_error *err);
/* linked_pdf.c: where `mail --pdf link` publishes id's PDF (<root>/public/pdf/<uuid>.pdf), and
 * its withdrawal once the credential is revoked or suspended: SC_OK with *removed false when
 * there is no such file, SC_EIO naming the path when it cannot be removed. */
int sc_linked_pdf_path(const sc_home *home, const char *id, char *out, size_t size,
                       sc_error *err);
int sc_linked_pdf_withdraw(const sc_home *home, const char *id, bool *removed, sc_error *err);
/* Is the current signing key in a PKCS#11 token (key_path a pkcs11: URI)? */
bool sc_home_key_in_token(const sc_home *home);
/* Loads the current signing key, asking for the passphrase when the file is encrypted; a key
 * in a token is opened there (the PIN as keys.h says), and signs there. */
int sc_home_load_key(const sc_home *home, const sc_passphrase_source *src, EVP_PKEY **key,
                     sc_error *err);
/* The verification method credentials are signed with: "did:key:X#X" for a did:key issuer,
 * "did:web:…#X" for a did:web issuer, X being the current key's Multikey. NULL when out of
 * memory. */
char *sc_home_verification_method(const sc_home *home);
/* Writes home->config to skillcert.json atomically. The borrowed fields of home may point
 * into values a caller replaced: re-open the home after saving a change. */
int sc_home_save_config(const sc_home *home, sc_error *err);
/* Saves a new key as <root>/<key_file> (mode 0600), encrypted with passphrase, or
 * unencrypted when it is NULL. */
int sc_home_save_new_key(const char *root, EVP_PKEY *key, const char *passphrase,
                         const char *key_file, sc_error *err);
/* Which proofs the home signs with (skillcert.json "proofs"; issue_sign.c). */
typedef enum sc_home_proof_set { SC_PROOFS_BOTH, SC_PROOFS_RDFC, SC_PROOFS_JCS } sc_home_proof_set;
/* Reads "proofs": "both" (the default: eddsa-rdfc-2022 then eddsa-jcs-2022), "rdfc" or "jcs";
 * SC_ECONFIG naming the file for anything else. */
int sc_home_proofs(const sc_home *home, sc_home_proof_set *out, sc_error *err);
/* Does the home give credentials a suspension status entry (skillcert.json "suspension":
 * true)? By default a credential carries one credentialStatus object, for revocation: the
 * Open Badges 3.0 schema allows one. */
bool sc_home_suspension(const sc_home *home);
/* Signs credential (without a proof) with the home's key: the proofs asked for, created at
 * created (NULL = now), the home's verification method. */
int sc_issue_sign(const sc_home *home, EVP_PKEY *key, json_t *credential, sc_home_proof_set proofs,
                  const char *created, sc_error *err);
/* The same with a signer of the home's key set up once by the calling thread (a batch worker
 * signs thousands of credentials with one) and, for a batch, the table of shapes its workers
 * share (may be NULL: core/jsonld_shape.c). */
int sc_issue_sign_with(const sc_home *home, sc_signer *signer, sc_jsonld_shapes *shapes,
                       json_t *credential, sc_home_proof_set proofs, const char *created,
                       sc_error *err);

/* "acme.example[:seg…]" is a did:web method-specific id skillcert can publish: a lower-case
 * host name (a port as %3A<digits>), then path segments of letters, digits, '.', '-', '_'. */
int sc_did_web_check(const char *id, sc_error *err);

/* ---------------------------------------------------------------- key rotation (home_keys.c) */

/* Generates keys/signing-key-N.pem, appends it to skillcert.json's keys and makes it current;
 * a did:key issuer takes the new key's did:key as its id. The current key must open first
 * (SC_EPERM for a wrong passphrase, nothing written); the new key is encrypted with the same
 * passphrase, or not at all with src->none. new_did (a new string) is the key's
 * did:key. The caller re-opens the home afterwards. */
int sc_home_rotate_key(sc_home *home, const sc_passphrase_source *src, char **new_did,
                       sc_error *err);
/* The same, the new key being the one the pkcs11: URI names in a token (made there when the
 * token holds none); skillcert.json lists it as {"did", "key": uri, "created"}. SC_EUSAGE when
 * the home already lists that key. */
int sc_home_rotate_key_to(sc_home *home, const sc_passphrase_source *src, const char *uri,
                          char **new_did, sc_error *err);
/* Writes the Ed25519 private key in file (opened with src's passphrase when encrypted) into
 * the token under uri. A key the home lists (*moved) keeps its place and names the URI instead
 * of its file (the file is left alone: remove it, or keep it offline); another key becomes the
 * current one as with rotation (the current key must open first). did: the key's did:key. */
int sc_home_import_key(sc_home *home, const char *file, const sc_passphrase_source *src,
                       const char *uri, char **did, bool *moved, sc_error *err);
/* Index in skillcert.json keys of the key named by ref: its did:key, its Multikey, or its
 * file ("keys/signing-key-1.pem" or "signing-key-1.pem"); SC_EUSAGE when none matches. */
int sc_home_find_key(const sc_home *home, const char *ref, size_t *index, sc_error *err);
/* Parses a retirement date: a date-time with zone, or YYYY-MM-DD (00:00:00Z of that day);
 * out receives it as "YYYY-MM-DDThh:mm:ssZ". */
int sc_retirement_parse(const char *text, char out[SC_AT_LEAST(SC_TIME_SIZE)], sc_error *err);
/* Marks key ref retired after date (keys[i].retiredAfter, and retiredReason when reason is
 * given). Refuses the current key: rotate first. The caller re-opens the home. */
int sc_home_retire_key(sc_home *home, const char *ref, const char *date, const char *reason,
                       sc_error *err);

/* ---------------------------------------------------------------- text intake (text.c) */

/* NFC-normalises UTF-8 text (a new string). SC_EDATA naming field when the text is not
 * valid UTF-8 or holds U+0000. */
char *sc_text_nfc(const char *text, size_t len, const char *field, sc_error *err);
/* Replaces every string inside value with its NFC form, in place. */
int sc_json_nfc(json_t *value, const char *field, sc_error *err);

/* How long a learner's values may be, in characters: a certificate line and a registry row,
 * not a document. Roster validation and `issue`'s flags refuse longer values. */
#define SC_MAX_NAME_CHARS 256
#define SC_MAX_EMAIL_CHARS 254 /* RFC 5321's limit for an address */
#define SC_MAX_ID_CHARS 256
#define SC_MAX_DID_CHARS 2048
/* SC_OK when text is valid UTF-8 without control characters (U+0000-U+001F, U+007F-U+009F)
 * and at most max_chars characters (0: no limit); otherwise SC_EDATA "FIELD: not valid UTF-8
 * text (byte N)", "FIELD: contains a control character (U+000A) at column 4" (columns count
 * characters from 1) or "FIELD: longer than N characters", for the first problem found. */
int sc_text_check(const char *text, const char *field, size_t max_chars, sc_error *err);
/* sc_text_check for a person's name (rosters, `issue --name`, the VC API), the one place for
 * these rules: also refused are the bidi embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) and U+2028/U+2029 ("FIELD: contains a bidi control (U+202E) at column 5,
 * which would reorder the text around it"), and a non-empty name with no letter (Unicode
 * category L*), i.e. made only of spaces such as U+00A0, invisible characters such as
 * U+200B-U+200D, U+2060, U+FEFF, or combining marks ("FIELD: has no visible letter ..."). */
int sc_name_check(const char *text, const char *field, size_t max_chars, sc_error *err);
/* A copy of text[0..len) with each byte that is not part of valid UTF-8 replaced by U+FFFD,
 * so that stored text from before the checks can still be shown; NULL when out of memory. */
char *sc_text_repair_utf8(const char *text, size_t len);

/* ---------------------------------------------------------------- achievements (achievement.c) */

/* Checks an Open Badges 3.0 Achievement object: id (a URI), type containing "Achievement",
 * name, description, criteria (with id or narrative); errors name the file and field. */
int sc_achievement_check(const json_t *achievement, const char *source, sc_error *err);
/* Loads, NFC-normalises and checks an achievement JSON file. */
int sc_achievement_load(const char *path, json_t **out, sc_error *err);
/* The file a roster's achievement value names, confined to the issuer home (docs/roster.md):
 * a template name ("responsible-ai": its achievement.json, found as --template finds it), or
 * a .json file in HOME/achievements/ ("ai-201.json", "2026/ai-201.json"), or an absolute path
 * into HOME/achievements/ or HOME/templates/. Whatever it resolves to (symbolic links
 * followed) must lie in one of those folders; out (PATH_MAX) gets the real path. SC_EDATA
 * otherwise, quoting only value: a file outside is never opened, nor is its existence told. */
int sc_achievement_locate(const sc_home *home, const char *value, char *out, sc_error *err);

/* ---------------------------------------------------------------- credentials (credential_build.c)
 */

typedef struct sc_recipient {
  const char *name;  /* display name as given (NFC-normalised here) */
  const char *email; /* stored only as a salted SHA-256 */
  const char *did;   /* optional: the learner's own DID */
} sc_recipient;

/* What the checks of sc_credential_build call the fields they refuse: the command-line flags
 * for `issue`, the JSON members for the VC API (whose clients never saw a flag). */
typedef struct sc_issue_fields {
  const char *name, *email, *did, *valid_until;
} sc_issue_fields;
extern const sc_issue_fields sc_issue_flag_names; /* "--name", "--email", "--did", ... */
extern const sc_issue_fields sc_issue_json_names; /* "credential.credentialSubject.name", ... */

typedef struct sc_issue_request {
  const sc_issue_fields *fields; /* names in error messages; NULL = sc_issue_flag_names */
  sc_recipient recipient;
  const json_t *achievement; /* checked Achievement */
  const char *valid_until;   /* NULL, "YYYY-MM-DD" (end of that day, UTC) or a date-time */
  int64_t now;               /* validFrom, seconds since the epoch */
  const char *learner_id;    /* the provider's id for the learner; NULL for one-off issues */
  int64_t status_list;       /* the status-list slot reserved for this credential */
  int64_t status_index;
  const char *language; /* the PDF's language (roster column "language"); NULL = the
                           template's */
  /* The issuer Profile a batch's credentials share (sc_credential_issuer, embedded by
   * reference like the achievement); NULL: made for this credential. */
  const json_t *issuer;
} sc_issue_request;

/* An expiry as people write it: "YYYY-MM-DD" (the end of that day, UTC) or a date-time with
 * a time zone, after now. SC_EDATA "'31/12/2099' is not a date (YYYY-MM-DD) or a date-time
 * ..." or "2020-01-01 is not in the future"; callers prefix the field. */
int sc_valid_until_parse(const char *text, int64_t now, int64_t *until, sc_error *err);
/* Builds the unsigned OpenBadgeCredential. */
json_t *sc_credential_build(const sc_home *home, const sc_issue_request *req, sc_error *err);
/* The credential's issuer: the home's Profile (id, type, name, url), a new object; NULL when
 * out of memory. */
json_t *sc_credential_issuer(const sc_home *home);
/* A plausible e-mail address: one @, a dot in the domain, no spaces or quotes. */
bool sc_is_email(const char *email);
/* The recipient's e-mail as an OB 3.0 identity hash: "sha256$" + hex(SHA-256(email + salt)),
 * with the address trimmed and lower-cased first, into out (SC_EMAIL_HASH_SIZE bytes). */
#define SC_EMAIL_HASH_SIZE 72 /* "sha256$" + 64 hex digits + NUL */
int sc_email_hash(const char *email, const char *salt, char out[SC_AT_LEAST(SC_EMAIL_HASH_SIZE)],
                  sc_error *err);

/* ---------------------------------------------------------------- registry (registry*.c) */

/* The issuance state in <home>/registry.db (SQLite, WAL, foreign keys on): every credential
 * issued, every status change, and the status-list indexes handed out. Schema and migrations:
 * docs/registry.md. One sc_registry per thread. */
typedef struct sc_registry sc_registry;

#define SC_STATUS_LIST_SIZE 131072 /* entries per status list (Bitstring Status List minimum) */

int sc_registry_open(const sc_home *home, sc_registry **out, sc_error *err);
void sc_registry_close(sc_registry *reg);
/* For a handle kept open between uses (serve's pool, service/http_registry_pool.c):
 * sc_registry_ping asks the database a cheap question — SC_OK when the connection still
 * answers and the schema is the one this skillcert opened (another version may have migrated
 * it since). sc_registry_settle makes a used handle like a new one: statements reset (no read
 * snapshot kept: a later use sees what others wrote meanwhile), its status-list lease let go,
 * the current list looked up again on the next issue; true when the handle may be kept (no
 * transaction open, nothing reserved), false when it must be closed. */
int sc_registry_ping(sc_registry *reg, sc_error *err);
bool sc_registry_settle(sc_registry *reg);
int sc_registry_begin(sc_registry *reg, sc_error *err); /* BEGIN IMMEDIATE: a write */
/* A write that only inserts credentials (a batch's chunk): on PostgreSQL it takes no global
 * lock, since indexes come from leased lists; on SQLite the same as sc_registry_begin. */
int sc_registry_begin_issue(sc_registry *reg, sc_error *err);
/* A read-only transaction: everything read until commit comes from one snapshot. */
int sc_registry_begin_read(sc_registry *reg, sc_error *err);
int sc_registry_commit(sc_registry *reg, sc_error *err);
void sc_registry_rollback(sc_registry *reg);
/* Commits that return before they are durable, for a batch whose writers make them durable
 * before anything depends on them (docs/registry.md, "Deferred durability"). On SQLite the
 * handle commits with synchronous = NORMAL (the WAL is written, not synced) and *log is a new
 * read-only descriptor of the WAL file: its fdatasync, or a syncfs of its filesystem, makes
 * every commit so far durable (sc_file_group_sync_also). On PostgreSQL, or when the WAL cannot
 * be opened, commits stay durable and *log is -1. sc_registry_durable_commits ends it: commits
 * are synced again (synchronous = FULL), the WAL is synced once more and *log closed. */
int sc_registry_defer_durability(sc_registry *reg, int *log, sc_error *err);
int sc_registry_durable_commits(sc_registry *reg, int *log, sc_error *err);
/* The path of the log *log opens, for messages, while commits are deferred; else NULL. */
const char *sc_registry_log_path(const sc_registry *reg);

/* What is recorded when a credential is issued. Strings may be NULL where marked. */
typedef struct sc_issued_record {
  const char *id;         /* urn:uuid:… */
  const char *learner_id; /* provider's learner id; NULL for one-off issues */
  const char *achievement_id;
  const char *recipient_name;
  const char *email_hash; /* sha256$… as in the credential */
  int64_t status_list;
  int64_t status_index;
  const char *issued_at;            /* validFrom */
  const char *valid_until;          /* NULL */
  const char *template_name;        /* NULL */
  const char *json_path, *pdf_path; /* pdf_path NULL */
  const char *qr_text;              /* NULL */
  const char *credential_json;      /* the exact file bytes; its SHA-256 is stored too */
  const char *language;             /* the PDF's language when the roster named one; NULL */
  const char *reissued_from;        /* a copy re-issued to a wallet: its original's id; NULL */
} sc_issued_record;

/* Inserts the credential and its "issued" event. SC_EUSAGE when the idempotency key
 * (learner id + achievement id) was used already. */
int sc_registry_insert(sc_registry *reg, const sc_issued_record *rec, sc_error *err);
/* A batch's dictionary (registry_dictionaries.c; docs/registry.md "Packed credentials"): each
 * chunk offers its first credential; unless the handle has a dictionary already, every
 * credential reg inserts from now on is stored compressed against text[0..len), which is
 * stored once, in the transaction of the first of them. When that transaction rolls back the
 * dictionary goes with it and the next offer is taken. Dropped: credentials are stored on
 * their own again (the end of a batch). */
int sc_registry_offer_dictionary(sc_registry *reg, const char *text, size_t len, sc_error *err);
void sc_registry_drop_dictionary(sc_registry *reg);
/* The credential row (a JSON object of its columns, without the credential text) for id
 * ("urn:uuid:…" or the bare UUID), or for learner + achievement. *row is NULL when none. */
int sc_registry_get(sc_registry *reg, const char *id, json_t **row, sc_error *err);
int sc_registry_find(sc_registry *reg, const char *learner_id, const char *achievement_id,
                     json_t **row, sc_error *err);
/* The stored credential text of id (a new string), or NULL with err set. */
/* *any false: no credential of this achievement is recorded (true: there may be one). */
int sc_registry_achievement_issued(sc_registry *reg, const char *achievement_iri, bool *any,
                                   sc_error *err);
/* Whether a credential with exactly this id (compared as given: another issuer's URL ids are
 * no UUIDs) is recorded. */
int sc_registry_id_taken(sc_registry *reg, const char *id, bool *taken, sc_error *err);
char *sc_registry_credential_text(sc_registry *reg, const char *id, sc_error *err);
/* The events of id, oldest first (array of {kind, reason, at}). */
int sc_registry_events(sc_registry *reg, const char *id, json_t **events, sc_error *err);

typedef struct sc_registry_filter {
  const char *achievement_id; /* NULL = any */
  bool by_status;             /* only credentials in status; false = any */
  sc_status status;
  const char *name_contains; /* NULL = any */
  const char *learner_id;    /* NULL = any */
} sc_registry_filter;

/* Calls each(row) for every matching credential in issue order; stops when it returns
 * non-zero (that code is returned). */
int sc_registry_each(sc_registry *reg, const sc_registry_filter *filter,
                     int (*each)(void *ctx, const json_t *row), void *ctx, sc_error *err);

/* Status changes (registry_status.c): SC_CHANGE_REVOKE (from active or suspended; final),
 * SC_CHANGE_SUSPEND (from active), SC_CHANGE_REINSTATE (from suspended). Records the event
 * with its reason and time and updates the credential's status in one transaction; SC_EUSAGE
 * naming the current status when the change is not allowed, SC_EDATA when there is no such
 * credential. list_out (may be NULL) gets the credential's status list, so the caller can
 * publish it. */
int sc_registry_change_status(sc_registry *reg, const char *id, sc_status_change change,
                              const char *reason, int64_t list_out[1], sc_error *err);
/* The ids of id's family, which a status change changes together (docs/wallets.md): its
 * original and the original's copies re-issued to wallets, in issue order (array of strings;
 * empty when there is no such credential). */
int sc_registry_family(sc_registry *reg, const char *id, json_t **ids, sc_error *err);
/* Whether a credential in status may undergo change. */
bool sc_status_change_allowed(sc_status_change change, sc_status status);
/* The bitstring (SC_STATUS_LIST_SIZE / 8 bytes, zeroed by the caller) of list for purpose:
 * the revoked credentials' bits for revocation, the suspended ones' for suspension. */
int sc_registry_status_bits(sc_registry *reg, int64_t list, sc_purpose purpose, uint8_t *bits,
                            sc_error *err);
/* Every status list id, ascending (array of integers). */
int sc_registry_lists(sc_registry *reg, json_t **lists, sc_error *err);
/* A list's generation (bumped in the same transaction as every issuance and status change on
 * it) and the generation its published files were made from. SC_EDATA for an unknown list. */
int sc_registry_list_generation(sc_registry *reg, int64_t list, int64_t *generation,
                                int64_t *published, sc_error *err);
/* Records that list was published from generation (never lowering what is recorded). */
int sc_registry_mark_published(sc_registry *reg, int64_t list, int64_t generation, sc_error *err);

/* Reserves a random status-list index no credential has and nobody else reserved through this
 * registry handle; a new list begins when one fills. Released by insert or by
 * sc_registry_release_index. */
int sc_registry_reserve_index(sc_registry *reg, int64_t *list, int64_t *index, sc_error *err);
void sc_registry_release_index(sc_registry *reg, int64_t list, int64_t index);

/* `skillcert mail`'s send log (registry_mailings.c, the mailings table; docs/mail.md). */
typedef enum sc_mail_state {
  SC_MAIL_NONE,
  SC_MAIL_QUEUED,
  SC_MAIL_SENT,
  SC_MAIL_FAILED
} sc_mail_state;
typedef struct sc_mailing {
  sc_mail_state state; /* NONE: never mailed */
  int attempts;        /* sends tried, over every run */
  char answer[512];    /* the server's last answer ("550 5.1.1 no such user"); "" = none */
} sc_mailing;
const char *sc_mail_state_name(sc_mail_state state); /* "queued", "sent", "failed" */
/* The credential's row of the send log (state NONE when there is none). */
int sc_registry_mailing_get(sc_registry *reg, const char *id, sc_mailing *out, sc_error *err);
/* Records m for the credential (replacing its row) at now, in its own transaction. */
int sc_registry_mailing_put(sc_registry *reg, const char *id, const sc_mailing *m, int64_t now,
                            sc_error *err);

/* ---------------------------------------------------------------- LinkedIn (linkedin.c) */

/* What LinkedIn's "add certification" link carries (the verification page's and the mail's). */
typedef struct sc_linkedin_cert {
  const char *name, *organization; /* the achievement and its issuer */
  const char *issued, *expires;    /* validFrom, validUntil: year and month; NULL = left out */
  const char *cert_url;            /* the verification page; NULL = left out */
  const char *cert_id;             /* the credential's id */
} sc_linkedin_cert;
/* Appends https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&… for c, every
 * value URL-encoded, to url. False when out of memory. */
bool sc_linkedin_url(sc_buf *url, const sc_linkedin_cert *c);

/* ---------------------------------------------------------------- claim links
 * (claim.c, registry_claims.c; docs/claim.md) */

/* A learner's claim link <base>/claim/<token> opens their certificate's page on `serve`. The
 * token is 32 random bytes as base64url (43 characters); the registry keeps only its SHA-256. */
#define SC_CLAIM_TOKEN_LEN 43
#define SC_CLAIM_DEFAULT_DAYS 90
#define SC_CLAIM_MAX_DAYS 3650

typedef enum sc_claim_via { SC_CLAIM_VIA_MAIL, SC_CLAIM_VIA_LINK } sc_claim_via;

/* How many days a new claim link works: skillcert.json "claim": {"days": N} (1 to
 * SC_CLAIM_MAX_DAYS), else SC_CLAIM_DEFAULT_DAYS. SC_ECONFIG naming the setting otherwise. */
int sc_claim_days(const sc_home *home, int *days, sc_error *err);
/* Whether text has a token's form (43 base64url characters): anything else opens nothing and
 * is not looked up. */
bool sc_claim_token_form(const char *text);
/* base + "/claim/" + token (one slash between), a new string; NULL when out of memory. */
char *sc_claim_url(const char *base, const char *token);
/* Makes a token for credential id ("urn:uuid:…" or the bare UUID) that works until expires
 * (Unix seconds): only its hash is recorded. With replace, the credential's live tokens made
 * the same way (via) are revoked in the same transaction (mail --resend). SC_EDATA when there
 * is no such credential. token receives the 43 characters and a NUL: the caller's secret. */
int sc_registry_claim_create(sc_registry *reg, const char *id, sc_claim_via via, bool replace,
                             int64_t now, int64_t expires, char token[SC_CLAIM_TOKEN_LEN + 1],
                             sc_error *err);
/* Revokes every live token of credential id; *count (may be NULL) says how many. */
int sc_registry_claim_revoke(sc_registry *reg, const char *id, int64_t now, size_t *count,
                             sc_error *err);
/* Revokes one token; *found says whether it was live. */
int sc_registry_claim_revoke_token(sc_registry *reg, const char *token, int64_t now, bool *found,
                                   sc_error *err);
/* The credential id (id, size bytes) a live token opens: known, not revoked, not expired at
 * now. SC_ENOINPUT, one message for all three cases, when it opens none. */
int sc_registry_claim_find(sc_registry *reg, const char *token, int64_t now, char *id, size_t size,
                           sc_error *err);

/* ---------------------------------------------------------------- certificate e-mails
 * (mail_message.c, mail_smtp.c; docs/mail.md) */

typedef struct sc_mail_attachment {
  const char *filename;     /* plain ASCII: "certificate.pdf" */
  const char *content_type; /* "application/pdf" */
  const void *data;
  size_t len;
} sc_mail_attachment;

typedef struct sc_mail_message {
  const char *from_name, *from_addr; /* from_name ({issuer}) may be NULL */
  const char *to_name, *to_addr;     /* to_name: {name} */
  /* subject, text and html hold placeholders (sc_mail_placeholders: {name}, {achievement}, …)
   * that sc_mail_build fills in from the fields of this message, in one pass (a value is
   * never read for placeholders), HTML-escaped in html. A line of text or html using a
   * placeholder whose value is NULL is left out (docs/templates.md "E-mail texts"). */
  const char *subject;     /* UTF-8; encoded-words in the header when not ASCII */
  const char *text, *html; /* the two alternatives, UTF-8 */
  const char *language;    /* Content-Language; NULL = none */
  const char *achievement, *credential_id;
  const char *verify_url;   /* the verification page; NULL = none */
  const char *linkedin_url; /* LinkedIn's "add certification" link */
  const char *pdf_url;      /* the PDF when linked (mail --pdf link); NULL = attached or none */
  const char *claim_url;    /* the learner's claim page (docs/claim.md); NULL = none (its lines
                               left out) */
  const sc_mail_attachment *attachments;
  size_t attachment_count;
  int64_t date;          /* seconds since the epoch */
} sc_mail_message;

/* Appends the message (CRLF lines) to out: multipart/mixed with a multipart/alternative of the
 * text and HTML, then the attachments, all base64; From, To, Subject, Date, Message-ID
 * (<uuid@sender's domain>). SC_EUSAGE for a sender that is no address, SC_EDATA for a
 * recipient, a name or subject with a control character (which could end the header). */
int sc_mail_build(const sc_mail_message *m, sc_buf *out, sc_error *err);

/* The placeholders of e-mail texts, without braces: "name", "achievement", "issuer",
 * "credential_id", "verify_url", "linkedin_url", "claim_url", "pdf_url"; ends with NULL. */
extern const char *const sc_mail_placeholders[];
/* SC_EDATA naming where and the placeholder when text uses a "{word}" that is none of them. */
int sc_mail_placeholders_check(const char *text, const char *where, sc_error *err);
/* Appends text with its placeholders filled in from m (HTML-escaped when html), lines ending in
 * CRLF. With lines, a line using a placeholder whose value is NULL is left out, and so is a
 * blank line that would then follow another. */
int sc_mail_expand(const char *text, const sc_mail_message *m, bool html, bool lines,
                   sc_buf *out, sc_error *err);

/* A template's e-mail texts in one language (mail_texts.c, the template's mail.json). */
typedef struct sc_mail_texts {
  char *subject, *text, *html; /* with placeholders; NULL when the template has no mail.json */
  char language[8];            /* the language of the entry used */
} sc_mail_texts;
/* Reads template_dir/mail.json, checking every language's entry, and gives the entry for
 * language, else template_language, else English, else the file's first. No mail.json: SC_OK
 * with out's texts NULL (the built-in texts apply). */
int sc_mail_texts_load(const char *template_dir, const char *language,
                       const char *template_language, sc_mail_texts *out, sc_error *err);
void sc_mail_texts_free(sc_mail_texts *t);

/* How one SMTP delivery ended (mail_smtp.c). */
typedef enum sc_smtp_outcome {
  SC_SMTP_SENT,      /* the server accepted the message (250 after DATA) */
  SC_SMTP_TEMPORARY, /* 4xx, or the connection failed or dropped: worth another try */
  SC_SMTP_PERMANENT, /* 5xx: the server refused; trying again would not help */
} sc_smtp_outcome;

typedef struct sc_smtp_config {
  const char *url;       /* smtp://host:port (STARTTLS when starttls) or smtps://host:port */
  bool starttls;         /* require STARTTLS on smtp:// */
  const char *auth_file; /* "user\npassword\n", mode 0600; NULL = no authentication */
  const char *ca_file;   /* a CA bundle for the server's certificate; NULL = the system's */
  long timeout;          /* seconds for one delivery; 0 = 60 */
} sc_smtp_config;

/* Sends message (as sc_mail_build made it) from from_addr to to_addr. SC_OK with *outcome and
 * answer (size bytes) holding the server's last reply line ("550 5.1.1 <x>: no such user")
 * or, when the connection failed, what failed; an error only for a configuration problem (an
 * auth file readable by others, not readable, a URL libcurl refuses). */
int sc_smtp_send(const sc_smtp_config *cfg, const char *from_addr, const char *to_addr,
                 const sc_buf *message, sc_smtp_outcome *outcome, char *answer, size_t size,
                 sc_error *err);

/* ---------------------------------------------------------------- templates (template.c) */

/* A certificate design: a folder with template.json (layout, docs/templates.md) and
 * achievement.json (the Open Badges 3.0 Achievement it certifies), plus its assets. */
typedef struct sc_template sc_template;

/* The achievement's image (badge_image.c): the template's badge at
 * <publicUrl>/badges/<template>.<png|svg> (a new string, NULL when the template has none). */
char *sc_badge_image_url(const sc_home *home, const sc_template *tpl);
/* achievement with that image: a new reference to achievement itself when it names its own
 * image or the template has no badge, else to a copy with "image" added (NULL, err set, when
 * memory ran out). A batch makes it once and shares it between its credentials. */
json_t *sc_achievement_with_image(const sc_home *home, const sc_template *tpl,
                                  const json_t *achievement, sc_error *err);
/* Gives the credential's achievement that image, unless it names one itself. */
int sc_add_badge_image(const sc_home *home, const sc_template *tpl, json_t *credential,
                       sc_error *err);
/* Copies the template's badge to public/badges/, when it is missing or changed there. */
int sc_publish_badge_image(const sc_home *home, const sc_template *tpl, sc_error *err);

/* The learner's Open Badge (badge_render.c): the template's badge image (template.json
 * "badge", else its logo) with text — the signed credential's JSON, credential parsed — baked
 * in, as an SVG (svg) or a PNG. A PNG badge image gives an SVG too, drawn around it. */
int sc_badge_render(const sc_template *tpl, const json_t *credential, const char *text, bool svg,
                    sc_buf *out, sc_error *err);

/* Finds template NAME: <home>/templates/NAME, then the shipped templates
 * ($SKILLCERT_TEMPLATES, else <prefix>/share/skillcert/templates, else ./templates). home may
 * be NULL. dir_out (dir_size bytes) receives its folder; a folder too long for it is skipped. */
int sc_template_find(const sc_home *home, const char *name, char *dir_out, size_t dir_size,
                     sc_error *err);
/* The existing folders that hold templates, in search order (at most max). */
size_t sc_template_search_path(const sc_home *home, char dirs[][PATH_MAX], size_t max);
int sc_template_load(const char *dir, sc_template **out, sc_error *err);
/* Copies the shipped templates into <home_root>/templates/, giving each achievement an id under
 * issuer_url (template_copy.c). */
int sc_templates_install(const char *home_root, const char *issuer_url, sc_error *err);
const char *sc_template_name(const sc_template *tpl);
const char *sc_template_language(const sc_template *tpl); /* "language", else English */
const json_t *sc_template_achievement(const sc_template *tpl); /* checked, NFC */
/* The layout's problems (template_check.c): text boxes that overlap each other, a rule (a thin
 * shape, a frame's line), the logo, the QR code and its URL, or straddle a band's edge, and
 * boxes that leave the page. Calls problem once per problem, a sentence naming the blocks
 * ("text[3] \"{{recipient.name}}\" overlaps shapes[2] (a rule) by 2.1 mm"); returns how many. */
size_t sc_template_check_layout(const sc_template *tpl,
                                void (*problem)(void *ctx, const char *sentence), void *ctx);
void sc_template_free(sc_template *tpl);

/* ---------------------------------------------------------------- PDF certificates (pdf_*.c) */

/* Holds what is expensive to load (fonts) across documents. Not thread-safe: one per worker. */
typedef struct sc_pdf_renderer sc_pdf_renderer;

sc_pdf_renderer *sc_pdf_renderer_new(sc_error *err);
void sc_pdf_renderer_free(sc_pdf_renderer *renderer);
/* SC_OK when text is valid UTF-8 without control characters (sc_text_check) and the fonts can
 * draw every character of it; otherwise SC_EDATA naming field and the problem, or the first
 * character that cannot be drawn (U+XXXX). */
int sc_pdf_check_text(sc_pdf_renderer *renderer, const char *text, const char *field,
                      sc_error *err);

typedef struct sc_certificate {
  const json_t *credential;    /* the signed credential (what the page shows) */
  const char *credential_json; /* its exact file bytes, attached as credential.json */
  size_t credential_json_len;
  const char *qr_text;         /* what the QR code holds */
  const struct sc_qr_code *qr; /* qr_text already encoded (sc_qr_text_for), or NULL */
  const char *verify_url;      /* the home's; printed and linked under the QR code as
                                  <verify_url>/C/<uuid>; NULL (offline): neither */
  const char *language;        /* the words' and dates' language ("id"); NULL = the
                                  template's "language", else English */
} sc_certificate;

/* Renders the certificate; the same inputs give byte-identical output. */
int sc_pdf_render(sc_pdf_renderer *renderer, const sc_template *tpl, const sc_certificate *cert,
                  sc_buf *pdf, sc_error *err);

/* ---------------------------------------------------------------- QR codes (qr.c) */

#define SC_QR_MAX_VERSION 40 /* the largest QR code there is (--qr embed) */


/* The smallest printed module (millimetres) at which embedded codes decoded as reliably as
 * link-mode codes in the photo suite (tests/photo, docs/qr-scanning.md). */
#define SC_QR_EMBED_MIN_MODULE_MM 0.75f

/* "auto", "embed" or "link"; SC_EDATA for anything else. */
int sc_qr_mode_parse(const char *text, sc_qr_mode *mode);
const char *sc_qr_mode_name(sc_qr_mode mode);
/* The largest QR version whose modules stay at least SC_QR_EMBED_MIN_MODULE_MM on a code
 * size_mm wide (quiet zone included); 0 when none does. */
int sc_qr_auto_max_version(float size_mm);
float sc_template_qr_size(const sc_template *tpl);   /* mm, with its quiet zone; NULL: 50 */
sc_qr_mode sc_template_qr_mode(const sc_template *tpl); /* "qr": {"mode"}; UNSET when absent */
/* The mode in force: cli, else the template's, else the home's, else AUTO (tpl, home may be
 * NULL). */
sc_qr_mode sc_qr_mode_resolve(sc_qr_mode cli, const sc_template *tpl,
                              const sc_home *home);

typedef struct sc_qr_code {
  int version;
  int width;              /* modules per side, without the quiet zone */
  unsigned char *modules; /* width * width, 1 = dark */
} sc_qr_code;

/* Encodes text (QR alphanumeric where possible) at error-correction level M. SC_EDATA when it
 * would need a version above max_version. */
int sc_qr_make(const char *text, int max_version, sc_qr_code *out, sc_error *err);
void sc_qr_free(sc_qr_code *qr);
/* The text for a credential's QR code printed size_mm wide in mode (UNSET = AUTO): the
 * embedded payload or the link-mode URL; *link_mode says which. SC_EDATA when embed mode
 * asks for a credential that no QR code holds. */
int sc_qr_text_for(const json_t *credential, const char *verify_url, sc_qr_mode mode,
                   float size_mm, char **text, bool *link_mode, sc_qr_code *qr, sc_error *err);
/* The same for the credential the registry holds under id (the registry keeps no QR text: it is
 * made again from the credential, exactly as when it was issued with mode and size_mm). */
int sc_qr_text_of_stored(sc_registry *reg, const char *id, const char *verify_url,
                         sc_qr_mode mode, float size_mm, char **text, sc_error *err);

/* ---------------------------------------------------------------- the queue (registry_jobs.c)
 * Roster rows waiting in the registry for `skillcert worker` (docs/registry.md "The queue"). */
typedef struct sc_queued_row {
  const char *learner_id, *achievement; /* the key: the learner and the achievement's IRI */
  const char *achievement_file;         /* the roster's achievement file; NULL = template's */
  const char *template_name, *name, *email, *did, *valid_until, *language, *roster;
  size_t line;
  bool look_up; /* taken: its credential may be in the registry already (registry_jobs.c) */
} sc_queued_row;

/* After queueing many rows: the database's statistics of the queue brought up to date. */
int sc_registry_queue_analyze(sc_registry *reg, sc_error *err);

/* Publishing's lock across machines (PostgreSQL: a session advisory lock; SQLite: none, the
 * home's .publish.lock suffices), taken by sc_publish_lists after the home's. */
int sc_registry_publish_lock(sc_registry *reg, sc_error *err);
void sc_registry_publish_unlock(sc_registry *reg);
/* True when several processes may share the registry (PostgreSQL): the queue needs it. */
bool sc_registry_is_shared(const sc_registry *reg);
/* Adds row to the queue unless a job with its key is there (*added false). In a transaction. */
int sc_registry_queue(sc_registry *reg, const sc_queued_row *row, bool *added, sc_error *err);
/* A worker's number, new and never reused, held (PostgreSQL session advisory lock) as long as
 * the connection lives: jobs taken under a number nobody holds go back to the queue. SQLite:
 * refused (a queue needs several processes on one registry). */
int sc_registry_worker_join(sc_registry *reg, int64_t *worker, sc_error *err);
/* Takes up to max queued jobs of template (FOR UPDATE SKIP LOCKED), and those taken by a
 * worker that is gone; each is passed to each() (its strings valid during the call). */
int sc_registry_take_jobs(sc_registry *reg, int64_t worker, const char *template_name, size_t max,
                          int (*each)(void *ctx, const sc_queued_row *row), void *ctx,
                          size_t *taken, sc_error *err);
/* Marks worker's taken jobs done, with their credential's id; those without one (refused rows)
 * 'refused'. */
int sc_registry_jobs_finish(sc_registry *reg, int64_t worker, size_t *done, sc_error *err);
typedef struct sc_queue_counts {
  int64_t queued, taken, done, refused;
} sc_queue_counts;
int sc_registry_queue_counts(sc_registry *reg, sc_queue_counts *counts, sc_error *err);

/* ---------------------------------------------------------------- rosters (roster.c) */

/* One learner of a roster. Strings are borrowed from the reader until the next row. */
typedef struct sc_roster_row {
  size_t line; /* line of the row in the file (first line = 1) */
  const char *name, *email, *id, *did, *valid_until, *achievement;
  const char *language; /* the certificate's language ("id"); NULL or "" = the template's */
  /* Set by a caller that knows the registry holds no credential for (id, achievement), as a
   * worker does from its take: the batch then skips its look-up. */
  bool known_unissued;
} sc_roster_row;

typedef struct sc_roster sc_roster;

typedef struct sc_roster_options {
  const char *const *maps; /* "column=field" renames (--map) */
  size_t map_count;
  const sc_home *home; /* where the achievement column may point (sc_achievement_locate);
                          NULL: a roster may not name achievements */
} sc_roster_options;

/* Opens a CSV (RFC 4180, BOM allowed) or JSON Lines roster, told apart by content. Streams:
 * memory does not grow with the file. */
int sc_roster_open(const char *path, const sc_roster_options *opts, sc_roster **out, sc_error *err);
/* Next row into row: SC_OK with row->line != 0, or SC_OK with row->line == 0 at the end.
 * A malformed file is SC_EDATA "FILE:LINE: ..." */
int sc_roster_next(sc_roster *roster, sc_roster_row *row, sc_error *err);
void sc_roster_close(sc_roster *roster);

/* Called for each problem found while validating ("FILE:LINE: field: what is wrong"). */
typedef void (*sc_roster_report_fn)(void *ctx, const char *problem);
/* Extra per-row check (e.g. can the fonts draw the name): returns SC_OK or fills err. */
typedef int (*sc_roster_row_check_fn)(void *ctx, const sc_roster_row *row, sc_error *err);

typedef struct sc_roster_summary {
  size_t rows;
  size_t problems;
} sc_roster_summary;

/* Reads the whole roster and reports every problem: bad e-mail, empty name, unknown column,
 * duplicate id, invalid date, and whatever check adds. Returns SC_EDATA when any. */
int sc_roster_validate(const char *path, const sc_roster_options *opts,
                       sc_roster_row_check_fn check, sc_roster_report_fn report, void *ctx,
                       sc_roster_summary *summary, sc_error *err);

/* ---------------------------------------------------------------- issuance (issue.c) */

/* What every issue in a run shares. tpl and renderer are NULL when no PDF is wanted. */
typedef struct sc_issue_context {
  const sc_home *home;
  EVP_PKEY *key;
  const sc_template *tpl;
  sc_pdf_renderer *renderer;
  bool no_pdf; /* --no-pdf: tpl gives the achievement and badge image, but no PDF is made */
  sc_qr_mode qr_mode; /* --qr; UNSET: the template's, the home's, else auto */
  /* A signer of key for the one thread using this context (a batch worker's own), or NULL:
   * then each credential sets one up. */
  sc_signer *signer;
  /* A batch's shapes, shared by its workers: its credentials' canonical forms are filled in
   * from a template learnt from the first (core/jsonld_shape.c); NULL for one credential. */
  sc_jsonld_shapes *shapes;
} sc_issue_context;

/* Whether issuing makes a PDF: a template and not --no-pdf. */
bool sc_issue_makes_pdf(const sc_issue_context *ctx);

/* One credential, signed and rendered in memory, ready to be recorded and written. */
typedef struct sc_prepared {
  json_t *credential;
  char id[64];   /* urn:uuid:… */
  char uuid[37]; /* its bare UUID */
  sc_buf json;   /* the credential file's bytes */
  char *qr_text; /* NULL without a template */
  bool link_mode;
  sc_qr_code qr; /* the QR code of qr_text, made once */
  sc_buf pdf;    /* empty without a template */
  /* The files' paths (malloc'd: a batch holds thousands of these, and two PATH_MAX buffers
   * were 8 KB a job); pdf_path is NULL when no PDF is made. */
  char *json_path, *pdf_path;
  /* What the registry records besides the bytes, copied out of the signed credential, so that
   * sc_issue_record needs no tree and a batch's worker can let the tree go before the job
   * waits for the registry and the writers. valid_until is NULL when there is none. */
  char *achievement_id, *recipient_name, *email_hash, *issued_at, *valid_until;
} sc_prepared;

/* Builds, signs, and (with a template) computes the QR text and renders the PDF. */
int sc_issue_prepare(const sc_issue_context *ctx, const sc_issue_request *req, sc_prepared *out,
                     sc_error *err);
/* The same for a credential signed earlier (its exact file bytes): how a lost PDF comes back.
 * language: the one the registry recorded for it (NULL = the template's). */
int sc_issue_prepare_existing(const sc_issue_context *ctx, const char *json, size_t len,
                              const char *language, sc_prepared *out, sc_error *err);
/* Records p in the registry (req gives the learner id and status slot). */
int sc_issue_record(sc_registry *reg, const sc_issue_context *ctx, const sc_issue_request *req,
                    const sc_prepared *p, sc_error *err);
/* Writes out/<uuid>.json, out/<uuid>.pdf and, in link mode, public/c/<uuid>.json, each
 * atomically (temporary name, fsync, rename). */
int sc_issue_write(const sc_issue_context *ctx, const sc_prepared *p, sc_error *err);
/* The same files staged into a group, to be committed with others (a batch's chunk). */
int sc_issue_stage(const sc_issue_context *ctx, const sc_prepared *p, sc_file_group *files,
                   sc_error *err);
void sc_prepared_free(sc_prepared *p);
/* The one sequence that issues a new credential (issue_one.c): reserves a status slot in reg,
 * prepares the credential (and with ctx->tpl its PDF), records it, writes its files and, with
 * publish, publishes the status list it took a slot in and the key document. The caller holds
 * the home's lock and has checked that the learner was not issued this achievement before. out
 * starts zeroed and is the caller's to free (sc_prepared_free), on failure too. */
int sc_issue_one(sc_registry *reg, const sc_issue_context *ctx, sc_issue_request *req, bool publish,
                 sc_prepared *out, sc_error *err);

/* Takes the home's issuance lock; fails at once with a clear message when another command
 * holds it. Returns a descriptor for sc_home_unlock. */
int sc_home_lock(const sc_home *home, int *fd, sc_error *err);
void sc_home_unlock(int fd);
/* Takes the home's publishing lock (<home>/.publish.lock), waiting while another publisher
 * holds it; sc_publish_lists takes it itself. Returns a descriptor for sc_home_publish_unlock. */
int sc_home_publish_lock(const sc_home *home, int *fd, sc_error *err);
void sc_home_publish_unlock(int fd);

/* ---------------------------------------------------------------- batches (batch.c) */

typedef struct sc_batch_options {
  const char *roster_path;
  sc_roster_options roster;
  int workers;          /* threads that sign and render; at least 1 */
  int64_t now;          /* validFrom for every credential of the run */
  const char *manifest; /* NULL = <home>/out/manifest.csv */
  /* A row this refuses (skillcert: a name no installed font can draw) is not issued; the
   * others are. NULL: none. The caller reports such rows (e.g. while validating). */
  sc_roster_row_check_fn refuse;
  void *refuse_ctx;
  /* Rows from elsewhere than roster_path (the queue: `skillcert worker`): each call gives the
   * next row, or one with line 0 at the end. roster_path still names them in messages. */
  int (*next_row)(void *ctx, sc_roster_row *row, sc_error *err);
  void *rows_ctx;
  /* Other processes write out/ at the same time (workers): no manifest is written, and
   * temporary files there are not removed, since they may be another process's. */
  bool shared_output;
  /* The registry to use, open, left open (a worker's, kept with its status-list lease from one
   * batch of jobs to the next); NULL: the batch opens the home's and closes it. */
  sc_registry *registry;
} sc_batch_options;

typedef struct sc_batch_progress {
  size_t done;     /* rows finished: issued, skipped, repaired or refused */
  size_t issued;   /* new credentials */
  size_t skipped;  /* issued by an earlier run, files intact */
  size_t repaired; /* issued earlier, files rewritten from the registry */
  size_t refused;  /* new rows opts->refuse refused: not issued */
  size_t recorded; /* new credentials committed to the registry; when a run stops early, those
                      beyond `issued` may lack their files until the next run repairs them */
  double seconds;
  /* The run's id ("20261205T001500Z"): <home>/out/runs/<run_id> lists the credential ids of
   * every row of the roster, one a line, for `mail --roster-run` (docs/mail.md); "" when none
   * was written (workers, or a run that stopped). */
  char run_id[40];
} sc_batch_progress;

typedef void (*sc_batch_progress_fn)(void *ctx, const sc_batch_progress *progress);

/* Issues a credential (and with ctx->tpl a PDF) for every roster row not issued before, with
 * opts->workers threads; commits to the registry in chunks; writes out/manifest.csv. The roster
 * must have been validated. ctx->renderer is ignored: each worker makes its own. */
int sc_batch_issue(const sc_issue_context *ctx, const sc_batch_options *opts,
                   sc_batch_progress_fn progress, void *progress_ctx, sc_batch_progress *final,
                   sc_error *err);

/* ---------------------------------------------------------------- status and publishing
 * (credential_status.c, publish.c) */

#define SC_STATUS_TTL_DEFAULT (24 * 3600) /* how long a published list stays valid */

/* "<publicUrl>/status/<list>/<purpose>" (a new string). */
char *sc_status_list_url(const sc_home *home, int64_t list, sc_purpose purpose);
/* Does credential's credentialStatus hold an entry of purpose? */
bool sc_credential_has_status_entry(const json_t *credential, sc_purpose purpose);
/* Adds the BitstringStatusListEntry of the slot: revocation, and suspension too when the home
 * has it (sc_home_suspension). */
int sc_credential_add_status(const sc_home *home, int64_t list, int64_t index, json_t *credential,
                             sc_error *err);

typedef struct sc_publish_options {
  int64_t now;
  int64_t ttl; /* seconds; 0 = skillcert.json statusTtl, else SC_STATUS_TTL_DEFAULT */
} sc_publish_options;

/* Writes public/status/<list>/<purpose> for each list given (all lists when count is 0): a
 * signed BitstringStatusListCredential per purpose, atomically. Takes the home's publishing
 * lock, reads every list from one registry snapshot, leaves a list whose published files were
 * made from a newer generation, and records the generation of those it writes (docs/status.md).
 * reg must not be inside a transaction. */
int sc_publish_lists(const sc_home *home, EVP_PKEY *key, sc_registry *reg, const int64_t *lists,
                     size_t count, const sc_publish_options *opts, sc_error *err);
/* Writes the issuer's public key document: public/issuer.json (did:key issuers) or
 * public/.well-known/did.json (did:web issuers), listing every key of skillcert.json as read
 * under the publishing lock (not home->config, which may be older). */
int sc_publish_key_document(const sc_home *home, sc_error *err);
/* Writes public/c/<uuid>.json from the registry for every credential that has none (those
 * issued before every credential was published); *written says how many. */
int sc_publish_credentials(const sc_home *home, sc_registry *reg, size_t *written, sc_error *err);

/* ---------------------------------------------------------------- credentials given whole
 * (issue_given.c: the VC API's POST /credentials/issue; docs/registry.md) */

typedef struct sc_given_options {
  sc_home_proof_set proofs; /* which proofs to sign with */
  bool status;              /* add the home's credentialStatus entries (a slot is taken anyway) */
  int64_t now;              /* the proofs' created time and, without a date, the issued time */
  const char *reissued_from; /* a copy re-issued to a wallet: its original's id (recorded as
                                such, sharing its status); NULL otherwise */
  const char *recipient_name, *email_hash; /* the registry's columns for it; NULL = the
                                              subject's name (else id) and "" */
} sc_given_options;

/* Issues a credential a client composed (already checked against the data model, its issuer
 * the home's, its id set): takes a status-list slot in reg (the registry needs one per
 * credential; with opts->status the credential also gets the entries), signs it (one proof
 * is left an object, two are an array), records it (no learner id; achievement id, recipient
 * name and e-mail hash as empty strings when the credential has none: docs/registry.md),
 * writes out/<name>.json and publishes the slot's status lists and the key document. The
 * caller holds the home's lock. SC_EUSAGE when the id was issued already. credential is
 * changed in place (status, proof). */
int sc_issue_given(sc_registry *reg, const sc_home *home, EVP_PKEY *key, json_t *credential,
                   const sc_given_options *opts, sc_error *err);

/* ---------------------------------------------------------------- wallets (registry_wallet.c,
 * wallet_offer.c, wallet_reissue.c; docs/wallets.md) */

/* The single-use secrets of the two wallet flows. The registry keeps only each secret's
 * SHA-256 (hex), so a copy of the database lets nobody claim a credential. */
typedef enum sc_wallet_kind {
  SC_WALLET_EXCHANGE, /* a VC-API exchange id (the Learner Credential Wallet's vc_request_url) */
  SC_WALLET_OFFER,    /* an OpenID4VCI pre-authorized code */
  SC_WALLET_TOKEN,    /* an OpenID4VCI access token */
  SC_WALLET_NONCE,    /* an OpenID4VCI c_nonce */
} sc_wallet_kind;

#define SC_WALLET_SECRET_SIZE 44  /* 32 random bytes, base64url: 43 characters + NUL */
#define SC_WALLET_MAX_ATTEMPTS 5  /* failed tries (wrong PIN, bad presentation) that burn a secret */
#define SC_WALLET_OFFER_TTL 900   /* seconds an exchange or offer stays valid by default */
#define SC_WALLET_TOKEN_TTL 300   /* seconds an access token and a c_nonce stay valid */

typedef struct sc_wallet_secret {
  sc_wallet_kind kind;
  char credential[128];  /* the credential it delivers */
  char challenge[SC_WALLET_SECRET_SIZE]; /* an exchange's challenge; "" otherwise */
  char tx_code_hash[72]; /* an offer's PIN, hashed with the code (sc_wallet_pin_hash); "" = none */
  int64_t expires_at;    /* seconds since the epoch */
  int64_t attempts;      /* failed tries so far */
  bool used;
} sc_wallet_secret;

/* A new random secret (32 bytes, base64url) into out. */
int sc_wallet_secret_new(char out[SC_AT_LEAST(SC_WALLET_SECRET_SIZE)], sc_error *err);
/* The stored form of a PIN: hex SHA-256 of "<code>:<pin>" (the code salts it: a 6-digit PIN
 * alone would be found from its hash in a moment). */
int sc_wallet_pin_hash(const char *code, const char *pin, char out[SC_AT_LEAST(72)],
                       sc_error *err);
/* Records s under secret (stored as its hash). */
int sc_registry_wallet_put(sc_registry *reg, const char *secret, const sc_wallet_secret *s,
                           sc_error *err);
/* The record of secret for kind; *found false when there is none. */
int sc_registry_wallet_get(sc_registry *reg, const char *secret, sc_wallet_kind kind,
                           sc_wallet_secret *out, bool *found, sc_error *err);
/* Marks secret used, atomically: *won is true for exactly one caller, and only while it is
 * open and not expired at now. */
int sc_registry_wallet_use(sc_registry *reg, const char *secret, sc_wallet_kind kind, int64_t now,
                           bool *won, sc_error *err);
/* Counts a failed try at secret; at SC_WALLET_MAX_ATTEMPTS it is used up. */
int sc_registry_wallet_failed(sc_registry *reg, const char *secret, sc_wallet_kind kind,
                              sc_error *err);
/* Forgets every secret that expired before now. */
int sc_registry_wallet_purge(sc_registry *reg, int64_t now, sc_error *err);
/* The original a copy was re-issued from, into out ("" when id is no copy). */
int sc_registry_reissued_from(sc_registry *reg, const char *id, char *out, size_t size,
                              sc_error *err);

/* What sc_wallet_offer_create made for one credential. */
typedef struct sc_wallet_offer {
  char *lcw_link;   /* https://lcw.app/request.html?issuer=…&vc_request_url=…&challenge=… */
  char *lcw_deep_link; /* the same as dccrequest://request?… */
  char *offer_uri;  /* openid-credential-offer://?credential_offer=… */
  char pin[8];      /* the PIN the offer needs (given or made), "" when none */
  int64_t expires_at;
} sc_wallet_offer;

typedef struct sc_wallet_offer_options {
  const char *base_url;     /* how wallets reach the service (https://verify.acme) */
  const char *issuer_name;  /* shown by the LCW ("issuer=") */
  bool pin;                 /* the OpenID4VCI offer needs a PIN (tx_code) */
  const char *pin_value;    /* that PIN (4 to 8 digits); NULL = a random 6-digit one */
  int64_t now;
  int64_t ttl;              /* seconds; 0 = SC_WALLET_OFFER_TTL */
} sc_wallet_offer_options;

/* Creates a Learner Credential Wallet exchange (VC API) and an OpenID4VCI pre-authorized offer
 * for credential_id, which must be an active credential of the registry (SC_EDATA naming it
 * otherwise), and forgets expired secrets. out is the caller's (sc_wallet_offer_free). */
int sc_wallet_offer_create(sc_registry *reg, const char *credential_id,
                           const sc_wallet_offer_options *opts, sc_wallet_offer *out,
                           sc_error *err);
void sc_wallet_offer_free(sc_wallet_offer *offer);

/* Re-issues the registry's credential original_id to holder_did (credentialSubject.id): a new
 * id, the same claims and status entries, signed now with key, recorded as a copy of the
 * original (reissued_from), written to out/<uuid>.json, and its status slot's list published.
 * SC_EUSAGE when the original is not active. The caller holds the home's lock. *out is the
 * signed copy (the caller's). */
int sc_wallet_reissue(sc_registry *reg, const sc_home *home, EVP_PKEY *key,
                      const char *original_id, const char *holder_did, int64_t now, json_t **out,
                      sc_error *err);

#endif
