/*
 * sf_normalize.h: from raw visible text (entities intact) to the normalized
 * text rules match against.  Internal.
 *
 * Two kinds of pass, each linear and allocation-free: entity decoding (run
 * up to three times, for text escaped up to three times) and folding
 * (escaped markup removed, dashes, quotes and mojibake folded, white space
 * collapsed, case folded).  Positions ("marks") travel through every pass
 * so that link ranges given in raw coordinates come out in normalized ones.
 */

#ifndef SF_NORMALIZE_H_INCLUDED
#define SF_NORMALIZE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>


/*
 * Positions rewritten by each pass from input to output coordinates.
 * order[] lists the indexes of pos[] by increasing position; a pass keeps
 * the order since it maps positions monotonically.
 */
typedef struct {
    size_t               *pos;
    unsigned             *order;
    size_t                n;
} sf_marks_t;


/* A link found in escaped markup ("&lt;a href=...&gt;"). */
typedef struct {
    const unsigned char  *href;             /* into the pass input */
    size_t                href_len;
    size_t                dstart;           /* text range, input coords */
    size_t                dend;
    size_t                start;            /* text range, output coords */
    size_t                end;
} sf_elink_t;


typedef struct {
    sf_elink_t           *links;
    size_t                nlinks;
    size_t                cap;
    unsigned              escaped:1;        /* markup was seen */
} sf_markup_t;


#define SF_FOLD_CASE       0x01             /* fold case */
#define SF_FOLD_MARKUP     0x02             /* remove markup found in text */
#define SF_FOLD_PUNCT      0x04             /* dashes to '-', quotes to '\''
                                               and '"' */
#define SF_FOLD_ALL        (SF_FOLD_CASE|SF_FOLD_MARKUP|SF_FOLD_PUNCT)

#define SF_DECODE_AMP      0x01             /* an entity produced a '&' */
#define SF_DECODE_TRUNC    0x02             /* out was too small */


#define SF_BAD_CP          0xffffffff


/*
 * The code point of the UTF-8 sequence at p (shortest form, at most
 * U+10FFFF, no surrogate), *n its bytes; SF_BAD_CP, *n 1, for anything
 * else.
 */
uint32_t sf_utf8_get(const unsigned char *p, const unsigned char *end,
    size_t *n);

/*
 * Decode the character reference at p ('&'): writes its UTF-8 form to out
 * (at least 4 bytes), returns the number of bytes written and sets *used to
 * the bytes it spanned; returns 0 when p starts no known reference.
 */
size_t sf_entity(const unsigned char *p, const unsigned char *end,
    unsigned char *out, size_t *used);

/* Tests: sf_entity() without its fast paths (the common numeric form,
 * "&lt;", "&gt;", "&amp;"): the tables walked for every name. */
size_t sf_entity_slow(const unsigned char *p, const unsigned char *end,
    unsigned char *out, size_t *used);

/* Sorts marks->order by position (insertion sort: few marks). */
void sf_marks_sort(sf_marks_t *marks);

/* One round of entity decoding.  Returns the output length.  out may be
 * in itself (the output never overtakes the input). */
size_t sf_decode(const unsigned char *in, size_t len, unsigned char *out,
    size_t cap, sf_marks_t *marks, unsigned *flags);

/*
 * Fold in[] into out[]; *overflow is set when out was too small (the
 * output is then a valid prefix).  markup may be NULL (markup is still
 * removed with SF_FOLD_MARKUP, links are not recorded); then out may be
 * in itself.
 */
size_t sf_fold(const unsigned char *in, size_t len, unsigned char *out,
    size_t cap, unsigned flags, sf_marks_t *marks, sf_markup_t *markup,
    int *overflow);

/*
 * The whole normalization of a short string (a phrase, a title, a name):
 * decoding rounds and folding, using buf0 and buf1 of cap bytes each.
 * Returns the result (in buf0 or buf1) and its length in *len.
 */
const unsigned char *sf_normalize(const unsigned char *in, size_t in_len,
    unsigned char *buf0, unsigned char *buf1, size_t cap, unsigned flags,
    size_t *len, int *overflow);

/*
 * The same as sf_normalize() in one buffer of cap bytes (the result is
 * there, its length returned), without markup links: each pass writes
 * behind where it reads.
 */
size_t sf_normalize_in(const unsigned char *in, size_t in_len,
    unsigned char *buf, size_t cap, unsigned flags, int *overflow);

#endif /* SF_NORMALIZE_H_INCLUDED */
