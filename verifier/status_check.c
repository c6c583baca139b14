/* The "status" check: every BitstringStatusListEntry of a credential is looked up in its
 * status list credential, which must itself be signed by the credential's issuer, current,
 * of the right purpose and long enough (W3C Bitstring Status List v1.0, section 3.2). */
#include "verifier/status_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 8                      /* each entry may cost a fetch; credentials carry two */
#define MAX_EXACT_INDEX 9007199254740991.0 /* 2^53 - 1: a JSON number still exact */

typedef struct status_entry {
  char label[40];           /* "credentialStatus" or "credentialStatus[1]" for messages */
  const char *purpose_text; /* statusPurpose as written, for messages */
  sc_purpose purpose;       /* when it is one this verifier checks */
  const char *url;
  size_t index;
  bool index_was_number; /* the 1EdTech test data writes 23 instead of "23" */
} status_entry;

/* What all entries came to: the lowest verdict wins, like the verification's exit code. */
typedef struct status_tally {
  int code;
  char message[512];
  size_t lists_checked;
  size_t skipped;
  char skipped_purpose[64];
  bool lenient;
} status_tally;

static void tally_fail(status_tally *t, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void tally_fail(status_tally *t, int code, const char *fmt, ...) {
  if (t->code != SC_OK && t->code <= code)
    return;
  t->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->message, sizeof t->message, fmt, ap);
  va_end(ap);
}

/* Records one "status" check the way verify.c records its own: the lowest verdict among 1–6
 * becomes the exit code. */
static void record_status(sc_verification *v, sc_check_state state, int code, const char *message) {
  if (v->check_count == SC_MAX_CHECKS)
    return;
  sc_check *check = &v->checks[v->check_count++];
  check->name = "status";
  check->state = state;
  check->code = state == SC_CHECK_FAILED ? code : SC_OK;
  snprintf(check->message, sizeof check->message, "%s", message);
  if (state == SC_CHECK_FAILED && (v->exit_code == SC_OK || code < v->exit_code))
    v->exit_code = code;
}

static const char *id_of(const json_t *value) {
  return json_is_string(value) ? json_string_value(value)
                               : json_string_value(json_object_get(value, "id"));
}

/* ---------------------------------------------------------------- the entry */

/* statusListIndex: a decimal string (BSL 2.1); a non-negative integral JSON number is taken
 * too, with a warning, since published test data uses one. */
static int read_index(const json_t *value, status_entry *e, sc_error *err) {
  if (json_is_number(value)) {
    double d = json_number_value(value);
    if (d < 0 || d > MAX_EXACT_INDEX || d != (double)(long long)d)
      return sc_fail(err, SC_ESTATUS, "%s.statusListIndex: expected a decimal string", e->label);
    e->index = (size_t)d;
    e->index_was_number = true;
    return SC_OK;
  }
  const char *text = json_string_value(value);
  size_t len = text ? strlen(text) : 0;
  if (len == 0 || len > 15 || strspn(text, "0123456789") != len)
    return sc_fail(err, SC_ESTATUS, "%s.statusListIndex: expected a decimal string, e.g. \"94567\"",
                   e->label);
  e->index = (size_t)strtoull(text, NULL, 10);
  return SC_OK;
}

/* http:// is let through here: a local copy (--status, --home) or the cache may serve it,
 * and the proof is what makes a list trustworthy. Only the network insists on HTTPS unless
 * --allow-http (sc_fetch). */
static bool is_web_url(const char *url) {
  return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

/* Apart from the error codes read_entry also returns. */
enum { ENTRY_CHECK = 1000, ENTRY_SKIP };

/* VC 2.0 §4.10: an entry is an object with a type (one or more strings) and, when it has an
 * id, a single URL. Anything else is malformed content (exit 1), not a status that could not
 * be checked. */
static int check_entry_shape(const json_t *entry, const status_entry *e, sc_error *err) {
  if (!json_is_object(entry))
    return sc_fail(err, SC_EINVALID, "%s: expected an object", e->label);
  const json_t *type = json_object_get(entry, "type");
  bool strings = json_is_array(type) && json_array_size(type) > 0;
  for (size_t i = 0; strings && i < json_array_size(type); i++)
    strings = json_is_string(json_array_get(type, i));
  if (!type)
    return sc_fail(err, SC_EINVALID, "%s.type: missing (every status entry names its type)",
                   e->label);
  if (!json_is_string(type) && !strings)
    return sc_fail(err, SC_EINVALID, "%s.type: expected a string", e->label);
  const json_t *id = json_object_get(entry, "id");
  if (id && !sc_url_valid(json_string_value(id)))
    return sc_fail(err, SC_EINVALID, "%s.id: expected one URL", e->label);
  return SC_OK;
}

static int read_entry(const json_t *entry, status_entry *e, sc_error *err) {
  int rc = check_entry_shape(entry, e, err);
  if (rc != SC_OK)
    return rc;
  const json_t *type = json_object_get(entry, "type");
  if (!sc_json_has_string(type, "BitstringStatusListEntry"))
    return sc_fail(err, SC_ESTATUS,
                   "%s.type: %.80s is not supported (expected BitstringStatusListEntry)", e->label,
                   json_is_string(type) ? json_string_value(type) : "[…]");
  e->purpose_text = json_string_value(json_object_get(entry, "statusPurpose"));
  if (!e->purpose_text)
    return sc_fail(err, SC_ESTATUS, "%s.statusPurpose: expected a string", e->label);
  if (!sc_purpose_parse(e->purpose_text, &e->purpose))
    return ENTRY_SKIP;
  const json_t *size = json_object_get(entry, "statusSize");
  if (size && (!json_is_number(size) || json_number_value(size) != 1))
    return sc_fail(err, SC_ESTATUS, "%s.statusSize: a %s entry has 1-bit statuses", e->label,
                   e->purpose_text);
  rc = read_index(json_object_get(entry, "statusListIndex"), e, err);
  if (rc != SC_OK)
    return rc;
  e->url = json_string_value(json_object_get(entry, "statusListCredential"));
  if (!e->url || !is_web_url(e->url))
    return sc_fail(err, SC_ESTATUS, "%s.statusListCredential: expected an https:// URL", e->label);
  return ENTRY_CHECK;
}

/* ---------------------------------------------------------------- the list credential */

static int check_signature(const json_t *list, const char *issuer, const sc_verify_options *opts,
                           sc_error *err) {
  sc_di_verify_options di_opts = {.expected_purpose = SC_PROOF_PURPOSE,
                                  .resolver = opts->resolver,
                                  .resolver_ctx = opts->resolver_ctx,
                                  .keys = opts->keys};
  sc_di_result di = {0};
  sc_error di_err = {0};
  int rc = sc_di_verify(list, &di_opts, &di, NULL, &di_err);
  if (rc == SC_ESOFTWARE)
    return sc_fail(err, rc, "%s", di_err.message);
  if (rc != SC_OK)
    return sc_fail(err, SC_ESTATUS, "its proof does not verify: %s", di_err.message);
  size_t did_len = strcspn(di.verification_method, "#");
  if (strlen(issuer) != did_len || strncmp(di.verification_method, issuer, did_len) != 0)
    return sc_fail(err, SC_ESTATUS, "signed by %.*s, not by the issuer %s", (int)did_len,
                   di.verification_method, issuer);
  return SC_OK;
}

static int check_list_validity(const json_t *list, int64_t now, sc_error *err) {
  const char *from_text = json_string_value(json_object_get(list, "validFrom"));
  const char *until_text = json_string_value(json_object_get(list, "validUntil"));
  int64_t from = 0, until = 0;
  if (json_object_get(list, "validFrom") &&
      (!from_text || sc_time_parse(from_text, true, &from, NULL)))
    return sc_fail(err, SC_ESTATUS, "validFrom: expected a date-time with time zone");
  if (json_object_get(list, "validUntil") &&
      (!until_text || sc_time_parse(until_text, true, &until, NULL)))
    return sc_fail(err, SC_ESTATUS, "validUntil: expected a date-time with time zone");
  if (from_text && now < from)
    return sc_fail(err, SC_ESTATUS, "status list is not valid before %s", from_text);
  if (until_text && now >= until)
    return sc_fail(err, SC_ESTATUS, "status list expired on %s; publish again", until_text);
  return SC_OK;
}

static bool serves_purpose(const json_t *subject, const char *purpose) {
  const json_t *listed = json_object_get(subject, "statusPurpose");
  return json_is_array(listed)
             ? sc_json_has_string(listed, purpose)
             : json_is_string(listed) && strcmp(json_string_value(listed), purpose) == 0;
}

/* The list must come from the credential's issuer: the same identifier, or — after a did:key
 * issuer rotated its key — another identifier the trust list files under the same issuer. */
static bool same_issuer(const char *list_issuer, const char *issuer,
                        const sc_verify_options *opts) {
  if (strcmp(list_issuer, issuer) == 0)
    return true;
  const char *a = opts->trust ? sc_trust_lookup(opts->trust, list_issuer) : NULL;
  const char *b = opts->trust ? sc_trust_lookup(opts->trust, issuer) : NULL;
  return a && a == b; /* one entry: the lookup hands back the entry's own name */
}

/* Everything about the list but its bits: signature, issuer, type, validity, purpose. */
static int check_list(const json_t *list, const char *issuer, const status_entry *e,
                      const sc_verify_options *opts, sc_error *err) {
  if (!json_is_object(list))
    return sc_fail(err, SC_ESTATUS, "not a JSON object");
  if (!sc_json_has_string(json_object_get(list, "type"), "BitstringStatusListCredential"))
    return sc_fail(err, SC_ESTATUS, "type: expected BitstringStatusListCredential");
  const char *list_issuer = id_of(json_object_get(list, "issuer"));
  if (!list_issuer || !same_issuer(list_issuer, issuer, opts))
    return sc_fail(err, SC_ESTATUS, "issued by %s, not by the credential's issuer %s",
                   list_issuer ? list_issuer : "nobody", issuer);
  int rc = check_signature(list, list_issuer, opts, err); /* its own issuer signed it */
  if (rc == SC_OK)
    rc = check_list_validity(list, opts->clock ? opts->clock : opts->now, err);
  if (rc != SC_OK)
    return rc;
  const json_t *subject = json_object_get(list, "credentialSubject");
  if (!sc_json_has_string(json_object_get(subject, "type"), "BitstringStatusList"))
    return sc_fail(err, SC_ESTATUS, "credentialSubject.type: expected BitstringStatusList");
  if (!serves_purpose(subject, e->purpose_text))
    return sc_fail(err, SC_ESTATUS, "credentialSubject.statusPurpose: this list is not for %s",
                   e->purpose_text);
  return SC_OK;
}

/* Decodes the list's bits (the caller frees them) and reads e's entry. */
static int read_status(const json_t *list, const status_entry *e, sc_buf *bits, unsigned *value,
                       sc_error *err) {
  const json_t *subject = json_object_get(list, "credentialSubject");
  const char *encoded = json_string_value(json_object_get(subject, "encodedList"));
  if (!encoded)
    return sc_fail(err, SC_ESTATUS, "credentialSubject.encodedList: expected a string");
  sc_error codec_err = {0};
  /* Not SC_STATUS_LIST_MIN_ENTRIES: that minimum is the issuer's duty (herd privacy), and lists
   * of 100,000 entries are in use; an index past the end is still refused. */
  int rc = sc_status_list_decode(encoded, 1, 1, bits, &codec_err);
  if (rc == SC_OK)
    rc = sc_status_list_get(bits->data, bits->len, e->index, 1, value, &codec_err);
  if (rc != SC_OK)
    return sc_fail(err, rc == SC_ESOFTWARE ? SC_ESOFTWARE : SC_ESTATUS, "%s", codec_err.message);
  return SC_OK;
}

/* A list verified once is remembered (opts->memo) with what its use depends on. */
static void remember(const sc_verify_options *opts, const status_entry *e, const json_t *list,
                     const sc_buf *bits, const char *origin) {
  int64_t until = INT64_MAX;
  const char *until_text = json_string_value(json_object_get(list, "validUntil"));
  if (!opts->memo || (until_text && sc_time_parse(until_text, true, &until, NULL) != SC_OK))
    return;
  sc_status_memo_put(opts->memo, e->url, id_of(json_object_get(list, "issuer")), e->purpose,
                     bits->data, bits->len, origin, until);
}

/* A remembered list answers when it is still fresh and fits this entry in every way the full
 * check would look at; anything else goes the full way (and fails there with the reason). */
static bool recall(const sc_verify_options *opts, const status_entry *e, const char *issuer,
                   unsigned *value, char *origin, size_t origin_size) {
  sc_status_memo_view view;
  if (!opts->memo || !sc_status_memo_read(opts->memo, e->url, opts->clock ? opts->clock : opts->now,
                                          e->index, &view))
    return false;
  if (!view.in_range || view.purpose != e->purpose || !same_issuer(view.list_issuer, issuer, opts))
    return false;
  *value = view.value;
  sc_text_mark_cut(origin, origin_size, snprintf(origin, origin_size, "%s", view.origin));
  return true;
}

/* Read from the service's own files (--status, --home), not fetched (network, cache). */
static bool is_local_origin(const char *origin) {
  return strncmp(origin, "file ", 5) == 0 || strncmp(origin, "home ", 5) == 0;
}

/* A list that failed: where it was found and why. For a remote client (serve) the origin is
 * left out, and so is the reason when nothing was found (origin empty): that reason is a path
 * or the network's error text. Nor is the reason of a fetched list given: it quotes what the
 * URL answered (a JSON error's token, an issuer, a date), and the URL may not be the
 * issuer's server at all. */
static void fail_list(status_tally *t, const status_entry *e, const char *origin,
                      const sc_error *why, bool remote) {
  if (why->code == SC_ESOFTWARE) /* memory that ran out: the verifier's failure (70) */
    tally_fail(t, SC_ESOFTWARE, "status list %s: %s", e->url, why->message);
  else if (remote && !origin[0])
    tally_fail(t, SC_ESTATUS, "status list %s: the status list could not be fetched", e->url);
  else if (remote && !is_local_origin(origin))
    tally_fail(t, SC_ESTATUS,
               "status list %s: what it holds is not a current status list of this issuer", e->url);
  else if (remote)
    tally_fail(t, SC_ESTATUS, "status list %s: %s", e->url, why->message);
  else
    tally_fail(t, SC_ESTATUS, "status list %s%s%s%s: %s", e->url, origin[0] ? " (" : "", origin,
               origin[0] ? ")" : "", why->message);
}

/* Loads and parses the list at e->url; origin says where from. body keeps the text, and tags
 * the ETag / Last-Modified it was fetched with, for the cache once the list checks out. */
static int load_list(const status_entry *e, const sc_verify_options *opts, json_t **list,
                     sc_buf *body, char origin[256], sc_fetch_validators *tags, sc_error *err) {
  if (!opts->status)
    return sc_fail(err, SC_ESTATUS, "no way to check status: no status source was given");
  int rc = sc_source_load_tagged(opts->status, e->url, opts->clock ? opts->clock : opts->now, body,
                                 origin, 256, tags, err);
  if (rc == SC_OK) {
    sc_error parse_err = {0};
    rc = sc_json_parse((const char *)body->data, body->len, e->url, list, &parse_err);
    if (rc == SC_ESOFTWARE)
      rc = sc_oom(err); /* memory that ran out is the verifier's failure (70), not the list's */
    else if (rc != SC_OK)
      rc = sc_fail(err, SC_ESTATUS, "not strict JSON: %s", parse_err.message);
  }
  return rc == SC_OK || rc == SC_ESOFTWARE ? rc : SC_ESTATUS;
}

/* ---------------------------------------------------------------- per entry, then overall */

static void check_entry(const json_t *entry, const char *issuer, const sc_verify_options *opts,
                        status_entry *e, status_tally *t) {
  sc_error err = {0};
  int rc = read_entry(entry, e, &err);
  if (rc == ENTRY_SKIP) {
    t->skipped++;
    snprintf(t->skipped_purpose, sizeof t->skipped_purpose, "%s", e->purpose_text);
    return;
  }
  if (rc != ENTRY_CHECK) {
    tally_fail(t, rc == SC_EINVALID ? SC_EINVALID : SC_ESTATUS, "%s", err.message);
    return;
  }
  t->lenient |= e->index_was_number;
  json_t *list = NULL;
  char origin[sizeof ((sc_status_memo_view *)0)->origin] = "";
  unsigned value = 0;
  sc_buf bits = {0}, body = {0};
  sc_fetch_validators tags = {.etag = "", .last_modified = ""};
  rc = recall(opts, e, issuer, &value, origin, sizeof origin)
           ? SC_OK
           : load_list(e, opts, &list, &body, origin, &tags, &err);
  if (rc == SC_OK && list)
    rc = check_list(list, issuer, e, opts, &err);
  if (rc == SC_OK && list)
    rc = read_status(list, e, &bits, &value, &err);
  if (rc == SC_OK && list) {
    sc_source_keep_tagged(opts->status, e->url, opts->clock ? opts->clock : opts->now, &body,
                          origin, &tags);
    remember(opts, e, list, &bits, origin);
  }
  sc_buf_free(&body);
  sc_buf_free(&bits);
  json_decref(list);
  if (rc != SC_OK) {
    fail_list(t, e, origin, &err, opts->remote_messages);
    return;
  }
  t->lists_checked++;
  if (value == 0)
    return;
  bool revoked = e->purpose == SC_PURPOSE_REVOCATION;
  tally_fail(t, revoked ? SC_EREVOKED : SC_ESUSPENDED, "%s (list %s, index %zu%s%s)",
             revoked ? "revoked" : "suspended", e->url, e->index,
             opts->remote_messages ? "" : ", from ", opts->remote_messages ? "" : origin);
}

static void record_outcome(sc_verification *v, const status_tally *t) {
  char message[512];
  if (t->code != SC_OK) {
    record_status(v, SC_CHECK_FAILED, t->code, t->message);
    return;
  }
  int n = snprintf(message, sizeof message, "not revoked or suspended (%zu list%s checked)",
                   t->lists_checked, t->lists_checked == 1 ? "" : "s");
  if (t->skipped && n > 0 && (size_t)n < sizeof message)
    n += snprintf(message + n, sizeof message - (size_t)n, "; %zu entr%s of purpose %s not checked",
                  t->skipped, t->skipped == 1 ? "y" : "ies", t->skipped_purpose);
  if (t->lenient && n > 0 && (size_t)n < sizeof message)
    snprintf(message + n, sizeof message - (size_t)n,
             "; statusListIndex is a JSON number, the standard requires a string");
  bool warn = t->lenient || t->lists_checked == 0;
  record_status(v, warn ? SC_CHECK_WARNING : SC_CHECK_PASSED, SC_OK, message);
}

void sc_check_status(sc_verification *v, const json_t *credential, const sc_verify_options *opts) {
  const json_t *status = json_object_get(credential, "credentialStatus");
  if (!status) {
    record_status(v, SC_CHECK_SKIPPED, SC_OK, "credential has no credentialStatus");
    return;
  }
  const char *issuer = id_of(json_object_get(credential, "issuer"));
  size_t count = json_is_array(status) ? json_array_size(status) : 1;
  status_tally t = {0};
  if (!issuer)
    tally_fail(&t, SC_ESTATUS, "issuer: expected an id, to match the status lists against");
  else if (count == 0)
    tally_fail(&t, SC_ESTATUS, "credentialStatus: an empty array");
  else if (count > MAX_ENTRIES)
    tally_fail(&t, SC_ESTATUS, "credentialStatus: %zu entries, at most %d are checked", count,
               MAX_ENTRIES);
  /* Every entry is checked even after one failed: a revocation outranks "could not check". */
  bool checkable = t.code == SC_OK;
  for (size_t i = 0; checkable && i < count; i++) {
    status_entry e = {0};
    if (json_is_array(status))
      snprintf(e.label, sizeof e.label, "credentialStatus[%zu]", i);
    else
      snprintf(e.label, sizeof e.label, "credentialStatus");
    check_entry(json_is_array(status) ? json_array_get(status, i) : status, issuer, opts, &e, &t);
  }
  record_outcome(v, &t);
}
