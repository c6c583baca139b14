#!/usr/bin/python3
"""Prints the /V/ path of a QR code for any credential JSON, signed or not: what skillcert's
QR payload holds (docs/qr-payload.md), raw DEFLATE with the version-1 preset dictionary of the
credential's canonical JSON, in upper-case base32. `skillcert render` refuses a credential whose
proof does not verify, so tests that need the QR code of a forged credential make it here.

usage: qr_path.py CREDENTIAL.json
"""
import base64
import json
import os
import re
import sys
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def dictionary_v1():
    """The bytes of DICTIONARY_V1, read from its C source (the one place they are written)."""
    with open(os.path.join(ROOT, "core", "qr_dictionary_v1.c"), encoding="utf-8") as f:
        source = f.read()
    body = source.split("DICTIONARY_V1[] =", 1)[1].split(";\n", 1)[0]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', body)
    text = "".join(pieces).replace('\\"', '"').replace("\\\\", "\\")
    return text.encode("utf-8")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        credential = json.load(f)
    canonical = json.dumps(credential, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, dictionary_v1())
    packed = packer.compress(canonical.encode("utf-8")) + packer.flush()
    print("/V/1" + base64.b32encode(packed).decode("ascii").rstrip("="))


main()
