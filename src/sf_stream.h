/*
 * sf_stream.h: the stream's own state, shared by the files of the stream
 * and by nothing else (the public API is sf.h).
 *
 *     sf_stream.c         the feed loop, the output queue, tokens, life cycle
 *     sf_stream_elt.c     open block-level elements and their attributes
 *     sf_stream_block.c   held blocks, their decision, elements dropped whole
 *     sf_stream_head.c    the head: canonical, head sources, the page title
 *     sf_stream_source.c  the source learned and the credit
 */

#ifndef SF_STREAM_H_INCLUDED
#define SF_STREAM_H_INCLUDED

#include <stddef.h>
#include <string.h>
#ifdef SF_QUEUE_CHECK
#include <stdlib.h>
#endif

#include "sf_block.h"
#include "sf_explain.h"
#include "sf_lexer.h"
#include "sf_out.h"


#define SF_STACK_MAX      64        /* open block-level elements tracked */
#define SF_ARENA_SIZE     2048      /* their id and class values */
#define SF_TITLE_SIZE     512
#define SF_SOURCE_SIZE    2049      /* a clean URL is at most 2 KiB */
#define SF_NAME_SIZE      256
#define SF_JSKEY_SIZE     10        /* longer than any key looked for */
#define SF_CARRY_MAX      16384     /* of an input's tail kept (uint16_t) */
#define SF_CARRY_NEAR     768       /* a block this near the end: kept */
#define SF_REPLAY_HEAD    1024      /* of the next input copied after it */

/*
 * The output queue (sf_stream_queue()).  The feed loop drains it before it
 * reads the next token, and one token queues at most 4 segments: a
 * released block or head hold, the canonical, the credit, the token.
 * Page bytes never lose their slot: an insertion (the canonical or the
 * credit, bytes in s->render) is queued only while SF_QUEUE_PAGE slots
 * stay free after it, more than the page segments of one token (2).
 * tests/unit/queue builds the engine with a smaller queue to reach the
 * guards.
 */
#ifndef SF_QUEUE_MAX
#define SF_QUEUE_MAX      8
#endif
#ifndef SF_QUEUE_PAGE
#define SF_QUEUE_PAGE     4
#endif

#if SF_QUEUE_PAGE >= SF_QUEUE_MAX
#error "SF_QUEUE_PAGE must leave room for an insertion"
#endif

/*
 * The buffers of the source URL, sized from the longest URL the stream
 * keeps (url, limits.max_url): the source and the footer's source, the
 * JSON-LD isBasedOn URL being read, and our head canonical, apart from
 * the credit's render buffer (both may wait in the queue at once), with
 * room for the URL with every byte an '&' escaped to "&amp;", so a source
 * kept always fits.  The credit's render buffer: the URL twice, plus the
 * template (4 KiB plus the template at the default 2 KiB URLs).
 */
#define SF_CANON_SIZE(url)                                                   \
    (sizeof("<link rel=\"canonical\" href=\"\">") - 1 + 5 * (url))
#define SF_URLS_SIZE(url)  (3 * (url) + 2 + SF_CANON_SIZE(url))
#define SF_RENDER_SIZE(url)  (2 * (url))
#define SF_BUF_MAX        (1U << 30)  /* hold-back and text buffers */


typedef enum {
    SF_MODE_PASS = 0,               /* outside blocks: bytes flow */
    SF_MODE_HELD,                   /* inside a held block */
    SF_MODE_HEADHOLD,               /* after the head canonical */
    SF_MODE_DROP                    /* inside an element dropped whole */
} sf_mode_e;


/* An open block-level element; offsets are small: the arena is 2 KiB. */
typedef struct {
    sf_tag_e              tag;
    unsigned              flags;    /* SF_BLOCK_*, inherited and own */
    uint16_t              mark;     /* arena length before it */
    uint16_t              id;       /* id and class values in the arena */
    uint16_t              id_len;
    uint16_t              cls;
    uint16_t              cls_len;
    uint16_t              comments; /* its own id or class names comments */
} sf_elt_t;


/*
 * What the rules tell of one kind of bare block (sf_rules_bare()), kept
 * per stream in a small table indexed by the tag and whether the block
 * has links (sf_stream_bare_below()): key 0 is empty, else
 * the kind with SF_BARE_KEY set; below is sf_bare_t's below cut to
 * SF_BARE_MAX (a longer text is then left to the full way: never kept
 * where the rules would not keep it), with SF_BARE_CALM for calm.  Four
 * bytes an entry: the router profile's stream stays within 16 KiB.
 */
typedef struct {
    uint16_t              key;
    uint16_t              below;
} sf_bare_memo_t;

#define SF_BARE_MEMO      16
#define SF_BARE_KEY       0x8000u
#define SF_BARE_CALM      0x8000u
#define SF_BARE_MAX       0x7fffu


/* An attribute value, raw (entities intact); data NULL when absent. */
typedef struct {
    const unsigned char  *data;
    size_t                len;
} sf_stream_val_t;


/*
 * The attributes the stream looks at, found in one pass over a tag, and
 * only when some use asks for them (sf_stream_attrs()): most tags are end
 * tags, inline tags or head tags whose attributes decide nothing.
 */
typedef struct {
    const sf_tag_t       *tag;
    unsigned              parsed;
    sf_stream_val_t       id;
    sf_stream_val_t       cls;
    sf_stream_val_t       href;
    sf_stream_val_t       rel;
    sf_stream_val_t       itemprop;
    sf_stream_val_t       content;          /* of meta */
    sf_stream_val_t       property;
    sf_stream_val_t       name;
} sf_attrs_t;


/* A word and what it stands for, in the stream's small lookup tables. */
typedef struct {
    const char           *word;
    size_t                len;
    size_t                value;            /* a flag, an offset */
} sf_stream_word_t;


/*
 * A link of the held block, as offsets from the block's start (the block
 * may move to the buffer's start while it is held); 32 bits suffice, the
 * buffers are capped at SF_BUF_MAX.
 */
typedef struct {
    uint32_t              href;
    uint32_t              href_len;
    uint32_t              rel;
    uint32_t              rel_len;
    uint32_t              cls;
    uint32_t              cls_len;
    uint32_t              text_start;
    uint32_t              text_end;
} sf_slink_t;


struct sf_stream_s {
    const sf_rules_t     *rules;
    sf_options_t          opt;
    sf_allocator_t        alloc;
    sf_lexer_t            lx;
    sf_match_t           *match;            /* the decision scratch */
    sf_match_t           *own;              /* match when it is not
                                               options.scratch, or NULL */
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

    /* the shape detector's scratch (sf_shape.h), NULL when it is off;
       of the decision scratch */
    unsigned char        *shape;

    /* NULL unless options.on_explain is set (sf_explain.h) */
    sf_explainer_t       *explain;

    unsigned char        *render;
    size_t                render_cap;

    /* one allocation (SF_URLS_SIZE), see SF_CANON_SIZE */
    char                 *src;              /* url_cap + 1 */
    char                 *foot;             /* url_cap + 1 */
    unsigned char        *js_url;           /* url_cap */
    unsigned char        *canon;            /* canon_cap */
    size_t                url_cap;
    size_t                canon_cap;

    /* the caller's cursor while sf_stream_feed() runs, NULL otherwise */
    sf_io_t              *io;

    sf_out_seg_t          queue[SF_QUEUE_MAX];
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
    sf_tag_e              long_tag;         /* sf_stream_short_run() */
    uint64_t              h_in_off;         /* offset in the input */
    sf_bare_memo_t        bare[SF_BARE_MEMO];   /* sf_stream_bare_kept() */
    uint64_t              short_tags;       /* sf_stream_short_init() */
    uint64_t              whole_tags;
    uint64_t              flow_tags;

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

    unsigned              code;             /* open <code> elements */

    unsigned              blocks;           /* block index */
    unsigned              first_limit;      /* reason + 1 of the first */
    unsigned              depth;
    unsigned              deep;             /* nesting beyond the stack */
    size_t                arena_len;

    size_t                title_len;
    unsigned              title_level;      /* 1 title, 2 og, 3-4 h1 */

    size_t                src_len;
    size_t                name_len;

    /* the built-in credit in the page's language, NULL: English */
    const char           *lang_credit;

    /* the isBasedOn matcher of a head JSON-LD script (sf_stream_head.c) */
    unsigned              js_state;
    unsigned              js_depth;         /* in the isBasedOn object */
    unsigned              js_hex;           /* a \uXXXX escape so far */
    unsigned              js_nhex;
    size_t                js_klen;
    size_t                js_ulen;

    unsigned              tok:1;            /* a token is in hold */
    unsigned              tok_over:1;       /* ... and outgrew it */
    /* sf_stream_replay()'s copy is read: one token a turn of the loop */
    unsigned              replaying:1;
    unsigned              anon:1;           /* the held block is anonymous */
    unsigned              h_code:1;         /* ... touched a <code> */
    unsigned              held_pass:1;      /* it outgrew the hold-back */
    unsigned              text_over:1;
    unsigned              in_head:1;
    unsigned              head_seen:1;
    unsigned              in_body:1;
    unsigned              canon_seen:1;
    unsigned              credit_done:1;
    unsigned              src_given:1;      /* the source came with options */
    unsigned              first_done:1;
    unsigned              title_capture:1;
    unsigned              finished:1;
    unsigned              done:1;
    unsigned              broken:1;         /* page bytes found no slot */
    unsigned              avx2:1;           /* the CPU has AVX2 */
    /* a rule may take a bare block: sf_stream_bare_kept() */
    unsigned              bare_text:1;
    /* this input is not the last: its tail may be kept (sf_stream_carry) */
    unsigned              carry_ok:1;
    /* the whole reader stopped at the input's end: the block is cut */
    unsigned              cut:1;

    sf_elt_t              stack[SF_STACK_MAX];
    unsigned char         arena[SF_ARENA_SIZE];
    unsigned char         title[SF_TITLE_SIZE];
    char                  name[SF_NAME_SIZE];
    unsigned char         js_key[SF_JSKEY_SIZE];

    /*
     * The tail of the last input, from a block's start tag that no reader
     * took, kept at the hold-back's end and read again ahead of the next
     * input (sf_stream_carry()); in the padding before foot_len
     */
    uint16_t              carry;

    /* the first source a footer named, whatever the page's source is */
    size_t                foot_len;
};


/* The credit when the options give no template. */
extern const char  sf_stream_default_credit[];
extern const size_t  sf_stream_default_credit_len;


static inline int
sf_stream_space(unsigned char c)
{
    /* ' ', '\t', '\n', '\f', '\r' as bits: one test */
    return c <= ' ' && ((0x100003600ULL >> c) & 1);
}


/*
 * The next word of a space-separated list (class, rel) at or after *p,
 * *p moved past it; NULL when no word is left.
 */
static inline const unsigned char *
sf_stream_word(const unsigned char **p, const unsigned char *end,
    size_t *len)
{
    const unsigned char  *q, *word;

    q = *p;

    while (q < end && sf_stream_space(*q)) {
        q++;
    }

    word = q;

    while (q < end && !sf_stream_space(*q)) {
        q++;
    }

    *p = q;
    *len = (size_t) (q - word);

    return (q > word) ? word : NULL;
}


/*
 * What the handler of a mode (held block, dropped element, held head) did
 * with a tag: took it, or ended its mode on it (the mode is PASS again)
 * and leaves the tag to be read anew as outside any block.  The feed loop
 * alone goes on with it: no handler calls back into the loop.
 */
typedef enum {
    SF_TAG_TAKEN = 0,
    SF_TAG_AGAIN
} sf_verdict_e;


/* A limit was hit: the bytes pass unchanged, and it is counted. */
static inline void
sf_stream_pass(sf_stream_t *s, sf_pass_reason_e reason)
{
    if (s->first_limit == 0) {
        s->first_limit = reason + 1;
    }

    s->stats.passthrough[reason]++;
}


/*
 * A start tag with attributes at p (len bytes readable there) where the
 * fused loop reads tags, in PASS in the body, that the scratch remembers
 * (sf_match_tag(): a block's start tag sf_stream_open_block() kept): not
 * lexed, the lexer left as sf_lexer_tag() leaves it but for the
 * attributes' record, not whole (a reader of it reads the bytes); the
 * slot, which has them, and the tag's length.  NULL, the lexer
 * untouched, for the others.
 */
const sf_tag_memo_t *sf_stream_known_tag(sf_stream_t *s,
    const unsigned char *p, size_t len);


/* A whole tag at p ('<') within len bytes, read by the lexer: its length,
 * or 0 (the lexer untouched). */
static inline size_t
sf_stream_read_tag(sf_stream_t *s, const unsigned char *p, size_t len)
{
    size_t  m;

    if (len >= 8) {
        m = sf_lexer_short_tag(&s->lx, p, len);

        if (m != 0) {
            return m;
        }
    }

    return sf_lexer_tag(&s->lx, p, len);
}


/* The tag of m bytes at p the lexer read last, as handlers take it. */
static inline void
sf_stream_lexed_tag(const sf_stream_t *s, sf_tag_t *tag,
    const unsigned char *p, size_t m)
{
    tag->tag = s->lx.tag;
    tag->end = s->lx.end;
    tag->name = p + 1 + tag->end;
    tag->name_len = s->lx.name_len;
    tag->attr_pos = tag->name + tag->name_len;
    tag->attr_end = p + m - 1;

    /*
     * and the attributes, found on the way to the '>' (a tag without
     * attribute bytes, perhaps read by sf_lexer_short_tag(), never looks)
     */
    tag->spans = &s->lx.attrs;
}


/* sf_stream_queue.c */
int sf_stream_queue_wait(sf_stream_t *s, const unsigned char *p, size_t len);
void sf_stream_queue_token(sf_stream_t *s);
int sf_stream_drain(sf_stream_t *s, sf_io_t *io);


/*
 * SF_QUEUE_CHECK (the ASan and fuzz builds): no byte goes straight to the
 * output window while bytes wait in the queue.  The fast paths check the
 * window's room, not the queue, as bytes wait only while the window is
 * full (sf_stream_queue_wait() checks that side); this tells at once
 * when a path breaks either.
 */
#ifdef SF_QUEUE_CHECK
#define sf_stream_check_order(s, n)                                          \
    do {                                                                     \
        if ((n) > 0 && (s)->q_n > 0) {                                       \
            abort();                                                         \
        }                                                                    \
    } while (0)
#else
#define sf_stream_check_order(s, n)
#endif


/* n bytes into the caller's output window, which has the room. */
static inline void
sf_stream_out(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n)
{
    sf_stream_check_order(s, n);
    memcpy(io->next_out, p, n);
    io->next_out += n;
    io->avail_out -= n;
    s->stats.bytes_out += n;
}


/* n bytes of the input read: past them, and counted. */
static inline void
sf_stream_took(sf_stream_t *s, sf_io_t *io, size_t n)
{
    io->next_in += n;
    io->avail_in -= n;
    s->stats.bytes_in += n;
}


/*
 * A tag or a few spaces at the input's head (p is io->next_in) to the
 * output: one fixed copy of w bytes (a constant: sixteen, thirty-two) when
 * both sides have them rather than a call; the bytes past n in the output
 * window are not sent, and what is sent next writes over them.
 */
static inline void
sf_stream_out_fixed(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t w)
{
    sf_stream_check_order(s, n);

    if (n <= w && io->avail_in >= w && io->avail_out >= w) {
        memcpy(io->next_out, p, w);
        io->next_out += n;
        io->avail_out -= n;
        s->stats.bytes_out += n;
        return;
    }

    sf_stream_out(s, io, p, n);
}

/* sf_stream_out_fixed() of sixteen bytes: most tags. */
static inline void
sf_stream_out_head(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n)
{
    sf_stream_out_fixed(s, io, p, n, 16);
}


/*
 * Bytes to send after those already queued: the common case, nothing
 * waiting and room for all of them, inline in every file that sends.
 */
static inline int
sf_stream_queue(sf_stream_t *s, const unsigned char *p, size_t len)
{
    sf_io_t  *io;

    io = s->io;

    if (len == 0) {
        return 0;
    }

    if (s->q_n == 0 && io != NULL && len <= io->avail_out) {
        sf_stream_out(s, io, p, len);
        return 0;
    }

    return sf_stream_queue_wait(s, p, len);
}

/* The flags of the innermost open element: where new content sits. */
static inline unsigned
sf_stream_flags(sf_stream_t *s)
{
    return s->depth > 0 ? s->stack[s->depth - 1].flags : 0;
}

/*
 * The open element t on top of the others, with own flags own and no id
 * nor class yet; the caller checked there is room (depth below
 * SF_STACK_MAX) and that t is no void element.  Inline: the fused loop
 * opens most containers this way (sf_stream_push_elt() is the whole way).
 */
static inline sf_elt_t *
sf_stream_elt_new(sf_stream_t *s, sf_tag_e t, unsigned own)
{
    sf_elt_t  *e;

    e = &s->stack[s->depth];
    e->tag = t;
    e->flags = sf_stream_flags(s) | own;
    e->comments = (own & SF_BLOCK_IN_COMMENTS) != 0;
    e->mark = (uint16_t) s->arena_len;
    e->id_len = 0;
    e->cls_len = 0;
    s->depth++;

    return e;
}

/* sf_stream_elt.c */
sf_attrs_t *sf_stream_attrs_parse(sf_attrs_t *a);
extern const sf_attrs_t  sf_stream_no_attrs;

/*
 * The attributes of a's tag, parsed at the first use (most need none).
 * An end tag or a tag without attribute bytes has the shared empty set,
 * and a stays as it is: nothing is cleared for the most common tags.  The
 * set is only read (no caller writes through what this returns).
 */
static inline sf_attrs_t *
sf_stream_attrs(sf_attrs_t *a)
{
    if (a->parsed) {
        return a;
    }

    if (a->tag->end || a->tag->attr_pos >= a->tag->attr_end) {
        return (sf_attrs_t *) &sf_stream_no_attrs;
    }

    return sf_stream_attrs_parse(a);
}

/*
 * Whether tag may have an id or a class: 0 only when it surely has
 * neither (an end tag, no attribute bytes, or a whole record of the
 * lexer's without their keys), as sf_stream_attrs_parse() would find.
 * The inline tags of a held block ask this first (sf_stream_named()):
 * most have none, and their other attributes matter to no rule.
 */
static inline int
sf_stream_attrs_named(const sf_tag_t *tag)
{
    unsigned               i;
    const sf_tag_spans_t  *sp;

    if (tag->end || tag->attr_pos >= tag->attr_end) {
        return 0;
    }

    sp = tag->spans;

    if (sp == NULL || sp->n > SF_TAG_SPANS) {
        return 1;
    }

    for (i = 0; i < sp->n; i++) {
        if (sp->attr[i].key == SF_TAG_KEY2('i', 'd')
            || sp->attr[i].key
               == SF_TAG_KEY8('c', 'l', 'a', 's', 's', 0, 0, 0))
        {
            return 1;
        }
    }

    return 0;
}

/*
 * The values of the start tag at p as the scratch's record e of it has
 * them (sf_match_tag()), parsed; and the other way, 0 when a value is not
 * within the tag's m bytes.
 */
void sf_stream_attrs_memo(sf_attrs_t *a, const unsigned char *p,
    const sf_tag_memo_t *e);
int sf_stream_attrs_keep(const sf_attrs_t *a, const unsigned char *p,
    size_t m, sf_tag_memo_t *e);
unsigned sf_stream_attr_flags(sf_tag_e t, sf_attrs_t *a);
sf_select_e sf_stream_select_elt(sf_stream_t *s, sf_tag_e t, sf_attrs_t *a,
    unsigned *own);
void sf_stream_push(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a);
void sf_stream_push_any(sf_stream_t *s, sf_tag_e t, const unsigned char *id,
    size_t id_len, const unsigned char *cls, size_t cls_len, unsigned own);

/*
 * The open element t, with its id and class values (NULL: none) and own
 * flags: a bare one (a container opened by the block readers) set inline,
 * the others by sf_stream_push_any().
 */
static inline void
sf_stream_push_elt(sf_stream_t *s, sf_tag_e t, const unsigned char *id,
    size_t id_len, const unsigned char *cls, size_t cls_len, unsigned own)
{
    if (id == NULL && cls == NULL && s->depth < SF_STACK_MAX
        && !sf_tag_is_void(t))
    {
        (void) sf_stream_elt_new(s, t, own);

        if (own & SF_BLOCK_IN_ENTRY) {
            s->first_done = 0;
        }

        return;
    }

    sf_stream_push_any(s, t, id, id_len, cls, cls_len, own);
}
int sf_stream_open(sf_stream_t *s, sf_tag_e t);
void sf_stream_pop(sf_stream_t *s, sf_tag_e t);

/* sf_stream_pop() inline for the common case: t is the innermost open
 * element, none beyond the stack. */
static inline void
sf_stream_pop_top(sf_stream_t *s, sf_tag_e t)
{
    if (s->deep == 0 && s->depth > 0 && s->stack[s->depth - 1].tag == t) {
        s->depth--;
        s->arena_len = s->stack[s->depth].mark;
        return;
    }

    sf_stream_pop(s, t);
}

int sf_stream_closes(sf_tag_e open, sf_tag_e t);
int sf_stream_in_code(sf_stream_t *s);
void sf_stream_implicit_close_top(sf_stream_t *s, sf_tag_e t);

/* The elements sf_stream_closes() may close, as bits of their ids (all
 * below 64). */
#define SF_STREAM_CLOSABLE                                                   \
    ((1ULL << SF_TAG_P) | (1ULL << SF_TAG_LI) | (1ULL << SF_TAG_DD)          \
     | (1ULL << SF_TAG_DT) | (1ULL << SF_TAG_TD) | (1ULL << SF_TAG_TH)       \
     | (1ULL << SF_TAG_TR) | (1ULL << SF_TAG_H1) | (1ULL << SF_TAG_H2)       \
     | (1ULL << SF_TAG_H3) | (1ULL << SF_TAG_H4) | (1ULL << SF_TAG_H5)       \
     | (1ULL << SF_TAG_H6))

/*
 * The start of block t closes the open elements it ends (a <p> before
 * another block, an <li> before the next): most open elements (div,
 * section, ul, ...) close on nothing, one bit test here.
 */
static inline void
sf_stream_implicit_close(sf_stream_t *s, sf_tag_e t)
{
    sf_tag_e  top;

    if (s->depth == 0 || s->deep > 0) {
        return;
    }

    top = s->stack[s->depth - 1].tag;

    if ((unsigned) top < 64 && ((SF_STREAM_CLOSABLE >> top) & 1)) {
        sf_stream_implicit_close_top(s, t);
    }
}

/* What an element says about where its contents sit by its name alone. */
static inline unsigned
sf_stream_tag_flags(sf_tag_e t)
{
    switch (t) {
    case SF_TAG_ARTICLE:
        return SF_BLOCK_IN_ENTRY;
    case SF_TAG_BLOCKQUOTE:
        return SF_BLOCK_IN_BLOCKQUOTE;
    case SF_TAG_PRE:
        return SF_BLOCK_IN_CODE;
    default:
        return 0;
    }
}

/* What an element itself says about where its contents sit. */
static inline unsigned
sf_stream_own_flags(sf_tag_t *tag, sf_attrs_t *a)
{
    unsigned  flags;

    a = sf_stream_attrs(a);
    flags = sf_stream_tag_flags(tag->tag);

    /* most elements have none of the attributes that place contents */
    if (a->id.data == NULL && a->cls.data == NULL && a->itemprop.data == NULL)
    {
        return flags;
    }

    return flags | sf_stream_attr_flags(tag->tag, a);
}

/*
 * Visible text of the held block, raw, up to the text buffer's end (what
 * does not fit is cut, and text_over says so).  Inline: the feed loop
 * adds every text run of a held block.
 */
static inline void
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

/* sf_stream_block.c */
void sf_stream_start_held(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a,
    int anon);
void sf_stream_start_anon(sf_stream_t *s, size_t start, uint64_t in_off);
void sf_stream_block_end(sf_stream_t *s, int with_token);
void sf_stream_short_init(sf_stream_t *s);
size_t sf_stream_short_run(sf_stream_t *s, sf_io_t *io,
    const unsigned char *p, size_t n, size_t m, size_t *next);
size_t sf_stream_whole_block(sf_stream_t *s, sf_io_t *io,
    const unsigned char *p, size_t n, size_t m, const sf_attrs_t *own_attrs,
    unsigned own, size_t *next);

/*
 * A short block's start tag read in PASS (sf_stream_short_run() tells
 * the rest): the held way's if the start closes an open element; read by
 * sf_stream_whole_block() at once when a tag other than its end follows
 * it (a figure's image), without a call to the short reader first.
 */
static inline size_t
sf_stream_short_block(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, size_t *next)
{
    sf_tag_e  top;

    /* the start closes no open element (sf_stream_implicit_close()) */
    if (s->depth > 0 && s->deep == 0) {
        top = s->stack[s->depth - 1].tag;

        if ((unsigned) top < 64 && ((SF_STREAM_CLOSABLE >> top) & 1)
            && sf_stream_closes(top, s->lx.tag))
        {
            return 0;
        }
    }

    /* a tag right after the start, not its end: no short block */
    if (m + 1 < n && p[m] == '<' && p[m + 1] != '/') {
        return sf_stream_whole_block(s, io, p, n, m, &sf_stream_no_attrs, 0,
                                     next);
    }

    return sf_stream_short_run(s, io, p, n, m, next);
}

/*
 * Whether the tag the lexer read last, m bytes, may begin a short block:
 * a start tag without attributes of s->short_tags (sf_stream_short_init).
 * An end tag is never m == name_len + 2 bytes ("</p>": 4, the name 1).
 */
static inline int
sf_stream_short_start(const sf_stream_t *s, size_t m)
{
    return m == s->lx.name_len + 2
           && (unsigned) s->lx.tag < 64
           && ((s->short_tags >> s->lx.tag) & 1);
}
sf_verdict_e sf_stream_held_tag(sf_stream_t *s, sf_tag_t *tag,
    sf_attrs_t *a);
void sf_stream_held_block(sf_stream_t *s, sf_tag_e t);
void sf_stream_drop_end(sf_stream_t *s);
void sf_stream_drop_token(sf_stream_t *s);
void sf_stream_start_drop(sf_stream_t *s, sf_tag_t *tag, const char *rule_id);
sf_verdict_e sf_stream_drop_tag(sf_stream_t *s, sf_tag_t *tag);

/* sf_stream_head.c */
void sf_stream_title_set(sf_stream_t *s, const unsigned char *p, size_t len,
    unsigned level);
void sf_stream_title_end(sf_stream_t *s);
void sf_stream_title_add(sf_stream_t *s, const unsigned char *p, size_t len);
void sf_stream_meta(sf_stream_t *s, sf_attrs_t *a);
void sf_stream_head_end(sf_stream_t *s);
void sf_stream_head_implied(sf_stream_t *s);
int sf_stream_canonical(sf_stream_t *s, sf_attrs_t *a);
int sf_stream_ends_head(sf_tag_t *tag);
sf_verdict_e sf_stream_headhold_tag(sf_stream_t *s, sf_tag_t *tag,
    sf_attrs_t *a);
void sf_stream_jsonld_tag(sf_stream_t *s, sf_tag_t *tag);
void sf_stream_jsonld(sf_stream_t *s, const unsigned char *p, size_t len);

/* sf_stream_source.c */
void sf_stream_learn(sf_stream_t *s, const char *url, size_t len,
    const char *name, size_t name_len);
void sf_stream_credit(sf_stream_t *s);
void sf_stream_credit_for(sf_stream_t *s, const char *url, size_t len,
    const char *name, size_t name_len);
int sf_stream_comment_list(const unsigned char *v, size_t len);
int sf_stream_comment_word(const unsigned char *w, size_t len);
/* The held block, or the open elements, name a comment area. */
int sf_stream_in_comments(sf_stream_t *s);

/* sf_credit_lang.c */
void sf_stream_lang_tag(sf_stream_t *s, sf_tag_t *tag);
size_t sf_credit_lang_max(void);


#endif /* SF_STREAM_H_INCLUDED */
