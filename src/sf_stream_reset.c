/*
 * sf_stream_reset.c: one stream for many small documents.
 *
 * A feed holds hundreds of small HTML documents (the items); creating a
 * stream per item would allocate the hold-back buffers and the match
 * scratch again each time.  Reset keeps what sf_stream_create() allocated
 * and the options, and forgets everything that was read, exactly as a
 * fresh stream: the state is cleared whole, so a field added to the
 * stream later starts from zero here as it does in create.
 */

#include "sf_stream.h"


/* Above the levels the stream gives <title>, og:title and h1 (1 to 4). */
#define SF_TITLE_GIVEN  8


int
sf_stream_reset(sf_stream_t *s)
{
    size_t               memory, hold_cap, text_cap, render_cap;
    size_t               src_len, name_len, url_cap;
    unsigned             src_given;
    sf_link_t           *links;
    sf_match_t          *match, *own;
    sf_explainer_t      *explain;
    sf_slink_t          *slinks;
    sf_options_t         opt;
    unsigned char       *hold, *text, *render, *shape;
    sf_allocator_t       alloc;
    const sf_rules_t    *rules;
    char                *src, name[SF_NAME_SIZE];

    if (s == NULL) {
        return SF_ERROR;
    }

    /* what create allocated and set */
    rules = s->rules;
    opt = s->opt;
    alloc = s->alloc;
    match = s->match;
    own = s->own;
    explain = s->explain;
    hold = s->hold;
    hold_cap = s->hold_cap;
    text = s->text;
    text_cap = s->text_cap;
    slinks = s->slinks;
    links = s->links;
    render = s->render;
    render_cap = s->render_cap;
    shape = s->shape;
    src = s->src;
    url_cap = s->url_cap;
    memory = s->stats.memory;
    src_given = s->src_given;
    src_len = s->src_len;
    name_len = s->name_len;

    /*
     * All of the state cleared, as create clears it, so that a field added
     * later starts from zero here too; a source given with the options
     * (rare: a feed gives none) stays the source (its bytes stay in the
     * URL buffers).
     */
    if (src_given) {
        memcpy(name, s->name, sizeof(name));
    }

    memset(s, 0, sizeof(sf_stream_t));

    if (src_given) {
        memcpy(s->name, name, sizeof(name));

    } else {
        src_len = 0;
        name_len = 0;
    }

    s->rules = rules;
    s->opt = opt;
    s->alloc = alloc;
    s->match = match;
    s->own = own;
    s->explain = explain;
    s->hold = hold;
    s->hold_cap = hold_cap;
    s->text = text;
    s->text_cap = text_cap;
    s->slinks = slinks;
    s->links = links;
    s->render = render;
    s->render_cap = render_cap;
    s->shape = shape;
    s->src = src;
    s->foot = src + url_cap + 1;
    s->js_url = (unsigned char *) s->foot + url_cap + 1;
    s->canon = s->js_url + url_cap;
    s->url_cap = url_cap;
    s->canon_cap = SF_CANON_SIZE(url_cap);
    s->stats.memory = memory;
    s->src_given = src_given;
    s->src_len = src_len;
    s->name_len = name_len;

    sf_lexer_init(&s->lx);
    sf_stream_short_init(s);

    return SF_OK;
}


void
sf_stream_set_title(sf_stream_t *s, const char *title, size_t len)
{
    if (s == NULL || title == NULL) {
        return;
    }

    sf_stream_title_set(s, (const unsigned char *) title, len,
                        SF_TITLE_GIVEN);
}
