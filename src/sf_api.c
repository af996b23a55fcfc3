/*
 * sf_api.c: defaults of limits and options, and the malloc allocator.
 */

#include <stdlib.h>
#include <string.h>

#include "sf.h"


void
sf_limits_init(sf_limits_t *limits)
{
    memset(limits, 0, sizeof(sf_limits_t));

    /*
     * Boilerplate blocks are small: over the fixture corpus the largest
     * hold-back any page needs is 2,178 bytes and the largest block removed
     * 1,957 bytes.  16 KiB leaves a wide margin and halves the largest
     * allocation of a stream (stats.memory: `make bench-engine`).
     */
    limits->max_holdback = 16384;
    limits->max_text = 4096;
    limits->max_links = 16;
    limits->regex_match_limit = 100000;
    limits->regex_depth_limit = 1000;
    limits->regex_heap_limit = 256;
    limits->max_url = SF_URL_CLEAN_MAX;
    limits->max_dfa = 0;
}


void
sf_limits_router(sf_limits_t *limits)
{
    sf_limits_init(limits);

    /*
     * Still above the largest hold-back a page of the fixture corpus
     * needs (2,178 bytes) and the text of any block a rule of the
     * built-in pack removes; news URLs are far shorter than 512 bytes.
     * The phrase table keeps rows for the shallow states, where a scan
     * spends nearly all of its bytes.  The interpreter needs no
     * executable memory; its backtracking frames are allocated with the
     * decision scratch (20 KiB, PCRE2's first vector) and the heap limit
     * keeps them from growing while a page is read: a regex that needs
     * more fails open.
     */
    limits->max_holdback = 4096;
    limits->max_text = 1024;
    limits->max_links = 8;
    limits->max_url = 512;
    limits->max_dfa = 16384;
    limits->regex_nojit = 1;
    limits->regex_heap_limit = 20;
}


void
sf_options_init(sf_options_t *options)
{
    memset(options, 0, sizeof(sf_options_t));

    sf_limits_init(&options->limits);
    options->attribution = 1;
    options->canonical = 1;
    /* credit_template NULL: the stream's default credit */
}


static void *
sf_malloc_alloc(void *ctx, size_t size)
{
    (void) ctx;

    return malloc(size);
}


static void
sf_malloc_free(void *ctx, void *p)
{
    (void) ctx;

    free(p);
}


const sf_allocator_t  sf_malloc_allocator = {
    sf_malloc_alloc, sf_malloc_free, NULL
};
