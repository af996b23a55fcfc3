
/*
 * ngx_http_syndication.h: types shared by the files of the syndication
 * filter module (directives and filters, inflate, learned sources).
 * The engine is reached only through src/sf.h.
 */


#ifndef _NGX_HTTP_SYNDICATION_H_INCLUDED_
#define _NGX_HTTP_SYNDICATION_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <zlib.h>

#include "sf.h"
#include "sf_version.h"


#define NGX_HTTP_SYNDICATION_REWRITE   0
#define NGX_HTTP_SYNDICATION_REPORT    1

/* syndication_profile */
#define NGX_HTTP_SYNDICATION_DEFAULT   0
#define NGX_HTTP_SYNDICATION_ROUTER    1

#define NGX_HTTP_SYNDICATION_MAX_URL   2048


typedef struct ngx_http_syndication_loc_conf_s  ngx_http_syndication_loc_conf_t;

struct ngx_http_syndication_loc_conf_s {
    ngx_flag_t                   enable;
    ngx_flag_t                   builtin;
    ngx_flag_t                   attribution;
    ngx_flag_t                   noindex;
    ngx_flag_t                   last_modified;
    ngx_uint_t                   mode;

    /* where "syndication_filter" was set, for the sub_filter check */
    ngx_str_t                    enable_file;
    ngx_uint_t                   enable_line;

    ngx_array_t                 *bypass;    /* syndication_bypass */

    size_t                       max_holdback;
    size_t                       max_inflated;
    ngx_bufs_t                   bufs;

    ngx_hash_t                   types;
    ngx_array_t                 *types_keys;

    /* rule file texts of this level, NGX_CONF_UNSET_PTR: inherited */
    ngx_array_t                 *rules_files;

    /* the level whose rule settings apply here; compiled once, lazily */
    ngx_http_syndication_loc_conf_t  *rules_owner;
    sf_rules_t                  *rules;

    /* of the rules owner: the decision scratch this worker's streams of
       its rules share, made at the first response */
    sf_scratch_t                *scratch;

    ngx_http_complex_value_t    *source;
    ngx_http_complex_value_t    *page_host;

    /* syndication_credit in the engine's syntax; data NULL: unset */
    ngx_str_t                    credit;

    ngx_shm_zone_t              *learn_zone;
    ngx_http_complex_value_t    *learn_key;
    time_t                       learn_ttl;
};


typedef struct ngx_http_syndication_block_s  ngx_http_syndication_block_t;
typedef struct ngx_http_syndication_mem_cache_s
    ngx_http_syndication_mem_cache_t;


typedef struct {
    ngx_shm_zone_t              *stats_zone;    /* syndication_stats */
    ngx_uint_t                   profile;       /* syndication_profile */

    /* the worker's free response memory, made at its first response */
    ngx_http_syndication_mem_cache_t  *mem_cache;
} ngx_http_syndication_main_conf_t;


/*
 * the large blocks of one response: the engine's, the output buffers,
 * zlib's (ngx_http_syndication_mem.c)
 */
typedef struct {
    ngx_pool_t                        *pool;
    ngx_http_syndication_mem_cache_t  *cache;
    ngx_http_syndication_block_t      *blocks;  /* in use */
} ngx_http_syndication_mem_t;


typedef struct {
    ngx_str_t                    name;      /* as given, for messages */
    ngx_str_t                    text;
} ngx_http_syndication_rules_file_t;


typedef struct {
    sf_stream_t                 *stream;
    sf_feed_t                   *feed;      /* an XML type: instead */
    ngx_http_syndication_mem_t   mem;       /* what either allocated */
    const char                  *status;    /* overrides the engine's */
    ngx_str_t                    source;    /* known at header time */
    ngx_str_t                    learn_key;

    /* input: the copied upstream chain and the buffer being consumed */
    ngx_chain_t                 *in;
    ngx_buf_t                   *in_buf;
    unsigned                     last_flags;    /* of a used-up in_buf */

    /* engine input when inflating: bytes of zbuf not yet fed */
    u_char                      *zbuf;
    size_t                       zbuf_size;
    u_char                      *next;
    size_t                       avail;
    z_stream                     zstream;
    off_t                        inflated;
    u_char                       zhead[2];  /* deflate: format sniffing */
    ngx_uint_t                   nzhead;

    /* output: a fixed set of buffers, as in the gunzip filter */
    ngx_chain_t                 *free;
    ngx_chain_t                 *busy;
    ngx_chain_t                 *out;
    ngx_chain_t                **last_out;
    ngx_buf_t                   *out_buf;
    ngx_buf_t                   *flush_buf;     /* empty, flush set */
    ngx_int_t                    bufs;
    ngx_uint_t                   rule_removed;  /* decisions with an id */

    unsigned                     inflate:2;     /* 0, GZIP, DEFLATE */
    unsigned                     zstarted:1;
    unsigned                     zdone:1;
    unsigned                     zfull:1;       /* zbuf was filled */
    unsigned                     flush:1;       /* SF_FLUSH pending */
    unsigned                     finish:1;      /* SF_FINISH pending */
    unsigned                     done:1;
    unsigned                     filtered:1;
    unsigned                     broken:1;      /* cut after the flush */
    unsigned                     source_given:1;    /* not from the zone */
    unsigned                     pending:1;     /* engine output waits */
} ngx_http_syndication_ctx_t;


#define NGX_HTTP_SYNDICATION_GZIP      1
#define NGX_HTTP_SYNDICATION_DEFLATE   2


typedef ngx_int_t (*ngx_http_syndication_elt_pt)(void *elt, void *data);


void ngx_http_syndication_mem_init(ngx_http_request_t *r,
    ngx_http_syndication_mem_t *mem);
void *ngx_http_syndication_mem_alloc(void *data, size_t size);
void ngx_http_syndication_mem_release(ngx_http_syndication_mem_t *mem);

ngx_int_t ngx_http_syndication_inflate_init(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx);
ngx_int_t ngx_http_syndication_inflate(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx);

char *ngx_http_syndication_learn(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_syndication_learn_get(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_str_t *key, ngx_str_t *url);
void ngx_http_syndication_learn_put(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_str_t *key, u_char *url,
    size_t len);
void ngx_http_syndication_learn_save(ngx_cycle_t *cycle);

const char *ngx_http_syndication_status(ngx_http_request_t *r);

char *ngx_http_syndication_filter_flag(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_syndication_check_sub_filter(ngx_conf_t *cf,
    ngx_http_syndication_loc_conf_t *slcf);

ngx_int_t ngx_http_syndication_bypass(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf);

void ngx_http_syndication_lint(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *text);

char *ngx_http_syndication_stats(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_syndication_stats_init(ngx_conf_t *cf);
void ngx_http_syndication_stats_decision(ngx_http_request_t *r,
    const sf_decision_t *decision);

ngx_int_t ngx_http_syndication_link(ngx_http_request_t *r, u_char *url,
    size_t len);
ngx_int_t ngx_http_syndication_list_each(ngx_list_t *list,
    ngx_http_syndication_elt_pt handler, void *data);
ngx_uint_t ngx_http_syndication_header_is(ngx_table_elt_t *h, char *name);
ngx_int_t ngx_http_syndication_add_header(ngx_http_request_t *r, char *key,
    ngx_str_t *value);

void ngx_http_syndication_log_value(ngx_pool_t *pool, ngx_str_t *value,
    ngx_str_t *out);

extern ngx_str_t  ngx_http_syndication_default_types[];

void ngx_http_syndication_limits(ngx_http_syndication_main_conf_t *smcf,
    sf_limits_t *limits);
ngx_int_t ngx_http_syndication_engine_create(ngx_http_request_t *r,
    ngx_http_syndication_ctx_t *ctx, sf_rules_t *rules,
    sf_options_t *options, sf_allocator_t *alloc);
int ngx_http_syndication_engine_feed(ngx_http_syndication_ctx_t *ctx,
    sf_io_t *io, unsigned flags);
const char *ngx_http_syndication_engine_status(
    ngx_http_syndication_ctx_t *ctx);
ngx_uint_t ngx_http_syndication_engine_removed(
    ngx_http_syndication_ctx_t *ctx);
void ngx_http_syndication_engine_destroy(ngx_http_syndication_ctx_t *ctx);
char *ngx_http_syndication_credit(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


extern ngx_module_t  ngx_http_syndication_filter_module;


#endif /* _NGX_HTTP_SYNDICATION_H_INCLUDED_ */
