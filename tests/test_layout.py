"""The engine's layout rules (src/INTERNALS.md): the files of src/ call
each other without a circle, so each can be read knowing only those below
it.

A call is a name defined at the start of a line in one file (the style puts
a function's name at column 0) and written as `name(` in another.  Comments
are left out.  Reads the source as text: no compiler needed.
"""

import glob
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

DEF = re.compile(r"^([a-z_][a-z0-9_]*)\(", re.M)
CALL = re.compile(r"\b([a-z_][a-z0-9_]*)\s*\(")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def sources(folder, leave_out=()):
    files = {}
    for path in sorted(glob.glob(os.path.join(ROOT, folder, "*.c"))):
        name = os.path.basename(path)
        if name not in leave_out:
            with open(path, encoding="utf-8") as f:
                files[name] = COMMENT.sub("", f.read())
    return files


def call_graph(files):
    defined = {}
    for name, text in files.items():
        for m in DEF.finditer(text):
            defined.setdefault(m.group(1), name)
    edges = {name: {} for name in files}
    for name, text in files.items():
        for m in CALL.finditer(text):
            callee = defined.get(m.group(1))
            if callee is not None and callee != name:
                edges[name].setdefault(callee, set()).add(m.group(1))
    return edges


def cycle(edges):
    """A list of files that call each other in a circle, or None."""
    state = {}
    path = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_checker_finds_a_circle():
    files = {"a.c": "void\nf(void)\n{\n    g();\n}\n",
             "b.c": "void\ng(void)\n{\n    f();\n}\n"}
    assert cycle(call_graph(files)) == ["a.c", "b.c", "a.c"]


def test_engine_files_call_without_a_circle():
    edges = call_graph(sources("src", leave_out=("synfilter.c",)))
    found = cycle(edges)
    if found:
        steps = ["%s -> %s (%s)" % (a, b, ", ".join(sorted(edges[a][b])))
                 for a, b in zip(found, found[1:])]
        raise AssertionError("src/ files call in a circle:\n  "
                             + "\n  ".join(steps))


FUNCTION_START = re.compile(r"^([a-z_][a-z0-9_]*)\(", re.M)


def long_functions(text, most):
    """(name, lines) of the functions longer than most lines: from the line
    with the name at column 0 to the closing brace at column 0."""
    found = []
    name, start = None, 0
    for number, line in enumerate(text.split("\n")):
        m = FUNCTION_START.match(line)
        if m:
            name, start = m.group(1), number
        elif line.startswith("}") and name is not None:
            if number - start > most:
                found.append((name, number - start))
            name = None
    return found


def test_checker_finds_a_long_function():
    text = "int\nf(void)\n{\n" + "    x++;\n" * 200 + "}\n"
    assert long_functions(text, 150) == [("f", 202)]


def test_no_function_over_150_lines():
    too_long = []
    for folder in ("src", "ngx_module"):
        for name, text in sources(folder).items():
            too_long += ["%s/%s %s: %d lines" % (folder, name, f, n)
                         for f, n in long_functions(text, 150)]
    assert too_long == []
