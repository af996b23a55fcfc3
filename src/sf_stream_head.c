/*
 * sf_stream_head.c: the head of the page, its canonical and the title.
 *
 * The canonical is rewritten to the source when the source is known in
 * time; when the head names the source after its canonical, the canonical
 * and what follows it are held (up to the hold-back limit) until the head
 * ends.  The title (of <title>, og:title or the first h1) is what the
 * rules compare a block's text with.  The isBasedOn of a JSON-LD script
 * in the head is one more head source, read as the script streams by.
 */

#include "sf_stream.h"


static int sf_stream_value_is(const unsigned char *v, size_t len,
    const char *word);
static int sf_stream_list_has(const unsigned char *v, size_t len,
    const char *word);
static size_t sf_stream_host_base(const char *host, size_t len,
    const char **base);
static int sf_stream_host_is_page(sf_stream_t *s, const char *url, size_t len);
static void sf_stream_head_source(sf_stream_t *s, const unsigned char *v,
    size_t len, int need_host, int decode);
static int sf_stream_queue_canonical(sf_stream_t *s);
static void sf_stream_canonical_given(sf_stream_t *s);
static int sf_stream_js_key(sf_stream_t *s);
static unsigned sf_stream_js_put(sf_stream_t *s, unsigned char c);


/*
 * The states of the isBasedOn matcher, one byte at a time: the script
 * comes in pieces of any size, so everything it needs to go on is here
 * and in the stream (js_*), nothing on the C stack.
 */
enum {
    SF_JS_OFF = 0,          /* not in a head JSON-LD script */
    SF_JS_OUT,              /* between JSON strings */
    SF_JS_KEY,              /* in a string, perhaps a key looked for */
    SF_JS_KEY_ESC,          /* ... after its backslash */
    SF_JS_COLON,            /* after a key looked for: its ':' */
    SF_JS_VALUE,            /* after the ':': what value */
    SF_JS_URL,              /* in the string value: the URL */
    SF_JS_URL_ESC,          /* ... after its backslash */
    SF_JS_URL_HEX           /* ... in a \uXXXX escape */
};


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


/*
 * A host without a trailing dot (the root of the DNS, same host) and
 * without a leading "www." (the same site, as aggregators serve it both
 * ways).
 */
static size_t
sf_stream_host_base(const char *host, size_t len, const char **base)
{
    if (len > 0 && host[len - 1] == '.') {
        len--;
    }

    if (len > 4 && (host[0] | 0x20) == 'w' && (host[1] | 0x20) == 'w'
        && (host[2] | 0x20) == 'w' && host[3] == '.')
    {
        host += 4;
        len -= 4;
    }

    *base = host;

    return len;
}


static int
sf_stream_host_is_page(sf_stream_t *s, const char *url, size_t len)
{
    size_t       n, m, i;
    const char  *host, *page;

    if (s->opt.page_host == NULL || s->opt.page_host_len == 0) {
        return 1;
    }

    n = sf_url_host(url, len, &host);

    if (host == NULL) {
        return 0;
    }

    n = sf_stream_host_base(host, n, &host);
    m = sf_stream_host_base(s->opt.page_host, s->opt.page_host_len, &page);

    if (n != m) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if ((host[i] | 0x20) != (page[i] | 0x20)) {
            return 0;
        }
    }

    return 1;
}


/* A candidate source from the head: only when it is not the page itself. */
static void
sf_stream_head_source(sf_stream_t *s, const unsigned char *v, size_t len,
    int need_host, int decode)
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

    n = sf_url_clean(v, len, decode, url, sizeof(url));

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
        sf_stream_head_source(s, v, len, 1, 1);

    } else if (sf_stream_value_is(name, nlen, "original-source")) {
        /* as for og:url: without the page's host, no head source counts */
        sf_stream_head_source(s, v, len, 1, 1);
    }
}


/*
 * <link rel="canonical" href="SRC"> in its own buffer: the credit may be
 * rendered while this one still waits in the queue.  Returns 0 when it
 * did not fit (counted): the caller then leaves the page's own canonical.
 */
static int
sf_stream_queue_canonical(sf_stream_t *s)
{
    size_t  n, k;

    static const char  head[] = "<link rel=\"canonical\" href=\"";

    n = sizeof(head) - 1;
    memcpy(s->canon, head, n);

    k = sf_escape_attr(s->src, s->src_len, s->canon + n,
                       s->canon_cap - n - 2);

    if (k == 0) {
        s->stats.inserts_failed++;
        return 0;
    }

    n += k;
    s->canon[n++] = '"';
    s->canon[n++] = '>';

    sf_stream_queue(s, s->canon, n);
    s->stats.canonicals++;

    return 1;
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
    s->js_state = SF_JS_OFF;

    sf_stream_canonical_given(s);
}


/*
 * The body starts and no <head> was seen: the head is implied (HTML puts
 * a <link> met before the body's content there), so the canonical of a
 * source given at create time goes in right before the body, and the
 * Link header the module sent does not stand alone.
 */
void
sf_stream_head_implied(sf_stream_t *s)
{
    s->head_seen = 1;

    sf_stream_canonical_given(s);
}


/* The canonical of a source given at create time, when the head had none. */
static void
sf_stream_canonical_given(sf_stream_t *s)
{
    if (s->opt.canonical && !s->opt.report && !s->canon_seen
        && s->src_given)
    {
        (void) sf_stream_queue_canonical(s);
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
        if (!sf_stream_queue_canonical(s)) {
            /* ours did not fit: the page keeps its own */
            return 0;
        }

        s->hold_len = s->t_start;
        return 1;
    }

    /* a canonical pointing elsewhere is itself the source */
    sf_stream_head_source(s, a->href.data, a->href.len, 1, 1);

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


sf_verdict_e
sf_stream_headhold_tag(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    size_t  rest;

    if (sf_stream_ends_head(tag)) {
        rest = s->h_start + s->canon_len;

        if (s->src_len > 0 && sf_stream_queue_canonical(s)) {
            sf_stream_queue(s, s->hold + rest, s->t_start - rest);

        } else {
            sf_stream_queue(s, s->hold + s->h_start, s->t_start - s->h_start);
        }

        s->mode = SF_MODE_PASS;
        return SF_TAG_AGAIN;
    }

    sf_stream_jsonld_tag(s, tag);

    if (tag->end) {
        if (tag->tag == SF_TAG_TITLE && s->title_capture) {
            sf_stream_title_end(s);
        }

        return SF_TAG_TAKEN;
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

    return SF_TAG_TAKEN;
}


/*
 * A tag in the head: a <script type="application/ld+json"> starts the
 * isBasedOn matcher; any other tag (its </script> first) stops it, as no
 * tag can appear inside the script's raw text.
 */
void
sf_stream_jsonld_tag(sf_stream_t *s, sf_tag_t *tag)
{
    size_t                 len, i;
    unsigned char          c;
    const unsigned char   *v;

    static const char  type[] = "application/ld+json";

    s->js_state = SF_JS_OFF;

    /* the first source wins: once known, no script needs reading */
    if (tag->end || tag->tag != SF_TAG_SCRIPT || s->src_len > 0) {
        return;
    }

    v = sf_tag_attr(tag, "type", &len);

    if (v == NULL) {
        return;
    }

    while (len > 0 && sf_stream_space(*v)) {
        v++;
        len--;
    }

    /* a MIME type: parameters after ';' and space around do not count */
    for (i = 0; i < len && v[i] != ';'; i++) { /* void */ }

    len = i;

    while (len > 0 && sf_stream_space(v[len - 1])) {
        len--;
    }

    if (len != sizeof(type) - 1) {
        return;
    }

    for (i = 0; i < len; i++) {
        c = v[i];

        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
        }

        if (c != (unsigned char) type[i]) {
            return;
        }
    }

    s->js_state = SF_JS_OUT;
    s->js_depth = 0;
}


/*
 * The string just closed is a key looked for: "isBasedOn" anywhere but in
 * its own value, "@id" or "url" right in an isBasedOn object.  JSON-LD
 * terms are case-sensitive.
 */
static int
sf_stream_js_key(sf_stream_t *s)
{
    size_t  n;

    n = s->js_klen;

    if (s->js_depth == 0) {
        return n == 9 && memcmp(s->js_key, "isBasedOn", 9) == 0;
    }

    if (s->js_depth == 1) {
        return (n == 3 && memcmp(s->js_key, "@id", 3) == 0)
               || (n == 3 && memcmp(s->js_key, "url", 3) == 0);
    }

    return 0;
}


/*
 * One more URL byte; a URL that does not fit is refused: the rest of its
 * string is then skipped as a string that is no key.
 */
static unsigned
sf_stream_js_put(sf_stream_t *s, unsigned char c)
{
    if (s->js_ulen == s->url_cap) {
        s->js_klen = SF_JSKEY_SIZE;
        return SF_JS_KEY;
    }

    s->js_url[s->js_ulen++] = c;

    return SF_JS_URL;
}


/*
 * A byte of the string value of a source key, in one of the URL states.
 * Returns 0 when the byte ends the string as no URL and is to be looked at
 * again in the state it left, 1 when it is used.
 */
static int
sf_stream_js_url(sf_stream_t *s, unsigned char c)
{
    unsigned  d;

    switch (s->js_state) {

    case SF_JS_URL:
        if (c == '"') {
            sf_stream_head_source(s, s->js_url, s->js_ulen, 1, 0);
            s->js_state = (s->src_len > 0) ? SF_JS_OFF : SF_JS_OUT;

        } else if (c == '\\') {
            s->js_state = SF_JS_URL_ESC;

        } else if (c < 0x20) {
            /* no raw control bytes in JSON strings: refuse */
            s->js_klen = SF_JSKEY_SIZE;
            s->js_state = SF_JS_KEY;

        } else {
            s->js_state = sf_stream_js_put(s, c);
        }

        return 1;

    case SF_JS_URL_ESC:
        if (c == '/') {
            s->js_state = sf_stream_js_put(s, c);

        } else if (c == 'u') {
            s->js_hex = 0;
            s->js_nhex = 0;
            s->js_state = SF_JS_URL_HEX;

        } else {
            /* escapes no URL needs: refuse, skip the string */
            s->js_klen = SF_JSKEY_SIZE;
            s->js_state = SF_JS_KEY;
        }

        return 1;

    case SF_JS_URL_HEX:
        if (c >= '0' && c <= '9') {
            d = c - '0';

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            d = (c | 0x20) - 'a' + 10;

        } else {
            s->js_klen = SF_JSKEY_SIZE;
            s->js_state = SF_JS_KEY;
            return 0;
        }

        s->js_hex = s->js_hex * 16 + d;

        if (++s->js_nhex < 4) {
            return 1;
        }

        /* "\u0026" is how some encoders write '&'; nothing else */
        if (s->js_hex == 0x26) {
            s->js_state = sf_stream_js_put(s, '&');

        } else {
            s->js_klen = SF_JSKEY_SIZE;
            s->js_state = SF_JS_KEY;
        }

        return 1;
    }

    return 1;
}


/*
 * Raw text of the head JSON-LD script, as it streams by (the bytes are
 * only looked at).  Each byte moves the matcher by one state; a byte that
 * ends what a state expected (a value that is no string) is looked at
 * again in the next state, without moving on.
 */
void
sf_stream_jsonld(sf_stream_t *s, const unsigned char *p, size_t len)
{
    unsigned char         c;
    const unsigned char  *end;

    end = p + len;

    while (p < end && s->js_state != SF_JS_OFF) {
        c = *p;

        switch (s->js_state) {

        case SF_JS_OUT:
            if (c == '"') {
                s->js_state = SF_JS_KEY;
                s->js_klen = 0;

            } else if (s->js_depth > 0) {
                /* nesting counts only inside the isBasedOn object */
                if (c == '{' || c == '[') {
                    s->js_depth++;

                } else if (c == '}' || c == ']') {
                    s->js_depth--;
                }
            }

            break;

        case SF_JS_KEY:
            if (c == '\\') {
                s->js_state = SF_JS_KEY_ESC;

            } else if (c == '"') {
                s->js_state = sf_stream_js_key(s) ? SF_JS_COLON : SF_JS_OUT;

            } else if (s->js_klen < SF_JSKEY_SIZE) {
                s->js_key[s->js_klen++] = c;
            }

            break;

        case SF_JS_KEY_ESC:
            /* an escaped key is none of ours */
            s->js_klen = SF_JSKEY_SIZE;
            s->js_state = SF_JS_KEY;
            break;

        case SF_JS_COLON:
            if (c == ':') {
                s->js_state = SF_JS_VALUE;

            } else if (!sf_stream_space(c)) {
                /* a string value that reads like a key */
                s->js_state = SF_JS_OUT;
                continue;
            }

            break;

        case SF_JS_VALUE:
            if (c == '"') {
                s->js_state = SF_JS_URL;
                s->js_ulen = 0;

            } else if (c == '{' && s->js_depth == 0) {
                s->js_depth = 1;
                s->js_state = SF_JS_OUT;

            } else if (c == '[' && s->js_depth == 0) {
                /* a list of sources: its first one is looked at */

            } else if (!sf_stream_space(c)) {
                s->js_state = SF_JS_OUT;
                continue;
            }

            break;

        case SF_JS_URL:
        case SF_JS_URL_ESC:
        case SF_JS_URL_HEX:
            if (!sf_stream_js_url(s, c)) {
                continue;
            }

            break;

        default:
            s->js_state = SF_JS_OFF;
            break;
        }

        p++;
    }
}
