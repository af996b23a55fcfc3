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


def bench_page(varied=False):
    """The page of tests/site/bench_nginx.py: the sample article 32 times.

    varied: each copy an entry of its own, as on a real listing (its title
    and every link with its number), so that no block repeats another and
    nothing the engine remembers of one entry answers for the next."""
    with open(os.path.join(FIXTURES, "webtimes-putin-car.html"), "rb") as f:
        page = f.read()
    m = re.search(rb"(?s)<article.*?</article>", page)
    art = m.group(0)
    n = max(1, (200 * 1024 - len(page)) // len(art) + 1)
    if not varied:
        return page[:m.end()] + art * n + page[m.end():]
    title = re.search(rb"(?s)<h1[^>]*>(.*?)</h1>", art).group(1)
    copies = []
    for i in range(n):
        one = art.replace(title, title + b" %d" % i)
        one = re.sub(rb'href="([^"?#]*)"',
                     lambda h: b'href="%s?n=%d"' % (h.group(1), i), one)
        copies.append(one)
    return page[:m.end()] + b"".join(copies) + page[m.end():]


def article_varied(target):
    """The generated article with each paragraph its own (numbered)."""
    parts = article(target).split(b"<p>Lorem ipsum dolor")
    return parts[0] + b"".join(b"<p>Lorem ipsum %d dolor" % i + part
                               for i, part in enumerate(parts[1:]))


def fixtures():
    out = []
    for name in sorted(os.listdir(FIXTURES)):
        if name.endswith(".html"):
            with open(os.path.join(FIXTURES, name), "rb") as f:
                out.append((name[:-5], f.read()))
    return out


# The pages the splices are cut from: the corpus as it was when the
# expectations were first written, so that a new fixture adds cases of its
# own and leaves the splices as they were.
SPLICE_SOURCES = [
    "aioseo-double-escaped",
    "aioseo-escaped",
    "aioseo-live",
    "aioseo-mojibake",
    "aioseo-stripped",
    "aioseo-stripped-title-mismatch",
    "blogarama",
    "comment-form-existing-comments",
    "credit-originally-published",
    "credit-read-original-on",
    "credit-republication-tracker",
    "credit-the-conversation",
    "disclaimer-split-read-original",
    "feedzy-read-more",
    "google-news-variants",
    "negative-archive-page",
    "negative-blockquote",
    "negative-hidden-phrases",
    "negative-plain-de-minified",
    "negative-plain-page",
    "negative-post-office-links",
    "negative-post-office-prose",
    "rankmath-en",
    "seo-framework-source",
    "title-repeat",
    "webtimes-minified",
    "webtimes-putin-car",
    "wp-automatic-de-disclaimer",
    "wp-automatic-source-by",
    "wp-automatic-source-link",
    "wprss-aggregator-list",
    "yoast-ar",
    "yoast-ar-2014",
    "yoast-de",
    "yoast-de-stripped",
    "yoast-en-astra-comment-form",
    "yoast-en-nofollow",
    "yoast-en-spaced-links",
    "yoast-es",
    "yoast-es-2014",
    "yoast-fr",
    "yoast-fr-2014",
    "yoast-fr-escaped",
    "yoast-id",
    "yoast-id-2014",
    "yoast-it",
    "yoast-it-2014",
    "yoast-nl",
    "yoast-pl",
    "yoast-pl-2014",
    "yoast-pt-2013",
    "yoast-pt-br",
    "yoast-pt-pt",
    "yoast-ru",
    "yoast-ru-2013-minified",
    "yoast-tr",
    "yoast-tr-2013",
]


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
    out += splices([p for p in pages if p[0] in SPLICE_SOURCES], 40,
                   20261204)
    return out
