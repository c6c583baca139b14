/*
 * core/core.h — the public interface of skillcert's core library.
 *
 * Strict JSON intake, RFC 8785 canonical JSON, the encodings the standards use (base58btc,
 * base64url, base32, multibase, Multikey, did:key), Ed25519 and SHA-256 through OpenSSL,
 * Data Integrity eddsa-jcs-2022 proofs, times, identifiers and the error type.
 *
 * Conventions: a fallible function returns 0 on success or an sc_code on failure, and fills
 * the sc_error it was given (which may be NULL when the caller does not want the message).
 * Functions returning a pointer return NULL only when memory ran out; strings they return are
 * the caller's to free().
 */
#ifndef SKILLCERT_CORE_H
#define SKILLCERT_CORE_H

#include <jansson.h>
#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- errors (error.c) */

/* Error codes. The values below 64 are verification verdicts; the others follow sysexits.h so
 * that a command can exit with the code of the error that stopped it. */
enum sc_code {
  SC_OK = 0,
  SC_EINVALID = 1,    /* signature or content invalid */
  SC_EREVOKED = 2,    /* revoked */
  SC_ESUSPENDED = 3,  /* suspended */
  SC_EEXPIRED = 4,    /* expired or not yet valid */
  SC_EUNTRUSTED = 5,  /* issuer not trusted */
  SC_ESTATUS = 6,     /* revocation status could not be checked */
  SC_EUSAGE = 64,     /* command used wrongly */
  SC_EDATA = 65,      /* input malformed or not a credential */
  SC_ENOINPUT = 66,   /* input not readable */
  SC_ESOFTWARE = 70,  /* internal error, including out of memory */
  SC_ECANTCREAT = 73, /* output file cannot be created */
  SC_EIO = 74,        /* read or write failed */
  SC_EPERM = 77,      /* permission denied, key file readable by others, wrong passphrase */
  SC_ECONFIG = 78,    /* issuer home or configuration missing or broken */
};

typedef struct sc_error {
  int code;
  char message[512];
} sc_error;

/* Sets err (when not NULL) and returns code. */
int sc_fail(sc_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Puts "<context>: " in front of the message already in err; returns err->code. */
int sc_error_prefix(sc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sc_oom(sc_error *err); /* SC_ESOFTWARE "out of memory" */
void sc_error_clear(sc_error *err);
/* For text shown to a person (a message, a label), after n = snprintf(out, size, ...): when the
 * text was cut, ends it with "..." so that the reader sees it was; returns whether it fit. A
 * path that does not fit is an error instead (sc_path_format). */
bool sc_text_mark_cut(char *out, size_t size, int n);

/* ---------------------------------------------------------------- bytes (buf.c) */

typedef struct sc_buf {
  unsigned char *data; /* always NUL-terminated when not NULL, for convenience */
  size_t len;
  size_t cap;
} sc_buf;

bool sc_buf_append(sc_buf *buf, const void *data, size_t len); /* false: out of memory */
bool sc_buf_append_str(sc_buf *buf, const char *s);
bool sc_buf_append_byte(sc_buf *buf, unsigned char byte);
void sc_buf_reset(sc_buf *buf); /* len = 0, keeps memory */
/* Room for extra more bytes (and the NUL) at data + len; false: out of memory. */
bool sc_buf_reserve(sc_buf *buf, size_t extra);
void sc_buf_free(sc_buf *buf);
/* Hands the data over as a NUL-terminated string (never NULL for an empty buffer, unless out
 * of memory) and leaves buf empty. */
char *sc_buf_take(sc_buf *buf);

/* Reads a whole file (path "-" = stdin) refusing more than max_bytes: SC_ENOINPUT when it
 * cannot be read, SC_EDATA when it is too large. */
int sc_read_file(const char *path, size_t max_bytes, sc_buf *out, sc_error *err);
/* Formats a path into out (size bytes). A path that does not fit is never cut (it would name
 * another file): the result is code with "<the path's start>...: path too long (more than N
 * bytes)". */
int sc_path_format(char *out, size_t size, int code, sc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Writes data to path atomically: a temporary file in the same folder, fsync, rename. */
int sc_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode,
                         sc_error *err);

/* ---------------------------------------------------------------- file groups (file_group.c) */

/* Files written together: each is staged under a temporary name beside its target
 * (path.tmp.XXXXXX); the commit makes them durable, renames them into place and syncs each
 * folder once. A crash before the commit leaves only temporary files, never a partial one.
 * Start from a zeroed group; commit and abort both leave it empty and reusable. */
typedef struct sc_file_group {
  struct sc_staged_file *files;
  size_t count, cap;
} sc_file_group;

int sc_file_group_add(sc_file_group *group, const char *path, const void *data, size_t len,
                      unsigned mode, sc_error *err);
/* On failure the files not yet renamed are removed; those renamed are whole. */
int sc_file_group_commit(sc_file_group *group, sc_error *err);
void sc_file_group_abort(sc_file_group *group); /* removes what was staged */

/* ---------------------------------------------------------------- strict JSON (json_strict.c) */

#define SC_JSON_MAX_BYTES ((size_t)8 << 20) /* 8 MiB: far above any credential or list */
#define SC_JSON_MAX_DEPTH 64                /* credentials nest about 6 deep */

/* Parses I-JSON strictly: duplicate names (also after unescaping), invalid UTF-8, lone
 * surrogates, numbers outside the double range, depth or size beyond the limits above are
 * errors (SC_EDATA) whose message names source, line and column. U+0000 inside strings is
 * kept. Every number becomes a JSON real (RFC 8785 treats numbers as IEEE-754 doubles). */
int sc_json_parse(const char *data, size_t len, const char *source, json_t **out, sc_error *err);
/* sc_json_parse of a file's contents; a leading UTF-8 byte order mark, which some editors
 * write, is skipped (RFC 8259 8.1 lets a parser ignore it). */
int sc_json_load_file(const char *path, json_t **out, sc_error *err);
/* The length of a UTF-8 byte order mark at data: 3, or 0 when there is none. */
size_t sc_utf8_bom_length(const void *data, size_t len);
/* True when value is the string wanted, or an array holding it (a JSON-LD "type") (json_util.c). */
bool sc_json_has_string(const json_t *value, const char *wanted);
/* True when text is an absolute URL as VC 2.0 uses the word (RFC 3986 absolute URI, IRI
 * characters allowed): a scheme ("https", "urn", "did"), ':', and something after it, with no
 * space, control character or character URIs never hold (json_util.c). */
bool sc_url_valid(const char *text);

/* ---------------------------------------------------------------- canonical JSON (jcs.c) */

/* RFC 8785: appends the canonical form of value to out. Integers (json_integer) are
 * serialized as the IEEE-754 double they round to, like every other number. Fails with
 * SC_EDATA on NaN or infinity. */
int sc_jcs_append(const json_t *value, sc_buf *out, sc_error *err);
/* Convenience: a new NUL-terminated canonical string, or NULL with err set. */
char *sc_jcs(const json_t *value, sc_error *err);
/* The canonical form of object as if its member omit were absent and its member replace had
 * the value replacement (added when absent); omit and replace may be NULL. Data Integrity
 * hashes a document without its proof and a proof without its proofValue this way, without
 * copying either. */
int sc_jcs_append_object_view(const json_t *object, const char *omit, const char *replace,
                              const json_t *replacement, sc_buf *out, sc_error *err);
/* ECMAScript Number::prototype::toString of a finite double (ecma_number.cc) into out (size
 * bytes); returns the length written (without the NUL), or 0 (and nothing written) when size is
 * below SC_ECMA_NUMBER_SIZE, which any number fits in. */
#define SC_ECMA_NUMBER_SIZE 32
size_t sc_ecma_number(double value, char *out, size_t size);

/* ---------------------------------------------------------------- encodings (base*.c, multibase.c)
 */

char *sc_base58btc_encode(const uint8_t *data, size_t len);
int sc_base58btc_decode(const char *text, size_t len, sc_buf *out, sc_error *err);
char *sc_base64url_encode(const uint8_t *data, size_t len); /* no padding */
int sc_base64url_decode(const char *text, size_t len, sc_buf *out, sc_error *err);
char *sc_base32_encode(const uint8_t *data,
                       size_t len); /* RFC 4648 alphabet, upper case, no padding */
int sc_base32_decode(const char *text, size_t len, sc_buf *out, sc_error *err); /* any case */
/* The value of one hexadecimal digit (either case), or -1. */
int sc_hex_digit(unsigned char c);
char *sc_hex_encode(const uint8_t *data, size_t len); /* lower case */
int sc_hex_decode(const char *text, size_t len, sc_buf *out, sc_error *err);

/* Multibase with the two headers the standards here use: 'z' base58btc, 'u' base64url. */
char *sc_multibase_encode(char header, const uint8_t *data, size_t len);
int sc_multibase_decode(const char *text, char *header, sc_buf *out, sc_error *err);

/* ---------------------------------------------------------------- keys and DIDs (multikey.c,
 * did_key.c) */

#define SC_ED25519_PUBLIC_BYTES 32
#define SC_ED25519_SIGNATURE_BYTES 64

/* Ed25519 Multikey: 'z' + base58btc(0xed 0x01 + 32-byte key), i.e. "z6Mk…". */
char *sc_multikey_encode(const uint8_t pub[SC_ED25519_PUBLIC_BYTES]);
int sc_multikey_decode(const char *multikey, uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err);

/* did:key for an Ed25519 key: "did:key:z6Mk…". */
char *sc_did_key_encode(const uint8_t pub[SC_ED25519_PUBLIC_BYTES]);
/* Parses "did:key:z6Mk…" (no fragment); only the ed01 header and 32-byte keys are accepted. */
int sc_did_key_decode(const char *did, uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err);
/* The verification method of a did:key: "did:key:z6Mk…#z6Mk…". */
char *sc_did_key_verification_method(const char *did);
/* Resolves a did:key verification method URL (the fragment must repeat the key) to its key;
 * did_out (when not NULL, did_size bytes) receives the DID part: SC_EDATA when it does not fit. */
int sc_did_key_resolve_vm(const char *vm, uint8_t pub[SC_ED25519_PUBLIC_BYTES], char *did_out,
                          size_t did_size, sc_error *err);

/* ---------------------------------------------------------------- crypto (crypto.c) */

/* SC_ESOFTWARE only when memory ran out (OpenSSL allocates a context): callers report sc_oom. */
int sc_sha256(const void *data, size_t len, uint8_t digest[32]);
EVP_PKEY *sc_ed25519_generate(sc_error *err);
/* Is key an Ed25519 key? Unlike EVP_PKEY_is_a, never allocates (so never says no for want of
 * memory). */
bool sc_is_ed25519(const EVP_PKEY *key);
/* Fails with code and "what (OpenSSL: reason)", or SC_ESOFTWARE "what: out of memory" when
 * that is what OpenSSL's error queue says; empties the queue. */
int sc_openssl_fail(sc_error *err, int code, const char *what);
EVP_PKEY *sc_ed25519_from_seed(const uint8_t seed[32], sc_error *err);
int sc_ed25519_public(const EVP_PKEY *key, uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err);
int sc_ed25519_sign(EVP_PKEY *key, const uint8_t *msg, size_t len,
                    uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err);
/* 0 when the signature verifies, SC_EINVALID when it does not (any length, any bytes). */
int sc_ed25519_verify(const uint8_t pub[SC_ED25519_PUBLIC_BYTES], const uint8_t *msg, size_t len,
                      const uint8_t *sig, size_t sig_len, sc_error *err);
/* The same with an OpenSSL key already made (NULL only to refuse a wrong-length signature). */
int sc_ed25519_verify_key(EVP_PKEY *key, const uint8_t *msg, size_t len, const uint8_t *sig,
                          size_t sig_len, sc_error *err);
int sc_random_bytes(uint8_t *out, size_t len, sc_error *err);

/* Public keys already made into OpenSSL keys, shared by a verifier's threads (key_cache.c). */
typedef struct sc_key_cache sc_key_cache;
sc_key_cache *sc_key_cache_new(void);
void sc_key_cache_free(sc_key_cache *cache);
/* sc_ed25519_verify through cache (NULL = no cache). */
int sc_ed25519_verify_cached(sc_key_cache *cache, const uint8_t pub[SC_ED25519_PUBLIC_BYTES],
                             const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len,
                             sc_error *err);

/* Many signatures with one key (issuing a batch): holds the key and an OpenSSL context set
 * up once, which saves the per-call setup sc_ed25519_sign pays. Not thread-safe: one per
 * thread. sc_signer_new takes its own reference to key. */
typedef struct sc_signer sc_signer;
sc_signer *sc_signer_new(EVP_PKEY *key, sc_error *err);
int sc_signer_sign(sc_signer *signer, const uint8_t *msg, size_t len,
                   uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err);
void sc_signer_free(sc_signer *signer);

/* ---------------------------------------------------------------- times and ids (time.c, uuid.c)
 */

/* Parses an XML Schema dateTime ("2026-11-28T01:47:56Z", fractions and +hh:mm offsets
 * allowed) to seconds since the epoch. A fraction of a second rounds up to the next second,
 * which keeps comparisons with a whole-second clock exact (validFrom <= now, now < validUntil).
 * require_offset: a time zone must be given (VC 2.0 dateTimeStamp). SC_EDATA on anything
 * else. */
int sc_time_parse(const char *text, bool require_offset, int64_t *epoch, sc_error *err);
/* Fixed-length texts: their buffers' sizes are in the parameters' types (char out[static N]),
 * which GCC checks at every call (-Wstringop-overflow). C++ (ecma_number.cc) has no such
 * parameters. */
#ifdef __cplusplus
#define SC_AT_LEAST(n)
#else
#define SC_AT_LEAST(n) static n
#endif
#define SC_TIME_SIZE 21 /* "YYYY-MM-DDThh:mm:ssZ" and the NUL */
#define SC_DATE_SIZE 11 /* "YYYY-MM-DD" and the NUL */
#define SC_UUID_SIZE 37 /* 8-4-4-4-12 and the NUL */
/* Formats as "YYYY-MM-DDThh:mm:ssZ" (UTC). */
void sc_time_format(int64_t epoch, char out[SC_AT_LEAST(SC_TIME_SIZE)]);
/* "YYYY-MM-DD" (UTC). */
void sc_date_format(int64_t epoch, char out[SC_AT_LEAST(SC_DATE_SIZE)]);
/* A random (version 4) UUID in lower case. */
int sc_uuid_v4(char out[SC_AT_LEAST(SC_UUID_SIZE)], sc_error *err);
/* The version 4 UUID made of 16 random bytes the caller drew (so that one draw can serve
 * several needs). */
void sc_uuid_v4_format(const uint8_t random[16], char out[SC_AT_LEAST(SC_UUID_SIZE)]);
/* Is text (len bytes) a UUID: 8-4-4-4-12 hexadecimal digits, either case? */
bool sc_uuid_valid(const char *text, size_t len);

/* ---------------------------------------------------------------- Data Integrity
 * (data_integrity.c) */

#define SC_CRYPTOSUITE "eddsa-jcs-2022"
#define SC_PROOF_PURPOSE "assertionMethod"

typedef struct sc_proof_options {
  const char *verification_method; /* required, e.g. "did:key:z6Mk…#z6Mk…" */
  const char *created;             /* XML dateTime; NULL = now */
  const char *proof_purpose;       /* NULL = assertionMethod */
  bool omit_context;               /* skip Create Proof step 2 (copying @context); for tests */
} sc_proof_options;

/* What signing or verifying hashed, for tests and diagnostics (may be passed as NULL). */
typedef struct sc_di_trace {
  sc_buf canonical_document;
  sc_buf canonical_proof_config;
  uint8_t document_hash[32];
  uint8_t proof_config_hash[32];
  uint8_t signature[SC_ED25519_SIGNATURE_BYTES];
} sc_di_trace;
void sc_di_trace_free(sc_di_trace *trace);

/* Adds an eddsa-jcs-2022 proof to document, which must not already carry one (proof sets
 * are made by calling this on a document whose proof was taken out; see docs). The proof is
 * stored as an array, as Open Badges 3.0 requires. */
int sc_di_sign(json_t *document, EVP_PKEY *key, const sc_proof_options *opts, sc_di_trace *trace,
               sc_error *err);
/* The same with a signer set up once for many documents (see sc_signer). */
int sc_di_sign_with(json_t *document, sc_signer *signer, const sc_proof_options *opts,
                    sc_di_trace *trace, sc_error *err);

/* Looks up the Ed25519 key of a verification method. The default (NULL resolver) knows
 * did:key only; later a did:web resolver plugs in here. */
typedef int (*sc_key_resolver)(void *ctx, const char *verification_method,
                               uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err);

typedef struct sc_di_verify_options {
  const char *expected_purpose; /* NULL = assertionMethod */
  sc_key_resolver resolver;     /* NULL = did:key only */
  void *resolver_ctx;
  sc_key_cache *keys; /* NULL = each key is made afresh */
} sc_di_verify_options;

typedef struct sc_di_result {
  size_t proofs;                 /* proofs in the set, all verified when the call returns 0 */
  char verification_method[512]; /* of the first proof */
  char created[64];              /* proof.created of the first proof, "" when absent */
} sc_di_result;

/* Verifies every proof of secured (a single proof object or an array) per VC-DI-EDDSA 3.3.2:
 * 0 when all verify; SC_EINVALID with the rule that failed in err; SC_EDATA when there is no
 * proof at all. trace (may be NULL) receives the first proof's intermediates. */
int sc_di_verify(const json_t *secured, const sc_di_verify_options *opts, sc_di_result *result,
                 sc_di_trace *trace, sc_error *err);

/* ---------------------------------------------------------------- QR payload (qr_payload.c) */

/* DESIGN.md "The QR code": <VERIFY-URL>/V/1<BASE32> of the raw DEFLATE, with the version-1
 * preset dictionary, of the JCS form of the complete signed credential; everything upper case
 * for QR alphanumeric mode. Link mode: <VERIFY-URL>/C/<UUID>. */
#define SC_QR_PAYLOAD_VERSION '1'
#define SC_QR_MAX_INFLATED ((size_t)64 << 10) /* a credential is ~2 KB; refuse bombs */

/* A new upper-case URL for the embedded payload of credential. */
char *sc_qr_payload_encode(const json_t *credential, const char *verify_url, sc_error *err);
/* A new upper-case link-mode URL for credential id uuid. */
char *sc_qr_link_encode(const char *verify_url, const char *uuid, sc_error *err);

typedef enum sc_qr_kind { SC_QR_EMBEDDED, SC_QR_LINK } sc_qr_kind;

typedef struct sc_qr_content {
  sc_qr_kind kind;
  json_t *credential; /* SC_QR_EMBEDDED: the decoded credential (owned) */
  char uuid[37];      /* SC_QR_LINK: the credential's UUID, lower case */
  char base_url[512]; /* what came before /V/ or /C/, as scanned */
} sc_qr_content;

/* Parses scanned QR text or a URL in any letter case: .../V/1<BASE32> or .../C/<UUID>.
 * SC_EDATA with what was wrong (unknown payload version, bad base32, inflated size over
 * SC_QR_MAX_INFLATED, not JSON). */
int sc_qr_payload_decode(const char *text, sc_qr_content *out, sc_error *err);
void sc_qr_content_free(sc_qr_content *content);

/* The version-1 preset DEFLATE dictionary (qr_dictionary_v1.c): VC, OB 3.0 and Data
 * Integrity vocabulary. Released with payload version '1'; never changed. */
const uint8_t *sc_qr_dictionary_v1(size_t *len);

/* ---------------------------------------------------------------- status lists (status_list.c) */

/* W3C Bitstring Status List v1.0: bit i is the (i % 8)-th most significant bit of byte i / 8;
 * encodedList is multibase 'u' + base64url (no padding) of the GZIP of the bitstring. */
#define SC_STATUS_LIST_MIN_ENTRIES 131072
#define SC_STATUS_LIST_MAX_BYTES ((size_t)16 << 20) /* decompressed cap: refuse GZIP bombs */

char *sc_status_list_encode(const uint8_t *bits, size_t len, sc_error *err);
/* Decodes encodedList: 'u' header, base64url, GZIP (zlib or raw DEFLATE streams are refused),
 * at most SC_STATUS_LIST_MAX_BYTES, at least min_entries * status_size bits. */
int sc_status_list_decode(const char *encoded, size_t min_entries, unsigned status_size,
                          sc_buf *bits, sc_error *err);
/* The status_size-bit value at index (first bit most significant). SC_EDATA when index is out
 * of range. */
int sc_status_list_get(const uint8_t *bits, size_t len, size_t index, unsigned status_size,
                       unsigned *value, sc_error *err);
void sc_status_list_set(uint8_t *bits, size_t index, bool value);

#endif
