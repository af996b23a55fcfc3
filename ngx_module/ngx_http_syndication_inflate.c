
/*
 * ngx_http_syndication_inflate.c: gzip and deflate bodies are inflated
 * before the engine sees them (the engine works on HTML, and nginx's own
 * gunzip filter runs after this module).  The output goes out as identity
 * for "gzip on" to compress again.
 */


#include "ngx_http_syndication.h"


static void *ngx_http_syndication_zalloc(void *opaque, u_int items,
    u_int size);
static void ngx_http_syndication_zfree(void *opaque, void *address);
static ngx_int_t ngx_http_syndication_inflate_start(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx, int wbits);


ngx_int_t
ngx_http_syndication_inflate_init(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx)
{
    ngx_http_syndication_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);

    ctx->zbuf_size = slcf->bufs.size;
    ctx->zbuf = ngx_http_syndication_mem_alloc(&ctx->mem, ctx->zbuf_size);
    if (ctx->zbuf == NULL) {
        return NGX_ERROR;
    }

    ctx->zstream.zalloc = ngx_http_syndication_zalloc;
    ctx->zstream.zfree = ngx_http_syndication_zfree;
    ctx->zstream.opaque = &ctx->mem;

    if (ctx->inflate == NGX_HTTP_SYNDICATION_GZIP) {
        return ngx_http_syndication_inflate_start(r, ctx, 16 + MAX_WBITS);
    }

    /* deflate: zlib or raw, decided on the first two bytes */

    return NGX_OK;
}


static ngx_int_t
ngx_http_syndication_inflate_start(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx, int wbits)
{
    int  rc;

    ctx->zstream.next_in = Z_NULL;
    ctx->zstream.avail_in = 0;

    rc = inflateInit2(&ctx->zstream, wbits);

    if (rc != Z_OK) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "syndication filter: inflateInit2() failed: %d", rc);
        return NGX_ERROR;
    }

    ctx->zstarted = 1;

    return NGX_OK;
}


/*
 * Inflate from ctx->in_buf (NULL: only drain what zlib holds) into zbuf,
 * which must be empty (ctx->avail is 0); the produced bytes become the
 * engine input.  Corrupt data and a body
 * beyond syndication_max_inflated are errors: identity bytes may already
 * have been sent, so the response can only be cut, as nginx cuts a broken
 * upstream.
 */

ngx_int_t
ngx_http_syndication_inflate(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx)
{
    int                               rc, wbits;
    size_t                            produced;
    ngx_uint_t                        head;
    ngx_buf_t                        *b;
    ngx_http_syndication_loc_conf_t  *slcf;

    b = ctx->in_buf;
    head = 0;

    if (b == NULL && !ctx->zstarted) {
        ctx->zfull = 0;
        return NGX_OK;
    }

    if (!ctx->zstarted) {
        while (ctx->nzhead < 2 && b->pos < b->last) {
            ctx->zhead[ctx->nzhead++] = *b->pos++;
        }

        if (ctx->nzhead < 2) {
            return NGX_OK;
        }

        /* RFC 1950: CM 8, CINFO <= 7, the header a multiple of 31 */

        wbits = ((ctx->zhead[0] & 0x0f) == 8
                 && (ctx->zhead[0] >> 4) <= 7
                 && ((ctx->zhead[0] << 8) + ctx->zhead[1]) % 31 == 0)
                ? MAX_WBITS : -MAX_WBITS;

        if (ngx_http_syndication_inflate_start(r, ctx, wbits) != NGX_OK) {
            return NGX_ERROR;
        }

        ctx->zstream.next_in = ctx->zhead;
        ctx->zstream.avail_in = 2;
        head = 1;

    } else if (b == NULL) {
        /* draining: the output of bytes zlib has already taken */
        ctx->zstream.next_in = Z_NULL;
        ctx->zstream.avail_in = 0;

    } else if (ctx->zdone) {

        if (b->pos == b->last) {
            ctx->zfull = 0;
            return NGX_OK;
        }

        /* gzip allows several members one after another */

        if (ctx->inflate == NGX_HTTP_SYNDICATION_GZIP && *b->pos == 0x1f) {
            if (inflateReset(&ctx->zstream) != Z_OK) {
                return NGX_ERROR;
            }

            ctx->zdone = 0;

        } else {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "syndication filter: %uz bytes after the end of "
                          "the compressed body ignored",
                          (size_t) (b->last - b->pos));
            b->pos = b->last;
            return NGX_OK;
        }

        ctx->zstream.next_in = b->pos;
        ctx->zstream.avail_in = b->last - b->pos;

    } else {
        ctx->zstream.next_in = b->pos;
        ctx->zstream.avail_in = b->last - b->pos;
    }

    ctx->zstream.next_out = ctx->zbuf;
    ctx->zstream.avail_out = ctx->zbuf_size;

    rc = inflate(&ctx->zstream, Z_SYNC_FLUSH);

    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "syndication filter: inflate() failed: %d %s", rc,
                      ctx->zstream.msg ? ctx->zstream.msg : "");
        return NGX_ERROR;
    }

    if (b != NULL && !head) {
        b->pos = ctx->zstream.next_in;

    } else if (ctx->zstream.avail_in) {
        /* two header bytes cannot fill zbuf: zlib takes them at once */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "syndication filter: deflate header not taken");
        return NGX_ERROR;
    }

    produced = ctx->zbuf_size - ctx->zstream.avail_out;

    ctx->zfull = (ctx->zstream.avail_out == 0);
    ctx->inflated += produced;
    ctx->next = ctx->zbuf;
    ctx->avail = produced;

    if (rc == Z_STREAM_END) {
        ctx->zdone = 1;
        ctx->zfull = 0;
    }

    if (rc == Z_BUF_ERROR && b != NULL && !head && produced == 0
        && b->pos < b->last)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "syndication filter: inflate() made no progress");
        return NGX_ERROR;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);

    if (slcf->max_inflated && ctx->inflated > (off_t) slcf->max_inflated) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "syndication filter: inflated body is larger than "
                      "syndication_max_inflated %uz", slcf->max_inflated);
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void *
ngx_http_syndication_zalloc(void *opaque, u_int items, u_int size)
{
    /* the product in size_t: zlib's requests are small, but say so */

    if (size != 0 && items > (size_t) -1 / size) {
        return Z_NULL;
    }

    return ngx_http_syndication_mem_alloc(opaque, (size_t) items * size);
}


static void
ngx_http_syndication_zfree(void *opaque, void *address)
{
    /* the memory goes back with the response's (ngx_http_syndication_mem.c) */
}
