/* QR codes through libqrencode: error correction M, the smallest version that holds the text,
 * one alphanumeric segment when the text allows it (our URLs are upper case for that). */
#include "issuer/issuer.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

static bool is_alphanumeric(const char *text) {
  for (const char *p = text; *p; p++)
    if (!strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *p))
      return false;
  return *text != '\0';
}

static QRcode *encode(const char *text) {
  if (!is_alphanumeric(text)) /* libqrencode splits into the cheapest segments */
    return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  QRinput *input = QRinput_new2(0, QR_ECLEVEL_M);
  if (!input)
    return NULL;
  QRcode *code = NULL;
  if (QRinput_append(input, QR_MODE_AN, (int)strlen(text), (const unsigned char *)text) == 0)
    code = QRcode_encodeInput(input);
  QRinput_free(input);
  return code;
}

int sc_qr_make(const char *text, int max_version, sc_qr_code *out, sc_error *err) {
  memset(out, 0, sizeof *out);
  if (!text || !*text)
    return sc_fail(err, SC_EDATA, "QR code: no text to encode");
  errno = 0;
  QRcode *code = encode(text);
  if (!code && errno == ENOMEM)
    return sc_oom(err);
  if (!code)
    return sc_fail(err, SC_EDATA, "QR code: %zu characters do not fit any QR version (max %d)",
                   strlen(text), max_version);
  if (code->version > max_version) {
    int version = code->version;
    QRcode_free(code);
    return sc_fail(err, SC_EDATA, "QR code: needs QR version %d (max %d)", version, max_version);
  }
  size_t cells = (size_t)code->width * (size_t)code->width;
  out->modules = malloc(cells);
  if (!out->modules) {
    QRcode_free(code);
    return sc_oom(err);
  }
  for (size_t i = 0; i < cells; i++)
    out->modules[i] = code->data[i] & 1;
  out->version = code->version;
  out->width = code->width;
  QRcode_free(code);
  return SC_OK;
}

void sc_qr_free(sc_qr_code *qr) {
  if (!qr)
    return;
  free(qr->modules);
  memset(qr, 0, sizeof *qr);
}
