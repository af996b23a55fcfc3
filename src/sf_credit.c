/*
 * sf_credit.c: escaping and the credit template.
 */

#include <string.h>

#include "sf_block.h"


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
 * The length of the UTF-8 sequence at in (2 to 4 bytes, shortest form, at
 * most U+10FFFF, no surrogate) and its code point; 0 when the bytes are no
 * such sequence.
 */
static size_t
sf_utf8_seq(const unsigned char *in, size_t len, unsigned long *cp)
{
    size_t         n, i;
    unsigned long  c, min;

    if (in[0] >= 0xc2 && in[0] <= 0xdf) {
        n = 2;
        c = in[0] & 0x1f;
        min = 0x80;

    } else if (in[0] >= 0xe0 && in[0] <= 0xef) {
        n = 3;
        c = in[0] & 0x0f;
        min = 0x800;

    } else if (in[0] >= 0xf0 && in[0] <= 0xf4) {
        n = 4;
        c = in[0] & 0x07;
        min = 0x10000;

    } else {
        return 0;
    }

    if (len < n) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((in[i] & 0xc0) != 0x80) {
            return 0;
        }

        c = (c << 6) | (in[i] & 0x3f);
    }

    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }

    *cp = c;

    return n;
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
    unsigned long         cp;
    const unsigned char  *p;

    p = (const unsigned char *) in;
    n = 0;
    i = 0;
    cp = 0;

    while (i < len) {
        seq = (p[i] >= 0x80) ? sf_utf8_seq(p + i, len - i, &cp) : 0;

        if (seq == 0) {
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
