/*
 * sf_run.h: the callback convenience shared by the stream and the feed
 * layer (sf_stream_run(), sf_feed_run()): one loop that cuts the input in
 * chunks and hands every output window to a write callback.  Internal.
 */

#ifndef SF_RUN_H_INCLUDED
#define SF_RUN_H_INCLUDED

#include "sf.h"


/* sf_stream_feed() or sf_feed_feed(), for their engine. */
typedef int (*sf_run_feed_pt)(void *engine, sf_io_t *io, unsigned flags);

int sf_run(void *engine, sf_run_feed_pt feed, const unsigned char *in,
    size_t len, size_t chunk, size_t out_size, unsigned char *out_buf,
    sf_write_pt write, void *ctx);

#endif /* SF_RUN_H_INCLUDED */
