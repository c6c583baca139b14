/* How an issuer home signs: a proof set of eddsa-rdfc-2022 then eddsa-jcs-2022 by default, or
 * one of them (skillcert.json "proofs": "both", "rdfc" or "jcs"). rdfc comes first because some
 * validators check only the first proof, and the wallets and verifiers people use (the Learner
 * Credential Wallet, VerifierPlus, 1EdTech's validator) check RDF proofs only; jcs second for
 * verifiers without a JSON-LD processor. Both proofs sign the document without proofs (a set,
 * not a chain). */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>

int sc_home_proofs(const sc_home *home, sc_home_proof_set *out, sc_error *err) {
  const json_t *value = json_object_get(home->config, "proofs");
  const char *word = value ? json_string_value(value) : "both";
  if (!word || (strcmp(word, "both") && strcmp(word, "rdfc") && strcmp(word, "jcs")))
    return sc_fail(err, SC_ECONFIG,
                   "%s/skillcert.json: proofs: expected \"both\", \"rdfc\" or \"jcs\"", home->root);
  *out = strcmp(word, "rdfc") == 0  ? SC_PROOFS_RDFC
         : strcmp(word, "jcs") == 0 ? SC_PROOFS_JCS
                                    : SC_PROOFS_BOTH;
  return SC_OK;
}

/* One signer for both proofs: setting one up costs about as much as a tenth of a proof. */
int sc_issue_sign(const sc_home *home, EVP_PKEY *key, json_t *credential, sc_home_proof_set proofs,
                  const char *created, sc_error *err) {
  sc_signer *signer = sc_signer_new(key, err);
  if (!signer)
    return err ? err->code : SC_EUSAGE;
  int rc = sc_issue_sign_with(home, signer, NULL, credential, proofs, created, err);
  sc_signer_free(signer);
  return rc;
}

int sc_issue_sign_with(const sc_home *home, sc_signer *signer, sc_jsonld_shapes *shapes,
                       json_t *credential, sc_home_proof_set proofs, const char *created,
                       sc_error *err) {
  char *vm = sc_home_verification_method(home);
  if (!vm)
    return sc_oom(err);
  sc_proof_options opts = {.verification_method = vm, .created = created, .shapes = shapes};
  int rc = SC_OK;
  if (proofs != SC_PROOFS_JCS) {
    opts.cryptosuite = SC_EDDSA_RDFC_2022;
    rc = sc_di_sign_with(credential, signer, &opts, NULL, err);
    opts.add_to_set = true;
  }
  if (rc == SC_OK && proofs != SC_PROOFS_RDFC) {
    opts.cryptosuite = SC_EDDSA_JCS_2022;
    rc = sc_di_sign_with(credential, signer, &opts, NULL, err);
  }
  free(vm);
  return rc;
}

bool sc_home_suspension(const sc_home *home) {
  return json_is_true(json_object_get(home->config, "suspension"));
}
