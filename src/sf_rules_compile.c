/*
 * sf_rules_compile.c: from parsed rules to what matching reads: the rule
 * array, the candidate tags, the phrase table and its prefilter, the
 * required phrases and candidate masks of each rule, conditions cheapest
 * first, JIT code, and (sf_reject.c) the raw-text reject's anchors and
 * tables.
 */

#include <stdio.h>
#include <string.h>

#include "sf_rules.h"


/* The id of a phrase in the table, adding it when new. */
static int
sf_rules_phrase_id(sf_phrase_t *table, size_t *n, const unsigned char *data,
    size_t len, unsigned *id)
{
    size_t  i;

    for (i = 0; i < *n; i++) {
        if (table[i].len == len && memcmp(table[i].data, data, len) == 0) {
            *id = (unsigned) i;
            return 0;
        }
    }

    table[*n].data = data;
    table[*n].len = len;
    *id = (unsigned) (*n)++;

    return 1;
}


/* A condition's phrases as one word of phrase bits (sf_rules.h). */
static void
sf_rules_pmask(sf_cond_t *c)
{
    size_t          i;
    unsigned        id;
    unsigned char   mb[SF_BITS_MIN];

    memset(mb, 0, sizeof(mb));
    c->pmask_ok = 0;

    switch (c->type) {

    case SF_COND_CONTAINS:
    case SF_COND_ANY:
    case SF_COND_EQUALS:
    case SF_COND_STARTS:
    case SF_COND_ENDS:
    case SF_COND_LINK_TEXT:
        for (i = 0; i < c->nphrases; i++) {
            id = c->phrases[i].id;

            /* "any" counts a phrase given twice twice: no word for it */
            if (id >= 8 * SF_BITS_MIN
                || (c->type == SF_COND_ANY && sf_bit_test(mb, id)))
            {
                return;
            }

            sf_bit_set(mb, id);
        }

        break;

    case SF_COND_TEMPLATE:
        for (i = 0; i < c->ntmpls; i++) {
            id = c->tmpls[i].lit_id;

            if (!c->tmpls[i].has_lit || id >= 8 * SF_BITS_MIN) {
                return;
            }

            sf_bit_set(mb, id);
        }

        break;

    default:
        return;
    }

    memcpy(&c->pmask, mb, sizeof(mb));
    c->pmask_ok = 1;
}


/*
 * For a rule without required phrases, the phrases one of which the
 * raw-text reject must have seen (in *key) for it not to reject the rule:
 * those of the first condition that tells by them alone, if no regex,
 * which may leave the decision to the full way, comes before.  Returns 0
 * when there is no such condition.
 */
static int
sf_rules_cand_key(const sf_rule_t *r, uint64_t *key)
{
    const sf_cond_t  *c;

    for (c = r->conds; c != NULL; c = c->next) {
        if (c->type == SF_COND_REGEX) {
            return 0;
        }

        if (!c->pmask_ok) {
            continue;
        }

        switch (c->type) {

        case SF_COND_ANY:
            if (c->n < 1) {
                break;
            }

            /* fall through */

        case SF_COND_TEMPLATE:
            /* none of them there: the condition fails */
            *key = c->pmask;
            return 1;

        case SF_COND_CONTAINS:
        case SF_COND_STARTS:
        case SF_COND_ENDS:
        case SF_COND_EQUALS:
            if (c->pmask != 0) {
                /* all needed: any one of them will do as the key */
                *key = c->pmask & (~c->pmask + 1);
                return 1;
            }

            break;

        default:
            break;
        }
    }

    return 0;
}


/*
 * The raw-text reject's candidates as bit masks (sf_rules.h): a rule whose
 * required phrases are not all there is rejected whatever else, so one of
 * them missing, the rule need not be looked at.
 */
static void
sf_rules_candidates(sf_rules_t *rules)
{
    size_t       t, k, p;
    uint64_t     bit, key;
    sf_rule_t   *r;

    rules->cand_ok = 0;

    if (rules->nrules > 64) {
        return;
    }

    rules->cand_always = 0;
    memset(rules->cand_phrase, 0, sizeof(rules->cand_phrase));
    memset(rules->cand_tag, 0, sizeof(rules->cand_tag));

    for (k = 0; k < rules->nrules; k++) {
        r = rules->rules[k];
        bit = (uint64_t) 1 << k;

        if (r->text_conds && r->req_short && r->nrequired > 0) {
            rules->cand_phrase[r->required[0]] |= bit;

        } else if (sf_rules_cand_key(r, &key)) {
            for (p = 0; p < 64; p++) {
                if (key & ((uint64_t) 1 << p)) {
                    rules->cand_phrase[p] |= bit;
                }
            }

        } else {
            rules->cand_always |= bit;
        }

        for (t = 0; t < SF_TAG_NTAGS; t++) {
            if (r->scope_tag[t] || r->scope_attr) {
                rules->cand_tag[t] |= bit;
            }
        }
    }

    rules->cand_ok = 1;
}


/*
 * For each tag, the rules whose scope may take it: by the tag, or by a
 * class or id.  The matcher then checks only these, still in order.
 */
static int
sf_rules_scoped(sf_rules_t *rules)
{
    size_t          t, k, n, i;
    sf_rule_t      *r;
    sf_cond_t      *c;
    unsigned char   mb[SF_BITS_MIN];

    /* the required phrases as one word, for the common small packs */
    for (k = 0; k < rules->nrules; k++) {
        r = rules->rules[k];
        memset(mb, 0, sizeof(mb));
        r->req_short = 1;

        for (i = 0; i < r->nrequired; i++) {
            if (r->required[i] >= 8 * SF_BITS_MIN) {
                r->req_short = 0;
                break;
            }

            sf_bit_set(mb, r->required[i]);
        }

        memcpy(&r->req_mask, mb, sizeof(mb));

        for (c = r->conds; c != NULL; c = c->next) {
            sf_rules_pmask(c);
        }
    }

    sf_rules_candidates(rules);

    for (t = 0; t < SF_TAG_NTAGS; t++) {
        n = 0;

        for (k = 0; k < rules->nrules; k++) {
            r = rules->rules[k];
            n += r->scope_tag[t] || r->scope_attr;
        }

        rules->scoped[t] = sf_rules_alloc(rules,
                                          (n + 1) * sizeof(sf_rule_t *));
        if (rules->scoped[t] == NULL) {
            return SF_ERROR;
        }

        n = 0;

        for (k = 0; k < rules->nrules; k++) {
            r = rules->rules[k];

            if (r->scope_tag[t] || r->scope_attr) {
                rules->scoped[t][n++] = r;
            }
        }

        rules->nscoped[t] = n;
    }

    return SF_OK;
}


/* The longest literal of a template, trimmed of spaces, if long enough. */
static size_t
sf_template_literal(const sf_template_t *tm, sf_seg_t *out)
{
    size_t          i, len;
    unsigned char  *p;

    out->len = 0;

    for (i = 0; i < tm->nsegs; i++) {
        if (tm->segs[i].type != SF_SEG_TEXT) {
            continue;
        }

        p = tm->segs[i].data;
        len = tm->segs[i].len;

        while (len > 0 && p[0] == ' ') {
            p++;
            len--;
        }

        while (len > 0 && p[len - 1] == ' ') {
            len--;
        }

        if (len > out->len) {
            out->data = p;
            out->len = len;
        }
    }

    return out->len >= SF_LITERAL_MIN ? out->len : 0;
}


/* Conditions, cheapest first: the first failing one ends the rule. */
static int
sf_cond_cost(sf_cond_type_e type)
{
    switch (type) {
    case SF_COND_POSITION:
        return 0;
    case SF_COND_ESCAPED:
    case SF_COND_LINKS:
    case SF_COND_MAX_LENGTH:
        return 1;
    case SF_COND_EQUALS:
    case SF_COND_STARTS:
    case SF_COND_ENDS:
        return 2;
    case SF_COND_CONTAINS:
    case SF_COND_ANY:
        return 3;
    case SF_COND_LINK_TEXT:
    case SF_COND_LINK_HREF:
    case SF_COND_LINK_REL:
    case SF_COND_LINK_CLASS:
        return 4;
    case SF_COND_TEMPLATE:
        return 5;
    case SF_COND_TITLE:
        return 5;
    default:
        return 6;
    }
}


static void
sf_rules_sort_conds(sf_rule_t *r)
{
    sf_cond_t  *c, *next, *sorted, **pp;

    sorted = NULL;

    for (c = r->conds; c != NULL; c = next) {
        next = c->next;

        for (pp = &sorted; *pp != NULL; pp = &(*pp)->next) {
            if (sf_cond_cost((*pp)->type) > sf_cond_cost(c->type)) {
                break;
            }
        }

        c->next = *pp;
        *pp = c;
    }

    r->conds = sorted;
}


/* What a compile needs while it runs. */
typedef struct {
    sf_rules_t           *rules;
    sf_phrase_t          *table;            /* of every phrase */
    size_t                nph;
    unsigned char        *lit;              /* 2 x maxpat: literal, run */
    size_t                maxpat;           /* longest regex pattern */
} sf_compiler_t;


/*
 * What an earlier compile that failed may have left: start again from
 * what the rule texts gave (a regex keeps the literal it was given).
 */
static void
sf_compile_reset(sf_rules_t *rules)
{
    sf_rule_t  *r;

    rules->nselectors = 0;
    rules->nhold_sel = 0;
    rules->cls_bloom = 0;
    rules->id_bloom = 0;
    rules->cls_min = UINT16_MAX;
    rules->title_bound = 0;
    rules->has_title = 0;
    rules->max_max_length = 0;
    memset(rules->hold, 0, sizeof(rules->hold));

    if (rules->prefilter.delta != NULL) {
        rules->memory -= rules->prefilter.memory;
    }

    sf_prefilter_free(&rules->prefilter, &rules->alloc);
    memset(&rules->prefilter, 0, sizeof(sf_prefilter_t));

    for (r = rules->head; r != NULL; r = r->next) {
        r->nrequired = 0;
        r->needs_scan = 0;
        r->scope_attr = 0;
    }
}


/* The tags a rule's selectors take, and what the stream must hold. */
static void
sf_compile_scope(sf_rules_t *rules, sf_rule_t *r)
{
    size_t          i;
    sf_tag_e        t;
    sf_selector_t  *sel;

    if (r->selector_rule) {
        rules->selectors[rules->nselectors++] = r;
    }

    for (i = 0; i < SF_TAG_NTAGS; i++) {
        r->scope_tag[i] = (r->nsel == 0);
    }

    for (i = 0; i < r->nsel; i++) {
        sel = &r->sel[i];
        t = sel->tag;

        if (sel->any) {
            memset(r->scope_tag, 1, SF_TAG_NTAGS);

        } else if (sel->anon) {
            r->scope_tag[SF_TAG_NONE] = 1;

        } else if (sel->cls == NULL && sel->id == NULL) {
            r->scope_tag[t] = 1;

        } else {
            r->scope_attr = 1;
        }

        if (sel->cls != NULL) {
            rules->cls_bloom |= sf_rules_bloom(sel->cls, sel->cls_len);

            if (sel->cls_len < rules->cls_min) {
                rules->cls_min = (uint16_t) sel->cls_len;
            }
        }

        if (sel->id != NULL) {
            rules->id_bloom |= sf_rules_bloom(sel->id, sel->id_len);
        }

        if (sel->cls != NULL || sel->id != NULL) {
            if (!r->selector_rule) {
                rules->hold_sel[rules->nhold_sel++] = sel;
            }

        } else if (t != SF_TAG_NONE) {
            rules->hold[t] = 1;
        }
    }
}


/* A regex: JIT code, and its literal as a required phrase. */
static int
sf_compile_regex(sf_compiler_t *cc, sf_rule_t *r, sf_cond_t *c)
{
    size_t          j;
    unsigned        id;
    unsigned char  *p;

    if (!c->literal) {
        if (!cc->rules->limits.regex_nojit
            && pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE) < 0)
        {
            /* no JIT here: the interpreter will do */
        }

        j = sf_regex_literal(c->phrases[0].data, c->phrases[0].len,
                             cc->lit, cc->lit + cc->maxpat);
        if (j < SF_LITERAL_MIN) {
            return SF_OK;
        }

        p = sf_rules_alloc(cc->rules, j);
        if (p == NULL) {
            return SF_ERROR;
        }

        memcpy(p, cc->lit, j);
        c->phrases[0].data = p;
        c->phrases[0].len = j;
        c->literal = 1;
    }

    sf_rules_phrase_id(cc->table, &cc->nph, c->phrases[0].data,
                       c->phrases[0].len, &id);
    c->phrases[0].id = id;
    r->required[r->nrequired++] = id;
    r->needs_scan = 1;

    return SF_OK;
}


static void
sf_compile_template(sf_compiler_t *cc, sf_rule_t *r, sf_cond_t *c)
{
    size_t     i, j;
    unsigned   id;
    sf_seg_t   lit_seg;

    for (j = 0; j < c->ntmpls; j++) {
        for (i = 0; i < c->tmpls[j].nsegs; i++) {
            if (c->tmpls[j].segs[i].type == SF_SEG_TITLE) {
                cc->rules->has_title = 1;
            }
        }
    }

    /*
     * A template's longest literal must be in the text for it to match,
     * which the prefilter tells before it is tried; with a single
     * template the rule requires it.
     */
    for (j = 0; j < c->ntmpls; j++) {
        if (sf_template_literal(&c->tmpls[j], &lit_seg) == 0) {
            continue;
        }

        sf_rules_phrase_id(cc->table, &cc->nph, lit_seg.data, lit_seg.len,
                           &id);
        c->tmpls[j].lit_id = id;
        c->tmpls[j].has_lit = 1;
        r->needs_scan = 1;

        if (c->ntmpls == 1) {
            r->required[r->nrequired++] = id;
        }
    }
}


/* The phrases of a rule's conditions in the table, and those required. */
static int
sf_compile_phrases(sf_compiler_t *cc, sf_rule_t *r)
{
    size_t      j;
    unsigned    id;
    sf_cond_t  *c;

    /* required phrases: one slot per phrase, plus one per regex */
    j = 1;

    for (c = r->conds; c != NULL; c = c->next) {
        j += c->nphrases + 1;
    }

    r->required = sf_rules_alloc(cc->rules, j * sizeof(unsigned));
    if (r->required == NULL) {
        return SF_ERROR;
    }

    for (c = r->conds; c != NULL; c = c->next) {
        switch (c->type) {

        case SF_COND_CONTAINS:
        case SF_COND_EQUALS:
        case SF_COND_STARTS:
        case SF_COND_ENDS:
        case SF_COND_LINK_TEXT:
        case SF_COND_ANY:
            for (j = 0; j < c->nphrases; j++) {
                sf_rules_phrase_id(cc->table, &cc->nph, c->phrases[j].data,
                                   c->phrases[j].len, &id);
                c->phrases[j].id = id;

                if (c->type != SF_COND_ANY) {
                    r->required[r->nrequired++] = id;
                }
            }

            r->needs_scan = 1;
            break;

        case SF_COND_REGEX:
            if (sf_compile_regex(cc, r, c) != SF_OK) {
                return SF_ERROR;
            }

            break;

        case SF_COND_TITLE:
            cc->rules->has_title = 1;
            break;

        case SF_COND_TEMPLATE:
            sf_compile_template(cc, r, c);
            break;

        default:
            break;
        }
    }

    return SF_OK;
}


/* The rule array, and the room the compile's tables need. */
static int
sf_compile_tables(sf_compiler_t *cc)
{
    size_t        k, total, nreq;
    sf_rule_t    *r;
    sf_cond_t    *c;
    sf_rules_t   *rules;

    rules = cc->rules;
    rules->rules = sf_rules_alloc(rules, (rules->nrules + 1)
                                         * sizeof(sf_rule_t *));
    rules->selectors = sf_rules_alloc(rules, (rules->nrules + 1)
                                             * sizeof(sf_rule_t *));
    if (rules->rules == NULL || rules->selectors == NULL) {
        return SF_ERROR;
    }

    total = 0;
    nreq = 0;
    cc->maxpat = 1;
    k = 0;

    for (r = rules->head; r != NULL; r = r->next) {
        rules->rules[k++] = r;
        total += r->nsel;

        for (c = r->conds; c != NULL; c = c->next) {
            nreq += c->nphrases + c->ntmpls + 1;

            if (c->type == SF_COND_REGEX && c->phrases[0].len > cc->maxpat) {
                cc->maxpat = c->phrases[0].len;
            }
        }
    }

    rules->hold_sel = sf_rules_alloc(rules, (total + 1)
                                            * sizeof(sf_selector_t *));
    cc->table = rules->alloc.alloc(rules->alloc.ctx,
                                   (nreq + 1) * sizeof(sf_phrase_t));
    cc->lit = rules->alloc.alloc(rules->alloc.ctx, 2 * cc->maxpat);

    if (rules->hold_sel == NULL || cc->table == NULL || cc->lit == NULL) {
        return SF_ERROR;
    }

    return SF_OK;
}


int
sf_rules_compile(sf_rules_t *rules, sf_error_t *err)
{
    int            rc, unbounded;
    size_t         i, k;
    sf_rule_t     *r;
    sf_compiler_t  cc;

    static const sf_tag_e  defaults[] = {
        SF_TAG_P, SF_TAG_DIV, SF_TAG_SECTION, SF_TAG_ASIDE, SF_TAG_FOOTER,
        SF_TAG_HEADER, SF_TAG_H1, SF_TAG_H2, SF_TAG_H3, SF_TAG_H4,
        SF_TAG_H5, SF_TAG_H6, SF_TAG_LI, SF_TAG_FIGURE, SF_TAG_FIGCAPTION,
        SF_TAG_TD
    };

    if (err != NULL) {
        memset(err, 0, sizeof(sf_error_t));
    }

    if (rules == NULL || rules->compiled) {
        return SF_ERROR;
    }

    memset(&cc, 0, sizeof(sf_compiler_t));
    cc.rules = rules;
    rc = SF_ERROR;
    unbounded = 0;

    sf_compile_reset(rules);

    if (sf_compile_tables(&cc) != SF_OK) {
        goto nomem;
    }

    /* candidates */
    for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        rules->hold[defaults[i]] = 1;
    }

    for (k = 0; k < rules->nrules; k++) {
        r = rules->rules[k];

        sf_compile_scope(rules, r);

        if (r->title_bound) {
            rules->title_bound = 1;

        } else if (r->max_length > rules->max_max_length) {
            rules->max_max_length = r->max_length;
        }

        if (r->text_conds && r->max_length == 0) {
            unbounded = 1;
        }

        sf_rules_sort_conds(r);

        if (sf_compile_phrases(&cc, r) != SF_OK) {
            goto nomem;
        }
    }

    rules->nphrases = cc.nph;
    rules->text_limit = unbounded ? 0 : rules->max_max_length;

    if (cc.nph > 0) {
        if (sf_prefilter_build(&rules->prefilter, cc.table, cc.nph,
                               rules->limits.max_dfa, &rules->alloc)
            != SF_OK)
        {
            goto nomem;
        }

        rules->memory += rules->prefilter.memory;
    }

    if (sf_reject_anchors(rules, cc.table, cc.nph) != SF_OK
        || sf_rules_scoped(rules) != SF_OK
        || sf_reject_compile(rules) != SF_OK)
    {
        goto nomem;
    }

    rules->compiled = 1;
    rc = SF_OK;
    goto done;

nomem:

    if (err != NULL) {
        snprintf(err->message, sizeof(err->message), "out of memory");
    }

done:

    if (rules->alloc.free != NULL) {
        if (cc.table != NULL) {
            rules->alloc.free(rules->alloc.ctx, cc.table);
        }

        if (cc.lit != NULL) {
            rules->alloc.free(rules->alloc.ctx, cc.lit);
        }
    }

    return rc;
}
