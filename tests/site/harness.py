"""A private nginx in front of the sample site, for the integration tests,
`make run` and `make bench-nginx`.

nginx runs as `nginx -p DIR -c DIR/nginx.conf -e DIR/error.log` with
`daemon off`, one worker and every path under DIR; it is stopped with
SIGQUIT.  Ports are picked at run time unless given.
"""

import os
import re
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODULE = os.path.join(ROOT, "build", "ngx_http_syndication_filter_module.so")
NGINX = os.environ.get("SF_NGINX", "/usr/sbin/nginx")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


MAIN = """
{load_modules}
{user}
worker_processes 1;
worker_rlimit_core 1g;
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log {log_level};
working_directory {dir};

events {{
    worker_connections 1024;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;

    log_format syn '$request $status $body_bytes_sent '
                   {log_vars};
    access_log {dir}/access.log syn;

    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;

    sendfile on;
    keepalive_timeout 30;

{http}
}}
"""


class Nginx:
    """One private nginx; conf is the body of the http{} block."""

    def __init__(self, directory, http, module=MODULE, extra_modules=(),
                 log_level="info"):
        self.dir = os.path.abspath(directory)
        self.http = http
        self.modules = ([module] if module else []) + list(extra_modules)
        self.log_level = log_level
        self.proc = None
        # the module's variables exist when it is loaded or compiled in
        self.has_vars = module is not None or os.environ.get(
            "SF_MODULE") == "static"

    @property
    def error_log(self):
        return os.path.join(self.dir, "error.log")

    def write_conf(self):
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        loads = "\n".join("load_module %s;" % m for m in self.modules)
        user = "user root;" if os.geteuid() == 0 else ""
        if self.has_vars:
            log_vars = ("'st=$syndication_status rm=$syndication_removed '\n"
                        "                   'src=$syndication_source'")
        else:
            log_vars = "''"
        conf = MAIN.format(load_modules=loads, user=user, dir=self.dir,
                           log_vars=log_vars,
                           http=self.http, log_level=self.log_level)
        path = os.path.join(self.dir, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        return path

    def cmd(self, *extra):
        return [NGINX, "-p", self.dir + "/", "-c",
                os.path.join(self.dir, "nginx.conf"), "-e",
                self.error_log] + list(extra)

    def test_conf(self):
        """(returncode, output) of nginx -t."""
        self.write_conf()
        p = subprocess.run(self.cmd("-t"), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        return p.returncode, p.stdout

    def start(self, ports=()):
        self.write_conf()
        self.proc = subprocess.Popen(self.cmd(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        for port in ports:
            if not wait_port(port):
                err = self.log_text()
                self.stop()
                raise RuntimeError("nginx did not start:\n" + err)
        return self

    def pid(self):
        return self.proc.pid

    def workers(self):
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                out.append(int(d))
        return out

    def reload(self):
        old = set(self.workers())
        os.kill(self.proc.pid, signal.SIGHUP)
        end = time.time() + 10
        while time.time() < end:
            new = set(self.workers())
            if new and not (new & old):
                return
            time.sleep(0.05)
        raise RuntimeError("reload did not replace the workers")

    def stop(self):
        """SIGQUIT, wait; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def log_text(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_size(self):
        try:
            return os.path.getsize(self.error_log)
        except OSError:
            return 0

    def log_since(self, offset):
        with open(self.error_log, errors="replace") as f:
            f.seek(offset)
            return f.read()


BAD_LOG = re.compile(r"\[(alert|crit|emerg)\]|exited on signal|"
                     r"SIGSEGV|SIGABRT|SIGBUS|SIGILL|SIGFPE|core dumped")


def bad_lines(text):
    """Lines of an error log that a test must never produce."""
    return [line for line in text.splitlines() if BAD_LOG.search(line)]


def vm_hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0
