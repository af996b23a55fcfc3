/*
 * sf_api.c: defaults of limits and options, the malloc allocator and the
 * callback convenience on top of sf_stream_feed().
 */

#include <stdlib.h>
#include <string.h>

#include "sf.h"
#include "sf_run.h"


void
sf_limits_init(sf_limits_t *limits)
{
    memset(limits, 0, sizeof(sf_limits_t));

    /*
     * Boilerplate blocks are small: over the fixture corpus the largest
     * hold-back any page needs is 2,178 bytes and the largest block removed
     * 1,957 bytes.  16 KiB leaves a wide margin and halves the largest
     * allocation of a stream (stats.memory: `make bench-engine`).
     */
    limits->max_holdback = 16384;
    limits->max_text = 4096;
    limits->max_links = 16;
    limits->regex_match_limit = 100000;
    limits->regex_depth_limit = 1000;
    limits->regex_heap_limit = 256;
    limits->max_url = SF_URL_CLEAN_MAX;
    limits->max_dfa = 0;
}


void
sf_limits_router(sf_limits_t *limits)
{
    sf_limits_init(limits);

    /*
     * Still above the largest hold-back a page of the fixture corpus
     * needs (2,178 bytes) and the text of any block a rule of the
     * built-in pack removes; news URLs are far shorter than 512 bytes.
     * The phrase table keeps rows for the shallow states, where a scan
     * spends nearly all of its bytes.  The interpreter needs no
     * executable memory; its backtracking frames are allocated with the
     * decision scratch (20 KiB, PCRE2's first vector) and the heap limit
     * keeps them from growing while a page is read: a regex that needs
     * more fails open.
     */
    limits->max_holdback = 4096;
    limits->max_text = 1024;
    limits->max_links = 8;
    limits->max_url = 512;
    limits->max_dfa = 16384;
    limits->regex_nojit = 1;
    limits->regex_heap_limit = 20;
}


void
sf_options_init(sf_options_t *options)
{
    memset(options, 0, sizeof(sf_options_t));

    sf_limits_init(&options->limits);
    options->attribution = 1;
    options->canonical = 1;
    /* credit_template NULL: the stream's default credit */
}


static void *
sf_malloc_alloc(void *ctx, size_t size)
{
    (void) ctx;

    return malloc(size);
}


static void
sf_malloc_free(void *ctx, void *p)
{
    (void) ctx;

    free(p);
}


const sf_allocator_t  sf_malloc_allocator = {
    sf_malloc_alloc, sf_malloc_free, NULL
};


int
sf_run(void *engine, sf_run_feed_pt feed, const unsigned char *in,
    size_t len, size_t chunk, size_t out_size, unsigned char *out_buf,
    sf_write_pt write, void *ctx)
{
    int       rc;
    size_t    n;
    unsigned  flags;
    sf_io_t   io;

    if (engine == NULL || out_buf == NULL || out_size == 0 || write == NULL
        || (in == NULL && len > 0))
    {
        return SF_ERROR;
    }

    if (chunk == 0) {
        chunk = len;
    }

    io.next_in = in;
    io.avail_in = 0;

    do {
        n = len < chunk ? len : chunk;
        io.next_in = in;
        io.avail_in = n;
        in += n;
        len -= n;
        flags = (len == 0) ? SF_FINISH : 0;

        do {
            io.next_out = out_buf;
            io.avail_out = out_size;

            rc = feed(engine, &io, flags);

            if (rc == SF_ERROR) {
                return SF_ERROR;
            }

            if (io.next_out != out_buf
                && write(ctx, out_buf, (size_t) (io.next_out - out_buf))
                   != SF_OK)
            {
                return SF_ERROR;
            }

        } while (rc == SF_BUSY);

    } while (len > 0);

    return rc == SF_DONE ? SF_OK : SF_ERROR;
}


static int
sf_run_stream(void *engine, sf_io_t *io, unsigned flags)
{
    return sf_stream_feed(engine, io, flags);
}


int
sf_stream_run(sf_stream_t *stream, const unsigned char *in, size_t len,
    size_t chunk, size_t out_size, unsigned char *out_buf,
    sf_write_pt write, void *ctx)
{
    return sf_run(stream, sf_run_stream, in, len, chunk, out_size, out_buf,
                  write, ctx);
}
