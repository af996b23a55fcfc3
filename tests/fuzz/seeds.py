#!/usr/bin/env python3
"""Write the seeds and regression inputs of the fuzz target to
tests/fuzz/corpus (run from the repository root; the files are committed).

An input is two option bytes, perhaps a source, then the page
(tests/fuzz/fuzz_stream.c, sf_fuzz_options):

  byte 0  0x01 report  0x02 attribution  0x04 canonical  0x08 source
          0x10 page host  0x20 template  0x40 flushes  0x80 variant
  byte 1  bits 0-1 rule set (0 none, 1 fuzz, 2 pack, 3 both)
          bits 2-3 limits (0 default, 1 small, 2 tiny, 3 mid)
          bits 4-5 source (0 from the input: length byte and bytes,
                   1 src.example, 2 '&' x 2000, 3 userinfo/page self)
          bits 6-7 page host (agg.test, www.agg.test., src.example,
                   AGG.Test)
"""

import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus")

ATTR, CANON, SRC, HOST, TMPL, FLUSH, VAR = 0x02, 0x04, 0x08, 0x10, 0x20, \
    0x40, 0x80


def opts(flags, rules=3, limits=0, source=1, host=0):
    return bytes([flags, rules | limits << 2 | source << 4 | host << 6])


def src_bytes(url):
    url = url.encode()
    return bytes([len(url)]) + url


FOOT = (b'<p>The post <a href="https://src.example/story">Story</a> first '
        b'appeared on <a href="https://src.example/">Src</a>.</p>')

SEEDS = {
    # regression: canonical and credit made by one token (</html>)
    "reg-render-shared": opts(ATTR | CANON | SRC)
    + b"<html><head><title>T</title></html>",
    "reg-render-shared-text": opts(ATTR | CANON | SRC)
    + b'<html><head><title>T</title>Some text <a href="/x">l</a></body>'
      b"</html>",
    # regression: held page canonical, head source, head never closed
    "reg-render-headhold": opts(ATTR | CANON | HOST)
    + b'<html><head><title>T</title><link rel="canonical" '
      b'href="https://agg.test/t"><meta property="og:url" '
      b'content="https://source.example/s">Text only page <a href="/x">'
      b"link</a></body></html>",
    # regression: the longest canonical; the credit does not fit
    "reg-long-source": opts(ATTR | CANON | SRC, source=2)
    + b"<html><head><title>T</title></head><body><article><p>x</p>"
      b"</article></body></html>",
    # a source from the input, with bytes the cleaner must encode
    "reg-source-input": opts(ATTR | CANON | SRC, source=0)
    + src_bytes("https://src.example/a'b`c\"d<e> f\t\r\n&amp;")
    + b"<html><head><title>T</title></head><body><article><p>x</p>"
      b"</article></body></html>",
    # a footer in a comment area
    "reg-comment-footer": opts(ATTR | CANON, rules=1)
    + b'<body><article><p>Story.</p></article><div id="comments">'
      b'<div class="wpd-comment"><p>The post <a href="https://evil.example'
      b'/x">T</a> first appeared on <a href="https://evil.example/">Evil'
      b"</a>.</p></div></div></body>",
    # a name with entities, UTF-8 and Latin-1 bytes
    "reg-name-refs": opts(ATTR | CANON, rules=1)
    + b'<body><p>The post <a href="https://src.example/s">S</a> first '
      b'appeared on <a href="https://src.example/">Caf&eacute; \xe9 '
      b"\xd0\x9c &lt;b&gt;</a>.</p></body>",
    # page host variants
    "reg-page-host-www": opts(ATTR | CANON | HOST, host=1)
    + b'<html><head><link rel="canonical" href="https://agg.test/t">'
      b'<meta name="original-source" content="https://src.example/os">'
      b"</head><body><article><p>x</p></article></body></html>",
    "opt-report": opts(0x01 | ATTR | CANON | SRC) + b"<body>" + FOOT
    + b"</body>",
    "opt-template": opts(ATTR | CANON | TMPL, rules=1) + b"<body>" + FOOT
    + b"</body>",
    "opt-template-var": opts(ATTR | CANON | TMPL | VAR, rules=1) + b"<body>"
    + FOOT + b"</body>",
    "opt-small-flush": opts(ATTR | CANON | FLUSH, rules=3, limits=1)
    + b"<body><article>" + FOOT * 3 + b"</article></body>",
    "opt-tiny": opts(ATTR | CANON | SRC, rules=3, limits=2) + b"<body>" + FOOT
    + b"</body>",
    "opt-mid-userinfo": opts(ATTR | CANON | SRC, limits=3, source=3)
    + b"<html><head></head><body>" + FOOT + b"</body></html>",
}

FIXTURES = ["webtimes-putin-car", "yoast-en-nofollow", "aioseo-live",
            "comment-form-existing-comments", "google-news-variants",
            "credit-originally-published", "seo-framework-source"]


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = dict(SEEDS)
    for i, name in enumerate(FIXTURES):
        with open(os.path.join(ROOT, "tests", "fixtures", name + ".html"),
                  "rb") as f:
            page = f.read()
        # the article part, where the rules work, within -max_len
        start = max(0, page.find(b"<body"))
        seeds["fix-" + name] = opts(ATTR | CANON | HOST | (FLUSH if i % 2
                                                           else 0),
                                    rules=2 + i % 2, host=i % 4) \
            + page[:600] + page[start:start + 3400]
    for name, data in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("%d inputs in %s" % (len(seeds), OUT))


if __name__ == "__main__":
    main()
