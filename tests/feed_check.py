"""Expectation checker of the feed fixtures (tests/fixtures/feeds/).

NAME.xml is a feed as an aggregator serves it, NAME.json what a feed
reader of the cleaned mirror must get (fields in tests/fixtures/README.md).
The HTML of each item (RSS <description> and <content:encoded>, Atom
<summary> and <content> of type html) is read the way a feed reader reads
it: XML-unescaped (entities, CDATA), then as HTML, with the visible text
and links of tests/fixture_check.py.

Always checked: the output is well-formed XML with the same items, each
with its title, link and guid/id unchanged, and every byte outside the
items' HTML is as in the input.
"""

import json
import os
import re
import xml.etree.ElementTree as ET

import fixture_check

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
RSS1 = "{http://purl.org/rss/1.0/}"

# the elements whose content is HTML, with their content (no nesting in
# them: the HTML is escaped, and Atom xhtml content has no nested content)
_HTML_ELT = re.compile(
    rb"(<(description|content:encoded|summary|content)\b[^>]*?(?<!/)>)"
    rb"(.*?)(</\2\s*>)", re.S)


def outside(data):
    """The feed with the content of each HTML-holding element blanked."""
    return _HTML_ELT.sub(lambda m: m.group(1) + b"\0" + m.group(4), data)


def _is_html(elt):
    tag = elt.tag
    if tag in ("description", RSS1 + "description", CONTENT + "encoded"):
        return True
    if tag in (ATOM + "summary", ATOM + "content"):
        return elt.get("type") in ("html", "text/html")
    return False


def items(data):
    """[{title, link, guid, html: [str]}] in document order."""
    root = ET.fromstring(data)
    out = []
    for elt in root.iter():
        if elt.tag not in ("item", RSS1 + "item", ATOM + "entry"):
            continue
        it = {"title": None, "link": None, "guid": None, "html": []}
        for c in elt:
            local = c.tag.split("}")[-1]
            if local == "title":
                it["title"] = "".join(c.itertext()).strip()
            elif local == "link":
                it["link"] = c.get("href") or (c.text or "").strip()
            elif local in ("guid", "id"):
                it["guid"] = (c.text or "").strip()
            if _is_html(c):
                it["html"].append(c.text or "")
        out.append(it)
    return out


def load(path_json):
    with open(path_json, encoding="utf-8") as f:
        return json.load(f)


def fixtures(directory):
    """Sorted list of (name, xml path, json path)."""
    out = []
    if not os.path.isdir(directory):
        return out
    for entry in sorted(os.listdir(directory)):
        if entry.endswith(".xml"):
            name = entry[:-4]
            j = os.path.join(directory, name + ".json")
            if os.path.exists(j):
                out.append((name, os.path.join(directory, entry), j))
    return out


def _text(html):
    return fixture_check.norm("".join(fixture_check.parse(html).parts))


def _count(texts, phrase):
    p = fixture_check.norm(phrase)
    return sum(t.count(p) for t in texts)


def _by_title(its, title):
    return [i for i in its if i["title"] == title]


def check(inp, out, exp):
    """All failures of one cleaned feed against its expectations."""
    fails = []
    if exp.get("identical") and inp != out:
        fails.append("identical: output differs from input")
    try:
        got = items(out)
    except ET.ParseError as e:
        return ["not well-formed XML: %s" % e]
    want = items(inp)
    if [(i["title"], i["link"], i["guid"]) for i in got] != \
            [(i["title"], i["link"], i["guid"]) for i in want]:
        fails.append("items: titles, links or guids changed")
    if outside(inp) != outside(out):
        fails.append("bytes outside the items' HTML changed")
    texts = [_text(h) for i in got for h in i["html"]]
    for p in exp.get("removed", []):
        if _count(texts, p):
            fails.append("removed: still visible: %r" % p)
    for p in exp.get("kept", []):
        if not _count(texts, p):
            fails.append("kept: not visible: %r" % p)
    for title, phrases in exp.get("removed_in", {}).items():
        for i in _by_title(got, title):
            if _count([_text(h) for h in i["html"]], " ".join(phrases)):
                fails.append("removed_in %r: still visible" % title)
    for raw in exp.get("kept_raw", []):
        if raw.encode("utf-8") not in out:
            fails.append("kept_raw: missing: %r" % raw)
    for e in exp.get("items", []):
        its = _by_title(got, e["title"])
        if len(its) != 1:
            fails.append("item %r: found %d times" % (e["title"], len(its)))
            continue
        for h in its[0]["html"]:
            links = fixture_check.parse(h).links
            if e.get("no_credit"):
                if "syndication-source" in h:
                    fails.append("item %r: a credit where none is due"
                                 % e["title"])
                continue
            boxes = [t for href, t in links if href == e["source"]]
            ok = any(fixture_check.norm(e.get("source_name", "")) in
                     fixture_check.norm(t) and
                     fixture_check.norm(e.get("credit_text", "")) in
                     fixture_check.norm(t) for t in boxes)
            if not ok:
                fails.append("item %r: no credit %r %r linking %r"
                             % (e["title"], e.get("credit_text"),
                                e.get("source_name"), e["source"]))
    return fails


def selfcheck(inp, exp):
    """Failures of the expectations against the input itself."""
    fails = []
    its = items(inp)
    texts = [_text(h) for i in its for h in i["html"]]
    for p in exp.get("removed", []) + exp.get("kept", []):
        if not _count(texts, p):
            fails.append("phrase not in the input: %r" % p)
    for p in exp.get("kept_raw", []):
        if p.encode("utf-8") not in inp:
            fails.append("kept_raw not in the input: %r" % p)
    for e in exp.get("items", []):
        if len(_by_title(its, e["title"])) != 1:
            fails.append("no single item %r in the input" % e["title"])
        if e.get("credit_text") and _count(texts, e["credit_text"]):
            fails.append("credit_text already in the input")
    if exp.get("identical") and (exp.get("removed") or exp.get("items")):
        fails.append("identical feed with removals or credits")
    return fails


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 4:
        sys.stderr.write("usage: feed_check.py INPUT.xml OUTPUT.xml "
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
