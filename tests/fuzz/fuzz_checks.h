/*
 * tests/fuzz/fuzz_checks.h — what the fuzz targets check, shared with the unit test that
 * replays the corpus and the regression inputs (tests/unit/test_fuzz_regressions.c), so a
 * crashing input found by libFuzzer fails `make test` through exactly the same code path.
 *
 * Each check returns true when the library behaved sanely on the input; false means a
 * property broke (the fuzz target then traps, the unit test fails).
 */
#ifndef SKILLCERT_FUZZ_CHECKS_H
#define SKILLCERT_FUZZ_CHECKS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "verifier/verifier.h"

/* The issuers the verify target trusts: the W3C eddsa-jcs-2022 test key (most vectors in
 * the corpus) and the home that issued tests/fuzz/corpus/fuzz_verify/skillcert-issued-*. */
#define FUZZ_TRUSTED_W3C "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
#define FUZZ_TRUSTED_SKILLCERT "did:key:z6MkqMDRbpewGCbXeD1jVP9XtUWccT9nnKxUo7QB3iyjpmqQ"
/* A fixed instant (2030-01-01T00:00:00Z) so a run is reproducible: the seeds are valid then. */
#define FUZZ_NOW INT64_C(1893456000)

/* Canonical JSON must be a fixed point: parsing JCS output and canonicalising it again
 * gives the same bytes. */
static inline bool fuzz_jcs_is_idempotent(const char *canonical) {
  json_t *again = NULL;
  if (sc_json_parse(canonical, strlen(canonical), "jcs output", &again, NULL) != SC_OK)
    return false;
  char *twice = sc_jcs(again, NULL);
  bool same = twice && strcmp(twice, canonical) == 0;
  free(twice);
  json_decref(again);
  return same;
}

/* sc_json_parse then, on success, sc_jcs. A parse failure must be SC_EDATA with a message. */
static inline bool fuzz_check_json_jcs(const uint8_t *data, size_t size) {
  json_t *value = NULL;
  sc_error err = {0};
  int rc = sc_json_parse((const char *)data, size, "fuzz", &value, &err);
  if (rc != SC_OK)
    return rc == SC_EDATA && value == NULL && err.code == SC_EDATA && err.message[0] != '\0';
  sc_error_clear(&err);
  char *canonical = sc_jcs(value, &err);
  /* Strict intake refuses NaN and infinities, so a parsed value always canonicalises. */
  bool sane = canonical != NULL && fuzz_jcs_is_idempotent(canonical);
  free(canonical);
  json_decref(value);
  return sane;
}

static inline sc_trust_list *fuzz_trust_list(void) {
  sc_trust_list *trust = sc_trust_new();
  if (trust && (sc_trust_add(trust, FUZZ_TRUSTED_W3C, "W3C test vectors", NULL) != SC_OK ||
                sc_trust_add(trust, FUZZ_TRUSTED_SKILLCERT, "Fuzz Academy", NULL) != SC_OK)) {
    sc_trust_free(trust);
    return NULL;
  }
  return trust;
}

static inline bool fuzz_exit_code_known(int code) {
  return (code >= SC_OK && code <= SC_ESTATUS) || code == SC_EUSAGE || code == SC_EDATA ||
         code == SC_ENOINPUT || code == SC_ESOFTWARE;
}

/* sc_verify_json with a trust list and a fixed time: the verdict is one of the documented
 * exit codes, it matches the checks recorded, and a valid verdict carries a credential. */
static inline bool fuzz_check_verify(const uint8_t *data, size_t size, const sc_trust_list *trust) {
  sc_verify_options opts = {.trust = trust, .now = FUZZ_NOW};
  sc_verification result;
  memset(&result, 0, sizeof result);
  int rc = sc_verify_json((const char *)data, size, "fuzz", &opts, &result);
  bool sane = rc == result.exit_code && fuzz_exit_code_known(rc) &&
              result.check_count <= SC_MAX_CHECKS && (rc != SC_OK || result.credential);
  for (size_t i = 0; sane && i < result.check_count; i++) {
    const sc_check *check = &result.checks[i];
    sane = check->name != NULL && (check->state != SC_CHECK_FAILED || check->code != SC_OK);
  }
  sc_verification_free(&result);
  return sane;
}

#endif
