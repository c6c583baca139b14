/*
 * core/core.h — the public interface of skillcert's core library.
 *
 * Strict JSON intake, RFC 8785 canonical JSON, the encodings the standards use (base58btc,
 * base64url, base32, multibase, Multikey, did:key), Ed25519 and SHA-256 through OpenSSL,
 * Data Integrity eddsa-jcs-2022 proofs, times, identifiers and the error type.
 *
 * The error convention, for every folder (core, keys, issuer, verifier):
 *  - A fallible function returns SC_OK (0) on success or an sc_code on failure, and on every
 *    failure path fills the sc_error it was given (which may be NULL when the caller does not
 *    want the message). The code it returns is the code it put in err.
 *  - A function returning a pointer that takes an sc_error returns NULL only with err set
 *    (code and message) on every failure path, out of memory included; the caller then uses
 *    err->code and never guesses ("err->code ? err->code : ..."): err may hold a stale code
 *    from an earlier call, which the failing callee overwrites.
 *  - A function returning a pointer without an sc_error (encoders, *_new) returns NULL only
 *    when memory ran out: the caller reports sc_oom.
 *  - Strings returned are the caller's to free(). On success err is left as it was.
 */
#ifndef SKILLCERT_CORE_H
#define SKILLCERT_CORE_H

#include <jansson.h>
#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Fixed-length texts: their buffers' sizes are in the parameters' types (char out[static N]),
 * which GCC checks at every call (-Wstringop-overflow). C++ (ecma_number.cc) has no such
 * parameters. */
#ifdef __cplusplus
#define SC_AT_LEAST(n)
#else
#define SC_AT_LEAST(n) static n
#endif

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

/* ---------------------------------------------------------------- allocation failures
 * (alloc_watch.c) */

/* Allocation failures seen by this thread so far: jansson's (through core's allocator) and
 * those noted with sc_alloc_note_failure or sc_alloc_checked. An operation that compares the
 * count before and after knows whether anything it built is missing a piece. */
size_t sc_alloc_failure_count(void);
void sc_alloc_note_failure(void);
/* p, counting a failure when it is NULL: sc_alloc_checked(strdup(s)). */
void *sc_alloc_checked(void *p);

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
/* Appends text percent-encoded for a URL's query value: RFC 3986 unreserved characters
 * (A-Z a-z 0-9 - . _ ~) stay, every other byte becomes %XX (upper-case hex). */
bool sc_buf_append_url_encoded(sc_buf *out, const char *text);
/* Appends text HTML-escaped: & < > " ' as entities, every other byte as it is (for trusted
 * or mail text; the service's pages escape untrusted names with http_escape). */
bool sc_buf_append_html_escaped(sc_buf *out, const char *text);
/* text (len bytes, may hold U+0000) as a JSON string with its quotes: " and \ and the controls
 * below U+0020 escaped, with the short forms \b \f \n \r \t where JSON has them, others as
 * \u00XX in the digits of hex ("0123456789abcdef" for RFC 8785; jansson writes capitals);
 * everything else, U+007F and non-ASCII included, copied. */
bool sc_buf_append_json_string(sc_buf *out, const char *text, size_t len, const char *hex);
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
/* Writes data to path atomically: a temporary file in the same folder, fdatasync, rename,
 * fsync of the folder. */
int sc_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode,
                         sc_error *err);

/* Creates dir and every missing folder above it with mode (mkdir -p); folders that exist stay
 * as they are. SC_ECANTCREAT naming the folder that could not be made and why, or the file that
 * stands where a folder should be (mkdir.c). */
int sc_mkdir_p(const char *dir, unsigned mode, sc_error *err);
/* The same for the folder holding path ("a/b/c.json" → "a/b"); nothing when path has none. */
int sc_mkdir_parent(const char *path, unsigned mode, sc_error *err);

/* ---------------------------------------------------------------- text for a terminal
 * (terminal_text.c) */

/* Untrusted text (names, reasons, file names) goes to a terminal through these, and only
 * these: every character that could drive or reorder the terminal — C0 controls and DEL, C1
 * controls (U+0080–U+009F, NEL among them), U+2028 and U+2029, the bidi embeddings, overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069) — and every byte that is not UTF-8 is shown as
 * U+FFFD, as serve's HTML page shows them. NULL is taken as "". */
void sc_text_put(const char *text, FILE *out);
/* The same into a buffer; false: out of memory. */
bool sc_text_append_safe(sc_buf *out, const char *text);
/* Is cp one of the characters above? */
bool sc_text_unsafe_char(uint32_t cp);

/* ---------------------------------------------------------------- file groups (file_group.c) */

/* Files written together: each is staged under a temporary name beside its target
 * (path.tmp.XXXXXX); the commit makes their data durable (an fdatasync per file, or for a
 * group of 8 files or more one syncfs() per filesystem they are on), then renames them into
 * place, then syncs each folder once. A crash at any moment leaves whole files or temporary ones, never a partial
 * file under its own name. Start from a zeroed group; commit and abort both leave it empty
 * and reusable. */
typedef struct sc_file_group {
  struct sc_staged_file *files;
  size_t count, cap;
  /* sc_file_group_commit_names_later: the folders whose new names are not yet durable */
  char *unsynced[4];
  unsigned long long unsynced_device[4]; /* each one's filesystem (st_dev) */
  size_t unsynced_count;
  /* The filesystems (st_dev) the last commit's syncfs covered: one per filesystem its files
   * are on (out/ and public/ may be two mounts); 0 when it synced file by file. */
  unsigned long long synced_device[4];
  size_t synced_count;
  /* sc_file_group_sync_also: a file outside the group synced with it */
  bool syncs_also;
  int also_fd;
  unsigned long long also_device;
  const char *also_name;
} sc_file_group;

int sc_file_group_add(sc_file_group *group, const char *path, const void *data, size_t len,
                      unsigned mode, sc_error *err);
/* Stages path with the same data as the file staged just before it (len bytes of data): a
 * hard link to that file's temporary, which costs no new file and no second write-back, or,
 * where the filesystem has no hard links between the two folders, a copy. Once a link between
 * the same two folders worked in the group, the link is made at the commit instead, straight
 * to path once the other file has its name: no temporary name and no rename for it. */
int sc_file_group_add_same(sc_file_group *group, const char *path, const void *data, size_t len,
                           unsigned mode, sc_error *err);
/* On failure the files not yet renamed are removed; those renamed are whole. */
int sc_file_group_commit(sc_file_group *group, sc_error *err);
/* The commit without its last step, for groups committed one after another (a batch's
 * chunks): the data is durable and every file named, but the names become durable only with
 * the next commit of the group, whose sync of the data (one syncfs) covers them too, or with
 * sc_file_group_sync_names. So a chunk costs one sync of the filesystem instead of two. On
 * return, whatever its outcome, the names the previous call left pending are durable. */
int sc_file_group_commit_names_later(sc_file_group *group, sc_error *err);
/* A file outside the group whose data must be durable before any of the group's names: a
 * registry's log whose commits were not synced (sc_registry_defer_durability), so that no
 * credential file is named whose registry row a power cut could take back. Every commit then
 * makes it durable with the group's data — covered by the syncfs of its filesystem, else by an
 * fdatasync of its own — and fails, naming nothing, when that fails. fd stays the caller's;
 * name (kept by the caller) is what an error message calls it. fd -1: no such file. */
void sc_file_group_sync_also(sc_file_group *group, int fd, const char *name);
/* Makes the names the last sc_file_group_commit_names_later left pending durable (an fsync
 * of each folder). A group that used sc_file_group_commit_names_later ends with this call,
 * which also frees what it noted; abort leaves pending names pending. */
void sc_file_group_sync_names(sc_file_group *group);
/* True when a commit's names are not yet durable. */
bool sc_file_group_names_pending(const sc_file_group *group);
/* For the kill -9 tests only (test_crash.c): SKILLCERT_TEST_CRASH_AT=<point>:<n> kills the
 * process with SIGKILL the n-th time it reaches point ("synced", "renamed": a group of files'
 * commit; "dictionary": a batch's dictionary row written). */
void sc_test_crash_point(const char *point);
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
/* Builders for hot paths, in place of json_pack (json_util.c): each steals value, even when it
 * fails, and fails for a NULL one. The key is a literal, not checked. put_text: a string
 * member, checked to be UTF-8 (as json_string checks). pair: the array [first, second]; one:
 * [item]. */
bool sc_json_put(json_t *object, const char *key, json_t *value);
bool sc_json_put_text(json_t *object, const char *key, const char *text);
json_t *sc_json_pair(json_t *first, json_t *second);
json_t *sc_json_one(json_t *item);
/* True when text is an absolute URL as VC 2.0 uses the word (RFC 3986 absolute URI, IRI
 * characters allowed): a scheme ("https", "urn", "did"), ':', and something after it, with no
 * space, control character or character URIs never hold (json_util.c). */
bool sc_url_valid(const char *text);

/* Appends the text json_dumps(value, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) gives, byte for
 * byte, without its detours (json_indent.c); value is an object or an array. size_hint: bytes to
 * reserve at once (0: grow as needed). */
int sc_json_append_indented(const json_t *value, size_t size_hint, sc_buf *out, sc_error *err);

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

/* ---------------------------------------------------------------- inflating (inflate.c) */

typedef enum sc_inflate_format {
  SC_INFLATE_ZLIB, /* RFC 1950 (a PDF's /FlateDecode) */
  SC_INFLATE_GZIP, /* RFC 1952, one member (a status list's encodedList) */
  SC_INFLATE_RAW,  /* RFC 1951, optionally with a preset dictionary (the QR payload) */
} sc_inflate_format;

typedef struct sc_inflate_options {
  sc_inflate_format format;
  size_t max_out;            /* the cap: more inflated bytes than this are refused */
  const uint8_t *dictionary; /* SC_INFLATE_RAW only; NULL = none */
  size_t dictionary_len;
  const char *what; /* starts every message: "QR payload", "encodedList" ... */
} sc_inflate_options;

/* Appends the inflated in[0..len) to out, under one rule for every compressed input: exactly
 * one whole stream, at most max_out bytes once inflated (max_out itself is accepted), and
 * nothing after the stream's end. SC_EDATA "WHAT inflates to more than N bytes", "WHAT: broken
 * FORMAT stream (truncated)", "WHAT: not a valid FORMAT stream (corrupt: ...)" or "WHAT: N bytes
 * of trailing data after the end of the FORMAT stream"; out may then hold part of the data. */
int sc_inflate_capped(const uint8_t *in, size_t len, const sc_inflate_options *o, sc_buf *out,
                      sc_error *err);

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

/* ---------------------------------------------------------------- did:web (did_web.c) */

/* SC_OK when id — what follows "did:web:" — is a did:web id skillcert resolves and publishes:
 * a lower-case host name (a-z, 0-9, '.', '-'; not starting or ending with '.' or '-'), a port
 * written %3A<digits> if any, then optional path segments ":seg" of letters, digits, '.', '-'
 * and '_' (not empty, not "." or ".."). Otherwise SC_EDATA "expected a lower-case host name
 * ..." or "'ID': a path segment is ...". */
int sc_did_web_id_check(const char *id, sc_error *err);
/* Where the document of did lives (DID Web Method §3.2): host is the host name with the port
 * decoded ("acme.example", "localhost:8443"), path its place from the site's root
 * ("/.well-known/did.json" for did:web:HOST, "/a/b/did.json" for did:web:HOST:a:b). SC_EDATA
 * naming did when it is not "did:web:" + an id sc_did_web_id_check accepts, or does not fit. */
int sc_did_web_location(const char *did, char *host, size_t host_size, char *path, size_t path_size,
                        sc_error *err);

/* ---------------------------------------------------------------- crypto (crypto.c) */

/* SC_ESOFTWARE only when memory ran out (OpenSSL allocates a context): callers report sc_oom. */
int sc_sha256(const void *data, size_t len, uint8_t digest[32]);
/* The SHA-256 of data as 64 lower-case hex digits and a NUL (hex.c), without allocating: the
 * shape the registry stores secrets in and batch/status compare files by. Fails as sc_sha256
 * does (out is then ""). */
#define SC_SHA256_HEX_SIZE 65
int sc_sha256_hex(const void *data, size_t len, char out[SC_AT_LEAST(SC_SHA256_HEX_SIZE)]);
/* The digests, fetched from OpenSSL once per process (for EVP_Digest and friends). */
const EVP_MD *sc_md_sha256(void);
const EVP_MD *sc_md_sha384(void);
EVP_PKEY *sc_ed25519_generate(sc_error *err);
/* Is key an Ed25519 key? Unlike EVP_PKEY_is_a, never allocates (so never says no for want of
 * memory). */
bool sc_is_ed25519(const EVP_PKEY *key);
/* Fails with code and "what (OpenSSL: reason)", or SC_ESOFTWARE "what: out of memory" when
 * that is what OpenSSL's error queue says; empties the queue. */
int sc_openssl_fail(sc_error *err, int code, const char *what);
EVP_PKEY *sc_ed25519_from_seed(const uint8_t seed[32], sc_error *err);
/* The same for a secret seed: seed is wiped (OPENSSL_cleanse) once the key is made, or failed
 * to be, so that no copy outlives the key. sc_ed25519_generate draws its seed into OpenSSL's
 * secure heap and makes the key this way. */
EVP_PKEY *sc_ed25519_take_seed(uint8_t seed[32], sc_error *err);
int sc_ed25519_public(const EVP_PKEY *key, uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err);
/* One signature (signer.c): by OpenSSL, or by the token for a key that signs elsewhere. Many
 * with one key: an sc_signer, which signs with libsodium. The bytes are the same. */
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

/* Many signatures with one key (issuing a batch), signer.c: holds the key and its engine, set
 * up once — the token's function for a key that signs elsewhere, else libsodium (its secret in
 * the secure heap), else an OpenSSL context. Every engine gives the same bytes: Ed25519 signing
 * is deterministic. Not thread-safe: one per thread. sc_signer_new takes its own reference to
 * key. sc_signer_new_openssl never uses libsodium (tests and benchmarks compare the two);
 * sc_signer_engine names the engine: "external", "libsodium" or "openssl". */
typedef struct sc_signer sc_signer;
sc_signer *sc_signer_new(EVP_PKEY *key, sc_error *err);
sc_signer *sc_signer_new_openssl(EVP_PKEY *key, sc_error *err);
const char *sc_signer_engine(const sc_signer *signer);
int sc_signer_sign(sc_signer *signer, const uint8_t *msg, size_t len,
                   uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err);
void sc_signer_free(sc_signer *signer);

/* A key that signs elsewhere (a hardware token, keys/pkcs11.c): key is the public half (an
 * Ed25519 EVP_PKEY with no private part), and signers made from it call sign(ctx, …) instead
 * of OpenSSL. sign may be called from several threads at once. release(ctx), when given, runs
 * when the key is freed. */
typedef int (*sc_external_sign_fn)(void *ctx, const uint8_t *msg, size_t len,
                                   uint8_t sig[SC_ED25519_SIGNATURE_BYTES], sc_error *err);
int sc_ed25519_attach_signer(EVP_PKEY *key, sc_external_sign_fn sign, void *ctx,
                             void (*release)(void *ctx), sc_error *err);
bool sc_ed25519_signs_elsewhere(const EVP_PKEY *key);
/* ---------------------------------------------------------------- languages (i18n.c, language.c)
 *
 * Translations are GNU gettext catalogues (po/<lang>.po → <localedir>/<lang>/LC_MESSAGES/
 * skillcert.mo, docs/translations.md), looked up by a language passed in, never by the process
 * locale: the service answers each request in its reader's language from several threads.
 * Catalogues are found in $SKILLCERT_LOCALEDIR, else locale/ beside the program (build/locale
 * for build/skillcert), else PREFIX/share/locale. A missing catalogue means English. */

#define SC_LANG_DEFAULT "en"
typedef struct sc_language {
  const char *tag;         /* BCP 47 primary tag: "en", "id" */
  const char *native_name; /* for a language switch: "Bahasa Indonesia" */
} sc_language;
extern const sc_language sc_languages[]; /* English first; ends with {NULL, NULL} */

/* Marks a string for xgettext without translating it (translated later with sc_tr). */
#define N_(text) (text)
/* The same with a msgctxt, for sc_trc (xgettext: --keyword=NC_:1c,2). */
#define NC_(context, text) (text)
/* msgid in lang (a tag of sc_languages; NULL or unknown = English): the catalogue's text, or
 * msgid itself when there is none. The result lives as long as the process. */
const char *sc_tr(const char *lang, const char *msgid);
/* The same for a msgid with a msgctxt (gettext's pgettext): "May" the month, not the verb. */
const char *sc_trc(const char *lang, const char *context, const char *msgid);
/* Whether lang's catalogue was found (English never has one). */
bool sc_lang_has_catalogue(const char *lang);
/* The language of sc_languages that tag[0..len) (len 0 = strlen) names: "id", "id-ID",
 * "ID_id.UTF-8" → "id"; NULL when skillcert does not speak it. */
const char *sc_lang_match(const char *tag, size_t len);
/* The best language for an Accept-Language header (q-values weighed; NULL or nothing
 * matching = SC_LANG_DEFAULT). */
const char *sc_lang_accept(const char *header);
/* The text of a JSON-LD value in lang: a string as it is; a language value object
 * ({"@value": "…", "@language": "id"}); or an array of them (VC 2.0 §11.1 language maps:
 * one name in several languages): the one in lang, else an untagged one, else the English one,
 * else the first. NULL when value holds no text. */
const char *sc_json_text(const json_t *value, const char *lang);
/* The command line's language from LC_ALL / LC_MESSAGES / LANG and LANGUAGE, as gettext reads
 * them (the C locale means English). */
const char *sc_lang_environment(void);
/* The language of the command line's messages: set once at start, before any thread. */
void sc_lang_set_process(const char *lang);
const char *sc_lang_process(void);

/* ---------------------------------------------------------------- times and ids (time.c, uuid.c)
 */

/* Parses an XML Schema dateTime ("2026-11-28T01:47:56Z", fractions and +hh:mm offsets
 * allowed) to seconds since the epoch. A fraction of a second rounds up to the next second,
 * which keeps comparisons with a whole-second clock exact (validFrom <= now, now < validUntil).
 * require_offset: a time zone must be given (VC 2.0 dateTimeStamp). SC_EDATA on anything
 * else. */
int sc_time_parse(const char *text, bool require_offset, int64_t *epoch, sc_error *err);
#define SC_TIME_SIZE 21 /* "YYYY-MM-DDThh:mm:ssZ" and the NUL */
#define SC_DATE_SIZE 11 /* "YYYY-MM-DD" and the NUL */
#define SC_UUID_SIZE 37 /* 8-4-4-4-12 and the NUL */
/* Formats as "YYYY-MM-DDThh:mm:ssZ" (UTC). */
void sc_time_format(int64_t epoch, char out[SC_AT_LEAST(SC_TIME_SIZE)]);
/* "YYYY-MM-DD" (UTC). */
void sc_date_format(int64_t epoch, char out[SC_AT_LEAST(SC_DATE_SIZE)]);
/* A date-time's date written out in lang: "4 December 2026", "4 Desember 2026" (i18n.c,
 * language.c). False (out "") when date_time does not start with YYYY-MM-DD. */
#define SC_DATE_LONG_SIZE 64
bool sc_date_long(const char *date_time, const char *lang,
                  char out[SC_AT_LEAST(SC_DATE_LONG_SIZE)]);
/* A random (version 4) UUID in lower case. */
int sc_uuid_v4(char out[SC_AT_LEAST(SC_UUID_SIZE)], sc_error *err);
/* The version 4 UUID made of 16 random bytes the caller drew (so that one draw can serve
 * several needs). */
void sc_uuid_v4_format(const uint8_t random[16], char out[SC_AT_LEAST(SC_UUID_SIZE)]);
/* Is text (len bytes) a UUID: 8-4-4-4-12 hexadecimal digits, either case? */
bool sc_uuid_valid(const char *text, size_t len);
/* The short code of a credential (short_code.c, docs/qr-payload.md "The short code"): the
 * first 60 bits of uuid as 12 Crockford base32 symbols, "XXXX-XXXX-XXXX". SC_EDATA when uuid
 * does not start with 15 hexadecimal digits. */
#define SC_SHORT_CODE_SIZE 15        /* 14 characters and the NUL */
#define SC_SHORT_CODE_PREFIX_SIZE 18 /* "xxxxxxxx-xxxx-xxx" and the NUL */
int sc_short_code_of_uuid(const char *uuid, char code[SC_SHORT_CODE_SIZE]);
/* The start of the lower-case UUID that a typed code names: 12 Crockford symbols in any case,
 * hyphens and spaces ignored, O read as 0, I and L as 1. SC_EDATA when text is not a code. */
int sc_short_code_uuid_prefix(const char *text, char prefix[SC_SHORT_CODE_PREFIX_SIZE]);
/* The UUID of a credential id "urn:uuid:<UUID>" (a pointer into id), or NULL for any other id:
 * the name under which out/, public/c/ and /C/ know a credential. */
const char *sc_uuid_of_urn(const char *id);

/* ---------------------------------------------------------------- Data Integrity
 * (data_integrity.c) */

#define SC_CRYPTOSUITE "eddsa-jcs-2022"
#define SC_PROOF_PURPOSE "assertionMethod"

/* The proofs skillcert makes and checks. eddsa-jcs-2022 hashes RFC 8785 JSON; the other two
 * hash RDFC-1.0 canonical N-Quads of the JSON-LD document (sc_jsonld_canonical_nquads).
 * Ed25519Signature2020 (the older Linked Data proof some wallets still issue) is verified only. */
typedef enum sc_cryptosuite {
  SC_EDDSA_JCS_2022 = 0,
  SC_EDDSA_RDFC_2022,
  SC_ED25519_SIGNATURE_2020,
} sc_cryptosuite;
#define SC_CRYPTOSUITE_RDFC "eddsa-rdfc-2022"
/* The name a proof gives its suite: "eddsa-jcs-2022", "eddsa-rdfc-2022", "Ed25519Signature2020". */
const char *sc_cryptosuite_name(sc_cryptosuite suite);

typedef struct sc_proof_options {
  const char *verification_method; /* required, e.g. "did:key:z6Mk…#z6Mk…" */
  sc_cryptosuite cryptosuite;      /* eddsa-jcs-2022 (0) or eddsa-rdfc-2022 */
  /* Add the proof to the document's proof set (signing the document without its proofs)
   * instead of refusing a document that already has one. */
  bool add_to_set;
  const char *created;             /* XML dateTime; NULL = now */
  const char *proof_purpose;       /* NULL = assertionMethod */
  /* A presentation's proof (purpose authentication) binds the verifier's nonce and its
   * domain: proof members "challenge" and "domain" (VC-DI §2.1), signed with the rest of the
   * proof configuration; NULL = none. */
  const char *challenge;
  const char *domain;
  bool omit_context;               /* skip Create Proof step 2 (copying @context); for tests */
  /* eddsa-rdfc-2022: a batch's table of shapes (sc_jsonld_shapes, below), or NULL. */
  struct sc_jsonld_shapes *shapes;
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
  char cryptosuites[96];         /* the suites of the proofs in order, e.g. "eddsa-rdfc-2022,
                                    eddsa-jcs-2022" */
  char verification_method[512]; /* of the first proof */
  char created[64];              /* proof.created of the first proof, "" when absent */
} sc_di_result;

/* Verifies every proof of secured (a single proof object or an array) per VC-DI-EDDSA 3.3.2:
 * 0 when all verify; SC_EINVALID with the rule that failed in err; SC_EDATA when there is no
 * proof at all. trace (may be NULL) receives the first proof's intermediates. */
int sc_di_verify(const json_t *secured, const sc_di_verify_options *opts, sc_di_result *result,
                 sc_di_trace *trace, sc_error *err);

/* ---------------------------------------------------------------- QR payload (qr_payload.c) */

/* docs/design.md "The QR code": <VERIFY-URL>/V/1<BASE32> of the raw DEFLATE, with the version-1
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

/* ---------------------------------------------------------------- RDF (rdf.c, nquads.c, rdfc.c) */

/* An RDF dataset as JSON-LD produces it and RDFC-1.0 consumes it. Strings are owned, UTF-8 and
 * length-counted (a literal may hold U+0000). Blank node labels are kept without "_:". */
typedef enum sc_rdf_kind {
  SC_RDF_DEFAULT_GRAPH = 0, /* only as a quad's graph: the default graph */
  SC_RDF_IRI,
  SC_RDF_BLANK,
  SC_RDF_LITERAL,
} sc_rdf_kind;

typedef struct sc_rdf_term {
  sc_rdf_kind kind;
  char *value; /* IRI, blank node label, or the literal's lexical form */
  size_t len;  /* of value */
  char *datatype; /* literal: its datatype IRI; NULL means xsd:string (or rdf:langString) */
  char *language; /* literal: its language tag, or NULL */
} sc_rdf_term;

typedef struct sc_rdf_quad {
  sc_rdf_term subject, predicate, object, graph;
} sc_rdf_quad;

typedef struct sc_rdf_dataset {
  sc_rdf_quad *quads;
  size_t count, cap;
  struct sc_rdf_chunk *chunks; /* where the quads' strings are kept (rdf.c) */
} sc_rdf_dataset;

#define SC_RDF_XSD_STRING "http://www.w3.org/2001/XMLSchema#string"
#define SC_RDF_LANG_STRING "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

/* A term that borrows its strings (for building quads to pass to sc_rdf_dataset_add). */
sc_rdf_term sc_rdf_iri(const char *iri);
sc_rdf_term sc_rdf_blank(const char *label);
sc_rdf_term sc_rdf_literal(const char *value, size_t len, const char *datatype,
                           const char *language);
/* Appends a deep copy of quad; false when memory ran out. */
bool sc_rdf_dataset_add(sc_rdf_dataset *dataset, const sc_rdf_quad *quad);
void sc_rdf_dataset_free(sc_rdf_dataset *dataset);

/* Parses an N-Quads 1.1 document (UCHAR and ECHAR escapes, comments) into dataset. SC_EDATA
 * naming source and line on a syntax error. */
int sc_nquads_parse(const char *text, size_t len, const char *source, sc_rdf_dataset *dataset,
                    sc_error *err);
/* Appends quad as one line of canonical N-Quads (RDF 1.2 canonical form: single spaces, no
 * comments, only the escapes it requires, "\n" at the end). blank_label, when not NULL, gives
 * the label to write for each blank node (ctx passed through); NULL keeps the quad's own. */
typedef const char *(*sc_rdf_label_fn)(void *ctx, const sc_rdf_term *blank);
bool sc_nquads_append_quad(const sc_rdf_quad *quad, sc_rdf_label_fn blank_label, void *ctx,
                           sc_buf *out);

/* RDF Dataset Canonicalization (W3C RDFC-1.0, 2024). */
typedef enum sc_rdfc_hash { SC_RDFC_SHA256 = 0, SC_RDFC_SHA384 } sc_rdfc_hash;

typedef struct sc_rdfc_options {
  sc_rdfc_hash hash;
  /* A bound on the work of Hash N-Degree Quads (calls plus permutations tried); 0 = the
   * default, SC_RDFC_DEFAULT_WORK. A dataset that needs more (a "poison" graph built to make
   * canonicalization take exponential time) is refused with SC_EDATA. */
  size_t max_work;
} sc_rdfc_options;
#define SC_RDFC_DEFAULT_WORK ((size_t)100000)

/* Canonicalizes dataset (opts may be NULL): appends the canonical N-Quads document to out —
 * its lines sorted in code point order, duplicates removed — and, when issued is not NULL, sets
 * it to a new object mapping each input blank node label to its canonical label ("c14n0"…). */
int sc_rdfc_canonicalize(const sc_rdf_dataset *dataset, const sc_rdfc_options *opts, sc_buf *out,
                         json_t **issued, sc_error *err);

/* ---------------------------------------------------------------- JSON-LD 1.1 (jsonld_*.c) */

/* Expansion and deserialization to RDF (JSON-LD 1.1 Processing Algorithms and API, sections 4,
 * 5, 7 and 8) in processing mode json-ld-1.1. Contexts come only from a document loader that
 * answers from memory: never from the network. Errors are SC_EDATA with a message that starts
 * with the JSON-LD error code ("invalid term definition: …"). */

/* Returns the document at url (a borrowed JSON value holding "@context"), or NULL. */
typedef const json_t *(*sc_jsonld_load_fn)(void *ctx, const char *url);

typedef struct sc_jsonld_options {
  const char *base;              /* the document's base IRI; NULL = none (as when verifying) */
  sc_jsonld_load_fn load;        /* NULL = the contexts bundled with skillcert */
  void *load_ctx;
  const json_t *expand_context;  /* a context applied before the document's own, or NULL */
  /* Data-integrity "safe mode": what expansion would silently drop or leave relative — a
   * property no context defines, a relative type or id — is an error naming it. */
  bool safe_mode;
  const char *rdf_direction;     /* NULL (direction dropped), "i18n-datatype" */
} sc_jsonld_options;

/* The expanded form of input (an array), a new reference in *out. */
int sc_jsonld_expand(const json_t *input, const sc_jsonld_options *opts, json_t **out,
                     sc_error *err);
/* The RDF dataset of input, appended to dataset. Blank nodes are labelled b0, b1, … */
int sc_jsonld_to_rdf(const json_t *input, const sc_jsonld_options *opts, sc_rdf_dataset *dataset,
                     sc_error *err);
/* RDFC-1.0 canonical N-Quads of a JSON-LD document (the transformation of eddsa-rdfc-2022 and
 * Ed25519Signature2020): toRdf in safe mode with the bundled contexts and no base IRI, then
 * sc_rdfc_canonicalize. Appends to out. SC_EDATA names what the contexts do not define. */
int sc_jsonld_canonical_nquads(const json_t *document, sc_buf *out, sc_error *err);

/* Canonical N-Quads for a batch (jsonld_shape.c): the transformation of
 * sc_jsonld_canonical_nquads, learnt from the first documents of each shape as a template
 * whose strings are filled in for the next ones, used only where it is shown to give the same
 * bytes (the file says how), else the full transformation. A table of at most 8 shapes, safe
 * to share between threads; sc_jsonld_shapes_new returns NULL when out of memory or random
 * bytes. With shapes NULL, sc_jsonld_canonical_nquads_shaped is sc_jsonld_canonical_nquads. */
typedef struct sc_jsonld_shapes sc_jsonld_shapes;
typedef struct sc_jsonld_shape_stats {
  size_t shapes; /* learnt */
  size_t usable; /* of those, usable as templates */
  size_t filled; /* documents made from a template */
  size_t full;   /* documents that took the full transformation (a first one included) */
} sc_jsonld_shape_stats;
sc_jsonld_shapes *sc_jsonld_shapes_new(void);
void sc_jsonld_shapes_free(sc_jsonld_shapes *shapes);
void sc_jsonld_shapes_stats(sc_jsonld_shapes *shapes, sc_jsonld_shape_stats *stats);
int sc_jsonld_canonical_nquads_shaped(sc_jsonld_shapes *shapes, const json_t *document,
                                      sc_buf *out, sc_error *err);

/* Declares object shared and unchanging: a batch embeds the same achievement object (one
 * json_t, by reference) in every credential it signs. Until the matching sc_jsonld_unshare,
 * toRdf keeps the expanded form of that object where it occurs and reuses it when it meets the
 * same object under the same active context again (jsonld_memo.c). A cache, not a promise the
 * code relies on: every use checks that the object still equals a copy taken here, so one
 * changed in place is expanded afresh. At most a few objects at a time; calls nest (each share
 * needs its unshare). Thread-safe. */
void sc_jsonld_share(const json_t *object);
void sc_jsonld_unshare(const json_t *object);

/* The document loader of the contexts bundled with skillcert (jsonld_contexts.c): the W3C VC,
 * Data Integrity, DID and Open Badges contexts, byte for byte as published. ctx is unused. */
const json_t *sc_jsonld_bundled_context(void *ctx, const char *url);
/* ---------------------------------------------------------------- statuses (status_words.c) */

/* What a status list tells (W3C statusPurpose), a credential's status in an issuer's registry,
 * and the changes of status. The libraries pass these enums; the words exist only at the
 * edges (JSON, SQL, the command line) and are converted here, once. */
typedef enum sc_purpose { SC_PURPOSE_REVOCATION, SC_PURPOSE_SUSPENSION } sc_purpose;
typedef enum sc_status { SC_STATUS_ACTIVE, SC_STATUS_REVOKED, SC_STATUS_SUSPENDED } sc_status;
typedef enum sc_status_change {
  SC_CHANGE_REVOKE,
  SC_CHANGE_SUSPEND,
  SC_CHANGE_REINSTATE
} sc_status_change;

const char *sc_purpose_word(sc_purpose purpose);          /* "revocation", "suspension" */
bool sc_purpose_parse(const char *word, sc_purpose *out); /* false: not one of them */
const char *sc_status_word(sc_status status);             /* "active", "revoked", "suspended" */
bool sc_status_parse(const char *word, sc_status *out);
/* The registry's event for a change, and how messages name it: "revoked", "suspended",
 * "reinstated". */
const char *sc_status_change_word(sc_status_change change);
bool sc_status_change_parse(const char *word, sc_status_change *out);
/* The status a credential has after change. */
sc_status sc_status_after(sc_status_change change);
/* The status of the credentials whose bit is set in a list of purpose. */
sc_status sc_purpose_status(sc_purpose purpose);

/* ---------------------------------------------------------------- baked badges (badge.c) */

/* Open Badges 3.0 baking (OB 3.0 5.3): a credential inside the badge image — a PNG iTXt chunk
 * "openbadgecredential" (uncompressed) or an SVG <openbadges:credential> element (CDATA). */
bool sc_badge_png_is(const uint8_t *png, size_t len);
bool sc_badge_svg_is(const uint8_t *svg, size_t len);
/* The baked credential's text, appended to json. SC_EDATA naming what is missing or broken. */
int sc_badge_png_credential(const uint8_t *png, size_t len, sc_buf *json, sc_error *err);
int sc_badge_svg_credential(const uint8_t *svg, size_t len, sc_buf *json, sc_error *err);
/* The image with credential (JSON text) baked in, appended to out; a PNG's earlier
 * openbadgecredential chunk is replaced, an SVG that already holds one is refused. */
int sc_badge_png_bake(const uint8_t *png, size_t len, const char *credential, sc_buf *out,
                      sc_error *err);
int sc_badge_svg_bake(const uint8_t *svg, size_t len, const char *credential, sc_buf *out,
                      sc_error *err);

#endif
