/*
 * test_fixtures.c: the fixture corpus through the engine with the built-in
 * pack, in every chunking the harness knows (whole, byte by byte, random
 * sizes, output buffers of 1, 7 and 4096 bytes), under the sanitizers in
 * "make unit-asan".
 *
 * What the visible text must be is checked in Python (tests/fixture_check.py,
 * "make fixtures-cli"); here the engine's own account must agree with each
 * NAME.json: an "identical" page comes out byte for byte, a page with a
 * "source" uses exactly that source and one with none uses none, a page with
 * "removed" phrases has blocks removed, and no output holds two canonicals.
 *
 * SF_FIXTURES names the folder (default tests/fixtures).
 */

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sf.h"
#include "sf_test_util.h"


#define SF_FIXTURES_MAX  256


typedef struct {
    char                  name[128];
    char                  html[512];
    char                  json[512];
} sf_fixture_t;


static int sf_fixture_cmp(const void *a, const void *b);
static size_t sf_fixture_find(const char *dir, sf_fixture_t *fx,
    size_t max);
static int sf_json_string(const char *json, const char *field, char *out,
    size_t cap);
static size_t sf_count(const unsigned char *p, size_t len, const char *what);
static void test_fixture(void **state);


static sf_rules_t  *sf_builtin;


static int
sf_fixture_cmp(const void *a, const void *b)
{
    return strcmp(((const sf_fixture_t *) a)->name,
                  ((const sf_fixture_t *) b)->name);
}


/* The NAME.html files of dir that have a NAME.json, sorted by name. */
static size_t
sf_fixture_find(const char *dir, sf_fixture_t *fx, size_t max)
{
    DIR            *d;
    FILE           *f;
    size_t          n, len;
    struct dirent  *e;

    d = opendir(dir);
    if (d == NULL) {
        return 0;
    }

    n = 0;

    while (n < max && (e = readdir(d)) != NULL) {
        len = strlen(e->d_name);

        if (len <= 5 || len - 5 >= sizeof(fx[n].name)
            || strcmp(e->d_name + len - 5, ".html") != 0)
        {
            continue;
        }

        memcpy(fx[n].name, e->d_name, len - 5);
        fx[n].name[len - 5] = '\0';
        snprintf(fx[n].html, sizeof(fx[n].html), "%s/%s", dir, e->d_name);
        snprintf(fx[n].json, sizeof(fx[n].json), "%s/%s.json", dir,
                 fx[n].name);

        f = fopen(fx[n].json, "r");
        if (f == NULL) {
            continue;
        }

        fclose(f);
        n++;
    }

    closedir(d);
    qsort(fx, n, sizeof(sf_fixture_t), sf_fixture_cmp);

    return n;
}


/*
 * The value of a top-level string field, as the fixtures write it (no
 * escapes in URLs).  Returns 1 when found.
 */
static int
sf_json_string(const char *json, const char *field, char *out, size_t cap)
{
    char         key[64];
    size_t       n;
    const char  *p, *end;

    snprintf(key, sizeof(key), "\"%s\":", field);

    p = strstr(json, key);
    if (p == NULL) {
        return 0;
    }

    p += strlen(key);

    while (*p == ' ') {
        p++;
    }

    if (*p != '"') {
        return 0;
    }

    p++;
    end = strchr(p, '"');
    if (end == NULL) {
        return 0;
    }

    n = (size_t) (end - p);
    if (n >= cap) {
        return 0;
    }

    memcpy(out, p, n);
    out[n] = '\0';

    return 1;
}


static size_t
sf_count(const unsigned char *p, size_t len, const char *what)
{
    size_t  n, i, wlen;

    wlen = strlen(what);
    n = 0;

    for (i = 0; i + wlen <= len; i++) {
        if (memcmp(p + i, what, wlen) == 0) {
            n++;
        }
    }

    return n;
}


static void
test_fixture(void **state)
{
    char                 want[2100];
    size_t               len, jlen;
    unsigned char       *page, *json;
    sf_options_t         opt;
    sf_test_out_t        out;
    const sf_fixture_t  *fx;

    fx = *state;

    page = sf_test_file(fx->html, &len);
    json = sf_test_file(fx->json, &jlen);
    assert_non_null(page);
    assert_non_null(json);

    json = realloc(json, jlen + 1);
    assert_non_null(json);
    json[jlen] = '\0';

    sf_options_init(&opt);

    sf_test_check(sf_builtin, &opt, (const char *) page, len,
                  strstr((char *) json, "\"identical\": true") != NULL
                  ? (const char *) page : NULL,
                  len, &out);

    assert_int_equal(out.rc, SF_OK);

    if (sf_json_string((char *) json, "source", want, sizeof(want))) {
        assert_string_equal(out.source, want);

    } else {
        assert_string_equal(out.source, "");
    }

    if (strstr((char *) json, "\"removed\":") != NULL) {
        assert_true(out.stats.blocks_removed > 0);
    }

    assert_true(sf_count(out.data, out.len, "rel=\"canonical\"") <= 1);

    sf_test_out_free(&out);
    free(json);
    free(page);
}


int
main(void)
{
    int                  rc;
    size_t               n, i;
    const char          *dir;
    sf_fixture_t        *fx;
    struct CMUnitTest   *tests;

    dir = getenv("SF_FIXTURES");
    if (dir == NULL) {
        dir = "tests/fixtures";
    }

    fx = calloc(SF_FIXTURES_MAX, sizeof(sf_fixture_t));
    tests = calloc(SF_FIXTURES_MAX, sizeof(struct CMUnitTest));
    if (fx == NULL || tests == NULL) {
        return 1;
    }

    n = sf_fixture_find(dir, fx, SF_FIXTURES_MAX);
    if (n == 0) {
        fprintf(stderr, "no fixtures in %s\n", dir);
        return 1;
    }

    for (i = 0; i < n; i++) {
        tests[i].name = fx[i].name;
        tests[i].test_func = test_fixture;
        tests[i].initial_state = &fx[i];
    }

    sf_builtin = sf_test_rules(NULL, 1);
    if (sf_builtin == NULL) {
        return 1;
    }

    rc = _cmocka_run_group_tests("fixtures", tests, n, NULL, NULL);

    sf_rules_destroy(sf_builtin);
    free(tests);
    free(fx);

    return rc;
}
