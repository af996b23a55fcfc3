/*
 * sf_scratch.c: the scratch of block decisions.
 *
 * A decision needs the block's normalized text (twice: entities are
 * decoded in rounds), its links in every coordinate, the prefilter's bits,
 * PCRE2's match data and the shape detector's buffers: a third of what a
 * stream allocates.  All of it is used only while sf_stream_feed() decides
 * a block, and left with nothing that belongs to one stream (its caches
 * are keyed by the bytes they were made from), so the streams of one
 * thread, an nginx worker, can take turns in one.
 */

#include <string.h>

#include "sf_match.h"
#include "sf_scratch.h"
#include "sf_shape.h"


sf_scratch_t *
sf_scratch_create(const sf_rules_t *rules, const sf_limits_t *limits,
    const sf_allocator_t *alloc)
{
    sf_scratch_t  *sc;

    if (rules == NULL || limits == NULL || alloc == NULL
        || alloc->alloc == NULL)
    {
        return NULL;
    }

    sc = alloc->alloc(alloc->ctx, sizeof(sf_scratch_t));
    if (sc == NULL) {
        return NULL;
    }

    memset(sc, 0, sizeof(sf_scratch_t));
    sc->rules = rules;
    sc->alloc = *alloc;
    sc->limits = *limits;
    sc->memory = sizeof(sf_scratch_t);

    if (sf_shape_enabled(rules)) {
        sc->shape = alloc->alloc(alloc->ctx, 3 * SF_SHAPE_CAP);
        if (sc->shape == NULL) {
            goto failed;
        }

        sc->memory += 3 * SF_SHAPE_CAP;
    }

    sc->match = sf_match_create(rules, limits, alloc);
    if (sc->match == NULL) {
        goto failed;
    }

    sc->memory += sf_match_memory(sc->match);

    return sc;

failed:

    sf_scratch_destroy(sc);

    return NULL;
}


int
sf_scratch_fits(const sf_scratch_t *sc, const sf_rules_t *rules,
    const sf_limits_t *limits)
{
    const sf_limits_t  *l;

    l = &sc->limits;

    /* room for the stream's text and links; the same regex bounds */
    return sc->rules == rules
           && sc->match->cap >= limits->max_text
           && l->max_links >= limits->max_links
           && l->regex_match_limit == limits->regex_match_limit
           && l->regex_depth_limit == limits->regex_depth_limit
           && l->regex_heap_limit == limits->regex_heap_limit;
}


size_t
sf_scratch_memory(const sf_scratch_t *sc)
{
    return sc != NULL ? sc->memory : 0;
}


void
sf_scratch_destroy(sf_scratch_t *sc)
{
    sf_allocator_t  alloc;

    if (sc == NULL) {
        return;
    }

    alloc = sc->alloc;

    if (sc->match != NULL) {
        sf_match_destroy(sc->match, &alloc);
    }

    if (alloc.free != NULL) {
        if (sc->shape != NULL) {
            alloc.free(alloc.ctx, sc->shape);
        }

        alloc.free(alloc.ctx, sc);
    }
}
