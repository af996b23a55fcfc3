/*
 * sf_credit.c: escaping and the credit template.
 */

#include <string.h>

#include "sf_block.h"
#include "sf_normalize.h"


/*
 * The replacement of one byte, or NULL: text escapes &, < and >; an
 * attribute value (attr) escapes both quotes too.
 */
static const char *
sf_escape_char(unsigned char c, int attr, size_t *len)
{
    switch (c) {
    case '&':
        *len = 5;
        return "&amp;";
    case '<':
        *len = 4;
        return "&lt;";
    case '>':
        *len = 4;
        return "&gt;";
    case '"':
        *len = 6;
        return attr ? "&quot;" : NULL;
    case '\'':
        *len = 5;
        return attr ? "&#39;" : NULL;
    default:
        return NULL;
    }
}


/*
 * Escapes in into out; returns the length, or (size_t) -1 when out is too
 * small, so that an empty input (0) stays distinguishable from failure
 * inside this file.
 */
static size_t
sf_escape(const char *in, size_t len, unsigned char *out, size_t cap,
    int attr)
{
    size_t       i, n, rlen;
    const char  *r;

    n = 0;

    for (i = 0; i < len; i++) {
        r = sf_escape_char((unsigned char) in[i], attr, &rlen);

        if (r == NULL) {
            if (n + 1 > cap) {
                return (size_t) -1;
            }

            out[n++] = (unsigned char) in[i];
            continue;
        }

        if (n + rlen > cap) {
            return (size_t) -1;
        }

        memcpy(out + n, r, rlen);
        n += rlen;
    }

    return n;
}


size_t
sf_escape_attr(const char *in, size_t len, unsigned char *out, size_t cap)
{
    size_t  n;

    n = sf_escape(in, len, out, cap, 1);

    return n == (size_t) -1 ? 0 : n;
}


size_t
sf_escape_text(const char *in, size_t len, unsigned char *out, size_t cap)
{
    size_t  n;

    n = sf_escape(in, len, out, cap, 0);

    return n == (size_t) -1 ? 0 : n;
}


/*
 * The source name as text: escaped, and every UTF-8 character written as
 * a character reference.  The rules decode entities of a name to UTF-8,
 * but the page may be in ISO-8859-1 or windows-125x, where those bytes
 * would show as mojibake; a reference means the same in every charset.
 * Bytes that are no UTF-8 (a Latin-1 name as the page wrote it) stay raw.
 * Returns the length, or (size_t) -1 when out is too small.
 */
static size_t
sf_escape_name(const char *in, size_t len, unsigned char *out, size_t cap)
{
    int                   k;
    char                  ref[16];
    size_t                i, n, seq, r;
    uint32_t              cp;
    const unsigned char  *p;

    p = (const unsigned char *) in;
    n = 0;
    i = 0;

    while (i < len) {
        /* ASCII, or a byte that is no UTF-8: escaped as it is */
        seq = 1;
        cp = (p[i] >= 0x80) ? sf_utf8_get(p + i, p + len, &seq) : SF_BAD_CP;

        if (cp == SF_BAD_CP) {
            r = sf_escape(in + i, 1, out + n, cap - n, 0);

            if (r == (size_t) -1) {
                return r;
            }

            n += r;
            i++;
            continue;
        }

        /* "&#" digits ";", the digits written backwards first */
        k = sizeof(ref);
        ref[--k] = ';';

        do {
            ref[--k] = (char) ('0' + cp % 10);
            cp /= 10;
        } while (cp > 0);

        ref[--k] = '#';
        ref[--k] = '&';
        r = sizeof(ref) - (size_t) k;

        if (r > cap - n) {
            return (size_t) -1;
        }

        memcpy(out + n, ref + k, r);
        n += r;
        i += seq;
    }

    return n;
}


size_t
sf_credit_render(const char *tmpl, const char *url, size_t url_len,
    const char *name, size_t name_len, unsigned char *out, size_t cap)
{
    size_t       n, k;
    const char  *p;

    if (tmpl == NULL) {
        return 0;
    }

    if (url == NULL) {
        url = "";
        url_len = 0;
    }

    if (name == NULL) {
        name = "";
        name_len = 0;
    }

    n = 0;

    for (p = tmpl; *p != '\0'; p++) {

        if (*p == '%' && (p[1] == 'u' || p[1] == 'n')) {
            if (p[1] == 'u') {
                k = sf_escape(url, url_len, out + n, cap - n, 1);

            } else {
                k = sf_escape_name(name, name_len, out + n, cap - n);
            }

            if (k == (size_t) -1) {
                return 0;
            }

            n += k;
            p++;
            continue;
        }

        if (*p == '%' && p[1] == '%') {
            p++;
        }

        if (n + 1 > cap) {
            return 0;
        }

        out[n++] = (unsigned char) *p;
    }

    return n;
}
