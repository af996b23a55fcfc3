"""Session fixtures: the sample upstream and a private nginx with the module.

Nothing is built here (make does that).  SF_MODULE overrides the module path.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "site"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "golden"))

import harness  # noqa: E402
import inputs  # noqa: E402
import upstream  # noqa: E402

# SF_MODULE=static: the module is compiled into $NGINX (e.g. an ASan build
# made with --add-module), nothing to load
MODULE = os.environ.get("SF_MODULE", harness.MODULE)
if MODULE == "static":
    MODULE = None
FIXTURE_DIRS = [os.path.join(ROOT, "tests", "fixtures")]

CUSTOM_RULES = """\
# integration test: a site rule on top of nothing else
rule test-recent-posts
    scope h2 h3 div
    equals "Recent Posts"
    action drop
end
"""

HTTP = """
    upstream up {{
        server 127.0.0.1:{up};
        keepalive 8;
    }}

    server {{
        listen 127.0.0.1:{port};
        listen 127.0.0.1:{h2port} http2;
        server_name aggregator.test;

        proxy_http_version 1.1;
        proxy_set_header Connection "";

        syndication_filter on;

        location / {{
            proxy_pass http://up;
        }}

        location /nb/ {{
            proxy_pass http://up/page/;
            proxy_buffering off;
        }}

        location = /nbbig {{
            proxy_pass http://up/big;
            proxy_buffering off;
        }}

        # a client abort is found by a failed write, not by the check of
        # the upstream module, whatever the timing
        location = /nbbig-abort {{
            proxy_pass http://up/big;
            proxy_buffering off;
            proxy_ignore_client_abort on;
        }}

        location /timeout/ {{
            proxy_pass http://up/page/;
            proxy_read_timeout 1s;
        }}

        location /timeoutnb/ {{
            proxy_pass http://up/page/;
            proxy_read_timeout 1s;
            proxy_buffering off;
        }}

        location /plain/ {{
            syndication_filter off;
            proxy_pass http://up/;
        }}

        location /report/ {{
            syndication_mode report;
            proxy_pass http://up/page/;
        }}

        location /src/ {{
            syndication_source "https://example.org/original/$arg_id";
            syndication_noindex on;
            proxy_pass http://up/page/;
        }}

        location /hsrc/ {{
            syndication_source $http_x_source;
            proxy_pass http://up/page/;
        }}

        location /badsrc/ {{
            syndication_source "javascript:alert(1)";
            proxy_pass http://up/page/;
        }}

        location /learn/ {{
            syndication_learn zone=learned:1m;
            proxy_pass http://up/page/;
        }}

        location /learnfoot/ {{
            syndication_learn zone=learned:1m key=$scheme://$host$uri;
            proxy_pass http://up/foot/;
        }}

        location /learnttl/ {{
            syndication_learn zone=learned:1m key=$scheme://$host$uri
                              ttl=2s;
            proxy_pass http://up/foot/;
        }}

        location /learnfull/ {{
            syndication_learn zone=full:64k key=$scheme://$host$uri;
            proxy_pass http://up/foot/;
        }}

        location /u/ {{
            set $s "x$uri";
            rewrite ^ /page/webtimes-putin-car break;
            syndication_source $s;
            proxy_pass http://up;
        }}

        location /gz/ {{
            gzip on;
            gzip_min_length 1;
            proxy_pass http://up/page/;
        }}

        location /small/ {{
            syndication_buffers 2 1k;
            proxy_pass http://up/page/;
            proxy_buffering off;
        }}

        location /custom/ {{
            syndication_builtin_rules off;
            syndication_rules {dir}/custom.rules;
            proxy_pass http://up/page/;
        }}

        location /static/ {{
            alias {dir}/www/;
        }}
    }}
"""


class Site:
    pass


@pytest.fixture(scope="session")
def site():
    if MODULE is not None and not os.path.exists(MODULE):
        pytest.exit("%s is missing: run make first" % MODULE, 2)
    tmp = tempfile.mkdtemp(prefix="sf-integration-")
    os.chmod(tmp, 0o755)
    srv = upstream.start(0, FIXTURE_DIRS)
    s = Site()
    s.dir = tmp
    s.module = MODULE
    s.upstream = srv
    s.up = srv.server_port
    s.port = harness.free_port()
    s.h2port = harness.free_port()
    s.pages = upstream.load_pages(FIXTURE_DIRS)
    s.expect = {}
    for d in reversed(FIXTURE_DIRS):
        if os.path.isdir(d):
            for name in os.listdir(d):
                if name.endswith(".json"):
                    s.expect[name[:-5]] = os.path.join(d, name)
    os.makedirs(os.path.join(tmp, "www"))
    for name, body in s.pages.items():
        with open(os.path.join(tmp, "www", name + ".html"), "wb") as f:
            f.write(body)
    # a page of several output buffers, not in the corpus: the ~208 KB
    # listing of the nginx bench, each entry its own (/page/agg, /nb/agg,
    # /static/agg.html)
    s.agg = inputs.bench_page(varied=True)
    srv.pages["agg"] = s.agg
    with open(os.path.join(tmp, "www", "agg.html"), "wb") as f:
        f.write(s.agg)
    with open(os.path.join(tmp, "custom.rules"), "w") as f:
        f.write(CUSTOM_RULES)
    s.nginx = harness.Nginx(tmp, HTTP.format(up=s.up, port=s.port,
                                             h2port=s.h2port, dir=tmp),
                            module=MODULE)
    s.nginx.start([s.port, s.h2port])
    s.base = "http://127.0.0.1:%d" % s.port
    s.h2base = "http://127.0.0.1:%d" % s.h2port
    # one quick page first: a hanging engine should fail the run in
    # seconds, not in a timeout per test
    probe = curl(s.base + "/page/webtimes-putin-car", timeout=10)
    if probe.rc != 0 or probe.status != 200:
        s.nginx.stop()
        srv.shutdown()
        pytest.exit("nginx with the module did not serve a page in 10 s "
                    "(curl exit %d, status %d): see %s/error.log"
                    % (probe.rc, probe.status, tmp), 3)
    yield s
    rc = s.nginx.stop()
    srv.shutdown()
    bad = harness.bad_lines(s.nginx.log_text())
    assert rc == 0, "nginx exit code %r" % rc
    assert not bad, "error.log:\n" + "\n".join(bad)
    # kept for a look when something failed above, or with SF_KEEP=1
    if not os.environ.get("SF_KEEP"):
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def private_nginx(site, tag, http, files=None):
    """A second nginx in front of the session's upstream, in its own
    directory (with files written there first); http is formatted with
    up, port and dir.  Its exit and error.log are checked at the end."""
    d = os.path.join(site.dir, tag)
    os.makedirs(d, exist_ok=True)
    for name, text in (files or {}).items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    port = harness.free_port()
    n = harness.Nginx(d, http.format(up=site.up, port=port, dir=d),
                      module=site.module)
    n.start([port])
    n.base = "http://127.0.0.1:%d" % port
    yield n
    rc = n.stop()
    bad = harness.bad_lines(n.log_text())
    assert rc == 0
    assert not bad, "\n".join(bad)


@pytest.fixture(autouse=True)
def clean_log(request):
    """Every test: no [alert], [crit], [emerg] or crash in error.log."""
    if "site" not in request.fixturenames:
        yield
        return
    s = request.getfixturevalue("site")
    start = s.nginx.log_size()
    yield
    bad = harness.bad_lines(s.nginx.log_since(start))
    assert not bad, "error.log:\n" + "\n".join(bad)


class Response:
    def __init__(self, rc, status, headers, body, elapsed):
        self.rc = rc
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed

    def header(self, name):
        v = self.headers.get(name.lower())
        return v[-1] if v else None


def parse_headers(raw):
    """The last response's headers from curl -D output."""
    blocks = [b for b in raw.replace("\r\n", "\n").split("\n\n") if b.strip()]
    if not blocks:
        return 0, {}
    lines = blocks[-1].split("\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.setdefault(k.strip().lower(), []).append(v.strip())
    return status, headers


def curl(url, *args, timeout=20):
    with tempfile.NamedTemporaryFile() as hf, \
            tempfile.NamedTemporaryFile() as bf:
        cmd = ["curl", "-s", "--max-time", str(timeout), "-D", hf.name,
               "-o", bf.name] + list(args) + [url]
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout + 10)
        with open(hf.name, errors="replace") as f:
            status, headers = parse_headers(f.read())
        with open(bf.name, "rb") as f:
            body = f.read()
    return Response(p.returncode, status, headers, body, None)


@pytest.fixture(scope="session")
def get():
    return curl
