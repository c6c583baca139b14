/* QR codes through libqrencode: error correction M, the smallest version that holds the text,
 * one alphanumeric segment when the text allows it (our URLs are upper case for that), and
 * the mask chosen by the standard's penalty computed in qr_mask.c. */
#include "issuer/qr_internal.h"

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

/* Not in qrencode.h, but exported by libqrencode since 3.0 and used by its own tests: the
 * symbol with a given mask (0-7; -1 lets libqrencode choose) and the string splitter that
 * QRcode_encodeString runs. */
extern QRcode *QRcode_encodeMask(QRinput *input, int mask);
extern int Split_splitStringToQRinput(const char *string, QRinput *input, QRencodeMode hint,
                                      int casesensitive);

static QRinput *input_for(const char *text) {
  QRinput *input = QRinput_new2(0, QR_ECLEVEL_M);
  if (!input)
    return NULL;
  int rc = is_alphanumeric(text) /* else libqrencode splits into the cheapest segments */
               ? QRinput_append(input, QR_MODE_AN, (int)strlen(text), (const unsigned char *)text)
               : Split_splitStringToQRinput(text, input, QR_MODE_8, 1);
  if (rc != 0) {
    QRinput_free(input);
    return NULL;
  }
  return input;
}

/* The mask the standard's rule picks (the lowest penalty, the first of equals), found from
 * the symbol for mask 0 without making the other seven (qr_mask.c): the same choice as
 * libqrencode's own search, at a fraction of its cost, and the code is still libqrencode's.
 * Symbols wider than the penalty handles are left to libqrencode's search. */
static QRcode *encode(const char *text) {
  QRinput *input = input_for(text);
  if (!input)
    return NULL;
  QRcode *code = QRcode_encodeMask(input, 0);
  int mask = code ? sc_qr_best_mask(code->data, code->width) : 0;
  if (mask != 0) { /* another mask, or -1: libqrencode chooses */
    QRcode_free(code);
    code = QRcode_encodeMask(input, mask);
  }
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
