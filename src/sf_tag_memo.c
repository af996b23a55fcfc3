/*
 * sf_tag_memo.c: the block start tags the scratch remembers.
 *
 * A listing's template opens the blocks of every entry with the same
 * start tags ("<div class=\"entry-content\" itemprop=\"text\">",
 * "<footer class=\"entry-meta\" aria-label=\"Entry meta\">"), and what
 * the stream makes of one (the lexer's reading of its attributes, their
 * values, the rules' selection, the element's flags) is the same each
 * time: a few hundred instructions a tag.  The scratch keeps the last
 * ones whole, each under a byte hashed from its first sixteen bytes; the
 * sixteen hashes are looked at in one compare, and a tag is answered only
 * when all its bytes are those of the slot's (its length is the slot's:
 * equal bytes up to the same '>' are the same tag to the lexer).
 */

#include <string.h>

#include "sf_match.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_TAG_MEMO_SSE2  1
#else
#define SF_TAG_MEMO_SSE2  0
#endif

#if (SF_TAG_MEMO_SLOTS != 16)
#error "the hashes of the slots are one 16-byte look"
#endif


/* The hash byte of the sixteen bytes at p: high bit set, never 0. */
static inline unsigned char
sf_tag_memo_hash(const unsigned char *p)
{
    uint64_t  a, b;

    memcpy(&a, p, 8);
    memcpy(&b, p + 8, 8);

    return (unsigned char) ((((a ^ (b * 0xff51afd7ed558ccdULL))
                              * 0x9e3779b97f4a7c15ULL) >> 57) | 0x80);
}


/* Whether the n bytes at a and b (16 <= n) are the same. */
static inline int
sf_tag_memo_same(const unsigned char *a, const unsigned char *b, size_t n)
{
#if (SF_TAG_MEMO_SSE2)
    size_t   i;
    __m128i  x;

    for (i = 0; i + 16 < n; i += 16) {
        x = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) (a + i)),
                           _mm_loadu_si128((const __m128i *) (b + i)));

        if (_mm_movemask_epi8(x) != 0xffff) {
            return 0;
        }
    }

    /* the last sixteen, over the ones before when n is no multiple */
    x = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) (a + n - 16)),
                       _mm_loadu_si128((const __m128i *) (b + n - 16)));

    return _mm_movemask_epi8(x) == 0xffff;
#else
    return memcmp(a, b, n) == 0;
#endif
}


const sf_tag_memo_t *
sf_match_tag(const sf_match_t *match, const unsigned char *p, size_t len)
{
    size_t         i, n;
    unsigned       cand;
    unsigned char  h;

    h = sf_tag_memo_hash(p);

#if (SF_TAG_MEMO_SSE2)
    cand = (unsigned) _mm_movemask_epi8(
               _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)
                                              match->tag_hash),
                              _mm_set1_epi8((char) h)));
#else
    cand = 0;

    for (i = 0; i < SF_TAG_MEMO_SLOTS; i++) {
        cand |= (unsigned) (match->tag_hash[i] == h) << i;
    }
#endif

    /* most often one candidate: the tags of one prefix, a few */
    for ( /* void */ ; cand != 0; cand &= cand - 1) {
        i = sf_ctz64(cand);
        n = match->tag_memo[i].len;

        if (n <= len && sf_tag_memo_same(match->tag_key[i], p, n)) {
            return &match->tag_memo[i];
        }
    }

    return NULL;
}


void
sf_match_tag_keep(sf_match_t *match, const unsigned char *p,
    const sf_tag_memo_t *e)
{
    unsigned  n;

    if (e->len < 16 || e->len > SF_TAG_MEMO_KEY) {
        return;
    }

    n = match->tag_next;
    match->tag_next = (n + 1) % SF_TAG_MEMO_SLOTS;

    memcpy(match->tag_key[n], p, e->len);
    match->tag_memo[n] = *e;
    match->tag_hash[n] = sf_tag_memo_hash(p);
}
