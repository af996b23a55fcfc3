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
 * A block's key (sf_match_key) being written to buf or compared with cmp,
 * len bytes of it so far, cap at most.
 */
typedef struct {
    unsigned char        *buf;
    const unsigned char  *cmp;
    size_t                len;
    size_t                cap;
} sf_key_t;


/*
 * A part of the key is a head of words, then the bytes of its fields,
 * where the words say: once the words are equal and the part fits, its
 * bytes need no check of where they end.  sf_key_fits() checks that the
 * part (need bytes, the head's included) fits.  Compared, need is the
 * head only: a slot's key is whole parts (one that did not fit is no
 * key), the parts walked so far were equal to its first ones, so a head
 * that starts before the key's end is the head of its next part, and a
 * head equal to it says the part's bytes are all in the key.
 * sf_key_put() puts word i
 * of the head, or gathers in *d how it differs: the words are compared
 * all at once, one branch (sf_key_head()).
 */
static SF_KEY_INLINE int
sf_key_fits(const sf_key_t *k, size_t need)
{
    return k->cap - k->len >= need;
}


static SF_KEY_INLINE void
sf_key_put(sf_key_t *k, size_t i, size_t v, int cmp, size_t *d)
{
    size_t  x;

    if (cmp) {
        memcpy(&x, k->cmp + k->len + i * sizeof(size_t), sizeof(size_t));
        *d |= x ^ v;

    } else {
        memcpy(k->buf + k->len + i * sizeof(size_t), &v, sizeof(size_t));
    }
}


/* Past the head of n words: 0 when they differ (d not 0). */
static SF_KEY_INLINE int
sf_key_head(sf_key_t *k, size_t n, size_t d)
{
    if (d != 0) {
        return 0;
    }

    k->len += n * sizeof(size_t);

    return 1;
}


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


/*
 * Whether the len bytes (1 to 16) at a and b are the same: two loads each
 * that overlap, no call.  Most fields of a key but the text are short (a
 * class, a rel), and a call to memcmp() costs more than the compare.
 */
static SF_KEY_INLINE int
sf_key_same16(const unsigned char *a, const unsigned char *b, size_t len)
{
    uint64_t  w, x, y, z;

    if (len < 8) {
        return sf_key_tail(a, len) == sf_key_tail(b, len);
    }

    memcpy(&w, a, 8);
    memcpy(&x, b, 8);
    memcpy(&y, a + len - 8, 8);
    memcpy(&z, b + len - 8, 8);

    return ((w ^ x) | (y ^ z)) == 0;
}


/*
 * A field's word in the head of its part: its length and whether its
 * pointer is NULL; and how many bytes it has after the head.
 */
#define sf_key_field_word(p, len)  ((size_t) (len) << 1 | ((p) != NULL))
#define sf_key_field_size(p, len)  ((p) != NULL ? (size_t) (len) : 0)


/*
 * A field's bytes, if any, after the head of its part (sf_key_words()
 * checked that they fit).  0 when they differ.
 */
static SF_KEY_INLINE int
sf_key_bytes(sf_key_t *k, const unsigned char *p, size_t len, int cmp)
{
    if (p == NULL || len == 0) {
        return 1;
    }

    if (cmp) {
        if (len <= 16 ? !sf_key_same16(k->cmp + k->len, p, len)
                      : memcmp(k->cmp + k->len, p, len) != 0)
        {
            return 0;
        }

    } else {
        memcpy(k->buf + k->len, p, len);
    }

    k->len += len;

    return 1;
}


/*
 * The key's word for the title when the decision did not read it, and for
 * an href (but whether it is there) when it read none: a field writes its
 * length shifted and a bit, never all ones or all ones but bit 0.
 */
#define SF_KEY_NOTITLE  (~(size_t) 0)
#define SF_KEY_NOHREF   (~(size_t) 1)


/*
 * The block's key: every field the decision reads (not raw nor index),
 * written out.  Returns 0 when it does not fit, or differs from k->cmp.
 * Two parts for the block, then one for each link read: the first has
 * its tag, flags and links count (an entry's heading and its title
 * paragraph have the same text) and the title (the entry's: the same
 * boilerplate under another entry differs there, in its first bytes);
 * the second a word for each other field, then the text's bytes.  A
 * decision that never read the title (notitle: sf_match_page_title() was
 * not called, by the reject nor by the full way) is the same under any
 * title, so its key has none: a disclaimer under every entry of a
 * listing, each with its own title, is one key.  The same for the hrefs
 * (how: SF_MEMO_NOHREF), whose bytes a "read the original" link under
 * each entry has of its own, when the decision read none but the one it
 * takes the source from by host, which the memo then makes again.
 */
static SF_KEY_INLINE int
sf_match_key(const sf_match_t *match, const sf_block_t *b, sf_key_t *k,
    int cmp, unsigned how)
{
    int               ok, notitle, nohref;
    size_t            i, d, need;
    const sf_link_t  *l;

    notitle = (how & SF_MEMO_NOTITLE) != 0;
    nohref = (how & SF_MEMO_NOHREF) != 0;

    /* the title's part first: a block like a slot's but under another
     * entry is passed over there, before the words of the others */
    need = 4 * sizeof(size_t);

    if (!cmp && !notitle) {
        need += sf_key_field_size(b->title, b->title_len);
    }

    if (!sf_key_fits(k, need)) {
        return 0;
    }

    d = 0;
    sf_key_put(k, 0, (size_t) b->tag, cmp, &d);
    sf_key_put(k, 1, b->flags, cmp, &d);
    sf_key_put(k, 2, b->nlinks << 1 | (b->links != NULL), cmp, &d);
    sf_key_put(k, 3, notitle ? SF_KEY_NOTITLE
                             : sf_key_field_word(b->title, b->title_len),
               cmp, &d);

    if (!sf_key_head(k, 4, d)
        || !(notitle || sf_key_bytes(k, b->title, b->title_len, cmp)))
    {
        return 0;
    }

    need = 5 * sizeof(size_t);

    if (!cmp) {
        need += sf_key_field_size(b->text, b->text_len)
                + sf_key_field_size(b->id, b->id_len)
                + sf_key_field_size(b->cls, b->cls_len)
                + sf_key_field_size(b->parent_id, b->parent_id_len)
                + sf_key_field_size(b->parent_cls, b->parent_cls_len);
    }

    if (!sf_key_fits(k, need)) {
        return 0;
    }

    d = 0;
    sf_key_put(k, 0, sf_key_field_word(b->text, b->text_len), cmp, &d);
    sf_key_put(k, 1, sf_key_field_word(b->id, b->id_len), cmp, &d);
    sf_key_put(k, 2, sf_key_field_word(b->cls, b->cls_len), cmp, &d);
    sf_key_put(k, 3, sf_key_field_word(b->parent_id, b->parent_id_len),
               cmp, &d);
    sf_key_put(k, 4, sf_key_field_word(b->parent_cls, b->parent_cls_len),
               cmp, &d);

    ok = sf_key_head(k, 5, d)
         && sf_key_bytes(k, b->text, b->text_len, cmp)
         && sf_key_bytes(k, b->id, b->id_len, cmp)
         && sf_key_bytes(k, b->cls, b->cls_len, cmp)
         && sf_key_bytes(k, b->parent_id, b->parent_id_len, cmp)
         && sf_key_bytes(k, b->parent_cls, b->parent_cls_len, cmp);

    /* the links the decision reads (sf_match_normalize), a part each */
    for (i = 0; ok && b->links != NULL && i < b->nlinks
                && i < match->max_links; i++)
    {
        l = &b->links[i];

        need = 5 * sizeof(size_t);

        if (!cmp) {
            need += sf_key_field_size(l->rel, l->rel_len)
                    + sf_key_field_size(l->cls, l->cls_len)
                    + (nohref ? 0 : sf_key_field_size(l->href, l->href_len));
        }

        if (!sf_key_fits(k, need)) {
            return 0;
        }

        d = 0;
        sf_key_put(k, 0, l->text_start, cmp, &d);
        sf_key_put(k, 1, l->text_end, cmp, &d);
        sf_key_put(k, 2, nohref ? SF_KEY_NOHREF | (l->href != NULL)
                                : sf_key_field_word(l->href, l->href_len),
                   cmp, &d);
        sf_key_put(k, 3, sf_key_field_word(l->rel, l->rel_len), cmp, &d);
        sf_key_put(k, 4, sf_key_field_word(l->cls, l->cls_len), cmp, &d);

        ok = sf_key_head(k, 5, d)
             && (nohref || sf_key_bytes(k, l->href, l->href_len, cmp))
             && sf_key_bytes(k, l->rel, l->rel_len, cmp)
             && sf_key_bytes(k, l->cls, l->cls_len, cmp);
    }

    return ok;
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


#if (SF_MEMO_SLOTS != 16)
#error "sf_match_memo() looks at the slots' memo_tl8 as two words"
#endif

int
sf_match_memo(sf_match_t *match, const sf_block_t *b)
{
    int       i;
    unsigned  near;
    sf_key_t  k;

    if (!((match->memo_mask >> sf_memo_bit(b->text_len, b->flags)) & 1)
        || match->memo_missed)
    {
        return -1;
    }

    near = sf_memo_near(match->memo_tl8, b->text_len)
           | sf_memo_near(match->memo_tl8 + 8, b->text_len) << 8;

    for ( /* void */ ; near != 0; near &= near - 1) {
        i = (int) sf_ctz64(near);

        if (match->memo_len[i] == 0 || match->memo_text[i] != b->text_len) {
            continue;
        }

        /* compared as it is written out: nothing copied */
        k.buf = NULL;
        k.cmp = match->memo + i * SF_MEMO_KEY;
        k.len = 0;
        k.cap = match->memo_len[i];

        if (sf_match_key(match, b, &k, 1, match->memo_how[i])
            && k.len == match->memo_len[i]
            && sf_memo_holds(match, &match->memo_src[i]))
        {
            return i;
        }
    }

    return -1;
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


/* The kind of a decision, by its rule and what it did not read. */
static unsigned
sf_memo_kind(const char *rule, unsigned how)
{
    uintptr_t  h;

    h = (uintptr_t) rule;

    return (unsigned) ((h ^ (h >> 5) ^ (h >> 11) ^ how)
                       & (SF_MEMO_KINDS - 1));
}


void
sf_match_remember(sf_match_t *match, const sf_block_t *b,
    const sf_decision_result_t *result)
{
    int            i, n;
    unsigned       how, kind, old;
    sf_key_t       k;
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

    k.buf = match->memo + n * SF_MEMO_KEY;
    k.cmp = NULL;
    k.len = 0;
    k.cap = SF_MEMO_KEY;

    if (!sf_match_key(match, b, &k, 0, how)) {
        k.len = 0;
    }

    match->memo_how[n] = (unsigned char) how;
    match->memo_link[n] = match->src_link;

    match->memo_len[n] = k.len;
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
