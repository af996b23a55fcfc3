/*
 * sf_match.c: the per-stream side of the rules: selection of candidate
 * blocks at their start tag, and the decision on a whole held block.
 *
 * A stream's sf_match_t holds every byte a decision needs (normalized
 * text, link table, prefilter bits, PCRE2 match data), allocated once by
 * sf_match_create; the rules themselves are only read.
 *
 * Most blocks are prose that no rule takes: sf_reject_block (sf_reject.c)
 * tells so from the raw text, without normalizing, whenever it can; the
 * full way (normalization, prefilter, conditions) decides the rest.
 */

#include <string.h>

#include "sf_match.h"


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
    match->memory = sizeof(sf_match_t);
    match->cap = limits->max_text > 0 ? limits->max_text : 1;
    match->max_links = limits->max_links;
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

    if (match->buf[0] == NULL || match->buf[1] == NULL || match->pos == NULL
        || match->dpos == NULL || match->order == NULL
        || match->elinks == NULL || match->links == NULL
        || match->bits == NULL || match->href == NULL
        || match->source == NULL || match->name == NULL)
    {
        goto failed;
    }

    if (rules->has_title) {
        match->title = sf_match_get(match, match->title_cap);

        if (match->title == NULL) {
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
    sf_match_put(match, match->name);
    sf_match_put(match, match);
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


/* ---- selection ------------------------------------------------------ */

static int
sf_selector_match(const sf_selector_t *s, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len)
{
    if (s->tag != SF_TAG_NONE && s->tag != tag) {
        return 0;
    }

    if (s->cls != NULL) {
        return cls != NULL && sf_class_has(cls, cls_len, s->cls, s->cls_len);
    }

    if (s->id != NULL) {
        return id != NULL && id_len == s->id_len
               && memcmp(id, s->id, id_len) == 0;
    }

    return s->tag != SF_TAG_NONE;
}


/* Whether a token of the class list may be a class of the bloom's. */
int
sf_rules_bloom_list(uint64_t bloom, const unsigned char *cls, size_t len)
{
    const unsigned char  *p, *end, *start;

    if (bloom == 0) {
        return 0;
    }

    p = cls;
    end = cls + len;

    /* one pass: a token is a run of bytes above ' ' */
    for ( ;; ) {
        while (p < end && *p <= ' ') {
            p++;
        }

        if (p == end) {
            return 0;
        }

        start = p;

        while (p < end && *p > ' ') {
            p++;
        }

        if (bloom & sf_rules_bloom(start, (size_t) (p - start))) {
            return 1;
        }
    }
}


sf_select_e
sf_rules_select(const sf_rules_t *rules, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, const char **rule_id)
{
    size_t      i, j;
    sf_rule_t  *r;

    if (rule_id != NULL) {
        *rule_id = NULL;
    }

    if (rules == NULL || !rules->compiled || (unsigned) tag >= SF_TAG_NTAGS)
    {
        return SF_SELECT_NONE;
    }

    /*
     * Most tags carry classes, few of them are named by a rule: a bloom
     * filter of the names keeps the selector checks off the common path.
     */
    if (id_len == 0
        || (rules->id_bloom & sf_rules_bloom(id, id_len)) == 0)
    {
        id = NULL;
    }

    if (cls_len == 0 || !sf_rules_bloom_list(rules->cls_bloom, cls, cls_len)) {
        cls = NULL;
    }

    /* class and id checks only for tags that have them */
    if (id != NULL || cls != NULL) {
        for (i = 0; i < rules->nselectors; i++) {
            r = rules->selectors[i];

            for (j = 0; j < r->nsel; j++) {
                if (sf_selector_match(&r->sel[j], tag, id, id_len, cls,
                                      cls_len))
                {
                    if (rule_id != NULL) {
                        *rule_id = r->id;
                    }

                    return SF_SELECT_DROP;
                }
            }
        }
    }

    if (rules->hold[tag]) {
        return SF_SELECT_HOLD;
    }

    if (id != NULL || cls != NULL) {
        for (i = 0; i < rules->nhold_sel; i++) {
            if (sf_selector_match(rules->hold_sel[i], tag, id, id_len, cls,
                                  cls_len))
            {
                return SF_SELECT_HOLD;
            }
        }
    }

    return SF_SELECT_NONE;
}


/* ---- the block ------------------------------------------------------ */

int
sf_match_scope(const sf_rule_t *r, const sf_block_t *b)
{
    size_t                i, id_len, cls_len;
    sf_tag_e              tag;
    const unsigned char  *id, *cls;
    const sf_selector_t  *s;

    tag = (b->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : b->tag;

    if ((unsigned) tag < SF_TAG_NTAGS && r->scope_tag[tag]) {
        return 1;
    }

    if (!r->scope_attr) {
        return 0;
    }

    /* an anonymous block is inline content of its container */
    if (tag == SF_TAG_NONE) {
        id = b->parent_id;
        id_len = b->parent_id_len;
        cls = b->parent_cls;
        cls_len = b->parent_cls_len;

    } else {
        id = b->id;
        id_len = b->id_len;
        cls = b->cls;
        cls_len = b->cls_len;
    }

    for (i = 0; i < r->nsel; i++) {
        s = &r->sel[i];

        if (s->any || (s->anon && tag == SF_TAG_NONE)) {
            return 1;
        }

        if (s->anon) {
            continue;
        }

        if (s->tag == SF_TAG_NONE && s->cls == NULL && s->id == NULL) {
            continue;
        }

        if (s->tag != SF_TAG_NONE && s->tag != tag) {
            continue;
        }

        if (sf_selector_match(s, s->tag == SF_TAG_NONE ? tag : s->tag, id,
                              id_len, cls, cls_len))
        {
            return 1;
        }
    }

    return 0;
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


/* The page title as the block saw it, normalized once per decision. */
static size_t
sf_match_page_title(sf_match_t *match, const sf_block_t *b)
{
    int                   ov;
    size_t                n, i;
    const unsigned char  *t;

    if (match->titled) {
        return match->tlen;
    }

    match->titled = 1;
    match->tlen = 0;
    match->tshort = 0;

    if (b->title == NULL || b->title_len == 0 || match->title == NULL) {
        return 0;
    }

    n = sf_normalize_in(b->title, b->title_len, match->title,
                        match->title_cap, SF_FOLD_ALL, &ov);
    t = match->title;

    if (ov) {
        return 0;
    }

    match->tnorm = t;
    match->tlen = n;

    /* "TITLE - SITE", "TITLE | SITE": the last separator */
    for (i = n; i >= 3; i--) {
        if (t[i - 3] == ' ' && (t[i - 2] == '-' || t[i - 2] == '|')
            && t[i - 1] == ' ')
        {
            match->tshort = i - 3;
            break;
        }
    }

    return n;
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


static sf_mlink_t *
sf_match_link(sf_match_t *match, long n)
{
    if (n > 0 && (size_t) n <= match->nlinks) {
        return &match->links[n - 1];
    }

    if (n < 0 && (size_t) -n <= match->nlinks) {
        return &match->links[match->nlinks - (size_t) -n];
    }

    return NULL;
}


static int
sf_match_has(const unsigned char *text, size_t len,
    const unsigned char *p, size_t plen)
{
    size_t  i;

    if (plen == 0) {
        return 1;
    }

    for (i = 0; i + plen <= len; i++) {
        if (text[i] == p[0] && memcmp(text + i, p, plen) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
sf_match_ends(const unsigned char *text, size_t len,
    const sf_rule_phrase_t *ph)
{
    if (len >= ph->len
        && memcmp(text + len - ph->len, ph->data, ph->len) == 0)
    {
        return 1;
    }

    /* "ends" ignores one final '.' of the text */
    return len > 0 && text[len - 1] == '.' && len - 1 >= ph->len
           && memcmp(text + len - 1 - ph->len, ph->data, ph->len) == 0;
}


/* sf_match_has() of text with ASCII letters lower-cased. */
static int
sf_match_has_lower(const unsigned char *text, size_t len,
    const unsigned char *p, size_t plen)
{
    size_t         i, j;
    unsigned char  c, c0, c1;

    if (plen == 0) {
        return 1;
    }

    /* the first byte as it may be written: p[0] or its capital */
    c0 = p[0];
    c1 = (unsigned) (c0 - 'a') < 26 ? (unsigned char) (c0 - 0x20) : c0;

    for (i = 0; i + plen <= len; i++) {
        if (text[i] != c0 && text[i] != c1) {
            continue;
        }

        for (j = 1; j < plen; j++) {
            c = text[i + j];
            c = (unsigned char) (c + ((unsigned) (c - 'A') < 26 ? 0x20 : 0));

            if (c != p[j]) {
                break;
            }
        }

        if (j == plen) {
            return 1;
        }
    }

    return 0;
}


int
sf_match_href(sf_match_t *match, sf_mlink_t *l, const sf_rule_phrase_t *ph)
{
    int                   round;
    size_t                n, i;
    unsigned              fl;
    unsigned char        *buf;
    const unsigned char  *src;

    if (l->href == NULL || l->href_len == 0) {
        return 0;
    }

    buf = match->href;
    src = l->href;
    n = l->href_len < SF_HREF_MAX ? l->href_len : SF_HREF_MAX;

    /* the rounds after the first decode in place */
    for (round = 0; round < 3 && memchr(src, '&', n) != NULL; round++) {
        n = sf_decode(src, n, buf, SF_HREF_MAX, NULL, &fl);
        src = buf;

        if (!(fl & SF_DECODE_AMP)) {
            break;
        }
    }

    /* nothing decoded: compare the block's bytes lower-cased on the fly */
    if (src == l->href) {
        return sf_match_has_lower(src, n, ph->data, ph->len);
    }

    for (i = 0; i < n; i++) {
        if (buf[i] >= 'A' && buf[i] <= 'Z') {
            buf[i] |= 0x20;
        }
    }

    return sf_match_has(buf, n, ph->data, ph->len);
}


static int
sf_match_title(sf_match_t *match, const sf_block_t *b)
{
    size_t  n;

    n = sf_match_page_title(match, b);

    if (n == 0 || match->len == 0) {
        return 0;
    }

    if (n == match->len && memcmp(match->tnorm, match->text, n) == 0) {
        return 1;
    }

    return match->tshort != 0 && match->tshort == match->len
           && memcmp(match->tnorm, match->text, match->len) == 0;
}


int
sf_match_word(const unsigned char *list, size_t len,
    const unsigned char *word, size_t wlen)
{
    size_t         i, j, start, k;
    unsigned char  c;

    if (list == NULL) {
        return 0;
    }

    for (i = 0; i < len; i = start + k) {
        while (i < len && (list[i] == ' ' || list[i] == '\t'
                           || list[i] == '\n' || list[i] == '\r'
                           || list[i] == '\f'))
        {
            i++;
        }

        start = i;

        for (k = 0; start + k < len && list[start + k] > ' '; k++) {
            /* void */
        }

        if (k == 0) {
            break;
        }

        if (k != wlen) {
            continue;
        }

        for (j = 0; j < k; j++) {
            c = list[start + j];

            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }

            if (c != word[j]) {
                break;
            }
        }

        if (j == k) {
            return 1;
        }
    }

    return 0;
}


/* "%*" stands for a word at least: a letter or digit, in any script. */
static int
sf_match_wordy(const unsigned char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (p[i] >= 0x80 || (p[i] >= '0' && p[i] <= '9')
            || (p[i] >= 'a' && p[i] <= 'z'))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * Whether text[pos..len) is the template from segment i on: 1, 0, or -1
 * when the tries are used up.  "%*" tries each place where the literal
 * after it occurs, and a template with k of them up to 512^k places: each
 * try counts against match->work, as a regex's steps against its match
 * limit.
 */
static int
sf_match_segs(sf_match_t *match, const sf_template_t *tm, size_t i,
    size_t pos, size_t len)
{
    int                   rc;
    size_t                n, k, end;
    sf_mlink_t           *l;
    const sf_seg_t       *s, *next;
    const unsigned char  *d;

    for ( /* void */ ; i < tm->nsegs; i++) {
        s = &tm->segs[i];

        switch (s->type) {

        case SF_SEG_TEXT:
            d = s->data;
            n = s->len;

            /*
             * White space next to a placeholder is optional on either
             * side: "<a> Name&nbsp;</a>." shows as "name ." and still is
             * the footer.
             */
            if (i > 0 && tm->segs[i - 1].type != SF_SEG_TEXT && pos < len) {
                if (d[0] == ' ' && match->text[pos] != ' ') {
                    d++;
                    n--;

                } else if (d[0] != ' ' && match->text[pos] == ' ') {
                    pos++;
                }
            }

            if (n > 0 && d[n - 1] == ' ' && i + 1 < tm->nsegs
                && len - pos >= n - 1 && (len - pos == n - 1
                                          || match->text[pos + n - 1] != ' '))
            {
                n--;
            }

            if (len - pos < n || memcmp(match->text + pos, d, n) != 0) {
                return 0;
            }

            pos += n;
            break;

        case SF_SEG_LINK:
            l = sf_match_link(match, s->n);

            if (l == NULL) {
                return 0;
            }

            n = l->end - l->start;

            if (n == 0 || n > SF_SLOT_MAX || len - pos < n
                || memcmp(match->text + pos, match->text + l->start, n) != 0)
            {
                return 0;
            }

            pos += n;
            break;

        case SF_SEG_TITLE:
            if (match->tlen == 0) {
                return 0;
            }

            /* the whole title, or the title without its " - SITE" */
            n = match->tshort;

            if (n != 0 && len - pos >= n
                && memcmp(match->text + pos, match->tnorm, n) == 0)
            {
                rc = sf_match_segs(match, tm, i + 1, pos + n, len);

                if (rc != 0) {
                    return rc;
                }
            }

            n = match->tlen;

            if (len - pos < n
                || memcmp(match->text + pos, match->tnorm, n) != 0)
            {
                return 0;
            }

            pos += n;
            break;

        case SF_SEG_ANY:
            /* the rest of the text, or up to the text that follows */
            if (i + 1 == tm->nsegs) {
                return len > pos && len - pos <= SF_SLOT_MAX
                       && sf_match_wordy(match->text + pos, len - pos);
            }

            next = &tm->segs[i + 1];
            end = pos + SF_SLOT_MAX < len ? pos + SF_SLOT_MAX : len;

            for (k = pos + 1; k + next->len <= len && k <= end; k++) {
                if (match->work == 0) {
                    return -1;
                }

                match->work--;

                if (match->text[k] == next->data[0]
                    && memcmp(match->text + k, next->data, next->len) == 0
                    && sf_match_wordy(match->text + pos, k - pos))
                {
                    rc = sf_match_segs(match, tm, i + 1, k, len);

                    if (rc != 0) {
                        return rc;
                    }
                }
            }

            return 0;
        }
    }

    return pos == len || (pos + 1 == len && match->text[pos] == ' ');
}


/* 1: a template of the condition matches, 0: none, -1: tries used up. */
static int
sf_match_template(sf_match_t *match, const sf_block_t *b,
    const sf_cond_t *c)
{
    int                   rc;
    size_t                i, j;
    const sf_template_t  *tm;

    match->work = match->work_limit;

    for (i = 0; i < c->ntmpls; i++) {
        tm = &c->tmpls[i];

        /* its longest literal is not in the text (the prefilter knows) */
        if (tm->has_lit && !sf_bit_test(match->bits, tm->lit_id)) {
            continue;
        }

        for (j = 0; j < tm->nsegs; j++) {
            if (tm->segs[j].type == SF_SEG_TITLE) {
                sf_match_page_title(match, b);
                break;
            }
        }

        /* the final '.' is optional */
        rc = sf_match_segs(match, tm, 0, 0, match->len);

        if (rc == 0 && match->len > 0 && match->text[match->len - 1] == '.')
        {
            rc = sf_match_segs(match, tm, 0, 0, match->len - 1);
        }

        if (rc != 0) {
            return rc;
        }
    }

    return 0;
}


/* 1: the condition holds, 0: it does not, -1: a regex limit was hit. */
static int
sf_match_cond(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, const sf_cond_t *c)
{
    int                      rc;
    size_t                   i, n;
    sf_mlink_t              *l;
    const sf_rule_phrase_t  *ph;

    (void) rules;

    ph = c->phrases;

    switch (c->type) {

    case SF_COND_POSITION:
        return (b->flags & SF_BLOCK_FIRST_IN_ENTRY) != 0;

    case SF_COND_ESCAPED:
        return match->escaped;

    case SF_COND_LINKS:
        n = (size_t) c->n;
        return c->op == SF_OP_EQ ? match->nlinks == n
               : c->op == SF_OP_GE ? match->nlinks >= n
               : match->nlinks <= n;

    case SF_COND_MAX_LENGTH:
        return match->len <= (size_t) c->n;

    case SF_COND_EQUALS:
        return match->len == ph->len
               && memcmp(match->text, ph->data, ph->len) == 0;

    case SF_COND_STARTS:
        return match->len >= ph->len
               && memcmp(match->text, ph->data, ph->len) == 0;

    case SF_COND_ENDS:
        return sf_match_ends(match->text, match->len, ph);

    case SF_COND_CONTAINS:
        for (i = 0; i < c->nphrases; i++) {
            if (!sf_bit_test(match->bits, ph[i].id)) {
                return 0;
            }
        }

        return 1;

    case SF_COND_ANY:
        n = 0;

        for (i = 0; i < c->nphrases; i++) {
            if (sf_bit_test(match->bits, ph[i].id)) {
                n++;
            }
        }

        return n >= (size_t) c->n;

    case SF_COND_LINK_TEXT:
        l = sf_match_link(match, c->n);

        return l != NULL && l->end - l->start == ph->len
               && memcmp(match->text + l->start, ph->data, ph->len) == 0;

    case SF_COND_LINK_HREF:
        l = sf_match_link(match, c->n);

        return l != NULL && sf_match_href(match, l, ph);

    case SF_COND_LINK_REL:
        l = sf_match_link(match, c->n);

        return l != NULL && sf_match_word(l->rel, l->rel_len, ph->data,
                                          ph->len);

    case SF_COND_LINK_CLASS:
        l = sf_match_link(match, c->n);

        return l != NULL && l->cls != NULL
               && sf_class_has(l->cls, l->cls_len, ph->data, ph->len);

    case SF_COND_TEMPLATE:
        return sf_match_template(match, b, c);

    case SF_COND_TITLE:
        return sf_match_title(match, b);

    case SF_COND_REGEX:
        rc = pcre2_match(c->re, match->text, match->len, 0, 0, match->md,
                         match->mctx);

        if (rc >= 0) {
            return 1;
        }

        if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) {
            return 0;
        }

        /* match, depth, heap or JIT stack limit, no memory: fail open */
        return -1;
    }

    return 0;
}


static void
sf_match_source(sf_match_t *match, const sf_rule_t *r,
    sf_decision_result_t *result)
{
    int                   ov;
    size_t                n;
    const char           *host;
    sf_mlink_t           *l;

    l = sf_match_link(match, r->link);
    if (l == NULL || l->href == NULL) {
        return;
    }

    n = sf_url_clean(l->href, l->href_len, 1, match->source,
                     SF_SOURCE_MAX + 1);
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
            n = sf_fold(match->decoded + l->dstart, l->dend - l->dstart,
                        match->name, SF_NAME_MAX, SF_FOLD_MARKUP, NULL, NULL,
                        &ov);

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



void
sf_rules_decide(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, sf_decision_result_t *result)
{
    int               rc;
    size_t            k, i, n;
    uint64_t          may;
    sf_tag_e          tag;
    sf_rule_t        *r, **list;
    const sf_cond_t  *c;

    memset(result, 0, sizeof(sf_decision_result_t));
    result->action = SF_ACT_KEEP;

    if (rules == NULL || match == NULL || block == NULL || !rules->compiled)
    {
        return;
    }

    /* quoted text and existing comments are never touched */
    if (block->flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS)) {
        return;
    }

    may = ~(uint64_t) 0;

    if (!match->slow && rules->anchor_all.map != NULL
        && sf_reject_block(rules, match, block, &may))
    {
        return;
    }

    match->normalized = 0;
    match->scanned = 0;
    match->titled = 0;

    tag = (block->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : block->tag;
    n = 0;
    list = NULL;

    /* the rules the reject left, or those the tag may take */
    if (may == ~(uint64_t) 0 || !rules->cand_ok) {
        list = sf_match_candidates(rules, block, &n);
    }

    for (k = 0; /* void */ ; k++) {
        if (list == NULL) {
            if (may == 0) {
                break;
            }

            r = rules->rules[sf_ctz64(may)];
            may &= may - 1;

        } else {
            if (k == n) {
                break;
            }

            r = list[k];
        }

        if (!((unsigned) tag < SF_TAG_NTAGS && r->scope_tag[tag])
            && !sf_match_scope(r, block))
        {
            continue;
        }

        if (r->text_conds) {
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

            if (r->nrequired > 0) {
                if (!match->scanned) {
                    memset(match->bits, 0, (rules->nphrases + 7) / 8);
                    sf_prefilter_scan(&rules->prefilter, match->text,
                                      match->len, match->bits);
                    match->scanned = 1;
                }

                for (i = 0; i < r->nrequired; i++) {
                    if (!sf_bit_test(match->bits, r->required[i])) {
                        break;
                    }
                }

                if (i < r->nrequired) {
                    continue;
                }

            } else if (r->needs_scan && !match->scanned) {
                memset(match->bits, 0, (rules->nphrases + 7) / 8);
                sf_prefilter_scan(&rules->prefilter, match->text,
                                  match->len, match->bits);
                match->scanned = 1;
            }
        }

        for (c = r->conds; c != NULL; c = c->next) {
            rc = sf_match_cond(rules, match, block, c);

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
