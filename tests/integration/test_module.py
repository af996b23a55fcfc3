"""The module inside a real nginx, a real upstream, curl as the client."""

import gzip
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import FIXTURE_DIRS, curl
import fixture_check
import harness

# every fixture with both its page and its expectations
NAMES = sorted({f[:-5] for d in FIXTURE_DIRS if os.path.isdir(d)
                for f in os.listdir(d) if f.endswith(".json")
                and os.path.exists(os.path.join(d, f[:-5] + ".html"))})

MAIN = "webtimes-putin-car"


def expectations(site, name):
    return fixture_check.load(site.expect[name])


def cleaned(site, name):
    """The page through the plain path (Content-Length, buffered proxy)."""
    r = curl(site.base + "/page/" + name)
    assert r.rc == 0 and r.status == 200
    return r.body


# ---- every fixture through plain, 1-byte chunked and gzip ----------------

TRANSFERS = {
    "length": "/page/{}",
    "chunk1": "/nb/{}?te=chunked&chunk=1",
    "gzip": "/page/{}?enc=gzip",
}


@pytest.mark.parametrize("transfer", sorted(TRANSFERS))
@pytest.mark.parametrize("name", NAMES)
def test_fixture(site, name, transfer):
    r = curl(site.base + TRANSFERS[transfer].format(name), timeout=20)
    assert r.rc == 0, "curl exit %d" % r.rc
    assert r.status == 200
    assert r.header("content-encoding") is None
    fails = fixture_check.check(site.pages[name], r.body,
                                expectations(site, name))
    assert not fails, "\n".join(fails)


# ---- the same page whatever the transfer and the encoding ---------------

MODES = [
    "/page/{}?te=chunked&chunk=random&seed=7",
    "/page/{}?te=chunked&chunk=1",
    "/nb/{}?te=chunked&chunk=random&seed=3",
    "/nb/{}?te=chunked&chunk=7&pause=1",
    "/page/{}?enc=deflate",
    "/page/{}?enc=rawdeflate",
    "/nb/{}?enc=gzip&te=chunked&chunk=1",
    "/small/{}?te=chunked&chunk=1",
    "/small/{}",
    "/static/{}.html",
]


@pytest.mark.parametrize("name", NAMES)
def test_identical_everywhere(site, name):
    want = cleaned(site, name)
    for mode in MODES:
        r = curl(site.base + mode.format(name), timeout=20)
        assert r.rc == 0 and r.status == 200, mode
        assert r.body == want, "differs through " + mode
    r = curl(site.h2base + "/page/" + name, "--http2-prior-knowledge")
    assert r.rc == 0 and r.status == 200
    assert r.body == want, "differs through h2c"
    r = curl(site.base + "/gz/" + name + "?enc=gzip", "--compressed")
    assert r.rc == 0 and r.body == want, "differs through gzip on"


def test_keepalive_two_requests(site):
    want = cleaned(site, MAIN)
    with open(os.devnull, "w") as null:
        p = subprocess.run(
            ["curl", "-s", "-v", "-o", "/dev/null", "-o", "-",
             site.base + "/page/%s?enc=gzip" % MAIN,
             site.base + "/page/%s" % MAIN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    assert p.returncode == 0
    assert p.stdout == want
    assert b"Re-using existing connection" in p.stderr \
        or b"Reusing existing connection" in p.stderr


# ---- headers ------------------------------------------------------------

def test_headers_when_filtering(site):
    r = curl(site.base + "/page/" + MAIN)
    assert r.status == 200
    assert r.header("content-length") is None
    assert r.header("last-modified") is None
    assert r.header("accept-ranges") is None
    etag = r.header("etag")
    assert etag is None or etag.startswith("W/")
    assert r.header("link") is None


def test_source_link_header(site):
    r = curl(site.base + "/src/%s?id=42" % MAIN)
    assert r.status == 200
    assert r.header("link") == \
        '<https://example.org/original/42>; rel="canonical"'
    assert r.header("x-robots-tag") == "noindex"
    canon = re.findall(rb'<link[^>]+rel=["\']?canonical[^>]*>', r.body, re.I)
    assert len(canon) <= 1
    # the engine is handed the source: it ends up in the head canonical
    assert b"https://example.org/original/42" in r.body


def test_source_invalid_is_ignored(site):
    r = curl(site.base + "/badsrc/" + MAIN)
    assert r.status == 200
    assert r.header("link") is None
    assert b"javascript:alert" not in r.body


def test_source_from_request_header(site):
    r = curl(site.base + "/hsrc/" + MAIN,
             "-H", "X-Source: https://news.example.net/a/1")
    assert r.header("link") == '<https://news.example.net/a/1>; rel="canonical"'
    r = curl(site.base + "/hsrc/" + MAIN)
    assert r.header("link") is None


@pytest.mark.parametrize("bad", [
    "ftp://ex.org/", "https:///path", "//ex.org/a", "javascript:alert(1)",
    "https://user@ex.org/a",
])
def test_source_refused(site, bad):
    r = curl(site.base + "/hsrc/" + MAIN, "-H", "X-Source: " + bad)
    assert r.status == 200
    assert r.header("link") is None


# the engine's validator: what could end the header or an attribute is
# percent-encoded, as in the page's canonical
@pytest.mark.parametrize("given,clean", [
    ("https://ex.org/a>b<c", "https://ex.org/a%3Eb%3Cc"),
    ("https://ex.org/a\"b", "https://ex.org/a%22b"),
    ("https://ex.org/a b", "https://ex.org/a%20b"),
])
def test_source_encoded(site, given, clean):
    r = curl(site.base + "/hsrc/" + MAIN, "-H", "X-Source: " + given)
    assert r.status == 200
    assert r.header("link") == '<%s>; rel="canonical"' % clean
    assert ('href="%s"' % clean).encode() in r.body


@pytest.mark.parametrize("query,why", [
    ("type=text/plain", "other type"),
    ("type=application/json", "other type"),
    ("cc=public,%20no-transform", "no-transform"),
    ("status=206", "partial content"),
    ("type=text/html;%20charset=utf-16", "utf-16"),
    ("type=text/html;%20charset=UCS-2", "ucs-2"),
    ("type=text/html;%20charset=ucs-4", "ucs-4"),
])
def test_not_filtered(site, query, why):
    raw = site.pages[MAIN]
    r = curl(site.base + "/page/%s?%s" % (MAIN, query))
    assert r.rc == 0
    assert r.body == raw, why
    assert r.header("content-length") == str(len(raw)), why
    assert r.header("etag") and not r.header("etag").startswith("W/")


def test_head_not_filtered(site):
    r = curl(site.base + "/page/" + MAIN, "-I")
    assert r.status == 200
    assert r.header("content-length") == str(len(site.pages[MAIN]))
    assert not r.header("etag").startswith("W/")


def test_304_passes(site):
    r = curl(site.base + "/page/%s?status=304" % MAIN)
    assert r.status == 304
    assert r.body == b""


def test_range_request_gets_whole_cleaned_page(site):
    want = cleaned(site, MAIN)
    r = curl(site.base + "/static/%s.html" % MAIN, "-H", "Range: bytes=0-9")
    assert r.status == 200
    assert r.body == want


def test_variables_in_access_log(site):
    curl(site.base + "/page/%s?v=1" % MAIN)
    curl(site.base + "/plain/page/%s?v=2" % MAIN)
    time.sleep(0.2)
    with open(os.path.join(site.dir, "access.log")) as f:
        lines = f.read().splitlines()
    filt = [l for l in lines if "/page/%s?v=1 " % MAIN in l][-1]
    plain = [l for l in lines if "?v=2 " in l][-1]
    assert "st=skipped" in plain and "rm=0" in plain
    m = re.search(r"st=(\S+) rm=(\d+) src=(\S*)", filt)
    assert m and m.group(1) != "skipped"
    exp = expectations(site, MAIN)
    if exp.get("removed"):
        assert int(m.group(2)) > 0
    if exp.get("source"):
        assert m.group(3) == exp["source"]


# ---- modes and encodings --------------------------------------------------

def test_report_mode_is_byte_identical(site):
    start = site.nginx.log_size()
    r = curl(site.base + "/report/" + MAIN)
    assert r.status == 200
    assert r.body == site.pages[MAIN]
    assert r.header("content-length") == str(len(site.pages[MAIN]))
    r = curl(site.base + "/report/%s?te=chunked&chunk=1" % MAIN)
    assert r.body == site.pages[MAIN]
    time.sleep(0.2)
    log = site.nginx.log_since(start)
    assert re.search(r'\[info\].*syndication filter: rule "[^"]+" action',
                     log), "no decision logged in report mode"


def test_gzip_upstream_recompressed(site):
    want = cleaned(site, MAIN)
    r = curl(site.base + "/gz/%s?enc=gzip" % MAIN,
             "-H", "Accept-Encoding: gzip")
    assert r.status == 200
    assert r.header("content-encoding") == "gzip"
    assert gzip.decompress(r.body) == want


def test_gzip_upstream_to_identity_client(site):
    want = cleaned(site, MAIN)
    r = curl(site.base + "/page/%s?enc=gzip" % MAIN)
    assert r.header("content-encoding") is None
    assert r.body == want


def test_br_passes_through(site):
    start = site.nginx.log_size()
    r = curl(site.base + "/page/%s?enc=br" % MAIN)
    assert r.status == 200
    assert r.header("content-encoding") == "br"
    assert r.body == site.pages[MAIN]
    time.sleep(0.2)
    log = site.nginx.log_since(start)
    assert 'Content-Encoding "br"' in log


def test_corrupt_gzip_ends_response(site):
    t = time.time()
    r = curl(site.base + "/page/%s?enc=corrupt" % MAIN, timeout=20)
    assert time.time() - t < 15
    # cut short (curl error) or never complete; either way no crash
    assert r.rc != 0 or len(r.body) < len(site.pages[MAIN])
    r = curl(site.base + "/page/" + MAIN)
    assert r.rc == 0 and r.status == 200


def test_truncated_upstream_invents_nothing(site):
    want = cleaned(site, MAIN)
    # 18: the server closed before the end of the body; a client timeout
    # (28) would be the hang of an unreleased request, not a cut
    r = curl(site.base + "/page/%s?cut=6000" % MAIN, timeout=20)
    assert r.rc == 18, "a cut response must end at once, incomplete"
    assert want.startswith(r.body)
    r = curl(site.base + "/nb/%s?cut=6000&te=chunked&chunk=100" % MAIN,
             timeout=20)
    assert r.rc == 18
    assert want.startswith(r.body)


def test_custom_rules(site):
    r = curl(site.base + "/custom/" + MAIN)
    assert r.status == 200
    text = fixture_check.visible_text(r.body)
    assert "recent posts" not in text
    # built-in pack off: the repost footer stays
    assert "first appeared on" in text


# ---- streaming: the text before a stall reaches the client ---------------

def test_stalled_upstream_streams(site):
    raw = site.pages[MAIN]
    at = len(raw) * 2 // 3
    stall = 3.0
    s = socket.create_connection(("127.0.0.1", site.port))
    s.sendall(("GET /nb/%s?te=chunked&chunk=512&stall=%g&at=%d HTTP/1.1\r\n"
               "Host: aggregator.test\r\nConnection: close\r\n\r\n"
               % (MAIN, stall, at)).encode())
    t0 = time.time()
    got = b""
    first = None
    before = None
    s.settimeout(10)
    while True:
        data = s.recv(65536)
        if not data:
            break
        now = time.time() - t0
        if first is None and b"\r\n\r\n" in got + data and \
                len((got + data).split(b"\r\n\r\n", 1)[1]) > 0:
            first = now
        got += data
        if now < stall - 0.5:
            before = got
    s.close()
    total = time.time() - t0
    print("\nstall %.1f s: first body bytes after %.3f s, %d bytes before "
          "the stall ended, done after %.2f s"
          % (stall, first, len(before or b""), total))
    assert total >= stall
    assert first is not None and first < stall - 0.5
    head = before.split(b"\r\n\r\n", 1)[1]
    assert b"<title" in head or b"<TITLE" in head


# ---- a page of several output buffers ------------------------------------

LONG_MODES = [
    "/page/agg",
    "/page/agg?te=chunked&chunk=random&seed=11",
    "/page/agg?te=chunked&chunk=1000&pause=1",
    "/page/agg?enc=gzip",
    "/page/agg?enc=gzip&te=chunked&chunk=random&seed=5",
    "/nb/agg?te=chunked&chunk=random&seed=3",
]


def test_long_page_through_the_buffers(site):
    """A 208 KB listing, several times the output buffers: the same bytes
    as from the static file whatever the upstream's framing, pacing and
    encoding, through h2c and through gzip on."""
    want = curl(site.base + "/static/agg.html").body
    assert len(want) > 4 * 32768
    assert site.agg.count(b"news.google.com/publications") == 33
    assert b"news.google.com/publications" not in want
    for mode in LONG_MODES:
        r = curl(site.base + mode, timeout=30)
        assert r.rc == 0 and r.status == 200, mode
        assert r.body == want, "differs through " + mode
    r = curl(site.h2base + "/page/agg", "--http2-prior-knowledge")
    assert r.rc == 0 and r.body == want, "differs through h2c"
    r = curl(site.base + "/gz/agg?enc=gzip", "--compressed")
    assert r.rc == 0 and r.body == want, "differs through gzip on"


def test_long_page_stalled_buffering_upstream(site):
    """A buffering proxy whose upstream stops for 3 s after 150,000 bytes
    of the listing: during the stall the client has what the filter made
    of them but for one output buffer (32 KiB) and the hold-back (16 KiB)
    at most, and the response ends as soon as the upstream's does."""
    want = curl(site.base + "/static/agg.html").body
    at = 150000
    stall = 3.0
    s = socket.create_connection(("127.0.0.1", site.port))
    s.sendall(("GET /page/agg?stall=%g&at=%d HTTP/1.0\r\n"
               "Host: aggregator.test\r\n\r\n" % (stall, at)).encode())
    t0 = time.time()
    got = b""
    before = b""
    s.settimeout(10)
    while True:
        data = s.recv(65536)
        if not data:
            break
        got += data
        if time.time() - t0 < stall - 0.5:
            before = got
    s.close()
    total = time.time() - t0
    body = got.partition(b"\r\n\r\n")[2]
    sent = len(before.partition(b"\r\n\r\n")[2])
    # the listing is 33 alike entries: its output is spread as its input
    made = at * len(want) // len(site.agg)
    print("\nstalled at %d of %d bytes: %d of ~%d output bytes before the "
          "stall ended, done after %.2f s"
          % (at, len(site.agg), sent, made, total))
    assert body == want
    assert sent >= made - (32768 + 16384 + 8192)
    assert total < stall + 3


# ---- memory ---------------------------------------------------------------

def test_slow_client_back_pressure(site):
    """A client that stops reading: the filter stops taking input, the
    worker does not swallow the 20 MB page."""
    w = site.nginx.workers()[0]
    before = harness.vm_hwm_kb(w)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    s.connect(("127.0.0.1", site.port))
    s.sendall(b"GET /nbbig HTTP/1.1\r\nHost: aggregator.test\r\n"
              b"Connection: close\r\n\r\n")
    got = s.recv(65536)
    time.sleep(2)
    stalled = harness.vm_hwm_kb(w)
    n = len(got)
    s.settimeout(30)
    while True:
        data = s.recv(1 << 20)
        if not data:
            break
        n += len(data)
    s.close()
    print("\nslow client: worker VmHWM %d KB before, %d KB while the "
          "client did not read, %d bytes received in the end"
          % (before, stalled, n))
    assert stalled - before < 4096
    assert n > 15 * 1024 * 1024


def _hwm(site, path, tag):
    d = os.path.join(site.dir, "hwm-" + tag)
    os.makedirs(d, exist_ok=True)
    port = harness.free_port()
    conf = """
    server {{
        listen 127.0.0.1:{port};
        location / {{
            syndication_filter {on};
            proxy_pass http://127.0.0.1:{up};
        }}
    }}
    """.format(port=port, up=site.up, on="on" if tag == "filter" else "off")
    n = harness.Nginx(d, conf, module=site.module)
    n.start([port])
    try:
        curl("http://127.0.0.1:%d/page/%s" % (port, MAIN))
        w = n.workers()[0]
        base = harness.vm_hwm_kb(w)
        r = curl("http://127.0.0.1:%d%s" % (port, path), timeout=60)
        peak = harness.vm_hwm_kb(w)
    finally:
        rc = n.stop()
    assert rc == 0
    assert not harness.bad_lines(n.log_text())
    return r, base, peak


def test_memory_20mb_single_line(site):
    rp, bp, pp = _hwm(site, "/big", "plain")
    rf, bf, pf = _hwm(site, "/big", "filter")
    print("\nVmHWM 20 MB single-line page: plain %d KB (idle %d), "
          "filter %d KB (idle %d), difference %d KB"
          % (pp, bp, pf, bf, pf - pp))
    assert rp.rc == 0 and rf.rc == 0
    assert len(rp.body) > 19 * 1024 * 1024
    assert len(rf.body) > 15 * 1024 * 1024
    assert b"news.google.com/publications" not in rf.body
    assert pf - pp < 8 * 1024


def _minflt(pid):
    """Page faults of a process so far that the kernel served from memory
    (a page taken anew from the kernel is one)."""
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])


def _together(site, paths):
    """All requests sent at once, each on its own connection, the bodies
    read after: the worker has the responses in progress together."""
    socks = []
    for path in paths:
        s = socket.create_connection(("127.0.0.1", site.port))
        s.sendall(("GET %s HTTP/1.0\r\nHost: aggregator.test\r\n\r\n"
                   % path).encode())
        socks.append(s)
    bodies = []
    for s in socks:
        s.settimeout(20)
        got = b""
        while True:
            data = s.recv(65536)
            if not data:
                break
            got += data
        s.close()
        head, _, body = got.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head[:40]
        bodies.append(body)
    return bodies


def test_responses_in_progress_together(site):
    """Eight pages in progress together in one worker, round after round:
    each is what it is alone, and once the first rounds are done, the
    worker takes no more new memory from the kernel for them than for the
    same rounds unfiltered, but for less than two pages per response (the
    memory of a finished response serves the next one; it used to be
    freed, given back to the kernel by malloc and faulted in again, 5-7
    pages a response here; ~1 with AddressSanitizer's allocator, which
    does not reuse the pools' freed memory at once)."""
    names = (NAMES * 8)[:8]
    want = [cleaned(site, n) for n in names]
    w = site.nginx.workers()[0]
    rounds = 20

    def faults(prefix):
        paths = ["%s%s?r=%d" % (prefix, n, i) for i, n in enumerate(names)]
        for _ in range(3):
            _together(site, paths)
        before = _minflt(w)
        got = [_together(site, paths) for _ in range(rounds)]
        return _minflt(w) - before, got

    plain, _ = faults("/plain/page/")
    filtered, got = faults("/page/")
    for bodies in got:
        for i, name in enumerate(names):
            assert bodies[i] == want[i], "%s differs" % name
    print("\n%d responses, 8 at a time: %d page faults in the worker, "
          "%d unfiltered" % (rounds * len(names), filtered, plain))
    assert filtered < plain + 2 * rounds * len(names)


# ---- learned sources ------------------------------------------------------

def test_learn_zone(site):
    exp = expectations(site, MAIN)
    if not exp.get("source"):
        pytest.skip("fixture has no source")
    url = site.base + "/learn/%s?k=1" % MAIN
    r1 = curl(url)
    assert r1.status == 200
    assert r1.header("link") is None
    r2 = curl(url)
    link = '<%s>; rel="canonical"' % exp["source"]
    assert r2.header("link") == link
    canon = re.findall(rb'<link[^>]+rel=["\']?canonical[^>]*>', r2.body,
                       re.I)
    assert len(canon) == 1 and exp["source"].encode() in canon[0]
    # the zone outlives a reload
    site.nginx.reload()
    harness.wait_port(site.port)
    r3 = curl(url)
    assert r3.header("link") == link


# ---- nginx -t -------------------------------------------------------------

def _nginx_t(site, tag, http):
    d = os.path.join(site.dir, "t-" + tag)
    os.makedirs(d, exist_ok=True)
    n = harness.Nginx(d, http.replace("DIR", d), module=site.module)
    rc, out = n.test_conf()
    return rc, out, d


def test_bad_rule_file_fails_nginx_t(site):
    d = os.path.join(site.dir, "t-rules")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "bad.rules"), "w") as f:
        f.write("# a typo on line 3\nrule typo\n    contain \"x\"\n"
                "    action drop\nend\n")
    rc, out, _ = _nginx_t(site, "rules", """
        server { listen 127.0.0.1:1; location / {
            syndication_filter on; syndication_rules DIR/bad.rules; } }""")
    assert rc != 0
    assert re.search(r"bad\.rules:3:\d+: ", out), out


def test_bad_regex_fails_nginx_t(site):
    d = os.path.join(site.dir, "t-regex")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "re.rules"), "w") as f:
        f.write("rule broken\n    regex \"(a\"\n    action drop\nend\n")
    rc, out, _ = _nginx_t(site, "regex", """
        server { listen 127.0.0.1:1; location / {
            syndication_rules DIR/re.rules; } }""")
    assert rc != 0
    assert re.search(r"re\.rules:2:\d+: ", out), out


def test_missing_rule_file_fails_nginx_t(site):
    rc, out, _ = _nginx_t(site, "missing", """
        syndication_rules DIR/none.rules;""")
    assert rc != 0
    assert "none.rules" in out


@pytest.mark.parametrize("directive", [
    "syndication_mode rewite;",
    "syndication_filter yes;",
    "syndication_buffers 4;",
    "syndication_max_holdback 12q;",
    "syndication_learn key=$host;",
    "syndication_learn zone=z:1;",
    "syndication_learn zone=z:1m ttl=0;",
    "syndication_learn zone=z:1m ttl=soon;",
    "syndication_learn zone=z:1m state=;",
    "syndication_source;",
])
def test_bad_directive_fails_nginx_t(site, directive):
    rc, out, _ = _nginx_t(site, "dir", directive)
    assert rc != 0, directive
    assert "[emerg]" in out


def test_good_config_passes_nginx_t(site):
    rc, out, _ = _nginx_t(site, "good", """
        syndication_filter on;
        syndication_types text/html application/xhtml+xml;
        syndication_buffers 8 4k;
        syndication_max_holdback 16k;
        syndication_mode report;
        syndication_attribution off;
        syndication_learn zone=z:1m key=$host$uri ttl=12h;
        server { listen 127.0.0.1:1; location / {
            syndication_mode rewrite; syndication_builtin_rules on; } }""")
    assert rc == 0, out
