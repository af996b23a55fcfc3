
/*
 * ngx_http_syndication_feed.c: feeds and the credit template.
 *
 * A response is either a page (the engine's stream) or, when its type is
 * an XML one, a feed (the engine's feed layer, which decides from the
 * first bytes and passes anything that is no RSS or Atom through
 * unchanged).  The body filter reaches either through the functions here.
 * syndication_credit is checked and turned into the engine's template at
 * configuration time.
 */


#include "ngx_http_syndication.h"


/* Filtered when syndication_types is not set: pages and feeds. */
ngx_str_t  ngx_http_syndication_default_types[] = {
    ngx_string("text/html"),
    ngx_string("application/rss+xml"),
    ngx_string("application/atom+xml"),
    ngx_string("application/xml"),
    ngx_string("text/xml"),
    ngx_null_string
};


/* The types whose body may be a feed: the feed layer looks at the root. */
static ngx_str_t  ngx_http_syndication_xml_types[] = {
    ngx_string("application/rss+xml"),
    ngx_string("application/atom+xml"),
    ngx_string("application/rdf+xml"),
    ngx_string("application/xml"),
    ngx_string("text/xml"),
    ngx_null_string
};


static ngx_int_t
ngx_http_syndication_is_xml(ngx_http_request_t *r)
{
    size_t      len;
    ngx_str_t  *t;

    len = r->headers_out.content_type_len;

    if (len == 0) {
        len = r->headers_out.content_type.len;
    }

    for (t = ngx_http_syndication_xml_types; t->len; t++) {
        if (len == t->len
            && ngx_strncasecmp(r->headers_out.content_type.data, t->data,
                               len)
               == 0)
        {
            return 1;
        }
    }

    return 0;
}


static void
ngx_http_syndication_scratch_cleanup(void *data)
{
    sf_scratch_destroy(data);
}


/*
 * The decision scratch of the worker for the rules of this level (sf.h):
 * a worker runs one stream at a time, so its streams take turns in one
 * instead of each allocating its own (a third of a stream).  Made at the
 * first response, freed when the worker exits.  NULL (no memory): the
 * stream makes its own.
 */

static sf_scratch_t *
ngx_http_syndication_scratch(ngx_http_syndication_loc_conf_t *slcf,
    const sf_limits_t *limits)
{
    ngx_pool_cleanup_t               *cln;
    ngx_http_syndication_loc_conf_t  *owner;

    owner = slcf->rules_owner;

    if (owner == NULL || owner->rules != slcf->rules) {
        return NULL;
    }

    if (owner->scratch != NULL) {
        return owner->scratch;
    }

    cln = ngx_pool_cleanup_add(ngx_cycle->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    owner->scratch = sf_scratch_create(owner->rules, limits,
                                       &sf_malloc_allocator);

    if (owner->scratch != NULL) {
        cln->handler = ngx_http_syndication_scratch_cleanup;
        cln->data = owner->scratch;
    }

    return owner->scratch;
}


ngx_int_t
ngx_http_syndication_engine_create(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx, sf_rules_t *rules,
    sf_options_t *options, sf_allocator_t *alloc)
{
    ngx_http_syndication_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);

    if (slcf->credit.len) {
        options->credit_template = (const char *) slcf->credit.data;
    }

    options->scratch = ngx_http_syndication_scratch(slcf, &options->limits);

    if (ngx_http_syndication_is_xml(r)) {
        ctx->feed = sf_feed_create(rules, options, alloc, SF_FEED_SNIFF);

        return ctx->feed != NULL ? NGX_OK : NGX_ERROR;
    }

    ctx->stream = sf_stream_create(rules, options, alloc);

    return ctx->stream != NULL ? NGX_OK : NGX_ERROR;
}


int
ngx_http_syndication_engine_feed(ngx_http_syndication_ctx_t *ctx,
    sf_io_t *io, unsigned flags)
{
    if (ctx->feed != NULL) {
        return sf_feed_feed(ctx->feed, io, flags);
    }

    return sf_stream_feed(ctx->stream, io, flags);
}


/* The engine's status, or NULL when there is no engine. */
const char *
ngx_http_syndication_engine_status(ngx_http_syndication_ctx_t *ctx)
{
    if (ctx->feed != NULL) {
        return sf_feed_status(ctx->feed);
    }

    if (ctx->stream != NULL) {
        return sf_stream_status(ctx->stream);
    }

    return NULL;
}


ngx_uint_t
ngx_http_syndication_engine_removed(ngx_http_syndication_ctx_t *ctx)
{
    if (ctx->feed != NULL) {
        return sf_feed_stats(ctx->feed)->blocks_removed;
    }

    if (ctx->stream != NULL) {
        return sf_stream_stats(ctx->stream)->blocks_removed;
    }

    return 0;
}


void
ngx_http_syndication_engine_destroy(ngx_http_syndication_ctx_t *ctx)
{
    if (ctx->feed != NULL) {
        sf_feed_destroy(ctx->feed);
        ctx->feed = NULL;
        ctx->filtered = 0;
    }

    if (ctx->stream != NULL) {
        sf_stream_destroy(ctx->stream);
        ctx->stream = NULL;
        ctx->filtered = 0;
    }
}


/*
 * syndication_credit "TEMPLATE": %s the source name, %u its URL, both
 * escaped; %% a percent sign.  Checked here so that nginx -t names the
 * file and line of a wrong template.
 */

char *
ngx_http_syndication_credit(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_syndication_loc_conf_t *slcf = conf;

    u_char      *p;
    ngx_str_t   *value;
    sf_error_t   err;

    if (slcf->credit.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len > 2048) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "syndication_credit: the template is longer "
                           "than 2048 bytes");
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->pool, value[1].len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&err, sizeof(sf_error_t));

    if (sf_credit_template((const char *) value[1].data, value[1].len,
                           (char *) p, value[1].len + 1, &err)
        != SF_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "syndication_credit: %s (at byte %ud of \"%V\")",
                           err.message, err.column, &value[1]);
        return NGX_CONF_ERROR;
    }

    slcf->credit.data = p;
    slcf->credit.len = ngx_strlen(p);

    /* an empty template: the built-in credit, in the page's language */
    if (slcf->credit.len == 0) {
        slcf->credit.data = (u_char *) "";
    }

    return NGX_CONF_OK;
}
