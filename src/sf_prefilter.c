/*
 * sf_prefilter.c: the multi-literal prefilter.
 *
 * A complete DFA (every state has a transition for every byte class), so
 * the scan costs one table load per byte.  Bytes that occur in no phrase
 * share class 0, which keeps the table to states x (distinct bytes + 1).
 */

#include <string.h>

#include "sf_prefilter.h"


static void *
sf_prefilter_alloc(const sf_allocator_t *alloc, size_t size)
{
    return alloc->alloc(alloc->ctx, size);
}


static void
sf_prefilter_release(const sf_allocator_t *alloc, void *p)
{
    if (p != NULL && alloc->free != NULL) {
        alloc->free(alloc->ctx, p);
    }
}


/*
 * Breadth first: fail links, missing transitions, output chains.  A
 * state's fail state is shallower, so its row is complete by then: the
 * children give the fail links, and every other entry of the row is the
 * fail state's (a loop without branches).
 */
static void
sf_prefilter_links(sf_prefilter_t *pf, size_t ncls, const uint32_t *child,
    const uint32_t *sibling, const uint32_t *edge, uint32_t *fail,
    uint32_t *queue)
{
    size_t     head, tail, c;
    uint32_t   s, t, f, *row, *frow;

    head = 0;
    tail = 0;

    for (t = child[0]; t != 0; t = sibling[t]) {
        fail[t] = 0;
        queue[tail++] = t;
    }

    while (head < tail) {
        s = queue[head++];

        /* a terminal chains to the next terminal of its fail chain */
        f = fail[s];
        if (pf->out[s] == s) {
            pf->next[s] = pf->out[f];

        } else {
            pf->out[s] = pf->out[f];
        }

        row = pf->delta + (size_t) s * ncls;
        frow = pf->delta + (size_t) f * ncls;

        for (t = child[s]; t != 0; t = sibling[t]) {
            fail[t] = frow[edge[t]];
            queue[tail++] = t;
        }

        for (c = 0; c < ncls; c++) {
            row[c] = row[c] != 0 ? row[c] : frow[c];
        }
    }
}


int
sf_prefilter_build(sf_prefilter_t *pf, const sf_phrase_t *phrases,
    size_t n, const sf_allocator_t *alloc)
{
    size_t     i, j, max, ncls, nst, size;
    uint32_t   s, t, c, *fail, *queue, *tree, *child, *sibling, *edge;

    memset(pf, 0, sizeof(sf_prefilter_t));

    max = 1;

    for (i = 0; i < n; i++) {
        max += phrases[i].len;

        if (phrases[i].len > pf->maxlen) {
            pf->maxlen = phrases[i].len;
        }

        for (j = 0; j < phrases[i].len; j++) {
            pf->cls[phrases[i].data[j]] = 1;
        }
    }

    ncls = 1;

    for (i = 0; i < 256; i++) {
        if (pf->cls[i]) {
            pf->cls[i] = (unsigned char) ncls++;
        }
    }

    /* row offsets, shifted left by one, must fit 32 bits */
    if (ncls > 256 || max > 0x7fffffffu / ncls) {
        return SF_ERROR;
    }

    size = max * ncls * sizeof(uint32_t);
    pf->delta = sf_prefilter_alloc(alloc, size);
    pf->out = sf_prefilter_alloc(alloc, max * sizeof(uint32_t));
    pf->next = sf_prefilter_alloc(alloc, max * sizeof(uint32_t));
    pf->phrase = sf_prefilter_alloc(alloc, max * sizeof(uint32_t));
    fail = sf_prefilter_alloc(alloc, max * sizeof(uint32_t));
    queue = sf_prefilter_alloc(alloc, max * sizeof(uint32_t));
    /* per state: its first child, its next sibling, the class into it */
    tree = sf_prefilter_alloc(alloc, 3 * max * sizeof(uint32_t));

    if (pf->delta == NULL || pf->out == NULL || pf->next == NULL
        || pf->phrase == NULL || fail == NULL || queue == NULL
        || tree == NULL)
    {
        sf_prefilter_release(alloc, fail);
        sf_prefilter_release(alloc, queue);
        sf_prefilter_release(alloc, tree);
        sf_prefilter_free(pf, alloc);
        return SF_ERROR;
    }

    child = tree;
    sibling = tree + max;
    edge = tree + 2 * max;

    memset(pf->delta, 0, size);
    memset(pf->out, 0, max * sizeof(uint32_t));
    memset(pf->next, 0, max * sizeof(uint32_t));
    memset(pf->phrase, 0, max * sizeof(uint32_t));
    memset(child, 0, max * sizeof(uint32_t));

    /* the trie; state 0 is the root, so 0 as a target means "none yet" */
    nst = 1;

    for (i = 0; i < n; i++) {
        s = 0;

        for (j = 0; j < phrases[i].len; j++) {
            c = pf->cls[phrases[i].data[j]];
            t = pf->delta[s * ncls + c];

            if (t == 0) {
                t = (uint32_t) nst++;
                pf->delta[s * ncls + c] = t;
                edge[t] = c;
                sibling[t] = child[s];
                child[s] = t;
            }

            s = t;
        }

        pf->phrase[s] = (uint32_t) i;
        pf->out[s] = s;
    }

    sf_prefilter_links(pf, ncls, child, sibling, edge, fail, queue);

    /*
     * Entries become the offset of the target's row, shifted left, with
     * bit 0 set when the target has output: the scan then costs one load
     * per byte and no multiplication.  Each state's entry is made once.
     */
    for (t = 0; t < nst; t++) {
        fail[t] = (uint32_t) ((t * ncls) << 1) | (pf->out[t] != 0);
    }

    for (i = 0; i < nst * ncls; i++) {
        pf->delta[i] = fail[pf->delta[i]];
    }

    sf_prefilter_release(alloc, fail);
    sf_prefilter_release(alloc, queue);
    sf_prefilter_release(alloc, tree);

    pf->nstates = nst;
    pf->nclasses = ncls;
    pf->nphrases = n;
    pf->memory = size + 3 * max * sizeof(uint32_t);

    return SF_OK;
}


void
sf_prefilter_free(sf_prefilter_t *pf, const sf_allocator_t *alloc)
{
    sf_prefilter_release(alloc, pf->delta);
    sf_prefilter_release(alloc, pf->out);
    sf_prefilter_release(alloc, pf->next);
    sf_prefilter_release(alloc, pf->phrase);

    pf->delta = NULL;
    pf->out = NULL;
    pf->next = NULL;
    pf->phrase = NULL;
}


/* Bits of the output chain of the state an entry leads to. */
static void
sf_prefilter_out(const sf_prefilter_t *pf, uint32_t e, unsigned char *bits)
{
    uint32_t  t;

    for (t = pf->out[(e >> 1) / pf->nclasses]; t != 0; t = pf->next[t]) {
        sf_bit_set(bits, pf->phrase[t]);
    }
}


/* One lane: text[from, to) from the root state. */
static void
sf_prefilter_lane(const sf_prefilter_t *pf, const unsigned char *text,
    size_t from, size_t to, unsigned char *bits)
{
    size_t                i;
    uint32_t              e;
    const uint32_t       *delta;
    const unsigned char  *cls;

    delta = pf->delta;
    cls = pf->cls;
    e = 0;

    for (i = from; i < to; i++) {
        e = delta[(e >> 1) + cls[text[i]]];

        if (e & 1) {
            sf_prefilter_out(pf, e, bits);
        }
    }
}


void
sf_prefilter_scan(const sf_prefilter_t *pf, const unsigned char *text,
    size_t len, unsigned char *bits)
{
    size_t                i, j, seg, ovl, n, last;
    uint32_t              e0, e1, e2, e3;
    const uint32_t       *delta;
    const unsigned char  *cls, *t0, *t1, *t2, *t3;

    if (pf->delta == NULL) {
        return;
    }

    ovl = pf->maxlen > 0 ? pf->maxlen - 1 : 0;
    seg = len / 4;

    if (len < 64 || seg + ovl >= len / 2) {
        sf_prefilter_lane(pf, text, 0, len, bits);
        return;
    }

    /*
     * The scan is bound by the latency of one table load per byte: four
     * independent lanes over the four quarters of the text hide most of
     * it.  Each lane runs on past its quarter by the longest phrase less
     * one, so that a phrase across a boundary is still seen whole; the
     * last lane ends with the text.
     */
    n = seg + ovl;
    last = len - 3 * seg;
    delta = pf->delta;
    cls = pf->cls;
    t0 = text;
    t1 = text + seg;
    t2 = text + 2 * seg;
    t3 = text + 3 * seg;
    e0 = 0;
    e1 = 0;
    e2 = 0;
    e3 = 0;

    for (i = 0; i < n; i++) {
        e0 = delta[(e0 >> 1) + cls[t0[i]]];
        e1 = delta[(e1 >> 1) + cls[t1[i]]];
        e2 = delta[(e2 >> 1) + cls[t2[i]]];

        if (i < last) {
            e3 = delta[(e3 >> 1) + cls[t3[i]]];

        } else {
            e3 &= ~(uint32_t) 1;
        }

        if ((e0 | e1 | e2 | e3) & 1) {
            if (e0 & 1) {
                sf_prefilter_out(pf, e0, bits);
            }

            if (e1 & 1) {
                sf_prefilter_out(pf, e1, bits);
            }

            if (e2 & 1) {
                sf_prefilter_out(pf, e2, bits);
            }

            if (e3 & 1) {
                sf_prefilter_out(pf, e3, bits);
            }
        }
    }

    /* the last lane may be a little longer than the others */
    for (j = n; j < last; j++) {
        e3 = delta[(e3 >> 1) + cls[t3[j]]];

        if (e3 & 1) {
            sf_prefilter_out(pf, e3, bits);
        }
    }
}
