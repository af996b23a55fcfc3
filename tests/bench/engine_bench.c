/*
 * engine_bench.c: engine throughput, MB/s on one core.
 *
 *     engine_bench [--no-builtin] [PAGE.html]...
 *
 * Each page (default: the shared sample page) and a large generated page
 * run through a fresh stream with the built-in pack, whole and in 4 KiB
 * chunks, through a 16 KiB output window, repeated for about a second.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sf.h"


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}


static int
sink(void *ctx, const unsigned char *p, size_t len)
{
    size_t  *total;

    (void) p;

    total = ctx;
    *total += len;

    return SF_OK;
}


static void
bench(const sf_rules_t *rules, const char *name, const unsigned char *in,
    size_t len)
{
    size_t          i, k, runs, total, memory;
    double          t0, t;
    sf_stream_t    *s;
    sf_options_t    opt;
    unsigned char   out[16384];

    static const size_t  chunks[] = { 0, 4096 };

    sf_options_init(&opt);

    for (k = 0; k < 2; k++) {
        runs = 0;
        total = 0;
        memory = 0;
        t0 = now();

        do {
            for (i = 0; i < 16; i++) {
                s = sf_stream_create(rules, &opt, &sf_malloc_allocator);

                if (s == NULL
                    || sf_stream_run(s, in, len, chunks[k], sizeof(out), out,
                                     sink, &total) != SF_OK)
                {
                    fprintf(stderr, "engine_bench: run failed\n");
                    exit(1);
                }

                memory = sf_stream_stats(s)->memory;
                sf_stream_destroy(s);
                runs++;
            }

            t = now() - t0;

        } while (t < 1.0);

        printf("%-28s %9zu bytes  chunk %-5zu %8.1f MB/s  out %zu  "
               "memory %zu\n", name, len, chunks[k],
               (double) len * runs / t / 1e6, total / runs, memory);
    }
}


static unsigned char *
load(const char *path, size_t *len)
{
    FILE           *f;
    long            n;
    unsigned char  *p;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t) n + 1);

    if (p == NULL || fread(p, 1, (size_t) n, f) != (size_t) n) {
        free(p);
        fclose(f);
        return NULL;
    }

    fclose(f);
    *len = (size_t) n;

    return p;
}


/* A long page of ordinary article markup: many blocks, links, a footer. */
static unsigned char *
generate(size_t target, size_t *len)
{
    size_t          n, k;
    unsigned char  *p;

    static const char  head[] =
        "<!DOCTYPE html><html><head><title>Big page - Site</title>"
        "<link rel=\"canonical\" href=\"https://agg.example/big\">"
        "</head><body><main><article><h1>Big page</h1>"
        "<div class=\"entry-content\">\n";
    static const char  unit[] =
        "<p>Lorem ipsum dolor sit amet, <a href=\"https://agg.example/x\">"
        "consectetur</a> adipiscing elit, sed do eiusmod tempor incididunt "
        "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis "
        "nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
        "consequat.</p>\n<figure><img src=\"a.jpg\" alt=\"\"><figcaption>"
        "Duis aute irure dolor</figcaption></figure>\n<ul><li>one</li>"
        "<li>two</li></ul>\n<script>var a = 1 < 2;</script>\n";
    static const char  tail[] =
        "<p>The post <a href=\"https://src.example/big\">Big page</a> first "
        "appeared on <a href=\"https://src.example/\">Src</a>.</p>\n"
        "</div></article></main></body></html>\n";

    p = malloc(target + sizeof(head) + sizeof(unit) + sizeof(tail));
    if (p == NULL) {
        return NULL;
    }

    memcpy(p, head, sizeof(head) - 1);
    n = sizeof(head) - 1;

    for (k = 0; n < target; k++) {
        memcpy(p + n, unit, sizeof(unit) - 1);
        n += sizeof(unit) - 1;
    }

    memcpy(p + n, tail, sizeof(tail) - 1);
    *len = n + sizeof(tail) - 1;

    return p;
}


int
main(int argc, char **argv)
{
    int              i, n, builtin;
    size_t           len;
    const char     **paths;
    sf_error_t       err;
    sf_limits_t      limits;
    sf_rules_t      *rules;
    unsigned char   *page;
    const char      *def[] = {
        "/work/shared/fixtures/pages/webtimes-putin-car.html"
    };

    /* --no-builtin: the stream alone, every block kept */
    builtin = 1;

    if (argc > 1 && strcmp(argv[1], "--no-builtin") == 0) {
        builtin = 0;
        argc--;
        argv++;
    }

    sf_limits_init(&limits);
    rules = sf_rules_create(&sf_malloc_allocator, &limits);

    if (rules == NULL
        || (builtin && sf_rules_add_builtin(rules, &err) != SF_OK)
        || sf_rules_compile(rules, &err) != SF_OK)
    {
        fprintf(stderr, "engine_bench: rules: %s\n",
                rules ? err.message : "no memory");
        return 1;
    }

    paths = argc > 1 ? (const char **) argv + 1 : def;
    n = argc > 1 ? argc - 1 : 1;

    for (i = 0; i < n; i++) {
        page = load(paths[i], &len);

        if (page == NULL) {
            fprintf(stderr, "engine_bench: cannot read %s\n", paths[i]);
            continue;
        }

        bench(rules, strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1
                                            : paths[i], page, len);
        free(page);
    }

    page = generate(8 * 1024 * 1024, &len);

    if (page != NULL) {
        bench(rules, "generated 8 MiB article", page, len);
        free(page);
    }

    sf_rules_destroy(rules);

    return 0;
}
