/*
 * sf_stream_comments.c: comment areas.  An element whose id or a class
 * word names comments holds what readers wrote: a block there is kept
 * whatever a rule says, and no source is learned or credited from it.
 */

#include <strings.h>

#include "sf_stream.h"


static int sf_stream_part_end(const unsigned char *w, size_t len, size_t i);


/* The end of a word part: the word's end, '-', '_' or a digit. */
static int
sf_stream_part_end(const unsigned char *w, size_t len, size_t i)
{
    return i == len || w[i] == '-' || w[i] == '_'
           || (w[i] >= '0' && w[i] <= '9');
}


/*
 * An id or a class word that names comments: "comment" or "comments" as a
 * part of it between '-', '_' or digits (comments, comments-area,
 * comment-list, wc-comment, fb-comments, comment-123; not commentary or
 * category-commentary), wpDiscuz's containers (wpd-*, wpd_*, wpdcom,
 * wpdiscuz*), Disqus.
 */
int
sf_stream_comment_word(const unsigned char *w, size_t len)
{
    size_t  i, j, k;

    static const char  comment[] = "comment";

    /* most class words start with none of 'w', 'd', 'c' and hold no '-' */
    if (len >= 4 && (w[0] | 0x20) == 'w'
        && strncasecmp((const char *) w, "wpd", 3) == 0
        && (w[3] == '-' || w[3] == '_'
            || (len >= 6 && strncasecmp((const char *) w + 3, "com", 3) == 0)
            || (len >= 8 && strncasecmp((const char *) w + 3, "iscuz", 5)
                            == 0)))
    {
        return 1;
    }

    if (len >= 6 && (w[0] | 0x20) == 'd'
        && strncasecmp((const char *) w, "disqus", 6) == 0)
    {
        return 1;
    }

    for (i = 0; i + sizeof(comment) - 1 <= len; i++) {
        if (i > 0 && w[i - 1] != '-' && w[i - 1] != '_') {
            continue;
        }

        for (j = 0; j < sizeof(comment) - 1; j++) {
            if ((w[i + j] | 0x20) != (unsigned char) comment[j]) {
                break;
            }
        }

        if (j < sizeof(comment) - 1) {
            continue;
        }

        k = i + j;

        if (k < len && (w[k] | 0x20) == 's') {
            k++;
        }

        if (sf_stream_part_end(w, len, k)) {
            return 1;
        }
    }

    return 0;
}


/*
 * An id or class value (a list of words) names a comment area: such
 * elements are flagged SF_BLOCK_IN_COMMENTS (sf_stream_elt.c), so that a
 * comment written like a footer is kept, and never learned from.
 */
int
sf_stream_comment_list(const unsigned char *v, size_t len)
{
    size_t                 n;
    const unsigned char   *p, *w;

    p = v;

    while ((w = sf_stream_word(&p, v + len, &n)) != NULL) {
        if (sf_stream_comment_word(w, n)) {
            return 1;
        }
    }

    return 0;
}


/*
 * The held block or an element around it is a comment area by its own id
 * or class (sf_stream_own_flags(), which leaves out <html> and <body>: a
 * theme's body class such as "comments-open" says nothing about where a
 * block sits).  Read from the flags found when each element opened, not
 * from its words again: learning walks the whole stack.
 */
int
sf_stream_in_comments(sf_stream_t *s)
{
    unsigned  i;

    if (s->mode == SF_MODE_HELD && (s->h_own & SF_BLOCK_IN_COMMENTS)) {
        return 1;
    }

    for (i = 0; i < s->depth; i++) {
        if (s->stack[i].comments) {
            return 1;
        }
    }

    return 0;
}
