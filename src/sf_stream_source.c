/*
 * sf_stream_source.c: the source of the page and its credit.
 *
 * The first source wins for the canonical and for sf_stream_source(): one
 * given at create time, found in the head, or taken from a footer link by
 * a rule.  The credit is rendered once, where the footer was or before the
 * end of the article or body; a footer that names its source is credited
 * with that source even when another one was given, because the credit
 * replaces what the page itself said.
 *
 * Nothing is learned or credited from a block inside a comment area: what
 * a reader wrote there is no statement of the page about its source, and
 * a learned source outlives the response (the module's learn zone).
 */

#include <strings.h>

#include "sf_stream.h"


static int sf_stream_part_end(const unsigned char *w, size_t len, size_t i);


const char  sf_stream_default_credit[] =
    "<p class=\"syndication-source\">Originally published by "
    "<a href=\"%u\">%n</a></p>";

const size_t  sf_stream_default_credit_len =
    sizeof(sf_stream_default_credit) - 1;


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
 * The held block or an element around it is a comment area (by id or
 * class).  <html> and <body> do not count: a theme's body class such as
 * "comments-open" says nothing about where a block sits.
 */
int
sf_stream_in_comments(sf_stream_t *s)
{
    unsigned               i;
    sf_elt_t              *e;
    const unsigned char   *base;

    if (s->mode == SF_MODE_HELD) {
        base = s->hold + s->h_start;

        if (sf_stream_comment_list(base + s->h_id, s->h_id_len)
            || sf_stream_comment_list(base + s->h_cls, s->h_cls_len))
        {
            return 1;
        }
    }

    for (i = 0; i < s->depth; i++) {
        e = &s->stack[i];

        if (e->tag == SF_TAG_HTML || e->tag == SF_TAG_BODY) {
            continue;
        }

        if (sf_stream_comment_list(s->arena + e->id, e->id_len)
            || sf_stream_comment_list(s->arena + e->cls, e->cls_len))
        {
            return 1;
        }
    }

    return 0;
}


void
sf_stream_learn(sf_stream_t *s, const char *url, size_t len,
    const char *name, size_t name_len)
{
    if (len == 0) {
        return;
    }

    if (len > s->url_cap) {
        /* longer than the limits keep: no canonical, no credit, counted */
        if (s->src_len == 0) {
            s->stats.inserts_failed++;
        }

        return;
    }

    if (s->mode == SF_MODE_HELD) {
        /* a block, decided by a rule: a footer */
        if (sf_stream_in_comments(s)) {
            return;
        }

        if (s->foot_len == 0) {
            memcpy(s->foot, url, len);
            s->foot[len] = '\0';
            s->foot_len = len;
        }
    }

    if (s->src_len > 0) {
        return;
    }

    memcpy(s->src, url, len);
    s->src[len] = '\0';
    s->src_len = len;

    /* no name: the credit falls back to the URL's host when it is drawn */
    if (name == NULL || name_len >= SF_NAME_SIZE) {
        name_len = (name == NULL) ? 0 : SF_NAME_SIZE - 1;
    }

    if (name_len > 0) {
        memcpy(s->name, name, name_len);
    }

    s->name[name_len] = '\0';
    s->name_len = name_len;
}


void
sf_stream_credit(sf_stream_t *s)
{
    sf_stream_credit_for(s, s->src, s->src_len, s->name, s->name_len);
}


void
sf_stream_credit_for(sf_stream_t *s, const char *url, size_t len,
    const char *name, size_t name_len)
{
    size_t       n;
    const char  *tmpl;

    if (!s->opt.attribution || s->opt.report || s->credit_done || len == 0) {
        return;
    }

    /* a footer in a comment is credited no more than it is learned */
    if (s->mode == SF_MODE_HELD && url != s->src && sf_stream_in_comments(s))
    {
        return;
    }

    if (name == NULL || name_len == 0) {
        name_len = sf_url_host(url, len, &name);

        if (name == NULL) {
            name_len = 0;
        }
    }

    /* footer names and hosts are shown at most SF_NAME_SIZE - 1 bytes long */
    if (name_len >= SF_NAME_SIZE) {
        name_len = SF_NAME_SIZE - 1;
    }

    tmpl = s->opt.credit_template != NULL ? s->opt.credit_template
           : s->lang_credit != NULL ? s->lang_credit
           : sf_stream_default_credit;

    n = sf_credit_render(tmpl, url, len, name, name_len, s->render,
                         s->render_cap);

    if (n == 0) {
        /* too long for the render buffer: left out, counted, not retried */
        s->stats.inserts_failed++;
        s->credit_done = 1;
        return;
    }

    sf_stream_queue(s, s->render, n);
    s->credit_done = 1;
    s->stats.credits++;
}


const char *
sf_stream_footer_source(const sf_stream_t *s, size_t *len)
{
    if (len != NULL) {
        *len = s->foot_len;
    }

    return s->foot_len > 0 ? s->foot : "";
}
