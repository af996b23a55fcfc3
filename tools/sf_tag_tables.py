#!/usr/bin/env python3
"""Rewrite the perfect-hash tables of src/sf_tag.c from its name list.

    python3 tools/sf_tag_tables.py [src/sf_tag.c]

Run after adding a name to sf_tag_names[].  Keeps the factors of
sf_tag_hash() and SF_TAG_KEY_FACTOR (in src/sf_tag.h) while they give no
collision; otherwise looks for new ones (the smallest sum of the three
hash factors; a random odd key factor from a fixed seed) and writes them
too.  sf_tag_words[] holds, by the same key hash as sf_tag_by_key[], each
name's first eight bytes and the next eight as words, its length and id.  test_lexer looks
every name up through all tables.
"""

import random
import re
import struct
import sys

PATH = sys.argv[1] if len(sys.argv) > 1 else "src/sf_tag.c"
HEADER = PATH[:-2] + ".h"
MASK = (1 << 64) - 1
HASH_RE = re.compile(
    r"(\(name\)\[0\] \| 0x20\) \* )(\d+)"
    r"( \+ \(\(len\) > 1 \? \(\(name\)\[1\] \| 0x20\) : 0\) \* )(\d+)"
    r"(\s*\\\n\s*\+ \(\(name\)\[\(len\) - 1\] \| 0x20\) \* )(\d+)")
KEY_RE = re.compile(r"(#define SF_TAG_KEY_FACTOR\s+)0x([0-9A-Fa-f]+)ULL")


def by_hash(names, a, b, c):
    table = [0] * 256
    for i, n in enumerate(names):
        second = (ord(n[1]) | 0x20) if len(n) > 1 else 0
        k = ((ord(n[0]) | 0x20) * a + second * b + (ord(n[-1]) | 0x20) * c
             + len(n)) & 0xff
        if table[k]:
            return None
        table[k] = i + 1
    return table


def by_key(names, factor):
    table = [0] * 256
    for i, n in enumerate(names):
        key = struct.unpack("<Q", n[:8].encode().ljust(8, b"\0"))[0]
        k = ((key * factor) & MASK) >> 56
        if table[k]:
            return None
        table[k] = i + 1
    return table


def hash_factors(names, a, b, c):
    if by_hash(names, a, b, c):
        return a, b, c
    for total in range(3, 192):
        for a in range(1, 64):
            for b in range(1, 64):
                c = total - a - b
                if 1 <= c < 64 and by_hash(names, a, b, c):
                    return a, b, c
    sys.exit("no hash factors below 64 without a collision")


def key_factor(names, factor):
    rnd = random.Random(1)
    while not by_key(names, factor):
        factor = rnd.getrandbits(64) | 1
    return factor


def body(table):
    lines, line = [], "   "
    for v in table:
        item = " %d," % v
        if len(line) + len(item) > 79:
            lines.append(line)
            line = "   "
        line += item
    lines.append(line.rstrip(","))
    return "\n".join(lines)


def words(names, ids, factor):
    """The body of sf_tag_words[]: designated entries, by key hash."""
    rows = []
    for n, t in zip(names, ids):
        key = struct.unpack("<Q", n[:8].encode().ljust(8, b"\0"))[0]
        key2 = struct.unpack("<Q", n[8:16].encode().ljust(8, b"\0"))[0]
        k = ((key * factor) & MASK) >> 56
        special = int(t in SPECIAL)
        rows.append((k, "    [%d] = { 0x%016XULL, 0x%XULL, %d, %s, %d },"
                     % (k, key, key2, len(n), t, special)))
    return "\n".join(r for _, r in sorted(rows))


SPECIAL = ("SF_TAG_SCRIPT", "SF_TAG_STYLE", "SF_TAG_TEXTAREA", "SF_TAG_TITLE",
           "SF_TAG_XMP", "SF_TAG_NOSCRIPT", "SF_TAG_IFRAME", "SF_TAG_NOEMBED",
           "SF_TAG_NOFRAMES", "SF_TAG_PLAINTEXT", "SF_TAG_TEMPLATE")


def put_words(src, body_text):
    pat = re.compile(r"(const sf_tag_word_t  sf_tag_words\[256\] = \{\n).*?"
                     r"(\n\};)", re.S)
    return pat.sub(lambda m: m.group(1) + body_text + m.group(2), src)


def put_table(src, name, table):
    pat = re.compile(r"(static const unsigned char  %s\[256\] = \{\n).*?"
                     r"(\n\};)" % name, re.S)
    return pat.sub(lambda m: m.group(1) + body(table) + m.group(2), src)


def main():
    src = open(PATH).read()
    hdr = open(HEADER).read()
    names = re.findall(r'sf_tag_n\("([a-z0-9]+)"', src)
    ids = re.findall(r'sf_tag_n\("[a-z0-9]+", (SF_TAG_[A-Z0-9]+)\)', src)
    m = HASH_RE.search(src)
    a, b, c = hash_factors(names, int(m.group(2)), int(m.group(4)),
                           int(m.group(6)))
    src = HASH_RE.sub(lambda m: "%s%d%s%d%s%d" % (m.group(1), a, m.group(3),
                                                  b, m.group(5), c), src)
    f = key_factor(names, int(KEY_RE.search(hdr).group(2), 16))
    hdr = KEY_RE.sub(lambda m: "%s0x%016XULL" % (m.group(1), f), hdr)
    src = put_table(src, "sf_tag_by_hash", by_hash(names, a, b, c))
    src = put_table(src, "sf_tag_by_key", by_key(names, f))
    src = put_words(src, words(names, ids, f))
    open(PATH, "w").write(src)
    open(HEADER, "w").write(hdr)
    print("%d names; hash factors %d %d %d; key factor 0x%016X"
          % (len(names), a, b, c, f))


if __name__ == "__main__":
    main()
