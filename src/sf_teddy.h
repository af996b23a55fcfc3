/*
 * sf_teddy.h: the raw-text reject's fused AVX2 pass (sf_teddy.c), used by
 * sf_reject.c.  Internal.
 */

#ifndef SF_TEDDY_H_INCLUDED
#define SF_TEDDY_H_INCLUDED

#include "sf_rules.h"


/* The pass takes texts this long or longer: a step of 32 bytes and the
 * 4 before them that windows ending in them start with. */
#define SF_TEDDY_MIN      36


/* The tables of rules->teddy from rules->anchor_long (made, with its map
 * not NULL); on when the CPU has AVX2. */
int sf_teddy_build(sf_rules_t *rules);

/*
 * From the start of a text of SF_TEDDY_MIN bytes or more, while it is
 * plain ASCII (no '&', '<' nor byte of 0x7f or more): adds to *lower its
 * bytes above ' ', as sf_reject_scan() counts them, and looks for the
 * long anchors.  Returns where it stopped: len when the whole text is
 * plain, *found then 1 when a long anchor is in it, else 0; otherwise the
 * start of a chunk that is not plain, *lower having the bytes before it.
 * Only with t->on.
 */
size_t sf_teddy_scan(const sf_teddy_t *t, const unsigned char *text,
    size_t len, size_t *lower, int *found);

#endif /* SF_TEDDY_H_INCLUDED */
