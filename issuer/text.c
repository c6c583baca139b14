/* Text from users is kept exactly as given, in Unicode Normalization Form C, so that the same
 * name typed on two keyboards becomes the same bytes in the credential. */
#include "issuer/issuer.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

char *sc_text_nfc(const char *text, size_t len, const char *field, sc_error *err) {
  if (memchr(text, '\0', len)) {
    sc_fail(err, SC_EDATA, "%s: contains a NUL character", field);
    return NULL;
  }
  utf8proc_uint8_t *nfc = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, &nfc,
                                    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (n < 0) {
    sc_fail(err, n == UTF8PROC_ERROR_NOMEM ? SC_ESOFTWARE : SC_EDATA, "%s: %s", field,
            n == UTF8PROC_ERROR_NOMEM ? "out of memory" : "not valid UTF-8 text");
    return NULL;
  }
  return (char *)nfc;
}

static int nfc_string(json_t *string, const char *field, sc_error *err) {
  char *nfc = sc_text_nfc(json_string_value(string), json_string_length(string), field, err);
  if (!nfc)
    return err ? err->code : SC_EDATA;
  int rc = json_string_set(string, nfc) == 0 ? SC_OK : sc_oom(err);
  free(nfc);
  return rc;
}

int sc_json_nfc(json_t *value, const char *field, sc_error *err) {
  int rc = SC_OK;
  if (json_is_string(value))
    return nfc_string(value, field, err);
  if (json_is_array(value)) {
    size_t i;
    json_t *item;
    json_array_foreach(value, i, item) {
      if ((rc = sc_json_nfc(item, field, err)) != SC_OK)
        return rc;
    }
  } else if (json_is_object(value)) {
    /* Keys are vocabulary terms (ASCII), so only the values are normalised. */
    const char *key;
    json_t *item;
    json_object_foreach(value, key, item) {
      if ((rc = sc_json_nfc(item, key, err)) != SC_OK)
        return rc;
    }
  }
  return rc;
}
