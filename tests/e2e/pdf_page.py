#!/usr/bin/python3
"""Forges the page of a PDF certificate while keeping its attachment, for pdf_page.bats.

usage: pdf_page.py reverse IN.pdf OUT.pdf SIZE
           the text drawn at font size SIZE (e.g. 34.00, the name in ai-fundamentals) is
           drawn with its glyphs in reverse order ("Ann Lee" becomes "eeL nnA"): the
           content stream of `qpdf --qdf` is edited and the file repaired with fix-qdf
       pdf_page.py foreign OUT.pdf CREATOR TEXT...
           a one-page PDF as another tool would make it (Helvetica, one line per TEXT, no QR
           code, /Creator CREATOR); attach a credential with qpdf --add-attachment
"""
import re
import subprocess
import sys


def reverse(src, dst, size):
    qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", src, "-"],
                         check=True, capture_output=True).stdout
    shown = re.compile(rb"(/SC\d+ " + re.escape(size.encode()) + rb" Tf <)([0-9a-f]+)(> Tj)")
    match = shown.search(qdf)
    if not match:
        sys.exit(f"no text at size {size} in {src}")
    glyphs = [match.group(2)[i:i + 4] for i in range(0, len(match.group(2)), 4)]
    qdf = qdf[:match.start(2)] + b"".join(reversed(glyphs)) + qdf[match.end(2):]
    fixed = subprocess.run(["fix-qdf"], input=qdf, check=True, capture_output=True).stdout
    with open(dst, "wb") as out:
        out.write(fixed)


def pdf_string(text):
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def foreign(dst, creator, lines):
    content = "BT /F1 24 Tf 80 480 Td " + " 0 -40 Td ".join(
        pdf_string(line) + " Tj" for line in lines) + " ET"
    content = content.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Creator " + pdf_string(creator).encode("latin-1") + b" /Producer (a word processor) >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    with open(dst, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "reverse":
        reverse(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] == "foreign":
        foreign(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)
