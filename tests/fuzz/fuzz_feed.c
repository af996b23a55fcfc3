/*
 * fuzz_feed.c: libFuzzer target for the feed layer.
 *
 * Each input runs whole through a large output window and again in pieces
 * (sizes taken from the input's own bytes) through a 3-byte window and
 * with explanations on, with the built-in pack; the outputs must agree,
 * the feed must end and hold nothing, and every explanation must name its
 * item and hold whole strings.  In report mode the output must equal the input, whatever it
 * is.  Inputs that are no feed run with SF_FEED_SNIFF too and must pass
 * unchanged.  Build and run: make fuzz-feed (clang, libFuzzer, ASan and
 * UBSan; FUZZ_SECONDS sets the time; tests/fixtures/feeds seeds it).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf.h"


/* An explanation of a block of an item's HTML. */
static void
sf_fuzz_explain(void *ctx, const sf_explain_t *x)
{
    (void) ctx;

    if (x->item == 0 || x->tag == NULL || x->action == NULL
        || (x->cond != NULL && (strlen(x->cond) == 0 || x->failed == NULL))
        || (x->failed != NULL && strlen(x->failed) == 0)
        || (x->note != NULL && strlen(x->note) == 0)
        || (x->rule_id != NULL && strlen(x->rule_id) == 0))
    {
        abort();
    }
}


static unsigned char *
sf_fuzz_run(const sf_rules_t *rules, int report, unsigned flags,
    const uint8_t *data, size_t size, const uint8_t *sizes, size_t nsizes,
    size_t out_size, size_t *out_len, int explain)
{
    int             rc;
    size_t          pos, n, k, cap;
    sf_io_t         io;
    sf_feed_t      *f;
    sf_options_t    opt;
    unsigned char  *out;

    sf_options_init(&opt);
    opt.report = report;
    opt.limits.max_holdback = 256;
    opt.limits.max_text = 64;

    if (explain) {
        opt.on_explain = sf_fuzz_explain;
    }

    f = sf_feed_create(rules, &opt, &sf_malloc_allocator, flags);
    if (f == NULL) {
        abort();
    }

    /* escaping grows text at most tenfold; credits add a little each */
    cap = size * 10 + 65536;
    out = malloc(cap);
    if (out == NULL) {
        abort();
    }

    pos = 0;
    k = 0;
    io.next_out = out;

    do {
        n = nsizes ? 1 + sizes[k++ % nsizes] % 64 : size;
        n = n < size - pos ? n : size - pos;

        io.next_in = data + pos;
        io.avail_in = n;
        pos += n;

        do {
            io.avail_out = cap - (size_t) (io.next_out - out);
            io.avail_out = io.avail_out < out_size ? io.avail_out : out_size;

            if (io.avail_out == 0) {
                abort();            /* more than tenfold: a runaway */
            }

            rc = sf_feed_feed(f, &io, pos == size ? SF_FINISH : 0);
        } while (rc == SF_BUSY);

        if (rc == SF_ERROR || io.avail_in != 0) {
            abort();
        }

    } while (pos < size);

    if (rc != SF_DONE || sf_feed_holding(f)) {
        abort();
    }

    *out_len = (size_t) (io.next_out - out);
    sf_feed_destroy(f);

    return out;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t               a_len, b_len;
    sf_error_t           err;
    sf_limits_t          limits;
    unsigned char       *a, *b;
    static sf_rules_t   *rules;

    if (rules == NULL) {
        sf_limits_init(&limits);
        rules = sf_rules_create(&sf_malloc_allocator, &limits);

        if (rules == NULL
            || sf_rules_add_builtin(rules, &err) != SF_OK
            || sf_rules_compile(rules, &err) != SF_OK)
        {
            abort();
        }
    }

    a = sf_fuzz_run(rules, 0, 0, data, size, NULL, 0, 65536, &a_len, 0);
    b = sf_fuzz_run(rules, 0, 0, data, size, data, size < 16 ? size : 16, 3,
                    &b_len, 1);

    if (a_len != b_len || memcmp(a, b, a_len) != 0) {
        abort();
    }

    free(a);
    free(b);

    /* report mode: the bytes as they came */
    a = sf_fuzz_run(rules, 1, SF_FEED_SNIFF, data, size, data + size / 2,
                    size / 2 < 8 ? 0 : 8, 5, &a_len, 0);

    if (a_len != size || memcmp(a, data, size) != 0) {
        abort();
    }

    free(a);

    /* no feed by its first bytes: through unchanged */
    if (sf_feed_detect(data, size) == SF_FEED_NO) {
        a = sf_fuzz_run(rules, 0, SF_FEED_SNIFF, data, size, data,
                        size < 8 ? size : 8, 7, &a_len, 0);

        if (a_len != size || memcmp(a, data, size) != 0) {
            abort();
        }

        free(a);
    }

    return 0;
}
