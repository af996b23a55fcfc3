/*
 * sf_stream_elt.c: the open block-level elements and their attributes.
 *
 * The stack gives every held block its context: the flags its ancestors
 * set (inside the article body, a blockquote, a comment list) and its
 * parent's id and class, which rules may name.  Attributes are parsed
 * lazily, at the first use, since most tags decide nothing by them.
 */

#include "sf_stream.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_STREAM_SSE2  1
#else
#define SF_STREAM_SSE2  0
#endif


static void sf_stream_attrs_walk(sf_attrs_t *a, const sf_tag_t *tag);
static void sf_stream_attrs_spans(sf_attrs_t *a, const sf_tag_t *tag);
static int sf_stream_may_place(const unsigned char *v, size_t len);
static unsigned sf_stream_class_bits(sf_stream_t *s,
    const unsigned char *cls, size_t len);
static sf_tag_e sf_stream_top(sf_stream_t *s);
static int sf_stream_heading(sf_tag_e t);


/* Four bytes of a lower-case name, as sf_fold4() has a name's: a
 * constant once the compiler folds it. */
static inline uint32_t
sf_stream_word4(const char *w)
{
    uint32_t  k;

    memcpy(&k, w, 4);

    return k;
}


/*
 * Where the value of attribute name n goes in a, or NULL when the stream
 * does not look at it.  ASCII letters match either case; every byte is
 * folded with | 0x20 alike.  A switch on the length, then whole words of
 * four bytes: most names (src, alt, width, data-...) are none of these.
 */
static sf_stream_val_t *
sf_stream_attr_slot(sf_attrs_t *a, const unsigned char *n, size_t len)
{
    uint32_t  k;

    switch (len) {

    case 2:
        return ((n[0] | 0x20) == 'i' && (n[1] | 0x20) == 'd') ? &a->id
                                                              : NULL;

    case 3:
        return ((n[0] | 0x20) == 'r' && (n[1] | 0x20) == 'e'
                && (n[2] | 0x20) == 'l') ? &a->rel : NULL;

    case 4:
        k = sf_fold4(n);

        if (k == sf_stream_word4("href")) {
            return &a->href;
        }

        return k == sf_stream_word4("name") ? &a->name : NULL;

    case 5:
        return (sf_fold4(n) == sf_stream_word4("clas")
                && (n[4] | 0x20) == 's') ? &a->cls : NULL;

    case 7:
        return (sf_fold4(n) == sf_stream_word4("cont")
                && sf_fold4(n + 3) == sf_stream_word4("tent"))
               ? &a->content : NULL;

    case 8:
        k = sf_fold4(n + 4);

        if (k == sf_stream_word4("prop")
            && sf_fold4(n) == sf_stream_word4("item"))
        {
            return &a->itemprop;
        }

        return (k == sf_stream_word4("erty")
                && sf_fold4(n) == sf_stream_word4("prop"))
               ? &a->property : NULL;

    default:
        return NULL;
    }
}


/* One pass over the attribute bytes of tag, into a (all NULL so far). */
static SF_NOINLINE void
sf_stream_attrs_walk(sf_attrs_t *a, const sf_tag_t *tag)
{
    size_t                nlen, vlen;
    sf_tag_t              cur;
    const unsigned char  *n, *v;
    sf_stream_val_t      *val;

    /* sf_tag_next_attr() moves a cursor of these two alone */
    cur.attr_pos = tag->attr_pos;
    cur.attr_end = tag->attr_end;

    while (sf_tag_next_attr(&cur, &n, &nlen, &v, &vlen) == 0) {
        val = sf_stream_attr_slot(a, n, nlen);

        /* as in browsers, the first of duplicate attributes counts */
        if (val != NULL && val->data == NULL) {
            val->data = v;
            val->len = vlen;
        }
    }
}


/*
 * The names the stream looks at by their keys (sf_tag_attr_key()), one
 * in each slot of a perfect hash: (key * factor) >> 61.  The factor was
 * found by a search over random odd words; test_attrs_from_spans in
 * test_lexer.c looks every name up.  The key of any other name lands on
 * a slot whose key differs.
 */
#define SF_STREAM_ATTR_FACTOR  0x16FC08E0A40085D3ULL

#define sf_stream_attr_hash(key)                                             \
    ((size_t) (((key) * SF_STREAM_ATTR_FACTOR) >> 61))

static const struct {
    uint64_t              key;
    size_t                off;
} sf_stream_attr_keys[8] = {
    { SF_TAG_KEY8('i', 't', 'e', 'm', 'p', 'r', 'o', 'p'),
      offsetof(sf_attrs_t, itemprop) },
    { SF_TAG_KEY8('c', 'l', 'a', 's', 's', 0, 0, 0),
      offsetof(sf_attrs_t, cls) },
    { SF_TAG_KEY8('c', 'o', 'n', 't', 'e', 'n', 't', 0),
      offsetof(sf_attrs_t, content) },
    { SF_TAG_KEY4('r', 'e', 'l', 0), offsetof(sf_attrs_t, rel) },
    { SF_TAG_KEY4('h', 'r', 'e', 'f'), offsetof(sf_attrs_t, href) },
    { SF_TAG_KEY8('p', 'r', 'o', 'p', 'e', 'r', 't', 'y'),
      offsetof(sf_attrs_t, property) },
    { SF_TAG_KEY4('n', 'a', 'm', 'e'), offsetof(sf_attrs_t, name) },
    { SF_TAG_KEY2('i', 'd'), offsetof(sf_attrs_t, id) }
};


/*
 * The attributes the lexer found on its way to the tag's '>': a lookup
 * per attribute, the bytes are not read again.
 */
static void
sf_stream_attrs_spans(sf_attrs_t *a, const sf_tag_t *tag)
{
    size_t                i, k;
    sf_stream_val_t      *val;
    const sf_tag_span_t  *sp;

    for (i = 0; i < tag->spans->n; i++) {
        sp = &tag->spans->attr[i];
        k = sf_stream_attr_hash(sp->key);

        if (sf_stream_attr_keys[k].key != sp->key) {
            continue;
        }

        val = (sf_stream_val_t *) ((unsigned char *) a
                                   + sf_stream_attr_keys[k].off);

        /* as in browsers, the first of duplicate attributes counts */
        if (val->data == NULL) {
            val->data = tag->attr_pos + sp->value;
            val->len = sp->value_len;
        }
    }
}


/*
 * Every value of a NULL, a store a value (or a field): the compiler makes
 * a string instruction of a copy or a memset() of the whole set, whose
 * start costs more than these stores.
 */
static inline void
sf_stream_attrs_clear(sf_attrs_t *a)
{
    static const sf_stream_val_t  none = { NULL, 0 };

#if (SF_STREAM_SSE2)
    __m128i  z;

    /* a value is sixteen bytes on 64-bit targets: one store each */
    if (sizeof(sf_stream_val_t) == 16) {
        z = _mm_setzero_si128();
        _mm_storeu_si128((__m128i *) (void *) &a->id, z);
        _mm_storeu_si128((__m128i *) (void *) &a->cls, z);
        _mm_storeu_si128((__m128i *) (void *) &a->href, z);
        _mm_storeu_si128((__m128i *) (void *) &a->rel, z);
        _mm_storeu_si128((__m128i *) (void *) &a->itemprop, z);
        _mm_storeu_si128((__m128i *) (void *) &a->content, z);
        _mm_storeu_si128((__m128i *) (void *) &a->property, z);
        _mm_storeu_si128((__m128i *) (void *) &a->name, z);
        return;
    }
#endif

    a->id = none;
    a->cls = none;
    a->href = none;
    a->rel = none;
    a->itemprop = none;
    a->content = none;
    a->property = none;
    a->name = none;
}


/* The attributes of every tag without any (sf_stream_attrs()). */
const sf_attrs_t  sf_stream_no_attrs = { NULL, 1, { NULL, 0 }, { NULL, 0 },
    { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 }, { NULL, 0 },
    { NULL, 0 } };


/*
 * Parse the attributes once, at the first use (sf_stream_attrs(), which
 * leaves tags without attribute bytes alone): every value NULL first,
 * then one pass over the attribute bytes.
 */
sf_attrs_t *
sf_stream_attrs_parse(sf_attrs_t *a)
{
    const sf_tag_t  *tag;

    /*
     * every value NULL, and parsed: the empty set, for a's tag (stores of
     * the values alone: a copy of the whole set was a string instruction,
     * slow to start)
     */
    tag = a->tag;
    a->parsed = 1;
    sf_stream_attrs_clear(a);

    /* the attributes of an end tag mean nothing; most tags have none */
    if (tag->end || tag->attr_pos >= tag->attr_end) {
        return a;
    }

    if (tag->spans != NULL && tag->spans->n <= SF_TAG_SPANS) {
        sf_stream_attrs_spans(a, tag);

    } else {
        sf_stream_attrs_walk(a, tag);
    }

    return a;
}


/*
 * The values a start tag the scratch remembers keeps (sf_tag_memo.c), in
 * its order: bit i of its mask, offset and length i.
 */
static const size_t  sf_stream_memo_vals[SF_TAG_MEMO_VALS] = {
    offsetof(sf_attrs_t, id), offsetof(sf_attrs_t, cls),
    offsetof(sf_attrs_t, href), offsetof(sf_attrs_t, rel),
    offsetof(sf_attrs_t, itemprop), offsetof(sf_attrs_t, content),
    offsetof(sf_attrs_t, property), offsetof(sf_attrs_t, name)
};


void
sf_stream_attrs_memo(sf_attrs_t *a, const unsigned char *p,
    const sf_tag_memo_t *e)
{
    unsigned          vals;
    size_t            i;
    sf_stream_val_t  *val;

    a->parsed = 1;
    sf_stream_attrs_clear(a);

    /* most block tags have one or two of them: a class, an id */
    for (vals = e->vals; vals != 0; vals &= vals - 1) {
#if defined(__GNUC__)
        i = (size_t) __builtin_ctz(vals);
#else
        for (i = 0; ((vals >> i) & 1) == 0; i++) {
            /* void */
        }
#endif

        val = (sf_stream_val_t *) ((unsigned char *) a
                                   + sf_stream_memo_vals[i]);
        val->data = p + e->off[i];
        val->len = e->vlen[i];
    }
}


int
sf_stream_attrs_keep(const sf_attrs_t *a, const unsigned char *p, size_t m,
    sf_tag_memo_t *e)
{
    size_t                  i;
    const sf_stream_val_t  *val;

    e->vals = 0;

    for (i = 0; i < SF_TAG_MEMO_VALS; i++) {
        val = (const sf_stream_val_t *) ((const unsigned char *) a
                                         + sf_stream_memo_vals[i]);
        e->off[i] = 0;
        e->vlen[i] = 0;

        if (val->data == NULL) {
            continue;
        }

        /* a value is within the tag, which the slot's bytes hold */
        if (val->data <= p || val->data + val->len > p + m) {
            return 0;
        }

        e->vals |= 1u << i;
        e->off[i] = (unsigned char) (val->data - p);
        e->vlen[i] = (unsigned char) val->len;
    }

    return 1;
}


/* Classes that place the contents of their element. */
static const sf_stream_word_t  sf_stream_place_classes[] = {
    { "commentlist", 11, SF_BLOCK_IN_COMMENTS },
    { "comment-list", 12, SF_BLOCK_IN_COMMENTS },
    { "post-content", 12, SF_BLOCK_IN_ENTRY },
    { "entry-content", 13, SF_BLOCK_IN_ENTRY },
    { NULL, 0, 0 }
};


#if (SF_STREAM_SSE2)

/*
 * The n bytes at v (n <= 16) in a register, zeros past them: two loads
 * that overlap (of eight, four or two bytes), nothing read past v + n.
 */
static inline __m128i
sf_stream_load_short(const unsigned char *v, size_t n)
{
    uint16_t  c, d;
    uint32_t  a, b;
    uint64_t  lo, hi;

    if (n >= 8) {
        memcpy(&lo, v, 8);
        memcpy(&hi, v + n - 8, 8);
        hi = (n == 8) ? 0 : hi >> (8 * (16 - n));

        return _mm_set_epi64x((long long) hi, (long long) lo);
    }

    if (n >= 4) {
        memcpy(&a, v, 4);
        memcpy(&b, v + n - 4, 4);
        lo = a | (uint64_t) b << (8 * (n - 4));

    } else if (n >= 2) {
        memcpy(&c, v, 2);
        memcpy(&d, v + n - 2, 2);
        lo = c | (uint64_t) d << (8 * (n - 2));

    } else {
        lo = (n == 1) ? v[0] : 0;
    }

    return _mm_set_epi64x(0, (long long) lo);
}


/*
 * The places in x where one of the pairs and triples of
 * sf_stream_may_place() starts, as bits; the bytes after x's sixteen are
 * taken as zeros (which match nothing).
 */
static inline unsigned
sf_stream_place_bits(__m128i x)
{
    __m128i  a, b, c, m, f;

    f = _mm_set1_epi8(0x20);
    a = _mm_or_si128(x, f);
    b = _mm_or_si128(_mm_srli_si128(x, 1), f);
    c = _mm_or_si128(_mm_srli_si128(x, 2), f);

    m = _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('m')),
                      _mm_cmpeq_epi8(b, _mm_set1_epi8('m')));
    m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('s')),
                                      _mm_cmpeq_epi8(b, _mm_set1_epi8('q'))));
    m = _mm_or_si128(m, _mm_and_si128(
                            _mm_and_si128(
                                _mm_cmpeq_epi8(a, _mm_set1_epi8('w')),
                                _mm_cmpeq_epi8(b, _mm_set1_epi8('p'))),
                            _mm_cmpeq_epi8(c, _mm_set1_epi8('d'))));
    m = _mm_or_si128(m, _mm_and_si128(
                            _mm_and_si128(
                                _mm_or_si128(
                                    _mm_cmpeq_epi8(a, _mm_set1_epi8('t')),
                                    _mm_cmpeq_epi8(a, _mm_set1_epi8('y'))),
                                _mm_cmpeq_epi8(b, _mm_set1_epi8('-'))),
                            _mm_cmpeq_epi8(c, _mm_set1_epi8('c'))));

    return (unsigned) _mm_movemask_epi8(m);
}

#endif


/*
 * Whether an id or class value may hold a word that places contents: each
 * such word (sf_stream_comment_word()'s, sf_stream_place_classes) holds
 * "mm" ("comment"), "wpd", "sq" ("disqus"), "t-c" ("post-content") or
 * "y-c" ("entry-content"), ASCII letters in either case.  Most values (a
 * theme's layout words, "wp-block-image", "grid-container") hold none, and
 * their words need no look.  With SSE2, sixteen bytes a register: a value
 * of up to sixteen in one (most are), a longer one in steps of fourteen
 * (the places whose pair or triple lies in the register) and its last
 * sixteen bytes; nothing is copied.
 */
static int
sf_stream_may_place(const unsigned char *v, size_t len)
{
#if (SF_STREAM_SSE2)
    size_t  i;

    if (len <= 16) {
        return len >= 2 && sf_stream_place_bits(sf_stream_load_short(v, len));
    }

    for (i = 0; i + 16 < len; i += 14) {
        if (sf_stream_place_bits(_mm_loadu_si128((const __m128i *) (v + i)))
            & 0x3fff)
        {
            return 1;
        }
    }

    return sf_stream_place_bits(
               _mm_loadu_si128((const __m128i *) (v + len - 16))) != 0;
#else
    size_t         i;
    unsigned char  a, b, c;

    for (i = 0; i + 1 < len; i++) {
        a = v[i] | 0x20;
        b = v[i + 1] | 0x20;
        c = i + 2 < len ? v[i + 2] | 0x20 : 0;

        if ((a == 'm' && b == 'm') || (a == 's' && b == 'q')
            || (a == 'w' && b == 'p' && c == 'd')
            || ((a == 't' || a == 'y') && b == '-' && c == 'c'))
        {
            return 1;
        }
    }

    return 0;
#endif
}


/*
 * What sf_stream_class_bits() finds in a class list: a word a selector
 * may name; a word that names comments (the element holds comments
 * unless it is <html> or <body>); a class of sf_stream_place_classes that
 * places the contents in a comment list, in the entry.
 */
#define SF_STREAM_CLS_NAMED    SF_CLASS_NAMED
#define SF_STREAM_CLS_WORD     0x02
#define SF_STREAM_CLS_LIST     0x04
#define SF_STREAM_CLS_ENTRY    0x08


/*
 * What the words of a class list say of the contents, as the bits above
 * but SF_STREAM_CLS_NAMED: one pass over the words, when any may tell.
 */
static unsigned
sf_stream_class_words(const unsigned char *cls, size_t len)
{
    size_t                   n;
    unsigned                 bits;
    const unsigned char     *p, *w;
    const sf_stream_word_t  *c;

    if (!sf_stream_may_place(cls, len)) {
        return 0;
    }

    bits = 0;
    p = cls;

    while ((w = sf_stream_word(&p, cls + len, &n)) != NULL) {
        if (sf_stream_comment_word(w, n)) {
            bits |= SF_STREAM_CLS_WORD;
        }

        if (n < 11 || n > 13) {
            continue;
        }

        for (c = sf_stream_place_classes; c->word != NULL; c++) {
            if (n == c->len && memcmp(w, c->word, n) == 0) {
                bits |= (c->value & SF_BLOCK_IN_COMMENTS) ? SF_STREAM_CLS_LIST
                                                          : SF_STREAM_CLS_ENTRY;
            }
        }
    }

    return bits;
}


/*
 * What the stream looks for in a class list (NULL: none): a word a
 * selector may name (sf_rules_class_named()), and what its words say of
 * the contents (sf_stream_class_words()).  Both depend on the list's
 * bytes and the rules alone: the scratch keeps them by the bytes
 * (sf_match_class()), and a listing's template lists are read once.
 */
static unsigned
sf_stream_class_bits(sf_stream_t *s, const unsigned char *cls, size_t len)
{
    unsigned  bits;

    if (cls == NULL) {
        return 0;
    }

    bits = sf_match_class(s->match, cls, len);

    if (bits != 0) {
        return bits;
    }

    bits = (sf_rules_class_named(s->rules, cls, len) ? SF_STREAM_CLS_NAMED
                                                     : 0)
           | sf_stream_class_words(cls, len);
    sf_match_class_keep(s->match, cls, len, bits);

    return bits;
}


/*
 * What an element's id and itemprop say of its contents: an id that
 * names comments (not on <html> or <body>), the itemprop of the article
 * body.
 */
static unsigned
sf_stream_id_flags(sf_tag_e t, const sf_attrs_t *a)
{
    unsigned  flags;

    flags = 0;

    if (t != SF_TAG_HTML && t != SF_TAG_BODY && a->id.data != NULL
        && sf_stream_may_place(a->id.data, a->id.len)
        && sf_stream_comment_list(a->id.data, a->id.len))
    {
        flags |= SF_BLOCK_IN_COMMENTS;
    }

    if (a->itemprop.data != NULL && a->itemprop.len == 11
        && memcmp(a->itemprop.data, "articleBody", 11) == 0)
    {
        flags |= SF_BLOCK_IN_ENTRY;
    }

    return flags;
}


/*
 * What an element's attributes a say of its contents, the bits of its
 * class list known: an element whose id or a class word names comments
 * (#comments, .comments-area, wpDiscuz's wpd- containers, ...) holds
 * what readers wrote; not <html> or <body>, whose classes describe the
 * page.  Most elements have a class list alone: no call for them.
 */
static unsigned
sf_stream_attr_flags_cls(sf_tag_e t, const sf_attrs_t *a, unsigned bits)
{
    unsigned  flags;

    flags = 0;

    if ((bits & SF_STREAM_CLS_LIST)
        || ((bits & SF_STREAM_CLS_WORD) && t != SF_TAG_HTML
            && t != SF_TAG_BODY))
    {
        flags |= SF_BLOCK_IN_COMMENTS;
    }

    if (bits & SF_STREAM_CLS_ENTRY) {
        flags |= SF_BLOCK_IN_ENTRY;
    }

    if (a->id.data != NULL || a->itemprop.data != NULL) {
        flags |= sf_stream_id_flags(t, a);
    }

    return flags;
}


/*
 * sf_rules_select() and sf_stream_own_flags() (in *own, unless dropped)
 * for the start tag of element t with the attributes a, parsed: the class
 * list as the rules and the flags would look at it, answered by the
 * scratch when the list came before (sf_stream_class_bits()), the class
 * hidden from the rules when no selector may name a word of it (as they
 * would look past it).
 */
sf_select_e
sf_stream_select_elt(sf_stream_t *s, sf_tag_e t, sf_attrs_t *a,
    unsigned *own)
{
    int          named;
    unsigned     bits;
    sf_select_e  sel;

    bits = sf_stream_class_bits(s, a->cls.data, a->cls.len);
    named = (bits & SF_STREAM_CLS_NAMED) != 0;
    sel = sf_rules_select(s->rules, t, a->id.data, a->id.len,
                          named ? a->cls.data : NULL,
                          named ? a->cls.len : 0, NULL);

    if (sel != SF_SELECT_DROP) {
        *own = sf_stream_tag_flags(t) | sf_stream_attr_flags_cls(t, a, bits);
    }

    return sel;
}


/*
 * What an element's id, classes and itemprop say of its contents (the
 * part of sf_stream_own_flags() for an element that has any of them).
 */
unsigned
sf_stream_attr_flags(sf_tag_e t, sf_attrs_t *a)
{
    return sf_stream_attr_flags_cls(t, a, a->cls.data != NULL
                                          ? sf_stream_class_words(
                                                a->cls.data, a->cls.len)
                                          : 0);
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
 * turns out to be a container has its id, class and flags at hand.  The
 * whole way of sf_stream_push_elt() (sf_stream.h), which sets a bare one
 * inline.
 */
void
sf_stream_push_any(sf_stream_t *s, sf_tag_e t, const unsigned char *id,
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

    e = sf_stream_elt_new(s, t, own);

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


/*
 * sf_stream_implicit_close() past its first test (sf_stream.h): the open
 * element on top is one that some start tag may close.
 */
void
sf_stream_implicit_close_top(sf_stream_t *s, sf_tag_e t)
{
    sf_tag_e  top;

    for ( ;; ) {
        top = sf_stream_top(s);

        if (top == SF_TAG_NONE || (unsigned) top >= 64
            || ((SF_STREAM_CLOSABLE >> top) & 1) == 0
            || !sf_stream_closes(top, t))
        {
            return;
        }

        sf_stream_pop(s, top);
    }
}
