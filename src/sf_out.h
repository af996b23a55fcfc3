/*
 * sf_out.h: bytes waiting for the caller's output window.  The stream and
 * the feed layer each keep a queue of them (their own buffers, their own
 * order); moving one into the window is the same step for both.  Internal.
 */

#ifndef SF_OUT_H_INCLUDED
#define SF_OUT_H_INCLUDED

#include <stddef.h>
#include <string.h>

#include "sf.h"


typedef struct {
    const unsigned char  *p;
    size_t                len;
} sf_out_seg_t;


/* As much of seg as the window takes; returns the bytes moved. */
static inline size_t
sf_out_seg_move(sf_out_seg_t *seg, sf_io_t *io)
{
    size_t  n;

    n = seg->len < io->avail_out ? seg->len : io->avail_out;

    if (n > 0) {
        memcpy(io->next_out, seg->p, n);
        io->next_out += n;
        io->avail_out -= n;
        seg->p += n;
        seg->len -= n;
    }

    return n;
}

#endif /* SF_OUT_H_INCLUDED */
