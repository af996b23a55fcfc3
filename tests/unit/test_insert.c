/*
 * test_insert.c: what the stream inserts (the head canonical and the
 * credit) and where a source may come from: inserts never overwrite one
 * another, one that does not fit is left out and counted, names are
 * written as character references, comment areas teach nothing, and head
 * sources are weighed against the page's own host.  Every case runs in
 * every chunking (sf_test_check).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf.h"
#include "sf_test_util.h"


static const char  rules_text[] =
    "rule footer\n"
    "    scope p div anon\n"
    "    contains \"first appeared on\"\n"
    "    links >= 2\n"
    "    action drop-source link 1 name 2\n"
    "end\n";


#define CREDIT(url, name)                                                    \
    "<p class=\"syndication-source\">Originally published by <a href=\""    \
    url "\">" name "</a></p>"

#define CANON(url)  "<link rel=\"canonical\" href=\"" url "\">"


static sf_rules_t  *rules;


static int
setup(void **state)
{
    (void) state;

    rules = sf_test_rules(rules_text, 0);

    return rules == NULL ? -1 : 0;
}


static int
teardown(void **state)
{
    (void) state;

    sf_rules_destroy(rules);

    return 0;
}


static void
check_out(const sf_options_t *opt, const char *in, const char *expected,
    sf_test_out_t *out)
{
    sf_test_check(rules, opt, in, strlen(in), expected,
                  expected ? strlen(expected) : 0, out);
}


/*
 * The head never closes before </html>: the canonical (head end) and the
 * credit (end of the page) are made by the same token and both wait in
 * the queue; each must come out whole.
 */
static void
test_canonical_and_credit_apart(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);
    opt.source = "https://src.example/a";
    opt.source_len = strlen(opt.source);

    check_out(&opt,
              "<html><head><title>T</title></html>",
              "<html><head><title>T</title>"
              CANON("https://src.example/a")
              CREDIT("https://src.example/a", "src.example")
              "</html>",
              &out);

    assert_int_equal(out.stats.canonicals, 1);
    assert_int_equal(out.stats.credits, 1);
    assert_int_equal(out.stats.inserts_failed, 0);
    sf_test_out_free(&out);

    check_out(&opt,
              "<html><head><title>T</title>Some text <a href=\"/x\">l</a>"
              "</body></html>",
              "<html><head><title>T</title>Some text <a href=\"/x\">l</a>"
              CANON("https://src.example/a")
              CREDIT("https://src.example/a", "src.example")
              "</body></html>",
              NULL);
}


/*
 * A page without <head>: the canonical of a given source goes where HTML
 * implies the head, right before the body or its first block, so the
 * module's Link header never stands alone.
 */
static void
test_canonical_without_head(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);
    opt.source = "https://src.example/a?x=1&y=2";
    opt.source_len = strlen(opt.source);

    check_out(&opt,
              "<html><title>T</title><body><p>Story.</p></body></html>",
              "<html><title>T</title>"
              CANON("https://src.example/a?x=1&amp;y=2")
              "<body><p>Story.</p>"
              CREDIT("https://src.example/a?x=1&amp;y=2", "src.example")
              "</body></html>",
              &out);
    assert_int_equal(out.stats.canonicals, 1);
    sf_test_out_free(&out);

    check_out(&opt,
              "<div><p>Story.</p></div>",
              CANON("https://src.example/a?x=1&amp;y=2")
              "<div><p>Story.</p></div>"
              CREDIT("https://src.example/a?x=1&amp;y=2", "src.example"),
              &out);
    assert_int_equal(out.stats.canonicals, 1);
    sf_test_out_free(&out);

    /* no source given: nothing inserted */
    sf_options_init(&opt);
    check_out(&opt, "<html><body><p>Story.</p></body></html>",
              "<html><body><p>Story.</p></body></html>", &out);
    assert_int_equal(out.stats.canonicals, 0);
    sf_test_out_free(&out);
}


/* The same with a held page canonical and a head source after it. */
static void
test_held_canonical_and_credit_apart(void **state)
{
    sf_options_t  opt;

    (void) state;

    sf_options_init(&opt);
    opt.page_host = "agg.test";
    opt.page_host_len = strlen(opt.page_host);

    check_out(&opt,
              "<html><head><title>T</title>"
              "<link rel=\"canonical\" href=\"https://agg.test/t\">"
              "<meta property=\"og:url\" content=\"https://src.example/s\">"
              "Text only page <a href=\"/x\">link</a></body></html>",
              "<html><head><title>T</title>"
              CANON("https://src.example/s")
              "<meta property=\"og:url\" content=\"https://src.example/s\">"
              "Text only page <a href=\"/x\">link</a>"
              CREDIT("https://src.example/s", "src.example")
              "</body></html>",
              NULL);
}


/*
 * A clean source always fits the canonical, even with every '&' escaped;
 * a credit too long for its buffer is left out and counted, and nothing
 * else of the page is lost.
 */
static void
test_insert_too_long(void **state)
{
    char           src[1100], page[8200], canon[8000];
    size_t         i, n;
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    n = (size_t) sprintf(src, "https://x.example/a?");

    for (i = 0; i < 1000; i++) {
        src[n++] = '&';
    }

    src[n] = '\0';

    n = (size_t) sprintf(canon, "<link rel=\"canonical\" href=\"https://x"
                         ".example/a?");

    for (i = 0; i < 1000; i++) {
        n += (size_t) sprintf(canon + n, "&amp;");
    }

    sprintf(canon + n, "\">");

    sf_options_init(&opt);
    opt.source = src;
    opt.source_len = strlen(src);

    snprintf(page, sizeof(page), "<html><head>%s</head><body><article>"
             "<p>x</p></article></body></html>", canon);

    check_out(&opt,
              "<html><head><link rel=\"canonical\" href=\"https://agg.test/"
              "t\"></head><body><article><p>x</p></article></body></html>",
              page, &out);

    assert_int_equal(out.stats.canonicals, 1);
    assert_int_equal(out.stats.credits, 0);
    assert_int_equal(out.stats.inserts_failed, 1);
    sf_test_out_free(&out);
}


/*
 * A name written with entities is decoded by the rules to UTF-8, which an
 * ISO-8859-1 page would show as mojibake: the credit writes it as
 * character references; raw bytes of the page's own charset stay raw.
 */
static void
test_credit_name_references(void **state)
{
    sf_options_t  opt;

    (void) state;

    sf_options_init(&opt);

    check_out(&opt,
              "<body><p>The post <a href=\"https://src.example/s\">S</a> "
              "first appeared on <a href=\"https://src.example/\">"
              "Caf&eacute; Times</a>.</p></body>",
              "<body>" CREDIT("https://src.example/s", "Caf&#233; Times")
              "</body>",
              NULL);

    check_out(&opt,
              "<body><p>The post <a href=\"https://src.example/s\">S</a> "
              "first appeared on <a href=\"https://src.example/\">"
              "Caf\xe9 Times</a>.</p></body>",
              "<body>" CREDIT("https://src.example/s", "Caf\xe9 Times")
              "</body>",
              NULL);

    check_out(&opt,
              "<body><p>The post <a href=\"https://src.example/s\">S</a> "
              "first appeared on <a href=\"https://src.example/\">"
              "\xd0\x9c\xd0\xb8\xd1\x80 &amp; \xf0\x9f\x93\xb0</a>.</p>"
              "</body>",
              "<body>" CREDIT("https://src.example/s",
                              "&#1052;&#1080;&#1088; &amp; &#128240;")
              "</body>",
              NULL);
}


/*
 * A footer in a comment area (wpDiscuz, a theme's comments-area, any
 * id or class naming comments) is what a reader wrote: it stays, byte for
 * byte, and its link is neither learned nor credited.
 */
static void
test_comment_area_teaches_nothing(void **state)
{
    size_t         i;
    sf_options_t   opt;
    sf_test_out_t  out;

    static const char  *areas[] = {
        "<div id=\"comments\"><div class=\"wpd-comment\">",
        "<section class=\"comments-area\"><div>",
        "<div id=\"wpdcom\"><div class=\"wpd-thread-list\">",
        "<div class=\"fb-comments\"><div>",
        "<div id=\"disqus_thread\"><div>",
        NULL
    };

    (void) state;

    sf_options_init(&opt);

    for (i = 0; areas[i] != NULL; i++) {
        char  in[1024];

        snprintf(in, sizeof(in),
                 "<body><article><p>Story.</p></article>%s"
                 "<p>The post <a href=\"https://evil.example/x\" "
                 "rel=\"nofollow ugc\">T</a> first appeared on "
                 "<a href=\"https://evil.example/\">Evil</a>.</p>"
                 "</div></div></body>", areas[i]);

        check_out(&opt, in, in, &out);

        if (out.source[0] != '\0' || out.stats.credits != 0) {
            fail_msg("learned from a comment area %s: source \"%s\", "
                     "%u credits", areas[i], out.source, out.stats.credits);
        }

        assert_null(strstr((char *) out.data, "syndication-source"));
        sf_test_out_free(&out);
    }

    /* a commentary is no comment area: its footer is the page's own */
    check_out(&opt,
              "<body><article class=\"post category-commentary\">"
              "<p>Story.</p><p>The post <a href=\"https://src.example/x\">T"
              "</a> first appeared on <a href=\"https://src.example/\">Src"
              "</a>.</p></article></body>",
              "<body><article class=\"post category-commentary\">"
              "<p>Story.</p>" CREDIT("https://src.example/x", "Src")
              "</article></body>",
              &out);
    assert_string_equal(out.source, "https://src.example/x");
    sf_test_out_free(&out);

    /* the same footer outside is the page's own */
    check_out(&opt,
              "<body><article><p>Story.</p></article><div id=\"main\">"
              "<p>The post <a href=\"https://src.example/x\">T</a> first "
              "appeared on <a href=\"https://src.example/\">Src</a>.</p>"
              "</div></body>",
              "<body><article><p>Story.</p></article><div id=\"main\">"
              CREDIT("https://src.example/x", "Src") "</div></body>",
              &out);
    assert_string_equal(out.source, "https://src.example/x");
    sf_test_out_free(&out);
}


/* <meta name="original-source"> is a head source like og:url. */
static void
test_original_source_needs_page_host(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    static const char  page[] =
        "<html><head><title>T</title>"
        "<link rel=\"canonical\" href=\"https://agg.test/t\">"
        "<meta name=\"original-source\" content=\"https://src.example/os\">"
        "</head><body><article><p>x</p></article></body></html>";

    (void) state;

    sf_options_init(&opt);
    check_out(&opt, page, page, &out);
    assert_string_equal(out.source, "");
    sf_test_out_free(&out);

    opt.page_host = "agg.test";
    opt.page_host_len = strlen(opt.page_host);
    check_out(&opt, page, NULL, &out);
    assert_string_equal(out.source, "https://src.example/os");
    assert_int_equal(out.stats.canonicals, 1);
    sf_test_out_free(&out);
}


/* "www." and a trailing dot name the page's own host all the same. */
static void
test_page_host_variants(void **state)
{
    size_t         i;
    char           page[512];
    sf_options_t   opt;
    sf_test_out_t  out;

    static const struct {
        const char  *page_host;
        const char  *canonical;
        const char  *source;
    } cases[] = {
        { "agg.test", "https://www.agg.test/t", "" },
        { "agg.test", "https://agg.test./t", "" },
        { "agg.test", "https://WWW.Agg.Test./t", "" },
        { "www.agg.test.", "https://agg.test/t", "" },
        { "agg.test.", "https://www.agg.test/t", "" },
        { "agg.test", "https://wwwagg.test/t", "https://wwwagg.test/t" },
        { "agg.test", "https://src.example/t", "https://src.example/t" },
        { "agg.test", "https://www.src.example/t",
          "https://www.src.example/t" },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sf_options_init(&opt);
        opt.page_host = cases[i].page_host;
        opt.page_host_len = strlen(opt.page_host);

        snprintf(page, sizeof(page),
                 "<html><head><title>T</title>"
                 "<link rel=\"canonical\" href=\"%s\"></head>"
                 "<body><article><p>x</p></article></body></html>",
                 cases[i].canonical);

        check_out(&opt, page, NULL, &out);

        if (strcmp(out.source, cases[i].source) != 0) {
            fail_msg("page host %s, canonical %s: source \"%s\", not "
                     "\"%s\"", cases[i].page_host, cases[i].canonical,
                     out.source, cases[i].source);
        }

        if (cases[i].source[0] == '\0'
            && (out.len != strlen(page) || memcmp(out.data, page, out.len)))
        {
            fail_msg("page host %s, canonical %s: page changed",
                     cases[i].page_host, cases[i].canonical);
        }

        sf_test_out_free(&out);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_canonical_and_credit_apart),
        cmocka_unit_test(test_canonical_without_head),
        cmocka_unit_test(test_held_canonical_and_credit_apart),
        cmocka_unit_test(test_insert_too_long),
        cmocka_unit_test(test_credit_name_references),
        cmocka_unit_test(test_comment_area_teaches_nothing),
        cmocka_unit_test(test_original_source_needs_page_host),
        cmocka_unit_test(test_page_host_variants),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
