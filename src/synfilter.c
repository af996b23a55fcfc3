/*
 * synfilter.c: the command-line face of the engine.
 *
 *     synfilter [-r RULES]... [--no-builtin] [--source URL] [--chunk N]
 *               [--report] [--explain] [--host HOST] [--credit TEMPLATE]
 *               [--profile router] [--memory] < page.html > clean.html
 *     synfilter --version | --help
 *
 * An RSS or Atom feed (told by its root element) is cleaned item by item.
 *
 * The same rules and the same stream as the nginx module; a one-line
 * summary goes to stderr, with --report one line per decision, and with
 * --explain one paragraph per block: what decided it, or why the nearest
 * rule did not.  --profile router takes the router limits, with the
 * decision scratch apart from the stream as an nginx worker keeps it;
 * --memory tells what the stream and the worker's share cost.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf.h"
#include "sf_version.h"


#define SF_CLI_MAX_RULES  64


typedef struct {
    size_t                current;
    size_t                peak;
} sf_cli_mem_t;


/* What --explain needs to name a rule's file. */
typedef struct {
    int                   nfiles;
    const char          **files;            /* the -r files, in order */
    size_t               *last;             /* rules count after each */
    unsigned              report:1;
} sf_cli_explain_t;


/* The command line, read. */
typedef struct {
    int                   nfiles;
    const char           *files[SF_CLI_MAX_RULES];
    size_t                last[SF_CLI_MAX_RULES];
    size_t                chunk;
    char                 *credit;           /* --credit, checked */
    unsigned              builtin:1;
    unsigned              router:1;
    unsigned              memory:1;
    sf_options_t          opt;
    sf_cli_explain_t      cx;
} sf_cli_t;


/* Allocations carry their size in front, so the peak can be counted. */
typedef union {
    size_t                size;
    long double           align;
} sf_cli_head_t;


static void *
sf_cli_alloc(void *ctx, size_t size)
{
    sf_cli_mem_t   *mem;
    sf_cli_head_t  *h;

    mem = ctx;
    h = malloc(sizeof(sf_cli_head_t) + size);

    if (h == NULL) {
        return NULL;
    }

    h->size = size;
    mem->current += size;

    if (mem->current > mem->peak) {
        mem->peak = mem->current;
    }

    return h + 1;
}


static void
sf_cli_free(void *ctx, void *p)
{
    sf_cli_mem_t   *mem;
    sf_cli_head_t  *h;

    if (p == NULL) {
        return;
    }

    mem = ctx;
    h = (sf_cli_head_t *) p - 1;
    mem->current -= h->size;
    free(h);
}


static int
sf_cli_write(void *ctx, const unsigned char *p, size_t len)
{
    return fwrite(p, 1, len, ctx) == len ? SF_OK : SF_ERROR;
}


static void
sf_cli_decision(void *ctx, const sf_decision_t *d)
{
    (void) ctx;

    fprintf(stderr, "synfilter: %s %s bytes=%zu offset=%llu\n",
            d->rule_id != NULL ? d->rule_id : "-", d->action, d->bytes,
            (unsigned long long) d->offset);
}


/*
 * The file of a rule: the -r files come first, in order, then the
 * built-in pack, whose file the engine finds.
 */
static const char *
sf_cli_rule_file(const sf_cli_explain_t *cx, const sf_explain_t *x)
{
    int  i;

    for (i = 0; i < cx->nfiles; i++) {
        if (x->rule_index < cx->last[i]) {
            return cx->files[i];
        }
    }

    return x->rule_file != NULL ? x->rule_file : "built-in";
}


/* One block, one paragraph: where it is, what decided it, or why not. */
static void
sf_cli_explain(void *ctx, const sf_explain_t *x)
{
    const char              *file, *verb;
    const sf_cli_explain_t  *cx;

    cx = ctx;

    if (x->item > 0) {
        fprintf(stderr, "item %u, ", x->item);
    }

    fprintf(stderr, "block at %llu, %zu bytes: ",
            (unsigned long long) x->offset, x->bytes);

    if (strcmp(x->tag, "anon") == 0) {
        fprintf(stderr, "text directly in a container");
    } else {
        fprintf(stderr, "<%s", x->tag);
    }

    if (x->id_len > 0) {
        fprintf(stderr, " id=\"%.*s\"", (int) x->id_len, x->id);
    }

    if (x->cls_len > 0) {
        fprintf(stderr, " class=\"%.*s\"", (int) x->cls_len, x->cls);
    }

    fprintf(stderr, "%s%s\n", strcmp(x->tag, "anon") == 0 ? "" : ">",
            x->whole ? ", the whole element" : "");

    file = x->rule_id != NULL && !x->detector ? sf_cli_rule_file(cx, x)
                                              : NULL;

    if (strcmp(x->action, "keep") != 0) {
        verb = cx->report ? "reported"
               : strcmp(x->action, "keep-source") == 0 ? "kept" : "removed";

        if (x->detector) {
            fprintf(stderr, "  %s: %s by detector %s\n", verb, x->action,
                    x->rule_id);
        } else {
            fprintf(stderr, "  %s: %s by rule %s (%s:%u)\n", verb,
                    x->action, x->rule_id, file, x->rule_line);
        }

    } else if (x->rule_id == NULL) {
        fprintf(stderr, "  kept: %s\n",
                x->note != NULL ? x->note : "no rule in scope");

    } else if (x->detector) {
        fprintf(stderr, "  kept: detector %s took it\n", x->rule_id);

    } else if (x->failed == NULL) {
        fprintf(stderr, "  kept: rule %s (%s:%u) matched\n", x->rule_id,
                file, x->rule_line);

    } else {
        fprintf(stderr, "  kept: nearest rule %s (%s:%u), %u of %u "
                "condition%s held\n", x->rule_id, file, x->rule_line,
                x->passed, x->nconds, x->nconds == 1 ? "" : "s");

        if (x->cond != NULL) {
            fprintf(stderr, "  failed: %s (%s:%u): %s\n", x->cond, file,
                    x->cond_line, x->failed);
        } else {
            fprintf(stderr, "  failed: %s\n", x->failed);
        }
    }

    if (x->detector_id != NULL) {
        fprintf(stderr, "  detector %s: %s\n", x->detector_id,
                x->detector_failed != NULL ? x->detector_failed
                                           : "would take it");
    }

    if (x->note != NULL && x->rule_id != NULL) {
        fprintf(stderr, "  note: %s\n", x->note);
    }

    fprintf(stderr, "\n");
}


/* Usage goes to stdout with status 0 when asked for, else to stderr. */
static int
sf_cli_usage(FILE *f)
{
    fprintf(f, "usage: synfilter [-r RULES]... [--no-builtin] "
            "[--source URL] [--chunk N]\n"
            "                 [--report] [--explain] [--host HOST] "
            "[--credit TEMPLATE]\n"
            "                 [--profile router] [--memory]\n"
            "       synfilter --version | --help\n"
            "Reads a page or a feed on stdin, writes it cleaned on stdout "
            "and a summary on\nstderr (see synfilter(1)).  --explain also "
            "tells on stderr, block by block,\nwhich rule removed it or why "
            "the nearest rule did not match.\n");

    return (f == stdout) ? 0 : 2;
}


static char *
sf_cli_read(FILE *f, size_t *len)
{
    char    *buf, *p;
    size_t   cap, n;

    cap = 65536;
    *len = 0;
    buf = malloc(cap);

    if (buf == NULL) {
        return NULL;
    }

    for ( ;; ) {
        if (*len == cap) {
            cap *= 2;
            p = realloc(buf, cap);

            if (p == NULL) {
                free(buf);
                return NULL;
            }

            buf = p;
        }

        n = fread(buf + *len, 1, cap - *len, f);
        *len += n;

        if (n == 0) {
            break;
        }
    }

    if (ferror(f)) {
        free(buf);
        return NULL;
    }

    return buf;
}


static int
sf_cli_rules_file(sf_rules_t *rules, const char *name)
{
    int          rc;
    FILE        *f;
    char        *text;
    size_t       len;
    sf_error_t   err;

    f = fopen(name, "rb");

    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", name, strerror(errno));
        return -1;
    }

    text = sf_cli_read(f, &len);
    fclose(f);

    if (text == NULL) {
        fprintf(stderr, "%s: read error\n", name);
        return -1;
    }

    memset(&err, 0, sizeof(sf_error_t));
    rc = sf_rules_add(rules, text, len, &err);
    free(text);

    if (rc != SF_OK) {
        fprintf(stderr, "%s:%u:%u: %s\n", name, err.line, err.column,
                err.message);
        return -1;
    }

    return 0;
}


/*
 * Read the command line into cli.  Returns -1 when the run goes on, or the
 * exit status (usage, --help, --version, a bad --credit).
 */
static int
sf_cli_args(sf_cli_t *cli, int argc, char **argv)
{
    int          i;
    char        *end;
    size_t       len;
    sf_error_t   err;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            if (cli->nfiles == SF_CLI_MAX_RULES) {
                return sf_cli_usage(stderr);
            }

            cli->files[cli->nfiles++] = argv[++i];

        } else if (strcmp(argv[i], "--no-builtin") == 0) {
            cli->builtin = 0;

        } else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc) {
            cli->opt.source = argv[++i];
            cli->opt.source_len = strlen(cli->opt.source);

        } else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
            cli->opt.page_host = argv[++i];
            cli->opt.page_host_len = strlen(cli->opt.page_host);

        } else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) {
            errno = 0;
            cli->chunk = strtoul(argv[++i], &end, 10);

            if (errno != 0 || *end != '\0' || cli->chunk == 0) {
                return sf_cli_usage(stderr);
            }

        } else if (strcmp(argv[i], "-h") == 0
                   || strcmp(argv[i], "--help") == 0)
        {
            return sf_cli_usage(stdout);

        } else if (strcmp(argv[i], "-V") == 0
                   || strcmp(argv[i], "--version") == 0)
        {
            printf("synfilter %s\n", SF_VERSION);
            return 0;

        } else if (strcmp(argv[i], "--credit") == 0 && i + 1 < argc) {
            i++;
            len = strlen(argv[i]);
            free(cli->credit);
            cli->credit = malloc(len + 1);

            if (cli->credit == NULL
                || sf_credit_template(argv[i], len, cli->credit, len + 1,
                                      &err)
                   != SF_OK)
            {
                fprintf(stderr, "synfilter: --credit: %s\n",
                        cli->credit == NULL ? "out of memory" : err.message);
                return 2;
            }

            cli->opt.credit_template = cli->credit;

        } else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            i++;

            if (strcmp(argv[i], "router") != 0
                && strcmp(argv[i], "default") != 0)
            {
                return sf_cli_usage(stderr);
            }

            cli->router = (strcmp(argv[i], "router") == 0);

        } else if (strcmp(argv[i], "--memory") == 0) {
            cli->memory = 1;

        } else if (strcmp(argv[i], "--report") == 0) {
            cli->opt.report = 1;
            cli->opt.on_decision = sf_cli_decision;

        } else if (strcmp(argv[i], "--explain") == 0) {
            cli->opt.on_explain = sf_cli_explain;
            cli->opt.on_explain_ctx = &cli->cx;

        } else {
            return sf_cli_usage(stderr);
        }
    }

    if (cli->router) {
        sf_limits_router(&cli->opt.limits);
    }

    return -1;
}


/*
 * The -r files, then the built-in pack, compiled.  NULL when one fails;
 * *status is then the exit status: 1 out of memory, 2 a bad rule.
 */
static sf_rules_t *
sf_cli_rules(sf_cli_t *cli, sf_allocator_t *alloc, int *status)
{
    int          i;
    sf_error_t   err;
    sf_rules_t  *rules;

    *status = 2;
    rules = sf_rules_create(alloc, &cli->opt.limits);

    if (rules == NULL) {
        fprintf(stderr, "synfilter: out of memory\n");
        *status = 1;
        return NULL;
    }

    for (i = 0; i < cli->nfiles; i++) {
        if (sf_cli_rules_file(rules, cli->files[i]) != 0) {
            sf_rules_destroy(rules);
            return NULL;
        }

        cli->last[i] = sf_rules_count(rules);
    }

    cli->cx.nfiles = cli->nfiles;
    cli->cx.files = cli->files;
    cli->cx.last = cli->last;
    cli->cx.report = cli->opt.report;

    memset(&err, 0, sizeof(sf_error_t));

    if (cli->builtin && sf_rules_add_builtin(rules, &err) != SF_OK) {
        fprintf(stderr, "builtin:%u:%u: %s\n", err.line, err.column,
                err.message);
        sf_rules_destroy(rules);
        return NULL;
    }

    if (sf_rules_compile(rules, &err) != SF_OK) {
        fprintf(stderr, "rules:%u:%u: %s\n", err.line, err.column,
                err.message);
        sf_rules_destroy(rules);
        return NULL;
    }

    return rules;
}


/* The summary lines on stderr. */
static void
sf_cli_summary(const sf_cli_t *cli, sf_stream_t *stream, sf_feed_t *feed,
    const sf_rules_t *rules, sf_scratch_t *scratch, const sf_cli_mem_t *mem)
{
    size_t             slen;
    const char        *src;
    const sf_stats_t  *st;

    st = feed ? sf_feed_stats(feed) : sf_stream_stats(stream);
    slen = 0;
    src = feed ? "" : sf_stream_source(stream, &slen);

    fprintf(stderr, "synfilter: in=%llu out=%llu held=%u removed=%u "
            "fired=%u credits=%u canonicals=%u not-inserted=%u source=%s "
            "memory=%zu peak=%zu status=%s passthrough=holdback:%u,text:%u,"
            "regex:%u,depth:%u\n",
            (unsigned long long) st->bytes_in,
            (unsigned long long) st->bytes_out, st->blocks_held,
            st->blocks_removed, st->rules_fired, st->credits,
            st->canonicals, st->inserts_failed, slen ? src : "-",
            st->memory, mem->peak,
            feed ? sf_feed_status(feed) : sf_stream_status(stream),
            st->passthrough[SF_PASS_HOLDBACK], st->passthrough[SF_PASS_TEXT],
            st->passthrough[SF_PASS_REGEX], st->passthrough[SF_PASS_DEPTH]);

    if (feed != NULL) {
        fprintf(stderr, "synfilter: feed items=%u\n", sf_feed_items(feed));
    }

    if (cli->memory) {
        /* the rules and a shared scratch are paid once per worker */
        fprintf(stderr, "synfilter: memory per-stream=%zu per-worker=%zu "
                "(rules=%zu scratch=%zu)\n", st->memory,
                sf_rules_memory(rules) + sf_scratch_memory(scratch),
                sf_rules_memory(rules), sf_scratch_memory(scratch));
    }
}


int
main(int argc, char **argv)
{
    int              rc;
    char            *in;
    size_t           len, out_size;
    sf_cli_t         cli;
    sf_feed_t       *feed;
    sf_rules_t      *rules;
    sf_stream_t     *stream;
    sf_scratch_t    *scratch;
    sf_cli_mem_t     mem;
    unsigned char   *out;
    sf_allocator_t   alloc;

    memset(&cli, 0, sizeof(sf_cli_t));
    cli.builtin = 1;
    sf_options_init(&cli.opt);

    rc = sf_cli_args(&cli, argc, argv);

    if (rc >= 0) {
        free(cli.credit);
        return rc;
    }

    memset(&mem, 0, sizeof(sf_cli_mem_t));
    alloc.alloc = sf_cli_alloc;
    alloc.free = sf_cli_free;
    alloc.ctx = &mem;

    rules = sf_cli_rules(&cli, &alloc, &rc);

    if (rules == NULL) {
        free(cli.credit);
        return rc;
    }

    in = sf_cli_read(stdin, &len);

    if (in == NULL) {
        fprintf(stderr, "synfilter: cannot read stdin\n");
        sf_rules_destroy(rules);
        free(cli.credit);
        return 1;
    }

    stream = NULL;
    feed = NULL;
    scratch = NULL;

    if (cli.router) {
        /* one per worker in nginx, shared by its streams */
        scratch = sf_scratch_create(rules, &cli.opt.limits, &alloc);
        cli.opt.scratch = scratch;
    }

    if (cli.router && scratch == NULL) {
        /* out of memory, told below */

    } else if (sf_feed_detect((unsigned char *) in, len) == SF_FEED_YES) {
        feed = sf_feed_create(rules, &cli.opt, &alloc, 0);

    } else {
        stream = sf_stream_create(rules, &cli.opt, &alloc);
    }

    /* --chunk: the boundary torture of a slow upstream and client */
    out_size = cli.chunk ? 64 : 65536;
    out = malloc(out_size);

    if ((stream == NULL && feed == NULL) || out == NULL) {
        fprintf(stderr, "synfilter: out of memory\n");
        rc = 1;
        goto done;
    }

    if (feed != NULL) {
        rc = sf_feed_run(feed, (unsigned char *) in, len, cli.chunk,
                         out_size, out, sf_cli_write, stdout);
    } else {
        rc = sf_stream_run(stream, (unsigned char *) in, len, cli.chunk,
                           out_size, out, sf_cli_write, stdout);
    }

    if (fflush(stdout) != 0) {
        rc = SF_ERROR;
    }

    sf_cli_summary(&cli, stream, feed, rules, scratch, &mem);

    if (rc != SF_OK) {
        fprintf(stderr, "synfilter: output error\n");
        rc = 1;

    } else {
        rc = 0;
    }

done:

    sf_feed_destroy(feed);
    sf_stream_destroy(stream);
    sf_scratch_destroy(scratch);
    free(cli.credit);
    sf_rules_destroy(rules);
    free(out);
    free(in);

    return rc;
}
