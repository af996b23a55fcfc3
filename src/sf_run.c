/*
 * sf_run.c: the callback convenience on top of sf_stream_feed() and
 * sf_feed_feed() (sf_run.h).
 */

#include <stddef.h>

#include "sf.h"
#include "sf_run.h"


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
