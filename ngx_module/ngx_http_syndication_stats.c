
/*
 * ngx_http_syndication_stats.c: counters of the filter in shared memory,
 * and the syndication_stats handler that prints them in the Prometheus
 * text exposition format.
 *
 * The zone exists when "syndication_stats" appears anywhere in the http
 * block; then every response of a location with syndication_filter on is
 * counted once, in the log phase, by its $syndication_status, and every
 * block a rule removed is counted by the rule's id.  Counters are atomic
 * adds; only a rule id seen for the first time takes the zone's mutex.
 * The zone keeps its counters across reloads (same name, same size).
 */


#include "ngx_http_syndication.h"


#define NGX_HTTP_SYNDICATION_STATS_RULES    256
#define NGX_HTTP_SYNDICATION_STATS_ID       64


/* the values of $syndication_status; anything new counts as "other" */

static const char  *ngx_http_syndication_stats_status[] = {
    "rewritten",
    "unchanged",
    "reported",
    "passthrough:holdback",
    "passthrough:text",
    "passthrough:regex",
    "passthrough:depth",
    "passthrough:encoding",
    "bypassed",
    "skipped",
    "error",
    "error:create",
    "other"
};

#define NGX_HTTP_SYNDICATION_STATS_NSTATUS                                  \
    (sizeof(ngx_http_syndication_stats_status) / sizeof(const char *))


typedef struct {
    ngx_atomic_t                 removed;       /* rewrite mode */
    ngx_atomic_t                 reported;      /* report mode: would be */
    u_char                       len;
    u_char                       id[NGX_HTTP_SYNDICATION_STATS_ID - 1];
} ngx_http_syndication_stats_rule_t;


typedef struct {
    ngx_atomic_t                 responses[NGX_HTTP_SYNDICATION_STATS_NSTATUS];
    ngx_atomic_t                 bytes_in;
    ngx_atomic_t                 bytes_out;
    ngx_atomic_t                 blocks_unnamed;    /* by a detector */
    ngx_atomic_t                 rules_overflow;    /* table was full */
    ngx_atomic_t                 learned;
    ngx_atomic_t                 nrules;
    ngx_http_syndication_stats_rule_t
                                 rules[NGX_HTTP_SYNDICATION_STATS_RULES];
} ngx_http_syndication_stats_sh_t;


static ngx_int_t ngx_http_syndication_stats_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static ngx_int_t ngx_http_syndication_stats_log(ngx_http_request_t *r);
static ngx_int_t ngx_http_syndication_stats_handler(ngx_http_request_t *r);
static ngx_http_syndication_stats_sh_t *ngx_http_syndication_stats_sh(
    ngx_http_request_t *r);
static u_char *ngx_http_syndication_stats_head(u_char *p, char *name,
    char *help);
static u_char *ngx_http_syndication_stats_counter(u_char *p, char *name,
    char *help, ngx_atomic_uint_t value);
static u_char *ngx_http_syndication_stats_by_rule(u_char *p,
    ngx_http_syndication_stats_sh_t *sh, ngx_uint_t n, char *name,
    char *help, ngx_uint_t reported);


static ngx_str_t  ngx_http_syndication_stats_zone_name =
    ngx_string("syndication_stats");


/* syndication_stats; in a location: the handler, and the zone */

char *
ngx_http_syndication_stats(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    size_t                             size;
    ngx_http_core_loc_conf_t          *clcf;
    ngx_http_syndication_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                          ngx_http_syndication_filter_module);

    if (smcf->stats_zone == NULL) {
        size = ngx_align(sizeof(ngx_http_syndication_stats_sh_t),
                         ngx_pagesize)
               + 8 * ngx_pagesize;

        /*
         * A tag of its own: a syndication_learn zone given the same name is
         * then refused by nginx ("already declared for a different use")
         * instead of sharing the memory.
         */
        smcf->stats_zone = ngx_shared_memory_add(cf,
                                  &ngx_http_syndication_stats_zone_name, size,
                                  &ngx_http_syndication_stats_zone_name);
        if (smcf->stats_zone == NULL) {
            return NGX_CONF_ERROR;
        }

        smcf->stats_zone->init = ngx_http_syndication_stats_init_zone;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_syndication_stats_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_syndication_stats_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_slab_pool_t                  *shpool;
    ngx_http_syndication_stats_sh_t  *sh;

    if (data) {
        /* a reload: the counters go on */
        shm_zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        shm_zone->data = shpool->data;
        return NGX_OK;
    }

    sh = ngx_slab_calloc(shpool, sizeof(ngx_http_syndication_stats_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    shpool->data = sh;
    shm_zone->data = sh;

    return NGX_OK;
}


/* postconfiguration: count in the log phase when there is a zone */

ngx_int_t
ngx_http_syndication_stats_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt               *h;
    ngx_http_core_main_conf_t         *cmcf;
    ngx_http_syndication_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                          ngx_http_syndication_filter_module);

    if (smcf->stats_zone == NULL) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_syndication_stats_log;

    return NGX_OK;
}


static ngx_http_syndication_stats_sh_t *
ngx_http_syndication_stats_sh(ngx_http_request_t *r)
{
    ngx_http_syndication_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_syndication_filter_module);

    if (smcf->stats_zone == NULL) {
        return NULL;
    }

    return smcf->stats_zone->data;
}


/* one decision of the engine: a block a rule removed (or would remove) */

void
ngx_http_syndication_stats_decision(ngx_http_request_t *r,
    const sf_decision_t *decision)
{
    size_t                              len;
    ngx_uint_t                          i, n, report;
    ngx_slab_pool_t                    *shpool;
    ngx_http_syndication_ctx_t         *ctx;
    ngx_http_syndication_stats_sh_t    *sh;
    ngx_http_syndication_stats_rule_t  *rule;
    ngx_http_syndication_main_conf_t   *smcf;
    ngx_http_syndication_loc_conf_t    *slcf;

    sh = ngx_http_syndication_stats_sh(r);

    if (sh == NULL || decision->rule_id == NULL || decision->action == NULL
        || ngx_strncmp(decision->action, "keep", 4) == 0)
    {
        return;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_syndication_filter_module);
    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);
    report = (slcf->mode == NGX_HTTP_SYNDICATION_REPORT);

    if (ctx != NULL && !report) {
        ctx->rule_removed++;
    }

    len = ngx_strlen(decision->rule_id);
    len = ngx_min(len, NGX_HTTP_SYNDICATION_STATS_ID - 1);

    /* entries are written once, under the mutex, before nrules grows */

    rule = NULL;
    n = sh->nrules;

    for (i = 0; i < n; i++) {
        if (sh->rules[i].len == len
            && ngx_memcmp(sh->rules[i].id, decision->rule_id, len) == 0)
        {
            rule = &sh->rules[i];
            break;
        }
    }

    if (rule == NULL) {
        smcf = ngx_http_get_module_main_conf(r,
                                           ngx_http_syndication_filter_module);
        shpool = (ngx_slab_pool_t *) smcf->stats_zone->shm.addr;

        ngx_shmtx_lock(&shpool->mutex);

        for (i = 0; i < sh->nrules; i++) {
            if (sh->rules[i].len == len
                && ngx_memcmp(sh->rules[i].id, decision->rule_id, len) == 0)
            {
                rule = &sh->rules[i];
                break;
            }
        }

        if (rule == NULL && sh->nrules < NGX_HTTP_SYNDICATION_STATS_RULES) {
            rule = &sh->rules[sh->nrules];
            ngx_memcpy(rule->id, decision->rule_id, len);
            rule->len = (u_char) len;
            ngx_memory_barrier();
            sh->nrules++;
        }

        ngx_shmtx_unlock(&shpool->mutex);
    }

    if (rule == NULL) {
        (void) ngx_atomic_fetch_add(&sh->rules_overflow, 1);
        return;
    }

    (void) ngx_atomic_fetch_add(report ? &rule->reported : &rule->removed, 1);
}


/* the log phase: one count per response of a location with the filter on */

static ngx_int_t
ngx_http_syndication_stats_log(ngx_http_request_t *r)
{
    size_t                            len;
    ngx_uint_t                        i, removed;
    const char                       *status;
    const sf_stats_t                 *st;
    ngx_http_syndication_ctx_t       *ctx;
    ngx_http_syndication_stats_sh_t  *sh;
    ngx_http_syndication_loc_conf_t  *slcf;

    sh = ngx_http_syndication_stats_sh(r);

    if (sh == NULL) {
        return NGX_OK;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_syndication_filter_module);
    slcf = ngx_http_get_module_loc_conf(r, ngx_http_syndication_filter_module);

    if (ctx == NULL && !slcf->enable) {
        return NGX_OK;
    }

    status = ngx_http_syndication_status(r);

    for (i = 0; i < NGX_HTTP_SYNDICATION_STATS_NSTATUS - 1; i++) {
        if (ngx_strcmp(status, ngx_http_syndication_stats_status[i]) == 0) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&sh->responses[i], 1);

    if (ctx == NULL || ctx->stream == NULL) {
        return NGX_OK;
    }

    st = sf_stream_stats(ctx->stream);

    (void) ngx_atomic_fetch_add(&sh->bytes_in, st->bytes_in);
    (void) ngx_atomic_fetch_add(&sh->bytes_out, st->bytes_out);

    if (slcf->mode != NGX_HTTP_SYNDICATION_REPORT) {
        removed = st->blocks_removed;

        if (removed > ctx->rule_removed) {
            (void) ngx_atomic_fetch_add(&sh->blocks_unnamed,
                                        removed - ctx->rule_removed);
        }
    }

    /* a source the page itself gave, not known before the body */

    if (ctx->source.len == 0) {
        (void) sf_stream_source(ctx->stream, &len);

        if (len) {
            (void) ngx_atomic_fetch_add(&sh->learned, 1);
        }
    }

    return NGX_OK;
}


/* the HELP and TYPE lines of a counter */

static u_char *
ngx_http_syndication_stats_head(u_char *p, char *name, char *help)
{
    return ngx_sprintf(p, "# HELP %s %s\n# TYPE %s counter\n",
                       name, help, name);
}


/* a counter without labels */

static u_char *
ngx_http_syndication_stats_counter(u_char *p, char *name, char *help,
    ngx_atomic_uint_t value)
{
    p = ngx_http_syndication_stats_head(p, name, help);

    return ngx_sprintf(p, "%s %uA\n", name, value);
}


/* a counter by rule id: blocks removed, or reported (would be removed) */

static u_char *
ngx_http_syndication_stats_by_rule(u_char *p,
    ngx_http_syndication_stats_sh_t *sh, ngx_uint_t n, char *name,
    char *help, ngx_uint_t reported)
{
    ngx_uint_t                          i;
    ngx_http_syndication_stats_rule_t  *rule;

    p = ngx_http_syndication_stats_head(p, name, help);

    for (i = 0; i < n; i++) {
        rule = &sh->rules[i];
        p = ngx_sprintf(p, "%s{rule=\"%*s\"} %uA\n", name,
                        (size_t) rule->len, rule->id,
                        reported ? rule->reported : rule->removed);
    }

    return p;
}


static ngx_int_t
ngx_http_syndication_stats_handler(ngx_http_request_t *r)
{
    size_t                            size;
    ngx_int_t                         rc;
    ngx_uint_t                        i, n;
    ngx_buf_t                        *b;
    ngx_chain_t                       out;
    ngx_http_syndication_stats_sh_t  *sh;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    sh = ngx_http_syndication_stats_sh(r);

    if (sh == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = sizeof("text/plain") - 1;
    r->headers_out.content_type_lowcase = NULL;

    n = sh->nrules;
    ngx_memory_barrier();

    /* fixed text, one line per status, two lines per rule */

    size = 4096
           + NGX_HTTP_SYNDICATION_STATS_NSTATUS * (64 + NGX_ATOMIC_T_LEN)
           + n * 2 * (64 + NGX_HTTP_SYNDICATION_STATS_ID + NGX_ATOMIC_T_LEN);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last,
        "# HELP syndication_info The syndication filter module.\n"
        "# TYPE syndication_info gauge\n"
        "syndication_info{version=\"%s\"} 1\n", SF_VERSION);

    b->last = ngx_http_syndication_stats_head(b->last,
        "syndication_responses_total",
        "Responses of locations with syndication_filter on, "
        "by $syndication_status.");

    for (i = 0; i < NGX_HTTP_SYNDICATION_STATS_NSTATUS; i++) {
        b->last = ngx_sprintf(b->last,
                              "syndication_responses_total{status=\"%s\"} "
                              "%uA\n",
                              ngx_http_syndication_stats_status[i],
                              sh->responses[i]);
    }

    b->last = ngx_http_syndication_stats_counter(b->last,
        "syndication_bytes_in_total",
        "Body bytes the filter took in (after inflating).", sh->bytes_in);

    b->last = ngx_http_syndication_stats_counter(b->last,
        "syndication_bytes_out_total", "Body bytes the filter gave out.",
        sh->bytes_out);

    b->last = ngx_http_syndication_stats_by_rule(b->last, sh, n,
        "syndication_blocks_removed_total",
        "Blocks removed, by the rule that removed them "
        "(rule=\"\": a built-in detector).", 0);

    b->last = ngx_sprintf(b->last,
                          "syndication_blocks_removed_total{rule=\"\"} %uA\n",
                          sh->blocks_unnamed);

    b->last = ngx_http_syndication_stats_by_rule(b->last, sh, n,
        "syndication_blocks_reported_total",
        "Blocks a rule would remove, in syndication_mode report.", 1);

    b->last = ngx_http_syndication_stats_counter(b->last,
        "syndication_rule_ids_dropped_total",
        "Decisions not counted by rule: more than 256 rule ids seen.",
        sh->rules_overflow);

    b->last = ngx_http_syndication_stats_counter(b->last,
        "syndication_sources_learned_total",
        "Responses whose source came from the page itself "
        "(footer, head), not known before the body.", sh->learned);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
