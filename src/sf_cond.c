/*
 * sf_cond.c: the conditions of a rule on a normalized block: phrases (by
 * the prefilter's bits), links and their text, href, rel and class, the
 * page title, templates and regexes.
 */

#include <string.h>

#include "sf_match.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_COND_SSE2  1
#else
#define SF_COND_SSE2  0
#endif


/*
 * The length of a normalized title without its site: "TITLE - SITE",
 * "TITLE | SITE" at the last separator; 0 without one.  Each separator
 * byte is found with memchr(): a title has few of them, and none most
 * often.
 */
static size_t
sf_match_title_short(const unsigned char *t, size_t n)
{
    size_t                k, last;
    const unsigned char  *p, *end;

    static const unsigned char  sep[2] = { '-', '|' };

    last = 0;
    end = t + n;

    for (k = 0; k < 2; k++) {
        for (p = t; (p = memchr(p, sep[k], end - p)) != NULL; p++) {
            if (p > t && end - p > 1 && p[-1] == ' ' && p[1] == ' '
                && (size_t) (p - t) > last)
            {
                last = p - t;
            }
        }
    }

    return last > 0 ? last - 1 : 0;
}


/* The page title as the block saw it, normalized once per decision. */
size_t
sf_match_page_title(sf_match_t *match, const sf_block_t *b)
{
    int                   ov;
    size_t                n;
    const unsigned char  *t;

    match->title_read = 1;

    if (match->titled) {
        return match->tlen;
    }

    match->titled = 1;
    match->tlen = 0;
    match->tshort = 0;

    if (b->title == NULL || b->title_len == 0 || match->title == NULL) {
        return 0;
    }

    /* the same title as the last decision's: normalized already */
    if (match->traw_ok && b->title_len == match->traw_len
        && memcmp(b->title, match->traw, b->title_len) == 0)
    {
        match->tnorm = match->title;
        match->tlen = match->traw_tlen;
        match->tshort = match->traw_tshort;
        return match->tlen;
    }

    match->traw_ok = 0;

    n = sf_normalize_in(b->title, b->title_len, match->title,
                        match->title_cap, SF_FOLD_ALL, &ov);
    t = match->title;

    if (b->title_len <= SF_TITLE_RAW) {
        memcpy(match->traw, b->title, b->title_len);
        match->traw_len = b->title_len;
        match->traw_ok = 1;
    }

    if (ov) {
        match->traw_tlen = 0;
        match->traw_tshort = 0;
        return 0;
    }

    match->tnorm = t;
    match->tlen = n;

    match->tshort = sf_match_title_short(t, n);
    match->traw_tlen = n;
    match->traw_tshort = match->tshort;

    return n;
}


sf_mlink_t *
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


/* Whether text[1, plen) lower-cased is p[1, plen). */
static inline int
sf_match_rest_lower(const unsigned char *text, const unsigned char *p,
    size_t plen)
{
    size_t         j;
    unsigned char  c;

    for (j = 1; j < plen; j++) {
        c = text[j];
        c = (unsigned char) (c + ((unsigned) (c - 'A') < 26 ? 0x20 : 0));

        if (c != p[j]) {
            return 0;
        }
    }

    return 1;
}


/*
 * sf_match_has() of text with ASCII letters lower-cased.  An href is a
 * hundred bytes or more, where the phrase's first byte seldom is: sixteen
 * bytes a compare find where it may be, the bytes after it are compared
 * there only; the tail (and a short text) a byte at a time.
 */
static int
sf_match_has_lower(const unsigned char *text, size_t len,
    const unsigned char *p, size_t plen)
{
    size_t         i;
    unsigned char  c0, c1;
#if (SF_COND_SSE2)
    unsigned       m;
    __m128i        v, v0, v1;
#endif

    if (plen == 0) {
        return 1;
    }

    /* the first byte as it may be written: p[0] or its capital */
    c0 = p[0];
    c1 = (unsigned) (c0 - 'a') < 26 ? (unsigned char) (c0 - 0x20) : c0;
    i = 0;

#if (SF_COND_SSE2)
    v0 = _mm_set1_epi8((char) c0);
    v1 = _mm_set1_epi8((char) c1);

    for ( /* void */ ; i + 16 <= len && i + plen <= len; i += 16) {
        v = _mm_loadu_si128((const __m128i *) (text + i));
        m = (unsigned) _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, v0),
                                                      _mm_cmpeq_epi8(v, v1)));

        for ( /* void */ ; m != 0; m &= m - 1) {
            if (i + (size_t) __builtin_ctz(m) + plen > len) {
                return 0;
            }

            if (sf_match_rest_lower(text + i + __builtin_ctz(m), p, plen)) {
                return 1;
            }
        }
    }
#endif

    for ( /* void */ ; i + plen <= len; i++) {
        if ((text[i] == c0 || text[i] == c1)
            && sf_match_rest_lower(text + i, p, plen))
        {
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

    match->href_read = 1;

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

    /* the text is folded: no upper case */
    for (i = 0; i < len; i++) {
        if (p[i] >= 0x80 || (p[i] >= '0' && p[i] <= '9')
            || (p[i] >= 'a' && p[i] <= 'z'))
        {
            break;
        }
    }

    return i < len;
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
    int                   rc, any, title, dot;
    size_t                i, j;
    const sf_template_t  *tm;

    match->work = match->work_limit;
    dot = match->len > 0 && match->text[match->len - 1] == '.';

    for (i = 0; i < c->ntmpls; i++) {
        tm = &c->tmpls[i];

        /* its longest literal is not in the text (the prefilter knows) */
        if (tm->has_lit && !sf_bit_test(match->bits, tm->lit_id)) {
            continue;
        }

        any = 0;
        title = 0;

        for (j = 0; j < tm->nsegs; j++) {
            any |= tm->segs[j].type == SF_SEG_ANY;
            title |= tm->segs[j].type == SF_SEG_TITLE;
        }

        if (title) {
            sf_match_page_title(match, b);
        }

        /*
         * The final '.' is optional.  A footer mostly ends in one that
         * the template leaves out: without "%*" no try counts against
         * the work and the answer is 0 or 1 either way, so the text
         * without it goes first.  With "%*" the tries go in the order
         * whose count the limit is defined by.
         */
        if (dot && !any) {
            rc = sf_match_segs(match, tm, 0, 0, match->len - 1)
                 || sf_match_segs(match, tm, 0, 0, match->len);

        } else {
            rc = sf_match_segs(match, tm, 0, 0, match->len);

            if (rc == 0 && dot) {
                rc = sf_match_segs(match, tm, 0, 0, match->len - 1);
            }
        }

        if (rc != 0) {
            return rc;
        }
    }

    return 0;
}


int
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
