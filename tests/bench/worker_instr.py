"""`make bench-worker`: user-space instructions an nginx worker executes per
request of the 208 KB aggregator page, plain and with this module, static
and proxied (valgrind --tool=callgrind on a worker run with master_process
off).

Requests/s and a worker's CPU time depend on the machine's kernel as much
as on the filter: where writes and wake-ups are dear, plain proxying costs
more than the module's fewer, larger writes.  Instructions in user space
do not; they compare builds and machines.  A run of 1 request is
subtracted from a run of 1 + N, so start-up and configuration are left
out.  No assertions: figures only.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "site"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "golden"))

import bench_nginx  # noqa: E402
import harness  # noqa: E402
import instr  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))


def instructions(d, how, filt, backend_port, requests):
    """Instructions of one worker serving `requests` requests."""
    port = harness.free_port()
    conf = bench_nginx.cell_conf(how, port, os.path.join(d, "www"),
                                 backend_port, bench_nginx.FILTERS[filt])
    cell = harness.Nginx(os.path.join(d, "%s-%s-%d" % (how, filt, requests)),
                         conf, log_level="warn")
    path = cell.write_conf()
    with open(path) as f:
        text = f.read()
    # the worker is the process valgrind starts
    with open(path, "w") as f:
        f.write(text.replace("master_process on;", "master_process off;"))
    out = os.path.join(cell.dir, "callgrind.out")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind",
                             "--callgrind-out-file=" + out] + cell.cmd(),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        if not harness.wait_port(port, 120):
            raise RuntimeError("nginx under valgrind did not start")
        url = "http://127.0.0.1:%d/page.html" % port
        for _ in range(requests):
            body = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w",
                                   "%{http_code}", url],
                                  stdout=subprocess.PIPE, text=True).stdout
            if body != "200":
                raise RuntimeError("%s %s: HTTP %s" % (how, filt, body))
    finally:
        proc.terminate()
        proc.wait()
    return instr.callgrind_total(out)


def main():
    if not os.path.exists(harness.MODULE):
        sys.exit("build the module first (make)")
    d = os.path.join(harness.ROOT, "build", "bench-worker")
    shutil.rmtree(d, ignore_errors=True)
    bench_nginx.build_pages(os.path.join(d, "www"))

    bport = harness.free_port()
    backend = harness.Nginx(os.path.join(d, "backend"), """
        server {{ listen 127.0.0.1:{p}; root {www}; access_log off; }}
    """.format(p=bport, www=os.path.join(d, "www")), module=None)
    backend.start([bport])

    print("user-space instructions per request of one nginx worker "
          "(callgrind), %d requests of the %d-byte page"
          % (REQUESTS, os.path.getsize(os.path.join(d, "www", "page.html"))))
    print("| serving | plain | module | module - plain |")
    print("|---|---:|---:|---:|")
    try:
        for how in ("static", "proxied"):
            per = {}
            for filt in ("plain", "module"):
                one = instructions(d, how, filt, bport, 1)
                many = instructions(d, how, filt, bport, 1 + REQUESTS)
                per[filt] = (many - one) // REQUESTS
            print("| %s | %d | %d | %d |"
                  % (how, per["plain"], per["module"],
                     per["module"] - per["plain"]), flush=True)
    finally:
        backend.stop()


if __name__ == "__main__":
    main()
