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

typedef struct sc_verify_options {
  const sc_trust_list *trust; /* NULL = nobody is trusted */
  int64_t now;                /* the instant to judge validity at */
} sc_verify_options;

/* Verifies a credential given as JSON text. Always fills result (free it with
 * sc_verification_free) and returns result->exit_code. */
int sc_verify_json(const char *data, size_t len, const char *source, const sc_verify_options *opts,
                   sc_verification *result);
void sc_verification_free(sc_verification *result);

/* Fills summary with pointers into credential. */
void sc_credential_summarize(const json_t *credential, sc_credential_summary *summary);

/* The one-word verdict of an exit code: "VALID", "INVALID", "REVOKED" … */
const char *sc_verdict_word(int exit_code);

/* Human report: the verdict line first, then one line per check. */
void sc_report_text(const sc_verification *result, FILE *out);
/* One JSON object shaped like the VC API verify response (docs/verify.md). */
int sc_report_json(const sc_verification *result, FILE *out, sc_error *err);

#endif
