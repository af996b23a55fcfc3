
/*
 * ngx_http_syndication_conflict.c: "nginx -t" refuses sub_filter and
 * syndication_filter in one location.
 *
 * Both filters keep the request open with the same r->buffered bit,
 * NGX_HTTP_SUB_BUFFERED (nginx has no free bit for third-party filters),
 * and each may clear it while the other still holds bytes, so the
 * response could be finalized before they are sent.
 *
 * sub_filter's configuration is private to its module.  Its leading
 * fields have been { dynamic, pairs } since nginx 1.9.4, and pairs is
 * non-NULL in every location where sub_filter applies, set there or
 * inherited (its merge copies the parent's).  The check reads only that
 * field, after sub_filter's own merge: modules are merged in module
 * order, and ours comes after the built-in sub module, as a dynamic
 * module or as an addon filter placed before the copy filter.
 */


#include "ngx_http_syndication.h"


typedef struct {
    ngx_uint_t                   dynamic;
    ngx_array_t                 *pairs;
} ngx_http_syndication_sub_conf_head_t;


/* syndication_filter on|off, remembering where it was set */

char *
ngx_http_syndication_filter_flag(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_syndication_loc_conf_t *slcf = conf;

    char  *rv;

    rv = ngx_conf_set_flag_slot(cf, cmd, conf);

    if (rv == NGX_CONF_OK) {
        slcf->enable_file = cf->conf_file->file.name;
        slcf->enable_line = cf->conf_file->line;
    }

    return rv;
}


/* called from the merge of a level where syndication_filter is on */

ngx_int_t
ngx_http_syndication_check_sub_filter(ngx_conf_t *cf,
    ngx_http_syndication_loc_conf_t *slcf)
{
#if (nginx_version >= 1009004)

    ngx_uint_t                             i;
    ngx_module_t                          *m;
    ngx_http_conf_ctx_t                   *ctx;
    ngx_http_core_loc_conf_t              *clcf;
    ngx_http_syndication_sub_conf_head_t  *sub;

    m = NULL;

    for (i = 0; cf->cycle->modules[i]; i++) {
        if (cf->cycle->modules[i]->type == NGX_HTTP_MODULE
            && ngx_strcmp(cf->cycle->modules[i]->name,
                          "ngx_http_sub_filter_module")
               == 0)
        {
            m = cf->cycle->modules[i];
            break;
        }
    }

    /* no sub module, or not merged yet (never seen): nothing to check */

    if (m == NULL
        || m->ctx_index >= ngx_http_syndication_filter_module.ctx_index)
    {
        return NGX_OK;
    }

    /* during a merge, cf->ctx holds the configurations of the level */

    ctx = cf->ctx;
    sub = ctx->loc_conf[m->ctx_index];

    if (sub == NULL || sub->pairs == NULL) {
        return NGX_OK;
    }

    clcf = ctx->loc_conf[ngx_http_core_module.ctx_index];

    ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                  "\"sub_filter\" and \"syndication_filter on\" "
                  "(%V:%ui) cannot be used in the same %s%s%V%s: "
                  "both hold the response with NGX_HTTP_SUB_BUFFERED; "
                  "run sub_filter in another proxy layer",
                  &slcf->enable_file, slcf->enable_line,
                  clcf->name.len ? "location" : "server",
                  clcf->name.len ? " \"" : "", &clcf->name,
                  clcf->name.len ? "\"" : "");

    return NGX_ERROR;

#else

    return NGX_OK;

#endif
}
