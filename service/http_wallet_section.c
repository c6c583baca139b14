/* The claim page's "Add to a wallet" section (docs/claim.md). This version offers no wallet
 * yet and appends nothing; the wallet exchange replaces this file. */
#include "service/http_internal.h"

int sc_wallet_section_html(const sc_http_config *cfg, const char *credential_id, const char *lang,
                           int64_t now, sc_buf *html, sc_error *err) {
  (void)cfg, (void)credential_id, (void)lang, (void)now, (void)html, (void)err;
  return SC_OK;
}
