"""Feeds through a real nginx with the module and no extra directive.

The feed fixtures (tests/fixtures/feeds/) are added to the sample
upstream's pages at run time and fetched through the session's nginx
(conftest.py: `syndication_filter on;` and nothing else about feeds), with
their feed type and with the generic XML types, whole, 1-byte chunked and
gzip'd; each answer must meet its expectations (tests/feed_check.py:
well-formed, links and guids unchanged, footers gone, credits present).
syndication_credit runs in a private nginx of its own.
"""

import os
import re
import time

import pytest

from conftest import ROOT, curl
import feed_check
import harness

FEEDS = os.path.join(ROOT, "tests", "fixtures", "feeds")
CASES = feed_check.fixtures(FEEDS)
NAMES = [name for name, _, _ in CASES]

TRANSFERS = {
    "length": "/page/{}?type={}",
    "chunk1": "/nb/{}?te=chunked&chunk=1&type={}",
    "gzip": "/page/{}?enc=gzip&type={}",
}


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _feed_type(body):
    return ("application/atom+xml" if b"<feed" in body[:400]
            else "application/rss+xml")


@pytest.fixture(scope="module")
def feeds(site):
    """name -> (input bytes, expectations); served as /page/feed--NAME."""
    out = {}
    for name, xml_path, json_path in CASES:
        body = _read(xml_path)
        site.upstream.pages["feed--" + name] = body
        out[name] = (body, feed_check.load(json_path))
    return out


def _q(mime):
    return mime.replace("+", "%2B").replace(" ", "%20").replace(";", "%3B")


@pytest.mark.parametrize("transfer", sorted(TRANSFERS))
@pytest.mark.parametrize("name", NAMES)
def test_feed(site, feeds, name, transfer):
    body, exp = feeds[name]
    mime = _feed_type(body)
    r = curl(site.base + TRANSFERS[transfer].format("feed--" + name,
                                                    _q(mime)))
    assert r.rc == 0 and r.status == 200
    assert r.header("content-type").startswith(mime)
    assert r.header("content-encoding") is None
    fails = feed_check.check(body, r.body, exp)
    assert not fails, "\n".join(fails)


@pytest.mark.parametrize("mime", ["text/xml",
                                  "application/xml; charset=utf-8"])
@pytest.mark.parametrize("name", NAMES)
def test_generic_xml_type_is_told_by_its_root(site, feeds, name, mime):
    body, exp = feeds[name]
    want = curl(site.base + "/page/feed--%s?type=%s"
                % (name, _q(_feed_type(body)))).body
    r = curl(site.base + "/page/feed--%s?type=%s" % (name, _q(mime)))
    assert r.rc == 0 and r.status == 200
    assert r.body == want
    if not exp.get("identical"):
        assert r.body != body


@pytest.mark.parametrize("name", NAMES)
def test_report_mode_feed_is_byte_identical(site, feeds, name):
    body, _ = feeds[name]
    r = curl(site.base + "/report/feed--%s?type=%s"
             % (name, _q(_feed_type(body))))
    assert r.rc == 0 and r.status == 200
    assert r.body == body


def test_xml_that_is_no_feed_passes_unchanged(site):
    """A sitemap-like document whose elements happen to be called item and
    description, footer words included: not a feed, not touched."""
    doc = (b'<?xml version="1.0" encoding="UTF-8"?>\n<catalog>'
           b"<item><title>Pier lamp</title><description>&lt;p&gt;The post "
           b'&lt;a href="https://a.example/x"&gt;Pier lamp&lt;/a&gt; '
           b'appeared first on &lt;a href="https://a.example"&gt;A&lt;/a&gt;'
           b".&lt;/p&gt;</description></item></catalog>\n")
    site.upstream.pages["xml--catalog"] = doc
    for mime in ("text/xml", "application/xml", "application/rss+xml"):
        r = curl(site.base + "/page/xml--catalog?v=%s&type=%s"
                 % (mime[:4], _q(mime)))
        assert r.rc == 0 and r.status == 200
        assert r.body == doc, mime
    r = curl(site.base + "/nb/xml--catalog?te=chunked&chunk=1&type=text/xml")
    assert r.body == doc
    time.sleep(0.2)
    with open(os.path.join(site.dir, "access.log")) as f:
        lines = [l for l in f.read().splitlines() if "xml--catalog" in l]
    assert lines and all("st=passthrough:notfeed" in l for l in lines), \
        lines


def test_feed_status_and_removed_in_log(site, feeds):
    name = "wp-rss-cdata-yoast"
    curl(site.base + "/page/feed--%s?v=log&type=application/rss%%2Bxml"
         % name)
    time.sleep(0.2)
    with open(os.path.join(site.dir, "access.log")) as f:
        line = [l for l in f.read().splitlines()
                if "feed--%s?v=log" % name in l][-1]
    m = re.search(r"st=(\S+) rm=(\d+)", line)
    assert m and m.group(1) == "rewritten" and int(m.group(2)) == 4, line


def test_static_feed_file(site, feeds):
    """A feed nginx serves itself, typed by mime.types from its name."""
    name = "atom-de-yoast"
    body, exp = feeds[name]
    with open(os.path.join(site.dir, "www", name + ".atom"), "wb") as f:
        f.write(body)
    r = curl(site.base + "/static/%s.atom" % name)
    assert r.rc == 0 and r.status == 200
    assert r.header("content-type").startswith("application/atom+xml")
    fails = feed_check.check(body, r.body, exp)
    assert not fails, "\n".join(fails)


# ---- syndication_credit, and feeds switched off by syndication_types ------

CREDIT_HTTP = """
    server {{
        listen 127.0.0.1:{port};
        syndication_filter on;
        syndication_credit
            "<p class=\\"via\\">Via <a href=\\"%u\\">%s</a> &middot; 100%%</p>";

        location / {{
            proxy_pass http://127.0.0.1:{up};
        }}

        location /default/ {{
            syndication_credit "";
            proxy_pass http://127.0.0.1:{up}/;
        }}

        location /pages-only/ {{
            syndication_types text/html;
            proxy_pass http://127.0.0.1:{up}/;
        }}
    }}
"""


@pytest.fixture(scope="module")
def credit_site(site, feeds):
    d = os.path.join(site.dir, "credit")
    os.makedirs(d, exist_ok=True)
    port = harness.free_port()
    n = harness.Nginx(d, CREDIT_HTTP.format(port=port, up=site.up),
                      module=site.module)
    n.start([port])
    yield "http://127.0.0.1:%d" % port
    rc = n.stop()
    bad = harness.bad_lines(n.log_text())
    assert rc == 0 and not bad, "\n".join(bad)


def test_credit_template_on_pages_and_feeds(credit_site, feeds):
    r = curl(credit_site + "/page/credit-lang-de")
    assert r.status == 200
    assert (b'<p class="via">Via <a href="https://seeblatt.example/'
            b'story-de/">Seeblatt Konstanz</a> &middot; 100%</p>') in r.body
    assert "Ursprünglich".encode() not in r.body

    r = curl(credit_site + "/page/feed--wp-rss-cdata-yoast"
             "?type=application/rss%2Bxml")
    assert r.status == 200
    assert b'<p class="via">Via <a href="https://baycourier.example/' in r.body
    assert b"Originally published by" not in r.body


def test_empty_credit_template_restores_the_built_in(credit_site):
    r = curl(credit_site + "/default/page/credit-lang-de")
    assert r.status == 200
    assert "Ursprünglich veröffentlicht von".encode() in r.body


def test_types_without_feeds_pass_feeds(credit_site, feeds):
    body, _ = feeds["wp-rss-cdata-yoast"]
    r = curl(credit_site + "/pages-only/page/feed--wp-rss-cdata-yoast"
             "?type=application/rss%2Bxml")
    assert r.status == 200 and r.body == body


def _nginx_t(site, tag, http):
    d = os.path.join(site.dir, "t-" + tag)
    os.makedirs(d, exist_ok=True)
    return harness.Nginx(d, http, module=site.module).test_conf()


@pytest.mark.parametrize("template,why", [
    ('"<p>%x</p>"', '"%x"'),
    ('"50%"', "credit template"),
])
def test_bad_credit_template_fails_nginx_t(site, template, why):
    rc, out = _nginx_t(site, "credit", """
        server { listen 127.0.0.1:1;
            location / {
                syndication_credit %s;
            }
        }""" % template)
    assert rc != 0
    assert re.search(r"\[emerg\].*syndication_credit.*nginx\.conf:\d+", out), \
        out
    assert why in out


def test_duplicate_credit_fails_nginx_t(site):
    rc, out = _nginx_t(site, "credit2", """
        syndication_credit "a %s";
        syndication_credit "b %s";""")
    assert rc != 0
    assert "is duplicate" in out
