/*
 * sf_match.h: the per-stream scratch of the rules (sf_match_t), shared by
 * the decision (sf_match.c) and the raw-text reject (sf_reject.c).
 * Internal.
 */

#ifndef SF_MATCH_H_INCLUDED
#define SF_MATCH_H_INCLUDED

#include "sf_rules.h"
#include "sf_normalize.h"


#define SF_SOURCE_MAX     2048
#define SF_NAME_MAX       512
#define SF_HREF_MAX       2048
#define SF_ELINKS_MAX     16                /* links in escaped markup */
#define SF_SOURCE_RAW     512               /* hrefs the source cache keeps */
#define SF_TITLE_RAW      256               /* titles the title cache keeps */
#define SF_NAME_RAW       256               /* names the name cache keeps */
#define SF_MEMO_SLOTS     16                /* decisions remembered */
#define SF_MEMO_KEY       1024              /* bytes of a block's key */
#define SF_MEMO_IDLE      32                /* decisions without a hit
                                               before it keeps 1 in 8 */
#define SF_MEMO_BARE      SF_BARE_LOOKED    /* text bytes from which the
                                               memo's one compare costs
                                               less than the reject's look
                                               (sf_block.h) */
#define SF_MEMO_KINDS     8                 /* kinds of decision counted */
#define SF_MEMO_WASTED    4                 /* slots of a kind written over
                                               unanswered before the kind
                                               is kept 1 in 8 */
#define SF_CLASS_SLOTS    32                /* class lists remembered */
#define SF_CLASS_KEY      128               /* bytes of the longest */
#define SF_TAG_MEMO_SLOTS 16                /* start tags remembered (one
                                               16-byte look at their hashes) */


/* A link of the block being decided, in every coordinate it needs. */
typedef struct {
    const unsigned char  *href;             /* raw, entities intact */
    size_t                href_len;
    const unsigned char  *rel;              /* raw; NULL when escaped */
    size_t                rel_len;
    const unsigned char  *cls;
    size_t                cls_len;
    size_t                blink;            /* 1 + its index in the
                                               block's links, 0: escaped */
    size_t                dstart;           /* in the decoded text */
    size_t                dend;
    size_t                start;            /* in the normalized text */
    size_t                end;
} sf_mlink_t;


/*
 * Where a remembered decision's source and its name are (sf_memo.c): the
 * source is match->source as sf_match_clean() wrote it at write count
 * src_gen (len 0: no source); the name is in match->name as written at
 * name_gen, or in the source, or none.
 */
typedef enum {
    SF_MEMO_NAME_NONE = 0,
    SF_MEMO_NAME_BUF,
    SF_MEMO_NAME_SRC
} sf_memo_name_e;

/* What a remembered decision did not read, so that its key leaves it
 * out; SF_MEMO_HOST: its source is one block link's href by host name,
 * made again from the block that the slot answers. */
#define SF_MEMO_NOTITLE   0x01
#define SF_MEMO_NOHREF    0x02
#define SF_MEMO_HOST      0x04

typedef struct {
    size_t                len;
    size_t                name_off;
    size_t                name_len;
    uint64_t              src_gen;
    uint64_t              name_gen;
    sf_memo_name_e        name_in;
} sf_memo_src_t;


struct sf_match_s {
    const sf_rules_t     *rules;
    sf_allocator_t        alloc;
    sf_limits_t           limits;           /* created for these */
    size_t                memory;
    unsigned char        *shape;            /* 3 x SF_SHAPE_CAP, or NULL */
    size_t                max_links;
    /* the reject's link row of max_links links or more (sf_reject.c) */
    size_t                nlc_max;

    unsigned char        *buf[2];
    size_t                cap;

    size_t               *pos;              /* 2 x max_links marks */
    size_t               *dpos;
    unsigned             *order;
    sf_elink_t           *elinks;
    sf_mlink_t           *links;            /* max_links + SF_ELINKS_MAX */
    unsigned char        *bits;
    unsigned char        *title;            /* normalized in place */
    size_t                title_cap;
    unsigned char        *href;
    char                 *source;
    /*
     * source holds sf_url_clean() of the raw href src_raw (src_raw_len
     * bytes; src_len its clean length, 0: rejected) when src_ok: a page
     * names its source in several blocks, cleaned once.
     */
    unsigned char        *src_raw;
    size_t                src_raw_len;
    size_t                src_len;
    unsigned              src_ok:1;
    /* counts of the writes to source and to name: a remembered decision
     * that points into them holds while its counts are these */
    uint64_t              src_gen;
    uint64_t              name_gen;
    /* the host of source (host_len bytes at host_off) as it was at write
     * count host_gen + 1 (0: none known): the memo's source by host,
     * made again under every entry, finds it once */
    uint64_t              host_gen;
    size_t                host_off;
    size_t                host_len;
    /* the raw page title (traw_len bytes) that tlen and tshort are of,
     * when traw_ok: normalized once while it stays the same */
    unsigned char        *traw;
    size_t                traw_len;
    size_t                traw_tlen;
    size_t                traw_tshort;
    unsigned              traw_ok:1;
    unsigned char        *name;
    /*
     * name holds the fold of the link text nraw (nraw_len bytes, as
     * decoded; nraw_out the fold's length) when nraw_ok: a listing
     * names the same site under every entry, folded once.
     */
    unsigned char        *nraw;
    size_t                nraw_len;
    size_t                nraw_out;
    unsigned              nraw_ok:1;
    /*
     * The last full decisions without a limit hit, and the blocks the
     * reject kept only after a look at their text, each by every byte
     * and field of the block the decision reads (sf_key_write()): the
     * boilerplate of a site, a disclaimer or a "read the original" link
     * under every article, is decided once while it stays here, also
     * across the pages of the streams that share this scratch.  Sixteen:
     * an aggregator's article has five such full decisions and as many
     * blocks its template repeats that the reject reads through.
     */
    unsigned char        *memo;             /* the keys, SF_MEMO_KEY each */
    size_t                memo_len[SF_MEMO_SLOTS];   /* 0: none */
    size_t                memo_text[SF_MEMO_SLOTS];   /* its text_len */
    unsigned char         memo_tl8[SF_MEMO_SLOTS];    /* its low byte */
    /* bits sf_memo_bit() of them: of their text_len and flags */
    uint64_t              memo_mask;
    unsigned char         memo_bit[SF_MEMO_SLOTS];
    sf_action_e           memo_action[SF_MEMO_SLOTS];
    const char           *memo_rule[SF_MEMO_SLOTS];
    /* what the slot's decision did not read (SF_MEMO_NO*): its key has
     * none of it */
    unsigned char         memo_how[SF_MEMO_SLOTS];
    /* with SF_MEMO_HOST: 1 + the block link whose href is the source */
    size_t                memo_link[SF_MEMO_SLOTS];
    sf_memo_src_t         memo_src[SF_MEMO_SLOTS];
    unsigned              memo_next;
    /* bit n: slot n answered since the hand last passed it (a second
     * chance: sf_match_remember() writes over the others first) */
    unsigned              memo_used;
    /* full decisions since the memo last answered (sf_match_remember) */
    unsigned              memo_idle;
    /*
     * By kind of decision (its rule and what it read, hashed): how many
     * of its slots were written over without having answered, 0 again
     * when one answers.  A listing's title repeated as the entry's first
     * paragraph, or its footer naming the entry's own article, is a new
     * key under every entry, while the disclaimer after it answers: such
     * a kind is kept 1 in 8 (memo_sample counts), the others each time.
     * memo_answered: bit n, slot n answered since it was written.
     */
    unsigned char         memo_kind[SF_MEMO_SLOTS];
    unsigned char         memo_wasted[SF_MEMO_KINDS];
    unsigned              memo_answered;
    unsigned              memo_sample;
    /* the reject kept the block after a look at its text (sf_reject.c):
     * worth remembering, the look costs more than the memo's */
    unsigned              rej_seen;
    /* 1 + the slot sf_match_kept() (or sf_reject_block()) found the
     * block in as it passed it on, 0: none; sf_rules_decide_rest(),
     * next, takes it instead of walking the key again */
    unsigned              memo_found;
    /* sf_match_kept() looked the block up and it is not there: the
     * lookups after it for the same block (the reject's, the full way's)
     * answer -1 at once; cleared when the block is decided */
    unsigned              memo_missed;
    /*
     * The class lists of start tags met lately, of 8 to SF_CLASS_KEY
     * bytes, each with what the stream found of it (sf_match_class()):
     * a listing's template gives the same few lists under every entry.
     * class_len 0: a free slot.
     */
    unsigned char         class_key[SF_CLASS_SLOTS][SF_CLASS_KEY];
    unsigned char         class_len[SF_CLASS_SLOTS];
    unsigned char         class_bits[SF_CLASS_SLOTS];
    /*
     * The block start tags met lately (sf_tag_memo.c), by all their bytes:
     * a listing's template opens every entry's blocks with the same tags.
     * tag_hash: a byte of each one's first sixteen, high bit set (0: a
     * free slot), looked at all at once; tag_next: the oldest.
     */
    unsigned char         tag_hash[SF_TAG_MEMO_SLOTS];
    unsigned char         tag_key[SF_TAG_MEMO_SLOTS][SF_TAG_MEMO_KEY];
    sf_tag_memo_t         tag_memo[SF_TAG_MEMO_SLOTS];
    unsigned              tag_next;

    pcre2_general_context  *gctx;
    pcre2_match_context    *mctx;
    pcre2_match_data       *md;

    /* the block being decided */
    const unsigned char  *text;
    size_t                len;
    const unsigned char  *decoded;
    size_t                nlinks;
    const unsigned char  *tnorm;            /* the page title, normalized */
    size_t                tlen;
    size_t                tshort;           /* without " - SITE", or 0 */
    uint32_t              work_limit;       /* of a template condition */
    uint32_t              work;             /* tries left */
    unsigned              titled:1;         /* tnorm is this block's */
    /* the decision read the page title (sf_match_page_title), an href
     * of the block (sf_match_href, sf_match_source), the reject's part
     * too: cleared by sf_match_kept(), which begins it */
    unsigned              title_read:1;
    unsigned              href_read:1;
    /* 1 + the block link whose href the source is, by host name, when
     * that is all the decision read of the hrefs (sf_match_by_host) */
    size_t                src_link;
    unsigned              toolong:1;        /* longer than any rule takes */
    unsigned              normalized:1;
    unsigned              scanned:1;
    unsigned              escaped:1;
    unsigned              overflow:1;
    unsigned              slow:1;           /* no raw-text reject (tests) */
};


/*
 * The bit of memo_mask for a block of text len and flags: a lookup of a
 * block whose bit is clear is passed over at once.  Its flags in it, so
 * that the entry's first paragraph, remembered, does not send every
 * other paragraph as long the whole way (sf_rules_bare_keep()).
 */
static inline unsigned
sf_memo_bit(size_t len, unsigned flags)
{
    return (unsigned) ((len ^ flags) & 63);
}


/* The index of the lowest bit set in x, not 0 (de Bruijn). */
static inline size_t
sf_ctz64(uint64_t x)
{
    static const unsigned char  idx[64] = {
         0,  1,  2, 53,  3,  7, 54, 27,  4, 38, 41,  8, 34, 55, 48, 28,
        62,  5, 39, 46, 44, 42, 22,  9, 24, 35, 59, 56, 49, 18, 29, 11,
        63, 52,  6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
        51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12
    };

    return idx[((x & -x) * 0x022fdd63cc95386dull) >> 58];
}


/*
 * The next rule to try on a block, in the pack's order: from a set of rule
 * indexes (*bits) when list is NULL, else from list[0..n) (*k the next);
 * NULL after the last.
 */
static inline sf_rule_t *
sf_match_next_rule(const sf_rules_t *rules, uint64_t *bits,
    sf_rule_t **list, size_t n, size_t *k)
{
    sf_rule_t  *r;

    if (list == NULL) {
        if (*bits == 0) {
            return NULL;
        }

        r = rules->rules[sf_ctz64(*bits)];
        *bits &= *bits - 1;

        return r;
    }

    return *k < n ? list[(*k)++] : NULL;
}


/*
 * The block's normalized text and links, as a decision makes them (set
 * normalized, scanned and titled to 0 first): for sf_explain.c.
 */
void sf_match_text(sf_match_t *match, const sf_block_t *b);

/* Whether the rule's selectors take the block. */
int sf_match_scope(const sf_rule_t *r, const sf_block_t *b);


/*
 * Whether the rule's selectors take the block, its tag tried first (tag:
 * SF_TAG_NONE for an anonymous block).
 */
static inline int
sf_match_in_scope(const sf_rule_t *r, sf_tag_e tag, const sf_block_t *b)
{
    return ((unsigned) tag < SF_TAG_NTAGS && r->scope_tag[tag])
           || sf_match_scope(r, b);
}


/* The id and class a block is selected by. */
typedef struct {
    const unsigned char  *id;
    size_t                id_len;
    const unsigned char  *cls;
    size_t                cls_len;
} sf_block_attrs_t;


/*
 * The block's own id and class, or its container's when it is anonymous:
 * inline content is selected by its container.
 */
static inline void
sf_block_attrs(const sf_block_t *b, sf_block_attrs_t *a)
{
    if (b->flags & SF_BLOCK_ANONYMOUS) {
        a->id = b->parent_id;
        a->id_len = b->parent_id_len;
        a->cls = b->parent_cls;
        a->cls_len = b->parent_cls_len;

    } else {
        a->id = b->id;
        a->id_len = b->id_len;
        a->cls = b->cls;
        a->cls_len = b->cls_len;
    }
}

/*
 * Whether a token of the class list may be a class of the bloom's: a hash
 * of each word (sf_rules_bloom()) against the bloom.  The _bytes way is
 * the portable one, which the other takes over for what its sixteen-byte
 * loads do not take (tests compare the two).
 */
int sf_rules_bloom_list(uint64_t bloom, const unsigned char *cls,
    size_t len);
int sf_rules_bloom_list_bytes(uint64_t bloom, const unsigned char *cls,
    size_t len);

/* The page title as the block saw it, normalized once per decision. */
size_t sf_match_page_title(sf_match_t *match, const sf_block_t *b);

/* Link n of the block (1-based, negative from the end), or NULL. */
sf_mlink_t *sf_match_link(sf_match_t *match, long n);

/* 1: the condition holds, 0: it does not, -1: a regex or template limit
 * was hit (sf_cond.c). */
int sf_match_cond(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, const sf_cond_t *c);

/* Whether link l's href, decoded and lower-cased, holds the phrase. */
int sf_match_href(sf_match_t *match, sf_mlink_t *l,
    const sf_rule_phrase_t *ph);

/* Whether a space-separated list holds word, ASCII case-insensitively. */
int sf_match_word(const unsigned char *list, size_t len,
    const unsigned char *word, size_t wlen);

/*
 * The slot of the last full decisions (sf_memo.c) that holds the block,
 * or -1; its key is walked only when a slot's text is as long (memo_mask,
 * by sf_memo_bit(), tells whether one may be).
 */
int sf_match_memo(sf_match_t *match, const sf_block_t *b);

/*
 * Remembers the full decision of the block, if it points into no buffer
 * but the source and name buffers of the scratch (sf_memo.c).
 */
void sf_match_remember(sf_match_t *match, const sf_block_t *b,
    const sf_decision_result_t *result);

/* Remembers a block the reject kept: as a full decision that keeps it
 * with no rule, which is what the full way would decide of it. */
void sf_match_remember_kept(sf_match_t *match, const sf_block_t *b);

/*
 * sf_match_memo() for sf_match_kept(), which looked at memo_mask: -1 when
 * no slot holds the block (memo_missed set), 1 when its slot keeps it
 * with no rule (sf_match_recall_kept(): answered), else 0 with
 * memo_found 1 + the slot, for the full way.
 */
int sf_match_memo_kept(sf_match_t *match, const sf_block_t *b);

/* Whether slot n (sf_match_memo()'s answer) keeps the block with no rule
 * and nothing more: the reject's answer "kept", the memo has answered. */
int sf_match_recall_kept(sf_match_t *match, int n);

/* The decision of slot n (sf_match_memo()'s answer for block b) into
 * result; the memo has answered (memo_idle). */
void sf_match_recall(sf_match_t *match, int n, const sf_block_t *b,
    sf_decision_result_t *result);

/*
 * sf_url_clean() of a raw href into match->source, the last one kept;
 * its length, 0: not a source (sf_source.c).
 */
size_t sf_match_clean(sf_match_t *match, const unsigned char *href,
    size_t len);

/*
 * The name of a source, from a link's decoded text: folded (case and
 * punctuation kept) into the scratch's name buffer, the last one kept
 * while the next decisions name the same text; its length, 0: none
 * (sf_source.c).
 */
size_t sf_match_name(sf_match_t *match, const unsigned char *text,
    size_t len);

/*
 * The source of a rule that names it by host: href cleaned into the
 * scratch's source (cached), and its host, into result; nothing when it
 * does not clean (sf_source.c).
 */
void sf_match_by_host(sf_match_t *match, const unsigned char *href,
    size_t len, sf_decision_result_t *result);

/*
 * The decision without normalizing (sf_reject.c): 1 when the block is
 * kept for sure, 0 when the full way must decide; then *may has bit k
 * set for each rules[k] that may fire (all bits: not known).  With may
 * NULL, b->links is not looked at (sf_rules_keep).
 */
int sf_reject_block(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, uint64_t *may);

/* sf_reject_block() from what sf_rules_bare_keep() found (look->how set):
 * the same answer. */
int sf_reject_bare(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *b, const sf_bare_look_t *look, uint64_t *may);

#endif /* SF_MATCH_H_INCLUDED */
