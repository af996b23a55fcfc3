/*
 * sf_scratch.h: the scratch of block decisions, the stream's own or
 * shared by the streams of one thread (sf.h, sf_scratch_t).  Internal.
 */

#ifndef SF_SCRATCH_H_INCLUDED
#define SF_SCRATCH_H_INCLUDED

#include "sf_block.h"


struct sf_scratch_s {
    const sf_rules_t     *rules;
    sf_allocator_t        alloc;
    sf_limits_t           limits;           /* created for these */
    sf_match_t           *match;
    unsigned char        *shape;            /* NULL: the detector is off */
    size_t                memory;
};


/* Whether a stream of rules with these limits may decide in it. */
int sf_scratch_fits(const sf_scratch_t *sc, const sf_rules_t *rules,
    const sf_limits_t *limits);


#endif /* SF_SCRATCH_H_INCLUDED */
