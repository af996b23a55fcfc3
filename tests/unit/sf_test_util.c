/*
 * sf_test_util.c: the shared harness of the unit tests.
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

#include "sf_test_util.h"


typedef union {
    size_t                size;
    long double           align;
} sf_test_head_t;


void *
sf_test_alloc(void *ctx, size_t size)
{
    sf_test_head_t   *h;
    sf_test_alloc_t  *a;

    a = ctx;

    if (++a->calls == a->fail_at) {
        return NULL;
    }

    h = malloc(sizeof(sf_test_head_t) + size);
    if (h == NULL) {
        return NULL;
    }

    h->size = size;
    a->live++;
    a->bytes += size;

    return h + 1;
}


void
sf_test_free(void *ctx, void *p)
{
    sf_test_head_t   *h;
    sf_test_alloc_t  *a;

    a = ctx;

    if (p != NULL) {
        h = (sf_test_head_t *) p - 1;
        a->live--;
        a->bytes -= h->size;
        free(h);
    }
}


sf_rules_t *
sf_test_rules(const char *text, int builtin)
{
    sf_error_t    err;
    sf_limits_t   limits;
    sf_rules_t   *rules;

    sf_limits_init(&limits);
    rules = sf_rules_create(&sf_malloc_allocator, &limits);

    if (rules == NULL) {
        return NULL;
    }

    memset(&err, 0, sizeof(sf_error_t));

    if ((text != NULL && sf_rules_add(rules, text, strlen(text), &err)
                         != SF_OK)
        || (builtin && sf_rules_add_builtin(rules, &err) != SF_OK)
        || sf_rules_compile(rules, &err) != SF_OK)
    {
        fprintf(stderr, "rules:%u:%u: %s\n", err.line, err.column,
                err.message);
        sf_rules_destroy(rules);
        return NULL;
    }

    return rules;
}


static size_t
sf_test_rand(unsigned *seed)
{
    /* a tiny LCG: the same seed gives the same chunking everywhere */
    *seed = *seed * 1103515245u + 12345u;

    return (*seed >> 16) & 0x7fff;
}


int
sf_test_run(const sf_rules_t *rules, const sf_options_t *opt,
    const unsigned char *in, size_t len, size_t chunk, unsigned *seed,
    size_t out_size, sf_test_out_t *out)
{
    int             rc;
    size_t          n, cap, pos;
    sf_io_t         io;
    unsigned        flags;
    sf_stream_t    *s;
    unsigned char  *buf, *p;
    const char     *src;

    memset(out, 0, sizeof(sf_test_out_t));

    s = sf_stream_create(rules, opt, &sf_malloc_allocator);
    if (s == NULL) {
        out->rc = SF_ERROR;
        return SF_ERROR;
    }

    cap = len + 65536;
    out->data = malloc(cap);
    buf = malloc(out_size);

    if (out->data == NULL || buf == NULL) {
        free(buf);
        sf_stream_destroy(s);
        out->rc = SF_ERROR;
        return SF_ERROR;
    }

    pos = 0;
    rc = SF_OK;

    do {
        if (chunk == (size_t) -1) {
            n = 1 + sf_test_rand(seed) % 700;
        } else {
            n = chunk ? chunk : len;
        }

        n = n < len - pos ? n : len - pos;

        io.next_in = in + pos;
        io.avail_in = n;
        pos += n;
        flags = (pos == len) ? SF_FINISH : 0;

        for ( ;; ) {
            io.next_out = buf;
            io.avail_out = out_size;

            rc = sf_stream_feed(s, &io, flags);

            n = (size_t) (io.next_out - buf);

            if (out->len + n > cap) {
                cap = (out->len + n) * 2;
                p = realloc(out->data, cap);

                if (p == NULL) {
                    rc = SF_ERROR;
                    break;
                }

                out->data = p;
            }

            memcpy(out->data + out->len, buf, n);
            out->len += n;

            if (rc != SF_BUSY) {
                break;
            }
        }

        if (rc == SF_ERROR) {
            break;
        }

        /* the contract: all input consumed unless the output ran out */
        if (io.avail_in != 0) {
            rc = SF_ERROR;
            break;
        }

    } while (pos < len);

    if (rc == SF_DONE) {
        /* feeding after the end is misuse */
        io.next_in = in;
        io.avail_in = len ? 1 : 0;
        io.next_out = buf;
        io.avail_out = out_size;
        rc = (sf_stream_feed(s, &io, 0) == SF_ERROR) ? SF_OK : SF_ERROR;

    } else if (rc == SF_OK) {
        rc = SF_ERROR;
    }

    out->stats = *sf_stream_stats(s);
    snprintf(out->status, sizeof(out->status), "%s", sf_stream_status(s));
    src = sf_stream_source(s, &n);
    snprintf(out->source, sizeof(out->source), "%.*s", (int) n, src);

    if (sf_stream_holding(s)) {
        rc = SF_ERROR;
    }

    sf_stream_destroy(s);
    free(buf);
    out->rc = rc;

    return rc;
}


void
sf_test_out_free(sf_test_out_t *out)
{
    free(out->data);
    out->data = NULL;
}


static void
sf_test_show(const char *what, const unsigned char *p, size_t len)
{
    fprintf(stderr, "%s (%zu bytes): %.*s\n", what, len,
            (int) (len > 2000 ? 2000 : len), (const char *) p);
}


void
sf_test_check(const sf_rules_t *rules, const sf_options_t *opt,
    const char *in, size_t len, const char *expected, size_t exp_len,
    sf_test_out_t *res)
{
    size_t          i, j;
    unsigned        seed, s0;
    const char     *env;
    sf_test_out_t   whole, o;

    static const size_t  outs[] = { 4096, 7, 1 };
    static const size_t  chunks[] = { 0, 1, (size_t) -1, (size_t) -1 };

    env = getenv("SF_TEST_SEED");
    seed = env != NULL ? (unsigned) strtoul(env, NULL, 10)
                       : (unsigned) time(NULL);

    sf_test_run(rules, opt, (const unsigned char *) in, len, 0, &seed,
                65536, &whole);

    if (whole.rc != SF_OK) {
        fail_msg("whole run failed: rc %d", whole.rc);
    }

    if (expected != NULL
        && (whole.len != exp_len || memcmp(whole.data, expected, exp_len)))
    {
        sf_test_show("input", (const unsigned char *) in, len);
        sf_test_show("expected", (const unsigned char *) expected, exp_len);
        sf_test_show("got", whole.data, whole.len);
        sf_test_out_free(&whole);
        fail_msg("output differs from the expected output");
    }

    for (i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
        for (j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++) {

            /* byte by byte through a 1-byte window is slow on big pages */
            if (len > 200000 && chunks[j] == 1 && outs[i] == 1) {
                continue;
            }

            s0 = seed;
            sf_test_run(rules, opt, (const unsigned char *) in, len,
                        chunks[j], &seed, outs[i], &o);

            if (o.rc != SF_OK || o.len != whole.len
                || memcmp(o.data, whole.data, whole.len) != 0)
            {
                sf_test_show("whole", whole.data, whole.len);
                sf_test_show("chunked", o.data, o.len);
                fprintf(stderr, "chunk %ld, out %zu, SF_TEST_SEED=%u\n",
                        (long) chunks[j], outs[i], s0);
                sf_test_out_free(&o);
                sf_test_out_free(&whole);
                fail_msg("chunked run differs (rc %d)", o.rc);
            }

            /* the output queue's invariant (sf_stream.h): never full */
            if (o.stats.passthrough[SF_PASS_QUEUE] != 0) {
                fprintf(stderr, "chunk %ld, out %zu, SF_TEST_SEED=%u\n",
                        (long) chunks[j], outs[i], s0);
                sf_test_out_free(&o);
                sf_test_out_free(&whole);
                fail_msg("the output queue was full");
            }

            if (memcmp(&o.stats, &whole.stats, sizeof(sf_stats_t)) != 0
                || strcmp(o.status, whole.status) != 0)
            {
                fprintf(stderr, "chunk %ld, out %zu, SF_TEST_SEED=%u\n",
                        (long) chunks[j], outs[i], s0);
                sf_test_out_free(&o);
                sf_test_out_free(&whole);
                fail_msg("chunked run has other stats or status");
            }

            sf_test_out_free(&o);
        }
    }

    if (res != NULL) {
        *res = whole;

    } else {
        sf_test_out_free(&whole);
    }
}


unsigned char *
sf_test_file(const char *path, size_t *len)
{
    FILE           *f;
    long            n;
    unsigned char  *p;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fclose(f);
        return NULL;
    }

    p = malloc((size_t) n + 1);

    if (p != NULL && fread(p, 1, (size_t) n, f) != (size_t) n) {
        free(p);
        p = NULL;
    }

    fclose(f);

    if (p != NULL) {
        p[n] = '\0';
        *len = (size_t) n;
    }

    return p;
}


double
sf_test_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
