/*
 * test_stream.c: golden pairs of the hold-back stream.  Every pair runs
 * whole, byte by byte and at random chunk sizes through 1-, 7- and
 * 4096-byte output windows (sf_test_check) and must give the same bytes.
 * The expected outputs follow from the rule semantics of
 * conf/rules/README.md and the stream model, worked out by hand.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "sf.h"
#include "sf_stream.h"
#include "sf_test_util.h"


static const char  rules_text[] =
    "rule buy\n"
    "    scope p div li section anon\n"
    "    contains \"buy now\"\n"
    "    action drop\n"
    "end\n"
    "rule footer\n"
    "    scope p div anon\n"
    "    contains \"first appeared on\"\n"
    "    links >= 2\n"
    "    action drop-source link 1 name 2\n"
    "end\n"
    "rule source-link\n"
    "    scope anon\n"
    "    equals \"source link\"\n"
    "    action drop-source link 1\n"
    "end\n"
    "rule respond\n"
    "    scope \"#respond\"\n"
    "    action drop\n"
    "end\n"
    "rule republished\n"
    "    scope p\n"
    "    contains \"republished here\"\n"
    "    action keep-source link 1\n"
    "end\n"
    "rule replace-me\n"
    "    scope p\n"
    "    contains \"replace me\"\n"
    "    action replace link 1\n"
    "end\n"
    "rule title-repeat\n"
    "    scope p\n"
    "    title\n"
    "    position first\n"
    "    action drop\n"
    "end\n";


#define CREDIT(url, name)                                                    \
    "<p class=\"syndication-source\">Originally published by <a href=\""    \
    url "\">" name "</a></p>"


static sf_rules_t  *rules;

/* run_reused() streams copy text runs without AVX2 (sf_stream_whole_run) */
static int          no_avx2;


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


/* check_out() with other rules than the file's. */
static void
check_out_with(const sf_rules_t *r, const sf_options_t *opt, const char *in,
    const char *expected, sf_test_out_t *out)
{
    sf_test_check(r, opt, in, strlen(in), expected, strlen(expected), out);
}


/* The page must come out exactly as it went in. */
static void
check_same(const sf_options_t *opt, const char *in, sf_test_out_t *out)
{
    check_out(opt, in, in, out);
}


/* A page, what must come out (NULL: the page as it went in), the blocks
 * removed on the way. */
typedef struct {
    const char  *in;
    const char  *expected;
    unsigned     removed;
} removal_case_t;


/* How the pages of the block readers' tests end. */
#define PAGE_TAIL  "</article></main></body></html>"


/* piece written times at page + len (size bytes in all): the new length. */
static size_t
page_add(char *page, size_t size, size_t len, const char *piece,
    size_t times)
{
    size_t  n;

    n = strlen(piece);

    for ( /* void */ ; times > 0; times--) {
        assert_true(size - len > n);
        memcpy(page + len, piece, n);
        len += n;
    }

    page[len] = '\0';

    return len;
}


/*
 * The rules of text, and each case through sf_test_check() with them,
 * whole and in every chunking, with no canonical inserted; returns the
 * rules, and the options in *opt (when not NULL), for the test's own
 * pages.
 */
static sf_rules_t *
check_removals(const char *text, const removal_case_t *cases, size_t n,
    sf_options_t *opt)
{
    size_t         i;
    sf_rules_t    *r;
    sf_options_t   o;
    sf_test_out_t  out;

    r = sf_test_rules(text, 0);
    assert_non_null(r);
    sf_options_init(&o);
    o.canonical = 0;

    for (i = 0; i < n; i++) {
        check_out_with(r, &o, cases[i].in,
                       cases[i].expected ? cases[i].expected : cases[i].in,
                       &out);
        assert_int_equal(out.stats.blocks_removed, cases[i].removed);
        sf_test_out_free(&out);
    }

    if (opt != NULL) {
        *opt = o;
    }

    return r;
}


/* The rules of text, and in *opt the options with a hold-back of hold
 * bytes and no canonical inserted. */
static sf_rules_t *
hold_rules(const char *text, size_t hold, sf_options_t *opt)
{
    sf_rules_t  *r;

    r = sf_test_rules(text, 0);
    assert_non_null(r);
    sf_options_init(opt);
    opt->canonical = 0;
    opt->limits.max_holdback = hold;

    return r;
}


static void
test_clean_page_identical(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    static const char  page[] =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        "<title>A quiet page</title>\n"
        "<script>var x = \"<p>buy now</p>\";</script></head>\n"
        "<body class=\"home\">\n<header><h1>Site</h1><nav><ul>"
        "<li><a href=\"/\">Home</a></li><li><a href=\"/a\">About</a></li>"
        "</ul></nav></header>\n<main><article><h2>Story</h2>"
        "<p>Some <em>text</em> &amp; a <a href=\"/x\">link</a>.<br>More."
        "</p>\n<figure><img src=\"a.jpg\" alt=\"\"><figcaption>Cap"
        "</figcaption></figure>\n<table><tr><td>1<td>2</tr></table>"
        "</article></main>\n<!-- comment --><footer><p>&copy; 2024</p>"
        "</footer>\n</body></html>\n";

    (void) state;

    sf_options_init(&opt);
    check_out(&opt, page, page, &out);

    assert_string_equal(out.status, "unchanged");
    assert_int_equal(out.stats.blocks_removed, 0);
    assert_true(out.stats.blocks_held > 5);
    assert_int_equal(out.stats.bytes_in, sizeof(page) - 1);
    assert_int_equal(out.stats.bytes_out, sizeof(page) - 1);
    sf_test_out_free(&out);
}


static void
test_drop_and_keep(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);

    check_out(&opt,
              "<body><div class=\"c\"><p>Hello <b>you</b></p>"
              "<p>Buy   NOW, cheap!</p>\n</div></body>",
              "<body><div class=\"c\"><p>Hello <b>you</b></p>\n</div></body>",
              &out);

    assert_string_equal(out.status, "rewritten");
    assert_int_equal(out.stats.blocks_removed, 1);
    assert_int_equal(out.stats.rules_fired, 1);
    sf_test_out_free(&out);

    /* kept blocks come out byte for byte, entities and links intact;
     * inline tags join words */
    check_same(&opt, "<body><p>A &amp; <a href=\"x\">b</a> buy<b>now</b></p>"
               "</body>", NULL);

    /* while <br> stands for a space */
    check_out(&opt, "<body><p>A buy<br>now</p></body>", "<body></body>",
              NULL);
}


/*
 * Long blocks that come again (a listing's entries under each other): a
 * paragraph and a classed div the reject reads through are kept by the
 * memo from their second time on; the same bytes but a phrase a rule
 * takes, as long, between them are removed each time, in every chunking.
 */
static void
test_memo_repeated_blocks(void **state)
{
    size_t          i, k, n, len, exp;
    char            prose[640], other[640], *in, *want;
    sf_rules_t     *r;
    sf_options_t    opt;
    sf_test_out_t   out;

    static const char  *forms[] = {
        "<p>%s</p>\n", "<div class=\"box\">%s</div>\n"
    };

    (void) state;

    r = sf_test_rules("rule kill\n  scope p div\n  contains \"zz kill zz\"\n"
                      "  action drop\nend\n", 0);
    assert_non_null(r);
    sf_options_init(&opt);

    /* 520 bytes and more of prose without a phrase of the rules */
    n = 0;

    for (i = 0; n < 520; i++) {
        n += (size_t) snprintf(prose + n, sizeof(prose) - n,
                               "Sentence %zu of the entry goes on. ", i % 5);
    }

    memcpy(other, prose, n + 1);
    memcpy(other + 200, "zz kill zz", 10);

    len = 64 * 1024;
    in = malloc(len);
    want = malloc(len);
    assert_non_null(in);
    assert_non_null(want);
    n = (size_t) snprintf(in, len, "<html><body><main>");
    exp = (size_t) snprintf(want, len, "<html><body><main>");

    for (i = 0; i < 12; i++) {
        n += (size_t) snprintf(in + n, len - n, "<article>");
        exp += (size_t) snprintf(want + exp, len - exp, "<article>");

        for (k = 0; k < 2; k++) {
            n += (size_t) snprintf(in + n, len - n, forms[k], prose);
            exp += (size_t) snprintf(want + exp, len - exp, forms[k], prose);

            /* every third entry, the other text after it: removed */
            if (i % 3 == k) {
                n += (size_t) snprintf(in + n, len - n, forms[k], other);
                exp += (size_t) snprintf(want + exp, len - exp, "\n");
            }
        }

        n += (size_t) snprintf(in + n, len - n, "</article>\n");
        exp += (size_t) snprintf(want + exp, len - exp, "</article>\n");
    }

    n += (size_t) snprintf(in + n, len - n, "</main></body></html>");
    exp += (size_t) snprintf(want + exp, len - exp, "</main></body></html>");
    assert_true(n < len - 1 && exp < len - 1);

    sf_test_check(r, &opt, in, n, want, exp, &out);
    assert_int_equal(out.stats.blocks_removed, 8);
    assert_int_equal(out.stats.blocks_held, 12 * 2 + 8);
    sf_test_out_free(&out);

    free(in);
    free(want);
    sf_rules_destroy(r);
}


static void
test_container(void **state)
{
    sf_options_t  opt;

    (void) state;

    sf_options_init(&opt);

    /* the div holds a block: it flows, its inner p is decided alone */
    check_out(&opt,
              "<body><div class=\"x\">Intro <p>buy now</p>tail</div></body>",
              "<body><div class=\"x\">Intro tail</div></body>", NULL);

    /* nested containers down to the block */
    check_out(&opt,
              "<body><div><div><section><p>buy now</p></section></div>"
              "</div></body>",
              "<body><div><div><section></section></div></div></body>",
              NULL);

    /* a section that holds only text is a block of its own */
    check_out(&opt,
              "<body><div><section>Buy now</section><p>x</p></div></body>",
              "<body><div><p>x</p></div></body>", NULL);
}


static void
test_anonymous_block(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);

    /* the importer's "<br><a>Source link </a>" after the last paragraph */
    check_out(&opt,
              "<body><div class=\"entry\"><p>Text</p>\n"
              "<br><a href=\"https://src.example/a\">Source link </a>\n"
              "</div></body>",
              "<body><div class=\"entry\"><p>Text</p>\n"
              CREDIT("https://src.example/a", "src.example")
              "</div></body>",
              &out);

    assert_string_equal(out.source, "https://src.example/a");
    assert_int_equal(out.stats.credits, 1);
    sf_test_out_free(&out);

    /* plain text between blocks is a block too; white space flows */
    check_out(&opt,
              "<body><div><p>a</p>  Buy now  <p>b</p>  </div></body>",
              "<body><div><p>a</p>  <p>b</p>  </div></body>", NULL);

    /* "<" that starts no tag is text */
    check_out(&opt, "<body><div><p>a</p>< buy now <p>b</p></div></body>",
              "<body><div><p>a</p><p>b</p></div></body>", NULL);

    /* before <body> nothing is anonymous */
    check_same(&opt, "buy now<body>x</body>", NULL);
}


static void
test_implicit_close(void **state)
{
    sf_options_t  opt;

    (void) state;

    sf_options_init(&opt);

    check_out(&opt, "<body><p>one<p>buy now<div>x</div></body>",
              "<body><p>one<div>x</div></body>", NULL);

    check_out(&opt, "<body><ul><li>a<li>buy now</ul><p>c</p></body>",
              "<body><ul><li>a</ul><p>c</p></body>", NULL);

    /* a p ends at an end tag of a block that is not its own */
    check_out(&opt, "<body><div><p>buy now</div><p>z</p></body>",
              "<body><div></div><p>z</p></body>", NULL);
}


static void
test_select_drop(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);

    check_out(&opt,
              "<body><div id=\"comments\"><div id=\"respond\" "
              "class=\"comment-respond\"><h3>Leave a Comment</h3><div>"
              "<form><p>x</p><textarea></div></textarea></form></div>"
              "<script>document.write('</div>')</script>"
              "</div><!-- #respond --></div><p>after</p></body>",
              "<body><div id=\"comments\"><!-- #respond --></div>"
              "<p>after</p></body>",
              &out);

    assert_int_equal(out.stats.blocks_removed, 1);
    sf_test_out_free(&out);

    /* an unclosed dropped element ends at its ancestor's end */
    check_out(&opt,
              "<body><section><div id=\"respond\"><p>x</section>"
              "<p>y</p></body>",
              "<body><section></section><p>y</p></body>", NULL);
}


static void
test_never_matched(void **state)
{
    sf_options_t  opt;

    (void) state;

    sf_options_init(&opt);

    /* scripts, styles, comments and attribute values are not text */
    check_same(&opt,
               "<body><div><script>var a=\"buy now\";</script>"
               "<p title=\"buy now\" data-x='first appeared on'>ok</p>"
               "<!-- buy now --><style>/* buy now */</style>"
               "<p>fine<textarea>buy now</textarea></p></div></body>", NULL);

    /* quotes are never removed */
    check_same(&opt,
               "<body><blockquote><p>buy now</p>buy now</blockquote></body>",
               NULL);

    /* nor the head */
    check_same(&opt,
               "<html><head><title>buy now</title><noscript><p>buy now</p>"
               "</noscript></head><body></body></html>", NULL);
}


#define SAMPLE_FOOTER(esc_lt, esc_gt)                                        \
    "The post " esc_lt "a href=\"https://sample.example/s\"" esc_gt "S"      \
    esc_lt "/a" esc_gt " first appeared on " esc_lt                          \
    "a href=\"https://sample.example/\"" esc_gt "Sample" esc_lt "/a"         \
    esc_gt "."

#define REAL_FOOTER                                                          \
    "<p>The post <a href=\"https://real.example/r\">R</a> first appeared "   \
    "on <a href=\"https://real.example/\">Real</a>.</p>"


/*
 * A footer shown as a code sample (<code>, <pre>, escaped or as markup)
 * stays as it is and names no source; the page's real footer still goes,
 * with its own source.  Issue 8 (D9).
 */
static void
test_code_samples(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);

    check_out(&opt,
              "<body><article><p><code>" SAMPLE_FOOTER("&lt;", "&gt;")
              "</code></p></article></body>",
              "<body><article><p><code>" SAMPLE_FOOTER("&lt;", "&gt;")
              "</code></p></article></body>", &out);

    assert_string_equal(out.source, "");
    assert_int_equal(out.stats.blocks_removed, 0);
    assert_int_equal(out.stats.credits, 0);
    sf_test_out_free(&out);

    check_out(&opt,
              "<body><article><pre><code>&lt;p&gt;"
              SAMPLE_FOOTER("&lt;", "&gt;")
              "&lt;/p&gt;</code></pre>\n<pre>" SAMPLE_FOOTER("<", ">")
              "</pre>\n<pre><p>" SAMPLE_FOOTER("<", ">") "</p></pre>\n"
              REAL_FOOTER "</article></body>",
              "<body><article><pre><code>&lt;p&gt;"
              SAMPLE_FOOTER("&lt;", "&gt;")
              "&lt;/p&gt;</code></pre>\n<pre>" SAMPLE_FOOTER("<", ">")
              "</pre>\n<pre><p>" SAMPLE_FOOTER("<", ">") "</p></pre>\n"
              CREDIT("https://real.example/r", "Real") "</article></body>",
              &out);

    assert_string_equal(out.source, "https://real.example/r");
    assert_int_equal(out.stats.blocks_removed, 1);
    sf_test_out_free(&out);

    /* a code sample around blocks, and a selector rule inside one */
    check_same(&opt,
               "<body><code><p>buy now</p></code><pre><div id=\"respond\">"
               "<p>x</p></div>buy now</pre></body>", NULL);

    /* after the sample, blocks are blocks again */
    check_out(&opt,
              "<body><p><code>x</code></p><p>buy now</p><pre>a</pre>"
              "<p>buy now</p><div id=\"respond\">y</div></body>",
              "<body><p><code>x</code></p><pre>a</pre></body>", NULL);

    /* no credit for a known source inside a sample: after it (the head
       canonical a head-less page gets is test_insert's) */
    opt.source = "https://src.example/a";
    opt.source_len = strlen(opt.source);
    opt.canonical = 0;
    check_out(&opt,
              "<body><pre><article><p>x</p></article></pre></body>",
              "<body><pre><article><p>x</p></article></pre>"
              CREDIT("https://src.example/a", "src.example") "</body>", NULL);
}


/*
 * Raw text ends where browsers end it: not at "</script>" in a script's
 * double-escaped text ("<!--<script>"), nor at "</template>" in a script
 * inside a template; markup in such a script is JavaScript, never a block.
 * A template's contents are no page content either.  Issue 8 (D11).
 */
static void
test_raw_text_ends(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);

    check_out(&opt,
              "<body><article><p>a</p><script><!--<script>x=\"</script>\"; "
              "y='" REAL_FOOTER "';</script>--></article></body>",
              "<body><article><p>a</p><script><!--<script>x=\"</script>\"; "
              "y='" REAL_FOOTER "';</script>--></article></body>", &out);

    assert_string_equal(out.source, "");
    assert_int_equal(out.stats.blocks_removed, 0);
    sf_test_out_free(&out);

    /* "-->" ends the double escape: the next "</script>" ends the script */
    check_out(&opt,
              "<body><script><!--<script></script>--></script>"
              "<p>buy now</p></body>",
              "<body><script><!--<script></script>--></script></body>", NULL);

    check_out(&opt,
              "<body><article><template><script>var q=\"</template>\"; "
              "y='" REAL_FOOTER "';</script><p>buy now</p></template>"
              "<p>buy now</p></article></body>",
              "<body><article><template><script>var q=\"</template>\"; "
              "y='" REAL_FOOTER "';</script><p>buy now</p></template>"
              "</article></body>", &out);

    assert_string_equal(out.source, "");
    sf_test_out_free(&out);

    /* a template in a held block: its text is not the block's */
    check_same(&opt,
               "<body><p>ok<template>buy now<div>x</div></template> fine</p>"
               "</body>", NULL);
}


static void
test_footer_credit(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);

    check_out(&opt,
              "<body><article><p>Story.</p>"
              "<p>The post <a href=\"https://src.example/story\">Story</a> "
              "first appeared on <a href=\"https://src.example/\">Src "
              "Times</a>.</p></article><p>side</p></body>",
              "<body><article><p>Story.</p>"
              CREDIT("https://src.example/story", "Src Times")
              "</article><p>side</p></body>",
              &out);

    assert_string_equal(out.source, "https://src.example/story");
    assert_int_equal(out.stats.credits, 1);
    assert_int_equal(out.stats.blocks_removed, 1);
    sf_test_out_free(&out);

    /* without attribution the footer just goes */
    opt.attribution = 0;
    check_out(&opt,
              "<body><p>The post <a href=\"https://src.example/s\">S</a> "
              "first appeared on <a href=\"https://src.example/\">Src</a>."
              "</p></body>",
              "<body></body>", NULL);
}


static void
test_credit_placement(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);
    opt.source = "https://src.example/a";
    opt.source_len = strlen(opt.source);
    /* where the credit goes; the canonical of a head-less page: test_insert */
    opt.canonical = 0;

    /* a known source and no footer: before the end of the article */
    check_out(&opt,
              "<body><article><p>x</p></article><p>y</p></body>",
              "<body><article><p>x</p>"
              CREDIT("https://src.example/a", "src.example")
              "</article><p>y</p></body>",
              &out);

    assert_int_equal(out.stats.credits, 1);
    sf_test_out_free(&out);

    /* no article: before </body> */
    check_out(&opt, "<body><p>y</p></body>",
              "<body><p>y</p>" CREDIT("https://src.example/a", "src.example")
              "</body>", NULL);

    /*
     * A replace rule puts the one credit in its place, crediting the source
     * the page names itself; the given one is only for pages naming none.
     */
    check_out(&opt,
              "<body><article><p>Replace me <a href=\"https://o.example/\">"
              "o</a></p><p>z</p></article></body>",
              "<body><article>"
              CREDIT("https://o.example/", "o.example")
              "<p>z</p></article></body>", NULL);

    /* so does a footer; the canonical source stays the given one */
    check_out(&opt,
              "<body><article><p>x</p>"
              "<p>The post <a href=\"https://f.example/s\">S</a> first "
              "appeared on <a href=\"https://f.example/\">F News</a>.</p>"
              "</article></body>",
              "<body><article><p>x</p>"
              CREDIT("https://f.example/s", "F News")
              "</article></body>", &out);

    assert_string_equal(out.source, "https://src.example/a");
    assert_int_equal(out.stats.credits, 1);
    sf_test_out_free(&out);

    /* a legitimate credit is kept and counts as the page's credit */
    opt.source = NULL;
    opt.source_len = 0;
    check_same(&opt,
               "<body><article><p>This <a href=\"https://src.example/s\">"
               "article</a> is republished here.</p></article></body>", &out);

    assert_int_equal(out.stats.credits, 0);
    assert_string_equal(out.source, "https://src.example/s");
    sf_test_out_free(&out);

    /* the input ends before the page does */
    opt.source = "https://src.example/a";
    opt.source_len = strlen(opt.source);

    /* no </article> nor </body>: the credit comes at the very end */
    check_out(&opt, "<body><article><p>x</p>\n",
              "<body><article><p>x</p>\n"
              CREDIT("https://src.example/a", "src.example"),
              &out);

    assert_int_equal(out.stats.credits, 1);
    sf_test_out_free(&out);

    /* cut inside a tag or a comment: a credit there would not show */
    check_same(&opt, "<body><p>x</p><a href=\"y", NULL);
    check_same(&opt, "<body><p>x</p><!-- c", NULL);

    /* nor after a fragment with no body content at all */
    check_same(&opt, "just <b>text</b>", NULL);

    /* an unfinished held block leaves unchanged, the credit after it */
    check_out(&opt, "<body><p>buy now and more",
              "<body><p>buy now and more"
              CREDIT("https://src.example/a", "src.example"),
              &out);

    assert_int_equal(out.stats.blocks_removed, 0);
    sf_test_out_free(&out);

#define FOOTER                                                               \
    "<body><p>The post <a href=\"https://src.example/s\">S</a> first "      \
    "appeared on <a href=\"https://src.example/\">Src</a>."

    /* a footer learned on the way credits in its place, once; unfinished,
     * it is not decided: kept, no source, no credit */
    opt.source = NULL;
    opt.source_len = 0;
    check_out(&opt, FOOTER "</p><p>more</p>",
              "<body>" CREDIT("https://src.example/s", "Src") "<p>more</p>",
              &out);
    assert_int_equal(out.stats.credits, 1);
    sf_test_out_free(&out);

    check_same(&opt, FOOTER, &out);
    assert_string_equal(out.source, "");
    assert_int_equal(out.stats.credits + out.stats.blocks_removed, 0);
    sf_test_out_free(&out);

#undef FOOTER
}


static void
test_canonical(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);
    opt.attribution = 0;
    opt.source = "https://src.example/a?x=1&y=2";
    opt.source_len = strlen(opt.source);

    check_out(&opt,
              "<html><head><title>T</title>"
              "<link rel=\"canonical\" href=\"https://agg.example/x\">"
              "<link rel=canonical href=/again></head>"
              "<body><p>x</p></body></html>",
              "<html><head><title>T</title>"
              "<link rel=\"canonical\" href=\"https://src.example/a?x=1&amp;"
              "y=2\"></head><body><p>x</p></body></html>",
              &out);

    assert_int_equal(out.stats.canonicals, 1);
    sf_test_out_free(&out);

    /* no canonical in the head: one is inserted before </head> */
    check_out(&opt,
              "<html><head><title>T</title></head><body></body></html>",
              "<html><head><title>T</title>"
              "<link rel=\"canonical\" href=\"https://src.example/a?x=1&amp;"
              "y=2\"></head><body></body></html>", NULL);

    /* off: untouched */
    opt.canonical = 0;
    check_same(&opt,
               "<html><head><title>T</title></head><body></body></html>",
               NULL);
}


static void
test_head_source(void **state)
{
    size_t         i;
    sf_options_t   opt;
    sf_test_out_t  out;

    static const struct {
        const char  *in;
        const char  *out;
        unsigned     canonicals;
    } no_add[] = {
        { "<head><meta name=\"original-source\" "
          "content=\"https://src.example/s\"><title>T</title></head>"
          "<body></body>",
          "<head><meta name=\"original-source\" "
          "content=\"https://src.example/s\"><title>T</title></head>"
          "<body></body>", 0 },
        { "<head><meta name=\"original-source\" "
          "content=\"https://src.example/s\">"
          "<link rel=\"canonical\" href=\"https://agg.example/x\">"
          "</head><body></body>",
          "<head><meta name=\"original-source\" "
          "content=\"https://src.example/s\">"
          "<link rel=\"canonical\" href=\"https://src.example/s\">"
          "</head><body></body>", 1 }
    };

    (void) state;

    sf_options_init(&opt);
    opt.attribution = 0;
    opt.page_host = "agg.example";
    opt.page_host_len = strlen(opt.page_host);

    /* the head names the source after its canonical: rewritten */
    check_out(&opt,
              "<head><link rel=\"canonical\" href=\"https://agg.example/x\">"
              "\n<meta name=\"original-source\" "
              "content=\"https://src.example/s\">\n</head><body></body>",
              "<head><link rel=\"canonical\" href=\"https://src.example/s\">"
              "\n<meta name=\"original-source\" "
              "content=\"https://src.example/s\">\n</head><body></body>",
              &out);

    assert_string_equal(out.source, "https://src.example/s");
    sf_test_out_free(&out);

    /* two canonicals in the head: left as they are */
    check_same(&opt,
               "<head><link rel=\"canonical\" href=\"https://agg.example/x\">"
               "<meta name=\"robots\" content=\"index\">"
               "<link rel=\"canonical\" href=\"https://agg.example/y\">"
               "<meta name=\"original-source\" "
               "content=\"https://src.example/s\"></head><body></body>", NULL);

    /* the head outgrows the hold-back: it passes unchanged */
    opt.limits.max_holdback = 128;
    check_same(&opt,
               "<head><link rel=\"canonical\" href=\"https://agg.example/x\">"
               "<meta name=\"description\" content=\"a long description of "
               "the page that does not fit\"><link rel=\"canonical\" "
               "href=\"https://agg.example/x\"></head><body></body>", &out);

    assert_string_equal(out.status, "passthrough:holdback");
    sf_test_out_free(&out);
    sf_limits_init(&opt.limits);

    /* og:url pointing at the page itself is no source: unchanged */
    check_same(&opt,
               "<head><link rel=\"canonical\" href=\"https://agg.example/x\">"
               "<meta property=\"og:url\" content=\"https://agg.example/x\">"
               "</head><body></body>", &out);

    assert_string_equal(out.source, "");
    assert_string_equal(out.status, "unchanged");
    sf_test_out_free(&out);

    /*
     * A head source replaces a head canonical but never adds one: without
     * a canonical in the head, the page keeps having none.
     */
    for (i = 0; i < sizeof(no_add) / sizeof(no_add[0]); i++) {
        check_out(&opt, no_add[i].in, no_add[i].out, &out);
        assert_string_equal(out.source, "https://src.example/s");
        assert_int_equal(out.stats.canonicals, no_add[i].canonicals);
        sf_test_out_free(&out);
    }

    /* a source given at create time is inserted when the head had none */
    opt.source = "https://src.example/g";
    opt.source_len = strlen(opt.source);
    check_out(&opt, "<head><title>T</title></head><body></body>",
              "<head><title>T</title>"
              "<link rel=\"canonical\" href=\"https://src.example/g\">"
              "</head><body></body>",
              NULL);
}


/* JSON-LD isBasedOn of a head script is a head source like the others. */
static void
test_jsonld_source(void **state)
{
    size_t         i;
    sf_options_t   opt;
    sf_test_out_t  out;

    static const struct {
        const char  *script;
        const char  *source;
    } found[] = {
        /* a key in a string value, and one inside an escaped string */
        { "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
          "\"description\":\"isBasedOn\",\"text\":\"a \\\"isBasedOn\\\": "
          "\\\"https://bad.example/\\\" </p> b\",\"isBasedOn\" :\n "
          "\"https:\\/\\/src.example\\/s?a=1\\u0026b=2\"}</script>",
          "https://src.example/s?a=1&b=2" },
        /* the object form: its own @id, not its author's url */
        { "<script type=\" Application/LD+JSON; charset=utf-8 \">"
          "{\"isBasedOn\":{\"@type\":\"NewsArticle\",\"author\":{\"url\":"
          "\"https://person.example/\"},\"url\":\"https://agg.example/z\","
          "\"@id\":\"https://src.example/o\"}}</script>",
          "https://src.example/o" },
        /* a list: its first source */
        { "<script type=application/ld+json>{\"@graph\":[{\"isBasedOn\":"
          "[ \"https://src.example/l\" ]}]}</script>",
          "https://src.example/l" }
    };

    static const char  *ignored[] = {
        /* the page's own host */
        "<script type=\"application/ld+json\">"
        "{\"isBasedOn\":\"https://agg.example/y\"}</script>",
        /* not JSON-LD */
        "<script type=\"application/json\">"
        "{\"isBasedOn\":\"https://src.example/s\"}</script>",
        "<script>var x = {\"isBasedOn\":\"https://src.example/s\"};</script>",
        /* an escape no URL needs */
        "<script type=\"application/ld+json\">"
        "{\"isBasedOn\":\"https://src.example/s\\n\"}</script>",
        /* a value that is no URL string */
        "<script type=\"application/ld+json\">"
        "{\"isBasedOn\":42,\"url\":\"https://src.example/s\"}</script>"
    };

    char  in[1024], expected[1024];

    (void) state;

    sf_options_init(&opt);
    opt.attribution = 0;
    opt.page_host = "agg.example";
    opt.page_host_len = strlen(opt.page_host);

    /* after the canonical: the held canonical is rewritten */
    for (i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
        snprintf(in, sizeof(in),
                 "<head><link rel=\"canonical\" href=\"https://agg.example/x\">"
                 "%s</head><body></body>", found[i].script);
        snprintf(expected, sizeof(expected),
                 "<head><link rel=\"canonical\" href=\"%s\">"
                 "%s</head><body></body>",
                 i == 0 ? "https://src.example/s?a=1&amp;b=2"
                        : found[i].source,
                 found[i].script);

        check_out(&opt, in, expected, &out);
        assert_string_equal(out.source, found[i].source);
        assert_int_equal(out.stats.canonicals, 1);
        sf_test_out_free(&out);
    }

    /* before the canonical: the canonical is rewritten on sight */
    check_out(&opt,
              "<head><script type=\"application/ld+json\">"
              "{\"isBasedOn\":\"https://src.example/b\"}</script>"
              "<link rel=\"canonical\" href=\"https://agg.example/x\">"
              "</head><body></body>",
              "<head><script type=\"application/ld+json\">"
              "{\"isBasedOn\":\"https://src.example/b\"}</script>"
              "<link rel=\"canonical\" href=\"https://src.example/b\">"
              "</head><body></body>", &out);
    assert_string_equal(out.source, "https://src.example/b");
    sf_test_out_free(&out);

    for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
        snprintf(in, sizeof(in),
                 "<head><link rel=\"canonical\" href=\"https://agg.example/x\">"
                 "%s</head><body></body>", ignored[i]);

        check_same(&opt, in, &out);
        assert_string_equal(out.source, "");
        sf_test_out_free(&out);
    }

    /* the body's JSON-LD is not read */
    check_same(&opt,
               "<head><link rel=\"canonical\" href=\"https://agg.example/x\">"
               "</head><body><script type=\"application/ld+json\">"
               "{\"isBasedOn\":\"https://src.example/s\"}</script></body>",
               &out);
    assert_string_equal(out.source, "");
    sf_test_out_free(&out);
}


static void
test_title(void **state)
{
    sf_options_t  opt;

    (void) state;

    sf_options_init(&opt);

    /* <title> minus " - SITE" */
    check_out(&opt,
              "<head><title>My Story - Site</title></head><body><article>"
              "<div class=\"entry-content\"><p>My   story</p><p>My story</p>"
              "</div></article></body>",
              "<head><title>My Story - Site</title></head><body><article>"
              "<div class=\"entry-content\"><p>My story</p>"
              "</div></article></body>", NULL);

    /* the h1 wins over the title; the first block after it is first */
    check_out(&opt,
              "<head><title>Other | Site</title></head><body><article>"
              "<h1>Real title</h1><p>Real title</p><p>Real title</p>"
              "</article></body>",
              "<head><title>Other | Site</title></head><body><article>"
              "<h1>Real title</h1><p>Real title</p>"
              "</article></body>", NULL);
}


static int  decisions;


static void
on_decision(void *ctx, const sf_decision_t *d)
{
    (void) ctx;

    assert_non_null(d->rule_id);
    assert_true(d->bytes > 0);
    decisions++;
}


static void
test_report_mode(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    static const char  page[] =
        "<html><head><link rel=\"canonical\" href=\"https://agg.example/\">"
        "</head><body><article><p>Buy now!</p>"
        "<p>The post <a href=\"https://src.example/s\">S</a> first appeared "
        "on <a href=\"https://src.example/\">Src</a>.</p></article>"
        "<div id=\"respond\"><form><p>x</p></form></div></body></html>";

    (void) state;

    sf_options_init(&opt);
    opt.report = 1;
    opt.on_decision = on_decision;
    opt.source = "https://src.example/a";
    opt.source_len = strlen(opt.source);

    decisions = 0;
    sf_test_run(rules, &opt, (const unsigned char *) page, sizeof(page) - 1,
                0, NULL, 4096, &out);

    assert_int_equal(out.rc, SF_OK);
    assert_int_equal(out.len, sizeof(page) - 1);
    assert_memory_equal(out.data, page, sizeof(page) - 1);
    assert_string_equal(out.status, "reported");
    assert_int_equal(out.stats.blocks_removed, 3);
    assert_int_equal(decisions, 3);
    sf_test_out_free(&out);

    check_out(&opt, page, page, NULL);
}


static void
test_holdback_limit(void **state)
{
    size_t          i;
    char           *page;
    sf_options_t    opt;
    sf_test_out_t   out;

    (void) state;

    sf_options_init(&opt);
    opt.limits.max_holdback = 256;

    page = malloc(4096);
    assert_non_null(page);

    strcpy(page, "<body><p>buy now ");

    for (i = 0; i < 100; i++) {
        strcat(page, "and <i>more</i> ");
    }

    strcat(page, "</p><p>buy now</p><div class=\"");

    for (i = 0; i < 60; i++) {
        strcat(page, "long ");
    }

    strcat(page, "\">x</div></body>");

    /* the long block passes whole, the short one is still decided */
    check_out(&opt, page, NULL, &out);

    assert_int_equal(out.len, strlen(page) - strlen("<p>buy now</p>"));
    assert_string_equal(out.status, "passthrough:holdback");
    assert_int_equal(out.stats.passthrough[SF_PASS_HOLDBACK], 2);
    assert_int_equal(out.stats.blocks_removed, 1);
    sf_test_out_free(&out);
    free(page);
}


/*
 * A comment area whose text runs past the hold-back before its first
 * block: the area was sent as it came, and when a block started in it the
 * element it opened was read from stale bytes of the hold-back, so the
 * reader's comment in it could lose its protection and the page after it
 * was decided by a different stack, whole and byte by byte differently.
 * The comment stays, the footer after the area goes, in every chunking.
 */
static void
test_holdback_container(void **state)
{
    size_t         len, wlen;
    sf_rules_t    *r;
    sf_options_t   opt;
    sf_test_out_t  out;
    char           page[4096], want[4096];

    static const char  text[] =
        "rule buy\n"
        "    scope p\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n";

    (void) state;

    r = hold_rules(text, 256, &opt);

    len = page_add(page, sizeof(page), 0, "<html><head><title>T</title>"
                   "</head><body><main><article><p>a</p>"
                   "<div class=\"comments-area\">", 1);
    len = page_add(page, sizeof(page), len, "w ", 200);
    len = page_add(page, sizeof(page), len,
                   "<p>buy it now please</p></div>", 1);
    wlen = page_add(want, sizeof(want), 0, page, 1);
    len = page_add(page, sizeof(page), len, "<p>buy it now please</p>", 1);
    len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);
    wlen = page_add(want, sizeof(want), wlen, PAGE_TAIL, 1);

    sf_test_check(r, &opt, page, len, want, wlen, &out);
    assert_int_equal(out.stats.blocks_removed, 1);
    assert_true(out.stats.passthrough[SF_PASS_HOLDBACK] > 0);
    sf_test_out_free(&out);

    sf_rules_destroy(r);
}

/*
 * A held block that fills the hold-back to the byte just before a tag:
 * the tag finds no room, the block passes whole, nothing is written past
 * the buffer (the fast path once read a tag into no room at all).
 */
static void
test_holdback_full_at_tag(void **state)
{
    size_t          n;
    char            page[256];
    sf_options_t    opt;
    sf_test_out_t   out;

    (void) state;

    sf_options_init(&opt);
    opt.limits.max_holdback = 64;

    /* "<p>" and 61 bytes of text: 64 held when "<b>" comes */
    strcpy(page, "<body><p>");
    n = strlen(page);
    memset(page + n, 'x', 61);
    strcpy(page + n + 61, "<b>y</b></p><p>z</p></body>");

    check_same(&opt, page, &out);
    assert_string_equal(out.status, "passthrough:holdback");
    assert_int_equal(out.stats.passthrough[SF_PASS_HOLDBACK], 1);
    sf_test_out_free(&out);
}


static void
test_text_limit(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    (void) state;

    sf_options_init(&opt);
    opt.limits.max_text = 16;

    check_same(&opt, "<body><p>this text is longer than sixteen</p></body>",
               &out);

    assert_string_equal(out.status, "passthrough:text");
    sf_test_out_free(&out);
}


static void
test_fixture_page(void **state)
{
    char            path[512];
    const char     *dir;
    sf_rules_t     *empty, *builtin;
    sf_options_t    opt;
    unsigned char  *page;
    size_t          len;
    sf_test_out_t   out;

    (void) state;

    /* the shared sample page, kept in the repository's corpus */
    dir = getenv("SF_FIXTURES");
    snprintf(path, sizeof(path), "%s/webtimes-putin-car.html",
             dir != NULL ? dir : "tests/fixtures");

    page = sf_test_file(path, &len);
    assert_non_null(page);

    sf_options_init(&opt);

    /* with no rules the page comes out byte for byte */
    empty = sf_test_rules(NULL, 0);
    assert_non_null(empty);
    sf_test_check(empty, &opt, (const char *) page, len,
                  (const char *) page, len, &out);
    assert_string_equal(out.status, "unchanged");
    sf_test_out_free(&out);
    sf_rules_destroy(empty);

    /* with the built-in pack: the same output for every chunking */
    builtin = sf_test_rules(NULL, 1);
    assert_non_null(builtin);
    sf_test_check(builtin, &opt, (const char *) page, len, NULL, 0, &out);

    out.data = realloc(out.data, out.len + 1);
    assert_non_null(out.data);
    out.data[out.len] = '\0';

    assert_null(strstr((char *) out.data, "id=\"commentform\""));
    assert_non_null(strstr((char *) out.data, "Recent Posts"));
    assert_non_null(strstr((char *) out.data,
                           "FOLLOW US ON GOOGLE NEWS */</script>"));
    assert_non_null(strstr((char *) out.data, "North Korea&#8217;s state"));
    sf_test_out_free(&out);
    sf_rules_destroy(builtin);
    free(page);
}


/*
 * Short blocks read whole from the input in one go (sf_stream_short_block)
 * must be told as the held way tells them.  With these rules a bare block
 * of under six calm bytes (their shortest anchor) is kept by the tables
 * alone, first in the entry or not, so the whole run reads such blocks
 * the short way; byte by byte it never can.  What tells them apart: which
 * block is the entry's first (a block of spaces is not), blocks a rule
 * removes, an end tag that is not the block's own, and what the short way
 * must leave to the held way (entities, UTF-8, end tags written
 * otherwise, a start that closes an open element).
 */
static void
test_short_blocks(void **state)
{
    size_t         len;
    sf_rules_t    *r;
    sf_options_t   opt;
    sf_test_out_t  out;
    char           page[16384];

    static const char  text[] =
        "rule buy\n"
        "    scope p li\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n"
        "rule lead\n"
        "    scope p\n"
        "    contains \"breaking story\"\n"
        "    position first\n"
        "    action drop\n"
        "end\n";

#define PAGE(body)                                                           \
    "<html><head><title>T</title></head><body><main><article>" body         \
    "</article></main></body></html>"

    /* expected NULL: the page as it went in */
    static const removal_case_t  cases[] = {

        /* "x" is the entry's first block: the lead after it stays */
        { PAGE("<p>x</p><p>breaking story</p><p>y</p>"), NULL, 0 },

        /* a block of spaces is no first block */
        { PAGE("<p> </p><p>breaking story</p><p>y</p>"),
          PAGE("<p> </p><p>y</p>"), 1 },

        /* short ones around, removed ones among them */
        { PAGE("<p>a</p><ul><li>one</li><li>buy it now please</li>"
               "<li>two</li></ul><p>x</p><p>Buy it now please</p><p>z</p>"),
          PAGE("<p>a</p><ul><li>one</li><li>two</li></ul>"
               "<p>x</p><p>z</p>"), 2 },

        /* the quote ends at its own end tag, not the paragraph's */
        { PAGE("<p>a</p><blockquote><p>x</blockquote>"
               "<p>buy it now please</p><p>b</p>"),
          PAGE("<p>a</p><blockquote><p>x</blockquote><p>b</p>"), 1 },

        /* what the short way leaves to the held way */
        { PAGE("<p>a</p><p>caf&eacute;</p><p>caf\xc3\xa9</p>"
               "<p>x</P><p>y</p ><p></p><ul><li><p>a</p><li>b</li>"
               "</ul><p>x<p>y</p><div>d</div><section>s</section>"
               "<h2>h</h2>"), NULL, 0 },

        /* "buy it now please" of an entity or over two lines */
        { PAGE("<p>k</p><p>buy&#32;it now please</p>"
               "<li>buy it\nnow please</li><p>k</p>"),
          PAGE("<p>k</p><p>k</p>"), 2 }
    };

    (void) state;

    r = check_removals(text, cases, sizeof(cases) / sizeof(cases[0]), &opt);

    /* a run longer than a 4 KiB output window: it stops at the window */
    len = page_add(page, sizeof(page), 0, PAGE("<p>a</p><ul>"), 1)
          - (sizeof(PAGE_TAIL) - 1);
    len = page_add(page, sizeof(page), len, "<li>ab</li>", 1000);
    len = page_add(page, sizeof(page), len, "</ul>" PAGE_TAIL, 1);

    sf_test_check(r, &opt, page, len, page, len, &out);
    assert_int_equal(out.stats.blocks_held, 1001);
    sf_test_out_free(&out);

#undef PAGE

    sf_rules_destroy(r);
}


/*
 * Whole, with an output window of out_size bytes, the page of len bytes
 * at in (a buffer of exactly that size, so that a read past it shows
 * under ASan) comes out as byte by byte, statistics included.
 */
static void
check_whole_as_bytes(const sf_rules_t *r, const sf_options_t *opt,
    const char *in, size_t len, size_t out_size)
{
    unsigned        seed;
    unsigned char  *exact;
    sf_test_out_t   whole, bytes;

    exact = malloc(len);
    assert_non_null(exact);
    memcpy(exact, in, len);
    seed = 1;

    sf_test_run(r, opt, exact, len, 0, &seed, out_size, &whole);
    sf_test_run(r, opt, exact, len, 1, &seed, out_size, &bytes);

    if (whole.rc != bytes.rc || whole.len != bytes.len
        || memcmp(whole.data, bytes.data, whole.len) != 0
        || memcmp(&whole.stats, &bytes.stats, sizeof(sf_stats_t)) != 0)
    {
        fprintf(stderr, "out %zu, input (%zu bytes): %.*s\n", out_size, len,
                (int) len, in);
        fprintf(stderr, "whole: %.*s\nbytes: %.*s\n", (int) whole.len,
                (const char *) whole.data, (int) bytes.len,
                (const char *) bytes.data);
        fail_msg("whole run differs from the byte by byte run");
    }

    sf_test_out_free(&whole);
    sf_test_out_free(&bytes);
    free(exact);
}


/*
 * The page of len bytes at in (an exact buffer), whole and in random
 * chunks, comes out as byte by byte through an output window of out_size
 * bytes, statistics included: check_whole_as_bytes() and four chunkings.
 */
static void
check_chunkings(const sf_rules_t *r, const sf_options_t *opt,
    const char *in, size_t len, size_t out_size, unsigned *seed)
{
    unsigned        i, s0;
    unsigned char  *exact;
    sf_test_out_t   bytes, o;

    check_whole_as_bytes(r, opt, in, len, out_size);

    exact = malloc(len);
    assert_non_null(exact);
    memcpy(exact, in, len);

    sf_test_run(r, opt, exact, len, 1, seed, out_size, &bytes);

    for (i = 0; i < 4; i++) {
        s0 = *seed;
        sf_test_run(r, opt, exact, len, (size_t) -1, seed, out_size, &o);

        if (o.rc != bytes.rc || o.len != bytes.len
            || memcmp(o.data, bytes.data, o.len) != 0
            || memcmp(&o.stats, &bytes.stats, sizeof(sf_stats_t)) != 0)
        {
            fprintf(stderr, "out %zu, chunk seed %u, input (%zu bytes): "
                    "%.*s\n", out_size, s0, len, (int) len, in);
            fail_msg("a chunked run differs from the byte by byte run");
        }

        sf_test_out_free(&o);
    }

    sf_test_out_free(&bytes);
    free(exact);
}


/*
 * The first len bytes of the page at in, whole and byte by byte, come out
 * the same (statistics too), the page's own bytes readable past them.
 */
static void
check_cut_in_place(const sf_rules_t *r, const sf_options_t *opt,
    const char *in, size_t len)
{
    unsigned       seed;
    sf_test_out_t  whole, bytes;

    seed = 1;
    sf_test_run(r, opt, (const unsigned char *) in, len, 0, &seed, 65536,
                &whole);
    sf_test_run(r, opt, (const unsigned char *) in, len, 1, &seed, 65536,
                &bytes);

    if (whole.len != bytes.len || memcmp(whole.data, bytes.data, whole.len)
        || memcmp(&whole.stats, &bytes.stats, sizeof(sf_stats_t)) != 0)
    {
        fprintf(stderr, "cut at %zu of: %s\n", len, in);
        fail_msg("a run cut short took bytes past its input");
    }

    sf_test_out_free(&whole);
    sf_test_out_free(&bytes);
}


/*
 * A page of piece written times after a lead paragraph, in every
 * chunking (sf_test_check()): it comes out as it went in, held blocks
 * counted as the held way counts them.
 */
static void
check_repeated(const sf_rules_t *r, const char *piece, size_t times,
    unsigned held)
{
    size_t         len;
    sf_options_t   opt;
    sf_test_out_t  out;
    static char    page[8192];

    sf_options_init(&opt);
    len = page_add(page, sizeof(page), 0,
                   "<html><head><title>T</title></head><body><main>"
                   "<article><p>first</p>", 1);
    len = page_add(page, sizeof(page), len, piece, times);
    len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

    sf_test_check(r, &opt, page, len, page, len, &out);
    assert_int_equal(out.stats.blocks_held, held);
    sf_test_out_free(&out);
}


/*
 * The rules of the random pages of short blocks: a literal too long for
 * their texts, so that the tables keep most of them, and one for a class
 * some start tags have.
 */
static const char  short_rules[] =
    "rule buy\n"
    "    scope p li dd td h2\n"
    "    contains \"buy it now please\"\n"
    "    action drop\n"
    "end\n"
    "rule ad\n"
    "    scope p.ad li.ad dd.ad td.ad h2.ad\n"
    "    contains \"ab\"\n"
    "    action drop\n"
    "end\n";


/* The seed of a test's random pages: SF_TEST_SEED, else the time; told. */
static unsigned
random_seed(const char *test)
{
    unsigned     seed;
    const char  *env;

    env = getenv("SF_TEST_SEED");
    seed = env != NULL ? (unsigned) strtoul(env, NULL, 10)
                       : (unsigned) time(NULL);
    fprintf(stderr, "%s: SF_TEST_SEED=%u\n", test, seed);

    return seed;
}


/* The next of a test's random numbers, from its seed. */
static unsigned
next_random(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;

    return *seed >> 8;
}


/* A random list item, mostly short and plain, now and then not. */
static size_t
short_run_item(char *p, const char *tag, unsigned *seed)
{
    size_t    n, i, len;
    unsigned  x;

    static const char  *odd[] = {
        "&amp;", "\xc3\xa9", "<b>x</b>", "buy it now please", "<br>", "&",
        "\x80", "<", " < ", "\n"
    };

    x = next_random(seed);

    n = (size_t) sprintf(p, (x % 23 == 0) ? "<%s class=\"ad\">" : "<%s>", tag);
    len = (x >> 6) % 19;

    /* the second rules' literal alone: as long as what they keep */
    if (x % 13 == 0) {
        n += (size_t) sprintf(p + n, "cd xyz");
        len = 0;
    }

    for (i = 0; i < len; i++) {
        x = next_random(seed);

        if (x % 37 == 0) {
            n += (size_t) sprintf(p + n, "%s", odd[(x >> 6) % 10]);

        } else {
            p[n++] = "ab cdxyz."[(x >> 6) % 9];
        }
    }

    x = next_random(seed);

    if (x % 61 == 0) {
        n += (size_t) sprintf(p + n, "</%s >", tag);

    } else if (x % 67 == 0) {
        n += (size_t) sprintf(p + n, "</X%s>", tag);

    } else if (x % 71 != 0) {
        n += (size_t) sprintf(p + n, "</%s>", tag);
    }

    return n;
}


/*
 * Runs of short blocks after the entry's first: most of them read by
 * sf_stream_run_fast() sixteen bytes at a time, the others by the short
 * blocks' loop.  Random runs of random items (texts long and short, with
 * entities, UTF-8, inline tags, end tags written otherwise) come out
 * whole as byte by byte, where no block is read the short way; so do
 * they cut short at each of the last bytes (the input's end near a
 * block), through output windows of every size around a block's, and
 * with a text buffer around a block's size.
 */
static void
test_short_runs(void **state)
{
    size_t         len, base, cut, w, i, j;
    unsigned       seed;
    sf_rules_t    *r, *r2;
    const sf_rules_t  *rr;
    sf_options_t   opt;
    sf_test_out_t  out;
    char           page[8192];

    static const char  *tags[] = { "li", "p", "dd", "td", "h2" };
    static const size_t  texts[] = { 4096, 30, 29, 28, 8 };

    /* a literal the tables tell nothing of: no block kept by them */
    static const char  text2[] =
        "rule buy\n"
        "    scope p li dd td h2\n"
        "    contains \"cd xyz\"\n"
        "    action drop\n"
        "end\n";

    (void) state;

    seed = random_seed("test_short_runs");

    r = sf_test_rules(short_rules, 0);
    assert_non_null(r);
    r2 = sf_test_rules(text2, 0);
    assert_non_null(r2);

    for (i = 0; i < 24; i++) {
        rr = (i % 2) ? r2 : r;
        sf_options_init(&opt);
        opt.limits.max_text = texts[i % 5];

        base = page_add(page, sizeof(page), 0,
                        "<html><head><title>T</title></head><body><main>"
                        "<article><p>first</p><ul>", 1);
        len = base;

        for (j = 0; j < 12 + i * 8; j++) {
            len += short_run_item(page + len, tags[(i / 5) % 5], &seed);
        }

        len = page_add(page, sizeof(page), len, "</ul>" PAGE_TAIL, 1);

        check_whole_as_bytes(rr, &opt, page, len, 65536);

        /* the input's end at each of the run's last bytes */
        for (cut = len - 80; cut < len; cut++) {
            check_whole_as_bytes(rr, &opt, page, cut, 65536);
        }

        /* output windows around a block's size, and a few more */
        for (w = 20; w < 48; w++) {
            check_whole_as_bytes(rr, &opt, page, len, w);
        }

        check_whole_as_bytes(rr, &opt, page, len, 4096);
    }

    /* a plain run, the common case, as the held way counts it */
    len = page_add(page, sizeof(page), 0,
                   "<html><head><title>T</title></head><body><main>"
                   "<article><p>first</p><ul>", 1);
    len = page_add(page, sizeof(page), len, "<li>one</li><li>two</li>", 100);
    len = page_add(page, sizeof(page), len, "</ul>" PAGE_TAIL, 1);

    sf_options_init(&opt);
    sf_test_check(r, &opt, page, len, page, len, &out);
    assert_int_equal(out.stats.blocks_held, 201);
    sf_test_out_free(&out);

    sf_rules_destroy(r);
    sf_rules_destroy(r2);
}


/*
 * Lists of two or three short items, the article's common shape, which
 * sf_stream_short_lean() takes from the first item on: texts around the
 * bound the tables keep (with this rule, calm texts of under 8 bytes are
 * kept by them, the others decided the full way), with entities, UTF-8,
 * a tag or the literal in them (it fits the 16 bytes after a start tag),
 * end tags written otherwise, through small text buffers, hold-backs and
 * output windows, cut at each byte of the last lists (exact buffers: a
 * read past the input shows under ASan): whole as byte by byte and in
 * random chunks.
 */
static void
test_short_pairs(void **state)
{
    char           page[6144];
    size_t         i, j, k, len, cut, w;
    unsigned       x, seed;
    sf_options_t   opt;
    sf_rules_t    *r, *r2;
    const sf_rules_t  *rr;

    static const char  *texts[] = {
        "", "a", "ab", "abc", "abcd", "abcde", "qqx", "qqxz", "qqxzq",
        "&amp;", "&", "\xc3\xa9", "\xc3\x9f", "a&b", "\xc3\xa9\xc3\xa9",
        "a<b>c</b>", "x\n", " ", "abcdefghijklmno", "abcdefghijklmnop",
        "zebra crossing", "a zebra crossing", "zebra crossin", "Zebra crossing",
        "zebra\ncrossing", "zebra &amp; x", "zebr\xc3\xa9", "zebra"
    };
    static const char  *tags[] = { "li", "td", "p", "dd", "li" };
    static const char  *ends[] = { "</%s>", "</%s>", "</%s>", "</%s >" };

    (void) state;

    r = sf_test_rules("rule q\n    scope p li dd td\n"
                      "    contains \"zebra crossing\"\n    action drop\n"
                      "end\n", 0);
    assert_non_null(r);

    /* a rule for none of them: their texts kept up to the text's bound */
    r2 = sf_test_rules("rule q\n    scope h3\n    contains \"zebra\"\n"
                       "    action drop\nend\n", 0);
    assert_non_null(r2);
    seed = random_seed("test_short_pairs");

    for (i = 0; i < 80; i++) {
        rr = (i % 4 == 2) ? r2 : r;
        sf_options_init(&opt);
        opt.limits.max_text = (i % 3 == 0) ? 1 + i % 7 : 4096;
        opt.limits.max_holdback = (i % 5 == 1) ? 24 + i % 9 : 4096;

        len = page_add(page, sizeof(page), 0,
                       "<html><head><title>T</title></head><body><main>"
                       "<article><p>first</p>", 1);

        for (j = 0; j < 12; j++) {
            x = next_random(&seed);

            len = page_add(page, sizeof(page), len, "<ul>", 1);

            for (k = 0; k < 2 + (x % 5 == 0); k++) {
                seed = seed * 1103515245u + 12345u;
                len += (size_t) sprintf(page + len, "<%s>%s",
                                        tags[(x >> 4) % 5],
                                        texts[(seed >> 8) % 28]);
                len += (size_t) sprintf(page + len,
                                        ends[(seed >> 16) % 4],
                                        tags[(x >> 4) % 5]);
            }

            len = page_add(page, sizeof(page), len,
                           (x >> 8) % 3 ? "</ul>\n" : "</ul>", 1);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

        check_chunkings(rr, &opt, page, len, 65536, &seed);

        /*
         * The input's end anywhere in the last lists: in an exact buffer,
         * and in the page's, where the bytes past it are the page's own
         * (what a reader must not take, as a chunk boundary hides them).
         */
        for (cut = len - 120; cut < len; cut++) {
            check_whole_as_bytes(rr, &opt, page, cut, 65536);
            check_cut_in_place(rr, &opt, page, cut);
        }

        for (w = 8; w < 40; w++) {
            check_whole_as_bytes(rr, &opt, page, len, w);
        }
    }

    /* the article's list, as the held way counts and sends it */
    check_repeated(r, "<ul><li>one</li><li>two</li></ul>\n", 60, 121);

    sf_rules_destroy(r);
    sf_rules_destroy(r2);
}


/*
 * Runs of short blocks at the start of an entry, where the entry's first
 * text block is still to come: the short way reads them apart (it asks
 * the tables of a first block while no block with text has come), and
 * must find the same first block as the held way.  Items of white space
 * alone or none before one with text, a lead a "position first" rule
 * drops when it is the first, and items the tables keep: random runs come
 * out whole as byte by byte, through output windows around a block's
 * size too; and the lead goes where it is first, stays where it is not.
 */
static void
test_short_entry_first(void **state)
{
    size_t         len, w, i, j;
    unsigned       seed, x;
    sf_rules_t    *r;
    sf_options_t   opt;
    sf_test_out_t  out;
    char           page[8192];

    static const char  text[] =
        "rule lead\n"
        "    scope p li\n"
        "    contains \"breaking story\"\n"
        "    position first\n"
        "    action drop\n"
        "end\n";
    static const char  *items[] = {
        "<li> </li>", "<li></li>", "<li>\n \t</li>", "<li>breaking story</li>",
        "<li>x</li>", "<li>ab</li>", "<li>&amp;</li>", "<li>  </li>"
    };

#define HEAD  "<html><head><title>T</title></head><body><main><article>"
#define LEAD  "<li>breaking story</li>"

    (void) state;

    sf_options_init(&opt);
    r = sf_test_rules(text, 0);
    assert_non_null(r);
    seed = random_seed("test_short_entry_first");

    for (i = 0; i < 200; i++) {
        len = page_add(page, sizeof(page), 0, HEAD "<ul>", 1);

        for (j = 0; j < 1 + i % 9; j++) {
            x = next_random(&seed);
            len = page_add(page, sizeof(page), len, items[x % 8], 1);
        }

        len = page_add(page, sizeof(page), len,
                       "</ul><p>breaking story</p><p>y</p>" PAGE_TAIL, 1);

        check_whole_as_bytes(r, &opt, page, len, 65536);

        if (i % 20 == 0) {
            for (w = 16; w < 48; w++) {
                check_whole_as_bytes(r, &opt, page, len, w);
            }
        }
    }

    /* after items with no text the lead is the first: dropped */
    len = page_add(page, sizeof(page), 0,
                   HEAD "<ul><li> </li><li></li>" LEAD LEAD "<li>x</li></ul>"
                   PAGE_TAIL, 1);
    sf_test_check(r, &opt, page, len, HEAD "<ul><li> </li><li></li>"
                  LEAD "<li>x</li></ul>" PAGE_TAIL,
                  len - (sizeof(LEAD) - 1), &out);
    sf_test_out_free(&out);

    /* after one with text it is not: kept */
    len = page_add(page, sizeof(page), 0,
                   HEAD "<ul><li>x</li>" LEAD "<li>y</li></ul>" PAGE_TAIL, 1);
    sf_test_check(r, &opt, page, len, page, len, &out);
    assert_int_equal(out.stats.blocks_held, 3);
    sf_test_out_free(&out);

#undef HEAD
#undef LEAD

    sf_rules_destroy(r);
}


/*
 * White space between the blocks of the body (the one newline or space
 * before a tag is sent at once by sf_stream_fast()) and scripts (read on
 * in the same turn after their end tag): random pages of lists, figures,
 * paragraphs, containers and scripts, apart by no space, one, or several,
 * come out whole as byte by byte, where neither way is taken; so do they
 * cut short at each of their last bytes (a page ending at "\n" and
 * "\n<") and through output windows of 1 to 24 bytes.
 */
static void
test_block_spaces(void **state)
{
    size_t         len, cut, w, i, j;
    unsigned       seed, x;
    sf_rules_t    *r;
    sf_options_t   opt;
    char           page[8192];

    static const char  *parts[] = {
        "<ul><li>one</li><li>two</li></ul>", "<p>a short line</p>",
        "<script>var a = 1 < 2;</script>", "<style>p { }</style>",
        "<figure><img src=\"a.jpg\"><figcaption>cap</figcaption></figure>",
        "<div>", "</div>", "<section><p>x</p></section>", "text",
        "<p>buy it now please</p>", "<script></script>"
    };
    static const char  *spaces[] = {
        "", "\n", " ", "\t", "\r\n", "\n\n", "  ", "\f", "\n "
    };

    (void) state;

    seed = random_seed("test_block_spaces");

    r = sf_test_rules(short_rules, 0);
    assert_non_null(r);

    for (i = 0; i < 16; i++) {
        sf_options_init(&opt);

        len = page_add(page, sizeof(page), 0,
                       "<html><head><title>T</title></head><body><main>"
                       "<article><p>first</p>", 1);

        for (j = 0; j < 10 + i * 4; j++) {
            x = next_random(&seed);
            len = page_add(page, sizeof(page), len, spaces[x % 9], 1);
            len = page_add(page, sizeof(page), len, parts[(x >> 4) % 11], 1);
        }

        len = page_add(page, sizeof(page), len, "\n" PAGE_TAIL, 1);

        check_whole_as_bytes(r, &opt, page, len, 65536);

        for (cut = len - 60; cut < len; cut++) {
            check_whole_as_bytes(r, &opt, page, cut, 65536);
        }

        for (w = 1; w <= 24; w++) {
            check_whole_as_bytes(r, &opt, page, len, w);
        }
    }

    sf_rules_destroy(r);
}


/*
 * The end tag right after a run of short blocks or a container opened
 * (the list's "</ul>") is read and closed by sf_stream_fast_tag() at once.
 * Random nests of containers, short blocks and end tags (matching the
 * innermost element or not, written otherwise, of the entry or the body)
 * come out whole as byte by byte, cut short at each of their last bytes
 * and through output windows around an end tag's size.
 */
static void
test_run_ends(void **state)
{
    size_t         len, cut, w, i, j, depth;
    unsigned       seed, x;
    sf_rules_t    *r;
    sf_options_t   opt;
    char           page[4096];

    static const char  *opens[] = {
        "<ul>", "<ol>", "<div>", "<section>", "<div class=\"x\">",
        "<blockquote>", "<div id=\"comments\">", "<table>"
    };
    static const char  *ends[] = {
        "</ul>", "</ol>", "</div>", "</section>", "</div>",
        "</blockquote>", "</div>", "</table>"
    };
    static const char  *others[] = {
        "</UL>", "</ul >", "</li>", "</b>", "</article>", "</p>", "</td>",
        "</x>", "</", "\n"
    };
    static const char  *items[] = {
        "<li>a</li>", "<li>buy it now please</li>", "<p>b</p>",
        "<td>c</td>", "<li>d</li><li>e</li>", "<p>&amp;</p>", "<li></li>"
    };

    (void) state;

    seed = random_seed("test_run_ends");

    r = sf_test_rules(short_rules, 0);
    assert_non_null(r);
    sf_options_init(&opt);

    for (i = 0; i < 40; i++) {
        len = page_add(page, sizeof(page), 0,
                       "<html><head><title>T</title></head><body><main>"
                       "<article><p>first</p>", 1);
        depth = 0;

        for (j = 0; j < 40; j++) {
            x = next_random(&seed);

            if (x % 4 == 0 && depth < 12) {
                len = page_add(page, sizeof(page), len,
                               opens[(x >> 4) % 8], 1);
                depth++;

            } else if (x % 4 == 1 && depth > 0) {
                len = page_add(page, sizeof(page), len,
                               ends[(x >> 4) % 8], 1);
                depth--;

            } else if (x % 4 == 2 && (x >> 4) % 3 == 0) {
                len = page_add(page, sizeof(page), len,
                               others[(x >> 6) % 10], 1);

            } else {
                len = page_add(page, sizeof(page), len,
                               items[(x >> 4) % 7], 1 + (x >> 8) % 3);
            }
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

        check_whole_as_bytes(r, &opt, page, len, 65536);

        for (cut = len - 40; cut < len; cut++) {
            check_whole_as_bytes(r, &opt, page, cut, 65536);
        }

        for (w = 1; w < 24; w++) {
            check_whole_as_bytes(r, &opt, page, len, w);
        }
    }

    sf_rules_destroy(r);
}


/*
 * Containers, their end tags and scripts in the body are opened, closed
 * and sent by the fused loop from the input (sf_stream_flow_tag), and a
 * short block that starts in a held one is read by the block readers
 * once the held one ended or turned container.  Whole, they take those
 * ways; byte by byte they never can: the same output both ways is the
 * test.  What the open elements must still tell: a quote, a comment
 * area, an element a start closes, a held figure that turns container.
 */
static void
test_flow_tags(void **state)
{
    size_t         len, wlen;
    sf_rules_t    *r;
    sf_options_t   opt;
    sf_test_out_t  out;
    char           page[4096], want[4096];

    static const char  text[] =
        "rule buy\n"
        "    scope p li figcaption div\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n"
        "rule wire\n"
        "    scope span.src\n"
        "    contains \"from the wire\"\n"
        "    action drop\n"
        "end\n"
        "rule figure\n"
        "    scope figure section\n"
        "    contains \"a figure no page has\"\n"
        "    action drop\n"
        "end\n";

#define PAGE(body)                                                           \
    "<html><head><title>T</title></head><body><main><article><p>a</p>"      \
    body "</article></main></body></html>"

    static const removal_case_t  cases[] = {

        /* containers flow, the block in them is decided */
        { PAGE("<div><section><p>buy it now please</p></section></div>"
               "<p>b</p>"),
          PAGE("<div><section></section></div><p>b</p>"), 1 },

        /* quotes and comment areas keep what is in them */
        { PAGE("<blockquote><div><p>buy it now please</p></div>"
               "</blockquote><div id=\"comments\"><section>"
               "<p>buy it now please</p></section></div>"), NULL, 0 },

        /* a script's text is no block, its end tag no block's end */
        { PAGE("<script>var s = '<p>buy it now please</p>';</script>"
               "<div><script>x</script><p>buy it now please</p></div>"),
          PAGE("<script>var s = '<p>buy it now please</p>';</script>"
               "<div><script>x</script></div>"), 1 },

        /* a start closes the open element before it opens */
        { PAGE("<dl><dt>x<dd><p>buy it now please</p></dl><p>b</p>"),
          PAGE("<dl><dt>x<dd></dl><p>b</p>"), 1 },

        /* a held figure turns container at its caption */
        { PAGE("<figure><img src=\"a.jpg\" alt=\"\"><figcaption>buy it now "
               "please</figcaption></figure><figure><img src=\"b.jpg\">"
               "<figcaption>c</figcaption></figure>"),
          PAGE("<figure><img src=\"a.jpg\" alt=\"\"></figure><figure>"
               "<img src=\"b.jpg\"><figcaption>c</figcaption></figure>"), 1 },

        /* held blocks that turn container at their first block, or not */
        { PAGE("<div>intro <em>x</em><p>buy it now please</p>tail</div>"
               "<div>buy it now please <em>x</em></div><p>b</p>"),
          PAGE("<div>intro <em>x</em>tail</div><p>b</p>"), 2 },
        { PAGE("<section><span class=\"note\">buy it now please</span>"
               "<p>k</p></section><div><!-- c --><p>buy it now please</p>"
               "</div><section>s</section>"),
          PAGE("<section><span class=\"note\">buy it now please</span>"
               "<p>k</p></section><div><!-- c --></div>"
               "<section>s</section>"), 1 },

        /* an inline element a rule names, a script's text: not read past */
        { PAGE("<div>lead <span class=\"src\">from the wire</span><p>k</p>"
               "</div><div>x<script>var s = \"<p>buy it now please</p>\";"
               "</script><p>k</p></div>"),
          PAGE("<div>lead <p>k</p></div><div>x<script>var s = \"<p>buy it "
               "now please</p>\";</script><p>k</p></div>"), 1 }
    };

    (void) state;

    r = check_removals(text, cases, sizeof(cases) / sizeof(cases[0]), &opt);

    /*
     * Deeper than the open elements kept: told, and the block in them is
     * still decided (expected: the page without it).
     */
    len = page_add(page, sizeof(page), 0, PAGE(""), 1)
          - (sizeof(PAGE_TAIL) - 1);
    len = page_add(page, sizeof(page), len, "<div>", 80);
    wlen = page_add(want, sizeof(want), 0, page, 1);
    len = page_add(page, sizeof(page), len, "<p>buy it now please</p>", 1);
    len = page_add(page, sizeof(page), len, "</div>", 80);
    wlen = page_add(want, sizeof(want), wlen, "</div>", 80);
    len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);
    wlen = page_add(want, sizeof(want), wlen, PAGE_TAIL, 1);

    sf_test_check(r, &opt, page, len, want, wlen, &out);
    assert_true(out.stats.passthrough[SF_PASS_DEPTH] > 0);
    assert_int_equal(out.stats.blocks_removed, 1);
    sf_test_out_free(&out);

    /* each start closes the one before: no depth to tell, however many */
    len = page_add(page, sizeof(page), 0, PAGE("<dl>"), 1)
          - (sizeof(PAGE_TAIL) - 1);
    len = page_add(page, sizeof(page), len, "<dt><p>x</p>", 80);
    len = page_add(page, sizeof(page), len, "</dl>" PAGE_TAIL, 1);

    sf_test_check(r, &opt, page, len, page, len, &out);
    assert_int_equal(out.stats.passthrough[SF_PASS_DEPTH], 0);
    sf_test_out_free(&out);

#undef PAGE

    sf_rules_destroy(r);
}


/*
 * A random page of test_flow_turn(): containers opened right before their
 * items and ended right after them, as written or not, scripts and styles
 * of random texts, open elements up to max_depth deep.  Its length.
 */
static size_t
flow_turn_page(char *page, size_t size, unsigned *seed, size_t max_depth)
{
    size_t       len, j, depth, k;
    unsigned     x;
    const char  *o;

    static const char  *opens[] = {
        "<ul>", "<ol>", "<div>", "<table>", "<tr>", "<section>", "<nav>",
        "<UL>", "<blockquote>", "<dl>", "<ul class=\"x\">", "<article>"
    };
    static const char  *ends[] = {
        "</ul>", "</ol>", "</div>", "</table>", "</tr>", "</section>",
        "</nav>", "</UL>", "</blockquote>", "</dl>", "</ul>", "</article>"
    };
    static const char  *others[] = {
        "</ul >", "</ulx>", "</u>", "</uL>", "</ol>", "</li>", "</div>",
        "</ul", "\n", "</table >"
    };
    static const char  *items[] = {
        "<li>a</li>", "<li>one</li><li>two</li>", "<td>c</td>", "<p>b</p>",
        "<li>buy it now please</li>", "<li>&amp;</li>",
        "<li class=\"ad\">ab</li>", "<dt>x", "<img src=\"a.jpg\">",
        "<!-- c -->", "<b>x</b>", "text", "<li><p>a</p></li>",
        "<li>a</li><li>b</li><li>c</li><li>d</li>", "<p>x</p>\n", "y"
    };
    static const char  *raws[] = {
        "var a = 1 < 2;", "</scrip", "<!--", "-->", "</b>", "x",
        "</script >", "</SCRIPT", "<", "</style>", "\n"
    };
    static const char  *raw_ends[] = {
        "</script>", "</SCRIPT>", "</script>", "</Script>", "</script >",
        "</script>"
    };

    depth = 0;
    len = page_add(page, size, 0, "<html><head><title>T</title></head>"
                   "<body><main><article><p>first</p>", 1);

    for (j = 0; j < 60; j++) {
        x = next_random(seed);

        if (x % 5 <= 1 && depth < max_depth) {
            k = (x >> 4) % 12;
            len = page_add(page, size, len, opens[k], 1);
            depth++;

            /* most containers' first item right after their start */
            if ((x >> 8) % 4 != 0) {
                len = page_add(page, size, len, items[(x >> 10) % 16], 1);
            }

            /* and their end right after it, as written or not */
            if ((x >> 14) % 3 == 0) {
                o = (x >> 16) % 4 ? ends[k] : others[(x >> 18) % 10];
                len = page_add(page, size, len, o, 1);
                depth -= (o == ends[k]);
            }

        } else if (x % 5 == 2 && depth > 0) {
            len = page_add(page, size, len, ends[(x >> 4) % 12], 1);
            depth--;

        } else if (x % 5 == 3) {
            /* a script or a style: random raw text, its end or not */
            len = page_add(page, size, len,
                           (x >> 4) % 7 == 0 ? "<style>" : "<script>", 1);

            for (k = 0; k < (x >> 8) % 6; k++) {
                *seed = *seed * 1103515245u + 12345u;
                len = page_add(page, size, len, raws[(*seed >> 8) % 11], 1);
            }

            len = page_add(page, size, len,
                           (x >> 4) % 7 == 0
                           ? "</style>" : raw_ends[(x >> 12) % 6], 1);

        } else if (x % 5 == 4 && (x >> 4) % 3 == 0) {
            len = page_add(page, size, len, others[(x >> 6) % 10], 1);

        } else {
            len = page_add(page, size, len, items[(x >> 4) % 16], 1);
        }
    }

    return page_add(page, size, len, PAGE_TAIL, 1);
}


/*
 * The fused loop's turn after a container's start tag without attributes
 * (sf_stream_fast_tag()): the tag right after it read at once, the
 * container's own end after a run of short blocks known by its bytes
 * (sf_stream_end_of()), and a script's or a style's start tag sent with
 * its text and end tag in one copy (sf_stream_flow_raw()).  Random pages
 * (flow_turn_page(), every fourth past the open elements kept) come out
 * whole as byte by byte and in random chunks, where none of it is taken
 * that way; so do they cut short at each of their last bytes and through
 * output windows around a tag's size.
 */
static void
test_flow_turn(void **state)
{
    size_t         len, cut, w, i;
    unsigned       seed;
    sf_rules_t    *r;
    sf_options_t   opt;
    char           page[8192];

    (void) state;

    seed = random_seed("test_flow_turn");
    r = sf_test_rules(short_rules, 0);
    sf_options_init(&opt);
    assert_non_null(r);

    for (i = 0; i < 60; i++) {
        len = flow_turn_page(page, sizeof(page), &seed,
                             i % 4 == 3 ? 80 : 12);

        check_chunkings(r, &opt, page, len, 65536, &seed);

        for (cut = len - 48; cut < len; cut++) {
            check_whole_as_bytes(r, &opt, page, cut, 65536);
        }

        for (w = 1; w < 40; w++) {
            check_whole_as_bytes(r, &opt, page, len, w);
        }
    }

    /* the common shapes, as the held way counts and sends them */
    check_repeated(r, "<ul><li>one</li><li>two</li></ul>\n"
                   "<script>var a = 1 < 2;</script>\n", 50, 101);

    sf_rules_destroy(r);
}


/*
 * Blocks whose start tag has attributes, selected by them as the held way
 * does and then read whole or opened as containers from the input
 * (sf_stream_open_block): what their id and class tell (a rule's scope, a
 * comment area) must come out as it does byte by byte, where they are
 * read token by token.
 */
/*
 * Class lists the scratch answers for (sf_stream_select_elt()): the same
 * lists of containers again and again, and lists that share their length
 * and first and last eight bytes with them but name nothing or place
 * nothing, fed whole (the fused loop asks the scratch) and in every
 * chunking (byte by byte the handlers look at each list) through one
 * shared scratch: the section a rule names is dropped whole each time,
 * its look-alike kept; the comment area's block is kept, its look-alike's
 * (met first, so that the scratch holds its list first) dropped.
 */
static void
test_class_lists(void **state)
{
    size_t          i, len, elen;
    sf_rules_t     *r;
    sf_options_t    opt;
    sf_test_out_t   out;
    sf_scratch_t   *sc;
    char            in[8192], exp[8192];

    static const char  text[] =
        "rule gone\n"
        "    scope section.sidebar-widget-area\n"
        "    action drop\n"
        "end\n"
        "rule buy\n"
        "    scope p\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n";
    static const char  *const pieces[][2] = {
        { "<section class=\"sidebar-widget-area\"><p>x</p></section>", "" },
        { "<section class=\"sidebar-wodget-area\"><p>y</p></section>",
          NULL },
        { "<div class=\"panel-01 contents panel-02\"><p>buy it now please"
          "</p></div>", "<div class=\"panel-01 contents panel-02\"></div>" },
        { "<div class=\"panel-01 comments panel-02\"><p>buy it now please"
          "</p></div>", NULL }
    };

    (void) state;

    r = sf_test_rules(text, 0);
    assert_non_null(r);
    sf_options_init(&opt);
    opt.canonical = 0;
    sc = sf_scratch_create(r, &opt.limits, &sf_malloc_allocator);
    assert_non_null(sc);
    opt.scratch = sc;

    len = page_add(in, sizeof(in), 0, "<html><head><title>T</title></head>"
                   "<body><main><article><p>a</p>\n", 1);
    elen = page_add(exp, sizeof(exp), 0, in, 1);

    for (i = 0; i < 24; i++) {
        /* each piece after each other one */
        len = page_add(in, sizeof(in), len, pieces[i % 4][0], 1);
        elen = page_add(exp, sizeof(exp), elen,
                        pieces[i % 4][1] != NULL ? pieces[i % 4][1]
                                                 : pieces[i % 4][0], 1);
        len = page_add(in, sizeof(in), len, pieces[(i * 3 + 1) % 4][0], 1);
        elen = page_add(exp, sizeof(exp), elen,
                        pieces[(i * 3 + 1) % 4][1] != NULL
                        ? pieces[(i * 3 + 1) % 4][1]
                        : pieces[(i * 3 + 1) % 4][0], 1);
    }

    len = page_add(in, sizeof(in), len, PAGE_TAIL, 1);
    elen = page_add(exp, sizeof(exp), elen, PAGE_TAIL, 1);

    sf_test_check(r, &opt, in, len, exp, elen, &out);
    assert_int_equal(out.stats.blocks_removed, 24);
    sf_test_out_free(&out);

    sf_scratch_destroy(sc);
    sf_rules_destroy(r);
}


/*
 * A stream fed the page at in whole up to its second entry (the first
 * read and remembered), its output into buf.
 */
static sf_stream_t *
stream_to_second_entry(const sf_rules_t *r, const sf_options_t *opt,
    const char *in, unsigned char *buf, size_t size)
{
    sf_io_t       io;
    sf_stream_t  *s;
    const char   *second;

    s = sf_stream_create(r, opt, &sf_malloc_allocator);
    assert_non_null(s);

    second = strstr(strstr(in, "</article>\n") + 1, "<article");
    assert_non_null(second);
    io.next_in = (const unsigned char *) in;
    io.avail_in = (size_t) (second - in);
    io.next_out = buf;
    io.avail_out = size;
    assert_int_equal(sf_stream_feed(s, &io, 0), SF_OK);
    assert_int_equal(io.avail_in, 0);

    return s;
}


/*
 * The page at in fed whole up to the second entry (its first read and
 * remembered): the start tag at the head of piece (with the text after
 * it) is read from the scratch's memory as sf_lexer_tag() reads it (the
 * same length, element and state, the record marked not whole), and its
 * values are those parsed from the lexer's record.
 */
static void
check_tag_memo(const sf_rules_t *r, const sf_options_t *opt, const char *in,
    const char *piece)
{
    size_t                m, len;
    sf_tag_t              tag;
    sf_attrs_t            a, b, *pb;
    sf_lexer_t            general;
    sf_stream_t          *s;
    const sf_tag_memo_t  *memo;
    static unsigned char  buf[16384];

    s = stream_to_second_entry(r, opt, in, buf, sizeof(buf));

    len = strlen(piece);
    general = s->lx;
    memo = sf_stream_known_tag(s, (const unsigned char *) piece, len);
    assert_non_null(memo);
    m = memo->len;
    assert_true(m == (size_t) (strchr(piece, '>') + 1 - piece));
    assert_int_equal(s->lx.attrs.n, SF_TAG_SPANS + 1);

    assert_int_equal(sf_lexer_tag(&general, (const unsigned char *) piece,
                                  len), m);
    assert_int_equal(general.tag, s->lx.tag);
    assert_int_equal(general.end, s->lx.end);
    assert_int_equal(general.name_len, s->lx.name_len);
    assert_int_equal(general.state, s->lx.state);
    assert_int_equal(general.kind, s->lx.kind);
    assert_int_equal(general.inert, s->lx.inert);

    /* the values kept, and those the general record gives */
    sf_stream_attrs_memo(&a, (const unsigned char *) piece, memo);
    s->lx = general;
    sf_stream_lexed_tag(s, &tag, (const unsigned char *) piece, m);
    b.tag = &tag;
    b.parsed = 0;
    pb = sf_stream_attrs(&b);
    assert_true(a.id.data == pb->id.data && a.id.len == pb->id.len);
    assert_true(a.cls.data == pb->cls.data && a.cls.len == pb->cls.len);
    assert_true(a.itemprop.data == pb->itemprop.data
                && a.itemprop.len == pb->itemprop.len);
    assert_true(a.href.data == pb->href.data && a.rel.data == pb->rel.data
                && a.content.data == pb->content.data
                && a.property.data == pb->property.data
                && a.name.data == pb->name.data);
    assert_non_null(a.cls.data);
    assert_non_null(a.itemprop.data);

    sf_stream_destroy(s);
}


/*
 * The page at in fed up to the second entry (its first read and
 * remembered), then, as an input that is not the last, the start tag at
 * the head of piece with more than SF_CARRY_NEAR bytes of its text and no
 * end: the fused loop takes the tag from the scratch's memory straight to
 * the block's reader (sf_stream_fast_tag()), which reads up to the
 * input's end and stops there; the block is kept for the next input
 * (s->carry, the stream in PASS), not held.
 */
static void
check_memo_route(const sf_rules_t *r, const sf_options_t *opt,
    const char *in, const char *piece)
{
    size_t                m, at, len;
    sf_io_t               io;
    sf_stream_t          *s;
    static char           cut[4096];
    static unsigned char  buf[16384];

    s = stream_to_second_entry(r, opt, in, buf, sizeof(buf));

    m = (size_t) (strchr(piece, '>') + 1 - piece);
    assert_true(m >= 16);
    len = page_add(cut, sizeof(cut), 0, "<article class=\"entry-item\">\n",
                   1);
    at = len;
    memcpy(cut + len, piece, m);
    len = page_add(cut, sizeof(cut), len + m, "lorem ipsum ", 150);
    assert_true(len - at - m > SF_CARRY_NEAR);

    /* the tag is one the scratch answers */
    assert_non_null(sf_match_tag(s->match, (const unsigned char *) cut + at,
                                 len - at));

    io.next_in = (const unsigned char *) cut;
    io.avail_in = len;
    io.next_out = buf;
    io.avail_out = sizeof(buf);
    assert_int_equal(sf_stream_feed(s, &io, 0), SF_OK);
    assert_int_equal(io.avail_in, 0);
    assert_int_equal(s->mode, SF_MODE_PASS);
    assert_int_equal(s->carry, len - at);

    sf_stream_destroy(s);
}


/*
 * A listing's entries open their blocks with the same start tags: from
 * the second entry on, the fused loop takes each from the scratch's
 * memory of it (sf_match_tag()), unlexed, its values, selection and
 * flags those kept under the first entry.  Tags alike in their first
 * sixteen bytes (one hash) are told apart by the rest: a comment area
 * keeps what a rule drops, a list named otherwise does not; a block
 * decided by its class ("promo-box-area") is dropped under every entry,
 * its near twin kept; a section the rules hold, its twin flows.  The
 * comments between the blocks are sent in one copy (sf_lexer_comment()),
 * the shapes it does not take by the loop's steps.  Whole, byte by byte
 * and in chunks, with a scratch shared by the runs (its memory carried
 * from one to the next) and without.
 */
static void
test_tag_memo_blocks(void **state)
{
    size_t          i, k, len, elen;
    sf_rules_t     *r;
    sf_options_t    opt;
    sf_test_out_t   out;
    sf_scratch_t   *sc;
    char            in[16384], exp[16384];

    static const char  text[] =
        "rule buy\n"
        "    scope p li div\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n"
        "rule promo\n"
        "    scope div.promo-box-area\n"
        "    contains \"subscribe\"\n"
        "    action drop\n"
        "end\n"
        "rule wire\n"
        "    scope section.wire-area\n"
        "    contains \"from the wire\"\n"
        "    action drop\n"
        "end\n";
    static const char  *const pieces[][2] = {
        { "<div class=\"comments-area x\" id=\"c\"><p>buy it now please"
          "</p></div>\n", NULL },
        { "<div class=\"commerce-area x\" id=\"c\"><p>buy it now please"
          "</p></div>\n", "<div class=\"commerce-area x\" id=\"c\"></div>\n" },
        { "<div class=\"promo-box-area\">Subscribe <b>now</b></div>\n",
          "\n" },
        { "<div class=\"promo-box-arez\">Subscribe <b>now</b></div>\n",
          NULL },
        { "<!-- .entry-content -->\n", NULL },
        { "<section class=\"wire-area x\" id=\"w\">from the wire <b>x</b>"
          "</section>\n", "\n" },
        { "<section class=\"wire-arez x\" id=\"w\">from the wire <b>x</b>"
          "</section><!-- a -- b --><!----><!-- - -->\n", NULL },
        { "<div class=\"entry-content\" itemprop=\"text\"><p>k</p>"
          "<p>buy it now please</p></div>\n",
          "<div class=\"entry-content\" itemprop=\"text\"><p>k</p></div>\n" }
    };

    (void) state;

    r = sf_test_rules(text, 0);
    assert_non_null(r);
    sf_options_init(&opt);
    opt.canonical = 0;

    len = page_add(in, sizeof(in), 0, "<html><head><title>T</title></head>"
                   "<body><main>", 1);
    elen = page_add(exp, sizeof(exp), 0, in, 1);

    for (i = 0; i < 6; i++) {
        len = page_add(in, sizeof(in), len, "<article class=\"entry-item\">\n",
                       1);
        elen = page_add(exp, sizeof(exp), elen,
                        "<article class=\"entry-item\">\n", 1);

        /* the blocks in another order under every other entry */
        for (k = 0; k < 8; k++) {
            const char  *const *piece = pieces[i % 2 ? 7 - k : k];

            len = page_add(in, sizeof(in), len, piece[0], 1);
            elen = page_add(exp, sizeof(exp), elen,
                            piece[1] != NULL ? piece[1] : piece[0], 1);
        }

        len = page_add(in, sizeof(in), len, "</article>\n", 1);
        elen = page_add(exp, sizeof(exp), elen, "</article>\n", 1);
    }

    len = page_add(in, sizeof(in), len, "</main></body></html>", 1);
    elen = page_add(exp, sizeof(exp), elen, "</main></body></html>", 1);

    sf_test_check(r, &opt, in, len, exp, elen, &out);
    assert_int_equal(out.stats.blocks_removed, 24);
    sf_test_out_free(&out);

    sc = sf_scratch_create(r, &opt.limits, &sf_malloc_allocator);
    assert_non_null(sc);
    opt.scratch = sc;

    sf_test_check(r, &opt, in, len, exp, elen, &out);
    assert_int_equal(out.stats.blocks_removed, 24);
    sf_test_out_free(&out);

    check_tag_memo(r, &opt, in, pieces[7][0]);
    check_memo_route(r, &opt, in, pieces[3][0]);

    sf_scratch_destroy(sc);
    sf_rules_destroy(r);
}


static void
test_attr_blocks(void **state)
{
    sf_rules_t  *r;

    static const char  text[] =
        "rule buy\n"
        "    scope p li div\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n"
        "rule promo\n"
        "    scope div.promo\n"
        "    contains \"subscribe\"\n"
        "    action drop\n"
        "end\n"
        "rule wire\n"
        "    scope span.src\n"
        "    contains \"from the wire\"\n"
        "    action drop\n"
        "end\n";

#define PAGE(body)                                                           \
    "<html><head><title>T</title></head><body><main><article><p>a</p>"      \
    body "</article></main></body></html>"

    static const removal_case_t  cases[] = {

        /* a rule's scope names the block by its class */
        { PAGE("<div class=\"promo\">Subscribe <b>now</b></div><p>k</p>"),
          PAGE("<p>k</p>"), 1 },

        /* a container is not decided; its block and its text are */
        { PAGE("<div class=\"promo\"><p>k</p>subscribe</div>"), NULL, 0 },

        /* a comment area keeps what readers wrote */
        { PAGE("<div class=\"comments-area\"><p>buy it now please</p>"
               "<div>buy it now please</div></div>"), NULL, 0 },
        { PAGE("<div class=\"comments-area\">buy it now please</div>"
               "<p id=\"c\">buy it now please</p>"),
          PAGE("<div class=\"comments-area\">buy it now please</div>"), 1 },

        /* an element the rules let flow, with its id and class */
        { PAGE("<section class=\"s\" id=\"x\"><h2>T</h2>"
               "<p>buy it now please</p></section>"),
          PAGE("<section class=\"s\" id=\"x\"><h2>T</h2></section>"), 1 },

        /* an inline element a rule names splits the held one */
        { PAGE("<div class=\"d\">lead <span class=\"src\">from the wire"
               "</span> tail</div>"),
          PAGE("<div class=\"d\">lead  tail</div>"), 1 },

        /* phrasing blocks with attributes, a link in one */
        { PAGE("<p class=\"x\">buy it now <a href=\"/y\">please</a></p>"
               "<p id=\"q\">k</p>"),
          PAGE("<p id=\"q\">k</p>"), 1 }
    };

    (void) state;

    r = check_removals(text, cases, sizeof(cases) / sizeof(cases[0]), NULL);

#undef PAGE

    sf_rules_destroy(r);
}


/*
 * Blocks with inline tags, read whole from the input and decided by the
 * held way (sf_stream_whole_block): links as the rules read them (the
 * credit names the first one's address), a line break as a space, and an
 * inline element a rule names by its id splits the block as before.
 */
static void
test_whole_blocks(void **state)
{
    size_t         i;
    sf_options_t   opt;
    sf_test_out_t  out;

#define PAGE(body)                                                           \
    "<html><head><title>T</title></head><body><main><article><p>x</p>"      \
    body "</article></main></body></html>"

    static const struct {
        const char  *in;
        const char  *expected;
    } cases[] = {
        { PAGE("<p>The post <a href=\"https://a.example/x\">X</a> first "
               "appeared on <a href=\"https://a.example/\">A</a>.</p>"
               "<p>k</p>"),
          PAGE(CREDIT("https://a.example/x", "A") "<p>k</p>") },
        { PAGE("<p>buy<br>now</p><p>k</p>"), PAGE("<p>k</p>") },
        { PAGE("<p>a <span id=\"respond\">x</span> b</p><p>k</p>"),
          PAGE("<p>a  b</p><p>k</p>") },
        { PAGE("<p>one<br>two <em>three</em> <a href=\"/y\" rel=\"nofollow\">"
               "four</a></p>"), NULL },
        { PAGE("<p>a <code>buy now</code></p><p>k</p>"), NULL },
        { PAGE("<p>x <script>var a=\"<p>\";</script> buy now</p>"),
          PAGE("") },
        /*
         * links read by their address alone (sf_lexer_tag_link()): an
         * empty one names no source (no credit), a '>' in one is no end,
         * one with more attributes is read as before
         */
        { PAGE("<p>The post <a href=\"\">X</a> first appeared on "
               "<a href=\"https://a.example/a>b\">A</a>.</p><p>k</p>"),
          PAGE("<p>k</p>") },
        { PAGE("<p>The post <a href=\"https://a.example/a>b\">X</a> first "
               "appeared on <a href=\"https://a.example/\">A</a>.</p>"
               "<p>k</p>"),
          PAGE(CREDIT("https://a.example/a%3Eb", "A") "<p>k</p>") },
        { PAGE("<p>The post <a href=\"https://a.example/x\" rel=\"x\">X</a>"
               " first appeared on <a href=\"https://a.example/\">A</a>.</p>"
               "<p>k</p>"),
          PAGE(CREDIT("https://a.example/x", "A") "<p>k</p>") },
        /*
         * a link and a line break of more attributes than a class
         * (sf_stream_whole_attrs()): the link named, the break a space
         */
        { PAGE("<p>The post <a class=\"u\" href=\"https://a.example/x\" "
               "title=\"t\">X</a> first appeared on "
               "<a href=\"https://a.example/\">A</a>.</p><p>k</p>"),
          PAGE(CREDIT("https://a.example/x", "A") "<p>k</p>") },
        { PAGE("<p>buy<br class=\"c\" title=\"t\">now</p><p>k</p>"),
          PAGE("<p>k</p>") }
    };

    (void) state;

    sf_options_init(&opt);
    opt.canonical = 0;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_out(&opt, cases[i].in,
                  cases[i].expected ? cases[i].expected : cases[i].in, &out);
        sf_test_out_free(&out);
    }

#undef PAGE
}


/* The rules of a test of random pages of inline tags, and its seed. */
static sf_rules_t *
inline_rules(const char *text, const char *test, unsigned *seed)
{
    sf_rules_t  *r;

    r = sf_test_rules(text, 0);
    assert_non_null(r);
    *seed = random_seed(test);

    return r;
}


/* The options and the start of a random page of inline tags. */
static size_t
inline_page_head(sf_options_t *opt, char *page, size_t size)
{
    sf_options_init(opt);
    opt->canonical = 0;

    return page_add(page, size, 0,
                    "<html><head><title>T</title></head><body><main>"
                    "<article><p>first</p>\n", 1);
}


/*
 * The checks of the random pages of inline tags: page i (len bytes)
 * whole as byte by byte, one in eight in random chunks too, cut short at
 * each of its last back bytes before the tail, through small output
 * windows.
 */
static void
check_inline_page(const sf_rules_t *r, const sf_options_t *opt,
    const char *page, size_t len, size_t i, size_t back)
{
    size_t  cut, w;

    check_whole_as_bytes(r, opt, page, len, 65536);

    if (i % 8 == 0) {
        sf_test_check(r, opt, page, len, NULL, 0, NULL);
    }

    /* the input's end at each of the last block's bytes */
    for (cut = len - sizeof(PAGE_TAIL) - back; cut < len; cut++) {
        check_whole_as_bytes(r, opt, page, cut, 65536);
    }

    for (w = 1; w < 40; w += 3) {
        check_whole_as_bytes(r, opt, page, len, w);
    }
}


/*
 * The fixed page of inline tags (len bytes so far) ended and checked as
 * above, then with text buffers of 1 to 23 bytes, which a line break's
 * space fills or overflows (opt's max_text left at 23).
 */
static void
check_inline_fixed(const sf_rules_t *r, sf_options_t *opt, char *page,
    size_t size, size_t len)
{
    size_t  i;

    len = page_add(page, size, len, PAGE_TAIL, 1);
    check_inline_page(r, opt, page, len, 0, 80);

    for (i = 1; i < 24; i++) {
        opt->limits.max_text = i;
        check_whole_as_bytes(r, opt, page, len, 65536);
    }
}


/*
 * The pages of test_whole_plain_tags() and test_whole_close_tags(), and
 * their checks: 64 pages of 8 paragraphs, divs and spans of words and
 * tags[] (one of tags[nkept..ntags] one pick in sixteen), where the
 * literal a rule drops has its words apart by a space, one of the first
 * nsep tags or another; whole as byte by byte and in random chunks, cut
 * short at each of the last block's bytes, through small output windows
 * and with a text buffer the blocks overflow.
 */
static void
check_whole_tag_pages(const char *name, const char *const *tags,
    size_t ntags, size_t nkept, size_t nsep)
{
    size_t         len, i, j, k, n;
    unsigned       seed, x;
    sf_rules_t    *r;
    sf_options_t   opt;
    char           page[32768];

    static const char  text[] =
        "rule buy\n"
        "    scope p div span.ad\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n";
    static const char  *words[] = {
        "buy", "it", "now", "please", " ", "x", "buy it now please", "\n"
    };
    static const char  *heads[] = {
        "<p>", "<div>", "<span class=\"ad\">", "<p class=\"c\">"
    };
    static const char  *closes[] = { "</p>", "</div>", "</span>", "</p>" };

    r = inline_rules(text, name, &seed);

    for (i = 0; i < 64; i++) {
        len = inline_page_head(&opt, page, sizeof(page));

        for (j = 0; j < 8; j++) {
            x = next_random(&seed);
            len = page_add(page, sizeof(page), len, heads[x % 4], 1);

            for (n = (x >> 3) % 24; n > 0; n--) {
                x = next_random(&seed);
                len = page_add(page, sizeof(page), len,
                               x % 3 != 0 ? words[(x >> 4) % 8]
                               : (x >> 12) % 16 == 0 ? tags[(x >> 4) % ntags]
                               : tags[(x >> 4) % nkept], 1);

                /* the literal, its words apart by a tag or a space */
                if (x % 7 == 0) {
                    for (k = 0; k < 4; k++) {
                        x = next_random(&seed);
                        len = page_add(page, sizeof(page), len, words[k], 1);
                        len = page_add(page, sizeof(page), len,
                                       x % 3 == 0 ? " "
                                       : x % 3 == 1 ? tags[(x >> 4) % nsep]
                                       : tags[(x >> 4) % nkept],
                                       k < 3);
                    }
                }
            }

            x = next_random(&seed);
            len = page_add(page, sizeof(page), len, closes[x % 4], 1);
            len = page_add(page, sizeof(page), len, "\n", (x >> 3) % 2);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

        check_inline_page(r, &opt, page, len, i, 60);

        opt.limits.max_text = 4 + i % 24;
        check_whole_as_bytes(r, &opt, page, len, 65536);
    }

    sf_rules_destroy(r);
}


/*
 * Bare inline tags and tags of one class in blocks read whole ("<span>",
 * "</strong>", "<br>", "<span class=\"x\">", sf_stream_whole_plain())
 * against the held way: random paragraphs and divs of words and tags,
 * known inline names and others (a link, code, blocks, unknown, upper
 * case, a '/' or a space before the '>', names of one to eleven bytes,
 * classes empty, in single quotes, with a '>', a rule names or not, more
 * attributes), a span held by its class with spans inside, and a
 * literal a rule drops that a line break's space completes; whole as
 * byte by byte and in random chunks, cut short at each of the last
 * block's bytes (a buffer of that size), through small output windows
 * and with a text buffer the blocks overflow.
 */
static void
test_whole_plain_tags(void **state)
{
    static const char  *tags[] = {
        "<br>", "</br>", "<span>", "</span>", "<strong>", "</strong>",
        "<em>", "</em>", "<b>", "</b>", "<i>", "<small>", "</small>",
        "<cite>", "<label>", "</button>", "<select>", "<input>", "<img>",
        "<a>", "</a>", "<code>", "</code>", "<u>", "</time>", "<BR>",
        "<br/>", "<span >", "<p>", "</div>", "<abbr>", "<bR>", "<hr>",
        "<span class=\"ad\">", "<strongest>", "</strongest>", "<>",
        "</>", "<script>", "<selected>", "<em", "<br >", "</small >",
        "<span class=\"x\">", "<em class=\"y z\">", "<b class=\"\">",
        "<span class=\"x\" id=\"a\">", "<br class=\"c\">",
        "<strong class=\"ad\">", "<span  class=\"x\">",
        "<span class='x'>", "<SPAN class=\"x\">", "<span class=\"a>b\">",
        "<a class=\"x\">", "<p class=\"x\">", "<span class=\"ad x\">",
        "<button class=\"x\">", "<span class=\"x\"/>", "<time class=\"x\">"
    };
    const size_t  ntags = sizeof(tags) / sizeof(tags[0]);

    (void) state;

    /* the literal's words apart by a line break or any tag */
    check_whole_tag_pages("test_whole_plain_tags", tags, ntags, ntags, 2);
}


/*
 * Bare end tags in blocks read whole ("</span>", "</time>",
 * sf_stream_whole_close()) against the held way: random paragraphs,
 * divs and spans of words and end tags of one to eleven bytes of name,
 * known inline names and unknown ones, a line break's ("</br>": a
 * space), a link's, the block's own, a block's, raw text's and code's,
 * in upper case, with a space or a byte no name has; the literal a
 * rule drops, its words apart by a line break's end tag or another;
 * whole as byte by byte and in random chunks, cut short at each of the
 * last block's bytes, through small output windows and with a text
 * buffer the blocks overflow.
 */
static void
test_whole_close_tags(void **state)
{
    static const char  *tags[] = {
        /* those the held way takes in a block read whole */
        "</br>", "</BR>", "</bR>", "</span>", "</strong>", "</em>", "</b>",
        "</i>", "</small>", "</cite>", "</label>", "</select>", "</button>",
        "</input>", "</time>", "</u>", "</abbr>", "</mark>", "</a>",
        "<a href=\"/x\">", "</span >", "</Span>", "</strongest>",
        "</selects>", "</x-y>", "</a1>", "</img>", "<br>", "<span>",
        "</span/>", "</time\n>", "</tt>", "</q>", "</hr>",
        /* and those that end the block, or that it does not read */
        "</code>", "<code>", "</p>", "</div>", "</li>", "</h1>", "</1a>",
        "</>", "</ >", "</script>", "</title>", "</template>",
        "</figcaption>"
    };
    const size_t  ntags = sizeof(tags) / sizeof(tags[0]);

    (void) state;

    /* the literal's words apart by "</br>" or a tag the held way takes */
    check_whole_tag_pages("test_whole_close_tags", tags, ntags, 34, 1);
}


/*
 * Links with a rel or a target after the address, in blocks read whole
 * (sf_stream_whole_link_rel()), against the held way: random paragraphs
 * of words and links whose address (empty, with a '>', one a rule names)
 * is followed by 0 to 3 attributes of those and others (empty, twice,
 * upper case, single quotes, no quotes, two spaces, a class, an id, a
 * title) and a '>' written otherwise or not; rules read the rel, the
 * address, the count and text of the links, and take a source from the
 * first; whole as byte by byte, cut short at each of the last block's
 * bytes, through small output windows, more links than the table keeps.
 */
static void
test_whole_link_attrs(void **state)
{
    size_t         len, i, j, k, n;
    unsigned       seed, x;
    sf_rules_t    *r;
    sf_options_t   opt;
    char           page[32768];

    static const char  text[] =
        "rule rel\n"
        "    scope p\n"
        "    link-rel 1 \"nofollow\"\n"
        "    action drop\n"
        "end\n"
        "rule href\n"
        "    scope p\n"
        "    link-href -1 \"drop.example\"\n"
        "    action drop\n"
        "end\n"
        "rule three\n"
        "    scope p\n"
        "    links >= 3\n"
        "    link-text 2 \"two\"\n"
        "    action drop\n"
        "end\n"
        "rule src\n"
        "    scope p\n"
        "    contains \"via\"\n"
        "    action drop-source link 1 name 2\n"
        "end\n";
    static const char  *hrefs[] = {
        "<a href=\"https://a.example/x\"", "<a href=\"\"",
        "<a href=\"https://drop.example/\"", "<a href=\"/y>z\"",
        "<a href=\"https://b.example/a-rather-long-address/of-a-post/\"",
        "<a HREF=\"https://a.example/\"", "<a  href=\"/x\""
    };
    static const char  *attrs[] = {
        " rel=\"nofollow\"", " rel=\"noopener\"", " rel=\"\"",
        " target=\"_blank\"", " target=\"\"", " REL=\"nofollow\"",
        " rel='nofollow'", " title=\"t\"", " class=\"c\"", " id=\"i\"",
        "  rel=\"nofollow\"", " rel=\"a>b\"", " rel=nofollow",
        " rel=\"noopener NoFollow\"", " target=\"_blank\"",
        " rel=\"nofollow\""
    };
    static const char  *ends[] = { ">", ">", ">", " >", "/>", ">" };
    static const char  *words[] = {
        "via", "one", "two", " ", "x", "</a>", "<br>", "\n"
    };

    (void) state;

    r = inline_rules(text, "test_whole_link_attrs", &seed);

    for (i = 0; i < 48; i++) {
        len = inline_page_head(&opt, page, sizeof(page));

        for (j = 0; j < 8; j++) {
            len = page_add(page, sizeof(page), len, "<p>", 1);
            seed = seed * 1103515245u + 12345u;

            for (n = (seed >> 11) % 16; n > 0; n--) {
                x = next_random(&seed);

                if (x % 3 != 0) {
                    len = page_add(page, sizeof(page), len,
                                   words[(x >> 4) % 8], 1);
                    continue;
                }

                len = page_add(page, sizeof(page), len,
                               hrefs[(x >> 4) % 7], 1);

                for (k = (x >> 8) % 4; k > 0; k--) {
                    x = next_random(&seed);
                    len = page_add(page, sizeof(page), len,
                                   attrs[(x >> 4) % 16], 1);
                }

                len = page_add(page, sizeof(page), len,
                               ends[(x >> 9) % 6], 1);
                len = page_add(page, sizeof(page), len,
                               words[(x >> 12) % 3], 1);
                len = page_add(page, sizeof(page), len, "</a>",
                               (x >> 14) % 5 != 0);
            }

            len = page_add(page, sizeof(page), len, "</p>\n", 1);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

        check_inline_page(r, &opt, page, len, i, 80);

        opt.limits.max_links = 1 + i % 3;
        check_whole_as_bytes(r, &opt, page, len, 65536);
    }

    sf_rules_destroy(r);
}


/*
 * One random inline tag of test_whole_attr_tags() at len in page: a name
 * (the first six, the commonest, one time in two), 0 to 4 attributes, an
 * end, and one time in four the literal around it, its words apart by
 * the tag alone.
 */
static size_t
attr_tag_add(char *page, size_t size, size_t len, unsigned *seed)
{
    size_t    k;
    unsigned  x, lit;

    static const char  *names[] = {
        "<span", "<time", "<a", "<Span class=\"x\"", "<sPan class=\"x\"",
        "<span class=\"x\"", "<img", "<em", "<br", "<abbr", "<strong",
        "<code", "<p", "<div", "<h1", "<x1", "<TIME", "<Span", "<button",
        "<figcaption", "<label", "<u", "<nav", "<i", "<b", "</span",
        "<span-x", "<q9", "<cite"
    };
    static const char  *attrs[] = {
        " class=\"x\"", " class=\"ad\"", " class=\"\"", " id=\"i\"",
        " id=\"j\"", " id=\"\"", " href=\"https://a.example/x\"",
        " href=\"\"", " href=\"https://drop.example/\"",
        " rel=\"nofollow\"", " rel=\"\"", " itemprop=\"name\"",
        " itemscope", " datetime=\"2024-02-20T06:12:44+00:00\"",
        " title=\"a>b\"", " CLASS=\"ad\"", " class='ad'", " data-x=y",
        " class", " id", " href", "  class=\"x\"", " xml:lang=\"en\"",
        " aria-label=\"a label longer than sixteen bytes, and more\"",
        " itemtype=\"https://schema.org/Person\"", " a_b=\"c\"",
        " rel=\"nofollow\"", " class=\"ad x\"", " ID=\"i\"",
        " data-a-rather-long-name=\"v\"", " c=\"\"", " x=\"i\""
    };
    static const char  *ends[] = { ">", ">", ">", " >", "/>", "" };

    x = next_random(seed);
    lit = (x >> 20) % 4 == 0;
    len = page_add(page, size, len, "buy ", lit);
    len = page_add(page, size, len,
                   names[(x >> 4) % 2
                         ? (x >> 5) % 6
                         : (x >> 5) % (sizeof(names) / sizeof(names[0]))],
                   1);

    for (k = (x >> 12) % 5; k > 0; k--) {
        len = page_add(page, size, len, attrs[(next_random(seed) >> 4) % 32],
                       1);
    }

    len = page_add(page, size, len, ends[(x >> 9) % 6], 1);

    return page_add(page, size, len, "it now please", lit);
}


/*
 * Inline start tags with attributes in blocks read whole
 * (sf_stream_whole_attrs(), and names the engine does not know in
 * sf_stream_whole_plain()) against the held way: first tags a rule names
 * by their class or id, then random paragraphs, divs and spans of words
 * and tags, each a name (known inline ones, the block's own, a link,
 * code, blocks, unknown, upper case, long) and 0 to 4 attributes (an id
 * or a class a rule names or not, empty, twice, bare, in upper case, in
 * single quotes, unquoted, two spaces, a '>' in a value, long values,
 * names of 1 to 15 bytes and more, links' href and rel that rules read),
 * then a '>' written otherwise or not; whole as byte by byte and in
 * random chunks, cut short at each of the last block's bytes (a buffer
 * of that size), through small output windows, with a text buffer the
 * blocks overflow and more links than kept.
 */
static void
test_whole_attr_tags(void **state)
{
    size_t         len, i, b, n;
    unsigned       seed, x;
    char           page[32768];
    sf_options_t   opt;
    sf_rules_t    *r;

    /* a block with the literal, a tag named by its id or class in it */
    static const char  text[] =
        "rule named\n"
        "    scope p div .ad \"#i\" span.x\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n"
        "rule href\n"
        "    scope div p\n"
        "    link-href 1 \"drop.example\"\n"
        "    action drop\n"
        "end\n"
        "rule rel\n"
        "    scope p\n"
        "    link-rel -1 \"nofollow\"\n"
        "    action drop\n"
        "end\n";
    static const char  *words[] = {
        "buy", "it", "now", "please", " ", "x", "buy it now please", "\n",
        "</a>", "</time>", "</span>", "</TIME>"
    };
    /* a block's start and its end tag, one after the other */
    static const char  *blocks[] = {
        "<p>", "</p>", "<div>", "</div>", "<span class=\"ad\">", "</span>",
        "<p class=\"c\">", "</p>\n", "<div class=\"d\">", "</div>\n"
    };
    static const char  *named[] = {
        "<span class=\"x\">", "<Span class=\"x\">", "<SPAN class=\"x\">",
        "<span title=\"t\" class=\"x\">", "<Span class=\"x\" title=\"t\">",
        "<span id=\"i\" title=\"t\">", "<time id=\"i\" title=\"t\">",
        "<time class=\"ad\">", "<span class=\"y\" CLASS=\"x\">",
        "<span class=\"y\" title=\"t\">", "<span class=\"x\" id>",
        "<span class=\"x\" class=\"y\">", "<span id=\"i\" t=\"\" id=\"j\">",
        "<span title=\"t\" class='x'>", "<span title=\"\" id='i' t=\"\">",
        "<span class=\"x\" title=\"t\">", "<a class=\"x\" href=\"/h\">"
    };

    (void) state;

    r = inline_rules(text, "test_whole_attr_tags", &seed);
    len = inline_page_head(&opt, page, sizeof(page));

    /*
     * the literal in a span named by its class, more attributes after it
     * (sf_stream_whole_attrs() on from the class sf_stream_whole_plain()
     * read): the span dropped, not its block; as the byte by byte run
     * reads it the same way, the output is told here
     */
    sf_test_str(r, &opt,
                "<html><head><title>T</title></head><body><main><article>"
                "<p>first</p>\n<p>w <span class=\"x\" title=\"t\">buy it "
                "now please</span> x</p>\n" PAGE_TAIL,
                "<html><head><title>T</title></head><body><main><article>"
                "<p>first</p>\n<p>w  x</p>\n" PAGE_TAIL);

    for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        len = page_add(page, sizeof(page), len, "<p>buy it now please ", 1);
        len = page_add(page, sizeof(page), len, named[i], 1);
        len = page_add(page, sizeof(page), len, "w</span> x</p>\n", 1);
    }


    check_inline_fixed(r, &opt, page, sizeof(page), len);

    for (i = 0; i < 64; i++) {
        len = inline_page_head(&opt, page, sizeof(page));

        /* eight blocks of up to 15 words and tags, a third of them tags */
        for (b = 0; b < 8; b++) {
            x = next_random(&seed);
            len = page_add(page, sizeof(page), len, blocks[2 * (x % 5)], 1);

            for (n = (x >> 3) % 16; n > 0; n--) {
                x = next_random(&seed);
                len = (x % 3 != 0)
                      ? page_add(page, sizeof(page), len,
                                 words[(x >> 4) % 12], 1)
                      : attr_tag_add(page, sizeof(page), len, &seed);
            }

            len = page_add(page, sizeof(page), len,
                           blocks[2 * (next_random(&seed) % 5) + 1], 1);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);
        opt.limits.max_links = (i % 2) ? 1 + i % 3 : opt.limits.max_links;
        check_inline_page(r, &opt, page, len, i, 80);
        opt.limits.max_text = 4 + i % 24;
        check_whole_as_bytes(r, &opt, page, len, 65536);
    }

    sf_rules_destroy(r);
}


/*
 * Blocks read whole whose inline tags go first to the readers that leave
 * the lexer alone (a line break, a span's end, one class, a link, an
 * image) and then to one the lexer reads (sf_stream_whole_save(): the
 * lexer kept only there, its attribute record with the spans the start
 * tag has): code, a class in single quotes, an unquoted value, an id a
 * rule names, a block's start; the held way must then find the start
 * tag as it was, its id and class (the second or third attribute) a rule
 * names the block by (and a span's class in upper case, which the
 * names' quick look in sf_stream_attr_name() leaves to the whole one).
 * A text buffer the line breaks' spaces fill, then overflow.  Links of
 * one class alone or more attributes go to
 * the lexer's way or sf_stream_whole_attrs() (sf_stream_whole_plain()
 * tells them by their name first), which rules count.  Whole as byte by
 * byte and in random chunks, cut short, through small output windows.
 */
static void
test_whole_lexer_kept(void **state)
{
    size_t         len, i, b, n;
    unsigned       seed, x;
    char           page[32768];
    sf_options_t   opt;
    sf_rules_t    *r;

    static const char  text[] =
        "rule named\n"
        "    scope p.c \"#k\" div.d\n"
        "    contains \"buy it now please\"\n"
        "    action drop\n"
        "end\n"
        "rule links\n"
        "    scope p div\n"
        "    links >= 2\n"
        "    contains \"two links\"\n"
        "    action drop\n"
        "end\n"
        "rule ad\n"
        "    scope span.ad \"#i\"\n"
        "    action drop\n"
        "end\n";
    static const char  *heads[] = {
        "<p class=\"c\">", "</p>", "<p id=\"k\" class=\"c\">", "</p>",
        "<p title=\"t\" lang=\"en\" class=\"c\">", "</p>\n",
        "<div class=\"d\">", "</div>", "<p>", "</p>",
        "<div title=\"x\" id=\"k\">", "</div>\n",
        "<p class=\"e\" id=\"j\">", "</p>"
    };
    static const char  *words[] = {
        "buy it now please", "two links", "buy", " ", "x", "\n",
        "<br>", "</span>", "<span class=\"x\">", "<em>", "</em>",
        "<a href=\"/x\">", "</a>", "<a class=\"x\">", "<a class=\"x\" "
        "href=\"/y\">", "<img src=\"/i.png\" alt=\"an image of a size\">",
        "<a href=\"/z\" rel=\"nofollow\">", "<strong>", "</strong>",
        "<br class=\"z\">"
    };
    static const char  *lexed[] = {
        "<code>", "</code>", "<span class='x'>", "<em title=t>",
        "<span class=\"ad\">", "<b id=\"i\">", "<span id=i>", "<p>",
        "<div>", "<a class='x'>", "<q>", "</q>"
    };
    static const char  *fixed[] = {
        "<p class=\"c\">buy it<br class=\"z\">now please</p>\n",
        "<p>two<a class=\"x\">links</a> <a href=\"/y\">b</a></p>\n",
        "<p>two <a class=\"x\" href=\"/y\">links</a> <a href=\"/z\">"
        "b</a></p>\n",
        "<p id=\"j\" lang=\"en\" class=\"c\">buy it<br>now "
        "<code>x</code> please</p>\n",
        "<p title=\"t\" class=\"c\">buy it</span> now please<q>x</q></p>\n",
        "<div title=\"x\" id=\"k\"><img src=\"/i.png\" alt=\"an image of "
        "a size\">buy it now please<span class='x'>y</span></div>\n",
        "<p>x <span title=\"t\" CLASS=\"ad\">buy</span> y <span "
        "itemprop=\"a\" Class=\"ad\">z</span></p>\n",
        "<p>a<br>b<br>c<br class=\"z\">d<br>e<br><br><br>f<br>g<br>h"
        "<br>i</p>\n",
        "<p class=\"c\">buy it now please<br></p>\n<p>a<br></p>\n"
        "<p>ab<br class=\"z\"></p>\n<p>abc<br><br></p>\n"
    };

    (void) state;

    r = inline_rules(text, "test_whole_lexer_kept", &seed);

    /* first each shape once: a line break of a class is a space too */
    len = inline_page_head(&opt, page, sizeof(page));

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        len = page_add(page, sizeof(page), len, fixed[i], 1);
    }

    check_inline_fixed(r, &opt, page, sizeof(page), len);

    for (i = 0; i < 64; i++) {
        len = inline_page_head(&opt, page, sizeof(page));

        for (b = 0; b < 8; b++) {
            x = next_random(&seed);
            len = page_add(page, sizeof(page), len, heads[2 * (x % 7)], 1);

            for (n = (x >> 3) % 12; n > 0; n--) {
                x = next_random(&seed);
                len = page_add(page, sizeof(page), len,
                               (x % 5 != 0)
                               ? words[(x >> 4) % (sizeof(words)
                                                   / sizeof(words[0]))]
                               : lexed[(x >> 4) % (sizeof(lexed)
                                                   / sizeof(lexed[0]))],
                               1);
            }

            len = page_add(page, sizeof(page), len,
                           heads[2 * (next_random(&seed) % 7) + 1], 1);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);
        check_inline_page(r, &opt, page, len, i, 80);
    }

    sf_rules_destroy(r);
}


/* The rules of the containers' tests: captions, divs and figures held. */
#define CONTAINER_RULES                                                      \
    "rule buy\n"                                                             \
    "    scope p figcaption div\n"                                           \
    "    contains \"buy it now please\"\n"                                   \
    "    action drop\n"                                                      \
    "end\n"                                                                  \
    "rule figure\n"                                                          \
    "    scope figure div\n"                                                 \
    "    contains \"a figure no page has\"\n"                                \
    "    action drop\n"                                                      \
    "end\n"


/*
 * A held figure opened as a container at its caption (sf_stream_whole_block)
 * reads the caption and, right after it, the figure's own end tag in the
 * same turn (sf_stream_first_block); byte by byte neither ever happens, so
 * the same output and counts both ways are the test.  Around it: captions
 * kept, removed, with inline tags or entities, a credit queued by one, end
 * tags written otherwise or not next, blocks after the caption, a div the
 * rules hold, a figure with attributes, a comment area's end; then the
 * figure at every offset of a 4 KiB output window, more of them than the
 * open elements kept (a figure left open would be told).
 */
static void
test_container_first_block(void **state)
{
    size_t         len, pad;
    sf_rules_t    *r;
    sf_options_t   opt;
    sf_test_out_t  out;
    char           page[8192];

    static const char  text[] = CONTAINER_RULES;

#define FIG(cap)                                                             \
    "<figure><img src=\"a.jpg\" alt=\"\"><figcaption>" cap                  \
    "</figcaption></figure>\n"
#define PAGE(body)                                                           \
    "<html><head><title>T</title></head><body><main><article><p>a</p>"      \
    body "</article></main></body></html>"

    static const removal_case_t  cases[] = {

        /* kept, removed, with inline tags, an entity, a long caption */
        { PAGE(FIG("c") FIG("d") "<p>k</p>"), NULL, 0 },
        { PAGE(FIG("buy it now please") FIG("c")),
          PAGE("<figure><img src=\"a.jpg\" alt=\"\"></figure>\n" FIG("c")),
          1 },
        { PAGE(FIG("c <em>d</em>") FIG("buy it <b>now</b> please")
               FIG("caf&eacute;") FIG("A caption of some length, longer "
                                      "than the tables keep unread")),
          PAGE(FIG("c <em>d</em>") "<figure><img src=\"a.jpg\" alt=\"\">"
               "</figure>\n" FIG("caf&eacute;") FIG("A caption of some "
                                                    "length, longer than "
                                                    "the tables keep "
                                                    "unread")), 1 },

        /* the figure's end written otherwise, or not right after */
        { PAGE("<figure><img src=\"a.jpg\"><figcaption>c</figcaption>"
               "</FIGURE><figure><img src=\"a.jpg\"><figcaption>c"
               "</figcaption></figure ><figure><img src=\"a.jpg\">"
               "<figcaption>c</figcaption> </figure><figure><img src=\"b\">"
               "<figcaption>c</figcaption>tail</figure>"), NULL, 0 },

        /* more blocks after the caption, two captions, one in a figure */
        { PAGE("<figure><img src=\"a.jpg\"><figcaption>c</figcaption>"
               "<p>buy it now please</p></figure><figure><img src=\"b\">"
               "<figcaption>c</figcaption><figcaption>d</figcaption>"
               "</figure><figure><img src=\"c\"><figure><img src=\"d\">"
               "<figcaption>e</figcaption></figure></figure>"),
          PAGE("<figure><img src=\"a.jpg\"><figcaption>c</figcaption>"
               "</figure><figure><img src=\"b\"><figcaption>c</figcaption>"
               "<figcaption>d</figcaption></figure><figure><img src=\"c\">"
               "<figure><img src=\"d\"><figcaption>e</figcaption></figure>"
               "</figure>"), 1 },

        /* a div the rules hold, a figure with attributes, a caption's id */
        { PAGE("<div><img src=\"a\"><p>c</p></div><div><br><p>buy it now "
               "please</p></div><figure class=\"wp-block-image\" id=\"f\">"
               "<img src=\"a\"><figcaption>c</figcaption></figure>"
               "<figure><img src=\"a\"><figcaption id=\"x\">c</figcaption>"
               "</figure>"),
          PAGE("<div><img src=\"a\"><p>c</p></div><div><br></div>"
               "<figure class=\"wp-block-image\" id=\"f\"><img src=\"a\">"
               "<figcaption>c</figcaption></figure><figure><img src=\"a\">"
               "<figcaption id=\"x\">c</figcaption></figure>"), 1 },

        /* a comment area's end: what follows is no comment */
        { PAGE("<div class=\"comments-area\"><img src=\"a\"><p>buy it now "
               "please</p></div><p>buy it now please</p><p>k</p>"),
          PAGE("<div class=\"comments-area\"><img src=\"a\"><p>buy it now "
               "please</p></div><p>k</p>"), 1 },

        /* an end tag of the same length is not the figure's */
        { PAGE("<figure class=\"comments-area\"><img src=\"a\"><figcaption>"
               "c</figcaption></footer><p>buy it now please</p></figure>"
               "<p>buy it now please</p>"),
          PAGE("<figure class=\"comments-area\"><img src=\"a\"><figcaption>"
               "c</figcaption></footer><p>buy it now please</p></figure>"),
          1 }
    };

    (void) state;

    r = check_removals(text, cases, sizeof(cases) / sizeof(cases[0]), &opt);

    /* the figure's end tag at every place of an output window's edge */
    for (pad = 0; pad < 90; pad++) {
        len = page_add(page, sizeof(page), 0, PAGE("<p>"), 1)
              - (sizeof(PAGE_TAIL) - 1);
        len = page_add(page, sizeof(page), len, "x", pad);
        len = page_add(page, sizeof(page), len, "</p>", 1);
        len = page_add(page, sizeof(page), len, FIG("c"), 80);
        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

        sf_test_check(r, &opt, page, len, page, len, &out);
        sf_test_out_free(&out);
    }

#undef FIG
#undef PAGE

    sf_rules_destroy(r);
}


/*
 * A container's lone first block (sf_stream_first_lone(): a caption, an
 * end tag after it, and the container's own end taken in the same copy
 * when it is that one) against the held way: random figures and divs
 * the rules hold (images, text or a line break before the caption), at
 * the entry's start or after its first block, with captions short and
 * long (entities, UTF-8, inline tags, a literal a rule drops; the
 * built-in pack's tables keep longer ones), the title again after some
 * (dropped as the entry's first block), and after the caption the
 * container's end as written or not, another end tag, a block, a second
 * caption, text or nothing (and after the container white space or
 * none), come out whole as byte by byte; so do they cut short at each of
 * their last bytes, through output windows up to a figure's size and
 * with a hold-back and a text buffer around it; more figures than the
 * open elements kept now and then.
 */
static void
test_container_lone(void **state)
{
    size_t         len, cut, w, i, j, k, n;
    unsigned       seed, x;
    sf_rules_t    *sets[2];
    sf_options_t   opt;
    char           page[16384];

    static const char  text[] =
        CONTAINER_RULES
        "rule lead\n"
        "    scope p figcaption\n"
        "    title\n"
        "    position first\n"
        "    action drop\n"
        "end\n";
    static const char  *heads[] = {
        "<figure><img src=\"a.jpg\" alt=\"\">", "<figure><br>",
        "<div><img src=\"b\">", "<figure class=\"c\"><img src=\"a\">",
        "<figure><img src=\"a.jpg\" alt=\"\">",
        "<figure><img src=\"a.jpg\" alt=\"\">x y",
        "<div><img src=\"b\"><img src=\"c\" alt=\"\">"
    };
    static const char  *closes[] = {
        "</figure>", "</div>", "</figure>", "</figure>", "</figure>",
        "</figure>", "</div>"
    };
    static const char  *afters[] = {
        "", "", "", " ", "</FIGURE>", "</figure >", "</div>", "</p>",
        "<p>k</p>", "<figcaption>d</figcaption>", "tail", "</fig>",
        "</figures>", "\n"
    };
    static const char  *odd[] = {
        "&amp;", "\xc3\xa9", "<b>x</b>", "buy it now please", "<br>", "&",
        "\x80", "<a href=\"/x\">l</a>"
    };
    static const char  *spaces[] = {
        "", "\n", "\n", " ", "\n\n", "\nx y", "\t"
    };

    (void) state;

    /* the built-in pack's tables keep longer captions */
    sets[0] = sf_test_rules(text, 0);
    sets[1] = sf_test_rules(NULL, 1);
    assert_true(sets[0] != NULL && sets[1] != NULL);
    seed = random_seed("test_container_lone");

    for (i = 0; i < 48; i++) {
        sf_options_init(&opt);
        opt.canonical = 0;

        len = page_add(page, sizeof(page), 0,
                       "<html><head><title>T</title></head><body><main>"
                       "<article>", 1);

        if (i % 3 != 0) {
            len = page_add(page, sizeof(page), len, "<p>first</p>\n", 1);
        }

        /* now and then more figures than the open elements kept */
        for (j = 0; j < (i % 4 == 3 ? 70 : 6); j++) {
            x = next_random(&seed);
            k = x % 7;
            len = page_add(page, sizeof(page), len, heads[k], 1);
            len = page_add(page, sizeof(page), len, "<figcaption>", 1);

            /* mostly short and plain: the tables keep those */
            for (n = (x >> 4) % ((x >> 12) % 4 == 0 ? 90 : 24); n > 0; n--) {
                x = next_random(&seed);

                if (x % 41 == 0) {
                    len = page_add(page, sizeof(page), len,
                                   odd[(x >> 6) % 8], 1);

                } else {
                    page[len++] = "ab cdxyz."[(x >> 6) % 9];
                    page[len] = '\0';
                }
            }

            x = next_random(&seed);
            len = page_add(page, sizeof(page), len,
                           x % 17 == 0 ? "</figcaption >" : "</figcaption>",
                           1);
            len = page_add(page, sizeof(page), len,
                           (x >> 5) % 3 == 0 ? afters[(x >> 7) % 14] : "", 1);
            len = page_add(page, sizeof(page), len, closes[k], 1);
            len = page_add(page, sizeof(page), len, spaces[(x >> 11) % 7], 1);

            /* the title again: dropped when the entry's first block */
            len = page_add(page, sizeof(page), len,
                           (x >> 13) % 4 == 0 ? "<p>T</p>" : "", 1);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

        check_whole_as_bytes(sets[i % 2], &opt, page, len, 65536);

        /* the input's end at each of the last figure's bytes */
        for (cut = len - 120; cut < len; cut++) {
            check_whole_as_bytes(sets[i % 2], &opt, page, cut, 65536);
        }

        /* output windows up to a figure's size and more */
        for (w = 1; w < 120; w++) {
            check_whole_as_bytes(sets[i % 2], &opt, page, len, w);
        }

        /* a hold-back, then a text buffer, around a caption's */
        opt.limits.max_holdback = 64 + i % 24;
        check_whole_as_bytes(sets[i % 2], &opt, page, len, 65536);
        opt.limits.max_holdback = 16384;
        opt.limits.max_text = 4 + i % 32;
        check_whole_as_bytes(sets[i % 2], &opt, page, len, 65536);
    }

    sf_rules_destroy(sets[0]);
    sf_rules_destroy(sets[1]);
}


/*
 * The credit a container's first block brings (builtin rules, which hold
 * a div by its name): queued, so that the container's end waits for the
 * loop.
 */
static void
test_container_credit(void **state)
{
    sf_options_t   opt;
    sf_test_out_t  out;

    static const char  in[] =
        "<html><head><title>T</title></head><body><main><article><p>x</p>"
        "<div><img src=\"a.jpg\"><p>The post <a href=\""
        "https://a.example/x\">X</a> first appeared on <a href=\""
        "https://a.example/\">A</a>.</p></div><p>k</p>"
        "</article></main></body></html>";

    (void) state;

    sf_options_init(&opt);
    opt.canonical = 0;
    check_out(&opt, in, NULL, &out);
    assert_int_equal(out.stats.credits, 1);
    sf_test_out_free(&out);
}


/*
 * The end tag right after a run of short blocks, or after a container's
 * first block, is read in the same turn (sf_stream_fast_tag()) and sent
 * from the input only when the window has the room, the queue not
 * checked: bytes wait only while the window is full.  A credit longer
 * than the footer it replaces ('&' in its URL written "&amp;") is decided
 * from the input when the window takes the footer, and the part the
 * window does not take is queued: the queue holds bytes, the hold-back
 * none, when the end tag is read.  Some of the windows from 1 to 400
 * bytes end there (sf_test_check()'s windows do not); through each, the
 * end tag must come after the whole credit.
 */
static void
check_queued_end(const sf_rules_t *r, const sf_options_t *opt,
    const char *in, const char *expected, unsigned *seed)
{
    size_t          len, w;
    sf_test_out_t   out;

    len = strlen(in);

    sf_test_check(r, opt, in, len, expected, strlen(expected), NULL);

    for (w = 1; w <= 400; w++) {
        sf_test_run(r, opt, (const unsigned char *) in, len,
                    w % 2 ? 0 : (size_t) -1, seed, w, &out);

        if (out.rc != SF_OK || out.len != strlen(expected)
            || memcmp(out.data, expected, out.len) != 0)
        {
            fprintf(stderr, "window %zu:\n%.*s\n", w, (int) out.len,
                    (const char *) out.data);
            fail_msg("the output differs through a window of %zu bytes", w);
        }

        assert_int_equal(out.stats.credits, 1);
        sf_test_out_free(&out);
    }
}


static void
test_run_end_queued(void **state)
{
    unsigned       seed;
    sf_rules_t    *r;
    sf_options_t   opt;

    static const char  text[] =
        "rule footer\n"
        "    scope p li div anon\n"
        "    contains \"first appeared on\"\n"
        "    links >= 2\n"
        "    action drop-source link 1 name 2\n"
        "end\n"
        "rule buy\n"
        "    scope p li div\n"
        "    contains \"buy now\"\n"
        "    action drop\n"
        "end\n";

#define HEAD                                                                 \
    "<html><head><title>T</title></head><body><main><article>"             \
    "<p>The first paragraph of the entry, long enough to be prose.</p>\n"
#define URL                                                                  \
    "https://src.example/s?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9"
#define URL_ATTR                                                             \
    "https://src.example/s?a=1&amp;b=2&amp;c=3&amp;d=4&amp;e=5&amp;f=6"    \
    "&amp;g=7&amp;h=8&amp;i=9"
#define FOOT(t)                                                              \
    "<" t ">The post <a href=\"" URL "\">S</a> first appeared on "          \
    "<a href=\"https://src.example/\">Src</a>.</" t ">"
#define LISTS                                                                \
    "\n<p>buy now</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"          \
    "<ol><li>x</li><li>y</li></ol>\n<div><p>z</p></div>\n"
#define LISTS_OUT                                                            \
    "\n\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"                        \
    "<ol><li>x</li><li>y</li></ol>\n<div><p>z</p></div>\n"

    (void) state;

    r = sf_test_rules(text, 0);
    assert_non_null(r);
    sf_options_init(&opt);
    opt.canonical = 0;
    seed = random_seed("test_run_end_queued");

    /* a held div opened as a container at its footer: "</div>" after it */
    check_queued_end(r, &opt,
                     HEAD "<div>" FOOT("p") "</div>" LISTS PAGE_TAIL,
                     HEAD "<div>" CREDIT(URL_ATTR, "Src") "</div>" LISTS_OUT
                     PAGE_TAIL, &seed);

    /* a list opened by the fused loop, its one item the footer: "</ul>" */
    check_queued_end(r, &opt,
                     HEAD "<ul>" FOOT("li") "</ul>" LISTS PAGE_TAIL,
                     HEAD "<ul>" CREDIT(URL_ATTR, "Src") "</ul>" LISTS_OUT
                     PAGE_TAIL, &seed);

    /* a run of items, the footer its last: "</ul>" after the run */
    check_queued_end(r, &opt,
                     HEAD "<ul><li>a</li><li>b</li>" FOOT("li") "</ul>" LISTS
                     PAGE_TAIL,
                     HEAD "<ul><li>a</li><li>b</li>" CREDIT(URL_ATTR, "Src")
                     "</ul>" LISTS_OUT PAGE_TAIL, &seed);

#undef HEAD
#undef URL
#undef URL_ATTR
#undef FOOT
#undef LISTS
#undef LISTS_OUT

    sf_rules_destroy(r);
}


/*
 * The page through a stream with the file's rules and opt, as a caller
 * that reuses its buffers feeds it:
 * each chunk (chunk bytes; 0: whole, -1: random up to 400) in a buffer of
 * its own, whose bytes the stream has taken are written over after each
 * call, and which is freed once taken; window bytes of output a call.
 * Output, stats and status to *out.
 */
static void
run_reused(const sf_options_t *opt, const char *page, size_t len,
    size_t chunk, size_t window, unsigned *r, sf_test_out_t *out)
{
    int             rc;
    size_t          pos, n;
    sf_io_t         io;
    sf_stream_t    *s;
    unsigned char  *in, *buf;

    memset(out, 0, sizeof(sf_test_out_t));
    out->data = malloc(len + 65536);
    buf = malloc(window);
    assert_true(out->data != NULL && buf != NULL);
    s = sf_stream_create(rules, opt, &sf_malloc_allocator);
    assert_non_null(s);

    if (no_avx2) {
        s->avx2 = 0;
    }

    for (pos = 0; pos < len; pos += n) {
        *r = *r * 1103515245u + 12345u;
        n = chunk == 0 ? len
            : chunk == (size_t) -1 ? 1 + (*r >> 16) % 400 : chunk;
        n = n < len - pos ? n : len - pos;

        in = malloc(n);
        assert_non_null(in);
        memcpy(in, page + pos, n);
        io.next_in = in;
        io.avail_in = n;

        do {
            io.next_out = buf;
            io.avail_out = window;
            rc = sf_stream_feed(s, &io, pos + n == len ? SF_FINISH : 0);
            assert_true(rc != SF_ERROR);

            assert_true(out->len + (size_t) (io.next_out - buf)
                        <= len + 65536);
            memcpy(out->data + out->len, buf, (size_t) (io.next_out - buf));
            out->len += (size_t) (io.next_out - buf);

            /* what the stream took is the caller's again */
            memset(in, '#', (size_t) (io.next_in - in));
        } while (rc == SF_BUSY);

        assert_int_equal(io.avail_in, 0);
        free(in);
    }

    assert_int_equal(rc, SF_DONE);
    out->stats = *sf_stream_stats(s);
    snprintf(out->status, sizeof(out->status), "%s", sf_stream_status(s));
    sf_stream_destroy(s);
    free(buf);
}


/*
 * The page whole through every window from 1 to 400 bytes, then in random
 * chunks through random windows, must give what it gives byte by byte
 * (the held way) through a wide one, stats and status included.
 */
static void
check_windows(const char *page, size_t len, sf_test_out_t *ref)
{
    size_t          i, w;
    unsigned        r;
    sf_options_t    opt;
    sf_test_out_t   out;

    sf_options_init(&opt);
    r = 1;
    run_reused(&opt, page, len, 1, 4096, &r, ref);

    for (i = 0; i < 500; i++) {
        r = r * 1103515245u + 12345u;
        w = i < 400 ? i + 1 : 1 + (r >> 16) % 400;

        run_reused(&opt, page, len, i < 400 ? 0 : (size_t) -1, w, &r,
                   &out);

        assert_int_equal(out.len, ref->len);
        assert_memory_equal(out.data, ref->data, ref->len);
        assert_memory_equal(&out.stats, &ref->stats, sizeof(sf_stats_t));
        assert_string_equal(out.status, ref->status);
        sf_test_out_free(&out);
    }
}


/*
 * A block read whole is decided where it is in the input and, kept, sent
 * from there when nothing waits and the output window has room for all
 * of it (sf_stream_whole_block); else it is held as before.  Whatever the
 * window, each run must give what the held way gives (check_windows()):
 * a block meets a window of exactly its length, one byte more and one
 * less.  The caller's buffers are written over once taken: a block sent
 * later must have been held.  The reader also makes the blocks' links for
 * the decision itself: each page starts with another footer whose links
 * name the credit's source and name (one left open, one closed, one of
 * many, one without an address), then the other blocks.
 */
static void
test_whole_direct(void **state)
{
    size_t          i, v, len, n;
    sf_test_out_t   ref;
    char            page[8192];

    static const char  *blocks[] = {
        /* footers: link 1 the source, link 2's text its name */
        "<p>The post <a href=\"https://src.example/b\">B first appeared "
        "on <a href=\"https://src.example/\" class=\"c\">Src <b>site</b> "
        "and more.</p>",
        "<p>The post <a href=\"https://src.example/a\">A</a> first appeared "
        "on <a href=\"https://src.example/\">Src</a>.</p>",
        "<p>first appeared on <a href=\"/1\">1</a><a href=\"/2\">2</a>"
        "<a href=\"/3\">3</a><a href=\"/4\">4</a><a href=\"/5\">5</a>"
        "<a href=\"/6\">6</a><a href=\"/7\">7</a><a href=\"/8\">8</a>"
        "<a href=\"/9\">9</a><a href=\"/a\">a</a><a href=\"/b\">b</a>"
        "<a href=\"/c\">c</a><a href=\"/d\">d</a><a href=\"/e\">e</a>"
        "<a href=\"/f\">f</a><a href=\"/g\">g</a><a href=\"/h\">h</a>"
        "</p>",
        "<p>The post <a href=\"https://src.example/c\" rel=\"\">C</a> first "
        "appeared on <a>no href</a><a href=\"\">empty</a>.</p>",

        "<p>Lorem ipsum dolor sit amet, <a href=\"https://a.example/x\">"
        "consectetur</a> adipiscing elit, sed do eiusmod tempor.</p>\n",
        "<p>buy now <a href=\"/b\">here</a> while it lasts</p>",
        "<p class=\"lead\">a <em>classed</em> one, kept</p>",
        "<li>an <b>item</b></li>",
        "<p>republished here <a href=\"https://src.example/r\">r</a></p>",
        "<h2>A <a href=\"#h\">heading</a></h2>",
        "<p>replace me <a href=\"https://src.example/z\">z</a></p>",
        "<p>x<br>y</p>",
        "<p>buy</br>now <em>or</em> <span>not</span></p>"
    };

    (void) state;

    n = sizeof(blocks) / sizeof(blocks[0]);

    for (v = 0; v < 4; v++) {
        len = page_add(page, sizeof(page), 0,
                       "<html><head><title>T</title></head><body><main>"
                       "<article><p>first</p>", 1);

        for (i = 0; i < 24; i++) {
            len = page_add(page, sizeof(page), len, blocks[(v + i * 5) % n],
                           1);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

        check_windows(page, len, &ref);
        assert_true(ref.stats.blocks_removed >= 4);
        assert_int_equal(ref.stats.credits, 1);
        sf_test_out_free(&ref);
    }
}


/*
 * The page of test_carry(): blocks of every reader and of the held way,
 * a footer that names the credit's source, a dropped block, a comment, a
 * script and a long paragraph, so that a chunk boundary falls in each.
 */
static size_t
carry_page(char *page, size_t size)
{
    size_t  i, len;

    static const char  *blocks[] = {
        "<p>Lorem ipsum dolor sit amet, <a href=\"https://a.example/x\">"
        "consectetur</a> adipiscing elit, sed do eiusmod tempor.</p>\n",
        "<div class=\"entry-meta\"><span class=\"posted-on\"><time "
        "class=\"d\" datetime=\"2024-02-20T06:12:44+00:00\">Feb 20</time>"
        "</span> by <span class=\"author\"><a class=\"u\" href=\"/a\" "
        "rel=\"author\">Ann</a></span></div>\n",
        "<ul><li>one</li><li>two <b>2</b></li></ul>\n",
        "<figure><img src=\"/i.jpg\" alt=\"i\"><figcaption>cap</figcaption>"
        "</figure>\n",
        "<p>buy now <a href=\"/b\">here</a> while it lasts</p>\n",
        "<!-- a comment --><h2>A <a href=\"#h\">heading</a></h2>\n",
        "<div class=\"inside\"><p>nested <em>p</em></p><p>second</p>"
        "</div>\n",
        "<p class=\"lead\">a <em>classed</em> one, kept</p>\n",
        "<script>var x = '<p>';</script>\n",
        "<p>A long paragraph that a boundary cuts in its text, on and on: "
        "sed ut perspiciatis unde omnis iste natus error sit voluptatem "
        "accusantium doloremque laudantium, totam rem aperiam, eaque ipsa "
        "quae ab illo inventore veritatis et quasi architecto beatae vitae "
        "dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas "
        "sit aspernatur aut odit aut fugit, sed quia consequuntur magni "
        "dolores eos qui ratione voluptatem sequi nesciunt.</p>\n"
    };

    len = page_add(page, size, 0,
                   "<html><head><title>T</title></head><body><main>"
                   "<article><p>first</p>\n"
                   "<p>The post <a href=\"https://src.example/a\">A</a> first "
                   "appeared on <a href=\"https://src.example/\">Src</a>.</p>\n",
                   1);

    for (i = 0; i < 40; i++) {
        len = page_add(page, size, len,
                       blocks[(i * 7) % (sizeof(blocks) / sizeof(blocks[0]))],
                       1);
    }

    return page_add(page, size, len, PAGE_TAIL, 1);
}


/*
 * A run's output and stats the same as the reference run's (out freed):
 * what a caller sees is the same whatever the chunks and windows.
 */
static void
check_same_run(sf_test_out_t *out, const sf_test_out_t *ref)
{
    assert_int_equal(out->len, ref->len);
    assert_memory_equal(out->data, ref->data, ref->len);
    assert_memory_equal(&out->stats, &ref->stats, sizeof(sf_stats_t));
    sf_test_out_free(out);
}


/*
 * The rest of the input at io fed as the last, its output after what buf
 * holds up to io->next_out, until the stream is done: the bytes buf then
 * holds.
 */
static size_t
feed_last(sf_stream_t *s, sf_io_t *io, unsigned char *buf, size_t size)
{
    int     rc;
    size_t  got;

    got = (size_t) (io->next_out - buf);

    do {
        io->next_out = buf + got;
        io->avail_out = size - got;
        rc = sf_stream_feed(s, io, SF_FINISH);
        got = (size_t) (io->next_out - buf);
    } while (rc == SF_BUSY && got < size);

    assert_int_equal(rc, SF_DONE);

    return got;
}


/*
 * A chunk boundary inside a block: the tail of an input that is not the
 * last, from the start tag of a block the readers would read whole, is
 * kept (s->carry) and read again with the next input's head, so that the
 * block is read whole rather than the held way (sf_stream_carry(),
 * sf_stream_replay()).  An input cut near a block's start, or inside a
 * long one, ends with the tail kept, nothing of the block sent, and the
 * stream holding; a last input keeps nothing.  Every chunking and window,
 * the hold-back at its default and so small that the tail and the next
 * input's head take several turns, must give what the whole page gives
 * (check_windows() with its stats: bytes_in too).
 */
static void
test_carry(void **state)
{
    int             rc;
    size_t          i, c, w, len, cut, at, got, carry_len;
    unsigned        r;
    sf_io_t         io;
    const char     *q;
    sf_stream_t    *s;
    sf_options_t    opt;
    sf_test_out_t   ref, out;
    static unsigned char  buf[16384];
    static char     page[16384], long_page[4096];

    static const size_t  chunks[] = {
        1, 2, 3, 5, 16, 61, 100, 333, 512, 1000, 1500, 4096
    };
    static const size_t  windows[] = { 1, 7, 4096 };
    static const size_t  holds[] = { 16384, 1024, 256 };

    (void) state;

    carry_len = carry_page(page, sizeof(page));
    len = carry_len;

    /*
     * the tail kept: a block's start near the end (kept before a reader
     * reads it), a block cut 1500 bytes from its start (kept when the
     * reader stopped at the end)
     */
    q = strstr(page + 2000, "<p>A long paragraph");
    assert_non_null(q);

    for (i = 0; i < 2; i++) {
        if (i == 1) {
            len = page_add(long_page, sizeof(long_page), 0,
                           "<html><head><title>T</title></head><body>"
                           "<main><article><p>first</p>\n<p>", 1);
            q = long_page + len - 3;
            len = page_add(long_page, sizeof(long_page), len,
                           "lorem ipsum ", 200);
            len = page_add(long_page, sizeof(long_page), len,
                           "</p>\n" PAGE_TAIL, 1);
        }

        at = (size_t) (q - (i == 0 ? page : long_page));
        cut = at + (i == 0 ? 3 : 1500);
        sf_options_init(&opt);
        s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
        assert_non_null(s);

        io.next_in = (const unsigned char *) (i == 0 ? page : long_page);
        io.avail_in = cut;
        io.next_out = buf;
        io.avail_out = sizeof(buf);
        rc = sf_stream_feed(s, &io, 0);
        assert_int_equal(rc, SF_OK);
        assert_int_equal(io.avail_in, 0);

        /* from that block's start, or one nearer the end before it */
        assert_true(s->carry > 0);
        assert_true(i == 1 || s->carry < SF_CARRY_NEAR);
        assert_true(i == 0 || s->carry == cut - at);
        assert_int_equal(s->mode, SF_MODE_PASS);
        assert_true(sf_stream_holding(s));
        assert_true(s->stats.bytes_in == cut);

        /* the rest, last: nothing kept, what the whole page gives */
        io.avail_in = (i == 0 ? carry_len : len) - cut;
        got = feed_last(s, &io, buf, sizeof(buf));
        assert_int_equal(s->carry, 0);
        assert_false(sf_stream_holding(s));
        assert_true(s->stats.bytes_in == (i == 0 ? carry_len : len));
        sf_stream_destroy(s);

        sf_options_init(&opt);
        r = 1;
        run_reused(&opt, i == 0 ? page : long_page,
                   i == 0 ? carry_len : len, 0, 65536, &r, &ref);
        assert_int_equal(got, ref.len);
        assert_memory_equal(buf, ref.data, ref.len);
        sf_test_out_free(&ref);
    }

    len = carry_len;

    for (c = 0; c < sizeof(holds) / sizeof(holds[0]); c++) {
        sf_options_init(&opt);
        opt.limits.max_holdback = holds[c];
        r = 1;
        run_reused(&opt, page, len, 0, 65536, &r, &ref);

        for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
            for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
                if (chunks[i] * windows[w] < 8) {
                    continue;
                }

                run_reused(&opt, page, len, chunks[i], windows[w], &r, &out);

                assert_int_equal(out.len, ref.len);
                assert_memory_equal(out.data, ref.data, ref.len);
                assert_memory_equal(&out.stats, &ref.stats,
                                    sizeof(sf_stats_t));
                assert_string_equal(out.status, ref.status);
                sf_test_out_free(&out);
            }
        }

        /* random chunks through random windows */
        for (i = 0; i < 40; i++) {
            w = 1 + (next_random(&r) >> 4) % 600;
            run_reused(&opt, page, len, (size_t) -1, w, &r, &out);

            check_same_run(&out, &ref);
        }

        sf_test_out_free(&ref);
    }
}

/*
 * The copy of the next input's head after a kept tail (sf_stream_replay():
 * sf_stream_copy_head() with AVX2, 128 and 32 bytes a round, the last 32
 * over the ones before): a tail kept, then next inputs of every length
 * around those rounds (and the copy's 1 KiB cap), the rest last.  Each
 * must give what the whole page gives: a byte the copy misses or moves is
 * read in the tail's block.
 */
static void
test_replay_copy(void **state)
{
    int             rc;
    size_t          i, len, cut, got, next;
    unsigned        r;
    sf_io_t         io;
    const char     *q;
    sf_stream_t    *s;
    sf_options_t    opt;
    sf_test_out_t   ref;
    static unsigned char  buf[16384];
    static char     page[16384];

    static const size_t  nexts[] = {
        1, 31, 32, 33, 63, 95, 127, 128, 129, 161, 255, 256, 257, 300,
        511, 700, 1000, 1023, 1024, 1025, 1100
    };

    (void) state;

    len = carry_page(page, sizeof(page));
    q = strstr(page + 2000, "<p>A long paragraph");
    assert_non_null(q);
    cut = (size_t) (q - page) + 3;

    sf_options_init(&opt);
    r = 1;
    run_reused(&opt, page, len, 0, 65536, &r, &ref);

    for (i = 0; i < sizeof(nexts) / sizeof(nexts[0]); i++) {
        next = nexts[i];
        assert_true(cut + next < len);

        sf_options_init(&opt);
        s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
        assert_non_null(s);

        io.next_in = (const unsigned char *) page;
        io.avail_in = cut;
        io.next_out = buf;
        io.avail_out = sizeof(buf);
        rc = sf_stream_feed(s, &io, 0);
        assert_int_equal(rc, SF_OK);
        assert_true(s->carry > 0);

        /* the head copied after the tail: next bytes, or its cap */
        io.avail_in = next;
        rc = sf_stream_feed(s, &io, 0);
        assert_int_equal(rc, SF_OK);
        assert_int_equal(io.avail_in, 0);

        io.avail_in = len - cut - next;
        got = feed_last(s, &io, buf, sizeof(buf));
        assert_int_equal(got, ref.len);
        assert_memory_equal(buf, ref.data, ref.len);
        assert_true(s->stats.bytes_in == len);
        sf_stream_destroy(s);
    }

    sf_test_out_free(&ref);
}


/*
 * One feed of run_flushes(): the input (freed after, what the stream took
 * overwritten first, as a caller reuses its buffers) through windows of w
 * bytes until it is all taken; the output appended to out.
 */
static int
feed_windows(sf_stream_t *s, const char *p, size_t n, unsigned flags,
    size_t w, sf_test_out_t *out)
{
    int             rc;
    sf_io_t         io;
    unsigned char  *in, buf[4096];

    in = malloc(n + 1);
    assert_non_null(in);
    memcpy(in, p, n);
    io.next_in = in;
    io.avail_in = n;

    do {
        io.next_out = buf;
        io.avail_out = w;
        rc = sf_stream_feed(s, &io, flags);
        assert_true(rc != SF_ERROR);
        memcpy(out->data + out->len, buf, (size_t) (io.next_out - buf));
        out->len += (size_t) (io.next_out - buf);
        memset(in, '#', (size_t) (io.next_in - in));
    } while (rc == SF_BUSY);

    assert_int_equal(io.avail_in, 0);
    free(in);

    return rc;
}


/*
 * The tail kept at an input's end (test_carry()) and the calls a caller
 * makes with no input: an empty input that is not the last keeps it (no
 * output, the stream holding), an empty SF_FLUSH reads it (nothing kept
 * after), and an empty SF_FINISH right after an input that kept one ends
 * the page with it, as nginx calls at a flush or at the last buffer.
 * Every chunking through windows of 1 to 4096 bytes must give what the
 * whole page gives, stats included.
 */
static void
test_carry_flush(void **state)
{
    int             rc;
    size_t          i, w, pos, n, len, before, kept;
    unsigned        r, turn;
    sf_stream_t    *s;
    sf_options_t    opt;
    sf_test_out_t   ref, out;
    static char     page[16384];

    static const size_t  chunks[] = { 7, 61, 333, 1000, 1500, 4096 };
    static const size_t  windows[] = { 1, 3, 64, 4096 };

    (void) state;

    len = carry_page(page, sizeof(page));
    sf_options_init(&opt);
    r = 1;
    run_reused(&opt, page, len, 0, 65536, &r, &ref);
    kept = 0;

    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        for (w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
            memset(&out, 0, sizeof(sf_test_out_t));
            out.data = malloc(len + 65536);
            assert_non_null(out.data);
            s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
            assert_non_null(s);
            turn = 0;

            for (pos = 0; pos < len; pos += n) {
                n = chunks[i] < len - pos ? chunks[i] : len - pos;
                rc = feed_windows(s, page + pos, n, 0, windows[w], &out);
                assert_int_equal(rc, SF_OK);

                if (s->carry == 0) {
                    continue;
                }

                kept++;

                /* an empty input that is not the last: still kept */
                before = out.len;
                rc = feed_windows(s, page, 0, 0, windows[w], &out);
                assert_int_equal(rc, SF_OK);
                assert_true(s->carry != 0);
                assert_true(sf_stream_holding(s));
                assert_int_equal(out.len, before);

                /* an empty flush, every other time: read, none kept */
                if (turn++ % 2 == 0 && pos + n < len) {
                    rc = feed_windows(s, page, 0, SF_FLUSH, windows[w],
                                      &out);
                    assert_int_equal(rc, SF_OK);
                    assert_int_equal(s->carry, 0);
                    assert_true(out.len <= ref.len);
                    assert_memory_equal(out.data, ref.data, out.len);
                }
            }

            /* the last input was not marked: an empty one ends the page */
            rc = feed_windows(s, page, 0, SF_FINISH, windows[w], &out);
            assert_int_equal(rc, SF_DONE);
            assert_false(sf_stream_holding(s));

            assert_int_equal(out.len, ref.len);
            assert_memory_equal(out.data, ref.data, ref.len);
            out.stats = *sf_stream_stats(s);
            assert_memory_equal(&out.stats, &ref.stats, sizeof(sf_stats_t));
            sf_stream_destroy(s);
            sf_test_out_free(&out);
        }
    }

    /* the sequences above were met: tails were kept */
    assert_true(kept > 20);
    sf_test_out_free(&ref);
}


/*
 * The text runs of a block read whole that end within sixteen bytes are
 * found and copied sixteen bytes at a time, where the input and the text
 * buffer have the room; the rest as before.  Against the held way (byte
 * by byte) for text buffers of 1 to 48 bytes, whole and in chunks of
 * their own that end where they end (run_reused()): links of texts of
 * every length around that room, the text's limit counted alike.
 */
static void
test_whole_runs(void **state)
{
    size_t          k, len;
    unsigned        r;
    sf_options_t    opt;
    sf_test_out_t   ref, out;
    char            page[8192], block[128];

    (void) state;

    len = page_add(page, sizeof(page), 0,
                   "<html><head><title>T</title></head><body><main>"
                   "<article><p>first</p>", 1);

    for (k = 0; k < 24; k++) {
        snprintf(block, sizeof(block),
                 "<p>%.*s<a href=\"/x\">%.*s</a> c</p>", (int) k,
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", (int) (k % 7), "bbbbbbb");
        len = page_add(page, sizeof(page), len, block, 1);
    }

    len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);
    sf_options_init(&opt);

    for (opt.limits.max_text = 1; opt.limits.max_text <= 48;
         opt.limits.max_text++)
    {
        r = 3;
        run_reused(&opt, page, len, 1, 4096, &r, &ref);
        run_reused(&opt, page, len, 0, 4096, &r, &out);
        check_same_run(&out, &ref);

        run_reused(&opt, page, len, (size_t) -1, 4096, &r, &out);
        check_same_run(&out, &ref);
        sf_test_out_free(&ref);
    }
}


/*
 * The text runs of a block read whole are found and copied in one pass:
 * sixteen bytes, then with AVX2 64 and 32 a round, then sixteen a round,
 * then the last bytes, within the text buffer's room and the input.
 * Against the held way (byte by byte): runs of 0 to 150 bytes, "buy now"
 * (a rule drops the paragraph) at every place across the rounds' ends
 * and '<' after it at every distance, text buffers around the rounds'
 * sizes, whole and in random chunks (the input's end within a run), with
 * and without AVX2.
 */
static void
test_whole_long_runs(void **state)
{
    size_t          i, j, k, len, at, tl;
    unsigned        r, x;
    sf_options_t    opt;
    sf_test_out_t   ref, out;
    static char     page[98304];
    char            block[512], a[160], b[16];
    static const size_t  caps[] = { 15, 16, 17, 31, 32, 48, 63, 64, 65, 80,
                                    96, 97, 128, 160, 4096 };

    (void) state;

    len = page_add(page, sizeof(page), 0,
                   "<html><head><title>T</title></head><body><main>"
                   "<article><p>first</p>", 1);
    x = 7;

    for (k = 0; k <= 150; k++) {
        for (i = 0; i < k; i++) {
            x = x * 1103515245u + 12345u;
            a[i] = (x >> 16) % 5 == 0 ? ' ' : (char) ('a' + (x >> 16) % 26);
        }

        a[k] = '\0';

        /* "buy now" ending at every place of the run, every other block */
        if (k >= 7 && (k & 1)) {
            at = (k * 13) % (k - 6);
            memcpy(a + at, "buy now", 7);
        }

        tl = k % 11;
        memcpy(b, "bbbbbbbbbbb", tl);
        b[tl] = '\0';

        snprintf(block, sizeof(block), "<p>%s<a href=\"/x\">%s</a>%s</p>\n",
                 a, b, a + k / 2);
        len = page_add(page, sizeof(page), len, block, 1);

        snprintf(block, sizeof(block), "<p>%s%s</p>\n", a, a + k / 3);
        len = page_add(page, sizeof(page), len, block, 1);
    }

    len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);
    sf_options_init(&opt);

    for (j = 0; j < sizeof(caps) / sizeof(caps[0]); j++) {
        opt.limits.max_text = caps[j];
        r = 5;
        no_avx2 = 0;
        run_reused(&opt, page, len, 1, 4096, &r, &ref);

        if (caps[j] == 4096) {
            assert_true(ref.stats.blocks_removed >= 60);
        }

        for (i = 0; i < 4; i++) {
            no_avx2 = (int) (i & 1);
            run_reused(&opt, page, len, i < 2 ? 0 : (size_t) -1, 65536, &r,
                       &out);
            check_same_run(&out, &ref);
        }

        sf_test_out_free(&ref);
    }

    no_avx2 = 0;
}


/*
 * A short block's reader that meets an inline tag hands the first '<' it
 * found on to the whole block's reader, which does not look for it again
 * but must still bound it by the hold-back's room, as its own search
 * would.  With no rule for paragraphs the tables keep every bare one, so
 * the short way looks far and finds the '<'; the hold-back of 64 bytes
 * ends before it, at it and after it in these blocks.  Whole (the
 * readers) and in every chunking (the held way) alike, passthrough
 * counts included.
 */
static void
test_whole_handoff(void **state)
{
    size_t         k, len;
    sf_rules_t    *r;
    sf_options_t   opt;
    sf_test_out_t  out;
    char           page[8192], block[128];

    (void) state;

    /* no rule for paragraphs */
    r = hold_rules("rule promo\n    scope div\n    contains \"subscribe\"\n"
                   "    action drop\nend\n", 64, &opt);

    len = page_add(page, sizeof(page), 0,
                   "<html><head><title>T</title></head><body><main>"
                   "<article><p>first</p>", 1);

    for (k = 50; k < 70; k++) {
        memset(block, 'x', sizeof(block));
        memcpy(block, "<p>", 3);
        strcpy(block + 3 + k, "<a href=\"/x\">c</a></p>");
        len = page_add(page, sizeof(page), len, block, 1);
    }

    len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);

    sf_test_check(r, &opt, page, len, page, len, &out);
    assert_true(out.stats.passthrough[SF_PASS_HOLDBACK] > 0);
    sf_test_out_free(&out);
    sf_rules_destroy(r);
}


/*
 * A block of a tag whose last block the short reader handed on, for a
 * text longer than the tables keep (sixteen bytes or fewer), goes to the
 * whole reader at once when its first sixteen bytes hold no '<'
 * (s->long_tag): a hint, wrong where the tables keep longer texts (a
 * quote area, the entry's first block, a tag of another kind of rules)
 * and where the text ends sooner.  Random pages of paragraphs, items and
 * headings of texts around sixteen bytes, some in quotes or new entries,
 * with "buy now" (the rules drop it), inline tags and entities here and
 * there: whole as byte by byte (where no block reader runs), statistics
 * included, through two output windows; and a short paragraph after a
 * long one cut at each byte of its first twenty, in a buffer of the exact
 * size (a look past it shows under ASan).
 */
static void
test_long_hint(void **state)
{
    size_t        len, i, j, k, n, at, base;
    unsigned      seed, x;
    sf_options_t  opt;
    char          page[16384], text[64];

    static const char  *const open[] = {
        "<p>", "<p>", "<p>", "<li>", "<h2>", "<blockquote><p>",
        "</article><article><p>"
    };
    static const char  *const close[] = {
        "</p>\n", "</p>", "</p>", "</li>", "</h2>", "</p></blockquote>",
        "</p>"
    };
    static const char  *const odd[] = {
        "buy now", "<b>x</b>", "&amp;", "\xc3\xa9", "<a href=\"/x\">l</a>",
        "<br>", "<"
    };

    (void) state;

    seed = random_seed("test_long_hint");
    sf_options_init(&opt);
    opt.canonical = 0;

    for (i = 0; i < 40; i++) {
        len = page_add(page, sizeof(page), 0,
                       "<html><head><title>T</title></head><body><main>"
                       "<article>", 1);

        for (j = 0; j < 60; j++) {
            x = next_random(&seed);
            k = (x % 7 < 4) ? x % 7 : (x >> 3) % 7;
            n = (x >> 6) % 4 == 0 ? (x >> 8) % 48 : 10 + (x >> 8) % 14;

            for (at = 0; at < n; at++) {
                seed = seed * 1103515245u + 12345u;
                text[at] = (seed >> 16) % 6 == 0
                           ? ' ' : (char) ('a' + (seed >> 16) % 26);
            }

            text[n] = '\0';
            len = page_add(page, sizeof(page), len, open[k], 1);

            /* something not plain at a place around the sixteenth byte */
            if ((x >> 12) % 5 == 0) {
                at = (x >> 15) % (n + 1);
                len += (size_t) snprintf(page + len, sizeof(page) - len,
                                         "%.*s%s%s", (int) at, text,
                                         odd[(x >> 18) % 7], text + at);

            } else {
                len = page_add(page, sizeof(page), len, text, 1);
            }

            len = page_add(page, sizeof(page), len, close[k], 1);
        }

        len = page_add(page, sizeof(page), len, PAGE_TAIL, 1);
        check_whole_as_bytes(rules, &opt, page, len, 65536);
        check_whole_as_bytes(rules, &opt, page, len, 64);
    }

    /* texts of 0 to 24 bytes after a long one, cut within their start */
    for (n = 0; n <= 24; n++) {
        base = page_add(page, sizeof(page), 0,
                        "<html><head><title>T</title></head><body><main>"
                        "<article><p>first</p><p>a text longer than the "
                        "tables keep</p><p>", 1);
        len = page_add(page, sizeof(page), base, "abcdefghijklmnopqrstuvwxy",
                       1);
        len = base + n;
        len = page_add(page, sizeof(page), len, "</p>" PAGE_TAIL, 1);

        for (k = base; k <= base + n + 4 && k <= len; k++) {
            check_whole_as_bytes(rules, &opt, page, k, 65536);
        }

        check_whole_as_bytes(rules, &opt, page, len, 65536);
    }
}


static void
test_flush_and_finish(void **state)
{
    sf_io_t         io;
    sf_stream_t    *s;
    sf_options_t    opt;
    unsigned char   out[256];

    static const char  a[] = "<body><div><p>held until its end";
    static const char  b[] = "</p>\n";
    static const char  c[] = "<p>cut off <b>mid-block";

    (void) state;

    sf_options_init(&opt);
    s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
    assert_non_null(s);

    /* a flush releases what no undecided block needs */
    io.next_in = (const unsigned char *) a;
    io.avail_in = sizeof(a) - 1;
    io.next_out = out;
    io.avail_out = sizeof(out);

    assert_int_equal(sf_stream_feed(s, &io, SF_FLUSH), SF_OK);
    assert_int_equal(io.avail_in, 0);
    assert_int_equal(io.next_out - out, 11);
    assert_memory_equal(out, "<body><div>", 11);
    assert_true(sf_stream_holding(s));

    io.next_in = (const unsigned char *) b;
    io.avail_in = sizeof(b) - 1;
    io.next_out = out;
    io.avail_out = sizeof(out);

    assert_int_equal(sf_stream_feed(s, &io, SF_FLUSH), SF_OK);
    assert_int_equal(io.next_out - out, 26);
    assert_memory_equal(out, "<p>held until its end</p>\n", 26);
    assert_false(sf_stream_holding(s));

    /* the input stops inside a block: it comes out unchanged */
    io.next_in = (const unsigned char *) c;
    io.avail_in = sizeof(c) - 1;
    io.next_out = out;
    io.avail_out = sizeof(out);

    assert_int_equal(sf_stream_feed(s, &io, 0), SF_OK);
    assert_int_equal(io.next_out - out, 0);

    assert_int_equal(sf_stream_feed(s, &io, SF_FINISH), SF_DONE);
    assert_int_equal(io.next_out - out, sizeof(c) - 1);
    assert_memory_equal(out, c, sizeof(c) - 1);
    assert_false(sf_stream_holding(s));

    /* the end is the end */
    io.avail_in = 0;
    assert_int_equal(sf_stream_feed(s, &io, SF_FINISH), SF_ERROR);

    sf_stream_destroy(s);
}


static int
collect(void *ctx, const unsigned char *p, size_t len)
{
    size_t  *n;

    n = ctx;
    assert_true(*n + len <= 64);
    *n += len;

    (void) p;

    return SF_OK;
}


static void
test_run_callback(void **state)
{
    size_t          n;
    sf_stream_t    *s;
    sf_options_t    opt;
    unsigned char   buf[3];

    static const char  page[] = "<body><p>buy now</p><p>ok</p></body>";

    (void) state;

    sf_options_init(&opt);
    s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
    assert_non_null(s);

    n = 0;
    assert_int_equal(sf_stream_run(s, (const unsigned char *) page,
                                   sizeof(page) - 1, 5, sizeof(buf), buf,
                                   collect, &n),
                     SF_OK);
    assert_int_equal(n, strlen("<body><p>ok</p></body>"));
    assert_int_equal(sf_stream_stats(s)->bytes_out, n);
    sf_stream_destroy(s);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_clean_page_identical),
        cmocka_unit_test(test_drop_and_keep),
        cmocka_unit_test(test_memo_repeated_blocks),
        cmocka_unit_test(test_container),
        cmocka_unit_test(test_anonymous_block),
        cmocka_unit_test(test_implicit_close),
        cmocka_unit_test(test_select_drop),
        cmocka_unit_test(test_never_matched),
        cmocka_unit_test(test_code_samples),
        cmocka_unit_test(test_raw_text_ends),
        cmocka_unit_test(test_footer_credit),
        cmocka_unit_test(test_credit_placement),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_head_source),
        cmocka_unit_test(test_jsonld_source),
        cmocka_unit_test(test_title),
        cmocka_unit_test(test_report_mode),
        cmocka_unit_test(test_holdback_limit),
        cmocka_unit_test(test_holdback_full_at_tag),
        cmocka_unit_test(test_holdback_container),
        cmocka_unit_test(test_text_limit),
        cmocka_unit_test(test_fixture_page),
        cmocka_unit_test(test_short_blocks),
        cmocka_unit_test(test_short_runs),
        cmocka_unit_test(test_short_pairs),
        cmocka_unit_test(test_short_entry_first),
        cmocka_unit_test(test_block_spaces),
        cmocka_unit_test(test_run_ends),
        cmocka_unit_test(test_whole_blocks),
        cmocka_unit_test(test_whole_plain_tags),
        cmocka_unit_test(test_whole_close_tags),
        cmocka_unit_test(test_whole_attr_tags),
        cmocka_unit_test(test_whole_link_attrs),
        cmocka_unit_test(test_whole_lexer_kept),
        cmocka_unit_test(test_whole_direct),
        cmocka_unit_test(test_carry),
        cmocka_unit_test(test_carry_flush),
        cmocka_unit_test(test_replay_copy),
        cmocka_unit_test(test_whole_runs),
        cmocka_unit_test(test_whole_long_runs),
        cmocka_unit_test(test_whole_handoff),
        cmocka_unit_test(test_long_hint),
        cmocka_unit_test(test_container_first_block),
        cmocka_unit_test(test_container_lone),
        cmocka_unit_test(test_container_credit),
        cmocka_unit_test(test_run_end_queued),
        cmocka_unit_test(test_flow_tags),
        cmocka_unit_test(test_flow_turn),
        cmocka_unit_test(test_attr_blocks),
        cmocka_unit_test(test_class_lists),
        cmocka_unit_test(test_tag_memo_blocks),
        cmocka_unit_test(test_flush_and_finish),
        cmocka_unit_test(test_run_callback),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
