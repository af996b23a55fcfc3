"""The Debian package on this machine's nginx (make deb-test, as root).

Installs build/deb/libnginx-mod-http-syndication-filter_*.deb with dpkg,
checks that it enabled itself in /etc/nginx/modules-enabled, starts nginx
(the system binary, its default prefix) with a configuration that loads
modules the way Debian's nginx.conf does (include modules-enabled) and
fetches a cleaned fixture page; then purges the package and checks that
the module is no longer loaded.  It changes the system, so it is not part
of `make test`.
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "site"))

import fixture_check  # noqa: E402
import harness  # noqa: E402

PKG = "libnginx-mod-http-syndication-filter"
CLI_PKG = "synfilter"
SO = "/usr/lib/nginx/modules/ngx_http_syndication_filter_module.so"
ENABLED = "/etc/nginx/modules-enabled/50-mod-http-syndication-filter.conf"
PAGE = "webtimes-putin-car"

CONF = """
include /etc/nginx/modules-enabled/*.conf;
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        syndication_filter on;
        add_header X-Syndication-Version $syndication_version;
        location /page/ {{
            alias {dir}/www/;
        }}
    }}
}}
"""


def run(*cmd, check=True):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if check:
        assert p.returncode == 0, "%s: %s" % (" ".join(cmd), p.stdout)
    return p


def deb(name):
    found = sorted(glob.glob(os.path.join(ROOT, "build", "deb",
                                          "%s_*.deb" % name)))
    assert found, "no %s .deb in build/deb: run make deb" % name
    return found[-1]


def version():
    with open(os.path.join(ROOT, "src", "sf_version.h")) as f:
        return re.search(r'SF_VERSION\s+"([^"]+)"', f.read()).group(1)


@pytest.fixture(scope="module")
def installed():
    if os.geteuid() != 0:
        pytest.exit("make deb-test installs a package: run it as root", 2)
    if os.path.exists(SO):
        pytest.exit("%s is already there: purge %s first" % (SO, PKG), 2)
    run("dpkg", "-i", deb(PKG), deb(CLI_PKG))
    yield
    run("dpkg", "--purge", PKG, CLI_PKG)


def test_package_fields():
    f = run("dpkg-deb", "-f", deb(PKG), "Depends").stdout
    assert re.search(r"\bnginx-abi-[0-9.]+-[0-9]+\b", f), f
    files = run("dpkg-deb", "-c", deb(PKG)).stdout
    assert "." + SO in files
    assert "./usr/share/nginx/modules-available/" \
           "mod-http-syndication-filter.conf" in files


def test_enabled_through_modules_enabled(installed):
    assert os.path.islink(ENABLED)
    with open(ENABLED) as f:
        text = f.read()
    assert "load_module modules/ngx_http_syndication_filter_module.so;" \
        in text
    # the stock configuration loads it
    run("nginx", "-t", "-q")


def test_cleaned_page(installed):
    d = tempfile.mkdtemp(prefix="sf-deb-")
    os.chmod(d, 0o755)     # the workers run as nobody
    os.makedirs(os.path.join(d, "www"))
    src = os.path.join(ROOT, "tests", "fixtures", PAGE + ".html")
    shutil.copy(src, os.path.join(d, "www", PAGE + ".html"))
    port = harness.free_port()
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(CONF.format(dir=d, port=port))
    # the default prefix, as the system nginx: modules/ is relative to it
    p = subprocess.Popen(["nginx", "-c", conf, "-e", d + "/error.log"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert harness.wait_port(port), open(d + "/error.log").read()
        with tempfile.NamedTemporaryFile() as hf:
            body = subprocess.run(
                ["curl", "-s", "--max-time", "10", "-D", hf.name,
                 "http://127.0.0.1:%d/page/%s.html" % (port, PAGE)],
                stdout=subprocess.PIPE, check=True).stdout
            headers = open(hf.name).read()
    finally:
        p.send_signal(signal.SIGQUIT)
        p.wait(timeout=10)
    assert re.search(r"(?im)^x-syndication-version: %s\r?$"
                     % re.escape(version()), headers), headers
    with open(src, "rb") as f:
        raw = f.read()
    exp = fixture_check.load(os.path.join(ROOT, "tests", "fixtures",
                                          PAGE + ".json"))
    fails = fixture_check.check(raw, body, exp)
    assert not fails, "\n".join(fails)
    assert b'class="syndication-source"' in body
    assert body != raw
    shutil.rmtree(d, ignore_errors=True)


def test_cli_and_man_page(installed):
    assert run("synfilter", "--version").stdout == \
        "synfilter %s\n" % version()
    man = " ".join(run("man", "-P", "cat", "synfilter").stdout.split())
    assert "synfilter - clean an aggregator page offline" in man
    assert os.path.exists("/usr/share/doc/synfilter/rules/README.md.gz") \
        or os.path.exists("/usr/share/doc/synfilter/rules/README.md")


def test_purge_disables(installed):
    run("dpkg", "--purge", PKG)
    assert not os.path.lexists(ENABLED)
    assert not os.path.exists(SO)
    run("nginx", "-t", "-q")
    # reinstalled, so that the fixture's purge has something to purge
    run("dpkg", "-i", deb(PKG))
    assert os.path.islink(ENABLED)
