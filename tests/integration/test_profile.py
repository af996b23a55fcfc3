"""syndication_profile router in a real nginx: the same pages as the
default profile, also with many responses in one worker taking turns in
its shared decision scratch, and nginx -t for the directive.

A private nginx (one worker) in front of the session's upstream.
"""

import os
import threading

import pytest

from conftest import curl, private_nginx
import harness

HTTP = """
    syndication_profile router;

    server {{
        listen 127.0.0.1:{port};
        syndication_filter on;

        location /page/ {{
            proxy_pass http://127.0.0.1:{up}/page/;
        }}

        # responses of one worker interleave, chunk by chunk
        location /nb/ {{
            proxy_pass http://127.0.0.1:{up}/page/;
            proxy_buffering off;
        }}
    }}
"""


@pytest.fixture(scope="module")
def router(site):
    with private_nginx(site, "router", HTTP) as n:
        yield n


def html_pages(site):
    return sorted(name for name, body in site.pages.items()
                  if b"<rss" not in body[:2048] and b"<feed" not in body[:2048])


def test_router_serves_the_default_pages(site, router):
    """The corpus fits the router limits: every page comes out as the
    default profile cleans it."""
    names = html_pages(site)
    assert len(names) > 20
    for name in names:
        want = curl(site.base + "/page/" + name)
        got = curl(router.base + "/page/" + name)
        assert want.status == 200 and got.status == 200, name
        assert got.body == want.body, name


def test_router_interleaved_responses(site, router):
    """Sixteen responses at once in one worker, each fed as the upstream
    sends it: they share the worker's scratch and still come out whole."""
    names = html_pages(site)[:16]
    want = {n: curl(site.base + "/page/" + n).body for n in names}
    got = {}

    def fetch(name):
        got[name] = curl(router.base + "/nb/" + name)

    threads = [threading.Thread(target=fetch, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    for name in names:
        assert got[name].status == 200, name
        assert got[name].body == want[name], name


def nginx_t(site, tag, http):
    d = os.path.join(site.dir, "t-profile-" + tag)
    os.makedirs(d, exist_ok=True)
    return harness.Nginx(d, http, module=site.module).test_conf()


def test_profile_values(site):
    for value in ("default", "router"):
        rc, out = nginx_t(site, value, """
            syndication_profile %s;
            server { listen 127.0.0.1:1; location / {
                syndication_filter on; } }""" % value)
        assert rc == 0, out


def test_profile_unknown_value_fails(site):
    rc, out = nginx_t(site, "bad", """
        syndication_profile tiny;
        server { listen 127.0.0.1:1; }""")
    assert rc != 0
    assert "[emerg]" in out and "tiny" in out, out


def test_profile_only_in_http(site):
    """Rules are compiled once for the http block's profile: a server or
    location cannot have its own."""
    rc, out = nginx_t(site, "loc", """
        server { listen 127.0.0.1:1; location / {
            syndication_profile router; } }""")
    assert rc != 0
    assert '"syndication_profile" directive is not allowed here' in out, out
