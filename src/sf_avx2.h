/*
 * sf_avx2.h: what the reject's AVX2 passes (sf_reject_avx2.c, sf_teddy.c)
 * share.  Internal; include it only where __x86_64__, __GNUC__ and no
 * SF_NO_SIMD, after <immintrin.h>.  The functions are compiled for AVX2
 * whatever the build's flags: their callers run them only where the CPU
 * has it (rules->avx2).
 */

#ifndef SF_AVX2_H_INCLUDED
#define SF_AVX2_H_INCLUDED

#include <stddef.h>
#include <immintrin.h>


#define SF_AVX2_TARGET  __attribute__ ((target("avx2")))


/* The sum of the 32 bytes of acc (counts of up to 255 each). */
SF_AVX2_TARGET static inline size_t
sf_avx2_sum(__m256i acc)
{
    __m256i  s;
    __m128i  x;

    s = _mm256_sad_epu8(acc, _mm256_setzero_si256());
    x = _mm_add_epi64(_mm256_castsi256_si128(s),
                      _mm256_extracti128_si256(s, 1));
    x = _mm_add_epi64(x, _mm_unpackhi_epi64(x, x));

    return (size_t) _mm_cvtsi128_si64(x);
}

/*
 * 32 bytes whose last n (0 to 32) are 0xff: a mask for the last n bytes
 * of a text read as the 32 bytes that end it.
 */
SF_AVX2_TARGET static inline __m256i
sf_avx2_tail(size_t n)
{
    static const unsigned char  ones[64] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };

    return _mm256_loadu_si256((const __m256i *) (ones + n));
}

#endif /* SF_AVX2_H_INCLUDED */
