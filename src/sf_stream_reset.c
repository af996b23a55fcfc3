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
    sf_stream_t  keep;

    if (s == NULL) {
        return SF_ERROR;
    }

    memcpy(&keep, s, sizeof(sf_stream_t));
    memset(s, 0, sizeof(sf_stream_t));

    s->rules = keep.rules;
    s->opt = keep.opt;
    s->alloc = keep.alloc;
    s->match = keep.match;
    s->hold = keep.hold;
    s->hold_cap = keep.hold_cap;
    s->text = keep.text;
    s->text_cap = keep.text_cap;
    s->slinks = keep.slinks;
    s->links = keep.links;
    s->render = keep.render;
    s->render_cap = keep.render_cap;
    s->stats.memory = keep.stats.memory;

    /* a source given with the options stays the source */
    if (keep.src_given) {
        memcpy(s->src, keep.src, keep.src_len + 1);
        s->src_len = keep.src_len;
        memcpy(s->name, keep.name, keep.name_len + 1);
        s->name_len = keep.name_len;
        s->src_given = 1;
    }

    sf_lexer_init(&s->lx);

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
