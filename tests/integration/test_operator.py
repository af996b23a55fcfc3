"""What nginx operators expect of a filter module, in a real nginx:
syndication_last_modified, syndication_bypass, syndication_stats,
$syndication_version, and nginx -t refusing sub_filter beside the filter.

A second private nginx (its own stats zone) in front of the session's
upstream, so that the counters see only this file's requests.
"""

import os
import re
import subprocess

import pytest

from conftest import ROOT, curl, private_nginx
import harness

MAIN = "webtimes-putin-car"
UPSTREAM_LM = "Tue, 20 Feb 2024 10:00:00 GMT"   # tests/site/upstream.py

HTTP = """
    upstream up {{
        server 127.0.0.1:{up};
        keepalive 8;
    }}

    server {{
        listen 127.0.0.1:{port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        syndication_filter on;
        add_header X-Syndication-Version $syndication_version;

        location /page/ {{
            proxy_pass http://up/page/;
        }}

        location /lm/ {{
            syndication_last_modified on;
            proxy_pass http://up/page/;
        }}

        location /bp/ {{
            syndication_bypass $cookie_nofilter $arg_raw;
            proxy_pass http://up/page/;
        }}

        location /rep/ {{
            syndication_mode report;
            proxy_pass http://up/page/;
        }}

        location /off/ {{
            syndication_filter off;
            proxy_pass http://up/page/;
        }}

        # syndication_rules at a lower level replaces the inherited files
        location /inh/ {{
            syndication_rules {dir}/a.rules;
            proxy_pass http://up/page/;

            location /inh/own/ {{
                syndication_rules {dir}/b.rules;
                proxy_pass http://up/page/;
            }}
        }}

        location = /stats {{
            syndication_filter off;
            syndication_stats;
        }}
    }}
"""


A_RULES = """\
rule a-recent-posts
    scope h2 h3 div
    equals "Recent Posts"
    action drop
end
"""

B_RULES = """\
rule b-built-with
    scope div
    contains "built with"
    max-length 200
    action drop
end
"""


def version():
    with open(os.path.join(ROOT, "src", "sf_version.h")) as f:
        return re.search(r'SF_VERSION\s+"([^"]+)"', f.read()).group(1)


@pytest.fixture(scope="module")
def ops(site):
    with private_nginx(site, "ops", HTTP,
                       {"a.rules": A_RULES, "b.rules": B_RULES}) as n:
        yield n


def access_status(n, path):
    """$syndication_status of the last access log line for path."""
    with open(os.path.join(n.dir, "access.log")) as f:
        lines = [line for line in f if (" %s " % path) in line]
    assert lines, path
    return re.search(r"st=(\S+)", lines[-1]).group(1)


# ---- syndication_last_modified ---------------------------------------------

def test_last_modified_off_by_default(ops):
    r = curl(ops.base + "/page/" + MAIN)
    assert r.status == 200
    assert b'class="syndication-source"' in r.body
    assert r.header("last-modified") is None


def test_last_modified_kept(ops):
    r = curl(ops.base + "/lm/" + MAIN)
    assert r.status == 200
    assert b'class="syndication-source"' in r.body   # still filtered
    assert r.header("last-modified") == UPSTREAM_LM
    assert r.header("etag").startswith("W/")
    assert r.header("content-length") is None


# ---- syndication_bypass -----------------------------------------------------

@pytest.mark.parametrize("how", [
    ("?raw=1",), ("?raw=yes",), ("", "-b", "nofilter=1"),
])
def test_bypass_sends_upstream_bytes(site, ops, how):
    r = curl(ops.base + "/bp/" + MAIN + how[0], *how[1:])
    assert r.status == 200
    assert r.body == site.pages[MAIN]
    assert r.header("last-modified") == UPSTREAM_LM
    assert r.header("content-length") == str(len(site.pages[MAIN]))
    assert access_status(ops, "/bp/" + MAIN + how[0]) == "bypassed"


@pytest.mark.parametrize("how", [
    ("?raw=0",), ("?raw=",), ("", "-b", "nofilter=0"), ("",),
])
def test_no_bypass_for_empty_or_zero(ops, how):
    r = curl(ops.base + "/bp/" + MAIN + how[0], *how[1:])
    assert r.status == 200
    assert b'class="syndication-source"' in r.body
    assert access_status(ops, "/bp/" + MAIN + how[0]) == "rewritten"


# ---- $syndication_version ---------------------------------------------------

def test_version_variable(ops):
    r = curl(ops.base + "/off/" + MAIN)
    assert r.header("x-syndication-version") == version()
    cli = subprocess.run([os.path.join(ROOT, "build", "synfilter"),
                          "--version"], stdout=subprocess.PIPE, text=True)
    assert cli.stdout.split() == ["synfilter", version()]


# ---- syndication_stats ------------------------------------------------------

SAMPLE = re.compile(r'^([a-z_]+)(?:\{([a-z]+)="([^"\\\n]*)"\})? (\d+)$')


def stats(ops):
    r = curl(ops.base + "/stats")
    assert r.status == 200
    assert r.header("content-type").startswith("text/plain; version=0.0.4")
    typed, out = set(), {}
    for line in r.body.decode().splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if line.startswith("# HELP "):
            continue
        m = SAMPLE.match(line)
        assert m, "not in the exposition format: %r" % line
        assert m.group(1) in typed, "no # TYPE before " + line
        out[(m.group(1), m.group(3) or "")] = int(m.group(4))
    return out


def delta(before, after, name, label=""):
    return after.get((name, label), 0) - before.get((name, label), 0)


def cli_report(site, name):
    """Rule ids the CLI decides for a page, and its summary."""
    p = subprocess.run([os.path.join(ROOT, "build", "synfilter"),
                        "--report"], input=site.pages[name],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines = p.stderr.decode().splitlines()
    rules = {}
    for line in lines[:-1]:
        rule, action = line.split()[1:3]
        if not action.startswith("keep"):
            rules[rule] = rules.get(rule, 0) + 1
    summary = dict(f.split("=", 1) for f in lines[-1].split()[1:])
    return rules, summary


def test_stats_count_responses_rules_and_bytes(site, ops):
    rules, summary = cli_report(site, MAIN)
    assert rules, "the page should fire rules"
    raw = site.pages[MAIN]
    cleaned = curl(ops.base + "/page/" + MAIN).body
    assert len(cleaned) < len(raw)

    before = stats(ops)
    for path in ["/page/", "/page/", "/rep/", "/off/"]:
        assert curl(ops.base + path + MAIN).status == 200
    assert curl(ops.base + "/bp/" + MAIN + "?raw=1").status == 200
    assert curl(ops.base + "/page/" + MAIN, "-H",
                "Range: bytes=0-10").status == 200
    assert curl(ops.base + "/page/%s?type=text/css" % MAIN).status == 200
    after = stats(ops)

    resp = "syndication_responses_total"
    assert delta(before, after, resp, "rewritten") == 3   # range included
    assert delta(before, after, resp, "reported") == 1
    assert delta(before, after, resp, "bypassed") == 1
    assert delta(before, after, resp, "skipped") == 1     # text/css
    assert delta(before, after, resp, "unchanged") == 0
    # /off/ and /stats are not counted
    total = sum(delta(before, after, resp, s)
                for (n, s) in after if n == resp)
    assert total == 6

    for rule, count in rules.items():
        assert delta(before, after, "syndication_blocks_removed_total",
                     rule) == 3 * count, rule
        assert delta(before, after, "syndication_blocks_reported_total",
                     rule) == count, rule
    removed = sum(delta(before, after, n, s) for (n, s) in after
                  if n == "syndication_blocks_removed_total")
    assert removed == 3 * int(summary["removed"])

    assert delta(before, after, "syndication_bytes_in_total") == 4 * len(raw)
    assert delta(before, after, "syndication_bytes_out_total") == \
        3 * len(cleaned) + len(raw)
    assert delta(before, after, "syndication_sources_learned_total") == 4
    assert after[("syndication_info", version())] == 1


def test_stats_survive_reload(ops):
    before = stats(ops)
    assert before[("syndication_responses_total", "rewritten")] > 0
    ops.reload()
    after = stats(ops)
    for key, value in before.items():
        assert after.get(key, 0) >= value, key


def test_stats_not_allowed_method(ops):
    r = curl(ops.base + "/stats", "-X", "POST", "-d", "x")
    assert r.status == 405


# ---- nginx -t ---------------------------------------------------------------

def nginx_t(site, tag, http):
    d = os.path.join(site.dir, "t-op-" + tag)
    os.makedirs(d, exist_ok=True)
    n = harness.Nginx(d, http, module=site.module)
    rc, out = n.test_conf()
    return rc, out, os.path.join(d, "nginx.conf")


def line_of(path, text):
    with open(path) as f:
        for i, line in enumerate(f, 1):
            if text in line:
                return i
    raise AssertionError(text)


def test_sub_filter_same_location_fails(site):
    rc, out, conf = nginx_t(site, "sub1", """
        server { listen 127.0.0.1:1;
            location /x/ {
                syndication_filter on;
                sub_filter "http://a" "https://b";
            } }""")
    assert rc != 0, out
    assert re.search(r'\[emerg\] "sub_filter" and "syndication_filter on" '
                     r'\(%s:%d\) cannot be used in the same location "/x/"'
                     % (re.escape(conf),
                        line_of(conf, "syndication_filter on")), out), out


def test_sub_filter_inherited_filter_fails(site):
    rc, out, conf = nginx_t(site, "sub2", """
        syndication_filter on;
        server { listen 127.0.0.1:1;
            location /a/ { }
            location /mirror/ { sub_filter "a" "b"; } }""")
    assert rc != 0, out
    assert 'same location "/mirror/"' in out, out
    assert "(%s:%d)" % (conf, line_of(conf, "syndication_filter on")) in out


def test_sub_filter_inherited_by_filtering_location_fails(site):
    rc, out, _ = nginx_t(site, "sub3", """
        server { listen 127.0.0.1:1;
            sub_filter "a" "b";
            location /a/ { syndication_filter on; } }""")
    assert rc != 0, out
    assert '"sub_filter" and "syndication_filter on"' in out, out


def test_sub_filter_elsewhere_passes(site):
    rc, out, _ = nginx_t(site, "sub4", """
        syndication_filter on;
        server { listen 127.0.0.1:1;
            location /clean/ { }
            location /rewrite/ {
                syndication_filter off;
                sub_filter "a" "b";
            } }
        server { listen 127.0.0.1:2; syndication_filter off;
            sub_filter "a" "b"; location / { } }""")
    assert rc == 0, out


@pytest.mark.parametrize("directive", [
    "syndication_last_modified maybe;",
    "syndication_bypass;",
    "server { listen 127.0.0.1:1; location / { syndication_stats on; } }",
    "syndication_stats;",
])
def test_bad_operator_directive_fails(site, directive):
    rc, out, _ = nginx_t(site, "bad", directive)
    assert rc != 0, directive
    assert "[emerg]" in out


def test_operator_directives_pass(site):
    rc, out, _ = nginx_t(site, "good", """
        syndication_last_modified on;
        syndication_bypass $cookie_nofilter $http_x_raw;
        server { listen 127.0.0.1:1;
            location / { syndication_filter on;
                         syndication_last_modified off; }
            location = /s { syndication_stats; } }""")
    assert rc == 0, out


def test_learn_zone_cannot_take_the_stats_zone(site):
    """A learn zone named like the stats zone is refused at nginx -t, not
    silently given the counters' memory."""
    rc, out, _ = nginx_t(site, "shmname", """
        syndication_learn zone=syndication_stats:1m;
        server { listen 127.0.0.1:1;
            location / { syndication_filter on; }
            location = /s { syndication_stats; } }""")
    assert rc != 0, out
    assert "syndication_stats" in out and "different use" in out, out


def test_stats_and_learn_state_survive_reload_and_stop(site):
    """With both zones, traffic, a reload and a stop: nginx exits 0 (the
    master once took the stats zone for a learn zone when saving the
    learned sources, and crashed)."""
    d = os.path.join(site.dir, "statelearn")
    os.makedirs(d, exist_ok=True)
    port = harness.free_port()
    n = harness.Nginx(d, """
        syndication_learn zone=lz:1m state=%s/learn.state;
        server {
            listen 127.0.0.1:%d;
            syndication_filter on;
            location /page/ { proxy_pass http://127.0.0.1:%d/page/; }
            location = /stats { syndication_filter off; syndication_stats; }
        }""" % (d, port, site.up), module=site.module)
    n.start([port])
    try:
        base = "http://127.0.0.1:%d" % port
        assert curl(base + "/page/webtimes-putin-car").rc == 0
        assert curl(base + "/stats").rc == 0
        n.reload()
        assert curl(base + "/page/webtimes-putin-car").rc == 0
    finally:
        rc = n.stop()
    assert rc == 0, n.log_text()[-3000:]
    assert not harness.bad_lines(n.log_text())


# ---- syndication_rules inheritance ------------------------------------------

def test_rules_replace_inherited_files_keep_builtin(ops):
    outer = curl(ops.base + "/inh/" + MAIN).body
    inner = curl(ops.base + "/inh/own/" + MAIN).body
    for body in (outer, inner):
        assert b"news.google.com/publications" not in body   # built-in
        assert b'class="syndication-source"' in body
    assert b"Recent Posts" not in outer             # a.rules
    assert b"Built with" in outer
    assert b"Recent Posts" in inner                 # a.rules not inherited
    assert b"Built with" not in inner               # b.rules


# ---- a rule that reads text without a bound ---------------------------------

def test_unbounded_rule_warns(site):
    d = os.path.join(site.dir, "t-op-lint")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "lint.rules"), "w") as f:
        f.write("# line 1\n"
                "rule loose-phrase\n"
                "    contains \"read more\"\n"
                "    action drop\n"
                "end\n"
                "rule bounded-phrase\n"
                "    contains \"read more\"\n"
                "    max-length 40\n"
                "    action drop\n"
                "end\n"
                "rule exact\n"
                "    equals \"read more\"\n"
                "    action drop\n"
                "end\n"
                "rule by-class\n"
                "    scope .share-box\n"
                "    action drop\n"
                "end\n")
    n = harness.Nginx(d, """server { listen 127.0.0.1:1; location / {
        syndication_filter on; syndication_rules %s/lint.rules; } }""" % d,
                      module=site.module)
    rc, out = n.test_conf()
    assert rc == 0, out
    warns = [line for line in out.splitlines() if "[warn]" in line]
    assert len(warns) == 1, out
    assert re.search(r'lint\.rules:2: rule "loose-phrase" reads the block '
                     r'text without "max-length".* in %s:\d+'
                     % re.escape(os.path.join(d, "nginx.conf")), warns[0])


# ---- the example configuration ----------------------------------------------

def test_example_config_passes_nginx_t(site):
    d = os.path.join(site.dir, "t-op-example")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(ROOT, "conf", "nginx-mirror.conf")) as f:
        conf = f.read()
    load = "load_module %s;" % site.module if site.module else ""
    conf = conf.replace("include /etc/nginx/modules-enabled/*.conf;", load)
    conf = conf.replace("include mime.types;",
                        "include /etc/nginx/mime.types;")
    conf = conf.replace("/var/log/nginx/", d + "/")
    conf = conf.replace("listen 80;", "listen 127.0.0.1:%d;"
                        % harness.free_port())
    conf = "pid %s/nginx.pid;\n" % d + conf
    path = os.path.join(d, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    p = subprocess.run([harness.NGINX, "-p", d + "/", "-c", path, "-e",
                        d + "/error.log", "-t"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout
    assert "syndication_page_host" in conf
