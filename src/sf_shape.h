/*
 * sf_shape.h: the repost footer told by its shape, whatever its language
 * or wording.  Internal.
 *
 * Every footer an aggregator appends ("The post X first appeared on Y.",
 * its ~200 translations and every site's own edit of it) has one shape: a
 * short block whose links are one link to the post, with the page's title
 * as its text, and one link to the home page of the same site, with a few
 * words of glue around them and at most one more link (an author).  The
 * words change; the shape does not.
 */

#ifndef SF_SHAPE_H_INCLUDED
#define SF_SHAPE_H_INCLUDED

#include "sf_block.h"


/* Bounds of the glue: the block's text outside its links. */
#define SF_SHAPE_MAX_WORDS    25
#define SF_SHAPE_MAX_GLUE     200           /* bytes */
#define SF_SHAPE_MIN_LETTERS  4             /* a breadcrumb's "»" is none */


typedef struct {
    size_t                post;             /* the link to the post */
    size_t                site;             /* the link to the home page */
} sf_shape_t;


/* Bytes of each of the three scratch buffers: a clean URL fits. */
#define SF_SHAPE_CAP          2304


/* Whether the rules switched the detector on ("detector shape-footer"). */
int sf_shape_enabled(const sf_rules_t *rules);

/*
 * The detector's decision on a block no rule took: on a footer by shape,
 * res becomes "drop-source" by rule "shape-footer" with the post's clean
 * URL as the source and the home link's text as its name (both in
 * scratch, 3 * SF_SHAPE_CAP bytes); otherwise res is left alone.
 */
int sf_shape_decide(const sf_block_t *b, unsigned char *scratch,
    sf_decision_result_t *res);

/*
 * Whether block b has the shape of a repost footer.  scratch holds three
 * buffers of cap bytes each (normalized title, link text, clean URLs).
 * On 1, shape gives the indexes of the two links in b->links.
 */
int sf_shape_footer(const sf_block_t *b, unsigned char *scratch, size_t cap,
    sf_shape_t *shape);

/*
 * Why sf_shape_decide() leaves block b alone ("no link has the page title
 * as its text"), or NULL when it takes it; scratch as for sf_shape_decide.
 * For explanations only.
 */
const char *sf_shape_why(const sf_block_t *b, unsigned char *scratch);


#endif /* SF_SHAPE_H_INCLUDED */
