/*
 * test_shape.c: the repost footer told by its shape (sf_shape_footer):
 * wordings and languages no rule names are recognised, and the blocks an
 * article is made of (related links, breadcrumbs, bylines, long
 * paragraphs, links to other sites) are not.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_shape.h"
#include "sf_test_util.h"


#define TITLE      "Night trains return to the Alps"
#define POST       "https://www.alpine-rail.example/2026/11/night-trains/"
#define HOME       "https://www.alpine-rail.example/"

#define A_POST     "<a href=\"" POST "\">" TITLE "</a>"
#define A_HOME     "<a href=\"" HOME "\">Alpine Rail</a>"


typedef struct {
    sf_block_t      b;
    sf_link_t       links[8];
    unsigned char   text[2048];
    unsigned char   hrefs[4096];
    unsigned char   scratch[3 * 4096];
} block_t;


/*
 * A block from a fragment of text and <a href="...">...</a> only, as the
 * stream would hand it over: the text with the tags dropped, each link's
 * href and text range.
 */
static void
make(block_t *k, const char *html, const char *title)
{
    size_t       t, h, n;
    const char  *p, *q;
    sf_link_t   *l;

    memset(k, 0, sizeof(block_t));
    t = h = n = 0;
    p = html;

    while (*p != '\0') {
        if (strncmp(p, "<a href=\"", 9) == 0) {
            q = strchr(p + 9, '"');
            assert_non_null(q);
            l = &k->links[n++];
            memcpy(k->hrefs + h, p + 9, (size_t) (q - p - 9));
            l->href = k->hrefs + h;
            l->href_len = (size_t) (q - p - 9);
            h += l->href_len;
            l->text_start = t;
            l->text_end = (size_t) -1;
            p = strchr(q, '>') + 1;
            continue;
        }

        if (strncmp(p, "</a>", 4) == 0) {
            k->links[n - 1].text_end = t;
            p += 4;
            continue;
        }

        k->text[t++] = (unsigned char) *p++;
    }

    k->b.tag = SF_TAG_P;
    k->b.text = k->text;
    k->b.text_len = t;
    k->b.links = k->links;
    k->b.nlinks = n;
    k->b.title = (const unsigned char *) title;
    k->b.title_len = strlen(title);
}


static int
footer(const char *html, const char *title, sf_shape_t *shape)
{
    block_t      k;
    sf_shape_t   dummy;

    make(&k, html, title);

    return sf_shape_footer(&k.b, k.scratch, sizeof(k.scratch) / 3,
                           shape != NULL ? shape : &dummy);
}


/* Wordings no rule of the pack names, in ten languages and edited forms. */
static void
test_shape_wordings(void **state)
{
    size_t       i;
    sf_shape_t   shape;

    static const char  *wordings[] = {
        /* Yoast's Vietnamese default */
        "B\xc3\xa0i vi\xe1\xba\xbft " A_POST " \xc4\x91\xc3\xa3 xu\xe1\xba"
        "\xa5t hi\xe1\xbb\x87n \xc4\x91\xe1\xba\xa7u ti\xc3\xaan v\xc3\xa0o "
        "ng\xc3\xa0y " A_HOME ".",
        /* Japanese: no spaces between words */
        "\xe6\x8a\x95\xe7\xa8\xbf" A_POST "\xe3\x81\xaf" A_HOME
        "\xe3\x81\xab\xe6\x9c\x80\xe5\x88\x9d\xe3\x81\xab\xe8\xa1\xa8\xe7"
        "\xa4\xba\xe3\x81\x95\xe3\x82\x8c\xe3\x81\xbe\xe3\x81\x97\xe3\x81"
        "\x9f\xe3\x80\x82",
        /* Swedish */
        "Inl\xc3\xa4gget " A_POST " d\xc3\xb6k f\xc3\xb6rst upp p\xc3\xa5 "
        A_HOME ".",
        /* Czech */
        "P\xc5\x99\xc3\xadsp\xc4\x9bvek " A_POST " se nejd\xc5\x99\xc3\xad"
        "ve objevil na " A_HOME ".",
        /* Korean */
        A_POST " \xea\xb8\x80\xec\x9d\xb4 " A_HOME "\xec\x97\x90 \xec\xb2"
        "\x98\xec\x9d\x8c \xeb\x93\xb1\xec\x9e\xa5\xed\x96\x88\xec\x8a\xb5"
        "\xeb\x8b\x88\xeb\x8b\xa4.",
        /* Yoast's English default before 2012, the site link first */
        A_POST " is a post from: " A_HOME,
        /* a site's own wording */
        "This article " A_POST " was originally published on " A_HOME ".",
        "The post " A_POST " appeared first in " A_HOME ".",
        /* Greek */
        "\xce\xa4\xce\xbf \xce\xac\xcf\x81\xce\xb8\xcf\x81\xce\xbf " A_POST
        " \xce\xb5\xce\xbc\xcf\x86\xce\xb1\xce\xbd\xce\xaf\xcf\x83\xcf\x84"
        "\xce\xb7\xce\xba\xce\xb5 \xcf\x80\xcf\x81\xcf\x8e\xcf\x84\xce\xb1 "
        "\xcf\x83\xcf\x84\xce\xbf " A_HOME ".",
        /* Hebrew */
        "\xd7\x94\xd7\xa4\xd7\x95\xd7\xa1\xd7\x98 " A_POST " \xd7\x94\xd7"
        "\x95\xd7\xa4\xd7\xa2 \xd7\x9c\xd7\xa8\xd7\x90\xd7\xa9\xd7\x95\xd7"
        "\xa0\xd7\x94 \xd7\x91-" A_HOME ".",
        /* Finnish, the home link before the post */
        "Sivustolla " A_HOME " julkaistiin ensin artikkeli " A_POST ".",
        /* an author link as the third */
        "The post " A_POST " by <a href=\"https://www.alpine-rail.example/"
        "author/jane-roe/\">Jane Roe</a> appeared first on " A_HOME ".",
    };

    (void) state;

    for (i = 0; i < sizeof(wordings) / sizeof(wordings[0]); i++) {
        print_message("wording %zu\n", i);
        assert_int_equal(footer(wordings[i], TITLE, &shape), 1);
        assert_true(shape.post != shape.site);
    }

    /* which link is which */
    assert_int_equal(footer("Sivustolla " A_HOME " julkaistiin ensin " A_POST
                            ".", TITLE, &shape), 1);
    assert_int_equal(shape.post, 1);
    assert_int_equal(shape.site, 0);
}


/* The page title as <title> gives it ("TITLE - SITE"), in other cases. */
static void
test_shape_title_forms(void **state)
{
    (void) state;

    assert_int_equal(footer("The post " A_POST " appeared first in " A_HOME
                            ".", TITLE " - Alpine Rail", NULL), 1);
    assert_int_equal(footer("The post <a href=\"" POST "\">NIGHT TRAINS "
                            "RETURN TO THE ALPS</a> appeared first in "
                            A_HOME ".", TITLE, NULL), 1);
    /* a site in a folder: its home is the folder */
    assert_int_equal(footer("Der Beitrag <a href=\"https://ex.example/blog/"
                            "2026/t/\">" TITLE "</a> stammt von <a href=\""
                            "https://ex.example/blog/\">Ex</a>.", TITLE,
                            NULL), 1);
    /* and a subdomain of the same registered domain */
    assert_int_equal(footer("The post <a href=\"https://news.ex.co.uk/a/b\">"
                            TITLE "</a> appeared first on <a href=\""
                            "https://ex.co.uk/\">Ex</a>.", TITLE, NULL), 1);
}


/* What an article is made of stays. */
static void
test_shape_traps(void **state)
{
    (void) state;

    /* a related-story line: its link text is not this page's title */
    assert_int_equal(footer("Related: <a href=\"https://www.alpine-rail."
                            "example/2026/10/snow/\">Snow closes the pass</a>"
                            " on " A_HOME ".", TITLE, NULL), 0);
    /* a breadcrumb: no words of glue */
    assert_int_equal(footer(A_HOME " \xc2\xbb " A_POST, TITLE, NULL), 0);
    assert_int_equal(footer(A_HOME " / " A_POST, TITLE, NULL), 0);
    /* a long paragraph that links the post and the home page */
    assert_int_equal(footer("When we first wrote " A_POST " for " A_HOME
                            " last winter, nobody at the station believed "
                            "that the sleeper carriages would ever run "
                            "again between Vienna and the lakes, but the "
                            "timetable proved everyone wrong within a "
                            "season.", TITLE, NULL), 0);
    /* the title's link goes to another site than the home link */
    assert_int_equal(footer("The post <a href=\"https://other.example/x/\">"
                            TITLE "</a> appeared first on " A_HOME ".", TITLE,
                            NULL), 0);
    /* one link, four links, two posts, no home */
    assert_int_equal(footer("The post " A_POST " appeared first.", TITLE,
                            NULL), 0);
    assert_int_equal(footer("The post " A_POST " appeared first on " A_HOME
                            " and " A_HOME " and " A_HOME ".", TITLE, NULL),
                     0);
    assert_int_equal(footer("See " A_POST " and " A_POST " again.", TITLE,
                            NULL), 0);
    /* the home page with the title as text is no post */
    assert_int_equal(footer("The post <a href=\"" HOME "\">" TITLE "</a> "
                            "appeared first on " A_HOME ".", TITLE, NULL), 0);
    /* no title known: nothing to compare with */
    assert_int_equal(footer("The post " A_POST " appeared first on " A_HOME
                            ".", "", NULL), 0);
    /* a javascript: or relative link is no post */
    assert_int_equal(footer("The post <a href=\"javascript:alert(1)\">" TITLE
                            "</a> appeared first on " A_HOME ".", TITLE,
                            NULL), 0);
}


static sf_rules_t *
compile(int builtin, const char *text, sf_error_t *err)
{
    sf_limits_t   limits;
    sf_rules_t   *rules;

    sf_limits_init(&limits);
    rules = sf_rules_create(&sf_malloc_allocator, &limits);
    assert_non_null(rules);

    if ((builtin && sf_rules_add_builtin(rules, err) != SF_OK)
        || (text != NULL
            && sf_rules_add(rules, text, strlen(text), err) != SF_OK)
        || sf_rules_compile(rules, err) != SF_OK)
    {
        sf_rules_destroy(rules);
        return NULL;
    }

    return rules;
}


/* The built-in pack switches the detector on; a rule file may say off. */
static void
test_shape_switch(void **state)
{
    sf_error_t   err;
    sf_rules_t  *rules;

    (void) state;

    rules = compile(1, NULL, &err);
    assert_non_null(rules);
    assert_true(sf_shape_enabled(rules));
    sf_rules_destroy(rules);

    rules = compile(1, "detector shape-footer off\n", &err);
    assert_non_null(rules);
    assert_false(sf_shape_enabled(rules));
    sf_rules_destroy(rules);

    rules = compile(0, NULL, &err);
    assert_non_null(rules);
    assert_false(sf_shape_enabled(rules));
    sf_rules_destroy(rules);

    rules = compile(0, "# mine\ndetector shape-footer on\n", &err);
    assert_non_null(rules);
    assert_true(sf_shape_enabled(rules));
    sf_rules_destroy(rules);

    assert_null(compile(0, "\ndetector shape-footer maybe\n", &err));
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 23);
    assert_non_null(strstr(err.message, "\"maybe\""));

    assert_null(compile(0, "detector title-repeat on\n", &err));
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "shape-footer"));
}


/* Through a stream: the footer goes and is credited, or stays when off. */
static void
test_shape_stream(void **state)
{
    sf_error_t      err;
    sf_rules_t     *rules;
    sf_options_t    opt;
    sf_test_out_t   out;

    static const char  page[] =
        "<html><head><title>" TITLE "</title></head><body><article>"
        "<p>The sleeper carriages are back on the line.</p>"
        "<p>Inl\xc3\xa4gget " A_POST " d\xc3\xb6k f\xc3\xb6rst upp "
        "p\xc3\xa5 " A_HOME ".</p></article></body></html>";
    static const char  cleaned[] =
        "<html><head><title>" TITLE "</title></head><body><article>"
        "<p>The sleeper carriages are back on the line.</p>"
        "<p class=\"syndication-source\">Originally published by <a href=\""
        POST "\">Alpine Rail</a></p></article></body></html>";

    (void) state;

    sf_options_init(&opt);

    rules = compile(1, NULL, &err);
    assert_non_null(rules);
    sf_test_check(rules, &opt, page, strlen(page), cleaned, strlen(cleaned),
                  &out);
    assert_int_equal(out.stats.blocks_removed, 1);
    sf_test_out_free(&out);
    sf_rules_destroy(rules);

    rules = compile(1, "detector shape-footer off\n", &err);
    assert_non_null(rules);
    sf_test_check(rules, &opt, page, strlen(page), page, strlen(page), &out);
    assert_int_equal(out.stats.blocks_removed, 0);
    sf_test_out_free(&out);
    sf_rules_destroy(rules);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_shape_wordings),
        cmocka_unit_test(test_shape_title_forms),
        cmocka_unit_test(test_shape_traps),
        cmocka_unit_test(test_shape_switch),
        cmocka_unit_test(test_shape_stream),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
