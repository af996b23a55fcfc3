/*
 * test_normalize.c: the text rules see (conf/rules/README.md, "What a rule
 * sees"): entity rounds, escaped markup, folding, collapsing, case.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_normalize.h"


#define CAP  4096

static unsigned char  buf0[CAP], buf1[CAP];


/* Normalized form of s, NUL-terminated in a static buffer. */
static const char *
norm_n(const char *s, size_t len, unsigned flags, int *overflow)
{
    static char           res[CAP + 1];
    int                   ov;
    size_t                n;
    const unsigned char  *p;

    p = sf_normalize((const unsigned char *) s, len, buf0, buf1, CAP, flags,
                     &n, &ov);
    memcpy(res, p, n);
    res[n] = '\0';

    if (overflow != NULL) {
        *overflow = ov;
    }

    return res;
}


static const char *
norm(const char *s)
{
    return norm_n(s, strlen(s), SF_FOLD_ALL, NULL);
}


static void
test_whitespace(void **state)
{
    (void) state;

    assert_string_equal(norm("  The \t\n post\r\n  "), "the post");
    assert_string_equal(norm(""), "");
    assert_string_equal(norm(" \t "), "");
    /* no-break spaces, thin spaces, ideographic space */
    assert_string_equal(norm("a\xc2\xa0\xc2\xa0" "b\xe2\x80\x89" "c\xe3\x80\x80"
                             "d"), "a b c d");
    assert_string_equal(norm("a&nbsp;&nbsp;b&#160;c"), "a b c");
    /* soft hyphen and zero width space vanish */
    assert_string_equal(norm("Sou&shy;rce li\xe2\x80\x8bnk"), "source link");
}


static void
test_nul_and_controls(void **state)
{
    (void) state;

    assert_string_equal(norm_n("a\0b\x01\x1f" "c\x7f", 7,
                               SF_FOLD_CASE, NULL), "a b c");
    assert_string_equal(norm_n("\0\0\0", 3, SF_FOLD_CASE, NULL), "");
    /* &#0; is not a NUL in the text */
    assert_string_equal(norm("a&#0;b"), "a\xef\xbf\xbd" "b");
}


static void
test_entities(void **state)
{
    (void) state;

    assert_string_equal(norm("Caf&eacute; &amp; Bar"), "caf\xc3\xa9 & bar");
    assert_string_equal(norm("&lt;3 &gt; &quot;x&quot; &apos;y&apos;"),
                        "<3 > \"x\" 'y'");
    assert_string_equal(norm("&#8217;&#x2019;&#X2019;&rsquo;&lsquo;"),
                        "'''''");
    /* numeric references in 0x80-0x9f mean Windows-1252 */
    assert_string_equal(norm("a&#150;b&#151;c&#146;d"), "a-b-c'd");
    assert_string_equal(norm("&hellip;&copy;&reg;&trade;&bull;&middot;"),
                        "\xe2\x80\xa6\xc2\xa9\xc2\xae\xe2\x84\xa2"
                        "\xe2\x80\xa2\xc2\xb7");
    assert_string_equal(norm("&laquo;x&raquo;"), "\xc2\xabx\xc2\xbb");
    /* unknown names and malformed references are left as they are */
    assert_string_equal(norm("&foo; &amp &#; &#xZZ; & ; &"),
                        "&foo; &amp &#; &#xzz; & ; &");
    /* out of range code points become U+FFFD, never invalid UTF-8 */
    assert_string_equal(norm("&#x110000;&#xD800;"),
                        "\xef\xbf\xbd\xef\xbf\xbd");
    /* a huge number does not overflow */
    assert_string_equal(norm("&#99999999999999999999;"), "\xef\xbf\xbd");
}


/*
 * A numeric reference as HTML reads it, written out the long way: the
 * code point sf_entity() must give for the bytes from '&', *used its
 * bytes, or 0xffffffff when they are none.
 */
static uint32_t
t_numeric(const unsigned char *p, size_t len, size_t *used)
{
    size_t       i, start, base;
    uint64_t     v;
    int          d;

    static const uint32_t  w1252[32] = {
        0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
        0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
        0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
        0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
    };

    if (len < 3 || p[0] != '&' || p[1] != '#') {
        return 0xffffffff;
    }

    i = 2;
    base = 10;

    if (p[i] == 'x' || p[i] == 'X') {
        base = 16;
        i++;
    }

    start = i;
    v = 0;

    for ( /* void */ ; i < len; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            d = p[i] - '0';

        } else if (base == 16 && (p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
        {
            d = (p[i] | 0x20) - 'a' + 10;

        } else {
            break;
        }

        v = v * base + (uint64_t) d;

        if (v > 0x10ffff) {
            v = 0x110000;
        }
    }

    if (i == start || i == len || p[i] != ';') {
        return 0xffffffff;
    }

    *used = i + 1;

    if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return 0xfffd;
    }

    if (v >= 0x80 && v <= 0x9f && w1252[v - 0x80] != 0) {
        return w1252[v - 0x80];
    }

    return (uint32_t) v;
}


static uint32_t
t_rand32(uint32_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;

    return *seed;
}


/*
 * sf_entity() reads the common numeric form (up to seven decimal digits)
 * in a way of its own: on random references of digits, hex digits, 'x',
 * ';' and noise, of every length, each in a buffer of its own size, it
 * gives what the long way above gives; and the names of its tables
 * (the longest, the shortest, one letter more or less) as before.
 */
static void
test_entity_numeric(void **state)
{
    size_t          i, k, len, used, n, want_used;
    uint32_t        seed, want, got;
    unsigned char  *p, out[4], src[16];
    const unsigned char  *q;

    static const unsigned char  alpha[] = "0123456789;xXaF#&z";

    static const struct {
        const char  *in;
        const char  *out;
    } names[] = {
        { "&lt;", "<" }, { "&amp;", "&" }, { "&nbsp;", "\xc2\xa0" },
        { "&thinsp;", "\xe2\x80\x89" }, { "&frac34;", "\xc2\xbe" },
        { "&yuml;", "\xc3\xbf" }, { "&Yuml;", "\xc5\xb8" },
        { "&hellip;", "\xe2\x80\xa6" }, { "&tilde;", "\xcb\x9c" },
        { "&amp", NULL }, { "&am;", NULL }, { "&ampx;", NULL },
        { "&thinspx;", NULL }, { "&thinspxy;", NULL }, { "&AMP;", NULL },
        { "&nbs;", NULL }, { "&;", NULL }, { "&y;", NULL }
    };

    (void) state;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        len = strlen(names[i].in);
        n = sf_entity((const unsigned char *) names[i].in,
                      (const unsigned char *) names[i].in + len, out, &used);

        if (names[i].out == NULL) {
            assert_int_equal(n, 0);
            continue;
        }

        assert_int_equal(n, strlen(names[i].out));
        assert_memory_equal(out, names[i].out, n);
        assert_int_equal(used, len);
    }

    seed = 777;

    for (i = 0; i < 300000; i++) {
        len = 3 + t_rand32(&seed) % (sizeof(src) - 3);
        src[0] = '&';
        src[1] = '#';

        for (k = 2; k < len; k++) {
            /* mostly digits, so that long runs of them come up */
            src[k] = (t_rand32(&seed) & 3) ? '0' + t_rand32(&seed) % 10
                     : alpha[t_rand32(&seed) % (sizeof(alpha) - 1)];
        }

        if ((i & 1) && len > 3) {
            src[2 + t_rand32(&seed) % (len - 2)] = ';';
        }

        p = malloc(len);
        assert_non_null(p);
        memcpy(p, src, len);

        want_used = 0;
        want = t_numeric(p, len, &want_used);
        used = 0;
        n = sf_entity(p, p + len, out, &used);

        if (want == 0xffffffff) {
            if (n != 0) {
                fail_msg("\"%.*s\": decoded", (int) len, p);
            }

        } else {
            q = out;
            got = sf_utf8_get(q, q + n, &k);

            if (n == 0 || k != n || got != want || used != want_used) {
                fail_msg("\"%.*s\": U+%04X (%zu bytes), want U+%04X (%zu)",
                         (int) len, p, (unsigned) got, used,
                         (unsigned) want, want_used);
            }
        }

        free(p);
    }
}


/*
 * sf_entity() and its way without fast paths agree: on random references
 * made of the letters of the names the fast paths take, digits, ';', '#'
 * and noise, of every length, each in a buffer of its own size (so that
 * a read past the end shows under ASan), the same bytes out, the same
 * length read, the same "none".
 */
static void
test_entity_fast_slow(void **state)
{
    size_t          i, k, len, n0, n1, u0, u1;
    uint32_t        seed;
    unsigned char  *p, o0[4], o1[4], src[12];

    static const unsigned char  alpha[] = "ltgampquo;;;#1x&Z";
    static const char          *seeds[] = {
        "&lt;", "&gt;", "&amp;", "&quot;", "&lt", "&gt", "&amp", "&ltx;",
        "&gtt;", "&ampx;", "&am;", "&LT;", "&Gt;", "&lt;;", "&#60;"
    };

    (void) state;

    for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
        len = strlen(seeds[i]);
        p = malloc(len);
        assert_non_null(p);
        memcpy(p, seeds[i], len);
        u0 = 0;
        u1 = 0;
        n0 = sf_entity(p, p + len, o0, &u0);
        n1 = sf_entity_slow(p, p + len, o1, &u1);
        assert_int_equal(n0, n1);

        if (n0 > 0) {
            assert_int_equal(u0, u1);
            assert_memory_equal(o0, o1, n0);
        }

        free(p);
    }

    seed = 4242;

    for (i = 0; i < 300000; i++) {
        len = 1 + t_rand32(&seed) % sizeof(src);
        src[0] = '&';

        for (k = 1; k < len; k++) {
            src[k] = alpha[t_rand32(&seed) % (sizeof(alpha) - 1)];
        }

        /* mostly the start of a name the fast paths take */
        if (len > 3 && (t_rand32(&seed) & 1)) {
            memcpy(src + 1, (t_rand32(&seed) & 1) ? "lt" : "am", 2);
        }

        p = malloc(len);
        assert_non_null(p);
        memcpy(p, src, len);
        u0 = 0;
        u1 = 0;
        n0 = sf_entity(p, p + len, o0, &u0);
        n1 = sf_entity_slow(p, p + len, o1, &u1);

        if (n0 != n1 || (n0 > 0 && (u0 != u1 || memcmp(o0, o1, n0) != 0)))
        {
            fail_msg("\"%.*s\": %zu bytes (read %zu), slow way %zu (%zu)",
                     (int) len, p, n0, u0, n1, u1);
        }

        free(p);
    }
}


static void
test_entity_rounds(void **state)
{
    (void) state;

    /* one, two, three extra escapes of the same text */
    assert_string_equal(norm("It&#8217;s"), "it's");
    assert_string_equal(norm("It&amp;#8217;s"), "it's");
    assert_string_equal(norm("It&amp;amp;#8217;s"), "it's");
    assert_string_equal(norm("It&amp;amp;amp;#8217;s"), "it&#8217;s");
    /* "&amp;amp;" is decoded three times, not more */
    assert_string_equal(norm("a &amp;amp;amp;amp; b"), "a &amp; b");
}


static void
test_escaped_markup(void **state)
{
    int          ov;
    size_t       n;
    sf_elink_t   links[4];
    sf_markup_t  markup;

    (void) state;

    assert_string_equal(norm("&lt;p&gt;The post X first appeared on Y."
                             "&lt;/p&gt;"),
                        "the post x first appeared on y.");
    assert_string_equal(norm("&amp;lt;p&amp;gt;The post&amp;lt;/p&amp;gt;"
                             "&amp;lt;p&amp;gt;Next"),
                        "the post next");
    assert_string_equal(norm("&amp;amp;lt;p&amp;amp;gt;The post"),
                        "the post");
    /* a lone '<' is text */
    assert_string_equal(norm("a &lt; b and c &lt;3"), "a < b and c <3");
    /* without SF_FOLD_MARKUP markup stays */
    assert_string_equal(norm_n("<b>x</b>", 8, 0, NULL), "<b>x</b>");

    /* escaped links are reported with their text range */
    memset(&markup, 0, sizeof(markup));
    markup.links = links;
    markup.cap = 4;

    {
        const char  *in = "The post <a href=\"https://a.example/x\">Title "
                          "</a> first appeared on <A HREF='https://a.ex/'>"
                          "Site</a>.";

        n = sf_fold((const unsigned char *) in, strlen(in), buf0, CAP,
                    SF_FOLD_ALL, NULL, &markup, &ov);
        assert_int_equal(ov, 0);
        assert_memory_equal(buf0, "the post title first appeared on site.",
                            n);
        assert_true(markup.escaped);
        assert_int_equal(markup.nlinks, 2);
        assert_int_equal(links[0].href_len, 19);
        assert_memory_equal(links[0].href, "https://a.example/x", 19);
        assert_memory_equal(buf0 + links[0].start, "title", 5);
        assert_memory_equal(buf0 + links[1].start, "site",
                            links[1].end - links[1].start);
        assert_memory_equal(in + links[1].dstart, "Site", 4);
    }
}


static void
test_fold_punctuation(void **state)
{
    (void) state;

    assert_string_equal(norm("a \xe2\x80\x93 b \xe2\x80\x94 c \xe2\x88\x92 d"),
                        "a - b - c - d");
    assert_string_equal(norm("\xe2\x80\x98x\xe2\x80\x99 \xe2\x80\x9a"
                             "y\xe2\x80\xb2"), "'x' 'y'");
    assert_string_equal(norm("\xe2\x80\x9cx\xe2\x80\x9d \xe2\x80\x9ey"
                             "\xe2\x80\x9c"), "\"x\" \"y\"");
    assert_string_equal(norm("L\xe2\x80\x99" "article"), "l'article");
    assert_string_equal(norm("&ndash;&mdash;&ldquo;&rdquo;&sbquo;&bdquo;"),
                        "--\"\"'\"");
}


static void
test_mojibake(void **state)
{
    (void) state;

    /* UTF-8 read as Windows-1252 and encoded again */
    assert_string_equal(norm("it\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s"), "it's");
    assert_string_equal(norm("a \xc3\xa2\xe2\x82\xac\xe2\x80\x9c b"),
                        "a - b");
    assert_string_equal(norm("a \xc3\xa2\xe2\x82\xac\xe2\x80\x9d b"),
                        "a - b");
    assert_string_equal(norm("\xc3\xa2\xe2\x82\xac\xc5\x93q\xc3\xa2\xe2\x82"
                             "\xac\xc2\x9d"), "\"q\"");
    /* the lost 0x9d of a closing quote */
    assert_string_equal(norm("\xc3\xa2\xe2\x82\xac\xc5\x93q\xc3\xa2\xe2\x82"
                             "\xac"), "\"q\"");
    assert_string_equal(norm("a\xc3\x82\xc2\xa0" "b"), "a b");
    /* a real "â" stays */
    assert_string_equal(norm("p\xc3\xa2t\xc3\xa9"), "p\xc3\xa2t\xc3\xa9");
}


static void
test_case(void **state)
{
    (void) state;

    assert_string_equal(norm("ARAB Times"), "arab times");
    assert_string_equal(norm("\xc3\x89" "COLE \xc3\x80 \xc3\x9c" "BER"),
                        "\xc3\xa9" "cole \xc3\xa0 \xc3\xbc" "ber");
    /* Cyrillic: "СООБЩЕНИЕ Ёж" */
    assert_string_equal(norm("\xd0\xa1\xd0\x9e\xd0\x9e\xd0\x91\xd0\xa9\xd0\x95"
                             "\xd0\x9d\xd0\x98\xd0\x95 \xd0\x81\xd0\xb6"),
                        "\xd1\x81\xd0\xbe\xd0\xbe\xd0\xb1\xd1\x89\xd0\xb5"
                        "\xd0\xbd\xd0\xb8\xd0\xb5 \xd1\x91\xd0\xb6");
    /* Greek: "ΑΘΉΝΑ" and final sigma */
    assert_string_equal(norm("\xce\x91\xce\x98\xce\x89\xce\x9d\xce\x91 "
                             "\xce\xbb\xcf\x8c\xce\xb3\xce\xbf\xcf\x82"),
                        "\xce\xb1\xce\xb8\xce\xae\xce\xbd\xce\xb1 "
                        "\xce\xbb\xcf\x8c\xce\xb3\xce\xbf\xcf\x83");
    /* Polish "ŁÓDŹ" (Latin Extended-A) */
    assert_string_equal(norm("\xc5\x81\xc3\x93" "D\xc5\xb9"),
                        "\xc5\x82\xc3\xb3" "d\xc5\xba");
    /* without SF_FOLD_CASE the case stays */
    assert_string_equal(norm_n("ARAB &amp; Times", 16, 0, NULL),
                        "ARAB & Times");
    /* without SF_FOLD_PUNCT dashes and quotes stay, mojibake repaired */
    assert_string_equal(norm_n("A &#8211; B\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s",
                               20, SF_FOLD_MARKUP, NULL),
                        "A \xe2\x80\x93 B\xe2\x80\x99s");
}


static void
test_invalid_utf8(void **state)
{
    (void) state;

    /* invalid and cut sequences pass byte by byte, never crash */
    assert_string_equal(norm("a\xff" "b\xfe"), "a\xff" "b\xfe");
    assert_string_equal(norm("ab\xe2\x80"), "ab\xe2\x80");
    assert_string_equal(norm("\xd0"), "\xd0");
    assert_string_equal(norm("\xc0\xaf"), "\xc0\xaf");
    assert_string_equal(norm("\xed\xa0\x80x"), "\xed\xa0\x80x");
    /* a cut mojibake prefix */
    assert_string_equal(norm("x\xc3\xa2\xe2\x82"), "x\xc3\xa2\xe2\x82");
    assert_string_equal(norm("\xf4\x90\x80\x80"), "\xf4\x90\x80\x80");
}


static void
test_overflow(void **state)
{
    int                   ov;
    size_t                n;
    unsigned char         small0[8], small1[8];
    const unsigned char  *p;

    (void) state;

    p = sf_normalize((const unsigned char *) "Hello world", 11, small0,
                     small1, 8, SF_FOLD_CASE, &n, &ov);
    assert_int_equal(ov, 1);
    assert_int_equal(n, 8);
    assert_memory_equal(p, "hello wo", 8);

    /* an entity that does not fit */
    p = sf_normalize((const unsigned char *) "abcdefg&ndash;", 14, small0,
                     small1, 8, SF_FOLD_CASE, &n, &ov);
    assert_int_equal(ov, 1);
    assert_memory_equal(p, "abcdefg", n);

    p = sf_normalize((const unsigned char *) "abcdefgh", 8, small0, small1,
                     8, SF_FOLD_CASE, &n, &ov);
    assert_int_equal(ov, 0);
    assert_int_equal(n, 8);

    /* a multi-byte character is never cut in half */
    p = sf_normalize((const unsigned char *) "abcdef\xd0\x90\xd0\x90", 10,
                     small0, small1, 7, SF_FOLD_CASE, &n, &ov);
    assert_int_equal(ov, 1);
    assert_int_equal(n, 6);
    (void) p;
}


static void
test_marks(void **state)
{
    int            ov;
    size_t         n, pos[4];
    unsigned       order[4], fl;
    sf_marks_t     marks;
    const char    *in = "The post &amp;amp;lt;X&amp;amp;gt; on   Y.";

    (void) state;

    /* marks around "&amp;amp;lt;X&amp;amp;gt;" and "Y" */
    pos[0] = 9;
    pos[1] = 34;
    pos[2] = 40;
    pos[3] = 41;
    marks.pos = pos;
    marks.order = order;
    marks.n = 4;
    sf_marks_sort(&marks);

    n = sf_decode((const unsigned char *) in, strlen(in), buf0, CAP, &marks,
                  &fl);
    assert_true(fl & SF_DECODE_AMP);
    n = sf_decode(buf0, n, buf1, CAP, &marks, &fl);
    n = sf_decode(buf1, n, buf0, CAP, &marks, &fl);
    assert_memory_equal(buf0, "The post <X> on   Y.", n);
    assert_int_equal(pos[0], 9);
    assert_int_equal(pos[1], 12);
    assert_int_equal(pos[2], 18);
    assert_int_equal(pos[3], 19);

    /*
     * A mark after collapsed white space lands before the one space left
     * (the caller trims link ranges).
     */
    n = sf_fold(buf0, n, buf1, CAP, SF_FOLD_CASE, &marks, NULL, &ov);
    assert_memory_equal(buf1, "the post <x> on y.", n);
    assert_int_equal(pos[0], 8);
    assert_memory_equal(buf1 + pos[0], " <x>", 4);
    assert_int_equal(pos[1], 12);
    assert_memory_equal(buf1 + pos[2], " y", 2);
    assert_int_equal(pos[3], 17);
}


static uint32_t
t_rand(uint32_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;

    return *seed;
}


/* Random text made of the pieces that matter; whatever comes, the output
 * is bounded, collapsed, case folded and the marks stay ordered. */
static void
test_random(void **state)
{
    int             ov;
    char            in[1024];
    size_t          len, cap, n, i, j, pos[8];
    uint32_t        seed, r;
    unsigned        order[8], fl;
    sf_marks_t      marks;
    unsigned char   a[1024], b[1024], *out;
    const unsigned char  *p;

    static const char  *pieces[] = {
        "&amp;", "&lt;", "&gt;", "&#8217;", "&#x", ";", "&", "<", ">",
        "<a href=\"u\">", "</a>", "<p>", "\xc3\xa2\xe2\x82\xac", "\xe2\x80",
        "\xc2\xa0", " ", "\t", "A", "z", "\xd0\x81", "\xce\xa3", "\xff",
        "&nbsp;", "&amp;amp;lt;", "\xc3\x82", "\0"
    };

    (void) state;

    seed = 2463534242u;

    for (i = 0; i < 20000; i++) {
        len = 0;
        n = t_rand(&seed) % 60;

        for (j = 0; j < n; j++) {
            r = t_rand(&seed);

            if (r % 4 == 0) {
                in[len++] = (char) (r >> 8);
                continue;
            }

            p = (const unsigned char *) pieces[(r >> 8)
                                               % (sizeof(pieces)
                                                  / sizeof(pieces[0]))];
            if (*p == '\0') {
                in[len++] = '\0';
                continue;
            }

            memcpy(in + len, p, strlen((const char *) p));
            len += strlen((const char *) p);
        }

        cap = 1 + t_rand(&seed) % 400;

        p = sf_normalize((const unsigned char *) in, len, a, b, cap,
                         SF_FOLD_ALL, &n, &ov);
        assert_true(n <= cap);

        if (cap >= len) {
            /* normalization never grows the text */
            assert_int_equal(ov, 0);
        }

        for (j = 0; j < n; j++) {
            assert_false(p[j] >= 'A' && p[j] <= 'Z');
            assert_false(p[j] < 0x20 || p[j] == 0x7f);
            assert_false(p[j] == ' ' && (j == 0 || j + 1 == n
                                         || p[j + 1] == ' '));
        }

        /* marks through one decode and one fold stay ordered and inside */
        for (j = 0; j < 8; j++) {
            pos[j] = len > 0 ? t_rand(&seed) % (len + 1) : 0;
        }

        marks.pos = pos;
        marks.order = order;
        marks.n = 8;
        sf_marks_sort(&marks);

        n = sf_decode((const unsigned char *) in, len, a, sizeof(a), &marks,
                      &fl);
        out = b;
        n = sf_fold(a, n, out, cap, SF_FOLD_ALL | SF_FOLD_MARKUP, &marks,
                    NULL, &ov);

        for (j = 0; j < 8; j++) {
            assert_true(pos[order[j]] <= n);

            if (j > 0) {
                assert_true(pos[order[j - 1]] <= pos[order[j]]);
            }
        }
    }
}


/*
 * In place, in one buffer (page titles, hrefs), the result is the one of
 * two buffers: random text of entities in up to three rounds, escaped
 * markup, mojibake, white space and scripts, with room and without.
 */
/*
 * Plain runs are folded sixteen bytes at a time, and into another buffer
 * the sixteen where a run ends are taken up to its end too: random texts
 * of long plain runs (both cases) broken by double spaces, tabs, '<',
 * markup, non-ASCII and controls, with marks and output space anywhere,
 * fold to the same bytes and marks as in place, where that last step is
 * left to the byte loop; with case folding and without.
 */
static void
test_fold_runs(void **state)
{
    int             ov1, ov2;
    size_t          i, j, k, len, cap, n1, n2, pos1[6], pos2[6];
    uint32_t        seed, r;
    unsigned        order1[6], order2[6], flags;
    sf_marks_t      m1, m2;
    unsigned char   text[600], sep[600], same[600];

    static const char  *odd[] = {
        "  ", "\t", "<", "<p>", "<a href=\"x\">", "</a>", "\xc3\xa9",
        "\xe2\x80\x99", "\x01", "\x7f", " <", " \xc3\xa9", "&"
    };

    (void) state;

    seed = 31337;

    for (i = 0; i < 40000; i++) {
        len = 0;
        k = 1 + t_rand32(&seed) % 500;

        while (len < k) {
            r = t_rand32(&seed);

            if (r % 29 == 0) {
                j = strlen(odd[(r >> 8) % (sizeof(odd) / sizeof(odd[0]))]);

                if (len + j <= k) {
                    memcpy(text + len,
                           odd[(r >> 8) % (sizeof(odd) / sizeof(odd[0]))], j);
                    len += j;
                }

                continue;
            }

            /* letters of both cases, digits, punctuation, a space */
            text[len] = (r >> 8) % 7 == 0 ? ' '
                        : (unsigned char) (0x21 + (r >> 12) % 94);
            len += text[len] != '<';
        }

        cap = (i & 3) == 0 ? 1 + t_rand32(&seed) % (len + 1) : sizeof(sep);
        flags = (i & 4) ? SF_FOLD_ALL : SF_FOLD_MARKUP;

        for (j = 0; j < 6; j++) {
            pos1[j] = t_rand32(&seed) % (len + 1);
            pos2[j] = pos1[j];
        }

        m1.pos = pos1;
        m1.order = order1;
        m1.n = 6;
        sf_marks_sort(&m1);
        m2.pos = pos2;
        m2.order = order2;
        m2.n = 6;
        sf_marks_sort(&m2);

        n1 = sf_fold(text, len, sep, cap, flags, &m1, NULL, &ov1);

        memcpy(same, text, len);
        n2 = sf_fold(same, len, same, cap, flags, &m2, NULL, &ov2);

        if (n1 != n2 || ov1 != ov2 || memcmp(sep, same, n1) != 0
            || memcmp(pos1, pos2, sizeof(pos1)) != 0)
        {
            fail_msg("text \"%.*s\" (cap %zu): \"%.*s\", in place \"%.*s\"",
                     (int) len, text, cap, (int) n1, sep, (int) n2, same);
        }
    }
}


static void
test_in_place(void **state)
{
    int             i, ov1, ov2;
    char            text[1024];
    size_t          len, n, j, k, cap, n1, n2;
    uint32_t        seed;
    unsigned char   one[CAP];
    const unsigned char  *p;

    static const char  *pieces[] = {
        "The Post ", "&amp;", "&amp;amp;", "&amp;lt;b&amp;gt;", "&lt;p&gt;",
        "&#8217;", "&#x10FFFF;", "&#0;", "&#128;", "&#xd800;", "&nbsp;",
        "&eacute;", "&Eacute;", "&shy;", "&not", "&", ";", "#", "&#", "x",
        "<a href=\"https://s.ex/\">", "</a>", "<br>", "<", ">",
        "\xc3\xa2\xe2\x82\xac\xe2\x84\xa2", "\xc3\xa2\xe2\x82\xac",
        "\xc3\x82\xc2\xa0", "\xd0\xa1\xd0\x9e", "\xc4\xb0", "\xe1\xba\x9e",
        "\xe2\x80\x8b", "\xff", "\xe2\x80", " ", "\n\t  ", "A", "z"
    };

    (void) state;

    seed = 2463534242u;

    for (i = 0; i < 20000; i++) {
        len = 0;
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        n = seed % 40;

        for (j = 0; j < n; j++) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            k = strlen(pieces[seed % (sizeof(pieces) / sizeof(pieces[0]))]);

            if (len + k > sizeof(text)) {
                break;
            }

            memcpy(text + len,
                   pieces[seed % (sizeof(pieces) / sizeof(pieces[0]))], k);
            len += k;
        }

        /* often room enough, sometimes less than the text */
        cap = (seed >> 8) % 4 == 0 ? 1 + (seed >> 12) % (len + 1) : CAP;

        p = sf_normalize((const unsigned char *) text, len, buf0, buf1, cap,
                         SF_FOLD_ALL, &n1, &ov1);
        n2 = sf_normalize_in((const unsigned char *) text, len, one, cap,
                             SF_FOLD_ALL, &ov2);

        assert_int_equal(n1, n2);
        assert_int_equal(ov1, ov2);
        assert_memory_equal(p, one, n1);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_nul_and_controls),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_entity_numeric),
        cmocka_unit_test(test_entity_fast_slow),
        cmocka_unit_test(test_entity_rounds),
        cmocka_unit_test(test_escaped_markup),
        cmocka_unit_test(test_fold_punctuation),
        cmocka_unit_test(test_mojibake),
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_in_place),
        cmocka_unit_test(test_fold_runs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
