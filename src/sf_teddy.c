/*
 * sf_teddy.c: the raw-text reject's fused AVX2 pass over a block's text:
 * what sf_reject_scan() counts and whether sf_reject_probe_long() would
 * find a long anchor, told in one pass of 32 bytes a step for a text of
 * plain ASCII (most prose), references to typographic separators
 * ("&#8217;", sf_reject_ref4()) read through; any other text goes on the
 * SSE2 or byte-wise way from the first step that is not so (sf_reject.c).
 *
 * The long anchors are looked for by fingerprints, in the way of Teddy
 * (Hyperscan's literal matcher): each anchor has a window of 5 of its
 * bytes in one of 8 buckets.  For each byte of a window, a table by a
 * text byte's low nibble gives the buckets whose windows may have that
 * byte there; a byte shuffle looks it up for 32 bytes at once (0 for a
 * byte of 0x80 or more).  Where the 5 bytes from a position share a
 * bucket, the anchors of the bucket are compared there.  An anchor's
 * bytes are [a-z0-9], and the text bytes that match them (ASCII case
 * aside) have the same low nibble: no anchor is missed.  Five low nibbles
 * tell prose from the windows about as well as four whole bytes do, in
 * 5 shuffles a step instead of 8.
 *
 * The windows and buckets are chosen to fire seldom on prose: the window
 * of the rarer nibbles, the bucket whose nibble sets grow least.  The
 * stride probe hashes a key every 5 bytes at ~8 instructions; this pass,
 * with the counting, costs ~1 a byte.
 */

#include <string.h>

#include "sf_reject.h"
#include "sf_teddy.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(SF_NO_SIMD)
#include <immintrin.h>
#include "sf_avx2.h"
#define SF_TEDDY_AVX2   1
#define SF_TEDDY_TARGET __attribute__ ((target("avx2")))
#else
#define SF_TEDDY_AVX2   0
#endif


/* More windows than this and the buckets would fire often: the stride
 * probe then. */
#define SF_TEDDY_MAX      48


/* How often an ASCII byte of English prose has each low nibble, per
 * mille, roughly (' ' is most of 0): only to choose windows and
 * buckets. */
static const unsigned short  sf_teddy_freq[16] = {
    189, 56, 74, 81, 96, 115, 30, 28, 33, 82, 21, 6, 36, 19, 61, 74
};


/* The share of prose positions where a bucket of these low nibble sets
 * (per window byte, a bit per nibble) would fire, bytes taken as
 * independent. */
static double
sf_teddy_cost(const unsigned *lo)
{
    double    p, s;
    unsigned  k, n;

    p = 1.0;

    for (k = 0; k < SF_TEDDY_WINDOW; k++) {
        s = 0.0;

        for (n = 0; n < 16; n++) {
            if ((lo[k] >> n) & 1) {
                s += sf_teddy_freq[n] / 1000.0;
            }
        }

        p *= s;
    }

    return p;
}


/* Whether anchor a holds anchor b (of no more bytes). */
static int
sf_teddy_holds(const sf_anchor_t *a, const sf_anchor_t *b)
{
    size_t  i;

    for (i = 0; i + b->len <= a->len; i++) {
        if (memcmp(a->data + i, b->data, b->len) == 0) {
            return 1;
        }
    }

    return 0;
}


/* Whether the long anchor i is left out: another one is in it (of two
 * alike, the first stays).  Found the other, this one is too. */
static int
sf_teddy_redundant(const sf_rules_t *rules, size_t i)
{
    size_t              j;
    const sf_anchor_t  *a, *b;

    a = &rules->anchors[i];

    for (j = 0; j < rules->nanchors; j++) {
        b = &rules->anchors[j];

        if (j != i && b->len >= SF_ANCHOR_LONG && b->len <= a->len
            && (b->len < a->len || j < i) && sf_teddy_holds(a, b))
        {
            return 1;
        }
    }

    return 0;
}


/* Where the window of the rarest nibbles starts in an anchor. */
static unsigned char
sf_teddy_window(const sf_anchor_t *a)
{
    size_t    o, k, best;
    double    p, low;
    unsigned  lo[SF_TEDDY_WINDOW];

    best = 0;
    low = 2.0;

    for (o = 0; o + SF_TEDDY_WINDOW <= a->len && o < 256; o++) {
        for (k = 0; k < SF_TEDDY_WINDOW; k++) {
            lo[k] = 1u << (a->data[o + k] & 15);
        }

        p = sf_teddy_cost(lo);

        if (p < low) {
            low = p;
            best = o;
        }
    }

    return (unsigned char) best;
}


/* The bucket a window joins: the one whose cost grows least. */
static unsigned
sf_teddy_bucket(unsigned lo[][SF_TEDDY_WINDOW], const unsigned char *w)
{
    double    grow, least;
    unsigned  b, k, best, l2[SF_TEDDY_WINDOW];

    best = 0;
    least = 2.0;

    for (b = 0; b < SF_TEDDY_BUCKETS; b++) {
        for (k = 0; k < SF_TEDDY_WINDOW; k++) {
            l2[k] = lo[b][k] | (1u << (w[k] & 15));
        }

        grow = sf_teddy_cost(l2) - sf_teddy_cost(lo[b]);

        if (grow < least) {
            least = grow;
            best = b;
        }
    }

    for (k = 0; k < SF_TEDDY_WINDOW; k++) {
        lo[best][k] |= 1u << (w[k] & 15);
    }

    return best;
}


int
sf_teddy_build(sf_rules_t *rules)
{
    size_t              i, n, e;
    unsigned            b, k, lo[SF_TEDDY_BUCKETS][SF_TEDDY_WINDOW];
    uint32_t            pos[SF_TEDDY_BUCKETS];
    sf_teddy_t         *t;
    unsigned char       off[SF_TEDDY_MAX], bucket[SF_TEDDY_MAX];
    const sf_anchor_t  *a, *win[SF_TEDDY_MAX];

    t = &rules->teddy;
    memset(t, 0, sizeof(sf_teddy_t));
    memset(lo, 0, sizeof(lo));

    if (rules->anchor_long.map == NULL) {
        return SF_OK;
    }

    n = 0;

    for (i = 0; i < rules->nanchors; i++) {
        a = &rules->anchors[i];

        if (a->len < SF_ANCHOR_LONG || sf_teddy_redundant(rules, i)) {
            continue;
        }

        if (n == SF_TEDDY_MAX) {
            /* too many to tell by 8 buckets: the stride probe */
            return SF_OK;
        }

        win[n] = a;
        off[n] = sf_teddy_window(a);
        bucket[n] = (unsigned char) sf_teddy_bucket(lo, a->data + off[n]);
        n++;
    }

    t->anchors = sf_rules_alloc(rules, (n + 1) * sizeof(sf_anchor_t *));
    t->off = sf_rules_alloc(rules, n + 1);

    if (t->anchors == NULL || t->off == NULL) {
        return SF_ERROR;
    }

    /* the shuffle tables, the same in both halves */
    for (b = 0; b < SF_TEDDY_BUCKETS; b++) {
        for (k = 0; k < SF_TEDDY_WINDOW; k++) {
            for (e = 0; e < 16; e++) {
                if ((lo[b][k] >> e) & 1) {
                    t->lo[k][e] |= (unsigned char) (1u << b);
                    t->lo[k][e + 16] |= (unsigned char) (1u << b);
                }
            }
        }
    }

    /* by bucket: counted, where each starts, then filled in order */
    for (i = 0; i < n; i++) {
        t->first[bucket[i] + 1]++;
    }

    for (b = 1; b <= SF_TEDDY_BUCKETS; b++) {
        t->first[b] += t->first[b - 1];
    }

    memcpy(pos, t->first, sizeof(pos));

    for (i = 0; i < n; i++) {
        e = pos[bucket[i]]++;
        t->anchors[e] = win[i];
        t->off[e] = off[i];
    }

    t->made = 1;
    sf_teddy_use(rules, 1);

    return SF_OK;
}


int
sf_teddy_use(sf_rules_t *rules, int on)
{
#if (SF_TEDDY_AVX2)
    rules->avx2 = on && __builtin_cpu_supports("avx2");
#else
    (void) on;
    rules->avx2 = 0;
#endif

    rules->teddy.on = rules->avx2 && rules->teddy.made;

    return rules->avx2;
}


/* ---- the pass ------------------------------------------------------- */

#if (SF_TEDDY_AVX2)

/* Whether text[s..] holds the anchor, ASCII case aside. */
static int
sf_teddy_at(const unsigned char *text, size_t len, size_t s,
    const sf_anchor_t *a)
{
    return len - s >= a->len && sf_anchor_eq(text + s, a->data, a->len);
}


/*
 * The candidates of a step: mask has bit j when a window may start at
 * base + j, in the buckets of bits r[j].  Returns whether an anchor of
 * one of them is there.
 */
static int
sf_teddy_check(const sf_teddy_t *t, const unsigned char *text, size_t len,
    size_t base, uint32_t mask, const unsigned char *r)
{
    size_t    p, e;
    unsigned  j, bits, b;

    for ( /* void */ ; mask != 0; mask &= mask - 1) {
        j = (unsigned) sf_ctz64(mask);
        p = base + j;

        for (bits = r[j]; bits != 0; bits &= bits - 1) {
            b = (unsigned) sf_ctz64(bits);

            for (e = t->first[b]; e < t->first[b + 1]; e++) {
                if (p >= t->off[e]
                    && sf_teddy_at(text, len, p - t->off[e], t->anchors[e]))
                {
                    return 1;
                }
            }
        }
    }

    return 0;
}


/* 32 bytes, the first SF_TEDDY_WINDOW - 1 of them 0xff. */
static const unsigned char  sf_teddy_head[32] = { 0xff, 0xff, 0xff, 0xff };


#define sf_teddy_load(p)  _mm256_loadu_si256((const __m256i *) (p))


/*
 * The bytes the pass compares with, 32 of each, read from memory: a
 * compare then takes them as its operand, where _mm256_set1_epi8() makes
 * each (gcc 12) with three instructions at every call and, short of
 * registers in the loop, keeps one on a realigned stack.  The pass reads
 * them through a pointer the compiler cannot see through (an empty asm),
 * else it folds the reads back into such constants.
 */
#define SF_X4(c)   c, c, c, c
#define SF_X32(c)  SF_X4(c), SF_X4(c), SF_X4(c), SF_X4(c),                    \
                   SF_X4(c), SF_X4(c), SF_X4(c), SF_X4(c)

/*
 * Row 0, by low nibble (both lanes): the byte of that nibble that is not
 * plain, '&', '<' or 0x7f, else 0x80, equal to no byte a shuffle keeps.
 */
#define SF_TEDDY_NOT_PLAIN                                                    \
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, '&', 0x80,                            \
    0x80, 0x80, 0x80, 0x80, '<', 0x80, 0x80, 0x7f

static const unsigned char  sf_teddy_bytes[2][32] = {
    { SF_TEDDY_NOT_PLAIN, SF_TEDDY_NOT_PLAIN }, { SF_X32(' ') }
};

#define sf_teddy_byte(c, k)  sf_teddy_load(c[k])

/*
 * 0xff for a byte of 0x7f or more, '&' or '<' (not plain), else 0: one
 * of 0x80 or more is below 0 signed (its shuffle gives 0, never equal).
 */
#define sf_teddy_bad(c, v)                                                    \
    _mm256_or_si256(                                                          \
        _mm256_cmpeq_epi8(_mm256_shuffle_epi8(sf_teddy_byte(c, 0), v), v),    \
        _mm256_cmpgt_epi8(_mm256_setzero_si256(), v))

/* Its bytes above ' ', as 0xff (all below 0x7f: a signed compare). */
#define sf_teddy_kept(c, v)                                                   \
    _mm256_cmpgt_epi8(v, sf_teddy_byte(c, 1))


/*
 * The buckets of the windows that may start at p[0] to p[31]: the bytes
 * from p to p + 3 and v (the 32 from p + 4) looked up as bytes 0 to 4 of
 * a window, in the tables t0 to t4 (kept in registers by the loop).
 */
#define sf_teddy_windows(t0, t1, t2, t3, t4, p, v)                            \
    _mm256_and_si256(                                                         \
        _mm256_and_si256(                                                     \
            _mm256_and_si256(_mm256_shuffle_epi8(t4, v),                      \
                             _mm256_shuffle_epi8(t3, sf_teddy_load(p + 3))),  \
            _mm256_shuffle_epi8(t2, sf_teddy_load(p + 2))),                   \
        _mm256_and_si256(_mm256_shuffle_epi8(t1, sf_teddy_load(p + 1)),       \
                         _mm256_shuffle_epi8(t0, sf_teddy_load(p))))



/* The candidates of the windows that start at base + j where mask has
 * bit j: whether an anchor is there.  Seldom called: out of line, and
 * it finds the windows again, so that the pass passes no vector (which
 * made it realign its stack at every call). */
SF_TEDDY_TARGET SF_NOINLINE static int
sf_teddy_found(const sf_teddy_t *t, const unsigned char *text, size_t len,
    size_t base, uint32_t mask)
{
    __m256i        e;
    unsigned char  rb[32];

    e = sf_teddy_windows(sf_teddy_load(t->lo[0]), sf_teddy_load(t->lo[1]),
                         sf_teddy_load(t->lo[2]), sf_teddy_load(t->lo[3]),
                         sf_teddy_load(t->lo[4]), text + base,
                         sf_teddy_load(text + base + 4));
    _mm256_storeu_si256((__m256i *) rb, e);

    return sf_teddy_check(t, text, len, base,
                          mask & ~(uint32_t) _mm256_movemask_epi8(
                              _mm256_cmpeq_epi8(e, _mm256_setzero_si256())),
                          rb);
}


/*
 * Whether each byte that is not plain of the 32 from text + at (bits mb)
 * is the '&' of a reference to a separator that sf_reject_ref4() takes
 * ("&#8217;"): its other bytes are plain and counted as kept, its windows
 * only candidates; 7 bytes a reference are taken off *lower (which the
 * pass and the scan after it make up: a size_t wraps back) and *found
 * gets SF_TEDDY_REFS.  Out of line: the loop leaves for it, as for a
 * candidate.
 */
static SF_NOINLINE int
sf_teddy_refs(const unsigned char *text, size_t len, size_t at, uint32_t mb,
    size_t *lower, int *found)
{
    size_t  p, n;

    for (n = 0; mb != 0; mb &= mb - 1, n++) {
        p = at + (size_t) sf_ctz64(mb);

        if (text[p] != '&' || len - p < 7 || !sf_reject_ref4(text + p)) {
            return 0;
        }
    }

    *lower -= 7 * n;
    *found = SF_TEDDY_REFS;

    return 1;
}


/*
 * A step of 32: the windows that start at text[i] to text[i + 31] and
 * the bytes they end with, text[i + 4] to text[i + 35], counted.  The
 * first 4 bytes are counted before, the last (1 to 31 of them) in the 32
 * that end the text, with the windows that end in them.  From the step
 * at start: the first 4 bytes when 0, else the bytes before start + 4
 * are counted (sf_teddy_avx2() stopped there at a candidate).
 */
SF_TEDDY_TARGET SF_NOINLINE static size_t
sf_teddy_from(const sf_teddy_t *t, const unsigned char *text, size_t len,
    size_t start, size_t *lower, int *found)
{
    int                   hit, refs;
    size_t                i, last;
    uint32_t              mask;
    __m256i               v, e, bad, acc, head, t0, t1, t2, t3, t4;
    const unsigned char  (*c)[32];

    *found = 0;
    hit = 0;
    refs = 0;
    c = sf_teddy_bytes;
    __asm__ ("" : "+r" (c));
    acc = _mm256_setzero_si256();
    /* set by every step before a candidate or a reference reads them;
     * clang cannot tell */
    v = acc;
    bad = acc;

    if (start == 0) {
        /* the first 4 bytes */
        v = sf_teddy_load(text);
        head = sf_teddy_load(sf_teddy_head);

        if (_mm256_movemask_epi8(_mm256_and_si256(sf_teddy_bad(c, v), head))
            != 0)
        {
            return 0;
        }

        acc = _mm256_sub_epi8(acc, _mm256_and_si256(head,
                                                    sf_teddy_kept(c, v)));
    }

    e = _mm256_setzero_si256();
    i = start;

    for ( ;; ) {
        /*
         * As many steps as a byte of the counter takes, with the first
         * bytes and the last.  The tables in registers: the loop leaves
         * them for a candidate (rare), whose check keeps no register.
         * last: where the last step starts (len is SF_TEDDY_MIN or
         * more), one count for the loop to keep.
         */
        last = i + 32 * 252 < len - 36 ? i + 32 * 252 : len - 36;
        t0 = sf_teddy_load(t->lo[0]);
        t1 = sf_teddy_load(t->lo[1]);
        t2 = sf_teddy_load(t->lo[2]);
        t3 = sf_teddy_load(t->lo[3]);
        t4 = sf_teddy_load(t->lo[4]);

        for ( /* void */ ; i <= last; i += 32) {
            v = sf_teddy_load(text + i + 4);
            bad = sf_teddy_bad(c, v);
            e = sf_teddy_windows(t0, t1, t2, t3, t4, text + i, v);

            if (!_mm256_testz_si256(_mm256_or_si256(bad, e),
                                    _mm256_or_si256(bad, e))
                && (!hit || !_mm256_testz_si256(bad, bad)))
            {
                break;
            }

            acc = _mm256_sub_epi8(acc, sf_teddy_kept(c, v));
        }

        if (i <= last) {
            /* a byte that is not plain: a reference the pass reads
             * through, else it stops there */
            mask = (uint32_t) _mm256_movemask_epi8(bad);

            if (mask != 0
                && !sf_teddy_refs(text, len, i + 4, mask, lower, &refs))
            {
                *lower += sf_avx2_sum(acc);
                *found = refs;
                return i + 4;
            }

            /* a candidate in the step at i: its bytes counted, the
             * counters summed, then the check */
            acc = _mm256_sub_epi8(acc, sf_teddy_kept(c, v));
            *lower += sf_avx2_sum(acc);
            acc = _mm256_setzero_si256();

            if (!hit && !_mm256_testz_si256(e, e)) {
                hit = sf_teddy_found(t, text, len, i, ~(uint32_t) 0);
            }

            i += 32;
            continue;
        }

        if (last == len - 36) {
            break;
        }

        *lower += sf_avx2_sum(acc);
        acc = _mm256_setzero_si256();
    }

    if (i + 4 < len) {
        /*
         * The bytes from i + 4 on, in the 32 that end the text.  The
         * tables are loaded again below: an empty asm tells the compiler
         * so, which then keeps no copy of them through the loop's call.
         */
        __asm__ __volatile__ ("" ::: "memory");

        v = sf_teddy_load(text + len - 32);
        head = sf_avx2_tail(len - (i + 4));
        mask = (uint32_t) _mm256_movemask_epi8(
                   _mm256_and_si256(sf_teddy_bad(c, v), head));

        if (mask != 0
            && !sf_teddy_refs(text, len, len - 32, mask, lower, &refs))
        {
            *lower += sf_avx2_sum(acc);
            *found = refs;
            return i + 4;
        }

        acc = _mm256_sub_epi8(acc, _mm256_and_si256(head, sf_teddy_kept(c, v)));

        /* the windows from len - 36 on; those before i are seen */
        e = sf_teddy_windows(sf_teddy_load(t->lo[0]),
                             sf_teddy_load(t->lo[1]),
                             sf_teddy_load(t->lo[2]),
                             sf_teddy_load(t->lo[3]),
                             sf_teddy_load(t->lo[4]), text + len - 36, v);
        mask = ~(uint32_t) 0 << (i - (len - 36));

        if (!hit && !_mm256_testz_si256(e, e)) {
            hit = sf_teddy_found(t, text, len, len - 36, mask);
        }
    }

    *lower += sf_avx2_sum(acc);
    *found = hit | refs;

    return len;
}


/*
 * sf_teddy_from() of a text of one round of the counter (most blocks),
 * while no window is a candidate: nothing of its own is live across a
 * call, so it saves no register and keeps no vector on the stack, and it
 * goes on in sf_teddy_from() (a tail call) from the first step that has
 * one.  Its last step is a step of the loop too, over the bytes of the
 * one before it (sf_teddy_from() masks a step of its own there).
 */
SF_TEDDY_TARGET static size_t
sf_teddy_avx2(const sf_teddy_t *t, const unsigned char *text, size_t len,
    size_t *lower, int *found)
{
    size_t                i, last;
    __m256i               v, e, bad, acc, head, t0, t1, t2, t3, t4;
    const unsigned char  *q, *end, (*c)[32];

    last = len - 36;

    if (last > 32 * 252) {
        return sf_teddy_from(t, text, len, 0, lower, found);
    }

    *found = 0;
    c = sf_teddy_bytes;
    __asm__ ("" : "+r" (c));

    /* the first 4 bytes */
    v = sf_teddy_load(text);
    head = sf_teddy_load(sf_teddy_head);

    if (_mm256_movemask_epi8(_mm256_and_si256(sf_teddy_bad(c, v), head)) != 0) {
        return 0;
    }

    acc = _mm256_sub_epi8(_mm256_setzero_si256(),
                          _mm256_and_si256(head, sf_teddy_kept(c, v)));
    t0 = sf_teddy_load(t->lo[0]);
    t1 = sf_teddy_load(t->lo[1]);
    t2 = sf_teddy_load(t->lo[2]);
    t3 = sf_teddy_load(t->lo[3]);
    t4 = sf_teddy_load(t->lo[4]);

    /*
     * q is where the next step starts: the test is the loop's last.  The
     * last step starts at end (len - 36), over the bytes of the one
     * before from len - 32 on: those are taken off the count again
     * first.  The windows there that start before the step before ended
     * are seen already: no candidate (else the loop left), none again.
     */
    for (q = text, end = text + last; /* void */; /* void */) {
        v = sf_teddy_load(q + 4);
        bad = sf_teddy_bad(c, v);
        e = _mm256_or_si256(bad, sf_teddy_windows(t0, t1, t2, t3, t4, q, v));
        acc = _mm256_sub_epi8(acc, sf_teddy_kept(c, v));
        /* the count before the step is not kept apart (a register less
         * and no move a step): the rare way takes the step's bytes off */
        __asm__ ("" : "+x" (acc));
        q += 32;

        if (!_mm256_testz_si256(e, e)) {
            /* the step is not counted here */
            acc = _mm256_add_epi8(acc, sf_teddy_kept(c, v));
            i = (size_t) (q - text) - 32;

            /* at the first step, sf_teddy_from() counts the first bytes
             * itself; it reads a byte that is not plain there too */
            if (i > 0) {
                *lower += sf_avx2_sum(acc);
            }

            return sf_teddy_from(t, text, len, i, lower, found);
        }

        if (q > end) {
            if (q == end + 32) {
                break;
            }

            acc = _mm256_add_epi8(acc,
                                  _mm256_and_si256(sf_teddy_kept(c, v),
                                      sf_avx2_tail((size_t) (q - end))));
            q = end;
        }
    }

    *lower += sf_avx2_sum(acc);

    return len;
}

#endif


size_t
sf_teddy_scan(const sf_teddy_t *t, const unsigned char *text, size_t len,
    size_t *lower, int *found)
{
#if (SF_TEDDY_AVX2)
    return sf_teddy_avx2(t, text, len, lower, found);
#else
    (void) t; (void) text; (void) len; (void) lower;
    *found = 0;
    return 0;
#endif
}
