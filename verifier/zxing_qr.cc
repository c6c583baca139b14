// The QR code in 8-bit grey pixels, read with ZXing-C++ (Debian libzxing-dev). ZXing finds
// codes that zbar misses in photos (perspective, blur, low contrast, dense codes: measured in
// docs/qr-scanning.md), so image_qr.c asks it first and zbar only when it finds nothing.
// C interface in verifier/verifier.h, like pdf_page.cc.
#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <climits>
#include <cstring>
#include <new>

extern "C" {
#include "verifier/verifier.h"
}

namespace {

ZXing::DecodeHints qr_hints(bool thorough) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  // Photos are rotated, tilted and larger than the code: look harder, and also at a reduced
  // copy (a 3000 px photo's modules are many pixels wide, its noise finer than a module).
  hints.setTryHarder(thorough);
  hints.setTryRotate(thorough);
  hints.setTryDownscale(true);
  hints.setBinarizer(ZXing::Binarizer::LocalAverage);
  hints.setMaxNumberOfSymbols(1);
  return hints;
}

int read_qr(const unsigned char *pixels, unsigned width, unsigned height, bool thorough,
            sc_buf *text) {
  if (width > INT_MAX || height > INT_MAX)
    return SC_EDATA;
  ZXing::ImageView view(pixels, int(width), int(height), ZXing::ImageFormat::Lum);
  ZXing::Result result = ZXing::ReadBarcode(view, qr_hints(thorough));
  if (!result.isValid())
    return SC_EDATA;
  // The bytes as encoded (our payloads are QR alphanumeric text): no character-set guessing.
  const ZXing::ByteArray &bytes = result.bytes();
  if (bytes.empty())
    return SC_EDATA;
  if (!sc_buf_append(text, bytes.data(), bytes.size()))
    return SC_ESOFTWARE;
  return SC_OK;
}

} // namespace

extern "C" int sc_zxing_read_qr(const unsigned char *pixels, unsigned width, unsigned height,
                                bool thorough, sc_buf *text) {
  sc_buf_reset(text);
  int rc;
  try {
    rc = read_qr(pixels, width, height, thorough, text);
  } catch (const std::bad_alloc &) {
    rc = SC_ESOFTWARE;
  } catch (...) {
    rc = SC_EDATA;
  }
  if (rc != SC_OK)
    sc_buf_reset(text);
  return rc;
}
