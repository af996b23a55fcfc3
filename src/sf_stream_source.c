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

#include "sf_stream.h"


const char  sf_stream_default_credit[] =
    "<p class=\"syndication-source\">Originally published by "
    "<a href=\"%u\">%n</a></p>";

const size_t  sf_stream_default_credit_len =
    sizeof(sf_stream_default_credit) - 1;


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
