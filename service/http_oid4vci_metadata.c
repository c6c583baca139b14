/* OpenID4VCI 1.0 metadata (docs/wallets.md "OpenID4VCI"): the credential issuer's
 * (/.well-known/openid-credential-issuer, §12.2) and the authorization server's that its token
 * endpoint needs (/.well-known/oauth-authorization-server, RFC 8414). skillcert is its own
 * authorization server, for the pre-authorized code grant only. */
#include "service/http_internal.h"

#include <stdio.h>

#define VC2_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define OB3_CONTEXT "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#define CONFIGURATION "OpenBadgeCredential_ldp_vc" /* wallet_offer.c's */
#define PRE_AUTHORIZED "urn:ietf:params:oauth:grant-type:pre-authorized_code"

static char *endpoint(const sc_http_config *cfg, const char *path, char *out, size_t size) {
  snprintf(out, size, "%s%s", cfg->base_url, path);
  return out;
}

static json_t *configuration(void) {
  return json_pack("{s:s, s:[s], s:[s], s:{s:{s:[s]}}, s:{s:[s, s], s:[s, s]}, s:{s:[{s:s}]}}",
                   "format", "ldp_vc", "cryptographic_binding_methods_supported", "did:key",
                   "credential_signing_alg_values_supported", "eddsa-rdfc-2022",
                   "proof_types_supported", "jwt", "proof_signing_alg_values_supported", "EdDSA",
                   "credential_definition", "@context", VC2_CONTEXT, OB3_CONTEXT, "type",
                   "VerifiableCredential", "OpenBadgeCredential", "credential_metadata", "display",
                   "name", "Open Badge");
}

void http_oid4vci_issuer_metadata(const sc_http_config *cfg, const sc_http_request *req,
                                  sc_http_response *res) {
  (void)req;
  char credential[1024], nonce[1024];
  const char *name = cfg->issuer->home->issuer_name;
  json_t *doc = json_pack("{s:s, s:s, s:s, s:[{s:s}], s:{s:o}}", "credential_issuer", cfg->base_url,
                          "credential_endpoint",
                          endpoint(cfg, "/oid4vci/credential", credential, sizeof credential),
                          "nonce_endpoint", endpoint(cfg, "/oid4vci/nonce", nonce, sizeof nonce),
                          "display", "name", name ? name : cfg->base_url,
                          "credential_configurations_supported", CONFIGURATION, configuration());
  http_answer_json(res, 200, doc);
  res->cache_control = "public, max-age=300";
}

void http_oid4vci_server_metadata(const sc_http_config *cfg, const sc_http_request *req,
                                  sc_http_response *res) {
  (void)req;
  char token[1024];
  json_t *doc = json_pack(
      "{s:s, s:s, s:[s], s:b, s:[]}", "issuer", cfg->base_url, "token_endpoint",
      endpoint(cfg, "/oid4vci/token", token, sizeof token), "grant_types_supported", PRE_AUTHORIZED,
      "pre-authorized_grant_anonymous_access_supported", 1, "response_types_supported");
  http_answer_json(res, 200, doc);
  res->cache_control = "public, max-age=300";
}
