/* LinkedIn's add-certification link: one builder for serve's pages and the certificate
 * e-mail, so both links carry the same fields the same way. */
#include "issuer/issuer.h"

#include <stdio.h>

/* &<year_key>=YYYY&<month_key>=M from an ISO date's start; nothing when date is none. */
static bool year_month(sc_buf *url, const char *date, const char *year_key, const char *month_key) {
  int year = 0, month = 0;
  if (!date || sscanf(date, "%4d-%2d", &year, &month) != 2)
    return true;
  char text[64];
  snprintf(text, sizeof text, "&%s=%d&%s=%d", year_key, year, month_key, month);
  return sc_buf_append_str(url, text);
}

bool sc_linkedin_url(sc_buf *url, const sc_linkedin_cert *c) {
  bool ok = sc_buf_append_str(url, "https://www.linkedin.com/profile/add?startTask="
                                   "CERTIFICATION_NAME&name=") &&
            sc_buf_append_url_encoded(url, c->name) &&
            sc_buf_append_str(url, "&organizationName=") &&
            sc_buf_append_url_encoded(url, c->organization) &&
            year_month(url, c->issued, "issueYear", "issueMonth") &&
            year_month(url, c->expires, "expirationYear", "expirationMonth");
  if (ok && c->cert_url)
    ok = sc_buf_append_str(url, "&certUrl=") && sc_buf_append_url_encoded(url, c->cert_url);
  return ok && sc_buf_append_str(url, "&certId=") && sc_buf_append_url_encoded(url, c->cert_id);
}
