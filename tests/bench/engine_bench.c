/*
 * engine_bench.c: engine throughput, MB/s on one core.
 *
 *     engine_bench [--no-builtin] [--seconds S] [PAGE.html]...
 *
 * Each page (default: the sample page of tests/fixtures), a large
 * generated article and the same article minified to a single line run
 * through a fresh stream, with the built-in pack and without rules
 * (--no-builtin: only without), whole and in 4 KiB chunks, through a
 * 16 KiB output window, repeated for S seconds (default 0.5) per row.
 * Each row also gives the output size and the memory one stream allocated
 * (stats.memory).  Files, time and rules come from the unit tests' harness
 * (tests/unit/sf_test_util.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sf.h"
#include "sf_test_util.h"


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
bench(const sf_rules_t *rules, const char *label, const char *name,
    const unsigned char *in, size_t len, double seconds)
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
        t0 = sf_test_now();

        do {
            for (i = 0; i < 4; i++) {
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

            t = sf_test_now() - t0;

        } while (t < seconds);

        printf("%-26s %9zu  %-7s %5s %9.1f %9zu %7zu\n", name, len, label,
               chunks[k] ? "4K" : "whole", (double) len * runs / t / 1e6,
               total / runs, memory);
    }
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


/* The same page on one line, as minifiers and some aggregators send it. */
static void
minify(unsigned char *p, size_t *len)
{
    size_t  i, n;

    for (i = 0, n = 0; i < *len; i++) {
        if (p[i] != '\n') {
            p[n++] = p[i];
        }
    }

    *len = n;
}


static sf_rules_t *
compile(int builtin)
{
    sf_rules_t  *rules;

    rules = sf_test_rules(NULL, builtin);

    if (rules == NULL) {
        fprintf(stderr, "engine_bench: rules failed\n");
        exit(1);
    }

    return rules;
}


int
main(int argc, char **argv)
{
    int              i, r, n, builtin;
    size_t           len, big_len;
    double           seconds;
    const char     **paths, *name;
    sf_rules_t      *rules[2];
    unsigned char   *page, *big;
    const char      *labels[2] = { "pack", "none" };
    const char      *def[] = {
        "tests/fixtures/webtimes-putin-car.html"
    };

    builtin = 1;
    seconds = 0.5;

    while (argc > 1 && argv[1][0] == '-' && argv[1][1] == '-') {
        if (strcmp(argv[1], "--no-builtin") == 0) {
            builtin = 0;

        } else if (strcmp(argv[1], "--seconds") == 0 && argc > 2) {
            seconds = atof(argv[2]);
            argc--;
            argv++;

        } else {
            fprintf(stderr, "usage: engine_bench [--no-builtin] "
                    "[--seconds S] [PAGE.html]...\n");
            return 1;
        }

        argc--;
        argv++;
    }

    rules[0] = builtin ? compile(1) : NULL;
    rules[1] = compile(0);

    paths = argc > 1 ? (const char **) argv + 1 : def;
    n = argc > 1 ? argc - 1 : 1;

    printf("%-26s %9s  %-7s %5s %9s %9s %7s\n", "page", "bytes", "rules",
           "chunk", "MB/s", "out", "memory");

    big = generate(8 * 1024 * 1024, &big_len);

    for (i = 0; i < n + 2; i++) {
        if (i < n) {
            page = sf_test_file(paths[i], &len);
            name = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1
                                          : paths[i];

            if (page == NULL) {
                fprintf(stderr, "engine_bench: cannot read %s\n", paths[i]);
                continue;
            }

        } else if (big != NULL) {
            page = big;
            name = "generated 8 MiB article";

            if (i == n + 1) {
                minify(big, &big_len);
                name = "generated, minified";
            }

            len = big_len;

        } else {
            continue;
        }

        for (r = 0; r < 2; r++) {
            if (rules[r] != NULL) {
                bench(rules[r], labels[r], name, page, len, seconds);
            }
        }

        if (page != big) {
            free(page);
        }
    }

    free(big);

    if (rules[0] != NULL) {
        sf_rules_destroy(rules[0]);
    }

    sf_rules_destroy(rules[1]);

    return 0;
}
