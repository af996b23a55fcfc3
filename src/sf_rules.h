/*
 * sf_rules.h: the compiled form of rule files (the one model header):
 * written by the parser (sf_rules_parse.c) and the compiler
 * (sf_rules_compile.c, sf_reject_build.c), read by selection
 * (sf_select.c), the raw-text reject (sf_reject.c), the conditions
 * (sf_cond.c) and the decision (sf_match.c).  Internal.
 *
 * Everything here is written while rules are added and compiled, and only
 * read afterwards: streams in many worker processes share it.
 */

#ifndef SF_RULES_H_INCLUDED
#define SF_RULES_H_INCLUDED

#define PCRE2_CODE_UNIT_WIDTH  8
#include <pcre2.h>

#include "sf_block.h"
#include "sf_prefilter.h"


/* One embedded rule file of the built-in pack (sf_builtin_rules.c). */
typedef struct {
    const char           *name;
    const char           *text;
    size_t                len;
} sf_builtin_file_t;

extern const sf_builtin_file_t  sf_builtin_files[];
extern const size_t             sf_builtin_nfiles;


typedef enum {
    SF_COND_CONTAINS = 0,
    SF_COND_ANY,
    SF_COND_EQUALS,
    SF_COND_STARTS,
    SF_COND_ENDS,
    SF_COND_REGEX,
    SF_COND_LINKS,
    SF_COND_LINK_TEXT,
    SF_COND_LINK_HREF,
    SF_COND_LINK_REL,
    SF_COND_LINK_CLASS,
    SF_COND_TEMPLATE,
    SF_COND_MAX_LENGTH,
    SF_COND_ESCAPED,
    SF_COND_POSITION,
    SF_COND_TITLE
} sf_cond_type_e;


#define SF_OP_EQ  0
#define SF_OP_GE  1
#define SF_OP_LE  2


/* A phrase as a condition uses it: normalized text and prefilter id. */
typedef struct {
    unsigned char        *data;
    size_t                len;
    unsigned              id;               /* bit in the prefilter */
} sf_rule_phrase_t;


/* A piece of a "template": literal text or a placeholder. */
typedef enum {
    SF_SEG_TEXT = 0,                        /* normalized literal */
    SF_SEG_LINK,                            /* %N: link N's text */
    SF_SEG_TITLE,                           /* %t: the page title */
    SF_SEG_ANY                              /* %*: any text */
} sf_seg_type_e;


typedef struct {
    sf_seg_type_e         type;
    long                  n;                /* link index of %N */
    unsigned char        *data;             /* SF_SEG_TEXT */
    size_t                len;
} sf_seg_t;


typedef struct {
    sf_seg_t             *segs;
    size_t                nsegs;
    size_t                bound;            /* longest text it can equal */
    unsigned              lit_id;           /* prefilter bit of its longest
                                               literal, when has_lit */
    unsigned              has_lit:1;
} sf_template_t;


/* A placeholder %N or %* stands for at most this many bytes of text. */
#define SF_SLOT_MAX       512


typedef struct sf_cond_s  sf_cond_t;

struct sf_cond_s {
    sf_cond_t            *next;
    sf_cond_type_e        type;
    int                   op;               /* SF_OP_* for links */
    long                  n;                /* count, link index, length */
    sf_rule_phrase_t     *phrases;
    size_t                nphrases;
    pcre2_code           *re;
    sf_template_t        *tmpls;            /* "template": any of them */
    size_t                ntmpls;
    /*
     * Its phrases (of a template: the literals) as the first 8 bytes of
     * phrase bits, when pmask_ok: every id below 64 and, for a template,
     * every template with a literal.
     */
    uint64_t              pmask;
    unsigned              pmask_ok:1;
    /* a regex: phrases[0] is no longer the pattern but its literal */
    unsigned              literal:1;
    unsigned              line;
    unsigned              column;
};


typedef struct {
    sf_tag_e              tag;              /* SF_TAG_NONE: any tag */
    unsigned              anon:1;           /* "anon" */
    unsigned              any:1;            /* "*" */
    unsigned char        *cls;              /* ".x", "tag.x" */
    size_t                cls_len;
    unsigned char        *id;               /* "#x", "tag#x" */
    size_t                id_len;
} sf_selector_t;


typedef struct sf_rule_s  sf_rule_t;

struct sf_rule_s {
    sf_rule_t            *next;
    char                 *id;
    unsigned              line;
    unsigned              column;

    sf_selector_t        *sel;              /* NULL: "*" */
    size_t                nsel;
    size_t                sel_cap;
    /* tags a selector without class or id takes (NONE: anonymous) */
    unsigned char         scope_tag[SF_TAG_NTAGS];
    unsigned              scope_attr:1;     /* has class or id selectors */

    sf_cond_t            *conds;            /* cheapest first after compile */
    sf_cond_t           **conds_last;

    sf_action_e           action;
    const char           *action_name;
    long                  link;             /* 0: none */
    long                  name;             /* 0: the URL's host */

    /* phrases the prefilter must have seen for the rule to fire */
    unsigned             *required;
    size_t                nrequired;
    /* the same as the first 8 bytes of phrase bits, when req_short */
    uint64_t              req_mask;

    size_t                max_length;       /* 0: none */
    unsigned              has_action:1;
    /* bounded by "title" alone: by the page's title, known per block */
    unsigned              title_bound:1;
    unsigned              selector_rule:1;  /* decided at the start tag */
    unsigned              text_conds:1;     /* looks at the text */
    unsigned              needs_scan:1;     /* any phrase condition */
    unsigned              req_short:1;      /* required ids all below 64 */
};


/* Phrase bits take at least this many bytes (one 64-bit word). */
#define SF_BITS_MIN       8

#define sf_bits_size(nphrases)                                                \
    ((nphrases) + 7 < 8 * SF_BITS_MIN ? SF_BITS_MIN : ((nphrases) + 7) / 8)


/* Titles are compared up to this length (normalized). */
#define SF_TITLE_MAX      4096


/*
 * The raw-text reject (sf_reject.c, sf_reject_build.c): a phrase's anchor
 * is its longest run of [a-z0-9], 5 bytes at least.  A phrase can occur
 * in the normalized text of a block only if its anchor occurs, case
 * aside, in the raw text, as long as that text holds nothing the
 * normalization could turn into or drop between ASCII letters (see
 * sf_match_hazard).  With the shortest
 * anchor L bytes long, the scan tests every (L - 3)th position (the
 * stride, at most SF_ANCHOR_STRIDE): each anchor gives a key of its bytes
 * k to k + 3 for every k below the stride, so that a scan position meets
 * one of them wherever the anchor is.  Keys are hashed to SF_ANCHOR_BITS
 * bits, marked in a map of a byte per hash value (a byte tests in fewer
 * instructions than a bit) and listed by the top 8 bits of the hash.  A
 * phrase without an anchor has a wide anchor (sf_wide_t) when it has a run
 * of 2-byte letters, else it needs one of the lead bytes its first
 * non-ASCII character can be folded from.
 */
#define SF_ANCHOR_BITS    13
#define SF_ANCHOR_STRIDE  8
#define SF_ANCHOR_BUCKETS 256

typedef struct {
    uint32_t              key;              /* first 4 bytes | 0x20202020 */
    uint32_t              key1;             /* bytes 1 to 4, the same */
    unsigned              phrase;           /* its prefilter id */
    const unsigned char  *data;
    size_t                len;
} sf_anchor_t;


/* One key of an anchor: bytes off to off + 3, | 0x20202020. */
typedef struct {
    uint32_t              key;
    unsigned              off;
    const sf_anchor_t    *anchor;
} sf_anchor_key_t;


/* Link counts the reject's tables tell apart: 0, 1, 2 and more. */
#define SF_REJECT_NLC     4

/* Texts keeping fewer bytes than this find their rej_lo_* entry at once. */
#define SF_REJECT_LO_TAB  256


/*
 * The anchors (all of them, or those of SF_ANCHOR_LONG bytes or more) as
 * the probe looks them up: the keys of each at the stride the shortest
 * allows, hashed into a map, listed by bucket.
 */
typedef struct {
    unsigned char        *map;              /* 1 << SF_ANCHOR_BITS bytes */
    size_t                stride;
    size_t                nanchors;
    size_t                minlen;           /* of the shortest, or -1 */
    /* keys by bucket: those of bucket b from first[b] on */
    sf_anchor_key_t      *keys;
    uint32_t             *first;            /* SF_ANCHOR_BUCKETS + 1 */
    /*
     * For the AVX2 probe (sf_reject_avx2.c): how many probe positions a
     * 16-byte load holds the keys of (lane: 2 to 4, at offsets 0, stride,
     * ... up to 12), and the byte shuffle that puts their keys in its
     * words (twice over, for both halves of a 32-byte register).
     */
    size_t                lane;
    unsigned char         ctl[32];
} sf_anchor_set_t;

/* Anchors this long or longer also go to a set probed at stride 5 or
 * more: blocks whose candidate rules need none shorter take that one. */
#define SF_ANCHOR_LONG    8


/*
 * The long anchors as the fused AVX2 pass looks for them (sf_teddy.c):
 * each anchor (but one that holds another) has a window of 5 of its
 * bytes in one of 8 buckets.  lo[k][n] has bit b when a window of bucket
 * b has at its byte k a byte of low nibble n (twice over, for both halves
 * of a 32-byte register).  The anchors of bucket b, with where their
 * window starts in them, are anchors[e] and off[e], e from first[b] to
 * first[b + 1] - 1.
 */
#define SF_TEDDY_WINDOW   5
#define SF_TEDDY_BUCKETS  8

typedef struct {
    unsigned char         lo[SF_TEDDY_WINDOW][32];
    const sf_anchor_t   **anchors;
    unsigned char        *off;
    uint32_t              first[SF_TEDDY_BUCKETS + 1];
    unsigned              made:1;           /* the tables are there */
    unsigned              on:1;             /* made, and the CPU has AVX2 */
} sf_teddy_t;


/*
 * A wide anchor: a phrase's longest run of 2-byte letters (U+0080-U+07FF)
 * that raw text can only hold as 2-byte letters whose continuation bytes,
 * bit 0x20 aside, are those of the run (a Cyrillic, Greek or Latin-1
 * letter and its capital; a letter without case): keys[] are those bytes
 * & 0xdf.  For phrases without an ASCII anchor (sf_reject.c).
 */
typedef struct {
    unsigned              phrase;
    unsigned              n;                /* letters, 3 at least */
    unsigned char        *keys;
} sf_wide_t;


/* Two continuation bytes (keys) as a bit of the wide map: a key is 0x80
 * to 0x9f, 5 bits each. */
#define sf_wide_key(k0, k1)   (((k0) & 0x1fu) | (((k1) & 0x1fu) << 5))
#define SF_WIDE_MAP           (1024 / 8)


/* A chunk of the rules' arena: rules are freed all at once. */
typedef struct sf_chunk_s  sf_chunk_t;

struct sf_chunk_s {
    sf_chunk_t           *next;
    size_t                size;
    size_t                used;
};


struct sf_rules_s {
    sf_allocator_t        alloc;
    sf_limits_t           limits;

    /* "detector shape-footer on": footers told by shape (sf_shape.c) */
    unsigned              shape:1;

    sf_chunk_t           *chunks;
    size_t                memory;

    pcre2_general_context  *pcre_gctx;
    pcre2_compile_context  *pcre_cctx;

    sf_rule_t            *head;             /* in file order */
    sf_rule_t           **last;
    size_t                nrules;

    /* after compile */
    sf_rule_t           **rules;            /* nrules, in order */
    sf_rule_t           **selectors;        /* selector rules */
    size_t                nselectors;
    sf_selector_t       **hold_sel;         /* class/id candidates */
    size_t                nhold_sel;
    /* one bit per hash of the classes and ids selectors name */
    uint64_t              cls_bloom;
    uint64_t              id_bloom;
    unsigned char         hold[SF_TAG_NTAGS];
    /*
     * The shortest class a selector names (at most UINT16_MAX): a shorter
     * class list holds none of them.
     */
    uint16_t              cls_min;
    sf_prefilter_t        prefilter;
    size_t                nphrases;
    size_t                max_max_length;   /* of rules having one */
    /*
     * The longest normalized text any rule can fire on (0: no bound),
     * leaving out the rules bounded by the page title alone: a block's
     * text is normalized no further than this or the title's length.
     */
    size_t                text_limit;
    /* per tag (NONE: anonymous), the rules that may take it, in order */
    sf_rule_t           **scoped[SF_TAG_NTAGS];
    size_t                nscoped[SF_TAG_NTAGS];
    /* phrases with anchor_leads */
    unsigned             *lead_phrases;
    size_t                nlead_phrases;
    sf_anchor_t          *anchors;
    size_t                nanchors;
    unsigned char        *anchor_free;      /* phrase bits: no anchor */
    /* per phrase without anchor: raw lead bytes (0xc0 + bit) its first
       non-ASCII character can come from; 0: no such character */
    uint64_t             *anchor_leads;
    sf_anchor_set_t       anchor_all;
    sf_anchor_set_t       anchor_long;      /* map NULL: none */
    sf_teddy_t            teddy;            /* of anchor_long */
    /* phrase bits: those with an anchor shorter than SF_ANCHOR_LONG */
    unsigned char        *anchor_short;
    sf_wide_t            *wide;
    size_t                nwide;
    uint64_t              wide_leads;       /* lead bytes of their letters */
    /* keys j and j + 1 of a wide anchor, j below wide_stride (letters,
     * the shortest's less one, at most 4): bit sf_wide_key() */
    unsigned char        *wide_map;         /* SF_WIDE_MAP bytes */
    size_t                wide_stride;
    /*
     * The raw-text reject's candidates, when nrules <= 64 (cand_ok): bit k
     * for rules[k].  A rule that needs its required phrases (all below
     * 64) is a candidate only when the first of them is maybe there, one
     * with a condition on phrases only when one of its key phrases is
     * (sf_rules_cand_key), by cand_phrase[] of the phrase; other rules
     * always are (cand_always).
     */
    uint64_t              cand_tag[SF_TAG_NTAGS];
    uint64_t              cand_always;
    uint64_t              cand_phrase[64];
    unsigned              cand_ok:1;
    /*
     * The reject's tables (sf_reject.c), when rej_ok (cand_ok): bit k for
     * rules[k], the rules a block may leave to the full way, by whether it
     * is first in the entry, for any text (rej_any); by its link count too
     * (0, 1, 2, 3 or more) for a text without hazards (rej_all) and one
     * without hazards or anchors (rej_none).  A rule in scope by the tag
     * alone is in rej_tag[tag], one with class or id selectors in
     * rej_attr.
     */
    uint64_t              rej_any[2];
    uint64_t              rej_all[SF_REJECT_NLC][2];
    uint64_t              rej_none[SF_REJECT_NLC][2];
    uint64_t              rej_long[SF_REJECT_NLC][2];
    uint64_t              rej_plain[SF_REJECT_NLC][2];
    uint64_t              rej_long_plain[SF_REJECT_NLC][2];
    /* rej_all & (rej_plain | rej_none): a text shorter than any anchor */
    uint64_t              rej_short[SF_REJECT_NLC][2];
    uint64_t              lead_mask;        /* every anchor_leads[] */
    uint64_t              rej_tag[SF_TAG_NTAGS];
    uint64_t              rej_attr;
    /* per tag, one bit per hash of the classes and ids of the selectors
     * that may take a block of it (SF_TAG_NONE: an anonymous one) */
    uint64_t              rej_bloom[SF_TAG_NTAGS];
    /* rej_lo_mask[j]: the rules that cannot fire on a text keeping more
     * than rej_lo_val[j] bytes, by increasing rej_lo_val (rej_lo_n) */
    size_t                rej_lo_val[64];
    uint64_t              rej_lo_mask[64];
    size_t                rej_lo_n;
    /* rej_lo_k[lo]: how many rej_lo_val[] are below lo, for a short text
     * (a lookup instead of the walk; lo of SF_REJECT_LO_TAB or more walks
     * on from rej_lo_k[SF_REJECT_LO_TAB - 1]) */
    unsigned char         rej_lo_k[SF_REJECT_LO_TAB];
    unsigned              rej_ok:1;
    /* the reject's AVX2 loops run (sf_reject_avx2.c, sf_teddy.c) */
    unsigned              avx2:1;
    unsigned              rej_nobloom:1;    /* a selector name has a space */
    unsigned              title_bound:1;    /* some rule is title_bound */
    unsigned              has_title:1;
    unsigned              compiled:1;
};


void *sf_rules_alloc(sf_rules_t *rules, size_t size);

/* Frees the compiled regexes of a rule (the rest is in the arena). */
void sf_rules_free_regexes(sf_rule_t *rule);

/* A regex literal shorter than this brings the prefilter nothing. */
#define SF_LITERAL_MIN    3

/*
 * The longest literal a regex (pattern p, len bytes) cannot match without,
 * written to out (len bytes; run is scratch of len bytes): its length, or 0
 * when there is none to tell (sf_regex_literal.c).
 */
size_t sf_regex_literal(const unsigned char *p, size_t len,
    unsigned char *out, unsigned char *run);

/* The raw-text reject's anchors of the phrases table[0, nph) and, once
 * the rest is compiled, its tables (sf_reject.c). */
int sf_reject_anchors(sf_rules_t *rules, const sf_phrase_t *table,
    size_t nph);
int sf_reject_compile(sf_rules_t *rules);

/* Tests: with on == 0 every decision takes the slow path. */
void sf_match_fast(sf_match_t *match, int on);

/*
 * Tests: the raw-text reject's looks at a text, as sf_reject_block() has
 * them, by the fused AVX2 pass where it runs (fused 1) or by the SSE2 or
 * byte-wise scan and the long anchors' stride probe (fused 0): whether
 * it accepts the text (no hazard), then the bytes the normalized text
 * keeps at least, the lead bytes seen, whether a long anchor is there
 * (-1: the rules have no long set) and what the probe of all anchors
 * tells (*hit, and bits[] as it leaves them).
 */
int sf_reject_text(const sf_rules_t *rules, const unsigned char *text,
    size_t len, int fused, size_t *lower, uint64_t *seen, int *longhit,
    int *hit, unsigned char *bits);

/* Tests: turns the reject's AVX2 loops off (0) or on (1, where the CPU
 * has AVX2; the fused pass where its tables were made); returns whether
 * they are on. */
int sf_teddy_use(sf_rules_t *rules, int on);

/* Whether bits[] holds every phrase rule r needs the prefilter to see. */
static inline int
sf_rule_has_required(const sf_rule_t *r, const unsigned char *bits)
{
    size_t  i;

    for (i = 0; i < r->nrequired; i++) {
        if (!sf_bit_test(bits, r->required[i])) {
            return 0;
        }
    }

    return 1;
}

/* The bloom bit of a class or id name. */
#define sf_rules_bloom(p, len)                                                \
    ((uint64_t) 1 << (((len) + (p)[0] * 3u + (p)[(len) - 1] * 5u) & 63))

#endif /* SF_RULES_H_INCLUDED */
