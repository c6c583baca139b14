/* The home of the unit tests that issue: the issuer "Acme" at https://acme.example, whose key
 * has no passphrase, made in a scratch folder. */
#ifndef SKILLCERT_TEST_HOME_SUPPORT_H
#define SKILLCERT_TEST_HOME_SUPPORT_H

#include "test_support.h"

#include <openssl/evp.h>

#include "issuer/issuer.h"

/* Makes <dir>/home, opens it into home and loads its key into key; SC_OK or the code of the
 * step that failed, with err set. */
static inline int open_acme_home(const char *dir, sc_home *home, EVP_PKEY **key, sc_error *err) {
  char root[128];
  snprintf(root, sizeof root, "%s/home", dir);
  sc_passphrase_source none = {.none = true};
  sc_home_init_options opts = {.name = "Acme", .url = "https://acme.example", .passphrase = &none};
  int rc = sc_home_init(root, &opts, err);
  if (rc == SC_OK)
    rc = sc_home_open(root, home, err);
  if (rc == SC_OK)
    rc = sc_home_load_key(home, &none, key, err);
  return rc;
}

#endif
