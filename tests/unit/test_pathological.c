/*
 * test_pathological.c: inputs that break naive filters.  Each must pass
 * through whole (output == input when nothing is removed), in linear time,
 * with no allocation after sf_stream_create().  Times are printed; the
 * bound (10 s) holds under ASan too.
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


#define MB  (1024 * 1024)


static const char  rules_text[] =
    "rule buy\n"
    "    scope p div anon\n"
    "    contains \"buy now\"\n"
    "    action drop\n"
    "end\n"
    "rule footer\n"
    "    scope p div anon\n"
    "    contains \"first appeared on\"\n"
    "    action drop-source link 1\n"
    "end\n";


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


/*
 * Run the input whole, in 4 KiB chunks and in random chunks through a
 * 7-byte window; every output must equal the input.
 */
static void
pass_whole(const char *name, const unsigned char *in, size_t len,
    const char *status)
{
    int              rc;
    size_t           i, n, pos, chunk, out_size;
    double           t0, t;
    unsigned         seed, flags;
    sf_io_t          io;
    sf_stream_t     *s;
    sf_options_t     opt;
    sf_allocator_t   alloc;
    sf_test_alloc_t  cnt;
    unsigned char   *out;

    static const size_t  chunks[] = { 0, 4096, (size_t) -1 };

    sf_options_init(&opt);
    out = malloc(len + 1);
    assert_non_null(out);
    seed = 12345;

    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        memset(&cnt, 0, sizeof(sf_test_alloc_t));
        alloc.alloc = sf_test_alloc;
        alloc.free = sf_test_free;
        alloc.ctx = &cnt;

        s = sf_stream_create(rules, &opt, &alloc);
        assert_non_null(s);
        n = (size_t) cnt.calls;

        out_size = chunks[i] == (size_t) -1 ? 7 : len + 1;
        pos = 0;
        t0 = sf_test_now();
        io.next_out = out;

        do {
            if (chunks[i] == (size_t) -1) {
                seed = seed * 1103515245u + 12345u;
                chunk = 1 + ((seed >> 16) % 9000);
            } else {
                chunk = chunks[i] ? chunks[i] : len;
            }

            chunk = chunk < len - pos ? chunk : len - pos;
            io.next_in = in + pos;
            io.avail_in = chunk;
            pos += chunk;
            flags = pos == len ? SF_FINISH : 0;

            do {
                io.avail_out = out + len + 1 - io.next_out;
                io.avail_out = io.avail_out < out_size ? io.avail_out
                                                       : out_size;
                rc = sf_stream_feed(s, &io, flags);
            } while (rc == SF_BUSY && io.avail_out == 0
                     && io.next_out < out + len + 1);

            assert_int_not_equal(rc, SF_ERROR);
            assert_int_equal(io.avail_in, 0);

        } while (pos < len);

        assert_int_equal(rc, SF_DONE);
        t = sf_test_now() - t0;

        assert_int_equal((size_t) (io.next_out - out), len);
        assert_memory_equal(out, in, len);

        /* flat memory: nothing was allocated after create */
        assert_int_equal((size_t) cnt.calls, n);

        if (status != NULL) {
            assert_string_equal(sf_stream_status(s), status);
        }

        printf("    %-22s %5.1f MB chunk %-6ld %7.3f s %8.1f MB/s "
               "memory %zu\n", name, (double) len / MB, (long) chunks[i], t,
               (double) len / MB / (t > 0 ? t : 1e-9),
               sf_stream_stats(s)->memory);

        assert_true(t < 10.0);

        sf_stream_destroy(s);
        assert_int_equal(cnt.live, 0);
    }

    free(out);
}


static unsigned char *
build(size_t cap, const char *head, const char *unit, const char *tail,
    size_t *len)
{
    size_t          hl, ul, tl, n;
    unsigned char  *p;

    hl = strlen(head);
    ul = strlen(unit);
    tl = strlen(tail);

    p = malloc(cap + hl + tl + ul);
    assert_non_null(p);

    memcpy(p, head, hl);
    n = hl;

    while (n < cap) {
        memcpy(p + n, unit, ul);
        n += ul;
    }

    memcpy(p + n, tail, tl);
    *len = n + tl;

    return p;
}


static void
test_huge_tag(void **state)
{
    size_t          len;
    unsigned char  *p;

    (void) state;

    /* a 3 MB tag, with a '>' inside its quoted value */
    p = build(3 * MB, "<body><div data-x=\"a>", "aaaa bbbb >cc ", "\">x</div>"
              "<p>buy now</p></body>", &len);

    /* the tag passes, and the block after it is still decided */
    memmove(p + len - strlen("<p>buy now</p></body>"), "</body>",
            sizeof("</body>"));
    len = len - strlen("<p>buy now</p></body>") + strlen("</body>");

    pass_whole("3 MB tag", p, len, "passthrough:holdback");
    free(p);
}


static void
test_endless_comment(void **state)
{
    size_t          len;
    unsigned char  *p;

    (void) state;

    p = build(3 * MB, "<body><p>x</p><!-- ", "buy now - -- > ->", "", &len);
    pass_whole("endless comment", p, len, "unchanged");
    free(p);
}


static void
test_deep_nesting(void **state)
{
    size_t          len, i, n;
    unsigned char  *p;

    (void) state;

    n = 200000;
    p = malloc(n * 11 + 64);
    assert_non_null(p);

    len = 0;
    memcpy(p, "<body>", 6);
    len += 6;

    for (i = 0; i < n; i++) {
        memcpy(p + len, "<div>", 5);
        len += 5;
    }

    memcpy(p + len, "deep", 4);
    len += 4;

    for (i = 0; i < n; i++) {
        memcpy(p + len, "</div>", 6);
        len += 6;
    }

    memcpy(p + len, "</body>", 7);
    len += 7;

    pass_whole("200000 nested divs", p, len, "passthrough:depth");
    free(p);
}


static void
test_huge_paragraph(void **state)
{
    size_t          len;
    unsigned char  *p;

    (void) state;

    p = build(5 * MB, "<body><p>",
              "The post <a href=\"https://x.example/\">x</a> first appeared "
              "on <b>buy now</b> &amp; ", "</p></body>", &len);

    pass_whole("5 MB paragraph", p, len, "passthrough:holdback");
    free(p);
}


static void
test_binary_garbage(void **state)
{
    size_t          len, i;
    unsigned        seed;
    unsigned char  *p;

    (void) state;

    len = 2 * MB;
    p = malloc(len);
    assert_non_null(p);

    seed = 7;

    for (i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char) (seed >> 16);

        /* markup now and then, so the lexer leaves the text state */
        if ((seed >> 8) % 61 == 0) {
            p[i] = '<';
        } else if ((seed >> 8) % 67 == 0) {
            p[i] = '>';
        } else if ((seed >> 8) % 71 == 0) {
            p[i] = '"';
        }
    }

    memcpy(p, "<body><p>", 9);
    pass_whole("invalid UTF-8 and NULs", p, len, NULL);
    free(p);
}


static void
test_unclosed_script(void **state)
{
    size_t          len;
    unsigned char  *p;

    (void) state;

    /* between blocks: the script flows */
    p = build(3 * MB, "<body><script>",
              "</scrip x </p> <div>buy now</div> </script", "", &len);
    pass_whole("unclosed script", p, len, "unchanged");
    free(p);

    /* inside a held block: the block outgrows the hold-back and flows */
    p = build(3 * MB, "<body><div><script>",
              "</scrip x </p> <div>buy now</div> </script", "", &len);
    pass_whole("unclosed script in div", p, len, "passthrough:holdback");
    free(p);
}


static void
test_alloc_failure(void **state)
{
    long             n;
    sf_stream_t     *s;
    sf_options_t     opt;
    sf_allocator_t   alloc;
    sf_test_alloc_t  cnt;

    (void) state;

    sf_options_init(&opt);
    alloc.alloc = sf_test_alloc;
    alloc.free = sf_test_free;
    alloc.ctx = &cnt;

    /* fail the Nth allocation for every N until create needs no more */
    for (n = 1; ; n++) {
        memset(&cnt, 0, sizeof(sf_test_alloc_t));
        cnt.fail_at = n;

        s = sf_stream_create(rules, &opt, &alloc);

        if (s != NULL) {
            assert_true(cnt.calls < n);
            sf_stream_destroy(s);
            assert_int_equal(cnt.live, 0);
            break;
        }

        assert_int_equal(cnt.live, 0);
    }

    assert_true(n > 2);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_huge_tag),
        cmocka_unit_test(test_endless_comment),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_paragraph),
        cmocka_unit_test(test_binary_garbage),
        cmocka_unit_test(test_unclosed_script),
        cmocka_unit_test(test_alloc_failure),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
