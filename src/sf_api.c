/*
 * sf_api.c: defaults of limits and options, and the malloc allocator.
 */

#include <stdlib.h>
#include <string.h>

#include "sf.h"


void
sf_limits_init(sf_limits_t *limits)
{
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
