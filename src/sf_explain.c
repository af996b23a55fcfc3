/*
 * sf_explain.c: why a block was removed or kept (sf_explain.h), for a rule
 * author debugging offline (synfilter --explain).
 *
 * A block removed names its rule or detector.  A block kept is tried
 * again against every rule whose scope takes it, condition by condition
 * in the order they are written, with scratch of the explainer's own: the
 * rule that held the most conditions before one failed is the nearest (a
 * tie goes to the narrower scope, then to more conditions held in all),
 * and the failed condition is told with what the block had instead.  This
 * costs a second evaluation of the rules per block, paid only by a stream
 * created with on_explain; the stream's own scratch is never touched, so
 * its decisions and output are the same with or without it.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sf_explain.h"
#include "sf_match.h"
#include "sf_shape.h"


#define SF_EXPLAIN_STR    320           /* each of cond, failed, note */
#define SF_EXPLAIN_ATTR   256           /* id or class of a dropped element */
#define SF_EXPLAIN_QUOTE  72            /* bytes of text quoted in a reason */
#define SF_EXPLAIN_LINE   100           /* bytes of a rule line quoted */


struct sf_explainer_s {
    const sf_rules_t     *rules;
    sf_match_t           *match;            /* the explainer's own scratch */
    size_t                memory;

    /* per rule, in rules->rules order: its built-in file + 1, or 0 */
    unsigned short       *file;
    /* the conditions of one rule in the order they are written */
    const sf_cond_t     **conds;
    /* the shape detector's scratch (its match's), NULL when it is off */
    unsigned char        *shape;
    /* the whole text normalized, for its length when the decision
       stopped short of it (longer than any rule takes) */
    unsigned char        *whole;
    size_t                whole_cap;

    char                  cond[SF_EXPLAIN_STR];
    char                  failed[SF_EXPLAIN_STR];
    char                  note[SF_EXPLAIN_STR];

    /* the element being dropped whole, from its start tag */
    sf_tag_e              drop_tag;
    size_t                drop_id_len;
    size_t                drop_cls_len;
    unsigned char         drop_id[SF_EXPLAIN_ATTR];
    unsigned char         drop_cls[SF_EXPLAIN_ATTR];
};


/* A bounded string being written: always NUL-terminated. */
typedef struct {
    char                 *p;
    size_t                len;
    size_t                cap;
} sf_str_t;


static void sf_explain_files(sf_explainer_t *e);
static size_t sf_explain_index(sf_explainer_t *e, const char *rule_id);
static void sf_explain_rule(sf_explainer_t *e, sf_explain_t *x, size_t k);
static size_t sf_explain_sort(sf_explainer_t *e, const sf_rule_t *r);
static void sf_explain_prepare(sf_explainer_t *e, const sf_block_t *b);
static unsigned sf_explain_try(sf_explainer_t *e, const sf_rule_t *r,
    const sf_block_t *b, const sf_cond_t **failed, int *rc,
    unsigned *held);
static void sf_explain_nearest(sf_explainer_t *e, sf_explain_t *x,
    const sf_block_t *b);
static unsigned sf_explain_narrow(const sf_rule_t *r, const sf_block_t *b);
static void sf_explain_cond(sf_explainer_t *e, size_t k,
    const sf_cond_t *c);
static int sf_explain_line(sf_explainer_t *e, size_t k, unsigned line);
static void sf_explain_why(sf_explainer_t *e, const sf_block_t *b,
    const sf_cond_t *c, int rc);
static void sf_str_init(sf_str_t *s, char *buf, size_t cap);
static void sf_str_fmt(sf_str_t *s, const char *fmt, ...);
static void sf_str_quote(sf_str_t *s, const unsigned char *p, size_t len);
static void sf_str_tail(sf_str_t *s, const unsigned char *p, size_t len);
static void sf_str_cut(sf_str_t *s, const unsigned char *p, size_t len,
    int tail);


/* The keyword a condition is written with, as rebuilt for an explanation. */
static const char  *sf_explain_cond_name[] = {
    [SF_COND_CONTAINS] = "contains",
    [SF_COND_ANY] = "any",
    [SF_COND_EQUALS] = "equals",
    [SF_COND_STARTS] = "starts",
    [SF_COND_ENDS] = "ends",
    [SF_COND_REGEX] = "regex",
    [SF_COND_LINKS] = "links",
    [SF_COND_LINK_TEXT] = "link-text",
    [SF_COND_LINK_HREF] = "link-href",
    [SF_COND_LINK_REL] = "link-rel",
    [SF_COND_LINK_CLASS] = "link-class",
    [SF_COND_TEMPLATE] = "template",
    [SF_COND_MAX_LENGTH] = "max-length",
    [SF_COND_ESCAPED] = "escaped",
    [SF_COND_POSITION] = "position first",
    [SF_COND_TITLE] = "title"
};


/* The most conditions a rule has: room to sort them by cost. */
static size_t
sf_explain_max_conds(const sf_rules_t *rules)
{
    size_t      k, n, maxc;
    sf_cond_t  *c;

    maxc = 1;

    for (k = 0; k < rules->nrules; k++) {
        n = 0;

        for (c = rules->rules[k]->conds; c != NULL; c = c->next) {
            n++;
        }

        if (n > maxc) {
            maxc = n;
        }
    }

    return maxc;
}


/* n bytes of the explainer's, counted in the memory it reports. */
static void *
sf_explain_alloc(sf_explainer_t *e, const sf_allocator_t *alloc, size_t n)
{
    void  *p;

    p = alloc->alloc(alloc->ctx, n);

    if (p != NULL) {
        e->memory += n;
    }

    return p;
}


sf_explainer_t *
sf_explain_create(const sf_rules_t *rules, const sf_limits_t *limits,
    const sf_allocator_t *alloc)
{
    size_t           n;
    sf_explainer_t  *e;

    if (rules == NULL || limits == NULL || alloc == NULL
        || alloc->alloc == NULL || !rules->compiled)
    {
        return NULL;
    }

    e = alloc->alloc(alloc->ctx, sizeof(sf_explainer_t));
    if (e == NULL) {
        return NULL;
    }

    memset(e, 0, sizeof(sf_explainer_t));
    e->rules = rules;
    e->memory = sizeof(sf_explainer_t);

    n = (rules->nrules ? rules->nrules : 1) * sizeof(unsigned short);
    e->file = sf_explain_alloc(e, alloc, n);
    if (e->file == NULL) {
        goto failed;
    }

    memset(e->file, 0, n);

    n = sf_explain_max_conds(rules) * sizeof(sf_cond_t *);
    e->conds = sf_explain_alloc(e, alloc, n);
    if (e->conds == NULL) {
        goto failed;
    }

    e->whole_cap = limits->max_text > 0 ? limits->max_text : 1;
    e->whole = sf_explain_alloc(e, alloc, e->whole_cap);
    if (e->whole == NULL) {
        goto failed;
    }

    e->match = sf_match_create(rules, limits, alloc);
    if (e->match == NULL) {
        goto failed;
    }

    e->memory += sf_match_memory(e->match);
    e->shape = sf_match_shape(e->match);

    sf_explain_files(e);

    return e;

failed:

    sf_explain_destroy(e, alloc);

    return NULL;
}


void
sf_explain_destroy(sf_explainer_t *e, const sf_allocator_t *alloc)
{
    if (e == NULL) {
        return;
    }

    if (e->match != NULL) {
        sf_match_destroy(e->match, alloc);
    }

    if (alloc->free == NULL) {
        return;
    }

    if (e->file != NULL) {
        alloc->free(alloc->ctx, e->file);
    }

    if (e->conds != NULL) {
        alloc->free(alloc->ctx, (void *) e->conds);
    }

    if (e->whole != NULL) {
        alloc->free(alloc->ctx, e->whole);
    }

    alloc->free(alloc->ctx, e);
}


size_t
sf_explain_memory(const sf_explainer_t *e)
{
    return e != NULL ? e->memory : 0;
}


/*
 * Which built-in file each rule comes from: the rules keep their line,
 * not their file, so the embedded texts are read once for "rule ID" at
 * that line (ids are unique over all files).
 */
static void
sf_explain_files(sf_explainer_t *e)
{
    size_t       f, i, k, q, end, id, len;
    unsigned     line;
    const char  *t, *nl;
    sf_rule_t   *r;

    for (f = 0; f < sf_builtin_nfiles && f < 0xfffe; f++) {
        t = sf_builtin_files[f].text;
        len = sf_builtin_files[f].len;
        line = 1;

        for (i = 0; i < len; i = end + 1, line++) {
            nl = memchr(t + i, '\n', len - i);
            end = nl != NULL ? (size_t) (nl - t) : len;

            for (q = i; q < end && (t[q] == ' ' || t[q] == '\t'); q++) {
                /* void */
            }

            if (end - q < 6 || memcmp(t + q, "rule", 4) != 0
                || (t[q + 4] != ' ' && t[q + 4] != '\t'))
            {
                continue;
            }

            for (q += 4; q < end && (t[q] == ' ' || t[q] == '\t'); q++) {
                /* void */
            }

            for (id = q; q < end && t[q] > ' ' && t[q] != '#'; q++) {
                /* void */
            }

            for (k = 0; k < e->rules->nrules; k++) {
                r = e->rules->rules[k];

                if (r->line == line && e->file[k] == 0
                    && strlen(r->id) == q - id
                    && memcmp(r->id, t + id, q - id) == 0)
                {
                    e->file[k] = (unsigned short) (f + 1);
                }
            }
        }
    }
}


/*
 * The index of the rule whose id this is (the decision hands over the
 * rule's own pointer), or nrules: a detector's id, even one that a rule
 * happens to share.
 */
static size_t
sf_explain_index(sf_explainer_t *e, const char *rule_id)
{
    size_t  k;

    for (k = 0; k < e->rules->nrules; k++) {
        if (e->rules->rules[k]->id == rule_id) {
            break;
        }
    }

    return k;
}


/* Rule k as the explanation names it. */
static void
sf_explain_rule(sf_explainer_t *e, sf_explain_t *x, size_t k)
{
    const sf_cond_t  *c;
    const sf_rule_t  *r;

    r = e->rules->rules[k];

    x->rule_id = r->id;
    x->rule_index = (unsigned) k;
    x->rule_line = r->line;
    x->rule_file = e->file[k] ? sf_builtin_files[e->file[k] - 1].name : NULL;
    x->nconds = 0;

    for (c = r->conds; c != NULL; c = c->next) {
        x->nconds++;
    }
}


void
sf_explain_block(sf_explainer_t *e, const sf_options_t *opt,
    const sf_block_t *b, const sf_decision_result_t *res, sf_action_e act,
    unsigned text_over, uint64_t offset)
{
    size_t            k;
    sf_str_t          note;
    sf_explain_t      x;
    sf_block_attrs_t  a;

    static const char  *names[] = {
        "keep", "drop", "drop-source", "keep-source", "replace"
    };

    if (opt->on_explain == NULL) {
        return;
    }

    memset(&x, 0, sizeof(sf_explain_t));
    sf_str_init(&note, e->note, sizeof(e->note));
    e->cond[0] = '\0';
    e->failed[0] = '\0';

    x.offset = offset;
    x.bytes = b->raw_len;
    x.action = (unsigned) act < 5 ? names[act] : "?";

    sf_block_attrs(b, &a);

    x.tag = (b->flags & SF_BLOCK_ANONYMOUS) ? "anon" : sf_tag_name(b->tag);
    x.id = a.id;
    x.id_len = a.id_len;
    x.cls = a.cls;
    x.cls_len = a.cls_len;

    if (res->rule_id != NULL) {
        k = sf_explain_index(e, res->rule_id);

        if (k < e->rules->nrules) {
            sf_explain_rule(e, &x, k);
            x.passed = x.nconds;

        } else {
            /* no rule of that id: a detector (shape-footer) */
            x.rule_id = res->rule_id;
            x.detector = 1;
        }
    }

    if (b->flags & SF_BLOCK_IN_BLOCKQUOTE) {
        sf_str_fmt(&note, "in a blockquote: no rule is tried, nothing is "
                   "removed");

    } else if (b->flags & SF_BLOCK_IN_COMMENTS) {
        sf_str_fmt(&note, "in the existing comments: no rule is tried, "
                   "nothing is removed");

    } else if (res->limit_hit) {
        sf_str_fmt(&note, "a regex limit was hit: kept unchanged, the rules "
                   "after it not tried");

    } else {
        if (res->rule_id == NULL) {
            sf_explain_nearest(e, &x, b);
        }

        /* the detector tries what no rule took (sf_stream_decide) */
        if (res->rule_id == NULL && e->shape != NULL && !text_over
            && b->nlinks >= 2 && b->nlinks <= 3)
        {
            x.detector_id = "shape-footer";
            x.detector_failed = sf_shape_why(b, e->shape);
        }

        if ((b->flags & SF_BLOCK_IN_CODE) && res->rule_id != NULL
            && act == SF_ACT_KEEP)
        {
            sf_str_fmt(&note, "in a code sample: kept whatever the rules "
                       "say");

        } else if (b->flags & SF_BLOCK_IN_CODE) {
            sf_str_fmt(&note, "in a code sample: kept in any case");

        } else if (text_over) {
            sf_str_fmt(&note, "its text outgrew max_text: only its start "
                       "was read");
        }
    }

    if (note.len > 0) {
        x.note = e->note;
    }

    opt->on_explain(opt->on_explain_ctx, &x);
}


/* The conditions of r into e->conds in the order they are written. */
static size_t
sf_explain_sort(sf_explainer_t *e, const sf_rule_t *r)
{
    size_t            n, i;
    const sf_cond_t  *c, *t;

    n = 0;

    for (c = r->conds; c != NULL; c = c->next) {
        /* insertion: few conditions, stable for equal places */
        for (i = n; i > 0; i--) {
            t = e->conds[i - 1];

            if (t->line < c->line
                || (t->line == c->line && t->column <= c->column))
            {
                break;
            }

            e->conds[i] = t;
        }

        e->conds[i] = c;
        n++;
    }

    return n;
}


/* The block's normalized text, links and phrase bits, as a decision. */
static void
sf_explain_prepare(sf_explainer_t *e, const sf_block_t *b)
{
    sf_match_t  *m;

    m = e->match;

    m->normalized = 0;
    m->scanned = 0;
    m->titled = 0;

    sf_match_text(m, b);

    memset(m->bits, 0, sf_bits_size(e->rules->nphrases));
    sf_prefilter_scan(&e->rules->prefilter, m->text, m->len, m->bits);
    m->scanned = 1;
}


/*
 * The conditions of r that hold on b before one fails (*failed, with the
 * result of sf_match_cond() in *rc), or all of them (*failed NULL).
 */
static unsigned
sf_explain_try(sf_explainer_t *e, const sf_rule_t *r, const sf_block_t *b,
    const sf_cond_t **failed, int *rc, unsigned *held)
{
    int       c;
    size_t    i, n;
    unsigned  passed;

    *failed = NULL;
    *rc = 1;
    *held = 0;

    /* the decision does not read a text it has only part of */
    if (r->text_conds && e->match->overflow) {
        return 0;
    }

    n = sf_explain_sort(e, r);
    passed = 0;

    for (i = 0; i < n; i++) {
        c = sf_match_cond(e->rules, e->match, b, e->conds[i]);

        if (c == 1) {
            (*held)++;
            passed += (*failed == NULL);

        } else if (*failed == NULL) {
            *failed = e->conds[i];
            *rc = c;
        }
    }

    return passed;
}


/* A block no rule took: the rule in scope that came nearest, and why. */
static void
sf_explain_nearest(sf_explainer_t *e, sf_explain_t *x, const sf_block_t *b)
{
    int               rc;
    size_t            k, best;
    unsigned          passed, held, narrow, most, most_held, most_narrow;
    sf_str_t          s;
    sf_match_t       *m;
    const sf_rule_t  *r;
    const sf_cond_t  *c;

    m = e->match;
    best = e->rules->nrules;
    most = 0;
    most_held = 0;
    most_narrow = 0;

    for (k = 0; k < e->rules->nrules; k++) {
        r = e->rules->rules[k];

        if (!sf_match_scope(r, b)) {
            continue;
        }

        if (best == e->rules->nrules) {
            sf_explain_prepare(e, b);
        }

        passed = sf_explain_try(e, r, b, &c, &rc, &held);
        narrow = sf_explain_narrow(r, b);

        /*
         * A tie goes to the rule that names the block more narrowly (a
         * site rule on "h2.widget-title" rather than one on every "p"),
         * then to the one holding more conditions in all.
         */
        if (best == e->rules->nrules || passed > most
            || (passed == most && (narrow > most_narrow
                                   || (narrow == most_narrow
                                       && held > most_held))))
        {
            best = k;
            most = passed;
            most_held = held;
            most_narrow = narrow;
        }
    }

    if (best == e->rules->nrules) {
        return;
    }

    r = e->rules->rules[best];
    sf_explain_rule(e, x, best);
    x->passed = sf_explain_try(e, r, b, &c, &rc, &held);

    if (c != NULL) {
        sf_explain_cond(e, best, c);
        sf_explain_why(e, b, c, rc);
        x->cond = e->cond;
        x->cond_line = c->line;
        x->failed = e->failed;
        return;
    }

    /* every condition holds: the text is where the decision stopped */
    sf_str_init(&s, e->failed, sizeof(e->failed));

    if (m->overflow) {
        sf_str_fmt(&s, "its text is longer than max_text: no rule reads it");

    } else if (m->toolong) {
        sf_str_fmt(&s, "its text is more than %zu bytes, longer than any "
                   "rule takes", e->rules->text_limit);
        /* (no condition says so: a bound the compiler derived) */

    } else if (r->max_length != 0 && m->len > r->max_length) {
        sf_str_fmt(&s, "its text is %zu bytes, longer than the rule takes "
                   "(%zu)", m->len, r->max_length);

    } else {
        sf_str_fmt(&s, "every condition holds");
    }

    x->failed = e->failed;
}


/* How narrowly r's scope takes b: by class or id 2, by tag 1, by "*" 0. */
static unsigned
sf_explain_narrow(const sf_rule_t *r, const sf_block_t *b)
{
    size_t    i;
    sf_tag_e  tag;

    tag = (b->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : b->tag;

    for (i = 0; i < r->nsel; i++) {
        if (r->sel[i].any) {
            return 0;
        }
    }

    if (r->nsel == 0) {
        return 0;
    }

    return ((unsigned) tag < SF_TAG_NTAGS && r->scope_tag[tag]) ? 1 : 2;
}


/*
 * The condition as it is written: its line of the built-in pack, or
 * rebuilt from the compiled rule (phrases as normalized).
 */
static void
sf_explain_cond(sf_explainer_t *e, size_t k, const sf_cond_t *c)
{
    size_t                 i, j;
    sf_str_t               s;
    const sf_seg_t        *g;
    const sf_template_t   *tm;

    static const char  *ops[] = { "=", ">=", "<=" };

    if (sf_explain_line(e, k, c->line)) {
        return;
    }

    sf_str_init(&s, e->cond, sizeof(e->cond));

    sf_str_fmt(&s, "%s", sf_explain_cond_name[c->type]);

    switch (c->type) {

    case SF_COND_ANY:
        sf_str_fmt(&s, " %ld", c->n);

        /* fall through */

    case SF_COND_CONTAINS:
        for (i = 0; i < c->nphrases; i++) {
            sf_str_fmt(&s, " ");
            sf_str_quote(&s, c->phrases[i].data, c->phrases[i].len);
        }

        break;

    case SF_COND_EQUALS:
    case SF_COND_STARTS:
    case SF_COND_ENDS:
        sf_str_fmt(&s, " ");
        sf_str_quote(&s, c->phrases[0].data, c->phrases[0].len);
        break;

    case SF_COND_REGEX:
        if (c->phrases != NULL && !c->literal) {
            sf_str_fmt(&s, " ");
            sf_str_quote(&s, c->phrases[0].data, c->phrases[0].len);
        }

        break;

    case SF_COND_LINKS:
        sf_str_fmt(&s, " %s %ld", ops[(unsigned) c->op < 3 ? c->op : 0],
                   c->n);
        break;

    case SF_COND_LINK_TEXT:
    case SF_COND_LINK_HREF:
    case SF_COND_LINK_REL:
    case SF_COND_LINK_CLASS:
        sf_str_fmt(&s, " %ld ", c->n);
        sf_str_quote(&s, c->phrases[0].data, c->phrases[0].len);
        break;

    case SF_COND_TEMPLATE:
        for (i = 0; i < c->ntmpls; i++) {
            tm = &c->tmpls[i];
            sf_str_fmt(&s, " \"");

            for (j = 0; j < tm->nsegs; j++) {
                g = &tm->segs[j];

                if (g->type == SF_SEG_TEXT) {
                    sf_str_fmt(&s, "%.*s", (int) g->len, g->data);

                } else if (g->type == SF_SEG_LINK) {
                    sf_str_fmt(&s, "%%%ld", g->n);

                } else {
                    sf_str_fmt(&s, g->type == SF_SEG_TITLE ? "%%t" : "%%*");
                }
            }

            sf_str_fmt(&s, "\"");
        }

        break;

    case SF_COND_MAX_LENGTH:
        sf_str_fmt(&s, " %ld", c->n);
        break;

    default:
        /* escaped, position first, title: the name says it all */
        break;
    }
}


/* Line n of rule k's built-in file into e->cond, trimmed of its comment. */
static int
sf_explain_line(sf_explainer_t *e, size_t k, unsigned line)
{
    int          quoted;
    size_t       i, start, end, len;
    unsigned     n;
    const char  *t;

    if (e->file[k] == 0 || line == 0) {
        return 0;
    }

    t = sf_builtin_files[e->file[k] - 1].text;
    len = sf_builtin_files[e->file[k] - 1].len;

    for (i = 0, n = 1; i < len && n < line; i++) {
        n += (t[i] == '\n');
    }

    if (n != line) {
        return 0;
    }

    while (i < len && (t[i] == ' ' || t[i] == '\t')) {
        i++;
    }

    start = i;
    quoted = 0;

    for (end = i; end < len && t[end] != '\n'; end++) {
        if (t[end] == '\\' && quoted && end + 1 < len) {
            end++;

        } else if (t[end] == '"') {
            quoted = !quoted;

        } else if (t[end] == '#' && !quoted) {
            break;
        }
    }

    while (end > start && (t[end - 1] == ' ' || t[end - 1] == '\t'
                           || t[end - 1] == '\r'))
    {
        end--;
    }

    if (end == start) {
        return 0;
    }

    len = end - start;

    if (len > SF_EXPLAIN_LINE) {
        /* a long regex: its start, cut between characters */
        len = SF_EXPLAIN_LINE;

        while (len > 0 && (t[start + len] & 0xc0) == 0x80) {
            len--;
        }

        memcpy(e->cond + len, "...", 4);

    } else {
        e->cond[len] = '\0';
    }

    memcpy(e->cond, t + start, len);

    return 1;
}


/*
 * A template condition of one template whose literal anchor is not in
 * the block: its longest literal, the likeliest thing missing, trimmed.
 * Returns 0 when that is not the case.
 */
static int
sf_explain_why_literal(sf_str_t *s, sf_match_t *m, const sf_cond_t *c)
{
    size_t                  i, n;
    const sf_seg_t         *g, *lit;
    const sf_template_t    *tm;

    if (c->type != SF_COND_TEMPLATE || c->ntmpls == 0) {
        return 0;
    }

    tm = &c->tmpls[0];
    lit = NULL;

    for (i = 0; i < tm->nsegs; i++) {
        g = &tm->segs[i];

        if (g->type == SF_SEG_TEXT && (lit == NULL || g->len > lit->len)) {
            lit = g;
        }
    }

    if (c->ntmpls != 1 || !tm->has_lit || sf_bit_test(m->bits, tm->lit_id)
        || lit == NULL)
    {
        return 0;
    }

    for (i = 0, n = lit->len; i < n && lit->data[i] == ' '; i++) {
        /* void */
    }

    while (n > i && lit->data[n - 1] == ' ') {
        n--;
    }

    sf_str_quote(s, lit->data + i, n - i);
    sf_str_fmt(s, " not found");

    return 1;
}


/*
 * A condition on the whole text (equals, starts, regex, template, title):
 * what is missing when that can be told, else the text itself.
 */
static void
sf_explain_why_text(sf_str_t *s, sf_match_t *m, const sf_block_t *b,
    const sf_cond_t *c)
{
    if (sf_explain_why_literal(s, m, c)) {
        return;
    }

    if (c->type == SF_COND_TITLE && sf_match_page_title(m, b) == 0) {
        sf_str_fmt(s, "no page title seen before the block");
        return;
    }

    sf_str_fmt(s, "text is ");
    sf_str_quote(s, m->text, m->len);

    if (c->type == SF_COND_TITLE) {
        sf_str_fmt(s, ", the page title ");
        sf_str_quote(s, m->tnorm, m->tlen);
    }
}


/* A condition on the nth link: that link's text or attribute. */
static void
sf_explain_why_link(sf_str_t *s, sf_match_t *m, const sf_cond_t *c)
{
    sf_mlink_t  *l;

    l = sf_match_link(m, c->n);

    if (l == NULL) {
        sf_str_fmt(s, "no link %ld: the block has %zu", c->n, m->nlinks);
        return;
    }

    if (c->type == SF_COND_LINK_TEXT) {
        sf_str_fmt(s, "its text is ");
        sf_str_quote(s, m->text + l->start, l->end - l->start);

    } else if (c->type == SF_COND_LINK_HREF) {
        sf_str_fmt(s, "its href is ");
        sf_str_quote(s, l->href, l->href_len);

    } else if (c->type == SF_COND_LINK_REL) {
        sf_str_fmt(s, "its rel is ");
        sf_str_quote(s, l->rel, l->rel != NULL ? l->rel_len : 0);

    } else {
        sf_str_fmt(s, "its class is ");
        sf_str_quote(s, l->cls, l->cls != NULL ? l->cls_len : 0);
    }
}


/* What the block had instead of what condition c asks. */
static void
sf_explain_why(sf_explainer_t *e, const sf_block_t *b, const sf_cond_t *c,
    int rc)
{
    int          ov;
    size_t       i, n;
    sf_str_t     s;
    sf_match_t  *m;

    m = e->match;
    sf_str_init(&s, e->failed, sizeof(e->failed));

    if (rc < 0) {
        sf_str_fmt(&s, "%s limit hit", c->type == SF_COND_REGEX ? "regex"
                                                                : "template");
        return;
    }

    switch (c->type) {

    case SF_COND_CONTAINS:
        for (i = 0; i < c->nphrases; i++) {
            if (!sf_bit_test(m->bits, c->phrases[i].id)) {
                sf_str_quote(&s, c->phrases[i].data, c->phrases[i].len);
                sf_str_fmt(&s, " not found");
                return;
            }
        }

        break;

    case SF_COND_ANY:
        for (i = 0, n = 0; i < c->nphrases; i++) {
            n += sf_bit_test(m->bits, c->phrases[i].id) != 0;
        }

        sf_str_fmt(&s, "%zu of them found", n);
        return;

    case SF_COND_EQUALS:
    case SF_COND_STARTS:
    case SF_COND_REGEX:
    case SF_COND_TEMPLATE:
    case SF_COND_TITLE:
        sf_explain_why_text(&s, m, b, c);
        return;

    case SF_COND_ENDS:
        sf_str_fmt(&s, "text ends ");
        sf_str_tail(&s, m->text, m->len);
        return;

    case SF_COND_LINKS:
        sf_str_fmt(&s, "the block has %zu link%s", m->nlinks,
                   m->nlinks == 1 ? "" : "s");
        return;

    case SF_COND_LINK_TEXT:
    case SF_COND_LINK_HREF:
    case SF_COND_LINK_REL:
    case SF_COND_LINK_CLASS:
        sf_explain_why_link(&s, m, c);
        return;

    case SF_COND_MAX_LENGTH:
        if (!m->toolong) {
            sf_str_fmt(&s, "text is %zu bytes", m->len);
            return;
        }

        /* the decision stopped folding past the longest bound */
        n = sf_normalize_in(b->text, b->text_len, e->whole, e->whole_cap,
                            SF_FOLD_ALL, &ov);
        sf_str_fmt(&s, "text is %s%zu bytes", ov ? "more than " : "", n);
        return;

    case SF_COND_ESCAPED:
        sf_str_fmt(&s, "no escaped markup in the block");
        return;

    case SF_COND_POSITION:
        sf_str_fmt(&s, "not the first text block of the article body");
        return;
    }

    sf_str_fmt(&s, "does not hold");
}


void
sf_explain_pass(sf_explainer_t *e, const sf_options_t *opt, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, uint64_t offset, size_t bytes)
{
    sf_str_t      note;
    sf_explain_t  x;

    if (opt->on_explain == NULL) {
        return;
    }

    memset(&x, 0, sizeof(sf_explain_t));
    sf_str_init(&note, e->note, sizeof(e->note));
    sf_str_fmt(&note, "it outgrew max_holdback (%zu bytes): sent unchecked "
               "from there", opt->limits.max_holdback);

    x.offset = offset;
    x.bytes = bytes;
    x.tag = tag == SF_TAG_NONE ? "anon" : sf_tag_name(tag);
    x.id = id;
    x.id_len = id != NULL ? id_len : 0;
    x.cls = cls;
    x.cls_len = cls != NULL ? cls_len : 0;
    x.action = "keep";
    x.unchecked = 1;
    x.note = e->note;

    opt->on_explain(opt->on_explain_ctx, &x);
}


void
sf_explain_drop_start(sf_explainer_t *e, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len)
{
    e->drop_tag = tag;
    e->drop_id_len = id != NULL ? id_len : 0;
    e->drop_cls_len = cls != NULL ? cls_len : 0;

    if (e->drop_id_len > SF_EXPLAIN_ATTR) {
        e->drop_id_len = SF_EXPLAIN_ATTR;
    }

    if (e->drop_cls_len > SF_EXPLAIN_ATTR) {
        e->drop_cls_len = SF_EXPLAIN_ATTR;
    }

    if (e->drop_id_len > 0) {
        memcpy(e->drop_id, id, e->drop_id_len);
    }

    if (e->drop_cls_len > 0) {
        memcpy(e->drop_cls, cls, e->drop_cls_len);
    }
}


void
sf_explain_drop(sf_explainer_t *e, const sf_options_t *opt,
    const char *rule_id, size_t bytes, uint64_t offset)
{
    size_t        k;
    sf_explain_t  x;

    if (opt->on_explain == NULL) {
        return;
    }

    memset(&x, 0, sizeof(sf_explain_t));

    x.offset = offset;
    x.bytes = bytes;
    x.tag = sf_tag_name(e->drop_tag);
    x.id = e->drop_id_len > 0 ? e->drop_id : NULL;
    x.id_len = e->drop_id_len;
    x.cls = e->drop_cls_len > 0 ? e->drop_cls : NULL;
    x.cls_len = e->drop_cls_len;
    x.whole = 1;
    x.action = "drop";

    if (rule_id != NULL) {
        k = sf_explain_index(e, rule_id);

        if (k < e->rules->nrules) {
            sf_explain_rule(e, &x, k);
            x.passed = x.nconds;

        } else {
            x.rule_id = rule_id;
        }
    }

    opt->on_explain(opt->on_explain_ctx, &x);
}


/* ---- bounded strings ------------------------------------------------ */

static void
sf_str_init(sf_str_t *s, char *buf, size_t cap)
{
    s->p = buf;
    s->len = 0;
    s->cap = cap;
    buf[0] = '\0';
}


static void
sf_str_fmt(sf_str_t *s, const char *fmt, ...)
{
    int      n;
    va_list  ap;

    if (s->len + 1 >= s->cap) {
        return;
    }

    va_start(ap, fmt);
    n = vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);

    if (n < 0) {
        s->p[s->len] = '\0';
        return;
    }

    s->len += (size_t) n;

    if (s->len >= s->cap) {
        s->len = s->cap - 1;
    }
}


/* "TEXT" with quotes, backslashes and controls escaped, cut when long. */
static void
sf_str_quote(sf_str_t *s, const unsigned char *p, size_t len)
{
    sf_str_cut(s, p, len, 0);
}


/* The end of a text, quoted: "...TAIL" when long. */
static void
sf_str_tail(sf_str_t *s, const unsigned char *p, size_t len)
{
    sf_str_cut(s, p, len, 1);
}


static void
sf_str_cut(sf_str_t *s, const unsigned char *p, size_t len, int tail)
{
    size_t  i, from, to;

    from = 0;
    to = len;

    if (len > SF_EXPLAIN_QUOTE) {
        if (tail) {
            from = len - SF_EXPLAIN_QUOTE;

            /* not inside a UTF-8 sequence */
            while (from < len && (p[from] & 0xc0) == 0x80) {
                from++;
            }

        } else {
            to = SF_EXPLAIN_QUOTE;

            while (to > 0 && (p[to] & 0xc0) == 0x80) {
                to--;
            }
        }
    }

    sf_str_fmt(s, from > 0 ? "\"..." : "\"");

    for (i = from; i < to; i++) {
        if (p[i] == '"' || p[i] == '\\') {
            sf_str_fmt(s, "\\%c", p[i]);

        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            sf_str_fmt(s, "\\x%02x", p[i]);

        } else {
            sf_str_fmt(s, "%c", p[i]);
        }
    }

    sf_str_fmt(s, to < len ? "...\"" : "\"");
}
