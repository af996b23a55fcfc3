/*
 * test_attrs.c: the attributes the stream reads from a tag: the values it
 * takes from the lexer's record of them, and the flags an element's
 * classes set.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_stream.h"


/*
 * The stream takes the same attributes from the lexer's record as from
 * the tag's bytes (sf_stream_attrs_parse() both ways): each name it looks
 * at found by its key in any case, the first of duplicates, no value,
 * names that only start like one.
 */
static void
test_attrs_from_spans(void **state)
{
    size_t            i, j, m;
    sf_tag_t          bytes, spans;
    sf_attrs_t        a, b;
    sf_lexer_t        lx;
    sf_stream_val_t  *va, *vb;

    static const char  *tags[] = {
        "<div id=a class=\"b c\" itemprop=articleBody>",
        "<A HREF=u REL=nofollow Class=x ID=y Name=n Content=c Property=p>",
        "<a href=1 href=2 class class=z rel=''>",
        "<meta property=\"og:url\" content=\"https://x/\" name=n>",
        "<p ids=1 classes=2 hrefs=3 contents=4 itemprops=5 propertys=6"
        " i=7 cla=8>",
        "<a data-id=1 aria-label=2 idx=3 xid=4 src=5 alt=6 datetime=7>",
        "<span\tclass\n=\r'a'\fid = \"b\"/>",
    };

    (void) state;

    for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        sf_lexer_init(&lx);
        m = sf_lexer_tag(&lx, (const unsigned char *) tags[i],
                         strlen(tags[i]));
        assert_int_equal(m, strlen(tags[i]));
        assert_true(lx.attrs.n <= SF_TAG_SPANS);

        assert_int_equal(sf_tag_parse(&bytes, (const unsigned char *) tags[i],
                                      m), 0);
        spans = bytes;
        spans.spans = &lx.attrs;

        a.tag = &bytes;
        a.parsed = 0;
        b.tag = &spans;
        b.parsed = 0;
        sf_stream_attrs_parse(&a);
        sf_stream_attrs_parse(&b);

        va = &a.id;
        vb = &b.id;

        for (j = 0; j < 8; j++) {
            if (va[j].data != vb[j].data || va[j].len != vb[j].len) {
                fail_msg("%s: value %zu: %.*s from the bytes, %.*s from the"
                         " lexer", tags[i], j, (int) va[j].len,
                         va[j].data != NULL ? (const char *) va[j].data : "",
                         (int) vb[j].len,
                         vb[j].data != NULL ? (const char *) vb[j].data : "");
            }
        }
    }

    /* the names found at all: every value above is some tag's */
    assert_non_null(b.id.data);
    assert_non_null(b.cls.data);
}


/*
 * The flags class words set, whatever their place in the value: each
 * value sits at the very end of its own allocation (an over-read is
 * ASan's to see), and words that place contents are put across the
 * 16-byte steps of the scan, after a first step without any.
 */
static void
test_class_flags(void **state)
{
    size_t          i, len;
    unsigned        flags;
    sf_attrs_t      a;
    unsigned char  *buf;

    static const struct {
        sf_tag_e     tag;
        const char  *cls;
        unsigned     flags;
    } cases[] = {
        { SF_TAG_DIV, "", 0 },
        { SF_TAG_DIV, "m", 0 },
        { SF_TAG_DIV, "grid-container site-header inside-article", 0 },
        { SF_TAG_DIV, "commentary category-commentary summary", 0 },
        { SF_TAG_DIV, "comments", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "a Comments-Area b", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "fb-COMMENTS", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_OL, "commentlist", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_UL, "x comment-list", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "entry-content", SF_BLOCK_IN_ENTRY },
        { SF_TAG_DIV, "post-content x", SF_BLOCK_IN_ENTRY },
        { SF_TAG_DIV, "Entry-Content", 0 },
        { SF_TAG_DIV, "wpd-thread-list", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "WPDCOM", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "wpdiscuz_main", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "Disqus_thread", SF_BLOCK_IN_COMMENTS },
        /* <body> classes say nothing of comments; of the entry they do */
        { SF_TAG_BODY, "comments-open", 0 },
        { SF_TAG_BODY, "x entry-content", SF_BLOCK_IN_ENTRY },
        /* across the steps: "mm" at 15-16, "wp" at 31-32, "-c" at 16 */
        { SF_TAG_DIV, "aaaaaaaaaaaa comments", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "aaaaaaaaaaaaaaaa bbbbbbbbbbbbb wpd-x",
          SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "aaaaaaaaaa entry-content", SF_BLOCK_IN_ENTRY },
        { SF_TAG_DIV, "aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb cccccccccccccccc"
          " disqus", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb cccccccccccccccc"
          " dddd", 0 },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        len = strlen(cases[i].cls);
        buf = malloc(len + (len == 0));
        assert_non_null(buf);
        memcpy(buf, cases[i].cls, len);

        memset(&a, 0, sizeof(sf_attrs_t));
        a.parsed = 1;
        a.cls.data = buf;
        a.cls.len = len;

        flags = sf_stream_attr_flags(cases[i].tag, &a);

        if (flags != cases[i].flags) {
            fail_msg("<%s class=\"%s\">: flags %#x, want %#x",
                     sf_tag_name(cases[i].tag), cases[i].cls, flags,
                     cases[i].flags);
        }

        free(buf);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_attrs_from_spans),
        cmocka_unit_test(test_class_flags),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
