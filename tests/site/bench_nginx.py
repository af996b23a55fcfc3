"""`make bench-nginx`: requests/s of nginx serving a ~200 KB aggregator page
plain, through this module, through sub_filter (five literals) and through
subs_filter (four regexes), static and proxied, normal, minified and varied
(each copy of the article an entry of its own, as on a real listing).

One worker, one wrk thread, 8 connections, BENCH_SECONDS (default 5) per
cell, a fresh nginx per cell so that the worker's VmHWM is its own.  No
assertions: figures only.

Besides requests/s, the CPU time the filtering worker spent per request
(user + system, from /proc): on a shared machine other processes lower the
requests/s of every cell, but change a worker's own CPU time per request
far less, so that column compares filters even on a loaded machine.  For
proxied cells it leaves out the backend nginx and wrk.
"""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "golden"))

import harness  # noqa: E402
import inputs  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
SUBS = "/usr/lib/nginx/modules/ngx_http_subs_filter_module.so"
PAGE = os.path.join(harness.ROOT, "tests", "fixtures",
                    "webtimes-putin-car.html")

FILTERS = {
    "plain": "",
    "module": "syndication_filter on;",
    # the removals the built-in pack does on this page, as literals
    "sub_filter": """
        sub_filter_once off;
        sub_filter 'FOLLOW US ON GOOGLE NEWS' '';
        sub_filter 'Read original article here' '';
        sub_filter 'Denial of responsibility!' '';
        sub_filter 'first appeared on' '';
        sub_filter 'Leave a Comment' '';""",
    "subs_filter": r"""
        subs_filter '<p>The post .{0,300}? first appeared on .{0,300}?</p>' '' ir;
        subs_filter '<a [^>]{0,200}>Read original article here</a>' '' ir;
        subs_filter 'Denial of responsibility!.{0,600}?24 hours\.' '' ir;
        subs_filter '<a [^>]{0,200}news\.google\.com/publications[^>]{0,200}>.{0,200}?</a>' '' ir;""",
}


def build_pages(www):
    """~200 KB: the fixture's article repeated, its minified form, and the
    same listing with each entry its own (title and links numbered)."""
    with open(PAGE, "rb") as f:
        page = f.read()
    m = re.search(rb"(?s)<article.*?</article>", page)
    art = m.group(0) if m else page
    n = max(1, (200 * 1024 - len(page)) // len(art) + 1)
    big = page[:m.end()] + art * n + page[m.end():] if m else page * n
    mini = re.sub(rb">\s+<", b"><", big).replace(b"\n", b" ")
    var = inputs.bench_page(varied=True)
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "page.html"), "wb") as f:
        f.write(big)
    with open(os.path.join(www, "min.html"), "wb") as f:
        f.write(mini)
    with open(os.path.join(www, "var.html"), "wb") as f:
        f.write(var)
    return len(big), len(mini), len(var)


def cell_conf(how, port, www, bport, directives):
    """The server of one cell: the pages of www on port, served from the
    disk (static) or proxied from the backend on bport, filtered by
    directives."""
    if how == "static":
        src = "root %s;" % www
    else:
        src = ("proxy_pass http://127.0.0.1:%d; "
               "proxy_http_version 1.1; "
               "proxy_set_header Connection \"\";" % bport)
    return """
        server {{
            listen 127.0.0.1:{port};
            access_log off;
            location / {{
                {src}
                {directives}
            }}
        }}""".format(port=port, src=src, directives=directives)


def wrk(url):
    p = subprocess.run(["wrk", "-t1", "-c8", "-d%ds" % SECONDS, url],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", p.stdout)
    done = re.search(r"(\d+) requests in", p.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", p.stdout)
    return (float(rps.group(1)) if rps else 0.0,
            int(done.group(1)) if done else 0,
            int(errors.group(1)) if errors else 0)


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # utime and stime: fields 14 and 15 of stat, 12 and 13 after the name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    if not os.path.exists(harness.MODULE):
        sys.exit("build the module first (make)")
    d = os.path.join(harness.ROOT, "build", "bench-nginx")
    shutil.rmtree(d, ignore_errors=True)
    www = os.path.join(d, "www")
    sizes = {"page": 0, "min": 0, "var": 0}
    sizes["page"], sizes["min"], sizes["var"] = build_pages(www)

    bport = harness.free_port()
    backend = harness.Nginx(os.path.join(d, "backend"), """
        server {{ listen 127.0.0.1:{p}; root {www}; access_log off; }}
    """.format(p=bport, www=www), module=None)
    backend.start([bport])

    extra = [SUBS] if os.path.exists(SUBS) else []
    rows = []
    try:
        for how in ("static", "proxied"):
            for name, directives in FILTERS.items():
                if name == "subs_filter" and not extra:
                    continue
                for kind in ("page", "min", "var"):
                    port = harness.free_port()
                    conf = cell_conf(how, port, www, bport, directives)
                    cell = harness.Nginx(os.path.join(d, "%s-%s-%s"
                                                      % (how, name, kind)),
                                         conf, extra_modules=extra,
                                         log_level="warn")
                    cell.start([port])
                    url = "http://127.0.0.1:%d/%s.html" % (port, kind)
                    body = subprocess.run(["curl", "-s", url],
                                          stdout=subprocess.PIPE).stdout
                    w = cell.workers()[0]
                    idle = harness.vm_hwm_kb(w)
                    cpu = cpu_seconds(w)
                    rps, done, errors = wrk(url)
                    cpu = cpu_seconds(w) - cpu
                    hwm = harness.vm_hwm_kb(w)
                    cell.stop()
                    us = 1e6 * cpu / done if done else 0.0
                    rows.append((how, name, kind, rps, us,
                                 rps * sizes[kind] / 1e6, len(body),
                                 idle, hwm, errors))
                    print("%-8s %-12s %-5s %9.0f req/s %7.0f us CPU/req"
                          % (how, name, kind, rps, us), flush=True)
    finally:
        backend.stop()

    print("\nnginx %s, one worker, wrk -t1 -c8 -d%ds; page %d bytes, "
          "minified %d bytes, varied %d bytes"
          % (subprocess.run(["nginx", "-v"], stderr=subprocess.PIPE,
                            text=True).stderr.strip().split("/")[-1],
             SECONDS, sizes["page"], sizes["min"], sizes["var"]))
    print("| serving | filter | page | req/s | worker CPU us/req | MB/s in "
          "| bytes out | worker VmHWM KB idle / after |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for how, name, kind, rps, us, mbs, out, idle, hwm, errors in rows:
        print("| %s | %s | %s | %.0f | %.0f | %.0f | %d | %d / %d%s |"
              % (how, name, {"min": "minified", "var": "varied"}.get(
                     kind, "normal"),
                 rps, us, mbs, out, idle, hwm,
                 " (%d errors)" % errors if errors else ""))


if __name__ == "__main__":
    main()
