/*
 * test_url.c: source URLs (sf_url_clean, sf_url_host) and the credit
 * (sf_credit_render, sf_escape_attr, sf_escape_text).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "sf_block.h"


static char  out[8192];


/* The clean URL, or "" when refused. */
static const char *
clean_n(const char *raw, size_t len, int decode)
{
    size_t  n;

    memset(out, 'Z', sizeof(out));
    n = sf_url_clean((const unsigned char *) raw, len, decode, out,
                     sizeof(out));
    out[n] = '\0';

    return out;
}


static const char *
clean(const char *raw)
{
    return clean_n(raw, strlen(raw), 1);
}


static void
test_url_accepts(void **state)
{
    (void) state;

    assert_string_equal(clean("https://example.com/a/b?c=1#d"),
                        "https://example.com/a/b?c=1#d");
    assert_string_equal(clean("http://example.com"), "http://example.com");
    /* scheme and host lower-cased, path kept */
    assert_string_equal(clean("HTTPS://Example.COM:8443/Path"),
                        "https://example.com:8443/Path");
    /* entities decoded when asked */
    assert_string_equal(clean("https://e.com/?a=1&amp;b=2&#38;c=3"),
                        "https://e.com/?a=1&b=2&c=3");
    assert_string_equal(clean_n("https://e.com/?a=1&amp;b", 24, 0),
                        "https://e.com/?a=1&amp;b");
    /* trimmed as a browser would: C0 controls and spaces at both ends */
    assert_string_equal(clean_n("\x01\x1f  https://e.com/x \x00 ", 22, 1),
                        "https://e.com/x");
    /* DEL is no C0 control: kept, encoded */
    assert_string_equal(clean("https://e.com/x\x7f"), "https://e.com/x%7F");
    assert_string_equal(clean("  https://e.com/x\t\n "), "https://e.com/x");
    assert_string_equal(clean("&#32;&nbsp;https://e.com/"),
                        "");    /* U+00A0 is not a space to trim */
}


static void
test_url_tabs_newlines(void **state)
{
    (void) state;

    assert_string_equal(clean("ht\ttp://e.c\nom/a\r\nb"), "http://e.com/ab");
    assert_string_equal(clean("java\tscript:alert(1)"), "");
    assert_string_equal(clean("&#9;https://e.com/&#10;x"), "https://e.com/x");
}


static void
test_url_refuses(void **state)
{
    (void) state;

    assert_string_equal(clean("javascript:alert(1)"), "");
    assert_string_equal(clean("  JavaScript:alert(1)"), "");
    assert_string_equal(clean("&#106;avascript:alert(1)"), "");
    assert_string_equal(clean("data:text/html,<script>x</script>"), "");
    assert_string_equal(clean("/relative/path"), "");
    assert_string_equal(clean("//e.com/x"), "");
    assert_string_equal(clean("ftp://e.com/x"), "");
    assert_string_equal(clean("http:/e.com"), "");
    assert_string_equal(clean("http://"), "");
    assert_string_equal(clean("http:///x"), "");
    assert_string_equal(clean("http://:80/x"), "");
    assert_string_equal(clean(""), "");
    assert_string_equal(clean("   "), "");
    /* user info */
    assert_string_equal(clean("http://user:pw@e.com/"), "");
    assert_string_equal(clean("http://good.com@evil.com/"), "");
    assert_string_equal(clean("http://good.com&#64;evil.com/"), "");
    /* a host with characters no host has */
    assert_string_equal(clean("http://e.com\\@evil.com/"), "");
    assert_string_equal(clean("http://e com/"), "");
    assert_string_equal(clean("http://e.com\"onmouseover=x/"), "");
}


static void
test_url_blocklist(void **state)
{
    (void) state;

    assert_string_equal(clean("https://news.google.com/publications/CAAq"),
                        "");
    assert_string_equal(clean("https://NEWS.Google.com/"), "");
    assert_string_equal(clean("https://www.facebook.com/sharer/sharer.php?u=x"),
                        "");
    assert_string_equal(clean("https://twitter.com/intent/tweet?url=x"), "");
    assert_string_equal(clean("https://x.com/intent/post?url=x"), "");
    assert_string_equal(clean("https://www.linkedin.com/share?url=x"), "");
    assert_string_equal(clean("https://www.blogarama.com/x/123-y/"), "");
    assert_string_equal(clean("https://blogarama.com/"), "");

    /* neighbours of the list are fine */
    assert_string_equal(clean("https://google.com/news"),
                        "https://google.com/news");
    assert_string_equal(clean("https://facebook.com/page"),
                        "https://facebook.com/page");
    assert_string_equal(clean("https://twitter.com/user"),
                        "https://twitter.com/user");
    assert_string_equal(clean("https://notblogarama.com/"),
                        "https://notblogarama.com/");
    assert_string_equal(clean("https://e.com/shared?x"),
                        "https://e.com/shared?x");
}


static void
test_url_encoding(void **state)
{
    const char  *u;

    (void) state;

    /* the attribute breakout never comes out raw */
    u = clean("https://e.com/\" onmouseover=\"alert(1)");
    assert_string_equal(u, "https://e.com/%22%20onmouseover=%22alert(1)");

    u = clean("https://e.com/&quot;&gt;&lt;script&gt;'x`\\");
    assert_string_equal(u, "https://e.com/%22%3E%3Cscript%3E%27x%60%5C");

    /* non-ASCII in the path is percent-encoded */
    assert_string_equal(clean("https://e.com/caf\xc3\xa9"),
                        "https://e.com/caf%C3%A9");
    /* inner spaces are encoded, trailing ones trimmed */
    assert_string_equal(clean("https://e.com/a b  "), "https://e.com/a%20b");
}


static void
test_url_length(void **state)
{
    char    *raw;
    size_t   n, base;

    (void) state;

    raw = malloc(4096);
    assert_non_null(raw);

    memcpy(raw, "https://e.com/", 14);
    base = 14;

    /* exactly 2 KiB is fine, one more is not */
    memset(raw + base, 'a', 2048 - base);
    n = sf_url_clean((unsigned char *) raw, 2048, 1, out, sizeof(out));
    assert_int_equal(n, 2048);

    memset(raw + base, 'a', 2049 - base);
    n = sf_url_clean((unsigned char *) raw, 2049, 1, out, sizeof(out));
    assert_int_equal(n, 0);

    /* encoding counts: 2040 bytes that grow past 2 KiB */
    memset(raw + base, '"', 2040 - base);
    n = sf_url_clean((unsigned char *) raw, 2040, 1, out, sizeof(out));
    assert_int_equal(n, 0);

    /* a small output buffer refuses rather than truncates */
    n = sf_url_clean((const unsigned char *) "https://e.com/abcdef", 20, 1,
                     out, 10);
    assert_int_equal(n, 0);

    free(raw);
}


/*
 * sf_url_copy() written out the long way, for URLs whose only entity is
 * "&amp;" (no other ';'): tabs and newlines dropped, white space before
 * the URL skipped, unsafe bytes percent-encoded, trailing white space and
 * controls trimmed; 0 when a byte does not fit in cap (or past the
 * longest URL kept, and a little).
 */
static size_t
t_copy(const unsigned char *raw, size_t len, char *o, size_t cap)
{
    int            started;
    size_t         i, n, keep;
    unsigned char  c;

    static const char  hex[] = "0123456789ABCDEF";

    started = 0;
    n = 0;
    keep = 0;

    for (i = 0; i < len; i++) {
        c = raw[i];

        if (c == '&' && len - i >= 5 && memcmp(raw + i, "&amp;", 5) == 0) {
            i += 4;
        }

        if (c == '\t' || c == '\n' || c == '\r'
            || (!started && c <= 0x20))
        {
            continue;
        }

        started = 1;

        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '<'
            || c == '>' || c == '\\' || c == '`')
        {
            if (n + 3 > cap || n + 3 > SF_URL_CLEAN_MAX + 3) {
                return 0;
            }

            o[n++] = '%';
            o[n++] = hex[c >> 4];
            o[n++] = hex[c & 0x0f];

        } else {
            if (n + 1 > cap || n + 1 > SF_URL_CLEAN_MAX + 3) {
                return 0;
            }

            o[n++] = (char) c;
        }

        if (c > 0x20) {
            keep = n;
        }
    }

    return keep;
}


/*
 * Plain runs are copied sixteen bytes at a time: random URLs of mostly
 * plain bytes with unsafe ones, white space, "&amp;" and non-ASCII here
 * and there, some long, into an output of just about their size (in a
 * buffer of that size, for ASan), come out as the long way has them.
 */
static void
test_url_copy_random(void **state)
{
    size_t          i, k, len, cap, n, want;
    uint32_t        seed;
    char           *o, exp[4096];
    unsigned char   raw[1024];

    static const unsigned char  odd[] = "\"'<>\\` \t\n\r\x7f\x80\xe9&#";

    (void) state;

    seed = 99;

    for (i = 0; i < 100000; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;

        /* white space before the URL now and then */
        len = (seed & 7) == 0 ? 2 : 0;
        memcpy(raw, " \t", len);
        memcpy(raw + len, "https://h.ex/", 13);
        len += 13;
        k = len + seed % ((seed & 0x100) ? 900 : 90);

        while (len < k) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;

            if (seed % 23 == 0) {
                raw[len++] = odd[(seed >> 8) % (sizeof(odd) - 1)];

            } else if (seed % 97 == 0 && k - len >= 5) {
                memcpy(raw + len, "&amp;", 5);
                len += 5;

            } else {
                /* printable but ';' and '?' (no entity, no share link) */
                raw[len] = (unsigned char) (0x21 + (seed >> 8) % 94);
                len += raw[len] != ';' && raw[len] != '?';
            }
        }

        want = t_copy(raw, len, exp, sizeof(exp));
        assert_true(want > 0);
        cap = want + (seed >> 20) % 24;
        cap = cap > 8 ? cap - 8 : cap;

        want = t_copy(raw, len, exp, cap);
        want = want > SF_URL_CLEAN_MAX ? 0 : want;

        o = malloc(cap);
        assert_non_null(o);
        n = sf_url_clean(raw, len, 1, o, cap);

        if (n != want || memcmp(o, exp, n) != 0) {
            fail_msg("url \"%.*s\" (cap %zu): %zu bytes \"%.*s\", want "
                     "%zu \"%.*s\"", (int) len, raw, cap, n, (int) n, o,
                     want, (int) want, exp);
        }

        free(o);
    }
}


/* The next of a xorshift sequence, in *seed. */
static void
t_next(uint32_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
}


/* The host of a URL as sf_url_host() tells it, a byte at a time. */
static size_t
t_host(const char *url, size_t len, const char **host)
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

    for (i = start; i < len && url[i] != '/' && url[i] != ':'
                    && url[i] != '?' && url[i] != '#'; i++)
    {
        /* void */
    }

    if (i == start) {
        return 0;
    }

    *host = url + start;

    return i - start;
}


static int
t_host_is(const char *host, size_t len, const char *name)
{
    size_t  n;

    n = strlen(name);

    return (len == n && memcmp(host, name, n) == 0)
           || (len > n && host[len - n - 1] == '.'
               && memcmp(host + len - n, name, n) == 0);
}


/*
 * sf_url_clean() the long way: the copy (t_copy), then the scheme and
 * the authority checked and lower-cased a byte at a time, the host, and
 * the URLs that are no source.
 */
static size_t
t_clean(const unsigned char *raw, size_t len, char *o, size_t cap)
{
    size_t       n, i, scheme, hlen;
    const char  *h, *path, *q;
    unsigned char  c;

    n = t_copy(raw, len, o, cap);

    if (n == 0 || n > SF_URL_CLEAN_MAX) {
        return 0;
    }

    if (n >= 7 && strncasecmp(o, "http://", 7) == 0) {
        scheme = 7;

    } else if (n >= 8 && strncasecmp(o, "https://", 8) == 0) {
        scheme = 8;

    } else {
        return 0;
    }

    /* the scheme lower-cased: one of the two */
    memcpy(o, scheme == 7 ? "http" : "https", scheme - 3);

    for (i = scheme; i < n; i++) {
        c = (unsigned char) o[i];

        if (c == '/' || c == '?' || c == '#') {
            break;
        }

        if (c >= 'A' && c <= 'Z') {
            o[i] = (char) (c | 0x20);

        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                     || c == '-' || c == '.' || c == '_' || c == ':'
                     || c == '[' || c == ']'))
        {
            return 0;
        }
    }

    path = o + i;
    hlen = t_host(o, n, &h);

    if (hlen == 0 || t_host_is(h, hlen, "news.google.com")
        || t_host_is(h, hlen, "blogarama.com")
        || (t_host_is(h, hlen, "facebook.com")
            && (size_t) (o + n - path) >= 7 && memcmp(path, "/sharer", 7) == 0)
        || ((t_host_is(h, hlen, "twitter.com") || t_host_is(h, hlen, "x.com"))
            && (size_t) (o + n - path) >= 7 && memcmp(path, "/intent", 7) == 0))
    {
        return 0;
    }

    for (q = path; q + 7 <= o + n; q++) {
        if (memcmp(q, "/share?", 7) == 0) {
            return 0;
        }
    }

    return n;
}


/*
 * The scheme, the authority and the host are read by tables: random URLs
 * of schemes right and wrong in any case, hosts of the bytes a host may
 * have and of some it may not, in either case, some of them the names
 * that are no source, and paths that make a share link or not, are
 * cleaned as the long way cleans them, and each raw one has the host the
 * long way finds.
 */
static void
test_url_authority_random(void **state)
{
    size_t       i, k, len, n, want, hn, hw;
    uint32_t     seed;
    char         o[2048], exp[2048];
    const char  *h, *hx;
    unsigned char  raw[512];

    static const char  *schemes[] = {
        "http://", "https://", "HTTP://", "hTtPs://", "https:/", "httpz://",
        "htp://", "https//", "HTTPS:", "", "x://", "ht:tp://", "http:/x/"
    };
    static const char  *hosts[] = {
        "news.google.com", "x.com", "twitter.com", "facebook.com",
        "blogarama.com", "wx.com", "m.facebook.com", "[::1]", "[::1]:80"
    };
    static const char  *paths[] = {
        "", "/", "/a/b", "?q=1", "#f", "/intent/x", "/sharer.php",
        "/a/share?x", "/share", ":8080/p", "//x", "/a?b#c"
    };
    static const char   hostb[] = "abcxyzABCXYZ0189-._:[]@%/?#";

    (void) state;

    seed = 7;

    for (i = 0; i < 200000; i++) {
        t_next(&seed);
        k = seed % (sizeof(schemes) / sizeof(schemes[0]));
        len = strlen(schemes[k]);
        memcpy(raw, schemes[k], len);

        if ((seed >> 8) % 4 == 0) {
            k = (seed >> 10) % (sizeof(hosts) / sizeof(hosts[0]));
            memcpy(raw + len, hosts[k], strlen(hosts[k]));
            len += strlen(hosts[k]);

        } else {
            for (n = (seed >> 10) % 24; n > 0; n--) {
                t_next(&seed);
                raw[len++] = seed % 61 == 0
                             ? (unsigned char) (0x80 + seed % 3)
                             : (unsigned char) hostb[seed % (sizeof(hostb)
                                                             - 1)];
            }
        }

        k = (seed >> 16) % (sizeof(paths) / sizeof(paths[0]));
        memcpy(raw + len, paths[k], strlen(paths[k]));
        len += strlen(paths[k]);

        want = t_clean(raw, len, exp, sizeof(exp));
        n = sf_url_clean(raw, len, 1, o, sizeof(o));

        if (n != want || memcmp(o, exp, n) != 0) {
            fail_msg("url \"%.*s\": %zu bytes \"%.*s\", want %zu \"%.*s\"",
                     (int) len, raw, n, (int) n, o, want, (int) want, exp);
        }

        hw = t_host((const char *) raw, len, &hx);
        hn = sf_url_host((const char *) raw, len, &h);

        if (hn != hw || (hn > 0 && h != hx)) {
            fail_msg("host of \"%.*s\": %zu, want %zu", (int) len, raw, hn,
                     hw);
        }
    }
}


static void
test_url_host(void **state)
{
    size_t       n;
    const char  *h, *u;

    (void) state;

    u = "https://www.arabtimes.com:8080/x?y";
    n = sf_url_host(u, strlen(u), &h);
    assert_int_equal(n, 17);
    assert_memory_equal(h, "www.arabtimes.com", 17);

    u = "http://e.com";
    n = sf_url_host(u, strlen(u), &h);
    assert_int_equal(n, 5);
    assert_memory_equal(h, "e.com", 5);

    u = "http://[::1]:80/";
    n = sf_url_host(u, strlen(u), &h);
    assert_int_equal(n, 5);
    assert_memory_equal(h, "[::1]", 5);

    u = "no-scheme/x";
    assert_int_equal(sf_url_host(u, strlen(u), &h), 0);
    u = "http:///x";
    assert_int_equal(sf_url_host(u, strlen(u), &h), 0);
}


static void
test_escape(void **state)
{
    size_t         n;
    unsigned char  b[64];

    (void) state;

    n = sf_escape_attr("a&b\"c'd<e>f", 11, b, sizeof(b));
    assert_int_equal(n, strlen("a&amp;b&quot;c&#39;d&lt;e&gt;f"));
    assert_memory_equal(b, "a&amp;b&quot;c&#39;d&lt;e&gt;f", n);

    n = sf_escape_text("a&b\"c'd<e>f", 11, b, sizeof(b));
    assert_int_equal(n, strlen("a&amp;b\"c'd&lt;e&gt;f"));
    assert_memory_equal(b, "a&amp;b\"c'd&lt;e&gt;f", n);

    /* too small: nothing rather than a cut entity */
    assert_int_equal(sf_escape_attr("&", 1, b, 4), 0);
    assert_int_equal(sf_escape_text("ab", 2, b, 1), 0);
}


static void
test_credit(void **state)
{
    size_t          n;
    unsigned char   b[256];
    const char     *url = "https://e.com/?a=1&b=\"2\"";
    const char     *name = "<b>AT&T</b>";
    const char     *want;

    (void) state;

    n = sf_credit_render("<p class=\"syndication-source\">Originally "
                         "published by <a href=\"%u\">%n</a> (100%%)</p>",
                         url, strlen(url), name, strlen(name), b,
                         sizeof(b));

    want = "<p class=\"syndication-source\">Originally published by "
           "<a href=\"https://e.com/?a=1&amp;b=&quot;2&quot;\">"
           "&lt;b&gt;AT&amp;T&lt;/b&gt;</a> (100%)</p>";

    assert_int_equal(n, strlen(want));
    assert_memory_equal(b, want, n);

    /* a lone '%' and unknown "%x" pass as they are */
    n = sf_credit_render("50% %x %", url, 5, name, 3, b, sizeof(b));
    assert_memory_equal(b, "50% %x %", n);

    /* no room: 0, never a cut credit */
    n = sf_credit_render("<a href=\"%u\">%n</a>", url, strlen(url), name,
                         strlen(name), b, 20);
    assert_int_equal(n, 0);

    /* no name: empty */
    n = sf_credit_render("[%n]", url, strlen(url), NULL, 0, b, sizeof(b));
    assert_int_equal(n, 2);
    assert_memory_equal(b, "[]", 2);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_url_accepts),
        cmocka_unit_test(test_url_tabs_newlines),
        cmocka_unit_test(test_url_refuses),
        cmocka_unit_test(test_url_blocklist),
        cmocka_unit_test(test_url_encoding),
        cmocka_unit_test(test_url_length),
        cmocka_unit_test(test_url_copy_random),
        cmocka_unit_test(test_url_host),
        cmocka_unit_test(test_url_authority_random),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_credit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
