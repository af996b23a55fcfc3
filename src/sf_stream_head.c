/*
 * sf_stream_head.c: the head of the page, its canonical and the title.
 *
 * The canonical is rewritten to the source when the source is known in
 * time; when the head names the source after its canonical, the canonical
 * and what follows it are held (up to the hold-back limit) until the head
 * ends.  The title (of <title>, og:title or the first h1) is what the
 * rules compare a block's text with.
 */

#include "sf_stream.h"


static int sf_stream_value_is(const unsigned char *v, size_t len,
    const char *word);
static int sf_stream_list_has(const unsigned char *v, size_t len,
    const char *word);
static int sf_stream_host_is_page(sf_stream_t *s, const char *url, size_t len);
static void sf_stream_head_source(sf_stream_t *s, const unsigned char *v,
    size_t len, int need_host);
static void sf_stream_queue_canonical(sf_stream_t *s);


static int
sf_stream_value_is(const unsigned char *v, size_t len, const char *word)
{
    size_t  i, n;

    n = strlen(word);

    if (v == NULL || len != n) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if ((v[i] | 0x20) != (unsigned char) word[i]) {
            return 0;
        }
    }

    return 1;
}


/* A space-separated list holds word, ASCII case-insensitively (rel). */
static int
sf_stream_list_has(const unsigned char *v, size_t len, const char *word)
{
    size_t                 n;
    const unsigned char   *p, *w;

    if (v == NULL) {
        return 0;
    }

    p = v;

    while ((w = sf_stream_word(&p, v + len, &n)) != NULL) {
        if (sf_stream_value_is(w, n, word)) {
            return 1;
        }
    }

    return 0;
}


void
sf_stream_title_set(sf_stream_t *s, const unsigned char *p, size_t len,
    unsigned level)
{
    if (level < s->title_level) {
        return;
    }

    while (len > 0 && sf_stream_space(*p)) {
        p++;
        len--;
    }

    while (len > 0 && sf_stream_space(p[len - 1])) {
        len--;
    }

    if (len == 0) {
        return;
    }

    if (len > SF_TITLE_SIZE) {
        len = SF_TITLE_SIZE;
    }

    memmove(s->title, p, len);
    s->title_len = len;
    s->title_level = level;
}


/* The end of <title>: cut a " - SITE", " – SITE" or " | SITE" suffix. */
void
sf_stream_title_end(sf_stream_t *s)
{
    size_t          i, cut;
    unsigned char  *t;

    s->title_capture = 0;
    t = s->title;
    cut = s->title_len;

    for (i = s->title_len; i > 0; i--) {
        if (i + 2 <= s->title_len && t[i - 1] == ' '
            && (t[i] == '-' || t[i] == '|') && t[i + 1] == ' ')
        {
            cut = i - 1;
            break;
        }

        if (i + 4 <= s->title_len && t[i - 1] == ' ' && t[i] == 0xe2
            && t[i + 1] == 0x80 && (t[i + 2] == 0x93 || t[i + 2] == 0x94)
            && t[i + 3] == ' ')
        {
            cut = i - 1;
            break;
        }
    }

    if (cut == 0) {
        cut = s->title_len;
    }

    s->title_level = 0;
    sf_stream_title_set(s, s->title, cut, 1);
}


void
sf_stream_title_add(sf_stream_t *s, const unsigned char *p, size_t len)
{
    size_t  n;

    n = SF_TITLE_SIZE - s->title_len;
    n = len < n ? len : n;

    memcpy(s->title + s->title_len, p, n);
    s->title_len += n;
}


static int
sf_stream_host_is_page(sf_stream_t *s, const char *url, size_t len)
{
    size_t       n, i;
    const char  *host;

    if (s->opt.page_host == NULL || s->opt.page_host_len == 0) {
        return 1;
    }

    n = sf_url_host(url, len, &host);

    if (host == NULL || n != s->opt.page_host_len) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if ((host[i] | 0x20) != (s->opt.page_host[i] | 0x20)) {
            return 0;
        }
    }

    return 1;
}


/* A candidate source from the head: only when it is not the page itself. */
static void
sf_stream_head_source(sf_stream_t *s, const unsigned char *v, size_t len,
    int need_host)
{
    size_t  n;
    char    url[SF_SOURCE_SIZE];

    if (v == NULL || s->src_len > 0) {
        return;
    }

    if (need_host && (s->opt.page_host == NULL
                      || s->opt.page_host_len == 0))
    {
        return;
    }

    n = sf_url_clean(v, len, 1, url, sizeof(url));

    if (n == 0) {
        return;
    }

    /* on reposts the head usually names the aggregator itself */
    if (s->opt.page_host != NULL && sf_stream_host_is_page(s, url, n)) {
        return;
    }

    sf_stream_learn(s, url, n, NULL, 0);
}


void
sf_stream_meta(sf_stream_t *s, sf_attrs_t *a)
{
    size_t                 len, plen, nlen;
    const unsigned char   *v, *prop, *name;

    a = sf_stream_attrs(a);
    v = a->content.data;
    len = a->content.len;

    if (v == NULL) {
        return;
    }

    prop = a->property.data;
    plen = a->property.len;
    name = a->name.data;
    nlen = a->name.len;

    if (sf_stream_value_is(prop, plen, "og:title")) {
        sf_stream_title_set(s, v, len, 2);

    } else if (sf_stream_value_is(prop, plen, "og:url")) {
        sf_stream_head_source(s, v, len, 1);

    } else if (sf_stream_value_is(name, nlen, "original-source")) {
        sf_stream_head_source(s, v, len, 0);
    }
}


/* <link rel="canonical" href="SRC"> in the render buffer. */
static void
sf_stream_queue_canonical(sf_stream_t *s)
{
    size_t  n, k;

    static const char  head[] = "<link rel=\"canonical\" href=\"";

    n = sizeof(head) - 1;
    memcpy(s->render, head, n);

    k = sf_escape_attr(s->src, s->src_len, s->render + n,
                       s->render_cap - n - 2);

    if (k == 0) {
        return;
    }

    n += k;
    s->render[n++] = '"';
    s->render[n++] = '>';

    sf_stream_queue(s, s->render, n);
    s->stats.canonicals++;
}


/*
 * The head ends: insert the canonical if the head had none, but only for a
 * source given at create time (syndication_source, or one the module
 * learned for this URL before).  A source found in the head itself only
 * replaces the head's own canonical (design: "replaces the head canonical
 * within the hold-back window"): a page without a canonical keeps having
 * none, as the module's Link header is not sent for such a source either.
 */
void
sf_stream_head_end(sf_stream_t *s)
{
    s->in_head = 0;
    s->title_capture = 0;

    if (s->opt.canonical && !s->opt.report && !s->canon_seen
        && s->src_given)
    {
        sf_stream_queue_canonical(s);
        s->canon_seen = 1;
    }
}


/*
 * <link rel="canonical"> in the head.  Returns 1 when the stream took the
 * tag over (rewrote, dropped or started holding it).
 */
int
sf_stream_canonical(sf_stream_t *s, sf_attrs_t *a)
{
    a = sf_stream_attrs(a);

    if (!sf_stream_list_has(a->rel.data, a->rel.len, "canonical")) {
        return 0;
    }

    if (s->opt.report || !s->opt.canonical) {
        s->canon_seen = 1;
        return 0;
    }

    if (s->canon_seen) {
        if (s->stats.canonicals > 0) {
            /* never two canonicals: ours is out already */
            s->hold_len = s->t_start;
            return 1;
        }

        return 0;
    }

    s->canon_seen = 1;

    if (s->src_len > 0) {
        sf_stream_queue_canonical(s);
        s->hold_len = s->t_start;
        return 1;
    }

    /* a canonical pointing elsewhere is itself the source */
    sf_stream_head_source(s, a->href.data, a->href.len, 1);

    if (s->src_len > 0) {
        return 0;
    }

    /* hold it: the rest of the head may name the source */
    s->mode = SF_MODE_HEADHOLD;
    s->h_start = s->t_start;
    s->canon_len = s->hold_len - s->t_start;

    return 1;
}


int
sf_stream_ends_head(sf_tag_t *tag)
{
    sf_tag_e  t;

    t = tag->tag;

    if (tag->end) {
        return t == SF_TAG_HEAD || t == SF_TAG_BODY || t == SF_TAG_HTML;
    }

    return t == SF_TAG_BODY
           || (sf_tag_is_block(t) && t != SF_TAG_HTML && t != SF_TAG_HEAD);
}


void
sf_stream_headhold_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    size_t  rest;

    if (sf_stream_ends_head(tag)) {
        rest = s->h_start + s->canon_len;

        if (s->src_len > 0) {
            sf_stream_queue_canonical(s);
            sf_stream_queue(s, s->hold + rest, s->t_start - rest);

        } else {
            sf_stream_queue(s, s->hold + s->h_start, s->t_start - s->h_start);
        }

        s->mode = SF_MODE_PASS;
        sf_stream_pass_tag(s, tag, a);
        return;
    }

    if (tag->end) {
        if (tag->tag == SF_TAG_TITLE && s->title_capture) {
            sf_stream_title_end(s);
        }

        return;
    }

    if (tag->tag == SF_TAG_LINK) {
        a = sf_stream_attrs(a);
    }

    if (tag->tag == SF_TAG_LINK
        && sf_stream_list_has(a->rel.data, a->rel.len, "canonical"))
    {
        /* a second canonical: leave the head as it is */
        sf_stream_queue(s, s->hold + s->h_start, s->hold_len - s->h_start);
        s->mode = SF_MODE_PASS;

    } else if (tag->tag == SF_TAG_META) {
        sf_stream_meta(s, a);

    } else if (tag->tag == SF_TAG_TITLE && s->title_level == 0) {
        s->title_capture = 1;
        s->title_len = 0;
    }
}
