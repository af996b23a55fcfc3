"""One version everywhere: the header, the CLI, CHANGES, the man page and
debian/changelog must name the same release (a bump that misses one of
them fails here)."""

import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYNFILTER = os.path.join(ROOT, "build", "synfilter")


def version():
    with open(os.path.join(ROOT, "src", "sf_version.h")) as f:
        m = re.search(r'#define\s+SF_VERSION\s+"([^"]+)"', f.read())
    assert m
    return m.group(1)


def test_cli_version():
    p = subprocess.run([SYNFILTER, "--version"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    assert p.returncode == 0
    assert p.stdout == "synfilter %s\n" % version()


def test_changes_names_version():
    with open(os.path.join(ROOT, "CHANGES")) as f:
        first = [line for line in f if line.strip()][0]
    assert first.split()[3] == version()


def test_man_page_names_version():
    with open(os.path.join(ROOT, "doc", "synfilter.1")) as f:
        th = [line for line in f if line.startswith(".TH ")][0]
    assert '"synfilter %s"' % version() in th


def test_debian_changelog_names_version():
    with open(os.path.join(ROOT, "debian", "changelog")) as f:
        m = re.match(r"\S+ \(([^)-]+)-[^)]+\)", f.readline())
    assert m and m.group(1) == version()


def test_licence_is_bsd_2_clause():
    with open(os.path.join(ROOT, "LICENSE")) as f:
        text = f.read()
    assert "The ngx_http_syndication_filter_module authors" in text
    assert "1. Redistributions of source code" in text
    assert "3." not in text
