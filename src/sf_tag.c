/*
 * sf_tag.c: element name lookup and the parser of one complete tag.
 *
 * The streaming lexer only finds where a tag ends; by then all of its bytes
 * sit in one buffer, so attribute parsing here never has to resume.
 */

#include <stdint.h>
#include <string.h>

#include "sf_tag.h"


typedef struct {
    /* zero-padded: sf_tag_lookup8() compares 8 bytes at once */
    char                  name[16];
    size_t                len;
    sf_tag_e              tag;
} sf_tag_name_t;


#define sf_tag_n(name, tag)  { name, sizeof(name) - 1, tag }


/* The names the engine knows, by length, then name. */
static const sf_tag_name_t  sf_tag_names[] = {
    sf_tag_n("a", SF_TAG_A), sf_tag_n("b", SF_TAG_B), sf_tag_n("i", SF_TAG_I),
    sf_tag_n("p", SF_TAG_P),
    sf_tag_n("br", SF_TAG_BR), sf_tag_n("dd", SF_TAG_DD),
    sf_tag_n("dl", SF_TAG_DL), sf_tag_n("dt", SF_TAG_DT),
    sf_tag_n("em", SF_TAG_EM), sf_tag_n("h1", SF_TAG_H1),
    sf_tag_n("h2", SF_TAG_H2), sf_tag_n("h3", SF_TAG_H3),
    sf_tag_n("h4", SF_TAG_H4), sf_tag_n("h5", SF_TAG_H5),
    sf_tag_n("h6", SF_TAG_H6), sf_tag_n("hr", SF_TAG_HR),
    sf_tag_n("li", SF_TAG_LI), sf_tag_n("ol", SF_TAG_OL),
    sf_tag_n("td", SF_TAG_TD), sf_tag_n("th", SF_TAG_TH),
    sf_tag_n("tr", SF_TAG_TR), sf_tag_n("ul", SF_TAG_UL),
    sf_tag_n("div", SF_TAG_DIV), sf_tag_n("img", SF_TAG_IMG),
    sf_tag_n("nav", SF_TAG_NAV), sf_tag_n("pre", SF_TAG_PRE),
    sf_tag_n("xmp", SF_TAG_XMP),
    sf_tag_n("body", SF_TAG_BODY), sf_tag_n("cite", SF_TAG_CITE),
    sf_tag_n("code", SF_TAG_CODE), sf_tag_n("form", SF_TAG_FORM),
    sf_tag_n("head", SF_TAG_HEAD), sf_tag_n("html", SF_TAG_HTML),
    sf_tag_n("link", SF_TAG_LINK), sf_tag_n("main", SF_TAG_MAIN),
    sf_tag_n("menu", SF_TAG_MENU), sf_tag_n("meta", SF_TAG_META),
    sf_tag_n("span", SF_TAG_SPAN),
    sf_tag_n("aside", SF_TAG_ASIDE), sf_tag_n("input", SF_TAG_INPUT),
    sf_tag_n("label", SF_TAG_LABEL), sf_tag_n("small", SF_TAG_SMALL),
    sf_tag_n("style", SF_TAG_STYLE), sf_tag_n("table", SF_TAG_TABLE),
    sf_tag_n("tbody", SF_TAG_TBODY), sf_tag_n("tfoot", SF_TAG_TFOOT),
    sf_tag_n("thead", SF_TAG_THEAD), sf_tag_n("title", SF_TAG_TITLE),
    sf_tag_n("button", SF_TAG_BUTTON), sf_tag_n("center", SF_TAG_CENTER),
    sf_tag_n("dialog", SF_TAG_DIALOG), sf_tag_n("figure", SF_TAG_FIGURE),
    sf_tag_n("footer", SF_TAG_FOOTER), sf_tag_n("header", SF_TAG_HEADER),
    sf_tag_n("hgroup", SF_TAG_HGROUP), sf_tag_n("iframe", SF_TAG_IFRAME),
    sf_tag_n("script", SF_TAG_SCRIPT), sf_tag_n("select", SF_TAG_SELECT),
    sf_tag_n("strong", SF_TAG_STRONG),
    sf_tag_n("address", SF_TAG_ADDRESS), sf_tag_n("article", SF_TAG_ARTICLE),
    sf_tag_n("caption", SF_TAG_CAPTION), sf_tag_n("details", SF_TAG_DETAILS),
    sf_tag_n("noembed", SF_TAG_NOEMBED), sf_tag_n("section", SF_TAG_SECTION),
    sf_tag_n("summary", SF_TAG_SUMMARY),
    sf_tag_n("fieldset", SF_TAG_FIELDSET),
    sf_tag_n("noframes", SF_TAG_NOFRAMES),
    sf_tag_n("noscript", SF_TAG_NOSCRIPT),
    sf_tag_n("template", SF_TAG_TEMPLATE),
    sf_tag_n("textarea", SF_TAG_TEXTAREA),
    sf_tag_n("plaintext", SF_TAG_PLAINTEXT),
    sf_tag_n("blockquote", SF_TAG_BLOCKQUOTE),
    sf_tag_n("figcaption", SF_TAG_FIGCAPTION),
    { "", 0, SF_TAG_NONE }
};


/*
 * A perfect hash of the names above (sf_tag_hash()): the index + 1 of the
 * one name a hash can stand for, 0 for none.  Generated from the table by
 * tools/sf_tag_tables.py; a new name needs a new table (and maybe new
 * factors), which test_lexer checks by looking every name up:
 *
 *     for each name i: sf_tag_by_hash[sf_tag_hash(name)] = i + 1
 */
static const unsigned char  sf_tag_by_hash[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 10, 72, 70, 0, 0, 0, 0, 0, 0, 0, 0, 62, 0, 0, 7,
    63, 0, 2, 40, 48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 42, 45, 3,
    0, 43, 0, 55, 52, 0, 0, 0, 11, 0, 0, 32, 0, 0, 0, 0, 51, 0, 64, 4, 57, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 58, 0, 0, 0, 0, 0, 0, 49, 0, 0, 0, 65, 0, 0, 21, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 12, 53, 71, 9, 0, 22, 66, 0, 0, 37, 35, 0, 0, 0, 0,
    46, 0, 0, 0, 0, 0, 54, 0, 0, 27, 0, 0, 0, 0, 0, 59, 0, 0, 0, 8, 0, 0, 0, 0,
    38, 56, 0, 20, 0, 0, 0, 13, 0, 0, 0, 31, 18, 0, 0, 0, 67, 0, 0, 0, 0, 0,
    36, 23, 0, 17, 0, 6, 74, 68, 60, 0, 0, 0, 0, 0, 0, 0, 61, 0, 0, 39, 0, 16,
    0, 0, 73, 26, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0, 29, 0, 0, 50, 0, 33, 1,
    0, 0, 0, 69, 0, 0, 0, 0, 19, 0, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 30,
    0, 0, 0, 0, 0, 0, 0, 47, 15, 0, 0, 0, 0, 44, 0, 0, 28, 0, 34, 0, 41, 0, 0,
    0, 24, 0
};


static unsigned char
sf_tag_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char) (c | 0x20) : c;
}


static int
sf_tag_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}


/*
 * The hash of a name of 1 to 10 bytes: its first, second and last bytes,
 * ASCII case folded, and its length.  Factors found by a search for the
 * smallest ones (by their sum) without a collision among the known names.
 */
#define sf_tag_hash(name, len)                                               \
    ((((name)[0] | 0x20) * 35 + ((len) > 1 ? ((name)[1] | 0x20) : 0) * 5     \
      + ((name)[(len) - 1] | 0x20) * 41 + (len)) & 0xff)


sf_tag_e
sf_tag_lookup(const unsigned char *name, size_t len)
{
    size_t                 i;
    unsigned               k;
    unsigned char          c, t;
    const sf_tag_name_t   *n;

    if (len == 0 || len > 10) {
        return SF_TAG_OTHER;
    }

    k = sf_tag_by_hash[sf_tag_hash(name, len)];

    if (k == 0) {
        return SF_TAG_OTHER;
    }

    /* the one candidate: compare it whole */
    n = &sf_tag_names[k - 1];

    if (n->len != len) {
        return SF_TAG_OTHER;
    }

    /*
     * The known names are lower-case letters and digits: a byte matches
     * as it is, or as the upper case of a letter; most pages write lower
     * case, and the first test settles it.
     */
    for (i = 0; i < len; i++) {
        c = name[i];
        t = (unsigned char) n->name[i];

        if (c != t && ((c | 0x20) != t || t < 'a')) {
            return SF_TAG_OTHER;
        }
    }

    return n->tag;
}


/*
 * A name with eight readable bytes: its first eight bytes, folded to lower
 * case, are the key of a second perfect hash, so one multiplication finds
 * the one candidate and one comparison settles most names (a name already
 * in lower case is settled before folding, by sf_tag_words[] below); the
 * three longer than eight finish byte by byte.  Generated like
 * sf_tag_by_hash, for a factor found by a random search:
 *
 *     for each name i: sf_tag_by_key[(key(name) * SF_TAG_KEY_FACTOR) >> 56]
 *                      = i + 1
 */

static const unsigned char  sf_tag_by_key[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 34, 12, 0, 0, 72, 0,
    0, 15, 0, 53, 0, 39, 0, 45, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 3, 0,
    0, 49, 0, 0, 60, 0, 47, 0, 31, 25, 0, 0, 0, 0, 33, 0, 0, 0, 0, 0, 0, 0, 0,
    21, 26, 0, 0, 0, 0, 0, 0, 0, 8, 41, 0, 0, 66, 0, 74, 0, 0, 30, 0, 0, 1, 0,
    0, 0, 0, 0, 42, 17, 35, 0, 10, 0, 9, 0, 0, 13, 0, 0, 0, 51, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 19, 0, 0, 0, 0, 4, 0, 0, 0, 16, 62,
    0, 0, 0, 0, 0, 0, 48, 0, 0, 7, 0, 0, 0, 0, 55, 0, 0, 0, 61, 0, 52, 38, 73,
    0, 0, 0, 0, 0, 0, 0, 24, 0, 5, 67, 36, 0, 0, 69, 0, 0, 0, 22, 0, 71, 0, 0,
    0, 65, 11, 0, 0, 58, 0, 14, 64, 0, 0, 0, 29, 0, 0, 27, 0, 68, 0, 0, 0, 0,
    0, 0, 54, 56, 0, 2, 0, 18, 0, 0, 0, 6, 28, 0, 20, 0, 0, 63, 0, 0, 0, 0, 0,
    0, 0, 40, 70, 0, 43, 46, 0, 0, 44, 57, 0, 0, 0, 0, 59, 0, 0, 0, 0, 0, 0,
    37, 0, 0
};


/*
 * By the same hash of the key: the name's first eight bytes as a word,
 * its length and id, and whether the lexer changes state after it (raw
 * text, template).  Generated with the table above.
 */
const sf_tag_word_t  sf_tag_words[256] = {
    [12] = { 0x00007265746E6563ULL, 0x0ULL, 6, SF_TAG_CENTER, 0 },
    [18] = { 0x000000006B6E696CULL, 0x0ULL, 4, SF_TAG_LINK, 0 },
    [19] = { 0x0000000000003368ULL, 0x0ULL, 2, SF_TAG_H3, 0 },
    [22] = { 0x7865746E69616C70ULL, 0x74ULL, 9, SF_TAG_PLAINTEXT, 1 },
    [25] = { 0x0000000000003668ULL, 0x0ULL, 2, SF_TAG_H6, 0 },
    [27] = { 0x00007265746F6F66ULL, 0x0ULL, 6, SF_TAG_FOOTER, 0 },
    [29] = { 0x0000006564697361ULL, 0x0ULL, 5, SF_TAG_ASIDE, 0 },
    [31] = { 0x00000079646F6274ULL, 0x0ULL, 5, SF_TAG_TBODY, 0 },
    [32] = { 0x0000000064616568ULL, 0x0ULL, 4, SF_TAG_HEAD, 0 },
    [42] = { 0x0000000000766964ULL, 0x0ULL, 3, SF_TAG_DIV, 0 },
    [45] = { 0x0000000000000069ULL, 0x0ULL, 1, SF_TAG_I, 0 },
    [48] = { 0x00006E6F74747562ULL, 0x0ULL, 6, SF_TAG_BUTTON, 0 },
    [51] = { 0x0073736572646461ULL, 0x0ULL, 7, SF_TAG_ADDRESS, 0 },
    [53] = { 0x0000006461656874ULL, 0x0ULL, 5, SF_TAG_THEAD, 0 },
    [55] = { 0x000000006D726F66ULL, 0x0ULL, 4, SF_TAG_FORM, 0 },
    [56] = { 0x000000000076616EULL, 0x0ULL, 3, SF_TAG_NAV, 0 },
    [61] = { 0x000000006C6D7468ULL, 0x0ULL, 4, SF_TAG_HTML, 0 },
    [70] = { 0x0000000000007274ULL, 0x0ULL, 2, SF_TAG_TR, 0 },
    [71] = { 0x0000000000657270ULL, 0x0ULL, 3, SF_TAG_PRE, 0 },
    [79] = { 0x0000000000007464ULL, 0x0ULL, 2, SF_TAG_DT, 0 },
    [80] = { 0x0000006C6562616CULL, 0x0ULL, 5, SF_TAG_LABEL, 0 },
    [83] = { 0x007972616D6D7573ULL, 0x0ULL, 7, SF_TAG_SUMMARY, 0 },
    [85] = { 0x6974706163676966ULL, 0x6E6FULL, 10, SF_TAG_FIGCAPTION, 0 },
    [88] = { 0x0000000065646F63ULL, 0x0ULL, 4, SF_TAG_CODE, 0 },
    [91] = { 0x0000000000000061ULL, 0x0ULL, 1, SF_TAG_A, 0 },
    [97] = { 0x0000006C6C616D73ULL, 0x0ULL, 5, SF_TAG_SMALL, 0 },
    [98] = { 0x000000000000696CULL, 0x0ULL, 2, SF_TAG_LI, 0 },
    [99] = { 0x000000006E69616DULL, 0x0ULL, 4, SF_TAG_MAIN, 0 },
    [101] = { 0x0000000000003168ULL, 0x0ULL, 2, SF_TAG_H1, 0 },
    [103] = { 0x0000000000006D65ULL, 0x0ULL, 2, SF_TAG_EM, 0 },
    [106] = { 0x0000000000003468ULL, 0x0ULL, 2, SF_TAG_H4, 0 },
    [110] = { 0x0000676F6C616964ULL, 0x0ULL, 6, SF_TAG_DIALOG, 0 },
    [129] = { 0x0000000000006474ULL, 0x0ULL, 2, SF_TAG_TD, 0 },
    [134] = { 0x0000000000000070ULL, 0x0ULL, 1, SF_TAG_P, 0 },
    [138] = { 0x0000000000007268ULL, 0x0ULL, 2, SF_TAG_HR, 0 },
    [139] = { 0x006E6F6974706163ULL, 0x0ULL, 7, SF_TAG_CAPTION, 0 },
    [146] = { 0x000000656C746974ULL, 0x0ULL, 5, SF_TAG_TITLE, 1 },
    [149] = { 0x0000000000006C64ULL, 0x0ULL, 2, SF_TAG_DL, 0 },
    [154] = { 0x000070756F726768ULL, 0x0ULL, 6, SF_TAG_HGROUP, 0 },
    [158] = { 0x00656C6369747261ULL, 0x0ULL, 7, SF_TAG_ARTICLE, 0 },
    [160] = { 0x0000657275676966ULL, 0x0ULL, 6, SF_TAG_FIGURE, 0 },
    [161] = { 0x000000006E617073ULL, 0x0ULL, 4, SF_TAG_SPAN, 0 },
    [162] = { 0x6F75716B636F6C62ULL, 0x6574ULL, 10, SF_TAG_BLOCKQUOTE, 0 },
    [170] = { 0x0000000000676D69ULL, 0x0ULL, 3, SF_TAG_IMG, 0 },
    [172] = { 0x0000000000007262ULL, 0x0ULL, 2, SF_TAG_BR, 0 },
    [173] = { 0x746573646C656966ULL, 0x0ULL, 8, SF_TAG_FIELDSET, 0 },
    [174] = { 0x00000000756E656DULL, 0x0ULL, 4, SF_TAG_MENU, 0 },
    [177] = { 0x7470697263736F6EULL, 0x0ULL, 8, SF_TAG_NOSCRIPT, 1 },
    [181] = { 0x0000000000006C75ULL, 0x0ULL, 2, SF_TAG_UL, 0 },
    [183] = { 0x6165726174786574ULL, 0x0ULL, 8, SF_TAG_TEXTAREA, 1 },
    [187] = { 0x006E6F6974636573ULL, 0x0ULL, 7, SF_TAG_SECTION, 0 },
    [188] = { 0x0000000000003268ULL, 0x0ULL, 2, SF_TAG_H2, 0 },
    [191] = { 0x00007463656C6573ULL, 0x0ULL, 6, SF_TAG_SELECT, 0 },
    [193] = { 0x0000000000003568ULL, 0x0ULL, 2, SF_TAG_H5, 0 },
    [194] = { 0x006465626D656F6EULL, 0x0ULL, 7, SF_TAG_NOEMBED, 1 },
    [198] = { 0x0000000065746963ULL, 0x0ULL, 4, SF_TAG_CITE, 0 },
    [201] = { 0x0000000000706D78ULL, 0x0ULL, 3, SF_TAG_XMP, 1 },
    [203] = { 0x73656D6172666F6EULL, 0x0ULL, 8, SF_TAG_NOFRAMES, 1 },
    [210] = { 0x0000726564616568ULL, 0x0ULL, 6, SF_TAG_HEADER, 0 },
    [211] = { 0x0000656D61726669ULL, 0x0ULL, 6, SF_TAG_IFRAME, 1 },
    [213] = { 0x0000000000000062ULL, 0x0ULL, 1, SF_TAG_B, 0 },
    [215] = { 0x0000000000006C6FULL, 0x0ULL, 2, SF_TAG_OL, 0 },
    [219] = { 0x0000000000006464ULL, 0x0ULL, 2, SF_TAG_DD, 0 },
    [220] = { 0x0000000079646F62ULL, 0x0ULL, 4, SF_TAG_BODY, 0 },
    [222] = { 0x0000000000006874ULL, 0x0ULL, 2, SF_TAG_TH, 0 },
    [225] = { 0x00736C6961746564ULL, 0x0ULL, 7, SF_TAG_DETAILS, 0 },
    [233] = { 0x0000007475706E69ULL, 0x0ULL, 5, SF_TAG_INPUT, 0 },
    [234] = { 0x6574616C706D6574ULL, 0x0ULL, 8, SF_TAG_TEMPLATE, 1 },
    [236] = { 0x000000656C797473ULL, 0x0ULL, 5, SF_TAG_STYLE, 1 },
    [237] = { 0x000000746F6F6674ULL, 0x0ULL, 5, SF_TAG_TFOOT, 0 },
    [240] = { 0x000000656C626174ULL, 0x0ULL, 5, SF_TAG_TABLE, 0 },
    [241] = { 0x0000747069726373ULL, 0x0ULL, 6, SF_TAG_SCRIPT, 1 },
    [246] = { 0x0000676E6F727473ULL, 0x0ULL, 6, SF_TAG_STRONG, 0 },
    [253] = { 0x000000006174656DULL, 0x0ULL, 4, SF_TAG_META, 0 },
};


sf_tag_e
sf_tag_lookup8(const unsigned char *name, size_t len)
{
    size_t                 i;
    unsigned               k;
    uint64_t               x, key, upper;
    const sf_tag_word_t   *w;
    const sf_tag_name_t   *n;

    if (len == 0 || len > 10) {
        return SF_TAG_OTHER;
    }

    x = sf_tag_name_key(name, len);

    /* most names are known and written in lower case: one exact compare */
    if (len <= 8 && (w = sf_tag_word(x, len)) != NULL) {
        return (sf_tag_e) w->tag;
    }

    /*
     * 'A'-'Z' only: + 0x3f sets the high bit from 'A' on, + 0x25 from '['.
     * A byte with the high bit of its own (or a carry out of one) may fold
     * wrongly, but keeps its high bit: the key comparison, all ASCII,
     * refuses it.
     */
    upper = (x + 0x3f3f3f3f3f3f3f3fULL) & ~(x + 0x2525252525252525ULL)
            & 0x8080808080808080ULL;
    x |= upper >> 2;

    k = sf_tag_by_key[(x * SF_TAG_KEY_FACTOR) >> 56];

    if (k == 0) {
        return SF_TAG_OTHER;
    }

    n = &sf_tag_names[k - 1];
    memcpy(&key, n->name, 8);

    if (n->len != len || x != key) {
        return SF_TAG_OTHER;
    }

    for (i = 8; i < len; i++) {
        if (sf_tag_lower(name[i]) != (unsigned char) n->name[i]) {
            return SF_TAG_OTHER;
        }
    }

    return n->tag;
}


const char *
sf_tag_name(sf_tag_e tag)
{
    const sf_tag_name_t  *n;

    if (tag == SF_TAG_NONE) {
        return "";
    }

    for (n = sf_tag_names; n->len != 0; n++) {
        if (n->tag == tag) {
            return n->name;
        }
    }

    return "*";
}


int
sf_tag_parse(sf_tag_t *tag, const unsigned char *p, size_t len)
{
    if (sf_tag_parse_id(tag, p, len, SF_TAG_NONE, 0) != 0) {
        return -1;
    }

    tag->tag = sf_tag_lookup(tag->name, tag->name_len);

    return 0;
}


int
sf_tag_parse_id(sf_tag_t *tag, const unsigned char *p, size_t len,
    sf_tag_e id, size_t name_len)
{
    const unsigned char  *last, *name;

    if (len < 3 || p[0] != '<' || p[len - 1] != '>') {
        return -1;
    }

    last = p + len - 1;
    p++;

    tag->end = 0;

    if (*p == '/') {
        tag->end = 1;
        p++;
    }

    /* a tag name starts with an ASCII letter; anything else is not a tag */
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
        return -1;
    }

    name = p;

    if (name_len > 0 && name_len <= (size_t) (last - p)) {
        p += name_len;

    } else {
        while (p < last && !sf_tag_space(*p) && *p != '/') {
            p++;
        }
    }

    tag->tag = id;
    tag->name = name;
    tag->name_len = (size_t) (p - name);

    tag->attr_pos = p;
    tag->attr_end = last;
    tag->spans = NULL;

    return 0;
}


const unsigned char *
sf_tag_attr(const sf_tag_t *tag, const char *name, size_t *value_len)
{
    size_t                 i, len, name_len;
    sf_tag_t               cursor;
    const unsigned char   *n, *v;

    len = strlen(name);
    cursor = *tag;

    while (sf_tag_next_attr(&cursor, &n, &name_len, &v, value_len) == 0) {
        if (name_len != len) {
            continue;
        }

        for (i = 0; i < len; i++) {
            if (sf_tag_lower(n[i]) != (unsigned char) name[i]) {
                break;
            }
        }

        if (i == len) {
            return v;
        }
    }

    *value_len = 0;

    return NULL;
}


int
sf_class_has(const unsigned char *list, size_t list_len,
    const unsigned char *cls, size_t cls_len)
{
    const unsigned char  *p, *end, *word;

    p = list;
    end = list + list_len;

    while (p < end) {
        while (p < end && sf_tag_space(*p)) {
            p++;
        }

        word = p;

        while (p < end && !sf_tag_space(*p)) {
            p++;
        }

        if ((size_t) (p - word) == cls_len && cls_len != 0
            && memcmp(word, cls, cls_len) == 0)
        {
            return 1;
        }
    }

    return 0;
}
