/*
 * sf_prefilter.h: one Aho-Corasick automaton over every literal phrase of
 * every rule, scanned once per block to learn which phrases occur.
 * Internal.
 *
 * The states are numbered breadth first.  The first ndense of them (all
 * of them unless sf_limits_t.max_dfa says otherwise) have a complete row
 * in delta, one load per byte; the deeper ones keep only their own edges
 * and their fail state, which costs a few loads more in the rare bytes
 * the scan spends in them, and a small fraction of the memory.  Both give
 * the same bits.
 */

#ifndef SF_PREFILTER_H_INCLUDED
#define SF_PREFILTER_H_INCLUDED

#include "sf.h"


typedef struct {
    const unsigned char  *data;
    size_t                len;
} sf_phrase_t;


/*
 * An entry (of delta, of the sparse edges): the target's offset shifted
 * left by one, bit 0 set when the target has output.  The offset of a
 * dense state is its row in delta; the offset of sparse state t is
 * dense_end + t - ndense, past every row.
 */
typedef struct {
    uint32_t             *delta;            /* ndense x nclasses */
    uint32_t             *out;              /* first terminal on the
                                               fail chain, 0: none */
    uint32_t             *next;             /* next terminal of a terminal */
    uint32_t             *phrase;           /* phrase of a terminal */
    /* the sparse states, from ndense on, indexed from 0 */
    uint32_t             *sfail;            /* offset of the fail state */
    uint32_t             *sfirst;           /* first edge; nsparse + 1 */
    uint32_t             *sedge;            /* edges: entry of the target */
    unsigned char        *scls;             /* edges: their class */
    /*
     * depth_off[d], d up to maxlen + 1: the offset of the first state d
     * bytes deep or deeper (states are numbered breadth first, so their
     * offsets grow with their depth), past the last one when none is.
     */
    uint32_t             *depth_off;
    size_t                ndense;
    size_t                dense_end;        /* ndense x nclasses */
    size_t                nstates;
    size_t                nclasses;
    size_t                nphrases;
    size_t                maxlen;           /* of the longest phrase */
    size_t                memory;
    unsigned char         cls[256];
} sf_prefilter_t;


/*
 * Build the automaton of n distinct non-empty phrases; phrase i sets bit i.
 * Rows of delta take at most max_dfa bytes (0: no bound; the root's row
 * always).
 * Memory comes from alloc; returns SF_OK or SF_ERROR (no memory).
 */
int sf_prefilter_build(sf_prefilter_t *pf, const sf_phrase_t *phrases,
    size_t n, size_t max_dfa, const sf_allocator_t *alloc);
void sf_prefilter_free(sf_prefilter_t *pf, const sf_allocator_t *alloc);

/* Sets in bits[] (cleared by the caller) the phrases found in text. */
void sf_prefilter_scan(const sf_prefilter_t *pf, const unsigned char *text,
    size_t len, unsigned char *bits);

#define sf_bit_test(bits, i)  ((bits)[(i) >> 3] & (1u << ((i) & 7)))
#define sf_bit_set(bits, i)   ((bits)[(i) >> 3] |= (unsigned char)      \
                                   (1u << ((i) & 7)))

#endif /* SF_PREFILTER_H_INCLUDED */
