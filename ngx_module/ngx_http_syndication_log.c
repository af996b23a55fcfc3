
/*
 * ngx_http_syndication_log.c: values from requests and responses as they
 * go into error.log.  A value may come from a decoded variable ($uri) and
 * hold CR, LF or anything else: logged raw it could forge log lines.
 */


#include "ngx_http_syndication.h"


#define NGX_HTTP_SYNDICATION_LOG_MAX  256


/*
 * The value with controls, non-ASCII bytes, '"' and '\' written as \xHH,
 * at most NGX_HTTP_SYNDICATION_LOG_MAX bytes of it ("..." after a cut);
 * on allocation failure a fixed placeholder.
 */

void
ngx_http_syndication_log_value(ngx_pool_t *pool, ngx_str_t *value,
    ngx_str_t *out)
{
    u_char      *p, *last, *o;
    size_t       len;
    ngx_uint_t   cut;

    static u_char  hex[] = "0123456789abcdef";

    len = value->len;
    cut = 0;

    if (len > NGX_HTTP_SYNDICATION_LOG_MAX) {
        len = NGX_HTTP_SYNDICATION_LOG_MAX;
        cut = 1;
    }

    o = ngx_pnalloc(pool, len * 4 + sizeof("...") - 1);
    if (o == NULL) {
        ngx_str_set(out, "(value not shown)");
        return;
    }

    out->data = o;

    for (p = value->data, last = p + len; p < last; p++) {

        if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\') {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 0x0f];
            continue;
        }

        *o++ = *p;
    }

    if (cut) {
        o = ngx_cpymem(o, "...", sizeof("...") - 1);
    }

    out->len = o - out->data;
}
