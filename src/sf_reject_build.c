/*
 * sf_reject_build.c: the raw-text reject's anchors, key maps and tables,
 * made once when the rules are compiled (see sf_reject.c for their use).
 *
 * An anchor is a phrase's longest run of [a-z0-9] (5 bytes or more), or
 * for a phrase without one its longest run of 2-byte letters (a wide
 * anchor); a phrase with neither is told by the lead bytes of its first
 * non-ASCII character.  The tables tell, per first-in-entry flag and link
 * count, which rules a block may leave to the full way, as far as the
 * conditions can be told without its text, without hazards, anchors,
 * long anchors or phrase lead bytes.
 */

#include <string.h>

#include "sf_reject.h"
#include "sf_teddy.h"


/*
 * A code point folding may change (sf_reject_leads, sf_reject_keyletters),
 * in UTF-8 and folded.  Folding changes characters below U+0500 and
 * U+1E9E only: the walk goes from U+0080 to U+04FF, then U+1E9E.
 */
typedef struct {
    uint32_t              y;
    unsigned char         in[4];
    size_t                k;                /* bytes of in */
    const unsigned char  *out;              /* in folded */
    size_t                n;                /* bytes of out */
    unsigned char         b0[8];
    unsigned char         b1[8];
} sf_reject_fold_t;


/* The next code point of the walk, folded: 0 after the last. */
static int
sf_reject_fold_next(sf_reject_fold_t *f)
{
    int       ov;
    uint32_t  y;

    if (f->y == 0x1e9e) {
        return 0;
    }

    y = (f->y == 0) ? 0x80 : (f->y == 0x4ff) ? 0x1e9e : f->y + 1;
    f->y = y;

    if (y < 0x800) {
        f->in[0] = (unsigned char) (0xc0 | (y >> 6));
        f->in[1] = (unsigned char) (0x80 | (y & 0x3f));
        f->k = 2;

    } else {
        f->in[0] = (unsigned char) (0xe0 | (y >> 12));
        f->in[1] = (unsigned char) (0x80 | ((y >> 6) & 0x3f));
        f->in[2] = (unsigned char) (0x80 | (y & 0x3f));
        f->k = 3;
    }

    f->out = sf_normalize(f->in, f->k, f->b0, f->b1, sizeof(f->b0),
                          SF_FOLD_ALL, &f->n, &ov);

    return 1;
}


/*
 * The lead bytes, as a mask of bit (lead - 0xc0), of every character that
 * folds to one starting with the phrase's first non-ASCII byte; 0 when
 * there is no such byte.  Folding changes characters below U+0500 and
 * U+1E9E only; any other keeps its lead byte.  folds[] holds, by the lead
 * byte a character folds to, the lead bytes it may come from: filled at
 * the first call (*folded clear), as it is the same for every phrase.
 */
static uint64_t
sf_reject_leads(const unsigned char *d, size_t len, uint64_t *folds,
    int *folded)
{
    size_t            i;
    unsigned char     lead;
    sf_reject_fold_t  f;

    for (i = 0; i < len && d[i] < 0x80; i++) {
        /* void */
    }

    if (i == len || d[i] < 0xc0) {
        /* ASCII only, or a cut character: nothing to tell by */
        return 0;
    }

    lead = d[i];

    f.y = 0;

    while (!*folded && sf_reject_fold_next(&f)) {
        /* a lead byte is told by its low 6 bits */
        if (f.n > 0 && f.out[0] >= 0xc0) {
            folds[f.out[0] & 63] |= (uint64_t) 1 << (f.in[0] & 63);
        }
    }

    *folded = 1;

    return ((uint64_t) 1 << (lead & 63)) | folds[lead & 63];
}


/*
 * The keys of the anchors of min bytes or more, at the stride their
 * shortest allows, listed by bucket (a counting sort), and their bits in
 * the map.
 */
static int
sf_reject_keys(sf_rules_t *rules, size_t min, sf_anchor_set_t *set)
{
    size_t                i, k, n, stride, b;
    uint32_t              key, h, *first;
    sf_anchor_t          *a;
    sf_anchor_key_t      *keys;

    stride = SF_ANCHOR_STRIDE;
    n = 0;
    set->minlen = (size_t) -1;

    for (i = 0; i < rules->nanchors; i++) {
        if (rules->anchors[i].len < min) {
            continue;
        }

        n++;

        if (rules->anchors[i].len < set->minlen) {
            set->minlen = rules->anchors[i].len;
        }

        if (rules->anchors[i].len - 3 < stride) {
            stride = rules->anchors[i].len - 3;
        }
    }

    set->nanchors = n;
    set->stride = stride;
    n *= stride;

    /* the keys of a 16-byte load: offsets 0, stride, ... up to 12 */
    set->lane = 12 / stride + 1 < 4 ? 12 / stride + 1 : 4;
    memset(set->ctl, 0x80, sizeof(set->ctl));

    for (k = 0; k < 4 * set->lane; k++) {
        set->ctl[k] = (unsigned char) ((k / 4) * stride + k % 4);
        set->ctl[16 + k] = set->ctl[k];
    }

    set->map = sf_rules_alloc(rules, SF_ANCHOR_MAP_SIZE);
    set->keys = sf_rules_alloc(rules, (n + 1) * sizeof(sf_anchor_key_t));
    set->first = sf_rules_alloc(rules,
                                (SF_ANCHOR_BUCKETS + 1) * sizeof(uint32_t));

    if (set->map == NULL || set->keys == NULL || set->first == NULL) {
        set->map = NULL;
        return SF_ERROR;
    }

    first = set->first;
    keys = set->keys;
    memset(set->map, 0, SF_ANCHOR_MAP_SIZE);
    memset(first, 0, (SF_ANCHOR_BUCKETS + 1) * sizeof(uint32_t));

    /* counts per bucket, then where each bucket ends, then fill back */
    for (i = 0; i < rules->nanchors; i++) {
        a = &rules->anchors[i];

        for (k = 0; a->len >= min && k < stride; k++) {
            h = sf_anchor_hash(sf_anchor_key(a->data + k));
            set->map[h] = 1;
            first[h >> (SF_ANCHOR_BITS - 8)]++;
        }
    }

    for (b = 1; b <= SF_ANCHOR_BUCKETS; b++) {
        first[b] += first[b - 1];
    }

    for (i = 0; i < rules->nanchors; i++) {
        a = &rules->anchors[i];

        for (k = 0; a->len >= min && k < stride; k++) {
            key = sf_anchor_key(a->data + k);
            b = --first[sf_anchor_hash(key) >> (SF_ANCHOR_BITS - 8)];
            keys[b].key = key;
            keys[b].off = (unsigned) k;
            keys[b].anchor = a;
        }
    }

    return SF_OK;
}


/*
 * The 2-byte letters (U+0080-U+07FF) of which raw text can hold only a
 * 2-byte letter with the same continuation byte, bit 0x20 aside: each
 * character that folds to one (folding changes those below U+0500 and
 * U+1E9E only) is 2-byte with such a continuation.  ok[] gets a byte per
 * code point below U+0800.
 */
static void
sf_reject_keyletters(unsigned char *ok)
{
    uint32_t          y, x;
    sf_reject_fold_t  f;

    memset(ok, 0, 0x800);

    for (y = 0x80; y < 0x800; y++) {
        ok[y] = 1;
    }

    f.y = 0;

    while (sf_reject_fold_next(&f)) {

        /* what y becomes must not be a key letter unless y looks like it */
        if (f.n == 2 && f.out[0] >= 0xc2 && f.out[0] <= 0xdf) {
            x = ((uint32_t) (f.out[0] & 0x1f) << 6) | (f.out[1] & 0x3f);

            if (f.k != 2 || ((f.in[1] ^ f.out[1]) & 0xdf) != 0) {
                ok[x] = 0;
            }
        }

        /* and y itself, when it does not stay as it is */
        if (f.k == 2
            && (f.n != 2 || f.out[0] != f.in[0] || f.out[1] != f.in[1]))
        {
            ok[f.y] = 0;
        }
    }
}


/*
 * The wide anchor of a phrase (sf_rules.h), its longest run of key letters
 * of 3 letters or more.  Returns 0 when it has none.
 */
static int
sf_reject_wide_of(sf_rules_t *rules, const unsigned char *ok,
    const unsigned char *d, size_t len, unsigned phrase)
{
    size_t      i, start, run, best, blen;
    uint32_t    x;
    sf_wide_t  *w;

    best = 0;
    blen = 0;
    run = 0;
    start = 0;

    i = 0;

    while (i < len) {
        if (i + 1 < len && d[i] >= 0xc2 && d[i] <= 0xdf
            && (d[i + 1] & 0xc0) == 0x80)
        {
            x = ((uint32_t) (d[i] & 0x1f) << 6) | (d[i + 1] & 0x3f);

            if (ok[x]) {
                if (run == 0) {
                    start = i;
                }

                run++;
                i += 2;

                if (run > blen) {
                    blen = run;
                    best = start;
                }

                continue;
            }
        }

        run = 0;
        i++;
    }

    if (blen < 3) {
        return 0;
    }

    w = &rules->wide[rules->nwide];
    w->keys = sf_rules_alloc(rules, blen);
    if (w->keys == NULL) {
        return -1;
    }

    for (i = 0; i < blen; i++) {
        w->keys[i] = d[best + 2 * i + 1] & 0xdf;
    }

    /* a capital may have another lead byte (Cyrillic): any 2-byte lead */
    rules->wide_leads = ((uint64_t) 1 << 32) - ((uint64_t) 1 << 2);

    w->phrase = phrase;
    w->n = (unsigned) blen;
    rules->nwide++;

    return 1;
}


/* The wide anchors' keys in the map, at the stride the shortest allows. */
static void
sf_reject_wide_map(sf_rules_t *rules)
{
    size_t      i, j, key;
    sf_wide_t  *w;

    rules->wide_stride = 4;

    for (i = 0; i < rules->nwide; i++) {
        if (rules->wide[i].n - 1 < rules->wide_stride) {
            rules->wide_stride = rules->wide[i].n - 1;
        }
    }

    for (i = 0; i < rules->nwide; i++) {
        w = &rules->wide[i];

        for (j = 0; j < rules->wide_stride; j++) {
            key = sf_wide_key(w->keys[j], w->keys[j + 1]);
            rules->wide_map[key >> 3] |= (unsigned char) (1u << (key & 7));
        }
    }
}


/* Anchors of the phrases for the raw-text reject (see sf_rules.h). */
int
sf_reject_anchors(sf_rules_t *rules, const sf_phrase_t *table, size_t nph)
{
    int                   folded, rc;
    size_t                i, j, start, best, blen;
    unsigned char        *ok;
    uint32_t              key;
    uint64_t              folds[64];
    sf_anchor_t          *a;
    const unsigned char  *d;

    folded = 0;
    memset(folds, 0, sizeof(folds));

    rules->anchors = sf_rules_alloc(rules, (nph + 1) * sizeof(sf_anchor_t));
    rules->anchor_leads = sf_rules_alloc(rules, (nph + 1) * sizeof(uint64_t));
    rules->anchor_free = sf_rules_alloc(rules, sf_bits_size(nph));
    rules->anchor_short = sf_rules_alloc(rules, sf_bits_size(nph));
    rules->wide = sf_rules_alloc(rules, (nph + 1) * sizeof(sf_wide_t));
    rules->wide_map = sf_rules_alloc(rules, SF_WIDE_MAP);
    rules->lead_phrases = sf_rules_alloc(rules, (nph + 1) * sizeof(unsigned));
    ok = rules->alloc.alloc(rules->alloc.ctx, 0x800);

    if (rules->anchors == NULL || rules->anchor_free == NULL
        || rules->anchor_short == NULL || rules->anchor_leads == NULL
        || rules->wide == NULL || rules->wide_map == NULL
        || rules->lead_phrases == NULL || ok == NULL)
    {
        if (ok != NULL && rules->alloc.free != NULL) {
            rules->alloc.free(rules->alloc.ctx, ok);
        }

        return SF_ERROR;
    }

    sf_reject_keyletters(ok);
    memset(rules->wide_map, 0, SF_WIDE_MAP);
    rules->nwide = 0;
    rules->wide_leads = 0;

    memset(rules->anchor_leads, 0, (nph + 1) * sizeof(uint64_t));

    memset(rules->anchor_free, 0, sf_bits_size(nph));
    memset(rules->anchor_short, 0, sf_bits_size(nph));
    rules->nanchors = 0;
    rules->nlead_phrases = 0;


    for (i = 0; i < nph; i++) {
        d = table[i].data;
        best = 0;
        blen = 0;
        start = 0;

        for (j = 0; j <= table[i].len; j++) {
            if (j < table[i].len
                && ((d[j] >= 'a' && d[j] <= 'z')
                    || (d[j] >= '0' && d[j] <= '9')))
            {
                continue;
            }

            if (j - start > blen) {
                best = start;
                blen = j - start;
            }

            start = j + 1;
        }

        if (blen < 5) {
            /* a run of letters of another script, if any, instead */
            rc = sf_reject_wide_of(rules, ok, d, table[i].len, (unsigned) i);

            if (rc < 0) {
                break;
            }

            if (rc > 0) {
                sf_bit_set(rules->anchor_short, i);
                continue;
            }

            sf_bit_set(rules->anchor_free, i);
            rules->anchor_leads[i] = sf_reject_leads(d, table[i].len, folds,
                                                     &folded);

            if (rules->anchor_leads[i] != 0) {
                rules->lead_phrases[rules->nlead_phrases++] = (unsigned) i;
            }
            continue;
        }

        if (blen < SF_ANCHOR_LONG) {
            sf_bit_set(rules->anchor_short, i);
        }

        a = &rules->anchors[rules->nanchors++];
        a->phrase = (unsigned) i;
        a->data = d + best;
        a->len = blen;
        memcpy(&key, a->data, 4);
        a->key = key | 0x20202020u;
        memcpy(&key, a->data + 1, 4);
        a->key1 = key | 0x20202020u;
    }

    if (rules->alloc.free != NULL) {
        rules->alloc.free(rules->alloc.ctx, ok);
    }

    if (i < nph) {
        return SF_ERROR;
    }

    memset(&rules->anchor_long, 0, sizeof(sf_anchor_set_t));
    memset(&rules->teddy, 0, sizeof(sf_teddy_t));
    sf_teddy_use(rules, 1);

    if (sf_reject_keys(rules, 0, &rules->anchor_all) != SF_OK) {
        return SF_ERROR;
    }

    sf_reject_wide_map(rules);

    /* no anchor fits a text shorter than the shortest, wide ones too */
    for (i = 0; i < rules->nwide; i++) {
        if (2 * (size_t) rules->wide[i].n < rules->anchor_all.minlen) {
            rules->anchor_all.minlen = 2 * (size_t) rules->wide[i].n;
        }
    }

    /* a longer stride only when there are shorter anchors to leave out */
    for (i = 0; i < rules->nanchors; i++) {
        if (rules->anchors[i].len < SF_ANCHOR_LONG) {
            if (sf_reject_keys(rules, SF_ANCHOR_LONG, &rules->anchor_long)
                != SF_OK)
            {
                return SF_ERROR;
            }

            return sf_teddy_build(rules);
        }
    }

    return SF_OK;
}



/*
 * What sf_reject_cond() can tell of a condition before the block is seen:
 * nl links (at least nl when atleast), first in the entry or not, bits
 * (and maybe, their first word) the phrases that may be there; with
 * hazard, a text that may hold anything.  Never SF_PRE_FALSE where
 * sf_reject_cond(), or the full way for hazard, could say otherwise.
 */
static int
sf_reject_static_cond(const sf_cond_t *c, size_t nl, int atleast,
    unsigned first, const unsigned char *bits, uint64_t maybe, int hazard)
{
    int       bl, rc;
    long      n1;
    size_t    i, n;

    if (c->type == SF_COND_POSITION) {
        return first ? SF_PRE_TRUE : SF_PRE_FALSE;
    }

    if (c->type == SF_COND_REGEX) {
        return SF_PRE_UNKNOWN;
    }

    if (hazard) {
        return SF_PRE_MAYBE;
    }

    /* the length of the text is not known yet */
    rc = sf_reject_mask(c, maybe, 0);

    if (rc != -1) {
        return rc;
    }

    /* link N: there for sure, or not at all, or not known */
    n1 = c->n < 0 ? -c->n : c->n;
    bl = n1 > 0 && (size_t) n1 <= nl;

    if (atleast && n1 > 0 && (size_t) n1 > nl) {
        bl = -1;
    }

    switch (c->type) {

    case SF_COND_ESCAPED:
        return SF_PRE_FALSE;

    case SF_COND_LINKS:
        n = (size_t) c->n;

        if (atleast && n >= nl) {
            return SF_PRE_MAYBE;
        }

        return (c->op == SF_OP_EQ ? nl == n
                : c->op == SF_OP_GE ? nl >= n
                : nl <= n) ? SF_PRE_TRUE : SF_PRE_FALSE;

    case SF_COND_LINK_HREF:
    case SF_COND_LINK_REL:
    case SF_COND_LINK_CLASS:
        return bl == 0 ? SF_PRE_FALSE : SF_PRE_MAYBE;

    case SF_COND_LINK_TEXT:
        if (bl == 0) {
            return SF_PRE_FALSE;
        }

        /* fall through */

    case SF_COND_EQUALS:
    case SF_COND_CONTAINS:
    case SF_COND_STARTS:
    case SF_COND_ENDS:
        for (i = 0; i < c->nphrases; i++) {
            if (!sf_bit_test(bits, c->phrases[i].id)) {
                return SF_PRE_FALSE;
            }
        }

        return SF_PRE_MAYBE;

    case SF_COND_ANY:
        n = 0;

        for (i = 0; i < c->nphrases; i++) {
            if (sf_bit_test(bits, c->phrases[i].id)) {
                n++;
            }
        }

        return n >= (size_t) c->n ? SF_PRE_MAYBE : SF_PRE_FALSE;

    case SF_COND_TEMPLATE:
        for (i = 0; i < c->ntmpls; i++) {
            if (!c->tmpls[i].has_lit
                || sf_bit_test(bits, c->tmpls[i].lit_id))
            {
                return SF_PRE_MAYBE;
            }
        }

        return SF_PRE_FALSE;

    default:
        return SF_PRE_MAYBE;
    }
}


/* Whether sf_reject_rules() may not reject rule k (see above). */
static int
sf_reject_static_rule(const sf_rules_t *rules, size_t k, size_t nl,
    int atleast, unsigned first, const unsigned char *bits, int hazard)
{
    int               rc;
    uint64_t          maybe, cand, m;
    const sf_rule_t  *r;
    const sf_cond_t  *c;

    r = rules->rules[k];
    memcpy(&maybe, bits, sizeof(maybe));

    if (!hazard) {
        cand = rules->cand_always;

        for (m = maybe; m != 0; m &= m - 1) {
            cand |= rules->cand_phrase[sf_ctz64(m)];
        }

        if ((cand & ((uint64_t) 1 << k)) == 0) {
            return 0;
        }

        if (r->text_conds && !sf_rule_has_required(r, bits)) {
            return 0;
        }
    }

    for (c = r->conds; c != NULL; c = c->next) {
        rc = sf_reject_static_cond(c, nl, atleast, first, bits, maybe,
                                   hazard);

        if (rc == SF_PRE_FALSE) {
            return 0;
        }

        if (rc == SF_PRE_UNKNOWN) {
            return 1;
        }
    }

    return 1;
}


/* Rule bit cannot fire on a text keeping more than max bytes. */
static void
sf_reject_lo_add(sf_rules_t *rules, size_t max, uint64_t bit)
{
    size_t  j, k;

    for (j = 0; j < rules->rej_lo_n && rules->rej_lo_val[j] < max; j++) {
        /* void */
    }

    if (j == rules->rej_lo_n || rules->rej_lo_val[j] != max) {
        for (k = rules->rej_lo_n; k > j; k--) {
            rules->rej_lo_val[k] = rules->rej_lo_val[k - 1];
            rules->rej_lo_mask[k] = rules->rej_lo_mask[k - 1];
        }

        rules->rej_lo_val[j] = max;
        rules->rej_lo_mask[j] = j > 0 ? rules->rej_lo_mask[j - 1] : 0;
        rules->rej_lo_n++;
    }

    /* in the masks of its value and every greater one */
    for (k = j; k < rules->rej_lo_n; k++) {
        rules->rej_lo_mask[k] |= bit;
    }
}


/*
 * The names of a rule's selectors in the blooms of the tags each may take:
 * its own, or every one (anonymous blocks too) when it names none ("*",
 * "anon" or a tag alone put the rule in rej_tag[] instead); and whether
 * a name is one the bloom of class tokens would not see.
 */
static void
sf_reject_names(sf_rules_t *rules, const sf_rule_t *r)
{
    size_t                i, s, t;
    uint64_t              bits;
    const sf_selector_t  *sel;

    for (s = 0; s < r->nsel; s++) {
        sel = &r->sel[s];

        for (i = 0; i < sel->cls_len; i++) {
            rules->rej_nobloom |= sel->cls[i] <= ' ';
        }

        rules->rej_nobloom |= sel->id != NULL && sel->id_len == 0;
        rules->rej_nobloom |= sel->cls != NULL && sel->cls_len == 0;

        if (sel->any || sel->anon || (sel->cls == NULL && sel->id == NULL))
        {
            continue;
        }

        bits = 0;

        if (sel->cls != NULL && sel->cls_len > 0) {
            bits |= sf_rules_bloom(sel->cls, sel->cls_len);
        }

        if (sel->id != NULL && sel->id_len > 0) {
            bits |= sf_rules_bloom(sel->id, sel->id_len);
        }

        for (t = 0; t < SF_TAG_NTAGS; t++) {
            if (sel->tag == SF_TAG_NONE || sel->tag == (sf_tag_e) t) {
                rules->rej_bloom[t] |= bits;
            }
        }
    }
}


/*
 * The reject's tables (sf_rules.h): per first-in-entry and link count, the
 * rules a block may leave unrejected, for a text that may hold anything,
 * for one without hazards and for one without hazards or anchors.
 */
int
sf_reject_compile(sf_rules_t *rules)
{
    size_t          k, n, nb, nl, i;
    unsigned        first;
    uint64_t        bit;
    sf_rule_t      *r;
    unsigned char  *all, *none, *shrt, *plain, *lplain;

    rules->rej_ok = 0;

    if (!rules->cand_ok || rules->anchor_free == NULL) {
        return SF_OK;
    }

    nb = sf_bits_size(rules->nphrases);
    all = rules->alloc.alloc(rules->alloc.ctx, 5 * nb);
    if (all == NULL) {
        return SF_ERROR;
    }

    none = all + nb;
    shrt = all + 2 * nb;
    plain = all + 3 * nb;
    lplain = all + 4 * nb;
    memset(all, 0xff, nb);
    memcpy(none, rules->anchor_free, nb);

    /* no long anchor there: the phrases with none, or a shorter one */
    for (i = 0; i < nb; i++) {
        shrt[i] = rules->anchor_free[i] | rules->anchor_short[i];
    }

    /* without the leads: nor a phrase that needs a non-ASCII lead */
    sf_reject_bits(rules, 0, plain);
    rules->lead_mask = 0;

    for (i = 0; i < nb; i++) {
        lplain[i] = shrt[i] & (plain[i] | rules->anchor_short[i]);
    }

    for (i = 0; i < rules->nlead_phrases; i++) {
        rules->lead_mask |= rules->anchor_leads[rules->lead_phrases[i]];
    }

    memset(rules->rej_any, 0, sizeof(rules->rej_any));
    memset(rules->rej_all, 0, sizeof(rules->rej_all));
    memset(rules->rej_none, 0, sizeof(rules->rej_none));
    memset(rules->rej_long, 0, sizeof(rules->rej_long));
    memset(rules->rej_plain, 0, sizeof(rules->rej_plain));
    memset(rules->rej_long_plain, 0, sizeof(rules->rej_long_plain));
    memset(rules->rej_tag, 0, sizeof(rules->rej_tag));
    memset(rules->rej_bloom, 0, sizeof(rules->rej_bloom));
    rules->rej_attr = 0;
    rules->rej_nobloom = 0;
    rules->rej_lo_n = 0;

    for (k = 0; k < rules->nrules; k++) {
        r = rules->rules[k];
        bit = (uint64_t) 1 << k;

        if (r->text_conds && r->max_length != 0) {
            sf_reject_lo_add(rules, r->max_length, bit);
        }

        for (i = 0; i < SF_TAG_NTAGS; i++) {
            if (r->scope_tag[i]) {
                rules->rej_tag[i] |= bit;
            }
        }

        if (r->scope_attr) {
            rules->rej_attr |= bit;
        }

        sf_reject_names(rules, r);

        for (first = 0; first < 2; first++) {
            if (sf_reject_static_rule(rules, k, 0, 1, first, all, 1)) {
                rules->rej_any[first] |= bit;
            }

            for (nl = 0; nl < SF_REJECT_NLC; nl++) {
                n = nl == SF_REJECT_NLC - 1;

                if (sf_reject_static_rule(rules, k, nl, (int) n, first, all,
                                          0))
                {
                    rules->rej_all[nl][first] |= bit;
                }

                if (sf_reject_static_rule(rules, k, nl, (int) n, first, none,
                                          0))
                {
                    rules->rej_none[nl][first] |= bit;
                }

                if (sf_reject_static_rule(rules, k, nl, (int) n, first, shrt,
                                          0))
                {
                    rules->rej_long[nl][first] |= bit;
                }

                if (sf_reject_static_rule(rules, k, nl, (int) n, first,
                                          plain, 0))
                {
                    rules->rej_plain[nl][first] |= bit;
                }

                if (sf_reject_static_rule(rules, k, nl, (int) n, first,
                                          lplain, 0))
                {
                    rules->rej_long_plain[nl][first] |= bit;
                }
            }
        }
    }

    if (rules->alloc.free != NULL) {
        rules->alloc.free(rules->alloc.ctx, all);
    }

    /* whatever lead bytes a short text has (sf_reject_short()) */
    for (nl = 0; nl < SF_REJECT_NLC; nl++) {
        for (first = 0; first < 2; first++) {
            rules->rej_short[nl][first] = rules->rej_all[nl][first]
                                          & (rules->rej_plain[nl][first]
                                             | rules->rej_none[nl][first]);
        }
    }

    for (i = 0; i < SF_REJECT_LO_TAB; i++) {
        for (k = 0; k < rules->rej_lo_n && rules->rej_lo_val[k] < i; k++) {
            /* void */
        }

        rules->rej_lo_k[i] = (unsigned char) k;
    }

    rules->rej_ok = 1;

    return SF_OK;
}
