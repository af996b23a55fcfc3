/*
 * test_explain.c: options.on_explain (synfilter --explain): each block
 * held and each element dropped whole is explained once, by the rule or
 * detector that decided it, or by the nearest rule and its failed
 * condition; and the stream's output is the same with or without it.
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


#define MAXX  64


/* One explanation, copied out of the callback (its pointers die there). */
typedef struct {
    unsigned              item;
    uint64_t              offset;
    size_t                bytes;
    char                  tag[16];
    char                  id[64];
    char                  cls[64];
    unsigned              whole;
    unsigned              detector;
    unsigned              unchecked;
    char                  action[16];
    char                  rule_id[64];      /* "" for NULL */
    char                  rule_file[64];
    unsigned              rule_index;
    unsigned              rule_line;
    unsigned              passed;
    unsigned              nconds;
    char                  cond[320];
    unsigned              cond_line;
    char                  failed[320];
    char                  detector_id[32];
    char                  detector_failed[128];
    char                  note[320];
} ex_t;


typedef struct {
    ex_t                  x[MAXX];
    size_t                n;
} exs_t;


static void
copy(char *dst, size_t cap, const void *src, size_t len)
{
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }

    if (len >= cap) {
        len = cap - 1;
    }

    memcpy(dst, src, len);
    dst[len] = '\0';
}


#define copy_str(dst, s)                                                     \
    copy(dst, sizeof(dst), s, (s) != NULL ? strlen(s) : 0)


static void
on_explain(void *ctx, const sf_explain_t *x)
{
    ex_t   *e;
    exs_t  *all;

    all = ctx;
    assert_true(all->n < MAXX);
    e = &all->x[all->n++];
    memset(e, 0, sizeof(ex_t));

    e->item = x->item;
    e->offset = x->offset;
    e->bytes = x->bytes;
    copy_str(e->tag, x->tag);
    copy(e->id, sizeof(e->id), x->id, x->id_len);
    copy(e->cls, sizeof(e->cls), x->cls, x->cls_len);
    e->whole = x->whole;
    e->detector = x->detector;
    e->unchecked = x->unchecked;
    copy_str(e->action, x->action);
    copy_str(e->rule_id, x->rule_id);
    copy_str(e->rule_file, x->rule_file);
    e->rule_index = x->rule_index;
    e->rule_line = x->rule_line;
    e->passed = x->passed;
    e->nconds = x->nconds;
    copy_str(e->cond, x->cond);
    e->cond_line = x->cond_line;
    copy_str(e->failed, x->failed);
    copy_str(e->detector_id, x->detector_id);
    copy_str(e->detector_failed, x->detector_failed);
    copy_str(e->note, x->note);
}


/*
 * Run page through rules with explanations on, whole: they land in all.
 * The output must be the bytes of the same run without explanations.
 */
static void
explain(const sf_rules_t *rules, const char *page, exs_t *all)
{
    unsigned       seed;
    sf_options_t   opt;
    sf_test_out_t  plain, explained;

    static exs_t   again;

    memset(all, 0, sizeof(exs_t));
    seed = 1;

    sf_options_init(&opt);
    assert_int_equal(sf_test_run(rules, &opt, (const unsigned char *) page,
                                 strlen(page), 0, &seed, 4096, &plain),
                     SF_OK);

    opt.on_explain = on_explain;
    opt.on_explain_ctx = all;
    assert_int_equal(sf_test_run(rules, &opt, (const unsigned char *) page,
                                 strlen(page), 0, &seed, 4096, &explained),
                     SF_OK);

    assert_int_equal(explained.len, plain.len);
    assert_memory_equal(explained.data, plain.data, plain.len);
    assert_int_equal(explained.stats.blocks_removed,
                     plain.stats.blocks_removed);
    sf_test_out_free(&explained);

    /* byte by byte through 7 bytes of output: the same, told the same */
    opt.on_explain_ctx = &again;
    memset(&again, 0, sizeof(exs_t));
    assert_int_equal(sf_test_run(rules, &opt, (const unsigned char *) page,
                                 strlen(page), 1, &seed, 7, &explained),
                     SF_OK);

    assert_int_equal(explained.len, plain.len);
    assert_memory_equal(explained.data, plain.data, plain.len);
    assert_int_equal(again.n, all->n);
    assert_memory_equal(again.x, all->x, all->n * sizeof(ex_t));

    sf_test_out_free(&plain);
    sf_test_out_free(&explained);
}


/* The explanation of the block at offset, which must exist. */
static const ex_t *
at(const exs_t *all, uint64_t offset)
{
    size_t  i;

    for (i = 0; i < all->n; i++) {
        if (all->x[i].offset == offset) {
            return &all->x[i];
        }
    }

    fail_msg("no explanation at offset %llu", (unsigned long long) offset);

    return NULL;
}


static uint64_t
offset_of(const char *page, const char *needle)
{
    const char  *p;

    p = strstr(page, needle);
    assert_non_null(p);

    return (uint64_t) (p - page);
}


static const char  site_rules[] =
    "# a site's rules\n"
    "rule site-read-more\n"
    "    scope p\n"
    "    contains \"read more\"\n"
    "    max-length 30\n"
    "    action drop\n"
    "end\n"
    "\n"
    "rule site-recent\n"
    "    scope h2.widget-title\n"
    "    equals \"Recent Posts\"\n"
    "    action drop\n"
    "end\n"
    "\n"
    "rule site-comment-form\n"
    "    scope \"#respond\"\n"
    "    action drop\n"
    "end\n";


/* A rule that fires: its id, action, line; the block's place and tag. */
static void
test_fired_rule(void **state)
{
    exs_t         all;
    const ex_t   *x;
    sf_rules_t   *rules;

    static const char  page[] =
        "<html><body><p>Intro text.</p><p class=\"more\">Read more</p>"
        "</body></html>";

    (void) state;

    rules = sf_test_rules(site_rules, 0);
    assert_non_null(rules);
    explain(rules, page, &all);

    assert_int_equal(all.n, 2);
    x = at(&all, offset_of(page, "<p class=\"more\">"));

    assert_int_equal(x->bytes, strlen("<p class=\"more\">Read more</p>"));
    assert_string_equal(x->tag, "p");
    assert_string_equal(x->cls, "more");
    assert_string_equal(x->action, "drop");
    assert_string_equal(x->rule_id, "site-read-more");
    assert_int_equal(x->rule_line, 2);
    assert_int_equal(x->rule_index, 0);
    assert_string_equal(x->rule_file, "");      /* not a built-in rule */
    assert_int_equal(x->passed, 2);
    assert_int_equal(x->nconds, 2);
    assert_string_equal(x->failed, "");
    assert_false(x->whole);
    assert_false(x->detector);

    sf_rules_destroy(rules);
}


/* A block kept: the nearest rule, how far it got, what failed and why. */
static void
test_near_miss(void **state)
{
    exs_t         all;
    const ex_t   *x;
    sf_rules_t   *rules;

    static const char  page[] =
        "<html><body>"
        "<p>Read more about the new timetable for the valley line</p>"
        "<p>Nothing here</p>"
        "<h2 class=\"widget-title\">Recent Post</h2>"
        "</body></html>";

    (void) state;

    rules = sf_test_rules(site_rules, 0);
    assert_non_null(rules);
    explain(rules, page, &all);

    assert_int_equal(all.n, 3);

    /*
     * held the phrase, failed the length: 53 bytes, told in full although
     * the decision stops folding past the longest bound (30)
     */
    x = at(&all, offset_of(page, "<p>Read"));
    assert_string_equal(x->action, "keep");
    assert_string_equal(x->rule_id, "site-read-more");
    assert_int_equal(x->passed, 1);
    assert_int_equal(x->nconds, 2);
    assert_string_equal(x->cond, "max-length 30");
    assert_int_equal(x->cond_line, 5);
    assert_string_equal(x->failed, "text is 53 bytes");

    /* the phrase itself missing */
    x = at(&all, offset_of(page, "<p>Nothing"));
    assert_string_equal(x->rule_id, "site-read-more");
    assert_int_equal(x->passed, 0);
    assert_string_equal(x->cond, "contains \"read more\"");
    assert_int_equal(x->cond_line, 4);
    assert_string_equal(x->failed, "\"read more\" not found");

    /* the scope by class wins; equals shows the text it saw */
    x = at(&all, offset_of(page, "<h2"));
    assert_string_equal(x->tag, "h2");
    assert_string_equal(x->rule_id, "site-recent");
    assert_int_equal(x->rule_line, 9);
    assert_string_equal(x->cond, "equals \"recent posts\"");
    assert_int_equal(x->cond_line, 11);
    assert_string_equal(x->failed, "text is \"recent post\"");
    assert_string_equal(x->note, "");

    sf_rules_destroy(rules);
}


/* A block that no rule's scope takes; one in a quote, one in a sample. */
static void
test_no_rule_in_scope(void **state)
{
    exs_t         all;
    const ex_t   *x;
    sf_rules_t   *rules;

    static const char  page[] =
        "<html><body><div class=\"box\">Some words</div>"
        "<blockquote><p>Read more</p></blockquote>"
        "<div class=\"tutorial\"><p>Read <code>more</code></p></div>"
        "</body></html>";

    (void) state;

    rules = sf_test_rules(site_rules, 0);
    assert_non_null(rules);
    explain(rules, page, &all);

    assert_int_equal(all.n, 3);

    x = at(&all, offset_of(page, "<div"));
    assert_string_equal(x->tag, "div");
    assert_string_equal(x->cls, "box");
    assert_string_equal(x->action, "keep");
    assert_string_equal(x->rule_id, "");
    assert_string_equal(x->cond, "");
    assert_string_equal(x->note, "");

    /* a rule would take it, but quotes are never tried */
    x = at(&all, offset_of(page, "<p>Read"));
    assert_string_equal(x->action, "keep");
    assert_string_equal(x->rule_id, "");
    assert_string_equal(x->note,
                        "in a blockquote: no rule is tried, nothing is "
                        "removed");

    /* a code sample: the rule fires, the block stays */
    x = at(&all, offset_of(page, "<p>Read <code>"));
    assert_string_equal(x->action, "keep");
    assert_string_equal(x->rule_id, "site-read-more");
    assert_int_equal(x->passed, 2);
    assert_string_equal(x->failed, "");
    assert_string_equal(x->note,
                        "in a code sample: kept whatever the rules say");

    sf_rules_destroy(rules);
}


/* An element dropped whole at its start tag by a selector rule. */
static void
test_whole_element(void **state)
{
    exs_t         all;
    const ex_t   *x;
    sf_rules_t   *rules;

    static const char  page[] =
        "<html><body><p>Story.</p>"
        "<div id=\"respond\" class=\"comment-respond\"><h3>Leave a reply</h3>"
        "<form><p><textarea></textarea></p></form></div>"
        "</body></html>";

    (void) state;

    rules = sf_test_rules(site_rules, 0);
    assert_non_null(rules);
    explain(rules, page, &all);

    x = at(&all, offset_of(page, "<div id"));
    assert_true(x->whole);
    assert_string_equal(x->tag, "div");
    assert_string_equal(x->id, "respond");
    assert_string_equal(x->cls, "comment-respond");
    assert_int_equal(x->bytes, strlen(strstr(page, "<div id"))
                               - strlen("</body></html>"));
    assert_string_equal(x->action, "drop");
    assert_string_equal(x->rule_id, "site-comment-form");
    assert_int_equal(x->rule_line, 15);
    assert_int_equal(x->rule_index, 2);
    assert_int_equal(x->nconds, 0);

    /* nothing inside it was held or explained */
    assert_int_equal(all.n, 2);

    sf_rules_destroy(rules);
}


#define TITLE   "Night trains return to the Alps"
#define POST    "https://www.alpine-rail.example/2026/11/night-trains/"
#define HOME    "https://www.alpine-rail.example/"
#define OTHER   "https://www.other-site.example/"


/* The shape detector: a footer it takes, and one it leaves, with why. */
static void
test_shape_footer(void **state)
{
    exs_t         all;
    const ex_t   *x;
    sf_rules_t   *rules;

    static const char  page[] =
        "<html><head><title>" TITLE "</title></head><body>"
        "<p>Inl\xc3\xa4gget <a href=\"" POST "\">" TITLE "</a> d\xc3\xb6k "
        "f\xc3\xb6rst upp p\xc3\xa5 <a href=\"" HOME "\">Alpine Rail</a>.</p>"
        "<p>Inl\xc3\xa4gget <a href=\"" POST "\">" TITLE "</a> d\xc3\xb6k "
        "f\xc3\xb6rst upp p\xc3\xa5 <a href=\"" OTHER "\">Other</a>.</p>"
        "</body></html>";

    (void) state;

    rules = sf_test_rules("detector shape-footer on\n", 0);
    assert_non_null(rules);
    explain(rules, page, &all);

    assert_int_equal(all.n, 2);

    x = &all.x[0];
    assert_int_equal(x->offset, offset_of(page, "<p>"));
    assert_true(x->detector);
    assert_string_equal(x->rule_id, "shape-footer");
    assert_string_equal(x->action, "drop-source");
    assert_int_equal(x->rule_line, 0);

    x = &all.x[1];
    assert_false(x->detector);
    assert_string_equal(x->action, "keep");
    assert_string_equal(x->rule_id, "");
    assert_string_equal(x->detector_id, "shape-footer");
    assert_string_equal(x->detector_failed,
                        "the home page link is on another site than the "
                        "post's");

    sf_rules_destroy(rules);
}


/*
 * The built-in pack: a rule is named with its file, and a condition is
 * quoted from its line.  Lines of conf/rules/10-yoast.rules.
 */
static void
test_builtin_file(void **state)
{
    exs_t         all;
    const ex_t   *x;
    sf_rules_t   *rules;

    static const char  page[] =
        "<html><head><title>" TITLE "</title></head><body>"
        "<p>The post <a href=\"" POST "\">" TITLE "</a> appeared first on "
        "<a href=\"" HOME "\">Alpine Rail</a>.</p>"
        "</body></html>";

    (void) state;

    rules = sf_test_rules(NULL, 1);
    assert_non_null(rules);
    explain(rules, page, &all);

    assert_int_equal(all.n, 1);
    x = &all.x[0];
    assert_string_equal(x->action, "drop-source");
    assert_string_equal(x->rule_id, "yoast-footer-en");
    assert_string_equal(x->rule_file, "10-yoast.rules");
    assert_int_equal(x->rule_line, 15);

    sf_rules_destroy(rules);
}


/* A block longer than max_holdback goes out undecided, and says so. */
static void
test_unchecked(void **state)
{
    size_t          i, n;
    exs_t           all;
    char           *page;
    sf_rules_t     *rules;
    sf_options_t    opt;
    sf_test_out_t   out;
    unsigned        seed;

    (void) state;

    rules = sf_test_rules(site_rules, 0);
    assert_non_null(rules);

    page = malloc(2048);
    assert_non_null(page);
    n = (size_t) sprintf(page, "<html><body><p class=\"long\">");

    for (i = 0; i < 200; i++) {
        n += (size_t) sprintf(page + n, "words ");
    }

    n += (size_t) sprintf(page + n, "</p><p>Read more</p></body></html>");

    memset(&all, 0, sizeof(exs_t));
    sf_options_init(&opt);
    opt.limits.max_holdback = 256;
    opt.on_explain = on_explain;
    opt.on_explain_ctx = &all;
    seed = 1;

    assert_int_equal(sf_test_run(rules, &opt, (const unsigned char *) page,
                                 n, 0, &seed, 4096, &out), SF_OK);
    assert_int_equal(out.len, n - strlen("<p>Read more</p>"));
    assert_int_equal(out.stats.passthrough[SF_PASS_HOLDBACK], 1);

    assert_int_equal(all.n, 2);
    assert_true(all.x[0].unchecked);
    assert_int_equal(all.x[0].offset, strlen("<html><body>"));
    assert_int_equal(all.x[0].bytes, 256);     /* held when it outgrew */
    assert_string_equal(all.x[0].cls, "long");
    assert_string_equal(all.x[0].action, "keep");
    assert_string_equal(all.x[0].rule_id, "");
    assert_string_equal(all.x[0].note, "it outgrew max_holdback (256 bytes): "
                                       "sent unchecked from there");

    /* the next block is decided as usual */
    assert_false(all.x[1].unchecked);
    assert_string_equal(all.x[1].rule_id, "site-read-more");
    assert_string_equal(all.x[1].action, "drop");

    sf_test_out_free(&out);
    free(page);
    sf_rules_destroy(rules);
}


static int
discard(void *ctx, const unsigned char *p, size_t len)
{
    (void) ctx;
    (void) p;
    (void) len;

    return SF_OK;
}


/* In a feed, an explanation names its item; offsets are in its HTML. */
static void
test_feed_items(void **state)
{
    exs_t           all;
    sf_feed_t      *f;
    sf_rules_t     *rules;
    sf_options_t    opt;
    unsigned char   out[256];

    static const char  feed[] =
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
        "<item><title>One</title>"
        "<description>&lt;p&gt;First.&lt;/p&gt;</description></item>"
        "<item><title>Two</title>"
        "<description>&lt;p&gt;Read more&lt;/p&gt;</description></item>"
        "</channel></rss>";

    (void) state;

    rules = sf_test_rules(site_rules, 0);
    assert_non_null(rules);

    memset(&all, 0, sizeof(exs_t));
    sf_options_init(&opt);
    opt.on_explain = on_explain;
    opt.on_explain_ctx = &all;

    f = sf_feed_create(rules, &opt, &sf_malloc_allocator, 0);
    assert_non_null(f);
    assert_int_equal(sf_feed_run(f, (const unsigned char *) feed,
                                 sizeof(feed) - 1, 0, sizeof(out), out,
                                 discard, NULL),
                     SF_OK);
    sf_feed_destroy(f);

    assert_int_equal(all.n, 2);
    assert_int_equal(all.x[0].item, 1);
    assert_int_equal(all.x[0].offset, 0);
    assert_string_equal(all.x[0].action, "keep");
    assert_int_equal(all.x[1].item, 2);
    assert_int_equal(all.x[1].offset, 0);
    assert_int_equal(all.x[1].bytes, strlen("<p>Read more</p>"));
    assert_string_equal(all.x[1].rule_id, "site-read-more");

    sf_rules_destroy(rules);
}


/* Creating a stream with explanations fails cleanly at every allocation. */
static void
test_alloc_failures(void **state)
{
    long             n, calls;
    exs_t            all;
    sf_options_t     opt;
    sf_stream_t     *s;
    sf_rules_t      *rules;
    sf_allocator_t   alloc;
    sf_test_alloc_t  cnt;

    (void) state;

    rules = sf_test_rules(site_rules, 1);
    assert_non_null(rules);

    sf_options_init(&opt);
    opt.on_explain = on_explain;
    opt.on_explain_ctx = &all;

    memset(&cnt, 0, sizeof(cnt));
    alloc.alloc = sf_test_alloc;
    alloc.free = sf_test_free;
    alloc.ctx = &cnt;

    s = sf_stream_create(rules, &opt, &alloc);
    assert_non_null(s);
    calls = cnt.calls;
    sf_stream_destroy(s);
    assert_int_equal(cnt.live, 0);

    for (n = 1; n <= calls; n++) {
        memset(&cnt, 0, sizeof(cnt));
        cnt.fail_at = n;

        s = sf_stream_create(rules, &opt, &alloc);
        assert_null(s);
        assert_int_equal(cnt.live, 0);
    }

    sf_rules_destroy(rules);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_fired_rule),
        cmocka_unit_test(test_near_miss),
        cmocka_unit_test(test_no_rule_in_scope),
        cmocka_unit_test(test_whole_element),
        cmocka_unit_test(test_shape_footer),
        cmocka_unit_test(test_builtin_file),
        cmocka_unit_test(test_feed_items),
        cmocka_unit_test(test_unchecked),
        cmocka_unit_test(test_alloc_failures),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
