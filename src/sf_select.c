/*
 * sf_select.c: which rules a tag or a block is in scope of: the decision at
 * a start tag (hold, drop whole, or let it flow) and the scope test of a
 * held block, by tag, class and id, with a bloom filter of the names the
 * selectors use in front.
 */

#include <string.h>

#include "sf_match.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_SELECT_SSE2  1
#else
#define SF_SELECT_SSE2  0
#endif


static sf_select_e sf_rules_select_bloom(const sf_rules_t *rules,
    sf_tag_e tag, const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, const char **rule_id);
static sf_select_e sf_rules_select_cls(const sf_rules_t *rules,
    sf_tag_e tag, const unsigned char *cls, size_t cls_len,
    const char **rule_id);
static sf_select_e sf_rules_select_named(const sf_rules_t *rules,
    sf_tag_e tag, const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, const char **rule_id);


static int
sf_selector_match(const sf_selector_t *s, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len)
{
    if (s->tag != SF_TAG_NONE && s->tag != tag) {
        return 0;
    }

    if (s->cls != NULL) {
        return cls != NULL && sf_class_has(cls, cls_len, s->cls, s->cls_len);
    }

    if (s->id != NULL) {
        return id != NULL && id_len == s->id_len
               && memcmp(id, s->id, id_len) == 0;
    }

    return s->tag != SF_TAG_NONE;
}


/*
 * The end of a run of bytes above ' ' from p: eight bytes at a time while
 * none is ' ' or below (x - 0x21 borrows into the high bit of the first
 * such byte; a byte >= 0x80 has its own high bit masked off by ~x).
 */
static const unsigned char *
sf_select_word_end(const unsigned char *p, const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t  q, t;

    while (end - p >= 8) {
        memcpy(&q, p, 8);
        t = (q - 0x2121212121212121ull) & ~q & 0x8080808080808080ull;

        if (t != 0) {
            return p + (sf_ctz64(t) >> 3);
        }

        p += 8;
    }
#endif

    while (p < end && *p > ' ') {
        p++;
    }

    return p;
}


/*
 * Whether a token of the class list may be a class of the bloom's, a byte
 * at a time: the portable way, and the way of what the sixteen-byte loads
 * do not take.
 */
int
sf_rules_bloom_list_bytes(uint64_t bloom, const unsigned char *cls,
    size_t len)
{
    const unsigned char  *p, *end, *start;

    p = cls;
    end = cls + len;

    /* one pass: a token is a run of bytes above ' ' */
    for ( ;; ) {
        while (p < end && *p <= ' ') {
            p++;
        }

        if (p == end) {
            return 0;
        }

        start = p;
        p = sf_select_word_end(p, end);

        if (bloom & sf_rules_bloom(start, (size_t) (p - start))) {
            return 1;
        }
    }
}


#if (SF_SELECT_SSE2) && defined(__BYTE_ORDER__)                             \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SF_SELECT_WORDS  1

/*
 * The bytes above ' ' among the eight at p, as bits 0 to 7: the high bit
 * of each byte is set when it is, or when its low seven bits add up past
 * 0x7f with 0x5f (no carry crosses a byte); a multiply gathers the eight
 * high bits into the top byte.
 */
static inline uint64_t
sf_select_word8(const unsigned char *p)
{
    uint64_t  q, hi;

    memcpy(&q, p, 8);
    hi = (q | ((q & 0x7f7f7f7f7f7f7f7fULL) + 0x5f5f5f5f5f5f5f5fULL))
         & 0x8080808080808080ULL;

    return ((hi >> 7) * 0x0102040810204080ULL) >> 56;
}


/*
 * The bytes up to ' ' among the n (1 to 64) at p, as bits, and every bit
 * from n up: the words of a window end within it.  Sixteen bytes a
 * compare, the last sixteen (or eight) in a load that overlaps the one
 * before; nothing before p or from p + n is read.
 */
static inline uint64_t
sf_select_spaces(const unsigned char *p, size_t n)
{
    size_t    i;
    uint64_t  m;
    __m128i   sp;

    if (n < 16) {
        if (n >= 8) {
            m = sf_select_word8(p) | sf_select_word8(p + n - 8) << (n - 8);

        } else {
            m = 0;

            for (i = 0; i < n; i++) {
                m |= (uint64_t) (p[i] > ' ') << i;
            }
        }

        return ~m;
    }

    sp = _mm_set1_epi8(' ');
    m = 0;

#define sf_select_spaces16(i)                                                 \
    ((uint64_t) (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(                  \
         _mm_max_epu8(_mm_loadu_si128((const __m128i *) (p + (i))), sp), sp)) \
     << (i))

    for (i = 0; i + 16 < n; i += 16) {
        m |= sf_select_spaces16(i);
    }

    m |= sf_select_spaces16(n - 16);

#undef sf_select_spaces16

    return n == 64 ? m : m | ~(((uint64_t) 1 << n) - 1);
}

#else
#define SF_SELECT_WORDS  0
#endif


int
sf_rules_bloom_list(uint64_t bloom, const unsigned char *cls, size_t len)
{
#if (SF_SELECT_WORDS)
    size_t    n, last, a;
    uint64_t  sp, word, starts, ends;
#endif

    if (bloom == 0) {
        return 0;
    }

#if (SF_SELECT_WORDS)
    /*
     * Most class lists are one word of 8 to 16 bytes ("entry-meta",
     * "inside-article"): two loads that overlap tell that no byte is ' '
     * or below (x - 0x21 borrows into the high bit of the first such
     * byte, ~x masks the bytes >= 0x80), and the word is the list.
     */
    if (len >= 8 && len <= 16) {
        memcpy(&word, cls, 8);
        memcpy(&sp, cls + len - 8, 8);

        if ((((word - 0x2121212121212121ull) & ~word)
             | ((sp - 0x2121212121212121ull) & ~sp))
            & 0x8080808080808080ull)
        {
            goto words;
        }

        return (bloom & sf_rules_bloom(cls, len)) != 0;
    }

words:

    /*
     * The words of up to 64 bytes at once: their first and last bytes are
     * the edges of the runs of zero bits in the mask of white space (and
     * of bytes below it), and one hash of those bytes and the length
     * tests a word against the bloom.  A window that the list goes on past
     * ends at its last space; one without any (a word of 64 bytes or more)
     * is left to the bytes' way.
     */
    while (len > 0) {
        n = len < 64 ? len : 64;
        sp = sf_select_spaces(cls, n);

        if (len > 64) {
            if (sp == 0) {
                break;
            }

            last = 63 - (size_t) __builtin_clzll(sp);
            sp |= ~(uint64_t) 0 << last;
            n = last + 1;
        }

        word = ~sp;
        starts = word & ~(word << 1);
        ends = word & ~(word >> 1);

        while (starts != 0) {
            a = (size_t) __builtin_ctzll(starts);

            if (bloom & sf_rules_bloom(cls + a,
                                       (size_t) __builtin_ctzll(ends) - a + 1))
            {
                return 1;
            }

            starts &= starts - 1;
            ends &= ends - 1;
        }

        cls += n;
        len -= n;
    }

    if (len == 0) {
        return 0;
    }
#endif

    return sf_rules_bloom_list_bytes(bloom, cls, len);
}


/*
 * Most class lists of a page are one or two short words: one shorter
 * than any class a selector names needs no look at its words.
 */
static inline int
sf_select_class_named(const sf_rules_t *rules, const unsigned char *cls,
    size_t len)
{
    return len >= rules->cls_min
           && sf_rules_bloom_list(rules->cls_bloom, cls, len);
}


/* A tag without an id or a class a rule may name: held by its name, or
 * let flow. */
static inline sf_select_e
sf_select_by_name(const sf_rules_t *rules, sf_tag_e tag)
{
    return rules->hold[tag] ? SF_SELECT_HOLD : SF_SELECT_NONE;
}


int
sf_rules_class_named(const sf_rules_t *rules, const unsigned char *cls,
    size_t len)
{
    return rules != NULL && rules->compiled
           && sf_select_class_named(rules, cls, len);
}


sf_select_e
sf_rules_select(const sf_rules_t *rules, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, const char **rule_id)
{
    if (rule_id != NULL) {
        *rule_id = NULL;
    }

    if (rules == NULL || !rules->compiled || (unsigned) tag >= SF_TAG_NTAGS)
    {
        return SF_SELECT_NONE;
    }

    /* most tags: no id, no class list a selector may name: no call */
    if (id_len == 0) {
        return cls_len < rules->cls_min
               ? sf_select_by_name(rules, tag)
               : sf_rules_select_cls(rules, tag, cls, cls_len, rule_id);
    }

    return sf_rules_select_bloom(rules, tag, id, id_len, cls, cls_len,
                                 rule_id);
}


/*
 * sf_rules_select_bloom() of a tag with a class list and no id (most
 * inline tags a page gives a class): its one bloom, and nothing else
 * kept across the call.
 */
static SF_NOINLINE sf_select_e
sf_rules_select_cls(const sf_rules_t *rules, sf_tag_e tag,
    const unsigned char *cls, size_t cls_len, const char **rule_id)
{
    if (!sf_rules_bloom_list(rules->cls_bloom, cls, cls_len)) {
        return sf_select_by_name(rules, tag);
    }

    return sf_rules_select_named(rules, tag, NULL, 0, cls, cls_len, rule_id);
}


/*
 * sf_rules_select() for a tag with an id or a class list that may be
 * named: the blooms first.
 */
static SF_NOINLINE sf_select_e
sf_rules_select_bloom(const sf_rules_t *rules, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, const char **rule_id)
{
    /*
     * Most tags carry classes, few of them are named by a rule: a bloom
     * filter of the names keeps the selector checks off the common path.
     */
    if (id_len == 0
        || (rules->id_bloom & sf_rules_bloom(id, id_len)) == 0)
    {
        id = NULL;
    }

    if (!sf_select_class_named(rules, cls, cls_len)) {
        cls = NULL;
    }

    /* a tag without class or id a rule may name: by its name, or not */
    return (id != NULL || cls != NULL)
           ? sf_rules_select_named(rules, tag, id, id_len, cls, cls_len,
                                   rule_id)
           : sf_select_by_name(rules, tag);
}


/*
 * sf_rules_select() for a tag with an id or a class list (NULL: none, or
 * none the blooms let through) that a rule may name: the selectors.
 */
static SF_NOINLINE sf_select_e
sf_rules_select_named(const sf_rules_t *rules, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, const char **rule_id)
{
    size_t      i, j;
    sf_rule_t  *r;

    for (i = 0; i < rules->nselectors; i++) {
        r = rules->selectors[i];

        for (j = 0; j < r->nsel; j++) {
            if (sf_selector_match(&r->sel[j], tag, id, id_len, cls, cls_len))
            {
                if (rule_id != NULL) {
                    *rule_id = r->id;
                }

                return SF_SELECT_DROP;
            }
        }
    }

    if (rules->hold[tag]) {
        return SF_SELECT_HOLD;
    }

    for (i = 0; i < rules->nhold_sel; i++) {
        if (sf_selector_match(rules->hold_sel[i], tag, id, id_len, cls,
                              cls_len))
        {
            return SF_SELECT_HOLD;
        }
    }

    return SF_SELECT_NONE;
}


/* ---- the block ------------------------------------------------------ */

int
sf_match_scope(const sf_rule_t *r, const sf_block_t *b)
{
    size_t                i;
    sf_tag_e              tag;
    sf_block_attrs_t      a;
    const sf_selector_t  *s;

    tag = (b->flags & SF_BLOCK_ANONYMOUS) ? SF_TAG_NONE : b->tag;

    if ((unsigned) tag < SF_TAG_NTAGS && r->scope_tag[tag]) {
        return 1;
    }

    if (!r->scope_attr) {
        return 0;
    }

    sf_block_attrs(b, &a);

    for (i = 0; i < r->nsel; i++) {
        s = &r->sel[i];

        if (s->any || (s->anon && tag == SF_TAG_NONE)) {
            return 1;
        }

        if (s->anon) {
            continue;
        }

        if (s->tag == SF_TAG_NONE && s->cls == NULL && s->id == NULL) {
            continue;
        }

        if (s->tag != SF_TAG_NONE && s->tag != tag) {
            continue;
        }

        if (sf_selector_match(s, s->tag == SF_TAG_NONE ? tag : s->tag, a.id,
                              a.id_len, a.cls, a.cls_len))
        {
            return 1;
        }
    }

    return 0;
}
