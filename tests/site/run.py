"""`make run`: the sample aggregator site behind nginx with the module.

    make run                              sample site on loopback
    UPSTREAM=http://HOST:PORT make run    front another site
    PORT=8080 (default)                   nginx listens on 127.0.0.1:PORT

Stays in the foreground; Ctrl-C stops nginx (SIGQUIT) and the site.
"""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import upstream  # noqa: E402

HTTP = """
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;

        proxy_http_version 1.1;
        proxy_set_header Host {host};
        proxy_set_header Connection "";

        # the raw page, as the aggregator serves it
        location /raw/ {{
            syndication_filter off;
            proxy_pass {upstream}/;
        }}

        # the cleaned mirror
        location / {{
            syndication_filter on;
            syndication_learn zone=learned:1m;
            gzip on;
            proxy_pass {upstream};
        }}
    }}
"""


def main():
    port = int(os.environ.get("PORT", "8080"))
    target = os.environ.get("UPSTREAM", "").rstrip("/")
    site = None
    if target:
        host = "$proxy_host"
    else:
        site = upstream.start(0)
        target = "http://127.0.0.1:%d" % site.server_port
        host = "$host"
    d = os.path.join(harness.ROOT, "build", "run")
    os.makedirs(d, exist_ok=True)
    conf = HTTP.format(port=port, upstream=target, host=host)
    ngx = harness.Nginx(d, conf, log_level="notice")
    try:
        ngx.start([port])
    except RuntimeError as e:
        sys.stderr.write("%s\n(is port %d free? PORT=NNNN make run)\n"
                         % (e, port))
        return 1

    base = "http://127.0.0.1:%d" % port
    print("\nnginx with the syndication filter on %s/ (logs in %s)"
          % (base, d))
    if site is not None:
        print("\n%-44s %s" % ("raw page (as the aggregator serves it)",
                              "cleaned page"))
        for name in sorted(site.pages):
            print("%-44s %s" % ("%s/raw/page/%s" % (base, name),
                                "%s/page/%s" % (base, name)))
        print("\nindex: %s/   raw site: %s/" % (base, target))
    else:
        print("raw:     %s/raw/\ncleaned: %s/\nfronting %s"
              % (base, base, target))
    print("\nCtrl-C to stop.", flush=True)

    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    try:
        while not stop and ngx.proc.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    rc = ngx.stop()
    if site is not None:
        site.shutdown()
    print("stopped (nginx exit code %s)" % rc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
