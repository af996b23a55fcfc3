/*
 * sf_reject_avx2.c: the raw-text reject's anchor probe in AVX2, where the
 * CPU has it (rules->avx2; the loops of sf_reject.c tell the same
 * everywhere): 4 to 8 stride positions a round, their keys taken from
 * two 16-byte loads by one byte shuffle and hashed in one register, only
 * the map bytes read one by one.  Per position that is ~3 instructions
 * instead of ~7.
 */

#include <string.h>

#include "sf_reject.h"
#include "sf_reject_avx2.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(SF_NO_SIMD)
#include <immintrin.h>
#define SF_REJECT_AVX2  1
#define SF_AVX2         __attribute__ ((target("avx2")))
#else
#define SF_REJECT_AVX2  0
#endif


#if (SF_REJECT_AVX2)

/* The map bytes of the keys of a round: n a load, in words 0 to n - 1
 * of each half of h. */
#define sf_avx2_map(map, h, n)                                                \
    ((map[h[0]] | map[h[1]] | map[h[4]] | map[h[5]])                          \
     | ((n) > 2 ? map[h[2]] | map[h[6]] : 0)                                  \
     | ((n) > 3 ? map[h[3]] | map[h[7]] : 0))


/* Of a round with a key in the map, the positions whose key is: bit k
 * for position k (words 0 to n - 1 of the first half, then of the
 * second). */
static inline unsigned
sf_avx2_lanes(const unsigned char *map, const uint32_t *h, unsigned n)
{
    unsigned  k, lanes;

    lanes = 0;

    for (k = 0; k < n; k++) {
        lanes |= (unsigned) (map[h[k]] != 0) << k;
        lanes |= (unsigned) (map[h[4 + k]] != 0) << (n + k);
    }

    return lanes;
}


/* The keys of the round at text[i]: the shuffle ctl of the 16 bytes from
 * i and from i + step, folded and hashed as sf_anchor_hash(). */
#define sf_avx2_hash(text, i, step, ctl)                                      \
    _mm256_srli_epi32(_mm256_mullo_epi32(                                     \
        _mm256_or_si256(_mm256_shuffle_epi8(_mm256_inserti128_si256(          \
            _mm256_castsi128_si256(                                           \
                _mm_loadu_si128((const __m128i *) (text + i))),               \
            _mm_loadu_si128((const __m128i *) (text + i + step)), 1), ctl),   \
            _mm256_set1_epi32(0x20202020)),                                   \
        _mm256_set1_epi32((int) SF_ANCHOR_MUL)), 32 - SF_ANCHOR_BITS)


/* sf_reject_avx2_next() of a set of n keys a load (n a constant). */
#define sf_avx2_next_n(n)                                                     \
SF_AVX2 static size_t                                                         \
sf_avx2_next_##n(const sf_anchor_set_t *set, const unsigned char *text,      \
    size_t len, size_t i, unsigned *lanes)                                    \
{                                                                             \
    size_t                step;                                               \
    uint32_t              h[8];                                               \
    __m256i               ctl;                                                \
    const unsigned char  *map;                                                \
                                                                              \
    map = set->map;                                                           \
    step = n * set->stride;                                                   \
    ctl = _mm256_loadu_si256((const __m256i *) set->ctl);                     \
                                                                              \
    for ( /* void */ ; i + step + 16 <= len; i += 2 * step) {                 \
        _mm256_storeu_si256((__m256i *) h,                                    \
                            sf_avx2_hash(text, i, step, ctl));                \
                                                                              \
        if (sf_avx2_map(map, h, n) != 0) {                                    \
            *lanes = sf_avx2_lanes(map, h, n);                                \
            break;                                                            \
        }                                                                     \
    }                                                                         \
                                                                              \
    return i;                                                                 \
}

sf_avx2_next_n(2)
sf_avx2_next_n(3)
sf_avx2_next_n(4)

#endif


size_t
sf_reject_avx2_next(const sf_anchor_set_t *set, const unsigned char *text,
    size_t len, size_t i, unsigned *lanes)
{
    *lanes = 0;

#if (SF_REJECT_AVX2)
    switch (set->lane) {
    case 2:
        return sf_avx2_next_2(set, text, len, i, lanes);
    case 3:
        return sf_avx2_next_3(set, text, len, i, lanes);
    default:
        return sf_avx2_next_4(set, text, len, i, lanes);
    }
#else
    (void) set; (void) text; (void) len;
    return i;
#endif
}
