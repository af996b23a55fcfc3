"""Expectation checker shared by the fixture tests (CLI and nginx).

A fixture is tests/fixtures/NAME.html (the page as the aggregator serves it)
and NAME.json (what a reader of the cleaned mirror must see); the fields are
described in tests/fixtures/README.md.  check() compares one cleaned output
with the expectations and returns a list of failures (empty: the page is
right); score() gives the per-field counts that `make quality` adds up.

Python 3 standard library only: the same module runs under pytest and from
the Makefile.
"""

import html
import html.parser
import json
import os
import re

# Text in these elements is never visible page text.
HIDDEN = frozenset(("head", "script", "style", "template", "textarea",
                    "title", "noscript"))

# Inline elements: no word break at their tags.
INLINE = frozenset(("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data",
                    "dfn", "em", "font", "i", "kbd", "mark", "q", "s",
                    "samp", "small", "span", "strong", "sub", "sup", "time",
                    "u", "var", "label"))

# Elements whose open/close counts must stay as in the input.
BALANCED = ("html", "body", "main", "article", "div", "p", "section")

# Elements that bound the credit around a source link.
CREDIT_BOX = frozenset(("p", "div", "li", "section", "aside", "footer",
                        "figure", "figcaption", "td", "header", "article",
                        "main", "body", "blockquote", "dd", "span", "cite"))

VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img",
                  "input", "link", "meta", "source", "track", "wbr"))

_FOLD = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-",
    "\u2011": "-", "\u2019": "'", "\u2018": "'", "\u201a": "'",
    "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})

_SPACE = re.compile(r"\s+")


def norm(text):
    """Fold dashes, quotes and spaces, collapse white space, fold case."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip().casefold()


class _Page(html.parser.HTMLParser):
    """One pass over a page: visible body text, links with the text of
    their enclosing block, tag balance, canonical links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0
        self.stack = []         # [tag, parts-of-this-element or None]
        self.links = []         # (href, text of the enclosing box)
        self.pending = []       # [href, box entry] until the box closes
        self.balance = dict.fromkeys(BALANCED, 0)
        self.canonicals = 0

    def _text(self, data):
        if self.hidden:
            return
        self.parts.append(data)
        for entry in self.stack:
            if entry[1] is not None:
                entry[1].append(data)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.balance:
            self.balance[tag] += 1
        if tag == "link":
            rel = (a.get("rel") or "").lower().split()
            if "canonical" in rel:
                self.canonicals += 1
        if tag in HIDDEN:
            self.hidden += 1
            self.stack.append([tag, None])
            return
        if tag not in INLINE:
            self._text(" ")
        if tag in VOID:
            return
        box = [tag, [] if tag in CREDIT_BOX else None]
        if tag == "a" and a.get("href") is not None and not self.hidden:
            owner = None
            for entry in reversed(self.stack):
                if entry[1] is not None and entry[0] not in ("span",
                                                            "cite"):
                    owner = entry
                    break
            if owner is not None:
                self.pending.append([a["href"], owner])
        self.stack.append(box)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.balance:
            self.balance[tag] -= 1
        if tag in VOID:
            return
        # Close up to the nearest open element of that name, as a
        # browser would for the elements that matter here.
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for entry in self.stack[i:]:
                    self._close(entry)
                del self.stack[i:]
                break
        if tag not in INLINE and tag not in HIDDEN:
            self._text(" ")

    def _close(self, entry):
        if entry[0] in HIDDEN:
            self.hidden -= 1
        if entry[1] is None:
            return
        text = "".join(entry[1])
        keep = []
        for href, owner in self.pending:
            if owner is entry:
                self.links.append((href, text))
            else:
                keep.append([href, owner])
        self.pending = keep

    def handle_data(self, data):
        self._text(data)

    def finish(self):
        self.close()
        for entry in reversed(self.stack):
            self._close(entry)
        self.stack = []
        for href, owner in self.pending:
            self.links.append((href, "".join(owner[1] or [])))
        self.pending = []
        return self


def parse(data):
    """Parse page bytes (UTF-8; invalid bytes kept as replacement)."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    page = _Page()
    page.feed(data)
    return page.finish()


def visible_text(data):
    """The normalized visible text of the body."""
    return norm("".join(parse(data).parts))


def load(path_json):
    with open(path_json, encoding="utf-8") as f:
        return json.load(f)


def fixtures(directory):
    """Sorted list of (name, html path, json path)."""
    out = []
    for entry in sorted(os.listdir(directory)):
        if entry.endswith(".html"):
            name = entry[:-5]
            j = os.path.join(directory, name + ".json")
            if os.path.exists(j):
                out.append((name, os.path.join(directory, entry), j))
    return out


def _count(text, phrase):
    return text.count(norm(phrase))


def score(inp, out, exp):
    """Per-field results: {field: [(item, ok), ...]}.

    removed      each phrase is one boilerplate block: ok when not visible
    kept         each phrase is one article paragraph: ok when visible
    credit_kept  each phrase is one legitimate credit: ok when visible
    source       ok when a link has exactly this href and its credit shows
                 source_name
    """
    page = parse(out)
    text = norm("".join(page.parts))
    res = {"removed": [], "kept": [], "credit_kept": [], "source": []}
    for p in exp.get("removed", []):
        res["removed"].append((p, _count(text, p) == 0))
    for p in exp.get("kept", []):
        res["kept"].append((p, _count(text, p) > 0))
    for p in exp.get("credit_kept", []):
        res["credit_kept"].append((p, _count(text, p) > 0))
    if exp.get("source"):
        src = exp["source"]
        name = exp.get("source_name")
        boxes = [t for h, t in page.links if h == src]
        ok = bool(boxes)
        if ok and name:
            ok = any(norm(name) in norm(t) for t in boxes)
        res["source"].append((src, ok))
    return res


def check(inp, out, exp):
    """All failures of one cleaned page against its expectations."""
    if isinstance(inp, str):
        inp = inp.encode("utf-8")
    if isinstance(out, str):
        out = out.encode("utf-8")
    fails = []
    if exp.get("identical") and inp != out:
        fails.append("identical: output differs from input")
    res = score(inp, out, exp)
    for p, ok in res["removed"]:
        if not ok:
            fails.append("removed: still visible: %r" % p)
    for p, ok in res["kept"]:
        if not ok:
            fails.append("kept: not visible: %r" % p)
    for p, ok in res["credit_kept"]:
        if not ok:
            fails.append("credit_kept: not visible: %r" % p)
    for src, ok in res["source"]:
        if not ok:
            fails.append("source: no link %r with credit %r"
                         % (src, exp.get("source_name")))
    if exp.get("credit_text"):
        # the credit around the source link is in the page's language
        boxes = [t for h, t in parse(out).links if h == exp.get("source")]
        if not any(norm(exp["credit_text"]) in norm(t) for t in boxes):
            fails.append("credit_text: no credit %r around a link to %r"
                         % (exp["credit_text"], exp.get("source")))
    for raw in exp.get("kept_raw", []):
        if raw.encode("utf-8") not in out:
            fails.append("kept_raw: missing: %r" % raw)
    for raw in exp.get("absent_raw", []):
        if raw.encode("utf-8") in out:
            fails.append("absent_raw: present: %r" % raw)
    if exp.get("title_once"):
        text = visible_text(out)
        n = _count(text, exp["title_once"])
        if n != 1:
            fails.append("title_once: title visible %d times" % n)
    pin, pout = parse(inp), parse(out)
    for tag in BALANCED:
        if pin.balance[tag] != pout.balance[tag]:
            fails.append("balance: <%s> open-close %d in input, %d in output"
                         % (tag, pin.balance[tag], pout.balance[tag]))
    if pout.canonicals > 1:
        fails.append("canonical: %d rel=canonical links" % pout.canonicals)
    return fails


_LEARNED = re.compile(r"(?:^|\s)source=(\S+)")


def learned_source(summary):
    """The source a CLI run reports on stderr ("source=URL", "-" for none),
    or None when the summary does not say."""
    m = _LEARNED.search(summary)
    return m.group(1) if m else None


def check_learned(summary, exp):
    """Failures of the source the engine reports having used: the expected
    one, and none on a page that names no source (a Blogarama frame link, a
    list page, a page without boilerplate)."""
    got = learned_source(summary)
    if got is None:
        return []
    want = exp.get("source") or "-"
    if got != want:
        return ["learned source: %s, expected %s" % (got, want)]
    return []


def selfcheck(inp, exp):
    """Failures of the expectations against the input itself: a fixture
    whose removed phrase is not in the page, or whose kept phrase is
    missing, tests nothing."""
    fails = []
    text = visible_text(inp)
    raw = inp if isinstance(inp, bytes) else inp.encode("utf-8")
    for p in exp.get("removed", []):
        if _count(text, p) == 0:
            fails.append("removed phrase not in the input: %r" % p)
    for field in ("kept", "credit_kept"):
        for p in exp.get(field, []):
            if _count(text, p) == 0:
                fails.append("%s phrase not in the input: %r" % (field, p))
    for p in exp.get("kept_raw", []):
        if p.encode("utf-8") not in raw:
            fails.append("kept_raw not in the input: %r" % p)
    if exp.get("credit_text") and _count(text, exp["credit_text"]) > 0:
        fails.append("credit_text already in the input: %r"
                     % exp["credit_text"])
    if exp.get("title_once") and _count(text, exp["title_once"]) == 0:
        fails.append("title_once: title not in the input")
    if exp.get("identical") and (exp.get("removed") or exp.get("source")):
        fails.append("identical page with removals or a source")
    if "source" in exp and not re.match(r"https?://", exp["source"]):
        fails.append("source is not an absolute http(s) URL")
    return fails


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 4:
        sys.stderr.write("usage: fixture_check.py INPUT.html OUTPUT.html "
                         "EXPECT.json\n")
        sys.exit(2)
    with open(sys.argv[1], "rb") as f:
        i = f.read()
    with open(sys.argv[2], "rb") as f:
        o = f.read()
    problems = check(i, o, load(sys.argv[3]))
    for line in problems:
        print(line)
    sys.exit(1 if problems else 0)
