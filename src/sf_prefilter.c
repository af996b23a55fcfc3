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


/* The child of trie state s by class c; 0: none. */
static uint32_t
sf_prefilter_child(const uint32_t *child, const uint32_t *sibling,
    const uint32_t *edge, uint32_t s, uint32_t c)
{
    uint32_t  t;

    for (t = child[s]; t != 0; t = sibling[t]) {
        if (edge[t] == c) {
            return t;
        }
    }

    return 0;
}


/*
 * The trie of the phrases (state 0 the root), then breadth first: the
 * order of the states, and each state's fail state, always shallower.
 * Returns the number of states.
 */
static size_t
sf_prefilter_trie(sf_prefilter_t *pf, const sf_phrase_t *phrases, size_t n,
    uint32_t *child, uint32_t *sibling, uint32_t *edge, uint32_t *fail,
    uint32_t *order, uint32_t *term)
{
    size_t    i, j, nst, head, tail;
    uint32_t  s, t, f, g, c;

    nst = 1;

    for (i = 0; i < n; i++) {
        s = 0;

        for (j = 0; j < phrases[i].len; j++) {
            c = pf->cls[phrases[i].data[j]];
            t = sf_prefilter_child(child, sibling, edge, s, c);

            if (t == 0) {
                t = (uint32_t) nst++;
                edge[t] = c;
                sibling[t] = child[s];
                child[s] = t;
            }

            s = t;
        }

        term[s] = (uint32_t) i + 1;
    }

    fail[0] = 0;
    order[0] = 0;
    head = 0;
    tail = 1;

    while (head < tail) {
        s = order[head++];

        for (t = child[s]; t != 0; t = sibling[t]) {
            /* the longest proper suffix that is a state: the root's
               children fail to the root */
            g = 0;
            f = fail[s];

            while (s != 0) {
                g = sf_prefilter_child(child, sibling, edge, f, edge[t]);

                if (g != 0 || f == 0) {
                    break;
                }

                f = fail[f];
            }

            fail[t] = g;
            order[tail++] = t;
        }
    }

    return nst;
}


/*
 * The sparse states (from ndense on, breadth first): their fail state and
 * their own edges, as entries (code[] of each state, by its new number).
 */
static int
sf_prefilter_sparse_build(sf_prefilter_t *pf, const uint32_t *child,
    const uint32_t *sibling, const uint32_t *edge, const uint32_t *fail,
    const uint32_t *order, const uint32_t *id, const uint32_t *code,
    const sf_allocator_t *alloc)
{
    size_t    k, i, ns, ne;
    uint32_t  s, t;

    ns = pf->nstates - pf->ndense;
    ne = 0;

    for (k = pf->ndense; k < pf->nstates; k++) {
        for (t = child[order[k]]; t != 0; t = sibling[t]) {
            ne++;
        }
    }

    pf->sfail = sf_prefilter_alloc(alloc, ns * sizeof(uint32_t));
    pf->sfirst = sf_prefilter_alloc(alloc, (ns + 1) * sizeof(uint32_t));
    pf->sedge = sf_prefilter_alloc(alloc, (ne ? ne : 1) * sizeof(uint32_t));
    pf->scls = sf_prefilter_alloc(alloc, ne ? ne : 1);

    if (pf->sfail == NULL || pf->sfirst == NULL || pf->sedge == NULL
        || pf->scls == NULL)
    {
        return SF_ERROR;
    }

    pf->memory += (2 * ns + 1) * sizeof(uint32_t)
                  + (ne ? ne : 1) * (sizeof(uint32_t) + 1);
    ne = 0;

    for (k = pf->ndense; k < pf->nstates; k++) {
        s = order[k];
        i = k - pf->ndense;
        pf->sfirst[i] = (uint32_t) ne;
        pf->sfail[i] = code[id[fail[s]]] >> 1;

        for (t = child[s]; t != 0; t = sibling[t]) {
            pf->scls[ne] = (unsigned char) edge[t];
            pf->sedge[ne] = code[id[t]];
            ne++;
        }
    }

    pf->sfirst[ns] = (uint32_t) ne;

    return SF_OK;
}


/*
 * The rows of the dense states: a state's row is its fail state's (done
 * before it, breadth first), with its own edges over it.
 */
static void
sf_prefilter_rows(sf_prefilter_t *pf, const uint32_t *child,
    const uint32_t *sibling, const uint32_t *edge, const uint32_t *fail,
    const uint32_t *order, const uint32_t *id, const uint32_t *code)
{
    size_t     k, i, ncls;
    uint32_t   s, t, *row;

    ncls = pf->nclasses;

    for (k = 0; k < pf->ndense; k++) {
        s = order[k];
        row = pf->delta + k * ncls;

        if (k == 0) {
            memset(row, 0, ncls * sizeof(uint32_t));

        } else {
            memcpy(row, pf->delta + (size_t) id[fail[s]] * ncls,
                   ncls * sizeof(uint32_t));
        }

        for (t = child[s]; t != 0; t = sibling[t]) {
            row[edge[t]] = id[t];
        }
    }

    /* targets become entries: one load per byte, no multiplication */
    for (i = 0; i < pf->dense_end; i++) {
        pf->delta[i] = code[pf->delta[i]];
    }
}


/*
 * depth_off (sf_prefilter.h) from the depth of each trie state, its
 * parent's and one, breadth first.
 */
static void
sf_prefilter_depths(sf_prefilter_t *pf, const uint32_t *child,
    const uint32_t *sibling, const uint32_t *order, uint32_t *depth)
{
    size_t    k, d;
    uint32_t  s, t;

    depth[0] = 0;
    d = 0;
    pf->depth_off[0] = 0;

    for (k = 0; k < pf->nstates; k++) {
        s = order[k];

        for (t = child[s]; t != 0; t = sibling[t]) {
            depth[t] = depth[s] + 1;
        }

        while (d < depth[s]) {
            pf->depth_off[++d] = (uint32_t) (k < pf->ndense
                                             ? k * pf->nclasses
                                             : pf->dense_end + k - pf->ndense);
        }
    }

    /* no state that deep: past the last one */
    while (d < pf->maxlen + 1) {
        pf->depth_off[++d] = (uint32_t) (pf->dense_end + pf->nstates
                                         - pf->ndense);
    }
}


int
sf_prefilter_build(sf_prefilter_t *pf, const sf_phrase_t *phrases,
    size_t n, size_t max_dfa, const sf_allocator_t *alloc)
{
    int        rc;
    size_t     i, j, k, max, ncls, nst;
    uint32_t  *scratch, *child, *sibling, *edge, *fail, *order, *id, *term,
              *depth;

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

    /* offsets, shifted left by one, must fit 32 bits */
    if (ncls > 256 || max > 0x7fffffffu / ncls) {
        return SF_ERROR;
    }

    /* per trie state: first child, next sibling, class into it, fail
       state, breadth first order, new number, phrase + 1, depth */
    scratch = sf_prefilter_alloc(alloc, 8 * max * sizeof(uint32_t));
    if (scratch == NULL) {
        return SF_ERROR;
    }

    child = scratch;
    sibling = scratch + max;
    edge = scratch + 2 * max;
    fail = scratch + 3 * max;
    order = scratch + 4 * max;
    id = scratch + 5 * max;
    term = scratch + 6 * max;
    depth = scratch + 7 * max;

    memset(child, 0, max * sizeof(uint32_t));
    memset(term, 0, max * sizeof(uint32_t));

    nst = sf_prefilter_trie(pf, phrases, n, child, sibling, edge, fail,
                            order, term);

    pf->nstates = nst;
    pf->nclasses = ncls;
    pf->nphrases = n;
    pf->ndense = max_dfa ? max_dfa / (ncls * sizeof(uint32_t)) : nst;
    pf->ndense = pf->ndense < 1 ? 1 : pf->ndense < nst ? pf->ndense : nst;
    pf->dense_end = pf->ndense * ncls;

    pf->delta = sf_prefilter_alloc(alloc, pf->dense_end * sizeof(uint32_t));
    pf->out = sf_prefilter_alloc(alloc, nst * sizeof(uint32_t));
    pf->next = sf_prefilter_alloc(alloc, nst * sizeof(uint32_t));
    pf->phrase = sf_prefilter_alloc(alloc, nst * sizeof(uint32_t));
    pf->depth_off = sf_prefilter_alloc(alloc,
                                       (pf->maxlen + 2) * sizeof(uint32_t));
    pf->memory = (pf->dense_end + 3 * nst + pf->maxlen + 2)
                 * sizeof(uint32_t);

    rc = SF_ERROR;

    if (pf->delta == NULL || pf->out == NULL || pf->next == NULL
        || pf->phrase == NULL || pf->depth_off == NULL)
    {
        goto done;
    }

    sf_prefilter_depths(pf, child, sibling, order, depth);

    memset(pf->out, 0, nst * sizeof(uint32_t));
    memset(pf->next, 0, nst * sizeof(uint32_t));
    memset(pf->phrase, 0, nst * sizeof(uint32_t));

    for (k = 0; k < nst; k++) {
        id[order[k]] = (uint32_t) k;

        if (term[order[k]] != 0) {
            pf->phrase[k] = term[order[k]] - 1;
            pf->out[k] = (uint32_t) k;
        }
    }

    /* a terminal chains to the next terminal of its fail chain */
    for (k = 1; k < nst; k++) {
        j = id[fail[order[k]]];

        if (pf->out[k] == k) {
            pf->next[k] = pf->out[j];

        } else {
            pf->out[k] = pf->out[j];
        }
    }

    /* term[] is done with: the entry of each state, by its new number */
    for (k = 0; k < nst; k++) {
        term[k] = (uint32_t) ((k < pf->ndense ? k * ncls
                                              : pf->dense_end + k - pf->ndense)
                              << 1)
                  | (pf->out[k] != 0);
    }

    sf_prefilter_rows(pf, child, sibling, edge, fail, order, id, term);

    if (pf->ndense < nst
        && sf_prefilter_sparse_build(pf, child, sibling, edge, fail, order,
                                     id, term, alloc)
           != SF_OK)
    {
        goto done;
    }

    rc = SF_OK;

done:

    sf_prefilter_release(alloc, scratch);

    if (rc != SF_OK) {
        sf_prefilter_free(pf, alloc);
    }

    return rc;
}


void
sf_prefilter_free(sf_prefilter_t *pf, const sf_allocator_t *alloc)
{
    sf_prefilter_release(alloc, pf->delta);
    sf_prefilter_release(alloc, pf->out);
    sf_prefilter_release(alloc, pf->next);
    sf_prefilter_release(alloc, pf->phrase);
    sf_prefilter_release(alloc, pf->sfail);
    sf_prefilter_release(alloc, pf->sfirst);
    sf_prefilter_release(alloc, pf->sedge);
    sf_prefilter_release(alloc, pf->scls);
    sf_prefilter_release(alloc, pf->depth_off);

    pf->delta = NULL;
    pf->out = NULL;
    pf->next = NULL;
    pf->phrase = NULL;
    pf->sfail = NULL;
    pf->sfirst = NULL;
    pf->sedge = NULL;
    pf->scls = NULL;
    pf->depth_off = NULL;
}


/*
 * The entry after class c from the sparse state at offset off: its own
 * edge, or its fail state's, down to the first dense state's row.
 */
static uint32_t
sf_prefilter_sparse(const sf_prefilter_t *pf, uint32_t off, unsigned c)
{
    size_t  i, k;

    do {
        i = off - pf->dense_end;

        for (k = pf->sfirst[i]; k < pf->sfirst[i + 1]; k++) {
            if (pf->scls[k] == c) {
                return pf->sedge[k];
            }
        }

        off = pf->sfail[i];

    } while (off >= pf->dense_end);

    return pf->delta[off + c];
}


/* Bits of the output chain of the state an entry leads to. */
static void
sf_prefilter_out(const sf_prefilter_t *pf, uint32_t e, unsigned char *bits)
{
    size_t    off, k;
    uint32_t  t;

    off = e >> 1;
    k = off < pf->dense_end ? off / pf->nclasses
                            : pf->ndense + off - pf->dense_end;

    for (t = pf->out[k]; t != 0; t = pf->next[t]) {
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


/* The whole text, with the sparse states. */
static void
sf_prefilter_lane_sparse(const sf_prefilter_t *pf,
    const unsigned char *text, size_t len, unsigned char *bits)
{
    size_t    i;
    uint32_t  e, off;

    e = 0;

    for (i = 0; i < len; i++) {
        off = e >> 1;
        e = off < pf->dense_end ? pf->delta[off + pf->cls[text[i]]]
                                : sf_prefilter_sparse(pf, off,
                                                      pf->cls[text[i]]);

        if (e & 1) {
            sf_prefilter_out(pf, e, bits);
        }
    }
}


/*
 * Lane e, which has read its quarter up to text[p], reads on while a
 * phrase may be under way across p: while its state is deeper than the
 * bytes it has read past p.  From there it is in the state of the lane
 * that started at p, which sees the rest.
 */
static void
sf_prefilter_tail(const sf_prefilter_t *pf, uint32_t e,
    const unsigned char *text, size_t p, size_t len, unsigned char *bits)
{
    size_t  t, n;

    n = len - p < pf->maxlen ? len - p : pf->maxlen;

    for (t = 0; t < n && (e >> 1) >= pf->depth_off[t + 1]; t++) {
        e = pf->delta[(e >> 1) + pf->cls[text[p + t]]];

        if (e & 1) {
            sf_prefilter_out(pf, e, bits);
        }
    }
}


void
sf_prefilter_scan(const sf_prefilter_t *pf, const unsigned char *text,
    size_t len, unsigned char *bits)
{
    size_t                i, j, seg, last;
    uint32_t              e0, e1, e2, e3;
    const uint32_t       *delta;
    const unsigned char  *cls, *t0, *t1, *t2, *t3;

    if (pf->delta == NULL) {
        return;
    }

    if (pf->ndense < pf->nstates) {
        sf_prefilter_lane_sparse(pf, text, len, bits);
        return;
    }

    if (len < 64) {
        sf_prefilter_lane(pf, text, 0, len, bits);
        return;
    }

    /*
     * The scan is bound by the latency of one table load per byte: four
     * independent lanes over the four quarters of the text hide most of
     * it.  Each of the first three runs on past its quarter as far as a
     * phrase across the boundary may need (sf_prefilter_tail), mostly a
     * few bytes; the last lane ends with the text.
     */
    seg = len / 4;
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

    for (i = 0; i < seg; i++) {
        e0 = delta[(e0 >> 1) + cls[t0[i]]];
        e1 = delta[(e1 >> 1) + cls[t1[i]]];
        e2 = delta[(e2 >> 1) + cls[t2[i]]];
        e3 = delta[(e3 >> 1) + cls[t3[i]]];

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
    for (j = seg; j < last; j++) {
        e3 = delta[(e3 >> 1) + cls[t3[j]]];

        if (e3 & 1) {
            sf_prefilter_out(pf, e3, bits);
        }
    }

    sf_prefilter_tail(pf, e0, text, seg, len, bits);
    sf_prefilter_tail(pf, e1, text, 2 * seg, len, bits);
    sf_prefilter_tail(pf, e2, text, 3 * seg, len, bits);
}
