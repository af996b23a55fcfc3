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
 *
 * This file: the feed loop, markup tokens and what happens outside
 * blocks, the life cycle.  The queue is sf_stream_queue.c.
 */

#include "sf_stream.h"

/* the copy of an input's head in sf_stream_replay() */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__) \
    && !defined(SF_NO_SIMD)
#include <immintrin.h>
#include "sf_avx2.h"
#define SF_STREAM_REPLAY_AVX2  1
#else
#define SF_STREAM_REPLAY_AVX2  0
#endif


enum {
    SF_TO_OUT = 0,
    SF_TO_HOLD,
    SF_TO_NONE
};


static void sf_stream_compact(sf_stream_t *s);
static void sf_stream_token_as_is(sf_stream_t *s);
static void sf_stream_token(sf_stream_t *s);
static void sf_stream_tag(sf_stream_t *s, sf_tag_t *tag);
static void sf_stream_pass_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a);
static unsigned sf_stream_route(sf_stream_t *s);
static int sf_stream_fast(sf_stream_t *s, sf_io_t *io);
static int sf_stream_fast_raw(sf_stream_t *s, sf_io_t *io);
static void sf_stream_fast_tag(sf_stream_t *s, sf_io_t *io,
    const unsigned char *p, size_t n, size_t m, const sf_tag_memo_t *memo);
static int sf_stream_feed_io(sf_stream_t *s, sf_io_t *io, unsigned flags);
static size_t sf_stream_replay(sf_stream_t *s, sf_io_t *io, sf_io_t *v,
    unsigned ok);
static void sf_stream_replayed(sf_stream_t *s, sf_io_t *io, sf_io_t *v,
    size_t k);
static void sf_stream_retype(sf_stream_t *s);
static void sf_stream_overflow(sf_stream_t *s);
static int sf_stream_step(sf_stream_t *s, sf_io_t *io);
static void sf_stream_end_input(sf_stream_t *s);
static void *sf_stream_alloc(sf_stream_t *s, size_t size);
static void sf_stream_free(const sf_allocator_t *alloc, void *p);


/* With the queue empty, move what is still needed to the buffer's start. */
static void
sf_stream_compact(sf_stream_t *s)
{
    size_t  base;

    /* an empty buffer, the common case between tokens: nothing to move */
    if (s->hold_len == 0) {
        return;
    }

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

    /* most of the time nothing is kept: no move */
    if (base < s->hold_len) {
        memmove(s->hold, s->hold + base, s->hold_len - base);
    }

    s->hold_len -= base;

    if (s->h_start >= base) {
        s->h_start -= base;
    }

    if (s->t_start >= base) {
        s->t_start -= base;
    }
}


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
            sf_stream_jsonld_tag(s, tag);

            if (!tag->end) {
                if (t == SF_TAG_LINK && sf_stream_canonical(s, a)) {
                    return;
                }

                if (t == SF_TAG_META) {
                    sf_stream_meta(s, a);

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
            /* a credit goes after the article, not into a code sample */
            if ((t == SF_TAG_ARTICLE || t == SF_TAG_BODY || t == SF_TAG_HTML)
                && !sf_stream_in_code(s))
            {
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
        sf_stream_lang_tag(s, tag);
        sf_stream_queue_token(s);
        return;

    case SF_TAG_BODY:
        if (!s->head_seen) {
            sf_stream_head_implied(s);
        }

        s->in_body = 1;
        sf_stream_push(s, tag, a);
        sf_stream_queue_token(s);
        return;

    default:
        break;
    }

    if (sf_tag_is_block(t)) {
        if (!s->head_seen) {
            sf_stream_head_implied(s);
        }

        sf_stream_implicit_close(s, t);
        s->in_body = 1;

    } else if (!s->in_body || sf_tag_is_rawtext(t) || t == SF_TAG_TEMPLATE
               || t == SF_TAG_LINK || t == SF_TAG_META)
    {
        sf_stream_queue_token(s);
        return;
    }

    rule_id = NULL;
    a = sf_stream_attrs(a);
    sel = sf_rules_select(s->rules, t, a->id.data, a->id.len, a->cls.data,
                          a->cls.len, &rule_id);

    if (sel == SF_SELECT_DROP && sf_stream_in_code(s)) {
        /* markup shown as a sample: held, and kept by sf_stream_decide() */
        sel = SF_SELECT_HOLD;
    }

    if (sel == SF_SELECT_DROP) {
        if (s->explain != NULL) {
            sf_explain_drop_start(s->explain, t, a->id.data, a->id.len,
                                  a->cls.data, a->cls.len);
        }

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


/*
 * The current token is no tag to act on ("</>", or cut off by the end of
 * input): its bytes go where the mode sends bytes.
 */
static void
sf_stream_token_as_is(sf_stream_t *s)
{
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
}


/* A complete markup token sits at [t_start, hold_len). */
static void
sf_stream_token(sf_stream_t *s)
{
    sf_tag_t  tag;

    s->tok = 0;

    if (sf_tag_parse_id(&tag, s->hold + s->t_start,
                        s->hold_len - s->t_start, s->lx.tag, s->lx.name_len)
        != 0)
    {
        /* "</>": nothing to look at */
        sf_stream_token_as_is(s);
        return;
    }

    sf_stream_tag(s, &tag);
}


/* A start or end tag, parsed: where it goes depends on the mode. */
static void
sf_stream_tag(sf_stream_t *s, sf_tag_t *tag)
{
    sf_attrs_t    a;
    sf_verdict_e  verdict;

    /* a template's contents are no page content: its tags act on nothing */
    if (s->lx.inert) {
        sf_stream_token_as_is(s);
        return;
    }

    if (tag->tag == SF_TAG_CODE) {
        if (!tag->end) {
            s->code += (s->code < (unsigned) -1);
            /*
             * the held block touched a code sample (a block started later
             * sets h_code anew): even when this tag splits it, keeping
             * it is the safe side
             */
            s->h_code = 1;

        } else if (s->code > 0) {
            s->code--;
        }
    }

    /* attributes are parsed at their first use */
    a.tag = tag;
    a.parsed = 0;

    switch (s->mode) {
    case SF_MODE_HELD:
        verdict = sf_stream_held_tag(s, tag, &a);
        break;
    case SF_MODE_HEADHOLD:
        verdict = sf_stream_headhold_tag(s, tag, &a);
        break;
    case SF_MODE_DROP:
        verdict = sf_stream_drop_tag(s, tag);
        break;
    default:
        verdict = SF_TAG_AGAIN;
        break;
    }

    if (verdict == SF_TAG_AGAIN) {
        sf_stream_pass_tag(s, tag, &a);
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

        if (kind == SF_LEX_RAW && s->js_state != 0) {
            sf_stream_jsonld(s, p, len);
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

        if (kind == SF_LEX_RAW && s->js_state != 0) {
            sf_stream_jsonld(s, p, len);
        }

        return;

    case SF_MODE_DROP:
        sf_stream_drop_token(s);
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

            if (s->explain != NULL) {
                sf_explain_pass(s->explain, &s->opt,
                                s->anon ? SF_TAG_NONE : s->held_tag,
                                s->h_id_len ? s->hold + s->h_start + s->h_id
                                            : NULL, s->h_id_len,
                                s->h_cls_len ? s->hold + s->h_start + s->h_cls
                                             : NULL, s->h_cls_len,
                                s->h_in_off, upto - s->h_start);
            }
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


/* Where the mode sends bytes that are not a tag being read. */
static unsigned
sf_stream_route(sf_stream_t *s)
{
    if (s->mode == SF_MODE_DROP) {
        return s->opt.report ? SF_TO_OUT : SF_TO_NONE;
    }

    if (s->mode == SF_MODE_PASS || (s->mode == SF_MODE_HELD && s->held_pass))
    {
        return SF_TO_OUT;
    }

    return SF_TO_HOLD;
}


/*
 * Bytes read by either way of the loop go where the mode sends them: the
 * output, or the hold-back (and, text of a held block, its text too).
 */
static inline void
sf_stream_move(sf_stream_t *s, sf_io_t *io, unsigned to,
    const unsigned char *p, size_t m, int text)
{
    if (to == SF_TO_OUT) {
        sf_stream_out(s, io, p, m);

    } else if (to == SF_TO_HOLD) {
        memcpy(s->hold + s->hold_len, p, m);
        s->hold_len += m;

        if (text && s->mode == SF_MODE_HELD) {
            sf_stream_text_add(s, p, m);
        }
    }
}


/*
 * A whole tag of m bytes at p ('<', n bytes readable there), read by the
 * lexer: to the hold-back, where handlers find it, and acted on.
 */
static inline void
sf_stream_take_tag(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m)
{
    sf_tag_t    tag;
    sf_attrs_t  a;

    s->t_start = s->hold_len;
    s->t_in_off = s->stats.bytes_in;

    if (m <= 16 && n >= 16 && s->hold_cap - s->hold_len >= 16) {
        /* most tags: one fixed copy, no call (the bytes past m are spare) */
        memcpy(s->hold + s->hold_len, p, 16);

    } else {
        memcpy(s->hold + s->hold_len, p, m);
    }

    s->hold_len += m;
    sf_stream_took(s, io, m);

    /* what sf_tag_parse_id() would find again: the lexer has it all */
    sf_stream_lexed_tag(s, &tag, s->hold + s->t_start, m);

    if ((s->mode == SF_MODE_HELD || s->mode == SF_MODE_PASS)
        && !s->lx.inert && tag.tag != SF_TAG_CODE)
    {
        /* most tags of a page: nothing to count, the mode's handler */
        a.tag = &tag;
        a.parsed = 0;

        /* as sf_stream_tag() does it: the end of the block reads it in PASS */
        if (s->mode == SF_MODE_PASS
            || sf_stream_held_tag(s, &tag, &a) == SF_TAG_AGAIN)
        {
            sf_stream_pass_tag(s, &tag, &a);
        }

        return;
    }

    sf_stream_tag(s, &tag);
}


/*
 * Whether the fused loop may act on a tag as sf_stream_pass_tag() would:
 * PASS in the body, nothing queued before what it sends, nobody
 * explaining (an explained run takes the handlers' way, token by token).
 */
static inline int
sf_stream_fused(const sf_stream_t *s)
{
    return s->mode == SF_MODE_PASS && s->in_body && !s->in_head
           && s->q_n == 0 && s->explain == NULL;
}


/*
 * sf_stream_flow_tag() inline in both ways of the fused loop, whatever its
 * size: a call there costs as much as most of what it does.
 */
#if defined(__GNUC__)
#define SF_FLOW_INLINE  inline __attribute__ ((always_inline))
#else
#define SF_FLOW_INLINE  inline
#endif


/*
 * The m bytes at the input's head p that the fused loop sends, and the
 * one newline (or space) between two blocks after them when a tag follows
 * it and the output has room: sent with them, as sf_stream_fast() sends
 * it in PASS in the body (a byte, no lexer), rather than in a turn of its
 * own.  Their length.
 */
static inline size_t
sf_stream_flow_space(sf_io_t *io, const unsigned char *p, size_t m)
{
    if (m + 2 <= io->avail_in && m < io->avail_out && p[m + 1] == '<'
        && sf_stream_space(p[m]))
    {
        return m + 1;
    }

    return m;
}


/*
 * A script's (or a style's) start tag of m bytes at the input's head p,
 * read by the lexer (raw text entered) in PASS in the body, sent as
 * sf_stream_flow_tag() sends a tag (nothing of a script in the body is
 * read, no element is opened for it), and with it in one copy the text and the
 * end tag that sf_stream_fast_raw() and sf_stream_flow_tag() would send
 * in the loop's next turns: the text up to the first '<' that may matter
 * within the input and the output window, and a plain end tag there.  The
 * caller checked sf_stream_fused() and that the output has room for the
 * start tag.
 */
static SF_FLOW_INLINE void
sf_stream_flow_raw(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t m)
{
    size_t  n, t;

    n = io->avail_in < io->avail_out ? io->avail_in : io->avail_out;

    if (!s->title_capture && s->js_state == 0) {
        m += sf_lexer_raw_run(&s->lx, p + m, n - m, &t);

        if (t != 0) {
            sf_lexer_raw_end(&s->lx);
            m = sf_stream_flow_space(io, p, m + t);
        }
    }

    /* most scripts of a page's body are short: one fixed copy */
    sf_stream_out_fixed(s, io, p, m, 32);
    sf_stream_took(s, io, m);
}


/*
 * A whole tag of m bytes at the input's head p in PASS in the body, read
 * by the lexer, that only opens or closes an element and is sent, as
 * sf_stream_pass_tag() would do it: an end tag, a start tag of
 * s->flow_tags without attributes, a script or style start (raw text in
 * the body is sent as it is, sf_stream_flow_raw()), sent from the input
 * with no copy to the hold-back: 2 for a container opened, else 1.
 * Returns 0 for the others: the tags that count, hold, drop, credit or
 * read the head.  The caller checked sf_stream_fused() and that the
 * output has room for the tag.
 */
static SF_FLOW_INLINE int
sf_stream_flow_tag(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t m)
{
    sf_tag_e  t;

    t = s->lx.tag;

    if (s->lx.inert || t == SF_TAG_CODE) {
        return 0;
    }

    if (s->lx.end) {
        /* the end of the entry, the body or the page places the credit */
        if (t == SF_TAG_ARTICLE || t == SF_TAG_BODY || t == SF_TAG_HTML
            || t == SF_TAG_HEAD)
        {
            return 0;
        }

        if (sf_tag_is_block(t)) {
            sf_stream_pop_top(s, t);
        }

    } else if ((unsigned) t < 64 && ((s->flow_tags >> t) & 1)) {
        if (m != s->lx.name_len + 2 || !s->head_seen) {
            return 0;
        }

        sf_stream_implicit_close(s, t);

        /* no void element among s->flow_tags: most open here */
        if (s->depth < SF_STACK_MAX) {
            (void) sf_stream_elt_new(s, t, 0);

        } else {
            sf_stream_push_elt(s, t, NULL, 0, NULL, 0, 0);
        }

        sf_stream_out_head(s, io, p, m);
        sf_stream_took(s, io, m);

        return 2;

    } else if (!sf_tag_is_rawtext(t)) {
        return 0;

    } else if (t != SF_TAG_PLAINTEXT) {
        /* the lexer is in plain raw text: the script's text and end */
        sf_stream_flow_raw(s, io, p, m);
        return 1;
    }

    sf_stream_out_head(s, io, p, m);
    sf_stream_took(s, io, m);

    return 1;
}


/*
 * Whether the 8 bytes at p begin "</T>", the end tag of the start tag
 * "<T>" of m bytes at open (8 bytes readable there too): one compare of
 * the words, for a name of up to five bytes ("</ul>", "</table>").
 */
static inline int
sf_stream_end_of(const unsigned char *open, size_t m, const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t  o, x;

    if (m > 7) {
        return 0;
    }

    memcpy(&o, open, 8);
    memcpy(&x, p, 8);

    /* "<T>" moved one byte up behind "</": "</T>", its m + 1 bytes */
    return ((x ^ ((o >> 8) << 16 | 0x2f3c)) & (~(uint64_t) 0 >> (8 * (7 - m))))
           == 0;
#else
    (void) open;
    (void) m;
    (void) p;

    return 0;
#endif
}


/*
 * The end tag of m bytes at the input's head p of the element t the fused
 * loop opened (sf_stream_end_of() knew it), as the lexer and
 * sf_stream_flow_tag() take it: closed, and sent.  The caller checked
 * that the output has room for it.
 */
static inline void
sf_stream_flow_end(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t m, sf_tag_e t)
{
    sf_lexer_took(&s->lx, t, m - 3, 1);
    sf_stream_pop_top(s, t);
    m = sf_stream_flow_space(io, p, m);
    sf_stream_out_head(s, io, p, m);
    sf_stream_took(s, io, m);
}


/*
 * Out of the fused loop: inline there, its few registers cost every tag
 * the loop reads (~0.03 instructions a byte of an article).
 */
const sf_tag_memo_t *
sf_stream_known_tag(sf_stream_t *s, const unsigned char *p, size_t len)
{
    const sf_tag_memo_t  *e;

    if (len < 16 || (unsigned) (p[1] | 0x20) - 'a' >= 26 || !s->head_seen
        || s->mode != SF_MODE_PASS || !s->in_body || s->in_head
        || s->q_n != 0 || s->explain != NULL)
    {
        return NULL;
    }

    e = sf_match_tag(s->match, p, len);

    if (e != NULL) {
        sf_lexer_took(&s->lx, (sf_tag_e) e->tag, e->name_len, 0);
        s->lx.attrs.n = SF_TAG_SPANS + 1;
    }

    return e;
}


/*
 * The block start tag of m bytes at p, taken (element t, its name k
 * bytes, selected sel, own flags own, values a; the readers have moved
 * the lexer on since), kept in the scratch for the next time its bytes
 * come.
 */
static void
sf_stream_keep_tag(sf_stream_t *s, const unsigned char *p, size_t m,
    sf_tag_e t, size_t k, const sf_attrs_t *a, sf_select_e sel,
    unsigned own)
{
    sf_tag_memo_t  e;

    if (m < 16 || m > SF_TAG_MEMO_KEY || (unsigned) t > 255
        || !sf_stream_attrs_keep(a, p, m, &e))
    {
        return;
    }

    e.own = own;
    e.len = (unsigned char) m;
    e.tag = (unsigned char) t;
    e.name_len = (unsigned char) k;
    e.sel = (unsigned char) sel;

    sf_match_tag_keep(s->match, p, &e);
}


/*
 * A block's start tag with attributes, m bytes at the input's head p in
 * PASS in the body, read by the lexer, one sf_stream_open_block() lets
 * by: the rules select it by its id and class as sf_stream_pass_tag()
 * does.  One they let flow opens and is sent; one they hold is read
 * whole, or opened as a container, from the input by
 * sf_stream_whole_block() (*next: the start tag of its first block,
 * read).  Returns 0 with nothing taken for the others (an element dropped
 * whole, what the reader leaves): sf_stream_take_tag() reads the tag.  A
 * tag the scratch remembers (memo, found by the read, or looked up here)
 * is not parsed nor selected again: its values and the rules' answer are
 * the slot's; one taken is kept there.
 */
static int
sf_stream_open_tag(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, const sf_tag_memo_t *memo, size_t *next)
{
    int          r;
    size_t       k;
    unsigned     own;
    sf_tag_t     tag;
    sf_tag_e     t;
    sf_attrs_t   a, *pa;
    sf_select_e  sel;

    t = s->lx.tag;
    k = s->lx.name_len;

    /* a tag the read did not look up (a container's first block) */
    if (memo == NULL && m >= 16 && m <= SF_TAG_MEMO_KEY) {
        memo = sf_match_tag(s->match, p, m);
    }

    if (memo != NULL && memo->len == m) {
        /* the values are the slot's: the tag's bytes are not parsed */
        a.tag = NULL;
        sf_stream_attrs_memo(&a, p, memo);
        sf_stream_implicit_close(s, t);
        sel = (sf_select_e) memo->sel;
        own = memo->own;
        pa = &a;

    } else {
        memo = NULL;
        sf_stream_lexed_tag(s, &tag, p, m);
        a.tag = &tag;
        a.parsed = 0;
        pa = sf_stream_attrs(&a);

        /* as sf_stream_pass_tag(): a start closes, then the rules select */
        sf_stream_implicit_close(s, t);
        sel = sf_stream_select_elt(s, t, pa, &own);

        if (sel == SF_SELECT_DROP) {
            return 0;
        }
    }

    if (sel == SF_SELECT_NONE) {
        sf_stream_push_elt(s, t, pa->id.data, pa->id.len, pa->cls.data,
                           pa->cls.len, own);
        sf_stream_out(s, io, p, m);
        sf_stream_took(s, io, m);
        r = 1;

    } else {
        r = sf_stream_whole_block(s, io, p, n, m, pa, own, next) != 0;
    }

    if (r && memo == NULL) {
        sf_stream_keep_tag(s, p, m, t, k, pa, sel, own);
    }

    return r;
}


/*
 * sf_stream_open_tag() for a tag that may open a block: the others are
 * told here, inline, as most tags with attributes in the body are no
 * block's ("<a href", "<img src") and the call's registers cost more than
 * the look (~1,600 instructions on the aggregator page).  The end tags,
 * the document's own elements and the page's heading stay with
 * sf_stream_take_tag(); a tag the scratch remembers passed this when it
 * was kept.
 */
static inline int
sf_stream_open_block(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, const sf_tag_memo_t *memo, size_t *next)
{
    sf_tag_e  t;

    t = s->lx.tag;

    if (memo == NULL
        && (s->lx.end || s->lx.inert || !sf_tag_is_block(t)
            || sf_tag_is_void(t) || sf_tag_is_rawtext(t) || t == SF_TAG_HTML
            || t == SF_TAG_HEAD || t == SF_TAG_BODY || t == SF_TAG_H1))
    {
        return 0;
    }

    return sf_stream_open_tag(s, io, p, n, m, memo, next);
}


/*
 * A comment at the input's head p (n bytes there) between blocks ("<!--
 * .entry-content -->") in PASS in the body, of the shape
 * sf_lexer_comment() takes: sent as the loop's steps send it (its bytes
 * flow), in one copy.  Returns 0, nothing taken, for any other.
 */
static inline int
sf_stream_flow_comment(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n)
{
    size_t  m;

    if (n < 8 || p[1] != '!' || !sf_stream_fused(s)) {
        return 0;
    }

    m = sf_lexer_comment(&s->lx, p, n < io->avail_out ? n : io->avail_out);

    if (m == 0) {
        return 0;
    }

    sf_stream_out(s, io, p, m);
    sf_stream_took(s, io, m);

    return 1;
}


/*
 * sf_stream_compact() between two tokens of the fused loop, no token in
 * the hold-back: in PASS nothing there is kept (a block just sent), and
 * the buffer is emptied inline.
 */
static inline void
sf_stream_compact_next(sf_stream_t *s)
{
    size_t  base;

    if (s->hold_len == 0) {
        return;
    }

    if (s->mode != SF_MODE_PASS) {
        sf_stream_compact(s);
        return;
    }

    base = s->hold_len;
    s->hold_len = 0;

    if (s->h_start >= base) {
        s->h_start -= base;
    }

    if (s->t_start >= base) {
        s->t_start -= base;
    }
}


/*
 * A chunk boundary inside a block costs the block its readers: they need
 * its end tag in the input, and a block cut by the input's end goes the
 * held way, tag by tag (~3,000 instructions a boundary on the aggregator
 * page in 4 KiB chunks).  So when an input that is not the last ends
 * within a quarter of the hold-back from a block's start tag at p (one
 * the whole reader stopped at the end for, s->cut, or near the end,
 * sf_stream_near(), or a tag the end cut), the stream in PASS with
 * nothing held or queued and the lexer in the data state (as it was
 * before the tag: the tag's record is read again), the n bytes from p
 * are kept in the hold-back's last quarter but one, taken as read, and
 * sf_stream_replay() reads them again ahead of the next input, contiguous
 * with its head.  Reading them then is reading an input cut at p rather
 * than inside the block: the same output (every chunking gives it).  A
 * tag refused for another reason is refused again there; it costs a copy.
 */
static inline size_t
sf_stream_carry_room(const sf_stream_t *s)
{
    size_t  cap;

    /* the whole buffer's (sf_stream_replay() cuts hold_cap while it reads) */
    cap = s->opt.limits.max_holdback;

    return cap / 4 < SF_CARRY_MAX ? cap / 4 : SF_CARRY_MAX;
}


static SF_NOINLINE int
sf_stream_carry(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n)
{
    if (!s->carry_ok || n > sf_stream_carry_room(s)
        || p != io->next_in || n != io->avail_in || s->hold_len != 0
        || !sf_stream_fused(s) || !sf_lexer_in_text(&s->lx)
        || s->lx.tmpl != 0)
    {
        return 0;
    }

    /* within sf_stream_replay() p may be in the hold-back's end itself */
    memmove(s->hold + s->opt.limits.max_holdback - sf_stream_carry_room(s)
            - n, p, n);
    s->carry = (uint16_t) n;
    sf_stream_took(s, io, n);

    return 1;
}



/*
 * A tag the input's end cut at p (n bytes, no '>' in them, not a comment
 * or a declaration, which the byte-wise lexer reads), within the room:
 * kept for the next input's head.
 */
static SF_NOINLINE int
sf_stream_carry_tag(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t room)
{
    return n < room && (n < 2 || p[1] != '!') && memchr(p, '>', n) == NULL
           && sf_stream_carry(s, io, p, n);
}


/*
 * A block's start tag this near the end of an input that is not the last
 * (n bytes from it to the end): kept before any reader reads it.  Most
 * such blocks go on past the end, and a reader would read them up to it
 * only to give up; one that does not costs a short copy, not a reading
 * twice.
 */
static SF_NOINLINE int
sf_stream_near(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n)
{
    return !s->lx.end && s->head_seen && sf_stream_carry(s, io, p, n);
}


/*
 * Whether the fused loop reads the next token in this turn: the loop's
 * turn would do nothing before it (nothing queued, input left, no token
 * in the hold-back).  Not in sf_stream_replay()'s input, a token a turn:
 * the loop goes back to the input as soon as the tail is read, so the
 * copy of its head need not hold the rest of it.  (After a script's text
 * the fast path goes on without asking: past the tail it then reads on
 * in the copy, whose end is an input's end, a block cut there kept.)
 */
static inline int
sf_stream_goes_on(const sf_stream_t *s, const sf_io_t *io)
{
    return s->q_n == 0 && io->avail_in > 0 && !s->tok && !s->tok_over
           && !s->replaying;
}


/*
 * The fused loop's common cases, in the lexer's data state: a text run up
 * to the next '<' moves in one copy to where the mode sends it, and a tag
 * that ends within the input (and the hold-back room) is read at once and
 * acted on, without the lexer's byte states; plain raw text goes to
 * sf_stream_fast_raw().  Returns 0 when none applies: a tag cut by the
 * input's end or the room, comments, a script's escapes, an output window
 * used up; sf_stream_step() takes those, from the same place.
 */
static int
sf_stream_fast(sf_stream_t *s, sf_io_t *io)
{
    int                    moved, taken;
    size_t                 n, m, room, len;
    unsigned               to;
    const unsigned char   *p, *q;
    const sf_tag_memo_t   *memo;

    if (s->tok || s->tok_over) {
        return 0;
    }

    taken = 0;

again:

    if (!sf_lexer_in_text(&s->lx)) {
        if (!sf_lexer_in_raw(&s->lx) || !sf_stream_fast_raw(s, io)) {
            return taken;
        }

        /*
         * A script's text and end tag taken: what follows is read in this
         * turn, as after a tag (the loop's turn would do nothing first).
         */
        if (s->q_n != 0 || io->avail_in == 0 || s->tok || s->tok_over) {
            return 1;
        }

        sf_stream_compact_next(s);
        taken = 1;
        goto again;
    }

    p = io->next_in;
    n = io->avail_in;
    room = s->hold_cap - s->hold_len;
    moved = 0;

    /*
     * The one newline (or space) between two blocks, the most common text
     * of a page: sent as the loop below sends white space in the body,
     * byte by byte, and the tag after it read at once.
     */
    if (n > 1 && p[1] == '<' && sf_stream_space(*p) && io->avail_out > 0
        && s->mode == SF_MODE_PASS && s->in_body && !s->in_head)
    {
        sf_stream_check_order(s, 1);
        *io->next_out++ = *p;
        io->avail_out--;
        s->stats.bytes_out++;
        sf_stream_took(s, io, 1);
        p++;
        n--;
        moved = 1;

    } else if (*p != '<') {
        m = 0;

        if (s->mode == SF_MODE_PASS && s->in_body && !s->in_head) {
            /* white space between blocks flows; anything else is inline */
            len = n < io->avail_out ? n : io->avail_out;

            while (m < len && sf_stream_space(p[m])) {
                m++;
            }

            if (m == 0) {
                if (sf_stream_space(*p)) {
                    return taken;
                }

                /*
                 * The text starts a block, read in this turn.  Between
                 * tokens in PASS nothing in the hold-back is needed: the
                 * block starts it, as after the loop's compaction.
                 */
                if (s->t_start >= s->hold_len) {
                    s->t_start -= s->hold_len;
                }

                s->hold_len = 0;
                sf_stream_start_anon(s, 0, s->stats.bytes_in);
                room = s->hold_cap;
            }
        }

        if (m > 0) {
            to = SF_TO_OUT;

        } else {
            to = sf_stream_route(s);

            len = n;

            if (to == SF_TO_OUT && len > io->avail_out) {
                len = io->avail_out;

            } else if (to == SF_TO_HOLD && len > room) {
                len = room;
            }

            if (len == 0) {
                return taken;
            }

            q = memchr(p, '<', len);
            m = (q != NULL) ? (size_t) (q - p) : len;
        }

        if (to == SF_TO_OUT) {
            sf_stream_out_head(s, io, p, m);

        } else {
            sf_stream_move(s, io, to, p, m, 1);
        }

        if (s->mode == SF_MODE_DROP) {
            s->drop_bytes += m;
        }

        sf_stream_took(s, io, m);

        /*
         * A text run ends at a tag, most of the time: read it now rather
         * than after a turn of the feed loop, which has nothing to do in
         * between (a text run queues nothing).  A tag that does not fit
         * the room waits for that turn, which compacts the hold-back.
         */
        if (m == n || p[m] != '<') {
            return 1;
        }

        p += m;
        n -= m;
        room = s->hold_cap - s->hold_len;
        moved = 1;
    }

    /* one place reads tags: the loop stays small */
    len = n < room ? n : room;
    m = (len >= 8) ? sf_lexer_short_tag(&s->lx, p, len) : 0;
    memo = (m == 0) ? sf_stream_known_tag(s, p, len) : NULL;
    m = (m != 0) ? m
        : (memo != NULL) ? memo->len : sf_lexer_tag(&s->lx, p, len);

    if (m != 0) {
        sf_stream_fast_tag(s, io, p, n, m, memo);

    } else if (!sf_stream_flow_comment(s, io, p, n)) {
        /* a tag the input's end cut: kept for the next input's head */
        return (s->carry_ok && sf_stream_carry_tag(s, io, p, n, room))
               ? 1 : moved | taken;
    }

    /*
     * The next token in this turn when the loop's turn would do nothing
     * before it: nothing queued, input left, no token in the hold-back
     * (its compaction done here, a no-op most of the time).  Most tags
     * and text runs of a page follow each other this way.
     */
    if (sf_stream_goes_on(s, io)) {
        sf_stream_compact_next(s);
        taken = 1;
        goto again;
    }

    return 1;
}


/*
 * A whole tag of m bytes at p (n bytes readable there), just read by the
 * lexer, taken by the way that costs least: a short block's reader, the
 * fused loop's containers, or the handlers (sf_stream_take_tag()).  A
 * reader that stops at a block's start tag it read (a container's first
 * block) hands it back: it is taken here in the same turn.
 */
static void
sf_stream_fast_tag(sf_stream_t *s, sf_io_t *io, const unsigned char *p,
    size_t n, size_t m, const sf_tag_memo_t *memo)
{
    int                    taken, flow;
    size_t                 next, om;
    sf_tag_e               ot;
    const unsigned char   *open;

    open = NULL;
    om = 0;
    ot = SF_TAG_NONE;

    for ( ;; ) {
        next = 0;
        taken = 0;

        /*
         * A start tag the scratch remembers (sf_stream_known_tag(): PASS
         * in the body after the head, nothing queued) is one that
         * sf_stream_open_block() took: no short block's, none that flows.
         */
        if (memo != NULL && m <= io->avail_out) {
            if (n < SF_CARRY_NEAR && sf_stream_near(s, io, p, n)) {
                return;
            }

            taken = sf_stream_open_block(s, io, p, n, m, memo, &next);
            goto read;
        }

        /*
         * A short block's start in a held block: the held one ends before
         * it or turns container, as sf_stream_held_tag() tells it, and the
         * block readers may then read the new one in PASS.
         */
        if (s->mode == SF_MODE_HELD && sf_stream_short_start(s, m)
            && s->in_body && !s->in_head && s->head_seen
            && s->explain == NULL)
        {
            s->t_start = s->hold_len;
            s->t_in_off = s->stats.bytes_in;
            sf_stream_held_block(s, s->lx.tag);

            if (s->q_n == 0) {
                sf_stream_compact(s);
            }
        }

        if (sf_stream_fused(s)) {
            if (sf_stream_short_start(s, m)) {
                /* near the end of an input: kept (sf_stream_near()) */
                if (n < SF_CARRY_NEAR && sf_stream_near(s, io, p, n)) {
                    return;
                }

                /* short blocks in the body: read whole, or not at all */
                taken = s->head_seen
                        && sf_stream_short_block(s, io, p, n, m, &next) != 0;

            } else if (m <= io->avail_out) {
                /* containers and scripts: opened or closed, and sent */
                flow = sf_stream_flow_tag(s, io, p, m);

                if (flow != 0) {
                    /*
                     * A container opened ("<ul>"): the tag right after it
                     * (its first item) read in this turn, and its end
                     * after what it held known by its bytes (below).
                     */
                    if (flow != 2 || n - m < 8 || p[m] != '<') {
                        return;
                    }

                    open = p;
                    om = m;
                    ot = s->lx.tag;
                    p += m;
                    n -= m;
                    memo = NULL;
                    sf_stream_compact_next(s);
                    m = sf_stream_read_tag(s, p,
                                           n < s->hold_cap - s->hold_len
                                           ? n : s->hold_cap - s->hold_len);

                    if (m == 0) {
                        return;
                    }

                    if (!sf_stream_short_start(s, m)) {
                        continue;
                    }

                    /*
                     * its first item: the stream is as the checks above
                     * found it (PASS in the body after the head, nothing
                     * queued), read at once
                     */
                    next = 0;
                    taken = sf_stream_short_block(s, io, p, n, m, &next)
                            != 0;
                    goto read;
                }

                /* a block's start tag with attributes: selected, read */
                if (s->head_seen && m != s->lx.name_len + 2) {
                    if (n < SF_CARRY_NEAR && sf_stream_near(s, io, p, n)) {
                        return;
                    }

                    taken = sf_stream_open_block(s, io, p, n, m, memo,
                                                 &next);
                }
            }
        }

read:

        if (!taken) {
            /* a block the input's end cut: kept for the next input's head */
            if (s->cut) {
                s->cut = 0;

                if (!s->lx.end && sf_stream_carry(s, io, p, n)) {
                    return;
                }
            }

            sf_stream_take_tag(s, io, p, n, m);
            return;
        }

        p = io->next_in;
        n = io->avail_in;

        if (next == 0) {
            /*
             * A run of short blocks, or a container opened, that held
             * nothing: the stream as it was (PASS in the body).  What
             * follows is most often an end tag (the list's "</ul>"), read
             * here as the loop's next turn would read it.
             *
             * The run may have queued bytes: a block the window did not
             * take (then in the hold-back: returned here), or the credit
             * of a footer decided in the input, longer than the room left
             * (the hold-back empty).  Not checked here, as it costs on
             * every run: while bytes wait in a feed call, the window is
             * full (sf_stream_queue() writes what fits before anything
             * waits, and nothing in a call widens the window), so the
             * room checks below fail and the tag goes the handlers' way,
             * behind them (test_run_end_queued).
             */
            if (s->hold_len != 0 || n < 8 || p[0] != '<' || p[1] != '/') {
                return;
            }

            /* the container opened in this turn ends: "</ul>" as written */
            if (open != NULL && sf_stream_end_of(open, om, p)
                && om < io->avail_out && s->q_n == 0)
            {
                sf_stream_flow_end(s, io, p, om + 1, ot);
                return;
            }

            memo = NULL;
            m = sf_stream_read_tag(s, p, n < s->hold_cap ? n : s->hold_cap);

            if (m == 0
                || (m <= io->avail_out && sf_stream_flow_tag(s, io, p, m)))
            {
                return;
            }

            /* any other end tag: taken as any tag */
            continue;
        }

        /* a container's first block: its start tag is read, at the head */
        m = next;
        memo = NULL;
    }
}


/*
 * Raw text outside the data state, the lexer in plain raw text (scripts,
 * styles): the bytes up to the first '<' that may matter move in one copy
 * to where the mode sends them, and a plain end tag found there is acted
 * on at once.  Returns 0 when nothing moved: sf_stream_step() goes on
 * from the same place.
 */
static int
sf_stream_fast_raw(sf_stream_t *s, sf_io_t *io)
{
    size_t                 n, m, t;
    unsigned               to;
    const unsigned char   *p;

    p = io->next_in;
    n = io->avail_in;
    to = sf_stream_route(s);

    if (to == SF_TO_OUT && n > io->avail_out) {
        n = io->avail_out;

    } else if (to == SF_TO_HOLD && n > s->hold_cap - s->hold_len) {
        n = s->hold_cap - s->hold_len;
    }

    if (n == 0) {
        return 0;
    }

    m = sf_lexer_raw_run(&s->lx, p, n, &t);

    /* the end tag goes to the hold-back, as any tag: when it has the room */
    if (t > s->hold_cap - s->hold_len - (to == SF_TO_HOLD ? m : 0)) {
        t = 0;
    }

    if (m == 0 && t == 0) {
        return 0;
    }

    if (m > 0) {
        if (to == SF_TO_OUT) {
            /* a short script's text: one fixed copy, as a tag's */
            sf_stream_out_head(s, io, p, m);

        } else {
            sf_stream_move(s, io, to, p, m, 0);
        }

        if (s->title_capture) {
            sf_stream_title_add(s, p, m);
        }

        /* a head JSON-LD script: its bytes are read, never changed */
        if (s->js_state != 0) {
            sf_stream_jsonld(s, p, m);
        }

        if (s->mode == SF_MODE_DROP) {
            s->drop_bytes += m;
        }

        sf_stream_took(s, io, m);
    }

    if (t > 0) {
        sf_lexer_raw_end(&s->lx);

        if (sf_stream_fused(s) && t <= io->avail_out
            && sf_stream_flow_tag(s, io, p + m, t))
        {
            return 1;
        }

        sf_stream_take_tag(s, io, p + m, io->avail_in, t);
    }

    return 1;
}


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
            sf_stream_out(s, io, p, m);
            sf_stream_took(s, io, m);
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

    } else {
        to = sf_stream_route(s);
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

    sf_stream_move(s, io, to, p, m, kind == SF_LEX_TEXT);

    if (kind == SF_LEX_RAW && s->title_capture) {
        sf_stream_title_add(s, p, m);
    }

    /* a head JSON-LD script: its bytes are read, never changed */
    if (kind == SF_LEX_RAW && s->js_state != 0) {
        sf_stream_jsonld(s, p, m);
    }

    if (s->mode == SF_MODE_DROP && kind != SF_LEX_MARKUP) {
        s->drop_bytes += m;
    }

    sf_stream_took(s, io, m);

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
        sf_stream_token_as_is(s);
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

    /*
     * A page cut short of its </article> and </body> still gets the credit
     * of a known source, at its very end; not when the input stopped in
     * the head, inside a tag, a comment or raw text, where it would not
     * show, nor when no body content was seen at all.
     */
    if (s->in_body && !s->in_head && sf_lexer_in_text(&s->lx)) {
        sf_stream_credit(s);
    }
}


int
sf_stream_feed(sf_stream_t *s, sf_io_t *io, unsigned flags)
{
    int  rc;

    if (s == NULL || io == NULL || s->done
        || (io->avail_in > 0 && io->next_in == NULL)
        || (io->avail_out > 0 && io->next_out == NULL))
    {
        return SF_ERROR;
    }

    if (s->broken) {
        return SF_ERROR;
    }

    s->io = io;
    rc = sf_stream_feed_io(s, io, flags);
    s->io = NULL;

    /* bytes of the page were lost: the output must not pass as whole */
    return s->broken ? SF_ERROR : rc;
}


#if (SF_STREAM_REPLAY_AVX2)

/*
 * The k bytes at c to d (k >= 32), for sf_stream_replay(): gcc makes its
 * copy of up to 1 KiB an inline "rep movsq", a step per 8 bytes; here
 * 128 bytes a round, the last 32 over the ones before.
 */
SF_AVX2_TARGET static SF_NOINLINE void
sf_stream_copy_head(unsigned char *d, const unsigned char *c, size_t k)
{
    size_t   i;
    __m256i  v0, v1, v2, v3;

    for (i = 0; i + 128 <= k; i += 128) {
        v0 = _mm256_loadu_si256((const __m256i *) (c + i));
        v1 = _mm256_loadu_si256((const __m256i *) (c + i + 32));
        v2 = _mm256_loadu_si256((const __m256i *) (c + i + 64));
        v3 = _mm256_loadu_si256((const __m256i *) (c + i + 96));
        _mm256_storeu_si256((__m256i *) (d + i), v0);
        _mm256_storeu_si256((__m256i *) (d + i + 32), v1);
        _mm256_storeu_si256((__m256i *) (d + i + 64), v2);
        _mm256_storeu_si256((__m256i *) (d + i + 96), v3);
    }

    for ( /* void */ ; i + 32 <= k; i += 32) {
        v0 = _mm256_loadu_si256((const __m256i *) (c + i));
        _mm256_storeu_si256((__m256i *) (d + i), v0);
    }

    if (i < k) {
        v0 = _mm256_loadu_si256((const __m256i *) (c + k - 32));
        _mm256_storeu_si256((__m256i *) (d + k - 32), v0);
    }
}

#endif


/*
 * The tail sf_stream_carry() kept, read again ahead of the input: the
 * input's head (SF_REPLAY_HEAD bytes, a quarter of the hold-back at most)
 * copied right after it, and both read by the feed loop from there as an
 * input of their own (v), the hold-back's room cut to what lies before
 * them, a token a turn (s->replaying): the loop reads the input itself
 * from the first token past the tail on.  Most kept blocks end within a
 * few hundred bytes of the input's head; one that goes on past the copy
 * is cut there and kept again, as at an input's end.  Both quarters
 * fit in what is left: nothing was held before the tail, and the held
 * bytes never outgrow those read since, so every check of the room passes
 * as with the whole buffer.  A block that input's end cuts again is kept
 * again when it is this input's end too.  Returns the bytes of the input
 * copied.
 */
static size_t
sf_stream_replay(sf_stream_t *s, sf_io_t *io, sf_io_t *v, unsigned ok)
{
    size_t  r, k, d, cap;

    r = s->carry;
    cap = s->opt.limits.max_holdback;
    d = sf_stream_carry_room(s);
    k = d < SF_REPLAY_HEAD ? d : SF_REPLAY_HEAD;
    k = io->avail_in < k ? io->avail_in : k;

#if (SF_STREAM_REPLAY_AVX2)
    if (s->avx2 && k >= 32) {
        sf_stream_copy_head(s->hold + cap - d, io->next_in, k);

    } else {
        memcpy(s->hold + cap - d, io->next_in, k);
    }
#else
    memcpy(s->hold + cap - d, io->next_in, k);
#endif

    v->next_in = s->hold + cap - d - r;
    v->avail_in = r + k;
    v->next_out = io->next_out;
    v->avail_out = io->avail_out;

    s->carry = 0;
    s->carry_ok = ok || k < io->avail_in;
    s->hold_cap = cap - d - r;
    s->stats.bytes_in -= r;
    s->io = v;
    s->replaying = 1;

    return k;
}


/*
 * The end of sf_stream_replay()'s reading, at its copy of the input or
 * at an output window used up: the input is past what was read of its
 * copy, or the rest of the tail waits at the buffer's end.
 */
static void
sf_stream_replayed(sf_stream_t *s, sf_io_t *io, sf_io_t *v, size_t k)
{
    size_t  r, d, cap;

    cap = s->opt.limits.max_holdback;
    d = sf_stream_carry_room(s);

    s->hold_cap = cap;
    s->io = io;
    s->replaying = 0;
    io->next_out = v->next_out;
    io->avail_out = v->avail_out;

    if (v->avail_in <= k) {
        io->next_in += k - v->avail_in;
        io->avail_in -= k - v->avail_in;
        return;
    }

    /* a carry made in the reading is past k: none here */
    r = v->avail_in - k;
    memmove(s->hold + cap - d - r, v->next_in, r);
    s->carry = (uint16_t) r;
    s->stats.bytes_in += r;
}


static int
sf_stream_feed_io(sf_stream_t *s, sf_io_t *io, unsigned flags)
{
    size_t     k;
    unsigned   ok;
    sf_io_t    v, *in;

    ok = !(flags & (SF_FINISH | SF_FLUSH));
    s->carry_ok = ok;
    in = io;
    k = 0;

    /*
     * A tail kept at the last input's end is read first, with a copy of
     * this input's head (in): alone at the end or a flush; an empty input
     * otherwise leaves it kept.
     */
    if (s->carry != 0 && !s->finished && (io->avail_in > 0 || !ok)) {
        k = sf_stream_replay(s, io, &v, ok);
        in = &v;
    }

    for ( ;; ) {
        if (s->q_n > 0 && sf_stream_drain(s, in) != SF_OK) {
            if (in != io) {
                sf_stream_replayed(s, io, in, k);
            }

            return SF_BUSY;
        }

        sf_stream_compact(s);

        if (in->avail_in <= k) {
            if (in == io) {
                break;
            }

            /* the tail read: on with the input, past what the copy read */
            sf_stream_replayed(s, io, in, k);
            s->carry_ok = ok;
            in = io;
            k = 0;

            /* a block the copy's end cut, not the input's: read again */
            if (s->carry != 0 && io->avail_in > 0) {
                k = sf_stream_replay(s, io, &v, ok);
                in = &v;
            }

            continue;
        }

        if (s->finished) {
            return SF_ERROR;
        }

        if (sf_stream_fast(s, in)) {
            continue;
        }

        if (sf_stream_step(s, in) == SF_BUSY) {
            if (in != io) {
                sf_stream_replayed(s, io, in, k);
            }

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
    sf_match_t     *sc;
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

    /* offsets into the buffers are kept in 32 bits */
    if (s->opt.limits.max_holdback > SF_BUF_MAX) {
        s->opt.limits.max_holdback = SF_BUF_MAX;
    }

    if (s->opt.limits.max_text > SF_BUF_MAX) {
        s->opt.limits.max_text = SF_BUF_MAX;
    }

    tl = s->opt.credit_template != NULL ? strlen(s->opt.credit_template)
                                        : sf_credit_lang_max();

    if (s->opt.limits.max_url == 0
        || s->opt.limits.max_url > SF_URL_CLEAN_MAX)
    {
        s->opt.limits.max_url = SF_URL_CLEAN_MAX;
    }

    s->hold_cap = s->opt.limits.max_holdback;
    s->text_cap = s->opt.limits.max_text;
    s->url_cap = s->opt.limits.max_url;
    s->canon_cap = SF_CANON_SIZE(s->url_cap);
    s->render_cap = SF_RENDER_SIZE(s->url_cap) + tl;

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

    s->src = sf_stream_alloc(s, SF_URLS_SIZE(s->url_cap));
    if (s->src == NULL) {
        goto failed;
    }

    s->foot = s->src + s->url_cap + 1;
    s->js_url = (unsigned char *) s->foot + s->url_cap + 1;
    s->canon = s->js_url + s->url_cap;

    sc = s->opt.scratch;

    if (sc == NULL) {
        sc = sf_match_create(rules, &s->opt.limits, alloc);
        s->own = sc;
        s->stats.memory += sf_match_memory(sc);

    } else if (!sf_match_fits(sc, rules, &s->opt.limits)) {
        sc = NULL;
    }

    if (sc == NULL) {
        goto failed;
    }

    s->match = sc;
    s->shape = sf_match_shape(sc);

    if (s->opt.on_explain != NULL) {
        s->explain = sf_explain_create(rules, &s->opt.limits, alloc);
        if (s->explain == NULL) {
            goto failed;
        }

        s->stats.memory += sf_explain_memory(s->explain);
    }

    sf_lexer_init(&s->lx);
    sf_stream_short_init(s);

    if (s->opt.source != NULL && s->opt.source_len > 0) {
        n = sf_url_clean((const unsigned char *) s->opt.source,
                         s->opt.source_len, 0, url, sizeof(url));

        if (n > 0) {
            sf_stream_learn(s, url, n, NULL, 0);
            s->src_given = 1;
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
    return s->q_n > 0 || s->tok || s->carry != 0
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
        "passthrough:depth", "passthrough:queue"
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

    if (s->own != NULL) {
        sf_match_destroy(s->own, &alloc);
    }

    sf_explain_destroy(s->explain, &alloc);

    sf_stream_free(&alloc, s->src);
    sf_stream_free(&alloc, s->render);
    sf_stream_free(&alloc, s->links);
    sf_stream_free(&alloc, s->slinks);
    sf_stream_free(&alloc, s->text);
    sf_stream_free(&alloc, s->hold);
    sf_stream_free(&alloc, s);
}
