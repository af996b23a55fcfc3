/*
 * sf_url.c: validation of candidate source URLs.
 *
 * A source ends up in an attribute of the page and in a Link header, so
 * what leaves here is an absolute http(s) URL whose every byte is safe in
 * both: anything that could end an attribute or a header, or that a
 * browser would have trimmed, is percent-encoded or removed.
 */

#include <string.h>

#include "sf_block.h"
#include "sf_normalize.h"

#if defined(__SSE2__) && !defined(SF_NO_SIMD)
#include <emmintrin.h>
#define SF_URL_SSE2  1
#else
#define SF_URL_SSE2  0
#endif


#define SF_URL_MAX  SF_URL_CLEAN_MAX


/* Bytes copied as they are once the URL has started: none of the ones
 * sf_url_unsafe() encodes, white space trims or an entity may start. */
static const unsigned char  sf_url_plain[256] = {
    [0x21] = 1,
    [0x23] = 1, [0x24] = 1, [0x25] = 1,
    [0x28] = 1, [0x29] = 1, [0x2a] = 1, [0x2b] = 1, [0x2c] = 1, [0x2d] = 1,
    [0x2e] = 1, [0x2f] = 1,
    [0x30] = 1, [0x31] = 1, [0x32] = 1, [0x33] = 1, [0x34] = 1, [0x35] = 1,
    [0x36] = 1, [0x37] = 1, [0x38] = 1, [0x39] = 1, [0x3a] = 1, [0x3b] = 1,
    [0x3d] = 1, [0x3f] = 1,
    [0x40] = 1, [0x41] = 1, [0x42] = 1, [0x43] = 1, [0x44] = 1, [0x45] = 1,
    [0x46] = 1, [0x47] = 1, [0x48] = 1, [0x49] = 1, [0x4a] = 1, [0x4b] = 1,
    [0x4c] = 1, [0x4d] = 1, [0x4e] = 1, [0x4f] = 1,
    [0x50] = 1, [0x51] = 1, [0x52] = 1, [0x53] = 1, [0x54] = 1, [0x55] = 1,
    [0x56] = 1, [0x57] = 1, [0x58] = 1, [0x59] = 1, [0x5a] = 1, [0x5b] = 1,
    [0x5d] = 1, [0x5e] = 1, [0x5f] = 1,
    [0x61] = 1, [0x62] = 1, [0x63] = 1, [0x64] = 1, [0x65] = 1,
    [0x66] = 1, [0x67] = 1, [0x68] = 1, [0x69] = 1, [0x6a] = 1, [0x6b] = 1,
    [0x6c] = 1, [0x6d] = 1, [0x6e] = 1, [0x6f] = 1,
    [0x70] = 1, [0x71] = 1, [0x72] = 1, [0x73] = 1, [0x74] = 1, [0x75] = 1,
    [0x76] = 1, [0x77] = 1, [0x78] = 1, [0x79] = 1, [0x7a] = 1, [0x7b] = 1,
    [0x7c] = 1, [0x7d] = 1, [0x7e] = 1
};


static int
sf_url_unsafe(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<'
           || c == '>' || c == '\\' || c == '`';
}


/*
 * Whether host is name (n bytes) or a subdomain of it.  The names are
 * literals: their length is known where they are written.
 */
#define sf_url_host_is(host, len, name)                                       \
    sf_url_host_is_n(host, len, name, sizeof(name) - 1)

static int
sf_url_host_is_n(const char *host, size_t len, const char *name, size_t n)
{
    if (len == n) {
        return memcmp(host, name, n) == 0;
    }

    return len > n && host[len - n - 1] == '.'
           && memcmp(host + len - n, name, n) == 0;
}


#define sf_url_prefix(p, len, s)                                              \
    ((len) >= sizeof(s) - 1 && memcmp(p, s, sizeof(s) - 1) == 0)


/*
 * The bytes of an authority, a byte a lookup: SF_URL_AUTH_END ends it
 * (the path, query or fragment starts), SF_URL_AUTH_KEEP and _UPPER
 * (lower-cased) are a host's or a port's, 0 (user info, something
 * percent-encoded, anything else) refuses the URL.
 */
#define SF_URL_AUTH_END    1
#define SF_URL_AUTH_KEEP   2
#define SF_URL_AUTH_UPPER  3

static const unsigned char  sf_url_auth[256] = {
    ['/'] = 1, ['?'] = 1, ['#'] = 1,
    ['-'] = 2, ['.'] = 2, ['_'] = 2, [':'] = 2, ['['] = 2, [']'] = 2,
    ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2,
    ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
    ['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2, ['f'] = 2,
    ['g'] = 2, ['h'] = 2, ['i'] = 2, ['j'] = 2, ['k'] = 2, ['l'] = 2,
    ['m'] = 2, ['n'] = 2, ['o'] = 2, ['p'] = 2, ['q'] = 2, ['r'] = 2,
    ['s'] = 2, ['t'] = 2, ['u'] = 2, ['v'] = 2, ['w'] = 2, ['x'] = 2,
    ['y'] = 2, ['z'] = 2,
    ['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3,
    ['G'] = 3, ['H'] = 3, ['I'] = 3, ['J'] = 3, ['K'] = 3, ['L'] = 3,
    ['M'] = 3, ['N'] = 3, ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3,
    ['S'] = 3, ['T'] = 3, ['U'] = 3, ['V'] = 3, ['W'] = 3, ['X'] = 3,
    ['Y'] = 3, ['Z'] = 3
};


/* What ends the scheme's search ("://", or a byte that no scheme holds
 * before it) and what ends a host name (sf_url_host). */
#define SF_URL_HOST_COLON  1
#define SF_URL_HOST_END    2

static const unsigned char  sf_url_hostb[256] = {
    [':'] = 1, ['/'] = 2, ['?'] = 2, ['#'] = 2
};


/*
 * One byte of the URL out, percent-encoded when it is unsafe: 0 when it
 * does not fit in cap or in the longest URL kept (and a little more, for
 * what trimming may take off again).
 */
static int
sf_url_put(char *out, size_t *o, size_t cap, unsigned char c)
{
    static const char  hex[] = "0123456789ABCDEF";

    if (sf_url_unsafe(c)) {
        if (*o + 3 > cap || *o + 3 > SF_URL_MAX + 3) {
            return 0;
        }

        out[(*o)++] = '%';
        out[(*o)++] = hex[c >> 4];
        out[(*o)++] = hex[c & 0x0f];

        return 1;
    }

    if (*o + 1 > cap || *o + 1 > SF_URL_MAX + 3) {
        return 0;
    }

    out[(*o)++] = (char) c;

    return 1;
}


/*
 * How many of the bytes from raw[i] are plain (sf_url_plain), sixteen at a
 * time while sixteen more are there and out has room for them up to lim
 * (each sixteen stored whole, the bytes after the plain ones written over
 * later): an href is a hundred bytes or more, nearly all of them plain.
 */
static size_t
sf_url_run16(const unsigned char *raw, size_t i, size_t len, char *out,
    size_t o, size_t lim)
{
    size_t    n;
#if (SF_URL_SSE2)
    unsigned  m;
    __m128i   v, bad;

    n = 0;

    while (i + n + 16 <= len && o + n + 16 <= lim) {
        v = _mm_loadu_si128((const __m128i *) (raw + i + n));

        /* signed: bytes from 0x80 are below 0x21 too */
        bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x21)),
                           _mm_cmpgt_epi8(v, _mm_set1_epi8(0x7e)));
        bad = _mm_or_si128(bad,
                  _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8('&'))));
        bad = _mm_or_si128(bad,
                  _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8('<'))));
        bad = _mm_or_si128(bad,
                  _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')),
                               _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8('`')));
        m = (unsigned) _mm_movemask_epi8(bad);

        _mm_storeu_si128((__m128i *) (out + o + n), v);

        if (m != 0) {
            return n + (size_t) __builtin_ctz(m);
        }

        n += 16;
    }
#else
    (void) raw;
    (void) i;
    (void) len;
    (void) out;
    (void) o;
    (void) lim;
    n = 0;
#endif

    return n;
}


/*
 * The raw URL copied to out: entities decoded when asked, white space and
 * controls trimmed where a browser trims them, the rest percent-encoded
 * where unsafe.  Returns its length; 0 when it is too long.
 */
static size_t
sf_url_copy(const unsigned char *raw, size_t len, int decode, char *out,
    size_t cap)
{
    int            started;
    size_t         i, o, keep, n, used, j;
    unsigned char  c, tmp[4];

    /* keep: the length without trailing white space and controls */
    o = keep = 0;
    started = 0;
    used = 0;
    i = 0;

    while (i < len) {
        if (started) {
            n = sf_url_run16(raw, i, len, out, o,
                             cap < SF_URL_MAX + 3 ? cap : SF_URL_MAX + 3);

            if (n > 0) {
                i += n;
                o += n;
                keep = o;

                if (i == len) {
                    break;
                }
            }
        }

        c = raw[i];

        /* the common byte, kept as it is (the checks of the loop below) */
        if (started && sf_url_plain[c] && o < cap && o < SF_URL_MAX + 3) {
            out[o++] = (char) c;
            keep = o;
            i++;
            continue;
        }

        n = (decode && c == '&') ? sf_entity(raw + i, raw + len, tmp, &used)
                                 : 0;

        if (n == 0) {
            tmp[0] = raw[i];
            n = 1;
            used = 1;
        }

        i += used;

        for (j = 0; j < n; j++) {
            c = tmp[j];

            /* browsers drop tabs and newlines anywhere in a URL */
            if (c == '\t' || c == '\n' || c == '\r') {
                continue;
            }

            if (!started) {
                if (c <= 0x20) {
                    continue;
                }

                started = 1;
            }

            if (!sf_url_put(out, &o, cap, c)) {
                return 0;
            }

            /* trailing spaces and controls are trimmed, not encoded */
            if (c > 0x20) {
                keep = o;
            }
        }
    }

    return keep;
}


/*
 * The scheme (http or https) and the authority (a plain host name or
 * address, an optional port) checked and lower-cased in place.  Returns
 * where the path starts; 0 when the URL is not one to keep.
 */
static size_t
sf_url_authority(char *out, size_t o)
{
    size_t    i, scheme;
    unsigned  k;

    /* "http://" or "https://", the letters in either case */
    if (o < 7 || (out[0] | 0x20) != 'h' || (out[1] | 0x20) != 't'
        || (out[2] | 0x20) != 't' || (out[3] | 0x20) != 'p')
    {
        return 0;
    }

    if (out[4] == ':' && out[5] == '/' && out[6] == '/') {
        scheme = 7;

    } else if (o >= 8 && (out[4] | 0x20) == 's' && out[5] == ':'
               && out[6] == '/' && out[7] == '/')
    {
        scheme = 8;

    } else {
        return 0;
    }

    for (i = 0; i < scheme - 3; i++) {
        out[i] = (char) (out[i] | 0x20);
    }

    for (i = scheme; i < o; i++) {
        k = sf_url_auth[(unsigned char) out[i]];

        if (k == SF_URL_AUTH_KEEP) {
            continue;
        }

        if (k == SF_URL_AUTH_UPPER) {
            out[i] = (char) (out[i] | 0x20);
            continue;
        }

        if (k == SF_URL_AUTH_END) {
            break;
        }

        /* '@' (user info), '%' (something encoded), anything else */
        return 0;
    }

    return i;
}


/*
 * Is the URL no source: an aggregator's own page, or a share link (what
 * a "share this" button points to is the sharing site, not the article)?
 */
static int
sf_url_not_source(const char *host, size_t hlen, const char *path,
    size_t plen)
{
    const char  *q, *end;

    if (sf_url_host_is(host, hlen, "news.google.com")
        || sf_url_host_is(host, hlen, "blogarama.com"))
    {
        return 1;
    }

    if (sf_url_host_is(host, hlen, "facebook.com")
        && sf_url_prefix(path, plen, "/sharer"))
    {
        return 1;
    }

    if ((sf_url_host_is(host, hlen, "twitter.com")
         || sf_url_host_is(host, hlen, "x.com"))
        && sf_url_prefix(path, plen, "/intent"))
    {
        return 1;
    }

    /* from one '/' to the next: the path's bytes are mostly not '/' */
    end = path + plen;

    for (q = path; (q = memchr(q, '/', end - q)) != NULL && end - q >= 7;
         q++)
    {
        if (memcmp(q, "/share?", 7) == 0) {
            return 1;
        }
    }

    return 0;
}


size_t
sf_url_clean(const unsigned char *raw, size_t len, int decode, char *out,
    size_t cap)
{
    size_t       o, p, hlen;
    const char  *host;

    if (raw == NULL || out == NULL || cap == 0) {
        return 0;
    }

    o = sf_url_copy(raw, len, decode, out, cap);

    if (o > SF_URL_MAX) {
        return 0;
    }

    p = sf_url_authority(out, o);
    if (p == 0) {
        return 0;
    }

    hlen = sf_url_host(out, o, &host);
    if (hlen == 0) {
        return 0;
    }

    if (sf_url_not_source(host, hlen, out + p, o - p)) {
        return 0;
    }

    if (o < cap) {
        out[o] = '\0';
    }

    return o;
}


size_t
sf_url_host(const char *url, size_t len, const char **host)
{
    size_t    i, start;
    unsigned  k;

    *host = NULL;

    for (i = 0; i + 2 < len; i++) {
        k = sf_url_hostb[(unsigned char) url[i]];

        if (k == 0) {
            continue;
        }

        if (k == SF_URL_HOST_END) {
            return 0;
        }

        if (url[i + 1] == '/' && url[i + 2] == '/') {
            break;
        }
    }

    if (i + 2 >= len) {
        return 0;
    }

    start = i + 3;

    if (start < len && url[start] == '[') {
        /* an IPv6 address keeps its brackets */
        for (i = start; i < len && url[i] != ']'; i++) {
            if (sf_url_hostb[(unsigned char) url[i]] == SF_URL_HOST_END) {
                return 0;
            }
        }

        if (i == len) {
            return 0;
        }

        *host = url + start;
        return i + 1 - start;
    }

    for (i = start; i < len && sf_url_hostb[(unsigned char) url[i]] == 0;
         i++)
    {
        /* void */
    }

    if (i == start) {
        return 0;
    }

    *host = url + start;

    return i - start;
}
