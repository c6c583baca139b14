#!/bin/sh
# Regenerates the image fixtures of tests/unit/test_inputs.c from qr.txt (the QR text of a
# `skillcert template preview ai-fundamentals` certificate): a clean QR code PNG (qrencode)
# and photo-like JPEGs (ImageMagick: scaled to 70 %, rotated 4°, slight noise, JPEG quality 80).
# (Photos of whole certificates are made at run time by tests/e2e/verify_inputs.bats.)
set -eu
cd "$(dirname "$0")"
tr -d '\n' <qr.txt | qrencode -l M -s 4 -m 4 -o qr.png
photo() { convert "$1" -resize 70% -background white -rotate 4 -attenuate 0.4 +noise Gaussian -quality 80 "$2"; }
photo qr.png qr-photo.jpg
