/*
 * sf_rules_parse.c: the rule language (conf/rules/README.md), read line by
 * line into rules, conditions and phrases (sf_rules.h).
 *
 * Regexes are compiled as they are read so that their errors point at the
 * line; phrases and template literals are normalized as the text they are
 * matched against will be.  Directives are looked up in a table.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_rules.h"
#include "sf_normalize.h"


#define SF_MAX_TOKENS   64


typedef struct {
    const char           *raw;              /* in the line */
    size_t                raw_len;
    unsigned char        *val;              /* unescaped (scratch) */
    size_t                len;
    unsigned              column;
    unsigned              quoted:1;
} sf_token_t;


typedef struct {
    sf_rules_t           *rules;
    sf_error_t           *err;
    unsigned              line;

    sf_token_t            tok[SF_MAX_TOKENS];
    size_t                ntok;

    /* scratch of the text length, three times: tokens, normalization */
    unsigned char        *scratch;
    size_t                scratch_used;
    unsigned char        *norm0;
    unsigned char        *norm1;
    size_t                cap;

    sf_rule_t            *cur;
} sf_parser_t;


/*
 * The directives inside a rule, each read by its handler once the count
 * of its arguments is right (conf/rules/README.md).  A directive whose
 * first argument is a number has it read before its handler runs, and
 * set as the n of the condition the handler adds.
 */
typedef struct sf_directive_s  sf_directive_t;

typedef int (*sf_directive_pt)(sf_parser_t *ps, const sf_directive_t *dir,
    sf_cond_t **c);

/* What the first argument of a directive is. */
typedef enum {
    SF_DIR_NO_NUMBER = 0,       /* 0 in the table */
    SF_DIR_COUNT,               /* any N: 1 to the number of phrases */
    SF_DIR_LINK,                /* link-*: the link's index */
    SF_DIR_LENGTH               /* max-length: 1 to 100,000,000 */
} sf_dir_number_e;

struct sf_directive_s {
    const char           *name;
    size_t                min;              /* arguments */
    size_t                max;
    sf_cond_type_e        type;             /* of the condition it adds */
    sf_dir_number_e       number;
    sf_directive_pt       handler;
};


static int sf_dir_flag(sf_parser_t *ps, const sf_directive_t *dir,
    sf_cond_t **c);


static int sf_rules_error(sf_parser_t *ps, unsigned column,
    const char *fmt, ...)
#ifdef __GNUC__
    __attribute__ ((format (printf, 3, 4)))
#endif
    ;


/* ---- errors and tokens ---------------------------------------------- */

static int
sf_rules_error(sf_parser_t *ps, unsigned column, const char *fmt, ...)
{
    va_list  args;

    if (ps->err != NULL) {
        ps->err->line = ps->line;
        ps->err->column = column;

        va_start(args, fmt);
        vsnprintf(ps->err->message, sizeof(ps->err->message), fmt, args);
        va_end(args);
    }

    return SF_ERROR;
}


static int
sf_rules_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}


/* Splits one line into tokens; quoted values are unescaped to scratch. */
static int
sf_rules_tokenize(sf_parser_t *ps, const char *line, size_t len)
{
    size_t          i, start;
    unsigned char  *v;
    sf_token_t     *t;

    ps->ntok = 0;
    ps->scratch_used = 0;
    i = 0;

    for ( ;; ) {
        while (i < len && sf_rules_space(line[i])) {
            i++;
        }

        if (i == len || line[i] == '#') {
            return SF_OK;
        }

        if (ps->ntok == SF_MAX_TOKENS) {
            return sf_rules_error(ps, (unsigned) i + 1, "too many arguments");
        }

        t = &ps->tok[ps->ntok++];
        t->column = (unsigned) i + 1;
        t->raw = line + i;
        start = i;

        if (line[i] != '"') {
            while (i < len && !sf_rules_space(line[i]) && line[i] != '#') {
                i++;
            }

            t->quoted = 0;
            t->raw_len = i - start;
            t->val = (unsigned char *) (uintptr_t) t->raw;
            t->len = t->raw_len;
            continue;
        }

        t->quoted = 1;
        v = ps->scratch + ps->scratch_used;
        t->val = v;
        i++;

        for ( ;; ) {
            if (i == len) {
                return sf_rules_error(ps, t->column, "unterminated string");
            }

            if (line[i] == '"') {
                i++;
                break;
            }

            if (line[i] == '\\' && i + 1 < len
                && (line[i + 1] == '"' || line[i + 1] == '\\'))
            {
                i++;
            }

            *v++ = (unsigned char) line[i++];
        }

        t->len = v - t->val;
        t->raw_len = i - start;
        ps->scratch_used += t->len;

        if (i < len && !sf_rules_space(line[i]) && line[i] != '#') {
            return sf_rules_error(ps, (unsigned) i + 1,
                                  "unexpected character after string");
        }
    }
}


static int
sf_token_is(const sf_token_t *t, const char *s)
{
    return !t->quoted && t->len == strlen(s) && memcmp(t->val, s, t->len) == 0;
}


static int
sf_rules_number(sf_parser_t *ps, const sf_token_t *t, long min, long max,
    long *n)
{
    int     neg;
    long    v;
    size_t  i;

    i = 0;
    neg = 0;
    v = 0;

    if (!t->quoted && t->len > 0 && t->val[0] == '-') {
        neg = 1;
        i = 1;
    }

    if (t->quoted || i == t->len || t->len - i > 9) {
        goto bad;
    }

    for ( /* void */ ; i < t->len; i++) {
        if (t->val[i] < '0' || t->val[i] > '9') {
            goto bad;
        }

        v = v * 10 + (t->val[i] - '0');
    }

    if (neg) {
        v = -v;
    }

    if (v < min || v > max) {
        goto bad;
    }

    *n = v;

    return SF_OK;

bad:

    return sf_rules_error(ps, t->column, "bad number \"%.*s\"",
                          (int) t->raw_len, t->raw);
}


static int
sf_rules_args(sf_parser_t *ps, size_t min, size_t max)
{
    const sf_token_t  *d;

    d = &ps->tok[0];

    if (ps->ntok - 1 < min) {
        return sf_rules_error(ps, d->column, "\"%.*s\": missing argument",
                              (int) d->len, d->val);
    }

    if (ps->ntok - 1 > max) {
        return sf_rules_error(ps, ps->tok[max + 1].column,
                              "\"%.*s\": unexpected argument \"%.*s\"",
                              (int) d->len, d->val,
                              (int) ps->tok[max + 1].raw_len,
                              ps->tok[max + 1].raw);
    }

    return SF_OK;
}


/* ---- conditions ----------------------------------------------------- */

static sf_cond_t *
sf_rules_cond(sf_parser_t *ps, sf_cond_type_e type, size_t nphrases)
{
    sf_cond_t  *c;

    c = sf_rules_alloc(ps->rules, sizeof(sf_cond_t));
    if (c == NULL) {
        return NULL;
    }

    memset(c, 0, sizeof(sf_cond_t));
    c->type = type;
    c->line = ps->line;
    c->column = ps->tok[0].column;

    if (nphrases > 0) {
        c->phrases = sf_rules_alloc(ps->rules,
                                    nphrases * sizeof(sf_rule_phrase_t));
        if (c->phrases == NULL) {
            return NULL;
        }
    }

    *ps->cur->conds_last = c;
    ps->cur->conds_last = &c->next;

    return c;
}


static int
sf_rules_phrase(sf_parser_t *ps, const sf_token_t *t, sf_rule_phrase_t *ph)
{
    int                   overflow;
    size_t                len;
    const unsigned char  *p;

    if (!t->quoted) {
        return sf_rules_error(ps, t->column, "expected a quoted phrase, "
                              "not \"%.*s\"", (int) t->raw_len, t->raw);
    }

    p = sf_normalize(t->val, t->len, ps->norm0, ps->norm1, ps->cap,
                     SF_FOLD_CASE | SF_FOLD_PUNCT, &len, &overflow);

    if (len == 0) {
        return sf_rules_error(ps, t->column, "empty phrase");
    }

    ph->data = sf_rules_alloc(ps->rules, len);
    if (ph->data == NULL) {
        return sf_rules_error(ps, t->column, "out of memory");
    }

    memcpy(ph->data, p, len);
    ph->len = len;

    return SF_OK;
}


/* "contains", "equals", "starts", "ends": phrases from token first. */
static int
sf_rules_phrases(sf_parser_t *ps, sf_cond_type_e type, size_t first,
    sf_cond_t **cond)
{
    size_t      i;
    sf_cond_t  *c;

    c = sf_rules_cond(ps, type, ps->ntok - first);
    if (c == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    for (i = first; i < ps->ntok; i++) {
        if (sf_rules_phrase(ps, &ps->tok[i], &c->phrases[c->nphrases])
            != SF_OK)
        {
            return SF_ERROR;
        }

        c->nphrases++;
    }

    if (cond != NULL) {
        *cond = c;
    }

    return SF_OK;
}


static int
sf_rules_regex(sf_parser_t *ps, const sf_directive_t *dir,
    sf_cond_t **cond)
{
    int          rc;
    uint32_t     options;
    sf_cond_t   *c;
    PCRE2_SIZE   off;
    sf_token_t  *t;
    PCRE2_UCHAR  msg[120];

    (void) dir;
    (void) cond;

    t = &ps->tok[1];

    if (!t->quoted) {
        return sf_rules_error(ps, t->column, "regex: expected a quoted "
                              "pattern");
    }

    c = sf_rules_cond(ps, SF_COND_REGEX, 0);
    if (c == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    options = PCRE2_UTF;
#ifdef PCRE2_MATCH_INVALID_UTF
    /* text with invalid UTF-8 bytes is matched, never refused */
    options |= PCRE2_MATCH_INVALID_UTF;
#endif

    c->re = pcre2_compile((PCRE2_SPTR) t->val, t->len, options, &rc, &off,
                          ps->rules->pcre_cctx);

    if (c->re == NULL) {
        if (rc == PCRE2_ERROR_NOMEMORY) {
            return sf_rules_error(ps, ps->tok[0].column, "out of memory");
        }

        pcre2_get_error_message(rc, msg, sizeof(msg));

        return sf_rules_error(ps, ps->tok[0].column, "regex: %s at offset %lu",
                              (char *) msg, (unsigned long) off);
    }

    /* the pattern text is needed again for the prefilter literal */
    c->phrases = sf_rules_alloc(ps->rules, sizeof(sf_rule_phrase_t));
    if (c->phrases == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    c->phrases[0].data = sf_rules_alloc(ps->rules, t->len + 1);
    if (c->phrases[0].data == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    memcpy(c->phrases[0].data, t->val, t->len);
    c->phrases[0].data[t->len] = '\0';
    c->phrases[0].len = t->len;

    /* nphrases stays 0: the pattern is not a phrase of the text */

    return SF_OK;
}


/*
 * The placeholder of a template at t->val[end] ('%'): %N, %-N, %t or %*,
 * made the next segment of tm.  Returns the offset after it, 0 on error.
 */
static size_t
sf_rules_placeholder(sf_parser_t *ps, const sf_token_t *t, sf_template_t *tm,
    size_t end)
{
    int                   neg;
    long                  n;
    size_t                i;
    sf_seg_t             *s;
    const unsigned char  *v;

    v = t->val;
    s = &tm->segs[tm->nsegs];
    s->data = NULL;
    s->len = 0;
    s->n = 0;
    i = end + 1;

    if (i < t->len && v[i] == 't') {
        s->type = SF_SEG_TITLE;
        tm->bound += SF_TITLE_MAX;
        return i + 1;
    }

    if (i < t->len && v[i] == '*') {
        s->type = SF_SEG_ANY;
        tm->bound += SF_SLOT_MAX;
        return i + 1;
    }

    n = 0;
    neg = (i < t->len && v[i] == '-');
    i += neg;

    while (i < t->len && v[i] >= '0' && v[i] <= '9' && n < 1000) {
        n = n * 10 + (v[i++] - '0');
    }

    if (n == 0 || n > 1000 || (i < t->len && v[i] >= '0' && v[i] <= '9')) {
        sf_rules_error(ps, t->column, "template: bad placeholder at offset "
                       "%lu (%%1, %%-1, %%t, %%* or %%%%)",
                       (unsigned long) end);
        return 0;
    }

    s->type = SF_SEG_LINK;
    s->n = neg ? -n : n;
    tm->bound += SF_SLOT_MAX;

    return i;
}


/*
 * One template: literal pieces are normalized as phrases are, keeping one
 * space where the piece had white space next to a placeholder; one final
 * '.' is left out (the match ignores it on the text as well).
 */
static int
sf_rules_template(sf_parser_t *ps, const sf_token_t *t, sf_template_t *tm)
{
    int                   overflow;
    size_t                i, start, end, len, nsegs, lead, trail;
    sf_seg_t             *s;
    const unsigned char  *v, *p;

    if (!t->quoted) {
        return sf_rules_error(ps, t->column, "expected a quoted template, "
                              "not \"%.*s\"", (int) t->raw_len, t->raw);
    }

    v = t->val;

    /* at most one literal and one placeholder per '%' */
    nsegs = 1;

    for (i = 0; i < t->len; i++) {
        if (v[i] == '%') {
            nsegs += 2;
        }
    }

    tm->segs = sf_rules_alloc(ps->rules, nsegs * sizeof(sf_seg_t));
    if (tm->segs == NULL) {
        return sf_rules_error(ps, t->column, "out of memory");
    }

    tm->nsegs = 0;
    tm->bound = 1;                          /* the optional final '.' */
    tm->lit_id = 0;
    tm->has_lit = 0;
    start = 0;
    i = 0;

    for ( ;; ) {
        /* the literal piece up to the next placeholder ("%%" is '%') */
        for (end = start; end < t->len; end++) {
            if (v[end] == '%' && (end + 1 == t->len || v[end + 1] != '%')) {
                break;
            }

            if (v[end] == '%') {
                end++;
            }
        }

        lead = (start > 0 && start < end && sf_rules_space((char) v[start]));
        trail = (end < t->len && end > start
                 && sf_rules_space((char) v[end - 1]));

        p = sf_normalize(v + start, end - start, ps->norm0, ps->norm1,
                         ps->cap, SF_FOLD_CASE | SF_FOLD_PUNCT, &len,
                         &overflow);

        /* "%%" came out of normalization as two '%': make them one */
        for (i = 0; i + 1 < len; i++) {
            if (p[i] == '%' && p[i + 1] == '%') {
                memmove((unsigned char *) p + i + 1, p + i + 2,
                        len - i - 2);
                len--;
            }
        }

        if (end == t->len && len > 0 && p[len - 1] == '.') {
            len--;

            while (len > 0 && p[len - 1] == ' ') {
                len--;
            }
        }

        if (len > 0 || lead || trail) {
            if (len == 0) {
                trail = 0;
            }

            s = &tm->segs[tm->nsegs++];
            s->type = SF_SEG_TEXT;
            s->n = 0;
            s->len = lead + len + trail;
            s->data = sf_rules_alloc(ps->rules, s->len);
            if (s->data == NULL) {
                return sf_rules_error(ps, t->column, "out of memory");
            }

            if (lead) {
                s->data[0] = ' ';
            }

            memcpy(s->data + lead, p, len);

            if (trail) {
                s->data[lead + len] = ' ';
            }

            tm->bound += s->len;
        }

        if (end == t->len) {
            break;
        }

        /* the placeholder at end */
        i = sf_rules_placeholder(ps, t, tm, end);
        if (i == 0) {
            return SF_ERROR;
        }

        /* "%*" must be followed by text: it is found by what follows */
        if (tm->nsegs > 0 && tm->segs[tm->nsegs - 1].type == SF_SEG_ANY) {
            return sf_rules_error(ps, t->column, "template: \"%%*\" must be "
                                  "followed by text");
        }

        tm->nsegs++;
        start = i;
    }

    if (tm->nsegs == 0) {
        return sf_rules_error(ps, t->column, "empty template");
    }

    return SF_OK;
}


static int
sf_rules_templates(sf_parser_t *ps, const sf_directive_t *dir,
    sf_cond_t **cond)
{
    size_t      i;
    sf_cond_t  *c;

    (void) dir;
    (void) cond;

    c = sf_rules_cond(ps, SF_COND_TEMPLATE, 0);
    if (c == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    c->tmpls = sf_rules_alloc(ps->rules,
                              (ps->ntok - 1) * sizeof(sf_template_t));
    if (c->tmpls == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    for (i = 1; i < ps->ntok; i++) {
        if (sf_rules_template(ps, &ps->tok[i], &c->tmpls[c->ntmpls])
            != SF_OK)
        {
            return SF_ERROR;
        }

        if (c->tmpls[c->ntmpls].bound > (size_t) c->n) {
            c->n = (long) c->tmpls[c->ntmpls].bound;
        }

        c->ntmpls++;
    }

    return SF_OK;
}


static int
sf_rules_selector(sf_parser_t *ps, const sf_token_t *t)
{
    size_t          i;
    sf_rule_t      *r;
    sf_selector_t  *s, *sel;

    r = ps->cur;

    /*
     * An id selector is written quoted ("#respond"): unquoted, the '#'
     * would start a comment.
     */
    if (t->len == 0) {
        goto bad;
    }

    if (r->nsel == r->sel_cap) {
        sel = sf_rules_alloc(ps->rules,
                             (r->sel_cap * 2 + 4) * sizeof(sf_selector_t));
        if (sel == NULL) {
            return sf_rules_error(ps, t->column, "out of memory");
        }

        if (r->nsel > 0) {
            memcpy(sel, r->sel, r->nsel * sizeof(sf_selector_t));
        }

        r->sel = sel;
        r->sel_cap = r->sel_cap * 2 + 4;
    }

    s = &r->sel[r->nsel];
    memset(s, 0, sizeof(sf_selector_t));

    if (sf_token_is(t, "*")) {
        s->any = 1;
        r->nsel++;
        return SF_OK;
    }

    if (sf_token_is(t, "anon")) {
        s->anon = 1;
        r->nsel++;
        return SF_OK;
    }

    for (i = 0; i < t->len; i++) {
        if (t->val[i] == '.' || t->val[i] == '#') {
            break;
        }
    }

    if (i > 0) {
        s->tag = sf_tag_lookup(t->val, i);

        if (s->tag == SF_TAG_OTHER || s->tag == SF_TAG_NONE) {
            goto bad;
        }
    }

    if (i < t->len) {
        if (i + 1 == t->len) {
            goto bad;
        }

        if (memchr(t->val + i + 1, '.', t->len - i - 1) != NULL
            || memchr(t->val + i + 1, '#', t->len - i - 1) != NULL)
        {
            goto bad;
        }

        if (t->val[i] == '.') {
            s->cls = t->val + i + 1;
            s->cls_len = t->len - i - 1;

        } else {
            s->id = t->val + i + 1;
            s->id_len = t->len - i - 1;
        }

        /* the token lives in the text, which the caller may free */
        if (s->cls != NULL) {
            s->cls = sf_rules_alloc(ps->rules, s->cls_len);
            if (s->cls == NULL) {
                return sf_rules_error(ps, t->column, "out of memory");
            }

            memcpy(s->cls, t->val + i + 1, s->cls_len);

        } else {
            s->id = sf_rules_alloc(ps->rules, s->id_len);
            if (s->id == NULL) {
                return sf_rules_error(ps, t->column, "out of memory");
            }

            memcpy(s->id, t->val + i + 1, s->id_len);
        }
    }

    r->nsel++;

    return SF_OK;

bad:

    return sf_rules_error(ps, t->column, "bad selector \"%.*s\"",
                          (int) t->raw_len, t->raw);
}


/*
 * A link's position in a block: from 1, or from the end when negative;
 * 0 names no link.
 */
static int
sf_rules_link_index(sf_parser_t *ps, const sf_token_t *t, long *n)
{
    if (sf_rules_number(ps, t, -1000, 1000, n) != SF_OK) {
        return SF_ERROR;
    }

    if (*n == 0) {
        /* min above max: reports the 0 as a bad number */
        return sf_rules_number(ps, t, 1, 0, n);
    }

    return SF_OK;
}


/* The link position after "link" or "name" (tok[i]) of an action. */
static int
sf_rules_link_number(sf_parser_t *ps, size_t i, const char *what, long *n)
{
    if (i + 1 == ps->ntok) {
        return sf_rules_error(ps, ps->tok[i].column,
                              "\"%s\": missing number", what);
    }

    return sf_rules_link_index(ps, &ps->tok[i + 1], n);
}


static int
sf_rules_action(sf_parser_t *ps, const sf_directive_t *dir,
    sf_cond_t **cond)
{
    long         n;
    size_t       i;
    sf_rule_t   *r;
    sf_token_t  *t;

    (void) dir;
    (void) cond;

    r = ps->cur;
    t = &ps->tok[1];

    if (r->has_action) {
        return sf_rules_error(ps, ps->tok[0].column, "duplicate action");
    }

    if (sf_token_is(t, "drop")) {
        r->action = SF_ACT_DROP;
        r->action_name = "drop";

    } else if (sf_token_is(t, "drop-source")) {
        r->action = SF_ACT_DROP_SOURCE;
        r->action_name = "drop-source";

    } else if (sf_token_is(t, "keep-source")) {
        r->action = SF_ACT_KEEP_SOURCE;
        r->action_name = "keep-source";

    } else if (sf_token_is(t, "replace")) {
        r->action = SF_ACT_REPLACE;
        r->action_name = "replace";

    } else {
        return sf_rules_error(ps, t->column, "unknown action \"%.*s\"",
                              (int) t->raw_len, t->raw);
    }

    i = 2;

    if (r->action != SF_ACT_DROP) {
        if (i < ps->ntok && sf_token_is(&ps->tok[i], "link")) {
            if (sf_rules_link_number(ps, i, "link", &n) != SF_OK) {
                return SF_ERROR;
            }

            r->link = n;
            i += 2;

        } else if (r->action != SF_ACT_REPLACE) {
            return sf_rules_error(ps, t->column, "action \"%.*s\" needs "
                                  "\"link N\"", (int) t->len, t->val);
        }

        if (i < ps->ntok && r->link != 0
            && sf_token_is(&ps->tok[i], "name"))
        {
            if (sf_rules_link_number(ps, i, "name", &n) != SF_OK) {
                return SF_ERROR;
            }

            r->name = n;
            i += 2;

        } else if (i < ps->ntok && r->link != 0
                   && sf_token_is(&ps->tok[i], "host"))
        {
            i++;
        }
    }

    if (i < ps->ntok) {
        return sf_rules_error(ps, ps->tok[i].column,
                              "action: unexpected argument \"%.*s\"",
                              (int) ps->tok[i].raw_len, ps->tok[i].raw);
    }

    r->has_action = 1;

    return SF_OK;
}


/*
 * A condition of one phrase, tok[2] (a link's rel, class or href), with
 * ASCII letters lower-cased when lower; NULL on error (reported).
 */
static sf_cond_t *
sf_rules_word(sf_parser_t *ps, sf_cond_type_e type, int lower)
{
    size_t              i;
    sf_cond_t          *c;
    unsigned char      *p;
    const sf_token_t   *t;

    t = &ps->tok[2];

    c = sf_rules_cond(ps, type, 1);
    if (c == NULL) {
        sf_rules_error(ps, ps->tok[0].column, "out of memory");
        return NULL;
    }

    p = sf_rules_alloc(ps->rules, t->len);
    if (p == NULL) {
        sf_rules_error(ps, ps->tok[0].column, "out of memory");
        return NULL;
    }

    for (i = 0; i < t->len; i++) {
        p[i] = t->val[i];

        if (lower && p[i] >= 'A' && p[i] <= 'Z') {
            p[i] |= 0x20;
        }
    }

    c->phrases[0].data = p;
    c->phrases[0].len = t->len;
    c->nphrases = 1;

    return c;
}


/* scope: the selectors of the elements the rule looks at */
static int
sf_rules_scope(sf_parser_t *ps, const sf_directive_t *dir,
    sf_cond_t **cond)
{
    size_t  i;

    (void) dir;
    (void) cond;

    for (i = 1; i < ps->ntok; i++) {
        if (sf_rules_selector(ps, &ps->tok[i]) != SF_OK) {
            return SF_ERROR;
        }
    }

    return SF_OK;
}


/* contains, equals, starts, ends; any and link-text after their number */
static int
sf_dir_phrases(sf_parser_t *ps, const sf_directive_t *dir, sf_cond_t **c)
{
    return sf_rules_phrases(ps, dir->type,
                            dir->number == SF_DIR_NO_NUMBER ? 1 : 2, c);
}


static int
sf_dir_links(sf_parser_t *ps, const sf_directive_t *dir, sf_cond_t **c)
{
    int   op;
    long  n;

    if (sf_token_is(&ps->tok[1], "=")) {
        op = SF_OP_EQ;

    } else if (sf_token_is(&ps->tok[1], ">=")) {
        op = SF_OP_GE;

    } else if (sf_token_is(&ps->tok[1], "<=")) {
        op = SF_OP_LE;

    } else {
        return sf_rules_error(ps, ps->tok[1].column,
                              "links: bad operator \"%.*s\"",
                              (int) ps->tok[1].raw_len, ps->tok[1].raw);
    }

    if (sf_rules_number(ps, &ps->tok[2], 0, 100000, &n) != SF_OK) {
        return SF_ERROR;
    }

    if (sf_dir_flag(ps, dir, c) != SF_OK) {
        return SF_ERROR;
    }

    (*c)->op = op;
    (*c)->n = n;

    return SF_OK;
}


/* link-rel, link-class: one word */
static int
sf_dir_link_word(sf_parser_t *ps, const sf_directive_t *dir, sf_cond_t **c)
{
    size_t  i;

    if (!ps->tok[2].quoted || ps->tok[2].len == 0) {
        return sf_rules_error(ps, ps->tok[2].column,
                              "expected a quoted word");
    }

    for (i = 0; i < ps->tok[2].len; i++) {
        if (sf_rules_space((char) ps->tok[2].val[i])
            || ps->tok[2].val[i] == '\n')
        {
            return sf_rules_error(ps, ps->tok[2].column,
                                  "expected one word, without spaces");
        }
    }

    /* rel values are ASCII case-insensitive, classes are not */
    *c = sf_rules_word(ps, dir->type, dir->type == SF_COND_LINK_REL);

    return *c != NULL ? SF_OK : SF_ERROR;
}


static int
sf_dir_link_href(sf_parser_t *ps, const sf_directive_t *dir, sf_cond_t **c)
{
    if (!ps->tok[2].quoted || ps->tok[2].len == 0) {
        return sf_rules_error(ps, ps->tok[2].column,
                              "expected a quoted phrase");
    }

    /* hrefs are compared lower-cased */
    *c = sf_rules_word(ps, dir->type, 1);

    return *c != NULL ? SF_OK : SF_ERROR;
}


/* escaped, title, max-length: a condition without phrases */
static int
sf_dir_flag(sf_parser_t *ps, const sf_directive_t *dir, sf_cond_t **c)
{
    *c = sf_rules_cond(ps, dir->type, 0);
    if (*c == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    return SF_OK;
}


static int
sf_dir_position(sf_parser_t *ps, const sf_directive_t *dir, sf_cond_t **c)
{
    if (!sf_token_is(&ps->tok[1], "first")) {
        return sf_rules_error(ps, ps->tok[1].column,
                              "position: expected \"first\", not "
                              "\"%.*s\"", (int) ps->tok[1].raw_len,
                              ps->tok[1].raw);
    }

    return sf_dir_flag(ps, dir, c);
}


static const sf_directive_t  sf_directives[] = {
    { "scope", 1, SF_MAX_TOKENS, SF_COND_CONTAINS, 0, sf_rules_scope },
    { "contains", 1, SF_MAX_TOKENS, SF_COND_CONTAINS, 0, sf_dir_phrases },
    { "any", 2, SF_MAX_TOKENS, SF_COND_ANY, SF_DIR_COUNT, sf_dir_phrases },
    { "equals", 1, 1, SF_COND_EQUALS, 0, sf_dir_phrases },
    { "starts", 1, 1, SF_COND_STARTS, 0, sf_dir_phrases },
    { "ends", 1, 1, SF_COND_ENDS, 0, sf_dir_phrases },
    { "regex", 1, 1, SF_COND_REGEX, 0, sf_rules_regex },
    { "links", 2, 2, SF_COND_LINKS, 0, sf_dir_links },
    { "template", 1, SF_MAX_TOKENS, SF_COND_TEMPLATE, 0, sf_rules_templates },
    { "link-rel", 2, 2, SF_COND_LINK_REL, SF_DIR_LINK, sf_dir_link_word },
    { "link-class", 2, 2, SF_COND_LINK_CLASS, SF_DIR_LINK, sf_dir_link_word },
    { "link-text", 2, 2, SF_COND_LINK_TEXT, SF_DIR_LINK, sf_dir_phrases },
    { "link-href", 2, 2, SF_COND_LINK_HREF, SF_DIR_LINK, sf_dir_link_href },
    { "max-length", 1, 1, SF_COND_MAX_LENGTH, SF_DIR_LENGTH, sf_dir_flag },
    { "escaped", 0, 0, SF_COND_ESCAPED, 0, sf_dir_flag },
    { "title", 0, 0, SF_COND_TITLE, 0, sf_dir_flag },
    { "position", 1, 1, SF_COND_POSITION, 0, sf_dir_position },
    { "action", 1, 6, SF_COND_CONTAINS, 0, sf_rules_action },
    { NULL, 0, 0, SF_COND_CONTAINS, 0, NULL }
};


/* The number a directive starts with, in the range it takes. */
static int
sf_dir_number(sf_parser_t *ps, const sf_directive_t *dir, long *n)
{
    switch (dir->number) {

    case SF_DIR_COUNT:
        return sf_rules_number(ps, &ps->tok[1], 1, (long) ps->ntok - 2, n);

    case SF_DIR_LINK:
        return sf_rules_link_index(ps, &ps->tok[1], n);

    case SF_DIR_LENGTH:
        return sf_rules_number(ps, &ps->tok[1], 1, 100000000, n);

    default:
        *n = 0;
        return SF_OK;
    }
}


/* One directive inside a rule. */
static int
sf_rules_directive(sf_parser_t *ps)
{
    long                   n;
    sf_cond_t             *c;
    sf_token_t            *d;
    const sf_directive_t  *dir;

    d = &ps->tok[0];

    for (dir = sf_directives; dir->name != NULL; dir++) {
        if (!sf_token_is(d, dir->name)) {
            continue;
        }

        if (sf_rules_args(ps, dir->min, dir->max) != SF_OK) {
            return SF_ERROR;
        }

        if (sf_dir_number(ps, dir, &n) != SF_OK) {
            return SF_ERROR;
        }

        c = NULL;

        if (dir->handler(ps, dir, &c) != SF_OK) {
            return SF_ERROR;
        }

        if (c != NULL && dir->number != SF_DIR_NO_NUMBER) {
            c->n = n;
        }

        return SF_OK;
    }

    return sf_rules_error(ps, d->column, "unknown directive \"%.*s\"",
                          (int) d->raw_len, d->raw);
}


/* A directive (or "end"): a line that does not start a new rule. */
static int
sf_rules_known(const sf_token_t *d)
{
    const sf_directive_t  *dir;

    for (dir = sf_directives; dir->name != NULL; dir++) {
        if (sf_token_is(d, dir->name)) {
            return 1;
        }
    }

    return sf_token_is(d, "end");
}


static int
sf_rules_begin(sf_parser_t *ps)
{
    size_t       i;
    sf_rule_t   *r;
    sf_token_t  *t;

    if (ps->cur != NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "\"end\" missing: "
                              "rule \"%s\" is still open", ps->cur->id);
    }

    if (sf_rules_args(ps, 1, 1) != SF_OK) {
        return SF_ERROR;
    }

    t = &ps->tok[1];

    for (i = 0; i < t->len; i++) {
        if (!((t->val[i] >= 'a' && t->val[i] <= 'z')
              || (t->val[i] >= 'A' && t->val[i] <= 'Z')
              || (t->val[i] >= '0' && t->val[i] <= '9')
              || t->val[i] == '-' || t->val[i] == '_' || t->val[i] == '.'))
        {
            break;
        }
    }

    if (t->quoted || i < t->len || t->len > 100) {
        return sf_rules_error(ps, t->column, "bad rule id \"%.*s\"",
                              (int) t->raw_len, t->raw);
    }

    for (r = ps->rules->head; r != NULL; r = r->next) {
        if (strlen(r->id) == t->len && memcmp(r->id, t->val, t->len) == 0) {
            return sf_rules_error(ps, t->column, "duplicate rule id \"%s\"",
                                  r->id);
        }
    }

    r = sf_rules_alloc(ps->rules, sizeof(sf_rule_t));
    if (r == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    memset(r, 0, sizeof(sf_rule_t));

    r->id = sf_rules_alloc(ps->rules, t->len + 1);
    if (r->id == NULL) {
        return sf_rules_error(ps, ps->tok[0].column, "out of memory");
    }

    memcpy(r->id, t->val, t->len);
    r->id[t->len] = '\0';
    r->line = ps->line;
    r->column = ps->tok[0].column;
    r->conds_last = &r->conds;
    r->action_name = "keep";

    ps->cur = r;

    return SF_OK;
}


static int
sf_rules_end(sf_parser_t *ps)
{
    int         title;
    size_t      i, n;
    sf_rule_t  *r;
    sf_cond_t  *c;

    if (sf_rules_args(ps, 0, 0) != SF_OK) {
        return SF_ERROR;
    }

    r = ps->cur;

    if (!r->has_action) {
        return sf_rules_error(ps, ps->tok[0].column, "rule \"%s\" has no "
                              "action", r->id);
    }

    /* a selector rule: only class/id selectors, no condition, drop */
    r->selector_rule = (r->conds == NULL && r->nsel > 0
                        && r->action == SF_ACT_DROP);

    for (i = 0; i < r->nsel; i++) {
        if (r->sel[i].cls == NULL && r->sel[i].id == NULL) {
            r->selector_rule = 0;
        }
    }

    title = 0;

    for (c = r->conds; c != NULL; c = c->next) {
        if (c->type != SF_COND_POSITION) {
            r->text_conds = 1;
        }

        if (c->type == SF_COND_TITLE) {
            title = 1;
        }

        /* "equals" and "template" bound the length as "max-length" does */
        n = c->type == SF_COND_MAX_LENGTH ? (size_t) c->n
            : c->type == SF_COND_EQUALS ? c->phrases[0].len
            : c->type == SF_COND_TEMPLATE ? (size_t) c->n
            : 0;

        if (n != 0 && (r->max_length == 0 || n < r->max_length)) {
            r->max_length = n;
        }
    }

    /*
     * "title" bounds the text by the page's title, which each block
     * knows: the matcher takes that length instead of SF_TITLE_MAX.
     */
    if (title && (r->max_length == 0 || r->max_length > SF_TITLE_MAX)) {
        r->max_length = SF_TITLE_MAX;
        r->title_bound = 1;
    }

    *ps->rules->last = r;
    ps->rules->last = &r->next;
    ps->rules->nrules++;
    ps->cur = NULL;

    return SF_OK;
}


/*
 * "detector shape-footer on|off", outside rules: the built-in detectors
 * are named like rules and switched like them, the last word counting.
 */
static int
sf_rules_detector(sf_parser_t *ps)
{
    int  on;

    if (ps->ntok != 3 || !sf_token_is(&ps->tok[1], "shape-footer")) {
        return sf_rules_error(ps, ps->tok[0].column, "\"detector\" takes "
                              "a detector and on or off: \"detector "
                              "shape-footer on\"");
    }

    on = sf_token_is(&ps->tok[2], "on");

    if (!on && !sf_token_is(&ps->tok[2], "off")) {
        return sf_rules_error(ps, ps->tok[2].column, "\"on\" or \"off\" "
                              "expected, not \"%.*s\"",
                              (int) ps->tok[2].raw_len, ps->tok[2].raw);
    }

    ps->rules->shape = on;

    return SF_OK;
}


int
sf_rules_add(sf_rules_t *rules, const char *text, size_t len,
    sf_error_t *err)
{
    int           rc;
    size_t        nrules, start, end, n;
    sf_rule_t   **last, *r;
    sf_parser_t   ps;

    if (err != NULL) {
        memset(err, 0, sizeof(sf_error_t));
    }

    if (rules == NULL || (text == NULL && len > 0)) {
        return SF_ERROR;
    }

    memset(&ps, 0, sizeof(sf_parser_t));
    ps.rules = rules;
    ps.err = err;

    if (rules->compiled) {
        return sf_rules_error(&ps, 1, "rules are already compiled");
    }

    ps.cap = len + 1;
    ps.scratch = rules->alloc.alloc(rules->alloc.ctx, 3 * ps.cap);
    if (ps.scratch == NULL) {
        return sf_rules_error(&ps, 1, "out of memory");
    }

    ps.norm0 = ps.scratch + ps.cap;
    ps.norm1 = ps.norm0 + ps.cap;

    nrules = rules->nrules;
    last = rules->last;
    rc = SF_OK;

    /* a UTF-8 byte order mark is no directive (columns count after it) */
    start = (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) ? 3 : 0;

    for ( /* void */ ; start < len; start = end + 1) {
        ps.line++;

        for (end = start; end < len && text[end] != '\n'; end++) {
            /* void */
        }

        n = end - start;

        rc = sf_rules_tokenize(&ps, text + start, n);
        if (rc != SF_OK || ps.ntok == 0) {
            if (rc != SF_OK) {
                break;
            }

            continue;
        }

        if (ps.tok[0].quoted) {
            rc = sf_rules_error(&ps, ps.tok[0].column, "unknown directive "
                                "\"%.*s\"", (int) ps.tok[0].raw_len,
                                ps.tok[0].raw);
            break;
        }

        if (sf_token_is(&ps.tok[0], "rule")) {
            rc = sf_rules_begin(&ps);

        } else if (ps.cur == NULL && sf_token_is(&ps.tok[0], "detector")) {
            rc = sf_rules_detector(&ps);

        } else if (ps.cur == NULL) {
            rc = sf_rules_error(&ps, ps.tok[0].column,
                                sf_rules_known(&ps.tok[0])
                                ? "directive \"%.*s\" outside a rule"
                                : "unknown directive \"%.*s\"",
                                (int) ps.tok[0].raw_len, ps.tok[0].raw);

        } else if (sf_token_is(&ps.tok[0], "end")) {
            rc = sf_rules_end(&ps);

        } else {
            rc = sf_rules_directive(&ps);
        }

        if (rc != SF_OK) {
            break;
        }
    }

    if (rc == SF_OK && ps.cur != NULL) {
        ps.line = ps.cur->line;
        rc = sf_rules_error(&ps, ps.cur->column, "\"end\" missing: rule "
                            "\"%s\" is not closed", ps.cur->id);
    }

    if (rc != SF_OK) {
        /* only this text's rules go; those added before stay valid */
        if (ps.cur != NULL) {
            sf_rules_free_regexes(ps.cur);
        }

        for (r = *last; r != NULL; r = r->next) {
            sf_rules_free_regexes(r);
        }

        *last = NULL;
        rules->last = last;
        rules->nrules = nrules;
    }

    if (rules->alloc.free != NULL) {
        rules->alloc.free(rules->alloc.ctx, ps.scratch);
    }

    return rc;
}


int
sf_rules_add_builtin(sf_rules_t *rules, sf_error_t *err)
{
    size_t  i;
    char    msg[sizeof(err->message)];

    for (i = 0; i < sf_builtin_nfiles; i++) {
        if (sf_rules_add(rules, sf_builtin_files[i].text,
                         sf_builtin_files[i].len, err)
            != SF_OK)
        {
            if (err != NULL) {
                memcpy(msg, err->message, sizeof(msg));
                snprintf(err->message, sizeof(err->message), "%s: %.150s",
                         sf_builtin_files[i].name, msg);
            }

            return SF_ERROR;
        }
    }

    return SF_OK;
}
