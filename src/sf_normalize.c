/*
 * sf_normalize.c: entity decoding and folding of block text.
 *
 * Every pass reads its input once, writes at most as many bytes as it
 * reads (every replacement is no longer than what it replaces), and keeps
 * the marks in step.  Nothing here allocates.
 */

#include <string.h>

#include "sf_normalize.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_NORMALIZE_SSE2  1
#else
#define SF_NORMALIZE_SSE2  0
#endif
#include "sf_block.h"


#define SF_ESCAPED_TAG_MAX  1024            /* longest markup removed */


/* The longest name of the tables below. */
#define SF_ENTITY_NAME_MAX  6


/* Names in arrays of their own (NUL-padded): compared without strlen(). */
typedef struct {
    char                  name[SF_ENTITY_NAME_MAX + 1];
    uint32_t              cp;
} sf_entity_name_t;


/* Latin-1 names, U+00A0 to U+00FF in order. */
static const char  sf_latin1_names[96][SF_ENTITY_NAME_MAX + 1] = {
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
    "uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
    "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
    "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute",
    "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde",
    "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml",
    "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde",
    "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml",
    "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve",
    "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave",
    "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml"
};


static const sf_entity_name_t  sf_entity_names[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
    { "apos", '\'' }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
    { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "sbquo", 0x201a },
    { "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bdquo", 0x201e },
    { "hellip", 0x2026 }, { "trade", 0x2122 }, { "bull", 0x2022 },
    { "euro", 0x20ac }, { "minus", 0x2212 }, { "prime", 0x2032 },
    { "Prime", 0x2033 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203a },
    { "dagger", 0x2020 }, { "Dagger", 0x2021 }, { "permil", 0x2030 },
    { "thinsp", 0x2009 }, { "ensp", 0x2002 }, { "emsp", 0x2003 },
    { "zwnj", 0x200c }, { "zwj", 0x200d }, { "lrm", 0x200e },
    { "rlm", 0x200f }, { "OElig", 0x152 }, { "oelig", 0x153 },
    { "Scaron", 0x160 }, { "scaron", 0x161 }, { "Yuml", 0x178 },
    { "fnof", 0x192 }, { "circ", 0x2c6 }, { "tilde", 0x2dc }
};


/*
 * Printable ASCII lower-cased, a space as itself, 0 for bytes that need
 * the slow path (controls, '<', DEL, non-ASCII).
 */
static const unsigned char  sf_ascii_fold[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x21, 0x22, 0x23,
    0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
    0x00, 0x3d, 0x3e, 0x3f, 0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
    0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73,
    0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
    0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
    0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00
};


/* Windows-1252 for 0x80-0x9f, as HTML maps numeric references there. */
static const uint16_t  sf_cp1252[32] = {
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
    0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};


static inline size_t
sf_utf8_put(uint32_t cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char) cp;
        return 1;
    }

    if (cp < 0x800) {
        out[0] = (unsigned char) (0xc0 | (cp >> 6));
        out[1] = (unsigned char) (0x80 | (cp & 0x3f));
        return 2;
    }

    if (cp < 0x10000) {
        out[0] = (unsigned char) (0xe0 | (cp >> 12));
        out[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char) (0x80 | (cp & 0x3f));
        return 3;
    }

    out[0] = (unsigned char) (0xf0 | (cp >> 18));
    out[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3f));
    out[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
    out[3] = (unsigned char) (0x80 | (cp & 0x3f));
    return 4;
}


uint32_t
sf_utf8_get(const unsigned char *p, const unsigned char *end, size_t *n)
{
    size_t    i, len;
    uint32_t  cp, min;

    if (p[0] < 0x80) {
        *n = 1;
        return p[0];
    }

    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        cp = p[0] & 0x1f;
        min = 0x80;

    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        cp = p[0] & 0x0f;
        min = 0x800;

    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        cp = p[0] & 0x07;
        min = 0x10000;

    } else {
        *n = 1;
        return SF_BAD_CP;
    }

    if ((size_t) (end - p) < len) {
        *n = 1;
        return SF_BAD_CP;
    }

    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *n = 1;
            return SF_BAD_CP;
        }

        cp = (cp << 6) | (p[i] & 0x3f);
    }

    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        *n = 1;
        return SF_BAD_CP;
    }

    *n = len;
    return cp;
}


static int
sf_is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}


/* The code point a numeric reference of value cp (clamped) stands for. */
static inline uint32_t
sf_entity_cp(uint32_t cp)
{
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0xfffd;
    }

    if (cp >= 0x80 && cp <= 0x9f && sf_cp1252[cp - 0x80] != 0) {
        return sf_cp1252[cp - 0x80];
    }

    return cp;
}


static uint32_t
sf_entity_numeric(const unsigned char *p, const unsigned char *end,
    size_t *used)
{
    int                   hex;
    unsigned              digits;
    uint32_t              cp, d;
    const unsigned char  *q;

    /* p points after "&#" */
    hex = 0;
    q = p;

    if (q < end && (*q == 'x' || *q == 'X')) {
        hex = 1;
        q++;
    }

    cp = 0;
    digits = 0;

    for ( ;; ) {
        if (q == end) {
            return SF_BAD_CP;
        }

        if (*q >= '0' && *q <= '9') {
            d = *q - '0';

        } else if (hex && (*q | 0x20) >= 'a' && (*q | 0x20) <= 'f') {
            d = (*q | 0x20) - 'a' + 10;

        } else {
            break;
        }

        /* leading zeros do not count, the value is clamped */
        if (cp <= 0x10ffff) {
            cp = cp * (hex ? 16 : 10) + d;
        }

        digits++;
        q++;
    }

    if (digits == 0 || *q != ';') {
        return SF_BAD_CP;
    }

    *used = q + 1 - p;

    return sf_entity_cp(cp);
}


/* Whether name (NUL-padded, n at most SF_ENTITY_NAME_MAX) is the n bytes
 * at p. */
static inline int
sf_entity_is(const char *name, const unsigned char *p, size_t n)
{
    return (unsigned char) name[0] == p[0] && name[n] == '\0'
           && memcmp(name, p, n) == 0;
}


/* sf_entity() of what is not "&#" and up to seven decimal digits: names,
 * hex, longer numbers, nothing. */
static SF_NOINLINE size_t
sf_entity_rest(const unsigned char *p, const unsigned char *end,
    unsigned char *out, size_t *used)
{
    size_t                n, i;
    uint32_t              cp;
    const unsigned char  *q;

    if (p[1] == '#') {
        cp = sf_entity_numeric(p + 2, end, &n);
        if (cp == SF_BAD_CP) {
            return 0;
        }

        *used = n + 2;
        return sf_utf8_put(cp, out);
    }

    for (q = p + 1; q < end && q - p <= 8 && sf_is_alnum(*q); q++) {
        /* void */
    }

    if (q == end || *q != ';' || q == p + 1) {
        return 0;
    }

    n = q - (p + 1);

    if (n > SF_ENTITY_NAME_MAX) {
        return 0;
    }

    /* the first letter first: most names differ there */
    for (i = 0; i < sizeof(sf_entity_names) / sizeof(sf_entity_names[0]);
         i++)
    {
        if (sf_entity_is(sf_entity_names[i].name, p + 1, n)) {
            *used = n + 2;
            return sf_utf8_put(sf_entity_names[i].cp, out);
        }
    }

    for (i = 0; i < 96; i++) {
        if (sf_entity_is(sf_latin1_names[i], p + 1, n)) {
            *used = n + 2;
            return sf_utf8_put(0xa0 + (uint32_t) i, out);
        }
    }

    return 0;
}


size_t
sf_entity(const unsigned char *p, const unsigned char *end,
    unsigned char *out, size_t *used)
{
    uint32_t              cp, d;
    const unsigned char  *q;

    if (end - p < 3 || p[0] != '&') {
        return 0;
    }

    /*
     * The common forms, in a function of its own size: up to seven
     * decimal digits and ';' ("&#8217;"), with no room to overflow; the
     * escapes of markup, "&lt;p&gt;" in a feed's text, and "&amp;", as
     * the tables have them, without walking them.
     */
    if (p[1] == '#') {
        cp = 0;

        for (q = p + 2; q < end && q < p + 9
                        && (d = (uint32_t) *q - '0') < 10; q++)
        {
            cp = cp * 10 + d;
        }

        if (q > p + 2 && q < end && *q == ';') {
            *used = q + 1 - p;
            return sf_utf8_put(sf_entity_cp(cp), out);
        }

    } else if (end - p >= 4 && p[2] == 't' && p[3] == ';'
               && (p[1] == 'l' || p[1] == 'g'))
    {
        out[0] = p[1] == 'l' ? '<' : '>';
        *used = 4;
        return 1;

    } else if (end - p >= 5 && p[1] == 'a' && p[2] == 'm' && p[3] == 'p'
               && p[4] == ';')
    {
        out[0] = '&';
        *used = 5;
        return 1;
    }

    return sf_entity_rest(p, end, out, used);
}


size_t
sf_entity_slow(const unsigned char *p, const unsigned char *end,
    unsigned char *out, size_t *used)
{
    if (end - p < 3 || p[0] != '&') {
        return 0;
    }

    return sf_entity_rest(p, end, out, used);
}


void
sf_marks_sort(sf_marks_t *marks)
{
    size_t    i, j;
    unsigned  k;

    for (i = 0; i < marks->n; i++) {
        marks->order[i] = (unsigned) i;
    }

    for (i = 1; i < marks->n; i++) {
        k = marks->order[i];

        for (j = i; j > 0 && marks->pos[marks->order[j - 1]] > marks->pos[k];
             j--)
        {
            marks->order[j] = marks->order[j - 1];
        }

        marks->order[j] = k;
    }
}


/*
 * The marks along one pass (sf_decode, sf_fold): k of them are moved,
 * next caches the position of the next one, so that a byte costs one
 * comparison.
 */
typedef struct {
    sf_marks_t           *marks;            /* may be NULL */
    size_t                k;
    size_t                next;             /* (size_t) -1: no more */
} sf_marks_walk_t;


/* Moves the marks at or before input position i to output position o. */
#define sf_marks_step(w, i, o)                                                \
    if ((i) >= (w).next) {                                                    \
        while ((w).k < (w).marks->n                                           \
               && (w).marks->pos[(w).marks->order[(w).k]] <= (i))             \
        {                                                                     \
            (w).marks->pos[(w).marks->order[(w).k]] = (o);                    \
            (w).k++;                                                          \
        }                                                                     \
                                                                              \
        (w).next = (w).k < (w).marks->n                                       \
                   ? (w).marks->pos[(w).marks->order[(w).k]] : (size_t) -1;   \
    }


static void
sf_marks_start(sf_marks_walk_t *w, sf_marks_t *marks)
{
    w->marks = marks;
    w->k = 0;
    w->next = (marks != NULL && marks->n > 0) ? marks->pos[marks->order[0]]
                                              : (size_t) -1;
}


/* The marks past the input's end go to the output's end. */
static void
sf_marks_finish(sf_marks_walk_t *w, size_t o)
{
    if (w->marks != NULL) {
        w->next = 0;
        sf_marks_step(*w, (size_t) -1, o);
    }
}


size_t
sf_decode(const unsigned char *in, size_t len, unsigned char *out,
    size_t cap, sf_marks_t *marks, unsigned *flags)
{
    size_t                i, o, n, used;
    unsigned char         tmp[4];
    sf_marks_walk_t       mw;
    const unsigned char  *amp;

    *flags = 0;
    i = 0;
    o = 0;
    sf_marks_start(&mw, marks);

    while (i < len) {
        sf_marks_step(mw, i, o);

        if (in[i] != '&') {
            /* copy the run up to the next '&' in one go */
            amp = memchr(in + i, '&', len - i);
            n = (amp != NULL ? (size_t) (amp - in) : len) - i;

            if (mw.next < i + n) {
                n = mw.next - i;
            }

            if (o + n > cap) {
                *flags |= SF_DECODE_TRUNC;
                break;
            }

            /* out may be in: a round in place (sf_normalize_in) */
            memmove(out + o, in + i, n);
            o += n;
            i += n;
            continue;
        }

        n = sf_entity(in + i, in + len, tmp, &used);

        if (n == 0) {
            n = 1;
            used = 1;
            tmp[0] = '&';

        } else if (tmp[0] == '&') {
            *flags |= SF_DECODE_AMP;
        }

        if (o + n > cap) {
            *flags |= SF_DECODE_TRUNC;
            break;
        }

        memcpy(out + o, tmp, n);
        o += n;
        i += used;
    }

    sf_marks_finish(&mw, o);

    return o;
}


/* Simple case folding of the scripts rules care about. */
static uint32_t
sf_fold_case(uint32_t c)
{
    if (c < 0x100) {
        if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
        {
            return c + 0x20;
        }

        return c;
    }

    if (c < 0x180) {
        if (c == 0x130) {
            return 'i';
        }

        if (c == 0x178) {
            return 0xff;
        }

        if ((c < 0x138 || (c >= 0x14a && c < 0x178)) && (c & 1) == 0) {
            return c + 1;
        }

        if (((c >= 0x139 && c < 0x149) || (c >= 0x179 && c < 0x17f))
            && (c & 1) == 1)
        {
            return c + 1;
        }

        return c;
    }

    if (c >= 0x370 && c < 0x400) {
        if (c == 0x386) {
            return 0x3ac;
        }

        if (c >= 0x388 && c <= 0x38a) {
            return c + 0x25;
        }

        if (c == 0x38c) {
            return 0x3cc;
        }

        if (c == 0x38e || c == 0x38f) {
            return c + 0x3f;
        }

        if (c >= 0x391 && c <= 0x3ab && c != 0x3a2) {
            return c + 0x20;
        }

        if (c == 0x3c2) {
            return 0x3c3;
        }

        return c;
    }

    if (c >= 0x400 && c < 0x500) {
        if (c < 0x410) {
            return c + 0x50;
        }

        if (c < 0x430) {
            return c + 0x20;
        }

        if (c == 0x4c0) {
            return 0x4cf;
        }

        if (((c >= 0x460 && c < 0x482) || (c >= 0x48a && c < 0x4c0)
             || (c >= 0x4d0 && c < 0x500))
            && (c & 1) == 0)
        {
            return c + 1;
        }

        if (c >= 0x4c1 && c < 0x4cf && (c & 1) == 1) {
            return c + 1;
        }

        return c;
    }

    if (c == 0x1e9e) {
        return 0xdf;
    }

    return c;
}


/* sf_fold_case() of U+0200-U+07FF, which it maps within the range, with
 * the common letters (Cyrillic, and those without case) inline. */
static inline uint32_t
sf_fold_case2(uint32_t c)
{
    if (c < 0x370 || (c >= 0x430 && c < 0x460) || c >= 0x500) {
        return c;
    }

    if (c >= 0x400 && c < 0x430) {
        return c < 0x410 ? c + 0x50 : c + 0x20;
    }

    return sf_fold_case(c);
}


/* What a code point becomes: itself, or one of these. */
#define SF_CP_SPACE   0xfffffff0
#define SF_CP_DROP    0xfffffff1

static uint32_t
sf_fold_cp(uint32_t c)
{
    switch (c) {
    case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f:
    case 0x205f: case 0x3000:
        return SF_CP_SPACE;

    case 0xad: case 0x200b: case 0x200c: case 0x200d: case 0x200e:
    case 0x200f: case 0x2060: case 0xfeff:
        return SF_CP_DROP;

    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212: case 0xfe58: case 0xfe63: case 0xff0d:
        return '-';

    case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
    case 0xff07:
        return '\'';

    case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
    case 0xff02:
        return '"';
    }

    if (c >= 0x2000 && c <= 0x200a) {
        return SF_CP_SPACE;
    }

    return c;
}


/*
 * Mojibake: UTF-8 of U+20xx read as Windows-1252 and encoded again comes
 * out as "â€" (C3 A2 E2 82 AC) followed by the third byte as a character.
 * Returns the intended code point and the bytes to skip, or SF_BAD_CP.
 */
static uint32_t
sf_mojibake(const unsigned char *p, const unsigned char *end, size_t *used)
{
    size_t    n, i;
    uint32_t  c, b;

    if (end - p < 5 || memcmp(p, "\xc3\xa2\xe2\x82\xac", 5) != 0) {
        return SF_BAD_CP;
    }

    b = 0;

    if (end - p > 5) {
        c = sf_utf8_get(p + 5, end, &n);

        if (c >= 0x80 && c <= 0xbf) {
            b = c;

        } else {
            for (i = 0; i < 32; i++) {
                if (sf_cp1252[i] != 0 && sf_cp1252[i] == c) {
                    b = 0x80 + (uint32_t) i;
                    break;
                }
            }
        }

        if (b != 0) {
            *used = 5 + n;
            return 0x2000 + (b - 0x80);
        }
    }

    /* the third byte 0x9d (of U+201D) is often lost on the way */
    *used = 5;
    return 0x201d;
}


static int
sf_fold_is_space(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}


/*
 * Markup at in[i] ('<'): returns its length when it is a tag, 0 when the
 * '<' is plain text ("a < b").
 */
static size_t
sf_fold_tag(const unsigned char *in, size_t len, sf_tag_t *tag)
{
    size_t  n, max;

    if (len < 3) {
        return 0;
    }

    if (!((in[1] | 0x20) >= 'a' && (in[1] | 0x20) <= 'z')
        && !(in[1] == '/' && (in[2] | 0x20) >= 'a' && (in[2] | 0x20) <= 'z'))
    {
        return 0;
    }

    max = len < SF_ESCAPED_TAG_MAX ? len : SF_ESCAPED_TAG_MAX;

    for (n = 1; n < max; n++) {
        if (in[n] == '>') {
            break;
        }

        if (in[n] == '<') {
            return 0;
        }
    }

    if (n == max) {
        return 0;
    }

    n++;

    if (sf_tag_parse(tag, in, n) != 0) {
        return 0;
    }

    return n;
}


/*
 * The start of a run of plain ASCII (0x20-0x7e but '<', a space only
 * before another plain byte), 16 bytes at a time with SSE2 while 16 and
 * the byte after them are there: copied, A-Z lower-cased when fold.  In
 * the sixteen where the run ends, the plain bytes before the first that
 * is not are taken too, the sixteen stored whole (what follows writes
 * over the rest), unless out is in (sep 0): there the store could reach
 * input not read yet.  Returns where the byte-by-byte loop takes over
 * (*o moved as far).
 */
static size_t
sf_fold_run16(const unsigned char *in, size_t i, size_t stop,
    unsigned char *out, size_t *o, int fold, int sep)
{
#if (SF_NORMALIZE_SSE2)
    size_t    k;
    unsigned  m;
    __m128i   v, nx, bad, lt, del, sp, sp1, a1, z1, up;

    lt = _mm_set1_epi8('<');
    del = _mm_set1_epi8(0x7f);
    sp = _mm_set1_epi8(' ');
    sp1 = _mm_set1_epi8(' ' + 1);
    a1 = _mm_set1_epi8('A' - 1);
    z1 = _mm_set1_epi8('Z' + 1);
    up = _mm_set1_epi8(0x20);
    k = *o;

    while (i + 17 <= stop) {
        v = _mm_loadu_si128((const __m128i *) (in + i));
        nx = _mm_loadu_si128((const __m128i *) (in + i + 1));

        /* signed: a byte >= 0x80 is below ' ' too */
        bad = _mm_or_si128(_mm_cmplt_epi8(v, sp),
                           _mm_or_si128(_mm_cmpeq_epi8(v, del),
                                        _mm_cmpeq_epi8(v, lt)));

        /* a space before one that is not plain or is a space */
        bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpeq_epi8(v, sp),
                  _mm_or_si128(_mm_cmplt_epi8(nx, sp1),
                               _mm_or_si128(_mm_cmpeq_epi8(nx, del),
                                            _mm_cmpeq_epi8(nx, lt)))));

        m = (unsigned) _mm_movemask_epi8(bad);

        if (m != 0 && !sep) {
            break;
        }

        if (fold) {
            v = _mm_or_si128(v, _mm_and_si128(up,
                    _mm_and_si128(_mm_cmpgt_epi8(v, a1),
                                  _mm_cmplt_epi8(v, z1))));
        }

        _mm_storeu_si128((__m128i *) (out + k), v);

        if (m != 0) {
            i += (size_t) __builtin_ctz(m);
            k += (size_t) __builtin_ctz(m);
            break;
        }

        i += 16;
        k += 16;
    }

    *o = k;
#else
    (void) in;
    (void) stop;
    (void) out;
    (void) o;
    (void) fold;
    (void) sep;
#endif

    return i;
}


/*
 * The rest of a run of printable ASCII after its first byte, up to stop:
 * copied (case folded when fold) while plain.  Returns where it ends.
 */
static size_t
sf_fold_run(const unsigned char *in, size_t i, size_t stop,
    unsigned char *out, size_t *op, int fold)
{
    size_t    o;
    uint32_t  c, f;

    i = sf_fold_run16(in, i, stop, out, op, fold, out != in);
    o = *op;

    if (fold) {
        while (i < stop) {
            f = sf_ascii_fold[in[i]];

            /* a space is plain only between two plain bytes */
            if (f == ' ' && (i + 1 == stop
                             || sf_ascii_fold[in[i + 1]] <= ' '))
            {
                break;
            }

            if (f == 0) {
                break;
            }

            out[o++] = (unsigned char) f;
            i++;
        }

    } else {
        while (i < stop) {
            c = in[i];

            if (c == ' ' && (i + 1 == stop
                             || sf_ascii_fold[in[i + 1]] <= ' '))
            {
                break;
            }

            if (sf_ascii_fold[c] == 0) {
                break;
            }

            out[o++] = (unsigned char) c;
            i++;
        }
    }

    *op = o;

    return i;
}


/*
 * Escaped markup at in[i] ('<'): its length when it is a tag, 0 when the
 * '<' is plain text.  A link's start and end are recorded in markup (its
 * text from output offset o on, after the pending space if any); *pending
 * is set by a block-level tag or <br>.
 */
static size_t
sf_fold_markup(const unsigned char *in, size_t len, size_t i, size_t o,
    int *pending, int *open, sf_markup_t *markup)
{
    size_t               n, hl;
    sf_tag_t             tag;
    sf_elink_t          *l;
    const unsigned char  *href;

    n = sf_fold_tag(in + i, len - i, &tag);

    if (n == 0) {
        return 0;
    }

    if (markup != NULL) {
        markup->escaped = 1;
    }

    if (tag.tag == SF_TAG_A && markup != NULL) {
        if (!tag.end && *open < 0 && markup->nlinks < markup->cap) {
            href = sf_tag_attr(&tag, "href", &hl);

            if (href != NULL) {
                *open = (int) markup->nlinks++;
                l = &markup->links[*open];
                l->href = href;
                l->href_len = hl;
                l->dstart = i + n;
                l->dend = i + n;
                /* after the space still to come, if any */
                l->start = o + (*pending && o > 0);
                l->end = l->start;
            }

        } else if (tag.end && *open >= 0) {
            l = &markup->links[*open];
            l->dend = i;
            l->end = o > l->start ? o : l->start;
            *open = -1;
        }

    } else if (sf_tag_is_block(tag.tag) || tag.tag == SF_TAG_BR) {
        *pending = 1;
    }

    return n;
}


/*
 * The character (not ASCII) at p as the output takes it: SF_CP_SPACE,
 * SF_CP_DROP, SF_BAD_CP for an invalid byte that passes as it is, or a
 * code point; *n gets the bytes it takes.
 */
static uint32_t
sf_fold_char(const unsigned char *p, const unsigned char *end,
    unsigned flags, size_t *n)
{
    uint32_t  c, f;

    c = sf_utf8_get(p, end, n);

    if (c == SF_BAD_CP) {
        return SF_BAD_CP;
    }

    if (c == 0xe2) {
        f = sf_mojibake(p, end, n);
        if (f == SF_BAD_CP) {
            *n = 2;
            f = c;
        }

    } else if (c == 0xc2 && end - p >= 4 && p[2] == 0xc2 && p[3] == 0xa0) {
        /* "Â " is a no-break space passed through Windows-1252 */
        *n = 4;
        f = 0xa0;

    } else {
        f = c;
    }

    c = sf_fold_cp(f);

    if (c == SF_CP_SPACE || c == SF_CP_DROP) {
        return c;
    }

    /* without SF_FOLD_PUNCT a repaired "â€“" is "–" again */
    if (flags & SF_FOLD_PUNCT) {
        f = c;
    }

    if (flags & SF_FOLD_CASE) {
        f = sf_fold_case(f);
    }

    return f;
}


/*
 * Room in out for a character of n bytes and for the space pending before
 * it, which goes out first: 0 when there is not (the text is cut there).
 */
static inline int
sf_fold_room(unsigned char *out, size_t *o, size_t cap, int *pending,
    size_t n)
{
    size_t  space;

    space = (*pending && *o > 0);

    if (*o + n + space > cap) {
        return 0;
    }

    if (space) {
        out[(*o)++] = ' ';
    }

    *pending = 0;

    return 1;
}


size_t
sf_fold(const unsigned char *in, size_t len, unsigned char *out,
    size_t cap, unsigned flags, sf_marks_t *marks, sf_markup_t *markup,
    int *overflow)
{
    int                   pending, open, fold;
    size_t                i, o, n, need, stop;
    uint32_t              c, f;
    sf_elink_t           *l;
    sf_marks_walk_t       mw;
    const unsigned char  *end;

    *overflow = 0;
    fold = (flags & SF_FOLD_CASE) != 0;
    pending = 0;
    open = -1;
    i = 0;
    o = 0;
    end = in + len;
    sf_marks_start(&mw, marks);

    while (i < len) {
        sf_marks_step(mw, i, o);

        c = in[i];

        if (c < 0x80) {
            if (c == '<' && (flags & SF_FOLD_MARKUP)) {
                n = sf_fold_markup(in, len, i, o, &pending, &open, markup);

                if (n != 0) {
                    i += n;
                    continue;
                }
            }

            if (sf_fold_is_space((unsigned char) c)) {
                pending = 1;
                i++;
                continue;
            }

            if ((flags & SF_FOLD_CASE) && c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }

            if (!sf_fold_room(out, &o, cap, &pending, 1)) {
                *overflow = 1;
                break;
            }

            out[o++] = (unsigned char) c;
            i++;

            /*
             * The common case, a run of printable ASCII, in a tight loop
             * up to the next mark or the end of the output space.
             */
            stop = mw.next < len ? mw.next : len;

            if (stop > i && stop - i > cap - o) {
                stop = i + (cap - o);
            }

            i = sf_fold_run(in, i, stop, out, &o, fold);
            continue;
        }

        if (c >= 0xc8 && c <= 0xdf && i + 1 < len
            && (in[i + 1] & 0xc0) == 0x80)
        {
            /*
             * U+0200-U+07FF (Greek, Cyrillic, Hebrew, Arabic...): no
             * repair, space, drop or punctuation fold is one of them, and
             * case folds them within the range.
             */
            f = ((c & 0x1f) << 6) | (in[i + 1] & 0x3f);

            if (fold) {
                f = sf_fold_case2(f);
            }

            if (!sf_fold_room(out, &o, cap, &pending, 2)) {
                *overflow = 1;
                break;
            }

            out[o++] = (unsigned char) (0xc0 | (f >> 6));
            out[o++] = (unsigned char) (0x80 | (f & 0x3f));
            i += 2;
            continue;

        } else {
            f = sf_fold_char(in + i, end, flags, &n);

            if (f == SF_CP_SPACE || f == SF_CP_DROP) {
                pending |= (f == SF_CP_SPACE);
                i += n;
                continue;
            }
        }

        need = (f == SF_BAD_CP) ? 1 : (f < 0x80 ? 1 : f < 0x800 ? 2
                                       : f < 0x10000 ? 3 : 4);

        if (!sf_fold_room(out, &o, cap, &pending, need)) {
            *overflow = 1;
            break;
        }

        if (f == SF_BAD_CP) {
            out[o++] = in[i];

        } else {
            o += sf_utf8_put(f, out + o);
        }

        i += n;
    }

    sf_marks_finish(&mw, o);

    if (open >= 0) {
        l = &markup->links[open];
        l->dend = i;
        l->end = o > l->start ? o : l->start;
    }

    return o;
}


const unsigned char *
sf_normalize(const unsigned char *in, size_t in_len, unsigned char *buf0,
    unsigned char *buf1, size_t cap, unsigned flags, size_t *len,
    int *overflow)
{
    int                   round, trunc;
    size_t                n;
    unsigned              dflags;
    unsigned char        *bufs[2];
    const unsigned char  *src;

    bufs[0] = buf0;
    bufs[1] = buf1;
    src = in;
    n = in_len;
    trunc = 0;
    round = 0;

    if (memchr(in, '&', in_len) != NULL) {
        for (round = 0; round < 3; round++) {
            n = sf_decode(src, n, bufs[round & 1], cap, NULL, &dflags);
            src = bufs[round & 1];

            if (dflags & SF_DECODE_TRUNC) {
                trunc = 1;
            }

            if (!(dflags & SF_DECODE_AMP)) {
                round++;
                break;
            }
        }
    }

    /* the fold goes to the buffer the last round did not write */
    n = sf_fold(src, n, bufs[round & 1], cap, flags, NULL, NULL,
                overflow);

    if (trunc) {
        *overflow = 1;
    }

    *len = n;

    return bufs[round & 1];
}


size_t
sf_normalize_in(const unsigned char *in, size_t in_len, unsigned char *buf,
    size_t cap, unsigned flags, int *overflow)
{
    int                   round, trunc;
    size_t                n;
    unsigned              dflags;
    const unsigned char  *src;

    src = in;
    n = in_len;
    trunc = 0;

    /*
     * Each pass writes no more than it has read, so a pass can write the
     * buffer it reads: the rounds after the first and the fold run in
     * place.
     */
    if (memchr(in, '&', in_len) != NULL) {
        for (round = 0; round < 3; round++) {
            n = sf_decode(src, n, buf, cap, NULL, &dflags);
            src = buf;

            if (dflags & SF_DECODE_TRUNC) {
                trunc = 1;
            }

            if (!(dflags & SF_DECODE_AMP)) {
                break;
            }
        }
    }

    n = sf_fold(src, n, buf, cap, flags, NULL, NULL, overflow);

    if (trunc) {
        *overflow = 1;
    }

    return n;
}
