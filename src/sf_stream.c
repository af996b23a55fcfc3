/*
 * sf_stream.c: the hold-back stream.
 *
 * Bytes outside candidate blocks go straight to the output.  A markup
 * token is kept whole in the hold-back buffer until its '>' so that it can
 * be parsed; a start tag the rules select opens a held block whose bytes
 * stay in that buffer (and whose visible text goes to the text buffer)
 * until the block ends; then the rules decide and the held bytes are
 * emitted, dropped or replaced by the credit.
 *
 * Output that cannot leave at once (a released block, a credit, a tag
 * that followed a block) is queued as segments pointing into the stream's
 * own buffers; the queue is drained before any more input is looked at,
 * so no buffer is reused while a segment still points into it.  All memory
 * is allocated in sf_stream_create().
 */

#include <string.h>

#include "sf_block.h"
#include "sf_lexer.h"


#define SF_STACK_MAX      64        /* open block-level elements tracked */
#define SF_ARENA_SIZE     2048      /* their id and class values */
#define SF_TITLE_SIZE     512
#define SF_SOURCE_SIZE    2049      /* a clean URL is at most 2 KiB */
#define SF_NAME_SIZE      256
#define SF_RENDER_SIZE    4096      /* credit or canonical, plus template */
#define SF_QUEUE_MAX      8


typedef enum {
    SF_MODE_PASS = 0,               /* outside blocks: bytes flow */
    SF_MODE_HELD,                   /* inside a held block */
    SF_MODE_HEADHOLD,               /* after the head canonical */
    SF_MODE_DROP                    /* inside an element dropped whole */
} sf_mode_e;


typedef struct {
    const unsigned char  *p;
    size_t                len;
} sf_seg_t;


/* An open block-level element. */
typedef struct {
    sf_tag_e              tag;
    unsigned              flags;    /* SF_BLOCK_*, inherited and own */
    size_t                mark;     /* arena length before it */
    size_t                id;       /* id and class values in the arena */
    size_t                id_len;
    size_t                cls;
    size_t                cls_len;
} sf_elt_t;


/* The attributes the stream looks at, found in one pass over a tag. */
typedef struct {
    const unsigned char  *id;
    size_t                id_len;
    const unsigned char  *cls;
    size_t                cls_len;
    const unsigned char  *href;
    size_t                href_len;
    const unsigned char  *rel;
    size_t                rel_len;
    const unsigned char  *itemprop;
    size_t                itemprop_len;
} sf_attrs_t;


/* A link of the held block, as offsets from the block's start. */
typedef struct {
    size_t                href;
    size_t                href_len;
    size_t                rel;
    size_t                rel_len;
    size_t                cls;
    size_t                cls_len;
    size_t                text_start;
    size_t                text_end;
} sf_slink_t;


struct sf_stream_s {
    const sf_rules_t     *rules;
    sf_options_t          opt;
    sf_allocator_t        alloc;
    sf_lexer_t            lx;
    sf_match_t           *match;
    sf_stats_t            stats;

    /* hold-back buffer: the held block, then the markup token being read */
    unsigned char        *hold;
    size_t                hold_cap;
    size_t                hold_len;

    unsigned char        *text;
    size_t                text_cap;
    size_t                text_len;

    sf_slink_t           *slinks;
    sf_link_t            *links;
    size_t                nlinks;
    size_t                link_open;        /* index + 1 of an open <a> */

    unsigned char        *render;
    size_t                render_cap;

    sf_seg_t              queue[SF_QUEUE_MAX];
    unsigned              q_head;
    unsigned              q_n;

    sf_mode_e             mode;

    /* the held block */
    sf_tag_e              held_tag;
    unsigned              held_depth;       /* nested elements of its name */
    size_t                h_start;          /* offset in hold */
    size_t                h_tag_len;        /* its start tag */
    size_t                h_id;             /* its id and class values, */
    size_t                h_id_len;         /* from the block's start */
    size_t                h_cls;
    size_t                h_cls_len;
    unsigned              h_own;            /* its own SF_BLOCK_* flags */
    uint64_t              h_in_off;         /* offset in the input */

    /* the markup token being read */
    size_t                t_start;
    uint64_t              t_in_off;

    /* the element dropped whole */
    sf_tag_e              drop_tag;
    unsigned              drop_depth;
    const char           *drop_rule;
    size_t                drop_bytes;
    uint64_t              drop_in_off;

    size_t                canon_len;        /* canonical at the head hold */

    unsigned              blocks;           /* block index */
    unsigned              first_limit;      /* reason + 1 of the first */
    unsigned              depth;
    unsigned              deep;             /* nesting beyond the stack */
    size_t                arena_len;

    size_t                title_len;
    unsigned              title_level;      /* 1 title, 2 og, 3-4 h1 */

    size_t                src_len;
    size_t                name_len;

    unsigned              tok:1;            /* a token is in hold */
    unsigned              tok_over:1;       /* ... and outgrew it */
    unsigned              anon:1;           /* the held block is anonymous */
    unsigned              held_pass:1;      /* it outgrew the hold-back */
    unsigned              text_over:1;
    unsigned              in_head:1;
    unsigned              head_seen:1;
    unsigned              in_body:1;
    unsigned              canon_seen:1;
    unsigned              credit_done:1;
    unsigned              first_done:1;
    unsigned              title_capture:1;
    unsigned              finished:1;
    unsigned              done:1;

    sf_elt_t              stack[SF_STACK_MAX];
    unsigned char         arena[SF_ARENA_SIZE];
    unsigned char         title[SF_TITLE_SIZE];
    char                  src[SF_SOURCE_SIZE];
    char                  name[SF_NAME_SIZE];
};


static const char  sf_default_credit[] =
    "<p class=\"syndication-source\">Originally published by "
    "<a href=\"%u\">%n</a></p>";


static void sf_stream_pass_tag(sf_stream_t *s, sf_tag_t *tag,
    sf_attrs_t *a);


static int
sf_stream_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}


static void
sf_stream_queue(sf_stream_t *s, const unsigned char *p, size_t len)
{
    unsigned   i;
    sf_seg_t  *seg;

    if (len == 0) {
        return;
    }

    /* the queue never holds more than a block, a credit and a tag */
    if (s->q_n == SF_QUEUE_MAX) {
        return;
    }

    i = (s->q_head + s->q_n) % SF_QUEUE_MAX;
    seg = &s->queue[i];

    if (s->q_n > 0) {
        sf_seg_t  *last;

        last = &s->queue[(i + SF_QUEUE_MAX - 1) % SF_QUEUE_MAX];

        if (last->p + last->len == p) {
            last->len += len;
            return;
        }
    }

    seg->p = p;
    seg->len = len;
    s->q_n++;
}


/* The current token leaves as it is. */
static void
sf_stream_queue_token(sf_stream_t *s)
{
    sf_stream_queue(s, s->hold + s->t_start, s->hold_len - s->t_start);
}


static int
sf_stream_drain(sf_stream_t *s, sf_io_t *io)
{
    size_t     n;
    sf_seg_t  *seg;

    while (s->q_n > 0) {
        seg = &s->queue[s->q_head];
        n = seg->len < io->avail_out ? seg->len : io->avail_out;

        if (n == 0) {
            return SF_BUSY;
        }

        memcpy(io->next_out, seg->p, n);
        io->next_out += n;
        io->avail_out -= n;
        s->stats.bytes_out += n;
        seg->p += n;
        seg->len -= n;

        if (seg->len == 0) {
            s->q_head = (s->q_head + 1) % SF_QUEUE_MAX;
            s->q_n--;
        }
    }

    return SF_OK;
}


/* With the queue empty, move what is still needed to the buffer's start. */
static void
sf_stream_compact(sf_stream_t *s)
{
    size_t  base;

    base = s->hold_len;

    if ((s->mode == SF_MODE_HELD && !s->held_pass)
        || s->mode == SF_MODE_HEADHOLD)
    {
        base = s->h_start;
    }

    if (s->tok && s->t_start < base) {
        base = s->t_start;
    }

    if (base == 0) {
        return;
    }

    memmove(s->hold, s->hold + base, s->hold_len - base);
    s->hold_len -= base;

    if (s->h_start >= base) {
        s->h_start -= base;
    }

    if (s->t_start >= base) {
        s->t_start -= base;
    }
}


static void
sf_stream_pass(sf_stream_t *s, sf_pass_reason_e reason)
{
    if (s->first_limit == 0) {
        s->first_limit = reason + 1;
    }

    s->stats.passthrough[reason]++;
}


/* ---- open elements ------------------------------------------------------ */


static int
sf_stream_value_is(const unsigned char *v, size_t len, const char *word)
{
    size_t  i, n;

    n = strlen(word);

    if (v == NULL || len != n) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if ((v[i] | 0x20) != (unsigned char) word[i]) {
            return 0;
        }
    }

    return 1;
}


/* A space-separated list holds word, ASCII case-insensitively (rel). */
static int
sf_stream_list_has(const unsigned char *v, size_t len, const char *word)
{
    size_t                 n;
    const unsigned char   *p, *end, *w;

    if (v == NULL) {
        return 0;
    }

    n = strlen(word);
    p = v;
    end = v + len;

    while (p < end) {
        while (p < end && sf_stream_space(*p)) {
            p++;
        }

        w = p;

        while (p < end && !sf_stream_space(*p)) {
            p++;
        }

        if (sf_stream_value_is(w, (size_t) (p - w), word) && n > 0) {
            return 1;
        }
    }

    return 0;
}


static int
sf_stream_name_is(const unsigned char *n, const char *name, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if ((n[i] | 0x20) != (unsigned char) name[i]) {
            return 0;
        }
    }

    return 1;
}


static void
sf_stream_attrs(const sf_tag_t *tag, sf_attrs_t *a)
{
    size_t                 nlen, vlen;
    size_t                *pl;
    sf_tag_t               cur;
    const unsigned char   *n, *v, **pv;

    memset(a, 0, sizeof(sf_attrs_t));
    cur = *tag;

    while (sf_tag_next_attr(&cur, &n, &nlen, &v, &vlen) == 0) {
        pv = NULL;
        pl = NULL;

        switch (nlen) {
        case 2:
            if (sf_stream_name_is(n, "id", 2)) {
                pv = &a->id;
                pl = &a->id_len;
            }
            break;
        case 3:
            if (sf_stream_name_is(n, "rel", 3)) {
                pv = &a->rel;
                pl = &a->rel_len;
            }
            break;
        case 4:
            if (sf_stream_name_is(n, "href", 4)) {
                pv = &a->href;
                pl = &a->href_len;
            }
            break;
        case 5:
            if (sf_stream_name_is(n, "class", 5)) {
                pv = &a->cls;
                pl = &a->cls_len;
            }
            break;
        case 8:
            if (sf_stream_name_is(n, "itemprop", 8)) {
                pv = &a->itemprop;
                pl = &a->itemprop_len;
            }
            break;
        default:
            break;
        }

        /* as in browsers, the first of duplicate attributes counts */
        if (pv != NULL && *pv == NULL) {
            *pv = v;
            *pl = vlen;
        }
    }
}


/* What an element itself says about where its contents sit. */
static unsigned
sf_stream_own_flags(sf_tag_t *tag, sf_attrs_t *a)
{
    size_t                 cls_len;
    unsigned               flags;
    const unsigned char   *cls, *p, *end, *w;

    flags = 0;
    cls = a->cls;
    cls_len = a->cls_len;

    if (tag->tag == SF_TAG_ARTICLE) {
        flags |= SF_BLOCK_IN_ENTRY;
    }

    if (tag->tag == SF_TAG_BLOCKQUOTE) {
        flags |= SF_BLOCK_IN_BLOCKQUOTE;
    }

    /* one pass over the class words */
    p = cls;
    end = (cls != NULL) ? cls + cls_len : NULL;

    while (p < end) {
        while (p < end && sf_stream_space(*p)) {
            p++;
        }

        w = p;

        while (p < end && !sf_stream_space(*p)) {
            p++;
        }

        switch (p - w) {
        case 11:
            if (memcmp(w, "commentlist", 11) == 0) {
                flags |= SF_BLOCK_IN_COMMENTS;
            }
            break;
        case 12:
            if (memcmp(w, "comment-list", 12) == 0) {
                flags |= SF_BLOCK_IN_COMMENTS;

            } else if (memcmp(w, "post-content", 12) == 0) {
                flags |= SF_BLOCK_IN_ENTRY;
            }
            break;
        case 13:
            if (memcmp(w, "entry-content", 13) == 0) {
                flags |= SF_BLOCK_IN_ENTRY;
            }
            break;
        default:
            break;
        }
    }

    if (a->itemprop != NULL && a->itemprop_len == 11
        && memcmp(a->itemprop, "articleBody", 11) == 0)
    {
        flags |= SF_BLOCK_IN_ENTRY;
    }

    return flags;
}


static unsigned
sf_stream_flags(sf_stream_t *s)
{
    return s->depth > 0 ? s->stack[s->depth - 1].flags : 0;
}


static void
sf_stream_push(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    size_t                 id_len, cls_len;
    unsigned               own;
    sf_elt_t              *e;
    const unsigned char   *id, *cls;

    if (sf_tag_is_void(tag->tag)) {
        return;
    }

    if (s->depth == SF_STACK_MAX) {
        s->deep++;
        sf_stream_pass(s, SF_PASS_DEPTH);
        return;
    }

    id = a->id;
    id_len = a->id_len;
    cls = a->cls;
    cls_len = a->cls_len;
    own = sf_stream_own_flags(tag, a);

    e = &s->stack[s->depth];
    e->tag = tag->tag;
    e->flags = sf_stream_flags(s) | own;
    e->mark = s->arena_len;
    e->id_len = 0;
    e->cls_len = 0;

    /* values that do not fit are left out rather than cut */
    if (id != NULL && id_len <= SF_ARENA_SIZE - s->arena_len) {
        e->id = s->arena_len;
        e->id_len = id_len;
        memcpy(s->arena + s->arena_len, id, id_len);
        s->arena_len += id_len;
    }

    if (cls != NULL && cls_len <= SF_ARENA_SIZE - s->arena_len) {
        e->cls = s->arena_len;
        e->cls_len = cls_len;
        memcpy(s->arena + s->arena_len, cls, cls_len);
        s->arena_len += cls_len;
    }

    if (own & SF_BLOCK_IN_ENTRY) {
        s->first_done = 0;
    }

    s->depth++;
}


static int
sf_stream_open(sf_stream_t *s, sf_tag_e t)
{
    unsigned  i;

    for (i = s->depth; i > 0; i--) {
        if (s->stack[i - 1].tag == t) {
            return 1;
        }
    }

    return 0;
}


static void
sf_stream_pop(sf_stream_t *s, sf_tag_e t)
{
    unsigned  i;

    if (s->deep > 0) {
        s->deep--;
        return;
    }

    for (i = s->depth; i > 0; i--) {
        if (s->stack[i - 1].tag == t) {
            s->depth = i - 1;
            s->arena_len = s->stack[i - 1].mark;
            return;
        }
    }
}


static sf_tag_e
sf_stream_top(sf_stream_t *s)
{
    return (s->depth > 0 && s->deep == 0) ? s->stack[s->depth - 1].tag
                                          : SF_TAG_NONE;
}


static int
sf_stream_heading(sf_tag_e t)
{
    return t >= SF_TAG_H1 && t <= SF_TAG_H6;
}


/* Whether the start of block t ends an open element of name open. */
static int
sf_stream_closes(sf_tag_e open, sf_tag_e t)
{
    switch (open) {
    case SF_TAG_P:
        return 1;
    case SF_TAG_LI:
        return t == SF_TAG_LI;
    case SF_TAG_DD:
    case SF_TAG_DT:
        return t == SF_TAG_DD || t == SF_TAG_DT;
    case SF_TAG_TD:
    case SF_TAG_TH:
        return t == SF_TAG_TD || t == SF_TAG_TH || t == SF_TAG_TR;
    case SF_TAG_TR:
        return t == SF_TAG_TR;
    default:
        return sf_stream_heading(open) && sf_stream_heading(t);
    }
}


static void
sf_stream_implicit_close(sf_stream_t *s, sf_tag_e t)
{
    sf_tag_e  top;

    for ( ;; ) {
        top = sf_stream_top(s);

        if (top == SF_TAG_NONE || !sf_stream_closes(top, t)) {
            return;
        }

        sf_stream_pop(s, top);
    }
}


/* ---- title and source --------------------------------------------------- */


static void
sf_stream_title_set(sf_stream_t *s, const unsigned char *p, size_t len,
    unsigned level)
{
    if (level < s->title_level) {
        return;
    }

    while (len > 0 && sf_stream_space(*p)) {
        p++;
        len--;
    }

    while (len > 0 && sf_stream_space(p[len - 1])) {
        len--;
    }

    if (len == 0) {
        return;
    }

    if (len > SF_TITLE_SIZE) {
        len = SF_TITLE_SIZE;
    }

    memmove(s->title, p, len);
    s->title_len = len;
    s->title_level = level;
}


/* The end of <title>: cut a " - SITE", " – SITE" or " | SITE" suffix. */
static void
sf_stream_title_end(sf_stream_t *s)
{
    size_t          i, cut;
    unsigned char  *t;

    s->title_capture = 0;
    t = s->title;
    cut = s->title_len;

    for (i = s->title_len; i > 0; i--) {
        if (i + 2 <= s->title_len && t[i - 1] == ' '
            && (t[i] == '-' || t[i] == '|') && t[i + 1] == ' ')
        {
            cut = i - 1;
            break;
        }

        if (i + 4 <= s->title_len && t[i - 1] == ' ' && t[i] == 0xe2
            && t[i + 1] == 0x80 && (t[i + 2] == 0x93 || t[i + 2] == 0x94)
            && t[i + 3] == ' ')
        {
            cut = i - 1;
            break;
        }
    }

    if (cut == 0) {
        cut = s->title_len;
    }

    s->title_level = 0;
    sf_stream_title_set(s, s->title, cut, 1);
}


static void
sf_stream_title_add(sf_stream_t *s, const unsigned char *p, size_t len)
{
    size_t  n;

    n = SF_TITLE_SIZE - s->title_len;
    n = len < n ? len : n;

    memcpy(s->title + s->title_len, p, n);
    s->title_len += n;
}


static int
sf_stream_host_is_page(sf_stream_t *s, const char *url, size_t len)
{
    size_t       n, i;
    const char  *host;

    if (s->opt.page_host == NULL || s->opt.page_host_len == 0) {
        return 1;
    }

    n = sf_url_host(url, len, &host);

    if (host == NULL || n != s->opt.page_host_len) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if ((host[i] | 0x20) != (s->opt.page_host[i] | 0x20)) {
            return 0;
        }
    }

    return 1;
}


static void
sf_stream_learn(sf_stream_t *s, const char *url, size_t len,
    const char *name, size_t name_len)
{
    const char  *host;

    if (s->src_len > 0 || len == 0 || len >= SF_SOURCE_SIZE) {
        return;
    }

    memcpy(s->src, url, len);
    s->src[len] = '\0';
    s->src_len = len;

    if (name == NULL || name_len == 0) {
        name_len = sf_url_host(url, len, &host);
        name = host;
    }

    if (name == NULL) {
        name_len = 0;
    }

    if (name_len >= SF_NAME_SIZE) {
        name_len = SF_NAME_SIZE - 1;
    }

    if (name_len > 0) {
        memcpy(s->name, name, name_len);
    }

    s->name[name_len] = '\0';
    s->name_len = name_len;
}


/* A candidate source from the head: only when it is not the page itself. */
static void
sf_stream_head_source(sf_stream_t *s, const unsigned char *v, size_t len,
    int need_host)
{
    size_t  n;
    char    url[SF_SOURCE_SIZE];

    if (v == NULL || s->src_len > 0) {
        return;
    }

    if (need_host && (s->opt.page_host == NULL
                      || s->opt.page_host_len == 0))
    {
        return;
    }

    n = sf_url_clean(v, len, 1, url, sizeof(url));

    if (n == 0) {
        return;
    }

    /* on reposts the head usually names the aggregator itself */
    if (s->opt.page_host != NULL && sf_stream_host_is_page(s, url, n)) {
        return;
    }

    sf_stream_learn(s, url, n, NULL, 0);
}


static void
sf_stream_meta(sf_stream_t *s, sf_tag_t *tag)
{
    size_t                 len, plen, nlen;
    const unsigned char   *v, *prop, *name;

    v = sf_tag_attr(tag, "content", &len);

    if (v == NULL) {
        return;
    }

    prop = sf_tag_attr(tag, "property", &plen);
    name = sf_tag_attr(tag, "name", &nlen);

    if (sf_stream_value_is(prop, plen, "og:title")) {
        sf_stream_title_set(s, v, len, 2);

    } else if (sf_stream_value_is(prop, plen, "og:url")) {
        sf_stream_head_source(s, v, len, 1);

    } else if (sf_stream_value_is(name, nlen, "original-source")) {
        sf_stream_head_source(s, v, len, 0);
    }
}


/* <link rel="canonical" href="SRC"> in the render buffer. */
static void
sf_stream_queue_canonical(sf_stream_t *s)
{
    size_t  n, k;

    static const char  head[] = "<link rel=\"canonical\" href=\"";

    n = sizeof(head) - 1;
    memcpy(s->render, head, n);

    k = sf_escape_attr(s->src, s->src_len, s->render + n,
                       s->render_cap - n - 2);

    if (k == 0) {
        return;
    }

    n += k;
    s->render[n++] = '"';
    s->render[n++] = '>';

    sf_stream_queue(s, s->render, n);
    s->stats.canonicals++;
}


static void
sf_stream_credit(sf_stream_t *s)
{
    size_t       n;
    const char  *tmpl;

    if (!s->opt.attribution || s->opt.report || s->credit_done
        || s->src_len == 0)
    {
        return;
    }

    tmpl = s->opt.credit_template != NULL ? s->opt.credit_template
                                          : sf_default_credit;

    n = sf_credit_render(tmpl, s->src, s->src_len, s->name, s->name_len,
                         s->render, s->render_cap);

    if (n == 0) {
        return;
    }

    sf_stream_queue(s, s->render, n);
    s->credit_done = 1;
    s->stats.credits++;
}


/* The head ends: insert the canonical if the head had none. */
static void
sf_stream_head_end(sf_stream_t *s)
{
    s->in_head = 0;
    s->title_capture = 0;

    if (s->opt.canonical && !s->opt.report && !s->canon_seen
        && s->src_len > 0)
    {
        sf_stream_queue_canonical(s);
        s->canon_seen = 1;
    }
}


/*
 * <link rel="canonical"> in the head.  Returns 1 when the stream took the
 * tag over (rewrote, dropped or started holding it).
 */
static int
sf_stream_canonical(sf_stream_t *s, sf_attrs_t *a)
{
    if (!sf_stream_list_has(a->rel, a->rel_len, "canonical")) {
        return 0;
    }

    if (s->opt.report || !s->opt.canonical) {
        s->canon_seen = 1;
        return 0;
    }

    if (s->canon_seen) {
        if (s->stats.canonicals > 0) {
            /* never two canonicals: ours is out already */
            s->hold_len = s->t_start;
            return 1;
        }

        return 0;
    }

    s->canon_seen = 1;

    if (s->src_len > 0) {
        sf_stream_queue_canonical(s);
        s->hold_len = s->t_start;
        return 1;
    }

    /* a canonical pointing elsewhere is itself the source */
    sf_stream_head_source(s, a->href, a->href_len, 1);

    if (s->src_len > 0) {
        return 0;
    }

    /* hold it: the rest of the head may name the source */
    s->mode = SF_MODE_HEADHOLD;
    s->h_start = s->t_start;
    s->canon_len = s->hold_len - s->t_start;

    return 1;
}


/* ---- held blocks -------------------------------------------------------- */


static void
sf_stream_text_add(sf_stream_t *s, const unsigned char *p, size_t len)
{
    size_t  n;

    n = s->text_cap - s->text_len;

    if (len > n) {
        s->text_over = 1;
        len = n;
    }

    memcpy(s->text + s->text_len, p, len);
    s->text_len += len;
}


/* What an inline tag inside a held block adds: a link, a space. */
static void
sf_stream_held_inline(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    size_t                 base;
    sf_slink_t            *l;

    if (tag->tag == SF_TAG_BR || tag->tag == SF_TAG_HR) {
        sf_stream_text_add(s, (const unsigned char *) " ", 1);
        return;
    }

    if (tag->tag != SF_TAG_A) {
        return;
    }

    if (tag->end) {
        if (s->link_open > 0) {
            s->slinks[s->link_open - 1].text_end = s->text_len;
            s->link_open = 0;
        }

        return;
    }

    s->link_open = 0;

    if (s->nlinks == s->opt.limits.max_links) {
        return;
    }

    l = &s->slinks[s->nlinks];
    memset(l, 0, sizeof(sf_slink_t));
    base = s->h_start;

    if (a->href != NULL) {
        l->href = (size_t) (a->href - s->hold) - base;
        l->href_len = a->href_len;
    }

    if (a->rel != NULL) {
        l->rel = (size_t) (a->rel - s->hold) - base;
        l->rel_len = a->rel_len;
    }

    if (a->cls != NULL) {
        l->cls = (size_t) (a->cls - s->hold) - base;
        l->cls_len = a->cls_len;
    }

    l->text_start = s->text_len;
    l->text_end = (size_t) -1;

    s->nlinks++;
    s->link_open = s->nlinks;
}


static void
sf_stream_start_held(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a, int anon)
{
    s->mode = SF_MODE_HELD;
    s->anon = anon ? 1 : 0;
    s->held_pass = 0;
    s->held_tag = anon ? SF_TAG_NONE : tag->tag;
    s->held_depth = 0;
    s->h_start = s->t_start;
    s->h_tag_len = anon ? 0 : s->hold_len - s->t_start;
    s->h_in_off = s->t_in_off;
    s->h_id_len = 0;
    s->h_cls_len = 0;
    s->h_own = 0;
    s->text_len = 0;
    s->text_over = 0;
    s->nlinks = 0;
    s->link_open = 0;

    if (!anon) {
        if (a->id != NULL) {
            s->h_id = (size_t) (a->id - s->hold) - s->h_start;
            s->h_id_len = a->id_len;
        }

        if (a->cls != NULL) {
            s->h_cls = (size_t) (a->cls - s->hold) - s->h_start;
            s->h_cls_len = a->cls_len;
        }

        s->h_own = sf_stream_own_flags(tag, a);
    }

    /* a link held as a block by its class is the block's own link 1 */
    if (anon || tag->tag == SF_TAG_A) {
        sf_stream_held_inline(s, tag, a);
    }
}


/* Text directly in a container: an anonymous block starts at start. */
static void
sf_stream_start_anon(sf_stream_t *s, size_t start, uint64_t in_off)
{
    s->mode = SF_MODE_HELD;
    s->anon = 1;
    s->held_pass = 0;
    s->held_tag = SF_TAG_NONE;
    s->held_depth = 0;
    s->h_start = start;
    s->h_tag_len = 0;
    s->h_in_off = in_off;
    s->h_id_len = 0;
    s->h_cls_len = 0;
    s->h_own = 0;
    s->text_len = 0;
    s->text_over = 0;
    s->nlinks = 0;
    s->link_open = 0;
}


static int
sf_stream_has_text(sf_stream_t *s)
{
    size_t  i;

    for (i = 0; i < s->text_len; i++) {
        if (!sf_stream_space(s->text[i])) {
            return 1;
        }
    }

    return 0;
}


static void
sf_stream_report(sf_stream_t *s, const char *rule_id, sf_action_e action,
    size_t bytes, uint64_t offset)
{
    sf_decision_t  d;

    static const char  *names[] = {
        "keep", "drop", "drop-source", "keep-source", "replace"
    };

    if (s->opt.on_decision == NULL) {
        return;
    }

    d.rule_id = rule_id;
    d.action = (unsigned) action < 5 ? names[action] : "?";
    d.bytes = bytes;
    d.offset = offset;

    s->opt.on_decision(s->opt.on_decision_ctx, &d);
}


/* Decide the held block [h_start, end) and act on it. */
static void
sf_stream_decide(sf_stream_t *s, size_t end)
{
    size_t                 i, len;
    unsigned               own, flags;
    sf_elt_t              *parent;
    sf_link_t             *l;
    sf_slink_t            *sl;
    sf_block_t             b;
    sf_action_e            act;
    const unsigned char   *base;
    sf_decision_result_t   res;

    memset(&b, 0, sizeof(sf_block_t));
    base = s->hold + s->h_start;

    b.tag = s->held_tag;
    own = s->h_own;

    if (s->h_id_len > 0) {
        b.id = base + s->h_id;
        b.id_len = s->h_id_len;
    }

    if (s->h_cls_len > 0) {
        b.cls = base + s->h_cls;
        b.cls_len = s->h_cls_len;
    }

    if (s->depth > 0) {
        parent = &s->stack[s->depth - 1];

        if (parent->id_len > 0) {
            b.parent_id = s->arena + parent->id;
            b.parent_id_len = parent->id_len;
        }

        if (parent->cls_len > 0) {
            b.parent_cls = s->arena + parent->cls;
            b.parent_cls_len = parent->cls_len;
        }
    }

    b.raw = base;
    b.raw_len = end - s->h_start;
    b.text = s->text;
    b.text_len = s->text_len;

    for (i = 0; i < s->nlinks; i++) {
        sl = &s->slinks[i];
        l = &s->links[i];

        l->href = sl->href_len ? base + sl->href : NULL;
        l->href_len = sl->href_len;
        l->rel = sl->rel_len ? base + sl->rel : NULL;
        l->rel_len = sl->rel_len;
        l->cls = sl->cls_len ? base + sl->cls : NULL;
        l->cls_len = sl->cls_len;
        l->text_start = sl->text_start;
        l->text_end = sl->text_end > s->text_len ? s->text_len
                                                 : sl->text_end;
    }

    b.links = s->links;
    b.nlinks = s->nlinks;

    flags = sf_stream_flags(s) | own;

    if (s->anon) {
        flags |= SF_BLOCK_ANONYMOUS;
    }

    if ((flags & SF_BLOCK_IN_ENTRY) && s->held_tag != SF_TAG_H1
        && !s->first_done && sf_stream_has_text(s))
    {
        flags |= SF_BLOCK_FIRST_IN_ENTRY;
        s->first_done = 1;
    }

    b.flags = flags;
    b.index = s->blocks++;
    b.title = s->title_len ? s->title : NULL;
    b.title_len = s->title_len;

    sf_rules_decide(s->rules, s->match, &b, &res);

    s->stats.blocks_held++;

    if (res.limit_hit) {
        sf_stream_pass(s, SF_PASS_REGEX);
    }

    act = res.action;

    /* whatever a rule says, quotes and existing comments stay */
    if (flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS)) {
        act = SF_ACT_KEEP;
    }

    if (s->text_over && act == SF_ACT_KEEP) {
        sf_stream_pass(s, SF_PASS_TEXT);
    }

    if (res.rule_id != NULL && act != SF_ACT_KEEP) {
        s->stats.rules_fired++;
        sf_stream_report(s, res.rule_id, act, b.raw_len, s->h_in_off);
    }

    if (act != SF_ACT_KEEP && act != SF_ACT_DROP && res.source != NULL) {
        sf_stream_learn(s, res.source, res.source_len, res.source_name,
                        res.source_name_len);
    }

    if (s->held_tag == SF_TAG_H1) {
        if (flags & SF_BLOCK_IN_ENTRY) {
            s->first_done = 0;
        }

        len = s->text_len;
        sf_stream_title_set(s, s->text, len,
                            (flags & SF_BLOCK_IN_ENTRY) ? 4 : 3);
    }

    if (act != SF_ACT_KEEP && act != SF_ACT_KEEP_SOURCE) {
        s->stats.blocks_removed++;
    }

    if (act == SF_ACT_KEEP_SOURCE) {
        s->credit_done = 1;
    }

    if (s->opt.report || act == SF_ACT_KEEP || act == SF_ACT_KEEP_SOURCE) {
        sf_stream_queue(s, base, b.raw_len);
        return;
    }

    if (act == SF_ACT_DROP_SOURCE || act == SF_ACT_REPLACE) {
        sf_stream_credit(s);
    }
}


/* The held block ends: with or without the token that ended it. */
static void
sf_stream_block_end(sf_stream_t *s, int with_token)
{
    size_t  end;

    end = with_token ? s->hold_len : s->t_start;

    if (s->held_pass) {
        if (with_token) {
            sf_stream_queue_token(s);
        }

    } else {
        sf_stream_decide(s, end);
    }

    s->mode = SF_MODE_PASS;
    s->held_pass = 0;
    s->anon = 0;
}


/* A block-level element opened inside the held one: it is a container. */
static void
sf_stream_container(sf_stream_t *s)
{
    sf_tag_t    tag;
    sf_attrs_t  a;

    if (sf_tag_is_block(s->held_tag)
        && sf_tag_parse(&tag, s->hold + s->h_start, s->h_tag_len) == 0)
    {
        sf_stream_attrs(&tag, &a);
        sf_stream_push(s, &tag, &a);
    }

    if (!s->held_pass) {
        sf_stream_queue(s, s->hold + s->h_start, s->t_start - s->h_start);
    }

    s->mode = SF_MODE_PASS;
    s->held_pass = 0;
}


/*
 * Whether a rule's scope names this inline element by class or id: it is
 * then a block of its own even inside a held block (a WP RSS Aggregator
 * <span class="feed-source"> in a meta <div>).
 */
static int
sf_stream_named(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    const char  *rule_id;

    if (a->id == NULL && a->cls == NULL) {
        return 0;
    }

    return sf_rules_select(s->rules, tag->tag, a->id, a->id_len, a->cls,
                           a->cls_len, &rule_id)
           != SF_SELECT_NONE;
}


static void
sf_stream_held_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    sf_tag_e  t;

    t = tag->tag;

    if (!tag->end && !sf_tag_is_block(t) && sf_stream_named(s, tag, a)) {
        /* an inline element does not close the held one: split around it */
        if (s->anon) {
            sf_stream_block_end(s, 0);

        } else {
            sf_stream_container(s);
        }

        sf_stream_pass_tag(s, tag, a);
        return;
    }

    if (!tag->end) {
        if (sf_tag_is_block(t)) {
            if (s->anon || sf_stream_closes(s->held_tag, t)
                || !sf_tag_is_block(s->held_tag))
            {
                if (!s->anon && !sf_tag_is_block(s->held_tag)) {
                    sf_stream_container(s);
                } else {
                    sf_stream_block_end(s, 0);
                }

            } else {
                sf_stream_container(s);
            }

            sf_stream_pass_tag(s, tag, a);
            return;
        }

        if (t == s->held_tag && !sf_tag_is_void(t) && !s->anon) {
            s->held_depth++;
        }

    } else {
        if (!s->anon && t == s->held_tag) {
            if (s->held_depth == 0) {
                sf_stream_block_end(s, 1);
                return;
            }

            s->held_depth--;

        } else if (sf_tag_is_block(t)) {
            /* an ancestor's end, or a stray one: the block is over */
            sf_stream_block_end(s, 0);
            sf_stream_pass_tag(s, tag, a);
            return;
        }
    }

    if (s->held_pass) {
        sf_stream_queue_token(s);
        return;
    }

    sf_stream_held_inline(s, tag, a);
}


/* ---- dropped elements --------------------------------------------------- */


static void
sf_stream_drop_end(sf_stream_t *s)
{
    s->mode = SF_MODE_PASS;
    sf_stream_report(s, s->drop_rule, SF_ACT_DROP, s->drop_bytes,
                     s->drop_in_off);
}


/* The current token goes with the dropped element. */
static void
sf_stream_drop_token(sf_stream_t *s)
{
    s->drop_bytes += s->hold_len - s->t_start;

    if (s->opt.report) {
        sf_stream_queue_token(s);
        return;
    }

    s->hold_len = s->t_start;
}


static void
sf_stream_start_drop(sf_stream_t *s, sf_tag_t *tag, const char *rule_id)
{
    s->mode = SF_MODE_DROP;
    s->drop_tag = tag->tag;
    s->drop_depth = 0;
    s->drop_rule = rule_id;
    s->drop_bytes = 0;
    s->drop_in_off = s->t_in_off;
    s->stats.blocks_removed++;
    s->stats.rules_fired++;

    sf_stream_drop_token(s);

    if (sf_tag_is_void(tag->tag)) {
        sf_stream_drop_end(s);
    }
}


static void
sf_stream_drop_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    sf_tag_e  t;

    t = tag->tag;

    if (!tag->end) {
        if (t == s->drop_tag) {
            s->drop_depth++;
        }

        sf_stream_drop_token(s);
        return;
    }

    if (t == s->drop_tag) {
        sf_stream_drop_token(s);

        if (s->drop_depth == 0) {
            sf_stream_drop_end(s);
            return;
        }

        s->drop_depth--;
        return;
    }

    if (t == SF_TAG_BODY || t == SF_TAG_HTML
        || (sf_tag_is_block(t) && sf_stream_open(s, t)))
    {
        sf_stream_drop_end(s);
        sf_stream_pass_tag(s, tag, a);
        return;
    }

    sf_stream_drop_token(s);
}


/* ---- the head after a held canonical ------------------------------------ */


static int
sf_stream_ends_head(sf_tag_t *tag)
{
    sf_tag_e  t;

    t = tag->tag;

    if (tag->end) {
        return t == SF_TAG_HEAD || t == SF_TAG_BODY || t == SF_TAG_HTML;
    }

    return t == SF_TAG_BODY
           || (sf_tag_is_block(t) && t != SF_TAG_HTML && t != SF_TAG_HEAD);
}


static void
sf_stream_headhold_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    size_t  rest;

    if (sf_stream_ends_head(tag)) {
        rest = s->h_start + s->canon_len;

        if (s->src_len > 0) {
            sf_stream_queue_canonical(s);
            sf_stream_queue(s, s->hold + rest, s->t_start - rest);

        } else {
            sf_stream_queue(s, s->hold + s->h_start, s->t_start - s->h_start);
        }

        s->mode = SF_MODE_PASS;
        sf_stream_pass_tag(s, tag, a);
        return;
    }

    if (tag->end) {
        if (tag->tag == SF_TAG_TITLE && s->title_capture) {
            sf_stream_title_end(s);
        }

        return;
    }

    if (tag->tag == SF_TAG_LINK && sf_stream_list_has(a->rel, a->rel_len,
                                                      "canonical"))
    {
        /* a second canonical: leave the head as it is */
        sf_stream_queue(s, s->hold + s->h_start, s->hold_len - s->h_start);
        s->mode = SF_MODE_PASS;

    } else if (tag->tag == SF_TAG_META) {
        sf_stream_meta(s, tag);

    } else if (tag->tag == SF_TAG_TITLE && s->title_level == 0) {
        s->title_capture = 1;
        s->title_len = 0;
    }
}


/* ---- outside blocks ----------------------------------------------------- */


static void
sf_stream_pass_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    sf_tag_e              t;
    sf_select_e           sel;
    const char           *rule_id;

    t = tag->tag;

    if (s->in_head) {
        if (sf_stream_ends_head(tag)) {
            sf_stream_head_end(s);

        } else {
            if (!tag->end) {
                if (t == SF_TAG_LINK && sf_stream_canonical(s, a)) {
                    return;
                }

                if (t == SF_TAG_META) {
                    sf_stream_meta(s, tag);

                } else if (t == SF_TAG_TITLE && s->title_level == 0) {
                    s->title_capture = 1;
                    s->title_len = 0;
                }

            } else if (t == SF_TAG_TITLE && s->title_capture) {
                sf_stream_title_end(s);
            }

            sf_stream_queue_token(s);
            return;
        }
    }

    if (tag->end) {
        if (sf_tag_is_block(t) && t != SF_TAG_HEAD) {
            if (t == SF_TAG_ARTICLE || t == SF_TAG_BODY || t == SF_TAG_HTML) {
                sf_stream_credit(s);
            }

            sf_stream_pop(s, t);
        }

        sf_stream_queue_token(s);
        return;
    }

    switch (t) {

    case SF_TAG_HEAD:
        if (!s->head_seen && !s->in_body) {
            s->in_head = 1;
            s->head_seen = 1;
        }

        /* fall through */

    case SF_TAG_HTML:
        sf_stream_queue_token(s);
        return;

    case SF_TAG_BODY:
        s->in_body = 1;
        s->head_seen = 1;
        sf_stream_push(s, tag, a);
        sf_stream_queue_token(s);
        return;

    default:
        break;
    }

    if (sf_tag_is_block(t)) {
        sf_stream_implicit_close(s, t);
        s->in_body = 1;
        s->head_seen = 1;

    } else if (!s->in_body || sf_tag_is_rawtext(t) || t == SF_TAG_LINK
               || t == SF_TAG_META)
    {
        sf_stream_queue_token(s);
        return;
    }

    rule_id = NULL;
    sel = sf_rules_select(s->rules, t, a->id, a->id_len, a->cls, a->cls_len,
                          &rule_id);

    if (sel == SF_SELECT_DROP) {
        sf_stream_start_drop(s, tag, rule_id);
        return;
    }

    if (sel == SF_SELECT_HOLD) {
        sf_stream_start_held(s, tag, a, 0);

        if (sf_tag_is_void(t)) {
            sf_stream_block_end(s, 1);
        }

        return;
    }

    if (sf_tag_is_block(t)) {
        sf_stream_push(s, tag, a);
        sf_stream_queue_token(s);
        return;
    }

    /* inline markup directly in a container starts an anonymous block */
    sf_stream_start_held(s, tag, a, 1);
}


/* ---- tokens ------------------------------------------------------------- */


/* A complete markup token sits at [t_start, hold_len). */
static void
sf_stream_token(sf_stream_t *s)
{
    sf_tag_t    tag;
    sf_attrs_t  a;

    s->tok = 0;

    if (sf_tag_parse(&tag, s->hold + s->t_start, s->hold_len - s->t_start)
        != 0)
    {
        /* "</>": nothing to look at */
        switch (s->mode) {
        case SF_MODE_PASS:
            sf_stream_queue_token(s);
            break;
        case SF_MODE_HELD:
            if (s->held_pass) {
                sf_stream_queue_token(s);
            }
            break;
        case SF_MODE_DROP:
            sf_stream_drop_token(s);
            break;
        default:
            break;
        }

        return;
    }

    /* one pass over the attributes, for the start tags that need them */
    if (!tag.end && (s->mode == SF_MODE_PASS || s->mode == SF_MODE_HELD
                     || (s->mode == SF_MODE_HEADHOLD
                         && (sf_tag_is_block(tag.tag)
                             || tag.tag == SF_TAG_LINK))))
    {
        sf_stream_attrs(&tag, &a);

    } else {
        memset(&a, 0, sizeof(sf_attrs_t));
    }

    switch (s->mode) {
    case SF_MODE_PASS:
        sf_stream_pass_tag(s, &tag, &a);
        break;
    case SF_MODE_HELD:
        sf_stream_held_tag(s, &tag, &a);
        break;
    case SF_MODE_HEADHOLD:
        sf_stream_headhold_tag(s, &tag, &a);
        break;
    case SF_MODE_DROP:
        sf_stream_drop_tag(s, &tag, &a);
        break;
    }
}


/* The bytes of the current markup token were text, raw text or opaque. */
static void
sf_stream_retype(sf_stream_t *s)
{
    size_t          len;
    unsigned char  *p;
    sf_lex_kind_e   kind;

    if (!s->tok) {
        s->tok_over = 0;
        return;
    }

    s->tok = 0;
    kind = s->lx.kind;
    p = s->hold + s->t_start;
    len = s->hold_len - s->t_start;

    switch (s->mode) {

    case SF_MODE_PASS:
        if (kind == SF_LEX_TEXT && s->in_body && !s->in_head) {
            /* "<3" in a container: inline content */
            sf_stream_start_anon(s, s->t_start, s->t_in_off);
            sf_stream_text_add(s, p, len);
            return;
        }

        if (kind == SF_LEX_RAW && s->title_capture) {
            sf_stream_title_add(s, p, len);
        }

        sf_stream_queue(s, p, len);
        return;

    case SF_MODE_HELD:
        if (s->held_pass) {
            sf_stream_queue(s, p, len);

        } else if (kind == SF_LEX_TEXT) {
            sf_stream_text_add(s, p, len);
        }

        return;

    case SF_MODE_HEADHOLD:
        if (kind == SF_LEX_RAW && s->title_capture) {
            sf_stream_title_add(s, p, len);
        }

        return;

    case SF_MODE_DROP:
        s->tok = 1;
        sf_stream_drop_token(s);
        s->tok = 0;
        return;
    }
}


/* The hold-back buffer is full and more bytes need it: fail open. */
static void
sf_stream_overflow(sf_stream_t *s)
{
    size_t  upto;

    switch (s->mode) {

    case SF_MODE_HELD:
    case SF_MODE_HEADHOLD:
        if ((s->mode == SF_MODE_HELD && s->held_pass)) {
            break;
        }

        sf_stream_pass(s, SF_PASS_HOLDBACK);

        upto = (s->tok && s->t_start > s->h_start) ? s->t_start
                                                   : s->hold_len;
        sf_stream_queue(s, s->hold + s->h_start, upto - s->h_start);

        if (s->tok && upto == s->hold_len) {
            s->tok = 0;
            s->tok_over = 1;
        }

        if (s->mode == SF_MODE_HEADHOLD) {
            s->mode = SF_MODE_PASS;

        } else {
            s->held_pass = 1;
        }

        return;

    case SF_MODE_DROP:
        if (s->tok) {
            sf_stream_drop_token(s);
            s->tok = 0;
            s->tok_over = 1;
        }

        return;

    default:
        break;
    }

    /* a tag alone outgrew the buffer: out it goes, the rest follows it */
    if (s->tok) {
        sf_stream_pass(s, SF_PASS_HOLDBACK);
        sf_stream_queue_token(s);
        s->tok = 0;
        s->tok_over = 1;
    }
}


/* ---- feeding ------------------------------------------------------------ */


enum {
    SF_TO_OUT = 0,
    SF_TO_HOLD,
    SF_TO_NONE
};


static int
sf_stream_step(sf_stream_t *s, sf_io_t *io)
{
    size_t                 n, m, room;
    unsigned               to;
    sf_lex_kind_e          kind;
    sf_lex_event_e         ev;
    const unsigned char   *p;

    kind = s->lx.kind;
    p = io->next_in;
    n = io->avail_in;

    if (s->mode == SF_MODE_PASS && kind == SF_LEX_TEXT && s->in_body
        && !s->in_head && sf_lexer_in_text(&s->lx))
    {
        /* white space between blocks flows; anything else is inline */
        m = 0;

        while (m < n && m < io->avail_out && sf_stream_space(p[m])) {
            m++;
        }

        if (m > 0) {
            memcpy(io->next_out, p, m);
            io->next_out += m;
            io->avail_out -= m;
            io->next_in += m;
            io->avail_in -= m;
            s->stats.bytes_out += m;
            s->stats.bytes_in += m;
            return SF_OK;
        }

        if (p[0] != '<') {
            if (!sf_stream_space(p[0])) {
                sf_stream_start_anon(s, s->hold_len, s->stats.bytes_in);
                return SF_OK;
            }

            return SF_BUSY;
        }
    }

    if (kind == SF_LEX_MARKUP && !s->tok_over) {
        to = SF_TO_HOLD;

        if (!s->tok) {
            s->tok = 1;
            s->t_start = s->hold_len;
            s->t_in_off = s->stats.bytes_in;
        }

    } else if (s->mode == SF_MODE_DROP) {
        to = s->opt.report ? SF_TO_OUT : SF_TO_NONE;

    } else if (s->mode == SF_MODE_PASS
               || (s->mode == SF_MODE_HELD && s->held_pass))
    {
        to = SF_TO_OUT;

    } else {
        to = SF_TO_HOLD;
    }

    if (to == SF_TO_OUT) {
        if (io->avail_out == 0) {
            return SF_BUSY;
        }

        if (n > io->avail_out) {
            n = io->avail_out;
        }

    } else if (to == SF_TO_HOLD) {
        room = s->hold_cap - s->hold_len;

        if (room == 0) {
            sf_stream_overflow(s);
            return SF_OK;
        }

        if (n > room) {
            n = room;
        }
    }

    m = sf_lexer_scan(&s->lx, p, n, &ev);

    if (to == SF_TO_OUT) {
        memcpy(io->next_out, p, m);
        io->next_out += m;
        io->avail_out -= m;
        s->stats.bytes_out += m;

    } else if (to == SF_TO_HOLD) {
        memcpy(s->hold + s->hold_len, p, m);
        s->hold_len += m;

        if (kind == SF_LEX_TEXT && s->mode == SF_MODE_HELD) {
            sf_stream_text_add(s, p, m);
        }
    }

    if (kind == SF_LEX_RAW && s->title_capture) {
        sf_stream_title_add(s, p, m);
    }

    if (s->mode == SF_MODE_DROP && kind != SF_LEX_MARKUP) {
        s->drop_bytes += m;
    }

    io->next_in += m;
    io->avail_in -= m;
    s->stats.bytes_in += m;

    if (ev == SF_LEX_END) {
        if (kind == SF_LEX_MARKUP) {
            if (s->tok_over) {
                s->tok_over = 0;

            } else {
                sf_stream_token(s);
            }
        }

    } else if (ev == SF_LEX_RETYPE) {
        sf_stream_retype(s);
    }

    return SF_OK;
}


/* No more input: what is still held leaves unchanged. */
static void
sf_stream_end_input(sf_stream_t *s)
{
    if (s->tok) {
        s->tok = 0;

        switch (s->mode) {
        case SF_MODE_PASS:
            sf_stream_queue_token(s);
            break;
        case SF_MODE_HELD:
            if (s->held_pass) {
                sf_stream_queue_token(s);
            }
            break;
        case SF_MODE_DROP:
            s->tok = 1;
            sf_stream_drop_token(s);
            s->tok = 0;
            break;
        default:
            break;
        }
    }

    s->tok_over = 0;

    switch (s->mode) {
    case SF_MODE_HELD:
        if (!s->held_pass) {
            sf_stream_queue(s, s->hold + s->h_start, s->hold_len - s->h_start);
        }
        break;
    case SF_MODE_HEADHOLD:
        sf_stream_queue(s, s->hold + s->h_start, s->hold_len - s->h_start);
        break;
    case SF_MODE_DROP:
        sf_stream_drop_end(s);
        break;
    default:
        break;
    }

    s->mode = SF_MODE_PASS;
    s->held_pass = 0;
}


int
sf_stream_feed(sf_stream_t *s, sf_io_t *io, unsigned flags)
{
    if (s == NULL || io == NULL || s->done
        || (io->avail_in > 0 && io->next_in == NULL)
        || (io->avail_out > 0 && io->next_out == NULL))
    {
        return SF_ERROR;
    }

    for ( ;; ) {
        if (s->q_n > 0 && sf_stream_drain(s, io) != SF_OK) {
            return SF_BUSY;
        }

        sf_stream_compact(s);

        if (io->avail_in == 0) {
            break;
        }

        if (s->finished) {
            return SF_ERROR;
        }

        if (sf_stream_step(s, io) == SF_BUSY) {
            return SF_BUSY;
        }
    }

    if (!(flags & SF_FINISH)) {
        return SF_OK;
    }

    if (!s->finished) {
        s->finished = 1;
        sf_stream_end_input(s);

        if (sf_stream_drain(s, io) != SF_OK) {
            return SF_BUSY;
        }
    }

    s->done = 1;

    return SF_DONE;
}


/* ---- life cycle --------------------------------------------------------- */


static void *
sf_stream_alloc(sf_stream_t *s, size_t size)
{
    void  *p;

    p = s->alloc.alloc(s->alloc.ctx, size);

    if (p != NULL) {
        s->stats.memory += size;
    }

    return p;
}


static void
sf_stream_free(const sf_allocator_t *alloc, void *p)
{
    if (p != NULL && alloc->free != NULL) {
        alloc->free(alloc->ctx, p);
    }
}


sf_stream_t *
sf_stream_create(const sf_rules_t *rules, const sf_options_t *options,
    const sf_allocator_t *alloc)
{
    size_t          n, tl;
    sf_stream_t    *s;
    sf_options_t    def;
    char            url[SF_SOURCE_SIZE];

    if (rules == NULL || alloc == NULL || alloc->alloc == NULL) {
        return NULL;
    }

    if (options == NULL) {
        sf_options_init(&def);
        options = &def;
    }

    s = alloc->alloc(alloc->ctx, sizeof(sf_stream_t));
    if (s == NULL) {
        return NULL;
    }

    memset(s, 0, sizeof(sf_stream_t));

    s->rules = rules;
    s->opt = *options;
    s->alloc = *alloc;
    s->stats.memory = sizeof(sf_stream_t);

    /* a tag must fit whole, and a limit of 0 would never move */
    if (s->opt.limits.max_holdback < 64) {
        s->opt.limits.max_holdback = 64;
    }

    if (s->opt.limits.max_text == 0) {
        s->opt.limits.max_text = 1;
    }

    tl = s->opt.credit_template != NULL ? strlen(s->opt.credit_template)
                                        : sizeof(sf_default_credit);

    s->hold_cap = s->opt.limits.max_holdback;
    s->text_cap = s->opt.limits.max_text;
    s->render_cap = SF_RENDER_SIZE + tl;

    s->hold = sf_stream_alloc(s, s->hold_cap);
    if (s->hold == NULL) {
        goto failed;
    }

    s->text = sf_stream_alloc(s, s->text_cap);
    if (s->text == NULL) {
        goto failed;
    }

    n = s->opt.limits.max_links;
    s->slinks = sf_stream_alloc(s, (n ? n : 1) * sizeof(sf_slink_t));
    if (s->slinks == NULL) {
        goto failed;
    }

    s->links = sf_stream_alloc(s, (n ? n : 1) * sizeof(sf_link_t));
    if (s->links == NULL) {
        goto failed;
    }

    s->render = sf_stream_alloc(s, s->render_cap);
    if (s->render == NULL) {
        goto failed;
    }

    s->match = sf_match_create(rules, &s->opt.limits, alloc);
    if (s->match == NULL) {
        goto failed;
    }

    s->stats.memory += sf_match_memory(s->match);

    sf_lexer_init(&s->lx);

    if (s->opt.source != NULL && s->opt.source_len > 0) {
        n = sf_url_clean((const unsigned char *) s->opt.source,
                         s->opt.source_len, 0, url, sizeof(url));

        if (n > 0) {
            sf_stream_learn(s, url, n, NULL, 0);
        }
    }

    /* the option strings belong to the caller; only the clean copy stays */
    s->opt.source = NULL;
    s->opt.source_len = 0;

    return s;

failed:

    sf_stream_destroy(s);

    return NULL;
}


int
sf_stream_holding(const sf_stream_t *s)
{
    return s->q_n > 0 || s->tok
           || (s->mode == SF_MODE_HELD && !s->held_pass)
           || s->mode == SF_MODE_HEADHOLD;
}


const sf_stats_t *
sf_stream_stats(const sf_stream_t *s)
{
    return &s->stats;
}


const char *
sf_stream_source(const sf_stream_t *s, size_t *len)
{
    if (len != NULL) {
        *len = s->src_len;
    }

    return s->src_len > 0 ? s->src : "";
}


const char *
sf_stream_status(const sf_stream_t *s)
{
    static const char  *reasons[SF_PASS_NREASONS] = {
        "passthrough:holdback", "passthrough:text", "passthrough:regex",
        "passthrough:depth"
    };

    if (s->first_limit != 0) {
        return reasons[s->first_limit - 1];
    }

    if (s->opt.report) {
        return "reported";
    }

    if (s->stats.blocks_removed > 0 || s->stats.credits > 0
        || s->stats.canonicals > 0)
    {
        return "rewritten";
    }

    return "unchanged";
}


void
sf_stream_destroy(sf_stream_t *s)
{
    sf_allocator_t  alloc;

    if (s == NULL) {
        return;
    }

    alloc = s->alloc;

    if (s->match != NULL) {
        sf_match_destroy(s->match, &alloc);
    }

    sf_stream_free(&alloc, s->render);
    sf_stream_free(&alloc, s->links);
    sf_stream_free(&alloc, s->slinks);
    sf_stream_free(&alloc, s->text);
    sf_stream_free(&alloc, s->hold);
    sf_stream_free(&alloc, s);
}
