/*
 * sf_reject.h: what the raw-text reject's runtime (sf_reject.c) and its
 * tables (sf_reject_build.c) share.  Internal.
 */

#ifndef SF_REJECT_H_INCLUDED
#define SF_REJECT_H_INCLUDED

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

#endif /* SF_REJECT_H_INCLUDED */
