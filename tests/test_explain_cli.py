"""synfilter --explain (make fixtures-cli).

--explain only adds paragraphs on stderr: the page on stdout is the same
bytes as without it, for every fixture and feed, whole and in chunks, and
the summary line is the same but for the memory figures.  On the shared
sample page it names the rule that removed the footer with its file and
line; with a site rule file, a near miss names the condition that failed
and what the block had instead.

SYNFILTER=path overrides the binary (for example build/synfilter-asan).
"""

import glob
import os
import re
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURES = os.path.join(HERE, "fixtures")
SAMPLE = os.path.join(FIXTURES, "webtimes-putin-car.html")
SYNFILTER = os.environ.get("SYNFILTER",
                           os.path.join(ROOT, "build", "synfilter"))

INPUTS = sorted(glob.glob(os.path.join(FIXTURES, "*.html"))
                + glob.glob(os.path.join(FIXTURES, "feeds", "*.xml")))


def run(data, *args):
    p = subprocess.run([SYNFILTER] + list(args), input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0, err
    return p.stdout, err


def summary(err):
    """The summary line without the memory figures, which --explain
    raises (the explainer's scratch)."""
    lines = [l for l in err.splitlines() if l.startswith("synfilter: in=")]
    assert len(lines) == 1, err
    return re.sub(r" (memory|peak)=\d+", "", lines[0])


def paragraphs(err):
    """The explanations ("item N, " first in a feed)."""
    return [p for p in err.split("\n\n")
            if re.match(r"(item \d+, )?block at \d+, ", p)]


def rule_line(path, rule_id):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.split()[:2] == ["rule", rule_id]:
                return n
    raise AssertionError("%s has no rule %s" % (path, rule_id))


def test_inputs_found():
    assert len(INPUTS) >= 40


@pytest.mark.parametrize("path", INPUTS,
                         ids=[os.path.basename(p) for p in INPUTS])
def test_stdout_unchanged(path):
    with open(path, "rb") as f:
        data = f.read()

    plain, plain_err = run(data)
    explained, err = run(data, "--explain")
    chunked, _ = run(data, "--explain", "--chunk", "7")

    assert explained == plain
    assert chunked == plain
    assert summary(err) == summary(plain_err)
    # one paragraph per block held or element dropped
    held = int(re.search(r" held=(\d+)", plain_err).group(1))
    assert len(paragraphs(err)) >= held


def test_report_mode_unchanged():
    with open(SAMPLE, "rb") as f:
        data = f.read()

    out, err = run(data, "--report", "--explain")
    assert out == data
    assert "  reported: drop-source by rule aioseo-footer" in err


def test_sample_footer_explained():
    with open(SAMPLE, "rb") as f:
        data = f.read()

    _, err = run(data, "--explain")

    # the AIOSEO footer: "The post ... first appeared on ..."
    at = data.index(b"</a> first appeared on <a")
    start = data.rindex(b"<p", 0, at)
    end = data.index(b"</p>", at) + 4
    line = rule_line(os.path.join(ROOT, "conf", "rules", "20-aioseo.rules"),
                     "aioseo-footer")

    expect = ("block at %d, %d bytes: <p>\n"
              "  removed: drop-source by rule aioseo-footer "
              "(20-aioseo.rules:%d)" % (start, end - start, line))
    assert expect in paragraphs(err), err

    # the comment form goes whole, by its selector rule
    start = data.index(b'<div id="respond"')
    assert any(p.startswith("block at %d, " % start)
               and ", the whole element\n  removed: drop by rule "
                   "comment-form (80-aggregator-theme.rules:" in p
               for p in paragraphs(err)), err


def test_near_miss_names_condition(tmp_path):
    rules = tmp_path / "site.rules"
    rules.write_text("# the sidebar heading, misspelt\n"
                     "rule site-recent-posts\n"
                     "    scope h2.widget-title\n"
                     "    equals \"Recent Post\"\n"
                     "    action drop\n"
                     "end\n")

    with open(SAMPLE, "rb") as f:
        data = f.read()

    _, err = run(data, "-r", str(rules), "--explain")
    start = data.index(b'<h2 class="widget-title">')

    expect = ("block at %d, 42 bytes: <h2 class=\"widget-title\">\n"
              "  kept: nearest rule site-recent-posts (%s:2), 0 of 1 "
              "condition held\n"
              "  failed: equals \"recent post\" (%s:4): text is "
              "\"recent posts\"" % (start, rules, rules))
    assert expect in paragraphs(err), err


def test_usage_names_explain():
    p = subprocess.run([SYNFILTER, "--help"], stdout=subprocess.PIPE,
                       text=True)
    assert p.returncode == 0
    assert "--explain" in p.stdout
