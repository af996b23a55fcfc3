/*
 * sf_lexer.c: the resumable HTML tokenizer.
 *
 * One state per place in the HTML grammar the stream cares about; each
 * state scans as far as it can in the slice it was given and returns at a
 * token boundary, so the caller acts on one event per call.  Text, raw
 * text, comments and bogus markup are skipped with memchr(); only tags are
 * read byte by byte, and tags are short.
 */

#include <stdint.h>
#include <string.h>

#include "sf_lexer.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_LEXER_SSE2  1
#else
#define SF_LEXER_SSE2  0
#endif

#if defined(__GNUC__)
#define SF_LEXER_NOINLINE  __attribute__ ((noinline))
#define SF_LEXER_INLINE    inline __attribute__ ((always_inline))
#else
#define SF_LEXER_NOINLINE
#define SF_LEXER_INLINE    inline
#endif


enum {
    SF_LX_DATA = 0,             /* 0: see sf_lexer_in_text() */
    SF_LX_TMPL_DATA,            /* "<template>x" */
    SF_LX_LT,                   /* at a '<' in text */
    SF_LX_TAG_OPEN,             /* "<" */
    SF_LX_END_TAG_OPEN,         /* "</" */
    SF_LX_TAG_NAME,             /* "<a" */
    SF_LX_ATTRS,                /* "<a " */
    SF_LX_BEFORE_VALUE,         /* "<a b=" */
    SF_LX_QUOTED,               /* "<a b='" */
    SF_LX_UNQUOTED,             /* "<a b=c" */
    SF_LX_DECL,                 /* "<!" */
    SF_LX_DECL_DASH,            /* "<!-" */
    SF_LX_CDATA_OPEN,           /* "<![CD" */
    SF_LX_COMMENT_START,        /* "<!--" */
    SF_LX_COMMENT_START_DASH,   /* "<!---" */
    SF_LX_COMMENT,              /* "<!-- x" */
    SF_LX_COMMENT_BANG,         /* "<!-- x --!" */
    SF_LX_CDATA,                /* "<![CDATA[ x" */
    SF_LX_BOGUS,                /* "<?x", "<!x", "</ x" */
    SF_LX_RAW,                  /* "<script>x" */
    SF_LX_RAW_LT,               /* "<script>x</scr" */
    SF_LX_ESC_START,            /* "<script><!", "<script><!-" */
    SF_LX_ESC,                  /* "<script><!-- x" */
    SF_LX_DBL_START,            /* "<script><!-- <scr" */
    SF_LX_DBL,                  /* "<script><!-- <script> x" */
    SF_LX_DBL_LT,               /* "<script><!-- <script> x<" */
    SF_LX_DBL_END,              /* "<script><!-- <script> x</scr" */
    SF_LX_PLAINTEXT             /* "<plaintext>x": never ends */
};


/* sf_lexer_in_raw() and sf_lexer_short_tag() use the number, inline */
typedef char  sf_lexer_raw_state_ok[SF_LX_RAW == SF_LEXER_RAW ? 1 : -1];


static const char  sf_lexer_cdata[] = "[CDATA[";
static const char  sf_lexer_script[] = "script";


/* Bytes that end a tag name; bytes that matter between attributes. */
static const unsigned char  sf_lexer_name_stop[256] = {
    ['>'] = 1, ['/'] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
    ['\f'] = 1
};

static const unsigned char  sf_lexer_attr_stop[256] = {
    ['>'] = 1, ['='] = 1
};


static int
sf_lexer_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}


static int
sf_lexer_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


void
sf_lexer_init(sf_lexer_t *lx)
{
    memset(lx, 0, sizeof(sf_lexer_t));

    lx->state = SF_LX_DATA;
    lx->kind = SF_LEX_TEXT;
}


/* The data state: page text, or the inert text of a template. */
static void
sf_lexer_text(sf_lexer_t *lx)
{
    if (lx->tmpl == 0) {
        lx->state = SF_LX_DATA;
        lx->kind = SF_LEX_TEXT;

    } else {
        lx->state = SF_LX_TMPL_DATA;
        lx->kind = SF_LEX_RAW;
    }
}


/*
 * The end of a tag of script ... plaintext or template: enter raw text
 * after the start of script &c., count the templates open.
 */
static void
sf_lexer_tag_special(sf_lexer_t *lx)
{
    if (lx->tag == SF_TAG_TEMPLATE) {
        /* a stray </template> closes nothing, as in browsers */
        if (!lx->end && lx->tmpl < (unsigned) -1) {
            lx->tmpl++;

        } else if (lx->end && lx->tmpl > 0) {
            lx->tmpl--;
        }

    } else if (!lx->end) {
        /* the name stays in lx->name: the end tag is matched against it */
        lx->raw_tag = lx->tag;
        lx->raw_len = lx->name_len;
        lx->state = (lx->tag == SF_TAG_PLAINTEXT) ? SF_LX_PLAINTEXT
                                                  : SF_LX_RAW;
        lx->kind = SF_LEX_RAW;
        return;
    }

    sf_lexer_text(lx);
}


/* A tag ended at its '>'; most tags are neither raw text nor template. */
static void
sf_lexer_tag_end(sf_lexer_t *lx)
{
    lx->inert = (lx->tmpl > 0);

    if (sf_tag_is_rawtext(lx->tag) || lx->tag == SF_TAG_TEMPLATE) {
        sf_lexer_tag_special(lx);
        return;
    }

    sf_lexer_text(lx);
}


/* Back to text after a token: the event and the bytes it took. */
static size_t
sf_lexer_done(sf_lexer_t *lx, sf_lex_event_e *event, size_t n)
{
    lx->inert = (lx->tmpl > 0);
    lx->esc = 0;
    sf_lexer_text(lx);
    *event = SF_LEX_END;

    return n;
}


/* Markup that turned out to be a comment or bogus: no tag to parse. */
static size_t
sf_lexer_opaque(sf_lexer_t *lx, unsigned state, sf_lex_event_e *event,
    size_t n)
{
    lx->state = state;
    lx->kind = SF_LEX_OPAQUE;
    lx->count = 0;
    *event = SF_LEX_RETYPE;

    return n;
}


/*
 * The first '=' or '>' in [p, end), or end: between attributes only those
 * matter.  Sixteen bytes a compare with SSE2 (attribute names and values
 * of a page run to tens of bytes), byte by byte elsewhere and at the end.
 */
static const unsigned char *
sf_lexer_eq_or_gt(const unsigned char *p, const unsigned char *end)
{
#if (SF_LEXER_SSE2)
    unsigned  bits;
    __m128i   v, eq, gt;

    eq = _mm_set1_epi8('=');
    gt = _mm_set1_epi8('>');

    while (end - p >= 16) {
        v = _mm_loadu_si128((const __m128i *) p);
        bits = (unsigned) _mm_movemask_epi8(
                   _mm_or_si128(_mm_cmpeq_epi8(v, eq), _mm_cmpeq_epi8(v, gt)));

        if (bits != 0) {
            return p + __builtin_ctz(bits);
        }

        p += 16;
    }
#endif

    while (p < end && !sf_lexer_attr_stop[*p]) {
        p++;
    }

    return p;
}


#if (SF_LEXER_SSE2)

/*
 * The first quote byte q in [p, end), or NULL: a quoted value's end, past
 * the first sixteen bytes (sf_lexer_quote_end() looked there).  Most
 * values (classes, URLs) end within 144 bytes: no call for them.
 */
static const unsigned char *
sf_lexer_quote_far(const unsigned char *p, const unsigned char *end,
    unsigned char q)
{
    unsigned              bits;
    __m128i               c;
    const unsigned char  *lim;

    lim = p + 128;
    c = _mm_set1_epi8((char) q);

    /* thirty-two bytes a step: one test for two compares */
    while (end - p >= 32 && p < lim) {
        bits = (unsigned) _mm_movemask_epi8(
                   _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) p), c))
               | (unsigned) _mm_movemask_epi8(
                     _mm_cmpeq_epi8(
                         _mm_loadu_si128((const __m128i *) (p + 16)), c))
                 << 16;

        if (bits != 0) {
            return p + __builtin_ctz(bits);
        }

        p += 32;
    }

    return memchr(p, q, (size_t) (end - p));
}

#endif


/*
 * The first quote byte q in [p, end), or NULL: a quoted value's end.
 * Inline, the first sixteen bytes: many values are short.
 */
static inline const unsigned char *
sf_lexer_quote_end(const unsigned char *p, const unsigned char *end,
    unsigned char q)
{
#if (SF_LEXER_SSE2)
    unsigned  bits;
    __m128i   v;

    if (end - p >= 16) {
        v = _mm_loadu_si128((const __m128i *) p);
        bits = (unsigned) _mm_movemask_epi8(
                   _mm_cmpeq_epi8(v, _mm_set1_epi8((char) q)));

        if (bits != 0) {
            return p + __builtin_ctz(bits);
        }

        return sf_lexer_quote_far(p + 16, end, q);
    }
#endif

    return memchr(p, q, (size_t) (end - p));
}


/*
 * The attributes of a tag, up to its '>' (returned) or the end of the
 * slice (end returned, the state kept for the next slice).  One local loop
 * rather than a trip through sf_lexer_scan()'s switch per attribute: most
 * tags end within the slice they start in.
 */
static const unsigned char *
sf_lexer_attrs(sf_lexer_t *lx, const unsigned char *p,
    const unsigned char *end)
{
    unsigned              state;
    const unsigned char  *q;

    state = lx->state;

    while (p < end) {

        switch (state) {

        case SF_LX_ATTRS:
            /* between attributes: only '=' and '>' matter */
            p = sf_lexer_eq_or_gt(p, end);

            if (p == end || *p == '>') {
                lx->state = state;
                return p;
            }

            state = SF_LX_BEFORE_VALUE;
            p++;
            break;

        case SF_LX_BEFORE_VALUE:
            /* "b=": a quote here opens a quoted value */
            while (p < end && sf_lexer_space(*p)) {
                p++;
            }

            if (p == end || *p == '>') {
                lx->state = state;
                return p;
            }

            if (*p == '"' || *p == '\'') {
                lx->quote = *p++;
                state = SF_LX_QUOTED;

            } else {
                state = SF_LX_UNQUOTED;
            }

            break;

        case SF_LX_QUOTED:
            /* "b='...": nothing but the same quote ends it */
            q = sf_lexer_quote_end(p, end, lx->quote);

            if (q == NULL) {
                lx->state = state;
                return end;
            }

            p = q + 1;
            state = SF_LX_ATTRS;
            break;

        default: /* SF_LX_UNQUOTED */
            /* "b=c": ends at white space or '>', not at the slice's end */
            while (p < end && *p != '>' && !sf_lexer_space(*p)) {
                p++;
            }

            if (p < end) {
                state = SF_LX_ATTRS;
            }

            break;
        }
    }

    lx->state = state;

    return p;
}


/*
 * The bytes that matter to sf_tag_next_attr() in and between attributes
 * (white space and '/' end a name and are skipped between attributes, '='
 * starts a value), and the tag's '>'.  A table: one load a byte.
 */
enum {
    SF_LX_A_NAME = 0,
    SF_LX_A_SPACE,
    SF_LX_A_SLASH,
    SF_LX_A_EQ,
    SF_LX_A_GT
};

static const unsigned char  sf_lexer_attr_byte[256] = {
    [' '] = SF_LX_A_SPACE, ['\t'] = SF_LX_A_SPACE, ['\n'] = SF_LX_A_SPACE,
    ['\r'] = SF_LX_A_SPACE, ['\f'] = SF_LX_A_SPACE, ['/'] = SF_LX_A_SLASH,
    ['='] = SF_LX_A_EQ, ['>'] = SF_LX_A_GT
};


#if (SF_LEXER_SSE2) && defined(__x86_64__)
#define SF_LEXER_KEY_SSE2  1

/* The bytes of a name of n bytes in its key; none past eight bytes. */
static const uint64_t  sf_lexer_key_mask[17] = {
    0, 0xff, 0xffff, 0xffffff, 0xffffffffULL, 0xffffffffffULL,
    0xffffffffffffULL, 0xffffffffffffffULL, 0xffffffffffffffffULL
};

#else
#define SF_LEXER_KEY_SSE2  0
#endif


#if (SF_LEXER_KEY_SSE2)

/*
 * The bytes of the sixteen in v where a name may end, as bits: white
 * space, '/', '=', '>', and the other bytes up to ' ' (control bytes that
 * are no white space belong to names: sf_lexer_attr_byte tells).
 */
static inline unsigned
sf_lexer_stop_bits(__m128i v)
{
    __m128i  m;

    m = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(' ')),
                       _mm_set1_epi8(' '));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('=')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('>')));

    return (unsigned) _mm_movemask_epi8(m);
}

#endif


/*
 * The end of an attribute name at p, within stop: white space, '/', '='
 * or '>' after its first byte, which is none of them; and the name's key
 * (sf_tag_attr_key()).  Names are short: with SSE2 one compare of sixteen
 * bytes finds the end of most, and the key is in the same load (bytes up
 * to ' ' are candidates: the rare control byte among them that is no
 * white space is looked past byte by byte).
 */
static const unsigned char *
sf_lexer_name(const unsigned char *p, const unsigned char *stop,
    uint64_t *key)
{
    const unsigned char  *q;
#if (SF_LEXER_KEY_SSE2)
    unsigned              bits, n;
    uint64_t              k;
    __m128i               v;

    if (stop - p >= 16) {
        v = _mm_loadu_si128((const __m128i *) p);
        bits = sf_lexer_stop_bits(v) & ~1u;

        if (bits != 0) {
            n = (unsigned) __builtin_ctz(bits);

            if (sf_lexer_attr_byte[p[n]] != SF_LX_A_NAME) {
                k = (uint64_t) _mm_cvtsi128_si64(v) | 0x2020202020202020ULL;
                *key = k & sf_lexer_key_mask[n];
                return p + n;
            }
        }
    }
#endif

    q = p + 1;

    while (q < stop && sf_lexer_attr_byte[*q] == SF_LX_A_NAME) {
        q++;
    }

    *key = sf_tag_attr_key(p, (size_t) (q - p), stop - p >= 8);

    return q;
}


/* Past white space from p, within stop. */
static const unsigned char *
sf_lexer_skip_space(const unsigned char *p, const unsigned char *stop)
{
    while (p < stop && sf_lexer_attr_byte[*p] == SF_LX_A_SPACE) {
        p++;
    }

    return p;
}


/*
 * The attributes of a whole tag from base, the byte after its name: its
 * '>' (returned) as sf_lexer_attrs() finds it, and on the way each
 * attribute as sf_tag_next_attr() reads it, in lx->attr.  The two agree
 * on every tag but those with an '=' where a name starts ("<a =b>": a
 * name for sf_tag_next_attr(), a value for the lexer) and those with more
 * attributes than recorded: from there sf_lexer_attrs() reads on, and
 * lx->attrs.n says that the record is not whole.  Returns stop when the tag
 * goes on past it.  One pass, so the stream need not read the attributes
 * again (sf_stream_attrs_parse()).
 */
static const unsigned char *
sf_lexer_attr_spans(sf_lexer_t *lx, const unsigned char *base,
    const unsigned char *stop)
{
    unsigned              n, c;
    uint64_t              key;
    sf_tag_span_t        *sp;
    const unsigned char  *p, *v;

    /* base is the byte that ended the name: white space or '/' */
    p = base + 1;
    n = 0;

    for ( ;; ) {
        /* between attributes: white space and stray slashes */
        while (p < stop
               && (c = sf_lexer_attr_byte[*p]) - SF_LX_A_SPACE
                  <= SF_LX_A_SLASH - SF_LX_A_SPACE)
        {
            p++;
        }

        if (p == stop) {
            return stop;
        }

        c = sf_lexer_attr_byte[*p];

        if (c == SF_LX_A_GT) {
            lx->attrs.n = n;
            return p;
        }

        if (c == SF_LX_A_EQ || n == SF_TAG_SPANS) {
            lx->attrs.n = SF_TAG_SPANS + 1;
            lx->state = SF_LX_ATTRS;
            return sf_lexer_attrs(lx, p, stop);
        }

    name:
        /* the name: its first byte is none of those that end one */
        p = sf_lexer_name(p, stop, &key);

        if (p == stop) {
            return stop;
        }

        sp = &lx->attrs.attr[n++];
        sp->key = key;

        /* without a value, the value is where the name ends */
        v = p;

        if (*p != '=') {
            p = sf_lexer_skip_space(p, stop);

            if (p == stop) {
                return stop;
            }

            if (*p != '=') {
                sp->value = (uint32_t) (v - base);
                sp->value_len = 0;
                continue;
            }
        }

        p = sf_lexer_skip_space(p + 1, stop);

        if (p == stop) {
            return stop;
        }

        v = p;

        if (*p == '"' || *p == '\'') {
            /* nothing but the same quote ends it, '>' neither */
            v = p + 1;

            /* each quote a constant: no byte to spread over a register */
            p = (*p == '"') ? sf_lexer_quote_end(v, stop, '"')
                            : sf_lexer_quote_end(v, stop, '\'');

            if (p == NULL) {
                return stop;
            }

            sp->value = (uint32_t) (v - base);
            sp->value_len = (uint32_t) (p - v);
            p++;

            /*
             * What follows a quoted value is most often the tag's '>' or
             * one space and the next name: both without the loop above.
             */
            if (stop - p >= 2) {
                if (*p == '>') {
                    lx->attrs.n = n;
                    return p;
                }

                if (*p == ' ' && sf_lexer_attr_byte[p[1]] == SF_LX_A_NAME
                    && n < SF_TAG_SPANS)
                {
                    p++;
                    goto name;
                }
            }

            continue;
        }

        /* unquoted: up to white space or the tag's '>' */
        while (p < stop && *p != '>' && !sf_lexer_space(*p)) {
            p++;
        }

        if (p == stop) {
            return stop;
        }

        sp->value = (uint32_t) (v - base);
        sp->value_len = (uint32_t) (p - v);
    }
}


/*
 * The '<' and what followed it in raw text started no end tag: those
 * bytes are raw text, and the scan goes on in state.
 */
static void
sf_lexer_raw(sf_lexer_t *lx, unsigned state, sf_lex_event_e *event)
{
    lx->state = state;
    lx->kind = SF_LEX_RAW;
    lx->count = 0;
    lx->esc = 0;
    *event = SF_LEX_RETYPE;
}


/*
 * Where a script's escaped text ("<!-- ... -->" inside it) needs a look:
 * at a '-' or a '<'.  Returns end when neither comes.
 */
static const unsigned char *
sf_lexer_esc_skip(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p != '-' && *p != '<') {
        p++;
    }

    return p;
}


/*
 * A name after "<" or "</" in a script's escape: lx->count is the letters
 * of "script" matched so far.  "script" and a delimiter go to state yes,
 * the delimiter taken; another name to state no, where the byte is looked
 * at again.  Returns the bytes taken, 0 or 1.
 */
static size_t
sf_lexer_script_name(sf_lexer_t *lx, unsigned char c, unsigned yes,
    unsigned no)
{
    if (lx->count < sizeof(sf_lexer_script) - 1 && sf_lexer_alpha(c)
        && (c | 0x20) == (unsigned char) sf_lexer_script[lx->count])
    {
        lx->count++;
        return 1;
    }

    if (lx->count == sizeof(sf_lexer_script) - 1
        && (c == '>' || c == '/' || sf_lexer_space(c)))
    {
        lx->state = yes;
        lx->count = 0;
        return 1;
    }

    lx->state = no;
    lx->count = 0;

    return 0;
}


/*
 * A script's escaped text, after "<!--" in it (HTML's "script data escape"
 * states): "-->" goes back to plain script text, while "<script" and a
 * delimiter double-escape it; then "</script" is script text too, until
 * "</script" and a delimiter again or "-->".  All of it is raw text; only
 * a '<' in the escaped (not double-escaped) text may start the end tag,
 * and is read by SF_LX_RAW_LT with lx->esc set.
 *
 * Scans from *pp while the state is one of these; returns 1 when the scan
 * stops at *pp (the slice's end, or a '<' that may start the end tag), 0
 * when plain raw text goes on at *pp.
 */
static int
sf_lexer_script_esc(sf_lexer_t *lx, const unsigned char **pp,
    const unsigned char *end)
{
    unsigned char         c;
    const unsigned char  *p;

    p = *pp;

    while (p < end) {

        switch (lx->state) {

        case SF_LX_ESC_START:
            /* "<script><!" (count 0), "<script><!-" (count 1) */
            if (*p != '-') {
                /* plain script text; the byte is looked at again */
                lx->state = SF_LX_RAW;
                *pp = p;
                return 0;
            }

            p++;

            if (++lx->count == 2) {
                /* "<!--": as after two dashes in it, so "<!-->" ends it */
                lx->state = SF_LX_ESC;
            }

            break;

        case SF_LX_ESC:
            /* "<script><!-- x": count is the dashes just read, up to 2 */
            if (lx->count == 0) {
                p = sf_lexer_esc_skip(p, end);

                if (p == end) {
                    break;
                }
            }

            c = *p;

            if (c == '<') {
                /* "</script" may end the script here */
                lx->state = SF_LX_RAW_LT;
                lx->kind = SF_LEX_MARKUP;
                lx->count = 0;
                lx->esc = 1;
                *pp = p;
                return 1;
            }

            p++;

            if (c == '-') {
                lx->count += (lx->count < 2);
                break;
            }

            if (c == '>' && lx->count == 2) {
                /* "-->": plain script text again */
                lx->state = SF_LX_RAW;
                lx->count = 0;
                *pp = p;
                return 0;
            }

            lx->count = 0;
            break;

        case SF_LX_DBL_START:
            /* "<!-- <scr": "<script" double-escapes, another name not */
            p += sf_lexer_script_name(lx, *p, SF_LX_DBL, SF_LX_ESC);
            break;

        case SF_LX_DBL:
            /* "<!-- <script> x": count is the dashes just read, up to 2 */
            if (lx->count == 0) {
                p = sf_lexer_esc_skip(p, end);

                if (p == end) {
                    break;
                }
            }

            c = *p++;

            if (c == '-') {
                lx->count += (lx->count < 2);
                break;
            }

            if (c == '>' && lx->count == 2) {
                /* "-->": plain script text again */
                lx->state = SF_LX_RAW;
                lx->count = 0;
                *pp = p;
                return 0;
            }

            lx->state = (c == '<') ? SF_LX_DBL_LT : SF_LX_DBL;
            lx->count = 0;
            break;

        case SF_LX_DBL_LT:
            /* "<!-- <script> x<": a '/' may start "</script" */
            if (*p == '/') {
                lx->state = SF_LX_DBL_END;
                p++;

            } else {
                /* the byte is looked at again */
                lx->state = SF_LX_DBL;
            }

            lx->count = 0;
            break;

        default: /* SF_LX_DBL_END */
            /*
             * "<!-- <script> x</scr": "</script" goes back to escaped
             * text, where the next "</script" ends the script
             */
            p += sf_lexer_script_name(lx, *p, SF_LX_ESC, SF_LX_DBL);
            break;
        }
    }

    *pp = p;

    return 1;
}


/*
 * Raw text: the contents of script, style, title, ... up to "</name" and a
 * delimiter; a script's escapes are sf_lexer_script_esc()'s.  Scans from
 * *pp while the state is one of raw text; returns 1 when the scan stops at
 * *pp (the slice's end or a token boundary, *event set), 0 when the end
 * tag goes on with attributes at *pp (SF_LX_ATTRS).
 */
static int
sf_lexer_rawtext(sf_lexer_t *lx, const unsigned char **pp,
    const unsigned char *end, sf_lex_event_e *event)
{
    unsigned char         c;
    const unsigned char  *p, *q;

    p = *pp;

    while (p < end) {

        switch (lx->state) {

        case SF_LX_RAW:
            /* "<script>x": only "</name" and a delimiter end it */
            q = memchr(p, '<', (size_t) (end - p));

            if (q == NULL) {
                p = end;
                break;
            }

            lx->state = SF_LX_RAW_LT;
            lx->kind = SF_LEX_MARKUP;
            lx->count = 0;
            lx->esc = 0;
            *pp = q;
            return 1;

        case SF_LX_RAW_LT:
            /*
             * "</scr": count is how much of "</name" matched so far; esc:
             * in a script's escaped text, where "<s" may start "<script".
             */
            c = *p;

            if (lx->count == 0) {
                if (c == '<') {
                    lx->count = 1;
                    p++;
                    break;
                }

            } else if (lx->count == 1) {
                if (c == '/') {
                    lx->count = 2;
                    p++;
                    break;
                }

                if (lx->raw_tag == SF_TAG_SCRIPT && !lx->esc && c == '!') {
                    /* "<script><!": raw text, and maybe an escape */
                    sf_lexer_raw(lx, SF_LX_ESC_START, event);
                    *pp = p + 1;
                    return 1;
                }

                if (lx->esc && sf_lexer_alpha(c)) {
                    /* "<!-- <s": raw text, and maybe "<script" */
                    sf_lexer_raw(lx, SF_LX_DBL_START, event);
                    *pp = p;
                    return 1;
                }

            } else if (lx->count < lx->raw_len + 2) {
                if ((c | 0x20) == (lx->name[lx->count - 2] | 0x20)
                    && sf_lexer_alpha(c))
                {
                    lx->count++;
                    p++;
                    break;
                }

            } else if (c == '>' || c == '/' || sf_lexer_space(c)) {
                lx->tag = lx->raw_tag;
                lx->name_len = lx->raw_len;
                lx->end = 1;
                lx->esc = 0;

                if (c == '>') {
                    *pp = p + 1;
                    (void) sf_lexer_done(lx, event, 0);
                    return 1;
                }

                lx->state = SF_LX_ATTRS;
                *pp = p + 1;
                return 0;
            }

            /* not the end tag: the bytes were raw text after all */
            sf_lexer_raw(lx, lx->esc ? SF_LX_ESC : SF_LX_RAW, event);
            *pp = p;
            return 1;

        case SF_LX_PLAINTEXT:
            /* "<plaintext>x": never ends */
            p = end;
            break;

        default:
            if (sf_lexer_script_esc(lx, &p, end)) {
                *pp = p;
                return 1;
            }

            break;
        }
    }

    *pp = p;

    return 1;
}


/*
 * "<!" and what follows, up to what it turns out to be: a comment, a CDATA
 * section or bogus markup (the doctype too), each an opaque token from its
 * '<' on.  Stops the scan at *pp: at the slice's end, or retyped.
 */
static void
sf_lexer_decl(sf_lexer_t *lx, const unsigned char **pp,
    const unsigned char *end, sf_lex_event_e *event)
{
    unsigned              state;
    const unsigned char  *p;

    p = *pp;
    state = SF_LX_BOGUS;

    while (p < end) {

        switch (lx->state) {

        case SF_LX_DECL:
            /* "<!": "--" opens a comment, "[CDATA[" a CDATA section */
            if (*p == '-') {
                lx->state = SF_LX_DECL_DASH;
                p++;
                break;
            }

            if (*p == '[') {
                lx->state = SF_LX_CDATA_OPEN;
                lx->count = 1;
                p++;
                break;
            }

            /* doctype and other declarations end at the first '>' */
            goto opaque;

        case SF_LX_DECL_DASH:
            /* "<!-" */
            if (*p == '-') {
                state = SF_LX_COMMENT_START;
                p++;
            }

            goto opaque;

        default: /* SF_LX_CDATA_OPEN */
            /* "<![CD" */
            if (*p != (unsigned char) sf_lexer_cdata[lx->count]) {
                goto opaque;
            }

            p++;

            if (++lx->count == sizeof(sf_lexer_cdata) - 1) {
                state = SF_LX_CDATA;
                goto opaque;
            }

            break;
        }
    }

    *pp = p;
    return;

opaque:

    (void) sf_lexer_opaque(lx, state, event, 0);
    *pp = p;
}


/*
 * Inside a comment or CDATA section, which ends at a run of two or more of
 * x and a '>': with no run open, the input up to the next x is skipped at
 * once; an x counts in lx->count.  Returns 1 with the byte after the run
 * in *c, 0 when the input ran out or the byte was one more x.
 */
static int
sf_lexer_closing(sf_lexer_t *lx, const unsigned char **pp,
    const unsigned char *end, unsigned char x, unsigned char *c)
{
    const unsigned char  *p, *q;

    p = *pp;

    if (lx->count == 0) {
        q = memchr(p, x, (size_t) (end - p));

        if (q == NULL) {
            *pp = end;
            return 0;
        }

        p = q;
    }

    *c = *p++;
    *pp = p;

    if (*c == x) {
        lx->count++;
        return 0;
    }

    return 1;
}


/*
 * The inside of a comment, a CDATA section or bogus markup, up to its end
 * (event SF_LEX_END) or the slice's end.  Stops the scan at *pp.
 */
static void
sf_lexer_opaque_text(sf_lexer_t *lx, const unsigned char **pp,
    const unsigned char *end, sf_lex_event_e *event)
{
    unsigned char         c;
    const unsigned char  *p, *q;

    p = *pp;

    while (p < end) {

        switch (lx->state) {

        case SF_LX_COMMENT_START:
        case SF_LX_COMMENT_START_DASH:
            /* "<!--" or "<!---": '>' makes a whole comment of it */
            c = *p++;

            if (c == '>') {
                goto done;
            }

            if (c == '-' && lx->state == SF_LX_COMMENT_START) {
                lx->state = SF_LX_COMMENT_START_DASH;
                break;
            }

            lx->count = (c == '-') ? 2 : 0;
            lx->state = SF_LX_COMMENT;
            break;

        case SF_LX_COMMENT:
            /* "<!-- x": ends at "-->" or "--!>" */
            if (!sf_lexer_closing(lx, &p, end, '-', &c)) {
                break;
            }

            if (lx->count >= 2) {
                if (c == '>') {
                    goto done;
                }

                if (c == '!') {
                    lx->state = SF_LX_COMMENT_BANG;
                    break;
                }
            }

            lx->count = 0;
            break;

        case SF_LX_COMMENT_BANG:
            /* "<!-- x --!" */
            c = *p++;

            if (c == '>') {
                goto done;
            }

            lx->state = SF_LX_COMMENT;
            lx->count = (c == '-') ? 1 : 0;
            break;

        case SF_LX_CDATA:
            /* "<![CDATA[ x": ends at "]]>" */
            if (!sf_lexer_closing(lx, &p, end, ']', &c)) {
                break;
            }

            if (c == '>' && lx->count >= 2) {
                goto done;
            }

            lx->count = 0;
            break;

        default: /* SF_LX_BOGUS */
            /* "<?x", "<!x", "</ x": ends at the first '>' */
            q = memchr(p, '>', (size_t) (end - p));

            if (q == NULL) {
                p = end;
                break;
            }

            p = q + 1;
            goto done;
        }
    }

    *pp = p;
    return;

done:

    (void) sf_lexer_done(lx, event, 0);
    *pp = p;
}


/*
 * The name of a tag and its attributes, up to its '>' (event SF_LEX_END)
 * or the slice's end.  Stops the scan at *pp.
 */
static void
sf_lexer_tag_rest(sf_lexer_t *lx, const unsigned char **pp,
    const unsigned char *end, sf_lex_event_e *event)
{
    const unsigned char  *p;

    p = *pp;

    if (lx->state == SF_LX_TAG_NAME) {
        /* "<na": the name ends at white space, '/' or '>' */
        while (p < end && !sf_lexer_name_stop[*p]) {
            if (lx->name_len < sizeof(lx->name)) {
                lx->name[lx->name_len] = *p;
            }

            lx->name_len++;
            p++;
        }

        if (p == end) {
            *pp = end;
            return;
        }

        /* the stream takes the element id from here (sf_tag_parse_id) */
        lx->tag = sf_tag_lookup8(lx->name, lx->name_len);

        if (*p != '>') {
            lx->state = SF_LX_ATTRS;
            p++;
        }
    }

    if (lx->state != SF_LX_TAG_NAME) {
        p = sf_lexer_attrs(lx, p, end);

        if (p == end) {
            *pp = end;
            return;
        }
    }

    sf_lexer_tag_end(lx);
    *event = SF_LEX_END;
    *pp = p + 1;
}


#if (SF_LEXER_SSE2)

/*
 * The first '<' at or after q that is followed by '/' or '!', sixteen
 * bytes a step, or where the scalar loop of sf_lexer_raw_run() is to go
 * on: near the end (from where a '<' may lack the bytes of the end tag,
 * and the second load would pass the end).  A lone '<' ("1 < 2") is raw
 * text at once, as that loop finds too.
 */
static inline const unsigned char *
sf_lexer_raw_lt(const unsigned char *q, const unsigned char *end,
    size_t raw_len)
{
    unsigned  bits;
    __m128i   a, b, m;

    while ((size_t) (end - q) >= 18 + raw_len) {
        a = _mm_loadu_si128((const __m128i *) q);
        b = _mm_loadu_si128((const __m128i *) (q + 1));
        m = _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('/')),
                         _mm_cmpeq_epi8(b, _mm_set1_epi8('!')));
        bits = (unsigned) _mm_movemask_epi8(
                   _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('<')), m));

        if (bits != 0) {
            return q + __builtin_ctz(bits);
        }

        q += 16;
    }

    return q;
}

#else

static inline const unsigned char *
sf_lexer_raw_lt(const unsigned char *q, const unsigned char *end,
    size_t raw_len)
{
    (void) end;
    (void) raw_len;

    return q;
}

#endif


/*
 * Whether the name at q (n bytes readable) is the raw text's, in any
 * case.  Its name is letters (sf_tag_lookup() knows no other): a byte
 * that matches one of them with | 0x20 is a letter too.
 */
static inline int
sf_lexer_raw_name(const sf_lexer_t *lx, const unsigned char *q, size_t n)
{
    size_t  i;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t  a, b;

    if (n >= 8 && lx->raw_len <= 8) {
        memcpy(&a, q, 8);
        memcpy(&b, lx->name, 8);
        a = (a ^ b) & 0xdfdfdfdfdfdfdfdfULL;

        return lx->raw_len == 8
               ? a == 0 : (a & (((uint64_t) 1 << (8 * lx->raw_len)) - 1)) == 0;
    }
#endif

    (void) n;

    for (i = 0; i < lx->raw_len; i++) {
        if ((q[i] | 0x20) != (lx->name[i] | 0x20) || !sf_lexer_alpha(q[i])) {
            return 0;
        }
    }

    return 1;
}


static size_t sf_lexer_raw_any(const sf_lexer_t *lx, const unsigned char *p,
    const unsigned char *q, size_t len, size_t *tag_len);


size_t
sf_lexer_raw_scan(const sf_lexer_t *lx, const unsigned char *p, size_t len,
    size_t *tag_len)
{
    const unsigned char  *q;

    q = sf_lexer_raw_lt(p, p + len, lx->raw_len);

    /*
     * The end tag found in the sixteen-byte steps (where its bytes are
     * all there): nothing more to look at.
     */
    if ((size_t) (p + len - q) >= 18 + lx->raw_len && q[0] == '<'
        && q[1] == '/' && sf_lexer_raw_name(lx, q + 2, 16)
        && q[2 + lx->raw_len] == '>')
    {
        *tag_len = lx->raw_len + 3;
        return (size_t) (q - p);
    }

    return sf_lexer_raw_any(lx, p, q, len, tag_len);
}


/*
 * sf_lexer_raw_run() from q, where the sixteen-byte steps stopped (no '<'
 * in p .. q that matters).  Out of line: the common case above saves no
 * registers for this loop.
 */
static SF_LEXER_NOINLINE size_t
sf_lexer_raw_any(const sf_lexer_t *lx, const unsigned char *p,
    const unsigned char *q, size_t len, size_t *tag_len)
{
    size_t                k;
    const unsigned char  *end;

    *tag_len = 0;
    end = p + len;

    for ( ;; ) {
        q = sf_lexer_raw_lt(q, end, lx->raw_len);

        if (q == end || *q != '<') {
            q = memchr(q, '<', (size_t) (end - q));

            if (q == NULL) {
                return len;
            }
        }

        /* "</name>" needs raw_len + 3 bytes; fewer: the scanner decides */
        if ((size_t) (end - q) < lx->raw_len + 3) {
            return (size_t) (q - p);
        }

        if (q[1] == '!' && lx->raw_tag == SF_TAG_SCRIPT) {
            /* "<!--" may start a script's escape: the scanner's states */
            return (size_t) (q - p);
        }

        if (q[1] != '/') {
            q++;
            continue;
        }

        if (!sf_lexer_raw_name(lx, q + 2, (size_t) (end - q) - 2)) {
            /* "</p>" in a script: raw text, as the scanner finds too */
            q++;
            continue;
        }

        k = 2 + lx->raw_len;

        if (q[k] != '>') {
            /* "</script x>", "</script/>": the scanner reads those */
            return (size_t) (q - p);
        }

        *tag_len = k + 1;

        return (size_t) (q - p);
    }
}


void
sf_lexer_raw_end_any(sf_lexer_t *lx)
{
    /* as sf_lexer_scan() leaves the lexer after the end tag's '>' */
    lx->tag = lx->raw_tag;
    lx->name_len = lx->raw_len;
    lx->end = 1;
    lx->inert = (lx->tmpl > 0);
    lx->esc = 0;
    sf_lexer_text(lx);
}


void
sf_lexer_tag_read(sf_lexer_t *lx, const unsigned char *name, size_t n,
    sf_tag_e tag, unsigned end)
{
    lx->end = end;
    lx->name_len = (unsigned) n;
    lx->tag = tag;

    if (sf_tag_is_rawtext(tag) && n >= 4 && n <= 8 && !end
        && tag != SF_TAG_PLAINTEXT)
    {
        /*
         * "<script>", "<style>": raw text entered as sf_lexer_tag_end()
         * enters it, the name kept in two copies of four bytes (its end
         * tag is matched against it) rather than a call.
         */
        memcpy(lx->name, name, 4);
        memcpy(lx->name + n - 4, name + n - 4, 4);
        lx->inert = (lx->tmpl > 0);
        lx->raw_tag = tag;
        lx->raw_len = (unsigned) n;
        lx->state = SF_LX_RAW;
        lx->kind = SF_LEX_RAW;
        return;
    }

    if (sf_tag_is_rawtext(tag)) {
        /* the end tag of the raw text is matched against the name */
        memcpy(lx->name, name, n < sizeof(lx->name) ? n : sizeof(lx->name));
    }

    sf_lexer_tag_end(lx);
}


#if (SF_LEXER_KEY_SSE2)

/*
 * The attributes of the common shape, from the name at p after the tag's
 * name (base, one space), n of them recorded before it: names that start
 * with a byte above ' ' other than
 * '/', '=' and '>' and end at '=', ' ' or '>' in their first sixteen
 * bytes; values in double quotes or none; one space between them, '>'
 * after the last.  Records them as sf_lexer_attr_spans() does and
 * returns the tag's '>'; NULL for anything else (more attributes than
 * recorded too): sf_lexer_tag() reads those.  Few branches, no loop a
 * byte; inline at both its places, whose registers it shares.
 */
static SF_LEXER_INLINE const unsigned char *
sf_lexer_quick_attrs(sf_lexer_t *lx, const unsigned char *base,
    const unsigned char *p, unsigned n, const unsigned char *stop)
{
    unsigned              k, dq;
    __m128i               v;
    sf_tag_span_t        *sp;
    const unsigned char  *q, *e;

    for ( /* void */ ; n < SF_TAG_SPANS; n++) {
        if (stop - p < 16) {
            return NULL;
        }

        /* a name starts here (bit 0: its first byte could end one) */
        v = _mm_loadu_si128((const __m128i *) p);
        k = sf_lexer_stop_bits(v);

        if ((k & 1) || k == 0) {
            return NULL;
        }

        k = (unsigned) __builtin_ctz(k);
        q = p + k;

        sp = &lx->attrs.attr[n];
        sp->key = ((uint64_t) _mm_cvtsi128_si64(v) | 0x2020202020202020ULL)
                  & sf_lexer_key_mask[k];

        if (*q == '=') {
            if (stop - q < 3 || q[1] != '"') {
                return NULL;
            }

            /*
             * Most values are short ("a.jpg", ""): their end quote is in
             * the sixteen bytes loaded for the name; else it is past them.
             */
            dq = (unsigned) _mm_movemask_epi8(
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))) >> (k + 2);

            e = (dq != 0) ? q + 2 + __builtin_ctz(dq)
                          : sf_lexer_quote_end(k < 14 ? p + 16 : q + 2, stop,
                                               '"');

            if (e == NULL || stop - e < 2) {
                return NULL;
            }

            sp->value = (uint32_t) (q + 2 - base);
            sp->value_len = (uint32_t) (e - q - 2);
            q = e + 1;

        } else if (*q == ' ' || *q == '>') {
            /* without a value, the value is where the name ends */
            sp->value = (uint32_t) (q - base);
            sp->value_len = 0;

        } else {
            return NULL;
        }

        if (*q == '>') {
            lx->attrs.n = n + 1;
            return q;
        }

        if (*q != ' ') {
            return NULL;
        }

        p = q + 1;
    }

    return NULL;
}


/*
 * sf_lexer_quick_attrs() for the commonest first attributes of a page's
 * tags, a class (<div class="entry-meta">) or an address (<a href="...")
 * in lower case: the eight bytes after the name compared with
 * " class=\"" or " href=\"" at once (no name to find, no key to fold),
 * the value's end quote found sixteen bytes a compare; '>' right after
 * it ends the tag, a space goes on to the next attributes.  Records the
 * attributes as sf_lexer_quick_attrs() does and returns the tag's '>';
 * NULL for anything else, the record left to be written again:
 * sf_lexer_quick_attrs() reads it from base.
 */
static inline const unsigned char *
sf_lexer_first_attr(sf_lexer_t *lx, const unsigned char *base,
    const unsigned char *stop)
{
    unsigned              dq;
    uint64_t              w, key;
    const unsigned char  *v, *e;

    if (stop - base < 8 + 16) {
        return NULL;
    }

    memcpy(&w, base, 8);

    if (w == SF_TAG_KEY8(' ', 'c', 'l', 'a', 's', 's', '=', '"')) {
        key = SF_TAG_KEY8('c', 'l', 'a', 's', 's', 0, 0, 0);
        v = base + 8;

    } else if ((w & 0xffffffffffffffULL)
               == SF_TAG_KEY8(' ', 'h', 'r', 'e', 'f', '=', '"', 0))
    {
        key = SF_TAG_KEY4('h', 'r', 'e', 'f');
        v = base + 7;

    } else {
        return NULL;
    }

    dq = (unsigned) _mm_movemask_epi8(
             _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) v),
                            _mm_set1_epi8('"')));
    e = (dq != 0) ? v + __builtin_ctz(dq)
                  : sf_lexer_quote_end(v + 16, stop, '"');

    if (e == NULL || stop - e < 2) {
        return NULL;
    }

    lx->attrs.attr[0].key = key;
    lx->attrs.attr[0].value = (uint32_t) (v - base);
    lx->attrs.attr[0].value_len = (uint32_t) (e - v);

    if (e[1] == '>') {
        lx->attrs.n = 1;
        return e + 1;
    }

    return (e[1] == ' ') ? sf_lexer_quick_attrs(lx, base, e + 2, 1, stop)
                         : NULL;
}


/*
 * sf_lexer_tag() for the tags of the common shape, with sixteen bytes
 * readable after '<' or "</": a name that ends at ' ' or '>' among them,
 * then the attributes of sf_lexer_quick_attrs().  Returns 0 for any other
 * tag, having changed nothing sf_lexer_tag() does not set again.
 */
static size_t
sf_lexer_tag_quick(sf_lexer_t *lx, const unsigned char *p,
    const unsigned char *stop)
{
    size_t                n;
    uint32_t              id;
    unsigned              end, bits;
    __m128i               v;
    sf_tag_e              tag;
    const unsigned char  *name, *q, *e;
    const sf_tag_word_t  *word;

    end = (p[1] == '/');
    name = p + 1 + end;

    if (stop - name < 16 || !sf_lexer_alpha(*name)) {
        return 0;
    }

    v = _mm_loadu_si128((const __m128i *) name);
    bits = sf_lexer_stop_bits(v) & ~1u;

    if (bits == 0) {
        return 0;
    }

    n = (size_t) __builtin_ctz(bits);
    q = name + n;

    /*
     * The name first: what the attributes leave live is then the lexer,
     * the tag's start and one word of what the lexer is to hold.  Its key
     * is in the register (sf_lexer_key_mask[n] is 0 past eight bytes).
     */
    word = sf_tag_word((uint64_t) _mm_cvtsi128_si64(v) & sf_lexer_key_mask[n],
                       n);
    tag = (word != NULL) ? (sf_tag_e) word->tag : sf_tag_lookup8(name, n);

    if (sf_tag_is_rawtext(tag) || tag == SF_TAG_TEMPLATE) {
        /* the lexer keeps the name: sf_lexer_tag_any() */
        return 0;
    }

    /* one word live across the attributes: tag, name length, end */
    id = (uint32_t) tag | (uint32_t) n << 8 | (uint32_t) end << 16;

    if (*q == ' ') {
        e = sf_lexer_first_attr(lx, q, stop);
        q = (e != NULL) ? e : sf_lexer_quick_attrs(lx, q, q + 1, 0, stop);

        if (q == NULL) {
            return 0;
        }

    } else if (*q == '>') {
        lx->attrs.n = 0;

    } else {
        return 0;
    }

    sf_lexer_took(lx, (sf_tag_e) (id & 0xff), (id >> 8) & 0xff, id >> 16);

    return (size_t) (q + 1 - p);
}

#endif


#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

/*
 * The bytes of a name of n bytes (6 to 14 here) in the two words of its
 * key: a load each rather than a branch on n and shifts by it.
 */
static const uint64_t  sf_lexer_key_lo[16] = {
    0, 0, 0, 0, 0, 0, 0xffffffffffffULL, 0xffffffffffffffULL,
    ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL
};

static const uint64_t  sf_lexer_key_hi[16] = {
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0xff, 0xffff, 0xffffff, 0xffffffffULL, 0xffffffffffULL,
    0xffffffffffffULL, 0xffffffffffffffULL
};

#endif


size_t
sf_lexer_short_tag16(sf_lexer_t *lx, const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t                 k, n;
    uint64_t               gt, lo, hi;
    unsigned               end;
    const sf_tag_word_t   *word;
#if (SF_LEXER_KEY_SSE2)
    __m128i                v;
#else
    uint64_t               w0, w1;
    unsigned               o;
#endif

#if (SF_LEXER_KEY_SSE2)
    /* no '>' in the first word (the caller looked): the first in this one */
    v = _mm_loadu_si128((const __m128i *) p);
    gt = (uint64_t) _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')));

    if (gt == 0) {
        return 0;
    }

    /* the name, bytes 1 + end .. k - 1: 6 to 14 bytes, in the register */
    k = (size_t) __builtin_ctzll(gt);
    end = (p[1] == '/');
    n = k - 1 - end;
    v = end ? _mm_srli_si128(v, 2) : _mm_srli_si128(v, 1);
    lo = (uint64_t) _mm_cvtsi128_si64(v) & sf_lexer_key_lo[n];
    hi = (uint64_t) _mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v))
         & sf_lexer_key_hi[n];
#else
    memcpy(&w0, p, 8);
    memcpy(&w1, p + 8, 8);

    /* no '>' in the first word (the caller looked): the first in this one */
    gt = sf_lexer_word_has(w1, '>');

    if (gt == 0) {
        return 0;
    }

    k = 8 + ((size_t) __builtin_ctzll(gt) >> 3);

    /* the name, bytes 1 + end .. k - 1: 6 to 14 bytes across the words */
    end = ((w0 >> 8) & 0xff) == '/';
    o = 8 + 8 * end;
    n = k - 1 - end;
    lo = ((w0 >> o) | (w1 << (64 - o))) & sf_lexer_key_lo[n];
    hi = (w1 >> o) & sf_lexer_key_hi[n];
#endif

    word = sf_tag_word16(lo, hi, n);

    if (word == NULL || word->special) {
        return 0;
    }

    sf_lexer_took(lx, (sf_tag_e) word->tag, n, end);

    return k + 1;
#else
    (void) lx;
    (void) p;

    return 0;
#endif
}


/*
 * sf_lexer_tag() for every tag: out of line, so that the common tags of
 * sf_lexer_tag_quick() pay nothing for its registers.
 */
static SF_LEXER_NOINLINE size_t
sf_lexer_tag_any(sf_lexer_t *lx, const unsigned char *p, size_t len)
{
    size_t                n;
    unsigned              end;
    sf_tag_e              tag;
    const unsigned char  *q, *stop, *name;
    const sf_tag_word_t  *word;

    /* "<a>" is the shortest tag: less room than that is the slow path's */
    if (len < 3) {
        return 0;
    }

#if (SIZE_MAX > UINT32_MAX)
    if (len > UINT32_MAX) {
        /* a tag past that is sf_lexer_scan()'s: the attributes' offsets */
        len = UINT32_MAX;
    }
#endif

    stop = p + len;
    q = p + 1;
    end = 0;

    if (*q == '/') {
        end = 1;
        q++;
    }

    if (q == stop || !sf_lexer_alpha(*q)) {
        return 0;
    }

    name = q;

    while (q < stop && !sf_lexer_name_stop[*q]) {
        q++;
    }

    if (q == stop) {
        return 0;
    }

    n = (size_t) (q - name);

    lx->attrs.n = 0;

    if (*q != '>') {
        q = sf_lexer_attr_spans(lx, q, stop);

        if (q == stop) {
            /* the tag goes on: sf_lexer_scan() reads it from its '<' */
            lx->state = SF_LX_DATA;
            return 0;
        }
    }

    /*
     * The name is looked up where it is when eight bytes can be read
     * there; it is copied only when the lexer needs it later (the end tag
     * of raw text is matched against it) or is too near the input's end.
     */
    if ((size_t) (stop - name) >= 8) {
        /* most names are known and written in lower case: no call */
        word = (n <= 8) ? sf_tag_word(sf_tag_name_key(name, n), n) : NULL;
        tag = (word != NULL) ? (sf_tag_e) word->tag : sf_tag_lookup8(name, n);

    } else {
        memcpy(lx->name, name, n);
        memset(lx->name + n, 0, sizeof(lx->name) - n);
        tag = sf_tag_lookup8(lx->name, n);
    }

    /* sf_lexer_tag_read(), inline for the tags that are no raw text */
    if (sf_tag_is_rawtext(tag) || tag == SF_TAG_TEMPLATE) {
        sf_lexer_tag_read(lx, name, n, tag, end);

    } else {
        lx->end = end;
        lx->name_len = (unsigned) n;
        lx->tag = tag;
        lx->inert = (lx->tmpl > 0);
        sf_lexer_text(lx);
    }

    return (size_t) (q + 1 - p);
}


size_t
sf_lexer_tag(sf_lexer_t *lx, const unsigned char *p, size_t len)
{
#if (SF_LEXER_KEY_SSE2)
    size_t  m;

    /* sixteen bytes after the name's start; offsets in 32 bits */
    if (len >= 18 && (uint64_t) len <= UINT32_MAX) {
        m = sf_lexer_tag_quick(lx, p, p + len);

        if (m != 0) {
            return m;
        }
    }
#endif

    return sf_lexer_tag_any(lx, p, len);
}


size_t
sf_lexer_comment(sf_lexer_t *lx, const unsigned char *p, size_t len)
{
    const unsigned char  *q, *end;

    /*
     * "<!--", a first byte that neither ends it nor starts a dash run
     * ("<!-->", "<!---"), and its first "--" before a '>': no run of
     * dashes before the end run, which is two dashes long.
     */
    if (len < 8 || !sf_lexer_in_text(lx) || memcmp(p, "<!--", 4) != 0
        || p[4] == '-' || p[4] == '>')
    {
        return 0;
    }

    end = p + len;

    for (q = p + 5; /* void */; q++) {
        q = memchr(q, '-', (size_t) (end - q));

        if (q == NULL || end - q < 3) {
            return 0;
        }

        if (q[1] == '-') {
            break;
        }
    }

    if (q[2] != '>') {
        return 0;
    }

    /* as sf_lexer_scan() leaves it: at '<' a markup token began */
    sf_lexer_took(lx, SF_TAG_NONE, 0, 0);
    lx->count = 2;
    lx->esc = 0;
    sf_lexer_text(lx);

    return (size_t) (q + 3 - p);
}


size_t
sf_lexer_tag_img(sf_lexer_t *lx, const unsigned char *p, size_t len)
{
#if (SF_LEXER_KEY_SSE2)
    unsigned  i;
    uint16_t  two;
    uint64_t  dq, stop, d;
    __m128i   a, b, v;

    /*
     * Only a short image, all of it in the 37 bytes from p: a long one
     * most often has a class (a page's featured image), which this would
     * read to no use before the general reader reads it all again.
     */
    if (len < 37 || memcmp(p, "<img ", 5) != 0) {
        return 0;
    }

    /*
     * The 32 bytes after "<img " as bits (bit i: byte 5 + i; none past
     * them): the quotes, and where a name ends (sf_lexer_stop_bits()).
     */
    a = _mm_loadu_si128((const __m128i *) (const void *) (p + 5));
    b = _mm_loadu_si128((const __m128i *) (const void *) (p + 21));
    v = _mm_set1_epi8('>');

    /* most long images have no '>' there: refused at once */
    if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(a, v),
                                       _mm_cmpeq_epi8(b, v)))
        == 0)
    {
        return 0;
    }

    v = _mm_set1_epi8('"');
    dq = (uint64_t) (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(a, v))
         | (uint64_t) (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(b, v))
           << 16;
    stop = (uint64_t) sf_lexer_stop_bits(a)
           | (uint64_t) sf_lexer_stop_bits(b) << 16;

    /*
     * The attributes of sf_lexer_quick_attrs()'s shape, not recorded:
     * name="value" or a name alone, one space apart, up to the '>'.  A
     * name has a byte or more and none that ends one, and does not start
     * "id" or "cl" in any case (an id, a class: refused at once); a value
     * is all up to the next quote, '>' included.  So the '>' is where
     * sf_lexer_tag() finds it.
     */
    for (i = 0; /* void */; i++) {
        d = stop >> i;

        if ((d & 1) || d == 0) {
            return 0;
        }

        memcpy(&two, p + 5 + i, 2);
        two |= 0x2020;

        if (two == ('i' | 'd' << 8) || two == ('c' | 'l' << 8)) {
            return 0;
        }

        i += (unsigned) __builtin_ctzll(d);

        if (p[5 + i] == '=') {
            d = dq >> (i + 2);

            if (((dq >> (i + 1)) & 1) == 0 || d == 0) {
                return 0;
            }

            i += 3 + (unsigned) __builtin_ctzll(d);

            if (i > 31) {
                return 0;
            }
        }

        if (p[5 + i] != ' ') {
            break;
        }
    }

    if (p[5 + i] != '>') {
        return 0;
    }

    /* a record that is not whole: a reader of it reads the bytes again */
    lx->attrs.n = SF_TAG_SPANS + 1;
    sf_lexer_took(lx, SF_TAG_IMG, 3, 0);

    return (size_t) i + 6;
#else
    (void) lx;
    (void) p;
    (void) len;

    return 0;
#endif
}


size_t
sf_lexer_scan(sf_lexer_t *lx, const unsigned char *p, size_t len,
    sf_lex_event_e *event)
{
    unsigned char         c;
    const unsigned char  *start, *end, *q;

    start = p;
    end = p + len;
    *event = SF_LEX_MORE;

    while (p < end) {

        switch (lx->state) {

        case SF_LX_DATA:
        case SF_LX_TMPL_DATA:
            /* text: everything up to the next '<' */
            q = memchr(p, '<', (size_t) (end - p));

            if (q == NULL) {
                return len;
            }

            lx->state = SF_LX_LT;
            lx->kind = SF_LEX_MARKUP;
            lx->end = 0;
            lx->name_len = 0;
            lx->tag = SF_TAG_NONE;

            return (size_t) (q - start);

        case SF_LX_LT:
            /* the '<' the text stopped at belongs to the markup */
            lx->state = SF_LX_TAG_OPEN;
            p++;

            if (p == end) {
                return len;
            }

            /* fall through */

        case SF_LX_TAG_OPEN:
            /* "<": a letter, '/', '!' or '?' starts markup */
            c = *p;

            if (sf_lexer_alpha(c)) {
                lx->state = SF_LX_TAG_NAME;
                break;
            }

            if (c == '/') {
                lx->state = SF_LX_END_TAG_OPEN;
                p++;
                break;
            }

            if (c == '!') {
                lx->state = SF_LX_DECL;
                p++;
                break;
            }

            if (c == '?') {
                return sf_lexer_opaque(lx, SF_LX_BOGUS, event,
                                       (size_t) (p - start));
            }

            /* "<3", "< ", "<<": text; the byte is looked at again */
            sf_lexer_text(lx);
            *event = SF_LEX_RETYPE;
            return (size_t) (p - start);

        case SF_LX_END_TAG_OPEN:
            /* "</" */
            c = *p;
            lx->end = 1;

            if (sf_lexer_alpha(c)) {
                lx->state = SF_LX_TAG_NAME;
                break;
            }

            if (c == '>') {
                /* "</>" is dropped by browsers: a markup token of its own */
                return sf_lexer_done(lx, event, (size_t) (p + 1 - start));
            }

            return sf_lexer_opaque(lx, SF_LX_BOGUS, event,
                                   (size_t) (p - start));

        case SF_LX_TAG_NAME:
        case SF_LX_ATTRS:
        case SF_LX_BEFORE_VALUE:
        case SF_LX_QUOTED:
        case SF_LX_UNQUOTED:
            sf_lexer_tag_rest(lx, &p, end, event);
            return (size_t) (p - start);

        case SF_LX_DECL:
        case SF_LX_DECL_DASH:
        case SF_LX_CDATA_OPEN:
            sf_lexer_decl(lx, &p, end, event);
            return (size_t) (p - start);

        case SF_LX_COMMENT_START:
        case SF_LX_COMMENT_START_DASH:
        case SF_LX_COMMENT:
        case SF_LX_COMMENT_BANG:
        case SF_LX_CDATA:
        case SF_LX_BOGUS:
            sf_lexer_opaque_text(lx, &p, end, event);
            return (size_t) (p - start);

        default:
            /* raw text, and the escapes of a script */
            if (sf_lexer_rawtext(lx, &p, end, event)) {
                return (size_t) (p - start);
            }

            break;
        }
    }

    return len;
}
