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


/*
 * Whether the n bytes at t (4 or more) are the anchor bytes a ([a-z0-9]),
 * ASCII case aside, a word at a time: a letter of a has bit 0x40, shifted
 * down the 0x20 that may differ in t (its upper case); a digit has none,
 * so t must have that byte exactly.  The last word overlaps the one
 * before it; under 8 bytes, two words of 4.
 */
static inline int
sf_anchor_eq(const unsigned char *t, const unsigned char *a, size_t n)
{
    size_t    j;
    uint32_t  x4, y4;
    uint64_t  x, y;

    if (n < 8) {
        memcpy(&x4, t, 4);
        memcpy(&y4, a, 4);

        if ((x4 | ((y4 & 0x40404040u) >> 1)) != y4) {
            return 0;
        }

        memcpy(&x4, t + n - 4, 4);
        memcpy(&y4, a + n - 4, 4);

        return (x4 | ((y4 & 0x40404040u) >> 1)) == y4;
    }

    for (j = 0; j + 8 < n; j += 8) {
        memcpy(&x, t + j, 8);
        memcpy(&y, a + j, 8);

        if ((x | ((y & 0x4040404040404040ull) >> 1)) != y) {
            return 0;
        }
    }

    memcpy(&x, t + n - 8, 8);
    memcpy(&y, a + n - 8, 8);

    return (x | ((y & 0x4040404040404040ull) >> 1)) == y;
}


/*
 * Of a '&' at p with 7 bytes from it in the text: 1 when it starts a
 * decimal reference of 4 digits and ';' to a typographic character that
 * only separates letters (dashes, curly quotes, bullet, ellipsis: U+2013
 * to U+2026, in UTF-8 after the lead byte 0xe2), as the reject's general
 * way reads it ("&#8217;", most references in news text); 0 when that
 * way must tell.
 */
static inline int
sf_reject_ref4(const unsigned char *p)
{
    uint32_t  cp;

    if (p[1] != '#' || p[6] != ';' || p[2] != '8' || p[3] != '2'
        || (unsigned) (p[4] - '0') > 9 || (unsigned) (p[5] - '0') > 9)
    {
        return 0;
    }

    cp = 8200 + (uint32_t) (p[4] - '0') * 10 + (uint32_t) (p[5] - '0');

    switch (cp) {
    case 0x2013: case 0x2014: case 0x2018: case 0x2019: case 0x201c:
    case 0x201d: case 0x2022: case 0x2026:
        return 1;
    }

    return 0;
}

/* The lead byte of the characters sf_reject_ref4() takes. */
#define SF_REJECT_REF4_LEAD  0xe2


/* An anchor set's map: a byte per hash value, and 3 more (0) so that
 * the AVX2 probe reads each in a word of 4 (a gather). */
#define SF_ANCHOR_MAP_SIZE  (((size_t) 1 << SF_ANCHOR_BITS) + 3)


/* Where a key's bit is in an anchor set's map (sf_reject_avx2.c hashes
 * 8 keys at once the same way). */
#define SF_ANCHOR_MUL  0x9e3779b1u

static inline uint32_t
sf_anchor_hash(uint32_t key)
{
    return (key * SF_ANCHOR_MUL) >> (32 - SF_ANCHOR_BITS);
}

#endif /* SF_REJECT_H_INCLUDED */
