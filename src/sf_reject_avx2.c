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
#include "sf_avx2.h"
#define SF_REJECT_AVX2  1
#define SF_AVX2         SF_AVX2_TARGET
#else
#define SF_REJECT_AVX2  0
#endif


#if (SF_REJECT_AVX2)

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


/*
 * sf_reject_avx2_next() of a set of n keys a load (n a constant): the
 * map bytes of a round's keys read by one gather (a word of 4 bytes at
 * each hash, the map padded for it), the first byte of the words of the
 * round's positions kept (words 0 to n - 1 of each half), compared with
 * 0 at once.  The positions whose key is in the map: bit k of the mask
 * of the words, for k < n, and bit 4 + k for position n + k.
 */
#define sf_avx2_next_n(n)                                                     \
SF_AVX2 static size_t                                                         \
sf_avx2_next_##n(const sf_anchor_set_t *set, const unsigned char *text,      \
    size_t len, size_t i, unsigned *lanes)                                    \
{                                                                             \
    size_t     step;                                                          \
    unsigned   m;                                                             \
    __m256i    ctl, g, keep;                                                  \
                                                                              \
    step = n * set->stride;                                                   \
    ctl = _mm256_loadu_si256((const __m256i *) set->ctl);                     \
    keep = _mm256_setr_epi32(0xff, 0xff, (n) > 2 ? 0xff : 0,                  \
                             (n) > 3 ? 0xff : 0, 0xff, 0xff,                  \
                             (n) > 2 ? 0xff : 0, (n) > 3 ? 0xff : 0);         \
                                                                              \
    for ( /* void */ ; i + step + 16 <= len; i += 2 * step) {                 \
        g = _mm256_and_si256(keep,                                            \
                _mm256_i32gather_epi32((const int *) set->map,                \
                                       sf_avx2_hash(text, i, step, ctl), 1)); \
                                                                              \
        if (!_mm256_testz_si256(g, g)) {                                      \
            m = (unsigned) _mm256_movemask_ps(_mm256_castsi256_ps(            \
                    _mm256_cmpeq_epi32(g, _mm256_setzero_si256())));          \
            m = ~m & 0xff;                                                    \
            *lanes = (m & ((1u << (n)) - 1))                                  \
                     | ((m >> 4) & ((1u << (n)) - 1)) << (n);                 \
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


#if (SF_REJECT_AVX2)

/* From sf_avx2_head + 32 - k, 32 bytes whose first k are 0xff. */
static const unsigned char  sf_avx2_head[64] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};


/* 0xff for a byte that is not plain: 0x7f or more (its max with 0x7f is
 * itself), '&' or '<'. */
#define sf_avx2_bad(v)                                                        \
    _mm256_or_si256(                                                          \
        _mm256_cmpeq_epi8(_mm256_max_epu8(v, _mm256_set1_epi8(0x7f)), v),     \
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('&')),          \
                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('<'))))


/* sf_reject_avx2_plain(): a byte counter per lane, summed before it can
 * wrap (a step adds 1 at most, the last bytes 1 more). */
SF_AVX2 static size_t
sf_avx2_plain(const unsigned char *text, size_t len, size_t i, size_t *lower,
    uint64_t *seen)
{
    int       mb;
    unsigned  k, steps;
    __m256i   v, acc, sp, tail;

    acc = _mm256_setzero_si256();
    sp = _mm256_set1_epi8(' ');
    steps = 0;

    while (i + 32 <= len) {
        v = _mm256_loadu_si256((const __m256i *) (text + i));

        mb = _mm256_movemask_epi8(sf_avx2_bad(v));

        if (mb != 0) {
            /* the plain bytes before the first that is not */
            k = (unsigned) __builtin_ctz((unsigned) mb);
            acc = _mm256_sub_epi8(acc, _mm256_and_si256(
                      _mm256_cmpgt_epi8(v, sp),
                      _mm256_loadu_si256((const __m256i *)
                                         (sf_avx2_head + 32 - k))));
            i += k;

            if (text[i] != '&' || len - i < 7 || !sf_reject_ref4(text + i)) {
                break;
            }

            /* a reference to a separator: its lead byte, no byte kept */
            *seen |= (uint64_t) 1 << (SF_REJECT_REF4_LEAD & 63);
            i += 7;

        } else {
            /* all below 0x7f: a signed compare counts those above ' ' */
            acc = _mm256_sub_epi8(acc, _mm256_cmpgt_epi8(v, sp));
            i += 32;
        }

        if (++steps == 255) {
            *lower += sf_avx2_sum(acc);
            acc = _mm256_setzero_si256();
            steps = 0;
        }
    }

    /*
     * The last bytes (fewer than 32), when all plain: in the 32 that end
     * the text (it has 32 or more: the caller's first step), those
     * before i masked out.  Else the caller's way from i.
     */
    if (i + 32 > len && i < len) {
        v = _mm256_loadu_si256((const __m256i *) (text + len - 32));
        tail = sf_avx2_tail(len - i);

        if (_mm256_testz_si256(sf_avx2_bad(v), tail)) {
            acc = _mm256_sub_epi8(acc, _mm256_and_si256(
                      _mm256_cmpgt_epi8(v, sp), tail));
            i = len;
        }
    }

    *lower += sf_avx2_sum(acc);

    return i;
}


/* A byte that stays itself in the normalized text wherever it is not in
 * an entity: ' ' + 1 to '~' (signed: none of 0x80 or more), not '&'. */
#define sf_avx2_printable(v, sp, del, amp)                                    \
    _mm256_andnot_si256(_mm256_cmpeq_epi8(v, amp),                            \
                        _mm256_and_si256(_mm256_cmpgt_epi8(v, sp),            \
                                         _mm256_cmpgt_epi8(del, v)))


SF_AVX2 static size_t
sf_avx2_gaps(const unsigned char *text, size_t len)
{
    size_t   i, n, steps;
    __m256i  y, z, sp, del, amp, acc, g;

    sp = _mm256_set1_epi8(' ');
    del = _mm256_set1_epi8(0x7f);
    amp = _mm256_set1_epi8('&');
    acc = _mm256_setzero_si256();
    n = 0;
    steps = 0;

    for (i = 0; i + 33 <= len; i += 32) {
        y = _mm256_loadu_si256((const __m256i *) (text + i));
        z = _mm256_loadu_si256((const __m256i *) (text + i + 1));
        g = _mm256_and_si256(_mm256_cmpeq_epi8(y, sp),
                             sf_avx2_printable(z, sp, del, amp));
        acc = _mm256_sub_epi8(acc, g);

        if (++steps == 255) {
            n += sf_avx2_sum(acc);
            acc = _mm256_setzero_si256();
            steps = 0;
        }
    }

    /* the positions from i to len - 2, in the 32 that end at len - 2 */
    if (i + 1 < len) {
        y = _mm256_loadu_si256((const __m256i *) (text + len - 33));
        z = _mm256_loadu_si256((const __m256i *) (text + len - 32));
        g = _mm256_and_si256(_mm256_cmpeq_epi8(y, sp),
                             sf_avx2_printable(z, sp, del, amp));
        acc = _mm256_sub_epi8(acc, _mm256_and_si256(g,
                                       sf_avx2_tail(len - 1 - i)));
    }

    return n + sf_avx2_sum(acc);
}

#endif


size_t
sf_reject_avx2_gaps(const unsigned char *text, size_t len)
{
#if (SF_REJECT_AVX2)
    return sf_avx2_gaps(text, len);
#else
    (void) text; (void) len;
    return 0;
#endif
}


size_t
sf_reject_avx2_plain(const unsigned char *text, size_t len, size_t i,
    size_t *lower, uint64_t *seen)
{
#if (SF_REJECT_AVX2)
    return sf_avx2_plain(text, len, i, lower, seen);
#else
    (void) text; (void) len; (void) lower; (void) seen;
    return i;
#endif
}


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
