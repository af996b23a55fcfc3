/*
 * test_profile.c: the router profile (sf_limits_router()).  What one
 * stream, the compiled built-in pack and a shared decision scratch cost,
 * by the engine's own accounting, checked byte for byte against an
 * allocator that counts what it hands out; and that the profile's smaller
 * URL buffers fail open.
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


/* The bounds the profile promises (README, "Router profile"). */
#define ROUTER_STREAM_MAX   (16 * 1024)
#define ROUTER_WORKER_MAX   (200 * 1024)


/* Counts the bytes alive (actx.bytes) and the calls (actx.calls). */
static sf_test_alloc_t  actx;
static sf_allocator_t   a = { sf_test_alloc, sf_test_free, &actx };


/* The router limits, and the count from zero. */
static void
t_router(sf_options_t *opt)
{
    memset(&actx, 0, sizeof(sf_test_alloc_t));
    sf_options_init(opt);
    sf_limits_router(&opt->limits);
}


static int
t_sink(void *ctx, const unsigned char *p, size_t len)
{
    (void) p;

    *(size_t *) ctx += len;

    return SF_OK;
}


static sf_rules_t *
t_builtin(const sf_limits_t *limits)
{
    sf_error_t   err;
    sf_rules_t  *rules;

    memset(&err, 0, sizeof(sf_error_t));
    rules = sf_rules_create(&a, limits);
    assert_non_null(rules);
    assert_int_equal(sf_rules_add_builtin(rules, &err), SF_OK);
    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);

    return rules;
}


static unsigned char *
t_page(size_t *len)
{
    char            path[512];
    const char     *dir;
    unsigned char  *page;

    dir = getenv("SF_FIXTURES");
    snprintf(path, sizeof(path), "%s/webtimes-putin-car.html",
             dir != NULL ? dir : "tests/fixtures");

    page = sf_test_file(path, len);
    assert_non_null(page);

    return page;
}


/*
 * The figures of the profile, each the engine's own and each the very
 * bytes the allocator handed out; the stream then cleans a page of the
 * corpus without one more allocation.
 */
static void
test_router_memory(void **state)
{
    long             calls;
    size_t           before, len, out, shared;
    sf_rules_t      *rules;
    sf_stream_t     *s;
    sf_scratch_t    *sc;
    sf_options_t     opt;
    unsigned char   *page, buf[4096];
    const sf_stats_t  *st;

    (void) state;

    t_router(&opt);

    /* no JIT: every byte the rules hold came from the allocator */
    rules = t_builtin(&opt.limits);
    assert_int_equal(sf_rules_memory(rules), actx.bytes);
    print_message("router: rules %zu B\n", sf_rules_memory(rules));
    assert_true(sf_rules_memory(rules) <= ROUTER_WORKER_MAX);

    before = actx.bytes;
    sc = sf_scratch_create(rules, &opt.limits, &a);
    assert_non_null(sc);
    assert_int_equal(sf_scratch_memory(sc), actx.bytes - before);
    print_message("router: scratch %zu B\n", sf_scratch_memory(sc));
    assert_true(sf_rules_memory(rules) + sf_scratch_memory(sc)
                <= ROUTER_WORKER_MAX);

    opt.scratch = sc;
    before = actx.bytes;
    s = sf_stream_create(rules, &opt, &a);
    assert_non_null(s);
    st = sf_stream_stats(s);
    assert_int_equal(st->memory, actx.bytes - before);
    print_message("router: stream %zu B\n", st->memory);
    assert_true(st->memory <= ROUTER_STREAM_MAX);

    page = t_page(&len);
    calls = actx.calls;
    out = 0;
    assert_int_equal(sf_stream_run(s, page, len, 0, sizeof(buf), buf,
                                   t_sink, &out),
                     SF_OK);
    assert_int_equal(actx.calls, calls);
    assert_true(st->blocks_removed > 0);
    assert_int_equal(st->credits, 1);
    assert_int_equal(out, st->bytes_out);
    assert_true(out < len);

    shared = st->memory;
    sf_stream_destroy(s);
    assert_int_equal(actx.bytes, before);

    /* a stream without a shared scratch counts its own */
    opt.scratch = NULL;
    s = sf_stream_create(rules, &opt, &a);
    assert_non_null(s);
    assert_int_equal(sf_stream_stats(s)->memory, actx.bytes - before);
    assert_int_equal(sf_stream_stats(s)->memory,
                     shared + sf_scratch_memory(sc));
    sf_stream_destroy(s);

    sf_scratch_destroy(sc);
    sf_rules_destroy(rules);
    free(page);

    assert_int_equal(actx.bytes, 0);
}


/*
 * At the default limits the accounting is as complete: the rules' count
 * is the allocator's, plus the JIT code PCRE2 maps itself.
 */
static void
test_default_memory_counted(void **state)
{
    size_t           before;
    sf_rules_t      *rules;
    sf_stream_t     *s;
    sf_options_t     opt;

    (void) state;

    memset(&actx, 0, sizeof(sf_test_alloc_t));
    sf_options_init(&opt);

    opt.limits.regex_nojit = 1;
    rules = t_builtin(&opt.limits);
    assert_int_equal(sf_rules_memory(rules), actx.bytes);
    sf_rules_destroy(rules);
    assert_int_equal(actx.bytes, 0);

    opt.limits.regex_nojit = 0;
    rules = t_builtin(&opt.limits);
    assert_true(sf_rules_memory(rules) >= actx.bytes);
    print_message("default: rules %zu B (%zu B from the allocator)\n",
                  sf_rules_memory(rules), actx.bytes);

    before = actx.bytes;
    s = sf_stream_create(rules, &opt, &a);
    assert_non_null(s);
    assert_int_equal(sf_stream_stats(s)->memory, actx.bytes - before);
    print_message("default: stream %zu B\n", sf_stream_stats(s)->memory);

    sf_stream_destroy(s);
    sf_rules_destroy(rules);
    assert_int_equal(actx.bytes, 0);
}


/*
 * A source longer than the profile's URLs (max_url 512): not kept, so the
 * page's own canonical stays, and counted; one that fits is written.
 */
static void
test_router_long_source(void **state)
{
    char           url[700], want[2048];
    size_t         n;
    sf_rules_t    *rules;
    sf_options_t   opt;
    sf_test_out_t  out;

    static const char  page[] =
        "<html><head><title>T</title>"
        "<link rel=\"canonical\" href=\"https://agg.example/x\"></head>"
        "<body><p>x</p></body></html>";

    (void) state;

    rules = sf_test_rules(NULL, 1);
    assert_non_null(rules);

    sf_options_init(&opt);
    sf_limits_router(&opt.limits);
    opt.attribution = 0;

    /* 512 bytes: the longest kept, written with every '&' escaped */
    n = (size_t) snprintf(url, sizeof(url), "https://src.example/a?b=1&c=");
    memset(url + n, 'x', 512 - n);
    url[512] = '\0';
    opt.source = url;
    opt.source_len = 512;

    snprintf(want, sizeof(want),
             "<html><head><title>T</title>"
             "<link rel=\"canonical\" href=\"https://src.example/a?b=1&amp;"
             "c=%s\"></head><body><p>x</p></body></html>", url + n);
    sf_test_check(rules, &opt, page, sizeof(page) - 1, want, strlen(want),
                  &out);
    assert_int_equal(out.stats.canonicals, 1);
    assert_int_equal(out.stats.inserts_failed, 0);
    sf_test_out_free(&out);

    /* 513 bytes: the page's canonical stays, reported */
    url[512] = 'x';
    url[513] = '\0';
    opt.source_len = 513;

    sf_test_check(rules, &opt, page, sizeof(page) - 1, page, sizeof(page) - 1,
                  &out);
    assert_int_equal(out.stats.canonicals, 0);
    assert_int_equal(out.stats.inserts_failed, 1);
    assert_string_equal(out.source, "");
    sf_test_out_free(&out);

    /* at the default limits the same URL is the source */
    sf_limits_init(&opt.limits);
    sf_test_check(rules, &opt, page, sizeof(page) - 1, NULL, 0, &out);
    assert_int_equal(out.stats.canonicals, 1);
    assert_int_equal(out.stats.inserts_failed, 0);
    assert_int_equal(strlen(out.source), 513);
    sf_test_out_free(&out);

    sf_rules_destroy(rules);
}


/*
 * Without JIT a regex backtracks in heap frames: the scratch holds the
 * first vector of them, and the profile's heap limit keeps a regex that
 * wants more from growing it while a page is read: it fails open.
 */
static void
test_router_regex_heap(void **state)
{
    char             page[1200];
    long             calls;
    size_t           i, out;
    sf_error_t       err;
    sf_rules_t      *rules;
    sf_stream_t     *s;
    sf_scratch_t    *sc;
    sf_options_t     opt;
    unsigned char    buf[4096];
    const sf_stats_t  *st;

    static const char  text[] =
        "rule deep\n  scope p\n  regex \"^(a|b)*\\\\d$\"\n  action drop\nend\n";

    (void) state;

    t_router(&opt);

    memset(&err, 0, sizeof(sf_error_t));
    rules = sf_rules_create(&a, &opt.limits);
    assert_non_null(rules);
    assert_int_equal(sf_rules_add(rules, text, sizeof(text) - 1, &err),
                     SF_OK);
    assert_int_equal(sf_rules_compile(rules, &err), SF_OK);

    sc = sf_scratch_create(rules, &opt.limits, &a);
    assert_non_null(sc);
    opt.scratch = sc;
    s = sf_stream_create(rules, &opt, &a);
    assert_non_null(s);

    /* 900 letters: one frame each, far more than 20 KiB of them */
    memcpy(page, "<p>", 3);

    for (i = 3; i < 903; i++) {
        page[i] = (i & 1) ? 'a' : 'b';
    }

    memcpy(page + 903, "</p>", 4);

    calls = actx.calls;
    out = 0;
    assert_int_equal(sf_stream_run(s, (unsigned char *) page, 907, 0,
                                   sizeof(buf), buf, t_sink, &out),
                     SF_OK);

    st = sf_stream_stats(s);
    assert_int_equal(actx.calls, calls);
    assert_int_equal(st->passthrough[SF_PASS_REGEX], 1);
    assert_int_equal(st->blocks_removed, 0);
    assert_int_equal(out, 907);

    sf_stream_destroy(s);
    sf_scratch_destroy(sc);
    sf_rules_destroy(rules);
    assert_int_equal(actx.bytes, 0);
}


/* A shared scratch serves only the streams it has room for. */
static void
test_scratch_fits(void **state)
{
    sf_rules_t    *rules, *other;
    sf_stream_t   *s;
    sf_scratch_t  *sc;
    sf_options_t   opt;

    (void) state;

    rules = sf_test_rules(NULL, 1);
    other = sf_test_rules(NULL, 1);
    assert_non_null(rules);
    assert_non_null(other);

    sf_options_init(&opt);
    sf_limits_router(&opt.limits);
    sc = sf_scratch_create(rules, &opt.limits, &sf_malloc_allocator);
    assert_non_null(sc);
    opt.scratch = sc;

    s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
    assert_non_null(s);
    sf_stream_destroy(s);

    /* a smaller text and fewer links fit; a larger text does not */
    opt.limits.max_text = 100;
    opt.limits.max_links = 2;
    s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
    assert_non_null(s);
    sf_stream_destroy(s);

    opt.limits.max_text = 4096;
    assert_null(sf_stream_create(rules, &opt, &sf_malloc_allocator));

    sf_limits_router(&opt.limits);
    opt.limits.max_links = 9;
    assert_null(sf_stream_create(rules, &opt, &sf_malloc_allocator));

    sf_limits_router(&opt.limits);
    opt.limits.regex_match_limit = 10;
    assert_null(sf_stream_create(rules, &opt, &sf_malloc_allocator));

    /* the scratch is sized from its rules' phrases */
    sf_limits_router(&opt.limits);
    assert_null(sf_stream_create(other, &opt, &sf_malloc_allocator));

    sf_scratch_destroy(sc);
    sf_rules_destroy(other);
    sf_rules_destroy(rules);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_router_memory),
        cmocka_unit_test(test_default_memory_counted),
        cmocka_unit_test(test_router_long_source),
        cmocka_unit_test(test_router_regex_heap),
        cmocka_unit_test(test_scratch_fits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
