
/*
 * ngx_http_syndication_learn.c: sources learned from footers, kept in a
 * shared memory zone so that the next response for the same page gets the
 * canonical in its head and in a Link header.  A red-black tree keyed by
 * the page key and an LRU queue: when the zone is full the least recently
 * used entries make room.  The zone survives reloads; an entry lives for
 * the ttl= of the directive (a day by default) after the page last named
 * it, and a page that names another source replaces it.  Keys longer than
 * NGX_HTTP_SYNDICATION_LEARN_KEY are not stored: a free-form URI must not
 * flush the zone.  With state=FILE the entries are written to FILE when
 * nginx stops (by the master, which keeps the zone mapped to the end) and
 * read back when the zone is created at the next start.
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
    ngx_str_t                            state;     /* file, or empty */
} ngx_http_syndication_learn_ctx_t;


/*
 * The state file: the magic, then per entry its expiry (8 bytes), key
 * and URL lengths (2 bytes each, host order: the file is for this host),
 * the key, the URL; the most recently used first.
 */
#define NGX_HTTP_SYNDICATION_STATE_MAGIC  "sflearn1"
#define NGX_HTTP_SYNDICATION_STATE_HEAD   12


static ngx_int_t ngx_http_syndication_learn_zone_arg(ngx_conf_t *cf,
    ngx_str_t *arg, ngx_str_t *name, ssize_t *size);
static ngx_int_t ngx_http_syndication_learn_arg(ngx_conf_t *cf,
    ngx_str_t *arg, char *prefix, char *what, ngx_str_t *value);
static ngx_shm_zone_t *ngx_http_syndication_learn_add_zone(ngx_conf_t *cf,
    ngx_str_t *name, ssize_t size, ngx_str_t *state);
static ngx_int_t ngx_http_syndication_learn_init_zone(
    ngx_shm_zone_t *shm_zone, void *data);
static void ngx_http_syndication_learn_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static ngx_http_syndication_learn_node_t *
    ngx_http_syndication_learn_lookup(ngx_http_syndication_learn_ctx_t *ctx,
    ngx_str_t *key, uint32_t hash);
static void ngx_http_syndication_learn_load(ngx_shm_zone_t *shm_zone,
    ngx_http_syndication_learn_ctx_t *ctx);
static ngx_int_t ngx_http_syndication_learn_save_each(void *elt, void *data);
static ngx_int_t ngx_http_syndication_learn_save_zone(ngx_cycle_t *cycle,
    ngx_shm_zone_t *shm_zone);


/* syndication_learn zone=NAME:SIZE [key=VALUE] [ttl=TIME] [state=FILE]; */

char *
ngx_http_syndication_learn(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_syndication_loc_conf_t *slcf = conf;

    ssize_t                            size;
    time_t                             ttl;
    ngx_int_t                          rc;
    ngx_str_t                         *value, name, s, key, state;
    ngx_uint_t                         i;
    ngx_shm_zone_t                    *shm_zone;
    ngx_http_compile_complex_value_t   ccv;

    if (slcf->learn_zone != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    ngx_str_null(&name);
    ngx_str_set(&key, "$scheme://$host$request_uri");
    size = 0;
    ttl = 86400;
    ngx_str_null(&state);

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "zone=", 5) == 0) {

            if (ngx_http_syndication_learn_zone_arg(cf, &value[i], &name,
                                                    &size)
                != NGX_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        rc = ngx_http_syndication_learn_arg(cf, &value[i], "key=", "key",
                                            &key);

        if (rc != NGX_DECLINED) {
            if (rc != NGX_OK) {
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

        rc = ngx_http_syndication_learn_arg(cf, &value[i], "state=", "file",
                                            &state);

        if (rc != NGX_DECLINED) {
            if (rc != NGX_OK
                || ngx_conf_full_name(cf->cycle, &state, 0) != NGX_OK)
            {
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

    shm_zone = ngx_http_syndication_learn_add_zone(cf, &name, size, &state);
    if (shm_zone == NULL) {
        return NGX_CONF_ERROR;
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


/* zone=NAME[:SIZE]: no size when the zone is declared elsewhere */

static ngx_int_t
ngx_http_syndication_learn_zone_arg(ngx_conf_t *cf, ngx_str_t *arg,
    ngx_str_t *name, ssize_t *size)
{
    u_char     *p;
    ngx_str_t   s;

    name->data = arg->data + 5;

    p = (u_char *) ngx_strchr(name->data, ':');

    if (p == NULL) {
        name->len = arg->len - 5;

    } else {
        name->len = p - name->data;

        s.data = p + 1;
        s.len = arg->data + arg->len - s.data;

        *size = ngx_parse_size(&s);

        if (*size == NGX_ERROR || *size < (ssize_t) (8 * ngx_pagesize)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid zone size \"%V\"", arg);
            return NGX_ERROR;
        }
    }

    if (name->len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone name \"%V\"", arg);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A parameter "PREFIX" VALUE whose value must not be empty; NGX_DECLINED
 * when arg is another parameter
 */

static ngx_int_t
ngx_http_syndication_learn_arg(ngx_conf_t *cf, ngx_str_t *arg, char *prefix,
    char *what, ngx_str_t *value)
{
    size_t  len;

    len = ngx_strlen(prefix);

    if (ngx_strncmp(arg->data, prefix, len) != 0) {
        return NGX_DECLINED;
    }

    value->data = arg->data + len;
    value->len = arg->len - len;

    if (value->len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty %s in \"%V\"", what, arg);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The zone, shared by the locations that name it (size 0: declared with
 * its size elsewhere); a state file is the zone's, named once
 */

static ngx_shm_zone_t *
ngx_http_syndication_learn_add_zone(ngx_conf_t *cf, ngx_str_t *name,
    ssize_t size, ngx_str_t *state)
{
    ngx_shm_zone_t                    *shm_zone;
    ngx_http_syndication_learn_ctx_t  *ctx;

    shm_zone = ngx_shared_memory_add(cf, name, size,
                                     &ngx_http_syndication_filter_module);
    if (shm_zone == NULL) {
        return NULL;
    }

    if (shm_zone->data == NULL) {
        ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_syndication_learn_ctx_t));
        if (ctx == NULL) {
            return NULL;
        }

        shm_zone->init = ngx_http_syndication_learn_init_zone;
        shm_zone->data = ctx;
    }

    ctx = shm_zone->data;

    if (state->len) {
        if (ctx->state.len
            && (ctx->state.len != state->len
                || ngx_strncmp(ctx->state.data, state->data, state->len)
                   != 0))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "zone \"%V\" already has the state file "
                               "\"%V\"", name, &ctx->state);
            return NULL;
        }

        ctx->state = *state;
    }

    return shm_zone;
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

    if (ctx->state.len) {
        ngx_http_syndication_learn_load(shm_zone, ctx);
    }

    return NGX_OK;
}


/*
 * A new zone takes the entries of the state file that have not expired
 * and fit; a missing file is a first start, a damaged one is used up to
 * the damage.  The URLs go through the engine's validator again: the
 * file is outside nginx's hands between two runs.
 */

static void
ngx_http_syndication_learn_load(ngx_shm_zone_t *shm_zone,
    ngx_http_syndication_learn_ctx_t *ctx)
{
    u_char                             *buf, *p, *last;
    char                                url[NGX_HTTP_SYNDICATION_MAX_URL + 1];
    size_t                              size;
    int64_t                             expire;
    uint16_t                            klen, ulen;
    ssize_t                             n;
    ngx_fd_t                            fd;
    ngx_uint_t                          loaded;
    ngx_file_info_t                     fi;
    ngx_http_syndication_learn_node_t  *node;

    fd = ngx_open_file(ctx->state.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        if (ngx_errno != NGX_ENOENT) {
            ngx_log_error(NGX_LOG_WARN, shm_zone->shm.log, ngx_errno,
                          ngx_open_file_n " \"%V\" failed", &ctx->state);
        }

        return;
    }

    buf = NULL;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        goto done;
    }

    size = (size_t) ngx_file_size(&fi);

    if (size < NGX_HTTP_SYNDICATION_STATE_HEAD
        || size > shm_zone->shm.size * 2)
    {
        goto damaged;
    }

    buf = ngx_alloc(size, shm_zone->shm.log);
    if (buf == NULL) {
        goto done;
    }

    n = ngx_read_fd(fd, buf, size);

    if (n != (ssize_t) size
        || ngx_memcmp(buf, NGX_HTTP_SYNDICATION_STATE_MAGIC,
                      sizeof(NGX_HTTP_SYNDICATION_STATE_MAGIC) - 1)
           != 0)
    {
        goto damaged;
    }

    p = buf + NGX_HTTP_SYNDICATION_STATE_HEAD;
    last = buf + size;
    loaded = 0;

    while (p < last) {

        if ((size_t) (last - p) < 12) {
            goto damaged;
        }

        ngx_memcpy(&expire, p, 8);
        ngx_memcpy(&klen, p + 8, 2);
        ngx_memcpy(&ulen, p + 10, 2);
        p += 12;

        if (klen == 0 || klen > NGX_HTTP_SYNDICATION_LEARN_KEY
            || ulen == 0 || ulen > NGX_HTTP_SYNDICATION_MAX_URL
            || (size_t) (last - p) < (size_t) klen + ulen)
        {
            goto damaged;
        }

        if (expire < (int64_t) ngx_time()
            || sf_url_clean(p + klen, ulen, 0, url, sizeof(url)) != ulen
            || ngx_memcmp(url, p + klen, ulen) != 0)
        {
            p += klen + ulen;
            continue;
        }

        node = ngx_slab_alloc(ctx->shpool,
                              offsetof(ngx_http_syndication_learn_node_t,
                                       data) + klen + ulen);
        if (node == NULL) {
            /* a smaller zone than last time: the most recent are in */
            break;
        }

        node->node.key = ngx_crc32_short(p, klen);
        node->expire = (time_t) expire;
        node->key_len = klen;
        node->url_len = ulen;
        ngx_memcpy(node->data, p, klen + ulen);
        p += klen + ulen;

        ngx_rbtree_insert(&ctx->sh->rbtree, &node->node);
        ngx_queue_insert_tail(&ctx->sh->queue, &node->queue);
        loaded++;
    }

    ngx_log_error(NGX_LOG_NOTICE, shm_zone->shm.log, 0,
                  "syndication_learn zone \"%V\": %ui entries from \"%V\"",
                  &shm_zone->shm.name, loaded, &ctx->state);

    goto done;

damaged:

    ngx_log_error(NGX_LOG_WARN, shm_zone->shm.log, 0,
                  "syndication_learn zone \"%V\": state file \"%V\" is "
                  "damaged, used as far as it goes",
                  &shm_zone->shm.name, &ctx->state);

done:

    if (buf != NULL) {
        ngx_free(buf);
    }

    (void) ngx_close_file(fd);
}


/* exit master: every learn zone with a state file writes it */

void
ngx_http_syndication_learn_save(ngx_cycle_t *cycle)
{
    (void) ngx_http_syndication_list_each(&cycle->shared_memory,
                                          ngx_http_syndication_learn_save_each,
                                          cycle);
}


/* a zone of the module's with a state file, not syndication_stats' */

static ngx_int_t
ngx_http_syndication_learn_save_each(void *elt, void *data)
{
    ngx_shm_zone_t  *shm_zone = elt;

    if (shm_zone->tag != &ngx_http_syndication_filter_module
        || shm_zone->init != ngx_http_syndication_learn_init_zone
        || shm_zone->data == NULL)
    {
        return NGX_OK;
    }

    (void) ngx_http_syndication_learn_save_zone(data, shm_zone);

    return NGX_OK;
}


/*
 * Written to FILE.tmp and renamed: a stop in the middle leaves the old
 * file.  The workers are gone; a lock a crashed one left taken means the
 * tree may be half changed, so nothing is written then.
 */

static ngx_int_t
ngx_http_syndication_learn_save_zone(ngx_cycle_t *cycle,
    ngx_shm_zone_t *shm_zone)
{
    u_char                             *buf, *p, *tmp;
    size_t                              size;
    int64_t                             expire;
    uint16_t                            klen, ulen;
    ngx_fd_t                            fd;
    ngx_int_t                           rc;
    ngx_queue_t                        *q;
    ngx_http_syndication_learn_ctx_t   *ctx;
    ngx_http_syndication_learn_node_t  *n;

    ctx = shm_zone->data;

    if (ctx->state.len == 0 || ctx->sh == NULL) {
        return NGX_OK;
    }

    if (!ngx_shmtx_trylock(&ctx->shpool->mutex)) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "syndication_learn zone \"%V\" is locked, "
                      "\"%V\" not written", &shm_zone->shm.name,
                      &ctx->state);
        return NGX_DECLINED;
    }

    size = NGX_HTTP_SYNDICATION_STATE_HEAD;

    for (q = ngx_queue_head(&ctx->sh->queue);
         q != ngx_queue_sentinel(&ctx->sh->queue);
         q = ngx_queue_next(q))
    {
        n = ngx_queue_data(q, ngx_http_syndication_learn_node_t, queue);
        size += 12 + n->key_len + n->url_len;
    }

    rc = NGX_ERROR;
    fd = NGX_INVALID_FILE;

    buf = ngx_alloc(size, cycle->log);
    tmp = ngx_alloc(ctx->state.len + sizeof(".tmp"), cycle->log);

    if (buf == NULL || tmp == NULL) {
        goto done;
    }

    p = ngx_cpymem(buf, NGX_HTTP_SYNDICATION_STATE_MAGIC,
                   sizeof(NGX_HTTP_SYNDICATION_STATE_MAGIC) - 1);
    ngx_memzero(p, NGX_HTTP_SYNDICATION_STATE_HEAD
                   - (sizeof(NGX_HTTP_SYNDICATION_STATE_MAGIC) - 1));
    p = buf + NGX_HTTP_SYNDICATION_STATE_HEAD;

    for (q = ngx_queue_head(&ctx->sh->queue);
         q != ngx_queue_sentinel(&ctx->sh->queue);
         q = ngx_queue_next(q))
    {
        n = ngx_queue_data(q, ngx_http_syndication_learn_node_t, queue);

        expire = n->expire;
        klen = n->key_len;
        ulen = n->url_len;

        p = ngx_cpymem(p, &expire, 8);
        p = ngx_cpymem(p, &klen, 2);
        p = ngx_cpymem(p, &ulen, 2);
        p = ngx_cpymem(p, n->data, klen + ulen);
    }

    ngx_sprintf(tmp, "%V.tmp%Z", &ctx->state);

    fd = ngx_open_file(tmp, NGX_FILE_WRONLY, NGX_FILE_TRUNCATE,
                       NGX_FILE_DEFAULT_ACCESS);

    if (fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, ngx_errno,
                      ngx_open_file_n " \"%s\" failed", tmp);
        goto done;
    }

    if (ngx_write_fd(fd, buf, size) != (ssize_t) size) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, ngx_errno,
                      ngx_write_fd_n " \"%s\" failed", tmp);
        goto done;
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        fd = NGX_INVALID_FILE;
        goto done;
    }

    fd = NGX_INVALID_FILE;

    if (ngx_rename_file(tmp, ctx->state.data) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, ngx_errno,
                      ngx_rename_file_n " \"%s\" to \"%V\" failed", tmp,
                      &ctx->state);
        goto done;
    }

    rc = NGX_OK;

done:

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    if (fd != NGX_INVALID_FILE) {
        (void) ngx_close_file(fd);
    }

    if (buf != NULL) {
        ngx_free(buf);
    }

    if (tmp != NULL) {
        ngx_free(tmp);
    }

    return rc;
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

    /*
     * nginx's clock counts whole seconds: an entry stored late in second
     * t with expire = t + ttl still lives through that second, so that it
     * lives ttl seconds at least (ttl + 1 at most), never less.
     */
    if (n != NULL && n->expire < ngx_time()) {
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
