
/*
 * ngx_http_syndication_mem.c: the memory of a filtered response (the
 * engine's, the output buffers, zlib's), kept by the worker for the next
 * responses.
 *
 * A stream takes some 40 KB at creation, the output buffers 64 KB, zlib
 * 40 KB more, in blocks too large for the request pool: each was a
 * malloc() of its own, freed when the request ended.  When responses
 * overlap (a proxied page arrives in pieces, so a worker runs several at
 * once), glibc gives the top of its heap back to the kernel as they end
 * and takes it again for the next ones: every page was faulted in anew,
 * about 15 page faults per response, the largest cost a proxied response
 * had beyond the engine and plain proxying.  So these blocks come from a
 * free list of the worker, by size (the sizes follow from the limits and
 * syndication_buffers, so they repeat), and go back to it when the
 * request ends.  The list keeps at most NGX_HTTP_SYNDICATION_MEM_KEEP
 * blocks of a size, enough to absorb a rise and fall of the number of
 * responses in progress by 16; a block beyond that is freed.  What one
 * response may take is unchanged.
 */


#include "ngx_http_syndication.h"

#if (defined __SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif


/* the sizes kept (a stream has 4 large blocks; feeds, zlib, limits add) */
#define NGX_HTTP_SYNDICATION_MEM_SIZES  16

/*
 * idle blocks kept per size: the memory of 16 finished responses (a
 * response has two output buffers of one size)
 */
#define NGX_HTTP_SYNDICATION_MEM_KEEP   32


struct ngx_http_syndication_block_s {
    ngx_http_syndication_block_t   *next;
    size_t                          size;
};


/* the block header, so that the memory after it is aligned as malloc's */
#define NGX_HTTP_SYNDICATION_BLOCK                                            \
    ngx_align(sizeof(ngx_http_syndication_block_t), 16)


/*
 * With AddressSanitizer, a block's memory is poisoned while it waits in
 * the list, so that a use after its response is caught as with free().
 */
#if (defined __SANITIZE_ADDRESS__)
#define ngx_http_syndication_mem_poison(b)                                    \
    ASAN_POISON_MEMORY_REGION((u_char *) (b) + NGX_HTTP_SYNDICATION_BLOCK,    \
                              (b)->size)
#define ngx_http_syndication_mem_unpoison(b)                                  \
    ASAN_UNPOISON_MEMORY_REGION((u_char *) (b) + NGX_HTTP_SYNDICATION_BLOCK,  \
                                (b)->size)
#else
#define ngx_http_syndication_mem_poison(b)
#define ngx_http_syndication_mem_unpoison(b)
#endif


struct ngx_http_syndication_mem_cache_s {
    size_t                          size[NGX_HTTP_SYNDICATION_MEM_SIZES];
    ngx_http_syndication_block_t   *free[NGX_HTTP_SYNDICATION_MEM_SIZES];
    ngx_uint_t                      nfree[NGX_HTTP_SYNDICATION_MEM_SIZES];
    ngx_uint_t                      nsizes;
};


static ngx_int_t ngx_http_syndication_mem_class(
    ngx_http_syndication_mem_cache_t *cache, size_t size, ngx_uint_t add);
static void ngx_http_syndication_mem_cache_cleanup(void *data);


/*
 * The response's memory, with the worker's free list (made at the first
 * response, freed when the worker exits; NULL without memory: plain
 * allocations, freed at the end of the request all the same).
 */

void
ngx_http_syndication_mem_init(ngx_http_request_t *r,
    ngx_http_syndication_mem_t *mem)
{
    ngx_pool_cleanup_t                *cln;
    ngx_http_syndication_mem_cache_t  *cache;
    ngx_http_syndication_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_syndication_filter_module);

    mem->pool = r->pool;
    mem->blocks = NULL;
    mem->cache = smcf->mem_cache;

    if (mem->cache != NULL) {
        return;
    }

    cln = ngx_pool_cleanup_add(ngx_cycle->pool, 0);
    if (cln == NULL) {
        return;
    }

    cache = ngx_pcalloc(ngx_cycle->pool,
                        sizeof(ngx_http_syndication_mem_cache_t));
    if (cache == NULL) {
        return;
    }

    cln->handler = ngx_http_syndication_mem_cache_cleanup;
    cln->data = cache;

    smcf->mem_cache = cache;
    mem->cache = cache;
}


/*
 * The engine's allocator (sf_allocator_t.alloc; no free: the blocks go
 * back together, by ngx_http_syndication_mem_release()).  What fits a
 * pool block comes from the request pool, as before.
 */

void *
ngx_http_syndication_mem_alloc(void *data, size_t size)
{
    ngx_http_syndication_mem_t *mem = data;

    ngx_int_t                          n;
    ngx_http_syndication_block_t      *b;
    ngx_http_syndication_mem_cache_t  *cache;

    if (size <= NGX_MAX_ALLOC_FROM_POOL) {
        return ngx_palloc(mem->pool, size);
    }

    cache = mem->cache;
    b = NULL;

    if (cache != NULL) {
        n = ngx_http_syndication_mem_class(cache, size, 0);

        if (n != NGX_DECLINED && cache->free[n] != NULL) {
            b = cache->free[n];
            cache->free[n] = b->next;
            cache->nfree[n]--;

            ngx_http_syndication_mem_unpoison(b);
        }
    }

    if (b == NULL) {
        b = ngx_alloc(NGX_HTTP_SYNDICATION_BLOCK + size, mem->pool->log);
        if (b == NULL) {
            return NULL;
        }

        b->size = size;
    }

    b->next = mem->blocks;
    mem->blocks = b;

    return (u_char *) b + NGX_HTTP_SYNDICATION_BLOCK;
}


/* After the engine is destroyed: its blocks go to the worker's list. */

void
ngx_http_syndication_mem_release(ngx_http_syndication_mem_t *mem)
{
    ngx_int_t                          n;
    ngx_http_syndication_block_t      *b, *next;
    ngx_http_syndication_mem_cache_t  *cache;

    cache = mem->cache;

    for (b = mem->blocks; b != NULL; b = next) {
        next = b->next;

        n = (cache != NULL)
            ? ngx_http_syndication_mem_class(cache, b->size, 1)
            : NGX_DECLINED;

        if (n == NGX_DECLINED
            || cache->nfree[n] >= NGX_HTTP_SYNDICATION_MEM_KEEP)
        {
            ngx_free(b);
            continue;
        }

        ngx_http_syndication_mem_poison(b);

        b->next = cache->free[n];
        cache->free[n] = b;
        cache->nfree[n]++;
    }

    mem->blocks = NULL;
}


/* The list of blocks of a size (added when asked and there is room). */

static ngx_int_t
ngx_http_syndication_mem_class(ngx_http_syndication_mem_cache_t *cache,
    size_t size, ngx_uint_t add)
{
    ngx_uint_t  i;

    for (i = 0; i < cache->nsizes; i++) {
        if (cache->size[i] == size) {
            return i;
        }
    }

    if (!add || cache->nsizes == NGX_HTTP_SYNDICATION_MEM_SIZES) {
        return NGX_DECLINED;
    }

    cache->size[cache->nsizes] = size;

    return cache->nsizes++;
}


static void
ngx_http_syndication_mem_cache_cleanup(void *data)
{
    ngx_http_syndication_mem_cache_t *cache = data;

    ngx_uint_t                     i;
    ngx_http_syndication_block_t  *b, *next;

    for (i = 0; i < cache->nsizes; i++) {
        for (b = cache->free[i]; b != NULL; b = next) {
            next = b->next;
            ngx_free(b);
        }

        cache->free[i] = NULL;
        cache->nfree[i] = 0;
    }
}
