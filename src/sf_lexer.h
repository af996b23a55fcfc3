/*
 * sf_lexer.h: the resumable HTML tokenizer of the stream.
 *
 * The lexer never copies and never looks back: it is fed any slice of the
 * input and says how many bytes it consumed and whether a token ended with
 * the last of them.  The caller keeps the bytes of an unfinished tag
 * contiguous (sf_tag_parse() parses it when it ends).
 *
 * Contract of sf_lexer_scan(): the bytes consumed by one call all have the
 * kind lx->kind had before the call.  After the call lx->kind is the kind
 * of the bytes that come next.  The event says what happened at the end of
 * the consumed bytes:
 *
 *     SF_LEX_MORE     the current token goes on (or a text run stopped
 *                     before a '<');
 *     SF_LEX_END      a markup or opaque token ended with the last byte;
 *     SF_LEX_RETYPE   the bytes of the current markup token so far are in
 *                     fact of kind lx->kind (text or raw text when a '<'
 *                     started no markup, opaque when "<!--", "<!x", "<?"
 *                     or "</ " showed a comment or bogus markup).
 */

#ifndef SF_LEXER_H_INCLUDED
#define SF_LEXER_H_INCLUDED

#include <stddef.h>

#include <stdint.h>
#include <string.h>

#include "sf_tag.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_LEXER_H_SSE2  1
#else
#define SF_LEXER_H_SSE2  0
#endif


typedef enum {
    SF_LEX_TEXT = 0,        /* page text */
    SF_LEX_RAW,             /* contents of script, style, title, ...,
                               text in a template */
    SF_LEX_MARKUP,          /* a tag, or a '<' that may start one */
    SF_LEX_OPAQUE           /* comment, doctype, CDATA, bogus markup */
} sf_lex_kind_e;


typedef enum {
    SF_LEX_MORE = 0,
    SF_LEX_END,
    SF_LEX_RETYPE
} sf_lex_event_e;


typedef struct {
    unsigned              state;
    sf_lex_kind_e         kind;

    /* the tag being read: name prefix as written, id, end tag */
    unsigned char         name[12];
    unsigned              name_len;
    sf_tag_e              tag;
    unsigned              end;

    unsigned char         quote;            /* in a quoted value */
    unsigned              count;            /* dashes, brackets, matched */

    /* raw text: the element whose end tag ends it (its name in name) */
    sf_tag_e              raw_tag;
    unsigned              raw_len;
    unsigned              esc:1;            /* "</" read in an escaped
                                               script ("<!--" seen) */

    /*
     * Open <template> elements.  Their contents are tokenized as markup
     * (a script inside one is raw text up to its own end tag), but none of
     * it is page content: text in them is of kind SF_LEX_RAW, and a tag
     * read there says so in inert.
     */
    unsigned              tmpl;
    unsigned              inert:1;          /* the tag read last is inside
                                               a template */

    /*
     * The attributes of the tag sf_lexer_tag() read last, as
     * sf_tag_next_attr() reads them (offsets from the byte after the
     * name), found on the way to its '>'.  Tags read otherwise leave them
     * as they are: those of sf_lexer_short_tag() have no attribute bytes,
     * those of sf_lexer_scan() are read from their bytes.
     */
    sf_tag_spans_t        attrs;
} sf_lexer_t;


/*
 * The state of plain raw text (sf_lexer.c's SF_LX_RAW, checked there):
 * the feed loop asks for it inline after each of a script's tags.
 */
#define SF_LEXER_RAW  19

static inline int
sf_lexer_in_raw(const sf_lexer_t *lx)
{
    return lx->state == SF_LEXER_RAW;
}


/*
 * What a whole tag read in the data state leaves, the readers' common
 * end: the tag t, its name of n bytes, whether an end tag; no template is
 * open there, so the tag is not inert, and the lexer is back in text.
 */
static inline void
sf_lexer_took(sf_lexer_t *lx, sf_tag_e t, size_t n, unsigned end)
{
    lx->end = end;
    lx->name_len = (unsigned) n;
    lx->tag = t;
    lx->inert = 0;
}


void sf_lexer_init(sf_lexer_t *lx);
size_t sf_lexer_scan(sf_lexer_t *lx, const unsigned char *p, size_t len,
    sf_lex_event_e *event);
/*
 * A whole start or end tag at p[0] == '<', taken at once in the data state
 * when it ends within len: returns its length and leaves the lexer as
 * sf_lexer_scan() leaves it after the tag's '>' (name, id, end, raw text
 * entered).  Returns 0, the lexer untouched, for anything else (comments,
 * doctypes, "</>", text such as "<3") and for a tag that goes on past len:
 * sf_lexer_scan() takes those.  The fast path of the stream's feed loop;
 * the tag's attributes are in lx->attrs.
 */
size_t sf_lexer_tag(sf_lexer_t *lx, const unsigned char *p, size_t len);
/*
 * A whole comment at p in the data state, of the common shape: "<!--", a
 * text without "--" that neither starts with '-' nor with '>', "-->", all
 * within len.  Returns its length and leaves the lexer as sf_lexer_scan()
 * leaves it after the comment; 0, the lexer untouched, for anything else.
 */
size_t sf_lexer_comment(sf_lexer_t *lx, const unsigned char *p, size_t len);
/*
 * sf_lexer_tag() for "<img " at p, in the data state, when its attributes
 * have sf_lexer_quick_attrs()'s shape and none of their names starts with
 * "id" or "cl" (so neither an id nor a class): its length, the lexer as
 * sf_lexer_tag() leaves it but for the attributes, not recorded (lx->attrs
 * says the record is not whole); 0, the lexer untouched, for any other.
 * A held block read whole (sf_stream_whole_read()) needs nothing more of
 * an image: the general reader's record of its src and alt is waste.
 * Only a short image is taken, its '>' in the 37 bytes from p: a caller
 * may ask only with "<img " at p and len >= 37, the common tags' way.
 */
size_t sf_lexer_tag_img(sf_lexer_t *lx, const unsigned char *p, size_t len);
#if (SF_LEXER_H_SSE2)
/* The places of '"' among the sixteen bytes at p, a bit each. */
static inline unsigned
sf_lexer_quotes16(const unsigned char *p)
{
    return (unsigned) _mm_movemask_epi8(
               _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)
                                              (const void *) p),
                              _mm_set1_epi8('"')));
}
#endif

/*
 * The end quote of the address of a link at p written "<a href=\"...\""
 * (lower case, one space before the address), read in the data state
 * within len bytes; NULL for any other tag or one that goes on past len.
 */
static inline const unsigned char *
sf_lexer_link_quote(const unsigned char *p, size_t len)
{
    uint64_t              w;
#if (SF_LEXER_H_SSE2)
    unsigned              bits;
#endif

    if (len < 11) {
        return NULL;
    }

    memcpy(&w, p, 8);

    if (w != SF_TAG_KEY8('<', 'a', ' ', 'h', 'r', 'e', 'f', '=')
        || p[8] != '"')
    {
        return NULL;
    }

    /*
     * the value's end quote: most addresses are short, their 32 first
     * bytes two compares (a call costs three times as much)
     */
#if (SF_LEXER_H_SSE2)
    if (len >= 9 + 32) {
        bits = sf_lexer_quotes16(p + 9) | sf_lexer_quotes16(p + 25) << 16;
        return (bits != 0) ? p + 9 + __builtin_ctz(bits)
                           : memchr(p + 9 + 32, '"', len - 9 - 32);
    }

    if (len >= 9 + 16) {
        bits = sf_lexer_quotes16(p + 9);
        return (bits != 0) ? p + 9 + __builtin_ctz(bits)
                           : memchr(p + 9 + 16, '"', len - 9 - 16);
    }
#endif

    return memchr(p + 9, '"', len - 9);
}

/*
 * The length of the commonest link at p, "<a href=\"...\">" written so (one
 * attribute, in lower case, one space before it, nothing after its
 * value), read in the data state; 0 for any other tag or one that goes
 * on past len.  A held block read whole (sf_stream_whole_read()) needs
 * only the address of such a link, at byte 9: no attribute to look up,
 * and nothing of the lexer (its state at the block's end is that of the
 * block's end tag, and an end tag's record is never read).
 */
static inline size_t
sf_lexer_link_len(const unsigned char *p, size_t len)
{
    const unsigned char  *q;

    q = sf_lexer_link_quote(p, len);

    /* and the '>' right after it */
    if (q == NULL || p + len - q < 2 || q[1] != '>') {
        return 0;
    }

    return (size_t) (q + 2 - p);
}

/*
 * Plain raw text (a script outside its "<!--" escapes, a style, a title,
 * ...): whether the lexer is in it, and how much of p's len bytes is raw
 * text for sure: up to the first '<' that may matter.  When that '<'
 * starts the plain end tag "</name>" within len, *tag_len is its length;
 * the caller takes the tag with sf_lexer_raw_end(), which leaves the
 * lexer as after it.  sf_lexer_scan() reads the rest: an end tag with
 * attributes, a script's "<!", a '<' too near len.  The feed loop's way
 * through the scripts of a page without a turn per '<'.
 */
size_t sf_lexer_raw_scan(const sf_lexer_t *lx, const unsigned char *p,
    size_t len, size_t *tag_len);
void sf_lexer_raw_end_any(sf_lexer_t *lx);

/*
 * sf_lexer_raw_scan()'s answer when its first sixteen-byte step finds the
 * plain end tag (a short script: "var a = 1;</script>"), inline; anything
 * else is asked of it from p again.
 */
static inline size_t
sf_lexer_raw_run(const sf_lexer_t *lx, const unsigned char *p, size_t len,
    size_t *tag_len)
{
#if (SF_LEXER_H_SSE2) && defined(__BYTE_ORDER__)                            \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    unsigned              bits;
    uint64_t              a, b;
    __m128i               v, w;
    const unsigned char  *q;

    if (len >= 18 + lx->raw_len && lx->raw_len <= 8) {
        v = _mm_loadu_si128((const __m128i *) (const void *) p);
        w = _mm_loadu_si128((const __m128i *) (const void *) (p + 1));
        bits = (unsigned) _mm_movemask_epi8(
                   _mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
                       _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8('/')),
                                    _mm_cmpeq_epi8(w, _mm_set1_epi8('!')))));
        q = p + __builtin_ctz(bits | 0x10000);

        if (bits != 0 && (size_t) (p + len - q) >= 18 + lx->raw_len
            && q[1] == '/' && q[2 + lx->raw_len] == '>')
        {
            /* the name in any case, as sf_lexer_raw_scan() compares it */
            memcpy(&a, q + 2, 8);
            memcpy(&b, lx->name, 8);
            a = (a ^ b) & 0xdfdfdfdfdfdfdfdfULL;

            if (lx->raw_len == 8
                ? a == 0
                : (a & (((uint64_t) 1 << (8 * lx->raw_len)) - 1)) == 0)
            {
                *tag_len = lx->raw_len + 3;
                return (size_t) (q - p);
            }
        }
    }
#endif

    return sf_lexer_raw_scan(lx, p, len, tag_len);
}

/* Inline outside templates (the data state is 0, sf_lexer_in_text()). */
static inline void
sf_lexer_raw_end(sf_lexer_t *lx)
{
    if (lx->tmpl != 0) {
        sf_lexer_raw_end_any(lx);
        return;
    }

    lx->tag = lx->raw_tag;
    lx->name_len = lx->raw_len;
    lx->end = 1;
    lx->inert = 0;
    lx->esc = 0;
    lx->state = 0;
    lx->kind = SF_LEX_TEXT;
}
/*
 * The bytes of the little-endian word w equal to c, as their high bits:
 * the lowest one flagged is the first such byte (a borrow may flag bytes
 * above it too, never below).  0 when there is none.
 */
static inline uint64_t
sf_lexer_word_has(uint64_t w, unsigned char c)
{
    w ^= 0x0101010101010101ULL * c;

    return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}


/*
 * The lexer as sf_lexer_tag() leaves it after a whole start or end tag of
 * the name at name (n bytes), looked up as tag: raw text or a template
 * entered, the name kept for a raw text's end tag.
 */
void sf_lexer_tag_read(sf_lexer_t *lx, const unsigned char *name,
    size_t n, sf_tag_e tag, unsigned end);
/*
 * sf_lexer_tag() for the most common tags, with len >= 8 bytes readable
 * at p: "<p>", "</li>", "<figure>" - no attributes, the '>' among the
 * first eight bytes, a known name in lower case.  One load finds the '>'
 * and gives the name's key; one table lookup settles it.  Returns 0, the
 * lexer untouched, for any other tag; sf_lexer_tag() reads those from the
 * same '<'.  Inline: its callers pay nothing for the general reader's
 * registers.  Tags whose '>' is in the next eight bytes
 * ("</figcaption>"), with len >= 16 and no space in the first eight, are
 * read the same way by sf_lexer_short_tag16(), out of line to keep this
 * one short.
 */
size_t sf_lexer_short_tag16(sf_lexer_t *lx, const unsigned char *p);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * The known lower-case name of the tag in w, the first eight bytes of a
 * tag ('<', then '/' when end), whose '>' is w's byte k: NULL for anything
 * else.  sf_lexer_word_tag(): the '>' at w's byte gt's lowest flag
 * (sf_lexer_word_has(w, '>'), not 0).  The short reader's lookup, shared
 * with the stream's reader of short blocks.
 */
static inline const sf_tag_word_t *
sf_lexer_word_tag_at(uint64_t w, size_t k, unsigned end)
{
    size_t    n;
    uint64_t  key;

    if (k < 2 + end) {
        return NULL;
    }

    /* bytes 1 + end .. k - 1 of w (k <= 7): the bytes past k out first */
    n = k - 1 - end;
    key = (w << (64 - 8 * k)) >> (64 - 8 * n);

    return sf_tag_word(key, n);
}


static inline const sf_tag_word_t *
sf_lexer_word_tag(uint64_t w, uint64_t gt, unsigned end)
{
    return sf_lexer_word_tag_at(w, (size_t) __builtin_ctzll(gt) >> 3, end);
}
#endif

static inline size_t
sf_lexer_short_tag(sf_lexer_t *lx, const unsigned char *p, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t                 k, n;
    uint64_t               w, gt;
    unsigned               end;
    const sf_tag_word_t   *word;
#if (SF_LEXER_H_SSE2)
    __m128i                v;
#endif

    memcpy(&w, p, 8);
#if (SF_LEXER_H_SSE2)
    /* the '>' as a bit: one compare, no constants of eight bytes */
    v = _mm_loadl_epi64((const __m128i *) (const void *) p);
    gt = (uint64_t) _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')));
#else
    gt = sf_lexer_word_has(w, '>');
#endif

    if (gt == 0) {
        /*
         * "</figcaption>", "<figcaption>": the name may end in the next
         * word; not when a space in this one starts attributes.
         */
#if (SF_LEXER_H_SSE2)
        return (len >= 16
                && _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')))
                   == 0)
               ? sf_lexer_short_tag16(lx, p) : 0;
#else
        return (len >= 16 && sf_lexer_word_has(w, ' ') == 0)
               ? sf_lexer_short_tag16(lx, p) : 0;
#endif
    }

    end = (p[1] == '/');
#if (SF_LEXER_H_SSE2)
    word = sf_lexer_word_tag_at(w, (size_t) __builtin_ctzll(gt), end);
#else
    word = sf_lexer_word_tag(w, gt, end);
#endif

    if (word == NULL) {
        return 0;
    }

    k = (size_t) word->len + 1 + end;
    n = word->len;

    if (word->special) {
        /* "<script>": the lexer enters raw text, out of line */
        sf_lexer_tag_read(lx, p + 1 + end, n, (sf_tag_e) word->tag, end);
        return k + 1;
    }

    sf_lexer_took(lx, (sf_tag_e) word->tag, n, end);

    return k + 1;
#else
    (void) lx;
    (void) p;
    (void) len;

    return 0;
#endif
}
/*
 * In the data state outside templates (state 0) the lexer keeps nothing:
 * page text may be skipped.  Inline: the feed loop asks before each step.
 */
static inline int
sf_lexer_in_text(const sf_lexer_t *lx)
{
    return lx->state == 0;
}

#endif /* SF_LEXER_H_INCLUDED */
