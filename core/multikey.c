/* Ed25519 Multikey (Controlled Identifiers v1.0 section 2.2.2): 'z' + base58btc of the
 * multicodec header 0xed 0x01 followed by the 32-byte public key. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t ED25519_HEADER[2] = {0xed, 0x01};

char *sc_multikey_encode(const uint8_t pub[SC_ED25519_PUBLIC_BYTES]) {
  uint8_t bytes[sizeof ED25519_HEADER + SC_ED25519_PUBLIC_BYTES];
  memcpy(bytes, ED25519_HEADER, sizeof ED25519_HEADER);
  memcpy(bytes + sizeof ED25519_HEADER, pub, SC_ED25519_PUBLIC_BYTES);
  return sc_multibase_encode('z', bytes, sizeof bytes);
}

/* Reads the multicodec varint at the start of bytes, for a message naming what was found. */
static unsigned long read_varint(const uint8_t *bytes, size_t len) {
  unsigned long value = 0;
  for (size_t i = 0; i < len && i < 4; i++) {
    value |= (unsigned long)(bytes[i] & 0x7f) << (7 * i);
    if (!(bytes[i] & 0x80))
      break;
  }
  return value;
}

static const char *codec_name(unsigned long codec) {
  switch (codec) {
  case 0xec:
    return " (X25519, a key-agreement key)";
  case 0xe7:
    return " (secp256k1)";
  case 0x1200:
    return " (P-256)";
  case 0x1201:
    return " (P-384)";
  case 0x1300:
    return " (an Ed25519 private key)";
  default:
    return "";
  }
}

static int check_decoded(const sc_buf *bytes, sc_error *err) {
  if (bytes->len < sizeof ED25519_HEADER ||
      memcmp(bytes->data, ED25519_HEADER, sizeof ED25519_HEADER) != 0) {
    unsigned long codec = read_varint(bytes->data, bytes->len);
    return sc_fail(err, SC_EDATA, "Multikey: multicodec 0x%lx%s is not Ed25519 (0xed)", codec,
                   codec_name(codec));
  }
  size_t key_len = bytes->len - sizeof ED25519_HEADER;
  if (key_len != SC_ED25519_PUBLIC_BYTES)
    return sc_fail(err, SC_EDATA, "Multikey: Ed25519 public key is %zu bytes, expected %d", key_len,
                   SC_ED25519_PUBLIC_BYTES);
  return SC_OK;
}

int sc_multikey_decode(const char *multikey, uint8_t pub[SC_ED25519_PUBLIC_BYTES], sc_error *err) {
  if (!multikey || multikey[0] != 'z')
    return sc_fail(err, SC_EDATA, "Multikey: must start with 'z' (multibase base58btc), got '%.1s'",
                   multikey ? multikey : "");
  sc_buf bytes = {0};
  int rc = sc_multibase_decode(multikey, NULL, &bytes, err);
  if (rc == SC_EDATA)
    sc_error_prefix(err, "Multikey");
  if (!rc)
    rc = check_decoded(&bytes, err);
  if (!rc)
    memcpy(pub, bytes.data + sizeof ED25519_HEADER, SC_ED25519_PUBLIC_BYTES);
  sc_buf_free(&bytes);
  return rc;
}
