/*
 * sf_reject.h: what the raw-text reject's runtime (sf_reject.c) and its
 * tables (sf_reject_build.c) share.  Internal.
 */

#ifndef SF_REJECT_H_INCLUDED
#define SF_REJECT_H_INCLUDED

#include <string.h>

#include "sf_match.h"


/* What a condition is on what the raw text tells. */
#define SF_PRE_FALSE    0
#define SF_PRE_TRUE     1
#define SF_PRE_MAYBE    2                   /* no side effect either way */
#define SF_PRE_UNKNOWN  3                   /* the full way must tell */


/* Sets in bits[] the phrases that may occur in the normalized text of a
 * hazard-free text with no anchor, whose lead bytes are seen. */
void sf_reject_bits(const sf_rules_t *rules, uint64_t seen,
    unsigned char *bits);


static inline size_t
sf_popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;

    return (size_t) ((x * 0x0101010101010101ull) >> 56);
}

/*
 * A condition on phrases told by one word of bits (c->pmask_ok), maybe
 * the phrases that may be in the text, lo a lower bound of its folded
 * length (0: not known): SF_PRE_MAYBE or SF_PRE_FALSE; -1 when the word
 * does not tell.
 */
static inline int
sf_reject_mask(const sf_cond_t *c, uint64_t maybe, size_t lo)
{
    if (!c->pmask_ok) {
        return -1;
    }

    switch (c->type) {

    case SF_COND_TEMPLATE:
        return (maybe & c->pmask) != 0 ? SF_PRE_MAYBE : SF_PRE_FALSE;

    case SF_COND_ANY:
        return sf_popcount64(maybe & c->pmask) >= (size_t) c->n
               ? SF_PRE_MAYBE : SF_PRE_FALSE;

    case SF_COND_EQUALS:
        if (lo > c->phrases->len) {
            return SF_PRE_FALSE;
        }

        /* fall through */

    case SF_COND_CONTAINS:
    case SF_COND_STARTS:
    case SF_COND_ENDS:
        return (maybe & c->pmask) == c->pmask ? SF_PRE_MAYBE : SF_PRE_FALSE;

    default:
        return -1;
    }
}


/* The anchor key at p: 4 bytes, ASCII letters lower-cased (| 0x20). */
static inline uint32_t
sf_anchor_key(const unsigned char *p)
{
    return sf_fold4(p);
}


/* Where a key's bit is in an anchor set's map (sf_reject_avx2.c hashes
 * 8 keys at once the same way). */
#define SF_ANCHOR_MUL  0x9e3779b1u

static inline uint32_t
sf_anchor_hash(uint32_t key)
{
    return (key * SF_ANCHOR_MUL) >> (32 - SF_ANCHOR_BITS);
}

#endif /* SF_REJECT_H_INCLUDED */
