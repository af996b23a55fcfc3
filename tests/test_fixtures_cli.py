"""The fixture corpus through the CLI (make fixtures-cli).

Each tests/fixtures/NAME.html runs through build/synfilter (built-in pack)
whole, in 1-byte chunks and in 7-byte chunks: the three outputs must be the
same bytes, and they must meet NAME.json (tests/fixture_check.py); the
source the CLI reports having used ("source=" in its summary) must be the
expected one, or none when the page names none.  The
expectations themselves are checked against the input pages too, so that a
fixture whose phrases are not in its page cannot pass for nothing.

SYNFILTER=path overrides the binary (for example build/synfilter-asan).
"""

import os
import subprocess

import pytest

import fixture_check

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
SYNFILTER = os.environ.get("SYNFILTER",
                           os.path.join(HERE, "..", "build", "synfilter"))

CASES = fixture_check.fixtures(FIXTURES)
IDS = [name for name, _, _ in CASES]


def run(data, *args):
    p = subprocess.run([SYNFILTER] + list(args), input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0, err
    return p.stdout, err


def test_corpus_size():
    assert len(CASES) >= 25


@pytest.mark.parametrize("name,html_path,json_path", CASES, ids=IDS)
def test_expectations_hold_on_input(name, html_path, json_path):
    with open(html_path, "rb") as f:
        inp = f.read()
    assert fixture_check.selfcheck(inp, fixture_check.load(json_path)) == []


@pytest.mark.parametrize("name,html_path,json_path", CASES, ids=IDS)
def test_fixture(name, html_path, json_path):
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    with open(html_path, "rb") as f:
        inp = f.read()
    exp = fixture_check.load(json_path)

    whole, summary = run(inp)
    one, _ = run(inp, "--chunk", "1")
    seven, _ = run(inp, "--chunk", "7")
    assert one == whole, "--chunk 1 differs from the whole run"
    assert seven == whole, "--chunk 7 differs from the whole run"

    assert fixture_check.check(inp, whole, exp) \
        + fixture_check.check_learned(summary, exp) == []


# Every wording of the Yoast footer the pack knows (catalog, current and
# 2012-2015), on a small page: the footer goes, its first link becomes the
# source; the same sentence without links inside a longer paragraph stays.
WORDINGS = [
    ("en", "The post {a} appeared first on {b}."),
    ("aioseo", "The post {a} first appeared on {b}."),
    ("de", "Der Beitrag {a} erschien zuerst auf {b}."),
    ("fr", "L\u2019article {a} est apparu en premier sur {b}."),
    ("fr-2012", "Cet article {a} est apparu en premier sur {b}."),
    ("es", "La entrada {a} se public\u00f3 primero en {b}."),
    ("es-2012", "La entrada {a} aparece primero en {b}."),
    ("it", "L'articolo {a} proviene da {b}."),
    ("it-2012", "L'articolo {a} sembra essere il primo su {b}."),
    ("pt-pt", "O conte\u00fado {a} aparece primeiro em {b}."),
    ("pt-br", "O post {a} apareceu primeiro em {b}."),
    ("pt-2012", "O post {a} aparece primeiro no {b}."),
    ("nl", "Het bericht {a} verscheen eerst op {b}."),
    ("ru", "\u0421\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435 {a} "
           "\u043f\u043e\u044f\u0432\u0438\u043b\u0438\u0441\u044c "
           "\u0441\u043d\u0430\u0447\u0430\u043b\u0430 \u043d\u0430 {b}."),
    ("ru-2012", "\u0417\u0430\u043f\u0438\u0441\u044c {a} "
                "\u0432\u043f\u0435\u0440\u0432\u044b\u0435 "
                "\u043f\u043e\u044f\u0432\u0438\u043b\u0430\u0441\u044c {b}."),
    ("pl", "Artyku\u0142 {a} pochodzi z serwisu {b}."),
    ("pl-2012", "Post {a} pojawi\u0142 si\u0119 poraz pierwszy w {b}."),
    ("tr", "{a} yaz\u0131s\u0131 ilk \u00f6nce {b} \u00fczerinde ortaya "
           "\u00e7\u0131kt\u0131."),
    ("tr-2012", "Sonras\u0131 {a} {b} ilk ortaya \u00e7\u0131kt\u0131."),
    ("id", "Artikel {a} pertama kali tampil pada {b}."),
    ("id-2012", "Posting {a} ditampilkan lebih awal di {b}."),
    ("ar", "\u0638\u0647\u0631\u062a \u0627\u0644\u0645\u0642\u0627\u0644"
           "\u0629 {a} \u0623\u0648\u0644\u0627\u064b \u0639\u0644\u0649 {b}."),
    ("ar-2012", "\u0627\u0644\u062a\u062f\u0648\u064a\u0646\u0629 {a} "
                "\u0638\u0647\u0631\u062a \u0623\u0648\u0644\u0627\u064b "
                "\u0639\u0644\u0649 {b}."),
]

PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        "<title>Ein Titel - Site</title></head><body><article>"
        "<div class=\"entry-content\">\n"
        "<p>The ferry service starts in spring with two electric boats "
        "built in Bergen, each carrying 140 passengers.</p>\n"
        "{footer}\n</div></article></body></html>\n")
SRC = "https://source.example/2024/03/ferry-service/"
HOME = "https://source.example/"


@pytest.mark.parametrize("locale,wording", WORDINGS,
                         ids=[w[0] for w in WORDINGS])
def test_footer_wording(locale, wording):
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    footer = "<p>%s</p>" % wording.format(
        a='<a href="%s" rel="nofollow">Ferry service starts</a>' % SRC,
        b='<a href="%s" rel="nofollow">Source Daily</a>' % HOME)
    page = PAGE.format(footer=footer).encode("utf-8")
    out, summary = run(page)
    # the words between the two links, or before them ("Sonrası {a} {b}")
    words = wording.split("{a}")[1].split("{b}")[0].strip()
    if not words:
        words = wording.split("{a}")[0].strip()
    exp = {"removed": [words], "kept": ["two electric boats built in Bergen"],
           "source": SRC, "source_name": "Source Daily"}
    assert fixture_check.check(page, out, exp) \
        + fixture_check.check_learned(summary, exp) == []


@pytest.mark.parametrize("locale,wording", WORDINGS,
                         ids=[w[0] for w in WORDINGS])
def test_footer_wording_in_prose_kept(locale, wording):
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    sentence = wording.format(a="the harbour council report",
                              b="the front page of the local paper")
    para = ("<p>In the archive, %s Later editions, printed after the "
            "vote, moved the story inside, next to the weather.</p>"
            % sentence)
    page = PAGE.format(footer=para).encode("utf-8")
    out, summary = run(page)
    assert out == page
    assert fixture_check.check_learned(summary, {}) == []


# The forms an importer makes of one AIOSEO footer: links stripped, escaped
# once, twice, three times (the engine decodes up to three rounds).
ESCAPED = [
    # links stripped: the words between the phrases are the page title
    # ("Ein Titel - Site" less its site suffix)
    ("stripped", "<p>The post Ein Titel first appeared on Source "
                 "Daily.</p>", False),
    ("escaped-1", "<p>&lt;p&gt;The post Ferry service starts in spring "
                  "first appeared on Source Daily.&lt;/p&gt;</p>", False),
    ("escaped-2-links", "<p>&amp;lt;p&amp;gt;The post &amp;lt;a href="
                        "&amp;quot;" + SRC + "&amp;quot;&amp;gt;Ferry "
                        "service starts&amp;lt;/a&amp;gt; first appeared on "
                        "&amp;lt;a href=&amp;quot;" + HOME + "&amp;quot;"
                        "&amp;gt;Source Daily&amp;lt;/a&amp;gt;.&amp;lt;/p"
                        "&amp;gt;</p>", True),
    ("escaped-3", "<p>&amp;amp;lt;p&amp;amp;gt;The post Ferry service "
                  "starts in spring first appeared on Source Daily."
                  "&amp;amp;lt;/p&amp;amp;gt;</p>", False),
    ("mojibake", "<p>The post <a href=\"" + SRC + "\">Ferry service "
                 "starts \u00e2\u20ac\u201c islandersâ€™ relief</a> first "
                 "appeared on <a href=\"" + HOME + "\">Source Daily "
                 "\u00e2\u20ac\u201c News</a>.</p>", True),
]


@pytest.mark.parametrize("form,footer,has_source", ESCAPED,
                         ids=[e[0] for e in ESCAPED])
def test_footer_escaped_forms(form, footer, has_source):
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    page = PAGE.format(footer=footer).encode("utf-8")
    out, summary = run(page)
    exp = {"removed": ["first appeared on"],
           "kept": ["two electric boats built in Bergen"]}
    if has_source:
        exp["source"] = SRC
        exp["source_name"] = "Source Daily"
    assert fixture_check.check(page, out, exp) \
        + fixture_check.check_learned(summary, exp) == []


@pytest.mark.parametrize("locale,wording", WORDINGS,
                         ids=[w[0] for w in WORDINGS])
def test_footer_wording_escaped(locale, wording):
    """Escaped once by an importer, links lost: removed, no source."""
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    text = wording.format(a="Ferry service starts", b="Source Daily")
    footer = "<p>&lt;p&gt;%s&lt;/p&gt;</p>" % text
    page = PAGE.format(footer=footer).encode("utf-8")
    out, summary = run(page)
    exp = {"removed": [text], "kept": ["two electric boats built in Bergen"]}
    assert fixture_check.check(page, out, exp) \
        + fixture_check.check_learned(summary, exp) == []


# Two-link prose in the footer's words stays: the template wants the text
# between the phrases to be exactly link 1 and what follows exactly link 2.
PROSE_TWO_LINKS = [
    ("aioseo", "<p>The post <a href=\"https://a.example/po\">office</a> "
               "first appeared on the <a href=\"https://a.example/map\">"
               "town map</a> in 1890.</p>"),
    ("yoast", "<p>The post <a href=\"https://a.example/po\">office</a> "
              "appeared first on <a href=\"https://a.example/map\">the "
              "town map</a> of 1890, drawn by the parish surveyor.</p>"),
    ("de", "<p>Der Beitrag <a href=\"https://a.example/po\">zur Post</a> "
           "erschien zuerst auf <a href=\"https://a.example/map\">der "
           "Karte</a> von 1890.</p>"),
    ("stripped-not-title", "<p>The post of harbour master first appeared "
                           "on the council minutes.</p>"),
]


@pytest.mark.parametrize("case,para", PROSE_TWO_LINKS,
                         ids=[c[0] for c in PROSE_TWO_LINKS])
def test_footer_words_in_prose_with_links_kept(case, para):
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    page = PAGE.format(footer=para).encode("utf-8")
    out, summary = run(page)
    assert out == page
    assert fixture_check.check_learned(summary, {}) == []


# A real footer whose link texts carry extra spaces, line breaks and
# entities (&nbsp;, &#32;, &amp;, &#8211;) is still the footer.
def test_footer_links_with_spaces_and_entities():
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    footer = ("<p>The post <a href=\"%s\">\n  Ferry&nbsp;service starts "
              "&#8211; &amp;   more </a>\n first appeared on\n "
              "<a href=\"%s\"> Source&#32;Daily&nbsp;</a>.</p>" % (SRC, HOME))
    page = PAGE.format(footer=footer).encode("utf-8")
    out, summary = run(page)
    exp = {"removed": ["first appeared on"],
           "kept": ["two electric boats built in Bergen"],
           "source": SRC, "source_name": "Source Daily"}
    assert fixture_check.check(page, out, exp) \
        + fixture_check.check_learned(summary, exp) == []


# Links stripped: removed when the words between the phrases are the page
# title (whole, or without its " - SITE" suffix), kept when they are not.
STRIPPED = [
    ("title-short", "Ein Titel - Site", True),
    ("title-whole", "Ein Titel", True),
    ("other-title", "Ein anderer Titel - Site", False),
    ("no-title", "", False),
]


@pytest.mark.parametrize("case,title,removed", STRIPPED,
                         ids=[c[0] for c in STRIPPED])
def test_footer_stripped_title(case, title, removed):
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    footer = "<p>The post Ein Titel appeared first on Source Daily.</p>"
    page = PAGE.format(footer=footer).replace(
        "<title>Ein Titel - Site</title>",
        "<title>%s</title>" % title if title else "").encode("utf-8")
    out, summary = run(page)
    if removed:
        exp = {"removed": ["appeared first on Source Daily"],
               "kept": ["two electric boats built in Bergen"]}
        assert fixture_check.check(page, out, exp) \
            + fixture_check.check_learned(summary, exp) == []
    else:
        assert out == page


@pytest.mark.parametrize("locale,wording", WORDINGS,
                         ids=[w[0] for w in WORDINGS])
def test_footer_wording_stripped(locale, wording):
    """Links stripped by an importer: removed when the words in link 1's
    place are the page title, kept when they are not."""
    if not os.access(SYNFILTER, os.X_OK):
        pytest.fail("%s is not built" % SYNFILTER)
    text = wording.format(a="Ein Titel", b="Source Daily")
    page = PAGE.format(footer="<p>%s</p>" % text).encode("utf-8")
    out, summary = run(page)
    exp = {"removed": [text], "kept": ["two electric boats built in Bergen"]}
    assert fixture_check.check(page, out, exp) \
        + fixture_check.check_learned(summary, exp) == []

    other = wording.format(a="the harbour council report", b="Source Daily")
    page = PAGE.format(footer="<p>%s</p>" % other).encode("utf-8")
    out, summary = run(page)
    assert out == page
