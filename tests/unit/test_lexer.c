/*
 * test_lexer.c: token boundaries of the resumable lexer, whatever the
 * chunking.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ctype.h>

#include "sf_lexer.h"
#include "sf_test_util.h"


/*
 * The attributes sf_lexer_tag() found on its way to the '>' of the tag at
 * p (len bytes) are those sf_tag_next_attr() reads from its bytes: the
 * same names (keys), the same values at the same places, the same count.
 * A record marked not whole is not looked at (the stream reads the bytes).
 */
static void
check_spans(const sf_lexer_t *lx, const char *p, size_t len)
{
    size_t                i, nlen, vlen;
    sf_tag_t              t;
    const sf_tag_span_t  *sp;
    const unsigned char  *n, *v;

    assert_int_equal(sf_tag_parse(&t, (const unsigned char *) p, len), 0);

    if (lx->attrs.n > SF_TAG_SPANS) {
        return;
    }

    i = 0;

    while (sf_tag_next_attr(&t, &n, &nlen, &v, &vlen) == 0) {
        if (i >= lx->attrs.n) {
            fail_msg("tag %.*s: %u attributes found, more read",
                     (int) len, p, lx->attrs.n);
        }

        sp = &lx->attrs.attr[i++];

        if (sp->key != sf_tag_attr_key(n, nlen, 0)
            || sp->value != (size_t) (v - (t.name + t.name_len))
            || sp->value_len != vlen)
        {
            fail_msg("tag %.*s, attribute %zu: found %u+%u, read %.*s=%.*s",
                     (int) len, p, i, sp->value, sp->value_len, (int) nlen,
                     n, (int) vlen, v);
        }
    }

    assert_int_equal(i, lx->attrs.n);
}


/*
 * A fast reader took m bytes at p (n readable) into lx as sf_lexer_tag()
 * takes them into general, the lexer before: the same length, element and
 * state.
 */
static void
check_took(sf_lexer_t *general, const sf_lexer_t *lx, const char *p,
    size_t n, size_t m)
{
    assert_int_equal(sf_lexer_tag(general, (const unsigned char *) p, n), m);
    assert_int_equal(general->tag, lx->tag);
    assert_int_equal(general->end, lx->end);
    assert_int_equal(general->name_len, lx->name_len);
    assert_int_equal(general->state, lx->state);
    assert_int_equal(general->kind, lx->kind);
    assert_int_equal(general->inert, lx->inert);
    assert_int_equal(general->tmpl, lx->tmpl);
}


/*
 * The link of m bytes at p (n readable) sf_lexer_link_len() found is the
 * tag sf_lexer_tag() reads into lx there: the same length, an "a" start
 * tag, its one attribute href with its value at byte 9, m - 11 bytes.
 */
static void
check_link(sf_lexer_t *lx, const char *p, size_t n, size_t m)
{
    assert_int_equal(sf_lexer_tag(lx, (const unsigned char *) p, n), m);
    assert_int_equal(lx->tag, SF_TAG_A);
    assert_int_equal(lx->end, 0);
    assert_int_equal(lx->attrs.n, 1);
    assert_true(lx->attrs.attr[0].key == SF_TAG_KEY4('h', 'r', 'e', 'f'));
    assert_int_equal(lx->attrs.attr[0].value, 7);
    assert_int_equal(lx->attrs.attr[0].value_len, m - 11);
    check_spans(lx, p, m);
}


/*
 * The image sf_lexer_tag_img() read, m bytes at p (n readable), left the
 * lexer lx as sf_lexer_tag() leaves general, the lexer before it: the
 * same length, element and state; the general reader's record of it
 * whole, with neither an id nor a class, and lx's marked not whole.
 */
static void
check_img(sf_lexer_t *general, const sf_lexer_t *lx, const char *p,
    size_t n, size_t m)
{
    unsigned  i;

    check_took(general, lx, p, n, m);
    assert_int_equal(lx->tag, SF_TAG_IMG);
    assert_int_equal(lx->attrs.n, SF_TAG_SPANS + 1);
    check_spans(general, p, m);

    /* the tests' images have fewer attributes than a record holds */
    assert_true(general->attrs.n <= SF_TAG_SPANS);

    for (i = 0; i < general->attrs.n; i++) {
        if (general->attrs.attr[i].key == SF_TAG_KEY2('i', 'd')
            || general->attrs.attr[i].key
               == SF_TAG_KEY8('c', 'l', 'a', 's', 's', 0, 0, 0))
        {
            fail_msg("an id or a class read briefly: %.*s", (int) m, p);
        }
    }
}


/*
 * sf_lexer_comment() took m bytes at p (n readable) into lx as
 * sf_lexer_scan() takes them into general, the lexer before: one opaque
 * token of the same length, ended, and the same lexer after it.
 */
static void
check_comment(sf_lexer_t *general, const sf_lexer_t *lx, const char *p,
    size_t n, size_t m)
{
    size_t          k, steps;
    sf_lex_event_e  ev;

    (void) n;
    k = 0;
    ev = SF_LEX_MORE;

    /* a step may take nothing (the '<' that starts markup), not many */
    for (steps = 0; ev != SF_LEX_END; steps++) {
        assert_true(k < m && steps <= m + 4);
        k += sf_lexer_scan(general, (const unsigned char *) p + k, m - k,
                           &ev);
    }

    assert_int_equal(k, m);
    assert_int_equal(general->state, lx->state);
    assert_int_equal(general->kind, lx->kind);
    assert_int_equal(general->tag, lx->tag);
    assert_int_equal(general->end, lx->end);
    assert_int_equal(general->name_len, lx->name_len);
    assert_int_equal(general->count, lx->count);
    assert_int_equal(general->inert, lx->inert);
    assert_int_equal(general->esc, lx->esc);
    assert_int_equal(general->tmpl, lx->tmpl);
}


/*
 * Tokenize in pieces of `chunk` bytes (0: whole) and describe the tokens:
 * T{text} R{raw} M{tag} O{opaque}, consecutive text or raw runs merged.
 * fast: as the stream's feed loop does, a tag at a '<' in page text is
 * first offered to sf_lexer_short_tag() (with 8 bytes readable), then
 * to sf_lexer_tag() whole.
 */
static void
lex(const char *in, size_t chunk, int fast, char *out, size_t cap)
{
    char            kinds[] = "TRMO";
    size_t          len, pos, n, m, t, o, cur_len;
    sf_lexer_t      lx, general;
    sf_lex_kind_e   kind, cur_kind, last;
    sf_lex_event_e  ev;
    char            cur[4096];

    sf_lexer_init(&lx);
    len = strlen(in);
    pos = 0;
    o = 0;
    cur_len = 0;
    cur_kind = SF_LEX_TEXT;
    last = SF_LEX_MARKUP;
    out[0] = '\0';

    /* adjacent text or raw runs are one run, however they were found */
#define FLUSH()                                                              \
    if (cur_len > 0) {                                                       \
        if (o > 0 && last == cur_kind                                        \
            && (cur_kind == SF_LEX_TEXT || cur_kind == SF_LEX_RAW))          \
        {                                                                    \
            o--;                                                             \
            o += (size_t) snprintf(out + o, cap - o, "%.*s}",                \
                                   (int) cur_len, cur);                      \
        } else {                                                             \
            o += (size_t) snprintf(out + o, cap - o, "%c{%.*s}",             \
                                   kinds[cur_kind], (int) cur_len, cur);     \
        }                                                                    \
        last = cur_kind;                                                     \
        cur_len = 0;                                                         \
    }

    /* a whole tag of k bytes at pos, read by a fast reader */
#define TAG(k)                                                               \
    FLUSH();                                                                 \
    cur_kind = SF_LEX_MARKUP;                                                \
    memcpy(cur, in + pos, k);                                                \
    cur_len = k;                                                             \
    FLUSH();                                                                 \
    cur_kind = lx.kind;                                                      \
    pos += k;                                                                \
    n -= k

    while (pos < len) {
        n = chunk ? chunk : len;
        n = n < len - pos ? n : len - pos;

        while (n > 0) {
            if (fast && sf_lexer_in_text(&lx) && in[pos] == '<') {
                /* the link reader of held blocks, as the general one */
                m = sf_lexer_link_len((const unsigned char *) in + pos, n);

                if (m > 0) {
                    check_link(&lx, in + pos, n, m);
                    TAG(m);
                    continue;
                }

                /* the image reader of held blocks, as the general one */
                general = lx;
                m = sf_lexer_tag_img(&lx, (const unsigned char *) in + pos, n);

                if (m > 0) {
                    check_img(&general, &lx, in + pos, n, m);
                    TAG(m);
                    continue;
                }

                /* the comment reader of the fused loop, as the steps */
                general = lx;
                m = sf_lexer_comment(&lx, (const unsigned char *) in + pos,
                                     n);

                if (m > 0) {
                    check_comment(&general, &lx, in + pos, n, m);
                    FLUSH();
                    cur_kind = SF_LEX_OPAQUE;
                    memcpy(cur, in + pos, m);
                    cur_len = m;
                    FLUSH();
                    cur_kind = lx.kind;
                    pos += m;
                    n -= m;
                    continue;
                }

                m = 0;

                if (n >= 8) {
                    /* the short reader must leave what the general one does */
                    general = lx;
                    m = sf_lexer_short_tag(&lx, (const unsigned char *) in
                                                + pos, n);

                    if (m > 0) {
                        assert_int_equal(sf_lexer_tag(&general,
                                             (const unsigned char *) in
                                             + pos, n), m);
                        assert_int_equal(general.tag, lx.tag);
                        assert_int_equal(general.end, lx.end);
                        assert_int_equal(general.name_len, lx.name_len);
                        assert_int_equal(general.state, lx.state);
                        assert_int_equal(general.kind, lx.kind);
                        assert_int_equal(general.inert, lx.inert);
                        assert_int_equal(general.raw_len, lx.raw_len);
                        assert_int_equal(general.raw_tag, lx.raw_tag);
                        assert_int_equal(general.tmpl, lx.tmpl);
                        if (sf_tag_is_rawtext(lx.tag)) {
                            /* its end tag is matched against the name */
                            assert_memory_equal(general.name, lx.name,
                                                lx.name_len);
                        }
                    }
                }

                if (m == 0) {
                    m = sf_lexer_tag(&lx, (const unsigned char *) in + pos,
                                     n);

                    if (m > 0) {
                        check_spans(&lx, in + pos, m);
                    }
                }

                if (m > 0) {
                    TAG(m);
                    continue;
                }
            }

            if (fast && sf_lexer_in_raw(&lx)) {
                /* as the feed loop does: raw text up to a '<' that matters */
                m = sf_lexer_raw_run(&lx, (const unsigned char *) in + pos, n,
                                     &t);

                assert_true(m + t <= n);

                if (m > 0) {
                    if (cur_kind != SF_LEX_RAW) {
                        if (cur_kind == SF_LEX_TEXT) {
                            FLUSH();
                        }

                        cur_kind = SF_LEX_RAW;
                    }

                    memcpy(cur + cur_len, in + pos, m);
                    cur_len += m;
                    pos += m;
                    n -= m;
                }

                if (t > 0) {
                    sf_lexer_raw_end(&lx);
                    TAG(t);
                }

                if (m > 0 || t > 0) {
                    continue;
                }
            }

            kind = lx.kind;
            m = sf_lexer_scan(&lx, (const unsigned char *) in + pos, n, &ev);

            assert_true(m <= n);

            if (kind != cur_kind) {
                /* a new token starts; text and raw runs end here */
                if ((cur_kind == SF_LEX_TEXT || cur_kind == SF_LEX_RAW)
                    || kind == SF_LEX_MARKUP)
                {
                    FLUSH();
                }

                cur_kind = kind;
            }

            memcpy(cur + cur_len, in + pos, m);
            cur_len += m;
            pos += m;
            n -= m;

            if (ev == SF_LEX_END) {
                FLUSH();
                cur_kind = lx.kind;

            } else if (ev == SF_LEX_RETYPE) {
                cur_kind = lx.kind;
            }
        }
    }

    FLUSH();

#undef FLUSH
#undef TAG
}


static void
check(const char *in, const char *expected)
{
    int     fast;
    size_t  chunk;
    char    whole[8192], part[8192];

    lex(in, 0, 0, whole, sizeof(whole));

    /* expected NULL: the readers agree, whatever the tokens */
    if (expected != NULL && strcmp(whole, expected) != 0) {
        fail_msg("input  %s\nwant   %s\ngot    %s", in, expected, whole);
    }

    for (fast = 0; fast <= 1; fast++) {
        for (chunk = fast ? 0 : 1; chunk <= 9; chunk++) {
            lex(in, chunk, fast, part, sizeof(part));

            if (strcmp(whole, part) != 0) {
                fail_msg("input %s\nwhole %s\nchunk %zu%s: %s", in, whole,
                         chunk, fast ? " (tags whole)" : "", part);
            }
        }
    }
}


static void
test_text_and_tags(void **state)
{
    (void) state;

    check("a<p>b</p>c", "T{a}M{<p>}T{b}M{</p>}T{c}");
    check("<a title=\">\" href='x>y'>z</a>",
          "M{<a title=\">\" href='x>y'>}T{z}M{</a>}");
    check("<a b=c\"d>e", "M{<a b=c\"d>}T{e}");
    /* an unquoted value cut by a chunk goes on: its '="' opens nothing */
    check("<a b=cd=\"e>f", "M{<a b=cd=\"e>}T{f}");
    check("<br/><img src=x />", "M{<br/>}M{<img src=x />}");
    check("1 < 2 <3 <<b>", "T{1 < 2 <3 <}M{<b>}");
    check("a<", "T{a}M{<}");
    /* the short reader's cases: names known or not, any case, '>' at 8 */
    check("<li>one</li><LI>two</Li><figure></figure><foo>x</foo>",
          "M{<li>}T{one}M{</li>}M{<LI>}T{two}M{</Li>}M{<figure>}"
          "M{</figure>}M{<foo>}T{x}M{</foo>}");
    check("<figcaption>a</figcaption><blockquote></BLOCKQUOTE><figcaptions>"
          "</blockquote2><plaintext>",
          "M{<figcaption>}T{a}M{</figcaption>}M{<blockquote>}"
          "M{</BLOCKQUOTE>}M{<figcaptions>}M{</blockquote2>}M{<plaintext>}");
    /* attributes longer than the 16-byte scans, '>' inside long values */
    check("<a data-some-long-attribute-name=\"https://example.com/a/long/"
          "path?x=1>2\" title='a title > with > signs and more text'"
          " data-unquoted-value=abc>x</a>",
          "M{<a data-some-long-attribute-name=\"https://example.com/a/long/"
          "path?x=1>2\" title='a title > with > signs and more text'"
          " data-unquoted-value=abc>}T{x}M{</a>}");
    check("<a title=\"0123456789abcdef\">x</a><b title='0123456789abcde>'>y",
          "M{<a title=\"0123456789abcdef\">}T{x}M{</a>}"
          "M{<b title='0123456789abcde>'>}T{y}");
    check("<div                                  class=x                 >y",
          "M{<div                                  class=x                 >}"
          "T{y}");
    check("<b>></b><br/>x<p2>y</p2 ><>z",
          "M{<b>}T{>}M{</b>}M{<br/>}T{x}M{<p2>}T{y}M{</p2 >}T{<>z}");
}


/*
 * Tags read whole by sf_lexer_tag() come with their attributes, as
 * sf_tag_next_attr() reads them (check_spans() in lex(), in every
 * chunking that leaves the tag whole): white space around '=', quotes
 * of either kind, '>' in values, no value, slashes, names of any case
 * and length, and the cases that leave the record not whole.
 */
static void
test_attr_spans(void **state)
{
    size_t       m, n, v;
    sf_lexer_t   lx;
    char         in[128], want[256];

    static const char  many[] =
        "<a b=1 c=2 d=3 e=4 f=5 g=6 h=7 i=8 j=9>";
    static const char  eq[] = "<a b=\"x\" =\" class=y\">";
    /* quoted values, one space apart: eight recorded, then nine */
    static const char  quoted8[] =
        "<a b=\"1\" c='2' d=\"3\" e=\"4\" f=\"5\" g=\"6\" h=\"7\" i=\"8\">";
    static const char  quoted9[] =
        "<a b=\"1\" c='2' d=\"3\" e=\"4\" f=\"5\" g=\"6\" h=\"7\" i=\"8\""
        " j=\"9\">";

    (void) state;

    check("<div class=\"a b\" id='c>d'>x</div>",
          "M{<div class=\"a b\" id='c>d'>}T{x}M{</div>}");
    check("<A HREF = \"u\"\tREL\n=\rnofollow ItemProp=articleBody>",
          "M{<A HREF = \"u\"\tREL\n=\rnofollow ItemProp=articleBody>}");
    check("<img src=x alt async decoding=async itemscope>",
          "M{<img src=x alt async decoding=async itemscope>}");
    check("<br/ class=a/b/ id=c / data-x><p class=>x",
          "M{<br/ class=a/b/ id=c / data-x>}M{<p class=>}T{x}");
    check("<p class id=x property=og:url content=\"\" name='n'"
          " data-very-long-attribute-name=1 propertyx=2 itemprops>",
          "M{<p class id=x property=og:url content=\"\" name='n'"
          " data-very-long-attribute-name=1 propertyx=2 itemprops>}");
    check("<a title='\"' b=\"'\"c=d e='' f=\"\">",
          "M{<a title='\"' b=\"'\"c=d e='' f=\"\">}");
    /* control bytes other than white space belong to names, high bytes */
    check("<a \x01" "b\x0b" "=c \xc3\xa9=\xc3\xa9 cl\x7f" "ass\x1f=d"
          " verylongname\x02" "rest=e>",
          "M{<a \x01" "b\x0b" "=c \xc3\xa9=\xc3\xa9 cl\x7f" "ass\x1f=d"
          " verylongname\x02" "rest=e>}");
    check("</a href=x>", "M{</a href=x>}");
    check(many, "M{<a b=1 c=2 d=3 e=4 f=5 g=6 h=7 i=8 j=9>}");

    /* names of every length up to 20, with text after them or not */
    for (n = 1; n <= 20; n++) {
        snprintf(in, sizeof(in), "<x %.*s=1 %.*sz>and text after it",
                 (int) n, "abcdefghijklmnopqrstuvwxyz", (int) n,
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        snprintf(want, sizeof(want), "M{%.*s}T{and text after it}",
                 (int) (strchr(in, '>') + 1 - in), in);
        check(in, want);
        *strchr(in, '>') = '\0';
        strcat(in, ">");
        snprintf(want, sizeof(want), "M{%s}", in);
        check(in, want);
    }
    /*
     * quoted values of every length after names of every length: the
     * value's end quote in the sixteen bytes loaded at the name, at their
     * edge or past them (the quick reader looks there first)
     */
    for (n = 1; n <= 17; n++) {
        for (v = 0; v <= 40; v++) {
            snprintf(in, sizeof(in),
                     "<x %.*s=\"%.*s\" b=\"\" c=\"d\" e=\"f\">t",
                     (int) n, "abcdefghijklmnopqrstuvwxyz", (int) v,
                     "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            snprintf(want, sizeof(want), "M{%.*s}T{t}",
                     (int) (strlen(in) - 1), in);
            check(in, want);
        }
    }
    check(eq, "M{<a b=\"x\" =\" class=y\">}");
    /* what follows a quoted value: '>', a space and a name, or else */
    check(quoted8, "M{<a b=\"1\" c='2' d=\"3\" e=\"4\" f=\"5\" g=\"6\""
          " h=\"7\" i=\"8\">}");
    check(quoted9, "M{<a b=\"1\" c='2' d=\"3\" e=\"4\" f=\"5\" g=\"6\""
          " h=\"7\" i=\"8\" j=\"9\">}");
    check("<a b=\"1\" =c d='2' \x0b='3' e=\"\"/ f='4'  g=\"5\"\th=''/>x",
          "M{<a b=\"1\" =c d='2' \x0b='3' e=\"\"/ f='4'  g=\"5\"\th=''/>}"
          "T{x}");
    check("<a b=\"1\" /c='2' d=\"3\" >", "M{<a b=\"1\" /c='2' d=\"3\" >}");
    /* the record not whole: the lexer is back in text after the tag */
    check("<a b=1 c=2 d=3 e=4 f=5 g=6 h=7 i=8 j=9>x<p>y",
          "M{<a b=1 c=2 d=3 e=4 f=5 g=6 h=7 i=8 j=9>}T{x}M{<p>}T{y}");
    check("<a =b c>x<p>y", "M{<a =b c>}T{x}M{<p>}T{y}");

    /* what the record holds, for one tag */
    sf_lexer_init(&lx);
    m = sf_lexer_tag(&lx, (const unsigned char *) "<div CLASS = 'a b' id=x>",
                     24);
    assert_int_equal(m, 24);
    assert_int_equal(lx.attrs.n, 2);
    assert_true(lx.attrs.attr[0].key
                == SF_TAG_KEY8('c', 'l', 'a', 's', 's', 0, 0, 0));
    assert_int_equal(lx.attrs.attr[0].value, 10);
    assert_int_equal(lx.attrs.attr[0].value_len, 3);
    assert_true(lx.attrs.attr[1].key == SF_TAG_KEY2('i', 'd'));
    assert_int_equal(lx.attrs.attr[1].value, 18);
    assert_int_equal(lx.attrs.attr[1].value_len, 1);

    /* more attributes than recorded, an '=' where a name starts: not whole */
    sf_lexer_init(&lx);
    assert_int_equal(sf_lexer_tag(&lx, (const unsigned char *) many,
                                  sizeof(many) - 1), sizeof(many) - 1);
    assert_true(lx.attrs.n > SF_TAG_SPANS);
    sf_lexer_init(&lx);
    assert_int_equal(sf_lexer_tag(&lx, (const unsigned char *) eq,
                                  sizeof(eq) - 1), sizeof(eq) - 1);
    assert_true(lx.attrs.n > SF_TAG_SPANS);
    sf_lexer_init(&lx);
    assert_int_equal(sf_lexer_tag(&lx, (const unsigned char *) quoted8,
                                  sizeof(quoted8) - 1), sizeof(quoted8) - 1);
    assert_int_equal(lx.attrs.n, SF_TAG_SPANS);
    /* offsets from the byte after the name */
    assert_int_equal(lx.attrs.attr[7].value, strrchr(quoted8, '8') - quoted8 - 2);
    assert_int_equal(lx.attrs.attr[7].value_len, 1);
    sf_lexer_init(&lx);
    assert_int_equal(sf_lexer_tag(&lx, (const unsigned char *) quoted9,
                                  sizeof(quoted9) - 1), sizeof(quoted9) - 1);
    assert_true(lx.attrs.n > SF_TAG_SPANS);
}


static void
test_comments(void **state)
{
    (void) state;

    check("a<!-- x > y -- z -->b", "T{a}O{<!-- x > y -- z -->}T{b}");
    check("<!-->a", "O{<!-->}T{a}");
    check("<!--->a", "O{<!--->}T{a}");
    check("<!---->a", "O{<!---->}T{a}");
    check("<!-- a --!>b", "O{<!-- a --!>}T{b}");
    check("<!-- <p> -- ->x-->y", "O{<!-- <p> -- ->x-->}T{y}");
}


/*
 * The comments between blocks the fused loop sends in one copy
 * (sf_lexer_comment()): the common shape is taken, as the steps read it
 * (check_comment()); the others ("<!-->", a run of dashes inside, "--!>",
 * a comment cut by the input's end) are left to the steps, the lexer
 * untouched.
 */
static void
test_comment_fast(void **state)
{
    size_t             i, n, m;
    sf_lexer_t         lx, general, before;
    static const char  *const taken[] = {
        "<!-- .entry-content -->x", "<!--x-->", "<!-- a - b -->",
        "<!-- <p> > -->", "<!--x--><p>", "<!-- a->b -->"
    };
    static const char  *const left[] = {
        "<!-->x", "<!--->x", "<!---->x", "<!-- a -- b -->x", "<!-- a --!>x",
        "<!-- a --->x", "<!---x-->", "<!-- a -", "<!-- a --", "<!-- a ->",
        "<!- a -->", "<!DOCTYPE html>", "<!-- a", "< !-- a -->"
    };

    (void) state;

    for (i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
        sf_lexer_init(&lx);
        general = lx;
        n = strlen(taken[i]);
        m = sf_lexer_comment(&lx, (const unsigned char *) taken[i], n);
        assert_true(m == (size_t) (strstr(taken[i], "-->") + 3 - taken[i]));
        check_comment(&general, &lx, taken[i], n, m);

        /* and not past the bytes readable */
        sf_lexer_init(&lx);
        assert_int_equal(sf_lexer_comment(&lx, (const unsigned char *)
                                          taken[i], m - 1), 0);
    }

    for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
        sf_lexer_init(&lx);
        lx.count = 5;
        memcpy(&before, &lx, sizeof(lx));
        assert_int_equal(sf_lexer_comment(&lx, (const unsigned char *)
                                          left[i], strlen(left[i])), 0);
        assert_memory_equal(&before, &lx, sizeof(lx));
    }

    check("a<!-- x -->b<!-- y -- z -->c", "T{a}O{<!-- x -->}T{b}"
          "O{<!-- y -- z -->}T{c}");
}


static void
test_bogus_doctype_cdata(void **state)
{
    (void) state;

    check("<!DOCTYPE html><p>", "O{<!DOCTYPE html>}M{<p>}");
    check("<?xml version=\"1.0\"?>a", "O{<?xml version=\"1.0\"?>}T{a}");
    check("</ x>a", "O{</ x>}T{a}");
    check("<!x>a", "O{<!x>}T{a}");
    check("<!->a", "O{<!->}T{a}");
    check("</>a", "M{</>}T{a}");
    check("<![CDATA[ a > b ]]>c", "O{<![CDATA[ a > b ]]>}T{c}");
    check("<![CDAT>c", "O{<![CDAT>}T{c}");
}


static void
test_rawtext(void **state)
{
    (void) state;

    check("<script>if (a<b && c</d) x=\"</p>\";</script>z",
          "M{<script>}R{if (a<b && c</d) x=\"</p>\";}M{</script>}T{z}");
    check("<SCRIPT>a</scriptx></Script >b",
          "M{<SCRIPT>}R{a</scriptx>}M{</Script >}T{b}");
    check("<style>p{}</style/>x", "M{<style>}R{p{}}M{</style/>}T{x}");
    check("<title>a <b> c</title>", "M{<title>}R{a <b> c}M{</title>}");
    check("<textarea><p>x</p></textarea>",
          "M{<textarea>}R{<p>x</p>}M{</textarea>}");
    check("<script/>a</script>", "M{<script/>}R{a}M{</script>}");
    check("<xmp><!-- </xmp>", "M{<xmp>}R{<!-- }M{</xmp>}");
    check("<plaintext></plaintext><p>", "M{<plaintext>}R{</plaintext><p>}");
    check("<script><</script>", "M{<script>}R{<}M{</script>}");
    check("<iframe>a</iframe><noscript>b</noscript>",
          "M{<iframe>}R{a}M{</iframe>}M{<noscript>}R{b}M{</noscript>}");
    /* the end tag may carry attributes, with quotes */
    check("<script>a</script x='>'>b", "M{<script>}R{a}M{</script x='>'>}T{b}");
    /* "<scripts>" is not a raw-text element */
    check("<scripts>a</scripts>", "M{<scripts>}T{a}M{</scripts>}");
}


/*
 * What sf_lexer_raw_run() finds in the len bytes at p, the raw text of
 * the element whose name (name_len bytes, any case) is in lx, as its
 * contract says, byte by byte: the raw text up to the first '<' near the
 * end (too few bytes for the end tag), a script's "<!", or "</name"
 * (in any case); *tag_len the length of "</name>" when '>' follows it.
 */
static size_t
raw_run_ref(const sf_lexer_t *lx, const unsigned char *p, size_t len,
    size_t *tag_len)
{
    size_t  i, k;

    *tag_len = 0;

    for (i = 0; i < len; i++) {
        if (p[i] != '<') {
            continue;
        }

        if (len - i < lx->raw_len + 3) {
            return i;
        }

        if (p[i + 1] == '!' && lx->raw_tag == SF_TAG_SCRIPT) {
            return i;
        }

        if (p[i + 1] != '/') {
            continue;
        }

        for (k = 0; k < lx->raw_len; k++) {
            if (tolower(p[i + 2 + k]) != tolower(lx->name[k])) {
                break;
            }
        }

        if (k < lx->raw_len) {
            continue;
        }

        if (p[i + 2 + k] == '>') {
            *tag_len = k + 3;
        }

        return i;
    }

    return len;
}


/*
 * Raw text long enough for the sixteen-byte steps of sf_lexer_raw_run(),
 * with a '<' at every place and the end tag's name in every case: what it
 * finds is what the contract says, from every start and for every length
 * (each a buffer of that size: the sanitizers see a byte read past it).
 */
static void
test_raw_runs(void **state)
{
    size_t          i, j, k, len, m, t, mr, tr, start;
    sf_lexer_t      lx;
    unsigned char  *buf;
    char            text[256], whole[300];

    static const char  *const opens[] = {
        "<script>", "<STYLE>", "<Title>", "<noscript>", "<textarea>"
    };
    static const char  *const ends[] = {
        "</script>", "</SCRIPT>", "</scriptx>", "</script >", "</p>", "<!--",
        "</style>", "</stYle>", "</title>", "</noscript>", "</textarea>",
        "</", "<", "<<//", "</scrip>", "</textareax", "<!"
    };

    (void) state;

    for (i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
        for (j = 0; j < sizeof(ends) / sizeof(ends[0]); j++) {
            for (k = 0; k < 40; k += 3) {
                /* k bytes of text, a lone '<', the end, text after it */
                snprintf(text, sizeof(text), "%.*s1 < 2%s and 0123456789"
                         "abcdef%s</a>", (int) k,
                         "var a = b; var c = d; var e = f; var g = h;",
                         ends[j], ends[(j + 1) % (sizeof(ends)
                                                  / sizeof(ends[0]))]);

                for (len = 0; len <= strlen(text); len++) {
                    /* from the first bytes, and from every '<' */
                    for (start = 0; start <= len; start++) {
                        if (start >= 3 && text[start] != '<') {
                            continue;
                        }

                        sf_lexer_init(&lx);
                        assert_int_equal(sf_lexer_tag(&lx,
                                             (const unsigned char *) opens[i],
                                             strlen(opens[i])),
                                         strlen(opens[i]));
                        assert_true(sf_lexer_in_raw(&lx));

                        /* exactly the bytes read (one for none) */
                        buf = malloc(len > start ? len - start : 1);
                        assert_non_null(buf);
                        memcpy(buf, text + start, len - start);

                        m = sf_lexer_raw_run(&lx, buf, len - start, &t);
                        mr = raw_run_ref(&lx, buf, len - start, &tr);

                        if (m != mr || t != tr) {
                            fail_msg("%s %.*s: %zu+%zu, want %zu+%zu",
                                     opens[i], (int) (len - start),
                                     text + start, m, t, mr, tr);
                        }

                        free(buf);
                    }
                }

                /* and the readers' tokens, in every chunking */
                snprintf(whole, sizeof(whole), "%s%s", opens[i], text);
                check(whole, NULL);
            }
        }
    }

    check("<script>var s = \"a < b and c <= d, e </ f\"; if (x < 10) { y = 1;"
          " } // </scripts> </SCRIPT",
          "M{<script>}R{var s = \"a < b and c <= d, e </ f\"; if (x < 10) {"
          " y = 1; } // </scripts> }M{</SCRIPT}");
    check("<style>a > b { color: red } a < b { color: blue } /* </styl */"
          " p { margin: 0 }</STYLE>x",
          "M{<style>}R{a > b { color: red } a < b { color: blue }"
          " /* </styl */ p { margin: 0 }}M{</STYLE>}T{x}");
    check("<script>0123456789abcdef0123456789<!-- </script>x",
          "M{<script>}R{0123456789abcdef0123456789<!-- }M{</script>}T{x}");
}


/*
 * Whole tags in buffers of every size, from one byte short of the tag to
 * the tag and text after it: sf_lexer_tag() and sf_lexer_short_tag() read
 * the tag once it is all there, and no byte past the buffer (the
 * sanitizers see one); the attributes found are those sf_tag_next_attr()
 * reads.
 */
static void
test_tag_buffers(void **state)
{
    size_t          i, len, tl, m;
    sf_lexer_t      lx;
    unsigned char  *buf;
    char            text[512];

    static const char  *const tags[] = {
        "<a href=\"https://agg.example/x\">",
        "<img src=\"a.jpg\" alt=\"\">",
        "<a>", "</a>", "<p>", "</figcaption>", "<figcaption>", "<b/>",
        "<div class=\"entry-content clearfix\" id='main'>",
        "<a href=\"https://example.com/some/path/to/article-title-here\""
        " rel=\"nofollow noopener\">",
        "<img width=\"800\" height=\"450\" src=\"https://agg.example/"
        "wp-content/uploads/2024/01/img.jpg\" class=\"attachment-large"
        " size-large wp-post-image\" alt=\"An image\" itemprop=\"image\""
        " decoding=\"async\">",
        "<input type=text value=a/b name=\"x>y\" required>",
        "<A HREF = 'u' REL\t=\tx ItemProp=articleBody data-x>",
        "<x \x01" "b\x0b" "=c \xc3\xa9=\xc3\xa9 verylongattributename=1>",
        "</div class=\"x\">", "<br/ a=b / c>", "<a=b c=d>", "<a b =c>",
        "<a b=\"1\" c='2' d=\"3\" e=\"4\" f=\"5\" g=\"6\" h=\"7\" i=\"8\""
        " j=\"9\">",
        "<a =b c>", "<p class=\"0123456789abcdef0123456789abcdef0123456789"
        "abcdef0123456789abcdef\">"
    };

    (void) state;

    for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        tl = strlen(tags[i]);
        snprintf(text, sizeof(text), "%s and some text after <p>x", tags[i]);

        for (len = tl > 8 ? tl - 8 : 1; len <= strlen(text); len++) {
            buf = malloc(len);
            assert_non_null(buf);
            memcpy(buf, text, len);

            sf_lexer_init(&lx);
            m = sf_lexer_tag(&lx, buf, len);
            assert_int_equal(m, len >= tl ? tl : 0);

            if (m > 0) {
                check_spans(&lx, text, m);
            }

            if (len >= 8) {
                sf_lexer_init(&lx);
                m = sf_lexer_short_tag(&lx, buf, len);
                assert_true(m == 0 || (len >= tl && m == tl));
            }

            free(buf);
        }

        check(text, NULL);
    }
}


/* The xorshift seed's next value, and the word of words it picks. */
static const char *
pick(uint64_t *seed, const char *const *words, size_t n)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;

    return words[*seed % n];
}

#define PICK(seed, words)                                                    \
    pick(&(seed), (words), sizeof(words) / sizeof((words)[0]))


/*
 * A random tag into in (size bytes): one of the n_heads heads, one of the
 * n_mids mids (none when 0), 0 to 4 of the parts, one of the tails and,
 * for half of them, after: its length.  The word of words is the seed's.
 */
static size_t
pick_tag(uint64_t *seed, char *in, size_t size,
    const char *const *heads, size_t n_heads,
    const char *const *mids, size_t n_mids,
    const char *const *parts, size_t n_parts,
    const char *const *tails, size_t n_tails, const char *after)
{
    size_t  k, n, len;

    len = (size_t) snprintf(in, size, "%s", pick(seed, heads, n_heads));

    if (n_mids > 0) {
        len += (size_t) snprintf(in + len, size - len, "%s",
                                 pick(seed, mids, n_mids));
    }

    n = (*seed >> 8) % 5;

    for (k = 0; k < n; k++) {
        len += (size_t) snprintf(in + len, size - len, "%s",
                                 pick(seed, parts, n_parts));
    }

    len += (size_t) snprintf(in + len, size - len, "%s",
                             pick(seed, tails, n_tails));
    len += (size_t) snprintf(in + len, size - len, "%s",
                             (*seed & 0x100) ? "" : after);

    return len;
}

#define PICK_TAG(seed, in, heads, mids, n_mids, parts, tails, after)        \
    pick_tag(&(seed), (in), sizeof(in), (heads),                           \
             sizeof(heads) / sizeof((heads)[0]), (mids), (n_mids), (parts), \
             sizeof(parts) / sizeof((parts)[0]), (tails),                   \
             sizeof(tails) / sizeof((tails)[0]), (after))


/*
 * Random tags of the shapes the quick reader takes and of those near
 * them (quotes of both kinds and none, '=' and white space anywhere,
 * slashes, control bytes, more than eight attributes, text after them or
 * not): every reader finds the same tokens in every chunking, and the
 * attributes sf_lexer_tag() records are those sf_tag_next_attr() reads.
 */
static void
test_tag_random(void **state)
{
    size_t          i, k, n, len;
    uint64_t        seed;
    char            in[256];

    static const char  *const parts[] = {
        " ", " ", " ", "a", "href", "class", "src", "data-long-name-here",
        "=", "=", "=\"", "\"", "\"", "'", "=\"https://agg.example/x\"",
        "=\"a b c\"", "=''", "=x", "\t", "\n", "/", ">", "\x01", "ID",
        "=\"0123456789abcdef0123456789\"", " alt=\"\"", " itemscope"
    };

    (void) state;

    seed = 0x9e3779b97f4a7c15ULL;

    for (i = 0; i < 4000; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;

        len = (size_t) snprintf(in, sizeof(in), "%s%s",
                                (seed & 1) ? "</" : "<",
                                (seed & 2) ? "img" : "a");
        n = 1 + (seed >> 8) % 14;

        for (k = 0; k < n; k++) {
            len += (size_t) snprintf(in + len, sizeof(in) - len, "%s",
                                     PICK(seed, parts));
        }

        snprintf(in + len, sizeof(in) - len, "%s",
                 (seed & 4) ? ">" : "> and text after it <p>x");
        check(in, NULL);
    }
}


/*
 * Links of the shape sf_lexer_link_len() reads, "<a href=\"...\">", and
 * of those near it (another case, another space, '>' or a quote in the
 * value, something after the value, the tag cut short): it reads what
 * sf_lexer_tag() reads, in every chunking (check_link() in lex()), and
 * leaves the rest to it.
 */
static void
test_tag_link(void **state)
{
    size_t          i, k, n, len;
    uint64_t        seed;
    char            in[256];

    static const char  *const heads[] = {
        "<a href=\"", "<a href=\"", "<a href=\"", "<A href=\"",
        "<a HREF=\"", "<a  href=\"", "<a href='", "<a href=", "<a href =\"",
        "<a hrefs=\"", "<abbr href=\"", "</a href=\"", "<a\thref=\""
    };
    static const char  *const parts[] = {
        "https://agg.example/x", "/y", "a>b", "\"", "'", " ", "\n", ">",
        "0123456789abcdef", "&amp;", "\"\""
    };
    static const char  *const tails[] = {
        "\">", "\">", "\">", "\" >", "\"/>", "\" rel=\"x\">", "\"x>", "\"",
        ">", ""
    };

    (void) state;

    check("<p><a href=\"https://agg.example/x\">x</a> <a href=\"\">y</a>"
          "<a href=\"a>b\">z</a>",
          "M{<p>}M{<a href=\"https://agg.example/x\">}T{x}M{</a>}T{ }"
          "M{<a href=\"\">}T{y}M{</a>}M{<a href=\"a>b\">}T{z}M{</a>}");
    check("<a href=\"0123456789abcdef0123456789abcdef\">t",
          "M{<a href=\"0123456789abcdef0123456789abcdef\">}T{t}");
    check("<a href=\"x\" >t<a href=\"x\"rel=y>u<a href=\"x\"/>v",
          "M{<a href=\"x\" >}T{t}M{<a href=\"x\"rel=y>}T{u}"
          "M{<a href=\"x\"/>}T{v}");

    /*
     * every length of value up to well past the inline look's 32 bytes, the
     * input ending at each byte of the tag or a little after it: the
     * quote in each place of each sixteen-byte compare, or past it (and
     * another '">' after it, which a look that missed it would take)
     */
    for (n = 0; n <= 90; n++) {
        len = (size_t) snprintf(in, sizeof(in), "<a href=\"");

        for (k = 0; k < n; k++) {
            in[len++] = (char) ('a' + k % 26);
        }

        len += (size_t) snprintf(in + len, sizeof(in) - len, "\">t\">u");

        /* whole, it is taken by the link reader, not left to the other */
        assert_int_equal(sf_lexer_link_len((const unsigned char *) in, len),
                         9 + n + 2);

        for (k = len; k >= 9; k--) {
            in[k] = '\0';
            check(in, NULL);
        }
    }

    seed = 0x2545f4914f6cdd1dULL;

    for (i = 0; i < 4000; i++) {
        (void) PICK_TAG(seed, in, heads, NULL, 0, parts, tails,
                        "text</a> after it <p>x");
        check(in, NULL);
    }
}


/*
 * Tags whose first attribute is a class or an href, the shapes
 * sf_lexer_tag() reads by eight bytes at once (sf_lexer_first_attr()),
 * and those near them (another case, quote or space, a name that starts
 * "clas" or "href", other attributes after it, a space or '/' before
 * '>', '>' or the other quote in the value, values of 0 to 40 bytes, end
 * tags): in every chunking the tokens and the record are those of the
 * byte-wise lexer and of sf_tag_next_attr() (check()), and cut at every
 * length in a buffer of that size, sf_lexer_tag() takes the tag whole or
 * not at all.
 */
static void
test_tag_first_attr(void **state)
{
    size_t           i, len, cut, m, tl;
    uint64_t         seed;
    sf_lexer_t       lx, scan;
    sf_lex_event_e   ev;
    unsigned char   *buf;
    char             in[256];

    static const char  *const heads[] = {
        "<div", "<div", "<span", "<header", "<DIV", "</div", "<h1",
        "<figure", "<x-y", "<a"
    };
    static const char  *const attrs[] = {
        " class=\"", " class=\"", " class=\"", " CLASS=\"", "  class=\"",
        "\tclass=\"", " class='", " class=", " classes=\"", " clas=\"",
        " class =\"", " href=\"", " href=\"", " href=\"", " HREF=\"",
        " href='", " hrefs=\"", " href =\""
    };
    static const char  *const parts[] = {
        "entry-meta", "a", "b c", " ", "-", "0123456789abcdef", ">", "'",
        "inside-article", "x"
    };
    static const char  *const tails[] = {
        "\">", "\">", "\">", "\">", "\" >", "\"/>", "\" id=\"x\">",
        "\" rel=\"nofollow\" title=\"a>b\">", "\" x y=z>", "\"id=y>",
        "\"", "", ">", "\"\">"
    };

    (void) state;

    check("<div class=\"entry-meta\">x<span class=\"\">y",
          "M{<div class=\"entry-meta\">}T{x}M{<span class=\"\">}T{y}");

    seed = 0x853c49e6748fea9bULL;

    for (i = 0; i < 3000; i++) {
        len = PICK_TAG(seed, in, heads, attrs,
                       sizeof(attrs) / sizeof(attrs[0]), parts, tails,
                       "text</div> <p>x");
        check(in, NULL);

        /* the tag's length as the byte-wise lexer finds it, if whole */
        sf_lexer_init(&scan);
        tl = 0;

        do {
            tl += sf_lexer_scan(&scan, (const unsigned char *) in + tl,
                                len - tl, &ev);
        } while (ev != SF_LEX_END && tl < len);

        if (ev != SF_LEX_END) {
            tl = len + 1;
        }

        /* cut at every length: the tag whole, as the scan found it, or 0 */
        for (cut = 0; cut <= len; cut++) {
            buf = malloc(cut + (cut == 0));
            assert_non_null(buf);
            memcpy(buf, in, cut);
            sf_lexer_init(&lx);
            m = sf_lexer_tag(&lx, buf, cut);
            free(buf);

            if (cut < tl) {
                assert_int_equal(m, 0);
                continue;
            }

            assert_int_equal(m, tl);
            assert_int_equal(lx.tag, scan.tag);
            assert_int_equal(lx.end, scan.end);
            assert_int_equal(lx.name_len, scan.name_len);
            assert_int_equal(lx.state, scan.state);
            check_spans(&lx, in, m);
        }
    }
}


/*
 * Images of the shape sf_lexer_tag_img() reads and of those near it (an
 * id or a class in any case, names that start so, other quotes, values
 * unquoted, '>' in a value, another case or space after the name, a value
 * longer than sixteen bytes, a quote in a name or right after a value,
 * names of one byte, the tag cut at every length): it reads what
 * sf_lexer_tag() reads, never one with an id or a class, and leaves the
 * lexer untouched for the rest.
 */
static void
test_tag_img(void **state)
{
    size_t          i, k, n, len, cut, m, taken;
    uint64_t        seed;
    sf_lexer_t      lx, general, before;
    char            in[512];

    static const char  *const heads[] = {
        "<img ", "<img ", "<img ", "<IMG ", "<img  ", "<img\t", "<imgs ",
        "<img/"
    };
    static const char  *const attrs[] = {
        "src=\"a.jpg\"", "alt=\"\"", "alt=\"a>b\"", "id=\"x\"",
        "class=\"c\"", "ID=x", "Class=\"y\"", "clip", "idx=\"1\"",
        "title='q'", "width=1200", "loading=\"lazy\"", "a", "=b",
        "src=\"0123456789abcdef0123456789abcdef/x.jpg\"", "alt=\">\"",
        "data-id=\"1\"", "cLaSs=\"z\"", "src=\"/0123456789ab.jpg\"",
        "a\"b=\"c\"", "alt=\"a > b\"", "alt=\"x\"y", "a=\"\"\"",
        "i", "c"
    };
    static const char  *const gaps[] = {
        " ", " ", " ", "  ", "\n", "", "/"
    };
    static const char  *const tails[] = {
        ">", ">", ">", "/>", " >", "\"", ""
    };

    (void) state;

    /* the article's image, read briefly (where the reader has SSE2) */
#if defined(__SSE2__) && defined(__x86_64__) && !defined(SF_NO_SIMD)
    sf_lexer_init(&lx);
    assert_int_equal(sf_lexer_tag_img(&lx, (const unsigned char *)
                                      "<img src=\"a.jpg\" alt=\"\">"
                                      "<figcaption>x</figcaption>", 50), 24);
#endif
    check("<p><img src=\"a.jpg\" alt=\"\">x<img class=\"c\" src=\"\">y",
          "M{<p>}M{<img src=\"a.jpg\" alt=\"\">}T{x}"
          "M{<img class=\"c\" src=\"\">}T{y}");

    seed = 0x9e3779b97f4a7c15ULL;
    taken = 0;

    for (i = 0; i < 3000; i++) {
        len = (size_t) snprintf(in, sizeof(in), "%s", PICK(seed, heads));
        /* most short: only an image of 37 bytes or less is taken */
        n = 1 + (seed >> 8) % 3;

        for (k = 0; k < n; k++) {
            len += (size_t) snprintf(in + len, sizeof(in) - len, "%s%s",
                                     k ? PICK(seed, gaps) : "",
                                     PICK(seed, attrs));
        }

        len += (size_t) snprintf(in + len, sizeof(in) - len, "%s",
                                 PICK(seed, tails));
        len += (size_t) snprintf(in + len, sizeof(in) - len, "%s",
                                 "text</p> after it <p>x");
        check(in, NULL);

        /* cut at every length: the same tag, or the lexer untouched */
        for (cut = 0; cut <= len; cut++) {
            sf_lexer_init(&lx);
            /* a record left by some earlier tag: it must stay */
            lx.attrs.n = 3;
            general = lx;
            memcpy(&before, &lx, sizeof(lx));
            m = sf_lexer_tag_img(&lx, (const unsigned char *) in, cut);

            if (m > 0) {
                check_img(&general, &lx, in, cut, m);
                taken++;
                continue;
            }

            assert_memory_equal(&before, &lx, sizeof(lx));
        }
    }

#if defined(__SSE2__) && defined(__x86_64__) && !defined(SF_NO_SIMD)
    /* some of the images above are taken, at many cuts */
    assert_true(taken > 100);
#else
    (void) taken;
#endif
}


/*
 * A script's "<!--" escapes (HTML's script data escape states): "</script"
 * ends the script in escaped text, not in double-escaped text (after
 * "<script" in the escape), and "-->" ends either escape.  Other raw-text
 * elements have no escapes.
 */
static void
test_script_escapes(void **state)
{
    (void) state;

    check("<script><!--<script>x=\"</script>\"; y</script>-->z</script>",
          "M{<script>}R{<!--<script>x=\"</script>\"; y}M{</script>}"
          "T{-->z}M{</script>}");
    check("<script><!--<script>x</script>-->y</script>z",
          "M{<script>}R{<!--<script>x</script>-->y}M{</script>}T{z}");
    check("<script><!-- a </script>b", "M{<script>}R{<!-- a }M{</script>}T{b}");
    /* "<!-->" closes the escape at once: "<script" after it is nothing */
    check("<script><!--><script></script>x",
          "M{<script>}R{<!--><script>}M{</script>}T{x}");
    check("<script><!--<SCRIPT >--></script>x",
          "M{<script>}R{<!--<SCRIPT >-->}M{</script>}T{x}");
    check("<script><!--<script/>--></script>x",
          "M{<script>}R{<!--<script/>-->}M{</script>}T{x}");
    /* names that only start like "script" change nothing */
    check("<script><!--<scripts></script>x",
          "M{<script>}R{<!--<scripts>}M{</script>}T{x}");
    check("<script><!--<script></scriptx></script>--></script>",
          "M{<script>}R{<!--<script></scriptx></script>-->}M{</script>}");
    check("<script><!--<script>--!></script></script>",
          "M{<script>}R{<!--<script>--!></script>}M{</script>}");
    check("<script><!-- --- > -- > --> </script>",
          "M{<script>}R{<!-- --- > -- > --> }M{</script>}");
    check("<script><!<!--</script>", "M{<script>}R{<!<!--}M{</script>}");
    check("<script><!-<!--</script x>y",
          "M{<script>}R{<!-<!--}M{</script x>}T{y}");
    /* the end tag may come in escaped text with attributes */
    check("<script><!--<script>--></script a='>'>b",
          "M{<script>}R{<!--<script>-->}M{</script a='>'>}T{b}");
    /* no escapes in style, title, textarea */
    check("<style><!--<script></style>x",
          "M{<style>}R{<!--<script>}M{</style>}T{x}");
    check("<title><!--<script></title>x",
          "M{<title>}R{<!--<script>}M{</title>}T{x}");
}


/*
 * A template's contents are markup (a script in it is raw text up to its
 * own end tag, "</template>" in it included), but no page text: raw.
 */
static void
test_template(void **state)
{
    (void) state;

    check("<template><p>a</p><script>q=\"</template>\"</script></template>b",
          "M{<template>}M{<p>}R{a}M{</p>}M{<script>}R{q=\"</template>\"}"
          "M{</script>}M{</template>}T{b}");
    check("<template><template>a</template>b</template>c",
          "M{<template>}M{<template>}R{a}M{</template>}R{b}M{</template>}"
          "T{c}");
    check("<template><!-- </template> -->x</template>y",
          "M{<template>}O{<!-- </template> -->}R{x}M{</template>}T{y}");
    check("<template><p title=\"</template>\">x</TEMPLATE>y",
          "M{<template>}M{<p title=\"</template>\">}R{x}M{</TEMPLATE>}T{y}");
    check("<template>1 < 2</template>", "M{<template>}R{1 < 2}M{</template>}");
    /* a stray end tag closes nothing */
    check("</template>x<template>y", "M{</template>}T{x}M{<template>}R{y}");
}


static void
test_unfinished(void **state)
{
    (void) state;

    check("<div class=\"a", "M{<div class=\"a}");
    check("<!-- never ends", "O{<!-- never ends}");
    check("<script>never ends", "M{<script>}R{never ends}");
}


static void
test_tag_names(void **state)
{
    int             t;
    size_t          i, len;
    const char     *name;
    unsigned char   upper[16];

    (void) state;

    /* every known name is found, in any case; others are OTHER */
    for (t = SF_TAG_ADDRESS; t < SF_TAG_NTAGS; t++) {
        name = sf_tag_name((sf_tag_e) t);
        len = strlen(name);
        assert_true(len > 0 && len < sizeof(upper));

        assert_int_equal(sf_tag_lookup((const unsigned char *) name, len), t);

        for (i = 0; i < len; i++) {
            upper[i] = (unsigned char) (name[i] >= 'a' && name[i] <= 'z'
                                        ? name[i] - 32 : name[i]);
        }

        assert_int_equal(sf_tag_lookup(upper, len), t);
    }

    assert_int_equal(sf_tag_lookup((const unsigned char *) "divx", 4),
                     SF_TAG_OTHER);
    assert_int_equal(sf_tag_lookup((const unsigned char *) "blockquotes", 11),
                     SF_TAG_OTHER);
    assert_int_equal(sf_tag_lookup((const unsigned char *) "", 0),
                     SF_TAG_OTHER);
}


/*
 * The tags sf_lexer_tag() reads whole know their element: every known
 * name in lower and upper case, start and end tag, with attributes, with
 * bytes after the tag in the buffer or none (fewer than eight readable
 * after the name: looked up from a copy).
 */
static void
test_tag_read_ids(void **state)
{
    int             t;
    size_t          i, k, len, m, n;
    sf_lexer_t      lx;
    const char     *name;
    unsigned char   buf[64];

    (void) state;

    for (t = SF_TAG_ADDRESS; t < SF_TAG_NTAGS; t++) {
        name = sf_tag_name((sf_tag_e) t);
        len = strlen(name);

        for (k = 0; k < 8; k++) {
            /* "<" or "</", the name, " a=1>", junk after it or not */
            n = 0;
            buf[n++] = '<';

            if (k & 1) {
                buf[n++] = '/';
            }

            for (i = 0; i < len; i++) {
                buf[n++] = (unsigned char) ((k & 2) && name[i] >= 'a'
                                            && name[i] <= 'z'
                                            ? name[i] - 32 : name[i]);
            }

            memcpy(buf + n, " a=1>", 5);
            n += 5;
            m = n;

            if (k & 4) {
                memcpy(buf + n, "xxxxxxxxxxxxxxxx", 16);
                n += 16;
            }

            sf_lexer_init(&lx);
            assert_int_equal(sf_lexer_tag(&lx, buf, n), m);
            assert_int_equal(lx.tag, t);
            assert_int_equal(lx.end, k & 1);
            assert_int_equal(lx.name_len, len);
        }
    }
}


/*
 * The lexer's 8-byte lookup agrees with the byte-wise one: every known
 * name in lower, upper and mixed case with junk after it in the buffer,
 * and random names over an alphabet of letters, the bytes next to them
 * ('@', '[', '`', '{'), digits and high bytes.
 */
static void
test_tag_names_lookup8(void **state)
{
    int                   t;
    size_t                i, len, k;
    uint64_t              seed, lo, hi;
    sf_tag_e              exact;
    const char           *name;
    unsigned char         buf[12], key[16];
    const sf_tag_word_t  *word;

    static const unsigned char  alphabet[] = "abdhilpstvAHLPSTZ@[`{16\x80\xc1";

    (void) state;

    for (t = SF_TAG_ADDRESS; t < SF_TAG_NTAGS; t++) {
        name = sf_tag_name((sf_tag_e) t);
        len = strlen(name);

        for (k = 0; k < 3; k++) {
            memset(buf, k == 0 ? 'x' : 0xff, sizeof(buf));

            for (i = 0; i < len; i++) {
                buf[i] = (unsigned char) name[i];

                if (k == 1 || (k == 2 && i % 2 == 0)) {
                    if (buf[i] >= 'a' && buf[i] <= 'z') {
                        buf[i] -= 32;
                    }
                }
            }

            assert_int_equal(sf_tag_lookup8(buf, len), t);

            /* the exact word tables: the name as written in lower case */
            memset(key, 0, sizeof(key));
            memcpy(key, buf, len);
            memcpy(&lo, key, 8);
            memcpy(&hi, key + 8, 8);
            exact = (k == 0) ? (sf_tag_e) t : SF_TAG_NONE;

            word = sf_tag_word16(lo, hi, len);
            assert_int_equal(word != NULL ? (sf_tag_e) word->tag
                                          : SF_TAG_NONE, exact);

            if (len <= 8) {
                assert_true((sf_tag_word(lo, len) != NULL) == (k == 0));

                if (k == 0) {
                    assert_non_null(sf_tag_word(lo, len));
                    assert_int_equal(sf_tag_word(lo, len)->special,
                                     sf_tag_is_rawtext(t)
                                     || t == SF_TAG_TEMPLATE);
                }
            }
        }
    }

    seed = 88172645463325252ULL;

    for (k = 0; k < 300000; k++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        len = 1 + seed % 12;

        for (i = 0; i < sizeof(buf); i++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            buf[i] = alphabet[seed % (sizeof(alphabet) - 1)];
        }

        assert_int_equal(sf_tag_lookup8(buf, len), sf_tag_lookup(buf, len));

        /* an exact match is a known name, and the same one */
        memset(key, 0, sizeof(key));
        memcpy(key, buf, len);
        memcpy(&lo, key, 8);
        memcpy(&hi, key + 8, 8);
        word = sf_tag_word16(lo, hi, len);
        exact = (word != NULL) ? (sf_tag_e) word->tag : SF_TAG_NONE;

        if (exact != SF_TAG_NONE) {
            assert_int_equal(exact, sf_tag_lookup(buf, len));
        }

        if (len <= 8 && sf_tag_word(lo, len) != NULL) {
            assert_int_equal(sf_tag_word(lo, len)->tag, exact);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_text_and_tags),
        cmocka_unit_test(test_attr_spans),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_comment_fast),
        cmocka_unit_test(test_bogus_doctype_cdata),
        cmocka_unit_test(test_rawtext),
        cmocka_unit_test(test_raw_runs),
        cmocka_unit_test(test_tag_buffers),
        cmocka_unit_test(test_tag_random),
        cmocka_unit_test(test_tag_link),
        cmocka_unit_test(test_tag_first_attr),
        cmocka_unit_test(test_tag_img),
        cmocka_unit_test(test_script_escapes),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_unfinished),
        cmocka_unit_test(test_tag_names),
        cmocka_unit_test(test_tag_names_lookup8),
        cmocka_unit_test(test_tag_read_ids),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
