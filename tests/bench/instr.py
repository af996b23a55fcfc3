"""Instructions per input byte of the engine (valgrind --tool=callgrind).

Counts only what sf_stream_feed() executes (--toggle-collect), so rule
compilation and stream creation, the start-up cost, are left out.  The
count is the same on a loaded or a quiet machine, unlike seconds.

    instr.py [SYNFILTER]
"""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "golden"))

import inputs  # noqa: E402

SYNFILTER = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(HERE, "..", "..", "build", "synfilter")


def pages():
    art = inputs.article(4 * 1024 * 1024)
    page = inputs.bench_page()
    return [
        ("long-read article, 4 MB", art),
        ("the same, minified", art.replace(b"\n", b"")),
        ("aggregator page, 208 KB", page),
        ("the same, minified",
         re.sub(rb">\s+<", b"><", page).replace(b"\n", b" ")),
        ("dense short tags, 1 MB", b"<html><body><div>"
         + b"<p>x</p>" * (1 << 17) + b"</div></body></html>"),
        # the same pages without repeats: what a remembered decision
        # cannot answer
        ("article, each paragraph its own",
         inputs.article_varied(4 * 1024 * 1024)),
        ("aggregator page, each entry its own", inputs.bench_page(True)),
    ]


def instructions(data, args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        inp = os.path.join(tmp, "in.html")
        with open(inp, "wb") as f:
            f.write(data)
        with open(inp, "rb") as f:
            subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=" + out,
                            "--toggle-collect=sf_stream_feed",
                            SYNFILTER] + args,
                           stdin=f, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
        return callgrind_total(out)


def callgrind_total(path):
    """The instructions a callgrind output file counted in all."""
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("no callgrind summary in " + path)


def main():
    print("engine instructions per input byte (callgrind, sf_stream_feed "
          "only), %s" % os.path.relpath(SYNFILTER))
    print("| input | bytes | built-in pack | no rules |")
    print("|---|---:|---:|---:|")
    for name, data in pages():
        pack = instructions(data, [])
        none = instructions(data, ["--no-builtin"])
        print("| %s | %d | %.2f | %.2f |"
              % (name, len(data), pack / len(data), none / len(data)))


if __name__ == "__main__":
    main()
