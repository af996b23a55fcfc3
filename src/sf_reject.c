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

#include "sf_match.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_REJECT_SSE2  1
#else
#define SF_REJECT_SSE2  0
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


/* Whether text[i..] holds the anchor, ASCII case aside. */
static int
sf_match_anchor_at(const unsigned char *text, size_t len, size_t i,
    const sf_anchor_t *a)
{
    size_t         j;
    unsigned char  c;

    if (len - i < a->len) {
        return 0;
    }

    for (j = 0; j < a->len; j++) {
        c = text[i + j];

        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
        }

        if (c != a->data[j]) {
            return 0;
        }
    }

    return 1;
}


#define SF_ONES   0x0101010101010101ull
#define SF_HIGH   0x8080808080808080ull


static size_t
sf_popcount(uint64_t x)
{
    /* high bits only: one per byte, summed by a multiplication */
    return (size_t) (((x >> 7) * SF_ONES) >> 56);
}


static size_t
sf_popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;

    return (size_t) ((x * SF_ONES) >> 56);
}


static int
sf_match_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
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

    k = sf_entity(p, p + n, tmp, used);

    if (k == 0) {
        /* a plain '&' */
        *used = 1;
        *lead = '&';
        return 1;
    }

    *lead = tmp[0];

    cp = k == 1 ? tmp[0]
         : k == 2 ? ((uint32_t) (tmp[0] & 0x1f) << 6) | (tmp[1] & 0x3f)
         : k == 3 ? ((uint32_t) (tmp[0] & 0x0f) << 12)
                    | ((uint32_t) (tmp[1] & 0x3f) << 6) | (tmp[2] & 0x3f)
         : 0;

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

    switch (cp) {
    case '"': case '\'': case '>': case 0xa0: case 0xa9: case 0xab:
    case 0xae: case 0xbb: case 0x2013: case 0x2014: case 0x2018:
    case 0x2019: case 0x201c: case 0x201d: case 0x2022: case 0x2026:
        return 1;
    }

    return 0;
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

/*
 * 16 bytes at p, some of them >= 0x80 or 0x7f but none '&' or '<', with
 * two more bytes readable after them: when none starts a hazard
 * (sf_match_hazard), counts their printable ASCII bytes into acc, adds
 * their lead bytes to *seen and returns 1; else 0 (byte by byte then).
 */
static int
sf_reject_utf8(const unsigned char *p, __m128i *acc, uint64_t *seen)
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
    *acc = _mm_sub_epi8(*acc, _mm_andnot_si128(sf_eq(v, 0x7f),
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


/*
 * Counts into *lower the bytes the normalized text keeps at least, and
 * into *seen the lead bytes (0xc0 + bit) of its non-ASCII characters.
 * Returns 0 when the text is not one this can tell about.
 *
 * Every printable ASCII byte outside an entity stays one byte of the
 * normalized text.  Runs without '&', '<', 0x7f or a byte >= 0x80 are
 * counted 16 (SSE2) or 8 bytes at a time; the rest byte by byte.
 */
static int
sf_reject_scan(const unsigned char *text, size_t len, size_t *lower,
    uint64_t *seenp)
{
    size_t          i, lo, used, stop;
    uint64_t        seen, q, bad;
    unsigned char   c;
#if (SF_REJECT_SSE2)
    int             mark;
    size_t          k;
    unsigned        rounds;
    __m128i         v, acc, sum, amp, lt, del, sp, zero, tail, vbad;

    amp = _mm_set1_epi8('&');
    lt = _mm_set1_epi8('<');
    del = _mm_set1_epi8(0x7f);
    sp = _mm_set1_epi8(' ');
    zero = _mm_setzero_si128();
    acc = zero;
    sum = zero;
    rounds = 0;
#endif

    lo = 0;
    seen = 0;
    i = 0;

    while (i < len) {
        stop = len;

#if (SF_REJECT_SSE2)
        /* the common case: runs of plain ASCII, in a loop of their own */
        while (i + 16 <= len) {
            v = _mm_loadu_si128((const __m128i *) (text + i));

            if (_mm_movemask_epi8(_mm_or_si128(
                    _mm_or_si128(v, _mm_cmpeq_epi8(v, del)),
                    _mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                 _mm_cmpeq_epi8(v, lt)))) != 0)
            {
                break;
            }

            acc = _mm_sub_epi8(acc, _mm_cmpgt_epi8(v, sp));
            i += 16;

            if (++rounds == 255) {
                sum = _mm_add_epi64(sum, _mm_sad_epu8(acc, zero));
                acc = zero;
                rounds = 0;
            }
        }

        if (i + 16 <= len) {
            v = _mm_loadu_si128((const __m128i *) (text + i));
            vbad = _mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                _mm_cmpeq_epi8(v, lt));
            k = 17;                         /* all 16 taken */

            /* the high bit of any byte, or '&', '<', 0x7f: not plain */
            if (_mm_movemask_epi8(_mm_or_si128(vbad, _mm_or_si128(v,
                                      _mm_cmpeq_epi8(v, del)))) == 0)
            {
                /* all below 0x80: a signed compare counts those above ' ' */
                acc = _mm_sub_epi8(acc, _mm_cmpgt_epi8(v, sp));

            } else if ((mark = _mm_movemask_epi8(vbad)) != 0 || i + 18 > len
                       || !sf_reject_utf8(text + i, &acc, &seen))
            {
                stop = i + 16;
                k = mark != 0 ? sf_ctz64((uint64_t) mark) : 16;

                /*
                 * Plain ASCII up to an '&' or '<': those bytes counted at
                 * once, the entity or markup byte by byte from there.
                 */
                if (k < 16 && (_mm_movemask_epi8(_mm_or_si128(v,
                                   _mm_cmpeq_epi8(v, del)))
                               & ((1 << k) - 1)) == 0)
                {
                    acc = _mm_sub_epi8(acc, _mm_and_si128(_mm_cmpgt_epi8(v, sp),
                              _mm_loadu_si128((const __m128i *)
                                              (sf_reject_head + 16 - k))));
                    i += k;
                    stop = i + 1;
                }
            }

            if (++rounds == 255) {
                sum = _mm_add_epi64(sum, _mm_sad_epu8(acc, zero));
                acc = zero;
                rounds = 0;
            }

            if (k != 17) {
                goto bytes;
            }

            i += 16;
            continue;

        } else if (len >= 16) {
            /* the last bytes: the 16 that end the text, the others masked */
            v = _mm_loadu_si128((const __m128i *) (text + len - 16));
            tail = _mm_loadu_si128((const __m128i *) (sf_reject_tail
                                                      + (len - i)));

            vbad = _mm_or_si128(_mm_or_si128(v, _mm_cmpeq_epi8(v, del)),
                                _mm_or_si128(_mm_cmpeq_epi8(v, amp),
                                             _mm_cmpeq_epi8(v, lt)));

            if (_mm_movemask_epi8(_mm_and_si128(tail, vbad)) == 0) {
                acc = _mm_sub_epi8(acc,
                                   _mm_and_si128(tail, _mm_cmpgt_epi8(v, sp)));
                i = len;
                continue;
            }

        } else
#endif
        if (i + 8 <= len) {
            memcpy(&q, text + i, 8);

            /*
             * Of an ASCII word, x - 0x01 sets a byte's high bit only
             * where x has a zero byte (or one below it has): where q has
             * '&' or '<'; q + 0x01 where q has 0x7f.  Other bytes are
             * counted when above ' '.
             */
            bad = q | (q + SF_ONES) | ((q ^ (SF_ONES * '&')) - SF_ONES)
                  | ((q ^ (SF_ONES * '<')) - SF_ONES);

            if ((bad & SF_HIGH) == 0) {
                lo += sf_popcount((q + SF_ONES * 0x5f) & SF_HIGH);
                i += 8;
                continue;
            }

            stop = i + 8;
        }

#if (SF_REJECT_SSE2)
    bytes:
#endif

        for ( /* void */ ; i < stop; i++) {
            c = text[i];

            if (sf_hazard[c]) {
                if (c == '&') {
                    if (!sf_match_separator(text + i, len - i, &used, &c)) {
                        return 0;
                    }

                    /* the lead byte of what it decodes to, if not ASCII */
                    if (c >= 0xc0) {
                        seen |= (uint64_t) 1 << (c & 63);
                    }

                    /* '&', '"', '\'' and '>' stay one byte */
                    lo += c < 0x80;
                    i += used - 1;
                    continue;
                }

                if (sf_match_hazard(text + i, len - i)) {
                    return 0;
                }
            }

            if (c >= 0xc0) {
                seen |= (uint64_t) 1 << (c & 63);
            }

            lo += (unsigned char) (c - 0x21) < 0x5e;
        }
    }

#if (SF_REJECT_SSE2)
    sum = _mm_add_epi64(sum, _mm_sad_epu8(acc, zero));
    lo += (size_t) _mm_cvtsi128_si32(sum)
          + (size_t) _mm_cvtsi128_si32(_mm_unpackhi_epi64(sum, sum));
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
static void
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
    uint64_t  q;
    uint32_t  h, h2;

    for ( /* void */ ; i + 8 <= len; i += 2 * stride) {
        memcpy(&q, text + i, 8);
        q |= 0x2020202020202020ull;
        h = ((uint32_t) q * 0x9e3779b1u) >> (32 - SF_ANCHOR_BITS);
        h2 = ((uint32_t) (q >> (8 * stride)) * 0x9e3779b1u)
             >> (32 - SF_ANCHOR_BITS);

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

    memcpy(&w, text + i, 4);
    w |= 0x20202020u;
    h = (w * 0x9e3779b1u) >> (32 - SF_ANCHOR_BITS);

    return set->map[h] && sf_match_anchor_key(set, text, len, i, w, h, NULL);
}


/*
 * Whether a long anchor (SF_ANCHOR_LONG bytes or more) is in the text, at
 * their own stride (5 or more): two positions a round, from two loads.
 */
static int
sf_reject_probe_long(const sf_rules_t *rules, const unsigned char *text,
    size_t len)
{
    size_t                  i, stride;
    uint32_t                w, w2, h, h2;
    const unsigned char    *map;
    const sf_anchor_set_t  *set;

    set = &rules->anchor_long;
    map = set->map;
    stride = set->stride;

    for (i = 0; i + stride + 4 <= len; i += 2 * stride) {
        memcpy(&w, text + i, 4);
        memcpy(&w2, text + i + stride, 4);
        h = ((w | 0x20202020u) * 0x9e3779b1u) >> (32 - SF_ANCHOR_BITS);
        h2 = ((w2 | 0x20202020u) * 0x9e3779b1u) >> (32 - SF_ANCHOR_BITS);

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


/* The anchors whose key is at text[i]: bits set up on the first there. */
static void
sf_reject_key(const sf_rules_t *rules, const unsigned char *text, size_t len,
    size_t i, uint64_t seen, unsigned char *bits, int *hit)
{
    uint32_t  w, h;

    memcpy(&w, text + i, 4);
    w |= 0x20202020u;
    h = (w * 0x9e3779b1u) >> (32 - SF_ANCHOR_BITS);

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
 * Probes the anchors in a text sf_reject_scan() accepted.  Returns 0 when
 * no key of any is there (bits[] left alone), 1 when bits[] holds the
 * phrases that may occur in the normalized text: those without an anchor
 * (but for a non-ASCII lead byte not seen) and those whose anchor is there.
 */
static int
sf_reject_probe(const sf_rules_t *rules, const unsigned char *text,
    size_t len, uint64_t seen, unsigned char *bits)
{
    int                   hit;
    size_t                i, stride;

    if (len < 4 || rules->nanchors == 0) {
        return 0;
    }

    stride = rules->anchor_all.stride;
    hit = 0;
    i = 0;

    /*
     * Every stride-th position: an anchor starting up to stride - 1
     * bytes before shows there as one of its keys.
     */
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

    for ( /* void */ ; i + 4 <= len; i += stride) {
        sf_reject_key(rules, text, len, i, seen, bits, &hit);
    }

    return hit;
}


#define SF_PRE_FALSE    0
#define SF_PRE_TRUE     1
#define SF_PRE_MAYBE    2                   /* no side effect either way */
#define SF_PRE_UNKNOWN  3                   /* the full way must tell */

/* A condition on what the raw text tells: nl links, bits maybe found. */
static int
sf_reject_cond(sf_match_t *match, const sf_block_t *b,
    const sf_cond_t *c, size_t nl, size_t lo, uint64_t maybe)
{
    long                     n1;
    size_t                   i, n;
    sf_mlink_t               l;
    const sf_link_t         *bl;
    const sf_rule_phrase_t  *ph;

    /* phrases by one word of bits, when the condition has one */
    if (c->pmask_ok) {
        switch (c->type) {

        case SF_COND_TEMPLATE:
            return (maybe & c->pmask) != 0 ? SF_PRE_MAYBE : SF_PRE_FALSE;

        case SF_COND_ANY:
            return sf_popcount64(maybe & c->pmask) >= (size_t) c->n
                   ? SF_PRE_MAYBE : SF_PRE_FALSE;

        case SF_COND_EQUALS:
            if (lo > c->phrases->len) {
                return SF_PRE_FALSE;
            }

            /* fall through */

        case SF_COND_CONTAINS:
        case SF_COND_STARTS:
        case SF_COND_ENDS:
            return (maybe & c->pmask) == c->pmask ? SF_PRE_MAYBE
                                                  : SF_PRE_FALSE;

        default:
            break;
        }
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

        key = (text[p + 1] & 0xdf) | ((size_t) (text[p + 3] & 0xdf) << 8);

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


/* ---- the anchors and the tables, at compile time ------------------- */

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
    int                   ov;
    size_t                i, n, k;
    uint32_t              y;
    unsigned char         lead, in[4], b0[8], b1[8];
    const unsigned char  *out;

    for (i = 0; i < len && d[i] < 0x80; i++) {
        /* void */
    }

    if (i == len || d[i] < 0xc0) {
        /* ASCII only, or a cut character: nothing to tell by */
        return 0;
    }

    lead = d[i];

    for (y = 0x80; !*folded && y < 0x501; y++) {
        if (y == 0x500) {
            y = 0x1e9e;
        }

        if (y < 0x800) {
            in[0] = (unsigned char) (0xc0 | (y >> 6));
            in[1] = (unsigned char) (0x80 | (y & 0x3f));
            k = 2;

        } else {
            in[0] = (unsigned char) (0xe0 | (y >> 12));
            in[1] = (unsigned char) (0x80 | ((y >> 6) & 0x3f));
            in[2] = (unsigned char) (0x80 | (y & 0x3f));
            k = 3;
        }

        out = sf_normalize(in, k, b0, b1, sizeof(b0), SF_FOLD_ALL, &n, &ov);

        /* a lead byte is told by its low 6 bits */
        if (n > 0 && out[0] >= 0xc0) {
            folds[out[0] & 63] |= (uint64_t) 1 << (in[0] & 63);
        }

        if (y == 0x1e9e) {
            break;
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

    set->map = sf_rules_alloc(rules, (size_t) 1 << SF_ANCHOR_BITS);
    set->keys = sf_rules_alloc(rules, (n + 1) * sizeof(sf_anchor_key_t));
    set->first = sf_rules_alloc(rules,
                                (SF_ANCHOR_BUCKETS + 1) * sizeof(uint32_t));

    if (set->map == NULL || set->keys == NULL || set->first == NULL) {
        set->map = NULL;
        return SF_ERROR;
    }

    first = set->first;
    keys = set->keys;
    memset(set->map, 0, (size_t) 1 << SF_ANCHOR_BITS);
    memset(first, 0, (SF_ANCHOR_BUCKETS + 1) * sizeof(uint32_t));

    /* counts per bucket, then where each bucket ends, then fill back */
    for (i = 0; i < rules->nanchors; i++) {
        a = &rules->anchors[i];

        for (k = 0; a->len >= min && k < stride; k++) {
            memcpy(&key, a->data + k, 4);
            key |= 0x20202020u;
            h = (key * 0x9e3779b1u) >> (32 - SF_ANCHOR_BITS);
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
            memcpy(&key, a->data + k, 4);
            key |= 0x20202020u;
            h = (key * 0x9e3779b1u) >> (32 - SF_ANCHOR_BITS);
            b = --first[h >> (SF_ANCHOR_BITS - 8)];
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
    int                   ov;
    size_t                n, k;
    uint32_t              y, x;
    unsigned char         in[4], b0[8], b1[8];
    const unsigned char  *out;

    memset(ok, 0, 0x800);

    for (y = 0x80; y < 0x800; y++) {
        ok[y] = 1;
    }

    for (y = 0x80; y < 0x501; y++) {
        if (y == 0x500) {
            y = 0x1e9e;
        }

        if (y < 0x800) {
            in[0] = (unsigned char) (0xc0 | (y >> 6));
            in[1] = (unsigned char) (0x80 | (y & 0x3f));
            k = 2;

        } else {
            in[0] = (unsigned char) (0xe0 | (y >> 12));
            in[1] = (unsigned char) (0x80 | ((y >> 6) & 0x3f));
            in[2] = (unsigned char) (0x80 | (y & 0x3f));
            k = 3;
        }

        out = sf_normalize(in, k, b0, b1, sizeof(b0), SF_FOLD_ALL, &n, &ov);

        /* what y becomes must not be a key letter unless y looks like it */
        if (n == 2 && out[0] >= 0xc2 && out[0] <= 0xdf) {
            x = ((uint32_t) (out[0] & 0x1f) << 6) | (out[1] & 0x3f);

            if (k != 2 || ((in[1] ^ out[1]) & 0xdf) != 0) {
                ok[x] = 0;
            }
        }

        /* and y itself, when it does not stay as it is */
        if (k == 2 && (n != 2 || out[0] != in[0] || out[1] != in[1])) {
            ok[y] = 0;
        }

        if (y == 0x1e9e) {
            break;
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
            key = w->keys[j] | ((size_t) w->keys[j + 1] << 8);
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
    rules->wide_map = sf_rules_alloc(rules, 8192);
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
    memset(rules->wide_map, 0, 8192);
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
            return sf_reject_keys(rules, SF_ANCHOR_LONG, &rules->anchor_long);
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
    int       bl;
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

    if (c->pmask_ok) {
        switch (c->type) {

        case SF_COND_TEMPLATE:
            return (maybe & c->pmask) != 0 ? SF_PRE_MAYBE : SF_PRE_FALSE;

        case SF_COND_ANY:
            return sf_popcount64(maybe & c->pmask) >= (size_t) c->n
                   ? SF_PRE_MAYBE : SF_PRE_FALSE;

        case SF_COND_EQUALS:
        case SF_COND_CONTAINS:
        case SF_COND_STARTS:
        case SF_COND_ENDS:
            return (maybe & c->pmask) == c->pmask ? SF_PRE_MAYBE
                                                  : SF_PRE_FALSE;

        default:
            break;
        }
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
    size_t            i;
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

        if (r->text_conds) {
            for (i = 0; i < r->nrequired; i++) {
                if (!sf_bit_test(bits, r->required[i])) {
                    return 0;
                }
            }
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
 * The reject's tables (sf_rules.h): per first-in-entry and link count, the
 * rules a block may leave unrejected, for a text that may hold anything,
 * for one without hazards and for one without hazards or anchors.
 */
int
sf_reject_compile(sf_rules_t *rules)
{
    size_t          k, n, nb, nl, s, i;
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

        /* a name the bloom of class tokens would not see */
        for (s = 0; s < r->nsel; s++) {
            for (i = 0; i < r->sel[s].cls_len; i++) {
                rules->rej_nobloom |= r->sel[s].cls[i] <= ' ';
            }

            rules->rej_nobloom |= r->sel[s].id != NULL
                                  && r->sel[s].id_len == 0;
            rules->rej_nobloom |= r->sel[s].cls != NULL
                                  && r->sel[s].cls_len == 0;
        }

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

    rules->rej_ok = 1;

    return SF_OK;
}


/* ---- the decision --------------------------------------------------- */

/*
 * The rules of mask (all of them when the reject has no tables) in order,
 * each rejected on the raw text or not: 1 when all are, 0 as soon as one
 * is not, as in sf_rules_decide a rule this cannot reject stops it before
 * any later one could matter.
 */
static int
sf_reject_rules(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, uint64_t mask, size_t nl, size_t lo)
{
    int               rc;
    size_t            k, i, n;
    uint64_t          maybe, cand, m;
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

    for (k = 0; /* void */ ; k++) {
        if (list == NULL) {
            if (cand == 0) {
                break;
            }

            r = rules->rules[sf_ctz64(cand)];
            cand &= cand - 1;

        } else {
            if (k == n) {
                break;
            }

            r = list[k];
        }

        /* in the list by its tag: in scope (sf_match_scope's first test) */
        if (!((unsigned) tag < SF_TAG_NTAGS && r->scope_tag[tag])
            && !sf_match_scope(r, b))
        {
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
                for (i = 0; i < r->nrequired; i++) {
                    if (!sf_bit_test(match->bits, r->required[i])) {
                        break;
                    }
                }

                if (i < r->nrequired) {
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
            return 0;
        }
    }

    return 1;
}


/* Whether the block (its container, when anonymous) may have a class or
 * an id that some selector names. */
static int
sf_reject_attr(const sf_rules_t *rules, const sf_block_t *b)
{
    size_t                id_len, cls_len;
    const unsigned char  *id, *cls;

    if (b->flags & SF_BLOCK_ANONYMOUS) {
        id = b->parent_id;
        id_len = b->parent_id_len;
        cls = b->parent_cls;
        cls_len = b->parent_cls_len;

    } else {
        id = b->id;
        id_len = b->id_len;
        cls = b->cls;
        cls_len = b->cls_len;
    }

    if (rules->rej_nobloom) {
        return (id != NULL && id_len > 0) || (cls != NULL && cls_len > 0);
    }

    return (id != NULL && id_len > 0
            && (rules->id_bloom & sf_rules_bloom(id, id_len)) != 0)
           || (cls != NULL && cls_len > 0
               && sf_rules_bloom_list(rules->cls_bloom, cls, cls_len));
}


/* The rules of m whose scope takes the block. */
static uint64_t
sf_reject_scope(const sf_rules_t *rules, const sf_block_t *b, sf_tag_e tag,
    uint64_t m)
{
    uint64_t  in, a, x;

    in = m & rules->rej_tag[tag];
    a = m & rules->rej_attr & ~in;

    if (a == 0 || !sf_reject_attr(rules, b)) {
        return in;
    }

    for (x = a; x != 0; x &= x - 1) {
        if (sf_match_scope(rules->rules[sf_ctz64(x)], b)) {
            in |= x & -x;
        }
    }

    return in;
}


int
sf_reject_block(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, uint64_t *may)
{
    int       hit;
    size_t    nl, nlc, lo, k;
    uint64_t  m, x, seen;
    sf_tag_e  tag;
    unsigned  first;

    tag = (b->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : b->tag;
    first = (b->flags & SF_BLOCK_FIRST_IN_ENTRY) != 0;
    m = ~(uint64_t) 0;

    if (may != NULL) {
        *may = m;
    }

    /*
     * Within these bounds nothing overflows and nothing is too long:
     * the full way would keep text_overflow clear.
     */
    if (b->text_len > match->cap
        || (rules->text_limit != 0 && b->text_len > rules->text_limit))
    {
        return 0;
    }

    if (rules->rej_ok && (unsigned) tag < SF_TAG_NTAGS) {
        /* no rule can take the block whatever its text */
        m = sf_reject_scope(rules, b, tag, rules->rej_any[first]);

        if (m == 0) {
            return 1;
        }
    }

    lo = 0;
    seen = 0;

    if (b->text_len > 0
        && !sf_reject_scan(b->text, b->text_len, &lo, &seen))
    {
        return 0;
    }

    /* no escaped markup, so no link but the block's */
    nl = b->nlinks < match->max_links ? b->nlinks : match->max_links;
    nlc = nl < SF_REJECT_NLC - 1 ? nl : SF_REJECT_NLC - 1;

    if (rules->rej_ok && (unsigned) tag < SF_TAG_NTAGS) {
        /* none whatever phrases the text has */
        m &= rules->rej_all[nlc][first];

        /* too short a text for any anchor: as one without */
        if (b->text_len < rules->anchor_all.minlen) {
            m &= (seen & rules->lead_mask) == 0
                 ? rules->rej_plain[nlc][first] : rules->rej_none[nlc][first];
        }

        /* none that takes a text as long */
        for (k = 0; k < rules->rej_lo_n && rules->rej_lo_val[k] < lo; k++) {
            x = rules->rej_lo_mask[k];
        }

        if (k > 0) {
            m &= ~x;
        }

        if (m == 0) {
            return 1;
        }

        /* the rules left need a long anchor: none there, none fires */
        if ((m & ((seen & rules->lead_mask) == 0
                  ? rules->rej_long_plain[nlc][first]
                  : rules->rej_long[nlc][first])) == 0
            && rules->anchor_long.map != NULL
            && !sf_reject_probe_long(rules, b->text, b->text_len))
        {
            return 1;
        }
    }

    hit = sf_reject_probe(rules, b->text, b->text_len, seen, match->bits);

    /* letters of other scripts: only a text with their lead bytes */
    if (rules->nwide > 0 && (seen & rules->wide_leads) != 0) {
        if (!hit) {
            sf_reject_bits(rules, seen, match->bits);
        }

        hit |= sf_reject_wide(rules, b->text, b->text_len, match->bits);
    }

    if (!hit) {
        if (rules->rej_ok) {
            /* none with only the phrases that need no anchor */
            m &= (seen & rules->lead_mask) == 0
                 ? rules->rej_plain[nlc][first] : rules->rej_none[nlc][first];

            if (m == 0) {
                return 1;
            }
        }

        sf_reject_bits(rules, seen, match->bits);
    }

    /* within the bounds, the full way need look at no other rule */
    if (may != NULL) {
        *may = m;
    }

    /* the conditions may look at the links: not when there are none yet */
    if (may == NULL) {
        return 0;
    }

    return sf_reject_rules(rules, match, b, m, nl, lo);
}
