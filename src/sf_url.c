/*
 * sf_url.c: validation of candidate source URLs.
 *
 * A source ends up in an attribute of the page and in a Link header, so
 * what leaves here is an absolute http(s) URL whose every byte is safe in
 * both: anything that could end an attribute or a header, or that a
 * browser would have trimmed, is percent-encoded or removed.
 */

#include <string.h>
#include <strings.h>

#include "sf_block.h"
#include "sf_normalize.h"


#define SF_URL_MAX  2048


static int
sf_url_unsafe(unsigned char c)
{
    return c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<'
           || c == '>' || c == '\\' || c == '`';
}


/* Whether host is name or a subdomain of it. */
static int
sf_url_host_is(const char *host, size_t len, const char *name)
{
    size_t  n;

    n = strlen(name);

    if (len == n) {
        return memcmp(host, name, n) == 0;
    }

    return len > n && host[len - n - 1] == '.'
           && memcmp(host + len - n, name, n) == 0;
}


static int
sf_url_prefix(const char *p, size_t len, const char *s)
{
    size_t  n;

    n = strlen(s);

    return len >= n && memcmp(p, s, n) == 0;
}


size_t
sf_url_clean(const unsigned char *raw, size_t len, int decode, char *out,
    size_t cap)
{
    int                   started;
    size_t                i, o, keep, n, used, j, scheme, hlen, plen;
    const char           *host, *path;
    unsigned char         c, tmp[4];

    static const char     hex[] = "0123456789ABCDEF";

    if (raw == NULL || out == NULL || cap == 0) {
        return 0;
    }

    started = 0;
    o = 0;
    keep = 0;
    i = 0;

    while (i < len) {
        if (decode && raw[i] == '&') {
            n = sf_entity(raw + i, raw + len, tmp, &used);
        } else {
            n = 0;
        }

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

            if (sf_url_unsafe(c)) {
                if (o + 3 > cap || o + 3 > SF_URL_MAX + 3) {
                    return 0;
                }

                out[o++] = '%';
                out[o++] = hex[c >> 4];
                out[o++] = hex[c & 0x0f];

            } else {
                if (o + 1 > cap || o + 1 > SF_URL_MAX + 3) {
                    return 0;
                }

                out[o++] = (char) c;
            }

            /* trailing spaces and controls are trimmed, not encoded */
            if (c > 0x20) {
                keep = o;
            }
        }
    }

    o = keep;

    if (o > SF_URL_MAX) {
        return 0;
    }

    /* the scheme, lower-cased */
    if (o >= 7 && strncasecmp(out, "http://", 7) == 0) {
        scheme = 7;

    } else if (o >= 8 && strncasecmp(out, "https://", 8) == 0) {
        scheme = 8;

    } else {
        return 0;
    }

    for (i = 0; i < scheme - 3; i++) {
        out[i] = (char) (out[i] | 0x20);
    }

    /* the authority: a plain host name or address, optional port */
    host = out + scheme;

    for (i = scheme; i < o; i++) {
        c = (unsigned char) out[i];

        if (c == '/' || c == '?' || c == '#') {
            break;
        }

        if (c >= 'A' && c <= 'Z') {
            out[i] = (char) (c | 0x20);
            continue;
        }

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
              || c == '.' || c == '_' || c == ':' || c == '[' || c == ']'))
        {
            /* '@' (user info), '%' (something encoded), anything else */
            return 0;
        }
    }

    path = out + i;
    plen = o - i;

    hlen = sf_url_host(out, o, &host);
    if (hlen == 0) {
        return 0;
    }

    if (sf_url_host_is(host, hlen, "news.google.com")
        || sf_url_host_is(host, hlen, "blogarama.com"))
    {
        return 0;
    }

    if (sf_url_host_is(host, hlen, "facebook.com")
        && sf_url_prefix(path, plen, "/sharer"))
    {
        return 0;
    }

    if ((sf_url_host_is(host, hlen, "twitter.com")
         || sf_url_host_is(host, hlen, "x.com"))
        && sf_url_prefix(path, plen, "/intent"))
    {
        return 0;
    }

    for (i = 0; i + 7 <= plen; i++) {
        if (memcmp(path + i, "/share?", 7) == 0) {
            return 0;
        }
    }

    if (o < cap) {
        out[o] = '\0';
    }

    return o;
}


size_t
sf_url_host(const char *url, size_t len, const char **host)
{
    size_t  i, start;

    *host = NULL;

    for (i = 0; i + 2 < len; i++) {
        if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') {
            break;
        }

        if (url[i] == '/' || url[i] == '?' || url[i] == '#') {
            return 0;
        }
    }

    if (i + 2 >= len) {
        return 0;
    }

    start = i + 3;

    if (start < len && url[start] == '[') {
        /* an IPv6 address keeps its brackets */
        for (i = start; i < len && url[i] != ']'; i++) {
            if (url[i] == '/' || url[i] == '?' || url[i] == '#') {
                return 0;
            }
        }

        if (i == len) {
            return 0;
        }

        *host = url + start;
        return i + 1 - start;
    }

    for (i = start; i < len; i++) {
        if (url[i] == '/' || url[i] == ':' || url[i] == '?' || url[i] == '#')
        {
            break;
        }
    }

    if (i == start) {
        return 0;
    }

    *host = url + start;

    return i - start;
}
