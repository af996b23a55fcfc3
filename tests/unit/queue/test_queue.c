/*
 * test_queue.c: the output queue's guards (sf_stream.h), which the real
 * queue size puts out of reach.  Built twice (see the Makefile), linked
 * with an engine whose queue is tiny, so that one token that queues a
 * kept block, the credit and itself through a 1-byte output window
 * overflows it:
 *
 *   SF_QUEUE_MAX=2, SF_QUEUE_PAGE=1: no byte of the page is lost; the
 *   insertion is left out and the page goes on unchanged;
 *   SF_QUEUE_MAX=1, SF_QUEUE_PAGE=0: page bytes themselves find no slot
 *   (what the reserve rules out with the real sizes): the stream fails
 *   rather than end a page with a hole in it as if it were whole.
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


#define CREDIT                                                               \
    "<p class=\"syndication-source\">Originally published by <a href=\""    \
    "https://src.example/a\">src.example</a></p>"


static sf_rules_t  *rules;


static int
setup(void **state)
{
    (void) state;

    rules = sf_test_rules("rule buy\n    scope p\n    contains \"buy now\"\n"
                          "    action drop\nend\n", 0);

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
run_rc(const char *in, size_t chunk, size_t out_size, sf_test_out_t *out)
{
    unsigned      seed;
    sf_options_t  opt;

    sf_options_init(&opt);
    opt.source = "https://src.example/a";
    opt.source_len = strlen(opt.source);
    /* the credit is the insertion these cases count (no head canonical) */
    opt.canonical = 0;
    seed = 7;

    sf_test_run(rules, &opt, (const unsigned char *) in, strlen(in), chunk,
                &seed, out_size, out);
}


static void
run(const char *in, size_t chunk, size_t out_size, sf_test_out_t *out)
{
    run_rc(in, chunk, out_size, out);
    assert_int_equal(out->rc, SF_OK);
}


static void
expect(sf_test_out_t *out, const char *want)
{
    if (out->len != strlen(want) || memcmp(out->data, want, out->len) != 0) {
        fprintf(stderr, "want %s\ngot  %.*s\n", want, (int) out->len,
                (const char *) out->data);
        sf_test_out_free(out);
        fail_msg("output differs");
    }
}


#if SF_QUEUE_MAX == 2

/*
 * "</article>" releases the kept "<p>kept" block, queues the credit and
 * itself: 3 segments for a queue of 2 when the output takes 1 byte at a
 * time.  Before the guard the queue dropped "</article>" silently.
 */
static void
test_full_queue_loses_no_page_byte(void **state)
{
    size_t          i;
    sf_test_out_t   out;

    static const char    page[] = "<body><article><p>kept</article></body>";
    static const size_t  chunks[] = { 0, 1, 5, (size_t) -1 };

    (void) state;

    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        run(page, chunks[i], 1, &out);

        /* every byte of the page, in order; the credit left out */
        expect(&out, page);
        assert_int_equal(out.stats.bytes_out, sizeof(page) - 1);
        assert_string_equal(out.status, "passthrough:queue");
        sf_test_out_free(&out);
    }

    /* with room in the output nothing waits: the credit is there */
    run(page, 0, 4096, &out);
    expect(&out, "<body><article><p>kept" CREDIT "</article></body>");
    assert_string_equal(out.status, "rewritten");
    sf_test_out_free(&out);
}


/* An insertion that leaves the page its slot is queued as always. */
static void
test_insertion_within_reserve(void **state)
{
    sf_test_out_t  out;

    (void) state;

    run("<body><p>x</p><p>buy now</p></body>", 1, 1, &out);
    expect(&out, "<body><p>x</p>" CREDIT "</body>");
    assert_string_equal(out.status, "rewritten");
    sf_test_out_free(&out);
}


#else /* SF_QUEUE_MAX == 1 */

/*
 * "</body>" queues the credit into the only slot (the output is full: the
 * window went to the page before it), and then itself, which follows no
 * queued byte: no slot.  The run fails (SF_ERROR, which the module turns
 * into a cut response) instead of ending the page without its "</body>"
 * as if it were whole; what came out is the start of the right output.
 */
static void
test_page_bytes_without_slot_fail(void **state)
{
    sf_test_out_t  out;

    static const char  page[] = "<body><p>x</p></body>";
    static const char  whole[] = "<body><p>x</p>" CREDIT "</body>";

    (void) state;

    run_rc(page, 0, 1, &out);

    assert_int_equal(out.rc, SF_ERROR);
    assert_true(out.len < sizeof(whole) - 1);
    assert_memory_equal(out.data, whole, out.len);
    sf_test_out_free(&out);

    /* nothing waits with room in the output: the page is whole */
    run(page, 0, 4096, &out);
    expect(&out, whole);
    sf_test_out_free(&out);
}

#endif


int
main(void)
{
    const struct CMUnitTest  tests[] = {
#if SF_QUEUE_MAX == 2
        cmocka_unit_test(test_full_queue_loses_no_page_byte),
        cmocka_unit_test(test_insertion_within_reserve),
#else
        cmocka_unit_test(test_page_bytes_without_slot_fail),
#endif
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
