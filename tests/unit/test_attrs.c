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
 * The flags id and class words set, whatever their place in the value:
 * each value sits at the very end of its own allocation (an over-read is
 * ASan's to see), and words that place contents are put across the
 * 16-byte steps of the scan, after a first step without any.
 */
static void
test_class_flags(void **state)
{
    size_t           i, k, len;
    unsigned         flags;
    sf_attrs_t       a;
    unsigned char   *buf[2];
    sf_stream_val_t *val[2];

    static const struct {
        sf_tag_e     tag;
        const char  *id;
        const char  *cls;
        unsigned     flags;
    } cases[] = {
        { SF_TAG_DIV, NULL, "", 0 },
        { SF_TAG_DIV, NULL, "m", 0 },
        { SF_TAG_DIV, NULL, "grid-container site-header inside-article", 0 },
        { SF_TAG_DIV, NULL, "wp-block-image updated post-123", 0 },
        { SF_TAG_DIV, NULL, "commentary category-commentary summary", 0 },
        { SF_TAG_DIV, NULL, "comments", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "a Comments-Area b", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "fb-COMMENTS", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_OL, NULL, "commentlist", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_UL, NULL, "x comment-list", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "entry-content", SF_BLOCK_IN_ENTRY },
        { SF_TAG_DIV, NULL, "post-content x", SF_BLOCK_IN_ENTRY },
        { SF_TAG_DIV, NULL, "Entry-Content", 0 },
        { SF_TAG_DIV, NULL, "wpd-thread-list", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "WPDCOM", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "wpdiscuz_main", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "Disqus_thread", SF_BLOCK_IN_COMMENTS },
        /* <body> classes say nothing of comments; of the entry they do */
        { SF_TAG_BODY, NULL, "comments-open", 0 },
        { SF_TAG_BODY, NULL, "x entry-content", SF_BLOCK_IN_ENTRY },
        /* ids name comments only */
        { SF_TAG_DIV, "comments", NULL, SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "wpdcom", "x", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_SECTION, "DISQUS_thread", NULL, SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "post-123", "grid-container", 0 },
        { SF_TAG_DIV, "entry-content", NULL, 0 },
        { SF_TAG_DIV, "respond", "comment-respond", SF_BLOCK_IN_COMMENTS },
        /*
         * at and across the steps: "mm" at 15-16, at 16-17 and at 32-33,
         * "wpd" at 15-17, "y-c" at 31-33
         */
        { SF_TAG_DIV, NULL, "aaaaaaaaaaaa comments", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "aaaaaaaaaaaaa comments", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, "aaaaaaaaaaaaaaaa bbbbbbbbbbbb comments", NULL,
          SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "aaaaaaaaaaaaaa wpd-x", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "aaaaaaaaaaaaaaaa bbbbbbbbb entry-content",
          SF_BLOCK_IN_ENTRY },
        { SF_TAG_DIV, "aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb cccccccccccccccc"
          " disqus", NULL, SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb cccccccccccccccc"
          " disqus", SF_BLOCK_IN_COMMENTS },
        { SF_TAG_DIV, NULL, "aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb cccccccccccccccc"
          " dddd", 0 },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&a, 0, sizeof(sf_attrs_t));
        a.parsed = 1;
        val[0] = &a.id;
        val[1] = &a.cls;

        for (k = 0; k < 2; k++) {
            buf[k] = NULL;

            if ((k == 0 ? cases[i].id : cases[i].cls) == NULL) {
                continue;
            }

            len = strlen(k == 0 ? cases[i].id : cases[i].cls);
            buf[k] = malloc(len + (len == 0));
            assert_non_null(buf[k]);
            memcpy(buf[k], k == 0 ? cases[i].id : cases[i].cls, len);
            val[k]->data = buf[k];
            val[k]->len = len;
        }

        flags = sf_stream_attr_flags(cases[i].tag, &a);

        if (flags != cases[i].flags) {
            fail_msg("<%s id=\"%s\" class=\"%s\">: flags %#x, want %#x",
                     sf_tag_name(cases[i].tag),
                     cases[i].id != NULL ? cases[i].id : "",
                     cases[i].cls != NULL ? cases[i].cls : "", flags,
                     cases[i].flags);
        }

        free(buf[0]);
        free(buf[1]);
    }
}


/*
 * The words that place contents at every place of values of up to 60
 * bytes, as ids and classes of their exact length (ASan sees a read past
 * them): the scan for their pairs and triples takes a short value in one
 * register and a long one in overlapping steps, and must find each of
 * them wherever it falls (at a step's edge, in the last bytes, alone).
 */
static void
test_place_words(void **state)
{
    size_t          i, k, pre, post, len;
    unsigned        flags, want;
    sf_attrs_t      a;
    unsigned char  *buf;

    static const struct {
        const char  *word;
        unsigned     flags;
    } words[] = {
        { "comments", SF_BLOCK_IN_COMMENTS },
        { "disqus", SF_BLOCK_IN_COMMENTS },
        { "wpdcom", SF_BLOCK_IN_COMMENTS },
        { "post-content", SF_BLOCK_IN_ENTRY },
        { "entry-content", SF_BLOCK_IN_ENTRY },
    };

    (void) state;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        for (pre = 0; pre < 40; pre++) {
            for (post = 0; post < 24; post += (post < 4) ? 1 : 5) {
                /* "aaa word bbb": the word alone when pre and post are 0 */
                len = (pre ? pre + 1 : 0) + strlen(words[i].word)
                      + (post ? post + 1 : 0);
                buf = malloc(len);
                assert_non_null(buf);
                memset(buf, 'a', len);

                if (pre) {
                    buf[pre] = ' ';
                }

                memcpy(buf + (pre ? pre + 1 : 0), words[i].word,
                       strlen(words[i].word));

                if (post) {
                    buf[len - post - 1] = ' ';
                }

                /* as a class list, then (comment words only) as an id */
                for (k = 0; k < 2; k++) {
                    want = words[i].flags;

                    if (k == 1 && want != SF_BLOCK_IN_COMMENTS) {
                        continue;
                    }

                    memset(&a, 0, sizeof(sf_attrs_t));
                    a.parsed = 1;

                    if (k == 0) {
                        a.cls.data = buf;
                        a.cls.len = len;

                    } else {
                        a.id.data = buf;
                        a.id.len = len;
                    }

                    flags = sf_stream_attr_flags(SF_TAG_DIV, &a);

                    if (flags != want) {
                        fail_msg("%s \"%.*s\": flags %#x, want %#x",
                                 k == 0 ? "class" : "id", (int) len,
                                 (const char *) buf, flags, want);
                    }
                }

                free(buf);
            }
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_attrs_from_spans),
        cmocka_unit_test(test_class_flags),
        cmocka_unit_test(test_place_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
