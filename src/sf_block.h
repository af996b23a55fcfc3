/*
 * sf_block.h: the internal contract between the stream (which finds and
 * holds blocks) and the rules (which decide them).  Not part of the public
 * API.
 *
 * The stream owns the held bytes and the raw text; the rules own the
 * normalization and the decision.  Everything here points into memory that
 * one of the two allocated at create time.
 */

#ifndef SF_BLOCK_H_INCLUDED
#define SF_BLOCK_H_INCLUDED

#include "sf.h"
#include "sf_tag.h"


/*
 * The rare part of a hot function, kept out of it in a function of its
 * own: the common path then saves no registers it does not use.
 */
#if defined(__GNUC__)
#define SF_NOINLINE  __attribute__ ((noinline))
#else
#define SF_NOINLINE
#endif


/*
 * Four bytes at p as one word, every byte | 0x20: ASCII letters compare
 * case-insensitively (attribute names, anchor keys).
 */
static inline uint32_t
sf_fold4(const unsigned char *p)
{
    uint32_t  k;

    memcpy(&k, p, 4);

    return k | 0x20202020u;
}


/* A link inside a held block, as it appeared in the markup. */
typedef struct {
    const unsigned char  *href;             /* raw value, entities intact */
    size_t                href_len;
    const unsigned char  *rel;
    size_t                rel_len;
    const unsigned char  *cls;
    size_t                cls_len;
    size_t                text_start;       /* range in sf_block_t.text */
    size_t                text_end;
} sf_link_t;


/* Where a block sits, as far as the stream has seen. */
#define SF_BLOCK_IN_BLOCKQUOTE   0x0001     /* never removed */
#define SF_BLOCK_IN_ENTRY        0x0002     /* inside the article body */
#define SF_BLOCK_FIRST_IN_ENTRY  0x0004     /* first text block of it */
#define SF_BLOCK_IN_HEAD         0x0008
#define SF_BLOCK_IN_COMMENTS     0x0010     /* existing comments: kept */
#define SF_BLOCK_ANONYMOUS       0x0020     /* inline run in a container */
#define SF_BLOCK_IN_CODE         0x0040     /* a code sample (<pre>, <code>):
                                               kept, never a source */


typedef struct {
    sf_tag_e              tag;              /* SF_TAG_NONE when anonymous */
    const unsigned char  *id;               /* raw attribute values */
    size_t                id_len;
    const unsigned char  *cls;
    size_t                cls_len;
    const unsigned char  *parent_id;        /* of the enclosing container */
    size_t                parent_id_len;
    const unsigned char  *parent_cls;
    size_t                parent_cls_len;

    /* the held bytes, start tag to end tag inclusive */
    const unsigned char  *raw;
    size_t                raw_len;

    /*
     * The visible text in document order, entities NOT decoded, tags
     * dropped (a space stands for each block-level or <br> tag), script,
     * style and comment contents left out.
     */
    const unsigned char  *text;
    size_t                text_len;

    sf_link_t            *links;
    size_t                nlinks;

    unsigned              flags;            /* SF_BLOCK_* */
    unsigned              index;            /* block number in the page */

    /* the page title as seen so far (raw text of h1, og:title, title) */
    const unsigned char  *title;
    size_t                title_len;
} sf_block_t;


/* What the rules decided. */
typedef enum {
    SF_ACT_KEEP = 0,
    SF_ACT_DROP,                            /* remove the block */
    SF_ACT_DROP_SOURCE,                     /* remove, take a link as source */
    SF_ACT_KEEP_SOURCE,                     /* keep (a credit), take source */
    SF_ACT_REPLACE                          /* replace by the credit */
} sf_action_e;


typedef struct {
    sf_action_e           action;
    const char           *rule_id;          /* NULL when no rule fired */
    /*
     * The source, validated and normalized by the rules (an absolute
     * http(s) URL, entities decoded, trimmed), or NULL.  Points into the
     * scratch memory of sf_match_t and stays valid until the next decide.
     */
    const char           *source;
    size_t                source_len;
    const char           *source_name;      /* decoded text, or NULL */
    size_t                source_name_len;
    unsigned              limit_hit:1;      /* a regex limit: kept unchanged */
    unsigned              text_overflow:1;  /* text beyond max_text */
} sf_decision_result_t;


/* How a start tag selects the element, before its content is seen. */
typedef enum {
    SF_SELECT_NONE = 0,                     /* not a candidate: flows */
    SF_SELECT_HOLD,                         /* hold and decide at its end */
    SF_SELECT_DROP                          /* drop whole, holding nothing */
} sf_select_e;


/*
 * The scratch of decisions: normalized text, match data, the shape
 * detector's buffers; a stream's own, or shared by the streams of a
 * thread (sf.h: sf_scratch_t is this).
 */
typedef struct sf_match_s  sf_match_t;

sf_match_t *sf_match_create(const sf_rules_t *rules,
    const sf_limits_t *limits, const sf_allocator_t *alloc);
void sf_match_destroy(sf_match_t *match, const sf_allocator_t *alloc);
size_t sf_match_memory(const sf_match_t *match);
/* Whether a stream of rules with these limits may decide in match. */
int sf_match_fits(const sf_match_t *match, const sf_rules_t *rules,
    const sf_limits_t *limits);
/* The shape detector's scratch (sf_shape.h), NULL when it is off. */
unsigned char *sf_match_shape(sf_match_t *match);

/*
 * What a stream found of a class list of len bytes at cls, kept in the
 * scratch by its bytes (sf_class_memo.c): sf_match_class() returns the
 * bits sf_match_class_keep() was last given for the same bytes, with
 * SF_CLASS_KNOWN set, or 0 when they are not kept (lists shorter than 8
 * bytes or longer than the slots' keys never are).  The bits mean what
 * the stream makes them mean: its facts of a list depend on its bytes
 * and the scratch's rules alone.
 */
#define SF_CLASS_KNOWN  0x80
/*
 * The one bit every stream keeps with the same meaning, so that the
 * reject reads it too: a word of the list may be a class a selector
 * names (sf_rules_class_named()).
 */
#define SF_CLASS_NAMED  0x01

unsigned sf_match_class(const sf_match_t *match, const unsigned char *cls,
    size_t len);
void sf_match_class_keep(sf_match_t *match, const unsigned char *cls,
    size_t len, unsigned bits);

/*
 * What a stream found of a block's start tag of 16 to SF_TAG_MEMO_KEY
 * bytes, kept in the scratch by all its bytes (sf_tag_memo.c): the
 * lexer's reading of it (element, name length), the rules' selection and
 * the element's own flags, and where the values of the attributes the
 * stream looks at are (offsets from the '<', in the order of sf_attrs_t,
 * those present set in vals).  All of it depends on the tag's bytes and the scratch's
 * rules alone.
 */
#define SF_TAG_MEMO_KEY   192
#define SF_TAG_MEMO_VALS  8

typedef struct {
    unsigned              own;
    unsigned char         len;
    unsigned char         tag;
    unsigned char         name_len;
    unsigned char         sel;
    unsigned char         vals;             /* bit i: value i present */
    unsigned char         off[SF_TAG_MEMO_VALS];
    unsigned char         vlen[SF_TAG_MEMO_VALS];
} sf_tag_memo_t;

/*
 * The record kept for the tag whose bytes begin at p (len bytes readable
 * there, 16 or more): the one whose every byte is there, or NULL.
 */
const sf_tag_memo_t *sf_match_tag(const sf_match_t *match,
    const unsigned char *p, size_t len);
/* Keep e for the e->len bytes at p (16 to SF_TAG_MEMO_KEY), over the
 * oldest record. */
void sf_match_tag_keep(sf_match_t *match, const unsigned char *p,
    const sf_tag_memo_t *e);

/*
 * Decide on a start tag: is it a candidate block, and does a rule decided
 * by selector alone drop it whole?  rule_id gets the firing rule's id.
 */
sf_select_e sf_rules_select(const sf_rules_t *rules, sf_tag_e tag,
    const unsigned char *id, size_t id_len,
    const unsigned char *cls, size_t cls_len, const char **rule_id);
/*
 * Whether a selector may name a word of the class list: when 0,
 * sf_rules_select() answers for the tag as it does without its class.
 */
int sf_rules_class_named(const sf_rules_t *rules, const unsigned char *cls,
    size_t len);

/* Decide a whole held block. */
void sf_rules_decide(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, sf_decision_result_t *result);

/*
 * Whether the block is kept for sure, told from what the stream has before
 * it builds the link table: tag, flags, id and class (the container's for
 * an anonymous block), text and nlinks; block->links is not read.  1: the
 * decision is "keep", with no rule, source or limit hit; 0: build the whole
 * block and call sf_rules_decide.  Most prose blocks are told here.
 */
int sf_rules_keep(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block);

/*
 * The cheapest of these looks, before the stream builds a block: what the
 * reject's tables alone tell of every block of tag (with
 * SF_BLOCK_ANONYMOUS in flags, its container's), flags (those of
 * SF_BLOCK_IN_BLOCKQUOTE, SF_BLOCK_IN_COMMENTS, SF_BLOCK_ANONYMOUS and
 * SF_BLOCK_FIRST_IN_ENTRY) and nlinks links, without a class or id (its
 * container's, when anonymous).  Such a block whose text is shorter than
 * below, and when calm is set has no '&', '<' nor byte of 0x80 or more,
 * is kept for sure: sf_rules_prejudge() would say 1.  below 0: the tables
 * do not tell.  The stream keeps the answer per kind of block.
 */
typedef struct {
    size_t                below;
    unsigned              calm;
} sf_bare_t;

void sf_rules_bare(const sf_rules_t *rules, const sf_match_t *match,
    sf_tag_e tag, unsigned flags, size_t nlinks, sf_bare_t *bare);

/*
 * What sf_rules_bare_keep() found of a block's text, for the rest of its
 * decision (sf_rules_prejudge_bare()): how (0: nothing, the decision
 * starts over; else how far the reject went: the full way, or through
 * the probe of all anchors, with the phrase bits it set in the scratch),
 * the rules left m and the bytes the normalized text keeps at least lo.
 */
typedef struct {
    uint64_t              m;
    size_t                lo;
    int                   how;
} sf_bare_look_t;

/* look->how when sf_rules_bare_keep() kept the block after its probe of
 * the anchors, or after its look at a text of SF_BARE_LOOKED bytes or
 * more (the memo's one compare costs less than the look from there):
 * sf_rules_kept_bare() has the memo remember it. */
#define SF_BARE_SEEN  5
#define SF_BARE_LOOKED  512

/*
 * For such a block whose text that answer does not keep (longer, or not
 * calm; tag, flags and nlinks as above): 1 when the reject's tables,
 * its look at the text and its probe of the anchors (tag, flags and
 * nlinks as above, text the block's visible text) keep it for sure, as
 * sf_rules_prejudge() would (look->how SF_BARE_SEEN when it read the
 * text); 0 when the whole block must be built and decided, by
 * sf_rules_prejudge_bare() with *look, which goes on from there.
 */
int sf_rules_bare_keep(const sf_rules_t *rules, sf_match_t *match,
    sf_tag_e tag, unsigned flags, size_t nlinks, const unsigned char *text,
    size_t len, sf_bare_look_t *look);

/*
 * A block sf_rules_bare_keep() kept after its look at the text (block
 * built as for sf_rules_prejudge_bare()): remembered, so that the same
 * block next time is kept by the memo's one compare before that look
 * (sf_rules_prejudge_bare() with look->how 0 asks the memo first).
 */
void sf_rules_kept_bare(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block);

/* Whether a rule may take some block without class or id, as
 * sf_rules_bare_keep() reads it (when not, sf_rules_bare() keeps them
 * all at less cost). */
int sf_rules_bare_any(const sf_rules_t *rules, const sf_match_t *match);

/*
 * sf_rules_decide() in two steps: sf_rules_prejudge() runs the reject on
 * the whole block (links included) and, when it returns 0, gives the
 * rules it left in *may; sf_rules_decide_rest() decides from those
 * without running the reject again.
 */
int sf_rules_prejudge(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, uint64_t *may);

/* sf_rules_prejudge() of the block sf_rules_bare_keep() did not keep
 * (block: its tag, flags, nlinks and text as given there), from what it
 * found (look). */
int sf_rules_prejudge_bare(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, const sf_bare_look_t *look, uint64_t *may);
void sf_rules_decide_rest(const sf_rules_t *rules, sf_match_t *match,
    const sf_block_t *block, uint64_t may, sf_decision_result_t *result);


/* sf_url_clean() is public: sf.h. */

/* The host part of a clean URL (for "NAME from the URL's host"). */
size_t sf_url_host(const char *url, size_t len, const char **host);

/* Render the credit: template with %u (attribute-escaped URL) and %n
 * (text-escaped name).  Returns the length written, or 0 when cap is too
 * small. */
size_t sf_credit_render(const char *tmpl, const char *url, size_t url_len,
    const char *name, size_t name_len, unsigned char *out, size_t cap);

/* Escape for an attribute value (& " ' < >) / for text (& < >). */
size_t sf_escape_attr(const char *in, size_t len, unsigned char *out,
    size_t cap);
size_t sf_escape_text(const char *in, size_t len, unsigned char *out,
    size_t cap);

#endif /* SF_BLOCK_H_INCLUDED */
