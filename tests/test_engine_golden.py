"""Differential test of the engine: today's outputs are the oracle.

tests/golden/expected.txt holds, for each input of tests/golden/inputs.py
and each mode (default, --report), the SHA-256 of the output and the
summary line (without memory=, which is a figure of the build, not of the
page) that the engine printed when the file was written.  The engine must
give those same bytes whole and in every chunk size tried.  Written by
`make golden`, only from an engine whose outputs are trusted: a change of
behaviour shows up here as a change of this file, to be read line by line.

SYNFILTER=path overrides the binary.
"""

import hashlib
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "golden"))

import inputs  # noqa: E402

SYNFILTER = os.environ.get("SYNFILTER",
                           os.path.join(HERE, "..", "build", "synfilter"))
EXPECTED = os.path.join(HERE, "golden", "expected.txt")
MODES = {"default": [], "report": ["--report"]}
CHUNKS = [0, 1, 2, 3, 7, 61, 4096]


def run(data, args):
    p = subprocess.run([SYNFILTER] + args, input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    err = re.sub(r" memory=\d+ peak=\d+", "", err)
    return hashlib.sha256(p.stdout).hexdigest(), err.replace("\n", " | ")


def expected():
    table = {}
    with open(EXPECTED, encoding="utf-8") as f:
        for line in f:
            name, mode, digest, summary = line.rstrip("\n").split("\t")
            table[(name, mode)] = (digest, summary)
    return table


CASES = [(name, mode) for name, _ in inputs.inputs() for mode in MODES]


def write():
    with open(EXPECTED, "w", encoding="utf-8") as f:
        for name, data in inputs.inputs():
            for mode, args in MODES.items():
                digest, summary = run(data, args)
                f.write("%s\t%s\t%s\t%s\n" % (name, mode, digest, summary))


@pytest.fixture(scope="module")
def table():
    return expected()


@pytest.fixture(scope="module")
def data():
    return dict(inputs.inputs())


def test_every_input_has_an_expectation(table):
    assert sorted(table) == sorted(CASES)


@pytest.mark.parametrize("name,mode", CASES,
                         ids=["%s-%s" % c for c in CASES])
def test_same_output_in_every_chunking(name, mode, table, data):
    want = table[(name, mode)]
    for chunk in CHUNKS:
        args = list(MODES[mode]) + (["--chunk", str(chunk)] if chunk else [])
        assert run(data[name], args) == want, "chunk %d" % chunk


ROUTER_CHUNKS = [0, 7, 4096]


@pytest.mark.parametrize("name", [n for n, _ in inputs.inputs()])
def test_router_profile_same_output(name, table, data):
    """The router profile (README, "Router profile") fits every input's
    blocks, URLs and phrases: it must clean them to the very bytes of the
    default profile, whole and chunked."""
    want = table[(name, "default")][0]
    for chunk in ROUTER_CHUNKS:
        args = ["--profile", "router"] + (["--chunk", str(chunk)]
                                          if chunk else [])
        assert run(data[name], args)[0] == want, "chunk %d" % chunk


if __name__ == "__main__":
    write()
