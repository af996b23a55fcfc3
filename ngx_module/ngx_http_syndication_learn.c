
/*
 * ngx_http_syndication_learn.c: sources learned from footers, kept in a
 * shared memory zone so that the next response for the same page gets the
 * canonical in its head and in a Link header.  A red-black tree keyed by
 * the page key and an LRU queue: when the zone is full the least recently
 * used entries make room.  The zone survives reloads; an entry lives for
 * the ttl= of the directive (a day by default) after the page last named
 * it, and a page that names another source replaces it.  Keys longer than
 * NGX_HTTP_SYNDICATION_LEARN_KEY are not stored: a free-form URI must not
 * flush the zone.
 */


#include "ngx_http_syndication.h"


#define NGX_HTTP_SYNDICATION_LEARN_KEY  2048


typedef struct {
    ngx_rbtree_node_t                 node;
    ngx_queue_t                       queue;
    time_t                            expire;
    u_short                           key_len;
    u_short                           url_len;
    u_char                            data[1];  /* key, then URL */
} ngx_http_syndication_learn_node_t;


typedef struct {
    ngx_rbtree_t                      rbtree;
    ngx_rbtree_node_t                 sentinel;
    ngx_queue_t                       queue;
} ngx_http_syndication_learn_shctx_t;


typedef struct {
    ngx_http_syndication_learn_shctx_t  *sh;
    ngx_slab_pool_t                     *shpool;
} ngx_http_syndication_learn_ctx_t;


static ngx_int_t ngx_http_syndication_learn_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static void ngx_http_syndication_learn_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static ngx_http_syndication_learn_node_t *
    ngx_http_syndication_learn_lookup(ngx_http_syndication_learn_ctx_t *ctx,
    ngx_str_t *key, uint32_t hash);


/* syndication_learn zone=NAME:SIZE [key=VALUE] [ttl=TIME]; */

char *
ngx_http_syndication_learn(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_syndication_loc_conf_t *slcf = conf;

    u_char                            *p;
    ssize_t                            size;
    time_t                             ttl;
    ngx_str_t                         *value, name, s, key;
    ngx_uint_t                         i;
    ngx_shm_zone_t                    *shm_zone;
    ngx_http_syndication_learn_ctx_t  *ctx;
    ngx_http_compile_complex_value_t   ccv;

    if (slcf->learn_zone != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ngx_str_null(&name);
    ngx_str_set(&key, "$scheme://$host$request_uri");
    size = 0;
    ttl = 86400;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {

            name.data = value[i].data + 5;

            p = (u_char *) ngx_strchr(name.data, ':');

            if (p == NULL) {
                name.len = value[i].len - 5;

            } else {
                name.len = p - name.data;

                s.data = p + 1;
                s.len = value[i].data + value[i].len - s.data;

                size = ngx_parse_size(&s);

                if (size == NGX_ERROR || size < (ssize_t) (8 * ngx_pagesize)) {
                    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                       "invalid zone size \"%V\"", &value[i]);
                    return NGX_CONF_ERROR;
                }
            }

            if (name.len == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid zone name \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "key=", 4) == 0) {
            key.data = value[i].data + 4;
            key.len = value[i].len - 4;

            if (key.len == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "empty key in \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "ttl=", 4) == 0) {
            s.data = value[i].data + 4;
            s.len = value[i].len - 4;

            ttl = ngx_parse_time(&s, 1);

            if (ttl == (time_t) NGX_ERROR || ttl == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid ttl \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    if (name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must have the \"zone\" parameter",
                           &cmd->name);
        return NGX_CONF_ERROR;
    }

    /* size 0: a zone declared with its size elsewhere */

    shm_zone = ngx_shared_memory_add(cf, &name, size,
                                     &ngx_http_syndication_filter_module);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (shm_zone->data == NULL) {
        ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_syndication_learn_ctx_t));
        if (ctx == NULL) {
            return NGX_CONF_ERROR;
        }

        shm_zone->init = ngx_http_syndication_learn_init_zone;
        shm_zone->data = ctx;
    }

    slcf->learn_key = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (slcf->learn_key == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &key;
    ccv.complex_value = slcf->learn_key;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    slcf->learn_zone = shm_zone;
    slcf->learn_ttl = ttl;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_syndication_learn_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_syndication_learn_ctx_t  *octx = data;

    size_t                             len;
    ngx_http_syndication_learn_ctx_t  *ctx;

    ctx = shm_zone->data;

    if (octx != NULL) {
        /* a reload: the tree lives on in the same memory */
        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;
        return NGX_OK;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        ctx->sh = ctx->shpool->data;
        return NGX_OK;
    }

    ctx->sh = ngx_slab_alloc(ctx->shpool,
                             sizeof(ngx_http_syndication_learn_shctx_t));
    if (ctx->sh == NULL) {
        return NGX_ERROR;
    }

    ctx->shpool->data = ctx->sh;

    ngx_rbtree_init(&ctx->sh->rbtree, &ctx->sh->sentinel,
                    ngx_http_syndication_learn_insert);
    ngx_queue_init(&ctx->sh->queue);

    len = sizeof(" in syndication_learn zone \"\"") + shm_zone->shm.name.len;

    ctx->shpool->log_ctx = ngx_slab_alloc(ctx->shpool, len);
    if (ctx->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(ctx->shpool->log_ctx, " in syndication_learn zone \"%V\"%Z",
                &shm_zone->shm.name);

    ctx->shpool->log_nomem = 0;

    return NGX_OK;
}


static void
ngx_http_syndication_learn_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t                  **p;
    ngx_http_syndication_learn_node_t   *n, *t;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            n = (ngx_http_syndication_learn_node_t *) node;
            t = (ngx_http_syndication_learn_node_t *) temp;

            p = (ngx_memn2cmp(n->data, t->data, n->key_len, t->key_len) < 0)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static ngx_http_syndication_learn_node_t *
ngx_http_syndication_learn_lookup(ngx_http_syndication_learn_ctx_t *ctx,
    ngx_str_t *key, uint32_t hash)
{
    ngx_int_t                           rc;
    ngx_rbtree_node_t                  *node, *sentinel;
    ngx_http_syndication_learn_node_t  *n;

    node = ctx->sh->rbtree.root;
    sentinel = ctx->sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        n = (ngx_http_syndication_learn_node_t *) node;

        rc = ngx_memn2cmp(key->data, n->data, key->len, n->key_len);

        if (rc == 0) {
            return n;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


ngx_int_t
ngx_http_syndication_learn_get(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_str_t *key, ngx_str_t *url)
{
    uint32_t                            hash;
    ngx_http_syndication_learn_ctx_t   *ctx;
    ngx_http_syndication_learn_node_t  *n;

    if (key->len == 0 || key->len > NGX_HTTP_SYNDICATION_LEARN_KEY) {
        return NGX_OK;
    }

    ctx = slcf->learn_zone->data;
    hash = ngx_crc32_short(key->data, key->len);

    ngx_shmtx_lock(&ctx->shpool->mutex);

    n = ngx_http_syndication_learn_lookup(ctx, key, hash);

    if (n != NULL && n->expire <= ngx_time()) {
        ngx_queue_remove(&n->queue);
        ngx_rbtree_delete(&ctx->sh->rbtree, &n->node);
        ngx_slab_free_locked(ctx->shpool, n);
        n = NULL;
    }

    if (n != NULL) {
        ngx_queue_remove(&n->queue);
        ngx_queue_insert_head(&ctx->sh->queue, &n->queue);

        url->data = ngx_pnalloc(r->pool, n->url_len);

        if (url->data != NULL) {
            ngx_memcpy(url->data, n->data + n->key_len, n->url_len);
            url->len = n->url_len;
        }
    }

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    if (n != NULL && url->data == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_syndication_learn_put(ngx_http_request_t *r,
    ngx_http_syndication_loc_conf_t *slcf, ngx_str_t *key, u_char *url,
    size_t len)
{
    size_t                              size;
    time_t                              now;
    uint32_t                            hash;
    ngx_uint_t                          i;
    ngx_queue_t                        *q;
    ngx_http_syndication_learn_ctx_t   *ctx;
    ngx_http_syndication_learn_node_t  *n, *old;

    if (key->len == 0 || len == 0 || len > NGX_HTTP_SYNDICATION_MAX_URL) {
        return;
    }

    if (key->len > NGX_HTTP_SYNDICATION_LEARN_KEY) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "syndication filter: learn key of %uz bytes "
                      "not stored", key->len);
        return;
    }

    ctx = slcf->learn_zone->data;
    hash = ngx_crc32_short(key->data, key->len);
    size = offsetof(ngx_http_syndication_learn_node_t, data) + key->len + len;
    now = ngx_time();

    ngx_shmtx_lock(&ctx->shpool->mutex);

    n = ngx_http_syndication_learn_lookup(ctx, key, hash);

    if (n != NULL) {
        if (n->url_len == len
            && ngx_memcmp(n->data + n->key_len, url, len) == 0)
        {
            /* named again: it lives on */
            n->expire = now + slcf->learn_ttl;
            ngx_queue_remove(&n->queue);
            ngx_queue_insert_head(&ctx->sh->queue, &n->queue);
            goto done;
        }

        /* the page names another source now */
        ngx_queue_remove(&n->queue);
        ngx_rbtree_delete(&ctx->sh->rbtree, &n->node);
        ngx_slab_free_locked(ctx->shpool, n);
    }

    /*
     * Make room from the least recently used end, a few entries at most;
     * an expired entry there goes first anyway.
     */

    n = ngx_slab_alloc_locked(ctx->shpool, size);

    for (i = 0; n == NULL && i < 8 && !ngx_queue_empty(&ctx->sh->queue); i++)
    {
        q = ngx_queue_last(&ctx->sh->queue);
        old = ngx_queue_data(q, ngx_http_syndication_learn_node_t, queue);

        ngx_queue_remove(q);
        ngx_rbtree_delete(&ctx->sh->rbtree, &old->node);
        ngx_slab_free_locked(ctx->shpool, old);

        n = ngx_slab_alloc_locked(ctx->shpool, size);
    }

    if (n == NULL) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "syndication filter: no room in the learn zone "
                      "for a key of %uz bytes", key->len);
        goto done;
    }

    n->node.key = hash;
    n->expire = now + slcf->learn_ttl;
    n->key_len = (u_short) key->len;
    n->url_len = (u_short) len;
    ngx_memcpy(n->data, key->data, key->len);
    ngx_memcpy(n->data + key->len, url, len);

    ngx_rbtree_insert(&ctx->sh->rbtree, &n->node);
    ngx_queue_insert_head(&ctx->sh->queue, &n->queue);

done:

    ngx_shmtx_unlock(&ctx->shpool->mutex);
}
