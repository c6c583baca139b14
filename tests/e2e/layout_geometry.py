#!/usr/bin/env python3
"""Geometry of a rendered certificate (tests/e2e/layout_geometry.bats).

  layout_geometry.py name SCRIPT LENGTH     prints a name of LENGTH characters in SCRIPT
  layout_geometry.py check TEMPLATE.json FILE.pdf [NAME]
      reads the page's words with `pdftotext -bbox-layout` and fails (exit 1, one line per
      problem) when two words overlap, a word crosses a rule (a thin shape or a frame's line
      from TEMPLATE.json), the logo or the QR code, or a word leaves the page; and, given NAME,
      when the page (`pdftotext -raw`, white space aside) does not show NAME whole.

Word boxes are the font's ascent and descent around the baseline; lines of one block may touch
or overlap a little there (a font whose ascent + descent exceed the line height), so an overlap
counts when it is deeper than OVERLAP of the smaller word's height. Against a rule a word's
box counts without its outer CROSS (the empty space above capitals and below descenders).
"""
import json
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET

MM = 72 / 25.4
OVERLAP = 0.12
CROSS = 0.12
EDGE = 0.5  # points a word may stick out of the page (rounding)

WORDS = {
    "latin": "Ann Lee Maria Fernanda de los Angeles Rodriguez Villanueva y Garcia Concepcion".split(),
    "indonesian": ("Muhammad Rizky Pratama Siti Nurhaliza Wijayakusuma Dewi Anggraeni "
                   "Kusumawardhani Bambang Soesatyo Hadiningrat Putri").split(),
    "arabic": "محمد عبد الله بن سلمان آل سعود فاطمة الزهراء عبد الرحمن الهاشمي".split(),
    "cjk": None,  # no spaces: the renderer must break between characters
}
CJK = "王小明山田太郎李華陳美玲佐藤健一郎高橋花子"


def make_name(script, length):
    if script == "cjk":
        return (CJK * (length // len(CJK) + 1))[:length]
    words, out, i = WORDS[script], "", 0
    while len(out) < length:
        out += (" " if out else "") + words[i % len(words)]
        i += 1
    out = out[:length].rstrip()
    while len(out) < length:  # a cut that ended in a space: pad the last word
        out += words[0][0].lower() if script != "arabic" else "ن"
    return out


def rules(template):
    """Rectangles (points, top-left origin) no word may cross: thin shapes, frame lines, the
    logo and the QR code."""
    out = []
    for s in template.get("shapes", []):
        x, y, w, h = (s[k] * MM for k in ("x", "y", "width", "height"))
        stroke = s.get("stroke", 0) * MM
        if stroke > 0:
            out += [("frame", x, y, x + w, y + stroke), ("frame", x, y + h - stroke, x + w, y + h),
                    ("frame", x, y, x + stroke, y + h), ("frame", x + w - stroke, y, x + w, y + h)]
        elif min(w, h) <= 2 * MM:
            out.append(("rule", x, y, x + w, y + h))
    logo = template.get("logo")
    if logo:
        x, y, w, h = (logo[k] * MM for k in ("x", "y", "width", "height"))
        out.append(("logo", x, y, x + w, y + h))
    qr = template.get("qr")
    if qr:
        x, y, size = qr["x"] * MM, qr["y"] * MM, qr.get("size", 50) * MM
        out.append(("QR code", x, y, x + size, y + size))
    return out


def words_of(pdf):
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], check=True,
                           capture_output=True).stdout
    root = ET.fromstring(xhtml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    page = root.find(".//h:page", ns)
    words = [(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
             for w in root.iter("{http://www.w3.org/1999/xhtml}word")]
    return float(page.get("width")), float(page.get("height")), words


def overlap(a0, a1, b0, b1):
    return min(a1, b1) - max(a0, b0)


def shows(pdf, name):
    """Whether the page shows name whole: a name is never cut, only wrapped. As verify reads
    it (docs/verify.md): in reading or drawing order, NFKC, without bidi marks."""
    def plain(text):
        text = unicodedata.normalize("NFKC", text)
        return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    for order in (["pdftotext"], ["pdftotext", "-raw"]):
        page = subprocess.run(order + [pdf, "-"], check=True, capture_output=True).stdout
        if plain(name) in plain(page.decode()):
            return True
    return False


def check(template_file, pdf, name=None):
    with open(template_file, encoding="utf-8") as f:
        template = json.load(f)
    width, height, words = words_of(pdf)
    problems = []
    for text, x0, y0, x1, y1 in words:
        if x0 < -EDGE or y0 < -EDGE or x1 > width + EDGE or y1 > height + EDGE:
            problems.append(f"'{text}' leaves the page ({x0:.1f},{y0:.1f})-({x1:.1f},{y1:.1f})")
        cut = (y1 - y0) * CROSS
        for what, rx0, ry0, rx1, ry1 in rules(template):
            if overlap(x0, x1, rx0, rx1) > 0 and overlap(y0 + cut, y1 - cut, ry0, ry1) > 0:
                problems.append(f"'{text}' crosses the {what} at y={ry0 / MM:.1f}-{ry1 / MM:.1f} mm")
    for i, (ta, ax0, ay0, ax1, ay1) in enumerate(words):
        for tb, bx0, by0, bx1, by1 in words[i + 1:]:
            deep = min(ay1 - ay0, by1 - by0) * OVERLAP
            if overlap(ax0, ax1, bx0, bx1) > EDGE and overlap(ay0, ay1, by0, by1) > deep:
                problems.append(f"'{ta}' and '{tb}' overlap at y={ay0 / MM:.1f} / {by0 / MM:.1f} mm")
    if name is not None and not shows(pdf, name):
        problems.append(f"the page does not show the name whole: {name}")
    for p in problems:
        print(p)
    return 1 if problems else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "name":
        print(make_name(sys.argv[2], int(sys.argv[3])))
        return 0
    if len(sys.argv) in (4, 5) and sys.argv[1] == "check":
        return check(*sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
