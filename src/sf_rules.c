/*
 * sf_rules.c: the compiled rules as an object: their arena and life cycle.
 *
 * Each rule, condition and phrase is allocated from an arena of the rules,
 * freed all at once by sf_rules_destroy.  The rule language is read by
 * sf_rules_parse.c, compiled by sf_rules_compile.c (with the regex
 * literals of sf_regex_literal.c and the reject's tables of sf_reject.c),
 * and matched by sf_match.c.
 */

#include <string.h>

#include "sf_rules.h"


#define SF_CHUNK_SIZE   8192


/* ---- memory --------------------------------------------------------- */

void *
sf_rules_alloc(sf_rules_t *rules, size_t size)
{
    size_t       csize, off;
    sf_chunk_t  *c;

    size = (size + 15) & ~(size_t) 15;
    off = (sizeof(sf_chunk_t) + 15) & ~(size_t) 15;

    c = rules->chunks;

    if (c == NULL || c->size - c->used < size) {
        csize = off + (size > SF_CHUNK_SIZE ? size : SF_CHUNK_SIZE);

        c = rules->alloc.alloc(rules->alloc.ctx, csize);
        if (c == NULL) {
            return NULL;
        }

        c->size = csize;
        c->used = off;
        rules->memory += csize;

        if (rules->chunks != NULL && size > SF_CHUNK_SIZE) {
            /* a big block: keep filling the current chunk afterwards */
            c->next = rules->chunks->next;
            rules->chunks->next = c;

        } else {
            c->next = rules->chunks;
            rules->chunks = c;
        }
    }

    c->used += size;

    return (unsigned char *) c + c->used - size;
}


/*
 * PCRE2's blocks (compiled patterns, its contexts) carry their size in
 * front: PCRE2 frees without telling it, and rules->memory counts every
 * byte the rules hold, for as long as they hold it.
 */
typedef union {
    size_t                size;
    long double           align;
    void                 *p;
} sf_rules_pcre_head_t;


static void *
sf_rules_pcre_malloc(PCRE2_SIZE size, void *data)
{
    sf_rules_t            *rules = data;
    sf_rules_pcre_head_t  *h;

    h = rules->alloc.alloc(rules->alloc.ctx,
                           sizeof(sf_rules_pcre_head_t) + size);
    if (h == NULL) {
        return NULL;
    }

    h->size = sizeof(sf_rules_pcre_head_t) + size;
    rules->memory += h->size;

    return h + 1;
}


static void
sf_rules_pcre_free(void *p, void *data)
{
    sf_rules_t            *rules = data;
    sf_rules_pcre_head_t  *h;

    if (p == NULL || rules->alloc.free == NULL) {
        return;
    }

    h = (sf_rules_pcre_head_t *) p - 1;
    rules->memory -= h->size;
    rules->alloc.free(rules->alloc.ctx, h);
}


void
sf_rules_free_regexes(sf_rule_t *rule)
{
    sf_cond_t  *c;

    for (c = rule->conds; c != NULL; c = c->next) {
        if (c->re != NULL) {
            pcre2_code_free(c->re);
            c->re = NULL;
        }
    }
}


/* ---- public life cycle ---------------------------------------------- */

sf_rules_t *
sf_rules_create(const sf_allocator_t *alloc, const sf_limits_t *limits)
{
    sf_rules_t  *rules;

    if (alloc == NULL || alloc->alloc == NULL || limits == NULL) {
        return NULL;
    }

    rules = alloc->alloc(alloc->ctx, sizeof(sf_rules_t));
    if (rules == NULL) {
        return NULL;
    }

    memset(rules, 0, sizeof(sf_rules_t));
    rules->alloc = *alloc;
    rules->limits = *limits;
    rules->last = &rules->head;
    rules->memory = sizeof(sf_rules_t);

    rules->pcre_gctx = pcre2_general_context_create(sf_rules_pcre_malloc,
                                                    sf_rules_pcre_free,
                                                    rules);
    if (rules->pcre_gctx == NULL) {
        goto failed;
    }

    rules->pcre_cctx = pcre2_compile_context_create(rules->pcre_gctx);
    if (rules->pcre_cctx == NULL) {
        goto failed;
    }

    return rules;

failed:

    sf_rules_destroy(rules);

    return NULL;
}


size_t
sf_rules_count(const sf_rules_t *rules)
{
    return rules != NULL ? rules->nrules : 0;
}


size_t
sf_rules_memory(const sf_rules_t *rules)
{
    size_t      n, jit;
    sf_rule_t  *r;
    sf_cond_t  *c;

    if (rules == NULL) {
        return 0;
    }

    n = rules->memory;

    /* JIT code is mapped by PCRE2 itself, not taken from the allocator */
    for (r = rules->head; r != NULL; r = r->next) {
        for (c = r->conds; c != NULL; c = c->next) {
            if (c->re != NULL
                && pcre2_pattern_info(c->re, PCRE2_INFO_JITSIZE, &jit) == 0)
            {
                n += jit;
            }
        }
    }

    return n;
}


void
sf_rules_destroy(sf_rules_t *rules)
{
    sf_rule_t   *r;
    sf_chunk_t  *c, *next;

    if (rules == NULL) {
        return;
    }

    for (r = rules->head; r != NULL; r = r->next) {
        sf_rules_free_regexes(r);
    }

    sf_prefilter_free(&rules->prefilter, &rules->alloc);

    if (rules->pcre_cctx != NULL) {
        pcre2_compile_context_free(rules->pcre_cctx);
    }

    if (rules->pcre_gctx != NULL) {
        pcre2_general_context_free(rules->pcre_gctx);
    }

    if (rules->alloc.free == NULL) {
        return;
    }

    for (c = rules->chunks; c != NULL; c = next) {
        next = c->next;
        rules->alloc.free(rules->alloc.ctx, c);
    }

    rules->alloc.free(rules->alloc.ctx, rules);
}
