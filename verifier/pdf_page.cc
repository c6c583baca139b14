// What the first page of a PDF shows, read with poppler's C++ API (Debian libpoppler-cpp-dev):
// its text in reading order, its document information, and the page rendered to grey pixels
// for the QR scanner. libqpdf (pdf_extract.c) only finds the attachment; the
// page itself (fonts, ToUnicode maps, content streams) is poppler's job. C interface in
// verifier/verifier.h; the comparison with the credential is pdf_page_check.c.
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>

extern "C" {
#include "verifier/verifier.h"
}

namespace {

// poppler prints every syntax problem of a hostile PDF on stderr; the verdict says what counts.
void quiet(const std::string &, void *) {}

char *copy_utf8(const poppler::ustring &text) {
  poppler::byte_array bytes = text.to_utf8();
  char *out = static_cast<char *>(std::malloc(bytes.size() + 1));
  if (!out)
    throw std::bad_alloc();
  if (!bytes.empty())
    std::memcpy(out, bytes.data(), bytes.size());
  out[bytes.size()] = '\0';
  return out;
}

// Rows of 8-bit grey, width bytes each (poppler pads its rows to 4 bytes).
int copy_grey(const poppler::image &image, sc_pdf_page *page, sc_error *err) {
  if (!image.is_valid() || image.format() != poppler::image::format_gray8)
    return sc_fail(err, SC_EDATA, "PDF: the page cannot be rendered");
  size_t width = static_cast<size_t>(image.width()), height = static_cast<size_t>(image.height());
  size_t stride = static_cast<size_t>(image.bytes_per_row());
  page->grey = static_cast<unsigned char *>(std::malloc(width * height));
  if (!page->grey)
    return sc_oom(err);
  const char *rows = image.const_data();
  for (size_t y = 0; y < height; y++)
    std::memcpy(page->grey + y * width, rows + y * stride, width);
  page->width = static_cast<unsigned>(width);
  page->height = static_cast<unsigned>(height);
  return SC_OK;
}

// At most this many pixels are rendered: A4 at 300 dpi (the second try for a skillcert QR
// code) is 8.7 million. A larger page (a poster, or a hostile MediaBox asking for gigabytes)
// is rendered at a lower resolution, where a QR code may not be found.
constexpr double max_pixels = 12e6;

int render(const poppler::page &p, unsigned dpi, sc_pdf_page *page, sc_error *err) {
  poppler::rectf box = p.page_rect();                       // the crop box: what a viewer shows
  double area = box.width() * box.height() / (72.0 * 72.0); // square inches
  double res = dpi;
  if (area * res * res > max_pixels)
    res = std::sqrt(max_pixels / area);
  if (!(area > 0 && box.width() * res / 72.0 >= 1 && box.height() * res / 72.0 >= 1))
    return sc_fail(err, SC_EDATA, "PDF: the page is %.0f x %.0f pt, which cannot be rendered",
                   box.width(), box.height());
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  // No anti-aliasing: sharp module edges for zbar, and a third less time.
  renderer.set_render_hints(0);
  return copy_grey(renderer.render_page(&p, res, res), page, err);
}

int read_page(const uint8_t *pdf, size_t len, unsigned dpi, sc_pdf_page *page, sc_error *err) {
  static std::once_flag quieted;
  std::call_once(quieted, [] { poppler::set_debug_error_function(quiet, nullptr); });
  if (len > INT_MAX)
    return sc_fail(err, SC_EDATA, "PDF: too large");
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(reinterpret_cast<const char *>(pdf), int(len)));
  if (!doc)
    return sc_fail(err, SC_EDATA, "PDF: poppler cannot read the document");
  if (doc->is_locked())
    return sc_fail(err, SC_EDATA, "PDF: the document is encrypted");
  if (doc->pages() < 1)
    return sc_fail(err, SC_EDATA, "PDF: the document has no page");
  std::unique_ptr<poppler::page> first(doc->create_page(0));
  if (!first)
    return sc_fail(err, SC_EDATA, "PDF: the first page cannot be read");
  page->creator = copy_utf8(doc->get_creator());
  page->producer = copy_utf8(doc->get_producer());
  // Reading order, as pdftotext prints it: right-to-left runs come out logical (docs/pdf.md).
  page->text = copy_utf8(first->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
  // Drawing order keeps a block's lines together where reading order may not: a long name
  // wrapped onto the line below it comes out interleaved with that line.
  page->text_drawn = copy_utf8(first->text(poppler::rectf(), poppler::page::raw_order_layout));
  return dpi ? render(*first, dpi, page, err) : SC_OK;
}

} // namespace

extern "C" int sc_pdf_page_read(const uint8_t *pdf, size_t len, unsigned dpi, sc_pdf_page *page,
                                sc_error *err) {
  std::memset(page, 0, sizeof *page);
  int rc;
  try {
    rc = read_page(pdf, len, dpi, page, err);
  } catch (const std::bad_alloc &) {
    rc = sc_oom(err);
  } catch (...) {
    rc = sc_fail(err, SC_EDATA, "PDF: poppler cannot read the page");
  }
  if (rc != SC_OK)
    sc_pdf_page_free(page);
  return rc;
}

// The sanitizer builds' leak check (LeakSanitizer calls this when it is defined): fontconfig,
// which poppler asks for a font a PDF does not embed (Helvetica in another tool's PDF), keeps
// its configuration for the life of the process, allocated once (288 bytes, measured).
extern "C" const char *__lsan_default_suppressions(void);
extern "C" const char *__lsan_default_suppressions(void) {
  return "leak:libfontconfig.so\n";
}

extern "C" void sc_pdf_page_free(sc_pdf_page *page) {
  std::free(page->text);
  std::free(page->text_drawn);
  std::free(page->creator);
  std::free(page->producer);
  std::free(page->grey);
  std::memset(page, 0, sizeof *page);
}
