"""The inputs of the engine's differential test (tests/test_engine_golden.py).

Deterministic: the fixture pages, the generated long article of
engine_bench (normal and minified), the ~208 KB page of bench_nginx, dense
short tags, and seeded splices of the fixtures cut at random places, which
put every lexer and stream state next to every other.  Each input is
(name, bytes).
"""

import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")


def article(target):
    """The generated article of tests/bench/engine_bench.c."""
    head = (b'<!DOCTYPE html><html><head><title>Big page - Site</title>'
            b'<link rel="canonical" href="https://agg.example/big">'
            b'</head><body><main><article><h1>Big page</h1>'
            b'<div class="entry-content">\n')
    unit = (b'<p>Lorem ipsum dolor sit amet, <a href="https://agg.example/x">'
            b'consectetur</a> adipiscing elit, sed do eiusmod tempor '
            b'incididunt ut labore et dolore magna aliqua. Ut enim ad minim '
            b'veniam, quis nostrud exercitation ullamco laboris nisi ut '
            b'aliquip ex ea commodo consequat.</p>\n<figure><img src="a.jpg" '
            b'alt=""><figcaption>Duis aute irure dolor</figcaption></figure>'
            b'\n<ul><li>one</li><li>two</li></ul>\n<script>var a = 1 < 2;'
            b'</script>\n')
    tail = (b'<p>The post <a href="https://src.example/big">Big page</a> '
            b'first appeared on <a href="https://src.example/">Src</a>.</p>\n'
            b'</div></article></main></body></html>\n')
    body = bytearray(head)
    while len(body) < target:
        body += unit
    return bytes(body + tail)


def bench_page():
    """The page of tests/site/bench_nginx.py: the sample article 32 times."""
    with open(os.path.join(FIXTURES, "webtimes-putin-car.html"), "rb") as f:
        page = f.read()
    m = re.search(rb"(?s)<article.*?</article>", page)
    art = m.group(0)
    n = max(1, (200 * 1024 - len(page)) // len(art) + 1)
    return page[:m.end()] + art * n + page[m.end():]


def fixtures():
    out = []
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".html"):
            with open(os.path.join(FIXTURES, name), "rb") as f:
                out.append((name[:-5], f.read()))
    return out


def splices(pages, count, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(count):
        parts = []
        for _ in range(rnd.randint(2, 6)):
            _, p = pages[rnd.randrange(len(pages))]
            a = rnd.randrange(len(p))
            b = min(len(p), a + rnd.randint(1, 6000))
            parts.append(p[a:b])
        out.append(("splice-%02d" % i, b"".join(parts)))
    return out


def inputs():
    pages = fixtures()
    art = article(256 * 1024)
    out = list(pages)
    out.append(("gen-article", art))
    out.append(("gen-minified", art.replace(b"\n", b"")))
    page = bench_page()
    out.append(("bench-page", page))
    out.append(("bench-minified",
                re.sub(rb">\s+<", b"><", page).replace(b"\n", b" ")))
    out.append(("dense-tags", b"<html><body><div>"
                + b"<p>x</p>" * 8000 + b"</div></body></html>"))
    out += splices(pages, 40, 20261204)
    return out
