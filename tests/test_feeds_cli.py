"""The feed fixtures through the CLI (make fixtures-cli).

Each tests/fixtures/feeds/NAME.xml runs through build/synfilter (built-in
pack; the CLI tells a feed by its root element) whole and in 1, 7 and
13-byte chunks: the outputs must be the same bytes and meet NAME.json
(tests/feed_check.py).  The expectations are checked against the input
feeds too, and the checker against unfiltered feeds, so that no fixture
passes for nothing.

SYNFILTER=path overrides the binary (for example build/synfilter-asan).
"""

import os
import re
import subprocess

import pytest

import feed_check

HERE = os.path.dirname(os.path.abspath(__file__))
FEEDS = os.path.join(HERE, "fixtures", "feeds")
SYNFILTER = os.environ.get("SYNFILTER",
                           os.path.join(HERE, "..", "build", "synfilter"))

CASES = feed_check.fixtures(FEEDS)
IDS = [name for name, _, _ in CASES]


def run(data, *args):
    p = subprocess.run([SYNFILTER] + list(args), input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0, err
    return p.stdout, err


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_corpus_size():
    assert len(CASES) >= 6
    assert any(feed_check.load(j).get("identical") for _, _, j in CASES)


@pytest.mark.parametrize("name,xml_path,json_path", CASES, ids=IDS)
def test_expectations_hold_on_input(name, xml_path, json_path):
    inp = read(xml_path)
    exp = feed_check.load(json_path)
    assert feed_check.selfcheck(inp, exp) == []
    # the feed as it came fails every expectation of a change
    if not exp.get("identical"):
        assert feed_check.check(inp, inp, exp) != []


@pytest.mark.parametrize("name,xml_path,json_path", CASES, ids=IDS)
def test_feed(name, xml_path, json_path):
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    inp = read(xml_path)
    exp = feed_check.load(json_path)

    whole, summary = run(inp)
    assert "items=%d" % len(feed_check.items(inp)) in summary, summary
    for n in ("1", "7", "13"):
        out, _ = run(inp, "--chunk", n)
        assert out == whole, "chunk %s differs from the whole run" % n

    fails = feed_check.check(inp, whole, exp)
    assert not fails, "\n".join(fails)


def test_credit_template_on_feed():
    name = "wp-rss-cdata-yoast"
    inp = read(os.path.join(FEEDS, name + ".xml"))
    out, _ = run(inp, "--credit",
                 '<p class="via">Via <a href="%u">%s</a> (100%%)</p>')
    assert b'<p class="via">Via <a href="https://baycourier.example/2024/' \
           b'03/harbour-night-ferries/">Bay Courier</a> (100%)</p>' in out
    assert b"Originally published by" not in out


def test_bad_credit_template_refused():
    p = subprocess.run([SYNFILTER, "--credit", "<p>%d</p>"], input=b"",
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=10)
    assert p.returncode == 2
    assert b'"%d"' in p.stderr


def test_html_page_is_no_feed():
    """A page that quotes feed markup is still a page."""
    page = (b"<!DOCTYPE html><html><body><pre>&lt;rss&gt;</pre>"
            b"<rss>not a feed</rss></body></html>")
    out, summary = run(page)
    assert out == page
    assert "items=" not in summary


@pytest.mark.parametrize("name,xml_path,json_path", CASES, ids=IDS)
def test_feed_split_by_whitespace(name, xml_path, json_path):
    """The same feed re-indented (white space around CDATA and between
    tags) is still cleaned, and still well-formed."""
    inp = read(xml_path)
    exp = feed_check.load(json_path)
    if exp.get("identical"):
        return
    spaced = re.sub(rb"(<[A-Za-z][^<>]*>)<!\[CDATA\[", rb"\1\n  <![CDATA[",
                    inp)
    spaced = re.sub(rb"\]\]></", b"]]>\n  </", spaced)
    out, _ = run(spaced)
    fails = [f for f in feed_check.check(spaced, out, exp)
             if not f.startswith("kept_raw")]
    assert not fails, "\n".join(fails)
