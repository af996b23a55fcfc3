/*
 * sf_tag.h: element names the engine knows, and the parser of one complete
 * tag ("<a href=x>" with all its bytes in one contiguous buffer).
 */

#ifndef SF_TAG_H_INCLUDED
#define SF_TAG_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <string.h>


typedef enum {
    SF_TAG_NONE = 0,        /* anonymous block */
    SF_TAG_OTHER,           /* a name the engine has no use for */

    /* block-level: they bound blocks */
    SF_TAG_ADDRESS, SF_TAG_ARTICLE, SF_TAG_ASIDE, SF_TAG_BLOCKQUOTE,
    SF_TAG_BODY, SF_TAG_CAPTION, SF_TAG_CENTER, SF_TAG_DD, SF_TAG_DETAILS,
    SF_TAG_DIALOG, SF_TAG_DIV, SF_TAG_DL, SF_TAG_DT, SF_TAG_FIELDSET,
    SF_TAG_FIGCAPTION, SF_TAG_FIGURE, SF_TAG_FOOTER, SF_TAG_FORM, SF_TAG_H1,
    SF_TAG_H2, SF_TAG_H3, SF_TAG_H4, SF_TAG_H5, SF_TAG_H6, SF_TAG_HEAD,
    SF_TAG_HEADER, SF_TAG_HGROUP, SF_TAG_HR, SF_TAG_HTML, SF_TAG_LI,
    SF_TAG_MAIN, SF_TAG_MENU, SF_TAG_NAV, SF_TAG_OL, SF_TAG_P, SF_TAG_PRE,
    SF_TAG_SECTION, SF_TAG_SUMMARY, SF_TAG_TABLE, SF_TAG_TBODY, SF_TAG_TD,
    SF_TAG_TFOOT, SF_TAG_TH, SF_TAG_THEAD, SF_TAG_TR, SF_TAG_UL,

    /* raw text: contents are never markup nor page text */
    SF_TAG_SCRIPT, SF_TAG_STYLE, SF_TAG_TEXTAREA, SF_TAG_TITLE, SF_TAG_XMP,
    SF_TAG_NOSCRIPT, SF_TAG_IFRAME, SF_TAG_NOEMBED, SF_TAG_NOFRAMES,
    SF_TAG_PLAINTEXT,

    /*
     * Contents that are markup but no page content: a template's (inert,
     * see sf_lexer.h); a code sample's (kept as it is, never a source).
     */
    SF_TAG_TEMPLATE, SF_TAG_CODE,

    /* inline or void elements the engine looks at */
    SF_TAG_A, SF_TAG_BR, SF_TAG_IMG, SF_TAG_LINK, SF_TAG_META, SF_TAG_SPAN,
    SF_TAG_STRONG, SF_TAG_EM, SF_TAG_B, SF_TAG_I, SF_TAG_SMALL, SF_TAG_CITE,
    SF_TAG_INPUT, SF_TAG_LABEL, SF_TAG_BUTTON, SF_TAG_SELECT,

    SF_TAG_NTAGS
} sf_tag_e;


/* Last block-level and raw-text ids, for range tests. */
#define sf_tag_is_block(t)    ((t) >= SF_TAG_ADDRESS && (t) <= SF_TAG_UL)
#define sf_tag_is_rawtext(t)  ((t) >= SF_TAG_SCRIPT && (t) <= SF_TAG_PLAINTEXT)


/* The id of an element name, case-insensitive; SF_TAG_OTHER if unknown. */
sf_tag_e sf_tag_lookup(const unsigned char *name, size_t len);
/*
 * The same, for a name with at least eight readable bytes at its start
 * (the bytes after a shorter name are not looked at).
 */
sf_tag_e sf_tag_lookup8(const unsigned char *name, size_t len);
/*
 * The id of a name of len (1 to 16) bytes given as two little-endian
 * 64-bit words, zero past the name, when it is a known name written in
 * lower case; SF_TAG_NONE for anything else (the caller asks
 * sf_tag_lookup8()).
 */
sf_tag_e sf_tag_exact(uint64_t lo, uint64_t hi, size_t len);
/* The same for a name of up to 8 bytes: one word. */
sf_tag_e sf_tag_exact8(uint64_t key, size_t len);
/* The lower-case name of a known id ("" for NONE, "*" for OTHER). */
const char *sf_tag_name(sf_tag_e tag);
/* Void elements (br, img, meta, ...) have no end tag. */
int sf_tag_is_void(sf_tag_e tag);


/* One parsed tag.  Pointers go into the caller's buffer. */
typedef struct {
    sf_tag_e              tag;
    const unsigned char  *name;
    size_t                name_len;
    unsigned              end;              /* "</x>" */
    /* attribute cursor, for sf_tag_next_attr() */
    const unsigned char  *attr_pos;
    const unsigned char  *attr_end;
} sf_tag_t;


/*
 * Parse a complete tag: p points at '<', len covers through the closing
 * '>'.  Returns 0 on success, -1 when the bytes are not a start or end tag
 * (a comment, doctype, processing instruction or bogus markup).
 */
int sf_tag_parse(sf_tag_t *tag, const unsigned char *p, size_t len);
/*
 * The same, for a tag whose id and name length are known (the lexer read
 * the name and looked it up); name_len 0: unknown.
 */
int sf_tag_parse_id(sf_tag_t *tag, const unsigned char *p, size_t len,
    sf_tag_e id, size_t name_len);

/*
 * Next attribute: name and raw value (entities intact, quotes removed; an
 * attribute without value has value_len 0).  Returns 0, or -1 at the end.
 * Inline: the stream walks the attributes of most tags it holds, and a
 * call per attribute cost as much as the walk itself.
 */
static inline int sf_tag_next_attr(sf_tag_t *tag, const unsigned char **name,
    size_t *name_len, const unsigned char **value, size_t *value_len);

/* The raw value of a named attribute (lower-case name), or NULL. */
const unsigned char *sf_tag_attr(const sf_tag_t *tag, const char *name,
    size_t *value_len);

/* Whether a space-separated class list contains cls (case-sensitive, as
 * HTML classes are). */
int sf_class_has(const unsigned char *list, size_t list_len,
    const unsigned char *cls, size_t cls_len);


/*
 * White space, and the bytes that end an attribute name (white space, '/'
 * and '='), as bits of a word: a test per byte without a table.
 */
#define SF_TAG_SPACE_BITS                                                    \
    ((1ULL << ' ') | (1ULL << '\t') | (1ULL << '\n') | (1ULL << '\r')        \
     | (1ULL << '\f'))

#define SF_TAG_NAME_END_BITS                                                 \
    (SF_TAG_SPACE_BITS | (1ULL << '/') | (1ULL << '='))


static inline int
sf_tag_attr_space(unsigned char c)
{
    return c < 64 && ((SF_TAG_SPACE_BITS >> c) & 1);
}


static inline int
sf_tag_attr_name_end(unsigned char c)
{
    return c < 64 && ((SF_TAG_NAME_END_BITS >> c) & 1);
}


static inline int
sf_tag_next_attr(sf_tag_t *tag, const unsigned char **name, size_t *name_len,
    const unsigned char **value, size_t *value_len)
{
    unsigned char         quote;
    const unsigned char  *p, *q, *end;

    p = tag->attr_pos;
    end = tag->attr_end;

    /* skip white space and stray slashes between attributes */
    while (p < end && sf_tag_attr_name_end(*p) && *p != '=') {
        p++;
    }

    if (p == end) {
        tag->attr_pos = p;
        return -1;
    }

    *name = p;

    /* an attribute name may start with '=' (HTML parses it as a name) */
    p++;

    while (p < end && !sf_tag_attr_name_end(*p)) {
        p++;
    }

    *name_len = (size_t) (p - *name);
    *value = p;
    *value_len = 0;

    while (p < end && sf_tag_attr_space(*p)) {
        p++;
    }

    if (p == end || *p != '=') {
        tag->attr_pos = p;
        return 0;
    }

    p++;

    while (p < end && sf_tag_attr_space(*p)) {
        p++;
    }

    if (p < end && (*p == '"' || *p == '\'')) {
        quote = *p++;
        *value = p;
        q = memchr(p, quote, (size_t) (end - p));
        p = (q != NULL) ? q : end;

        *value_len = (size_t) (p - *value);

        if (p < end) {
            p++;
        }

    } else {
        *value = p;

        while (p < end && !sf_tag_attr_space(*p)) {
            p++;
        }

        *value_len = (size_t) (p - *value);
    }

    tag->attr_pos = p;

    return 0;
}

#endif /* SF_TAG_H_INCLUDED */
