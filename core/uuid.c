/* Random (version 4) UUIDs for credential ids, and telling a UUID from other text. */
#include "core/core.h"

#include <string.h>

void sc_uuid_v4_format(const uint8_t random[16], char out[SC_AT_LEAST(SC_UUID_SIZE)]) {
  static const char hex[] = "0123456789abcdef";
  uint8_t b[16];
  for (int i = 0; i < 16; i++)
    b[i] = random[i];
  b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
  b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  size_t n = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[n++] = '-';
    out[n++] = hex[b[i] >> 4];
    out[n++] = hex[b[i] & 0xF];
  }
  out[n] = '\0';
}

bool sc_uuid_valid(const char *text, size_t len) {
  if (len != 36)
    return false;
  for (size_t i = 0; i < len; i++) {
    bool dash_place = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_place ? text[i] != '-' : sc_hex_digit((unsigned char)text[i]) < 0)
      return false;
  }
  return true;
}

const char *sc_uuid_of_urn(const char *id) {
  static const char prefix[] = "urn:uuid:";
  if (!id || strncmp(id, prefix, sizeof prefix - 1) != 0)
    return NULL;
  const char *uuid = id + sizeof prefix - 1;
  return sc_uuid_valid(uuid, strlen(uuid)) ? uuid : NULL;
}

int sc_uuid_v4(char out[SC_AT_LEAST(SC_UUID_SIZE)], sc_error *err) {
  uint8_t b[16];
  int rc = sc_random_bytes(b, sizeof b, err);
  if (rc == SC_OK)
    sc_uuid_v4_format(b, out);
  return rc;
}
