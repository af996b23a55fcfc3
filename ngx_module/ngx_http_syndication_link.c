
/*
 * ngx_http_syndication_link.c: the canonical Link header.  The module's
 * "Link: <SOURCE>; rel="canonical"" replaces any canonical the upstream
 * sent in its own Link headers, so that a response never names two
 * canonicals; the upstream's other links (preload, shortlink, ...) stay.
 */


#include "ngx_http_syndication.h"


static ngx_int_t ngx_http_syndication_link_each(void *elt, void *data);
static ngx_int_t ngx_http_syndication_link_strip(ngx_http_request_t *r,
    ngx_table_elt_t *h);
static u_char *ngx_http_syndication_link_value(u_char *p, u_char *last,
    ngx_uint_t *canonical);
static ngx_uint_t ngx_http_syndication_rel_canonical(u_char *p, size_t len);


ngx_int_t
ngx_http_syndication_link(ngx_http_request_t *r, u_char *url, size_t len)
{
    ngx_str_t  value;

    if (ngx_http_syndication_list_each(&r->headers_out.headers,
                                       ngx_http_syndication_link_each, r)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    value.len = sizeof("<>; rel=\"canonical\"") - 1 + len;
    value.data = ngx_pnalloc(r->pool, value.len);
    if (value.data == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(value.data, "<%*s>; rel=\"canonical\"", len, url);

    return ngx_http_syndication_add_header(r, "Link", &value);
}


/* the upstream's own Link headers lose their canonical */

static ngx_int_t
ngx_http_syndication_link_each(void *elt, void *data)
{
    ngx_table_elt_t  *h = elt;

    if (!ngx_http_syndication_header_is(h, "Link")) {
        return NGX_OK;
    }

    return ngx_http_syndication_link_strip(data, h);
}


/*
 * One upstream Link header without its canonical link-values (RFC 8288:
 * "<URI>" and ";"-parameters, link-values separated by ","); removed when
 * nothing else is left.  A value that cannot be parsed goes whole if it
 * mentions a canonical at all: a lenient reader might find one in it.
 */

static ngx_int_t
ngx_http_syndication_link_strip(ngx_http_request_t *r, ngx_table_elt_t *h)
{
    u_char      *p, *last, *start, *end, *out, *o;
    ngx_uint_t   canonical, dropped;

    p = h->value.data;
    last = p + h->value.len;

    /*
     * the values kept are joined with ", ": where the upstream wrote a bare
     * ",", one more byte each, so at most twice the original length
     */

    out = ngx_pnalloc(r->pool, h->value.len * 2);
    if (out == NULL) {
        return NGX_ERROR;
    }

    o = out;
    dropped = 0;

    for ( ;; ) {

        while (p < last && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        if (p == last) {
            break;
        }

        start = p;
        end = ngx_http_syndication_link_value(p, last, &canonical);

        if (end == NULL) {
            if (ngx_strlcasestrn(h->value.data, last,
                                 (u_char *) "canonical",
                                 sizeof("canonical") - 2)
                != NULL)
            {
                h->hash = 0;
            }

            return NGX_OK;
        }

        p = end;

        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }

        if (canonical) {
            dropped = 1;
            continue;
        }

        if (o > out) {
            *o++ = ',';
            *o++ = ' ';
        }

        o = ngx_cpymem(o, start, end - start);
    }

    if (!dropped) {
        return NGX_OK;
    }

    if (o == out) {
        h->hash = 0;
        return NGX_OK;
    }

    h->value.data = out;
    h->value.len = o - out;

    return NGX_OK;
}


/*
 * The link-value at p: the end (its "," or last), NULL when it is none;
 * *canonical tells whether a rel parameter holds "canonical".
 */

static u_char *
ngx_http_syndication_link_value(u_char *p, u_char *last,
    ngx_uint_t *canonical)
{
    u_char  *name, *value;
    size_t   nlen, vlen;

    *canonical = 0;

    if (*p != '<') {
        return NULL;
    }

    p = ngx_strlchr(p, last, '>');
    if (p == NULL) {
        return NULL;
    }

    p++;

    for ( ;; ) {

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p == last || *p == ',') {
            return p;
        }

        if (*p != ';') {
            return NULL;
        }

        p++;

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        name = p;

        while (p < last && *p != '=' && *p != ';' && *p != ','
               && *p != ' ' && *p != '\t')
        {
            p++;
        }

        nlen = p - name;

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p == last || *p != '=') {
            continue;
        }

        p++;

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p < last && *p == '"') {
            value = ++p;

            while (p < last && *p != '"') {
                if (*p == '\\' && p + 1 < last) {
                    p++;
                }

                p++;
            }

            if (p == last) {
                return NULL;
            }

            vlen = p - value;
            p++;

        } else {
            value = p;

            while (p < last && *p != ';' && *p != ',' && *p != ' '
                   && *p != '\t')
            {
                p++;
            }

            vlen = p - value;
        }

        if (nlen == 3 && ngx_strncasecmp(name, (u_char *) "rel", 3) == 0
            && ngx_http_syndication_rel_canonical(value, vlen))
        {
            *canonical = 1;
        }
    }
}


/* A rel value (space-separated relation types) holds "canonical". */

static ngx_uint_t
ngx_http_syndication_rel_canonical(u_char *p, size_t len)
{
    u_char  *last, *word;

    last = p + len;

    while (p < last) {

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        word = p;

        while (p < last && *p != ' ' && *p != '\t') {
            p++;
        }

        if (p - word == sizeof("canonical") - 1
            && ngx_strncasecmp(word, (u_char *) "canonical",
                               sizeof("canonical") - 1)
               == 0)
        {
            return 1;
        }
    }

    return 0;
}
