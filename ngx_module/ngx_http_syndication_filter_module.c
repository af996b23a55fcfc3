
/*
 * ngx_http_syndication_filter_module: cleans pages of news aggregators as
 * they are proxied (see README.md).  This file holds the directives, the
 * configuration, the variables and the header and body filters; the
 * engine does the HTML work behind src/sf.h.
 */


#include "ngx_http_syndication.h"


static ngx_int_t ngx_http_syndication_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_syndication_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_syndication_wanted(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf);
static ngx_http_syndication_ctx_t *ngx_http_syndication_create_ctx(
    ngx_http_request_t *r, ngx_http_syndication_loc_conf_t *slcf,
    ngx_int_t encoding);
static ngx_int_t ngx_http_syndication_response_headers(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_http_syndication_ctx_t *ctx);
static ngx_int_t ngx_http_syndication_skip(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf);
static ngx_int_t ngx_http_syndication_no_transform(void *elt, void *data);
static ngx_int_t ngx_http_syndication_encoding(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf);
static ngx_int_t ngx_http_syndication_find_source(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_http_syndication_ctx_t *ctx);
static void ngx_http_syndication_decision(void *data,
    const sf_decision_t *decision);
static ngx_int_t ngx_http_syndication_process(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx);
static ngx_int_t ngx_http_syndication_input(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx);
static ngx_int_t ngx_http_syndication_get_buf(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx);
static ngx_int_t ngx_http_syndication_emit(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx);
static void ngx_http_syndication_done(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx);
static void ngx_http_syndication_cleanup(void *data);
static void ngx_http_syndication_rules_cleanup(void *data);

static ngx_int_t ngx_http_syndication_variable(ngx_http_variable_value_t *v,
    u_char *data, size_t len);
static ngx_int_t ngx_http_syndication_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_syndication_removed_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_syndication_source_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_syndication_version_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

static char *ngx_http_syndication_rules(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_syndication_read_file(ngx_conf_t *cf,
    ngx_str_t *name, ngx_str_t *text);
static ngx_int_t ngx_http_syndication_compile(ngx_conf_t *cf,
    ngx_http_syndication_loc_conf_t *owner);
static ngx_int_t ngx_http_syndication_add_variables(ngx_conf_t *cf);
static void *ngx_http_syndication_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_syndication_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_syndication_create_conf(ngx_conf_t *cf);
static char *ngx_http_syndication_merge_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_syndication_filter_init(ngx_conf_t *cf);


static ngx_conf_enum_t  ngx_http_syndication_modes[] = {
    { ngx_string("rewrite"), NGX_HTTP_SYNDICATION_REWRITE },
    { ngx_string("report"), NGX_HTTP_SYNDICATION_REPORT },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_syndication_profiles[] = {
    { ngx_string("default"), NGX_HTTP_SYNDICATION_DEFAULT },
    { ngx_string("router"), NGX_HTTP_SYNDICATION_ROUTER },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_syndication_filter_commands[] = {

    { ngx_string("syndication_filter"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_http_syndication_filter_flag,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, enable),
      NULL },

    { ngx_string("syndication_rules"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_syndication_rules,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("syndication_builtin_rules"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, builtin),
      NULL },

    { ngx_string("syndication_types"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_types_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, types_keys),
      &ngx_http_syndication_default_types[0] },

    { ngx_string("syndication_max_holdback"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, max_holdback),
      NULL },

    { ngx_string("syndication_profile"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_syndication_main_conf_t, profile),
      &ngx_http_syndication_profiles },

    { ngx_string("syndication_max_inflated"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, max_inflated),
      NULL },

    { ngx_string("syndication_buffers"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_conf_set_bufs_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, bufs),
      NULL },

    { ngx_string("syndication_mode"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, mode),
      &ngx_http_syndication_modes },

    { ngx_string("syndication_attribution"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, attribution),
      NULL },

    { ngx_string("syndication_noindex"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, noindex),
      NULL },

    { ngx_string("syndication_source"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, source),
      NULL },

    { ngx_string("syndication_page_host"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, page_host),
      NULL },

    { ngx_string("syndication_last_modified"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, last_modified),
      NULL },

    { ngx_string("syndication_bypass"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_set_predicate_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_syndication_loc_conf_t, bypass),
      NULL },

    { ngx_string("syndication_stats"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_syndication_stats,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("syndication_credit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_syndication_credit,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("syndication_learn"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF
                        |NGX_CONF_TAKE1234,
      ngx_http_syndication_learn,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_syndication_filter_module_ctx = {
    ngx_http_syndication_add_variables,    /* preconfiguration */
    ngx_http_syndication_filter_init,      /* postconfiguration */

    ngx_http_syndication_create_main_conf, /* create main configuration */
    ngx_http_syndication_init_main_conf,   /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_syndication_create_conf,      /* create location configuration */
    ngx_http_syndication_merge_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_syndication_filter_module = {
    NGX_MODULE_V1,
    &ngx_http_syndication_filter_module_ctx, /* module context */
    ngx_http_syndication_filter_commands,  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    ngx_http_syndication_learn_save,       /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_syndication_vars[] = {

    { ngx_string("syndication_status"), NULL,
      ngx_http_syndication_status_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("syndication_removed"), NULL,
      ngx_http_syndication_removed_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("syndication_source"), NULL,
      ngx_http_syndication_source_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("syndication_version"), NULL,
      ngx_http_syndication_version_variable, 0, 0, 0 },

      ngx_http_null_variable
};


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


static ngx_int_t
ngx_http_syndication_header_filter(ngx_http_request_t *r)
{
    ngx_int_t                         encoding;
    ngx_str_t                         value;
    sf_options_t                      options;
    sf_allocator_t                    alloc;
    ngx_pool_cleanup_t                *cln;
    ngx_http_syndication_ctx_t        *ctx;
    ngx_http_syndication_loc_conf_t   *slcf;
    ngx_http_syndication_main_conf_t  *smcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);

    if (!slcf->enable || slcf->rules == NULL) {
        return ngx_http_next_header_filter(r);
    }

    encoding = ngx_http_syndication_wanted(r, slcf);

    if (encoding == NGX_DECLINED) {
        return ngx_http_next_header_filter(r);
    }

    if (encoding == NGX_ERROR) {
        return NGX_ERROR;
    }

    ctx = ngx_http_syndication_create_ctx(r, slcf, encoding);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_syndication_filter_module);

    sf_options_init(&options);
    ngx_http_syndication_limits(smcf, &options.limits);

    options.limits.max_holdback = slcf->max_holdback;
    options.report = (slcf->mode == NGX_HTTP_SYNDICATION_REPORT);
    options.attribution = slcf->attribution ? 1 : 0;
    options.canonical = 1;

    /*
     * decisions are logged in report mode, or with debug logging on, and
     * counted by rule when syndication_stats keeps counters
     */

    if (slcf->mode == NGX_HTTP_SYNDICATION_REPORT
        || (r->connection->log->log_level & NGX_LOG_DEBUG_HTTP)
        || smcf->stats_zone != NULL)
    {
        options.on_decision = ngx_http_syndication_decision;
        options.on_decision_ctx = r;
    }

    if (ctx->source.len) {
        options.source = (const char *) ctx->source.data;
        options.source_len = ctx->source.len;
    }

    /*
     * The aggregator's own host name, so that its self-canonical is not
     * taken for a source.  Not $host by default: a mirror is reached under
     * another name than the aggregator's, and with $host every page's own
     * canonical would look foreign.  Unset: the engine ignores head
     * sources that need the comparison.
     */

    if (slcf->page_host != NULL) {
        if (ngx_http_complex_value(r, slcf->page_host, &value) != NGX_OK) {
            return NGX_ERROR;
        }

        if (value.len) {
            options.page_host = (const char *) value.data;
            options.page_host_len = value.len;
        }
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    /* the response's memory goes back to the worker even if create fails */

    ngx_http_syndication_mem_init(r, &ctx->mem);

    cln->handler = ngx_http_syndication_cleanup;
    cln->data = ctx;

    alloc.alloc = ngx_http_syndication_mem_alloc;
    alloc.free = NULL;
    alloc.ctx = &ctx->mem;

    if (ngx_http_syndication_engine_create(r, ctx, slcf->rules, &options,
                                           &alloc)
        != NGX_OK)
    {
        /* fail open: the page goes out as the upstream sent it */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "syndication filter: stream not created, "
                      "passing the response through");
        ctx->status = "error:create";
        return ngx_http_next_header_filter(r);
    }

    if (ctx->inflate) {
        if (ngx_http_syndication_inflate_init(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }

        r->headers_out.content_encoding->hash = 0;
        r->headers_out.content_encoding = NULL;
    }

    ctx->filtered = 1;

    if (ngx_http_syndication_response_headers(r, slcf, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    /* static files arrive as in-file buffers otherwise */
    r->filter_need_in_memory = 1;

    return ngx_http_next_header_filter(r);
}


/*
 * Whether to filter the response, decided once: NGX_DECLINED to pass it
 * through, NGX_ERROR when the bypass check failed; else 0 or how to
 * inflate it (see ngx_http_syndication_encoding)
 */

static ngx_int_t
ngx_http_syndication_wanted(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf)
{
    switch (ngx_http_syndication_bypass(r, slcf)) {

    case NGX_OK:
        break;

    case NGX_DECLINED:
        return NGX_DECLINED;

    default:
        return NGX_ERROR;
    }

    if (ngx_http_syndication_skip(r, slcf) != NGX_OK) {
        return NGX_DECLINED;
    }

    return ngx_http_syndication_encoding(r, slcf);
}


/* the request's context, with the source this response names, if any */

static ngx_http_syndication_ctx_t *
ngx_http_syndication_create_ctx(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_int_t encoding)
{
    ngx_http_syndication_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_syndication_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     ctx->stream = NULL;
     *     ctx->mem = { NULL, NULL, NULL };
     *     ctx->status = NULL;
     *     ctx->source = { 0, NULL };
     *     ctx->in = NULL;
     *     ctx->out = NULL;
     *     ctx->free = NULL;
     *     ctx->busy = NULL;
     *     ctx->bufs = 0;
     *     ctx->done = 0;
     */

    ngx_http_set_ctx(r, ctx, ngx_http_syndication_filter_module);

    ctx->last_out = &ctx->out;
    ctx->inflate = encoding;

    if (ngx_http_syndication_find_source(r, slcf, ctx) != NGX_OK) {
        return NULL;
    }

    return ctx;
}


/*
 * The response headers of a filtered response: no length or ranges when
 * the body changes, the canonical Link header and X-Robots-Tag when asked.
 */

static ngx_int_t
ngx_http_syndication_response_headers(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_http_syndication_ctx_t *ctx)
{
    ngx_str_t  value;

    if (slcf->mode == NGX_HTTP_SYNDICATION_REWRITE || ctx->inflate) {
        ngx_http_clear_content_length(r);
        ngx_http_clear_accept_ranges(r);
        ngx_http_weak_etag(r);

        if (!slcf->last_modified) {
            ngx_http_clear_last_modified(r);
        }
    }

    /*
     * The Link header carries the very URL the engine writes into the
     * head canonical: its clean copy of the source.
     */

    if (ctx->source.len && slcf->mode == NGX_HTTP_SYNDICATION_REWRITE) {
        value.data = (u_char *) sf_stream_source(ctx->stream, &value.len);

        if (value.len
            && ngx_http_syndication_link(r, value.data, value.len) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (slcf->noindex) {
        ngx_str_set(&value, "noindex");

        if (ngx_http_syndication_add_header(r, "X-Robots-Tag", &value)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * NGX_OK when the response is one to filter: the main request, a 200 with
 * a body, a configured type in an ASCII-compatible charset, no range and
 * no Cache-Control: no-transform.
 */

static ngx_int_t
ngx_http_syndication_skip(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf)
{
    ngx_str_t  *cs;

    /* header_only for HEAD is set later, by ngx_http_header_filter */

    if (r != r->main
        || r->header_only
        || r->method == NGX_HTTP_HEAD
        || r->headers_out.status != NGX_HTTP_OK
        || r->headers_out.content_range != NULL
        || r->headers_out.content_length_n == 0
        || ngx_http_test_content_type(r, &slcf->types) == NULL)
    {
        return NGX_DECLINED;
    }

    cs = &r->headers_out.charset;

    /* utf-16, utf-16le, ..., utf-32*, ucs-2, ucs-4: no ASCII bytes */

    if ((cs->len >= 6
         && (ngx_strncasecmp(cs->data, (u_char *) "utf-16", 6) == 0
             || ngx_strncasecmp(cs->data, (u_char *) "utf-32", 6) == 0))
        || (cs->len >= 5
            && (ngx_strncasecmp(cs->data, (u_char *) "ucs-2", 5) == 0
                || ngx_strncasecmp(cs->data, (u_char *) "ucs-4", 5) == 0)))
    {
        return NGX_DECLINED;
    }

    /* the list works on every nginx version, whatever cache_control is */

    return ngx_http_syndication_list_each(&r->headers_out.headers,
                                          ngx_http_syndication_no_transform,
                                          NULL);
}


/* NGX_DECLINED for a "Cache-Control: no-transform" header, else NGX_OK */

static ngx_int_t
ngx_http_syndication_no_transform(void *elt, void *data)
{
    ngx_table_elt_t  *h = elt;

    if (!ngx_http_syndication_header_is(h, "Cache-Control")) {
        return NGX_OK;
    }

    if (ngx_strlcasestrn(h->value.data, h->value.data + h->value.len,
                         (u_char *) "no-transform",
                         sizeof("no-transform") - 2)
        != NULL)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * Calls handler for each element of an nginx list (response headers,
 * shared memory zones) until one returns other than NGX_OK, and returns
 * that; the list may grow while it is walked.
 */

ngx_int_t
ngx_http_syndication_list_each(ngx_list_t *list,
    ngx_http_syndication_elt_pt handler, void *data)
{
    u_char           *elts;
    ngx_int_t         rc;
    ngx_uint_t        i;
    ngx_list_part_t  *part;

    for (part = &list->part; part != NULL; part = part->next) {
        elts = part->elts;

        for (i = 0; i < part->nelts; i++) {
            rc = handler(elts + i * list->size, data);

            if (rc != NGX_OK) {
                return rc;
            }
        }
    }

    return NGX_OK;
}


/* a response header with that name, not one deleted by clearing its hash */

ngx_uint_t
ngx_http_syndication_header_is(ngx_table_elt_t *h, char *name)
{
    size_t  len;

    len = ngx_strlen(name);

    return h->hash != 0
           && h->key.len == len
           && ngx_strncasecmp(h->key.data, (u_char *) name, len) == 0;
}


/*
 * 0 for identity, NGX_HTTP_SYNDICATION_GZIP or _DEFLATE for bodies the
 * module inflates, NGX_DECLINED for encodings it passes through.
 */

static ngx_int_t
ngx_http_syndication_encoding(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf)
{
    ngx_str_t                   *ce;
    ngx_http_syndication_ctx_t  *ctx;

    if (r->headers_out.content_encoding == NULL
        || r->headers_out.content_encoding->hash == 0
        || r->headers_out.content_encoding->value.len == 0)
    {
        return 0;
    }

    ce = &r->headers_out.content_encoding->value;

    if (ce->len == 8 && ngx_strncasecmp(ce->data, (u_char *) "identity", 8)
                        == 0)
    {
        return 0;
    }

    /*
     * report mode promises an unchanged body, headers included; it does
     * not inflate
     */

    if (slcf->mode == NGX_HTTP_SYNDICATION_REWRITE) {

        if ((ce->len == 4 && ngx_strncasecmp(ce->data, (u_char *) "gzip", 4)
                             == 0)
            || (ce->len == 6
                && ngx_strncasecmp(ce->data, (u_char *) "x-gzip", 6) == 0))
        {
            return NGX_HTTP_SYNDICATION_GZIP;
        }

        if (ce->len == 7
            && ngx_strncasecmp(ce->data, (u_char *) "deflate", 7) == 0)
        {
            return NGX_HTTP_SYNDICATION_DEFLATE;
        }
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "syndication filter: passing through a body with "
                  "Content-Encoding \"%V\"", ce);

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_syndication_ctx_t));
    if (ctx != NULL) {
        ctx->status = "passthrough:encoding";
        ngx_http_set_ctx(r, ctx, ngx_http_syndication_filter_module);
    }

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_syndication_find_source(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_http_syndication_ctx_t *ctx)
{
    ngx_str_t  source, clean, logged;

    if (slcf->source != NULL) {
        if (ngx_http_complex_value(r, slcf->source, &source) != NGX_OK) {
            return NGX_ERROR;
        }

        if (source.len) {
            /* the engine's validator: what it refuses, no header gets */

            clean.data = ngx_pnalloc(r->pool, SF_URL_CLEAN_MAX + 1);
            if (clean.data == NULL) {
                return NGX_ERROR;
            }

            clean.len = sf_url_clean(source.data, source.len, 0,
                                     (char *) clean.data,
                                     SF_URL_CLEAN_MAX + 1);

            if (clean.len) {
                ctx->source = clean;
                ctx->source_given = 1;
                return NGX_OK;
            }

            ngx_http_syndication_log_value(r->pool, &source, &logged);

            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "syndication filter: invalid source \"%V\" "
                          "ignored", &logged);
        }
    }

    if (slcf->learn_zone == NULL) {
        return NGX_OK;
    }

    if (ngx_http_complex_value(r, slcf->learn_key, &ctx->learn_key)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_syndication_learn_get(r, slcf, &ctx->learn_key,
                                          &ctx->source);
}


ngx_int_t
ngx_http_syndication_add_header(ngx_http_request_t *r, char *key,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.len = ngx_strlen(key);
    h->key.data = (u_char *) key;
    h->value = *value;
    h->lowcase_key = NULL;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return NGX_OK;
}


static void
ngx_http_syndication_decision(void *data, const sf_decision_t *decision)
{
    ngx_http_request_t               *r = data;
    ngx_uint_t                        level;
    ngx_http_syndication_loc_conf_t  *slcf;

    ngx_http_syndication_stats_decision(r, decision);

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);

    /* report mode exists for these lines; otherwise they are debug */

    level = (slcf->mode == NGX_HTTP_SYNDICATION_REPORT) ? NGX_LOG_INFO
                                                         : NGX_LOG_DEBUG;

    ngx_log_error(level, r->connection->log, 0,
                  "syndication filter: rule \"%s\" action \"%s\" "
                  "bytes %uz at %uL",
                  decision->rule_id ? decision->rule_id : "-",
                  decision->action ? decision->action : "-",
                  decision->bytes, decision->offset);
}


static ngx_int_t
ngx_http_syndication_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_int_t                    rc, ret;
    ngx_uint_t                   level;
    ngx_http_syndication_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_syndication_filter_module);

    if (ctx == NULL || !ctx->filtered || ctx->done) {
        return ngx_http_next_body_filter(r, in);
    }

    if (in != NULL) {
        if (ngx_chain_add_copy(r->pool, &ctx->in, in) != NGX_OK) {
            goto failed;
        }
    }

    ret = NGX_OK;

    for ( ;; ) {

        /* NGX_OK: input used up or finished, NGX_AGAIN: no free buffer */

        rc = ngx_http_syndication_process(r, ctx);

        if (rc == NGX_ERROR) {
            goto failed;
        }

        if (ctx->out == NULL && ctx->busy == NULL && in != NULL) {
            break;
        }

        ret = ngx_http_next_body_filter(r, ctx->out);

        if (ret == NGX_ERROR) {
            goto failed;
        }

        ngx_chain_update_chains(r->pool, &ctx->free, &ctx->busy, &ctx->out,
                           (ngx_buf_tag_t) &ngx_http_syndication_filter_module);
        ctx->last_out = &ctx->out;

        if (rc == NGX_AGAIN && ctx->free != NULL) {
            continue;
        }

        if (rc == NGX_AGAIN && ret == NGX_OK) {
            ret = NGX_AGAIN;
        }

        break;
    }

    if (ctx->broken && !ctx->flush && ctx->out == NULL) {
        goto failed;
    }

    if (ctx->done) {
        ngx_http_syndication_done(r, ctx);
    }

    /*
     * While input (or its flush or last flag) waits here, or output the
     * engine could not give yet, the request must not be taken as
     * finished.  An undecided block the engine holds does not count: only
     * more input or the last buffer can release it, and when the upstream
     * failed neither comes, so the request must be free to end (broken) at
     * once instead of waiting for send_timeout.  The bit is the one
     * sub_filter uses: nginx has no free bit for third-party filters (see
     * README.md).
     */

    if (!ctx->done
        && (ctx->in != NULL || ctx->in_buf != NULL || ctx->avail
            || ctx->last_flags || ctx->flush || ctx->finish || ctx->zfull
            || ctx->pending))
    {
        r->buffered |= NGX_HTTP_SUB_BUFFERED;

    } else {
        r->buffered &= ~NGX_HTTP_SUB_BUFFERED;
    }

    return ret;

failed:

    ctx->done = 1;
    ctx->status = "error";
    r->buffered &= ~NGX_HTTP_SUB_BUFFERED;

    /* a client that went away is no fault of ours: nginx logs it at info */

    level = r->connection->error ? NGX_LOG_INFO : NGX_LOG_ERR;

    ngx_log_error(level, r->connection->log, 0,
                  "syndication filter failed, response cut");

    return NGX_ERROR;
}


/*
 * Feed the engine from the input until the input runs out (NGX_OK), all
 * output buffers are busy (NGX_AGAIN: back-pressure, no more input is
 * consumed) or the stream is finished.
 */

static ngx_int_t
ngx_http_syndication_process(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx)
{
    int         rc;
    size_t      consumed, produced;
    sf_io_t     io;
    unsigned    flags;
    ngx_int_t   n;
    ngx_buf_t  *b;

    while (!ctx->done) {

        n = ngx_http_syndication_input(r, ctx);

        if (n != NGX_OK) {
            /* NGX_AGAIN here means "no input", which is OK for the caller */
            return (n == NGX_ERROR) ? NGX_ERROR : NGX_OK;
        }

        if (ctx->out_buf == NULL) {
            n = ngx_http_syndication_get_buf(r, ctx);

            if (n == NGX_DECLINED) {
                return NGX_AGAIN;
            }

            if (n == NGX_ERROR) {
                return NGX_ERROR;
            }
        }

        b = ctx->out_buf;

        io.next_in = ctx->next;
        io.avail_in = ctx->avail;
        io.next_out = b->last;
        io.avail_out = b->end - b->last;

        /* the input sets a flag only when all its bytes are fed */
        flags = ctx->finish ? SF_FINISH : (ctx->flush ? SF_FLUSH : 0);

        rc = ngx_http_syndication_engine_feed(ctx, &io, flags);

        consumed = ctx->avail - io.avail_in;
        produced = io.next_out - b->last;

        ctx->next = (u_char *) io.next_in;
        ctx->avail = io.avail_in;
        b->last = io.next_out;

        if (!ctx->inflate && ctx->in_buf != NULL) {
            /* the upstream buffer is released only as the engine takes it */
            ctx->in_buf->pos = ctx->next;
        }

        /* SF_BUSY: the engine has output waiting for space */
        ctx->pending = (rc == SF_BUSY);

        switch (rc) {

        case SF_OK:

            if (ctx->flush) {
                ctx->flush = 0;
                b->flush = 1;

                if (ngx_http_syndication_emit(r, ctx) != NGX_OK) {
                    return NGX_ERROR;
                }

            } else if (b->last == b->end) {
                if (ngx_http_syndication_emit(r, ctx) != NGX_OK) {
                    return NGX_ERROR;
                }
            }

            break;

        case SF_BUSY:

            if (consumed == 0 && produced == 0 && b->last == b->pos) {
                ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                              "syndication filter: engine made no progress "
                              "with %uz bytes of output space",
                              (size_t) (b->end - b->last));
                return NGX_ERROR;
            }

            if (ngx_http_syndication_emit(r, ctx) != NGX_OK) {
                return NGX_ERROR;
            }

            break;

        case SF_DONE:

            ctx->done = 1;
            ctx->finish = 0;
            b->last_buf = 1;

            if (ngx_http_syndication_emit(r, ctx) != NGX_OK) {
                return NGX_ERROR;
            }

            return NGX_OK;

        default:
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "syndication filter: sf_stream_feed() failed");
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * Make engine input ready in ctx->next/avail, or a pending SF_FLUSH or
 * SF_FINISH; NGX_AGAIN when the copied chain is used up.
 *
 * An upstream buffer is forgotten as soon as its bytes are taken: the
 * upstream may reuse a consumed buffer for new data before the next call.
 * Its flags wait in ctx->last_flags until zlib has given all the output
 * of its bytes.
 */

static ngx_int_t
ngx_http_syndication_input(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    for ( ;; ) {

        if (ctx->avail || ctx->flush || ctx->finish) {
            return NGX_OK;
        }

        if (ctx->inflate && ctx->zfull) {
            /* zlib has more output of the bytes it took */
            if (ngx_http_syndication_inflate(r, ctx) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        if (ctx->in_buf == NULL) {

            if (ctx->last_flags) {
                if (ctx->last_flags & SF_FINISH) {
                    /*
                     * The upstream framing is complete but the compressed
                     * stream is not: a broken body.  What is safe goes
                     * out (a flush), then the response is cut, never
                     * finished.
                     */

                    if (ctx->inflate && !ctx->zdone) {
                        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                                      "syndication filter: compressed body "
                                      "ends before its compressed stream");
                        ctx->broken = 1;
                        ctx->flush = 1;
                        ctx->last_flags = 0;
                        continue;
                    }

                    ctx->finish = 1;

                } else {
                    ctx->flush = 1;
                }

                ctx->last_flags = 0;
                continue;
            }

            if (ctx->in == NULL) {
                return NGX_AGAIN;
            }

            cl = ctx->in;
            ctx->in_buf = cl->buf;
            ctx->in = cl->next;
            ngx_free_chain(r->pool, cl);

            if (ctx->in_buf->in_file && !ngx_buf_in_memory(ctx->in_buf)) {
                ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                              "syndication filter: unexpected in-file "
                              "buffer");
                return NGX_ERROR;
            }
        }

        b = ctx->in_buf;

        if (b->pos < b->last) {

            if (!ctx->inflate) {
                /* fed straight from the upstream buffer, zero-copy */
                ctx->next = b->pos;
                ctx->avail = b->last - b->pos;
                return NGX_OK;
            }

            if (ngx_http_syndication_inflate(r, ctx) != NGX_OK) {
                return NGX_ERROR;
            }

            if (b->pos < b->last) {
                continue;
            }
        }

        /* the buffer is used up: its flags apply after its bytes */

        if (b->last_buf || b->last_in_chain) {
            ctx->last_flags = SF_FINISH;

        } else if (b->flush) {
            ctx->last_flags = SF_FLUSH;
        }

        ctx->in_buf = NULL;
    }
}


static ngx_int_t
ngx_http_syndication_get_buf(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx)
{
    ngx_buf_t                        *b;
    ngx_chain_t                      *cl;
    ngx_http_syndication_loc_conf_t  *slcf;

    if (ctx->free != NULL) {
        cl = ctx->free;
        b = cl->buf;
        ctx->free = cl->next;
        ngx_free_chain(r->pool, cl);

        b->pos = b->start;
        b->last = b->start;
        b->flush = 0;
        b->last_buf = 0;

    } else {
        slcf = ngx_http_get_module_loc_conf(r,
                                            ngx_http_syndication_filter_module);

        if (ctx->bufs >= slcf->bufs.num) {
            return NGX_DECLINED;
        }

        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_ERROR;
        }

        b->start = ngx_http_syndication_mem_alloc(&ctx->mem, slcf->bufs.size);
        if (b->start == NULL) {
            return NGX_ERROR;
        }

        b->pos = b->start;
        b->last = b->start;
        b->end = b->start + slcf->bufs.size;
        b->temporary = 1;

        b->tag = (ngx_buf_tag_t) &ngx_http_syndication_filter_module;
        b->recycled = 1;
        ctx->bufs++;
    }

    ctx->out_buf = b;

    return NGX_OK;
}


/* Queue the current output buffer; an empty one only with a flag. */

static ngx_int_t
ngx_http_syndication_emit(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx)
{
    ngx_buf_t    *b, *f;
    ngx_chain_t  *cl;

    b = ctx->out_buf;

    if (b->pos == b->last) {

        if (!b->flush && !b->last_buf) {
            return NGX_OK;
        }

        /*
         * An empty buffer of ours would go back to ctx->free at once while
         * still queued downstream; the flag goes out in a buffer without
         * memory, and ours stays for the next bytes.
         */

        if (b->last_buf || ctx->flush_buf == NULL) {
            f = ngx_calloc_buf(r->pool);
            if (f == NULL) {
                return NGX_ERROR;
            }

            if (b->last_buf) {
                f->last_buf = 1;

            } else {
                f->flush = 1;
                ctx->flush_buf = f;
            }

        } else {
            f = ctx->flush_buf;
        }

        b->flush = 0;
        b->last_buf = 0;
        b = f;

    } else {
        ctx->out_buf = NULL;
    }

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;

    *ctx->last_out = cl;
    ctx->last_out = &cl->next;

    return NGX_OK;
}


/*
 * The stream has finished: remember the source the page named.  A footer
 * counts even when the zone gave this response its source, so that a page
 * that now names another source replaces the stored one; without a
 * footer a source found in the head is remembered, but never replaces a
 * stored one.
 */

static void
ngx_http_syndication_done(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx)
{
    size_t                            len;
    const char                       *source;
    ngx_http_syndication_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);

    /* a credit too long for its buffer was left out: say so */

    if (ctx->stream != NULL && sf_stream_stats(ctx->stream)->inserts_failed) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "syndication filter: %ui insert(s) too long, "
                      "left out",
                      (ngx_uint_t) sf_stream_stats(ctx->stream)
                                   ->inserts_failed);
    }

    if (slcf->learn_zone == NULL || ctx->source_given || ctx->stream == NULL
        || ctx->status != NULL)
    {
        return;
    }

    source = sf_stream_footer_source(ctx->stream, &len);

    if (len == 0) {
        if (ctx->source.len) {
            /* from the zone, and the page said nothing newer */
            return;
        }

        source = sf_stream_source(ctx->stream, &len);

        if (len == 0) {
            return;
        }
    }

    ngx_http_syndication_learn_put(r, slcf, &ctx->learn_key,
                                   (u_char *) source, len);
}


static void
ngx_http_syndication_cleanup(void *data)
{
    ngx_http_syndication_ctx_t  *ctx = data;

    if (ctx->zstarted) {
        (void) inflateEnd(&ctx->zstream);
        ctx->zstarted = 0;
    }

    /* the variables are read in the log phase, before the pool goes */

    ngx_http_syndication_engine_destroy(ctx);
    ngx_http_syndication_mem_release(&ctx->mem);
}


static void
ngx_http_syndication_rules_cleanup(void *data)
{
    sf_rules_destroy(data);
}


/* $syndication_status, also the label of the syndication_stats counters */

const char *
ngx_http_syndication_status(ngx_http_request_t *r)
{
    const char                  *status;
    ngx_http_syndication_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_syndication_filter_module);

    if (ctx == NULL) {
        status = "skipped";

    } else if (ctx->status != NULL) {
        status = ctx->status;

    } else if (ngx_http_syndication_engine_status(ctx) != NULL) {
        status = ngx_http_syndication_engine_status(ctx);

    } else {
        status = "skipped";
    }

    return status;
}


/* the value of a variable for this request only: never cached */

static ngx_int_t
ngx_http_syndication_variable(ngx_http_variable_value_t *v, u_char *data,
    size_t len)
{
    v->len = len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = data;

    return NGX_OK;
}


static ngx_int_t
ngx_http_syndication_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char  *status;

    status = ngx_http_syndication_status(r);

    return ngx_http_syndication_variable(v, (u_char *) status,
                                         ngx_strlen(status));
}


static ngx_int_t
ngx_http_syndication_removed_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                      *p;
    ngx_uint_t                   n;
    ngx_http_syndication_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_syndication_filter_module);

    n = 0;

    if (ctx != NULL) {
        n = ngx_http_syndication_engine_removed(ctx);
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    return ngx_http_syndication_variable(v, p, ngx_sprintf(p, "%ui", n) - p);
}


static ngx_int_t
ngx_http_syndication_source_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    size_t                       len;
    const char                  *source;
    ngx_http_syndication_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_syndication_filter_module);

    source = "";
    len = 0;

    if (ctx != NULL) {
        if (ctx->stream != NULL) {
            source = sf_stream_source(ctx->stream, &len);

        } else if (ctx->source.len) {
            source = (const char *) ctx->source.data;
            len = ctx->source.len;
        }
    }

    return ngx_http_syndication_variable(v, (u_char *) source, len);
}


static ngx_int_t
ngx_http_syndication_version_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    v->len = sizeof(SF_VERSION) - 1;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = (u_char *) SF_VERSION;

    return NGX_OK;
}


/*
 * syndication_rules FILE: the file is read and checked here, so that an
 * error points at both the rule file and this directive; the rules are
 * compiled with the built-in pack when the configuration is merged.
 */

static char *
ngx_http_syndication_rules(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_syndication_loc_conf_t *slcf = conf;

    ngx_str_t                          *value;
    sf_error_t                          err;
    sf_limits_t                         limits;
    sf_rules_t                         *rules;
    ngx_http_syndication_rules_file_t  *file;

    value = cf->args->elts;

    if (slcf->rules_files == NGX_CONF_UNSET_PTR) {
        slcf->rules_files = ngx_array_create(cf->pool, 2,
                                 sizeof(ngx_http_syndication_rules_file_t));
        if (slcf->rules_files == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    file = ngx_array_push(slcf->rules_files);
    if (file == NULL) {
        return NGX_CONF_ERROR;
    }

    file->name = value[1];

    if (ngx_conf_full_name(cf->cycle, &file->name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_syndication_read_file(cf, &file->name, &file->text)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    sf_limits_init(&limits);

    rules = sf_rules_create(&sf_malloc_allocator, &limits);
    if (rules == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&err, sizeof(sf_error_t));

    if (sf_rules_add(rules, (const char *) file->text.data, file->text.len,
                     &err)
        != SF_OK)
    {
        sf_rules_destroy(rules);
        err.message[sizeof(err.message) - 1] = '\0';
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%V:%ud:%ud: %s",
                           &file->name, err.line, err.column, err.message);
        return NGX_CONF_ERROR;
    }

    sf_rules_destroy(rules);

    ngx_http_syndication_lint(cf, &file->name, &file->text);

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_syndication_read_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *text)
{
    ssize_t          n;
    ngx_fd_t         fd;
    ngx_int_t        rc;
    ngx_file_info_t  fi;

    rc = NGX_ERROR;

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", name);
        return NGX_ERROR;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", name);
        goto failed;
    }

    text->len = (size_t) ngx_file_size(&fi);

    /* one more byte: the engine may be handed a NUL-terminated text */
    text->data = ngx_pnalloc(cf->pool, text->len + 1);
    if (text->data == NULL) {
        goto failed;
    }

    n = ngx_read_fd(fd, text->data, text->len);

    if (n == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_read_fd_n " \"%V\" failed", name);
        goto failed;
    }

    if ((size_t) n != text->len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           ngx_read_fd_n " \"%V\" returned only %z bytes",
                           name, n);
        goto failed;
    }

    text->data[text->len] = '\0';
    rc = NGX_OK;

failed:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", name);
    }

    return rc;
}


/*
 * Compile the rules of one level (the built-in pack unless switched off,
 * then its files) once; every level that inherits them shares the result.
 */

static ngx_int_t
ngx_http_syndication_compile(ngx_conf_t *cf,
    ngx_http_syndication_loc_conf_t *owner)
{
    ngx_uint_t                          i;
    sf_error_t                          err;
    sf_limits_t                         limits;
    sf_rules_t                         *rules;
    ngx_pool_cleanup_t                 *cln;
    ngx_http_syndication_rules_file_t  *file;

    if (owner->rules != NULL) {
        return NGX_OK;
    }

    ngx_http_syndication_limits(
        ngx_http_conf_get_module_main_conf(cf,
                                           ngx_http_syndication_filter_module),
        &limits);

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    /* malloc, freed with the configuration: PCRE2 JIT code included */

    rules = sf_rules_create(&sf_malloc_allocator, &limits);
    if (rules == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "syndication rules: sf_rules_create() failed");
        return NGX_ERROR;
    }

    cln->handler = ngx_http_syndication_rules_cleanup;
    cln->data = rules;

    ngx_memzero(&err, sizeof(sf_error_t));

    if (owner->builtin != 0) {
        if (sf_rules_add_builtin(rules, &err) != SF_OK) {
            err.message[sizeof(err.message) - 1] = '\0';
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "built-in syndication rules:%ud:%ud: %s",
                               err.line, err.column, err.message);
            return NGX_ERROR;
        }
    }

    if (owner->rules_files != NGX_CONF_UNSET_PTR
        && owner->rules_files != NULL)
    {
        file = owner->rules_files->elts;

        for (i = 0; i < owner->rules_files->nelts; i++) {
            if (sf_rules_add(rules, (const char *) file[i].text.data,
                             file[i].text.len, &err)
                != SF_OK)
            {
                err.message[sizeof(err.message) - 1] = '\0';
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%V:%ud:%ud: %s",
                                   &file[i].name, err.line, err.column,
                                   err.message);
                return NGX_ERROR;
            }
        }
    }

    if (sf_rules_compile(rules, &err) != SF_OK) {
        err.message[sizeof(err.message) - 1] = '\0';
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "syndication rules: %s", err.message);
        return NGX_ERROR;
    }

    owner->rules = rules;

    return NGX_OK;
}


static ngx_int_t
ngx_http_syndication_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_syndication_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static void *
ngx_http_syndication_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_syndication_main_conf_t  *smcf;

    smcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_syndication_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     smcf->stats_zone = NULL;
     *     smcf->mem_cache = NULL;
     */

    smcf->profile = NGX_CONF_UNSET_UINT;

    return smcf;
}


static char *
ngx_http_syndication_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_syndication_main_conf_t *smcf = conf;

    ngx_conf_init_uint_value(smcf->profile, NGX_HTTP_SYNDICATION_DEFAULT);

    return NGX_CONF_OK;
}


/*
 * The engine's limits of the profile: the rules are compiled with them
 * (the router profile's smaller phrase table, no JIT), every stream
 * starts from them, and syndication_max_holdback defaults to theirs.
 */

void
ngx_http_syndication_limits(ngx_http_syndication_main_conf_t *smcf,
    sf_limits_t *limits)
{
    if (smcf->profile == NGX_HTTP_SYNDICATION_ROUTER) {
        sf_limits_router(limits);

    } else {
        sf_limits_init(limits);
    }
}


static void *
ngx_http_syndication_create_conf(ngx_conf_t *cf)
{
    ngx_http_syndication_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_syndication_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->types = { NULL };
     *     conf->types_keys = NULL;
     *     conf->bufs = { 0, 0 };
     *     conf->rules_owner = NULL;
     *     conf->rules = NULL;
     *     conf->source = NULL;
     *     conf->page_host = NULL;
     *     conf->credit = { 0, NULL };
     *     conf->learn_zone = NULL;
     *     conf->learn_key = NULL;
     *     conf->enable_file = { 0, NULL };
     *     conf->enable_line = 0;
     *     conf->learn_ttl = 0;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->builtin = NGX_CONF_UNSET;
    conf->attribution = NGX_CONF_UNSET;
    conf->noindex = NGX_CONF_UNSET;
    conf->last_modified = NGX_CONF_UNSET;
    conf->bypass = NGX_CONF_UNSET_PTR;
    conf->mode = NGX_CONF_UNSET_UINT;
    conf->max_holdback = NGX_CONF_UNSET_SIZE;
    conf->max_inflated = NGX_CONF_UNSET_SIZE;
    conf->rules_files = NGX_CONF_UNSET_PTR;

    return conf;
}


static char *
ngx_http_syndication_merge_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_syndication_loc_conf_t *prev = parent;
    ngx_http_syndication_loc_conf_t *conf = child;

    size_t                             size;
    ngx_flag_t                         inherit;
    sf_limits_t                        limits;
    ngx_http_syndication_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                         ngx_http_syndication_filter_module);

    ngx_http_syndication_limits(smcf, &limits);

    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable_file = prev->enable_file;
        conf->enable_line = prev->enable_line;
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->attribution, prev->attribution, 1);
    ngx_conf_merge_value(conf->noindex, prev->noindex, 0);
    ngx_conf_merge_value(conf->last_modified, prev->last_modified, 0);
    ngx_conf_merge_ptr_value(conf->bypass, prev->bypass, NULL);
    ngx_conf_merge_uint_value(conf->mode, prev->mode,
                              NGX_HTTP_SYNDICATION_REWRITE);
    ngx_conf_merge_size_value(conf->max_holdback, prev->max_holdback,
                              limits.max_holdback);
    ngx_conf_merge_size_value(conf->max_inflated, prev->max_inflated,
                              64 * 1024 * 1024);

    /*
     * nginx's output_buffers default: a buffering proxy passes 8 KiB at a
     * time, so smaller buffers mean a write per buffer (README); the
     * router profile keeps 2 16k, its streams take 16 KB
     */

    size = (smcf->profile == NGX_HTTP_SYNDICATION_ROUTER) ? 16384 : 32768;

    ngx_conf_merge_bufs_value(conf->bufs, prev->bufs, 2, size);

    if (ngx_http_merge_types(cf, &conf->types_keys, &conf->types,
                             &prev->types_keys, &prev->types,
                             ngx_http_syndication_default_types)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->source == NULL) {
        conf->source = prev->source;
    }

    if (conf->page_host == NULL) {
        conf->page_host = prev->page_host;
    }

    if (conf->credit.data == NULL) {
        conf->credit = prev->credit;
    }

    if (conf->learn_zone == NULL) {
        conf->learn_zone = prev->learn_zone;
        conf->learn_key = prev->learn_key;
        conf->learn_ttl = prev->learn_ttl;
    }

    inherit = (conf->rules_files == NGX_CONF_UNSET_PTR
               && conf->builtin == NGX_CONF_UNSET);

    ngx_conf_merge_ptr_value(conf->rules_files, prev->rules_files, NULL);

    /* the http level is never merged itself: its unset flag means "on" */
    ngx_conf_merge_value(conf->builtin, prev->builtin, 1);

    if (prev->builtin == NGX_CONF_UNSET) {
        prev->builtin = 1;
    }

    if (inherit) {
        conf->rules_owner = prev->rules_owner ? prev->rules_owner : prev;

    } else {
        conf->rules_owner = conf;
    }

    if (conf->enable) {
        if (ngx_http_syndication_check_sub_filter(cf, conf) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        if (ngx_http_syndication_compile(cf, conf->rules_owner) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        conf->rules = conf->rules_owner->rules;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_syndication_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_syndication_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_syndication_body_filter;

    return ngx_http_syndication_stats_init(cf);
}
