"""`make soak`: nginx with the module under load for a while, filter on and
off (not part of make test: it takes minutes and measures).

For each of "off" and "on": a fresh nginx (one worker) proxies to a
static backend (keepalive); after a warm-up, wrk runs SOAK_SECONDS
(default 60) with SOAK_CONNECTIONS (default 200) connections on a 13 KB
aggregator page, while SOAK_SLOW (default 50) slow clients read a 2 MB
page at about 1 KB/s.  Then, idle, the worker's RSS must be back near
its baseline (taken after the warm-up), with

  - 0 non-2xx responses and no wrk socket errors but timeouts of none,
  - no [alert], [crit], [emerg] or crash in error.log,
  - the slow clients served without errors,
  - RSS after the run at most SOAK_RSS_SLACK_KB (default 1024) above
    the baseline.

Prints a table of the figures; exits 1 when a check fails.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
CONNS = int(os.environ.get("SOAK_CONNECTIONS", "200"))
SLOW = int(os.environ.get("SOAK_SLOW", "50"))
SLACK_KB = int(os.environ.get("SOAK_RSS_SLACK_KB", "1024"))
PAGE = os.path.join(harness.ROOT, "tests", "fixtures",
                    "webtimes-putin-car.html")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def build_pages(www):
    with open(PAGE, "rb") as f:
        page = f.read()
    m = re.search(rb"(?s)<article.*?</article>", page)
    art = m.group(0)
    n = 2 * 1024 * 1024 // len(art) + 1
    big = page[:m.end()] + art * n + page[m.end():]
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "page.html"), "wb") as f:
        f.write(page)
    with open(os.path.join(www, "big.html"), "wb") as f:
        f.write(big)


def wrk(url, seconds, conns):
    p = subprocess.run(["wrk", "-t2", "-c%d" % conns, "-d%ds" % seconds,
                        "--timeout", "10s", "--latency", url],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    out = p.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), "
                     r"write (\d+), timeout (\d+)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "sockerr": tuple(int(x) for x in errs.groups()) if errs
        else (0, 0, 0, 0),
        "p99": p99.group(1) if p99 else "?",
        "raw": out,
    }


def slow_client(port, seconds, result, i):
    """Reads the 2 MB page at about 1 KB/s, then goes away."""
    got = 0
    ok = False
    try:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /big.html HTTP/1.1\r\nHost: soak.test\r\n"
                  b"Connection: close\r\n\r\n")
        s.settimeout(15)
        end = time.time() + seconds
        while time.time() < end:
            data = s.recv(1024)
            if not data:
                break
            if got == 0 and not data.startswith(b"HTTP/1.1 200"):
                break
            got += len(data)
            time.sleep(1)
        ok = got > 0
        s.close()
    except OSError:
        pass
    result[i] = (ok, got)


def run(d, www, bport, mode):
    port = harness.free_port()
    conf = """
        server {{
            listen 127.0.0.1:{port} backlog=1024;
            access_log off;
            location / {{
                proxy_pass http://backend;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                syndication_filter {mode};
            }}
        }}
        upstream backend {{
            server 127.0.0.1:{bport};
            keepalive 64;
        }}
    """.format(port=port, bport=bport, mode=mode)
    n = harness.Nginx(os.path.join(d, mode), conf, log_level="info")
    n.start([port])
    url = "http://127.0.0.1:%d/page.html" % port
    try:
        w = n.workers()[0]
        wrk(url, 5, CONNS)                          # warm-up
        time.sleep(2)
        base = rss_kb(w)
        results = [None] * SLOW
        threads = [threading.Thread(target=slow_client,
                                    args=(port, SECONDS, results, i))
                   for i in range(SLOW)]
        for t in threads:
            t.start()
        r = wrk(url, SECONDS, CONNS)
        peak_during = rss_kb(w)
        for t in threads:
            t.join()
        time.sleep(3)
        after = rss_kb(w)
        hwm = harness.vm_hwm_kb(w)
        same_worker = w in n.workers()
    finally:
        rc = n.stop()
    log = n.log_text()
    r.update({
        "mode": mode, "base": base, "during": peak_during, "after": after,
        "hwm": hwm, "slow_ok": sum(1 for x in results if x and x[0]),
        "slow_bytes": sum(x[1] for x in results if x),
        "bad": harness.bad_lines(log),
        "errors": len([l for l in log.splitlines() if "[error]" in l]),
        "filter_failed": len([l for l in log.splitlines()
                              if "syndication filter failed" in l]),
        "same_worker": same_worker, "rc": rc,
    })
    return r


def main():
    if not os.path.exists(harness.MODULE):
        sys.exit("build the module first (make)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing (apt-get install wrk)")
    d = os.path.join(harness.ROOT, "build", "soak")
    shutil.rmtree(d, ignore_errors=True)
    www = os.path.join(d, "www")
    build_pages(www)
    bport = harness.free_port()
    backend = harness.Nginx(os.path.join(d, "backend"), """
        server {{ listen 127.0.0.1:{p} backlog=1024; root {www};
                  access_log off; keepalive_requests 100000; }}
    """.format(p=bport, www=www), module=None, log_level="warn")
    backend.start([bport])
    rows = []
    try:
        for mode in ("off", "on"):
            rows.append(run(d, www, bport, mode))
            print("filter %s done" % mode, flush=True)
    finally:
        backend.stop()

    fails = []
    print("\nwrk -t2 -c%d -d%ds --timeout 10s, %d slow clients (2 MB page, "
          "~1 KB/s), one worker, 13 KB page" % (CONNS, SECONDS, SLOW))
    print("| filter | requests | req/s | p99 | non-2xx | socket errors "
          "c/r/w/t | slow clients ok | [error] lines | alerts | "
          "worker RSS KB base / during / after (VmHWM) |")
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|---|")
    for r in rows:
        print("| %s | %d | %.0f | %s | %d | %s | %d/%d | %d | %d | "
              "%d / %d / %d (%d) |"
              % (r["mode"], r["requests"], r["rps"], r["p99"], r["non2xx"],
                 "/".join(map(str, r["sockerr"])), r["slow_ok"], SLOW,
                 r["errors"], len(r["bad"]), r["base"], r["during"],
                 r["after"], r["hwm"]))
        if r["non2xx"]:
            fails.append("%s: %d non-2xx" % (r["mode"], r["non2xx"]))
        if r["sockerr"][0] or r["sockerr"][3]:
            fails.append("%s: socket errors %s" % (r["mode"], r["sockerr"]))
        if r["bad"]:
            fails.append("%s: error.log: %s" % (r["mode"], r["bad"][:3]))
        if r["slow_ok"] != SLOW:
            fails.append("%s: %d of %d slow clients failed"
                         % (r["mode"], SLOW - r["slow_ok"], SLOW))
        if r["after"] - r["base"] > SLACK_KB:
            fails.append("%s: RSS %d KB after, baseline %d KB"
                         % (r["mode"], r["after"], r["base"]))
        if not r["same_worker"] or r["rc"] != 0:
            fails.append("%s: worker died or nginx exit %r"
                         % (r["mode"], r["rc"]))
    if fails:
        print("\nFAILED:\n  " + "\n  ".join(fails))
        sys.exit(1)
    print("\nsoak passed")


if __name__ == "__main__":
    main()
