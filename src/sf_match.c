/*
 * sf_match.c: the per-stream side of the rules: the decision on a whole
 * held block (selection at start tags is sf_select.c, the conditions
 * sf_cond.c, the raw-text reject sf_reject.c).
 *
 * An sf_match_t holds every byte a decision needs (normalized text, link
 * table, prefilter bits, PCRE2 match data, the shape detector's buffers),
 * allocated once by sf_match_create; the rules themselves are only read.
 * It is used only while sf_stream_feed() decides a block, and keeps
 * nothing of one stream (its caches are keyed by the bytes they were made
 * from), so the streams of one thread, an nginx worker, can take turns in
 * one: the public sf_scratch_t.
 *
 * Most blocks are prose that no rule takes: sf_reject_block (sf_reject.c)
 * tells so from the raw text, without normalizing, whenever it can; the
 * full way (normalization, prefilter, conditions) decides the rest.
 */

#include <string.h>

#include "sf_match.h"
#include "sf_shape.h"


static void *
sf_match_get(sf_match_t *match, size_t size)
{
    void  *p;

    p = match->alloc.alloc(match->alloc.ctx, size);

    if (p != NULL) {
        match->memory += size;
    }

    return p;
}


static void
sf_match_put(sf_match_t *match, void *p)
{
    if (p != NULL && match->alloc.free != NULL) {
        match->alloc.free(match->alloc.ctx, p);
    }
}


/* PCRE2's memory goes through the same allocator and count. */
static void *
sf_match_pcre_malloc(PCRE2_SIZE size, void *data)
{
    return sf_match_get(data, size);
}


static void
sf_match_pcre_free(void *p, void *data)
{
    sf_match_put(data, p);
}


/*
 * The interpreter keeps its backtracking frames in the match data, taken
 * from the allocator at its first match: have that happen here, with the
 * pattern of the largest frames, so that no decision allocates and the
 * stream's count holds them (about 20 KiB).  The heap limit bounds how far
 * a later match may grow them.  Patterns with JIT code need none.
 */
static void
sf_match_frames(sf_match_t *match, const sf_rules_t *rules)
{
    size_t           size, max, jit;
    sf_rule_t       *r;
    sf_cond_t       *c;
    pcre2_code      *big;

    big = NULL;
    max = 0;

    for (r = rules->head; r != NULL; r = r->next) {
        for (c = r->conds; c != NULL; c = c->next) {
            if (c->re == NULL
                || (pcre2_pattern_info(c->re, PCRE2_INFO_JITSIZE, &jit) == 0
                    && jit > 0)
                || pcre2_pattern_info(c->re, PCRE2_INFO_FRAMESIZE, &size)
                   != 0
                || (big != NULL && size <= max))
            {
                continue;
            }

            big = c->re;
            max = size;
        }
    }

    if (big != NULL) {
        (void) pcre2_match(big, (PCRE2_SPTR) "", 0, 0, 0, match->md,
                           match->mctx);
    }
}


sf_match_t *
sf_match_create(const sf_rules_t *rules, const sf_limits_t *limits,
    const sf_allocator_t *alloc)
{
    size_t       nbits;
    sf_match_t  *match;

    if (rules == NULL || limits == NULL || alloc == NULL
        || alloc->alloc == NULL)
    {
        return NULL;
    }

    match = alloc->alloc(alloc->ctx, sizeof(sf_match_t));
    if (match == NULL) {
        return NULL;
    }

    memset(match, 0, sizeof(sf_match_t));
    match->rules = rules;
    match->alloc = *alloc;
    match->limits = *limits;
    match->memory = sizeof(sf_match_t);
    match->cap = limits->max_text > 0 ? limits->max_text : 1;
    match->max_links = limits->max_links;
    match->nlc_max = match->max_links < SF_REJECT_NLC - 1
                     ? match->max_links : SF_REJECT_NLC - 1;
    match->work_limit = limits->regex_match_limit;
    match->title_cap = match->cap < SF_TITLE_MAX ? match->cap : SF_TITLE_MAX;
    nbits = sf_bits_size(rules->nphrases);

    match->buf[0] = sf_match_get(match, match->cap);
    match->buf[1] = sf_match_get(match, match->cap);
    match->pos = sf_match_get(match, (2 * match->max_links + 1)
                                     * sizeof(size_t));
    match->dpos = sf_match_get(match, (2 * match->max_links + 1)
                                      * sizeof(size_t));
    match->order = sf_match_get(match, (2 * match->max_links + 1)
                                       * sizeof(unsigned));
    match->elinks = sf_match_get(match, SF_ELINKS_MAX * sizeof(sf_elink_t));
    match->links = sf_match_get(match, (match->max_links + SF_ELINKS_MAX)
                                       * sizeof(sf_mlink_t));
    match->bits = sf_match_get(match, nbits);
    match->href = sf_match_get(match, SF_HREF_MAX);
    match->source = sf_match_get(match, SF_SOURCE_MAX + 1);
    match->name = sf_match_get(match, SF_NAME_MAX);
    match->src_raw = sf_match_get(match, SF_SOURCE_RAW);
    match->nraw = sf_match_get(match, SF_NAME_RAW);
    match->memo = sf_match_get(match, SF_MEMO_SLOTS * SF_MEMO_KEY);

    if (match->buf[0] == NULL || match->buf[1] == NULL || match->pos == NULL
        || match->dpos == NULL || match->order == NULL
        || match->elinks == NULL || match->links == NULL
        || match->bits == NULL || match->href == NULL
        || match->source == NULL || match->name == NULL
        || match->src_raw == NULL || match->nraw == NULL
        || match->memo == NULL)
    {
        goto failed;
    }

    if (sf_shape_enabled(rules)) {
        match->shape = sf_match_get(match, 3 * SF_SHAPE_CAP);

        if (match->shape == NULL) {
            goto failed;
        }
    }

    if (rules->has_title) {
        match->title = sf_match_get(match, match->title_cap);
        match->traw = sf_match_get(match, SF_TITLE_RAW);

        if (match->title == NULL || match->traw == NULL) {
            goto failed;
        }
    }

    /*
     * PCRE2's memory comes from the stream's allocator too: the match
     * context itself, the match data and, for the interpreter, the
     * backtracking frames that the match data keeps (capped by the heap
     * limit).  JIT code runs on its default 32 KiB machine stack.
     */
    match->gctx = pcre2_general_context_create(sf_match_pcre_malloc,
                                               sf_match_pcre_free, match);
    if (match->gctx == NULL) {
        goto failed;
    }

    match->mctx = pcre2_match_context_create(match->gctx);
    if (match->mctx == NULL) {
        goto failed;
    }

    pcre2_set_match_limit(match->mctx, limits->regex_match_limit);
    pcre2_set_depth_limit(match->mctx, limits->regex_depth_limit);
    pcre2_set_heap_limit(match->mctx, limits->regex_heap_limit);

    match->md = pcre2_match_data_create(1, match->gctx);
    if (match->md == NULL) {
        goto failed;
    }

    sf_match_frames(match, rules);

    return match;

failed:

    sf_match_destroy(match, alloc);

    return NULL;
}


void
sf_match_destroy(sf_match_t *match, const sf_allocator_t *alloc)
{
    (void) alloc;

    if (match == NULL) {
        return;
    }

    if (match->md != NULL) {
        pcre2_match_data_free(match->md);
    }

    if (match->mctx != NULL) {
        pcre2_match_context_free(match->mctx);
    }

    if (match->gctx != NULL) {
        pcre2_general_context_free(match->gctx);
    }

    sf_match_put(match, match->buf[0]);
    sf_match_put(match, match->buf[1]);
    sf_match_put(match, match->pos);
    sf_match_put(match, match->dpos);
    sf_match_put(match, match->order);
    sf_match_put(match, match->elinks);
    sf_match_put(match, match->links);
    sf_match_put(match, match->bits);
    sf_match_put(match, match->title);
    sf_match_put(match, match->href);
    sf_match_put(match, match->source);
    sf_match_put(match, match->src_raw);
    sf_match_put(match, match->nraw);
    sf_match_put(match, match->traw);
    sf_match_put(match, match->name);
    sf_match_put(match, match->shape);
    sf_match_put(match, match->memo);
    sf_match_put(match, match);
}


int
sf_match_fits(const sf_match_t *match, const sf_rules_t *rules,
    const sf_limits_t *limits)
{
    const sf_limits_t  *l;

    l = &match->limits;

    /* room for the stream's text and links; the same regex bounds */
    return match->rules == rules
           && match->cap >= limits->max_text
           && l->max_links >= limits->max_links
           && l->regex_match_limit == limits->regex_match_limit
           && l->regex_depth_limit == limits->regex_depth_limit
           && l->regex_heap_limit == limits->regex_heap_limit;
}


unsigned char *
sf_match_shape(sf_match_t *match)
{
    return match->shape;
}


sf_scratch_t *
sf_scratch_create(const sf_rules_t *rules, const sf_limits_t *limits,
    const sf_allocator_t *alloc)
{
    return sf_match_create(rules, limits, alloc);
}


size_t
sf_scratch_memory(const sf_scratch_t *scratch)
{
    return sf_match_memory(scratch);
}


void
sf_scratch_destroy(sf_scratch_t *scratch)
{
    if (scratch != NULL) {
        sf_match_destroy(scratch, &scratch->alloc);
    }
}


size_t
sf_match_memory(const sf_match_t *match)
{
    return match != NULL ? match->memory : 0;
}


void
sf_match_fast(sf_match_t *match, int on)
{
    match->slow = !on;
}


/* The rules whose scope may take the block, in order. */
static sf_rule_t **
sf_match_candidates(const sf_rules_t *rules, const sf_block_t *b,
    size_t *n)
{
    sf_tag_e  tag;

    tag = (b->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : b->tag;

    if ((unsigned) tag < SF_TAG_NTAGS) {
        *n = rules->nscoped[tag];
        return rules->scoped[tag];
    }

    *n = rules->nrules;
    return rules->rules;
}


/*
 * The block's nl links (marks in match->pos, match->dpos) and the ne found
 * in escaped markup (match->elinks), in text order, trimmed of spaces.
 */
static void
sf_match_links(sf_match_t *match, const sf_block_t *b, size_t nl,
    size_t ne)
{
    size_t       a, e, k;
    sf_mlink_t  *l;

    a = 0;
    e = 0;
    k = 0;

    while (a < nl || e < ne) {
        l = &match->links[k++];

        if (e == ne || (a < nl && match->pos[2 * a] <= match->elinks[e].start))
        {
            l->href = b->links[a].href;
            l->href_len = b->links[a].href_len;
            l->blink = a + 1;
            l->rel = b->links[a].rel;
            l->rel_len = b->links[a].rel_len;
            l->cls = b->links[a].cls;
            l->cls_len = b->links[a].cls_len;
            l->dstart = match->dpos[2 * a];
            l->dend = match->dpos[2 * a + 1];
            l->start = match->pos[2 * a];
            l->end = match->pos[2 * a + 1];
            a++;

        } else {
            l->href = match->elinks[e].href;
            l->href_len = match->elinks[e].href_len;
            l->blink = 0;
            l->rel = NULL;
            l->rel_len = 0;
            l->cls = NULL;
            l->cls_len = 0;
            l->dstart = match->elinks[e].dstart;
            l->dend = match->elinks[e].dend;
            l->start = match->elinks[e].start;
            l->end = match->elinks[e].end;
            e++;
        }

        if (l->end > match->len) {
            l->end = match->len;
        }

        if (l->start > l->end) {
            l->start = l->end;
        }

        while (l->start < l->end && match->text[l->start] == ' ') {
            l->start++;
        }

        while (l->end > l->start && match->text[l->end - 1] == ' ') {
            l->end--;
        }

        if (l->dend < l->dstart) {
            l->dend = l->dstart;
        }
    }

    match->nlinks = k;
}


static void
sf_match_normalize(sf_match_t *match, const sf_block_t *b)
{
    int                   round, ov;
    size_t                i, n, nl, len, cap, limit;
    unsigned              fl;
    sf_marks_t            marks;
    sf_markup_t           markup;
    const unsigned char  *src;

    match->normalized = 1;
    match->overflow = 0;
    match->toolong = 0;

    nl = b->nlinks < match->max_links ? b->nlinks : match->max_links;
    len = b->text_len;

    for (i = 0; i < nl; i++) {
        match->pos[2 * i] = b->links[i].text_start < len
                            ? b->links[i].text_start : len;
        match->pos[2 * i + 1] = b->links[i].text_end < len
                                ? b->links[i].text_end : len;
    }

    marks.pos = match->pos;
    marks.order = match->order;
    marks.n = 2 * nl;
    sf_marks_sort(&marks);

    src = b->text != NULL ? b->text : (const unsigned char *) "";
    n = len;
    round = 0;

    if (n > 0 && memchr(src, '&', n) != NULL) {
        for (round = 0; round < 3; round++) {
            n = sf_decode(src, n, match->buf[round & 1], match->cap, &marks,
                          &fl);
            src = match->buf[round & 1];

            if (fl & SF_DECODE_TRUNC) {
                match->overflow = 1;
            }

            if (!(fl & SF_DECODE_AMP)) {
                round++;
                break;
            }
        }
    }

    match->decoded = src;

    if (nl > 0) {
        memcpy(match->dpos, match->pos, 2 * nl * sizeof(size_t));
    }

    markup.links = match->elinks;
    markup.nlinks = 0;
    markup.cap = SF_ELINKS_MAX;
    markup.escaped = 0;

    /*
     * No rule fires on a text longer than text_limit, or than the page
     * title for the rules bounded by it: fold no further.
     */
    cap = match->cap;
    limit = match->rules->text_limit;

    /* no pass makes the text longer: a short block needs no title */
    if (limit != 0 && limit < len && match->rules->title_bound) {
        i = sf_match_page_title(match, b);

        if (i > limit) {
            limit = i;
        }
    }

    if (limit != 0 && limit < cap) {
        cap = limit + 1;
    }

    match->text = match->buf[round & 1];
    match->len = sf_fold(src, n, match->buf[round & 1], cap, SF_FOLD_ALL,
                         &marks, &markup, &ov);

    if (ov) {
        match->overflow = 1;
    }

    if (limit != 0 && match->len > limit) {
        /* decided already: too long for every rule, nothing overflowed */
        match->overflow = 0;
        match->toolong = 1;
    }

    match->escaped = markup.escaped;

    sf_match_links(match, b, nl, markup.nlinks);
}


void
sf_match_text(sf_match_t *match, const sf_block_t *b)
{
    sf_match_normalize(match, b);
}


static void
sf_match_source(sf_match_t *match, const sf_rule_t *r,
    sf_decision_result_t *result)
{
    size_t                n;
    const char           *host;
    sf_mlink_t           *l;

    l = sf_match_link(match, r->link);
    if (l == NULL || l->href == NULL) {
        return;
    }

    /* by host, from a link of the block: the memo can make it again */
    if (r->name == 0 && l->blink != 0) {
        match->src_link = l->blink;
        sf_match_by_host(match, l->href, l->href_len, result);
        return;
    }

    match->href_read = 1;
    n = sf_match_clean(match, l->href, l->href_len);
    if (n == 0) {
        return;
    }

    result->source = match->source;
    result->source_len = n;

    if (r->name != 0) {
        l = sf_match_link(match, r->name);

        if (l != NULL) {
            /*
             * The name keeps its case and punctuation: "ARAB TIMES –
             * KUWAIT NEWS", not "arab times - kuwait news".
             */
            n = sf_match_name(match, match->decoded + l->dstart,
                              l->dend - l->dstart);

            if (n > 0) {
                result->source_name = (const char *) match->name;
                result->source_name_len = n;
                return;
            }
        }
    }

    n = sf_url_host(result->source, result->source_len, &host);

    if (n > 0) {
        result->source_name = host;
        result->source_name_len = n;
    }
}



/* The phrases of the block's normalized text, scanned once a block. */
static void
sf_match_scan(const sf_rules_t *rules, sf_match_t *match)
{
    if (match->scanned) {
        return;
    }

    memset(match->bits, 0, (rules->nphrases + 7) / 8);
    sf_prefilter_scan(&rules->prefilter, match->text, match->len,
                      match->bits);
    match->scanned = 1;
}


/*
 * The rules that have their key phrase in the scanned text, or none
 * (sf_rules.h, cand_ok): the others fail their required phrases or a
 * condition on phrases whatever else, as the reject has it.
 */
static uint64_t
sf_match_cand(const sf_rules_t *rules, const sf_match_t *match)
{
    uint64_t  cand, m;

    memcpy(&m, match->bits, sizeof(m));
    cand = rules->cand_always;

    for ( /* void */ ; m != 0; m &= m - 1) {
        cand |= rules->cand_phrase[sf_ctz64(m)];
    }

    return cand;
}


/*
 * A block the reject kept (kept != 0) after reading it through, by its
 * probe, a rule's conditions or a look at a long text: remembered, so that
 * the memo keeps it the next time before the reject reads it again.
 */
static inline int
sf_match_seen_kept(sf_match_t *match, const sf_block_t *block, int kept)
{
    if (kept && match->rej_seen) {
        sf_match_remember_kept(match, block);
    }

    return kept;
}


/*
 * Whether the block is kept without a look at its text: quoted text and
 * existing comments are never touched, and the raw-text reject may tell
 * that no rule can take it (may: the rules it could not reject).
 */
static inline int
sf_match_kept(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, uint64_t *may)
{
    int  kept;

    if (rules == NULL || match == NULL || block == NULL || !rules->compiled)
    {
        return 1;
    }

    /* what the decision reads of the title and hrefs, its memo key
     * holds */
    match->title_read = 0;
    match->href_read = 0;
    match->src_link = 0;

    if (block->flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS)) {
        return 1;
    }

    if (match->slow || rules->anchor_all.map == NULL) {
        return 0;
    }

    /*
     * A block the full way decided lately (a disclaimer under every
     * article) is told again before the reject reads it: the reject
     * passes the same block on to the full way each time.  One the
     * memo keeps with no rule (the reject read it through before) is
     * kept here.
     */
    if (may != NULL
        && ((match->memo_mask >> sf_memo_bit(block->text_len, block->flags))
            & 1))
    {
        kept = sf_match_memo_kept(match, block);

        if (kept >= 0) {
            return kept;
        }
    }

    /* no rules left to try (may NULL): the links are not looked at */
    if (may == NULL) {
        return sf_reject_block(rules, match, block, may);
    }

    /* kept after a look at its text: the memo's, next time */
    return sf_match_seen_kept(match, block,
                              sf_reject_block(rules, match, block, may));
}


int
sf_rules_keep(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block)
{
    return sf_match_kept(rules, match, block, NULL);
}


int
sf_rules_prejudge(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, uint64_t *may)
{
    *may = ~(uint64_t) 0;

    return sf_match_kept(rules, match, block, may);
}


/*
 * sf_match_kept() of a block sf_rules_bare_keep() looked at: it passed
 * the checks before the memo's, and its text's length is in no slot of
 * the memo (sf_rules_bare_keep() leaves those to sf_match_kept()).
 */
int
sf_rules_prejudge_bare(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, const sf_bare_look_t *look, uint64_t *may)
{
    *may = ~(uint64_t) 0;

    if (look->how == 0) {
        return sf_match_kept(rules, match, block, may);
    }

    match->title_read = 0;
    match->href_read = 0;
    match->src_link = 0;

    /* kept by the conditions of the rules left: the memo's next time */
    return sf_match_seen_kept(match, block,
                              sf_reject_bare(rules, match, block, look, may));
}


void
sf_rules_kept_bare(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block)
{
    if (rules == NULL || match == NULL || block == NULL) {
        return;
    }

    /* its look read neither the title nor an href */
    match->title_read = 0;
    match->href_read = 0;

    sf_match_remember_kept(match, block);
}


void
sf_rules_decide(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, sf_decision_result_t *result)
{
    uint64_t  may;

    if (sf_rules_prejudge(rules, match, block, &may)) {
        memset(result, 0, sizeof(sf_decision_result_t));
        result->action = SF_ACT_KEEP;
        return;
    }

    sf_rules_decide_rest(rules, match, block, may, result);
}


/*
 * Whether rule r is decided on the block without normalizing it: the
 * block's raw text is the page title's, byte for byte, and the rule looks
 * at the text only through "title" (its other conditions "position"),
 * needs no phrase and names no link.  Equal bytes normalize the same (the
 * same passes: decoding rounds and the fold), so the text is the title
 * whole and "title" holds as soon as the title normalizes to something.
 * Normalizing never makes a text longer (tests/unit/test_normalize.c),
 * so within the scratch's text room the full way would find nothing
 * overflowing, too long (its fold limit is at least the raw length or
 * the title's) or past the rule's max-length.
 * The title as the full way would read it: when its fold limit asks for
 * the title, here too.  A title-repeated paragraph on a listing is one
 * such block under every entry.
 */
static int
sf_match_as_title(const sf_rules_t *rules, sf_match_t *match,
    const sf_rule_t *r, const sf_block_t *b)
{
    const sf_cond_t  *c;

    if (match->slow || r->nrequired > 0 || r->needs_scan || r->link != 0
        || b->title == NULL || b->text_len != b->title_len
        || b->text_len == 0 || b->text_len > match->cap
        || (r->max_length != 0 && b->text_len > r->max_length))
    {
        return 0;
    }

    for (c = r->conds; c != NULL; c = c->next) {
        if (c->type != SF_COND_TITLE && c->type != SF_COND_POSITION) {
            return 0;
        }
    }

    if (memcmp(b->text, b->title, b->text_len) != 0) {
        return 0;
    }

    /* what sf_match_normalize() reads of the title for its fold limit */
    if (rules->text_limit != 0 && rules->text_limit < b->text_len
        && rules->title_bound)
    {
        (void) sf_match_page_title(match, b);
    }

    return 1;
}


/* The rules of may (all bits: those the tag takes) in order, the first
 * that fires decides. */
static void
sf_match_rules(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, uint64_t may, sf_decision_result_t *result)
{
    int               rc, pruned, raw;
    size_t            k, n;
    sf_tag_e          tag;
    sf_rule_t        *r, **list;
    const sf_cond_t  *c;

    memset(result, 0, sizeof(sf_decision_result_t));
    result->action = SF_ACT_KEEP;

    match->normalized = 0;
    match->scanned = 0;
    match->titled = 0;

    tag = (block->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : block->tag;
    n = 0;
    list = NULL;

    /* the rules the reject left, or those the tag may take */
    if (may == ~(uint64_t) 0 && rules->cand_ok
        && (unsigned) tag < SF_TAG_NTAGS)
    {
        may = rules->cand_tag[tag];

    } else if (may == ~(uint64_t) 0 || !rules->cand_ok) {
        list = sf_match_candidates(rules, block, &n);
    }

    k = 0;
    pruned = list != NULL;

    while ((r = sf_match_next_rule(rules, &may, list, n, &k)) != NULL) {

        if (!sf_match_in_scope(r, tag, block)) {
            continue;
        }

        raw = r->text_conds && !match->normalized
              && sf_match_as_title(rules, match, r, block);

        if (r->text_conds && !raw) {
            if (!match->normalized) {
                sf_match_normalize(match, block);

                if (match->overflow) {
                    result->text_overflow = 1;
                }
            }

            if (match->overflow || match->toolong) {
                continue;
            }

            if (r->max_length != 0 && match->len > r->max_length) {
                continue;
            }

            if (r->nrequired > 0 || r->needs_scan) {
                sf_match_scan(rules, match);

                /* once scanned, no later rule that lacks its phrases */
                if (!pruned) {
                    may &= sf_match_cand(rules, match);
                    pruned = 1;
                }
            }

            if (!sf_rule_has_required(r, match->bits)) {
                continue;
            }
        }

        for (c = r->conds; c != NULL; c = c->next) {
            rc = (raw && c->type == SF_COND_TITLE)
                 ? sf_match_page_title(match, block) > 0
                 : sf_match_cond(rules, match, block, c);

            if (rc < 0) {
                result->limit_hit = 1;
                return;
            }

            if (rc == 0) {
                break;
            }
        }

        if (c != NULL) {
            continue;
        }

        result->action = r->action;
        result->rule_id = r->id;

        if (r->link != 0) {
            sf_match_source(match, r, result);
        }

        return;
    }
}


void
sf_rules_decide_rest(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, uint64_t may, sf_decision_result_t *result)
{
    int  n;

    /* the reject may have found it already (the block it passed on) */
    n = match->memo_found > 0 ? (int) match->memo_found - 1
                              : sf_match_memo(match, block);
    match->memo_found = 0;
    match->memo_missed = 0;

    if (n >= 0) {
        sf_match_recall(match, n, block, result);
        return;
    }

    sf_match_rules(rules, match, block, may, result);
    sf_match_remember(match, block, result);
}
