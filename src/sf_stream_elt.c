/*
 * sf_stream_elt.c: the open block-level elements and their attributes.
 *
 * The stack gives every held block its context: the flags its ancestors
 * set (inside the article body, a blockquote, a comment list) and its
 * parent's id and class, which rules may name.  Attributes are parsed
 * lazily, at the first use, since most tags decide nothing by them.
 */

#include "sf_stream.h"


static int sf_stream_name_is(const unsigned char *n, const char *name,
    size_t len);
static sf_tag_e sf_stream_top(sf_stream_t *s);
static int sf_stream_heading(sf_tag_e t);


static int
sf_stream_name_is(const unsigned char *n, const char *name, size_t len)
{
    size_t    i;
    uint32_t  a, b;

    /* four bytes at a time, folded alike: most names are 4 to 8 long */
    for (i = 0; i + 4 <= len; i += 4) {
        memcpy(&a, n + i, 4);
        memcpy(&b, name + i, 4);

        if ((a | 0x20202020) != b) {
            return 0;
        }
    }

    for ( /* void */ ; i < len; i++) {
        if ((n[i] | 0x20) != (unsigned char) name[i]) {
            return 0;
        }
    }

    return 1;
}


/* The attributes the stream looks at, and their offsets in sf_attrs_t. */
static const sf_stream_word_t  sf_stream_attr_names[] = {
    { "id", 2, offsetof(sf_attrs_t, id) },
    { "rel", 3, offsetof(sf_attrs_t, rel) },
    { "href", 4, offsetof(sf_attrs_t, href) },
    { "name", 4, offsetof(sf_attrs_t, name) },
    { "class", 5, offsetof(sf_attrs_t, cls) },
    { "content", 7, offsetof(sf_attrs_t, content) },
    { "itemprop", 8, offsetof(sf_attrs_t, itemprop) },
    { "property", 8, offsetof(sf_attrs_t, property) },
    { NULL, 0, 0 }
};


/* The first of them of each name length, 0 to 8, and the end. */
static const unsigned char  sf_stream_attr_by_len[10] = {
    0, 0, 0, 1, 2, 4, 5, 5, 6, 8
};


/* Parse the attributes once, at the first use. */
sf_attrs_t *
sf_stream_attrs(sf_attrs_t *a)
{
    size_t                   nlen, vlen;
    sf_tag_t                 cur;
    const sf_tag_t          *cur_tag;
    const unsigned char     *n, *v;
    sf_stream_val_t         *val;
    const sf_stream_word_t  *w;

    if (a->parsed) {
        return a;
    }

    cur_tag = a->tag;
    cur = *cur_tag;
    memset(a, 0, sizeof(sf_attrs_t));
    a->tag = cur_tag;
    a->parsed = 1;

    /* the attributes of an end tag mean nothing */
    if (cur.end) {
        return a;
    }

    while (sf_tag_next_attr(&cur, &n, &nlen, &v, &vlen) == 0) {
        /* most attributes (src, alt, width, data-...) are none of these */
        if (nlen > 8) {
            continue;
        }

        for (w = &sf_stream_attr_names[sf_stream_attr_by_len[nlen]];
             w < &sf_stream_attr_names[sf_stream_attr_by_len[nlen + 1]];
             w++)
        {
            if (!sf_stream_name_is(n, w->word, nlen)) {
                continue;
            }

            /* as in browsers, the first of duplicate attributes counts */
            val = (sf_stream_val_t *) ((char *) a + w->value);

            if (val->data == NULL) {
                val->data = v;
                val->len = vlen;
            }

            break;
        }
    }

    return a;
}


/* Classes that place the contents of their element. */
static const sf_stream_word_t  sf_stream_place_classes[] = {
    { "commentlist", 11, SF_BLOCK_IN_COMMENTS },
    { "comment-list", 12, SF_BLOCK_IN_COMMENTS },
    { "post-content", 12, SF_BLOCK_IN_ENTRY },
    { "entry-content", 13, SF_BLOCK_IN_ENTRY },
    { NULL, 0, 0 }
};


/* What an element itself says about where its contents sit. */
unsigned
sf_stream_own_flags(sf_tag_t *tag, sf_attrs_t *a)
{
    int                      comments;
    size_t                   len;
    unsigned                 flags;
    const unsigned char     *p, *w;
    const sf_stream_word_t  *c;

    flags = 0;
    a = sf_stream_attrs(a);

    if (tag->tag == SF_TAG_ARTICLE) {
        flags |= SF_BLOCK_IN_ENTRY;
    }

    if (tag->tag == SF_TAG_BLOCKQUOTE) {
        flags |= SF_BLOCK_IN_BLOCKQUOTE;
    }

    if (tag->tag == SF_TAG_PRE) {
        flags |= SF_BLOCK_IN_CODE;
    }

    /*
     * An element whose id or a class word names comments (#comments,
     * .comments-area, wpDiscuz's wpd- containers, ...) holds what readers
     * wrote; not <html> or <body>, whose classes describe the page.
     */
    comments = tag->tag != SF_TAG_HTML && tag->tag != SF_TAG_BODY;

    if (comments && a->id.data != NULL
        && sf_stream_comment_list(a->id.data, a->id.len))
    {
        flags |= SF_BLOCK_IN_COMMENTS;
    }

    /* one pass over the class words */
    p = a->cls.data;

    while (p != NULL
           && (w = sf_stream_word(&p, a->cls.data + a->cls.len, &len)) != NULL)
    {
        if (comments && sf_stream_comment_word(w, len)) {
            flags |= SF_BLOCK_IN_COMMENTS;
        }

        if (len < 11 || len > 13) {
            continue;
        }

        for (c = sf_stream_place_classes; c->word != NULL; c++) {
            if (len == c->len && memcmp(w, c->word, len) == 0) {
                flags |= (unsigned) c->value;
            }
        }
    }

    if (a->itemprop.data != NULL && a->itemprop.len == 11
        && memcmp(a->itemprop.data, "articleBody", 11) == 0)
    {
        flags |= SF_BLOCK_IN_ENTRY;
    }

    return flags;
}


unsigned
sf_stream_flags(sf_stream_t *s)
{
    return s->depth > 0 ? s->stack[s->depth - 1].flags : 0;
}


/*
 * Inside a code sample: an open <pre> (a block on the stack) or <code>
 * (inline, counted by sf_stream_tag()).  An article quoting a footer as an
 * example shows it there; nothing in it is removed, credited or learned.
 */
int
sf_stream_in_code(sf_stream_t *s)
{
    return s->code > 0 || (sf_stream_flags(s) & SF_BLOCK_IN_CODE);
}


void
sf_stream_push(sf_stream_t *s, sf_tag_t *tag, sf_attrs_t *a)
{
    if (sf_tag_is_void(tag->tag)) {
        return;
    }

    if (s->depth == SF_STACK_MAX) {
        s->deep++;
        sf_stream_pass(s, SF_PASS_DEPTH);
        return;
    }

    a = sf_stream_attrs(a);

    sf_stream_push_elt(s, tag->tag, a->id.data, a->id.len, a->cls.data,
                       a->cls.len, sf_stream_own_flags(tag, a));
}


/*
 * An element opens with what is already known of it: a held block that
 * turns out to be a container has its id, class and flags at hand.
 */
void
sf_stream_push_elt(sf_stream_t *s, sf_tag_e t, const unsigned char *id,
    size_t id_len, const unsigned char *cls, size_t cls_len, unsigned own)
{
    sf_elt_t  *e;

    if (sf_tag_is_void(t)) {
        return;
    }

    if (s->depth == SF_STACK_MAX) {
        s->deep++;
        sf_stream_pass(s, SF_PASS_DEPTH);
        return;
    }

    e = &s->stack[s->depth];
    e->tag = t;
    e->flags = sf_stream_flags(s) | own;
    e->comments = (own & SF_BLOCK_IN_COMMENTS) != 0;
    e->mark = (uint16_t) s->arena_len;
    e->id_len = 0;
    e->cls_len = 0;

    /* values that do not fit are left out rather than cut */
    if (id != NULL && id_len <= SF_ARENA_SIZE - s->arena_len) {
        e->id = (uint16_t) s->arena_len;
        e->id_len = (uint16_t) id_len;
        memcpy(s->arena + s->arena_len, id, id_len);
        s->arena_len += id_len;
    }

    if (cls != NULL && cls_len <= SF_ARENA_SIZE - s->arena_len) {
        e->cls = (uint16_t) s->arena_len;
        e->cls_len = (uint16_t) cls_len;
        memcpy(s->arena + s->arena_len, cls, cls_len);
        s->arena_len += cls_len;
    }

    if (own & SF_BLOCK_IN_ENTRY) {
        s->first_done = 0;
    }

    s->depth++;
}


int
sf_stream_open(sf_stream_t *s, sf_tag_e t)
{
    unsigned  i;

    for (i = s->depth; i > 0; i--) {
        if (s->stack[i - 1].tag == t) {
            return 1;
        }
    }

    return 0;
}


void
sf_stream_pop(sf_stream_t *s, sf_tag_e t)
{
    unsigned  i;

    if (s->deep > 0) {
        s->deep--;
        return;
    }

    for (i = s->depth; i > 0; i--) {
        if (s->stack[i - 1].tag == t) {
            s->depth = i - 1;
            s->arena_len = s->stack[i - 1].mark;
            return;
        }
    }
}


static sf_tag_e
sf_stream_top(sf_stream_t *s)
{
    return (s->depth > 0 && s->deep == 0) ? s->stack[s->depth - 1].tag
                                          : SF_TAG_NONE;
}


static int
sf_stream_heading(sf_tag_e t)
{
    return t >= SF_TAG_H1 && t <= SF_TAG_H6;
}


/* Whether the start of block t ends an open element of name open. */
int
sf_stream_closes(sf_tag_e open, sf_tag_e t)
{
    switch (open) {
    case SF_TAG_P:
        return 1;
    case SF_TAG_LI:
        return t == SF_TAG_LI;
    case SF_TAG_DD:
    case SF_TAG_DT:
        return t == SF_TAG_DD || t == SF_TAG_DT;
    case SF_TAG_TD:
    case SF_TAG_TH:
        return t == SF_TAG_TD || t == SF_TAG_TH || t == SF_TAG_TR;
    case SF_TAG_TR:
        return t == SF_TAG_TR;
    default:
        return sf_stream_heading(open) && sf_stream_heading(t);
    }
}


void
sf_stream_implicit_close(sf_stream_t *s, sf_tag_e t)
{
    sf_tag_e  top;

    for ( ;; ) {
        top = sf_stream_top(s);

        if (top == SF_TAG_NONE || !sf_stream_closes(top, t)) {
            return;
        }

        sf_stream_pop(s, top);
    }
}
