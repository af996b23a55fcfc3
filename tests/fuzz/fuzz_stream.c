/*
 * fuzz_stream.c: libFuzzer target for the stream.
 *
 * Each input runs whole and again in pieces (sizes taken from the input's
 * own bytes) through a 3-byte output window; the outputs must agree, the
 * stream must end, and with no rules (nor canonical and credit) the output
 * must equal the input.  Build and run: make fuzz (clang, libFuzzer, ASan
 * and UBSan; FUZZ_SECONDS sets the time).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf.h"


static const char  sf_fuzz_rules[] =
    "rule buy\n"
    "    scope p div li anon\n"
    "    contains \"buy now\"\n"
    "    action drop\n"
    "end\n"
    "rule footer\n"
    "    scope p div anon\n"
    "    contains \"first appeared on\"\n"
    "    action drop-source link 1\n"
    "end\n"
    "rule respond\n"
    "    scope \"#respond\"\n"
    "    action drop\n"
    "end\n";


static unsigned char *
sf_fuzz_run(const sf_rules_t *rules, const uint8_t *data, size_t size,
    const uint8_t *sizes, size_t nsizes, size_t out_size, size_t *out_len)
{
    int             rc;
    size_t          pos, n, k, cap;
    sf_io_t         io;
    sf_stream_t    *s;
    sf_options_t    opt;
    unsigned char  *out;

    sf_options_init(&opt);
    opt.limits.max_holdback = 256;
    opt.limits.max_text = 64;

    /* without rules nothing may change: no canonical, no credit either */
    if (sf_rules_count(rules) == 0) {
        opt.canonical = 0;
        opt.attribution = 0;
    }

    s = sf_stream_create(rules, &opt, &sf_malloc_allocator);
    if (s == NULL) {
        abort();
    }

    cap = size * 2 + 8192;
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
            rc = sf_stream_feed(s, &io, pos == size ? SF_FINISH : 0);
        } while (rc == SF_BUSY);

        if (rc == SF_ERROR || io.avail_in != 0) {
            abort();
        }

    } while (pos < size);

    if (rc != SF_DONE || sf_stream_holding(s)) {
        abort();
    }

    *out_len = (size_t) (io.next_out - out);
    sf_stream_destroy(s);

    return out;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t               a_len, b_len, c_len;
    sf_error_t           err;
    sf_limits_t          limits;
    unsigned char       *a, *b, *c;
    static sf_rules_t   *rules, *none;

    if (rules == NULL) {
        sf_limits_init(&limits);
        rules = sf_rules_create(&sf_malloc_allocator, &limits);
        none = sf_rules_create(&sf_malloc_allocator, &limits);

        if (rules == NULL || none == NULL
            || sf_rules_add(rules, sf_fuzz_rules, sizeof(sf_fuzz_rules) - 1,
                            &err) != SF_OK
            || sf_rules_add_builtin(rules, &err) != SF_OK
            || sf_rules_compile(rules, &err) != SF_OK
            || sf_rules_compile(none, &err) != SF_OK)
        {
            abort();
        }
    }

    a = sf_fuzz_run(rules, data, size, NULL, 0, 65536, &a_len);
    b = sf_fuzz_run(rules, data, size, data, size < 16 ? size : 16, 3,
                    &b_len);

    if (a_len != b_len || memcmp(a, b, a_len) != 0) {
        abort();
    }

    /* no rules: the page must come out as it went in */
    c = sf_fuzz_run(none, data, size, data + size / 2, size / 2 < 8 ? 0 : 8,
                    5, &c_len);

    if (c_len != size || memcmp(c, data, size) != 0) {
        abort();
    }

    free(a);
    free(b);
    free(c);

    return 0;
}
