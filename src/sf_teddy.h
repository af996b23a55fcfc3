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

/* *found's bit for references read (sf_teddy_scan) */
#define SF_TEDDY_REFS     2

/*
 * From the start of a text of SF_TEDDY_MIN bytes or more, while it is
 * plain ASCII (no '&', '<' nor byte of 0x7f or more) but for references
 * sf_reject_ref4() takes past its first 4 bytes: adds to *lower its
 * bytes above ' ', as sf_reject_scan() counts them (a reference none:
 * *found then has SF_TEDDY_REFS), and looks for the long anchors.
 * Returns where it stopped: len when the whole text is so, *found's bit
 * 0 then 1 when a long anchor is in it, else 0; otherwise the start of a
 * chunk that is not, *lower having the bytes before it less 7 a
 * reference read, of which the scan from there counts the bytes it cut
 * (a size_t: the sum comes right).  Only with t->on.
 */
size_t sf_teddy_scan(const sf_teddy_t *t, const unsigned char *text,
    size_t len, size_t *lower, int *found);

#endif /* SF_TEDDY_H_INCLUDED */
