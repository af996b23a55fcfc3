
/*
 * ngx_http_syndication_bypass.c: syndication_bypass, a per-request way
 * around the filter (a cookie, an argument, a header of the upstream),
 * with the semantics of proxy_cache_bypass: any value that is not empty
 * and not "0" bypasses it.
 */


#include "ngx_http_syndication.h"


/*
 * NGX_OK: filter as configured; NGX_DECLINED: bypassed, the response goes
 * out untouched and $syndication_status says "bypassed"; NGX_ERROR.
 */

ngx_int_t
ngx_http_syndication_bypass(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf)
{
    ngx_int_t                    rc;
    ngx_http_syndication_ctx_t  *ctx;

    if (slcf->bypass == NULL) {
        return NGX_OK;
    }

    rc = ngx_http_test_predicates(r, slcf->bypass);

    if (rc != NGX_DECLINED) {
        return rc;
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "syndication filter: bypassed");

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_syndication_ctx_t));
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    ctx->status = "bypassed";
    ngx_http_set_ctx(r, ctx, ngx_http_syndication_filter_module);

    return NGX_DECLINED;
}
