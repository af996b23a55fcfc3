"""The source of a response: one validator for the Link header and the
page, the upstream's own canonical Link replaced, learned sources that
refresh, expire and cannot be planted by readers or flush the zone, and
values escaped in error.log."""

import http.client
import math
import os
import re
import time
import urllib.parse

import pytest

from conftest import curl
import harness

MAIN = "webtimes-putin-car"


def link_canonicals(r):
    """URLs of the canonical links in the Link headers of r."""
    urls = []
    for v in r.headers.get("link", []):
        for part in re.findall(r'<([^>]*)>([^,]*)', v):
            if re.search(r'rel\s*=\s*"?[^";,]*\bcanonical\b', part[1], re.I):
                urls.append(part[0])
    return urls


def head_canonicals(body):
    return [m.decode("latin-1").replace("&amp;", "&") for m in re.findall(
        rb'<link[^>]+rel=["\']?canonical["\']?[^>]*?href="([^"]*)"', body,
        re.I)]


# ---- one validator: the Link header and the head canonical agree -------

@pytest.mark.parametrize("given,clean", [
    ("https://user:pw@evil.example/x", None),
    ("https://news.google.com/articles/abc", None),
    ("https://src.example/a'b`c", "https://src.example/a%27b%60c"),
    ("https://src.example/caf\u00e9", "https://src.example/caf%C3%A9"),
    ("https://SRC.example/ok", "https://src.example/ok"),
])
def test_link_header_agrees_with_page(site, given, clean):
    r = curl(site.base + "/hsrc/" + MAIN, "-H",
             b"X-Source: " + given.encode("utf-8"))
    assert r.status == 200
    links = link_canonicals(r)
    heads = head_canonicals(r.body)
    if clean is None:
        assert links == []
        host = urllib.parse.urlsplit(given).hostname
        assert not [h for h in heads if host in h], heads
    else:
        assert links == [clean]
        assert heads == [clean]


def test_link_header_agrees_without_head(site):
    """A page with no <head>: the canonical goes where HTML implies the
    head, so the Link header never stands alone."""
    src = "https://src.example/ferry?a=1&b=2"
    r = curl(site.base + "/hsrc/no-head", "-H", "X-Source: " + src)
    assert r.status == 200
    assert link_canonicals(r) == [src]
    assert head_canonicals(r.body) == [src]
    assert re.search(rb'<title>[^<]*</title>\n<link rel="canonical" '
                     rb'href="[^"]*">\s*<body', r.body), r.body[:300]


@pytest.mark.parametrize("upstream_link,kept", [
    ('<https://agg.test/self>; rel="canonical"', None),
    ('<https://agg.test/self>; rel=canonical', None),
    ('<https://cdn.test/a.css>; rel=preload; as=style, '
     '<https://agg.test/self>; rel="canonical"',
     '<https://cdn.test/a.css>; rel=preload; as=style'),
    ('<https://agg.test/s>; rel="shortlink"', '<https://agg.test/s>; '
     'rel="shortlink"'),
    # bare commas: kept values are joined with ", " (longer than before)
    ('<https://a.test/1>;rel=preload,<https://a.test/2>;rel=preload,'
     '<https://a.test/3>;rel=preload,<https://a.test/4>;rel=preload',
     '<https://a.test/1>;rel=preload,<https://a.test/2>;rel=preload,'
     '<https://a.test/3>;rel=preload,<https://a.test/4>;rel=preload'),
    ('<https://a.test/1>;rel=preload,<https://a.test/2>;rel=preload,'
     '<https://a.test/3>;rel=preload,<https://agg.test/x>;rel=canonical',
     '<https://a.test/1>;rel=preload, <https://a.test/2>;rel=preload, '
     '<https://a.test/3>;rel=preload'),
    ('<https://agg.test/x>;rel="alternate canonical";title="a, b",'
     '<https://a.test/1>;rel=preload',
     '<https://a.test/1>;rel=preload'),
])
def test_upstream_canonical_link_replaced(site, upstream_link, kept):
    q = urllib.parse.quote("Link: " + upstream_link)
    r = curl(site.base + "/hsrc/%s?addh=%s" % (MAIN, q),
             "-H", "X-Source: https://src.example/a")
    assert link_canonicals(r) == ["https://src.example/a"]
    others = [v for v in r.headers.get("link", [])
              if "src.example/a" not in v]
    assert others == ([kept] if kept else [])
    # without a source of ours the upstream's header is left alone
    r = curl(site.base + "/hsrc/%s?addh=%s" % (MAIN, q))
    assert r.headers.get("link") == [upstream_link]


# ---- learned sources ------------------------------------------------------

def test_learned_source_replaced_by_later_footer(site):
    url = site.base + "/learnfoot/refresh"
    r = curl(url + "?src=https://first.example/story")
    assert link_canonicals(r) == []
    r = curl(url + "?src=https://first.example/story")
    assert link_canonicals(r) == ["https://first.example/story"]
    # the page now names another source: the next response has it
    r = curl(url + "?src=https://second.example/story")
    assert b"https://second.example/story" in r.body
    r = curl(url + "?src=https://second.example/story")
    assert link_canonicals(r) == ["https://second.example/story"]
    assert head_canonicals(r.body) == ["https://second.example/story"]
    # a response without a footer keeps what was learned
    r = curl(url + "?src=none")
    r = curl(url + "?src=none")
    assert link_canonicals(r) == ["https://second.example/story"]


def sleep_until(t):
    time.sleep(max(0.0, t - time.time()))


def test_learned_source_lives_its_ttl_then_expires(site):
    """ttl=2s keeps a learned source at least two seconds, however late in
    a second it was learned (nginx's clock counts whole seconds), and not
    much longer."""
    url = site.base + "/learnttl/expire?src=none"
    # learned late in a second: nginx's clock turns twice within 1.2 s
    sleep_until(math.floor(time.time()) + 1.85)
    base = math.floor(time.time())
    r = curl(site.base + "/learnttl/expire?src=https://old.example/s")
    sleep_until(base + 2.05)
    r = curl(url)
    assert link_canonicals(r) == ["https://old.example/s"]
    # gone once the last second of its ttl is over
    sleep_until(base + 4.1)
    r = curl(url)
    assert link_canonicals(r) == []
    assert b"old.example" not in r.body


def test_comment_teaches_no_source(site):
    """A reader's comment written like a footer (wpDiscuz) is no source:
    it stays as the reader wrote it, nothing learned, nothing credited."""
    url = site.base + "/learnfoot/ugc?src=none&ugc=https://evil.example/x"
    r = curl(url)
    assert re.search(rb'<div class="wpd-comment"><p>The post <a href="'
                     rb'https://evil.example/x" rel="nofollow ugc">Story</a>',
                     r.body), r.body
    assert b"syndication-source" not in r.body
    r = curl(url)
    assert link_canonicals(r) == []
    assert b"evil.example" not in b"".join(
        re.findall(rb"<head>.*</head>", r.body, re.S))


def _has_link(conn, path):
    conn.request("GET", path, headers={"Host": "aggregator.test"})
    resp = conn.getresponse()
    resp.read()
    return any("rel=\"canonical\"" in v for k, v in resp.getheaders()
               if k.lower() == "link")


def test_oversized_keys_evict_nothing(site):
    """Keys too long to store are refused without pushing out the entries
    that are there."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    # 1.5 KB keys (the default key holds the URI): the 64k zone holds a
    # few dozen of them
    keys = ["/learnfull/k%d/%s" % (i, "p" * 1500) for i in range(80)]
    # fill the zone past what it holds
    for k in keys:
        _has_link(conn, k)
    # counted without a footer in the page: counting learns nothing
    before = sum(_has_link(conn, k + "?src=none") for k in keys)
    assert 20 < before < len(keys), "the zone should be full"
    for i in range(10):
        _has_link(conn, "/learnfull/big%d/%s" % (i, "x" * 6000))
    after = sum(_has_link(conn, k + "?src=none") for k in keys)
    conn.close()
    assert after == before


# ---- error.log ------------------------------------------------------------

def test_invalid_source_logged_escaped(site):
    start = site.nginx.log_size()
    forged = "2026/01/01 00:00:00 [notice] 1#1: FORGED"
    r = curl(site.base + "/u/a" + urllib.parse.quote("\r\n" + forged))
    assert r.status == 200
    time.sleep(0.2)
    log = site.nginx.log_since(start)
    assert "invalid source" in log
    for line in log.splitlines():
        if "FORGED" in line:
            assert "invalid source" in line, line
            assert "\\x0d\\x0a" in line, line


def test_insert_too_long_reported(site):
    """A source whose credit does not fit its buffer: the canonical (which
    always fits) and the Link header agree, the credit is left out and
    error.log says so."""
    given = "https://src.example/a?" + "&" * 1000
    start = site.nginx.log_size()
    # a page without a footer of its own: the credit would be ours
    r = curl(site.base + "/hsrc/negative-plain-page", "-H",
             "X-Source: " + given)
    assert r.status == 200
    assert link_canonicals(r) == [given]
    assert head_canonicals(r.body) == [given]
    assert b"syndication-source" not in r.body
    time.sleep(0.2)
    assert re.search(r"\[warn\].*syndication filter: 1 insert\(s\) too "
                     r"long, left out", site.nginx.log_since(start))


def _state_nginx(site, d, ttl="1d"):
    port = harness.free_port()
    conf = """
    server {{
        listen 127.0.0.1:{port};
        location / {{
            syndication_filter on;
            syndication_learn zone=st:1m key=$uri ttl={ttl}
                              state={d}/learn.state;
            proxy_pass http://127.0.0.1:{up}/foot/;
        }}
    }}
    """.format(port=port, up=site.up, d=d, ttl=ttl)
    n = harness.Nginx(d, conf, module=site.module)
    n.start([port])
    return n, "http://127.0.0.1:%d" % port


def test_learn_state_file_survives_restart(site, tmp_path):
    d = str(tmp_path)
    n, base = _state_nginx(site, d)
    try:
        curl(base + "/a?src=https://kept.example/a")
        curl(base + "/b?src=https://kept.example/b")
    finally:
        assert n.stop() == 0
    assert os.path.exists(os.path.join(d, "learn.state"))
    n, base = _state_nginx(site, d)
    try:
        r = curl(base + "/a?src=none")
        assert link_canonicals(r) == ["https://kept.example/a"]
        r = curl(base + "/b?src=none")
        assert link_canonicals(r) == ["https://kept.example/b"]
        r = curl(base + "/c?src=none")
        assert link_canonicals(r) == []
    finally:
        assert n.stop() == 0
    assert not harness.bad_lines(n.log_text())
    assert "2 entries from" in n.log_text()


def test_learn_state_file_drops_expired(site, tmp_path):
    d = str(tmp_path)
    n, base = _state_nginx(site, d, ttl="1s")
    try:
        curl(base + "/a?src=https://old.example/a")
    finally:
        assert n.stop() == 0
    time.sleep(2.2)
    n, base = _state_nginx(site, d, ttl="1s")
    try:
        r = curl(base + "/a?src=none")
        assert link_canonicals(r) == []
    finally:
        assert n.stop() == 0


def test_learn_state_file_damaged(site, tmp_path):
    d = str(tmp_path)
    with open(os.path.join(d, "learn.state"), "wb") as f:
        f.write(b"sflearn1\0\0\0\0" + b"\xff" * 40)
    n, base = _state_nginx(site, d)
    try:
        r = curl(base + "/a?src=https://new.example/a")
        assert r.status == 200
    finally:
        assert n.stop() == 0
    assert "is damaged" in n.log_text()
    assert not harness.bad_lines(n.log_text())
