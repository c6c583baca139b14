#!/usr/bin/env python3
"""Appends an incremental update to a PDF, as a PDF editor saving in place does: a new
revision of the document catalog (with /Lang added), its own xref section, and a trailer whose
/Prev points at the previous cross-reference table. Usage: append_revision.py IN OUT"""
import re
import subprocess
import sys


def main(src, dst):
    data = open(src, "rb").read()
    trailer = subprocess.run(["qpdf", "--show-object=trailer", src], check=True,
                             capture_output=True, text=True).stdout
    root = int(re.search(r"/Root (\d+) 0 R", trailer).group(1))
    size = int(re.search(r"/Size (\d+)", trailer).group(1))
    catalog = subprocess.run(["qpdf", f"--show-object={root}", src], check=True,
                             capture_output=True, text=True).stdout.strip()
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    catalog = catalog[:-2].rstrip() + " /Lang (en-GB) >>"
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offset = len(out)
    out += f"{root} 0 obj\n{catalog}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 1\n0000000000 65535 f \n{root} 1\n{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {size} /Root {root} 0 R /Prev {prev} >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
