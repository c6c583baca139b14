#!/usr/bin/python3
"""Writes tampered copies of a signed credential, one change each, and the exit code that
`skillcert verify` must give for it: every string, number and boolean leaf changed, every
array element changed or removed, every key removed, renamed or joined by a new one.

usage: tamper.py CREDENTIAL.json OUTDIR   (prints one line per case: FILE EXPECTED_CODE)
"""
import copy
import json
import os
import sys


def paths(value, prefix=()):
    """Every location in the document, parents before children."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, prefix + (i,))


def get(doc, path):
    for step in path:
        doc = doc[step]
    return doc


def changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value[:-1] + ("x" if not value.endswith("x") else "y") if value else "x"
    return None


def cases(doc):
    for path in paths(doc):
        if not path:
            continue
        parent, last = get(doc, path[:-1]), path[-1]
        value = get(doc, path)
        name = "/".join(str(p) for p in path)
        new = changed(value)
        if new is not None:
            yield f"change {name}", path, lambda p, k, v=new: p.__setitem__(k, v)
        if isinstance(parent, list):
            yield f"remove element {name}", path, lambda p, k: p.pop(k)
            yield f"duplicate element {name}", path, lambda p, k: p.insert(k, copy.deepcopy(p[k]))
        else:
            yield f"remove key {name}", path, lambda p, k: p.pop(k)
            yield f"rename key {name}", path, lambda p, k: p.__setitem__(k + "X", p.pop(k))
        if isinstance(value, dict):
            yield f"add key in {name}", path, lambda p, k: p[k].__setitem__("extra", "x")
    yield "add top-level key", (), None


def main():
    source, outdir = sys.argv[1], sys.argv[2]
    doc = json.load(open(source, encoding="utf-8"))
    os.makedirs(outdir, exist_ok=True)
    for n, (label, path, mutate) in enumerate(cases(doc)):
        variant = copy.deepcopy(doc)
        if mutate is None:
            variant["extra"] = "x"
        else:
            mutate(get(variant, path[:-1]), path[-1])
        # Without a proof (or with an empty proof set) a credential is unsigned: "not a
        # credential" (65), not tampered.
        expected = 65 if not variant.get("proof") else 1
        # VC-DI 4.4 step 4 (vector p06): contexts appended after the signed ones still verify;
        # skillcert warns about them.
        if label == f"duplicate element @context/{len(doc['@context']) - 1}":
            expected = 0
        # A proof set is proofs made independently: taking one out leaves a credential the
        # other proof still secures (and the verdict names the suites that remain).
        if label.startswith("remove element proof/") and label.count("/") == 1 and \
                len(doc.get("proof", [])) > 1:
            expected = 0
        out = os.path.join(outdir, f"case-{n:03d}.json")
        with open(out, "w", encoding="utf-8") as f:
            json.dump(variant, f, ensure_ascii=False)
        print(f"{out} {expected} {label}")


if __name__ == "__main__":
    main()
