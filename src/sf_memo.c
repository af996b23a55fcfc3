/*
 * sf_memo.c: the full decisions the scratch remembers (sf_match_t, memo).
 *
 * A site's boilerplate is the same block under every article and on every
 * page: a disclaimer, a "follow us" box, a "read the original" link.  The
 * last SF_MEMO_SLOTS full decisions without a limit hit or an overflow are
 * kept (but one that answered outlives the others: a second chance, and a
 * kind of decision whose slots go unanswered is kept one time in eight),
 * each by a key that writes out every field of the block the decision
 * reads; a block equal in all of them is decided by one comparison, also
 * on the later pages of the streams that share the scratch.  The key is
 * compared as it is walked, never copied for a look.
 *
 * A decision with a source points into the scratch's source and name
 * buffers.  The same block gives the same source and name, so the slot
 * keeps where they were and the write counts of the two buffers then; it
 * answers while no other decision has written them since (a page's
 * credit line names one source in block after block), and is passed over
 * otherwise.
 */

#include <string.h>

#include "sf_match.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_MEMO_SSE2  1
#else
#define SF_MEMO_SSE2  0
#endif


/*
 * The key's walk inline where it is written and where it is compared
 * (cmp a constant there), its steps inline in it: its length stays in a
 * register, and each way drops the other's branches.
 */
#if defined(__GNUC__)
#define SF_KEY_INLINE  inline __attribute__ ((always_inline))
#else
#define SF_KEY_INLINE  inline
#endif


/*
 * A block's key (sf_key_write()): a head of words, then the bytes of the
 * fields whose lengths the words tell.  The head is the block's
 * SF_KEY_WORDS words, then SF_KEY_LINK words for each link the decision
 * reads; the bytes, in that order: the title's (when the decision read
 * it), the text's, the id's, the class's, the container's id's and
 * class's, then each link's href (when read), rel and class.  A compare
 * (sf_key_same_block()) looks at a part's words at once, one branch:
 * when they are equal its lengths are the slot's, so its fields' bytes
 * are where the slot has them, within its key, and they are compared
 * with no check of where they end (the block's words that count the
 * links first: the slot's key has as many link parts).  The text's
 * length is the slot's memo_text, checked before; the words say whether
 * it is there.
 */
#define SF_KEY_WORDS  7
#define SF_KEY_LINK   5


/*
 * The len bytes (1 to 7) at p in a word: two loads that overlap; for one
 * len, other bytes give another word.
 */
static inline uint64_t
sf_key_tail(const unsigned char *p, size_t len)
{
    uint16_t  a, b;
    uint32_t  c, d;

    if (len >= 4) {
        memcpy(&c, p, 4);
        memcpy(&d, p + len - 4, 4);

        return c | (uint64_t) d << 32;
    }

    if (len >= 2) {
        memcpy(&a, p, 2);
        memcpy(&b, p + len - 2, 2);

        return a | (uint64_t) b << 16;
    }

    return p[0];
}


#if (SF_MEMO_SSE2)

/* The 16 bytes at a and b, which bytes are the same: a bit each. */
#define sf_key_eq16(a, b)                                                     \
    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) (const void *) (a)),     \
                   _mm_loadu_si128((const __m128i *) (const void *) (b)))

/*
 * Whether the len bytes (17 to 64) at a and b are the same: 16 bytes a
 * compare, the last 16 in a load that overlaps the one before, no call
 * (a text or an href of a few dozen bytes: the call costs more).
 */
static inline int
sf_key_same64(const unsigned char *a, const unsigned char *b, size_t len)
{
    __m128i  e;

    e = _mm_and_si128(sf_key_eq16(a, b),
                      sf_key_eq16(a + len - 16, b + len - 16));

    if (len > 32) {
        e = _mm_and_si128(e, sf_key_eq16(a + 16, b + 16));

        if (len > 48) {
            e = _mm_and_si128(e, sf_key_eq16(a + 32, b + 32));
        }
    }

    return _mm_movemask_epi8(e) == 0xffff;
}

#endif


/*
 * Whether the len bytes at a and b are the same.  Most fields of a key
 * but the text are short (a class, a rel): up to 16 bytes in two loads
 * each that overlap, no call, as a call to memcmp() costs more than the
 * compare.
 */
static SF_KEY_INLINE int
sf_key_same(const unsigned char *a, const unsigned char *b, size_t len)
{
    uint64_t  w, x, y, z;

    if (len > 16) {
#if (SF_MEMO_SSE2)
        /* up to 64 bytes in 16-byte loads, the last overlapping */
        if (len <= 32) {
            return sf_key_same64(a, b, len);
        }
#endif
        return memcmp(a, b, len) == 0;
    }

    if (len < 8) {
        return len == 0 || sf_key_tail(a, len) == sf_key_tail(b, len);
    }

    memcpy(&w, a, 8);
    memcpy(&x, b, 8);
    memcpy(&y, a + len - 8, 8);
    memcpy(&z, b + len - 8, 8);

    return ((w ^ x) | (y ^ z)) == 0;
}


/*
 * A field's word in the head: its length and whether its pointer is
 * NULL; and how many bytes it has after the head.
 */
#define sf_key_field_word(p, len)  ((uint64_t) (len) << 1 | ((p) != NULL))
#define sf_key_field_size(p, len)  ((p) != NULL ? (size_t) (len) : 0)

/*
 * The byte fields of a block after its text, and those of a link, in the
 * key's order: the writer and the compare walk them with f, one
 * statement a field, so the two orders cannot part.
 */
#define sf_key_block_fields(f, b)                                             \
    f((b)->id, (b)->id_len);                                                  \
    f((b)->cls, (b)->cls_len);                                                \
    f((b)->parent_id, (b)->parent_id_len);                                    \
    f((b)->parent_cls, (b)->parent_cls_len)

#define sf_key_link_fields(f, l, how)                                         \
    if (!((how) & SF_MEMO_NOHREF)) {                                          \
        f((l)->href, (l)->href_len);                                          \
    }                                                                         \
    f((l)->rel, (l)->rel_len);                                                \
    f((l)->cls, (l)->cls_len)


/*
 * The key's word for the title when the decision did not read it, and for
 * an href (but whether it is there) when it read none: a field writes its
 * length shifted and a bit, never all ones or all ones but bit 0.
 */
#define SF_KEY_NOTITLE  (~(uint64_t) 0)
#define SF_KEY_NOHREF   (~(uint64_t) 1)


/*
 * The block's words (word i of b, as the decision read it: how): its tag
 * and flags (an entry's heading and its title paragraph have the same
 * text), its links' count, whether it has links and text, the title's (or
 * that the decision never read it: notitle, sf_match_page_title() was not
 * called, by the reject nor by the full way; such a decision is the same
 * under any title, so its key has none: a disclaimer under every entry
 * of a listing, each with its own title, is one key), and one for each
 * other field.  A switch on a constant, inline: each word in a register.
 */
static SF_KEY_INLINE uint64_t
sf_key_word(const sf_block_t *b, unsigned how, size_t i)
{
    switch (i) {
    case 0:
        return (uint64_t) (unsigned) b->tag | (uint64_t) b->flags << 32;
    case 1:
        return (uint64_t) b->nlinks << 2
               | (uint64_t) (b->links != NULL) << 1 | (b->text != NULL);
    case 2:
        return (how & SF_MEMO_NOTITLE)
               ? SF_KEY_NOTITLE : sf_key_field_word(b->title, b->title_len);
    case 3:
        return sf_key_field_word(b->id, b->id_len);
    case 4:
        return sf_key_field_word(b->cls, b->cls_len);
    case 5:
        return sf_key_field_word(b->parent_id, b->parent_id_len);
    default:
        return sf_key_field_word(b->parent_cls, b->parent_cls_len);
    }
}


/*
 * A link's words: where its text is, and its href's (or, when the
 * decision read no href (SF_MEMO_NOHREF) but the one it takes the source
 * from by host, which the memo then makes again, whether it is there: a
 * "read the original" link under each entry has its own), rel's and
 * class's.
 */
static SF_KEY_INLINE uint64_t
sf_key_link_word(const sf_link_t *l, unsigned how, size_t i)
{
    switch (i) {
    case 0:
        return l->text_start;
    case 1:
        return l->text_end;
    case 2:
        return (how & SF_MEMO_NOHREF)
               ? SF_KEY_NOHREF | (l->href != NULL)
               : sf_key_field_word(l->href, l->href_len);
    case 3:
        return sf_key_field_word(l->rel, l->rel_len);
    default:
        return sf_key_field_word(l->cls, l->cls_len);
    }
}


/* Word i of the key at key. */
static SF_KEY_INLINE uint64_t
sf_key_at(const unsigned char *key, size_t i)
{
    uint64_t  x;

    memcpy(&x, key + i * sizeof(uint64_t), sizeof(uint64_t));

    return x;
}


/* The links the decision reads (sf_match_normalize), a part each. */
static inline size_t
sf_key_nlinks(const sf_match_t *match, const sf_block_t *b)
{
    if (b->links == NULL) {
        return 0;
    }

    return b->nlinks < match->max_links ? b->nlinks : match->max_links;
}


/* A field's bytes to buf at *len: 0 when they do not fit. */
static inline int
sf_key_put(unsigned char *buf, size_t *len, const unsigned char *p,
    size_t n)
{
    if (n > SF_MEMO_KEY - *len) {
        return 0;
    }

    if (n > 0) {
        memcpy(buf + *len, p, n);
        *len += n;
    }

    return 1;
}


/*
 * Writes the block's key to buf (SF_MEMO_KEY bytes): its length, 0 when
 * it does not fit.
 */
static size_t
sf_key_write(const sf_match_t *match, const sf_block_t *b, unsigned how,
    unsigned char *buf)
{
    size_t            i, nl, len;
    uint64_t          w[SF_KEY_WORDS];
    const sf_link_t  *l;

    nl = sf_key_nlinks(match, b);

    if (nl > (SF_MEMO_KEY / sizeof(uint64_t) - SF_KEY_WORDS) / SF_KEY_LINK) {
        return 0;
    }

    w[0] = sf_key_word(b, how, 0);
    w[1] = sf_key_word(b, how, 1);
    w[2] = sf_key_word(b, how, 2);
    w[3] = sf_key_word(b, how, 3);
    w[4] = sf_key_word(b, how, 4);
    w[5] = sf_key_word(b, how, 5);
    w[6] = sf_key_word(b, how, 6);
    memcpy(buf, w, SF_KEY_WORDS * sizeof(uint64_t));
    len = SF_KEY_WORDS * sizeof(uint64_t);

    for (i = 0; i < nl; i++) {
        l = &b->links[i];
        w[0] = sf_key_link_word(l, how, 0);
        w[1] = sf_key_link_word(l, how, 1);
        w[2] = sf_key_link_word(l, how, 2);
        w[3] = sf_key_link_word(l, how, 3);
        w[4] = sf_key_link_word(l, how, 4);
        memcpy(buf + len, w, SF_KEY_LINK * sizeof(uint64_t));
        len += SF_KEY_LINK * sizeof(uint64_t);
    }

    /* the bytes, in the order sf_key_same_block() reads them */
#define sf_key_field(p, plen)                                                 \
    if (!sf_key_put(buf, &len, p, sf_key_field_size(p, plen))) {              \
        return 0;                                                             \
    }

    if (!(how & SF_MEMO_NOTITLE)) {
        sf_key_field(b->title, b->title_len);
    }

    sf_key_field(b->text, b->text_len);
    sf_key_block_fields(sf_key_field, b);

    for (i = 0; i < nl; i++) {
        l = &b->links[i];
        sf_key_link_fields(sf_key_field, l, how);
    }

#undef sf_key_field

    return len;
}


/*
 * Whether the block's key is the slot's (key, len bytes, written with
 * how), compared as it is walked: nothing copied.  The slot's text is as
 * long as the block's.
 */
static SF_KEY_INLINE int
sf_key_same_block(const sf_match_t *match, const sf_block_t *b,
    const unsigned char *key, size_t len, unsigned how)
{
    size_t                i, nl, off, n, t;
    uint64_t              d;
    const sf_link_t      *l;
    const unsigned char  *w;

    /*
     * The title first: a block like a slot's but under another entry is
     * passed over there, before the words of the others.  Its count of
     * links the slot's, the title's bytes are where the slot has them.
     */
    d = (sf_key_at(key, 0) ^ sf_key_word(b, how, 0))
        | (sf_key_at(key, 1) ^ sf_key_word(b, how, 1))
        | (sf_key_at(key, 2) ^ sf_key_word(b, how, 2));

    if (d != 0) {
        return 0;
    }

    nl = sf_key_nlinks(match, b);
    off = (SF_KEY_WORDS + SF_KEY_LINK * nl) * sizeof(uint64_t);

#define sf_key_cmp(p, plen)                                                   \
    n = sf_key_field_size(p, plen);                                           \
    if (!sf_key_same(key + off, p, n)) {                                      \
        return 0;                                                             \
    }                                                                         \
    off += n

    if (!(how & SF_MEMO_NOTITLE)) {
        sf_key_cmp(b->title, b->title_len);
    }

    /* the block's other words all at once, one branch, then its text */
    d = (sf_key_at(key, 3) ^ sf_key_word(b, how, 3))
        | (sf_key_at(key, 4) ^ sf_key_word(b, how, 4))
        | (sf_key_at(key, 5) ^ sf_key_word(b, how, 5))
        | (sf_key_at(key, 6) ^ sf_key_word(b, how, 6));

    if (d != 0) {
        return 0;
    }

    /* every length the slot's: the bytes, field after field, the text's
     * last (one call, with nothing else to do after it) */
    t = off;
    off += sf_key_field_size(b->text, b->text_len);
    sf_key_block_fields(sf_key_cmp, b);

    /* each link's words, then its bytes */
    for (i = 0; i < nl; i++) {
        l = &b->links[i];
        w = key + (SF_KEY_WORDS + SF_KEY_LINK * i) * sizeof(uint64_t);
        d = (sf_key_at(w, 0) ^ sf_key_link_word(l, how, 0))
            | (sf_key_at(w, 1) ^ sf_key_link_word(l, how, 1))
            | (sf_key_at(w, 2) ^ sf_key_link_word(l, how, 2))
            | (sf_key_at(w, 3) ^ sf_key_link_word(l, how, 3))
            | (sf_key_at(w, 4) ^ sf_key_link_word(l, how, 4));

        if (d != 0) {
            return 0;
        }

        sf_key_link_fields(sf_key_cmp, l, how);
    }

#undef sf_key_cmp

    return off == len
           && sf_key_same(key + t, b->text,
                          sf_key_field_size(b->text, b->text_len));
}


/* Whether the source and name a slot points to are still there. */
static inline int
sf_memo_holds(const sf_match_t *match, const sf_memo_src_t *ms)
{
    return ms->len == 0
           || (ms->src_gen == match->src_gen
               && (ms->name_in != SF_MEMO_NAME_BUF
                   || ms->name_gen == match->name_gen));
}


#if !(SF_MEMO_SSE2)

/*
 * The slots of eight (their low bytes at tl) whose text length ends in
 * the byte of len, as bits: x - 1 borrows into the high bit of each zero
 * byte, ~x masks the others (a borrow may flag a byte above a zero one
 * too), and one multiply gathers the high bits.  Most slots are passed
 * over without a look at their lengths.
 */
static inline unsigned
sf_memo_near(const unsigned char *tl, size_t len)
{
    uint64_t  w, z;

    memcpy(&w, tl, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    w ^= 0x0101010101010101ULL * (len & 0xff);
    z = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;

    return (unsigned) (((z >> 7) * 0x0102040810204080ULL) >> 56);
}

#endif


#if (SF_MEMO_SLOTS != 16)
#error "sf_match_memo() looks at the slots' memo_tl8 as two words"
#endif


/*
 * The slots whose text length ends in the byte of len, as bits: with
 * SSE2 one 16-byte compare, else two words of eight.
 */
static inline unsigned
sf_memo_near16(const unsigned char *tl, size_t len)
{
#if (SF_MEMO_SSE2)
    return (unsigned) _mm_movemask_epi8(
               _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) tl),
                              _mm_set1_epi8((char) (len & 0xff))));
#else
    return sf_memo_near(tl, len) | sf_memo_near(tl + 8, len) << 8;
#endif
}

/* The slot that holds the block, or -1 (memo_mask and memo_missed
 * looked at by the caller). */
static inline int
sf_memo_find(const sf_match_t *match, const sf_block_t *b)
{
    int       i;
    unsigned  near;

    near = sf_memo_near16(match->memo_tl8, b->text_len);

    for ( /* void */ ; near != 0; near &= near - 1) {
        i = (int) sf_ctz64(near);

        if (match->memo_len[i] == 0 || match->memo_text[i] != b->text_len) {
            continue;
        }

        if (sf_key_same_block(match, b, match->memo + i * SF_MEMO_KEY,
                              match->memo_len[i], match->memo_how[i])
            && sf_memo_holds(match, &match->memo_src[i]))
        {
            return i;
        }
    }

    return -1;
}


int
sf_match_memo(sf_match_t *match, const sf_block_t *b)
{
    if (!((match->memo_mask >> sf_memo_bit(b->text_len, b->flags)) & 1)
        || match->memo_missed)
    {
        return -1;
    }

    return sf_memo_find(match, b);
}


/* Whether slot n keeps the block with no rule and nothing more. */
static inline int
sf_memo_kept(sf_match_t *match, int n)
{
    if (match->memo_action[n] != SF_ACT_KEEP || match->memo_rule[n] != NULL
        || (match->memo_how[n] & SF_MEMO_HOST) || match->memo_src[n].len != 0)
    {
        return 0;
    }

    match->memo_idle = 0;
    match->memo_used |= 1u << n;
    match->memo_answered |= 1u << n;
    match->memo_wasted[match->memo_kind[n]] = 0;

    return 1;
}


/*
 * The block's slot goes to the full way (memo_found), which takes the
 * memo's answer; else the lookups after this one for the same block
 * answer at once (memo_missed).  memo_missed is set here and cleared by
 * the decision only: a block that comes after one with it set either
 * comes here too (its text length is in memo_mask) or is in no slot
 * anyway (every lookup checks the mask first).  Set where it should not
 * be (a test's slow way), it could only send a block the memo holds the
 * full way: the same answer.
 */
int
sf_match_memo_kept(sf_match_t *match, const sf_block_t *b)
{
    int  n;

    match->memo_missed = 0;
    n = sf_memo_find(match, b);

    if (n < 0) {
        match->memo_missed = 1;
        return -1;
    }

    if (sf_memo_kept(match, n)) {
        match->memo_found = 0;
        return 1;
    }

    match->memo_found = (unsigned) n + 1;

    return 0;
}


/*
 * Where the decision's source and name are, in *ms: 0 when they point
 * elsewhere than the scratch's source and name buffers.
 */
static int
sf_memo_where(const sf_match_t *match, const sf_decision_result_t *result,
    sf_memo_src_t *ms)
{
    const char  *name, *src, *buf;

    memset(ms, 0, sizeof(sf_memo_src_t));

    if (result->source == NULL) {
        return result->source_name == NULL;
    }

    src = (const char *) match->source;
    buf = (const char *) match->name;
    name = result->source_name;

    if (result->source != src || result->source_len == 0) {
        return 0;
    }

    ms->len = result->source_len;
    ms->src_gen = match->src_gen;
    ms->name_gen = match->name_gen;
    ms->name_len = result->source_name_len;

    if (name == NULL) {
        ms->name_in = SF_MEMO_NAME_NONE;
        ms->name_len = 0;

    } else if (name >= buf && name - buf <= SF_NAME_MAX
               && result->source_name_len <= (size_t) (SF_NAME_MAX
                                                       - (name - buf)))
    {
        ms->name_in = SF_MEMO_NAME_BUF;
        ms->name_off = name - buf;

    } else if (name >= src && (size_t) (name - src) <= ms->len
               && result->source_name_len <= ms->len - (name - src))
    {
        ms->name_in = SF_MEMO_NAME_SRC;
        ms->name_off = name - src;

    } else {
        return 0;
    }

    return 1;
}


/*
 * The kind of a decision, by its rule's id and what it did not read: by
 * the id's bytes, not its address, so that which decisions are kept is
 * the same on every machine and in every run (a few remembered a page).
 */
static unsigned
sf_memo_kind(const char *rule, unsigned how)
{
    unsigned  h;

    for (h = 0; rule != NULL && *rule != '\0'; rule++) {
        h = h * 31 + (unsigned char) *rule;
    }

    return (h ^ (h >> 5) ^ (h >> 11) ^ how) & (SF_MEMO_KINDS - 1);
}


void
sf_match_remember(sf_match_t *match, const sf_block_t *b,
    const sf_decision_result_t *result)
{
    int            i, n;
    unsigned       how, kind, old;
    sf_memo_src_t  ms;

    /*
     * A page whose blocks do not come again (each entry's title is in
     * the keys of the decisions that read it) gets no answer for the keys
     * it writes: after SF_MEMO_IDLE decisions without one, one in eight
     * is kept, until the memo answers again; the same for a kind of
     * decision whose keys do not come again on a page where others do
     * (memo_wasted).  Which are kept changes no answer.
     */
    how = match->title_read ? 0 : SF_MEMO_NOTITLE;

    if (!match->href_read) {
        how |= SF_MEMO_NOHREF | (match->src_link != 0 ? SF_MEMO_HOST : 0);
    }

    kind = sf_memo_kind(result->rule_id, how);

    if (match->memo_idle < SF_MEMO_IDLE) {
        match->memo_idle++;

        /* one sampling at a time: a block kept 1 in 8 comes again
         * within eight of its decisions */
        if (match->memo_wasted[kind] >= SF_MEMO_WASTED
            && match->memo_sample++ % 8 != 0)
        {
            return;
        }

    } else if (match->memo_idle++ % 8 != 0) {
        return;
    }

    /* what points into no buffer of this decision, but source and name
     * (or what the memo makes again) */
    if (result->limit_hit || result->text_overflow) {
        return;
    }

    if (how & SF_MEMO_HOST) {
        memset(&ms, 0, sizeof(sf_memo_src_t));

    } else if (!sf_memo_where(match, result, &ms)) {
        return;
    }

    /*
     * The oldest slot that has not answered since the hand last passed
     * it, written over: the boilerplate under every entry stays while the
     * blocks of one entry only come and go around it.
     */
    n = (int) match->memo_next;

    while (match->memo_used & (1u << n)) {
        match->memo_used &= ~(1u << n);
        n = (n + 1) % SF_MEMO_SLOTS;
    }

    /* what the slot's kind was worth */
    if (match->memo_len[n] > 0) {
        old = match->memo_kind[n];

        if (match->memo_answered & (1u << n)) {
            match->memo_wasted[old] = 0;

        } else if (match->memo_wasted[old] < 255) {
            match->memo_wasted[old]++;
        }
    }

    match->memo_answered &= ~(1u << n);
    match->memo_kind[n] = (unsigned char) kind;

    match->memo_how[n] = (unsigned char) how;
    match->memo_link[n] = match->src_link;

    match->memo_len[n] = sf_key_write(match, b, how,
                                      match->memo + n * SF_MEMO_KEY);
    match->memo_text[n] = b->text_len;
    match->memo_tl8[n] = (unsigned char) b->text_len;
    match->memo_bit[n] = (unsigned char) sf_memo_bit(b->text_len, b->flags);
    match->memo_action[n] = result->action;
    match->memo_rule[n] = result->rule_id;
    match->memo_src[n] = ms;
    match->memo_next = (unsigned) (n + 1) % SF_MEMO_SLOTS;
    match->memo_mask = 0;

    for (i = 0; i < SF_MEMO_SLOTS; i++) {
        if (match->memo_len[i] > 0) {
            match->memo_mask |= (uint64_t) 1 << match->memo_bit[i];
        }
    }
}


void
sf_match_recall(sf_match_t *match, int n, const sf_block_t *b,
    sf_decision_result_t *result)
{
    const sf_link_t      *l;
    const sf_memo_src_t  *ms;

    match->memo_idle = 0;
    match->memo_used |= 1u << n;
    match->memo_answered |= 1u << n;
    match->memo_wasted[match->memo_kind[n]] = 0;
    memset(result, 0, sizeof(sf_decision_result_t));
    result->action = match->memo_action[n];
    result->rule_id = match->memo_rule[n];

    /* the source by host, from this block's link: as the full way makes
     * it (its key says the link is there, and has an href) */
    if (match->memo_how[n] & SF_MEMO_HOST) {
        l = &b->links[match->memo_link[n] - 1];
        sf_match_by_host(match, l->href, l->href_len, result);
        return;
    }

    ms = &match->memo_src[n];

    if (ms->len == 0) {
        return;
    }

    result->source = (const char *) match->source;
    result->source_len = ms->len;

    if (ms->name_in == SF_MEMO_NAME_BUF) {
        result->source_name = (const char *) match->name + ms->name_off;
        result->source_name_len = ms->name_len;

    } else if (ms->name_in == SF_MEMO_NAME_SRC) {
        result->source_name = (const char *) match->source + ms->name_off;
        result->source_name_len = ms->name_len;
    }
}


/*
 * The reject keeps a block only where the full way would keep it with no
 * rule, and a full decision so needs nothing of the block to be made
 * again: a slot that keeps with no rule, no source and no limit (none
 * with a limit is written) answers "kept" before the reject, whether the
 * reject or the full way wrote it.  The reject's part of what the
 * decision read of the title and the hrefs is in title_read, href_read
 * (cleared by sf_match_kept(), or here for a block the stream told bare,
 * whose look reads neither).
 */
void
sf_match_remember_kept(sf_match_t *match, const sf_block_t *b)
{
    sf_decision_result_t  res;

    memset(&res, 0, sizeof(sf_decision_result_t));
    res.action = SF_ACT_KEEP;
    match->src_link = 0;

    sf_match_remember(match, b, &res);

    /* a slot more: the next lookup of this length walks it */
    match->memo_missed = 0;
}


int
sf_match_recall_kept(sf_match_t *match, int n)
{
    return sf_memo_kept(match, n);
}
