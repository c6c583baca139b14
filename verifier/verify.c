/* The verification pipeline for a credential in JSON: each check is named and recorded. */
#include "verifier/verifier.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define VC_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define VC1_CONTEXT "https://www.w3.org/2018/credentials/v1"
#define OB_CONTEXT_PREFIX "https://purl.imsglobal.org/spec/ob/v3p0/context"

static sc_check *record(sc_verification *v, const char *name, sc_check_state state, int code,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static sc_check *record(sc_verification *v, const char *name, sc_check_state state, int code,
                        const char *fmt, ...) {
  if (v->check_count == SC_MAX_CHECKS)
    return NULL;
  sc_check *check = &v->checks[v->check_count++];
  check->name = name;
  check->state = state;
  check->code = state == SC_CHECK_FAILED ? code : SC_OK;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(check->message, sizeof check->message, fmt, ap);
  va_end(ap);
  /* The lowest verdict among 1–6 wins; 64 and above stop verification and are final. */
  if (state == SC_CHECK_FAILED && (v->exit_code == SC_OK || code < v->exit_code))
    v->exit_code = code;
  return check;
}

static bool stopped(const sc_verification *v) {
  return v->exit_code >= SC_EUSAGE;
}

/* A credential's type must be an array (VC 2.0); only then does membership count. */
static bool array_has(const json_t *array, const char *wanted) {
  return json_is_array(array) && sc_json_has_string(array, wanted);
}

static bool is_open_badge(const json_t *types) {
  return array_has(types, "OpenBadgeCredential") || array_has(types, "AchievementCredential");
}

/* Only an object with a proof is worth verifying; anything else is not a (signed) credential
 * and stops with exit 65. A wrong @context or type on a signed object is a content error
 * (exit 1) like any other tampering. */
static bool check_is_credential(sc_verification *v, const json_t *cred) {
  if (!json_is_object(cred))
    record(v, "credential", SC_CHECK_FAILED, SC_EDATA, "not a credential: expected a JSON object");
  else if (!json_object_get(cred, "proof"))
    record(v, "credential", SC_CHECK_FAILED, SC_EDATA,
           "not a signed credential: there is no proof");
  return !stopped(v);
}

/* A problem found in the credential's content, named by its field. */
typedef struct content_problem {
  char text[256];
} content_problem;

static bool problem(content_problem *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool problem(content_problem *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->text, sizeof p->text, fmt, ap);
  va_end(ap);
  return true;
}

/* Which data model the credential follows, by its first @context entry: VC 2.0, or VC 1.1
 * (still what many wallets and issuers use; Open Badges 3.0 began on it). */
static bool is_vc1(const json_t *cred) {
  const char *first = json_string_value(json_array_get(json_object_get(cred, "@context"), 0));
  return first && strcmp(first, VC1_CONTEXT) == 0;
}

/* VC 2.0 §4.3 (VC 1.1 §4.1): the base context first; every later entry a URL or an embedded
 * context. */
static bool context_problem(const json_t *context, content_problem *p) {
  const char *first = json_string_value(json_array_get(context, 0));
  if (!first || (strcmp(first, VC_CONTEXT) != 0 && strcmp(first, VC1_CONTEXT) != 0))
    return problem(p, "@context: a credential's @context starts with " VC_CONTEXT
                      " (VC 2.0) or " VC1_CONTEXT " (VC 1.1)");
  for (size_t i = 1; i < json_array_size(context); i++) {
    const json_t *entry = json_array_get(context, i);
    if (!json_is_object(entry) && !sc_url_valid(json_string_value(entry)))
      return problem(p, "@context[%zu]: expected a URL or an object", i);
  }
  return false;
}

/* VC 2.0 §4.8: one subject or several, each an object with at least one claim (an id
 * counts). */
static bool subject_problem(const json_t *subject, content_problem *p) {
  if (json_is_object(subject))
    return json_object_size(subject) == 0 &&
           problem(p, "credentialSubject: expected at least one claim, the object is empty");
  if (!json_is_array(subject) || json_array_size(subject) == 0)
    return problem(p, "credentialSubject: expected an object (or an array of them)");
  for (size_t i = 0; i < json_array_size(subject); i++) {
    const json_t *one = json_array_get(subject, i);
    if (!json_is_object(one) || json_object_size(one) == 0)
      return problem(p, "credentialSubject[%zu]: expected an object with at least one claim", i);
  }
  return false;
}

static bool issuer_problem(const json_t *issuer, content_problem *p) {
  const json_t *id = json_is_object(issuer) ? json_object_get(issuer, "id") : issuer;
  if (!json_is_string(id))
    return problem(p, "issuer: expected an id string or an object with an id");
  if (!sc_url_valid(json_string_value(id)))
    return problem(p, "issuer: '%.80s' is not a URL (expected e.g. a did:key)",
                   json_string_value(id));
  return false;
}

/* VC 2.0 §4.4 and §4.9: id, validFrom and validUntil are optional, but a URL and date-time
 * strings when given; Open Badges 3.0 requires id and validFrom. */
static bool vc1_fields_problem(const json_t *cred, content_problem *p) {
  const json_t *issued = json_object_get(cred, "issuanceDate");
  if (!json_is_string(issued))
    return problem(p, "issuanceDate: expected a date-time string (VC 1.1 requires one)");
  const json_t *expires = json_object_get(cred, "expirationDate");
  if (expires && !json_is_string(expires))
    return problem(p, "expirationDate: expected a date-time string");
  return false;
}

static bool optional_fields_problem(const json_t *cred, bool open_badge, content_problem *p) {
  const json_t *id = json_object_get(cred, "id");
  if ((id || open_badge) && !sc_url_valid(json_string_value(id)))
    return problem(p, "id: expected a URL string (urn:uuid:…)%s",
                   id ? "" : "; an Open Badge must have one");
  if (is_vc1(cred))
    return vc1_fields_problem(cred, p);
  const json_t *from = json_object_get(cred, "validFrom");
  if ((from || open_badge) && !json_is_string(from))
    return problem(p, "validFrom: expected a date-time string%s",
                   from ? "" : "; an Open Badge must have one");
  const json_t *until = json_object_get(cred, "validUntil");
  if (until && !json_is_string(until))
    return problem(p, "validUntil: expected a date-time string");
  return false;
}

static bool open_badge_problem(const json_t *cred, content_problem *p) {
  const char *ob = json_string_value(json_array_get(json_object_get(cred, "@context"), 1));
  if (!ob || strncmp(ob, OB_CONTEXT_PREFIX, strlen(OB_CONTEXT_PREFIX)) != 0)
    return problem(p, "@context: an Open Badge must list the OB 3.0 context second");
  const json_t *subject = json_object_get(cred, "credentialSubject");
  if (!json_is_object(json_object_get(subject, "achievement")))
    return problem(p, "credentialSubject.achievement: expected an Achievement object");
  return false;
}

/* The VC 2.0 and Open Badges 3.0 fields a credential must carry; true with the first problem. */
static bool find_content_problem(const json_t *cred, content_problem *p) {
  bool open_badge = is_open_badge(json_object_get(cred, "type"));
  if (context_problem(json_object_get(cred, "@context"), p))
    return true;
  if (!array_has(json_object_get(cred, "type"), "VerifiableCredential"))
    return problem(p, "type: expected an array containing VerifiableCredential");
  return optional_fields_problem(cred, open_badge, p) ||
         issuer_problem(json_object_get(cred, "issuer"), p) ||
         subject_problem(json_object_get(cred, "credentialSubject"), p) ||
         (open_badge && open_badge_problem(cred, p));
}

int sc_credential_content_check(const json_t *cred, sc_error *err) {
  content_problem p = {{0}};
  if (!json_is_object(cred))
    return sc_fail(err, SC_EINVALID, "credential: expected a JSON object");
  return find_content_problem(cred, &p) ? sc_fail(err, SC_EINVALID, "%s", p.text) : SC_OK;
}

static void check_content(sc_verification *v, const json_t *cred) {
  content_problem p = {{0}};
  if (find_content_problem(cred, &p))
    record(v, "credential", SC_CHECK_FAILED, SC_EINVALID, "%s", p.text);
  else
    record(v, "credential", SC_CHECK_PASSED, SC_OK, "%s%s",
           is_open_badge(json_object_get(cred, "type")) ? "Open Badges 3.0 credential"
                                                        : "credential",
           is_vc1(cred) ? " (VC 1.1)" : " (VC 2.0)");
}

/* The DID part of a verification method URL. */
static void controller_of(const char *vm, char *out, size_t size) {
  size_t n = strcspn(vm, "#");
  snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), vm);
}

/* VC-DI 4.4 step 4 lets @context grow after signing (vector p06): such entries are not
 * covered by the signature, so they are pointed out rather than silently accepted. */
static void check_unsigned_context(sc_verification *v, const json_t *cred) {
  const json_t *proof = json_object_get(cred, "proof");
  if (json_is_array(proof))
    proof = json_array_get(proof, 0);
  const json_t *signed_context = json_object_get(proof, "@context");
  size_t have = json_array_size(json_object_get(cred, "@context"));
  size_t covered = json_is_array(signed_context) ? json_array_size(signed_context) : 1;
  if (signed_context && have > covered)
    record(v, "context", SC_CHECK_WARNING, SC_OK,
           "%zu @context entr%s added after signing (not covered by the proof)", have - covered,
           have - covered == 1 ? "y was" : "ies were");
}

/* A proof set that repeats a proof adds nothing but doubt about who assembled it. */
static bool has_repeated_proof(const json_t *proof) {
  for (size_t i = 0; json_is_array(proof) && i < json_array_size(proof); i++) {
    for (size_t j = i + 1; j < json_array_size(proof); j++) {
      if (json_equal(json_array_get(proof, i), json_array_get(proof, j)))
        return true;
    }
  }
  return false;
}

/* The first proof made with a key of issuer (its verification method's controller is the
 * issuer), or NULL. */
static const json_t *issuer_proof(const json_t *cred, const char *issuer) {
  const json_t *proofs = json_object_get(cred, "proof");
  size_t n = json_is_array(proofs) ? json_array_size(proofs) : 1;
  for (size_t i = 0; issuer && i < n; i++) {
    const json_t *proof = json_is_array(proofs) ? json_array_get(proofs, i) : proofs;
    const char *vm = json_string_value(json_object_get(proof, "verificationMethod"));
    char controller[512];
    if (!vm)
      continue;
    controller_of(vm, controller, sizeof controller);
    if (strcmp(controller, issuer) == 0)
      return proof;
  }
  return NULL;
}

/* True when the proof verifies with a key of the issuer the credential names: only then is
 * that issuer's trust (and anything fetched on its word) worth judging. */
static bool check_proof(sc_verification *v, const json_t *cred, const sc_verify_options *vopts) {
  sc_error err = {0};
  if (has_repeated_proof(json_object_get(cred, "proof"))) {
    record(v, "proof", SC_CHECK_FAILED, SC_EINVALID, "the proof set holds the same proof twice");
    return false;
  }
  sc_di_result di = {0};
  sc_di_verify_options opts = {.expected_purpose = SC_PROOF_PURPOSE,
                               .resolver = vopts->resolver,
                               .resolver_ctx = vopts->resolver_ctx,
                               .keys = vopts->keys};
  int rc = sc_di_verify(cred, &opts, &di, NULL, &err);
  /* In a proof set or chain (an endorser's proof, a notary's), the issuer's is the proof that
   * binds the credential to its issuer; its key is the one checked for retirement. */
  const json_t *own = issuer_proof(cred, v->summary.issuer_id);
  const char *vm = own ? json_string_value(json_object_get(own, "verificationMethod"))
                       : di.verification_method;
  const char *created = own ? json_string_value(json_object_get(own, "created")) : di.created;
  if (rc == SC_OK && vopts->key_check)
    rc = vopts->key_check(vopts->key_check_ctx, vm, created ? created : "", &err);
  if (rc != SC_OK) {
    /* A key that could not be fetched (did:web offline) says nothing about forgery: it is
     * reported like an unreachable status list, as "could not be checked" (6); memory that
     * ran out (70) says nothing either. */
    int code = rc == SC_EDATA || rc == SC_ESTATUS || rc == SC_ESOFTWARE ? rc : SC_EINVALID;
    record(v, "proof", SC_CHECK_FAILED, code, "%s", err.message);
    record(v, "issuer", SC_CHECK_SKIPPED, SC_OK, "not checked: the proof did not verify");
    return false;
  }
  if (di.proofs == 1)
    record(v, "proof", SC_CHECK_PASSED, SC_OK, "%s signature verifies (1 proof)", di.cryptosuites);
  else
    record(v, "proof", SC_CHECK_PASSED, SC_OK, "all %zu proofs verify (%s)", di.proofs,
           di.cryptosuites);
  check_unsigned_context(v, cred);
  char signer[512];
  controller_of(vm, signer, sizeof signer);
  const char *issuer = v->summary.issuer_id;
  if (own) {
    record(v, "issuer", SC_CHECK_PASSED, SC_OK, "signed by the issuer's own key (%s)", signer);
    return true;
  }
  record(v, "issuer", SC_CHECK_FAILED, SC_EINVALID, "signed by %s, which is not the issuer %s",
         signer, issuer ? issuer : "(none)");
  return false;
}

/* Reads one date-time of the validity period; false (with a failed check) when malformed. */
static bool read_instant(sc_verification *v, const char *name, const char *text, int64_t *at) {
  sc_error err = {0};
  if (!text || sc_time_parse(text, true, at, &err) == SC_OK)
    return true;
  record(v, "validity", SC_CHECK_FAILED, SC_EINVALID, "%s: %s", name, err.message);
  return false;
}

/* VC 2.0 §4.9: validFrom ≤ now < validUntil, as instants; validFrom, which a plain VC may
 * leave out, then bounds nothing. A period that ends before it starts is a content error. */
static void check_validity(sc_verification *v, int64_t now) {
  const sc_credential_summary *s = &v->summary;
  int64_t from = INT64_MIN, until = 0;
  if (!read_instant(v, "validFrom", s->valid_from, &from) ||
      !read_instant(v, "validUntil", s->valid_until, &until))
    return;
  if (s->valid_from && s->valid_until && from > until)
    record(v, "validity", SC_CHECK_FAILED, SC_EINVALID, "validFrom %s is later than validUntil %s",
           s->valid_from, s->valid_until);
  else if (now < from)
    record(v, "validity", SC_CHECK_FAILED, SC_EEXPIRED, "not valid yet: valid from %s",
           s->valid_from);
  else if (s->valid_until && now >= until)
    record(v, "validity", SC_CHECK_FAILED, SC_EEXPIRED, "expired on %s", s->valid_until);
  else
    record(v, "validity", SC_CHECK_PASSED, SC_OK, "valid from %s%s%s",
           s->valid_from ? s->valid_from : "any time",
           s->valid_until ? " until " : ", does not expire", s->valid_until ? s->valid_until : "");
}

static void look_up_trust(sc_verification *v, const sc_trust_list *trust) {
  const char *issuer = v->summary.issuer_id;
  v->trusted_as = trust && issuer ? sc_trust_lookup(trust, issuer) : NULL;
}

static void check_trust(sc_verification *v, const sc_trust_list *trust) {
  const char *issuer = v->summary.issuer_id;
  look_up_trust(v, trust);
  if (v->trusted_as)
    record(v, "trust", SC_CHECK_PASSED, SC_OK, "issuer is trusted as \"%s\"", v->trusted_as);
  else
    record(v, "trust", SC_CHECK_FAILED, SC_EUNTRUSTED,
           "issuer %s is not in the trust list (add it with: skillcert trust add %s --name "
           "NAME, or pass --trust FILE)",
           issuer ? issuer : "(none)", issuer ? issuer : "DID");
}

static bool wanted(const sc_verify_options *opts, unsigned check) {
  return opts->checks == 0 || (opts->checks & check) != 0;
}

/* Everything after the intake, on a credential already parsed strictly. */
static int verify_parsed(sc_verification *v, const sc_verify_options *opts) {
  if (!check_is_credential(v, v->credential))
    return v->exit_code;
  sc_credential_summarize(v->credential, &v->summary);
  check_content(v, v->credential);
  bool genuine = false;
  if (wanted(opts, SC_VERIFY_PROOF)) {
    genuine = check_proof(v, v->credential, opts);
  } else if (wanted(opts, SC_VERIFY_STATUS)) {
    sc_verification unreported = {.summary = v->summary}; /* the gate of the status fetches */
    genuine = check_proof(&unreported, v->credential, opts);
  }
  if (stopped(v))
    return v->exit_code;
  if (wanted(opts, SC_VERIFY_VALIDITY))
    check_validity(v, opts->now);
  if (wanted(opts, SC_VERIFY_TRUST))
    check_trust(v, opts->trust);
  else
    look_up_trust(v, opts->trust);
  /* The status lists are fetched on the issuer's word only: a forged credential (a trusted
   * issuer's DID, any proof) must not make the verifier connect where its URLs point. */
  if (!wanted(opts, SC_VERIFY_STATUS))
    return v->exit_code;
  if (!genuine)
    record(v, "status", SC_CHECK_SKIPPED, SC_OK,
           "not checked: the proof did not verify, so its status lists are not fetched");
  else if (opts->status_only_if_trusted && !v->trusted_as)
    record(v, "status", SC_CHECK_SKIPPED, SC_OK,
           "not checked: the issuer is not trusted, so its status lists are not fetched");
  else
    sc_check_status(v, v->credential, opts);
  return v->exit_code;
}

int sc_verify_json(const char *data, size_t len, const char *source, const sc_verify_options *opts,
                   sc_verification *v) {
  memset(v, 0, sizeof *v);
  snprintf(v->source, sizeof v->source, "%s", source);
  sc_error err = {0};
  if (sc_json_parse(data, len, source, &v->credential, &err) != SC_OK) {
    record(v, "well-formed", SC_CHECK_FAILED, err.code, "%s", err.message);
    return v->exit_code;
  }
  record(v, "well-formed", SC_CHECK_PASSED, SC_OK, "strict JSON, %zu bytes", len);
  return verify_parsed(v, opts);
}

int sc_verify_value(json_t *credential, const char *source, const sc_verify_options *opts,
                    sc_verification *v) {
  memset(v, 0, sizeof *v);
  snprintf(v->source, sizeof v->source, "%s", source);
  v->credential = json_incref(credential);
  record(v, "well-formed", SC_CHECK_PASSED, SC_OK, "strict JSON");
  return verify_parsed(v, opts);
}

void sc_verification_fail(sc_verification *v, const char *source, const sc_error *err) {
  memset(v, 0, sizeof *v);
  snprintf(v->source, sizeof v->source, "%s", source);
  record(v, "input", SC_CHECK_FAILED, err->code ? err->code : SC_ESOFTWARE, "%s", err->message);
}

void sc_verification_record(sc_verification *v, const char *name, sc_check_state state, int code,
                            const char *message) {
  record(v, name, state, code, "%s", message);
}

void sc_verification_free(sc_verification *v) {
  json_decref(v->credential);
  v->credential = NULL;
}
