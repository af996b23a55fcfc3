/*
 * sf_reject_avx2.h: the raw-text reject's AVX2 stride probe
 * (sf_reject_avx2.c), used by sf_reject.c where rules->avx2.  Internal.
 */

#ifndef SF_REJECT_AVX2_H_INCLUDED
#define SF_REJECT_AVX2_H_INCLUDED

#include "sf_rules.h"


/*
 * The set's probe positions from i on (a multiple of its stride), a
 * round of 2 x set->lane of them at a time: the first position of the
 * first round where a key of one is in the map, or of the first round
 * that does not fit (i + set->lane x stride + 16 > len).  *lanes then
 * has bit k set for the round's position i + k x stride when its key is
 * in the map (0 for a round that does not fit).
 */
size_t sf_reject_avx2_next(const sf_anchor_set_t *set,
    const unsigned char *text, size_t len, size_t i, unsigned *lanes);


/*
 * From text[i] on, 32 bytes a step while they are plain ASCII (no '&',
 * '<' nor byte of 0x7f or more) but for references sf_reject_ref4()
 * takes: adds to *lower their bytes above ' ' and to *seen the lead byte
 * of those references, as sf_reject_scan() tells them; the last bytes
 * (fewer than 32) too when they are all plain.  Returns len, or where
 * the first byte that is not so is, or where the last bytes start.  Only
 * with 32 bytes or more from i; i only without AVX2.
 */
size_t sf_reject_avx2_plain(const unsigned char *text, size_t len,
    size_t i, size_t *lower, uint64_t *seen);

/*
 * How many i below len - 1 have text[i] a space and text[i + 1] a byte
 * of '!' to '~' but '&' (sf_reject_gaps()).  Only with 33 bytes or more;
 * 0 without AVX2.
 */
size_t sf_reject_avx2_gaps(const unsigned char *text, size_t len);

#endif /* SF_REJECT_AVX2_H_INCLUDED */
