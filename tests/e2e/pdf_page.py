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


def string_bytes(token):
    """The bytes of a PDF string token: <hex> or (literal), as qpdf --qdf writes them."""
    if token.startswith(b"<"):
        return bytes.fromhex(token[1:-1].decode())
    out, body, i = bytearray(), token[1:-1], 0
    escapes = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12}
    while i < len(body):
        c = body[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1:])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out.append(escapes.get(nxt, nxt[0]))
            i += 2
    return bytes(out)


def reverse(src, dst, size):
    qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", src, "-"],
                         check=True, capture_output=True).stdout
    # The line is one TJ array of glyph strings (two-byte codes) and kerning numbers.
    shown = re.compile(rb"(/SC\d+ " + re.escape(size.encode()) + rb" Tf\s*\[)(.*?)(\]\s*TJ)", re.S)
    match = shown.search(qdf)
    if not match:
        sys.exit(f"no text at size {size} in {src}")
    tokens = re.findall(rb"<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\)", match.group(2), re.S)
    codes = b"".join(string_bytes(t) for t in tokens)
    glyphs = [codes[i:i + 2] for i in range(0, len(codes), 2)]
    forged = b"<" + b"".join(reversed(glyphs)).hex().encode() + b">"
    qdf = qdf[:match.start(2)] + forged + qdf[match.end(2):]
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
