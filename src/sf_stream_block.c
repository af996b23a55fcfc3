/*
 * sf_stream_block.c: held blocks and elements dropped whole.
 *
 * A held block collects its bytes in the hold-back buffer and its visible
 * text and links on the side; at its end the rules decide and the block is
 * emitted, dropped or replaced by the credit.  A rule decided by selector
 * alone drops an element at its start tag, holding nothing back.
 */

#include "sf_shape.h"
#include "sf_stream.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#endif

/* the AVX2 rounds of sf_stream_whole_run(), which go with its SSE2 way */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__) \
    && !defined(SF_NO_SIMD)
#include <immintrin.h>
#include "sf_avx2.h"
#define SF_STREAM_AVX2  1
#else
#define SF_STREAM_AVX2  0
#endif

/* A bare block's text this long goes to sf_rules_bare_keep() without
 * the kind's answer (sf_stream_bare_below()), which keeps so long a text
 * only where no rule takes the kind (s->bare_text tells when none may). */
#define SF_STREAM_BARE_LONG  64


static void sf_stream_held_inline(sf_stream_t *s, sf_tag_t *tag,
    sf_attrs_t *a, const unsigned char *base);
static int sf_stream_has_text(sf_stream_t *s);
static void sf_stream_report(sf_stream_t *s, const char *rule_id,
    sf_action_e action, size_t bytes, uint64_t offset);
static unsigned sf_stream_held_flags(sf_stream_t *s, unsigned own);
static void sf_stream_links(sf_stream_t *s, const unsigned char *base);
static void sf_stream_heading_end(sf_stream_t *s, unsigned flags);
static int sf_stream_plain(sf_stream_t *s);
static int sf_stream_bare(sf_stream_t *s);
static int sf_stream_bare_kept(sf_stream_t *s, unsigned flags,
    sf_bare_look_t *look);
static inline void sf_stream_kept(sf_stream_t *s, unsigned flags,
    const unsigned char *base, size_t len);
static void sf_stream_decide(sf_stream_t *s, const unsigned char *base,
    size_t len, int links);
static void sf_stream_decide_block(sf_stream_t *s, sf_block_t *b,
    unsigned flags, int kept, uint64_t may);
static void sf_stream_container(sf_stream_t *s);
static int sf_stream_named(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a);
static sf_verdict_e sf_stream_held_end(sf_stream_t *s, sf_tag_t *tag,
    sf_attrs_t *a);
static sf_verdict_e sf_stream_held_start(sf_stream_t *s, sf_tag_t *tag,
    sf_attrs_t *a);
static sf_verdict_e sf_stream_held_rest(sf_stream_t *s, sf_tag_t *tag,
    sf_attrs_t *a);
static size_t sf_stream_short_entry(sf_stream_t *s, sf_io_t *io,
    const unsigned char *p, size_t n, size_t m, size_t *next, uint64_t word,
    unsigned flags, unsigned below, const unsigned char *q, int calm);
static size_t sf_stream_whole_read(sf_stream_t *s, sf_io_t *io,
    const unsigned char *p, size_t n, size_t m, const sf_attrs_t *own_attrs,
    unsigned own, size_t *next, uint64_t word, const unsigned char *first);
static void sf_stream_whole_end(sf_stream_t *s, sf_io_t *io,
    const unsigned char *p, size_t len, size_t m, const sf_attrs_t *own_attrs,
    unsigned own, sf_tag_e t, size_t k);


/*
 * What an inline tag inside a held block adds: a link (its attributes as
 * offsets from base, the block's first byte), a space.
 */
static void
sf_stream_held_inline(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a,
    const unsigned char *base)
{
    sf_slink_t  *l;

    if (tag->tag == SF_TAG_BR || tag->tag == SF_TAG_HR) {
        sf_stream_text_add(s, (const unsigned char *) " ", 1);
        return;
    }

    if (tag->tag != SF_TAG_A) {
        return;
    }

    if (tag->end) {
        if (s->link_open > 0) {
            s->slinks[s->link_open - 1].text_end = (uint32_t) s->text_len;
            s->link_open = 0;
        }

        return;
    }

    s->link_open = 0;

    if (s->nlinks == s->opt.limits.max_links) {
        return;
    }

    a = sf_stream_attrs(a);

    l = &s->slinks[s->nlinks];
    memset(l, 0, sizeof(sf_slink_t));

    if (a->href.data != NULL) {
        l->href = (uint32_t) (a->href.data - base);
        l->href_len = (uint32_t) a->href.len;
    }

    if (a->rel.data != NULL) {
        l->rel = (uint32_t) (a->rel.data - base);
        l->rel_len = (uint32_t) a->rel.len;
    }

    if (a->cls.data != NULL) {
        l->cls = (uint32_t) (a->cls.data - base);
        l->cls_len = (uint32_t) a->cls.len;
    }

    l->text_start = (uint32_t) s->text_len;
    l->text_end = UINT32_MAX;

    s->nlinks++;
    s->link_open = s->nlinks;
}


/* A line break's space to the block's text: sf_stream_text_add() of one
 * byte, a store rather than a copy of a length the compiler cannot see. */
static inline void
sf_stream_text_space(sf_stream_t *s)
{
    if (s->text_len < s->text_cap) {
        s->text[s->text_len++] = ' ';

    } else {
        s->text_over = 1;
    }
}


/* The link l, just set, opened where the block's text is now: the last
 * of the block's links (sf_stream_whole_inline()). */
static inline void
sf_stream_whole_open(sf_stream_t *s, sf_link_t *l)
{
    l->text_start = s->text_len;
    l->text_end = SIZE_MAX;

    s->nlinks++;
    s->link_open = s->nlinks;
}


/*
 * sf_stream_held_inline() for a block read whole from the input
 * (sf_stream_whole_block()): its links go straight to s->links, where the
 * decision reads them, as pointers into the input, which stays while the
 * block is decided in the same call; a link still open at the block's
 * end is ended there (sf_stream_whole_links()).  The tag is t, an end tag
 * when end (a: none), else a start tag with the attributes a, parsed.
 */
static void
sf_stream_whole_inline(sf_stream_t *s, sf_tag_e t, unsigned end,
    const sf_attrs_t *a)
{
    size_t      n;
    sf_link_t  *l;

    if (t != SF_TAG_A) {
        if (t == SF_TAG_BR || t == SF_TAG_HR) {
            sf_stream_text_space(s);
        }

        return;
    }

    if (end) {
        if (s->link_open > 0) {
            s->links[s->link_open - 1].text_end = s->text_len;
            s->link_open = 0;
        }

        return;
    }

    s->link_open = 0;

    if (s->nlinks == s->opt.limits.max_links) {
        return;
    }

    /* a value absent or empty: NULL, as sf_stream_links() makes it */
    l = &s->links[s->nlinks];
    n = a->href.data != NULL ? a->href.len : 0;
    l->href = n ? a->href.data : NULL;
    l->href_len = n;
    n = a->rel.data != NULL ? a->rel.len : 0;
    l->rel = n ? a->rel.data : NULL;
    l->rel_len = n;
    n = a->cls.data != NULL ? a->cls.len : 0;
    l->cls = n ? a->cls.data : NULL;
    l->cls_len = n;
    sf_stream_whole_open(s, l);
}


/*
 * The link "<a href=\"...\">" of tn bytes at q that sf_lexer_link_len()
 * read: its address is all the held way takes of it (no rel, no class),
 * set here inline, as sf_stream_whole_inline() would.
 */
static inline void
sf_stream_whole_link(sf_stream_t *s, const unsigned char *q, size_t tn)
{
    sf_link_t  *l;

    s->link_open = 0;

    if (s->nlinks == s->opt.limits.max_links) {
        return;
    }

    l = &s->links[s->nlinks];
    l->href = tn > 11 ? q + 9 : NULL;
    l->href_len = tn - 11;
    l->rel = NULL;
    l->rel_len = 0;
    l->cls = NULL;
    l->cls_len = 0;
    sf_stream_whole_open(s, l);
}


#if defined(__SSE2__) && !defined(SF_NO_SIMD)

/* The bits of the '"' among the sixteen bytes at v. */
static inline unsigned
sf_stream_quote16(const unsigned char *v)
{
    return (unsigned) _mm_movemask_epi8(
               _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) v),
                              _mm_set1_epi8('"')));
}

#endif


/*
 * The first '"' at v or after it before end (end16: end - 16, within
 * the input, where its last sixteen bytes start), or NULL: with SSE2 a
 * short value's in one look, one of up to 32 bytes (a date, a class
 * list) in two, cheaper than a call of memchr(); a longer one (an
 * address) by memchr(), which reads it 32 bytes a look.
 */
static inline const unsigned char *
sf_stream_attr_quote_to(const unsigned char *v, const unsigned char *end,
    const unsigned char *end16)
{
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    unsigned  m;

    if (v <= end16) {
        if ((m = sf_stream_quote16(v)) != 0) {
            return v + __builtin_ctz(m);
        }

        v += 16;

        if (v <= end16) {
            if ((m = sf_stream_quote16(v)) != 0) {
                return v + __builtin_ctz(m);
            }

            v += 16;
        }
    }
#else
    (void) end16;
#endif

    return memchr(v, '"', (size_t) (end - v));
}


/* sf_stream_attr_quote_to() where end16 is not known (end - 16 may not
 * be within the input). */
static inline const unsigned char *
sf_stream_attr_quote(const unsigned char *v, const unsigned char *end)
{
    return (end - v >= 16) ? sf_stream_attr_quote_to(v, end, end - 16)
                           : memchr(v, '"', (size_t) (end - v));
}


/*
 * A link at q (before end) "<a href=\"...\"", its address ending at the
 * quote h_end (sf_lexer_link_quote()), followed by
 * a rel and a target, either or both, once each, in either order (one
 * space before each, written in lower case, the value in double quotes),
 * then '>': "<a href=\"...\" target=\"_blank\" rel=\"noopener\">".  The
 * held way takes its address and rel alone (no id nor class to name it
 * by, sf_stream_whole_tag()), set here as sf_stream_whole_inline() sets
 * them; the lexer is not read (as with sf_stream_whole_link()).  Returns
 * its length, the link made; 0 for any other tag, nothing changed.
 */
static SF_NOINLINE size_t
sf_stream_whole_link_rel(sf_stream_t *s, const unsigned char *q,
    const unsigned char *h_end, const unsigned char *end)
{
    size_t                 rel_len;
    uint64_t               w;
    unsigned               target;
    sf_link_t             *l;
    const unsigned char   *e, *v, *rel;

    e = h_end;
    rel = NULL;
    rel_len = 0;
    target = 0;

    /* e: a value's end quote; past it a space and the next, or '>' */
    while (e != NULL && end - e >= 2 + 8 && e[1] == ' ') {
        memcpy(&w, e + 2, 8);

        if ((w & 0xffffffffffULL) == SF_TAG_KEY8('r', 'e', 'l', '=', '"', 0,
                                                 0, 0)
            && rel == NULL)
        {
            v = e + 7;
            e = sf_stream_attr_quote(v, end);
            rel = v;
            rel_len = (e != NULL) ? (size_t) (e - v) : 0;

        } else if (w == SF_TAG_KEY8('t', 'a', 'r', 'g', 'e', 't', '=', '"')
                   && !target)
        {
            v = e + 10;
            e = sf_stream_attr_quote(v, end);
            target = 1;

        } else {
            return 0;
        }
    }

    if (e == NULL || end - e < 2 || e[1] != '>'
        || (rel == NULL && !target))
    {
        return 0;
    }

    s->link_open = 0;

    if (s->nlinks < s->opt.limits.max_links) {
        /* a value empty: NULL, as sf_stream_links() makes it */
        l = &s->links[s->nlinks];
        l->href_len = (size_t) (h_end - (q + 9));
        l->href = l->href_len ? q + 9 : NULL;
        l->rel = rel_len ? rel : NULL;
        l->rel_len = rel_len;
        l->cls = NULL;
        l->cls_len = 0;
        sf_stream_whole_open(s, l);
    }

    return (size_t) (e + 2 - q);
}


/*
 * A link at q whose address ends at the quote e (sf_lexer_link_quote()):
 * "<a href=\"...\">" (sf_stream_whole_link()) or with a rel or a target
 * after the address (sf_stream_whole_link_rel()).  Its length, the link
 * made, or 0.
 */
static inline size_t
sf_stream_whole_a(sf_stream_t *s, const unsigned char *q,
    const unsigned char *e, const unsigned char *end)
{
    size_t  tn;

    if (end - e >= 2 && e[1] == '>') {
        tn = (size_t) (e + 2 - q);
        sf_stream_whole_link(s, q, tn);
        return tn;
    }

    return sf_stream_whole_link_rel(s, q, e, end);
}


/* The links sf_stream_whole_inline() made, at the block's end: those
 * still open end with its text. */
static void
sf_stream_whole_links(sf_stream_t *s)
{
    size_t  i;

    for (i = 0; i < s->nlinks; i++) {
        if (s->links[i].text_end > s->text_len) {
            s->links[i].text_end = s->text_len;
        }
    }
}


void
sf_stream_start_held(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a, int anon)
{
    sf_stream_start_anon(s, s->t_start, s->t_in_off);

    if (!anon) {
        s->anon = 0;
        s->held_tag = tag->tag;
        s->h_tag_len = s->hold_len - s->t_start;

        a = sf_stream_attrs(a);

        if (a->id.data != NULL) {
            s->h_id = (size_t) (a->id.data - s->hold) - s->h_start;
            s->h_id_len = a->id.len;
        }

        if (a->cls.data != NULL) {
            s->h_cls = (size_t) (a->cls.data - s->hold) - s->h_start;
            s->h_cls_len = a->cls.len;
        }

        s->h_own = sf_stream_own_flags(tag, a);
    }

    /* a link held as a block by its class is the block's own link 1 */
    if (anon || tag->tag == SF_TAG_A) {
        sf_stream_held_inline(s, tag, a, s->hold + s->h_start);
    }
}


/*
 * Where a held block starts (start in the hold-back, in_off in the
 * input), with no start tag, id nor class of its own yet: what
 * sf_stream_start_anon() sets but its text and links.
 */
static inline void
sf_stream_start_at(sf_stream_t *s, size_t start, uint64_t in_off)
{
    s->mode = SF_MODE_HELD;
    s->anon = 1;
    s->held_pass = 0;
    s->held_tag = SF_TAG_NONE;
    s->held_depth = 0;

    /* where it is: no start tag, no id nor class of its own */
    s->h_start = start;
    s->h_in_off = in_off;
    s->h_tag_len = s->h_id_len = s->h_cls_len = 0;
    s->h_own = 0;
    s->h_code = (s->code > 0);
}


/*
 * Text directly in a container: an anonymous block starts at start.  Also
 * the common start of every held block (sf_stream_start_held()).
 */
void
sf_stream_start_anon(sf_stream_t *s, size_t start, uint64_t in_off)
{
    sf_stream_start_at(s, start, in_off);

    /* what it says: text and links come as its bytes do */
    s->text_len = s->nlinks = s->link_open = 0;
    s->text_over = 0;
}


/* Whether [p, end) has more than white space: text a first block needs. */
static int
sf_stream_text_in(const unsigned char *p, const unsigned char *end)
{
    for ( /* void */ ; p < end; p++) {
        if (!sf_stream_space(*p)) {
            return 1;
        }
    }

    return 0;
}


static int
sf_stream_has_text(sf_stream_t *s)
{
    return sf_stream_text_in(s->text, s->text + s->text_len);
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


/* Where the held block sits: its ancestors' flags, its own, and more. */
static unsigned
sf_stream_held_flags(sf_stream_t *s, unsigned own)
{
    unsigned  flags;

    flags = sf_stream_flags(s) | own;

    if (s->anon) {
        flags |= SF_BLOCK_ANONYMOUS;
    }

    if (s->h_code) {
        flags |= SF_BLOCK_IN_CODE;
    }

    if ((flags & SF_BLOCK_IN_ENTRY) && s->held_tag != SF_TAG_H1
        && !s->first_done && sf_stream_has_text(s))
    {
        flags |= SF_BLOCK_FIRST_IN_ENTRY;
        s->first_done = 1;
    }

    return flags;
}


/* The held block's links in the coordinates the rules read. */
static void
sf_stream_links(sf_stream_t *s, const unsigned char *base)
{
    size_t       i;
    sf_link_t   *l;
    sf_slink_t  *sl;

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
}


/*
 * A held <h1> names the page when the head did not: its text is a title
 * candidate, and within the entry the first block after it is the
 * entry's first again.
 */
static void
sf_stream_heading_end(sf_stream_t *s, unsigned flags)
{
    if (s->held_tag != SF_TAG_H1) {
        return;
    }

    if (flags & SF_BLOCK_IN_ENTRY) {
        s->first_done = 0;
    }

    sf_stream_title_set(s, s->text, s->text_len,
                        (flags & SF_BLOCK_IN_ENTRY) ? 4 : 3);
}


/*
 * Whether a kept block needs nothing but its bytes sent: nobody explains
 * decisions, and the shape detector is off or cannot read it (it reads
 * blocks of two or three links).
 */
static int
sf_stream_plain(sf_stream_t *s)
{
    return s->explain == NULL
           && (s->shape == NULL || s->nlinks < 2 || s->nlinks > 3);
}


/* Whether the held block has no class nor id a rule may scope it by: its
 * own, or its container's when it is anonymous. */
static int
sf_stream_bare(sf_stream_t *s)
{
    sf_elt_t  *parent;

    if (!s->anon) {
        return s->h_id_len == 0 && s->h_cls_len == 0;
    }

    if (s->depth == 0) {
        return 1;
    }

    parent = &s->stack[s->depth - 1];

    return parent->id_len == 0 && parent->cls_len == 0;
}


/* sf_stream_bare_below() for a kind not in the memo: the rules asked. */
static SF_NOINLINE unsigned
sf_stream_bare_ask(sf_stream_t *s, sf_tag_e t, unsigned nlinks,
    unsigned flags, sf_bare_memo_t *e, unsigned key)
{
    sf_bare_t  bare;

    sf_rules_bare(s->rules, s->match, t,
                  flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS
                           | SF_BLOCK_ANONYMOUS | SF_BLOCK_FIRST_IN_ENTRY),
                  nlinks, &bare);

    e->key = (uint16_t) key;
    e->below = (uint16_t) (bare.below < SF_BARE_MAX ? bare.below
                                                    : SF_BARE_MAX);

    if (bare.calm) {
        e->below |= SF_BARE_CALM;
    }

    return e->below;
}


/*
 * What the rules tell of a bare block of tag t (SF_TAG_NONE: anonymous)
 * with nlinks links (under 16) and these flags (sf_rules_bare()): asked
 * once per kind and kept in s->bare, a table indexed by the tag and
 * whether the block has links.  A kind is the tag, first in the entry or
 * not, in a quote or comment area or not, and the link count.  A text
 * shorter than the answer's SF_BARE_MAX part is kept for sure, when calm
 * if SF_BARE_CALM says so.
 */
static inline unsigned
sf_stream_bare_below(sf_stream_t *s, sf_tag_e t, unsigned nlinks,
    unsigned flags)
{
    unsigned         key;
    sf_bare_memo_t  *e;

    /* the kind in 15 bits: tag (7), link count (4), first, quote area */
    key = SF_BARE_KEY | (unsigned) t | nlinks << 9
          | ((flags & SF_BLOCK_FIRST_IN_ENTRY) ? 1u << 13 : 0)
          | ((flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS))
             ? 1u << 14 : 0);

    /* a tag's blocks with and without links take two slots */
    e = &s->bare[((unsigned) t * 2 + (nlinks != 0)) % SF_BARE_MEMO];

    return e->key == key ? e->below
                         : sf_stream_bare_ask(s, t, nlinks, flags, e, key);
}


/* No '&', '<' nor byte of 0x80 or more: none may start a hazard. */
static int
sf_stream_calm(const unsigned char *text, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (text[i] >= 0x80 || text[i] == '&' || text[i] == '<') {
            return 0;
        }
    }

    return 1;
}


/*
 * Whether the held block, bare (sf_stream_bare()), is kept for sure by
 * what the rules tell of its kind (sf_stream_bare_below()), or else by
 * the reject's tables and its looks at the text (sf_rules_bare_keep(),
 * which fills *look for the rest of the decision when it does not keep
 * it); blocks of 16 links or more are not kept by the kind's answer.
 * A text of SF_STREAM_BARE_LONG bytes or more (most prose) goes to the
 * reject at once when a rule may take a bare block (s->bare_text): else
 * the kind's answer keeps it, at less cost.
 */
static int
sf_stream_bare_kept(sf_stream_t *s, unsigned flags, sf_bare_look_t *look)
{
    unsigned  below;
    sf_tag_e  t;

    t = (flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : s->held_tag;

    if ((s->text_len < SF_STREAM_BARE_LONG || !s->bare_text)
        && s->nlinks < 16 && (unsigned) t < 128)
    {
        below = sf_stream_bare_below(s, t, (unsigned) s->nlinks, flags);

        if (s->text_len < (size_t) (below & SF_BARE_MAX)
            && (!(below & SF_BARE_CALM)
                || sf_stream_calm(s->text, s->text_len)))
        {
            return 1;
        }
    }

    return sf_rules_bare_keep(s->rules, s->match, t, flags, s->nlinks,
                              s->text, s->text_len, look);
}


/* The bit sets of sf_stream_short_init() are one word: block ids < 64. */
typedef char  sf_stream_block_ids_fit[SF_TAG_UL < 64 ? 1 : -1];


/*
 * The tags whose short blocks sf_stream_short_block() may read: blocks
 * the rules hold by their name alone, whose start says nothing more than
 * that (not the entry, a quote, a code sample, the page's heading, nor
 * the document's own elements), with an end tag and no raw text; and of
 * those, the tags sf_stream_whole_block() may read.  Apart, the blocks
 * whose start tag without attributes the rules let flow and that say
 * nothing of where their contents sit (s->flow_tags: sf_stream_fast()
 * opens them at once).  From the rules, which never change after create;
 * set again by reset.
 */
void
sf_stream_short_init(sf_stream_t *s)
{
    unsigned     t;
    const char  *rule_id;
    sf_select_e  sel;

    s->short_tags = 0;
    s->whole_tags = 0;
    s->flow_tags = 0;

    /* the text runs of a block read whole (sf_stream_whole_run()) */
#if (SF_STREAM_AVX2)
    s->avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
#endif

    /* a long text of a bare block: to the reject at once, or the kind */
    s->bare_text = sf_rules_bare_any(s->rules, s->match) ? 1 : 0;

    /* all block elements have ids below 64 (checked above): a word each */
    for (t = 0; t < 64 && t < SF_TAG_NTAGS; t++) {
        if (!sf_tag_is_block(t) || sf_tag_is_void(t) || sf_tag_is_rawtext(t)
            || t == SF_TAG_HTML || t == SF_TAG_HEAD || t == SF_TAG_BODY)
        {
            continue;
        }

        sel = sf_rules_select(s->rules, (sf_tag_e) t, NULL, 0, NULL, 0,
                              &rule_id);

        /* containers the rules let flow: opened and sent, nothing held */
        if (sel == SF_SELECT_NONE && t != SF_TAG_ARTICLE
            && t != SF_TAG_BLOCKQUOTE && t != SF_TAG_PRE)
        {
            s->flow_tags |= 1ULL << t;
        }

        if (t == SF_TAG_H1 || t == SF_TAG_ARTICLE || t == SF_TAG_BLOCKQUOTE
            || t == SF_TAG_PRE || sel != SF_SELECT_HOLD)
        {
            continue;
        }

        s->short_tags |= 1ULL << t;

        /* their text is mostly phrasing: read with inline tags too */
        switch (t) {
        case SF_TAG_P: case SF_TAG_H2: case SF_TAG_H3: case SF_TAG_H4:
        case SF_TAG_H5: case SF_TAG_H6: case SF_TAG_LI: case SF_TAG_DT:
        case SF_TAG_DD: case SF_TAG_TD: case SF_TAG_TH:
        case SF_TAG_FIGCAPTION: case SF_TAG_CAPTION: case SF_TAG_SUMMARY:
            s->whole_tags |= 1ULL << t;
            break;
        default:
            break;
        }
    }
}


/*
 * sf_stream_text_end() inline where the short blocks' loop asks, twice:
 * a call costs as much as its common case, one compare.
 */
#if defined(__GNUC__)
#define SF_TEXT_INLINE  inline __attribute__ ((always_inline))
#else
#define SF_TEXT_INLINE  inline
#endif


/*
 * The first '<' of a text run at p, within lim bytes and before end; NULL
 * when there is none.  *calm: no '&' nor byte of 0x80 or more before it.
 * Sixteen bytes a compare while the input has them, even past lim: most
 * texts a short block may have are shorter than that.
 */
static SF_TEXT_INLINE const unsigned char *
sf_stream_text_end(const unsigned char *p, const unsigned char *end,
    size_t lim, int *calm)
{
    unsigned              hazard;
    const unsigned char  *stop;

    hazard = 0;
    stop = (size_t) (end - p) > lim ? p + lim : end;

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    {
        unsigned  lt, amp;
        __m128i   v;

        while (p < stop && end - p >= 16) {
            v = _mm_loadu_si128((const __m128i *) p);
            lt = (unsigned) _mm_movemask_epi8(
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));
            amp = (unsigned) _mm_movemask_epi8(
                      _mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))));

            if (lt != 0) {
                p += __builtin_ctz(lt);

                if (p >= stop) {
                    return NULL;
                }

                /* the hazards before the '<' alone */
                hazard |= amp & ((lt & -lt) - 1);
                *calm = (hazard == 0);
                return p;
            }

            hazard |= amp;
            p += 16;
        }
    }
#endif

    for ( /* void */ ; p < stop; p++) {
        if (*p == '<') {
            *calm = (hazard == 0);
            return p;
        }

        hazard |= (*p >= 0x80 || *p == '&');
    }

    return NULL;
}


/*
 * Whether the len bytes at a and b are the same: two compares of eight
 * bytes for the names of 8 to 16 bytes (figcaption, blockquote), where a
 * call to memcmp() costs more than the compare.
 */
static inline int
sf_stream_same(const unsigned char *a, const unsigned char *b, size_t len)
{
    uint64_t  x, y, z, w;

    if (len >= 8 && len <= 16) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        memcpy(&z, a + len - 8, 8);
        memcpy(&w, b + len - 8, 8);

        return ((x ^ y) | (z ^ w)) == 0;
    }

    return memcmp(a, b, len) == 0;
}


/*
 * The end tag "</T>" of the start tag "<T>" at p, T being k bytes, as the
 * eight bytes that begin it (when k <= 4, else 0): what
 * sf_stream_own_end() compares.
 */
static inline uint64_t
sf_stream_end_word(const unsigned char *p, size_t avail, size_t k)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t  w;

    if (k > 4 || avail < 8) {
        return 0;
    }

    /* "<T>" is in p's first eight bytes: "</" T ">" made of them */
    memcpy(&w, p, 8);

    return 0x2f3c | ((w >> 8) & (((uint64_t) 1 << (8 * k)) - 1)) << 16
           | (uint64_t) '>' << (8 * (k + 2));
#else
    (void) p;
    (void) avail;
    (void) k;

    return 0;
#endif
}


/*
 * sf_stream_end_word() of a start tag without attributes, "<T>" written
 * so: its first k + 3 bytes alone are the end tag's, the others any (all
 * its compares are masked to them), in three steps.
 */
static inline uint64_t
sf_stream_end_word_bare(const unsigned char *p, size_t avail, size_t k)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t  w;

    if (k <= 4 && avail >= 8) {
        /* "<T>" moved up one byte behind "</": "</T>" */
        memcpy(&w, p, 8);
        return (w >> 8) << 16 | 0x2f3c;
    }
#endif

    /* 0 (a longer name, a short input), as sf_stream_end_word() says */
    return sf_stream_end_word(p, avail, k);
}


/*
 * Whether the end tag at q (avail bytes readable there) is "</T>" of the
 * start tag "<T>" at p, T being k bytes, as written; word is
 * sf_stream_end_word() of it: one compare of eight bytes when not 0.
 */
static inline int
sf_stream_own_end(const unsigned char *p, uint64_t word,
    const unsigned char *q, size_t avail, size_t k)
{
    uint64_t  want;

    if (word != 0 && avail >= 8) {
        memcpy(&want, q, 8);

        return ((want ^ word) & (((uint64_t) 1 << (8 * (k + 3))) - 1)) == 0;
    }

    return avail >= k + 3 && q[0] == '<' && q[1] == '/' && q[k + 2] == '>'
           && sf_stream_same(q + 2, p + 1, k);
}


/*
 * Whether the m bytes at b (before end) are those at p, a start tag of a
 * short block already read (m <= 8 and eight bytes readable at both, the
 * common case: one compare).
 */
static inline int
sf_stream_same_start(const unsigned char *b, const unsigned char *p,
    size_t m, const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t  x, y;

    if (m <= 8 && end - b >= 8 && b - p >= 8) {
        memcpy(&x, b, 8);
        memcpy(&y, p, 8);

        return ((x ^ y) & (~(uint64_t) 0 >> (8 * (8 - m)))) == 0;
    }
#endif

    return sf_stream_same(b, p, m);
}


/*
 * sf_stream_run_fast(): the most bytes of a block it reads, and the bytes
 * it may load from a block's start.
 */
#define SF_RUN_SPAN       (6 + 16 + 7)
#define SF_RUN_ZONE       (SF_RUN_SPAN + 8)


/* What sf_stream_run_fast() took of a run: the blocks and where it
 * stopped. */
typedef struct {
    const unsigned char  *b;                /* the next block's start */
    unsigned              count;            /* blocks taken */
    unsigned              done;             /* the run ended */
} sf_stream_run_t;


/*
 * More blocks of a run of short blocks (sf_stream_short_block()) from b, a
 * start tag of the run's, checked, while each one's text and end tag lie
 * in the sixteen bytes after its start tag: one compare finds the text's
 * end and what in it is not calm, one its end tag, one the next start
 * tag, with the checks of sf_stream_short_block()'s loop, whose way it is
 * for the others.  The run's first start tag is the m bytes at p (n bytes
 * readable there), whose end tag is word (sf_stream_end_word(), not 0),
 * the tables' answer below, and the blocks from p to b are taken.  done: a
 * block ended the run (not kept by the tables, not a short block, past a
 * limit, or a start tag not the run's); else b is a block left to that
 * loop.  Not for the entry's first block.
 */
static SF_NOINLINE sf_stream_run_t
sf_stream_run_fast(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, unsigned below, uint64_t word,
    const unsigned char *b)
{
    sf_stream_run_t        r;
#if defined(__SSE2__) && !defined(SF_NO_SIMD)                               \
    && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t                 tail, lim, tl, room, last;
    uint64_t               start, wmask, smask, x;
    unsigned               lt, amp, calm_only;
    __m128i                v;
    const unsigned char   *c, *q;

    r.b = b;
    r.count = 0;
    r.done = 0;

    /*
     * A block read here is at most SF_RUN_SPAN bytes ("<T>" of up to six,
     * fifteen of text, "</T>"), and the next start tag's eight bytes lie
     * within SF_RUN_ZONE of its start: from a block starting at offset
     * last or before, every load is within the input and the block within
     * the output window; the hold-back's room and the text buffer hold
     * it.  The blocks after last are left to the caller's loop.
     */
    room = s->hold_cap - s->hold_len;

    if (m > 6 || n < SF_RUN_ZONE || io->avail_out < SF_RUN_SPAN
        || room < SF_RUN_SPAN || s->text_cap < SF_RUN_SPAN)
    {
        return r;
    }

    last = n - SF_RUN_ZONE;

    if (last > io->avail_out - SF_RUN_SPAN) {
        last = io->avail_out - SF_RUN_SPAN;
    }

    tail = m + 1;
    lim = below & SF_BARE_MAX;
    calm_only = below & SF_BARE_CALM;
    smask = ~(uint64_t) 0 >> (8 * (8 - m));
    wmask = ~(uint64_t) 0 >> (8 * (8 - tail));
    memcpy(&start, p, 8);
    start &= smask;

    r.done = 1;

    for ( ;; ) {
        if ((size_t) (b - p) > last) {
            r.done = 0;
            break;
        }

        c = b + m;
        v = _mm_loadu_si128((const __m128i *) (const void *) c);
        lt = (unsigned) _mm_movemask_epi8(
                 _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));

        if (lt == 0) {
            r.done = 0;
            break;
        }

        tl = (size_t) __builtin_ctz(lt);

        if (tl >= lim) {
            break;
        }

        if (calm_only) {
            amp = (unsigned) _mm_movemask_epi8(
                      _mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))));

            if (amp & ((lt & -lt) - 1)) {
                break;
            }
        }

        q = c + tl;
        memcpy(&x, q, 8);

        if ((x ^ word) & wmask) {
            break;
        }

        r.count++;
        b = q + tail;

        /* the next one starts as this one did */
        memcpy(&x, b, 8);

        if ((x ^ start) & smask) {
            break;
        }
    }

    r.b = b;
#else
    (void) s;
    (void) io;
    (void) p;
    (void) n;
    (void) m;
    (void) below;
    (void) word;

    r.b = b;
    r.count = 0;
    r.done = 0;
#endif

    return r;
}


/*
 * A short block [text, q) while the entry's first text block is still to
 * come: whether the tables keep it as the held way tells it (the first
 * when it has a letter of text; first_done then set).  The held way asks
 * sf_stream_held_flags(); flags are those of the block but the first.
 */
static SF_NOINLINE int
sf_stream_short_first(sf_stream_t *s, sf_tag_e t, unsigned flags,
    const unsigned char *text, const unsigned char *q, int calm)
{
    unsigned  below;

    if (!sf_stream_text_in(text, q)) {
        return 1;
    }

    below = sf_stream_bare_below(s, t, 0, flags | SF_BLOCK_FIRST_IN_ENTRY);

    if ((size_t) (q - text) >= (size_t) (below & SF_BARE_MAX)
        || ((below & SF_BARE_CALM) && !calm))
    {
        return 0;
    }

    s->first_done = 1;

    return 1;
}


/*
 * len bytes of input taken, up to the end tag of t (k bytes of name): the
 * lexer as that tag leaves it (sf_lexer_short_tag()).
 */
static void
sf_stream_took_block(sf_stream_t *s, sf_io_t *io, size_t len, sf_tag_e t,
    size_t k)
{
    sf_stream_took(s, io, len);

    sf_lexer_took(&s->lx, t, k, 1);
}


/*
 * The held way's start of a block t read from the input (its start tag
 * of m bytes, its own flags), at the hold-back's end: what
 * sf_stream_start_held() sets but the id and class; its text and links
 * too when text (else they are those the reader made).
 */
static inline void
sf_stream_read_start(sf_stream_t *s, sf_tag_e t, size_t m, unsigned own,
    int text)
{
    if (text) {
        sf_stream_start_anon(s, s->hold_len, s->stats.bytes_in);

    } else {
        sf_stream_start_at(s, s->hold_len, s->stats.bytes_in);
    }

    s->anon = 0;
    s->held_tag = t;
    s->h_tag_len = m;
    s->h_own = own;
}


/*
 * sf_stream_own_end() for a container's end at q, the input's head, past
 * its start tag at p: with SSE2 the name ("figure") in one compare of
 * sixteen bytes, which both places have when q has eighteen.
 */
static inline int
sf_stream_end_at(const unsigned char *p, uint64_t word,
    const unsigned char *q, size_t avail, size_t k)
{
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    unsigned  eq;

    if (word == 0 && k <= 16 && avail >= 18) {
        if (q[0] != '<' || q[1] != '/' || q[k + 2] != '>') {
            return 0;
        }

        eq = (unsigned) _mm_movemask_epi8(
                 _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) (q + 2)),
                                _mm_loadu_si128((const __m128i *) (p + 1))));

        return (~eq & ((1u << k) - 1)) == 0;
    }
#endif

    return sf_stream_own_end(p, word, q, avail, k);
}


/* Whether the tag at q (avail bytes readable there) is "</a>" as written,
 * where sf_stream_read_tag() would read it the short way (8 bytes). */
static inline int
sf_stream_link_end(const unsigned char *q, size_t avail)
{
    uint32_t  w, a;

    if (avail < 8) {
        return 0;
    }

    memcpy(&w, q, 4);
    memcpy(&a, "</a>", 4);

    return w == a;
}


/*
 * The text [c, q) of a block read whole, to the held block's text (q: the
 * '<' that ends it).  Returns q, or NULL when the held way must read the
 * block: no '<' within the input and the room, text past the buffer.
 */
static inline const unsigned char *
sf_stream_whole_text(sf_stream_t *s, const unsigned char *c,
    const unsigned char *q)
{
    /* no text: a tag right after another (a figure's) */
    if (q == c) {
        return q;
    }

    if (q == NULL) {
        /* the block goes on past the end: sf_stream_carry() may keep it */
        s->cut = 1;
        return NULL;
    }

    if ((size_t) (q - c) > s->text_cap - s->text_len) {
        return NULL;
    }

    if (q > c) {
        memcpy(s->text + s->text_len, c, (size_t) (q - c));
        s->text_len += (size_t) (q - c);
    }

    return q;
}


#if (SF_STREAM_AVX2)

/*
 * The bytes at c to d while no '<' is among them, 64 then 32 a round
 * while lim has them: the index of the first '<' (in the round that
 * found it: stored whole), else how many were stored (under 32 left).
 */
SF_AVX2_TARGET static SF_NOINLINE size_t
sf_stream_copy_avx2(unsigned char *d, const unsigned char *c, size_t lim)
{
    size_t    i;
    uint64_t  lt;
    __m256i   v, w, e, f, l;

    l = _mm256_set1_epi8('<');

    for (i = 0; i + 64 <= lim; i += 64) {
        v = _mm256_loadu_si256((const __m256i *) (c + i));
        w = _mm256_loadu_si256((const __m256i *) (c + i + 32));
        _mm256_storeu_si256((__m256i *) (d + i), v);
        _mm256_storeu_si256((__m256i *) (d + i + 32), w);
        e = _mm256_cmpeq_epi8(v, l);
        f = _mm256_cmpeq_epi8(w, l);

        if (!_mm256_testz_si256(_mm256_or_si256(e, f),
                                _mm256_or_si256(e, f)))
        {
            lt = (uint32_t) _mm256_movemask_epi8(e)
                 | (uint64_t) (uint32_t) _mm256_movemask_epi8(f) << 32;

            return i + (size_t) __builtin_ctzll(lt);
        }
    }

    if (i + 32 <= lim) {
        v = _mm256_loadu_si256((const __m256i *) (c + i));
        _mm256_storeu_si256((__m256i *) (d + i), v);
        lt = (uint32_t) _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, l));

        return lt != 0 ? i + (size_t) __builtin_ctzll(lt) : i + 32;
    }

    return i;
}

#endif


#if defined(__SSE2__) && !defined(SF_NO_SIMD)

/*
 * The sixteen bytes at c stored at d: the places of '<' among them, a
 * bit each (sf_stream_whole_run()'s step).
 */
static inline unsigned
sf_stream_copy16(unsigned char *d, const unsigned char *c)
{
    __m128i  v;

    v = _mm_loadu_si128((const __m128i *) c);
    _mm_storeu_si128((__m128i *) d, v);

    return (unsigned) _mm_movemask_epi8(
               _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));
}

#endif


/*
 * sf_stream_whole_text() of the text at c up to the first '<' before end,
 * found and copied in one pass: each load is stored to the text buffer as
 * it is tested for '<', while the input and the buffer have the room (the
 * bytes stored past the text's end are past its length, where nobody
 * reads); the last bytes (under sixteen within the room) by memchr() and
 * sf_stream_whole_text().  A text that ends within 32 bytes (a link's,
 * a word between tags, a paragraph's words before its link) takes one or
 * two loads and stores, no call; a longer one the rest with AVX2 where
 * the CPU has it (s->avx2), else sixteen bytes a round: a memchr() and a
 * memcpy() of the same bytes cost twice the reads and two calls.
 */
static inline const unsigned char *
sf_stream_whole_run(sf_stream_t *s, const unsigned char *c,
    const unsigned char *end)
{
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    size_t          i, lim, room;
    unsigned        lt;
    unsigned char  *d;

    lim = (size_t) (end - c);
    room = s->text_cap - s->text_len;
    lim = lim < room ? lim : room;
    d = s->text + s->text_len;
    i = 0;

    if (lim >= 16) {
        lt = sf_stream_copy16(d, c);

        if (lt != 0) {
            i = (size_t) __builtin_ctz(lt);
            goto found;
        }

        i = 16;

        if (lim >= 32) {
            lt = sf_stream_copy16(d + 16, c + 16);

            if (lt != 0) {
                i += (size_t) __builtin_ctz(lt);
                goto found;
            }

            i = 32;
        }

#if (SF_STREAM_AVX2)
        if (s->avx2 && lim - i >= 32) {
            /* a '<' at the count it returns is the first one */
            i += sf_stream_copy_avx2(d + i, c + i, lim - i);

            if (i < (size_t) (end - c) && c[i] == '<') {
                goto found;
            }
        }
#endif

        for ( /* void */ ; i + 16 <= lim; i += 16) {
            lt = sf_stream_copy16(d + i, c + i);

            if (lt != 0) {
                i += (size_t) __builtin_ctz(lt);
                goto found;
            }
        }
    }

    /* [c, c + i) is stored, with no '<' in it */
    s->text_len += i;
    c += i;
#endif

    return sf_stream_whole_text(s, c, memchr(c, '<', (size_t) (end - c)));

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
found:

    s->text_len += i;

    return c + i;
#endif
}


/*
 * sf_stream_first_block()'s commonest block (a figure's caption): a short
 * block (its start tag tn bytes at the input's head, read, text after it)
 * whose text the tables keep, its end tag right after the text and an end
 * tag after that: sf_stream_short_block() would take it as a run of one
 * block (the next tag starts no block of the run) and stop there.  Taken
 * so, with less to check; and when the end tag after it is the
 * container's own ("</figure>", t of k bytes of name, its start tag at p,
 * word its sf_stream_end_word()), that is closed and sent as
 * sf_stream_first_block() does, in the same copy with the one newline or
 * space after it that sf_stream_fast() would send next.  A text the
 * tables do not keep goes to the whole reader at once, as
 * sf_stream_short_run() sends it.  Returns 2 when the block was taken and what follows it
 * checked, 1 when the whole reader took it, 0 when it did not (nothing
 * changed); -1, nothing changed, for the rest (the entry's first text
 * block still to come, a start tag after the block, the windows): the
 * short reader's way.
 */
static int
sf_stream_first_lone(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    uint64_t word, sf_tag_e t, size_t k, size_t tn)
{
    int                    calm;
    size_t                 n, bk, len, all, next;
    uint64_t               bword;
    unsigned               flags, below;
    sf_tag_e               bt;
    const unsigned char   *b, *q, *end;

    b = io->next_in;
    n = io->avail_in;
    end = b + n;
    bt = s->lx.tag;
    bk = tn - 2;

    /*
     * sf_stream_short_block()'s checks: t, just opened, is on top (its
     * start closes nothing there: sf_stream_whole_read() asked), and text
     * follows the start tag, not a tag
     */
    if (s->deep != 0 || s->depth == 0 || s->stack[s->depth - 1].tag != t
        || tn + 1 >= n || (b[tn] == '<' && b[tn + 1] != '/'))
    {
        return -1;
    }

    /* sf_stream_short_run()'s, but the entry's first block */
    flags = sf_stream_flags(s) | (s->code > 0 ? SF_BLOCK_IN_CODE : 0);

    if ((flags & SF_BLOCK_IN_ENTRY) && !s->first_done) {
        return -1;
    }

    below = sf_stream_bare_below(s, bt, 0, flags);
    bword = sf_stream_end_word(b, n, bk);
    q = sf_stream_text_end(b + tn, end, below & SF_BARE_MAX, &calm);

    if (q == NULL || ((below & SF_BARE_CALM) && !calm)) {
        next = 0;

        return sf_stream_whole_read(s, io, b, n, tn, &sf_stream_no_attrs, 0,
                                    &next, bword, q) != 0;
    }

    /* its end tag, and "</" after it: a run of one (sf_stream_short_loop) */
    len = (size_t) (q - b) + bk + 3;

    if (len + 2 > n || b[len] != '<' || b[len + 1] != '/'
        || !sf_stream_end_at(b, bword, q, (size_t) (end - q), bk)
        || len > io->avail_out || len > s->hold_cap - s->hold_len
        || (size_t) (q - b) - tn > s->text_cap)
    {
        return -1;
    }

    s->blocks++;
    s->stats.blocks_held++;
    s->held_tag = bt;
    all = len;

    /* the container's own end after it: as sf_stream_first_block() */
    if (s->mode == SF_MODE_PASS && s->q_n == 0 && t != SF_TAG_ARTICLE
        && len + k + 3 <= io->avail_out
        && sf_stream_end_at(p, word, b + len, n - len, k))
    {
        sf_stream_pop_top(s, t);
        all += k + 3;
        bt = t;
        bk = k;

        /* and the white space byte before a tag, as sf_stream_fast() */
        if (all + 1 < n && b[all + 1] == '<' && sf_stream_space(b[all])
            && all < io->avail_out && s->in_body && !s->in_head)
        {
            all++;
        }
    }

    sf_stream_out(s, io, b, all);
    sf_stream_took_block(s, io, all, bt, bk);

    return 2;
}


/*
 * A container sf_stream_whole_block() just opened, t of k bytes of name
 * (its start tag at p, word its sf_stream_end_word()), at its first
 * block's start tag (tn bytes at the input's head, read): a phrasing
 * block the block readers take (a figure's caption) is read here, as the
 * loop would read it next, and the container's own end tag right after
 * it ("</figure>" as its start tag wrote the name) is closed and sent as
 * sf_stream_flow_tag() takes it, in the same turn (a lone block with it,
 * sf_stream_first_lone()).  Returns 1 when the first block was taken, 0
 * with nothing changed (the caller hands the tag back, and the loop's
 * readers try the block again).  Phrasing blocks alone: their readers
 * (sf_stream_whole_block() too) open no container, so this is never
 * entered again from within.
 */
static int
sf_stream_first_block(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    uint64_t word, sf_tag_e t, size_t k, size_t tn)
{
    int     lone;
    size_t  m, next;

    if (!sf_stream_short_start(s, tn) || !((s->whole_tags >> s->lx.tag) & 1))
    {
        return 0;
    }

    next = 0;
    lone = sf_stream_first_lone(s, io, p, word, t, k, tn);

    if (lone == 0
        || (lone < 0
            && sf_stream_short_block(s, io, io->next_in, io->avail_in, tn,
                                     &next) == 0))
    {
        return 0;
    }

    if (lone == 2) {
        return 1;
    }

    /* the end of the entry places the credit: the loop's, as ever */
    m = k + 3;

    if (s->mode == SF_MODE_PASS && s->q_n == 0 && t != SF_TAG_ARTICLE
        && m <= io->avail_out
        && sf_stream_end_at(p, word, io->next_in, io->avail_in, k))
    {
        sf_stream_pop_top(s, t);
        sf_stream_out_head(s, io, io->next_in, m);
        sf_stream_took_block(s, io, m, t, k);
    }

    return 1;
}


/*
 * The end tag "</T>" of the block sf_stream_whole_read() read (t, k bytes
 * of name), len bytes at p with it: the held way's state there, the block
 * started (its start tag m bytes, own_attrs, own) and read, and what
 * sf_stream_block_end() does, the links made.  With nothing queued and
 * room in the output window for all of it, the held way would send a
 * kept block at once: it is decided and sent from the input, never copied
 * to the hold-back (which then holds what compaction would leave of it:
 * nothing).
 */
static void
sf_stream_whole_end(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t len, size_t m, const sf_attrs_t *own_attrs, unsigned own,
    sf_tag_e t, size_t k)
{
    int  direct;

    direct = (s->q_n == 0 && s->io == io && len <= io->avail_out);

    if (!direct) {
        memcpy(s->hold + s->hold_len, p, len);
    }

    sf_stream_read_start(s, t, m, own, 0);

    if (own_attrs->id.data != NULL) {
        s->h_id = (size_t) (own_attrs->id.data - p);
        s->h_id_len = own_attrs->id.len;
    }

    if (own_attrs->cls.data != NULL) {
        s->h_cls = (size_t) (own_attrs->cls.data - p);
        s->h_cls_len = own_attrs->cls.len;
    }

    s->t_start = s->hold_len + (len - k - 3);
    s->t_in_off = s->stats.bytes_in + (uint64_t) (len - k - 3);
    sf_stream_took_block(s, io, len, t, k);
    sf_stream_whole_links(s);

    if (direct) {
        sf_stream_decide(s, p, len, 1);

    } else {
        s->hold_len += len;
        sf_stream_decide(s, s->hold + s->h_start, len, 1);
    }

    s->mode = SF_MODE_PASS;
    s->anon = 0;
}


/*
 * A held block read whole from the input in PASS when the short way does
 * not take it (inline tags, a longer text, attributes): its text runs and
 * inline tags (links, line breaks, emphasis) go to the held block's text
 * and links as the held way puts them there token by token (the links as
 * the decision reads them, sf_stream_whole_inline()), and the held way
 * decides it at its end tag (sf_stream_whole_end()).  Its bytes stay
 * where they are in the input when nothing is queued and the output
 * window has room for all of them: the held way would send it at once if
 * kept, and so it is sent from there; else they go to the hold-back in
 * one copy and wait there as the held way's do.  Either way it must fit
 * the hold-back's room, as held it would.  A block that is not phrasing
 * (a figure, a div) may instead meet a block's start tag first: the held
 * way makes it a container there (sf_stream_held_block()), which opens the element and
 * sends what was held undecided; that is done here from the input, and
 * the block's start tag, read, is left to the caller (*next: its length).
 * own_attrs, own: the id, class and flags of the block's start tag m bytes
 * at p (pointers into the input, read before this reads on).  Returns the
 * bytes taken, or 0 with the stream as it was, lexer included, for
 * anything the held way treats otherwise: an inline tag a rule names by
 * its class or id, an end tag not the block's own, a block in a phrasing
 * one or one the block's start closes, code or raw text, a comment or a
 * lone '<', text past the text buffer, a block past the input, the
 * hold-back's room or the output window.
 */
size_t
sf_stream_whole_block(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, const sf_attrs_t *own_attrs, unsigned own,
    size_t *next)
{
    /* a tag right after the start tag (a figure's image): no text run */
    return sf_stream_whole_read(s, io, p, n, m, own_attrs, own, next,
                                sf_stream_end_word(p, n, s->lx.name_len),
                                m < n && p[m] == '<' ? p + m : NULL);
}


/* Whether the tag at q ('<', before end) is an end tag: a start tag (a
 * figure's image, its caption) is no block's end, whatever its name. */
static inline int
sf_stream_end_tag(const unsigned char *q, const unsigned char *end)
{
    return end - q >= 2 && q[1] == '/';
}


/* Whether the tag at q (before end) may be sf_stream_whole_img()'s. */
static inline int
sf_stream_is_img(const unsigned char *q, const unsigned char *end)
{
    return end - q >= 37 && memcmp(q, "<img ", 5) == 0;
}


/*
 * The lexer as the block's start tag left it, kept in lx before a reader
 * of the lexer changes it, unless saved already: its attribute record
 * only when the start tag has one (attrs; sf_stream_whole_read()'s
 * held_way puts it back).  Returns 1: saved.
 */
static inline int
sf_stream_whole_save(sf_stream_t *s, sf_lexer_t *lx, int saved,
    int attrs)
{
    if (!saved) {
        memcpy(lx, &s->lx, offsetof(sf_lexer_t, attrs));

        if (attrs) {
            lx->attrs = s->lx.attrs;
        }
    }

    return 1;
}


/*
 * A short image at q (sf_stream_is_img()) in a block read whole, without an id or
 * a class (sf_lexer_tag_img()): its length, the lexer past it, or 0.  A
 * tag right after it (a figure's caption) is the next '<', *first: no
 * text run to read there.
 */
static inline size_t
sf_stream_whole_img(sf_stream_t *s, const unsigned char *q,
    const unsigned char *end, const unsigned char **first)
{
    size_t  tn;

    tn = sf_lexer_tag_img(&s->lx, q, (size_t) (end - q));

    if (tn != 0 && q + tn < end && q[tn] == '<') {
        *first = q + tn;
    }

    return tn;
}


/*
 * Whether the byte c may be in a name sf_stream_whole_attrs() takes:
 * lower-case letters, digits, '-', '_' and ':' (no byte folds to another).
 */
static inline int
sf_stream_attr_byte(unsigned c)
{
    return (c - 'a' < 26) || (c - '0' < 10) || c == '-' || c == '_'
           || c == ':';
}


/*
 * Whether the n bytes at v are an element name in lower case: a letter,
 * then letters and digits.  One the table does not know is SF_TAG_OTHER
 * to the lexer as it is (none of its bytes folds to another's).
 */
static inline int
sf_stream_lower_name(const unsigned char *v, size_t n)
{
    size_t  i;

    if ((unsigned) v[0] - 'a' >= 26) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((unsigned) v[i] - 'a' >= 26 && (unsigned) v[i] - '0' >= 10) {
            return 0;
        }
    }

    return 1;
}


/*
 * The length of the name at v (before end, end16 its sixteen bytes
 * before) of the bytes
 * sf_stream_attr_byte() takes: with SSE2 sixteen bytes in one look (a
 * longer name is read on byte by byte).
 */
static inline size_t
sf_stream_attr_name(const unsigned char *v, const unsigned char *end,
    const unsigned char *end16)
{
    size_t    n;
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    unsigned  good;
    __m128i   x, az, dg;

    if (v <= end16) {
        /* a range as a signed compare: the byte moved to start at -128 */
        x = _mm_loadu_si128((const __m128i *) v);
        az = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char) (128 - 'a'))),
                            _mm_set1_epi8(-128 + 26));

        /* most names are letters alone, then '=' (or ' ', '>'): told by
         * the first byte not a letter, no other byte range looked at */
        good = (unsigned) _mm_movemask_epi8(az);
        n = (size_t) __builtin_ctz(~good);

        if (n < 16 && (v[n] == '=' || v[n] == ' ' || v[n] == '>')) {
            return n;
        }

        dg = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char) (128 - '0'))),
                            _mm_set1_epi8(-128 + 10));
        az = _mm_or_si128(az, dg);
        az = _mm_or_si128(az, _mm_cmpeq_epi8(x, _mm_set1_epi8('-')));
        az = _mm_or_si128(az, _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
        az = _mm_or_si128(az, _mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
        good = (unsigned) _mm_movemask_epi8(az);

        if (good != 0xffff) {
            return (size_t) __builtin_ctz(~good);
        }
    }
#else
    (void) end16;
#endif

    for (n = 0; v + n < end && sf_stream_attr_byte(v[n]); n++) {
        /* void */
    }

    return n;
}


/*
 * Where the value of the attribute named by the an bytes at v goes among
 * those of a tag a block read whole keeps (id, class, href, rel: what
 * sf_stream_whole_tag() reads of the lexer's record), or NULL.  Names are
 * in lower case here (sf_stream_whole_attrs()).
 */
static inline sf_stream_val_t *
sf_stream_whole_slot(sf_attrs_t *a, const unsigned char *v, size_t an)
{
    switch (an) {
    case 2:
        return memcmp(v, "id", 2) == 0 ? &a->id : NULL;
    case 3:
        return memcmp(v, "rel", 3) == 0 ? &a->rel : NULL;
    case 4:
        return memcmp(v, "href", 4) == 0 ? &a->href : NULL;
    case 5:
        return memcmp(v, "class", 5) == 0 ? &a->cls : NULL;
    default:
        return NULL;
    }
}


/*
 * An inline start tag at q (before end, 16 bytes readable) in a block
 * read whole that sf_stream_whole_plain() does not take for its
 * attributes, j its first space: a name of two to six bytes in lower case
 * (a known inline one other than the block's own, or one the engine does
 * not know: tag, as sf_stream_whole_plain() found it), then attributes each one space after the last, name="value"
 * or a bare name, in lower case, then '>' ("<time class=\"x\"
 * datetime=\"...\" itemprop=\"y\">", "<a class=\"u\" href=\"...\"
 * rel=\"author\">", an image with a class).  The held way keeps its id,
 * class, href and rel alone (the first of each, as sf_stream_attrs_parse()
 * finds them), asks the selectors of a tag with an id or a class
 * (sf_stream_named()) and adds it to the block (sf_stream_whole_inline());
 * so here, the lexer untouched as with sf_stream_whole_plain().  cls
 * (not NULL): the tag's first attribute is a class of value [cls,
 * cls_end) that sf_stream_whole_plain() read, cls_end its end quote,
 * where the reading goes on.  Returns the tag's length, or 0 (a bare id
 * or class, any other shape, a tag a rule names; nothing changed).
 */
static SF_NOINLINE size_t
sf_stream_whole_attrs(sf_stream_t *s, const unsigned char *q,
    const unsigned char *end, sf_tag_e tag, size_t j,
    const unsigned char *cls, const unsigned char *cls_end)
{
    sf_attrs_t             a;
    sf_stream_val_t       *val;
    const unsigned char   *c, *v, *end2, *end16;

    c = q + j;

    /* the limits compared with at once: q has sixteen bytes before end */
    end2 = end - 2;
    end16 = end - 16;

    a.id.data = NULL;
    a.id.len = 0;
    a.cls = a.id;
    a.href = a.id;
    a.rel = a.id;

    /* the class sf_stream_whole_plain() read first: on past its quote */
    if (cls != NULL) {
        a.cls.data = cls;
        a.cls.len = (size_t) (cls_end - cls);
        c = cls_end + 1;
    }

    /* c: the space before an attribute, or the tag's '>' */
    while (*c == ' ') {
        v = ++c;
        c += sf_stream_attr_name(c, end, end16);

        if (c == v || c > end2) {
            return 0;
        }

        val = sf_stream_whole_slot(&a, v, (size_t) (c - v));

        if (*c == '=') {
            if (c[1] != '"') {
                return 0;
            }

            v = c + 2;
            c = sf_stream_attr_quote_to(v, end, end16);

            if (c == NULL || c > end2) {
                return 0;
            }

            /* as in browsers, the first of duplicate attributes counts */
            if (val != NULL && val->data == NULL) {
                val->data = v;
                val->len = (size_t) (c - v);
            }

            c++;

        } else if (val != NULL) {
            return 0;
        }
    }

    if (*c != '>'
        || ((a.id.data != NULL || a.cls.data != NULL)
            && sf_rules_select(s->rules, tag, a.id.data, a.id.len,
                               a.cls.data, a.cls.len, NULL)
               != SF_SELECT_NONE))
    {
        return 0;
    }

    /* a link, a line break: most tags with attributes add nothing */
    if (tag == SF_TAG_A || tag == SF_TAG_BR || tag == SF_TAG_HR) {
        sf_stream_whole_inline(s, tag, 0, &a);
    }

    return (size_t) (c + 1 - q);
}


/*
 * An inline tag at q (before end, 16 bytes readable) in a block read
 * whole, other than a link and the block's own tag t, of the two
 * commonest shapes: bare ("<span>", "</strong>", "<br>": a known name in
 * lower case of up to eight bytes, '>' right after it) or with one class
 * and nothing else ("<span class=\"byline\">": a known name of up to six
 * bytes, " class=\"" so written, a value not empty, '>' right after it),
 * told apart by where the first '>' and the first space are.  The held
 * way keeps nothing of either but a line break's space, unless a rule
 * names the tag by its class (sf_rules_select(), as sf_stream_named()
 * asks it), and the lexer it reads the tag with is
 * as the block's end tag leaves it before anyone looks (no attribute
 * record is read): the tag's length, that space added, with no lexer
 * and no attribute parsed; 0 for any other tag, nothing changed.
 */
static inline size_t
sf_stream_whole_plain(sf_stream_t *s, const unsigned char *q,
    const unsigned char *end, sf_tag_e t)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t                 k, j, n;
    unsigned               e;
    uint64_t               w;
    sf_tag_e               tag;
    const unsigned char   *v, *c;
    const sf_tag_word_t   *word;
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    unsigned               gt, sp;
    __m128i                x;
#endif

    if (end - q < 16) {
        return 0;
    }

    /* k: the first '>', j: the first space, 16 if none */
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    x = _mm_loadu_si128((const __m128i *) q);
    gt = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('>')));
    sp = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));

    /* neither shape ("<figcaption>"): no '>' in ten bytes, no space in 8 */
    if (((gt & 0x3ff) | (sp & 0xfc)) == 0) {
        return 0;
    }

    k = (size_t) __builtin_ctz(gt | 0x10000);
    j = (size_t) __builtin_ctz(sp | 0x10000);
#else
    for (k = 0; k < 16 && q[k] != '>'; k++) { /* void */ }
    for (j = 0; j < 16 && q[j] != ' '; j++) { /* void */ }
#endif

    if (k < j) {
        /* bare; "</strong>": the '>' may be the ninth or tenth byte */
        e = (q[1] == '/');

        if (k > 9 || k < 2 + e) {
            return 0;
        }

        n = k - 1 - e;

    } else if (j < 8 && j >= 2) {
        /* attributes; the name's bytes are all before the space */
        e = 0;
        n = j - 1;

    } else {
        return 0;
    }

    word = sf_tag_word(sf_tag_name_key(q + 1 + e, n), n);

    /* a name the table does not know, in lower case ("</time>"): OTHER */
    if (word != NULL) {
        tag = (sf_tag_e) word->tag;

    } else if (sf_stream_lower_name(q + 1 + e, n)) {
        tag = SF_TAG_OTHER;

    } else {
        return 0;
    }

    /*
     * the inline tags the enum knows come after the link's: a block's
     * tag ("<div class=\"x\">", a container's first block) or the
     * block's own is told at once, before its attributes are looked at
     */
    if ((tag < SF_TAG_A && tag != SF_TAG_OTHER) || tag == t) {
        return 0;
    }

    if (k < j) {
        if (tag == SF_TAG_A) {
            return 0;
        }

        c = q + k + 1;
        goto taken;
    }

    memcpy(&w, q + j, 8);

    /* other attributes, or more: sf_stream_whole_attrs() */
    if (w != SF_TAG_KEY8(' ', 'c', 'l', 'a', 's', 's', '=', '"')) {
        return sf_stream_whole_attrs(s, q, end, tag, j, NULL, NULL);
    }

    /* most class lists are short: their end quote in one compare */
    v = q + j + 8;
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    gt = (end - v >= 16)
         ? (unsigned) _mm_movemask_epi8(
               _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) v),
                              _mm_set1_epi8('"')))
         : 0;
    c = (gt != 0) ? v + __builtin_ctz(gt)
                  : memchr(v, '"', (size_t) (end - v));
#else
    c = memchr(v, '"', (size_t) (end - v));
#endif

    if (c == NULL || c == v || end - c < 2) {
        return sf_stream_whole_attrs(s, q, end, tag, j, NULL, NULL);
    }

    /* more attributes after the class: read on from its end quote c */
    if (c[1] != '>') {
        return sf_stream_whole_attrs(s, q, end, tag, j, v, c);
    }

    /* one class and nothing else: a link's is the lexer's way */
    if (tag == SF_TAG_A
        || sf_rules_select(s->rules, tag, NULL, 0, v, (size_t) (c - v), NULL)
           != SF_SELECT_NONE)
    {
        return 0;
    }

    c += 2;

taken:

    /* a line break, bare or of a class ("<br class=\"c\">"): a space */
    if (tag == SF_TAG_BR) {
        sf_stream_text_space(s);
    }

    return (size_t) (c - q);
#else
    (void) s;
    (void) q;
    (void) end;
    (void) t;

    return 0;
#endif
}


/*
 * sf_stream_whole_plain() of a bare end tag at q (before end, q[1] '/'),
 * the commonest inline tag after a link's ("</span>", "</strong>",
 * "</time>"): its name ends at the first '>', so no space is looked for
 * (a name the table knows, or one sf_stream_lower_name() takes, has
 * none) and no attribute.  Returns the tag's length, *first the tag
 * right after it if one is (sixteen bytes are readable at q); 0, nothing
 * changed, where sf_stream_whole_plain() must tell (a line break's
 * space, a link's end, a block's, the block's own, any other shape).
 */
static inline size_t
sf_stream_whole_close(const unsigned char *q, const unsigned char *end,
    sf_tag_e t, const unsigned char **first)
{
#if defined(__SSE2__) && !defined(SF_NO_SIMD) \
    && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t                 k, n;
    unsigned               gt;
    sf_tag_e               tag;
    const sf_tag_word_t   *word;

    if (end - q < 16) {
        return 0;
    }

    gt = (unsigned) _mm_movemask_epi8(
             _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) q),
                            _mm_set1_epi8('>')));
    k = (size_t) __builtin_ctz(gt | 0x10000);

    /* "</b>" to "</strong>": a name of one to seven bytes */
    if (k - 3 > 6) {
        return 0;
    }

    n = k - 2;
    word = sf_tag_word(sf_tag_name_key(q + 2, n), n);

    if (word != NULL) {
        tag = (sf_tag_e) word->tag;

    } else if (sf_stream_lower_name(q + 2, n)) {
        tag = SF_TAG_OTHER;

    } else {
        return 0;
    }

    if ((tag <= SF_TAG_BR && tag != SF_TAG_OTHER) || tag == t) {
        return 0;
    }

    *first = (q[k + 1] == '<') ? q + k + 1 : NULL;

    return k + 1;
#else
    (void) q;
    (void) end;
    (void) t;
    (void) first;

    return 0;
#endif
}


/*
 * An inline tag of tn bytes at q in a block sf_stream_whole_read() reads,
 * the lexer's last: added to the block as sf_stream_take_tag() tells it
 * to sf_stream_held_tag().  An end tag has no attributes a rule may name
 * it by; a link's are read anyway, most other tags need none.  Returns 0
 * where the held way must read the block (a tag a rule names, the text
 * past its buffer).
 */
static inline int
sf_stream_whole_tag(sf_stream_t *s, const unsigned char *q, size_t tn)
{
    sf_tag_t     tag;
    sf_attrs_t   a, *pa;

    pa = NULL;

    if (!s->lx.end) {
        sf_stream_lexed_tag(s, &tag, q, tn);

        if (tag.tag == SF_TAG_A || sf_stream_attrs_named(&tag)) {
            a.tag = &tag;
            a.parsed = 0;
            pa = sf_stream_attrs(&a);

            if ((pa->id.data != NULL || pa->cls.data != NULL)
                && sf_stream_named(s, &tag, pa))
            {
                return 0;
            }
        }
    }

    sf_stream_whole_inline(s, s->lx.tag, s->lx.end, pa);

    return !s->text_over;
}


/*
 * sf_stream_whole_block(), with what sf_stream_short_block() found before
 * it gave up: word, sf_stream_end_word() of the start tag, and first, the
 * first '<' after it (NULL: not known), which is not read again.
 */
static size_t
sf_stream_whole_read(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, const sf_attrs_t *own_attrs, unsigned own,
    size_t *next, uint64_t word, const unsigned char *first)
{
    int                    saved;
    size_t                 k, tn, len;
    sf_tag_e               t;
    sf_lexer_t             lx;
    const unsigned char   *c, *q, *e, *end;

    t = s->lx.tag;
    k = s->lx.name_len;
    /* the lexer as the start tag left it: kept once a reader changes it */
    saved = 0;

    end = p + (n < s->hold_cap - s->hold_len ? n : s->hold_cap - s->hold_len);

    /* the held block's text and links: unused in PASS, set anew at a start */
    s->text_len = 0;
    s->text_over = 0;
    s->nlinks = 0;
    s->link_open = 0;

    for (c = p + m; /* void */; c = q + tn) {
        if (first != NULL) {
            /* the first '<' past the room: none within it */
            q = sf_stream_whole_text(s, c, first < end ? first : NULL);
            first = NULL;

        } else {
            q = sf_stream_whole_run(s, c, end);
        }

        if (q == NULL) {
            goto held_way;
        }

        /* the quick readers' tags told apart by their second byte */
        if (sf_stream_end_tag(q, end)) {
            if (sf_stream_own_end(p, word, q, (size_t) (end - q), k)) {
                break;
            }

            /*
             * "</a>", the commonest inline tag in a block's text: the link
             * ended, nothing to check.  Neither this nor the next reader
             * changes the lexer: at the block's end it is as the end tag
             * leaves it, and the records of the tags before are not read.
             * A tag right after an end tag ("</a></span>", a third of the
             * runs of the aggregator page) is first: no run read there.
             * "</span>" so too, nothing of the lexer read, no image
             * (sf_stream_whole_close()).
             */
            if (sf_stream_link_end(q, (size_t) (end - q))) {
                tn = 4;
                sf_stream_whole_inline(s, SF_TAG_A, 1, NULL);
                first = (q[4] == '<') ? q + 4 : NULL;
                continue;
            }

            if ((tn = sf_stream_whole_close(q, end, t, &first)) != 0) {
                continue;
            }

        } else {
            /* "<a href=\"...\">", the commonest link: sf_stream_whole_link() */
            e = sf_lexer_link_quote(q, (size_t) (end - q));

            if (e != NULL) {
                /* a link in a link: the held way's, as the lexer would
                 * find the block's own tag */
                if (t == SF_TAG_A) {
                    goto held_way;
                }

                if ((tn = sf_stream_whole_a(s, q, e, end)) != 0) {
                    continue;
                }
            }

            /* an image without an id or a class: only its end is needed */
            if (sf_stream_is_img(q, end)) {
                saved = sf_stream_whole_save(s, &lx, saved, m > k + 2);

                if ((tn = sf_stream_whole_img(s, q, end, &first)) != 0) {
                    continue;
                }
            }
        }

        /* "</span>", "<br>", "<span class=\"x\">": nothing of the lexer */
        if ((tn = sf_stream_whole_plain(s, q, end, t)) != 0) {
            if (s->text_over) {
                goto held_way;
            }

            continue;
        }

        /* only the lexer's readers change it: kept before the first */
        saved = sf_stream_whole_save(s, &lx, saved, m > k + 2);
        tn = sf_stream_read_tag(s, q, (size_t) (end - q));

        if (tn == 0 || !sf_lexer_in_text(&s->lx) || s->lx.inert
            || s->lx.tag == SF_TAG_CODE)
        {
            /* a tag the end cut (not a comment): sf_stream_carry() */
            s->cut |= (tn == 0 && (end - q < 2 || q[1] != '!'));
            goto held_way;
        }

        if (sf_tag_is_block(s->lx.tag)) {
            if (s->lx.end || ((s->whole_tags >> t) & 1)
                || (((SF_STREAM_CLOSABLE >> t) & 1)
                    && sf_stream_closes(t, s->lx.tag))
                || (size_t) (q - p) > io->avail_out)
            {
                goto held_way;
            }

            /* the held way's start, then its container at this tag */
            sf_stream_read_start(s, t, m, own, 1);
            sf_stream_push_elt(s, t, own_attrs->id.data, own_attrs->id.len,
                               own_attrs->cls.data, own_attrs->cls.len, own);
            s->mode = SF_MODE_PASS;

            len = (size_t) (q - p);
            sf_stream_out(s, io, p, len);
            sf_stream_took(s, io, len);
            *next = sf_stream_first_block(s, io, p, word, t, k, tn) ? 0 : tn;

            return len;
        }

        if (s->lx.tag == t) {
            goto held_way;
        }

        if (!sf_stream_whole_tag(s, q, tn)) {
            goto held_way;
        }
    }

    len = (size_t) (q - p) + k + 3;
    sf_stream_whole_end(s, io, p, len, m, own_attrs, own, t, k);

    return len;

held_way:

    /* a bare start tag's record is never read (no attribute bytes) */
    if (saved) {
        memcpy(&s->lx, &lx, offsetof(sf_lexer_t, attrs));

        if (m > k + 2) {
            s->lx.attrs = lx.attrs;
        }
    }

    return 0;
}


/*
 * The blocks of sf_stream_short_loop()'s common run (after the entry's
 * first block, a name of up to four bytes: word is the end tag's), from
 * its first, whose text ends at q: each block's end tag one compare with
 * word, the limits of the loop checked with the run's in registers, the
 * next start tag one compare with the first, and its text's end found in
 * the sixteen bytes after it (sf_stream_text_end() for a longer text);
 * past the second block, sf_stream_run_fast().  A block it cannot take
 * that way near the input's end ends the run: the loop's next turn reads
 * it.  Returns the end of the blocks taken, their number in *count.
 */
static SF_TEXT_INLINE const unsigned char *
sf_stream_short_lean(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, uint64_t word, unsigned below,
    const unsigned char *q, unsigned *count)
{
#if defined(__SSE2__) && !defined(SF_NO_SIMD)                               \
    && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    int                    calm;
    size_t                 lim, out, room, tcap, tl;
    uint64_t               wmask, smask, start, x;
    unsigned               lt;
    __m128i                v;
    sf_stream_run_t        r;
    const unsigned char   *b, *e, *end;

    end = p + n;
    b = p;
    *count = 0;

    /* "</T>" is m + 1 bytes, "<T>" m, both within a word */
    wmask = ~(uint64_t) 0 >> (8 * (7 - m));

    /* most paragraphs end here: a tag in the text, read whole */
    if ((size_t) (end - q) < 8 || n < 8) {
        return b;
    }

    memcpy(&x, q, 8);

    if ((x ^ word) & wmask) {
        return b;
    }

    lim = below & SF_BARE_MAX;
    out = io->avail_out;
    room = s->hold_cap - s->hold_len;
    tcap = s->text_cap;
    smask = ~(uint64_t) 0 >> (8 * (8 - m));
    memcpy(&start, p, 8);
    start &= smask;

    for ( ;; ) {
        /* the block at b: its text [b + m, q), its end tag at q (x) */
        e = q + m + 1;

        if ((size_t) (e - p) > out || (size_t) (e - b) > room
            || (size_t) (q - b) - m > tcap)
        {
            break;
        }

        ++*count;
        b = e;

        /* the next one starts as the first did (24 bytes: its probe) */
        if ((size_t) (end - b) < m + 24) {
            break;
        }

        memcpy(&x, b, 8);

        if ((x ^ start) & smask) {
            break;
        }

        if (*count == 2) {
            r = sf_stream_run_fast(s, io, p, n, m, below, word, b);
            b = r.b;
            *count += r.count;

            if (r.done || (size_t) (end - b) < m + 24) {
                break;
            }
        }

        v = _mm_loadu_si128((const __m128i *) (const void *) (b + m));
        lt = (unsigned) _mm_movemask_epi8(
                 _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));

        if (lt == 0) {
            q = sf_stream_text_end(b + m, end, lim, &calm);

            if (q == NULL || ((below & SF_BARE_CALM) && !calm)
                || (size_t) (end - q) < 8)
            {
                break;
            }

            memcpy(&x, q, 8);

            if ((x ^ word) & wmask) {
                break;
            }

            continue;
        }

        tl = (size_t) __builtin_ctz(lt);

        if (tl >= lim
            || ((below & SF_BARE_CALM)
                && ((unsigned) _mm_movemask_epi8(
                        _mm_or_si128(v, _mm_cmpeq_epi8(v,
                                                       _mm_set1_epi8('&'))))
                    & ((lt & -lt) - 1))))
        {
            break;
        }

        /* its end tag: 8 bytes readable (the 24 above) */
        q = b + m + tl;
        memcpy(&x, q, 8);

        if ((x ^ word) & wmask) {
            break;
        }
    }

    return b;
#else
    (void) s;
    (void) io;
    (void) n;
    (void) m;
    (void) word;
    (void) below;
    (void) q;

    *count = 0;

    return p;
#endif
}


/*
 * The blocks of sf_stream_short_run() from its first, whose text ends at
 * q (calm or not), first when it may be the entry's first text block;
 * word, flags and below as it found them.  Inline at both places: the
 * common way knows first is 0.
 */
static SF_TEXT_INLINE size_t
sf_stream_short_loop(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, size_t *next, uint64_t word, unsigned flags,
    unsigned below, const unsigned char *q, int calm, int first)
{
    size_t                 k, len, total, lim;
    unsigned               count;
    sf_tag_e               t;
    sf_stream_run_t        r;
    const unsigned char   *b, *end;

    t = s->lx.tag;
    k = m - 2;
    lim = below & SF_BARE_MAX;
    end = p + n;
    total = 0;
    count = 0;
    b = p;

    /* most runs: list items after the entry's first block */
    if (!first && word != 0) {
        b = sf_stream_short_lean(s, io, p, n, m, word, below, q, &count);

        if (count != 0) {
            /* a list of two short items: one fixed copy */
            total = (size_t) (b - p);
            s->blocks += count;
            s->stats.blocks_held += count;
            s->held_tag = t;
            sf_stream_out_fixed(s, io, p, total, 32);
            sf_stream_took_block(s, io, total, t, k);

            return total;
        }

        goto run_end;
    }

    /* q: the end of the text of the block at b, calm or not */
    for ( ;; ) {
        if (!sf_stream_own_end(p, word, q, (size_t) (end - q), k)) {
            break;
        }

        len = (size_t) (q - b) + k + 3;

        if (total + len > io->avail_out || len > s->hold_cap - s->hold_len
            || (size_t) (q - b) - m > s->text_cap)
        {
            break;
        }

        if (first) {
            if (!sf_stream_short_first(s, t, flags, b + m, q, calm)) {
                break;
            }

            first = !s->first_done;
        }

        count++;
        total += len;
        b += len;

        /* the next one starts as this one did */
        if ((size_t) (end - b) < m + k + 3
            || !sf_stream_same_start(b, p, m, end))
        {
            break;
        }

        /* a run of them after the entry's first block: the common way */
        if (!first && count == 2 && word != 0) {
            r = sf_stream_run_fast(s, io, p, n, m, below, word, b);
            b = r.b;
            count += r.count;
            total = (size_t) (b - p);

            if (r.done) {
                break;
            }
        }

        q = sf_stream_text_end(b + m, end, lim, &calm);

        if (q == NULL || ((below & SF_BARE_CALM) && !calm)) {
            break;
        }
    }

run_end:

    s->blocks += count;
    s->stats.blocks_held += count;

    /* the first block broke the run: q is the first '<' after its start */
    if (total == 0) {
        return sf_stream_whole_read(s, io, p, n, m, &sf_stream_no_attrs, 0,
                                    next, word, q);
    }

    s->held_tag = t;
    sf_stream_out(s, io, p, total);
    sf_stream_took_block(s, io, total, t, k);

    return total;
}


/* The places of '<' among the sixteen bytes at p, a bit each. */
static inline unsigned
sf_stream_lt16(const unsigned char *p)
{
#if defined(__SSE2__) && !defined(SF_NO_SIMD)
    return (unsigned) _mm_movemask_epi8(
               _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) p),
                              _mm_set1_epi8('<')));
#else
    unsigned  i, lt;

    for (i = 0, lt = 0; i < 16; i++) {
        lt |= (unsigned) (p[i] == '<') << i;
    }

    return lt;
#endif
}


/*
 * sf_stream_whole_block() of a start tag without attributes: apart, so
 * that sf_stream_short_run() hands a block on to it before it sets up
 * anything of its own (a call in the place of its return).
 */
static SF_NOINLINE size_t
sf_stream_whole_bare(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, size_t *next)
{
    return sf_stream_whole_read(s, io, p, n, m, &sf_stream_no_attrs, 0, next,
                                sf_stream_end_word(p, n, m - 2), NULL);
}


/*
 * Short blocks read whole from the input in PASS, where most of a page's
 * list items, cells, captions and short paragraphs are: "<T>" without
 * attributes for a tag of s->short_tags, text with no tag in it, "</T>",
 * within the input, the output window and the hold-back's room; and the
 * blocks of the same start tag right after it, as a run.  When the held
 * way would keep each by the bare tables (sf_stream_decide()), they are
 * kept here with the same counts and flags, and their bytes go out in one
 * copy from the input: nothing is held, nothing read twice.  Returns the
 * bytes taken, or 0 with nothing changed: the held way reads the block.
 * The caller read the start tag (m bytes at p, the lexer's tag, no
 * attributes: m is the name's length and two) and checked the rest of
 * what the held way's start needs: PASS in the body after the head,
 * nothing queued, nobody explaining.  *next, set by
 * sf_stream_whole_block() alone: the length of the start tag at
 * io->next_in it read (else 0).  sf_stream_short_block() (sf_stream.h)
 * checked that the start closes no open element and that text follows
 * it.
 */
static SF_NOINLINE size_t
sf_stream_short_ask(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, size_t *next)
{
    int                    calm;
    size_t                 k, lim;
    uint64_t               word;
    unsigned               flags, below;
    sf_tag_e               t;
    const unsigned char   *q, *end;

    t = s->lx.tag;
    k = m - 2;

    /*
     * sf_stream_held_flags() of these blocks but the entry's first: how
     * long a text the tables keep tells how far to look.  A run leaves the
     * open elements as they are: the same for all of it.
     */
    flags = sf_stream_flags(s) | (s->code > 0 ? SF_BLOCK_IN_CODE : 0);
    below = sf_stream_bare_below(s, t, 0, flags);
    lim = below & SF_BARE_MAX;
    end = p + n;

    word = sf_stream_end_word_bare(p, n, k);

    /* most blocks the tables do not keep end here: a longer text */
    q = sf_stream_text_end(p + m, end, lim, &calm);

    if (q == NULL || ((below & SF_BARE_CALM) && !calm)) {
        /* the tag's next blocks as long are handed on at once */
        if (q == NULL && lim <= 16) {
            s->long_tag = t;
        }

        return sf_stream_whole_read(s, io, p, n, m, &sf_stream_no_attrs, 0,
                                    next, word, q);
    }

    /*
     * the entry's first text block still to come (rare: once an entry):
     * apart, so that the common way has none of its checks
     */
    if ((flags & SF_BLOCK_IN_ENTRY) && !s->first_done) {
        return sf_stream_short_entry(s, io, p, n, m, next, word, flags,
                                     below, q, calm);
    }

    return sf_stream_short_loop(s, io, p, n, m, next, word, flags, below, q,
                                calm, 0);
}


/*
 * The last block of this tag handed on for a text longer than the tables
 * keep of its kind, sixteen bytes or fewer (s->long_tag: most
 * paragraphs): a block with no '<' in its first sixteen is handed on at
 * once, the tables not asked.  A hint, not their answer: the whole reader
 * takes any block the short one takes, the same.  Else the short reader
 * (sf_stream_short_ask()).  Apart from both, so that neither sets up
 * anything for the other.
 */
size_t
sf_stream_short_run(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, size_t *next)
{
    if (s->lx.tag == s->long_tag && m + 16 <= n
        && sf_stream_lt16(p + m) == 0)
    {
        return sf_stream_whole_bare(s, io, p, n, m, next);
    }

    return sf_stream_short_ask(s, io, p, n, m, next);
}


/* sf_stream_short_loop() of a run that may hold the entry's first block. */
static SF_NOINLINE size_t
sf_stream_short_entry(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, size_t *next, uint64_t word, unsigned flags,
    unsigned below, const unsigned char *q, int calm)
{
    return sf_stream_short_loop(s, io, p, n, m, next, word, flags, below, q,
                                calm, 1);
}


/* A block kept with no rule: counted, and its bytes sent (inline at
 * both places of sf_stream_decide(): most blocks end here). */
static inline void
sf_stream_kept(sf_stream_t *s, unsigned flags, const unsigned char *base,
    size_t len)
{
    s->stats.blocks_held++;

    if (s->text_over) {
        sf_stream_pass(s, SF_PASS_TEXT);
    }

    sf_stream_heading_end(s, flags);
    sf_stream_queue(s, base, len);
}


/*
 * Decide the held block, len bytes at base, and act on it: base is the
 * block in the hold-back, or in the input when sf_stream_whole_block()
 * sends a kept one from there.  links: s->links holds the block's links
 * already (sf_stream_whole_inline()), else they are made from s->slinks.
 * A block without a class or id to scope it by and with a short text is
 * told by the reject's tables alone; the block struct is built for the
 * others, and most of them are kept for sure by the reject
 * (sf_rules_prejudge) right here: the rest of the decision is apart
 * (sf_stream_decide_block()), out of their way.
 */
static void
sf_stream_decide(sf_stream_t *s, const unsigned char *base, size_t len,
    int links)
{
    int             kept;
    uint64_t        may;
    unsigned        flags;
    sf_elt_t       *parent;
    sf_block_t      b;
    sf_bare_look_t  look;

    flags = sf_stream_held_flags(s, s->h_own);
    look.how = 0;
    kept = 0;

    /* kept by the tables, or by a look at its text that the memo is to
     * remember (built first) */
    if (sf_stream_bare(s) && sf_stream_plain(s)
        && sf_stream_bare_kept(s, flags, &look))
    {
        if (look.how != SF_BARE_SEEN) {
            s->blocks++;
            sf_stream_kept(s, flags, base, len);
            return;
        }

        kept = 1;
    }

    /* every field set here: no memset of the whole block on the hot path */
    b.tag = s->held_tag;
    b.id = s->h_id_len > 0 ? base + s->h_id : NULL;
    b.id_len = s->h_id_len;
    b.cls = s->h_cls_len > 0 ? base + s->h_cls : NULL;
    b.cls_len = s->h_cls_len;
    b.parent_id = NULL;
    b.parent_id_len = 0;
    b.parent_cls = NULL;
    b.parent_cls_len = 0;

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
    b.raw_len = len;
    b.text = s->text;
    b.text_len = s->text_len;

    if (!links) {
        sf_stream_links(s, base);
    }

    b.links = s->links;
    b.nlinks = s->nlinks;

    b.flags = flags;
    b.index = s->blocks++;
    b.title = s->title_len ? s->title : NULL;
    b.title_len = s->title_len;

    if (kept) {
        sf_rules_kept_bare(s->rules, s->match, &b);
        sf_stream_kept(s, flags, base, len);
        return;
    }

    /*
     * Most blocks are kept for sure by the reject (sf_rules_prejudge(),
     * on from what sf_rules_bare_keep() found of a bare one); the rest
     * goes on from the rules it left.  The shape detector looks at
     * the blocks of two or three links no rule took.
     */
    kept = sf_rules_prejudge_bare(s->rules, s->match, &b, &look, &may);

    /* kept with no rule left nor a shape the detector reads: most blocks */
    if (kept && sf_stream_plain(s)) {
        sf_stream_kept(s, flags, base, len);
        return;
    }

    sf_stream_decide_block(s, &b, flags, kept, may);
}


/*
 * The rest of the decision of a held block by the rules (b, built by
 * sf_stream_decide(), and what sf_rules_prejudge() told: kept, may).
 */
static SF_NOINLINE void
sf_stream_decide_block(sf_stream_t *s, sf_block_t *b, unsigned flags,
    int kept, uint64_t may)
{
    sf_action_e            act;
    sf_decision_result_t   res;

    memset(&res, 0, sizeof(sf_decision_result_t));
    res.action = SF_ACT_KEEP;

    if (!kept) {
        sf_rules_decide_rest(s->rules, s->match, b, may, &res);
    }

    /* a footer no rule names, told by its shape */
    if (res.action == SF_ACT_KEEP && res.rule_id == NULL && s->shape != NULL
        && !res.limit_hit && !s->text_over)
    {
        (void) sf_shape_decide(b, s->shape, &res);
    }

    s->stats.blocks_held++;

    if (res.limit_hit) {
        sf_stream_pass(s, SF_PASS_REGEX);
    }

    act = res.action;

    /*
     * Whatever a rule says, quotes, comments (a reader's comment written
     * like a footer, in any comment plugin's markup) and code samples
     * stay.
     */
    if (flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS
                 | SF_BLOCK_IN_CODE))
    {
        act = SF_ACT_KEEP;
    }

    if (s->explain != NULL) {
        sf_explain_block(s->explain, &s->opt, b, &res, act, s->text_over,
                         s->h_in_off);
    }

    if (s->text_over && act == SF_ACT_KEEP) {
        sf_stream_pass(s, SF_PASS_TEXT);
    }

    if (res.rule_id != NULL && act != SF_ACT_KEEP) {
        s->stats.rules_fired++;
        sf_stream_report(s, res.rule_id, act, b->raw_len, s->h_in_off);
    }

    if (act != SF_ACT_KEEP && act != SF_ACT_DROP && res.source != NULL) {
        sf_stream_learn(s, res.source, res.source_len, res.source_name,
                        res.source_name_len);
    }

    sf_stream_heading_end(s, flags);

    if (act != SF_ACT_KEEP && act != SF_ACT_KEEP_SOURCE) {
        s->stats.blocks_removed++;
    }

    if (act == SF_ACT_KEEP_SOURCE) {
        s->credit_done = 1;
    }

    if (s->opt.report || act == SF_ACT_KEEP || act == SF_ACT_KEEP_SOURCE) {
        sf_stream_queue(s, b->raw, b->raw_len);
        return;
    }

    if (act == SF_ACT_DROP_SOURCE || act == SF_ACT_REPLACE) {
        if (res.source != NULL) {
            sf_stream_credit_for(s, res.source, res.source_len,
                                 res.source_name, res.source_name_len);

        } else {
            sf_stream_credit(s);
        }
    }
}


/* The held block ends: with or without the token that ended it. */
void
sf_stream_block_end(sf_stream_t *s, int with_token)
{
    size_t  end;

    end = with_token ? s->hold_len : s->t_start;

    if (s->held_pass) {
        if (with_token) {
            sf_stream_queue_token(s);
        }

    } else {
        sf_stream_decide(s, s->hold + s->h_start, end - s->h_start, 0);
    }

    s->mode = SF_MODE_PASS;
    s->held_pass = 0;
    s->anon = 0;
}


/* A block-level element opened inside the held one: it is a container. */
static void
sf_stream_container(sf_stream_t *s)
{
    const unsigned char  *base;

    if (sf_tag_is_block(s->held_tag) && !s->held_pass) {
        /* the start tag was read when the block started: no second read */
        base = s->hold + s->h_start;
        sf_stream_push_elt(s, s->held_tag,
                           s->h_id_len > 0 ? base + s->h_id : NULL,
                           s->h_id_len,
                           s->h_cls_len > 0 ? base + s->h_cls : NULL,
                           s->h_cls_len, s->h_own);

    } else if (sf_tag_is_block(s->held_tag)) {
        /*
         * a block sent as it came (past the hold-back): its start tag went
         * out with it and the hold-back holds other bytes now; the element
         * opens with its flags, its id and class are not known any more
         */
        sf_stream_push_elt(s, s->held_tag, NULL, 0, NULL, 0, s->h_own);
    }

    if (!s->held_pass) {
        sf_stream_queue(s, s->hold + s->h_start, s->t_start - s->h_start);
    }

    s->mode = SF_MODE_PASS;
    s->held_pass = 0;
}


/*
 * A block t starts (its tag at t_start) inside the held one, which ends
 * before it or turns out to be its container; PASS then, for t.
 */
void
sf_stream_held_block(sf_stream_t *s, sf_tag_e t)
{
    /*
     * an anonymous block, or one t closes, ends before t; else the held
     * one turns container (an inline element held by its class: sent)
     */
    if (s->anon
        || (sf_tag_is_block(s->held_tag) && sf_stream_closes(s->held_tag, t)))
    {
        sf_stream_block_end(s, 0);

    } else {
        sf_stream_container(s);
    }
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

    /* most inline tags: no id nor class among what the lexer recorded */
    if (!a->parsed && !sf_stream_attrs_named(tag)) {
        return 0;
    }

    a = sf_stream_attrs(a);

    if (a->id.data == NULL && a->cls.data == NULL) {
        return 0;
    }

    return sf_rules_select(s->rules, tag->tag, a->id.data, a->id.len,
                           a->cls.data, a->cls.len, &rule_id)
           != SF_SELECT_NONE;
}


/*
 * A tag inside the held block.  End tags, half of all, go their own short
 * way: most end an inline element or the block itself.
 */
sf_verdict_e
sf_stream_held_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    return tag->end ? sf_stream_held_end(s, tag, a)
                    : sf_stream_held_start(s, tag, a);
}


static sf_verdict_e
sf_stream_held_end(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    sf_tag_e  t;

    t = tag->tag;

    if (!s->anon && t == s->held_tag) {
        if (s->held_depth == 0) {
            sf_stream_block_end(s, 1);
            return SF_TAG_TAKEN;
        }

        s->held_depth--;

    } else if (sf_tag_is_block(t)) {
        /* an ancestor's end, or a stray one: the block is over */
        sf_stream_block_end(s, 0);
        return SF_TAG_AGAIN;
    }

    return sf_stream_held_rest(s, tag, a);
}


static SF_NOINLINE sf_verdict_e
sf_stream_held_start(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    sf_tag_e  t;

    t = tag->tag;

    if (!sf_tag_is_block(t) && sf_stream_named(s, tag, a)) {
        /* an inline element does not close the held one: split around it */
        if (s->anon) {
            sf_stream_block_end(s, 0);

        } else {
            sf_stream_container(s);
        }

        return SF_TAG_AGAIN;
    }

    if (sf_tag_is_block(t)) {
        sf_stream_held_block(s, t);
        return SF_TAG_AGAIN;
    }

    if (t == s->held_tag && !sf_tag_is_void(t) && !s->anon) {
        s->held_depth++;
    }

    return sf_stream_held_rest(s, tag, a);
}


/* An inline tag that stays in the held block: its bytes and what it adds. */
static sf_verdict_e
sf_stream_held_rest(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    if (s->held_pass) {
        sf_stream_queue_token(s);
        return SF_TAG_TAKEN;
    }

    sf_stream_held_inline(s, tag, a, s->hold + s->h_start);

    return SF_TAG_TAKEN;
}


void
sf_stream_drop_end(sf_stream_t *s)
{
    s->mode = SF_MODE_PASS;
    sf_stream_report(s, s->drop_rule, SF_ACT_DROP, s->drop_bytes,
                     s->drop_in_off);

    if (s->explain != NULL) {
        sf_explain_drop(s->explain, &s->opt, s->drop_rule, s->drop_bytes,
                        s->drop_in_off);
    }
}


/* The current token goes with the dropped element. */
void
sf_stream_drop_token(sf_stream_t *s)
{
    s->drop_bytes += s->hold_len - s->t_start;

    if (s->opt.report) {
        sf_stream_queue_token(s);
        return;
    }

    s->hold_len = s->t_start;
}


void
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


sf_verdict_e
sf_stream_drop_tag(sf_stream_t *s, sf_tag_t *tag)
{
    sf_tag_e  t;

    t = tag->tag;

    if (!tag->end) {
        if (t == s->drop_tag) {
            s->drop_depth++;
        }

        sf_stream_drop_token(s);
        return SF_TAG_TAKEN;
    }

    if (t == s->drop_tag) {
        sf_stream_drop_token(s);

        if (s->drop_depth == 0) {
            sf_stream_drop_end(s);
            return SF_TAG_TAKEN;
        }

        s->drop_depth--;
        return SF_TAG_TAKEN;
    }

    if (t == SF_TAG_BODY || t == SF_TAG_HTML
        || (sf_tag_is_block(t) && sf_stream_open(s, t)))
    {
        sf_stream_drop_end(s);
        return SF_TAG_AGAIN;
    }

    sf_stream_drop_token(s);

    return SF_TAG_TAKEN;
}
