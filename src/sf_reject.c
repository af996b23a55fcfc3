/*
 * sf_reject.c: the raw-text reject, the decision on a held block without
 * normalizing it.
 *
 * Most blocks are plain prose that no rule fires on, and most rules need a
 * phrase the prose lacks.  When the raw text is such that its normalized
 * form is only its bytes case folded with white space collapsed, as far as
 * ASCII letters and digits go, a phrase's anchor (sf_rules.h) occurs in the
 * raw text whenever the phrase occurs in the normalized one: the anchors
 * found give a superset of the phrases the prefilter would find, enough to
 * reject rules without normalizing.  Whatever this cannot reject goes the
 * full way.
 *
 * Cheapest first: tables made at compile time tell, by the block's scope,
 * link count and position alone, which rules may fire on it at all (for
 * most blocks none); then one pass over the text counts what it keeps and
 * looks for hazards; then the anchors are probed; only a block that still
 * has a candidate rule has its conditions looked at one by one.
 */

#include <string.h>

#include "sf_reject.h"
#include "sf_reject_avx2.h"
#include "sf_teddy.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_REJECT_SSE2  1
#else
#define SF_REJECT_SSE2  0
#endif

/* sf_reject_tables() in both its callers: its results stay in registers */
#if defined(__GNUC__)
#define SF_REJECT_INLINE  inline __attribute__ ((always_inline))
#else
#define SF_REJECT_INLINE  inline
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SF_REJECT_LE    1
#else
#define SF_REJECT_LE    0
#endif


/*
 * Most blocks are plain prose that no rule fires on, and most rules need a
 * phrase the prose lacks.  When the raw text is such that its normalized
 * form is only its bytes case folded with white space collapsed, as far as
 * ASCII letters and digits go, a phrase's anchor (sf_rules.h) occurs in the
 * raw text whenever the phrase occurs in the normalized one: the anchors
 * found give a superset of the phrases the prefilter would find, enough to
 * reject rules without normalizing.  Whatever this cannot reject goes the
 * full way.
 */

/* Lead bytes of what the normalization turns into or drops next to ASCII
 * letters: entities, escaped markup, U+00AD, U+0130 (a dotted 'I' folds to
 * 'i'), U+200B-U+200F, U+2060, U+FEFF and the mojibake of U+20xx. */
static const unsigned char  sf_hazard[256] = {
    ['&'] = 1, ['<'] = 1, [0xc2] = 1, [0xc4] = 1, [0xe2] = 1, [0xef] = 1
};


static int
sf_match_hazard(const unsigned char *p, size_t n)
{
    switch (p[0]) {

    case 0xc2:
        return n >= 2 && p[1] == 0xad;

    case 0xc4:
        return n >= 2 && p[1] == 0xb0;

    case 0xe2:
        return n >= 3 && ((p[1] == 0x80 && p[2] >= 0x8b && p[2] <= 0x8f)
                          || (p[1] == 0x81 && p[2] == 0xa0)
                          || p[1] == 0x82);

    case 0xef:
        return n >= 3 && p[1] == 0xbb && p[2] == 0xbf;
    }

    /* '<' */
    return 1;
}


/* Whether no byte of the text may start a hazard: sf_reject_scan() then
 * accepts it, whatever it counts. */
static int
sf_reject_calm(const unsigned char *text, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (sf_hazard[text[i]]) {
            return 0;
        }
    }

    return 1;
}


/*
 * Whether the rules m in scope leave none for a text too short for any
 * anchor, without a byte that may start a hazard: whatever its lead bytes
 * and length, the tables of sf_reject_block() leave no rule then (a short
 * block in dense markup ends here, its text read once for the hazards).
 */
static inline int
sf_reject_short(const sf_rules_t *rules, uint64_t m, size_t nlc,
    unsigned first, const unsigned char *text, size_t len)
{
    return len < rules->anchor_all.minlen
           && (m & rules->rej_short[nlc][first]) == 0
           && sf_reject_calm(text, len);
}


/* Whether text[i..] holds the anchor, ASCII case aside. */
static int
sf_match_anchor_at(const unsigned char *text, size_t len, size_t i,
    const sf_anchor_t *a)
{
    return len - i >= a->len && sf_anchor_eq(text + i, a->data, a->len);
}


#define SF_ONES   0x0101010101010101ull
#define SF_HIGH   0x8080808080808080ull


static size_t
sf_popcount(uint64_t x)
{
    /* high bits only: one per byte, summed by a multiplication */
    return (size_t) (((x >> 7) * SF_ONES) >> 56);
}


static int
sf_match_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}


/*
 * A decimal character reference of 1 to 7 digits to a code point from
 * U+00A0 to U+D7FF at p ("&#" checked): the code point, *used its length,
 * as sf_entity() tells them (no clamping, no replacement, no windows-1252
 * mapping applies to these), without its general decoding; 0 for any
 * other, which goes to sf_entity().  Most references in news text are
 * these ("&#8217;").
 */
static inline uint32_t
sf_match_decimal(const unsigned char *p, size_t n, size_t *used)
{
    size_t    j;
    uint32_t  cp;

    cp = 0;

    for (j = 2; j < n && j < 9 && p[j] >= '0' && p[j] <= '9'; j++) {
        cp = cp * 10 + (uint32_t) (p[j] - '0');
    }

    if (j == 2 || j >= n || p[j] != ';' || cp < 0xa0 || cp > 0xd7ff) {
        return 0;
    }

    *used = j + 1;

    return cp;
}


/* Whether a character only separates letters, as white space does. */
static int
sf_match_separator_cp(uint32_t cp)
{
    switch (cp) {
    case '"': case '\'': case '>': case 0xa0: case 0xa9: case 0xab:
    case 0xae: case 0xbb: case 0x2013: case 0x2014: case 0x2018:
    case 0x2019: case 0x201c: case 0x201d: case 0x2022: case 0x2026:
        return 1;
    }

    return 0;
}


/*
 * An entity that decodes to a character which, like white space, only
 * separates letters: the raw text around it tells as much as the decoded
 * one.  Not '<' (markup), nor a '&' that a second round decodes further.
 * *lead gets the first byte it decodes to.
 */
static int
sf_match_separator(const unsigned char *p, size_t n, size_t *used,
    unsigned char *lead)
{
    size_t          k;
    uint32_t        cp;
    unsigned char   tmp[4];

    if (n > 3 && p[1] == '#') {
        cp = sf_match_decimal(p, n, used);

        if (cp != 0) {
            /* 2 or 3 bytes in UTF-8 */
            *lead = (unsigned char) (cp < 0x800 ? 0xc0 | (cp >> 6)
                                                : 0xe0 | (cp >> 12));
            return sf_match_separator_cp(cp);
        }
    }

    k = sf_entity(p, p + n, tmp, used);

    if (k == 0) {
        /* a plain '&' */
        *used = 1;
        *lead = '&';
        return 1;
    }

    *lead = tmp[0];

    /* what it decodes to, as a code point (4 bytes: no separator) */
    cp = sf_utf8_get(tmp, tmp + k, &k);

    if (cp == '&') {
        /*
         * "&amp;": a second round decodes the '&' with what follows, a
         * name of up to 8 letters or digits and ';', or '#'.  Neither
         * there, the '&' stays plain.  (A separator before the ';' stops
         * the name in the raw text as in the decoded one.)
         */
        p += *used;
        n -= *used;

        if (n > 0 && p[0] == '#') {
            return 0;
        }

        for (k = 0; k < n && k < 8 && sf_match_alnum(p[k]); k++) {
            /* void */
        }

        return !(k > 0 && k < n && p[k] == ';');
    }

    return sf_match_separator_cp(cp);
}


/* The anchors of set whose key w, of hash h, is at text[i]: those there
 * set in bits.  Returns whether there is one (bits NULL: at the first). */
static int
sf_match_anchor_key(const sf_anchor_set_t *set, const unsigned char *text,
    size_t len, size_t i, uint32_t w, uint32_t h, unsigned char *bits)
{
    int                     hit;
    size_t                  e, last;
    const sf_anchor_key_t  *ak;

    hit = 0;
    h >>= SF_ANCHOR_BITS - 8;
    last = set->first[h + 1];

    for (e = set->first[h]; e < last; e++) {
        ak = &set->keys[e];

        if (ak->key == w && i >= ak->off
            && sf_match_anchor_at(text, len, i - ak->off, ak->anchor))
        {
            if (bits == NULL) {
                return 1;
            }

            sf_bit_set(bits, ak->anchor->phrase);
            hit = 1;
        }
    }

    return hit;
}


#if (SF_REJECT_SSE2)
/* From sf_reject_head + 16 - n, 16 bytes whose first n are 0xff. */
static const unsigned char  sf_reject_head[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

/* From sf_reject_tail + n, 16 bytes whose last n are 0xff. */
static const unsigned char  sf_reject_tail[32] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};
#endif


#if (SF_REJECT_SSE2)

/* Printable ASCII counted a byte per lane, summed every 255 rounds. */
typedef struct {
    __m128i               acc;
    __m128i               sum;
    unsigned              rounds;
} sf_count_t;


/* The lanes' counts into the sum, before one can wrap. */
static inline void
sf_count_flush(sf_count_t *ct)
{
    ct->sum = _mm_add_epi64(ct->sum,
                            _mm_sad_epu8(ct->acc, _mm_setzero_si128()));
    ct->acc = _mm_setzero_si128();
    ct->rounds = 0;
}


static inline void
sf_count_add(sf_count_t *ct, __m128i lanes)
{
    ct->acc = _mm_sub_epi8(ct->acc, lanes);

    if (++ct->rounds == 255) {
        sf_count_flush(ct);
    }
}


/*
 * 16 bytes at p, some of them >= 0x80 or 0x7f but none '&' or '<', with
 * two more bytes readable after them: when none starts a hazard
 * (sf_match_hazard), counts their printable ASCII bytes into acc, adds
 * their lead bytes to *seen and returns 1; else 0 (byte by byte then).
 */
static int
sf_reject_utf8(const unsigned char *p, sf_count_t *ct, uint64_t *seen)
{
    int      m;
    __m128i  v, v1, v2, h, e2, x;

    v = _mm_loadu_si128((const __m128i *) p);
    v1 = _mm_loadu_si128((const __m128i *) (p + 1));
    v2 = _mm_loadu_si128((const __m128i *) (p + 2));

#define sf_eq(a, c)  _mm_cmpeq_epi8(a, _mm_set1_epi8((char) (c)))

    /* U+00AD, U+0130, U+FEFF */
    h = _mm_or_si128(_mm_and_si128(sf_eq(v, 0xc2), sf_eq(v1, 0xad)),
                     _mm_and_si128(sf_eq(v, 0xc4), sf_eq(v1, 0xb0)));
    h = _mm_or_si128(h, _mm_and_si128(_mm_and_si128(sf_eq(v, 0xef),
                                                    sf_eq(v1, 0xbb)),
                                      sf_eq(v2, 0xbf)));

    /* U+200B-U+200F, U+2060, U+20xx */
    e2 = sf_eq(v, 0xe2);

    if (_mm_movemask_epi8(e2) != 0) {
        x = _mm_max_epu8(_mm_min_epu8(v2, _mm_set1_epi8((char) 0x8f)),
                         _mm_set1_epi8((char) 0x8b));
        x = _mm_or_si128(_mm_and_si128(sf_eq(v1, 0x80), _mm_cmpeq_epi8(x, v2)),
                         _mm_or_si128(_mm_and_si128(sf_eq(v1, 0x81),
                                                    sf_eq(v2, 0xa0)),
                                      sf_eq(v1, 0x82)));
        h = _mm_or_si128(h, _mm_and_si128(e2, x));
    }

    if (_mm_movemask_epi8(h) != 0) {
        return 0;
    }

    /* printable ASCII: above ' ' as signed bytes, and not 0x7f */
    sf_count_add(ct, _mm_andnot_si128(sf_eq(v, 0x7f),
                                      _mm_cmpgt_epi8(v, _mm_set1_epi8(' '))));

    /* lead bytes: 0xc0 and above, -64 to -1 as signed bytes */
    m = _mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8((char) 0xbf)));
    m &= _mm_movemask_epi8(v);

#undef sf_eq

    while (m != 0) {
        *seen |= (uint64_t) 1 << (p[sf_ctz64((uint64_t) m)] & 63);
        m &= m - 1;
    }

    return 1;
}

#endif


#if (SF_REJECT_SSE2)

/*
 * From i on (a text of 16 bytes or more), what SSE2 takes: plain ASCII,
 * UTF-8 without hazards (sf_reject_utf8), plain ASCII before an '&' or
 * '<', the masked last bytes.  Returns where the byte loop starts, *stop
 * where it ends (the same: nothing for it).
 */
static size_t
sf_reject_simd(const unsigned char *text, size_t len, size_t i,
    sf_count_t *ct, uint64_t *seen, size_t *stop)
{
    int      mark;
    size_t   k, lim, from;
    __m128i  v, w, amp, lt, del, sp, one, vbad, tail;

    amp = _mm_set1_epi8('&');
    lt = _mm_set1_epi8('<');
    del = _mm_set1_epi8(0x7f);
    sp = _mm_set1_epi8(' ');
    one = _mm_set1_epi8(1);

    /*
     * The common case: runs of plain ASCII, in a loop of their own, as
     * many chunks as the counters take before they are summed (the
     * rounds of sf_count_add() counted once after the loop).  A byte of
     * 0x7f or more has the high bit after a saturating + 1.
     */
    for ( ;; ) {
        lim = i + 16 * (size_t) (255 - ct->rounds);
        lim = lim < len ? lim : len;
        from = i;

        /* two chunks a round; from a pair not both plain, one by one */
        while (i + 32 <= lim) {
            v = _mm_loadu_si128((const __m128i *) (text + i));
            w = _mm_loadu_si128((const __m128i *) (text + i + 16));

            if (_mm_movemask_epi8(_mm_or_si128(
                    _mm_or_si128(_mm_adds_epu8(v, one), _mm_adds_epu8(w, one)),
                    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                              _mm_cmpeq_epi8(v, lt)),
                                 _mm_or_si128(_mm_cmpeq_epi8(w, amp),
                                              _mm_cmpeq_epi8(w, lt)))))
                != 0)
            {
                break;
            }

            ct->acc = _mm_sub_epi8(ct->acc, _mm_cmpgt_epi8(v, sp));
            ct->acc = _mm_sub_epi8(ct->acc, _mm_cmpgt_epi8(w, sp));
            i += 32;
        }

        while (i + 16 <= lim) {
            v = _mm_loadu_si128((const __m128i *) (text + i));

            if (_mm_movemask_epi8(_mm_or_si128(
                    _mm_adds_epu8(v, one),
                    _mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                 _mm_cmpeq_epi8(v, lt)))) != 0)
            {
                break;
            }

            /* all below 0x80: a signed compare counts those above ' ' */
            ct->acc = _mm_sub_epi8(ct->acc, _mm_cmpgt_epi8(v, sp));
            i += 16;
        }

        ct->rounds += (unsigned) ((i - from) / 16);

        if (ct->rounds == 255) {
            sf_count_flush(ct);
        }

        /* a chunk that is not plain, or the text's end */
        if (i + 16 <= lim || i + 16 > len) {
            break;
        }
    }

    if (i + 16 > len) {
        /* the last bytes: the 16 that end the text, the others masked */
        *stop = len;

        if (i == len) {
            return len;
        }

        v = _mm_loadu_si128((const __m128i *) (text + len - 16));
        tail = _mm_loadu_si128((const __m128i *) (sf_reject_tail
                                                  + (len - i)));
        vbad = _mm_or_si128(_mm_or_si128(v, _mm_cmpeq_epi8(v, del)),
                            _mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                         _mm_cmpeq_epi8(v, lt)));

        if (_mm_movemask_epi8(_mm_and_si128(tail, vbad)) == 0) {
            sf_count_add(ct, _mm_and_si128(tail, _mm_cmpgt_epi8(v, sp)));
            return len;
        }

        return i;
    }

    /* a chunk that is not plain ASCII */
    v = _mm_loadu_si128((const __m128i *) (text + i));
    mark = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                          _mm_cmpeq_epi8(v, lt)));

    if (mark == 0 && i + 18 <= len && sf_reject_utf8(text + i, ct, seen)) {
        *stop = i + 16;
        return i + 16;
    }

    *stop = i + 16;
    k = mark != 0 ? sf_ctz64((uint64_t) mark) : 16;

    /*
     * Plain ASCII up to an '&' or '<': those bytes counted at once, the
     * entity or markup byte by byte from there.
     */
    if (k < 16 && (_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, del)))
                   & ((1 << k) - 1)) == 0)
    {
        sf_count_add(ct, _mm_and_si128(_mm_cmpgt_epi8(v, sp),
                         _mm_loadu_si128((const __m128i *)
                                         (sf_reject_head + 16 - k))));
        i += k;
        *stop = i + 1;
    }

    return i;
}

#endif


/*
 * Bytes i to stop one by one: *lo and *seen as sf_reject_scan has them.
 * Returns where it ends (stop, or past an entity), or (size_t) -1 for a
 * hazard.
 */
static size_t
sf_reject_bytes(const unsigned char *text, size_t len, size_t i, size_t stop,
    size_t *lo, uint64_t *seen)
{
    size_t         used;
    unsigned char  c;

    for ( /* void */ ; i < stop; i++) {
        c = text[i];

        if (sf_hazard[c]) {
            if (c == '&') {
                if (!sf_match_separator(text + i, len - i, &used, &c)) {
                    return (size_t) -1;
                }

                /* the lead byte of what it decodes to, if not ASCII */
                if (c >= 0xc0) {
                    *seen |= (uint64_t) 1 << (c & 63);
                }

                /* '&', '"', '\'' and '>' stay one byte */
                *lo += c < 0x80;
                i += used - 1;
                continue;
            }

            if (sf_match_hazard(text + i, len - i)) {
                return (size_t) -1;
            }
        }

        if (c >= 0xc0) {
            *seen |= (uint64_t) 1 << (c & 63);
        }

        *lo += (unsigned char) (c - 0x21) < 0x5e;
    }

    return i;
}


/*
 * Whether an 8-byte word is plain ASCII: no '&', '<' nor byte of 0x7f or
 * more.  Of an ASCII word, x - 0x01 sets a byte's high bit only where x
 * has a zero byte (or one below it has): where q has '&' or '<'; q + 0x01
 * where q has 0x7f.  A zero byte is none of them.
 */
static inline int
sf_reject_word_plain(uint64_t q)
{
    return ((q | (q + SF_ONES) | ((q ^ (SF_ONES * '&')) - SF_ONES)
             | ((q ^ (SF_ONES * '<')) - SF_ONES)) & SF_HIGH) == 0;
}


/* The bytes of a plain word the normalized text keeps: above ' '. */
static inline size_t
sf_reject_word_count(uint64_t q)
{
    return sf_popcount((q + SF_ONES * 0x5f) & SF_HIGH);
}


/*
 * The last bytes of a text, from i on (fewer than 8 of them, 4 or more
 * in all), as one word *q without the bytes before i (0, neither counted
 * nor a hazard): 1 when they are plain ASCII (no '&', '<' nor 0x7f or
 * more), 0 when the byte loop must read them.  A short block's text ends
 * so in a load or two instead of a byte at a time.
 */
static inline int
sf_reject_word_tail(const unsigned char *text, size_t len, size_t i,
    uint64_t *q)
{
#if (SF_REJECT_LE)
    uint32_t  a, b;
    uint64_t  w;

    if (len >= 8) {
        /* the 8 bytes that end the text, those before i shifted out */
        memcpy(&w, text + len - 8, 8);
        w >>= 8 * (i + 8 - len);

    } else if (i == 0 && len >= 4) {
        /* the first 4 and the last 4, the overlap shifted out */
        memcpy(&a, text, 4);
        memcpy(&b, text + len - 4, 4);
        w = a | ((uint64_t) b >> (8 * (8 - len))) << 32;

    } else {
        return 0;
    }

    /* the bytes shifted in are zero: no hazard, not counted */
    if (!sf_reject_word_plain(w)) {
        return 0;
    }

    *q = w;
    return 1;
#else
    (void) text; (void) len; (void) i; (void) q;
    return 0;
#endif
}


/*
 * Adds to *lower the bytes the normalized text keeps at least, and to
 * *seen the lead bytes (0xc0 + bit) of its non-ASCII characters, from
 * text[i] on (where no entity nor character of the bytes before ends).
 * Returns 0 when the text is not one this can tell about.
 *
 * Every printable ASCII byte outside an entity stays one byte of the
 * normalized text.  What sf_reject_avx2_plain (with avx2: plain ASCII,
 * 32 bytes a step), sf_reject_simd (SSE2) or an 8-byte word at a time
 * can take goes so, the rest byte by byte.
 */
static int
sf_reject_scan(const unsigned char *text, size_t len, size_t i, int avx2,
    size_t *lower, uint64_t *seenp)
{
    size_t          lo, stop;
    uint64_t        seen, q;
#if (SF_REJECT_SSE2)
    sf_count_t      ct;

    ct.acc = _mm_setzero_si128();
    ct.sum = _mm_setzero_si128();
    ct.rounds = 0;
#endif

    lo = *lower;
    seen = *seenp;

    while (i < len) {
        stop = len;

        if (avx2 && len - i >= 32) {
            /* plain ASCII 32 bytes a step, a reference ("&#8217;") read
             * where it stops, SSE2 from anything else */
            i = sf_reject_avx2_plain(text, len, i, &lo, &seen);

            if (len - i >= 32 && text[i] == '&') {
                i = sf_reject_bytes(text, len, i, i + 1, &lo, &seen);

                if (i == (size_t) -1) {
                    return 0;
                }

                continue;
            }

            if (i == len) {
                break;
            }
        }

#if (SF_REJECT_SSE2)
        if (len >= 16) {
            i = sf_reject_simd(text, len, i, &ct, &seen, &stop);

            if (i == stop) {
                continue;
            }

        } else
#endif
        if (i + 8 <= len) {
            memcpy(&q, text + i, 8);

            if (sf_reject_word_plain(q)) {
                lo += sf_reject_word_count(q);
                i += 8;
                continue;
            }

            stop = i + 8;

        } else if (sf_reject_word_tail(text, len, i, &q)) {
            lo += sf_reject_word_count(q);
            i = len;
            continue;
        }

        i = sf_reject_bytes(text, len, i, stop, &lo, &seen);

        if (i == (size_t) -1) {
            return 0;
        }
    }

#if (SF_REJECT_SSE2)
    /* a text under 16 bytes went without SSE2 */
    if (len >= 16) {
        sf_count_flush(&ct);
        lo += (size_t) _mm_cvtsi128_si32(ct.sum)
              + (size_t) _mm_cvtsi128_si32(_mm_unpackhi_epi64(ct.sum,
                                                               ct.sum));
    }
#endif

    *lower = lo;
    *seenp = seen;

    return 1;
}


/*
 * Sets in bits[] the phrases that may occur in the normalized text of a
 * text sf_reject_scan() accepted, as far as no anchor is there: those
 * without an anchor but for a non-ASCII lead byte not seen.
 */
void
sf_reject_bits(const sf_rules_t *rules, uint64_t seen, unsigned char *bits)
{
    size_t  k, i;

    memcpy(bits, rules->anchor_free, sf_bits_size(rules->nphrases));

    for (k = 0; k < rules->nlead_phrases; k++) {
        i = rules->lead_phrases[k];

        if ((rules->anchor_leads[i] & seen) == 0) {
            bits[i >> 3] &= (unsigned char) ~(1u << (i & 7));
        }
    }
}


#if (SF_REJECT_LE)

/*
 * From position i on, every stride-th one, two a round from one 8-byte
 * load: the first round (i + 8 <= len) where either key is in the map, or
 * the first past the last such round.  Kept apart from the rest, and with
 * the stride a constant, it runs in registers.
 */
static inline size_t
sf_reject_next(const unsigned char *map, const unsigned char *text,
    size_t len, size_t i, unsigned stride)
{
    uint64_t  q, q2;
    uint32_t  h, h2, h3, h4;

    /* four a round from two loads while they fit, the loop's own steps
     * then taken once for four positions */
    for ( /* void */ ; i + 2 * stride + 8 <= len; i += 4 * stride) {
        memcpy(&q, text + i, 8);
        memcpy(&q2, text + i + 2 * stride, 8);
        q |= 0x2020202020202020ull;
        q2 |= 0x2020202020202020ull;
        h = sf_anchor_hash((uint32_t) q);
        h2 = sf_anchor_hash((uint32_t) (q >> (8 * stride)));
        h3 = sf_anchor_hash((uint32_t) q2);
        h4 = sf_anchor_hash((uint32_t) (q2 >> (8 * stride)));

        if ((map[h] | map[h2] | map[h3] | map[h4]) != 0) {
            return (map[h] | map[h2]) != 0 ? i : i + 2 * stride;
        }
    }

    for ( /* void */ ; i + 8 <= len; i += 2 * stride) {
        memcpy(&q, text + i, 8);
        q |= 0x2020202020202020ull;
        h = sf_anchor_hash((uint32_t) q);
        h2 = sf_anchor_hash((uint32_t) (q >> (8 * stride)));

        if ((map[h] | map[h2]) != 0) {
            break;
        }
    }

    return i;
}

#endif


/* Whether an anchor of set has its key at text[i]. */
static int
sf_reject_found(const sf_anchor_set_t *set, const unsigned char *text,
    size_t len, size_t i)
{
    uint32_t  w, h;

    w = sf_anchor_key(text + i);
    h = sf_anchor_hash(w);

    return set->map[h] && sf_match_anchor_key(set, text, len, i, w, h, NULL);
}


/* The anchors whose key is at text[i]: bits set up on the first there. */
static inline void
sf_reject_key(const sf_rules_t *rules, const unsigned char *text, size_t len,
    size_t i, uint64_t seen, unsigned char *bits, int *hit)
{
    uint32_t  w, h;

    w = sf_anchor_key(text + i);
    h = sf_anchor_hash(w);

    if (!rules->anchor_all.map[h]) {
        return;
    }

    if (!*hit) {
        /* a key in the map: the bits from here on */
        sf_reject_bits(rules, seen, bits);
        *hit = 1;
    }

    sf_match_anchor_key(&rules->anchor_all, text, len, i, w, h, bits);
}


/*
 * With AVX2, the rounds of 2 x lane positions of set from the text's
 * start while a whole round fits; of a round with a key in the map, the
 * positions whose key is.  With bits NULL (the long anchors) it stops at
 * the first anchor there and returns 1; else each such key sets up bits[]
 * (sf_reject_key(), *hit).  *pos: where the stride's scalar rounds go on.
 */
static inline int
sf_reject_rounds(const sf_rules_t *rules, const sf_anchor_set_t *set,
    const unsigned char *text, size_t len, uint64_t seen, unsigned char *bits,
    int *hit, size_t *pos)
{
    size_t    i, at, stride;
    unsigned  lanes;

    stride = set->stride;
    i = 0;

    while (rules->avx2 && i + set->lane * stride + 16 <= len) {
        i = sf_reject_avx2_next(set, text, len, i, &lanes);

        if (i + set->lane * stride + 16 > len) {
            break;
        }

        for ( /* void */ ; lanes != 0; lanes &= lanes - 1) {
            at = i + sf_ctz64(lanes) * stride;

            if (bits != NULL) {
                sf_reject_key(rules, text, len, at, seen, bits, hit);

            } else if (sf_reject_found(set, text, len, at)) {
                *pos = i;
                return 1;
            }
        }

        i += 2 * set->lane * stride;
    }

    *pos = i;

    return 0;
}


/*
 * Whether a long anchor (SF_ANCHOR_LONG bytes or more) is in the text, at
 * their own stride (5 or more): with AVX2 a round of keys at a time, then
 * four or two positions a round.
 */
static int
sf_reject_probe_long(const sf_rules_t *rules, const unsigned char *text,
    size_t len)
{
    size_t                  i, stride;
    uint32_t                h, h2, h3, h4;
    const unsigned char    *map;
    const sf_anchor_set_t  *set;

    set = &rules->anchor_long;
    map = set->map;
    stride = set->stride;
    if (sf_reject_rounds(rules, set, text, len, 0, NULL, NULL, &i)) {
        return 1;
    }

    /* four a round while they fit, then two */
    for ( /* void */ ; i + 3 * stride + 4 <= len; i += 4 * stride) {
        h = sf_anchor_hash(sf_anchor_key(text + i));
        h2 = sf_anchor_hash(sf_anchor_key(text + i + stride));
        h3 = sf_anchor_hash(sf_anchor_key(text + i + 2 * stride));
        h4 = sf_anchor_hash(sf_anchor_key(text + i + 3 * stride));

        if ((map[h] | map[h2] | map[h3] | map[h4]) != 0
            && (sf_reject_found(set, text, len, i)
                || sf_reject_found(set, text, len, i + stride)
                || sf_reject_found(set, text, len, i + 2 * stride)
                || sf_reject_found(set, text, len, i + 3 * stride)))
        {
            return 1;
        }
    }

    for ( /* void */ ; i + stride + 4 <= len; i += 2 * stride) {
        h = sf_anchor_hash(sf_anchor_key(text + i));
        h2 = sf_anchor_hash(sf_anchor_key(text + i + stride));

        if ((map[h] | map[h2]) != 0
            && (sf_reject_found(set, text, len, i)
                || sf_reject_found(set, text, len, i + stride)))
        {
            return 1;
        }
    }

    for ( /* void */ ; i + 4 <= len; i += stride) {
        if (sf_reject_found(set, text, len, i)) {
            return 1;
        }
    }

    return 0;
}


/*
 * Probes the anchors in a text sf_reject_scan() accepted.  Returns 0 when
 * no key of any is there (bits[] left alone), 1 when bits[] holds the
 * phrases that may occur in the normalized text: those without an anchor
 * (but for a non-ASCII lead byte not seen) and those whose anchor is there.
 */
static int
sf_reject_probe(const sf_rules_t *rules, const unsigned char *text,
    size_t len, uint64_t seen, unsigned char *bits)
{
    int                     hit;
    size_t                  i, stride;
    const sf_anchor_set_t  *set;

    if (len < 4 || rules->nanchors == 0) {
        return 0;
    }

    set = &rules->anchor_all;
    stride = set->stride;
    hit = 0;

    /*
     * Every stride-th position: an anchor starting up to stride - 1
     * bytes before shows there as one of its keys.
     */
    (void) sf_reject_rounds(rules, set, text, len, seen, bits, &hit, &i);

#if (SF_REJECT_LE)
    if (stride == 3 || stride == 4) {
        for ( ;; ) {
            i = stride == 3
                ? sf_reject_next(rules->anchor_all.map, text, len, i, 3)
                : sf_reject_next(rules->anchor_all.map, text, len, i, 4);

            if (i + 8 > len) {
                break;
            }

            sf_reject_key(rules, text, len, i, seen, bits, &hit);
            sf_reject_key(rules, text, len, i + stride, seen, bits, &hit);
            i += 2 * stride;
        }
    }
#endif

    /* the last positions: the map read here, the keys only on a mark */
    for ( /* void */ ; i + 4 <= len; i += stride) {
        if (rules->anchor_all.map[sf_anchor_hash(sf_anchor_key(text + i))]) {
            sf_reject_key(rules, text, len, i, seen, bits, &hit);
        }
    }

    return hit;
}


/* Texts shorter than this (4 bytes at least) may take sf_reject_small():
 * a few words, a few probe positions, less than the general way's set-up
 * (its SSE2 scan, the long anchors, the memo) costs. */
#define SF_REJECT_SMALL  32


/*
 * A text of 4 to SF_REJECT_SMALL - 1 bytes, m the rules in scope that the
 * tables of a text without anchors leave (rej_all & rej_plain): 1 when it
 * is kept for sure, 0 when the general way must tell.  Kept when the text
 * is plain ASCII (sf_reject_scan() then accepts it, no lead byte seen),
 * no rule of m takes a text as long, and no probe position of
 * sf_reject_probe() has a key in the map (no hit, no wide anchor without
 * lead bytes): where sf_reject_block() would end with the same tables.  A
 * short block in dense markup ends here in a few loads.
 */
static int
sf_reject_small(const sf_rules_t *rules, uint64_t m, const unsigned char *text,
    size_t len)
{
    size_t                i, lo, k, stride;
    uint64_t              q;
    const unsigned char  *map;

    lo = 0;

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&q, text + i, 8);

        if (!sf_reject_word_plain(q)) {
            return 0;
        }

        lo += sf_reject_word_count(q);
    }

    if (i < len) {
        if (!sf_reject_word_tail(text, len, i, &q)) {
            return 0;
        }

        lo += sf_reject_word_count(q);
    }

    if (m != 0) {
        /* none that takes a text as long (in the table) */
        k = rules->rej_lo_k[lo];

        if (k == 0 || (m & ~rules->rej_lo_mask[k - 1]) != 0) {
            return 0;
        }
    }

    if (rules->nanchors == 0) {
        return 1;
    }

    map = rules->anchor_all.map;
    stride = rules->anchor_all.stride;

    for (i = 0; i + 4 <= len; i += stride) {
        if (map[sf_anchor_hash(sf_anchor_key(text + i))]) {
            return 0;
        }
    }

    return 1;
}


/*
 * "title" on a text whose normalized form keeps lo to b->text_len bytes
 * (no pass makes it longer): it can equal the page title, or the title
 * without its " - SITE", only if one of them is as long.  The title is
 * normalized once a page (sf_match_page_title), and this decision's full
 * way reads it from there.
 */
static int
sf_reject_title(sf_match_t *match, const sf_block_t *b, size_t lo)
{
    size_t  n;

    match->titled = 0;
    n = sf_match_page_title(match, b);

    if (n == 0) {
        return SF_PRE_FALSE;
    }

    return (n >= lo && n <= b->text_len)
           || (match->tshort >= lo && match->tshort <= b->text_len
               && match->tshort != 0)
           ? SF_PRE_MAYBE : SF_PRE_FALSE;
}


/* A condition on what the raw text tells: nl links, bits maybe found. */
static int
sf_reject_cond(sf_match_t *match, const sf_block_t *b,
    const sf_cond_t *c, size_t nl, size_t lo, uint64_t maybe)
{
    int                      rc;
    long                     n1;
    size_t                   i, n;
    sf_mlink_t               l;
    const sf_link_t         *bl;
    const sf_rule_phrase_t  *ph;

    /* phrases by one word of bits, when the condition has one */
    rc = sf_reject_mask(c, maybe, lo);

    if (rc != -1) {
        return rc;
    }

    ph = c->phrases;
    bl = NULL;

    /* no escaped markup: link N is the block's, as sf_match_link has it */
    n1 = c->n;

    if (n1 > 0 && (size_t) n1 <= nl) {
        bl = &b->links[n1 - 1];

    } else if (n1 < 0 && (size_t) -n1 <= nl) {
        bl = &b->links[nl - (size_t) -n1];
    }

    switch (c->type) {

    case SF_COND_POSITION:
        return (b->flags & SF_BLOCK_FIRST_IN_ENTRY) ? SF_PRE_TRUE
                                                    : SF_PRE_FALSE;

    case SF_COND_ESCAPED:
        /* escaped markup needs a '<' or an entity, both hazards */
        return SF_PRE_FALSE;

    case SF_COND_LINKS:
        n = (size_t) c->n;
        return (c->op == SF_OP_EQ ? nl == n
                : c->op == SF_OP_GE ? nl >= n
                : nl <= n) ? SF_PRE_TRUE : SF_PRE_FALSE;

    case SF_COND_MAX_LENGTH:
        /* no pass makes the text longer */
        return b->text_len <= (size_t) c->n ? SF_PRE_TRUE
               : lo > (size_t) c->n ? SF_PRE_FALSE : SF_PRE_MAYBE;

    case SF_COND_LINK_HREF:
        if (bl == NULL) {
            return SF_PRE_FALSE;
        }

        l.href = bl->href;
        l.href_len = bl->href_len;

        return sf_match_href(match, &l, ph) ? SF_PRE_TRUE : SF_PRE_FALSE;

    case SF_COND_LINK_REL:
        return bl != NULL && sf_match_word(bl->rel, bl->rel_len, ph->data,
                                           ph->len)
               ? SF_PRE_TRUE : SF_PRE_FALSE;

    case SF_COND_LINK_CLASS:
        return bl != NULL && bl->cls != NULL
               && sf_class_has(bl->cls, bl->cls_len, ph->data, ph->len)
               ? SF_PRE_TRUE : SF_PRE_FALSE;

    case SF_COND_EQUALS:
        if (lo > ph->len) {
            return SF_PRE_FALSE;
        }

        /* fall through */

    case SF_COND_CONTAINS:
    case SF_COND_STARTS:
    case SF_COND_ENDS:
    case SF_COND_LINK_TEXT:
        if (c->type == SF_COND_LINK_TEXT && bl == NULL) {
            return SF_PRE_FALSE;
        }

        for (i = 0; i < c->nphrases; i++) {
            if (!sf_bit_test(match->bits, ph[i].id)) {
                return SF_PRE_FALSE;
            }
        }

        return SF_PRE_MAYBE;

    case SF_COND_ANY:
        n = 0;

        for (i = 0; i < c->nphrases; i++) {
            if (sf_bit_test(match->bits, ph[i].id)) {
                n++;
            }
        }

        return n >= (size_t) c->n ? SF_PRE_MAYBE : SF_PRE_FALSE;

    case SF_COND_TEMPLATE:
        for (i = 0; i < c->ntmpls; i++) {
            if (!c->tmpls[i].has_lit
                || sf_bit_test(match->bits, c->tmpls[i].lit_id))
            {
                return SF_PRE_MAYBE;
            }
        }

        return SF_PRE_FALSE;

    case SF_COND_TITLE:
        return sf_reject_title(match, b, lo);

    case SF_COND_REGEX:
        /* may hit a limit, which the decision reports */
        return SF_PRE_UNKNOWN;

    default:
        return SF_PRE_MAYBE;
    }
}


/*
 * The wide anchors (sf_rules.h) in a text sf_reject_scan() accepted: the
 * bits of their phrases set.  Returns whether there is one.  Every
 * 2 x wide_stride bytes, the 2-byte letter there (or whose continuation
 * byte is there) and the next give a key: a run of wide_stride + 1
 * letters or more shows one of its first keys at one of these places.
 */
static int
sf_reject_wide(const sf_rules_t *rules, const unsigned char *text,
    size_t len, unsigned char *bits)
{
    int                   hit;
    size_t                q, p, j, k, l, key, start;
    const sf_wide_t      *w;
    const unsigned char  *map;

    map = rules->wide_map;
    hit = 0;

    for (q = 0; q + 4 <= len; q += 2 * rules->wide_stride) {
        p = q - (q > 0 && (text[q] & 0xc0) == 0x80);

        if ((unsigned) (text[p] - 0xc2) > 0xdf - 0xc2) {
            continue;
        }

        key = sf_wide_key(text[p + 1], text[p + 3]);

        if ((map[key >> 3] & (1u << (key & 7))) == 0) {
            continue;
        }

        /* the anchors that may start j letters before */
        for (k = 0; k < rules->nwide; k++) {
            w = &rules->wide[k];

            for (j = 0; j < rules->wide_stride && 2 * j <= p; j++) {
                start = p - 2 * j;

                if (start + 2 * (size_t) w->n > len) {
                    continue;
                }

                for (l = 0; l < w->n; l++) {
                    if ((unsigned) (text[start + 2 * l] - 0xc2) > 0xdf - 0xc2
                        || (text[start + 2 * l + 1] & 0xc0) != 0x80
                        || (text[start + 2 * l + 1] & 0xdf) != w->keys[l])
                    {
                        break;
                    }
                }

                if (l == w->n) {
                    sf_bit_set(bits, w->phrase);
                    hit = 1;
                }
            }
        }
    }

    return hit;
}


/* ---- the decision --------------------------------------------------- */

/*
 * The rules of mask (all of them when the reject has no tables) in order,
 * each rejected on the raw text or not: 1 when all are, 0 as soon as one
 * is not, as in sf_rules_decide a rule this cannot reject stops it before
 * any later one could matter.  Then, with the tables, *may keeps only
 * that rule and the later candidates: the rules rejected before it and
 * those whose key phrase the text lacks cannot fire, and the full way
 * need not try them again.
 */
static int
sf_reject_rules(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, uint64_t mask, size_t nl, size_t lo,
    uint64_t *may)
{
    int               rc = SF_PRE_UNKNOWN;  /* read only when c is set */
    size_t            k, n;
    uint64_t          maybe, cand, m, left;
    sf_tag_e          tag;
    sf_rule_t        *r, **list;
    const sf_cond_t  *c;

    memcpy(&maybe, match->bits, sizeof(maybe));

    tag = (b->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : b->tag;

    if (rules->cand_ok) {
        /*
         * The rules that have their key phrase or none, in order: the
         * others fail the test of their required phrases below.
         */
        cand = rules->cand_always;

        for (m = maybe; m != 0; m &= m - 1) {
            cand |= rules->cand_phrase[sf_ctz64(m)];
        }

        if ((unsigned) tag < SF_TAG_NTAGS) {
            cand &= rules->cand_tag[tag];
        }

        cand &= mask;
        list = NULL;
        n = 0;

    } else {
        cand = 0;

        if ((unsigned) tag < SF_TAG_NTAGS) {
            n = rules->nscoped[tag];
            list = rules->scoped[tag];

        } else {
            n = rules->nrules;
            list = rules->rules;
        }
    }

    k = 0;

    for ( ;; ) {
        /* this rule and those after it */
        left = cand;
        r = sf_match_next_rule(rules, &cand, list, n, &k);

        if (r == NULL) {
            break;
        }

        if (!sf_match_in_scope(r, tag, b)) {
            continue;
        }

        if (r->text_conds) {
            if (r->max_length != 0 && lo > r->max_length) {
                continue;
            }

            if (r->req_short) {
                if ((maybe & r->req_mask) != r->req_mask) {
                    continue;
                }

            } else {
                if (!sf_rule_has_required(r, match->bits)) {
                    continue;
                }
            }
        }

        for (c = r->conds; c != NULL; c = c->next) {
            rc = sf_reject_cond(match, b, c, nl, lo, maybe);

            if (rc == SF_PRE_FALSE || rc == SF_PRE_UNKNOWN) {
                break;
            }
        }

        if (c == NULL || rc == SF_PRE_UNKNOWN) {
            if (list == NULL) {
                *may = left;
            }

            return 0;
        }
    }

    return 1;
}


/*
 * Whether a word of the class list may be a class that a selector of
 * bloom (rej_bloom[tag]) names.  A block comes into a selector's scope by
 * its class only when a word is the selector's class, and every class a
 * selector names is in cls_bloom too: the ids bloom holds are left out,
 * and a list the stream told has no word in cls_bloom (SF_CLASS_NAMED
 * clear, kept in the scratch: a listing's template repeats its long
 * lists, "featured-image page-header-image-single grid-container") has
 * none in what is left; its words are not read again.
 */
static int
sf_reject_cls(const sf_rules_t *rules, const sf_match_t *match,
    uint64_t bloom, const unsigned char *cls, size_t len)
{
    unsigned  bits;

    /* a list of up to sixteen bytes is told as fast as looked up */
    if (len > 16) {
        bits = sf_match_class(match, cls, len);

        if (bits != 0 && !(bits & SF_CLASS_NAMED)) {
            return 0;
        }
    }

    return sf_rules_bloom_list(bloom & rules->cls_bloom, cls, len);
}


/* Whether the block (its container, when anonymous) may have a class or
 * an id that some selector that may take its tag names (rej_bloom[tag]:
 * an id is looked up in all its bits, a class in those of classes,
 * sf_reject_cls(); a class list shorter than any class named holds
 * none). */
static int
sf_reject_attr(const sf_rules_t *rules, const sf_match_t *match,
    const sf_block_t *b, sf_tag_e tag)
{
    uint64_t          bloom;
    sf_block_attrs_t  a;

    sf_block_attrs(b, &a);

    if (rules->rej_nobloom) {
        return (a.id != NULL && a.id_len > 0)
               || (a.cls != NULL && a.cls_len > 0);
    }

    bloom = rules->rej_bloom[tag];

    return (a.id != NULL && a.id_len > 0
            && (bloom & sf_rules_bloom(a.id, a.id_len)) != 0)
           || (a.cls != NULL && a.cls_len >= rules->cls_min
               && sf_reject_cls(rules, match, bloom, a.cls, a.cls_len));
}


/* The rules of m whose scope takes the block. */
static uint64_t
sf_reject_scope(const sf_rules_t *rules, const sf_match_t *match,
    const sf_block_t *b, sf_tag_e tag, uint64_t m)
{
    uint64_t  in, a, x;

    in = m & rules->rej_tag[tag];
    a = m & rules->rej_attr & ~in;

    if (a == 0 || !sf_reject_attr(rules, match, b, tag)) {
        return in;
    }

    for (x = a; x != 0; x &= x - 1) {
        if (sf_match_scope(rules->rules[sf_ctz64(x)], b)) {
            in |= x & -x;
        }
    }

    return in;
}


/* The rules that cannot fire on a text keeping lo bytes or more. */
static uint64_t
sf_reject_lo(const sf_rules_t *rules, size_t lo)
{
    size_t  k;

    if (lo < SF_REJECT_LO_TAB) {
        k = rules->rej_lo_k[lo];

    } else {
        for (k = rules->rej_lo_k[SF_REJECT_LO_TAB - 1];
             k < rules->rej_lo_n && rules->rej_lo_val[k] < lo;
             k++)
        {
            /* void */
        }
    }

    return k > 0 ? rules->rej_lo_mask[k - 1] : 0;
}


/*
 * sf_reject_scan() over a text, by the fused pass (sf_teddy.c) first when
 * fused is set and the pass runs: then *longhit is 1 or 0 when the pass
 * told whether a long anchor is there (as sf_reject_probe_long() would),
 * else -1; with SF_TEDDY_REFS when the pass read references, which
 * sf_reject_refs() then adds to *seen (0: most prose, nothing to do).
 */
static inline void
sf_reject_refs(uint64_t *seen, int *longhit)
{
    if (*longhit > 1) {
        *seen |= (uint64_t) 1 << (SF_REJECT_REF4_LEAD & 63);
        *longhit &= 1;
    }
}


static inline int
sf_reject_look(const sf_rules_t *rules, const unsigned char *text,
    size_t len, int fused, size_t *lo, uint64_t *seen, int *longhit)
{
    int     found;
    size_t  i;

    *lo = 0;
    *seen = 0;
    *longhit = -1;
    i = 0;

    if (fused && rules->teddy.on && len >= SF_TEDDY_MIN) {
        i = sf_teddy_scan(&rules->teddy, text, len, lo, &found);

        if (i == len) {
            /* with SF_TEDDY_REFS: its caller sets *seen (sf_reject_refs) */
            *longhit = found;
            return 1;
        }

        /* what the scan tells of references read: their lead byte */
        if (found & SF_TEDDY_REFS) {
            *seen = (uint64_t) 1 << (SF_REJECT_REF4_LEAD & 63);
        }
    }

    return i == len || sf_reject_scan(text, len, i, rules->avx2, lo, seen);
}


int
sf_reject_text(const sf_rules_t *rules, const unsigned char *text,
    size_t len, int fused, size_t *lower, uint64_t *seen, int *longhit,
    int *hit, unsigned char *bits)
{
    *hit = 0;

    if (!sf_reject_look(rules, text, len, fused, lower, seen, longhit)) {
        return 0;
    }

    sf_reject_refs(seen, longhit);

    if (*longhit < 0 && rules->anchor_long.map != NULL) {
        *longhit = sf_reject_probe_long(rules, text, len);
    }

    *hit = sf_reject_probe(rules, text, len, *seen, bits);

    return 1;
}


/*
 * More of the bytes the normalized text of a text sf_reject_scan()
 * accepted keeps, apart from those it counts: a space followed by a byte
 * of '!' to '~' but '&' (no entity's, whose bytes hold no space and
 * start with '&') is in a run of white space that ends at a byte the
 * normalized text keeps, and runs so are one space each there but the
 * first, which may lead the text.  Only the spaces for such a run, less
 * one: prose keeps about one byte in six so.
 */
static size_t
sf_reject_gaps(const sf_rules_t *rules, const unsigned char *text,
    size_t len)
{
    size_t  i, n;

    if (rules->avx2 && len >= 33) {
        n = sf_reject_avx2_gaps(text, len);

    } else {
        n = 0;

        for (i = 0; i + 1 < len; i++) {
            n += text[i] == ' ' && text[i + 1] > ' ' && text[i + 1] < 0x7f
                 && text[i + 1] != '&';
        }
    }

    return n > 0 ? n - 1 : 0;
}


/* What sf_reject_tables() tells (sf_bare_look_t's how): kept for sure,
 * the probe of all anchors next, or the full way (a text the raw look
 * does not accept). */
#define SF_REJECT_KEPT   1
#define SF_REJECT_PROBE  2
#define SF_REJECT_FULL   3
/* sf_rules_bare_keep()'s look went on through the probe: bits[] set */
#define SF_REJECT_PROBED 4
/* kept, as SF_REJECT_KEPT, but after the look at the text (sf_bare_look_t's
 * how SF_BARE_SEEN when sf_rules_bare_keep() keeps so; match->rej_seen
 * after sf_reject_block()): the memo answers the same block for less */
#define SF_REJECT_SEEN   SF_BARE_SEEN
/* kept after the look at a text of len bytes: SF_REJECT_SEEN when the
 * memo's compare costs less than that look, from SF_MEMO_BARE bytes */
#define SF_REJECT_KEPT_AFTER(len)                                            \
    ((len) >= SF_MEMO_BARE ? SF_REJECT_SEEN : SF_REJECT_KEPT)


/*
 * The reject's tables and its look at the text of a block of *m rules in
 * scope (none of them 0), nlc and first its row: what follows the scope
 * in sf_reject_block(), the same for a block the stream tells bare
 * (sf_rules_bare_keep()).  On SF_REJECT_PROBE, *m are the rules left,
 * *lo, *seen what the look found.
 */
static SF_REJECT_INLINE int
sf_reject_tables(const sf_rules_t *rules, uint64_t *mp, size_t nlc,
    unsigned first, const unsigned char *text, size_t len, size_t *lo,
    uint64_t *seen)
{
    int       fused, held, longhit;
    uint64_t  m, lng;

    m = *mp;

    if (sf_reject_short(rules, m, nlc, first, text, len)) {
        return SF_REJECT_KEPT;
    }

    if (len >= 4 && len < SF_REJECT_SMALL
        && sf_reject_small(rules, m & rules->rej_all[nlc][first]
                                  & rules->rej_plain[nlc][first],
                           text, len))
    {
        return SF_REJECT_KEPT;
    }

    /*
     * The fused pass when the long anchors will likely be probed: the
     * rules left for a plain text of prose (a quarter of it white space
     * at most, or with its spaces counted, sf_reject_gaps(), a
     * thirty-second) need one.  Only a guess: either way tells the same.
     */
    held = rules->teddy.on && len >= SF_TEDDY_MIN
           && (m & rules->rej_all[nlc][first]
               & rules->rej_long_plain[nlc][first]
               & ~sf_reject_lo(rules, len - len / 4)) == 0;
    fused = held
            || (rules->teddy.on && len >= SF_TEDDY_MIN
                && (m & rules->rej_all[nlc][first]
                    & rules->rej_long_plain[nlc][first]
                    & ~sf_reject_lo(rules, len - len / 32)) == 0);

    if (!sf_reject_look(rules, text, len, fused, lo, seen, &longhit)) {
        return SF_REJECT_FULL;
    }

    /*
     * The guess held (most prose): the fused pass read the whole text,
     * plain, without a long anchor (longhit 0), and the text keeps as
     * many bytes as the guess took; sf_reject_lo() only grows with them,
     * so the rules left all need a long anchor, as below.
     */
    if (longhit == 0 && held && *lo >= len - len / 4) {
        return SF_REJECT_KEPT_AFTER(len);
    }

    sf_reject_refs(seen, &longhit);

    /* none whatever phrases the text has */
    m &= rules->rej_all[nlc][first];

    /* too short a text for any anchor: as one without */
    if (len < rules->anchor_all.minlen) {
        m &= (*seen & rules->lead_mask) == 0
             ? rules->rej_plain[nlc][first] : rules->rej_none[nlc][first];
    }

    /* none that takes a text as long */
    m &= ~sf_reject_lo(rules, *lo);

    lng = (*seen & rules->lead_mask) == 0 ? rules->rej_long_plain[nlc][first]
                                          : rules->rej_long[nlc][first];

    /*
     * Rules that need no long anchor left only by their max-length (a
     * footer's rule, on a paragraph of prose a little longer): the spaces
     * the normalized text keeps too may leave them out, and the long
     * anchors' probe then tells instead of the probe of all anchors.
     */
    if ((m & lng) != 0 && (m & lng & ~sf_reject_lo(rules, len)) == 0
        && rules->anchor_long.map != NULL)
    {
        *lo += sf_reject_gaps(rules, text, len);
        m &= ~sf_reject_lo(rules, *lo);
    }

    *mp = m;

    if (m == 0) {
        return SF_REJECT_KEPT_AFTER(len);
    }

    /* the rules left need a long anchor: none there, none fires */
    if ((m & lng) == 0
        && rules->anchor_long.map != NULL
        && !(longhit >= 0 ? longhit
             : sf_reject_probe_long(rules, text, len)))
    {
        return SF_REJECT_KEPT_AFTER(len);
    }

    return SF_REJECT_PROBE;
}


/*
 * The probe of all anchors (and the wide ones) of a text the look
 * accepted, which sets bits[] to the phrases found or maybe there: 1 when
 * none of the rules *m left fires without one (kept), else 0 with *m the
 * rules left.
 */
static SF_REJECT_INLINE int
sf_reject_probe_all(const sf_rules_t *rules, unsigned char *bits,
    uint64_t *m, size_t nlc, unsigned first, const unsigned char *text,
    size_t len, uint64_t seen)
{
    int  hit;

    hit = sf_reject_probe(rules, text, len, seen, bits);

    /* letters of other scripts: only a text with their lead bytes */
    if (rules->nwide > 0 && (seen & rules->wide_leads) != 0) {
        if (!hit) {
            sf_reject_bits(rules, seen, bits);
        }

        hit |= sf_reject_wide(rules, text, len, bits);
    }

    if (!hit) {
        if (rules->rej_ok) {
            /* none with only the phrases that need no anchor */
            *m &= (seen & rules->lead_mask) == 0
                  ? rules->rej_plain[nlc][first] : rules->rej_none[nlc][first];

            if (*m == 0) {
                return 1;
            }
        }

        sf_reject_bits(rules, seen, bits);
    }

    return 0;
}


/* sf_reject_block(), or sf_reject_bare() with look: one body, so that
 * what it takes inline it takes once. */
static SF_NOINLINE int
sf_reject_from(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, const sf_bare_look_t *look, uint64_t *may)
{
    int       n, longhit, tab;
    size_t    nl, nlc, lo;
    uint64_t  m, seen;
    sf_tag_e  tag;
    unsigned  first;

    tag = (b->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : b->tag;
    first = (b->flags & SF_BLOCK_FIRST_IN_ENTRY) != 0;
    /* the tables tell of the block's tag */
    tab = rules->rej_ok && (unsigned) tag < SF_TAG_NTAGS;
    m = ~(uint64_t) 0;
    match->memo_found = 0;
    match->rej_seen = 0;

    if (may != NULL) {
        *may = m;
    }

    /* no escaped markup, so no link but the block's */
    nl = b->nlinks < match->max_links ? b->nlinks : match->max_links;
    nlc = nl < SF_REJECT_NLC - 1 ? nl : SF_REJECT_NLC - 1;

    if (look != NULL) {
        /* the bounds, scope, tables and probe of a bare block, done */
        if (look->how != SF_REJECT_PROBED) {
            return look->how == SF_REJECT_KEPT;
        }

        m = look->m;
        lo = look->lo;
        goto left;
    }

    if (b->text_len > match->cap
               || (rules->text_limit != 0
                   && b->text_len > rules->text_limit))
    {
        /*
         * Within these bounds nothing overflows and nothing is too long:
         * the full way would keep text_overflow clear.
         */
        return 0;

    } else if (tab) {
        /* no rule can take the block whatever its text */
        m = sf_reject_scope(rules, match, b, tag, rules->rej_any[first]);

        if (m == 0) {
            return 1;
        }

        n = sf_reject_tables(rules, &m, nlc, first, b->text, b->text_len,
                             &lo, &seen);

        /* kept after the look at a long text: worth the memo's */
        if (n != SF_REJECT_PROBE) {
            match->rej_seen = n == SF_REJECT_SEEN;
            return n == SF_REJECT_KEPT || n == SF_REJECT_SEEN;
        }

    } else if (!sf_reject_look(rules, b->text, b->text_len, 0, &lo, &seen,
                               &longhit))
    {
        return 0;
    }

    /*
     * A block the full way decided lately (a disclaimer under every
     * article): it tells it again, without the probe.  Blocks kept by
     * the tables or the long anchors never come here.
     */
    if (((match->memo_mask >> sf_memo_bit(b->text_len, b->flags)) & 1)
        && may != NULL)
    {
        n = sf_match_memo(match, b);

        if (n >= 0) {
            match->memo_found = (unsigned) n + 1;
            return 0;
        }
    }

    if (sf_reject_probe_all(rules, match->bits, &m, nlc, first, b->text,
                            b->text_len, seen))
    {
        match->rej_seen = 1;
        return 1;
    }

left:

    /* within the bounds, the full way need look at no other rule */
    if (may != NULL) {
        *may = m;
    }

    /* the conditions may look at the links: not when there are none yet */
    if (may == NULL) {
        return 0;
    }

    match->rej_seen = sf_reject_rules(rules, match, b, m, nl, lo, may);

    return match->rej_seen;
}


int
sf_reject_block(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, uint64_t *may)
{
    return sf_reject_from(rules, match, b, NULL, may);
}


int
sf_reject_bare(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, const sf_bare_look_t *look, uint64_t *may)
{
    return sf_reject_from(rules, match, b, look, may);
}


/*
 * sf_rules_bare() (sf_block.h): what sf_match_kept() and sf_reject_block()
 * answer for every block of one kind without class or id, told from the
 * tables alone; below 0 when they do not tell.
 */
void
sf_rules_bare(const sf_rules_t *rules, const sf_match_t *match,
    sf_tag_e tag, unsigned flags, size_t nlinks, sf_bare_t *bare)
{
    size_t    nl, bound;
    uint64_t  m;
    unsigned  first;

    bare->below = 0;
    bare->calm = 0;

    if (rules == NULL || match == NULL || !rules->compiled
        || (flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS)))
    {
        bare->below = (size_t) -1;
        return;
    }

    /* as sf_reject_block() has them: a known tag, the rules' tables */
    tag = (flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : tag;

    if (!rules->rej_ok || match->slow || rules->anchor_all.map == NULL
        || (unsigned) tag >= SF_TAG_NTAGS)
    {
        return;
    }

    /* ... and a text within the bounds it tells about */
    bound = match->cap;

    if (rules->text_limit != 0 && rules->text_limit < bound) {
        bound = rules->text_limit;
    }

    /* the scope without a class or id: the rules the tag takes */
    first = (flags & SF_BLOCK_FIRST_IN_ENTRY) != 0;
    m = rules->rej_any[first] & rules->rej_tag[tag];

    /* a text of bound bytes or fewer: the reject reads it */
    if (bound < (size_t) -1) {
        bound++;
    }

    if (m == 0) {
        bare->below = bound;
        return;
    }

    /* none left for a calm text shorter than any anchor (sf_reject_short) */
    nl = nlinks < match->max_links ? nlinks : match->max_links;
    nl = nl < SF_REJECT_NLC - 1 ? nl : SF_REJECT_NLC - 1;

    if ((m & rules->rej_short[nl][first]) == 0) {
        bare->below = rules->anchor_all.minlen < bound
                      ? rules->anchor_all.minlen : bound;
        bare->calm = 1;
    }
}


/*
 * sf_rules_bare_keep() (sf_block.h): sf_reject_block() as far as its
 * tables, the look at the text and the probe go, for a block without
 * class or id: its scope is the tag's rules (sf_reject_scope() finds no
 * attribute to read), and no block struct is built.  1 where
 * sf_reject_block() says 1 before it looks at the conditions of the
 * rules left (sf_reject_rules(), which reads the block).  The memo
 * sf_match_kept() looks up first holds none of these blocks: the full
 * way only remembers a block the reject did not keep, and the reject
 * tells the same block the same.
 */
int
sf_rules_bare_keep(const sf_rules_t *rules, sf_match_t *match,
    sf_tag_e tag, unsigned flags, size_t nlinks, const unsigned char *text,
    size_t len, sf_bare_look_t *look)
{
    int       how;
    size_t    nlc, lo;
    uint64_t  m, seen;
    unsigned  first;

    /*
     * A text as long as one the memo holds is left to the whole way,
     * which looks there first (the same boilerplate under every entry,
     * sent the full way each time), before anything else: the checks
     * below that keep a block (a quote, a tag no rule takes) the whole
     * way makes too, and it answers the same (a block no rule can take
     * is in no slot: the memo holds full decisions and blocks the reject
     * read through).  Most such blocks on a listing are its template's,
     * which the memo answers.
     */
    if (match != NULL && ((match->memo_mask >> sf_memo_bit(len, flags)) & 1))
    {
        look->how = 0;
        return 0;
    }

    /* no rules, or quoted text and existing comments: as sf_match_kept() */
    if (rules == NULL || match == NULL || !rules->compiled
        || (flags & (SF_BLOCK_IN_BLOCKQUOTE | SF_BLOCK_IN_COMMENTS)))
    {
        return 1;
    }

    /*
     * As sf_rules_bare() has them (the reject's tables and anchors, the
     * tag in them), within the bounds of sf_reject_block(); else the
     * whole way.
     */
    if (!rules->rej_ok || rules->anchor_all.map == NULL || match->slow
        || (unsigned) tag >= SF_TAG_NTAGS
        || len > match->cap
        || (rules->text_limit != 0 && len > rules->text_limit))
    {
        look->how = 0;
        return 0;
    }

    first = (flags & SF_BLOCK_FIRST_IN_ENTRY) != 0;
    m = rules->rej_any[first] & rules->rej_tag[tag];

    /* no rule takes the block whatever its text */
    if (m == 0) {
        return 1;
    }

    /* as sf_reject_block() has it: at most max_links links, then 3 */
    nlc = nlinks < match->nlc_max ? nlinks : match->nlc_max;

    how = sf_reject_tables(rules, &m, nlc, first, text, len, &lo, &seen);

    if (how == SF_REJECT_KEPT) {
        return 1;
    }

    /* kept after the look: the stream may have the memo remember it */
    if (how == SF_REJECT_SEEN) {
        look->how = how;
        return 1;
    }

    /*
     * The probe too: the memo's look that sf_reject_block() has before
     * it would find nothing (the text's length is in no slot).
     */
    if (how == SF_REJECT_PROBE) {
        if (sf_reject_probe_all(rules, match->bits, &m, nlc, first, text,
                                len, seen))
        {
            look->how = SF_REJECT_SEEN;
            return 1;
        }

        how = SF_REJECT_PROBED;
    }

    look->how = how;
    look->m = m;
    look->lo = lo;

    return 0;
}


int
sf_rules_bare_any(const sf_rules_t *rules, const sf_match_t *match)
{
    return rules != NULL && match != NULL && rules->compiled
           && rules->rej_ok && rules->anchor_all.map != NULL && !match->slow
           && (rules->rej_any[0] | rules->rej_any[1]) != 0;
}
