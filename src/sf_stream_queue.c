/*
 * sf_stream_queue.c: the output queue.  Bytes go straight to the caller's
 * output while nothing waits before them; what does not fit waits as
 * segments pointing into the stream's own buffers (hold, render, canon),
 * and the feed loop drains them before it looks at more input.
 */

#include <stdlib.h>
#include <string.h>

#include "sf_stream.h"


/*
 * Bytes that may have to wait (sf_stream_queue() in sf_stream.h sends
 * those that fit at once).  Returns 0, or -1 when they were left out: an
 * insertion refused to keep the page's slots (counted as a pass-through:
 * the page goes on unchanged), or page bytes that found no slot, which the
 * reserve rules out (sf_stream.h) and which make the stream fail
 * (SF_ERROR) rather than send a page with a hole in it.
 */
int
sf_stream_queue_wait(sf_stream_t *s, const unsigned char *p, size_t len)
{
    unsigned       i;
    sf_out_seg_t  *seg;

    if (len == 0) {
        return 0;
    }

    /*
     * Nothing waits before these bytes: they go straight to the caller's
     * output as far as it has room, and only the rest waits.
     */
    if (s->q_n == 0 && s->io != NULL && s->io->avail_out > 0) {
        size_t  n;

        n = len < s->io->avail_out ? len : s->io->avail_out;
        sf_stream_out(s, s->io, p, n);

        if (n == len) {
            return 0;
        }

        p += n;
        len -= n;
    }

#ifdef SF_QUEUE_CHECK
    /* bytes wait only behind a full window: the fast paths rely on it */
    if (s->io != NULL && s->io->avail_out > 0) {
        abort();
    }
#endif

    i = (s->q_head + s->q_n) % SF_QUEUE_MAX;
    seg = &s->queue[i];

    if (s->q_n > 0) {
        sf_out_seg_t  *last;

        last = &s->queue[(i + SF_QUEUE_MAX - 1) % SF_QUEUE_MAX];

        /* right after the last segment's bytes: no new slot */
        if (last->p + last->len == p) {
            last->len += len;
            return 0;
        }
    }

    if ((uintptr_t) p - (uintptr_t) s->render < s->render_cap) {
        /* an insertion: never in a slot the page's bytes may need */
        if (s->q_n + 1 + SF_QUEUE_PAGE > SF_QUEUE_MAX) {
            sf_stream_pass(s, SF_PASS_QUEUE);
            return -1;
        }

    } else if (s->q_n == SF_QUEUE_MAX) {
        sf_stream_pass(s, SF_PASS_QUEUE);
        s->broken = 1;
        return -1;
    }

    seg->p = p;
    seg->len = len;
    s->q_n++;

    return 0;
}


/* The current token leaves as it is. */
void
sf_stream_queue_token(sf_stream_t *s)
{
    (void) sf_stream_queue(s, s->hold + s->t_start,
                           s->hold_len - s->t_start);
}


int
sf_stream_drain(sf_stream_t *s, sf_io_t *io)
{
    size_t         n;
    sf_out_seg_t  *seg;

    while (s->q_n > 0) {
        seg = &s->queue[s->q_head];
        n = sf_out_seg_move(seg, io);

        if (n == 0) {
            return SF_BUSY;
        }

        s->stats.bytes_out += n;

        if (seg->len == 0) {
            s->q_head = (s->q_head + 1) % SF_QUEUE_MAX;
            s->q_n--;
        }
    }

    return SF_OK;
}
