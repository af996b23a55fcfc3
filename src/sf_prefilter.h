/*
 * sf_prefilter.h: one Aho-Corasick automaton over every literal phrase of
 * every rule, scanned once per block to learn which phrases occur.
 * Internal.
 */

#ifndef SF_PREFILTER_H_INCLUDED
#define SF_PREFILTER_H_INCLUDED

#include "sf.h"


typedef struct {
    const unsigned char  *data;
    size_t                len;
} sf_phrase_t;


typedef struct {
    uint32_t             *delta;            /* nstates x nclasses */
    uint32_t             *out;              /* first terminal on the
                                               fail chain, 0: none */
    uint32_t             *next;             /* next terminal of a terminal */
    uint32_t             *phrase;           /* phrase of a terminal */
    size_t                nstates;
    size_t                nclasses;
    size_t                nphrases;
    size_t                maxlen;           /* of the longest phrase */
    size_t                memory;
    unsigned char         cls[256];
} sf_prefilter_t;


/*
 * Build the automaton of n distinct non-empty phrases; phrase i sets bit i.
 * Memory comes from alloc; returns SF_OK or SF_ERROR (no memory).
 */
int sf_prefilter_build(sf_prefilter_t *pf, const sf_phrase_t *phrases,
    size_t n, const sf_allocator_t *alloc);
void sf_prefilter_free(sf_prefilter_t *pf, const sf_allocator_t *alloc);

/* Sets in bits[] (cleared by the caller) the phrases found in text. */
void sf_prefilter_scan(const sf_prefilter_t *pf, const unsigned char *text,
    size_t len, unsigned char *bits);

#define sf_bit_test(bits, i)  ((bits)[(i) >> 3] & (1u << ((i) & 7)))
#define sf_bit_set(bits, i)   ((bits)[(i) >> 3] |= (unsigned char)      \
                                   (1u << ((i) & 7)))

#endif /* SF_PREFILTER_H_INCLUDED */
