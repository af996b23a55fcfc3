"""The sample aggregator site: a small HTTP/1.1 upstream (Python stdlib).

It serves the fixture pages (tests/fixtures/, or the page
directories given on the command line) in every way an upstream can send a
body, chosen by query parameters:

    /                     index of the pages
    /page/NAME            the page NAME.html
        ?te=chunked       chunked transfer coding (default: Content-Length)
        &chunk=N|random   chunk size in bytes (default 4096), or random 1..4096
        &pause=MS         pause between chunks
        &stall=S&at=N     after N bytes, stop for S seconds, then the rest
        &enc=gzip|deflate|rawdeflate|br|corrupt|trunc
                          Content-Encoding (br: the identity body labelled
                          "br"; corrupt: gzip with damaged deflate data;
                          trunc: gzip whose last two thirds are missing,
                          the length announced is the shortened one)
        &cut=N            announce the whole length, send N bytes, close
        &status=CODE      another status (206 adds Content-Range)
        &type=MIME        Content-Type (default text/html; charset=utf-8)
        &cc=VALUE         Cache-Control
        &addh=NAME:VALUE  one more response header
    /foot/ANY             a short story whose footer names a source
        ?src=URL          the source (default https://src.example/story)
        &ugc=URL          a reader's comment (wpDiscuz markup) written
                          like a footer naming URL; no page footer with
                          src=none
    /big                  a 20 MB single-line page (no newline at all)
    /source               echo of the headers, for X-Source style tests

Run: python3 upstream.py PORT [PAGES_DIR...]
"""

import gzip
import http.server
import os
import random
import socketserver
import sys
import threading
import time
import urllib.parse
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DIRS = [os.path.join(ROOT, "tests", "fixtures")]

BIG_SIZE = 20 * 1024 * 1024


def load_pages(dirs):
    pages = {}
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith(".html"):
                key = name[:-5]
                if key not in pages:
                    with open(os.path.join(d, name), "rb") as f:
                        pages[key] = f.read()
    return pages


def big_page():
    """One line of article paragraphs, ~20 MB, boilerplate sprinkled in."""
    para = (b"<p>Seoul says North Korea fired several cruise missiles off its "
            b"west coast on Sunday, the latest in a series of weapons tests "
            b"that have raised tensions in the region. Officials said the "
            b"launches were detected in the morning.</p>")
    footer = (b"<div class=\"gnews\"><a href=\"https://news.google.com/"
              b"publications/X\">Follow us on Google News</a></div>")
    head = (b"<!DOCTYPE html><html><head><title>Big page</title></head>"
            b"<body><main><article><h1>Big page</h1>")
    tail = b"</article></main></body></html>"
    unit = para * 9 + footer
    n = (BIG_SIZE - len(head) - len(tail)) // len(unit)
    return head + unit * n + tail


def foot_page(q):
    """A story with a Yoast-style footer naming q["src"], and perhaps a
    comment written like a footer (q["ugc"])."""
    def esc(v):
        return v.replace("&", "&amp;").replace('"', "&quot;")
    src = q.get("src", "https://src.example/story")
    foot = ""
    if src != "none":
        foot = ('<p>The post <a href="%s">Story</a> appeared first on '
                '<a href="%s">Source News</a>.</p>' % (esc(src), esc(src)))
    ugc = ""
    if "ugc" in q:
        ugc = ('<div id="comments"><div class="wpd-comment"><p>The post '
               '<a href="%s" rel="nofollow ugc">Story</a> appeared first on '
               '<a href="%s">Visitor</a>.</p></div></div>'
               % (esc(q["ugc"]), esc(q["ugc"])))
    return ("<!DOCTYPE html><html><head><title>Story</title></head><body>"
            "<article><h1>Story</h1><p>Text of the story, long enough to "
            "be a story.</p>%s</article>%s</body></html>" % (foot, ugc))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sample-aggregator/1"

    def log_message(self, fmt, *args):
        pass

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        if path == "/":
            body = self.index().encode()
        elif path == "/big":
            body = self.server.big()
        elif path == "/source":
            body = ("<html><body><p>%s</p></body></html>"
                    % self.headers.get("X-Original-Url", "")).encode()
        elif path.startswith("/foot/"):
            body = foot_page(q).encode()
        elif path.startswith("/page/"):
            body = self.server.pages.get(path[6:])
            if body is None:
                return self.simple(404, b"no such page\n")
        else:
            return self.simple(404, b"not found\n")
        self.send_page(body, q, head)

    def index(self):
        items = "".join('<li><a href="/page/%s">%s</a></li>' % (n, n)
                        for n in sorted(self.server.pages))
        return ("<!DOCTYPE html><html><head><title>Sample aggregator"
                "</title></head><body><h1>Sample aggregator</h1><ul>%s</ul>"
                "</body></html>" % items)

    def simple(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_page(self, body, q, head):
        enc = q.get("enc")
        if enc == "gzip":
            body = gzip.compress(body)
        elif enc == "deflate":
            body = zlib.compress(body)
        elif enc == "rawdeflate":
            c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            body = c.compress(body) + c.flush()
        elif enc == "corrupt":
            z = bytearray(gzip.compress(body))
            for i in range(len(z) // 3, len(z) // 3 + 64):
                z[i] ^= 0x5a
            body = bytes(z)
        elif enc == "trunc":
            z = gzip.compress(body)
            body = z[:len(z) // 3]
        status = int(q.get("status", "200"))
        self.send_response(status)
        self.send_header("Content-Type",
                         q.get("type", "text/html; charset=utf-8"))
        self.send_header("ETag", '"sample-%08x"' % (zlib.crc32(body)))
        self.send_header("Last-Modified", "Tue, 20 Feb 2024 10:00:00 GMT")
        self.send_header("Accept-Ranges", "bytes")
        if enc:
            self.send_header("Content-Encoding",
                             {"corrupt": "gzip", "trunc": "gzip",
                              "rawdeflate": "deflate"}.get(enc, enc))
        if "cc" in q:
            self.send_header("Cache-Control", q["cc"])
        if "addh" in q:
            name, value = q["addh"].split(":", 1)
            self.send_header(name.strip(), value.strip())
        if status == 206:
            self.send_header("Content-Range",
                             "bytes 0-%d/%d" % (len(body) - 1, len(body)))
        chunked = q.get("te") == "chunked"
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        if "cut" in q:
            self.send_header("Connection", "close")
        self.end_headers()
        if head or status in (204, 304):
            return

        cut = int(q["cut"]) if "cut" in q else None
        if cut is not None:
            body = body[:cut]
        stall = float(q.get("stall", "0"))
        stall_at = int(q.get("at", "0"))
        pause = float(q.get("pause", "0")) / 1000.0
        size = q.get("chunk", "4096")
        rnd = random.Random(int(q.get("seed", "1")))

        pos = 0
        stalled = False
        try:
            while pos < len(body):
                n = rnd.randint(1, 4096) if size == "random" else int(size)
                if stall and not stalled and pos < stall_at:
                    n = min(n, stall_at - pos)
                piece = body[pos:pos + n]
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
                pos += len(piece)
                if stall and not stalled and pos >= stall_at:
                    self.wfile.flush()
                    stalled = True
                    time.sleep(stall)
                elif pause:
                    self.wfile.flush()
                    time.sleep(pause)
            if cut is not None:
                self.wfile.flush()
                self.close_connection = True
                return
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, dirs):
        http.server.HTTPServer.__init__(self, addr, Handler)
        self.pages = load_pages(dirs)
        self._big = None
        self._lock = threading.Lock()

    def big(self):
        with self._lock:
            if self._big is None:
                self._big = big_page()
            return self._big


def start(port=0, dirs=None, host="127.0.0.1"):
    """Start in a thread; returns the server (server.server_port)."""
    srv = Server((host, port), dirs or DEFAULT_DIRS)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8081
    dirs = sys.argv[2:] or DEFAULT_DIRS
    srv = Server(("127.0.0.1", port), dirs)
    print("sample aggregator on http://127.0.0.1:%d/" % srv.server_port,
          flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
